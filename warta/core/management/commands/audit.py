from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from warta.core.audit import audit_verify


class Command(BaseCommand):
    help = "Periksa jejak audit (verify): hitung ulang rantai hash dan laporkan mata rantai pertama yang putus."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the hash chain and report the first broken link.")

    def handle(self, *args, action: str, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(_("Jejak audit utuh: %(n)d peristiwa diperiksa.") % {"n": report.checked}))
            return
        raise CommandError(
            _("Jejak audit rusak pada peristiwa #%(seq)s (%(reason)s) setelah %(n)d peristiwa yang utuh.")
            % {"seq": report.broken_seq, "reason": report.reason, "n": report.checked}
        )
