from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from warta.organisations.models import Unit
from warta.organisations.roles import role_has
from warta.organisations.scope import memberships_for
from warta.shell.areas import AREAS


def current_unit_for(request):
    """The unit the user last acted for (session), else their first membership's unit."""
    scope = getattr(request, "scope", None)
    if scope is not None:
        return scope.unit
    grants = tuple(getattr(request, "grants", ()) or ())
    if not grants:
        return None
    wanted = request.session.get("warta_unit")
    if wanted:
        unit = Unit.objects.within_paths([g.path for g in grants]).filter(uuid=wanted).first()
        if unit is not None:
            return unit
    first = min(grants, key=lambda g: g.path)
    return Unit.objects.filter(pk=first.unit_id).first()


# The pages of a work area, shown indented under it in the menu.
SUBMENUS = {
    "publikasi": [
        (_("Kalender"), "publishing:calendar"),
        (_("Persetujuan"), "approvals:pending"),
        (_("Amplifikasi"), "amplification:package-list"),
        (_("Tugas amplifikasi"), "amplification:task-list"),
        (_("Siaran pers"), "press:release-list"),
        (_("Pustaka media"), "media:library"),
        (_("Templat"), "publishing:template-list"),
        (_("Pedoman"), "guideline:home"),
    ],
}


def _nav(request, unit):
    scope = getattr(request, "scope", None)
    role = scope.role if scope else None
    u = unit.uuid
    path = request.path
    items = [(_("Beranda"), reverse("shell:dashboard", args=[u]))]
    subs = set()
    for a in AREAS:
        items.append((a.label, reverse(a.url_name, args=[u]) if a.url_name else reverse("shell:area", args=[u, a.slug])))
        for label, url_name in SUBMENUS.get(a.slug, ()):
            url = reverse(url_name, args=[u])
            items.append((label, url))
            subs.add(url)
    items.append((_("Akun resmi"), reverse("channels:account-list", args=[u])))
    items.append((_("Data masuk"), reverse("ingest:item-list", args=[u])))
    items.append((_("Anotasi"), reverse("language:annotation-queue", args=[u])))
    items.append((_("Pohon unit"), reverse("organisations:unit-tree", args=[u])))
    items_extra = {reverse("organisations:region-import", args=[u]): reverse("organisations:unit-tree", args=[u])}
    items.append((_("Anggota"), reverse("organisations:member-list", args=[u])))
    if role is None or role_has(role, "audit.view"):
        items.append((_("Jejak audit"), reverse("organisations:audit-list", args=[u])))
    items.append((_("Pengaturan"), reverse("shell:settings", args=[u])))
    items.append((_("Kesehatan sistem"), reverse("shell:health")))
    for prefix, owner in items_extra.items():  # pages reached from another menu entry
        if path.startswith(prefix):
            path = owner
    best = max((url for _label, url in items if path.startswith(url)), key=len, default=None)
    return [{"label": label, "url": url, "active": url == best, "sub": url in subs} for label, url in items]


def shell(request):
    """Give every page the current unit, the user's memberships (switcher) and the menu."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"shell": {}}

    def build():
        unit = current_unit_for(request)
        memberships = list(getattr(request, "memberships", None) or memberships_for(request.user))
        return {
            "current_unit": unit,
            "memberships": memberships,
            "current_unit_outside_memberships": unit is not None and all(m.unit_id != unit.pk for m in memberships),
            "nav": _nav(request, unit) if unit else [],
        }

    return {"shell": SimpleLazyObject(build)}
