"""The guideline check: ``guideline_check(unit=..., text=...)`` → ``CheckResult``.

Other apps (the composer, approvals, publishing, amplification) call exactly this. The rules
are read in one query (cached a few seconds per process) and the abuse classifier runs at
most once per check. See docs/adr/0019-guideline.md.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time
from functools import lru_cache
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.guideline import selectors
from warta.guideline.models import Rule, RuleKind, Severity
from warta.guideline.params import DEFAULT_THRESHOLD, parse_time
from warta.language import classifiers
from warta.language import normalise as norm

logger = logging.getLogger(__name__)

ERROR, WARNING = Severity.ERROR.value, Severity.WARNING.value

# Words of the abusive list (Ibrohim & Budi 2019) with an ordinary meaning in public-service
# text (jamban sehat, buta aksara, vaksinasi rabies anjing, pengelolaan sampah, tenaga kerja
# asing, Hari Peduli Autisme…): the word-list floor skips them; the model still judges them
# in context. A unit's rule can skip more words (``ignore``) or add its own (``words``).
FLOOR_NEUTRAL = frozenset({
    "anjing", "asing", "autis", "babi", "bangkai", "buaya", "buta", "bisu", "cacat", "gendut", "hina",
    "jamban", "jijik", "kejam", "komunis", "lengser", "monyet", "nista", "rejim", "rezim", "sampah",
})
SARA_LABELS = {"HS_Religion": gettext_lazy("agama"), "HS_Race": gettext_lazy("suku atau ras"),
               "HS_Group": gettext_lazy("antargolongan")}
MAX_FINDINGS_PER_RULE = 20


@dataclass(frozen=True)
class Finding:
    rule_uuid: str | None
    kind: str
    severity: str  # "error" | "warning"
    message: str  # Indonesian (gettext), specific
    start: int | None = None
    end: int | None = None
    escalate: bool = False  # needs a higher approver (sensitive period)
    unit_name: str = ""  # the unit whose rule this is

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity != ERROR)

    @property
    def escalate(self) -> bool:
        return any(f.escalate for f in self.findings)

    @property
    def ok(self) -> bool:
        """No errors (warnings may remain: the approver acknowledges them)."""
        return not self.errors

    def as_dict(self) -> dict:
        return {"ok": self.ok, "escalate": self.escalate, "errors": len(self.errors),
                "warnings": len(self.warnings), "findings": [asdict(f) for f in self.findings]}


# --- text analysis -------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_TLDS = ("com|net|org|id|co|io|ly|me|info|biz|xyz|site|online|link|gl|to|app|dev|tv|news|live|click|"
         "gov|edu|int|my|sg|us|uk|au")
_LINK = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"'`]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"'`]*)?"
)
_TRAILING = ".,;:!?)]}»\"'’”"


@dataclass(frozen=True)
class _Link:
    url: str
    host: str | None
    start: int | None
    end: int | None


def link_host(url: str) -> str | None:
    """Return the lower-case host of ``url`` (a scheme is assumed when missing), or None."""
    url = url.strip()
    if not re.match(r"(?i)^[a-z][a-z0-9+.-]*://", url):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def links_in(text: str) -> list[_Link]:
    """Every link written in ``text``, with its span (trailing punctuation left out)."""
    out = []
    for m in _LINK.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        if url:
            out.append(_Link(url, link_host(url), m.start(), m.start() + len(url)))
    return out


class _Words:
    """The text's words with their spans, and their normalised tokens (``warta.language.normalise``)."""

    def __init__(self, text: str, skip: Sequence[tuple[int, int]]):
        self.skip = tuple(skip)
        self.tokens: list[tuple[str, int, int]] = []
        for m in _WORD.finditer(text):
            if any(s <= m.start() < e for s, e in skip):
                continue  # words inside a link are the link's, not the text's
            for token in norm.tokens(m.group(0)):
                if token not in norm.SPECIAL:
                    self.tokens.append((token, m.start(), m.end()))


