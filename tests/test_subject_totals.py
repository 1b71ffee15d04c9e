"""Rule R46 on the amounts of the levels above the 项: a 类's amount and a 款's total stated in the text, resolved to
their table row by name (``budgetkg.subjects``) and compared by ``R46-subject-amounts``.

What the corpus prints (read through ``budgetkg.read``; the Hebei sample states no 类/款 and the Shanghai budgets only
三-level 项 paths):

* Jiangsu, every budget text, section 四 (收支预算总表): “（二）支出预算总计 21,955.35 万元。包括：” then
  “1．公共安全（类）支出 16,458.75 万元，主要用于…” — the 类 of the expenditure total, every source of funds: they
  equal the 收支预算总表's 类 rows, not B5's where the department has funds of other sources (省检察院 2017 204:
  13,656.34 vs B5 13,641.34; 2018 16,458.75 vs 16,444.36; 委办 2017 201: 16,992.37 vs 16,845.17; 政协 2017
  6,543.55 vs 6,463.55, 2018 7,827.46 vs 7,747.46). 31 such figures, all equal to their 收支预算总表 row (checked
  below for 省检察院 2018, 省人大 2017, 委办 2017 and 省人大常委会 2019, and on every file by
  tests/test_jiangsu_findings.py): 24 marked （类）, 7 printed without the mark and read as 类 all the same, the
  label being exactly a national 类 name (省检察院 2018 “2．社会保障和就业支出 1,836.22 万元” and item 3, 委办 2017
  items 2–3, the whole 省人大 2017 list “1．一般公共服务支出 10528.33 万元”…; its 收支预算总表 wraps “八、社会保障和就”
  | “业支出” in its cell: the row's whole national name is its name).
* 省人大 2017 p.26, section 五: the bare line “一般公共服务” (a 类 name, no mark) above “1. 人大事务行政运行（项）支出
  10528.33 万元” (the 款 name and the 项 name written as one: 20101 / 2010101, which B5 prints 4,545.94 — 10528.33 is
  the 款's and the 类's total: a Violation, real), then “2. 社会保障和就业支出 1608.51 万元”, “3. 住房保障支出
  1512.23 万元”: 类 = B5 208, 221.
* 省检察院 2018 p.26–27, section 五 (财政拨款支出预算情况说明): the 款 lines' totals under their 类 heading,
  “检察（款）: 2018 年预算支出合计 16,444.36 万元” (also 行政事业单位离退休 1,836.22 and 住房改革支出
  3,660.38): = B5 (公开 07 表, p.17) 20404, 20805, 22102.
* The Shanghai 决算 p.21: “主要用于以下方面：社会保障和就业支出（类）754.75 万元，…”: five 类 of F5; 卫生健康支出 236.63
  where F5 (p.14) prints 210 合计 236.64 (its 项 40.35 + 196.29; the 收支决算总表 p.7 and 财政拨款收支决算总表
  p.12 print 236.63): an Info, the one new finding on the corpus (tests/test_shanghai.py).
* Not read: 政协 2017's 经济分类 lines “1、工资福利支出（类）2,097.51 万元” under 六、财政拨款基本支出 (not a
  functional 类).
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from budgetkg import pipeline, uris, validate
from budgetkg.map import MappedDocument
from budgetkg.model import Paragraph, SourceDocument
from budgetkg.narrative import extract
from budgetkg.pipeline import pair_findings
from budgetkg.store import Store
from budgetkg.subjects import _notes, split_levels, walk
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_subjects import B5, ROWS, TWO_KUAN
from tests.test_validate import _retarget, engines_on

D = Decimal
PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
RD = CORPUS / "jiangsu" / "江苏省人大办公厅"
RD_2019_TEXT = RD / "江苏省人大常委会2019年度部门预算公开.pdf"
RD_2019_TABLES = RD / "江苏省人大常委会办公厅2019年部门预算公开表.pdf"
FINAL = CORPUS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
pytestmark = pytest.mark.skipif(not PROC_2018.exists(), reason=f"corpus not found at {CORPUS}")

#: 省检察院 2018's tables: the 收支预算总表 (p.13, 公开 01 表) and B5 (p.17, 公开 07 表)
SUMMARY_2018 = "第二部分 2018 年度部门预算表 公开 01 表：收支预算总表"
B5_2018 = "公开 07 表：一般公共预算支出预算表"
TOTAL_2018 = "（二）支出预算总计21,955.35万元。"


# -- paths above the 项, on rows written here ----------------------------------------------------------------------


def test_class_and_section_paths_walk_to_their_rows() -> None:
    assert split_levels("社会保障和就业支出（类）") == (("类", "社会保障和就业支出"),)
    assert split_levels("住房保障支出（类）住房改革支出(款)") == (("类", "住房保障支出"), ("款", "住房改革支出"))
    # a 类 alone (its name wrapped in the cell), a 类 printed without 支出, a 类 and its 款
    assert [r.code for r in walk((("类", "社会保障和就业支出"),), ROWS).rows] == ["208"]
    match = walk((("类", "住房保障"),), ROWS)
    assert match.resolved and match.class_tail and match.rows[0].row == "row/10"
    match = walk((("类", "住房保障支出"), ("款", "住房改革支出")), TWO_KUAN)
    assert match.resolved and [r.code for r in match.rows] == ["221", "22102"]
    heading = "（二）支出预算总计15897.44万元。"
    assert _notes(walk((("类", "一般公共服务"),), ROWS), (heading,)) == (
        f"按名称逐级匹配：类“一般公共服务支出”→201（文中类名省略“支出”）（{B5}第4行）；列于标题“{heading}”之下"
        "（支出预算总计，含各项资金来源）",
        f"matched by printed name, level by level: class (类) “一般公共服务支出” → 201 (the text drops 支出 from the "
        f"class name) ({B5}, row 4); listed under the heading “{heading}” (the expenditure total, every source of "
        "funds)")
    # a 款 name under another 类 is not a match; a 款 marked as a 类 is said to be one
    match = walk((("类", "一般公共服务支出"), ("款", "住房改革支出")), TWO_KUAN)
    assert (match.resolved, match.missing, match.name) == (False, "款", "住房改革支出")
    match = walk((("类", "住房改革支出"),), TWO_KUAN)
    assert (match.missing, [r.code for r in match.elsewhere]) == ("类", ["22102"])


def _text(*lines: str) -> SourceDocument:
    blocks = [Paragraph(text, n) for n, text in enumerate(lines, start=1)]
    return SourceDocument("t.txt", "t.txt", "", 0, "text/plain", "utf-8", "text", list(blocks))


def test_class_amounts_are_read_under_the_expenditure_total_only() -> None:
    """省人大 2018 p.20's list under “（二）支出预算总计…包括：” (the heading recorded: it names the table), not the
    经济分类 “（类）” lines of 政协 2017 p.11 nor a 类 amount under another heading."""
    doc = _text(
        "四、收支预算总表情况说明",
        "（二）支出预算总计 15897.44 万元。包括：",
        "1．一般公共服务（类）支出 12706.28 万元，主要用于在职人员工资福利支出。",
        "3．住房保障（类）支出 2122.38 万元，主要用于住房公积金和提租补贴发放支出。",
        "4．结转下年资金预算数为0万元。",
        "六、财政拨款基本支出预算表情况说明",
        "1、工资福利支出（类）2,097.51 万元",
        "（1）基本工资（款）支出 737.94 万元。",
    )
    heading = ("（二）支出预算总计15897.44万元。",)
    assert [(s.paragraph, s.amount, s.label, s.headings, s.span) for s in extract(doc)
            if s.indicator == "classification-subject"] == [
        ("3", D("12706.28"), "一般公共服务（类）", heading, "一般公共服务（类）支出 12706.28 万元"),
        ("4", D("2122.38"), "住房保障（类）", heading, "住房保障（类）支出 2122.38 万元"),
    ]


# -- 省检察院 2018, one file (text and tables) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def procuratorate() -> tuple[MappedDocument, list[Finding]]:
    return pipeline.process(PROC_2018)


def _compared(mapped: MappedDocument, figures: list[str]) -> list[tuple[str, str, Decimal, str, int, str, Decimal]]:
    """(figure, label, stated amount, table, row, code, the row's 合计 cell of that code) of each figure, as linked."""
    scratch = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    query = f"""PREFIX bkg: <{uris.vocab()}> PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX csvw: <http://www.w3.org/ns/csvw#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?f ?label ?value ?title ?rownum ?c ?cell WHERE {{ GRAPH <{mapped.iri}> {{
            ?f bkg:subjectRow ?row ; bkg:subjectClassification ?c ; bkg:itemLabel ?label ; bkg:statedAmount ?value .
            ?obs bkg:sourceRow ?row ; bkg:classification ?c ; bkg:amount ?cell ; qb:dataSet ?ds ; bkg:breakdown ?bd .
            ?ds dcterms:title ?title . ?row csvw:rownum ?rownum
            FILTER (?bd IN (<{uris.concept("breakdown", "total")}>, <{uris.concept("breakdown", "amount")}>)) }} }}"""
    got = [(s["f"].value.removeprefix(mapped.iri + "/"), s["label"].value, D(s["value"].value), s["title"].value,
            int(s["rownum"].value), s["c"].value.rsplit("/", 1)[-1], D(s["cell"].value))
           for s in scratch.ox.query(query)]
    return sorted(g for g in got if g[0] in figures)


def test_class_amount_links_to_the_summary_table_row(procuratorate: tuple[MappedDocument, list[Finding]]) -> None:
    """p.24 “1．公共安全（类）支出 16,458.75 万元” under “（二）支出预算总计 21,955.35 万元。包括：” → 收支预算总表
    row 7 (204 公共安全支出, printed “四、公共安全支出” beside the income line “二、财政专户管理资金”); p.26 “检察
    （款）: 2018 年预算支出合计 16,444.36 万元” under “（一）公共安全支出（类）” → B5 row 4 (20404)."""
    mapped, _ = procuratorate
    bkg = uris.vocab()

    def links(figure: str) -> set[tuple[str, str]]:
        node = ox.NamedNode(f"{mapped.iri}/{figure}")
        return {(t.predicate.value.removeprefix(bkg), t.object.value) for t in mapped.triples
                if t.subject == node and t.predicate.value.startswith(bkg + "subject")}

    assert links("paragraph/24.2/figure/1") == {
        ("subjectHeading", TOTAL_2018),
        ("subjectClassification", uris.concept("functional", "204")),
        ("subjectRow", uris.row(uris.dataset(mapped.iri, "income-expenditure-summary"), 7)),
        ("subjectMatch", f"按名称逐级匹配：类“公共安全支出”→204（文中类名省略“支出”）（{SUMMARY_2018}第7行）；"
                         f"列于标题“{TOTAL_2018}”之下（支出预算总计，含各项资金来源）"),
        ("subjectMatch", "matched by printed name, level by level: class (类) “公共安全支出” → 204 (the text "
                         f"drops 支出 from the class name) ({SUMMARY_2018}, row 7); listed under the heading "
                         f"“{TOTAL_2018}” (the expenditure total, every source of funds)"),
    }
    assert links("paragraph/26.8/figure/1") == {
        ("subjectHeading", "（一）公共安全支出（类）"),
        ("subjectClassification", uris.concept("functional", "20404")),
        ("subjectRow", uris.row(uris.dataset(mapped.iri, "general-public-budget-expenditure"), 4)),
        ("subjectMatch", f"按名称逐级匹配：类“公共安全支出”→204，款“检察”→20404（{B5_2018}第4行）；"
                         "类取自标题“（一）公共安全支出（类）”"),
        ("subjectMatch", "matched by printed name, level by level: class (类) “公共安全支出” → 204, section (款) "
                         f"“检察” → 20404 ({B5_2018}, row 4); the class (类) taken from the heading "
                         "“（一）公共安全支出（类）”"),
    }


def test_agreeing_amounts_are_silent(procuratorate: tuple[MappedDocument, list[Finding]]) -> None:
    """The 类 of the total and the three 款 totals equal their rows (p.13 收支预算总表, p.17 公开 07 表): no finding;
    the 类 is not compared with B5's 204 (16,444.36), which the 收支预算总表 exceeds by its 其他资金 14.39 (p.13). Items
    2–3 of the total's list print no （类） mark (p.24: “2．社会保障和就业支出 1,836.22 万元”, “3．住房保障支出 3,660.38
    万元”): read as 类 all the same, = 收支预算总表 rows 11 and 22."""
    mapped, findings = procuratorate
    figures = ["paragraph/24.2/figure/1", "paragraph/26.8/figure/1", "paragraph/26.22/figure/1",
               "paragraph/27.10/figure/1", "paragraph/24.8/figure/1", "paragraph/24.15/figure/1"]
    assert _compared(mapped, figures) == [
        ("paragraph/24.15/figure/1", "住房保障支出（类）", D("3660.38"), SUMMARY_2018, 22, "221", D("3660.38")),
        ("paragraph/24.2/figure/1", "公共安全（类）", D("16458.75"), SUMMARY_2018, 7, "204", D("16458.75")),
        ("paragraph/24.8/figure/1", "社会保障和就业支出（类）", D("1836.22"), SUMMARY_2018, 11, "208", D("1836.22")),
        ("paragraph/26.22/figure/1", "社会保障和就业支出（类）行政事业单位离退休（款）", D("1836.22"), B5_2018, 9,
         "20805", D("1836.22")),
        ("paragraph/26.8/figure/1", "公共安全支出（类）检察（款）", D("16444.36"), B5_2018, 4, "20404", D("16444.36")),
        ("paragraph/27.10/figure/1", "住房保障支出（类）住房改革支出（款）", D("3660.38"), B5_2018, 14, "22102",
         D("3660.38")),
    ]
    assert [f for f in findings if f.focus.removeprefix(mapped.iri + "/") in figures] == []


#: p.24 and p.26 as printed, and altered: the 类 stated as B5's 16,444.36, the 款 total as 16,454.36
ALTERED_2018 = {
    "24.2": ("1．公共安全（类）支出 16,458.75 万元，主要用于", "1．公共安全（类）支出 16,444.36 万元，主要用于"),
    "26.8": ("检察（款）: 2018 年预算支出合计 16,444.36 万元。其",
             "检察（款）: 2018 年预算支出合计 16,454.36 万元。其"),
}


@pytest.fixture(scope="module")
def altered() -> tuple[MappedDocument, list[Finding]]:
    return process_edited(PROC_2018, ALTERED_2018)


def test_altered_amounts_are_violations(altered: tuple[MappedDocument, list[Finding]]) -> None:
    """16,444.36 − 16,458.75 = −14.39 万元 against the 收支预算总表; 16,454.36 − 16,444.36 = 10 万元 against B5; the
    unmatched 项 of p.26 is reported as on the printed file."""
    mapped, findings = altered
    got = sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message,
                  f.values.get("value"), f.values.get("tableValue"))
                 for f in findings if f.rule == "R46-subject-amounts")
    assert got == [
        ("R46-subject-amounts", "Violation", "paragraph/24.2/figure/1",
         f"text “公共安全（类）支出 16,444.36 万元”: 公共安全（类） 16,444.36 万元 ≠ {SUMMARY_2018} (204, amount) "
         "16,458.75 万元 (both rounded to the coarser precision; diff -14.39 in 万元, rounding envelope 0.01)",
         D("16444.36"), D("16458.75")),
        ("R46-subject-amounts", "Violation", "paragraph/26.8/figure/1",
         "text “检察（款）: 2018 年预算支出合计 16,454.36 万元”: 公共安全支出（类）检察（款） 16,454.36 万元 ≠ "
         f"{B5_2018} (20404, amount) 16,444.36 万元 (both rounded to the coarser precision; diff 10 in 万元, "
         "rounding envelope 0.01)", D("16454.36"), D("16444.36")),
    ]
    assert sorted(f.focus.removeprefix(mapped.iri + "/") for f in findings if f.rule == "R46-subject-path") == [
        "paragraph/26.23/figure/1"]


