"""Validation speed on synthetic documents (run by hand): the whole catalogue, its growth, pyshacl.

    .venv/bin/python bench/bench_validate.py [SIZE ...] [-v] [--skip=RULE,...] [--pyshacl=SIZE,...]
                                              [--pyshacl-timeout=SECONDS] [--disk=DIR] [--workers=N]

The synthetic graph is streamed into the store (never held as a Python list: at 1 M observations
the list took more memory than the store). ``--disk=DIR`` bulk-loads each size into an on-disk
store under DIR instead of an in-memory one; RocksDB is slower to query: 6.0 s against 1.7 s in
memory at 2,014 observations (68 findings both). ``--workers=N``: checks run at once (default
``validate.validation_workers()``, one per CPU).

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
-info/-violation pair, which differ only in their last FILTER, as one query; the checks on
threads, over the union of the scratch store's graphs) and prints the total, throughput
(observations/s), peak RSS, the ratio to the previous size (time ratio vs size ratio: linear
growth ⇔ equal), and with ``-v`` each check's time run one at a time. At the ``--pyshacl`` sizes
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

2026-11-27, evening: the checks on threads (2 workers) and over the union of the scratch store's graphs
(``validate.run_catalogue``, ``validate.scope``), the graph streamed into the store (the list of triples was
what made 1 M not fit); 147 SPARQL constraints as 97 queries, 44 core; load 2–3 (another engineer's tests):

    10,008 obs      4.4 s   2,276 obs/s   peak RSS 346 MiB
    100,000 obs    45.5 s   2,196 obs/s   peak RSS 1.9 GiB    size ×10.0, time ×10.3
    999,913 obs   615.4 s   1,625 obs/s   peak RSS 18.2 GiB   size ×10.0, time ×13.5   (built in 121 s)

and later, with IC-12 hashing each distinct (dimension, value) pair once, the core constraints listing their
focus nodes from the class index and R28 on every code row (load ~1; 1 M not run again):

    10,008 obs      3.16 s  3,172 obs/s   peak RSS 345 MiB
    100,000 obs    32.97 s  3,033 obs/s   peak RSS 2.0 GiB    size ×10.0, time ×10.4

2026-11-27 (fifth session), with the Jiangsu 公开05/06/09 table rules (R14-meeting-training-total, R26/R27/R29
on the 财政拨款 tables, R14/R15/R30/R43 on the 09 table), R42-text-fiscal-expenditure and R52's row condition:
159 SPARQL constraints as 103 queries, 44 core (147 checks); a fresh clone's test suite running beside it (load 1–2):

    10,008 obs      3.29 s  3,045 obs/s   peak RSS 349 MiB
    100,000 obs    34.73 s  2,879 obs/s   peak RSS 1.9 GiB    size ×10.0, time ×10.6

The new checks take 0.003–0.038 s each at 10 k (R42-text-fiscal-expenditure 0.038 s, the 财政拨款 table rules
0.007–0.010 s: the bench graph has no 05/06 table; on a copy with a 2,831-row 05 table, R27's row rule 0.22 s).

2026-11-27 (sixth session), the same catalogue at 1 M, load 0.7–1 at the start (nothing else running):

    999,913 obs   579.88 s  1,724 obs/s   peak RSS 13.1 GiB   (built in 114.9 s; 351 findings)

against 615.4 s / 18.2 GiB with 147 checks before IC-12's hashing and the class-index focus lists. That is ×16.7
the 100 k time above (34.73 s) for ×10 the size: growth is not linear from 100 k to 1 M (×13.5 before), and the
time is ~10× the 60 s target.

Later the same session, 100 k and 1 M in one run with ``-v``, nothing else running (load 1–2 from the bench alone):

    100,000 obs     25.12 s  3,981 obs/s   peak RSS 1.9 GiB    (one check at a time: 49.0 s)
    999,913 obs    440.41 s  2,270 obs/s   peak RSS 12.9 GiB   size ×10.0, time ×17.5   (one at a time: 793.4 s)

One check at a time, 100 k → 1 M: R08-table-total 4.22 → 233.82 s (×55: the superlinear one, over half of the
1 M total), IC-12 8.62 → 119.91 s (×13.9), IC-19 3.09 → 34.09 s, R08-functional-hierarchy 3.09 → 33.11 s,
R28-expenditure-vs-general-budget 2.30 → 23.79 s, R01-balance 1.97 → 18.99 s; the S02 core constraints ~1.0 → ~14.6 s
each. R08-table-total (its correlated FILTER EXISTS and the OPTIONAL summing every 类 observation of the data set,
per total cell) is the next to rewrite.

2026-11-28 (seventh session), after R08-table-total's rewrite (its FILTER EXISTS ran once per joined 类 cell: 4.0 s →
0.77 s at 100 k, 233.82 s → 3.98 s at 1 M with a test suite beside it; same findings), ``100000 1000000``, nothing else
running (load 1.0–1.1):

    100,000 obs     30.59 s  3,269 obs/s   peak RSS 2.0 GiB
    999,913 obs    381.52 s  2,621 obs/s   peak RSS 18.3 GiB   size ×10.0, time ×12.5   (built in 192.6 s; 351 findings)

against 440.41 s (×17.5) the session before: growth is closer to linear, and 1 M is still ~6× the 60 s target. The
largest remaining at 1 M (one at a time, the session before): IC-12 ~120 s, IC-19 ~34 s, R08-functional-hierarchy
~33 s, the ~35 core constraints on qb:Observation ~4–6 s each.

2026-11-28 (eighth session): the core constraints of a shape in one pass over its focus nodes
(``validate.core_groups``: the 28 on qb:Observation 14.95 s → 4.92 s at 100 k, one at a time) and IC-12's target
reading the (dimension, value) pairs once (14.1 s → 10.9 s at 100 k); 147 checks → 105 queries. ``100000 1000000
--pyshacl=``, nothing else running:

    100,000 obs     31.65 s  3,159 obs/s   peak RSS 2.2 GiB
    999,913 obs    359.32 s  2,783 obs/s   peak RSS 18.3 GiB   size ×10.0, time ×11.4   (built in 230.4 s; 351 findings)

The 1 M total fell by 22 s (6 %), the same 351 findings; the 100 k total did not move (30.59 s the session before:
run-to-run spread on the shared cores is of that order, 25.1–30.6 s for the same code). The 60 s target is not met.

2026-11-28 (ninth session). First ``1000000 -v`` on the code above (nothing else running): whole catalogue 349.13 s,
peak RSS 20.5 GiB (built in 234.6 s; 351 findings); one check at a time 592.34 s, the largest IC-12 136.98 s, the 28
core constraints on qb:Observation (one pass) 55.13 s, R08-functional-hierarchy 49.66 s, IC-19 47.97 s, R28 37.62 s,
R01 34.99 s, IC-11 23.32 s, R07 19.40 s, R16 15.09 s, R31 14.99 s, IC-1 14.87 s. The store itself holds 5.1 GiB
after the build: the rest of the peak was the queries, IC-12's above all (its sub-select joins held every
(observation, dimension, value) pair in a hash table: +908 MiB at 100 k). With IC-12 reading the pairs as plain
basic graph patterns and hashing each where it is read (+89 MiB at 100 k; at 1 M 138.1 s and +1.6 GiB, a test suite
running beside it), ``100000 1000000 --pyshacl=``, nothing else running:

    100,000 obs     31.79 s  3,146 obs/s   peak RSS 1.6 GiB
    999,913 obs    316.01 s  3,164 obs/s   peak RSS 15.6 GiB   size ×10.0, time ×9.9   (built in 220.9 s; 351 findings)

Growth is now linear (×9.9 for ×10; ×11.4 the session before), the 1 M total fell from 349.13 s to 316.01 s and the
peak from 20.5 to 15.6 GiB, the same 351 findings. The 60 s target is not met (5.3× over). Tried and dropped, each
measured at 100 k against the code it would replace (same results): IC-12's structure dimension count joined after
the grouping and its pair list without the type test (9.3–10.5 s against 9.6–10.9 s); IC-12's MD5 decoded by byte
pairs (16.6 s against 13.0 s); IC-19 as four basic-graph-pattern branches (8.5–8.8 s against 4.6–5.1 s); R08's
child cells as a one-pattern OPTIONAL with a FILTER EXISTS (6.5–7.1 s against 5.1 s); the core group's focus nodes
without DISTINCT or as a plain type pattern (5.2–5.5 s against 5.8–6.0 s, within the spread); R23's NOT EXISTS from
its constant line items (1.6–1.9 s against 1.5–1.7 s). What remains of the peak at 100 k, one check at a time above
the store's 0.7 GiB (each in a process of its own: R23 +500–545 MiB, R27-fund-columns +507 MiB, R30 +538 MiB; with the
peak reset before each check in one process, where a check may reuse memory an earlier one freed, at least R16 +0.34
GiB, R46-subject-amounts +0.24 GiB). In R23 it is its four one-pattern OPTIONALs on the two cells (bkg:decimals,
bkg:printedValue): without them the query takes 0.17 s and +0 MiB instead of 1.4 s and +500 MiB; each alone costs
+54–95 MiB and 0.3–0.4 s (Oxigraph evaluates them apart, over every observation, although they follow the cells'
patterns). Written as ``{ ?o bkg:decimals ?d } UNION { ?o qb:dataSet ?ds FILTER NOT EXISTS { … } }`` (the R44/R45
form) they take +0 MiB but no less time at 100 k (2.25 s); moving them before the first BIND changed nothing. What
mattered was the unit-factor patterns (``?unit bkg:factorToYuan ?f``) written before them: with the OPTIONALs first,
R23 takes 0.28 s and +0 MiB (1.65 s and +500 MiB before; the same findings), landed for R23. The same move applied to
every cross-table query by script was not uniformly better (R27-fund-columns 1.70 → 5.56 s, R27/R29's 财政拨款 rules
0.1 → 0.3 s; the 32 queries together 13.2 → 15.6 s at 100 k), so R27, R30 and the others are left for one at a time.

2026-11-29 (fifteenth session), a quieter machine: at the start, ``100000 -v`` 18.50 s (one check at a time 26.5 s)
and ``1000000`` 176.00 s (peak RSS 13.9 GiB, 351 findings). Rewritten from what Oxigraph 0.5.13 evaluates apart
(shapes/README.md, "Writing queries that scale"), each measured old against new in one process at 100 k, the same
results: IC-19 2.55 → 0.43 s (from the structures, not from every observation), IC-12 5.6 → 3.5 s, R01 1.46 → 0.17 s,
R16 0.73–1.27 → 0.003 s, R08 2.13 → 1.41 s, R07 0.92 → 0.65 s, R27 0.54 → 0.28 s. Then ``100000 1000000``:

    100,000 obs     10.19 s  9,817 obs/s   peak RSS 1.5 GiB
    999,913 obs    131.03 s  7,631 obs/s   peak RSS 12.0 GiB   size ×10.0, time ×12.9   (built in 86.4 s; 351 findings)

and ``1000000 -v``: whole catalogue 121.11 s; one at a time 241.4 s, the largest IC-12 40.3 s, the 28 core
constraints on qb:Observation 30.4 s, R08-functional-hierarchy 20.1 s, R28 19.3 s, R30 16.6 s, IC-11 13.1 s, R46
8.6 s, IC-14 8.4 s, R07 8.2 s, R06 8.2 s, IC-1 8.1 s, R31 7.6 s, R27 7.0 s, R12 6.2 s. R30 and R31 grew faster than
the data (×22, ×13 from 100 k): their cells' OPTIONALs, after a COALESCE and a sub-select, were read for every
observation; rewritten (R30 0.73 → 0.22 s, R31 0.48 → 0.19 s at 100 k; at 1 M 16.6 → 2.1 s and 7.6 → 1.9 s). Then
``100000 1000000``: 10.52 s and 137.47 s (peak RSS 10.2 GiB, 351 findings); ``1000000 -v``: 122.21 s (one at a time
236.4 s, IC-12 41.8 s, core constraints 30.3 s); with IC-1 in one pass (0.75 → 0.37 s at 100 k), 10.27 s and 130.77 s
(peak RSS 10.2 GiB, 351 findings). Run to run, 1 M now takes 121–137 s: ~2× the 60 s target. Tried
and dropped (slower at 100 k): R12 in
R08's new form (0.58 → 0.96 s), R27's cell OPTIONALs after its UNION or in the R44 UNION form (0.24 → 1.05–1.1 s), R46's
OPTIONALs before its unit-factor patterns (0.37 → 1.13 s), IC-11/IC-14/IC-15/IC-16 from the structures (the same or
slower: 1.27, 0.83, 0.77, 0.76 s).

2026-11-29 (sixteenth session), ``1000000 -v``, nothing else running: at the start 136.36 s (one at a time 228.70 s;
peak RSS 10.5 GiB; 351 findings). Each query's plan was then read in the ``oxigraph`` CLI's ``query --explain --stats``
(same 0.5.13 engine, the bench graph at 10 k dumped to an on-disk store): R27-fund-columns and R46 read every
``bkg:decimals`` / ``bkg:printedValue`` triple of the document in hash joins, because Oxigraph's size estimates
overflow after ~14 triple patterns; the fast path now runs each one-pattern ``OPTIONAL`` as ``LATERAL { OPTIONAL
{ … } }`` (``validate.optional_lookups``). IC-14 and IC-15–17 read each observation's structure again per
observation or started from every observation; R28 joined equal cells with their attributes. After those
(df442fe, 4646a88), ``1000000 -v``:

    999,913 obs   106.98 s   9,347 obs/s   peak RSS 8.7 GiB   (built in 101.7 s; 351 findings)

one at a time 186.98 s: IC-12 40.7 s, the core constraints on qb:Observation 27.6 s, R08-functional-hierarchy
20.8 s, R28 13.9 s, IC-11 13.4 s, R07 9.6 s, R06 9.3 s, R12 6.3 s, IC-14 5.7 s (8.7 s before), R46 and
R27-fund-columns under 0.5 s (10.2 s and 7.7 s before). Still ~1.8× the 60 s target.

2026-11-29 (seventeenth session), rewrites that produce fewer solutions (shapes/README.md: the core group's screen,
R08's sums before the join, R28's unequal pairs in a sub-select, R42's and R22's constants), ``100000 1000000 -v
--pyshacl=``, nothing else running:

    100,000 obs     7.60 s   13,156 obs/s   peak RSS 901 MiB    (one check at a time 14.77 s; 91 findings)
    999,913 obs    94.62 s   10,568 obs/s   peak RSS 7.2 GiB    size ×10.0, time ×12.4   (built in 91.2 s; 351 findings)

one at a time 153.54 s (186.98 s before): IC-12 42.4 s, the core constraints on qb:Observation 16.4 s (27.6 s), IC-11
12.8 s, R08-functional-hierarchy 12.3 s (20.8 s), R06 8.1 s, R07 8.1 s, R12 7.0 s, R28 6.2 s (13.9 s), IC-14 5.4 s,
IC-19 4.4 s, IC-1 3.8 s, R22 3.2 s (5.9 s), R42-text-fiscal-expenditure under 0.1 s (3.0 s). On 2 workers the
whole catalogue takes 94.6 s for 76.8 s of work per core: two threads reading the store at once slow each other.
Still ~1.6× the 60 s target. Then R12 in the same form as R08 (0.53–0.59 → 0.016–0.019 s at 100 k), the same
command: 100,000 obs 7.09 s; 999,913 obs 94.20 s (peak RSS 7.2 GiB; 351 findings; one check at a time 144.94 s,
R12 7.0 s → 0.36 s): the work per core fell by 4.3 s and the wall time did not move (94.62 → 94.20 s), the
two threads' slowing each other at 1 M as above.

The 60 s target at 1 M is out of this engine's reach: at 1 M, one thread, joining every observation with four
of its properties takes 6.9–7.0 s and with its dimension values through its DSD (5 M pairs) 19.7–25.3 s, and
55 of the 141 checks read every observation or row (IC-12's candidate search then read the pairs three times). See
shapes/README.md, "Running the catalogue".

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
from collections.abc import Iterator
from decimal import Decimal
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
import rdflib

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


def large_tables(doc: str, n_obs: int) -> Iterator[ox.Quad]:
    """Three large tables of about ``n_obs`` observations in all (graph ``doc``), and their code
    concepts (the shared graph), generated one quad at a time: at 1 M observations a list of the
    17 M triples would take more memory than the store that holds them."""
    bkg = uris.vocab()
    own, shared = ox.NamedNode(doc), ox.NamedNode(uris.shared_graph())

    def quad(s: str, p: str, o: ox.NamedNode | ox.Literal | str, graph: ox.NamedNode = own) -> ox.Quad:
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o, graph)

    department = uris.department("990000", "bench")
    codes = functional_codes(max(1, int(n_obs / OBS_PER_ITEM / 1.0102)))  # 款 and 类 add ~1 %
    for code, _a in codes:
        iri = uris.concept("functional", code)
        yield quad(iri, RDF + "type", SKOS + "Concept", shared)
        yield quad(iri, SKOS + "inScheme", uris.scheme("functional"), shared)
        yield quad(iri, SKOS + "inScheme", uris.scheme("classification"), shared)
        yield quad(iri, SKOS + "notation", ox.Literal(code), shared)
        yield quad(iri, bkg + "level", uris.concept("level", {3: "lei", 5: "kuan", 7: "xiang"}[len(code)]), shared)
        if len(code) > 3:
            yield quad(iri, SKOS + "broader", uris.concept("functional", code[:-2]), shared)
    total = sum(a for c, a in codes if len(c) == 3)
    items = [(uris.concept("functional", c), f"functional-{c}", a) for c, a in codes]
    items.append((uris.concept("line-item", "table-total"), "line-item-table-total", total))
    for kind, columns in COLUMNS.items():
        ds = uris.dataset(doc, kind)
        yield quad(ds, RDF + "type", QB + "DataSet")
        yield quad(ds, RDF + "type", CSVW + "Table")
        yield quad(ds, QB + "structure", f"{bkg}dsd-{kind}")
        yield quad(ds, bkg + "tableKind", uris.concept("table-kind", kind))
        yield quad(ds, bkg + "budgetPhase", PHASE)
        yield quad(ds, bkg + "department", department)
        yield quad(ds, bkg + "fiscalYear", YEAR)
        yield quad(ds, PROV + "wasDerivedFrom", doc)
        yield quad(ds, DCT + "title", ox.Literal(kind))
        yield quad(ds, UNIT, uris.concept("unit", "wan-yuan"))
        for number, (item, key, amount) in enumerate(items, start=4):
            row = uris.row(ds, number)
            yield quad(row, RDF + "type", CSVW + "Row")
            yield quad(row, CSVW + "rownum", integer(number))
            yield quad(row, bkg + "table", ds)
            yield quad(ds, CSVW + "row", row)
            for col_no, col in enumerate(columns, start=1):
                obs = uris.observation(ds, key, col)
                yield quad(obs, RDF + "type", QB + "Observation")
                yield quad(obs, QB + "dataSet", ds)
                yield quad(obs, bkg + "department", department)
                yield quad(obs, bkg + "fiscalYear", YEAR)
                yield quad(obs, bkg + "budgetPhase", PHASE)
                yield quad(obs, bkg + "classification", item)
                yield quad(obs, bkg + "breakdown", uris.concept("breakdown", col))
                yield quad(obs, bkg + "amount", dec(amount))
                yield quad(obs, UNIT, uris.concept("unit", "wan-yuan"))
                yield quad(obs, bkg + "amountInYuan", dec(amount * 10000))
                yield quad(obs, bkg + "printedValue", ox.Literal(f"{amount:.2f}"))
                yield quad(obs, bkg + "decimals", integer(2))
                yield quad(obs, bkg + "sourceRow", row)
                yield quad(obs, bkg + "columnNumber", integer(col_no))


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


def build(n_obs: int, disk: Path | None = None) -> tuple[Store, str]:
    """The bench store of about ``n_obs`` observations and its document IRI: the vocabularies, the
    document graph (the large tables and one mapped sample, see the module docstring) and the
    shared graph, streamed into an in-memory store, or bulk-loaded into an on-disk (RocksDB) store
    at ``disk`` (emptied first)."""
    doc = uris.document(uris.disclosure("990000", "bench", 2023, "budget"))
    real, real_shared = sample_replicas(1)  # one copy: see the module docstring
    if disk is not None:
        shutil.rmtree(disk, ignore_errors=True)
    store = Store(disk)
    own, shared = ox.NamedNode(doc), ox.NamedNode(uris.shared_graph())
    vocabularies = (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                    for g, ts in vocabulary_graphs(base_iri()).items() for t in ts)
    sample = chain((ox.Quad(t.subject, t.predicate, t.object, own) for t in real),
                   (ox.Quad(t.subject, t.predicate, t.object, shared) for t in real_shared))
    store.ox.bulk_extend(chain(vocabularies, large_tables(doc, n_obs - SAMPLE_OBSERVATIONS), sample))
    store.ox.flush()
    return store, doc


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_check(store: Store, checks: list[validate.Check], graphs: list[str] | None,
              verbose: bool) -> dict[str, float]:
    """Each check's time, run one at a time (``-v``: the figures behind the parallel total)."""
    timings: dict[str, float] = {}
    for check in checks:
        start = time.perf_counter()
        check.run(store, graphs)
        elapsed = time.perf_counter() - start
        timings[check.rule] = timings.get(check.rule, 0.0) + elapsed
        if verbose:
            print(f"    {check.label:70s} {elapsed:8.3f} s", flush=True)
    return timings


