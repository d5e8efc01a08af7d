"""The unit endpoints with an admin token of Kabupaten Bogor: read, list, create, change,
move, archive; bad input is 422 and changes nothing; every write is audited."""

import pytest

from tests.api import assert_problem, db_state
from tests.factories import make_unit
from warta.core.models import AuditEvent
from warta.organisations.models import Unit, UnitKind


def _last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("seq")


# --- read -----------------------------------------------------------------------------------


def test_get_unit_returns_its_fields_by_uuid(api, tree):
    response = api.get(f"/units/{tree.kec.uuid}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body == {
        "uuid": str(tree.kec.uuid),
        "parent": str(tree.kab.uuid),
        "kind": "kecamatan",
        "name": "Kecamatan Cibinong",
        "short_name": "",
        "region_code": "32.01.01",
        "time_zone": "Asia/Jakarta",
        "require_2fa": False,
        "archived": False,
        "archived_at": None,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert "id" not in body
    assert "path" not in body


def test_the_token_s_own_unit_shows_no_parent_outside_its_reach(api, tree):
    body = api.get(f"/units/{tree.kab.uuid}").json()

    assert body["uuid"] == str(tree.kab.uuid)
    assert body["parent"] is None  # Provinsi Jawa Barat is outside the token's reach


def test_children_lists_direct_sub_units_with_their_sizes(api, tree):
    response = api.get(f"/units/{tree.kab.uuid}/children")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (2, 1, 50, 1)
    assert [
        (c["name"], c["child_count"], c["subtree_count"], c["parent"]) for c in body["items"]
    ] == [
        ("Dinas Komunikasi dan Informatika", 0, 0, str(tree.kab.uuid)),
        ("Kecamatan Cibinong", 1, 1, str(tree.kab.uuid)),
    ]


def test_children_pages_filters_and_archived(api, tree):
    for n in range(5):
        make_unit(f"Desa {n}", tree.kec, kind=UnitKind.DESA)
    archived = make_unit("Desa Lama", tree.kec, kind=UnitKind.DESA)
    Unit.objects.filter(pk=archived.pk).update(archived_at="2026-01-01T00:00:00Z")

    page2 = api.get(f"/units/{tree.kec.uuid}/children", page=2, page_size=2).json()
    assert (page2["count"], page2["page"], page2["pages"]) == (6, 2, 3)
    assert [c["name"] for c in page2["items"]] == ["Desa 2", "Desa 3"]

    past_the_end = api.get(f"/units/{tree.kec.uuid}/children", page=9, page_size=2).json()
    assert (past_the_end["count"], past_the_end["items"]) == (6, [])

    found = api.get(f"/units/{tree.kec.uuid}/children", q="pakan").json()
    assert [c["name"] for c in found["items"]] == ["Pakansari"]

    with_archived = api.get(f"/units/{tree.kec.uuid}/children", archived="true").json()
    assert with_archived["count"] == 7
    assert [c["archived"] for c in with_archived["items"] if c["name"] == "Desa Lama"] == [True]


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"page_size": 201}, {"page": "x"}, {"archived": "mungkin"}]
)
def test_children_rejects_bad_paging(api, tree, params):
    body = assert_problem(api.get(f"/units/{tree.kab.uuid}/children", **params), 422)

    assert set(body["errors"]) == set(params)


def test_children_query_count_does_not_grow_with_rows(api, tree, django_assert_max_num_queries):
    for n in range(30):
        parent = make_unit(f"Desa {n:02d}", tree.kec, kind=UnitKind.DESA)
        make_unit(f"Dusun {n:02d}", parent, kind=UnitKind.LAINNYA)

    # token, last use, grants, unit, count, page, subtree sizes
    with django_assert_max_num_queries(7):
        response = api.get(f"/units/{tree.kec.uuid}/children", page_size=100)

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 31
    assert all(c["subtree_count"] == 1 for c in items if c["name"].startswith("Desa "))


# --- create ---------------------------------------------------------------------------------


