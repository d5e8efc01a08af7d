"""What each platform accepts in one post: text length (counted as the platform counts it),
hashtags, titles, and the number, type, size, dimensions, aspect ratio and duration of media.

Pure code: no model, no database. The composer, the media library and the publisher all ask
here, so a post that Warta accepts is one the platform accepts. Sources for every figure are
in ``docs/adr/0018-media-and-platform-rules.md``; where a platform documents a range loosely,
the stricter reading is used (a refused upload at publishing time is worse than a warning now).

Counting:

* X counts a *weighted* length (``twitter-text``): most Latin text 1, CJK and emoji 2, every
  URL 23, after NFC normalisation.
* TikTok and Telegram count UTF-16 code units (an emoji outside the BMP counts 2).
* Facebook, Instagram, YouTube titles and the sandbox count Unicode code points (what
  Python's ``len`` gives), so a combining mark counts on its own.
* YouTube's description is limited in UTF-8 bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

MB = 1024 * 1024
GB = 1024 * MB

JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
MP4, MOV, WEBM = "video/mp4", "video/quicktime", "video/webm"

COUNT_WEIGHTED = "weighted"  # twitter-text weighted length
COUNT_UTF16 = "utf16"  # UTF-16 code units
COUNT_CODEPOINTS = "codepoints"  # Unicode code points
COUNT_UTF8 = "utf8"  # UTF-8 bytes (YouTube's description)

TYPE_NAMES = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WebP", MP4: "MP4", MOV: "MOV", WEBM: "WebM",
              "video/x-msvideo": "AVI", "video/x-matroska": "MKV", "video/mpeg": "MPEG"}

# A hashtag as Instagram and the others read it: "#" then letters, digits, underscores.
HASHTAG_RE = re.compile(r"(?<![\w&#])[#＃](\w+)", re.UNICODE)


@dataclass(frozen=True)
class MediaFacts:
    """What was measured of a file."""

    kind: str  # "image" | "video"
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


@dataclass(frozen=True)
class PlatformRules:
    """What Warta can publish to one platform in one post: the platform's documented limits,
    narrowed to what Warta's connector for it sends. ``None`` for a bound means none is set."""

    platform: str
    text_limit: int  # in the platform's own counting (the description for YouTube)
    max_images: int  # per post (0 = no images)
    max_videos: int  # per post (0 = no videos)
    image_types: frozenset[str]  # MIME
    video_types: frozenset[str]
    image_max_bytes: int
    video_max_bytes: int
    counting: str = COUNT_CODEPOINTS
    caption_limit: int | None = None  # the text limit when media is attached (Telegram 1,024)
    max_media: int | None = None  # images and videos together (carousel / album size)
    mixed_media: bool = False  # may images and videos share one post
    media_required: bool = False  # a post needs at least one file (Instagram, YouTube, TikTok)
    video_required: bool = False  # the file must be a video (YouTube)
    image_min_width: int | None = None
    image_max_width: int | None = None
    image_min_height: int | None = None
    image_max_height: int | None = None
    image_max_side_sum: int | None = None  # width + height (Telegram 10,000)
    image_min_aspect: float | None = None  # width / height
    image_max_aspect: float | None = None
    video_min_width: int | None = None
    video_max_width: int | None = None
    video_min_height: int | None = None
    video_max_height: int | None = None
    video_min_aspect: float | None = None
    video_max_aspect: float | None = None
    video_min_duration_s: float | None = None
    video_max_duration_s: float | None = None
    first_comment: bool = False  # a first comment (or the next post of a thread)
    alt_text: bool = False  # alt text can be sent with an image
    alt_text_limit: int | None = None
    hashtag_limit: int | None = None
    title_limit: int | None = None  # video title (YouTube 100)
    title_forbidden_chars: str = ""

    def accepts(self, kind: str) -> bool:
        return (self.max_images if kind == "image" else self.max_videos) > 0


