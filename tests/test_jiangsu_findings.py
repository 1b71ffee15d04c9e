"""The Jiangsu PDFs of the corpus (provincial departments, budgets 2017–2019, narrative and tables
often in two files): the exact findings per document, rule by rule, with the numbers.

The table rules (groups A, B) find nothing in these documents: every finding below comes from the
text rules (groups C, D, F) and was read off the paragraph text (pdfplumber) by hand:

* R50-growth-rate: 江苏省检察院 2017 writes 机关运行经费预算支出6032.55 万元，比 2016 年增加 3401.59 万元，
  增长129.97 %, but 3401.59 ÷ (6032.55 − 3401.59) = 129.29 % (Violation); 江苏省人大办公厅 2017 writes
  增加 254.23% for 4032.99 ÷ 1586.32 = 254.2356 % (truncated, not rounded: Info).
* R51-template-leftover: the template's alternatives kept in the text ("与上年相比增加（减少）0万元，
  增长（减少）0%"): 江苏省人大常委会 2019 and 省人大办公厅 2018, once per printed line that keeps one.
* R53-percent-decimals (Info): rates not written with two decimals ("增长 8.8 %", "增长 22 %", "占0%",
  "减少10%"); each is the number as printed.

The documents not listed (the tables-only 公开表 files, 江苏省政协办公厅 2017, 江苏省委办公厅 2017 公开表 …)
give no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg.pipeline import DocumentReport, build
from budgetkg.store import Store
from budgetkg.validate import validate_graph
from tests.conftest import CORPUS

JIANGSU = sorted(CORPUS.glob("jiangsu/**/*.pdf"))
pytestmark = pytest.mark.skipif(not JIANGSU, reason=f"corpus not found at {CORPUS}")

#: file -> sorted (rule, severity, focus under the document IRI, detail): the percentage as printed
#: (R53), the leftover text (R51), or the whole message (R50).
EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    '2017年省检察院部门预算.pdf': [
        ('R50-growth-rate', 'Violation', 'paragraph/22.8/percentage/1',
         '“增长129.97 %”: 129.97% ≠ 3401.59 ÷ 2630.96 = 129.2908% computed from “比 2016 年增加 '
         '3401.59 万元” (129.29% at the stated decimals; diff 0.68 percentage points, '
         'envelope 0.1057)'),
        ('R53-percent-decimals', 'Info', 'paragraph/18.10/percentage/1', '8.8'),
        ('R53-percent-decimals', 'Info', 'paragraph/20.4/percentage/1', '8.8'),
        ('R53-percent-decimals', 'Info', 'paragraph/20.9/percentage/1', '8.8'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.14/percentage/1', '8.8'),
    ],
    '2018年省检察院部门预算公开.pdf': [
        ('R53-percent-decimals', 'Info', 'paragraph/23.15/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/24.10/percentage/1', '9.1'),
        ('R53-percent-decimals', 'Info', 'paragraph/25.21/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/26.24/percentage/1', '81.6'),
        ('R53-percent-decimals', 'Info', 'paragraph/26.3/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/28.23/percentage/1', '55.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/28.24/percentage/1', '24'),
        ('R53-percent-decimals', 'Info', 'paragraph/28.3/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/29.21/percentage/1', '54.9'),
    ],
    '江苏省人大办公厅2017年度预算公开.pdf': [
        ('R50-growth-rate', 'Info', 'paragraph/28.6/percentage/1',
         '“增加 254.23%”: 254.23% ≠ 4032.99 ÷ 1586.32 = 254.2356% computed from “比 2016 年增加 '
         '4032.99 万元” (254.24% at the stated decimals; diff -0.01 percentage points, '
         'envelope 0.1069)'),
        ('R53-percent-decimals', 'Info', 'paragraph/26.2/percentage/1', '100'),
    ],
    '江苏省人大常委会2019年度部门预算公开.pdf': [
        ('R51-template-leftover', 'Warning', 'paragraph/10', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/16.20', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/16.5', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/16.8', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.14', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.15', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.17', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.18', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.19', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.20', '增加（减少）'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.10/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.11/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.12/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.13/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.14/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.21/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.21/percentage/1', '12.6'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.3/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.7/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.8/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.12/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.15/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.3/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.6/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.9/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/14.11/percentage/1', '31.5'),
        ('R53-percent-decimals', 'Info', 'paragraph/15.5/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.11/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.7/percentage/1', '15.3'),
    ],
    '江苏省委办公厅2017年部门预算.pdf': [
        ('R53-percent-decimals', 'Info', 'paragraph/6.17/percentage/1', '3.4'),
        ('R53-percent-decimals', 'Info', 'paragraph/9/percentage/1', '3.4'),
    ],
    '江苏省委办公厅2018年度部门预算公开文件.pdf': [
        ('R53-percent-decimals', 'Info', 'paragraph/6.10/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/7.16/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/8.7/percentage/1', '100'),
    ],
    '江苏省委办公厅2019年度部门预算公开文件.pdf': [
        ('R53-percent-decimals', 'Info', 'paragraph/8.18/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/8.3/percentage/1', '30'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.9/percentage/1', '100'),
    ],
    '江苏省政协办公厅2018年度部门预算.pdf': [
        ('R53-percent-decimals', 'Info', 'paragraph/10.7/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.18/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.19/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.21/percentage/1', '0'),
    ],
    '省人大办公厅2018预算公开.pdf': [
        ('R51-template-leftover', 'Warning', 'paragraph/19.16', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/19.17', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/19.19', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20.2', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20.3', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20.4', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/28.21', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/29.20', '增加（减少）'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.16/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.17/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.18/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.19/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.20/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.5/percentage/1', '8.2'),
        ('R53-percent-decimals', 'Info', 'paragraph/22.9/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/24.3/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/25.7/percentage/1', '480'),
    ],
}


@pytest.fixture(scope="module")
def jiangsu(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, DocumentReport]]:
    store = Store(tmp_path_factory.mktemp("jiangsu") / "store")
    reports = build(store, JIANGSU)
    return store, {Path(r.file).name: r for r in reports}


def _detail(rule: str, values: dict[str, object], message: str) -> str:
    if rule.startswith("R53"):
        return str(values["printed"])
    if rule.startswith("R51-template"):
        return str(values["leftover"])
    return message


@pytest.mark.parametrize("name", [p.name for p in JIANGSU])
def test_exact_findings_per_document(name: str, jiangsu: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = jiangsu
    report = reports[name]
    assert report.error is None and report.iri is not None
    found = sorted((f.rule, f.severity, f.focus.removeprefix(report.iri + "/"), _detail(f.rule, f.values, f.message))
                   for f in validate_graph(store, report.iri))
    assert found == EXPECTED.get(name, [])


def test_every_listed_document_exists() -> None:
    assert set(EXPECTED) <= {p.name for p in JIANGSU}
