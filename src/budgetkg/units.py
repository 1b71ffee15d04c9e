"""Budget units (预算单位) of a department, read from the document that lists them.

A 部门预算 consolidates the budgets of the units (单位) the department's budget covers: the
department's own organ (本级, 本部) and its subordinate units. Documents print that list in
three ways, each read here:

* a sentence of the narrative (Jiangsu): "纳入本部门2019年部门汇总预算编制范围的预算单位包括：
  江苏省委办公厅（本级）、省委机要局（省国家密码管理局）、机关后勤服务中心、机关文印中心。";
* a numbered list after "具体包括：" (Shanghai budgets): "1. 上海市普陀区人民政府万里街道办事处（本部）。";
* a table of kind ``institutions`` (Hebei 部门机构设置情况, Shanghai 决算 "纳入…编制范围的单位包括：")
  whose 单位名称 column names one unit per row.

Each unit is an ``org:OrganizationalUnit`` under its department (``org:unitOf`` / ``org:hasUnit``)
with every name printed for it as ``rdfs:label``; the disclosure states ``bkg:includesUnit`` for
each unit it covers; and each listing is a ``bkg:UnitListing`` node of the document graph with
the name as printed and its provenance (the paragraph and sentence, or the table row).

No unit code is printed anywhere, so a unit is identified by its name within its department
(the department's own organ by the key 本级, whatever it is called: 本级, 本部, 厅机关本级): the
build report says so with an ``info`` issue. A document that is itself a 单位预算 is linked to its
parent department only when it prints it (主管部门：…), again by name, and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.identity import Identity, cover_lines, department_name_key
from budgetkg.model import Issue, SourceDocument, paragraph_keys
from budgetkg.narrative import _runs, _sentences
from budgetkg.recognise import RecognisedTable, squash

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The key of the department's own organ, whatever the document calls it.
OWN_LEVEL = "本级"

#: "纳入本部门2018年部门汇总预算编制范围的预算单位共计1家，仅包括…", "…共 3 家，包括：…", "…共计 1 家，即…".
_INCLUDED = re.compile(
    r"纳入[^。]{0,60}?编制范围的(?:预算)?单位(?:共计?\s*[\d一二三四五六七八九十]+\s*家)?[，,]?\s*"
    r"(?:具体|仅|主要)?(?:包括|即|为)[:：]?(?P<list>[^。]+)"
)
#: The sentence that opens a numbered list of units: "本部门中，行政单位1家，…，具体包括（列示至基层预算单位）：".
_LIST_OPENS = re.compile(r"单位.*(?:具体)?包括(?:[（(][^）)]*[)）])?[:：]\s*$")
_NUMBERED = re.compile(r"^\s*\d+\s*[.．、]\s*(?P<item>.+)$")
#: What follows a listed name in the same clause: the end of the list (不含…, 另外…).
_LIST_END = re.compile(r"[，,；;](?:不含|另外|另|此外|其中).*$")
_SUBORDINATE = re.compile(r"^下属(?:行政|参公|事业|企业)*单位")
_REMARK = re.compile(r"[（(]下属[^）)]*[)）]$")  # "（下属事业单位）": a remark, not part of the name
_NOT_SEPARATE = re.compile(r"(?:不单列预算|并入本部).*$")
_OWN_LEVEL = re.compile(r"(?:本级|本部)(?:决算|预算)?[)）]?$")
_PARENT = re.compile(r"^(?:预算)?主管部门(?:名称)?[:：](?P<name>.+)$")
_UNIT_BUDGET = re.compile(r"单位(?:预算|决算)")


@dataclass(frozen=True)
class UnitListing:
    """One unit as a document lists it."""

    name: str  # as printed, with line breaks, numbering and remarks (下属事业单位) removed
    key: str  # OWN_LEVEL or the name's key (identity.department_name_key)
    source: str  # IRI of the paragraph or table row that prints it
    text: str  # the sentence, or the row's cells joined by " | ", as printed


def unit_key(name: str) -> str:
    """A unit's key within its department: 本级 for the department's own organ (本级, 本部,
    厅机关本级, 部门本级), else its name normalised like a department's."""
    return OWN_LEVEL if _OWN_LEVEL.search(name) else department_name_key(name)


def clean_name(text: str) -> str:
    """A listed unit's name: without line breaks, list numbering, a 下属事业单位 prefix, a trailing
    remark in brackets or 不单列预算, or the full stop."""
    name = squash(text).rstrip("。.；;，,")
    if hit := _NUMBERED.match(name):
        name = hit.group("item")
    name = _LIST_END.sub("", name)
    name = re.split(r"[，,]", name, maxsplit=1)[0]  # "商务委本部，…机关设9个内设机构": the name is the first clause
    name = _SUBORDINATE.sub("", name)
    name = _NOT_SEPARATE.sub("", name)
    return _REMARK.sub("", name).rstrip("。.等").strip()


def _prose_units(doc: SourceDocument, document_iri: str) -> list[UnitListing]:
    keys = paragraph_keys(doc.paragraphs)
    found: list[UnitListing] = []
    for run in _runs(doc, lists=False):  # one unit per printed line
        numbered = False  # inside a numbered list opened by "…具体包括："
        for lo, hi in _sentences(run):
            sentence = run.text[lo:hi].strip()
            source = uris.paragraph(document_iri, keys[run.owners[lo]])
            if hit := _INCLUDED.search(sentence):
                numbered = False
                for part in _LIST_END.sub("", hit.group("list")).split("、"):
                    if name := clean_name(part):
                        found.append(UnitListing(name, unit_key(name), source, sentence))
                continue
            if numbered and (item := _NUMBERED.match(squash(sentence))):
                if name := clean_name(item.group("item")):
                    found.append(UnitListing(name, unit_key(name), source, sentence))
                continue
            numbered = bool(_LIST_OPENS.search(squash(sentence)))
    return found


