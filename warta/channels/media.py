"""Signed, expiring public URLs for media files, for platforms that fetch media themselves.

Instagram (and TikTok's pull upload) take an ``image_url``/``video_url`` and download the file
from it. Warta serves such a file at ``/kanal/media/<token>/`` where the token is a
``django.core.signing`` signature (own salt) of the file's path under ``MEDIA_ROOT`` and an
expiry time. Nothing else under ``MEDIA_ROOT`` is reachable: a token cannot be forged, a path
cannot leave the media folder, and an expired token is refused (410).
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse

SALT = "warta.channels.media.signed"
URL_PREFIX = "/kanal/media/"


class MediaLinkInvalid(Exception):
    """The token is forged, tampered with, or names a path outside the media folder."""


class MediaLinkExpired(MediaLinkInvalid):
    """The token was genuine but its time is over."""


def media_root() -> Path:
    """Return the media folder: ``MEDIA_ROOT``, else ``<WARTA_DATA_DIR>/media``."""
    root = getattr(settings, "MEDIA_ROOT", "") or ""
    if root:
        return Path(root)
    data_dir = getattr(settings, "WARTA_DATA_DIR", None) or settings.DATA_DIR
    return Path(data_dir) / "media"


def _clean(relative_path: str) -> str:
    """Return a normalised relative POSIX path, or raise MediaLinkInvalid for an escape attempt."""
    if not relative_path or "\\" in relative_path or "\x00" in relative_path:
        raise MediaLinkInvalid("invalid media path")
    path = PurePosixPath(relative_path)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts) or path.parts[:1] == (".",):
        raise MediaLinkInvalid("media path must stay inside the media folder")
    return path.as_posix()


def _inside_root(relative_path: str) -> Path:
    root = media_root().resolve()
    target = (root / _clean(relative_path)).resolve()
    if not target.is_relative_to(root) or target == root:  # also catches symlinks leading out
        raise MediaLinkInvalid("media path must stay inside the media folder")
    return target


def media_signed_url(relative_path: str, *, expires_s: int = 3600, base_url: str) -> str:
    """Return a public URL that serves ``relative_path`` (under the media folder) for ``expires_s``."""
    if expires_s <= 0:
        raise ValueError("expires_s must be positive")
    _inside_root(relative_path)
    token = signing.dumps({"p": _clean(relative_path), "e": int(time.time()) + int(expires_s)}, salt=SALT)
    return f"{base_url.rstrip('/')}{URL_PREFIX}{token}/"


def media_signed_resolve(token: str) -> Path:
    """Return the file a token names; raise MediaLinkExpired or MediaLinkInvalid otherwise."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise MediaLinkInvalid("bad signature") from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), str) or not isinstance(data.get("e"), int):
        raise MediaLinkInvalid("malformed token")
    if data["e"] < time.time():
        raise MediaLinkExpired("the link has expired")
    return _inside_root(data["p"])


def media_signed_view(request, token: str) -> HttpResponse:
    """Serve a signed media file: 404 for a bad token or a missing file, 410 once expired.

    Public on purpose (the platform's crawler has no session); the signature is the permission.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    try:
        path = media_signed_resolve(token)
    except MediaLinkExpired:
        return HttpResponse(status=410)
    except MediaLinkInvalid:
        raise Http404 from None
    if not path.is_file():
        raise Http404
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
