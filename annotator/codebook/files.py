"""Codebook files: ``.yaml``/``.yml`` or REFI-QDA ``.qdc`` (or the codebook of a ``.qde``), by
suffix, with the size limit and encoding checks both formats share.
"""

from __future__ import annotations

from pathlib import Path

from annotator.codebook.refi_format import read_qdc
from annotator.codebook.schema import MAX_CODEBOOK_BYTES, Codebook, CodebookError
from annotator.codebook.yaml_format import parse_codebook_yaml
from annotator.paths import default_codebook_path

__all__ = ["default_codebook", "load_codebook"]


def load_codebook(path: Path) -> Codebook:
    """Read a ``.yaml``/``.yml`` codebook or a REFI-QDA ``.qdc`` (or the codebook of a ``.qde``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".qdc", ".qde"):
        raise CodebookError(
            f"{path.name}: unknown codebook format '{suffix}'; use .yaml, .yml or .qdc"
        )
    try:
        size = path.stat().st_size
        if size > MAX_CODEBOOK_BYTES:
            raise CodebookError(
                f"{path.name}: {size / 1024 / 1024:.1f} MB is larger than the "
                f"{MAX_CODEBOOK_BYTES // (1024 * 1024)} MB a codebook may have"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the codebook: {exc.strerror or exc}") from None
    if suffix in (".qdc", ".qde"):
        return read_qdc(data, path.name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CodebookError(
            f"{path.name} line {line}: not UTF-8 text; save the file as UTF-8", line=line
        ) from None
    return parse_codebook_yaml(text, path.name)


def default_codebook() -> Codebook:
    """The codebook shipped with the app (conflict news statement types)."""
    return load_codebook(default_codebook_path())
