"""Training: the courses (``successdesk/data/training.json``), completions recorded by
vendor admins one at a time or by CSV import, and the check before a designation."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from django.db import transaction
from django.db.models import Q

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import User
from successdesk.accounts.roles import Role
from successdesk.accounts.today import customer_today, vendor_today
from successdesk.domain.contacts import ensure_training_complete, missing_training
from successdesk.domain.errors import InvalidInput, PermissionDenied

from .models import TrainingCompletion, TrainingCourse

IMPORT_COLUMNS = ("email", "course", "completed_on")
IMPORT_MAX_ROWS = 5000


class TrainingImportRejected(InvalidInput):
    """A training CSV with bad rows: nothing was imported; ``errors`` lists every one."""

    code = "training_import_invalid"
    title = "The training file has errors"

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        count = len({line for line, _ in errors})  # a line may have several errors
        super().__init__(
            f"Nothing was imported: {count} row{'s' if count != 1 else ''} of the file "
            f"{'have' if count != 1 else 'has'} errors. Correct them and upload the whole "
            "file again.",
            errors=[{"line": line, "message": message} for line, message in errors],
        )
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def training_courses_load(specs: list[dict[str, Any]] | None = None) -> list[TrainingCourse]:
    """Create the shipped courses that do not exist yet (admins' edits stay)."""
    if specs is None:
        text = resources.files("successdesk.data").joinpath("training.json").read_text("utf-8")
        specs = json.loads(text)["courses"]
    created = []
    for spec in specs:
        course, made = TrainingCourse.objects.get_or_create(
            slug=spec["slug"],
            defaults={k: v for k, v in spec.items() if k != "slug"},
        )
        if made:
            created.append(course)
    return created


def training_courses() -> list[TrainingCourse]:
    return list(TrainingCourse.objects.order_by("kind", "name"))


def required_courses() -> list[TrainingCourse]:
    """The courses a designated contact must have completed: every basic course and every
    supplemental course marked required."""
    return list(
        TrainingCourse.objects.filter(
            Q(kind=TrainingCourse.Kind.BASIC) | Q(required_for_designated_contacts=True)
        ).order_by("kind", "name")
    )


def training_missing(user: User) -> list[str]:
    """Names of the required courses ``user`` has not completed."""
    required = required_courses()
    done = set(TrainingCompletion.objects.filter(user=user).values_list("course_id", flat=True))
    return missing_training([c.name for c in required], [c.name for c in required if c.pk in done])


def ensure_trained(user: User) -> None:
    """Refuse (TrainingIncomplete, listing the courses) a user not fully trained."""
    required = required_courses()
    done = set(TrainingCompletion.objects.filter(user=user).values_list("course_id", flat=True))
    ensure_training_complete([c.name for c in required], [c.name for c in required if c.pk in done])


def _ensure_admin(actor: User | None) -> None:
    if actor is not None and not (actor.is_vendor_staff and actor.has_role(Role.ADMIN)):
        raise PermissionDenied(
            "Only vendor admins record training completions. Send the completion details to "
            "a vendor admin."
        )


def _today(user: User | None) -> date:
    """A completion may be dated up to today where the user's customer is (the vendor's
    today for a line whose user is not known)."""
    if user is None or user.customer is None:
        return vendor_today()
    return customer_today(user.customer)


def training_completion_record(
    *,
    actor: User | None,
    user: User,
    course: TrainingCourse,
    completed_on: date,
    ip: str | None = None,
) -> TrainingCompletion:
    """Record (or correct the date of) a user's completion of a course. Vendor admins only
    (``actor=None`` is the system)."""
    _ensure_admin(actor)
    if user.customer_id is None:
        raise InvalidInput(
            f"{user.email} is vendor staff; training is recorded for customer users.",
            field="user",
        )
    if completed_on > _today(user):
        raise InvalidInput(
            f"{completed_on:%Y-%m-%d} is in the future. Give the day the course was completed.",
            field="completed_on",
        )
    with transaction.atomic():
        completion, created = TrainingCompletion.objects.update_or_create(
            user=user,
            course=course,
            defaults={"completed_on": completed_on, "recorded_by": actor},
        )
        audit_record(
            action="training.record",
            actor=actor,
            customer=user.customer,
            target=user.email,
            ip=ip,
            course=course.slug,
            completed_on=completed_on.isoformat(),
            created=created,
        )
    return completion


def _parse_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        return [], [
            (
                1,
                f"the header must name the columns {', '.join(IMPORT_COLUMNS)}; "
                f"missing: {', '.join(missing)}",
            )
        ]
    reader.fieldnames = header
    rows, errors = [], []
    for raw in reader:
        values = {k: (raw.get(k) or "").strip() for k in IMPORT_COLUMNS}
        extra = [v for v in raw.get(None) or [] if v.strip()]
        if any(values.values()) or extra:
            rows.append((reader.line_num, values))
        if extra:
            errors.append(
                (
                    reader.line_num,
                    f"the line has {len(header) + len(extra)} values but the header names "
                    f"{len(header)} columns (quote a value that contains a comma)",
                )
            )
    return rows, errors


def _check_row(
    values: dict[str, str],
    users: dict[str, User],
    courses: dict[str, TrainingCourse],
) -> tuple[list[str], date | None]:
    """Every problem of one line (not only the first), and its completion date if valid."""
    email, slug, day = values["email"].lower(), values["course"], values["completed_on"]
    problems = []
    if not email:
        problems.append("the e-mail is empty")
    elif email not in users:
        problems.append(f"no active customer user has the e-mail {email}")
    if not slug:
        problems.append("the course is empty")
    elif slug not in courses:
        known = ", ".join(sorted(courses)) or "none defined"
        problems.append(f"no course has the slug {slug!r} (known: {known})")
    completed_on = None
    if not day:
        problems.append("completed_on is empty")
    else:
        try:
            completed_on = date.fromisoformat(day)
        except ValueError:
            problems.append(f"completed_on {day!r} is not a date written YYYY-MM-DD")
        else:
            if completed_on > _today(users.get(email)):
                problems.append(f"completed_on {day} is in the future")
    return problems, completed_on


def training_import_csv(*, actor: User | None, text: str, ip: str | None = None) -> ImportResult:
    """Import completions from CSV text with the columns ``email,course,completed_on``
    (course = its slug, completed_on = YYYY-MM-DD). All or nothing: any bad row refuses
    the whole file with TrainingImportRejected listing every problem of every bad line,
    by line number."""
    _ensure_admin(actor)
    rows, errors = _parse_rows(text)
    if not rows and not errors:
        errors = [(1, "the file has no rows under its header")]
    if len(rows) > IMPORT_MAX_ROWS:
        errors = [(1, f"the file has {len(rows)} rows; import at most {IMPORT_MAX_ROWS} at once")]
    if not rows or len(rows) > IMPORT_MAX_ROWS:
        raise TrainingImportRejected(errors)
    emails = {values["email"].lower() for _, values in rows}
    users = {
        u.email: u
        for u in User.objects.filter(email__in=emails, customer__isnull=False, is_active=True)
    }
    courses = {c.slug: c for c in TrainingCourse.objects.all()}
    checked: list[tuple[User, TrainingCourse, date]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows:
        problems, completed_on = _check_row(values, users, courses)
        key = (values["email"].lower(), values["course"])
        if key in seen:
            problems.append(f"the same e-mail and course as line {seen[key]}")
        elif key[0] in users and key[1] in courses:
            seen[key] = line
        errors += [(line, problem) for problem in problems]
        if not problems and completed_on is not None:
            checked.append((users[key[0]], courses[key[1]], completed_on))
    if errors:
        raise TrainingImportRejected(sorted(errors, key=lambda error: error[0]))
    created = 0
    with transaction.atomic():
        for user, course, completed_on in checked:
            _, made = TrainingCompletion.objects.update_or_create(
                user=user,
                course=course,
                defaults={"completed_on": completed_on, "recorded_by": actor},
            )
            created += made
        audit_record(
            action="training.import",
            actor=actor,
            ip=ip,
            target=f"{len(checked)} completion(s)",
            rows=[[u.email, c.slug, d.isoformat()] for u, c, d in checked],
        )
    return ImportResult(created=created, updated=len(checked) - created)