def test_create_a_sub_unit(api, tree, admin):
    response = api.post(
        f"/units/{tree.kec.uuid}/children",
        {
            "kind": "desa",
            "name": "  Desa Cirimekar ",
            "region_code": "32.01.01.2001",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    child = Unit.objects.get(uuid=body["uuid"])
    assert (child.parent_id, child.name, child.kind, child.region_code, child.time_zone) == (
        tree.kec.pk,
        "Desa Cirimekar",
        "desa",
        "32.01.01.2001",
        tree.kec.time_zone,
    )
    assert (body["parent"], body["child_count"], body["subtree_count"]) == (
        str(tree.kec.uuid),
        0,
        0,
    )
    event = _last_event("unit.create")
    assert (event.actor_id, event.unit_id, event.target_id) == (
        admin.pk,
        tree.kec.pk,
        str(child.uuid),
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Tanpa Jenis"}, "kind"),
        ({"kind": "planet", "name": "Mars"}, "kind"),
        ({"kind": "desa", "name": "   "}, "name"),
        ({"kind": "desa", "name": "x" * 256}, "name"),
        ({"kind": "desa", "name": "Desa", "time_zone": "Europe/Paris"}, "time_zone"),
        ({"kind": "desa", "name": "Desa", "require_2fa": "kadang"}, "require_2fa"),
        ({"kind": "desa", "name": "Desa", "colour": "merah"}, "colour"),
        (
            {"kind": "desa", "name": "Desa", "region_code": "32.01"},
            "region_code",
        ),  # taken by Kabupaten Bogor
    ],
)
def test_create_rejects_bad_input_and_changes_nothing(api, tree, body, field):
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.kec.uuid}/children", body), 422)

    assert list(problem["errors"]) == [field]
    assert all(isinstance(m, str) and m for m in problem["errors"][field])
    assert db_state() == before


def test_validation_messages_are_indonesian(api, tree):
    problem = assert_problem(api.post(f"/units/{tree.kec.uuid}/children", {"name": ""}), 422)

    assert problem["title"] == "Data tidak valid"
    assert problem["errors"] == {"kind": ["Wajib diisi."], "name": ["Tidak boleh kosong."]}


def test_create_under_an_archived_unit_is_refused(api, tree):
    Unit.objects.filter(pk=tree.desa.pk).update(archived_at="2026-01-01T00:00:00Z")
    before = db_state()

    problem = assert_problem(
        api.post(f"/units/{tree.desa.uuid}/children", {"kind": "lainnya", "name": "RW 01"}), 422
    )

    assert problem["errors"] == {
        "__all__": ["Tidak bisa menambah sub-unit pada unit yang diarsipkan."]
    }
    assert db_state() == before


def test_a_body_that_is_not_json_is_400(api, tree):
    before = db_state()
    response = api.client.post(
        f"/api/v1/units/{tree.kab.uuid}/children",
        data="{nama: ",
        content_type="application/json",
        headers=api.headers,
    )

    assert assert_problem(response, 400)["title"] == "Permintaan tidak dapat dibaca"
    assert db_state() == before


def test_a_missing_body_is_422(api, tree):
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/children"), 422)

    assert problem["errors"] == {"__all__": ["Wajib diisi."]}
    assert db_state() == before


# --- update ---------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, tree, admin):
    response = api.patch(
        f"/units/{tree.kec.uuid}", {"short_name": "Cibinong", "time_zone": "Asia/Makassar"}
    )

    assert response.status_code == 200, response.content
    unit = Unit.objects.get(pk=tree.kec.pk)
    assert (unit.name, unit.short_name, unit.time_zone, unit.region_code) == (
        "Kecamatan Cibinong",
        "Cibinong",
        "Asia/Makassar",
        "32.01.01",
    )
    assert response.json()["short_name"] == "Cibinong"
    event = _last_event("unit.update")
    assert event.actor_id == admin.pk
    assert event.changes == {
        "short_name": ["", "Cibinong"],
        "time_zone": ["Asia/Jakarta", "Asia/Makassar"],
    }


def test_patch_may_clear_the_region_code(api, tree):
    response = api.patch(f"/units/{tree.kec.uuid}", {"region_code": None})

    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=tree.kec.pk).region_code is None


def test_patch_with_nothing_to_change_writes_no_event(api, tree):
    before = db_state()

    response = api.patch(f"/units/{tree.kec.uuid}", {"name": "Kecamatan Cibinong"})

    assert response.status_code == 200
    assert db_state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"kind": None}, "kind"),
        ({"kind": "galaksi"}, "kind"),
        ({"region_code": "32.71"}, "region_code"),  # Kota Bogor's
        ({"nama": "Typo"}, "nama"),
    ],
)
def test_patch_rejects_bad_input_and_changes_nothing(api, tree, body, field):
    before = db_state()

    problem = assert_problem(api.patch(f"/units/{tree.kec.uuid}", body), 422)

    assert list(problem["errors"]) == [field]
    assert db_state() == before


