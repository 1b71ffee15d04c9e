"""A previous year's budget stated in the text (figure kind ``previous-budget``, ``budgetkg.narrative``) and the
rules that take it as the previous amount: R50-growth-rate, R51-yoy-anomaly, R51-rate-yoy-anomaly
(shapes/narrative.ttl).

The corpus states one: 江苏省政协办公厅 2017 p.6, “2017 年度部门支出预算安排与 2016 年度相比（2016 年度部门支出
预算安排为8,648.07万元），增加498.72万元，增长5.77%。” (printed lines 6.17–6.18). The 8,648.07 is the 2016 budget
the change and its rate are computed against (498.72 ÷ 8,648.07 = 5.7668 % → 5.77 %: R50 silent; R51 silent,
under 50 %), never the 2017 total (that is 9,146.79, p.7: the rules comparing the year's amounts with the tables
stay silent on it). The altered copies below rewrite those printed lines (``process_edited``): a wrong previous
budget makes the stated rate wrong (R50 Violation), a previous budget that makes the change more than 50 % is one
R51 finding (the change's, not also the rate's), and the same comparison written with the year's amount, or with
上年 / 本年, links the amount to the previous budget.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from budgetkg import narrative, uris, validate
from budgetkg.map import MappedDocument
from budgetkg.read import read_document
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_validate import _fast_results, _pyshacl_results, _retarget

D = Decimal
CPPCC_2017 = CORPUS / "jiangsu" / "江苏省政协办公厅" / "江苏省政协办公厅2017年度部门预算.pdf"
pytestmark = pytest.mark.skipif(not CPPCC_2017.exists(), reason=f"corpus not found at {CORPUS}")

GROWTH = "R50-growth-rate"
YOY = "R51-yoy-anomaly"
RATE = "R51-rate-yoy-anomaly"
RULES = (GROWTH, YOY, RATE)

LINE_17 = "2017 年度部门支出预算安排与 2016 年度相比（2016 年度部"
LINE_18 = "门支出预算安排为8,648.07万元），增加498.72万元，增长5.77%。"
SENTENCE = ("2017 年度部门支出预算安排与 2016 年度相比（2016 年度部门支出预算安排为8,648.07万元），增加498.72万元，"
            "增长5.77%。")
PREVIOUS, CHANGE, PERCENT = "paragraph/6.18/figure/1", "paragraph/6.18/figure/2", "paragraph/6.18/percentage/1"


@pytest.fixture(scope="module")
def cppcc() -> tuple[MappedDocument, list[Finding]]:
    """The 政协 2017 text, read, mapped and validated as the pipeline does (alone: its tables are another file)."""
    return process_edited(CPPCC_2017, {})


def _short(term: str, iri: str) -> str:
    """``term`` relative to the document ``iri`` or to the vocabulary, or relative to the base IRI."""
    for prefix in (iri + "/", uris.vocab(), uris.vocab().removesuffix("def/budget#")):
        if term.startswith(prefix):
            return term.removeprefix(prefix)
    return term


def _about(mapped: MappedDocument, *keys: str) -> set[tuple[str, str, str]]:
    """The triples of the statements ``keys`` (under the document IRI): (statement, predicate, object), shortened
    (``_short``)."""
    nodes = {f"{mapped.iri}/{k}" for k in keys}
    return {(_short(t.subject.value, mapped.iri), _short(t.predicate.value, mapped.iri),
             _short(t.object.value, mapped.iri)) for t in mapped.triples if t.subject.value in nodes}


def _compared(mapped: MappedDocument, rules: tuple[str, ...]) -> list[Finding]:
    """Every statement the rules compare (their queries without the final FILTER), reported or not."""
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    constraints = [c for c in validate.sparql_constraints(validate.load_shapes()) if c.rule in rules]
    unfiltered = [replace(c, select=(validate.final_filter(c.select) or (c.select,))[0]) for c in constraints]
    found: list[Finding] = []
    for group in validate.constraint_groups(unfiltered):
        found += validate.run_sparql_constraints(store, group, document_graphs(mapped.iri))
    return found


def _row(f: Finding, iri: str) -> tuple[str, ...]:
    keys = {GROWTH: ("printed", "numerator", "base", "exactShown", "computed", "diff", "envelope"),
            YOY: ("currentPrinted", "previous", "change", "ratio", "basis"),
            RATE: ("printed", "ratio")}[f.rule]
    return (f.rule, f.severity, f.focus.removeprefix(iri + "/"), *(str(f.values[k]) for k in keys))


def _rows(findings: list[Finding], iri: str, rules: tuple[str, ...] = RULES) -> list[tuple[str, ...]]:
    return sorted(_row(f, iri) for f in findings if f.rule in rules)


def _rows_of_sentence(findings: list[Finding], iri: str) -> list[tuple[str, ...]]:
    """The rows of the findings whose focus is in paragraphs 6.17 / 6.18 (the altered sentence)."""
    return [r for r in _rows(findings, iri) if r[2].startswith(("paragraph/6.17/", "paragraph/6.18/"))]


# -- extraction ------------------------------------------------------------------------------------------------


def test_statements_of_the_sentence() -> None:
    """The previous budget (its span starts inside the bracket it is stated in), the change against it and the
    rate of that change; no amount of the year is read from the sentence."""
    statements, percentages = narrative.extract_all(read_document(CPPCC_2017), 2017)
    got = [(s.paragraph, s.ordinal, s.indicator, s.kind, s.amount, s.printed, s.unit_text, s.direction,
            s.reference_year, s.change_of, s.compared_with is not None and statements[s.compared_with].kind, s.span)
           for s in statements if s.sentence == SENTENCE]
    assert got == [
        ("6.18", 1, "expenditure-total", "previous-budget", D("8648.07"), "8,648.07", "万元", "", 2016, None, False,
         "2016 年度部门支出预算安排为8,648.07万元"),
        ("6.18", 2, "expenditure-total", "change", D("498.72"), "498.72", "万元", "increase", 2016, None,
         "previous-budget", "增加498.72万元"),
    ]
    [rate] = [p for p in percentages if p.sentence == SENTENCE]
    assert (rate.kind, rate.value, rate.direction, statements[rate.rate_of].span if rate.rate_of is not None
            else None) == ("growth", D("5.77"), "increase", "增加498.72万元")
    # never the year's amount: the 2017 total is stated on p.7 (收入、支出预算总计 9,146.79万元; （二）支出预算总计) and
    # p.8 (本年支出预算合计), not here
    assert [(s.paragraph, s.printed) for s in statements if s.kind == "amount" and s.indicator == "expenditure-total"
            ] == [("7.8", "9,146.79"), ("7.18", "9,146.79"), ("8.22", "9,146.79")]


def test_triples_of_the_previous_budget(cppcc: tuple[MappedDocument, list[Finding]]) -> None:
    mapped, _findings = cppcc
    triples = _about(mapped, PREVIOUS, CHANGE, PERCENT)
    kinds = {(s, o) for s, p, o in triples if p == "figureKind"}
    assert kinds == {(PREVIOUS, "code/figure-kind/previous-budget"), (CHANGE, "code/figure-kind/change")}
    assert {t for t in triples if t[0] == PREVIOUS} == {
        (PREVIOUS, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "NarrativeFigure"),
        (PREVIOUS, "indicator", "code/narrative-indicator/expenditure-total"),
        (PREVIOUS, "figureKind", "code/figure-kind/previous-budget"),
        (PREVIOUS, "statedAmount", "8648.07"),
        (PREVIOUS, "printedAmount", "8,648.07"),
        (PREVIOUS, "statedDecimals", "2"),
        (PREVIOUS, "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure", "code/unit/wan-yuan"),
        (PREVIOUS, "printedUnit", "万元"),
        (PREVIOUS, "amountInYuan", "86480700"),
        (PREVIOUS, "referenceYear", _short(uris.fiscal_year(2016), "")),
        (PREVIOUS, "textSpan", "2016 年度部门支出预算安排为8,648.07万元"),
        (PREVIOUS, "sentence", SENTENCE),
        (PREVIOUS, "paragraph", "paragraph/6.18"),
        (PREVIOUS, "http://www.w3.org/ns/prov#wasDerivedFrom", "paragraph/6.18"),
        (PREVIOUS, "http://purl.org/dc/terms/isPartOf", _short(mapped.iri, "")),
    }
    links = {(s, p, o) for s, p, o in triples if p in ("comparedWith", "changeOf", "rateOf", "referenceYear")}
    assert links == {
        (PREVIOUS, "referenceYear", _short(uris.fiscal_year(2016), "")),
        (CHANGE, "referenceYear", _short(uris.fiscal_year(2016), "")),
        (CHANGE, "comparedWith", PREVIOUS),
        (PERCENT, "rateOf", CHANGE),
    }
    assert (CHANGE, "signedAmountInYuan", "4987200") in triples


def test_previous_year_wording_and_other_years() -> None:
    """上年 / 上年度 name the year before the document's; a later year, an outturn (执行数, 决算) and 上年末 / 上年结转
    do not make a previous budget (left out, or this year's figure as before)."""
    year = 2017
    assert narrative._previous_budget_year("上年部门支出预算为", year) == (True, 2016)
    assert narrative._previous_budget_year("上一年度支出预算安排为", year) == (True, 2016)
    assert narrative._previous_budget_year("2015年支出预算为", year) == (True, 2015)
    assert narrative._previous_budget_year("2018年支出预算为", year) == (False, 2018)
    assert narrative._previous_budget_year("2016年支出预算执行数为", year) == (False, 2016)
    assert narrative._previous_budget_year("2016年支出决算为", year) == (False, 2016)
    # read from the last year mention on: an outturn named before it does not matter
    assert narrative._previous_budget_year("与2016年执行数相比（2016年支出预算为", year) == (True, 2016)
    assert narrative._previous_budget_year("2017年支出预算为", year) == (False, None)
    assert narrative._previous_budget_year("上年预算数小于本年支出预算", year) == (False, None)
    assert narrative._other_year("上年末固定资产金额为", year) == (False, None)
    assert narrative._other_year("上年结转资金预算数为", year) == (False, None)
    assert narrative._previous_budget_year("上年支出预算为", None) == (True, None)


# -- the rules on the corpus sentence ----------------------------------------------------------------------------


def test_rules_compare_against_the_stated_budget_and_stay_silent(
        cppcc: tuple[MappedDocument, list[Finding]]) -> None:
    """R50: 498.72 ÷ 8,648.07 = 5.7668 % → 5.77 %, as stated; R51: 5.7668 % of the previous year's budget, not an
    anomaly (current = 8,648.07 + 498.72 = 9,146.79, the 2017 total p.7 states); the rate is the change's, so
    R51-rate-yoy-anomaly does not read it. No rule reports any of the three statements."""
    mapped, findings = cppcc
    assert [f for f in findings if f.focus.startswith(f"{mapped.iri}/paragraph/6.18/")] == []
    basis = "stated: “2016 年度部门支出预算安排为8,648.07万元”"
    assert _rows_of_sentence(_compared(mapped, RULES), mapped.iri) == [
        (GROWTH, "Info", PERCENT, "5.77", "498.72", "8648.07", "5.7668", "5.77", "0", "0.1051"),
        (GROWTH, "Violation", PERCENT, "5.77", "498.72", "8648.07", "5.7668", "5.77", "0", "0.1051"),
        (YOY, "Info", CHANGE, "9146.79", "8648.07", "498.72", "5.7668", basis),
    ]
    # the year's-amount rules (R40 against the tables, R52 repeated amounts) never take it: they read fk:amount only
    amount_rules = ("R40-text-totals", "R52-repeated", "R47-text-unit", "R51-direction")
    assert [f for f in _compared(mapped, amount_rules) if f.focus.endswith(PREVIOUS)] == []


# -- altered copies of the sentence ------------------------------------------------------------------------------


def test_wrong_previous_budget_makes_the_rate_a_violation() -> None:
    """The 2016 budget printed 5,648.07: 498.72 ÷ 5,648.07 = 8.8299 % → 8.83 %, stated 5.77 %: an R50 Violation
    (envelope 0.005 + (100 × 50 + 8.8299 × 50) ÷ 56,480,700 + 0.1 = 0.1051). R51: 8.8299 %, not an anomaly."""
    mapped, findings = process_edited(CPPCC_2017, {"6.18": (LINE_18, LINE_18.replace("8,648.07", "5,648.07"))})
    assert _rows_of_sentence(findings, mapped.iri) == [
        (GROWTH, "Violation", PERCENT, "5.77", "498.72", "5648.07", "8.8299", "8.83", "-3.06", "0.1051")]
    [finding] = [f for f in findings if f.rule == GROWTH]
    assert finding.message_zh == ("“增长5.77%”：5.77% ≠ 按“增加498.72万元”计算的 498.72 ÷ 5648.07 = 8.8299%"
                                  "（按所述小数位为 8.83%，差额 -3.06 个百分点，容差 0.1051）")


def test_a_large_change_against_the_stated_budget_is_one_finding() -> None:
    """The 2016 budget printed 800.00 and the rate 62.34 %: 498.72 ÷ 800.00 = 62.34 % exactly (R50 silent), more
    than 50 %: one R51-yoy-anomaly on the change (previous 800, current 800 + 498.72 = 1298.72), and none on its rate
    (a rate computed from the stated figures is their finding)."""
    altered = "门支出预算安排为800.00万元），增加498.72万元，增长62.34%。"
    mapped, findings = process_edited(CPPCC_2017, {"6.18": (LINE_18, altered)})
    basis = "stated: “2016 年度部门支出预算安排为800.00万元”"
    assert _rows_of_sentence(findings, mapped.iri) == [
        (YOY, "Info", CHANGE, "1298.72", "800", "498.72", "62.34", basis)]
    assert _rows_of_sentence(_compared(mapped, (GROWTH,)), mapped.iri) == [
        (GROWTH, "Info", PERCENT, "62.34", "498.72", "800", "62.34", "62.34", "0", "0.106"),
        (GROWTH, "Violation", PERCENT, "62.34", "498.72", "800", "62.34", "62.34", "0", "0.106"),
    ]
    [finding] = [f for f in findings if f.rule == YOY and f.focus.endswith(CHANGE)]
    assert finding.message_zh == ("“增加498.72万元”：本年 1298.72万元，上年 800.00万元（所述“2016 年度部门支出预算"
                                  "安排为800.00万元”），增减 498.72万元，为上年数的 62.34%，变动超过 50%（同比异常，"
                                  "请核实）")


def test_the_years_amount_stated_beside_it_is_compared_with_it() -> None:
    """“2017 年度部门支出预算安排9,146.79万元，与 2016 年度相比（2016 年度…8,648.07万元），增加498.72万元，增长5.77%”:
    the amount is set against the previous budget (bkg:comparedWith), the change is of the amount and against the
    budget; R51 reports (were it over 50 %) the amount, once: 9,146.79 against 8,648.07 = 5.7668 %."""
    altered = "2017 年度部门支出预算安排9,146.79万元，与 2016 年度相比（2016 年度部"
    mapped, findings = process_edited(CPPCC_2017, {"6.17": (LINE_17, altered)})
    amount = "paragraph/6.17/figure/1"
    links = {t for t in _about(mapped, amount, PREVIOUS, CHANGE, PERCENT)
             if t[1] in ("figureKind", "comparedWith", "changeOf", "rateOf")}
    assert links == {
        (amount, "figureKind", "code/figure-kind/amount"), (amount, "comparedWith", PREVIOUS),
        (PREVIOUS, "figureKind", "code/figure-kind/previous-budget"),
        (CHANGE, "figureKind", "code/figure-kind/change"), (CHANGE, "changeOf", amount),
        (CHANGE, "comparedWith", PREVIOUS), (PERCENT, "rateOf", CHANGE),
    }
    assert _rows_of_sentence(findings, mapped.iri) == []
    basis = "stated: “2016 年度部门支出预算安排为8,648.07万元”"
    assert _rows_of_sentence(_compared(mapped, RULES), mapped.iri) == [
        (GROWTH, "Info", PERCENT, "5.77", "498.72", "8648.07", "5.7668", "5.77", "0", "0.1051"),
        (GROWTH, "Violation", PERCENT, "5.77", "498.72", "8648.07", "5.7668", "5.77", "0", "0.1051"),
        (YOY, "Info", amount, "9,146.79", "8648.07", "498.72", "5.7668", basis),
    ]


def test_previous_year_budget_named_by_shang_nian() -> None:
    """“上年度部门支出预算安排为8,648.07万元，本年度部门支出预算安排9,146.79万元，增长5.77%。”: 上年度 is 2016 (the
    document's year − 1), 本年度 the year's amount, set against it; the rate is the amount's: (9,146.79 − 8,648.07)
    ÷ 8,648.07 = 5.7668 %. A 5.00 % rate instead is an R50 Violation."""
    edits = {"6.17": (LINE_17, "上年度部门支出预算安排为8,648.07万元，本年度部门支出预算安排"),
             "6.18": (LINE_18, "9,146.79万元，增长5.77%。")}
    mapped, findings = process_edited(CPPCC_2017, edits)
    previous, amount = "paragraph/6.17/figure/1", "paragraph/6.18/figure/1"
    triples = _about(mapped, previous, amount, PERCENT)
    assert {t for t in triples if t[1] in ("figureKind", "comparedWith", "rateOf", "referenceYear", "statedAmount")} \
        == {(previous, "figureKind", "code/figure-kind/previous-budget"), (previous, "statedAmount", "8648.07"),
            (previous, "referenceYear", _short(uris.fiscal_year(2016), "")),
            (amount, "figureKind", "code/figure-kind/amount"), (amount, "statedAmount", "9146.79"),
            (amount, "comparedWith", previous), (PERCENT, "rateOf", amount)}
    assert _rows_of_sentence(findings, mapped.iri) == []
    assert _rows_of_sentence(_compared(mapped, (GROWTH,)), mapped.iri) == [
        (GROWTH, "Info", PERCENT, "5.77", "498.72", "8648.07", "5.7668", "5.77", "0", "0.1051"),
        (GROWTH, "Violation", PERCENT, "5.77", "498.72", "8648.07", "5.7668", "5.77", "0", "0.1051"),
    ]
    edits["6.18"] = (LINE_18, "9,146.79万元，增长5.00%。")
    mapped, findings = process_edited(CPPCC_2017, edits)
    assert _rows_of_sentence(findings, mapped.iri) == [
        (GROWTH, "Violation", PERCENT, "5.00", "498.72", "8648.07", "5.7668", "5.77", "-0.77", "0.1051")]


# -- fast path == pyshacl ----------------------------------------------------------------------------------------


def _same_through_pyshacl(mapped: MappedDocument, foci: list[str]) -> list[tuple[str, str]]:
    """pyshacl's results of the R50 / R51 shapes (both members of each rule) on ``foci``, asserted equal to the
    fast path's; returned as (shape, focus)."""
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    graphs = document_graphs(mapped.iri)
    shapes = validate.load_shapes(["narrative.ttl"])
    members = [c.shape for c in validate.sparql_constraints(shapes) if c.rule in (*RULES, "R51-rate-direction")]
    retargeted = _retarget(shapes, {s: [f"{mapped.iri}/{k}" for k in foci] for s in members},
                           tuple("#" + s.rsplit("#", 1)[1] for s in members))
    reference = _pyshacl_results(validate._to_rdflib(store, graphs), retargeted)
    assert _fast_results(store, retargeted, graphs) == reference
    return sorted((str(r[0]).split("#")[1], str(r[2]).removeprefix(mapped.iri + "/")) for r in reference)


def test_fast_path_equals_pyshacl(cppcc: tuple[MappedDocument, list[Finding]]) -> None:
    """On the corpus sentence (silent) and on the altered copies: the wrong budget (R50 Violation), the large
    change (one R51-yoy-anomaly, the rate silent) and the year's amount stated beside it."""
    mapped, _findings = cppcc
    foci = [PREVIOUS, CHANGE, PERCENT, "paragraph/17.9/figure/2"]
    assert _same_through_pyshacl(mapped, foci) == [("R51-yoy-anomaly-info", "paragraph/17.9/figure/2")]
    mapped, _findings = process_edited(CPPCC_2017, {"6.18": (LINE_18, LINE_18.replace("8,648.07", "5,648.07"))})
    assert _same_through_pyshacl(mapped, [PREVIOUS, CHANGE, PERCENT]) == [
        ("R50-growth-rate-violation", PERCENT)]
    altered = "门支出预算安排为800.00万元），增加498.72万元，增长62.34%。"
    mapped, _findings = process_edited(CPPCC_2017, {"6.18": (LINE_18, altered)})
    assert _same_through_pyshacl(mapped, [PREVIOUS, CHANGE, PERCENT]) == [("R51-yoy-anomaly-info", CHANGE)]
    altered = "2017 年度部门支出预算安排9,146.79万元，与 2016 年度相比（2016 年度部"
    mapped, _findings = process_edited(CPPCC_2017, {"6.17": (LINE_17, altered),
                                                    "6.18": (LINE_18, LINE_18.replace("5.77", "9.77"))})
    assert _same_through_pyshacl(mapped, ["paragraph/6.17/figure/1", PREVIOUS, CHANGE, PERCENT]) == [
        ("R50-growth-rate-violation", PERCENT)]

