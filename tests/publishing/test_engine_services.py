"""The publishing engine's services: scheduling, dispatch, the publisher, recovery and the
human actions, against a fake sandbox platform on a local HTTP server."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.publishing.test_engine_support import TEXT, FakePlatform, make_account, make_post
from warta.channels.connectors.base import Capability, Platform
from warta.core.models import AuditEvent
from warta.organisations.models import TimeZoneName
from warta.publishing import dispatch, publisher, reconcile
from warta.publishing.fingerprint import fingerprint, text_normalise
from warta.publishing.models import PostState, Publication, PublicationState
from warta.publishing.schedule import (
    local_to_utc,
    post_publish_now,
    post_schedule,
    post_unschedule,
    publication_delete_from_platform,
    publication_mark_published,
    publication_resend,
    utc_to_local,
)

P = PublicationState
S = PostState


@pytest.fixture
def platform(httpserver, db):
    """The fake sandbox platform (see test_engine_support), as the installation's sandbox app."""
    return FakePlatform().install(httpserver)


def soon(minutes=30):
    return timezone.now() + timedelta(minutes=minutes)


def actions(prefix=""):
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("seq").values_list("action", flat=True))


def state_of(post):
    post.refresh_from_db()
    return post.state


# --- time and fingerprint ---------------------------------------------------------------------------


def test_local_times_are_read_in_the_units_zone(tree):
    tree.kota.time_zone = TimeZoneName.WITA
    naive = datetime(2026, 12, 1, 9, 0)  # noqa: DTZ001 - a wall-clock time typed by an officer
    assert local_to_utc(tree.kab, naive) == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # WIB = UTC+7
    assert local_to_utc(tree.kota, naive) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # WITA = UTC+8
    assert utc_to_local(tree.kab, datetime(2026, 12, 1, 2, 0, tzinfo=UTC)).hour == 9
    assert utc_to_local(tree.kab, None) is None


def test_the_fingerprint_ignores_what_platforms_change():
    sent = "Layanan  KTP keliling\nhari ini! https://bogorkab.go.id/ktp"
    shown = "layanan KTP keliling hari ini! https://t.co/abc123"
    assert text_normalise(sent) == "layanan ktp keliling hari ini!"
    assert fingerprint(sent) == fingerprint(shown)
    assert fingerprint(sent) != fingerprint("Layanan KTP keliling besok!")
    assert fingerprint("https://bogorkab.go.id") == ""


# --- scheduling -----------------------------------------------------------------------------------


def test_schedule_an_approved_post(tree, editor, platform):
    account = make_account(tree.kec)  # an account of a unit below the post's unit
    post = make_post(tree.kab, author=editor)
    when = soon()
    result = post_schedule(actor=editor, post=post, when=when, accounts=[account])
    assert result.state == S.SCHEDULED
    assert result.schedule_warnings == []
    publication = Publication.objects.get(post=post)
    assert (publication.account, publication.state, publication.due_at) == (account, P.PENDING, when)
    post.refresh_from_db()
    assert post.scheduled_at == when
    event = AuditEvent.objects.get(action="post.scheduled")
    assert event.changes["accounts"] == ["@humasbogorkab"]


def test_moving_a_scheduled_post_keeps_its_accounts(tree, editor, platform):
    account = make_account(tree.kab)
    post = make_post(tree.kab, author=editor)
    post_schedule(actor=editor, post=post, when=soon(30), accounts=[account])
    later = soon(120)
    post_schedule(actor=editor, post=post, when=later, accounts=None)
    publication = Publication.objects.get(post=post)
    assert publication.due_at == later
    assert state_of(post) == S.SCHEDULED
    assert actions("post.schedule") == ["post.scheduled", "post.schedule"]


def test_dropping_an_account_cancels_its_publication(tree, editor, platform):
    first, second = make_account(tree.kab), make_account(tree.kab, handle="@diskominfobogor", external_id="2")
    post = make_post(tree.kab, author=editor)
    post_schedule(actor=editor, post=post, when=soon(), accounts=[first, second])
    post_schedule(actor=editor, post=post, when=soon(60), accounts=[first])
    assert dict(Publication.objects.values_list("account__handle", "state")) == {
        "@humasbogorkab": P.PENDING, "@diskominfobogor": P.CANCELLED}


