"""Amplification services: sending down the tree, accepting within the guideline, declining,
the tracker following the sub-units' posts and their reach, and the daily reminders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.amplification.conftest import TEXT, make_package, soon
from warta.amplification import services
from warta.amplification.models import AmplificationTask, Package, PackageState, TaskState
from warta.channels.models import Account
from warta.core.models import AuditEvent
from warta.guideline import services as guideline
from warta.guideline.models import RuleKind, Severity
from warta.ingest.models import Item, PostMetricSnapshot
from warta.notifications.models import Notification
from warta.publishing.models import Post, PostState, Publication, PublicationState


def _stored():
    return (Package.objects.count(), AmplificationTask.objects.count(), Notification.objects.count(),
            Post.objects.count())


# --- sending -------------------------------------------------------------------------------------


def test_package_creates_one_task_per_recipient_and_notifies_their_officers(tree, admin, kec_editor,
                                                                            diskominfo_admin, viewer):
    package = make_package(tree, admin, deadline=soon())
    tasks = {t.unit: t for t in package.tasks.all()}
    assert set(tasks) == {tree.kec, tree.diskominfo}
    assert all(t.state == TaskState.WAITING for t in tasks.values())
    kec_note = Notification.objects.get(user=kec_editor)
    assert kec_note.kind == "amplification-task"
    assert "Imbauan mudik aman" in kec_note.title
    assert "Kabupaten Bogor" in kec_note.title
    assert kec_note.url == f"/amplifikasi/u/{tree.kec.uuid}/tugas/{tasks[tree.kec].uuid}/"
    assert Notification.objects.filter(user=diskominfo_admin).count() == 1
    # the sender's own people (Kabupaten Bogor) are not told of their own package
    assert not Notification.objects.filter(user__in=[admin, viewer]).exists()
    assert AuditEvent.objects.filter(action="amplification_package.create", target_id=str(package.uuid)).exists()


def test_a_unit_without_officers_is_told_through_the_nearest_unit_above_it(tree, admin, kec_editor):
    make_package(tree, admin, recipients=[tree.desa])
    note = Notification.objects.get(user=kec_editor)
    assert "Pakansari" in note.body


@pytest.mark.parametrize("who", ["kota", "kab", "jabar"])
def test_recipients_outside_the_subtree_are_refused_and_nothing_is_stored(tree, admin, kec_editor, who):
    before = _stored()
    with pytest.raises(ValidationError) as exc:
        make_package(tree, admin, recipients=[tree.kec, getattr(tree, who)])
    assert "recipients" in exc.value.message_dict
    assert "bukan unit di bawah" in exc.value.message_dict["recipients"][0]
    assert _stored() == before


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"recipients": []}, "recipients"),
    ({"title": "  "}, "title"),
    ({"variants": {}}, "variants"),
    ({"variants": {"myspace": {"text": "x"}}}, "variants"),
    ({"variants": {"x": {"text": "a" * 281}}}, "variants.x"),
    ({"variants": {"sandbox": {"text": "Mudik", "link": "bukan tautan"}}}, "variants.sandbox"),
    ({"deadline": timezone.now() - datetime.timedelta(minutes=5)}, "deadline"),
    ({"media": ["00000000-0000-0000-0000-000000000000"]}, "media"),
])
def test_bad_packages_are_refused_with_a_message(tree, admin, kwargs, field):
    before = _stored()
    with pytest.raises(ValidationError) as exc:
        make_package(tree, admin, **kwargs)
    assert field in exc.value.message_dict
    assert all(m for m in exc.value.message_dict[field])
    assert _stored() == before


def test_the_senders_guideline_error_refuses_the_package(tree, admin):
    guideline.rule_create(actor=admin, unit=tree.jabar, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["dijamin lolos"]})
    before = _stored()
    with pytest.raises(ValidationError) as exc:
        make_package(tree, admin, text="Pendaftar dijamin lolos seleksi")
    assert "dijamin lolos" in " ".join(exc.value.messages)
    assert _stored() == before


def test_media_of_a_sub_unit_cannot_go_in_a_package(tree, admin, kec_editor):
    from tests.publishing.test_posts_helpers import make_image

    own = make_image(tree.kab, admin)
    below = make_image(tree.kec, kec_editor)
    package = make_package(tree, admin, media=[own.uuid])
    assert list(package.media.all()) == [own]
    with pytest.raises(ValidationError) as exc:
        make_package(tree, admin, media=[below.uuid])
    assert "media" in exc.value.message_dict


# --- accepting and declining ---------------------------------------------------------------------


def test_accept_makes_the_sub_units_own_draft_with_the_adapted_text(tree, admin, kec_editor):
    from tests.publishing.test_posts_helpers import make_image

    image = make_image(tree.kab, admin)
    package = make_package(tree, admin, media=[image.uuid])
    task = package.tasks.get(unit=tree.kec)
    adapted = "Warga Cibinong, mudik aman! Cek jalur di https://bogorkab.go.id/mudik #MudikAman"
    task = services.task_accept(actor=kec_editor, task=task, variants={"sandbox": {"text": adapted}})
    assert task.state == TaskState.ADAPTED
    post = task.post
    assert post.unit == tree.kec
    assert post.state == PostState.DRAFT
    assert post.created_by == kec_editor
    variant = post.variants.get()
    assert variant.platform == "sandbox"
    assert variant.text == adapted
    assert [m.asset for m in variant.media.all()] == [image]
    event = AuditEvent.objects.get(action="amplification_task.accept")
    assert event.changes["adapted"] is True
    assert event.unit_id == tree.kec.pk
    with pytest.raises(ValidationError):  # a task is accepted once
        services.task_accept(actor=kec_editor, task=task, variants={"sandbox": {"text": adapted}})


def test_accept_with_submit_goes_through_the_sub_units_approval(tree, admin, kec_editor):
    package = make_package(tree, admin)
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(unit=tree.kec),
                                variants={"sandbox": {"text": TEXT}}, submit=True)
    task.post.refresh_from_db()
    # no approval chain is set for Kecamatan Cibinong: approved at once, not yet on a platform
    assert task.post.state in (PostState.IN_REVIEW, PostState.APPROVED)
    assert task.state == TaskState.SUBMITTED


def test_the_sub_units_guideline_error_refuses_the_adapted_text(tree, admin, kec_editor):
    guideline.rule_create(actor=None, unit=tree.kec, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["gratis"]})
    package = make_package(tree, admin)  # Kabupaten Bogor's guideline has no such rule
    task = package.tasks.get(unit=tree.kec)
    before = _stored()
    with pytest.raises(ValidationError) as exc:
        services.task_accept(actor=kec_editor, task=task,
                             variants={"sandbox": {"text": "Mudik gratis untuk warga Cibinong #MudikAman"}})
    assert "gratis" in " ".join(exc.value.messages)
    assert "Pedoman" in " ".join(exc.value.messages)
    task.refresh_from_db()
    assert task.state == TaskState.WAITING
    assert task.post is None
    assert _stored() == before
    # the same package is fine for Diskominfo, which has no such rule
    ok = services.task_accept(actor=admin, task=package.tasks.get(unit=tree.diskominfo),
                              variants={"sandbox": {"text": "Mudik gratis untuk warga #MudikAman"}})
    assert ok.state == TaskState.ADAPTED


def test_guideline_warnings_do_not_block_accepting(tree, admin, kec_editor):
    guideline.rule_create(actor=None, unit=tree.kec, kind=RuleKind.REQUIRED_HASHTAG, severity=Severity.WARNING,
                          params={"hashtags": ["#CibinongMaju"]})
    package = make_package(tree, admin)
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(unit=tree.kec),
                                variants={"sandbox": {"text": TEXT}})
    assert task.state == TaskState.ADAPTED


def test_accept_refuses_platforms_not_in_the_package_and_closed_packages(tree, admin, kec_editor):
    package = make_package(tree, admin)
    task = package.tasks.get(unit=tree.kec)
    with pytest.raises(ValidationError) as exc:
        services.task_accept(actor=kec_editor, task=task, variants={"x": {"text": "Mudik"}})
    assert "variants" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.task_accept(actor=kec_editor, task=task, variants={"sandbox": {"text": "  "}})
    services.package_close(actor=admin, package=package)
    with pytest.raises(ValidationError) as exc:
        services.task_accept(actor=kec_editor, task=task, variants={"sandbox": {"text": TEXT}})
    assert "ditutup" in " ".join(exc.value.messages)
    assert Post.objects.count() == 0


def test_decline_needs_a_reason_and_is_final(tree, admin, kec_editor):
    package = make_package(tree, admin)
    task = package.tasks.get(unit=tree.kec)
    with pytest.raises(ValidationError) as exc:
        services.task_decline(actor=kec_editor, task=task, reason="  ")
    assert "reason" in exc.value.message_dict
    task.refresh_from_db()
    assert task.state == TaskState.WAITING
    task = services.task_decline(actor=kec_editor, task=task, reason="Akun kecamatan sedang ditangguhkan.")
    assert task.state == TaskState.DECLINED
    assert task.declined_reason.startswith("Akun kecamatan")
    with pytest.raises(ValidationError):
        services.task_accept(actor=kec_editor, task=task, variants={"sandbox": {"text": TEXT}})
    with pytest.raises(ValidationError):
        services.task_decline(actor=kec_editor, task=task, reason="lagi")


# --- the tracker: state and reach ----------------------------------------------------------------


def _publish(post, account, *, external_id, when):
    """Put the post on its platform as the publishing engine records it."""
    Publication.objects.create(post=post, account=account, state=PublicationState.PUBLISHED,
                               external_id=external_id, published_at=when)
    Post.objects.filter(pk=post.pk).update(state=PostState.PUBLISHED, published_at=when)


def test_the_task_follows_its_post_and_sums_the_latest_reach(tree, admin, kec_editor):
    package = make_package(tree, admin)
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(unit=tree.kec),
                                variants={"sandbox": {"text": TEXT}})
    assert services.task_sync(task=task).state == TaskState.ADAPTED
    Post.objects.filter(pk=task.post_id).update(state=PostState.SCHEDULED)
    assert services.task_sync(task=task).state == TaskState.SUBMITTED
    assert task.reach is None
    ig = Account.objects.create(unit=tree.kec, platform="instagram", handle="@kec.cibinong")
    fb = Account.objects.create(unit=tree.kec, platform="facebook", handle="kec.cibinong")
    when = timezone.now() - datetime.timedelta(hours=3)
    _publish(task.post, ig, external_id="ig-1", when=when)
    Publication.objects.create(post=task.post, account=fb, state=PublicationState.PUBLISHED, external_id="fb-1",
                               published_at=when + datetime.timedelta(minutes=5))
    task = services.task_sync(task=task)
    assert task.state == TaskState.PUBLISHED
    assert task.published_at == when
    assert task.reach is None  # shared, but no metric yet: "belum ada data"
    t0 = timezone.now() - datetime.timedelta(hours=2)
    PostMetricSnapshot.objects.create(account=ig, external_id="ig-1", observed_at=t0, values={"reach": 100})
    PostMetricSnapshot.objects.create(account=ig, external_id="ig-1", observed_at=t0 + datetime.timedelta(hours=1),
                                      values={"reach": 340, "likes": 20})
    # Facebook's figure comes from its stored item (no snapshot yet)
    Item.objects.create(platform="facebook", external_id="fb-1", kind="post", created_at=when, source="poll",
                        metrics={"impressions": 60})
    task = services.task_sync(task=task)
    assert task.reach == 400
    assert AuditEvent.objects.filter(action="amplification_task.state", target_id=str(task.uuid)).count() == 2


def test_tasks_sync_covers_every_followed_task(tree, admin, kec_editor):
    package = make_package(tree, admin)
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(unit=tree.kec),
                                variants={"sandbox": {"text": TEXT}})
    account = Account.objects.create(unit=tree.kec, platform="sandbox", handle="@cibinong")
    _publish(task.post, account, external_id="sb-1", when=timezone.now())
    assert services.tasks_sync() == 1
    assert services.tasks_sync() == 0  # nothing changed the second time
    task.refresh_from_db()
    assert task.state == TaskState.PUBLISHED


def test_the_tracker_follows_a_publication_as_soon_as_it_is_recorded(tree, admin, kec_editor,
                                                                     django_capture_on_commit_callbacks):
    from warta.channels.connectors.base import PublishResult
    from warta.publishing.publisher import record_published

    package = make_package(tree, admin)
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(unit=tree.kec),
                                variants={"sandbox": {"text": TEXT}})
    account = Account.objects.create(unit=tree.kec, platform="sandbox", handle="@cibinong")
    Post.objects.filter(pk=task.post_id).update(state=PostState.PUBLISHING)
    publication = Publication.objects.create(post=task.post, account=account, state=PublicationState.CLAIMED,
                                             claim_token="t0k3n", due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert record_published(publication, "t0k3n", PublishResult(external_id="sb-9", url="https://x/9"))
    task.refresh_from_db()
    assert task.state == TaskState.PUBLISHED  # no periodic sync needed
    assert task.published_at is not None


def test_tracker_summary_counts_states_and_reach(tree, admin, kec_editor):
    from warta.amplification.selectors import tracker_summary

    package = make_package(tree, admin, recipients=[tree.kec, tree.diskominfo, tree.desa])
    services.task_decline(actor=admin, task=package.tasks.get(unit=tree.desa), reason="Belum punya akun.")
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(unit=tree.kec),
                                variants={"sandbox": {"text": TEXT}})
    AmplificationTask.objects.filter(pk=task.pk).update(state=TaskState.PUBLISHED, reach=250)
    summary = tracker_summary(package=package)
    assert (summary.total, summary.published, summary.declined, summary.reach) == (3, 1, 1, 250)
    assert dict((s, n) for s, _l, n in summary.counts)[TaskState.WAITING] == 1
    assert summary.overdue == 0


# --- reminders -----------------------------------------------------------------------------------


def test_reminders_go_once_a_day_to_tasks_near_or_past_their_deadline(tree, admin, kec_editor, diskominfo_admin):
    near = make_package(tree, admin, title="Paket dekat", deadline=soon(hours=20))
    make_package(tree, admin, title="Paket jauh", deadline=soon(hours=72))
    make_package(tree, admin, title="Tanpa batas")
    services.task_decline(actor=diskominfo_admin, task=near.tasks.get(unit=tree.diskominfo), reason="Tidak relevan.")
    Notification.objects.all().delete()
    now = timezone.now()
    assert services.reminders_send(now=now) == 1  # only Cibinong's task of the near package
    note = Notification.objects.get()
    assert note.user == kec_editor
    assert note.kind == "amplification-reminder"
    assert "Paket dekat" in note.title
    assert services.reminders_send(now=now + datetime.timedelta(hours=1)) == 0  # same day: not again
    task = near.tasks.get(unit=tree.kec)
    assert task.reminded_at == now
    # the next day (in WIB) the deadline has passed: reminded again, as overdue
    tomorrow = timezone.localtime(now, tree.kec.zone).replace(hour=7) + datetime.timedelta(days=1)
    assert services.reminders_send(now=tomorrow) == 1
    assert "sudah lewat" in Notification.objects.latest("pk").title


def test_shared_or_closed_tasks_are_not_reminded(tree, admin, kec_editor):
    package = make_package(tree, admin, recipients=[tree.kec], deadline=soon(hours=2))
    task = services.task_accept(actor=kec_editor, task=package.tasks.get(), variants={"sandbox": {"text": TEXT}})
    account = Account.objects.create(unit=tree.kec, platform="sandbox", handle="@cibinong")
    _publish(task.post, account, external_id="sb-1", when=timezone.now())
    other = make_package(tree, admin, recipients=[tree.kec], deadline=soon(hours=2))
    services.package_close(actor=admin, package=other)
    Notification.objects.all().delete()
    assert services.reminders_send() == 0
    assert not Notification.objects.exists()


def test_remind_now_respects_once_a_day(tree, admin, kec_editor):
    package = make_package(tree, admin)  # no deadline: "remind now" still reminds
    Notification.objects.all().delete()
    assert services.package_remind(actor=admin, package=package) == (2, 0)
    assert services.package_remind(actor=admin, package=package) == (0, 2)
    assert Notification.objects.filter(user=kec_editor).count() == 1
    services.package_close(actor=admin, package=package)
    package.refresh_from_db()
    assert package.state == PackageState.CLOSED
    with pytest.raises(ValidationError):
        services.package_remind(actor=admin, package=package)


def test_the_jobs_are_registered_and_run(tree, admin, kec_editor):
    from warta.amplification.tasks import amplification_remind_task, amplification_sync_task
    from warta.core.periodic import periodic_jobs

    jobs = {j.name: j for j in periodic_jobs()}
    assert jobs["amplification.remind"].every == datetime.timedelta(days=1)
    assert jobs["amplification.sync"].task is amplification_sync_task
    make_package(tree, admin, recipients=[tree.kec], deadline=soon(hours=3))
    Notification.objects.all().delete()
    amplification_remind_task.enqueue()
    amplification_sync_task.enqueue()
    assert Notification.objects.filter(user=kec_editor, kind="amplification-reminder").count() == 1
