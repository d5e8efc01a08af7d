"""The content kinds that go through approval, registered by the apps that own them.

An app (publishing for posts, press for press releases) registers a ``SubjectKind`` once, at
import time (its ``apps.py`` ``ready`` or its services module). Approvals never imports those
apps: everything it needs to know about a subject comes through these callables.

A subject is a model instance with ``.unit`` (organisations.Unit) and ``.pk``.
``preview`` must return *safe* HTML (``format_html``, ``render_to_string``): a plain ``str``
is escaped when shown.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


def _version(obj) -> int:
    return obj.version


@dataclass(frozen=True)
class SubjectKind:
    kind: str  # "post", "press_release"
    model: type[models.Model]
    label: str  # lazy Indonesian label
    preview: Callable[[object], str]  # safe HTML of the content as it will appear
    on_decided: Callable[..., None]  # on_decided(obj, *, outcome, actor, request[, comment])
    title_of: Callable[[object], str]
    url_of: Callable[[object], str]  # the subject's page in Warta
    version_of: Callable[[object], int] = field(default=_version)  # the content version being approved


_KINDS: dict[str, SubjectKind] = {}


def subject_register(kind: SubjectKind) -> None:
    """Declare a content kind that needs approval; registering the same name again replaces it."""
    _KINDS[kind.kind] = kind


def subject_unregister(kind: str) -> None:
    """Forget a content kind (for tests)."""
    _KINDS.pop(kind, None)


def subject_kind(kind: str) -> SubjectKind | None:
    return _KINDS.get(kind)


def subject_kinds() -> list[SubjectKind]:
    """Every registered kind, by label."""
    return sorted(_KINDS.values(), key=lambda k: str(k.label))


def kind_of(obj) -> SubjectKind:
    """The registered kind of a subject instance; LookupError when its model is not registered."""
    for kind in _KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not a registered approval subject")
