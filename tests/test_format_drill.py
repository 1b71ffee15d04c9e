"""The format drill of ``test_altered_formats`` for a 决算 and a Jiangsu budget, rendered from their PDFs.

Two corpus PDFs — the Shanghai 部门决算 (final accounts, tables F1–F9, rules of group F) and a Jiangsu
部门预算 whose one file holds its narrative and its twelve 公开表 — are read once each and rendered, from
the reader's own :class:`~budgetkg.model.SourceDocument` (no figure is typed here), as

* a Word document and a web page: the narrative as the paragraphs its printed lines make
  (:func:`tests.test_readers.printed_blocks`), every table under its title with its header block as
  its first row and its merged cells, body ones included, as the PDF's ruling lines give them;
* a workbook laid out as the official template workbooks are (``write_workbook``: one sheet per
  table, title on row 2, header block on row 4, header from row 6); as the template, it opens with a
  cover sheet (封面) printing the document's cover title and fills the 编制部门 cell of each header
  block with the department the PDF names: a 决算 prints its department on its cover only, and a
  workbook holds no prose.

Unaltered, each rendition must give exactly the observations of the PDF (table kind, title, row,
classification, column → exact amount and unit), the same narrative statements, and exactly the
same findings with the same figures (the workbook: all but the findings of the rules that read the
narrative). Then 3–4 figures of each rendition are altered — a table cell, a 合计, a narrative
figure, a 三公 item — and ``budgetkg validate --format csv`` must report each alteration with its
numbers and nothing else new.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pyoxigraph as ox
import pytest

from budgetkg import pipeline, uris
from budgetkg import validate as v
from budgetkg.identity import cover_lines, identify
from budgetkg.map import MappedDocument
from budgetkg.model import Paragraph, SourceDocument
from budgetkg.read import read_document
from budgetkg.read.sheet import format_number
from budgetkg.recognise import recognise
from budgetkg.store import Store
from tests.conftest import CORPUS
from tests.test_altered_formats import (
    _OBSERVATIONS,
    Expected,
    FindingKey,
    _matches,
    validate_csv,
    write_workbook,
)
from tests.test_readers import printed_blocks, write_docx, write_html

SHANGHAI = CORPUS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
JIANGSU = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
FORMATS = ("docx", "xlsx", "html")


# -- the originals, read once ------------------------------------------------------------------------


@dataclass
class Processed:
    """A file as the pipeline maps and validates it."""

    doc: SourceDocument
    mapped: MappedDocument
    findings: list[v.Finding]
    store: Store  # the document graph alone, to look its terms up


def _process(doc: SourceDocument) -> Processed:
    """``pipeline.process`` on a document already read (PDF reading is the slow part: once per module)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "read_document", lambda _: doc)
        mapped, findings = pipeline.process(Path(doc.path))
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    return Processed(doc, mapped, findings, store)


@pytest.fixture(scope="module")
def originals() -> dict[str, Processed]:
    return {name: _process(read_document(path)) for name, path in (("shanghai", SHANGHAI), ("jiangsu", JIANGSU))}


def render(doc: SourceDocument, fmt: str, path: Path) -> None:
    """``doc`` written as ``fmt`` (see the module documentation)."""
    if fmt == "docx":
        write_docx(doc, path)
    elif fmt == "html":
        write_html(doc, path)
    else:
        texts = [p.text for p in doc.paragraphs]
        ident = identify([recognise(t, doc.file_name) for t in doc.tables], texts, doc.file_name)
        write_workbook(doc, path, cover="".join(cover_lines(texts)), department=ident.department_name)


