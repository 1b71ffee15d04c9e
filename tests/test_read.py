"""The extracted-text reader: every line ends up in a table, a note or a paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg.model import RawTable, ReadError
from budgetkg.read import read_document
from budgetkg.read.text import parse_text
from tests.conftest import SAMPLE


def test_sample_tables_titles_and_shapes() -> None:
    doc = read_document(SAMPLE)
    titles = [t.title for t in doc.tables]
    assert len(titles) == 20
    assert titles[:9] == [
        "部门预算收支总表", "部门预算收入总表", "部门预算支出总表", "部门预算财政拨款收支总表",
        "部门预算一般公共预算财政拨款支出表", "部门预算一般公共预算财政拨款基本支出表",
        "部门预算政府基金预算财政拨款支出表", "部门预算国有资本经营预算财政拨款支出表",
        "部门预算财政拨款“三公”经费支出表",
    ]
    assert titles[9] == "部门机构设置情况"
    assert sum(t.endswith("绩效目标表") for t in titles) == 8
    assert titles[-2:] == ["部门政府采购预算", "部门固定资产占用情况表"]
    first = doc.tables[0]
    assert first.rows[0].cells == ("612秦皇岛市山海关区南关街道办事处", "预算年度：2023", "单位：万元")
    assert first.rows[3].cells == ("栏次", "1", "2", "3", "4")
    assert first.rows[-1].cells == ("34", "收入总计", "822.41", "支出总计", "822.41")
    assert doc.tables[6].notes == ["注：无政府基金预算财政拨款预算，空表列示。"]
    assert doc.tables[-2].notes[-1] == "注：无政府采购预算，空表列示。"
    assert doc.encoding == "utf-8" and len(doc.sha256) == 64


def test_nothing_is_skipped() -> None:
    """Every non-blank line of the sample is a cell, a title, a note or a paragraph."""
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    cell_lines = sum(1 for line in lines if line.startswith("\t"))
    prose_lines = sum(1 for line in lines if line.strip() and not line.startswith("\t"))
    blocks = parse_text(text)
    tables = [b for b in blocks if isinstance(b, RawTable)]
    assert sum(len(r.cells) for t in tables for r in t.rows) == cell_lines
    titled_or_noted = sum(1 + len(t.notes) for t in tables)
    assert len(blocks) - len(tables) + titled_or_noted == prose_lines


def test_gb18030_and_bom(tmp_path: Path) -> None:
    text = "部门预算收支总表\n\t612某某单位\n\t预算年度：2023\n\n\t序号\n\t项目\n"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for path, encoding in ((gbk, "gb18030"), (bom, "utf-8-sig")):
        doc = read_document(path)
        assert doc.encoding == encoding
        assert doc.tables[0].title == "部门预算收支总表"
        assert doc.tables[0].rows[0].cells == ("612某某单位", "预算年度：2023")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"%PDF-1.7\n%binary", "corrupt PDF: truncated (no %%EOF marker at the end of the file)"),
        ("只有一段文字，没有表格。\n".encode(), "no table found"),
        (b"\xff\xfe\x00\xd8", "invalid UTF-16 text"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.file == "bad.txt"
    assert reason in info.value.reason
