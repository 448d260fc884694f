"""Gunicorn settings for `make run`: `gunicorn -c gunicorn.conf.py khuyencong.wsgi`.

Listens on 127.0.0.1 only (put a reverse proxy in front for other machines); PORT picks the port.
WEB_CONCURRENCY overrides the number of worker processes.
"""

from __future__ import annotations

import os

wsgi_app = "khuyencong.wsgi:application"
bind = f"127.0.0.1:{int(os.environ.get('PORT', '8000'))}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
threads = 1
# Long Excel imports and PDF exports run as background tasks, so a request this slow is a fault.
timeout = 60
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound. Not too often: a new worker
# loads Django and warms its template and URL caches, and at a few hundred requests a second a limit of
# 2,000 recycled every worker every few seconds, which showed as multi-second stalls in bench/portal.py.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "khuyencong"
forwarded_allow_ips = "127.0.0.1"
