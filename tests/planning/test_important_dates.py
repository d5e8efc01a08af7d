"""Important dates are inherited down the tree: a province sets a date once, every unit below
sees it on its calendar and in its list (naming the province), but only the province edits it."""

from datetime import date

from django.urls import reverse

from tests.api import Api, assert_problem, make_token
from tests.conftest import login_client
from warta.planning import services
from warta.planning.models import ImportantDate


def url(name, unit, **kw):
    return reverse(f"planning:{name}", kwargs={"unit_uuid": unit.uuid, **kw})


def cal_url(unit, day):
    return reverse("publishing:calendar", args=[unit.uuid]) + f"?date={day.isoformat()}"


def _dates(tree, admin, sibling):
    province = services.important_date_create(actor=admin, unit=tree.jabar, date=date(1950, 8, 19),
                                              title="Hari Jadi Jawa Barat", yearly=True)
    own = services.important_date_create(actor=admin, unit=tree.kab, date=date(2026, 8, 20), title="Rapat Kabupaten")
    other = services.important_date_create(actor=sibling, unit=tree.kota, date=date(2026, 8, 21), title="Rapat Kota")
    return province, own, other


def test_calendar_of_a_descendant_shows_ancestor_dates_with_their_unit(admin_client, tree, admin, sibling):
    _dates(tree, admin, sibling)
    body = admin_client.get(cal_url(tree.kec, date(2026, 8, 1))).content.decode()
    cell = body.split('data-testid="day-2026-08-19"', 1)[1].split("</td>", 1)[0]
    assert "Hari Jadi Jawa Barat" in cell
    assert "mark-unit mark-inherited" in cell
    assert "(dari Provinsi Jawa Barat)" in cell
    cell = body.split('data-testid="day-2026-08-20"', 1)[1].split("</td>", 1)[0]
    assert "Rapat Kabupaten" in cell
    assert "(dari Kabupaten Bogor)" in cell
    assert "Rapat Kota" not in body
    # on the unit's own calendar its own date names no one
    body = admin_client.get(cal_url(tree.kab, date(2026, 8, 1))).content.decode()
    cell = body.split('data-testid="day-2026-08-20"', 1)[1].split("</td>", 1)[0]
    assert "Rapat Kabupaten" in cell
    assert "mark-owner" not in cell


def test_sibling_never_sees_the_other_units_dates(client, tree, admin, sibling):
    _dates(tree, admin, sibling)
    login_client(client, sibling, sibling.totp)
    body = client.get(cal_url(tree.kota, date(2026, 8, 1))).content.decode()
    assert "Hari Jadi Jawa Barat" in body
    assert "Rapat Kota" in body
    assert "Rapat Kabupaten" not in body
    assert client.get(cal_url(tree.kab, date(2026, 8, 1))).status_code == 404
    assert client.get(url("date-list", tree.kab)).status_code == 404


def test_list_marks_inherited_dates_and_only_the_owner_edits(client, tree, admin, sibling):
    province, own, other = _dates(tree, admin, sibling)
    login_client(client, admin, admin.totp)
    html = client.get(url("date-list", tree.kec)).content.decode()
    assert "Hari Jadi Jawa Barat" in html
    assert "Rapat Kabupaten" in html
    assert "Rapat Kota" not in html
    assert html.count("diwarisi dari unit induk") == 2
    assert url("date-edit", tree.kec, date_uuid=province.uuid) not in html
    # from below, an ancestor's date is read-only: 404 on its edit and archive, nothing changes
    before = list(ImportantDate.objects.order_by("pk").values())
    assert client.get(url("date-edit", tree.kab, date_uuid=province.uuid)).status_code == 404
    assert client.post(url("date-edit", tree.kab, date_uuid=province.uuid),
                       {"date": "2026-01-01", "title": "Diubah"}).status_code == 404
    assert client.post(url("date-archive", tree.kab, date_uuid=province.uuid), {"archived": "1"}).status_code == 404
    assert client.post(url("date-edit", tree.kab, date_uuid=other.uuid),
                       {"date": "2026-01-01", "title": "Diubah"}).status_code == 404
    assert list(ImportantDate.objects.order_by("pk").values()) == before
    # the owner's own page still edits it
    html = client.get(url("date-list", tree.kab)).content.decode()
    assert url("date-edit", tree.kab, date_uuid=own.uuid) in html


def test_viewer_may_not_add_dates(viewer_client, tree):
    response = viewer_client.post(url("date-create", tree.kab), {"date": "2026-08-20", "title": "Rapat"})
    assert response.status_code == 403
    assert not ImportantDate.objects.exists()


def test_api_names_the_setting_unit_and_keeps_ancestor_dates_read_only(client, tree, admin, sibling):
    province, own, _other = _dates(tree, admin, sibling)
    kec_api = Api(client, make_token(admin, tree.kec)[1])
    marks = kec_api.get(f"/units/{tree.kec.uuid}/calendar-marks", start="2026-08-01", end="2026-08-31").json()
    units = [(m["title"], m["unit"], m["inherited"]) for m in marks if m["kind"] == "unit"]
    assert units == [("Hari Jadi Jawa Barat", "Provinsi Jawa Barat", True),
                     ("Rapat Kabupaten", "Kabupaten Bogor", True)]
    assert kec_api.get(f"/important-dates/{province.uuid}").status_code == 200
    assert_problem(kec_api.patch(f"/important-dates/{province.uuid}", {"title": "Diubah"}), 404)
    assert_problem(kec_api.post(f"/important-dates/{province.uuid}/archive", {"archived": True}), 404)
    assert ImportantDate.objects.get(pk=province.pk).title == "Hari Jadi Jawa Barat"
    assert ImportantDate.objects.get(pk=province.pk).archived_at is None
