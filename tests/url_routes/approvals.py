"""The approvals app's URLs: what waits for a decision, one request, the chains, the signed link."""

from tests.url_routes import PUBLIC, UNIT, Route

ROUTES = {
    "approvals:pending": Route(UNIT, get_forbidden=True),
    "approvals:detail": Route(UNIT, write=True, get_forbidden=True, objects=("approval_uuid",)),
    "approvals:chains": Route(UNIT, write=True, get_forbidden=True),
    "approvals:remind": Route(UNIT, write=True, post_only=True, objects=("approval_uuid",)),
    "approvals:link": Route(PUBLIC, extra={"token": "tidak-sah"}),
}


def make_objects(tree, admin, viewer):
    from django.contrib.contenttypes.models import ContentType

    from warta.approvals.models import ApprovalRequest
    from warta.ingest.models import TrackedTerm

    term = TrackedTerm.objects.create(unit=tree.kab, term="banjir cibinong", created_by=admin)
    request = ApprovalRequest.objects.create(
        unit=tree.kab, content_kind="uji", content_type=ContentType.objects.get_for_model(term),
        object_id=str(term.pk), title="banjir cibinong", levels=["approver"], current_level=1, submitted_by=viewer)
    return {"approval_uuid": request.uuid}
