"""The body of a PDF report, type by type, as a generator of flowables (see lazy.py)."""

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from .. import texts
from ..charts import LEVELS
from ..html import grouped
from .flowables import Mark, badge, finding_block, severity_chart, table, text, trend_chart

WIDTH = 174 * mm


def body(data, style, marks):
    yield from summary(data, style, marks)
    if data.type == "executive":
        yield from executive(data, style, marks)
    else:
        yield from hosts_table(data, style, marks, data.hosts,
                               "Component compliance" if data.type == "pci_attestation" else "Hosts")
        yield from findings(data, style, marks)
    yield from exceptions(data, style, marks)
    if data.type == "pci_attestation":
        yield from attestation(data, style, marks)


def section_count(data) -> int:
    """How many sections body() will start (the contents are laid out before the body)."""
    if data.type == "executive":
        fixed = 1 + bool(data.trend) + 2
    else:
        fixed = 1 + 1 + 1 + (data.group_count() if data.finding_count else 0)
    return fixed + bool(data.exceptions) + (data.type == "pci_attestation")


def section(title, style, marks, level=0):
    yield CondPageBreak(40 * mm)
    yield Mark(title, level, marks)
    yield Paragraph(escape(title), style["h1" if level == 0 else "h2"])


def summary(data, style, marks):
    s = data.summary
    yield from section("Summary", style, marks)
    verdict = texts.verdict_words(s["pci_status"])
    color = {"pass": "#2e7d32", "fail": "#c62828"}.get(s["pci_status"] or "", "#78909c")
    yield Paragraph(f'PCI DSS verdict: <font color="{color}"><b>{escape(verdict)}</b></font>'
                    f'{" — partial results (the run was stopped or interrupted)" if data.scope.get("partial") else ""}', style["body"])
    yield Spacer(1, 3 * mm)
    counts = s["severity_counts"]
    rows = [["Hosts", "Findings", *[level.title() for level in LEVELS], "Highest CVSS"],
            [s["host_count"], s["finding_count"], *[counts.get(level, 0) for level in LEVELS],
             f"{s['max_severity']:.1f}" if s["max_severity"] is not None else "—"]]
    yield table(rows, [WIDTH / 7] * 7, style)
    delta = s.get("delta") or {}
    if delta:
        yield Paragraph(f"Since the previous run: <b>{delta.get('new', 0)}</b> new, <b>{delta.get('fixed', 0)}</b> fixed, "
                        f"<b>{delta.get('persisting', 0)}</b> persisting.", style["body"])
    yield Spacer(1, 3 * mm)
    yield severity_chart(counts)
    scope = data.scope
    if scope.get("scan"):
        rows = [["Scan", Paragraph(text(scope["scan"]), style["body"])],
                ["Target", Paragraph(f"{text(scope['target'])} — {text(scope['target_hosts'], 400)}", style["body"])],
                ["Started", f"{scope['started_at']:%d %B %Y, %H:%M} UTC" if scope.get("started_at") else "—"],
                ["Finished", f"{scope['finished_at']:%d %B %Y, %H:%M} UTC" if scope.get("finished_at") else "—"]]
    else:
        rows = [["Scans", Paragraph(text(", ".join(scope.get("scans", []))), style["body"])], ["Runs", scope.get("runs", 0)]]
        if scope.get("description"):
            rows.append(["Description", Paragraph(text(scope["description"]), style["body"])])
    yield Spacer(1, 3 * mm)
    yield table(rows, [35 * mm, WIDTH - 35 * mm], style, header=False)


