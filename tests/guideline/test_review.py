"""Review findings on the guideline: date-times at the edge of the calendar must give a clear
Indonesian 422/400, never a 500, and must not be stored where they would break every page
of the unit's subtree that shows the rule."""

import pytest
from django.urls import reverse

from tests.api import assert_problem
from tests.guideline.conftest import make_rule
from warta.guideline.models import Rule, RuleKind


@pytest.mark.parametrize(("start", "end"), [
    ("0001-01-01T00:00:00", "2026-01-02T00:00:00"),  # before year 1 in UTC once WIB is taken off
    ("2026-01-01T00:00:00", "9999-12-31T23:00:00+00:00"),  # fine in UTC, past year 9999 in WIB
])
def test_api_sensitive_period_at_calendar_edge_is_422(api, tree, start, end):
    body = {"kind": "sensitive_period", "severity": "warning",
            "params": {"name": "Masa tenang", "start": start, "end": end}}
    response = api.post(f"/units/{tree.kab.uuid}/guideline/rules", body)
    assert_problem(response, 422)
    assert not Rule.objects.exists()


def test_form_sensitive_period_year_one_is_400(admin_client, tree):
    url = reverse("guideline:rule-create", kwargs={"unit_uuid": tree.kab.uuid}) + "?jenis=sensitive_period"
    response = admin_client.post(url, {"jenis": "sensitive_period", "severity": "warning", "message": "",
                                       "name": "Masa tenang", "start": "0001-01-01T00:00",
                                       "end": "2026-01-01T00:00", "keywords": ""})
    assert response.status_code == 400
    assert not Rule.objects.exists()


def test_api_check_when_at_calendar_edge_is_422(api, tree):
    make_rule(tree.kab, RuleKind.POSTING_HOURS, {"windows": ["06:00-21:00"]})
    url = f"/units/{tree.kab.uuid}/guideline/check"
    response = api.post(url, {"text": "halo", "when": "0001-01-01T00:30:00+14:00"})
    assert_problem(response, 422)
    ok = api.post(url, {"text": "halo", "when": "2026-05-01T10:00:00+07:00"})
    assert ok.status_code == 200


def test_api_sensitive_period_name_loses_nul(api, tree):
    body = {"kind": "sensitive_period", "params": {"name": "Masa\x00 tenang", "start": "2026-01-01T00:00:00",
                                                   "end": "2026-01-02T00:00:00"}}
    response = api.post(f"/units/{tree.kab.uuid}/guideline/rules", body)
    assert response.status_code == 201, response.content
    assert Rule.objects.get().params["name"] == "Masa tenang"
