"""Which altered figures does the rule catalogue catch? (run by hand; prints a coverage table)

    .venv/bin/python bench/bench_altered.py [FILE ...] [--delta=1] [--figures] [--percentages] [--no-cells] [-v]

Default file: the bundled sample. For each file the real pipeline reads, maps and validates it
once (the baseline findings); then, one at a time, every amount cell of every table is altered
by ``+delta`` in the table's own unit (``bkg:amount``, ``bkg:amountInYuan`` and
``bkg:printedValue`` together, as if the source had printed the other number), the document is
validated again, and the findings are compared with the baseline. With ``--figures`` the money
figures of the text (``bkg:statedAmount`` and its yuan values) are altered the same way; with
``--percentages`` the percentages the text states (``bkg:statedPercent``: growth rates, shares,
completion rates) by ``+delta`` percentage points; ``--no-cells`` leaves the table cells alone.

An alteration is

* **caught** when a new sh:Violation appears (any rule), and *located* when one of the new
  Violations has the altered observation / figure as its focus, or its table row, or names it
  in its compared figures;
* **flagged** when only new Warnings or Infos appear;
* **missed** when the findings do not change: no rule reads that cell, or each rule reading it
  tolerates the change. Missed cells are listed (table, row, column, value) with ``-v``.

This measures the catalogue against the question "would a deliberately altered figure be
reported?": a missed cell is either one no consistency rule constrains (a leaf that appears
once in the whole disclosure) or a gap in the catalogue.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from budgetkg import pipeline, uris, validate
from budgetkg.map import FACTOR_TO_YUAN, plain, typed
from budgetkg.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt"


@dataclass
class Alteration:
    """One altered figure: its node, the quads replaced, and where it was printed."""

    node: ox.NamedNode
    kind: str  # "cell", "figure" or "percentage"
    where: str
    value: Decimal
    old: list[ox.Quad]
    new: list[ox.Quad]


def _v(name: str) -> ox.NamedNode:
    return ox.NamedNode(uris.vocab() + name)


def _unit_factor(store: Store, node: ox.NamedNode) -> Decimal | None:
    q = f"""SELECT ?u {{ <{node.value}> <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ?u }}"""
    for s in store.query(q):  # type: ignore[union-attr]
        key = s["u"].value.rsplit("/", 1)[-1]
        return FACTOR_TO_YUAN.get(key)
    return None


def _altered(store: Store, graph: ox.NamedNode, node: ox.NamedNode, delta: Decimal,
             props: dict[str, Decimal]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The quads of ``node`` to replace: each property in ``props`` gets ``old + delta × factor``."""
    old: list[ox.Quad] = []
    new: list[ox.Quad] = []
    for name, factor in props.items():
        for q in store.ox.quads_for_pattern(node, _v(name), None, graph):
            value = Decimal(q.object.value)
            sign = -1 if (name == "signedAmountInYuan" and value < 0) else 1
            old.append(q)
            new.append(ox.Quad(node, q.predicate, typed(plain(value + sign * delta * factor), "decimal"), graph))
    return old, new