def test_fast_path_equals_pyshacl(altered: tuple[MappedDocument, list[Finding]]) -> None:
    """The R46 shapes through pyshacl on the altered file: the two Violations, and silence on the agreeing 款 totals
    (26.22, 27.10) and 项 (26.10)."""
    mapped, _ = altered
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    graphs = document_graphs(iri)
    foci = [f"{iri}/paragraph/{key}/figure/1" for key in ("24.2", "26.8", "26.22", "27.10", "26.10")]
    shapes = _retarget(validate.load_shapes(["narrative.ttl"]), foci, ("R46",))
    reference = engines_on(scratch, graphs, shapes)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R46-subject-amounts-violation", "paragraph/24.2/figure/1"),
        ("R46-subject-amounts-violation", "paragraph/26.8/figure/1"),
    ]


# -- a disclosure published as two files: the 类 read against the tables file's 收支预算总表 ---------------------------


def _summary_rows(text: MappedDocument, tables: MappedDocument) -> set[tuple[str, str]]:
    """(figure under the text's IRI, row) of each ``bkg:subjectRow`` link into the tables file's 收支预算总表, the text
    read against the tables (``pipeline.validate_pair``)."""
    linked, _ = pipeline.validate_pair(pipeline.DocumentTriples(text.iri, text.triples, text.shared),
                                       pipeline.DocumentTriples(tables.iri, tables.triples, tables.shared))
    summary = uris.dataset(tables.iri, "income-expenditure-summary")
    return {(t.subject.value.removeprefix(text.iri + "/"), t.object.value) for t in linked
            if t.predicate.value == uris.vocab() + "subjectRow" and t.object.value.startswith(summary + "/")}


