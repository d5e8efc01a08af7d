"""The planning endpoints of the JSON API: goals, audiences, pillars, campaigns, important dates,
and the calendar's day marks (national holidays and the unit's own dates).

Same auth and scope rules as the organisations API. A row is read within the token's reach
(its subtree and, for what is inherited, its ancestors: sibling units' rows are 404); it is
written only from a scope containing its owner unit, with ``planning.manage`` (else 403).
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.channels.models import Account
from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.schemas import PageIn
from warta.organisations.scope import Scope, scope_for_unit
from warta.planning import holidays, selectors, services
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar
from warta.planning.schemas import (
    ArchiveIn,
    AudienceIn,
    AudienceOut,
    AudiencePage,
    AudiencePatch,
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    DayMarkOut,
    DuplicateIn,
    GoalIn,
    GoalOut,
    GoalPage,
    GoalPatch,
    ImportantDateIn,
    ImportantDateOut,
    ImportantDatePage,
    ImportantDatePatch,
    ListFilterIn,
    MarksIn,
    PillarIn,
    PillarOut,
    PillarPage,
    PillarPatch,
)

router = Router(tags=["perencanaan"])


def _list(request, model, unit_uuid: UUID, filters: ListFilterIn, paging: PageIn):
    scope = unit_scope(request, unit_uuid)
    scope.require("planning.view")
    f = selectors.ListFilter(query=filters.q.replace("\x00", "").strip(), archived=filters.archived,
                             inherited=filters.inherited)
    qs = selectors.row_list(model, scope=scope, filters=f)
    if model is Campaign:
        qs = qs.prefetch_related("goals", "pillars", "audiences", _accounts_in(token_scope(request)))
    return paginate(qs, paging)


def _manage_scope(request, unit_uuid: UUID) -> Scope:
    scope = unit_scope(request, unit_uuid)
    scope.require("planning.manage")
    return scope


def _row(request, model, uuid: UUID, *, write: bool) -> tuple[Scope, object]:
    """Return the scope on the row's owner unit (capped by the token) and the row.

    Reads reach the token's subtree and its ancestors' rows; writes only the subtree's."""
    reach = token_scope(request)
    row = selectors.row_get(model, scope=reach, uuid=uuid, editable=write)
    if write:
        scope = scope_for_unit(user=request.user, unit=row.unit, grants=reach.grants, ceiling=request.api_token.role)
        scope.require("planning.manage")
    else:
        scope = reach
        scope.require("planning.view")
    return scope, row


def _fields(payload) -> dict:
    return payload.dict(exclude_unset=True)


def _campaign_relations(owner, fields: dict) -> dict:
    """Turn the UUID lists of a campaign body into rows the owner unit may use."""
    sources = {
        "goals": (selectors.goals_available(owner), _("Tujuan tidak ditemukan atau tidak tersedia untuk unit ini.")),
        "pillars": (selectors.pillars_available(owner), _("Pilar tidak ditemukan atau tidak tersedia untuk unit ini.")),
        "audiences": (selectors.audiences_available(owner),
                      _("Khalayak tidak ditemukan atau tidak tersedia untuk unit ini.")),
        "accounts": (Account.objects.active().filter(unit__path__startswith=owner.path),
                     _("Akun tidak ditemukan, diarsipkan, atau bukan akun unit ini atau unit di bawahnya.")),
    }
    errors = {}
    for name, (qs, message) in sources.items():
        if name not in fields:
            continue
        uuids = fields[name] or []
        rows = {row.uuid: row for row in qs.filter(uuid__in=uuids)}
        missing = [str(u) for u in uuids if u not in rows]
        if missing:
            errors[name] = f"{message} ({', '.join(missing)})"
        fields[name] = [rows[u] for u in dict.fromkeys(uuids) if u in rows]
    if errors:
        raise ValidationError(errors)
    return fields


def _accounts_in(reach: Scope) -> Prefetch:
    """A campaign's accounts inside ``reach`` only: an ancestor's campaign may name accounts of
    sibling units, which the caller must not learn about."""
    return Prefetch("accounts", queryset=Account.objects.filter(unit__path__startswith=reach.unit.path))


