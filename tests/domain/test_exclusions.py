"""Excluded-request detection: the rules, their validation, and their measured quality."""

from __future__ import annotations

import copy
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from successdesk.domain.errors import InvalidInput
from successdesk.domain.exclusions import (
    ExclusionKind,
    ExclusionMatch,
    ExclusionRule,
    Pattern,
    RuleSet,
    describe_contacts,
    detect,
    load_default_rules,
)

LABELLED = Path(__file__).parents[1] / "data" / "exclusions_labelled.jsonl"
RULES_FILE = Path(__file__).parents[2] / "src" / "successdesk" / "data" / "exclusion_rules.json"
K = ExclusionKind


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_default_rules()


def kinds(subject: str, description: str = "", **kwargs: Any) -> list[ExclusionKind]:
    return [match.kind for match in detect(subject, description, load_default_rules(), **kwargs)]


def default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return data


def tiny_rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": "hardware", "patterns": ["printers?"], "answer": "Ask IT."}
    rule.update(overrides)
    return rule


# --- the default rules -------------------------------------------------------------------


def test_the_default_rules_cover_every_kind_and_are_loaded_once(rules: RuleSet) -> None:
    assert {rule.kind for rule in rules.rules} == set(ExclusionKind)
    assert load_default_rules() is rules
    assert rules.rule_for(K.HARDWARE) is not None


def test_rule_for_a_kind_without_a_rule_is_none() -> None:
    rule_set = RuleSet.from_dict({"rules": [tiny_rule()]})
    assert rule_set.rule_for(K.CUSTOM_CODE) is None


@pytest.mark.parametrize(
    ("subject", "description", "kind"),
    [
        ("Reset my password", "Can you reset my password please?", K.PASSWORD_RESET),
        ("Locked out", "I'm locked out of my admin account, can you unlock it?", K.PASSWORD_RESET),
        ("Q4", "Could your team build our Q4 campaign with 6 challenges?", K.CAMPAIGN_BUILDING),
        ("Help", "Can you run our advocate program while we hire?", K.CAMPAIGN_BUILDING),
        ("SF", "Help us configure workflow rules in our Salesforce org", K.THIRD_PARTY),
        ("Printer offline", "Our office printer is offline again", K.HARDWARE),
        ("Script", "Could you write a Python script that calls your API nightly?", K.CUSTOM_CODE),
        ("New hub", "We just signed. Please set up our hub from scratch.", K.IMPLEMENTATION),
    ],
)
def test_each_kind_is_detected_with_its_standard_answer(
    rules: RuleSet, subject: str, description: str, kind: ExclusionKind
) -> None:
    [match] = detect(subject, description, rules)
    assert match.kind == kind
    assert match.evidence
    assert match.evidence.lower() in f"{subject} {description}".lower()
    rule = rules.rule_for(kind)
    assert rule is not None
    assert match.answer == rule.answer


@pytest.mark.parametrize(
    ("subject", "description"),
    [
        ("Reset email never arrives", "Advocates say the reset email never arrives."),
        ("Reset link broken", "Advocates can't reset their password: the link says token invalid"),
        ("Password policy", "Where do I change the password policy setting for our hub?"),
        ("Import", "Please import this CSV we exported from Salesforce as new advocates."),
        ("Sync errors", "Our Salesforce sync errors in the integration since Monday."),
        ("Flow", "Could you help set up the referral campaign flow for our new stages?"),
        ("Review", "Could your specialist review our referral campaign and advise?"),
        ("Report", "We'd like a custom report built showing referrals by region."),
        (
            "Promo code",
            "The discount code in the reward isn't accepted, advocates say invalid code",
        ),
        ("Onboarding", "New advocates don't get the onboarding challenge assigned anymore."),
        ("Slow", "The hub is slow on my laptop today."),
    ],
)
def test_in_scope_cases_that_look_excluded_are_not_flagged(subject: str, description: str) -> None:
    assert kinds(subject, description) == []


def test_a_negative_pattern_cancels_the_kind_it_belongs_to_only() -> None:
    text = "Please reset my password. Also our office printer is offline."
    assert set(kinds("Two things", text)) == {K.PASSWORD_RESET, K.HARDWARE}
    assert kinds("Reset email never arrives", text) == [K.HARDWARE]


def test_matches_are_deduplicated_per_kind_and_sorted_by_confidence(rules: RuleSet) -> None:
    matches = detect(
        "Forgot my password",
        "Please reset my password, reset my password again, I'm locked out. "
        "Also the office printer is offline.",
        rules,
    )
    assert [match.kind for match in matches] == [K.PASSWORD_RESET, K.HARDWARE]
    assert matches[0].confidence > matches[1].confidence


