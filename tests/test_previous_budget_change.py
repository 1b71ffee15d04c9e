"""Changes stated against the previous year's budget, and rule R50-change-previous-budget (shapes/narrative.ttl).

The corpus states a change as the year's figure set against the previous year's budget, the difference after it, in
江苏省检察院 2017 p.23 “3．公务接待费预算支出 156.55 万元，本年数小于上年预算数 29.65 万元，主要是…” and 2018 p.29
(116.5, 40.05: 116.5 + 40.05 = 156.55, the 2017 budget's figure), and in the 会议费 / 培训费 sentences of 省检察院 2017
and 省人大办公厅 2017 (“…会议费预算支出 1305.25 万元，本年数小于上年预算数 403.75 万元”), whose amounts name no
indicator (会议费 and 培训费 are none): nothing is read there. ``budgetkg.narrative._RELATIVE`` reads
“本年数小于/低于/大于/高于上年预算数 X 万元” as a change of the amount before it (decrease for 小于 / 低于), against the
year it names (上年: the document's year − 1), as “比上年预算减少 X 万元” always was.

R50-change-previous-budget checks a sentence that states the year's amount, the change and the previous year's budget
all three: amount − signed change = that budget, within half a unit of each figure's last decimal. No corpus sentence
states all three: the only previous budget the corpus states (江苏省政协办公厅 2017 p.6, “与 2016 年度相比（2016
年度部门支出预算安排为8,648.07万元），增加498.72万元”) has no year's amount beside it (the 9,146.79 total is on
p.7), so the rule compares nothing on the corpus. The tests write that total into the sentence (as
``tests/test_previous_budget.py`` does) and a previous budget into the 检察院 sentence, then alter one figure.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import narrative, uris, validate
from budgetkg.map import MappedDocument
from budgetkg.model import Paragraph, SourceDocument
from budgetkg.pipeline import process
from budgetkg.read import read_document
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_previous_budget import CPPCC_2017, LINE_17, LINE_18, _compared
from tests.test_sparql_queries import run
from tests.test_validate import _retarget, engines_on

D = Decimal
PROCURATORATE = CORPUS / "jiangsu" / "江苏省人民检察院"
PROC_2017 = PROCURATORATE / "2017年省检察院部门预算.pdf"
PROC_2018 = PROCURATORATE / "2018年省检察院部门预算公开.pdf"
pytestmark = pytest.mark.skipif(not PROC_2017.exists(), reason=f"corpus not found at {CORPUS}")

RULE = "R50-change-previous-budget"
RECEPTION_2017 = ("3．公务接待费预算支出 156.55 万元，本年数小于上年预算数 29.65 万元，主要是省检察院党组严格贯彻落实"
                  "中央“八项规定”和省委省政府厉行节约相关规定作出的选择。")
RECEPTION_2018 = ("3．公务接待费预算支出 116.5 万元，本年数小于上年预算数 40.05 万元，主要是省检察院党组严格贯彻落实"
                  "中央“八项规定”和省委省政府厉行节约相关规定作出的选择。")
REASON = "主要是省检察院党组严格贯彻落实中央“八项规定”和省委省政府厉行节约相关规定作出的选择"
# the printed lines of 检察院 2017 p.23 (the sentence wraps after 上)
LINE_23_2 = "3．公务接待费预算支出 156.55 万元，本年数小于上"


def _of_sentence(statements: list[narrative.Statement], sentence: str) -> list[tuple[object, ...]]:
    return [(s.paragraph, s.ordinal, s.indicator, s.kind, s.amount, s.printed, s.unit_text, s.direction,
             s.reference_year, statements[s.change_of].span if s.change_of is not None else None, s.span, s.reason)
            for s in statements if s.sentence == sentence]


# -- extraction ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "year", "sentence", "expected"), [
    (PROC_2017, 2017, RECEPTION_2017, [
        ("23.2", 1, "official-reception", "amount", D("156.55"), "156.55", "万元", "", None, None,
         "公务接待费预算支出 156.55 万元", ""),
        ("23.3", 1, "official-reception", "change", D("29.65"), "29.65", "万元", "decrease", 2016,
         "公务接待费预算支出 156.55 万元", "本年数小于上年预算数 29.65 万元", REASON)]),
    (PROC_2018, 2018, RECEPTION_2018, [
        ("29.7", 1, "official-reception", "amount", D("116.5"), "116.5", "万元", "", None, None,
         "公务接待费预算支出 116.5 万元", ""),
        ("29.8", 1, "official-reception", "change", D("40.05"), "40.05", "万元", "decrease", 2017,
         "公务接待费预算支出 116.5 万元", "本年数小于上年预算数 40.05 万元", REASON)]),
])
def test_below_the_previous_budget_is_a_decrease(path, year: int, sentence: str, expected: list[tuple]) -> None:
    """“本年数小于上年预算数 29.65 万元” (the sentence wraps after 上 on p.23) is a decrease of the 公务接待费 amount
    before it, against the year before the document's, with the reason its sentence gives."""
    statements = narrative.extract(read_document(path), year)
    assert _of_sentence(statements, sentence) == expected


