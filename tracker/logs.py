"""The one shape of every log line, the app's (tracker/settings.py) and gunicorn's
(gunicorn.conf.py) alike, so a log collector reads requests, server events and application
messages the same way.

Plain Python, no Django import: gunicorn reads it before any Django setting exists.
"""


def config(level: str, *, loggers: tuple[str, ...] = ()) -> dict:
    """A dictConfig dictionary that sends the root logger's lines, and those of the named
    loggers (on their own, not again through the root), to stderr."""
    return {
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
            # stdout belongs to commands whose output is data: `dumpdata > dump.json` must load.
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            name: {"handlers": ["stderr"], "level": level, "propagate": False} for name in loggers
        },
        "root": {"handlers": ["stderr"], "level": level},
    }
