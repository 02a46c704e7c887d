"""Rows out of an uploaded CSV or XLSX file, streamed: memory does not grow with the file."""
from __future__ import annotations

import codecs
import csv
import io
from typing import Any, BinaryIO, Iterator

from app.errors import ValidationFailed
from app.i18n import _

MAX_COLUMNS = 500
_XLSX_MAGIC = b"PK\x03\x04"


def _is_blank(row) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _csv_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: what Excel in a Chinese locale saves."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        return "utf-8" if exc.start >= len(head) - 3 else "gb18030"


class Sheet:
    """Header and data rows of the first worksheet (or the CSV). Row numbers are the
    spreadsheet's own (the header is row 1 when it is the first line)."""

    def __init__(self, source: BinaryIO, name: str = ""):
        self.source = source
        head = source.read(65536)
        source.seek(0)
        self.kind = "xlsx" if head.startswith(_XLSX_MAGIC) else "csv"
        self._encoding = _csv_encoding(head) if self.kind == "csv" else None
        self.headers: list[str] = []
        self.header_row = 0
        self._rows = self._numbered_rows()
        for number, row in self._rows:
            if not _is_blank(row):
                self.headers = _unique_headers(row)
                self.header_row = number
                break
        if not self.headers:
            raise ValidationFailed(_("The file has no header row", "文件没有表头行"),
                                   {"fields": {"file": [_("The file is empty", "文件为空")]}})
        if len(self.headers) > MAX_COLUMNS:
            raise ValidationFailed(_("Too many columns", "列数过多"),
                                   {"fields": {"file": [_("At most {n} columns", "最多 {n} 列",
                                                          n=MAX_COLUMNS)]}})

    def _numbered_rows(self) -> Iterator[tuple[int, list[Any]]]:
        if self.kind == "csv":
            text = io.TextIOWrapper(self.source, encoding=self._encoding, errors="replace",
                                    newline="")
            try:
                for number, row in enumerate(csv.reader(text), start=1):
                    yield number, row
            finally:
                if not self.source.closed:
                    text.detach()  # the caller owns (and closes) the underlying file
        else:
            import openpyxl

            try:
                book = openpyxl.load_workbook(self.source, read_only=True, data_only=True)
            except Exception:  # openpyxl raises zipfile, KeyError and XML errors alike
                raise ValidationFailed(_("The file is not a readable XLSX workbook",
                                         "文件不是可读取的 XLSX 工作簿"),
                                       {"fields": {"file": [_("Unreadable", "无法读取")]}})
            try:
                sheet = book.worksheets[0]
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield number, list(row)
            finally:
                book.close()

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of every non-blank row after the header, once."""
        width = len(self.headers)
        for number, row in self._rows:
            if _is_blank(row):
                continue
            if len(row) < width:
                row = list(row) + [None] * (width - len(row))
            yield number, row[:width]


def _unique_headers(row: list[Any]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for index, cell in enumerate(row):
        text = ("" if cell is None else str(cell)).strip() or f"#{index + 1}"
        seen[text] = seen.get(text, 0) + 1
        headers.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return headers


def count_data_rows(source: BinaryIO) -> int:
    """Rows after the header (blank ones included): a cheap pass for the progress total."""
    return sum(1 for _ in Sheet(source).rows())
