"""`manage.py score_real_texts [DIR]`: score the importer on real texts kept out of the repository.

Reads the archivist's facts (tests/real_sources.toml), parses every text of DIR that has facts
through the import path a curator uses (`prepare_imports`, nothing written), and reports texts
right, language pairs aligned, silent failures (wrong with no warning pointing at it) and false
alarms (warnings on texts that are right). Held-out texts are scored only with --held-out.
"""

import hashlib
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.importing import prepare_imports
from archive.ingest.scoring import Difference, TextScore, score_pair, score_text
from archive.ingest.sources import SourceError

# Warnings that are right on a right text: a notice, not an alarm.
NOTICES = {"labels", "versions"}


def manifest_entry(facts: dict) -> str:
    slug = "real-" + facts.get("work", Path(facts["file"]).stem.lower().replace("_", "-"))
    return (
        f'[[document]]\nfile = "{facts["file"]}"\nslug = "{slug}"\n'
        f'language = "{facts["language"]}"\nkind = "{facts.get("genre", "other")}"\n\n'
    )


class Command(BaseCommand):
    help = "Score the importer on a folder of real texts against tests/real_sources.toml."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", type=Path, default=Path("real-texts"))
        parser.add_argument(
            "--facts",
            type=Path,
            default=Path(settings.BASE_DIR) / "tests" / "real_sources.toml",
            help="the archivist's facts (default tests/real_sources.toml)",
        )
        parser.add_argument(
            "--held-out", action="store_true", help="score the held-out texts too, apart"
        )

    def handle(self, *args, folder, facts, held_out, **options):
        if not folder.is_dir():
            raise CommandError(
                f"{folder} is not a folder; gather the real texts there (docs/adding-texts.md, "
                '"Real texts") or name their folder: make real-texts DIR=…'
            )
        try:
            entries = tomllib.loads(facts.read_text(encoding="utf-8")).get("text", [])
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"{facts}: {error}") from None
        present = [e for e in entries if (folder / e["file"]).is_file()]
        present, copies = _without_copies(folder, present)
        unread = sorted(
            p.name for p in folder.glob("*.txt") if p.name not in {e["file"] for e in entries}
        )
        if not present:
            raise CommandError(f"{folder}: none of the {len(entries)} texts of {facts} is there.")
        groups = defaultdict(list)
        for entry in present:
            groups[entry.get("work") or entry["file"]].append(entry)
        scores, pairs = [], []
        for work, members in groups.items():
            parsed = self.parse(folder, members)
            for entry in members:
                source, doc = parsed.get(entry["file"], (None, None))
                if doc is None:
                    score = TextScore(entry["file"], bool(entry.get("held_out")))
                    score.differences.append(Difference("refused", source))
                    score.warning_kinds = {"refused"}
                    scores.append(score)
                else:
                    scores.append(score_text(entry, source, doc))
            complete = [m for m in members if parsed.get(m["file"], (0, None))[1] is not None]
            if len(members) == 2 and len(complete) == 2:
                pair = score_pair(work, *[(m, *parsed[m["file"]]) for m in members])
                pair.held_out = any(m.get("held_out") for m in members)
                pairs.append(pair)
        by_file = {e["file"]: e for e in present}
        self.report(
            "Development texts",
            [s for s in scores if not s.held_out],
            by_file,
            [p for p in pairs if not p.held_out],
        )
        if held_out:
            self.report(
                "Held-out texts",
                [s for s in scores if s.held_out],
                by_file,
                [p for p in pairs if p.held_out],
            )
        if unread:
            self.stdout.write(f"Not scored (no facts written yet): {', '.join(unread)}")
        for copy, first in copies:
            self.stdout.write(f"Not scored: {copy} is byte for byte {first}, scored once.")

    def parse(self, folder: Path, members: list[dict]) -> dict:
        """{file: (source text, parse)} through the curator's import path, or
        {file: (error, None)} when the importer refuses the file."""
        with tempfile.TemporaryDirectory() as temporary:
            manifest = Path(temporary) / "manifest.toml"
            manifest.write_text("".join(map(manifest_entry, members)), encoding="utf-8")
            try:
                prepared = prepare_imports([folder / m["file"] for m in members], manifest)
            except SourceError as error:
                if len(members) > 1:
                    parsed = {}
                    for member in members:
                        parsed.update(self.parse(folder, [member]))
                    return parsed
                return {members[0]["file"]: (str(error), None)}
        return {item.entry.file: (item.source.text, item.parsed) for item in prepared}

    def report(self, heading: str, scores: list[TextScore], facts: dict, pairs: list) -> None:
        write = self.stdout.write
        write(f"== {heading}")
        for score in sorted(scores, key=lambda s: s.file):
            state = "right" if score.right else ("SILENT" if score.silent else "warned")
            write(f"{state:>7}  {score.file}")
            for difference in score.differences:
                mark = "!" if difference in score.silent else " "
                write(f"         {mark} {difference.aspect}: {difference.message}")
            if not score.right:
                for warning in score.warnings:
                    write(f"           warning: {warning}")
        for pair in pairs:
            state = "aligned" if pair.aligned else "MISALIGNED"
            write(f"{state:>10}  {pair.work}: {'; '.join(pair.misaligned)}")
        right = [s for s in scores if s.right]
        silent = [s for s in scores if s.silent]
        alarms = [
            (s, w)
            for s in right
            for w in s.warnings
            if not _expected_warning(w, facts[s.file], s.last_line)
        ]
        total = len(scores) or 1
        write(
            f"{heading}: {len(right)} of {len(scores)} right ({100 * len(right) / total:.0f}%); "
            f"{sum(p.aligned for p in pairs)} of {len(pairs)} pairs aligned; "
            f"{len(silent)} silent failures; false alarms: {len(alarms)} warnings on "
            f"{len({s.file for s, _ in alarms})} of {len(right)} right texts"
        )
        for score, warning in alarms:
            write(f"  false alarm in {score.file}: {warning}")


def _without_copies(folder: Path, entries: list[dict]) -> tuple[list[dict], list[tuple]]:
    """The entries whose text is not a copy of an earlier one's (two gatherers may save one
    page), and (copy, first) for each copy left out, so that no text counts twice."""
    seen: dict[str, str] = {}
    kept, copies = [], []
    for entry in entries:
        digest = hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest()
        if digest in seen:
            copies.append((entry["file"], seen[digest]))
        else:
            seen[digest] = entry["file"]
            kept.append(entry)
    return kept, copies


def _expected_warning(warning, facts: dict, last_line: int) -> bool:
    """Whether a warning on a right text is right too: a notice, a true "no title", "no
    date" or "no place", or, in a text cut short, a doubt about the piece where it stops."""
    kind, line = getattr(warning, "kind", ""), getattr(warning, "line", None)
    cut = facts.get("truncated", False)
    return (
        kind in NOTICES
        or (cut and (kind == "truncated" or line is not None and line >= last_line))
        or (kind == "date" and (facts.get("date_in_body") or not _dated(facts)))
        or (kind == "place" and line is None and not facts.get("place"))
        or (kind == "title" and facts.get("title_lines") == [])
    )


def _dated(facts: dict) -> bool:
    return "date" in facts or "date_range" in facts
