"""A year-on-year change written as the sentence after its amount, naming no subject of its own (Jiangsu budgets:
“此外，基本支出预算数为 7666.68 万元。与上年相比增加 844.15 万元，增长 12.37%。主要原因是…”, “2．社会保障和就业支出
1608.51 万元，主要用于离退休人员工资发放。与上年相比增加 193.25 万元，增长 13.65%。”): the change of the one amount
the sentence before states (``budgetkg.narrative``: ``_CHANGE_ALONE``, ``_lone_amount``), with ``change_of``, its
direction and reference year, the growth rate after it as its ``rate_of`` and its reason clause, as in one sentence.
A sentence before stating several amounts, or a change, or none (a heading), gives nothing; a change naming its own
subject is not of the sentence before. The labels …预算数为 name 基本支出 / 项目支出.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetkg import narrative
from budgetkg.model import SourceDocument
from budgetkg.read import read_document
from budgetkg.read.text import READER, parse_text
from tests.conftest import CORPUS, process_edited

JIANGSU = CORPUS / "jiangsu"
corpus = pytest.mark.skipif(not JIANGSU.exists(), reason=f"corpus not found at {CORPUS}")
CONGRESS_2017 = JIANGSU / "江苏省人大办公厅" / "江苏省人大办公厅2017年度预算公开.pdf"


def _read(tmp_path: Path, text: str, year: int = 2017) -> tuple[list[narrative.Statement], list[narrative.Percentage]]:
    """The statements and percentages of ``text`` as a plain-text document (one paragraph a printed line)."""
    path = tmp_path / "说明.txt"
    path.write_text(text, encoding="utf-8")
    doc = SourceDocument.of(path, text.encode(), media_type="text/plain", encoding="utf-8", reader=READER,
                            blocks=parse_text(text))
    return narrative.extract_all(doc, year)


def _rows(statements: list[narrative.Statement]) -> list[tuple[object, ...]]:
    return [(s.paragraph, s.indicator, s.kind, s.printed, s.direction, s.reference_year, s.change_of, s.span)
            for s in statements]


# -- the corpus -------------------------------------------------------------------------------------------------------


@corpus
def test_congress_2017_changes_of_the_sentence_before() -> None:
    """省人大办公厅 2017 p.23–24 (printed lines 23.x–24.13): section 一's three 类 of the 支出预算总计 list and the
    基本支出 / 项目支出 lines, each followed by “与上年相比增加/减少 … 万元，增长/减少 …%。” (or 与上年持平); their
    money changes were lost before (only the rates were read, as rate-only statements)."""
    statements, percentages = narrative.extract_all(read_document(CONGRESS_2017), 2017)
    changes = [(i, s) for i, s in enumerate(statements) if s.paragraph.startswith("24.") and s.kind == "change"]
    assert [(s.paragraph, s.indicator, s.label, s.printed, s.unit_text, s.direction, s.reference_year,
             statements[s.change_of].printed, statements[s.change_of].paragraph, s.span, s.reason)
            for _, s in changes if s.change_of is not None] == [
        ("24.2", "classification-subject", "一般公共服务支出（类）", "17.89", "万元", "decrease", 2016, "10528.33",
         "23.14", "与上年相比减少 17.89 万元", "主要原因是公用定额减少"),
        ("24.4", "classification-subject", "社会保障和就业支出（类）", "193.25", "万元", "increase", 2016, "1608.51",
         "24.3", "与上年相比增加 193.25 万元", "主要原因是政策性调增离退休人员工资"),
        ("24.7", "classification-subject", "住房保障支出（类）", "668.79", "万元", "increase", 2016, "1512.23", "24.6",
         "与上年相比增加 668.79 万元", "主要原因是政策性调增住房公积金和提租补贴"),
        ("24.10", "basic-expenditure", "", "844.15", "万元", "increase", 2016, "7666.68", "24.9",
         "与上年相比增加 844.15 万元", "主要原因是政策性调整工资、住房公积金和提租补贴"),
        ("24.12", "project-expenditure", "", "", "", "flat", 2016, "5853.96", "24.12", "与上年持平", ""),
        # “单位预留机动经费预算数为 128.43 万元。与上年持平。”: 单位预留机动经费 names an indicator since 2026-11-28
        ("24.13", "reserve-fund-expenditure", "", "", "", "flat", 2016, "128.43", "24.13", "与上年持平", ""),
    ]
    # each changed figure is the amount its sentence before states, of the same indicator and label
    for _, s in changes:
        assert s.change_of is not None
        of = statements[s.change_of]
        assert (of.kind, of.indicator, of.label) == ("amount", s.indicator, s.label)
    # the growth rate after each money change is its rate, and needs no reason of its own any more
    rates = {p.printed: (p.paragraph, p.direction, p.rate_of, p.reason) for p in percentages
             if p.paragraph.startswith("24.") and p.kind == "growth"}
    assert rates == {
        "0.17": ("24.2", "decrease", changes[0][0], ""),
        "13.65": ("24.4", "increase", changes[1][0], ""),
        "79.29": ("24.7", "increase", changes[2][0], ""),
        "12.37": ("24.10", "increase", changes[3][0], ""),
    }
    # p.23: “（一）收入预算总计 13649.07 万元。全部由省财政拨款。与上年相比增加…”: the sentence before the change states
    # no amount (收入预算总计 is read: the sentence before that one): not read
    assert not [s for s in statements if s.paragraph == "23.12" and s.printed == "844.15"]
    # p.23's first sentence, “…年度收入、支出预算总计 13649.07 万元，与上年相比收、支预算总计各增加 844.15 万元，增长
    # 6.59%”: one change of both totals, the change of the 支出预算总计 the sentence is read as; the rate is its rate
    both = [(i, s) for i, s in enumerate(statements) if s.paragraph.startswith("23.") and s.printed == "844.15"]
    assert [(s.paragraph, s.indicator, s.kind, s.direction, s.reference_year, statements[s.change_of].printed,
             statements[s.change_of].indicator, s.span) for _, s in both if s.change_of is not None] == [
        ("23.8", "expenditure-total", "change", "increase", 2016, "13649.07", "expenditure-total",
         "与上年相比收、支预算总计各增加 844.15万元")]
    assert [(p.printed, p.rate_of) for p in percentages if p.paragraph == "23.9"] == [("6.59", both[0][0])]


@corpus
def test_altered_change_amount_is_reported() -> None:
    """The 基本支出 change of 省人大办公厅 2017 p.24 altered: 944.15 for 844.15 is a growth rate the figures do not give
    (944.15 ÷ (7666.68 − 944.15) = 14.0446 %, not the stated 12.37 %: R50-growth-rate Violation); 8441.5 is an
    increase larger than the year's amount (previous −774.82: R51-direction Violation). As printed, both are silent."""
    line = "加 844.15 万元，增长 12.37%。主要原因是政策性调整工资、"

    def r50_r51(new: str) -> list[tuple[str, str, str, dict[str, str]]]:
        _, findings = process_edited(CONGRESS_2017, {"24.10": (line, new)})
        return sorted((f.rule, f.severity, f.focus.rsplit("/paragraph/", 1)[-1], {k: str(v) for k, v in f.values.items()
                                                                               if k in KEYS})
                      for f in findings if f.rule in ("R50-growth-rate", "R51-direction")
                      and "/paragraph/24." in f.focus)

    KEYS = {"value", "computed", "exactShown", "base", "numerator", "current", "previous", "figureSpan"}
    assert r50_r51(line) == []
    assert r50_r51(line.replace("844.15", "944.15")) == [
        ("R50-growth-rate", "Violation", "24.10/percentage/1",
         {"value": "12.37", "computed": "14.04", "exactShown": "14.0446", "base": "6722.53", "numerator": "944.15",
          "figureSpan": "与上年相比增加 944.15 万元"}),
    ]
    assert r50_r51(line.replace("844.15", "8441.5")) == [
        ("R51-direction", "Violation", "24.10/figure/1",
         {"value": "8441.5", "current": "7666.68", "previous": "-774.82"}),
    ]


