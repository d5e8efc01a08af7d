"""The engine: every rule kind (caught and not), spans, inheritance, escalation, the model floor."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.guideline.conftest import make_rule
from warta.guideline import selectors
from warta.guideline.engine import guideline_check
from warta.guideline.models import RuleKind

K = RuleKind


def check(unit, text, **kw):
    return guideline_check(unit=unit, text=text, **kw)


# --- forbidden phrases -----------------------------------------------------------------------


def test_forbidden_phrase_found_with_span_case_insensitive(tree):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["korupsi", "dana siluman"]})
    text = "Tidak ada KORUPSI di sini, juga tidak ada Dana  Siluman."
    result = check(tree.kab, text)
    assert not result.ok
    spans = sorted((f.start, f.end) for f in result.findings)
    assert [text[s:e] for s, e in spans] == ["KORUPSI", "Dana  Siluman"]
    assert "korupsi" in result.findings[0].message
    assert result.findings[0].unit_name == "Kabupaten Bogor"


def test_forbidden_phrase_respects_word_boundaries(tree):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["bom"]})
    assert check(tree.kab, "Pembomban? Tidak. Bombastis dan bomber juga bukan.").ok
    assert not check(tree.kab, "Ada ancaman bom di terminal.").ok


def test_forbidden_phrase_caught_after_normalisation(tree):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["korupsi", "banget"]})
    text = "Stop k0rupsi, kesel bangettt"
    found = {text[f.start:f.end] for f in check(tree.kab, text).findings}
    assert found == {"k0rupsi", "bangettt"}


def test_a_number_phrase_does_not_match_every_number(tree):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["2019"]})
    assert check(tree.kab, "Anggaran 2024 naik").ok
    assert not check(tree.kab, "Seperti tahun 2019").ok


def test_words_inside_links_are_not_phrases(tree):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["korupsi"]})
    assert check(tree.kab, "Lapor di https://lapor.go.id/korupsi").ok


# --- abusive language and SARA ---------------------------------------------------------------


def test_abusive_floor_catches_listed_word_even_when_model_is_sure_it_is_fine(tree, abuse):
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {})
    text = "Dasar bajingan kau"
    result = check(tree.kab, text)
    assert [text[f.start:f.end] for f in result.findings] == ["bajingan"]
    assert abuse.calls == 1


def test_abusive_floor_skips_ordinary_words_and_the_units_ignore_list(tree):
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {"ignore": ["setan"]})
    assert check(tree.kab, "Program jamban sehat dan vaksinasi rabies anjing; film setan").ok


def test_abusive_extra_words(tree):
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {"words": ["kadrun"]})
    assert not check(tree.kab, "dasar kadrun").ok


def test_abusive_model_over_threshold(tree, abuse):
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {"threshold": 0.7}, severity="warning")
    abuse.scores["Abusive"] = 0.65
    assert check(tree.kab, "kalimat halus").findings == ()
    abuse.scores["Abusive"] = 0.9
    result = check(tree.kab, "kalimat halus")
    assert result.ok
    assert len(result.warnings) == 1
    assert "90%" in result.warnings[0].message
    assert result.warnings[0].start is None


def test_model_unavailable_floor_still_runs_and_says_so(tree, abuse):
    abuse.broken = True
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {})
    make_rule(tree.kab, K.SARA, {"words": ["kadrun"]})
    result = check(tree.kab, "dasar goblok, kadrun")
    messages = [f.message for f in result.errors]
    assert len(messages) == 2
    assert all("model bahasa tidak tersedia" in m for m in messages)
    clean = check(tree.kab, "Selamat pagi warga Bogor")
    assert clean.ok  # no error, but the officer is told the check was incomplete
    assert len(clean.warnings) == 2
    assert all("tidak tersedia" in f.message for f in clean.warnings)


def test_sara_from_the_model(tree, abuse):
    make_rule(tree.kab, K.SARA, {"threshold": 0.5})
    abuse.scores.update({"HS": 0.8, "HS_Religion": 0.75})
    result = check(tree.kab, "teks uji")
    assert len(result.errors) == 1
    assert "agama 75%" in result.errors[0].message
    abuse.scores.update({"HS": 0.3})  # the details count only when hate speech itself is given
    assert check(tree.kab, "teks uji").ok


def test_classifier_called_once_per_check(tree, abuse):
    make_rule(tree.jabar, K.ABUSIVE_LANGUAGE, {})
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {"threshold": 0.3})
    make_rule(tree.kab, K.SARA, {})
    check(tree.kab, "halo")
    assert abuse.calls == 1


def test_no_language_rule_no_classifier(tree, abuse):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["x"]})
    check(tree.kab, "halo")
    assert abuse.calls == 0


def test_real_linear_model_runs(tree, monkeypatch):
    from warta.guideline import engine
    from warta.language import classifiers

    monkeypatch.setattr(engine.classifiers, "classify", classifiers.classify)
    make_rule(tree.kab, K.ABUSIVE_LANGUAGE, {"threshold": 0.5})
    assert check(tree.kab, "Selamat pagi, jadwal posyandu hari ini pukul 08.00.").ok
    assert not check(tree.kab, "dasar goblok tolol bangsat").ok


# --- required elements ------------------------------------------------------------------------


def test_required_hashtag(tree):
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["BogorKabMaju", "#HumasBogor"]}, severity="warning")
    result = check(tree.kab, "Kabar baik #bogorkabmaju")
    assert [f.message for f in result.findings] == ["Tagar wajib belum ada: #HumasBogor."]
    assert check(tree.kab, "#BogorKabMaju #HumasBogor").findings == ()
    assert check(tree.kab, "#BogorKabMajuTerus #HumasBogor").findings  # a longer tag is another tag


def test_required_signature(tree):
    make_rule(tree.kab, K.REQUIRED_SIGNATURE, {"text": "#HumasBogor — Diskominfo Kab. Bogor"})
    assert not check(tree.kab, "Info jalan tol").ok
    assert check(tree.kab, "Info jalan tol\n\n#HumasBogor —  Diskominfo kab. Bogor").ok


# --- links -----------------------------------------------------------------------------------------


def test_link_domains(tree):
    make_rule(tree.kab, K.LINK_DOMAINS, {"domains": ["go.id", "bogorkab.go.id"]})
    text = "Daftar di https://ppid.bogorkab.go.id/x, www.kemendagri.go.id atau bit.ly/abc."
    result = check(tree.kab, text)
    assert [text[f.start:f.end] for f in result.findings] == ["bit.ly/abc"]
    assert "bit.ly" in result.findings[0].message


def test_link_domains_no_lookalikes_and_extra_links(tree):
    make_rule(tree.kab, K.LINK_DOMAINS, {"domains": ["go.id"]})
    assert not check(tree.kab, "https://bogor-go.id/").ok
    assert not check(tree.kab, "https://go.id.evil.com/").ok
    result = check(tree.kab, "lihat tautan", links=["https://example.com/a"])
    assert len(result.findings) == 1
    assert result.findings[0].start is None
    assert check(tree.kab, "surel humas@gmail.com", links=["https://jdih.go.id"]).ok


# --- times ----------------------------------------------------------------------------------------


def test_posting_hours_in_the_units_zone(tree):
    make_rule(tree.kab, K.POSTING_HOURS, {"windows": ["06:00-21:00"]}, severity="warning")
    # 14:30 UTC is 21:30 WIB: outside; 13:30 UTC is 20:30 WIB: inside
    late = check(tree.kab, "x", when=datetime(2026, 12, 1, 14, 30, tzinfo=UTC))
    assert len(late.warnings) == 1
    assert "21:30 WIB" in late.warnings[0].message
    assert check(tree.kab, "x", when=datetime(2026, 12, 1, 13, 30, tzinfo=UTC)).findings == ()
    assert check(tree.kab, "x", when=datetime(2026, 12, 1, 20, 59)).findings == ()  # naive = unit's zone


def test_posting_hours_window_over_midnight(tree):
    make_rule(tree.kab, K.POSTING_HOURS, {"windows": [{"start": "22:00", "end": "02:00"}]})
    assert check(tree.kab, "x", when=datetime(2026, 12, 1, 23, 0)).ok
    assert check(tree.kab, "x", when=datetime(2026, 12, 1, 1, 0)).ok
    assert not check(tree.kab, "x", when=datetime(2026, 12, 1, 12, 0)).ok


def test_sensitive_period_escalates_only_inside_the_period(tree):
    make_rule(tree.jabar, K.SENSITIVE_PERIOD,
              {"name": "Masa tenang Pilkada", "start": "2026-11-24T00:00:00+07:00",
               "end": "2026-11-27T00:00:00+07:00"}, severity="warning")
    inside = check(tree.kab, "Jadwal posyandu", when=datetime(2026, 11, 25, 9, 0))
    assert inside.escalate
    assert inside.ok
    assert "Masa tenang Pilkada" in inside.findings[0].message
    assert inside.findings[0].unit_name == "Provinsi Jawa Barat"
    outside = check(tree.kab, "Jadwal posyandu", when=datetime(2026, 11, 27, 0, 0))
    assert not outside.escalate
    assert outside.findings == ()


def test_sensitive_period_with_keywords(tree):
    make_rule(tree.kab, K.SENSITIVE_PERIOD,
              {"name": "Masa tenang", "start": "2026-11-24T00:00:00+07:00", "end": "2026-11-27T00:00:00+07:00",
               "keywords": ["pilkada", "paslon"]})
    when = datetime(2026, 11, 25, 9, 0)
    assert check(tree.kab, "Jadwal posyandu", when=when).findings == ()
    text = "Ayo sukseskan PILKADA damai"
    result = check(tree.kab, text, when=when)
    assert result.escalate
    assert text[result.findings[0].start:result.findings[0].end] == "PILKADA"


# --- inheritance, platforms, the result -------------------------------------------------------


def test_rules_inherit_down_the_tree_ancestors_first(tree):
    national = make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    kab = make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#BogorKabMaju"]})
    make_rule(tree.kota, K.FORBIDDEN_PHRASE, {"phrases": ["bogor"]})  # the sibling's: not inherited
    make_rule(tree.desa, K.FORBIDDEN_PHRASE, {"phrases": ["desa"]})  # a descendant's: not inherited
    inactive = make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["jabar"]}, active=False)
    assert [r.pk for r in selectors.rules_effective(tree.desa)][:2] == [national.pk, kab.pk]
    assert inactive.pk not in [r.pk for r in selectors.rules_effective(tree.kab)]
    result = check(tree.kec, "hoaks dari bogor dan jabar")
    assert {f.unit_name for f in result.findings} == {"Provinsi Jawa Barat", "Kabupaten Bogor"}
    assert check(tree.kota, "#BogorKabMaju tanpa hoaks").ok is False  # Jawa Barat's binds Kota Bogor too
    assert check(tree.kemendagri, "hoaks dari bogor").findings == ()  # another tree altogether


def test_a_child_cannot_weaken_an_ancestors_rule(tree):
    make_rule(tree.jabar, K.LINK_DOMAINS, {"domains": ["go.id"]})
    make_rule(tree.kab, K.LINK_DOMAINS, {"domains": ["example.com"]})  # adds, but cannot widen the national rule
    make_rule(tree.jabar, K.POSTING_HOURS, {"windows": ["06:00-21:00"]})
    make_rule(tree.kab, K.POSTING_HOURS, {"windows": ["00:00-23:59"]})
    result = check(tree.kab, "https://example.com", when=datetime(2026, 12, 1, 22, 0))
    assert {f.unit_name for f in result.errors} == {"Provinsi Jawa Barat"}
    assert len(result.errors) == 2


def test_platform_specific_rule(tree):
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#HumasBogor"]}, platforms=["instagram"])
    assert check(tree.kab, "x", platform="x").ok
    assert not check(tree.kab, "x", platform="instagram").ok
    assert not check(tree.kab, "x").ok  # no platform: every rule


def test_one_query_and_cache(tree):
    make_rule(tree.jabar, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]})
    make_rule(tree.kab, K.REQUIRED_HASHTAG, {"hashtags": ["#a"]})
    selectors.cache_clear()
    with CaptureQueriesContext(connection) as first:
        check(tree.desa, "hoaks")
    assert len(first) == 1
    with CaptureQueriesContext(connection) as second:
        check(tree.desa, "hoaks")
    assert len(second) == 0


def test_custom_message_and_as_dict(tree):
    make_rule(tree.kab, K.FORBIDDEN_PHRASE, {"phrases": ["hoaks"]}, message="Lihat SE Bupati 2025.")
    data = check(tree.kab, "ini hoaks").as_dict()
    assert data["ok"] is False
    assert data["errors"] == 1
    assert data["warnings"] == 0
    assert data["escalate"] is False
    finding = data["findings"][0]
    assert finding["message"].endswith("Lihat SE Bupati 2025.")
    assert (finding["start"], finding["end"], finding["kind"]) == (4, 9, "forbidden_phrase")


def test_no_rules_is_ok(tree):
    result = check(tree.kab, "apa saja")
    assert result.ok
    assert result.findings == ()
    assert not result.escalate


@pytest.mark.parametrize(("kind", "params", "field"), [
    (K.FORBIDDEN_PHRASE, {"phrases": []}, "phrases"),
    (K.FORBIDDEN_PHRASE, {"phrases": ["x"], "extra": 1}, "params"),
    (K.ABUSIVE_LANGUAGE, {"threshold": 3}, "threshold"),
    (K.ABUSIVE_LANGUAGE, {"threshold": "abc"}, "threshold"),
    (K.REQUIRED_HASHTAG, {"hashtags": ["#dua kata"]}, "hashtags"),
    (K.REQUIRED_SIGNATURE, {"text": "   "}, "text"),
    (K.LINK_DOMAINS, {"domains": ["bukan domain!"]}, "domains"),
    (K.POSTING_HOURS, {"windows": ["25:00-26:00"]}, "windows"),
    (K.POSTING_HOURS, {"windows": []}, "windows"),
    (K.SENSITIVE_PERIOD, {"name": "x", "start": "2026-11-27T00:00", "end": "2026-11-24T00:00"}, "end"),
    (K.SENSITIVE_PERIOD, {"name": "", "start": "2026-11-24T00:00", "end": "2026-11-27T00:00"}, "name"),
    (K.SENSITIVE_PERIOD, {"name": "x", "start": "kemarin", "end": "2026-11-27T00:00"}, "start"),
])
def test_bad_params_refused_in_indonesian_nothing_stored(tree, kind, params, field):
    from django.core.exceptions import ValidationError

    from warta.core.models import AuditEvent
    from warta.guideline.models import Rule

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_rule(tree.kab, kind, params)
    assert field in exc.value.message_dict
    message = " ".join(exc.value.message_dict[field])
    assert message
    assert "must" not in message.lower()
    assert Rule.objects.count() == 0
    assert AuditEvent.objects.count() == before
