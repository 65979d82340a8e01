"""Serve the archive with the standard library's WSGI server, for benchmarks (no reloader,
no debug toolbar, DEBUG off): `python bench/serve.py PORT`."""

import os
import sys
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.wsgi import application  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


if __name__ == "__main__":
    server = make_server("127.0.0.1", int(sys.argv[1]), application, handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()
