"""Customers, users (customer users and vendor staff), support teams, API tokens, audit,
e-mail changes. Designated contacts and their training are ``successdesk.contacts``."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .roles import STAFF_ROLES, Role


class Customer(models.Model):
    """An organisation that subscribes to a package; customer-side records belong to one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    time_zone = models.CharField(
        max_length=64,
        default="America/Toronto",
        help_text="IANA zone: fair-usage months are counted in it.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


_T = TypeVar("_T")


class Generation:
    """A stamp that moves whenever some kind of record changes in this process (a signal
    bumps it). Values memoised on a user object carry the stamp they were read under, so
    a request reads each at most once, and reads it again after a change in that request,
    whichever object the change went through."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.value = 0

    def bump(self) -> None:
        self.value = next(self._counter)  # next() on a count is atomic in CPython

    def memo(self, obj: Any, key: str, read: Callable[[], _T]) -> _T:
        """``read()`` once per object until the stamp moves."""
        stamp = self.value  # taken before reading: a change during the read re-reads
        held = obj.__dict__.get(key)
        if held is not None and held[0] == stamp:
            return held[1]  # type: ignore[no-any-return]
        value = read()
        obj.__dict__[key] = (stamp, value)
        return value


ROLE_CHANGES = Generation()  # a user's groups changed


def normalise_email(address: str) -> str:
    """The stored spelling of a sign-in address (``User.save`` stores it so): look users up
    with ``email=normalise_email(typed)``, which the unique index on ``email`` serves, never
    with ``email__iexact`` (``UPPER(email) = UPPER(%s)`` on PostgreSQL: a sequential scan)."""
    return address.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(self.normalize_email(email)), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address.

    A customer user belongs to exactly one customer and has no staff role; vendor staff
    belong to no customer and hold one or more roles (Django groups named after them).
    """

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the Django admin (vendor admins)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=True)
                | models.Q(is_staff=False, is_superuser=False),
                name="customer_users_are_not_admins",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django checks this on every request: a session signed in before the password
        *or the sign-in e-mail* changed no longer matches, so such a change ends every
        session of the user (on any session backend)."""
        return salted_hmac(
            "successdesk.accounts.User.session_auth_hash",
            f"{self.password}\x00{self.email.strip().lower()}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def roles(self) -> frozenset[str]:
        """The staff roles of this user (empty for customer users): one groups query per
        user object (a request's user), read again when any user's groups change."""
        if self.customer_id is not None or not self.pk:
            return frozenset()
        names = ROLE_CHANGES.memo(self, "_groups_memo", self._group_names)
        if self.is_superuser:
            names |= {Role.ADMIN}
        return names

    def _group_names(self) -> frozenset[str]:
        return frozenset(g.name for g in self.groups.all()) & STAFF_ROLES

    @property
    def may_sign_in(self) -> bool:
        """Active, and — for a customer user — their customer active: a deactivated
        customer signs nobody in (password, session or API token)."""
        customer = self.customer if self.customer_id is not None else None
        return self.is_active and (customer is None or customer.is_active)

    @property
    def is_vendor_staff(self) -> bool:
        return self.customer_id is None and bool(self.roles)

    @property
    def is_customer_user(self) -> bool:
        return self.customer_id is not None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class SupportTeam(models.Model):
    """Where triage routes a case."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(SupportTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(default=False)
    is_available = models.BooleanField(default=True, help_text="Takes new assignments.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditEntry(models.Model):
    """Who did what, when: sign-ins, denied access, roster changes, grants…"""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    @property
    def action_label(self) -> str:
        """The action in words ("Password reset link sent"), for pages."""
        # Function-local: ``audit`` imports these models (AuditEntry, User) at its top.
        from .audit import audit_action_label

        return audit_action_label(self.action)


class EmailChange(models.Model):
    """A requested change of a user's sign-in e-mail. Nothing changes until the link mailed
    to the new address is opened and confirmed (once, before it expires)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    old_email = models.EmailField(max_length=254)
    new_email = models.EmailField(max_length=254)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(
        null=True, blank=True, help_text="Replaced by a later request, or refused at confirmation."
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.old_email} -> {self.new_email}"

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender: Any, **kwargs: Any) -> None:
    ROLE_CHANGES.bump()
