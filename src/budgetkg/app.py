"""The budgetkg web application: its routes, each a thin handler over one module.

- ``/sparql``, ``/query``, ``/query/plain``: the read-only SPARQL 1.1 endpoint and its query
  page (YASGUI, served from ``/static/``, or the built-in editor) (``sparql``, ``federation``);
- ``/``, ``/.json``, ``/.well-known/void``: the dataset overview and VoID (``metadata``);
- ``/dumps/``: streamed gzip dumps, cacheable by ETag (``dumps``, ``metadata``);
- ``/id/``, ``/code/``, ``/def/``, ``/graph/``: Linked Data pages (``describe``).

Every HTML page has a machine-readable twin, chosen by content negotiation (``negotiate``);
HTML is rendered by ``render``.

The store is a :class:`Store` or, for ``budgetkg serve``, a :class:`Published` store folder:
every handler takes ``store.current()`` once and answers from that one committed state, so a
rebuild in another process shows up between requests, never within one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from budgetkg import describe, dumps, metadata, render, sparql
from budgetkg.negotiate import (
    HTML,
    JSON,
    PLAIN,
    RDF_ALIASES,
    RDF_CANONICAL,
    RDF_OFFERS,
    RESULT_TYPES,
    SUFFIXES,
    TURTLE,
    negotiate,
    not_acceptable,
    rdf_response,
)
from budgetkg.store import Published, Store

Source = Store | Published


def create_app(store: Source, *, query_timeout_s: float = 10.0, max_results: int = 10000,
               service_allow: Iterable[str] | None = None) -> BudgetkgApp:
    """The web application over ``store`` (read-only use).

    ``service_allow``: the SPARQL endpoints federated queries may call (default: the
    configuration, ``BUDGETKG_SERVICE_ALLOW``)."""
    app = BudgetkgApp(title="budgetkg", docs_url=None, redoc_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD"],
        allow_headers=["*"],
        expose_headers=CORS_EXPOSED.split(", "),
    )
    allow = None if service_allow is None else frozenset(service_allow)
    engine = sparql.Engine(store, query_timeout_s, max_results, allow)
    app.state.engine = engine
    app.fast_path = SparqlGetFastPath(engine)  # ahead of FastAPI's whole middleware stack
    # Query worker processes (a published store) live as long as the server: each server
    # process (`budgetkg serve --workers N`) starts its own at start-up.
    app.router.add_event_handler("startup", engine.start)
    app.router.add_event_handler("shutdown", engine.close)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # Browsers get a page, everybody else plain text (FastAPI's default would be JSON).
        if negotiate(request.headers.get("accept"), [PLAIN, HTML]) == HTML:
            html = render.page("error.html", title=str(exc.status_code), status=exc.status_code, message=exc.detail)
            return HTMLResponse(html, status_code=exc.status_code, headers={"Vary": "Accept"})
        return Response(f"{exc.detail}\n", status_code=exc.status_code, media_type="text/plain; charset=utf-8")

    _sparql_routes(app, store, engine)
    _site_routes(app, store)
    _dump_routes(app, store)
    _resource_routes(app, store)
    return app


def root_url(request: Request) -> str:
    """This server's own URL (for endpoint and dump links), ending in '/'."""
    return str(request.base_url)


def _query_page(query: str | None, example: str | None, *, plain: bool = False) -> HTMLResponse:
    """YASGUI when ``make`` vendored it, else (or when asked) the built-in editor."""
    form = sparql.query_form(query, example)
    template = "query.html" if plain or form["yasgui_version"] is None else "yasgui.html"
    return HTMLResponse(render.page(template, **form))


def _wants_page(accept: str | None) -> bool:
    """Does the client prefer an HTML page to every results and RDF format (a browser)?"""
    if not accept or HTML not in accept:
        return False
    return negotiate(accept, [*RESULT_TYPES, *RDF_CANONICAL, HTML]) == HTML


