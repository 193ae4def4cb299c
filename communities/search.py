"""Community library documents in site search: the text a document is found by, and the provider.

`document_text` reads the words of a PDF (pypdf) or Word .docx (python-docx) file. It runs
once, when a file is added (`services.library_file_text_extract`, after commit); the text is
stored on the `LibraryFile` and indexed with its title, so a search never opens a file. Other
formats are found by their title only.

`LibrarySearchProvider` answers /search/ (search.registry explains the protocol): files only
from communities whose library the viewer may read (`library_readable_ids`, the rule the
library page and the download view follow), filtered inside the search query so that the
count never includes a file the viewer could not open. A removed file's row is deleted, and
with it its index entry.
"""

from __future__ import annotations

import logging
import re
import zipfile
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from search.providers import indexed_search
from search.registry import ProviderResult, SearchHit
from search.terms import search_terms

logger = logging.getLogger(__name__)

# Enough words to find any document by what it is about; a 10 MB file can hold far more text
# than anyone searches, and every character is indexed.
MAX_TEXT_CHARS = 100_000
# A .docx is a zip: refuse one whose main part would inflate past this (a zip bomb).
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
SNIPPET_CHARS = 240

KIND_LABELS = {"pdf": "PDF", "docx": "Word document", "xlsx": "Spreadsheet", "ods": "Spreadsheet"}


def _pdf_text(stream: IO[bytes]) -> str:
    from pypdf import PdfReader

    reader = PdfReader(stream)
    if reader.is_encrypted and not reader.decrypt(""):
        return ""  # protected by a password nobody gave us: found by title only
    parts, length = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(stream: IO[bytes]) -> str:
    import docx

    with zipfile.ZipFile(stream) as archive:
        if sum(info.file_size for info in archive.infolist() if info.filename.startswith("word/")) > MAX_DOCX_XML_BYTES:
            return ""
    stream.seek(0)
    document = docx.Document(stream)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


EXTRACTORS = {"pdf": _pdf_text, "docx": _docx_text}


def document_text(stream: IO[bytes], *, extension: str) -> str:
    """The plain words of a document, or "" when its format is not read or the file is damaged.

    A file that cannot be read is still added to the library and found by its title: the
    failure is logged, never raised, because the upload itself succeeded.
    """
    extractor = EXTRACTORS.get(extension.lower())
    if extractor is None:
        return ""
    try:
        text = extractor(stream)
    except Exception:
        # pypdf and python-docx raise many kinds of error on damaged files (their own, zipfile's,
        # lxml's, KeyError, ValueError): all mean the same here.
        logger.warning("Could not read the text of a library .%s file", extension, exc_info=True)
        return ""
    # NUL cannot be stored by PostgreSQL; runs of whitespace only bloat the index.
    return re.sub(r"\s+", " ", text.replace("\x00", " ")).strip()[:MAX_TEXT_CHARS]


def library_files_without_text():
    """Files of a format `document_text` reads that have no words stored (added before it ran)."""
    from django.db.models import Q

    from communities.models import LibraryFile

    formats = Q()
    for extension in EXTRACTORS:
        formats |= Q(original_name__iendswith=f".{extension}")
    return LibraryFile.objects.filter(formats, text="")


def text_snippet(text: str, query: str, *, length: int = SNIPPET_CHARS) -> str:
    """About `length` characters of `text` from just before the first word of `query` in it."""
    if not text:
        return ""
    lowered = text.lower()
    found = [p for p in (lowered.find(word.lower()) for word in search_terms(query, min_length=2)) if p >= 0]
    start = max(0, min(found, default=0) - length // 4)
    if start:
        # Begin and end on word boundaries, and say that the text goes on.
        space = text.find(" ", start, start + 20)
        if space >= 0:
            start = space + 1
    end = start + length
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


class LibrarySearchProvider:
    """Documents in the libraries of communities the viewer may read, by title and contents."""

    key = "library"
    label = "Community library documents"
    order = 35

    def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult:
        from django.contrib.auth.models import AnonymousUser

        from communities.models import LibraryFile
        from communities.selectors import library_readable_ids

        readable = library_readable_ids(user=user if user is not None else AnonymousUser())
        if not readable:
            return ProviderResult(total=0, hits=[])
        files = LibraryFile.objects.filter(community__in=sorted(readable)).select_related("community")
        return indexed_search(
            files, query=query, limit=limit, offset=offset, hit=lambda document: self.hit(document, query=query)
        )

    @staticmethod
    def indexed_queryset():
        from communities.models import LibraryFile

        return LibraryFile.objects.all()

    @staticmethod
    def hit(document, *, query: str) -> SearchHit:
        name = document.original_name
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return SearchHit(
            title=document.title,
            url=reverse(
                "communities:library_download",
                kwargs={"slug": document.community.slug, "file_id": document.pk},
            ),
            kind=KIND_LABELS.get(extension, f"{extension.upper()} file" if extension else "File"),
            snippet=text_snippet(document.text, query),
            meta=f"In the {document.community.title} library · {filesizeformat(document.size)}",
        )
