"""Every documented step runs as written: the examples of README.md and docs/ are taken from
the pages themselves and checked here, so a page that drifts from the code fails a test.

- Python blocks are run, a page's blocks in order in one fresh process (a notebook's
  parameters block then its first cell, as a reader would paste them).
- YAML blocks of build parameters are read by the build's own reader and each notebook's
  parameters are checked by its report's own checks (a value the report refuses fails here).
- Shell and cron lines: a `make` target exists in the Makefile; a `mali-reports` or
  `python -m analysis` command line is accepted by the command's own parser; a script or a
  benchmark named exists and answers `--help`. Lines that set up a machine (venv, pip, mkdir,
  cd) are what tests/test_install.py runs in a fresh environment.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis import cli
from analysis.pipeline import params as build_params
from analysis.pipeline.plan import discover
from analysis.reports import runner
from analysis.reports.context import open_run
from analysis.reports.params import check_dates

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
#: Shell words that prepare a machine rather than use the project (tests/test_install.py).
SETUP = {"python3.11", "python3", "mkdir", "cd", "pip", "conda", "export", "source", "git"}


def blocks(kind: str) -> list[tuple[Path, str]]:
    """Every fenced block of a kind (its language word) in the documentation, with its page."""
    found = []
    for page in PAGES:
        for language, body in BLOCK.findall(page.read_text(encoding="utf-8")):
            if language == kind:
                found.append((page, textwrap.dedent(body)))
    return found


def shell_lines() -> list[tuple[Path, str]]:
    """Every command of the bash and cron blocks (comments cut; a cron line's command)."""
    lines = []
    for page, body in blocks("bash") + blocks("cron"):
        for line in body.splitlines():
            command = line.split(" #", 1)[0].strip()
            if not command or command.startswith("#"):
                continue
            if re.match(r"^[\d*/,-]+( [\d*/,-]+){4} ", command):  # a crontab line
                command = command.split(None, 5)[5]
            for part in command.split("&&"):
                lines.append((page, part.strip()))
    return lines


def test_the_pages_hold_examples_of_every_kind():
    assert blocks("python") and blocks("yaml") and blocks("bash") and blocks("cron")


@pytest.mark.slow
@pytest.mark.parametrize(
    "page", sorted({p for p, _ in blocks("python")}), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_python_examples_run(page, tmp_path):
    code = "\n".join(body for p, body in blocks("python") if p == page)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, f"{page.name}:\n{done.stderr[-2000:]}"


def test_yaml_parameter_examples_are_accepted_by_each_report(tmp_path):
    notebooks = {nb.name: nb for nb in discover(ROOT / "notebooks", [])}
    checked = 0
    for page, body in blocks("yaml"):
        file = tmp_path / "params.yaml"
        file.write_text(body, encoding="utf-8")
        given = build_params.load_params_file(file)
        per_notebook = given.pop(build_params.PER_NOTEBOOK_KEY, {})
        assert set(per_notebook) <= set(notebooks), page.name
        for name, notebook in notebooks.items():
            values = {**notebook.defaults, **given, **per_notebook.get(name, {})}
            module = __import__(f"analysis.reports.{name}", fromlist=["check"])
            assert name in runner.REPORTS
            start, end = check_dates(values["start_date"], values["end_date"])
            values = {k: v for k, v in values.items() if k in module.PARAMETERS}
            module.check(open_run(start, end), **values)  # raises ParameterError if refused
            checked += 1
    assert checked >= 3


def test_documented_command_lines_are_accepted_as_written():
    targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))
    seen = {"make": 0, "cli": 0, "script": 0}
    for page, line in shell_lines():
        words = shlex.split(line)
        program = Path(words[0]).name
        if program in SETUP or words[0].startswith("~/") or words[0].endswith("/pip"):
            continue
        where = f"{page.name}: {line}"
        if program == "make":
            target = next((w for w in words[1:] if "=" not in w), None)
            assert target in targets, where
            seen["make"] += 1
        elif program == "mali-reports" or words[1:3] == ["-m", "analysis"]:
            argv = words[1:] if program == "mali-reports" else words[3:]
            if argv == ["--version"]:
                continue
            parser, _ = cli.parser_for(argv)
            parser.parse_args(argv)  # an option the command does not take exits here
            seen["cli"] += 1
        elif program.startswith("python") and words[1] == "-m":  # another module of ours
            command = [sys.executable, "-m", words[2]]
            done = subprocess.run([*command, "--help"], cwd=ROOT, capture_output=True, timeout=60)
            assert done.returncode == 0, where
            seen["script"] += 1
        else:
            script = words[1] if program.startswith("python") else words[0]
            assert (ROOT / script).is_file(), where
            command = [sys.executable, script] if script.endswith(".py") else [script]
            done = subprocess.run([*command, "--help"], cwd=ROOT, capture_output=True, timeout=60)
            assert done.returncode == 0, where
            seen["script"] += 1
    assert all(seen.values()), seen
