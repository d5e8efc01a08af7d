"""Shared helpers of the composer's tests (no tests here): a fake guideline, media files, posts."""

from dataclasses import dataclass

from warta.publishing import services


@dataclass(frozen=True)
class FakeFinding:
    severity: str
    message: str
    kind: str = "forbidden_phrase"
    escalate: bool = False
    unit_name: str = "Kabupaten Bogor"
    rule_uuid: str | None = None


@dataclass(frozen=True)
class FakeResult:
    findings: tuple

    @property
    def errors(self):
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self):
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def escalate(self):
        return any(f.escalate for f in self.findings)

    @property
    def ok(self):
        return not self.errors


def fake_guideline(text: str = "", **_kw) -> FakeResult:
    """A guideline: "hoaks" is forbidden (error), "gratis" warns, "pilkada" needs a higher approver."""
    findings = []
    low = (text or "").lower()
    if "hoaks" in low:
        findings.append(FakeFinding("error", "Kata terlarang: “hoaks”."))
    if "gratis" in low:
        findings.append(FakeFinding("warning", "Kata “gratis” perlu dicek kebenarannya."))
    if "pilkada" in low:
        findings.append(FakeFinding("warning", "Masa tenang Pilkada.", kind="sensitive_period", escalate=True))
    return FakeResult(tuple(findings))


def use_fake_guideline(monkeypatch):
    monkeypatch.setattr(services, "guideline_engine", lambda: lambda **kw: fake_guideline(**kw))


def make_image(unit, actor, width=800, height=600, fmt="JPEG", title="Foto kegiatan", alt_text=""):
    from tests.media.helpers import image_bytes, upload
    from warta.media.services import media_upload

    ext = {"JPEG": "jpg", "PNG": "png"}[fmt]
    return media_upload(actor=actor, unit=unit, file=upload(f"a.{ext}", image_bytes(width, height, fmt)),
                        title=title, alt_text=alt_text)


def make_video(unit, actor, duration_s=5.0, title="Video kegiatan"):
    from tests.media.helpers import tiny_mp4, upload
    from warta.media.services import media_upload

    return media_upload(actor=actor, unit=unit, file=upload("v.mp4", tiny_mp4(duration_s=duration_s)), title=title)


def make_post(unit, actor, title="Imbauan mudik", **variants):
    variants = variants or {"sandbox": {"text": "Mudik aman, keluarga nyaman. #MudikAman"}}
    return services.post_create(actor=actor, unit=unit, title=title, variants=variants)
