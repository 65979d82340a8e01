"""Where a request's time goes: a `Server-Timing` header on every answer (database, index,
snippets, template, the thread's CPU and the whole), which a browser's network panel shows and
the bench reads. Code marks a part with `span(name)`; outside a request it costs nothing."""

import time
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar

from django.db import connections
from django.template.backends.django import DjangoTemplates

_spent: ContextVar[dict[str, float] | None] = ContextVar("server_timing", default=None)

# The parts, in the header's order, with what each covers.
PARTS = {
    "db": "database",
    "index": "search index",
    "snippets": "snippets",
    "discovery": "clauses a search leads to",
    "template": "template",
    "cache": "page cache",
    "cpu": "CPU of this thread",
    "total": "whole request",
}


@contextmanager
def span(name: str):
    """Count the time inside the block towards `name` of the request under way (a part met
    twice adds up: an index read inside another counts once per block)."""
    spent = _spent.get()
    if spent is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - start


_said: ContextVar[dict[str, str] | None] = ContextVar("server_timing_said", default=None)


def describe(name: str, description: str) -> None:
    """Say what became of part `name` in the request under way (the page cache: `hit`,
    `miss`), in place of the part's usual description."""
    said = _said.get()
    if said is not None:
        said[name] = description


def header(spent: dict[str, float], queries: int, said: dict[str, str] | None = None) -> str:
    parts = []
    for name, description in PARTS.items():
        if name in spent:
            if name == "db":
                description = f"{queries} database quer{'y' if queries == 1 else 'ies'}"
            description = (said or {}).get(name, description)
            parts.append(f'{name};dur={spent[name] * 1000:.1f};desc="{description}"')
    return ", ".join(parts)


class ServerTimingMiddleware:
    """Time the request and every query it runs; answer with the parts in Server-Timing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spent = {"db": 0.0}
        queries = [0]

        def timed_query(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent["db"] += time.perf_counter() - start
                queries[0] += 1

        said: dict[str, str] = {}
        token, told = _spent.set(spent), _said.set(said)
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            with ExitStack() as stack:
                for connection in connections.all():
                    stack.enter_context(connection.execute_wrapper(timed_query))
                response = self.get_response(request)
        finally:
            _spent.reset(token)
            _said.reset(told)
        spent["cpu"] = time.thread_time() - cpu
        spent["total"] = time.perf_counter() - start
        response["Server-Timing"] = header(spent, queries[0], said)
        return response


class TimedTemplates(DjangoTemplates):
    """Django's template engine, with the rendering of each page counted as `template`."""

    def get_template(self, template_name):
        return _TimedTemplate(super().get_template(template_name))

    def from_string(self, template_code):
        return _TimedTemplate(super().from_string(template_code))


class _TimedTemplate:
    def __init__(self, template):
        self.template = template

    def render(self, context=None, request=None):
        with span("template"):
            return self.template.render(context, request)

    def __getattr__(self, name):
        return getattr(self.template, name)
