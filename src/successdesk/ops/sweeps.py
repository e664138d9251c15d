"""Periodic sweeps: idempotent queries that catch up on whatever is due.

`successdesk sweep --every 30` runs them in a loop (a process beside the workers; several
may run at once: every sweep is idempotent). Later features add theirs to ``SWEEPS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from successdesk.cases.attachments import orphan_uploads_remove
from successdesk.cases.models import Attachment
from successdesk.cases.remote_access import remote_access_record_expiries
from successdesk.notifications.delivery import deliver_due
from successdesk.service_requests.models import ServiceRequestAttachment
from successdesk.triage.escalations import sla_sweep

log = logging.getLogger(__name__)


def orphan_uploads_sweep() -> int:
    """Files written for a case or a service request whose transaction then rolled back."""
    return orphan_uploads_remove(model=Attachment, folder="attachments") + (
        orphan_uploads_remove(model=ServiceRequestAttachment, folder="service-requests")
    )


SWEEPS: dict[str, Callable[[], int]] = {
    "notifications": deliver_due,
    "sla_escalations": sla_sweep,
    "remote_access_expiries": remote_access_record_expiries,
    "orphan_uploads": orphan_uploads_sweep,
}


def run_all() -> dict[str, int]:
    """Run every sweep once; a failing sweep is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, sweep in SWEEPS.items():
        try:
            done[name] = sweep()
        except Exception:
            log.exception("Sweep %s failed", name)
            done[name] = -1
    return done
