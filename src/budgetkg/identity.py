"""Who published a document, for which year and budget phase: read from the document itself.

Sources, in order of trust: the header block printed above each table (``612秦皇岛…``,
``编制部门：…``, ``部门：…``, ``预算年度：2023``), then the cover (first page of prose:
``预算主管部门：…``, or the name printed before ``2019年度部门预算``), then the table titles
(``2024年部门收入预算总表``), then the file name as a last resort. The region (GB/T 2260
administrative code) comes from the department's name through ``cpca``.

Departments that print no budget-unit code (Jiangsu, Shanghai) are keyed by their name:
:attr:`Identity.department_key` is the code when there is one, else the name normalised by
:func:`department_name_key`, so that the same department printed under its full and its short
name (中国共产党江苏省委员会办公厅 in 2017, 中共江苏省委办公厅 in 2018, 江苏省委办公厅 on the cover of
the narrative) gets one IRI across years and across the two files of one disclosure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from budgetkg.model import Issue
from budgetkg.recognise import RecognisedTable, squash

_DEPT_LINE = re.compile(r"^(\d{3,})(?![\d年])([\u4e00-\u9fff].*)$")  # code + a name (not "1018.00")
_YEAR = re.compile(r"预算年度[:：]\s*(\d{4})")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年(?:度)?\s*(?:区级|省级|市级)?(?:部门|单位)?(预算|决算)")
#: A header-block or cover cell naming the department: "编制部门：X", "部门：X", "预算单位：X".
_DEPT_LABEL = re.compile(r"^(?:编制|预算主管|主管|预算)?(?:部门|单位)(?:名称)?[:：](.*)$")
#: The cover's name line: "江苏省人民检察院2018年部门预算", "江苏省人民检察院年部门预算2017".
_COVER_NAME = re.compile(r"^(.+?)(?:20\d{2})?年度?(?:部门|单位)(?:预算|决算)")
_COVER_MAX = 8  # lines
_ANY_YEAR = re.compile(r"(20\d{2})\s*年")
_NOT_A_NAME = re.compile(r"^(万元|元|千元|亿元)$|^\d+$")


#: Standard abbreviations of party and people's-congress/CPPCC bodies, applied in this order.
_NAME_FORMS = (
    (re.compile(r"中国人民政治协商会议(.+?[省市县区])委员会"), r"\1政协"),  # …省委员会 of the CPPCC → …省政协
    (re.compile(r"人民代表大会常务委员会"), "人大常委会"),
    (re.compile(r"中国共产党"), "中共"),
    (re.compile(r"([省市县区])委员会"), r"\1委"),  # 中共江苏省委员会 → 中共江苏省委
    (re.compile(r"^中共(?=.+?[省市县区]委)"), ""),  # 中共江苏省委办公厅 → 江苏省委办公厅 (as on the covers)
)


def department_name_key(name: str) -> str:
    """The key of a department known only by its name: the name with spacing removed and the
    standard abbreviations applied (中国共产党 → 中共, 省委员会 → 省委, the 中共 before a region's
    committee dropped, 人民代表大会常务委员会 → 人大常委会, 中国人民政治协商会议X委员会 → X政协).
    The region prefix is kept: it is part of the name (江苏省委), and the region is in the IRI anyway."""
    key = squash(name)
    for pattern, replacement in _NAME_FORMS:
        key = pattern.sub(replacement, key)
    return key


@dataclass
class Identity:
    """The natural keys of a disclosure, with how each was found."""

    department_code: str  # "" when the document prints none
    department_name: str
    region_code: str
    region_name: str
    year: int
    phase: str  # "budget" (预算) | "final" (决算)
    issues: list[Issue] = field(default_factory=list)

    @property
    def department_key(self) -> str:
        """The department's natural key: its budget-unit code, else its normalised name."""
        return self.department_code or department_name_key(self.department_name)

    @property
    def department_label(self) -> str:
        """The department's preferred label: the name as printed when it has a code, else its
        normalised name (the same for every document of the department)."""
        return self.department_name if self.department_code else department_name_key(self.department_name)


@lru_cache(maxsize=256)
def region_of(name: str) -> tuple[str, str]:
    """(adcode, region name) of the most precise administrative division named in ``name``."""
    chain = region_chain(name)
    return chain[-1] if chain else ("", "")


@lru_cache(maxsize=256)
def region_chain(name: str) -> tuple[tuple[str, str], ...]:
    """The divisions named in ``name`` from the province down, each (GB/T 2260 code, full name):
    山海关区 → (130000 河北省), (130300 河北省秦皇岛市), (130303 河北省秦皇岛市山海关区). The codes of
    the levels above come from the code's structure (2 digits province, 4 digits prefecture)."""
    import cpca  # deferred: it loads its division table (pandas) on import

    row = cpca.transform([name]).iloc[0]
    code = row["adcode"]
    if not (isinstance(code, str) and code):
        return ()
    chain: list[tuple[str, str]] = []
    label = ""
    for key, level_code in (("省", code[:2] + "0000"), ("市", code[:4] + "00"), ("区", code)):
        part = row[key]
        if not isinstance(part, str) or part == "市辖区" or level_code in {c for c, _ in chain}:
            continue
        label += part
        chain.append((level_code, label))
    return tuple(chain)


