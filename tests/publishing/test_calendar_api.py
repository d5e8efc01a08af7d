"""The calendar's API: the calendar of a unit (entries and marks, at most 100 days), moving a
post, and the plan import — problem+json for bad input, sibling token 404, viewer token 403."""

from datetime import date, timedelta

from django.utils import timezone

from tests.api import BASE, Api, assert_problem, make_token
from tests.publishing.test_calendar import at_local, local_day, scheduled_post
from tests.publishing.test_plan_import import csv_bytes, good_rows, next_month
from warta.publishing.models import Post, PostState, Publication


def api_for(client, user, unit):
    _token, raw = make_token(user, unit)
    return Api(client, raw)


def test_calendar_returns_entries_and_marks(client, tree, editor):
    new_year = date(timezone.now().year + 1, 1, 1)
    post, _ = scheduled_post(tree.kab, editor, new_year, hour=8, title="Tahun baru")
    api = api_for(client, editor, tree.kab)
    response = api.get(f"/units/{tree.kab.uuid}/calendar", start=new_year.isoformat(),
                       end=(new_year + timedelta(days=6)).isoformat())
    assert response.status_code == 200, response.content
    body = response.json()
    [entry] = body["entries"]
    assert entry["post_uuid"] == str(post.uuid)
    assert entry["local_time"] == "08:30"
    assert entry["local_date"] == new_year.isoformat()
    assert entry["movable"] is True
    assert any(m["date"] == new_year.isoformat() and m["kind"] == "holiday" for m in body["marks"])
    assert body["time_zone"] == "Asia/Jakarta"


def test_calendar_filters_and_bad_ranges(client, tree, editor):
    day = local_day(tree.kab, 10)
    scheduled_post(tree.kab, editor, day)
    api = api_for(client, editor, tree.kab)
    path = f"/units/{tree.kab.uuid}/calendar"
    assert api.get(path, start=day.isoformat(), end=day.isoformat(), state="draft").json()["entries"] == []
    assert len(api.get(path, start=day.isoformat(), end=day.isoformat(), state="scheduled").json()["entries"]) == 1
    body = assert_problem(api.get(path, start=day.isoformat(), end=(day + timedelta(days=100)).isoformat()), 422)
    assert "100 hari" in body["detail"]
    assert_problem(api.get(path, start=day.isoformat(), end=(day - timedelta(days=1)).isoformat()), 422)
    assert_problem(api.get(path, start="besok", end=day.isoformat()), 422)
    assert_problem(api.get(path, start="9999-12-30", end="9999-12-31"), 422)
    assert_problem(api.get(path, start=day.isoformat(), end=day.isoformat(), unit=str(tree.kota.uuid)), 422)


def test_calendar_scope(client, tree, sibling, viewer):
    day = local_day(tree.kab, 3).isoformat()
    assert_problem(api_for(client, sibling, tree.kota).get(f"/units/{tree.kab.uuid}/calendar", start=day, end=day),
                   404)
    assert api_for(client, viewer, tree.kab).get(f"/units/{tree.kab.uuid}/calendar", start=day,
                                                 end=day).status_code == 200


def test_reschedule_moves_and_refuses_with_problems(client, tree, editor):
    day = local_day(tree.kab, 10)
    post, _ = scheduled_post(tree.kab, editor, day, hour=9, minute=0)
    api = api_for(client, editor, tree.kab)
    target = day + timedelta(days=2)
    response = api.post(f"/posts/{post.uuid}/reschedule", {"date": target.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "scheduled"
    assert Publication.objects.get(post=post).due_at == at_local(tree.kab, target, 9)
    body = assert_problem(api.post(f"/posts/{post.uuid}/reschedule", {"date": "2020-01-01"}), 422)
    assert body["detail"] == "Jadwal tidak boleh di masa lalu."
    assert_problem(api.post(f"/posts/{post.uuid}/reschedule", {"date": target.isoformat(), "jam": "9"}), 422)
    in_review = Post.objects.create(unit=tree.kab, title="Diajukan", state=PostState.IN_REVIEW)
    body = assert_problem(api.post(f"/posts/{in_review.uuid}/reschedule", {"date": target.isoformat()}), 422)
    assert "belum disetujui" in body["detail"]
    assert Publication.objects.get(post=post).due_at == at_local(tree.kab, target, 9)


def test_reschedule_scope(client, tree, editor, viewer, sibling):
    day = local_day(tree.kab, 10)
    post, _ = scheduled_post(tree.kab, editor, day)
    payload = {"date": (day + timedelta(days=1)).isoformat()}
    assert_problem(api_for(client, viewer, tree.kab).post(f"/posts/{post.uuid}/reschedule", payload), 403)
    assert_problem(api_for(client, sibling, tree.kota).post(f"/posts/{post.uuid}/reschedule", payload), 404)
    post.refresh_from_db()
    assert post.scheduled_at == at_local(tree.kab, day, 10, 30)


def _preview(client, raw, unit, content, month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"{BASE}/units/{unit.uuid}/plan-import/preview",
                       {"month": month.strftime("%Y-%m"), "file": SimpleUploadedFile("rencana.csv", content)},
                       headers={"authorization": f"Bearer {raw}"})


def test_plan_import_preview_and_apply(client, tree, editor):
    month = next_month(tree.kab)
    _token, raw = make_token(editor, tree.kab)
    response = _preview(client, raw, tree.kab, csv_bytes(good_rows(month)), month)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True
    assert [r["row"] for r in body["rows"]] == [2, 3]
    assert body["token"]
    api = Api(client, raw)
    assert_problem(api.post(f"/units/{tree.kab.uuid}/plan-import/apply", {"token": "x", "month": "2026-12"}), 422)
    applied = api.post(f"/units/{tree.kab.uuid}/plan-import/apply", {"token": body["token"],
                                                                     "month": month.strftime("%Y-%m")})
    assert applied.status_code == 201, applied.content
    assert applied.json()["created"] == 2
    assert Post.objects.count() == 2


def test_plan_import_preview_reports_bad_rows_and_bad_files(client, tree, editor):
    month = next_month(tree.kab)
    _token, raw = make_token(editor, tree.kab)
    rows = good_rows(month) + [["kemarin", "", "Rusak", "x", "Teks", "", "", ""]]
    body = _preview(client, raw, tree.kab, csv_bytes(rows), month).json()
    assert body["ok"] is False
    assert body["token"] is None
    assert "tidak dapat dibaca" in body["rows"][2]["errors"][0]
    assert_problem(_preview(client, raw, tree.kab, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, month), 422)
    assert Post.objects.count() == 0


def test_plan_import_scope(client, tree, viewer, sibling):
    month = next_month(tree.kab)
    _t, viewer_raw = make_token(viewer, tree.kab)
    assert_problem(_preview(client, viewer_raw, tree.kab, csv_bytes(good_rows(month)), month), 403)
    _t, sibling_raw = make_token(sibling, tree.kota)
    assert_problem(_preview(client, sibling_raw, tree.kab, csv_bytes(good_rows(month)), month), 404)
    payload = {"token": "00000000-0000-0000-0000-000000000000", "month": "2026-12"}
    assert_problem(Api(client, viewer_raw).post(f"/units/{tree.kab.uuid}/plan-import/apply", payload), 403)
    assert_problem(Api(client, sibling_raw).post(f"/units/{tree.kab.uuid}/plan-import/apply", payload), 404)
    assert Post.objects.count() == 0
