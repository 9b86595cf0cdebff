"""gunicorn settings for the archive (sync workers; see README "Serving")."""

import os

bind = (
    f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
wsgi_app = "config.wsgi:application"
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = 1
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
preload_app = False
accesslog = "-"
errorlog = "-"
control_socket_disable = True
