"""The demo seed: realistic rules, idempotent, and they work."""

from datetime import datetime

from warta.guideline.demo import guideline_demo_seed
from warta.guideline.engine import guideline_check
from warta.guideline.models import Rule


def test_demo_seed_is_idempotent_and_checks(tree):
    made = guideline_demo_seed(tree.kemendagri, tree.kab)
    assert len(made) > 5
    assert {r.unit_id for r in made} == {tree.kemendagri.pk, tree.kab.pk}
    assert guideline_demo_seed(tree.kemendagri, tree.kab) == []
    assert Rule.objects.count() == len(made)
    text = "Pelayanan KTP keliling hari Sabtu. #BogorKabMaju\n#HumasBogor — Diskominfo Kab. Bogor"
    assert guideline_check(unit=tree.kec, text=text, when=datetime(2026, 12, 5, 9, 0)).findings == ()
    bad = guideline_check(unit=tree.kec, text="Ini hoaks", when=datetime(2026, 12, 5, 23, 0))
    assert not bad.ok
    assert {f.kind for f in bad.findings} >= {"forbidden_phrase", "posting_hours", "required_hashtag"}
