"""What the server says about the dataset as a whole: VoID, statistics, the landing
page's data, and the store state that makes dumps cacheable (ETags)."""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote

import pyoxigraph as ox

from budgetkg import render, uris
from budgetkg.config import base_iri
from budgetkg.dumps import DUMP_FORMATS, document_dumps
from budgetkg.render import CSVW, DCT, ORG, PROV, QB, RDF_TYPE, SD, SH, SKOS, VOID
from budgetkg.sparql import examples
from budgetkg.store import Store

DCAT = "http://www.w3.org/ns/dcat#"
XSD = "http://www.w3.org/2001/XMLSchema#"
IANA = "https://www.iana.org/assignments/media-types/"

DATASET_TITLE = "budgetkg: Chinese departmental budget disclosures as Linked Open Data"
DATASET_DESCRIPTION = (
    "部门预算/决算公开表格，按 W3C RDF Data Cube 建模：每个金额单元格是一个 qb:Observation，"
    "并可追溯到原表的行与单元格。 Departmental budget and final-account tables, one named "
    "graph per source document, every amount cell an observation traceable to its printed cell."
)


# -- store state -----------------------------------------------------------------------------


def store_state(store: Store) -> str:
    """A fingerprint of the store content: graph names + quad count (the ETag of dumps);
    computed once per published snapshot."""
    return store.memo("state", lambda: _fingerprint(store))


def _fingerprint(store: Store) -> str:
    digest = hashlib.sha256("\n".join(store.graph_names()).encode())
    digest.update(str(len(store)).encode())
    return digest.hexdigest()[:32]


def dump_etag(store: Store, name: str) -> str:
    """The strong ETag of dump file ``name``: it changes whenever the store does."""
    return f'"{store_state(store)}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or ``*``); weak tags compare equal."""
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


# -- statistics ------------------------------------------------------------------------------


def _count(store: Store, sparql: str) -> int:
    solutions = store.query(sparql)
    for sol in solutions:  # type: ignore[union-attr]
        value = sol[0]
        return int(value.value) if value is not None else 0
    return 0


def stats(store: Store) -> dict[str, int]:
    return store.memo("stats", lambda: _stats(store))


def _stats(store: Store) -> dict[str, int]:
    return {
        "documents": len(store.documents()),
        "observations": _count(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) {{ ?o a <{QB}Observation> }}"),
        "triples": len(store),
        "graphs": len(store.graph_names()),
    }


def graph_sizes(store: Store) -> dict[str, int]:
    return store.memo("graph_sizes", lambda: _graph_sizes(store))


def _graph_sizes(store: Store) -> dict[str, int]:
    q = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {s["g"].value: int(s["n"].value) for s in store.ox.query(q)}  # type: ignore[union-attr]


def overview(store: Store, root: str) -> dict[str, object]:
    """The landing page (and ``/.json``): what the dataset is, its documents and entry points."""
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
                "dumps": document_dumps(root, d.iri),
            }
            for d in store.documents()
        ],
        "examples": [
            {"name": e.name, "title": e.title, "run": f"{root}query?example={quote(e.name)}"} for e in examples()
        ],
        "dumps": {ext: f"{root}dumps/all.{ext}" for ext in DUMP_FORMATS},
    }


# -- VoID ------------------------------------------------------------------------------------


def void_triples(store: Store, root: str) -> list[ox.Triple]:
    """VoID description of the dataset with one void:subset per named graph."""
    nn = ox.NamedNode
    ds = nn(root + ".well-known/void#dataset")
    a = nn(RDF_TYPE)
    triples = [
        ox.Triple(ds, a, nn(VOID + "Dataset")),
        ox.Triple(ds, nn(DCT + "title"), ox.Literal(DATASET_TITLE, language="en")),
        ox.Triple(ds, nn(DCT + "description"), ox.Literal(DATASET_DESCRIPTION)),
        ox.Triple(ds, nn(VOID + "sparqlEndpoint"), nn(root + "sparql")),
        ox.Triple(ds, nn(VOID + "uriSpace"), ox.Literal(base_iri())),
        ox.Triple(ds, nn(VOID + "triples"), render.integer(len(store))),
        ox.Triple(ds, nn(VOID + "rootResource"), nn(root)),
    ]
    triples += [ox.Triple(ds, nn(VOID + "dataDump"), nn(root + f"dumps/all.{ext}")) for ext in ("nq.gz", "trig.gz")]
    for vocab in (QB, SKOS, DCT, CSVW, PROV, ORG, SH, uris.vocab()):
        triples.append(ox.Triple(ds, nn(VOID + "vocabulary"), nn(vocab)))
    documents = {d.iri for d in store.documents()}
    for graph, size in sorted(graph_sizes(store).items()):
        sub = nn(root + ".well-known/void#graph-" + hashlib.sha1(graph.encode()).hexdigest()[:12])
        triples += [
            ox.Triple(ds, nn(VOID + "subset"), sub),
            ox.Triple(sub, a, nn(VOID + "Dataset")),
            ox.Triple(sub, nn(SD + "name"), nn(graph)),
            ox.Triple(sub, nn(VOID + "triples"), render.integer(size)),
        ]
        if graph in documents:
            triples.append(ox.Triple(sub, nn(VOID + "dataDump"), nn(document_dumps(root, graph)["nq.gz"])))
    return triples + linkset_triples(store, ds) + dcat_triples(store, root, ds)


