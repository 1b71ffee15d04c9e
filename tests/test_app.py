"""The web app over real HTTP: SPARQL protocol, Linked Data pages, VoID, dumps.

Every test talks to a real uvicorn server (tests/_server.py) over a real store built from
tests/fixtures/server-mini.trig, with httpx, SPARQLWrapper and curl as clients.
"""

from __future__ import annotations

import gzip
import subprocess
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from budgetkg.app import create_app
from budgetkg.config import base_iri
from budgetkg.negotiate import negotiate
from budgetkg.sparql import examples
from budgetkg.store import Store

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from tests._server import FIXTURES, LiveServer, generated_store, store_from_trig
except ModuleNotFoundError:
    from _server import FIXTURES, LiveServer, generated_store, store_from_trig

BASE = base_iri()
BKG = BASE + "def/budget#"
DOC1 = BASE + "id/disclosure/130303/612/2023/budget/document/main"
DOC2 = BASE + "id/disclosure/130303/612/2022/final/document/main"
TABLE1 = DOC1 + "/table/general-public-budget-expenditure"
OBS = TABLE1 + "/obs/functional-201/total"
MAX_RESULTS = 100
FIXTURE_QUADS = 311
SUM_QUERY = f"SELECT (SUM(?a) AS ?total) WHERE {{ ?o <{BKG}amount> ?a }}"


@pytest.fixture(scope="module")
def store() -> Store:
    return store_from_trig(FIXTURES / "server-mini.trig")


@pytest.fixture(scope="module")
def url(store: Store) -> Iterator[str]:
    with LiveServer(create_app(store, max_results=MAX_RESULTS)) as live:
        yield live


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def sparql(client: httpx.Client, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return client.post("/sparql", data={"query": query, **params}, headers=headers)


# -- SPARQL protocol: results ----------------------------------------------------------------


def test_fixture_size(store: Store) -> None:
    assert len(store) == FIXTURE_QUADS


def test_select_sum_is_the_exact_decimal(client: httpx.Client) -> None:
    r = sparql(client, SUM_QUERY)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json"
    assert r.json() == {
        "head": {"vars": ["total"]},
        "results": {
            "bindings": [
                {
                    "total": {
                        "type": "literal",
                        "value": "997.47",
                        "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
                    }
                }
            ]
        },
    }


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", "text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
    ],
)
def test_result_formats_match_pyoxigraph(
    client: httpx.Client, store: Store, accept: str, content_type: str, fmt: ox.QueryResultsFormat
) -> None:
    # Labels in two languages, integers, decimals, strings, an unbound variable and a blank node.
    query = f"""SELECT ?s ?label ?n ?missing ?b WHERE {{
        ?s ?p ?label . FILTER(isLiteral(?label))
        OPTIONAL {{ ?s <{BKG}cellIndex> ?n }} OPTIONAL {{ ?s <urn:x:none> ?missing }}
        OPTIONAL {{ ?s <http://www.w3.org/ns/shacl#result> ?b }}
    }} ORDER BY ?s ?label LIMIT 60"""
    r = sparql(client, query, accept)
    assert r.status_code == 200
    assert r.headers["content-type"] == content_type
    expected = store.query(query).serialize(format=fmt)  # type: ignore[union-attr]
    if fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML):
        # blank node labels are per result set: compare after parsing, with labels erased
        assert _parsed(r.content, fmt) == _parsed(expected, fmt)
    else:
        assert r.content == expected


def _parsed(body: bytes, fmt: ox.QueryResultsFormat) -> list[list[str]]:
    rows = ox.parse_query_results(body, format=fmt)
    return [["_:" if isinstance(t, ox.BlankNode) else str(t) for t in row] for row in rows]  # type: ignore[union-attr]


def test_ask_json_and_xml(client: httpx.Client) -> None:
    r = sparql(client, f"ASK {{ <{OBS}> <{BKG}amount> 120.45 }}")
    assert (r.status_code, r.headers["content-type"], r.json()) == (
        200,
        "application/sparql-results+json",
        {"head": {}, "boolean": True},
    )
    r = sparql(client, "ASK { ?s <urn:x:nothing> ?o }", "application/sparql-results+xml")
    assert r.headers["content-type"] == "application/sparql-results+xml"
    assert r.text.endswith("<boolean>false</boolean></sparql>")


