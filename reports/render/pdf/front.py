"""The cover and the table of contents. The contents come before the body but their page numbers
are only known once the body is laid out, so each row is a PDF form drawn where the row stands
and defined at the end (ReportLab resolves forward references to forms and named destinations
when it saves); the row links to its section's named destination. One layout pass, no merge."""

import base64
import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Paragraph

from .. import texts
from .flowables import text

MARGIN = 18 * mm
ROW = 5.6 * mm
TITLE_SPACE = 14 * mm


def rows_per_page(frame_height) -> int:
    return int((frame_height - TITLE_SPACE) // ROW)


class ContentsPage(Flowable):
    """One page of the contents: rows first..last-1, each a forward-referenced form and a link."""

    def __init__(self, first, last, style):
        super().__init__()
        self.first, self.last, self.style = first, last, style

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, TITLE_SPACE + (self.last - self.first) * ROW
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.setFont(self.style["fonts"]["bold"], 17)
        canvas.setFillColor(self.style["secondary"])
        canvas.drawString(0, self.height - 8 * mm, "Contents" if self.first == 0 else "Contents (continued)")
        for row, index in enumerate(range(self.first, self.last)):
            y = self.height - TITLE_SPACE - (row + 1) * ROW
            canvas.saveState()
            canvas.translate(0, y)
            canvas.doForm(f"toc{index}")
            canvas.restoreState()
            canvas.linkRect("", f"s{index}", (0, y, self.width, y + ROW), relative=1)


def define_rows(canvas, marks, count, width, style, body_start) -> None:
    """The forms of the contents rows, now that every section's page is known."""
    fonts = style["fonts"]
    for index in range(count):
        canvas.beginForm(f"toc{index}")
        if index < len(marks):
            title, level, page = marks[index]
            limit = 95 - 8 * level
            title = title if len(title) <= limit else title[: limit - 1] + "…"
            canvas.setFillColor(style["secondary"] if level == 0 else style["body"].textColor)
            canvas.setFont(fonts["bold" if level == 0 else "regular"], 9.5 if level == 0 else 8.5)
            canvas.drawString(6 * mm * level, 1.6 * mm, title)
            canvas.drawRightString(width, 1.6 * mm, str(page - body_start + 1))
        canvas.endForm()
    for index in range(len(marks), count):  # a section the plan expected but the body did not start
        canvas.bookmarkPage(f"s{index}")


def draw_cover(canvas, data, style, width, height) -> None:
    brand = data.branding
    canvas.saveState()
    canvas.setFillColor(style["secondary"])
    canvas.rect(0, height * 0.45, width, height * 0.55, stroke=0, fill=1)
    canvas.setFillColor(style["primary"])
    canvas.rect(0, height * 0.45 - 3 * mm, width, 3 * mm, stroke=0, fill=1)
    top = height - 30 * mm
    logo = logo_image(brand.get("logo", ""))
    if logo is not None:
        w, h = logo.getSize()
        scale = min(60 * mm / w, 18 * mm / h)
        canvas.drawImage(logo, MARGIN, top - h * scale, w * scale, h * scale, mask="auto")
        top -= h * scale + 8 * mm
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(style["fonts"]["bold"], 13)
    canvas.drawString(MARGIN, top, brand.get("company_name", "")[:70])
    title = Paragraph(text(texts.TITLES[data.type]), style["cover_title"])
    title.wrap(width - 2 * MARGIN, 80 * mm)
    title.drawOn(canvas, MARGIN, height * 0.62)
    subtitle = Paragraph(f"{text(data.title)}<br/>{text(data.organization_name)}", style["cover"])
    _, h = subtitle.wrap(width - 2 * MARGIN, 40 * mm)
    subtitle.drawOn(canvas, MARGIN, height * 0.62 - h - 6 * mm)
    canvas.setFillColorRGB(0.15, 0.15, 0.15)
    canvas.setFont(style["fonts"]["regular"], 10.5)
    y = height * 0.45 - 18 * mm
    finished = data.scope.get("finished_at")
    for line in (f"PCI DSS verdict: {texts.verdict_words(data.summary['pci_status'])}",
                 f"Scan finished: {finished:%d %B %Y, %H:%M} UTC" if finished else "",
                 f"Generated: {data.generated_at:%d %B %Y, %H:%M} UTC",
                 f"Findings: {data.summary['finding_count']} on {data.summary['host_count']} hosts"):
        if line:
            canvas.drawString(MARGIN, y, line)
            y -= 7 * mm
    canvas.setFont(style["fonts"]["regular"], 8)
    canvas.drawString(MARGIN, 12 * mm, (brand.get("report_footer") or "Confidential").replace("\n", " ")[:120])
    canvas.restoreState()


def logo_image(data_url: str):
    """A PNG or JPEG data URL as an image (an SVG logo shows as the company name alone)."""
    if not data_url.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")):
        return None
    try:
        return ImageReader(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    except Exception:
        return None
