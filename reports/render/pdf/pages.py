"""The document: a cover page, the contents pages, then the body pages with a brand-coloured rule,
a running head and a footer with the report footer text and the body's page number."""

import math

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

from .. import texts
from .front import ContentsPage, define_rows, draw_cover, rows_per_page

MARGIN = 18 * mm


class ReportDocument(BaseDocTemplate):
    def __init__(self, file, data, style, section_count, marks):
        width, height = A4
        super().__init__(file, pagesize=A4, title=f"{texts.TITLES[data.type]} — {data.title}",
                         author=data.branding.get("company_name", ""), subject=data.organization_name,
                         leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
        self.data, self.style, self.marks, self.section_count = data, style, marks, section_count
        body = Frame(MARGIN, MARGIN + 6 * mm, width - 2 * MARGIN, height - 2 * MARGIN - 14 * mm, id="body")
        plain = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, id="plain")
        self.rows_per_page = rows_per_page(plain._aH)
        self.contents_pages = max(1, math.ceil(section_count / self.rows_per_page))
        self.body_start = 2 + self.contents_pages  # the first body page's number in the file
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[plain], onPage=lambda c, d: draw_cover(c, data, style, width, height)),
            PageTemplate(id="contents", frames=[plain]),
            PageTemplate(id="body", frames=[body], onPage=self.decorate),
        ])

    def front_matter(self) -> list:
        story = [NextPageTemplate("contents"), PageBreak()]
        for page in range(self.contents_pages):
            first = page * self.rows_per_page
            story += [ContentsPage(first, min(self.section_count, first + self.rows_per_page), self.style), PageBreak()]
        story[-1:] = [NextPageTemplate("body"), PageBreak()]
        return story

    def decorate(self, canvas, document):
        width, height = A4
        style, brand = self.style, self.data.branding
        canvas.saveState()
        canvas.setFillColor(style["primary"])
        canvas.rect(0, height - 8 * mm, width, 2.2 * mm, stroke=0, fill=1)
        canvas.setFont(style["fonts"]["bold"], 8)
        canvas.setFillColor(style["secondary"])
        canvas.drawString(MARGIN, height - 14 * mm, brand.get("company_name", "")[:60])
        canvas.setFont(style["fonts"]["regular"], 8)
        canvas.drawRightString(width - MARGIN, height - 14 * mm, f"{texts.TITLES[self.data.type]} — {self.data.title}"[:110])
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        footer = brand.get("report_footer") or brand.get("company_name", "")
        canvas.drawString(MARGIN, 10 * mm, footer.replace("\n", " ")[:120])
        canvas.drawRightString(width - MARGIN, 10 * mm, f"Page {document.page - self.body_start + 1}")
        canvas.restoreState()

    def _endBuild(self):
        width = A4[0] - 2 * MARGIN
        define_rows(self.canv, self.marks, self.section_count, width, self.style, self.body_start)
        super()._endBuild()