RULES: dict[str, PlatformRules] = {
    "facebook": PlatformRules(
        platform="facebook", text_limit=63_206, max_images=10, max_videos=1,
        image_types=frozenset({JPEG, PNG, GIF}), video_types=frozenset({MP4, MOV}),
        image_max_bytes=4 * MB, video_max_bytes=10 * GB, video_max_duration_s=240 * 60, video_min_duration_s=1,
        first_comment=True, alt_text=True,
    ),
    "instagram": PlatformRules(
        platform="instagram", text_limit=2_200, max_images=10, max_videos=10, max_media=10, mixed_media=True,
        media_required=True, image_types=frozenset({JPEG}), video_types=frozenset({MP4, MOV}),
        image_max_bytes=8 * MB, video_max_bytes=300 * MB, image_min_width=320, image_max_width=1440,
        image_min_aspect=4 / 5, image_max_aspect=1.91, video_max_width=1920, video_max_height=3600,
        video_min_aspect=0.01, video_max_aspect=10.0, video_min_duration_s=3, video_max_duration_s=15 * 60,
        first_comment=True, alt_text=True, hashtag_limit=30,
    ),
    "x": PlatformRules(
        platform="x", text_limit=280, counting=COUNT_WEIGHTED, max_images=4, max_videos=1,
        image_types=frozenset({JPEG, PNG, GIF, WEBP}), video_types=frozenset({MP4, MOV}),
        image_max_bytes=5 * MB, video_max_bytes=512 * MB, image_min_width=4, image_min_height=4,
        image_max_width=8192, image_max_height=8192, video_min_width=32, video_min_height=32,
        video_max_width=1920, video_max_height=1200, video_min_aspect=1 / 3, video_max_aspect=3.0,
        video_min_duration_s=0.5, video_max_duration_s=140, first_comment=True, alt_text=True, alt_text_limit=1_000,
    ),
    "youtube": PlatformRules(
        platform="youtube", text_limit=5_000, counting=COUNT_UTF8, max_images=0, max_videos=1, media_required=True, video_required=True,
        image_types=frozenset(), video_types=frozenset({MP4, MOV, WEBM, "video/x-msvideo", "video/x-matroska",
                                                       "video/mpeg"}),
        image_max_bytes=0, video_max_bytes=256 * GB, video_max_duration_s=12 * 3600,
        first_comment=True, title_limit=100, title_forbidden_chars="<>",
    ),
    "tiktok": PlatformRules(
        # TikTok also takes photo posts (up to 35 JPEG/WebP); Warta's connector publishes one video.
        platform="tiktok", text_limit=2_200, counting=COUNT_UTF16, max_images=0, max_videos=1,
        media_required=True, video_required=True, image_types=frozenset({JPEG, WEBP}), video_types=frozenset({MP4, MOV, WEBM}),
        image_max_bytes=20 * MB, video_max_bytes=4 * GB, image_max_width=1080, image_max_height=1920,
        video_min_width=360, video_max_width=4096, video_min_height=360, video_max_height=4096,
        video_min_duration_s=3, video_max_duration_s=10 * 60,
    ),
    "telegram": PlatformRules(
        # Telegram albums (sendMediaGroup) hold 10 photos/videos; Warta's connector sends one photo.
        platform="telegram", text_limit=4_096, caption_limit=1_024, counting=COUNT_UTF16, max_images=1,
        max_videos=0, max_media=1, image_types=frozenset({JPEG, PNG, WEBP}),
        video_types=frozenset({MP4}), image_max_bytes=10 * MB, video_max_bytes=50 * MB,
        image_max_side_sum=10_000, image_min_aspect=1 / 20, image_max_aspect=20.0,
    ),
    "sandbox": PlatformRules(
        platform="sandbox", text_limit=1_000, max_images=1, max_videos=0,  # the sandbox takes one image
        image_types=frozenset({JPEG, PNG, GIF, WEBP}), video_types=frozenset({MP4, MOV, WEBM}),
        image_max_bytes=20 * MB, video_max_bytes=500 * MB, first_comment=True, alt_text=True, alt_text_limit=1_000,
    ),
}

PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram", "x": "X", "youtube": "YouTube",
                  "tiktok": "TikTok", "telegram": "Telegram", "sandbox": "Sandbox"}


