"""PDF: the text layer via pypdf, one article per file; scanned PDFs need OCR first."""

from __future__ import annotations

import io
import logging

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError

from annotator.imports.base import (
    ParsedArticle,
    UnreadableFile,
    describe_error,
    guess_title,
    normalise_field,
    normalise_text,
)

logger = logging.getLogger(__name__)

NO_TEXT_LAYER = "no text layer (scanned PDF?): run OCR first"
ENCRYPTED = "encrypted PDF: save an unprotected copy and import that"
_WORD_EXPORT_PREFIX = "Microsoft Word - "


def read_pdf(data: bytes, origin: str) -> ParsedArticle:
    """Pages are separated by a blank line; the document info title is used when present."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(ENCRYPTED)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = normalise_field(info.title if info else "")
        created = info.creation_date if info else None
    except UnreadableFile:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise UnreadableFile(ENCRYPTED) from None
    except Exception as error:
        # pypdf meets hostile and broken files with whatever its parser trips on (IndexError,
        # KeyError, zlib.error, RecursionError ...); none of them is our bug, all mean "unreadable".
        logger.info("pypdf cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a readable PDF ({describe_error(error)})") from None
    text = normalise_text("\n\n".join(page.strip() for page in pages if page.strip()))
    if not text:
        raise UnreadableFile(NO_TEXT_LAYER)
    title = title.removeprefix(_WORD_EXPORT_PREFIX)
    return ParsedArticle(
        text=text,
        origin=origin,
        title=title or guess_title(text),
        meta={"created": created.isoformat()} if created else {},
    )
