"""The ingest service: stored once, quarantined with a reason, handed to consumers once."""

from datetime import UTC, datetime

import pytest

from warta.channels.connectors.base import AccountMetrics, InboundItem, PostMetrics
from warta.channels.models import Account
from warta.ingest import consumers
from warta.ingest.models import AccountMetricSnapshot, Item, PostMetricSnapshot, Quarantine
from warta.ingest.services import item_from_record, items_ingest, metrics_record

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)


def record(n=1, **over):
    data = {"platform": "sandbox", "external_id": f"p{n}", "kind": "comment", "text": f"Jalan rusak {n}",
            "created_at": "2026-11-20T09:30:00+07:00", "account_external_id": "humasbogorkab",
            "metrics": {"likes": n}}
    data.update(over)
    return data


@pytest.fixture
def account(tree):
    return Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab", external_id="acc-1")


def test_items_are_stored_once_with_their_account_and_unit(account, tree):
    report = items_ingest(items=[record(1), record(2)], source="fetch")
    again = items_ingest(items=[record(1, metrics={"likes": 5}), record(3)], source="webhook")

    assert (report.stored, report.duplicates) == (2, 0)
    assert (again.stored, again.duplicates) == (1, 1)
    assert Item.objects.count() == 3
    first = Item.objects.get(external_id="p1")
    assert (first.account, first.unit, first.deliveries, first.metrics) == (account, tree.kab, 2, {"likes": 5})
    assert first.created_at == WHEN


def test_a_bad_record_is_quarantined_and_the_rest_of_its_batch_is_kept(account):
    bad = record(2, created_at="kemarin sore")
    report = items_ingest(items=[record(1), bad, record(3, kind="tweet"), "bukan objek", record(4)], source="cli")

    assert report.stored == 2
    assert [i for i, _ in report.quarantined] == [1, 2, 3]
    assert Quarantine.objects.count() == 3
    reasons = list(Quarantine.objects.order_by("pk").values_list("reason", flat=True))
    assert "created_at" in reasons[0]
    assert "kind" in reasons[1]
    assert set(Item.objects.values_list("external_id", flat=True)) == {"p1", "p4"}


def test_dataclass_items_and_dicts_are_the_same_form(account):
    item = InboundItem(platform="sandbox", external_id="d1", kind="mention", text="@humasbogorkab tolong",
                       created_at=WHEN, account_external_id="acc-1", media_urls=("https://x/y.jpg",))
    assert item_from_record(item) == item
    items_ingest(items=[item], source="fetch")
    assert Item.objects.get(external_id="d1").account == account


def test_naive_dates_and_unknown_fields_are_refused():
    with pytest.raises(ValueError, match="created_at"):
        item_from_record(record(created_at="2026-11-20T09:30:00"))
    with pytest.raises(ValueError, match="Additional properties"):
        item_from_record(record(colour="blue"))


def test_new_items_reach_consumers_once(account, django_capture_on_commit_callbacks):
    seen = []
    consumers.consumer_register("test", lambda items: seen.extend(i.external_id for i in items))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            items_ingest(items=[record(1), record(2)], source="fetch")
        with django_capture_on_commit_callbacks(execute=True):
            items_ingest(items=[record(1), record(2)], source="fetch")
    finally:
        consumers.consumer_unregister("test")
    assert sorted(seen) == ["p1", "p2"]


def test_a_failing_consumer_does_not_stop_the_others(account, django_capture_on_commit_callbacks):
    seen = []

    def broken(items):
        raise RuntimeError("boom")

    consumers.consumer_register("a-broken", broken)
    consumers.consumer_register("b-fine", lambda items: seen.extend(items))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            items_ingest(items=[record(1)], source="fetch")
    finally:
        consumers.consumer_unregister("a-broken")
        consumers.consumer_unregister("b-fine")
    assert len(seen) == 1


def test_metrics_are_recorded_once_and_refresh_the_item(account):
    items_ingest(items=[record(1, kind="post")], source="fetch")
    post = PostMetrics(external_id="p1", observed_at=WHEN, values={"likes": 9, "reach": 120})
    followers = AccountMetrics(observed_at=WHEN, followers=1500, posts=30)

    assert metrics_record(account=account, post_metrics=[post], account_metrics=followers) == 2
    assert metrics_record(account=account, post_metrics=[post], account_metrics=followers) == 0
    assert PostMetricSnapshot.objects.count() == 1
    assert AccountMetricSnapshot.objects.get().followers == 1500
    assert Item.objects.get(external_id="p1").metrics == {"likes": 9, "reach": 120}


def test_the_ingest_command_reads_json_lines_and_quarantines_broken_ones(account, tmp_path, capsys):
    import json

    from django.core.management import call_command

    path = tmp_path / "items.jsonl"
    path.write_text("\n".join([json.dumps(record(1)), "{rusak", json.dumps(record(2, kind="x")),
                               json.dumps(record(3)), ""]) + "\n", encoding="utf-8")
    call_command("ingest", str(path))
    call_command("ingest", str(path))

    out = capsys.readouterr().out
    assert "disimpan 2, duplikat 0, dikarantina 2" in out
    assert "disimpan 0, duplikat 2, dikarantina 2" in out
    assert Item.objects.count() == 2
    assert Quarantine.objects.filter(reason__startswith="baris 2").count() == 2


def test_nul_characters_never_reach_the_database(account):
    items_ingest(items=[record(1, text="jalan\x00 rusak", author_handle="wa\x00rga", extra={"note": "a\x00b"})],
                 source="webhook")
    stored = Item.objects.get()
    assert (stored.text, stored.author_handle, stored.extra) == ("jalan rusak", "warga", {"note": "ab"})


def test_metrics_refresh_only_the_accounts_own_items(account, tree):
    other = Account.objects.create(unit=tree.kota, platform="sandbox", handle="humaskotabogor", external_id="acc-2")
    items_ingest(items=[record(1, kind="post", account_external_id="acc-2", metrics={"likes": 1})], source="fetch")
    metrics_record(account=account, post_metrics=[PostMetrics(external_id="p1", observed_at=WHEN, values={"likes": 999})])
    assert Item.objects.get(external_id="p1").account == other
    assert Item.objects.get(external_id="p1").metrics == {"likes": 1}
