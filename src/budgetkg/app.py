"""The budgetkg web application: SPARQL endpoint, Linked Data pages, VoID and dumps.

Every HTML page has a machine-readable twin (RDF, SPARQL results or JSON), chosen by HTTP
content negotiation (``Accept`` with q-values) or, for resources, a file-extension suffix.

Query safety, in order: the endpoint only ever calls pyoxigraph's ``query`` (which cannot
modify the store), refuses update requests with 403, refuses ``SERVICE`` (no server-side
fetching of URLs), limits the query size (413), the result size (truncation, see
``X-SPARQL-MaxRows``) and the wall-clock time (503). pyoxigraph cannot cancel a running
query, so queries run on a small pool of worker threads that check the deadline between
result rows; the response is sent at the deadline in every case, and a worker stuck inside
one long step (e.g. an aggregate over a huge join) finishes that step in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import queue
import re
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qsl, quote

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from budgetkg import render, uris
from budgetkg.config import SPARQL_DIR, base_iri
from budgetkg.store import Store

# -- media types -----------------------------------------------------------------------------

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
HTML = "text/html"
JSON = "application/json"

#: Offered media type -> (canonical response type, pyoxigraph format).
RDF_TYPES: dict[str, tuple[str, ox.RdfFormat]] = {
    TURTLE: (TURTLE, ox.RdfFormat.TURTLE),
    NTRIPLES: (NTRIPLES, ox.RdfFormat.N_TRIPLES),
    JSONLD: (JSONLD, ox.RdfFormat.JSON_LD),
    RDFXML: (RDFXML, ox.RdfFormat.RDF_XML),
    "application/x-turtle": (TURTLE, ox.RdfFormat.TURTLE),
    "text/plain": (NTRIPLES, ox.RdfFormat.N_TRIPLES),
}
RESULT_TYPES: dict[str, str] = {
    JSON_RESULTS: JSON_RESULTS,
    XML_RESULTS: XML_RESULTS,
    CSV: CSV,
    TSV: TSV,
    JSON: JSON_RESULTS,
    "application/xml": XML_RESULTS,
    "text/xml": XML_RESULTS,
}
BOOLEAN_TYPES = [JSON_RESULTS, XML_RESULTS, JSON, "application/xml", "text/xml"]
SUFFIXES: dict[str, str] = {".ttl": TURTLE, ".nt": NTRIPLES, ".jsonld": JSONLD, ".rdf": RDFXML, ".html": HTML}
CHARSET_TYPES = {TURTLE, NTRIPLES, CSV, TSV, HTML, "text/plain"}

# -- vocabulary ------------------------------------------------------------------------------

RDF_TYPE = render.RDF + "type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
CSVW = "http://www.w3.org/ns/csvw#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", DCT + "title")

#: Bounds that are not constructor arguments.
MAX_QUERY_BYTES = 64 * 1024
QUERY_WORKERS = 4
PAGE_SIZE = 200  # outgoing values / incoming links per HTML page
INCOMING_LIMIT = 1000  # incoming links included in an RDF description
DUMP_BATCH = 20_000  # quads serialised per chunk: bounds dump memory
DATASET_TITLE = "budgetkg: Chinese departmental budget disclosures as Linked Open Data"
DATASET_DESCRIPTION = (
    "部门预算/决算公开表格，按 W3C RDF Data Cube 建模：每个金额单元格是一个 qb:Observation，"
    "并可追溯到原表的行与单元格。 Departmental budget and final-account tables, one named "
    "graph per source document, every amount cell an observation traceable to its printed cell."
)


class Rejected(Exception):
    """A request the endpoint answers with an error status and a plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# -- content negotiation ---------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``Accept`` -> [(media range, q)], ignoring malformed parts and parameters other than q."""
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching ``offer`` (RFC 9110 §12.5.1)."""
    kind = offer.split("/")[0]
    best = (-1, 0.0)
    for media, q in ranges:
        specificity = 3 if media == offer else 2 if media == f"{kind}/*" else 1 if media == "*/*" else -1
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The best offer for ``header`` (ties: the server's order); None if nothing is acceptable."""
    if not header or not header.strip():
        return offers[0]
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in CHARSET_TYPES else media


# -- SPARQL protocol -------------------------------------------------------------------------


@dataclass
class ProtocolRequest:
    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    dataset_given: bool = False


