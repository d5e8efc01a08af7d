"""The language app's URLs: the annotation queue, label corrections, the unit's labels, retraining."""

from tests.url_routes import UNIT, Route
from warta.language.models import Annotation, AnnotationCandidate, RetrainRun

ROUTES = {
    "language:annotation-queue": Route(UNIT),
    "language:candidate-label": Route(UNIT, write=True, post_only=True, objects=("candidate_pk",)),
    "language:candidate-skip": Route(UNIT, write=True, post_only=True, objects=("candidate_pk",)),
    "language:annotation-correct": Route(UNIT, write=True, get_forbidden=True),
    "language:annotation-list": Route(UNIT),
    "language:annotation-export": Route(UNIT),
    "language:annotation-delete": Route(UNIT, write=True, post_only=True, objects=("annotation_uuid",)),
    "language:retrain": Route(UNIT, write=True),
    "language:retrain-detail": Route(UNIT, objects=("run_uuid",)),
    "language:models": Route(UNIT),  # its POST only reads (tries a text): every role may use it
}


def make_objects(tree, admin, viewer):
    candidate = AnnotationCandidate.objects.create(
        unit=tree.kab, task="message_type", text="kapan jalan diperbaiki?", source_kind="ingest.item",
        source_id="1", predicted_label="question", scores={"question": 0.5, "complaint": 0.45}, margin=0.05)
    annotation = Annotation.objects.create(
        unit=tree.kab, task="message_type", text="terima kasih pak", label="praise", source_kind="manual",
        source_id="h" * 64, created_by=admin)
    run = RetrainRun.objects.create(unit=tree.kab, task="message_type", created_by=admin)
    return {"candidate_pk": candidate.pk, "annotation_uuid": annotation.uuid, "run_uuid": run.uuid}
