"""The on-disk quad store: one named graph per source document, replaced whole.

A thin, typed layer over :class:`pyoxigraph.Store`. Loading a document is one SPARQL
update (``DROP GRAPH`` + ``INSERT DATA``, and the changes to ``graph/shared`` and to the
document's record in ``graph/contributions``: see :meth:`Store._shared_updates`), which
Oxigraph runs as one transaction: readers see the old graph or the new one, never half of
either, and a failure leaves the store as it was.

Readers in other processes (``budgetkg serve``) never open the read-write RocksDB folder: a
writer holds its lock, and pyoxigraph 0.5 has no secondary instances (a read-only instance
opened next to a live writer is undefined behaviour). Instead, after every committed
transaction the writer *publishes* it: a RocksDB checkpoint (hard links, about a millisecond)
into ``{store}/published/{n}`` and an atomic swap of the ``published/current`` symlink. A
published snapshot is never written again, so it is safe to open read-only; :class:`Published`
follows ``current`` and switches between requests. Old snapshots are deleted by the writer
once no reader holds a shared ``flock`` on their ``{n}.lock`` file.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.config import ONTOLOGY_DIR, base_iri

BKG_DOCUMENT_CLASS = "def/budget#SourceDocument"
#: Record predicates in graph/contributions (see :meth:`Store._shared_updates`).
SHARED_TRIPLE, SHARED_COUNT = "sharedTriple", "sharedTripleCount"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: Sub-folder of a store folder holding its published, read-only snapshots.
PUBLISHED = "published"
T = TypeVar("T")


@dataclass(frozen=True)
class DocumentGraph:
    """A loaded source document: its IRI (also its graph name) and its file name."""

    iri: str
    file_name: str
    title: str


def _insert(graph: str, triples: Iterable[ox.Triple]) -> list[str]:
    return _data("INSERT", graph, (f"{t.subject} {t.predicate} {t.object}" for t in triples))


def _data(operation: str, graph: str, lines: Iterable[str]) -> list[str]:
    """An ``INSERT DATA`` / ``DELETE DATA`` operation on ``graph`` (none for no lines)."""
    body = " .\n".join(lines)
    return [f"{operation} DATA {{ GRAPH <{graph}> {{\n{body} .\n}} }}"] if body else []


def _line(triple: ox.Triple) -> str:
    """A shared triple as one N-Triples line (without the final dot): its record in
    ``graph/contributions`` and its text in the update that adds or removes it."""
    if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
        # a blank node read back from a record would be a new node, never the one in graph/shared
        raise ValueError(f"a shared triple cannot hold a blank node: {triple}")
    return f"{triple.subject} {triple.predicate} {triple.object}"


def canonical_lines(triples: Iterable[ox.Triple]) -> set[str]:
    """Distinct triples as Oxigraph stores them, one :func:`_line` each. Oxigraph keeps typed
    literals in canonical form (``"1.50"^^xsd:decimal`` is stored as ``"1.5"``): two documents
    printing one value differently contribute one stored triple, so their records must agree."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return {_line(q.triple) for q in scratch}


def _term(name: str) -> ox.NamedNode:
    """A term of the budgetkg vocabulary (under the configured base IRI)."""
    return ox.NamedNode(uris.vocab() + name)


def _record_line(record: ox.NamedNode, line: str) -> str:
    return _line(ox.Triple(record, _term(SHARED_TRIPLE), ox.Literal(line)))


@functools.lru_cache(maxsize=4)
def vocabulary_graphs(base: str) -> dict[str, tuple[ox.Triple, ...]]:
    """``ontology/*.ttl`` parsed once per process and base IRI: ``codelists*.ttl`` for the
    code-list graph, every other file (vocabulary, alignments) for the ontology graph."""
    graphs: dict[str, list[ox.Triple]] = {uris.ontology_graph(): [], uris.codelists_graph(): []}
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        graph = uris.codelists_graph() if path.name.startswith("codelists") else uris.ontology_graph()
        graphs[graph] += ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base)
    return {g: tuple(t) for g, t in graphs.items()}


