"""SERVICE (federated query) under an allow-list, evaluated by budgetkg, never by Oxigraph.

pyoxigraph's wheel does evaluate ``SERVICE`` with its own HTTP client, but that client has no
time limit (a remote that accepts the connection and never answers blocks the query — and a
worker — forever, measured with a silent loopback socket) and cannot be told which hosts it
may reach. So the endpoint never hands a ``SERVICE`` clause to Oxigraph. Instead:

1. the query is tokenised (comments, strings, IRIs, variables, prefixed names, keywords: the
   SPARQL 1.1 terminals, so a keyword inside a literal, an IRI or a comment is not one) and
   every ``SERVICE [SILENT] target { … }`` is found; a variable target or an endpoint IRI that
   is not on the allow-list is refused (400) before any connection is made, and so is a query
   Oxigraph cannot parse (checked with the clauses stubbed out);
2. the group of each outermost allowed ``SERVICE`` is sent to its endpoint as
   ``SELECT * WHERE { … }`` (with the query's prologue), over HTTP with the time left until the
   query's deadline, no redirects followed (a redirect could lead off the allow-list);
3. the clause is replaced by a ``VALUES`` block of the rows received — exactly the SPARQL 1.1
   Federated Query semantics (the service's solutions joined where the clause stood) — and the
   rewritten query, which has no ``SERVICE`` left, runs on the local store.

An unreachable endpoint answers 502, one too slow 504 (``SILENT`` turns both into the single
empty solution, as the Federated Query spec says). A service's rows count against the row
limit: at most ``max_rows`` are kept, and the response then carries ``X-SPARQL-MaxRows``.

rdflib's SPARQL parser was tried for step 1 (pyoxigraph exposes no parsed query): it takes
3-20 ms per query and failed with RecursionError on a one-line query nesting SERVICE clauses
in OPTIONAL and FILTER EXISTS. The tokeniser is exact for this purpose: ``SERVICE`` is a
keyword that can only start a service clause, and Oxigraph does not decode ``\\u`` escapes
outside strings and IRIs (checked), so no SERVICE can hide from it.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox

#: The SPARQL terminals that matter here, longest alternatives first. IRIREF excludes the
#: characters the grammar excludes (so ``?a<?b`` is not an IRI); anything else is one char.
_TOKEN = re.compile(
    r'(?P<ws>\s+)|(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)'
    r'|(?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w\-:%.\u00B7]|\\[_~.\-!$&\'()*+,;=/?#@%])*)'
    r'|(?P<name>[^\W\d][\w]*)'
    r'|(?P<other>.)',
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokenize(query: str) -> list[Token]:
    """The query's tokens, without whitespace and comments."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        text = m.group()
        if kind == "pname" and text.endswith("."):  # PN_LOCAL never ends with '.': it ends the triple
            stripped = text.rstrip(".")
            tokens.append(Token(kind, stripped, m.start(), m.start() + len(stripped)))
            continue
        tokens.append(Token(kind, text, m.start(), m.end()))
    return tokens


class FederationError(Exception):
    """A refused or failed SERVICE clause: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Service:
    """One outermost ``SERVICE`` clause: its endpoint and where it stands in the query."""

    endpoint: str
    silent: bool
    group: str  # the ``{ … }`` text sent to the endpoint
    start: int
    end: int


def _host(iri: str) -> str:
    return urlsplit(iri).hostname or iri


def parse_prologue(tokens: list[Token]) -> tuple[dict[str, str], str | None, int]:
    """PREFIX map, BASE and the index of the first token after the prologue."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper()
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = tokens[i + 2].text[1:-1]
            i += 3
        elif word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = tokens[i + 1].text[1:-1]
            i += 2
        else:
            break
    return prefixes, base, i


def _closing_brace(tokens: list[Token], i: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].kind == "other" and tokens[j].text == "{":
            depth += 1
        elif tokens[j].kind == "other" and tokens[j].text == "}":
            depth -= 1
            if depth == 0:
                return j
    raise FederationError(400, "Malformed query: a SERVICE group is not closed.")


