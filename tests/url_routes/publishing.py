"""The publishing app's URLs: the composer, post pages, templates (H6) and the engine's actions (H5)."""

from tests.url_routes import UNIT, Route
from warta.channels.models import Account
from warta.publishing.models import Post, Publication, Template, Variant

POST = ("post_uuid",)

ROUTES = {
    "publishing:post-list": Route(UNIT),
    "publishing:post-create": Route(UNIT, write=True, get_forbidden=True),
    "publishing:compose-check": Route(UNIT, write=True, post_only=True),
    "publishing:post-detail": Route(UNIT, objects=POST),
    "publishing:post-edit": Route(UNIT, write=True, get_forbidden=True, objects=POST),
    "publishing:post-submit": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-withdraw": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-duplicate": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-archive": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-comment": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-versions": Route(UNIT, objects=POST),
    "publishing:template-list": Route(UNIT),
    "publishing:template-create": Route(UNIT, write=True, get_forbidden=True),
    "publishing:template-edit": Route(UNIT, write=True, get_forbidden=True, objects=("template_uuid",)),
    "publishing:template-delete": Route(UNIT, write=True, post_only=True, objects=("template_uuid",)),
    # The engine (engine_urls.py).
    # A partial: a plain GET (not htmx) redirects to the post page, so the "admin gets 200" row cannot
    # apply; marked post_only so the table checks its sibling 404 through POST (the view is scoped).
    "publishing:publications": Route(UNIT, post_only=True, objects=POST),
    "publishing:post-schedule": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-publish-now": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:post-unschedule": Route(UNIT, write=True, post_only=True, objects=POST),
    "publishing:publication-delete": Route(UNIT, write=True, post_only=True, objects=POST + ("publication_uuid",)),
    "publishing:publication-resolve": Route(UNIT, write=True, post_only=True, objects=POST + ("publication_uuid",)),
}


def make_objects(tree, admin, viewer):
    post = Post.objects.create(unit=tree.kab, title="Imbauan mudik", created_by=admin)
    Variant.objects.create(post=post, platform="sandbox", text="Mudik aman, keluarga nyaman.")
    template = Template.objects.create(unit=tree.kab, kind="snippet", name="Tanda tangan", text="#HumasBogor")
    account = Account.objects.create(unit=tree.kab, platform="sandbox", handle="@humasbogor")
    publication = Publication.objects.create(post=post, account=account)
    return {"post_uuid": post.uuid, "template_uuid": template.uuid, "publication_uuid": publication.uuid}