def whole_catalogue(store: Store, doc: str, checks: list[validate.Check],
                    workers: int) -> tuple[list[validate.Finding], float]:
    """The catalogue as ``validate.validate_graph`` runs it (``workers`` checks at once), and its time."""
    start = time.perf_counter()
    graphs = validate.scope(store, validate.document_graphs(doc))
    findings = validate.locate(store, validate.run_catalogue(store, checks, graphs, workers), graphs)
    return findings, time.perf_counter() - start


def _pyshacl_child(doc: str, lines: list[str], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from pyshacl import validate as pyshacl_validate

    data = rdflib.Graph()
    data.parse(data="".join(lines), format="nt")
    start = time.perf_counter()
    pyshacl_validate(data, shacl_graph=validate.load_shapes(), inference="none", advanced=True)
    out.put(time.perf_counter() - start)


def pyshacl_seconds(store: Store, doc: str, cap: float) -> float | None:
    """pyshacl's time on the same graphs (merged into one rdflib graph), or None if it exceeds ``cap``."""
    queue: mp.Queue = mp.get_context("fork").Queue()  # type: ignore[type-arg]
    lines = [f"{q.subject} {q.predicate} {q.object} .\n" for g in validate.document_graphs(doc) for q in store.quads(g)]
    child = mp.get_context("fork").Process(target=_pyshacl_child, args=(doc, lines, queue))
    child.start()
    child.join(cap + 60)  # + the parse into rdflib, which is not pyshacl's validation time
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
    workers = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--workers=")), "0")) or (
        validate.validation_workers())
    disk = next((Path(a.split("=", 1)[1]) for a in argv if a.startswith("--disk=")), None)
    checks = [c for c in validate.catalogue(validate.load_shapes()) if c.rule not in skip]
    print(f"machine: 2 cores shared with other engineers' jobs; figures are wall-clock seconds; {workers} workers")
    previous: tuple[int, float] | None = None
    for n in sorted(set(sizes) | ref_at):
        start = time.perf_counter()
        store, doc = build(n, disk / f"{n}" if disk else None)
        built = time.perf_counter() - start
        n_obs = next(iter(store.ox.query(  # type: ignore[union-attr]
            f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{doc}> {{ ?o a <{QB}Observation> }} }}")))["n"].value
        n_triples = len(store.ox)
        findings, whole = whole_catalogue(store, doc, checks, workers)
        n_obs = int(n_obs)
        print(
            f"\n{n_obs} observations, {n_triples} triples (built in {built:.1f} s):"
            f" whole catalogue {whole:.2f} s, {n_obs / whole:,.0f} obs/s, peak RSS {peak_rss_mib():,.0f} MiB;"
            f" {len(findings)} findings"
        )
        if verbose:
            timings = per_check(store, checks, validate.scope(store, validate.document_graphs(doc)), verbose)
            print(f"  one at a time: {sum(timings.values()):.2f} s; the largest:")
            for rule, secs in sorted(timings.items(), key=lambda kv: -kv[1])[:15]:
                print(f"  {rule:40s} {secs:8.3f} s")
        if previous and n in sizes:
            print(f"  size ratio ×{n_obs / previous[0]:.1f}; time ratio ×{whole / previous[1]:.1f}")
        if n in sizes:
            previous = (n_obs, whole)
        if n in ref_at:
            ref = pyshacl_seconds(store, doc, cap)
            if ref is None:
                print(f"  pyshacl (advanced=True): did not finish in {cap:.0f} s (≥ ×{cap / whole:.0f} slower)")
            else:
                print(f"  pyshacl (advanced=True): {ref:.2f} s, ×{ref / whole:.0f} the compiled/fast path")
        del store


if __name__ == "__main__":
    main(sys.argv[1:])
