"""A subject kind "uji" on TrackedTerm (a simple unit-owned model) and the people of a chain.

Kabupaten Bogor: ``admin``, ``editor`` (the usual submitter), ``editor2``, ``approver``,
``approver2``, ``viewer``; Provinsi Jawa Barat: ``parent_approver``; Kota Bogor: ``sibling``.
"""

import pytest
from django.utils.html import format_html

from tests.conftest import login_client
from tests.factories import make_member
from warta.approvals import registry
from warta.ingest.models import TrackedTerm
from warta.organisations.roles import Role


class Recorder:
    """What approvals told the subject's owner, and each subject's current version."""

    def __init__(self):
        self.calls = []
        self.versions = {}

    def on_decided(self, obj, *, outcome, actor, request, comment=""):
        self.calls.append((obj.pk, str(outcome), actor.email if actor else None, request.uuid, comment))

    def version_of(self, obj) -> int:
        return self.versions.get(obj.pk, 1)


@pytest.fixture
def recorder():
    rec = Recorder()
    registry.subject_register(registry.SubjectKind(
        kind="uji", model=TrackedTerm, label="Kata kunci uji",
        preview=lambda o: format_html("<p class='uji-preview'>{}</p>", o.term),
        on_decided=rec.on_decided, title_of=lambda o: o.term,
        url_of=lambda o: f"/uji/{o.uuid}/", version_of=rec.version_of))
    yield rec
    registry.subject_unregister("uji")


@pytest.fixture
def subject(tree, recorder):
    return TrackedTerm.objects.create(unit=tree.kab, term="jembatan cibinong <rusak>")


@pytest.fixture
def approver(tree):
    return make_member(tree.kab, Role.APPROVER, email="approver@bogorkab.go.id")


@pytest.fixture
def approver2(tree):
    return make_member(tree.kab, Role.APPROVER, email="approver2@bogorkab.go.id")


@pytest.fixture
def editor2(tree):
    return make_member(tree.kab, Role.EDITOR, email="editor2@bogorkab.go.id")


@pytest.fixture
def parent_approver(tree):
    return make_member(tree.jabar, Role.APPROVER, email="approver@jabarprov.go.id")


@pytest.fixture
def approver_client(client, approver):
    return login_client(client, approver)


def term(unit, text="banjir"):
    return TrackedTerm.objects.create(unit=unit, term=text)
