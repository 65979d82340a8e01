"""fixtures/ is the archive's real content, and curators add to it under any file name: the
benchmark corpus reads whatever it holds, and the tests are written about the five seed texts
only, so an added text changes neither."""

import shutil

from bench.corpus import seed_clauses
from tests.utils import FILES, FIXTURES, copy_seeds

ADDED = """Cooperation Agency of Japan

Japanese ODA Loan Signed with Kyrgyzstan

1. On June 9, 2031, the agency signed a loan agreement for a new railway line.

2. The line will join two valleys now linked only by a mountain road.
"""


def fixtures_with_an_added_text(tmp_path):
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)
    (folder / "new-file.txt").write_text(ADDED, encoding="utf-8")
    with (folder / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(
            '\n[[document]]\nfile = "new-file.txt"\nslug = "2031-kyrgyz-railway-loan"\n'
            'language = "en"\nkind = "press-release"\n'
        )
    return folder


def test_the_bench_corpus_reads_a_text_added_under_any_name(tmp_path):
    before = seed_clauses(FIXTURES)
    after = seed_clauses(fixtures_with_an_added_text(tmp_path))
    added = [c for c in after["en"] if c not in before["en"]]
    assert len(added) == 2 and "railway" in added[0]
    assert after["ja"] == before["ja"] and after["pairs"] == before["pairs"]


def test_the_tests_take_the_seed_texts_and_their_entries_only(tmp_path):
    target = tmp_path / "seeds"
    target.mkdir()
    copy_seeds(fixtures_with_an_added_text(tmp_path), target)
    assert sorted(p.name for p in target.iterdir()) == sorted([*FILES.values(), "manifest.toml"])
    manifest = (target / "manifest.toml").read_text(encoding="utf-8")
    assert manifest.count("\n[[document]]\n") == len(FILES) and "new-file" not in manifest
