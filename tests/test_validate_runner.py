"""How the catalogue is run: checks on several threads, and over the union of a scratch store's graphs.

Both are speed-ups only (see ``validate.run_catalogue`` and ``validate.scope``): these tests hold
them to the findings of the plain way, one check at a time over the document's graphs listed.
"""

from __future__ import annotations

import threading
from typing import ClassVar

import pyoxigraph as ox

from budgetkg import uris, validate
from budgetkg.store import Store


class _Recorded(validate.Check):
    """A check that notes the thread it ran on."""

    threads: ClassVar[set[str]] = set()

    def run(self, store: Store, graphs: list[str] | None) -> list[validate.Finding]:  # type: ignore[override]
        _Recorded.threads.add(threading.current_thread().name)
        return super().run(store, graphs)


def _scratch_copy(store: Store, document: str) -> Store:
    """The document and the shared graph in a scratch store (with the vocabularies), as ``pipeline.process``
    validates a document."""
    def triples(graph: str) -> list[ox.Triple]:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)]

    return Store.scratch({document: triples(document), uris.shared_graph(): triples(uris.shared_graph())})


def test_threads_give_the_findings_of_one_at_a_time(sample_store: Store, sample_document: str) -> None:
    checks = [_Recorded(**c.__dict__) for c in validate.catalogue(validate.load_shapes())]
    graphs = validate.document_graphs(sample_document)
    _Recorded.threads.clear()
    alone = validate.run_catalogue(sample_store, checks, graphs, workers=1)
    assert _Recorded.threads == {threading.current_thread().name}
    _Recorded.threads.clear()
    together = validate.run_catalogue(sample_store, checks, graphs, workers=3)
    assert len(_Recorded.threads) > 1 and threading.current_thread().name not in _Recorded.threads
    assert len(alone) == 20  # the sample's findings (tests/test_validate_sample.py lists them)
    assert together == alone  # the same findings, in the order of the checks


def test_union_scope_only_for_a_store_holding_exactly_the_graphs(sample_store: Store, sample_document: str) -> None:
    graphs = validate.document_graphs(sample_document)
    # the published store also holds the validation report and the metadata graphs
    assert validate.scope(sample_store, graphs) == graphs
    scratch = _scratch_copy(sample_store, sample_document)
    assert validate.scope(scratch, graphs) is None
    assert validate.scope(scratch, graphs[:-1]) == graphs[:-1]  # a graph held but not asked for
    s, p = ox.NamedNode("urn:x-test:s"), ox.NamedNode("urn:x-test:p")
    scratch.ox.add(ox.Quad(s, p, ox.Literal("1"), ox.DefaultGraph()))
    assert validate.scope(scratch, graphs) == graphs  # the union would take the default graph in
    scratch.ox.remove(ox.Quad(s, p, ox.Literal("1"), ox.DefaultGraph()))
    assert validate.scope(scratch, graphs) is None


def test_union_scope_gives_the_findings_of_the_graphs_listed(sample_store: Store, sample_document: str) -> None:
    over_union = validate.validate_graph(_scratch_copy(sample_store, sample_document), sample_document)
    over_list = validate.validate_graph(sample_store, sample_document)
    assert len(over_list) == 20
    assert over_union == over_list  # locations included
