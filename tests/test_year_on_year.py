"""A change a text states against the year before, checked against the figure the same department published for
that year (rule R50 across documents: ``shapes/year-on-year.ttl``, ``validate.year_on_year``,
``pipeline.refresh_year_on_year``).

On the corpus, seven documents state changes against a year whose disclosure by the same department is in the
corpus too (江苏 人大 2018, 2019; 检察院 2018; 委办 2018, 2019; 政协 2018; 上海 万里街道 2024). Of their 162 changes
with an earlier figure to compare with, 158 agree exactly; the four others are real inconsistencies,
all in 江苏省人民检察院 2018, each checked on the pages:

* paragraph 28.25 “1．因公出国（境）费预算支出 100 万元，与上年预算数相等。”: the 2017 budget states 110 万元
  (paragraphs 22.16 “因公出国（境）费支出 110 万元” and 22.20 “1．因公出国（境）费预算支出 110 万元”);
* paragraph 28.2 “一般公共预算财政拨款支出预算 21,940.96 万元，与上年相比增加 3,958.98 万元”: the 2017
  budget states 17,981.68 万元, so the increase is 3,959.28 万元 — as the same 2018 text says of its 一般公共预算收入
  (“与上年相比增加 3,959.28 万元”);
* paragraphs 25.20 “…年度财政拨款收、支总预算 21,940.96万元。与上年相比，财政拨款收、支总计各增加 3,958.98万元” and
  26.3 “…2018 年财政拨款预算支出 21,940.96 万元，…。与上年相比，财政拨款支出增加 3,958.98 万元”: the same error,
  stated of the 财政拨款支出 twice (2017: paragraph 20.2 “省检察院 2017 年度财政拨款收、支总预算 17981.68万元”, and
  20.7 “省检察院 2017 年财政拨款预算支出 17981.68 万元”).

None is visible within one document: the 2018 text does not restate the 2017 figures.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import PROV, SH

from budgetkg import uris, validate
from budgetkg.app import create_app
from budgetkg.dumps import document_dumps
from budgetkg.pipeline import DocumentReport, build, drop_documents, process, scratch_store
from budgetkg.store import Store
from tests._server import LiveServer
from tests.conftest import CORPUS
from tests.test_cli import BIN, run
from tests.test_validate import _fast_results, _pyshacl_results, _retarget

PROCURATORATE = CORPUS / "jiangsu" / "江苏省人民检察院"
EARLIER = PROCURATORATE / "2017年省检察院部门预算.pdf"
LATER = PROCURATORATE / "2018年省检察院部门预算公开.pdf"
corpus = pytest.mark.skipif(not PROCURATORATE.exists(), reason=f"corpus not found at {CORPUS}")
RULE = "R50-previous-document"
SHAPES = validate.load_shapes([validate.YEAR_ON_YEAR_FILE])


def _short(iri: str) -> str:
    """A statement IRI as its paragraph key and ordinal ("28.25/figure/2")."""
    return iri.rpartition("/paragraph/")[2]


def _rows(findings: list[validate.Finding]) -> list[tuple[object, ...]]:
    return [(f.severity, _short(f.focus), _short(str(f.values["value"])), f.values["currentShown"],
             f.values["previous"], f.values["expected"], f.values["change"], f.values["diff"], f.values["envelope"],
             f.values["unitText"], f.values["previousFile"]) for f in findings if f.rule == RULE]


#: The four findings, with their figures (in 万元): current, previous, current − previous, the stated change,
#: diff, envelope; the figure of the 2017 text each is compared with (sh:value).
EXPECTED = [
    ("Violation", "25.20/figure/1", "20.2/figure/1", Decimal("21940.96"), Decimal("17981.68"), Decimal("3959.28"),
     Decimal("3958.98"), Decimal("0.3"), Decimal("0.015"), "万元", EARLIER.name),
    ("Violation", "26.3/figure/1", "20.2/figure/1", Decimal("21940.96"), Decimal("17981.68"), Decimal("3959.28"),
     Decimal("3958.98"), Decimal("0.3"), Decimal("0.015"), "万元", EARLIER.name),
    ("Violation", "28.2/figure/2", "21.13/figure/1", Decimal("21940.96"), Decimal("17981.68"), Decimal("3959.28"),
     Decimal("3958.98"), Decimal("0.3"), Decimal("0.015"), "万元", EARLIER.name),
    ("Violation", "28.25/figure/2", "22.16/figure/1", Decimal("100"), Decimal("110"), Decimal("-10"), Decimal("0"),
     Decimal("-10"), Decimal("1"), "万元", EARLIER.name),
]


def _file_pairs(store: Store, reports: dict[str, DocumentReport]) -> dict[str, list[str]]:
    name = {r.iri: n for n, r in reports.items()}
    return {name[doc]: [name[e] for e in earlier] for doc, earlier in validate.year_on_year_pairs(store).items()}


@corpus
def test_pairs_on_the_corpus(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """Which documents are compared with which: same department, same phase, the year their changes name."""
    store, reports = corpus_build
    assert _file_pairs(store, reports) == {
        "2024_上海市普陀区万里街道办事处_部门预算.pdf": ["2023_上海市普陀区万里街道办事处_部门预算.pdf"],
        "省人大办公厅2018预算公开.pdf": ["江苏省人大办公厅2017年度预算公开.pdf"],
        "江苏省人大常委会2019年度部门预算公开.pdf": ["省人大办公厅2018预算公开.pdf"],
        "2018年省检察院部门预算公开.pdf": ["2017年省检察院部门预算.pdf"],
        "江苏省委办公厅2018年度部门预算公开文件.pdf": [
            "江苏省委办公厅2017年部门预算.pdf", "江苏省委办公厅2017年预算公开表格.pdf"],
        "江苏省委办公厅2019年度部门预算公开文件.pdf": [
            "江苏省委办公厅2018年度部门预算公开文件.pdf", "江苏省委办公厅2018年度部门预算公开表.pdf"],
        "江苏省政协办公厅2018年度部门预算.pdf": ["江苏省政协办公厅2017年度部门预算.pdf", "2017年度部门预算公开表.pdf"],
    }


@corpus
def test_exact_findings_on_the_corpus(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """Every corpus document's stored year-on-year findings: the four of 检察院 2018, nothing anywhere else; the
    build's report counts them."""
    store, reports = corpus_build
    found = {name: _rows(validate.stored_findings(store, r.iri)) for name, r in reports.items() if r.iri}
    assert {name: rows for name, rows in found.items() if rows} == {LATER.name: EXPECTED}
    assert reports[LATER.name].year_on_year == {"Violation": 4}
    assert reports["江苏省委办公厅2019年度部门预算公开文件.pdf"].year_on_year == {}
    assert reports[EARLIER.name].year_on_year is None


