"""Scheduled fetching: due pairs claimed once, pages stored once, backoff and retry-after."""

from datetime import UTC, datetime, timedelta

import pytest

from warta.channels import connectors as registry
from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    InboundItem,
    Page,
    PostMetrics,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.models import Account, SyncState
from warta.ingest import fetching
from warta.ingest.models import AccountMetricSnapshot, Item, PostMetricSnapshot

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def item(n, kind="post", **over):
    return InboundItem(platform="sandbox", external_id=f"i{n}", kind=kind, text=f"teks {n}",
                       created_at=NOW - timedelta(minutes=n), account_external_id="acc", **over)


class FakeConnector(BaseConnector):
    platform = "sandbox"
    capabilities = frozenset({Capability.FETCH_POSTS, Capability.FETCH_COMMENTS, Capability.ACCOUNT_METRICS,
                              Capability.POST_METRICS, Capability.SEARCH, Capability.PUBLISH_TEXT})
    pages = {"": Page(items=(item(1), item(2)), next_cursor="c2"), "c2": Page(items=(item(3),))}
    error: ConnectorError | None = None
    searched: list = []

    def fetch_posts(self, *, cursor="", since=None):
        if self.error:
            raise self.error
        return self.pages[cursor]

    def fetch_comments(self, post_external_id, *, cursor=""):
        return Page(items=(item(100 + int(post_external_id[1:]), kind="comment", parent_external_id=post_external_id),))

    def search(self, query, *, cursor="", since=None):
        FakeConnector.searched.append(query)
        return Page(items=())

    def post_metrics(self, external_ids):
        return tuple(PostMetrics(external_id=e, observed_at=NOW, values={"likes": 3}) for e in external_ids)

    def account_metrics(self):
        return AccountMetrics(observed_at=NOW, followers=1234)


@pytest.fixture
def account(tree, monkeypatch):
    monkeypatch.setitem(registry.CONNECTORS, "sandbox", f"{__name__}.FakeConnector")
    registry.connector_class.cache_clear()
    monkeypatch.setattr("warta.channels.services.connector_for", lambda account, **kw: FakeConnector(None))
    monkeypatch.setattr(FakeConnector, "error", None)
    yield Account.objects.create(unit=tree.kab, platform="sandbox", handle="humasbogorkab", external_id="acc",
                                 state="connected")
    registry.connector_class.cache_clear()


def test_due_pairs_are_claimed_once_per_lease(account, django_capture_on_commit_callbacks):
    enqueued = []
    with django_capture_on_commit_callbacks(execute=True):
        count = fetching.sync_schedule(now=NOW, enqueue=lambda a, c: enqueued.append(c))
    with django_capture_on_commit_callbacks(execute=True):
        again = fetching.sync_schedule(now=NOW + timedelta(minutes=1), enqueue=lambda a, c: enqueued.append(c))

    assert count == 5
    assert again == 0
    assert sorted(enqueued) == sorted(["fetch_posts", "fetch_comments", "account_metrics", "post_metrics", "search"])


def test_disconnected_accounts_are_not_fetched(account):
    Account.objects.filter(pk=account.pk).update(state="reconnect")
    assert fetching.sync_schedule(now=NOW, enqueue=lambda a, c: None) == 0


def test_posts_are_paged_and_stored_once_and_the_next_run_is_set(account):
    first = fetching.account_sync(account_id=account.pk, capability="fetch_posts", now=NOW)
    second = fetching.account_sync(account_id=account.pk, capability="fetch_posts", now=NOW)

    assert (first.stored, second.stored, second.duplicates) == (3, 0, 3)
    assert Item.objects.filter(account=account).count() == 3
    state = SyncState.objects.get(account=account, capability="fetch_posts")
    assert state.next_run_at == NOW + timedelta(minutes=15)
    assert (state.failures, state.items_total) == (0, 3)


def test_comments_of_recent_posts_and_metrics(account):
    fetching.account_sync(account_id=account.pk, capability="fetch_posts", now=NOW)
    fetching.account_sync(account_id=account.pk, capability="fetch_comments", now=NOW)
    fetching.account_sync(account_id=account.pk, capability="post_metrics", now=NOW)
    fetching.account_sync(account_id=account.pk, capability="account_metrics", now=NOW)

    assert Item.objects.filter(kind="comment").count() == 3
    assert PostMetricSnapshot.objects.filter(account=account).count() == 3
    assert AccountMetricSnapshot.objects.get(account=account).followers == 1234


def test_search_uses_the_units_tracked_terms(account, tree):
    from warta.ingest.models import TrackedTerm

    FakeConnector.searched = []
    TrackedTerm.objects.create(unit=tree.kab, term="jembatan")
    TrackedTerm.objects.create(unit=tree.kota, term="alun-alun")
    fetching.account_sync(account_id=account.pk, capability="search", now=NOW)
    assert FakeConnector.searched == ["jembatan"]


def test_rate_limit_waits_for_retry_after_and_errors_back_off(account, monkeypatch):
    monkeypatch.setattr(FakeConnector, "error", ConnectorError(ErrorKind.RATE_LIMITED, "slow", retry_after=120))
    fetching.account_sync(account_id=account.pk, capability="fetch_posts", now=NOW)
    state = SyncState.objects.get(account=account, capability="fetch_posts")
    assert (state.next_run_at, state.failures) == (NOW + timedelta(seconds=120), 0)

    monkeypatch.setattr(FakeConnector, "error", ConnectorError(ErrorKind.TRANSIENT, "502"))
    for _ in range(3):
        fetching.account_sync(account_id=account.pk, capability="fetch_posts", now=NOW)
    state.refresh_from_db()
    assert state.failures == 3
    assert NOW + timedelta(minutes=4) <= state.next_run_at <= NOW + timedelta(minutes=4, seconds=15)
    assert "502" in state.last_error
    assert Item.objects.count() == 0


def test_an_expired_token_marks_the_account_for_reconnection(account, monkeypatch):
    recorded = []
    monkeypatch.setattr("warta.channels.services.account_error_record", lambda acc, err: recorded.append(err.kind))
    monkeypatch.setattr(FakeConnector, "error", ConnectorError(ErrorKind.AUTH_EXPIRED, "expired"))
    fetching.account_sync(account_id=account.pk, capability="fetch_posts", now=NOW)
    assert recorded == [ErrorKind.AUTH_EXPIRED]
    assert SyncState.objects.get(account=account, capability="fetch_posts").next_run_at == NOW + timedelta(hours=1)


def test_telegram_long_polling_runs_as_often_as_comments():
    from warta.channels.connectors.base import Platform

    assert fetching.interval(Platform.TELEGRAM, Capability.FETCH_POSTS) == timedelta(minutes=2)
    assert fetching.interval(Platform.X, Capability.FETCH_POSTS) == timedelta(minutes=15)
