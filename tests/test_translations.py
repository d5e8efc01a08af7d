"""English is complete: every Indonesian string in Warta's catalogue has an English translation."""

import re
from pathlib import Path

import warta

CATALOGUE = Path(warta.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if not ln.startswith("#")]
        flags = [ln for ln in block.splitlines() if ln.startswith("#,")]
        current, parts = None, {"msgid": "", "msgstr": ""}
        for line in lines:
            match = re.match(r'^(msgid|msgstr(?:\[\d\])?|msgid_plural|msgctxt) "(.*)"$', line)
            if match:  # msgstr[0] is the msgstr; other plural forms are kept apart
                current = match.group(1).replace("[0]", "")
                parts.setdefault(current, "")
                parts[current] += match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts["msgid"]:
            yield parts["msgid"], parts["msgstr"], " ".join(flags)


def test_every_string_has_an_english_translation():
    entries = list(_entries(CATALOGUE.read_text()))
    assert len(entries) > 300
    missing = [msgid for msgid, msgstr, _flags in entries if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in entries if "fuzzy" in flags]
    assert missing == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    pattern = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")
    for msgid, msgstr, _flags in _entries(CATALOGUE.read_text()):
        assert sorted(pattern.findall(msgid)) == sorted(pattern.findall(msgstr)), msgid
