"""Linked Data descriptions: what the server says about one IRI, as RDF and as a page.

A description holds the triples about the IRI from every graph (following blank nodes),
the links pointing to it, and, for a named graph that is not a source document, the graph's
contents. The page adds views of some kinds of resource: the printed grid of a table, the
tables and validation findings of a document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from budgetkg import render, uris
from budgetkg.config import base_iri
from budgetkg.dumps import document_dumps
from budgetkg.negotiate import SUFFIXES
from budgetkg.render import CSVW, DCT, PROV, QB, RDF, RDF_TYPE, RDFS, SH, SKOS
from budgetkg.store import Store
from budgetkg.tables import rebuild_grid

PAGE_SIZE = 200  # outgoing values / incoming links per HTML page
INCOMING_LIMIT = 1000  # incoming links included in an RDF description
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", DCT + "title")
RDF_VALUE = RDF + "value"


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
    members: list[ox.Triple] = field(default_factory=list)  # a concept scheme: its concepts' triples

    @property
    def empty(self) -> bool:
        return not (self.outgoing or self.incoming or self.graph_size)


def source_document_class() -> str:
    return uris.vocab() + "SourceDocument"


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
    """Everything the store says about ``iri`` (incoming links: the first ``incoming_limit``)."""
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
        if source_document_class() not in types:  # a document's graph is in /dumps/, not inline
            contents = graph
    members = scheme_member_triples(store, iri) if SKOS + "ConceptScheme" in types else []
    return Description(iri, subjects, _dedupe(outgoing), incoming, total, graph_size, contents, types, members)


def scheme_member_triples(store: Store, scheme: str) -> list[ox.Triple]:
    """Everything said about the concepts of a concept scheme and the names printed for them:
    the RDF twin of a code-list page is the code list itself (``/code/functional.ttl``)."""
    q = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
              ?c <{SKOS}inScheme> <{scheme}> .
              {{ BIND(?c AS ?s) ?s ?p ?o }} UNION {{ ?c <{uris.vocab()}printedName> ?s . ?s ?p ?o }} }}"""
    return _dedupe(store.query(q))  # type: ignore[arg-type]


def description_triples(desc: Description) -> list[ox.Triple]:
    """The RDF twin of a resource page (a concept scheme's includes its concepts)."""
    return _dedupe([*desc.outgoing, *desc.graph_contents, *desc.members, *desc.incoming])


def resolve(store: Store, rel: str) -> tuple[Description, str | None]:
    """The description of the IRI at ``rel`` (a path under the base), and the media type a
    format suffix asks for (None: negotiate). A suffix counts only when the IRI without it
    is known, so an IRI that itself ends in ``.ttl`` still resolves."""
    for suffix, media in SUFFIXES.items():
        if rel.endswith(suffix):
            candidate = describe(store, base_iri() + rel[: -len(suffix)])
            if not candidate.empty:
                return candidate, media
            break
    return describe(store, base_iri() + rel), None


# -- the page --------------------------------------------------------------------------------


def labels_for(store: Store, iris: Iterable[str]) -> dict[str, list[ox.Literal]]:
    """Labels (skos:prefLabel and rdfs:label, else dcterms:title) of the given IRIs, from every
    graph: a 款 has its Chinese names as rdfs:label and its English one as skos:prefLabel."""
    found: dict[str, list[ox.Literal]] = {}
    for iri in dict.fromkeys(iris):
        node = ox.NamedNode(iri)
        lits: list[ox.Literal] = []
        for prop in LABEL_PROPERTIES:
            if lits and prop == DCT + "title":
                break  # a title only for what has no label
            for q in store.ox.quads_for_pattern(node, ox.NamedNode(prop), None, None):
                if isinstance(q.object, ox.Literal) and q.object not in lits:
                    lits.append(q.object)
        if lits:
            found[iri] = lits
    return found


def _iris_in(triples: Iterable[ox.Triple]) -> Iterator[str]:
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                yield term.value


