"""Background work of the language app: retraining a unit's model with its own labels.

(The classification tasks and their labels are in ``warta.language.prediction``.)
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from warta.language import annotation
from warta.language.models import RetrainRun

logger = logging.getLogger(__name__)


@task(queue_name="analysis")
def annotation_retrain_task(run_id: int) -> str:
    """Run a queued retraining; return the status it ended with.

    Safe to run twice: only the run that moves the record from QUEUED to RUNNING goes on.
    """
    Status = RetrainRun.Status
    claimed = RetrainRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now())
    if not claimed:
        logger.info("Retrain run %s is not queued any more; skipped", run_id)
        return "skipped"
    run = RetrainRun.objects.select_related("unit", "created_by").get(pk=run_id)
    language = getattr(run.created_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):  # stored messages are read by the requester
        try:
            run = annotation.retrain_run_execute(run=run)
        except ValidationError as exc:
            annotation.retrain_run_fail(run=run, error="\n".join(exc.messages))
            return str(Status.FAILED)
        except Exception:
            logger.exception("Retrain run %s failed", run_id)
            annotation.retrain_run_fail(run=run, error=_(
                "Pelatihan ulang gagal karena kesalahan tak terduga; model lama tetap dipakai. "
                "Coba lagi nanti atau hubungi pengelola Warta."))
            return str(Status.FAILED)
    return str(run.status)