def test_phrasings_against_the_previous_year(tmp_path) -> None:
    """The corpus phrasing and its trivial variants (低于 / 大于 / 高于, a year named, 本年预算数); a comparison naming
    no year (a final account's 决算数小于预算数) is not a change."""
    lines = ["公务接待费预算支出 156.55 万元，本年数小于上年预算数 29.65 万元。",
             "公务接待费预算支出 156.55 万元，本年数低于上年预算数 29.65 万元。",
             "公务接待费预算支出 156.55 万元，本年数大于上年预算数 29.65 万元。",
             "公务接待费预算支出 156.55 万元，本年预算数高于2015年预算数 29.65 万元。",
             "公务接待费预算支出 156.55 万元，决算数小于预算数 29.65 万元。"]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "说明.txt"
    path.write_text(text, encoding="utf-8")
    doc = SourceDocument.of(path, text.encode(), media_type="text/plain", encoding="utf-8", reader="test",
                            blocks=[Paragraph(line, i + 1) for i, line in enumerate(lines)])
    got = [(s.paragraph, s.kind, s.printed, s.direction, s.reference_year, s.change_of, s.span)
           for s in narrative.extract(doc, 2017) if s.kind == "change"]
    assert got == [("1", "change", "29.65", "decrease", 2016, 0, "本年数小于上年预算数 29.65 万元"),
                   ("2", "change", "29.65", "decrease", 2016, 2, "本年数低于上年预算数 29.65 万元"),
                   ("3", "change", "29.65", "increase", 2016, 4, "本年数大于上年预算数 29.65 万元"),
                   ("4", "change", "29.65", "increase", 2015, 6, "本年预算数高于2015年预算数 29.65 万元")]


@pytest.fixture(scope="module")
def proc_2017() -> MappedDocument:
    return process(PROC_2017)[0]


def test_the_change_as_triples_and_in_query_17(proc_2017: MappedDocument) -> None:
    """The change is mapped as the others are (signed, of the amount, against 2016) and example query 17 lists it."""
    mapped = proc_2017
    change = f"{mapped.iri}/paragraph/23.3/figure/1"
    bkg = uris.vocab()
    got = {(t.predicate.value.removeprefix(bkg), t.object.value) for t in mapped.triples if t.subject.value == change}
    assert {p: o for p, o in got if p in ("figureKind", "direction", "statedAmount", "signedAmountInYuan",
                                           "amountInYuan", "referenceYear", "changeOf", "printedUnit",
                                           "reasonClause")} == {
        "figureKind": uris.concept("figure-kind", "change"),
        "direction": uris.concept("change-direction", "decrease"),
        "statedAmount": "29.65", "signedAmountInYuan": "-296500", "amountInYuan": "296500",
        "referenceYear": uris.fiscal_year(2016), "changeOf": f"{mapped.iri}/paragraph/23.2/figure/1",
        "printedUnit": "万元", "reasonClause": REASON}
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    rows = [row for row in run(store, "17-year-on-year-changes-in-the-text") if row[-1] == RECEPTION_2017]
    assert [row[2:12] for row in rows] == [
        ("公务接待费", None, D("156.55"), "decrease", D("29.65"), D("-29.65"), 2016, None, None, "万元")]


# -- R50-change-previous-budget -----------------------------------------------------------------------------------