def test_two_files_class_amounts_against_the_other_files_summary_table() -> None:
    """江苏省人大常委会 2019: the text (p.10: 13907.78, 1121.39, 3301.2) is read against 公开表一 of the tables file
    (13,907.78, 1,121.39, 3,301.20: silent); altered — 一般公共服务 stated as 13907.87 (a Violation, 0.09 万元) and
    住房保障 named “住房” (no 类 of that name: a Warning) — it is reported, the four 款-as-类 warnings as before."""
    text, text_findings = pipeline.process(RD_2019_TEXT)
    tables, table_findings = pipeline.process(RD_2019_TABLES)
    assert [f for f in text_findings if f.rule.startswith("R46")] == []  # alone: no table to resolve against
    paired = pair_findings([tables, text], [table_findings, text_findings])[1]
    assert sorted(f.focus.removeprefix(text.iri + "/") for f in paired if f.rule.startswith("R46")) == [
        "paragraph/14.10/figure/1", "paragraph/14.13/figure/1", "paragraph/14.4/figure/1", "paragraph/14.7/figure/1"]
    summary = uris.dataset(tables.iri, "income-expenditure-summary")
    # each 类 amount, and the change its next sentence states of it (“与上年相比增加…”), to the 类's row
    assert _summary_rows(text, tables) == {("paragraph/10.3/figure/1", uris.row(summary, 4)),
                    ("paragraph/10.6/figure/1", uris.row(summary, 4)),
                    ("paragraph/10.8/figure/1", uris.row(summary, 11)),
                    ("paragraph/10.10/figure/1", uris.row(summary, 11)),
                    ("paragraph/10.13/figure/1", uris.row(summary, 21)),
                    ("paragraph/10.14/figure/1", uris.row(summary, 21))}

    edited, edited_findings = process_edited(RD_2019_TEXT, {
        "10.3": ("1．一般公共服务（类）支出13907.78万元，主要用于在职",
                 "1．一般公共服务（类）支出13907.87万元，主要用于在职"),
        "10.13": ("3．住房保障（类）支出3301.2万元，主要用于住房公积金",
                  "3．住房（类）支出3301.2万元，主要用于住房公积金")})
    paired = pair_findings([tables, edited], [table_findings, edited_findings])[1]
    got = sorted((f.rule, f.severity, f.focus.removeprefix(edited.iri + "/"), f.message)
                 for f in paired if f.rule.startswith("R46") and "/paragraph/10." in f.focus)
    assert got == [
        ("R46-subject-amounts", "Violation", "paragraph/10.3/figure/1",
         "text “一般公共服务（类）支出13907.87万元”: 一般公共服务（类） 13907.87 万元 ≠ 收支预算总表 公开表一 "
         "(201, amount) 13,907.78 万元 (both rounded to the coarser precision; diff 0.09 in 万元, rounding envelope "
         "0.01)"),
        ("R46-subject-path", "Warning", "paragraph/10.13/figure/1",
         "text “住房（类）支出3301.2万元”: the path “住房（类）” matches no table row by name: 收支预算总表 公开表一 "
         "has no class (类) named “住房”; listed under the heading “（二）支出预算总计18330.37万元。” (the expenditure "
         "total, every source of funds)"),
    ]


