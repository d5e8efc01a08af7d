"""Review of the publishing app: defects found after the apps were written, each proven here
(every test failed before its fix)."""

import pytest
from django.urls import reverse

from tests.api import Api, make_token
from tests.conftest import login_client
from tests.publishing.test_engine_support import FakePlatform, make_account
from tests.publishing.test_engine_support import make_post as make_engine_post
from tests.publishing.test_posts_helpers import make_post, use_fake_guideline
from warta.publishing.models import Post, PostState, Publication, Variant

S = PostState


@pytest.fixture(autouse=True)
def guideline(monkeypatch):
    use_fake_guideline(monkeypatch)


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


@pytest.fixture
def platform(httpserver, db):
    return FakePlatform().install(httpserver)


@pytest.fixture
def world(tree, editor, platform):
    account = make_account(tree.kab)
    post = make_engine_post(tree.kab, author=editor)
    return type("World", (), dict(account=account, post=post, unit=tree.kab))


# --- a time far outside any calendar is a clear 422, not a 500 (OverflowError) ----------------------


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "0001-01-01T03:00"])
def test_schedule_page_with_year_one_is_refused_plainly(editor_client, world, when):
    response = editor_client.post(reverse("publishing:post-schedule", args=[world.unit.uuid, world.post.uuid]),
                                  {"when": when, "accounts": [str(world.account.uuid)]})
    assert response.status_code == 302
    world.post.refresh_from_db()
    assert world.post.state == S.APPROVED
    assert not Publication.objects.exists()


def test_schedule_api_with_year_one_is_a_422(client, editor, world):
    _token, raw = make_token(editor, world.unit)
    response = Api(client, raw).call("post", f"/units/{world.unit.uuid}/posts/{world.post.uuid}/schedule",
                                     {"when": "0001-01-01T00:00:00", "accounts": [str(world.account.uuid)]})
    assert response.status_code == 422, response.content[:300]
    assert "tahun" in response.json()["detail"].lower() or "tahun" in str(response.json()).lower()
    assert not Publication.objects.exists()


# --- the version diff with a non-ASCII digit is a 400, not a 500 ------------------------------------


def test_versions_page_with_a_superscript_digit(editor_client, tree, editor):
    post = make_post(tree.kab, editor, sandbox={"text": "Halo"})
    response = editor_client.get(reverse("publishing:post-versions", args=[tree.kab.uuid, post.uuid]),
                                 {"dari": "²", "ke": "1"})
    assert response.status_code == 400


# --- the composer stores no link or video title longer than the columns hold ------------------------


def test_composer_refuses_a_title_longer_than_the_column(editor_client, tree):
    response = editor_client.post(reverse("publishing:post-create", args=[tree.kab.uuid]), {
        "title": "Imbauan", "platforms": ["sandbox"], "text_sandbox": "Halo warga", "title_sandbox": "j" * 250})
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_composer_refuses_a_link_longer_than_the_column(editor_client, tree):
    link = "https://bogorkab.go.id/" + "a" * 1100
    response = editor_client.post(reverse("publishing:post-create", args=[tree.kab.uuid]), {
        "title": "Imbauan", "platforms": ["sandbox"], "text_sandbox": "Halo warga", "link_sandbox": link})
    assert response.status_code == 400
    assert not Variant.objects.exists()


# --- a plan applied twice (double click, two requests that both evaluated it) creates its drafts once


PLAN = "tanggal,jam,judul,platform,teks\n{day},09:00,Layanan KTP keliling,x,Layanan KTP keliling hadir.\n"


def test_a_plan_evaluated_twice_is_applied_once(tree, editor):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from warta.publishing import plan_import

    day = (timezone.now() + timedelta(days=40)).date()
    content = PLAN.format(day=day.isoformat()).encode()
    first = plan_import.plan_evaluate(unit=tree.kab, content=content, month=day.strftime("%Y-%m"))
    second = plan_import.plan_evaluate(unit=tree.kab, content=content, month=day.strftime("%Y-%m"))
    assert first.ok
    assert second.ok
    plan_import.plan_import_apply(actor=editor, unit=tree.kab, evaluation=first)
    with pytest.raises(ValidationError) as error:
        plan_import.plan_import_apply(actor=editor, unit=tree.kab, evaluation=second)
    assert "sudah ada" in " ".join(error.value.messages)
    assert Post.objects.filter(unit=tree.kab).count() == 1