def _rows(findings: list[Finding], iri: str) -> list[tuple[str, ...]]:
    return sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"),
                   *(str(f.values[k]) for k in ("value", "expected", "currentShown", "change", "diff", "envelope")))
                  for f in findings if f.rule == RULE)


def _in(findings: list[Finding], iri: str, *paragraphs: str) -> list[Finding]:
    """The findings whose focus is a statement of the given paragraphs."""
    return [f for f in findings if f.focus.startswith(tuple(f"{iri}/paragraph/{p}/" for p in paragraphs))]


#: 政协 2017 p.6 with the year's amount (the p.7 total) written before the comparison
WITH_AMOUNT = "2017 年度部门支出预算安排9,146.79万元，与 2016 年度相比（2016 年度部"
CHANGE = "paragraph/6.18/figure/2"


def test_nothing_to_compare_on_the_corpus_sentence() -> None:
    """The corpus's only previous budget has no year's amount beside it: the rule compares nothing."""
    mapped, findings = process_edited(CPPCC_2017, {})
    assert _rows(_compared(mapped, (RULE,)), mapped.iri) == []
    assert [f for f in findings if f.rule == RULE] == []


def test_the_three_figures_agree() -> None:
    """9,146.79 − 498.72 = 8,648.07, the stated 2016 budget: compared (diff 0, envelope 3 × 0.005), silent."""
    mapped, findings = process_edited(CPPCC_2017, {"6.17": (LINE_17, WITH_AMOUNT)})
    assert _rows(_compared(mapped, (RULE,)), mapped.iri) == [
        (RULE, "Info", CHANGE, "8648.07", "8648.07", "9146.79", "498.72", "0", "0.015"),
        (RULE, "Violation", CHANGE, "8648.07", "8648.07", "9146.79", "498.72", "0", "0.015")]
    assert _in(findings, mapped.iri, "6.17", "6.18") == []


def test_a_wrong_amount_is_one_violation() -> None:
    """The year's amount printed 9,246.79: 9,246.79 − 498.72 = 8,748.07 ≠ 8,648.07 — one Violation (diff −100); the
    rate is computed from the change and the stated budget (5.77 % holds); and R52-repeated, as the same total is
    stated as 9,146.79 on p.7 and p.8 (“支出预算总计…”, “…本年支出预算合计…”, read since 2026-11-28)."""
    mapped, findings = process_edited(CPPCC_2017, {"6.17": (LINE_17, WITH_AMOUNT.replace("9,146.79", "9,246.79"))})
    both = _in(findings, mapped.iri, "6.17", "6.18")
    assert sorted(f.rule for f in both) == [RULE, "R52-repeated"]
    found = [f for f in both if f.rule == RULE]
    assert _rows(found, mapped.iri) == [
        (RULE, "Violation", CHANGE, "8648.07", "8748.07", "9246.79", "498.72", "-100", "0.015")]
    assert found[0].message_zh == ("“增加498.72万元”：本年 9246.79 − 增减 498.72 = 8748.07万元 ≠ 所述上年预算数 "
                                   "8648.07万元（“2016 年度部门支出预算安排为8,648.07万元”；差额 -100，"
                                   "舍入容差 0.015）")
    assert found[0].message == ("“增加498.72万元”: current 9246.79 − change 498.72 = 8748.07 万元 ≠ the stated "
                                "previous year's budget 8648.07 万元 (“2016 年度部门支出预算安排为8,648.07万元”; "
                                "diff -100, rounding envelope 0.015)")


def test_a_change_off_by_one_hundredth_is_info() -> None:
    """增加498.73万元: 9,146.79 − 498.73 = 8,648.06, 0.01 from 8,648.07, within the envelope 0.015: Info (the rate,
    498.73 ÷ 8,648.07 = 5.7670 % → 5.77 %, still holds)."""
    edits = {"6.17": (LINE_17, WITH_AMOUNT), "6.18": (LINE_18, LINE_18.replace("498.72", "498.73"))}
    mapped, findings = process_edited(CPPCC_2017, edits)
    assert _rows(_in(findings, mapped.iri, "6.17", "6.18"), mapped.iri) == [
        (RULE, "Info", CHANGE, "8648.07", "8648.06", "9146.79", "498.73", "0.01", "0.015")]
    assert len(_in(findings, mapped.iri, "6.17", "6.18")) == 1


