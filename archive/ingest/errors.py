"""The error every stage of ingestion raises for input it cannot take."""


class SourceError(ValueError):
    """A source file or manifest entry the archive cannot take, with what to do about it."""


class SourceErrors(SourceError):
    """Several problems found in one pass (the entries of a manifest), each a sentence, so a
    curator fixes them all before the next run."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problems: " + " ".join(problems))
        self.problems = problems
