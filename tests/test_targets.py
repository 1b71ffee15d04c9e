"""Performance targets (绩效目标表) as structured triples: the parser, the exact triples of known rows
of the sample (read off its printed 绩效目标表), the category code list, and the structure shape."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from urllib.parse import quote

import pdfplumber
import pytest

from budgetkg import uris
from budgetkg.identity import identify
from budgetkg.map import map_document
from budgetkg.pipeline import DocumentReport, build
from budgetkg.read import read_document
from budgetkg.recognise import recognise
from budgetkg.store import Store
from budgetkg.targets import Target, indicator_concept, parse_target
from budgetkg.validate import validate_graph
from tests.conftest import CORPUS

D = Decimal


@pytest.mark.parametrize(("text", "expected"), [
    ("≥95%", Target("ge", "≥", D("95"), "%")),
    ("1辆", Target("eq", "", D("1"), "辆")),
    ("100%", Target("eq", "", D("100"), "%")),
    ("≥100%", Target("ge", "≥", D("100"), "%")),
    ("不低于90%", Target("ge", "不低于", D("90"), "%")),
    ("≤ 3天", Target("le", "≤", D("3"), "天")),
    ("达到98.5%", Target("ge", "达到", D("98.5"), "%")),
    ("＜5次", Target("lt", "＜", D("5"), "次")),
    ("200人", Target("eq", "", D("200"), "人")),
    # the Shanghai 填报表 prints the unit in brackets after the number: the unit is the bracketed text
    ("≥13459.00(平方米)", Target("ge", "≥", D("13459.00"), "平方米")),
    ("=100.00(%)", Target("eq", "=", D("100.00"), "%")),
    (">6.00(次)", Target("gt", ">", D("6.00"), "次")),
    ("90.00(度)", Target("eq", "", D("90.00"), "度")),
    ("=5.00(万人次)", Target("eq", "=", D("5.00"), "万人次")),
    ("≥80.00（%）", Target("ge", "≥", D("80.00"), "%")),
    ("可控性100%", None),
    ("满意率100%", None),
    ("=100.00(%", None),
    ("是/否", None),
    ("按要求支出", None),
    ("2022年12月底前", None),
])
def test_parse_target(text: str, expected: Target | None) -> None:
    assert parse_target(text) == expected


def _table(document: str, project: str) -> str:
    return uris.dataset(document, "performance-targets", project)


def _target_rows(store: Store, document: str, project: str) -> list[tuple[object, ...]]:
    bkg = uris.vocab()
    q = f"""PREFIX bkg: <{bkg}>
      PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      PREFIX csvw: <http://www.w3.org/ns/csvw#>
      SELECT ?rownum ?l1 ?l2 ?name ?text ?cmp ?value ?unit WHERE {{
        GRAPH <{document}> {{
          ?t a bkg:PerformanceTarget ; bkg:projectName "{project}"@zh ; bkg:sourceRow ?row ;
             bkg:firstLevelIndicator ?c1 ; bkg:secondLevelIndicator ?c2 ; bkg:indicatorName ?name ;
             bkg:targetText ?text .
          ?row csvw:rownum ?rownum .
          OPTIONAL {{ ?t bkg:targetComparator ?comparator }}
          OPTIONAL {{ ?t bkg:targetValue ?value }}
          OPTIONAL {{ ?t bkg:targetUnit ?unit }} }}
        GRAPH <{uris.shared_graph()}> {{ ?c1 skos:prefLabel ?l1 . ?c2 skos:prefLabel ?l2 . }}
        BIND (STRAFTER(STR(?comparator), "/target-comparator/") AS ?cmp)
      }} ORDER BY ?rownum"""
    return [tuple(s[v].value if s[v] is not None else None for v in
                  ("rownum", "l1", "l2", "name", "text", "cmp", "value", "unit")) for s in store.ox.query(q)]


def test_targets_of_a_project_read_off_the_printed_table(sample_store: Store, sample_document: str) -> None:
    # 6、涉军公益岗及续聘经费绩效目标表: nine rows under the header; 一级 printed once per group
    assert _target_rows(sample_store, sample_document, "涉军公益岗及续聘经费") == [
        ("2", "产出指标", "数量指标", "支付工资及保险人员数量", "2人", "eq", "2", "人"),
        ("3", "产出指标", "质量指标", "工资及保险发放准确率", "2人", "eq", "2", "人"),
        ("4", "产出指标", "时效指标", "资金支付及时率", "≥100%", "ge", "100", "%"),
        ("5", "产出指标", "成本指标", "控制在预算资金内", "是/否", None, None, None),
        ("6", "效益指标", "经济效益指标", "资金使用效益", "按要求支出", None, None, None),
        ("7", "效益指标", "社会效益指标", "业务工作稳定性", "进一步推动", None, None, None),
        ("8", "效益指标", "生态效益指标", "保障社会发展", "进一步保障", None, None, None),
        ("9", "效益指标", "可持续影响指标", "保障工作完成", "进一步保障", None, None, None),
        ("10", "满意度指标", "服务对象满意度指标", "职工满意度", "≥95%", "ge", "95", "%"),
    ]


def test_exact_triples_of_one_target(sample_store: Store, sample_document: str) -> None:
    # 1、车辆保险费绩效目标表, first body row:
    # 产出指标 | 数量指标 | 支付公务用车车辆 | 支付公务用车车辆 | 1辆 | 工作需要
    row = f"{_table(sample_document, '车辆保险费')}/row/2"
    bkg = uris.vocab()
    got = sorted((s["p"].value, s["o"].value) for s in sample_store.ox.query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{sample_document}> {{ <{row}/target> ?p ?o }} }}"))
    assert got == sorted([
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", bkg + "PerformanceTarget"),
        (bkg + "sourceRow", row),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", row),
        ("http://purl.org/dc/terms/isPartOf", _table(sample_document, "车辆保险费")),
        (bkg + "projectName", "车辆保险费"),
        (bkg + "firstLevelIndicator", uris.base_iri() + "code/performance-indicator/" + quote("产出指标")),
        (bkg + "secondLevelIndicator",
         uris.base_iri() + "code/performance-indicator/" + quote("产出指标") + "/" + quote("数量指标")),
        (bkg + "indicatorName", "支付公务用车车辆"),
        (bkg + "indicatorDescription", "支付公务用车车辆"),
        (bkg + "targetBasis", "工作需要"),
        (bkg + "targetText", "1辆"),
        (bkg + "targetCell", f"{row}/cell/5"),
        (bkg + "targetComparator", uris.concept("target-comparator", "eq")),
        (bkg + "targetValue", "1"),
        (bkg + "targetUnit", "辆"),
    ])
    # the 指标值 cell the target was read from is the printed text cell
    [cell] = list(sample_store.ox.query(
        f"SELECT ?t WHERE {{ GRAPH <{sample_document}> {{ <{row}/cell/5> <{bkg}printedText> ?t }} }}"))
    assert cell["t"].value == "1辆"


def test_every_target_row_of_the_sample(sample_store: Store, sample_document: str) -> None:
    bkg = uris.vocab()
    q = f"""PREFIX bkg: <{bkg}>
      SELECT (COUNT(?t) AS ?n) (COUNT(?v) AS ?numeric) (COUNT(DISTINCT ?p) AS ?projects) WHERE {{
        GRAPH <{sample_document}> {{ ?t a bkg:PerformanceTarget ; bkg:projectName ?p .
          OPTIONAL {{ ?t bkg:targetValue ?v }} }} }}"""
    [row] = list(sample_store.ox.query(q))
    # 8 tables × 9 target rows; 4 numeric targets per table (数量, 质量, 时效, 满意度)
    assert (row["n"].value, row["numeric"].value, row["projects"].value) == ("72", "32", "8")


def test_category_code_list(sample_store: Store) -> None:
    q = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?label ?broaderLabel WHERE {{ GRAPH <{uris.shared_graph()}> {{
        ?c skos:inScheme <{uris.scheme('performance-indicator')}> ; skos:prefLabel ?label .
        OPTIONAL {{ ?c skos:broader ?b . ?b skos:prefLabel ?broaderLabel }} }} }} ORDER BY ?broaderLabel ?label"""
    got = sorted((s["label"].value, s["broaderLabel"].value if s["broaderLabel"] else None)
                 for s in sample_store.ox.query(q))
    assert got == sorted([
        ("产出指标", None), ("效益指标", None), ("满意度指标", None),
        ("数量指标", "产出指标"), ("质量指标", "产出指标"), ("时效指标", "产出指标"), ("成本指标", "产出指标"),
        ("经济效益指标", "效益指标"), ("社会效益指标", "效益指标"), ("生态效益指标", "效益指标"),
        ("可持续影响指标", "效益指标"), ("服务对象满意度指标", "满意度指标"),
    ])
    assert indicator_concept("产出指标", "数量指标").endswith("/code/performance-indicator/"
                                                        + quote("产出指标") + "/" + quote("数量指标"))


