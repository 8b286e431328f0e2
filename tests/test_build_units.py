"""The build's parts that need no kernel: parameters, run folders, kernel spec, input files."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from analysis.config import display_path
from analysis.pipeline import worker as build_worker
from analysis.pipeline.command import describe_parameters, discover
from analysis.pipeline.inputs import list_files
from analysis.pipeline.kernel import KERNEL_NAME, kernel_environment, write_kernel_spec
from analysis.pipeline.params import (
    ParameterSet,
    ParameterUsageError,
    find_parameters_cell,
    load_params_file,
    parse_parameters_cell,
    parse_value,
)
from analysis.pipeline.progress import LIVE, PLAIN, QUIET, choose_mode
from analysis.pipeline.runs import BuildLock, BuildLocked, move_into_place, new_run_dir, recover

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


def test_yaml_dates_stay_iso_strings(tmp_path):
    assert parse_value("2015-01-01") == "2015-01-01"
    assert parse_value("2015-01-01T10:00:00") == "2015-01-01T10:00:00"
    assert parse_value("[JNIM, ISGS]") == ["JNIM", "ISGS"]
    assert parse_value("12") == 12
    assert parse_value("Mali") == "Mali"
    assert parse_value("[unclosed") == "[unclosed"  # not YAML: taken as the text given
    path = tmp_path / "p.yaml"
    path.write_text(
        "start_date: 2012-01-16\nfocus_groups: [JNIM]\nnotebooks:\n  attack_trends:\n"
        "    end_date: 2020-12-31\n",
        encoding="utf-8",
    )
    params = ParameterSet.from_sources(path, [("country", "Mali"), ("start_date", "2013-01-11")])
    assert params.common == {
        "start_date": "2013-01-11",
        "focus_groups": ["JNIM"],
        "country": "Mali",
    }
    assert params.per_notebook == {"attack_trends": {"end_date": "2020-12-31"}}
    declared = {"start_date": "", "end_date": "", "country": ""}
    assert params.for_notebook("attack_trends", declared) == {
        "start_date": "2013-01-11",
        "end_date": "2020-12-31",
        "country": "Mali",
    }


def test_bad_parameters_file_names_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("start_date: 2012-01-01\nfocus_groups: [JNIM\n", encoding="utf-8")
    with pytest.raises(ParameterUsageError, match=r"bad\.yaml, line 3, column 1: not valid YAML"):
        load_params_file(path)
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ParameterUsageError, match="expected a mapping"):
        load_params_file(path)
    with pytest.raises(ParameterUsageError, match="cannot read"):
        load_params_file(tmp_path / "missing.yaml")


def test_unknown_parameters_are_refused():
    declared_by = {"rows": {"start_date": "", "label": ""}, "figure": {"title": ""}}
    ParameterSet({"label": "x", "title": "y"}).check(declared_by)
    with pytest.raises(
        ParameterUsageError, match="unknown parameter 'titel'.*label, start_date, title"
    ):
        ParameterSet({"titel": "y"}).check(declared_by)
    with pytest.raises(ParameterUsageError, match="unknown notebook 'rowz'"):
        ParameterSet(per_notebook={"rowz": {"label": "x"}}).check(declared_by)
    with pytest.raises(ParameterUsageError, match="'title' for notebook 'rows'"):
        ParameterSet(per_notebook={"rows": {"title": "x"}}).check(declared_by)


def test_parameters_cell_declares_names_and_defaults():
    source = (
        "%matplotlib inline\n"
        'start_date = "2012-01-01"  # first day\n'
        "focus_groups: list = []\n"
        "window = 2 * 365\n"
        "a = b = 3\n"
        "print('not a declaration')\n"
    )
    assert parse_parameters_cell(source, "x.ipynb") == {
        "start_date": "2012-01-01",
        "focus_groups": [],
        "window": "2 * 365",
        "a": 3,
        "b": 3,
    }
    with pytest.raises(ParameterUsageError, match=r"x\.ipynb: the parameters cell is not valid"):
        parse_parameters_cell("start_date = (", "x.ipynb")
    notebook = {
        "cells": [
            {"metadata": {}, "source": "x = 1"},
            {"metadata": {"tags": ["parameters"]}, "source": ["y = 2\n", "z = 'a'"]},
        ]
    }
    cell = find_parameters_cell(notebook, "n.ipynb")
    assert cell.cell_index == 1 and cell.defaults == {"y": 2, "z": "a"}
    assert find_parameters_cell({"cells": []}, "n.ipynb") is None


def test_discovery_takes_notebooks_with_a_parameters_cell():
    names = [nb.name for nb in discover(FIXTURE_NOTEBOOKS, [])]
    assert names == ["broken", "figure", "rows"]
    assert [nb.name for nb in discover(FIXTURE_NOTEBOOKS, ["rows.ipynb", "figure", "rows"])] == [
        "figure",
        "rows",
    ]


def test_parameters_in_words():
    assert (
        describe_parameters(
            {
                "country": "Mali",
                "start_date": "2012-01-01",
                "end_date": "2025-12-31",
                "focus_groups": [],
            }
        )
        == "Mali, 2012-01-01 to 2025-12-31, all groups"
    )
    assert describe_parameters({"focus_groups": ["JNIM", "ISGS"]}) == "JNIM, ISGS"


def test_kernel_spec_runs_this_interpreter(tmp_path, monkeypatch):
    name = write_kernel_spec(tmp_path)
    assert name == KERNEL_NAME
    spec = json.loads((tmp_path / "kernels" / name / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][0] == sys.executable
    assert spec["argv"][spec["argv"].index("-m") + 1] == "analysis.pipeline.kernel"
    env = kernel_environment(tmp_path)
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from jupyter_client.kernelspec import KernelSpecManager

    found = KernelSpecManager().get_kernel_spec(name)
    assert found.argv[0] == sys.executable


def test_worker_one_line():
    assert build_worker.one_line("\n  first line \nsecond") == "first line"
    assert len(build_worker.one_line("x" * 1000)) == 300


def test_input_files_are_listed_recursively_without_hidden_ones(tmp_path):
    # their sha256 is analysis.core.hashing's (its memo is tested in tests/test_fast.py)
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / ".hidden").write_text("x")
    (data / "a.csv").write_bytes(b"a,b\n1,2\n")
    (data / "sub" / "b.csv").write_bytes(b"c\n")
    assert [p.name for p in list_files([data, tmp_path / "missing"])] == ["a.csv", "b.csv"]


def test_display_paths_are_relative_to_the_project():
    from analysis.config import PROJECT_ROOT

    assert (
        display_path(PROJECT_ROOT / "data" / "curated" / "groups.csv") == "data/curated/groups.csv"
    )
    assert display_path(PROJECT_ROOT.parent / "shared" / "data" / "x.csv") == "../shared/data/x.csv"


def test_lock_refuses_a_second_holder(tmp_path):
    with BuildLock(tmp_path):
        assert f"pid {os.getpid()}" in (tmp_path / ".build.lock").read_text()
        with pytest.raises(BuildLocked, match=r"another build is running \(pid \d+, started"):
            with BuildLock(tmp_path):
                pass
    with BuildLock(tmp_path):  # released on exit
        pass


def test_run_folders_move_into_place_and_recover(tmp_path):
    first = new_run_dir(tmp_path, "2024-01-02")
    (first / "a.html").write_text("one")
    move_into_place(first, tmp_path, "2024-01-02")
    second = new_run_dir(tmp_path, "2024-01-02")
    (second / "b.html").write_text("two")
    move_into_place(second, tmp_path, "2024-01-02")
    assert [p.name for p in (tmp_path / "2024-01-02").iterdir()] == ["b.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-01-02"]

    # A swap interrupted after moving the old folder aside: recovery moves it back.
    aside = tmp_path / ".2024-01-02.old-x1"
    aside.mkdir()
    (tmp_path / "2024-01-02").rename(aside / "2024-01-02")
    stale = new_run_dir(tmp_path, "2024-01-03")
    (stale / "half.html").write_text("half")
    recover(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-01-02"]
    assert (tmp_path / "2024-01-02" / "b.html").read_text() == "two"


def test_progress_mode_follows_the_terminal(tmp_path):
    class Terminal:
        def isatty(self):
            return True

    with open(tmp_path / "log", "w") as stream:
        assert choose_mode(stream, quiet=False) == PLAIN
    assert choose_mode(Terminal(), quiet=False) == LIVE
    assert choose_mode(Terminal(), quiet=True) == QUIET


def test_a_note_for_a_notebook_that_could_not_run_quotes_the_kernel_log(tmp_path):
    # the build's work folder holds kernels.log (the workers and their kernels write to it)
    (tmp_path / "kernels.log").write_text("".join(f"line {n}\n" for n in range(1, 21)))
    assert build_worker._log_tail(tmp_path) == "\n".join(f"line {n}" for n in range(6, 21))
