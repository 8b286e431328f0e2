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


def test_a_chart_is_drawn_for_the_desktop_column_and_a_phone_and_keyed(monkeypatch):
    """A figure given as the function that draws it is drawn twice, at each column's width
    with its text sizes; both drawings are on the page (the CSS shows one), the phone's free
    to grow with the window; the milestones numbered on it are listed under it."""
    import re

    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from analysis.figures import style
    from analysis.figures.milestones import draw_milestones

    shown = _shown(monkeypatch)
    page.reset_figure_numbers()
    drawn = []

    def draw():
        fig, ax = style.new_figure(height_in=3)
        ax.plot([2012, 2016], [0, 1], marker="o", label="deaths")
        ax.set_title("Deaths")
        milestones = pd.DataFrame(
            {
                "milestone_id": ["coup", "serval"],
                "date": pd.to_datetime(["2012-03-22", "2013-01-11"]),
                "date_precision": ["day", "day"],
                "kind": ["coup", "foreign intervention"],
                "label": ["Coup", "Serval"],
            }
        )
        draw_milestones(ax, milestones, axis_kind="year")
        drawn.append((fig.get_size_inches()[0], ax.xaxis.get_ticklabels()[0].get_fontsize()))
        return fig

    page.figure(draw, "deaths", "Deaths per year.")
    (body,) = [data for data, _ in shown]
    # drawn at 696 px (7.25 in) with ticks of 8.25 pt, and at 366 px (3.81 in) with 7.25 pt
    assert drawn == [(696 / 96, 8.25), (366 / 96, 7.25)]
    svgs = re.findall(r"<svg[^>]*>", body)
    assert [re.search(r'class="([^"]*)"', s).group(1) for s in svgs] == [
        "figure-svg figure-desktop",
        "figure-svg figure-phone",
    ]
    assert "max-width" in svgs[0] and "max-width" not in svgs[1]
    # ids stay unique: the phone's drawing has its own prefix
    assert 'id="f1-' in body and 'id="f1p-' in body
    key = body[body.index('<ol class="milestone-key"') : body.index("</ol>")]
    assert re.findall(r"<b[^>]*>(\d+)</b> ([^<]*)</li>", key) == [
        ("1", "Coup (22 March 2012)"),
        ("2", "Serval (11 January 2013)"),
    ]
    assert body.index("</ol>") < body.index("<figcaption>")


def test_a_source_id_the_prose_names_is_a_numbered_reference(monkeypatch):
    from analysis.reports import numbering
    from analysis.reports.references import Bibliography

    shown = _shown(monkeypatch)
    sources = {
        "defenceweb-2019": {
            "title": "Mali organizes",
            "publisher": "DefenceWeb",
            "published": "2019",
            "url": "https://x.example",
        }
    }
    monkeypatch.setattr(numbering, "current", lambda: numbering.Numbers(Bibliography(sources)))
    page.md("The claim (defenceweb-2019) is tested; by {who}.", who="defenceweb-2019")
    (text, metadata) = shown[0]
    assert text == "The claim ([\\[1\\]](#ref-1)) is tested; by [\\[1\\]](#ref-1)."
    assert [r["number"] for r in metadata[METADATA_KEY]["references"]] == [1]
