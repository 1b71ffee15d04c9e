"""read → recognise → map → validate → store, for each source file of a build.

Each document is processed completely in memory (its graph and its validation report graph)
and only then written to the store, both graphs in one transaction: a document is loaded whole
or not at all, and a failure in one document leaves the others and the store untouched.

A disclosure published as two files (Jiangsu: the 部门预算 text, and the 公开表 tables) is two
documents, ``…/document/narrative`` and ``…/document/tables``. The text is read against the
tables of the other file (:func:`validate_pair`): its 类/款/项 paths are linked to their rows and
the text-vs-table rules run on both graphs. Whichever file is loaded second, the narrative's graph
and report are rebuilt in the same transaction; dropping the tables rebuilds them alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.foreign import process_rdf
from budgetkg.identity import identify
from budgetkg.map import MappedDocument, TableStats, map_document
from budgetkg.model import Issue, ReadError
from budgetkg.read import read_document
from budgetkg.recognise import recognise
from budgetkg.store import Store
from budgetkg.subjects import link_triples as subject_links
from budgetkg.subjects import without_links

if TYPE_CHECKING:
    from budgetkg.validate import Finding


@dataclass
class DocumentReport:
    """Outcome of one source file."""

    file: str
    iri: str | None = None
    tables: list[TableStats] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    findings: dict[str, int] = field(default_factory=dict)  # severity -> count
    #: severity -> count of the year-on-year report (``refresh_year_on_year``); None when the department's
    #: disclosure of the year its changes are stated against is not loaded
    year_on_year: dict[str, int] | None = None
    error: str | None = None

    @property
    def loaded(self) -> bool:
        return self.error is None

    @property
    def observations(self) -> int:
        return sum(t.observations for t in self.tables)


def source_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and files under folders named (hidden files skipped), in a stable order."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        else:
            files.append(p)
    return files


def map_file(path: Path) -> tuple[MappedDocument, Store]:
    """Read, recognise and map one file, its narrative figures and subject links included, entirely in memory:
    the mapped document, and a scratch store holding its graph and its part of the shared graph."""
    doc = read_document(path)
    tables = [recognise(t, doc.file_name) for t in doc.tables]
    try:
        ident = identify(tables, [p.text for p in doc.paragraphs], doc.file_name)
    except ValueError as exc:
        raise ReadError(doc.file_name, str(exc)) from None
    mapped = map_document(doc, tables, ident)
    from budgetkg.narrative import narrative_triples  # figures stated in the text (rules R40–R50)

    mapped.triples.extend(narrative_triples(doc, mapped.iri, ident.year))
    scratch = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    # the text's 类/款/项 paths resolved to table rows by name (rule R46): read off the mapped graph
    links = subject_links(scratch, mapped.iri)
    if links:
        mapped.triples.extend(links)
        graph = ox.NamedNode(mapped.iri)
        scratch.ox.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in links])
    return mapped, scratch


def process(path: Path) -> tuple[MappedDocument, list]:
    """Read, recognise, map and validate one file, entirely in memory."""
    from budgetkg import validate  # the validation stage is optional at import time

    mapped, scratch = map_file(path)
    return mapped, validate.validate_graph(scratch, mapped.iri)


@dataclass
class DocumentTriples:
    """One document's own graph and its contribution to graph/shared: what validating it needs."""

    iri: str
    triples: list[ox.Triple]
    shared: list[ox.Triple]


def partner_of(document_iri: str) -> str | None:
    """The other file of a disclosure published as two: the tables of a narrative, the narrative
    of the tables; None for a document holding both (``main``)."""
    disclosure, _, part = document_iri.rpartition("/document/")
    other = {"narrative": "tables", "tables": "narrative"}.get(part)
    return uris.document(disclosure, other) if disclosure and other else None


def stored_document(store: Store, document_iri: str) -> DocumentTriples | None:
    """A loaded document's graph and shared contribution, as the store holds them; None if not loaded."""
    if not store.ox.contains_named_graph(ox.NamedNode(document_iri)):
        return None
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(document_iri)]
    lines = store.shared_contribution(document_iri) or set()
    text = "".join(f"{line} .\n" for line in sorted(lines))  # records are N-Triples lines without their dot
    shared = list(ox.parse(input=text.encode(), format=ox.RdfFormat.N_TRIPLES)) if lines else []
    return DocumentTriples(document_iri, triples, shared)


