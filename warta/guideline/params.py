"""The settings of each rule kind: validated and normalised before anything is stored.

``params_clean(kind, params)`` returns the stored form or raises ``ValidationError`` keyed by
the parameter's name, with an Indonesian message. Every kind's stored shape:

- ``forbidden_phrase``: ``{"phrases": ["korupsi", "hoaks"]}``
- ``abusive_language``: ``{"threshold": 0.5, "words": [...extra words], "ignore": [...floor words to skip]}``
- ``sara``: ``{"threshold": 0.5, "words": [...words set by the unit]}``
- ``required_hashtag``: ``{"hashtags": ["#BogorKabMaju"]}``
- ``required_signature``: ``{"text": "#HumasBogor — Diskominfo Kab. Bogor"}``
- ``link_domains``: ``{"domains": ["go.id", "bogorkab.go.id"]}``
- ``posting_hours``: ``{"windows": [{"start": "06:00", "end": "21:00"}]}`` (unit's local time;
  a window whose end is before its start runs past midnight)
- ``sensitive_period``: ``{"name": "Masa tenang Pilkada", "start": ISO, "end": ISO (UTC),
  "keywords": [...]}``
"""

import re
from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from warta.channels.connectors.base import Platform
from warta.guideline.models import RuleKind, Severity

