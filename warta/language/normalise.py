"""Normalise Indonesian as the public writes it into a list of tokens for the classifiers.

``tokens(text)`` lower-cases, and turns:

- URLs into ``_url_``, mentions (``@name``, and the datasets' ``USER`` / ``[USERNAME]`` masks)
  into ``_mention_``, numbers into ``_num_``, emoji into ``_emoji_`` plus the emoji itself,
  emoticons into ``_smile_`` / ``_sad_``; a hashtag stays as ``#tag`` followed by its word;
  ``!`` and ``?`` stay as tokens (a run such as ``?!!`` counts as its first mark);
- repeated letters (``bangettt`` → ``banget``), letter–number spellings (``s4y4`` → ``saya``),
  reduplication (``anak2`` → ``anak-anak``, ``teman2nya`` → ``teman-temannya``);
- informal words into formal ones (IndoCollex pairs plus Warta's own list, see
  ``resources/SOURCE.md``): ``gak`` → ``tidak``, ``yg`` → ``yang``.

Scraped tweets carry escapes of their own: literal ``\\n`` / ``\\t`` (two characters) become
spaces and HTML entities (``&amp;``) are decoded, so they do not turn into the words ``n`` and
``amp``.

Each distinct raw token is normalised once and cached, so a batch costs about one dictionary
look-up per token: the normaliser keeps up with the classifiers' throughput.
"""

import html
import re
import threading
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent / "resources"

URL, MENTION, NUMBER, EMOJI, SMILE, SAD = "_url_", "_mention_", "_num_", "_emoji_", "_smile_", "_sad_"
SPECIAL = frozenset({URL, MENTION, NUMBER, EMOJI, SMILE, SAD})

# The datasets mask users and links with upper-case placeholders; match them before lower-casing.
_MASKS = re.compile(r"\[USERNAME\]|\bUSER\b|\bURL\b")
# Emoji written as escaped UTF-8 bytes (``\xf0\x9f\x98\x82``) in one of the datasets.
_ESCAPED = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
# Line breaks and tabs written as two characters (``\\n``) in one of the datasets.
_LITERAL_BREAK = re.compile(r"\\[nrt]")
_TOKEN = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[@#][\w.]*\w"
    r"|[:;=]-?[()dDpP]|[xX][dD]\b"
    r"|\w+(?:[-'’]\w+)*"
    r"|[!?]+"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\u2300-\u23FF]"
)
_NUMBER = re.compile(r"^\d+(?:[.,:]\d+)*(?:an|k|rb|ribu|jt|juta|m|km|kg|x|%)?$")
_REPEAT3 = re.compile(r"([a-z])\1{2,}")
_REPEAT2 = re.compile(r"([a-z])\1")
_REDUP = re.compile(r"^([a-z]{2,})2([a-z]{0,4})$")
_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "9": "g", "6": "g", "8": "b"})
_LEETABLE = re.compile(r"^(?=.*[a-z])(?=.*\d)[a-z0-9]+$")
_NEGATIONS = frozenset({"tidak", "bukan", "belum", "jangan", "tanpa"})
_CACHE_MAX = 500_000


