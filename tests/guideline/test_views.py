"""The guideline pages: the effective list, the rule forms, (de)activate, delete, the htmx check."""

from django.urls import reverse

from tests.conftest import login_client
from tests.guideline.conftest import make_rule
from warta.core.models import AuditEvent
from warta.guideline.models import Rule, RuleKind

K = RuleKind


def url(name, unit, **kw):
    return reverse(f"guideline:{name}", kwargs={"unit_uuid": unit.uuid, **kw})


def test_home_shows_inherited_read_only_and_own_editable(admin_client, tree):
    inherited = make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    own = make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]})
    make_rule(tree.kota, K.FORBIDDEN_PHRASE, {"phrases": ["rahasia-kota"]})
    html = admin_client.get(url("home", tree.kab)).content.decode()
    assert "hoaks" in html
    assert "#BogorKabMaju" in html
    assert "rahasia-kota" not in html
    assert "Provinsi Jawa Barat" in html
    assert "diwarisi, hanya baca" in html
    assert url("rule-edit", tree.kab, rule_uuid=own.uuid) in html
    assert str(inherited.uuid) in html
    assert f"aturan/{inherited.uuid}/" not in html


def test_home_empty_state_and_filter(admin_client, tree):
    html = admin_client.get(url("home", tree.kab)).content.decode()
    assert "Belum ada aturan pedoman" in html
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]})
    html = admin_client.get(url("home", tree.kab), {"kind": "forbidden_phrase"}).content.decode()
    assert "Tidak ada aturan yang cocok" in html


def test_viewer_reads_but_sees_no_edit_controls(viewer_client, tree):
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]})
    html = viewer_client.get(url("home", tree.kab)).content.decode()
    assert "#BogorKabMaju" in html
    assert "Tambah aturan" not in html
    assert "Nonaktifkan" not in html


def test_kind_chooser_and_unknown_kind(admin_client, tree):
    html = admin_client.get(url("rule-create", tree.kab)).content.decode()
    assert "Masa sensitif" in html
    assert "?jenis=sensitive_period" in html
    assert admin_client.get(url("rule-create", tree.kab) + "?jenis=bukan").status_code == 404


def test_create_each_kind_through_the_form(admin_client, tree):
    forms = {
        "forbidden_phrase": {"phrases": "hoaks\ndana siluman\n"},
        "abusive_language": {"threshold": "0.6", "words": "", "ignore": "setan"},
        "sara": {"threshold": "0.5", "words": "kadrun"},
        "required_hashtag": {"hashtags": "#BogorKabMaju HumasBogor"},
        "required_signature": {"text": "#HumasBogor — Diskominfo Kab. Bogor"},
        "link_domains": {"domains": "go.id\nhttps://bogorkab.go.id/"},
        "posting_hours": {"windows": "06:00-21:00"},
        "sensitive_period": {"name": "Masa tenang Pilkada", "start": "2026-11-24T00:00", "end": "2026-11-26T23:59",
                             "keywords": "pilkada"},
    }
    for kind, fields in forms.items():
        response = admin_client.post(url("rule-create", tree.kab), {"jenis": kind, "severity": "warning",
                                                                    "message": "", **fields})
        assert response.status_code == 302, (kind, response.content.decode()[:2000])
    rules = {r.kind: r for r in Rule.objects.filter(unit=tree.kab)}
    assert set(rules) == set(forms)
    assert rules["forbidden_phrase"].params == {"phrases": ["hoaks", "dana siluman"]}
    assert rules["required_hashtag"].params == {"hashtags": ["#BogorKabMaju", "#HumasBogor"]}
    assert rules["link_domains"].params == {"domains": ["go.id", "bogorkab.go.id"]}
    assert rules["posting_hours"].params == {"windows": [{"start": "06:00", "end": "21:00"}]}
    # the form's times are the unit's (WIB): stored in UTC
    assert rules["sensitive_period"].params["start"] == "2026-11-23T17:00:00+00:00"
    assert rules["abusive_language"].created_by.email == "admin@bogorkab.go.id"
    assert AuditEvent.objects.filter(action="guideline.rule.create").count() == 8


