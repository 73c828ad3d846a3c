"""The part of ``Project`` that keeps codebook versions: the current number, the published
versions with their notes and changes, the unpublished edits, publishing.

A label records the version current when it was made (storage/label_writes), so agreement
and exports can be restricted to labels made under one version (``codebook_version=``).
"""

from __future__ import annotations

from pathlib import Path

from annotator.coders_manual import Manual, manual_html
from annotator.errors import ProjectError
from annotator.project_base import ProjectBase
from annotator.records import CodebookChanges, CodebookVersionRecord, ProjectCodebook
from annotator.storage import codebook_versions as cv
from annotator.storage.models import utcnow
from annotator.storage.unit_of_work import read_session, write_session


class ProjectVersions(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    @property
    def codebook_version(self) -> int:
        """The current (highest published) codebook version; new labels record it."""
        with read_session(self.engine) as s:
            return cv.current_version(s)

    def codebook_versions(self) -> list[CodebookVersionRecord]:
        """Every published version, oldest first, with its note and what it changed."""
        with read_session(self.engine) as s:
            return cv.versions(s)

    def unpublished_changes(self) -> list[str]:
        """One line per codebook edit made since the last publish (the draft)."""
        with read_session(self.engine) as s:
            return cv.unpublished_changes(s)

    def label_version_counts(self) -> dict[int, int]:
        """codebook version -> how many labels were made under it."""
        with read_session(self.engine) as s:
            return cv.label_versions(s)

    def manual(self) -> Manual:
        """The coders' manual's content: the codebook, its current version, the changelog."""
        with read_session(self.engine) as s:
            version, versions = cv.current_version(s), cv.versions(s)
        return Manual(self.codebook, version, tuple(versions))

    def write_manual(self, path: str | Path, *, force: bool = False) -> Path:
        """Write the coders' manual (every group and code with key, colour, definition,
        criteria and examples, then the changelog) as printable .html or as .pdf."""
        from annotator.exports.common import ExportError, atomic_target

        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".html", ".htm", ".pdf"):
            raise ExportError(f"{target.name}: the coders' manual is written as .html or .pdf")
        manual = self.manual()
        with atomic_target(target, force=force) as tmp:
            if suffix == ".pdf":
                from annotator.coders_manual_pdf import manual_pdf

                tmp.write_bytes(manual_pdf(manual))
            else:
                tmp.write_text(manual_html(manual), encoding="utf-8")
        return target

    def publish_codebook(
        self, note: str, *, by: str = "", force: bool = False
    ) -> CodebookVersionRecord:
        """Publish the edits since the last version as the next one, with a one-line note.

        Refuses an empty note (coders read it in the changelog and the manual) and, unless
        ``force``, a publish with nothing changed (a version that changes nothing would only
        split the labels into two sets for no reason)."""
        self._writable()
        note = " ".join(note.split())
        if not note:
            raise ProjectError("a codebook version needs a one-line note saying what changed")
        with write_session(self.engine) as s:
            changes = cv.unpublished_changes(s)
            if not changes and not force:
                raise ProjectError(
                    "nothing changed in the codebook since version "
                    f"{cv.current_version(s)}: there is nothing to publish"
                )
            return cv.publish(s, note, by, changes, utcnow())


def load_change_lines(
    before: ProjectCodebook, after: ProjectCodebook, changes: CodebookChanges
) -> list[str]:
    """One line per change a codebook load made, for the version it becomes."""
    lines = [f"added code {name}" for name in changes.added]
    lines += [f"renamed code {old} to {new}" for old, new in changes.renamed]
    lines += [f"removed code {name} (its labels are kept, hidden)" for name in changes.deactivated]
    old = {c.id: c for c in before.codes}
    renamed = {new for _old, new in changes.renamed}
    for code in after.codes:
        was = old.get(code.id)
        if was is None or code.name in renamed:
            continue
        fields = [
            label for label, attr in _CODE_FIELDS if getattr(was, attr) != getattr(code, attr)
        ]
        if was.group_uid != code.group_uid:
            fields.append("group")
        if fields:
            lines.append(f"changed {', '.join(fields)} of code {code.name}")
    old_groups = {g.uid: g for g in before.groups}
    for group in after.groups:
        was_group = old_groups.get(group.uid)
        if was_group is None:
            lines.append(f"added group {group.name}")
        elif was_group.name != group.name:
            lines.append(f"renamed group {was_group.name} to {group.name}")
        elif (was_group.multiple, was_group.description, was_group.ordered) != (
            group.multiple,
            group.description,
            group.ordered,
        ):
            lines.append(f"changed group {group.name}")
    if (before.name, before.description) != (after.name, after.description):
        lines.append("changed the codebook's name or description")
    if not lines and before != after:
        lines.append("reordered groups or codes")
    return lines


_CODE_FIELDS = (
    ("key", "key"),
    ("colour", "color"),
    ("definition", "definition"),
    ("inclusion criteria", "include"),
    ("exclusion criteria", "exclude"),
    ("examples", "examples"),
)
