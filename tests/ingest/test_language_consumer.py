"""New citizen items are offered, per unit, to the annotation queue; own posts are not."""

import pytest

from tests.ingest.test_items_ingest import record
from warta.channels.models import Account
from warta.ingest import consumers
from warta.ingest.services import items_ingest

pytestmark = pytest.mark.django_db


def test_citizen_items_are_offered_per_unit_and_task(tree, monkeypatch, django_capture_on_commit_callbacks):
    Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab")
    offered = []
    monkeypatch.setattr("warta.language.annotation.candidates_offer",
                        lambda *, unit, task, items: offered.append((unit.pk, task, [t for _, _, t in items])))
    assert "language.annotation" in consumers.consumers()
    with django_capture_on_commit_callbacks(execute=True):
        items_ingest(items=[record(1, text="Kapan jalan diperbaiki?"), record(2, kind="post", text="Info vaksin"),
                            record(3, kind="mention", text="   ")], source="fetch")

    assert offered == [(tree.kab.pk, "sentiment", ["Kapan jalan diperbaiki?"]),
                       (tree.kab.pk, "message_type", ["Kapan jalan diperbaiki?"])]
