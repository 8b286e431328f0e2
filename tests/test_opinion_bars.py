"""The Afrobarometer estimate bars (figures.opinion.draw_estimate_bars), drawn with seaborn's
barplot: one bar per row at its own place, the design-based intervals already estimated (never
seaborn's), a suppressed row kept in its place with its note, on invented estimates."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402

from analysis.figures import opinion as fo  # noqa: E402
from analysis.figures import style  # noqa: E402
from analysis.reports import hover  # noqa: E402
from analysis.sources.afrobarometer import ALL_GROUP  # noqa: E402


def _estimates() -> pd.DataFrame:
    """Invented: trust in rounds 6 and 7, a suppressed question, and Kayes in round 7 (a group,
    whose label names it)."""
    return pd.DataFrame(
        {
            "group": [ALL_GROUP, ALL_GROUP, ALL_GROUP, "Kayes"],
            "short": ["Trust the army", "Trust the army", "Feared extremists", "Trust the army"],
            "positive_label": ["somewhat or a lot", "somewhat or a lot", "feared it", "a lot"],
            "round": [6, 7, 7, 7],
            "suppressed": [False, False, True, False],
            "note": ["", "", "suppressed: 12 respondents, fewer than 50", ""],
            "share": [82.1, 81.8, np.nan, 50.0],
            "low": [79.6, 79.3, np.nan, 40.0],
            "high": [84.3, 84.0, np.nan, 60.0],
            "dont_know": [1.0, 2.0, 3.0, 4.0],
        }
    )


def test_one_bar_per_row_with_the_estimated_intervals():
    fig, ax = fo.layout("bars", 4)
    fo.draw_estimate_bars(ax, _estimates(), title="Invented")
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    # Rows 0, 1 and 3 have a bar as long as their share, centred on their row; row 2 none.
    assert [p.get_width() for p in bars.patches] == [82.1, 81.8, 50.0]
    assert [p.get_y() + p.get_height() / 2 for p in bars.patches] == [0, 1, 3]
    (errors,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    _, _, (whiskers,) = errors.lines
    # The intervals given (79.6-84.3, 79.3-84.0, 40-60), not any seaborn would compute.
    spans = [(round(a[0], 1), round(b[0], 1), a[1]) for a, b in whiskers.get_segments()]
    assert spans == [(79.6, 84.3, 0), (79.3, 84.0, 1), (40.0, 60.0, 3)]
    texts = {t.get_text(): t.get_position() for t in ax.texts}
    assert texts == {
        "82%\n(don't know 1%)": (84.3 + 1.5, 0),
        "82%\n(don't know 2%)": (84.0 + 1.5, 1),
        "suppressed: 12 respondents, fewer than 50": (1, 2),
        "50%\n(don't know 4%)": (60.0 + 1.5, 3),
    }
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Trust the army: somewhat or a lot (R6)",
        "Trust the army: somewhat or a lot (R7)",
        "Feared extremists: feared it (R7)",
        "Trust the army: a lot (R7, Kayes)",
    ]
    assert ax.get_ylim() == (3.5, -0.5)  # first row on top
    assert ax.get_title(loc="left") == "Invented"
    assert ax.get_xlabel() == "% of adults (95% interval)" and ax.get_ylabel() == ""


def test_on_a_phone_each_label_sits_over_its_bar_across_the_width():
    with style.rendition(style.PHONE):
        fig, ax = fo.layout("bars", 4)
        fo.draw_estimate_bars(ax, _estimates(), title="Invented")
    assert list(ax.get_yticks()) == []  # no labels left of the bars
    over = {t.get_text(): t.get_position() for t in ax.texts if t.get_position()[0] == 0}
    # each row's label just over its bar (rows 0-3, bars 0.34 thick), at the axes' left edge
    assert over == {
        label: (0, row - fo.NARROW_BAR_WIDTH / 2 - 0.04)
        for row, label in enumerate(
            [
                "Trust the army: somewhat or a lot (R6)",
                "Trust the army: somewhat or a lot (R7)",
                "Feared extremists: feared it (R7)",
                "Trust the army: a lot (R7, Kayes)",
            ]
        )
    }
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert {round(p.get_height(), 2) for p in bars.patches} == {fo.NARROW_BAR_WIDTH}
    assert fig.get_size_inches()[0] == pytest.approx(style.PHONE.width_in)
    plt.close(fig)


def test_each_bar_gets_its_row_and_share_as_tooltip():
    fig, ax = fo.layout("bars", 4)
    fo.draw_estimate_bars(ax, _estimates())
    fig.canvas.draw()  # tick labels are set at draw time, as in the report
    assert list(hover.label_artists(fig).values()) == [
        ["Trust the army: somewhat or a lot (R6): 82.1"],
        ["Trust the army: somewhat or a lot (R7): 81.8"],
        ["Trust the army: a lot (R7, Kayes): 50"],
    ]


def test_every_row_suppressed_draws_no_bar_and_keeps_the_notes():
    estimates = _estimates().iloc[[2]]
    fig, ax = fo.layout("bars", 1)
    fo.draw_estimate_bars(ax, estimates)
    assert not ax.containers
    assert [t.get_text() for t in ax.texts] == ["suppressed: 12 respondents, fewer than 50"]


def test_two_rows_with_the_same_label_keep_a_bar_each():
    # By label, seaborn would average them into one bar of 50; by position each keeps its own.
    estimates = _estimates().iloc[[0, 0]].assign(share=[30.0, 70.0], low=[20.0, 60.0], high=80.0)
    fig, ax = fo.layout("bars", 2)
    fo.draw_estimate_bars(ax, estimates)
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [p.get_width() for p in bars.patches] == [30.0, 70.0]
