"""The W3C SPARQL 1.1 Protocol tests (query side), over real HTTP against a live server.

Each case is one entry of the W3C manifest (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl,
named by its ``:id`` and ``mf:name``), sent as the manifest writes the request (method, path
query string, content type, body) to our endpoint ``/sparql`` instead of the manifest's
``/sparql/``. Expected statuses are the manifest's: ``2xx or 3xx`` — we assert the exact code
we answer (200) — and ``4xx`` (the exact 4xx code we answer is asserted too).

Data: the manifest loads ``data1.nt`` … ``data3.nt`` as the graphs
``http://kasei.us/2009/09/sparql/data/dataN.rdf``; each says ``<dataN.rdf> a foaf:Document``
(the shape the manifest's queries ask for: ``<…/dataN.rdf> a ?type``), in a temporary store.

The ``update_*`` entries expect 2xx from an endpoint that accepts SPARQL Update; this endpoint
is read-only by design (issue 5: updates are refused with 4xx), so they are asserted as 403 and
the store is shown unchanged — a deliberate deviation, not a pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest

from budgetkg.app import create_app
from budgetkg.store import Store

try:
    from tests._server import LiveServer
except ModuleNotFoundError:
    from _server import LiveServer

DATA = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{DATA}data{i}.rdf" for i in range(4))
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
GRAPHS = 3


def q(value: str) -> str:
    """Percent-encode as the manifest does (everything but unreserved characters)."""
    return quote(value, safe="")


@pytest.fixture(scope="module")
def store() -> Store:
    st = Store()
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for iri in (D1, D2, D3):
        st.ox.add(ox.Quad(ox.NamedNode(iri), a, ox.NamedNode(FOAF_DOCUMENT), ox.NamedNode(iri)))
    return st


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[httpx.Client]:
    with LiveServer(create_app(store)) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def boolean(r: httpx.Response) -> bool:
    """The boolean of a SPARQL JSON or XML boolean result."""
    media = r.headers["content-type"].split(";")[0]
    parsed = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.from_media_type(media))
    assert isinstance(parsed, ox.QueryBoolean)
    return bool(parsed)


# -- query_*: 2xx with the expected result ---------------------------------------------------

ASK_D1_D2 = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
ASK_FULL = f"ASK {{\n  <{D3}> a ?type\n  GRAPH ?g1 {{ <{D1}> a ?type }}\n  GRAPH ?g2 {{ <{D2}> a ?type }}\n}}"
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}

BOOLEAN_CASES = [
    # (W3C test id, method, path + query string, headers, body, expected boolean)
    ("query_post_form", "POST", f"?default-graph-uri={q(D0)}", FORM, "query=ASK%20%7B%7D", True),
    ("query_dataset_default_graphs_get", "GET",
     f"?query={q(ASK_D1_D2)}&default-graph-uri={q(D1)}&default-graph-uri={q(D2)}", {}, None, True),
    ("query_dataset_default_graphs_post", "POST", f"?default-graph-uri={q(D1)}&default-graph-uri={q(D2)}",
     DIRECT, ASK_D1_D2, True),
    ("query_dataset_named_graphs_post", "POST", f"?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}",
     DIRECT, ASK_NAMED, True),
    ("query_dataset_named_graphs_get", "GET",
     f"?query={q(ASK_NAMED)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}", {}, None, True),
    ("query_dataset_full", "POST", f"?default-graph-uri={q(D3)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}",
     DIRECT, ASK_FULL, True),
    ("query_get", "GET", f"?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", {}, None, True),
    ("query_post_direct", "POST", "", DIRECT, "ASK {}", True),
]


@pytest.mark.parametrize(("test_id", "method", "path", "headers", "body", "expected"), BOOLEAN_CASES,
                         ids=[c[0] for c in BOOLEAN_CASES])
def test_query_boolean(client: httpx.Client, test_id: str, method: str, path: str, headers: dict[str, str],
                       body: str | None, expected: bool) -> None:
    r = client.request(method, "/sparql" + path, headers=headers, content=body.encode() if body else None)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] in ("application/sparql-results+json", "application/sparql-results+xml")
    assert boolean(r) is expected


def test_query_multiple_dataset(client: httpx.Client) -> None:
    """query_multiple_dataset: the protocol's dataset replaces the query's FROM.

    The manifest writes the named graphs as *one* parameter, ``named-graph-uri=…data1.rdf%26
    named-graph-uri%3D…data2.rdf`` (the ``&`` is percent-encoded), i.e. a single graph IRI that
    names no graph here, and expects ``true``. We assert the protocol's rule — the request's
    dataset wins over ``FROM <data3.rdf>`` — with both readings: as written (one unknown named
    graph: the GRAPH patterns cannot match, ``false``) and with the two graphs meant (``true``).
    """
    query = (f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}").encode()
    as_written = f"?named-graph-uri={q(D1 + '&named-graph-uri=' + D2)}"
    r = client.post("/sparql" + as_written, headers=DIRECT, content=query)
    assert (r.status_code, boolean(r)) == (200, False)
    meant = f"?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}"
    r = client.post("/sparql" + meant, headers=DIRECT, content=query)
    assert (r.status_code, boolean(r)) == (200, True)
    # and without a protocol dataset, FROM <data3.rdf> is the dataset: no named graphs at all
    r = client.post("/sparql", headers=DIRECT, content=query)
    assert (r.status_code, boolean(r)) == (200, False)


@pytest.mark.parametrize(
    ("test_id", "body", "allowed"),
    [
        ("query_content_type_select", "SELECT (1 AS ?value) {}",
         {"application/sparql-results+xml", "application/sparql-results+json", "text/tab-separated-values",
          "text/csv"}),
        ("query_content_type_ask", "ASK {}", {"application/sparql-results+xml", "application/sparql-results+json"}),
        ("query_content_type_describe", "DESCRIBE <http://example.org/>",
         {"application/rdf+xml", "text/turtle", "application/n-triples"}),
        ("query_content_type_construct", "CONSTRUCT { <s> <p> 1 } WHERE {}",
         {"application/rdf+xml", "text/turtle", "application/n-triples"}),
    ],
)
def test_query_content_type(client: httpx.Client, test_id: str, body: str, allowed: set[str]) -> None:
    r = client.post(f"/sparql?default-graph-uri={q(D0)}", headers=DIRECT, content=body.encode())
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] in allowed


def test_query_content_type_select_result(client: httpx.Client) -> None:
    r = client.post(f"/sparql?default-graph-uri={q(D0)}", headers={**DIRECT, "Accept": "text/csv"},
                    content=b"SELECT (1 AS ?value) {}")
    assert (r.status_code, r.text) == (200, "value\r\n1\r\n")


def test_query_content_type_construct_result(client: httpx.Client) -> None:
    r = client.post(f"/sparql?default-graph-uri={q(D0)}", headers={**DIRECT, "Accept": "application/n-triples"},
                    content=b"CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}")
    assert (r.status_code, r.text) == (
        200, '<http://example.org/s> <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )


# -- bad_query_*: 4xx ------------------------------------------------------------------------

BAD_QUERY_CASES = [
    # (W3C test id, method, path, headers, body, our 4xx)
    ("bad_query_method", "PUT", f"?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", FORM, b"", 405),
    ("bad_multiple_queries", "GET", "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", {}, None, 400),
    ("bad_query_wrong_media_type", "POST", "", {"content-type": "text/plain"}, b"ASK {}", 415),
    ("bad_query_missing_form_type", "POST", "", {}, b"query=ASK%20%7B%7D", 415),
    ("bad_query_missing_direct_type", "POST", "", {}, b"ASK {}", 415),
    ("bad_query_non_utf8", "POST", "", {"content-type": "application/sparql-query; charset=UTF-16"},
     "ASK {}".encode("utf-16"), 415),
    ("bad_query_syntax", "GET", "?query=ASK%20%7B", {}, None, 400),
]


@pytest.mark.parametrize(("test_id", "method", "path", "headers", "body", "status"), BAD_QUERY_CASES,
                         ids=[c[0] for c in BAD_QUERY_CASES])
def test_bad_query(client: httpx.Client, test_id: str, method: str, path: str, headers: dict[str, str],
                   body: bytes | None, status: int) -> None:
    r = client.request(method, "/sparql" + path, headers=headers, content=body)
    assert r.status_code == status, r.text


def test_bad_query_non_utf8_bytes_without_charset(client: httpx.Client) -> None:
    """bad_query_non_utf8's body (UTF-16 with a BOM) sent *without* a charset: not UTF-8, 400."""
    r = client.post("/sparql", headers=DIRECT, content="ASK {}".encode("utf-16"))
    assert (r.status_code, r.text) == (400, "The request body is not UTF-8.\n")
    r = client.post("/sparql", headers=FORM, content=b"query=ASK%20%7B%7D%FF")  # %FF: not UTF-8 either
    assert (r.status_code, r.text) == (400, "The request body is not UTF-8.\n")


