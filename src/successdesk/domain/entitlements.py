"""What a package version grants (the catalog dimensions), the "no material decrease" rule
and feature checks. Pure: entitlements are passed in."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, NoReturn

from successdesk.domain.errors import Conflict, InvalidInput, PermissionDenied

CHANNELS = frozenset({"web", "phone", "api"})
SEVERITIES = (1, 2, 3, 4)
QUOTA_KINDS = ("admin_task", "advisory_review")

_CHANNEL_LABELS = {"api": "API", "phone": "telephone", "web": "web"}
_FEATURES = {
    "content_library": "the campaign content library",
    "advisory_services": "campaign and event advisory services",
    "remote_access_support": "remote-access support",
    "priority_routing": "priority routing",
}
FEATURE_LABELS: Mapping[str, str] = MappingProxyType(
    {"web": "web support", "phone": "telephone support", "api": "API access"}
    | {"admin_task": "admin tasks", "advisory_review": "advisory reviews"}
    | _FEATURES
)
_BOOLEANS = ("pooled_quota", *_FEATURES)
_COUNTS = ("designated_contacts_included", "admin_tasks_per_month", "advisory_reviews_per_month")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_int(value) or isinstance(value, float)


def _fail(name: str, expected: str, value: object) -> NoReturn:
    raise InvalidInput(
        f"{name} must be {expected}; got {value!r}. Correct {name} and try again.", field=name
    )


def _need(ok: bool, name: str, expected: str, value: object) -> None:
    if not ok:
        _fail(name, expected, value)


@dataclass(frozen=True, kw_only=True)
class SlaTargetSpec:
    """The SLA targets of one severity. ``business_hours`` False means counted 24x7."""

    first_response: timedelta
    resolution: timedelta
    business_hours: bool

    def __post_init__(self) -> None:
        for name in ("first_response", "resolution"):
            value = getattr(self, name)
            _need(value > timedelta(0), name, "a positive duration", value)
        if self.resolution < self.first_response:
            raise InvalidInput(
                "The resolution target is shorter than the first response target. Give a "
                "resolution target at least as long as the first response target.",
                field="resolution",
            )
        hours = self.business_hours
        _need(type(hours) is bool, "business_hours", "true or false", hours)


@dataclass(frozen=True, kw_only=True)
class Entitlements:
    """What a subscription to one package version grants.

    With ``pooled_quota``, admin tasks and advisory reviews share one monthly pool of
    ``admin_tasks_per_month + advisory_reviews_per_month`` requests.
    """

    channels: frozenset[str]
    phone_hours_per_week: float
    routing_priority: int
    sla_targets: Mapping[int, SlaTargetSpec] = field(hash=False)
    designated_contacts_included: int
    extra_contact_fee: Decimal
    admin_tasks_per_month: int
    advisory_reviews_per_month: int
    pooled_quota: bool
    content_library: bool
    advisory_services: bool
    remote_access_support: bool
    priority_routing: bool

    def __post_init__(self) -> None:
        chans = self.channels
        ok = isinstance(chans, frozenset | set | list | tuple)
        ok = ok and all(isinstance(c, str) for c in chans) and set(chans) <= CHANNELS
        _need(ok, "channels", f"a list drawn from {sorted(CHANNELS)}", chans)
        object.__setattr__(self, "channels", frozenset(chans))
        hours = self.phone_hours_per_week
        ok = _is_number(hours) and 0 <= hours <= 168
        _need(ok, "phone_hours_per_week", "a number of hours from 0 to 168", hours)
        object.__setattr__(self, "phone_hours_per_week", float(hours))
        prio = self.routing_priority
        _need(_is_int(prio), "routing_priority", "a whole number", prio)
        targets = self.sla_targets  # SlaTargetSpec values (from_dict parses them)
        ok = set(targets) == set(SEVERITIES)
        _need(ok, "sla_targets", "one SLA target for each severity 1, 2, 3 and 4", targets)
        targets = MappingProxyType({s: targets[s] for s in SEVERITIES})
        object.__setattr__(self, "sla_targets", targets)
        for name in _COUNTS:
            value = getattr(self, name)
            _need(_is_int(value) and value >= 0, name, "a whole number ≥ 0", value)
        fee = self.extra_contact_fee  # a Decimal (from_dict parses it)
        ok = fee.is_finite() and fee >= 0
        _need(ok, "extra_contact_fee", "a decimal amount ≥ 0", fee)
        for name in _BOOLEANS:
            _need(type(getattr(self, name)) is bool, name, "true or false", getattr(self, name))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entitlements:
        """Build from a catalog entry (JSON/TOML); raise InvalidInput naming the bad key."""
        _need(isinstance(data, Mapping), "entitlements", "a table of keys", data)
        names = {f.name for f in fields(cls)}
        for key in data:
            if key not in names:
                raise InvalidInput(
                    f"Unknown key {key!r} in entitlements. Remove it; the known keys are: "
                    f"{', '.join(sorted(names))}.",
                    field=str(key),
                )
        missing = sorted(names - set(data))
        if missing:
            raise InvalidInput(
                f"Missing key(s) in entitlements: {', '.join(missing)}. Add them.",
                field=missing[0],
            )
        values = dict(data)
        values["sla_targets"] = _targets_from_dict(data["sla_targets"])
        values["extra_contact_fee"] = _decimal("extra_contact_fee", data["extra_contact_fee"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict that ``from_dict`` reads back (durations as ISO-8601)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["channels"] = sorted(self.channels)
        data["extra_contact_fee"] = str(self.extra_contact_fee)
        data["sla_targets"] = {
            str(s): {
                "first_response": format_duration(t.first_response),
                "resolution": format_duration(t.resolution),
                "business_hours": t.business_hours,
            }
            for s, t in self.sla_targets.items()
        }
        return data


_DURATION = re.compile(
    r"P(?!$)(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def parse_duration(value: object, *, name: str = "duration") -> timedelta:
    """An ISO-8601 duration (``PT4H``, ``P2D``; no years or months) or a number of seconds."""
    try:
        if _is_number(value):
            return timedelta(seconds=value)  # type: ignore[arg-type]
        match = _DURATION.fullmatch(value) if isinstance(value, str) else None
        if match is not None:
            w, d, h, m, s = (float(match[k] or 0) for k in "wdhms")
            return timedelta(weeks=w, days=d, hours=h, minutes=m, seconds=s)
    except (OverflowError, ValueError):
        pass
    _fail(name, "an ISO-8601 duration such as 'PT4H' or 'P2D', or seconds", value)


def format_duration(value: timedelta) -> str:
    """ISO-8601 in hours, minutes and seconds (``PT24H``, ``PT1H30M``, ``PT0S``)."""
    seconds, micro = divmod(value // timedelta(microseconds=1), 1_000_000)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    sec = f"{s}.{micro:06d}".rstrip("0") if micro else str(s)
    text = (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{sec}S" if s or micro else "")
    return "PT" + (text or "0S")


def _targets_from_dict(data: object) -> dict[int, SlaTargetSpec]:
    if not isinstance(data, Mapping):
        _fail("sla_targets", "a table keyed by severity", data)
    targets: dict[int, SlaTargetSpec] = {}
    expected = ["business_hours", "first_response", "resolution"]
    for key, spec in data.items():
        name = f"sla_targets.{key}"
        _need(str(key) in ("1", "2", "3", "4"), name, "keyed by a severity 1..4", key)
        if not isinstance(spec, Mapping) or sorted(spec) != expected:
            _fail(name, f"a table with exactly the keys {expected}", spec)
        try:
            targets[int(key)] = SlaTargetSpec(
                first_response=parse_duration(spec["first_response"], name="first_response"),
                resolution=parse_duration(spec["resolution"], name="resolution"),
                business_hours=spec["business_hours"],
            )
        except InvalidInput as error:
            bad = f"{name}.{error.field}"
            raise InvalidInput(f"{bad}: {error.message}", field=bad) from None
    return targets


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, str) or _is_int(value):
        try:
            return Decimal(value)  # type: ignore[arg-type]
        except InvalidOperation:
            pass
    _fail(name, 'an amount written as a string such as "250.00"', value)


# --- The "no material decrease" rule -------------------------------------------------------


@dataclass(frozen=True)
class Decrease:
    """One dimension in which the proposed entitlements serve the customer less."""

    dimension: str
    current: str
    proposed: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


_TOLERABLE = {
    "phone_hours_per_week",
    "designated_contacts_included",
    "extra_contact_fee",
    "admin_tasks_per_month",
    "advisory_reviews_per_month",
    "service_requests_per_month",
    "sla_targets",
} | {f"sla_targets.{s}{c}" for s in SEVERITIES for c in ("", ".first_response", ".resolution")}

# (decrease, relative size of the decrease, or None when no tolerance can apply)
_Found = tuple[Decrease, float | None]


def compare(
    current: Entitlements,
    proposed: Entitlements,
    *,
    materiality: Mapping[str, float] | None = None,
) -> list[Decrease]:
    """Every dimension in which ``proposed`` serves the customer less than ``current``.

    Increases are never reported. SLA durations are compared at face value; a switch from
    24x7 to business-hours counting is reported on its own (``sla_targets.N.business_hours``).

    Fair-usage quotas compare the monthly mixes of requests each version allows: separate
    5+5 → pooled 10 is no decrease (every mix allowed before still is); pooled 10 → separate
    5+5 is a decrease of both kinds (each kind could use up to 10 before); separate → pooled
    is a decrease when the pool is smaller than the old total.

    ``materiality`` maps a numeric dimension (or the prefix ``sla_targets``/``sla_targets.N``)
    to a relative tolerance: a decrease of at most that fraction (0.1 = 10 %) is immaterial.
    Without it any decrease is material. Channels, priority, 24x7 and features have none.
    """
    tolerances = _check_materiality(materiality or {})
    found = list(_decreases(current, proposed))
    return [d for d, size in found if not _immaterial(d.dimension, size, tolerances)]


def _found(dim: str, was: str, now: str, text: str, size: float | None = None) -> _Found:
    return Decrease(dim, was, now, text), size


def _fewer(dim: str, label: str, was: float, now: float, was_text: str = "") -> Iterator[_Found]:
    if now < was:
        unit = "h" if dim == "phone_hours_per_week" else ""
        shown, now_text = was_text or f"{_num(was)}{unit}", f"{_num(now)}{unit}"
        yield _found(
            dim, shown, now_text, f"{label} go from {shown} to {now_text}", (was - now) / was
        )


def _decreases(cur: Entitlements, new: Entitlements) -> Iterator[_Found]:
    for ch in sorted(cur.channels - new.channels):
        text = f"The {_CHANNEL_LABELS[ch]} channel is removed"
        yield _found(f"channels.{ch}", "included", "not included", text)
    yield from _fewer(
        "phone_hours_per_week",
        "Telephone support hours per week",
        cur.phone_hours_per_week,
        new.phone_hours_per_week,
    )
    if new.routing_priority < cur.routing_priority:
        was, now = str(cur.routing_priority), str(new.routing_priority)
        yield _found("routing_priority", was, now, f"Routing priority goes from {was} to {now}")
    for s in SEVERITIES:
        c, p = cur.sla_targets[s], new.sla_targets[s]
        for clock in ("first_response", "resolution"):
            was_t, now_t = getattr(c, clock), getattr(p, clock)
            if now_t > was_t:
                was, now = _hours(was_t), _hours(now_t)
                text = f"Severity {s} {clock.replace('_', ' ')} target goes from {was} to {now}"
                yield _found(f"sla_targets.{s}.{clock}", was, now, text, (now_t - was_t) / was_t)
        if p.business_hours and not c.business_hours:
            text = f"Severity {s} targets go from 24x7 to business hours only"
            yield _found(f"sla_targets.{s}.business_hours", "24x7", "business hours", text)
    yield from _fewer(
        "designated_contacts_included",
        "Included designated contacts",
        cur.designated_contacts_included,
        new.designated_contacts_included,
    )
    was_fee, now_fee = cur.extra_contact_fee, new.extra_contact_fee
    if now_fee > was_fee:
        text = f"The fee per extra designated contact goes from {was_fee} to {now_fee}"
        size = float((now_fee - was_fee) / was_fee) if was_fee else math.inf
        yield _found("extra_contact_fee", str(was_fee), str(now_fee), text, size)
    yield from _quota_decreases(cur, new)
    for name, label in _FEATURES.items():
        if getattr(cur, name) and not getattr(new, name):
            text = f"The package no longer includes {label}"
            yield _found(name, "included", "not included", text)


def _pool_size(e: Entitlements) -> int:
    return e.admin_tasks_per_month + e.advisory_reviews_per_month


def _monthly_limit(e: Entitlements, kind: str) -> int:
    """The monthly limit on requests of ``kind``: the shared pool's size when pooled."""
    if e.pooled_quota:
        return _pool_size(e)
    return e.admin_tasks_per_month if kind == "admin_task" else e.advisory_reviews_per_month


