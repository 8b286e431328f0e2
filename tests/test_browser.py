"""The built reports in a real browser: the system Chromium, driven by Playwright, offline.

The real notebooks are built once (with --pdf) into a temporary folder; every report and both
indexes are opened from file:// and must show no console error, make no request outside the
file itself, load every image, land every table-of-contents link on its heading and carry their
title. Each report links every curated source it cites to its entry (with the source's URL),
every CSV it offers opens with a plain ``pandas.read_csv``, no two figures share one CSV, and
nothing is echoed. A screenshot of each first page (A4 width) goes to
tests/output/screenshots/, and the counts to tests/output/browser_summary.json.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it); no browser is downloaded.
Without /usr/bin/chromium the module is skipped.
"""

from __future__ import annotations

import base64
import csv
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import CURATED_DIR, NOTEBOOKS_DIR
from analysis.pipeline.command import EXIT_OK, BuildOptions, build, discover
from analysis.pipeline.pdf import CHROMIUM_ARGS

CHROMIUM = Path("/usr/bin/chromium")
_SPEC = importlib.util.spec_from_file_location(
    "page_metrics", Path(__file__).parents[1] / "benchmarks" / "page_metrics.py"
)
page_metrics = importlib.util.module_from_spec(_SPEC)
sys.modules["page_metrics"] = page_metrics  # its dataclass looks its module up while defined
_SPEC.loader.exec_module(page_metrics)
OUTPUT = Path(__file__).parent / "output"
SCREENSHOTS = OUTPUT / "screenshots"
RUN_DATE = "2025-01-31"
A4_PX = {"width": 794, "height": 1123}  # 210 x 297 mm at 96 px per inch
SIZE_BUDGET = 5 * 1024 * 1024

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium); "
        "the browser test never downloads a browser",
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

REPORTS = [nb.name for nb in discover(NOTEBOOKS_DIR, [])]
PAGES = [*REPORTS, "run-index", "top-index"]
SUMMARY: dict[str, dict] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real reports, built once from the shipped notebooks and data, with PDFs."""
    out = tmp_path_factory.mktemp("browser") / "reports"
    options = BuildOptions(out=out, run_date=RUN_DATE, pdf=True)
    err = io.StringIO()
    status = build(options, io.StringIO(), err)
    assert status == EXIT_OK, err.getvalue()
    run = out / RUN_DATE
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    yield {"out": out, "run": run, "manifest": manifest}
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "browser_summary.json").write_text(
        json.dumps(SUMMARY, indent=2) + "\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


def page_file(built, name: str) -> tuple[Path, str]:
    """The page's file and the title it must have."""
    if name == "run-index":
        return built["run"] / "index.html", f"Mali extremism reports: reports of {RUN_DATE}"
    if name == "top-index":
        return built["out"] / "index.html", "Mali extremism reports: all runs"
    (entry,) = [nb for nb in built["manifest"]["notebooks"] if nb["name"] == name]
    return built["run"] / f"{name}.html", entry["title"]


