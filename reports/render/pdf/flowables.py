"""The pieces of a PDF report: section marks (outline, table of contents), the severity chart,
figure and host tables, and one finding's block."""

from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Table, TableStyle

from ..charts import LEVELS
from .styles import LEVEL_COLORS
from .textblock import FindingBlock

GRID = colors.HexColor("#e3e6ea")
HEAD = colors.HexColor("#f3f5f8")


class Mark(Flowable):
    """Zero-size: the start of a section. Names its page (the contents link there), adds the PDF
    outline entry and records (title, level, page) for the contents."""

    def __init__(self, title, level, marks):
        super().__init__()
        self.title, self.level, self.marks = title, level, marks
        self.width = self.height = 0

    def wrap(self, *args):
        return 0, 0

    def draw(self):
        key = f"s{len(self.marks)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(self.title, key, level=self.level, closed=self.level > 0)
        self.marks.append((self.title, self.level, self.canv.getPageNumber()))


def text(value, limit=None) -> str:
    """Plain text as Paragraph markup: escaped, newlines kept, control characters dropped."""
    value = "" if value is None else str(value)
    if limit and len(value) > limit:
        value = value[:limit] + " …"
    value = "".join(c for c in value if c in "\n\t" or ord(c) >= 0x20)
    return escape(value).replace("\n", "<br/>")


def badge(level, severity) -> str:
    shown = "false positive" if severity is not None and severity < 0 else f"{severity or 0:.1f} {level}"
    return f'<font color="{LEVEL_COLORS.get(level, "#78909c")}"><b>[{escape(shown)}]</b></font>'


def severity_chart(counts, width=120 * mm) -> Drawing:
    top = max([counts.get(level, 0) for level in LEVELS] + [1])
    drawing = Drawing(width, 4 * 9 * mm)
    for index, level in enumerate(LEVELS):
        value = counts.get(level, 0)
        y = (3 - index) * 9 * mm
        bar = 0 if not value else max(1.5, (width - 45 * mm) * value / top)
        drawing.add(String(0, y + 2 * mm, level.title(), fontSize=9, fontName="Helvetica"))
        drawing.add(Rect(22 * mm, y + 0.5 * mm, bar, 6 * mm, fillColor=colors.HexColor(LEVEL_COLORS[level]), strokeColor=None))
        drawing.add(String(24 * mm + bar, y + 2 * mm, str(value), fontSize=9, fontName="Helvetica"))
    return drawing


def trend_chart(trend, width=150 * mm, height=45 * mm) -> Drawing:
    drawing = Drawing(width, height)
    peak = max([sum(p["severity_counts"].values()) for p in trend] + [1])
    step = (width - 10 * mm) / max(1, len(trend))
    for index, point in enumerate(trend):
        x, base = 8 * mm + index * step, 8 * mm
        for level in reversed(LEVELS):
            h = (height - 12 * mm) * point["severity_counts"].get(level, 0) / peak
            if h:
                drawing.add(Rect(x + 1.5 * mm, base, step - 3 * mm, h, fillColor=colors.HexColor(LEVEL_COLORS[level]), strokeColor=None))
            base += h
        if point.get("date"):
            drawing.add(String(x + step / 2, 2 * mm, f"{point['date']:%d %b}", fontSize=7, textAnchor="middle"))
    return drawing


def table(rows, widths, style, header=True, long=False) -> Table:
    cls = LongTable if long else Table
    t = cls(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [("FONT", (0, 0), (-1, -1), style["fonts"]["regular"], 8.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID), ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), HEAD), ("FONT", (0, 0), (-1, 0), style["fonts"]["bold"], 8.5)]
    t.setStyle(TableStyle(commands))
    return t


def finding_block(f, style, compact=False) -> list:
    """A finding as one FindingBlock: heading with its severity, where and what, then its text."""
    level = f["severity_level"]
    shown = "false positive" if f["severity"] is not None and f["severity"] < 0 else f"{f['severity'] or 0:.1f} {level}"
    meta = (f"{f['host']}{' (' + f['hostname'] + ')' if f['hostname'] else ''}, port {f['port']} · {f['nvt']}"
            f"{' · ' + f['family'] if f['family'] else ''} · QoD {f['qod']}%{' · PCI automatic failure' if f['pci_fail'] else ''}"
            f"{' · CVSS ' + f['cvss_vector'] if f['cvss_vector'] else ''}")
    fields = [("heading", "", (f"[{shown}]", colors.HexColor(LEVEL_COLORS.get(level, "#78909c")), clip(f["name"], 300))),
              ("meta", "", meta)]
    if not compact:
        fields += [("text", label, clip(f[key], 3000)) for label, key in
                   (("Summary", "summary"), ("Insight", "insight"), ("Impact", "impact"), ("Affected", "affected")) if f[key]]
        if f["detection"]:
            fields.append(("mono", "Evidence", clip(f["detection"], 4000)))
        if f["solution"]:
            solution_type = f" ({f['solution_type']})" if f["solution_type"] else ""
            fields.append(("text", "Solution", clip(f["solution"], 3000) + solution_type))
        if f["cves"]:
            fields.append(("text", "CVEs", ", ".join(f["cves"][:60])))
        for index, reference in enumerate(f["references"][:12]):
            fields.append(("link", "References" if index == 0 else "", reference[:200]))
    return [FindingBlock(fields, style["fonts"])]


def clip(value, limit) -> str:
    value = "" if value is None else str(value)
    value = "".join(c for c in value if c in "\n\t" or ord(c) >= 0x20).replace("\t", "    ")
    return value if len(value) <= limit else value[:limit] + " …"
