"""Every figure function draws on an `ax` it is given, so a researcher can compose figures."""

from __future__ import annotations

import importlib
import inspect

import pytest

FIGURE_MODULES = (
    "analysis.figures.events",
    "analysis.figures.groups",
    "analysis.figures.opinion",
    "analysis.figures.maps",
    "analysis.analyses.milestones",
)


def drawing_functions():
    for module_name in FIGURE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module_name and name.startswith(("plot_", "draw_")):
                yield f"{module_name}.{name}", function


@pytest.mark.parametrize(
    "name,function", list(drawing_functions()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_figure_function_takes_ax(name, function):
    assert "ax" in inspect.signature(function).parameters, f"{name} has no `ax` parameter"


def test_there_are_figure_functions():
    assert len(list(drawing_functions())) >= 10


def test_two_draw_functions_with_different_sources_compose_on_one_page(monkeypatch, tmp_path):
    """A researcher puts two panels from different datasets on one figure; display writes one
    source line under it that names both."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.figures import events as figures_events
    from analysis.figures import style
    from analysis.reports import page

    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    annual = pd.DataFrame(
        {
            "country": ["Mali", "Mali", "Niger", "Niger"],
            "year": [2020, 2021, 2020, 2021],
            "deaths_best": [10, 20, 5, 6],
            "deaths_low": [pd.NA] * 4,
            "deaths_high": [pd.NA] * 4,
        }
    )
    series = pd.Series([1, 1, 1, 9, 9, 9], index=range(2016, 2022), name="events")
    fig, (left, right) = style.new_figure(ncols=2)
    assert figures_events.draw_sahel(left, annual, "Sahel", countries=["Mali", "Niger"]) is left
    assert figures_events.draw_change_points(right, series, [], "Events", "Events") is right
    assert not fig.texts  # the panels leave the figure alone
    sources = ["Our World in Data from UCDP (ourworldindata.org)", "UCDP GED 25.1 (ucdp.uu.se)"]
    before = len(plt.get_fignums())
    shown = []
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: shown.append(obj.data))
    page.figure(fig, "two-panels", "Two panels, two sources.", source=sources)
    assert not fig.texts  # the source is named in the caption only, not drawn in the image
    [body] = shown
    caption = body[body.index("<figcaption>") :]
    assert caption.count("Source:") == 1 and all(source in caption for source in sources)
    assert (tmp_path / "two-panels.svg").exists() and len(plt.get_fignums()) == before - 1
