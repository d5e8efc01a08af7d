"""The inbound-data pages: items in the subtree only, tracked terms validated and audited."""

import pytest
from django.urls import reverse

from tests.ingest.test_items_ingest import record
from warta.channels.models import Account
from warta.core.models import AuditEvent
from warta.ingest.models import TrackedTerm
from warta.ingest.services import items_ingest

pytestmark = pytest.mark.django_db


def test_items_page_shows_the_subtree_and_filters(admin_client, tree):
    Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab")
    Account.objects.create(unit=tree.kota, platform="sandbox", handle="humaskotabogor")
    items_ingest(items=[record(1, text="Jalan Cibinong berlubang"),
                        record(2, text="Terima kasih pak", kind="mention"),
                        record(3, text="Banjir di kota", account_external_id="humaskotabogor")], source="fetch")
    url = reverse("ingest:item-list", args=[tree.kab.uuid])

    page = admin_client.get(url).content.decode()
    assert "Jalan Cibinong berlubang" in page
    assert "Terima kasih pak" in page
    assert "Banjir di kota" not in page
    only_mentions = admin_client.get(url, {"kind": "mention"}).content.decode()
    assert "Terima kasih pak" in only_mentions
    assert "Jalan Cibinong" not in only_mentions
    assert "Jalan Cibinong" in admin_client.get(url, {"q": "cibinong"}).content.decode()


def test_empty_items_page_says_where_data_comes_from(admin_client, tree):
    page = admin_client.get(reverse("ingest:item-list", args=[tree.kab.uuid])).content.decode()
    assert "Belum ada data masuk" in page


def test_terms_are_added_once_and_removed_with_audit(admin_client, tree):
    url = reverse("ingest:term-list", args=[tree.kab.uuid])
    admin_client.post(url, {"term": "  jembatan   Cibinong "})
    response = admin_client.post(url, {"term": "Jembatan cibinong"}, follow=True)
    admin_client.post(url, {"term": "ab"})

    assert list(TrackedTerm.objects.values_list("term", flat=True)) == ["jembatan Cibinong"]
    assert "sudah dipantau" in response.content.decode()
    term = TrackedTerm.objects.get()
    admin_client.post(reverse("ingest:term-remove", args=[tree.kab.uuid, term.uuid]))
    assert TrackedTerm.objects.count() == 0
    assert list(AuditEvent.objects.filter(action__startswith="term.").order_by("seq").values_list("action", flat=True)) == [
        "term.add", "term.remove"]


def test_dashboard_counts_inbound_data_and_followers_of_the_subtree(admin_client, tree):
    from datetime import UTC, datetime

    from warta.channels.connectors.base import AccountMetrics
    from warta.ingest.services import metrics_record

    kab = Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab")
    kota = Account.objects.create(unit=tree.kota, platform="sandbox", handle="humaskotabogor")
    items_ingest(items=[record(1), record(2, kind="mention"), record(3, account_external_id="humaskotabogor")],
                 source="fetch")
    for account, followers in ((kab, 1200), (kota, 99)):
        metrics_record(account=account, account_metrics=AccountMetrics(
            observed_at=datetime(2026, 11, 22, tzinfo=UTC), followers=followers))
    metrics_record(account=kab, account_metrics=AccountMetrics(observed_at=datetime(2026, 11, 23, tzinfo=UTC),
                                                               followers=1250))

    response = admin_client.get(reverse("shell:dashboard", args=[tree.kab.uuid]))
    assert response.context["inbound"] == {"by_kind": {"comment": 1, "mention": 1}, "total": 2, "followers": 1250}


def test_a_nul_character_in_a_term_or_search_never_reaches_the_database(admin_client, tree, monkeypatch):
    # PostgreSQL refuses text with NUL (a 500); the pages drop the character.
    from warta.ingest import selectors

    seen = {}
    real = selectors.item_list

    def spy(**kwargs):
        seen["q"] = kwargs["q"]
        return real(**kwargs)

    monkeypatch.setattr(selectors, "item_list", spy)
    response = admin_client.get(reverse("ingest:item-list", args=[tree.kab.uuid]), {"q": "jalan\x00rusak"})
    assert (response.status_code, seen["q"]) == (200, "jalanrusak")

    admin_client.post(reverse("ingest:term-list", args=[tree.kab.uuid]), {"term": "banjir\x00bogor"})
    assert list(TrackedTerm.objects.values_list("term", flat=True)) == ["banjirbogor"]
