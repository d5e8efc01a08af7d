"""The composer's services: versions, back to draft after approval, guideline on submit, limits."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_member
from tests.publishing.test_posts_helpers import (
    make_image,
    make_post,
    make_video,
    use_fake_guideline,
)
from warta.approvals.models import ApprovalRequest
from warta.approvals.services import approval_chain_set, approval_decide
from warta.channels.models import Account
from warta.core.models import AuditEvent
from warta.notifications.models import Notification
from warta.organisations.roles import Role
from warta.publishing import services
from warta.publishing.models import (
    Post,
    PostState,
    PostVersion,
    Publication,
    PublicationState,
    Template,
    Variant,
)

S = PostState


@pytest.fixture(autouse=True)
def guideline(monkeypatch):
    use_fake_guideline(monkeypatch)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def approver(tree):
    return make_member(tree.kab, Role.APPROVER, email="approver@bogorkab.go.id")


@pytest.fixture
def one_level(tree, admin):
    approval_chain_set(actor=admin, unit=tree.kab, kind="post", levels=["approver"])


def snapshot_db():
    return (list(Post.objects.values_list("pk", "title", "state", "version")),
            list(Variant.objects.values_list("pk", "platform", "text")), PostVersion.objects.count(),
            AuditEvent.objects.count())


def test_create_stores_variants_first_version_and_audit(tree, editor):
    post = services.post_create(actor=editor, unit=tree.kab, title="  Imbauan mudik  ", variants={
        "x": {"text": "Mudik aman #MudikAman"}, "facebook": {"text": "Mudik aman, keluarga nyaman.",
                                                        "link": "https://bogorkab.go.id/mudik"}})
    assert post.title == "Imbauan mudik"
    assert post.state == S.DRAFT
    assert post.version == 1
    assert post.created_by == editor
    assert sorted(post.variants.values_list("platform", flat=True)) == ["facebook", "x"]
    version = post.versions.get()
    assert version.version == 1
    assert version.snapshot["variants"]["x"]["text"] == "Mudik aman #MudikAman"
    assert AuditEvent.objects.filter(action="post.create").count() == 1


@pytest.mark.parametrize(("variants", "key", "words"), [
    ({"x": {"text": "a" * 281}}, "variants.x", "281 karakter"),
    ({}, "variants", "paling sedikit satu platform"),
    ({"x": {"text": ""}, "facebook": {"text": "  "}}, "variants", "masih kosong"),
    ({"mastodon": {"text": "halo"}}, "variants", "tidak dikenal"),
    ({"facebook": {"text": "halo", "link": "bukan tautan"}}, "variants.facebook", "alamat web"),
    ({"tiktok": {"text": "halo", "first_comment": "komentar"}}, "variants.tiktok", "komentar pertama"),
])
def test_create_refuses_bad_input_and_stores_nothing(tree, editor, variants, key, words):
    before = snapshot_db()
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=editor, unit=tree.kab, title="Uji", variants=variants)
    assert key in exc.value.message_dict
    assert words in " ".join(exc.value.message_dict[key])
    assert snapshot_db() == before


def test_x_counts_like_x(tree, editor):
    # 23 for every URL: 257 letters + space + a long link fit in 280 on X.
    text = "a" * 256 + " https://bogorkab.go.id/" + "x" * 200
    post = services.post_create(actor=editor, unit=tree.kab, title="Tautan", variants={"x": {"text": text}})
    assert post.variants.get().text == text


def test_title_required(tree, editor):
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=editor, unit=tree.kab, title=" ", variants={"x": {"text": "halo"}})
    assert exc.value.message_dict["title"] == ["Judul internal wajib diisi."]


def test_update_bumps_version_and_keeps_snapshot(tree, editor):
    post = make_post(tree.kab, editor)
    services.post_update(actor=editor, post=post, variants={"sandbox": {"text": "Teks baru #MudikAman"}})
    post.refresh_from_db()
    assert post.version == 2
    assert list(post.versions.values_list("version", flat=True)) == [2, 1]
    assert post.versions.get(version=1).snapshot["variants"]["sandbox"]["text"].startswith("Mudik aman")
    # Changing only the notes is not a new version of the content.
    services.post_update(actor=editor, post=post, notes="catatan tim")
    post.refresh_from_db()
    assert post.version == 2
    assert post.notes == "catatan tim"


def test_update_over_limit_changes_nothing(tree, editor):
    post = make_post(tree.kab, editor)
    before = snapshot_db()
    with pytest.raises(ValidationError) as exc:
        services.post_update(actor=editor, post=post, variants={"sandbox": {"text": "a" * 1001}})
    assert "1001 karakter" in " ".join(exc.value.messages)
    assert snapshot_db() == before


def test_submit_without_chain_approves_at_once(tree, editor):
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    post.refresh_from_db()
    assert post.state == S.APPROVED
    assert post.approved_at is not None
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.APPROVED


def test_guideline_errors_block_submit(tree, editor):
    post = make_post(tree.kab, editor, sandbox={"text": "Ini hoaks yang beredar"})
    with pytest.raises(ValidationError) as exc:
        services.post_submit(actor=editor, post=post)
    assert "Kata terlarang" in " ".join(exc.value.messages)
    post.refresh_from_db()
    assert post.state == S.DRAFT
    assert not ApprovalRequest.objects.exists()


def test_warnings_and_escalation_carried_to_the_approver(tree, editor, approver, one_level):
    post = make_post(tree.kab, editor, sandbox={"text": "Vaksin gratis menjelang pilkada"})
    services.post_submit(actor=editor, post=post)
    post.refresh_from_db()
    assert post.state == S.IN_REVIEW
    assert post.needs_escalation is True
    messages = [w["message"] for w in post.warnings]
    assert "Kata “gratis” perlu dicek kebenarannya." in messages
    assert all(w["platform"] == "sandbox" for w in post.warnings)
    request = ApprovalRequest.objects.get()
    assert request.escalate is True
    assert len(request.warnings) == 2
    assert "gratis" in request.warnings[0]["message"]


def test_approve_and_changes_requested_move_the_post(tree, editor, approver, one_level):
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    request = ApprovalRequest.objects.get()
    approval_decide(actor=approver, request=request, decision="changes_requested", comment="Tambah tagar.")
    post.refresh_from_db()
    assert post.state == S.CHANGES_REQUESTED
    services.post_submit(actor=editor, post=post)
    approval_decide(actor=approver, request=ApprovalRequest.objects.filter(state="pending").get(), decision="approve")
    post.refresh_from_db()
    assert post.state == S.APPROVED
    assert Notification.objects.filter(user=editor).exists()


def test_editing_approved_content_sends_it_back(tree, editor, approver, one_level):
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    approval_decide(actor=approver, request=ApprovalRequest.objects.get(), decision="approve")
    post.refresh_from_db()
    assert post.state == S.APPROVED
    account = Account.objects.create(unit=tree.kab, platform="sandbox", handle="@humas", state="connected")
    Publication.objects.create(post=post, account=account, state=PublicationState.PENDING)
    services.post_update(actor=editor, post=post, variants={"sandbox": {"text": "Teks yang diubah"}})
    post.refresh_from_db()
    assert post.state == S.DRAFT
    assert post.version == 2
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.SUPERSEDED
    assert Publication.objects.get().state == PublicationState.CANCELLED
    assert AuditEvent.objects.filter(action="post.draft").exists()


def test_submit_twice_refused(tree, editor, approver, one_level):
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    with pytest.raises(ValidationError):
        services.post_submit(actor=editor, post=post)
    assert ApprovalRequest.objects.count() == 1


def test_submit_needs_media_where_the_platform_does(tree, editor):
    post = make_post(tree.kab, editor, instagram={"text": "Foto kegiatan"})
    with pytest.raises(ValidationError) as exc:
        services.post_submit(actor=editor, post=post)
    assert "Instagram memerlukan paling sedikit satu berkas media" in " ".join(exc.value.messages)


def test_media_attached_checked_and_copied(tree, editor):
    image = make_image(tree.kab, editor, 1080, 1080, alt_text="Bupati menyapa warga")
    post = services.post_create(actor=editor, unit=tree.kab, title="Foto", variants={
        "instagram": {"text": "Kegiatan hari ini", "media": [{"asset": str(image.uuid), "alt_text": "Alt khusus"}]}})
    row = post.variants.get().media.get()
    assert row.asset == image
    assert row.alt_text == "Alt khusus"
    copy = services.post_duplicate(actor=editor, post=post)
    assert copy.state == S.DRAFT
    assert copy.title.startswith("Salinan")
    assert copy.variants.get().media.get().asset == image


def test_media_unfit_refused(tree, editor):
    video = make_video(tree.kab, editor, duration_s=200)
    before = snapshot_db()
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=editor, unit=tree.kab, title="Video", variants={
            "x": {"text": "Lihat", "media": [{"asset": str(video.uuid)}]}})
    assert "X menerima paling lama" in " ".join(exc.value.messages)
    assert snapshot_db() == before
    # The same video fits Facebook.
    services.post_create(actor=editor, unit=tree.kab, title="Video", variants={
        "facebook": {"text": "Lihat", "media": [{"asset": str(video.uuid)}]}})


def test_media_of_another_unit_refused(tree, editor, sibling):
    other = make_image(tree.kota, sibling)
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=editor, unit=tree.kab, title="Foto", variants={
            "facebook": {"text": "Halo", "media": [{"asset": str(other.uuid)}]}})
    assert "Media tidak ditemukan" in " ".join(exc.value.messages)
    assert not Post.objects.exists()


def test_youtube_refuses_images(tree, editor):
    image = make_image(tree.kab, editor)
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=editor, unit=tree.kab, title="Foto", variants={
            "youtube": {"text": "Halo", "title": "Judul", "media": [{"asset": str(image.uuid)}]}})
    assert "YouTube" in " ".join(exc.value.messages)
    assert not Post.objects.exists()


def test_archive_withdraws_and_restores(tree, editor, admin, approver, one_level):
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    services.post_archive(actor=admin, post=post)
    post.refresh_from_db()
    assert post.archived_at is not None
    assert post.state == S.DRAFT
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.SUPERSEDED
    with pytest.raises(ValidationError):
        services.post_update(actor=editor, post=post, title="Lain")
    services.post_archive(actor=admin, post=post, archived=False)
    post.refresh_from_db()
    assert post.archived_at is None


def test_comment_notifies_the_author(tree, editor, approver):
    post = make_post(tree.kab, editor)
    services.post_comment_add(actor=approver, post=post, body="Tambahkan jam layanan.")
    assert post.comments.get().body == "Tambahkan jam layanan."
    assert Notification.objects.filter(user=editor, kind="post-comment").exists()
    with pytest.raises(ValidationError):
        services.post_comment_add(actor=approver, post=post, body="   ")
    assert post.comments.count() == 1


def test_withdraw(tree, editor, approver, one_level):
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    services.post_withdraw(actor=editor, post=post)
    post.refresh_from_db()
    assert post.state == S.DRAFT
    with pytest.raises(ValidationError):
        services.post_withdraw(actor=editor, post=post)


def test_templates_crud_and_unique_names(tree, editor):
    t = services.template_create(actor=editor, unit=tree.kab, kind="snippet", name="Tanda tangan",
                                 text="#HumasBogor — Diskominfo Kab. Bogor")
    with pytest.raises(ValidationError) as exc:
        services.template_create(actor=editor, unit=tree.kab, kind="snippet", name="Tanda tangan", text="lain")
    assert "sudah dipakai" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        services.template_create(actor=editor, unit=tree.kab, kind="aneh", name="X", text="y")
    services.template_update(actor=editor, template=t, text="#HumasBogor")
    t.refresh_from_db()
    assert t.text == "#HumasBogor"
    services.template_delete(actor=editor, template=t)
    assert not Template.objects.exists()


def test_variant_check_counts_and_reports(tree):
    v = services.VariantInput(platform="x", text="Info gratis " + "a" * 300)
    check = services.variant_check(unit=tree.kab, variant=v)
    assert check.length == 312
    assert check.limit == 280
    assert check.over
    assert any("batas X 280" in p for p in check.problems)
    assert [f.message for f in check.guideline.warnings] == ["Kata “gratis” perlu dicek kebenarannya."]