# -- written text -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "direction", "year", "span"), [
    ("与上年相比增加 10 万元，增长 11.11%。", "increase", 2016, "与上年相比增加 10 万元"),
    ("比上年减少 10 万元，下降 9.09%。", "decrease", 2016, "比上年减少 10 万元"),
    ("较上年增加 10 万元，增长 11.11%。", "increase", 2016, "较上年增加 10 万元"),
    ("与上年相比，增加 10 万元，增长 11.11%。", "increase", 2016, "与上年相比，增加 10 万元"),
    ("与 2015 年度相比减少 10 万元，下降 9.09%。", "decrease", 2015, "与 2015 年度相比减少 10 万元"),
])
def test_each_opening(tmp_path: Path, change: str, direction: str, year: int, span: str) -> None:
    statements, percentages = _read(tmp_path, f"此外，基本支出预算数为 100 万元。{change}主要原因是调资。\n")
    assert _rows(statements) == [
        ("1", "basic-expenditure", "amount", "100", "", None, None, "基本支出预算数为 100 万元"),
        ("1", "basic-expenditure", "change", "10", direction, year, 0, span),
    ]
    assert statements[1].amount == Decimal(10) and statements[1].reason == "主要原因是调资"
    assert [(p.kind, p.direction, p.rate_of, p.reason) for p in percentages] == [("growth", direction, 1, "")]


