"""Indonesia's commemoration days (*hari peringatan nasional*: Hari Kartini, Hari Pahlawan, …)
read from KDE's KHolidays library installed on the machine (Debian package ``libkf5holidays5``,
or ``libkf6holidays6``). See docs/adr/0026-commemoration-days.md.

KHolidays compiles its holiday files ("plan2" text, one per country and language) into the
shared library as Qt resources. Qt's resource compiler stores each compressed file as a 4-byte
big-endian block length, a 4-byte big-endian uncompressed length and a zlib stream. We scan
the library for zlib headers, peek at the start of each stream, keep the one whose header says
``Country: Indonesia`` and ``Language: Indonesian``, and parse its lines of type ``civil`` on a
fixed month and day (the public and religious days come from the ``holidays`` library).

Nothing here raises: a missing or unreadable library gives an empty tuple and one INFO line in
the log, and the calendar says that commemoration days need the package.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.conf import settings

logger = logging.getLogger(__name__)

SETTING = "WARTA_KHOLIDAYS_LIBRARY"
LIBRARY_GLOBS = ("/usr/lib/*/libKF5Holidays.so.5*", "/usr/lib/*/libKF6Holidays.so.6*",
                 "/usr/lib/libKF5Holidays.so.5*", "/usr/lib/libKF6Holidays.so.6*")
COUNTRY, LANGUAGE = "Indonesia", "Indonesian"
MAX_LIBRARY_BYTES = 64 * 1024 * 1024  # the real one is about 0.5 MB
MAX_PLAN_BYTES = 1024 * 1024  # the Indonesian plan is about 8.5 KB
PEEK_BYTES = 1024  # enough for the ":: Country:" and ":: Language:" header lines

# The two-byte zlib headers (deflate, 32 KB window) for the four compression levels.
_ZLIB_HEADER = re.compile(rb"\x78[\x01\x5e\x9c\xda]")
_MONTHS = {name: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# "Name" <categories…> on <month name> <day>      or      … on <day>.<month>[.]
_LINE = re.compile(r'^"(?P<name>[^"]+)"\s+(?P<types>(?:[a-z]+\s+)*?)on\s+'
                   r'(?:(?P<month_name>[a-z]+)\s+(?P<day>\d{1,2})|(?P<dday>\d{1,2})\.(?P<dmonth>\d{1,2})\.?)$')
_HEADER = re.compile(r"^::\s*(Country|Language):\s*(.*?)\s*$", re.MULTILINE)


class Commemoration(NamedTuple):
    month: int
    day: int
    name: str


def _strip_comment(line: str) -> str:
    """Drop a ``:`` comment that is outside the quoted name."""
    quotes = 0
    for i, ch in enumerate(line):
        if ch == '"':
            quotes += 1
        elif ch == ":" and quotes % 2 == 0:
            return line[:i]
    return line


def parse_plan(text: str) -> tuple[Commemoration, ...]:
    """The entries of a plan2 text of type ``civil`` on a fixed month and day, every year.

    Skipped without error: comments, metadata, public and religious days, days tied to Easter,
    the Hijri calendar or a weekday, days of one year only, and lines this parser cannot read.
    Sorted by month, day and name; duplicates once."""
    found = set()
    for raw in text.splitlines():
        line = " ".join(_strip_comment(raw).split())
        if not line.startswith('"'):
            continue
        match = _LINE.match(_lower_outside_quotes(line))
        if match is None:
            continue
        types = set(match["types"].split())
        if "civil" not in types or types & {"public", "religious"}:
            continue
        if match["month_name"] is not None:
            month = _MONTHS.get(match["month_name"])
            day = int(match["day"])
        else:
            month, day = int(match["dmonth"]), int(match["dday"])
        if month is None or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            continue
        name = match["name"].strip()
        if name:
            found.add(Commemoration(month, day, name))
    return tuple(sorted(found))


def _lower_outside_quotes(line: str) -> str:
    """Keywords are case-insensitive; the quoted name keeps its case."""
    end = line.find('"', 1)
    return line if end == -1 else line[:end + 1] + line[end + 1:].lower()


def _header(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in _HEADER.findall(text):
        fields.setdefault(key.lower(), value)
    return fields


def _is_wanted(head: str, country: str, language: str) -> bool:
    fields = _header(head)
    return fields.get("country") == country and fields.get("language") == language


def _stream_bounds(data: bytes, start: int) -> int | None:
    """End of the zlib stream at ``start`` as Qt's rcc recorded it (block length before the
    uncompressed length), or None when the 8 bytes before do not look like rcc's."""
    if start < 8:
        return None
    block, size = struct.unpack_from(">II", data, start - 8)
    end = start - 4 + block
    if 4 < block and end <= len(data) and 0 < size <= MAX_PLAN_BYTES:
        return end
    return None