def validate_pair(narrative: DocumentTriples, tables: DocumentTriples | None,
                  alone: list[Finding] | None = None) -> tuple[list[ox.Triple], list[Finding]]:
    """The narrative's graph and findings read against the tables of the other file (None: alone).

    Its subject paths are linked to the tables' rows (rule R46) and every shape runs on the two
    graphs; the findings kept are those about the narrative (the tables' own are the tables'
    report), with those the narrative alone gives about anything else. ``alone``: those of the
    narrative validated by itself, when already known (``process`` gives them)."""
    from budgetkg import validate

    own = without_links(narrative.triples)
    if alone is None:
        alone = validate.validate_graph(
            Store.scratch({narrative.iri: own, uris.shared_graph(): narrative.shared}), narrative.iri)
    if tables is None:
        return own, alone
    scratch = Store.scratch({narrative.iri: own, tables.iri: tables.triples,
                             uris.shared_graph(): [*narrative.shared, *tables.shared]})
    links = subject_links(scratch, narrative.iri, tables.iri)
    graph = ox.NamedNode(narrative.iri)
    scratch.ox.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in links])
    together = validate.validate_graph(scratch, narrative.iri, [tables.iri])

    def about_narrative(finding: Finding) -> bool:
        return finding.focus == narrative.iri or finding.focus.startswith(narrative.iri + "/")

    findings = [f for f in alone if not about_narrative(f)] + [f for f in together if about_narrative(f)]
    return own + links, validate.sorted_findings(findings)


def validate_stored(store: Store, document_iri: str,
                    yearly: Mapping[str, list[Finding]] | None = None) -> list[Finding]:
    """A loaded document's findings as the current shapes give them (a narrative read against
    its tables file when that is loaded too), with its year-on-year findings (``validate.year_on_year``;
    ``yearly``: those of the store's documents, when already found for them all)."""
    from budgetkg import validate

    partner = partner_of(document_iri)
    narrative = stored_document(store, document_iri) if document_iri.endswith("/narrative") else None
    tables = stored_document(store, partner) if narrative is not None and partner else None
    if narrative is not None and tables is not None:
        own = validate_pair(narrative, tables)[1]
    else:
        own = validate.validate_graph(store, document_iri)
    if yearly is None:
        yearly = validate.year_on_year(store, [document_iri])
    return validate.sorted_findings(own + yearly.get(document_iri, []))


def scratch_store(documents: Iterable[MappedDocument]) -> Store:
    """An in-memory store of mapped documents: their graphs, and graph/shared holding each shared triple once
    (the union default graph would count a repeated one twice)."""
    documents = list(documents)
    return Store.scratch({uris.shared_graph(): list(dict.fromkeys(t for m in documents for t in m.shared))}
                         | {m.iri: m.triples for m in documents})


def pair_findings(mapped: list[MappedDocument], findings: list[list[Finding]]) -> list[list[Finding]]:
    """``findings`` (those of each of ``mapped``, validated alone), with each narrative's read
    against its tables file where that is among ``mapped`` too."""
    by_iri = {m.iri: m for m in mapped}
    out = list(findings)
    for i, m in enumerate(mapped):
        tables = by_iri.get(partner_of(m.iri) or "") if m.iri.endswith("/narrative") else None
        if tables is not None:
            out[i] = validate_pair(DocumentTriples(m.iri, m.triples, m.shared),
                                   DocumentTriples(tables.iri, tables.triples, tables.shared), findings[i])[1]
    return out


def previous_hash(store: Store, document_iri: str) -> str | None:
    """sha256 of the file a document graph was last built from, if it is in the store."""
    q = f"SELECT ?h {{ GRAPH <{document_iri}> {{ <{document_iri}> <{uris.vocab()}sha256> ?h }} }}"
    return next((s["h"].value for s in store.ox.query(q)), None)  # type: ignore[union-attr]