# -- the Shanghai 决算: the 类 of its structure sentence against F5 --------------------------------------------------


def test_final_account_classes_against_f5() -> None:
    """p.21's five 类 → F5 (p.14) 合计 决算数; 卫生健康支出 236.63 against 236.64 (one unit of the last decimal: Info),
    the four others equal."""
    mapped, findings = pipeline.process(FINAL)
    figures = [f"paragraph/{key}/figure/{n}" for key, n in (("21.9", 1), ("21.10", 1), ("21.10", 2), ("21.11", 1),
                                                             ("21.12", 1))]
    f5 = "一般公共预算财政拨款支出决算表"
    assert [(f, code, value, cell, row) for f, _label, value, _t, row, code, cell in _compared(mapped, figures)] == [
        ("paragraph/21.10/figure/1", "210", D("236.63"), D("236.64"), 10),
        ("paragraph/21.10/figure/2", "212", D("3832.36"), D("3832.36"), 14),
        ("paragraph/21.11/figure/1", "220", D("4461.67"), D("4461.67"), 19),
        ("paragraph/21.12/figure/1", "221", D("461.08"), D("461.08"), 23),
        ("paragraph/21.9/figure/1", "208", D("754.75"), D("754.75"), 3),
    ]
    # each row's 合计 (the 决算数 compared; 基本 / 项目 columns are not)
    assert sorted((f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message) for f in findings
                  if f.rule == "R46-subject-amounts") == [
        ("Info", "paragraph/21.10/figure/1",
         f"text “卫生健康支出（类）236.63 万元”: 卫生健康支出（类） 236.63 万元 ≠ {f5} (210, total) 236.64 万元 "
         "(both rounded to the coarser precision; diff -0.01 in 万元, rounding envelope 0.01)"),
    ]


