"""Recognise which template table a printed table is, and what each of its columns means.

Recognition is by meaning, driven by the declarative files in ``mappings/``: the title (whitespace
removed) names the table kind; each column's header path (multi-row merged headers resolved)
names its role. Rows of the header block (department line, 预算年度, 单位) become metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from budgetkg.config import MAPPINGS_DIR
from budgetkg.model import Issue, RawTable, Row

_SPACES = re.compile(r"[\s\u3000]+")
#: Cells of the block printed between a title and the column headers.
_META_CELL = re.compile(r"^\d{3,}(?!\d|年)\D|预算年度|^(金额)?单位[:：]|截止(时间|日期)|编制(部门|单位)"
                        r"|^(预算主管|预算)?(部门|单位)(名称)?[:：]")
#: Column headers that label rows (stub columns) rather than hold figures.
_STUB_HEADINGS = {"科目编码", "科目名称", "项目", "项目名称", "单位名称", "序号"}
#: A printed figure (thousands separators or decimals): never a header cell.
_FIGURE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)$")


def squash(text: str) -> str:
    """Remove all whitespace (ASCII and ideographic): printed titles and headers space freely."""
    return _SPACES.sub("", text)


@dataclass(frozen=True)
class ColumnSpec:
    heading: re.Pattern[str]
    role: str  # serial | code | name | label | text | amount
    breakdown: str | None = None
    group: str | None = None
    unit: str | None = None
    item: str | None = None  # a column that is itself a line item (one-row tables: 三公 by column)
    #: the budget phase of the column's figures when it is not the document's: a 决算 table printing
    #: 年初预算数 beside 决算数 (三公) gives its 预算数 cells phase "approved"
    phase: str | None = None  # "approved" | "executed"


@dataclass(frozen=True)
class ItemSpec:
    match: re.Pattern[str] | None
    item: str | None
    functional_class: bool = False


@dataclass(frozen=True)
class Mapping:
    """One ``mappings/*.yaml`` file."""

    kind: str
    label: str
    cube: bool
    titles: tuple[re.Pattern[str], ...]
    title_excludes: tuple[re.Pattern[str], ...]
    columns: tuple[ColumnSpec, ...]
    items: dict[str, tuple[ItemSpec, ...]]
    scheme: str | None = None
    header_rows: int | None = None
    lead_rows: int = 0
    qualifier: re.Pattern[str] | None = None
    #: for per-project forms whose title does not name the project (Shanghai 财政项目支出绩效目标填报表):
    #: the text of the cell printed right of the cell with this text (项目名称) names the instance
    qualifier_cell: str | None = None
    #: for forms printing their column headings inside the body, under the form's own fields (Shanghai
    #: 填报表: 一级指标 | 二级指标 | 三级指标 | 年度(/项目)指标值 below 项目名称 …): the body row with a cell
    #: matching this prints the headings ``columns`` are matched against; the rows under it are the data
    heading_row: re.Pattern[str] | None = None
    source: str = ""


def _load_mapping(path: Path) -> Mapping:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = tuple(
        ColumnSpec(re.compile(c["heading"]), c["role"], c.get("breakdown"), c.get("group"), c.get("unit"),
                   c.get("item"), c.get("phase"))
        for c in doc["columns"]
    )
    items = {
        group: tuple(
            ItemSpec(re.compile(i["match"]) if "match" in i else None, i.get("item"), bool(i.get("functional_class")))
            for i in specs
        )
        for group, specs in (doc.get("items") or {}).items()
    }
    return Mapping(
        kind=doc["kind"],
        label=doc["label"],
        cube=bool(doc["cube"]),
        titles=tuple(re.compile(t) for t in doc["titles"]),
        title_excludes=tuple(re.compile(t) for t in doc.get("title_excludes", [])),
        columns=columns,
        items=items,
        scheme=doc.get("scheme"),
        header_rows=doc.get("header_rows"),
        lead_rows=int(doc.get("lead_rows", 0)),
        qualifier=re.compile(doc["qualifier"]) if doc.get("qualifier") else None,
        qualifier_cell=doc.get("qualifier_cell"),
        heading_row=re.compile(doc["heading_row"]) if doc.get("heading_row") else None,
        source=path.name,
    )


@lru_cache(maxsize=4)
def load_mappings(directory: Path = MAPPINGS_DIR) -> tuple[Mapping, ...]:
    """Every table mapping, sorted by kind."""
    return tuple(_load_mapping(p) for p in sorted(directory.glob("*.yaml")))


@dataclass
class Column:
    """A grid column: its header path as printed and what it means."""

    index: int  # 1-based cell position in a full-width row
    path: tuple[str, ...]
    number: int | None  # 栏次 as printed
    spec: ColumnSpec | None

    @property
    def heading(self) -> str:
        return " / ".join(self.path)


@dataclass
class RecognisedTable:
    """A table with its kind, metadata rows, header rows, body rows and column meanings."""

    raw: RawTable
    mapping: Mapping | None
    qualifier: str | None
    meta_rows: list[Row]
    header_rows: list[Row]
    body_rows: list[Row]
    columns: list[Column]
    issues: list[Issue] = field(default_factory=list)
    #: index into ``body_rows`` of the first row the column meanings apply to: 0 for a column-headed
    #: table; for a form (``Mapping.heading_row``) the row under its in-body heading row, None without one
    data_start: int | None = 0

    @property
    def kind(self) -> str | None:
        return self.mapping.kind if self.mapping else None

    @property
    def meta_cells(self) -> list[str]:
        return [c for r in self.meta_rows for c in r.cells if c.strip()]

    @property
    def is_empty(self) -> bool:
        return not any(c.strip() for r in self.body_rows for c in r.cells)


def match_kind(title: str, mappings: tuple[Mapping, ...]) -> Mapping | None:
    """The mapping whose title pattern matches; the longest matching pattern wins."""
    text = squash(title)
    best: tuple[int, Mapping] | None = None
    for m in mappings:
        if any(x.search(text) for x in m.title_excludes):
            continue
        for pattern in m.titles:
            hit = pattern.search(text)
            if hit and (best is None or len(hit.group(0)) > best[0]):
                best = (len(hit.group(0)), m)
    return best[1] if best else None


def _groups(lower: list[str]) -> list[list[int]]:
    """Column groups under an upper header row: an empty lower cell is a vertically merged
    column of its own; a run of filled cells sits under one horizontally merged upper cell."""
    groups: list[list[int]] = []
    run: list[int] = []
    for i, text in enumerate(lower):
        if text:
            run.append(i)
        else:
            if run:
                groups.append(run)
                run = []
            groups.append([i])
    if run:
        groups.append(run)
    return groups


def _split_runs(groups: list[list[int]], lower: list[str], how: str) -> list[list[int]]:
    """Split runs that really sit under several upper cells: side-by-side blocks repeat their
    first heading (项目 | 金额 | 项目 | 合计…); stub headings (科目编码, 科目名称) never share an
    upper cell with figure headings."""
    out: list[list[int]] = []
    for g in groups:
        if len(g) < 2 or not lower[g[0]]:
            out.append(g)
            continue
        current = [g[0]]
        for i in g[1:]:
            if how == "repeat":
                cut = lower[i] == lower[g[0]]
            else:
                cut = (lower[i] in _STUB_HEADINGS) != (lower[current[-1]] in _STUB_HEADINGS)
            if cut:
                out.append(current)
                current = []
            current.append(i)
        out.append(current)
    return out


def header_paths(header_rows: list[list[str]], width: int) -> tuple[list[tuple[str, ...]], bool]:
    """Resolve merged multi-row headers into one header path per column.

    Returns the paths and whether the merge was resolved unambiguously.
    """
    rows = [[squash(c) for c in r] + [""] * (width - len(r)) if len(r) < width else [squash(c) for c in r]
            for r in header_rows]
    if not rows:
        return [() for _ in range(width)], True
    full = [len(r) >= width for r in header_rows]
    paths: list[list[str]] = [[] for _ in range(width)]
    ok = True
    lower_index = max((i for i, f in enumerate(full) if f), default=len(rows) - 1)
    lower = rows[lower_index]
    for i in range(width):
        if lower[i]:
            paths[i].append(lower[i])
    for upper_index in range(lower_index - 1, -1, -1):
        upper = [squash(c) for c in header_rows[upper_index]]
        if full[upper_index]:
            for i in range(width):
                if upper[i] and (not paths[i] or paths[i][0] != upper[i]):
                    paths[i].insert(0, upper[i])
            continue
        groups = _groups(lower)
        for how in ("repeat", "stub"):
            if len(groups) == len(upper):
                break
            groups = _split_runs(groups, lower, how)
        if len(groups) != len(upper):
            ok = False
            break
        for text, group in zip(upper, groups, strict=True):
            for i in group:
                if text:
                    paths[i].insert(0, text)
        lower = [next((upper[k] for k, g in enumerate(groups) if i in g), "") or lower[i] for i in range(width)]
    return [tuple(p) for p in paths], ok


def merged_header_paths(header_rows: list[list[str]], width: int,
                        merges: list[tuple[int, int, int, int]]) -> list[tuple[str, ...]]:
    """Header paths when the reader knows the merged cells: a merged cell's text heads every
    column it spans, once, whatever the number of rows it spans."""
    grid = [[squash(c) for c in r] + [""] * (width - len(r)) for r in header_rows]
    for r, c, rs, cs in merges:
        text = grid[r][c] if r < len(grid) and c < width else ""
        for rr in range(r, min(r + rs, len(grid))):
            for cc in range(c, min(c + cs, width)):
                grid[rr][cc] = text
    paths: list[tuple[str, ...]] = []
    for i in range(width):
        path: list[str] = []
        for row in grid:
            if row[i] and (not path or path[-1] != row[i]):
                path.append(row[i])
        paths.append(tuple(path))
    return paths


def _split_table(raw: RawTable, mapping: Mapping | None) -> tuple[list[Row], list[Row], list[Row]]:
    """Split rows into metadata, header and body rows."""
    rows = list(raw.rows)
    meta: list[Row] = []
    while rows and any(_META_CELL.search(squash(c)) for c in rows[0].cells):
        meta.append(rows.pop(0))
    lead = mapping.lead_rows if mapping else 0
    meta.extend(rows[:lead])
    rows = rows[lead:]
    lanci = next((i for i, r in enumerate(rows) if r.cells and squash(r.cells[0]) == "栏次"), None)
    if lanci is not None:
        return meta, rows[: lanci + 1], rows[lanci + 1 :]
    count = mapping.header_rows if mapping and mapping.header_rows is not None else 1
    count = _merged_header_extent(raw, len(raw.rows) - len(rows), count)
    # a header never holds figures: a row printing one is data, however many header rows the mapping's usual
    # layout has (Jiangsu's 政府采购支出预算表 heads its columns in one row, the national one in two: its 合计
    # 3,096.24 became a heading). A 合计 / 总计 row is data with whole numbers too (tables in 元).
    data = next((i for i, r in enumerate(rows[1:count], 1) if _prints_figure(r)), None)
    if data is not None:
        count = data
    return meta, rows[:count], rows[count:]


def _prints_figure(row: Row) -> bool:
    """A row printing an amount: a decimal or thousands-grouped figure, or any number on a total line."""
    cells = [c.strip() for c in row.cells]
    if any(_FIGURE.match(c) for c in cells):
        return True
    return bool(cells) and squash(cells[0]) in ("合计", "总计") and any(re.fullmatch(r"-?\d+", c) for c in cells[1:])


def _merged_header_extent(raw: RawTable, first: int, count: int) -> int:
    """Header rows when the reader knows the merged cells: the header block reaches at least
    as far down as every merged cell that starts in it, and a cell merged across columns heads
    the row below it (its sub-headings)."""
    if not raw.merges:
        return count
    # a stub cell merged down the whole table, or a one-row table under a merged heading, reaches past the first
    # row printing a figure: _split_table ends the block there
    rows = len(raw.rows) - first
    while True:
        extent = count
        for r, _c, rs, cs in raw.merges:
            if first <= r < first + count:
                extent = max(extent, r - first + rs + (1 if cs > 1 else 0))
        extent = min(extent, rows)
        if extent == count:
            return count
        count = extent


def recognise(raw: RawTable, file: str, mappings: tuple[Mapping, ...] | None = None) -> RecognisedTable:
    """Recognise one table: its kind, its header structure and its columns' meanings."""
    mappings = mappings if mappings is not None else load_mappings()
    mapping = match_kind(raw.title, mappings)
    issues: list[Issue] = []
    if mapping is None:
        issues.append(Issue("warning", "unrecognised-table",
                            f"table not recognised as any template table: {raw.title!r}; kept as text",
                            file, raw.title, f"line {raw.line}"))
    meta, header, body = _split_table(raw, mapping)
    width = max((len(r.cells) for r in header + body), default=0)
    numbers: list[int | None] = [None] * width
    heading_rows = [list(r.cells) for r in header]
    if header and squash(header[-1].cells[0]) == "栏次":
        lanci = header[-1].cells
        numbers = [int(c) if c.strip().isdigit() else None for c in lanci] + [None] * (width - len(lanci))
        heading_rows = heading_rows[:-1]
    first_header = len(raw.rows) - len(header) - len(body)
    spans = [(r - first_header, c, rs, cs) for r, c, rs, cs in raw.merges
             if first_header <= r < first_header + len(heading_rows)]
    if spans:
        paths, resolved = merged_header_paths(heading_rows, width, spans), True
    else:
        paths, resolved = header_paths(heading_rows, width)
    if not resolved:
        issues.append(Issue("warning", "unresolved-header",
                            "merged header cells could not be aligned with the columns; using the lowest "
                            "header row only", file, raw.title, f"line {header[0].line if header else raw.line}"))
    columns: list[Column] = []
    for i in range(width):
        spec = None
        if mapping:
            joined = "/".join(paths[i])
            spec = next((c for c in mapping.columns if c.heading.search(joined)), None)
            if spec is None and joined:
                issues.append(Issue("warning", "unrecognised-column",
                                    f"column {joined!r} has no meaning in mapping {mapping.source}; its cells are "
                                    "kept as text", file, raw.title, column=joined))
        if spec is None and not paths[i] and columns and columns[-1].spec and columns[-1].spec.role == "label" \
                and not any(i < len(r.cells) and _FIGURE.match(r.cells[i].strip()) for r in body):
            # an unheaded column of text right of a label column: the label is printed over both
            # (category | sub-item, 一般公共预算资金 | 小计) under a heading whose rule is missing
            spec, paths[i] = columns[-1].spec, columns[-1].path
        columns.append(Column(i + 1, paths[i], numbers[i], spec))
    qualifier = None
    if mapping and mapping.qualifier:
        hit = mapping.qualifier.search(squash(raw.title))
        qualifier = hit.group(1) if hit else squash(raw.title)
    if mapping and mapping.qualifier_cell:
        qualifier = next((squash(nxt) for r in raw.rows for i, c in enumerate(r.cells)
                          if squash(c) == mapping.qualifier_cell
                          for nxt in r.cells[i + 1:] if nxt.strip()), None) or qualifier
    data_start: int | None = 0
    if mapping and mapping.heading_row:
        data_start = _body_heading_columns(mapping, body, columns)
        if data_start is None:
            issues.append(Issue("warning", "no-heading-row",
                                f"no row printing the headings ({mapping.heading_row.pattern}) of mapping "
                                f"{mapping.source}: its columns are kept as text only", file, raw.title,
                                f"line {raw.line}"))
    return RecognisedTable(raw, mapping, qualifier, meta, header, body, columns, issues, data_start)


def _body_heading_columns(mapping: Mapping, body: list[Row], columns: list[Column]) -> int | None:
    """Give ``columns`` the meanings of the headings a form prints in a body row (``Mapping.heading_row``);
    the index of the first row under that row, or None when no body row prints them."""
    assert mapping.heading_row is not None
    at = next((k for k, r in enumerate(body) if any(mapping.heading_row.search(squash(c)) for c in r.cells)), None)
    if at is None:
        return None
    cells = [squash(c) for c in body[at].cells]
    for k, col in enumerate(columns):
        text = cells[k] if k < len(cells) else ""
        spec = next((c for c in mapping.columns if c.heading.search(text)), None) if text else None
        columns[k] = Column(col.index, (text,) if text else col.path, col.number, spec or col.spec)
    return at + 1
