"""Demo rules: a national guideline at Kemendagri and Kabupaten Bogor's own.

Rules bind a unit's subtree only: in the demo tree Kemendagri and Provinsi Jawa Barat are two
roots, so Kabupaten Bogor gets its own forbidden words and abusive-language rule as well.
"""

from warta.guideline import services
from warta.guideline.models import Rule, RuleKind, Severity


def guideline_demo_seed(unit_kemendagri, unit_kab, actor=None) -> list[Rule]:
    """Create a few realistic rules (idempotent: a kind a unit already has is left alone)."""
    plan = [
        (unit_kemendagri, RuleKind.FORBIDDEN_PHRASE, Severity.ERROR,
         {"phrases": ["hoaks", "pasti dikabulkan", "dijamin lolos", "antek asing"]},
         "Konten resmi tidak boleh memuat janji yang tidak dapat dipastikan atau tuduhan."),
        (unit_kemendagri, RuleKind.ABUSIVE_LANGUAGE, Severity.ERROR, {"threshold": 0.6}, ""),
        (unit_kemendagri, RuleKind.SARA, Severity.ERROR, {"threshold": 0.5}, ""),
        (unit_kemendagri, RuleKind.LINK_DOMAINS, Severity.WARNING, {"domains": ["go.id", "indonesia.go.id"]},
         "Tautan ke luar domain pemerintah perlu diperiksa penyetuju."),
        (unit_kab, RuleKind.FORBIDDEN_PHRASE, Severity.ERROR, {"phrases": ["hoaks", "pasti dikabulkan"]}, ""),
        (unit_kab, RuleKind.ABUSIVE_LANGUAGE, Severity.ERROR, {"threshold": 0.6}, ""),
        (unit_kab, RuleKind.LINK_DOMAINS, Severity.WARNING, {"domains": ["go.id"]}, ""),
        (unit_kab, RuleKind.REQUIRED_HASHTAG, Severity.WARNING, {"hashtags": ["#BogorKabMaju"]}, ""),
        (unit_kab, RuleKind.REQUIRED_SIGNATURE, Severity.WARNING,
         {"text": "#HumasBogor — Diskominfo Kab. Bogor"}, ""),
        (unit_kab, RuleKind.POSTING_HOURS, Severity.WARNING, {"windows": [{"start": "06:00", "end": "21:00"}]}, ""),
    ]
    made = []
    for unit, kind, severity, params, message in plan:
        if Rule.objects.filter(unit=unit, kind=kind).exists():
            continue
        made.append(services.rule_create(actor=actor, unit=unit, kind=kind, severity=severity, params=params,
                                         message=message))
    return made
