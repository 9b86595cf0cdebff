"""gunicorn settings for the archive (threaded workers; see README "Serving")."""

import os

bind = (
    f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
wsgi_app = "config.wsgi:application"
# Threaded workers: a sync worker's timeout counts the whole request, so it
# killed a streamed export of the full archive half-way while the client
# had already been told 200. A gthread worker's main thread keeps reporting
# alive while its threads serve, so ``timeout`` only restarts a worker that
# hangs as a whole, and a few slow requests leave the other threads serving.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
# A worker restarting (max_requests) lets its running downloads finish.
graceful_timeout = 300
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
preload_app = False
accesslog = "-"
errorlog = "-"
control_socket_disable = True
