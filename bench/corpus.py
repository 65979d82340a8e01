"""A large, realistic archive for benchmarks, recombined from the real seed texts (seeded).

`python bench/corpus.py N OUT` writes source texts and a manifest.toml to OUT holding about N
clauses: documents of 20–80 clauses drawn from the real clauses of the same language, with
years, places and country names varied. About one text in four has both a Japanese and an
English version, built from the aligned clause pairs of the seed texts that have both (the
Turkmenistan press release) so that the side-by-side view has real pairs to align. Same N
and seed, same files.

The long tail: the 192 seed clauses alone have ~8,000 distinct terms, each frequent,
so every cache covers everything. Most clauses therefore also get a sentence of new vocabulary
(people's and places' names, project names, numbers, rare compound terms) drawn log-uniformly
from 60,000-word vocabularies, so that, as in real text, most terms occur in a handful of
clauses and a few in very many (`python bench/corpus.py --tail-stats OUT` counts them).
"""

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.ingest.parsing import parse_document  # noqa: E402
from archive.ingest.sources import load_manifest, read_source  # noqa: E402

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


def seed_clauses(folder: Path = FIXTURES) -> dict[str, list]:
    """Every clause paragraph of the texts in `folder`, by language, as its manifest names
    them (any file name, any source format); and the aligned clause pairs of the works that
    have a Japanese and an English version with as many clauses."""
    pool: dict[str, list] = {"ja": [], "en": []}
    versions: dict[str, dict[str, list[str]]] = {}
    for name, entry in sorted(load_manifest(folder / "manifest.toml").items()):
        if entry.language not in pool:
            continue
        parsed = parse_document(read_source(folder / name).text, entry.language)
        pool[entry.language] += [" ".join(c.paragraphs) for c in parsed.clauses]
        versions.setdefault(entry.slug, {})[entry.language] = [c.text for c in parsed.clauses]
    pool["pairs"] = [
        pair
        for work in versions.values()
        if len(work.get("ja", [])) == len(work.get("en", [None]))
        for pair in zip(work["ja"], work["en"], strict=True)
    ]
    if not pool["ja"] or not pool["en"] or not pool["pairs"]:
        raise SystemExit(
            f"{folder}: the benchmark corpus needs Japanese and English clauses and one text "
            "with both versions aligned clause for clause."
        )
    return pool


KANA = [
    "ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ",
    "タ", "チ", "ツ", "テ", "ト", "ナ", "ニ", "ヌ", "ネ", "ノ", "ハ", "ヒ", "フ", "ヘ", "ホ",
    "マ", "ミ", "ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ", "ル", "レ", "ロ", "ワ", "ガ",
    "ギ", "グ", "ゲ", "ゴ", "ザ", "ジ", "ズ", "ダ", "ド", "バ", "ビ", "ブ", "ベ", "ボ", "パ",
]  # fmt: skip
KANJI = (
    "水資源農業灌漑鉱物鉄道港湾通信医療保健教育技術研究観測衛星気象防災治安税関国境物流倉庫"
    "電力送電発電太陽風力原子核燃料精製化学肥料繊維綿花穀物小麦果樹畜産漁業森林砂漠湖沼河川"
    "文化遺産博物館図書劇場音楽映画言語留学奨学青年女性高齢障害児童雇用職業訓練金融保険証券"
)
SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "tu",
    "sa",
    "ne",
    "lo",
    "vi",
    "da",
    "zh",
    "ya",
    "ku",
    "ber",
    "ol",
    "an",
    "es",
    "ur",
    "ti",
    "ma",
    "go",
    "shi",
    "nu",
    "ra",
    "bek",
    "ov",
    "in",
    "al",
    "dy",
]
TAIL_WORDS = 60_000