def build(store: Store, paths: Iterable[str | Path],
          progress: Callable[[Path], None] | None = None) -> list[DocumentReport]:
    """Load every file under ``paths`` into ``store``; one report per file."""
    from budgetkg import validate

    store.load_vocabularies()
    reports: list[DocumentReport] = []
    loaded: dict[str, str] = {}  # document IRI -> file name, in this build
    for path in source_files(paths):
        if progress:
            progress(path)
        report = DocumentReport(file=str(path))
        try:
            mapped, findings = process_rdf(path) or process(path)
        except ReadError as exc:
            report.error = exc.reason
            reports.append(report)
            continue
        report.iri, report.tables, report.issues = mapped.iri, mapped.tables, mapped.issues
        if mapped.iri in loaded:
            report.issues.append(Issue("warning", "same-document",
                                       f"same disclosure and part as {loaded[mapped.iri]}, loaded earlier in this "
                                       "build: this file replaces it", path.name))
        elif (previous := previous_hash(store, mapped.iri)) is not None:
            same = previous == mapped.sha256
            report.issues.append(Issue("info", "reloaded" if same else "replaced",
                                       "already in the store with the same content: graph rebuilt" if same
                                       else "already in the store from different content: graph replaced",
                                       path.name))
        loaded[mapped.iri] = path.name
        graphs = {mapped.iri: mapped.triples}
        partner = partner_of(mapped.iri)
        other = stored_document(store, partner) if partner else None
        if other is not None:  # the other file of its disclosure is loaded: the narrative is read against the tables
            this = DocumentTriples(mapped.iri, mapped.triples, mapped.shared)
            narrative, tables = (this, other) if mapped.iri.endswith("/narrative") else (other, this)
            # the new file's own findings, if it is the narrative, are its alone ones
            triples, narrative_findings = validate_pair(narrative, tables, findings if narrative is this else None)
            graphs[narrative.iri] = triples
            if narrative is this:
                findings = narrative_findings
            else:
                report_graph = uris.validation_graph(narrative.iri)
                graphs[report_graph] = validate.report_triples(narrative_findings, narrative.iri)
        report.findings = dict(Counter(f.severity for f in findings))
        graphs[uris.validation_graph(mapped.iri)] = validate.report_triples(findings, mapped.iri)
        # one transaction; replaces the previous version's shared contribution (the narrative
        # rebuilt beside it keeps its own: links are in its graph)
        store.replace_graphs(graphs, shared={mapped.iri: mapped.shared})
        reports.append(report)
    yearly = refresh_year_on_year(store)
    for report in reports:
        if report.iri in yearly:
            report.year_on_year = dict(Counter(f.severity for f in yearly[report.iri]))
    return reports


def refresh_year_on_year(store: Store) -> dict[str, list[Finding]]:
    """Rebuild every year-on-year report (``validate.year_on_year``: a document's stated changes against its
    department's disclosure of the year before) in one transaction, after documents were loaded or dropped: a
    report for each document such a disclosure is loaded for, none for the others. Returns the findings by
    document.

    Derived from two documents, a year-on-year report is not part of either's load: loading the later year
    first and the earlier one after gives the same reports; should this step fail, the documents stay loaded
    and the next build or drop rebuilds the reports."""
    from budgetkg import validate

    pairs = validate.year_on_year_pairs(store)
    found = validate.year_on_year(store, pairs=pairs)
    graphs: dict[str, list[ox.Triple]] = {
        uris.year_on_year_graph(doc): validate.report_triples(findings, doc, uris.year_on_year_graph(doc),
                                                              pairs[doc])
        for doc, findings in found.items()
    }
    existing = {uris.year_on_year_graph(d.iri) for d in store.documents()} & set(store.graph_names())
    graphs.update({g: [] for g in existing - set(graphs)})
    if graphs:
        store.replace_graphs(graphs)
    return found


def drop_documents(store: Store, documents: list[str]) -> None:
    """Remove documents (graphs, reports, shared contributions) in one transaction; a narrative
    whose tables file goes is rebuilt alone in the same transaction."""
    from budgetkg import validate

    graphs: dict[str, list[ox.Triple]] = {}
    for iri in documents:
        partner = partner_of(iri)
        if partner is None or partner in documents or not iri.endswith("/tables"):
            continue
        narrative = stored_document(store, partner)
        if narrative is not None:
            triples, findings = validate_pair(narrative, None)
            graphs[partner] = triples
            graphs[uris.validation_graph(partner)] = validate.report_triples(findings, partner)
    store.replace_graphs(graphs, dropped=documents)
    refresh_year_on_year(store)