class SparqlGetFastPath:
    """``GET /sparql?query=…`` — what SPARQL clients send most — answered ahead of FastAPI.

    FastAPI's middleware stack (error handler, telemetry, body limit, CORS), routing and
    dependency solving cost about as much as a point lookup itself (py-spy of
    bench/bench_serve.py's lookups); this path parses the query string as Starlette would (faster), runs
    the query on the same Engine (same limits, same errors) and sends the same status, headers
    (CORS ones included) and bytes as raw ASGI messages. Anything else — a browser that wants
    the query page, no ``query`` parameter — goes on to FastAPI unchanged.
    """

    def __init__(self, engine: sparql.Engine) -> None:
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request, or return False (nothing sent) for FastAPI to answer it."""
        arrived = time.monotonic()
        params = sparql.parse_query_string(scope["query_string"])
        accept = origin = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"origin":
                origin = value
        if not any(name == "query" for name, _ in params) or _wants_page(accept):
            return False
        try:
            outcome = await self.engine.run(sparql.protocol_request(params), arrived)
            answer = sparql.results_answer(outcome, accept, self.engine.max_results)
        except sparql.Rejected as err:
            answer = err.answer()
        headers = [(b"content-length", str(len(answer.body)).encode()),
                   (b"content-type", _starlette_media(answer.media).encode())]
        headers += [(name.lower().encode(), value.encode()) for name, value in answer.headers.items() if name != "Vary"]
        # CORSMiddleware adds "Origin" to Vary with or without an Origin header, and answers a
        # simple cross-origin request with these two
        vary = answer.headers.get("Vary")
        headers.append((b"vary", f"{vary}, Origin".encode() if vary else b"Origin"))
        if origin is not None:
            headers += _CORS_SIMPLE
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
        return True


def _starlette_media(media: str) -> str:
    """The Content-Type Starlette's Response would send for ``media``."""
    if media.startswith("text/") and "charset=" not in media.lower():
        return media + "; charset=utf-8"
    return media


class BudgetkgApp(FastAPI):
    """FastAPI, with :class:`SparqlGetFastPath` tried before anything else."""

    fast_path: SparqlGetFastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.fast_path is not None and scope["type"] == "http" and scope["path"] == "/sparql"
                and scope["method"] == "GET" and await self.fast_path(scope, receive, send)):
            return
        await super().__call__(scope, receive, send)


CORS_EXPOSED = "X-SPARQL-MaxRows, Link, ETag, Vary"
_CORS_SIMPLE = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", CORS_EXPOSED.encode())]


def _sparql_routes(app: FastAPI, store: Source, engine: sparql.Engine) -> None:
    # Without a query, /sparql describes the service (RDF) or shows the form (HTML); HTML
    # comes before the RDF aliases so that ``text/html, text/plain`` gets the form.
    service_offers = [*RDF_CANONICAL, HTML, *RDF_ALIASES]

    @app.api_route("/sparql", methods=["GET", "POST"], response_model=None)
    async def endpoint(request: Request) -> Response:
        arrived = time.monotonic()  # the time limit includes reading the body and waiting for a worker
        try:
            req = await sparql.read_protocol(request)
            if req.query is None:
                if request.method == "POST":
                    raise sparql.Rejected(400, "Missing 'query' parameter.")
                offer = negotiate(request.headers.get("accept"), service_offers)
                if offer is None:
                    return not_acceptable(service_offers)
                if offer == HTML:
                    response = _query_page(None, None)
                    response.headers["Vary"] = "Accept"
                    return response
                triples = sparql.service_description(store.current(), root_url(request))
                return rdf_response(triples, offer, {"Vary": "Accept"})
            if request.method == "GET" and _wants_page(request.headers.get("accept")):
                # A person following a /sparql?query=… link: the query page runs it and shows
                # the results; SPARQL clients name a results format and never get here.
                response = _query_page(req.query, None)
                response.headers["Vary"] = "Accept"
                return response
            outcome = await engine.run(req, arrived)
            return sparql.results_response(outcome, request.headers.get("accept"), engine.max_results)
        except sparql.Rejected as err:
            return err.response()

    @app.get("/query", response_class=HTMLResponse)
    def query_page(query: str | None = None, example: str | None = None) -> HTMLResponse:
        return _query_page(query, example)

    @app.get("/query/plain", response_class=HTMLResponse)
    def plain_query_page(query: str | None = None, example: str | None = None) -> HTMLResponse:
        return _query_page(query, example, plain=True)

    # YASGUI's files (and only what ``make`` put there); absent folder: 404s, not a crash.
    app.mount("/static", StaticFiles(directory=sparql.STATIC_DIR, check_dir=False), name="static")


def _site_routes(app: FastAPI, store: Source) -> None:
    @app.get("/", response_model=None)
    def landing(request: Request) -> Response:
        offer = negotiate(request.headers.get("accept"), [HTML, JSON])
        data = metadata.overview(store.current(), root_url(request))
        if offer == JSON:
            return JSONResponse(data, headers={"Vary": "Accept"})
        html = render.page("index.html", title="budgetkg", data=data)
        return HTMLResponse(
            html, headers={"Vary": "Accept", "Link": '</.json>; rel="alternate"; type="application/json"'}
        )

    @app.get("/.json")
    def landing_json(request: Request) -> JSONResponse:
        return JSONResponse(metadata.overview(store.current(), root_url(request)))

    @app.get("/.well-known/void", response_model=None)
    def void(request: Request) -> Response:
        offer = negotiate(request.headers.get("accept"), RDF_OFFERS) or TURTLE
        return rdf_response(metadata.void_triples(store.current(), root_url(request)), offer, {"Vary": "Accept"})


