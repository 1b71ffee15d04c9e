"""The Jiangsu “三公”经费、会议费、培训费支出预算表 (公开09表) under the 三公 rules; the text's 会议费 / 培训费.

The Jiangsu budgets print the 三公 items in one table with 会议费 and 培训费 (one row: 合计, 三公 小计, 因公出国（境）,
公务用车 小计 / 购置 / 运行维护, 公务接待, 会议费, 培训费); their text states each as a budget line of its own after
the 三公 items: “省检察院 2018 年度一般公共预算拨款安排的会议费预算支出 200.44 万元，比上年预算数增加 32.44 万元”.
R14 (the table adds up: 三公 小计 = its items, and 合计 = 小计 + 会议费 + 培训费), R15, R30 and R43 (the text's 三公
figures and its 会议费 / 培训费 lines = the table) run on it as on a 三公 table. 省检察院 2018 (p.19, 公开 09 表):
1,384.74 = 484.30 + 200.44 + 700.00; 484.30 = 100.00 + 267.80 + 116.50; its text (p.28–29) states 100, 267.8,
116.5, 200.44 and 700: everything agrees, no finding (the other Jiangsu files: tests/test_jiangsu_findings.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import pipeline, uris, validate
from budgetkg.map import MappedDocument
from budgetkg.narrative import extract
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_validate import _retarget, engines_on

D = Decimal
PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
pytestmark = pytest.mark.skipif(not PROC_2018.exists(), reason=f"corpus not found at {CORPUS}")

TABLE = "公开 09 表：一般公共预算“三公”经费、会议费、培训费 支出预算表"
#: the rules that read the 公开09表
RULES = ("R14", "R15", "R30", "R43")


def _three_public(findings: list[Finding], iri: str) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message) for f in findings
                  if f.rule.startswith(RULES))


def test_text_meeting_and_training_lines_are_read() -> None:
    """The two lines of p.29 become figures of their own indicators, the change of the first linked to it; the
    会议费 of the 机关运行经费 definitions (p.27–28: “…差旅费、维修（护）费、会议费、公…”) is no figure."""
    statements = extract(pipeline.read_document(PROC_2018), 2018)
    got = [(s.indicator, s.kind, s.amount, s.direction, s.change_of is not None and statements[s.change_of].indicator)
           for s in statements if s.indicator in ("meeting-expenses", "training-expenses")]
    assert got[:3] == [
        ("meeting-expenses", "amount", D("200.44"), "", False),
        ("meeting-expenses", "change", D("32.44"), "increase", "meeting-expenses"),
        ("training-expenses", "amount", D("700"), "", False),
    ]


def test_table_and_text_agree() -> None:
    mapped, findings = pipeline.process(PROC_2018)
    assert _three_public(findings, mapped.iri) == []


#: p.29 as printed and with the 会议费 stated as 210.44; the 公开09表's 培训费 cell printed 710.00
ALTERED_TEXT = {"29.12": ("算支出 200.44 万元，比上年预算数增加 32.44 万元。",
                          "算支出 210.44 万元，比上年预算数增加 32.44 万元。")}
ALTERED_CELLS = {(TABLE, 4, 8): ("700.00", "710.00")}


@pytest.fixture(scope="module")
def altered() -> tuple[MappedDocument, list[Finding]]:
    return process_edited(PROC_2018, ALTERED_TEXT, ALTERED_CELLS)


def test_altered_text_and_table(altered: tuple[MappedDocument, list[Finding]]) -> None:
    """The text's 会议费 stated as 210.44 (R43: 10 万元 off the table); the table's 培训费 printed 710.00 (R14: 合计
    1,384.74 ≠ 484.30 + 200.44 + 710.00, and R43: the text's 700 ≠ 710.00)."""
    mapped, findings = altered
    assert _three_public(findings, mapped.iri) == [
        ("R14-meeting-training-total", "Violation",
         "table/three-public-meeting-training-expenditure/obs/line-item-three-public-meeting-training-total/amount",
         "three-public-meeting-training-total (amount): 1,384.74 ≠ three public subtotal + meeting + training = "
         "1394.74 (diff -10, 3 terms, rounding envelope 0.02)"),
        ("R43-text-three-public", "Violation", "paragraph/29.12/figure/1",
         "text “省检察院 2018 年度一般公共预算拨款安排的会议费预算支出 210.44 万元”: 210.44 万元 ≠ "
         f"{TABLE} (meeting-expenses, total) 200.44 万元 (both rounded to the coarser precision; diff 10 in 万元, "
         "rounding envelope 0.01)"),
        ("R43-text-three-public", "Violation", "paragraph/29.15/figure/1",
         "text “省检察院 2018 年度一般公共预算拨款安排的培训费预算支出 700 万元”: 700 万元 ≠ "
         f"{TABLE} (training-expenses, total) 710.00 万元 (both rounded to the coarser precision; diff -10 in 万元, "
         "rounding envelope 1)"),
    ]


def test_fast_path_equals_pyshacl(altered: tuple[MappedDocument, list[Finding]]) -> None:
    """R14 and R43 through pyshacl on the altered file: the three Violations, and silence on the agreeing 三公 小计,
    公务用车 小计 and the text's 因公出国 / 公务接待 figures."""
    mapped, _ = altered
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    obs = f"{iri}/table/three-public-meeting-training-expenditure/obs/line-item-"
    foci = [f"{obs}three-public-meeting-training-total/amount", f"{obs}three-public-total/amount",
            f"{obs}official-vehicles/amount"] + [f"{iri}/paragraph/{key}/figure/1" for key in ("29.12", "29.15")]
    shapes = _retarget(validate.load_shapes(["arithmetic-items.ttl", "narrative.ttl"]), foci,
                       ("R14-meeting-training-total", "R14-three-public-items", "R43-text-three-public"))
    reference = engines_on(scratch, document_graphs(iri), shapes)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R14-meeting-training-total-violation",
         "table/three-public-meeting-training-expenditure/obs/line-item-three-public-meeting-training-total/amount"),
        ("R43-text-three-public-violation", "paragraph/29.12/figure/1"),
        ("R43-text-three-public-violation", "paragraph/29.15/figure/1"),
    ]
