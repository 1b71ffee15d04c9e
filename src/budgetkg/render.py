"""HTML and result-format rendering for the web app, and the namespaces it speaks.

Everything user- or data-supplied goes through Jinja2 autoescaping or ``markupsafe.escape``;
this module never builds HTML by string concatenation of unescaped text.

The SPARQL result serialisers live here (not in pyoxigraph) because the endpoint
materialises solutions row by row under a deadline and a row limit, and pyoxigraph can only
serialise its own, unbounded ``QuerySolutions`` iterator. Their output follows the W3C
formats and matches pyoxigraph's own serialisation (the tests compare them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from budgetkg.config import base_iri

# -- namespaces ------------------------------------------------------------------------------
# One place for the namespaces the server writes and reads; ``prefixes()`` names them.

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
CSVW = "http://www.w3.org/ns/csvw#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = RDF + "langString"
RDF_TYPE = RDF + "type"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def prefixes() -> dict[str, str]:
    """Prefixes for Turtle output and compact names in HTML (base-dependent ones included)."""
    base = base_iri()
    return {
        "bkg": base + "def/budget#",
        "code": base + "code/",
        "qb": QB,
        "csvw": CSVW,
        "dcterms": DCT,
        "prov": PROV,
        "org": ORG,
        "owl": "http://www.w3.org/2002/07/owl#",
        "rdf": RDF,
        "rdfs": RDFS,
        "skos": SKOS,
        "sh": SH,
        "xsd": XSD,
        "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
        "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
        "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
        "void": VOID,
        "sd": SD,
        "time": "http://www.w3.org/2006/time#",
    }


def prefixes_for(fmt: ox.RdfFormat) -> dict[str, str] | None:
    """Prefixes to declare when serialising ``fmt``; None for formats without prefixes."""
    return prefixes() if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None


def integer(value: int) -> ox.Literal:
    """An ``xsd:integer`` literal (counts in VoID and the service description)."""
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


# -- terms -----------------------------------------------------------------------------------


def local_path(iri: str) -> str | None:
    """The path of this server that dereferences ``iri``, or None for IRIs outside the base."""
    base = base_iri()
    return "/" + iri[len(base) :] if iri.startswith(base) else None


def curie(iri: str) -> str:
    """``prefix:local`` when a known namespace matches, else the full IRI."""
    best = ""
    name = ""
    for prefix, ns in prefixes().items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    return f"{name}:{iri[len(best) :]}" if best else iri


def href(iri: str) -> str:
    """Link target: local path for our IRIs (so links work on any host/port), else the IRI."""
    return local_path(iri) or iri


def term_html(term: Term | None, labels: dict[str, list[ox.Literal]] | None = None) -> Markup:
    """One RDF term as HTML: linked IRI with its labels, typed/tagged literal, blank node."""
    if term is None:
        return Markup("")
    if isinstance(term, ox.NamedNode):
        text = escape(curie(term.value))
        label = label_text(labels.get(term.value, []) if labels else [])
        extra = Markup(' <span class="label">{}</span>').format(label) if label else Markup("")
        return Markup('<a href="{}">{}</a>{}').format(href(term.value), text, extra)
    if isinstance(term, ox.BlankNode):
        return Markup('<span class="bnode">_:{}</span>').format(term.value)
    if isinstance(term, ox.Literal):
        return literal_html(term)
    return Markup("&lt;&lt; {} {} {} &gt;&gt;").format(
        term_html(term.subject), term_html(term.predicate), term_html(term.object)
    )


def literal_html(lit: ox.Literal) -> Markup:
    dt = lit.datatype.value
    if lit.language:
        return Markup('{} <span class="lang">@{}</span>').format(lit.value, lit.language)
    if dt == XSD_STRING:
        return Markup("{}").format(lit.value)
    return Markup('{} <span class="dt">{}</span>').format(lit.value, curie(dt))


def label_text(labels: Sequence[ox.Literal]) -> str:
    """Chinese label first, then English, then any other: e.g. ``行政运行 · administration``."""
    ordered = sorted(labels, key=lambda lit: {"zh": 0, "en": 1}.get((lit.language or "").split("-")[0], 2))
    seen: list[str] = []
    for lit in ordered:
        if lit.value not in seen:
            seen.append(lit.value)
    return " · ".join(seen[:2])


# -- SPARQL results formats ------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def results_json(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    """SPARQL 1.1 Query Results JSON Format (unbound variables are omitted from a binding)."""
    bindings = [
        {var: _json_term(value) for var, value in zip(variables, row, strict=True) if value is not None} for row in rows
    ]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def boolean_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
        f"</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


_XML_HEAD = '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def results_xml(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    """SPARQL Query Results XML Format."""
    parts = [_XML_HEAD, "<head>"]
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for var, value in zip(variables, row, strict=True):
            if value is not None:
                parts.append(f"<binding name={quoteattr(var)}>{_xml_term(value)}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>")
    return "".join(parts).encode()


def boolean_xml(value: bool) -> bytes:
    return f"{_XML_HEAD}<head></head><boolean>{'true' if value else 'false'}</boolean></sparql>".encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def results_csv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    """SPARQL 1.1 CSV results: lexical forms only, CRLF line ends, RFC 4180 quoting."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buf.getvalue().encode()


#: Literals TSV may write bare, as Turtle does, when the lexical form is valid Turtle syntax.
_TURTLE_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?([0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+)"),
    XSD + "boolean": re.compile(r"true|false"),
}


def _tsv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        pattern = _TURTLE_BARE.get(term.datatype.value)
        if pattern and pattern.fullmatch(term.value):
            return term.value
    return str(term)


def results_tsv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    """SPARQL 1.1 TSV results: terms in Turtle/N-Triples syntax (which escapes tabs and newlines)."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_value(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


# -- templates -------------------------------------------------------------------------------

_ENV = Environment(
    loader=PackageLoader("budgetkg", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(term=term_html, curie=curie, href=href, label_text=label_text)


def page(template: str, **context: object) -> str:
    """Render ``templates/{template}`` (autoescaped)."""
    return _ENV.get_template(template).render(**context)