def _quota_decreases(cur: Entitlements, new: Entitlements) -> Iterator[_Found]:
    was_pool, now_pool = _pool_size(cur), _pool_size(new)
    if new.pooled_quota:
        if now_pool < was_pool:
            a, b = cur.admin_tasks_per_month, cur.advisory_reviews_per_month
            was = (
                f"{was_pool} shared"
                if cur.pooled_quota
                else f"{a} admin tasks + {b} advisory reviews"
            )
            now = f"{now_pool} shared"
            text = f"Service requests per month go from {was} to {now}"
            yield _found(
                "service_requests_per_month", was, now, text, (was_pool - now_pool) / was_pool
            )
        return
    for name, label in (
        ("admin_tasks_per_month", "Admin tasks per month"),
        ("advisory_reviews_per_month", "Advisory reviews per month"),
    ):
        if cur.pooled_quota:
            shown = f"up to {was_pool} (shared)"
            yield from _fewer(name, label, was_pool, getattr(new, name), shown)
        else:
            yield from _fewer(name, label, getattr(cur, name), getattr(new, name))


def _num(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def _hours(value: timedelta) -> str:
    minutes, seconds = divmod(int(value.total_seconds()), 60)
    h, m = divmod(minutes, 60)
    text = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{seconds}s" if seconds else "")
    return text or "0s"


def _check_materiality(materiality: Mapping[str, float]) -> dict[str, float]:
    for key, value in materiality.items():
        if key not in _TOLERABLE:
            raise InvalidInput(
                f"materiality cannot apply to {key!r}: only numeric dimensions have a "
                f"tolerance. Use one of: {', '.join(sorted(_TOLERABLE))}.",
                field=f"materiality.{key}",
            )
        ok = _is_number(value) and 0 <= value < math.inf
        _need(ok, f"materiality.{key}", "a fraction ≥ 0 such as 0.1", value)
    return dict(materiality)


def _immaterial(dimension: str, size: float | None, tolerances: dict[str, float]) -> bool:
    parts = dimension.split(".")
    for end in range(len(parts), 0, -1):
        tolerance = tolerances.get(".".join(parts[:end]))
        if tolerance is not None:
            return size is not None and size <= tolerance
    return False


class MaterialDecrease(Conflict):
    """A package change would lower the service during a subscription term."""

    code = "material_decrease"
    status = 409
    title = "The change would lower the service"

    def __init__(self, decreases: Sequence[Decrease]) -> None:
        listed = "; ".join(d.message for d in decreases)
        super().__init__(
            f"This change would lower the service during the subscription term: {listed}. "
            "Keep the current package version until the term ends, or make the change at "
            "renewal.",
            decreases=[d.as_dict() for d in decreases],
        )


def ensure_no_material_decrease(
    current: Entitlements,
    proposed: Entitlements,
    *,
    materiality: Mapping[str, float] | None = None,
) -> None:
    """Raise MaterialDecrease when ``compare`` finds any material decrease."""
    decreases = compare(current, proposed, materiality=materiality)
    if decreases:
        raise MaterialDecrease(decreases)


# --- Features ------------------------------------------------------------------------------


class NotEntitled(PermissionDenied):
    """The customer's package does not include a feature."""

    code = "not_entitled"
    status = 403
    title = "Not included in your package"

    def __init__(self, feature: str, included_in: Sequence[str] = ()) -> None:
        names = list(included_in)
        listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        where = (
            f"It is included in {listed}: ask your account manager about upgrading."
            if names
            else "No package includes it at the moment: contact your account manager."
        )
        super().__init__(
            f"Your package does not include {FEATURE_LABELS.get(feature, feature)}. {where}",
            feature=feature,
            included_in=names,
        )


def has_feature(entitlements: Entitlements, feature: str) -> bool:
    """Whether ``feature`` (a channel, a quota kind or a feature flag) is granted."""
    _need(feature in FEATURE_LABELS, "feature", f"one of {sorted(FEATURE_LABELS)}", feature)
    if feature in CHANNELS:
        return feature in entitlements.channels
    if feature in QUOTA_KINDS:
        advisory_ok = feature == "admin_task" or entitlements.advisory_services
        return advisory_ok and _monthly_limit(entitlements, feature) > 0
    return bool(getattr(entitlements, feature))


def ensure_entitled(
    entitlements: Entitlements, feature: str, *, included_in: Sequence[str] = ()
) -> None:
    """Raise NotEntitled, naming the packages that include ``feature`` (``included_in``)."""
    if not has_feature(entitlements, feature):
        raise NotEntitled(feature, included_in)