MAX_ITEMS = 500
MAX_PHRASE = 100
DEFAULT_THRESHOLD = 0.5
MIN_YEAR, MAX_YEAR = 1900, 2999
_HASHTAG = re.compile(r"^#\w{1,100}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _list(value, name: str) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        value = [line for line in re.split(r"[\n\r]+", value)]
    if not isinstance(value, list | tuple):
        raise ValidationError({name: _("Harus berupa daftar.")})
    return list(value)


def _words(value, name: str, *, required: bool) -> list[str]:
    out: list[str] = []
    for item in _list(value, name):
        if not isinstance(item, str):
            raise ValidationError({name: _("Setiap isian harus berupa teks.")})
        item = " ".join(item.replace("\x00", "").split())
        if not item:
            continue
        if len(item) > MAX_PHRASE:
            raise ValidationError({name: _("Isian '%(item)s…' terlalu panjang (paling banyak %(n)s karakter).")
                                   % {"item": item[:30], "n": MAX_PHRASE}})
        if item.casefold() not in {o.casefold() for o in out}:
            out.append(item)
    if len(out) > MAX_ITEMS:
        raise ValidationError({name: _("Paling banyak %(n)s isian.") % {"n": MAX_ITEMS}})
    if required and not out:
        raise ValidationError({name: _("Isi paling sedikit satu kata atau frasa.")})
    return out


def _threshold(value) -> float:
    if value in (None, ""):
        return DEFAULT_THRESHOLD
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({"threshold": _("Ambang harus angka antara 0,05 dan 1.")}) from None
    if isinstance(value, bool) or not 0.05 <= number <= 1:
        raise ValidationError({"threshold": _("Ambang harus angka antara 0,05 dan 1.")})
    return round(number, 3)


def parse_time(value, name: str = "windows") -> time:
    match = _TIME.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ValidationError({name: _("Jam '%(value)s' tidak sah; tulis seperti 06:00.") % {"value": value}})
    return time(int(match.group(1)), int(match.group(2)))


def _windows(value) -> list[dict]:
    raw = _list(value, "windows")
    windows = []
    for item in raw:
        if isinstance(item, str):
            if not item.strip():
                continue
            parts = re.split(r"\s*(?:-|–|—|s/d|sampai)\s*", item.strip())
            if len(parts) != 2:
                raise ValidationError({"windows": _("Jendela '%(value)s' tidak sah; tulis seperti 06:00-21:00.")
                                       % {"value": item}})
            item = {"start": parts[0], "end": parts[1]}
        if not isinstance(item, dict) or set(item) != {"start", "end"}:
            raise ValidationError({"windows": _("Setiap jendela berisi jam mulai dan jam selesai.")})
        start, end = parse_time(item["start"]), parse_time(item["end"])
        if start == end:
            raise ValidationError({"windows": _("Jam mulai dan jam selesai tidak boleh sama.")})
        windows.append({"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
    if not windows:
        raise ValidationError({"windows": _("Isi paling sedikit satu jendela jam unggah, misalnya 06:00-21:00.")})
    if len(windows) > 10:
        raise ValidationError({"windows": _("Paling banyak 10 jendela.")})
    return windows


def _moment(value, name: str, zone) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({name: _("Bukan tanggal dan jam yang sah.")}) from None
    if not isinstance(value, datetime):
        raise ValidationError({name: _("Wajib diisi.")})
    if value.tzinfo is None:
        if zone is None:
            raise ValidationError({name: _("Sertakan zona waktu (misalnya +07:00).")})
        value = value.replace(tzinfo=zone)
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = None
    # a moment near year 1 or 9999 cannot be shown in every unit's zone (and means nothing here)
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError({name: _("Tahun harus antara %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}})
    return value


def domain_clean(value: str) -> str:
    domain = value.strip().lower().removeprefix("*.").strip(".")
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    domain = domain.split("/")[0]
    if not _DOMAIN.match(domain):
        raise ValidationError({"domains": _("Domain '%(value)s' tidak sah; tulis seperti go.id atau bogorkab.go.id.")
                               % {"value": value.strip()}})
    return domain


def params_clean(kind: str, params, *, zone=None) -> dict:
    """Return the stored form of ``params`` for ``kind``; ``zone`` reads naive date-times."""
    if kind not in RuleKind.values:
        raise ValidationError({"kind": _("Jenis aturan tidak dikenal.")})
    if not isinstance(params, dict):
        raise ValidationError({"params": _("Pengaturan harus berupa objek.")})
    allowed = {
        RuleKind.FORBIDDEN_PHRASE: {"phrases"},
        RuleKind.ABUSIVE_LANGUAGE: {"threshold", "words", "ignore"},
        RuleKind.SARA: {"threshold", "words"},
        RuleKind.REQUIRED_HASHTAG: {"hashtags"},
        RuleKind.REQUIRED_SIGNATURE: {"text"},
        RuleKind.LINK_DOMAINS: {"domains"},
        RuleKind.POSTING_HOURS: {"windows"},
        RuleKind.SENSITIVE_PERIOD: {"name", "start", "end", "keywords"},
    }[kind]
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValidationError({"params": _("Pengaturan tidak dikenal untuk jenis ini: %(keys)s.")
                               % {"keys": ", ".join(unknown)}})
    if kind == RuleKind.FORBIDDEN_PHRASE:
        return {"phrases": _words(params.get("phrases"), "phrases", required=True)}
    if kind == RuleKind.ABUSIVE_LANGUAGE:
        return {"threshold": _threshold(params.get("threshold")),
                "words": _words(params.get("words"), "words", required=False),
                "ignore": [w.lower() for w in _words(params.get("ignore"), "ignore", required=False)]}
    if kind == RuleKind.SARA:
        return {"threshold": _threshold(params.get("threshold")),
                "words": _words(params.get("words"), "words", required=False)}
    if kind == RuleKind.REQUIRED_HASHTAG:
        raw = params.get("hashtags")
        if isinstance(raw, str):
            raw = raw.replace(",", " ").split()
        tags = []
        for tag in _words(raw, "hashtags", required=True):
            tag = tag if tag.startswith("#") else f"#{tag}"
            if not _HASHTAG.match(tag):
                raise ValidationError({"hashtags": _("Tagar '%(tag)s' tidak sah: satu kata tanpa spasi, seperti "
                                                     "#BogorKabMaju.") % {"tag": tag}})
            tags.append(tag)
        return {"hashtags": tags}
    if kind == RuleKind.REQUIRED_SIGNATURE:
        text = params.get("text")
        if not isinstance(text, str) or not " ".join(text.split()):
            raise ValidationError({"text": _("Isi teks tanda tangan yang wajib ada.")})
        text = " ".join(text.replace("\x00", "").split())
        if len(text) > 300:
            raise ValidationError({"text": _("Tanda tangan paling banyak 300 karakter.")})
        return {"text": text}
    if kind == RuleKind.LINK_DOMAINS:
        domains = []
        for item in _words(params.get("domains"), "domains", required=False):
            domain = domain_clean(item)
            if domain not in domains:
                domains.append(domain)
        if not domains:
            raise ValidationError({"domains": _("Isi paling sedikit satu domain yang diizinkan, misalnya go.id.")})
        return {"domains": domains}
    if kind == RuleKind.POSTING_HOURS:
        return {"windows": _windows(params.get("windows"))}
    # sensitive period
    name = params.get("name")
    if isinstance(name, str):
        name = name.replace("\x00", "")  # never stored: PostgreSQL's JSON refuses it
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": _("Beri nama masa sensitif, misalnya Masa tenang Pilkada.")})
    if len(name.strip()) > 120:
        raise ValidationError({"name": _("Nama paling banyak 120 karakter.")})
    start, end = _moment(params.get("start"), "start", zone), _moment(params.get("end"), "end", zone)
    if end <= start:
        raise ValidationError({"end": _("Akhir masa sensitif harus sesudah awalnya.")})
    return {"name": " ".join(name.split()), "start": start.isoformat(), "end": end.isoformat(),
            "keywords": _words(params.get("keywords"), "keywords", required=False)}


def severity_clean(value) -> str:
    if value not in Severity.values:
        raise ValidationError({"severity": _("Tingkat harus 'error' atau 'warning'.")})
    return value


def platforms_clean(value) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
        raise ValidationError({"platforms": _("Platform harus berupa daftar.")})
    known = {p.value for p in Platform}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationError({"platforms": _("Platform tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)}})
    return sorted(set(value))


def message_clean(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({"message": _("Harus berupa teks.")})
    value = " ".join(value.replace("\x00", "").split())
    if len(value) > 500:
        raise ValidationError({"message": _("Pesan paling banyak 500 karakter.")})
    return value
