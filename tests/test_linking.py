"""Alignments to shared vocabularies: the COFOG linkset, and a cross-vocabulary query on the sample."""

from __future__ import annotations

from decimal import Decimal

import rdflib

from budgetkg.config import ONTOLOGY_DIR, SPARQL_DIR
from budgetkg.store import Store

BASE = "http://127.0.0.1:8000/"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def _linkset() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_DIR / "codelists-cofog.ttl", publicID=BASE)


def test_linkset_is_described_and_counted() -> None:
    g = _linkset()
    links = [(s, p, o) for p in MATCHES for s, o in g.subject_objects(p)]
    assert len(links) == 26
    linkset = rdflib.URIRef(BASE + "id/linkset/functional-cofog")
    assert int(g.value(linkset, VOID.triples)) == len(links)
    assert set(g.objects(linkset, VOID.linkPredicate)) == {p for _, p, _ in links}
    # Every link goes from a functional 类 of codelists.ttl to a COFOG concept defined here.
    classes = rdflib.Graph().parse(ONTOLOGY_DIR / "codelists.ttl", publicID=BASE)
    for s, _, o in links:
        assert (s, SKOS.inScheme, rdflib.URIRef(BASE + "code/functional")) in classes
        assert (o, SKOS.inScheme, rdflib.URIRef(BASE + "code/cofog")) in g
    # At most one link per class: sums by COFOG division never count a class twice.
    subjects = [s for s, _, _ in links]
    assert len(subjects) == len(set(subjects))
    # The four classes without a functional meaning in COFOG stay unlinked.
    functional = rdflib.URIRef(BASE + "code/functional")
    unlinked = {str(s).rsplit("/", 1)[-1] for s in classes.subjects(SKOS.inScheme, functional)}
    unlinked -= {str(s).rsplit("/", 1)[-1] for s in subjects}
    assert unlinked == {"223", "227", "229", "234"}


def test_spending_by_cofog_on_the_sample(sample_store: Store) -> None:
    query = (SPARQL_DIR / "09-spending-by-cofog.rq").read_text(encoding="utf-8")
    rows = [(s["cofog"].value, s["cofogName"].value, Decimal(s["amountYuan"].value), int(s["classes"].value))
            for s in sample_store.query(query)]
    # 201 → 01; 203 → 02; 212 (closeMatch 06) and 221 (closeMatch 06.1 ⊂ 06) → 06; 210 → 07;
    # 208 → 10 — from the sample's 一般公共预算财政拨款支出表 类 rows, in 万元 × 10000.
    assert rows == [
        ("01", "General public services", Decimal(3338500), 1),
        ("02", "Defence", Decimal(20000), 1),
        ("06", "Housing and community amenities", Decimal(2781000 + 324100), 2),
        ("07", "Health", Decimal(402600), 1),
        ("10", "Social protection", Decimal(1358000), 1),
    ]


def test_void_and_dcat_describe_coverage_distributions_and_linksets(sample_store: Store) -> None:
    from budgetkg.metadata import void_triples

    root = "http://127.0.0.1:8000/"
    g = {(t.subject.value, t.predicate.value, t.object.value) for t in void_triples(sample_store, root)}
    ds = root + ".well-known/void#dataset"
    dcat, dct = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    assert (root + ".well-known/void#catalog", dcat + "dataset", ds) in g
    assert (ds, "http://rdfs.org/ns/void#subset", root + "id/linkset/functional-cofog") in g
    # the departments' own regions (the divisions above them are linked from those by dcterms:isPartOf)
    assert {o for s, p, o in g if s == ds and p == dct + "spatial"} == {root + "id/region/130303"}
    period = root + ".well-known/void#temporal"
    assert {(p, o) for s, p, o in g if s == period and p != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"} == {
        (dcat + "startDate", "2023"), (dcat + "endDate", "2023")}
    downloads = {o for s, p, o in g if p == dcat + "downloadURL"}
    assert downloads == {root + "dumps/all.nq.gz", root + "dumps/all.trig.gz", root + "dumps/all.ttl.gz",
                         root + "code/functional.ttl", root + "code/economic.ttl", root + "code/line-item.ttl"}
    assert not any(p == dct + "license" for _, p, _ in g)  # none configured: none claimed


# -- departments and their units, regions and Wikidata, code lists, linksets (issue 6) -----------

