"""The composer with the real guideline engine and the planning app's campaigns and pillars."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.publishing.test_posts_helpers import make_post
from warta.guideline import services as guideline
from warta.guideline.models import RuleKind, Severity
from warta.planning.models import Campaign, Pillar
from warta.publishing import services
from warta.publishing.models import PostState


@pytest.fixture
def rules(tree, admin):
    guideline.rule_create(actor=admin, unit=tree.kab, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["dijamin lolos"]})
    guideline.rule_create(actor=admin, unit=tree.kab, kind=RuleKind.REQUIRED_HASHTAG, severity=Severity.WARNING,
                          params={"hashtags": ["#BogorKabMaju"]})


def test_real_guideline_error_blocks_and_warning_is_carried(tree, editor, rules):
    bad = make_post(tree.kab, editor, sandbox={"text": "Pendaftar dijamin lolos seleksi #BogorKabMaju"})
    with pytest.raises(ValidationError) as exc:
        services.post_submit(actor=editor, post=bad)
    assert "dijamin lolos" in " ".join(exc.value.messages)
    bad.refresh_from_db()
    assert bad.state == PostState.DRAFT
    warned = make_post(tree.kab, editor, sandbox={"text": "Pendaftaran seleksi dibuka hari ini."})
    services.post_submit(actor=editor, post=warned)
    warned.refresh_from_db()
    assert warned.state == PostState.APPROVED
    assert any("#BogorKabMaju" in w["message"] for w in warned.warnings)


def test_rules_of_the_unit_apply_below_it(tree, editor, rules):
    post = make_post(tree.kec, editor, sandbox={"text": "Dijamin lolos!"})
    with pytest.raises(ValidationError):
        services.post_submit(actor=editor, post=post)


def test_campaign_and_pillar(tree, editor, admin):
    start = datetime.date(2026, 3, 1)
    campaign = Campaign.objects.create(unit=tree.jabar, name="Mudik Aman 2026", period_start=start,
                                       period_end=start + datetime.timedelta(days=40))
    pillar = Pillar.objects.create(unit=tree.kab, name="Layanan publik")
    post = services.post_create(actor=editor, unit=tree.kec, title="Mudik", campaign=campaign, pillar=pillar,
                                variants={"sandbox": {"text": "Mudik aman"}})
    assert (post.campaign, post.pillar) == (campaign, pillar)
    other = Pillar.objects.create(unit=tree.kota, name="Pilar kota")
    with pytest.raises(ValidationError) as exc:
        services.post_update(actor=editor, post=post, pillar=other)
    assert "pillar" in exc.value.message_dict
    post.refresh_from_db()
    assert post.pillar == pillar
    services.post_update(actor=editor, post=post, campaign=None)
    post.refresh_from_db()
    assert post.campaign is None
    assert post.version == 1


def test_list_by_campaign_page_and_api(client, tree, editor):
    from tests.api import Api, make_token
    from tests.conftest import login_client

    start = datetime.date(2026, 3, 1)
    campaign = Campaign.objects.create(unit=tree.kab, name="Mudik Aman 2026", period_start=start, period_end=start)
    services.post_create(actor=editor, unit=tree.kab, title="Dalam kampanye", campaign=campaign,
                         variants={"sandbox": {"text": "Mudik aman"}})
    make_post(tree.kab, editor, title="Di luar kampanye")
    api = Api(client, make_token(editor, tree.kab)[1])
    rows = api.get(f"/units/{tree.kab.uuid}/posts", campaign=str(campaign.uuid)).json()["items"]
    assert [r["title"] for r in rows] == ["Dalam kampanye"]
    login_client(client, editor)
    from django.urls import reverse

    body = client.get(reverse("publishing:post-list", args=[tree.kab.uuid]), {"campaign": campaign.pk}).content.decode()
    assert "Dalam kampanye" in body
    assert "Di luar kampanye" not in body
    composer = client.get(reverse("publishing:post-create", args=[tree.kab.uuid])).content.decode()
    assert "Mudik Aman 2026" in composer
