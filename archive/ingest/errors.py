"""The error every stage of ingestion raises for input it cannot take."""


class SourceError(ValueError):
    """A source file or manifest entry the archive cannot take, with what to do about it."""
