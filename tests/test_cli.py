"""The command line: every command's --help works, --version, and help names real defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import __version__, config
from analysis.cli import COMMANDS, main
from analysis.pipeline import nbtools


def help_text(run, argv: list[str], capsys) -> str:
    """The help a command prints; fails unless it exits 0."""
    with pytest.raises(SystemExit) as stopped:
        run([*argv, "--help"])
    assert stopped.value.code == 0, (argv, capsys.readouterr().err)
    return capsys.readouterr().out


def subcommands(text: str) -> list[str]:
    """The sub-commands a help text lists in its usage line ({fetch,status})."""
    usage = text.split("\n\n", 1)[0]
    found = re.search(r"\{([\w,-]+)\}", usage)
    return found.group(1).split(",") if found else []


def every_command(run, argv: list[str], capsys) -> list[tuple[list[str], str]]:
    """(argv, help) for a command and, recursively, each of its sub-commands."""
    text = help_text(run, argv, capsys)
    found = [(argv, text)]
    for name in subcommands(text):
        found += every_command(run, [*argv, name], capsys)
    return found


def test_every_command_and_subcommand_has_help(capsys):
    """`mali-reports X --help` exits 0 for every X (data fetch --help used to crash on '90%')."""
    seen = every_command(main, [], capsys)
    names = [" ".join(argv) for argv, _ in seen]
    assert set(COMMANDS) <= set(names)
    assert {"data fetch", "data status"} <= set(names)
    fetch_help = dict(zip(names, (text for _, text in seen), strict=True))["data fetch"]
    assert "--deadline" in fetch_help and "--force-smaller" in fetch_help
    assert "fewer than 90% of the previous" in " ".join(fetch_help.split())


def test_nbtools_commands_have_help(capsys):
    seen = every_command(nbtools.main, [], capsys)
    assert {" ".join(argv) for argv, _ in seen} == {"", "refresh", "strip", "check"}


def test_version(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"mali-reports {__version__}"


@pytest.mark.parametrize("option", ["--template", "--notebooks", "--out"])
def test_build_help_names_defaults_that_exist(option, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping inside a long path
    text = " ".join(help_text(main, ["build"], capsys).split())
    default = re.search(rf"{option} DIR .*?\(default: ([^)]+)\)", text).group(1)
    path = Path(default) if Path(default).is_absolute() else config.PROJECT_ROOT / default
    if option == "--out":
        assert path == config.REPORTS_DIR
    else:
        assert path.is_dir(), f"{option}'s default {default} does not exist"


def test_validate_help_names_the_shipped_tables(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    text = " ".join(help_text(main, ["validate"], capsys).split())
    assert f"(default {config.display_path(config.CURATED_DIR)})" in text