def test_change_of_an_item_amount_keeps_its_label(tmp_path: Path) -> None:
    """A 类 of the “（二）支出预算总计…包括：” list, its change in the next sentence (省人大办公厅 2017 p.24)."""
    text = ("（二）支出预算总计 100 万元。包括：\n2．社会保障和就业支出 60 万元，主要用于离退休人员工资发放。"
            "与上年相比增加 6 万元，增长 11.11%。\n")
    statements, _ = _read(tmp_path, text)
    assert [(s.indicator, s.kind, s.label, s.printed, s.direction, s.change_of) for s in statements] == [
        ("expenditure-total", "amount", "", "100", "", None),
        ("classification-subject", "amount", "社会保障和就业支出（类）", "60", "", None),
        ("classification-subject", "change", "社会保障和就业支出（类）", "6", "increase", 1),
    ]


def test_a_rate_only_statement_keeps_its_reason_when_no_change_is_read(tmp_path: Path) -> None:
    # no amount before it: the rate is still the only statement of the change, and carries the reason
    text = "全部由省财政拨款。与上年相比增加 10 万元，增长 11.11%。主要原因是调资。\n"
    statements, percentages = _read(tmp_path, text)
    assert statements == []
    assert [(p.rate_of, p.reason) for p in percentages] == [(None, "主要原因是调资")]


@pytest.mark.parametrize("text", [
    # the sentence before states two amounts (a list): which one changed is not certain
    "基本支出 100 万元，项目支出 50 万元。与上年相比增加 10 万元。\n",
    # … or one read amount and one the extractor does not name
    "基本支出 100 万元，其中某某经费 50 万元。与上年相比增加 10 万元。\n",
    # the sentence before is itself a change (in one sentence, or a change sentence of its own)
    "基本支出 100 万元，比上年增加 5 万元。与上年相比增加 10 万元。\n",
    "基本支出 100 万元。与上年相比增加 5 万元。与上年相比增加 10 万元。\n",
    # a heading between the amount and the change
    "基本支出 100 万元。\n三、支出预算情况说明\n与上年相比增加 10 万元。\n",
    # the amount names no indicator
    "结转下年资金预算数为 128.43 万元。与上年相比增加 10 万元。\n",
    # the change does not open its sentence
    "基本支出 100 万元。其中与上年相比增加 10 万元。\n",
])
def test_no_single_amount_before_reads_no_new_change(tmp_path: Path, text: str) -> None:
    statements, _ = _read(tmp_path, text)
    assert [s for s in statements if s.printed == "10"] == []


def test_change_with_a_subject_of_its_own_is_not_the_sentence_befores(tmp_path: Path) -> None:
    # “与上年相比，财政拨款支出增加…”: its own subject, read as today (no changeOf); not the 基本支出's change
    statements, _ = _read(tmp_path, "基本支出 100 万元。与上年相比，财政拨款支出增加 10 万元。\n")
    assert _rows(statements) == [
        ("1", "basic-expenditure", "amount", "100", "", None, None, "基本支出 100 万元"),
        ("1", "fiscal-appropriation-expenditure", "change", "10", "increase", None, None, "财政拨款支出增加 10 万元"),
    ]


