"""The demo's planning and publishing data: seeded through the services, idempotent, and the
welcome post reaches the sandbox by the real publishing path."""

import io
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from warta.amplification.models import AmplificationTask, Package
from warta.approvals.models import ApprovalChain, ApprovalRequest
from warta.approvals.services import may_decide
from warta.channels.models import PlatformApp
from warta.core import demo as core_demo
from warta.core.models import AuditEvent
from warta.guideline.models import Rule
from warta.organisations.models import Unit
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar
from warta.press.models import DistributionList, MediaContact, PressRelease
from warta.publishing import dispatch, publisher
from warta.publishing.models import Post, PostState, Publication, PublicationState, Template
from warta.sandbox.models import Post as SandboxPost
from warta.shell import demo_publishing
from warta.shell.demo_channels import demo_channels_seed
from warta.shell.demo_publishing import demo_publishing_seed

WELCOME = "Warta resmi mengudara"
CLOSED = "http://127.0.0.1:1/sandbox/api"  # nothing listens there: the web server is not up yet


def _demo(base_url: str = CLOSED) -> None:
    """The demo as ``make run`` loads it before the web server starts, without this step (run
    by each test itself, even once the step is registered in ``shell/apps.py``)."""
    steps = dict(core_demo._STEPS)
    core_demo._STEPS.pop("publishing", None)
    try:
        call_command("demo", verbosity=0, stdout=io.StringIO())
    finally:
        core_demo._STEPS.clear()
        core_demo._STEPS.update(steps)
    demo_channels_seed()
    PlatformApp.objects.filter(platform="sandbox").update(base_url=base_url)


def _seed() -> str:
    out = io.StringIO()
    demo_publishing_seed(stdout=out)
    return out.getvalue()


def _snapshot():
    return {
        "audit": AuditEvent.objects.count(),
        "planning": [m.objects.count() for m in (Pillar, Audience, Goal, Campaign, ImportantDate)],
        "rules": Rule.objects.count(),
        "chains": sorted(ApprovalChain.objects.values_list("unit__name", "content_kind", "levels")),
        "posts": sorted(Post.objects.values_list("title", "state", "version", "scheduled_at")),
        "publications": sorted(Publication.objects.values_list("post__title", "account__handle", "state", "due_at")),
        "requests": sorted(ApprovalRequest.objects.values_list("title", "state")),
        "templates": sorted(Template.objects.values_list("kind", "name")),
        "amplification": [Package.objects.count(), AmplificationTask.objects.count()],
        "press": [PressRelease.objects.count(), MediaContact.objects.count(), DistributionList.objects.count()],
    }


@pytest.fixture
def kab(db):
    _demo()
    return Unit.objects.get(region_code="32.01")