# -- a 类 printed without its （类） mark, and a 项 under a bare 类 heading -------------------------------------------

RD_2017 = RD / "江苏省人大办公厅2017年度预算公开.pdf"
WB = CORPUS / "jiangsu" / "江苏省委办公厅"
WB_2017_TEXT = WB / "江苏省委办公厅2017年部门预算.pdf"
WB_2017_TABLES = WB / "江苏省委办公厅2017年预算公开表格.pdf"
SUMMARY_RD_2017 = "收支预算总表"
B5_RD_2017 = "一般公共预算支出预算表"
TOTAL_RD_2017 = "（二）支出预算总计13649.07万元。"


def test_unmarked_class_amounts_are_read_where_their_marked_form_would_be() -> None:
    """省人大 2017 p.24–26 as printed (one line a paragraph): the 类 of the “（二）支出预算总计…包括：” list printed
    without their （类） mark (the heading recorded: the 收支预算总表's), the bare line “一般公共服务” giving its 类
    to the 项 item below it, and the 类 items under it (no heading used: the 类 is printed); a change written after
    its item's amount, as the next sentence (tests/test_next_sentence_changes.py) or in the same one, is that
    item's change, not a 类 amount. Not read: a 款 name, the generic “其他”, a 类 name with another word (“住房保障支出
    与上年相比增加…”, “住房保障支出安排…”), a 类 amount under no list."""
    doc = _text(
        "（二）支出预算总计 13649.07 万元。包括：1．一般公共服务支出 10528.33 万元，主要用于在职人员工资福利支出。",
        "2．社会保障和就业支出 1608.51 万元，主要用于离退休人员工资发放。与上年相比增加 193.25 万元，增长 13.65%。",
        "3．住房保障支出增加 668.79 万元。",
        "4．其他 12.00 万元。",
        "五、财政拨款支出预算表情况说明",
        "其中：",
        "一般公共服务",
        "1. 人大事务行政运行（项）支出 10528.33 万元，与上年相比减少 17.89 万元，减少 0.17%。",
        "2. 社会保障和就业支出 1608.51 万元，与上年相比增加 193.25 万元，增长 13.65%。",
        "3. 住房保障支出与上年相比增加 668.79 万元。",
        "4. 人大事务 428.36 万元。",
        "5. 住房保障支出安排 1512.23 万元。",
        "六、财政拨款基本支出预算表情况说明",
        "2．社会保障和就业支出 1,836.22 万元。",
    )
    total = (TOTAL_RD_2017,)
    assert [(s.paragraph, s.kind, s.amount, s.label, s.headings, s.span) for s in extract(doc)
            if s.indicator == "classification-subject"] == [
        ("1", "amount", D("10528.33"), "一般公共服务支出（类）", total, "一般公共服务支出 10528.33 万元"),
        ("2", "amount", D("1608.51"), "社会保障和就业支出（类）", total, "社会保障和就业支出 1608.51 万元"),
        ("2", "change", D("193.25"), "社会保障和就业支出（类）", total, "与上年相比增加 193.25 万元"),
        ("8", "amount", D("10528.33"), "一般公共服务（类）人大事务行政运行（项）支出", ("一般公共服务",),
         "人大事务行政运行（项）支出 10528.33 万元"),
        ("8", "change", D("17.89"), "一般公共服务（类）人大事务行政运行（项）支出", ("一般公共服务",),
         "与上年相比减少 17.89 万元"),
        ("9", "amount", D("1608.51"), "社会保障和就业支出（类）", (), "社会保障和就业支出 1608.51 万元"),
        ("9", "change", D("193.25"), "社会保障和就业支出（类）", (), "与上年相比增加 193.25 万元"),
    ]