def linkset_triples(store: Store, ds: ox.NamedNode) -> list[ox.Triple]:
    """Each void:Linkset of the vocabularies (e.g. functional classes → COFOG) as a subset; its
    own description (method, predicates, count) is in the code-list graph."""
    q = f"SELECT DISTINCT ?ls {{ ?ls a <{VOID}Linkset> }} ORDER BY ?ls"
    return [ox.Triple(ds, ox.NamedNode(VOID + "subset"), s["ls"]) for s in store.query(q)]  # type: ignore[union-attr]


def dcat_triples(store: Store, root: str, ds: ox.NamedNode) -> list[ox.Triple]:
    """DCAT: a catalog of the dataset, its dump distributions, the SPARQL service, and the years
    and regions the data covers. A licence is stated only when ``BUDGETKG_DATA_LICENSE`` names
    one (the publisher's terms are not ours to guess)."""
    nn, lit = ox.NamedNode, ox.Literal
    a = nn(RDF_TYPE)
    catalog, service = nn(root + ".well-known/void#catalog"), nn(root + ".well-known/void#sparql-service")
    out = [
        ox.Triple(catalog, a, nn(DCAT + "Catalog")),
        ox.Triple(catalog, nn(DCT + "title"), lit(DATASET_TITLE, language="en")),
        ox.Triple(catalog, nn(DCAT + "dataset"), ds),
        ox.Triple(catalog, nn(DCAT + "service"), service),
        ox.Triple(ds, a, nn(DCAT + "Dataset")),
        ox.Triple(service, a, nn(DCAT + "DataService")),
        ox.Triple(service, nn(DCAT + "endpointURL"), nn(root + "sparql")),
        ox.Triple(service, nn(DCAT + "servesDataset"), ds),
        ox.Triple(service, nn(DCT + "conformsTo"), nn("https://www.w3.org/TR/sparql11-protocol/")),
    ]
    for ext, media in (("nq.gz", "application/n-quads"), ("trig.gz", "application/trig"), ("ttl.gz", "text/turtle")):
        dist = nn(root + f".well-known/void#dump-{ext.split('.')[0]}")
        out += [
            ox.Triple(ds, nn(DCAT + "distribution"), dist),
            ox.Triple(dist, a, nn(DCAT + "Distribution")),
            ox.Triple(dist, nn(DCAT + "downloadURL"), nn(root + f"dumps/all.{ext}")),
            ox.Triple(dist, nn(DCAT + "mediaType"), nn(IANA + media)),
            ox.Triple(dist, nn(DCAT + "compressFormat"), nn(IANA + "application/gzip")),
        ]
    years = [int(s["y"].value) for s in store.query(  # type: ignore[union-attr]
        f"SELECT DISTINCT ?y {{ ?d <{uris.vocab()}fiscalYear> ?year BIND(STRAFTER(STR(?year), \"year/\") AS ?y) }}")
        if s["y"] is not None and s["y"].value.isdigit()]
    if years:
        period = nn(root + ".well-known/void#temporal")
        out += [
            ox.Triple(ds, nn(DCT + "temporal"), period),
            ox.Triple(period, a, nn(DCT + "PeriodOfTime")),
            ox.Triple(period, nn(DCAT + "startDate"), lit(str(min(years)), datatype=nn(XSD + "gYear"))),
            ox.Triple(period, nn(DCAT + "endDate"), lit(str(max(years)), datatype=nn(XSD + "gYear"))),
        ]
    regions = store.query(f"SELECT DISTINCT ?r {{ ?d <{uris.vocab()}region> ?r }} ORDER BY ?r")
    out += [ox.Triple(ds, nn(DCT + "spatial"), s["r"]) for s in regions]  # type: ignore[union-attr]
    if licence := os.environ.get("BUDGETKG_DATA_LICENSE"):
        out.append(ox.Triple(ds, nn(DCT + "license"), nn(licence)))
    return out