def test_text_is_normalised_before_matching() -> None:
    assert kinds("Reset   my\n\tpassword", "") == [K.PASSWORD_RESET]
    assert kinds("İstanbul office: please RESET MY PASSWORD", "") == [K.PASSWORD_RESET]
    [match] = detect("İİ please reset my password", "", load_default_rules())
    assert match.evidence == "reset my password"


# --- product names -----------------------------------------------------------------------


def test_a_third_party_product_needs_a_context_word_near_it() -> None:
    assert kinds("Outlook", "Please help us configure Outlook for the sales team") == [
        K.THIRD_PARTY
    ]
    assert kinds("Outlook", "Advocates read our newsletter in Outlook") == []
    far = "Configure " + "and the rest of the week is busy for us " * 3 + "in Outlook"
    assert kinds("Question", far) == []


def test_callers_can_name_more_third_party_products() -> None:
    text = "Can you help us configure Acme CRM for our sales team?"
    assert kinds("CRM", text) == []
    assert kinds("CRM", text, third_party_products=["Acme CRM", " "]) == [K.THIRD_PARTY]


def test_mentions_of_the_vendors_own_products_are_not_third_party() -> None:
    text = "Please help us configure the Salesforce Bridge for AdvocateHub."
    assert kinds("Bridge", text) == [K.THIRD_PARTY]
    assert kinds("Bridge", text, vendor_products=["Salesforce Bridge"]) == []
    # a product named both ways is the vendor's
    both = {"vendor_products": ["Acme CRM"], "third_party_products": ["Acme CRM"]}
    assert kinds("CRM", "Can you configure Acme CRM for us?", **both) == []


def test_third_party_patterns_inside_a_vendor_mention_are_ignored() -> None:
    text = "Our Hub VPN keeps dropping advocates."
    assert kinds("Dropping", text) == [K.THIRD_PARTY]
    assert kinds("Dropping", text, vendor_products=["Hub VPN"]) == []
    also = text + " And our VPN too."
    assert kinds("Dropping", also, vendor_products=["Hub VPN"]) == [K.THIRD_PARTY]


def test_product_evidence_is_used_unless_a_heavier_pattern_matched() -> None:
    def rule_set(weight: float) -> RuleSet:
        rule = tiny_rule(kind="third_party", patterns=[{"pattern": "vpn", "weight": weight}])
        return RuleSet.from_dict(
            {
                "rules": [rule],
                "third_party_products": {"names": ["Zoom"], "context": ["install"]},
            }
        )

    text = "Please install Zoom on our VPN"
    [light] = detect("Zoom", text, rule_set(0.5))
    assert (light.evidence, light.confidence) == ("install Zoom", 1.5)
    [heavy] = detect("Zoom", text, rule_set(2.0))
    assert (heavy.evidence, heavy.confidence) == ("VPN", 3.0)
    [alone] = detect("Zoom", "Please install Zoom", rule_set(1.0))
    assert alone.evidence == "install Zoom"


def test_a_product_mention_without_a_third_party_rule_is_ignored() -> None:
    rule_set = RuleSet.from_dict(
        {"rules": [tiny_rule()], "third_party_products": {"names": ["Zoom"], "context": ["fix"]}}
    )
    assert detect("Zoom", "fix Zoom", rule_set) == []


# --- weights, thresholds and evidence ----------------------------------------------------


def test_weights_add_up_to_the_threshold_and_negatives_subtract() -> None:
    rule = ExclusionRule(
        kind=K.HARDWARE,
        patterns=(Pattern("laptops?", 0.5), Pattern("install", 0.5), Pattern("printers?", 2)),
        negative_patterns=(Pattern("browser", 0.5),),
        answer="Ask IT.",
        threshold=1.0,
    )
    rule_set = RuleSet((rule,))
    assert detect("laptop", "", rule_set) == []
    [match] = detect("laptop", "please install it", rule_set)
    assert (match.evidence, match.confidence) == ("laptop", 1.0)
    assert detect("laptop", "please install it in the browser", rule_set) == []
    [printer] = detect("laptop", "install the printer", rule_set)
    assert printer.evidence == "printer"


def test_patterns_respect_word_boundaries() -> None:
    rule_set = RuleSet.from_dict({"rules": [tiny_rule(patterns=["ram", r"\.net"])]})
    assert detect("Program frame", "ASP.NET", rule_set) == []
    assert [m.evidence for m in detect("More RAM", "", rule_set)] == ["RAM"]
    assert [m.evidence for m in detect("Our .NET app", "", rule_set)] == [".NET"]


# --- answers -----------------------------------------------------------------------------


def test_the_password_reset_answer_names_the_designated_contacts(rules: RuleSet) -> None:
    [match] = detect("Reset my password", "", rules)
    assert "Forgot Password?" in match.render()
    assert "one of your designated contacts" in match.render()
    assert "one of your designated contacts (Ann Lee or Bo Ray)" in match.render(
        ["Ann Lee", "Bo Ray"]
    )
    assert "{designated_contacts}" not in match.render([])


