"""gunicorn's settings, read from the environment like tracker/settings.py.

gunicorn loads this file by itself when started from the project folder (`make serve` does).
Every line goes to stderr in the same `key=value` format as the app's own log (both come from
tracker/logs.py), so one log collector reads requests, server events and application messages
alike.
"""

import os

# Found because gunicorn puts its working folder on sys.path before it reads this file; the
# module imports nothing from Django, which is not configured yet at that point.
from tracker import logs

# Loopback unless told otherwise: a reverse proxy (TLS) stands in front in production.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Threads per worker: a report file renders in one (REPORT_RENDER_SLOTS at a time) while the
# others go on serving pages and /healthz.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
wsgi_app = "tracker.wsgi:application"

accesslog = "-"
errorlog = "-"
access_log_format = (
    'client=%(h)s method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s bytes=%(B)s '
    'duration_ms=%(M)s agent="%(a)s"'
)
# gunicorn's own loggers are named: its defaults would send them to stdout.
logconfig_dict = logs.config("INFO", loggers=("gunicorn.error", "gunicorn.access"))
