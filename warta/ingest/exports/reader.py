"""Read an uploaded export into a header and rows; refuse anything else with a clear reason.

What a file is comes from its bytes, never its name: a PDF renamed ``.csv`` is a PDF. CSV
text may be UTF-8 (with or without BOM), UTF-16 (Meta's page exports are) or, failing
those, Windows-1252; the delimiter (comma, semicolon, tab or pipe) is found from the text,
and Excel's ``sep=,`` first line is honoured. XLSX is read with openpyxl in read-only mode
(formulas as their cached values), after checking the archive would not unpack to more
than :data:`MAX_UNPACKED_BYTES`. A line before the header with a single cell (a report
title) is skipped. Row numbers are those a spreadsheet shows: the header's row is 1 when it
is the first line.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX unpacking to more is a zip bomb, not an export
HEADER_SEARCH_ROWS = 10
Cell = str | int | float | datetime | date | time | bool | None


class ExportFileError(ValidationError):
    """The upload cannot be read as an export at all; nothing is stored."""


@dataclass
class Table:
    kind: str  # "csv" | "xlsx"
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number as a spreadsheet shows it, cells)
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 1
    notes: list[str] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "WARTA_MAX_EXPORT_BYTES", MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "WARTA_MAX_EXPORT_ROWS", MAX_ROWS))


def read_table(content: bytes) -> Table:
    """Return the header and data rows of a CSV or XLSX export.

    Raises :class:`ExportFileError` when the bytes are empty, too big, not CSV or XLSX,
    have no header row or more rows than allowed.
    """
    if len(content) > max_bytes():
        raise ExportFileError(_("Berkas terlalu besar; paling besar %(max)s.") % {"max": filesizeformat(max_bytes())})
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ExportFileError(_("Berkas kosong. Unduh ulang ekspor dari platform lalu unggah lagi."))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    _refuse_binary(content)
    return _read_csv(content)


# --- what the bytes are -------------------------------------------------------------------


def _refuse_binary(content: bytes) -> None:
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExportFileError(_("Ini berkas Excel lama (.xls). Buka di Excel lalu simpan sebagai .xlsx atau CSV, "
                                "kemudian unggah lagi."))
    if content.startswith(b"%PDF"):
        raise ExportFileError(_("Berkas ini PDF, bukan CSV atau XLSX. Unduh ekspor data (CSV) dari platform, "
                                "bukan laporan PDF."))
    guess = filetype.guess(content[:8192])
    if guess is not None:
        raise ExportFileError(_("Berkas ini bertipe %(type)s, bukan CSV atau XLSX.") % {"type": guess.mime})


def _decode(content: bytes) -> tuple[str, str]:
    """Return the text and the encoding it was read with."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif _looks_utf16(content):
        encodings = ["utf-16-le" if content[1:2] == b"\x00" else "utf-16-be"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _control_share(text) > 0.01:
            break  # binary that happens to decode
        return text, encoding
    raise ExportFileError(_("Berkas ini bukan CSV teks yang dapat dibaca. Simpan ulang sebagai \"CSV UTF-8\" "
                            "atau unggah berkas XLSX."))


def _looks_utf16(content: bytes) -> bool:
    sample = content[:400]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return odd.count(0) > len(odd) * 0.6 or even.count(0) > len(even) * 0.6


def _control_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return bad / len(sample)


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(content: bytes) -> Table:
    text, encoding = _decode(content)
    delimiter = ""
    first, _sep, rest = text.partition("\n")
    offset = 0
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter = first.strip()[4]
        text = rest
        offset = 1
    if not delimiter:
        delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = max_rows()
    rows: list[tuple[int, list[Cell]]] = []
    record = offset
    try:
        for values in reader:
            record += 1
            if not any(v.strip() for v in values):
                continue
            rows.append((record, list(values)))
            if len(rows) > limit + HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise ExportFileError(_("CSV tidak dapat dibaca mulai baris %(line)d; periksa tanda petik (\") yang "
                                "tidak ditutup.") % {"line": record}) from exc
    table = _table("csv", rows)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _sniff(text: str) -> str:
    sample = text[:16_384]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max((",", ";", "\t", "|"), key=first.count)


# --- XLSX ---------------------------------------------------------------------------------


def _read_xlsx(content: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ExportFileError(_("Berkas ZIP ini rusak dan tidak dapat dibaca sebagai XLSX.")) from exc
    if "xl/workbook.xml" not in names:
        raise ExportFileError(_("Berkas ini arsip ZIP, bukan XLSX. Unggah CSV atau XLSX hasil ekspor platform."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExportFileError(_("Isi berkas XLSX ini terlalu besar untuk dibaca."))
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        logger.info("Unreadable XLSX upload: %s", exc)
        raise ExportFileError(_("Berkas XLSX ini rusak atau tidak dapat dibaca. Simpan ulang dari Excel lalu "
                                "unggah lagi.")) from exc
    try:
        limit = max_rows()
        rows: list[tuple[int, list[Cell]]] = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # trust the cells, not the sheet's stated size
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [v.strip() if isinstance(v, str) else v for v in values]
                if not any(c not in (None, "") for c in cells):
                    continue
                rows.append((number, cells))
                if len(rows) > limit + HEADER_SEARCH_ROWS:
                    break
            if rows:
                break  # the first sheet with anything on it
    finally:
        workbook.close()
    return _table("xlsx", rows)


# --- header and limits --------------------------------------------------------------------


def _table(kind: str, rows: list[tuple[int, list[Cell]]]) -> Table:
    if not rows:
        raise ExportFileError(_("Berkas tidak berisi data apa pun."))
    index = _header_index(rows)
    header_row, raw_headers = rows[index]
    if _looks_like_data(raw_headers):
        raise ExportFileError(_("Baris pertama berisi data, bukan judul kolom. Ekspor ulang dari platform "
                                "dengan baris judul kolom (mis. \"Post ID\", \"Publish time\")."))
    headers = _unique_headers(raw_headers)
    if not any(headers):
        raise ExportFileError(_("Berkas tidak memiliki baris judul kolom."))
    data = rows[index + 1 :]
    if len(data) > max_rows():
        raise ExportFileError(_("Berkas berisi lebih dari %(max)s baris data. Ekspor rentang tanggal yang lebih "
                                "pendek lalu unggah per bagian.") % {"max": number_format(max_rows(), force_grouping=True)})
    width = len(headers)
    data = [(n, (cells + [None] * (width - len(cells)))[:width]) for n, cells in data]
    return Table(kind=kind, headers=headers, rows=data, header_row=header_row)


def _header_index(rows: list[tuple[int, list[Cell]]]) -> int:
    """Skip title lines above the header: lines with a single filled cell before a wider one."""
    for i, (_n, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = sum(1 for c in cells if c not in (None, ""))
        if filled >= 2:
            return i
    return 0


def _looks_like_data(cells: list[Cell]) -> bool:
    """Return whether a would-be header row is mostly numbers or dates (no header at all)."""
    filled = [c for c in cells if c not in (None, "")]
    if not filled:
        return False
    data_like = 0
    for cell in filled:
        if isinstance(cell, int | float | datetime | date | time) and not isinstance(cell, bool):
            data_like += 1
        elif isinstance(cell, str) and cell.replace(",", "").replace(".", "").replace("-", "").strip().isdigit():
            data_like += 1
    return data_like * 2 > len(filled)


def _unique_headers(cells: list[Cell]) -> list[str]:
    """Return the headers as text; a repeated header gets " (2)", " (3)"… so each is distinct."""
    seen: dict[str, int] = {}
    out = []
    for cell in cells:
        name = _header_text(cell)
        if name:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} ({seen[name]})"
        out.append(name)
    return out


def _header_text(cell: Any) -> str:
    if cell is None:
        return ""
    return " ".join(str(cell).replace("\ufeff", "").split())
