"""Fixtures of the press tests: files in a temporary media root, a draft release, an approved one."""

from datetime import date

import pytest

from warta.press import services
from warta.press.models import PressRelease


@pytest.fixture(autouse=True)
def fresh_guideline_cache():
    """The guideline engine caches rules per process: a rule of one test must not reach the next."""
    from warta.guideline import selectors

    selectors.cache_clear()
    yield
    selectors.cache_clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "mediaroot"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def make_release(actor, unit, **fields) -> PressRelease:
    data = {
        "headline": "Pemkab Bogor Gelar Vaksinasi Massal", "place": "Cibinong", "release_date": date(2026, 11, 23),
        "lead": "Pemerintah Kabupaten Bogor menggelar vaksinasi massal di Stadion Pakansari.",
        "body": "Kegiatan dimulai pukul 08.00 WIB.\n\nWarga diminta membawa KTP.",
        "number": "001/HUMAS/XI/2026",
        "quotes": [{"name": "Budi Santoso", "position": "Kepala Dinas Kesehatan", "text": "Vaksin aman dan halal."}],
        "contact_name": "Sari", "contact_position": "Pranata Humas", "contact_phone": "0812-1111-2222",
        "contact_email": "humas@bogorkab.go.id",
    } | fields
    return services.release_create(actor=actor, unit=unit, **data)


@pytest.fixture
def release(tree, admin):
    return make_release(admin, tree.kab)


@pytest.fixture
def approved(tree, admin, release):
    """With no approval chain configured, submitting approves at once."""
    services.release_submit(actor=admin, release=release)
    release.refresh_from_db()
    assert release.state == PressRelease.State.APPROVED
    return release
