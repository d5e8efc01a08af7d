"""The content fingerprint: how Warta recognises its own post on a platform (ADR 0022).

A platform may change what it shows of the text it was sent: it shortens links (X's t.co),
appends the link on its own line, changes Unicode forms or spacing. The fingerprint is the
SHA-256 of the text normalised against those changes: NFKC, links removed, case folded,
whitespace collapsed. An empty normalised text (an image without caption) has no fingerprint,
and cannot be recognised automatically.
"""

import hashlib
import re
import unicodedata

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def text_normalise(text: str) -> str:
    """Return ``text`` as compared across platforms (links dropped, case and spaces folded)."""
    value = unicodedata.normalize("NFKC", text or "")
    value = LINK.sub(" ", value).casefold()
    return " ".join(value.split())


def fingerprint(text: str) -> str:
    """Return the hex SHA-256 of the normalised text, or "" when nothing is left to compare."""
    normalised = text_normalise(text)
    if not normalised:
        return ""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