def _independent_comparison(store: Store) -> tuple[dict[str, int], set[str]]:
    """The changes compared (per document) and those no earlier figure agrees with, computed here from the plain
    properties of the statements and cells, without the shapes: a change of an amount, against (1) the earlier
    documents' stated amounts of the same indicator and item — the same classification code where the figure
    resolved to a table row, else the same label (none for a total) — and (2) for a figure resolved to a row, the
    合计 cells of its code in the earlier documents' tables of that row's kind; a code only where both years print it
    under one name."""
    bkg, union = uris.vocab(), {"use_default_graph_as_union": True}
    total = (uris.concept("breakdown", "total"), uris.concept("breakdown", "amount"))

    def rows(query: str) -> list[dict[str, str]]:
        solutions = store.ox.query(query, **union)  # type: ignore[arg-type]
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        return [{n: s[n].value if s[n] is not None else "" for n in names} for s in solutions]  # type: ignore[union-attr,index]

    figures = {r["s"]: r for r in rows(f"""SELECT ?s ?kind ?doc ?ind ?label ?class ?yuan ?signed ?of ?tableKind WHERE {{
        ?s a <{bkg}NarrativeFigure> ; <{bkg}figureKind> ?kind ; <http://purl.org/dc/terms/isPartOf> ?doc ;
           <{bkg}indicator> ?ind ; <{bkg}amountInYuan> ?yuan .
        OPTIONAL {{ ?s <{bkg}itemLabel> ?label }} OPTIONAL {{ ?s <{bkg}subjectClassification> ?class }}
        OPTIONAL {{ ?s <{bkg}signedAmountInYuan> ?signed }} OPTIONAL {{ ?s <{bkg}changeOf> ?of }}
        OPTIONAL {{ ?s <{bkg}subjectRow> ?row . ?row <{bkg}table> ?t . ?t <{bkg}tableKind> ?tableKind }} }}""")}
    cells: dict[tuple[str, str, str, str], set[Decimal]] = defaultdict(set)  # (document, kind, code, phase) -> 合计
    for r in rows(f"""SELECT ?doc ?kind ?class ?phase ?yuan ?bd WHERE {{
            ?cell <http://purl.org/linked-data/cube#dataSet> ?t ; <{bkg}classification> ?class ; <{bkg}breakdown> ?bd ;
                  <{bkg}budgetPhase> ?phase ; <{bkg}amountInYuan> ?yuan .
            ?t <{bkg}tableKind> ?kind ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc }}"""):
        if r["bd"] in total:
            cells[(r["doc"], r["kind"], r["class"], r["phase"])].add(Decimal(r["yuan"]))
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # code -> year -> printed names
    for r in rows(f"""SELECT ?c ?year ?name WHERE {{ ?c <{bkg}printedName> ?n .
            ?n <{bkg}printedInYear> ?year ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?name }}"""):
        names[r["c"]][r["year"]].add(r["name"])
    documents = {r["doc"]: r for r in rows(f"""SELECT ?doc ?year ?phase WHERE {{ ?doc a <{bkg}SourceDocument> ;
            <http://purl.org/dc/terms/isPartOf> ?d . ?d <{bkg}fiscalYear> ?year ; <{bkg}budgetPhase> ?phase }}""")}
    stated: dict[tuple[str, str, str], set[Decimal]] = defaultdict(set)  # (document, indicator, item) -> amounts
    for f in figures.values():
        if f["kind"].endswith("/amount"):
            stated[(f["doc"], f["ind"], f["class"] or f["label"])].add(Decimal(f["yuan"]))
    pairs = validate.year_on_year_pairs(store)
    compared: dict[str, int] = defaultdict(int)
    disagreeing = set()
    for iri, f in figures.items():
        if not f["kind"].endswith("/change") or f["doc"] not in pairs or not f["of"].startswith("http"):
            continue
        cur = figures[f["of"]]
        if not cur["kind"].endswith("/amount"):
            continue
        code, earlier = cur["class"], pairs[f["doc"]]
        if code and not names[code][documents[f["doc"]]["year"]] & names[code][documents[earlier[0]]["year"]]:
            continue  # the code was renamed (and may mean something else)
        values = {v for doc in earlier for v in stated[(doc, cur["ind"], code or cur["label"])]}
        if code and cur["tableKind"]:
            values |= {v for doc in earlier for v in cells[(doc, cur["tableKind"], code, documents[doc]["phase"])]}
        if values:
            compared[f["doc"]] += 1
            if not any(Decimal(cur["yuan"]) - v == Decimal(f["signed"]) for v in values):
                disagreeing.add(iri)
    return dict(compared), disagreeing


