"""Who may be signed in: the one check that password sign-in, every session and the API's
tokens go through (``User.may_sign_in``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class ActiveCustomerBackend(ModelBackend):
    """Django's model backend, refusing users whose customer is deactivated as well as
    inactive users: sign-in fails, and a session already open loads no user (it ends at
    its next request)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return isinstance(user, User) and user.may_sign_in

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("customer").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
