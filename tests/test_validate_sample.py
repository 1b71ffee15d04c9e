"""Validation of the real sample: exactly the findings a budget analyst finds, nothing else."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from budgetkg.validate import check_datacube_integrity, validate_graph

# (rule, table, 序号, column, printed, sum of parts, terms) — worked out by hand from the sample:
# the 合计 rows print 822.41 / 463.21 while their 类 rows add up to 822.42 / 463.22, and in the
# 基本支出表 301 prints 407.32 (items 407.33) and 302 prints 41.47 (items 41.49).
EXPECTED = sorted([
    ("R08-table-total", "部门预算收入总表", "1", "合计 (栏次 3)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算收入总表", "1", "本年收入 / 小计 (栏次 4)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算收入总表", "1", "本年收入 / 财政拨款收入 (栏次 5)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算支出总表", "1", "合计 (栏次 3)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算支出总表", "1", "基本支出 (栏次 4)", "463.21", "463.22", 4),
    ("R08-table-total", "部门预算一般公共预算财政拨款支出表", "1", "合计 (栏次 3)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算一般公共预算财政拨款支出表", "1", "基本支出 (栏次 4)", "463.21", "463.22", 4),
    ("R08-table-total", "部门预算收支总表", "32", "支出 / 预算数 (栏次 4)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算财政拨款收支总表", "32", "支出 / 合计 (栏次 4)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算财政拨款收支总表", "32", "支出 / 一般公共预算财政拨款 (栏次 5)",
     "822.41", "822.42", 6),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "2",
     "一般公共预算基本支出 / 合计 (栏次 3)", "407.32", "407.33", 9),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "2",
     "一般公共预算基本支出 / 人员经费 (栏次 4)", "407.32", "407.33", 9),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "12",
     "一般公共预算基本支出 / 合计 (栏次 3)", "41.47", "41.49", 14),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "12",
     "一般公共预算基本支出 / 公用经费 (栏次 5)", "41.47", "41.49", 14),
])


def test_exact_findings_on_the_sample(sample_store: Store, sample_document: str) -> None:
    findings = validate_graph(sample_store, sample_document)
    assert {f.severity for f in findings} == {"Info"}
    got = sorted(
        (f.rule, f.location.table, f.location.row, f.location.column, str(f.values["value"]),
         str(f.values["sum"]), int(f.values["n"]))
        for f in findings if f.location
    )
    assert len(findings) == len(got) == 14
    assert got == EXPECTED
    for f in findings:
        diff = Decimal(str(f.values["value"])) - Decimal(str(f.values["sum"]))
        assert Decimal(str(f.values["diff"])) == diff
        assert abs(diff) <= (int(f.values["n"]) + 1) * Decimal("0.005")


def test_build_report_counts(sample_build: tuple[Store, list[DocumentReport]]) -> None:
    report = sample_build[1][0]
    assert report.loaded and report.findings == {"Info": 14}
    assert report.issues == []


def test_report_graph_is_stored(sample_store: Store, sample_document: str) -> None:
    graph = uris.validation_graph(sample_document)
    q = f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
      SELECT (COUNT(?r) AS ?n) ?conforms {{ GRAPH <{graph}> {{ <{graph}> a sh:ValidationReport ;
        sh:conforms ?conforms ; sh:result ?r . ?r sh:resultSeverity sh:Info }} }} GROUP BY ?conforms"""
    rows = [(s["n"].value, s["conforms"].value) for s in sample_store.ox.query(q)]
    # sh:conforms follows SHACL: any result, Info included, makes it false.
    assert rows == [("14", "false")]


def test_data_cube_well_formed_on_the_store_and_on_its_dump(sample_store: Store, tmp_path) -> None:
    assert check_datacube_integrity(sample_store) == []
    dump = tmp_path / "all.nq"
    with dump.open("wb") as out:
        sample_store.ox.dump(out, format=ox.RdfFormat.N_QUADS)
    reloaded = Store(tmp_path / "reloaded")
    reloaded.ox.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    assert len(reloaded) == len(sample_store)
    assert check_datacube_integrity(reloaded) == []
