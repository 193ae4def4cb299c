"""Checks on every template the project ships."""

import re
from pathlib import Path

from django.conf import settings

EMPTY_ACTION = re.compile(r"""<form\b[^>]*\baction=(""|'')""", re.IGNORECASE)


def project_templates():
    for root in map(Path, settings.TEMPLATES[0]["DIRS"]):
        yield from root.rglob("*.html")


def test_no_form_has_an_empty_action():
    """HTML forbids action="" (the validator's "Bad value for attribute action"): a form that
    posts back to its own page says so with its path, or leaves the attribute out."""
    found = [str(path) for path in project_templates() if EMPTY_ACTION.search(path.read_text(encoding="utf-8"))]
    assert not found, f'forms with action="": {found}'
