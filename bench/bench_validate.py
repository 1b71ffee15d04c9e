"""Validation speed on synthetic documents (run by hand): the whole catalogue, its growth, pyshacl.

    .venv/bin/python bench/bench_validate.py [SIZE ...] [-v] [--skip=RULE,...] [--pyshacl=SIZE,...]
                                              [--pyshacl-timeout=SECONDS] [--disk=DIR]

``--disk=DIR`` bulk-loads each size into an on-disk store under DIR instead of an in-memory one,
for sizes whose in-memory store does not fit in memory (1 M observations: see the figures below);
RocksDB is slower to query: 6.0 s against 1.7 s in memory at 2,014 observations (68 findings both).

Defaults: sizes 10000 100000 (pass 1000000 for 1 M: see the figures below); pyshacl (the
reference engine, ``advanced=True``) at 1000 and 10000 with a 300 s cap each. Each size N
builds one document graph of about N observations:

* **Large tables** (N − 292 observations): a 支出总表, a 一般公共预算财政拨款支出表 and a 收入总表 sharing
  functional classes 类 → 款 → 项 (up to 99 类 × 100 款 × 100 项), with their rows, data sets,
  DSDs and every dimension, as ``map.py`` writes them; the hierarchy totals add up. They are
  what a superlinear rule shows on: a data set of ~N/3 observations (IC-12 pairs, hierarchy sums).
* **A real document**: the bundled sample (河北 南关街道 2023 预算, 292 observations, 12,770
  triples: every table kind, rows, narrative figures) mapped by the real pipeline, in the same
  graph, so that the cross-table (B), narrative (C/D), structure and Data Cube rules all have
  work. (One copy only: the rules assume one document per graph, and copies in one graph would
  join each other's tables. The sample's tables also meet the large tables of the same kind,
  so the findings printed are not the sample's 19: correctness is the tests' job —
  ``tests/test_validate*.py`` compare with pyshacl —, the bench measures time.)

For each size it runs the whole catalogue as ``validate.validate_graph`` does (compiled core
constraints + every SHACL-SPARQL constraint, each once over the document, on Oxigraph; a rule's
-info/-violation pair, which differ only in their last FILTER, as one query) and prints
the total, throughput (observations/s), peak RSS, the ratio to the previous size (time ratio vs
size ratio: linear growth ⇔ equal), and with ``-v`` each shape's time. At the ``--pyshacl`` sizes
it also runs pyshacl on the same graph exported to rdflib, in a child process killed after the
cap, and prints the ratio, or "did not finish in N s".

Measured (2 shared cores, other engineers' jobs running; the whole catalogue, IC-12 included;
2026-11-27, after R06's and IC-12's linear rewrites and the -info/-violation pairs run as one query):

    1,013 obs      1.4 s   pyshacl (advanced=True): did not finish in 600 s (> ×430)
    10,008 obs    12.3 s   815 obs/s   peak RSS 618 MiB
    100,000 obs  135.5 s   738 obs/s   peak RSS 4.7 GiB   size ×10.0, time ×11.0

(The day before: 56 s and 584 s without IC-12, which was quadratic.) 1 M observations was not run:
~1,500 s is extrapolated (the 60 s target is not met: ~80 queries, each scanning the tables its
rule reads), and the in-memory store plus the generated triples would need ~45 GiB on a 24 GiB
machine. The largest at 100 k: IC-12 14.5 s, IC-19 7.7 s, R08 7.1 s, R28 6.2 s.

2026-11-27, after the constant-pattern rewrites of 27 rule queries (narrative R40–R45, R50, R73; cross-table
R20–R30; arithmetic R02, R04–R06, R09–R11, R13; see shapes/README.md): those 27 queries took 7.21 s at 10,008
observations (load 0.4) and take 1.00 s (load 0.8): R44 0.535 → 0.007 s, R43 0.470 → 0.010 s, R28 0.619 →
0.344 s, R09 0.187 → 0.005 s; at 100,000 observations, old and new on the same graph (same findings,
load 1.7–2): 70.4 s → 9.2 s (R44 3.23 → 0.016 s, R28 6.85 → 3.68 s). The catalogue as it was before
them: 13.8 s → 7.9 s at 10 k. Shapes added the same day were slow at first: R14-three-public-items and
R17-procurement-categories (a UNION over every skos:broader pair) 36–38 s each at 10 k, S10-national-class
(a string comparison with every national class per concept) 45 s at 100 k; written as one basic graph
pattern starting from the constant table kind, and as one IRI lookup, they take 0.002–0.021 s at 10 k.
The whole catalogue then (142 SPARQL constraints as 93 queries, 44 core constraints), load 0.7:

    10,008 obs     7.5 s   1,335 obs/s   peak RSS 620 MiB
    100,000 obs   82.0 s   1,219 obs/s   peak RSS 4.7 GiB   size ×10.0, time ×10.9   (load 0.3–0.9)

of which, at 100 k, IC-12 16.1 s, IC-19 8.4 s, R08-functional-hierarchy 6.9 s, IC-11 3.9 s, R08-table-total
3.5 s, R28 3.2 s. 1 M is still not run: ~820 s extrapolated, against the 60 s target.

2026-11-27, afternoon, with the rules added since (R51 year-on-year anomalies, R74, the previous-budget branches
of R50/R51, R70's 类 list; 145 SPARQL constraints as 96 queries, 44 core), load 0.2 at the start:

    10,008 obs     7.4 s   1,356 obs/s   peak RSS 620 MiB
    100,000 obs   79.1 s   1,264 obs/s   peak RSS 4.7 GiB   size ×10.0, time ×10.7

at 100 k IC-12 14.9 s, IC-19 8.1 s, R08-functional-hierarchy 6.8 s, IC-11 3.7 s, R08-table-total 3.4 s, R28 3.2 s.
1 M still not run in memory (~45 GiB); on disk (``--disk``) the queries are ~3.5× slower (~45 min extrapolated).

(An earlier 100 k run with those three still slow and tests running beside it took 188.6 s, of which S10
45.0 s, IC-12 19.5 s, IC-19 14.7 s, R08 9.2 s, IC-11 8.4 s; the 27 rewritten queries 10.5 s together.)
"""

