"""Recognise an export's format, propose its column mapping, and turn its rows into posts.

A mapping is ``{target: column header}`` (see :mod:`~warta.ingest.exports.formats`): the
officer may change it on the preview page. Problems are kept as ``{"code": …, "params":
{…}}`` so they can be worded in the language of whoever reads them later
(:func:`describe`). Nothing here touches the database.
"""

from __future__ import annotations

import math
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from warta.ingest.exports import formats
from warta.ingest.exports.formats import FORMATS, GENERIC, TARGETS, ExportFormat, normalise
from warta.ingest.exports.reader import Table

MAX_INT = 2**63 - 1

MESSAGES = {
    # row problems
    "missing_id": _("ID unggahan kosong."),
    "bad_id": _("ID unggahan “%(value)s” tidak sah; angka ini tampaknya diubah Excel menjadi notasi ilmiah. "
                "Unduh ulang ekspornya dan jangan simpan lewat Excel."),
    "missing_date": _("Waktu terbit kosong."),
    "bad_date": _("Kolom “%(column)s”: “%(value)s” bukan tanggal yang dapat dibaca; format yang diharapkan "
                  "seperti %(expected)s."),
    "ambiguous_date": _("Kolom “%(column)s”: urutan hari dan bulan pada “%(value)s” bertentangan dengan baris lain. "
                        "Pilih urutan tanggal di pengaturan pemetaan."),
    "not_number": _("Kolom “%(column)s”: “%(value)s” bukan angka."),
    "not_integer": _("Kolom “%(column)s”: “%(value)s” harus bilangan bulat."),
    "negative": _("Kolom “%(column)s”: nilai %(value)s tidak boleh negatif."),
    "too_big": _("Kolom “%(column)s”: nilai %(value)s terlalu besar."),
    "bad_duration": _("Kolom “%(column)s”: “%(value)s” bukan durasi (mis. 0:01:23 atau jumlah detik)."),
    "too_long": _("Kolom “%(column)s”: teks terlalu panjang (%(length)s karakter; paling banyak %(max)s)."),
    "bad_url": _("Kolom “%(column)s”: “%(value)s” bukan tautan http(s) yang sah."),
    "duplicate": _("ID unggahan %(id)s sudah ada di baris %(first)s berkas ini."),
    "other_account": _("Unggahan %(id)s sudah tercatat pada akun lain. Periksa apakah akun yang dipilih benar."),
    # mapping problems
    "required_unmapped": _("Pilih kolom yang berisi %(field)s."),
    "column_missing": _("Kolom “%(column)s” tidak ada di berkas ini."),
    "column_twice": _("Kolom “%(column)s” dipilih untuk lebih dari satu isian (%(fields)s)."),
    "unknown_format": _("Judul kolom berkas ini tidak dikenali sebagai ekspor Meta Business Suite, X Analytics, "
                        "atau YouTube Studio. Pilih sendiri kolom yang berisi ID unggahan dan waktu terbit."),
    "platform_mismatch": _("Berkas ini tampaknya %(format)s, padahal akun yang dipilih adalah akun %(platform)s. "
                           "Unggah berkas ini pada akun yang sesuai."),
    "no_rows": _("Berkas tidak berisi baris data di bawah judul kolom."),
    # notes
    "total_rows_skipped": _("%(count)s baris ringkasan “Total” dari YouTube Studio dilewati."),
    "already_applied": _("Berkas yang sama sudah diterapkan ke akun ini pada %(when)s; waktu pengamatannya dipakai lagi, "
                         "sehingga menerapkannya ulang tidak mengubah apa pun."),
    "unused_columns": _("Kolom yang tidak diimpor: %(columns)s."),
}


def problem(code: str, **params: Any) -> dict:
    return {"code": code, "params": {k: (str(v) if not isinstance(v, int | float) else v) for k, v in params.items()}}


def describe(item: dict) -> str:
    """Word a stored problem or note in the active language."""
    template = MESSAGES.get(item.get("code", ""))
    if template is None:
        return str(item.get("code", ""))
    params = dict(item.get("params") or {})
    if "field" in params and params["field"] in TARGETS:
        params["field"] = TARGETS[params["field"]].label
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