@pytest.fixture(scope="module")
def npc_2017() -> tuple[MappedDocument, list[Finding]]:
    return pipeline.process(RD_2017)


#: 省人大 2017's unmarked 类 amounts (p.24, p.26) and its 项 under the bare heading “一般公共服务” (p.26)
NPC_2017_FIGURES = [f"paragraph/{key}/figure/1" for key in ("23.14", "24.3", "24.6", "26.5", "26.7", "26.10")]


def test_unmarked_classes_resolve_to_their_rows(npc_2017: tuple[MappedDocument, list[Finding]]) -> None:
    """p.24's list → 收支预算总表 (p.7) rows 4, 11 (printed “八、社会保障和就” | “业支出”: the cell wraps the name),
    22; p.26's 类 → 一般公共预算支出预算表 (p.16) 208, 221; “人大事务行政运行（项）” under “一般公共服务” → 20101
    人大事务 / 2010101 行政运行, whose 4,545.94 (p.11 and p.16 both print it) is not the text's 10528.33 (the 款's
    and the 类's total, p.16 rows 3–4): the one new finding, a real one. The other five agree: no finding."""
    mapped, findings = npc_2017
    assert _compared(mapped, NPC_2017_FIGURES) == [
        ("paragraph/23.14/figure/1", "一般公共服务支出（类）", D("10528.33"), SUMMARY_RD_2017, 4, "201", D("10528.33")),
        ("paragraph/24.3/figure/1", "社会保障和就业支出（类）", D("1608.51"), SUMMARY_RD_2017, 11, "208", D("1608.51")),
        ("paragraph/24.6/figure/1", "住房保障支出（类）", D("1512.23"), SUMMARY_RD_2017, 22, "221", D("1512.23")),
        ("paragraph/26.10/figure/1", "住房保障支出（类）", D("1512.23"), B5_RD_2017, 17, "221", D("1512.23")),
        ("paragraph/26.5/figure/1", "一般公共服务（类）人大事务行政运行（项）支出", D("10528.33"), B5_RD_2017, 5,
         "2010101", D("4545.94")),
        ("paragraph/26.7/figure/1", "社会保障和就业支出（类）", D("1608.51"), B5_RD_2017, 14, "208", D("1608.51")),
    ]
    notes = {(t.subject.value.removeprefix(mapped.iri + "/"), t.object.value) for t in mapped.triples
             if t.predicate.value == uris.vocab() + "subjectMatch" and t.object.language == "zh"}
    assert ("paragraph/24.3/figure/1",
            "按名称逐级匹配：类“社会保障和就业支出”→208（表中类名折行，印为“社会保障和就”）（收支预算总表第11行）；"
            f"列于标题“{TOTAL_RD_2017}”之下（支出预算总计，含各项资金来源）") in notes
    assert ("paragraph/26.5/figure/1",
            "按名称逐级匹配：类“一般公共服务支出”→201，款“人大事务”→20101，项“行政运行”→2010101"
            "（文中“人大事务行政运行（项）”为款名“人大事务”与项名“行政运行”连写）（文中类名省略“支出”）"
            f"（{B5_RD_2017}第5行）；类取自标题“一般公共服务”（该行为类名，未标“（类）”）") in notes
    assert sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message, f.values.get("value"),
                   f.values.get("tableValue")) for f in findings if f.rule.startswith("R46")) == [
        ("R46-subject-amounts", "Violation", "paragraph/26.5/figure/1",
         "text “人大事务行政运行（项）支出 10528.33 万元”: "
         "一般公共服务（类）人大事务行政运行（项）支出 10528.33 万元 ≠ "
         f"{B5_RD_2017} (2010101, amount) 4,545.94 万元 (both rounded to the coarser precision; diff 5982.39 in 万元, "
         "rounding envelope 0.01)", D("10528.33"), D("4545.94")),
    ]


