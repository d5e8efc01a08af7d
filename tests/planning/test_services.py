"""Planning services: validation (bad input changes nothing), uniqueness, inheritance, duplication."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from warta.channels.models import Account
from warta.core.models import AuditEvent
from warta.planning import selectors, services
from warta.planning.models import Audience, Campaign, Goal, Metric, Pillar, Segment

START, END = date(2026, 1, 1), date(2026, 3, 31)
ARCHIVED = datetime(2026, 1, 1, tzinfo=UTC)


def state():
    """Every planning row and the audit length: for 'nothing changed' asserts."""
    return (
        list(Goal.objects.order_by("pk").values()),
        list(Pillar.objects.order_by("pk").values()),
        list(Audience.objects.order_by("pk").values()),
        list(Campaign.objects.order_by("pk").values()),
        [list(c.pillars.values_list("pk", flat=True)) for c in Campaign.objects.order_by("pk")],
        AuditEvent.objects.count(),
    )


def goal(unit, actor, **kw):
    fields = {"title": "Keterlibatan naik", "metric": Metric.ENGAGEMENT_RATE, "target": Decimal("5"),
              "period_start": START, "period_end": END} | kw
    return services.goal_create(actor=actor, unit=unit, **fields)


def test_goal_create_is_audited(tree, admin):
    g = goal(tree.kab, admin, notes="Triwulan I")
    assert Goal.objects.get(uuid=g.uuid).target == Decimal("5.00")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.target_id, event.unit_id) == ("planning.goal.create", str(g.uuid), tree.kab.pk)


@pytest.mark.parametrize(("fields", "field", "text"), [
    ({"period_end": date(2025, 12, 31)}, "period_end", "sebelum awal periode"),
    ({"metric": Metric.REACH, "target": 0}, "target", "lebih dari nol"),
    ({"metric": Metric.RESPONSE_TIME, "target": -5}, "target", "lebih dari nol"),
    ({"target": 150}, "target", "paling besar 100"),
    ({"title": "   "}, "title", "Wajib diisi"),
    ({"metric": "likes"}, "metric", "tidak dikenal"),
    ({"target": "banyak"}, "target", "angka"),
])
def test_goal_bad_input_changes_nothing(tree, admin, fields, field, text):
    before = state()
    with pytest.raises(ValidationError) as exc:
        goal(tree.kab, admin, **fields)
    assert text in " ".join(exc.value.message_dict[field])
    assert state() == before


def test_other_metric_allows_zero_target(tree, admin):
    assert goal(tree.kab, admin, metric=Metric.OTHER, target=0).target == 0


def test_goal_update_bad_input_leaves_row(tree, admin):
    g = goal(tree.kab, admin)
    before = state()
    with pytest.raises(ValidationError):
        services.goal_update(actor=admin, goal=g, title="Judul baru", period_start=date(2026, 6, 1))
    assert state() == before
    updated = services.goal_update(actor=admin, goal=g, title="Judul baru")
    assert Goal.objects.get(pk=g.pk).title == "Judul baru" == updated.title
    assert AuditEvent.objects.order_by("-seq").first().changes["title"] == ["Keterlibatan naik", "Judul baru"]


def test_names_unique_per_unit_case_insensitive(tree, admin):
    p = services.pillar_create(actor=admin, unit=tree.kab, name="Layanan Publik")
    before = state()
    with pytest.raises(ValidationError) as exc:
        services.pillar_create(actor=admin, unit=tree.kab, name="layanan publik ")
    assert "sudah punya pilar" in exc.value.message_dict["name"][0]
    assert state() == before
    services.pillar_create(actor=admin, unit=tree.kec, name="Layanan Publik")  # another unit: fine
    services.pillar_archive(actor=admin, pillar=p)
    again = services.pillar_create(actor=admin, unit=tree.kab, name="Layanan publik")  # archived frees the name
    with pytest.raises(ValidationError):
        services.pillar_archive(actor=admin, pillar=p, archived=False)
    assert Pillar.objects.get(pk=p.pk).archived_at is not None
    services.pillar_update(actor=admin, pillar=again, name="Layanan warga")
    services.pillar_archive(actor=admin, pillar=p, archived=False)
    assert Pillar.objects.get(pk=p.pk).archived_at is None


def test_pillar_colour_must_be_from_palette(tree, admin):
    with pytest.raises(ValidationError) as exc:
        services.pillar_create(actor=admin, unit=tree.kab, name="Ekonomi", colour="#ffff00")
    assert "colour" in exc.value.message_dict
    assert not Pillar.objects.exists()


def test_audience_segment_checked(tree, admin):
    with pytest.raises(ValidationError):
        services.audience_create(actor=admin, unit=tree.kab, name="Pemuda", segment="aliens")
    a = services.audience_create(actor=admin, unit=tree.kab, name="Pemuda", segment=Segment.YOUTH)
    assert a.get_segment_display() == "Pelajar dan generasi muda"


@pytest.mark.parametrize(("raw", "expected"), [
    ("bogor, #Sehat  #sehat", ["#bogor", "#Sehat"]),
    (["#BanggaBuatanIndonesia", "Bogor2026", "#_ok"], ["#BanggaBuatanIndonesia", "#Bogor2026", "#_ok"]),
    ("", []),
])
def test_hashtags_normalise(raw, expected):
    assert services.hashtags_normalise(raw) == expected


@pytest.mark.parametrize("bad", ["#a-b", "#123", "#", "#sehat!", "##dua", "#_", ["#ok", 5]])
def test_hashtags_bad(bad):
    with pytest.raises(ValidationError) as exc:
        services.hashtags_normalise(bad)
    assert "Tagar tidak sah" in exc.value.message_dict["hashtags"][0]


def test_too_many_hashtags():
    with pytest.raises(ValidationError):
        services.hashtags_normalise([f"#t{i}" for i in range(31)])


def test_inheritance_of_pillars_and_audiences(tree, admin, sibling):
    jabar = services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara")
    kab = services.pillar_create(actor=admin, unit=tree.kab, name="Bogor Sehat")
    desa = services.pillar_create(actor=admin, unit=tree.desa, name="Desa Wisata")
    services.pillar_create(actor=sibling, unit=tree.kota, name="Kota Hujan")
    archived = services.pillar_create(actor=admin, unit=tree.jabar, name="Lama")
    services.pillar_archive(actor=admin, pillar=archived)
    assert set(selectors.pillars_available(tree.kec)) == {jabar, kab}
    assert set(selectors.pillars_available(tree.desa)) == {jabar, kab, desa}
    aud = services.audience_create(actor=admin, unit=tree.jabar, name="ASN", segment=Segment.CIVIL_SERVANTS)
    assert list(selectors.audiences_available(tree.desa)) == [aud]
    assert list(selectors.audiences_available(tree.kota)) == [aud]
    assert list(selectors.audiences_available(tree.kemendagri)) == []


def _campaign(unit, actor, **kw):
    fields = {"name": "Bogor Sehat 2026", "programme": "Gerakan Masyarakat Hidup Sehat", "period_start": START,
              "period_end": END} | kw
    return services.campaign_create(actor=actor, unit=unit, **fields)


def test_campaign_with_inherited_rows_and_accounts(tree, admin):
    g = goal(tree.jabar, admin)
    p = services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara")
    a = services.audience_create(actor=admin, unit=tree.kab, name="Warga", segment=Segment.GENERAL_PUBLIC)
    acc = Account.objects.create(unit=tree.kec, platform="instagram", handle="@cibinong")
    c = _campaign(tree.kab, admin, goals=[g], pillars=[p], audiences=[a], accounts=[acc],
                  hashtags="sehat #BogorSehat")
    c.refresh_from_db()
    assert c.hashtags == ["#sehat", "#BogorSehat"]
    assert (list(c.goals.all()), list(c.pillars.all()), list(c.audiences.all()), list(c.accounts.all())) == (
        [g], [p], [a], [acc])


@pytest.mark.parametrize("what", ["pillar", "account", "archived_account", "subunit_pillar", "hashtag", "period"])
def test_campaign_refuses_what_is_out_of_reach(tree, admin, sibling, what):
    kota_pillar = services.pillar_create(actor=sibling, unit=tree.kota, name="Kota Hujan")
    desa_pillar = services.pillar_create(actor=admin, unit=tree.desa, name="Desa")
    kota_account = Account.objects.create(unit=tree.kota, platform="x", handle="@kotabogor")
    old = Account.objects.create(unit=tree.kab, platform="x", handle="@lama")
    Account.objects.filter(pk=old.pk).update(archived_at=ARCHIVED)
    kwargs = {"pillar": {"pillars": [kota_pillar]}, "account": {"accounts": [kota_account]},
              "archived_account": {"accounts": [old]}, "subunit_pillar": {"pillars": [desa_pillar]},
              "hashtag": {"hashtags": ["#bogor sehat"]}, "period": {"period_end": date(2025, 1, 1)}}[what]
    before = state()
    with pytest.raises(ValidationError):
        _campaign(tree.kab, admin, **kwargs)
    assert state() == before


def test_campaign_update_replaces_relations(tree, admin):
    p1 = services.pillar_create(actor=admin, unit=tree.kab, name="Satu")
    p2 = services.pillar_create(actor=admin, unit=tree.kab, name="Dua")
    c = _campaign(tree.kab, admin, pillars=[p1])
    services.campaign_update(actor=admin, campaign=c, pillars=[p2], hashtags=["#baru"])
    c.refresh_from_db()
    assert list(c.pillars.all()) == [p2]
    assert c.hashtags == ["#baru"]
    assert AuditEvent.objects.order_by("-seq").first().action == "planning.campaign.update"


def test_campaign_duplicate_copies_and_shifts(tree, admin):
    p = services.pillar_create(actor=admin, unit=tree.kab, name="Kesehatan")
    g = goal(tree.kab, admin)
    acc = Account.objects.create(unit=tree.kab, platform="instagram", handle="@humasbogor")
    gone = Account.objects.create(unit=tree.kab, platform="x", handle="@lama")
    old = _campaign(tree.kab, admin, pillars=[p], goals=[g], accounts=[acc, gone], hashtags=["#BogorSehat"])
    Account.objects.filter(pk=gone.pk).update(archived_at=ARCHIVED)
    new = services.campaign_duplicate(actor=admin, campaign=old, name="Bogor Sehat 2027", shift_days=365)
    new.refresh_from_db()
    assert (new.period_start, new.period_end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert (new.programme, new.hashtags, new.unit) == (old.programme, ["#BogorSehat"], tree.kab)
    assert list(new.pillars.all()) == [p]
    assert list(new.goals.all()) == [g]
    assert list(new.accounts.all()) == [acc]
    assert Campaign.objects.get(pk=old.pk).period_start == START  # the original is untouched
    assert AuditEvent.objects.order_by("-seq").first().action == "planning.campaign.duplicate"


def test_campaign_duplicate_name_taken_changes_nothing(tree, admin):
    old = _campaign(tree.kab, admin)
    before = state()
    with pytest.raises(ValidationError) as exc:
        services.campaign_duplicate(actor=admin, campaign=old, name="bogor sehat 2026", shift_days=7)
    assert "name" in exc.value.message_dict
    assert state() == before


def test_duplicate_hooks_called_in_transaction(tree, admin):
    calls = []

    def hook(*, old, new, actor, shift_days):
        calls.append((old.pk, new.name, actor, shift_days))

    def failing(*, old, new, actor, shift_days):
        raise ValidationError("gagal menyalin unggahan")

    old = _campaign(tree.kab, admin)
    services.campaign_duplicate_hook_register(hook)
    services.campaign_duplicate_hook_register(hook)  # twice: called once
    try:
        services.campaign_duplicate(actor=admin, campaign=old, name="Salinan", shift_days=30)
        assert calls == [(old.pk, "Salinan", admin, 30)]
        services.campaign_duplicate_hook_register(failing)
        before = state()
        with pytest.raises(ValidationError):
            services.campaign_duplicate(actor=admin, campaign=old, name="Salinan kedua", shift_days=30)
        assert state() == before
        assert not Campaign.objects.filter(name="Salinan kedua").exists()
    finally:
        services.campaign_duplicate_hook_unregister(hook)
        services.campaign_duplicate_hook_unregister(failing)


def test_duplicate_shift_checked(tree, admin):
    old = _campaign(tree.kab, admin)
    for bad in (5000, "7", True):
        with pytest.raises(ValidationError):
            services.campaign_duplicate(actor=admin, campaign=old, name="X", shift_days=bad)
    assert Campaign.objects.count() == 1


def test_important_date_validation(tree, admin):
    with pytest.raises(ValidationError):
        services.important_date_create(actor=admin, unit=tree.kab, date=None, title="Hari Jadi")
    with pytest.raises(ValidationError):
        services.important_date_create(actor=admin, unit=tree.kab, date=date(2026, 6, 3), title="")
    row = services.important_date_create(actor=admin, unit=tree.kab, date=date(1482, 6, 3), title="Hari Jadi Bogor",
                                         yearly=True)
    services.important_date_update(actor=admin, important_date=row, note="Upacara di alun-alun")
    services.important_date_archive(actor=admin, important_date=row)
    row.refresh_from_db()
    assert row.note == "Upacara di alun-alun"
    assert row.archived_at is not None
    assert [e.action for e in AuditEvent.objects.order_by("seq") if e.action.startswith("planning.")] == [
        "planning.date.create", "planning.date.update", "planning.date.archive"]
