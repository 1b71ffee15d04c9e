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

The result is written into the document graph, so that the SHACL shapes (``shapes/narrative.ttl``,
``R46-*``) compare amounts and report: every figure of a resolved path gets
``bkg:subjectClassification`` (the 项 concept), ``bkg:subjectRow`` (the printed ``csvw:Row``) and
``bkg:subjectMatch`` (how it was matched, zh and en); the first figure (in reading order) of a path
that matches no row gets ``bkg:subjectMismatch`` (the level where the walk stopped, zh and en). A
document without such a table, or without subject paragraphs, gets nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.recognise import squash
from budgetkg.store import Store

#: The tables a subject paragraph's 项 is looked up in, in order (B5 / F5 first).
SUBJECT_TABLES = ("general-public-budget-expenditure", "government-fund-expenditure", "state-capital-expenditure")
_LEVELS = (("类", 3), ("款", 5), ("项", 7))  # level mark, digits of its code
_LEVEL_EN = {"类": "class (类)", "款": "section (款)", "项": "item (项)"}
_PATH = re.compile(r"^(?P<lei>.+?)（类）(?P<kuan>.+?)（款）(?P<xiang>.+?)（项）$")
_WIDTH = str.maketrans({"(": "（", ")": "）"})


def normalise_name(text: str) -> str:
    """A printed name without whitespace (wrapped cells, spaced text) and with full-width brackets."""
    return squash(text).translate(_WIDTH)


def split_path(label: str) -> tuple[str, str, str] | None:
    """(类, 款, 项) names of a printed path (normalised), or None when it is not a three-level path."""
    hit = _PATH.match(normalise_name(label))
    return (hit.group("lei"), hit.group("kuan"), hit.group("xiang")) if hit else None


@dataclass(frozen=True)
class TableRow:
    """A functional-classification row of a subject table, as printed."""

    table: str  # data set IRI
    title: str  # the table's title as printed
    row: str  # csvw:Row IRI
    rownum: int
    concept: str  # classification concept IRI
    code: str  # functional code (3, 5 or 7 digits)
    name: str  # printed name, normalised


@dataclass(frozen=True)
class Match:
    """The outcome of walking one path down one table."""

    title: str  # the table walked, as printed
    rows: tuple[TableRow, ...]  # the rows matched, 类 first; three when the path resolved
    missing: str = ""  # the level (类/款/项) whose name was not found under the last matched row
    name: str = ""  # that name

    @property
    def resolved(self) -> bool:
        return len(self.rows) == 3


def walk(path: tuple[str, str, str], rows: list[TableRow]) -> Match:
    """Walk (类, 款, 项) down one table's rows by name: each level among the children of the last."""
    title = rows[0].title if rows else ""
    found: list[TableRow] = []
    for (mark, digits), name in zip(_LEVELS, path, strict=True):
        parent = found[-1].code if found else ""
        hit = next((r for r in rows if len(r.code) == digits and r.code.startswith(parent) and r.name == name), None)
        if hit is None:
            return Match(title, tuple(found), mark, name)
        found.append(hit)
    return Match(title, tuple(found))


def resolve(path: tuple[str, str, str], tables: dict[str, list[TableRow]]) -> Match | None:
    """The path's match in the first subject table that has it, else B5's failed walk; None: no table."""
    failures = [walk(path, tables[kind]) for kind in SUBJECT_TABLES if tables.get(kind)]
    return next((m for m in failures if m.resolved), failures[0] if failures else None)


def _notes(match: Match) -> tuple[str, str]:
    """(zh, en) of how a path matched, or of where its walk stopped."""
    title = match.title
    if match.resolved:
        zh = "，".join(f"{mark}“{r.name}”→{r.code}" for (mark, _), r in zip(_LEVELS, match.rows, strict=True))
        en = ", ".join(f"{_LEVEL_EN[mark]} “{r.name}” → {r.code}"
                       for (mark, _), r in zip(_LEVELS, match.rows, strict=True))
        row = match.rows[-1].rownum
        return (f"按名称逐级匹配：{zh}（{title}第{row}行）",
                f"matched by printed name, level by level: {en} ({title}, row {row})")
    if not match.rows:
        return (f"{title}中无名为“{match.name}”的类", f"{title} has no class (类) named “{match.name}”")
    parent = match.rows[-1]
    return (f"{title}中 {parent.code} {parent.name} 之下无名为“{match.name}”的{match.missing}",
            f"{title} has no {_LEVEL_EN[match.missing]} named “{match.name}” under {parent.code} {parent.name}")