class PhraseMatcher:
    """Find phrases case-insensitively on word boundaries, as written and after normalisation
    (``k0rupsi`` → ``korupsi``, ``bangettt`` → ``banget``, ``gk`` → ``tidak``)."""

    def __init__(self, phrases: Iterable[str]):
        self.phrases = tuple(p for p in phrases if p.strip())
        self._by_key = {" ".join(p.casefold().split()): p for p in self.phrases}
        parts = sorted((r"\s+".join(re.escape(w) for w in p.split()) for p in self.phrases), key=len, reverse=True)
        self._raw = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE) if parts else None
        self._norm: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for p in self.phrases:
            toks = tuple(norm.tokens(p))
            if toks and not any(t in norm.SPECIAL for t in toks):
                self._norm.setdefault(toks[0], []).append((toks, p))

    def find(self, text: str, words: _Words) -> list[tuple[str, int, int]]:
        """Return ``(phrase, start, end)`` for every occurrence, in text order."""
        hits: list[tuple[str, int, int]] = []
        if self._raw is not None:
            for m in self._raw.finditer(text):
                phrase = self._by_key.get(" ".join(m.group(0).casefold().split()))
                if phrase is not None and not any(s <= m.start() < e for s, e in words.skip):
                    hits.append((phrase, m.start(), m.end()))
        toks = words.tokens
        for i, (token, start, _end) in enumerate(toks):
            for seq, phrase in self._norm.get(token, ()):
                if tuple(t for t, _s, _e in toks[i:i + len(seq)]) == seq:
                    end = toks[i + len(seq) - 1][2]
                    if not any(s < end and start < e for _p, s, e in hits):
                        hits.append((phrase, start, end))
        return sorted(set(hits), key=lambda h: (h[1], h[2]))


