"""The web pages in a real browser (Debian's chromium driven by Playwright), on the real sample."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from budgetkg.app import create_app
from budgetkg.store import Store
from tests._server import LiveServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it as root)")

# Chromium's background services try to reach the internet, which this machine has not.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(sample_store: Store) -> Iterator[str]:
    with LiveServer(create_app(sample_store)) as url:
        yield url


@pytest.fixture(scope="module")
def page(site: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        yield page
        browser.close()


def test_landing_page_leads_to_the_document_and_its_tables(site: str, page) -> None:
    page.goto(site + "/")
    assert "秦皇岛市山海关区南关街道办事处" in page.content()
    page.click("a[href$='/document/main']")
    page.wait_for_load_state()
    assert page.url.endswith("/id/disclosure/130303/612/2023/budget/document/main")
    text = page.inner_text("body")
    for title in ("部门预算收支总表", "部门预算一般公共预算财政拨款基本支出表", "部门固定资产占用情况表"):
        assert title in text


def test_dataset_page_shows_the_printed_table(site: str, page) -> None:
    table = "/id/disclosure/130303/612/2023/budget/document/main/table/general-public-budget-basic-expenditure"
    page.goto(site + table)
    row = page.locator("tr", has_text="商品和服务支出")
    cells = [c.strip() for c in row.first.locator("td").all_inner_texts()]
    assert cells == ["12", "302", "商品和服务支出", "41.47", "", "41.47"]
    link = row.first.locator("a", has_text="41.47").first.get_attribute("href")
    assert link is not None and link.endswith("/obs/economic-302/total")
    page.goto(link if link.startswith("http") else site + link)
    assert "41.47" in page.inner_text("body")


def test_plain_query_page_runs_an_example(site: str, page) -> None:
    page.goto(site + "/query/plain")
    page.select_option("#examples", label=page.locator("#examples option", has_text="Spending by function")
                       .first.inner_text())
    page.click("#run")
    page.wait_for_selector("#results table")
    rows = page.locator("#results table tr:has(td)")
    assert rows.count() == 6
    assert page.inner_text("#status").startswith("6 rows")
    first = rows.first.inner_text()
    assert "201" in first and "333.85" in first


def test_yasgui_runs_an_example_and_downloads_the_results(site: str, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from budgetkg.sparql import yasgui_version

    if yasgui_version() is None:
        pytest.skip("YASGUI is not vendored (make yasgui)")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site + "/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    option = page.locator("#examples option", has_text="Spending by function").first
    page.select_option("#examples", value=option.get_attribute("value"))
    assert "bkg:fiscalYear ?fy" in page.evaluate("window.yasgui.getTab().getYasqe().getValue()")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr_results table tbody tr")
    header = [h.strip() for h in page.locator(".yasr_results table thead th").all_inner_texts()]
    assert header[1:] == ["department", "year", "code", "name", "amount", "unit", "amountInYuan"]
    rows = page.locator(".yasr_results table tbody tr")
    assert rows.count() == 6
    first = [c.strip() for c in rows.first.locator("td").all_inner_texts()]
    # YASR writes literals in SPARQL syntax (datatype, language) except plain strings
    assert first == ["1", '"秦皇岛市山海关区南关街道办事处"@zh', '"2023"^^xsd:integer', "201", "一般公共服务支出",
                     '"333.85"^^xsd:decimal', '"万元"@zh', '"3338500"^^xsd:decimal']
    with page.expect_download() as download:
        page.click(".yasr_downloadIcon")
    saved = tmp_path / "results.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"department","year","code","name","amount","unit","amountInYuan"'
    assert len(lines) == 7
    assert lines[1] == '"秦皇岛市山海关区南关街道办事处","2023","201","一般公共服务支出","333.85","万元","3338500"'
    assert lines[6] == '"秦皇岛市山海关区南关街道办事处","2023","203","国防支出","2","万元","20000"'
    # nothing left this machine: every request went to our own server (or stayed in the page)
    outside = [u for u in requests if not u.startswith((site + "/", "data:", "blob:"))]
    assert outside == []