@corpus
def test_every_other_compared_change_agrees(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """162 changes have an earlier figure to be compared with (134 before the Jiangsu income sources and
    单位预留机动经费 were read; 143 before 省委办公厅 2017's "本部门无政府性基金预算" was read as its 0, the base
    of 2018's "…政府性基金支出预算支出0万元，与上年数一致"; 144 before each Jiangsu budget's "收、支预算总计各增加 Y
    万元" was read as the change of its 支出预算总计: six later years, each equal to the difference of the two
    documents' totals, 15897.44 − 13649.07 = 2248.37 for 省人大 2018; 150 before each Jiangsu budget's "与上年相比，
    财政拨款支出增加 Y 万元" was read as the change of the sentence before's 财政拨款预算支出: six later years; 156
    before their "财政拨款收、支总预算 X 万元。与上年相比，财政拨款收、支总计各增加 Y 万元" was read); 158 agree exactly
    with one (silent), the four that agree with none are exactly the findings."""
    store, reports = corpus_build
    compared, disagreeing = _independent_comparison(store)
    name = {r.iri: n for n, r in reports.items()}
    assert {name[doc]: n for doc, n in compared.items()} == {
        "2024_上海市普陀区万里街道办事处_部门预算.pdf": 11, "省人大办公厅2018预算公开.pdf": 25,
        "江苏省人大常委会2019年度部门预算公开.pdf": 29, "2018年省检察院部门预算公开.pdf": 20,
        "江苏省委办公厅2018年度部门预算公开文件.pdf": 24, "江苏省委办公厅2019年度部门预算公开文件.pdf": 26,
        "江苏省政协办公厅2018年度部门预算.pdf": 27,
    }
    found = validate.year_on_year(store)
    assert {f.focus for findings in found.values() for f in findings} == disagreeing
    assert sorted(_short(f) for f in disagreeing) == [
        "25.20/figure/1", "26.3/figure/1", "28.2/figure/2", "28.25/figure/2"]


@pytest.fixture(scope="module")
def later_first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, str, str]:
    """The 2018 document loaded before the 2017 one, in two builds: (store, 2018 IRI, 2017 IRI)."""
    store = Store(tmp_path_factory.mktemp("yoy") / "store")
    [later] = build(store, [LATER])
    assert later.year_on_year is None  # nothing to compare with yet
    assert uris.year_on_year_graph(later.iri or "") not in store.graph_names()
    [earlier] = build(store, [EARLIER])
    assert earlier.year_on_year is None and earlier.iri and later.iri
    return store, later.iri, earlier.iri