def rules_for(platform: str) -> PlatformRules:
    """Return the rules of a platform Warta publishes to; ValueError for any other name."""
    try:
        return RULES[str(platform)]
    except KeyError:
        raise ValueError(f"no publishing rules for platform {platform!r}") from None


def _name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


_PIECE = re.compile(r"[^ \t\n\r\f\v]+")
MAX_HOST_LABELS = 10
URL_WEIGHT = 23  # X counts every link as 23


def _weighted_length(text: str) -> int:
    """X's weighted length (twitter-text).

    twitter-text's link matching takes time quadratic in the dotted labels of one run without
    spaces ("a.a.a…" of 4,000 characters: half a minute), so a run whose host part has more
    labels than any real host is not searched for links: its dots are counted as letters (the
    same weight) plus the most its links could add (23 per dot), never less than X counts."""
    from twitter_text import parse_tweet

    extra = 0

    def defuse(match: re.Match) -> str:
        nonlocal extra
        piece = match.group(0)
        host = piece.split("://", 1)[-1].split("/", 1)[0]
        if sum(1 for label in host.split(".") if label) <= MAX_HOST_LABELS:
            return piece
        extra += URL_WEIGHT * piece.count(".")
        return piece.replace(".", "x")

    return parse_tweet(_PIECE.sub(defuse, text)).weightedLength + extra


def _count(counting: str, text: str) -> int:
    if counting == COUNT_WEIGHTED:
        return _weighted_length(text) if text else 0
    if counting == COUNT_UTF16:
        return len(text.encode("utf-16-le")) // 2
    if counting == COUNT_UTF8:
        return len(text.encode("utf-8"))
    return len(text)


def text_length(platform: str, text: str) -> int:
    """Return the length of ``text`` as the platform counts it."""
    return _count(rules_for(platform).counting, text or "")


def hashtags(text: str) -> list[str]:
    """Return the hashtags of ``text`` (without "#"), in order, repeats included."""
    return HASHTAG_RE.findall(text or "")


def text_problems(platform: str, text: str, *, with_media: bool = False, title: str | None = None) -> list[str]:
    """Return what the platform would refuse in the text (Indonesian messages); [] when it fits.

    ``with_media``: the post carries files, so a caption limit applies where the platform has
    one (Telegram). ``title``: the video title, checked where the platform has titles.
    """
    rules = rules_for(platform)
    name = _name(platform)
    problems = []
    text = text or ""
    limit = rules.caption_limit if with_media and rules.caption_limit else rules.text_limit
    length = _count(rules.counting, text)
    if length > limit:
        if rules.counting == COUNT_UTF8:
            problems.append(_("Deskripsi %(n)s bita; batas %(platform)s %(limit)s bita (huruf beraksen dan emoji "
                              "memakai lebih dari satu bita).") % {"n": length, "platform": name, "limit": limit})
        elif limit == rules.caption_limit and with_media:
            problems.append(_("Keterangan %(n)s karakter; batas keterangan media %(platform)s %(limit)s.")
                            % {"n": length, "platform": name, "limit": limit})
        else:
            problems.append(_("Teks %(n)s karakter; batas %(platform)s %(limit)s.")
                            % {"n": length, "platform": name, "limit": limit})
    if rules.hashtag_limit is not None:
        tags = hashtags(text)
        if len(tags) > rules.hashtag_limit:
            problems.append(_("%(n)s tagar; %(platform)s menerima paling banyak %(limit)s tagar.")
                            % {"n": len(tags), "platform": name, "limit": rules.hashtag_limit})
    if title is not None and rules.title_limit is not None:
        title_length = len(title)  # titles count characters (code points)
        if not title.strip():
            problems.append(_("Judul video %(platform)s wajib diisi.") % {"platform": name})
        elif title_length > rules.title_limit:
            problems.append(_("Judul %(n)s karakter; batas judul %(platform)s %(limit)s.")
                            % {"n": title_length, "platform": name, "limit": rules.title_limit})
        bad = sorted({c for c in title if c in rules.title_forbidden_chars})
        if bad:
            problems.append(_("Judul %(platform)s tidak boleh memuat karakter %(chars)s.")
                            % {"platform": name, "chars": " ".join(bad)})
    if rules.title_forbidden_chars:
        bad = sorted({c for c in text if c in rules.title_forbidden_chars})
        if bad:
            problems.append(_("Deskripsi %(platform)s tidak boleh memuat karakter %(chars)s.")
                            % {"platform": name, "chars": " ".join(bad)})
    return problems


