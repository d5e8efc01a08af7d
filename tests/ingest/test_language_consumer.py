"""New citizen items get the models' labels, stored on the item and shown with a link to
correct them; the unsure are offered, per unit, to the annotation queue; own posts are not."""

import pytest
from django.urls import reverse

from tests.ingest.test_items_ingest import record
from warta.channels.models import Account
from warta.ingest import consumers
from warta.ingest.models import Item
from warta.ingest.services import items_ingest
from warta.language.prediction import Prediction

pytestmark = pytest.mark.django_db


def fake_classify(*, unit, task, texts):
    if task == "abuse":
        return [Prediction(label=None, labels=("Abusive",), scores={"Abusive": 0.91, "HS": 0.2}) for _ in texts]
    label = {"sentiment": "negative", "message_type": "question"}[task]
    return [Prediction(label=label, scores={label: 0.7}) for _ in texts]


@pytest.fixture
def offered(tree, monkeypatch):
    Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab")
    calls = []
    monkeypatch.setattr("warta.language.annotation.classify_for_unit", fake_classify)
    monkeypatch.setattr("warta.language.annotation.candidates_offer",
                        lambda *, unit, task, items, predicted=None: calls.append((unit.pk, task, [t for _, _, t in items])))
    return calls


def test_citizen_items_are_labelled_and_offered_per_unit(tree, offered, django_capture_on_commit_callbacks):
    assert "language" in consumers.consumers()
    with django_capture_on_commit_callbacks(execute=True):
        items_ingest(items=[record(1, text="Kapan jalan diperbaiki?"), record(2, kind="post", text="Info vaksin"),
                            record(3, kind="mention", text="   ")], source="fetch")

    assert offered == [(tree.kab.pk, "sentiment", ["Kapan jalan diperbaiki?"]),
                       (tree.kab.pk, "message_type", ["Kapan jalan diperbaiki?"])]
    assert Item.objects.get(external_id="p1").labels == {
        "sentiment": {"label": "negative", "score": 0.7}, "message_type": {"label": "question", "score": 0.7},
        "abuse": {"labels": ["Abusive"], "score": 0.91}}
    assert Item.objects.get(external_id="p2").labels == {}


def test_the_items_page_shows_labels_and_a_correction_link_for_analysts(admin_client, tree, offered,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        items_ingest(items=[record(1, text="Kapan jalan diperbaiki?")], source="fetch")
    url = reverse("ingest:item-list", args=[tree.kab.uuid])

    page = admin_client.get(url).content.decode()
    assert "Sentimen: negatif" in page
    assert reverse("language:annotation-correct", args=[tree.kab.uuid]) in page


def test_a_viewer_sees_labels_but_no_correction_link(viewer_client, tree, offered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        items_ingest(items=[record(1, text="Kapan jalan diperbaiki?")], source="fetch")
    page = viewer_client.get(reverse("ingest:item-list", args=[tree.kab.uuid])).content.decode()
    assert "Sentimen: negatif" in page
    assert 'data-testid="item-correct"' not in page


def test_offered_items_are_not_classified_twice(tree, monkeypatch):
    from warta.language.annotation import candidates_offer
    from warta.language.models import AnnotationCandidate

    def refuse(**kwargs):
        raise AssertionError("classified again")

    monkeypatch.setattr("warta.language.annotation.classify_for_unit", refuse)
    unsure = Prediction(label="neutral", scores={"neutral": 0.4, "negative": 0.35, "positive": 0.25})
    candidates_offer(unit=tree.kab, task="sentiment", items=[("ingest.item", "7", "Kapan bansos cair?")],
                     predicted={"7": unsure})
    assert AnnotationCandidate.objects.get().predicted_label == "neutral"