@pytest.mark.parametrize("name", PAGES)
def test_page_in_chromium(built, browser, name):
    path, title = page_file(built, name)
    url = path.resolve().as_uri()
    context = browser.new_context(viewport=A4_PX, offline=True)
    page = context.new_page()
    errors, outside = [], []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    def inside(request_url: str) -> bool:
        return request_url.split("#")[0] == url or request_url.startswith("data:")

    # Every request is seen (and counted when it leaves the file); none reaches the network.
    page.on("request", lambda request: None if inside(request.url) else outside.append(request.url))
    page.route(
        "**/*", lambda route: route.continue_() if inside(route.request.url) else route.abort()
    )
    try:
        page.goto(url, wait_until="load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

        assert page.title() == title
        images = page.evaluate(
            "Array.from(document.images).map(i => ({complete: i.complete, width: i.naturalWidth, alt: i.alt}))"
        )
        assert all(i["complete"] and i["width"] > 0 for i in images), images
        assert all(i["alt"] for i in images), "every image has alt text"

        links = page.locator("nav.contents a")
        landed = 0
        for index in range(links.count()):
            link = links.nth(index)
            text = link.inner_text().strip()
            link.click()
            target = page.evaluate(
                """() => {
                    const t = document.querySelector(':target');
                    if (!t) return null;
                    const r = t.getBoundingClientRect();
                    const bottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
                    return {tag: t.tagName, text: t.textContent.replace('¶', '').trim(), top: r.top,
                            atBottom: bottom, height: window.innerHeight};
                }"""
            )
            assert target is not None, f"{text!r} lands on no element"
            assert target["tag"] in ("H2", "H3") and target["text"] == text, (text, target)
            # At the top of the window (scroll-padding), or as high as the end of the page allows.
            assert 0 <= target["top"] <= 24 or (
                target["atBottom"] and target["top"] < target["height"]
            ), (text, target)
            landed += 1
        if name in REPORTS:
            assert landed >= 3, "a report has a table of contents"
            (entry,) = [nb for nb in built["manifest"]["notebooks"] if nb["name"] == name]
            # every figure is embedded: inline SVG (with tooltips) or an image
            shown = page.evaluate(
                "Array.from(document.querySelectorAll('figure.report-figure'))"
                ".map(f => Boolean(f.querySelector('svg, img')))"
            )
            assert len(shown) == len(entry["figures"]) and all(shown)
        page.wait_for_timeout(100)  # late console messages
        assert errors == []
        assert outside == []
        SUMMARY[name] = {
            "title": title,
            "bytes": path.stat().st_size,
            "console_errors": len(errors),
            "external_requests": len(outside),
            "images_loaded": sum(1 for i in images if i["width"] > 0),
            "images": len(images),
            "contents_links_landed": landed,
        }
    finally:
        context.close()


@pytest.mark.parametrize("name", REPORTS)
def test_report_size_and_pdf(built, name):
    """Within the 5 MB budget, and printed to an A4 PDF by --pdf."""
    html_path = built["run"] / f"{name}.html"
    assert html_path.stat().st_size <= SIZE_BUDGET
    (entry,) = [nb for nb in built["manifest"]["notebooks"] if nb["name"] == name]
    assert f"{name}.pdf" in entry["files"] and entry["pdf_error"] is None
    pdf = (built["run"] / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert boxes and all(
        abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1 for w, h in boxes
    ), boxes
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 2
    SUMMARY.setdefault(f"{name}.pdf", {}).update({"bytes": len(pdf), "pages": pages})


def _csv_of(href: str) -> str:
    """The text of a data: link (base64, UTF-8)."""
    head, payload = href.split(",", 1)
    assert head == "data:text/csv;charset=utf-8;base64", head
    return base64.b64decode(payload).decode("utf-8")


@pytest.mark.parametrize("name", REPORTS)
def test_report_reads_at_desktop_and_phone_width_with_its_data(built, browser, name):
    """At 1280 px nothing needs a sideways scroll; at 390 px the page is one column; every
    figure and table has a data link whose CSV parses and matches what is shown; the key
    figure has hover titles; the spreadsheet is there; no console error, nothing fetched."""
    path = built["run"] / f"{name}.html"
    with page_metrics.open_page(browser, path, page_metrics.DESKTOP) as (page, log):
        desktop = page_metrics.measure(page, path, log)
        shown = page_metrics.items(page)
        # One link really downloaded by the browser, byte for byte the CSV of its href.
        links = [page.locator(f'a[download="{i["download"]}"]') for i in shown if i["href"]]
        link = next(link for link in links if link.is_visible())
        first = next(i for i in shown if i["download"] == link.get_attribute("download"))
        with page.expect_download() as download:
            link.click()
        downloaded = Path(download.value.path()).read_text(encoding="utf-8")
        assert download.value.suggested_filename == first["download"]
        assert downloaded == _csv_of(first["href"])
        page.wait_for_timeout(100)
    with page_metrics.open_page(browser, path, page_metrics.PHONE) as (page, log):
        phone = page_metrics.measure(page, path, log)
    print(f"\n{desktop.line()}")
    SUMMARY.setdefault(name, {}).update(
        {"main_body_words": desktop.words, "wide_tables_1280": len(desktop.wide_tables)}
    )
    assert not desktop.horizontal_scroll
    assert desktop.wide_tables == [], desktop.wide_tables
    assert not phone.horizontal_scroll and phone.side_by_side == 0 and phone.offscreen == 0, (
        phone.side_by_side,
        phone.offscreen,
    )
    assert desktop.console_errors == phone.console_errors == []
    assert desktop.outside_requests == phone.outside_requests == []

    figures = [item for item in shown if item["kind"] == "figure"]
    tables = [item for item in shown if item["kind"] == "table"]
    assert figures and tables
    assert figures[0]["svg"] and figures[0]["titles"] > 0, "the key figure has hover titles"
    for item in shown:
        if item["href"] is None:
            # only ACLED's event rows are withheld; a table too big to embed is in the spreadsheet
            assert item["withheld"], item
            assert "ACLED" in item["withheld"] or f"{name}.xlsx" in item["withheld"], item
            continue
        assert item["download"].endswith(".csv")
        text = _csv_of(item["href"])
        # A plain table: its header on the first line (sources and licences beside the link)
        frame = pd.read_csv(io.StringIO(text))
        assert list(frame.columns) == next(csv.reader([text.partition("\n")[0]])), item
        assert len(frame.columns) > 0, item["caption"]
        if item["kind"] == "table":
            assert list(frame.columns) == item["columns"], item["caption"]
            assert len(frame) == item["rows"], item["caption"]
    (entry,) = [nb for nb in built["manifest"]["notebooks"] if nb["name"] == name]
    assert f"{name}.xlsx" in entry["files"] and (built["run"] / f"{name}.xlsx").is_file()


#: What figure text must measure on screen (CSS px): nothing under 8 px, a median of about
#: 9 px on a 390 px phone and about 11 px at 1280 px (issue 24).
SMALLEST_PX = 8.0
PHONE_MEDIAN_PX = (8.8, 10.5)
DESKTOP_MEDIAN_PX = (10.2, 12.5)


def _register_colours() -> dict[tuple[str, str], str]:
    """(kind, key as the page's ids spell it) -> the register's colour, as CSS rgb()."""
    from matplotlib.colors import to_rgb

    from analysis.core.vocab import AFFILIATIONS, EVENT_TYPES
    from analysis.curated.tables import load_table
    from analysis.figures import colours

    keys = {
        "group": [*load_table("groups")["group_id"], colours.OTHER, colours.UNATTRIBUTED],
        "type": list(EVENT_TYPES),
        "affiliation": list(AFFILIATIONS),
        "country": list(colours.COUNTRY_COLOURS),
    }

    def css(colour: str) -> str:
        red, green, blue = (round(255 * c) for c in to_rgb(colour))
        return f"rgb({red}, {green}, {blue})"

    return {
        (kind, colours.slug(key)): css(colours.colour(kind, key))
        for kind, names in keys.items()
        for key in names
    }


@pytest.mark.parametrize("name", REPORTS)
def test_report_figures_read_on_a_phone_and_a_desktop_in_one_colour_per_group(built, browser, name):
    """Every figure's text measures at least 8 px on screen at 390 px (median about 9) and
    about 11 px at 1280 px; each group, event type, affiliation and country has one colour,
    the register's, in every figure and both drawings; every milestone numbered on a figure is
    in the key under it."""
    path = built["run"] / f"{name}.html"
    sizes, tagged = {}, []
    for viewport in (page_metrics.PHONE, page_metrics.DESKTOP):
        with page_metrics.open_page(browser, path, viewport) as (page, log):
            text = page_metrics.figure_text(page)
            sizes[viewport["width"]] = text
            print(f"\n{name}: {text.line()}")
            if viewport is page_metrics.PHONE:
                tagged = page_metrics.figure_colours(page)
                keys = page_metrics.milestone_keys(page)
    phone, desktop = sizes[390], sizes[1280]
    SUMMARY.setdefault(name, {}).update(
        {
            "figure_text_390": {"min": round(phone.smallest, 1), "median": round(phone.median, 1)},
            "figure_text_1280": {
                "min": round(desktop.smallest, 1),
                "median": round(desktop.median, 1),
            },
        }
    )
    for text in (phone, desktop):
        # every figure is inline SVG with its text as text, and all of it was measured
        assert text.figures and text.measured == text.figures, text.per_figure
        assert text.smallest >= SMALLEST_PX, (text.width, text.smallest)
    assert PHONE_MEDIAN_PX[0] <= phone.median <= PHONE_MEDIAN_PX[1], phone.median
    assert DESKTOP_MEDIAN_PX[0] <= desktop.median <= DESKTOP_MEDIAN_PX[1], desktop.median

    register = _register_colours()
    seen: dict[tuple[str, str], set[str]] = {}
    for element in tagged:
        seen.setdefault((element["kind"], element["key"]), set()).add(element["colour"])
    if name != "public_opinion":  # its figures show answers and questions, not groups
        assert seen, "the report's figures colour groups or event types"
    for (kind, key), found in seen.items():
        assert found == {register[(kind, key)]}, (kind, key, found)
    for figure in keys:
        assert figure["key"] == [str(n) for n in range(1, len(figure["key"]) + 1)], figure
        assert set(figure["key"]) <= set(figure["drawn"]), figure


def test_page_metrics_measure_what_they_say(browser, tmp_path):
    """benchmarks/page_metrics.py on a hand-written page: 8 main-body words (the appendix and
    the figure's text not counted), one table wider than its 600 px column, two blocks side by
    side, and a horizontal scroll from a 2000 px wide paragraph."""
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
        "<main style='width:600px'>"
        "<p>One two three, four.</p>"  # 4 words
        "<figure class='report-figure'><svg width='10' height='10'><text>not counted</text>"
        "</svg></figcaption></figure>"
        "<table><caption>Wide</caption><tr><td style='min-width:900px'>five</td></tr></table>"
        "<p style='float:left;width:200px'>six</p><p style='float:left;width:200px'>seven</p>"
        "<p style='clear:both;width:2000px'>&nbsp;—&nbsp;</p>"
        "<section class='appendix'><p>eight nine ten</p></section>"
        "</main></body></html>",
        encoding="utf-8",
    )
    metrics = page_metrics.page_metrics(browser, page_file, page_metrics.DESKTOP)
    assert metrics.words == 8  # 4 + the caption + five, six, seven
    assert [t["caption"] for t in metrics.wide_tables] == ["Wide"]
    assert metrics.side_by_side == 1
    assert metrics.horizontal_scroll
    assert metrics.console_errors == [] and metrics.outside_requests == []


def _sources() -> dict[str, str]:
    """The curated bibliography the build read: source id -> URL ('' when it has none)."""
    frame = pd.read_csv(CURATED_DIR / "sources.csv", dtype=str, keep_default_na=False)
    return dict(zip(frame["source_id"], frame["url"], strict=True))


def _plain_csv(text: str, where: str) -> pd.DataFrame:
    """The CSV as a plain ``pandas.read_csv`` reads it, its header the first line's cells."""
    frame = pd.read_csv(io.StringIO(text))
    header = next(csv.reader([text.partition("\n")[0]]))
    assert list(frame.columns) == header, where
    assert not any(str(c).startswith(("#", "Unnamed:")) for c in frame.columns), where
    return frame


@pytest.mark.parametrize("name", REPORTS)
def test_report_cites_its_sources_and_its_data_opens_cleanly(built, browser, name):
    """Per report: every curated source it cites is a numbered link to its entry, and every
    entry of a source with a URL links that URL (no id left bare); every CSV (the page's data
    links and the files of the figures folder) opens with a plain read_csv, header first; no
    two figures share one CSV; no value echoed by a cell, no paragraph that is a lone number."""
    path = built["run"] / f"{name}.html"
    with page_metrics.open_page(browser, path, page_metrics.DESKTOP) as (page, log):
        cited = page_metrics.citations(page, _sources())
        echoed = page_metrics.echoes(page)
        shown = page_metrics.items(page)
    print(
        f"\n{name}: {cited['cited']} cited sources, {cited['cited_with_url']} with a URL, "
        f"{cited['linked']} linked; {len(echoed['results'])} echoed values, "
        f"{len(echoed['lone_numbers'])} lone numbers"
    )
    SUMMARY.setdefault(name, {}).update(
        {k: cited[k] for k in ("cited", "cited_with_url", "linked", "entries")}
    )
    assert cited["bare_ids"] == [] and cited["dangling_links"] == []
    assert cited["cited_with_url"] > 0 and cited["linked"] == cited["cited_with_url"]
    assert echoed == {"results": [], "lone_numbers": []}
    assert log["errors"] == [] and log["outside"] == []

    # The page's CSVs: each figure's its own.
    figure_csvs = {}
    for item in shown:
        if item["href"] is None:
            continue
        text = _csv_of(item["href"])
        _plain_csv(text, item["caption"])
        if item["kind"] == "figure":
            assert text not in figure_csvs.values(), (item["caption"], item["download"])
            figure_csvs[item["download"]] = text
    # The figures folder: every CSV plain, as its metadata file describes it.
    folder = built["run"] / "figures" / name
    files = sorted(folder.glob("*.csv"))
    assert files
    for file in files:
        frame = _plain_csv(file.read_text(encoding="utf-8"), file.name)
        about = json.loads(file.with_suffix(".metadata.json").read_text(encoding="utf-8"))
        assert about["file"] == file.name and about["columns"] == list(map(str, frame.columns))
        assert about["rows"] == len(frame) and about["sources"], file.name
    figure_files = [
        (folder / entry["file"]).read_bytes()
        for entry in map(json.loads, (folder / "takeaway.jsonl").read_text().splitlines())
        if entry["kind"] == "figure" and (folder / entry["file"]).is_file()
    ]
    assert len(figure_files) == len(set(figure_files)), "two figures share one CSV"


def test_citation_and_echo_checks_count_what_they_say(browser, tmp_path):
    """The checks above on a hand-made page: two sources cited by link (one with a URL its
    entry links, one without a URL; a link from a table or the key findings, or a plain one
    from prose), one left as a bare id, one link to no entry, one value echoed by a cell and
    one lone number."""
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
        "<section class='key-findings'><ul><li>Formed (sources: <a class='ref' href='#ref-1'>"
        "[1]</a>).</li></ul></section><main><p>Formed (<a href='#ref-2'>[2]</a>).</p>"
        "<table><tr><td><a class='ref' href='#ref-2'>[2]</a> <a class='ref' href='#ref-9'>[9]"
        "</a></td><td>strength (bare-<wbr>id-<wbr>2020).</td></tr></table>"
        "<p>1,234</p><div class='jp-OutputArea-executeResult'>8</div>"
        "</main><footer><ol>"
        "<li id='ref-1'>A. <a href='https://a.example'>https://a.example</a> "
        "<span class='ref-id'>(with-url-2019)</span></li>"
        "<li id='ref-2'>B. <span class='ref-id'>(no-url-2018)</span></li>"
        "</ol></footer></body></html>",
        encoding="utf-8",
    )
    sources = {
        "with-url-2019": "https://a.example",
        "no-url-2018": "",
        "bare-id-2020": "https://c.example",
        "never-cited": "https://d.example",
    }
    with page_metrics.open_page(browser, page_file, page_metrics.DESKTOP) as (page, _):
        cited = page_metrics.citations(page, sources)
        echoed = page_metrics.echoes(page)
    assert cited == {
        "cited": 3,  # with-url-2019 and no-url-2018 linked, bare-id-2020 bare
        "cited_with_url": 2,
        "linked": 1,  # the bare id's URL is linked nowhere
        "bare_ids": ["bare-id-2020"],
        "dangling_links": ["#ref-9"],
        "entries": 2,
    }
    assert echoed == {"results": ["8"], "lone_numbers": ["1,234"]}