def _tail_vocabulary(seed: int = SEED) -> dict[str, list[str]]:
    """Seeded vocabularies of new words, most of which a corpus uses only a few times."""
    rng = random.Random(f"{seed}-tail")

    def words(make) -> list[str]:
        found: dict[str, None] = {}
        while len(found) < TAIL_WORDS:
            found[make()] = None
        return list(found)

    def kana(lo, hi):
        return lambda: "".join(rng.choice(KANA) for _ in range(rng.randint(lo, hi)))

    def latin(lo, hi):
        return lambda: "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(lo, hi)))

    return {
        "ja_name": words(kana(3, 5)),
        "ja_place": words(lambda: kana(2, 4)() + rng.choice("州市村県郡")),
        "ja_term": words(lambda: "".join(rng.sample(KANJI, 2)) + "".join(rng.sample(KANJI, 2))),
        "en_name": words(lambda: latin(3, 4)().capitalize()),
        "en_place": words(lambda: latin(2, 4)().capitalize()),
        "en_term": words(latin(2, 4)),
    }


_TAIL: dict[str, list[str]] | None = None


def tail_word(kind: str, rng: random.Random) -> str:
    """A word of the vocabulary `kind`, drawn log-uniformly: rank r with probability ~1/r."""
    global _TAIL
    if _TAIL is None:
        _TAIL = _tail_vocabulary()
    words = _TAIL[kind]
    return words[min(len(words) - 1, int(len(words) ** rng.random()) - 1)]


def tail_sentence(language: str, rng: random.Random) -> str:
    """A sentence of new vocabulary, with a number, in the style of the clauses."""
    number = rng.choice([rng.randint(2, 99), rng.randint(100, 99_999)])
    if language == "ja":
        return (
            f"{tail_word('ja_name', rng)}担当大臣は、{tail_word('ja_place', rng)}における"
            f"{tail_word('ja_term', rng)}事業（{number}件）の進展を歓迎した。"
        )
    return (
        f"Minister {tail_word('en_name', rng)} welcomed progress on {number} "
        f"{tail_word('en_term', rng)} projects in {tail_word('en_place', rng)}."
    )


def with_word(clause: str, word: str) -> str:
    """`clause` with `word` just before its final full stop (or at its end)."""
    for stop in ("。", "."):
        if clause.endswith(stop):
            return f"{clause[: -len(stop)]} {word}{stop}"
    return f"{clause} {word}"


def rare_queries(count: int = 3) -> list[str]:
    """Words of the long tail the benchmark searches for (same seed, same words)."""
    vocabulary = _tail_vocabulary()
    return [vocabulary["ja_name"][2000], vocabulary["en_place"][5000]][:count]


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


def generate(
    target: int, out: Path, seed: int = SEED, prefix: str = "bench", probe_word: str = ""
) -> int:
    """Write about `target` clauses of documents to `out`; returns the clause count.

    `prefix` starts every slug (a second corpus imported beside the first needs its own);
    `probe_word`, when given, ends every clause, so one search finds all of them."""
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
        slug = f"{prefix}-{year}-{index:06d}"
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
            # Versions of one text share their new words (the same draws per clause).
            tail = random.Random(f"{seed}-{index}-tail")
            clauses = [
                f"{c} {tail_sentence(language, tail)}" if tail.random() < 0.7 else c
                for c in clauses
            ]
            if probe_word:  # inside the last sentence, so the text still ends as it did
                clauses = [with_word(c, probe_word) for c in clauses]
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


def tail_stats(out: Path) -> dict:
    """How long the tail is: distinct words of the new vocabularies, and how many clauses each
    occurs in (a rough count over the source files, by the vocabularies' own words)."""
    import collections

    counts: collections.Counter = collections.Counter()
    pattern = re.compile(r"Minister (\w+) welcomed progress on \d+ (\w+) projects in (\w+)\.|"
                         r"(\w+)担当大臣は、(\w+)における(\w+)事業")  # fmt: skip
    for path in out.glob("*.txt"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            counts.update(word for word in match.groups() if word)
    frequencies = sorted(counts.values())
    return {
        "distinct_tail_words": len(counts),
        "occurring_at_most_5_times": sum(1 for n in frequencies if n <= 5),
        "median_occurrences": frequencies[len(frequencies) // 2] if frequencies else 0,
        "most_occurrences": frequencies[-1] if frequencies else 0,
    }


if __name__ == "__main__":
    if sys.argv[1] == "--tail-stats":
        print(tail_stats(Path(sys.argv[2])))
    else:
        count = generate(int(sys.argv[1]), Path(sys.argv[2]))
        print(f"{count} clauses written to {sys.argv[2]}")