# --- detection ----------------------------------------------------------------------------


@dataclass
class Detection:
    format: ExportFormat
    mapping: dict[str, str]
    language: str  # "en" | "id": which interface labels matched most
    problems: list[dict] = field(default_factory=list)


def _lookup(headers: list[str]) -> dict[str, str]:
    return {normalise(h): h for h in reversed(headers) if h}  # the first of equal headers wins


def propose(fmt: ExportFormat, headers: list[str]) -> tuple[dict[str, str], int, int, int]:
    """Return the mapping ``fmt`` proposes for ``headers``, its English and Indonesian hit counts
    and how many of its signature headers are present."""
    found = _lookup(headers)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    hits = {"en": 0, "id": 0}
    for column in fmt.columns:
        for language, names in (("en", column.en), ("id", column.id)):
            header = next((found[normalise(n)] for n in names if normalise(n) in found
                           and found[normalise(n)] not in used), None)
            if header is not None:
                mapping[column.target] = header
                used.add(header)
                hits[language] += 1
                break
    signature = sum(1 for s in fmt.signature if normalise(s) in found)
    return mapping, hits["en"], hits["id"], signature


def detect(headers: list[str], platform: str) -> Detection:
    """Pick the known format that best fits ``headers`` for an account on ``platform``.

    A format fits when it finds the required columns and at least three of its own. Among
    the account's platform's formats the one with most signature headers, then most
    columns, wins. A file that fits another platform's format better (more of its
    signature headers: an Instagram export on a Facebook account, an X export anywhere
    else) is a mismatch; one that fits none gets the generic format and must be mapped.
    """
    fits = []
    for fmt in FORMATS.values():
        if fmt is GENERIC:
            continue
        mapping, en, id_, signature = propose(fmt, headers)
        if all(t in mapping for t, spec in TARGETS.items() if spec.required) and en + id_ >= 3:
            fits.append(((signature, en + id_), fmt, mapping, "id" if id_ > en else "en"))
    own = [f for f in fits if platform in f[1].platforms]
    foreign = [f for f in fits if platform not in f[1].platforms]
    best_own = max(own, key=lambda f: f[0], default=None)
    best_foreign = max(foreign, key=lambda f: f[0], default=None)
    if best_foreign is not None and (best_own is None or best_foreign[0][0] > best_own[0][0]):
        from warta.channels.models import PLATFORM_LABELS  # labels only; no query

        labels = {p.value: label for p, label in PLATFORM_LABELS.items()}
        generic, en, id_, _sig = propose(GENERIC, headers)
        return Detection(GENERIC, generic, "id" if id_ > en else "en", [problem(
            "platform_mismatch", format=best_foreign[1].label, platform=labels.get(platform, platform))])
    if best_own is not None:
        _score, fmt, mapping, language = best_own
        return Detection(fmt, mapping, language)
    mapping, en, id_, _sig = propose(GENERIC, headers)
    return Detection(GENERIC, mapping, "id" if id_ > en else "en", [problem("unknown_format")])


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> list[dict]:
    """Return what is wrong with a mapping for a file with ``headers`` (empty when usable)."""
    out = []
    present = set(headers)
    by_column: dict[str, list[str]] = {}
    for target, column in mapping.items():
        if target not in TARGETS or not column:
            continue
        if column not in present:
            out.append(problem("column_missing", column=column))
        by_column.setdefault(column, []).append(target)
    for column, targets in by_column.items():
        if len(targets) > 1:
            out.append(problem("column_twice", column=column,
                               fields=", ".join(str(TARGETS[t].label) for t in targets)))
    for target, spec in TARGETS.items():
        if spec.required and not mapping.get(target):
            out.append(problem("required_unmapped", field=target))
    return out


def clean_mapping(mapping: dict[str, Any]) -> dict[str, str]:
    """Keep the known targets with a column chosen."""
    return {t: str(c) for t, c in (mapping or {}).items() if t in TARGETS and c}


# --- converting rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    zone: zoneinfo.ZoneInfo
    date_order: str = "auto"  # "auto" | "mdy" | "dmy"
    decimal_comma: bool = False  # "1.234,5": Indonesian number formatting
    month_first: bool = True  # how 09/10/2026 reads when no row settles it


