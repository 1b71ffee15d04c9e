"""Performance targets (绩效目标表) as structured, queryable triples.

A project's performance-target table prints one target per row: 一级指标 (产出指标, 效益指标,
满意度指标 …), 二级指标 (数量指标, 质量指标, 时效指标, 成本指标 …), 三级指标 (the indicator itself),
its description, 指标值 (the target: "≥95%", "1辆", "100%", "是/否", "按要求支出") and 指标值确定依据.
The rows stay text cells (so the table rebuilds cell for cell); each row also becomes a
``bkg:PerformanceTarget`` at ``{row}/target`` with:

* the project (``bkg:projectName``, the table's qualifier: the title before 绩效目标表);
* the 一级 / 二级 categories as concepts of ``code:performance-indicator``, minted from the names
  printed (``code/performance-indicator/产出指标``, ``…/产出指标/数量指标``: a 二级 is keyed under its
  一级, because templates file 成本指标 under 产出指标 or as a 一级 of its own);
* the 三级 name, description and basis as printed;
* the target as printed (``bkg:targetText``, ``bkg:targetCell`` its text cell) and, when it is a
  number, its comparator (``code:target-comparator``: ge, le, gt, lt, eq — a bare number is eq),
  the number as an exact ``xsd:decimal`` and the unit as written ("%", "辆", "个", "人", "天" …).

A merged 一级 / 二级 cell is printed once: an empty one repeats the row above (within the table).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from budgetkg import uris

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"

#: The mapping's column groups (mappings/performance-targets.yaml) naming each column's meaning.
GROUPS = ("level-1", "level-2", "level-3", "description", "value", "basis")

#: Comparators as printed -> code:target-comparator notation; longest first so 大于等于 beats 大于.
_COMPARATORS = (
    ("大于等于", "ge"), ("小于等于", "le"), ("不低于", "ge"), ("不少于", "ge"), ("不高于", "le"), ("不超过", "le"),
    ("不多于", "le"), ("达到", "ge"), ("高于", "gt"), ("大于", "gt"), ("低于", "lt"), ("小于", "lt"), ("等于", "eq"),
    ("≥", "ge"), ("≤", "le"), (">=", "ge"), ("<=", "le"), ("＞", "gt"), ("＜", "lt"), (">", "gt"), ("<", "lt"),
    ("＝", "eq"), ("=", "eq"),
)
_TARGET = re.compile(
    r"^(?P<cmp>" + "|".join(re.escape(c) for c, _ in _COMPARATORS) + r")?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*"
    # the unit after the number ("95%", "1辆"), or in brackets as the Shanghai 填报表 prints it ("≥13459.00(平方米)")
    r"(?:(?P<unit>[%％‰]|[\u4e00-\u9fff]{1,4})|[(（](?P<bracketed>[%％‰]|[\u4e00-\u9fff]{1,4})[)）])?$"
)
_COMPARATOR = dict(_COMPARATORS)


@dataclass(frozen=True)
class Target:
    """A printed 指标值 read as a comparison, or None when it is text only ("是/否")."""

    comparator: str  # notation: ge | le | gt | lt | eq
    comparator_text: str  # as printed ("≥", "不低于"); "" for a bare number
    value: Decimal
    unit: str  # as printed; "" when none


def parse_target(text: str) -> Target | None:
    """"≥95%" -> ge 95 %; "1辆" -> eq 1 辆; "=100.00(%)" -> eq 100.00 % (the unit without its brackets);
    "是/否", "2022年12月底前" -> None (kept as text)."""
    hit = _TARGET.match(re.sub(r"\s+", "", text))
    if hit is None:
        return None
    printed = hit.group("cmp") or ""
    unit = hit.group("unit") or hit.group("bracketed") or ""
    return Target(_COMPARATOR.get(printed, "eq"), printed, Decimal(hit.group("num")), unit)


def indicator_concept(level_1: str, level_2: str | None = None) -> str:
    """IRI of a 一级 category, or of a 二级 category under its 一级."""
    notation = level_1 if level_2 is None else f"{level_1}/{level_2}"
    return f"{uris.scheme('performance-indicator')}/" + "/".join(uris.segment(p) for p in notation.split("/"))


#: (subject, predicate, object, shared): the object an IRI (str) or a literal; shared: the triple
#: belongs in graph/shared (a concept documents share), not in the document graph.
Triple = tuple[str, str, "str | ox.Literal", bool]


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(text, language=lang)
    return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)


def target_triples(dataset: str, row_iri: str, cells: Sequence[str], columns: dict[str, int],
                   above: Sequence[Sequence[str]], project: str | None) -> Iterator[Triple]:
    """The triples of one target row (see :data:`Triple`). ``columns``: group -> cell index;
    ``above``: the table's earlier body rows (for merged 一级 / 二级 cells)."""

    def cell(group: str, row: Sequence[str]) -> str:
        i = columns.get(group)
        return re.sub(r"\s*\n\s*", "", row[i]).strip() if i is not None and i < len(row) else ""

    def carried(group: str) -> str:
        for row in (cells, *reversed(above)):
            if value := cell(group, row):
                return value
        return ""

    name, value = cell("level-3", cells), cell("value", cells)
    level_1, level_2 = carried("level-1"), carried("level-2")
    if not (name or value) or not level_1:
        return
    node = f"{row_iri}/target"
    bkg = uris.vocab()
    yield node, RDF + "type", bkg + "PerformanceTarget", False
    yield node, bkg + "sourceRow", row_iri, False
    yield node, PROV + "wasDerivedFrom", row_iri, False
    yield node, DCT + "isPartOf", dataset, False
    if project:
        yield node, bkg + "projectName", _lit(project, "zh"), False
    first = indicator_concept(level_1)
    yield node, bkg + "firstLevelIndicator", first, False
    yield from _concept(first, level_1, None)
    if level_2:
        second = indicator_concept(level_1, level_2)
        yield node, bkg + "secondLevelIndicator", second, False
        yield from _concept(second, level_2, first)
    if name:
        yield node, bkg + "indicatorName", _lit(name, "zh"), False
    if description := cell("description", cells):
        yield node, bkg + "indicatorDescription", _lit(description, "zh"), False
    if basis := cell("basis", cells):
        yield node, bkg + "targetBasis", _lit(basis, "zh"), False
    if value:
        yield node, bkg + "targetText", _lit(value), False
        yield node, bkg + "targetCell", f"{row_iri}/cell/{columns['value'] + 1}", False
        if (target := parse_target(value)) is not None:
            yield node, bkg + "targetComparator", uris.concept("target-comparator", target.comparator), False
            if target.comparator_text:
                yield node, bkg + "comparatorText", _lit(target.comparator_text), False
            yield node, bkg + "targetValue", _lit(format(target.value, "f"), None, XSD + "decimal"), False
            if target.unit:
                yield node, bkg + "targetUnit", _lit(target.unit), False


def _concept(iri: str, label: str, broader: str | None) -> Iterator[Triple]:
    """A category concept, kept in the shared graph (documents share it)."""
    scheme = uris.scheme("performance-indicator")
    yield iri, RDF + "type", SKOS + "Concept", True
    yield iri, SKOS + "inScheme", scheme, True
    yield iri, SKOS + "prefLabel", _lit(label, "zh"), True
    yield iri, SKOS + "notation", _lit(label), True
    if broader is None:
        yield iri, SKOS + "topConceptOf", scheme, True
    else:
        yield iri, SKOS + "broader", broader, True