def test_designated_contacts_are_described_in_plain_english() -> None:
    assert describe_contacts([]) == "one of your designated contacts"
    assert describe_contacts([" ", ""]) == "one of your designated contacts"
    assert describe_contacts(["Ann Lee "]) == "your designated contact, Ann Lee"
    assert describe_contacts(["A", "B", "C"]) == "one of your designated contacts (A, B or C)"


def test_a_contact_name_with_braces_is_rendered_literally() -> None:
    match = ExclusionMatch(K.PASSWORD_RESET, "reset", "Ask {designated_contacts}.")
    assert match.render(["{x}"]) == "Ask your designated contact, {x}."


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (K.PASSWORD_RESET, ["Forgot Password?", "{designated_contacts}"]),
        (K.CAMPAIGN_BUILDING, ["advisory review", "fair-usage limit"]),
        (K.THIRD_PARTY, ["vendor"]),
        (K.HARDWARE, ["IT department"]),
        (K.CUSTOM_CODE, ["custom code", "isn't covered"]),
        (K.IMPLEMENTATION, ["already implemented", "account manager"]),
    ],
)
def test_standard_answers_say_what_to_do_instead(
    rules: RuleSet, kind: ExclusionKind, words: list[str]
) -> None:
    rule = rules.rule_for(kind)
    assert rule is not None
    for word in words:
        assert word in rule.answer


# --- validation of a rules file ----------------------------------------------------------


def test_the_shipped_rules_file_round_trips_through_from_dict() -> None:
    assert RuleSet.from_dict(default_data()).rules == load_default_rules().rules