@dataclass
class Post:
    row: int
    external_id: str
    created_at: datetime
    text: str = ""
    title: str = ""
    url: str = ""
    extra: dict = field(default_factory=dict)
    metrics: dict[str, int] = field(default_factory=dict)  # non-negative counts (the item's)
    values: dict[str, int] = field(default_factory=dict)  # every metric (the snapshot's)


@dataclass
class Conversion:
    posts: list[Post]
    bad: list[dict]  # {"row": n, "post_id": …, "reasons": [problem…]}
    total_rows: int  # data rows read (ignoring skipped "Total" rows)
    skipped_total_rows: int = 0


def convert(table: Table, fmt: ExportFormat, mapping: dict[str, str], options: Options) -> Conversion:
    """Turn every data row into a :class:`Post` or a bad row with every reason found."""
    index = {h: i for i, h in enumerate(table.headers) if h}
    columns = {t: index[c] for t, c in mapping.items() if c in index and t in TARGETS}
    date_order = options.date_order
    if date_order == "auto":
        date_order = _date_order(table, columns.get("published_at"), options.month_first)
    posts: list[Post] = []
    bad: list[dict] = []
    seen: dict[str, int] = {}
    skipped = 0
    reader = _CellReader(fmt=fmt, headers=table.headers, options=options, date_order=date_order)
    for number, cells in table.rows:
        raw_id = cells[columns["post_id"]] if "post_id" in columns else None
        if fmt.total_row_ids and isinstance(raw_id, str) and raw_id.strip().casefold() in fmt.total_row_ids:
            skipped += 1
            continue
        post, reasons = reader.row(number, cells, columns)
        if post is not None and post.external_id in seen:
            reasons.append(problem("duplicate", id=post.external_id, first=seen[post.external_id]))
        if reasons:
            shown_id = post.external_id if post else (str(raw_id).strip() if raw_id not in (None, "") else "")
            bad.append({"row": number, "post_id": shown_id[:255], "reasons": reasons})
            continue
        seen[post.external_id] = number
        posts.append(post)
    return Conversion(posts=posts, bad=bad, total_rows=len(table.rows) - skipped, skipped_total_rows=skipped)


NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?$"
)
ISO_WITH_OFFSET = re.compile(
    r"^(?P<d>\d{4}-\d{2}-\d{2})[ T](?P<t>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?P<z>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
TEXT_MONTH_FIRST = re.compile(
    r"^(?:[A-Za-z]+,?\s+)?(?P<mon>[A-Za-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})"
    r"(?:,?\s+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?$"
)
TEXT_DAY_FIRST = re.compile(
    r"^(?:[A-Za-z]+,?\s+)?(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]+)\.?\s+(?P<y>\d{4})"
    r"(?:,?\s+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
MONTHS = {
    "jan": 1, "january": 1, "januari": 1, "feb": 2, "february": 2, "februari": 2, "mar": 3, "march": 3,
    "maret": 3, "apr": 4, "april": 4, "may": 5, "mei": 5, "jun": 6, "june": 6, "juni": 6, "jul": 7, "july": 7,
    "juli": 7, "aug": 8, "august": 8, "agu": 8, "agt": 8, "agustus": 8, "ags": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "okt": 10, "oktober": 10, "nov": 11, "november": 11,
    "nop": 11, "dec": 12, "december": 12, "des": 12, "desember": 12,
}
CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})$")
EMPTY = {"", "-", "—", "–", "n/a", "na", "--"}


def _date_order(table: Table, column: int | None, month_first: bool) -> str:
    """Decide whether 09/10/2026 is 10 September or 9 October for the whole file."""
    if column is None:
        return "mdy" if month_first else "dmy"
    seen_month_first = seen_day_first = False
    for _n, cells in table.rows:
        value = cells[column]
        if not isinstance(value, str):
            continue
        match = NUMERIC_DATE.match(value.strip())
        if match:
            a, b = int(match["a"]), int(match["b"])
            seen_day_first |= a > 12
            seen_month_first |= b > 12
    if seen_day_first and not seen_month_first:
        return "dmy"
    if seen_month_first and not seen_day_first:
        return "mdy"
    return "mdy" if month_first else "dmy"


