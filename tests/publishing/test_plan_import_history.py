"""The history of month-plan imports ("Riwayat impor rencana"): every preview and apply is a row,
a failed apply leaves a failed row and nothing else, scope (sibling 404, viewer reads but cannot
import), newest first, paginated, and an applied import links to the drafts it made."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.api import Api, make_token
from tests.conftest import login_client
from tests.factories import make_member
from tests.publishing.test_plan_import import csv_bytes, good_rows, next_month, upload
from warta.core.models import AuditEvent
from warta.organisations.roles import Role
from warta.publishing import plan_import
from warta.publishing.models import PlanImport, Post

State = PlanImport.State


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


def _apply(client, unit, token, month):
    return client.post(reverse("publishing:plan-import-apply", args=[unit.uuid]),
                       {"token": token, "month": month.strftime("%Y-%m")}, follow=True)


def _history(client, unit, **params):
    return client.get(reverse("publishing:plan-import-history", args=[unit.uuid]), params)


def test_preview_then_apply_make_one_history_row(editor_client, tree, editor):
    month = next_month(tree.kab)
    response = upload(editor_client, tree.kab, csv_bytes(good_rows(month)), month, name="rencana-des.csv")
    assert response.status_code == 200
    record = PlanImport.objects.get()
    assert (record.state, record.unit, record.created_by, record.file_name, record.file_type) == (
        State.PREVIEWED, tree.kab, editor, "rencana-des.csv", "csv")
    assert (record.month, record.rows_total, record.rows_created, record.errors_count) == (month, 2, 0, 0)
    assert str(record.token) == response.context["token"]
    preview_event = AuditEvent.objects.get(action="post.plan_preview")
    assert (preview_event.actor_id, preview_event.changes["rows"]) == (editor.pk, 2)
    history = _history(editor_client, tree.kab).content.decode()
    assert history.count('data-testid="plan-history-row"') == 1
    assert 'data-state="previewed"' in history
    assert "rencana-des.csv" in history

    _apply(editor_client, tree.kab, response.context["token"], month)
    record.refresh_from_db()
    posts = list(Post.objects.order_by("pk"))
    assert len(posts) == 2
    assert (record.state, record.rows_created, record.applied_by) == (State.APPLIED, 2, editor)
    assert record.posts == [str(p.uuid) for p in posts]
    assert AuditEvent.objects.get(action="post.plan_import").changes["import"] == str(record.uuid)
    assert PlanImport.objects.count() == 1  # the same import, moved on
    history = _history(editor_client, tree.kab).content.decode()
    assert 'data-state="applied"' in history
    detail_url = reverse("publishing:plan-import-detail", args=[tree.kab.uuid, record.uuid])
    assert detail_url in history
    detail = editor_client.get(detail_url).content.decode()
    for post in posts:
        assert reverse("publishing:post-detail", args=[tree.kab.uuid, post.uuid]) in detail
    # Applying the same plan again (a double click) is refused and leaves the applied row alone.
    _apply(editor_client, tree.kab, str(record.token), month)
    record.refresh_from_db()
    assert record.state == State.APPLIED
    assert Post.objects.count() == 2


def test_a_preview_with_bad_rows_is_recorded_with_its_problems(editor_client, tree):
    month = next_month(tree.kab)
    rows = good_rows(month) + [[f"{month:%Y-%m}-09", "09:00", "Rusak", "myspace", "Teks", "", "", ""]]
    assert upload(editor_client, tree.kab, csv_bytes(rows), month).status_code == 422
    record = PlanImport.objects.get()
    assert (record.state, record.rows_total, record.errors_count, record.token) == (State.PREVIEWED, 3, 1, None)
    assert record.error_summary.startswith("Baris 4: Platform tidak dikenal: myspace")


def test_an_unreadable_file_is_recorded_as_failed(editor_client, tree):
    month = next_month(tree.kab)
    assert upload(editor_client, tree.kab, b"PK\x03\x04rusak" * 10, month, name="rencana.xlsx").status_code == 422
    record = PlanImport.objects.get()
    assert (record.state, record.file_type, record.rows_total, record.token) == (State.FAILED, "xlsx", 0, None)
    assert record.error_summary
    assert Post.objects.count() == 0


def test_a_bad_month_records_nothing(tree, editor):
    with pytest.raises(ValidationError):
        plan_import.plan_preview(actor=editor, unit=tree.kab, content=csv_bytes([]), month="2026-13")
    assert PlanImport.objects.count() == 0


def test_a_failed_apply_leaves_a_failed_row_and_changes_nothing_else(editor_client, tree, editor):
    month = next_month(tree.kab)
    response = upload(editor_client, tree.kab, csv_bytes(good_rows(month)), month)
    record = PlanImport.objects.get()
    # Meanwhile someone made the first row's post by hand: the plan is now a duplicate there.
    evaluation = plan_import.plan_evaluate(unit=tree.kab, content=csv_bytes(good_rows(month)[:1]), month=month)
    plan_import.plan_import_apply(actor=editor, unit=tree.kab, evaluation=evaluation)
    before_posts = set(Post.objects.values_list("pk", flat=True))
    before_events = AuditEvent.objects.exclude(action="post.plan_import_failed").count()
    page = _apply(editor_client, tree.kab, response.context["token"], month)
    assert "sudah ada di unit ini" in page.content.decode()
    assert set(Post.objects.values_list("pk", flat=True)) == before_posts
    assert AuditEvent.objects.exclude(action="post.plan_import_failed").count() == before_events
    record.refresh_from_db()
    assert (record.state, record.rows_created, record.posts, record.errors_count) == (State.FAILED, 0, [], 1)
    assert "Baris 2:" in record.error_summary
    assert "sudah ada di unit ini" in record.error_summary
    assert AuditEvent.objects.get(action="post.plan_import_failed").target_id == str(record.uuid)
    history = _history(editor_client, tree.kab).content.decode()
    assert 'data-state="failed"' in history


def test_an_apply_of_an_unknown_upload_is_a_failed_row_without_token(editor_client, tree):
    forged = "00000000-0000-0000-0000-000000000000"
    for _ in range(2):  # twice: no clash on the token
        page = _apply(editor_client, tree.kab, forged, date(2026, 12, 1))
        assert "Berkas rencana tidak ditemukan lagi" in page.content.decode()
    assert list(PlanImport.objects.values_list("state", "token")) == [(State.FAILED, None)] * 2
    assert Post.objects.count() == 0


def test_a_big_plan_applied_by_the_task_is_recorded(editor_client, tree, editor, settings):
    settings.WARTA_PLAN_IMPORT_SYNC_ROWS = 1
    month = next_month(tree.kab)
    response = upload(editor_client, tree.kab, csv_bytes(good_rows(month)), month)
    _apply(editor_client, tree.kab, response.context["token"], month)  # the task runs eagerly in tests
    record = PlanImport.objects.get()
    assert (record.state, record.rows_created, len(record.posts)) == (State.APPLIED, 2, 2)
    assert set(record.posts) == {str(u) for u in Post.objects.values_list("uuid", flat=True)}


def test_the_api_preview_and_apply_are_recorded(client, tree, editor):
    month = next_month(tree.kab)
    raw = make_token(editor, tree.kab)[1]
    response = client.post(f"/api/v1/units/{tree.kab.uuid}/plan-import/preview",
                           {"month": month.strftime("%Y-%m"),
                            "file": SimpleUploadedFile("api.csv", csv_bytes(good_rows(month)))},
                           headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200, response.content[:500]
    token = response.json()["token"]
    record = PlanImport.objects.get()
    assert (record.file_name, str(record.token), record.state) == ("api.csv", token, State.PREVIEWED)
    applied = Api(client, raw).post(f"/units/{tree.kab.uuid}/plan-import/apply",
                                    {"token": token, "month": month.strftime("%Y-%m")})
    assert applied.status_code == 201, applied.content[:500]
    record.refresh_from_db()
    assert (record.state, record.rows_created) == (State.APPLIED, 2)


# --- scope and pages -------------------------------------------------------------------------------


def test_history_scope(client, tree, editor, viewer, sibling, admin):
    month = next_month(tree.kab)
    here, _rec = plan_import.plan_preview(actor=editor, unit=tree.kab, content=csv_bytes(good_rows(month)),
                                          month=month, file_name="kab.csv")
    below = plan_import.plan_preview(actor=admin, unit=tree.kec, content=csv_bytes(good_rows(month)), month=month,
                                     file_name="kecamatan.csv")[1]
    other = plan_import.plan_preview(actor=sibling, unit=tree.kota, content=csv_bytes(good_rows(month)),
                                     month=month, file_name="kota.csv")[1]
    login_client(client, viewer)
    page = _history(client, tree.kab)
    assert page.status_code == 200  # a viewer reads the history...
    body = page.content.decode()
    assert "kab.csv" in body
    assert "kecamatan.csv" in body
    assert "kota.csv" not in body
    # ...from the unit below only its own imports.
    below_page = _history(client, tree.kec).content.decode()
    assert "kecamatan.csv" in below_page
    assert "kab.csv" not in below_page
    detail = reverse("publishing:plan-import-detail", args=[tree.kab.uuid, below.uuid])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("publishing:plan-import-detail", args=[tree.kab.uuid, other.uuid])).status_code == 404
    assert client.get(reverse("publishing:plan-import-detail", args=[tree.kec.uuid, _rec.uuid])).status_code == 404
    # ...but cannot import.
    assert upload(client, tree.kab, csv_bytes(good_rows(month)), month).status_code == 403
    assert _apply(client, tree.kab, str(_rec.token), month).status_code == 403
    assert client.post(reverse("publishing:plan-import-history", args=[tree.kab.uuid])).status_code == 405
    assert PlanImport.objects.count() == 3
    assert Post.objects.count() == 0
    sibling_client = Client()
    login_client(sibling_client, sibling, sibling.totp)
    assert _history(sibling_client, tree.kab).status_code == 404
    assert sibling_client.post(reverse("publishing:plan-import-history", args=[tree.kab.uuid])).status_code == 404
    assert sibling_client.get(detail).status_code == 404
    assert sibling_client.get(reverse("publishing:plan-import-detail", args=[tree.kota.uuid, below.uuid])
                              ).status_code == 404
    assert sibling_client.get(reverse("publishing:plan-import-detail", args=[tree.kota.uuid, uuid.uuid4()])
                              ).status_code == 404


def test_history_is_newest_first_and_paginated(client, tree, editor):
    month = next_month(tree.kab)
    for n in range(23):
        PlanImport.objects.create(unit=tree.kab, created_by=editor, month=month, file_name=f"berkas-{n:02}.csv")
    login_client(client, make_member(tree.kab, Role.ANALYST, email="analis@bogorkab.go.id"))
    first = _history(client, tree.kab).content.decode()
    assert first.count('data-testid="plan-history-row"') == 20
    assert first.index("berkas-22.csv") < first.index("berkas-21.csv")
    assert "berkas-02.csv" not in first
    assert "Halaman 1 dari 2" in first
    second = _history(client, tree.kab, page=2).content.decode()
    assert second.count('data-testid="plan-history-row"') == 3
    assert "berkas-00.csv" in second
    assert "berkas-22.csv" not in second


def test_history_query_count_does_not_grow_with_rows(client, tree, editor, django_assert_max_num_queries):
    month = next_month(tree.kab)
    for n in range(15):
        PlanImport.objects.create(unit=tree.kab, created_by=editor, month=month, file_name=f"b{n}.csv")
    login_client(client, editor)
    with django_assert_max_num_queries(12):
        assert _history(client, tree.kab).status_code == 200
