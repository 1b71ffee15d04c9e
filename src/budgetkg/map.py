"""Map recognised tables onto the budgetkg ontology (RDF Data Cube + CSVW layout).

Every amount cell becomes one ``qb:Observation``; every printed row and text cell is kept as
layout (``csvw:Row``, ``bkg:TextCell``) so each table can be rebuilt from the graph alone.
Whatever cannot be mapped is kept as text and reported as an :class:`~budgetkg.model.Issue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox
import rdflib

from budgetkg import targets, uris
from budgetkg.config import ONTOLOGY_DIR, base_iri
from budgetkg.identity import Identity, region_chain, wikidata_admin_code
from budgetkg.model import Issue, Paragraph, Row, SourceDocument, paragraph_keys
from budgetkg.recognise import Column, ItemSpec, RecognisedTable, squash
from budgetkg.units import unit_triples

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
CSVW = "http://www.w3.org/ns/csvw#"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_UNIT_WORDS = {"万元": "wan-yuan", "元": "yuan", "千元": "qian-yuan", "亿元": "yi-yuan"}
_UNIT_IN_TEXT = re.compile(r"单位[:：]\s*(万元|千元|亿元|元)")
_QUANTITY_UNITS = {"平方米": "square-metre", "台、辆": "vehicle-count", "台/辆": "vehicle-count", "辆": "vehicle-count"}
FACTOR_TO_YUAN = {"wan-yuan": Decimal(10000), "yuan": Decimal(1), "qian-yuan": Decimal(1000), "yi-yuan": Decimal(10**8)}


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def S(text: str) -> ox.Literal:
    return ox.Literal(text)


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value).lower() if isinstance(value, bool) else str(value), datatype=N(XSD + datatype))


def normalise_label(text: str) -> str:
    """A row label without spacing, numbering (一、 1、 （一）) or a leading 其中：."""
    text = squash(text)
    text = re.sub(r"^其中[:：]", "", text)
    return _NUMBERING.sub("", text)


def parse_amount(text: str) -> tuple[Decimal, int] | None:
    """The printed amount as an exact decimal and its number of decimals; None if not a number."""
    text = text.strip().replace("，", ",")
    hit = _AMOUNT.match(text)
    if not hit:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits valid decimals
        return None
    return value, len(hit.group(1) or "")


def plain(value: Decimal) -> str:
    """Decimal in positional notation (xsd:decimal has no exponent)."""
    return format(value, "f")


@lru_cache(maxsize=4)
def _codelists(base: str) -> rdflib.Graph:
    """``ontology/codelists.ttl``, parsed once per base IRI."""
    return rdflib.Graph().parse(ONTOLOGY_DIR / "codelists.ttl", format="turtle", publicID=base)


@lru_cache(maxsize=4)
def functional_class_names(base: str) -> dict[str, str]:
    """类-level functional classification names → codes, from ``ontology/codelists.ttl``."""
    graph = _codelists(base)
    scheme = rdflib.URIRef(base + "code/functional")
    names: dict[str, str] = {}
    for concept in graph.subjects(rdflib.URIRef(SKOS + "inScheme"), scheme):
        notation = graph.value(concept, rdflib.URIRef(SKOS + "notation"))
        if notation is None or len(str(notation)) != 3:
            continue
        labels = [*graph.objects(concept, rdflib.URIRef(SKOS + "prefLabel")),
                  *graph.objects(concept, rdflib.URIRef(SKOS + "altLabel"))]  # former names (医疗卫生与计划生育支出)
        for label in labels:
            if isinstance(label, rdflib.Literal) and (label.language or "").startswith("zh"):
                names[squash(str(label))] = str(notation)
    return names


def functional_class(label: str) -> str | None:
    """The 类 code a normalised row label names. A label cut short by a narrow printed cell
    (八、社会保障和就 for 社会保障和就业支出) names the one class whose name it begins, if it is
    long enough (4+ characters) to name only one."""
    names = functional_class_names(base_iri())
    if label in names:
        return names[label]
    if len(label) < 4:
        return None
    starts = {code for name, code in names.items() if name.startswith(label)}
    return starts.pop() if len(starts) == 1 else None


@lru_cache(maxsize=4)
def seed_concepts(base: str) -> frozenset[str]:
    """IRIs of the concepts ``ontology/codelists.ttl`` already defines (not minted again)."""
    graph = _codelists(base)
    return frozenset(str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(SKOS + "Concept")))


#: Prose below this many characters is only the titles and page furniture of a tables-only file.
_NARRATIVE_MIN_CHARS = 400


def document_part(doc: SourceDocument) -> str:
    """Which part of its disclosure a file is: ``main`` (narrative and tables), ``tables`` (the
    tables only: a separate 公开表 file) or ``narrative`` (no table). The narrative and the tables
    of one disclosure published as two files are two documents of the same disclosure."""
    prose = sum(len(squash(p.text)) for p in doc.paragraphs)
    if not doc.tables:
        return "narrative"
    return "main" if prose >= _NARRATIVE_MIN_CHARS else "tables"


@dataclass
class TableStats:
    """What was mapped from one table, for the build report."""

    title: str
    kind: str | None
    line: int
    observations: int = 0
    rows: int = 0
    empty: bool = False


@dataclass
class MappedDocument:
    """The triples of one document's graph and everything reported on the way."""

    iri: str
    triples: list[ox.Triple]  # the document's own graph
    shared: list[ox.Triple]  # code concepts, department, region, disclosure: see uris.shared_graph()
    tables: list[TableStats]
    issues: list[Issue] = field(default_factory=list)

    sha256: str = ""

    @property
    def observations(self) -> int:
        return sum(t.observations for t in self.tables)