@corpus
def test_loading_the_earlier_year_second_reports_on_the_later(later_first: tuple[Store, str, str]) -> None:
    store, later, earlier = later_first
    assert _rows(validate.stored_findings(store, later)) == EXPECTED
    # the report: its own graph, derived from both documents, each result's sh:value the 2017 figure
    graph = rdflib.Graph()
    for q in store.quads(uris.year_on_year_graph(later)):
        graph.add((rdflib.URIRef(q.subject.value), rdflib.URIRef(q.predicate.value),
                   rdflib.URIRef(q.object.value) if q.object.__class__.__name__ == "NamedNode"
                   else rdflib.Literal(q.object.value)))
    report = rdflib.URIRef(uris.year_on_year_graph(later))
    assert set(graph.objects(report, PROV.wasDerivedFrom)) == {rdflib.URIRef(later), rdflib.URIRef(earlier)}
    values = {str(graph.value(r, SH.value)) for r in graph.objects(report, SH.result)}
    assert {_short(v) for v in values} == {"20.2/figure/1", "21.13/figure/1", "22.16/figure/1"}
    assert all(v.startswith(earlier + "/paragraph/") for v in values)
    # the 2017 document's own report is untouched: its changes are against 2016, not loaded
    assert not [f for f in validate.stored_findings(store, earlier) if f.rule == RULE]


