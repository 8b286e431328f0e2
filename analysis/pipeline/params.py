"""Build parameters: YAML values that keep dates as ISO strings, and notebooks' parameter cells.

papermill hands parameters to the notebook as Python literals; PyYAML's default loaders turn
``2015-01-01`` into a ``datetime.date``, which a notebook then receives as an object instead of
the ISO string its parameters cell documents. Every value here is loaded with ``DateSafeLoader``.
"""

from __future__ import annotations

import ast
import difflib
import json
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: Tag that marks the parameters cell (papermill's convention).
PARAMETERS_TAG = "parameters"
#: Key of a --params file that holds per-notebook overrides: {notebook: {name: value}}.
PER_NOTEBOOK_KEY = "notebooks"


class ParameterUsageError(ValueError):
    """A parameter given on the command line or in a file that the build cannot use."""


class DateSafeLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: ``2015-01-01`` stays the string '2015-01-01'."""


DateSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


#: Parameters are a few names and values: a larger file is a mistake, not a parameters file.
MAX_PARAMS_BYTES = 1 << 20
#: Values a YAML text may stand for once its aliases (*name) are expanded; a few dozen are
#: normal, a "billion laughs" alias bomb stands for billions.
MAX_EXPANDED_VALUES = 100_000


class _Cycle(Exception):
    """A YAML collection that contains itself through an alias (the node where it starts)."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__(node)
        self.node = node


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many values a composed YAML node stands for with every alias expanded (memoised by
    node, so an alias bomb is measured without being expanded); raises _Cycle for a list or
    mapping that contains itself (``&a [*a]``), which no parameter can hold."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if id(node) in open_nodes:
        raise _Cycle(node)
    open_nodes.add(id(node))
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, sizes, open_nodes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(
            _expanded_size(key, sizes, open_nodes) + _expanded_size(value, sizes, open_nodes)
            for key, value in node.value
        )
    open_nodes.discard(id(node))
    total = min(total, MAX_EXPANDED_VALUES + 1)
    sizes[id(node)] = total
    return total


def _load_yaml(text: str, where: str) -> Any:
    """YAML text to values (dates kept as strings), refusing an alias bomb before expanding it
    and a collection that contains itself."""
    try:
        node = yaml.compose(text, Loader=DateSafeLoader)  # noqa: S506 - SafeLoader subclass
        size = _expanded_size(node, {}, set()) if node is not None else 0
    except _Cycle as cycle:
        mark = cycle.node.start_mark
        raise ParameterUsageError(
            f"{where}, line {mark.line + 1}, column {mark.column + 1}: refused: this "
            f"{'list' if isinstance(cycle.node, yaml.SequenceNode) else 'mapping'} contains "
            "itself through an alias (*name), a loop no parameter can hold; write the values "
            "out instead."
        ) from None
    except RecursionError:
        raise ParameterUsageError(
            f"{where}: refused: its lists or mappings are nested too deeply."
        ) from None
    if size > MAX_EXPANDED_VALUES:
        raise ParameterUsageError(
            f"{where}: refused: its aliases (*name) expand to more than "
            f"{MAX_EXPANDED_VALUES:,} values (a YAML 'alias bomb'); write the values out instead."
        )
    return yaml.load(text, Loader=DateSafeLoader)  # noqa: S506 - SafeLoader subclass


def parse_value(text: str, name: str = "") -> Any:
    """A -p value as a YAML scalar or list (``[JNIM, ISGS]``); dates stay ISO strings."""
    try:
        return _load_yaml(text, f"-p {name}" if name else "-p value")
    except yaml.YAMLError:
        return text


#: What a path that is not a regular file is, for the sentence that refuses it.
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_params_text(path: Path) -> str:
    """The text of a --params file: a regular file of at most MAX_PARAMS_BYTES, read no
    further than that (a device such as /dev/zero never ends, a file can grow while read)."""
    try:
        mode = path.stat().st_mode
        kind = next((name for test, name in _FILE_KINDS if test(mode)), None)
        if kind is not None or not stat.S_ISREG(mode):
            raise ParameterUsageError(
                f"{path}: refused: {kind or 'not a regular file'}, not a parameters file; give "
                "a YAML file of 'name: value' lines."
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_PARAMS_BYTES + 1)
    except OSError as exc:
        raise ParameterUsageError(
            f"{path}: cannot read parameters file ({(exc.strerror or str(exc)).lower()})."
        ) from None
    if len(data) > MAX_PARAMS_BYTES:
        raise ParameterUsageError(
            f"{path}: refused: more than {MAX_PARAMS_BYTES:,} bytes is too large for a "
            "parameters file."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterUsageError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8."
        ) from None


def load_params_file(path: Path) -> dict[str, Any]:
    """Read a --params YAML file: a mapping of name to value, dates kept as ISO strings."""
    text = _read_params_text(path)
    try:
        data = _load_yaml(text, str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParameterUsageError(f"{path}{where}: not valid YAML ({problem}).") from None
    if data is None:
        raise ParameterUsageError(
            f"{path}: holds no parameters (it is empty or only comments); write 'name: value' "
            "lines in it, or leave out --params."
        )
    if not isinstance(data, dict):
        raise ParameterUsageError(
            f"{path}: expected a mapping of parameter names to values, not {type(data).__name__}."
        )
    per_notebook = data.get(PER_NOTEBOOK_KEY, {})
    if not isinstance(per_notebook, dict) or not all(
        isinstance(v, dict) for v in per_notebook.values()
    ):
        raise ParameterUsageError(
            f"{path}: '{PER_NOTEBOOK_KEY}' must map notebook names to mappings of parameters."
        )
    return data


def _jsonable(value: Any) -> Any:
    """Values papermill can inject and the manifest can record (json round-trip)."""
    return json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class ParametersCell:
    """What a notebook's parameters cell declares: names and their default values."""

    defaults: dict[str, Any]
    cell_index: int


def _literal_or_source(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(node)


def parse_parameters_cell(source: str, where: str) -> dict[str, Any]:
    """Names assigned at top level of a parameters cell, with literal defaults."""
    # IPython magics and shell escapes are not Python; they declare nothing.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError as exc:
        raise ParameterUsageError(
            f"{where}: the parameters cell is not valid Python (line {exc.lineno}: {exc.msg})."
        ) from None
    defaults: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    defaults[target.id] = _literal_or_source(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            defaults[node.target.id] = _literal_or_source(node.value)
    return defaults


def find_parameters_cell(notebook: Mapping[str, Any], where: str) -> ParametersCell | None:
    """The first cell tagged ``parameters`` of a notebook (JSON dict), or None."""
    for index, cell in enumerate(notebook.get("cells", [])):
        tags = cell.get("metadata", {}).get("tags", []) or []
        if PARAMETERS_TAG in tags:
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(source)
            return ParametersCell(parse_parameters_cell(source, where), index)
    return None


@dataclass
class ParameterSet:
    """Overrides for a build: for all notebooks, and per notebook (from a --params file)."""

    common: dict[str, Any] = field(default_factory=dict)
    per_notebook: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_sources(
        cls, params_file: Path | None, pairs: Iterable[Sequence[str]] | None
    ) -> ParameterSet:
        """Merge a --params file and -p NAME VALUE pairs (the command line wins)."""
        data = load_params_file(params_file) if params_file else {}
        per_notebook = {
            str(name): dict(values) for name, values in data.pop(PER_NOTEBOOK_KEY, {}).items()
        }
        common = {str(k): v for k, v in data.items()}
        for name, value in pairs or ():
            common[name] = parse_value(value, name)
        return cls(_jsonable(common), _jsonable(per_notebook))

    def for_notebook(self, name: str, declared: Mapping[str, Any]) -> dict[str, Any]:
        """Overrides that apply to one notebook: only the names its parameters cell declares."""
        merged = {**self.common, **self.per_notebook.get(name, {})}
        return {k: v for k, v in merged.items() if k in declared}

    def check(self, declared_by: Mapping[str, Mapping[str, Any]]) -> None:
        """Refuse names no selected notebook declares (a typo would be silently ignored); every
        unknown name is named at once, with the closest declared name."""
        problems = []
        for notebook in sorted(set(self.per_notebook) - set(declared_by)):
            problems.append(
                f"parameters given for unknown notebook {notebook!r}{_did_you_mean(notebook, declared_by)}; "
                f"selected notebooks: {', '.join(sorted(declared_by)) or 'none'}."
            )
        every_name = sorted({n for names in declared_by.values() for n in names})
        for name in self.common:
            if not any(name in names for names in declared_by.values()):
                problems.append(
                    f"unknown parameter {name!r}{_did_you_mean(name, every_name)}: no selected "
                    f"notebook declares it in its parameters cell "
                    f"(declared: {', '.join(every_name) or 'none'})."
                )
        for notebook, values in self.per_notebook.items():
            if notebook not in declared_by:
                continue
            for name in values:
                if name not in declared_by[notebook]:
                    declared = sorted(declared_by[notebook])
                    problems.append(
                        f"unknown parameter {name!r} for notebook {notebook!r}"
                        f"{_did_you_mean(name, declared)}: its parameters cell declares "
                        f"{', '.join(declared) or 'nothing'}."
                    )
        if len(problems) == 1:
            raise ParameterUsageError(problems[0])
        if problems:
            raise ParameterUsageError(
                f"{len(problems)} problems with the parameters:\n"
                + "\n".join(f"  {p}" for p in problems)
            )


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
