"""Excluded-request detection: does a case ask for something the packages do not cover?

The packages exclude password resets, building or running campaigns, third-party products,
hardware, custom code and implementation services. Detection is rule-based and
configurable: each :class:`ExclusionRule` holds weighted regular expressions that vote for
its kind and weighted *negative* patterns that vote against it (context that cancels a
match, such as "the reset e-mail never arrives", which is a bug in the vendor's product).
A kind matches when its score reaches the rule's threshold.

Third-party products get extra help: a known non-vendor product name (Salesforce, Outlook,
MySQL...) counts for ``third_party`` when a context word (configure, install, set up,
administer...) is near it, and any third-party evidence that lies inside a mention of one
of the vendor's own products is ignored.

All patterns of a :class:`RuleSet` are compiled once into one regular expression, so a
case text is scanned in one pass. The default rules live in
``successdesk/data/exclusion_rules.json``; see ``docs/exclusions.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from string import Formatter
from typing import Any, NamedTuple

from successdesk.domain.errors import InvalidInput

__all__ = [
    "ExclusionKind", "ExclusionMatch", "ExclusionRule", "Pattern", "RuleSet",
    "describe_contacts", "detect", "load_default_rules",
]  # fmt: skip


class ExclusionKind(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind, not a secret
    CAMPAIGN_BUILDING = "campaign_building"
    THIRD_PARTY = "third_party"
    HARDWARE = "hardware"
    CUSTOM_CODE = "custom_code"
    IMPLEMENTATION = "implementation"


PLACEHOLDERS = frozenset({"designated_contacts"})
_KIND_ORDER = {kind: i for i, kind in enumerate(ExclusionKind)}
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P[=<]")
_SPACES = re.compile(r"\s+")
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
# Roles of the slots of the combined expression.
_POSITIVE, _NEGATIVE, _PRODUCT, _CONTEXT, _VENDOR = range(5)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression (case-insensitive, matched on word boundaries) and its weight."""

    regex: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ExclusionRule:
    """How to recognise one excluded kind, and the standard answer to give."""

    kind: ExclusionKind
    patterns: tuple[Pattern, ...]
    negative_patterns: tuple[Pattern, ...] = ()
    answer: str = ""
    threshold: float = 1.0


@dataclass(frozen=True, slots=True)
class ExclusionMatch:
    """A detected excluded request: its kind, the phrase that gave it away, the answer."""

    kind: ExclusionKind
    evidence: str
    answer: str
    confidence: float = 1.0

    def render(self, designated_contacts: Iterable[str] = ()) -> str:
        """The answer, with the customer's designated contacts named where it refers to them."""
        return self.answer.format(designated_contacts=describe_contacts(designated_contacts))


def describe_contacts(names: Iterable[str]) -> str:
    """``"one of your designated contacts (Ann Lee or Bo Ray)"``, or without names if none."""
    cleaned = [name.strip() for name in names if name.strip()]
    if not cleaned:
        return "one of your designated contacts"
    if len(cleaned) == 1:
        return f"your designated contact, {cleaned[0]}"
    listed = ", ".join(cleaned[:-1]) + f" or {cleaned[-1]}"
    return f"one of your designated contacts ({listed})"


@dataclass(frozen=True, slots=True)
class _Slot:
    role: int
    kind: ExclusionKind | None
    weight: float


class _Hit(NamedTuple):
    slot: int
    start: int
    end: int


