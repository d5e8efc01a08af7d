"""Background work of the organisations app: applying a previewed region import."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from warta.organisations import imports
from warta.organisations.models import RegionImport
from warta.organisations.scope import scope_for_unit

logger = logging.getLogger(__name__)


@task(queue_name="default")
def region_import_apply_task(import_id: int) -> str:
    """Apply a queued region import, all or nothing; return the status it ended with.

    Safe to run twice: only the run that moves the record from QUEUED to APPLYING goes on.
    The uploader's authority is checked again and the file re-planned against the data as
    it is now, so anything changed since the preview is caught.
    """
    Status = RegionImport.Status
    claimed = RegionImport.objects.filter(pk=import_id, status=Status.QUEUED).update(status=Status.APPLYING)
    if not claimed:
        logger.info("Region import %s is not queued any more; skipped", import_id)
        return "skipped"
    record = RegionImport.objects.select_related("unit", "created_by").get(pk=import_id)
    actor = record.created_by
    language = getattr(actor, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):  # stored messages are read by the uploader
        if not _may_apply(record):
            imports.region_import_finish(record=record, status=Status.FAILED, error=_(
                "Pengunggah tidak lagi berwenang mengelola %(unit)s; tidak ada yang diubah.") % {"unit": record.unit.name})
            return str(Status.FAILED)
        try:
            summary = imports.region_import_apply(
                actor=actor, unit=record.unit, text=record.content, filename=record.filename,
                progress=imports.region_import_progress_reporter(record=record),
            )
        except ValidationError as exc:
            imports.region_import_finish(record=record, status=Status.FAILED, error="\n".join(exc.messages))
            return str(Status.FAILED)
        except Exception:
            logger.exception("Region import %s failed", import_id)
            imports.region_import_finish(record=record, status=Status.FAILED, error=_(
                "Terjadi kesalahan tak terduga; tidak ada yang diubah. Coba lagi nanti atau hubungi pengelola Warta."))
            raise
    imports.region_import_finish(record=record, status=Status.DONE, summary=summary)
    return str(Status.DONE)


def _may_apply(record: RegionImport) -> bool:
    """Return whether the uploader still holds ``unit.manage`` on the record's unit."""
    if record.created_by is None or not record.created_by.is_active:
        return False
    try:
        scope = scope_for_unit(user=record.created_by, unit=record.unit)
    except Http404:
        return False
    return scope.can("unit.manage")