def test_structure_shape_reports_a_broken_target(sample_store: Store, sample_document: str) -> None:
    """The sample's targets conform; a value without comparator and a second unit are reported."""
    assert not [f for f in validate_graph(sample_store, sample_document) if f.rule.startswith("S09")]
    scratch = Store()
    scratch.ox.bulk_extend(sample_store.ox.quads_for_pattern(None, None, None, None))
    target = f"{_table(sample_document, '车辆保险费')}/row/3/target"
    bkg = uris.vocab()
    scratch.ox.update(
        f"DELETE WHERE {{ GRAPH <{sample_document}> {{ <{target}> <{bkg}targetComparator> ?c }} }} ;"
        f' INSERT DATA {{ GRAPH <{sample_document}> {{ <{target}> <{bkg}targetUnit> "％" }} }}')
    found = sorted((f.rule, f.severity, f.focus, f.path or "") for f in validate_graph(scratch, sample_document)
                   if f.rule.startswith("S09"))
    assert found == [
        ("S09-performance-target", "Violation", target, ""),
        ("S09-performance-target", "Violation", target, bkg + "targetUnit"),
    ]


# -- the Shanghai 财政项目支出绩效目标填报表 (form layout, headings printed inside the form) ---------------

WANLI_2023 = CORPUS / "shanghai" / "2023_上海市普陀区万里街道办事处_部门预算.pdf"
needs_wanli = pytest.mark.skipif(not WANLI_2023.exists(), reason=f"corpus file not found: {WANLI_2023}")


