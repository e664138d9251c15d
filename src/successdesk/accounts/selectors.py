"""Reads for accounts: tokens, the sign-in lockout, customers and staff. Reads about
designated contacts (rosters, training, fees) are ``successdesk.contacts.selectors``."""

from __future__ import annotations

import functools
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet, Sum
from django.db.models.functions import Lower
from django.db.models.query import get_related_populators
from django.utils import timezone

from successdesk.domain.errors import NotFound

from .models import ApiToken, Customer, User, normalise_email, token_digest


@functools.cache
def _live_tokens() -> QuerySet[ApiToken]:
    """Un-revoked tokens of active users, with the user and their customer joined."""
    return (
        ApiToken.objects.select_related("user__customer")
        .filter(revoked_at__isnull=True, user__is_active=True)
        .order_by()  # the digest is unique
    )


_DIGEST_PLACEHOLDER = "<digest>"


class _CompiledTokenQuery(threading.local):
    """``_live_tokens().filter(digest=…)[:1]`` compiled once per thread and connection.

    Compiling that select_related query (~30 columns) is most of what a bearer request
    costs in Python (0.55 ms of 0.62 ms; docs/performance.md): here the ORM compiles it
    once, and each request only runs it and turns the row into the three objects with
    the ORM's own converters and select_related populators (as ``ModelIterable`` does)."""

    connection: Any = None
    compiler: Any = None
    sql = ""
    params: tuple[Any, ...] = ()

    def run(self, digest: str) -> ApiToken | None:
        queryset = _live_tokens()
        db = queryset.db
        connection = connections[db]
        if self.connection is not connection:
            compiler = queryset.filter(digest=_DIGEST_PLACEHOLDER)[:1].query.get_compiler(using=db)
            sql, params = compiler.as_sql()
            self.connection, self.compiler, self.sql, self.params = (
                connection,
                compiler,
                sql,
                tuple(params),
            )
        params = [digest if p == _DIGEST_PLACEHOLDER else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchone()
        if fetched is None:
            return None
        compiler = self.compiler
        row = next(iter(compiler.results_iter([[fetched]])))
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[first:last]]
        token = ApiToken.from_db(db, names, row[first:last])
        for populator in get_related_populators(
            klass_info,
            select,
            db,
            getattr(queryset, "_fetch_mode"),  # noqa: B009 - private
        ):
            populator.populate(row, token)
        return token


_TOKEN_QUERY = _CompiledTokenQuery()


def user_for_token(raw: str) -> User | None:
    """The user owning this un-revoked token, or None unless they may sign in (an
    inactive user, or one whose customer is deactivated): one query, and a write of
    ``last_used_at`` at most once a minute per token."""
    if not raw:
        return None
    token = _TOKEN_QUERY.run(token_digest(raw))
    if token is None or not token.user.may_sign_in:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute, to keep reads cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def locked_out_emails(emails: list[str]) -> set[str]:
    """Which of ``emails`` (lower case) the sign-in lockout (django-axes) holds right now:
    the account's recent failures, from every address and browser, reach the limit."""
    from axes.models import AccessAttempt

    wanted = {e.lower() for e in emails}
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = (
        AccessAttempt.objects.annotate(name=Lower("username"))
        .filter(name__in=wanted, attempt_time__gte=since)
        .values("name")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("name", flat=True)
    )
    return set(found)


# --- Reads the console and portal pages make (views run no queries of their own) -------------


def customers_active_choices() -> list[tuple[int, str]]:
    """(id, name) of every active customer, for a form's select."""
    return list(Customer.objects.filter(is_active=True).values_list("pk", "name"))


def customer_active(pk: int | None) -> Customer | None:
    """The active customer with this id, or None."""
    return Customer.objects.filter(pk=pk, is_active=True).first() if pk is not None else None


def customer_get(pk: int) -> Customer:
    """The customer with this id (active or not); NotFound otherwise."""
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise NotFound("No such customer.")
    return customer


def customer_user_by_email(customer: Customer | None, email: str) -> User | None:
    """The user of ``customer`` signing in with ``email`` (normalised), or None."""
    if customer is None or not email:
        return None
    return User.objects.filter(email=normalise_email(email), customer=customer).first()


def staff_choices(*, role: str | None = None) -> QuerySet[User]:
    """Active vendor staff by name (holding ``role`` if given), for an assignee select."""
    staff = User.objects.filter(customer__isnull=True, is_active=True).order_by("full_name")
    return staff.filter(groups__name=role) if role else staff


def staff_member(pk: int | None) -> User | None:
    """The vendor staff user with this id, or None."""
    return User.objects.filter(pk=pk, customer__isnull=True).first() if pk else None