from __future__ import annotations

import multiprocessing as mp
import re
import resource
import shutil
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from budgetkg import uris, validate
from budgetkg.config import base_iri
from budgetkg.store import Store, vocabulary_graphs

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt"
SAMPLE_OBSERVATIONS = 292

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
CSVW = "http://www.w3.org/ns/csvw#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNIT = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
PHASE = "http://data.openbudgets.eu/resource/codelist/budget-phase/approved"
YEAR = "http://reference.data.gov.uk/id/gregorian-year/2023"

#: Columns of each large table (the project column is empty, as in a department without projects).
COLUMNS = {
    "expenditure": ("total", "basic"),
    "general-public-budget-expenditure": ("total", "basic"),
    "income": ("total", "income-subtotal", "fiscal-appropriation"),
}
OBS_PER_ITEM = sum(len(c) for c in COLUMNS.values())


def dec(v: Decimal) -> ox.Literal:
    return ox.Literal(str(v), datatype=ox.NamedNode(XSD + "decimal"))


def integer(v: int) -> ox.Literal:
    return ox.Literal(str(v), datatype=ox.NamedNode(XSD + "integer"))


def functional_codes(leaves: int) -> list[tuple[str, Decimal]]:
    """项 codes with an amount, then their 款 and 类 with the sums (so the hierarchy adds up)."""
    rows: list[tuple[str, Decimal]] = []
    for i in range(leaves):
        code = f"{201 + i // 10_000:03d}{i // 100 % 100:02d}{i % 100:02d}"
        rows.append((code, Decimal(i % 997) + Decimal("0.25")))
    sums: dict[str, Decimal] = {}
    for code, amount in rows:
        for parent in (code[:5], code[:3]):
            sums[parent] = sums.get(parent, Decimal(0)) + amount
    return rows + sorted(sums.items())


