"""The dispatcher hands publications over in batches of whole accounts, each in order; the posts move
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


def test_hand_over_packs_whole_accounts_into_batches(tree, monkeypatch):
    a = make_account(tree.kab, handle="@a", external_id="1")
    b = make_account(tree.kab, handle="@b", external_id="2")
    c = make_account(tree.kab, handle="@c", external_id="3")
    pubs_a = _due_publications(tree, a, dispatch.ACCOUNT_BATCH + 3)
    pubs_b = _due_publications(tree, b, 2)
    pubs_c = _due_publications(tree, c, 4)
    sent = []
    monkeypatch.setattr(tasks, "account_publications_publish_task", _Recorder(sent))
    assert dispatch.publications_dispatch() == len(pubs_a) + len(pubs_b) + len(pubs_c)
    # The big account in chunks of the batch size; the small ones packed together, whole.
    assert sorted(len(chunk) for chunk in sent) == [3, 6, dispatch.ACCOUNT_BATCH]
    by_pk = {p.pk: p for p in pubs_a + pubs_b + pubs_c}
    for chunk in sent:
        accounts = [by_pk[pk].account_id for pk in chunk]
        # Each account's publications sit together in a chunk, due first.
        assert accounts == sorted(accounts, key=accounts.index)
        for account in set(accounts):
            dues = [by_pk[pk].due_at for pk in chunk if by_pk[pk].account_id == account]
            assert dues == sorted(dues)
    [packed] = [chunk for chunk in sent if len(chunk) == 6]
    assert {by_pk[pk].account_id for pk in packed} == {b.pk, c.pk}
    assert set(Publication.objects.values_list("post__state", flat=True)) == {PostState.PUBLISHING}
    events = AuditEvent.objects.filter(action="post.publishing")
    assert events.count() == 1
    assert len(events.get().changes["posts"]) == len(pubs_a) + len(pubs_b) + len(pubs_c)


def test_a_second_dispatch_hands_nothing_over_again(tree, monkeypatch):
    account = make_account(tree.kab)
    _due_publications(tree, account, 3)
    sent = []
    monkeypatch.setattr(tasks, "account_publications_publish_task", _Recorder(sent))
    dispatch.publications_dispatch()
    dispatch.publications_dispatch()
    assert sum(len(chunk) for chunk in sent) == 3
