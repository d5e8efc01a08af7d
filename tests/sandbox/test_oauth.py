"""The sandbox's OAuth 2 server: consent page, authorization code with PKCE S256, refresh."""

from urllib.parse import parse_qs, urlsplit

from warta.sandbox.models import AccessToken, AuthorizationCode, RefreshToken
from warta.sandbox.services import pkce_challenge

VERIFIER = "v" * 43 + "-verifier-of-pkce"
REDIRECT = "http://testserver/kanal/oauth/selesai"


def _authorize(client, world, app_client, *, challenge=None):
    params = {"response_type": "code", "client_id": app_client.client_id, "redirect_uri": REDIRECT,
              "state": "st-1", "code_challenge": challenge or pkce_challenge(VERIFIER),
              "code_challenge_method": "S256", "scope": "publish read"}
    page = client.get("/sandbox/oauth/authorize", params)
    assert page.status_code == 200
    assert b"@humasbogorkab" in page.content
    response = client.post("/sandbox/oauth/authorize", {**params, "account": world.humas.pk, "allow": "1"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def _token(client, **form):
    return client.post("/sandbox/oauth/token", {"client_id": "warta-local", "client_secret": "rahasia-klien", **form})


def test_code_with_the_right_verifier_gives_tokens(admin_client, client, world, app_client):
    code = _authorize(admin_client, world, app_client)
    response = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["account_id"], body["scope"]) == ("Bearer", str(world.humas.pk), "publish read")
    me = client.get("/sandbox/api/me", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert me.json()["handle"] == "humasbogorkab"


def test_a_wrong_verifier_is_refused_and_no_token_is_issued(admin_client, client, world, app_client):
    code = _authorize(admin_client, world, app_client)
    response = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                      code_verifier="w" * 50)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Verifier PKCE tidak cocok."}
    assert AccessToken.objects.count() == 0
    # the code died with the wrong guess: the right verifier cannot use it afterwards
    retry = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    assert retry.json()["error_description"] == "Kode otorisasi sudah pernah dipakai."
    assert AccessToken.objects.count() == 0


def test_a_code_is_used_once(admin_client, client, world, app_client):
    code = _authorize(admin_client, world, app_client)
    form = dict(grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    assert _token(client, **form).status_code == 200
    again = _token(client, **form)
    assert again.status_code == 400
    assert again.json()["error_description"] == "Kode otorisasi sudah pernah dipakai."
    assert AccessToken.objects.count() == 1


def test_wrong_client_secret_is_refused(admin_client, client, world, app_client):
    code = _authorize(admin_client, world, app_client)
    response = client.post("/sandbox/oauth/token", {"client_id": "warta-local", "client_secret": "salah",
                                                   "grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": REDIRECT, "code_verifier": VERIFIER})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert AuthorizationCode.objects.get().used_at is None


def test_refresh_rotates_the_refresh_token(admin_client, client, world, app_client):
    code = _authorize(admin_client, world, app_client)
    first = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                   code_verifier=VERIFIER).json()
    second = _token(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["access_token"] != first["access_token"]
    reused = _token(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400
    assert RefreshToken.objects.filter(used_at__isnull=True).count() == 1


def test_consent_page_refuses_an_unregistered_redirect(admin_client, world, app_client):
    response = admin_client.get("/sandbox/oauth/authorize", {
        "client_id": app_client.client_id, "redirect_uri": "http://jahat.example/cb", "state": "s",
        "code_challenge": pkce_challenge(VERIFIER), "code_challenge_method": "S256"})
    assert response.status_code == 400
    assert "Alamat pengalihan tidak terdaftar untuk aplikasi ini." in response.content.decode()
    assert AuthorizationCode.objects.count() == 0


def test_consent_page_needs_login(client, world, app_client):
    response = client.get("/sandbox/oauth/authorize", {"client_id": app_client.client_id})
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_deny_sends_access_denied(admin_client, world, app_client):
    params = {"client_id": app_client.client_id, "redirect_uri": REDIRECT, "state": "s2",
              "code_challenge": pkce_challenge(VERIFIER), "code_challenge_method": "S256"}
    response = admin_client.post("/sandbox/oauth/authorize", {**params, "deny": "1"})
    assert parse_qs(urlsplit(response["Location"]).query) == {"error": ["access_denied"], "state": ["s2"]}
    assert AuthorizationCode.objects.count() == 0


def test_a_non_admin_cannot_obtain_the_admin_scope(admin_client, client, world, app_client):
    params = {"response_type": "code", "client_id": app_client.client_id, "redirect_uri": REDIRECT,
              "state": "st-1", "code_challenge": pkce_challenge(VERIFIER), "code_challenge_method": "S256",
              "scope": "publish admin read"}
    response = admin_client.post("/sandbox/oauth/authorize", {**params, "account": world.humas.pk})
    code = parse_qs(urlsplit(response["Location"]).query)["code"][0]
    body = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                  code_verifier=VERIFIER).json()
    assert body["scope"] == "publish read"
    started = client.post("/sandbox/api/scenarios/banjir-bogor/start", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert started.status_code == 403


def test_a_non_numeric_account_is_refused_without_an_error_page(admin_client, world, app_client):
    params = {"response_type": "code", "client_id": app_client.client_id, "redirect_uri": REDIRECT,
              "state": "st-1", "code_challenge": pkce_challenge(VERIFIER), "code_challenge_method": "S256"}
    response = admin_client.post("/sandbox/oauth/authorize", {**params, "account": "abc"})
    assert response.status_code == 200
    assert "Pilih akun resmi yang akan dihubungkan." in response.content.decode()
    assert AuthorizationCode.objects.count() == 0