@pytest.mark.django_db
def test_first_run_seeds_every_piece_and_a_second_run_changes_nothing(kab, django_user_model):
    _seed()
    first = _snapshot()
    # planning
    assert sorted(Pillar.objects.filter(unit=kab).values_list("name", flat=True)) == [
        "Kebencanaan", "Layanan Publik", "Pembangunan"]
    assert Audience.objects.filter(unit=kab).count() == 3
    goals = dict(Goal.objects.filter(unit=kab).values_list("metric", "target"))
    assert goals == {"engagement_rate": 3, "response_time": 60}
    today = timezone.localtime(timezone.now(), kab.zone).date()
    for goal in Goal.objects.filter(unit=kab):
        assert goal.period_start <= today <= goal.period_end
        assert (goal.period_end - goal.period_start).days < 92
    campaign = Campaign.objects.get(unit=kab)
    assert campaign.programme
    assert "#BogorSiagaBanjir" in campaign.hashtags
    assert sorted(campaign.accounts.values_list("handle", flat=True)) == ["@diskominfobogorkab", "@humasbogorkab"]
    assert campaign.goals.count() == 2
    assert campaign.pillars.exists()
    assert ImportantDate.objects.filter(unit=kab).count() == 2
    # guideline and approvals
    assert Rule.objects.filter(unit=kab).exists()
    assert sorted(ApprovalChain.objects.filter(unit=kab).values_list("content_kind", "levels")) == [
        ("post", ["approver"]), ("press_release", ["approver"])]
    # templates: the unit's signature is the snippet the guideline asks for
    assert Template.objects.filter(unit=kab, kind="snippet", name="Tanda tangan Humas",
                                   text=demo_publishing.SIGNATURE).exists()
    # posts in several states, all written by the demo users
    states = sorted(Post.objects.values_list("state", flat=True))
    assert states.count(PostState.DRAFT) == 3
    assert states.count(PostState.APPROVED) == 1
    assert states.count(PostState.SCHEDULED) == 4
    editor = django_user_model.objects.get(email="editor.bogorkab@demo.warta.id")
    approver = django_user_model.objects.get(email="penyetuju.bogorkab@demo.warta.id")
    review = Post.objects.get(state=PostState.IN_REVIEW)
    request = ApprovalRequest.objects.get(object_id=str(review.pk), content_kind="post",
                                          state=ApprovalRequest.State.PENDING)
    assert request.submitted_by == editor
    assert may_decide(approver, request)
    assert request.warnings  # the missing signature: the approver has a warning to acknowledge
    tomorrow = Post.objects.get(title="Gerakan bersih sungai serentak")
    local = tomorrow.scheduled_at.astimezone(kab.zone)
    assert (local.date(), local.time()) == (today + timedelta(days=1), time(9, 0))
    assert tomorrow.publications.get().state == PublicationState.PENDING
    assert Post.objects.filter(campaign=campaign).count() >= 3
    # the calendar has times spread over the coming days
    days = {p.scheduled_at.astimezone(kab.zone).date() for p in Post.objects.exclude(scheduled_at=None)}
    assert len(days) >= 6
    # amplification: one package to every kecamatan of the regency
    package = Package.objects.get(unit=kab)
    assert package.source_post == tomorrow
    kecamatan = Unit.objects.filter(parent=kab, kind="kecamatan")
    assert kecamatan.count() > 10
    assert set(package.tasks.values_list("unit", flat=True)) == set(kecamatan.values_list("pk", flat=True))
    # press
    release = PressRelease.objects.get(unit=kab)
    assert release.state == PressRelease.State.APPROVED
    dlist = DistributionList.objects.get(unit=kab)
    assert dlist.contacts.count() == 5
    # the second run
    output = _seed()
    assert _snapshot() == first
    assert "Publikasi: 0 templat baru, 0 konten baru (-)." in output
    assert "Perencanaan: 0 baris baru" in output
    assert "Siaran pers: 0 baru (-)." in output
    assert "Amplifikasi: 0 paket baru." in output


@pytest.mark.django_db
def test_every_write_went_through_the_services_audit(kab):
    before = set(AuditEvent.objects.values_list("action", flat=True))
    _seed()
    actions = set(AuditEvent.objects.values_list("action", flat=True)) - before
    assert {"planning.pillar.create", "planning.campaign.create", "approval.chain_set", "post.create",
            "post.submit", "approval.decide", "post.scheduled", "post_template.create",
            "press.release_create", "press.contact_create", "press.list_save",
            "amplification_package.create"} <= actions


