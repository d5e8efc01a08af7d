"""The "Model & uji teks" page: which model serves each task, its figures, and a try-out."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login_client
from tests.factories import make_member
from warta.core.models import AuditEvent
from warta.language import training
from warta.language.models import Annotation, RetrainRun
from warta.organisations.roles import Role


def _url(unit):
    return reverse("language:models", args=[unit.uuid])


@pytest.fixture
def viewer_client(tree):
    viewer = make_member(tree.kab, Role.VIEWER, email="peninjau@bogorkab.go.id")
    return login_client(Client(), viewer)


def test_the_page_names_each_task_model_with_its_measured_figures(admin_client, tree):
    Annotation.objects.create(unit=tree.kab, task="emotion", text="senang sekali", label="happy",
                              source_kind="manual", source_id="1")
    response = admin_client.get(_url(tree.kab))

    assert response.status_code == 200
    body = response.content.decode()
    for task in ("sentiment", "emotion", "abuse", "message_type"):
        assert f'data-testid="model-{task}"' in body
    smsa = training.load_model("sentiment").meta["metrics"]["smsa_valid"]["macro_f1"]
    assert f"{smsa:.3f}".replace(".", ",") in body or f"{smsa:.3f}" in body
    assert "bawaan Warta" in body
    assert "CC BY-NC-SA 4.0" in body  # the abuse model's licence travels with it
    assert 'data-testid="try-result"' not in body


def test_a_text_is_read_by_every_model_and_nothing_is_stored(admin_client, tree):
    events, labels = AuditEvent.objects.count(), Annotation.objects.count()
    response = admin_client.post(_url(tree.kab), {"text": "Jln rusak parah bangettt, kpn diperbaiki @pemkab?? 😡"})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="try-result"' in body
    for task in ("sentiment", "emotion", "abuse", "message_type"):
        assert f'data-testid="try-{task}"' in body
    tokens = response.context["reading"]["tokens"]
    assert {"banget", "jalan", "_mention_"} <= set(tokens)  # normalised, as the models read it
    sentiment = next(r for r in response.context["reading"]["results"] if r["task"] == "sentiment")
    assert sentiment["given"] == ["negatif"]
    assert abs(sum(p for _n, p, _c in sentiment["scores"]) - 1.0) < 0.01
    assert (AuditEvent.objects.count(), Annotation.objects.count()) == (events, labels)


def test_an_empty_or_too_long_text_gets_a_clear_message(admin_client, tree):
    empty = admin_client.post(_url(tree.kab), {"text": "   "})
    long = admin_client.post(_url(tree.kab), {"text": "a" * 2001})

    assert empty.status_code == 400
    assert "Tulis teks yang ingin diuji." in empty.content.decode()
    assert long.status_code == 400
    assert "paling panjang 2000 karakter" in long.content.decode()


def test_the_message_is_in_english_for_an_english_user(admin_client, tree):
    admin_client.cookies["warta_language"] = "en"
    response = admin_client.post(_url(tree.kab), {"text": ""})
    assert "Write the text you want to try." in response.content.decode()


def test_a_read_only_member_may_look_and_try_a_text(viewer_client, tree):
    assert viewer_client.get(_url(tree.kab)).status_code == 200
    assert viewer_client.post(_url(tree.kab), {"text": "terima kasih pak"}).status_code == 200


def test_a_sibling_unit_gets_404(sibling_client, tree):
    assert sibling_client.get(_url(tree.kab)).status_code == 404
    assert sibling_client.post(_url(tree.kab), {"text": "halo"}).status_code == 404


def test_a_unit_with_its_own_model_sees_it_and_its_held_back_scores(admin_client, tree, settings, tmp_path):
    directory = Path(tmp_path) / "emotion"
    training.train_task("emotion", seed=3, limit=150, evaluate=False, out_dir=directory)
    RetrainRun.objects.create(unit=tree.kab, task="emotion", status=RetrainRun.Status.DONE, replaced=True,
                              artifact_path=str(directory), old_score=0.41, new_score=0.58, labels_heldout=7,
                              finished_at=timezone.now())
    response = admin_client.get(_url(tree.kab))

    row = next(m for m in response.context["tasks"] if m.task == "emotion")
    assert row.own is True
    assert row.training_rows == 150
    body = response.content.decode()
    assert "milik unit ini" in body
    assert "0,410" in body or "0.410" in body
    # the unit below inherits nothing: its own page shows the default model
    below = admin_client.get(_url(tree.kec))
    assert next(m for m in below.context["tasks"] if m.task == "emotion").own is False


def test_abuse_shows_its_two_main_labels_and_details_only_with_hate_speech(admin_client, tree):
    response = admin_client.post(_url(tree.kab), {"text": "terima kasih atas pelayanannya"})
    abuse = next(r for r in response.context["reading"]["results"] if r["task"] == "abuse")
    assert abuse["given"] == ["tidak ada"]
    assert [str(name) for name, _p, _c in abuse["scores"]] == ["ujaran kebencian", "bahasa kasar"]


# --- the same through the API -------------------------------------------------------------------


@pytest.fixture
def unit_emotion_model(tree, tmp_path):
    directory = Path(tmp_path) / "emotion"
    training.train_task("emotion", seed=3, limit=150, evaluate=False, out_dir=directory)
    return RetrainRun.objects.create(unit=tree.kab, task="emotion", status=RetrainRun.Status.DONE, replaced=True,
                                     artifact_path=str(directory), old_score=0.41, new_score=0.58,
                                     labels_heldout=7, finished_at=timezone.now())


def test_the_api_lists_each_task_model_of_a_unit(viewer_api, tree, unit_emotion_model):
    response = viewer_api.get(f"/units/{tree.kab.uuid}/language-models")

    assert response.status_code == 200
    rows = {row["task"]: row for row in response.json()}
    assert set(rows) == {"sentiment", "emotion", "abuse", "message_type"}
    assert rows["sentiment"]["own"] is False
    assert {f["name"] for f in rows["sentiment"]["figures"]} >= {"Ulasan SmSA, data validasi — macro-F1"}
    assert (rows["emotion"]["own"], rows["emotion"]["training_rows"]) == (True, 150)
    assert (rows["emotion"]["heldout_old"], rows["emotion"]["heldout_new"]) == (0.41, 0.58)


def test_the_models_api_is_scoped_to_the_token_reach(sibling_api, tree):
    assert sibling_api.get(f"/units/{tree.kab.uuid}/language-models").status_code == 404


def test_classify_with_a_unit_reads_with_its_own_model(viewer_api, tree, unit_emotion_model):
    texts = ["senang sekali bansos cair", "takut banjir lagi"]
    own = viewer_api.post("/language/classify", {"task": "emotion", "texts": texts, "unit": str(tree.kab.uuid)})
    default = viewer_api.post("/language/classify", {"task": "emotion", "texts": texts})
    other_task = viewer_api.post("/language/classify", {"task": "sentiment", "texts": texts, "unit": str(tree.kab.uuid)})

    assert (own.status_code, default.status_code) == (200, 200)
    assert own.json()["model"] == "unit"
    assert default.json()["model"] == "default"
    assert own.json()["results"] != default.json()["results"]  # a different model (150 texts) reads them
    assert other_task.json()["model"] == "default"  # no own sentiment model: the default


def test_classify_with_a_unit_outside_the_token_reach_is_404(sibling_api, tree):
    response = sibling_api.post("/language/classify", {"task": "emotion", "texts": ["halo"], "unit": str(tree.kab.uuid)})
    assert response.status_code == 404
