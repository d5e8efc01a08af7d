"""The text the simulation speaks: IndoNLU sentences by sentiment, the kecamatan of Bogor and
public-service templates (see SOURCE.md for where each comes from)."""

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent

TOPICS: dict[str, dict[str, list[str]]] = {
    "jalan rusak": {
        "negative": [
            "Jalan di {kec} rusak parah, sudah berbulan-bulan berlubang dan belum diperbaiki {target}",
            "{target} tolong jalan raya {kec} banyak lubang, kemarin ada pemotor jatuh",
            "Kapan jalan rusak di {kec} diperbaiki? Tiap hujan jadi kubangan {target}",
        ],
        "positive": [
            "Terima kasih {target}, jalan di {kec} sudah mulus diaspal lagi",
            "Perbaikan jalan di {kec} cepat sekali, mantap {target}",
        ],
        "neutral": ["{target} apakah ada jadwal perbaikan jalan di {kec} tahun ini?"],
    },
    "banjir": {
        "negative": [
            "Banjir lagi di {kec}, air masuk rumah warga. Mohon bantuan {target}",
            "{target} drainase di {kec} mampet, tiap hujan deras pasti banjir",
        ],
        "positive": ["Petugas cepat datang waktu banjir di {kec}, terima kasih {target}"],
        "neutral": ["{target} di mana posko pengungsian banjir untuk warga {kec}?"],
    },
    "bansos": {
        "negative": [
            "Bansos di {kec} tidak tepat sasaran, tetangga yang mampu malah dapat {target}",
            "Sudah daftar bansos berkali-kali tapi belum cair juga {target}",
        ],
        "positive": ["Bansos sudah cair di {kec}, terima kasih {target}"],
        "neutral": ["{target} bagaimana cara cek penerima bansos untuk warga {kec}?"],
    },
    "KTP": {
        "negative": [
            "Sudah tiga bulan KTP elektronik belum jadi, alasannya blangko habis {target}",
            "Antrean rekam KTP di kantor kecamatan {kec} panjang sekali {target}",
        ],
        "positive": ["Bikin KTP di {kec} sekarang cepat, satu hari jadi {target}"],
        "neutral": ["{target} syarat pindah domisili KTP ke {kec} apa saja ya?"],
    },
    "puskesmas": {
        "negative": [
            "Pelayanan puskesmas {kec} lambat, antre dari pagi baru dipanggil siang {target}",
            "Dokter di puskesmas {kec} sering tidak ada {target}",
        ],
        "positive": ["Petugas puskesmas {kec} ramah dan sigap, terima kasih {target}"],
        "neutral": ["{target} jam buka puskesmas {kec} hari Sabtu sampai jam berapa?"],
    },
    "sekolah": {
        "negative": [
            "Atap sekolah dasar di {kec} bocor, anak-anak belajar kehujanan {target}",
            "Pendaftaran sekolah online error terus {target}",
        ],
        "positive": ["Gedung sekolah baru di {kec} bagus sekali {target}"],
        "neutral": ["{target} kapan jadwal pendaftaran sekolah untuk warga {kec}?"],
    },
    "izin usaha": {
        "negative": ["Urus izin usaha di {kec} berbelit, bolak-balik tidak selesai {target}"],
        "positive": ["Izin usaha lewat OSS cepat, dibantu petugas {kec} {target}"],
        "neutral": ["{target} untuk izin usaha warung di {kec} perlu NIB saja atau ada syarat lain?"],
    },
}

OFFICIAL_POSTS = [
    "Pemerintah daerah membuka layanan jemput bola perekaman KTP elektronik di Kecamatan {kec} pekan ini.",
    "Perbaikan jalan di Kecamatan {kec} dimulai hari ini. Mohon maaf atas ketidaknyamanannya.",
    "Waspada cuaca ekstrem. Warga {kec} dimohon membersihkan saluran air di sekitar rumah.",
    "Penyaluran bantuan sosial tahap berikutnya dimulai di Kecamatan {kec}. Cek data penerima di kantor desa.",
    "Puskesmas {kec} membuka layanan imunisasi gratis untuk balita setiap Senin dan Kamis.",
    "Pendaftaran sekolah tahun ajaran baru dibuka. Informasi lengkap di laman dinas pendidikan.",
    "Pelayanan izin usaha kini dapat diurus daring melalui OSS. Petugas Kecamatan {kec} siap membantu.",
    "Kerja bakti bersama warga {kec} membersihkan sungai dari sampah. Terima kasih atas partisipasinya.",
]

NEWS_TITLES = [
    "Warga {kec} Keluhkan Jalan Rusak yang Tak Kunjung Diperbaiki",
    "Banjir Rendam Permukiman di {kec}, Ratusan Warga Mengungsi",
    "Pemda Salurkan Bansos kepada Ribuan Keluarga di {kec}",
    "Layanan KTP Keliling Hadir di {kec}",
    "Puskesmas {kec} Tambah Jam Layanan",
    "Sekolah di {kec} Direnovasi Jelang Tahun Ajaran Baru",
    "Perizinan Usaha Kini Lebih Cepat, Pelaku UMKM {kec} Menyambut Baik",
]


@dataclass(frozen=True)
class Sentence:
    sentiment: str
    source: str
    text: str


@cache
def sentences() -> dict[str, tuple[Sentence, ...]]:
    """Return the corpus sentences grouped by sentiment (positive, negative, neutral)."""
    out: dict[str, list[Sentence]] = {"positive": [], "negative": [], "neutral": []}
    with open(HERE / "sentences.tsv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[row["sentiment"]].append(Sentence(row["sentiment"], row["source"], row["text"]))
    return {k: tuple(v) for k, v in out.items()}


@cache
def kecamatan() -> tuple[tuple[str, str], ...]:
    """Return (kecamatan name, regency) pairs of Kabupaten and Kota Bogor."""
    with open(HERE / "kecamatan_bogor.csv", newline="", encoding="utf-8") as f:
        return tuple((row["name"], row["regency"]) for row in csv.DictReader(f))


def citizen_text(rng: random.Random, *, sentiment: str, target: str = "", topic: str = "") -> tuple[str, str]:
    """Return (text, topic) of a citizen's post: a public-service template woven with a
    kecamatan and the target handle, or a corpus sentence (with the target appended)."""
    kec = rng.choice(kecamatan())[0]
    if topic or rng.random() < 0.55:
        topic = topic or rng.choice(sorted(TOPICS))
        templates = TOPICS[topic].get(sentiment) or TOPICS[topic]["neutral"]
        text = rng.choice(templates).format(kec=kec, target=target).strip()
        return " ".join(text.split()), topic
    sentence = rng.choice(sentences()[sentiment]).text
    return (f"{sentence} {target}".strip() if target else sentence), ""


def official_text(rng: random.Random) -> str:
    return rng.choice(OFFICIAL_POSTS).format(kec=rng.choice(kecamatan())[0])


def news_title(rng: random.Random) -> str:
    return rng.choice(NEWS_TITLES).format(kec=rng.choice(kecamatan())[0])
