"""The export files Warta knows, and the Warta field or metric each of their columns feeds.

Headers are listed as the platforms label them in English (checked against real exports,
see docs/adr/0013-export-file-import.md) and as their Indonesian interfaces label them. The
Indonesian labels are our best reading of those interfaces and could not all be verified
against a real download: an unrecognised header is never fatal, the officer can point any
Warta field at any column on the preview page.

A *target* is a Warta field (``post_id``, ``published_at``, ``text``…) or a metric (a key of
``PostMetrics.values``: ``impressions``, ``reach``, ``likes``…). Metric keys are the same for
every platform where the meaning is the same: a reply on X is a ``comments``, a YouTube
"Comments added" too; a repost (retweet) stays ``reposts``. Ratio columns (engagement rate,
click-through rate, percentage viewed) and money columns are not imported: Warta computes
rates itself and stores counts only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from warta.channels.connectors.base import Platform

# --- targets ------------------------------------------------------------------------------

# How a cell is read.
ID = "id"  # the post's id on the platform: required, at most 255 characters
DATETIME = "datetime"  # when the post was published
TEXT = "text"  # the post's text (at most 100,000 characters)
TITLE = "title"  # a title (video title, Facebook "Title"; at most 500 characters)
URL = "url"  # a link to the post (http/https, at most 1,000 characters)
LABEL = "label"  # a short label kept in the item's extra (post type)
COUNT = "count"  # a non-negative whole number
SIGNED = "signed"  # a whole number that may be negative (net subscribers)
SECONDS = "seconds"  # a duration: seconds as a number, or H:MM:SS / M:SS
HOURS_TO_MINUTES = "hours_to_minutes"  # decimal hours, stored as whole minutes
SECONDS_TO_MINUTES = "seconds_to_minutes"  # seconds, stored as whole minutes

METRIC_KINDS = {COUNT, SIGNED, SECONDS, HOURS_TO_MINUTES, SECONDS_TO_MINUTES}


@dataclass(frozen=True)
class Target:
    key: str
    label: object  # lazy translation
    kind: str
    required: bool = False
    metric: bool = False
    extra: bool = False  # kept in the item's ``extra`` (not a metric)
    max_length: int | None = None


TARGETS: dict[str, Target] = {t.key: t for t in [
    Target("post_id", _("ID unggahan"), ID, required=True, max_length=255),
    Target("published_at", _("Waktu terbit"), DATETIME, required=True),
    Target("text", _("Teks atau keterangan"), TEXT, max_length=100_000),
    Target("title", _("Judul"), TITLE, max_length=500),
    Target("url", _("Tautan unggahan"), URL, max_length=1000),
    Target("post_type", _("Jenis unggahan"), LABEL, extra=True, max_length=100),
    Target("duration_seconds", _("Durasi video (detik)"), SECONDS, extra=True),
    Target("impressions", _("Impresi"), COUNT, metric=True),
    Target("reach", _("Jangkauan"), COUNT, metric=True),
    Target("views", _("Tayangan"), COUNT, metric=True),
    Target("engagements", _("Interaksi"), COUNT, metric=True),
    Target("reactions", _("Reaksi"), COUNT, metric=True),
    Target("likes", _("Suka"), COUNT, metric=True),
    Target("dislikes", _("Tidak suka"), COUNT, metric=True),
    Target("comments", _("Komentar atau balasan"), COUNT, metric=True),
    Target("shares", _("Dibagikan"), COUNT, metric=True),
    Target("reposts", _("Repost (retweet)"), COUNT, metric=True),
    Target("quotes", _("Kutipan"), COUNT, metric=True),
    Target("saves", _("Disimpan"), COUNT, metric=True),
    Target("bookmarks", _("Markah"), COUNT, metric=True),
    Target("follows", _("Pengikut baru"), COUNT, metric=True),
    Target("clicks", _("Total klik"), COUNT, metric=True),
    Target("link_clicks", _("Klik tautan"), COUNT, metric=True),
    Target("url_clicks", _("Klik URL"), COUNT, metric=True),
    Target("profile_visits", _("Kunjungan profil"), COUNT, metric=True),
    Target("hashtag_clicks", _("Klik tagar"), COUNT, metric=True),
    Target("detail_expands", _("Buka detail"), COUNT, metric=True),
    Target("permalink_clicks", _("Klik permalink"), COUNT, metric=True),
    Target("media_views", _("Tayangan media"), COUNT, metric=True),
    Target("media_engagements", _("Interaksi media"), COUNT, metric=True),
    Target("watch_time_minutes", _("Waktu tonton (menit)"), COUNT, metric=True),
    Target("avg_view_duration_seconds", _("Rata-rata durasi tonton (detik)"), SECONDS, metric=True),
    Target("subscribers_net", _("Subscriber bersih (boleh negatif)"), SIGNED, metric=True),
]}


# --- formats ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One Warta target fed by a column of the export, with the headers it goes by."""

    target: str
    en: tuple[str, ...]  # as the English interface labels it
    id: tuple[str, ...] = ()  # as the Indonesian interface labels it
    kind: str | None = None  # overrides the target's kind (e.g. hours → minutes)


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: object
    platforms: tuple[str, ...]
    columns: tuple[Column, ...]
    # Headers that only this format has: they break ties between formats.
    signature: tuple[str, ...] = ()
    # Dates like 09/16/2026: month first in the English export.
    month_first: bool = True
    example_date: str = ""
    # The first data row of a YouTube Studio table is a "Total" row: skipped, not an error.
    total_row_ids: tuple[str, ...] = ()
    # A link built from the post id when the export has none.
    url_template: str = ""
    # An id that Excel turned into 1.23457E+18 can be recovered from the permalink.
    id_from_url: str = ""
    columns_by_target: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.columns_by_target.update({c.target: c for c in self.columns})

    def kind_of(self, target: str) -> str:
        column = self.columns_by_target.get(target)
        return (column.kind if column and column.kind else None) or TARGETS[target].kind