class _ItemMatcher:
    """Matches row labels to line items in template order (see mappings/README.md)."""

    def __init__(self, specs: tuple[ItemSpec, ...]) -> None:
        self.specs = specs
        self.cursor = 0
        self.used: set[int] = set()

    def match(self, label: str) -> tuple[str, str] | None:
        """(scheme, notation) of the label's concept, or None. A label printed over several
        columns (a category and its sub-item: 一般公共预算资金 | 小计) comes joined by "/"."""
        text = "/".join(part for p in label.split("/") if (part := normalise_label(p)))
        if not text:
            return None
        order = list(range(self.cursor, len(self.specs))) + list(range(self.cursor))
        for i in order:
            spec = self.specs[i]
            if spec.functional_class:
                code = functional_class(text)
                if code:
                    return ("functional", code)
                continue
            if spec.match is not None and spec.match.fullmatch(text) and (i >= self.cursor or i not in self.used):
                self.cursor, _ = i + 1, self.used.add(i)
                return ("line-item", spec.item or "")
        return None


def _code_blocks(table: RecognisedTable) -> dict[int, int]:
    """Column index -> block number: a table printing side-by-side blocks of code | name |
    amounts (the Shanghai 决算 基本支出表: 301, 303 left of 302, 310) classifies each block's
    amounts by its own code; a code column after an amount column starts a new block."""
    blocks: dict[int, int] = {}
    block, amounts, previous = 0, False, None
    for col in table.columns:
        role = col.spec.role if col.spec else None
        if role == "code" and previous != "code" and amounts:
            block, amounts = block + 1, False
        amounts = amounts or role == "amount"
        previous = role
        blocks[col.index] = block
    return blocks


