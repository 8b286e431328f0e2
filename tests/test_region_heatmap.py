"""The region x round heat map (figures.opinion.draw_region_heatmap, seaborn's heatmap): its
cells, numbers, text colours, grey cells for missing shares (never drawn as 0), ticks and
tooltips, on invented shares."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
from matplotlib.collections import QuadMesh

from analysis.figures import opinion as fo
from analysis.figures import style
from analysis.reports import hover


def _estimates() -> pd.DataFrame:
    """Invented shares: Kayes light then dark, Gao suppressed in round 7, Bamako not sampled in
    round 6 (no row at all)."""
    rows = [
        ("Kayes", 6, 10.0, False),
        ("Kayes", 7, 90.0, False),
        ("Gao", 6, 45.4, False),
        ("Gao", 7, np.nan, True),
        ("Bamako", 7, 60.6, False),
    ]
    return pd.DataFrame(
        [
            {
                "breakdown": "region",
                "group": group,
                "round": number,
                "share": share,
                "suppressed": suppressed,
                "short": "Invented share",
            }
            for group, number, share, suppressed in rows
        ]
    )


def test_heat_map_cells_numbers_and_grey_cells():
    fig, ax = fo.layout("heatmap", 3)
    fo.draw_region_heatmap(ax, _estimates())
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    cells = np.ma.filled(np.ma.asarray(meshes[0].get_array(), dtype=float), np.nan)
    # regions in the project's order (Kayes, Gao, Bamako), rounds 6 and 7
    np.testing.assert_array_equal(
        cells.reshape(3, 2), [[10.0, 90.0], [45.4, np.nan], [np.nan, 60.6]]
    )
    texts = {(t.get_position(), t.get_text()): t.get_color() for t in ax.texts}
    # Blues at 10% is near white (luminance ~0.85 > 0.408): dark text; at 90% and 60.6% the
    # blue is dark (luminance ~0.03 and ~0.21): white text. 45.4 rounds to "45".
    assert texts == {
        ((0.5, 0.5), "10"): ".15",
        ((1.5, 0.5), "90"): "w",
        ((0.5, 1.5), "45"): ".15",
        ((1.5, 1.5), "too few\nrespondents"): "#555555",
        ((0.5, 2.5), "not sampled"): "#555555",
        ((1.5, 2.5), "61"): "w",
    }
    assert [t.get_text() for t in ax.get_xticklabels()] == ["R6", "R7"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kayes", "Gao", "Bamako"]
    assert list(ax.get_xticks()) == [0.5, 1.5] and list(ax.get_yticks()) == [0.5, 1.5, 2.5]
    assert ax.get_ylim() == (3.0, 0.0)  # first region on top
    assert not any(spine.get_visible() for spine in ax.spines.values())
    assert ax.get_facecolor() == matplotlib.colors.to_rgba("#e0e0e0")  # NaN cells show it
    colorbar = meshes[0].colorbar
    assert (
        colorbar.ax.get_ylabel() == "% of adults"
        and colorbar.ax.yaxis.label.get_size() == style.size("small")
    )
    assert (colorbar.vmin, colorbar.vmax) == (0, 100)
    assert ax.get_title(loc="left") == "Invented share by region and round"


def test_heat_map_cells_get_tooltips():
    fig, ax = fo.layout("heatmap", 3)
    fo.draw_region_heatmap(ax, _estimates())
    fig.canvas.draw()  # tick labels are set at draw time, as in the report
    labels = list(hover.label_artists(fig).values())
    assert labels == [
        [
            "Kayes, R6: 10",
            "Kayes, R7: 90",
            "Gao, R6: 45.4",
            "Gao, R7: no data",
            "Bamako, R6: no data",
            "Bamako, R7: 60.6",
        ]
    ]


def test_a_zero_share_is_drawn_and_a_missing_one_is_not():
    # Kayes: 0% in round 6 (a real zero: a pale cell saying "0"), no row for round 7 (not
    # sampled); Gao: no row for round 6, 30% in round 7
    estimates = pd.DataFrame(
        {
            "breakdown": ["region", "region"],
            "group": ["Kayes", "Gao"],
            "round": [6, 7],
            "share": [0.0, 30.0],
            "suppressed": [False, False],
            "short": ["Invented share", "Invented share"],
        }
    )
    fig, ax = fo.layout("heatmap", 2)
    fo.draw_region_heatmap(ax, estimates)
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    cells = np.ma.asarray(mesh.get_array()).reshape(2, 2)
    # Kayes R6 is a drawn 0; Kayes R7 and Gao R6 are masked (not drawn, the grey shows)
    assert cells.mask.tolist() == [[False, True], [True, False]]
    assert cells[0, 0] == 0.0 and cells[1, 1] == 30.0
    assert sorted((t.get_position(), t.get_text()) for t in ax.texts) == [
        ((0.5, 0.5), "0"),
        ((0.5, 1.5), "not sampled"),
        ((1.5, 0.5), "not sampled"),
        ((1.5, 1.5), "30"),
    ]