# The columns Meta Business Suite exports for Facebook and Instagram alike.
META_COLUMNS = {
    "post_id": Column("post_id", ("Post ID",), ("ID Postingan", "ID Unggahan", "ID Kiriman")),
    "published_at": Column("published_at", ("Publish time",), ("Waktu publikasi", "Waktu dipublikasikan", "Waktu terbit")),
    "text": Column("text", ("Description",), ("Deskripsi", "Keterangan")),
    "url": Column("url", ("Permalink",), ("Tautan permanen",)),
    "post_type": Column("post_type", ("Post type",), ("Jenis postingan", "Jenis unggahan")),
    "duration_seconds": Column("duration_seconds", ("Duration (sec)",), ("Durasi (dtk)", "Durasi (detik)")),
    "impressions": Column("impressions", ("Impressions",), ("Impresi",)),
    "views": Column("views", ("Views",), ("Tayangan",)),
    "reach": Column("reach", ("Reach",), ("Jangkauan",)),
    "comments": Column("comments", ("Comments",), ("Komentar",)),
    "shares": Column("shares", ("Shares",), ("Pembagian", "Bagikan", "Dibagikan")),
}

FACEBOOK_POSTS = ExportFormat(
    code="meta_facebook_posts",
    label=_("Meta Business Suite — unggahan Facebook"),
    platforms=(Platform.FACEBOOK.value,),
    signature=("Page ID", "Page name", "ID Halaman", "Nama Halaman"),
    example_date="09/16/2026 14:05",
    columns=(
        META_COLUMNS["post_id"],
        META_COLUMNS["published_at"],
        META_COLUMNS["text"],
        Column("title", ("Title",), ("Judul",)),
        META_COLUMNS["url"],
        META_COLUMNS["post_type"],
        META_COLUMNS["duration_seconds"],
        META_COLUMNS["impressions"],
        META_COLUMNS["views"],
        META_COLUMNS["reach"],
        Column("engagements", ("Reactions, Comments and Shares", "Reactions, comments and shares"),
               ("Reaksi, komentar, dan pembagian", "Reaksi, komentar, dan bagikan")),
        Column("reactions", ("Reactions",), ("Reaksi",)),
        META_COLUMNS["comments"],
        META_COLUMNS["shares"],
        Column("clicks", ("Total clicks",), ("Total klik",)),
        Column("link_clicks", ("Link clicks",), ("Klik tautan",)),
        Column("watch_time_minutes", ("Seconds viewed",), ("Detik ditonton",), kind=SECONDS_TO_MINUTES),
        Column("avg_view_duration_seconds", ("Average Seconds viewed",), ("Rata-rata detik ditonton",)),
    ),
)

