"""Shared fixtures: real database, real SMTP server on loopback, demo-like people."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from hypothesis import settings as hypothesis_settings

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role

PASSWORD = "correct-horse-battery-staple"

# Property and fuzz tests (hypothesis, schemathesis): `make test` runs them with a fixed seed
# (the same examples on every run, so a failure found once stays found); `make fuzz` sets
# HYPOTHESIS_PROFILE=fuzz to explore with fresh seeds and more examples (FUZZ_EXAMPLES).
hypothesis_settings.register_profile("reproducible", derandomize=True, database=None)
hypothesis_settings.register_profile(
    "fuzz", derandomize=False, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300"))
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))


def pytest_configure(config: pytest.Config) -> None:
    """``pytest`` straight after a clone works: the test database and static files live
    under ``var/``, which ``make`` creates but a fresh clone does not have."""
    from django.conf import settings

    for folder in (settings.VAR_DIR, settings.STATIC_ROOT):
        Path(folder).mkdir(parents=True, exist_ok=True)


def _reused_sqlite(keepdb: bool, request: pytest.FixtureRequest) -> tuple[Path, Path] | None:
    """With ``--reuse-db`` on SQLite: the test database kept between runs, and its pristine
    copy (migrated, before any test)."""
    from django.conf import settings
    from django.db import connections

    if not keepdb or connections["default"].vendor != "sqlite":
        return None
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    name = Path(settings.VAR_DIR) / f"test-successdesk-reused-{worker}.sqlite3"
    return name, name.with_suffix(".pristine.sqlite3")


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy, whatever sits in the source's write-ahead log."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    django_db_keepdb: bool,
    request: pytest.FixtureRequest,
) -> None:
    """``--reuse-db`` (``make check``) keeps one migrated SQLite test database between runs.

    The settings name the SQLite test database after the process id, so that runs side by side
    never share one; that also makes ``--reuse-db`` find nothing to reuse. With it, the name is
    fixed (one per xdist worker): two reusing runs at once in the same checkout would collide.
    The run starts from the pristine copy taken after migrating (``django_db_setup`` below):
    the database as the last run left it has lost the rows that data migrations write, since
    transactional tests flush every table. ``--create-db`` beside it migrates both afresh.
    Without ``--reuse-db`` (``make test``, CI) nothing changes: a fresh database per run.
    """
    from django.db import connections

    reused = _reused_sqlite(django_db_keepdb, request)
    if reused is None:
        return
    name, pristine = reused
    connections["default"].settings_dict["TEST"]["NAME"] = str(name)
    if pristine.exists():
        _sqlite_copy(pristine, name)
    else:
        name.unlink(missing_ok=True)  # no pristine copy: migrate a fresh one


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_keepdb: bool,
    django_db_blocker: Any,
    request: pytest.FixtureRequest,
) -> None:
    """Once migrated (new migrations only, when reused), keep the pristine copy."""
    reused = _reused_sqlite(django_db_keepdb, request)
    if reused is not None:
        from django.db import connections

        name, pristine = reused
        with django_db_blocker.unblock():
            connections["default"].close()
        _sqlite_copy(name, pristine)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test client comes from 127.0.0.1: rate-limit counters (in the cache) must not
    carry from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class Mailbox:
    """Messages received by the loopback SMTP server."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1; Django sends to it over SMTP."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def northwind(db: None) -> Customer:
    return accounts.customer_ensure(name="Northwind")


@pytest.fixture
def contoso(db: None) -> Customer:
    return accounts.customer_ensure(name="Contoso", time_zone="Europe/London")


@pytest.fixture
def northwind_user(northwind: Customer) -> User:
    return accounts.user_ensure(
        email="user@northwind.example", password=PASSWORD, full_name="Noah User", customer=northwind
    )


@pytest.fixture
def contoso_user(contoso: Customer) -> User:
    return accounts.user_ensure(
        email="dc@contoso.example", password=PASSWORD, full_name="Carla Contact", customer=contoso
    )


@pytest.fixture
def triage_agent(db: None) -> User:
    return accounts.user_ensure(
        email="triage@vendor.example", password=PASSWORD, roles=[Role.TRIAGE_AGENT]
    )


@pytest.fixture
def support_agent(db: None) -> User:
    return accounts.user_ensure(
        email="agent@vendor.example", password=PASSWORD, roles=[Role.SUPPORT_AGENT]
    )


@pytest.fixture
def admin_user(db: None) -> User:
    return accounts.user_ensure(email="admin@vendor.example", password=PASSWORD, roles=[Role.ADMIN])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def catalog(db: None) -> None:
    """The shipped package catalog and training courses (``successdesk loadcatalog``)."""
    from successdesk.contacts.training import training_courses_load
    from successdesk.packages.catalog import catalog_load

    catalog_load()
    training_courses_load()


def subscribe(customer: Customer, package_slug: str) -> Any:
    """A one-year term that started a month ago (so "now" is always inside it)."""
    from datetime import timedelta

    from django.utils import timezone

    from successdesk.packages.models import PackageVersion
    from successdesk.packages.services import subscription_start

    version = PackageVersion.objects.filter(package__slug=package_slug).order_by("-version")[0]
    start = timezone.localdate() - timedelta(days=30)
    return subscription_start(customer=customer, package_version=version, starts_on=start)


@pytest.fixture
def premier_northwind(catalog: None, northwind: Customer) -> Customer:
    subscribe(northwind, "premier-success")
    return northwind


@pytest.fixture
def standard_contoso(catalog: None, contoso: Customer) -> Customer:
    subscribe(contoso, "standard")
    return contoso


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def designate(user: User) -> None:
    """Make ``user`` a designated contact of their customer (test set-up)."""
    from successdesk.contacts.models import DesignatedContact

    DesignatedContact.objects.get_or_create(customer=user.customer, user=user)
