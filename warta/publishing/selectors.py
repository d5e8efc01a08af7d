"""Reading posts, templates and versions: always through a scope (outside it is 404)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from warta.channels import limits
from warta.channels.models import Account, ConnectionState
from warta.organisations import tree
from warta.organisations.models import Unit
from warta.organisations.scope import Scope
from warta.publishing.models import Post, PostVersion, Template

# --- posts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFilter:
    state: str = ""
    platform: str = ""
    unit_uuid: object = None
    query: str = ""
    campaign: object = None
    pillar: object = None
    archived: bool = False


def post_list(*, scope: Scope, filters: PostFilter | None = None) -> QuerySet[Post]:
    """Posts of the scope's unit and every unit below it, newest first."""
    f = filters or PostFilter()
    qs = Post.objects.for_scope(scope).select_related("unit", "created_by")
    qs = qs.filter(archived_at__isnull=not f.archived)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.platform:
        qs = qs.filter(variants__platform=f.platform)
    if f.unit_uuid:
        unit = Unit.objects.filter(uuid=f.unit_uuid).first()
        if unit is None or not scope.contains(unit):
            return qs.none()
        qs = qs.filter(unit__path__startswith=unit.path)
    if f.campaign is not None:
        qs = qs.filter(campaign__uuid=f.campaign) if not hasattr(f.campaign, "pk") else qs.filter(campaign=f.campaign)
    if f.pillar is not None:
        qs = qs.filter(pillar__uuid=f.pillar) if not hasattr(f.pillar, "pk") else qs.filter(pillar=f.pillar)
    if f.query:
        qs = qs.filter(Q(title__icontains=f.query) | Q(variants__text__icontains=f.query))
    return qs.distinct().prefetch_related("variants").order_by("-updated_at", "-pk")


def post_get(*, scope: Scope, post_uuid) -> Post:
    post = Post.objects.for_scope(scope).select_related("unit", "created_by").filter(uuid=post_uuid).first()
    if post is None:
        raise Http404
    return post


def post_versions(post: Post) -> list[PostVersion]:
    return list(post.versions.select_related("author").order_by("-version"))


def scope_units(*, scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.subtree_of(scope.unit).filter(archived_at__isnull=True).order_by("path")


# --- templates -----------------------------------------------------------------------------------


def template_list(*, scope: Scope, kind: str = "") -> QuerySet[Template]:
    """The templates and snippets of the scope's unit (its own, to manage)."""
    qs = Template.objects.filter(unit=scope.unit).select_related("unit")
    return qs.filter(kind=kind) if kind else qs


def template_get(*, scope: Scope, template_uuid) -> Template:
    template = Template.objects.filter(unit=scope.unit, uuid=template_uuid).select_related("unit").first()
    if template is None:
        raise Http404
    return template


def templates_available(unit: Unit) -> list[Template]:
    """What the composer offers to insert: the unit's own templates and its ancestors'."""
    return list(Template.objects.filter(unit__path__in=tree.ancestor_paths(unit.path))
                .select_related("unit").order_by("kind", "name"))


# --- accounts ------------------------------------------------------------------------------------


def accounts_by_platform(unit: Unit) -> dict[str, list[Account]]:
    """Connected, active official accounts of the unit's subtree, per platform."""
    out: dict[str, list[Account]] = {}
    for account in (Account.objects.filter(unit__path__startswith=unit.path, archived_at__isnull=True,
                                           state=ConnectionState.CONNECTED).select_related("unit")
                    .order_by("platform", "handle")):
        out.setdefault(account.platform, []).append(account)
    return out


# --- preview and diff ----------------------------------------------------------------------------

TOKEN_RE = re.compile(r"(https?://[^\s<>\"]+)|((?<![\w&#@])[#＃]\w+)|((?<![\w@])@\w[\w.]*\w|(?<![\w@])@\w)",
                      re.UNICODE)


def highlight(text: str) -> SafeString:
    """The text as safe HTML with links, hashtags and mentions marked; line breaks kept."""
    parts, last = [], 0
    for match in TOKEN_RE.finditer(text or ""):
        parts.append(escape(text[last:match.start()]))
        url, tag, mention = match.groups()
        if url:
            parts.append(format_html('<span class="pv-link">{}</span>', url))
        elif tag:
            parts.append(format_html('<span class="pv-tag">{}</span>', tag))
        else:
            parts.append(format_html('<span class="pv-mention">{}</span>', mention))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(str(p) for p in parts).replace("\n", "<br>"))  # noqa: S308 — every part escaped