def _mb(n: int) -> str:
    """A size in MB or GB, with the Indonesian decimal comma."""
    if n >= GB:
        text = f"{n / GB:.0f} GB" if n % GB == 0 else f"{n / GB:.1f} GB"
    elif n >= MB // 10 or n == 0:
        text = f"{n / MB:.0f} MB" if n % MB == 0 else f"{n / MB:.1f} MB"
    else:
        text = f"{max(1, round(n / 1024))} KB"
    return text.replace(".", ",")


def _ratio(value: float) -> str:
    known = {0.8: "4:5", 1.91: "1,91:1", 1 / 3: "1:3", 3.0: "3:1", 1 / 20: "1:20", 20.0: "20:1",
             0.01: "1:100", 10.0: "10:1", 1.0: "1:1"}
    for number, label in known.items():
        if abs(value - number) < 1e-9:
            return label
    return f"{value:.2f}".replace(".", ",")


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return _("%(n)s jam") % {"n": int(seconds // 3600)}
    if seconds >= 60 and seconds % 60 == 0:
        return _("%(n)s menit") % {"n": int(seconds // 60)}
    return _("%(n)s detik") % {"n": f"{seconds:g}".replace(".", ",")}


def type_name(mime_type: str) -> str:
    return TYPE_NAMES.get(mime_type, mime_type)


def _one_file_problems(rules: PlatformRules, item: MediaFacts, label: str) -> list[str]:
    """The problems of one file (already known to be of a kind the platform takes)."""
    name = _name(rules.platform)
    problems = []
    image = item.kind == "image"
    types = rules.image_types if image else rules.video_types
    if item.mime_type not in types:
        problems.append(_("%(file)s berformat %(type)s; %(platform)s hanya menerima %(types)s.")
                        % {"file": label, "type": type_name(item.mime_type), "platform": name,
                           "types": ", ".join(sorted(type_name(t) for t in types))})
    max_bytes = rules.image_max_bytes if image else rules.video_max_bytes
    if item.size_bytes > max_bytes:
        problems.append(_("%(file)s berukuran %(size)s; batas %(platform)s %(limit)s.")
                        % {"file": label, "size": _mb(item.size_bytes), "platform": name, "limit": _mb(max_bytes)})
    prefix = "image" if image else "video"
    w, h = item.width, item.height
    if w and h:
        bounds = [
            ("min_width", w, lambda lim: w < lim, _("%(file)s lebarnya %(n)s px; %(platform)s minta paling sedikit %(limit)s px.")),
            ("max_width", w, lambda lim: w > lim, _("%(file)s lebarnya %(n)s px; %(platform)s menerima paling lebar %(limit)s px.")),
            ("min_height", h, lambda lim: h < lim, _("%(file)s tingginya %(n)s px; %(platform)s minta paling sedikit %(limit)s px.")),
            ("max_height", h, lambda lim: h > lim, _("%(file)s tingginya %(n)s px; %(platform)s menerima paling tinggi %(limit)s px.")),
        ]
        for attr, value, broken, message in bounds:
            limit = getattr(rules, f"{prefix}_{attr}")
            if limit is not None and broken(limit):
                problems.append(message % {"file": label, "n": value, "platform": name, "limit": limit})
        if image and rules.image_max_side_sum is not None and w + h > rules.image_max_side_sum:
            problems.append(_("%(file)s lebar + tingginya %(n)s px; batas %(platform)s %(limit)s px.")
                            % {"file": label, "n": w + h, "platform": name, "limit": rules.image_max_side_sum})
        aspect = w / h
        low, high = getattr(rules, f"{prefix}_min_aspect"), getattr(rules, f"{prefix}_max_aspect")
        if (low is not None and aspect < low - 1e-3) or (high is not None and aspect > high + 1e-3):
            problems.append(_("%(file)s berdimensi %(w)s×%(h)s px (rasio %(ratio)s); %(platform)s menerima rasio "
                              "%(low)s sampai %(high)s.")
                            % {"file": label, "w": w, "h": h, "ratio": _ratio(aspect), "platform": name,
                               "low": _ratio(low) if low is not None else "—",
                               "high": _ratio(high) if high is not None else "—"})
    if not image and item.duration_s is not None:
        low, high = rules.video_min_duration_s, rules.video_max_duration_s
        if low is not None and item.duration_s < low:
            problems.append(_("%(file)s berdurasi %(n)s; %(platform)s minta paling singkat %(limit)s.")
                            % {"file": label, "n": _duration(round(item.duration_s, 1)), "platform": name,
                               "limit": _duration(low)})
        if high is not None and item.duration_s > high:
            problems.append(_("%(file)s berdurasi %(n)s; %(platform)s menerima paling lama %(limit)s.")
                            % {"file": label, "n": _duration(round(item.duration_s, 1)), "platform": name,
                               "limit": _duration(high)})
    return problems


def media_problems(platform: str, media: Sequence[MediaFacts]) -> list[str]:
    """Return what the platform would refuse in the files of one post (Indonesian); [] when all fit.

    Checks the count (per kind, together, mixing), and per file the type, size, dimensions,
    aspect ratio and duration.
    """
    rules = rules_for(platform)
    name = _name(platform)
    problems = []
    images = [m for m in media if m.kind == "image"]
    videos = [m for m in media if m.kind == "video"]
    others = [m for m in media if m.kind not in ("image", "video")]
    if rules.media_required and not media:
        problems.append(_("%(platform)s memerlukan paling sedikit satu berkas media.") % {"platform": name})
    if rules.video_required and images:
        problems.append(_("%(platform)s hanya menerima video, bukan gambar.") % {"platform": name})
    elif images and rules.max_images == 0:
        problems.append(_("%(platform)s tidak menerima gambar.") % {"platform": name})
    elif len(images) > rules.max_images:
        problems.append(_("%(n)s gambar; %(platform)s menerima paling banyak %(limit)s gambar per unggahan.")
                        % {"n": len(images), "platform": name, "limit": rules.max_images})
    if videos and rules.max_videos == 0:
        problems.append(_("%(platform)s tidak menerima video.") % {"platform": name})
    elif len(videos) > rules.max_videos:
        problems.append(_("%(n)s video; %(platform)s menerima paling banyak %(limit)s video per unggahan.")
                        % {"n": len(videos), "platform": name, "limit": rules.max_videos})
    if images and videos and not rules.mixed_media and rules.max_images and rules.max_videos:
        problems.append(_("%(platform)s tidak menerima gambar dan video dalam satu unggahan.") % {"platform": name})
    if rules.max_media is not None and len(media) > rules.max_media:
        problems.append(_("%(n)s berkas; %(platform)s menerima paling banyak %(limit)s berkas per unggahan.")
                        % {"n": len(media), "platform": name, "limit": rules.max_media})
    for item in others:
        problems.append(_("Berkas berjenis %(kind)s tidak dapat diunggah ke %(platform)s.")
                        % {"kind": item.kind, "platform": name})
    several = len(media) > 1
    for index, item in enumerate(media, start=1):
        if item.kind not in ("image", "video") or not rules.accepts(item.kind):
            continue
        if item.kind == "image" and rules.video_required:
            continue
        if several:
            label = _("Berkas ke-%(n)s") % {"n": index}
        else:
            label = _("Gambar") if item.kind == "image" else _("Video")
        problems.extend(_one_file_problems(rules, item, label))
    return problems


def alt_text_problems(platform: str, alt_text: str) -> list[str]:
    """Return problems with an image's alt text for the platform ([] when fine or not sent)."""
    rules = rules_for(platform)
    if not alt_text or not rules.alt_text or rules.alt_text_limit is None:
        return []
    length = len(alt_text)
    if length > rules.alt_text_limit:
        return [_("Teks alternatif %(n)s karakter; batas %(platform)s %(limit)s.")
                % {"n": length, "platform": _name(platform), "limit": rules.alt_text_limit}]
    return []
