"""Writes of tracked search terms (the terms a unit follows on platforms with public search)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.core.audit import audit_action_register, audit_record
from warta.ingest.models import TrackedTerm

audit_action_register({
    "term.add": gettext_lazy("Menambah kata kunci pantauan"),
    "term.remove": gettext_lazy("Menghapus kata kunci pantauan"),
})
MAX_TERMS = 50


def term_add(*, actor, scope, term: str) -> TrackedTerm:
    term = " ".join(term.split())
    if len(term) < 3:
        raise ValidationError({"term": _("Kata kunci paling sedikit 3 huruf.")})
    if len(term) > 200:
        raise ValidationError({"term": _("Kata kunci paling banyak 200 huruf.")})
    if TrackedTerm.objects.filter(unit=scope.unit, term__iexact=term).exists():
        raise ValidationError({"term": _("Kata kunci ini sudah dipantau.")})
    if TrackedTerm.objects.filter(unit=scope.unit).count() >= MAX_TERMS:
        raise ValidationError({"term": _("Satu unit memantau paling banyak %(n)d kata kunci.") % {"n": MAX_TERMS}})
    tracked = TrackedTerm.objects.create(unit=scope.unit, term=term, created_by=actor)
    audit_record(actor=actor, unit=scope.unit, action="term.add", target=tracked, changes={"term": term})
    return tracked


def term_remove(*, actor, scope, tracked: TrackedTerm) -> None:
    audit_record(actor=actor, unit=scope.unit, action="term.remove", target=tracked, changes={"term": tracked.term})
    tracked.delete()