# The diff's cost grows with the product of the two token counts (and worse on repetitive
# text): past this many pairs it compares lines, and past it again shows old → new whole, so
# that a long Facebook post cannot make its page take minutes.
DIFF_MAX_PAIRS = 250_000


def _words(text: str) -> list[str]:
    """Words with the spaces after them (a leading space alone): half the tokens of splitting
    spaces apart, and no run of identical one-space tokens for the matcher to chew on."""
    return re.findall(r"\S+\s*|\s+", text or "")


def _diff_tokens(old: str, new: str) -> tuple[list[str], list[str]]:
    a, b = _words(old), _words(new)
    if len(a) * len(b) <= DIFF_MAX_PAIRS:
        return a, b
    a, b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    if len(a) * len(b) <= DIFF_MAX_PAIRS:
        return a, b
    return [old or ""], [new or ""]


def inline_diff(old: str, new: str) -> SafeString:
    """Word-level diff as escaped HTML: removed words in ``<del>``, added in ``<ins>``."""
    a, b = _diff_tokens(old, new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(str(p) for p in out).replace("\n", "<br>"))  # noqa: S308 — every part escaped


def snapshot_diff(old: dict, new: dict) -> list[dict]:
    """The changes between two version snapshots: one row per changed field, each with its HTML diff."""
    from django.utils.translation import gettext as _

    labels = {"text": _("Teks"), "link": _("Tautan"), "first_comment": _("Komentar pertama"),
              "title": _("Judul video"), "media": _("Media")}
    rows = []
    if old.get("title") != new.get("title"):
        rows.append({"platform": "", "field": _("Judul internal"),
                     "html": inline_diff(old.get("title", ""), new.get("title", ""))})
    ov, nv = old.get("variants", {}), new.get("variants", {})
    for platform in [p for p in limits.RULES if p in ov or p in nv]:
        name = limits.PLATFORM_NAMES.get(platform, platform)
        if platform not in ov:
            rows.append({"platform": name, "field": _("Platform"), "html": format_html(
                "<ins>{}</ins>", _("ditambahkan"))})
        elif platform not in nv:
            rows.append({"platform": name, "field": _("Platform"), "html": format_html(
                "<del>{}</del>", _("dihapus"))})
        a, b = ov.get(platform, {}), nv.get(platform, {})
        for key in ("text", "link", "first_comment", "title"):
            if a.get(key, "") != b.get(key, ""):
                rows.append({"platform": name, "field": labels[key],
                             "html": inline_diff(a.get(key, ""), b.get(key, ""))})
        am = [m.get("asset") for m in a.get("media", [])]
        bm = [m.get("asset") for m in b.get("media", [])]
        if am != bm:
            rows.append({"platform": name, "field": labels["media"], "html": format_html(
                "{} → {}", len(am), len(bm))})
    return rows


def version_pair(post: Post, a: int | None, b: int | None) -> tuple[PostVersion | None, PostVersion | None]:
    """Two versions to compare (default: the previous and the latest)."""
    versions = {v.version: v for v in post.versions.all()}
    if not versions:
        return None, None
    newest = max(versions)
    new = versions.get(b) if b else versions[newest]
    old = versions.get(a) if a else versions.get((new.version if new else newest) - 1)
    return old, new


def preview_cards(*, unit: Unit, variants, accounts: dict[str, list[Account]] | None = None) -> list[dict]:
    """One preview card per variant (``VariantInput``-like objects): as the platform shows it."""
    accounts = accounts if accounts is not None else accounts_by_platform(unit)
    cards = []
    for v in variants:
        own = accounts.get(v.platform) or []
        handle = own[0].handle if own else (unit.short_name or unit.name)
        display = (own[0].display_name or own[0].handle) if own else unit.name
        cards.append({
            "platform": v.platform, "name": limits.PLATFORM_NAMES.get(v.platform, v.platform),
            "handle": handle, "display": display, "initial": (display or "?")[:1].upper(),
            "html": highlight(v.text), "link": v.link, "title": v.title,
            "first_comment": highlight(v.first_comment) if v.first_comment else "",
            "media": [{"asset": m.asset, "alt": m.alt_text or m.asset.alt_text} for m in v.media],
            "connected": bool(own),
        })
    return cards