def parse_datetime_text(value: str, *, zone: zoneinfo.ZoneInfo, date_order: str) -> datetime | None:
    """Read a date or date-time as the platforms write it; naive ones are in ``zone``."""
    text = " ".join(value.strip().split())
    if not text:
        return None
    match = ISO_WITH_OFFSET.match(text)
    if match:
        zone_part = match["z"]
        iso = f"{match['d']}T{match['t']}"
        if zone_part in ("Z", "UTC", "GMT"):
            iso += "+00:00"
        elif zone_part:
            iso += zone_part if ":" in zone_part else f"{zone_part[:3]}:{zone_part[3:]}"
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    match = NUMERIC_DATE.match(text)
    if match:
        a, b = int(match["a"]), int(match["b"])
        month, day = (a, b) if date_order == "mdy" else (b, a)
        return _build(int(match["y"]), month, day, match, zone)
    for pattern in (TEXT_MONTH_FIRST, TEXT_DAY_FIRST):
        match = pattern.match(text)
        if match:
            month = MONTHS.get(match["mon"].lower().rstrip("."))
            if month is None:
                return None
            return _build(int(match["y"]), month, int(match["d"]), match, zone)
    return None


def _build(year: int, month: int, day: int, match, zone) -> datetime | None:
    hour = int(match["H"] or 0)
    minute = int(match["M"] or 0)
    second = int(match["S"] or 0)
    ampm = (match.groupdict().get("ampm") or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


class _CellReader:
    def __init__(self, *, fmt: ExportFormat, headers: list[str], options: Options, date_order: str):
        self.fmt = fmt
        self.headers = headers
        self.options = options
        self.date_order = date_order
        self.id_from_url = re.compile(fmt.id_from_url) if fmt.id_from_url else None

    def row(self, number: int, cells: list, columns: dict[str, int]) -> tuple[Post | None, list[dict]]:
        reasons: list[dict] = []
        values: dict[str, Any] = {}
        for target, i in columns.items():
            value, error = self.cell(target, cells[i], self.headers[i])
            if error:
                reasons.append(error)
            elif value is not None:
                values[target] = value
        external_id = values.get("post_id")
        if external_id is None and self.id_from_url and "url" in values:
            found = self.id_from_url.search(values["url"])
            if found:  # Excel mangled the id; the permalink still carries it
                external_id = found[1]
                reasons = [r for r in reasons if r["code"] != "bad_id"]
        if external_id is None and not any(r["code"] == "bad_id" for r in reasons):
            reasons.insert(0, problem("missing_id"))
        created_at = values.get("published_at")
        if created_at is None and not any(r["code"] == "bad_date" for r in reasons):
            reasons.append(problem("missing_date"))
        if reasons:
            partial = Post(row=number, external_id=external_id, created_at=created_at) if external_id else None
            return partial, reasons
        post = Post(row=number, external_id=external_id, created_at=created_at.astimezone(UTC),
                    text=values.get("text", ""), title=values.get("title", ""), url=values.get("url", ""))
        if not post.text and post.title and self.fmt is formats.FACEBOOK_POSTS:
            post.text = post.title  # Meta puts a photo's caption in "Title"
        if not post.url and self.fmt.url_template:
            post.url = self.fmt.url_template.format(id=external_id)
        for target, value in values.items():
            spec = TARGETS[target]
            if spec.extra:
                post.extra[target] = value
            elif spec.metric:
                post.values[target] = value
                if value >= 0:
                    post.metrics[target] = value
        return post, []

    def cell(self, target: str, value: Any, column: str) -> tuple[Any, dict | None]:
        spec = TARGETS[target]
        kind = self.fmt.kind_of(target)
        if isinstance(value, str):
            value = value.strip()
            if value.casefold() in EMPTY:
                value = None
        if value is None:
            return None, None
        if kind == formats.ID:
            return self._id(value)
        if kind == formats.DATETIME:
            return self._datetime(value, column)
        if kind in (formats.TEXT, formats.TITLE, formats.LABEL):
            text = _text(value)
            if spec.max_length and len(text) > spec.max_length:
                return None, problem("too_long", column=column, length=len(text), max=spec.max_length)
            return text, None
        if kind == formats.URL:
            text = _text(value)
            if len(text) > (spec.max_length or 1000):
                return None, problem("too_long", column=column, length=len(text), max=spec.max_length)
            if not re.match(r"^https?://[^\s/]+\.[^\s]*$", text):
                return None, problem("bad_url", column=column, value=_short(text))
            return text, None
        if kind == formats.SECONDS:
            return self._seconds(value, column)
        number, error = self._number(value, column)
        if error:
            return None, error
        if kind == formats.HOURS_TO_MINUTES:
            number = number * 60
        elif kind == formats.SECONDS_TO_MINUTES:
            number = number / 60
        if kind in (formats.COUNT, formats.SIGNED) and number != int(number):
            return None, problem("not_integer", column=column, value=_short(str(value)))
        number = int(round(number))
        if number < 0 and kind != formats.SIGNED:
            return None, problem("negative", column=column, value=number)
        if abs(number) > MAX_INT:
            return None, problem("too_big", column=column, value=_short(str(value)))
        return number, None

    def _id(self, value: Any) -> tuple[str | None, dict | None]:
        if isinstance(value, float):
            if not value.is_integer() or value > 2**53:
                return None, problem("bad_id", value=_short(repr(value)))
            value = int(value)
        text = str(value).strip().lstrip("'")  # a leading quote keeps Excel from mangling ids
        if re.match(r"^\d+(\.\d+)?[eE]\+?\d+$", text):
            return None, problem("bad_id", value=_short(text))
        if len(text) > 255:
            return None, problem("too_long", column="ID", length=len(text), max=255)
        return (text or None), None

    def _datetime(self, value: Any, column: str) -> tuple[datetime | None, dict | None]:
        zone = self.options.zone
        if isinstance(value, datetime):
            return (value if value.tzinfo else value.replace(tzinfo=zone)), None
        if isinstance(value, date):
            return datetime.combine(value, time(), tzinfo=zone), None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None, problem("bad_date", column=column, value=_short(str(value)), expected=self._expected())
        parsed = parse_datetime_text(str(value), zone=zone, date_order=self.date_order)
        if parsed is None:
            return None, problem("bad_date", column=column, value=_short(str(value)), expected=self._expected())
        return parsed, None

    def _expected(self) -> str:
        example = self.fmt.example_date or "2026-09-16 14:05"
        if self.fmt.month_first and self.date_order == "dmy":
            example = "16/09/2026 14:05"
        return f"“{example}” {_('atau')} “2026-09-16 14:05”"

    def _seconds(self, value: Any, column: str) -> tuple[int | None, dict | None]:
        if isinstance(value, time):
            return value.hour * 3600 + value.minute * 60 + value.second, None
        if isinstance(value, timedelta):
            return int(value.total_seconds()), None
        if isinstance(value, str):
            match = CLOCK.match(value)
            if match:
                return int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + int(match["s"]), None
        number, error = self._number(value, column)
        if error:
            return None, problem("bad_duration", column=column, value=_short(str(value)))
        if number < 0:
            return None, problem("negative", column=column, value=number)
        return int(round(number)), None

    def _number(self, value: Any, column: str) -> tuple[float | None, dict | None]:
        if isinstance(value, bool):
            return None, problem("not_number", column=column, value=str(value))
        if isinstance(value, int):
            return value, None
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                return None, problem("not_number", column=column, value=str(value))
            return value, None
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        number = _parse_number(text, decimal_comma=self.options.decimal_comma)
        if number is None:
            return None, problem("not_number", column=column, value=_short(str(value)))
        return number, None


GROUPED = re.compile(r"^[+-]?\d{1,3}([.,])\d{3}(?:\1\d{3})*$")


def _parse_number(text: str, *, decimal_comma: bool) -> float | None:
    """Read "12,400", "12.400", "10.5", "10,5", "1.234,5"; ``decimal_comma`` settles "1,5"."""
    if not text:
        return None
    if GROUPED.match(text):
        return float(re.sub(r"[.,]", "", text))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text:
        text = text.replace(",", ".") if decimal_comma or text.count(",") == 1 else text.replace(",", "")
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
