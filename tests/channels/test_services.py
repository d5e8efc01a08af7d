"""Registering, changing, archiving official accounts: validation, duplicates, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.channels.conftest import make_account
from tests.factories import make_member
from warta.channels import services
from warta.channels.models import Account, ConnectionState
from warta.core.models import AuditEvent
from warta.organisations.roles import Role
from warta.organisations.scope import scope_for_unit


@pytest.fixture
def scope(tree, admin):
    return scope_for_unit(user=admin, unit=tree.kab)


def _state():
    return list(Account.objects.order_by("pk").values_list("pk", "handle", "platform", "unit_id", "archived_at")), \
        AuditEvent.objects.count()


def test_register_normalises_the_handle_and_audits(scope, tree, admin):
    account = services.account_register(scope=scope, unit=tree.kec, platform="instagram", handle=" humas.cibinong ",
                                        display_name="Humas Cibinong", officers=[admin])
    assert account.handle == "@humas.cibinong"
    assert account.unit == tree.kec
    assert account.state == ConnectionState.NOT_CONNECTED
    assert list(account.officers.all()) == [admin]
    event = AuditEvent.objects.get(action="account.register")
    assert event.target_id == str(account.uuid)
    assert event.changes["handle"] == "@humas.cibinong"


@pytest.mark.parametrize(("platform", "handle"), [
    ("instagram", "humas bogor"), ("x", "namayangterlalupanjang_sekali"), ("telegram", "1abc"),
    ("facebook", "abc"), ("instagram", ""), ("tiktok", "a"),
])
def test_a_bad_handle_is_refused_and_nothing_is_stored(scope, tree, platform, handle):
    before = _state()
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kab, platform=platform, handle=handle)
    assert "handle" in info.value.message_dict
    assert _state() == before


def test_a_duplicate_handle_is_refused_case_insensitively(scope, tree):
    services.account_register(scope=scope, unit=tree.kab, platform="x", handle="@HumasBogor")
    before = _state()
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kec, platform="x", handle="humasbogor")
    assert info.value.message_dict["handle"] == [
        "@HumasBogor di X (Twitter) sudah terdaftar sebagai akun resmi Kabupaten Bogor."]
    assert _state() == before


def test_a_duplicate_outside_the_scope_does_not_name_the_other_unit(scope, tree):
    make_account(tree.kota, platform="x", handle="@humaskota")
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humaskota")
    assert "Kota Bogor" not in info.value.message_dict["handle"][0]
    assert "unit lain" in info.value.message_dict["handle"][0]


def test_the_same_handle_on_another_platform_is_fine(scope, tree):
    services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor")
    assert services.account_register(scope=scope, unit=tree.kab, platform="instagram", handle="humasbogor").pk


def test_an_owner_unit_outside_the_scope_is_refused(scope, tree):
    before = _state()
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kota, platform="x", handle="kota")
    assert "unit" in info.value.message_dict
    assert _state() == before


def test_an_officer_from_outside_the_subtree_is_refused(scope, tree, sibling):
    before = _state()
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor", officers=[sibling])
    assert "officers" in info.value.message_dict
    assert _state() == before


def test_an_officer_of_a_sub_unit_is_accepted(scope, tree):
    officer = make_member(tree.desa, Role.EDITOR, email="desa@bogorkab.go.id")
    account = services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor", officers=[officer])
    assert list(account.officers.all()) == [officer]


def test_a_viewer_may_not_register(tree, viewer):
    scope = scope_for_unit(user=viewer, unit=tree.kab)
    with pytest.raises(PermissionDenied):
        services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor")
    assert Account.objects.count() == 0


def test_a_news_feed_is_checked_before_saving(scope, tree, feeds):
    from warta.channels.models import NetworkAllow

    NetworkAllow.objects.create(network="10.0.0.0/8")
    account = services.account_register(scope=scope, unit=tree.kab, platform="rss", handle="",
                                        url="https://berita.bogorkab.go.id/rss")
    assert feeds.calls == [("https://berita.bogorkab.go.id/rss", ("10.0.0.0/8",))]
    assert account.display_name == "Berita Kabupaten Bogor"
    assert account.handle == "berita.bogorkab.go.id"
    assert account.external_id == "https://berita.bogorkab.go.id/rss"
    assert account.state == ConnectionState.CONNECTED


def test_a_url_that_is_not_a_feed_is_refused_with_the_checker_message(scope, tree, feeds):
    before = _state()
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kab, platform="rss", handle="Portal",
                                  url="https://bogorkab.go.id/")
    assert info.value.message_dict == {"url": ["Alamat ini bukan umpan RSS atau Atom."]}
    assert _state() == before


def test_a_feed_registered_twice_is_refused_before_fetching(scope, tree, feeds):
    services.account_register(scope=scope, unit=tree.kab, platform="rss", handle="A", url="https://berita.bogorkab.go.id/rss")
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kec, platform="rss", handle="B",
                                  url="https://berita.bogorkab.go.id/rss")
    assert "url" in info.value.message_dict
    assert len(feeds.calls) == 1


def test_update_changes_only_given_fields_and_audits_the_diff(scope, tree):
    account = services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor")
    services.account_update(scope=scope, account=account, display_name="Humas Bogor", verified=True)
    account.refresh_from_db()
    assert (account.handle, account.display_name, account.verified) == ("@humasbogor", "Humas Bogor", True)
    event = AuditEvent.objects.filter(action="account.update").get()
    assert event.changes == {"display_name": ["", "Humas Bogor"], "verified": [False, True]}


def test_update_to_a_taken_handle_is_refused_and_nothing_changes(scope, tree):
    services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor")
    other = services.account_register(scope=scope, unit=tree.kab, platform="x", handle="diskominfo")
    before = _state()
    with pytest.raises(ValidationError):
        services.account_update(scope=scope, account=other, handle="HUMASBOGOR")
    other.refresh_from_db()
    assert other.handle == "@diskominfo"
    assert _state() == before


def test_archive_frees_the_handle_and_restore_checks_it_again(scope, tree):
    first = services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor")
    services.account_archive(scope=scope, account=first, archived=True)
    second = services.account_register(scope=scope, unit=tree.kab, platform="x", handle="humasbogor")
    assert second.pk != first.pk
    with pytest.raises(ValidationError):
        services.account_archive(scope=scope, account=first, archived=False)
    first.refresh_from_db()
    assert first.archived_at is not None
    assert AuditEvent.objects.filter(action="account.archive").count() == 1


def test_messages_go_through_gettext(scope, tree, monkeypatch):
    monkeypatch.setattr(services, "_", lambda text: f"«{text}»")
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kab, platform="x", handle="bukan handle")
    assert info.value.message_dict["handle"][0].startswith("«Nama akun tidak sesuai aturan")


def test_moving_an_account_away_from_its_officers_is_refused(scope, tree):
    officer = make_member(tree.desa, Role.EDITOR, email="desa@bogorkab.go.id")
    account = services.account_register(scope=scope, unit=tree.desa, platform="x", handle="pakansari", officers=[officer])
    with pytest.raises(ValidationError) as info:
        services.account_update(scope=scope, account=account, unit=tree.diskominfo)
    assert "officers" in info.value.message_dict
    account.refresh_from_db()
    assert account.unit == tree.desa


RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Berita Bogor</title>
<link>https://bogorkab.go.id</link><item><title>Jembatan baru dibuka</title><link>https://bogorkab.go.id/1</link>
<guid>1</guid><pubDate>Mon, 23 Nov 2026 08:00:00 +0700</pubDate></item></channel></rss>"""


def test_the_real_feed_check_refuses_a_private_address_until_it_is_allowed(scope, tree, httpserver):
    """The real RSS package (when installed): the allow-list reaches feed_check."""
    pytest.importorskip("warta.channels.connectors.rss.connector")
    from warta.channels.models import NetworkAllow

    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    url = httpserver.url_for("/rss")
    with pytest.raises(ValidationError) as info:
        services.account_register(scope=scope, unit=tree.kab, platform="rss", handle="Berita", url=url)
    assert info.value.message_dict == {"url": ["Alamat ini mengarah ke jaringan internal server dan tidak diizinkan."]}
    assert Account.objects.count() == 0
    NetworkAllow.objects.create(network="127.0.0.1")
    account = services.account_register(scope=scope, unit=tree.kab, platform="rss", handle="", url=url)
    assert account.display_name == "Berita Bogor"