def _dump_routes(app: FastAPI, store: Source) -> None:
    def listing(request: Request) -> dict[str, object]:
        st = store.current()
        return {"etag": metadata.store_state(st), "files": dumps.dump_files(st, root_url(request))}

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
        st = store.current()
        target = dumps.dump_target(st, name)
        if target is None:
            raise HTTPException(404, "No such dump.")
        graphs, fmt = target
        etag = metadata.dump_etag(st, name)
        headers = {
            "ETag": etag,
            "Cache-Control": "no-cache",
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        }
        if metadata.etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        kept = dumps.cached_dump(st, name)
        if kept is not None and kept.is_file():  # a published snapshot's dump, made once: sendfile
            return FileResponse(kept, media_type="application/gzip", headers=headers)
        if request.method == "HEAD":
            return Response(status_code=200, media_type="application/gzip", headers=headers)
        stream = dumps.gzip_stream(st, graphs, fmt, keep=kept)
        return StreamingResponse(stream, media_type="application/gzip", headers=headers)


def _resource_routes(app: FastAPI, store: Source) -> None:
    offers = [HTML, *RDF_OFFERS]

    def resource(rest: str, request: Request, page: int = 1) -> Response:
        # The raw (still percent-encoded) path: IRIs are minted with encoded segments.
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0]
        st = store.current()
        desc, media = describe.resolve(st, raw.lstrip("/"))
        if desc.empty:
            raise HTTPException(404, f"Nothing is known about <{desc.iri}>.")
        path = render.local_path(desc.iri) or ""
        headers = {
            "Vary": "Accept",
            "Link": ", ".join(f'<{quote(path)}{s}>; rel="alternate"; type="{m}"' for s, m in SUFFIXES.items()),
        }
        if media is None:
            media = negotiate(request.headers.get("accept"), offers)
            if media is None:
                return not_acceptable(offers)
        if media != HTML:
            return rdf_response(describe.description_triples(desc), media, headers)
        view = describe.resource_view(st, desc, max(page, 1))
        return HTMLResponse(render.page("resource.html", **view), headers=headers)

    for area in ("id", "code", "def", "graph"):
        app.add_api_route(f"/{area}/{{rest:path}}", resource, methods=["GET", "HEAD"], response_model=None)


def from_environment() -> FastAPI:
    """The app over the published snapshots of ``$BUDGETKG_STORE`` (or ``./budgetkg-store``),
    for process managers: ``uvicorn --factory budgetkg.app:from_environment``."""
    from budgetkg.config import store_dir

    return create_app(Published(store_dir()))


# -- one write per response ------------------------------------------------------------------


class _Collected:
    """A stand-in transport that collects writes (and a close) until :meth:`flush`."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.parts: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def close(self) -> None:
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing or self.transport.is_closing()

    def flush(self) -> None:
        if self.parts:
            self.transport.write(b"".join(self.parts))
        if self.closing:
            self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
except ImportError:  # httptools missing: uvicorn's h11 protocol, as it is
    HTTP_PROTOCOL: type[asyncio.Protocol] | None = None
else:

    class OneWriteCycle(RequestResponseCycle):
        """Holds ``http.response.start`` until the first body message; writes both at once."""

        held: Message | None = None

        async def send(self, message: Message) -> None:
            if message["type"] == "http.response.start" and not self.response_started:
                # Nothing is written yet: an error before the body still gets uvicorn's 500,
                # whose start message replaces the one held.
                self.held = message
                return
            if self.held is None:
                await super().send(message)  # type: ignore[arg-type]
                return
            start, self.held = self.held, None
            real = self.transport
            self.transport = collected = _Collected(real)  # type: ignore[assignment]
            try:
                await super().send(start)  # type: ignore[arg-type]
                await super().send(message)  # type: ignore[arg-type]
            finally:
                self.transport = real
                collected.flush()

    class OneWriteHttpTools(HttpToolsProtocol):
        """uvicorn's httptools protocol, sending a response's head and first body part in one write.

        uvicorn writes the head at ``http.response.start`` and the body at ``http.response.body``:
        two ``send()`` calls, two TCP segments, and the client is woken twice. On a busy machine
        the first wake-up hands the CPU to the client, which finds half a response: py-spy put
        30 % of a point lookup's server time in that first write. For ``budgetkg serve --http``.
        """

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            # The cycle was just made and its task not yet run: give it the coalescing send.
            if type(self.cycle) is RequestResponseCycle:
                self.cycle.__class__ = OneWriteCycle

    HTTP_PROTOCOL = OneWriteHttpTools
