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

import time
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

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
               service_allow: Iterable[str] | None = None) -> FastAPI:
    """The web application over ``store`` (read-only use).

    ``service_allow``: the SPARQL endpoints federated queries may call (default: the
    configuration, ``BUDGETKG_SERVICE_ALLOW``)."""
    app = FastAPI(title="budgetkg", docs_url=None, redoc_url=None)
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
    app.add_middleware(SparqlGetFastPath, engine=engine)  # outermost: before CORS and routing
    app.router.add_event_handler("shutdown", lambda: engine.pool.shutdown(wait=False, cancel_futures=True))

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
    """Raw ASGI for ``GET /sparql?query=…`` — what SPARQL clients send most — ahead of FastAPI.

    FastAPI's routing, dependency solving and the CORS middleware cost about as much as a point
    lookup itself (cProfile of bench/bench_serve.py's lookups); this path parses the query string
    as Starlette would, runs the query on the same Engine (same limits, same errors) and answers
    with the same headers, CORS ones included. Anything else — a browser that wants the query
    page, no ``query`` parameter, other methods and paths — goes on to FastAPI unchanged.
    """

    def __init__(self, app: ASGIApp, engine: sparql.Engine) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        headers = dict(scope["headers"])
        accept = headers[b"accept"].decode("latin-1") if b"accept" in headers else None
        if not any(name == "query" for name, _ in params) or _wants_page(accept):
            await self.app(scope, receive, send)
            return
        try:
            outcome = await self.engine.run(sparql.protocol_request(params), arrived)
            response = sparql.results_response(outcome, accept, self.engine.max_results)
        except sparql.Rejected as err:
            response = err.response()
        if b"origin" in headers:  # as CORSMiddleware answers a simple cross-origin request
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
        vary = response.headers.get("Vary")  # CORSMiddleware adds it with or without an Origin
        response.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"
        await response(scope, receive, send)


CORS_EXPOSED = "X-SPARQL-MaxRows, Link, ETag, Vary"


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