def _table_units(tables: list[RecognisedTable], table_iris: dict[int, str]) -> list[UnitListing]:
    found: list[UnitListing] = []
    for table in tables:
        if table.kind != "institutions" or id(table) not in table_iris:
            continue
        column = next((c for c in table.columns if "单位名称" in squash(c.heading)), None)
        if column is None:
            continue
        for n, row in enumerate(table.body_rows, start=len(table.header_rows) + 1):
            cell = row.cells[column.index - 1] if column.index - 1 < len(row.cells) else ""
            if name := clean_name(cell):
                text = " | ".join(squash(c) for c in row.cells)
                found.append(UnitListing(name, unit_key(name), uris.row(table_iris[id(table)], n), text))
    return found


def listed_units(doc: SourceDocument, tables: list[RecognisedTable], table_iris: dict[int, str],
                 document_iri: str) -> list[UnitListing]:
    """Every unit the document lists as covered by its budget, in reading order (prose, then tables)."""
    return _prose_units(doc, document_iri) + _table_units(tables, table_iris)


def printed_parent(doc: SourceDocument, tables: list[RecognisedTable]) -> str | None:
    """The parent department a 单位预算 prints (主管部门：X on its cover or above a table), if any."""
    texts = [p.text for p in doc.paragraphs[:8]] + [c for t in tables for c in t.meta_cells]
    for text in texts:
        if hit := _PARENT.match(squash(text)):
            return hit.group("name")
    return None


def is_unit_budget(doc: SourceDocument) -> bool:
    """Whether the document is a 单位预算/单位决算 (a unit's own budget), by its cover."""
    return bool(_UNIT_BUDGET.search(squash("".join(cover_lines([p.text for p in doc.paragraphs])))))


def unit_triples(doc: SourceDocument, tables: list[RecognisedTable], table_iris: dict[int, str],
                 ident: Identity, document_iri: str, disclosure_iri: str,
                 department_iri: str) -> tuple[list[ox.Triple], list[ox.Triple], list[Issue]]:
    """(document-graph triples, shared-graph triples, issues) of the units the document lists
    and of its own parent department when it is a 单位预算 that names one."""
    nn, zh = ox.NamedNode, (lambda text: ox.Literal(text, language="zh"))
    own: list[ox.Triple] = []
    shared: list[ox.Triple] = []
    issues: list[Issue] = []
    bkg = uris.vocab()
    units = listed_units(doc, tables, table_iris, document_iri)
    seen: dict[str, str] = {}
    for n, unit in enumerate(units, start=1):
        iri = nn(uris.unit(department_iri, unit.key))
        listing = nn(f"{document_iri}/unit-listing/{n}")
        shared += [
            ox.Triple(iri, nn(RDF + "type"), nn(ORG + "OrganizationalUnit")),
            ox.Triple(iri, nn(RDFS + "label"), zh(unit.name)),
            ox.Triple(iri, nn(ORG + "unitOf"), nn(department_iri)),
            ox.Triple(nn(department_iri), nn(ORG + "hasUnit"), iri),
            ox.Triple(nn(disclosure_iri), nn(bkg + "includesUnit"), iri),
        ]
        own += [
            ox.Triple(listing, nn(RDF + "type"), nn(bkg + "UnitListing")),
            ox.Triple(listing, nn(bkg + "unit"), iri),
            ox.Triple(listing, nn(bkg + "unitName"), zh(unit.name)),
            ox.Triple(listing, nn(bkg + "listingText"), zh(unit.text)),
            ox.Triple(listing, nn(PROV + "wasDerivedFrom"), nn(unit.source)),
            ox.Triple(listing, nn(DCT + "isPartOf"), nn(document_iri)),
        ]
        seen.setdefault(unit.key, unit.name)
    if seen:
        issues.append(Issue(
            "info", "units-by-name",
            f"{len(seen)} budget unit(s) listed, identified by name within {ident.department_label} (no unit code "
            f"is printed; the department's own organ as {OWN_LEVEL}): " + "、".join(seen.values()), doc.file_name))
    if is_unit_budget(doc):
        parent = printed_parent(doc, tables)
        if parent and department_name_key(parent) != ident.department_key:
            parent_iri = nn(uris.department(ident.region_code, department_name_key(parent)))
            shared += [ox.Triple(nn(department_iri), nn(ORG + "unitOf"), parent_iri),
                       ox.Triple(parent_iri, nn(ORG + "hasUnit"), nn(department_iri)),
                       ox.Triple(parent_iri, nn(RDF + "type"), nn(ORG + "Organization"))]
            issues.append(Issue("info", "unit-parent-by-name",
                                f"a 单位预算 of {ident.department_label}: linked to its parent department {parent} "
                                f"by name (no code printed)", doc.file_name))
        elif not parent:
            issues.append(Issue("info", "unit-parent-not-printed",
                                f"a 单位预算 of {ident.department_label}: the parent department (主管部门) is not "
                                "printed, so the unit is not linked to one", doc.file_name))
    return own, shared, issues