def assert_refused(call, field, message):
    with pytest.raises(ValidationError) as caught:
        call()
    assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict
    return caught.value


def test_a_schedule_in_the_past_is_refused_and_nothing_changes(tree, editor, platform):
    account = make_account(tree.kab)
    post = make_post(tree.kab, author=editor)
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=timezone.now() - timedelta(minutes=1),
                                         accounts=[account]), "when", "Jadwal tidak boleh di masa lalu.")
    assert Publication.objects.count() == 0
    assert state_of(post) == S.APPROVED
    assert not AuditEvent.objects.filter(action__startswith="post.").exists()


@pytest.mark.parametrize("state", [S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.PUBLISHED])
def test_only_approved_content_is_scheduled(tree, editor, platform, state):
    account = make_account(tree.kab)
    post = make_post(tree.kab, author=editor, state=state)
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=soon(), accounts=[account]), "post",
                   "Hanya konten yang sudah disetujui")
    assert Publication.objects.count() == 0
    assert state_of(post) == state


def test_an_account_outside_the_units_subtree_is_refused(tree, editor, platform):
    sibling_account = make_account(tree.kota, handle="@kotabogor", external_id="9")
    post = make_post(tree.kab, author=editor)
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=soon(), accounts=[sibling_account]),
                   "accounts", "bukan milik unit ini")
    assert Publication.objects.count() == 0


def test_accounts_must_be_live_and_have_a_variant(tree, editor, platform):
    post = make_post(tree.kab, author=editor, platforms=("sandbox",))
    disconnected = make_account(tree.kab, state="reconnect")
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=soon(), accounts=[disconnected]),
                   "accounts", "belum terhubung")
    x_account = make_account(tree.kab, platform=Platform.X, handle="@humasbogor", external_id="77")
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=soon(), accounts=[x_account]),
                   "accounts", "belum punya varian")
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=soon(), accounts=[]),
                   "accounts", "Pilih paling sedikit satu akun")
    assert Publication.objects.count() == 0


def test_a_platform_that_cannot_publish_the_content_is_refused(tree, editor, platform):
    post = make_post(tree.kab, author=editor, platforms=("instagram",))  # text only: Instagram needs media
    account = make_account(tree.kab, platform=Platform.INSTAGRAM, handle="@humasbogorkab", external_id="17841")
    assert_refused(lambda: post_schedule(actor=editor, post=post, when=soon(), accounts=[account]),
                   "accounts", "tidak dapat menerbitkan konten seperti ini")


class QuotaConnector:
    capabilities = frozenset({Capability.PUBLISH_IMAGE})

    def __init__(self, used, total):
        self.answer = (used, total)

    def publishing_quota(self):
        return self.answer


@pytest.fixture
def instagram(tree, editor, monkeypatch, db):
    monkeypatch.setattr(publisher, "variant_media_kinds", lambda variant: {"image"})
    account = make_account(tree.kab, platform=Platform.INSTAGRAM, handle="@humasbogorkab", external_id="17841")
    post = make_post(tree.kab, author=editor, platforms=("instagram",))

    def quota(used, total):
        monkeypatch.setattr("warta.channels.services.connector_for",
                            lambda account, purpose, actor=None: QuotaConnector(used, total))
    return type("IG", (), dict(account=account, post=post, quota=staticmethod(quota)))


def test_instagram_daily_cap_refuses_when_exhausted(editor, instagram):
    instagram.quota(25, 25)
    assert_refused(lambda: post_schedule(actor=editor, post=instagram.post, when=soon(), accounts=[instagram.account]),
                   "accounts", "Kuota harian Instagram untuk @humasbogorkab")
    assert Publication.objects.count() == 0
    assert state_of(instagram.post) == S.APPROVED


def test_instagram_daily_cap_warns_with_what_is_left(editor, instagram):
    instagram.quota(20, 25)
    result = post_schedule(actor=editor, post=instagram.post, when=soon(), accounts=[instagram.account])
    assert result.state == S.SCHEDULED
    assert result.schedule_warnings == ["Sisa kuota harian Instagram untuk @humasbogorkab pada "
                                        f"{soon().astimezone(result.unit.zone).strftime('%d-%m-%Y')}: 4 dari 25 kiriman."]


