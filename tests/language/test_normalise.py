"""Normalisation of Indonesian as the public writes it."""

import time

import pytest

from warta.language.normalise import normalise, squeeze_repeats, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bangettt", "banget"),
        ("maaaaaf", "maaf"),
        ("kereeen", "keren"),
    ],
)
def test_repeated_letters_are_squeezed_to_a_known_word(raw, expected):
    assert squeeze_repeats(raw) == expected


def test_repeated_letters_in_a_sentence():
    assert normalise("pelayanannya lambat bangettt") == "pelayanannya lambat banget"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("s4y4 b3s0k ke kantor", "saya besok ke kantor"),
        ("anak2 sekolah", "anak-anak sekolah"),
        ("teman2nya datang", "teman-temannya datang"),
        ("enak-enak", "enak-enak"),
    ],
)
def test_letter_number_spellings_and_reduplication(raw, expected):
    assert normalise(raw) == expected


def test_codes_with_digits_are_left_alone():
    assert normalise("covid19 k212") == "covid19 k212"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("gak jelas", "tidak jelas"),
        ("yg penting", "yang penting"),
        ("gw udah daftar", "saya sudah daftar"),
        ("makasih pak", "terima kasih bapak"),
        ("tdk ada", "tidak ada"),
    ],
)
def test_slang_becomes_formal(raw, expected):
    assert normalise(raw) == expected


def test_hashtags_mentions_urls_numbers_and_emoji_are_kept_as_features():
    got = tokens("Halo @DiskominfoBogor cek https://bogorkab.go.id/info #BogorBerlari 2021 😡 :)")
    assert got == ["halo", "_mention_", "cek", "_url_", "#bogorberlari", "bogorberlari", "_num_",
                   "_emoji_", "😡", "_smile_"]


def test_dataset_masks_and_escaped_emoji():
    assert tokens("USER USER kok gitu URL") == ["_mention_", "_mention_", "kok", "begitu", "_url_"]
    assert tokens("lucu \\xf0\\x9f\\x98\\x82") == ["lucu", "_emoji_", "😂"]


def test_literal_line_breaks_and_html_entities_are_not_words():
    # The abuse data writes line breaks as the two characters "\\n" and "&" as "&amp;".
    assert tokens(r"kafir\ncina &amp; aseng\tlagi") == ["kafir", "cina", "aseng", "lagi"]
    assert tokens("harga &lt; 5rb") == ["harga", "_num_"]


def test_a_run_of_punctuation_counts_as_its_first_mark():
    assert tokens("Kapan diperbaiki???!!! Bagus!!") == ["kapan", "diperbaiki", "?", "bagus", "!"]


def test_fast_enough():
    texts = [f"pelayanan di kantor {i} lambat bangettt gak jelas @pemkab #bogor" for i in range(20_000)]
    tokens(texts[0])
    started = time.process_time()
    for text in texts:
        tokens(text)
    assert time.process_time() - started < 2.0
