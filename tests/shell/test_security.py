def test_pages_send_a_nonce_csp_and_no_inline_script(client, db):
    response = client.get("/akun/masuk/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html
    assert response["X-Frame-Options"] == "DENY"


def test_indonesian_is_default_even_when_browser_asks_for_english(client, db):
    response = client.get("/akun/masuk/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "id"
    assert "Masuk ke Warta" in response.content.decode()
