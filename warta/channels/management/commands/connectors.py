"""``warta connectors``: the platforms in the registry, how they connect, what they can do."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from warta.channels import connectors as registry
from warta.channels.connectors.base import Platform
from warta.channels.models import PLATFORM_LABELS


def connector_rows() -> list[tuple[str, str, str, str]]:
    """Return (platform, label, how it connects, capabilities) for every registered platform."""
    rows = []
    for platform in registry.CONNECTORS:
        platform = Platform(platform)
        label = str(PLATFORM_LABELS.get(platform, platform.value))
        if platform in registry.OAUTH_PROVIDERS:
            how = "OAuth"
        elif platform == Platform.TELEGRAM:
            how = _("token bot")
        else:
            how = _("tanpa kredensial")
        try:
            caps = ", ".join(sorted(registry.capabilities(platform))) or "—"
        except ImportError:
            caps = _("(tidak terpasang)")
        rows.append((platform.value, label, how, caps))
    return rows


class Command(BaseCommand):
    help = "Tampilkan setiap platform di registri konektor beserta kemampuannya."

    def handle(self, *args, **options):
        rows = [(_("platform"), _("nama"), _("koneksi"), _("kemampuan")), *connector_rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
