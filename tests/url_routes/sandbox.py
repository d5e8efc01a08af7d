"""The sandbox platform's URLs: its timeline and consent page (signed-in users), its admin
(installation admins), and its platform API, OAuth token endpoint and news feed (public
routes: the API authenticates by its own Bearer tokens, proven in tests/sandbox)."""

from tests.url_routes import INSTALL, PERSONAL, PUBLIC, Route

SLUG = {"slug": "jembatan-putus-cibinong"}

ROUTES = {
    "sandbox:feed": Route(PERSONAL),
    "sandbox:oauth-authorize": Route(PERSONAL),
    "sandbox:article-detail": Route(PUBLIC, extra={"slug": "tidak-ada"}),
    "sandbox:admin": Route(INSTALL),
    "sandbox:simulation-update": Route(INSTALL, post_only=True),
    "sandbox:scenario-list": Route(INSTALL),
    "sandbox:scenario-start": Route(INSTALL, post_only=True, extra=SLUG),
    "sandbox:scenario-stop": Route(INSTALL, post_only=True, extra=SLUG),
    "sandbox:oauth-token": Route(PUBLIC, post_only=True),
    "sandbox:news-rss": Route(PUBLIC),
    "sandbox:api-me": Route(PUBLIC),
    "sandbox:api-account": Route(PUBLIC, extra={"handle": "humasbogorkab"}),
    "sandbox:api-account-posts": Route(PUBLIC, extra={"account_id": 1}),
    "sandbox:api-account-mentions": Route(PUBLIC, extra={"account_id": 1}),
    "sandbox:api-account-metrics": Route(PUBLIC, extra={"account_id": 1}),
    "sandbox:api-posts": Route(PUBLIC, post_only=True),
    "sandbox:api-post": Route(PUBLIC, extra={"post_id": 1}),
    "sandbox:api-post-comments": Route(PUBLIC, extra={"post_id": 1}),
    "sandbox:api-post-metrics": Route(PUBLIC, extra={"post_id": 1}),
    "sandbox:api-comment-reply": Route(PUBLIC, post_only=True, extra={"comment_id": 1}),
    "sandbox:api-comment-hide": Route(PUBLIC, post_only=True, extra={"comment_id": 1}),
    "sandbox:api-search": Route(PUBLIC),
    "sandbox:api-messages": Route(PUBLIC),
    "sandbox:api-news": Route(PUBLIC),
    "sandbox:api-scenarios": Route(PUBLIC),
    "sandbox:api-scenario-action": Route(PUBLIC, post_only=True, extra={"slug": "banjir-bogor", "action": "start"}),
}