def test_change_naming_the_amounts_own_indicator_is_the_sentence_befores(tmp_path: Path) -> None:
    # “…年财政拨款预算支出 21,940.96 万元，…。与上年相比，财政拨款支出增加 3,958.98 万元，增长 22 %”
    # (省检察院 2018): the subject names the indicator of the sentence before's one amount, so the change is that
    # amount's, and the rate after it is the change's
    text = "财政拨款预算支出 100 万元。与上年相比，财政拨款支出增加 10 万元，增长 11.11%。\n"
    statements, percentages = _read(tmp_path, text)
    assert _rows(statements) == [
        ("1", "fiscal-appropriation-expenditure", "amount", "100", "", None, None, "财政拨款预算支出 100 万元"),
        ("1", "fiscal-appropriation-expenditure", "change", "10", "increase", 2016, 0,
         "与上年相比，财政拨款支出增加 10 万元"),
    ]
    assert [(p.printed, p.rate_of) for p in percentages] == [("11.11", 1)]


def test_fiscal_total_of_both_sides_and_its_change(tmp_path: Path) -> None:
    # Jiangsu's section 四: “…年度财政拨款收、支总预算 21,940.96 万元。与上年相比，财政拨款收、支总计各增加
    # 3,958.98 万元，增长 22 %。” (省检察院 2018): the amount is read as the 财政拨款支出, the change (各: each side) as
    # its change, the rate as the change's; 政协 writes “财政拨款收、支预算 9,066.79万元”
    text = ("省检察院 2018 年度财政拨款收、支总预算 100 万元。"
            "与上年相比，财政拨款收、支总计各增加 10 万元，增长 11.11%。\n"
            "政协 2018 年度财政拨款收、支预算 50 万元。\n")
    statements, percentages = _read(tmp_path, text, 2018)
    assert _rows(statements) == [
        ("1", "fiscal-appropriation-expenditure", "amount", "100", "", None, None, "财政拨款收、支总预算 100 万元"),
        ("1", "fiscal-appropriation-expenditure", "change", "10", "increase", 2017, 0,
         "与上年相比，财政拨款收、支总计各增加 10 万元"),
        ("2", "fiscal-appropriation-expenditure", "amount", "50", "", None, None, "财政拨款收、支预算 50 万元"),
    ]
    assert [(p.printed, p.rate_of) for p in percentages] == [("11.11", 1)]


@pytest.mark.parametrize("text", [
    # 收、支…各 after an amount that is not a total of both sides (a part of one): not its change
    "基本支出预算数为 100 万元。与上年相比，财政拨款收、支总计各增加 10 万元。\n",
    # 财政拨款收入 alone, or 收、支 of something else: not the 财政拨款 total of both sides
    "财政拨款收入预算 100 万元。\n", "事业收、支预算 100 万元。\n",
])
def test_not_a_fiscal_total_of_both_sides(tmp_path: Path, text: str) -> None:
    statements, _ = _read(tmp_path, text)
    assert [s for s in statements if s.indicator == "fiscal-appropriation-expenditure"] == []
    assert [s for s in statements if s.printed == "10"] == []


@pytest.mark.parametrize(("label", "indicator"), [
    ("基本支出预算数为", "basic-expenditure"), ("项目支出预算数为", "project-expenditure"),
    ("项目支出预算数是", "project-expenditure"), ("此外，基本支出预算数为", "basic-expenditure"),
    # unchanged: the existing labels
    ("基本支出", "basic-expenditure"), ("基本支出预算为", "basic-expenditure"),
    ("项目支出预算安排", "project-expenditure"),
    ("单位预留机动经费预算数为", "reserve-fund-expenditure"), ("上年结转资金预算数为", "carry-over"),
    # not these: a fund's split, a word after 预算数, no indicator
    ("基本支出预算数", None), ("结转下年资金预算数为", None),
])
def test_budget_figure_labels(label: str, indicator: str | None) -> None:
    assert narrative.classify(label) == indicator
