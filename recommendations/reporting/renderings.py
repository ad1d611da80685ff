"""The report's files rendered once per data version: kept in the cache under a key that carries
the format, the language, the options as asked, the audience and the data version, so a file is
rendered again only when what it shows could have changed.

Concurrent requests for a file not rendered yet render it once: the first takes a lock
(`cache.add`, atomic on Redis and in a process's own memory alike) and renders; the others are
given the rendering of the previous data version, marked as earlier, or wait for the new one.
Renderings run through a bounded pool, a few at a time per process, so that the threads left
keep serving pages while a crowd asks for files.

Internal reports are never kept under a key a public one could share: the audience is part of
every key.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from recommendations.reporting.options import ReportOptions

logger = logging.getLogger(__name__)

# Entries are never stale (their key changes with the data); the timeout only frees memory.
TIMEOUT_SECONDS = 60 * 60
# A rendering that dies with its process frees its lock after this.
LOCK_SECONDS = 5 * 60
# How long a request waits for another's rendering, or for a free place in the pool.
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.2
# What a request that could not wait is told: try again after this many seconds.
RETRY_AFTER_SECONDS = 10

_pool = threading.BoundedSemaphore(settings.REPORT_RENDER_SLOTS)


class Busy(Exception):
    """No rendering could be had in time: the pool stayed full, or another request's rendering
    did not finish."""

    retry_after = RETRY_AFTER_SECONDS


@dataclass(frozen=True)
class RenderingKey:
    """Where one file's rendering is kept: `cache_key` for this data version, `slot` for the
    same file in any version (which rendering is the latest), and the ETag it is served with."""

    cache_key: str
    slot: str
    etag: str


@dataclass(frozen=True)
class Rendering:
    content: bytes
    etag: str
    # The rendering of an earlier data version, served while the current one renders.
    earlier: bool = False


def key_for(code: str, options: ReportOptions, *, version: str) -> RenderingKey:
    """The key of the file in format `code` for `options`, in the active language, for the data
    in `version`."""
    audience = "internal" if options.internal else "public"
    asked = urlencode(sorted(options.query.items()))
    slot = hashlib.sha256(f"{audience}|{code}|{get_language()}|{asked}".encode()).hexdigest()
    digest = hashlib.sha256(f"{slot}|{version}".encode()).hexdigest()
    return RenderingKey(
        cache_key=f"report-file:{digest}",
        slot=f"report-file-latest:{slot}",
        etag=f'"{digest[:32]}"',
    )


def stored(key: RenderingKey) -> Rendering | None:
    """The rendering kept under `key`, if the file has been rendered for this data version."""
    content = cache.get(key.cache_key)
    return None if content is None else Rendering(content, key.etag)


def _earlier(key: RenderingKey) -> Rendering | None:
    """The latest rendering of the same file for an earlier data version, if one is kept."""
    latest = cache.get(key.slot)
    if latest is None or latest[0] == key.cache_key:
        return None
    cache_key, etag = latest
    content = cache.get(cache_key)
    return None if content is None else Rendering(content, etag, earlier=True)


def _render(key: RenderingKey, make: Callable[[], bytes], code: str, deadline: float) -> bytes:
    """Render in the pool, waiting for a place until `deadline`; keep the result under `key`."""
    if not _pool.acquire(timeout=max(deadline - time.monotonic(), 0)):
        raise Busy
    try:
        started = time.monotonic()
        content = make()
    finally:
        _pool.release()
    logger.info(
        "report_rendered format=%s language=%s bytes=%d duration_ms=%d",
        code,
        get_language(),
        len(content),
        (time.monotonic() - started) * 1000,
    )
    cache.set(key.cache_key, content, TIMEOUT_SECONDS)
    cache.set(key.slot, (key.cache_key, key.etag), TIMEOUT_SECONDS)
    return content


def rendering(key: RenderingKey, make: Callable[[], bytes], *, code: str) -> Rendering:
    """The file under `key`, rendered by `make` if no request has rendered it yet, or while
    another request renders it, its earlier rendering; raises Busy when neither came in time."""
    deadline = time.monotonic() + WAIT_SECONDS
    lock = f"{key.cache_key}:lock"
    token = uuid.uuid4().hex
    while True:
        found = stored(key)
        if found is not None:
            return found
        if cache.add(lock, token, LOCK_SECONDS):
            try:
                # Looked at again under the lock: a rendering stored just before it was taken
                # is served, not made a second time.
                found = stored(key)
                if found is not None:
                    return found
                return Rendering(_render(key, make, code, deadline), key.etag)
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        earlier = _earlier(key)
        if earlier is not None:
            return earlier
        if time.monotonic() >= deadline:
            raise Busy
        time.sleep(POLL_SECONDS)
