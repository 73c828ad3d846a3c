"""The coders' manual as PDF, written with fpdf2 (pure Python: the core never imports Qt).

The bundled DejaVu Sans is embedded (resources/fonts), so Greek, Cyrillic, accented and other
non-Latin code names and definitions print as written on every platform.
"""

from __future__ import annotations

from fpdf import FPDF

from annotator.coders_manual import Manual, choice, version_heading
from annotator.paths import fonts_dir

FONT = "DejaVu"
_GREY = (85, 85, 85)
_BLACK = (34, 34, 34)


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    except ValueError:
        return (200, 200, 200)


class _ManualPdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.manual_title = title
        self.add_font(FONT, "", str(fonts_dir() / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts_dir() / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(20, 18, 20)
        self.set_title(f"{title}: coders' manual")
        self.set_creator("annotator")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 6, f"{self.manual_title} — page {self.page_no()}", align="C")

    def para(
        self, text: str, size: float = 10, style: str = "", color: tuple[int, int, int] = _BLACK
    ) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def labelled(self, label: str, text: str) -> None:
        self.set_x(self.l_margin + 4)
        self.set_font(FONT, "B", 9.5)
        self.set_text_color(*_BLACK)
        self.cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
        self.set_x(self.l_margin + 8)
        self.set_font(FONT, "", 9.5)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def manual_pdf(manual: Manual) -> bytes:
    pdf = _ManualPdf(manual.title)
    pdf.add_page()
    pdf.para(manual.title, 20, "B")
    pdf.para(manual.version_line(), 11, color=_GREY)
    if manual.codebook.description:
        pdf.ln(2)
        pdf.para(manual.codebook.description)
    for group in manual.codebook.groups:
        pdf.ln(6)
        pdf.para(group.name, 15, "B")
        pdf.para(choice(group), 9.5, color=_GREY)
        if group.description:
            pdf.para(group.description, 10)
        for code in group.codes:
            pdf.ln(3)
            if pdf.will_page_break(30):
                pdf.add_page()
            y = pdf.get_y()
            pdf.set_fill_color(*_rgb(code.color))
            pdf.set_draw_color(*_GREY)
            pdf.rect(pdf.l_margin, y + 1, 4, 4, style="DF")
            pdf.set_x(pdf.l_margin + 6)
            pdf.set_font(FONT, "B", 12)
            pdf.set_text_color(*_BLACK)
            key = f"   key: {code.key}" if code.key else ""
            pdf.cell(0, 6, f"{code.name}{key}", new_x="LMARGIN", new_y="NEXT")
            for label, text in (
                ("Definition", code.definition),
                ("Include", code.include),
                ("Exclude", code.exclude),
            ):
                if text:
                    pdf.labelled(label, text)
            if code.examples:
                pdf.labelled("Examples", "\n".join(f"“{e}”" for e in code.examples))
    pdf.add_page()
    pdf.para("Changelog", 15, "B")
    for v in reversed(manual.versions):
        pdf.ln(3)
        pdf.para(version_heading(v), 11, "B")
        if v.note:
            pdf.para(v.note, 10)
        for n, change in enumerate(v.changes, 1):
            pdf.set_x(pdf.l_margin + 4)
            pdf.para(f"{n}. {change}", 9.5)
    return bytes(pdf.output())
