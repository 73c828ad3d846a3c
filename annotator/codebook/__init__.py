"""The codebook: what coders may assign, how to tell codes apart, and which key applies each.

``schema`` holds the pydantic models and their checks, ``yaml_format`` the YAML researchers
write (see docs/codebook.md), ``refi_format`` REFI-QDA ``.qdc`` exchange with other QDA
programs, ``files`` reading either from disk. The public names are re-exported here.
"""

from __future__ import annotations

from annotator.codebook.files import default_codebook, load_codebook
from annotator.codebook.schema import (
    MAX_CODEBOOK_BYTES,
    OKABE_ITO,
    Code,
    Codebook,
    CodebookError,
    CodeGroup,
    assign_colors,
    generated_id,
)
from annotator.codebook.yaml_format import dump_codebook_yaml, parse_codebook_yaml

__all__ = [
    "MAX_CODEBOOK_BYTES",
    "OKABE_ITO",
    "Code",
    "CodeGroup",
    "Codebook",
    "CodebookError",
    "assign_colors",
    "default_codebook",
    "dump_codebook_yaml",
    "generated_id",
    "load_codebook",
    "parse_codebook_yaml",
]
