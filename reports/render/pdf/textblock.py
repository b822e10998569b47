"""A finding laid out as plain lines: ReportLab's Paragraph parses markup and lays out fragment by
fragment, which made a 10,000-finding report take half a minute; a finding's text needs no
markup, so this flowable breaks each field into lines once (simpleSplit, with rl_accel's string
widths) and draws them, splitting between lines at page ends. Labels sit in a left column."""

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable

LABEL_WIDTH = 24 * mm
GREY = colors.HexColor("#555555")
INK = colors.HexColor("#1d2330")
EVIDENCE_BACKGROUND = colors.HexColor("#f3f5f8")


@dataclass
class Line:
    text: str
    font: str
    size: float
    leading: float
    color: object = INK
    x: float = 0.0
    label: str = ""  # drawn in the label column on the field's first line
    prefix: tuple = ()  # (text, color): a coloured run before the text (the severity badge)
    background: object = None
    link: str = ""
    gap: float = 0.0  # space above the line (between fields)


class FindingBlock(Flowable):
    def __init__(self, fields, fonts, lines=None):
        """fields: [(kind, label, text)] with kind in heading, meta, text, mono, link."""
        super().__init__()
        self.fields, self.fonts, self.lines, self._width = fields, fonts, lines, None

    def layout(self, width):
        f, lines = self.fonts, []
        body_width = width - LABEL_WIDTH
        for kind, label, text in self.fields:
            if kind == "heading":
                badge, badge_color, name = text
                badge_width = _width(badge + " ", f["bold"], 10)
                parts = simpleSplit(name, f["bold"], 10, width - badge_width) or [""]
                lines.append(Line(parts[0], f["bold"], 10, 13.5, x=badge_width, prefix=(badge, badge_color), gap=6))
                lines += [Line(p, f["bold"], 10, 13.5) for p in parts[1:]]
            elif kind == "meta":
                lines += [Line(p, f["regular"], 7.8, 10, color=GREY) for p in simpleSplit(text, f["regular"], 7.8, width)]
            else:
                font, size, leading = (f["mono"], 7.2, 9.2) if kind == "mono" else (f["regular"], 8.8, 11.6)
                background = EVIDENCE_BACKGROUND if kind == "mono" else None
                first = True
                for paragraph in text.split("\n"):
                    for part in simpleSplit(paragraph, font, size, body_width) or [""]:
                        lines.append(Line(part, font, size, leading, x=LABEL_WIDTH, label=label if first else "",
                                          background=background, link=text if kind == "link" else "", gap=3 if first else 0))
                        first = False
        self.lines, self._width = lines, width

    def wrap(self, available_width, available_height):
        if self.lines is None or self._width != available_width:
            self.layout(available_width)
        self.width, self.height = available_width, sum(line.leading + line.gap for line in self.lines) + 2
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        used, cut = 2.0, 0  # the block's own bottom padding (see wrap)
        for index, line in enumerate(self.lines):
            if used + line.leading + line.gap > available_height:
                break
            used += line.leading + line.gap
            cut = index + 1
        if cut < 3 or cut >= len(self.lines):  # keep the heading with the start of the text
            return []
        head, tail = FindingBlock(self.fields, self.fonts, self.lines[:cut]), FindingBlock(self.fields, self.fonts, self.lines[cut:])
        head._width = tail._width = available_width
        tail.lines[0] = Line(**{**tail.lines[0].__dict__, "gap": 0.0})
        return [head, tail]

    def draw(self):
        canvas, y = self.canv, self.height
        for line in self.lines:
            y -= line.gap + line.leading
            baseline = y + (line.leading - line.size) * 0.55
            if line.background is not None:
                canvas.setFillColor(line.background)
                canvas.rect(line.x - 2, y, self.width - line.x + 2, line.leading, stroke=0, fill=1)
            if line.label:
                canvas.setFillColor(GREY)
                canvas.setFont(self.fonts["bold"], 7.8)
                canvas.drawString(0, baseline, line.label)
            if line.prefix:
                canvas.setFillColor(line.prefix[1])
                canvas.setFont(line.font, line.size)
                canvas.drawString(0, baseline, line.prefix[0])
            canvas.setFillColor(line.color)
            canvas.setFont(line.font, line.size)
            canvas.drawString(line.x, baseline, line.text)
            if line.link and line.text.startswith(("http://", "https://")):
                canvas.linkURL(line.text, (line.x, y, line.x + _width(line.text, line.font, line.size), y + line.leading), relative=1)


def _width(text, font, size):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)