@lru_cache(maxsize=256)
def _matcher(phrases: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(phrases)


@lru_cache(maxsize=64)
def _floor_base(ignore: frozenset[str]) -> tuple[str, ...]:
    """The abusive list without the neutral and ignored words, nor words that normalise to one
    (``anjir`` → ``anjing``)."""
    skip = FLOOR_NEUTRAL | ignore
    return tuple(sorted(w for w in norm.abusive_words()
                        if w not in skip and " ".join(norm.tokens(w)) not in skip))


def _abusive_floor(rule: Rule) -> tuple[str, ...]:
    ignore = frozenset(w.casefold() for w in rule.params.get("ignore", ()))
    return _floor_base(ignore) + tuple(w for w in rule.params.get("words", ()) if w.casefold() not in ignore)


# --- the check ------------------------------------------------------------------------------------


class _Context:
    def __init__(self, unit, text: str, links: Sequence[str], when: datetime):
        self.unit, self.text, self.when = unit, text, when
        self.links = links_in(text) + [_Link(u, link_host(u), None, None) for u in links if u and u.strip()]
        self.words = _Words(text, [(lk.start, lk.end) for lk in self.links if lk.start is not None])
        self._scores: dict | None = None
        self._scored = False

    def abuse_scores(self) -> dict | None:
        """The abuse model's scores for the text (once per check); None when the model is unavailable."""
        if not self._scored:
            self._scored = True
            try:
                self._scores = classifiers.classify("abuse", [self.text])[0].scores
            except Exception:  # a missing or broken model must never stop the check: the floor still runs
                logger.warning("guideline: abuse model unavailable", exc_info=True)
                self._scores = None
        return self._scores


def _finding(rule: Rule, message: str, start=None, end=None, *, escalate: bool = False,
             severity: str | None = None) -> Finding:
    if rule.message:
        message = f"{message} — {rule.message}"
    return Finding(rule_uuid=str(rule.uuid), kind=rule.kind, severity=severity or rule.severity, message=message,
                   start=start, end=end, escalate=escalate, unit_name=rule.unit.name)


def _pct(p: float) -> str:
    return f"{round(p * 100)}%"


def _local(ctx: _Context, moment: datetime) -> str:
    local = timezone.localtime(moment, ctx.unit.zone)
    return f"{date_format(local, 'j M Y H:i')} {ctx.unit.zone_label}".strip()


def _check_forbidden(rule, ctx):
    for phrase, s, e in _matcher(tuple(rule.params.get("phrases", ())))\
            .find(ctx.text, ctx.words)[:MAX_FINDINGS_PER_RULE]:
        yield _finding(rule, _("Kata terlarang: '%(phrase)s' (tertulis '%(found)s').")
                       % {"phrase": phrase, "found": ctx.text[s:e]}, s, e)


def _unavailable_note() -> str:
    return _("model bahasa tidak tersedia, hanya daftar kata yang diperiksa")


def _check_abusive(rule, ctx, notes):
    hits = _matcher(_abusive_floor(rule)).find(ctx.text, ctx.words)[:MAX_FINDINGS_PER_RULE]
    scores = ctx.abuse_scores() if ctx.text.strip() else {}
    for _phrase, s, e in hits:
        message = _("Bahasa kasar: '%(found)s'.") % {"found": ctx.text[s:e]}
        if scores is None:
            message = f"{message[:-1]} ({_unavailable_note()})."
        yield _finding(rule, message, s, e)
    threshold = rule.params.get("threshold", DEFAULT_THRESHOLD)
    if scores is None:
        if not hits and "abusive" not in notes:
            notes.add("abusive")
            yield _finding(rule, _("Pemeriksaan bahasa kasar tidak lengkap: %(note)s.") % {"note": _unavailable_note()},
                           severity=WARNING)
        return
    p = max(scores.get("Abusive", 0.0), scores.get("HS", 0.0))
    if not hits and p >= threshold:
        yield _finding(rule, _("Model bahasa menilai teks ini kasar atau menghina (keyakinan %(p)s).") % {"p": _pct(p)})


def _check_sara(rule, ctx, notes):
    words = tuple(rule.params.get("words", ()))
    hits = _matcher(words).find(ctx.text, ctx.words)[:MAX_FINDINGS_PER_RULE] if words else []
    scores = ctx.abuse_scores() if ctx.text.strip() else {}
    for _phrase, s, e in hits:
        message = _("Kata bernuansa SARA: '%(found)s'.") % {"found": ctx.text[s:e]}
        if scores is None:
            message = f"{message[:-1]} ({_unavailable_note()})."
        yield _finding(rule, message, s, e)
    if scores is None:
        if not hits and "sara" not in notes:
            notes.add("sara")
            yield _finding(rule, _("Pemeriksaan SARA tidak lengkap: model bahasa tidak tersedia."), severity=WARNING)
        return
    threshold = rule.params.get("threshold", DEFAULT_THRESHOLD)
    if scores.get("HS", 0.0) < threshold:
        return
    found = [(label, scores.get(label, 0.0)) for label in SARA_LABELS if scores.get(label, 0.0) >= threshold]
    if found:
        what = ", ".join(f"{SARA_LABELS[label]} {_pct(p)}" for label, p in found)
        yield _finding(rule, _("Kemungkinan ujaran kebencian SARA (%(what)s).") % {"what": what})


def _check_hashtags(rule, ctx):
    for tag in rule.params.get("hashtags", ()):
        if not re.search(r"(?<!\w)" + re.escape(tag) + r"(?!\w)", ctx.text, re.IGNORECASE):
            yield _finding(rule, _("Tagar wajib belum ada: %(tag)s.") % {"tag": tag})


def _check_signature(rule, ctx):
    text = rule.params.get("text", "")
    if text and " ".join(text.casefold().split()) not in " ".join(ctx.text.casefold().split()):
        yield _finding(rule, _("Tanda tangan wajib belum ada: '%(text)s'.") % {"text": text})


def _check_domains(rule, ctx):
    allowed = rule.params.get("domains", ())
    seen = set()
    for link in ctx.links:
        host = link.host
        if host and any(host == d or host.endswith("." + d) for d in allowed):
            continue
        key = (host, link.start)
        if key in seen:
            continue
        seen.add(key)
        if host is None:
            yield _finding(rule, _("Tautan tidak dapat dibaca: '%(url)s'.") % {"url": link.url[:200]},
                           link.start, link.end)
        else:
            yield _finding(rule, _("Tautan ke domain yang tidak diizinkan: %(host)s (yang diizinkan: %(allowed)s).")
                           % {"host": host, "allowed": ", ".join(allowed)}, link.start, link.end)


def _inside(t: time, start: time, end: time) -> bool:
    return start <= t < end if start < end else (t >= start or t < end)


def _check_hours(rule, ctx):
    local = timezone.localtime(ctx.when, ctx.unit.zone)
    windows = [(parse_time(w["start"]), parse_time(w["end"])) for w in rule.params.get("windows", ())]
    if windows and not any(_inside(local.time(), s, e) for s, e in windows):
        allowed = ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in windows)
        yield _finding(rule, _("Jadwal %(when)s di luar jam unggah yang diizinkan (%(allowed)s %(zone)s).")
                       % {"when": _local(ctx, ctx.when), "allowed": allowed, "zone": ctx.unit.zone_label})