DEPT = BASE + "id/department/130303/612"
OWN = DEPT + "/unit/%E6%9C%AC%E7%BA%A7"  # …/unit/本级: the department's own organ
DOC = BASE + "id/disclosure/130303/612/2023/budget/document/main"
ORG = "http://www.w3.org/ns/org#"
BKG = BASE + "def/budget#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _quads(store: Store, subject: str) -> set[tuple[str, str, str, str]]:
    import pyoxigraph as ox

    return {(q.subject.value, q.predicate.value, q.object.value, q.graph_name.value)  # type: ignore[union-attr]
            for q in store.ox.quads_for_pattern(ox.NamedNode(subject), None, None, None)}


def test_sample_unit_from_the_institutions_table(sample_build: tuple[Store, list]) -> None:
    store, reports = sample_build
    shared = BASE + "graph/shared"
    # 部门机构设置情况 prints one unit: 秦皇岛市山海关区南关街道办事处本级 | 行政 | 正科级 | 财政拨款
    assert _quads(store, OWN) == {
        (OWN, RDF_TYPE, ORG + "OrganizationalUnit", shared),
        (OWN, "http://www.w3.org/2000/01/rdf-schema#label", "秦皇岛市山海关区南关街道办事处本级", shared),
        (OWN, ORG + "unitOf", DEPT, shared),
    }
    assert (DEPT, ORG + "hasUnit", OWN, shared) in _quads(store, DEPT)
    disclosure = BASE + "id/disclosure/130303/612/2023/budget"
    assert (disclosure, BKG + "includesUnit", OWN, shared) in _quads(store, disclosure)
    listing = DOC + "/unit-listing/1"
    assert _quads(store, listing) == {
        (listing, RDF_TYPE, BKG + "UnitListing", DOC),
        (listing, BKG + "unit", OWN, DOC),
        (listing, BKG + "unitName", "秦皇岛市山海关区南关街道办事处本级", DOC),
        (listing, BKG + "listingText", "秦皇岛市山海关区南关街道办事处本级 | 行政 | 正科级 | 财政拨款", DOC),
        (listing, "http://www.w3.org/ns/prov#wasDerivedFrom", DOC + "/table/institutions/row/2", DOC),
        (listing, "http://purl.org/dc/terms/isPartOf", DOC, DOC),
    }
    # identity by name only: the build report says so
    info = [i for i in reports[0].issues if i.code == "units-by-name"]
    assert [(i.severity, i.message) for i in info] == [(
        "info", "1 budget unit(s) listed, identified by name within 秦皇岛市山海关区南关街道办事处 (no unit code is "
        "printed; the department's own organ as 本级): 秦皇岛市山海关区南关街道办事处本级")]


def _local_part(query: str) -> str:
    """The federated query without its SERVICE block (what runs offline)."""
    import re

    return re.sub(r"\n  SERVICE <[^>]+> \{.*?\n  \}", "", query, flags=re.S)


def test_regions_in_wikidata_query_local_part(sample_store: Store) -> None:
    import pyoxigraph as ox

    text = next(SPARQL_DIR.glob("*-regions-in-wikidata.rq")).read_text(encoding="utf-8")
    ox.Store().query(text)  # the whole federated query parses
    assert "SERVICE <https://query.wikidata.org/sparql>" in text and "wdt:P442 ?wikidataCode" in text
    local = _local_part(text)
    assert "SERVICE <" not in local and "wdt:" not in local.split("SELECT", 1)[1]
    rows = [(s["code"].value, s["name"].value, s["wikidataCode"].value, s["item"]) for s in sample_store.query(local)]
    assert rows == [("130000", "河北省", "13", None), ("130300", "河北省秦皇岛市", "13 03", None),
                    ("130303", "河北省秦皇岛市山海关区", "13 03 03", None)]


def _without_english(store: Store, length: int) -> set[str]:
    q = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?n {{ ?o <{BKG}classification> ?c . ?c skos:notation ?n .
          FILTER(STRLEN(?n) = {length} && REGEX(?n, "^[0-9]+$"))
          FILTER NOT EXISTS {{ ?c skos:prefLabel ?en FILTER(LANG(?en) = "en") }} }}"""
    return {s["n"].value for s in store.query(q)}  # type: ignore[union-attr]


def _line_items_without_english(store: Store) -> set[str]:
    q = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?c {{ ?o <{BKG}classification> ?c . ?c skos:inScheme <{BASE}code/line-item> .
          FILTER NOT EXISTS {{ ?c skos:prefLabel ?en FILTER(LANG(?en) = "en") }} }}"""
    return {s["c"].value for s in store.query(q)}  # type: ignore[union-attr]


