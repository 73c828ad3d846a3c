"""The one exception the agreement engine raises for input a researcher can fix."""

from __future__ import annotations

from annotator.errors import AnnotatorError


class AgreementError(AnnotatorError, ValueError):
    """Reliability data that cannot be read or compared; the message says what to change."""
