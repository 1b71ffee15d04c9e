"""The web app over real HTTP: SPARQL protocol, Linked Data pages, VoID, dumps.

Every test talks to a real uvicorn server (tests/_server.py) over a real store built from
tests/fixtures/server-mini.trig, with httpx, SPARQLWrapper and curl as clients.
"""

from __future__ import annotations

import gzip
import socket
import subprocess
import threading
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


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (SUM_QUERY, None),
        (SUM_QUERY, "text/csv"),
        ("ASK { ?s ?p ?o }", "application/sparql-results+xml"),
        (f"CONSTRUCT WHERE {{ <{OBS}> ?p ?o }}", "application/n-triples"),
        ("SELECT * WHERE { ?s ?p }", None),  # 400, the parser's message
        ("SELECT * WHERE { ?s ?p ?o }", "image/png"),  # 406
    ],
)
def test_get_fast_path_answers_exactly_as_the_routed_post(client: httpx.Client, query: str, accept: str | None) -> None:
    # GET /sparql?query= is answered by a raw ASGI path ahead of FastAPI (lookup speed); POST is
    # routed by FastAPI: same status, same headers that matter, same bytes — CORS included.
    names = ("content-type", "vary", "x-sparql-maxrows", "access-control-allow-origin",
             "access-control-expose-headers")
    for origin in ({"Origin": "https://example.org"}, {}):
        headers = {**origin, **({"Accept": accept} if accept else {})}
        fast = client.get("/sparql", params={"query": query}, headers=headers)
        routed = client.post("/sparql", data={"query": query}, headers=headers)
        assert fast.status_code == routed.status_code
        assert [fast.headers.get(n) for n in names] == [routed.headers.get(n) for n in names]
        assert fast.content == routed.content


def test_point_lookups_answer_as_the_worker_path() -> None:
    # one triple pattern with a constant subject runs on the event loop (no thread hop) up to
    # INLINE_ROWS rows, else on a worker: the answers are the same either way
    from budgetkg.sparql import INLINE_ROWS, is_point_lookup

    store = Store()
    s, p = ox.NamedNode(BASE + "id/hub"), ox.NamedNode(BKG + "member")
    store.ox.extend(ox.Quad(s, p, ox.Literal(str(i)), ox.NamedNode(BASE + "graph/g")) for i in range(INLINE_ROWS + 36))
    store.ox.add(ox.Quad(ox.NamedNode(BASE + "id/one"), p, ox.Literal("1"), ox.NamedNode(BASE + "graph/g")))
    with LiveServer(create_app(store)) as live:
        for subject, rows in (("id/one", 1), ("id/hub", INLINE_ROWS + 36)):
            lookup = f"SELECT ?o WHERE {{ <{BASE}{subject}> <{BKG}member> ?o }}"
            worker = f"SELECT ?o WHERE {{ <{BASE}{subject}> <{BKG}member> ?o FILTER(true) }}"
            assert is_point_lookup(lookup) and not is_point_lookup(worker)
            a = httpx.get(live + "/sparql", params={"query": lookup}, headers={"Accept": "text/csv"})
            b = httpx.get(live + "/sparql", params={"query": worker}, headers={"Accept": "text/csv"})
            assert a.status_code == b.status_code == 200
            assert sorted(a.text.splitlines()) == sorted(b.text.splitlines())
            assert len(a.text.splitlines()) == rows + 1
        bad = httpx.get(live + "/sparql", params={"query": f"SELECT ?o WHERE {{ <{BASE}id/one> ?o }}"})
        assert bad.status_code == 400 and bad.text.startswith("Malformed query: ")


