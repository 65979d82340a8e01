"""Owns MeCab: one model per process, a tagger per thread, and the words of a Japanese text
with their parts of speech. The search's tokenizer and the archive's term counts read Japanese
through these same words."""

import threading

import MeCab

# One MeCab model (the dictionary, ~250 MB of mapped files) per process, and one tagger per
# thread made from it: a tagger's lattice is not safe to share between threads, but taggers
# of one model share its dictionary. A `MeCab.Tagger()` per thread (and per copy of the schema,
# which Whoosh unpickles with every index version) would map the dictionary again each time,
# and a web worker's memory would grow with every thread and index version.
_mecab_model: MeCab.Model | None = None
_mecab_model_lock = threading.Lock()
_taggers = threading.local()


def thread_tagger() -> MeCab.Tagger:
    global _mecab_model
    tagger = getattr(_taggers, "tagger", None)
    if tagger is None:
        with _mecab_model_lock:
            if _mecab_model is None:
                _mecab_model = MeCab.Model()
        tagger = _taggers.tagger = _mecab_model.createTagger()
    return tagger


def japanese_words(text: str) -> list[tuple[str, str, str]]:
    """MeCab's words of ``text`` as (surface, part of speech, its subclass), punctuation
    included: what a reader of the parts of speech needs."""
    words = []
    node = thread_tagger().parseToNode(text)
    while node is not None:
        if node.surface:
            parts = node.feature.split(",", 2)
            words.append((node.surface, parts[0], parts[1] if len(parts) > 1 else ""))
        node = node.next
    return words