def _check_period(rule, ctx):
    p = rule.params
    start, end = datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"])
    if not start <= ctx.when < end:
        return
    period = _("%(name)s (%(start)s sampai %(end)s)") % {"name": p["name"], "start": _local(ctx, start),
                                                         "end": _local(ctx, end)}
    keywords = tuple(p.get("keywords", ()))
    if not keywords:
        yield _finding(rule, _("Jadwal jatuh pada masa sensitif %(period)s: perlu persetujuan pejabat yang lebih "
                               "tinggi.") % {"period": period}, escalate=True)
        return
    first: dict[str, tuple[int, int]] = {}
    for phrase, s, e in _matcher(keywords).find(ctx.text, ctx.words):
        first.setdefault(phrase, (s, e))
    for s, e in first.values():
        yield _finding(rule, _("Menyebut '%(word)s' pada masa sensitif %(period)s: perlu persetujuan pejabat yang "
                               "lebih tinggi.") % {"word": ctx.text[s:e], "period": period}, s, e, escalate=True)


def guideline_check(*, unit, text: str, platform: str | None = None, links: Sequence[str] = (),
                    when: datetime | None = None) -> CheckResult:
    """Check ``text`` (for ``platform``, with extra ``links``, to be published at ``when``, default
    now; a naive ``when`` is read in the unit's zone) against the unit's effective guideline."""
    text = text or ""
    if when is None:
        when = timezone.now()
    elif timezone.is_naive(when):
        when = when.replace(tzinfo=unit.zone)
    rules = [r for r in selectors.rules_for_check(unit) if not (platform and r.platforms and platform not in r.platforms)]
    if not rules:
        return CheckResult(findings=())
    ctx = _Context(unit, text, tuple(links or ()), when)
    notes: set[str] = set()
    findings: list[Finding] = []
    for rule in rules:
        kind = rule.kind
        if kind == RuleKind.FORBIDDEN_PHRASE:
            found = _check_forbidden(rule, ctx)
        elif kind == RuleKind.ABUSIVE_LANGUAGE:
            found = _check_abusive(rule, ctx, notes)
        elif kind == RuleKind.SARA:
            found = _check_sara(rule, ctx, notes)
        elif kind == RuleKind.REQUIRED_HASHTAG:
            found = _check_hashtags(rule, ctx)
        elif kind == RuleKind.REQUIRED_SIGNATURE:
            found = _check_signature(rule, ctx)
        elif kind == RuleKind.LINK_DOMAINS:
            found = _check_domains(rule, ctx)
        elif kind == RuleKind.POSTING_HOURS:
            found = _check_hours(rule, ctx)
        elif kind == RuleKind.SENSITIVE_PERIOD:
            found = _check_period(rule, ctx)
        else:
            continue
        findings.extend(found)
    # errors first, then warnings; inside each, ancestors' rules first and text order
    findings.sort(key=lambda f: (f.severity != ERROR,))
    return CheckResult(findings=tuple(findings))
