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

#: The code lists published as vocabularies of their own (a page and a Turtle/JSON-LD dump each).
CODE_LISTS = ("functional", "economic", "line-item")

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
        "linksets": [{**ls, "page": root.rstrip("/") + (render.local_path(str(ls["iri"])) or "")}
                     for ls in linksets(store)],
        "codelists": [{"name": name, "page": f"{root}code/{name}", "dump": f"{root}code/{name}.ttl"}
                      for name in CODE_LISTS],
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


#: Each linkset (its IRI under ``id/linkset/``, described in ``ontology/codelists-*.ttl``) and the
#: SPARQL that counts its links in the store. ``{bkg}``, ``{codelists}``, ``{ontology}``,
#: ``{shared}`` and ``{code}`` are filled in with this deployment's IRIs.
LINKSET_COUNTS: dict[str, str] = {
    # functional 类 → COFOG concepts: the mapping triples of the code-list graph
    "functional-cofog": """SELECT (COUNT(*) AS ?n) { GRAPH <{codelists}> {
        ?s ?p ?o . ?o <http://www.w3.org/2004/02/skos/core#inScheme> <{code}cofog> .
        FILTER(?p IN (<http://www.w3.org/2004/02/skos/core#exactMatch>, <http://www.w3.org/2004/02/skos/core#closeMatch>,
                      <http://www.w3.org/2004/02/skos/core#broadMatch>, <http://www.w3.org/2004/02/skos/core#narrowMatch>,
                      <http://www.w3.org/2004/02/skos/core#relatedMatch>)) } }""",
    # one link per region that carries its code in Wikidata's P442 form
    "region-wikidata": """SELECT (COUNT(DISTINCT ?r) AS ?n) { GRAPH <{shared}> { ?r <{bkg}wikidataAdminCode> ?c } }""",
    "department-units": """SELECT (COUNT(*) AS ?n) { GRAPH <{shared}> { ?d <http://www.w3.org/ns/org#hasUnit> ?u } }""",
    "vocabulary-alignments": """SELECT (COUNT(*) AS ?n) { GRAPH <{ontology}> {
        ?p <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?q .
        FILTER(STRSTARTS(STR(?p), "{bkg}"))
        FILTER(STRSTARTS(STR(?q), "http://data.openbudgets.eu/ontology/")
               || STRSTARTS(STR(?q), "http://purl.org/linked-data/sdmx/2009/")) } }""",
}


def linkset_iri(key: str) -> str:
    return f"{base_iri()}id/linkset/{key}"


def linkset_counts(store: Store) -> dict[str, int]:
    """Links per linkset, counted in the store (once per published snapshot)."""
    return store.memo("linksets", lambda: _linkset_counts(store))


def _linkset_counts(store: Store) -> dict[str, int]:
    fills = {"bkg": uris.vocab(), "codelists": uris.codelists_graph(), "ontology": uris.ontology_graph(),
             "shared": uris.shared_graph(), "code": base_iri() + "code/"}
    counts = {}
    for key, query in LINKSET_COUNTS.items():
        for name, value in fills.items():
            query = query.replace("{" + name + "}", value)
        counts[key] = _count(store, query)
    return counts


def linksets(store: Store) -> list[dict[str, object]]:
    """The landing page's linksets: IRI, titles and link count of each."""
    counts = linkset_counts(store)
    out = []
    for key, count in counts.items():
        iri = linkset_iri(key)
        titles = {lit.language: lit.value for q in store.ox.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(DCT + "title"), None, ox.NamedNode(uris.codelists_graph()))
            if isinstance(lit := q.object, ox.Literal)}
        out.append({"key": key, "iri": iri, "title": titles.get("en", key), "title_zh": titles.get("zh", ""),
                    "triples": count})
    return out


def linkset_triples(store: Store, ds: ox.NamedNode) -> list[ox.Triple]:
    """Each void:Linkset as a subset of the dataset, with its description from the code-list
    graph (title, method, predicates, targets) and its link count (void:triples) from the store."""
    nn = ox.NamedNode
    counts = linkset_counts(store)
    out: list[ox.Triple] = []
    q = f"SELECT DISTINCT ?ls {{ ?ls a <{VOID}Linkset> }} ORDER BY ?ls"
    for s in store.query(q):  # type: ignore[union-attr]
        ls = s["ls"]
        out.append(ox.Triple(ds, nn(VOID + "subset"), ls))
        out += [t for t in dict.fromkeys(qd.triple for qd in store.ox.quads_for_pattern(ls, None, None, None))
                if t.predicate.value != VOID + "triples"]
        key = ls.value.removeprefix(base_iri() + "id/linkset/")
        if key in counts:
            out.append(ox.Triple(ls, nn(VOID + "triples"), render.integer(counts[key])))
        if not any(t.subject == ls and t.predicate.value == VOID + "subjectsTarget" for t in out):
            out.append(ox.Triple(ls, nn(VOID + "subjectsTarget"), ds))
    return out


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
    for name in CODE_LISTS:  # each code list's own dump: its page's RDF twin
        dist = nn(root + f".well-known/void#codelist-{name}")
        out += [
            ox.Triple(ds, nn(DCAT + "distribution"), dist),
            ox.Triple(dist, a, nn(DCAT + "Distribution")),
            ox.Triple(dist, nn(DCT + "title"), lit(f"code list {name} (SKOS)", language="en")),
            ox.Triple(dist, nn(DCT + "subject"), nn(uris.scheme(name))),
            ox.Triple(dist, nn(DCAT + "downloadURL"), nn(root + f"code/{name}.ttl")),
            ox.Triple(dist, nn(DCAT + "mediaType"), nn(IANA + "text/turtle")),
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