def test_unschedule_cancels_and_returns_to_approved(tree, editor, platform):
    post = make_post(tree.kab, author=editor)
    post_schedule(actor=editor, post=post, when=soon(), accounts=[make_account(tree.kab)])
    post_unschedule(actor=editor, post=post)
    assert state_of(post) == S.APPROVED
    assert Publication.objects.get().state == P.CANCELLED
    assert_refused(lambda: post_unschedule(actor=editor, post=post), "post", "tidak sedang terjadwal")


def test_publish_now_publishes_at_once(tree, editor, platform, django_capture_on_commit_callbacks):
    post = make_post(tree.kab, author=editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_publish_now(actor=editor, post=post, accounts=[make_account(tree.kab)])
    publication = Publication.objects.get()
    assert publication.state == P.PUBLISHED
    assert [p["text"] for p in platform.posts] == [TEXT]
    assert state_of(post) == S.PUBLISHED


# --- dispatch -------------------------------------------------------------------------------------


def scheduled(tree, editor, n=1, *, when=None):
    account = make_account(tree.kab)
    posts = []
    for i in range(n):
        post = make_post(tree.kab, author=editor, text=f"{TEXT} ({i})", title=f"Pos {i}")
        post_schedule(actor=editor, post=post, when=when or soon(5), accounts=[account])
        posts.append(post)
    return posts


def test_the_dispatcher_hands_over_due_publications_once(tree, editor, platform):
    posts = scheduled(tree, editor, 3)
    Publication.objects.filter(post=posts[2]).update(due_at=soon(120))  # not due yet
    handed = []
    later = soon(10)
    assert dispatch.publications_dispatch(now=later, batch=1, enqueue=handed.extend) == 2
    assert sorted(handed) == sorted(Publication.objects.filter(post__in=posts[:2]).values_list("pk", flat=True))
    assert [state_of(p) for p in posts] == [S.PUBLISHING, S.PUBLISHING, S.SCHEDULED]
    # A second scheduler (or a second run) in the same minute hands over nothing again.
    assert dispatch.publications_dispatch(now=later, enqueue=handed.extend) == 0
    assert len(handed) == 2
    # A task the queue lost is handed over again once the dispatch mark has passed.
    assert dispatch.publications_dispatch(now=later + timedelta(minutes=11), enqueue=handed.extend) == 2
    assert len(handed) == 4


def test_nothing_is_dispatched_for_a_post_moved_back_to_draft(tree, editor, platform):
    [post] = scheduled(tree, editor)
    post.state = S.DRAFT  # as an edit would, bypassing the composer
    post.save(update_fields=["state"])
    assert dispatch.publications_dispatch(now=soon(10), enqueue=lambda ids: None) == 0


# --- the publisher --------------------------------------------------------------------------------


def due(tree, editor, **kw):
    [post] = scheduled(tree, editor, **kw)
    publication = Publication.objects.get(post=post)
    Publication.objects.filter(pk=publication.pk).update(due_at=timezone.now() - timedelta(seconds=1))  # time came
    dispatch.publications_dispatch(enqueue=lambda ids: None)
    publication.refresh_from_db()
    return post, publication


def test_publish_one_claims_sends_and_records(tree, editor, platform):
    post, publication = due(tree, editor)
    assert publisher.publish_one(publication.pk) == "published"
    publication.refresh_from_db()
    [sent] = platform.received
    assert sent["idempotency_key"] == str(publication.uuid)
    assert (publication.state, publication.external_id, publication.url, publication.attempts) == (
        P.PUBLISHED, "1000", "https://sandbox.example/p/1000", 1)
    assert publication.fingerprint == fingerprint(sent["text"])
    assert state_of(post) == S.PUBLISHED
    assert actions("publication.") == ["publication.published"]
    assert publisher.publish_one(publication.pk) == "skipped"  # a duplicate task sends nothing
    assert len(platform.received) == 1


def test_a_claimed_publication_is_not_sent_by_a_second_worker(tree, editor, platform):
    post, publication = due(tree, editor)
    claim = publisher._claim(publication, fingerprint(TEXT))  # worker A holds the claim
    assert claim is not None
    assert publisher.publish_one(publication.pk) == "skipped"  # worker B
    assert platform.received == []
    assert publisher._claim(publication, fingerprint(TEXT)) is None


def test_a_permanent_error_fails_with_plain_words(tree, editor, platform):
    post, publication = due(tree, editor)
    platform.script = [("status", 400)]
    assert publisher.publish_one(publication.pk) == P.FAILED
    publication.refresh_from_db()
    assert publication.state == P.FAILED
    assert publication.error_kind == "permanent"
    assert publication.error_message.startswith("Platform menolak permintaan Warta. Pesan platform: “Kesalahan 400”.")
    assert state_of(post) == S.FAILED
    assert "publication.failed" in actions("publication.")
    from warta.notifications.models import Notification

    note = Notification.objects.get(user=editor, kind="publishing.failed")
    assert note.title == "Gagal terbit di @humasbogorkab: Pos 0"
    assert note.url == f"/publikasi/u/{tree.kab.uuid}/konten/{post.uuid}/"
    assert note.body == publication.error_message


def test_transient_errors_retry_with_backoff_then_fail(tree, editor, platform, settings):
    settings.WARTA_PUBLISH_MAX_ATTEMPTS = 2
    post, publication = due(tree, editor)
    platform.script = [("status", 503), ("status", 502)]
    before = timezone.now()
    assert publisher.publish_one(publication.pk) == P.PENDING
    publication.refresh_from_db()
    assert publication.state == P.PENDING
    assert timedelta(seconds=14) <= publication.next_attempt_at - before <= timedelta(seconds=46)
    assert state_of(post) == S.PUBLISHING
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=None)
    assert publisher.publish_one(publication.pk) == P.FAILED
    assert platform.fetches == 1  # looked for the post before sending it again
    assert state_of(post) == S.FAILED
    assert platform.posts == []


