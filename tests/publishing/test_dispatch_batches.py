"""The dispatcher hands publications over per account, in order, in batches; the posts move
to PUBLISHING in one statement with one audit event per unit."""

from datetime import timedelta

from django.utils import timezone

from tests.publishing.test_engine_support import make_account, make_post
from warta.core.models import AuditEvent
from warta.publishing import dispatch, tasks
from warta.publishing.models import PostState, Publication


class _Recorder:
    """Stands in for the task: records what the dispatcher enqueues."""

    def __init__(self, sent):
        self.sent = sent

    def enqueue(self, ids):
        self.sent.append(list(ids))


def _due_publications(tree, account, n):
    now = timezone.now()
    pubs = []
    for i in range(n):
        post = make_post(tree.kab, state=PostState.SCHEDULED, title=f"Konten {i}")
        pubs.append(Publication.objects.create(post=post, account=account, due_at=now - timedelta(seconds=n - i)))
    return pubs


def test_hand_over_is_one_task_per_account_and_batch(tree, monkeypatch):
    a = make_account(tree.kab, handle="@a", external_id="1")
    b = make_account(tree.kab, handle="@b", external_id="2")
    pubs_a = _due_publications(tree, a, dispatch.ACCOUNT_BATCH + 3)
    pubs_b = _due_publications(tree, b, 2)
    sent = []
    monkeypatch.setattr(tasks, "account_publications_publish_task", _Recorder(sent))
    assert dispatch.publications_dispatch() == len(pubs_a) + len(pubs_b)
    assert sorted(len(chunk) for chunk in sent) == [2, 3, dispatch.ACCOUNT_BATCH]
    # Each chunk holds one account's publications, due first.
    by_pk = {p.pk: p for p in pubs_a + pubs_b}
    for chunk in sent:
        assert len({by_pk[pk].account_id for pk in chunk}) == 1
        dues = [by_pk[pk].due_at for pk in chunk]
        assert dues == sorted(dues)
    assert set(Publication.objects.values_list("post__state", flat=True)) == {PostState.PUBLISHING}
    events = AuditEvent.objects.filter(action="post.publishing")
    assert events.count() == 1
    assert len(events.get().changes["posts"]) == len(pubs_a) + len(pubs_b)


def test_a_second_dispatch_hands_nothing_over_again(tree, monkeypatch):
    account = make_account(tree.kab)
    _due_publications(tree, account, 3)
    sent = []
    monkeypatch.setattr(tasks, "account_publications_publish_task", _Recorder(sent))
    dispatch.publications_dispatch()
    dispatch.publications_dispatch()
    assert sum(len(chunk) for chunk in sent) == 3