def executive(data, style, marks):
    if data.trend:
        yield from section("Trend", style, marks)
        yield Paragraph("Findings of this scan's earlier runs, oldest first.", style["body"])
        yield trend_chart(data.trend)
    yield from section("Top vulnerabilities", style, marks)
    rows = [["Vulnerability", "Severity", "Hosts", "Findings"]]
    rows += [[Paragraph(f"{text(v['name'])}<br/><font size=7>{escape(v['nvt'])}</font>", style["body"]),
              Paragraph(badge(v["severity_level"], v["severity"]), style["body"]), v["hosts"], v["count"]] for v in data.top]
    if len(rows) == 1:
        rows.append(["No vulnerabilities found.", "", "", ""])
    yield table(rows, [WIDTH - 70 * mm, 35 * mm, 17 * mm, 18 * mm], style)
    yield from hosts_table(data, style, marks, data.hosts[:10], "Most vulnerable hosts")


def hosts_table(data, style, marks, hosts, title):
    yield from section(title, style, marks)
    rows = [["Host", *[level.title() for level in LEVELS], "Highest", "PCI"]]
    for h in hosts:
        name = f"{escape(h['ip'])}{'<br/><font size=7>' + escape(h['hostname'][:60]) + '</font>' if h['hostname'] else ''}"
        rows.append([Paragraph(name, style["body"]), *[h["severity_counts"].get(level, 0) for level in LEVELS],
                     f"{h['max_severity']:.1f}" if h["max_severity"] is not None else "—", h["pci_status"]])
    if len(rows) == 1:
        rows.append(["No host with findings.", "", "", "", "", "", ""])
    yield table(rows, [WIDTH - 96 * mm] + [16 * mm] * 6, style, long=len(rows) > 60)


def findings(data, style, marks):
    heading = {"remediation": "Remediation, by solution", "pci_attestation": "Vulnerabilities noted per component"}
    yield from section(heading.get(data.type, "Findings"), style, marks)
    compact = data.type in ("remediation", "pci_attestation")
    for f in grouped(data):
        if f["new_group"]:
            if data.type == "remediation":
                title = (f["solution"] or "No solution given").split("\n")[0][:110]
                yield from section(title, style, marks, level=1)
                yield Paragraph(f"<i>{escape(f['effort'])}</i>", style["small"])
                if f["solution"] and len(f["solution"]) > 110:
                    yield Paragraph(text(f["solution"], 3000), style["body"])
            elif data.group_by == "vulnerability":
                yield from section(f"{f['name'][:100]}", style, marks, level=1)
            else:
                yield from section(f"{f['host']}{' — ' + f['hostname'] if f['hostname'] else ''}", style, marks, level=1)
        yield from finding_block(f, style, compact=compact)


def exceptions(data, style, marks):
    if not data.exceptions:
        return
    yield from section("Exceptions and false positives", style, marks)
    rows = [["Host, port", "Vulnerability", "Severity", "Reason"]]
    for e in data.exceptions:
        severity = "false positive" if e["severity"] < 0 else f"{e['severity']:.1f}"
        rows.append([Paragraph(f"{escape(e['ip'])}<br/>{escape(e['port'])}", style["body"]),
                     Paragraph(f"{text(e['name'])}<br/><font size=7>{escape(e['nvt'])}</font>", style["body"]),
                     Paragraph(f"{severity}<br/><font size=7>was {e['original_severity']:.1f}</font>", style["body"]),
                     Paragraph(text(e["text"], 1500), style["body"])])
    yield table(rows, [32 * mm, 60 * mm, 22 * mm, WIDTH - 114 * mm], style, long=len(rows) > 60)


def attestation(data, style, marks):
    yield from section("Attestation", style, marks)
    brand = data.branding
    yield Paragraph(f"Scan customer: <b>{text(data.organization_name)}</b> · Approved Scanning Vendor: "
                    f"<b>{text(brand.get('company_name', ''))}</b>"
                    f"{' (' + escape(brand['support_email']) + ')' if brand.get('support_email') else ''}", style["body"])
    yield Paragraph(f"Overall verdict: <b>{escape(texts.verdict_words(data.summary['pci_status']))}</b>", style["body"])
    for paragraph in texts.attestation(data.organization_name, brand.get("company_name", ""), data.summary["pci_status"],
                                       data.scope.get("finished_at")):
        yield Spacer(1, 2 * mm)
        yield Paragraph(text(paragraph), style["body"])
