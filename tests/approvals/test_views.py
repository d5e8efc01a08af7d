"""The approvals pages: what waits for me, deciding from the page, the chain settings, scope."""

from django.test import Client
from django.urls import reverse

from tests.approvals.conftest import term
from tests.conftest import login_client
from warta.approvals import services
from warta.approvals.models import ApprovalChain, ApprovalRequest
from warta.core.models import AuditEvent

State = ApprovalRequest.State


def _submit(editor, subject, capture):
    with capture(execute=True):
        return services.approval_submit(actor=editor, subject=subject,
                                        warnings=[{"message": "Tanpa tagar wajib #BogorKab"}])


def test_pending_page_lists_with_preview_and_warnings(approver_client, tree, editor, subject, recorder,
                                                      django_capture_on_commit_callbacks):
    url = reverse("approvals:pending", args=[tree.kab.uuid])
    empty = approver_client.get(url)
    assert empty.status_code == 200
    assert "Tidak ada yang menunggu keputusan Anda" in empty.content.decode()
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    request = _submit(editor, subject, django_capture_on_commit_callbacks)
    page = approver_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="pending-item"') == 1
    assert "uji-preview" in body
    assert "Tanpa tagar wajib #BogorKab" in body
    assert reverse("approvals:detail", args=[tree.kab.uuid, request.uuid]) in body
    # From a page below, the request of Kabupaten Bogor is not in the subtree.
    assert 'data-testid="pending-item"' not in approver_client.get(
        reverse("approvals:pending", args=[tree.kec.uuid])).content.decode()


def test_deciding_from_the_page(approver_client, tree, editor, subject, recorder, django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    request = _submit(editor, subject, django_capture_on_commit_callbacks)
    url = reverse("approvals:detail", args=[tree.kab.uuid, request.uuid])
    detail = approver_client.get(url)
    assert detail.status_code == 200
    assert 'data-testid="decide-form"' in detail.content.decode()
    refused = approver_client.post(url, {"decision": "approve"})
    assert refused.status_code == 400
    assert "Akui setiap peringatan" in refused.content.decode()
    request.refresh_from_db()
    assert request.state == State.PENDING
    # The pending list's inline form posts with the request's prefix.
    prefix = str(request.uuid)
    with django_capture_on_commit_callbacks(execute=True):
        done = approver_client.post(url, {f"{prefix}-decision": "approve", f"{prefix}-ack_0": "on"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.state == State.APPROVED
    history = approver_client.get(url).content.decode()
    assert "approver@bogorkab.go.id" in history
    assert 'data-testid="decide-form"' not in history


def test_a_role_below_the_level_is_refused_on_the_page(client, tree, editor, editor2, subject, recorder,
                                                      django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    request = _submit(editor, subject, django_capture_on_commit_callbacks)
    login_client(client, editor2)
    url = reverse("approvals:detail", args=[tree.kab.uuid, request.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="refusal"' in page.content.decode()
    before = AuditEvent.objects.count()
    response = client.post(url, {"decision": "approve", "ack_0": "on"})
    assert response.status_code == 403
    assert "Penyetuju" in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.decisions.count(), AuditEvent.objects.count()) == (State.PENDING, 0, before)


def test_scope_of_the_pages(sibling_client, tree, editor, subject, recorder, viewer,
                            django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    request = _submit(editor, subject, django_capture_on_commit_callbacks)
    # The sibling's own unit in the URL does not reach Kabupaten Bogor's request.
    assert sibling_client.get(reverse("approvals:detail", args=[tree.kota.uuid, request.uuid])).status_code == 404
    viewer_client = login_client(Client(), viewer)
    assert viewer_client.get(reverse("approvals:pending", args=[tree.kab.uuid])).status_code == 403
    assert viewer_client.post(reverse("approvals:detail", args=[tree.kab.uuid, request.uuid]),
                              {"decision": "approve", "ack_0": "on"}).status_code == 403
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_chain_settings_page(admin_client, tree, recorder, editor):
    url = reverse("approvals:chains", args=[tree.kec.uuid])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Kata kunci uji" in page.content.decode()
    response = admin_client.post(url, {"content_kind": "uji", "uji-level_1": "editor", "uji-level_2": "admin"})
    assert response.status_code == 302
    assert services.chain_for(tree.desa, "uji") == ["editor", "admin"]
    # A gap in the middle, an unknown role, an unknown kind: refused, nothing changes.
    assert admin_client.post(url, {"content_kind": "uji", "uji-level_1": "editor", "uji-level_3": "admin"}
                             ).status_code == 400
    assert admin_client.post(url, {"content_kind": "uji", "uji-level_1": "viewer"}).status_code == 400
    assert admin_client.post(url, {"content_kind": "lain", "lain-level_1": "admin"}).status_code == 400
    assert services.chain_for(tree.desa, "uji") == ["editor", "admin"]
    assert admin_client.post(url, {"content_kind": "uji", "uji-inherit": "on"}).status_code == 302
    assert not ApprovalChain.objects.exists()
    editor_client = login_client(Client(), editor)
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"content_kind": "uji", "uji-level_1": "admin"}).status_code == 403
    assert not ApprovalChain.objects.exists()


def test_pending_page_paginates(approver_client, tree, editor, recorder, django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    for i in range(21):
        with django_capture_on_commit_callbacks(execute=False):
            services.approval_submit(actor=editor, subject=term(tree.kab, f"istilah {i}"))
    url = reverse("approvals:pending", args=[tree.kab.uuid])
    first = approver_client.get(url).content.decode()
    assert first.count('data-testid="pending-item"') == 20
    assert approver_client.get(url + "?page=2").content.decode().count('data-testid="pending-item"') == 1


def test_a_decision_on_a_level_someone_else_just_passed_is_refused(client, tree, editor, approver, approver2,
                                                                   subject, recorder,
                                                                   django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver", "approver"])
    with django_capture_on_commit_callbacks(execute=True):
        request = services.approval_submit(actor=editor, subject=subject)
        services.approval_decide(actor=approver, request=request, decision="approve")
    login_client(client, approver2)
    url = reverse("approvals:detail", args=[tree.kab.uuid, request.uuid])
    # approver2 saw level 1 on their page; by the time they post, level 1 is decided.
    response = client.post(url, {"decision": "approve", "level": "1"})
    assert response.status_code == 409
    assert "sudah diputuskan orang lain" in response.content.decode()
    request.refresh_from_db()
    assert (request.current_level, request.decisions.count()) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "approve", "level": "2"}).status_code == 302
    request.refresh_from_db()
    assert request.state == State.APPROVED
