"""Platform rules: text counted as each platform counts it, and media checked per platform."""

import pytest

from warta.channels import limits
from warta.channels.limits import (
    MB,
    MediaFacts,
    media_problems,
    rules_for,
    text_length,
    text_problems,
)

ALL = ["facebook", "instagram", "x", "youtube", "tiktok", "telegram", "sandbox"]


def jpeg(width=1080, height=1080, size=500_000):
    return MediaFacts(kind="image", mime_type="image/jpeg", size_bytes=size, width=width, height=height)


def mp4(width=1080, height=1920, duration=30.0, size=20 * MB):
    return MediaFacts(kind="video", mime_type="video/mp4", size_bytes=size, width=width, height=height,
                      duration_s=duration)


@pytest.mark.parametrize("platform", ALL)
def test_every_publishing_platform_has_rules(platform):
    rules = rules_for(platform)
    assert rules.platform == platform
    assert rules.text_limit > 0


@pytest.mark.parametrize("name", ["rss", "myspace", ""])
def test_unknown_platform_is_a_value_error(name):
    with pytest.raises(ValueError, match="no publishing rules"):
        rules_for(name)
    with pytest.raises(ValueError, match="no publishing rules"):
        text_length(name, "x")


def test_documented_figures():
    assert rules_for("x").text_limit == 280
    assert rules_for("x").max_images == 4
    assert rules_for("x").image_max_bytes == 5 * MB
    assert rules_for("facebook").text_limit == 63_206
    assert rules_for("instagram").text_limit == 2_200
    assert rules_for("instagram").hashtag_limit == 30
    assert rules_for("instagram").image_types == frozenset({"image/jpeg"})
    assert rules_for("instagram").image_max_bytes == 8 * MB
    assert rules_for("youtube").title_limit == 100
    assert rules_for("youtube").text_limit == 5_000
    assert rules_for("tiktok").text_limit == 2_200
    assert (rules_for("telegram").text_limit, rules_for("telegram").caption_limit) == (4_096, 1_024)
    assert rules_for("sandbox").text_limit == 1_000


# --- counting --------------------------------------------------------------------------------

def test_x_counts_weighted_length():
    assert text_length("x", "halo") == 4
    assert text_length("x", "👍") == 2  # emoji weigh 2
    assert text_length("x", "中文字") == 6  # CJK weigh 2 each
    assert text_length("x", "https://www.bogorkab.go.id/berita/2026/11/23/sangat-panjang-sekali") == 23
    assert text_length("x", "lihat https://a.id") == 6 + 23
    assert text_length("x", "e\u0301") == 1  # NFC: one character
    assert text_length("x", "") == 0


def test_utf16_platforms_count_code_units():
    for platform in ("tiktok", "telegram"):
        assert text_length(platform, "👍") == 2  # outside the BMP: a surrogate pair
        assert text_length(platform, "中文") == 2
        assert text_length(platform, "e\u0301") == 2
        assert text_length(platform, "https://a.id") == 12


def test_code_point_platforms():
    for platform in ("facebook", "instagram", "sandbox"):
        assert text_length(platform, "👍") == 1
        assert text_length(platform, "e\u0301") == 2  # a combining mark is its own code point
        assert text_length(platform, "👨‍👩‍👧") == 5  # a family emoji: 3 people and 2 joiners


def test_x_limit_message_in_indonesian():
    assert text_problems("x", "a" * 280) == []
    assert text_problems("x", "a" * 312) == ["Teks 312 karakter; batas X 280."]
    # 140 emoji weigh 280: allowed; 141 are over.
    assert text_problems("x", "👍" * 140) == []
    assert text_problems("x", "👍" * 141) == ["Teks 282 karakter; batas X 280."]


def test_telegram_caption_limit_with_media():
    text = "a" * 2000
    assert text_problems("telegram", text) == []
    problems = text_problems("telegram", text, with_media=True)
    assert problems
    assert "1024" in problems[0]
    # 600 emoji are 1,200 UTF-16 units: over the caption limit though only 600 code points
    assert text_problems("telegram", "👍" * 600, with_media=True)
    assert text_problems("telegram", "a" * 600, with_media=True) == []


def test_tiktok_counts_utf16_at_its_limit():
    assert text_problems("tiktok", "👍" * 1100) == []
    assert text_problems("tiktok", "👍" * 1101) == ["Teks 2202 karakter; batas TikTok 2200."]
    assert text_problems("instagram", "👍" * 1101) == []  # Instagram counts code points


def test_instagram_hashtag_limit():
    tags30 = " ".join(f"#tag{i}" for i in range(30))
    assert text_problems("instagram", tags30) == []
    problems = text_problems("instagram", tags30 + " #satulagi")
    assert problems == ["31 tagar; Instagram menerima paling banyak 30 tagar."]
    assert limits.hashtags("Selamat #HariPahlawan dan #BogorMaju! email a#b") == ["HariPahlawan", "BogorMaju"]
    assert text_problems("facebook", tags30 + " #satulagi") == []


def test_youtube_description_counts_utf8_bytes_and_title_characters():
    assert text_length("youtube", "a") == 1
    assert text_length("youtube", "é") == 2
    assert text_length("youtube", "👍") == 4
    assert text_problems("youtube", "👍" * 1250) == []
    assert text_problems("youtube", "👍" * 1251)[0].startswith("Deskripsi 5004 bita; batas YouTube 5000 bita")
    assert text_problems("youtube", "", title="👍" * 100) == []