INSTAGRAM_POSTS = ExportFormat(
    code="meta_instagram_posts",
    label=_("Meta Business Suite — unggahan Instagram"),
    platforms=(Platform.INSTAGRAM.value,),
    signature=("Account username", "Account name", "Nama pengguna akun", "Nama akun"),
    example_date="09/16/2026 14:05",
    columns=(
        META_COLUMNS["post_id"],
        META_COLUMNS["published_at"],
        META_COLUMNS["text"],
        META_COLUMNS["url"],
        META_COLUMNS["post_type"],
        META_COLUMNS["duration_seconds"],
        META_COLUMNS["impressions"],
        META_COLUMNS["views"],
        META_COLUMNS["reach"],
        Column("likes", ("Likes",), ("Suka",)),
        META_COLUMNS["comments"],
        META_COLUMNS["shares"],
        Column("saves", ("Saves",), ("Simpan", "Disimpan")),
        Column("follows", ("Follows",), ("Mengikuti", "Ikuti", "Pengikut")),
        Column("profile_visits", ("Profile visits",), ("Kunjungan profil",)),
    ),
)

X_TWEET_ACTIVITY = ExportFormat(
    code="x_tweet_activity",
    label=_("X (Twitter) Analytics — aktivitas tweet"),
    platforms=(Platform.X.value,),
    signature=("Tweet id", "Tweet permalink", "ID Tweet", "Permalink Tweet"),
    example_date="2026-10-01 10:00 +0000",
    columns=(
        Column("post_id", ("Tweet id",), ("ID Tweet",)),
        Column("url", ("Tweet permalink",), ("Permalink Tweet", "Tautan Tweet")),
        Column("text", ("Tweet text",), ("Teks Tweet",)),
        Column("published_at", ("time",), ("waktu",)),
        Column("impressions", ("impressions",), ("impresi", "tayangan")),
        Column("engagements", ("engagements",), ("keterlibatan", "interaksi")),
        Column("reposts", ("retweets", "reposts"), ("retweet", "repost")),
        Column("quotes", ("quote tweets",), ("kutipan tweet",)),
        Column("comments", ("replies",), ("balasan",)),
        Column("likes", ("likes",), ("suka",)),
        Column("profile_visits", ("user profile clicks",), ("klik profil pengguna",)),
        Column("url_clicks", ("url clicks",), ("klik url",)),
        Column("hashtag_clicks", ("hashtag clicks",), ("klik tagar",)),
        Column("detail_expands", ("detail expands",), ("perluasan detail", "buka detail")),
        Column("permalink_clicks", ("permalink clicks",), ("klik permalink",)),
        Column("follows", ("follows",), ("ikuti", "mengikuti")),
        Column("media_views", ("media views",), ("tayangan media",)),
        Column("media_engagements", ("media engagements",), ("keterlibatan media", "interaksi media")),
    ),
    id_from_url=r"/status(?:es)?/(\d+)",
)

X_POST_ANALYTICS = ExportFormat(
    code="x_post_analytics",
    label=_("X Analytics — konten (ekspor baru)"),
    platforms=(Platform.X.value,),
    signature=("Post id", "Post Link", "ID Postingan", "Tautan Postingan"),
    example_date="Tue, Jul 14, 2026",
    columns=(
        Column("post_id", ("Post id",), ("ID Postingan", "ID postingan")),
        Column("published_at", ("Date",), ("Tanggal",)),
        Column("text", ("Post text",), ("Teks postingan",)),
        Column("url", ("Post Link",), ("Tautan Postingan", "Tautan postingan")),
        Column("impressions", ("Impressions",), ("Impresi", "Tayangan")),
        Column("likes", ("Likes",), ("Suka",)),
        Column("engagements", ("Engagements",), ("Interaksi", "Keterlibatan")),
        Column("bookmarks", ("Bookmarks",), ("Markah",)),
        Column("shares", ("Shares",), ("Bagikan", "Dibagikan")),
        Column("follows", ("New follows",), ("Pengikut baru",)),
        Column("comments", ("Replies",), ("Balasan",)),
        Column("reposts", ("Reposts",), ("Repost", "Posting ulang")),
        Column("profile_visits", ("Profile visits",), ("Kunjungan profil",)),
        Column("detail_expands", ("Detail Expands",), ("Buka detail", "Perluasan detail")),
        Column("url_clicks", ("URL Clicks",), ("Klik URL",)),
        Column("hashtag_clicks", ("Hashtag Clicks",), ("Klik tagar",)),
        Column("permalink_clicks", ("Permalink Clicks",), ("Klik permalink",)),
    ),
    id_from_url=r"/status(?:es)?/(\d+)",
)