def test_unmarked_classes_altered() -> None:
    """省人大 2017 altered: p.24's 住房保障 stated 1521.23 (a Violation against the 收支预算总表's 1,512.23: 9
    万元), p.26's 社会保障和就业 1608.15 (against B5's 1,608.51: −0.36), p.26's 住房保障 named 教育支出 (a national
    类 B5 does not print: a Warning), p.24's 社会保障和就业 named 社会保障 (no 类 of the national list: not read,
    nothing said), and the 项 stated as its row's 4545.94 (the printed file's Violation gone)."""
    mapped, findings = process_edited(RD_2017, {
        "24.6": ("3．住房保障支出 1512.23 万元，主要用于住房公积金和",
                 "3．住房保障支出 1521.23 万元，主要用于住房公积金和"),
        "26.7": ("2. 社会保障和就业支出 1608.51 万元，与上年相比增加",
                 "2. 社会保障和就业支出 1608.15 万元，与上年相比增加"),
        "26.10": ("3. 住房保障支出 1512.23 万元，与上年相比增加 668.79",
                  "3. 教育支出 1512.23 万元，与上年相比增加 668.79"),
        "24.3": ("2．社会保障和就业支出 1608.51 万元，主要用于离退休", "2．社会保障支出 1608.51 万元，主要用于离退休"),
        "26.5": ("1. 人大事务行政运行（项）支出 10528.33 万元，与上",
                 "1. 人大事务行政运行（项）支出 4545.94 万元，与上"),
    })
    assert sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message) for f in findings
                  if f.rule.startswith("R46")) == [
        ("R46-subject-amounts", "Violation", "paragraph/24.6/figure/1",
         "text “住房保障支出 1521.23 万元”: 住房保障支出（类） 1521.23 万元 ≠ 收支预算总表 (221, amount) 1,512.23 万元 "
         "(both rounded to the coarser precision; diff 9 in 万元, rounding envelope 0.01)"),
        ("R46-subject-amounts", "Violation", "paragraph/26.7/figure/1",
         f"text “社会保障和就业支出 1608.15 万元”: 社会保障和就业支出（类） 1608.15 万元 ≠ {B5_RD_2017} (208, amount) "
         "1,608.51 万元 (both rounded to the coarser precision; diff -0.36 in 万元, rounding envelope 0.01)"),
        ("R46-subject-path", "Warning", "paragraph/26.10/figure/1",
         "text “教育支出 1512.23 万元”: the path “教育支出（类）” matches no table row by name: "
         f"{B5_RD_2017} has no class (类) named “教育支出”"),
    ]
    labels = {t.object.value for t in mapped.triples if t.predicate.value == uris.vocab() + "itemLabel"
              and "/paragraph/24.3/" in t.subject.value}
    assert labels == set()


