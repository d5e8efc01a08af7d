"""Posts go through the approvals app as content kind "post".

The approvals app never imports publishing: it knows a post only through this registration
(``preview``, ``on_decided``, ``title_of``, ``url_of``, ``version_of``). A decision moves the post
through the state machine (``post_transition``), so every move is audited there.
"""

import logging

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.approvals.registry import SubjectKind, subject_register
from warta.publishing.models import Post, PostState
from warta.publishing.states import TransitionError, post_transition

logger = logging.getLogger(__name__)
KIND = "post"


def post_preview(post: Post) -> str:
    """Safe HTML: the post as each platform will show it (the approvals page lists the warnings)."""
    from warta.publishing import selectors, services

    cards = selectors.preview_cards(unit=post.unit, variants=services.post_inputs(post))
    return render_to_string("publishing/_preview.html", {"cards": cards, "unit": post.unit, "post": post,
                                                          "thumbnails": False})


def post_url(post: Post) -> str:
    return reverse("publishing:post-detail", args=[post.unit.uuid, post.uuid])


def post_on_decided(post: Post, *, outcome: str, actor, request, comment: str = "") -> None:
    """Approved → APPROVED; changes requested → CHANGES_REQUESTED; the author is told."""
    target = PostState.APPROVED if outcome == PostState.APPROVED else PostState.CHANGES_REQUESTED
    try:
        post_transition(post=post, to=target, actor=actor, reason=f"approval:{outcome}",
                        changes={"approval": str(request.uuid), "version": request.version})
    except TransitionError:
        logger.warning("Post %s: approval outcome %s does not fit state %s", post.pk, outcome, post.state)
        raise
    author = post.created_by
    submitter_id = getattr(request, "submitted_by_id", None)
    # The approvals app tells the submitter; the author hears it too when someone else submitted.
    if author is None or author.pk == submitter_id or (actor is not None and author.pk == actor.pk):
        return
    from warta.notifications.services import notify

    if target == PostState.APPROVED:
        title = _("Disetujui: %(title)s") % {"title": post.title}
    else:
        title = _("Perlu perbaikan: %(title)s") % {"title": post.title}
    notify(users=[author], unit=post.unit, kind=f"post-{target.replace('_', '-')}", title=title,
           body=comment or "", url=post_url(post))


def register() -> None:
    subject_register(SubjectKind(
        kind=KIND, model=Post, label=gettext_lazy("Konten media sosial"), preview=post_preview,
        on_decided=post_on_decided, title_of=lambda post: post.title, url_of=post_url,
        version_of=lambda post: post.version))


register()
