"""Descriptions written with `code` spans and blank lines (the OpenAPI description's): escaped,
with each `span` as <code> and each blank-line-separated part as a paragraph."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_CODE = re.compile(r"`([^`]+)`")


@register.filter
def prose(text: str) -> str:
    parts = [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]
    html = "".join("<p>" + _CODE.sub(r"<code>\1</code>", escape(part)) + "</p>" for part in parts)
    return mark_safe(html)  # noqa: S308 - every character of the text is escaped first
