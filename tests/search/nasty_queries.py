"""What people (and attackers) type into search boxes: every search entry point must answer 200.

Each one is query syntax or a metacharacter for one of the backends: SQLite FTS5 (quotes,
`*`, `^`, `:`, `-`, parentheses, AND/OR/NOT/NEAR), PostgreSQL tsquery (`&`, `|`, `!`, `<->`,
`:*`, backslashes), LIKE (`%`, `_`), and what no database accepts in a string (NUL bytes).
"""

NASTY_QUERIES = [
    '"',
    'a"b',
    '"><img src=x onerror=alert(1)>',
    "housing*",
    "*",
    "^housing",
    "title:housing",
    "-housing",
    "housing -",
    "(housing",
    "housing)",
    "housing AND",
    "OR",
    "NOT housing",
    "NEAR(housing council)",
    "housing & | ! <-> :*",
    "'housing'",
    "100%",
    "_",
    "%_%",
    "back\\slash\\",
    "\\",
    "nul\x00byte",
    "\x00",
    "²",
    "x" * 20_000,
    "housing " * 2_500,
    "!@#$%^&*()",
    "",
    "   ",
]

# A quoted word is still that word: the quotes are dropped, not the search.
QUOTED_HOUSING = '"housing"'
