"""The 类/款/项 paths of the explanatory text resolved to the rows of the tables, by name (rule R46).

A subject paragraph names its classification by a path of printed names, never by a code
(“一般公共服务支出（类）统计信息事务（款）统计管理（项）”2.63万元; a 决算's “…（款）行政运行（项）。…支出决算为
1092.80 万元”): ``budgetkg.narrative`` keeps the path as the figures' ``bkg:itemLabel``. Here the path is
walked down the hierarchy of the document's 一般公共预算财政拨款支出表 (B5, its 决算 twin F5) **by name**:
the 类 among the table's 类 rows, then the 款 among that 类's children, then the 项 among that 款's
children (a child's code starts with its parent's: 2010506 under 20105 under 201), comparing the
names exactly once normalised (whitespace removed — table cells wrap names over lines — and
half-width brackets made full-width: the text prints “支持中小企业发展和管理支出（款)”). Names are
not matched loosely: 行政运行 and 一般行政管理事务 repeat under many 款, 住房保障支出 is both a 类 and
a 款, and a former name (医疗卫生与计划生育支出) is a text that no longer matches its table.

A path matching no row of B5 is walked down the 政府性基金 and 国有资本经营 expenditure tables in turn
(the text lists every 财政拨款 项); where none has it, the failure reported is B5's.

Two-level paths (Jiangsu budgets). A path printing its 类 and its 项 only (“住房改革支出（类）住房公积金（项）”)
takes the 项 among all the 项 rows under its 类 and resolves only when exactly one has that name (行政运行 under
two 款 of a 类 is ambiguous: not resolved, and not reported — the names are in the table). A path printing
its 款 and 项 only (“人大事务（款）行政运行（项）”), or its 项 only under a “检察（款）: …” line, takes the
missing levels from the headings above it (“（一）公共安全支出（类）”): ``budgetkg.narrative`` writes the
whole path as the label and those headings as ``bkg:subjectHeading``, and the notes say which levels came
from them. A 支出 printed right after the 项 mark (“机关事业单位基本养老保险缴费（项）支出 1,045.93 万元”) may
end the 项's name or not (“行政运行（项）支出”): both readings are compared exactly, and the table decides.
A name not found at its level but printed by a row of another level (a 款 marked （类）) is said so in the
note. A path failing on a level a heading gives is reported once per heading, on its first figure.

Amounts of the levels above the 项 (Jiangsu budgets). A 款 line's total under its 类 heading (“检察（款）: 2018 年
预算支出合计 16,444.36 万元”) is the path 类 + 款, walked as the others and linked to the 款's row; the 决算's list
“主要用于以下方面：社会保障和就业支出（类）754.75 万元，…” names a 类 alone, linked to its 类 row. The list of the
expenditure total by 类 (“（二）支出预算总计 15897.44 万元。包括：1．一般公共服务（类）支出 12706.28 万元”) breaks
down the 收支预算总表, every source of funds, not the 一般公共预算财政拨款支出表 (省检察院 2018: 公共安全 16,458.75
against B5's 16,444.36, the difference its 其他资金 14.39): ``budgetkg.narrative`` records that heading as the
figure's ``bkg:subjectHeading`` and its 类 is looked up among the 收支预算总表's functional rows (``TOTAL_TABLES``),
named by the text cell printed before the amount (the row also prints an income line), its list number (“四、”) off.
A 类 row whose cell wraps its name (“八、社会保障和就” | “业支出”) is named by the one national name of its code that
its printed name begins (:func:`_whole_name`), as ``budgetkg.map`` coded it.

Unmarked levels (Jiangsu: 省人大 2017). ``budgetkg.narrative`` reads a 类 printed without its mark (“2．社会保障和就业
支出 1608.51 万元”) as the path 类 alone, and a line that is exactly a 类 name (“一般公共服务”) as the 类 heading of
the 项 below it (a path 类 + 项, that line as ``bkg:subjectHeading``: :func:`bare_heading`). A 类 + 项 path whose 项
is found under no 款 may print a 款 name and a 项 name as one (“人大事务行政运行（项）”): it resolves to the one
(款, 项) pair whose names, written one after the other, are the printed name (:func:`_joined`). Under a bare heading
only a 类 the table lacks is reported: a 款 or 项 not found below it is left unsaid (the reading may be at fault).

The result is written into the document graph, so that the SHACL shapes (``shapes/narrative.ttl``,
``R46-*``) compare amounts and report: every figure of a resolved path gets
``bkg:subjectClassification`` (the concept of its last level: a 项, a 款 or a 类), ``bkg:subjectRow`` (the
printed ``csvw:Row``) and ``bkg:subjectMatch`` (how it was matched, zh and en); the first figure (in reading
order) of a path that matches no row gets ``bkg:subjectMismatch`` (the level where the walk stopped, zh and en). A
document without such a table, or without subject paragraphs, gets nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.config import base_iri
from budgetkg.map import functional_class_names
from budgetkg.recognise import squash
from budgetkg.store import Store

#: The tables a subject paragraph's 项 is looked up in, in order (B5 / F5 first).
SUBJECT_TABLES = ("general-public-budget-expenditure", "government-fund-expenditure", "state-capital-expenditure")
#: The table the 类 of the expenditure total's list (“（二）支出预算总计 …。包括：”) are read against: its functional
#: rows.
TOTAL_TABLES = ("income-expenditure-summary",)
#: That heading, as ``budgetkg.narrative`` records it (whitespace removed).
_TOTAL_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]支出(?:预算)?总计")
#: A summary table's list number before the name (“四、公共安全支出”).
_ENUMERATOR = re.compile(r"^[一二三四五六七八九十]+、")
_LEVELS = (("类", 3), ("款", 5), ("项", 7))  # level mark, digits of its code
_LEVEL_EN = {"类": "class (类)", "款": "section (款)", "项": "item (项)"}
_PATH = re.compile(r"^(?P<lei>.+?)（类）(?P<kuan>.+?)（款）(?P<xiang>.+?)（项）$")
#: A path printing its 类 and its 项 only (Jiangsu 2018/2019: “住房改革支出（类）住房公积金（项）”).
_CLASS_ITEM = re.compile(r"^(?P<lei>(?:(?!（[类款项]）).)+?)（类）(?P<xiang>(?:(?!（[类款项]）).)+?)（项）$")
#: A 支出 printed right after the 项 mark (Jiangsu: “…缴费（项）支出 1,045.93 万元”): the end of the 项's name
#: or the word 支出 — the table decides (:func:`walk`).
_TAIL = "支出"
#: A path ending above the 项: a 类 alone (“社会保障和就业支出（类）”), or a 类 and its 款 (a 款 line's total).
_CLASS_SECTION = re.compile(r"^(?P<lei>(?:(?!（[类款项]）).)+?)（类）(?:(?P<kuan>(?:(?!（[类款项]）).)+?)（款）)?$")
_WIDTH = str.maketrans({"(": "（", ")": "）"})


def normalise_name(text: str) -> str:
    """A printed name without whitespace (wrapped cells, spaced text) and with full-width brackets."""
    return squash(text).translate(_WIDTH)


def split_path(label: str) -> tuple[str, str, str] | None:
    """(类, 款, 项) names of a printed path (normalised), or None when it is not a three-level path."""
    hit = _PATH.match(normalise_name(label))
    return (hit.group("lei"), hit.group("kuan"), hit.group("xiang")) if hit else None


def split_levels(label: str) -> tuple[tuple[str, str], ...] | None:
    """((level mark, name), …) of a printed path, normalised: 类/款/项, 类 and 项 only, 类 and 款, or 类 alone; None
    otherwise. A 支出 printed after the 项 mark is kept as a second reading of the 项 name: ("项", "X"),
    ("项支出", "X支出")."""
    text = normalise_name(label)
    tail = text.endswith("（项）" + _TAIL)
    text = text.removesuffix(_TAIL) if tail else text
    levels: tuple[tuple[str, str], ...]
    if path := split_path(text):
        levels = tuple(zip(("类", "款", "项"), path, strict=True))
    elif hit := _CLASS_ITEM.match(text):
        levels = (("类", hit.group("lei")), ("项", hit.group("xiang")))
    elif hit := _CLASS_SECTION.match(text):
        levels = (("类", hit.group("lei")),) + ((("款", hit.group("kuan")),) if hit.group("kuan") else ())
    else:
        return None
    return levels + ((("项支出", levels[-1][1] + _TAIL),) if tail else ())


@dataclass(frozen=True)
class TableRow:
    """A functional-classification row of a subject table, as printed."""

    table: str  # data set IRI
    title: str  # the table's title as printed
    row: str  # csvw:Row IRI
    rownum: int
    concept: str  # classification concept IRI
    code: str  # functional code (3, 5 or 7 digits)
    name: str  # printed name, normalised (a 类 name cut short by its cell: the whole name, see :func:`_whole_name`)
    cut: str = ""  # that name as printed, cut short ("社会保障和就" for 社会保障和就业支出); "" when printed whole


@dataclass(frozen=True)
class Match:
    """The outcome of walking one path down one table."""

    title: str  # the table walked, as printed
    rows: tuple[TableRow, ...]  # the rows matched by name, 类 first: one per printed level when resolved
    missing: str = ""  # the level (类/款/项) whose name was not found under the last matched row
    name: str = ""  # that name
    #: a 类 + 项 path whose 项 name is printed by more than one 项 row under its 类: how many (then unresolved, and
    #: not a mismatch: the names are in the table, the text does not say which)
    ambiguous: int = 0
    marks: tuple[str, ...] = ("类", "款", "项")  # the levels the path prints, in order
    #: a missing 类 name as the name of 款 or 项 rows (a 款 printed as a 类: 住房改革支出（类）…)
    elsewhere: tuple[TableRow, ...] = ()
    also: str = ""  # the missing 项's other reading (“X（项）支出”: X支出), not found either
    #: the 类 matched as its printed name + 支出 (Jiangsu headings: “一般公共服务（类）” for 201 一般公共服务支出)
    class_tail: bool = False
    #: a 类 + 项 path whose printed 项 name is a 款 name and a 项 name under it written as one (省人大 2017:
    #: “人大事务行政运行（项）” for 20101 人大事务 / 2010101 行政运行): that printed name; then ``rows`` holds the 款
    joined: str = ""

    @property
    def resolved(self) -> bool:
        return not self.missing and not self.ambiguous and len(self.rows) == len(self.marks)


def _as_levels(path: tuple[str, ...] | tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """A path as ((mark, name), …): (类, 款, 项) names are the three levels in order."""
    if path and isinstance(path[0], tuple):
        return tuple(path)  # type: ignore[arg-type]
    return tuple((mark, name) for (mark, _), name in zip(_LEVELS, path, strict=True))  # type: ignore[misc]


def walk(path: tuple[str, ...] | tuple[tuple[str, str], ...], rows: list[TableRow]) -> Match:
    """Walk a path down one table's rows by name: each level among the children of the last. A path is
    (类, 款, 项) names, or ((mark, name), …) levels (:func:`split_levels`); a 类 + 项 path takes the 项 among
    all the 项 rows under its 类 (any 款), and resolves only when exactly one has its name."""
    levels = _as_levels(path)
    readings = {name for mark, name in levels if mark in ("项", "项支出")}  # the 项 name, and X支出 for “X（项）支出”
    levels = tuple(level for level in levels if level[0] != "项支出")
    digits = dict(_LEVELS)
    marks = tuple(mark for mark, _ in levels)
    title = rows[0].title if rows else ""
    found: list[TableRow] = []
    class_tail = False
    for mark, name in levels:
        parent = found[-1].code if found else ""
        names = readings if mark == "项" else {name}
        if mark == "类" and not name.endswith(_TAIL):
            # every national 类 name ends in 支出; a text that drops it names the same class (no other
            # class is named without it)
            names = {name, name + _TAIL}
        hits = [r for r in rows if len(r.code) == digits[mark] and r.code.startswith(parent) and r.name in names]
        if not hits and mark == "项" and marks == ("类", "项") and (pair := _joined(found[0], names, rows)):
            return Match(title, (found[0], *pair), marks=("类", "款", "项"), class_tail=class_tail, joined=name)
        if not hits:
            # a 类 name printed by a 款 or 项 row: the text marks a lower level （类） (Jiangsu: 住房改革支出（类）)
            others = tuple(r for r in rows if r.name == name and len(r.code) > 3) if mark == "类" else ()
            also = next((n for n in sorted(names) if n != name), "")
            return Match(title, tuple(found), mark, name, marks=marks, elsewhere=others, also=also)
        if len({r.code for r in hits}) > 1:  # a 项 under a 类 only: 行政运行 is printed under each 款
            return Match(title, tuple(found), name=name, ambiguous=len({r.code for r in hits}), marks=marks)
        found.append(hits[0])
        class_tail = class_tail or (mark == "类" and hits[0].name != name)
    return Match(title, tuple(found), marks=marks, class_tail=class_tail)


def _joined(lei: TableRow, names: set[str], rows: list[TableRow]) -> tuple[TableRow, TableRow] | None:
    """The (款, 项) rows under the 类 row ``lei`` whose names written one after the other are one of ``names`` (the
    printed 项 name and its X支出 reading), when exactly one such pair exists; None otherwise. Names are compared
    exactly: the printed name is the 款's name followed by the 项's, nothing dropped or added."""
    pairs = {(k, x) for k in rows if len(k.code) == 5 and k.code.startswith(lei.code)
             for x in rows if len(x.code) == 7 and x.code.startswith(k.code) and k.name + x.name in names}
    return pairs.pop() if len({(k.code, x.code) for k, x in pairs}) == 1 else None


def resolve(path: tuple[str, ...] | tuple[tuple[str, str], ...], tables: dict[str, list[TableRow]],
            kinds: tuple[str, ...] = SUBJECT_TABLES) -> Match | None:
    """The path's match in the first of the ``kinds`` of table that has it, else the first one's failed walk; None: no
    such table."""
    failures = [walk(path, tables[kind]) for kind in kinds if tables.get(kind)]
    return next((m for m in failures if m.resolved), failures[0] if failures else None)


_LEVEL_ZH = {3: "类", 5: "款", 7: "项"}


def total_heading(headings: tuple[str, ...]) -> str:
    """The “（二）支出预算总计 …” heading among a figure's headings ("" when none): its 类 are the 收支预算总表's."""
    return next((h for h in headings if _TOTAL_HEADING.match(normalise_name(h))), "")


def bare_heading(headings: tuple[str, ...]) -> str:
    """The bare 类 heading among a figure's headings ("" when none): a line naming a 类 without its （类） mark
    (省人大 2017 “一般公共服务” above “1. 人大事务行政运行（项）支出 10528.33 万元”)."""
    return next((h for h in headings if not _TOTAL_HEADING.match(normalise_name(h))
                 and not re.search(r"（[类款项]）", normalise_name(h))), "")


def _heading_note(headings: tuple[str, ...]) -> tuple[str, str]:
    """(zh, en) of the headings a path takes its unprinted levels from, or of the expenditure total's heading it
    is listed under ("" without)."""
    if total := total_heading(headings):
        return (f"；列于标题“{total}”之下（支出预算总计，含各项资金来源）",
                f"; listed under the heading “{total}” (the expenditure total, every source of funds)")
    if not headings:
        return "", ""
    marks = [m for m in ("类", "款") if any(f"（{m}）" in normalise_name(h) for h in headings)
             or (m == "类" and bare_heading(headings))]
    quoted = "".join(f"“{h}”" for h in headings)
    bare_zh, bare_en = ("", "")
    if bare_heading(headings):
        bare_zh = "（该行为类名，未标“（类）”）"
        bare_en = " (a line printing a class (类) name without its （类） mark)"
    return (f"；{'、'.join(marks)}取自标题{quoted}{bare_zh}",
            f"; the {' and '.join(_LEVEL_EN[m] for m in marks)} taken from the heading "
            f"{', '.join(f'“{h}”' for h in headings)}{bare_en}")


def _notes(match: Match, headings: tuple[str, ...] = ()) -> tuple[str, str]:
    """(zh, en) of how a path matched, or of where its walk stopped (with the headings it takes levels from)."""
    title = match.title
    hz, he = _heading_note(headings)
    if match.resolved:
        pairs = list(zip(match.marks, match.rows, strict=True))
        zh = "，".join(f"{mark}“{r.name}”→{r.code}" for mark, r in pairs)
        en = ", ".join(f"{_LEVEL_EN[mark]} “{r.name}” → {r.code}" for mark, r in pairs)
        if match.marks == ("类", "项"):  # no 款 printed: the 项 is the only one of its name under the 类
            zh += "（该类下唯一同名的项）"
            en += " (the only item of that name under the class)"
        if match.joined:
            kuan, xiang = match.rows[1].name, match.rows[2].name
            zh += f"（文中“{match.joined}（项）”为款名“{kuan}”与项名“{xiang}”连写）"
            en += (f" (the text writes the section (款) name “{kuan}” and the item (项) name “{xiang}” as one, "
                   f"“{match.joined}（项）”)")
        if match.class_tail:
            zh += "（文中类名省略“支出”）"
            en += " (the text drops 支出 from the class name)"
        if cut := match.rows[0].cut:
            zh += f"（表中类名折行，印为“{cut}”）"
            en += f" (the table's cell wraps the class name: “{cut}” on the row's line)"
        row = match.rows[-1].rownum
        return (f"按名称逐级匹配：{zh}（{title}第{row}行）{hz}",
                f"matched by printed name, level by level: {en} ({title}, row {row}){he}")
    if not match.rows:
        zh, en = f"{title}中无名为“{match.name}”的类", f"{title} has no class (类) named “{match.name}”"
    else:
        parent = match.rows[-1]
        zh = f"{title}中 {parent.code} {parent.name} 之下无名为“{match.name}”的{match.missing}"
        en = f"{title} has no {_LEVEL_EN[match.missing]} named “{match.name}” under {parent.code} {parent.name}"
        if match.also:
            zh += f"（亦无名为“{match.also}”的项）"
            en += f" (nor one named “{match.also}”)"
    if match.elsewhere:  # the name is in the table, at another level: the text's level mark is wrong
        zh += "（“{}”是{}的名称）".format(match.name, "、".join(
            f"{_LEVEL_ZH[len(r.code)]} {r.code}" for r in match.elsewhere))
        en += " (“{}” is the name of {})".format(match.name, ", ".join(
            f"{_LEVEL_EN[_LEVEL_ZH[len(r.code)]]} {r.code}" for r in match.elsewhere))
    return zh + hz, en + he


def table_rows(store: Store, document_iri: str,
               kinds: tuple[str, ...] = SUBJECT_TABLES + TOTAL_TABLES) -> dict[str, list[TableRow]]:
    """The functional rows of the ``kinds`` of table of the document graph ``document_iri``, by table kind. A row
    of a subject table is named by every text cell it prints (the code may be split over 类/款/项 columns); a row of
    the 收支预算总表 by the text cell printed before its functional amount (the row's other cells are an income
    line), without its list number."""
    bkg = uris.vocab()
    kind_iris = ", ".join(f"<{uris.concept('table-kind', k)}>" for k in kinds)
    functional = uris.scheme("functional") + "/"
    query = f"""
        PREFIX bkg: <{bkg}>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX csvw: <http://www.w3.org/ns/csvw#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?kind ?ds ?title ?row ?rownum ?c ?at ?index ?text WHERE {{ GRAPH <{document_iri}> {{
            ?ds bkg:tableKind ?kind . FILTER (?kind IN ({kind_iris}))
            OPTIONAL {{ ?ds dcterms:title ?title }}
            ?obs qb:dataSet ?ds ; bkg:classification ?c ; bkg:sourceRow ?row .
            FILTER (STRSTARTS(STR(?c), "{functional}"))
            ?row csvw:rownum ?rownum .
            ?cell bkg:sourceRow ?row ; bkg:cellIndex ?index ; bkg:printedText ?text .
            OPTIONAL {{ ?obs bkg:cellIndex ?at }}
        }} }}"""
    cells: dict[tuple[str, str, str, str, int, str], list[tuple[int, str]]] = {}
    amount_at: dict[tuple[str, str, str, str, int, str], int] = {}  # the functional amount's cell index
    for s in store.ox.query(query):  # type: ignore[union-attr]
        key = (s["kind"].value.rsplit("/", 1)[-1], s["ds"].value, s["title"].value if s["title"] else "",
               s["row"].value, int(s["rownum"].value), s["c"].value)
        cells.setdefault(key, []).append((int(s["index"].value), s["text"].value))
        if s["at"] is not None:
            amount_at[key] = min(amount_at.get(key, 10**6), int(s["at"].value))
    tables: dict[str, list[TableRow]] = {}
    for (kind, ds, title, row, rownum, concept), texts in sorted(cells.items(), key=lambda kv: kv[0][4]):
        words = sorted((i, t) for i, t in set(texts) if not re.fullmatch(r"[\d\s]+", t))
        if kind in TOTAL_TABLES:
            # the expenditure side's name is the text cell right before its amount (the income line is before it)
            # (a cell without its index: the row's last text cell, the expenditure side being printed last)
            at = amount_at.get((kind, ds, title, row, rownum, concept), 10**6)
            before = [t for i, t in words if i < at]
            name = _ENUMERATOR.sub("", normalise_name(before[-1])) if before else ""
        else:
            # the name is what the row prints beside its code (the code may be split over 类/款/项 columns)
            name = "".join(t for _, t in words)
        code = concept.removeprefix(functional)
        printed = normalise_name(name)
        whole = _whole_name(printed, code)
        tables.setdefault(kind, []).append(TableRow(ds, title, row, rownum, concept, code, whole,
                                                    printed if whole != printed else ""))
    return tables


def _whole_name(printed: str, code: str) -> str:
    """A 类 row's name, whole: a name cut short by a narrow cell that wraps it over two printed lines (省人大 2017's
    收支预算总表 prints “八、社会保障和就” | “业支出”) is the national name of the row's 类 it begins, the reading
    ``budgetkg.map.functional_class`` gave the row its code by (4+ characters, one class); any other name as printed."""
    if len(code) != 3 or len(printed) < 4:
        return printed
    names = [n for n, c in functional_class_names(base_iri()).items() if c == code]
    if printed in names:
        return printed
    starts = [n for n in names if n.startswith(printed)]
    return starts[0] if len(starts) == 1 else printed


def _reading_order(figure: str) -> tuple[int, ...]:
    """Sort key of ``…/paragraph/{line}.{k}/figure/{n}``: line, paragraph on the line, figure."""
    key, n = figure.rsplit("/paragraph/", 1)[1].split("/figure/")
    return (*(int(p) for p in key.split(".")), *(() if "." in key else (1,)), int(n))


def subject_figures(store: Store, document_iri: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(figure IRI, path, headings its unprinted levels are taken from) of every classification-subject figure,
    in reading order."""
    query = f"""
        PREFIX bkg: <{uris.vocab()}>
        SELECT ?f ?label ?heading WHERE {{ GRAPH <{document_iri}> {{
            ?f bkg:indicator <{uris.concept('narrative-indicator', 'classification-subject')}> ;
               bkg:itemLabel ?label .
            OPTIONAL {{ ?f bkg:subjectHeading ?heading }} }} }}"""
    found: dict[tuple[str, str], list[str]] = {}
    for s in store.ox.query(query):  # type: ignore[union-attr]
        headings = found.setdefault((s["f"].value, s["label"].value), [])
        if s["heading"] is not None:
            headings.append(s["heading"].value)
    # a 类 heading is printed before the 款 line under it: that order is the order of their levels
    return sorted(((f, label, tuple(sorted(hs, key=lambda h: "（款）" in normalise_name(h))))
                   for (f, label), hs in found.items()), key=lambda f: _reading_order(f[0]))