def plan_from_binary(data: bytes, *, country: str = COUNTRY, language: str = LANGUAGE) -> str | None:
    """The text of the plan file in ``data`` (a KHolidays library, or any bytes) whose header
    names ``country`` and ``language``; None when there is none. Only zlib streams are read."""
    for match in _ZLIB_HEADER.finditer(data):
        start = match.start()
        end = _stream_bounds(data, start)
        chunk = memoryview(data)[start:end] if end is not None else memoryview(data)[start:]
        try:
            peek = zlib.decompressobj()
            head = peek.decompress(chunk, PEEK_BYTES)
        except zlib.error:
            continue
        if b"::" not in head:
            continue
        if not _is_wanted(head.decode("utf-8", "replace"), country, language):
            continue
        try:
            whole = zlib.decompressobj()
            text = whole.decompress(chunk, MAX_PLAN_BYTES + 1)
        except zlib.error:
            continue
        if len(text) > MAX_PLAN_BYTES or not whole.eof:
            continue
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


def library_candidates() -> list[Path]:
    """Where to look: the ``WARTA_KHOLIDAYS_LIBRARY`` setting (or environment variable) alone
    when set, otherwise the KF5/KF6 libraries under /usr/lib, newest file name first."""
    override = getattr(settings, SETTING, None)
    if override is None:
        override = os.environ.get(SETTING, "")
    if override:
        return [Path(override)]
    seen: dict[Path, Path] = {}
    for pattern in LIBRARY_GLOBS:
        for name in sorted(glob.glob(pattern), reverse=True):
            path = Path(name)
            try:
                real = path.resolve(strict=True)
            except OSError:
                continue
            if real.is_file():
                seen.setdefault(real, path)
    return list(seen.values())


def load_from(path: Path) -> tuple[Commemoration, ...]:
    """Read ``path`` and return its Indonesian commemoration days. Raises OSError when the file
    cannot be read, ValueError when it is too big or holds no Indonesian plan."""
    if path.stat().st_size > MAX_LIBRARY_BYTES:
        raise ValueError(f"{path} is larger than {MAX_LIBRARY_BYTES} bytes")
    text = plan_from_binary(path.read_bytes())
    if text is None:
        raise ValueError(f"{path} holds no zlib-compressed plan for {COUNTRY} in {LANGUAGE}")
    return parse_plan(text)


@lru_cache(maxsize=1)
def commemorations() -> tuple[Commemoration, ...]:
    """Indonesia's commemoration days from the installed KHolidays library, read once per
    process; empty (logged once at INFO) when the library is absent or unreadable."""
    candidates = library_candidates()
    problems = []
    for path in candidates:
        try:
            found = load_from(path)
        except (OSError, ValueError, MemoryError) as exc:
            problems.append(str(exc))
            continue
        if found:
            logger.debug("kholidays: %d commemoration days from %s", len(found), path)
            return found
        problems.append(f"{path}: no civil days on a fixed date")
    if not candidates:
        problems.append("no libKF5Holidays/libKF6Holidays under /usr/lib and no " + SETTING)
    logger.info("Commemoration days are not shown: KHolidays not usable (install the Debian package "
                "libkf5holidays5). %s", "; ".join(problems))
    return ()


def available() -> bool:
    """Whether commemoration days could be read (the calendar says so when not)."""
    return bool(commemorations())
