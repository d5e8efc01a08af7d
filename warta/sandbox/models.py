"""The sandbox platform's own tables: a small social network (accounts, posts, likes, shares,
direct messages, mentions, news), its OAuth 2 server (clients, codes, tokens, rate windows)
and the simulation that gives it life (state, scenarios, scenario runs).

Nothing here knows about Warta's channels or ingest: Warta reaches the sandbox over HTTP.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    OFFICIAL = "official", _("Akun resmi")
    CITIZEN = "citizen", _("Warga")
    NEWS = "news", _("Portal berita")
    INFLUENCER = "influencer", _("Pemengaruh")


class SandboxAccount(models.Model):
    """A user of the sandbox platform (an official account, a citizen, a news portal…)."""

    handle = models.CharField(_("nama akun"), max_length=50, unique=True)  # lower case, no "@"
    display_name = models.CharField(_("nama tampilan"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=20, choices=AccountKind.choices, default=AccountKind.CITIZEN)
    bio = models.CharField(_("bio"), max_length=300, blank=True)
    region = models.CharField(_("wilayah"), max_length=120, blank=True)
    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("akun sandbox")
        verbose_name_plural = _("akun sandbox")
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return f"@{self.handle}"


class Follow(models.Model):
    follower = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="following")
    followed = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follower", "followed"], name="sandbox_follow_unique")]


class Post(models.Model):
    """A post; with ``parent`` set it is a comment (on a post) or a reply (on a comment)."""

    author = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(max_length=2000)
    image = models.FileField(upload_to="sandbox/%Y/%m/", blank=True)
    link = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    root = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread")
    quote_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    likes_count = models.PositiveIntegerField(default=0)
    shares_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    views_count = models.PositiveIntegerField(default=0)
    deleted = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=100, blank=True)
    scenario_run = models.ForeignKey("ScenarioRun", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="posts")

    class Meta:
        indexes = [models.Index(fields=["author", "-id"]), models.Index(fields=["parent", "id"])]
        constraints = [
            models.UniqueConstraint(fields=["author", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="sandbox_post_idempotency"),
        ]

    def __str__(self):
        return f"{self.author} #{self.pk}"

    @property
    def is_comment(self) -> bool:
        return self.parent_id is not None


class Like(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="likes")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "post"], name="sandbox_like_unique")]


class Share(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="shares")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shares")
    created_at = models.DateTimeField()


class DirectMessage(models.Model):
    sender = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="sent_messages")
    recipient = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="received_messages")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["recipient", "-id"]), models.Index(fields=["sender", "-id"])]


class Mention(models.Model):
    """An @handle in a post's text, derived when the post is written."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="sandbox_mention_unique")]
        indexes = [models.Index(fields=["account", "-id"])]


class NewsArticle(models.Model):
    portal = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=300)
    body = models.TextField()
    slug = models.SlugField(max_length=120, unique=True)
    published_at = models.DateTimeField(db_index=True)
    scenario_run = models.ForeignKey("ScenarioRun", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="articles")

    def __str__(self):
        return self.title


# --- the platform's OAuth 2 server ---------------------------------------------------------------


class AppClient(models.Model):
    """An app registered at the sandbox (Warta itself): client id, hashed secret, redirect URIs."""

    client_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    secret_hash = models.CharField(max_length=64)
    redirect_uris = models.TextField(blank=True)  # one per line; empty: any http(s) URI (demo)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    def allows_redirect(self, uri: str) -> bool:
        allowed = [u.strip() for u in self.redirect_uris.splitlines() if u.strip()]
        return uri in allowed if allowed else uri.startswith(("http://", "https://"))


class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(AppClient, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    redirect_uri = models.CharField(max_length=500)
    code_challenge = models.CharField(max_length=128)
    scope = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class AccessToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(AppClient, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="access_tokens")
    scope = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class RefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(AppClient, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="refresh_tokens")
    scope = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class RateLimit(models.Model):
    """The fixed request window of one access token (e.g. 300 requests per 15 minutes)."""

    token = models.OneToOneField(AccessToken, on_delete=models.CASCADE, related_name="rate_limit")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)


# --- the simulation ------------------------------------------------------------------------------


class SimulationState(models.Model):
    """The one row that says whether the sandbox lives on its own, and how fast."""

    running = models.BooleanField(default=False)
    speed = models.FloatField(default=1.0)  # multiplier of the base event rate
    seed = models.PositiveIntegerField(default=2026)
    last_tick_at = models.DateTimeField(null=True, blank=True)
    events_total = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class Scenario(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    definition = models.JSONField(default=dict)
    built_in = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class RunState(models.TextChoices):
    RUNNING = "running", _("Berjalan")
    STOPPED = "stopped", _("Dihentikan")
    FINISHED = "finished", _("Selesai")


class ScenarioRun(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(max_length=20, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    last_tick_at = models.DateTimeField(null=True, blank=True)
    events_generated = models.PositiveIntegerField(default=0)
    carry = models.FloatField(default=0.0)  # fractional expected events not yet produced
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scenario"], condition=models.Q(state="running"),
                                               name="sandbox_one_running_run")]
