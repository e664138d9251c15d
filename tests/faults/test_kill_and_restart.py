"""Faults: web servers, workers and sweepers are killed with SIGKILL at random while
clients keep sending case intakes and service requests, retrying with the same
Idempotency-Key. Afterwards: every 2xx answer has exactly one case or request, no key made
two, the fair-usage pool counted each accepted request once and refused the rest, every
notification was sent and none is left stuck.

Bounded: FAULT_INTAKES case intakes (default 2500) and FAULT_SERVICE_REQUESTS service
requests (default 500), kills during the first FAULT_CHAOS_SECONDS (default 60),
everything within FAULT_SECONDS (default 300).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from successdesk.accounts import services as accounts
from successdesk.accounts.roles import Role
from successdesk.accounts.services import token_create
from successdesk.cases.models import Case, IdempotencyRecord
from successdesk.notifications.models import Notification
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import UsageCounter
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.services import MAX_EXTRA, usage_extra_grant
from tests.conftest import Mailbox, subscribe
from tests.faults.harness import Cluster, database_url

INTAKES = int(os.environ.get("FAULT_INTAKES", "2500"))
SERVICE_REQUESTS = int(os.environ.get("FAULT_SERVICE_REQUESTS", "500"))
EXTRA_GRANTS = 10  # of MAX_EXTRA (20) each: the pool holds 5 + 200, fewer than requested
CHAOS_SECONDS = float(os.environ.get("FAULT_CHAOS_SECONDS", "60"))
SECONDS = float(os.environ.get("FAULT_SECONDS", "300"))
CLIENTS = 4
PAUSE = tuple(float(x) for x in os.environ.get("FAULT_PAUSE", "1,2.5").split(","))


def post(url: str, token: str, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


class Chaos(threading.Thread):
    """Kill a random process, start it again, let it work for 1–2.5 s, and again."""

    def __init__(self, cluster: Cluster, seed: int) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.random = random.Random(seed)
        self.done = threading.Event()

    def run(self) -> None:
        targets = "web,web,web,worker,worker,worker-nofork,sweeper"
        names = os.environ.get("FAULT_TARGETS", targets).split(",")
        stop_at = time.monotonic() + CHAOS_SECONDS
        while not self.done.wait(self.random.uniform(*PAUSE)) and time.monotonic() < stop_at:
            service = self.cluster.services[self.random.choice(names)]
            service.kill()
            time.sleep(self.random.uniform(0.05, 0.3))
            service.start()
            if service.name == "web":
                self.cluster.wait_until_serving()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_processes_lose_no_case_make_no_duplicate_and_leave_nothing_stuck(
    smtp_server: Mailbox, tmp_path: Path
) -> None:
    catalog_load()
    customer = accounts.customer_ensure(name="Northwind")
    subscribe(customer, "premier-success")
    user = accounts.user_ensure(
        email="user@northwind.example", password="x" * 20, customer=customer
    )
    token = token_create(email=user.email)
    admin = accounts.user_ensure(
        email="admin@vendor.example", password="y" * 20, roles=[Role.ADMIN]
    )
    for _ in range(EXTRA_GRANTS):
        usage_extra_grant(
            customer=customer, kind="csv_import", by=admin, reason="fault test", amount=MAX_EXTRA
        )
    counter = UsageCounter.objects.get(customer=customer)
    capacity = counter.extra + 5  # Premier Success: 5 admin tasks and advisory reviews a month
    smtp = django_settings.MAILERS["default"]["OPTIONS"]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url(connection.settings_dict),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp["port"]),
        "NOTIFICATION_CLAIM_SECONDS": "3",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "successdesk.config.settings",
    }
    cluster = Cluster(env=env, logs=tmp_path / "logs")
    cluster.start()
    chaos = Chaos(cluster, seed=int(os.environ.get("FAULT_SEED", "20261127")))
    answered: dict[str, str] = {}
    refused: set[str] = set()
    attempts: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    deadline = time.monotonic() + SECONDS

    def send(job: tuple[str, int]) -> None:
        """One case intake or service request, retried with its key until answered."""
        kind, n = job
        if kind == "case":
            key, url = f"fault-{n}", f"{cluster.url}/api/v1/cases"
            body: dict[str, Any] = {
                "subject": f"Fault {n}",
                "description": "Sent under fire.",
                "severity": 3,
            }
        else:
            key, url = f"sr-{n}", f"{cluster.url}/api/v1/service-requests"
            body = {"kind": "csv_import", "details": f"Import file {n} under fire."}
        while time.monotonic() < deadline:
            attempts[key] += 1
            try:
                status, answer = post(url, token, key, body)
            except (OSError, http.client.HTTPException) as error:
                status, answer = 0, {}
                errors[type(error).__name__] += 1
            if status == 201:
                answered[key] = answer["number"]
                return
            if status == 429 and kind == "sr":
                refused.add(key)
                return
            statuses[status] += 1
            assert status in (0, 500, 502, 503), f"{key}: unexpected {status}"
            time.sleep(0.05)

    jobs = [("case", n) for n in range(INTAKES)] + [("sr", n) for n in range(SERVICE_REQUESTS)]
    random.Random(7).shuffle(jobs)

    try:
        chaos.start()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(send, jobs))
        chaos.done.set()
        chaos.join()
        for service in cluster.services.values():
            if service.process is None or service.process.poll() is not None:
                service.start()
        settle = time.monotonic() + 60
        while time.monotonic() < settle and Notification.objects.filter(sent_at__isnull=True):
            time.sleep(0.5)
    finally:
        chaos.done.set()
        cluster.stop()

    kills = {name: s.kills for name, s in cluster.services.items()}
    retried = sum(1 for n in attempts.values() if n > 1)
    print(
        f"\n{connection.vendor}: 201 for {len(answered)} of {INTAKES} intakes and "
        f"{SERVICE_REQUESTS} service requests, 429 for {len(refused)} (the pool holds "
        f"{capacity}), {retried} retried, "
        f"failed attempts by status {dict(statuses)} {dict(errors)}, kills {kills}"
    )

    # Every request was eventually answered (201, or 429 for a service request over the
    # pool), within the time bound.
    assert len(answered) + len(refused) == INTAKES + SERVICE_REQUESTS
    opened_cases = {k: v for k, v in answered.items() if k.startswith("fault-")}
    accepted = {k: v for k, v in answered.items() if k.startswith("sr-")}
    assert len(opened_cases) == INTAKES
    # Every 2xx answer has exactly one case; no key made two.
    assert len(set(opened_cases.values())) == INTAKES
    cases = dict(Case.objects.values_list("number", "subject"))
    assert len(cases) == INTAKES
    for key, number in opened_cases.items():
        assert cases[number] == f"Fault {key.removeprefix('fault-')}"
    # The pool took exactly as many service requests as it holds, each once; the rest were
    # refused and left nothing behind.
    assert len(accepted) == min(SERVICE_REQUESTS, capacity)
    requests = {request.number: request.details for request in ServiceRequest.objects.all()}
    assert len(requests) == len(accepted) == len(set(accepted.values()))
    for key, number in accepted.items():
        assert requests[number] == f"Import file {key.removeprefix('sr-')} under fire."
    counter.refresh_from_db()
    assert counter.used == len(accepted)
    keys = Counter(IdempotencyRecord.objects.values_list("key", flat=True))
    assert set(keys) == set(answered) and max(keys.values()) == 1
    # Every confirmation was queued once and sent; nothing is left stuck.
    assert Notification.objects.filter(kind="case.opened").count() == INTAKES
    assert Notification.objects.filter(kind="service_request").count() == len(accepted)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert {note.message_id for note in Notification.objects.all()} == set(received)
    duplicates = sum(count - 1 for count in received.values())
    senders = kills["worker"] + kills["worker-nofork"] + kills["sweeper"]
    print(f"duplicate deliveries: {duplicates} (worker and sweeper kills: {senders})")
    # A duplicate can only come from a process killed between the SMTP server's "250 OK"
    # and the commit that marks the row sent; it carries the same Message-ID.
    assert duplicates <= senders
    assert kills["web"] > 0 and kills["worker"] > 0
