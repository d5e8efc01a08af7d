"""Amplification test helpers: the sub-units' officers, a package maker, a quiet guideline model."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_member
from warta.amplification import services
from warta.guideline import engine
from warta.guideline import selectors as guideline_selectors
from warta.language.prediction import LABELS, Prediction
from warta.organisations.roles import Role

TEXT = "Mudik aman, keluarga senang. Cek jalur di https://bogorkab.go.id/mudik #MudikAman"


@pytest.fixture(autouse=True)
def _quiet_abuse_model(monkeypatch):
    """No language model is loaded in these tests: the abuse classifier answers "clean"."""
    monkeypatch.setattr(engine.classifiers, "classify", lambda task, texts: [
        Prediction(label=None, scores=dict.fromkeys(LABELS["abuse"], 0.01), labels=()) for _t in texts])
    guideline_selectors.cache_clear()
    yield
    guideline_selectors.cache_clear()


@pytest.fixture
def kec_editor(tree):
    return make_member(tree.kec, Role.EDITOR, email="editor@cibinong.go.id")


@pytest.fixture
def diskominfo_admin(tree):
    return make_member(tree.diskominfo, Role.ADMIN, email="admin@diskominfo.bogorkab.go.id")


def soon(hours=48):
    return timezone.now() + datetime.timedelta(hours=hours)


def make_package(tree, actor, recipients=None, *, deadline=None, text=TEXT, **kw):
    return services.package_create(
        actor=actor, unit=tree.kab, title=kw.pop("title", "Imbauan mudik aman"),
        variants=kw.pop("variants", {"sandbox": {"text": text, "link": ""}}),
        recipients=recipients if recipients is not None else [tree.kec, tree.diskominfo],
        deadline=deadline, **kw)
