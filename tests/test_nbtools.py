"""Committed notebooks carry only checked outputs; refresh, strip and the hooks agree."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis.config import NOTEBOOKS_DIR, PROJECT_ROOT
from analysis.pipeline import nbtools

FIXTURES = Path(__file__).parent / "fixtures"
CHECKED = FIXTURES / "nbtools" / "checked.ipynb"
SANITIZE = Path(__file__).parent / "nbval_sanitize.cfg"


def hook(hook_id: str) -> dict:
    config = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == hook_id]
    assert len(hooks) == 1, hook_id
    return hooks[0]


@pytest.mark.parametrize(
    "notebook",
    sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    or [pytest.param(None, marks=pytest.mark.skip("no notebooks yet"))],
    ids=lambda p: p.name if p else "none",
)
def test_committed_notebook_carries_only_checked_outputs(notebook):
    problems = nbtools.problems(notebook)
    assert not problems, "\n".join(map(str, problems))


def test_check_lists_stray_and_missing_outputs(capsys):
    problems = nbtools.problems(CHECKED)
    assert [(p.cell, p.message.split(" ")[0]) for p in problems] == [(2, "carries"), (3, "starts")]
    assert "carries 1 output(s) but has no 'keep_output: true' metadata" in problems[0].message
    assert "has no stored output" in problems[1].message
    assert nbtools.main(["check", str(CHECKED)]) == 1
    assert capsys.readouterr().out.count("checked.ipynb: cell") == 2


def test_strip_removes_stray_outputs_only(tmp_path):
    copy = tmp_path / "checked.ipynb"
    shutil.copy(CHECKED, copy)
    nb = nbformat.read(copy, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="total: 10\n")]
    nb.cells[3].execution_count = 4
    nbformat.write(nb, copy)
    assert nbtools.strip_file(copy) is True
    stripped = nbformat.read(copy, as_version=4)
    assert stripped.cells[2].outputs == [] and stripped.cells[2].execution_count is None
    assert stripped.cells[3].outputs[0].text == "total: 10\n"
    assert stripped.cells[3].execution_count == 4  # nbval needs it
    assert nbtools.problems(copy) == []
    assert nbtools.strip_file(copy) is False


@pytest.mark.slow
def test_refresh_executes_in_place_and_matches_the_commit_hook(tmp_path):
    copy = tmp_path / "checked.ipynb"
    shutil.copy(CHECKED, copy)
    assert nbtools.main(["refresh", str(copy)]) == 0
    nb = nbformat.read(copy, as_version=4)
    assert [cell.get("outputs", []) for cell in nb.cells[1:3]] == [[], []]
    (output,) = nb.cells[3].outputs
    assert output.text == "total: 10\n"
    assert isinstance(nb.cells[3].execution_count, int)
    assert nb.metadata.kernelspec.name == "python3"
    assert nbtools.problems(copy) == []
    # The pre-commit hook, run with its own arguments, finds nothing left to strip.
    args = hook("nbstripout")["args"]
    dry = subprocess.run(
        [sys.executable, "-m", "nbstripout", *args, "--dry-run", str(copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert dry.stdout == "", dry.stdout


@pytest.mark.slow
def test_refresh_failure_leaves_the_notebook_untouched(tmp_path, capsys):
    copy = tmp_path / "broken.ipynb"
    shutil.copy(FIXTURES / "notebooks" / "broken.ipynb", copy)
    before = copy.read_bytes()
    assert nbtools.main(["refresh", str(copy)]) == 1
    assert capsys.readouterr().err.strip() == (
        "FAILED broken: ValueError: the fixture notebook fails on purpose (notebook left unchanged)"
    )
    assert copy.read_bytes() == before


def test_pre_commit_hooks_strip_like_nbtools_and_run_ruff():
    nbstripout = hook("nbstripout")
    assert "--keep-count" in nbstripout["args"]
    assert "--keep-id" in nbstripout["args"]  # ids such as "appendix" are never renumbered
    extra = nbstripout["args"][nbstripout["args"].index("--extra-keys") + 1].split()
    assert set(extra) == {"metadata.papermill", "cell.metadata.papermill"}
    assert set(extra) <= set(nbtools.EXTRA_KEYS)
    assert hook("ruff")["entry"].startswith("ruff check")
    assert hook("ruff-format")["entry"].startswith("ruff format")


def test_sanitize_file_hides_volatile_output_only():
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8"))
    assert len(patterns) >= 5

    def sanitize(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    assert sanitize("built 2025-11-21T08:24:23+00:00") == "built TIMESTAMP"
    assert sanitize("at 2025-11-21 08:24:23.123") == "at TIMESTAMP"
    assert sanitize("<Figure size 640x480 with 1 Axes>") == "<Figure>"
    assert sanitize("<foo.Bar object at 0x7f3a2b1c9d00>") == "<foo.Bar object>"
    assert sanitize("id 0x7f3a2b1c9d00 here") == "id 0xADDRESS here"
    assert sanitize("loaded in 1.42 s") == "loaded in DURATION"
    assert sanitize("(took 350 ms)") == "(took DURATION)"
    # What a report states must still be compared.
    kept = "JNIM formed on 2017-03-02; 1,234 events, 56.7% of 2,176 deaths in 12 regions."
    assert sanitize(kept) == kept


def _dev_pins() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = project["project"]["optional-dependencies"]["dev"]
    return {r.split("==")[0].strip(): r.split("==")[1].strip() for r in dev if "==" in r}


@pytest.mark.parametrize(("hook_id", "tool"), [("nbstripout", "nbstripout"), ("ruff", "ruff"),
                                               ("ruff-format", "ruff")])  # fmt: skip
def test_hooks_install_the_versions_the_dev_extra_pins(hook_id, tool):
    """One version per tool: the hook's environment gets the dev extra's exact pin, and the
    environment the tests run in has it too (`make lint` and the hook then agree)."""
    from importlib.metadata import PackageNotFoundError, version

    pinned = _dev_pins()[tool]
    assert hook(hook_id)["additional_dependencies"] == [f"{tool}=={pinned}"]
    try:
        installed = version(tool)
    except PackageNotFoundError:
        pytest.skip(f"{tool} is not installed here (the dev extra installs it)")
    assert installed == pinned, f"{tool} {installed} is installed, the dev extra pins {pinned}"


def test_nbstripout_hook_leaves_test_fixtures_alone():
    """Fixtures carry outputs on purpose (checked.ipynb's stray output is what `check` must
    find); the report notebooks are stripped."""
    exclude = re.compile(hook("nbstripout")["exclude"])
    assert exclude.search(CHECKED.relative_to(PROJECT_ROOT).as_posix())
    assert nbformat.read(CHECKED, as_version=4).cells[2].outputs  # the deliberate output
    for notebook in NOTEBOOKS_DIR.glob("*.ipynb"):
        assert not exclude.search(notebook.relative_to(PROJECT_ROOT).as_posix())


def test_strip_keeps_cell_ids(tmp_path):
    """A named cell id ("appendix") survives stripping, as in the hook (--keep-id)."""
    copy = tmp_path / "checked.ipynb"
    shutil.copy(CHECKED, copy)
    nb = nbformat.read(copy, as_version=4)
    nb.cells[0]["id"] = "appendix"
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x\n")]
    nbformat.write(nb, copy)
    ids = [cell["id"] for cell in nb.cells]
    assert nbtools.strip_file(copy) is True
    stripped = nbformat.read(copy, as_version=4)
    assert [cell["id"] for cell in stripped.cells] == ids
    assert stripped.cells[0]["id"] == "appendix" and stripped.cells[2].outputs == []


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_are_what_the_hook_leaves(notebook):
    """Stripping a committed notebook changes nothing: the hook leaves a clean tree clean."""
    before = notebook.read_text(encoding="utf-8")
    nb = nbtools.strip(nbformat.reads(before, as_version=nbformat.NO_CONVERT))
    after = nbformat.writes(nb)
    assert after + ("" if after.endswith("\n") else "\n") == before


def test_check_command_prints_its_findings_when_run_as_a_module():
    """`python -m analysis.pipeline.nbtools check` (the module is then __main__) still prints."""
    done = subprocess.run(
        [sys.executable, "-m", "analysis.pipeline.nbtools", "check", str(CHECKED)],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.count("checked.ipynb: cell") == 2, done.stdout + done.stderr