def test_youtube_title():
    assert text_problems("youtube", "deskripsi", title="Judul") == []
    assert "Judul 101 karakter; batas judul YouTube 100." in text_problems("youtube", "", title="a" * 101)
    assert text_problems("youtube", "", title="  ") == ["Judul video YouTube wajib diisi."]
    assert any("<" in p for p in text_problems("youtube", "", title="a <b>"))
    assert any("Deskripsi" in p for p in text_problems("youtube", "lihat <ini>", title="ok"))


# --- media -----------------------------------------------------------------------------------

def test_instagram_image_rules():
    assert media_problems("instagram", [jpeg()]) == []
    assert media_problems("instagram", [jpeg(1080, 1350)]) == []  # 4:5
    assert media_problems("instagram", [jpeg(1080, 566)]) == []  # 1.91:1
    tall = media_problems("instagram", [jpeg(1080, 1920)])  # 9:16
    assert len(tall) == 1
    assert "rasio" in tall[0]
    assert "4:5" in tall[0]
    png = MediaFacts(kind="image", mime_type="image/png", size_bytes=100, width=1080, height=1080)
    assert media_problems("instagram", [png]) == ["Gambar berformat PNG; Instagram hanya menerima JPEG."]
    assert media_problems("instagram", [jpeg(size=9 * MB)]) == ["Gambar berukuran 9 MB; batas Instagram 8 MB."]
    assert media_problems("instagram", []) == ["Instagram memerlukan paling sedikit satu berkas media."]
    assert media_problems("instagram", [jpeg()] * 11)[0].startswith("11 gambar")


def test_x_counts_and_mixing():
    assert media_problems("x", [jpeg()] * 4) == []
    assert media_problems("x", [jpeg()] * 5) == ["5 gambar; X menerima paling banyak 4 gambar per unggahan."]
    mixed = media_problems("x", [jpeg(), mp4(1280, 720)])
    assert "X tidak menerima gambar dan video dalam satu unggahan." in mixed
    assert media_problems("x", [jpeg(size=6 * MB)]) == ["Gambar berukuran 6 MB; batas X 5 MB."]
    assert media_problems("x", []) == []  # text-only is fine on X


def test_video_duration_and_dimensions():
    assert media_problems("x", [mp4(1280, 720, duration=140)]) == []
    long = media_problems("x", [mp4(1280, 720, duration=141)])
    assert long == ["Video berdurasi 141 detik; X menerima paling lama 140 detik."]
    assert media_problems("tiktok", [mp4(duration=2)]) == ["Video berdurasi 2 detik; TikTok minta paling singkat 3 detik."]
    assert media_problems("tiktok", [mp4(300, 300)])[0].startswith("Video lebarnya 300 px")
    assert "10 menit" in media_problems("tiktok", [mp4(duration=601)])[0]


def test_youtube_takes_one_video_and_no_image():
    assert media_problems("youtube", [mp4(duration=3600)]) == []
    assert media_problems("youtube", [jpeg()]) == ["YouTube hanya menerima video, bukan gambar."]
    assert media_problems("youtube", []) == ["YouTube memerlukan paling sedikit satu berkas media."]


def test_telegram_dimensions_and_one_photo():
    assert media_problems("telegram", [jpeg(4000, 3000)]) == []
    assert any("lebar + tinggi" in p for p in media_problems("telegram", [jpeg(9000, 2000)]))
    assert any("rasio" in p for p in media_problems("telegram", [jpeg(4200, 200)]))
    assert "Telegram tidak menerima video." in media_problems("telegram", [mp4()])
    assert media_problems("telegram", [jpeg()] * 2)[0].startswith("2 gambar")


def test_tiktok_takes_one_video_and_sandbox_one_image():
    assert media_problems("tiktok", [mp4()]) == []
    assert media_problems("tiktok", [jpeg()]) == ["TikTok hanya menerima video, bukan gambar."]
    assert media_problems("sandbox", [jpeg()]) == []
    assert media_problems("sandbox", [mp4()]) == ["Sandbox tidak menerima video."]
    assert media_problems("sandbox", [jpeg()] * 2)[0].startswith("2 gambar")


def test_several_files_are_numbered():
    problems = media_problems("x", [jpeg(), jpeg(size=6 * MB)])
    assert problems == ["Berkas ke-2 berukuran 6 MB; batas X 5 MB."]


def test_unknown_kind_is_refused():
    facts = MediaFacts(kind="audio", mime_type="audio/mpeg", size_bytes=10)
    assert media_problems("sandbox", [facts]) == ["Berkas berjenis audio tidak dapat diunggah ke Sandbox."]


def test_alt_text_limit():
    assert limits.alt_text_problems("x", "a" * 1000) == []
    assert limits.alt_text_problems("x", "a" * 1001) == ["Teks alternatif 1001 karakter; batas X 1000."]
    assert limits.alt_text_problems("telegram", "a" * 5000) == []  # not sent there


def test_sizes_use_the_decimal_comma():
    assert media_problems("x", [jpeg(size=int(5.5 * MB))]) == ["Gambar berukuran 5,5 MB; batas X 5 MB."]
    big = mp4(size=int(1.5 * limits.GB), duration=60)
    assert "1,5 GB" in media_problems("instagram", [big])[0]
