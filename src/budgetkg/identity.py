"""Who published a document, for which year and budget phase: read from the document itself.

Sources, in order of trust: the header block printed above each table (``612秦皇岛…``,
``预算年度：2023``), then the narrative title, then the file name as a last resort. The region
(GB/T 2260 administrative code) comes from the department's name through ``cpca``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from budgetkg.model import Issue
from budgetkg.recognise import RecognisedTable, squash

_DEPT_LINE = re.compile(r"^(\d{3,})(?![\d年])(\S.*)$")
_YEAR = re.compile(r"预算年度[:：]\s*(\d{4})")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年(?:度)?\s*(?:部门|单位)?(预算|决算)")


@dataclass
class Identity:
    """The natural keys of a disclosure, with how each was found."""

    department_code: str
    department_name: str
    region_code: str
    region_name: str
    year: int
    phase: str  # "budget" (预算) | "final" (决算)
    issues: list[Issue] = field(default_factory=list)


@lru_cache(maxsize=256)
def region_of(name: str) -> tuple[str, str]:
    """(adcode, region name) of the most precise administrative division named in ``name``."""
    import cpca  # deferred: it loads its division table (pandas) on import

    frame = cpca.transform([name])
    row = frame.iloc[0]
    parts = [str(row[k]) for k in ("省", "市", "区") if isinstance(row[k], str) and row[k] != "市辖区"]
    code = row["adcode"]
    return (str(code) if isinstance(code, str) and code else "", "".join(parts))


def identify(tables: list[RecognisedTable], paragraphs: list[str], file_name: str) -> Identity:
    """Read the department, region, year and phase printed in the document."""
    issues: list[Issue] = []
    depts: Counter[tuple[str, str]] = Counter()
    years: Counter[int] = Counter()
    for table in tables:
        for cell in table.meta_cells:
            text = squash(cell)
            if hit := _DEPT_LINE.match(text):
                depts[(hit.group(1), hit.group(2))] += 1
            if hit := _YEAR.search(text):
                years[int(hit.group(1))] += 1
    phase = "budget"
    title_years: Counter[int] = Counter()
    for text in paragraphs[:40]:
        if hit := _TITLE_YEAR.search(text):
            title_years[int(hit.group(1))] += 1
            phase = "final" if hit.group(2) == "决算" else "budget"
    if not depts:
        raise ValueError("no department line (budget-unit code + name) in any table header")
    (code, name), _ = depts.most_common(1)[0]
    if len(depts) > 1:
        issues.append(Issue("warning", "inconsistent-department",
                            f"table headers name {len(depts)} departments: "
                            + "; ".join(f"{c}{n} ×{k}" for (c, n), k in depts.items()), file_name))
    if years:
        year = years.most_common(1)[0][0]
        if len(years) > 1:
            issues.append(Issue("warning", "inconsistent-year",
                                f"table headers give several 预算年度: {dict(years)}", file_name))
    elif title_years:
        year = title_years.most_common(1)[0][0]
        issues.append(Issue("info", "year-from-title", f"预算年度 taken from the narrative title: {year}", file_name))
    elif hit := re.search(r"(20\d{2})", file_name):
        year = int(hit.group(1))
        issues.append(Issue("warning", "year-from-file-name", f"year taken from the file name: {year}", file_name))
    else:
        raise ValueError("no fiscal year (预算年度) printed in the document")
    region_code, region_name = region_of(name)
    if not region_code:
        raise ValueError(f"no administrative division recognised in the department name {name!r}")
    return Identity(code, name, region_code, region_name, year, phase, issues)