def test_a_class_in_both_lists_is_two_figures() -> None:
    """省人大 2017 states 社会保障和就业支出 in the expenditure total's list (p.24, every source of funds: the
    收支预算总表's row) and under its B5 heading (p.26, 一般公共预算 only): one label, two rows. Altered to 1618.51 in
    the first, it is R46's Violation against its row, and not an R52 disagreement with the second (a department
    with other funds prints the two differently by right)."""
    mapped, findings = process_edited(RD_2017, {
        "24.3": ("2．社会保障和就业支出 1608.51 万元，主要用于离退休",
                 "2．社会保障和就业支出 1618.51 万元，主要用于离退休")})
    assert sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/")) for f in findings
                  if f.rule.startswith(("R46-subject-amounts", "R52"))) == [
        ("R46-subject-amounts", "Violation", "paragraph/24.3/figure/1"),
        ("R46-subject-amounts", "Violation", "paragraph/26.5/figure/1"),  # the printed file's 项 (10528.33)
    ]


def test_two_files_unmarked_classes_against_the_tables_file() -> None:
    """委办 2017 (text and 公开表格 in two files): p.6 items 2–3, “2．社会保障和就业支出 2000.39 万元” and
    “3．住房保障支出 1856.69 万元”, read against the tables file's 收支预算总表 (rows 11, 21: 2,000.39, 1,856.69) —
    silent; the marked item 1 (一般公共服务（类） 16992.37, row 4) as before."""
    text, text_findings = pipeline.process(WB_2017_TEXT)
    tables, table_findings = pipeline.process(WB_2017_TABLES)
    summary = uris.dataset(tables.iri, "income-expenditure-summary")
    # each 类 amount, and the change its next sentence states of it (“与上年相比增加…”), to the 类's row
    assert _summary_rows(text, tables) == {("paragraph/6.11/figure/1", uris.row(summary, 4)),
                    ("paragraph/6.14/figure/1", uris.row(summary, 4)),
                    ("paragraph/6.16/figure/1", uris.row(summary, 11)),
                    ("paragraph/6.17/figure/1", uris.row(summary, 11)),
                    ("paragraph/6.19/figure/1", uris.row(summary, 21)),
                    ("paragraph/6.21/figure/1", uris.row(summary, 21))}
    paired = pair_findings([tables, text], [table_findings, text_findings])[1]
    assert [f for f in paired if f.rule.startswith("R46")] == []