class _DocumentMapper:
    def __init__(self, doc: SourceDocument, ident: Identity) -> None:
        self.doc = doc
        self.ident = ident
        self.v = uris.vocab()
        disclosure = uris.disclosure(ident.region_code, ident.department_key, ident.year, ident.phase)
        self.disclosure = disclosure
        self.iri = uris.document(disclosure, document_part(doc))
        self.dept = uris.department(ident.region_code, ident.department_key)
        self.year = uris.fiscal_year(ident.year)
        self.phase = uris.PHASES[ident.phase]
        self.triples: list[ox.Triple] = []
        self.shared: list[ox.Triple] = []
        self.seeded = seed_concepts(base_iri())
        self.issues: list[Issue] = []
        self.concepts_done: set[str] = set()
        self.datasets_used: set[str] = set()
        self.minted: set[str] = set()
        #: the shared triples of performance-target category concepts written so far (each once per document)
        self.target_concepts: set[tuple[str, str, str]] = set()
        self.spanned: dict[tuple[int, int], str] = {}
        self.table_iris: dict[int, str] = {}  # id(table) -> its data set IRI (provenance of unit listings)
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}

    # -- helpers -------------------------------------------------------------------------

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str, *, shared: bool = False) -> None:
        triple = ox.Triple(N(s), N(p), N(o) if isinstance(o, str) else o)
        (self.shared if shared else self.triples).append(triple)

    def bkg(self, term: str) -> str:
        return self.v + term

    def issue(self, code: str, message: str, table: str = "", row: str = "", column: str = "") -> None:
        self.issues.append(Issue("warning", code, message, self.doc.file_name, table, row, column))

    def code_concept(self, scheme: str, code: str, label: str | None) -> str:
        """Mint (once) the triples of a classification code concept; return its IRI."""
        iri = uris.concept(scheme, code)
        if label and label.strip():
            # a name wrapped over several lines of a narrow cell is one name: line breaks removed
            name = re.sub(r"\s*\n\s*", "", label.strip())
            self.add(iri, RDFS + "label", zh(name), shared=True)
            # the name with the years and documents that print it (names change between years)
            printed = uris.printed_name(iri, name)
            for p, o in ((RDF + "type", self.bkg("PrintedName")), (RDF + "value", zh(name)),
                         (self.bkg("printedInYear"), self.year), (self.bkg("printedIn"), self.iri)):
                self.add(printed, p, o, shared=True)
            self.add(iri, self.bkg("printedName"), printed, shared=True)
        if iri in self.concepts_done or iri in self.seeded:
            return iri
        self.concepts_done.add(iri)
        self.add(iri, RDF + "type", SKOS + "Concept", shared=True)
        self.add(iri, SKOS + "notation", S(code), shared=True)
        self.add(iri, SKOS + "inScheme", uris.scheme(scheme), shared=True)
        self.add(iri, SKOS + "inScheme", uris.scheme("classification"), shared=True)
        level = {3: "lei", 5: "kuan", 7: "xiang"}.get(len(code))
        if level:
            self.add(iri, self.bkg("level"), uris.concept("level", level), shared=True)
        parent = {5: code[:3], 7: code[:5]}.get(len(code))
        if parent:
            self.add(iri, SKOS + "broader", self.code_concept(scheme, parent, None), shared=True)
        return iri

    # -- document ------------------------------------------------------------------------

    def map_document(self, tables: list[RecognisedTable]) -> MappedDocument:
        d, ident, doc = self.iri, self.ident, self.doc
        title = next((p.text for p in doc.paragraphs
                      if ident.department_name in p.text and str(ident.year) in p.text
                      and not re.match(r"^第\S+部分", p.text)), doc.file_name)
        self.add(d, RDF + "type", self.bkg("SourceDocument"))
        self.add(d, RDF + "type", PROV + "Entity")
        self.add(d, DCT + "title", zh(title))
        self.add(d, self.bkg("fileName"), S(doc.file_name))
        self.add(d, self.bkg("sha256"), S(doc.sha256))
        self.add(d, self.bkg("byteSize"), typed(doc.byte_size, "integer"))
        self.add(d, DCT + "format", S(doc.media_type))
        self.add(d, self.bkg("reader"), S(doc.reader))
        self.add(d, self.bkg("encoding"), S(doc.encoding))
        self.add(d, DCT + "isPartOf", self.disclosure)
        self.add(d, DCT + "publisher", self.dept)
        phase_zh = "决算" if ident.phase == "final" else "预算"
        for p, o in ((RDF + "type", self.bkg("Disclosure")),
                     (DCT + "title", zh(f"{ident.department_label}{ident.year}年部门{phase_zh}")),
                     (self.bkg("department"), self.dept), (self.bkg("fiscalYear"), self.year),
                     (self.bkg("budgetPhase"), self.phase)):
            self.add(self.disclosure, p, o, shared=True)
        region = uris.region(ident.region_code)
        for p, o in ((RDF + "type", ORG + "Organization"), (SKOS + "prefLabel", zh(ident.department_label)),
                     (self.bkg("region"), region)):
            self.add(self.dept, p, o, shared=True)
        if ident.department_name != ident.department_label:  # a name printed in another form
            self.add(self.dept, SKOS + "altLabel", zh(ident.department_name), shared=True)
        if ident.department_code:
            self.add(self.dept, SKOS + "notation", S(ident.department_code), shared=True)
        chain = [(c, n) for c, n in region_chain(ident.department_name) if c != ident.region_code]
        chain.append((ident.region_code, ident.region_name))
        parent = None
        for code, name in chain:  # the region and the divisions above it (province, prefecture)
            iri = uris.region(code)
            for p, o in ((RDF + "type", self.bkg("Region")), (SKOS + "notation", S(code)), (RDFS + "label", zh(name)),
                         (self.bkg("adminCode"), S(code)),
                         (self.bkg("wikidataAdminCode"), S(wikidata_admin_code(code)))):
                self.add(iri, p, o, shared=True)
            if parent:
                self.add(iri, DCT + "isPartOf", parent, shared=True)
            parent = iri
        for p, key in zip(doc.paragraphs, paragraph_keys(doc.paragraphs), strict=True):
            self.map_paragraph(p, key)
        stats = [self.map_table(t) for t in tables]
        for t in tables:
            self.issues.extend(t.issues)
        # the units (单位) the department's budget covers, and the parent of a 单位预算 (units.py)
        own, shared, issues = unit_triples(doc, tables, self.table_iris, ident, self.iri, self.disclosure, self.dept)
        self.triples += own
        self.shared += shared
        self.issues += issues
        return MappedDocument(self.iri, self.triples, self.shared, stats, self.issues, doc.sha256)

    def map_paragraph(self, p: Paragraph, key: str) -> None:
        iri = uris.paragraph(self.iri, key)
        self.add(iri, RDF + "type", self.bkg("Paragraph"))
        self.add(iri, RDF + "value", zh(p.text))
        self.add(iri, self.bkg("sourceLine"), typed(p.line, "integer"))
        self.add(iri, DCT + "isPartOf", self.iri)
        if p.heading:
            self.add(iri, self.bkg("isHeading"), typed(True, "boolean"))

    # -- tables --------------------------------------------------------------------------

    def dataset_iri(self, table: RecognisedTable) -> str:
        if table.mapping:
            iri = uris.dataset(self.iri, table.mapping.kind, table.qualifier)
        else:
            iri = uris.dataset(self.iri, "unrecognised", squash(table.raw.title) or f"line-{table.raw.line}")
        base, n = iri, 1
        while iri in self.datasets_used:
            n += 1
            iri = f"{base}~{n}"
        if n > 1:
            self.issue("duplicate-table", f"a second table of the same kind; minted {iri}", table.raw.title)
        self.datasets_used.add(iri)
        return iri

    def table_unit(self, table: RecognisedTable) -> str | None:
        for cell in table.meta_cells:
            if hit := _UNIT_IN_TEXT.search(squash(cell)):
                return _UNIT_WORDS[hit.group(1)]
        return None

    def map_table(self, table: RecognisedTable) -> TableStats:
        raw, mapping = table.raw, table.mapping
        ds = self.dataset_iri(table)
        self.table_iris[id(table)] = ds
        stats = TableStats(raw.title, table.kind, raw.line, empty=table.is_empty)
        cube = bool(mapping and mapping.cube)
        self.add(ds, RDF + "type", CSVW + "Table")
        if cube and mapping:
            self.add(ds, RDF + "type", QB + "DataSet")
            self.add(ds, QB + "structure", self.bkg(f"dsd-{mapping.kind}"))
        if mapping:
            self.add(ds, self.bkg("tableKind"), uris.concept("table-kind", mapping.kind))
        self.add(ds, DCT + "title", zh(raw.title))
        self.add(ds, PROV + "wasDerivedFrom", self.iri)
        self.add(ds, self.bkg("sourceLine"), typed(raw.line, "integer"))
        self.add(ds, self.bkg("isEmpty"), typed(table.is_empty, "boolean"))
        self.add(ds, self.bkg("headerRowCount"), typed(len(table.header_rows), "integer"))
        self.add(ds, self.bkg("department"), self.dept)
        self.add(ds, self.bkg("fiscalYear"), self.year)
        self.add(ds, self.bkg("budgetPhase"), self.phase)
        for note in raw.notes:
            self.add(ds, self.bkg("note"), zh(note))
        for cell in table.meta_cells:
            self.add(ds, self.bkg("metaText"), zh(cell))
        unit = self.table_unit(table)
        if unit:
            self.add(ds, SDMX_ATTR + "unitMeasure", uris.concept("unit", unit))
        matchers = {g: _ItemMatcher(specs) for g, specs in (mapping.items if mapping else {}).items()}
        # a merged label cell labels every row and column it spans: (id(row), column) -> its text
        self.spanned = {(id(raw.rows[rr]), cc): raw.rows[r].cells[c]
                        for r, c, rs, cs in raw.merges if r < len(raw.rows) and c < len(raw.rows[r].cells)
                        for rr in range(r, min(r + rs, len(raw.rows))) for cc in range(c, c + cs)
                        if (rr, cc) != (r, c)}
        # (id(row), column) of a merged area's top-left cell -> (row span, column span), kept in the graph
        # so the page can print the table with its merged headers
        self.spans = {(id(raw.rows[r]), c): (rs, cs) for r, c, rs, cs in raw.merges
                      if r < len(raw.rows) and (rs > 1 or cs > 1)}
        for rownum, row in enumerate(table.header_rows + table.body_rows, start=1):
            is_header = rownum <= len(table.header_rows)
            row_iri = self.map_row(ds, row, rownum, is_header, table)
            if is_header:
                self.map_text_cells(row_iri, row, range(len(row.cells)))
                continue
            stats.rows += 1
            stats.observations += self.map_body_row(ds, row_iri, row, table, unit, matchers)
        return stats

    def map_row(self, ds: str, row: Row, rownum: int, is_header: bool, table: RecognisedTable) -> str:
        iri = uris.row(ds, rownum)
        self.add(iri, RDF + "type", CSVW + "Row")
        if is_header:
            self.add(iri, RDF + "type", self.bkg("HeaderRow"))
        self.add(ds, CSVW + "row", iri)
        self.add(iri, self.bkg("table"), ds)
        self.add(iri, CSVW + "rownum", typed(rownum, "integer"))
        self.add(iri, self.bkg("cellCount"), typed(len(row.cells), "integer"))
        self.add(iri, self.bkg("sourceLine"), typed(row.line, "integer"))
        serial = next((c for c, col in zip(row.cells, table.columns, strict=False)
                       if col.spec and col.spec.role == "serial"), "")
        if not is_header and serial.strip():
            self.add(iri, self.bkg("serialNumber"), S(serial.strip()))
        return iri

    def map_performance_target(self, ds: str, row_iri: str, row: Row, table: RecognisedTable) -> None:
        """A 绩效目标表 row as a structured bkg:PerformanceTarget (budgetkg.targets), beside its text cells."""
        columns = {c.spec.group: c.index - 1 for c in table.columns
                   if c.spec and c.spec.group in targets.GROUPS}
        if "value" not in columns or table.data_start is None:
            return  # no 指标值 column (a form without its heading row: reported by recognise)
        at = next(i for i, r in enumerate(table.body_rows) if r is row)
        if at < table.data_start:
            return  # a form's own fields (项目名称, 项目资金 …) and its in-body heading row: no target
        # earlier target rows only: an empty (merged) 一级 / 二级 cell repeats the one above it
        above = [r.cells for r in table.body_rows[table.data_start:at]]
        # the category concepts repeat on every row: mint each shared triple once per document
        minted = self.target_concepts
        read = False
        for s, p, o, shared in targets.target_triples(ds, row_iri, row.cells, columns, above, table.qualifier):
            read = True
            if shared and (s, p, str(o)) in minted:
                continue
            if shared:
                minted.add((s, p, str(o)))
            self.add(s, p, o, shared=shared)
        if not read and any(c.strip() for c in row.cells):
            # a printed row of the target block that is not a target (no 一级指标 above it, or neither
            # 三级指标 nor 指标值): kept as text cells, and said, rather than silently left out
            self.issue("unread-target-row", f"row {at + len(table.header_rows) + 1} of the performance-target "
                       f"table is not read as a target (no 一级指标, or no 三级指标 and 指标值): "
                       f"{' | '.join(c.strip() for c in row.cells if c.strip())}",
                       table.raw.title, f"line {row.line}")

    def map_text_cells(self, row_iri: str, row: Row, indexes: range | list[int]) -> None:
        for i in indexes:
            text = row.cells[i]
            if not text:
                continue
            cell = f"{row_iri}/cell/{i + 1}"
            self.add(cell, RDF + "type", self.bkg("TextCell"))
            self.add(cell, self.bkg("sourceRow"), row_iri)
            self.add(cell, self.bkg("cellIndex"), typed(i + 1, "integer"))
            self.add(cell, self.bkg("printedText"), S(text))
            row_span, column_span = self.spans.get((id(row), i), (1, 1))
            if row_span > 1:
                self.add(cell, self.bkg("rowSpan"), typed(row_span, "integer"))
            if column_span > 1:
                self.add(cell, self.bkg("columnSpan"), typed(column_span, "integer"))

    def row_classes(self, row: Row, table: RecognisedTable,
                    matchers: dict[str, _ItemMatcher]) -> tuple[dict[str | None, tuple[str, str] | None], str]:
        """The concept classifying each label group of the row (None: the code column)."""
        mapping = table.mapping
        assert mapping is not None
        cells: dict[str, str] = {}
        blocks = _code_blocks(table)
        for col in table.columns:
            if not (col.spec and col.index - 1 < len(row.cells) and col.spec.role in ("code", "name", "label")):
                continue
            key = col.spec.role if col.spec.group is None else f"label:{col.spec.group}"
            if col.spec.group is None and blocks[col.index]:
                key = f"{key}#{blocks[col.index]}"  # the code | name of a block printed beside the first
            own = row.cells[col.index - 1]
            text = own or self.spanned.get((id(row), col.index - 1), "")
            if col.spec.role == "code":  # a code printed over several columns (类 | 款 | 项): its parts joined
                part = squash(own)
                if cells.get(key, "").isdigit() and part.isdigit() and len(part) == 1:
                    part = "0" + part  # a 款/项 part is 2 digits: printed "2" under 301 is 30102
                cells[key] = cells.get(key, "") + part  # (a code cell merged over them: once)
            elif col.spec.role == "label" and key in cells:
                # a label printed over several columns (category | sub-item): its distinct parts
                # joined by "/" (a cell merged across them gives one part)
                previous = cells[key]
                if text.strip() and squash(text) != squash(previous.rsplit("/", 1)[-1]):
                    cells[key] = f"{previous}/{text}" if previous.strip() else text
            else:
                cells[key] = text
        classes: dict[str | None, tuple[str, str] | None] = {}
        described = ""
        if mapping.scheme:
            code, name = squash(cells.get("code", "")), squash(cells.get("name", ""))
            described = f"{code} {name}".strip()
            stub = any(c.spec and c.spec.role in ("code", "name", "label") for c in table.columns)
            if code.isdigit():
                classes[None] = (mapping.scheme, code)
            elif {code, name} - {""} in ({"合计"}, {"总计"}):
                # the total row: 合计 printed in the name or the code column (or merged over both)
                classes[None] = ("line-item", "table-total")
            elif not stub and len(table.body_rows) == 1:
                # a one-row table with no code or name column (Jiangsu 支出预算总表): its row is the total
                classes[None] = ("line-item", "table-total")
                described = "(the one row of a table without a code column)"
            else:
                classes[None] = None
            for b in sorted(set(blocks.values()) - {0}):
                code, name = squash(cells.get(f"code#{b}", "")), squash(cells.get(f"name#{b}", ""))
                classes[f"#{b}"] = (mapping.scheme, code) if code.isdigit() else None
                if code.isdigit():
                    self.code_concept(mapping.scheme, code, cells.get(f"name#{b}") or None)
                described = described or f"{code} {name}".strip()
            # a row printing a line item in the code | name columns (决算 基本支出表: 人员经费合计 |
            # 公用经费合计 under the two blocks) is matched against the mapping's "stub" items
            for key in [None, *(f"#{b}" for b in sorted(set(blocks.values()) - {0}))]:
                sfx = "" if key is None else key
                texts = {squash(cells.get(f"code{sfx}", "")), squash(cells.get(f"name{sfx}", ""))} - {""}
                if classes.get(key) is None and "stub" in matchers and len(texts) == 1:
                    classes[key] = matchers["stub"].match(texts.pop())
        for group, matcher in matchers.items():
            label = cells.get(f"label:{group}", "")
            classes[group] = matcher.match(label) if label.strip() else None
            described = described or label.strip()
        return classes, described

    def map_body_row(self, ds: str, row_iri: str, row: Row, table: RecognisedTable, unit: str | None,
                     matchers: dict[str, _ItemMatcher]) -> int:
        mapping = table.mapping
        cube = bool(mapping and mapping.cube)
        if not cube or mapping is None:
            self.map_text_cells(row_iri, row, range(len(row.cells)))
            if mapping is not None and mapping.kind == "performance-targets":
                self.map_performance_target(ds, row_iri, row, table)
            return 0
        classes, described = self.row_classes(row, table, matchers)
        if mapping.scheme and classes.get(None) and classes[None][0] == mapping.scheme:  # type: ignore[index]
            name = next((row.cells[c.index - 1] for c in table.columns
                         if c.spec and c.spec.role == "name" and c.index - 1 < len(row.cells)), None)
            self.code_concept(mapping.scheme, classes[None][1], name)  # type: ignore[index]
        text_cells: list[int] = []
        count = 0
        where = f"序号 {row.cells[0].strip()}" if row.cells and row.cells[0].strip() else f"line {row.line}"
        for i, text in enumerate(row.cells):
            col = table.columns[i] if i < len(table.columns) else None
            if not text:
                continue
            if not text.strip() or col is None or col.spec is None or col.spec.role != "amount":
                text_cells.append(i)
                continue
            parsed = parse_amount(text)
            block = _code_blocks(table)[col.index] if col.spec.group is None else 0
            cls = ("line-item", col.spec.item) if col.spec.item else classes.get(col.spec.group or
                                                                                  (f"#{block}" if block else None))
            if parsed is None or cls is None:
                reason = "not a number" if parsed is None else f"row label {described!r} matches no code or line item"
                self.issue("unmapped-cell", f"amount cell {text.strip()!r} not mapped: {reason}",
                           table.raw.title, where, col.heading)
                text_cells.append(i)
                continue
            if cls[0] == "functional" and cls[1] not in self.concepts_done:
                self.code_concept("functional", cls[1], None)
            cell_unit = self.cell_unit(col, row, table, unit)
            if cell_unit is None:
                self.issue("no-unit", f"no unit printed for amount {text.strip()!r}",
                           table.raw.title, where, col.heading)
                text_cells.append(i)
                continue
            self.map_observation(ds, row_iri, i, col, cls, parsed, text, cell_unit, table.raw.title, where)
            count += 1
        self.map_text_cells(row_iri, row, text_cells)
        return count

    def cell_unit(self, col: Column, row: Row, table: RecognisedTable, table_unit: str | None) -> str | None:
        assert col.spec is not None
        if col.spec.unit == "row-label":
            label = next((row.cells[c.index - 1] for c in table.columns
                          if c.spec and c.spec.role == "label" and c.index - 1 < len(row.cells)), "")
            hit = re.search(r"[（(]([^）)]+)[)）]", label)
            return _QUANTITY_UNITS.get(hit.group(1)) if hit else None
        if hit := _UNIT_IN_TEXT.search("".join(col.path)):
            return _UNIT_WORDS[hit.group(1)]
        return table_unit

    def map_observation(self, ds: str, row_iri: str, i: int, col: Column, cls: tuple[str, str],
                        parsed: tuple[Decimal, int], text: str, unit: str, title: str, where: str) -> None:
        assert col.spec is not None and col.spec.breakdown
        value, decimals = parsed
        phase = uris.OBEU_PHASE + col.spec.phase if col.spec.phase else self.phase
        column_key = col.spec.breakdown if phase == self.phase else f"{col.spec.breakdown}-{col.spec.phase}"
        obs = uris.observation(ds, f"{cls[0]}-{cls[1]}", column_key)
        if obs in self.minted:
            self.issue("duplicate-cell", f"a second cell for {cls[1]} / {col.spec.breakdown}",
                       title, where, col.heading)
            obs = f"{obs}~{row_iri.rsplit('/', 1)[-1]}"
        self.minted.add(obs)
        self.add(obs, RDF + "type", QB + "Observation")
        self.add(obs, QB + "dataSet", ds)
        self.add(obs, self.bkg("department"), self.dept)
        self.add(obs, self.bkg("fiscalYear"), self.year)
        self.add(obs, self.bkg("budgetPhase"), phase)
        self.add(obs, self.bkg("classification"), uris.concept(cls[0], cls[1]))
        self.add(obs, self.bkg("breakdown"), uris.concept("breakdown", col.spec.breakdown))
        self.add(obs, self.bkg("amount"), typed(plain(value), "decimal"))
        self.add(obs, SDMX_ATTR + "unitMeasure", uris.concept("unit", unit))
        if unit in FACTOR_TO_YUAN:
            self.add(obs, self.bkg("amountInYuan"), typed(plain((value * FACTOR_TO_YUAN[unit]).normalize()), "decimal"))
        self.add(obs, self.bkg("printedValue"), S(text))
        self.add(obs, self.bkg("decimals"), typed(decimals, "integer"))
        self.add(obs, self.bkg("sourceRow"), row_iri)
        self.add(obs, self.bkg("cellIndex"), typed(i + 1, "integer"))
        if col.number is not None:
            self.add(obs, self.bkg("columnNumber"), typed(col.number, "integer"))
        self.add(obs, self.bkg("columnHeading"), S(col.heading))


def map_document(doc: SourceDocument, tables: list[RecognisedTable], ident: Identity) -> MappedDocument:
    """Map a read and recognised document to the triples of its named graph."""
    mapped = _DocumentMapper(doc, ident).map_document(tables)
    mapped.issues[:0] = ident.issues
    return mapped
