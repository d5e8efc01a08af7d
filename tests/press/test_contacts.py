"""Media contacts, their CSV import (all or nothing), distribution lists."""

import pytest
from django.core.exceptions import ValidationError

from warta.press import services
from warta.press.models import DistributionList, MediaContact

GOOD = (
    "\ufeffnama;media;email;telepon;desk;kode_wilayah;catatan\n"
    "Rina Wati;Radar Bogor;rina@radarbogor.id;0812;pemerintahan|kesehatan;32.01;\n"
    "Andi;Pikiran Rakyat;ANDI@pr.co.id;;ekonomi;32;wartawan senior\n"
)


def test_contact_validation(tree, admin):
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=admin, unit=tree.kab, name="", email="salah", region_code="3201")
    assert set(exc.value.message_dict) == {"name", "email", "region_code"}
    assert MediaContact.objects.count() == 0


def test_email_unique_per_unit_case_insensitive(tree, admin):
    services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@koran.id", beats="a, b,a")
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=admin, unit=tree.kab, name="Rina 2", email="RINA@koran.id")
    assert "sudah terdaftar" in exc.value.message_dict["email"][0]
    other = services.contact_create(actor=admin, unit=tree.kota, name="Rina", email="rina@koran.id")
    assert other.unit == tree.kota
    assert MediaContact.objects.get(unit=tree.kab).beats == ["a", "b"]


def test_import_semicolon_with_bom(tree, admin):
    plan = services.contacts_import(actor=admin, unit=tree.kab, data=GOOD.encode())
    assert (plan.new_count, plan.update_count) == (2, 0)
    rina = MediaContact.objects.get(email="rina@radarbogor.id")
    assert rina.beats == ["pemerintahan", "kesehatan"]
    assert rina.region_code == "32.01"
    assert MediaContact.objects.get(email="andi@pr.co.id").notes == "wartawan senior"


def test_import_comma_updates_existing(tree, admin):
    services.contact_create(actor=admin, unit=tree.kab, name="Lama", email="rina@radarbogor.id")
    data = "name,outlet,email\nRina Baru,\"Radar, Bogor\",rina@radarbogor.id\nBudi,Kompas,budi@kompas.id\n"
    plan = services.contacts_import(actor=admin, unit=tree.kab, data=data.encode())
    assert (plan.new_count, plan.update_count) == (1, 1)
    assert MediaContact.objects.get(email="rina@radarbogor.id").outlet == "Radar, Bogor"


def test_import_bad_rows_store_nothing(tree, admin):
    services.contact_create(actor=admin, unit=tree.kab, name="Tetap", email="tetap@koran.id", outlet="Lama")
    data = ("nama;media;email;kode_wilayah\n"
            "Baik;Koran;baik@koran.id;32\n"
            "Tanpa Email;Koran;;\n"
            "Salah;Koran;bukan-email;\n"
            "Wilayah;Koran;w@koran.id;32-01\n"
            "Ganda;Koran;BAIK@koran.id;\n"
            "Tetap Baru;Baru;tetap@koran.id;\n")
    with pytest.raises(ValidationError) as exc:
        services.contacts_import(actor=admin, unit=tree.kab, data=data.encode())
    errors = exc.value.message_dict["file"]
    assert errors[0].startswith("Baris 3: Email wajib diisi")
    assert errors[1].startswith("Baris 4: Alamat email")
    assert errors[2].startswith("Baris 5: Kode wilayah")
    assert errors[3] == "Baris 6: email baik@koran.id sudah ada di baris 2."
    assert list(MediaContact.objects.values_list("email", "outlet")) == [("tetap@koran.id", "Lama")]


@pytest.mark.parametrize(("data", "needle"), [
    (b"", "kosong"),
    (b"nama;telepon\nA;1\n", "kolom wajib tidak ada: email"),
    (b"nama;email\n", "tidak berisi"),
    (b"nama;email\nA;a@b.id;lebih\n", "Baris 2: ada 3 kolom"),
    ("nama;email\nJos\xe9;a@b.id\n".encode("latin-1"), "UTF-8"),
])
def test_import_broken_files(tree, admin, data, needle):
    with pytest.raises(ValidationError) as exc:
        services.contacts_import(actor=admin, unit=tree.kab, data=data)
    assert needle in " ".join(exc.value.messages)
    assert MediaContact.objects.count() == 0


def test_lists_take_only_contacts_of_the_unit_subtree(tree, admin):
    mine = services.contact_create(actor=admin, unit=tree.kec, name="A", email="a@k.id")
    theirs = services.contact_create(actor=admin, unit=tree.kota, name="B", email="b@k.id")
    dlist = services.list_create(actor=admin, unit=tree.kab, name="Daerah", contacts=[mine])
    assert list(dlist.contacts.all()) == [mine]
    with pytest.raises(ValidationError):
        services.list_create(actor=admin, unit=tree.kab, name="Campur", contacts=[mine, theirs])
    with pytest.raises(ValidationError):
        services.list_create(actor=admin, unit=tree.kab, name="daerah")  # same name, any case
    assert DistributionList.objects.count() == 1
