"""Per-language word lists of the extraction rules, read from ``data/lexicon.yaml``.

>>> "partnership" in words("en", "cooperation_words"), "cooperación" in words("es", "cooperation_words")
(True, True)
>>> words("fr", "cooperation_words") == words("en", "cooperation_words")  # unknown: English
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.yaml"
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, list]]:
    with open(LEXICON_PATH, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for lang, lists in data.items():
        for name, value in lists.items():
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            bad = [w for w in items if not isinstance(w, str)]
            if bad:  # YAML reads a bare no, on or yes as a boolean: such a word must be quoted
                raise ValueError(f"{LEXICON_PATH.name}: {lang}.{name} holds non-words {bad!r}; quote them")
    return data


def languages() -> tuple[str, ...]:
    """The languages the rules have word lists for."""
    return tuple(_lexicon())


@lru_cache(maxsize=64)
def words(language: str, name: str) -> frozenset[str]:
    """One word list of a language (English for a language without lists)."""
    lex = _lexicon()
    return frozenset(lex.get(language, lex[DEFAULT_LANGUAGE]).get(name, ()))


@lru_cache(maxsize=64)
def sequence(language: str, name: str) -> tuple[str, ...]:
    """One ordered word list of a language, such as its months (English for a language without lists)."""
    lex = _lexicon()
    return tuple(lex.get(language, lex[DEFAULT_LANGUAGE]).get(name, ()))


@lru_cache(maxsize=64)
def mapping(language: str, name: str) -> dict[str, str]:
    """One word -> value table of a language (English for a language without tables)."""
    lex = _lexicon()
    return dict(lex.get(language, lex[DEFAULT_LANGUAGE]).get(name, {}))