YOUTUBE_CONTENT = ExportFormat(
    code="youtube_studio_content",
    label=_("YouTube Studio — tabel konten (Table data.csv)"),
    platforms=(Platform.YOUTUBE.value,),
    signature=("Content", "Video title", "Konten", "Judul video"),
    example_date="Oct 3, 2026",
    total_row_ids=("total", "jumlah"),
    url_template="https://www.youtube.com/watch?v={id}",
    columns=(
        Column("post_id", ("Content",), ("Konten",)),
        Column("title", ("Video title",), ("Judul video",)),
        Column("published_at", ("Video publish time",), ("Waktu publikasi video", "Waktu publikasi")),
        Column("duration_seconds", ("Duration",), ("Durasi",)),
        Column("views", ("Views",), ("Penayangan", "Tayangan")),
        Column("watch_time_minutes", ("Watch time (hours)",), ("Waktu tonton (jam)",), kind=HOURS_TO_MINUTES),
        Column("subscribers_net", ("Subscribers",), ("Subscriber", "Pelanggan")),
        Column("impressions", ("Impressions", "Thumbnail impressions"), ("Tayangan thumbnail", "Impresi")),
        Column("avg_view_duration_seconds", ("Average view duration",), ("Durasi tonton rata-rata", "Rata-rata durasi tonton")),
        Column("likes", ("Likes",), ("Suka",)),
        Column("dislikes", ("Dislikes",), ("Tidak suka",)),
        Column("comments", ("Comments added",), ("Komentar yang ditambahkan", "Komentar ditambahkan")),
        Column("shares", ("Shares",), ("Dibagikan", "Bagikan")),
    ),
)

# Indonesian column names proposed for a table of another shape.
GENERIC_ID_NAMES = {
    "impressions": ("impresi",), "reach": ("jangkauan",), "views": ("tayangan",), "engagements": ("interaksi",),
    "reactions": ("reaksi",), "likes": ("suka",), "comments": ("komentar",), "shares": ("dibagikan", "bagikan"),
    "saves": ("disimpan",), "clicks": ("klik",),
}

# Any other table: the officer maps the columns; a few obvious names are proposed.
GENERIC = ExportFormat(
    code="generic",
    label=_("Format lain (kolom dipetakan sendiri)"),
    platforms=tuple(p.value for p in Platform),
    example_date="2026-09-16 14:05",
    month_first=False,
    columns=(
        Column("post_id", ("Post ID", "ID", "external_id"), ("ID Unggahan", "ID Postingan")),
        Column("published_at", ("Published at", "created_at", "Date", "Time"), ("Waktu terbit", "Tanggal", "Waktu")),
        Column("text", ("Text", "Message", "Caption"), ("Teks", "Pesan", "Keterangan")),
        Column("title", ("Title",), ("Judul",)),
        Column("url", ("URL", "Link", "Permalink"), ("Tautan",)),
        *[Column(key, (key, key.replace("_", " ")), GENERIC_ID_NAMES.get(key, ())) for key, t in TARGETS.items() if t.metric],
    ),
)

FORMATS: dict[str, ExportFormat] = {f.code: f for f in [
    FACEBOOK_POSTS, INSTAGRAM_POSTS, X_TWEET_ACTIVITY, X_POST_ANALYTICS, YOUTUBE_CONTENT, GENERIC,
]}


def formats_for(platform: str) -> list[ExportFormat]:
    """Return the formats an account on ``platform`` can import, the generic one last."""
    return [f for f in FORMATS.values() if platform in f.platforms and f.code != GENERIC.code] + [GENERIC]


_SPACE = re.compile(r"\s+")


def normalise(header: str) -> str:
    """Return a header as compared: accents, case, outer quotes and extra spaces ignored."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return _SPACE.sub(" ", text.strip().strip("\"'").strip()).casefold()
