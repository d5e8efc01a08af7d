"""What the publishing-engine tests share (no tests here): a fake platform that speaks the
sandbox API and counts what it receives WITHOUT de-duplicating (the real sandbox honours the
idempotency key, which would hide a double send), and makers of posts and accounts."""

import json
import re
import threading
from datetime import UTC, datetime

from werkzeug import Response

from warta.channels.models import Account, ConnectionState, PlatformApp
from warta.publishing.models import Post, PostState, Variant

TEXT = "Layanan KTP keliling hadir di Kecamatan Cibinong hari ini. #BogorMelayani"


class FakePlatform:
    """The sandbox API as far as publishing needs it: POST /posts, GET /accounts/<id>/posts,
    DELETE /posts/<id>. ``script`` holds answers for the next POSTs: ``("status", 500)``,
    ``("status", 429, {"Retry-After": "7"})``; when empty the post is created."""

    def __init__(self):
        self.posts: list[dict] = []
        self.received: list[dict] = []  # every POST /posts, whatever the answer
        self.script: list[tuple] = []
        self.fetches = 0
        self.deleted: list[str] = []
        self.lock = threading.Lock()
        self.arrived = threading.Event()  # set once a post is stored
        self.release: threading.Event | None = None  # when set: hold the answer until released

    def created(self, text: str | None = None) -> list[dict]:
        return [p for p in self.posts if text is None or p["text"] == text]

    def handle_post(self, request):
        if request.files:  # multipart: the text fields and an image
            body = dict(request.form.items()) | {"image": request.files["image"].filename}
        else:
            body = json.loads(request.get_data() or b"{}")
        with self.lock:
            self.received.append(body)
            if self.script:
                step = self.script.pop(0)
                headers = step[2] if len(step) > 2 else {}
                code = "rate_limited" if step[1] == 429 else "server_error"
                return Response(json.dumps({"error": {"code": code, "message": f"Kesalahan {step[1]}"}}),
                                status=step[1], headers=headers, content_type="application/json")
            post = {"id": str(1000 + len(self.posts)), "text": body.get("text", ""), "link": body.get("link", ""),
                    "created_at": datetime.now(UTC).isoformat(), "author": {"id": "1", "handle": "humasbogorkab"},
                    "idempotency_key": body.get("idempotency_key", "")}
            post["url"] = f"https://sandbox.example/p/{post['id']}"
            self.posts.append(post)
        self.arrived.set()
        if self.release is not None:  # the platform has it; the answer is late (or never read)
            self.release.wait(60)
        return Response(json.dumps(post), status=201, content_type="application/json")

    def handle_list(self, request):
        with self.lock:
            self.fetches += 1
            data = [p for p in reversed(self.posts) if p["id"] not in self.deleted]
        return Response(json.dumps({"data": data, "next_cursor": ""}), content_type="application/json")

    def handle_delete(self, request):
        external_id = request.path.rsplit("/", 1)[-1]
        with self.lock:
            self.deleted.append(external_id)
        return Response(json.dumps({"deleted": True}), content_type="application/json")

    def install(self, httpserver):
        httpserver.expect_request("/posts", method="POST").respond_with_handler(self.handle_post)
        httpserver.expect_request(re.compile(r"^/accounts/[^/]+/posts$"), method="GET").respond_with_handler(
            self.handle_list)
        httpserver.expect_request(re.compile(r"^/posts/[^/]+$"), method="DELETE").respond_with_handler(
            self.handle_delete)
        PlatformApp.objects.update_or_create(platform="sandbox", defaults={"base_url": httpserver.url_for("/").rstrip("/")})
        return self


def make_account(unit, *, handle="@humasbogorkab", platform="sandbox", external_id="1",
                 state=ConnectionState.CONNECTED) -> Account:
    return Account.objects.create(unit=unit, platform=platform, handle=handle, external_id=external_id, state=state)


def make_post(unit, *, author=None, state=PostState.APPROVED, text=TEXT, platforms=("sandbox",), link="",
              title="Layanan KTP keliling") -> Post:
    post = Post.objects.create(unit=unit, title=title, state=state, created_by=author)
    for platform in platforms:
        Variant.objects.create(post=post, platform=platform, text=text, link=link)
    return post
