"""The text's government procurement: its total and its 货物 / 工程 / 服务 categories, read and checked.

Every disclosure of the corpus states its procurement budget split by category, in the wording of its template:
“2025年度本部门政府采购预算38.20万元，其中：政府采购货物预算7.80万元、政府采购工程预算0万元、政府采购服务预算
30.40万元。” (Shanghai), “…政府采购支出预算总额2416.43万元，其中：拟采购货物支出233.1万元、拟购买服务支出2183.33万元。”
(Jiangsu, a category of 0 left out), “…政府采购预算总金额为 2247.85 万元。其中拟购买货物 59 万元，…” (the categories in
the next sentence), a 决算's “政府采购金额（以合同签订为准）为 2319.21 万元，其中：货物采购金额 122.43万元、…”. Only the
total was read before (not those two last wordings), so an altered total or category went unreported.

The categories are parts of the total (``bkg:partOf``: R48 adds them up) and, where the document prints a
procurement table, equal its category rows (R52). On the corpus all add up except the 决算's, by 0.01 万元 (an Info).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import narrative
from budgetkg.read import read_document
from budgetkg.validate import Finding
from tests.conftest import CORPUS, process_edited

COMMERCE = CORPUS / "shanghai" / "上海市普陀区商务委员会25年预算.pdf"
NPC_2017 = CORPUS / "jiangsu" / "江苏省人大办公厅" / "江苏省人大办公厅2017年度预算公开.pdf"
NPC_2018 = CORPUS / "jiangsu" / "江苏省人大办公厅" / "省人大办公厅2018预算公开.pdf"
FINAL = CORPUS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
pytestmark = pytest.mark.skipif(not COMMERCE.exists(), reason=f"corpus not found at {CORPUS}")

RULES = ("R48-itemised-list", "R52-text-tables")


@pytest.mark.parametrize(("label", "indicator"), [
    ("其中：政府采购货物预算", "procurement-goods"),
    ("政府采购工程预算", "procurement-works"),
    ("政府采购服务预算", "procurement-services"),
    ("其中：拟采购货物支出", "procurement-goods"),
    ("拟采购工程支出", "procurement-works"),
    ("拟购买服务支出", "procurement-services"),
    ("其中拟购买货物", "procurement-goods"),
    ("其中，货物类政府采购支出预算", "procurement-goods"),
    ("工程类政府采购支出预算", "procurement-works"),
    ("其中：货物采购金额", "procurement-goods"),
    ("服务采购金额", "procurement-services"),
    ("2019年度本部门政府采购支出预算总额", "government-procurement"),
    ("2017 年度我部门政府采购预算总金额为", "government-procurement"),
    ("2024 年度政府采购金额（以合同签订为准）为", "government-procurement"),
    # a PDF text layer breaking the words (江苏省人民检察院 2018 p.30)
    ("其中 ：拟 采购 货物 支出", "procurement-goods"),
    ("拟购 买服 务支出", "procurement-services"),
])
def test_labels(label: str, indicator: str) -> None:
    assert narrative.classify(label) == indicator


def _procurement(path: object, year: int) -> list[tuple[str, str, Decimal, str | None]]:
    statements = narrative.extract(read_document(path), year)  # type: ignore[arg-type]
    return [(s.paragraph, s.indicator, s.amount,
             statements[s.part_of].paragraph if s.part_of is not None else None)
            for s in statements if "procurement" in s.indicator]


def test_categories_are_parts_of_the_total() -> None:
    d = Decimal
    assert _procurement(COMMERCE, 2025) == [
        ("22.11", "government-procurement", d("38.20"), None),
        ("22.11", "procurement-goods", d("7.80"), "22.11"),
        ("22.11", "procurement-works", d("0"), "22.11"),
        ("22.11", "procurement-services", d("30.40"), "22.11"),
    ]
    # the categories in the sentence after the total's ("…总金额为 2247.85 万元。其中拟购买货物 59 万元，…")
    assert _procurement(NPC_2017, 2017) == [
        ("29.11", "government-procurement", d("2247.85"), None),
        ("29.12", "procurement-goods", d("59"), "29.11"),
        ("29.12", "procurement-works", d("0"), "29.11"),
        ("29.13", "procurement-services", d("2188.85"), "29.11"),
    ]
    # words broken by the text layer: "…预算总额 3,096.24 万元。其" |
    # "中 ：拟 采购 货物 支出 268 万 元、 拟购 买服 务支出" | "2,828.24 万元。" (unread before)
    assert _procurement(PROC_2018, 2018) == [
        ("30.2", "government-procurement", d("3096.24"), None),
        ("30.3", "procurement-goods", d("268"), "30.2"),
        ("30.4", "procurement-services", d("2828.24"), "30.2"),
    ]
    # a 决算's total names its basis in brackets
    assert _procurement(FINAL, 2024) == [
        ("27.19", "government-procurement", d("2319.21"), None),
        ("27.19", "procurement-goods", d("122.43"), "27.19"),
        ("27.20", "procurement-works", d("1387.72"), "27.19"),
        ("27.20", "procurement-services", d("809.07"), "27.19"),
    ]


def _found(findings: list[Finding], iri: str) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                  for f in findings if f.rule in RULES)


def test_as_printed_the_categories_add_up_and_equal_the_table() -> None:
    for path in (COMMERCE, NPC_2018, PROC_2018):
        mapped, findings = process_edited(path, {})
        assert _found(findings, mapped.iri) == []


def test_altered_total_and_category_are_reported() -> None:
    line = ("2025年度本部门政府采购预算38.20万元，其中：政府采购货物预算7.80万元、政府采购工程预算0万元、"
            "政府采购服务预算30.40万")
    mapped, findings = process_edited(COMMERCE, {"22.11": (line, line.replace("38.20", "39.20"))})
    assert _found(findings, mapped.iri) == [
        ("R48-itemised-list", "Violation", "paragraph/22.11/figure/1",
         "“2025年度本部门政府采购预算39.20万元”: 39.20 万元 ≠ sum of its 3 items in the units written 38.2 万元"
         " (diff 1, rounding envelope 0.015; the items' numbers added as if in one unit: 38.2)"),
    ]
    # a category against the procurement table's row (公开12表 一、货物A 59.00) and against the text's total
    line = "采购货物支出59万元、拟采购工程支出 0 万元、拟购买服务支"
    mapped, findings = process_edited(NPC_2018, {"29.12": (line, line.replace("货物支出59万元", "货物支出69万元"))})
    assert _found(findings, mapped.iri) == [
        ("R48-itemised-list", "Violation", "paragraph/29.11/figure/1",
         "“2018年度政府采购支出预算总额 2064.25 万元”: 2064.25 万元 ≠ sum of its 3 items in the units written"
         " 2074.25 万元 (diff -10, rounding envelope 0.51; the items' numbers added as if in one unit: 2074.25)"),
        ("R52-text-tables", "Violation", "paragraph/29.12/figure/1",
         "text “拟采购货物支出69万元”: 69 万元 ≠ 公开12表 政府采购支出预算表 (procurement-goods, total) 59.00 万元"
         " (both rounded to the coarser precision; diff 10 in 万元, rounding envelope 1)"),
    ]
