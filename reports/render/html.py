"""HTML: one self-contained, branded page (inline CSS and SVG charts), streamed: the head and
summary once, then one block per finding, then exceptions and the closing sections."""

from django.template.loader import get_template

from . import charts, texts

BLOCK = 200  # findings rendered per template call


def context(data) -> dict:
    brand = data.branding
    return {
        "data": data, "brand": brand, "title": texts.TITLES[data.type], "summary": data.summary,
        "verdict": texts.verdict_words(data.summary["pci_status"]), "levels": charts.LEVELS,
        "severity_chart": charts.severity_bars(data.summary["severity_counts"]),
        "trend_chart": charts.trend_columns(data.trend), "most_vulnerable": data.hosts[:10],
        "attestation": texts.attestation(data.organization_name, brand.get("company_name", ""),
                                         data.summary["pci_status"], data.scope.get("finished_at")),
        "primary": brand.get("primary_color") or "#1f6feb", "secondary": brand.get("secondary_color") or "#0b1f3a",
    }


def render(data, out) -> None:
    base = context(data)
    out.write(get_template("reports/html/head.html").render(base).encode())
    if data.type != "executive":
        block = get_template("reports/html/findings.html")
        chunk = []
        for finding in grouped(data):
            chunk.append(finding)
            if len(chunk) >= BLOCK:
                out.write(block.render({**base, "findings": chunk}).encode())
                chunk = []
        if chunk:
            out.write(block.render({**base, "findings": chunk}).encode())
    out.write(get_template("reports/html/tail.html").render(base).encode())


def group_key(data):
    if data.type == "remediation":
        return lambda f: f["solution"]
    if data.group_by == "vulnerability":
        return lambda f: f["nvt"]
    return lambda f: f["host"]


def grouped(data):
    """The findings with `new_group` set where a heading (host, solution or check) starts, and the
    effort hint of their solution type."""
    key, previous = group_key(data), object()
    for finding in data.findings():
        current = key(finding)
        finding["new_group"], previous = current != previous, current
        finding["effort"] = texts.EFFORT.get(finding["solution_type"] or "", texts.EFFORT[""])
        yield finding