def test_get_and_direct_post(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": SUM_QUERY}, headers={"Accept": "text/csv"})
    assert (r.status_code, r.text) == (200, "total\r\n997.47\r\n")
    r = client.post(
        "/sparql",
        content=SUM_QUERY.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert (r.status_code, r.text) == (200, "total\r\n997.47\r\n")


def test_accept_q_values(client: httpx.Client) -> None:
    r = sparql(client, SUM_QUERY, "application/sparql-results+json;q=0.2, text/csv;q=0.9, */*;q=0.1")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    r = sparql(client, SUM_QUERY, "text/csv;q=0, */*;q=0.5")
    assert r.headers["content-type"] == "application/sparql-results+json"
    r = sparql(client, SUM_QUERY, "image/png")
    assert r.status_code == 406
    assert "Accept" in r.headers["vary"]


def test_browser_following_a_query_link_gets_the_query_page(client: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/sparql", params={"query": SUM_QUERY}, headers={"Accept": browser})
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert 'data-autorun="yes"' in r.text and "Accept" in r.headers["vary"]
    # curl's */* and SPARQL clients still get results.
    r = client.get("/sparql", params={"query": SUM_QUERY}, headers={"Accept": "*/*"})
    assert r.headers["content-type"] == "application/sparql-results+json"


def test_negotiate_unit() -> None:
    offers = ["text/html", "text/turtle", "application/ld+json"]
    assert negotiate(None, offers) == "text/html"
    assert negotiate("text/turtle;q=0.5, application/ld+json;q=0.9", offers) == "application/ld+json"
    assert negotiate("text/*;q=0.3, text/turtle", offers) == "text/turtle"
    assert negotiate("text/*, text/html;q=0", offers) == "text/turtle"  # the specific range wins
    assert negotiate("application/xml", offers) is None


def test_dataset_parameters(client: httpx.Client) -> None:
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o <{BKG}amount> ?a }}"
    assert sparql(client, count, "text/csv").text == "n\r\n9\r\n"  # union of all graphs
    r = sparql(client, count, "text/csv", **{"default-graph-uri": DOC2})
    assert r.text == "n\r\n1\r\n"
    graphs = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    r = client.get("/sparql", params=[("query", graphs), ("named-graph-uri", DOC1), ("named-graph-uri", DOC2)],
                   headers={"Accept": "text/csv"})  # fmt: skip
    assert r.text == f"g\r\n{DOC2}\r\n{DOC1}\r\n"
    # with a protocol dataset but no default-graph-uri, the default graph is empty (SPARQL 1.1 Protocol)
    r = sparql(client, count, "text/csv", **{"named-graph-uri": DOC1})
    assert r.text == "n\r\n0\r\n"


def test_construct_formats(client: httpx.Client, store: Store) -> None:
    query = f"CONSTRUCT {{ <{OBS}> ?p ?o }} WHERE {{ <{OBS}> ?p ?o }}"
    expected = rdflib.Graph().parse(
        data=ox.serialize(list(store.query(query)), format=ox.RdfFormat.N_TRIPLES).decode(),
        format="nt",  # type: ignore[arg-type]
    )
    assert len(expected) == 15
    for accept, content_type, rdflib_format in [
        (None, "text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "application/n-triples; charset=utf-8", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ]:
        r = sparql(client, query, accept)
        assert (r.status_code, r.headers["content-type"]) == (200, content_type)
        assert isomorphic(rdflib.Graph().parse(data=r.text, format=rdflib_format), expected), accept


def test_result_limit_truncates_with_header(client: httpx.Client) -> None:
    r = sparql(client, "SELECT * WHERE { ?s ?p ?o }")
    assert r.status_code == 200
    assert r.headers["x-sparql-maxrows"] == str(MAX_RESULTS)
    assert len(r.json()["results"]["bindings"]) == MAX_RESULTS
    r = sparql(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert "x-sparql-maxrows" not in r.headers


# -- SPARQL protocol: refusals ---------------------------------------------------------------


def test_malformed_query_is_400_with_parser_message(client: httpx.Client) -> None:
    r = sparql(client, "SELECT * WHERE { ?s ?p }")
    assert r.status_code == 400
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text.startswith("Malformed query: error at 1:")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"query": "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }"}},
        {"data": {"update": "DROP ALL"}},
        {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "LOAD <http://example.org/data.ttl>"}},
    ],
)
def test_updates_are_refused(client: httpx.Client, store: Store, request_kwargs: dict[str, object]) -> None:
    r = client.post("/sparql", **request_kwargs)  # type: ignore[arg-type]
    assert r.status_code == 403
    assert "read-only" in r.text
    assert len(store) == FIXTURE_QUADS


