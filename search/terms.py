"""What was typed into a search box, as plain words: the one tokeniser every search backend shares.

Each backend has its own query syntax (SQLite FTS5: quotes, `*`, `^`, `:`, `-`, parentheses,
AND/OR/NOT/NEAR; PostgreSQL tsquery: `&`, `|`, `!`, `<->`, `:*`, backslashes; LIKE: `%`, `_`)
and none accepts a NUL byte. Rather than escape each syntax, nothing but letters and digits
ever reaches a backend: every search (people, pages, threads, the library, the marketplace)
turns its text into words here first and builds its own query from those words, which are
safe to quote in any of them. Operator words (AND, NEAR, ...) stay words: a backend that
quotes every word gives them no meaning.

NFKC folds compatibility forms first, so full-width letters and superscript digits ("²")
become the letters and digits that the indexes hold.
"""

from __future__ import annotations

import re
import unicodedata

# Letters and digits of any script; `_` is a word character to `\w` but a LIKE wildcard here.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
# Enough for MAX_WORDS long words; anything longer is never read (a 20 KB query costs nothing).
MAX_TEXT = 400
MAX_WORD = 50


def search_terms(text: str, *, limit: int = MAX_WORDS, min_length: int = 1) -> list[str]:
    """The first `limit` words of `text`, lowercased, each at least `min_length` long."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKC", text[:MAX_TEXT]).lower()
    words = []
    for match in WORD.finditer(folded):
        word = match.group()[:MAX_WORD]
        if len(word) >= min_length:
            words.append(word)
            if len(words) == limit:
                break
    return words


def search_text(text: str, *, limit: int = MAX_WORDS) -> str:
    """`text` as space-separated plain words, for search APIs that take a string (Wagtail's)."""
    return " ".join(search_terms(text, limit=limit))
