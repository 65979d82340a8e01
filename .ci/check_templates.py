"""Fails when a template line is over 150 characters: templates keep one block or element per
line (docs/architecture.md). The diff include is exempt: its paragraph keeps white space."""

import sys
from pathlib import Path

LIMIT = 150
EXEMPT = {"includes/_diff.html"}

templates = Path(__file__).resolve().parent.parent / "templates"
long_lines = [
    f"templates/{path.relative_to(templates)}:{number}: {len(line)} characters"
    for path in sorted(templates.rglob("*.html"))
    if str(path.relative_to(templates)) not in EXEMPT
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    if len(line) > LIMIT
]
if long_lines:
    print("\n".join(long_lines))
    sys.exit(
        f"{len(long_lines)} template lines are over {LIMIT} characters: "
        "break them where HTML ignores white space."
    )
