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