def _campaign_out(campaign: Campaign, reach: Scope) -> Campaign:
    return Campaign.objects.select_related("unit").prefetch_related("goals", "pillars", "audiences",
                                                                    _accounts_in(reach)).get(pk=campaign.pk)


# --- goals -----------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/goals", response=responses({200: GoalPage}, 403, 404, 422),
            url_name="planning-goal-list", summary="Daftar tujuan komunikasi")
def goal_list(request, unit_uuid: UUID, filters: Query[ListFilterIn], paging: Query[PageIn]):
    """Goals of the unit, its subtree and (``inherited=true``) its ancestors."""
    return _list(request, Goal, unit_uuid, filters, paging)


@router.post("/units/{unit_uuid}/goals", response=responses({201: GoalOut}, 403, 404, 422),
             url_name="planning-goal-create", summary="Buat tujuan komunikasi")
def goal_create(request, unit_uuid: UUID, payload: GoalIn):
    scope = _manage_scope(request, unit_uuid)
    return Status(201, services.goal_create(actor=request.user, unit=scope.unit, **payload.dict()))


@router.get("/goals/{goal_uuid}", response=responses({200: GoalOut}, 403, 404),
            url_name="planning-goal-detail", summary="Satu tujuan komunikasi")
def goal_detail(request, goal_uuid: UUID):
    return _row(request, Goal, goal_uuid, write=False)[1]


@router.patch("/goals/{goal_uuid}", response=responses({200: GoalOut}, 403, 404, 422),
              url_name="planning-goal-update", summary="Ubah tujuan komunikasi")
def goal_update(request, goal_uuid: UUID, payload: GoalPatch):
    _scope, goal = _row(request, Goal, goal_uuid, write=True)
    return services.goal_update(actor=request.user, goal=goal, **_fields(payload))


@router.post("/goals/{goal_uuid}/archive", response=responses({200: GoalOut}, 403, 404, 422),
             url_name="planning-goal-archive", summary="Arsipkan atau pulihkan tujuan komunikasi")
def goal_archive(request, goal_uuid: UUID, payload: ArchiveIn):
    _scope, goal = _row(request, Goal, goal_uuid, write=True)
    return services.goal_archive(actor=request.user, goal=goal, archived=payload.archived)


# --- audiences -------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/audiences", response=responses({200: AudiencePage}, 403, 404, 422),
            url_name="planning-audience-list", summary="Daftar khalayak sasaran")
def audience_list(request, unit_uuid: UUID, filters: Query[ListFilterIn], paging: Query[PageIn]):
    """Audiences of the unit, its subtree and (``inherited=true``) its ancestors."""
    return _list(request, Audience, unit_uuid, filters, paging)


@router.post("/units/{unit_uuid}/audiences", response=responses({201: AudienceOut}, 403, 404, 422),
             url_name="planning-audience-create", summary="Buat khalayak sasaran")
def audience_create(request, unit_uuid: UUID, payload: AudienceIn):
    scope = _manage_scope(request, unit_uuid)
    return Status(201, services.audience_create(actor=request.user, unit=scope.unit, **payload.dict()))


@router.get("/audiences/{audience_uuid}", response=responses({200: AudienceOut}, 403, 404),
            url_name="planning-audience-detail", summary="Satu khalayak sasaran")
def audience_detail(request, audience_uuid: UUID):
    return _row(request, Audience, audience_uuid, write=False)[1]


@router.patch("/audiences/{audience_uuid}", response=responses({200: AudienceOut}, 403, 404, 422),
              url_name="planning-audience-update", summary="Ubah khalayak sasaran")
def audience_update(request, audience_uuid: UUID, payload: AudiencePatch):
    _scope, audience = _row(request, Audience, audience_uuid, write=True)
    return services.audience_update(actor=request.user, audience=audience, **_fields(payload))


@router.post("/audiences/{audience_uuid}/archive", response=responses({200: AudienceOut}, 403, 404, 422),
             url_name="planning-audience-archive", summary="Arsipkan atau pulihkan khalayak sasaran")
def audience_archive(request, audience_uuid: UUID, payload: ArchiveIn):
    _scope, audience = _row(request, Audience, audience_uuid, write=True)
    return services.audience_archive(actor=request.user, audience=audience, archived=payload.archived)


