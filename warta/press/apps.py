from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    name = "warta.press"
    label = "press"
    verbose_name = _("Siaran pers")

    def ready(self) -> None:
        from django.urls import reverse

        from warta.approvals.registry import SubjectKind, subject_register
        from warta.press import services, tasks  # noqa: F401  (permissions, audit labels)
        from warta.press.models import PressRelease
        from warta.press.outputs import release_html

        subject_register(SubjectKind(
            kind="press_release",
            model=PressRelease,
            label=_("Siaran pers"),
            preview=lambda r: release_html(r, attachments=list(r.attachments.all())),
            on_decided=services.release_on_decided,
            title_of=lambda r: r.headline,
            url_of=lambda r: reverse("press:release-detail", args=[r.unit.uuid, r.uuid]),
            version_of=lambda r: r.version,
        ))
