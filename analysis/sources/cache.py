"""Columnar cache of large publisher files: parsed once, then read back as Parquet.

A reader that parses a big file (an ACLED export of millions of rows) writes what it parsed to
``data/cache/`` (``config.CACHE_DIR``; ``MALI_CACHE_DIR`` moves it) under a name made of the
reader, its version and the file's sha256; the next load of the same bytes reads that copy.

* **Keyed by content and reader.** The key (reader, version, sha256) is also written inside
  the Parquet file and checked on every read: a copy whose key differs (renamed, copied, left
  by another version of the reader, or of another file) is never trusted, only ignored and
  written again. A reader bumps its version whenever what it returns changes.
* **Written atomically.** A copy is written to a temporary file in the cache folder and renamed
  when complete, so a crash or a concurrent build never leaves half a file under the real
  name; an unreadable copy counts as missing.
* **Safe to delete.** The folder is ignored by git and holds nothing else: deleting it only
  makes the next load parse again. The origin a report records is still the original file and
  its sha256, never the cache.

Two kinds of copy: the raw parse as Parquet (compressed, in row groups that a filtered read
takes one at a time), and a reader's *finished* table as an uncompressed Arrow IPC file
(``write_table``/``open_table``), memory-mapped when read back, so that a second load of an
unchanged export costs almost nothing but the pages it touches. The finished table's version
includes a hash of the reader's source code (``source_version``), so editing the reader
invalidates its copies without anyone remembering to bump a number.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from analysis import config

#: Schema metadata entry holding the key a copy was written for.
KEY_FIELD = b"mali.cache.key"
#: Rows per Parquet row group: a filtered read holds one group at a time.
ROW_GROUP_ROWS = 128 * 1024

_pending: list[threading.Thread] = []
_pending_lock = threading.Lock()


def key(reader: str, version: int | str, sha256: str) -> str:
    """The key of a cached copy: reader, reader version and the file's sha256."""
    return f"{reader}/v{version}/{sha256}"


def path_for(reader: str, version: int | str, sha256: str, suffix: str = ".parquet") -> Path:
    """Where the copy of a file parsed by ``reader`` (at ``version``) is kept."""
    return Path(config.CACHE_DIR) / f"{reader}-v{version}-{sha256}{suffix}"