def large_tables(doc: str, n_obs: int) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """Three large tables of about ``n_obs`` observations in all, and their code concepts."""
    bkg = uris.vocab()
    t: list[ox.Triple] = []
    shared: list[ox.Triple] = []

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal | str, into: list[ox.Triple] = t) -> None:
        into.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o))

    department = uris.department("990000", "bench")
    codes = functional_codes(max(1, int(n_obs / OBS_PER_ITEM / 1.0102)))  # 款 and 类 add ~1 %
    for code, _a in codes:
        iri = uris.concept("functional", code)
        add(iri, RDF + "type", SKOS + "Concept", shared)
        add(iri, SKOS + "inScheme", uris.scheme("functional"), shared)
        add(iri, SKOS + "inScheme", uris.scheme("classification"), shared)
        add(iri, SKOS + "notation", ox.Literal(code), shared)
        add(iri, bkg + "level", uris.concept("level", {3: "lei", 5: "kuan", 7: "xiang"}[len(code)]), shared)
        if len(code) > 3:
            add(iri, SKOS + "broader", uris.concept("functional", code[:-2]), shared)
    total = sum(a for c, a in codes if len(c) == 3)
    items = [(uris.concept("functional", c), f"functional-{c}", a) for c, a in codes]
    items.append((uris.concept("line-item", "table-total"), "line-item-table-total", total))
    for kind, columns in COLUMNS.items():
        ds = uris.dataset(doc, kind)
        add(ds, RDF + "type", QB + "DataSet")
        add(ds, RDF + "type", CSVW + "Table")
        add(ds, QB + "structure", f"{bkg}dsd-{kind}")
        add(ds, bkg + "tableKind", uris.concept("table-kind", kind))
        add(ds, bkg + "budgetPhase", PHASE)
        add(ds, bkg + "department", department)
        add(ds, bkg + "fiscalYear", YEAR)
        add(ds, PROV + "wasDerivedFrom", doc)
        add(ds, DCT + "title", ox.Literal(kind))
        add(ds, UNIT, uris.concept("unit", "wan-yuan"))
        for number, (item, key, amount) in enumerate(items, start=4):
            row = uris.row(ds, number)
            add(row, RDF + "type", CSVW + "Row")
            add(row, CSVW + "rownum", integer(number))
            add(row, bkg + "table", ds)
            add(ds, CSVW + "row", row)
            for col_no, col in enumerate(columns, start=1):
                obs = uris.observation(ds, key, col)
                add(obs, RDF + "type", QB + "Observation")
                add(obs, QB + "dataSet", ds)
                add(obs, bkg + "department", department)
                add(obs, bkg + "fiscalYear", YEAR)
                add(obs, bkg + "budgetPhase", PHASE)
                add(obs, bkg + "classification", item)
                add(obs, bkg + "breakdown", uris.concept("breakdown", col))
                add(obs, bkg + "amount", dec(amount))
                add(obs, UNIT, uris.concept("unit", "wan-yuan"))
                add(obs, bkg + "amountInYuan", dec(amount * 10000))
                add(obs, bkg + "printedValue", ox.Literal(f"{amount:.2f}"))
                add(obs, bkg + "decimals", integer(2))
                add(obs, bkg + "sourceRow", row)
                add(obs, bkg + "columnNumber", integer(col_no))
    return t, shared