# --- moving a scheduled post keeps the accounts chosen, not the ones taken off the schedule ---------


def test_a_move_does_not_bring_back_an_account_taken_off_the_schedule(tree, editor, world):
    from datetime import timedelta

    from django.utils import timezone

    from warta.publishing import calendar as cal
    from warta.publishing.models import PublicationState
    from warta.publishing.schedule import post_schedule

    other = make_account(tree.kab, handle="@diskominfobogor", external_id="2")
    when = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    post_schedule(actor=editor, post=world.post, when=when, accounts=[world.account, other])
    post_schedule(actor=editor, post=world.post, when=when, accounts=[world.account])  # `other` taken off
    assert Publication.objects.get(account=other).state == PublicationState.CANCELLED

    cal.post_move(actor=editor, post=world.post, new_day=(when + timedelta(days=1)).astimezone(tree.kab.zone).date())

    assert Publication.objects.get(account=world.account).state == PublicationState.PENDING
    assert Publication.objects.get(account=other).state == PublicationState.CANCELLED


# --- the version diff of a long post stays cheap (it ran for minutes on a repetitive 6 000 characters)


def test_the_diff_never_hands_the_matcher_a_huge_pair(monkeypatch):
    import difflib

    from warta.publishing import selectors

    real = difflib.SequenceMatcher
    sizes = []

    def guarded(*args, a=(), b=(), **kwargs):
        sizes.append(len(a) * len(b))
        assert len(a) * len(b) <= 1_000_000, "the matcher would run for minutes"
        return real(*args, a=a, b=b, **kwargs)

    monkeypatch.setattr(selectors.difflib, "SequenceMatcher", guarded)
    old = " ".join(f"a{i % 7}" for i in range(20_000))
    new = " ".join(f"b{i % 5}" if i % 3 else f"a{i % 7}" for i in range(20_000))
    html = str(selectors.inline_diff(old, new))
    assert "<del>" in html
    assert "<ins>" in html
    assert sizes
    # a short change is still shown word by word
    assert str(selectors.inline_diff("Mudik aman ya", "Mudik nyaman ya")) == \
        "Mudik <del>aman </del><ins>nyaman </ins>ya"


def test_the_diff_escapes_what_it_shows():
    from warta.publishing.selectors import inline_diff

    html = str(inline_diff("<b>a</b>\nx", "<i>b</i>\ny"))
    assert "<b>" not in html
    assert "<i>" not in html
    assert "&lt;b&gt;" in html


# --- the API's live check with a time at the end of the calendar is a 422, not a 500 -----------------


@pytest.mark.parametrize("when", ["9999-12-31T23:59:00+00:00", "0001-01-01T00:00:00"])
def test_compose_check_api_with_an_absurd_time(client, editor, tree, monkeypatch, when):
    from warta.guideline import services as guideline_services
    from warta.guideline.engine import guideline_check
    from warta.guideline.models import RuleKind
    from warta.publishing import services

    monkeypatch.setattr(services, "guideline_engine", lambda: guideline_check)
    guideline_services.rule_create(actor=None, unit=tree.kab, kind=RuleKind.POSTING_HOURS, severity="warning",
                                   params={"windows": ["06:00-21:00"]})
    _token, raw = make_token(editor, tree.kab)
    response = Api(client, raw).call("post", f"/units/{tree.kab.uuid}/compose/check",
                                     {"variants": {"x": {"text": "Halo warga"}}, "when": when})
    assert response.status_code == 422, response.content[:300]


# --- the guideline's time rules hold when an approved post is given its time -----------------------


@pytest.fixture
def real_guideline(monkeypatch):
    from warta.guideline.engine import guideline_check
    from warta.publishing import services

    monkeypatch.setattr(services, "guideline_engine", lambda: guideline_check)


def _night(unit, days=3):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    day = (timezone.now() + timedelta(days=days)).astimezone(unit.zone).date()
    return datetime.combine(day, time(23, 30), tzinfo=unit.zone)


