"""The guideline API: effective rules, own rules, the check; sibling 404, viewer 403 on writes."""

import pytest

from tests.api import assert_problem
from tests.guideline.conftest import make_rule
from warta.core.models import AuditEvent
from warta.guideline.models import Rule, RuleKind

K = RuleKind


def rules_url(unit):
    return f"/units/{unit.uuid}/guideline/rules"


def test_list_effective_rules(viewer_api, tree):
    inherited = make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    own = make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]}, severity="warning")
    make_rule(tree.kota, K.FORBIDDEN_PHRASE, {"phrases": ["x"]})
    response = viewer_api.get(rules_url(tree.kab))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(i["uuid"], i["inherited"], i["unit_name"]) for i in body["items"]] == [
        (str(inherited.uuid), True, "Provinsi Jawa Barat"), (str(own.uuid), False, "Kabupaten Bogor")]
    assert body["items"][1]["params"] == {"hashtags": ["#BogorKabMaju"]}


def test_create_update_delete(api, tree):
    response = api.post(rules_url(tree.kab), {"kind": "link_domains", "severity": "error",
                                              "params": {"domains": ["go.id"]}, "platforms": ["x"]})
    assert response.status_code == 201, response.content
    uuid = response.json()["uuid"]
    assert response.json()["platforms"] == ["x"]
    assert response.json()["inherited"] is False
    response = api.patch(f"{rules_url(tree.kab)}/{uuid}", {"params": {"domains": ["go.id", "bogorkab.go.id"]},
                                                          "active": False})
    assert response.status_code == 200
    assert response.json()["params"] == {"domains": ["go.id", "bogorkab.go.id"]}
    assert response.json()["active"] is False
    assert api.delete(f"{rules_url(tree.kab)}/{uuid}").status_code == 204
    assert not Rule.objects.exists()
    actions = [a for a in AuditEvent.objects.order_by("seq").values_list("action", flat=True)
               if a.startswith("guideline.")]
    assert actions == ["guideline.rule.create", "guideline.rule.update", "guideline.rule.delete"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "forbidden_phrase", "params": {"phrases": []}}, "params.phrases"),
    ({"kind": "posting_hours", "params": {"windows": ["6-21"]}}, "params.windows"),
    ({"kind": "link_domains", "params": {"domains": ["go.id"]}, "platforms": ["myspace"]}, "platforms"),
    ({"kind": "telepati", "params": {}}, "kind"),
    ({"kind": "sara", "params": {"threshold": 0.5}, "severity": "fatal"}, "severity"),
    ({"kind": "sara", "params": {"threshold": 0.5}, "warna": "merah"}, "warna"),
])
def test_bad_rule_refused_in_indonesian_nothing_changed(api, tree, body, field):
    before = AuditEvent.objects.count()
    problem = assert_problem(api.post(rules_url(tree.kab), body), 422)
    assert field in problem["errors"], problem
    assert Rule.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_bad_update_changes_nothing(api, tree):
    rule = make_rule(tree.kab, K.POSTING_HOURS, {"windows": ["06:00-21:00"]})
    problem = assert_problem(api.patch(f"{rules_url(tree.kab)}/{rule.uuid}", {"params": {"windows": []}}), 422)
    assert "params.windows" in problem["errors"]
    rule.refresh_from_db()
    assert rule.params == {"windows": [{"start": "06:00", "end": "21:00"}]}


def test_ancestors_rule_is_404_from_below(api, tree):
    inherited = make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    assert_problem(api.patch(f"{rules_url(tree.kab)}/{inherited.uuid}", {"active": False}), 404)
    assert_problem(api.delete(f"{rules_url(tree.kab)}/{inherited.uuid}"), 404)
    assert Rule.objects.get().active is True


def test_viewer_token_reads_and_checks_but_cannot_write(viewer_api, tree):
    rule = make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    assert viewer_api.get(rules_url(tree.kab)).status_code == 200
    assert viewer_api.post(f"/units/{tree.kab.uuid}/guideline/check", {"text": "x"}).status_code == 200
    assert_problem(viewer_api.post(rules_url(tree.kab), {"kind": "sara", "params": {}}), 403)
    assert_problem(viewer_api.patch(f"{rules_url(tree.kab)}/{rule.uuid}", {"active": False}), 403)
    assert_problem(viewer_api.delete(f"{rules_url(tree.kab)}/{rule.uuid}"), 403)
    assert Rule.objects.get().active is True


def test_sibling_token_gets_404_everywhere(sibling_api, tree):
    rule = make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    assert_problem(sibling_api.get(rules_url(tree.kab)), 404)
    assert_problem(sibling_api.post(rules_url(tree.kab), {"kind": "sara", "params": {}}), 404)
    assert_problem(sibling_api.patch(f"{rules_url(tree.kab)}/{rule.uuid}", {"active": False}), 404)
    assert_problem(sibling_api.delete(f"{rules_url(tree.kab)}/{rule.uuid}"), 404)
    assert_problem(sibling_api.post(f"/units/{tree.kab.uuid}/guideline/check", {"text": "hoaks"}), 404)
    # the sibling's own unit URL with Kabupaten Bogor's rule: still 404
    assert_problem(sibling_api.delete(f"{rules_url(tree.kota)}/{rule.uuid}"), 404)
    assert Rule.objects.get().active is True


def test_check_findings(api, tree):
    make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    make_rule(tree.kab, K.LINK_DOMAINS, {"domains": ["go.id"]}, severity="warning")
    make_rule(tree.kab, K.POSTING_HOURS, {"windows": ["06:00-21:00"]}, severity="warning")
    make_rule(tree.kab, K.SENSITIVE_PERIOD, {"name": "Masa tenang", "start": "2026-11-24T00:00:00+07:00",
                                             "end": "2026-11-27T00:00:00+07:00"}, severity="warning")
    response = api.post(f"/units/{tree.kab.uuid}/guideline/check",
                        {"text": "Ini hoaks", "links": ["https://example.com"], "when": "2026-11-25T22:00",
                         "platform": "instagram"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is False
    assert body["escalate"] is True
    assert (body["errors"], body["warnings"]) == (1, 3)
    first = body["findings"][0]
    assert (first["kind"], first["start"], first["end"], first["unit_name"]) == (
        "forbidden_phrase", 4, 9, "Provinsi Jawa Barat")
    kinds = {f["kind"] for f in body["findings"]}
    assert kinds == {"forbidden_phrase", "link_domains", "posting_hours", "sensitive_period"}


def test_check_bad_input(api, tree):
    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/guideline/check", {"text": "x", "platform": "myspace"}),
                             422)
    assert "platform" in problem["errors"]
    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/guideline/check", {"text": "x", "when": "besok"}), 422)
    assert "when" in problem["errors"]
    assert_problem(api.post(f"/units/{tree.kab.uuid}/guideline/check", {"text": "x" * 20001}), 422)
