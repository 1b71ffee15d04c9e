"""The fast path gives pyshacl's report on real corpus documents (issue 4).

Every shape of the catalogue (``validate.SHAPE_FILES``) runs on the fast path over three corpus
documents, as ``validate_graph`` runs it (compiled core constraints, SPARQL constraints grouped by
rule); pyshacl (``advanced=True``), the reference, runs over the same graphs (document, ontology,
code lists, shared) with:

* every core shape complete (its own targets: cheap in pyshacl);
* each SHACL-SPARQL shape on its own targets when it has at most ``WHOLE`` focus nodes (data sets,
  structure definitions, dimensions, code-list hierarchies: pyshacl enumerates them itself);
* every other SPARQL shape narrowed (``_retarget``) to every focus node the fast path reported for
  its rule (so an Info finding is checked against the -violation shape too), plus ``SAMPLE`` node it
  compares figures for without reporting anything (the query without its final FILTER; a shape
  without one: any target), in the first of the documents where there is one (see ``_narrowed``);
* IC-12 (a SPARQL-based target: its candidate duplicates, none in these documents) on its
  candidates plus ``SAMPLE`` observation that is not one: pyshacl's pairwise test finds no duplicate
  for it either.

pyshacl runs each SPARQL constraint once per focus node (~60-400 ms on these graphs, its rdflib
evaluation of the sub-selects does not start from ``$this``): all shapes x all focus nodes of these
three documents (80,600 pairs) would take hours. The two reports must be identical on the covered
(shape, focus) pairs: same shape, severity, focus, value and messages (with every figure); every
fast-path finding must be among them.

Measured by ``pytest -s`` (2 shared cores, nothing else running; 2026-11-27, the catalogue of 159 SPARQL constraints
as 103 queries and 44 core constraints):

=========================================  =======  =======  ========  ========  =====  =======
document                                   pairs    covered  fraction  findings  fast   pyshacl
=========================================  =======  =======  ========  ========  =====  =======
规划和自然资源局 2024 部门决算 (Shanghai)       32,293      189    0.59 %        25  2.3 s   17.2 s
省人大办公厅2018预算公开 (Jiangsu 预算)         17,164      108    0.63 %        28  1.8 s    4.5 s
2023 万里街道办事处 部门预算 (Shanghai)         65,015       92    0.14 %        20  4.2 s    6.7 s
=========================================  =======  =======  ========  ========  =====  =======

"pairs": (SPARQL shape, focus node) pairs of the document; "covered": the pairs pyshacl checks (all of them for the
shapes with few focus nodes), besides every core shape; "findings": the fast path's SPARQL findings, all among the
covered pairs and equal to pyshacl's. Rules that fire: in the 决算 R07, R08-table-total, R12, R22, R26, R46, R51,
R53, R70, R72; in the Jiangsu file R46, R51, R53; in 万里 R46, R50, R51, R52; no core finding. The test took 123 s,
the corpus build included. (The year-on-year shapes, which read two documents, are compared with pyshacl in
tests/test_year_on_year.py.)
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH
from rdflib.plugins.sparql import processor as sparql_processor

from budgetkg import validate
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from tests.test_validate import _fast_results, _retarget, _sparql_rows
from tests.test_validate_core import compiled, rows

#: The smallest that together cover the table kinds, 预算 and 决算, Jiangsu and Shanghai: the Shanghai
#: 决算 (10 table kinds; groups A, B, C, F fire), a Jiangsu 预算 with its 12 tables and its text in one
#: file (R46, R51, R53 fire), a Shanghai 预算 with the longest text (R50, R51-direction, R52 fire).
DOCUMENTS = (
    "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
    "省人大办公厅2018预算公开.pdf",
    "2023_上海市普陀区万里街道办事处_部门预算.pdf",
)
#: A SPARQL shape with at most this many focus nodes keeps its own targets in pyshacl.
WHOLE = 16
#: Unreported focus nodes pyshacl checks per narrowed SPARQL shape (in one of the documents), besides
#: those the fast path reported (in every document).
SAMPLE = 1


@functools.cache
def _prepare(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Any:
    return sparql_processor.prepareQuery(text, dict(namespaces), base)


@pytest.fixture
def prepared_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse each SPARQL text once in rdflib: pyshacl passes the same text (its ``$this`` as an
    initial binding) for every focus node and document, and rdflib parses and translates it on every
    call (~0.3 s for an arithmetic shape). A prepared query is what rdflib evaluates anyway
    (``evalQuery`` does not modify it), so the results are the same."""
    query = sparql_processor.SPARQLProcessor.query

    def cached(self: Any, text: Any, initBindings: Any = None, initNs: Any = None,  # rdflib's names
               base: str | None = None, DEBUG: bool = False) -> Any:
        if isinstance(text, str):
            text = _prepare(text, base, tuple(sorted((initNs or {}).items())))
        return query(self, text, initBindings, initNs, base, DEBUG)

    monkeypatch.setattr(sparql_processor.SPARQLProcessor, "query", cached)


