"""Releases: validation, versions, the approval round trip, publishing, archiving, attachments."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.press.conftest import make_release
from warta.approvals.models import ApprovalRequest
from warta.approvals.services import approval_chain_set, approval_decide
from warta.core.models import AuditEvent
from warta.press import services
from warta.press.models import PressAttachment, PressRelease, PressVersion

State = PressRelease.State
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_create_stores_draft_with_first_version(release, admin):
    assert release.state == State.DRAFT
    assert release.version == 1
    assert release.slug.startswith("pemkab-bogor-gelar-vaksinasi-massal-")
    assert PressVersion.objects.get(release=release).snapshot["headline"] == release.headline
    assert AuditEvent.objects.filter(action="press.release_create", target_id=str(release.uuid)).exists()


def test_paragraphs_split_at_blank_lines(tree, admin):
    release = make_release(admin, tree.kab, number="", body="Satu\nbaris.\n\n\nDua.")
    assert release.paragraphs == ["Satu baris.", "Dua."]


@pytest.mark.parametrize(("fields", "field"), [
    ({"headline": "  "}, "headline"),
    ({"place": ""}, "place"),
    ({"lead": ""}, "lead"),
    ({"contact_email": "bukan-email"}, "contact_email"),
    ({"quotes": [{"name": "", "position": "", "text": "Tanpa nama"}]}, "quotes"),
    ({"quotes": [{"name": f"N{i}", "position": "", "text": "t"} for i in range(4)]}, "quotes"),
    ({"headline": "x" * 301}, "headline"),
])
def test_bad_fields_are_refused_and_nothing_stored(tree, admin, fields, field):
    with pytest.raises(ValidationError) as exc:
        make_release(admin, tree.kab, **fields)
    assert field in exc.value.message_dict
    assert PressRelease.objects.count() == 0


def test_number_is_unique_per_unit_only(tree, admin, release):
    with pytest.raises(ValidationError) as exc:
        make_release(admin, tree.kab)
    assert "sudah dipakai" in exc.value.message_dict["number"][0]
    other = make_release(admin, tree.kec)  # the same number in another unit is fine
    assert other.number == release.number
    assert make_release(admin, tree.kab, number="").number == ""
    assert make_release(admin, tree.kab, number="").number == ""  # empty numbers never clash


def test_draft_edit_keeps_version_and_updates_snapshot(release, admin):
    services.release_update(actor=admin, release=release, headline="Judul baru")
    release.refresh_from_db()
    assert (release.version, release.state) == (1, State.DRAFT)
    assert PressVersion.objects.get(release=release, version=1).snapshot["headline"] == "Judul baru"


def test_editing_an_approved_release_bumps_version_and_supersedes(approved, admin):
    request = ApprovalRequest.objects.get(object_id=str(approved.pk))
    assert request.state == ApprovalRequest.State.APPROVED
    services.release_update(actor=admin, release=approved, lead="Teras yang diperbaiki.")
    approved.refresh_from_db()
    request.refresh_from_db()
    assert (approved.version, approved.state) == (2, State.DRAFT)
    assert request.state == ApprovalRequest.State.SUPERSEDED
    assert list(PressVersion.objects.filter(release=approved).values_list("version", flat=True)) == [2, 1]


def test_unchanged_save_changes_nothing(approved, admin):
    services.release_update(actor=admin, release=approved, headline=approved.headline)
    approved.refresh_from_db()
    assert (approved.version, approved.state) == (1, State.APPROVED)


def test_approval_chain_round_trip(tree, admin, editor):
    approval_chain_set(actor=admin, unit=tree.kab, kind="press_release", levels=["approver"])
    release = make_release(editor, tree.kab)
    request = services.release_submit(actor=editor, release=release)
    assert release.state == State.IN_REVIEW
    assert request.content_kind == "press_release"
    assert request.version == 1
    approval_decide(actor=admin, request=request, decision="changes_requested", comment="Perbaiki judul.")
    release.refresh_from_db()
    assert release.state == State.CHANGES_REQUESTED
    services.release_update(actor=editor, release=release, headline="Judul diperbaiki")
    release.refresh_from_db()
    assert (release.state, release.version) == (State.DRAFT, 2)
    request = services.release_submit(actor=editor, release=release)
    approval_decide(actor=admin, request=request, decision="approve")
    release.refresh_from_db()
    assert release.state == State.APPROVED


def test_editing_in_review_makes_the_pending_request_stale(tree, admin, editor):
    approval_chain_set(actor=admin, unit=tree.kab, kind="press_release", levels=["approver"])
    release = make_release(editor, tree.kab)
    request = services.release_submit(actor=editor, release=release)
    services.release_update(actor=editor, release=release, body="Isi baru.")
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.SUPERSEDED
    release.refresh_from_db()
    assert release.state == State.DRAFT


def test_submit_twice_is_refused(tree, admin, editor):
    approval_chain_set(actor=admin, unit=tree.kab, kind="press_release", levels=["approver"])
    release = make_release(editor, tree.kab)
    services.release_submit(actor=editor, release=release)
    with pytest.raises(ValidationError):
        services.release_submit(actor=editor, release=release)
    assert ApprovalRequest.objects.count() == 1


def test_guideline_error_blocks_submit(release, admin, monkeypatch):
    monkeypatch.setattr(services, "guideline_findings", lambda **kw: [
        {"severity": "error", "message": "Kata terlarang: hoaks"}, {"severity": "warning", "message": "Tanpa tagar"}])
    with pytest.raises(ValidationError) as exc:
        services.release_submit(actor=admin, release=release)
    assert "hoaks" in exc.value.messages[0]
    release.refresh_from_db()
    assert release.state == State.DRAFT
    assert ApprovalRequest.objects.count() == 0


def test_guideline_warnings_travel_with_the_request(tree, admin, editor, monkeypatch):
    approval_chain_set(actor=admin, unit=tree.kab, kind="press_release", levels=["approver"])
    monkeypatch.setattr(services, "guideline_findings",
                        lambda **kw: [{"severity": "warning", "message": "Tanpa tagar wajib"}])
    request = services.release_submit(actor=editor, release=make_release(editor, tree.kab))
    assert [w["message"] for w in request.warnings] == ["Tanpa tagar wajib"]


def test_publish_needs_approval(release, admin):
    with pytest.raises(ValidationError):
        services.release_publish(actor=admin, release=release)
    release.refresh_from_db()
    assert release.state == State.DRAFT
    assert release.published_at is None


def test_publish_then_no_more_edits(approved, admin):
    services.release_publish(actor=admin, release=approved)
    assert approved.state == State.PUBLISHED
    assert approved.published_at is not None
    with pytest.raises(ValidationError):
        services.release_update(actor=admin, release=approved, headline="Diam-diam diubah")
    approved.refresh_from_db()
    assert approved.headline == "Pemkab Bogor Gelar Vaksinasi Massal"


def test_archive_supersedes_approval(approved, admin):
    services.release_archive(actor=admin, release=approved)
    assert approved.state == State.ARCHIVED
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.SUPERSEDED


def test_attachment_accepted_by_content(release, admin):
    a = services.attachment_add(actor=admin, release=release, upload=SimpleUploadedFile("x.bin", PDF), title="")
    assert (a.mime_type, a.title, a.size) == ("application/pdf", "x.bin", len(PDF))


def test_mislabelled_attachment_refused(release, admin):
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 this is an exe" * 10)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=admin, release=release, upload=fake, title="Laporan")
    assert "dinilai dari isinya" in exc.value.message_dict["file"][0]
    assert PressAttachment.objects.count() == 0


def test_oversized_attachment_refused(release, admin, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 10)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=admin, release=release, upload=SimpleUploadedFile("a.pdf", PDF), title="")
    assert "terlalu besar" in exc.value.message_dict["file"][0]
    assert PressAttachment.objects.count() == 0


def test_release_date_required(tree, admin):
    with pytest.raises(ValidationError):
        make_release(admin, tree.kab, release_date=None)
    assert make_release(admin, tree.kab, number="", release_date=date(2026, 1, 2)).release_date.month == 1


def test_real_guideline_rule_blocks_submit(release, admin):
    from warta.guideline.services import rule_create

    rule_create(actor=admin, unit=release.unit, kind="forbidden_phrase", severity="error",
                params={"phrases": ["halal"]})
    with pytest.raises(ValidationError):
        services.release_submit(actor=admin, release=release)  # the quote says "halal"
    release.refresh_from_db()
    assert release.state == State.DRAFT
    assert ApprovalRequest.objects.count() == 0
