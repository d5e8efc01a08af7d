"""The work areas of Warta, in the order of the trainings; each names where it lives."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    slug: str
    label: Promise
    summary: Promise
    url_name: str | None = None  # a built area's own page; None: the empty state


AREAS = [
    Area("perencanaan", _("Perencanaan"), _("Tujuan komunikasi, sasaran khalayak, pilar konten, kampanye, dan kalender editorial."), "planning:overview"),
    Area("publikasi", _("Publikasi"), _("Draf per platform, pedoman, persetujuan, penjadwalan, amplifikasi, dan siaran pers."), "publishing:post-list"),
    Area("kotak-masuk", _("Kotak Masuk"), _("Komentar, mention, dan pesan warga dari semua akun dalam satu kotak masuk.")),
    Area("monitoring-isu", _("Monitoring Isu"), _("Topik yang dipantau, volume, sentimen, wilayah, dan penggerak percakapan.")),
    Area("analitik", _("Analitik"), _("Jangkauan, engagement rate, papan peringkat unit, dan laporan bulanan pimpinan.")),
    Area("krisis", _("Krisis"), _("Peringatan dini, tingkat krisis, ruang krisis, klarifikasi hoaks, dan laporan pascakrisis.")),
    Area("bimtek", _("Bimtek"), _("Pelatihan di lingkungan praktik dengan akun simulasi, pre-test dan post-test.")),
]
AREA_BY_SLUG = {a.slug: a for a in AREAS}