def table_rows(store: Store, document_iri: str) -> dict[str, list[TableRow]]:
    """The functional rows of the document's subject tables, by table kind."""
    bkg = uris.vocab()
    kinds = ", ".join(f"<{uris.concept('table-kind', k)}>" for k in SUBJECT_TABLES)
    functional = uris.scheme("functional") + "/"
    query = f"""
        PREFIX bkg: <{bkg}>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX csvw: <http://www.w3.org/ns/csvw#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?kind ?ds ?title ?row ?rownum ?c ?index ?text WHERE {{ GRAPH <{document_iri}> {{
            ?ds bkg:tableKind ?kind . FILTER (?kind IN ({kinds}))
            OPTIONAL {{ ?ds dcterms:title ?title }}
            ?obs qb:dataSet ?ds ; bkg:classification ?c ; bkg:sourceRow ?row .
            FILTER (STRSTARTS(STR(?c), "{functional}"))
            ?row csvw:rownum ?rownum .
            ?cell bkg:sourceRow ?row ; bkg:cellIndex ?index ; bkg:printedText ?text .
        }} }}"""
    cells: dict[tuple[str, str, str, str, int, str], list[tuple[int, str]]] = {}
    for s in store.ox.query(query):  # type: ignore[union-attr]
        key = (s["kind"].value.rsplit("/", 1)[-1], s["ds"].value, s["title"].value if s["title"] else "",
               s["row"].value, int(s["rownum"].value), s["c"].value)
        cells.setdefault(key, []).append((int(s["index"].value), s["text"].value))
    tables: dict[str, list[TableRow]] = {}
    for (kind, ds, title, row, rownum, concept), texts in sorted(cells.items(), key=lambda kv: kv[0][4]):
        # the name is what the row prints beside its code (the code may be split over 类/款/项 columns)
        name = "".join(t for _, t in sorted(set(texts)) if not re.fullmatch(r"[\d\s]+", t))
        code = concept.removeprefix(functional)
        tables.setdefault(kind, []).append(TableRow(ds, title, row, rownum, concept, code, normalise_name(name)))
    return tables


def _reading_order(figure: str) -> tuple[int, ...]:
    """Sort key of ``…/paragraph/{line}.{k}/figure/{n}``: line, paragraph on the line, figure."""
    key, n = figure.rsplit("/paragraph/", 1)[1].split("/figure/")
    return (*(int(p) for p in key.split(".")), *(() if "." in key else (1,)), int(n))


def subject_figures(store: Store, document_iri: str) -> list[tuple[str, str]]:
    """(figure IRI, path as printed) of every classification-subject figure, in reading order."""
    query = f"""
        PREFIX bkg: <{uris.vocab()}>
        SELECT ?f ?label WHERE {{ GRAPH <{document_iri}> {{
            ?f bkg:indicator <{uris.concept('narrative-indicator', 'classification-subject')}> ;
               bkg:itemLabel ?label }} }}"""
    found = [(s["f"].value, s["label"].value) for s in store.ox.query(query)]  # type: ignore[union-attr]
    return sorted(found, key=lambda f: _reading_order(f[0]))


def link_triples(store: Store, document_iri: str) -> list[ox.Triple]:
    """The triples linking the document's subject figures to the table rows their paths name."""
    figures = subject_figures(store, document_iri)
    tables = table_rows(store, document_iri) if figures else {}
    if not tables:
        return []
    bkg = uris.vocab()
    out: list[ox.Triple] = []
    reported: set[str] = set()

    def add(figure: str, prop: str, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(ox.NamedNode(figure), ox.NamedNode(bkg + prop), obj))

    for figure, label in figures:
        path = split_path(label)
        match = resolve(path, tables) if path else None
        if match is None:
            continue
        zh, en = _notes(match)
        if match.resolved:
            add(figure, "subjectClassification", ox.NamedNode(match.rows[-1].concept))
            add(figure, "subjectRow", ox.NamedNode(match.rows[-1].row))
            add(figure, "subjectMatch", ox.Literal(zh, language="zh"))
            add(figure, "subjectMatch", ox.Literal(en, language="en"))
        elif label not in reported:  # reported once per path, on its first figure
            reported.add(label)
            add(figure, "subjectMismatch", ox.Literal(zh, language="zh"))
            add(figure, "subjectMismatch", ox.Literal(en, language="en"))
    return out
