"""``warta channels rotate-key``: replace the encryption key of every stored platform secret."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from warta.channels import crypto, services


class Command(BaseCommand):
    help = "Urusan kanal. rotate-key: buat kunci enkripsi baru dan enkripsi ulang semua rahasia platform."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate-key", help="Ganti kunci enkripsi rahasia platform.")
        rotate.add_argument("--dry-run", action="store_true", help="Hanya tunjukkan apa yang akan dilakukan.")

    def handle(self, *args, action, **options):
        if action == "rotate-key":
            self.rotate_key(dry_run=options["dry_run"])

    def rotate_key(self, *, dry_run: bool) -> None:
        count = services.secrets_count()
        if crypto.keys_from_env():
            self.rotate_from_env(count=count, dry_run=dry_run)
            return
        old = crypto.keys_current()
        if dry_run:
            self.stdout.write(_("Uji coba: kunci baru akan dibuat di %(file)s, %(n)d nilai terenkripsi akan dienkripsi "
                                "ulang, lalu %(old)d kunci lama dihapus. Tidak ada yang diubah.")
                              % {"file": crypto.key_file(), "n": count, "old": len(old)})
            return
        new = Fernet.generate_key()
        crypto.key_file_write([new, *old])  # both keys decrypt while re-encrypting
        try:
            rewritten = services.secrets_reencrypt()
        except (DatabaseError, crypto.SecretUnreadable) as exc:
            raise CommandError(_("Enkripsi ulang gagal; tidak ada yang diubah dan kunci lama tetap berlaku: %(e)s")
                               % {"e": exc}) from exc
        crypto.key_file_write([new])
        self.stdout.write(self.style.SUCCESS(
            _("Kunci baru dipakai; %(n)d nilai dienkripsi ulang; %(old)d kunci lama dihapus dari %(file)s.")
            % {"n": rewritten, "old": len(old), "file": crypto.key_file()}))

    def rotate_from_env(self, *, count: int, dry_run: bool) -> None:
        keys = crypto.keys_current()
        if len(keys) < 2:
            new = Fernet.generate_key().decode()
            self.stdout.write(
                _("Kunci diambil dari WARTA_ENCRYPTION_KEYS, jadi Warta tidak dapat menggantinya sendiri.") + "\n"
                + _("Kunci baru: %(key)s") % {"key": new} + "\n"
                + _("1. Taruh kunci baru di depan: WARTA_ENCRYPTION_KEYS=<kunci baru>,<kunci lama>") + "\n"
                + _("2. Mulai ulang semua proses Warta.") + "\n"
                + _("3. Jalankan lagi: warta channels rotate-key") + "\n"
                + _("4. Hapus kunci lama dari WARTA_ENCRYPTION_KEYS dan mulai ulang lagi.")
            )
            return
        if dry_run:
            self.stdout.write(_("Uji coba: %(n)d nilai terenkripsi akan dienkripsi ulang dengan kunci pertama "
                                "WARTA_ENCRYPTION_KEYS. Tidak ada yang diubah.") % {"n": count})
            return
        try:
            rewritten = services.secrets_reencrypt()
        except (DatabaseError, crypto.SecretUnreadable) as exc:
            raise CommandError(_("Enkripsi ulang gagal; tidak ada yang diubah: %(e)s") % {"e": exc}) from exc
        self.stdout.write(self.style.SUCCESS(
            _("%(n)d nilai dienkripsi ulang dengan kunci pertama. Sekarang hapus %(old)d kunci lama dari "
              "WARTA_ENCRYPTION_KEYS dan mulai ulang semua proses Warta.") % {"n": rewritten, "old": len(keys) - 1}))