def document_tables(store: Store, iri: str) -> list[tuple[str, str]]:
    """(IRI, title) of each table of a document."""
    q = f"""SELECT ?t (SAMPLE(?title) AS ?name) WHERE {{
              ?t <{PROV}wasDerivedFrom> <{iri}> ; a <{CSVW}Table> .
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


def finding_count(store: Store, report_graph: str) -> int:
    """How many sh:ValidationResult nodes a report graph holds (:func:`findings` gives a row per message language)."""
    q = f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ GRAPH <{report_graph}> {{ ?r a <{SH}ValidationResult> }} }}"
    return int(next(iter(store.ox.query(q)))["n"].value)  # type: ignore[index,union-attr,arg-type]


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


def resource_view(store: Store, desc: Description, page: int) -> dict[str, object]:
    """The context of ``resource.html``: one page (``PAGE_SIZE`` rows) of each list, labels,
    and the views of tables (their printed grid) and documents (tables, findings, dumps)."""
    start = (page - 1) * PAGE_SIZE
    outgoing = desc.outgoing[start : start + PAGE_SIZE]
    incoming = desc.incoming[start : start + PAGE_SIZE]
    contents = desc.graph_contents[start : start + PAGE_SIZE]
    labels = labels_for(store, [*desc.subjects, *_iris_in(outgoing), *_iris_in(incoming), *_iris_in(contents)])
    subject_labels = labels.get(desc.iri, [])
    is_dataset = QB + "DataSet" in desc.types or CSVW + "Table" in desc.types
    is_document = source_document_class() in desc.types
    # A document shows the findings of its report graph; a report graph shows its own.
    report_graph = uris.validation_graph(desc.iri) if is_document else desc.iri if desc.graph_size else None
    if report_graph not in store.graph_names():
        report_graph = None
    # a document's changes checked against its department's previous year have a report of their own
    yearly = uris.year_on_year_graph(desc.iri) if is_document else None
    if yearly not in store.graph_names():
        yearly = None
    own = findings(store, report_graph) if report_graph else []
    year_findings = findings(store, yearly) if yearly else []
    largest = max(len(desc.outgoing), len(desc.incoming), len(desc.graph_contents))
    return {
        "title": render.label_text(subject_labels) or render.curie(desc.iri),
        "desc": desc,
        "subject_labels": subject_labels,
        "labels": labels,
        "groups": _group_by_subject(outgoing),
        "incoming": incoming,
        "contents": contents,
        "grid": rebuild_grid(store, desc.iri) if is_dataset else [],
        "tables": document_tables(store, desc.iri) if is_document else [],
        "findings": own + year_findings,
        "report": report_graph if is_document else None,
        "report_count": finding_count(store, report_graph) if report_graph else 0,
        "year_on_year": yearly,
        "year_on_year_count": finding_count(store, yearly) if yearly else 0,
        "dumps": list(document_dumps("/", desc.iri).values()) if is_document else [],
        "path": render.local_path(desc.iri) or "",
        "page": page,
        "pages": max(1, -(-largest // PAGE_SIZE)),
        "suffixes": SUFFIXES,
        "concepts": scheme_concepts(store, desc.iri) if SKOS + "ConceptScheme" in desc.types else [],
    }


def scheme_concepts(store: Store, scheme: str) -> list[dict[str, object]]:
    """The rows of a code-list page: each concept of the scheme with its notation, level,
    Chinese names (each with the fiscal years that print it), English label and broader concept."""
    bkg = uris.vocab()
    q = f"""SELECT ?c ?notation ?level ?levelName ?en ?broader ?zh ?year WHERE {{
              ?c <{SKOS}inScheme> <{scheme}> .
              OPTIONAL {{ ?c <{SKOS}notation> ?notation }}
              OPTIONAL {{ ?c <{bkg}level> ?level OPTIONAL {{ ?level <{SKOS}prefLabel> ?levelName
                                                             FILTER(LANG(?levelName) = "zh") }} }}
              OPTIONAL {{ ?c <{SKOS}prefLabel> ?en FILTER(LANG(?en) = "en") }}
              OPTIONAL {{ ?c <{SKOS}broader> ?broader }}
              OPTIONAL {{ {{ ?c <{SKOS}prefLabel> ?zh }} UNION {{ ?c <{RDFS}label> ?zh }} FILTER(LANG(?zh) = "zh")
                          OPTIONAL {{ ?c <{bkg}printedName> ?n . ?n <{RDF_VALUE}> ?zh ; <{bkg}printedInYear> ?y
                                      BIND(STRAFTER(STR(?y), "gregorian-year/") AS ?year) }} }}
            }}"""
    rows: dict[str, dict[str, object]] = {}
    for s in store.query(q):  # type: ignore[union-attr]
        iri = s["c"].value
        row = rows.setdefault(iri, {"iri": iri, "notation": s["notation"].value if s["notation"] else "",
                                    "level": s["levelName"].value if s["levelName"] else "",
                                    "en": s["en"].value if s["en"] else "",
                                    "broader": s["broader"].value if s["broader"] else "", "names": {}})
        if s["zh"] is not None:
            years = row["names"].setdefault(s["zh"].value, set())  # type: ignore[union-attr]
            if s["year"] is not None:
                years.add(s["year"].value)
    for row in rows.values():
        row["names"] = [(name, sorted(years)) for name, years in sorted(row["names"].items())]  # type: ignore[union-attr]
    return sorted(rows.values(), key=lambda r: str(r["notation"]))  # 201, 20101, 2010101, 202: the hierarchy

