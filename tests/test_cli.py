import subprocess
import sys
from pathlib import Path


def test_warta_help_lists_own_commands_first(tmp_path):
    exe = Path(sys.executable).with_name("warta")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True,
                         env={"WARTA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}).stdout
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0].startswith("Perintah Warta")
    own = lines[1:lines.index("")]
    assert own == ["audit", "channels", "classify", "connectors", "demo", "import_regions", "ingest", "language",
                   "sandbox", "scheduler", "status", "web", "worker"]
    assert lines.index("migrate") > lines.index("worker")  # Django's commands come after


def test_demo_is_idempotent(db):
    from django.core.management import call_command

    from warta.accounts.models import User
    from warta.core.models import AuditEvent
    from warta.organisations.models import Unit

    call_command("demo")
    counts = Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()
    call_command("demo")
    assert (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
    assert Unit.objects.filter(region_code="32.01").exists()
    assert Unit.objects.filter(region_code="32.71").exists()
    assert Unit.objects.filter(name="Pusat Penerangan").exists()