@pytest.fixture(scope="module")
def wanli(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, DocumentReport]:
    """The 2023 万里 budget alone in a real store (about 5 s: the corpus fixture is not needed)."""
    store = Store(tmp_path_factory.mktemp("wanli") / "store")
    [report] = build(store, [WANLI_2023])
    assert report.error is None
    return store, report


def _page_lines(page: int) -> list[str]:
    with pdfplumber.open(WANLI_2023) as pdf:
        return (pdf.pages[page - 1].extract_text() or "").splitlines()


@needs_wanli
def test_form_targets_per_project(wanli: tuple[Store, DocumentReport]) -> None:
    # pp.31–35: one form per project; target rows under 一级指标 | 二级指标 | 三级指标 | 年度(/项目)指标值,
    # counted on the pages: 5, 4, 4, 43 (p.34: 15 数量, 8 质量, 14 社会效益, 6 满意度) and 9
    store, report = wanli
    q = f"""PREFIX bkg: <{uris.vocab()}>
      SELECT ?p (COUNT(?t) AS ?n) (COUNT(?v) AS ?numeric) WHERE {{ GRAPH <{report.iri}> {{
        ?t a bkg:PerformanceTarget ; bkg:projectName ?p . OPTIONAL {{ ?t bkg:targetValue ?v }} }} }} GROUP BY ?p"""
    got = {s["p"].value: (int(s["n"].value), int(s["numeric"].value)) for s in store.ox.query(q)}
    assert got == {
        "新建万里街道社区公共服务中心": (5, 1),  # ≥13459.00(平方米); 及时率, 合规 … are words
        "就业援助基地补贴": (4, 3),
        "社区环境整治和建设经费": (4, 3),  # ≥12.00(次), 不低于50% twice
        "各类工作经费": (43, 13),
        "公共服务设施运行经费": (9, 3),  # =300.00(场), 90%, ≥95.00(%)
    }
    assert sum(n for n, _ in got.values()) == 65
    # every target row is read: none reported unread, and the structure shape holds for all 65
    assert not [i for i in report.issues if i.code in ("unread-target-row", "no-heading-row")]
    assert not [f for f in validate_graph(store, report.iri or "") if f.rule.startswith("S09")]


@needs_wanli
def test_form_targets_read_off_the_page(wanli: tuple[Store, DocumentReport]) -> None:
    store, report = wanli
    iri = report.iri or ""
    # p.32 就业援助基地补贴: 9 form rows (项目名称 … 年度总体目标) and the heading row above the targets
    rows = _target_rows(store, iri, "就业援助基地补贴")
    assert rows == [
        ("11", "产出指标", "数量指标", "补贴对象申请审核完成率", "=100.00(%)", "eq", "100", "%"),
        ("12", "产出指标", "质量指标", "补贴对象审核达标率", "=100.00(%)", "eq", "100", "%"),
        ("13", "效益指标", "社会效益指标", "补贴对象生活改善度", "补贴对象生活改善度不低于80%", None, None, None),
        ("14", "满意度指标", "服务对象满意度指标", "补贴对象满意度", "≥80.00(%)", "ge", "80", "%"),
    ]
    lines = _page_lines(32)
    for _, _, _, name, text, *_ in rows:
        assert any(f"{name} {text}" in line for line in lines), (name, text)
    # p.34 各类工作经费: 一级 and 二级 printed once per merged group, carried down to the rows they span
    by_name = {r[3]: r for r in _target_rows(store, iri, "各类工作经费")}
    assert by_name["基干民兵整组工作"][1:] == (
        "产出指标", "数量指标", "基干民兵整组工作", "≥100.00(人数)", "ge", "100", "人数")
    assert by_name["中心全年活动人次"][1:] == (
        "产出指标", "质量指标", "中心全年活动人次", "=5.00(万人次)", "eq", "5", "万人次")
    assert by_name["特殊人员及群体满意"][1:] == (
        "满意度指标", "服务对象满意度指标", "特殊人员及群体满意", "90.00(度)", "eq", "90", "度")
    lines = _page_lines(34)
    for name in ("基干民兵整组工作", "中心全年活动人次", "特殊人员及群体满意"):
        assert any(f"{name} {by_name[name][4]}" in line for line in lines), name


