"""read → recognise → map → validate → store, for each source file of a build.

Each document is processed completely in memory (its graph and its validation report graph)
and only then written to the store, both graphs in one transaction: a document is loaded whole
or not at all, and a failure in one document leaves the others and the store untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class DocumentReport:
    """Outcome of one source file."""

    file: str
    iri: str | None = None
    tables: list[TableStats] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    findings: dict[str, int] = field(default_factory=dict)  # severity -> count
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


def process(path: Path) -> tuple[MappedDocument, list]:
    """Read, recognise, map and validate one file, entirely in memory."""
    from budgetkg import validate  # the validation stage is optional at import time

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
    findings = validate.validate_graph(scratch, mapped.iri)
    return mapped, findings


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
        for f in findings:
            report.findings[f.severity] = report.findings.get(f.severity, 0) + 1
        store.replace_graphs(
            {mapped.iri: mapped.triples,
             uris.validation_graph(mapped.iri): validate.report_triples(findings, mapped.iri)},
            shared={mapped.iri: mapped.shared},  # replaces the previous version's contribution
        )
        reports.append(report)
    return reports
