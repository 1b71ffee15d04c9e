"""HTTP content negotiation: the media types the server speaks and how one is chosen.

Every HTML page has a machine-readable twin (RDF, SPARQL results or JSON), chosen by the
``Accept`` header with q-values (RFC 9110 §12.5.1) or, for resources, a file-extension suffix.
Offers are ordered: on a tie the server's first offer wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import pyoxigraph as ox
from fastapi.responses import Response

from budgetkg import render

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
PLAIN = "text/plain"

#: Offered media type -> (canonical response type, pyoxigraph format).
RDF_TYPES: dict[str, tuple[str, ox.RdfFormat]] = {
    TURTLE: (TURTLE, ox.RdfFormat.TURTLE),
    NTRIPLES: (NTRIPLES, ox.RdfFormat.N_TRIPLES),
    JSONLD: (JSONLD, ox.RdfFormat.JSON_LD),
    RDFXML: (RDFXML, ox.RdfFormat.RDF_XML),
    "application/x-turtle": (TURTLE, ox.RdfFormat.TURTLE),
    PLAIN: (NTRIPLES, ox.RdfFormat.N_TRIPLES),
}
#: The RDF offers: the four canonical types, then their aliases.
RDF_OFFERS = list(RDF_TYPES)
RDF_CANONICAL, RDF_ALIASES = RDF_OFFERS[:4], RDF_OFFERS[4:]
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
#: Resource IRI suffix -> the media type it asks for.
SUFFIXES: dict[str, str] = {".ttl": TURTLE, ".nt": NTRIPLES, ".jsonld": JSONLD, ".rdf": RDFXML, ".html": HTML}
CHARSET_TYPES = {TURTLE, NTRIPLES, CSV, TSV, HTML, PLAIN}


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
    return _negotiate(header, tuple(offers))


@lru_cache(maxsize=1024)
def _negotiate(header: str, offers: tuple[str, ...]) -> str | None:
    """negotiate(), memoised: clients send the same few Accept headers again and again."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None


def content_type(media: str) -> str:
    """The ``Content-Type`` of ``media``: text formats say they are UTF-8."""
    return f"{media}; charset=utf-8" if media in CHARSET_TYPES else media


def not_acceptable(offers: Sequence[str]) -> Response:
    """406, listing what the client could have asked for."""
    return Response(
        "Not Acceptable. Available: " + ", ".join(offers) + "\n",
        status_code=406,
        media_type="text/plain; charset=utf-8",
        headers={"Vary": "Accept"},
    )


def rdf_response(triples: Sequence[ox.Triple], media: str, headers: dict[str, str] | None = None) -> Response:
    """``triples`` serialised as ``media`` (an RDF_TYPES key, aliases answered canonically)."""
    canonical, fmt = RDF_TYPES[media]
    body = ox.serialize(triples, format=fmt, prefixes=render.prefixes_for(fmt))
    return Response(body, media_type=content_type(canonical), headers=headers)
