"""gunicorn settings for the production server: `make serve`, or `gunicorn -c` this file.

Sized for this project's 2-core machine; each value can be changed from the environment.
"""

import os

wsgi_app = "config.wsgi:application"
# Loopback by default: a TLS proxy in front (or `make serve` alone on one machine) connects here.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads in each worker share the worker's caches of the search index; two processes keep
# both cores busy while one is in pure-Python Whoosh code.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A gthread worker reports alive while its threads work, so `timeout` bounds a hung worker,
# not a long request such as a streamed export.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

accesslog = "-"  # stdout
errorlog = "-"  # stderr

# The application is loaded in each worker after the fork: database connections and the
# search caches are then the worker's own, and a HUP reloads the code.
preload_app = False

# gunicorn 25.1+ opens a control socket at one fixed path per user by default; two servers on
# one machine (the tests, a second node) would contend for it.
control_socket_disable = True


def post_worker_init(worker):
    """Each worker opens and warms its view of the search index before its first request, and
    keeps its machine's index in step with the archive (search/worker.py)."""
    from search import worker as search_worker

    search_worker.start()