def test_figure_text_and_colours_measure_what_they_say(browser, tmp_path):
    """On a hand-written page: an SVG 100 units wide shown 200 px wide doubles its text (font
    size 10 and, rotated, 6 -> 20 and 12 px); a drawing hidden by the page's CSS is not
    measured; a tagged element's colour is read from its fill, or its pattern's, or its stroke
    when it has no fill."""
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
        "<figure class='report-figure'>"
        "<svg class='figure-svg' viewBox='0 0 100 50' style='width:200px'>"
        "<defs><pattern id='h1'><rect fill='#5f5f5f'/></pattern></defs>"
        "<text x='5' y='20' style='font: 10px sans-serif'>a</text>"
        "<text x='5' y='40' transform='rotate(-90 5 40)' style='font: 6px sans-serif'>b</text>"
        "<g id='f1-hover1-group-jnim'><path d='M0 0h5v5z' style='fill: #0173b2'/></g>"
        "<g id='f1-hover2-group-gatia'><path d='M0 0h5v5z' style='fill: url(#h1)'/></g>"
        "<g id='f1-hover3-type-battle'><path d='M0 0h5v5z' style='fill: none; stroke: #de8f05'/>"
        "</g></svg>"
        "<svg class='figure-svg' viewBox='0 0 100 50' style='display:none'>"
        "<text style='font: 3px sans-serif'>hidden</text></svg>"
        "</figure></body></html>",
        encoding="utf-8",
    )
    with page_metrics.open_page(browser, page_file, page_metrics.DESKTOP) as (page, _log):
        text = page_metrics.figure_text(page)
        tagged = page_metrics.figure_colours(page)
    assert sorted(round(size, 3) for size in text.sizes) == [12.0, 20.0]
    assert (text.figures, text.measured, text.smallest, text.median) == (1, 1, 12.0, 16.0)
    assert [(t["kind"], t["key"], t["colour"]) for t in tagged] == [
        ("group", "jnim", "rgb(1, 115, 178)"),
        ("group", "gatia", "rgb(95, 95, 95)"),
        ("type", "battle", "rgb(222, 143, 5)"),
    ]