def test_service_is_refused(client: httpx.Client) -> None:
    r = sparql(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert (r.status_code, r.text) == (400, "SERVICE (federated query) is not allowed on this endpoint.\n")
    r = sparql(client, "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert r.status_code == 400
    # the word in a literal, a variable or a comment is not a SERVICE clause
    r = sparql(client, 'SELECT ?service ("SERVICE" AS ?x) WHERE { } # SERVICE', "text/csv")
    assert (r.status_code, r.text) == (200, "service,x\r\n,SERVICE\r\n")


def test_oversized_query_is_413(client: httpx.Client) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (70 * 1024)
    assert sparql(client, big).status_code == 413
    r = client.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_cors(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip
    assert r.status_code == 200
    assert "POST" in r.headers["access-control-allow-methods"]


# -- time limit ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_url() -> Iterator[str]:
    store = generated_store(250)
    with LiveServer(create_app(store, query_timeout_s=0.3, max_results=10**9)) as live:
        yield live


@pytest.mark.parametrize(
    "query",
    [
        # streams rows: the worker sees the deadline between two rows and stops
        "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }",
        # one long aggregate step: the response still leaves at the deadline
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }",
    ],
)
def test_timeout_is_503(slow_url: str, query: str) -> None:
    started = time.monotonic()
    r = httpx.post(slow_url + "/sparql", data={"query": query}, timeout=30)
    elapsed = time.monotonic() - started
    assert (r.status_code, r.text) == (503, "Query timed out: it ran longer than 0.3 s.\n")
    assert elapsed < 2.0
    quick = httpx.post(slow_url + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert quick.json()["boolean"] is True


# -- SPARQLWrapper and curl: real clients ----------------------------------------------------


def test_sparqlwrapper(url: str) -> None:
    client = SPARQLWrapper(url + "/sparql")
    client.setMethod("POST")
    client.setQuery(SUM_QUERY)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["total"]["value"] == "997.47"  # type: ignore[index]

    client.setQuery(f"ASK {{ GRAPH <{DOC2}> {{ ?o <{BKG}amount> 315.07 }} }}")
    client.setReturnFormat(XML)
    doc = client.query().convert()
    assert doc.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]

    client.setQuery(f"CONSTRUCT {{ ?t <http://purl.org/dc/terms/title> ?n }} WHERE {{ ?t a <{BKG}Disclosure> ; "
                    "<http://purl.org/dc/terms/title> ?n }")  # fmt: skip
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert {str(o) for o in graph.objects()} == {"秦皇岛市山海关区南关街道办事处2023年部门预算"}


def test_curl(url: str) -> None:
    out = subprocess.run(
        ["curl", "-sS", "-H", "Accept: text/csv", "--data-urlencode", f"query={SUM_QUERY}", url + "/sparql"],
        capture_output=True, check=True, timeout=30,
    )  # fmt: skip
    assert out.stdout == b"total\r\n997.47\r\n"
    head = subprocess.run(["curl", "-sS", "-I", url + "/dumps/all.nq.gz"], capture_output=True, check=True, timeout=30)
    lines = head.stdout.decode().lower().splitlines()
    assert lines[0].startswith("http/1.1 200")
    assert "content-type: application/gzip" in lines


# -- service description, landing, VoID ------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def test_service_description(client: httpx.Client, url: str, store: Store) -> None:
    r = client.get("/sparql")
    assert (r.status_code, r.headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    service = rdflib.URIRef(url + "/sparql#service")
    assert (service, rdflib.RDF.type, rdflib.URIRef(SD + "Service")) in g
    assert (service, rdflib.URIRef(SD + "endpoint"), rdflib.URIRef(url + "/sparql")) in g
    assert (service, rdflib.URIRef(SD + "supportedLanguage"), rdflib.URIRef(SD + "SPARQL11Query")) in g
    names = {str(o) for o in g.objects(None, rdflib.URIRef(SD + "name"))}
    assert names == set(store.graph_names())
    html = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert '<textarea id="query" name="query"' in html.text


def test_query_page_and_examples(client: httpx.Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/query", params={"query": "SELECT <x&y> {}"})
    assert r.status_code == 200
    assert "SELECT &lt;x&amp;y&gt; {}</textarea>" in r.text  # escaped
    assert "cdn" not in r.text.lower()
    (tmp_path / "b.rq").write_text("# title: 总额 Totals\nSELECT * {}\n", encoding="utf-8")
    (tmp_path / "a.rq").write_text("ASK {}\n", encoding="utf-8")
    assert [(e.name, e.title) for e in examples(tmp_path)] == [("a", "a"), ("b", "总额 Totals")]
    assert examples(tmp_path / "missing") == []


def test_landing_page_and_json_twin(client: httpx.Client) -> None:
    html = client.get("/", headers={"Accept": "text/html"})
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "南关街道办事处2023年部门预算" in html.text
    data = client.get("/.json").json()
    assert data["stats"] == {"documents": 2, "observations": 9, "triples": FIXTURE_QUADS, "graphs": 5}
    assert [d["iri"] for d in data["documents"]] == [DOC2, DOC1]
    assert client.get("/", headers={"Accept": "application/json"}).json() == data


def test_void(client: httpx.Client, url: str) -> None:
    r = client.get("/.well-known/void")
    assert (r.status_code, r.headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    ds = rdflib.URIRef(url + "/.well-known/void#dataset")
    assert g.value(ds, rdflib.URIRef(VOID + "sparqlEndpoint")) == rdflib.URIRef(url + "/sparql")
    assert int(g.value(ds, rdflib.URIRef(VOID + "triples"))) == FIXTURE_QUADS  # type: ignore[arg-type]
    assert str(g.value(ds, rdflib.URIRef(VOID + "uriSpace"))) == BASE
    subsets = list(g.objects(ds, rdflib.URIRef(VOID + "subset")))
    assert len(subsets) == 5
    assert sum(int(g.value(s, rdflib.URIRef(VOID + "triples"))) for s in subsets) == FIXTURE_QUADS  # type: ignore[arg-type]


# -- dereferencing ---------------------------------------------------------------------------


def _path(iri: str) -> str:
    return "/" + iri[len(BASE) :]


def _subject_graph(store: Store, iri: str) -> rdflib.Graph:
    triples = {q.triple for q in store.ox.quads_for_pattern(ox.NamedNode(iri), None, None, None)}
    nt = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode()
    return rdflib.Graph().parse(data=nt, format="nt")


def test_dereference_observation_turtle_and_jsonld(client: httpx.Client, store: Store) -> None:
    expected = _subject_graph(store, OBS)  # an observation has no incoming links
    assert len(expected) == 15
    r = client.get(_path(OBS), headers={"Accept": "text/turtle"})
    assert (r.status_code, r.headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    assert "Accept" in r.headers["vary"]
    assert f'<{_path(OBS)}.jsonld>; rel="alternate"; type="application/ld+json"' in r.headers["link"]
    assert isomorphic(rdflib.Graph().parse(data=r.text, format="turtle"), expected)
    r = client.get(_path(OBS), headers={"Accept": "text/turtle;q=0.5, application/ld+json;q=0.9"})
    assert r.headers["content-type"] == "application/ld+json"
    assert isomorphic(rdflib.Graph().parse(data=r.text, format="json-ld"), expected)
    r = client.get(_path(OBS) + ".nt")
    assert r.headers["content-type"] == "application/n-triples; charset=utf-8"
    assert isomorphic(rdflib.Graph().parse(data=r.text, format="nt"), expected)


def test_dereference_includes_incoming_links(client: httpx.Client) -> None:
    r = client.get(_path(BASE + "id/department/130303/612") + ".ttl")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    dept = rdflib.URIRef(BASE + "id/department/130303/612")
    assert (dept, rdflib.SKOS.prefLabel, rdflib.Literal("南关街道办事处", lang="zh")) in g
    # 8 observations + the disclosure + the document point at the department
    assert len(set(g.subjects(None, dept))) == 10


def test_dereference_html(client: httpx.Client) -> None:
    r = client.get(_path(OBS), headers={"Accept": "text/html"})
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>" in r.text and "120.45" in r.text
    assert "一般公共服务支出" in r.text  # label of the linked classification concept
    assert "基本支出 · basic expenditure" not in r.text  # only the observation's own breakdown is linked
    assert "合计 · total" in r.text  # zh and en labels of the linked breakdown concept


def test_dataset_page_rebuilds_the_printed_table(client: httpx.Client) -> None:
    r = client.get(_path(TABLE1) + ".html")
    text = r.text
    assert "<th>科目编码</th>" in text and "<th>项目支出</th>" in text
    link = f'<td class="num"><a href="{_path(TABLE1)}/obs/functional-2010301/basic">100.30</a></td>'
    assert link in text
    # row 4 has an empty 项目支出 cell, restored from bkg:cellCount
    assert 'functional-2010301/basic">100.30</a></td>\n<td></td>' in text


def test_document_page_lists_tables_and_findings(client: httpx.Client) -> None:
    text = client.get(_path(DOC1), headers={"Accept": "text/html"}).text
    assert f'<a href="{_path(TABLE1)}">一般公共预算支出表</a>' in text
    assert f'<a href="{_path(DOC1)}/validation">' in text
    assert '<td class="sev-Warning">Warning</td><td>项目支出单元格为空，按 0 计入合计</td>' in text
    report = client.get(_path(DOC1) + "/validation", headers={"Accept": "text/html"})
    assert report.status_code == 200 and "项目支出单元格为空" in report.text


def test_vocabulary_document(client: httpx.Client) -> None:
    r = client.get("/def/budget", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef(BKG + "amount"), rdflib.RDFS.label, rdflib.Literal("金额", lang="zh")) in g
    assert (rdflib.URIRef(BASE + "def/budget"), rdflib.RDF.type, rdflib.OWL.Ontology) in g
    html = client.get("/def/budget", headers={"Accept": "text/html"}).text
    assert 'id="amount"' in html


def test_unknown_iri_is_404(client: httpx.Client) -> None:
    r = client.get("/id/department/999999/1", headers={"Accept": "text/turtle"})
    assert (r.status_code, r.headers["content-type"]) == (404, "text/plain; charset=utf-8")
    assert client.get("/code/nothing.ttl").status_code == 404
    assert client.get("/id/nothing", headers={"Accept": "text/html"}).headers["content-type"].startswith("text/html")


def test_percent_encoded_iri(client: httpx.Client, store: Store) -> None:
    iri = BASE + "id/region/" + quote("山海关区", safe="")
    store.ox.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode(BKG + "name"), ox.Literal("山海关区"), ox.NamedNode(DOC1)))
    try:
        r = client.get(_path(iri) + ".nt")
        assert r.status_code == 200
        assert r.text == f'<{iri}> <{BKG}name> "山海关区" .\n'
    finally:
        store.ox.remove(
            ox.Quad(ox.NamedNode(iri), ox.NamedNode(BKG + "name"), ox.Literal("山海关区"), ox.NamedNode(DOC1))
        )


# -- dumps -----------------------------------------------------------------------------------


def test_dump_all_nquads_round_trip(client: httpx.Client, store: Store) -> None:
    r = client.get("/dumps/all.nq.gz")
    assert (r.status_code, r.headers["content-type"]) == (200, "application/gzip")
    quads = list(ox.parse(gzip.decompress(r.content), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(store) == FIXTURE_QUADS
    assert set(quads) == set(store.quads())


def test_dump_trig_and_turtle(client: httpx.Client, store: Store) -> None:
    trig = gzip.decompress(client.get("/dumps/all.trig.gz").content)
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == set(store.quads())
    ttl = gzip.decompress(client.get("/dumps/all.ttl.gz").content)
    assert {q.triple for q in ox.parse(ttl, format=ox.RdfFormat.TURTLE)} == {q.triple for q in store.quads()}


def test_dump_per_document(client: httpx.Client, store: Store) -> None:
    index = client.get("/dumps/index.json").json()
    names = {f["name"] for f in index["files"]}
    assert "130303-612-2023-budget-main.nq.gz" in names
    body = gzip.decompress(client.get("/dumps/130303-612-2023-budget-main.nq.gz").content)
    quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
    expected = set(store.quads(DOC1)) | set(store.quads(DOC1 + "/validation"))
    assert set(quads) == expected and len(quads) == len(expected)
    assert client.get("/dumps/nothing.nq.gz").status_code == 404


def test_dump_etag_and_head(client: httpx.Client) -> None:
    r = client.get("/dumps/all.nq.gz")
    etag = r.headers["etag"]
    again = client.get("/dumps/all.nq.gz", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    head = client.head("/dumps/all.nq.gz")
    assert (head.status_code, head.headers["etag"], head.content) == (200, etag, b"")
    assert client.get("/dumps/all.trig.gz").headers["etag"] != etag
    assert client.get("/dumps/", headers={"Accept": "text/html"}).status_code == 200
