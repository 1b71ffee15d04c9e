"""Validation recall on a document (run by hand): alter each figure, one at a time, and see whether it is reported.

    .venv/bin/python bench/sweep_alterations.py [FILE] [--workers=N] [--limit=N]

FILE defaults to the bundled sample (河北 南关街道 2023 预算, extracted text). Every number printed in the file
(``1,234.56``, ``15``, ``3.2``; not part of a word or a code such as ``2010301``) is altered in turn by one unit
of its last printed digit (its last digit +1, or −1 for a 9: the same length, the smallest change a reader could
make). The altered file is mapped (read → recognise → map, narrative figures included) and its decimal figures
compared with the unaltered file's:

* the alteration changes **no figure of the graph**: the number is not a figure the pipeline reads (a date, a
  count of staff, a code, a page number …) or a figure the narrative extractor does not read; listed, with its
  line, for reading;
* it changes a **table cell** (an observation's amount), a **narrative figure** (a statement's amount) or a
  **performance-target value** (绩效目标表 指标值): the mapping is validated (as ``pipeline.process``, what
  ``budgetkg validate FILE`` runs, validates it; the file is mapped once) and the alteration is *reported* if a
  finding appears that the unaltered file does not have. An unreported one is listed with the figure it
  changed; one that only removes a finding of the unaltered file (it made an inconsistent pair agree) is counted
  apart.

The recall printed is reported / altered figures, per kind. It measures what the catalogue can see: a figure that
no identity (勾稽关系) ties to another cannot be caught by any rule, and the list says which figures those are.

Measured on the sample (2026-11-29, 2 workers, 119 s — 193 s when each altered file was mapped twice and every
query written again per run; 927 printed numbers, 20 findings unaltered):

* table cells: 289 of 292 alterations reported. The three others keep the table consistent: 房屋 数量 681 → 682
  and 其中：办公用房 价值 2.09 → 2.08 still satisfy 办公用房 ≤ 房屋 (R18-included-item), and the 车辆 数量 (1) is
  tied to no other figure;
* narrative figures: 49 of 51 reported; the other two (the 比上年增减 line's 84.54 → 84.55 and 197.35 → 197.36)
  make "增加84.54 = 基本支出增加281.90 − 项目支出减少197.35" agree, removing the sample's R50 Info;
* performance-target values (绩效目标表 ≥95%, 7个, 200人 …): 0 of 32, as no rule can: targets are tied to nothing;
* 552 numbers change no figure: ordinals, codes (2010301), years, 秦财行[2022]109号, counts in goal texts.

The first run, before R48-listed-income and R52-text-empty-table, reported 46 of 51 narrative figures: the
income list's 其他来源收入 and 财政拨款结转 (0 → 1) and 政府采购预算 0.00 → 0.01 (its table printed empty) went
past every rule.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from budgetkg import validate
from budgetkg.map import MappedDocument
from budgetkg.pipeline import map_file
from budgetkg.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt"
#: a printed number: digits with thousands commas and decimals, not inside an ASCII word or a longer number
NUMBER = re.compile(r"(?<![0-9A-Za-z.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![0-9A-Za-z])")
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
OBSERVATION = "http://purl.org/linked-data/cube#Observation"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: what an altered figure is: a table cell (an observation's amount), a narrative figure, or a performance
#: target's value (绩效目标表: a target, tied to no other figure)
KINDS = {"cell": "table cells", "text": "narrative figures", "target": "performance-target values"}


@dataclass(frozen=True)
class Alteration:
    start: int
    end: int
    printed: str
    altered: str
    line: int


def alterations(text: str) -> list[Alteration]:
    found = []
    for m in NUMBER.finditer(text):
        printed = m.group()
        last = printed[-1]
        altered = printed[:-1] + (str(int(last) + 1) if last != "9" else "8")
        found.append(Alteration(m.start(), m.end(), printed, altered, text.count("\n", 0, m.start()) + 1))
    return found


def figures(mapped: MappedDocument) -> Counter[tuple[str, str, str]]:
    """(kind, predicate, value) of every decimal figure of the mapped document: kind "cell" (an observation)
    or "text" (a narrative statement, percentage or other node)."""
    observations = {t.subject.value for t in mapped.triples
                    if t.predicate.value == RDF_TYPE and t.object.value == OBSERVATION}
    return Counter(("cell" if t.subject.value in observations else "text", t.predicate.value, t.object.value)
                   for t in mapped.triples
                   if isinstance(t.object, ox.Literal) and t.object.datatype.value == DECIMAL)


def finding_keys(mapped: MappedDocument, scratch: Store) -> set[tuple[str, ...]]:
    """The findings of the mapped file, validated as ``pipeline.process`` validates it."""
    return {f.key() for f in validate.validate_graph(scratch, mapped.iri)}


def _altered_file(source: Path, text: str, alteration: Alteration, folder: Path) -> Path:
    path = folder / source.name  # the same name: the file name is part of what identifies a document
    path.write_text(text[: alteration.start] + alteration.altered + text[alteration.end :], encoding="utf-8")
    return path


def _run(args: tuple[Path, str, Alteration, Counter[tuple[str, str, str]], set[tuple[str, ...]]]) -> tuple:
    source, text, alteration, base_figures, base_findings = args
    with tempfile.TemporaryDirectory() as folder:
        path = _altered_file(source, text, alteration, Path(folder))
        try:
            mapped, scratch = map_file(path)
            changed = figures(mapped) - base_figures
        except Exception as exc:  # an alteration that breaks reading (a year, a code) is not a figure
            return alteration, "error", f"{type(exc).__name__}: {exc}", ""
        if not changed:
            return alteration, "none", "", ""
        kinds = {k if not p.endswith("#targetValue") else "target" for k, p, _v in changed}
        kind = next(k for k in ("cell", "text", "target") if k in kinds)
        found = finding_keys(mapped, scratch)
        outcome = "new" if found - base_findings else "lost" if base_findings - found else ""
        return alteration, kind, "; ".join(f"{p.rsplit('#', 1)[-1]}={v}" for _k, p, v in sorted(changed)), outcome


def main(argv: list[str]) -> None:
    source = Path(next((a for a in argv if not a.startswith("--")), SAMPLE))
    workers = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--workers=")), "2"))
    limit = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--limit=")), "0"))
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()
    started = time.perf_counter()
    mapped, scratch = map_file(source)
    base_figures = figures(mapped)
    base_findings = finding_keys(mapped, scratch)
    todo = alterations(text)[: limit or None]
    print(f"{source.name}: {len(todo)} printed numbers, {sum(base_figures.values())} decimal figures mapped, "
          f"{len(base_findings)} findings unaltered", flush=True)
    results = []
    with mp.get_context("spawn").Pool(workers) as pool:
        for n, result in enumerate(pool.imap(_run, [(source, text, a, base_figures, base_findings) for a in todo]), 1):
            results.append(result)
            if n % 50 == 0:
                print(f"  {n}/{len(todo)} ({time.perf_counter() - started:.0f} s)", flush=True)
    by_kind: Counter[str] = Counter(kind for _a, kind, _c, _o in results)
    outcomes: Counter[tuple[str, str]] = Counter((kind, outcome) for _a, kind, _c, outcome in results)
    print(f"\n{time.perf_counter() - started:.0f} s")
    for kind, label in KINDS.items():
        total, new, lost = by_kind[kind], outcomes[kind, "new"], outcomes[kind, "lost"]
        print(f"{label}: {new} of {total} alterations reported" + (f" ({100 * new / total:.1f} %)" if total else "")
              + (f", {lost} only removed a finding the unaltered file has (the alteration made it consistent)"
                 if lost else ""))
    print(f"no figure changed: {by_kind['none']}; reading failed: {by_kind['error']}")
    for kind in KINDS:
        missed = [(a, c) for a, k, c, outcome in results if k == kind and outcome != "new"]
        if missed:
            print(f"\nunreported {kind} alterations:")
            for a, changed in missed:
                print(f"  line {a.line}: {a.printed} → {a.altered}  [{changed}]  {lines[a.line - 1].strip()[:90]}")
    unread = [a for a, k, _c, _n in results if k == "none"]
    if unread:
        print("\nnumbers whose alteration changes no figure (not figures, or figures not read):")
        for a in unread:
            print(f"  line {a.line}: {a.printed}  {lines[a.line - 1].strip()[:100]}")


if __name__ == "__main__":
    main(sys.argv[1:])