def test_backoff_grows_and_honours_retry_after():
    assert publisher.backoff(1, retry_after=7) == timedelta(seconds=7)
    assert timedelta(seconds=15) <= publisher.backoff(1) <= timedelta(seconds=45)
    assert timedelta(seconds=120) <= publisher.backoff(4) <= timedelta(seconds=360)
    assert publisher.backoff(30) <= timedelta(seconds=5400)


def test_a_post_found_after_an_ambiguous_error_is_not_sent_again(tree, editor, platform):
    post, publication = due(tree, editor)
    assert publisher.publish_one(publication.pk) == "published"
    # Pretend the record was an ambiguous 5xx: the platform has the post, Warta thinks it failed.
    Publication.objects.filter(pk=publication.pk).update(state=P.PENDING, error_kind="transient", external_id="")
    post.__class__.objects.filter(pk=post.pk).update(state=S.PUBLISHING)
    assert publisher.publish_one(publication.pk) == "reconciled"
    publication.refresh_from_db()
    assert (publication.state, publication.external_id) == (P.PUBLISHED, "1000")
    assert len(platform.received) == 1


# --- recovery and reconciliation ------------------------------------------------------------------


def crashed(tree, editor, platform, *, sent: bool):
    """A publication a worker claimed (and sent, or not) before dying, its lease long gone."""
    post, publication = due(tree, editor)
    claim = publisher._claim(publication, fingerprint(TEXT + " (0)"))
    if sent:
        platform.posts.append({"id": "555", "text": TEXT + " (0)", "created_at": timezone.now().isoformat(),
                               "url": "https://sandbox.example/p/555"})
    Publication.objects.filter(pk=publication.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))
    return post, publication, claim


def test_recovery_finds_a_post_the_platform_received(tree, editor, platform):
    post, publication, _claim = crashed(tree, editor, platform, sent=True)
    report = reconcile.publications_recover()
    assert (report["expired"], report["published"]) == (1, 1)
    publication.refresh_from_db()
    assert (publication.state, publication.external_id) == (P.PUBLISHED, "555")
    assert platform.received == []  # never sent again
    assert state_of(post) == S.PUBLISHED
    assert actions("publication.") == ["publication.uncertain", "publication.reconciled"]