def wikidata_admin_code(code: str) -> str:
    """A GB/T 2260 code as Wikidata's P442 writes it: two-digit groups separated by spaces,
    trailing 00 groups dropped (130303 → "13 03 03", 310100 → "31 01", 130000 → "13")."""
    groups = [code[i : i + 2] for i in range(0, len(code), 2)]
    while len(groups) > 1 and groups[-1] == "00":
        groups.pop()
    return " ".join(groups)


def _named(cells: list[str]) -> list[str]:
    """Department names in a header block: "部门：X", or "部门：" followed by the cell "X"."""
    names = []
    for i, cell in enumerate(cells):
        if hit := _DEPT_LABEL.match(squash(cell)):
            name = hit.group(1) or (squash(cells[i + 1]) if i + 1 < len(cells) else "")
            if name and re.search(r"[\u4e00-\u9fff]", name) and not _NOT_A_NAME.match(name) \
                    and not _DEPT_LABEL.match(name):
                names.append(name)
    return names


def cover_lines(paragraphs: list[str]) -> list[str]:
    """The cover: the prose before the table of contents (目录) or the first part heading."""
    cover = []
    for text in paragraphs[:_COVER_MAX]:
        if squash(text) == "目录" or re.match(r"^第[一二三四五六七八九十]+部分", squash(text)):
            break
        cover.append(text)
    return cover


def identify(tables: list[RecognisedTable], paragraphs: list[str], file_name: str) -> Identity:
    """Read the department, region, year and phase printed in the document."""
    issues: list[Issue] = []
    depts: Counter[tuple[str, str]] = Counter()
    years: Counter[int] = Counter()
    for table in tables:
        cells = table.meta_cells
        for cell in cells:
            text = squash(cell)
            if hit := _DEPT_LINE.match(text):
                depts[(hit.group(1), hit.group(2))] += 1
            if hit := _YEAR.search(text):
                years[int(hit.group(1))] += 1
        for name in _named(cells):
            depts[("", name)] += 1
    phase = "budget"
    title_years: Counter[int] = Counter()
    for text in paragraphs[:40]:
        if hit := _TITLE_YEAR.search(text):
            title_years[int(hit.group(1))] += 1
            phase = "final" if hit.group(2) == "决算" else "budget"
    cover = cover_lines(paragraphs)
    joined = squash("".join(cover))
    if not depts:
        for name in _named(cover):
            depts[("", name)] += 1
        if not depts and (hit := _COVER_NAME.match(joined)) and not re.fullmatch(r"[\d年度]*", hit.group(1)):
            depts[("", hit.group(1))] += 1
        if depts:
            issues.append(Issue("info", "department-from-cover",
                                f"department taken from the cover: {next(iter(depts))[1]}", file_name))
    if hit := _TITLE_YEAR.search(joined):
        title_years[int(hit.group(1))] += 1
        phase = "final" if hit.group(2) == "决算" else phase
    table_titles = [squash(t.raw.title) for t in tables if t.raw.title]
    if table_titles and sum("决算" in t for t in table_titles) > len(table_titles) / 2:
        phase = "final"
    if not depts:
        raise ValueError("no department printed: no budget-unit code + name, 编制部门 or 部门 line in any table "
                         "header, and no department on the cover")
    # a coded department line is preferred to a name-only one
    coded = Counter({k: v for k, v in depts.items() if k[0]})
    (code, name), _ = (coded or depts).most_common(1)[0]
    if len(depts) > 1:
        issues.append(Issue("warning", "inconsistent-department",
                            f"table headers name {len(depts)} departments: "
                            + "; ".join(f"{c}{n} ×{k}" for (c, n), k in depts.items()), file_name))
    table_years = Counter(int(h.group(1)) for t in table_titles if (h := _ANY_YEAR.search(t)))
    if years:
        year = years.most_common(1)[0][0]
        if len(years) > 1:
            issues.append(Issue("warning", "inconsistent-year",
                                f"table headers give several 预算年度: {dict(years)}", file_name))
    elif title_years:
        year = title_years.most_common(1)[0][0]
        issues.append(Issue("info", "year-from-title", f"预算年度 taken from the narrative title: {year}", file_name))
    elif table_years:
        year = table_years.most_common(1)[0][0]
        issues.append(Issue("info", "year-from-table-title", f"year taken from the table titles: {year}", file_name))
    elif hit := re.search(r"(20\d{2})", joined) or re.search(r"(20\d{2})", file_name):
        year = int(hit.group(1))
        issues.append(Issue("warning", "year-from-file-name" if hit.string == file_name else "year-from-cover",
                            f"year taken from the {'file name' if hit.string == file_name else 'cover'}: {year}",
                            file_name))
    else:
        raise ValueError("no fiscal year (预算年度) printed in the document")
    region_code, region_name = region_of(name)
    if not region_code:
        raise ValueError(f"no administrative division recognised in the department name {name!r}")
    return Identity(code, name, region_code, region_name, year, phase, issues)
