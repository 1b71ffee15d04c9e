"""A change stated as none (rule R51's 持平): the wordings the Jiangsu corpus uses besides 与上年持平 —
与上年预算数一致 / 相等, 与上年数一致, 与上年相同, 与上年度持平, 本年数与上年预算数一致, 本年数等于上年预算数 — and the
flat clause written as a sentence of its own after the amount (“…支出0万元。与上年预算数一致。”), read as a change
of 0 (direction flat) of that amount (``budgetkg.narrative``: ``_FLAT``, ``_flat_subject``, ``_flat_alone``).
Statements about tables matching (“口径与上年一致”, “与《部门收支预算总表》…数一致”, “与上年预算数对应一致”), a
flat clause naming its own subject, and a flat clause after a number that is not a money amount
(“(1)公务用车购置为 0，与上年持平”) are not changes of any figure.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetkg import narrative, uris
from budgetkg.model import SourceDocument
from budgetkg.read import read_document
from budgetkg.read.text import READER, parse_text
from tests.conftest import CORPUS

JIANGSU = CORPUS / "jiangsu"
corpus = pytest.mark.skipif(not JIANGSU.exists(), reason=f"corpus not found at {CORPUS}")


def flats(statements: list[narrative.Statement]) -> list[tuple[object, ...]]:
    """(paragraph, indicator, the changed figure's printed amount and unit, span, reference year) of every flat
    change, each also checked to be a change of 0 written in words (no number, no unit) of an amount."""
    out = []
    for s in statements:
        if s.direction != "flat":
            continue
        assert (s.kind, s.amount, s.printed, s.unit, s.unit_text) == ("change", Decimal(0), "", None, "")
        assert s.change_of is not None
        of = statements[s.change_of]
        assert (of.kind, of.indicator, of.label) == ("amount", s.indicator, s.label)
        out.append((s.paragraph, s.indicator, of.printed, of.unit_text, s.span, s.reference_year))
    return out


def _read(tmp_path: Path, text: str, year: int = 2018) -> list[narrative.Statement]:
    """The statements of ``text`` as a plain-text document: its blocks as budgetkg's text reader splits them (one
    paragraph a printed line; the reader itself refuses a file without a table)."""
    path = tmp_path / "说明.txt"
    path.write_text(text, encoding="utf-8")
    doc = SourceDocument.of(path, text.encode(), media_type="text/plain", encoding="utf-8", reader=READER,
                            blocks=parse_text(text))
    return narrative.extract(doc, year)


# -- the corpus (exact statements, read off the pages) ----------------------------------------------------------------


@corpus
def test_yizhi_after_the_amount_in_its_clause_chain() -> None:
    """省委办公厅 2019 p.12: the 三公 items, 会议费 and 培训费 “…预算支出70万元，与上年预算数一致。”, and the
    政府性基金 line whose flat clause is a sentence of its own (“…预算支出0万元。与” + “上年预算数一致。”, printed
    lines 12.21–12.22)."""
    path = JIANGSU / "江苏省委办公厅" / "江苏省委办公厅2019年度部门预算公开文件.pdf"
    statements = narrative.extract(read_document(path), 2019)
    assert flats(statements) == [
        ("12.11", "outbound-travel", "70", "万元", "与上年预算数一致", 2018),
        ("12.13", "vehicle-purchase", "0", "万元", "与上年预算数一致", 2018),
        ("12.14", "vehicle-operation", "411.20", "万元", "与上年预算数一致", 2018),
        ("12.16", "official-reception", "27", "万元", "与上年预算数一致", 2018),
        ("12.18", "meeting-expenses", "933.50", "万元", "与上年预算数一致", 2018),
        ("12.20", "training-expenses", "30", "万元", "与上年预算数一致", 2018),
        ("12.22", "government-fund-expenditure", "0", "万元", "与上年预算数一致", 2018),
    ]
    alone = next(s for s in statements if s.paragraph == "12.22" and s.direction == "flat")
    assert alone.sentence == "与上年预算数一致。"
    of = statements[alone.change_of]
    assert (of.paragraph, of.span, of.sentence) == (
        "12.22", "江苏省委办公厅2019年政府性基金支出预算支出0万元", "江苏省委办公厅2019年政府性基金支出预算支出0万元。")
    # the triple names the amount of the sentence before
    triples = narrative.triples("http://example.org/doc", statements)
    change_of = uris.vocab() + "changeOf"
    assert [t.object.value for t in triples
            if t.subject.value == narrative.statement_iri("http://example.org/doc", alone)
            and t.predicate.value == change_of] == [narrative.statement_iri("http://example.org/doc", of)]


@corpus
def test_xiangdeng_and_benniánshu_forms() -> None:
    """省检察院 2017 p.22–23 (与上年预算数相等, also before a clause of its use; 会议费 “…预算支出 168 万元，本年数
    等于上年预算数。”), 2018 p.28–29 (相等; 培训费 “…预算支出 700 万元，与上年预算数一致”) and 省委办公厅 2017
    p.11–12 (“…本年数与上年预算数一致”, 会议费 933.50; p.6 财政专户管理资金收入 147.20 万元，与上年保持一致, p.7
    “单位预留机动经费预算数为 196.72 万元。与上年相同。”, read since both name an indicator)."""
    procuratorate = JIANGSU / "江苏省人民检察院"
    assert flats(narrative.extract(read_document(procuratorate / "2017年省检察院部门预算.pdf"), 2017)) == [
        ("22.20", "outbound-travel", "110", "万元", "与上年预算数相等", 2016),
        ("22.24", "vehicle-purchase", "50", "万元", "与上年预算数相等", 2016),
        ("22.26", "vehicle-operation", "267.8", "万元", "与上年预算数一致", 2016),
        ("23.6", "meeting-expenses", "168", "万元", "等于上年预算数", 2016),
    ]
    assert flats(narrative.extract(read_document(procuratorate / "2018年省检察院部门预算公开.pdf"), 2018)) == [
        ("28.25", "outbound-travel", "100", "万元", "与上年预算数相等", 2017),
        ("29.5", "vehicle-operation", "267.8", "万元", "与上年预算数一致", 2017),
        ("29.15", "training-expenses", "700", "万元", "与上年预算数一致", 2017),
    ]
    office = narrative.extract(read_document(JIANGSU / "江苏省委办公厅" / "江苏省委办公厅2017年部门预算.pdf"), 2017)
    assert flats(office) == [
        ("6.8", "special-account-income", "147.20", "万元", "与上年保持一致", 2016),
        ("7.5", "reserve-fund-expenditure", "196.72", "万元", "与上年相同", 2016),
        ("11.16", "outbound-travel", "70", "万元", "与上年预算数一致", 2016),
        ("11.22", "vehicle-operation", "411.20", "万元", "与上年预算数一致", 2016),
        # “…本年数与上年预算数” | the page number “— 11 —” | “一致。”
        ("11.23", "official-reception", "28", "万元", "与上年预算数一致", 2016),
        ("12.3", "meeting-expenses", "933.50", "万元", "与上年预算数一致", 2016),
        ("12.5", "training-expenses", "25", "万元", "与上年预算数一致", 2016),
    ]
    # “（1）公务用车购置预算支出数 0 万元，本年数与上年预算数一致” (p.11): its label (…支出数) names no indicator, so
    # there is no amount to be of
    assert not [s for s in office if "支出数 0" in s.sentence]


@corpus
def test_shangniandu_and_shangnianshu_forms() -> None:
    """省人大办公厅 2018 p.28 (与上年度持平: not read before) and 政协办公厅 2018 (与上年数一致, also before a
    clause saying there is none: “（2）政府性基金收入预算 0 万元，与上年数一致，本部门无此项收入。”)."""
    congress = narrative.extract(read_document(JIANGSU / "江苏省人大办公厅" / "省人大办公厅2018预算公开.pdf"), 2018)
    assert [f for f in flats(congress) if f[4] == "与上年度持平"] == [
        ("28.4", "outbound-travel", "222.5", "万元", "与上年度持平", 2017),
        ("28.8", "vehicle-operation", "183.6", "万元", "与上年度持平", 2017),
        ("28.10", "official-reception", "427.5", "万元", "与上年度持平", 2017),
        ("28.12", "meeting-expenses", "1305.25", "万元", "与上年度持平", 2017),
        ("28.14", "training-expenses", "403.75", "万元", "与上年度持平", 2017),
    ]
    cppcc = narrative.extract(read_document(JIANGSU / "江苏省政协办公厅" / "江苏省政协办公厅2018年度部门预算.pdf"),
                              2018)
    assert flats(cppcc) == [
        ("8.6", "government-fund-income", "0", "万元", "与上年数一致", 2017),
        ("8.8", "special-account-income", "0", "万元", "与上年数一致", 2017),
        ("8.10", "other-funds-income", "80", "万元", "与上年数一致", 2017),
        ("8.11", "carry-over", "0", "万元", "与上年数一致", 2017),
        ("11.12", "classification-subject", "429.30", "万元", "与上年数一致", 2017),
        ("14.11", "vehicle-purchase", "0", "万元", "与上年数一致", 2017),
        ("14.12", "vehicle-operation", "156.60", "万元", "与上年数一致", 2017),
        ("15.2", "government-fund-expenditure", "0", "万元", "与上年数一致", 2017),
        ("15.22", "state-capital-income", "0", "万元", "与上年数一致", 2017),
    ]
    item = next(s for s in cppcc if s.paragraph == "11.12" and s.direction == "flat")
    assert item.label == "一般公共服务支出（类）政协事务（款）委员视察（项）"
    # “2.财政专户管理资金收入预算总计 0 万元，与上年数一致”, “3.其他资金收入预算总计 80 万元，与上年数一致”,
    # “4.上年结转资金预算数为 0 万元，与上年数一致” (p.8): read since their labels name an indicator
    # (…收入预算总计, 其他资金收入, 上年结转资金预算数为), each amount with its flat change


@corpus
def test_congress_2017_flat_sentences_and_the_zero_without_unit() -> None:
    """省人大办公厅 2017 p.24: “项目支出预算数为 5853.96 万元。与上年持平。” is read (the label …预算数为 names
    项目支出: printed line 24.12), and so is “单位预留机动经费预算数为 128.43 万元。与上年持平。” (24.13:
    单位预留机动经费 names an indicator since 2026-11-28; before, no flat change was read, nothing guessed);
    p.28 “(1)公务用车购置为 0，与上年持平。” states no money amount (0 without unit): its 持平 is not attached to
    the 183.6 万元 before it."""
    path = JIANGSU / "江苏省人大办公厅" / "江苏省人大办公厅2017年度预算公开.pdf"
    statements = narrative.extract(read_document(path), 2017)
    assert flats(statements) == [
        ("24.12", "project-expenditure", "5853.96", "万元", "与上年持平", 2016),
        ("24.13", "reserve-fund-expenditure", "128.43", "万元", "与上年持平", 2016),
        ("28.18", "outbound-travel", "222.5", "万元", "与上年预算数持平", 2016),
        ("28.22", "vehicle-operation", "183.6", "万元", "与上年预算数持平", 2016),
        ("29", "official-reception", "427.5", "万元", "与上年预算数持平", 2016),
    ]


# -- written text: each form, and what is not a change ---------------------------------------------------------------


@pytest.mark.parametrize(("line", "span"), [
    ("1．因公出国（境）费预算支出70万元，与上年预算数一致。", "与上年预算数一致"),
    ("1．因公出国（境）费预算支出70万元，与上年预算数相等。", "与上年预算数相等"),
    ("1．因公出国（境）费预算支出70万元，与上年相同。", "与上年相同"),
    ("1．因公出国（境）费预算支出70万元，本年数与上年预算数一致。", "与上年预算数一致"),
    ("1．因公出国（境）费预算支出70万元，与上年数一致，本部门…。", "与上年数一致"),
    ("1．因公出国（境）费预算支出70万元，与上年度持平。", "与上年度持平"),
    ("1．因公出国（境）费预算支出70万元，与上年保持一致。", "与上年保持一致"),
    ("1．因公出国（境）费预算支出70万元，本年数等于上年预算数。", "等于上年预算数"),
    ("1．因公出国（境）费预算支出70万元。与上年相同。", "与上年相同"),
    ("1．因公出国（境）费预算支出70万元。\n与上年预算数一致。", "与上年预算数一致"),
    ("1．因公出国（境）费预算支出70万元，\n本年数与上年预算数一致。", "与上年预算数一致"),
])
def test_each_flat_form(tmp_path: Path, line: str, span: str) -> None:
    statements = _read(tmp_path, line + "\n")
    assert [(s.indicator, s.kind, s.printed, s.direction, s.change_of, s.span, s.reference_year)
            for s in statements] == [
        ("outbound-travel", "amount", "70", "", None, "因公出国（境）费预算支出70万元", None),
        ("outbound-travel", "change", "", "flat", 0, span, 2017),
    ]


def test_flat_sentence_of_its_own(tmp_path: Path) -> None:
    """“项目支出 5853.96 万元。与上年持平。”: the sentence belongs to the amount the sentence before ends with, in the
    paragraph of its own line, and so does a flat sentence whose only other clause is its reason (“…1.35万元。比2022年
    预算持平，主要原因是…”); a flat sentence after a sentence ending with a change, or with words after its amount,
    or with a clause after the flat words that is not a reason, is not read. (A money change written as a sentence of
    its own is read too — tests/test_next_sentence_changes.py: the 844.15 of the first line is the 7666.68's change —
    and the 持平 after that change sentence is still not read.)"""
    text = ("基本支出 7666.68 万元。与上年相比增加 844.15 万元。与上年持平。\n项目支出 5853.96 万元。与上年持平。\n"
            "项目支出 100 万元，比上年增加 2 万元。与上年持平。\n项目支出 100 万元，全部为财政拨款。与上年持平。\n"
            "项目支出 100 万元。与上年持平，主要原因是任务未变。\n项目支出 100 万元。与上年持平，全部为财政拨款。\n")
    statements = _read(tmp_path, text, 2017)
    assert [(s.paragraph, s.indicator, s.kind, s.printed, s.direction, s.change_of) for s in statements] == [
        ("1", "basic-expenditure", "amount", "7666.68", "", None),
        ("1", "basic-expenditure", "change", "844.15", "increase", 0),
        ("2", "project-expenditure", "amount", "5853.96", "", None),
        ("2", "project-expenditure", "change", "", "flat", 2),
        ("3", "project-expenditure", "amount", "100", "", None),
        ("3", "project-expenditure", "change", "2", "increase", 4),
        ("4", "project-expenditure", "amount", "100", "", None),
        ("5", "project-expenditure", "amount", "100", "", None),
        ("5", "project-expenditure", "change", "", "flat", 7),
        ("6", "project-expenditure", "amount", "100", "", None),
    ]


def test_flat_clause_after_a_zero_without_unit_is_not_a_change(tmp_path: Path) -> None:
    # 省人大办公厅 2017 p.28: the 0 of 公务用车购置 is no money amount; its 持平 is not the 183.6 万元's
    text = ("2．公务用车购置及运行费预算支出 183.6 万元。其中：\n(1)公务用车购置为 0，与上年持平。\n"
            "(2)公务用车运行维护费预算支出 183.6 万元，与上年预算数持平。\n")
    statements = _read(tmp_path, text, 2017)
    assert [(s.paragraph, s.indicator, s.kind, s.direction, s.change_of) for s in statements] == [
        ("1", "official-vehicles", "amount", "", None),
        ("3", "vehicle-operation", "amount", "", None),
        ("3", "vehicle-operation", "change", "flat", 1),
    ]


def test_tables_matching_is_not_a_change(tmp_path: Path) -> None:
    # “口径与上年一致”: the basis of the figure, not its change
    assert [s.kind for s in _read(tmp_path, "机关运行经费预算支出 5619.31 万元，统计口径与上年一致。\n")] == ["amount"]
    # a sentence of its own saying so, after an amount
    assert [s.kind for s in _read(tmp_path, "机关运行经费预算支出 5619.31 万元。口径与上年一致。\n")] == ["amount"]


def test_table_totals_agreeing_is_not_a_change(tmp_path: Path) -> None:
    # 省人大办公厅 2017 p.25 (“…与《部门收支预算总表》的财政拨款数对应一致。”) and 政协 2018 p.9 (“…与《收支预算总表》
    # 收入数一致。”), after an amount
    text = ("一般公共预算收入 13649.07 万元，与《收支预算总表》收入数一致。\n"
            "一般公共预算收入 13649.07 万元。财政拨款收入数、支出安排数与《部门收支预算总表》的财政拨款数对应一致。\n")
    assert [s.kind for s in _read(tmp_path, text, 2017)] == ["amount", "amount"]


def test_corresponding_previous_year_is_not_a_change(tmp_path: Path) -> None:
    # “与上年预算数对应一致”: that two figures correspond, not that the amount is unchanged
    assert [s.kind for s in _read(tmp_path, "一般公共预算收入 100 万元，与上年预算数对应一致。\n")] == ["amount"]
    # “等于上年预算数的 80%”: a ratio, not equality
    assert [s.kind for s in _read(tmp_path, "一般公共预算收入 100 万元，等于上年预算数的80%。\n")] == ["amount"]


def test_flat_clause_with_a_subject_of_its_own_is_not_the_amounts(tmp_path: Path) -> None:
    # 政协 2017 p.5: “按支出用途分类，基本支出增加 498.72 万元，项目支出、单位预留机动经费与上年数一致。”, and the same
    # after an amount
    text = ("按支出用途分类，基本支出增加 498.72 万元，项目支出、单位预留机动经费与上年数一致。\n"
            "基本支出 5916.27 万元，项目支出、单位预留机动经费与上年数一致。\n")
    statements = _read(tmp_path, text, 2017)
    assert [(s.indicator, s.kind, s.direction) for s in statements] == [
        ("basic-expenditure", "change", "increase"), ("basic-expenditure", "amount", "")]


@pytest.mark.skipif(not (CORPUS / "shanghai").exists(), reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize(("name", "year", "paragraph", "printed", "span", "sentence"), [
    ("2023_上海市普陀区万里街道办事处_部门预算.pdf", 2023, "29.7", "1.35", "比2022年预算持平",
     "比2022年预算持平，主要原因是公务接待费保持不变。"),
    ("2024_上海市普陀区万里街道办事处_部门预算.pdf", 2024, "32.8", "1.35", "比2023年预算持平",
     "比2023年预算持平，主要原因是公务接待费保持不变。"),
    ("2024_上海市普陀区社会福利院_单位预算.pdf", 2024, "16.7", "0.00", "与2023年预算持平",
     "与2023年预算持平，主要原因是无公务接待事项支出。"),
    ("上海市普陀区商务委员会25年预算.pdf", 2025, "22.7", "1.00", "与2024年预算持平",
     "与2024年预算持平，主要原因是根据本部门实际业务需求开展公务接待。"),
])
def test_flat_sentence_with_its_reason_in_the_shanghai_texts(
        name: str, year: int, paragraph: str, printed: str, span: str, sentence: str) -> None:
    """“（三）、公务接待费1.35万元。比2022年预算持平，主要原因是…。”: the four Shanghai texts that write the
    公务接待费's flat clause as a sentence of its own with its reason; it is the change of 0 of the 公务接待费, compared
    with the year before's budget."""
    statements = narrative.extract(read_document(CORPUS / "shanghai" / name), year)
    found = [s for s in statements if s.direction == "flat" and s.indicator == "official-reception"]
    assert [(s.paragraph, s.span, s.reference_year, s.sentence) for s in found] == [
        (paragraph, span, year - 1, sentence)]
    of = statements[found[0].change_of]  # type: ignore[index]
    assert (of.kind, of.indicator, of.paragraph, of.printed, of.unit_text) == (
        "amount", "official-reception", paragraph, printed, "万元")