@pytest.mark.django_db
def test_without_a_running_sandbox_the_welcome_post_waits_for_the_worker(kab, httpserver):
    output = _seed()
    post = Post.objects.get(title=WELCOME)
    publication = post.publications.get()
    assert post.state == PostState.SCHEDULED
    assert publication.state == PublicationState.PENDING
    assert timezone.now() < publication.due_at <= timezone.now() + demo_publishing.PUBLISH_DELAY
    assert "terbit setelah worker berjalan" in output
    # make run starts the web server (the sandbox), the scheduler and the worker
    httpserver.expect_request("/posts", method="POST").respond_with_json(
        {"id": "77", "text": "x", "url": "https://sandbox.example/p/77", "created_at": timezone.now().isoformat()},
        status=201)
    PlatformApp.objects.filter(platform="sandbox").update(base_url=httpserver.url_for("/").rstrip("/"))
    # ... and the few minutes pass (the clock is not frozen: the row's time is moved instead)
    Publication.objects.filter(pk=publication.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    sent = []
    dispatch.publications_dispatch(enqueue=lambda ids: sent.extend(publisher.publish_one(i) for i in ids))
    assert sent == ["published"]
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.publications.get().external_id == "77"
    assert demo_publishing.SIGNATURE in httpserver.log[0][0].get_json()["text"]


@pytest.mark.django_db
def test_another_server_on_the_sandbox_address_is_not_taken_for_the_sandbox(kab, httpserver):
    httpserver.expect_request("/me").respond_with_json({"error": {"code": "invalid_token", "message": "?"}},
                                                       status=401)
    PlatformApp.objects.filter(platform="sandbox").update(base_url=httpserver.url_for("/").rstrip("/"))
    _seed()
    assert Post.objects.get(title=WELCOME).state == PostState.SCHEDULED
    assert [r.path for r, _response in httpserver.log] == ["/me"]  # asked who we are; nothing was posted


@pytest.mark.django_db(transaction=True)
def test_with_the_sandbox_running_the_welcome_post_is_published_there_at_once(live_server, settings):
    _demo(base_url="")
    settings.SITE_URL = live_server.url  # the sandbox connector follows SITE_URL
    before = SandboxPost.objects.count()
    output = _seed()
    post = Post.objects.get(title=WELCOME)
    assert post.state == PostState.PUBLISHED, output
    publication = post.publications.get()
    assert publication.state == PublicationState.PUBLISHED
    assert publication.external_id
    on_sandbox = SandboxPost.objects.get(pk=publication.external_id)
    assert on_sandbox.author.handle == "humasbogorkab"
    assert "kanal resmi" in on_sandbox.text
    assert SandboxPost.objects.count() == before + 1
    assert "worker" not in output


@pytest.mark.django_db
def test_a_part_that_fails_is_reported_and_the_others_go_on(kab, monkeypatch):
    from warta.planning import services as planning_services

    def broken(**kwargs):
        raise RuntimeError("layanan perencanaan rusak")

    monkeypatch.setattr(planning_services, "pillar_create", broken)
    output = _seed()
    assert "Perencanaan: dilewati (layanan perencanaan rusak)." in output
    assert not Pillar.objects.exists()
    assert not Campaign.objects.exists()
    assert PressRelease.objects.filter(state=PressRelease.State.APPROVED).exists()
    assert Post.objects.count() == len(demo_publishing.POSTS)
    monkeypatch.undo()
    _seed()  # a later run fills the gap
    assert Pillar.objects.count() == 3
    assert Campaign.objects.count() == 1


@pytest.mark.django_db
def test_a_post_that_cannot_be_made_is_skipped_with_its_reason(kab, monkeypatch):
    monkeypatch.setattr(demo_publishing, "POSTS", demo_publishing.POSTS[:1] + (
        ("bad", "kab", "Konten terlarang", "Ini hoaks besar " + "#BogorKabMaju", "", "Kebencanaan", False,
         "review", None, None),))
    output = _seed()
    assert "Publikasi: konten dilewati — Konten terlarang:" in output
    assert "hoaks" in output
    assert not Post.objects.filter(title="Konten terlarang").exists()  # not left half-made as a draft
    assert Post.objects.filter(title=WELCOME).exists()


@pytest.mark.django_db
def test_warta_demo_runs_the_step_after_the_channels_step(kab, monkeypatch):
    monkeypatch.setitem(core_demo._STEPS, "publishing", demo_publishing_seed)
    assert [name for name, _step in core_demo.demo_steps()].index("channels") < [
        name for name, _step in core_demo.demo_steps()].index("publishing")
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert f"Publikasi: 3 templat baru, {len(demo_publishing.POSTS)} konten baru (" in out.getvalue()
    assert Post.objects.filter(title=WELCOME, state=PostState.SCHEDULED).exists()


@pytest.mark.django_db
def test_without_the_demo_tree_nothing_is_written():
    before = AuditEvent.objects.count()
    assert "dilewati" in _seed()
    assert AuditEvent.objects.count() == before
    assert not Post.objects.exists()


def test_quarter_bounds():
    from datetime import date

    assert demo_publishing._quarter(date(2026, 11, 23)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert demo_publishing._quarter(date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert demo_publishing._quarter(date(2026, 6, 30)) == (date(2026, 4, 1), date(2026, 6, 30))