@pytest.fixture(scope="module")
def renditions(originals: dict[str, Processed], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{name}.{fmt}`` -> the rendition's file."""
    folder = tmp_path_factory.mktemp("drill")
    paths = {}
    for name, original in originals.items():
        for fmt in FORMATS:
            paths[f"{name}.{fmt}"] = path = folder / f"{name}.{fmt}"
            render(original.doc, fmt, path)
    return paths


@pytest.fixture(scope="module")
def processed(renditions: dict[str, Path]) -> dict[str, Processed]:
    return {key: _process(read_document(path)) for key, path in renditions.items()}


@pytest.fixture(scope="module")
def baselines(renditions: dict[str, Path]) -> dict[str, Counter[FindingKey]]:
    """``budgetkg validate --format csv`` of each unaltered rendition."""
    return {key: validate_csv(path) for key, path in renditions.items()}


# -- what is compared ---------------------------------------------------------------------------------

_UNIT = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
Observation = tuple[str, str, int, str, str, Decimal, str, str]


def observations(p: Processed) -> Counter[Observation]:
    """(table title, kind, row, classification, column, exact amount, printed, unit) of every observation."""
    query = _OBSERVATIONS.replace("bkg:printedValue ?printed .", f"bkg:printedValue ?printed ; <{_UNIT}> ?unit .")
    query = query.replace("?amount ?printed WHERE", "?amount ?printed ?unit WHERE")
    return Counter(
        (s["title"].value, s["kind"].value, int(s["rownum"].value), s["class"].value, s["breakdown"].value,
         Decimal(s["amount"].value), s["printed"].value, s["unit"].value)
        for s in p.store.ox.query(query.format(vocab=uris.vocab()))  # type: ignore[union-attr]
    )


_STATEMENTS = """
PREFIX bkg: <{vocab}>
SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{
  ?s a ?type ; ?p ?o . VALUES ?type {{ bkg:NarrativeFigure bkg:NarrativePercentage }}
}} }}"""


def statements(p: Processed) -> Counter[tuple[tuple[str, str], ...]]:
    """Each narrative figure and percentage as the set of what it states (amount, unit as printed, indicator,
    kind, sentence, span, label, …). Left out, as inherent to the format: the paragraph it is read from
    and its links to other statements (IRIs made of the paragraph's key — a PDF's page and line, a
    Word or HTML paragraph's ordinal)."""
    by_node: dict[str, list[tuple[str, str]]] = {}
    for s in p.store.ox.query(_STATEMENTS.format(vocab=uris.vocab())):  # type: ignore[union-attr]
        obj = s["o"]
        if isinstance(obj, ox.NamedNode) and "/paragraph/" in obj.value:
            continue
        by_node.setdefault(s["s"].value, []).append((s["p"].value, obj.value))
    return Counter(tuple(sorted(facts)) for facts in by_node.values())


_FIGURE_IRI = re.compile(r"https?://[^\s;=]+?/paragraph/[^/;\s]+/(?:figure|percentage)/\d+")


def comparable(p: Processed, findings: Counter[FindingKey]) -> Counter[FindingKey]:
    """Findings with what names a place in the source as the format gives it replaced by what it names:
    a narrative figure's IRI (in R46-subject-path's value) is made of its paragraph's key and its
    ordinal there, so it stands for the figure's span and sentence; R51-template-leftover's value is the
    paragraph holding the leftover, which in a PDF is the printed line, so it stands for the paragraph
    of the flow format that line is part of."""
    spans = {s["s"].value: f"«{s['span'].value}» in «{s['sentence'].value}»" for s in p.store.ox.query(
        f"SELECT ?s ?span ?sentence {{ GRAPH ?g {{ ?s <{uris.vocab()}textSpan> ?span ; "
        f"<{uris.vocab()}sentence> ?sentence }} }}")}  # type: ignore[union-attr]
    paragraphs = [b.text for b in printed_blocks(p.doc) if isinstance(b, Paragraph)]
    out: Counter[FindingKey] = Counter()
    for key, n in findings.items():
        values = _FIGURE_IRI.sub(lambda m: spans[m.group(0)], key[5])
        if key[0] == "R51-template-leftover":
            line = values.split("; leftover=")[0].removeprefix("value=")
            (paragraph,) = [t for t in paragraphs if line in t]
            values = values.replace(f"value={line};", f"value={paragraph};")
        out[(*key[:5], values)] += n
    return out


def csv_findings(p: Processed) -> Counter[FindingKey]:
    """The findings of a processed file as ``budgetkg validate --format csv`` prints them."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(v.render_csv(p.findings))))
    return Counter((r["rule"], r["severity"], r["table"], r["row"], r["column"], r["values"]) for r in rows)


def narrative_rules() -> set[str]:
    """The rules that read the narrative: groups C (table↔text) and D (within the text), and the 决算
    rules of group F whose targets are narrative figures or percentages (R70–R73; R74 compares tables)."""
    graph = v.load_shapes()
    rows = graph.query("""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT DISTINCT ?id WHERE {
          ?shape dcterms:identifier ?id ; ?group ?g .
          FILTER (STRENDS(STR(?group), "ruleGroup"))
          OPTIONAL { ?shape sh:targetClass ?target }
          FILTER (?g IN ("C", "D") || STRENDS(STR(?target), "NarrativeFigure")
                  || STRENDS(STR(?target), "NarrativePercentage") || STRENDS(STR(?target), "Paragraph"))
        }""")
    return {str(r[0]) for r in rows}  # type: ignore[index]


# -- unaltered: the same as the PDF --------------------------------------------------------------------

CASES = [f"{name}.{fmt}" for name in ("shanghai", "jiangsu") for fmt in FORMATS]


@pytest.mark.parametrize("key", CASES)
def test_unaltered_rendition_maps_the_same_observations(key: str, originals: dict[str, Processed],
                                                        processed: dict[str, Processed]) -> None:
    original, got = originals[key.split(".")[0]], processed[key]
    expected = observations(original)
    assert sum(expected.values()) == {"shanghai": 308, "jiangsu": 145}[key.split(".")[0]]
    assert observations(got) == expected
    # The workbook is the disclosure's tables file: no prose, so its part is …/document/tables, not /main.
    assert got.mapped.iri == (original.mapped.iri.removesuffix("/main") + "/tables" if key.endswith("xlsx")
                              else original.mapped.iri)


@pytest.mark.parametrize("key", [k for k in CASES if not k.endswith("xlsx")])
def test_unaltered_rendition_states_the_same_narrative(key: str, originals: dict[str, Processed],
                                                      processed: dict[str, Processed]) -> None:
    expected = statements(originals[key.split(".")[0]])
    # each states its 一般公共预算财政拨款基本支出 as one figure (决算 p.24 section 六; 省检察院 2018 p.28 section 八),
    # the 决算 its procurement total and 货物 / 工程 / 服务 (p.27) and eight figures as none (没有政府性基金预算财政拨款
    # 收入和支出, …: tests/test_nil_figures.py), 省检察院 2018 its procurement categories and 一般公共预算收入 (their
    # words broken by spaces) and two figures as none, and its "收、支预算总计各增加 3,958.67 万元" (p.23: the change of
    # both totals), and its "财政拨款收、支总预算 21,940.96万元。与上年相比，财政拨款收、支总计各增加
    # 3,958.98万元" (p.25: the 财政拨款支出 and its change)
    assert sum(expected.values()) == {"shanghai": 106, "jiangsu": 101}[key.split(".")[0]]
    assert statements(processed[key]) == expected


@pytest.mark.parametrize("key", CASES)
def test_unaltered_rendition_gives_the_same_findings(key: str, originals: dict[str, Processed],
                                                     processed: dict[str, Processed],
                                                     baselines: dict[str, Counter[FindingKey]]) -> None:
    original = originals[key.split(".")[0]]
    expected = comparable(original, csv_findings(original))
    got = comparable(processed[key], baselines[key])
    if key.endswith("xlsx"):  # a workbook holds no narrative: exactly the findings of the rules reading it go
        text = narrative_rules()
        narrative = Counter({k: n for k, n in expected.items() if k[0] in text})
        assert narrative and not any(k[0] in text for k in got)
        expected -= narrative
    assert got == expected


# -- altered: each alteration reported with its numbers, nothing else new ------------------------------


def _shown(cell: object) -> str:
    """A workbook cell as the sheet shows it (what the reader reads)."""
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, getattr(cell, "number_format", "General"))
    return "" if value is None else str(value).strip()


def edit_cell(fmt: str, base: Path, out: Path, table: int, label: tuple[int, str], column: int, new: str) -> None:
    """The rendition ``base`` with one cell rewritten: in the ``table``-th table (0-based, the order of the
    PDF), the body row whose cell ``label[0]`` shows ``label[1]``, cell ``column`` (0-based, the PDF's)."""
    at, key = label
    if fmt == "xlsx":
        book = openpyxl.load_workbook(base)
        sheet = book.worksheets[table + 1]  # after the cover sheet
        (row,) = [r for r in sheet.iter_rows() if len(r) > at and _shown(r[at]) == key]
        number = Decimal(new.replace(",", ""))
        row[column].value = int(number) if number == number.to_integral_value() and "." not in new else float(number)
        book.save(out)
    elif fmt == "docx":
        document = docx.Document(str(base))
        (row,) = [r for r in document.tables[table].rows if r.cells[at].text.strip() == key]
        row.cells[column].text = new
        document.save(str(out))
    else:
        root = lxml.html.fromstring(base.read_bytes())
        (tr,) = [tr for tr in list(root.iter("table"))[table].iter("tr")
                 if len(cells := tr.findall("td")) > at and cells[at].text_content().strip() == key]
        starts, at_column = {}, 0
        for td in tr.findall("td"):  # a cell merged across columns (合计 over code and name) takes their places
            starts[at_column] = td
            at_column += int(td.get("colspan", "1"))
        starts[column].text = new
        out.write_bytes(lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8"))


def edit_text(fmt: str, base: Path, out: Path, old: str, new: str) -> None:
    """The rendition ``base`` with a span of its narrative replaced (printed once in the whole document)."""
    if fmt == "docx":
        document = docx.Document(str(base))
        (paragraph,) = [p for p in document.paragraphs if old in p.text]
        paragraph.text = paragraph.text.replace(old, new)
        document.save(str(out))
    else:
        page = base.read_text(encoding="utf-8")
        assert page.count(old) == 1
        out.write_text(page.replace(old, new), encoding="utf-8")


def _body(doc: SourceDocument, table: int, label: tuple[int, str]) -> tuple[str, ...]:
    """The cells of the body row of the ``table``-th table whose cell ``label[0]`` reads ``label[1]``."""
    at, key = label
    (cells,) = [r.cells for r in doc.tables[table].rows if len(r.cells) > at and r.cells[at].strip() == key]
    return cells


def _amount(doc: SourceDocument, table: int, label: tuple[int, str], column: int) -> Decimal:
    return Decimal(_body(doc, table, label)[column].replace(",", "") or "0")


Alteration = Callable[[SourceDocument, Path, Path], tuple[list[Expected], list[Expected]]]
TEN = Decimal("10.00")

# Shanghai 决算: tables 2 收入决算表, 3 支出决算表, 5 一般公共预算财政拨款支出决算表, 7 三公 (F2, F3, F5, F7)
SH_EXPENDITURE, SH_GENERAL, SH_THREE = 3, 5, 7
GENERAL = "一般公共预算财政拨款支出决算表"


def _sh_item_cell(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """一般公共预算财政拨款支出决算表 行政单位离退休 (2080501) 基本支出 +10 in the workbook."""
    new = _amount(d, SH_GENERAL, (0, "2080501"), 3) + TEN
    edit_cell("xlsx", base, out, SH_GENERAL, (0, "2080501"), 3, f"{new}")
    total, project = _amount(d, SH_GENERAL, (0, "2080501"), 2), _amount(d, SH_GENERAL, (0, "2080501"), 4)
    parent, other = _amount(d, SH_GENERAL, (0, "20805"), 3), _amount(d, SH_EXPENDITURE, (0, "2080501"), 3)
    return [
        ("R07-expenditure-columns", "Violation", GENERAL, "5", "合计",
         {"value": total, "sum": new + project, "diff": total - new - project}),
        ("R08-functional-hierarchy", "Violation", GENERAL, "4", "基本支出",
         {"value": parent, "sum": parent + TEN, "diff": -TEN}),
        ("R28-expenditure-vs-general-budget", "Violation", GENERAL, "5", "基本支出",
         {"value": new, "other": other, "diff": new - other, "otherTable": "支出决算表"}),
    ], []


def _sh_total(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """支出决算表 合计 row, 本年支出合计 +10 on the web page."""
    new = _amount(d, SH_EXPENDITURE, (0, "合计"), 2) + TEN
    edit_cell("html", base, out, SH_EXPENDITURE, (0, "合计"), 2, f"{new}")
    old, basic, project = (_amount(d, SH_EXPENDITURE, (0, "合计"), c) for c in (2, 3, 4))
    summary = _amount(d, 1, (2, "本年支出合计"), 3)  # F1
    fiscal = _amount(d, 4, (2, "本年支出合计"), 3)  # F4
    opening, closing = _amount(d, 1, (0, "年初结转和结余"), 1), _amount(d, 1, (0, "年初结转和结余"), 3)
    where = ("支出决算表", "3", "本年支出合计")
    return [
        ("R07-expenditure-columns", "Violation", *where, {"value": new, "sum": basic + project, "diff": TEN}),
        ("R08-table-total", "Violation", *where, {"value": new, "sum": old, "diff": TEN}),
        ("R21-summary-expenditure", "Violation", "收入支出决算总表", "27", "支出 / 决算数",
         {"value": summary, "other": new, "diff": summary - new, "otherTable": "支出决算表"}),
        # F3 合计 − F4 支出 no longer equals 年初 − 年末结转和结余
        ("R74-carry-over-gap", "Info", *where, {"value": new, "fiscal": fiscal, "opening": opening, "closing": closing,
                                                "gap": new - fiscal, "carry": opening - closing, "diff": TEN}),
    ], []


def _sh_text(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 一般公共预算财政拨款支出 决算 9746.50 → +10 in the Word document."""
    edit_text("docx", base, out, "年初预算为 10210.34 万元，支出决算为 9746.50 万元",
              "年初预算为 10210.34 万元，支出决算为 9756.50 万元")
    # the 决算数 against F5's 合计 (9746.50, as the text stated it), and the stated completion rate (95.45%) no
    # longer follows from the figures
    computed = (Decimal("9756.50") / Decimal("10210.34") * 100).quantize(Decimal("0.01"))
    return [("R42-text-fiscal-expenditure", "Violation", "", "", "",
             {"value": Decimal("9756.5"), "tableValue": Decimal("9746.5"), "diff": TEN,
              "table": "一般公共预算财政拨款支出决算表"}),
            ("R72-completion-rate", "Info", "", "", "",
             {"value": Decimal("95.45"), "computed": computed, "diff": Decimal("95.45") - computed,
              "numerator": Decimal("9756.5"), "basePrinted": Decimal("10210.34")})], [
        # the rounding difference of the unaltered text (95.45 against 95.46) is now a real one
        ("R72-completion-rate", "Info", "", "", "", {"value": Decimal("95.45"), "computed": Decimal("95.46")})]


def _sh_three_public(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """三公 决算表 公务接待费 决算数 (last column) 0.39 → 0.50 in the workbook."""
    edit_cell("xlsx", base, out, SH_THREE, (0, "2.85"), 11, "0.50")
    total = _amount(d, SH_THREE, (0, "2.85"), 1)
    items = sum((_amount(d, SH_THREE, (0, "2.85"), c) for c in (3, 5)), Decimal("0.50"))  # 出国, 用车小计, 接待
    return [("R14-three-public-items", "Violation", "财政拨款“三公”经费支出决算表", "4", "合计 / 决算数",
             {"value": total, "sum": items, "diff": total - items})], []


# Jiangsu budget: 公开06表 财政拨款基本支出 (5), 公开07表 一般公共预算支出 (6), 公开09表 三公 (8)
JS_BASIC, JS_GENERAL, JS_THREE = 5, 6, 8
THREE_JS = "公开 09 表：一般公共预算“三公”经费、会议费、培训费 支出预算表"


def _js_item_cell(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """公开07表 行政运行 (2040401) +10 in the workbook."""
    new = _amount(d, JS_GENERAL, (0, "2040401"), 2) + TEN
    edit_cell("xlsx", base, out, JS_GENERAL, (0, "2040401"), 2, f"{new:,}")
    parent = _amount(d, JS_GENERAL, (0, "20404"), 2)
    return [("R08-functional-hierarchy", "Violation", "公开 07 表：一般公共预算支出预算表", "4", "金额",
             {"value": parent, "sum": parent + TEN, "diff": -TEN}),
            # 一般公共预算 ≤ 财政拨款 row by row (= here: no fund money): 公开05表 prints the row as it was
            ("R27-fiscal-vs-general-budget", "Violation", "公开 07 表：一般公共预算支出预算表", "5", "金额",
             {"value": new, "other": new - TEN, "diff": TEN, "otherTable": "公开 05 表：财政拨款支出预算表"})], []


def _js_total(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """公开06表 合 计 +10 in the Word document."""
    new = _amount(d, JS_BASIC, (0, "合 计"), 2) + TEN
    edit_cell("docx", base, out, JS_BASIC, (0, "合 计"), 2, f"{new:,}")
    return [("R08-table-total", "Violation", "公开 06 表：财政拨款基本支出预算表", "2", "金额",
             {"value": new, "sum": new - TEN, "diff": TEN}),
            # = 公开04表's 基本支出 line, and = 公开08表 一般公共预算基本支出 (no fund money): both print it as it was
            ("R29-fiscal-basic-expenditure", "Violation", "公开 06 表：财政拨款基本支出预算表", "2", "金额",
             {"value": new, "other": new - TEN, "diff": TEN, "otherTable": "公开 04 表：财政拨款收支预算总表"}),
            ("R27-fiscal-basic-vs-general-basic", "Violation", "公开 08 表：一般公共预算基本支出预算表", "2", "金额",
             {"value": new - TEN, "other": new, "diff": -TEN, "otherTable": "公开 06 表：财政拨款基本支出预算表"})], []


def _js_text(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 公务接待费预算支出 116.5 → 126.5 on the web page."""
    edit_text("html", base, out, "3．公务接待费预算支出 116.5 万元", "3．公务接待费预算支出 126.5 万元")
    table = _amount(d, JS_THREE, (0, "1,384.74"), 6)
    new = Decimal("126.5")
    return [  # against the table, and against the same 公务接待费 stated in the text's first 三公 sentence
        ("R43-text-three-public", "Violation", "", "", "",
         {"value": new, "tableValue": table, "diff": new - table, "indicator": "official-reception"}),
        ("R52-repeated", "Violation", "", "", "",
         {"value": new, "other": Decimal("116.5"), "diff": TEN, "indicator": "official-reception"}),
    ], []


def _js_three_public(d: SourceDocument, base: Path, out: Path) -> tuple[list[Expected], list[Expected]]:
    """公开09表 公务接待费 116.50 → 126.50 in the Word document."""
    edit_cell("docx", base, out, JS_THREE, (0, "1,384.74"), 6, "126.50")
    subtotal = _amount(d, JS_THREE, (0, "1,384.74"), 1)
    items = _amount(d, JS_THREE, (0, "1,384.74"), 2) + _amount(d, JS_THREE, (0, "1,384.74"), 3) + Decimal("126.50")
    stated = Decimal("116.5")  # twice in the text: both now disagree with the table
    return [
        ("R14-three-public-items", "Violation", THREE_JS, "4", "“三公”经费 / 小计",
         {"value": subtotal, "sum": items, "diff": subtotal - items}),
    ] + [
        ("R43-text-three-public", "Violation", "", "", "",
         {"value": stated, "tableValue": Decimal("126.50"), "diff": -TEN, "span": span})
        for span in ("公务接待费支出 116.5万元", "公务接待费预算支出 116.5 万元")
    ], []


@pytest.mark.parametrize(("key", "alteration"), [
    ("shanghai.xlsx", _sh_item_cell),
    ("shanghai.html", _sh_total),
    ("shanghai.docx", _sh_text),
    ("shanghai.xlsx", _sh_three_public),
    ("jiangsu.xlsx", _js_item_cell),
    ("jiangsu.docx", _js_total),
    ("jiangsu.html", _js_text),
    ("jiangsu.docx", _js_three_public),
], ids=lambda a: a if isinstance(a, str) else a.__name__.strip("_"))
def test_alteration_is_reported_with_its_numbers(key: str, alteration: Alteration, originals: dict[str, Processed],
                                                 renditions: dict[str, Path],
                                                 baselines: dict[str, Counter[FindingKey]], tmp_path: Path) -> None:
    baseline = baselines[key]
    out = tmp_path / f"altered{renditions[key].suffix}"
    added, removed = alteration(originals[key.split(".")[0]].doc, renditions[key], out)
    got = validate_csv(out)
    for found, expected in ((got - baseline, added), (baseline - got, removed)):
        keys = sorted(found.elements())
        assert len(keys) == len(expected), "\n".join(map(str, keys))
        for e in expected:
            assert [k for k in keys if _matches(k, e)], (e, keys)
