"""Performance targets (绩效目标表) as structured triples: the parser, the exact triples of known rows
of the sample (read off its printed 绩效目标表), the category code list, and the structure shape."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

import pytest

from budgetkg import uris
from budgetkg.store import Store
from budgetkg.targets import Target, indicator_concept, parse_target
from budgetkg.validate import validate_graph

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
