"""How the catalogue is run: checks on several threads, and over the union of a scratch store's graphs.

Both are speed-ups only (see ``validate.run_catalogue`` and ``validate.scope``): these tests hold
them to the findings of the plain way, one check at a time over the document's graphs listed.
"""

from __future__ import annotations

import threading
from typing import ClassVar

import pyoxigraph as ox
import pytest

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


def test_optional_lookups_rewrite_only_optionals_of_one_triple_pattern() -> None:
    query = (
        "SELECT * WHERE { ?s a ex:T . OPTIONAL { ?s <http://x/p> ?v . }\n"
        "  OPTIONAL { ?s ex:q ?w FILTER (?w > 1) }\n"
        "  OPTIONAL { ?s a ex:C } OPTIONAL { ?s ex:p \"x\" } OPTIONAL { ?s ex:a ?b . ?b ex:c ?d }\n"
        "  OPTIONAL { ?s ?p ?o } # OPTIONAL { ?s ex:r ?r }\n"
        "  FILTER (?v != \"OPTIONAL { ?s ex:r ?r }\") }"
    )
    assert validate.optional_lookups(query) == (
        "SELECT * WHERE { ?s a ex:T . LATERAL { OPTIONAL { ?s <http://x/p> ?v . } }\n"
        "  OPTIONAL { ?s ex:q ?w FILTER (?w > 1) }\n"
        "  LATERAL { OPTIONAL { ?s a ex:C } } OPTIONAL { ?s ex:p \"x\" } OPTIONAL { ?s ex:a ?b . ?b ex:c ?d }\n"
        "  OPTIONAL { ?s ?p ?o } # OPTIONAL { ?s ex:r ?r }\n"
        "  FILTER (?v != \"OPTIONAL { ?s ex:r ?r }\") }"
    )


def test_optional_lookups_keep_the_solutions() -> None:
    """No match, one, two, a value bound before the OPTIONAL (equal or not), the same triple in two graphs."""
    ex = "http://example.org/"
    store = ox.Store()
    p, q, t = ox.NamedNode(ex + "p"), ox.NamedNode(ex + "q"), ox.NamedNode(ex + "T")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    g1, g2 = ox.NamedNode(ex + "g1"), ox.NamedNode(ex + "g2")
    subjects = [ox.NamedNode(f"{ex}s{i}") for i in range(5)]
    quads = [ox.Quad(s, rdf_type, t, g1) for s in subjects]
    quads += [ox.Quad(subjects[1], p, ox.Literal("1"), g1),
              ox.Quad(subjects[2], p, ox.Literal("1"), g1), ox.Quad(subjects[2], p, ox.Literal("2"), g1),
              ox.Quad(subjects[3], p, ox.Literal("1"), g1), ox.Quad(subjects[3], p, ox.Literal("1"), g2),
              ox.Quad(subjects[4], q, ox.Literal("2"), g1), ox.Quad(subjects[4], p, ox.Literal("1"), g2),
              ox.Quad(subjects[1], q, ox.Literal("1"), g2)]
    store.extend(quads)
    queries = [
        f"SELECT * WHERE {{ ?s a <{ex}T> OPTIONAL {{ ?s <{ex}p> ?v }} }}",
        f"SELECT * WHERE {{ ?s a <{ex}T> OPTIONAL {{ ?s <{ex}q> ?v }} OPTIONAL {{ ?s <{ex}p> ?v }} }}",
        f"SELECT * WHERE {{ ?s a <{ex}T> OPTIONAL {{ ?s <{ex}p> ?v }} OPTIONAL {{ ?s <{ex}q> ?w }} "
        f"BIND (COALESCE(?v, ?w, 0) AS ?x) OPTIONAL {{ ?s <{ex}p> ?x }} }}",
    ]
    for query in queries:
        rewritten = validate.optional_lookups(query)
        assert rewritten.count("LATERAL") == query.count("OPTIONAL")
        for options in ({"use_default_graph_as_union": True}, {"default_graph": [g1]}, {"default_graph": [g1, g2]}):
            plain = sorted(str(s) for s in store.query(query, **options))  # type: ignore[arg-type]
            lateral = sorted(str(s) for s in store.query(rewritten, **options))  # type: ignore[arg-type]
            assert lateral == plain and plain, (query, options)


def test_catalogue_with_and_without_optional_lookups(sample_store: Store, sample_document: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = validate.load_shapes()
    checks = validate.catalogue(shapes)
    graphs = validate.document_graphs(sample_document)
    r27 = next(c for c in validate.sparql_constraints(shapes) if c.shape.endswith("R27-fund-columns-info"))
    assert validate.fast_query(r27).count("LATERAL") == 5  # two cells × decimals, printed value; a title
    with_lookups = validate.run_catalogue(sample_store, checks, graphs, workers=1)
    monkeypatch.setattr(validate, "optional_lookups", lambda select: select)
    assert validate.fast_query(r27).count("LATERAL") == 0
    plain = validate.catalogue(shapes)  # the checks' queries are written when the catalogue is built
    assert any("LATERAL" in (c.query or "") for c in checks)
    assert not any("LATERAL" in (c.query or "") for c in plain)
    without = validate.run_catalogue(sample_store, plain, graphs, workers=1)
    assert len(with_lookups) == 20
    assert with_lookups == without
