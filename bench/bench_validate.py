"""Validation speed on synthetic documents (run by hand): time per SHACL-SPARQL rule and growth.

    .venv/bin/python bench/bench_validate.py [10000 100000 ...]

Each size N builds one synthetic document graph of N observations shaped like the national
template: an expenditure table (支出总表), a general-public-budget expenditure table and an income
table sharing functional classes 类 → 款 → 项 (3 columns each), plus a 收支总表 and narrative
figures, so that the arithmetic (A), cross-table (B) and narrative (C/D) rules all have work.
Every constraint runs once over the document (the fast path); the core (pyshacl) shapes are not
timed here (their cost is per document, see bench_build.py). Prints seconds per rule and the ratio
between consecutive sizes (linear growth: ratio ≈ size ratio). ``--skip=IC-12,R08-functional-hierarchy``
leaves rules out: IC-12 (the Data Cube spec's pairwise duplicate check) is quadratic in a data
set's observations (~30 s at 1,700 observations) and R08-functional-hierarchy grows ~×25 for ×5
observations on this data (1.8 s at 1,743, 67 s at 8,652): both need rewriting before 100 k.
``-v`` prints each shape's time as it runs.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal

import pyoxigraph as ox

from budgetkg import uris, validate
from budgetkg.store import Store

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNIT = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
PHASE = "http://data.openbudgets.eu/resource/codelist/budget-phase/approved"


def dec(v: Decimal) -> ox.Literal:
    return ox.Literal(str(v), datatype=ox.NamedNode(XSD + "decimal"))


def synthetic(n_obs: int) -> tuple[str, list[ox.Triple], list[ox.Triple]]:
    bkg = uris.vocab()
    doc = uris.document(uris.disclosure("990000", "bench", 2023, "budget"))
    t: list[ox.Triple] = []
    shared: list[ox.Triple] = []

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal | str, into: list[ox.Triple] = t) -> None:
        into.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o))

    kinds = ("expenditure", "general-public-budget-expenditure", "income")
    columns = {"expenditure": ("total", "basic", "project"),
               "general-public-budget-expenditure": ("total", "basic", "project"),
               "income": ("total", "income-subtotal", "fiscal-appropriation")}
    per_item = sum(len(c) for c in columns.values())
    leaves = max(1, n_obs // per_item // 1)  # 项 per table (with their 款 and 类 parents: ~1.1 rows per 项)
    rows: list[tuple[str, str | None, Decimal]] = []
    for i in range(leaves):
        kuan = f"{200 + i // 100:03d}{i // 10 % 10:02d}"
        xiang = f"{kuan}{i % 10:02d}"
        rows.append((xiang, kuan, Decimal(i % 997) + Decimal("0.25")))
    sums: dict[str, Decimal] = {}
    for _code, parent, amount in rows:
        sums[parent] = sums.get(parent, Decimal(0)) + amount
        sums[parent[:3]] = sums.get(parent[:3], Decimal(0)) + amount
    codes = [(c, a) for c, _p, a in rows] + list(sums.items())
    for code, _a in codes:
        iri = uris.concept("functional", code)
        add(iri, RDF + "type", SKOS + "Concept", shared)
        add(iri, SKOS + "inScheme", uris.scheme("functional"), shared)
        add(iri, SKOS + "notation", ox.Literal(code), shared)
        level = {3: "lei", 5: "kuan", 7: "xiang"}[len(code)]
        add(iri, bkg + "level", uris.concept("level", level), shared)
        if len(code) > 3:
            add(iri, SKOS + "broader", uris.concept("functional", code[: len(code) - 2]), shared)
    total = sum(a for c, a in codes if len(c) == 3)
    for kind in kinds:
        ds = uris.dataset(doc, kind)
        add(ds, bkg + "tableKind", uris.concept("table-kind", kind))
        add(ds, bkg + "budgetPhase", PHASE)
        add(ds, DCT + "title", ox.Literal(kind))
        items = [(uris.concept("functional", c), f"functional-{c}", a) for c, a in codes]
        items.append((uris.concept("line-item", "table-total"), "line-item-table-total", total))
        for item, key, amount in items:
            for col in columns[kind]:
                value = amount if col in ("total", "income-subtotal", "fiscal-appropriation", "basic") else Decimal(0)
                if col == "project":
                    continue
                obs = uris.observation(ds, key, col)
                add(obs, RDF + "type", QB + "Observation")
                add(obs, QB + "dataSet", ds)
                add(obs, bkg + "classification", item)
                add(obs, bkg + "breakdown", uris.concept("breakdown", col))
                add(obs, bkg + "amount", dec(value))
                add(obs, bkg + "amountInYuan", dec(value * 10000))
                add(obs, UNIT, uris.concept("unit", "wan-yuan"))
                add(obs, bkg + "decimals", ox.Literal("2", datatype=ox.NamedNode(XSD + "integer")))
    return doc, t, shared


def main(sizes: list[int]) -> None:
    shapes = validate.load_shapes()
    skip = {r for a in sys.argv if a.startswith("--skip=") for r in a.split("=", 1)[1].split(",")}
    constraints = [c for c in validate.sparql_constraints(shapes) if c.rule not in skip]
    previous: dict[str, float] = {}
    previous_n = None
    for n in sizes:
        doc, triples, shared = synthetic(n)
        store = Store()
        store.load_vocabularies()
        store.replace_graphs({doc: triples, uris.shared_graph(): shared})
        graphs = [doc, uris.ontology_graph(), uris.codelists_graph(), uris.shared_graph()]
        n_obs = sum(1 for x in triples if x.object == ox.NamedNode(QB + "Observation"))
        timings: dict[str, float] = {}
        for c in constraints:
            start = time.perf_counter()
            validate.run_sparql_constraint(store, c, graphs)
            timings[c.rule] = timings.get(c.rule, 0.0) + time.perf_counter() - start
            if "-v" in sys.argv:
                print(f"    {c.shape.rsplit('#', 1)[-1]:50s} {time.perf_counter() - start:8.3f} s", flush=True)
        whole = sum(timings.values())
        print(f"\n{n_obs} observations, {len(triples)} triples: all SPARQL rules {whole:.2f} s")
        for rule, secs in sorted(timings.items(), key=lambda kv: -kv[1]):
            ratio = f"  ×{secs / previous[rule]:.1f}" if previous.get(rule) else ""
            print(f"  {rule:40s} {secs:8.3f} s{ratio}")
        if previous_n:
            print(f"  size ratio ×{n_obs / previous_n:.1f}; time ratio ×{whole / sum(previous.values()):.1f}")
        previous, previous_n = timings, n_obs


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:] if a.isdigit()] or [10_000, 100_000])
