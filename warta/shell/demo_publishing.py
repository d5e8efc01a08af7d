"""Seed the demo's planning and publishing world for Kabupaten Bogor.

Called by ``warta demo`` after the channels step (steps run in name order: "channels" <
"publishing"), so the sandbox accounts @humasbogorkab and @diskominfobogorkab are connected.

Every row is written through its app's services (validated and audited), by the demo users a
real officer would be: the unit admin plans, the Diskominfo editor writes, the head of Humas
approves. Idempotent: each piece is looked up by its natural key first (a name or a title on
its unit) and left alone when it exists, even if someone changed it since — a second run
creates nothing and writes no audit event. Each piece is its own transaction: a part whose
app is missing or refuses prints one line and the demo goes on (``make run`` must not break).

The published post. ``make run`` loads the demo *before* it starts the web server, and the
sandbox platform is served by that same web server, so during ``make run`` nothing can be
published yet. The post therefore takes the real path in two ways:

* the sandbox answers (``warta demo`` run again while Warta runs): approve, ``post_publish_now``
  and ``publisher.publish_one`` right here — it is on the sandbox when the demo returns;
* the sandbox does not answer (the usual ``make run``): approve and schedule it
  ``PUBLISH_DELAY`` ahead; the scheduler's dispatcher hands it to the worker once
  ``make run`` has started them, and the calendar shows it published a few minutes later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from warta.organisations.models import Unit

logger = logging.getLogger(__name__)

KAB_CODE = "32.01"
DISKOMINFO = "Dinas Komunikasi dan Informatika Kabupaten Bogor"
KEMENDAGRI = "Kementerian Dalam Negeri"
ADMIN_EMAIL = "admin.bogorkab@demo.warta.id"
EDITOR_EMAIL = "editor.bogorkab@demo.warta.id"
APPROVER_EMAIL = "penyetuju.bogorkab@demo.warta.id"
KAB_HANDLE = "@humasbogorkab"
DISKOMINFO_HANDLE = "@diskominfobogorkab"
SIGNATURE = "#HumasBogor — Diskominfo Kab. Bogor"  # the guideline's required signature (guideline.demo)
TAG = "#BogorKabMaju"  # the guideline's required hashtag
PUBLISH_DELAY = timedelta(minutes=2)
PROBE_TIMEOUT_S = 2.0
CAMPAIGN = "Bogor Siaga Banjir 2026"


@dataclass
class Ctx:
    kab: Unit
    diskominfo: Unit | None
    kemendagri: Unit | None
    admin: object
    editor: object
    approver: object
    today: date  # in the unit's zone
    accounts: dict  # handle -> channels.Account (connected sandbox accounts)


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _context() -> Ctx | None:
    from warta.channels.models import Account

    kab = Unit.objects.filter(region_code=KAB_CODE).first()
    if kab is None:
        return None
    users = {u.email: u for u in get_user_model().objects.filter(email__in=[ADMIN_EMAIL, EDITOR_EMAIL,
                                                                           APPROVER_EMAIL])}
    accounts = {a.handle.lower(): a for a in Account.objects.filter(
        handle__in=[KAB_HANDLE, DISKOMINFO_HANDLE], platform="sandbox", archived_at__isnull=True)}
    return Ctx(kab=kab, diskominfo=Unit.objects.filter(parent=kab, name=DISKOMINFO).first(),
               kemendagri=Unit.objects.filter(name=KEMENDAGRI, parent=None).first(),
               admin=users.get(ADMIN_EMAIL), editor=users.get(EDITOR_EMAIL), approver=users.get(APPROVER_EMAIL),
               today=timezone.localtime(timezone.now(), kab.zone).date(), accounts=accounts)


def _quarter(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, end - timedelta(days=1)


def _local(unit: Unit, day: date, at: time) -> datetime:
    from warta.publishing.schedule import local_to_utc

    return local_to_utc(unit, datetime.combine(day, at))


# --- planning ----------------------------------------------------------------------------------------

PILLARS = (
    ("Layanan Publik", "Informasi layanan administrasi, kesehatan dan pendidikan bagi warga.", "#1d4ed8"),
    ("Pembangunan", "Kemajuan infrastruktur, ekonomi daerah dan program prioritas bupati.", "#15803d"),
    ("Kebencanaan", "Kesiapsiagaan, peringatan dini dan penanganan bencana.", "#c2410c"),
)
AUDIENCES = (
    ("Warga Kabupaten Bogor", "general_public", "Seluruh warga, terutama pengguna layanan publik."),
    ("Pelajar dan mahasiswa", "youth", "Generasi muda di sekolah dan kampus se-Kabupaten Bogor."),
    ("Jurnalis media lokal", "media", "Wartawan media cetak, daring dan radio yang meliput Bogor."),
)


def seed_planning(ctx: Ctx) -> str:
    from warta.planning import services
    from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar

    kab, actor, made = ctx.kab, ctx.admin, 0
    for name, description, colour in PILLARS:
        if not Pillar.objects.active().filter(unit=kab, name__iexact=name).exists():
            services.pillar_create(actor=actor, unit=kab, name=name, description=description, colour=colour)
            made += 1
    for name, segment, description in AUDIENCES:
        if not Audience.objects.active().filter(unit=kab, name__iexact=name).exists():
            services.audience_create(actor=actor, unit=kab, name=name, segment=segment, description=description)
            made += 1
    start, end = _quarter(ctx.today)
    quarter = f"triwulan {(start.month - 1) // 3 + 1} {start.year}"
    goals = (
        (f"Tingkat keterlibatan 3% ({quarter})", "engagement_rate", 3,
         "Rata-rata tingkat keterlibatan unggahan akun resmi."),
        (f"Waktu tanggap 60 menit ({quarter})", "response_time", 60,
         "Median waktu menjawab pesan dan komentar warga pada jam kerja."),
    )
    for title, metric, target, notes in goals:
        if not Goal.objects.active().filter(unit=kab, title__iexact=title).exists():
            services.goal_create(actor=actor, unit=kab, title=title, metric=metric, target=target,
                                 period_start=start, period_end=end, notes=notes)
            made += 1
    if not Campaign.objects.filter(unit=kab, name__iexact=CAMPAIGN).exists():
        services.campaign_create(
            actor=actor, unit=kab, name=CAMPAIGN, programme="Program Pengendalian Banjir dan Longsor Kabupaten Bogor",
            period_start=ctx.today.replace(day=1), period_end=end + timedelta(days=90),
            description="Ajakan menjaga saluran air, informasi titik rawan dan nomor darurat BPBD selama musim hujan.",
            hashtags=["#BogorSiagaBanjir", TAG],
            goals=Goal.objects.active().filter(unit=kab, period_start=start),
            pillars=Pillar.objects.active().filter(unit=kab, name__in=["Kebencanaan", "Layanan Publik"]),
            audiences=Audience.objects.active().filter(unit=kab, name="Warga Kabupaten Bogor"),
            accounts=list(ctx.accounts.values()))
        made += 1
    dates = (
        ("Hari Jadi Kabupaten Bogor", date(ctx.today.year, 6, 3), True, "Berdiri 3 Juni 1482."),
        ("Apel Siaga Bencana Hidrometeorologi", ctx.today + timedelta(days=5), False,
         "Apel bersama BPBD, TNI, Polri dan relawan di Lapangan Tegar Beriman."),
    )
    for title, day, yearly, note in dates:
        if not ImportantDate.objects.active().filter(unit=kab, title__iexact=title).exists():
            services.important_date_create(actor=actor, unit=kab, date=day, title=title, note=note, yearly=yearly)
            made += 1
    return f"Perencanaan: {made} baris baru (pilar, khalayak, tujuan, kampanye, tanggal penting)."


# --- guideline and approvals -------------------------------------------------------------------------


def seed_guideline(ctx: Ctx) -> str:
    from warta.guideline.demo import guideline_demo_seed

    if ctx.kemendagri is None:
        return "Pedoman: dilewati (unit Kementerian Dalam Negeri tidak ada)."
    made = guideline_demo_seed(ctx.kemendagri, ctx.kab, actor=ctx.admin)
    return f"Pedoman: {len(made)} aturan baru."


def seed_approvals(ctx: Ctx) -> str:
    from warta.approvals.models import ApprovalChain
    from warta.approvals.registry import subject_kind
    from warta.approvals.services import approval_chain_set

    made, skipped = 0, []
    for kind in ("post", "press_release"):
        if subject_kind(kind) is None:
            skipped.append(kind)
            continue
        if not ApprovalChain.objects.filter(unit=ctx.kab, content_kind=kind).exists():
            approval_chain_set(actor=ctx.admin, unit=ctx.kab, kind=kind, levels=["approver"])
            made += 1
    note = f" (jenis belum terdaftar: {', '.join(skipped)})" if skipped else ""
    return f"Persetujuan: {made} alur baru{note}."


# --- publishing --------------------------------------------------------------------------------------

TEMPLATES = (
    ("snippet", "Tanda tangan Humas", SIGNATURE),
    ("snippet", "Nomor darurat BPBD", "Keadaan darurat? Hubungi Pusdalops BPBD Kab. Bogor di 112 (gratis, 24 jam)."),
    ("template", "Imbauan cuaca", "Waspada hujan lebat disertai angin kencang di wilayah [kecamatan] pada [waktu]. "
                                  "Hindari berteduh di bawah pohon dan baliho. " + TAG + "\n\n" + SIGNATURE),
)


def _text(body: str, *, signed: bool = True) -> str:
    return f"{body} {TAG}" + (f"\n\n{SIGNATURE}" if signed else "")


# (key, unit: "kab"/"diskominfo", title, text, link, pillar, in campaign, what happens, day offset, local time)
# what: "draft" (planned at day/time when given), "review" (submitted by the editor, waiting for the
# approver), "approved" (approved, no time yet), "scheduled" (approved and scheduled), "published".
POSTS = (
    ("welcome", "kab", "Warta resmi mengudara",
     _text("Selamat datang di kanal resmi Pemerintah Kabupaten Bogor. Ikuti informasi layanan, pembangunan "
           "dan peringatan dini di sini."), "https://bogorkab.go.id", "Layanan Publik", False, "published", None, None),
    ("river", "kab", "Gerakan bersih sungai serentak",
     _text("Besok pagi, Gerakan Bersih Sungai serentak di 40 kecamatan. Mari bersama menjaga aliran sungai agar "
           "air hujan mengalir lancar. #BogorSiagaBanjir"), "", "Kebencanaan", True, "scheduled", 1, time(9, 0)),
    ("flood", "diskominfo", "Imbauan waspada banjir musim hujan",
     # without the signature on purpose: the approver sees a guideline warning to acknowledge
     _text("BMKG memperkirakan hujan lebat sepekan ke depan. Bersihkan saluran air di sekitar rumah dan simpan "
           "nomor darurat 112. #BogorSiagaBanjir", signed=False), "", "Kebencanaan", True, "review", 2, time(7, 30)),
    ("ktp", "diskominfo", "Layanan KTP elektronik akhir pekan",
     _text("Disdukcapil membuka layanan perekaman KTP elektronik pada Sabtu di Mal Pelayanan Publik Cibinong, "
           "pukul 08.00–14.00 WIB."), "https://disdukcapil.bogorkab.go.id", "Layanan Publik", False, "draft", 3,
     time(8, 0)),
    ("road", "kab", "Progres perbaikan jalan Parung–Bogor",
     _text("Perbaikan jalan Parung–Bogor sepanjang 4,2 km sudah mencapai 80 persen dan ditargetkan rampung akhir "
           "bulan."), "", "Pembangunan", False, "scheduled", 6, time(10, 0)),
    ("posyandu", "kab", "Jadwal posyandu keliling",
     _text("Posyandu keliling hadir di Kecamatan Citeureup dan Babakan Madang pekan depan. Bawa buku KIA, ya!"),
     "", "Layanan Publik", False, "draft", 9, time(9, 0)),
    ("drill", "kab", "Simulasi evakuasi longsor di Sukajaya",
     _text("Simulasi evakuasi longsor bersama warga Desa Kiarasari, Sukajaya. Kenali jalur evakuasi di "
           "lingkunganmu. #BogorSiagaBanjir"), "", "Kebencanaan", True, "approved", None, None),
    ("quiz", "diskominfo", "Ide: kuis Hari Jadi Bogor untuk pelajar",
     _text("Kuis: tahun berapa Kabupaten Bogor berdiri? Jawab di kolom komentar!", signed=False), "",
     "Layanan Publik", False, "draft", 14, time(15, 0)),
    ("culvert", "kab", "Normalisasi gorong-gorong Cibinong",
     _text("DPUPR menormalisasi 12 gorong-gorong di Cibinong sebelum puncak musim hujan. Mohon maaf atas "
           "ketidaknyamanannya. #BogorSiagaBanjir"), "", "Pembangunan", True, "scheduled", 20, time(11, 0)),
)


def _approve(ctx: Ctx, post) -> None:
    from warta.approvals.models import ApprovalRequest
    from warta.approvals.services import approval_current, approval_decide

    request = approval_current(post)
    if request is not None and request.state == ApprovalRequest.State.PENDING:
        approval_decide(actor=ctx.approver, request=request, decision="approve", acknowledged=True,
                        comment="Sudah sesuai, silakan diterbitkan.")


def sandbox_reachable(account) -> bool:
    """Whether this installation's own sandbox answers now and knows ``account`` by its stored
    token (another server on the same port, or a sandbox of another database, does not count)."""
    import httpx

    from warta.channels.connectors.sandbox.client import sandbox_base_url
    from warta.channels.models import Credential, PlatformApp

    app = PlatformApp.objects.filter(platform="sandbox").first()
    credential = Credential.objects.filter(account=account).first() if account is not None else None
    token = (credential.tokens or {}).get("access_token") if credential is not None else None
    if not token:
        return False
    try:
        response = httpx.get(f"{sandbox_base_url(app.base_url if app else '')}/me", timeout=PROBE_TIMEOUT_S,
                             headers={"Authorization": f"Bearer {token}"})
        return response.status_code == 200 and f"@{response.json().get('handle', '')}".lower() == account.handle.lower()
    except (httpx.HTTPError, ValueError, AttributeError):
        return False


def _account(ctx: Ctx, unit_key: str):
    return ctx.accounts.get((KAB_HANDLE if unit_key == "kab" else DISKOMINFO_HANDLE).lower())


def _one_post(ctx: Ctx, spec, *, reachable: bool) -> str:
    """Create one demo post and take it as far as its spec says; return its final state."""
    from warta.planning.models import Campaign, Pillar
    from warta.publishing import calendar, schedule, services

    key, unit_key, title, text, link, pillar_name, in_campaign, what, offset, at = spec
    unit = ctx.kab if unit_key == "kab" else ctx.diskominfo
    author = ctx.admin if unit_key == "kab" else ctx.editor
    account = _account(ctx, unit_key)
    if what in ("scheduled", "published") and account is None:
        raise LookupError("akun sandbox belum terhubung")
    pillar = Pillar.objects.active().filter(unit=ctx.kab, name=pillar_name).first()
    campaign = Campaign.objects.active().filter(unit=ctx.kab, name=CAMPAIGN).first() if in_campaign else None
    post = services.post_create(actor=author, unit=unit, title=title, variants={"sandbox": {"text": text, "link": link}},
                                notes="Data demo.", campaign=campaign, pillar=pillar)
    when = _local(unit, ctx.today + timedelta(days=offset), at) if offset is not None else None
    if when is not None:  # the planned time: the calendar shows it and the guideline checks it on submit
        post = calendar.post_plan_set(actor=author, post=post, when=when)
    if what == "draft":
        return post.state
    post = services.post_submit(actor=author, post=post)
    if what == "review":
        return post.state
    _approve(ctx, post)
    if what == "approved":
        return "approved"
    if what == "scheduled":
        return schedule.post_schedule(actor=author, post=post, when=when, accounts=[account]).state
    if reachable:
        return schedule.post_publish_now(actor=author, post=post, accounts=[account]).state
    return schedule.post_schedule(actor=author, post=post, when=timezone.now() + PUBLISH_DELAY,
                                  accounts=[account]).state


def seed_publishing(ctx: Ctx, stdout=None) -> str:
    from warta.publishing import services
    from warta.publishing.models import Post, PostState, Publication, PublicationState, Template

    made_templates = 0
    for kind, name, text in TEMPLATES:
        if not Template.objects.filter(unit=ctx.kab, kind=kind, name=name).exists():
            with transaction.atomic():
                services.template_create(actor=ctx.admin, unit=ctx.kab, kind=kind, name=name, text=text)
            made_templates += 1
    reachable = None
    made, failed, welcome_waits = [], [], False
    for spec in POSTS:
        key, unit_key, title, *_rest = spec
        unit = ctx.kab if unit_key == "kab" else ctx.diskominfo
        if unit is None or Post.objects.filter(unit=unit, title=title).exists():
            continue
        if spec[7] == "published" and reachable is None:
            reachable = sandbox_reachable(_account(ctx, unit_key))
        try:
            with transaction.atomic():  # a post that cannot get where its spec says is not left half-made
                state = _one_post(ctx, spec, reachable=bool(reachable))
            made.append(state)
            welcome_waits = welcome_waits or (spec[7] == "published" and state == "scheduled")
        except Exception as exc:
            logger.debug("Demo post %s not seeded", key, exc_info=True)
            failed.append(f"{title}: {_reason(exc)}")
            continue
        if spec[7] == "published" and reachable:
            from warta.publishing.publisher import publish_one

            post = Post.objects.get(unit=unit, title=title)
            for pk in Publication.objects.filter(post=post, state=PublicationState.PENDING).values_list("pk", flat=True):
                publish_one(pk)  # the queued task finds it done and skips it
            made[-1] = Post.objects.get(pk=post.pk).state
    for line in failed:
        _say(stdout, f"Publikasi: konten dilewati — {line}\n")
    states = ", ".join(f"{n} {PostState(s).label.lower()}" for s, n in sorted(_count(made).items()))
    tail = ""
    if welcome_waits:
        tail = (f" Sandbox belum berjalan: konten sambutan dijadwalkan {int(PUBLISH_DELAY.total_seconds() // 60)} "
                "menit lagi dan terbit setelah worker berjalan.")
    return f"Publikasi: {made_templates} templat baru, {len(made)} konten baru ({states or '-'}).{tail}"


def _count(items) -> dict:
    out: dict = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


# --- amplification ------------------------------------------------------------------------------------


PACKAGE_TITLE = "Ajakan Gerakan Bersih Sungai serentak"


def seed_amplification(ctx: Ctx) -> str:
    """One package from Kabupaten Bogor to all its kecamatan: share the river clean-up call."""
    from warta.amplification import services
    from warta.amplification.models import Package
    from warta.organisations.models import UnitKind
    from warta.publishing.models import Post

    if Package.objects.filter(unit=ctx.kab, title=PACKAGE_TITLE).exists():
        return "Amplifikasi: 0 paket baru."
    recipients = list(Unit.objects.filter(parent=ctx.kab, kind=UnitKind.KECAMATAN, archived_at__isnull=True))
    if not recipients:
        return "Amplifikasi: dilewati (Kabupaten Bogor belum punya kecamatan)."
    deadline = _local(ctx.kab, ctx.today + timedelta(days=2), time(17, 0))
    text = _text("Ayo ikut Gerakan Bersih Sungai serentak di kecamatan kita! Bersama menjaga aliran sungai agar "
                 "air hujan mengalir lancar. #BogorSiagaBanjir")
    services.package_create(
        actor=ctx.admin, unit=ctx.kab, title=PACKAGE_TITLE, variants={"sandbox": {"text": text, "link": ""}},
        recipients=recipients, deadline=deadline,
        note="Mohon dibagikan di akun resmi kecamatan paling lambat lusa; sesuaikan nama desa bila perlu.",
        source_post=Post.objects.filter(unit=ctx.kab, title="Gerakan bersih sungai serentak").first())
    return f"Amplifikasi: 1 paket baru untuk {len(recipients)} kecamatan."


# --- press --------------------------------------------------------------------------------------------

RELEASE_HEADLINE = "Pemkab Bogor Perkuat Kesiapsiagaan Hadapi Puncak Musim Hujan"
CONTACTS = (
    ("Andi Pratama", "Radar Bogor", "andi.pratama@radarbogor.example", ["pemerintahan", "kebencanaan"]),
    ("Siti Nurhaliza", "Pikiran Rakyat Bogor", "siti.nurhaliza@pikiranrakyat.example", ["pemerintahan"]),
    ("Rudi Hartono", "RRI Bogor", "rudi.hartono@rri.example", ["layanan publik", "kebencanaan"]),
    ("Maya Kusuma", "Metropolitan.id", "maya.kusuma@metropolitan.example", ["pembangunan"]),
    ("Yoga Saputra", "Bogor Today", "yoga.saputra@bogortoday.example", ["pembangunan", "ekonomi"]),
)
LIST_NAME = "Media lokal Bogor"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def seed_press(ctx: Ctx) -> str:
    from warta.approvals.models import ApprovalRequest
    from warta.approvals.services import approval_current, approval_decide
    from warta.press import services
    from warta.press.models import DistributionList, MediaContact, PressRelease

    kab, made = ctx.kab, []
    for name, outlet, email, beats in CONTACTS:
        if not MediaContact.objects.filter(unit=kab, email__iexact=email).exists():
            with transaction.atomic():
                services.contact_create(actor=ctx.admin, unit=kab, name=name, email=email, outlet=outlet,
                                        beats=beats, region_code=KAB_CODE)
            made.append("kontak media")
    if not DistributionList.objects.filter(unit=kab, name__iexact=LIST_NAME).exists():
        contacts = list(MediaContact.objects.filter(unit=kab, email__in=[c[2] for c in CONTACTS]))
        with transaction.atomic():
            services.list_create(actor=ctx.admin, unit=kab, name=LIST_NAME, contacts=contacts)
        made.append("daftar distribusi")
    if not PressRelease.objects.filter(unit=kab, headline=RELEASE_HEADLINE).exists():
        with transaction.atomic():
            release = services.release_create(
                actor=ctx.admin, unit=kab, headline=RELEASE_HEADLINE, place="Cibinong", release_date=ctx.today,
                number=f"001/HUMAS/{ROMAN[ctx.today.month - 1]}/{ctx.today.year}",
                lead=("Pemerintah Kabupaten Bogor menyiagakan 1.200 personel gabungan dan 40 posko di kecamatan rawan "
                      "banjir dan longsor menjelang puncak musim hujan."),
                body=("Kesiapsiagaan ini dibahas dalam rapat koordinasi bersama BPBD, TNI, Polri dan para camat di "
                      "Gedung Tegar Beriman.\n\nWarga diimbau membersihkan saluran air, memantau informasi cuaca "
                      "dari BMKG dan segera melapor ke nomor darurat 112 bila terjadi bencana.\n\n" + SIGNATURE),
                quotes=[{"name": "Kepala Pelaksana BPBD Kabupaten Bogor", "position": "Kalaksa BPBD",
                         "text": "Kami minta warga di bantaran sungai tidak ragu mengungsi ketika diminta petugas."}],
                contact_name="Kepala Humas Kab. Bogor", contact_position="Kepala Bagian Humas",
                contact_phone="0251-8750000", contact_email="humas@bogorkab.go.id")
            services.release_submit(actor=ctx.admin, release=release)
            request = approval_current(release)
            if request is not None and request.state == ApprovalRequest.State.PENDING:
                approval_decide(actor=ctx.approver, request=request, decision="approve", acknowledged=True)
        made.append("siaran pers disetujui")
    parts = ", ".join(f"{n} {what}" for what, n in _count(made).items())
    return f"Siaran pers: {len(made)} baru ({parts or '-'})."


# --- the step -----------------------------------------------------------------------------------------


def _reason(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    return "; ".join(str(m) for m in messages) if messages else (str(exc) or type(exc).__name__)


PARTS = (
    ("Perencanaan", seed_planning),
    ("Pedoman", seed_guideline),
    ("Persetujuan", seed_approvals),
    ("Publikasi", seed_publishing),
    ("Amplifikasi", seed_amplification),
    ("Siaran pers", seed_press),
)


def demo_publishing_seed(*, stdout=None) -> None:
    """Seed planning, guideline, approval chains, posts, amplification and press for Kabupaten
    Bogor through the apps' services. Idempotent; a part that fails prints a line and is skipped."""
    ctx = _context()
    if ctx is None:
        _say(stdout, "Demo publikasi: dilewati (unit Kabupaten Bogor belum ada).\n")
        return
    missing = [e for e, u in ((ADMIN_EMAIL, ctx.admin), (EDITOR_EMAIL, ctx.editor), (APPROVER_EMAIL, ctx.approver))
               if u is None]
    if missing or ctx.diskominfo is None:
        _say(stdout, f"Demo publikasi: dilewati (pengguna atau unit demo belum ada: {', '.join(missing) or DISKOMINFO}).\n")
        return
    for label, part in PARTS:
        try:
            if part is seed_publishing:
                line = part(ctx, stdout)  # each post is its own transaction
            else:
                with transaction.atomic():
                    line = part(ctx)
        except Exception as exc:  # an app still missing or refusing: say so, go on
            logger.debug("Demo part %s failed", label, exc_info=True)
            line = f"{label}: dilewati ({_reason(exc)})."
        _say(stdout, line + "\n")
