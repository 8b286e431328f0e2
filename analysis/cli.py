"""Command line: ``python -m analysis <command>`` or ``mali-reports <command>``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from analysis import __version__, config
from analysis.core import console

# Each command lives in its own module, which defines add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("analysis.curated.command", "check every curated table and print a summary"),
    "build": ("analysis.pipeline.command", "execute the notebooks into dated HTML reports"),
    "data": ("analysis.sources.fetch", "download the open datasets into data/raw"),
}


def parser_for(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, dict[str, Any]]:
    """The command line's parser, with the options of the command ``argv`` names (only that
    command's module is imported: another may load pandas), and the imported modules."""
    parser = argparse.ArgumentParser(prog="mali-reports", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    modules: dict[str, Any] = {}
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if argv and argv[0] == name:
            modules[name] = importlib.import_module(module_name)
            modules[name].add_arguments(command)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, modules = parser_for(argv)
    args = parser.parse_args(argv)
    console.configure(quiet=bool(getattr(args, "quiet", False)))
    # Kernels run in folders of their own: they must put data and reports where this does.
    config.pin_work_dir()
    try:
        return int(modules[args.command].run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