def sample_replicas(copies: int) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The sample document mapped by the real pipeline, ``copies`` times under distinct departments
    (renamed so that the bench can hold several; it holds one, see the module docstring)."""
    from budgetkg.pipeline import process

    mapped, _findings = process(SAMPLE)
    own = re.compile(r"/130303/612(?=/|$)")

    def renamed(term: ox.NamedNode | ox.BlankNode | ox.Literal, k: int) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, ox.NamedNode) and "/130303/612" in term.value:
            return ox.NamedNode(own.sub(f"/130303/{612 + k}", term.value))
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}r{k}")
        return term

    triples: list[ox.Triple] = []
    shared: set[ox.Triple] = set()
    for k in range(copies):
        for into, source in ((triples, mapped.triples), (None, mapped.shared)):
            for x in source:
                copy = ox.Triple(renamed(x.subject, k), x.predicate, renamed(x.object, k))  # type: ignore[arg-type]
                if into is None:
                    shared.add(copy)
                else:
                    into.append(copy)
    return triples, sorted(shared, key=str)


def synthetic(n_obs: int) -> tuple[str, list[ox.Triple], list[ox.Triple], int]:
    """The bench document: IRI, its triples, the shared-graph triples, the number of replicas."""
    doc = uris.document(uris.disclosure("990000", "bench", 2023, "budget"))
    copies = 1  # see the module docstring
    big, big_shared = large_tables(doc, n_obs - copies * SAMPLE_OBSERVATIONS)
    real, real_shared = sample_replicas(copies)
    return doc, big + real, big_shared + real_shared, copies


def on_disk(folder: Path, doc: str, triples: list[ox.Triple], shared: list[ox.Triple]) -> Store:
    """The bench graph in an on-disk (RocksDB) store at ``folder`` (emptied first), bulk-loaded:
    at 1 M observations the in-memory store and an INSERT DATA of 9 M triples do not fit in memory."""
    shutil.rmtree(folder, ignore_errors=True)
    store = Store(folder)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
             for graph, ts in ({**vocabulary_graphs(base_iri()), doc: triples, uris.shared_graph(): shared}).items()
             for t in ts]
    store.ox.bulk_extend(quads)
    store.ox.flush()
    return store


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def catalogue(store: Store, doc: str, verbose: bool, skip: set[str]) -> tuple[list[validate.Finding], dict[str, float]]:
    """The whole catalogue, as ``validate_graph`` runs it, timed per shape."""
    graphs = validate.document_graphs(doc)
    shapes = validate.load_shapes()
    timings: dict[str, float] = {}
    findings: list[validate.Finding] = []
    # (rule, label, run): each compiled core constraint, then each group of SHACL-SPARQL constraints
    checks: list[tuple[str, str, Callable[[], list[validate.Finding]]]] = [
        (c.rule, f"{c.rule} {c.component}", partial(validate.run_core_constraint, store, c, graphs))
        for c in validate.core_constraints(shapes)
    ] + [
        (g[0].rule, " + ".join(c.shape.rsplit("#", 1)[-1] for c in g),
         partial(validate.run_sparql_constraints, store, g, graphs))
        for g in validate.constraint_groups(validate.sparql_constraints(shapes))
    ]
    for rule, label, run in checks:
        if rule in skip:
            continue
        start = time.perf_counter()
        findings += run()
        elapsed = time.perf_counter() - start
        timings[rule] = timings.get(rule, 0.0) + elapsed
        if verbose:
            print(f"    {label:70s} {elapsed:8.3f} s", flush=True)
    start = time.perf_counter()
    located = validate.locate(store, findings, graphs)
    timings["(locate findings)"] = time.perf_counter() - start
    return located, timings


def _pyshacl_child(doc: str, triples: list[tuple[str, str, str]], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from pyshacl import validate as pyshacl_validate

    store = Store.scratch({doc: [_parse(t) for t in triples]})
    graphs = validate.document_graphs(doc)
    data = validate._to_rdflib(store, graphs)
    start = time.perf_counter()
    pyshacl_validate(data, shacl_graph=validate.load_shapes(), inference="none", advanced=True)
    out.put(time.perf_counter() - start)


def _parse(nt: tuple[str, str, str]) -> ox.Triple:
    return next(iter(ox.parse(f"{nt[0]} {nt[1]} {nt[2]} .".encode(), format=ox.RdfFormat.N_TRIPLES)))


def pyshacl_seconds(doc: str, triples: list[ox.Triple], cap: float) -> float | None:
    """pyshacl's time on the same graph (shared graph merged in), or None if it exceeds ``cap``."""
    queue: mp.Queue = mp.get_context("fork").Queue()  # type: ignore[type-arg]
    flat = [(str(t.subject), str(t.predicate), str(t.object)) for t in triples]
    child = mp.get_context("fork").Process(target=_pyshacl_child, args=(doc, flat, queue))
    child.start()
    child.join(cap + 60)  # + the export to rdflib, which is not pyshacl's validation time
    if child.is_alive():
        child.kill()
        child.join()
        return None
    seconds = queue.get() if not queue.empty() else None
    return seconds if seconds is not None and seconds <= cap else None


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv if a.isdigit()] or [10_000, 100_000]
    verbose = "-v" in argv
    skip = {r for a in argv if a.startswith("--skip=") for r in a.split("=", 1)[1].split(",")}
    ref_sizes = next((a.split("=", 1)[1] for a in argv if a.startswith("--pyshacl=")), "1000,10000")
    ref_at = {int(x) for x in ref_sizes.split(",") if x.isdigit()}
    cap = float(next((a.split("=", 1)[1] for a in argv if a.startswith("--pyshacl-timeout=")), "300"))
    print("machine: 2 cores shared with other engineers' jobs; figures are wall-clock seconds")
    previous: tuple[int, float] | None = None
    disk = next((Path(a.split("=", 1)[1]) for a in argv if a.startswith("--disk=")), None)
    for n in sorted(set(sizes) | ref_at):
        doc, triples, shared, copies = synthetic(n)
        store = on_disk(disk / f"{n}", doc, triples, shared) if disk else Store.scratch(
            {doc: triples, uris.shared_graph(): shared})
        n_obs = sum(1 for x in triples if x.object == ox.NamedNode(QB + "Observation"))
        findings, timings = catalogue(store, doc, verbose, skip)
        whole = sum(timings.values())
        print(
            f"\n{n_obs} observations, {len(triples) + len(shared)} triples, {copies} sample replicas:"
            f" whole catalogue {whole:.2f} s, {n_obs / whole:,.0f} obs/s, peak RSS {peak_rss_mib():,.0f} MiB;"
            f" {len(findings)} findings"
        )
        if verbose:
            for rule, secs in sorted(timings.items(), key=lambda kv: -kv[1])[:15]:
                print(f"  {rule:40s} {secs:8.3f} s")
        if previous and n in sizes:
            print(f"  size ratio ×{n_obs / previous[0]:.1f}; time ratio ×{whole / previous[1]:.1f}")
        if n in sizes:
            previous = (n_obs, whole)
        if n in ref_at:
            ref = pyshacl_seconds(doc, triples + shared, cap)
            if ref is None:
                print(f"  pyshacl (advanced=True): did not finish in {cap:.0f} s (≥ ×{cap / whole:.0f} slower)")
            else:
                print(f"  pyshacl (advanced=True): {ref:.2f} s, ×{ref / whole:.0f} the compiled/fast path")
        del store


if __name__ == "__main__":
    main(sys.argv[1:])