def _targets(store: Store, constraint: validate.SparqlConstraint, graphs: list[str]) -> list[str]:
    """The shape's focus nodes in the document, as the fast path selects them, sorted."""
    union = " UNION ".join(f"{{ {p} }}" for p in constraint.targets)
    solutions = store.ox.query(f"{constraint.prefixes}\nSELECT DISTINCT ?this WHERE {{ {union} }}",
                               **validate._dataset(graphs))  # type: ignore[arg-type]
    return sorted(s["this"].value for s in solutions)  # type: ignore[index,union-attr]


def _evenly(nodes: list[str], k: int) -> set[str]:
    """``k`` of ``nodes`` evenly spaced (all of them if fewer)."""
    return {nodes[i * len(nodes) // k] for i in range(k)} if len(nodes) > k else set(nodes)


def _compared(store: Store, constraint: validate.SparqlConstraint, graphs: list[str]) -> set[str]:
    """The focus nodes a shape compares figures for, equal or not: its query without the final
    FILTER that tells a finding (the rounding envelope of an -info / -violation pair); empty for a
    shape without one."""
    split = validate.final_filter(constraint.select)
    if split is None or constraint.focus_select is not None:
        return set()
    return {f.focus for f in validate.run_sparql_constraint(store, replace(constraint, select=split[0]), graphs)}


def _narrowed(
    store: Store, constraints: list[validate.SparqlConstraint], graphs: list[str], reported: Mapping[str, set[str]],
    sampled: set[str],
) -> tuple[dict[str, list[str]], int, int]:
    """The focus nodes pyshacl checks for each narrowed shape (shape IRI -> nodes), the number of
    (shape, focus) pairs of the document and the number pyshacl covers.

    Besides the reported nodes, a shape not yet in ``sampled`` (shapes sampled in an earlier
    document; updated) gets ``SAMPLE`` unreported nodes: nodes it compares figures for (the
    interesting clean case: most targets fail the query's first pattern), or, for a shape without a
    final FILTER, any target. A shape that compares nothing in this document is left for the next."""
    observations = next(_targets(store, c, graphs) for c in constraints if c.rule == "IC-1")
    foci: dict[str, list[str]] = {}
    pairs = covered = 0
    for c in constraints:
        targets = _targets(store, c, graphs)
        pairs += len(targets)
        if c.focus_select is not None:  # IC-12: its candidates, and observations it did not select
            assert c.rule == "IC-12"
            foci[c.shape] = sorted(set(targets) | _evenly(sorted(set(observations) - set(targets)), SAMPLE))
            covered += len(targets)
        elif len(targets) <= WHOLE:
            covered += len(targets)
        else:
            mine = reported[c.rule] & set(targets)
            pool: list[str] = []
            if c.shape not in sampled:
                compares = validate.final_filter(c.select) is not None
                pool = sorted((_compared(store, c, graphs) if compares else set(targets)) - mine)
            sampled |= {c.shape} if pool else set()
            foci[c.shape] = sorted(_evenly(pool, SAMPLE) | mine)
            covered += len(foci[c.shape])
    return foci, pairs, covered


def _compare(store: Store, document: str, sampled: set[str]) -> dict[str, object]:
    """Fast path and pyshacl on one document; asserts they agree, returns the measured figures."""
    graphs = validate.document_graphs(document)
    shapes = validate.load_shapes()
    constraints = validate.sparql_constraints(shapes)
    started = time.perf_counter()
    fast = _fast_results(store, shapes, graphs)
    fast_core = compiled(store, graphs)
    fast_seconds = time.perf_counter() - started
    rule_of = {c.shape: c.rule for c in constraints}
    reported: dict[str, set[str]] = defaultdict(set)
    for shape, _severity, focus, *_ in fast:
        reported[rule_of[str(shape)]].add(str(focus))
    foci, pairs, covered = _narrowed(store, constraints, graphs, reported, sampled)
    retargeted = _retarget(shapes, foci)
    started = time.perf_counter()
    _conforms, report, _text = pyshacl_validate(
        validate._to_rdflib(store, graphs), shacl_graph=retargeted, inference="none", advanced=True)
    reference_seconds = time.perf_counter() - started

    # SHACL-SPARQL: identical on the covered pairs, and every fast-path finding is covered
    compared = {r for r in fast if str(r[0]) not in foci or str(r[2]) in foci[str(r[0])]}
    assert compared == fast
    assert fast == _sparql_rows(report, retargeted)
    # core constraints: every shape complete
    sparql_shapes = {str(s) for s in shapes.subjects(SH.sparql)}
    core = [f for f in validate.findings_from_report(report, retargeted) if f.shape not in sparql_shapes]
    assert fast_core == rows(core)
    return {"pairs": pairs, "covered": covered, "findings": len(fast), "core": len(fast_core),
            "fast_s": round(fast_seconds, 1), "pyshacl_s": round(reference_seconds, 1)}


def test_fast_path_equals_pyshacl_on_corpus_documents(
    corpus_build: tuple[Store, dict[str, DocumentReport]], prepared_queries: None
) -> None:
    store, reports = corpus_build
    sampled: set[str] = set()
    findings = 0
    for name in DOCUMENTS:
        document = reports[name].iri
        assert document is not None
        figures = _compare(store, document, sampled)
        print(name, figures)  # the figures of the module's docstring (pytest -s)
        findings += int(figures["findings"])  # type: ignore[call-overload]
    assert findings > 0  # pyshacl confirmed real findings, not only silence
