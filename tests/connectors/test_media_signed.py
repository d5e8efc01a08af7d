"""Signed, expiring public media URLs (what Instagram fetches when Warta publishes)."""

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.http import Http404
from django.test import RequestFactory
from django.urls import path

from warta.channels import media
from warta.channels.media import (
    MediaLinkExpired,
    MediaLinkInvalid,
    media_signed_resolve,
    media_signed_url,
    media_signed_view,
)

# This module doubles as a URLconf so the view is also tested through the full middleware stack.
urlpatterns = [path("kanal/media/<str:token>/", media_signed_view)]


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    (root / "publishing" / "2026").mkdir(parents=True)
    (root / "publishing" / "2026" / "ktp.jpg").write_bytes(b"\xff\xd8\xff jpeg")
    (tmp_path / "secret.txt").write_text("outside the media folder")
    settings.MEDIA_ROOT = str(root)
    return root


def token_of(url: str) -> str:
    return urlsplit(url).path.removeprefix("/kanal/media/").rstrip("/")


def test_a_signed_url_serves_the_file(media_root):
    url = media_signed_url("publishing/2026/ktp.jpg", base_url="https://warta.example/")

    assert url.startswith("https://warta.example/kanal/media/")
    assert url.endswith("/")
    assert media_signed_resolve(token_of(url)) == (media_root / "publishing" / "2026" / "ktp.jpg").resolve()
    response = media_signed_view(RequestFactory().get("/"), token_of(url))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff jpeg"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.urls(__name__)
def test_the_view_answers_an_anonymous_client_through_the_middleware(db, client, media_root):
    url = media_signed_url("publishing/2026/ktp.jpg", base_url="http://testserver")

    response = client.get(urlsplit(url).path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff jpeg"


def test_an_expired_token_is_gone(media_root, monkeypatch):
    url = media_signed_url("publishing/2026/ktp.jpg", expires_s=60, base_url="https://warta.example")
    later = time.time() + 61
    monkeypatch.setattr(media.time, "time", lambda: later)

    with pytest.raises(MediaLinkExpired):
        media_signed_resolve(token_of(url))
    assert media_signed_view(RequestFactory().get("/"), token_of(url)).status_code == 410


def test_a_tampered_token_is_not_found(media_root):
    token = token_of(media_signed_url("publishing/2026/ktp.jpg", base_url="https://warta.example"))
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    with pytest.raises(MediaLinkInvalid):
        media_signed_resolve(tampered)
    with pytest.raises(Http404):
        media_signed_view(RequestFactory().get("/"), tampered)


def test_a_token_signed_with_another_salt_is_not_found(media_root):
    forged = signing.dumps({"p": "publishing/2026/ktp.jpg", "e": int(time.time()) + 60})  # default salt

    with pytest.raises(MediaLinkInvalid):
        media_signed_resolve(forged)


@pytest.mark.parametrize("relative", ["../secret.txt", "/etc/passwd", "publishing/../../secret.txt", "",
                                      "publishing\\..\\..\\secret.txt", "."])
def test_paths_outside_the_media_folder_are_refused(media_root, relative):
    with pytest.raises(MediaLinkInvalid):
        media_signed_url(relative, base_url="https://warta.example")


def test_a_validly_signed_traversal_is_still_refused(media_root):
    # Even with the key, a token naming a path outside the folder serves nothing.
    forged = signing.dumps({"p": "../secret.txt", "e": int(time.time()) + 60}, salt=media.SALT)

    with pytest.raises(MediaLinkInvalid):
        media_signed_resolve(forged)
    with pytest.raises(Http404):
        media_signed_view(RequestFactory().get("/"), forged)


def test_a_symlink_leading_out_of_the_folder_is_refused(media_root):
    (media_root / "link.txt").symlink_to(media_root.parent / "secret.txt")

    with pytest.raises(MediaLinkInvalid):
        media_signed_url("link.txt", base_url="https://warta.example")


def test_a_missing_file_is_not_found_and_other_methods_are_refused(media_root):
    token = token_of(media_signed_url("publishing/2026/gone.jpg", base_url="https://warta.example"))

    with pytest.raises(Http404):
        media_signed_view(RequestFactory().get("/"), token)
    assert media_signed_view(RequestFactory().post("/"), token).status_code == 405


def test_without_media_root_the_data_dir_is_used(settings, tmp_path):
    settings.MEDIA_ROOT = ""
    settings.WARTA_DATA_DIR = str(tmp_path)

    assert media.media_root() == tmp_path / "media"