def find_services(query: str, allowed: frozenset[str], base_iri: str) -> tuple[list[Service], str]:
    """The outermost SERVICE clauses of ``query`` and its prologue text.

    Raises FederationError(400) for any SERVICE (nested ones included) whose target is a
    variable or an endpoint not in ``allowed``; nothing has been fetched at that point.
    """
    tokens = tokenize(query)
    prefixes, base, body = parse_prologue(tokens)
    prologue = query[: tokens[body].start] if body < len(tokens) else query
    found: list[Service] = []
    outer_end = -1
    for i, tok in enumerate(tokens):
        if tok.kind != "name" or tok.text.upper() != "SERVICE":
            continue
        j = i + 1
        silent = j < len(tokens) and tokens[j].kind == "name" and tokens[j].text.upper() == "SILENT"
        j += silent
        if j >= len(tokens):
            raise FederationError(400, "Malformed query: SERVICE without an endpoint.")
        target = tokens[j]
        if target.kind == "var":
            raise FederationError(
                400, f"SERVICE {target.text}: a variable endpoint is not allowed; name an allowed endpoint IRI."
            )
        if target.kind == "iri":
            endpoint = urljoin(base or base_iri, target.text[1:-1])
        elif target.kind == "pname" and target.text.split(":", 1)[0] in prefixes:
            prefix, local = target.text.split(":", 1)
            endpoint = urljoin(base or base_iri, prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
        else:
            raise FederationError(400, f"Malformed query: SERVICE {target.text} is not an endpoint IRI.")
        if endpoint not in allowed:
            listed = " ".join(sorted(allowed)) or "none"
            raise FederationError(
                400,
                f"SERVICE <{endpoint}>: host {_host(endpoint)} is not on this endpoint's allow-list "
                f"(allowed: {listed}).",
            )
        if j + 1 >= len(tokens) or tokens[j + 1].text != "{":
            raise FederationError(400, f"Malformed query: SERVICE <{endpoint}> without a group pattern.")
        close = _closing_brace(tokens, j + 1)
        if tok.start > outer_end:  # not nested in a service already found: sent with its parent
            found.append(Service(endpoint, silent, query[tokens[j + 1].start : tokens[close].end],
                                 tok.start, tokens[close].end))
            outer_end = tokens[close].end
    return found, prologue


def _term(term: object, endpoint: str) -> str:
    """A result term as SPARQL ``VALUES`` syntax (N-Triples terms are valid SPARQL terms)."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise FederationError(502, f"SERVICE <{endpoint}> returned a blank node or triple term, which cannot be joined.")


def values_block(variables: list[str], rows: list[list[object | None]], endpoint: str) -> str:
    """``VALUES (?a ?b) { (x y) … }``: the service's solutions where the clause stood."""
    head = " ".join("?" + v for v in variables)
    body = " ".join("(" + " ".join("UNDEF" if t is None else _term(t, endpoint) for t in row) + ")" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


@dataclass
class Fetched:
    text: str
    truncated: bool


USER_AGENT = "budgetkg SPARQL endpoint (federated query; https://www.w3.org/TR/sparql11-federated-query/)"


async def _fetch(client: httpx.AsyncClient, service: Service, prologue: str, deadline: float,
                 max_rows: int) -> tuple[str, bool]:
    """The service's solutions as a VALUES block (and whether they were cut at ``max_rows``)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FederationError(504, f"SERVICE <{service.endpoint}>: no time left before the query's deadline.")
    query = f"{prologue}SELECT * WHERE {service.group} LIMIT {max_rows + 1}"
    host = _host(service.endpoint)
    try:
        response = await client.post(
            service.endpoint,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json", "User-Agent": USER_AGENT},
            timeout=remaining,
        )
    except httpx.TimeoutException:
        raise FederationError(504, f"SERVICE <{service.endpoint}>: {host} did not answer in time.") from None
    except httpx.HTTPError as err:
        raise FederationError(502, f"SERVICE <{service.endpoint}>: could not reach {host}: {err}") from None
    if response.status_code != 200:
        raise FederationError(502, f"SERVICE <{service.endpoint}>: {host} answered HTTP {response.status_code}.")
    try:
        solutions = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("not a solution sequence")
        variables = [v.value for v in solutions.variables]
        rows: list[list[object | None]] = []
        for solution in solutions:
            rows.append([solution[k] for k in range(len(variables))])
    except (SyntaxError, ValueError, OSError) as err:
        raise FederationError(502, f"SERVICE <{service.endpoint}>: unreadable answer from {host}: {err}") from None
    truncated = len(rows) > max_rows
    return values_block(variables, rows[:max_rows], service.endpoint), truncated


def _check_syntax(query: str, services: list[Service], base_iri: str) -> None:
    """Refuse (400) a malformed query before anything is sent to an endpoint: Oxigraph parses
    it with each SERVICE clause stubbed out (and evaluates that over an empty store)."""
    stub, position = [], 0
    for service in services:
        stub += [query[position : service.start], "VALUES () { () }"]
        position = service.end
    stub.append(query[position:])
    try:
        ox.Store().query("".join(stub), base_iri=base_iri)
    except SyntaxError as err:
        raise FederationError(400, f"Malformed query: {err}") from None


async def resolve(query: str, allowed: frozenset[str], base_iri: str, deadline: float,
                  max_rows: int) -> Fetched:
    """``query`` with every SERVICE clause replaced by the rows its endpoint returned."""
    if "service" not in query.lower():  # the common case, without tokenising
        return Fetched(query, False)
    services, prologue = find_services(query, allowed, base_iri)
    if not services:
        return Fetched(query, False)
    _check_syntax(query, services, base_iri)
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        results = await asyncio.gather(
            *(_fetch(client, s, prologue, deadline, max_rows) for s in services), return_exceptions=True
        )
    parts: list[str] = []
    position = 0
    truncated = False
    for service, result in zip(services, results, strict=True):
        if isinstance(result, BaseException):
            if not (service.silent and isinstance(result, FederationError)):
                raise result
            # SILENT: the failed service is the one empty solution, its variables in scope but unbound
            names = list(dict.fromkeys(t.text[1:] for t in tokenize(service.group) if t.kind == "var"))
            block = values_block(names, [[None] * len(names)], service.endpoint)
        else:
            block, cut = result
            truncated = truncated or cut
        parts += [query[position : service.start], block]
        position = service.end
    parts.append(query[position:])
    return Fetched("".join(parts), truncated)