class Store:
    """A budgetkg store folder (an Oxigraph RocksDB store)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        """Open the store at ``path``; ``None`` opens a throw-away in-memory store."""
        #: Immutable stores (published snapshots) cache what they compute about themselves.
        self.immutable = False
        self._memo: dict[str, Any] = {}
        self._lock_fd: int | None = None
        self._writable = path is not None and not read_only
        if path is None:
            self.path = None
            self.ox = ox.Store()
        else:
            self.path = Path(path)
            if read_only:
                self.ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path))

    # -- writing -------------------------------------------------------------------------

    def replace_graphs(self, graphs: dict[str, Iterable[ox.Triple]],
                       shared: dict[str, Iterable[ox.Triple]] | None = None, dropped: Iterable[str] = ()) -> None:
        """Replace each named graph of ``graphs`` by the given triples and make ``shared[doc]``
        document ``doc``'s whole contribution to ``graph/shared`` (see :meth:`_shared_updates`),
        and remove the ``dropped`` documents (graphs, validation reports, contributions), all in
        one transaction. A graph in ``graphs`` but not in ``shared`` keeps its record."""
        parts: list[str] = []
        dropped = list(dropped)
        for graph in (g for doc in dropped
                      for g in (doc, uris.validation_graph(doc), uris.year_on_year_graph(doc))):
            parts.append(f"DROP SILENT GRAPH <{graph}>")
        for graph, triples in graphs.items():
            parts.append(f"DROP SILENT GRAPH <{graph}>")
            parts.extend(_insert(graph, triples))
        changes: dict[str, set[str] | None] = {doc: canonical_lines(t) for doc, t in (shared or {}).items()}
        changes.update(dict.fromkeys(dropped))
        if changes:
            parts.extend(self._shared_updates(changes))
        if parts:
            self.ox.update(" ;\n".join(parts))
        self.ox.flush()
        self.publish()

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        """Remove named graphs, withdrawing the shared contribution of the documents among them
        (one transaction)."""
        graphs = list(graphs)
        parts = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
        parts += self._shared_updates(dict.fromkeys(graphs))
        if parts:
            self.ox.update(" ;\n".join(parts))
            self.ox.flush()
            self.publish()

    def drop_documents(self, documents: Iterable[str]) -> None:
        """Remove source documents: their graphs, validation reports and shared contributions
        (``pipeline.drop_documents`` also rebuilds a narrative whose tables file goes)."""
        self.replace_graphs({}, dropped=documents)

    def shared_contribution(self, document: str) -> set[str] | None:
        """The shared triples recorded for ``document`` (N-Triples lines), None if it has no record."""
        book, record = ox.NamedNode(uris.contributions_graph()), ox.NamedNode(uris.contribution(document))
        if next(iter(self.ox.quads_for_pattern(record, _term(SHARED_COUNT), None, book)), None) is None:
            return None
        return {q.object.value for q in self.ox.quads_for_pattern(record, _term(SHARED_TRIPLE), None, book)}

    def _shared_updates(self, changes: dict[str, set[str] | None]) -> list[str]:
        """Update operations that make ``changes[doc]`` the contribution of each ``doc`` to
        ``graph/shared`` (None: the document is dropped), to run in the same transaction as the
        document graphs themselves.

        Why: graph/shared holds each shared triple once (the union default graph would count a
        copy in two document graphs twice), so it cannot just be replaced with a document; and
        adding only would keep forever what a replaced or dropped version alone contributed (an
        old printed name, a department name). So each document's contribution is recorded in
        ``graph/contributions``, one literal per triple (``{doc}/shared-contribution
        bkg:sharedTriple "<s> <p> <o>"``: a literal asserts nothing, so no triple is counted
        twice), with ``bkg:sharedTripleCount``. A triple leaves graph/shared when the last
        record holding it goes: only the changed documents' withdrawn lines are looked up
        (an index lookup each), so a load costs the size of its own contribution, whatever the
        number of documents in the store.
        """
        book, shared = uris.contributions_graph(), uris.shared_graph()
        records = {doc: ox.NamedNode(uris.contribution(doc)) for doc in changes}
        parts: list[str] = []
        withdrawn: set[str] = set()
        kept: set[str] = set()
        for doc, new in changes.items():
            old = self.shared_contribution(doc)
            if old is None and new is None:
                continue  # not a document with a record (a validation graph, an untracked document)
            old, record = old or set(), records[doc]
            withdrawn |= old - (new or set())
            kept |= new or set()
            parts += _data("DELETE", book, (_record_line(record, line) for line in sorted(old - (new or set()))))
            parts.append(f"DELETE WHERE {{ GRAPH <{book}> {{ {record} {_term(SHARED_COUNT)} ?n }} }}")
            if new is not None:
                count = ox.Triple(record, _term(SHARED_COUNT), ox.Literal(str(len(new)), datatype=XSD_INTEGER))
                parts += _data("INSERT", book, [*(_record_line(record, line) for line in sorted(new - old)),
                                                _line(count)])
        orphans = withdrawn - kept
        if orphans:
            orphans = self._unclaimed(orphans, set(records.values()), set(changes))
        parts += _data("DELETE", shared, sorted(orphans))
        parts += _data("INSERT", shared, sorted(kept))
        return parts

    def _unclaimed(self, lines: set[str], records: set[ox.NamedNode], documents: set[str]) -> set[str]:
        """The ``lines`` that no record outside ``records`` holds; none of them while a document
        other than ``documents`` has no record at all (loaded by a budgetkg older than the
        records): what it contributed is unknown, so nothing is removed (rebuild such a store)."""
        if self._untracked_documents(documents):
            return set()
        book, predicate = ox.NamedNode(uris.contributions_graph()), _term(SHARED_TRIPLE)
        return {line for line in lines
                if all(q.subject in records
                       for q in self.ox.quads_for_pattern(None, predicate, ox.Literal(line), book))}

    def _untracked_documents(self, exclude: set[str]) -> list[str]:
        """Loaded documents (other than ``exclude``) without a shared-contribution record."""
        q = f"""SELECT ?doc {{
              GRAPH ?doc {{ ?doc a <{base_iri()}{BKG_DOCUMENT_CLASS}> }}
              BIND(IRI(CONCAT(STR(?doc), "/shared-contribution")) AS ?record)
              FILTER NOT EXISTS {{ GRAPH <{uris.contributions_graph()}> {{ ?record {_term(SHARED_COUNT)} ?n }} }}
            }}"""
        return [d for s in self.ox.query(q) if (d := s["doc"].value) not in exclude]  # type: ignore[union-attr]

    def publish(self) -> Path | None:
        """Make the committed state visible to readers of other processes (see the module
        docstring); returns the snapshot folder (None for in-memory and read-only stores)."""
        if not self._writable or self.path is None:
            return None
        root = self.path / PUBLISHED
        root.mkdir(exist_ok=True)
        numbers = _snapshot_numbers(root)
        new = root / f"{(max(numbers) + 1) if numbers else 1:09d}"
        self.ox.backup(str(new))
        (root / f"{new.name}.lock").touch()
        link = root / f".current-{os.getpid()}-{threading.get_ident()}"
        link.unlink(missing_ok=True)
        os.symlink(new.name, link)
        os.replace(link, root / "current")  # atomic: readers see the old snapshot or the new one
        # Keep the new snapshot and the one before it (a reader may have just read the old
        # link); delete older ones nobody holds.
        for number in sorted(numbers)[:-1]:
            _delete_if_unused(root, f"{number:09d}")
        return new

    def close(self) -> None:
        """Release the RocksDB folder (and, for a snapshot, the reader's lock)."""
        self.ox = None  # type: ignore[assignment]
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def current(self) -> Store:
        """The state to answer one request from (see :class:`Published`): a Store is its own."""
        return self

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, computed once per immutable store (a mutable one recomputes)."""
        if not self.immutable:
            return compute()
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    def load_vocabularies(self) -> None:
        """(Re)load ``ontology/*.ttl`` (see :func:`vocabulary_graphs`)."""
        self.replace_graphs(vocabulary_graphs(base_iri()))

    @classmethod
    def scratch(cls, graphs: dict[str, Iterable[ox.Triple]]) -> Store:
        """An in-memory store holding the vocabularies and ``graphs``: where one document is
        validated before it is written to the real store."""
        store = cls()
        store.replace_graphs({**vocabulary_graphs(base_iri()), **graphs})
        return store

    # -- reading -------------------------------------------------------------------------

    def query(self, sparql: str, **kwargs: object) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; the default graph is the union of all graphs."""
        kwargs.setdefault("use_default_graph_as_union", True)
        return self.ox.query(sparql, **kwargs)  # type: ignore[arg-type]

    def documents(self) -> list[DocumentGraph]:
        """Every loaded source document, sorted by IRI."""
        return list(self.memo("documents", self._documents))

    def _documents(self) -> list[DocumentGraph]:
        q = f"""
            SELECT ?doc ?file ?title WHERE {{
              GRAPH ?doc {{ ?doc a <{base_iri()}{BKG_DOCUMENT_CLASS}> ;
                                 <{uris.vocab()}fileName> ?file .
                            OPTIONAL {{ ?doc <http://purl.org/dc/terms/title> ?title }} }}
            }} ORDER BY ?doc"""
        return [
            DocumentGraph(s["doc"].value, s["file"].value, s["title"].value if s["title"] else s["file"].value)
            for s in self.ox.query(q)  # type: ignore[union-attr]
        ]

    def graph_names(self) -> list[str]:
        return list(self.memo("graph_names", self._graph_names))

    def _graph_names(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads, or those of one named graph."""
        g = ox.NamedNode(graph) if graph else None
        return iter(self.ox.quads_for_pattern(None, None, None, g))

    def __len__(self) -> int:
        return self.memo("len", lambda: len(self.ox))


# -- published snapshots ---------------------------------------------------------------------


def _snapshot_numbers(root: Path) -> list[int]:
    return [int(p.name) for p in root.iterdir() if p.name.isdigit() and p.is_dir()]


def _delete_if_unused(root: Path, name: str) -> None:
    """Delete snapshot ``name`` unless a reader holds its lock (shared flock)."""
    lock = root / f"{name}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a server still reads it: the next publication tries again
        shutil.rmtree(root / name, ignore_errors=True)
        lock.unlink(missing_ok=True)  # a reader that opened it meanwhile sees st_nlink == 0
    finally:
        os.close(fd)


def open_published(folder: Path) -> Store | None:
    """The published snapshot ``folder`` (``{store}/published/{n}``), opened read-only and
    locked against deletion (a shared flock on ``{n}.lock``, held until the Store is closed or
    its process ends); None if the writer has deleted it."""
    try:
        fd = os.open(folder.parent / f"{folder.name}.lock", os.O_RDWR)
    except FileNotFoundError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    if os.fstat(fd).st_nlink == 0:  # deleted before we locked it
        os.close(fd)
        return None
    store = Store.__new__(Store)
    store.immutable, store._memo, store._writable = True, {}, False
    store.path = folder
    store._lock_fd = fd
    try:
        store.ox = ox.Store.read_only(str(folder))
    except BaseException:
        store.close()
        raise
    return store


def open_snapshot(root: Path) -> tuple[str, Store]:
    """The snapshot ``root/current`` points to, opened read-only and locked against deletion."""
    for _ in range(100):
        name = os.readlink(root / "current")
        store = open_published(root / name)
        if store is not None:
            return name, store
        # deleted between readlink and open: read the link again
    raise OSError(f"{root}: could not open the current snapshot")


class Published:
    """A store folder as ``budgetkg serve`` reads it: its latest published snapshot, read-only.

    :meth:`current` is called once at the start of every request (a ``readlink``, ~2 µs); when
    a writer has published since, the new snapshot is opened (a few ms) and used from then on.
    Requests already running keep the snapshot they started with, so every answer comes from
    one committed state. A folder never published (written by an older budgetkg) is published
    once here, waiting up to ``wait_s`` for a running build to publish first.
    """

    def __init__(self, path: str | Path, *, wait_s: float = 60.0) -> None:
        self.path = Path(path)
        self.root = self.path / PUBLISHED
        self._lock = threading.Lock()
        if not (self.root / "current").is_symlink():
            self._first_publication(wait_s)
        self._name, self._store = open_snapshot(self.root)

    def _first_publication(self, wait_s: float) -> None:
        deadline = time.monotonic() + wait_s
        while not (self.root / "current").is_symlink():
            try:
                writer = Store(self.path)
            except OSError:  # a build holds the folder: it publishes after its first transaction
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            writer.publish()
            writer.close()

    def current(self) -> Store:
        """The latest published snapshot."""
        if os.readlink(self.root / "current") != self._name:
            with self._lock:
                if os.readlink(self.root / "current") != self._name:
                    self._name, self._store = open_snapshot(self.root)
        return self._store

    def __len__(self) -> int:
        return len(self.current())