def test_recovery_resends_once_what_the_platform_never_received(tree, editor, platform,
                                                                 django_capture_on_commit_callbacks):
    post, publication, _claim = crashed(tree, editor, platform, sent=False)
    with django_capture_on_commit_callbacks(execute=True):
        report = reconcile.publications_recover()
    assert report["pending"] == 1
    publication.refresh_from_db()
    assert publication.state == P.PUBLISHED
    assert len(platform.received) == 1
    assert state_of(post) == S.PUBLISHED


def test_a_live_claim_is_left_alone(tree, editor, platform):
    post, publication = due(tree, editor)
    publisher._claim(publication, fingerprint(TEXT))
    assert reconcile.publications_recover()["expired"] == 0
    publication.refresh_from_db()
    assert publication.state == P.CLAIMED


def test_the_late_worker_still_records_after_expiry(tree, editor, platform):
    post, publication, claim = crashed(tree, editor, platform, sent=False)
    reconcile.publications_expire()
    from warta.channels.connectors.base import PublishResult

    assert publisher.record_published(publication, claim.token, PublishResult(external_id="777"))
    publication.refresh_from_db()
    assert (publication.state, publication.external_id) == (P.PUBLISHED, "777")


def test_a_platform_that_cannot_list_posts_leaves_it_to_a_human(tree, editor, platform, monkeypatch):
    post, publication, _claim = crashed(tree, editor, platform, sent=True)
    from warta.channels.connectors.sandbox.connector import SandboxConnector

    monkeypatch.setattr(SandboxConnector, "capabilities", SandboxConnector.capabilities - {Capability.FETCH_POSTS})
    report = reconcile.publications_recover()
    assert report["needs_check"] == 1
    publication.refresh_from_db()
    assert (publication.state, publication.error_kind) == (P.UNCERTAIN, "needs_check")
    assert "tandai sudah terbit" in publication.error_message
    assert state_of(post) == S.UNCERTAIN
    assert reconcile.publications_recover()["needs_check"] == 0  # asked once, then left alone
    # The author checks the platform and records where it is.
    with pytest.raises(ValidationError):
        publication_mark_published(actor=editor, publication=publication, url="javascript:alert(1)")
    publication.refresh_from_db()
    assert publication.state == P.UNCERTAIN
    publication_mark_published(actor=editor, publication=publication, url="https://sandbox.example/p/555")
    publication.refresh_from_db()
    assert (publication.state, publication.url) == (P.PUBLISHED, "https://sandbox.example/p/555")
    assert state_of(post) == S.PUBLISHED
    assert platform.received == []


def test_resend_after_a_human_check(tree, editor, platform, monkeypatch, django_capture_on_commit_callbacks):
    post, publication, _claim = crashed(tree, editor, platform, sent=False)
    from warta.channels.connectors.sandbox.connector import SandboxConnector

    monkeypatch.setattr(SandboxConnector, "capabilities", SandboxConnector.capabilities - {Capability.FETCH_POSTS})
    reconcile.publications_recover()
    with django_capture_on_commit_callbacks(execute=True):
        publication_resend(actor=editor, publication=publication)
    publication.refresh_from_db()
    assert publication.state == P.PUBLISHED
    assert len(platform.received) == 1
    assert state_of(post) == S.PUBLISHED
    assert "publication.resend" in actions("publication.")
    with pytest.raises(ValidationError):
        publication_resend(actor=editor, publication=publication)  # published: nothing to resend


# --- delete from the platform ---------------------------------------------------------------------


def test_delete_from_the_platform(tree, editor, platform):
    post, publication = due(tree, editor)
    with pytest.raises(ValidationError):
        publication_delete_from_platform(actor=editor, publication=publication)  # not published yet
    publisher.publish_one(publication.pk)
    publication_delete_from_platform(actor=editor, publication=publication)
    publication.refresh_from_db()
    assert publication.state == P.DELETED
    assert platform.deleted == ["1000"]
    event = AuditEvent.objects.get(action="publication.delete")
    assert event.changes["external_id"] == "1000"
    assert state_of(post) == S.PUBLISHED