# --- pillars ---------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/pillars", response=responses({200: PillarPage}, 403, 404, 422),
            url_name="planning-pillar-list", summary="Daftar pilar konten")
def pillar_list(request, unit_uuid: UUID, filters: Query[ListFilterIn], paging: Query[PageIn]):
    """Content pillars of the unit, its subtree and (``inherited=true``) its ancestors."""
    return _list(request, Pillar, unit_uuid, filters, paging)


@router.post("/units/{unit_uuid}/pillars", response=responses({201: PillarOut}, 403, 404, 422),
             url_name="planning-pillar-create", summary="Buat pilar konten")
def pillar_create(request, unit_uuid: UUID, payload: PillarIn):
    scope = _manage_scope(request, unit_uuid)
    return Status(201, services.pillar_create(actor=request.user, unit=scope.unit, **payload.dict()))


@router.get("/pillars/{pillar_uuid}", response=responses({200: PillarOut}, 403, 404),
            url_name="planning-pillar-detail", summary="Satu pilar konten")
def pillar_detail(request, pillar_uuid: UUID):
    return _row(request, Pillar, pillar_uuid, write=False)[1]


@router.patch("/pillars/{pillar_uuid}", response=responses({200: PillarOut}, 403, 404, 422),
              url_name="planning-pillar-update", summary="Ubah pilar konten")
def pillar_update(request, pillar_uuid: UUID, payload: PillarPatch):
    _scope, pillar = _row(request, Pillar, pillar_uuid, write=True)
    return services.pillar_update(actor=request.user, pillar=pillar, **_fields(payload))


@router.post("/pillars/{pillar_uuid}/archive", response=responses({200: PillarOut}, 403, 404, 422),
             url_name="planning-pillar-archive", summary="Arsipkan atau pulihkan pilar konten")
def pillar_archive(request, pillar_uuid: UUID, payload: ArchiveIn):
    _scope, pillar = _row(request, Pillar, pillar_uuid, write=True)
    return services.pillar_archive(actor=request.user, pillar=pillar, archived=payload.archived)


# --- campaigns -------------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/campaigns", response=responses({200: CampaignPage}, 403, 404, 422),
            url_name="planning-campaign-list", summary="Daftar kampanye")
def campaign_list(request, unit_uuid: UUID, filters: Query[ListFilterIn], paging: Query[PageIn]):
    """Campaigns of the unit, its subtree and (``inherited=true``) its ancestors."""
    return _list(request, Campaign, unit_uuid, filters, paging)


@router.post("/units/{unit_uuid}/campaigns", response=responses({201: CampaignOut}, 403, 404, 422),
             url_name="planning-campaign-create", summary="Buat kampanye")
def campaign_create(request, unit_uuid: UUID, payload: CampaignIn):
    """Create a campaign; ``goals``, ``pillars``, ``audiences`` are UUIDs of rows the unit may use
    (its own or its ancestors'), ``accounts`` UUIDs of active official accounts of its subtree."""
    scope = _manage_scope(request, unit_uuid)
    fields = _campaign_relations(scope.unit, payload.dict())
    campaign = services.campaign_create(actor=request.user, unit=scope.unit, **fields)
    return Status(201, _campaign_out(campaign, token_scope(request)))


@router.get("/campaigns/{campaign_uuid}", response=responses({200: CampaignOut}, 403, 404),
            url_name="planning-campaign-detail", summary="Satu kampanye")
def campaign_detail(request, campaign_uuid: UUID):
    return _campaign_out(_row(request, Campaign, campaign_uuid, write=False)[1], token_scope(request))


@router.patch("/campaigns/{campaign_uuid}", response=responses({200: CampaignOut}, 403, 404, 422),
              url_name="planning-campaign-update", summary="Ubah kampanye")
def campaign_update(request, campaign_uuid: UUID, payload: CampaignPatch):
    """Change a campaign; only the fields sent change; a relation list sent replaces the old one."""
    _scope, campaign = _row(request, Campaign, campaign_uuid, write=True)
    fields = _campaign_relations(campaign.unit, _fields(payload))
    return _campaign_out(services.campaign_update(actor=request.user, campaign=campaign, **fields),
                         token_scope(request))


@router.post("/campaigns/{campaign_uuid}/archive", response=responses({200: CampaignOut}, 403, 404, 422),
             url_name="planning-campaign-archive", summary="Arsipkan atau pulihkan kampanye")