@lru_cache(maxsize=1)
def slang() -> dict[str, tuple[str, ...]]:
    """Return the informal → formal pairs (``resources/slang.tsv``), the formal side split into words."""
    pairs: dict[str, tuple[str, ...]] = {}
    with (RESOURCES / "slang.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            informal, _sep, formal = line.rstrip("\n").partition("\t")
            if formal:
                pairs[informal] = tuple(formal.split())
    return pairs


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Return the known formal words (``resources/lexicon.txt``)."""
    return frozenset((RESOURCES / "lexicon.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def abusive_words() -> frozenset[str]:
    """Return the abusive word list of Ibrohim & Budi (2019) (``resources/abusive_words.csv``)."""
    lines = (RESOURCES / "abusive_words.csv").read_text(encoding="utf-8").split("\n")[1:]
    return frozenset(word.strip().lower() for word in lines if word.strip())


def squeeze_repeats(word: str) -> str:
    """Shorten letters repeated for emphasis: ``bangettt`` → ``banget``, ``maaaaf`` → ``maaf``."""
    known = lexicon()
    if _REPEAT3.search(word):
        double = _REPEAT3.sub(r"\1\1", word)
        single = _REPEAT3.sub(r"\1", word)
        if single in known:
            return single
        if double in known or double in slang():
            return double
        word = single
    if word not in known and word not in slang() and _REPEAT2.search(word):
        single = _REPEAT2.sub(r"\1", word)
        if single in known:
            return single
    return word


def _formal(word: str) -> tuple[str, ...]:
    word = squeeze_repeats(word)
    return slang().get(word, (word,))


def _word(word: str) -> tuple[str, ...]:
    """Normalise one lower-cased word token (letters, digits, hyphens)."""
    if _NUMBER.match(word):
        return (NUMBER,)
    if "-" in word or "'" in word or "’" in word:
        parts = [p for p in re.split(r"[-'’]", word) if p]
        if len(parts) == 2 and parts[0] == parts[1]:
            base = " ".join(_formal(parts[0]))
            return (f"{base}-{base}",) if " " not in base else (base,)
        return tuple(t for p in parts for t in _word(p))
    redup = _REDUP.match(word)
    if redup:
        base = " ".join(_formal(redup.group(1)))
        if " " in base:
            return (base.split()[0] + redup.group(2),)
        return (f"{base}-{base}{redup.group(2)}",)
    if _LEETABLE.match(word):
        # s4y4 → saya, b3s0k → besok; leave codes such as covid19 or k212 alone.
        plain = word.translate(_LEET)
        if plain.isalpha() and (plain in lexicon() or plain in slang() or re.search(r"[a-z]\d+[a-z]", word)):
            word = plain
        else:
            return (word,)
    return _formal(word)


def _token(raw: str) -> tuple[str, ...]:
    first = raw[0]
    if raw.startswith(("http://", "https://", "www.")):
        return (URL,)
    if first == "@":
        return (MENTION,)
    if first == "#":
        tag = raw[1:].lower()
        return (f"#{tag}", *(_word(tag) if tag.isalnum() else ()))
    if first in "!?":
        return (first,)
    if first in ":;=" or (first in "xX" and len(raw) == 2 and raw[1] in "dD"):
        return (SAD,) if raw[-1] == "(" else (SMILE,)
    if not (first.isalnum() or first == "_"):
        return (EMOJI, raw)
    word = raw.lower().replace("_", "")
    return _word(word) if word else ()


_cache: dict[str, tuple[str, ...]] = {}
_cache_lock = threading.Lock()


def _unescape(match: re.Match) -> str:
    raw = bytes(int(h, 16) for h in match.group(0).split("\\x") if h)
    return " " + raw.decode("utf-8", errors="ignore") + " "


def _fill(raw: str) -> tuple[str, ...]:
    got = _token(raw)
    if len(_cache) >= _CACHE_MAX:
        with _cache_lock:
            _cache.clear()
    _cache[raw] = got
    return got


def tokens(text: str) -> list[str]:
    """Return the normalised tokens of ``text`` (see the module docstring)."""
    if "\\" in text:
        if "\\x" in text:
            text = _ESCAPED.sub(_unescape, text)
        text = _LITERAL_BREAK.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "USER" in text or "URL" in text:
        text = _MASKS.sub(lambda m: " @user " if m.group(0) != "URL" else " http://url ", text)
    get = _cache.get
    return [t for raw in _TOKEN.findall(text) for t in (get(raw) or _fill(raw))]


def normalise(text: str) -> str:
    """Return the normalised text: ``tokens(text)`` joined by spaces."""
    return " ".join(tokens(text))


def is_negation(token: str) -> bool:
    """Tell whether ``token`` (already normalised) negates what follows."""
    return token in _NEGATIONS
