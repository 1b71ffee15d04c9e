"""The read-only SPARQL 1.1 endpoint: protocol parsing, safe evaluation, result formats.

Query safety, in order: the endpoint only ever reads the store (pyoxigraph's ``query`` and
``quads_for_pattern``, neither of which can modify it), refuses update requests with 403,
evaluates ``SERVICE`` itself and only for endpoints on the allow-list (``federation``: no
server-side fetching of other URLs), limits the query size (413), the result size (truncation,
see ``X-SPARQL-MaxRows``) and the wall-clock time (503), counted from the request's arrival,
waiting for a worker included.

pyoxigraph cannot cancel a running query, so a query that is not a point lookup (those are read
off the quad index, :class:`IndexLookup`, or run inline, see Engine._inline) runs where it can be
stopped. For a published store (``budgetkg serve``, :class:`~budgetkg.store.Published`) that is a
worker process of :class:`~budgetkg.querypool.ProcessPool` (``QUERY_PROCESSES`` of them, started
with the server, each running up to ``QUERY_WORKERS // QUERY_PROCESSES`` queries on threads): the
worker opens the snapshot the request started from, collects the rows checking the deadline
between two of them and sends the Outcome back; at the deadline the request is answered 503 and
the worker is killed (SIGKILL) and replaced in the background, so no CPU is spent on the query
after its answer; the queries running beside it in that process run again on another worker
(querypool.WorkerLost). A request that cannot get a worker before its deadline is answered 503
too. Errors keep their statuses (400/403 for syntax, 500 for evaluation errors).

Other stores (in memory, or a build's read-write folder: tests, scratch stores) cannot be
opened from another process: their queries run on worker threads that check the deadline between result rows. A
thread stuck inside one long Oxigraph step (e.g. COUNT over a huge cross join) is *abandoned*
at the deadline: its admission slot is given back, so other queries go on, while the thread
finishes that step in the background, niced (up to ``ABANDONED_WORKERS`` such threads; beyond,
requests wait and get 503 at their deadline); that CPU is not bounded.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from budgetkg import federation, render
from budgetkg.config import SPARQL_DIR, base_iri, service_allow_list
from budgetkg.negotiate import (
    BOOLEAN_TYPES,
    CSV,
    JSON_RESULTS,
    RDF_OFFERS,
    RDF_TYPES,
    RESULT_TYPES,
    TSV,
    XML_RESULTS,
    content_type,
    negotiate,
)
from budgetkg.querypool import Outcome, ProcessPool, WorkerLost, WorkerRequest, evaluate, raise_failure
from budgetkg.render import RDF_TYPE, RDFS, SD, VOID
from budgetkg.store import Published, Store

#: Bounds that are not constructor arguments.
MAX_QUERY_BYTES = 64 * 1024
#: Queries run at once (worker processes × threads for a published store, threads otherwise).
QUERY_WORKERS = 8
#: Worker processes for a published store, each running QUERY_WORKERS / QUERY_PROCESSES queries
#: on threads that share its snapshot's block cache (see budgetkg.querypool).
QUERY_PROCESSES = 2
#: Extra threads for workers left behind in a long Oxigraph step (see the module docstring).
ABANDONED_WORKERS = 4
#: Rows a point lookup may have and still be answered on the event loop (Engine._inline).
INLINE_ROWS = 64
#: Nice value of a worker thread once its query is abandoned (see Engine.run). A query within
#: its time limit runs at the server's priority: niced workers got a tenth of the CPU share of
#: the other processes of a busy machine, which made aggregates ~3x slower there.
WORKER_NICENESS = 10
READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted."
T = TypeVar("T")
DEFAULT_QUERY = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } }\nGROUP BY ?g ORDER BY ?g"


class Rejected(Exception):
    """A request the endpoint answers with an error status and a plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def answer(self) -> Answer:
        return Answer(self.status, (self.message + "\n").encode(), "text/plain; charset=utf-8", {})

    def response(self) -> Response:
        return self.answer().response()


@dataclass
class Answer:
    """A response before it is a Starlette Response: what the raw GET path sends as is."""

    status: int
    body: bytes
    media: str
    headers: dict[str, str]

    def response(self) -> Response:
        return Response(self.body, status_code=self.status, media_type=self.media, headers=self.headers)


