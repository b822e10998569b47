"""Hand-built SVG charts for the HTML reports (no browser, no chart library): a horizontal bar
per severity level and the trend of earlier runs as stacked columns."""

from django.utils.html import escape

COLORS = {"high": "#c62828", "medium": "#ef6c00", "low": "#f9a825", "log": "#78909c"}
LEVELS = ("high", "medium", "low", "log")


def severity_bars(counts: dict, width: int = 420) -> str:
    top = max([counts.get(level, 0) for level in LEVELS] + [1])
    rows = []
    for index, level in enumerate(LEVELS):
        value = counts.get(level, 0)
        bar = 0 if not value else max(2, round((width - 150) * value / top))
        y = 10 + index * 30
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="13" fill="#333">{level.title()}</text>'
            f'<rect x="70" y="{y}" width="{bar}" height="20" rx="3" fill="{COLORS[level]}"/>'
            f'<text x="{78 + bar}" y="{y + 15}" font-size="13" fill="#333">{value}</text>'
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Findings by severity" '
            f'width="{width}" height="130" viewBox="0 0 {width} 130">{"".join(rows)}</svg>')


def trend_columns(trend: list, width: int = 520, height: int = 180) -> str:
    if not trend:
        return ""
    peak = max([sum(point["severity_counts"].values()) for point in trend] + [1])
    step = (width - 40) / len(trend)
    bars = []
    for index, point in enumerate(trend):
        x, base = 30 + index * step, height - 30
        for level in reversed(LEVELS):
            value = point["severity_counts"].get(level, 0)
            h = (height - 50) * value / peak
            if h:
                bars.append(f'<rect x="{x + 4:.1f}" y="{base - h:.1f}" width="{step - 8:.1f}" height="{h:.1f}" fill="{COLORS[level]}">'
                            f'<title>{level}: {value}</title></rect>')
            base -= h
        label = escape(f"{point['date']:%d %b}") if point.get("date") else ""
        bars.append(f'<text x="{x + step / 2:.1f}" y="{height - 12}" font-size="11" text-anchor="middle" fill="#555">{label}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Findings of earlier runs" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}"><line x1="26" y1="{height - 30}" x2="{width - 6}" '
            f'y2="{height - 30}" stroke="#bbb"/>{"".join(bars)}</svg>')