def test_index_lookups_answer_as_oxigraph() -> None:
    # the plain point lookups read off the quad index give Oxigraph's own answer: one row per
    # matching quad (default graph and every named graph: a triple in two graphs is two rows),
    # in its order, unbound projected variables as None; other spellings are left to Oxigraph
    from budgetkg.sparql import index_lookup

    store = Store()
    s, p, c = ox.NamedNode(BASE + "id/s"), ox.NamedNode(BKG + "p"), ox.NamedNode(BASE + "id/c")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for g in ("graph/b", "graph/a"):
        store.ox.extend([ox.Quad(s, p, c, ox.NamedNode(BASE + g)), ox.Quad(s, rdf_type, c, ox.NamedNode(BASE + g)),
                         ox.Quad(s, c, ox.Literal("x", language="zh"), ox.NamedNode(BASE + g))])
    store.ox.add(ox.Quad(s, p, ox.NamedNode(BASE + "id/d"), ox.DefaultGraph()))
    read = [
        f"SELECT ?o WHERE {{ <{s.value}> <{p.value}> ?o }}",
        f"select $o ?p {{<{s.value}> ?p ?o.}}",
        f"SELECT ?unbound ?p WHERE {{ <{s.value}> ?p <{c.value}> }}",
        f"ASK {{ <{s.value}> a <{c.value}> }}",
        f"ASK {{ <{s.value}> ?p <{BASE}id/nothing> }}",
    ]
    left = [
        f"SELECT * WHERE {{ <{s.value}> ?p ?o }}",  # Oxigraph orders the variables of *
        f"SELECT ?p WHERE {{ <{s.value}> ?p ?p }}",  # one variable twice in the pattern
        f"SELECT ?o WHERE {{ <{s.value}> A ?o }}",  # 'a' is case-sensitive: a syntax error
        f"SELECT ?o ?o WHERE {{ <{s.value}> <{p.value}> ?o }}",  # a syntax error
        f"SELECT ?o WHERE {{ <id/s> <{p.value}> ?o }}",  # relative: resolved against the base
        f'SELECT ?p WHERE {{ <{s.value}> ?p "x"@zh }}',  # a literal
    ]
    for query in read:
        lookup = index_lookup(query)
        assert lookup is not None, query
        mine = lookup.solve(store, 64)
        assert mine is not None
        theirs = store.ox.query(query, base_iri=BASE, use_default_graph_as_union=True)
        if isinstance(theirs, ox.QueryBoolean):
            assert mine.boolean is bool(theirs)
        else:
            assert isinstance(theirs, ox.QuerySolutions)
            variables = [v.value for v in theirs.variables]
            assert (mine.variables, mine.rows) == (variables, [list(row) for row in theirs])
    assert index_lookup(read[0]).solve(store, 64).rows == [[ox.NamedNode(BASE + "id/d")], [c], [c]]  # type: ignore[union-attr]
    assert index_lookup(read[0]).solve(store, 2) is None  # type: ignore[union-attr]  # over the row cap
    assert [index_lookup(query) for query in left] == [None] * len(left)


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


