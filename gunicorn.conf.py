"""gunicorn's settings, read from the environment like tracker/settings.py.

gunicorn loads this file by itself when started from the project folder (`make serve` does).
Every line goes to stderr in the same `key=value` format as the app's own log, so one log
collector reads requests, server events and application messages alike.
"""

import os

# Loopback unless told otherwise: a reverse proxy (TLS) stands in front in production.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
wsgi_app = "tracker.wsgi:application"

accesslog = "-"
errorlog = "-"
access_log_format = (
    'client=%(h)s method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s bytes=%(B)s '
    'duration_ms=%(M)s agent="%(a)s"'
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # ISO 8601 with the UTC offset: gunicorn's processes and Django's may differ in zone.
        "line": {
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
}
