"""Review findings on the media library: a NUL character sent through the API in a title or
alt text must not reach the database (PostgreSQL refuses it: a 500, and on upload the file
would be written and orphaned)."""

import pytest

from tests.api import BASE
from tests.media.helpers import image_bytes, upload
from warta.media.models import MediaAsset
from warta.media.services import media_upload


def test_patch_strips_nul(api, tree, admin):
    asset = media_upload(actor=admin, unit=tree.kab, file=upload("a.png", image_bytes(400, 300, "PNG")), title="Apel")
    response = api.patch(f"/media/{asset.uuid}", {"title": "Apel\x00 pagi", "alt_text": "Barisan\x00 ASN"})
    assert response.status_code == 200, response.content
    asset.refresh_from_db()
    assert (asset.title, asset.alt_text) == ("Apel pagi", "Barisan ASN")


def test_upload_strips_nul(api, tree):
    response = api.client.post(f"{BASE}/units/{tree.kab.uuid}/media",
                               {"file": upload("rapat.jpg", image_bytes(640, 480)), "title": "Rapat\x00 pagi",
                                "alt_text": "Rapat\x00 koordinasi"}, headers=api.headers)
    assert response.status_code == 201, response.content
    asset = MediaAsset.objects.get()
    assert (asset.title, asset.alt_text) == ("Rapat pagi", "Rapat koordinasi")


# --- warta.channels.limits: X's weighted count ------------------------------------------------


def test_x_count_never_hands_twitter_text_a_long_dotted_run(monkeypatch):
    """twitter-text needs half a minute for "a.a.a…" of 4,000 characters (quadratic in the
    dots of one run): a composer text or an imported plan row could hold a worker that long."""
    import re

    import twitter_text

    from warta.channels import limits

    real = twitter_text.parse_tweet
    seen = []

    def guarded(text):
        seen.append(text)
        assert not re.search(r"(?:[a-z]\.){11}", text), "a run of dotted labels reached twitter-text"
        return real(text)

    monkeypatch.setattr(twitter_text, "parse_tweet", guarded)
    text = "Info " + "a." * 3000 + " selesai"
    assert limits.text_length("x", text) >= len(text)  # never counted shorter than X would
    assert limits.text_problems("x", text)
    assert seen


@pytest.mark.parametrize("text", [
    "Kunjungi https://bogorkab.go.id/berita?id=1 dan www.jabarprov.go.id 👨‍👩‍👧 #BogorKabMaju",
    "Tunggu.............. ya, b.go.id",
    "日本語 e\u0301 \u3000 a.b.c.d.e.f.g.h.i.com",
])
def test_x_count_unchanged_for_ordinary_text(text):
    from twitter_text import parse_tweet

    from warta.channels import limits

    assert limits.text_length("x", text) == parse_tweet(text).weightedLength
