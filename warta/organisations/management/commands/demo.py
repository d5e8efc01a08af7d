"""Load the demo (idempotent) and print the URL and the demo logins."""

import base64
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from warta.core.demo import demo_steps
from warta.organisations.imports import region_import_apply, region_import_plan
from warta.organisations.models import Membership, Unit, UnitKind
from warta.organisations.roles import Role
from warta.organisations.services import unit_create

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PASSWORD = os.environ.get("WARTA_DEMO_PASSWORD", "Warta-Demo-2026")
# A fixed, published TOTP key for the demo admins, so anyone trying the demo can add it to
# an authenticator app (admins must use two-factor authentication). Demo only.
DEMO_TOTP_KEY = bytes.fromhex("3132333435363738393031323334353637383930")

OFFICES_KAB_BOGOR = [
    ("Dinas Komunikasi dan Informatika Kabupaten Bogor", "Diskominfo", UnitKind.DINAS),
    ("Dinas Kesehatan Kabupaten Bogor", "Dinkes", UnitKind.DINAS),
    ("Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Bogor", "DPUPR", UnitKind.DINAS),
    ("Dinas Pendidikan Kabupaten Bogor", "Disdik", UnitKind.DINAS),
    ("Badan Penanggulangan Bencana Daerah Kabupaten Bogor", "BPBD", UnitKind.BADAN),
    ("Bagian Protokol dan Komunikasi Pimpinan Setda Kabupaten Bogor", "Prokopim", UnitKind.BAGIAN),
]
OFFICES_KOTA_BOGOR = [
    ("Dinas Komunikasi, Informatika, Statistik dan Persandian Kota Bogor", "Diskominfo", UnitKind.DINAS),
    ("Dinas Kesehatan Kota Bogor", "Dinkes", UnitKind.DINAS),
]
INSTALLATION_ADMIN = "admin.kemendagri@demo.warta.id"
USERS = [
    ("admin.kemendagri@demo.warta.id", "Rina Puspen Kemendagri", "Kementerian Dalam Negeri", Role.ADMIN),
    ("pimpinan.jabar@demo.warta.id", "Kepala Diskominfo Jawa Barat", "32", Role.VIEWER),
    ("admin.bogorkab@demo.warta.id", "Dedi Admin Diskominfo", "32.01", Role.ADMIN),
    ("editor.bogorkab@demo.warta.id", "Sari Pengelola Medsos", "Dinas Komunikasi dan Informatika Kabupaten Bogor", Role.EDITOR),
    ("analis.bogorkab@demo.warta.id", "Budi Analis Media", "32.01", Role.ANALYST),
    ("penyetuju.bogorkab@demo.warta.id", "Kepala Humas Kab. Bogor", "32.01", Role.APPROVER),
    ("pimpinan.bogorkab@demo.warta.id", "Sekretaris Daerah Kab. Bogor", "32.01", Role.VIEWER),
    ("admin.kotabogor@demo.warta.id", "Admin Diskominfo Kota Bogor", "32.71", Role.ADMIN),
]


def _unit(key: str) -> Unit:
    return Unit.objects.filter(region_code=key).first() or Unit.objects.get(name=key)


class Command(BaseCommand):
    help = "Muat data demo (aman diulang) dan tampilkan URL serta akun demo."

    def add_arguments(self, parser):
        parser.add_argument("--info", action="store_true", help="Only print the URL and the demo logins.")

    def handle(self, *args, info: bool = False, **options):
        if info:
            self._print()
        else:
            self._load()
            for _name, step in demo_steps():
                step(stdout=self.stdout)

    @transaction.atomic
    def _load(self):
        kemendagri = Unit.objects.filter(name="Kementerian Dalam Negeri", parent=None).first()
        if kemendagri is None:
            kemendagri = unit_create(actor=None, parent=None, kind=UnitKind.KEMENTERIAN,
                                     name="Kementerian Dalam Negeri", short_name="Kemendagri")
            unit_create(actor=None, parent=kemendagri, kind=UnitKind.UNIT_UTAMA, name="Pusat Penerangan", short_name="Puspen")
        jabar = Unit.objects.filter(region_code="32").first()
        if jabar is None:
            jabar = unit_create(actor=None, parent=None, kind=UnitKind.PROVINSI, name="Provinsi Jawa Barat", region_code="32")
        regions = (FIXTURES / "demo_regions.csv").read_text()
        summary = region_import_plan(unit=jabar, text=regions).summary()
        if summary["create"] or summary["update"]:
            region_import_apply(actor=None, unit=jabar, text=regions, filename="demo_regions.csv")
        for code, offices in (("32.01", OFFICES_KAB_BOGOR), ("32.71", OFFICES_KOTA_BOGOR)):
            parent = Unit.objects.get(region_code=code)
            for name, short, kind in offices:
                if not Unit.objects.filter(parent=parent, name=name).exists():
                    unit_create(actor=None, parent=parent, kind=kind, name=name, short_name=short)
        User = get_user_model()
        for email, full_name, unit_key, role in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=PASSWORD, full_name=full_name)
            Membership.objects.get_or_create(user=user, unit=_unit(unit_key), defaults={"role": role})
            if email == INSTALLATION_ADMIN and not user.is_superuser:
                user.is_superuser = True  # may set the platform apps of the installation
                user.save(update_fields=["is_superuser"])
            if role == Role.ADMIN and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY.hex(), confirmed=True)
        self.stdout.write(self.style.SUCCESS(
            f"Demo siap: {Unit.objects.count()} unit, {User.objects.count()} pengguna "
            "(akun demo / demo logins: warta demo --info)."))

    def _print(self):
        port = os.environ.get("WARTA_PORT", "8000")
        host = os.environ.get("WARTA_HOST", "127.0.0.1")
        secret = base64.b32encode(DEMO_TOTP_KEY).decode()
        lines = [
            "",
            "=" * 72,
            f"  Warta berjalan di / Warta runs at:  http://{host}:{port}/",
            "",
            f"  Akun demo / demo logins (kata sandi / password: {PASSWORD})",
        ]
        for email, _name, unit_key, role in USERS:
            unit = Unit.objects.filter(region_code=unit_key).first() or Unit.objects.filter(name=unit_key).first()
            note = " (admin instalasi / installation admin)" if email == INSTALLATION_ADMIN else ""
            lines.append(f"    {email:<36} {role:<9} {unit.name if unit else unit_key}{note}")
        lines += [
            "",
            "  Admin wajib verifikasi dua langkah. Kunci TOTP demo (tambahkan ke aplikasi",
            f"  autentikator) / Admins must use TOTP; demo key: {secret}",
            "  Tekan Ctrl-C untuk berhenti / Press Ctrl-C to stop.",
            "=" * 72,
            "",
        ]
        self.stdout.write("\n".join(lines))