@corpus
def test_the_document_page_shows_the_year_on_year_report(later_first: tuple[Store, str, str]) -> None:
    store, later, _earlier = later_first
    path = "/" + later.removeprefix(uris.base_iri())
    with LiveServer(create_app(store)) as url, httpx.Client(base_url=url, timeout=30) as client:
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert f'<a href="{path}/validation/year-on-year">' in page.text
        assert "与上年公开数核对" in page.text and "— 4 finding(s).</p>" in page.text
        assert "“与上年预算数相等”：本年 100 − 上年公开数 110 = -10万元 ≠ 所述增减 0万元" in page.text
        turtle = client.get(path + "/validation/year-on-year", headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200
        graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
        assert len(set(graph.subjects(rdflib.RDF.type, SH.ValidationResult))) == 4
        # the document's N-Quads dump carries both its reports
        dump = client.get(document_dumps("/", later)["nq.gz"])
        assert dump.status_code == 200
        quads = ox.Dataset(ox.parse(gzip.decompress(dump.content), format=ox.RdfFormat.N_QUADS))
        assert {q.graph_name.value for q in quads} == {
            later, uris.validation_graph(later), uris.year_on_year_graph(later)}


@corpus
def test_dropping_the_earlier_year_removes_the_report(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    later, earlier = build(store, [LATER, EARLIER])
    assert later.year_on_year == {"Violation": 4} and later.iri and earlier.iri
    drop_documents(store, [earlier.iri])
    assert uris.year_on_year_graph(later.iri) not in store.graph_names()
    assert not [f for f in validate.stored_findings(store, later.iri) if f.rule == RULE]


@corpus
def test_validate_names_both_files(tmp_path: Path) -> None:
    """``budgetkg validate`` on the two files, nothing loaded: the same four findings, in its CSV."""
    assert BIN.exists()
    result = run("validate", "--format", "csv", str(EARLIER), str(LATER), store=tmp_path / "none")
    rows = [line for line in result.stdout.splitlines() if f",{RULE}," in line]
    assert [(r.split(",")[0], r.split(",")[2], _short(r.split(",")[3])) for r in rows] == [
        (LATER.name, "Violation", "25.20/figure/1"), (LATER.name, "Violation", "26.3/figure/1"),
        (LATER.name, "Violation", "28.2/figure/2"),
        (LATER.name, "Violation", "28.25/figure/2")]


@corpus
def test_fast_path_equals_pyshacl() -> None:
    """pyshacl runs the two shapes over the two documents' union graph, on the changes of the 2018 text that have a
    2017 figure to compare with (and two that have none); the fast path's results are the same."""
    (first, _), (second, _) = process(EARLIER), process(LATER)
    store = scratch_store([first, second])
    graphs = [first.iri, second.iri, uris.ontology_graph(), uris.codelists_graph(), uris.shared_graph()]
    foci = [second.iri + "/paragraph/" + key for key in (
        "25.20/figure/1", "26.3/figure/1", "28.2/figure/2", "28.25/figure/2",  # the findings
        "24.25/figure/2", "29.8/figure/1", "29.15/figure/2",  # agreeing: 项目支出 +40, 公务接待费 −40.05, 培训费 一致
        "26.11/figure/1",  # agreeing by its code: 行政运行 (2040401) +2,915.22 on 7,968.14
        "26.15/figure/1",  # a 项 with no 2017 figure of its path (一般行政管理事务)
    )] + [first.iri + "/paragraph/22.20/figure/2"]  # a 2017 change (出国费 相等): 2016 is not loaded
    shapes = _retarget(SHAPES, foci)
    reference = _pyshacl_results(validate._to_rdflib(store, graphs), shapes)
    assert _fast_results(store, shapes, graphs) == reference
    assert sorted((severity, _short(focus)) for _shape, severity, focus, *_ in reference) == [
        ("Violation", "25.20/figure/1"), ("Violation", "26.3/figure/1"), ("Violation", "28.2/figure/2"),
        ("Violation", "28.25/figure/2")]


@corpus
def test_a_code_renamed_between_the_years_is_not_compared() -> None:
    """The 2018 functional classification reused 2040405 (公诉和审判监督 in 2017) for
    公诉、审判、侦查、执行等检察监督支出, which took in 查办和预防职务犯罪, 侦查监督 and 其他检察支出 too
    (480 + 150 + 100 + 1,299 = 2,029: the 2018 text's 1,895 万元, 减少 134 万元). A 2017 text
    stating 公诉和审判监督（项） 150 万元 (its 行政运行 line altered so) resolves to 2040405, like
    the 2018 项; the names differ, so the 2018 change is not set against 150; nor is the 2018
    行政运行 change, which the altered 2017 text no longer states."""
    from tests.conftest import process_edited

    first, _ = process_edited(EARLIER, {"20.14": ("1．检察（款）行政运行（项）支出 7968.14 万元，",
                                                 "1．检察（款）公诉和审判监督（项）支出 150 万元，")})
    second, _ = process(LATER)
    store = scratch_store([first, second])
    bkg = uris.vocab()
    code = uris.concept("functional", "2040405")
    resolved = [s["s"].value for s in store.ox.query(  # type: ignore[union-attr,index]
        f"SELECT ?s WHERE {{ ?s <{bkg}subjectClassification> <{code}> }}", use_default_graph_as_union=True)]
    # the altered 2017 line and its change; the 2018 项 and its change
    assert sorted(_short(s) for s in resolved) == [
        "20.14/figure/1", "20.15/figure/1", "26.17/figure/1", "26.18/figure/1"]
    printed = {(s["year"].value.rpartition("/")[2], s["name"].value) for s in store.ox.query(  # type: ignore[union-attr,index]
        f"""SELECT ?year ?name WHERE {{ <{code}> <{bkg}printedName> ?n . ?n <{bkg}printedInYear> ?year ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?name }}""", use_default_graph_as_union=True)}
    assert printed == {("2017", "公诉和审判监督"), ("2018", "公诉、审判、侦查、执行等检察监督支出")}
    assert [_short(f.focus) for f in validate.year_on_year(store)[second.iri]] == [
        "25.20/figure/1", "26.3/figure/1", "28.2/figure/2", "28.25/figure/2"]


@corpus
def test_a_subject_the_earlier_text_does_not_state_is_compared_with_its_table() -> None:
    """检察院 2018 “一般行政管理事务（项）支出 3,666 万元，与上年相比增加 21.8 万元”: the 2017 text states no
    一般行政管理事务; its 一般公共预算支出预算表 prints 2040402 3,644.20 (3,666 − 21.8). Altered to 3,654.20, that cell
    is the earlier figure: one Violation (diff −10, envelope 0.5 + 0.05 + 0.005: 3,666 is printed without decimals),
    its sh:value the cell, its span the table, code and printed value."""
    from tests.conftest import process_edited

    first, _ = process_edited(EARLIER, {}, cells={("八、一般公共预算支出预算表", 6, 2): ("3,644.20", "3,654.20")})
    second, _ = process(LATER)
    store = scratch_store([first, second])
    found = [f for f in validate.year_on_year(store)[second.iri] if _short(f.focus) not in (
        "25.20/figure/1", "26.3/figure/1", "28.2/figure/2", "28.25/figure/2")]
    assert [(f.severity, _short(f.focus), f.values["value"], f.values["previous"], f.values["expected"],
             f.values["change"], f.values["diff"], f.values["envelope"], f.values["previousSpan"]) for f in found] == [
        ("Violation", "26.15/figure/1",
         first.iri + "/table/general-public-budget-expenditure/obs/functional-2040402/amount",
         Decimal("3654.2"), Decimal("11.8"), Decimal("21.8"), Decimal("-10"), Decimal("0.555"),
         "八、一般公共预算支出预算表 2040402 3,654.20")]
    # pyshacl gives the same on it (a table cell as sh:value) and on a 2018 change compared by code
    graphs = [first.iri, second.iri, uris.ontology_graph(), uris.codelists_graph(), uris.shared_graph()]
    shapes = _retarget(SHAPES, [second.iri + "/paragraph/26.15/figure/1", second.iri + "/paragraph/26.11/figure/1"])
    reference = _pyshacl_results(validate._to_rdflib(store, graphs), shapes)
    assert _fast_results(store, shapes, graphs) == reference
    assert [(severity, _short(focus)) for _shape, severity, focus, *_ in reference] == [("Violation", "26.15/figure/1")]