@pytest.mark.parametrize(
    ("mutate", "field", "fragment"),
    [
        (lambda d: d.clear(), "rules", "non-empty list"),
        (lambda d: d.update(rules="x"), "rules", "non-empty list"),
        (lambda d: d["rules"].__setitem__(1, "x"), "rules[1]", "object"),
        (lambda d: d["rules"][2].update(kind="fax"), "rules[2].kind", "'fax'"),
        (lambda d: d["rules"][2].pop("kind"), "rules[2].kind", "None"),
        (lambda d: d["rules"].append(d["rules"][0]), "rules.password_reset", "twice"),
        (lambda d: d["rules"][0].update(patterns="x"), "rules.password_reset.patterns", "list"),
        (lambda d: d["rules"][0].update(patterns=[]), "rules.password_reset.patterns", "empty"),
        (
            lambda d: d["rules"][3]["patterns"].append(7),
            "rules.hardware.patterns[3]",
            "regular expression or",
        ),
        (
            lambda d: d["rules"][3]["patterns"].append("printer(s"),
            "rules.hardware.patterns[3]",
            "not a valid regular expression",
        ),
        (
            lambda d: d["rules"][3]["patterns"].append(" "),
            "rules.hardware.patterns[3]",
            "non-empty",
        ),
        (
            lambda d: d["rules"][3]["patterns"].append(r"(a)\1"),
            "rules.hardware.patterns[3]",
            "back-reference",
        ),
        (
            lambda d: d["rules"][3]["patterns"].append("(?i)printers?"),
            "rules.hardware.patterns[3]",
            "not a valid regular expression",
        ),
        (
            lambda d: d["rules"][3]["patterns"].append("x?"),
            "rules.hardware.patterns[3]",
            "empty text",
        ),
        (
            lambda d: d["rules"][3]["negative_patterns"].append({"pattern": "a", "weight": 0}),
            "rules.hardware.negative_patterns[1].weight",
            "positive number",
        ),
        (
            lambda d: d["rules"][3]["patterns"].append({"pattern": "a", "weight": True}),
            "rules.hardware.patterns[3].weight",
            "positive number",
        ),
        (lambda d: d["rules"][3].update(threshold="1"), "rules.hardware.threshold", "positive"),
        (lambda d: d["rules"][3].update(answer=" "), "rules.hardware.answer", "non-empty"),
        (lambda d: d["rules"][3].update(answer="Hi {name}"), "rules.hardware.answer", "{name}"),
        (lambda d: d["rules"][3].update(answer="Hi {"), "rules.hardware.answer", "malformed"),
        (lambda d: d.update(third_party_products=[]), "third_party_products", "object"),
        (
            lambda d: d["third_party_products"].update(names="Zoom"),
            "third_party_products.names",
            "list of texts",
        ),
        (
            lambda d: d["third_party_products"]["names"].insert(0, " "),
            "third_party_products.names[0]",
            "non-empty name",
        ),
        (
            lambda d: d["third_party_products"]["context"].insert(0, "(?P<x>a)(?P=x)"),
            "third_party_products.context[0]",
            "named group",
        ),
        (
            lambda d: d["third_party_products"].update(window=0),
            "third_party_products.window",
            "positive",
        ),
        (
            lambda d: d["third_party_products"].update(weight=-1),
            "third_party_products.weight",
            "positive",
        ),
        (lambda d: d.update(vendor_products=[1]), "vendor_products", "list of texts"),
        (lambda d: d.update(rule=[]), "rule", "not a known setting"),
        (
            lambda d: d["rules"][0].update(negative_paterns=[]),
            "rules.password_reset.negative_paterns",
            "not a known setting",
        ),
        (
            lambda d: d["third_party_products"].update(names_=[]),
            "third_party_products.names_",
            "not a known setting",
        ),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_bad_entry(
    mutate: Any, field: str, fragment: str
) -> None:
    data = copy.deepcopy(default_data())
    mutate(data)
    with pytest.raises(InvalidInput) as caught:
        RuleSet.from_dict(data)
    assert caught.value.field == field
    assert field in caught.value.message
    assert fragment in caught.value.message


def test_rules_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(InvalidInput, match="JSON object"):
        RuleSet.from_dict([])  # type: ignore[arg-type]


def test_a_rule_set_built_in_code_is_validated_too() -> None:
    with pytest.raises(InvalidInput) as caught:
        RuleSet((ExclusionRule(K.HARDWARE, (Pattern(""),), answer="Ask IT."),))
    assert caught.value.field == "rules.hardware.patterns[0]"


@given(st.text(max_size=300), st.text(max_size=300))
def test_detection_never_fails_and_its_evidence_comes_from_the_text(
    subject: str, description: str
) -> None:
    matches = detect(subject, description, load_default_rules())
    assert len({match.kind for match in matches}) == len(matches)
    confidences = [match.confidence for match in matches]
    assert confidences == sorted(confidences, reverse=True)
    typography = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    flat = " ".join(f"{subject}\n{description}".translate(typography).split()).lower()
    for match in matches:
        assert " ".join(match.evidence.split()).lower() in flat


# --- the labelled set: precision and recall ----------------------------------------------


def labelled() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_the_labelled_set_is_well_formed_and_balanced() -> None:
    rows = labelled()
    assert len(rows) >= 240
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(row["id"].split("-")[0] in {"dev", "hold"} for row in rows)
    assert all(row.keys() == {"id", "subject", "description", "label"} for row in rows)
    labels = Counter(row["label"] for row in rows)
    assert set(labels) == {"none", *ExclusionKind}
    assert 0.35 <= labels["none"] / len(rows) <= 0.45
    assert all(labels[kind] / len(rows) >= 0.08 for kind in ExclusionKind)


def score(rows: list[dict[str, str]]) -> dict[str, tuple[float, float]]:
    """Precision and recall per kind and micro-averaged overall, printed as a table."""
    rules = load_default_rules()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    started = time.perf_counter()
    for row in rows:
        predicted = {m.kind.value for m in detect(row["subject"], row["description"], rules)}
        for kind in ExclusionKind:
            if kind in predicted:
                (tp if row["label"] == kind else fp)[kind] += 1
            elif row["label"] == kind:
                fn[kind] += 1
    elapsed_ms = (time.perf_counter() - started) * 1000 / len(rows)
    result: dict[str, tuple[float, float]] = {}
    for name, t, f_pos, f_neg in [
        *((kind.value, tp[kind], fp[kind], fn[kind]) for kind in ExclusionKind),
        ("overall", tp.total(), fp.total(), fn.total()),
    ]:
        precision = t / (t + f_pos) if t + f_pos else 1.0
        recall = t / (t + f_neg) if t + f_neg else 1.0
        result[name] = (precision, recall)
        counts = f"tp {t}, fp {f_pos}, fn {f_neg}"
        print(f"  {name:18} precision {precision:.3f}  recall {recall:.3f}  ({counts})")
    print(f"  {len(rows)} texts, {elapsed_ms:.3f} ms per text")
    return result


def test_precision_and_recall_on_the_held_out_texts() -> None:
    rows = [row for row in labelled() if row["id"].startswith("hold-")]
    print("\nheld-out texts (never used to tune the rules):")
    overall_precision, overall_recall = score(rows)["overall"]
    assert overall_precision >= 0.93
    assert overall_recall >= 0.87


def test_precision_and_recall_on_all_labelled_texts() -> None:
    print("\nall labelled texts (dev texts were used to tune the rules):")
    result = score(labelled())
    assert result["overall"][0] >= 0.95
    assert result["overall"][1] >= 0.93
    for kind in ExclusionKind:
        precision, recall = result[kind]
        assert precision >= 0.90, kind
        assert recall >= 0.85, kind
