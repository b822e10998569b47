"""Fonts, colours and paragraph styles of the PDF reports. DejaVu (Debian's fonts-dejavu-core)
covers accented, Cyrillic and Greek text; without it ReportLab's bundled Vera is used."""

import os
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
FAMILIES = {
    "Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "Vera.ttf", "VeraBd.ttf"),
    "Mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", None, None),
}
LEVEL_COLORS = {"high": "#c62828", "medium": "#ef6c00", "low": "#f9a825", "log": "#78909c", "false_positive": "#9e9e9e"}


@cache
def fonts() -> dict:
    """{"regular", "bold", "mono"} font names, registered once per process."""
    found = {}
    for name, (regular, bold, fallback, fallback_bold) in FAMILIES.items():
        path = next((os.path.join(d, regular) for d in FONT_DIRS if os.path.exists(os.path.join(d, regular))), None)
        if path:
            pdfmetrics.registerFont(TTFont(f"Report{name}", path))
            pdfmetrics.registerFont(TTFont(f"Report{name}-Bold", path.replace(regular, bold)))
            found[name] = (f"Report{name}", f"Report{name}-Bold")
        elif fallback:
            pdfmetrics.registerFont(TTFont(f"Report{name}", fallback))
            pdfmetrics.registerFont(TTFont(f"Report{name}-Bold", fallback_bold))
            found[name] = (f"Report{name}", f"Report{name}-Bold")
        else:
            found[name] = ("Courier", "Courier-Bold")
    return {"regular": found["Sans"][0], "bold": found["Sans"][1], "mono": found["Mono"][0]}


def color(value, default) -> colors.Color:
    try:
        return colors.HexColor(value) if value else colors.HexColor(default)
    except (ValueError, TypeError):
        return colors.HexColor(default)


def styles(brand) -> dict:
    f = fonts()
    primary = color(brand.get("primary_color"), "#1f6feb")
    secondary = color(brand.get("secondary_color"), "#0b1f3a")
    base = ParagraphStyle("body", fontName=f["regular"], fontSize=9.5, leading=13, alignment=TA_LEFT, textColor=colors.HexColor("#1d2330"))
    return {
        "primary": primary, "secondary": secondary, "fonts": f,
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#555555")),
        "label": ParagraphStyle("label", parent=base, fontName=f["bold"], fontSize=8.5, leading=11, textColor=colors.HexColor("#555555")),
        "mono": ParagraphStyle("mono", parent=base, fontName=f["mono"], fontSize=7.5, leading=9.5, backColor=colors.HexColor("#f6f8fa"),
                               borderPadding=3, spaceBefore=2, spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=base, fontName=f["bold"], fontSize=17, leading=22, textColor=secondary, spaceBefore=6, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=f["bold"], fontSize=12.5, leading=16, textColor=secondary, spaceBefore=12, spaceAfter=4),
        "finding": ParagraphStyle("finding", parent=base, fontName=f["bold"], fontSize=10, leading=13, spaceBefore=8, spaceAfter=2),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName=f["bold"], fontSize=26, leading=32, textColor=colors.white),
        "cover": ParagraphStyle("cover", parent=base, fontSize=12, leading=17, textColor=colors.white),
        "toc": ParagraphStyle("toc", parent=base, fontSize=9.5, leading=12),
    }
