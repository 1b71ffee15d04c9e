"""The vocabulary (ontology/budget.ttl) and the code lists (ontology/codelists.ttl).

Both files use relative IRIs and are parsed against the default base IRI, as the store does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef

BASE = "http://127.0.0.1:8000/"
ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"

BKG = Namespace(BASE + "def/budget#")
CODE = Namespace(BASE + "code/")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
OBEU_PHASE_SCHEME = URIRef("http://data.openbudgets.eu/resource/codelist/budget-phase")
ONTOLOGY = URIRef(BASE + "def/budget")

DIMENSIONS = ["department", "fiscalYear", "budgetPhase", "classification", "breakdown"]
DSD_KINDS = {
    "income-expenditure-summary",
    "income",
    "expenditure",
    "fiscal-appropriation-summary",
    "general-public-budget-expenditure",
    "general-public-budget-basic-expenditure",
    "government-fund-expenditure",
    "state-capital-expenditure",
    "three-public-expenditure",
    "procurement",
    "fixed-assets",
    # Jiangsu 公开表
    "fiscal-appropriation-expenditure",
    "fiscal-appropriation-basic-expenditure",
    "institution-operation-expenses",
    "three-public-meeting-training-expenditure",
}
PROPERTY_CLASSES = [
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    QB.DimensionProperty,
    QB.MeasureProperty,
    QB.AttributeProperty,
]


def _parse(name: str) -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_DIR / name, format="turtle", publicID=BASE)
    return graph


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return _parse("budget.ttl")


@pytest.fixture(scope="module")
def codes() -> Graph:
    return _parse("codelists.ttl")


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _members(graph: Graph, scheme_name: str) -> set[URIRef]:
    return {s for s in graph.subjects(SKOS.inScheme, CODE[scheme_name]) if isinstance(s, URIRef)}


# -- both files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["budget.ttl", "codelists.ttl"])
def test_parses_with_relative_iris_resolved_against_base(name: str) -> None:
    graph = _parse(name)
    assert len(graph) > 100
    for term in graph.all_nodes():
        if isinstance(term, URIRef):
            assert str(term).startswith(("http://", "https://")), term


@pytest.mark.parametrize("name", ["budget.ttl", "codelists.ttl"])
def test_no_blank_nodes(name: str) -> None:
    graph = _parse(name)
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_iris_follow_the_configured_base() -> None:
    other = Graph()
    other.parse(ONTOLOGY_DIR / "budget.ttl", format="turtle", publicID="https://budget.example.org/")
    assert (URIRef("https://budget.example.org/def/budget#amount"), RDF.type, QB.MeasureProperty) in other


# -- budget.ttl ---------------------------------------------------------------------------


def test_ontology_header(vocab: Graph) -> None:
    dcterms = Namespace("http://purl.org/dc/terms/")
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in vocab
    for predicate in (dcterms.title, dcterms.description):
        assert {"zh", "en"} <= set(_langs(vocab, ONTOLOGY, predicate))
    assert vocab.value(ONTOLOGY, dcterms.license) is not None
    comment = " ".join(str(c) for c in vocab.objects(ONTOLOGY, RDFS.comment))
    for reused in ("qb", "sdmx", "obeu", "skos", "org", "time", "prov", "dcterms", "csvw"):
        assert f"- {reused}" in comment, reused


def test_every_defined_term_is_labelled_in_zh_and_en(vocab: Graph) -> None:
    terms = {s for cls in [*PROPERTY_CLASSES, OWL.Class] for s in vocab.subjects(RDF.type, cls)}
    assert terms, "no terms defined"
    for term in terms:
        assert str(term).startswith(str(BKG)), term
        assert sorted(_langs(vocab, term, RDFS.label)) == ["en", "zh"], term
        assert "en" in _langs(vocab, term, RDFS.comment), term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in vocab, term


def test_expected_terms_are_defined(vocab: Graph) -> None:
    properties = {s for cls in PROPERTY_CLASSES for s in vocab.subjects(RDF.type, cls)}
    expected = [
        *DIMENSIONS,
        "amount",
        "amountInYuan",
        "printedValue",
        "decimals",
        "sourceRow",
        "cellIndex",
        "columnNumber",
        "columnHeading",
        "printedText",
        "cellCount",
        "rowSpan",
        "columnSpan",
        "serialNumber",
        "sourceLine",
        "table",
        "tableKind",
        "isEmpty",
        "isHeading",
        "note",
        "headerRowCount",
        "metaText",
        "fileName",
        "sha256",
        "byteSize",
        "reader",
        # graph/contributions: what each document contributes to graph/shared
        "sharedTriple",
        "sharedTripleCount",
        "encoding",
        "level",
        "factorToYuan",
        "region",
        # validation reports: the figures a result compared
        "comparedFigure",
        "figureName",
        "figureOrder",
        # performance targets (绩效目标表)
        "projectName",
        "firstLevelIndicator",
        "secondLevelIndicator",
        "indicatorName",
        "indicatorDescription",
        "targetBasis",
        "targetText",
        "targetCell",
        "targetComparator",
        "comparatorText",
        "targetValue",
        "targetUnit",
    ]
    assert {BKG[name] for name in expected} == properties
    classes = set(vocab.subjects(RDF.type, OWL.Class))
    expected_classes = ["SourceDocument", "Disclosure", "HeaderRow", "TextCell", "Paragraph", "Region",
                        "PerformanceTarget"]
    assert {BKG[name] for name in expected_classes} == classes


def test_dimensions_satisfy_data_cube_ic4_and_ic5(vocab: Graph) -> None:
    dims = set(vocab.subjects(RDF.type, QB.DimensionProperty))
    assert dims == {BKG[d] for d in DIMENSIONS}
    for dim in dims:
        rng = vocab.value(dim, RDFS.range)
        assert rng is not None, dim  # IC-4
        if rng == SKOS.Concept:
            assert vocab.value(dim, QB.codeList) is not None, dim  # IC-5
    assert vocab.value(BKG.classification, QB.codeList) == CODE.classification
    assert vocab.value(BKG.breakdown, QB.codeList) == CODE.breakdown
    assert vocab.value(BKG.budgetPhase, QB.codeList) == OBEU_PHASE_SCHEME


def test_subproperties_of_reused_vocabularies(vocab: Graph) -> None:
    obeu_dim = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
    obeu_measure = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
    sdmx_dim = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
    sdmx_measure = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
    expected = {
        (BKG.department, obeu_dim.organization),
        (BKG.fiscalYear, obeu_dim.fiscalYear),
        (BKG.fiscalYear, sdmx_dim.refPeriod),
        (BKG.budgetPhase, obeu_dim.budgetPhase),
        (BKG.classification, obeu_dim.classification),
        (BKG.amount, obeu_measure.amount),
        (BKG.amount, sdmx_measure.obsValue),
    }
    assert expected <= set(vocab.subject_objects(RDFS.subPropertyOf))


def test_one_dsd_per_amount_table_kind(vocab: Graph) -> None:
    dsds = set(vocab.subjects(RDF.type, QB.DataStructureDefinition))
    assert len(dsds) == 15
    assert dsds == {BKG[f"dsd-{kind}"] for kind in DSD_KINDS}


@pytest.mark.parametrize("kind", sorted(DSD_KINDS))
def test_dsd_components(vocab: Graph, kind: str) -> None:
    dsd = BKG[f"dsd-{kind}"]
    assert sorted(_langs(vocab, dsd, RDFS.label)) == ["en", "zh"]
    specs = list(vocab.objects(dsd, QB.component))
    assert len(specs) == 8
    dims = {
        vocab.value(s, QB.dimension): vocab.value(s, QB.order) for s in specs if vocab.value(s, QB.dimension)
    }
    assert {d: o.toPython() for d, o in dims.items()} == {BKG[d]: i for i, d in enumerate(DIMENSIONS, 1)}
    measures = [vocab.value(s, QB.measure) for s in specs if vocab.value(s, QB.measure)]
    assert measures == [BKG.amount]
    attributes = {
        vocab.value(s, QB.attribute): vocab.value(s, QB.componentRequired).toPython()
        for s in specs
        if vocab.value(s, QB.attribute)
    }
    assert attributes == {SDMX_ATTRIBUTE.unitMeasure: True, BKG.amountInYuan: False}
    for spec in specs:
        assert str(spec).startswith(f"{dsd}-component-")
        assert (spec, RDF.type, QB.ComponentSpecification) in vocab


def test_optional_components_are_attributes(vocab: Graph) -> None:
    """Data Cube IC-6: only attributes may be optional."""
    for spec in vocab.subjects(QB.componentRequired, Literal(False)):
        prop = vocab.value(spec, QB.attribute)
        assert (prop, RDF.type, QB.AttributeProperty) in vocab


# -- codelists.ttl ------------------------------------------------------------------------


def test_scheme_sizes(codes: Graph) -> None:
    expected = {
        "functional": 30,
        "economic": 10,
        "line-item": 37 + 16 + 7,  # + 7 Shanghai 决算 (结余分配, 人员经费合计, closing balances by fund …)
        "breakdown": 29 + 2,
        "unit": 6,
        "table-kind": 13 + 4,
        "level": 3,
        "classification": 30 + 10 + 37 + 16 + 7,
    }
    assert {name: len(_members(codes, name)) for name in expected} == expected
    for name in expected:
        assert (CODE[name], RDF.type, SKOS.ConceptScheme) in codes


def test_functional_and_economic_classes_are_lei(codes: Graph) -> None:
    for name in ("functional", "economic"):
        for concept in _members(codes, name):
            notation = str(codes.value(concept, SKOS.notation))
            assert len(notation) == 3 and notation.isdigit(), concept
            assert codes.value(concept, BKG.level) == CODE["level/lei"], concept
            assert (concept, SKOS.topConceptOf, CODE[name]) in codes
            assert (CODE[name], SKOS.hasTopConcept, concept) in codes
    assert str(codes.value(CODE["functional/201"], SKOS.prefLabel)) == "一般公共服务支出"
    assert str(codes.value(CODE["economic/301"], SKOS.prefLabel)) == "工资福利支出"


def test_member_schemes_are_in_the_classification_umbrella(codes: Graph) -> None:
    members = _members(codes, "functional") | _members(codes, "economic") | _members(codes, "line-item")
    assert members == _members(codes, "classification")
    for concept in members:
        assert (concept, SKOS.inScheme, CODE.classification) in codes, concept


def test_concepts_are_well_formed(codes: Graph) -> None:
    concepts = set(codes.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 30 + 10 + (37 + 16 + 7) + (29 + 2) + 6 + (13 + 4) + 3 + 2
    for concept in concepts:
        assert sorted(_langs(codes, concept, SKOS.prefLabel)) == ["en", "zh"], concept
        assert codes.value(concept, SKOS.inScheme) is not None, concept
        if str(concept).startswith(str(CODE)):
            scheme, _, notation = str(concept)[len(CODE) :].partition("/")
            assert (concept, SKOS.inScheme, CODE[scheme]) in codes, concept
            assert str(codes.value(concept, SKOS.notation)) == notation, concept
        pref = set(codes.objects(concept, SKOS.prefLabel))
        assert not pref & set(codes.objects(concept, SKOS.altLabel)), concept  # SKOS S13


def test_broader_targets_exist_in_the_same_scheme(codes: Graph) -> None:
    links = list(codes.subject_objects(SKOS.broader))
    assert links
    for narrower, broader in links:
        assert (broader, RDF.type, SKOS.Concept) in codes, broader
        own = set(codes.objects(narrower, SKOS.inScheme))
        assert own & set(codes.objects(broader, SKOS.inScheme)), (narrower, broader)
        assert codes.value(narrower, SKOS.topConceptOf) is None, narrower


def test_selected_hierarchies(codes: Graph) -> None:
    def broader(scheme: str, slug: str) -> URIRef | None:
        return codes.value(CODE[f"{scheme}/{slug}"], SKOS.broader)

    assert broader("line-item", "vehicle-purchase") == CODE["line-item/official-vehicles"]
    assert broader("line-item", "official-vehicles") == CODE["line-item/three-public-total"]
    assert broader("line-item", "office-buildings") == CODE["line-item/buildings"]
    assert (
        broader("line-item", "opening-fiscal-balance-state-capital")
        == CODE["line-item/opening-fiscal-balance"]
    )
    assert broader("breakdown", "basic") == CODE["breakdown/total"]
    assert broader("breakdown", "personnel") == CODE["breakdown/total"]
    assert broader("breakdown", "business-income") == CODE["breakdown/income-subtotal"]
    assert broader("breakdown", "income-subtotal") == CODE["breakdown/total"]
    assert broader("breakdown", "sme-reserved") is None


def test_units(codes: Graph) -> None:
    factors = {
        str(unit)[len(CODE) :]: codes.value(unit, BKG.factorToYuan).toPython()
        for unit in _members(codes, "unit")
        if codes.value(unit, BKG.factorToYuan) is not None
    }
    assert factors == {
        "unit/wan-yuan": 10000,
        "unit/yuan": 1,
        "unit/qian-yuan": 1000,
        "unit/yi-yuan": 100000000,
    }
    for unit in _members(codes, "unit"):
        assert sorted(_langs(codes, unit, RDFS.label)) == ["en", "zh"], unit


def test_budget_phases_for_ic19(codes: Graph) -> None:
    phases = set(codes.subjects(SKOS.inScheme, OBEU_PHASE_SCHEME))
    prefix = str(OBEU_PHASE_SCHEME) + "/"
    assert phases == {URIRef(prefix + "approved"), URIRef(prefix + "executed")}
    labels = {str(o) for p in phases for o in codes.objects(p, SKOS.prefLabel)}
    assert {"预算", "决算", "approved", "executed"} == labels


def test_table_kinds_cover_every_dsd(codes: Graph) -> None:
    kinds = {str(c)[len(CODE) + len("table-kind/") :] for c in _members(codes, "table-kind")}
    assert kinds == DSD_KINDS | {"institutions", "performance-targets"}
    alt = {str(a) for a in codes.objects(CODE["table-kind/income-expenditure-summary"], SKOS.altLabel)}
    assert "部门财务收支预算总表" in alt


# -- narrative.ttl ------------------------------------------------------------------------


def test_narrative_percentage_terms() -> None:
    """The properties of a narrative percentage (ontology/narrative.ttl): the rate as written, the figure it is
    computed from and, for a share of a fixed total (rule R70), that total, the text fixing it and its list."""
    graph = _parse("narrative.ttl")
    percentage = BKG.NarrativePercentage
    assert set(graph.subjects(RDFS.domain, percentage)) == {
        BKG[name] for name in ("percentageKind", "statedPercent", "rateOf", "shareDenominator", "shareBasis",
                               "shareList")}
    assert (BKG.shareDenominator, RDF.type, OWL.ObjectProperty) in graph
    assert (BKG.shareDenominator, RDFS.range, SKOS.Concept) in graph
    assert (BKG.shareBasis, RDF.type, OWL.DatatypeProperty) in graph
    assert (BKG.shareBasis, RDFS.range, RDF.langString) in graph
    assert (BKG.shareList, RDFS.range, percentage) in graph
    for name in ("shareDenominator", "shareBasis", "shareList"):
        assert sorted(_langs(graph, BKG[name], RDFS.label)) == ["en", "zh"], name
        assert (BKG[name], RDFS.isDefinedBy, ONTOLOGY) in graph
    # the totals a share may be recorded against are narrative indicators
    for total in ("income-total", "expenditure-total", "three-public-total"):
        assert (CODE[f"narrative-indicator/{total}"], SKOS.inScheme, CODE["narrative-indicator"]) in graph