def test_bad_form_input_shows_indonesian_message_and_stores_nothing(admin_client, tree):
    before = AuditEvent.objects.count()
    for kind, fields, message in [
        ("posting_hours", {"windows": "jam enam sampai jam sembilan"}, "tidak sah"),
        ("link_domains", {"domains": "bukan domain!"}, "tidak sah"),
        ("sensitive_period", {"name": "X", "start": "2026-11-26T00:00", "end": "2026-11-24T00:00"},
         "harus sesudah"),
        ("forbidden_phrase", {"phrases": "   "}, ""),
        ("abusive_language", {"threshold": "7"}, ""),
    ]:
        response = admin_client.post(url("rule-create", tree.kab), {"jenis": kind, "severity": "error", **fields})
        assert response.status_code == 400, kind
        assert message in response.content.decode()
    assert Rule.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_edit_own_rule(admin_client, tree):
    rule = make_rule(tree.kab, K.SENSITIVE_PERIOD, {"name": "Masa tenang", "start": "2026-11-24T00:00:00+07:00",
                                                    "end": "2026-11-27T00:00:00+07:00"}, severity="warning")
    page = admin_client.get(url("rule-edit", tree.kab, rule_uuid=rule.uuid)).content.decode()
    assert 'value="2026-11-24T00:00"' in page  # shown in the unit's zone
    response = admin_client.post(url("rule-edit", tree.kab, rule_uuid=rule.uuid), {
        "severity": "error", "name": "Masa tenang Pilkada", "start": "2026-11-24T00:00", "end": "2026-11-28T00:00",
        "keywords": "", "message": "Hubungi Kabag Humas."})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.params["name"] == "Masa tenang Pilkada"
    assert rule.params["end"] == "2026-11-27T17:00:00+00:00"
    assert rule.severity == "error"
    assert rule.message == "Hubungi Kabag Humas."
    event = AuditEvent.objects.filter(action="guideline.rule.update").get()
    assert set(event.changes) == {"severity", "params", "message"}


def test_bad_edit_changes_nothing(admin_client, tree):
    rule = make_rule(tree.kab, K.POSTING_HOURS, {"windows": ["06:00-21:00"]})
    response = admin_client.post(url("rule-edit", tree.kab, rule_uuid=rule.uuid),
                                 {"severity": "error", "windows": "21:00-21:00"})
    assert response.status_code == 400
    assert "tidak boleh sama" in response.content.decode()
    rule.refresh_from_db()
    assert rule.params == {"windows": [{"start": "06:00", "end": "21:00"}]}


def test_ancestor_rule_cannot_be_edited_or_removed_from_below(admin_client, tree):
    inherited = make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    assert admin_client.get(url("rule-edit", tree.kab, rule_uuid=inherited.uuid)).status_code == 404
    assert admin_client.post(url("rule-toggle", tree.kab, rule_uuid=inherited.uuid)).status_code == 404
    assert admin_client.post(url("rule-delete", tree.kab, rule_uuid=inherited.uuid)).status_code == 404
    # nor through a descendant's URL for the parent's rule
    own = make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["x"]})
    assert admin_client.post(url("rule-delete", tree.kec, rule_uuid=own.uuid)).status_code == 404
    assert Rule.objects.filter(active=True).count() == 2


def test_toggle_and_delete(admin_client, tree):
    rule = make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    assert admin_client.post(url("rule-toggle", tree.kab, rule_uuid=rule.uuid)).status_code == 302
    rule.refresh_from_db()
    assert rule.active is False
    assert AuditEvent.objects.filter(action="guideline.rule.deactivate").exists()
    html = admin_client.get(url("home", tree.kab)).content.decode()
    assert "nonaktif" in html  # the unit still sees its own inactive rule
    admin_client.post(url("rule-toggle", tree.kab, rule_uuid=rule.uuid))
    rule.refresh_from_db()
    assert rule.active is True
    assert admin_client.get(url("rule-toggle", tree.kab, rule_uuid=rule.uuid)).status_code == 405
    assert admin_client.post(url("rule-delete", tree.kab, rule_uuid=rule.uuid)).status_code == 302
    assert not Rule.objects.exists()
    assert AuditEvent.objects.filter(action="guideline.rule.delete", target_id=str(rule.uuid)).exists()


def test_editor_cannot_manage(client, tree, editor):
    login_client(client, editor)
    rule = make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    assert client.get(url("rule-create", tree.kab)).status_code == 403
    assert client.post(url("rule-delete", tree.kab, rule_uuid=rule.uuid)).status_code == 403
    assert Rule.objects.count() == 1


# --- the check --------------------------------------------------------------------------------------