# -- the protocol ----------------------------------------------------------------------------


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
        media, _, parameters = request.headers.get("content-type", "").partition(";")
        media = media.strip().lower()
        if media == "application/sparql-update":
            raise Rejected(403, READ_ONLY)
        if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise Rejected(415, "POST a query as application/x-www-form-urlencoded or application/sparql-query.")
        charset = _charset(parameters)
        if charset not in (None, "utf-8", "utf8"):  # the Protocol: queries are UTF-8 (bad_query_non_utf8)
            raise Rejected(415, f"The query must be sent as UTF-8, not {charset}.")
        try:
            body = (await _read_body(request)).decode("utf-8")
            if media == "application/sparql-query":
                params.append(("query", body))
            else:  # percent-encoded bytes must be UTF-8 too
                params += parse_qsl(body, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise Rejected(400, "The request body is not UTF-8.") from None
    return protocol_request(params)


def parse_query_string(raw: bytes) -> list[tuple[str, str]]:
    """``parse_qsl(raw.decode("latin-1"), keep_blank_values=True)`` — what Starlette does — in a
    fifth of the time for the usual ASCII string: ``%XX`` escapes are decoded by the C escape
    decoder as ``\\xXX`` (backslashes escaped first) instead of urllib's loop over each ``%``."""
    if not raw.isascii():
        return parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    try:
        return [(_unquote_plus(name), _unquote_plus(value))
                for name, _, value in (item.partition(b"=") for item in raw.split(b"&") if item)]
    except ValueError:  # a '%' not followed by two hex digits: urllib keeps it as it is
        return parse_qsl(raw.decode("latin-1"), keep_blank_values=True)


def _unquote_plus(value: bytes) -> str:
    escaped = value.replace(b"+", b" ").replace(b"\\", b"\\\\").replace(b"%", b"\\x")
    return codecs.escape_decode(escaped)[0].decode("utf-8", "replace")  # type: ignore[attr-defined,no-any-return]


def protocol_request(params: list[tuple[str, str]]) -> ProtocolRequest:
    """The query and dataset named by the protocol parameters (URL query string and form body)."""
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise Rejected(403, READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise Rejected(400, "Exactly one 'query' parameter is allowed.")
    if queries and len(queries[0].encode()) > MAX_QUERY_BYTES:
        raise Rejected(413, f"The query is longer than {MAX_QUERY_BYTES} bytes.")
    defaults = [v for k, v in params if k == "default-graph-uri"]
    named = [v for k, v in params if k == "named-graph-uri"]
    return ProtocolRequest(queries[0] if queries else None, defaults, named, bool(defaults or named))


def _charset(parameters: str) -> str | None:
    """The ``charset`` parameter of a Content-Type's parameters, lower-cased."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


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
    """Whether ``text`` has a SERVICE clause (outside strings, IRIs and comments)."""
    return bool(_SERVICE.search(_strip_noise(text)))


# -- evaluation ------------------------------------------------------------------------------


def is_point_lookup(text: str) -> bool:
    """``SELECT … { <s> p o }`` or ``ASK { <s> p o }``: one triple pattern with a constant
    subject, nothing else (no FILTER, path, modifier or second pattern). Oxigraph answers it
    with one index range scan, so it may run inline (see Engine._inline)."""
    tokens = federation.tokenize(text)
    _, _, i = federation.parse_prologue(tokens)
    words = [t.text.upper() if t.kind == "name" else t.text for t in tokens[i:]]
    kinds = [t.kind for t in tokens[i:]]
    if not words:
        return False
    if words[0] == "SELECT":
        j = 1
        if j < len(words) and words[j] == "*":
            j += 1
        else:
            while j < len(kinds) and kinds[j] == "var":
                j += 1
            if j == 1:
                return False
    elif words[0] == "ASK":
        j = 1
    else:
        return False
    if j < len(words) and words[j] == "WHERE":
        j += 1
    term = ("iri", "pname")
    pattern = kinds[j + 1 : j + 4]
    if (words[j : j + 1] != ["{"] or len(pattern) < 3 or pattern[0] not in term
            or not (pattern[1] in (*term, "var") or words[j + 2] == "A")
            or pattern[2] not in (*term, "var", "string")):
        return False
    rest = words[j + 4 :]
    if rest[:1] == ["."]:
        rest = rest[1:]
    return rest == ["}"]


#: The commonest point lookup, in the spelling its terms can be read from: explicit ASCII
#: variables, absolute IRIs written out, no literal. Anything else goes to Oxigraph's parser.
_ABSOLUTE_IRI = r'<([a-z][a-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*)>'  # <IRI>
_ASCII_VAR = r"[?$]([A-Za-z0-9_]+)"  # ?name or $name
_INDEX_LOOKUP = re.compile(
    rf"\s*(?:SELECT\s*(?P<vars>(?:{_ASCII_VAR}\s*)+)|(?P<ask>ASK))\s*(?:WHERE\s*)?\{{\s*(?P<s>{_ABSOLUTE_IRI})\s*"
    rf"(?:(?P<p>{_ABSOLUTE_IRI})|(?P<a>(?-i:a))(?=[\s<])|(?P<pv>{_ASCII_VAR}))\s*"
    rf"(?:(?P<o>{_ABSOLUTE_IRI})|(?P<ov>{_ASCII_VAR})(?![\w\u00B7\u0300-\u036F\u203F-\u2040]))\s*\.?\s*\}}\s*\Z",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IndexLookup:
    """``SELECT ?v… { <s> p o }`` or ``ASK { <s> p o }`` read as terms, for a quad index scan.

    Over the union default graph Oxigraph answers such a query with one solution per matching
    quad, the default graph's and every named graph's, in ``quads_for_pattern``'s order (so a
    triple in two documents is two solutions); :meth:`solve` gives exactly that, without
    parsing and planning the query (most of the 58 % of the server's samples py-spy found inside
    ``Store.query`` under 16-connection lookups: 30–40 µs a query, against 10 µs for the scan)."""

    variables: tuple[str, ...] | None  # the projection; None for ASK
    subject: ox.NamedNode
    predicate: ox.NamedNode | str  # a str is a variable name
    object: ox.NamedNode | str

    def solve(self, store: Store, limit: int) -> Outcome | None:
        """The answer, or None when it has more than ``limit`` rows."""
        p = None if isinstance(self.predicate, str) else self.predicate
        o = None if isinstance(self.object, str) else self.object
        quads = store.ox.quads_for_pattern(self.subject, p, o, None)
        if self.variables is None:
            return Outcome(boolean=next(quads, None) is not None)
        columns = [self._column(v) for v in self.variables]
        out = Outcome(variables=list(self.variables))
        for quad in quads:
            if len(out.rows) >= limit:
                return None
            out.rows.append([None if c is None else quad.predicate if c == 1 else quad.object for c in columns])
        return out

    def _column(self, variable: str) -> int | None:
        """Where ``variable`` is bound: 1 predicate, 2 object, None nowhere (unbound)."""
        if self.predicate == variable:
            return 1
        return 2 if self.object == variable else None


def index_lookup(text: str) -> IndexLookup | None:
    """``text`` as an :class:`IndexLookup`, or None if it is not one in the plain spelling
    (or is not valid SPARQL: a projected variable twice, a pattern variable twice)."""
    match = _INDEX_LOOKUP.match(text)
    if match is None:
        return None
    pattern_vars = [v[1:] for v in (match["pv"], match["ov"]) if v is not None]
    if len(set(pattern_vars)) < len(pattern_vars):
        return None  # ?x twice: the quad must bind both alike, left to Oxigraph
    variables = None
    if match["vars"] is not None:
        variables = tuple(v[1:] for v in match["vars"].split())
        if len(set(variables)) < len(variables):
            return None  # a syntax error: Oxigraph says so
    try:
        subject = ox.NamedNode(match["s"][1:-1])
        predicate = RDF_TYPE_NODE if match["a"] else ox.NamedNode(match["p"][1:-1]) if match["p"] else match["pv"][1:]
        obj = ox.NamedNode(match["o"][1:-1]) if match["o"] else match["ov"][1:]
    except ValueError:  # not an IRI Oxigraph accepts: its parser gives the message
        return None
    return IndexLookup(variables, subject, predicate, obj)


RDF_TYPE_NODE = ox.NamedNode(RDF_TYPE)


class QueryTimeout(Exception):
    pass


class _Job(threading.Event):
    """One query on a worker: its cancel flag, and the thread running it (set by the worker)."""

    thread_id: int | None = None


def _set_priority(thread_id: int | None, niceness: int) -> None:
    """Set one thread's nice value (Linux: per thread); not permitted or not Linux: left as is.

    Raising it is always permitted; lowering it back to 0 needs CAP_SYS_NICE or RLIMIT_NICE
    (root in a container has it): without, a thread once abandoned stays niced."""
    if thread_id is None:
        return
    with contextlib.suppress(AttributeError, OSError):
        if os.getpriority(os.PRIO_PROCESS, thread_id) != niceness:
            os.setpriority(os.PRIO_PROCESS, thread_id, niceness)


class Engine:
    """Runs queries under a deadline and a row limit: in worker processes, killed at the
    deadline, for a published store (``budgetkg serve``); on worker threads for others."""

    def __init__(self, store: Store | Published, timeout_s: float, max_results: int,
                 service_allow: frozenset[str] | None = None) -> None:
        self.store = store
        self.timeout_s = timeout_s
        self.max_results = max_results
        self.service_allow = service_allow_list() if service_allow is None else service_allow
        #: Worker processes, for a published store: another process can open its snapshots.
        self.processes: ProcessPool | None = None
        if isinstance(store, Published):
            self.processes = ProcessPool(QUERY_PROCESSES, lambda: store.current().path,
                                         slots=QUERY_WORKERS // QUERY_PROCESSES)
        self.pool = ThreadPoolExecutor(max_workers=QUERY_WORKERS + ABANDONED_WORKERS, thread_name_prefix="sparql")
        self._slots: asyncio.Semaphore | None = None  # made on the server's event loop

    async def start(self) -> None:
        """Start the worker processes, if any (the server's start-up: the app's lifespan)."""
        if self.processes is not None:
            await self.processes.start()

    def close(self) -> None:
        """Stop the workers (the server's shutdown)."""
        if self.processes is not None:
            self.processes.close()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """Process ids of the query worker processes (none on the thread path)."""
        return self.processes.pids() if self.processes is not None else []

    def _timed_out(self) -> Rejected:
        return Rejected(503, f"Query timed out: it ran longer than {self.timeout_s:g} s.")

    async def run(self, req: ProtocolRequest, arrived: float | None = None) -> Outcome:
        """Evaluate ``req``; the time limit counts from ``arrived`` (time.monotonic())."""
        deadline = (time.monotonic() if arrived is None else arrived) + self.timeout_s
        text = req.query or ""
        truncated = False
        if "service" in text.lower():  # else there is no SERVICE clause: skip tokenising (lookup speed)
            try:
                fetched = await federation.resolve(text, self.service_allow, base_iri(), deadline, self.max_results)
            except federation.FederationError as err:
                raise Rejected(err.status, err.message) from None
            text, truncated = fetched.text, fetched.truncated
            if uses_service(text):  # a second, independent look: Oxigraph must never see SERVICE
                raise Rejected(400, "SERVICE could not be resolved safely; it is not evaluated.")
        kwargs = self._dataset(req)
        store = self.store.current()  # one committed state for the whole query
        if not req.dataset_given and (lookup := index_lookup(text)) is not None:
            outcome = lookup.solve(store, min(INLINE_ROWS, self.max_results))
            if outcome is not None:
                return outcome
        elif is_point_lookup(text):
            outcome = self._inline(store, text, kwargs)
            if outcome is not None:
                return outcome
        try:
            if self.processes is not None:
                outcome = await self._in_process(self.processes, store, text, kwargs, deadline)
            else:
                outcome = await self._in_thread(store, text, kwargs, deadline)
        except QueryTimeout:
            raise self._timed_out() from None
        except SyntaxError as err:
            if looks_like_update(text):
                raise Rejected(403, READ_ONLY) from None
            raise Rejected(400, f"Malformed query: {err}") from None
        except OSError as err:
            raise Rejected(500, f"Query evaluation failed: {err}") from None
        if outcome.timed_out:
            raise self._timed_out()
        if outcome.error is not None:
            raise Rejected(500, f"Query evaluation failed: {outcome.error}")
        outcome.truncated = outcome.truncated or truncated
        return outcome

    async def _admit(self, free: bool, wait: Callable[[], Awaitable[T]], deadline: float) -> T:
        """``wait()`` for a worker, at once when one is ``free`` (no task, no timer), else in
        line at most until the deadline: 503 after."""
        if free:
            return await wait()
        try:
            return await asyncio.wait_for(wait(), timeout=max(deadline - time.monotonic(), 0))
        except TimeoutError:
            raise Rejected(503, f"Server busy: the query could not start within {self.timeout_s:g} s.") from None

    async def _in_process(self, pool: ProcessPool, store: Store, text: str, kwargs: dict[str, object],
                          deadline: float) -> Outcome:
        """Evaluate on a worker process; at the deadline it is killed and replaced. A request
        whose worker was killed for another's sake runs again on another, within its deadline."""
        if not pool.started:  # an app run without its lifespan (start-up) events
            await pool.start()
        while True:
            worker = await self._admit(not pool.idle.empty(), pool.idle.get, deadline)
            if time.monotonic() >= deadline:  # waited in line until the end: no need to kill a worker
                pool.release(worker)
                raise QueryTimeout
            request = WorkerRequest(str(store.path), text, kwargs, base_iri(), deadline, self.max_results)
            try:
                async with asyncio.timeout(max(deadline - time.monotonic(), 0)):
                    reply = await worker.call(request)
            except WorkerLost as lost:
                if lost.killed:
                    continue  # stopped for another request (its deadline, its client gone): run again
                pool.discard(worker)
                raise OSError(str(lost)) from None
            except BaseException as err:  # deadline, client gone (cancelled), broken socket: its state is unknown
                pool.discard(worker)
                if isinstance(err, TimeoutError):
                    raise QueryTimeout from None
                if isinstance(err, ConnectionError):
                    raise OSError("the query worker process exited") from None
                raise
            pool.release(worker)
            if not isinstance(reply, Outcome):
                raise_failure(reply)
            return reply  # type: ignore[return-value]

    async def _in_thread(self, store: Store, text: str, kwargs: dict[str, object], deadline: float) -> Outcome:
        """Evaluate on a worker thread; at the deadline it is abandoned (module docstring)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(QUERY_WORKERS)
        await self._admit(not self._slots.locked(), self._slots.acquire, deadline)
        cancel = _Job()
        try:
            future = self.pool.submit(self._evaluate, store, text, kwargs, base_iri(), deadline, cancel)
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=max(deadline - time.monotonic(), 0))
        except TimeoutError:
            cancel.set()  # the worker stops at its next row (or is abandoned in a long step)
            if not future.done():  # abandoned: it computes on behind the event loop (see _set_priority)
                _set_priority(cancel.thread_id, WORKER_NICENESS)
            raise QueryTimeout from None
        finally:
            self._slots.release()

    def _inline(self, store: Store, text: str, kwargs: dict[str, object]) -> Outcome | None:
        """A point lookup evaluated on the event loop itself (no thread hop: ~30% of a lookup's
        cost), or None — go to a worker — if it has more than INLINE_ROWS rows or fails (the
        worker path then gives the error its usual answer). Its cost is bounded by the row cap."""
        try:
            result = store.ox.query(text, base_iri=base_iri(), **kwargs)  # type: ignore[arg-type]
            if isinstance(result, ox.QueryBoolean):
                return Outcome(boolean=bool(result))
            if not isinstance(result, ox.QuerySolutions):
                return None
            out = Outcome(variables=[v.value for v in result.variables])
            for solution in result:
                if len(out.rows) >= min(INLINE_ROWS, self.max_results):
                    return None
                out.rows.append(list(solution))  # variable order, None where unbound
            return out
        except (SyntaxError, OSError, ValueError, RuntimeError):
            return None

    @staticmethod
    def _dataset(req: ProtocolRequest) -> dict[str, object]:
        """Protocol dataset -> pyoxigraph arguments; none given: default graph = union of all."""
        if not req.dataset_given:
            return {"use_default_graph_as_union": True}
        return {
            "default_graph": [ox.NamedNode(g) for g in req.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in req.named_graphs],
        }

    def _evaluate(self, store: Store, text: str, kwargs: dict[str, object], base: str, deadline: float,
                  cancel: _Job) -> Outcome:
        # Runs on a worker thread: pyoxigraph results are bound to the thread that made them,
        # so they must also be dropped here and never reach the event loop (not even in a traceback).
        cancel.thread_id = threading.get_native_id()
        _set_priority(cancel.thread_id, 0)  # a thread abandoned before runs at normal priority again
        return evaluate(store, text, kwargs, base, deadline, self.max_results, cancel)


# -- results ---------------------------------------------------------------------------------

_RESULT_WRITERS = {
    JSON_RESULTS: render.results_json,
    XML_RESULTS: render.results_xml,
    CSV: render.results_csv,
    TSV: render.results_tsv,
}


def results_response(outcome: Outcome, accept: str | None, max_results: int) -> Response:
    """Serialise an Outcome in the negotiated format."""
    return results_answer(outcome, accept, max_results).response()


def _not_acceptable(offers: list[str]) -> Answer:
    """406, as negotiate.not_acceptable answers it."""
    body = ("Not Acceptable. Available: " + ", ".join(offers) + "\n").encode()
    return Answer(406, body, "text/plain; charset=utf-8", {"Vary": "Accept"})


def results_answer(outcome: Outcome, accept: str | None, max_results: int) -> Answer:
    """An Outcome serialised in the negotiated format."""
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-SPARQL-MaxRows"] = str(max_results)
    if outcome.boolean is not None:
        offer = negotiate(accept, BOOLEAN_TYPES)
        if offer is None:
            return _not_acceptable(BOOLEAN_TYPES)
        media = RESULT_TYPES[offer]
        body = render.boolean_json(outcome.boolean) if media == JSON_RESULTS else render.boolean_xml(outcome.boolean)
        return Answer(200, body, content_type(media), headers)
    if outcome.graph:
        offer = negotiate(accept, RDF_OFFERS)
        if offer is None:
            return _not_acceptable(RDF_OFFERS)
        media, fmt = RDF_TYPES[offer]
        body = ox.serialize(outcome.triples, format=fmt, prefixes=render.prefixes_for(fmt))
        return Answer(200, body, content_type(media), headers)
    offer = negotiate(accept, _RESULT_OFFERS)
    if offer is None:
        return _not_acceptable(_RESULT_OFFERS)
    media = RESULT_TYPES[offer]
    return Answer(200, _RESULT_WRITERS[media](outcome.variables, outcome.rows), content_type(media), headers)


_RESULT_OFFERS = list(RESULT_TYPES)


# -- examples and the query form -------------------------------------------------------------


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


#: YASGUI's bundle, vendored by ``make`` (see the Makefile's ``yasgui`` target).
STATIC_DIR = Path(__file__).parent / "static"
YASGUI_DIR = STATIC_DIR / "vendor" / "yasgui"


def yasgui_version() -> str | None:
    """The vendored YASGUI's version, or None when it is not installed (pip without make)."""
    if not (YASGUI_DIR / "yasgui.min.js").is_file() or not (YASGUI_DIR / "yasgui.min.css").is_file():
        return None
    found = [p.name.removeprefix(".version-") for p in YASGUI_DIR.glob(".version-*")]
    return found[0] if found else "(unknown version)"


def query_form(query: str | None, example: str | None) -> dict[str, object]:
    """The query page: the given query, else the named example, else a graph overview.

    It runs at once when a query or a known example was asked for.
    """
    found = examples()
    chosen = next((e for e in found if e.name == example), None)
    text = query if query is not None else chosen.text if chosen else DEFAULT_QUERY
    return {
        "title": "SPARQL",
        "examples": found,
        "query": text,
        "base": base_iri(),
        "autorun": bool(chosen or query),
        "selected": chosen.name if chosen else "",
        "yasgui_version": yasgui_version(),
    }


# -- service description ---------------------------------------------------------------------


def service_description(store: Store, root: str) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description: the default graph is the union of the named graphs."""
    nn = ox.NamedNode
    svc, a = nn(root + "sparql#service"), nn(RDF_TYPE)
    dataset, default = nn(root + "sparql#dataset"), nn(root + "sparql#default-graph")
    triples = [
        ox.Triple(svc, a, nn(SD + "Service")),
        ox.Triple(svc, nn(SD + "endpoint"), nn(root + "sparql")),
        ox.Triple(svc, nn(SD + "supportedLanguage"), nn(SD + "SPARQL11Query")),
        ox.Triple(svc, nn(SD + "feature"), nn(SD + "UnionDefaultGraph")),
        ox.Triple(svc, nn(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, nn(SD + "Dataset")),
        ox.Triple(dataset, nn(SD + "defaultGraph"), default),
        ox.Triple(default, a, nn(SD + "Graph")),
        ox.Triple(default, nn(RDFS + "comment"), ox.Literal("The union of all named graphs.", language="en")),
        ox.Triple(default, nn(VOID + "triples"), render.integer(len(store))),
    ]
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML")  # fmt: skip
    triples += [ox.Triple(svc, nn(SD + "resultFormat"), nn(f"http://www.w3.org/ns/formats/{f}")) for f in formats]
    for i, graph in enumerate(store.graph_names()):
        named = nn(f"{root}sparql#named-graph-{i}")
        triples += [
            ox.Triple(dataset, nn(SD + "namedGraph"), named),
            ox.Triple(named, a, nn(SD + "NamedGraph")),
            ox.Triple(named, nn(SD + "name"), nn(graph)),
        ]
    return triples