def test_every_class_and_kuan_of_the_sample_has_an_english_label(sample_store: Store) -> None:
    assert _without_english(sample_store, 3) == set()
    assert _without_english(sample_store, 5) == set()
    assert _line_items_without_english(sample_store) == set()
    en = {(s["n"].value, s["en"].value) for s in sample_store.query(
        'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n ?en { ?c skos:notation ?n ; skos:prefLabel ?en '
        'FILTER(?n IN ("20103", "30101") && LANG(?en) = "en") }')}
    assert en == {("20103", "Government general offices and related agencies"), ("30101", "Basic salaries")}


def test_printed_names_carry_their_year_and_document(sample_store: Store) -> None:
    concept = BASE + "code/functional/20805"
    name = concept + "/name/%E8%A1%8C%E6%94%BF%E4%BA%8B%E4%B8%9A%E5%8D%95%E4%BD%8D%E5%85%BB%E8%80%81%E6%94%AF%E5%87%BA"
    shared = BASE + "graph/shared"
    assert (concept, BKG + "printedName", name, shared) in _quads(sample_store, concept)
    assert _quads(sample_store, name) == {
        (name, RDF_TYPE, BKG + "PrintedName", shared),
        (name, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value", "行政事业单位养老支出", shared),
        (name, BKG + "printedInYear", "http://reference.data.gov.uk/id/gregorian-year/2023", shared),
        (name, BKG + "printedIn", DOC, shared),
    }


def test_linksets_code_lists_and_counts_over_http(sample_store: Store) -> None:
    import re

    import httpx

    from budgetkg.app import create_app
    from tests._server import LiveServer

    expected = {"functional-cofog": 26, "region-wikidata": 3, "department-units": 1, "vocabulary-alignments": 7}
    with LiveServer(create_app(sample_store)) as live, httpx.Client(base_url=live, timeout=30) as client:
        url = live.rstrip("/") + "/"
        landing = client.get("/.json")
        assert landing.status_code == 200
        assert {ls["key"]: ls["triples"] for ls in landing.json()["linksets"]} == expected
        html = client.get("/", headers={"Accept": "text/html"})
        assert html.status_code == 200
        shown = dict(re.findall(r'data-linkset="([\w-]+)">(\d+)<', html.text))
        assert shown == {k: str(v) for k, v in expected.items()}
        void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert void.status_code == 200
        g = rdflib.Graph().parse(data=void.text, format="turtle")
        counts = {str(ls).rsplit("/", 1)[-1]: [int(n) for n in g.objects(ls, VOID.triples)]
                  for ls in g.subjects(rdflib.RDF.type, VOID.Linkset)}
        assert counts == {k: [v] for k, v in expected.items()}
        dataset = rdflib.URIRef(url + ".well-known/void#dataset")
        assert {str(o) for o in g.objects(dataset, VOID.subset) if "/linkset/" in str(o)} == {
            BASE + "id/linkset/" + k for k in expected}
        dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
        assert {str(o) for o in g.objects(None, dcat.downloadURL) if "/code/" in str(o)} == {
            url + "code/functional.ttl", url + "code/economic.ttl", url + "code/line-item.ttl"}
        # the code list: a page listing its concepts, and the list itself as Turtle
        page = client.get("/code/functional", headers={"Accept": "text/html"})
        assert page.status_code == 200
        row = r'>20805</a></td><td>款</td>\s*<td><div>行政事业单位养老支出 <span class="muted">\(2023\)</span>'
        assert re.search(row, page.text)
        assert "Retirement and pensions of administrative and public service units" in page.text
        ttl = client.get("/code/functional.ttl")
        assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
        codes = rdflib.Graph().parse(data=ttl.text, format="turtle")
        kuan = rdflib.URIRef(BASE + "code/functional/20805")
        assert (kuan, SKOS.notation, rdflib.Literal("20805")) in codes
        assert (kuan, SKOS.broader, rdflib.URIRef(BASE + "code/functional/208")) in codes
        assert (kuan, rdflib.URIRef(BKG + "level"), rdflib.URIRef(BASE + "code/level/kuan")) in codes
        assert (kuan, SKOS.prefLabel, rdflib.Literal(
            "Retirement and pensions of administrative and public service units", lang="en")) in codes
        assert (kuan, rdflib.RDFS.label, rdflib.Literal("行政事业单位养老支出", lang="zh")) in codes
        jsonld = client.get("/code/economic", headers={"Accept": "application/ld+json"})
        assert jsonld.status_code == 200 and "30101" in jsonld.text