class _Scanner:
    """Many word-bounded patterns compiled into one expression that reports every match.

    At each position where some pattern starts, optional look-aheads capture every pattern
    that starts there, so overlapping matches of different patterns are all seen. Patterns
    and text are lower-cased instead of matching with IGNORECASE, which is markedly faster.
    """

    def __init__(self, sources: Sequence[str]) -> None:
        wrapped = [rf"(?:{_lower_pattern(source)})(?!\w)" for source in sources]
        guard = "|".join(wrapped)
        captures = "".join(f"(?:(?=(?P<g{i}>{w})))?" for i, w in enumerate(wrapped))
        self._regex = re.compile(rf"(?<!\w)(?=(?:{guard})){captures}")
        numbers = [self._regex.groupindex[f"g{i}"] for i in range(len(sources))]
        self._spans = itemgetter(*numbers, 0)  # the trailing 0 keeps a tuple for one source

    def scan(self, lowered: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for found in self._regex.finditer(lowered):
            spans = self._spans(found.regs)
            hits.extend(_Hit(i, s, e) for i, (s, e) in enumerate(spans[:-1]) if s >= 0)
        return hits


def _lower_pattern(source: str) -> str:
    """Lower-case the letters of a pattern, but not escapes such as ``\\S`` or ``\\W``."""
    out: list[str] = []
    escaped = False
    for char in source:
        out.append(char if escaped else char.lower())
        escaped = char == "\\" and not escaped
    return "".join(out).replace("(?p<", "(?P<")


def _lower_text(text: str) -> str:
    """``text.lower()`` with every offset kept (a few characters lower-case to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _check_regex(source: str, where: str) -> None:
    if not source.strip():
        raise InvalidInput(f"{where} must be a non-empty regular expression.", field=where)
    if _GROUP_REFERENCE.search(source):
        message = f"{where} uses a named group or a back-reference, which are not supported."
        raise InvalidInput(message, field=where)
    try:
        compiled = re.compile(rf"(?<!\w)(?:{_lower_pattern(source)})(?!\w)")
    except re.error as exc:
        raise InvalidInput(
            f"{where} is not a valid regular expression: {exc}.", field=where
        ) from exc
    if compiled.fullmatch(""):
        raise InvalidInput(f"{where} matches the empty text.", field=where)


def _check_weight(value: float, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidInput(f"{where} must be a positive number.", field=where)


@dataclass(frozen=True)
class RuleSet:
    """Detection rules plus the known product names, compiled once on construction."""

    rules: tuple[ExclusionRule, ...]
    vendor_products: tuple[str, ...] = ()
    third_party_products: tuple[str, ...] = ()
    product_context: tuple[str, ...] = ()
    product_weight: float = 1.0
    context_window: int = 60
    _slots: tuple[_Slot, ...] = field(init=False, repr=False, compare=False)
    _scanner: _Scanner = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sources: list[str] = []
        slots: list[_Slot] = []

        def add(source: str, slot: _Slot, where: str) -> None:
            _check_regex(source, where)
            _check_weight(slot.weight, f"{where}.weight")
            sources.append(source)
            slots.append(slot)

        seen: set[ExclusionKind] = set()
        for rule in self.rules:
            name = str(rule.kind)
            if rule.kind in seen:
                raise InvalidInput(f"rules.{name} is defined twice.", field=f"rules.{name}")
            seen.add(rule.kind)
            if not rule.patterns:
                where = f"rules.{name}.patterns"
                raise InvalidInput(f"{where} must not be empty.", field=where)
            _check_weight(rule.threshold, f"rules.{name}.threshold")
            _check_answer(rule.answer, f"rules.{name}.answer")
            for role, group, label in (
                (_POSITIVE, rule.patterns, "patterns"),
                (_NEGATIVE, rule.negative_patterns, "negative_patterns"),
            ):
                for i, pattern in enumerate(group):
                    slot = _Slot(role, rule.kind, pattern.weight)
                    add(pattern.regex, slot, f"rules.{name}.{label}[{i}]")
        for role, names, label in (
            (_VENDOR, self.vendor_products, "vendor_products"),
            (_PRODUCT, self.third_party_products, "third_party_products.names"),
        ):
            for i, product in enumerate(names):
                where = f"{label}[{i}]"
                if not product.strip():
                    raise InvalidInput(f"{where} must be a non-empty name.", field=where)
                add(_name_regex(product), _Slot(role, None, 1.0), where)
        for i, source in enumerate(self.product_context):
            add(source, _Slot(_CONTEXT, None, 1.0), f"third_party_products.context[{i}]")
        _check_weight(self.product_weight, "third_party_products.weight")
        _check_weight(self.context_window, "third_party_products.window")
        object.__setattr__(self, "_slots", tuple(slots))
        object.__setattr__(self, "_scanner", _Scanner(sources))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        """Build a rule set from the JSON shape documented in ``docs/exclusions.md``."""
        if not isinstance(data, Mapping):
            raise InvalidInput("The exclusion rules must be a JSON object.", field="rules")
        _check_keys(data, {"version", "vendor_products", "third_party_products", "rules"}, "")
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise InvalidInput("rules must be a non-empty list.", field="rules")
        rules = tuple(_parse_rule(raw, f"rules[{i}]") for i, raw in enumerate(raw_rules))
        products = data.get("third_party_products", {})
        if not isinstance(products, Mapping):
            where = "third_party_products"
            raise InvalidInput(f"{where} must be an object.", field=where)
        _check_keys(products, {"names", "context", "weight", "window"}, "third_party_products")
        return cls(
            rules=rules,
            vendor_products=_string_list(data.get("vendor_products", []), "vendor_products"),
            third_party_products=_string_list(
                products.get("names", []), "third_party_products.names"
            ),
            product_context=_string_list(
                products.get("context", []), "third_party_products.context"
            ),
            product_weight=products.get("weight", 1.0),
            context_window=products.get("window", 60),
        )

    def rule_for(self, kind: ExclusionKind) -> ExclusionRule | None:
        return next((rule for rule in self.rules if rule.kind == kind), None)

    def scan(self, lowered: str) -> list[tuple[_Slot, _Hit]]:
        """Every match of every pattern and product name in lower-cased ``lowered``, with
        what it stands for."""
        return [(self._slots[hit.slot], hit) for hit in self._scanner.scan(lowered)]


def _check_answer(answer: str, where: str) -> None:
    if not isinstance(answer, str) or not answer.strip():
        raise InvalidInput(f"{where} must be a non-empty text.", field=where)
    try:
        fields = {name for _, name, _, _ in Formatter().parse(answer) if name is not None}
    except ValueError as exc:
        raise InvalidInput(f"{where} has a malformed placeholder: {exc}.", field=where) from exc
    unknown = fields - PLACEHOLDERS
    if unknown:
        names = ", ".join(sorted(f"{{{name}}}" for name in unknown))
        raise InvalidInput(f"{where} uses unknown placeholders: {names}.", field=where)


def _check_keys(value: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in sorted(set(value) - allowed):
        entry = f"{where}.{key}" if where else key
        raise InvalidInput(f"{entry} is not a known setting.", field=entry)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{where} must be a list of texts.", field=where)
    return tuple(value)


def _parse_patterns(value: Any, where: str) -> tuple[Pattern, ...]:
    if not isinstance(value, list):
        raise InvalidInput(f"{where} must be a list.", field=where)
    patterns: list[Pattern] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            patterns.append(Pattern(item))
        elif isinstance(item, Mapping) and isinstance(item.get("pattern"), str):
            patterns.append(Pattern(item["pattern"], item.get("weight", 1.0)))
        else:
            entry = f"{where}[{i}]"
            message = f'{entry} must be a regular expression or {{"pattern": ..., "weight": ...}}.'
            raise InvalidInput(message, field=entry)
    return tuple(patterns)


def _parse_rule(raw: Any, where: str) -> ExclusionRule:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where} must be an object.", field=where)
    try:
        kind = ExclusionKind(str(raw.get("kind")))
    except ValueError:
        known = ", ".join(ExclusionKind)
        message = f"{where}.kind must be one of {known}; got {raw.get('kind')!r}."
        raise InvalidInput(message, field=f"{where}.kind") from None
    where = f"rules.{kind}"
    allowed = {"kind", "patterns", "negative_patterns", "answer", "threshold"}
    _check_keys(raw, allowed, where)
    return ExclusionRule(
        kind=kind,
        patterns=_parse_patterns(raw.get("patterns"), f"{where}.patterns"),
        negative_patterns=_parse_patterns(
            raw.get("negative_patterns", []), f"{where}.negative_patterns"
        ),
        answer=raw.get("answer", ""),
        threshold=raw.get("threshold", 1.0),
    )


def _name_regex(name: str) -> str:
    return r"\s+".join(re.escape(word) for word in name.split())


@lru_cache(maxsize=1)
def load_default_rules() -> RuleSet:
    """The rules shipped in ``successdesk/data/exclusion_rules.json`` (parsed once)."""
    source = resources.files("successdesk.data").joinpath("exclusion_rules.json")
    return RuleSet.from_dict(json.loads(source.read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def _extra_names(vendor: tuple[str, ...], third_party: tuple[str, ...]) -> RuleSet:
    """Caller-supplied product names, compiled once per distinct list."""
    return RuleSet((), vendor_products=vendor, third_party_products=third_party)


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({value.strip() for value in values if value.strip()}))


def detect(
    subject: str,
    description: str,
    rules: RuleSet,
    *,
    vendor_products: Iterable[str] = (),
    third_party_products: Iterable[str] = (),
) -> list[ExclusionMatch]:
    """The excluded kinds a case asks for, most confident first, at most one per kind.

    ``vendor_products`` are the vendor's own covered products: third-party evidence inside
    a mention of one of them is ignored. ``third_party_products`` adds known non-vendor
    product names to those of ``rules``; each counts when a context word is near it.
    """
    text = _SPACES.sub(" ", f"{subject}\n{description}".translate(_TYPOGRAPHY)).strip()
    lowered = _lower_text(text)
    hits = rules.scan(lowered)
    extra_vendor, extra_third = _names(vendor_products), _names(third_party_products)
    if extra_vendor or extra_third:
        hits += _extra_names(extra_vendor, extra_third).scan(lowered)

    vendor = [hit for slot, hit in hits if slot.role == _VENDOR]

    def inside_vendor_mention(hit: _Hit) -> bool:
        return any(hit.start < v.end and v.start < hit.end for v in vendor)

    scores: dict[ExclusionKind, float] = {}
    best: dict[ExclusionKind, tuple[float, int, str]] = {}
    counted: set[int] = set()  # each pattern counts once, however often it matches
    for slot, hit in hits:
        if slot.kind is None or id(slot) in counted:
            continue
        positive = slot.role == _POSITIVE
        if positive and slot.kind == ExclusionKind.THIRD_PARTY and inside_vendor_mention(hit):
            continue
        counted.add(id(slot))
        sign = 1.0 if positive else -1.0
        scores[slot.kind] = scores.get(slot.kind, 0.0) + sign * slot.weight
        if sign > 0 and (slot.kind not in best or best[slot.kind][:2] < (slot.weight, -hit.start)):
            best[slot.kind] = (slot.weight, -hit.start, text[hit.start : hit.end])

    mention = _product_in_context(text, hits, rules.context_window, inside_vendor_mention)
    if mention is not None:
        kind = ExclusionKind.THIRD_PARTY
        scores[kind] = scores.get(kind, 0.0) + rules.product_weight
        if kind not in best or best[kind][0] < rules.product_weight:
            best[kind] = (rules.product_weight, 0, mention)

    matches = []
    for rule in rules.rules:
        score = scores.get(rule.kind, 0.0)
        if rule.kind in best and score >= rule.threshold:
            evidence = best[rule.kind][2]
            matches.append(ExclusionMatch(rule.kind, evidence, rule.answer, round(score, 3)))
    matches.sort(key=lambda match: (-match.confidence, _KIND_ORDER[match.kind]))
    return matches


def _product_in_context(
    text: str,
    hits: Sequence[tuple[_Slot, _Hit]],
    window: int,
    inside_vendor_mention: Callable[[_Hit], bool],
) -> str | None:
    """The closest pair of a non-vendor product mention and a context word, if any is near."""
    context = [hit for slot, hit in hits if slot.role == _CONTEXT]
    products = [hit for slot, hit in hits if slot.role == _PRODUCT]
    pairs = [
        (max(word.start - hit.end, hit.start - word.end), hit, word)
        for hit in products
        if not inside_vendor_mention(hit)
        for word in context
    ]
    near = [pair for pair in pairs if pair[0] <= window]
    if not near:
        return None
    _, hit, word = min(near, key=lambda pair: (pair[0], pair[1].start))
    return text[min(hit.start, word.start) : max(hit.end, word.end)]
