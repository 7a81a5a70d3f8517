"""A spreadsheet as a header and numbered rows: CSV (any delimiter), XLSX or YAML."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowscope.ingest.yamldoc import load_yaml
from flowscope.model import Diagnostic, InputError, Level, Source

MAX_INVENTORY_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: a small file can unpack to gigabytes of sheet XML.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000  # a vendor inventory has hundreds of rows, not millions
MAX_COLUMNS = 256  # a sheet's recorded width can be 16,384 empty columns
DELIMITERS = ",;\t|"


@dataclass
class Table:
    file: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (line or row number, cells)
    problems: list[Diagnostic] = field(default_factory=list)


def read_table(path: Path, file: str, sheet: str | None = None) -> Table:
    """Read ``path`` by its suffix; raises InputError when nothing can be read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, file, sheet)
    if suffix in (".yaml", ".yml"):
        return _yaml(path, file)
    return _csv(path, file)


def _check_size(path: Path, file: str) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(_error(file, f"cannot read: {exc.strerror or exc}")) from None
    if size > MAX_INVENTORY_BYTES:
        raise InputError(
            _error(file, f"file too large ({size} bytes, limit {MAX_INVENTORY_BYTES})")
        )


def _too_many_rows(file: str, line: int) -> Diagnostic:
    return Diagnostic(
        Level.ERROR, f"more than {MAX_ROWS} rows: the rest is not read", Source(file, line)
    )


def _csv(path: Path, file: str) -> Table:
    problems: list[Diagnostic] = []
    _check_size(path, file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(_error(file, f"cannot read: {exc.strerror or exc}")) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Diagnostic(Level.WARNING, "not UTF-8; read as Windows-1252", Source(file, line))
        )
        content = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(content, newline=""), _dialect(content))
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    try:
        while True:
            start = reader.line_num + 1  # a quoted cell may span lines: the row starts here
            try:
                cells = next(reader)
            except StopIteration:
                break
            if header is None:
                if any(c.strip() for c in cells):
                    header = cells
                continue
            if len(rows) == MAX_ROWS:
                problems.append(_too_many_rows(file, start))
                break
            rows.append((start, cells))
    except csv.Error as exc:
        problems.append(
            Diagnostic(Level.ERROR, f"not valid CSV: {exc}", Source(file, reader.line_num))
        )
    if header is None:
        raise InputError(_error(file, "no header row"))
    return Table(file, header, rows, problems)


def _dialect(content: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(content[: 64 * 1024], delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel


def _xlsx(path: Path, file: str, sheet: str | None) -> Table:
    import openpyxl  # only spreadsheets need it
    from openpyxl.utils.exceptions import InvalidFileException

    _check_size(path, file)
    _check_unpacked_size(path, file)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as exc:
        raise InputError(_error(file, f"not a readable XLSX workbook: {exc}")) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(book.sheetnames)
            raise InputError(_error(file, f"no sheet named {sheet!r} (sheets: {names})"))
        worksheet = book[sheet] if sheet else book.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        problems: list[Diagnostic] = []
        lines = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        for number, values in enumerate(lines, start=1):
            cells = ["" if v is None else v for v in values]
            if header is None:
                if any(str(c).strip() for c in cells):
                    header = [str(c) for c in cells]
                continue
            if len(rows) == MAX_ROWS:
                problems.append(_too_many_rows(file, number))
                break
            rows.append((number, cells))
    finally:
        book.close()
    if header is None:
        raise InputError(_error(file, "no header row"))
    return Table(file, header, rows, problems)


def _check_unpacked_size(path: Path, file: str) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, before unpacking any."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(_error(file, f"not a readable XLSX workbook: {exc}")) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise InputError(
            _error(
                file,
                f"workbook unpacks to {unpacked} bytes (limit {MAX_XLSX_UNPACKED_BYTES}); not read",
            )
        )


def _yaml(path: Path, file: str) -> Table:
    doc = load_yaml(path, file)
    entries = doc.data.get("vendors") if isinstance(doc.data, dict) else doc.data
    pointer = "/vendors" if isinstance(doc.data, dict) else ""
    if not isinstance(entries, list):
        raise InputError(_error(file, "expected a list of vendors (or a 'vendors:' list)"))
    header: list[str] = []
    for entry in entries:
        for key in entry if isinstance(entry, dict) else {}:
            if str(key) not in header:
                header.append(str(key))
    rows = []
    for index, entry in enumerate(entries):
        line = doc.source(f"{pointer}/{index}").line
        values = entry if isinstance(entry, dict) else {}
        rows.append((line, [values.get(key, "") for key in header]))
    return Table(file, header, rows, list(doc.problems))


def _error(file: str, message: str) -> Diagnostic:
    return Diagnostic(Level.ERROR, message, Source(file))


__all__ = ["Table", "read_table"]
