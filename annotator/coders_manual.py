"""The coders' manual: the codebook as coders read it while coding, then its changelog.

One model (``Manual``, read from a project) and two renderings: printable HTML (here; print
CSS keeps a code and its criteria on one page) and PDF (``coders_manual_pdf``, fpdf2, no Qt).
Every text is escaped: code names and definitions are the researchers' own.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from annotator.records import CodebookVersionRecord, GroupRecord, ProjectCodebook


@dataclass(frozen=True)
class Manual:
    """What the manual shows: the active codebook, its current version and every version."""

    codebook: ProjectCodebook
    version: int
    versions: tuple[CodebookVersionRecord, ...]

    @property
    def title(self) -> str:
        return self.codebook.name or "Codebook"

    @property
    def published(self) -> datetime | None:
        current = [v for v in self.versions if v.number == self.version]
        return current[0].published_at if current else None

    def version_line(self) -> str:
        """ "Codebook version 3, published 2026-12-04"."""
        when = self.published
        return f"Codebook version {self.version}" + (f", published {when:%Y-%m-%d}" if when else "")


def choice(group: GroupRecord) -> str:
    if group.multiple:
        return "multiple choice: give any of these codes"
    return "single choice: give at most one of these codes" + (
        " (an ordered scale)" if group.ordered else ""
    )


def version_heading(v: CodebookVersionRecord) -> str:
    """ "Version 2 — 2026-12-04, by lead" (date and author when known)."""
    parts = [f"Version {v.number}"]
    when = f"{v.published_at:%Y-%m-%d}" if v.published_at else ""
    who = f"by {v.published_by}" if v.published_by else ""
    tail = ", ".join(x for x in (when, who) if x)
    return parts[0] + (f" — {tail}" if tail else "")


_CSS = """
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2em auto;max-width:46em;color:#222;
line-height:1.4}
h1{margin-bottom:.2em}.version{color:#555;margin-top:0}
h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:2em}
section.code{margin:1em 0 1.5em;padding-left:.8em;border-left:4px solid #ddd}
h3{margin:.2em 0}.swatch{display:inline-block;width:1em;height:1em;border:1px solid #555;
vertical-align:-.15em;margin-right:.4em;print-color-adjust:exact;-webkit-print-color-adjust:exact}
kbd{font-family:monospace;border:1px solid #888;border-radius:3px;padding:0 .3em;background:#f5f5f5}
dt{font-weight:bold;margin-top:.4em}dd{margin-left:1.2em}.choice{color:#555;font-style:italic}
ol.changes{margin-top:.2em}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}
section.code{break-inside:avoid}section.changelog{break-before:page}}
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def manual_html(manual: Manual) -> str:
    """A self-contained, printable page (inline CSS, no scripts)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_h(manual.title)}: coders' manual</title><style>{_CSS}</style></head><body>",
        f"<h1>{_h(manual.title)}</h1>",
        f'<p class="version">{_h(manual.version_line())}</p>',
    ]
    if manual.codebook.description:
        out.append(f'<p class="description">{_h(manual.codebook.description)}</p>')
    for group in manual.codebook.groups:
        out.append(f'<section class="group" id="group-{_h(group.uid)}">')
        out.append(f"<h2>{_h(group.name)}</h2>")
        out.append(f'<p class="choice">{_h(choice(group))}</p>')
        if group.description:
            out.append(f"<p>{_h(group.description)}</p>")
        for code in group.codes:
            out.append(f'<section class="code" id="code-{_h(code.uid)}">')
            key = f" <kbd>{_h(code.key)}</kbd>" if code.key else ""
            out.append(
                f'<h3><span class="swatch" style="background:{_h(code.color)}"'
                f' title="{_h(code.color)}"></span>{_h(code.name)}{key}</h3>'
            )
            out.append("<dl>")
            for label, text in (
                ("Definition", code.definition),
                ("Include", code.include),
                ("Exclude", code.exclude),
            ):
                if text:
                    out.append(f'<dt>{label}</dt><dd class="{label.lower()}">{_h(text)}</dd>')
            if code.examples:
                out.append("<dt>Examples</dt>")
                out.extend(f'<dd class="example">“{_h(e)}”</dd>' for e in code.examples)
            out.append("</dl></section>")
        out.append("</section>")
    out.append('<section class="changelog"><h2>Changelog</h2>')
    for v in reversed(manual.versions):
        out.append(f'<section class="version-entry" id="version-{v.number}">')
        out.append(f"<h3>{_h(version_heading(v))}</h3>")
        if v.note:
            out.append(f'<p class="note">{_h(v.note)}</p>')
        if v.changes:
            out.append('<ol class="changes">')
            out.extend(f"<li>{_h(c)}</li>" for c in v.changes)
            out.append("</ol>")
        out.append("</section>")
    out.append("</section></body></html>")
    return "\n".join(out) + "\n"