def test_the_duplicate_region_code_message_names_the_other_unit(api, tree):
    problem = assert_problem(api.patch(f"/units/{tree.kec.uuid}", {"region_code": "32.71"}), 422)

    assert problem["errors"]["region_code"] == ["Kode wilayah 32.71 sudah dipakai oleh Kota Bogor."]


# --- move -----------------------------------------------------------------------------------


def test_move_a_unit_with_its_subtree(api, tree, admin):
    response = api.post(f"/units/{tree.kec.uuid}/move", {"target": str(tree.diskominfo.uuid)})

    assert response.status_code == 200, response.content
    kec, desa = Unit.objects.get(pk=tree.kec.pk), Unit.objects.get(pk=tree.desa.pk)
    assert kec.parent_id == tree.diskominfo.pk
    assert desa.path.startswith(kec.path)
    assert desa.depth == kec.depth + 1
    assert response.json()["parent"] == str(tree.diskominfo.uuid)
    event = _last_event("unit.move")
    assert (event.actor_id, event.changes) == (
        admin.pk,
        {"parent": ["Kabupaten Bogor", "Dinas Komunikasi dan Informatika"]},
    )


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ("desa", "__all__"),  # under its own descendant
        ("kota", "target"),  # outside the token's reach
        ("jabar", "target"),  # above the token's reach
        (None, "target"),
        ("not-a-uuid", "target"),
    ],
)
def test_move_rejects_bad_targets_and_changes_nothing(api, tree, target, field):
    value = getattr(tree, target).uuid if target in ("desa", "kota", "jabar") else target
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.kec.uuid}/move", {"target": value}), 422)

    assert list(problem["errors"]) == [field]
    assert db_state() == before


def test_a_bad_move_target_reads_the_same_whether_it_exists_or_not(api, tree):
    outside = api.post(f"/units/{tree.kec.uuid}/move", {"target": str(tree.kota.uuid)}).json()
    unknown = api.post(
        f"/units/{tree.kec.uuid}/move", {"target": "00000000-0000-4000-8000-000000000000"}
    ).json()

    assert outside == unknown


# --- archive --------------------------------------------------------------------------------


def test_archive_and_restore_a_subtree(api, tree, admin):
    response = api.post(f"/units/{tree.kec.uuid}/archive", {"archived": True})

    assert response.status_code == 200, response.content
    assert response.json()["archived"] is True
    assert (
        Unit.objects.filter(pk__in=[tree.kec.pk, tree.desa.pk], archived_at__isnull=False).count()
        == 2
    )
    assert _last_event("unit.archive").actor_id == admin.pk

    response = api.post(f"/units/{tree.kec.uuid}/archive", {"archived": False})

    assert response.status_code == 200, response.content
    assert response.json()["archived"] is False
    assert (
        Unit.objects.filter(pk__in=[tree.kec.pk, tree.desa.pk], archived_at__isnull=True).count()
        == 2
    )
    assert _last_event("unit.restore").actor_id == admin.pk


@pytest.mark.parametrize("body", [{}, {"archived": "barangkali"}, {"archived": None}])
def test_archive_rejects_bad_input_and_changes_nothing(api, tree, body):
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.kec.uuid}/archive", body), 422)

    assert list(problem["errors"]) == ["archived"]
    assert db_state() == before


def test_the_token_s_own_unit_cannot_be_archived(api, tree):
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/archive", {"archived": True}), 422)

    assert "tidak dapat diarsipkan" in problem["detail"]
    assert db_state() == before


def test_restoring_under_an_archived_parent_is_refused(api, tree):
    Unit.objects.filter(pk__in=[tree.kec.pk, tree.desa.pk]).update(
        archived_at="2026-01-01T00:00:00Z"
    )
    before = db_state()

    problem = assert_problem(api.post(f"/units/{tree.desa.uuid}/archive", {"archived": False}), 422)

    assert problem["errors"] == {"__all__": ["Pulihkan dulu unit induknya."]}
    assert db_state() == before
