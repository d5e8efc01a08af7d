"""Annotation pages: the queue with one-click labels, the correction endpoint, the unit's labels."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login_client
from tests.factories import make_member
from warta.core.models import AuditEvent
from warta.language.models import Annotation, AnnotationCandidate
from warta.organisations.roles import Role

HX = {"HX-Request": "true"}


def _candidate(unit, text, margin, *, task="message_type", source_id=None, scores=None):
    scores = scores or {"question": 0.5 + margin / 2, "complaint": 0.5 - margin / 2}
    return AnnotationCandidate.objects.create(
        unit=unit, task=task, text=text, source_kind="ingest.item", source_id=source_id or text[:10],
        predicted_label=max(scores, key=scores.get), scores=scores, margin=margin, uncertainty=1 - max(scores.values()))


@pytest.fixture
def analyst_client(tree):
    analyst = make_member(tree.kab, Role.ANALYST, email="analis@bogorkab.go.id")
    return login_client(Client(), analyst)


# --- queue ----------------------------------------------------------------------------------


def test_the_queue_shows_the_least_sure_first_with_the_model_guess(admin_client, tree):
    sure = _candidate(tree.kab, "makasih pak bupati", 0.40, scores={"praise": 0.65, "other": 0.25, "question": 0.10})
    unsure = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)
    middle = _candidate(tree.kab, "usul taman kota", 0.20, task="sentiment", scores={"positive": 0.6, "neutral": 0.4})
    _candidate(tree.kota, "punya kota bogor", 0.01)

    page = admin_client.get(reverse("language:annotation-queue", args=[tree.kab.uuid])).content.decode()

    order = [page.find(f'data-pk="{c.pk}"') for c in (unsure, middle, sure)]
    assert -1 not in order
    assert order == sorted(order)
    assert "punya kota bogor" not in page
    assert "Tebakan model: pujian" in page
    assert "Tebakan model: pujian — pujian 65% · lainnya 25% · pertanyaan 10%" in " ".join(page.split())
    assert 'data-testid="label-complaint"' in page
    assert 'data-testid="skip"' in page


def test_the_queue_filters_by_task(admin_client, tree):
    _candidate(tree.kab, "kapan jalan dibenerin", 0.02)
    _candidate(tree.kab, "biasa aja sih", 0.1, task="sentiment", scores={"neutral": 0.5, "negative": 0.4, "positive": 0.1})

    page = admin_client.get(reverse("language:annotation-queue", args=[tree.kab.uuid]) + "?tugas=sentiment").content.decode()

    assert "biasa aja sih" in page
    assert "kapan jalan dibenerin" not in page
    assert 'data-testid="label-negative"' in page


def test_an_empty_queue_explains_where_items_come_from(admin_client, tree):
    page = admin_client.get(reverse("language:annotation-queue", args=[tree.kab.uuid])).content.decode()

    assert 'data-testid="queue-empty"' in page
    assert "setiap kali Warta menerima sebutan atau pesan baru untuk unit ini" in page


def test_the_queue_is_paginated(admin_client, tree):
    for i in range(25):
        _candidate(tree.kab, f"teks ragu nomor {i:02d}", i / 100, source_id=str(i))

    first = admin_client.get(reverse("language:annotation-queue", args=[tree.kab.uuid])).content.decode()
    second = admin_client.get(reverse("language:annotation-queue", args=[tree.kab.uuid]) + "?page=2").content.decode()

    assert first.count('data-testid="candidate"') == 20
    assert second.count('data-testid="candidate"') == 5
    assert "teks ragu nomor 24" in second


def test_a_viewer_sees_the_queue_without_label_buttons(viewer_client, tree):
    _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    page = viewer_client.get(reverse("language:annotation-queue", args=[tree.kab.uuid])).content.decode()

    assert "kapan jalan dibenerin" in page
    assert 'data-testid="label-complaint"' not in page


def test_one_click_label_with_htmx_answers_the_row_and_stores_the_label(analyst_client, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = analyst_client.post(reverse("language:candidate-label", args=[tree.kab.uuid, candidate.pk]),
                                   {"label": "complaint"}, headers=HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<article id="candidate-{candidate.pk}"')
    assert "Disimpan sebagai keluhan." in body
    saved = Annotation.objects.get()
    assert (saved.label, saved.predicted_label, saved.source_id, saved.unit) == ("complaint", "question", "kapan jala", tree.kab)
    candidate.refresh_from_db()
    assert candidate.resolution == "labelled"


def test_one_click_label_without_htmx_returns_to_the_queue(admin_client, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = admin_client.post(reverse("language:candidate-label", args=[tree.kab.uuid, candidate.pk]),
                                 {"label": "question", "back": "tugas=message_type"})

    assert response.status_code == 302
    assert response["Location"] == reverse("language:annotation-queue", args=[tree.kab.uuid]) + "?tugas=message_type"
    assert Annotation.objects.get().label == "question"


def test_an_unknown_label_is_refused_in_the_row(admin_client, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = admin_client.post(reverse("language:candidate-label", args=[tree.kab.uuid, candidate.pk]),
                                 {"label": "sedih"}, headers=HX)

    assert response.status_code == 400
    assert "Label tidak dikenal untuk tugas ini: sedih." in response.content.decode()
    assert Annotation.objects.count() == 0
    candidate.refresh_from_db()
    assert candidate.resolved_at is None


def test_skip_with_htmx(admin_client, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = admin_client.post(reverse("language:candidate-skip", args=[tree.kab.uuid, candidate.pk]), headers=HX)

    assert response.status_code == 200
    assert "Dilewati." in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.resolution == "skipped"
    assert Annotation.objects.count() == 0


# --- correction endpoint -------------------------------------------------------------------------


def test_the_correction_form_is_prefilled_from_the_query(admin_client, tree):
    url = reverse("language:annotation-correct", args=[tree.kab.uuid])
    response = admin_client.get(url + "?task=sentiment&source_kind=ingest.item&source_id=77&text=air+mati+lagi&label=negative",
                                headers=HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="annotation-correct"')
    assert '<input type="hidden" name="task" value="sentiment">' in body
    assert 'name="label" value="negative" checked' in body
    assert 'value="positive">' in body
    assert 'name="source_id" value="77"' in body


def test_a_correction_posted_with_htmx_is_stored_and_confirmed(analyst_client, tree):
    response = analyst_client.post(reverse("language:annotation-correct", args=[tree.kab.uuid]), {
        "task": "sentiment", "text": "air mati lagi", "label": "negative", "source_kind": "ingest.item",
        "source_id": "77", "predicted_label": "neutral", "predicted_score": "0.52"}, headers=HX)

    assert response.status_code == 200
    assert "Label disimpan: negatif." in response.content.decode()
    saved = Annotation.objects.get()
    assert (saved.task, saved.text, saved.label, saved.source_kind, saved.source_id, saved.predicted_label,
            saved.predicted_score) == ("sentiment", "air mati lagi", "negative", "ingest.item", "77", "neutral", 0.52)
    assert AuditEvent.objects.filter(action="annotation.record").count() == 1


def test_a_correction_for_abuse_takes_several_labels(admin_client, tree):
    admin_client.post(reverse("language:annotation-correct", args=[tree.kab.uuid]), {
        "task": "abuse", "text": "dasar kalian", "label": ["HS", "HS_Group"]}, headers=HX)

    assert Annotation.objects.get().labels == ["HS", "HS_Group"]


def test_a_correction_without_htmx_goes_back_to_a_page_of_this_site_only(admin_client, tree):
    url = reverse("language:annotation-correct", args=[tree.kab.uuid])
    here = admin_client.post(url, {"task": "emotion", "text": "takut banjir", "label": "fear", "next": "/u/x/sebutan/"})
    away = admin_client.post(url, {"task": "emotion", "text": "senang", "label": "happy", "next": "https://jahat.example/"})

    assert here["Location"] == "/u/x/sebutan/"
    assert away["Location"] == reverse("language:annotation-list", args=[tree.kab.uuid])
    assert Annotation.objects.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"task": "sentiment", "text": "x", "label": "marah"}, "Label tidak dikenal untuk tugas ini: marah."),
    ({"task": "sentiment", "label": "negative"}, "Isi teks yang diberi label, atau sertakan rujukan sumbernya."),
    ({"task": "sentiment", "label": "negative", "source_kind": "ingest.item", "source_id": "404"},
     "Teks yang diberi label tidak boleh kosong."),
])
def test_a_bad_correction_is_refused_in_indonesian_and_nothing_stored(admin_client, tree, data, message):
    response = admin_client.post(reverse("language:annotation-correct", args=[tree.kab.uuid]), data, headers=HX)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Annotation.objects.count() == 0


# --- the unit's labels --------------------------------------------------------------------------


def _annotate(unit, task, text, label, **extra):
    return Annotation.objects.create(unit=unit, task=task, text=text, label=label, source_kind="manual",
                                     source_id=text, **extra)


def test_the_label_list_filters_and_exports_csv(admin_client, tree):
    _annotate(tree.kab, "message_type", "kapan PPDB dibuka", "question", predicted_label="complaint", predicted_score=0.55)
    _annotate(tree.kab, "sentiment", "mantap pak", "positive")
    _annotate(tree.kota, "message_type", "milik kota", "question")
    url = reverse("language:annotation-list", args=[tree.kab.uuid])

    page = admin_client.get(url + "?task=message_type").content.decode()
    by_label = admin_client.get(url + "?label=positive").content.decode()
    export = admin_client.get(reverse("language:annotation-export", args=[tree.kab.uuid]) + "?task=message_type")

    assert "kapan PPDB dibuka" in page
    assert "mantap pak" not in page
    assert "milik kota" not in page
    assert "pertanyaan" in page
    assert "mantap pak" in by_label
    assert "kapan PPDB dibuka" not in by_label
    assert "keluhan <small>(55%)</small>" in page
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0] == ["tugas", "teks", "label", "tebakan_model", "skor_tebakan", "jenis_sumber", "nomor_sumber",
                       "oleh", "dibuat_utc", "diubah_utc"]
    assert [r[:7] for r in rows[1:]] == [["message_type", "kapan PPDB dibuka", "question", "complaint", "0.55", "manual",
                                          "kapan PPDB dibuka"]]


def test_an_empty_label_list_points_to_the_queue(viewer_client, tree):
    page = viewer_client.get(reverse("language:annotation-list", args=[tree.kab.uuid])).content.decode()

    assert 'data-testid="annotation-empty"' in page
    assert reverse("language:annotation-queue", args=[tree.kab.uuid]) in page
    assert 'data-testid="annotation-delete"' not in page


def test_an_admin_deletes_a_label_and_it_is_audited(admin_client, tree):
    saved = _annotate(tree.kab, "sentiment", "mantap pak", "positive")

    response = admin_client.post(reverse("language:annotation-delete", args=[tree.kab.uuid, saved.uuid]))

    assert response.status_code == 302
    assert Annotation.objects.count() == 0
    assert AuditEvent.objects.get(action="annotation.delete").target_id == str(saved.uuid)


def test_an_analyst_labels_but_may_not_delete(analyst_client, tree):
    saved = _annotate(tree.kab, "sentiment", "mantap pak", "positive")

    response = analyst_client.post(reverse("language:annotation-delete", args=[tree.kab.uuid, saved.uuid]))

    assert response.status_code == 403
    assert Annotation.objects.count() == 1
    assert not AuditEvent.objects.filter(action="annotation.delete").exists()


def test_a_viewer_may_not_correct_labels(viewer_client, tree):
    response = viewer_client.post(reverse("language:annotation-correct", args=[tree.kab.uuid]),
                                  {"task": "sentiment", "text": "x", "label": "positive"})

    assert response.status_code == 403
    assert Annotation.objects.count() == 0


def test_the_standalone_correction_page_offers_every_task_and_its_labels(admin_client, tree):
    page = admin_client.get(reverse("language:annotation-correct", args=[tree.kab.uuid])).content.decode()

    assert '<select name="task"' in page
    assert '<optgroup label="Jenis pesan"><option value="question">pertanyaan</option>' in page
    response = admin_client.post(reverse("language:annotation-correct", args=[tree.kab.uuid]),
                                 {"task": "message_type", "text": "Usul ada bus malam", "label": "aspiration"})
    assert response.status_code == 302
    assert Annotation.objects.get().label == "aspiration"
