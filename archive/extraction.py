"""Getting the text out of sources as published: MOFA PDFs and web pages (stub, see issue 8)."""

from archive.sources import SourceError


def pdf_text(name: str, data: bytes) -> str:
    raise SourceError(f"{name}: PDF import is not available yet.")


def html_text(name: str, data: bytes) -> str:
    raise SourceError(f"{name}: HTML import is not available yet.")