# -- bad_update_* (4xx) and update_* (refused: this endpoint is read-only) -------------------

UPDATE = "application/sparql-update"
UPDATE_CASES = [
    ("bad_update_get", "GET", "?update=CLEAR%20ALL", {}, None),
    ("bad_multiple_updates", "POST", "", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    ("bad_update_wrong_media_type", "POST", "", {"content-type": "text/plain"}, b"CLEAR NAMED"),
    ("bad_update_missing_form_type", "POST", "", {}, b"update=CLEAR%20NAMED"),
    ("bad_update_non_utf8", "POST", "", {"content-type": UPDATE + "; charset=UTF-16"}, "CLEAR NAMED".encode("utf-16")),
    ("bad_update_syntax", "POST", "", FORM, b"update=CLEAR%20XYZ"),
    ("bad_update_dataset_conflict", "POST", f"?using-graph-uri={q(D1)}", {"content-type": UPDATE},
     f"PREFIX dc: <http://purl.org/dc/terms/>\nCLEAR ALL ;\nINSERT {{ GRAPH <http://example.org/x> {{ ?s a dc:B }} }}"
     f"\nUSING <{D1}> WHERE {{ ?s a <{FOAF_DOCUMENT}> }}".encode()),
    ("update_dataset_default_graph", "POST", f"?using-graph-uri={q(D1)}", {"content-type": UPDATE}, b"CLEAR ALL"),
    ("update_dataset_default_graphs", "POST", f"?using-graph-uri={q(D1)}&using-graph-uri={q(D2)}",
     {"content-type": UPDATE}, b"CLEAR ALL"),
    ("update_dataset_full", "POST", f"?using-named-graph-uri={q(D1)}&using-graph-uri={q(D2)}",
     {"content-type": UPDATE}, b"CLEAR ALL"),
    ("update_dataset_named_graphs", "POST", f"?using-named-graph-uri={q(D1)}", {"content-type": UPDATE},
     b"CLEAR ALL"),
    ("update_post_form", "POST", "", FORM, b"update=CLEAR+ALL"),
    ("update_post_direct", "POST", "", {"content-type": UPDATE}, b"CLEAR ALL"),
    ("update_base_uri", "POST", "", {"content-type": UPDATE},
     b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> "
     b"<test> } }"),
]


@pytest.mark.parametrize(("test_id", "method", "path", "headers", "body"), UPDATE_CASES,
                         ids=[c[0] for c in UPDATE_CASES])
def test_updates_are_refused(client: httpx.Client, store: Store, test_id: str, method: str, path: str,
                             headers: dict[str, str], body: bytes | None) -> None:
    r = client.request(method, "/sparql" + path, headers=headers, content=body)
    expected = 415 if test_id in ("bad_update_wrong_media_type", "bad_update_missing_form_type") else 403
    assert r.status_code == expected, r.text
    assert len(store) == GRAPHS and len(list(store.ox.named_graphs())) == GRAPHS
