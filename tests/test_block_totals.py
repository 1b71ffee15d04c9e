"""R13-block-totals on the 决算's 一般公共预算财政拨款基本支出决算表 (p.16), printed in two blocks — 301 and 303 on the
left, 302 and 310 on the right — under a footer 人员经费合计 4884.09 | 公用经费合计 480.66 instead of a 合计 row
(check-rules.md, template variants: F6). 301 4816.14 + 303 67.96 = 4884.10: a rounding difference, an Info
(tests/test_shanghai.py); 302 440.90 + 310 39.76 = 480.66. An altered footer is a Violation with the numbers, and
the text's 公用经费 480.66 (p.24) then disagrees with it too (R41)."""

from __future__ import annotations

import pytest

from budgetkg import uris, validate
from budgetkg.config import base_iri
from budgetkg.store import Store
from budgetkg.validate import document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_arithmetic_totals import _findings
from tests.test_validate import _retarget, engines_on

FINAL = CORPUS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
pytestmark = pytest.mark.skipif(not FINAL.exists(), reason=f"corpus not found at {CORPUS}")

F6 = "一般公共预算财政拨款基本支出决算表"
OBS = "table/general-public-budget-basic-expenditure/obs/"


def test_an_altered_footer_is_a_violation() -> None:
    mapped, findings = process_edited(FINAL, {}, {(F6, 40, 5): ("480.66", "490.66")})
    iri = mapped.iri
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message) for f in findings
                 if f.rule in ("R13-block-totals", "R41-text-split"))
    assert got == [
        ("R13-block-totals", "Info", OBS + "line-item-personnel-expenses-total/amount",
         "personnel-expenses-total 人员经费合计 [amount]: 4884.09 ≠ the sum of its classes 4884.1 (diff -0.01, "
         "2 terms, rounding envelope 0.015)"),
        ("R13-block-totals", "Violation", OBS + "line-item-public-expenses-total/amount",
         "public-expenses-total 公用经费合计 [amount]: 490.66 ≠ the sum of its classes 480.66 (diff 10, 2 terms, "
         "rounding envelope 0.015)"),
        # the two all-funds figures of section 六 (tests/test_shanghai.py), and the 公用经费 now
        ("R41-text-split", "Violation", "paragraph/24.14/figure/1",
         "text “一般公共预算财政拨款基本支出 5377.64 万元”: 5377.64 万元 ≠ 一般公共预算财政拨款支出决算表 "
         "(table-total, basic) 5364.75 万元 (both rounded to the coarser precision; diff 12.89 in 万元, "
         "rounding envelope 0.01)"),
        ("R41-text-split", "Violation", "paragraph/24.15/figure/1",
         "text “人员经费 4896.98 万元”: 4896.98 万元 ≠ 一般公共预算财政拨款基本支出决算表 "
         "(personnel-expenses-total, amount) 4884.09 万元 (both rounded to the coarser precision; diff 12.89 in "
         "万元, rounding envelope 0.01)"),
        ("R41-text-split", "Violation", "paragraph/24.19/figure/1",
         "text “公用经费 480.66 万元”: 480.66 万元 ≠ 一般公共预算财政拨款基本支出决算表 "
         "(public-expenses-total, amount) 490.66 万元 (both rounded to the coarser precision; diff -10 in 万元, "
         "rounding envelope 0.01)")]
    # pyshacl gives the same results on both footers
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    shapes = _retarget(validate.load_shapes(["arithmetic-totals.ttl"]),
                       [f"{iri}/{OBS}line-item-public-expenses-total/amount",
                        f"{iri}/{OBS}line-item-personnel-expenses-total/amount"], ("R13-block-totals",))
    reference = engines_on(scratch, document_graphs(iri), shapes)
    assert sorted((r[0].split("#")[1], r[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R13-block-totals-info", "Info", OBS + "line-item-personnel-expenses-total/amount"),
        ("R13-block-totals-violation", "Violation", OBS + "line-item-public-expenses-total/amount")]


def test_a_class_outside_the_two_buckets_silences_the_rule() -> None:
    """307 / 309 / 399 go to either bucket depending on the template: a non-zero one (here 310 39.76 printed as
    a 399 row) leaves the footers uncompared."""
    mapped, findings = process_edited(FINAL, {}, {})
    assert [f.rule for f in findings if f.rule == "R13-block-totals"] == ["R13-block-totals"]
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    ec = f"{iri}/{OBS}economic-310/amount"
    scratch.ox.update(
        f"DELETE {{ GRAPH ?g {{ <{ec}> <{uris.vocab()}classification> ?c }} }}"
        f" INSERT {{ GRAPH ?g {{ <{ec}> <{uris.vocab()}classification> <{base_iri()}code/economic/399> }} }}"
        f" WHERE {{ GRAPH ?g {{ <{ec}> <{uris.vocab()}classification> ?c }} }}")
    assert [f for f in _findings(scratch, iri) if f.rule == "R13-block-totals"] == []