def alterations(store: Store, doc: str, delta: Decimal, figures: bool, percentages: bool = False,
                cells: bool = True) -> list[Alteration]:
    """Every amount cell (unless not ``cells``; with ``figures``, every money figure of the text, with
    ``percentages`` every percentage it states) of a document."""
    graph = ox.NamedNode(doc)
    out: list[Alteration] = []
    amounts = f"""PREFIX bkg: <{uris.vocab()}>
        SELECT ?obs ?v ?title ?row ?col {{ GRAPH <{doc}> {{
            ?obs bkg:amount ?v ; bkg:sourceRow ?r ; bkg:columnHeading ?col ;
                 <http://purl.org/linked-data/cube#dataSet> ?ds .
            OPTIONAL {{ ?ds <http://purl.org/dc/terms/title> ?title }}
            OPTIONAL {{ ?r <http://www.w3.org/2000/01/rdf-schema#label> ?row }} }} }} ORDER BY ?obs"""
    for s in store.query(amounts) if cells else []:  # type: ignore[union-attr]
        node = s["obs"]
        factor = _unit_factor(store, node) or Decimal(1)
        old, new = _altered(store, graph, node, delta, {"amount": Decimal(1), "amountInYuan": factor})
        where = f"{s['title'].value if s['title'] else '?'} | {s['row'].value if s['row'] else '?'} | {s['col'].value}"
        out.append(Alteration(node, "cell", where, Decimal(s["v"].value), old, new))
    if figures:
        q = f"""PREFIX bkg: <{uris.vocab()}>
            SELECT ?f ?v ?span {{ GRAPH <{doc}> {{ ?f bkg:statedAmount ?v ; bkg:textSpan ?span }} }} ORDER BY ?f"""
        for s in store.query(q):  # type: ignore[union-attr]
            node = s["f"]
            factor = _unit_factor(store, node) or Decimal(1)
            old, new = _altered(store, graph, node, delta, {"statedAmount": Decimal(1), "amountInYuan": factor,
                                                            "signedAmountInYuan": factor})
            out.append(Alteration(node, "figure", s["span"].value, Decimal(s["v"].value), old, new))
    if percentages:
        q = f"""PREFIX bkg: <{uris.vocab()}>
            SELECT ?p ?v ?span {{ GRAPH <{doc}> {{ ?p bkg:statedPercent ?v ; bkg:textSpan ?span }} }} ORDER BY ?p"""
        for s in store.query(q):  # type: ignore[union-attr]
            old, new = _altered(store, graph, s["p"], delta, {"statedPercent": Decimal(1)})
            out.append(Alteration(s["p"], "percentage", s["span"].value, Decimal(s["v"].value), old, new))
    return out


def _mentions(finding: validate.Finding, alteration: Alteration, rows: dict[str, str]) -> bool:
    """Does a finding point at the altered node: as focus, value, compared figure or table row?"""
    node = alteration.node.value
    loc = finding.location
    return (finding.focus == node or (finding.value_term or "") == f"<{node}>"
            or any(isinstance(v, str) and v == node for v in finding.values.values())
            or (loc is not None and loc.row_iri is not None and loc.row_iri == rows.get(node)))


def run(path: Path, delta: Decimal, figures: bool, verbose: bool, percentages: bool = False,
        cells: bool = True) -> Counter[str]:
    mapped, baseline = pipeline.process(path)
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    rows = {s["o"].value: s["r"].value for s in store.query(  # type: ignore[union-attr]
        f"SELECT ?o ?r {{ GRAPH <{mapped.iri}> {{ ?o <{uris.vocab()}sourceRow> ?r }} }}")}
    before = {f.key() for f in baseline}
    tally: Counter[str] = Counter()
    missed: list[Alteration] = []
    started = time.perf_counter()
    todo = alterations(store, mapped.iri, delta, figures, percentages, cells)
    for alt in todo:
        for q in alt.old:
            store.ox.remove(q)
        store.ox.extend(alt.new)
        after = validate.validate_graph(store, mapped.iri)
        for q in alt.new:
            store.ox.remove(q)
        store.ox.extend(alt.old)
        fresh = [f for f in after if f.key() not in before]
        violations = [f for f in fresh if f.severity == "Violation"]
        if violations:
            located = any(_mentions(f, alt, rows) for f in violations)
            tally[f"{alt.kind} caught" + (" (located)" if located else " (elsewhere)")] += 1
            if verbose and not located:
                print(f"  elsewhere: {alt.where} = {alt.value}: {sorted({f.rule for f in violations})}")
        elif fresh:
            tally[f"{alt.kind} flagged"] += 1
            if verbose:
                print(f"  flagged only: {alt.where} = {alt.value}: {sorted({(f.rule, f.severity) for f in fresh})}")
        else:
            tally[f"{alt.kind} missed"] += 1
            missed.append(alt)
    elapsed = time.perf_counter() - started
    print(f"{path.name}: {len(todo)} alterations of +{delta} in {elapsed:.0f} s")
    for key in sorted(tally):
        print(f"  {key:28s} {tally[key]:5d}  {100 * tally[key] / len(todo):5.1f} %")
    if verbose:
        for alt in missed:
            print(f"  missed: {alt.kind} {alt.where} = {alt.value}")
    return tally


def main(argv: list[str]) -> None:
    delta = Decimal(next((a.split("=", 1)[1] for a in argv if a.startswith("--delta=")), "1"))
    files = [Path(a) for a in argv if not a.startswith("-")] or [SAMPLE]
    for path in files:
        run(path, delta, "--figures" in argv, "-v" in argv, "--percentages" in argv, "--no-cells" not in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
