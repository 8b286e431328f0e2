"""Plain words (issue 24, item 7): the group, opinion and attack reports, assembled from hand-made
inputs, and the report page and indexes say nothing in machine talk or unexplained jargon.

Every reader-facing text of a report object is gathered: its title, lede and key findings, each
section's prose, tables (caption, headers, cells), figures (caption, source line, every text
drawn in the image and every hover label) and no-data notes. None may hold a repository or
machine path, a command, a code identifier or the jargon the issue names (BANNED); each report
carries its glossary ("Words used in this report"), which alone may quote UCDP's own word
'dyad', and its data coverage notes, where data missing on the machine that built it is told.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from bs4 import BeautifulSoup
from matplotlib.text import Text as DrawnText
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import config
from analysis.curated.tables import load_polls
from analysis.pipeline import html as report_html
from analysis.pipeline import index as report_index
from analysis.pipeline.changes import compare
from analysis.reports import attack_appendix, attack_coverage, coverage_notes, glossary, hover, page
from analysis.reports import group_evolution as ge
from analysis.reports import public_opinion as po
from analysis.reports.parts import Chart, NoData, Report, Table, Text
from analysis.sources import register
from analysis.tables import coverage
from tests import attack_report
from tests.test_report_group_evolution import ACTORS, BRD
from tests.test_report_group_evolution import build as build_group
from tests.test_report_group_evolution import params as group_params
from tests.test_report_html import manifest
from tests.test_report_public_opinion import data as opinion_data
from tests.test_report_public_opinion import hand_round, qmap, toplines  # noqa: F401 (fixtures)

#: What a reader must never meet (case-insensitive): paths, file names, commands, code
#: identifiers, and the jargon issue 24 names ('kish design effect', 'psu: none in file',
#: 'n<min', 'dyad-year').
BANNED: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "dyad": r"dyad",
        "kish": r"kish",
        "psu": r"\bpsu\b",
        "n<min": r"n\s*<\s*min",
        "data/ path": r"(?<![/\w])data/",  # a URL's '/data/' is the publisher's page
        "../ path": r"\.\./",
        "csv file name": r"\w\.csv\b",
        "other file name": r"\w\.(?:geojson|xlsx|zip|sav)\b",
        "python file name": r"\w\.py\b",
        "make target": r"\bmake (data|report|test|setup)\b",
        "this machine": r"this machine",
        "python -m": r"python -m",
        "parameter": r"parameter",
        "data_source": r"data_source",
        "country =": r"country\s*=",
        "microdata": r"microdata",
        "weight variable": r"withinwt",
        "code identifier": r"\b[a-z]+_(?:id|from|into|to|with|by|effect)\b",
    }.items()
}
#: Afrobarometer's Mali partner by its acronym alone ('Afrobarometer (GREAT)'): case matters.
ACRONYM = re.compile(r"\bGREAT\b")


def offences(texts: list[str]) -> list[tuple[str, str]]:
    """Each banned phrase found, with the text it was found in."""
    found = [(name, t) for t in texts for name, p in BANNED.items() if p.search(t)]
    return found + [("GREAT", t) for t in texts if ACRONYM.search(t)]


def block_texts(block, build_hints: list[str]) -> list[str]:
    """What a reader sees of one block; a no-data note's build hint is kept apart (the page
    never shows it)."""
    if isinstance(block, Text):
        return [block.plain()]
    if isinstance(block, NoData):
        build_hints.append(block.build_hint)
        return [block.what, block.how_to_get]
    if isinstance(block, Table):
        cells = [str(cell) for cell in block.frame.to_numpy().ravel()]
        return [block.caption, *map(str, block.frame.columns), *cells]
    assert isinstance(block, Chart)
    sources = [block.source] if isinstance(block.source, str) else list(block.source)
    fig = page.draw_chart(block)
    drawn = [t.get_text() for t in fig.findobj(DrawnText)]
    tooltips = [label for labels in hover.label_artists(fig).values() for label in labels]
    plt.close(fig)
    return [block.caption, *sources, *drawn, *tooltips]


def reader_texts(report: Report, glossary_key: str) -> tuple[list[str], list[str], list[str]]:
    """The report's reader-facing texts (its glossary apart), the texts drawn in its figures,
    and the build hints its no-data notes and sections carry."""
    texts = [report.title or "", report.lede or "", *report.key_findings]
    hints: list[str] = []
    for key, section in report.sections.items():
        hints += section.build_hints
        if key != glossary_key:
            for block in section.blocks:
                texts += block_texts(block, hints)
    drawn = [t for c in report.charts() for t in block_texts(c, [])]
    return texts, drawn, [h for h in hints if h]


def glossary_text(report: Report, key: str) -> str:
    (entries,) = report[key].blocks
    return entries.plain()


def notebook_markdown(name: str, computed_title: bool = False) -> list[str]:
    """The Markdown cells of a shipped notebook that the page shows: its headings, and its
    title cell unless the report computes its title and lede (the page then replaces the cell,
    which speaks to whoever edits the notebook)."""
    nb = json.loads((config.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return cells[1:] if computed_title else cells


# --- the group-evolution report -------------------------------------------------------------


def test_group_report_with_ucdp_speaks_plainly(tmp_path):
    brd = tmp_path / "BattleDeaths_v24_1.csv"
    brd.write_text(BRD, encoding="utf-8")
    report = build_group(group_params(source="curated+ucdp"), actor_path=ACTORS, brd_path=brd)
    texts, drawn, hints = reader_texts(report, "appendix-glossary")
    assert offences(texts) == []
    assert hints == []  # every dataset was read: nothing for the build's log
    # The battle-deaths figure's legend and hover labels name the two sides (the 'other
    # pairs' and 'hollow' legends: tests/test_figures_groups.py).
    assert "Mali – MUJAO" in drawn and "Mali – MUJAO: 2013: 333" in drawn
    assert any(f.startswith("In UCDP's battle deaths, the deadliest year") for f in texts)
    # The UCDP comparison: groups by name, relations in words, rows of the lineage table.
    (_, where) = report["appendix-ucdp"].tables()
    details = " ".join(where.frame["Detail"].astype(str))
    assert "curated: MNLA joined CMA (lineage row 17)" in details
    assert list(where.frame.columns) == ["Row", "Lineage row", "UCDP actor and field", "Detail"]
    # The glossary explains UCDP's word, the one place it appears.
    words = glossary_text(report, "appendix-glossary")
    assert "**Government-versus-group pair (UCDP's 'dyad').**" in words
    assert "'dyad-year'" in words and "'dyadic'" in words
    assert texts_of_section(report, "appendix-coverage")[0].startswith(
        "This edition read every dataset the report can use"
    )


def texts_of_section(report: Report, key: str) -> list[str]:
    return [b.plain() for b in report[key].blocks if isinstance(b, Text)]


def test_group_report_without_ucdp_files_tells_readers_not_machines(tmp_path, monkeypatch):
    # No UCDP file anywhere on this 'machine': empty download and shared folders.
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "shared")
    monkeypatch.setattr(ge.ucdp, "find_actor_file", lambda: None)
    report = build_group(group_params(source="curated+ucdp"))
    texts, _, hints = reader_texts(report, "appendix-glossary")
    assert offences(texts) == []
    # What to run goes to the build's log: both hints name the command, never the page.
    assert len(hints) == 3  # the actor file (body and appendix) and the battle deaths
    assert all("python -m analysis data fetch" in h for h in hints)
    assert not any("UCDP" in f and "Dataset" in f for f in report.key_findings)
    body = [b.what for b in report["battle-deaths"].blocks if isinstance(b, NoData)]
    assert body == ["this edition was built without the UCDP Battle-Related Deaths Dataset"]
    _, notes = texts_of_section(report, "appendix-coverage")
    assert notes.count("(not available when this edition was built)") == 2
    assert notes.count("offers it at https://ucdp.uu.se/downloads/") == 2


def test_group_notebook_headings_and_appendix():
    markdown = notebook_markdown("group_evolution", computed_title=True)
    assert offences(markdown) == []
    assert "## Battle deaths, government against each group (UCDP)" in markdown
    appendix = markdown[markdown.index(next(m for m in markdown if m.startswith("## Appendix"))) :]
    assert [m for m in appendix if m.startswith("### ")][-2:] == [
        f"### {coverage_notes.HEADING}",
        f"### {glossary.HEADING}",
    ]
    assert list(ge.APPENDIX)[-2:] == ["appendix-coverage", "appendix-glossary"]


# --- the public-opinion report --------------------------------------------------------------


def test_opinion_report_speaks_plainly(toplines, qmap):  # noqa: F811
    # Ten respondents a round: round 6 has 3 in Kayes, 3 in Tombouctou, 4 in Bamako; round 7
    # has 5, 2 and 3. With a minimum of 4, by hand: Kayes R6, Tombouctou R6 and R7 and Bamako
    # R7 have too few respondents (4 cells), Bamako R6 and Kayes R7 are shown.
    answers = {"TA": [2, 2, 2, 1, 1, 1, 1, 1, 1, 1], "AF": [2, 2, 2, 2, 2, 2, 2, 2, 1, 1]}
    six = hand_round(6, answers, "2014-12-01", "2014-12-14")
    seven = hand_round(
        7,
        answers | {"FE": [2, 2, 2, 2, 1, 1, 1, 1, 1, 9], "UJ": [2, 1, 1, 1, 1, 1, 1, 1, 1, 1]},
        "2017-02-08",
        "2017-02-24",
        regions=[501] * 5 + [506] * 2 + [509] * 3,
    )
    report = po.report(opinion_data({6: six, 7: seven}, toplines, qmap, min_sample=4))
    texts, drawn, hints = reader_texts(report, "glossary")
    assert offences(texts) == []
    assert hints == []
    assert drawn.count("too few\nrespondents") == 4
    assert not any("n<min" in t for t in drawn)
    assert any(t.endswith("A cell with fewer than 4 respondents is not shown ('too few "
                          "respondents').") for t in texts)  # fmt: skip
    (rounds_table,) = report["asked"].tables()
    assert list(rounds_table.frame.columns) == [
        "round",
        "fieldwork",
        "respondents",
        "design effect (weights)",
        "clusters identified",
        "note",
    ]
    assert rounds_table.frame["clusters identified"].tolist() == ["no", "no"]
    words = glossary_text(report, "glossary")
    for term in ("**Design effect.**", "**Clusters (sampling areas).**", "**Afrobarometer.**"):
        assert term in words
    # The minimum the report was given, filled in.
    assert "fewer than 4 respondents (a region in a round" in words


def test_opinion_report_without_afrobarometer_files(toplines, qmap):  # noqa: F811
    built = po.report(opinion_data({}, toplines, qmap))
    texts, _, hints = reader_texts(built, "glossary")
    assert offences(texts) == []
    # The files' absence: no key finding, the build's log, a coverage note with the publisher.
    assert not any("Afrobarometer" in f and "available" in f for f in built.key_findings)
    assert hints and all("data/raw/afrobarometer" in h for h in hints)
    _, notes = texts_of_section(built, "coverage")
    assert notes.startswith("- **Afrobarometer survey data, Mali** (not available when")
    assert "offers it at https://www.afrobarometer.org/data/ (free registration)" in notes


def test_opinion_notebook_and_published_pollsters():
    markdown = notebook_markdown("public_opinion")
    assert offences(markdown) == []
    assert "### Words used in this report" in markdown and "### Data coverage" in markdown
    # Afrobarometer's published figures are Afrobarometer's, not '(GREAT)': the pollster
    # column is what the key findings, figures and tables name.
    pollsters = load_polls(config.CURATED_DIR)["pollster"]
    assert not pollsters.str.contains(ACRONYM).any()
    assert (pollsters == "Afrobarometer").sum() == 14


# --- the attack-trends report ---------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
#: Hand-made OWID and UCDP BRD files (tests/fixtures/attack_trends) and the minimal curated
#: tables (two events: Bamako 2015, Indelimane 2019), as tests/test_report_attack_trends.py.
ATTACK_RAW = FIXTURES / "attack_trends" / "raw"
CURATED_MIN = FIXTURES / "curated_min"


@pytest.fixture
def annual_only(tmp_path, monkeypatch):
    """data/raw holds OWID and UCDP BRD, no event data; no ../shared/data (no boundaries)."""
    monkeypatch.setattr(config, "RAW_DIR", ATTACK_RAW)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED_MIN)


def attack_notes(built: attack_report.Built) -> list[str]:
    """The attack report's data coverage notes (the appendix's bullets), one per dataset."""
    (bullets,) = [
        b.plain()
        for b in built.report["appendix-coverage"].blocks
        if isinstance(b, Text) and b.plain().startswith("- ")
    ]
    return bullets.splitlines()


def test_attack_report_from_the_chronology_speaks_plainly(annual_only):
    built = attack_report.build(CURATED_MIN)
    texts, drawn, hints = reader_texts(built.report, "appendix-glossary")
    assert offences(texts) == [] and offences(drawn) == []
    # No key finding about the machine: the first says what the counts rest on, in words.
    assert built.report.key_findings[0].startswith(
        "The counts and trends of this brief come from UCDP's annual series"
    )
    assert not any("machine" in f or "make data" in f for f in built.report.key_findings)
    # Each event source this edition was built without is a coverage note: why, what the
    # report leaves out, where its publisher offers it; so are Mali's boundaries. OWID and BRD
    # were read: no note.
    notes = attack_notes(built)
    assert [n.split("** ")[0] for n in notes] == [
        "- **Armed Conflict Location & Event Data (ACLED), export",
        "- **UCDP Georeferenced Event Dataset (GED) Global",
        "- **Armed Conflict Location & Event Data (ACLED), aggregated data (weekly regional "
        "files, or HDX's monthly files per country)",
        "- **Mali regions (ADM1 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)",
        "- **Mali cercles (ADM2 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)",
    ]
    assert notes[0].endswith(
        "(not available when this edition was built). Without it, the report leaves out "
        f"{attack_coverage.CENSUS_LEFT_OUT} (UCDP's GED, which also lists every event, would give "
        "them too). ACLED offers it at https://acleddata.com (free account) (licence: ACLED "
        "Terms of Use and attribution policy (not redistributed by this project))."
    )
    # ... and is not said again among the sources not used
    assert not any(
        t.startswith("Not used: ") for t in texts_of_section(built.report, "appendix-coverage")
    )
    # The commands and folders go to the build's log.
    assert any("data/raw/acled/" in h for h in hints)
    assert any("python -m analysis data fetch ucdp-ged" in h for h in hints)
    # The datasets table: no file, no folder, where each publisher offers it.
    datasets = built.tables["datasets"].frame.set_index("dataset")
    assert datasets.columns.tolist() == ["status", "where the publisher offers it"]
    assert datasets["status"].to_dict() == {
        "Curated chronology of major incidents (this project)": "read",
        "Armed Conflict Location & Event Data (ACLED), export": NOT_AVAILABLE,
        "Armed Conflict Location & Event Data (ACLED), aggregated data (weekly regional files, "
        "or HDX's monthly files per country)": NOT_AVAILABLE,
        "UCDP Georeferenced Event Dataset (GED) Global": NOT_AVAILABLE,
        "UCDP Candidate Events Dataset (monthly candidate GED releases)": NOT_AVAILABLE,
        "UCDP Battle-Related Deaths Dataset": "read",
        "Our World in Data: deaths in armed conflicts by where they occurred": "read",
        # a report on Mali can use Mali's boundaries: none here
        "Mali regions (ADM1 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)": NOT_AVAILABLE,
        "Mali cercles (ADM2 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)": NOT_AVAILABLE,
    }
    # UCDP's word is explained in the glossary, the one place it appears; the Sahel tables say
    # "government-versus-group" (like with like: each government's own pairs in the brief).
    words = glossary_text(built.report, "appendix-glossary")
    assert "**Government-versus-group pair (UCDP's 'dyad').**" in words
    assert built.tables["sahel-brd"].frame.columns.tolist() == [
        "country",
        "battle deaths, own government against armed groups",
        "government-versus-group years",
    ]


NOT_AVAILABLE = "not available when this edition was built"


def test_attack_report_as_a_census_without_boundaries(annual_only):
    # The same inputs read as a census: the maps need Mali's boundaries, which this edition
    # was built without (no ../shared/data): each map says so, and the appendix says why.
    built = attack_report.as_census(attack_report.build(CURATED_MIN))
    texts, drawn, hints = reader_texts(built.report, "appendix-glossary")
    assert offences(texts) == [] and offences(drawn) == []
    assert built.missing["map-cercles"].what == (
        "maps per cercle: this edition was built without the boundaries of Mali's cercles"
    )
    assert built.missing["map-cercles"].how_to_get == coverage_notes.WHERE
    notes = attack_notes(built)
    assert [n.split("** ")[0] for n in notes] == [
        "- **Mali regions (ADM1 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)",
        "- **Mali cercles (ADM2 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)",
    ]
    assert (
        "Without it, the report leaves out the maps of events and deaths per cercle." in (notes[1])
    )
    assert any("python -m analysis data fetch geoboundaries-adm2" in h for h in hints)


def test_attack_report_without_the_annual_series(tmp_path, monkeypatch):
    # Nothing in data/raw: no OWID, no BRD, no event data; the curated chronology only.
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED_MIN)
    built = attack_report.build(CURATED_MIN)
    texts, _, hints = reader_texts(built.report, "appendix-glossary")
    assert offences(texts) == []
    # No finding about the missing series: a coverage note of the appendix instead.
    assert not any("Our World in Data" in f and "2021" in f for f in built.report.key_findings)
    assert built.report.key_findings == (
        "This brief counts nothing: this edition has no event data that lists every attack in "
        "Mali (ACLED or UCDP GED; appendix, data coverage), nor UCDP's annual series for the "
        "period. The curated chronology (2 major incidents) is a selection, shown as a "
        "timeline, not counted.",
    )
    notes = attack_notes(built)
    owid = next(n for n in notes if n.startswith("- **Our World in Data"))
    assert owid == (
        "- **Our World in Data: deaths in armed conflicts by where they occurred** (not "
        "available when this edition was built). Without it, the report leaves out the "
        "national death toll per year, its key finding, the annual change points and the Sahel "
        "comparison. Our World in Data, from UCDP data offers it at "
        "https://ourworldindata.org/grapher/deaths-in-armed-conflicts-based-on-where-they-"
        "occurred (licence: CC BY 4.0 (Our World in Data; underlying UCDP data CC BY 4.0))."
    )
    assert any(
        n.startswith("- **UCDP Battle-Related Deaths Dataset** (not available") for n in notes
    )
    national = built.missing["national-trend-ucdp"]
    assert national.what == (
        "UCDP's national series: this edition was built without Our World in Data's series of "
        "conflict deaths (from UCDP) and UCDP's battle-related deaths"
    )
    assert "python -m analysis data fetch owid-deaths" in national.build_hint
    assert built.missing["sahel-comparison"].how_to_get == coverage_notes.WHERE


@pytest.fixture
def acled_exports(tmp_path, monkeypatch):
    """data/raw/acled holds the hand-made two-country ACLED exports (tests/fixtures/
    acled_two_countries); no annual series, no boundaries."""
    folder = tmp_path / "raw" / "acled"
    folder.mkdir(parents=True)
    for name in ("conflict_data_mli.csv", "conflict_data_bfa.csv"):
        shutil.copy(FIXTURES / "acled_two_countries" / name, folder)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setenv("MALI_RUN_DATE", "2026-12-08")


@pytest.mark.parametrize("country", ["Mali", "Burkina Faso"])
def test_attack_report_from_acled_exports_speaks_plainly(acled_exports, country):
    built = attack_report.build(None, country=country)
    assert built.inputs.selection.dataset == "acled"
    texts, drawn, hints = reader_texts(built.report, "appendix-glossary")
    assert offences(texts) == [] and offences(drawn) == []
    # Every event source was read: no note about them; the annual series were not.
    notes = attack_notes(built)
    assert [n.split("** ")[0] for n in notes][:2] == [
        "- **Our World in Data: deaths in armed conflicts by where they occurred",
        "- **UCDP Battle-Related Deaths Dataset",
    ]
    assert not any(n.startswith("- **Armed Conflict") for n in notes)
    # The file names read are the build's (and the manifest's), not the page's.
    assert not any("conflict_data_" in t for t in texts)
    assert any("make data" in h for h in hints)


def test_attack_report_on_the_default_data_with_acled_speaks_plainly(tmp_path, monkeypatch):
    # The build the issue checks: UCDP's series and Mali's boundaries from ../shared/data, and
    # Mali's ACLED export in data/raw/acled.
    shared = config.SHARED_DATA_DIR
    if not (shared / "mali_boundaries").is_dir() or not (shared / "ucdp_brd_v24_1").is_dir():
        pytest.skip("../shared/data (boundaries, UCDP BRD 24.1, OWID) is absent on this machine")
    folder = tmp_path / "raw" / "acled"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "acled_two_countries" / "conflict_data_mli.csv", folder)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setenv("MALI_RUN_DATE", "2026-12-08")
    built = attack_report.build(None, country="Mali")
    texts, drawn, hints = reader_texts(built.report, "appendix-glossary")
    assert offences(texts) == [] and offences(drawn) == []
    assert "map-regions" in built.charts and "map-cercles" in built.charts
    # The boundaries by who made them, not by their file names (which the manifest keeps).
    assert (
        "Boundaries: 9 regions and 50 cercles (the 2015 boundaries of OCHA Mali and DNCT, "
        "through geoBoundaries)."
    ) in built.texts("where")
    # Everything the parts need was read: the coverage notes say so, and nothing is asked of
    # whoever builds the report.
    assert texts_of_section(built.report, "appendix-coverage")[0] == attack_appendix.ALL_READ
    assert hints == []


def test_what_a_reader_left_out_names_the_dataset_not_the_file(tmp_path, monkeypatch):
    # An ACLED export whose first event is repeated twice: each is counted once, and the note
    # that says so names the dataset for readers, the file for the build's log.
    folder = tmp_path / "raw" / "acled"
    folder.mkdir(parents=True)
    lines = (FIXTURES / "events" / "acled_export_current.csv").read_text(encoding="utf-8")
    rows = lines.splitlines(keepends=True)
    export = folder / "export.csv"
    export.write_text("".join(rows + [rows[1], rows[1]]), encoding="utf-8")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    rest = (
        "2 row(s) repeat an earlier row's event id with the same values (e.g. data row 11 "
        "repeats data row 1, MLI90001): each event is counted once."
    )
    for asked in ("auto", "acled"):
        chosen = coverage.select_events(asked, "Mali", "2021-01-01", "2021-12-31")
        assert chosen.dataset == "acled"
        assert chosen.notes == [f"{coverage.TITLES['acled']}: {rest}"], asked
        assert chosen.build_hints == [f"{config.display_path(export)}: {rest}"], asked


def test_attack_notebook_headings_and_appendix():
    markdown = notebook_markdown("attack_trends", computed_title=True)
    assert offences(markdown) == []
    appendix = markdown[markdown.index(next(m for m in markdown if m.startswith("## Appendix"))) :]
    assert [m for m in appendix if m.startswith("### ")][-2:] == [
        f"### {coverage_notes.HEADING}",
        f"### {glossary.HEADING}",
    ]
    shows = notebook_code("attack_trends")
    assert shows[-2:] == [
        'page.show(report, "appendix-coverage")',
        'page.show(report, "appendix-glossary")',
    ]


def notebook_code(name: str) -> list[str]:
    """The code cells of a shipped notebook, in order."""
    nb = json.loads((config.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


# --- the register, the report page and the indexes ------------------------------------------


@pytest.mark.parametrize(
    "key", ["curated", "curated-events", "ucdp-actor", "ucdp-brd", "owid", "afrobarometer"]
)
def test_register_names_datasets_in_readers_words(key):
    dataset = register.entry(key)
    shown = [dataset.title, dataset.short, dataset.publisher, dataset.licence]
    assert offences(shown) == []
    # A citation may keep a dataset's own name (UCDP's '(dyadic)' file), never a path.
    assert offences([dataset.citation.replace("(dyadic)", "")]) == []
    assert "GREAT" not in dataset.publisher


def visible_text(page_html: str) -> list[str]:
    soup = BeautifulSoup(page_html, "html.parser")
    for hidden in soup(["script", "style", "title", "meta"]):
        hidden.decompose()
    for citation in soup.select(".source-cite"):  # the datasets' own names (see above)
        citation.decompose()
    return [line.strip() for line in soup.get_text("\n").splitlines() if line.strip()]


def test_report_page_header_says_scope_not_parameters():
    nb = new_notebook(
        cells=[new_markdown_cell("# A report\n\nWhat it does."), new_code_cell("x = 1")]
    )
    facts = {
        "parameters": {"country": "Mali", "start_date": "2012-01-01", "end_date": "2025-12-31"},
        "parameters_text": "Mali, 2012-01-01 to 2025-12-31, all groups",
        "changes": {"summary": compare(None, ["A finding."])["summary"]},
    }
    text = visible_text(report_html.to_html(nb, facts))
    assert offences(text) == []
    assert "Scope" in text and "Mali, 2012-01-01 to 2025-12-31, all groups" in text


def test_indexes_speak_plainly():
    run = manifest("2026-12-08", {"group_evolution": ["One."], "public_opinion": ["Two."]})
    run["inputs"] = [{"path": "data/curated/groups.csv"}]  # listed in the manifest, not shown
    run["parameters"] = {"given": {"data_source": "curated", "start_date": "2015-01-01"}}
    run_page = visible_text(report_index.run_index_html(run))
    top_page = visible_text(report_index.runs_index_html([run]))
    assert offences(run_page) == [] and offences(top_page) == []
    assert "Settings" in run_page
    assert {"data source", "start date"} <= set(run_page)  # the settings given, in words
    assert compare(None, ["A finding."])["summary"] == (
        "This is the first run of this report with these settings: there is nothing to compare."
    )


def test_glossary_entries_are_plain_and_complete():
    # Every entry a report asks for exists; no entry leans on a path, a command or code.
    for terms in (ge.GLOSSARY_TERMS, po.appendix.GLOSSARY_TERMS, attack_appendix.GLOSSARY_TERMS):
        assert set(terms) <= set(glossary.ENTRIES)
        assert len(set(terms)) == len(terms)
    texts = [glossary.entry_text(t, {"min_sample": 50}) for t in glossary.ENTRIES]
    found = {name for name, _ in offences(texts)}
    assert found <= {"dyad"}  # UCDP's own word, quoted and explained in its entry
    with pytest.raises(KeyError, match="no glossary entry for nonsense"):
        glossary.section("x", ["nonsense"])


def test_a_missing_part_points_to_the_coverage_notes():
    unread = coverage_notes.Unread("ucdp-brd", "the battle deaths", build_hint="run make data")
    part = coverage_notes.missing_part(unread, "Battle deaths")
    assert part == NoData(
        "Battle deaths: this edition was built without the UCDP Battle-Related Deaths Dataset",
        "Why, and where its publisher offers it: appendix, data coverage.",
        build_hint="run make data",
    )
    assert coverage_notes.offered("acled").startswith(
        "ACLED offers it at https://acleddata.com (free account)"
    )