def test_service_outside_the_allow_list_is_refused(client: httpx.Client) -> None:
    # create_app's default allow-list is the configuration's: Wikidata only
    r = sparql(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert (r.status_code, r.text) == (
        400,
        "SERVICE <http://127.0.0.1:9/sparql>: host 127.0.0.1 is not on this endpoint's allow-list "
        "(allowed: https://query.wikidata.org/sparql).\n",
    )
    r = sparql(client, "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert r.status_code == 400
    # the word in a literal, a variable or a comment is not a SERVICE clause
    r = sparql(client, 'SELECT ?service ("SERVICE" AS ?x) WHERE { } # SERVICE', "text/csv")
    assert (r.status_code, r.text) == (200, "service,x\r\n,SERVICE\r\n")


def test_find_services_sees_keywords_only() -> None:
    from budgetkg.federation import FederationError, find_services

    allowed = frozenset({"http://a.example/sparql", BASE + "sparql"})
    query = """PREFIX s: <http://a.example/>
    SELECT ?service WHERE {  # SERVICE <http://evil.example/> in a comment
      ?x <http://evil.example/SERVICE> "SERVICE <http://evil.example/>" .
      service s:sparql { ?x ?p ?o OPTIONAL { SERVICE <http://a.example/sparql> { ?o ?q ?r } } }
      SERVICE SILENT <sparql> { ?y ?p ?z }
    }"""
    services, prologue = find_services(query, allowed, BASE)
    assert prologue == "PREFIX s: <http://a.example/>\n    "
    assert [(s.endpoint, s.silent, s.group) for s in services] == [
        ("http://a.example/sparql", False,
         "{ ?x ?p ?o OPTIONAL { SERVICE <http://a.example/sparql> { ?o ?q ?r } } }"),
        (BASE + "sparql", True, "{ ?y ?p ?z }"),  # relative IRI: against the base
    ]
    for refused in ("SELECT * { SERVICE <http://evil.example/> {} }", "ASK { SERVICE $e {} }",
                    "ASK { SERVICE s:x {} }", "ASK { SERVICE <http://a.example/sparql> { ?s ?p ?o ", "ASK { SERVICE }"):
        with pytest.raises(FederationError) as err:
            find_services(refused, allowed, BASE)
        assert err.value.status == 400


# -- federated query (SERVICE) against a second live endpoint ---------------------------------

REMOTE = "http://example.org/remote#"


class Listener:
    """A loopback socket that accepts connections, counts them and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture(scope="module")
def federation(store: Store) -> Iterator[dict[str, object]]:
    remote = Store()
    labels = {"total": "Total (remote)", "basic": "Basic (remote)", "project": "Project (remote)"}
    remote.ox.extend(
        ox.Quad(ox.NamedNode(f"{BASE}code/breakdown/{k}"), ox.NamedNode(REMOTE + "label"), ox.Literal(v, language="en"))
        for k, v in labels.items()
    )
    remote.ox.extend(  # 150 rows: more than the row limit (100) of the federating endpoint
        ox.Quad(ox.NamedNode(f"{REMOTE}n{i}"), ox.NamedNode(REMOTE + "n"), ox.Literal(str(i))) for i in range(150)
    )
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/sparql"
    closed.close()  # nothing listens there: connections are refused
    silent, outsider = Listener(), Listener()
    with LiveServer(create_app(remote)) as remote_url:
        allow = [remote_url + "/sparql", closed_url, silent.url]
        app = create_app(store, max_results=MAX_RESULTS, query_timeout_s=1.5, service_allow=allow)
        with LiveServer(app) as url:
            yield {"url": url, "remote": remote_url + "/sparql", "closed": closed_url, "silent": silent,
                   "outsider": outsider}
    silent.close()
    outsider.close()


FEDERATED = """PREFIX bkg: <{base}def/budget#>
PREFIX r: <http://example.org/remote#>
SELECT ?amount ?label WHERE {{
  ?o bkg:classification <{base}code/functional/201> ; bkg:breakdown ?b ; bkg:amount ?amount .
  SERVICE <{remote}> {{ ?b r:label ?label }}
}} ORDER BY ?amount"""


def test_federated_query_joins_the_allowed_endpoint(federation: dict[str, object]) -> None:
    query = FEDERATED.format(base=BASE, remote=federation["remote"])
    r = httpx.post(f"{federation['url']}/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert (r.status_code, r.text) == (
        200,
        "amount,label\r\n20.15,Project (remote)\r\n100.3,Basic (remote)\r\n120.45,Total (remote)\r\n",
    )
    # a prefixed endpoint name is resolved like an IRI
    query = f"PREFIX s: <{federation['remote']}>\nASK {{ SERVICE s: {{ ?s <{REMOTE}label> \"Basic (remote)\"@en }} }}"
    assert httpx.post(f"{federation['url']}/sparql", data={"query": query}).json()["boolean"] is True


def test_federated_rows_count_against_the_row_limit(federation: dict[str, object]) -> None:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{federation['remote']}> {{ ?s <{REMOTE}n> ?v }} }}"
    r = httpx.post(f"{federation['url']}/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert (r.status_code, r.text, r.headers["X-SPARQL-MaxRows"]) == (200, "n\r\n100\r\n", "100")


def test_service_to_a_host_not_allowed_makes_no_connection(federation: dict[str, object]) -> None:
    outsider = federation["outsider"]
    assert isinstance(outsider, Listener)
    for query in (
        f"SELECT * WHERE {{ SERVICE <{outsider.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{outsider.url}> {{ ?s ?p ?o }} }}",
        # nested in an allowed one: refused as well, nothing is sent to the allowed endpoint either
        f"SELECT * WHERE {{ SERVICE <{federation['remote']}> {{ SERVICE <{outsider.url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{outsider.url}> {{ ?s ?p ?o }} }} }}",
    ):
        r = httpx.post(f"{federation['url']}/sparql", data={"query": query})
        assert (r.status_code, r.text) == (
            400,
            f"SERVICE <{outsider.url}>: host 127.0.0.1 is not on this endpoint's allow-list (allowed: "
            f"{' '.join(sorted([federation['remote'], federation['closed'], federation['silent'].url]))}).\n",
        )
    time.sleep(0.2)
    assert outsider.accepted == []


def test_malformed_federated_query_is_400_before_any_call(federation: dict[str, object]) -> None:
    silent = federation["silent"]
    assert isinstance(silent, Listener)
    before = len(silent.accepted)
    query = f"SELECT * WHERE {{ SERVICE <{silent.url}> {{ ?s ?p ?o }} ?x }}"  # ?x alone: not a triple
    r = httpx.post(f"{federation['url']}/sparql", data={"query": query})
    assert r.status_code == 400 and r.text.startswith("Malformed query: ")
    time.sleep(0.2)
    assert len(silent.accepted) == before


def test_service_with_a_variable_endpoint_is_refused(federation: dict[str, object]) -> None:
    query = f"SELECT * WHERE {{ VALUES ?e {{ <{federation['remote']}> }} SERVICE ?e {{ ?s ?p ?o }} }}"
    r = httpx.post(f"{federation['url']}/sparql", data={"query": query})
    assert (r.status_code, r.text) == (
        400, "SERVICE ?e: a variable endpoint is not allowed; name an allowed endpoint IRI.\n"
    )


def test_unreachable_allowed_endpoint_is_502_and_silent_is_empty(federation: dict[str, object]) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{federation['closed']}> {{ ?s ?p ?o }} }}"
    r = httpx.post(f"{federation['url']}/sparql", data={"query": query})
    assert r.status_code == 502
    assert r.text.startswith(f"SERVICE <{federation['closed']}>: could not reach 127.0.0.1: ")
    silent = query.replace("SERVICE", "SERVICE SILENT")
    r = httpx.post(f"{federation['url']}/sparql", data={"query": silent}, headers={"Accept": "text/csv"})
    assert (r.status_code, r.text) == (200, "o,p,s\r\n,,\r\n")  # the one empty solution


def test_allowed_endpoint_that_never_answers_is_504_at_the_deadline(federation: dict[str, object]) -> None:
    silent = federation["silent"]
    assert isinstance(silent, Listener)
    started = time.monotonic()
    r = httpx.post(f"{federation['url']}/sparql", data={"query": f"ASK {{ SERVICE <{silent.url}> {{ ?s ?p ?o }} }}"})
    elapsed = time.monotonic() - started
    assert (r.status_code, r.text) == (504, f"SERVICE <{silent.url}>: 127.0.0.1 did not answer in time.\n")
    assert 1.4 < elapsed < 2.5  # the 1.5 s limit, counted from the request's arrival
    assert len(silent.accepted) >= 1


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


COUNT_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


def test_cheap_query_under_a_flood_of_slow_ones_answers_within_the_limit() -> None:
    # 200^3 rows to count: ~1.6 s inside one Oxigraph step each, which nothing can interrupt. The margin over the
    # limit is for a loaded machine (0.27 s was seen in CI beside other jobs); a server that waited for one step
    # would still take over twice as long as limit + margin.
    limit, margin = 0.2, 0.5
    with LiveServer(create_app(generated_store(200), query_timeout_s=limit)) as live:
        results: list[tuple[int, float]] = []
        # clients made beforehand: making one costs tens of ms of (GIL-holding) SSL set-up
        clients = [httpx.Client(base_url=live, timeout=30) for _ in range(11)]

        def slow() -> None:
            client = clients.pop()
            started = time.monotonic()
            r = client.post("/sparql", data={"query": COUNT_JOIN})
            results.append((r.status_code, time.monotonic() - started))

        flood = [threading.Thread(target=slow) for _ in range(10)]
        for t in flood:
            t.start()
        time.sleep(0.05)
        started = time.monotonic()
        cheap = clients.pop().post("/sparql", data={"query": "ASK { ?s ?p ?o }"})  # not a point lookup: queued
        elapsed = time.monotonic() - started
        for t in flood:
            t.join()
        # queued or running, every request is answered at its deadline counted from arrival
        assert cheap.status_code in (200, 503) and elapsed < limit + margin
        assert [status for status, _ in results] == [503] * 10
        assert max(took for _, took in results) < limit + margin
        # once the abandoned workers have finished their step, the endpoint answers normally
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = httpx.post(live + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
            if r.status_code == 200:
                break
            time.sleep(0.2)
        assert (r.status_code, r.json()["boolean"]) == (200, True)


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
    assert '<div id="yasgui" data-query="SELECT ?g' in html.text
    plain = client.get("/query/plain")
    assert '<textarea id="query" name="query"' in plain.text


def test_query_page_and_examples(client: httpx.Client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/query", params={"query": "SELECT <x&y> {}"})
    assert r.status_code == 200
    assert '<div id="yasgui" data-query="SELECT &lt;x&amp;y&gt; {}" data-autorun="yes">' in r.text  # escaped
    assert '<script src="/static/vendor/yasgui/yasgui.min.js"></script>' in r.text
    assert "cdn" not in r.text.lower()
    r = client.get("/query/plain", params={"query": "SELECT <x&y> {}"})
    assert "SELECT &lt;x&amp;y&gt; {}</textarea>" in r.text
    js = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert (js.status_code, js.headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert client.get("/static/vendor/yasgui/yasgui.min.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    (tmp_path / "b.rq").write_text("# title: 总额 Totals\nSELECT * {}\n", encoding="utf-8")
    (tmp_path / "a.rq").write_text("ASK {}\n", encoding="utf-8")
    assert [(e.name, e.title) for e in examples(tmp_path)] == [("a", "a"), ("b", "总额 Totals")]
    assert examples(tmp_path / "missing") == []


def test_query_page_without_yasgui_is_the_plain_editor(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import budgetkg.sparql

    monkeypatch.setattr(budgetkg.sparql, "YASGUI_DIR", tmp_path / "missing")
    r = client.get("/query")
    assert r.status_code == 200
    assert '<p class="muted" id="no-yasgui">YASGUI is not installed here' in r.text
    assert '<textarea id="query" name="query"' in r.text and "yasgui.min.js" not in r.text


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


# -- budgetkg serve's HTTP protocol: one write per response ----------------------------------


class RecordingTransport:
    """An asyncio transport that keeps every write (what would each be a TCP segment)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def test_serve_protocol_writes_each_response_in_one_piece(store: Store) -> None:
    # uvicorn writes head and body separately (two segments, two client wake-ups); budgetkg
    # serve's protocol writes each response once, on keep-alive connections, for HEAD and errors
    import asyncio

    import uvicorn
    from uvicorn.server import ServerState

    from budgetkg.app import HTTP_PROTOCOL

    assert HTTP_PROTOCOL is not None
    lookup = quote(f"SELECT ?a WHERE {{ <{OBS}> <{BKG}amount> ?a }}")
    requests = [
        f"GET /sparql?query={lookup} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n",
        f"GET /sparql?query={lookup} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n",  # same connection
        "GET /sparql?query=SELECT HTTP/1.1\r\nHost: x\r\n\r\n",  # 400 from the fast path
        f"HEAD /{OBS.removeprefix(BASE)} HTTP/1.1\r\nHost: x\r\nAccept: text/turtle\r\n\r\n",  # routed, no body
        "GET /no/such/page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",  # 404, then closed
    ]

    async def exchange() -> list[list[bytes]]:
        config = uvicorn.Config(create_app(store), http=HTTP_PROTOCOL, lifespan="off", log_level="warning")
        config.load()
        protocol = HTTP_PROTOCOL(config=config, server_state=ServerState(), app_state={})  # type: ignore[call-arg]
        transport = RecordingTransport()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        answers = []
        for request in requests:
            before = len(transport.writes)
            protocol.data_received(request.encode())
            for _ in range(200):
                await asyncio.sleep(0.005)
                if protocol.cycle.response_complete:
                    break
            answers.append(transport.writes[before:])
        protocol.connection_lost(None)
        assert transport.closed
        return answers

    answers = asyncio.run(exchange())
    assert [len(a) for a in answers] == [1, 1, 1, 1, 1]
    first, second, bad, head, missing = (a[0] for a in answers)
    assert first.startswith(b"HTTP/1.1 200 OK\r\n") and first.endswith(b"\r\n\r\na\r\n120.45\r\n")
    assert second.split(b"\r\n\r\n")[1] == b"a\r\n120.45\r\n"
    assert bad.startswith(b"HTTP/1.1 400 Bad Request\r\n") and b"\r\n\r\nMalformed query: " in bad
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and head.endswith(b"\r\n\r\n") and b"text/turtle" in head
    assert missing.startswith(b"HTTP/1.1 404 Not Found\r\n") and b"connection: close\r\n" in missing


@pytest.mark.parametrize(
    "raw",
    [b"query=SELECT+%3Fa+WHERE+%7B+%3Chttp%3A%2F%2Fx%2Fs%3E+%3Fp+%3Fa+%7D", b"q=%E4%B8%AD&default-graph-uri=",
     b"a=%4", b"a=%g1&b", b"x=\\%41+b%5C", b"&&q=1=2&=", b"q=%E4%B8%AD%zz", b"a=%e4%b8", "q=中+%41".encode(), b""],
)
def test_query_string_parsing_equals_urllib(raw: bytes) -> None:
    # the GET fast path's parser must read every query string exactly as Starlette (urllib) does
    from urllib.parse import parse_qsl

    from budgetkg.sparql import parse_query_string

    assert parse_query_string(raw) == parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
