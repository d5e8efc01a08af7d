"""A worker's batch: read in three queries, claimed in one statement, what was sent recorded in
groups (a group commit) — and still exactly once, with every move audited."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.publishing.test_engine_services import actions, platform, scheduled  # noqa: F401 - fixture
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.sandbox.connector import SandboxConnector
from warta.core.audit import audit_verify
from warta.publishing import dispatch, publisher
from warta.publishing.models import PostState, Publication, PublicationState

P = PublicationState
S = PostState


def due_batch(tree, editor, n):
    posts = scheduled(tree, editor, n)
    Publication.objects.filter(post__in=posts).update(due_at=timezone.now() - timedelta(seconds=1))
    dispatch.publications_dispatch(enqueue=lambda ids: None)
    return posts, list(Publication.objects.filter(post__in=posts).order_by("pk").values_list("pk", flat=True))


def test_a_batch_is_sent_in_order_and_recorded_together(tree, editor, platform):  # noqa: F811
    posts, ids = due_batch(tree, editor, 3)
    before = set(actions("publication."))
    outcomes = publisher.publish_batch(ids)
    assert outcomes == {pk: "published" for pk in ids}
    assert [p["text"] for p in platform.received] == [f"{p.variants.get().text}" for p in posts]
    assert set(Publication.objects.filter(pk__in=ids).values_list("state", flat=True)) == {P.PUBLISHED}
    assert {post.state for post in type(posts[0]).objects.filter(pk__in=[p.pk for p in posts])} == {S.PUBLISHED}
    assert actions("publication.").count("publication.published") == 3
    assert not before
    assert actions("post.published").count("post.published") == 3  # every move of every post audited
    assert audit_verify().ok
    # Ids that came out one after another: the three events of the group were appended together.
    published = Publication.objects.filter(pk__in=ids)
    assert len({p.external_id for p in published}) == 3
    assert publisher.publish_batch(ids) == {pk: "skipped" for pk in ids}  # a duplicate task sends nothing
    assert len(platform.received) == 3


def test_the_record_of_a_group_takes_a_fixed_number_of_queries(tree, editor, platform):  # noqa: F811
    _posts, ids = due_batch(tree, editor, 6)
    with CaptureQueriesContext(connection) as two:
        publisher.publish_batch(ids[:2])
    with CaptureQueriesContext(connection) as six:
        publisher.publish_batch(ids[2:])  # four more
    # Twice the posts, far from twice the queries: reading, claiming and recording are per batch.
    assert len(six.captured_queries) < 1.3 * len(two.captured_queries), (len(two), len(six))


def test_a_claim_lost_before_the_group_record_is_reported_and_the_others_are_recorded(tree, editor, platform,  # noqa: F811
                                                                                      monkeypatch):
    _posts, ids = due_batch(tree, editor, 3)
    real = publisher.record_published_many

    def recovery_takes_the_second_back(items, **kw):  # what reconcile does after the lease
        Publication.objects.filter(pk=ids[1]).update(claim_token="someone-else")
        return real(items, **kw)

    monkeypatch.setattr(publisher, "record_published_many", recovery_takes_the_second_back)
    outcomes = publisher.publish_batch(ids)
    assert outcomes == {ids[0]: "published", ids[1]: "lost", ids[2]: "published"}
    assert Publication.objects.get(pk=ids[1]).state == P.CLAIMED  # left to recovery, untouched
    assert actions("publication.").count("publication.published") == 2
    assert audit_verify().ok


def test_an_error_in_the_batch_records_what_was_sent_before_it(tree, editor, platform, monkeypatch):  # noqa: F811
    _posts, ids = due_batch(tree, editor, 3)
    calls = {"n": 0}
    real = SandboxConnector.publish

    def second_refused(self, outbound):
        calls["n"] += 1
        if calls["n"] == 2:  # the platform refuses the second for good
            raise ConnectorError(ErrorKind.PERMANENT, "ditolak", status=400)
        return real(self, outbound)

    monkeypatch.setattr(SandboxConnector, "publish", second_refused)
    outcomes = publisher.publish_batch(ids)
    assert outcomes == {ids[0]: "published", ids[1]: P.FAILED, ids[2]: "published"}
    # The first was recorded before the second's failure: the trail says so in that order.
    trail = [a for a in actions("publication.") if a in ("publication.published", "publication.failed")]
    assert trail == ["publication.published", "publication.failed", "publication.published"]
    assert audit_verify().ok


def test_a_row_another_worker_claimed_is_skipped_by_the_batch_claim(tree, editor, platform):  # noqa: F811
    _posts, ids = due_batch(tree, editor, 3)
    other = Publication.objects.get(pk=ids[1])
    assert publisher._claim(other, "fp") is not None  # worker A took the second one
    outcomes = publisher.publish_batch(ids)
    assert outcomes == {ids[0]: "published", ids[1]: "skipped", ids[2]: "published"}
    assert len(platform.received) == 2


def test_what_was_sent_is_recorded_before_a_media_upload_starts(tree, editor, platform, monkeypatch,  # noqa: F811
                                                                 settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from warta.media.services import media_upload
    from warta.publishing.models import Variant, VariantMedia

    settings.MEDIA_ROOT = str(tmp_path)
    posts, ids = due_batch(tree, editor, 3)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buffer, format="PNG")
    asset = media_upload(actor=editor, unit=tree.kab, file=SimpleUploadedFile("poster.png", buffer.getvalue()),
                         title="Poster", alt_text="Poster")
    second = Publication.objects.get(pk=ids[1]).post
    VariantMedia.objects.create(variant=Variant.objects.get(post=second), asset=asset)
    real = SandboxConnector.publish
    seen = []

    def watch(self, outbound):
        seen.append(Publication.objects.get(pk=ids[0]).state)  # the first, as each send starts
        return real(self, outbound)

    monkeypatch.setattr(SandboxConnector, "publish", watch)
    assert publisher.publish_batch(ids) == {pk: "published" for pk in ids}
    # The first waited for its group until the second (with an image to upload) went out.
    assert seen == [P.CLAIMED, P.PUBLISHED, P.PUBLISHED]


def test_the_accounts_of_a_batch_are_opened_together_and_each_use_is_audited(tree, editor, platform):  # noqa: F811
    from tests.publishing.test_engine_support import make_account, make_post
    from warta.channels.models import Credential
    from warta.core.models import AuditEvent
    from warta.publishing.schedule import post_schedule

    _posts, ids = due_batch(tree, editor, 2)  # account "1"
    other = make_account(tree.kab, handle="@diskominfobogor", external_id="2")
    post = make_post(tree.kab, author=editor, text="Pengumuman lain", title="Lain")
    post_schedule(actor=editor, post=post, when=timezone.now() + timedelta(minutes=5), accounts=[other])
    Publication.objects.filter(post=post).update(due_at=timezone.now() - timedelta(seconds=1))
    dispatch.publications_dispatch(enqueue=lambda ids: None)
    ids.append(Publication.objects.get(post=post).pk)
    for account_pk in set(Publication.objects.filter(pk__in=ids).values_list("account_id", flat=True)):
        Credential.objects.create(account_id=account_pk, tokens={"access_token": f"sbxa_{account_pk}"})
    assert publisher.publish_batch(ids) == {pk: "published" for pk in ids}
    uses = list(AuditEvent.objects.filter(action="credential.use").order_by("seq"))
    assert len(uses) == 2  # once per account, not per post
    assert uses[1].seq == uses[0].seq + 1  # appended together
    assert {u.changes["purpose"] for u in uses} == {"publish"}
    assert audit_verify().ok