async def read_protocol(request: Request) -> ProtocolRequest:
    """The query and dataset of a SPARQL 1.1 Protocol request (GET, form POST, direct POST)."""
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request)
        if media == "application/x-www-form-urlencoded":
            params += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        elif media == "application/sparql-query":
            params.append(("query", body.decode("utf-8", "replace")))
        elif media == "application/sparql-update":
            raise Rejected(403, "This endpoint is read-only: SPARQL Update is not accepted.")
        else:
            raise Rejected(415, "POST a query as application/x-www-form-urlencoded or application/sparql-query.")
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise Rejected(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise Rejected(400, "Exactly one 'query' parameter is allowed.")
    if queries and len(queries[0].encode()) > MAX_QUERY_BYTES:
        raise Rejected(413, f"The query is longer than {MAX_QUERY_BYTES} bytes.")
    defaults = [v for k, v in params if k == "default-graph-uri"]
    named = [v for k, v in params if k == "named-graph-uri"]
    return ProtocolRequest(queries[0] if queries else None, defaults, named, bool(defaults or named))


async def _read_body(request: Request) -> bytes:
    """The request body, refusing (413) more than MAX_QUERY_BYTES (+ form overhead) early."""
    limit = MAX_QUERY_BYTES * 3 + 4096  # percent-encoding can triple a form-encoded query
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Rejected(413, f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Rejected(413, f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


_UPDATE_START = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
#: Prologue declarations once their IRIs have been blanked out by _NOISE.
_PROLOGUE = re.compile(r"^\s*(PREFIX\s+[^\s:]*:|BASE\b)", re.IGNORECASE)
#: Comments, strings and IRIs: removed before looking for keywords so "SERVICE" in a
#: literal, an IRI or a comment does not count.
_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_SERVICE = re.compile(r"(?<![\w?$:\-])SERVICE(?![\w:\-])", re.IGNORECASE)


def _strip_noise(text: str) -> str:
    return _NOISE.sub(" ", text)


def looks_like_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update (after its prologue); only used to pick the message."""
    body = _strip_noise(text)
    while match := _PROLOGUE.match(body):
        body = body[match.end() :]
    return bool(_UPDATE_START.match(body))


def uses_service(text: str) -> bool:
    return bool(_SERVICE.search(_strip_noise(text)))


@dataclass
class Outcome:
    """A materialised query result, bounded by the row limit."""

    variables: list[str] = field(default_factory=list)
    rows: list[list[render.Term | None]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    graph: bool = False
    truncated: bool = False
    #: Reported, not raised: a traceback would carry the thread-bound result iterator away.
    timed_out: bool = False
    error: str | None = None  # an evaluation error met while iterating (same reason)


class QueryTimeout(Exception):
    pass


class Engine:
    """Runs queries on worker threads under a deadline and a row limit."""

    def __init__(self, store: Store, timeout_s: float, max_results: int) -> None:
        self.store = store
        self.timeout_s = timeout_s
        self.max_results = max_results
        self.pool = ThreadPoolExecutor(max_workers=QUERY_WORKERS, thread_name_prefix="sparql")

    async def run(self, req: ProtocolRequest) -> Outcome:
        text = req.query or ""
        if uses_service(text):
            raise Rejected(400, "SERVICE (federated query) is not allowed on this endpoint.")
        kwargs = self._dataset(req)
        deadline = time.monotonic() + self.timeout_s
        cancel = threading.Event()
        future = self.pool.submit(self._evaluate, text, kwargs, deadline, cancel)
        try:
            outcome = await asyncio.wait_for(asyncio.wrap_future(future), timeout=self.timeout_s)
            if outcome.timed_out:
                raise QueryTimeout
            if outcome.error is not None:
                raise Rejected(500, f"Query evaluation failed: {outcome.error}")
            return outcome
        except (TimeoutError, QueryTimeout):
            cancel.set()  # the worker stops at its next row
            raise Rejected(503, f"Query timed out: it ran longer than {self.timeout_s:g} s.") from None
        except SyntaxError as err:
            if looks_like_update(text):
                raise Rejected(403, "This endpoint is read-only: SPARQL Update is not accepted.") from None
            raise Rejected(400, f"Malformed query: {err}") from None
        except OSError as err:
            raise Rejected(500, f"Query evaluation failed: {err}") from None

    @staticmethod
    def _dataset(req: ProtocolRequest) -> dict[str, object]:
        """Protocol dataset -> pyoxigraph arguments; none given: default graph = union of all."""
        if not req.dataset_given:
            return {"use_default_graph_as_union": True}
        return {
            "default_graph": [ox.NamedNode(g) for g in req.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in req.named_graphs],
        }

    def _evaluate(self, text: str, kwargs: dict[str, object], deadline: float, cancel: threading.Event) -> Outcome:
        # Runs on a worker thread: pyoxigraph results are bound to the thread that made them,
        # so they must also be dropped here and never reach the event loop (not even in a traceback).
        result = self.store.ox.query(text, base_iri=base_iri(), **kwargs)  # type: ignore[arg-type]
        if isinstance(result, ox.QueryBoolean):
            return Outcome(boolean=bool(result))
        return self._collect(result, deadline, cancel)

    def _collect(
        self, result: ox.QuerySolutions | ox.QueryTriples, deadline: float, cancel: threading.Event
    ) -> Outcome:
        out = Outcome(graph=isinstance(result, ox.QueryTriples))
        if isinstance(result, ox.QuerySolutions):
            out.variables = [v.value for v in result.variables]
        width = len(out.variables)
        try:
            for item in result:
                if cancel.is_set() or time.monotonic() > deadline:
                    out.timed_out = True
                    break
                if len(out.rows) + len(out.triples) >= self.max_results:
                    out.truncated = True
                    break
                if out.graph:
                    out.triples.append(item)
                else:
                    out.rows.append([item[i] for i in range(width)])
        except (OSError, ValueError, RuntimeError) as err:
            out.error = str(err)
        return out


def results_response(outcome: Outcome, accept: str | None, max_results: int) -> Response:
    """Serialise an Outcome in the negotiated format."""
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-SPARQL-MaxRows"] = str(max_results)
    if outcome.boolean is not None:
        offer = negotiate(accept, BOOLEAN_TYPES)
        if offer is None:
            return _not_acceptable(BOOLEAN_TYPES)
        media = RESULT_TYPES[offer]
        body = render.boolean_json(outcome.boolean) if media == JSON_RESULTS else render.boolean_xml(outcome.boolean)
        return Response(body, media_type=_content_type(media), headers=headers)
    if outcome.graph:
        offer = negotiate(accept, list(RDF_TYPES))
        if offer is None:
            return _not_acceptable(list(RDF_TYPES))
        media, fmt = RDF_TYPES[offer]
        body = ox.serialize(outcome.triples, format=fmt, prefixes=_serial_prefixes(fmt))
        return Response(body, media_type=_content_type(media), headers=headers)
    offer = negotiate(accept, list(RESULT_TYPES))
    if offer is None:
        return _not_acceptable(list(RESULT_TYPES))
    media = RESULT_TYPES[offer]
    writer = {
        JSON_RESULTS: render.results_json,
        XML_RESULTS: render.results_xml,
        CSV: render.results_csv,
        TSV: render.results_tsv,
    }[media]
    return Response(writer(outcome.variables, outcome.rows), media_type=_content_type(media), headers=headers)


def _serial_prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return render.prefixes() if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None


def _not_acceptable(offers: Sequence[str]) -> Response:
    return Response(
        "Not Acceptable. Available: " + ", ".join(offers) + "\n",
        status_code=406,
        media_type="text/plain; charset=utf-8",
        headers={"Vary": "Accept"},
    )


def _plain_error(err: Rejected) -> Response:
    return Response(err.message + "\n", status_code=err.status, media_type="text/plain; charset=utf-8")


# -- store facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    text: str


def examples(folder: Path = SPARQL_DIR) -> list[Example]:
    """``sparql/*.rq``, titled by their leading ``# title:`` comment (file name otherwise)."""
    found: list[Example] = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        title = first.split(":", 1)[1].strip() if first.lower().startswith("# title:") else path.stem
        found.append(Example(path.stem, title, text))
    return found


def document_slug(doc_iri: str) -> str:
    """Dump file stem of a document: its path under the base, '/' -> '-', '/document/' dropped."""
    rel = doc_iri[len(base_iri()) :] if doc_iri.startswith(base_iri()) else doc_iri
    rel = rel.removeprefix("id/disclosure/").replace("/document/", "/")
    return rel.replace("/", "-")


def _count(store: Store, sparql: str) -> int:
    solutions = store.query(sparql)
    for sol in solutions:  # type: ignore[union-attr]
        value = sol[0]
        return int(value.value) if value is not None else 0
    return 0


def store_state(store: Store) -> str:
    """A fingerprint of the store content: graph names + quad count (the ETag of dumps)."""
    digest = hashlib.sha256("\n".join(store.graph_names()).encode())
    digest.update(str(len(store)).encode())
    return digest.hexdigest()[:32]


def stats(store: Store) -> dict[str, int]:
    return {
        "documents": len(store.documents()),
        "observations": _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) {{ ?o a <{QB}Observation> }}"),
        "triples": len(store),
        "graphs": len(store.graph_names()),
    }


def graph_sizes(store: Store) -> dict[str, int]:
    q = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {s["g"].value: int(s["n"].value) for s in store.ox.query(q)}  # type: ignore[union-attr]


# -- resource descriptions -------------------------------------------------------------------


@dataclass
class Description:
    iri: str
    subjects: list[str]
    outgoing: list[ox.Triple]
    incoming: list[ox.Triple]
    incoming_total: int
    graph_size: int  # triples in the named graph of this IRI (0 when it names no graph)
    graph_contents: list[ox.Triple]  # included for named graphs that are not source documents
    types: set[str]

    @property
    def empty(self) -> bool:
        return not (self.outgoing or self.incoming or self.graph_size)


def _dedupe(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


def _out(store: Store, term: ox.NamedNode | ox.BlankNode, depth: int = 0) -> list[ox.Triple]:
    """Triples about ``term`` from every graph, following blank-node objects (CBD)."""
    triples = _dedupe(q.triple for q in store.ox.quads_for_pattern(term, None, None, None))
    if depth < 4:
        for t in list(triples):
            if isinstance(t.object, ox.BlankNode) and t.object != term:
                triples += _out(store, t.object, depth + 1)
    return _dedupe(triples)


def describe(store: Store, iri: str, incoming_limit: int = INCOMING_LIMIT) -> Description:
    node = ox.NamedNode(iri)
    subjects = [iri]
    if iri.startswith(base_iri() + "def/"):  # hash IRIs: /def/budget describes def/budget#Term
        ontology = ox.NamedNode(uris.ontology_graph())
        hashed = {
            q.subject.value
            for q in store.ox.quads_for_pattern(None, None, None, ontology)
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(iri + "#")
        }
        subjects += sorted(hashed)
    outgoing: list[ox.Triple] = []
    for s in subjects:
        outgoing += _out(store, ox.NamedNode(s))
    incoming_all = (q.triple for q in store.ox.quads_for_pattern(None, None, node, None))
    incoming: list[ox.Triple] = []
    total = 0
    for t in dict.fromkeys(incoming_all):
        total += 1
        if len(incoming) < incoming_limit:
            incoming.append(t)
    types = {t.object.value for t in outgoing if t.predicate.value == RDF_TYPE and t.subject == node}
    graph_size, contents = 0, []
    if node in set(store.ox.named_graphs()):
        graph = list(q.triple for q in store.ox.quads_for_pattern(None, None, None, node))
        graph_size = len(graph)
        if store_document_class() not in types:  # a document's graph is in /dumps/, not inline
            contents = graph
    return Description(iri, subjects, _dedupe(outgoing), incoming, total, graph_size, contents, types)


def store_document_class() -> str:
    return uris.vocab() + "SourceDocument"


def description_triples(desc: Description) -> list[ox.Triple]:
    return _dedupe([*desc.outgoing, *desc.graph_contents, *desc.incoming])


def labels_for(store: Store, iris: Iterable[str]) -> dict[str, list[ox.Literal]]:
    """Labels (skos:prefLabel, rdfs:label, dcterms:title) of the given IRIs, from every graph."""
    found: dict[str, list[ox.Literal]] = {}
    for iri in dict.fromkeys(iris):
        node = ox.NamedNode(iri)
        lits: list[ox.Literal] = []
        for prop in LABEL_PROPERTIES:
            for q in store.ox.quads_for_pattern(node, ox.NamedNode(prop), None, None):
                if isinstance(q.object, ox.Literal) and q.object not in lits:
                    lits.append(q.object)
            if lits:
                break  # prefLabel wins over rdfs:label wins over dcterms:title
        if lits:
            found[iri] = lits
    return found


def _iris_in(triples: Iterable[ox.Triple]) -> Iterator[str]:
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                yield term.value


def dataset_grid(store: Store, iri: str) -> list[render.GridRow]:
    """The printed grid of a qb:DataSet/csvw:Table from its rows, text cells and observations."""
    bkg = uris.vocab()
    rows = [
        (
            s["row"].value,
            int(s["n"].value),
            int(s["count"].value) if s["count"] else 0,
            s["header"] is not None,
        )
        for s in store.query(f"""
            SELECT ?row ?n ?count ?header WHERE {{
              ?row <{bkg}table> <{iri}> ; <{CSVW}rownum> ?n .
              OPTIONAL {{ ?row <{bkg}cellCount> ?count }}
              OPTIONAL {{ ?row a ?header FILTER(?header = <{bkg}HeaderRow>) }} }}""")  # type: ignore[union-attr]
    ]
    texts = [
        (s["row"].value, int(s["i"].value), s["text"].value)
        for s in store.query(f"""
            SELECT ?row ?i ?text WHERE {{
              ?row <{bkg}table> <{iri}> . ?cell <{bkg}sourceRow> ?row ; <{bkg}cellIndex> ?i ;
                                                  <{bkg}printedText> ?text }}""")  # type: ignore[union-attr]
    ]
    amounts = [
        (s["row"].value, int(s["i"].value), s["v"].value, s["obs"].value)
        for s in store.query(f"""
            SELECT ?row ?i ?v ?obs WHERE {{
              ?obs <{QB}dataSet> <{iri}> ; <{bkg}sourceRow> ?row ; <{bkg}cellIndex> ?i .
              OPTIONAL {{ ?obs <{bkg}printedValue> ?pv }} OPTIONAL {{ ?obs <{bkg}amount> ?a }}
              BIND(COALESCE(?pv, STR(?a)) AS ?v) }}""")  # type: ignore[union-attr]
    ]
    return render.build_grid(rows, texts, amounts)


def document_tables(store: Store, iri: str) -> list[tuple[str, str]]:
    q = f"""SELECT ?t (SAMPLE(?title) AS ?name) WHERE {{
              ?t <http://www.w3.org/ns/prov#wasDerivedFrom> <{iri}> ; a <{CSVW}Table> .
              OPTIONAL {{ ?t <{DCT}title> ?title }} }} GROUP BY ?t ORDER BY ?t"""
    return [(s["t"].value, s["name"].value if s["name"] else "") for s in store.query(q)]  # type: ignore[union-attr]


def findings(store: Store, report_graph: str, limit: int = 500) -> list[dict[str, str]]:
    """sh:ValidationResult nodes of a report graph: severity, message, focus node, path."""
    q = f"""SELECT ?sev ?msg ?focus ?path WHERE {{ GRAPH <{report_graph}> {{
              ?r a <{SH}ValidationResult> . OPTIONAL {{ ?r <{SH}resultSeverity> ?sev }}
              OPTIONAL {{ ?r <{SH}resultMessage> ?msg }} OPTIONAL {{ ?r <{SH}focusNode> ?focus }}
              OPTIONAL {{ ?r <{SH}resultPath> ?path }} }} }} ORDER BY ?sev ?focus LIMIT {limit}"""
    return [
        {k: (s[k].value if s[k] is not None else "") for k in ("sev", "msg", "focus", "path")}
        for s in store.ox.query(q)  # type: ignore[union-attr]
    ]


# -- VoID and service description ------------------------------------------------------------


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: object, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(str(value), datatype=_nn(datatype) if datatype else None)


def void_triples(store: Store, root: str) -> list[ox.Triple]:
    """VoID description of the dataset with one void:subset per named graph."""
    ds = _nn(root + ".well-known/void#dataset")
    a = _nn(RDF_TYPE)
    triples = [
        ox.Triple(ds, a, _nn(VOID + "Dataset")),
        ox.Triple(ds, _nn(DCT + "title"), ox.Literal(DATASET_TITLE, language="en")),
        ox.Triple(ds, _nn(DCT + "description"), ox.Literal(DATASET_DESCRIPTION)),
        ox.Triple(ds, _nn(VOID + "sparqlEndpoint"), _nn(root + "sparql")),
        ox.Triple(ds, _nn(VOID + "uriSpace"), _lit(base_iri())),
        ox.Triple(ds, _nn(VOID + "triples"), _lit(len(store), render.XSD + "integer")),
        ox.Triple(ds, _nn(VOID + "rootResource"), _nn(root)),
    ]
    triples += [ox.Triple(ds, _nn(VOID + "dataDump"), _nn(root + f"dumps/all.{ext}")) for ext in ("nq.gz", "trig.gz")]
    for vocab in (
        QB,
        SKOS,
        DCT,
        CSVW,
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/ns/org#",
        SH,
        uris.vocab(),
    ):
        triples.append(ox.Triple(ds, _nn(VOID + "vocabulary"), _nn(vocab)))
    documents = {d.iri for d in store.documents()}
    for graph, size in sorted(graph_sizes(store).items()):
        sub = _nn(root + ".well-known/void#graph-" + hashlib.sha1(graph.encode()).hexdigest()[:12])
        triples += [
            ox.Triple(ds, _nn(VOID + "subset"), sub),
            ox.Triple(sub, a, _nn(VOID + "Dataset")),
            ox.Triple(sub, _nn(SD + "name"), _nn(graph)),
            ox.Triple(sub, _nn(VOID + "triples"), _lit(size, render.XSD + "integer")),
        ]
        if graph in documents:
            triples.append(ox.Triple(sub, _nn(VOID + "dataDump"), _nn(f"{root}dumps/{document_slug(graph)}.nq.gz")))
    return triples


def service_description(store: Store, root: str) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description: the default graph is the union of the named graphs."""
    svc, a = _nn(root + "sparql#service"), _nn(RDF_TYPE)
    dataset, default = _nn(root + "sparql#dataset"), _nn(root + "sparql#default-graph")
    triples = [
        ox.Triple(svc, a, _nn(SD + "Service")),
        ox.Triple(svc, _nn(SD + "endpoint"), _nn(root + "sparql")),
        ox.Triple(svc, _nn(SD + "supportedLanguage"), _nn(SD + "SPARQL11Query")),
        ox.Triple(svc, _nn(SD + "feature"), _nn(SD + "UnionDefaultGraph")),
        ox.Triple(svc, _nn(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, _nn(SD + "Dataset")),
        ox.Triple(dataset, _nn(SD + "defaultGraph"), default),
        ox.Triple(default, a, _nn(SD + "Graph")),
        ox.Triple(default, _nn(RDFS + "comment"), ox.Literal("The union of all named graphs.", language="en")),
        ox.Triple(default, _nn(VOID + "triples"), _lit(len(store), render.XSD + "integer")),
    ]
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML")  # fmt: skip
    triples += [ox.Triple(svc, _nn(SD + "resultFormat"), _nn(f"http://www.w3.org/ns/formats/{f}")) for f in formats]
    for i, graph in enumerate(store.graph_names()):
        named = _nn(f"{root}sparql#named-graph-{i}")
        triples += [
            ox.Triple(dataset, _nn(SD + "namedGraph"), named),
            ox.Triple(named, a, _nn(SD + "NamedGraph")),
            ox.Triple(named, _nn(SD + "name"), _nn(graph)),
        ]
    return triples


def rdf_response(triples: Sequence[ox.Triple], media: str, headers: dict[str, str] | None = None) -> Response:
    canonical, fmt = RDF_TYPES[media]
    body = ox.serialize(triples, format=fmt, prefixes=_serial_prefixes(fmt))
    return Response(body, media_type=_content_type(canonical), headers=headers)


def root_url(request: Request) -> str:
    """This server's own URL (for endpoint and dump links), ending in '/'."""
    return str(request.base_url)


# -- dumps -----------------------------------------------------------------------------------


def _batches(items: Iterator[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    while batch := list(islice(items, size)):
        yield batch


def _dump_chunks(store: Store, graphs: list[str] | None, fmt: ox.RdfFormat) -> Iterator[bytes]:
    """Serialise quads (or, for triple formats, their triples) batch by batch.

    Each batch is a complete document; concatenated they stay valid N-Quads/N-Triples, and
    valid TriG/Turtle too (repeated @prefix lines and graph blocks are allowed).
    """
    triples_only = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
    prefixes = _serial_prefixes(fmt)
    for graph in graphs or [None]:
        quads = iter(store.ox.quads_for_pattern(None, None, None, _nn(graph) if graph else None))
        for batch in _batches(quads, DUMP_BATCH):
            items: list[ox.Quad] | list[ox.Triple] = [q.triple for q in batch] if triples_only else batch
            yield ox.serialize(items, format=fmt, prefixes=prefixes)


def gzip_stream(store: Store, graphs: list[str] | None, fmt: ox.RdfFormat) -> AsyncIterator[bytes]:
    """Gzip a dump on one producer thread (pyoxigraph iterators are bound to their thread),
    handing chunks over a bounded queue so memory stays flat whatever the store size."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def put(item: bytes | BaseException | None) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                chunks.put(item, timeout=0.5)
                return True
        return False

    def produce() -> None:
        try:
            z = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip container, mtime 0 (stable ETag)
            for raw in _dump_chunks(store, graphs, fmt):
                if (out := z.compress(raw)) and not put(out):
                    return
            put(z.flush())
            put(None)
        except BaseException as err:
            put(err)

    async def consume() -> AsyncIterator[bytes]:
        thread = threading.Thread(target=produce, name="dump", daemon=True)
        thread.start()
        try:
            while True:
                item = await asyncio.to_thread(chunks.get)
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()  # the client went away or we are done: let the producer exit

    return consume()


# -- the application -------------------------------------------------------------------------


def create_app(store: Store, *, query_timeout_s: float = 10.0, max_results: int = 10000) -> FastAPI:
    """The web application over ``store`` (read-only use)."""
    app = FastAPI(title="budgetkg", docs_url=None, redoc_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD"],
        allow_headers=["*"],
        expose_headers=["X-SPARQL-MaxRows", "Link", "ETag", "Vary"],
    )
    engine = Engine(store, query_timeout_s, max_results)
    app.state.engine = engine
    app.router.add_event_handler("shutdown", lambda: engine.pool.shutdown(wait=False, cancel_futures=True))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # Browsers get a page, everybody else plain text (FastAPI's default would be JSON).
        if negotiate(request.headers.get("accept"), ["text/plain", HTML]) == HTML:
            html = render.page("error.html", title=str(exc.status_code), status=exc.status_code, message=exc.detail)
            return HTMLResponse(html, status_code=exc.status_code, headers={"Vary": "Accept"})
        return Response(f"{exc.detail}\n", status_code=exc.status_code, media_type="text/plain; charset=utf-8")

    _sparql_routes(app, store, engine)
    _site_routes(app, store)
    _dump_routes(app, store)
    _resource_routes(app, store)
    return app


def _sparql_routes(app: FastAPI, store: Store, engine: Engine) -> None:
    @app.api_route("/sparql", methods=["GET", "POST"], response_model=None)
    async def sparql(request: Request) -> Response:
        try:
            req = await read_protocol(request)
            accept = request.headers.get("accept")
            if req.query is None:
                if request.method == "POST":
                    raise Rejected(400, "Missing 'query' parameter.")
                return _service_or_page(request, store)
            outcome = await engine.run(req)
            return results_response(outcome, accept, engine.max_results)
        except Rejected as err:
            return _plain_error(err)

    @app.get("/query", response_class=HTMLResponse)
    def query_page(request: Request, query: str | None = None, example: str | None = None) -> HTMLResponse:
        return _query_page(request, query, example)


def _service_or_page(request: Request, store: Store) -> Response:
    offers = [TURTLE, NTRIPLES, JSONLD, RDFXML, HTML, "application/x-turtle", "text/plain"]
    offer = negotiate(request.headers.get("accept"), offers)
    if offer is None:
        return _not_acceptable(offers)
    headers = {"Vary": "Accept"}
    if offer == HTML:
        response = _query_page(request, None, None)
        response.headers["Vary"] = "Accept"
        return response
    return rdf_response(service_description(store, root_url(request)), offer, headers)


def _query_page(request: Request, query: str | None, example: str | None) -> HTMLResponse:
    found = examples()
    chosen = next((e for e in found if e.name == example), None)
    default = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } }\nGROUP BY ?g ORDER BY ?g"
    text = query if query is not None else chosen.text if chosen else default
    html = render.page(
        "query.html",
        title="SPARQL",
        examples=found,
        query=text,
        base=base_iri(),
        autorun=bool(chosen or query),
        selected=chosen.name if chosen else "",
    )
    return HTMLResponse(html)


def _landing_data(request: Request, store: Store) -> dict[str, object]:
    root = root_url(request)
    docs = store.documents()
    return {
        "title": DATASET_TITLE,
        "description": DATASET_DESCRIPTION,
        "base_iri": base_iri(),
        "default_graph": "The SPARQL default graph is the union of all named graphs "
        "(unless default-graph-uri / named-graph-uri are given).",
        "stats": stats(store),
        "sparql_endpoint": root + "sparql",
        "void": root + ".well-known/void",
        "documents": [
            {
                "iri": d.iri,
                "title": d.title,
                "file_name": d.file_name,
                "page": root.rstrip("/") + (render.local_path(d.iri) or ""),
                "dumps": {ext: f"{root}dumps/{quote(document_slug(d.iri))}.{ext}" for ext in ("nq.gz", "ttl.gz")},
            }
            for d in docs
        ],
        "examples": [
            {"name": e.name, "title": e.title, "run": f"{root}query?example={quote(e.name)}"} for e in examples()
        ],
        "dumps": {ext: f"{root}dumps/all.{ext}" for ext in ("nq.gz", "trig.gz", "ttl.gz")},
    }


def _site_routes(app: FastAPI, store: Store) -> None:
    @app.get("/", response_model=None)
    def landing(request: Request) -> Response:
        offer = negotiate(request.headers.get("accept"), [HTML, JSON])
        data = _landing_data(request, store)
        if offer == JSON:
            return JSONResponse(data, headers={"Vary": "Accept"})
        html = render.page("index.html", title="budgetkg", data=data)
        return HTMLResponse(
            html, headers={"Vary": "Accept", "Link": '</.json>; rel="alternate"; type="application/json"'}
        )

    @app.get("/.json")
    def landing_json(request: Request) -> JSONResponse:
        return JSONResponse(_landing_data(request, store))

    @app.get("/.well-known/void", response_model=None)
    def void(request: Request) -> Response:
        offers = [TURTLE, NTRIPLES, JSONLD, RDFXML, "application/x-turtle", "text/plain"]
        offer = negotiate(request.headers.get("accept"), offers) or TURTLE
        return rdf_response(void_triples(store, root_url(request)), offer, {"Vary": "Accept"})


DUMP_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "nq.gz": (ox.RdfFormat.N_QUADS, "N-Quads"),
    "trig.gz": (ox.RdfFormat.TRIG, "TriG"),
    "ttl.gz": (ox.RdfFormat.TURTLE, "Turtle"),
}


def _dump_routes(app: FastAPI, store: Store) -> None:
    def listing(request: Request) -> dict[str, object]:
        root = root_url(request)
        files: list[dict[str, str]] = []
        for ext, (_, label) in DUMP_FORMATS.items():
            content = "every named graph" if ext != "ttl.gz" else "union of all graphs as triples"
            files.append({"name": f"all.{ext}", "url": f"{root}dumps/all.{ext}", "format": label, "content": content})
        for doc in store.documents():
            slug = document_slug(doc.iri)
            for ext in ("nq.gz", "ttl.gz"):
                content = "document graph + its validation graph" if ext == "nq.gz" else "document graph"
                url = f"{root}dumps/{quote(slug)}.{ext}"
                label = DUMP_FORMATS[ext][1]
                files.append({"name": f"{slug}.{ext}", "url": url, "format": label, "content": content})
                files[-1]["document"] = doc.iri
        return {"etag": store_state(store), "files": files}

    @app.get("/dumps/", response_model=None)
    def dumps_index(request: Request) -> Response:
        data = listing(request)
        if negotiate(request.headers.get("accept"), [HTML, JSON]) == JSON:
            return JSONResponse(data, headers={"Vary": "Accept"})
        return HTMLResponse(render.page("dumps.html", title="Dumps", data=data), headers={"Vary": "Accept"})

    @app.get("/dumps/index.json")
    def dumps_json(request: Request) -> JSONResponse:
        return JSONResponse(listing(request))

    @app.api_route("/dumps/{name}", methods=["GET", "HEAD"], response_model=None)
    def dump(name: str, request: Request) -> Response:
        target = _dump_target(store, name)
        if target is None:
            raise HTTPException(404, "No such dump.")
        graphs, fmt = target
        etag = f'"{store_state(store)}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"'
        headers = {
            "ETag": etag,
            "Cache-Control": "no-cache",
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        }
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            return Response(status_code=200, media_type="application/gzip", headers=headers)
        return StreamingResponse(gzip_stream(store, graphs, fmt), media_type="application/gzip", headers=headers)


def _dump_target(store: Store, name: str) -> tuple[list[str] | None, ox.RdfFormat] | None:
    stem, ext = None, None
    for candidate in DUMP_FORMATS:
        if name.endswith("." + candidate):
            stem, ext = name[: -len(candidate) - 1], candidate
    if stem is None or ext is None:
        return None
    fmt = DUMP_FORMATS[ext][0]
    if stem == "all":
        return None, fmt
    if ext == "trig.gz":
        return None
    for doc in store.documents():
        if document_slug(doc.iri) == stem:
            graphs = [doc.iri]
            if ext == "nq.gz" and uris.validation_graph(doc.iri) in store.graph_names():
                graphs.append(uris.validation_graph(doc.iri))
            return graphs, fmt
    return None


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def _resource_routes(app: FastAPI, store: Store) -> None:
    def resource(rest: str, request: Request, page: int = 1) -> Response:
        # The raw (still percent-encoded) path: IRIs are minted with encoded segments.
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0]
        return _dereference(store, raw.lstrip("/"), request, max(page, 1))

    for area in ("id", "code", "def", "graph"):
        app.add_api_route(f"/{area}/{{rest:path}}", resource, methods=["GET", "HEAD"], response_model=None)


def _dereference(store: Store, rel: str, request: Request, page: int) -> Response:
    desc: Description | None = None
    media: str | None = None
    for suffix, suffix_media in SUFFIXES.items():
        if rel.endswith(suffix):  # a format suffix, unless the IRI itself ends that way
            candidate = describe(store, base_iri() + rel[: -len(suffix)])
            if not candidate.empty:
                desc, media = candidate, suffix_media
            break
    if desc is None:
        desc = describe(store, base_iri() + rel)
    if desc.empty:
        raise HTTPException(404, f"Nothing is known about <{desc.iri}>.")
    iri = desc.iri
    path = render.local_path(iri) or ""
    offers = [HTML, TURTLE, NTRIPLES, JSONLD, RDFXML, "application/x-turtle", "text/plain"]
    headers = {
        "Vary": "Accept",
        "Link": ", ".join(f'<{quote(path)}{s}>; rel="alternate"; type="{m}"' for s, m in SUFFIXES.items()),
    }
    if media is None:
        media = negotiate(request.headers.get("accept"), offers)
        if media is None:
            return _not_acceptable(offers)
    if media != HTML:
        return rdf_response(description_triples(desc), media, headers)
    return HTMLResponse(_resource_html(store, desc, page), headers=headers)


def _resource_html(store: Store, desc: Description, page: int) -> str:
    start = (page - 1) * PAGE_SIZE
    outgoing = desc.outgoing[start : start + PAGE_SIZE]
    incoming = desc.incoming[start : start + PAGE_SIZE]
    contents = desc.graph_contents[start : start + PAGE_SIZE]
    labels = labels_for(store, [*desc.subjects, *_iris_in(outgoing), *_iris_in(incoming), *_iris_in(contents)])
    subject_labels = labels.get(desc.iri, [])
    is_dataset = QB + "DataSet" in desc.types or CSVW + "Table" in desc.types
    is_document = store_document_class() in desc.types
    graphs = store.graph_names()
    # A document shows the findings of its report graph; a report graph shows its own.
    report_graph = uris.validation_graph(desc.iri) if is_document else desc.iri if desc.graph_size else None
    if report_graph not in graphs:
        report_graph = None
    largest = max(len(desc.outgoing), len(desc.incoming), len(desc.graph_contents))
    return render.page(
        "resource.html",
        title=render.label_text(subject_labels) or render.curie(desc.iri),
        desc=desc,
        subject_labels=subject_labels,
        labels=labels,
        groups=_group_by_subject(outgoing),
        incoming=incoming,
        contents=contents,
        grid=dataset_grid(store, desc.iri) if is_dataset else [],
        tables=document_tables(store, desc.iri) if is_document else [],
        findings=findings(store, report_graph) if report_graph else [],
        report=report_graph if is_document else None,
        dumps=[f"/dumps/{quote(document_slug(desc.iri))}.{e}" for e in ("nq.gz", "ttl.gz")] if is_document else [],
        path=render.local_path(desc.iri) or "",
        page=page,
        pages=max(1, -(-largest // PAGE_SIZE)),
        suffixes=SUFFIXES,
    )


Group = tuple[ox.NamedNode | ox.BlankNode | ox.Triple, list[tuple[ox.NamedNode, list[render.Term]]]]


def _group_by_subject(triples: list[ox.Triple]) -> list[Group]:
    """[(subject, [(predicate, [objects])])] in a stable, readable order (rdf:type first)."""
    groups: dict[ox.NamedNode | ox.BlankNode | ox.Triple, dict[str, list[render.Term]]] = {}
    for t in triples:
        groups.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    ordered = []
    for subject, props in groups.items():
        keys = sorted(props, key=lambda p: (p != RDF_TYPE, render.curie(p)))
        ordered.append((subject, [(ox.NamedNode(p), props[p]) for p in keys]))
    return ordered
