"""The hand-written message-type starter set: big enough, valid, balanced, no duplicates."""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "warta" / "language" / "data" / "message_type.csv"
LABELS = {"question", "complaint", "aspiration", "praise", "other"}


@pytest.fixture(scope="module")
def rows():
    with DATA.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["text", "label"]
        return list(reader)


def test_the_set_has_at_least_700_messages_with_valid_labels(rows):
    assert len(rows) >= 700
    assert {r["label"] for r in rows} == LABELS
    assert all(r["text"].strip() == r["text"] and r["text"] for r in rows)


def test_labels_are_balanced_within_15_percent(rows):
    counts = Counter(r["label"] for r in rows)
    mean = len(rows) / len(LABELS)
    for label, n in counts.items():
        assert abs(n - mean) <= 0.15 * mean, (label, n, mean)


def test_no_message_appears_twice_even_after_folding_case_and_punctuation(rows):
    folded = Counter(re.sub(r"\W+", " ", r["text"].lower()).strip() for r in rows)
    assert [t for t, n in folded.items() if n > 1] == []


def test_no_two_messages_are_near_duplicates(rows):
    words = [frozenset(re.findall(r"\w+", r["text"].lower())) for r in rows]
    close = []
    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            b = words[j]
            if len(a & b) > 0.5 * len(a | b):
                close.append((rows[i]["text"], rows[j]["text"]))
    assert close == []


def test_the_readme_counts_match_the_file(rows):
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    for label, n in Counter(r["label"] for r in rows).items():
        assert f"| `{label}` |" in readme
        assert f"| {n} |" in readme
    assert f"**{len(rows)}**" in readme
