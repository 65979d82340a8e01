"""A large, realistic archive for benchmarks, recombined from the real seed texts (seeded).

`python bench/corpus.py N OUT` writes source texts and a manifest.toml to OUT holding about N
clauses: documents of 20–80 clauses drawn from the real clauses of the same language, with
years, places and country names varied so that term statistics look like real text. About one
text in four has both a Japanese and an English version, built from the aligned clause pairs
of the Turkmenistan press release so that the side-by-side view has real pairs to align.
Same N and seed, same files.
"""

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.parsing import parse_document  # noqa: E402

FIXTURES = ROOT / "fixtures"
SEED = 20251220
JA_COUNTRIES = [
    "トルクメニスタン",
    "カザフスタン",
    "キルギス共和国",
    "タジキスタン",
    "ウズベキスタン",
]
EN_COUNTRIES = ["Turkmenistan", "Kazakhstan", "the Kyrgyz Republic", "Tajikistan", "Uzbekistan"]
CODES = ["TM", "KZ", "KG", "TJ", "UZ"]
JA_PLACES = ["東京", "アシガバット", "アスタナ", "ビシュケク", "ドゥシャンベ", "タシケント"]
EN_PLACES = ["Tokyo", "Ashgabat", "Astana", "Bishkek", "Dushanbe", "Tashkent"]
SERIES = [
    ("Central Asia + Japan Dialogue Summit", "declaration"),
    ("Central Asia + Japan Dialogue Foreign Ministers' Meeting", "joint-statement"),
    ("Bilateral summit meetings", "joint-press-release"),
    ("Bilateral summit meetings", "joint-statement"),
]
JA_HEADINGS = [
    "総論",
    "経済分野",
    "政治分野",
    "その他の分野",
    "安全保障",
    "貿易・投資",
    "開発",
    "人的・文化交流",
    "国際場裡における協力",
    "結語",
]
EN_HEADINGS = [
    "General",
    "Economic field",
    "Political field",
    "Other fields",
    "Security",
    "Trade and investment",
    "Development",
    "People-to-people exchange",
    "Conclusion",
]


def seed_clauses() -> dict[str, list[str]]:
    """Every clause paragraph of the seeds, by language; and the aligned 000/001 pairs."""
    files = {"000": "ja", "001": "en", "002": "ja", "003": "ja", "004": "ja"}
    pool: dict[str, list[str]] = {"ja": [], "en": []}
    parsed = {}
    for path in sorted(FIXTURES.glob("*.txt")):
        key = path.name[:3]
        parsed[key] = parse_document(path.read_text(encoding="utf-8"), files[key])
        pool[files[key]] += [" ".join(c.paragraphs) for c in parsed[key].clauses]
    pool["pairs"] = list(
        zip(
            (c.text for c in parsed["000"].clauses),
            (c.text for c in parsed["001"].clauses),
            strict=True,
        )
    )
    return pool


def vary(text: str, language: str, rng: random.Random, year: int) -> str:
    """Shift years and swap the Central Asian country and place names, as real texts differ."""
    text = re.sub(r"20[0-2][0-9]", lambda m: str(year - rng.randint(0, 3)), text)
    names = JA_COUNTRIES if language == "ja" else EN_COUNTRIES
    places = JA_PLACES if language == "ja" else EN_PLACES
    country, place = rng.choice(names), rng.choice(places)
    for name in names:
        text = text.replace(name, country)
    for name in places:
        text = text.replace(name, place)
    return text


def render(
    title: str, language: str, year: int, sections: list[tuple[str, list[str]]], numbered: bool
) -> str:
    day = 1 + year % 27
    date = f"{year}年{5 + year % 7}月{day}日" if language == "ja" else f"May {day}, {year}"
    lines = [f"**{title}**", "", date, ""]
    number = 0
    for heading, clauses in sections:
        lines += [f"◆ {heading}" if language == "ja" else f"**{heading}**", ""]
        for clause in clauses:
            number += 1
            lines += [f"- ({number}) {clause}" if numbered else clause, ""]
    return "\n".join(lines)


def generate(target: int, out: Path, seed: int = SEED) -> int:
    """Write about `target` clauses of documents to `out`; returns the clause count."""
    rng = random.Random(seed)
    pool = seed_clauses()
    out.mkdir(parents=True, exist_ok=True)
    manifest, total, index = [], 0, 0
    while total < target:
        index += 1
        year = rng.randint(2004, 2025)
        series, kind = rng.choice(SERIES)
        codes = ["JP"] + sorted(rng.sample(CODES, rng.choice([1, 1, 5])))
        size = 60 if index % 10 == 0 else rng.randint(20, 80)
        slug = f"bench-{year}-{index:06d}"
        bilingual = rng.random() < 0.25
        if bilingual:
            pairs = [rng.choice(pool["pairs"]) for _ in range(size)]
            versions = {"ja": [p[0] for p in pairs], "en": [p[1] for p in pairs]}
        else:
            language = "ja" if rng.random() < 0.85 else "en"
            versions = {language: [rng.choice(pool[language]) for _ in range(size)]}
        variation = rng.random()
        for language, clauses in versions.items():
            local = random.Random(f"{seed}-{index}-{variation}")  # same variation per version
            clauses = [vary(c, language, local, year) for c in clauses]
            headings = JA_HEADINGS if language == "ja" else EN_HEADINGS
            cut = sorted(local.sample(range(1, size), min(3, size - 1)))
            bounds = [0, *cut, size]
            sections = [
                (headings[n % len(headings)], clauses[a:b])
                for n, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
            ]
            title = f"共同声明 第{index}号" if language == "ja" else f"Joint Statement No. {index}"
            name = f"{slug}-{language}.txt"
            (out / name).write_text(
                render(title, language, year, sections, numbered=not bilingual),
                encoding="utf-8",
            )
            entry = [
                f'file = "{name}"',
                f'slug = "{slug}"',
                f'language = "{language}"',
                f'kind = "{kind}"',
                f'series = "{series}"',
                "countries = [" + ", ".join(f'"{c}"' for c in codes) + "]",
            ]
            if bilingual and language == "ja":
                entry.append('translation_of = "en"')
            manifest.append("[[document]]\n" + "\n".join(entry) + "\n")
            total += size
    (out / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return total


if __name__ == "__main__":
    count = generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} clauses written to {sys.argv[2]}")