def _report_key(label: str, match: Match, headings: tuple[str, ...]) -> tuple[str, ...]:
    """What a failed walk is reported once for: its path; or, when the level not found is one a heading gives,
    that heading (every item under “（一）一般公共服务（类）” fails on the same 类 name; so under a bare 类 heading)."""
    if any(f"（{match.missing}）" in normalise_name(h) for h in headings) or (
            match.missing == "类" and bare_heading(headings)):
        return ("heading", match.missing, *headings)
    return ("path", label)


#: The properties :func:`link_triples` writes (read off the tables: recomputed when the tables change).
LINK_PROPERTIES = ("subjectClassification", "subjectRow", "subjectMatch", "subjectMismatch")


def without_links(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` without those :func:`link_triples` made."""
    links = {ox.NamedNode(uris.vocab() + p) for p in LINK_PROPERTIES}
    return [t for t in triples if t.predicate not in links]


def link_triples(store: Store, document_iri: str, tables_iri: str | None = None) -> list[ox.Triple]:
    """The triples linking the document's subject figures to the table rows their paths name: the
    rows of its own tables, or of ``tables_iri``'s (the tables file of a disclosure published as two)."""
    figures = subject_figures(store, document_iri)
    tables = table_rows(store, tables_iri or document_iri) if figures else {}
    if not tables:
        return []
    bkg = uris.vocab()
    out: list[ox.Triple] = []
    reported: set[tuple[str, ...]] = set()

    def add(figure: str, prop: str, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(ox.NamedNode(figure), ox.NamedNode(bkg + prop), obj))

    for figure, label, headings in figures:
        path = split_levels(label)
        # a 类 of the expenditure total's list is the 收支预算总表's; every other path is walked down B5 (F5) first
        kinds = TOTAL_TABLES if total_heading(headings) else SUBJECT_TABLES
        match = resolve(path, tables, kinds) if path else None
        if match is None or match.ambiguous:  # not a path, or one the table cannot tell: nothing to say
            continue
        zh, en = _notes(match, headings)
        if match.resolved:
            add(figure, "subjectClassification", ox.NamedNode(match.rows[-1].concept))
            add(figure, "subjectRow", ox.NamedNode(match.rows[-1].row))
            add(figure, "subjectMatch", ox.Literal(zh, language="zh"))
            add(figure, "subjectMatch", ox.Literal(en, language="en"))
        elif bare_heading(headings) and match.missing != "类":
            # under a line naming a 类 without its mark, only a 类 the table lacks is said: a 项 (or 款) not found
            # below it may be the reading's, not the text's (a name written otherwise than the table prints it)
            continue
        elif (key := _report_key(label, match, headings)) not in reported:  # once, on its first figure
            reported.add(key)
            add(figure, "subjectMismatch", ox.Literal(zh, language="zh"))
            add(figure, "subjectMismatch", ox.Literal(en, language="en"))
    return out