def source_version(version: int, sources: Iterable[Path]) -> str:
    """A reader's version with the hash of the source files its output depends on
    ('3-1a2b3c4d5e6f'): any edit to them is a new version."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(Path(source).read_bytes())
    return f"{version}-{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class Copy:
    """A cached copy found under its key: its path, its Parquet file and its text metadata."""

    path: Path
    parquet: pq.ParquetFile
    metadata: dict[str, str]

    def read(self, where: tuple[str, list] | None = None) -> pa.Table:
        """The copy's rows; with ``where`` (a column and the values to keep), only those rows,
        one row group at a time (its ``where`` column first, the rest only when it has rows
        to keep), so memory follows the rows kept, not the rows in the file."""
        if where is None:
            return self.parquet.read().replace_schema_metadata(None)
        column, kept_values = where
        wanted = pa.array(kept_values, self.parquet.schema_arrow.field(column).type)
        parts = []
        for index in range(self.parquet.num_row_groups):
            mask = pc.is_in(
                self.parquet.read_row_group(index, columns=[column]).column(column), wanted
            )
            if pc.any(mask).as_py():
                parts.append(self.parquet.read_row_group(index).filter(mask))
        if not parts:
            return self.parquet.schema_arrow.empty_table().replace_schema_metadata(None)
        return pa.concat_tables(parts).replace_schema_metadata(None)

    def values(self, column: str) -> list:
        """The distinct values of one column (read alone: cheap)."""
        return pc.unique(self.parquet.read(columns=[column]).column(column)).to_pylist()


def open_copy(reader: str, version: int, sha256: str) -> Copy | None:
    """The cached copy, when there is one written under exactly this key; else None."""
    path = path_for(reader, version, sha256)
    if not sha256 or not path.is_file():
        return None
    try:
        parquet = pq.ParquetFile(path)
        metadata = {**(parquet.schema_arrow.metadata or {}), **(parquet.metadata.metadata or {})}
    except (OSError, pa.ArrowException):
        return None
    if metadata.get(KEY_FIELD) != key(reader, version, sha256).encode():
        return None
    text = {
        k.decode(): v.decode()
        for k, v in metadata.items()
        if k != KEY_FIELD and not k.startswith(b"ARROW:")
    }
    return Copy(path, parquet, text)


class Writer:
    """Writes one copy: ``write`` tables (row groups), then ``commit`` renames it into place;
    ``abort`` (or an exception inside ``with``) removes the temporary file."""

    def __init__(self, reader: str, version: int, sha256: str, schema: pa.Schema):
        self.target = path_for(reader, version, sha256)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.temporary = self.target.with_name(f".{self.target.name}.{uuid.uuid4().hex}.tmp")
        self.metadata = {KEY_FIELD: key(reader, version, sha256).encode()}
        self._writer = pq.ParquetWriter(
            self.temporary, schema.with_metadata(self.metadata), compression="snappy"
        )

    def write(self, table: pa.Table | pa.RecordBatch) -> None:
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        self._writer.write_table(
            table.replace_schema_metadata(self.metadata), row_group_size=ROW_GROUP_ROWS
        )

    def commit(self, metadata: dict[str, str] | None = None) -> Path:
        """Finish the file (with extra text ``metadata``) and move it under its real name."""
        if metadata:
            self._writer.add_key_value_metadata(metadata)
        self._writer.close()
        os.replace(self.temporary, self.target)
        return self.target

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.abort()


TABLE_SUFFIX = ".arrow"


def write_table(
    reader: str, version: int | str, sha256: str, table: pa.Table, metadata: dict[str, str]
) -> Path:
    """Write a finished table as an uncompressed Arrow IPC file under its key: to a temporary
    file in the cache folder, then renamed, so no reader ever sees half a file."""
    target = path_for(reader, version, sha256, TABLE_SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    text = {KEY_FIELD: key(reader, version, sha256).encode()}
    text.update({k.encode(): v.encode() for k, v in metadata.items()})
    table = table.replace_schema_metadata(text)
    try:
        with pa.OSFile(str(temporary), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def open_table(reader: str, version: int | str, sha256: str) -> tuple[pa.Table, dict] | None:
    """The finished table cached under exactly this key, memory-mapped, and its text metadata;
    None when there is none, or the key inside the file differs, or it cannot be read."""
    path = path_for(reader, version, sha256, TABLE_SUFFIX)
    if not sha256 or not path.is_file():
        return None
    try:
        table = ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    except (OSError, pa.ArrowException):
        return None
    metadata = table.schema.metadata or {}
    if metadata.get(KEY_FIELD) != key(reader, version, sha256).encode():
        return None
    text = {k.decode(): v.decode() for k, v in metadata.items() if k != KEY_FIELD}
    return table.replace_schema_metadata(None), text


def write_table_in_background(
    reader: str,
    version: int | str,
    sha256: str,
    table: pa.Table,
    metadata: dict[str, str] | None = None,
) -> None:
    """``write_table`` on a thread (the writes release the GIL, so the caller goes on
    meanwhile); ``wait`` returns once it is in place. A copy that cannot be written is simply
    not there: the next load reads the file again."""
    _in_background(reader, lambda: write_table(reader, version, sha256, table, metadata or {}))


def write_in_background(
    reader: str,
    version: int,
    sha256: str,
    table: pa.Table,
    metadata: Callable[[], dict[str, str]] | None = None,
) -> None:
    """Write a whole table as a copy on a thread (Parquet encoding releases the GIL, so the
    caller goes on normalising meanwhile); ``wait`` returns once every copy is in place. A
    copy that cannot be written is simply not there: the next load parses again."""

    def write() -> None:
        with Writer(reader, version, sha256, table.schema) as writer:
            writer.write(table)
            writer.commit(metadata() if metadata else None)

    _in_background(reader, write)


def _in_background(reader: str, write: Callable[[], Any]) -> None:
    """Run ``write`` on a thread that ``wait`` joins; a write that fails leaves no copy."""

    def work() -> None:
        try:
            write()
        except (OSError, pa.ArrowException):
            pass

    thread = threading.Thread(target=work, name=f"cache {reader}", daemon=False)
    with _pending_lock:
        _pending.append(thread)
    thread.start()


def wait() -> None:
    """Block until the copies being written in the background are in place."""
    with _pending_lock:
        threads, _pending[:] = list(_pending), []
    for thread in threads:
        thread.join()
