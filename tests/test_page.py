"""page.front and page.key_findings: what a report's first cell shows."""

from datetime import date

from analysis.core.outputs import METADATA_KEY
from analysis.reports import page
from analysis.reports.parts import Report, Section, Text


def _shown(monkeypatch):
    shown = []
    monkeypatch.setattr(
        page, "display", lambda obj, metadata=None: shown.append((obj.data, metadata or {}))
    )
    return shown


def test_key_findings_say_how_recent_the_data_is_and_record_it(monkeypatch):
    shown = _shown(monkeypatch)
    page.key_findings(["One finding."], date(2023, 12, 31))
    body, metadata = shown[0]
    assert '<p class="data-through">Data through 31 December 2023.</p>' in body
    assert metadata[METADATA_KEY]["data_through"] == "2023-12-31"
    assert metadata[METADATA_KEY]["key_findings"] == ["One finding."]


def test_front_shows_title_then_findings_and_a_section_once(monkeypatch):
    shown = _shown(monkeypatch)
    report = Report(
        name="x",
        key_findings=("A.",),
        sections={"s": Section("s", (Text("Hello {who}.", {"who": "*you*"}),))},
        title="Title",
        lede="Lede.",
        front={"country": "Mali"},
        data_through=date(2024, 6, 30),
    )
    assert page.front(report) is None
    assert page.show(report, "s") is None
    texts = [body for body, _ in shown]
    assert texts[0] == "# Title\n\nLede."
    assert shown[0][1][METADATA_KEY]["front"] == {"country": "Mali"}
    assert "Data through 30 June 2024." in texts[1]
    assert texts[2] == "Hello \\*you\\*."
    assert len(shown) == 3