@needs_wanli
def test_exact_triples_of_one_form_target(wanli: tuple[Store, DocumentReport]) -> None:
    # p.31 新建万里街道社区公共服务中心, first target row (row 11; 三级 merged over columns 4–6):
    # 绩效指标 | 产出指标 | 数量指标 | 规划建筑面积 | | | ≥13459.00(平方米) |
    store, report = wanli
    iri = report.iri or ""
    assert any("规划建筑面积 ≥13459.00(平方米)" in line for line in _page_lines(31))
    table = _table(iri, "新建万里街道社区公共服务中心")
    row = f"{table}/row/11"
    bkg = uris.vocab()
    got = sorted((s["p"].value, s["o"].value, s["o"].datatype.value if hasattr(s["o"], "datatype") else "")
                 for s in store.ox.query(f"SELECT ?p ?o WHERE {{ GRAPH <{iri}> {{ <{row}/target> ?p ?o }} }}"))
    xsd, string, zh = "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2001/XMLSchema#string", \
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
    indicator = uris.base_iri() + "code/performance-indicator/" + quote("产出指标")
    assert got == sorted([
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", bkg + "PerformanceTarget", ""),
        (bkg + "sourceRow", row, ""),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", row, ""),
        ("http://purl.org/dc/terms/isPartOf", table, ""),
        (bkg + "projectName", "新建万里街道社区公共服务中心", zh),
        (bkg + "firstLevelIndicator", indicator, ""),
        (bkg + "secondLevelIndicator", indicator + "/" + quote("数量指标"), ""),
        (bkg + "indicatorName", "规划建筑面积", zh),
        (bkg + "targetText", "≥13459.00(平方米)", string),
        (bkg + "targetCell", f"{row}/cell/7", ""),
        (bkg + "targetComparator", uris.concept("target-comparator", "ge"), ""),
        (bkg + "comparatorText", "≥", string),
        (bkg + "targetValue", "13459", xsd + "decimal"),
        (bkg + "targetUnit", "平方米", string),
    ])
    # the 指标值 cell the target was read from is the printed text cell; the form's heading row is no target
    [cell] = list(store.ox.query(
        f"SELECT ?t WHERE {{ GRAPH <{iri}> {{ <{row}/cell/7> <{bkg}printedText> ?t }} }}"))
    assert cell["t"].value == "≥13459.00(平方米)"
    assert not store.ox.query(f"ASK {{ GRAPH <{iri}> {{ <{table}/row/10/target> ?p ?o }} }}")


@needs_wanli
def test_unreadable_form_row_is_reported() -> None:
    """A target row whose 一级指标 is missing (blanked here in the read p.32 form) stays text and is reported."""
    doc = read_document(WANLI_2023)
    form = next(t for t in doc.tables if any("就业援助基地补贴" in c for r in t.rows for c in r.cells))
    first = form.rows[10]  # 绩效指标 | 产出指标 | 数量指标 | 补贴对象申请审核完成率 | | | =100.00(%) |
    assert first.cells[1] == "产出指标"
    form.rows[10] = replace(first, cells=(first.cells[0], "", *first.cells[2:]))
    tables = [recognise(t, doc.file_name) for t in doc.tables]
    mapped = map_document(doc, tables, identify(tables, [p.text for p in doc.paragraphs], doc.file_name))
    # row 11 and row 12 (质量指标, whose 一级 is the merged 产出指标 cell printed in row 11) have no 一级 now
    unread = [(i.table, i.row, i.message) for i in mapped.issues if i.code == "unread-target-row"]
    assert [(t, r) for t, r, _ in unread] == [(form.title, "line 32"), (form.title, "line 32")]
    assert unread[0][2].startswith("row 11 of the performance-target table is not read as a target")
    assert unread[0][2].endswith(": 绩效指标 | 数量指标 | 补贴对象申请审核完成率 | =100.00(%)")
    assert unread[1][2].endswith(": 质量指标 | 补贴对象审核达标率 | =100.00(%)")
    # the other two rows print their own 一级 (效益指标, 满意度指标): still targets
    names = {str(t.object.value) for t in mapped.triples if t.predicate.value == uris.vocab() + "indicatorName"}
    assert {"补贴对象生活改善度", "补贴对象满意度"} <= names
    assert not {"补贴对象申请审核完成率", "补贴对象审核达标率"} & names