def test_scheduling_outside_the_posting_hours_is_refused(tree, editor, world, real_guideline):
    from django.core.exceptions import ValidationError

    from warta.guideline import services as guideline_services
    from warta.guideline.models import RuleKind
    from warta.publishing.schedule import post_schedule

    guideline_services.rule_create(actor=None, unit=tree.jabar, kind=RuleKind.POSTING_HOURS, severity="error",
                                   params={"windows": ["06:00-21:00"]})
    with pytest.raises(ValidationError) as error:
        post_schedule(actor=editor, post=world.post, when=_night(tree.kab), accounts=[world.account])
    assert "jam unggah" in " ".join(error.value.messages).lower()
    world.post.refresh_from_db()
    assert world.post.state == S.APPROVED
    assert not Publication.objects.exists()

    day = _night(tree.kab).replace(hour=10, minute=0)  # inside the window: fine
    post_schedule(actor=editor, post=world.post, when=day, accounts=[world.account])
    world.post.refresh_from_db()
    assert world.post.state == S.SCHEDULED


def test_a_calendar_move_into_the_night_is_refused(tree, editor, world, real_guideline):
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from warta.guideline import services as guideline_services
    from warta.guideline.models import RuleKind
    from warta.publishing import calendar as cal
    from warta.publishing.schedule import post_schedule

    guideline_services.rule_create(actor=None, unit=tree.kab, kind=RuleKind.POSTING_HOURS, severity="error",
                                   params={"windows": ["06:00-21:00"]})
    morning = _night(tree.kab).replace(hour=10, minute=0)
    post_schedule(actor=editor, post=world.post, when=morning, accounts=[world.account])
    with pytest.raises(ValidationError):
        cal.post_move(actor=editor, post=world.post, new_day=(morning + timedelta(days=1)).date(),
                      new_time=_night(tree.kab).time().replace(tzinfo=None))
    world.post.refresh_from_db()
    assert world.post.scheduled_at == morning


def test_scheduling_into_a_sensitive_period_needs_the_higher_approval(tree, editor, world, real_guideline):
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from warta.guideline import services as guideline_services
    from warta.guideline.models import RuleKind
    from warta.publishing.schedule import post_schedule

    inside = _night(tree.kab, days=5).replace(hour=10, minute=0)
    guideline_services.rule_create(actor=None, unit=tree.jabar, kind=RuleKind.SENSITIVE_PERIOD, severity="warning",
                                   params={"name": "Masa tenang Pilkada",
                                           "start": (inside - timedelta(days=1)).isoformat(),
                                           "end": (inside + timedelta(days=1)).isoformat()})
    with pytest.raises(ValidationError) as error:
        post_schedule(actor=editor, post=world.post, when=inside, accounts=[world.account])
    assert "Masa tenang Pilkada" in " ".join(error.value.messages)
    assert not Publication.objects.exists()
    post_schedule(actor=editor, post=world.post, when=inside + timedelta(days=3), accounts=[world.account])  # after

    Post.objects.filter(pk=world.post.pk).update(needs_escalation=True)  # approved by the higher approver
    world.post.refresh_from_db()
    post_schedule(actor=editor, post=world.post, when=inside, accounts=[world.account])
    world.post.refresh_from_db()
    assert world.post.scheduled_at == inside


# --- duplicating a campaign does not fail on a post whose pillar was archived since ----------------


def test_duplicating_a_campaign_whose_post_has_an_archived_pillar(tree, editor, admin):
    from datetime import timedelta

    from django.utils import timezone

    from warta.planning.models import Campaign, Pillar
    from warta.planning.services import campaign_duplicate

    start = (timezone.now() + timedelta(days=5)).date()
    campaign = Campaign.objects.create(unit=tree.kab, name="Bogor Sehat", period_start=start,
                                       period_end=start + timedelta(days=30))
    pillar = Pillar.objects.create(unit=tree.kab, name="Kesehatan")
    post = make_engine_post(tree.kab, author=editor, state=S.DRAFT, title="Ayo imunisasi")
    Post.objects.filter(pk=post.pk).update(campaign=campaign, pillar=pillar)
    Pillar.objects.filter(pk=pillar.pk).update(archived_at=timezone.now())

    new = campaign_duplicate(actor=admin, campaign=campaign, name="Bogor Sehat 2", shift_days=7)

    [copy] = Post.objects.filter(campaign=new)
    assert copy.title == "Ayo imunisasi"
    assert copy.pillar is None
