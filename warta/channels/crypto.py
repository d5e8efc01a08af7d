"""Encryption at rest for platform secrets (Fernet: AES-128-CBC + HMAC-SHA256, from
``cryptography``).

Keys come from ``WARTA_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first) or from
the key file ``<WARTA_DATA_DIR>/secret.key`` (one key per line, newest first), created with
mode 0600 on first use. Every key decrypts; the first encrypts. ``warta channels rotate-key``
adds a new key, re-encrypts every secret, then drops the old keys.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with any configured key."""


def key_file() -> Path:
    # settings.DATA_DIR is <WARTA_DATA_DIR>; WARTA_DATA_DIR as a setting wins when a test sets it.
    base = getattr(settings, "WARTA_DATA_DIR", None) or settings.DATA_DIR
    return Path(base) / "secret.key"


def keys_from_env() -> bool:
    """Return whether the keys come from ``WARTA_ENCRYPTION_KEYS`` (not the key file)."""
    return bool(os.environ.get("WARTA_ENCRYPTION_KEYS", "").strip())


def keys_current() -> list[bytes]:
    """Return the configured keys, newest first (creating the key file on first use)."""
    return _read_keys()


def key_file_write(keys: list[bytes]) -> None:
    """Replace the key file's keys (newest first) atomically, mode 0600, and reload them."""
    path = key_file()
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"".join(k + b"\n" for k in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    keys_reload()


def _read_keys() -> list[bytes]:
    env = os.environ.get("WARTA_ENCRYPTION_KEYS", "").strip()
    if env:
        return [k.strip().encode() for k in env.split(",") if k.strip()]
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
    return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]


@cache
def fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _read_keys()])


def keys_reload() -> None:
    fernet.cache_clear()


def encrypt(value: Any) -> str:
    """Encrypt a JSON-serialisable value into a token string."""
    return fernet().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def decrypt(token: str) -> Any:
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken:
        raise SecretUnreadable("no configured key decrypts this secret") from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token; the database never sees the plain text."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return None
        return decrypt(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(value)

    def to_python(self, value):
        return value
