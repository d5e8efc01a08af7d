"""POST /api/v1/language/classify: token required, texts or items, clear 422s."""

import pytest
from django.utils import timezone

from tests.api import Api, assert_problem, make_token
from warta.organisations.scope import scope_for_unit
from warta.organisations.services import api_token_revoke

PATH = "/language/classify"


def test_without_a_token_it_is_401(client, db):
    response = Api(client, None).post(PATH, {"task": "sentiment", "texts": ["bagus"]})

    assert_problem(response, 401)


def test_a_revoked_token_is_401(client, tree, admin):
    token, raw = make_token(admin, tree.kab)
    api_token_revoke(scope=scope_for_unit(user=admin, unit=tree.kab), token=token)

    response = Api(client, raw).post(PATH, {"task": "sentiment", "texts": ["bagus"]})

    assert_problem(response, 401)


def test_an_expired_token_is_401(client, tree, admin):
    token, raw = make_token(admin, tree.kab)
    token.expires_at = timezone.now() - timezone.timedelta(days=1)
    token.save(update_fields=["expires_at"])

    response = Api(client, raw).post(PATH, {"task": "sentiment", "texts": ["bagus"]})

    assert_problem(response, 401)


def test_a_read_only_token_classifies_texts_in_order(viewer_api):
    response = viewer_api.post(PATH, {"task": "sentiment", "texts": [
        "Pelayanannya cepat dan ramah, terima kasih banyak!",
        "Jalan rusak parah, kecewa sekali, tidak ada perbaikan",
    ]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["task"] == "sentiment"
    assert body["backend"] == "linear"
    assert [r["label"] for r in body["results"]] == ["positive", "negative"]
    assert [r["ref"] for r in body["results"]] == [None, None]
    assert set(body["results"][0]["scores"]) == {"positive", "neutral", "negative"}


def test_items_echo_their_refs_and_abuse_gives_labels(viewer_api):
    response = viewer_api.post(PATH, {"task": "abuse", "items": [{"ref": "m-1", "text": "selamat pagi warga"},
                                                                 {"ref": 7, "text": "terima kasih infonya"}]})

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["ref"] for r in results] == ["m-1", 7]
    assert [r["labels"] for r in results] == [[], []]
    assert all(r["label"] is None for r in results)
    assert "HS_Religion" in results[0]["scores"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"task": "sentiment"}, "Kirim salah satu: texts atau items."),
        ({"task": "sentiment", "texts": ["a"], "items": [{"text": "b"}]}, "Kirim salah satu: texts atau items."),
        ({"task": "sentiment", "texts": []}, "Daftar teks tidak boleh kosong."),
        ({"task": "sentiment", "texts": ["a"] * 1001}, "Paling banyak 1.000 teks per permintaan."),
        ({"task": "sentiment", "texts": ["a" * 10_001]}, "Setiap teks paling banyak 10.000 karakter."),
    ],
)
def test_bad_bodies_are_422_in_indonesian(viewer_api, body, message):
    response = viewer_api.post(PATH, body)

    problem = assert_problem(response, 422)
    assert message in str(problem["errors"])


def test_an_unknown_task_is_422(viewer_api):
    response = viewer_api.post(PATH, {"task": "hoax", "texts": ["a"]})

    problem = assert_problem(response, 422)
    assert "task" in problem["errors"]