def test_check_partial_errors_and_warnings(viewer_client, tree):
    make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]}, severity="warning")
    response = viewer_client.post(url("check", tree.kab), {"text": "Ini hoaks", "platform": "", "when": ""},
                                  headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert 'class="msg msg-error"' in html
    assert 'class="msg msg-warning"' in html
    assert 'data-start="4" data-end="9"' in html
    assert "Aturan dari Provinsi Jawa Barat" in html
    assert "Aturan dari Kabupaten Bogor" in html
    assert "Sesuai pedoman" not in html


def test_check_ok(viewer_client, tree):
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]})
    html = viewer_client.post(url("check", tree.kab), {"text": "Halo #BogorKabMaju"}).content.decode()
    assert "Sesuai pedoman" in html


def test_check_reads_when_in_the_units_zone_and_the_platform(viewer_client, tree):
    make_rule(tree.kab, K.POSTING_HOURS, {"windows": ["06:00-21:00"]})
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#IG"]}, platforms=["instagram"])
    late = viewer_client.post(url("check", tree.kab), {"text": "x", "when": "2026-12-01T21:30", "platform": "x"})
    assert "di luar jam unggah" in late.content.decode()
    assert "#IG" not in late.content.decode()
    ok = viewer_client.post(url("check", tree.kab), {"text": "x", "when": "2026-12-01T20:30", "platform": "x"})
    assert "Sesuai pedoman" in ok.content.decode()


def test_check_sensitive_period_badge(viewer_client, tree):
    make_rule(tree.kab, K.SENSITIVE_PERIOD, {"name": "Masa tenang", "start": "2026-11-24T00:00:00+07:00",
                                             "end": "2026-11-27T00:00:00+07:00"}, severity="warning")
    html = viewer_client.post(url("check", tree.kab), {"text": "x", "when": "2026-11-25T10:00"}).content.decode()
    assert "perlu penyetuju lebih tinggi" in html


def test_check_bad_input(viewer_client, tree):
    before = AuditEvent.objects.count()
    html = viewer_client.post(url("check", tree.kab), {"text": "x", "when": "besok pagi"}).content.decode()
    assert 'data-testid="check-error"' in html
    html = viewer_client.post(url("check", tree.kab), {"text": "x", "platform": "myspace"}).content.decode()
    assert 'data-testid="check-error"' in html
    html = viewer_client.post(url("check", tree.kab), {"text": "x" * 20001}).content.decode()
    assert 'data-testid="check-error"' in html
    assert AuditEvent.objects.count() == before


def test_check_is_post_only(viewer_client, tree):
    assert viewer_client.get(url("check", tree.kab)).status_code == 405


def test_check_is_scoped(sibling_client, tree):
    assert sibling_client.post(url("check", tree.kab), {"text": "x"}).status_code == 404


def test_home_has_the_check_box(admin_client, tree):
    html = admin_client.get(url("home", tree.kab)).content.decode()
    assert f'hx-post="{url("check", tree.kab)}"' in html
    assert "Coba pedoman" in html


def test_every_kind_form_renders_blank_and_for_editing(admin_client, tree):
    params = {
        "forbidden_phrase": {"phrases": ["hoaks"]},
        "abusive_language": {"threshold": 0.7, "ignore": ["setan"]},
        "sara": {"words": ["kadrun"]},
        "required_hashtag": {"hashtags": ["#BogorKabMaju"]},
        "required_signature": {"text": "#HumasBogor"},
        "link_domains": {"domains": ["go.id"]},
        "posting_hours": {"windows": ["06:00-21:00"]},
        "sensitive_period": {"name": "Masa tenang", "start": "2026-11-24T00:00", "end": "2026-11-27T00:00"},
    }
    for kind, p in params.items():
        blank = admin_client.get(url("rule-create", tree.kab) + f"?jenis={kind}")
        assert blank.status_code == 200, kind
        rule = make_rule(tree.kab, kind, p)
        page = admin_client.get(url("rule-edit", tree.kab, rule_uuid=rule.uuid))
        assert page.status_code == 200, kind
    html = admin_client.get(url("rule-edit", tree.kab, rule_uuid=Rule.objects.get(kind="posting_hours").uuid))
    assert "06:00-21:00" in html.content.decode()
    listing = admin_client.get(url("home", tree.kab)).content.decode()
    assert "Masa tenang: 24-11-2026 00:00 – 27-11-2026 00:00 WIB" in listing
