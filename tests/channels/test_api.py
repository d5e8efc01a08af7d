"""The channels API: scope (sibling 404, viewer 403), no secrets, same service rules."""


from tests.api import Api, assert_problem
from tests.channels.conftest import make_account
from warta.channels.models import Account, Credential
from warta.core.models import AuditEvent


def test_list_and_get_accounts_in_scope(api, tree, admin):
    account = make_account(tree.kec, platform="x", handle="@cibinong", display_name="Kecamatan Cibinong")
    account.officers.add(admin)
    Credential.objects.create(account=account, tokens={"access_token": "rahasia-api-1"})
    make_account(tree.kota, platform="x", handle="@kota")
    response = api.get(f"/units/{tree.kab.uuid}/accounts", q="cibi")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["handle"] == "@cibinong"
    assert item["unit_uuid"] == str(tree.kec.uuid)
    assert item["officers"] == ["admin@bogorkab.go.id"]
    detail = api.get(f"/accounts/{account.uuid}")
    assert detail.json()["uuid"] == str(account.uuid)
    assert "rahasia-api-1" not in response.content.decode() + detail.content.decode()


def test_register_update_archive(api, tree):
    response = api.post(f"/units/{tree.kab.uuid}/accounts",
                        {"platform": "instagram", "handle": "humas.bogor", "unit": str(tree.diskominfo.uuid)})
    assert response.status_code == 201, response.content
    uuid = response.json()["uuid"]
    assert response.json()["unit_uuid"] == str(tree.diskominfo.uuid)
    response = api.patch(f"/accounts/{uuid}", {"display_name": "Humas", "verified": True})
    assert response.status_code == 200
    assert (response.json()["display_name"], response.json()["verified"]) == ("Humas", True)
    response = api.post(f"/accounts/{uuid}/archive", {"archived": True})
    assert response.json()["archived_at"] is not None
    assert [e for e in AuditEvent.objects.order_by("seq").values_list("action", flat=True) if e.startswith("account.")] == [
        "account.register", "account.update", "account.archive"]


def test_a_duplicate_is_a_422_problem_and_nothing_is_stored(api, tree):
    make_account(tree.kab, platform="x", handle="@humasbogor")
    response = api.post(f"/units/{tree.kab.uuid}/accounts", {"platform": "x", "handle": "HUMASBOGOR"})
    body = assert_problem(response, 422)
    assert "sudah terdaftar" in body["errors"]["handle"][0]
    assert Account.objects.count() == 1


def test_an_owner_outside_the_scope_is_a_422(api, tree):
    response = api.post(f"/units/{tree.kab.uuid}/accounts",
                        {"platform": "x", "handle": "kota", "unit": str(tree.kota.uuid)})
    assert_problem(response, 422)
    assert Account.objects.count() == 0


def test_the_sibling_gets_404(sibling_api, tree):
    account = make_account(tree.kab, platform="x", handle="@humasbogor")
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/accounts"), 404)
    assert_problem(sibling_api.get(f"/accounts/{account.uuid}"), 404)
    assert_problem(sibling_api.patch(f"/accounts/{account.uuid}", {"display_name": "x"}), 404)
    assert_problem(sibling_api.post(f"/accounts/{account.uuid}/archive", {"archived": True}), 404)
    assert_problem(sibling_api.post(f"/units/{tree.kab.uuid}/accounts", {"platform": "x", "handle": "y"}), 404)
    account.refresh_from_db()
    assert (account.display_name, account.archived_at) == ("", None)


def test_a_viewer_reads_but_gets_403_on_writes(viewer_api, tree):
    account = make_account(tree.kab, platform="x", handle="@humasbogor")
    assert viewer_api.get(f"/units/{tree.kab.uuid}/accounts").status_code == 200
    assert viewer_api.get(f"/accounts/{account.uuid}").status_code == 200
    assert_problem(viewer_api.patch(f"/accounts/{account.uuid}", {"display_name": "x"}), 403)
    assert_problem(viewer_api.post(f"/accounts/{account.uuid}/archive", {"archived": True}), 403)
    assert_problem(viewer_api.post(f"/units/{tree.kab.uuid}/accounts", {"platform": "x", "handle": "y"}), 403)
    assert Account.objects.count() == 1


def test_platforms_lists_every_platform(api):
    response = api.get("/platforms")
    assert response.status_code == 200
    rows = {r["platform"]: r for r in response.json()}
    assert set(rows) == {"facebook", "instagram", "x", "youtube", "tiktok", "telegram", "rss", "sandbox"}
    assert rows["telegram"]["connects_with"] == "bot_token"
    assert rows["facebook"]["connects_with"] == "oauth"
    assert rows["rss"]["connects_with"] == "none"


def test_without_a_token_it_is_401(client, tree):
    assert_problem(Api(client, None).get("/platforms"), 401)


def test_a_nul_character_in_the_list_filters_never_reaches_the_database(api, tree, monkeypatch):
    # PostgreSQL refuses text with NUL (a 500); the filters drop the character.
    from warta.channels import selectors

    make_account(tree.kec, platform="x", handle="@cibinong", display_name="Kecamatan Cibinong")
    seen = {}
    real = selectors.account_list

    def spy(**kwargs):
        seen["filters"] = kwargs["filters"]
        return real(**kwargs)

    monkeypatch.setattr(selectors, "account_list", spy)
    response = api.get(f"/units/{tree.kab.uuid}/accounts", q="cibi\x00", region="32\x00", platform="x\x00",
                       kind="\x00", state="\x00")
    assert response.status_code == 200
    f = seen["filters"]
    assert (f.query, f.region, f.platform, f.kind, f.state) == ("cibi", "32", "x", "", "")
