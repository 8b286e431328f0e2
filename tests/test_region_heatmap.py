"""The region x round heat map (figures.opinion.draw_region_heatmap), drawn with matplotlib only:
its cells, numbers, text colours, grey cells, ticks and tooltips, on invented shares."""

from __future__ import annotations

import io
import json

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh

from analysis.figures import opinion as fo
from analysis.reports import hover
from tests.conftest import fresh_process


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
        ((1.5, 1.5), "n<min"): "#555555",
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
    assert colorbar.ax.get_ylabel() == "% of adults" and colorbar.ax.yaxis.label.get_size() == 7
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


def test_heat_map_is_seaborns_pixel_for_pixel():
    # seaborn is a test dependency only (the dev extra): the old drawing is compared
    sns = pytest.importorskip("seaborn", reason="seaborn (the dev extra) is not installed")
    estimates = _estimates()
    fig_new, ax_new = fo.layout("heatmap", 3)
    fig_old, ax_old = fo.layout("heatmap", 3)
    for fig in (fig_new, fig_old):
        # compared on the layout as made: seaborn draws the figure once inside heatmap, which
        # would lay one of the two out before its title and labels are set
        fig.set_layout_engine("none")
    fo.draw_region_heatmap(ax_new, estimates)
    table = fo.region_round_table(estimates)
    values = table.to_numpy(dtype=float)
    # the function as it was, with seaborn
    sns.heatmap(
        table.rename(columns=lambda c: f"R{c}"),
        ax=ax_old,
        cmap="Blues",
        vmin=0,
        vmax=100,
        annot=True,
        fmt=".0f",
        annot_kws={"fontsize": 7},
        cbar_kws={"fraction": 0.04, "pad": 0.02},
    )
    ax_old.collections[0].colorbar.set_label("% of adults", fontsize=7)
    ax_old.set_facecolor("#e0e0e0")
    for i, j in zip(*np.nonzero(np.isnan(values)), strict=True):
        text = "n<min" if (i, j) == (1, 1) else "not sampled"
        ax_old.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=6, color="#555555")
    ax_old.tick_params(axis="y", rotation=0)
    ax_old.grid(False)
    ax_old.set_title("Invented share by region and round")
    ax_old.set_xlabel("Afrobarometer round")
    ax_old.set_ylabel("")
    pngs = []
    for fig in (fig_old, fig_new):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        pngs.append(buffer.getvalue())
    assert pngs[0] == pngs[1]


def test_drawing_the_heat_map_imports_neither_seaborn_nor_scipy():
    # in a fresh process: this one may have imported them for other tests
    code = (
        "import json, sys\n"
        "import pandas as pd\n"
        "from analysis.figures import opinion as fo\n"
        "estimates = pd.DataFrame({'breakdown': ['region'], 'group': ['Kayes'], 'round': [7],\n"
        "                          'share': [50.0], 'suppressed': [False], 'short': ['x']})\n"
        "fo.draw_region_heatmap(fo.layout('heatmap', 1)[1], estimates)\n"
        "print(json.dumps([m for m in ('seaborn', 'scipy') if m in sys.modules]))"
    )
    done = fresh_process(code, {"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    assert json.loads(done.stdout) == []