#: 检察院 2017 p.23 with the 2016 budget written into the sentence: a decrease set against a stated budget
WITH_BUDGET = "3．公务接待费预算支出 156.55 万元，上年公务接待费预算为186.20万元，本年数小于上"
RECEPTION_CHANGE = "paragraph/23.3/figure/1"


def test_a_decrease_against_the_stated_budget() -> None:
    """156.55 − (−29.65) = 186.20: silent; the budget printed 196.20 is one Violation (diff 10)."""
    mapped, findings = process_edited(PROC_2017, {"23.2": (LINE_23_2, WITH_BUDGET)})
    previous = f"{mapped.iri}/paragraph/23.2/figure/2"
    assert (f"{mapped.iri}/{RECEPTION_CHANGE}", f"{uris.vocab()}comparedWith", previous) in {
        (t.subject.value, t.predicate.value, t.object.value) for t in mapped.triples}
    assert _rows(_compared(mapped, (RULE,)), mapped.iri) == [
        (RULE, "Info", RECEPTION_CHANGE, "186.2", "186.2", "156.55", "-29.65", "0", "0.015"),
        (RULE, "Violation", RECEPTION_CHANGE, "186.2", "186.2", "156.55", "-29.65", "0", "0.015")]
    assert _in(findings, mapped.iri, "23.2", "23.3", "23.4") == []
    mapped, findings = process_edited(PROC_2017, {"23.2": (LINE_23_2, WITH_BUDGET.replace("186.20", "196.20"))})
    found = _in(findings, mapped.iri, "23.2", "23.3", "23.4")
    assert _rows(found, mapped.iri) == [
        (RULE, "Violation", RECEPTION_CHANGE, "196.2", "186.2", "156.55", "-29.65", "10", "0.015")]
    assert len(found) == 1


# -- fast path == pyshacl ----------------------------------------------------------------------------------------


def _through_pyshacl(mapped: MappedDocument, foci: list[str]) -> list[tuple[str, str]]:
    """pyshacl's results of both R50-change-previous-budget shapes on ``foci``, asserted equal to the fast path's;
    returned as (shape, focus)."""
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    graphs = document_graphs(mapped.iri)
    shapes = validate.load_shapes(["narrative.ttl"])
    members = [c.shape for c in validate.sparql_constraints(shapes) if c.rule == RULE]
    assert len(members) == 2
    retargeted = _retarget(shapes, {s: [f"{mapped.iri}/{k}" for k in foci] for s in members},
                           tuple("#" + s.rsplit("#", 1)[1] for s in members))
    reference = engines_on(store, graphs, retargeted)
    return sorted((str(r[0]).split("#")[1], str(r[2]).removeprefix(mapped.iri + "/")) for r in reference)


def test_fast_path_equals_pyshacl() -> None:
    """Silent, Violation and Info, on the amount, the previous budget and the change of each copy."""
    foci = ["paragraph/6.17/figure/1", "paragraph/6.18/figure/1", CHANGE]
    mapped, _f = process_edited(CPPCC_2017, {"6.17": (LINE_17, WITH_AMOUNT)})
    assert _through_pyshacl(mapped, foci) == []
    mapped, _f = process_edited(CPPCC_2017, {"6.17": (LINE_17, WITH_AMOUNT.replace("9,146.79", "9,246.79"))})
    assert _through_pyshacl(mapped, foci) == [(f"{RULE}-violation", CHANGE)]
    edits = {"6.17": (LINE_17, WITH_AMOUNT), "6.18": (LINE_18, LINE_18.replace("498.72", "498.73"))}
    mapped, _f = process_edited(CPPCC_2017, edits)
    assert _through_pyshacl(mapped, foci) == [(f"{RULE}-info", CHANGE)]
    mapped, _f = process_edited(PROC_2017, {"23.2": (LINE_23_2, WITH_BUDGET.replace("186.20", "196.20"))})
    assert _through_pyshacl(mapped, ["paragraph/23.2/figure/1", "paragraph/23.2/figure/2", RECEPTION_CHANGE]) == [
        (f"{RULE}-violation", RECEPTION_CHANGE)]