def campaign_archive(request, campaign_uuid: UUID, payload: ArchiveIn):
    _scope, campaign = _row(request, Campaign, campaign_uuid, write=True)
    return _campaign_out(services.campaign_archive(actor=request.user, campaign=campaign, archived=payload.archived),
                         token_scope(request))


@router.post("/campaigns/{campaign_uuid}/duplicate", response=responses({201: CampaignOut}, 403, 404, 422),
             url_name="planning-campaign-duplicate", summary="Duplikat kampanye")
def campaign_duplicate(request, campaign_uuid: UUID, payload: DuplicateIn):
    """Copy a campaign (relations, hashtags, and what other apps copy) with its period shifted."""
    _scope, campaign = _row(request, Campaign, campaign_uuid, write=True)
    new = services.campaign_duplicate(actor=request.user, campaign=campaign, name=payload.name,
                                      shift_days=payload.shift_days)
    return Status(201, _campaign_out(new, token_scope(request)))


# --- important dates -------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/important-dates", response=responses({200: ImportantDatePage}, 403, 404, 422),
            url_name="planning-date-list", summary="Daftar tanggal penting unit")
def important_date_list(request, unit_uuid: UUID, filters: Query[ListFilterIn], paging: Query[PageIn]):
    return _list(request, ImportantDate, unit_uuid, filters, paging)


@router.post("/units/{unit_uuid}/important-dates", response=responses({201: ImportantDateOut}, 403, 404, 422),
             url_name="planning-date-create", summary="Buat tanggal penting unit")
def important_date_create(request, unit_uuid: UUID, payload: ImportantDateIn):
    scope = _manage_scope(request, unit_uuid)
    return Status(201, services.important_date_create(actor=request.user, unit=scope.unit, **payload.dict()))


@router.get("/important-dates/{date_uuid}", response=responses({200: ImportantDateOut}, 403, 404),
            url_name="planning-date-detail", summary="Satu tanggal penting")
def important_date_detail(request, date_uuid: UUID):
    return _row(request, ImportantDate, date_uuid, write=False)[1]


@router.patch("/important-dates/{date_uuid}", response=responses({200: ImportantDateOut}, 403, 404, 422),
              url_name="planning-date-update", summary="Ubah tanggal penting")
def important_date_update(request, date_uuid: UUID, payload: ImportantDatePatch):
    _scope, row = _row(request, ImportantDate, date_uuid, write=True)
    return services.important_date_update(actor=request.user, important_date=row, **_fields(payload))


@router.post("/important-dates/{date_uuid}/archive", response=responses({200: ImportantDateOut}, 403, 404, 422),
             url_name="planning-date-archive", summary="Arsipkan atau pulihkan tanggal penting")
def important_date_archive(request, date_uuid: UUID, payload: ArchiveIn):
    _scope, row = _row(request, ImportantDate, date_uuid, write=True)
    return services.important_date_archive(actor=request.user, important_date=row, archived=payload.archived)


# --- calendar marks --------------------------------------------------------------------------


@router.get("/units/{unit_uuid}/calendar-marks", response=responses({200: list[DayMarkOut]}, 403, 404, 422),
            url_name="planning-calendar-marks", summary="Hari libur dan tanggal penting")
def calendar_marks(request, unit_uuid: UUID, params: Query[MarksIn]):
    """National holidays, cuti bersama, commemoration days (when KHolidays is installed) and the
    important dates of the unit and its ancestors (each naming the unit that set it), from
    ``start`` to ``end`` (both included, at most 400 days)."""
    scope = unit_scope(request, unit_uuid)
    scope.require("planning.view")
    if params.end < params.start:
        raise ValidationError({"end": _("Tanggal akhir tidak boleh sebelum tanggal awal.")})
    if (params.end - params.start).days + 1 > holidays.MAX_DAYS:
        raise ValidationError({"end": _("Rentang paling panjang %(n)s hari.") % {"n": holidays.MAX_DAYS}})
    return [{"date": m.date, "title": m.title, "kind": m.kind, "unit": m.unit or None, "inherited": m.inherited}
            for m in holidays.calendar_marks(scope.unit, params.start, params.end)]
