"""The language endpoints of the JSON API: classify texts with Warta's models."""

from ninja import Router

from warta.language import classifiers
from warta.language.schemas import ClassifyIn, ClassifyOut
from warta.organisations.api import responses, token_scope
from warta.organisations.roles import Role, permission_register

router = Router(tags=["language"])

permission_register("language.classify", set(Role))


@router.post("/language/classify", response=responses({200: ClassifyOut}, 403, 422), url_name="language-classify",
             summary="Klasifikasikan teks (sentimen, emosi, ujaran kasar/kebencian, jenis pesan)")
def language_classify(request, payload: ClassifyIn):
    """Classify up to 1,000 texts for one task; each result carries every label's probability.

    ``texts`` answers in the same order; ``items`` also echoes each ``ref``. For ``abuse`` the
    result has ``labels`` (every label that applies) instead of ``label``."""
    token_scope(request).require("language.classify")
    task = payload.task.value
    if payload.items is not None:
        refs, texts = [i.ref for i in payload.items], [i.text for i in payload.items]
    else:
        refs, texts = [None] * len(payload.texts), payload.texts
    predictions = classifiers.classify(task, texts)
    backend = getattr(classifiers.model(task), "backend", "linear")
    results = [{"ref": ref, **p.as_dict()} for ref, p in zip(refs, predictions, strict=True)]
    return {"task": task, "backend": backend, "results": results}