def test_an_archived_account_fails_before_anything_is_sent(tree, editor, platform):
    post, publication = due(tree, editor)
    publication.account.__class__.objects.filter(pk=publication.account_id).update(archived_at=timezone.now())
    assert publisher.publish_one(publication.pk) == P.FAILED
    publication.refresh_from_db()
    assert "sudah diarsipkan" in publication.error_message
    assert platform.received == []
    assert state_of(post) == S.FAILED


def test_a_variants_image_goes_with_the_post(tree, editor, platform, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from warta.media.services import media_upload
    from warta.publishing.models import Variant, VariantMedia

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buffer, format="PNG")
    asset = media_upload(actor=editor, unit=tree.kab, file=SimpleUploadedFile("poster.png", buffer.getvalue()),
                         title="Poster", alt_text="Poster lama")
    post, publication = due(tree, editor)
    VariantMedia.objects.create(variant=Variant.objects.get(post=post), asset=asset, alt_text="Poster layanan KTP")
    outbound = publisher.outbound_build(publication, Variant.objects.get(post=post))
    assert [(m.kind, m.alt_text) for m in outbound.media] == [("image", "Poster layanan KTP")]
    assert publisher.publish_one(publication.pk) == "published"
    [sent] = platform.received
    assert sent["image"].endswith(".png")
    assert sent["idempotency_key"] == str(publication.uuid)


def test_unschedule_is_refused_once_sending_began(tree, editor, platform):
    post, publication = due(tree, editor)
    post.__class__.objects.filter(pk=post.pk).update(state=S.SCHEDULED)
    publisher._claim(publication, fingerprint(TEXT))
    assert_refused(lambda: post_unschedule(actor=editor, post=post), "post", "sudah mulai diterbitkan")
    assert Publication.objects.get().state == P.CLAIMED


def test_a_task_queued_before_a_move_to_later_sends_nothing(tree, editor, platform):
    post, publication = due(tree, editor)  # handed to the queue…
    # …then moved to later (what post_schedule's re-arming does: a new due time, no dispatch mark).
    Publication.objects.filter(pk=publication.pk).update(due_at=soon(180), next_attempt_at=None)
    assert publisher.publish_one(publication.pk) == "skipped"
    assert platform.received == []


def test_the_dispatcher_and_recovery_run_every_minute():
    from warta.core.periodic import periodic_jobs
    from warta.publishing import tasks

    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["publishing.dispatch"].every == timedelta(minutes=1)
    assert jobs["publishing.dispatch"].task is tasks.publications_dispatch_task
    assert jobs["publishing.recover"].every == timedelta(minutes=1)
    assert {jobs["publishing.dispatch"].queue_name, jobs["publishing.recover"].queue_name} == {"publishing"}
    assert tasks.publication_publish_task.queue_name == "publishing"


def test_a_platform_that_does_not_answer_leaves_it_uncertain_for_the_next_run(tree, editor, platform, httpserver):
    post, publication, _claim = crashed(tree, editor, platform, sent=True)
    httpserver.clear()  # the platform is down: every request fails
    httpserver.expect_request("/accounts/1/posts").respond_with_json({"error": {"message": "down"}}, status=503)
    report = reconcile.publications_recover()
    assert (report["expired"], report["retry"]) == (1, 1)
    publication.refresh_from_db()
    assert (publication.state, publication.error_kind) == (P.UNCERTAIN, "")
    assert platform.received == []


def test_one_account_batch_opens_the_credential_once(tree, editor, platform, monkeypatch):
    from warta.channels import services as channel_services
    from warta.publishing.tasks import account_publications_publish_task

    opened = []
    real = channel_services.connector_for

    def counting(account, **kw):
        opened.append(account.pk)
        return real(account, **kw)

    monkeypatch.setattr(channel_services, "connector_for", counting)

    posts = scheduled(tree, editor, 3)
    Publication.objects.filter(post__in=posts).update(due_at=timezone.now() - timedelta(seconds=1))
    dispatch.publications_dispatch(enqueue=lambda ids: None)
    ids = list(Publication.objects.filter(post__in=posts).order_by("pk").values_list("pk", flat=True))
    result = account_publications_publish_task.call(ids)
    assert result == {"published": 3}
    assert len(platform.received) == 3
    assert len(opened) == 1  # one connector (one audited credential use) for the account's batch
    assert actions("publication.") == ["publication.published"] * 3
