from django.urls import path

from warta.sandbox import views
from warta.sandbox.api import views as api

app_name = "sandbox"

urlpatterns = [
    # pages
    path("", views.feed, name="feed"),
    path("berita/<slug:slug>/", views.article_detail, name="article-detail"),
    path("admin/", views.admin, name="admin"),
    path("admin/simulasi/", views.simulation_update_view, name="simulation-update"),
    path("admin/skenario/", views.scenario_list_view, name="scenario-list"),
    path("admin/skenario/<slug:slug>/mulai/", views.scenario_start_view, name="scenario-start"),
    path("admin/skenario/<slug:slug>/hentikan/", views.scenario_stop_view, name="scenario-stop"),
    # the platform's OAuth 2 server and public feed
    path("oauth/authorize", views.oauth_authorize, name="oauth-authorize"),
    path("oauth/token", api.oauth_token, name="oauth-token"),
    path("news/rss.xml", api.news_rss, name="news-rss"),
    # the platform's API (Bearer tokens)
    path("api/me", api.me, name="api-me"),
    path("api/accounts/<int:account_id>/posts", api.account_posts, name="api-account-posts"),
    path("api/accounts/<int:account_id>/mentions", api.account_mentions, name="api-account-mentions"),
    path("api/accounts/<int:account_id>/metrics", api.account_metrics, name="api-account-metrics"),
    path("api/accounts/<str:handle>", api.account_detail, name="api-account"),
    path("api/posts", api.post_create_view, name="api-posts"),
    path("api/posts/<int:post_id>", api.post_detail, name="api-post"),
    path("api/posts/<int:post_id>/comments", api.post_comments, name="api-post-comments"),
    path("api/posts/<int:post_id>/metrics", api.post_metrics, name="api-post-metrics"),
    path("api/comments/<int:comment_id>/reply", api.comment_reply, name="api-comment-reply"),
    path("api/comments/<int:comment_id>/hide", api.comment_hide_view, name="api-comment-hide"),
    path("api/search", api.search, name="api-search"),
    path("api/messages", api.messages, name="api-messages"),
    path("api/news", api.news, name="api-news"),
    path("api/scenarios", api.scenarios, name="api-scenarios"),
    path("api/scenarios/<slug:slug>/<str:action>", api.scenario_action, name="api-scenario-action"),
]
