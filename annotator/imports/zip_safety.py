"""Checks a zip container (docx, xlsx) before any parser inflates it."""

from __future__ import annotations

import io
import zipfile

from annotator.imports.base import UnreadableFile, describe_error

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200
"""Office XML compresses about 5-30x; hundreds-fold only comes from a crafted file."""
_RATIO_EXEMPT_BYTES = 1024 * 1024
"""Tiny members can have any ratio without doing harm."""


def check_zip(data: bytes, kind: str) -> None:
    """Refuse zip bombs and path tricks by reading the directory only.

    The declared sizes are trustworthy enough: zipfile stops inflating a member at its declared
    size, so a member that lies about its size cannot expand beyond what we checked here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableFile(
            f"not a valid {kind} file (damaged zip container: {describe_error(error)})"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(f"refused {kind}: {len(members)} parts inside (zip bomb?)")
    total = 0
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise UnreadableFile(f"refused {kind}: unsafe part name {member.filename!r}")
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_EXEMPT_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise UnreadableFile(
                f"refused {kind}: part {member.filename!r} expands {ratio:.0f}-fold (zip bomb?)"
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"refused {kind}: expands to {total // (1024 * 1024)} MiB (limit "
            f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MiB)"
        )
