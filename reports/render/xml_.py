"""XML following reports/schema/report.xsd: <report> with <summary>, <hosts>, <exceptions> and
<findings>, streamed finding by finding."""

from xml.sax.saxutils import XMLGenerator

from findings.services.statistics import LEVELS

NAMESPACE = "https://cg-scanning.invalid/schema/report/1"


def render(data, out) -> None:
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("report", {"xmlns": NAMESPACE, "type": data.type, "version": "1",
                                "generated_at": data.generated_at.isoformat()})
    element(xml, "title", data.title)
    element(xml, "organization", data.organization_name)
    summary(xml, data.summary)
    xml.startElement("hosts", {})
    for host in data.hosts:
        xml.startElement("host", {"ip": host["ip"], "pci_status": host["pci_status"]})
        element(xml, "hostname", host["hostname"])
        counts(xml, host["severity_counts"])
        element(xml, "max_severity", host["max_severity"])
        xml.endElement("host")
    xml.endElement("hosts")
    xml.startElement("exceptions", {})
    for item in data.exceptions:
        xml.startElement("exception", {"nvt": item["nvt"], "host": item["ip"], "port": item["port"]})
        for name in ("name", "text", "severity", "original_severity"):
            element(xml, name, item[name])
        xml.endElement("exception")
    xml.endElement("exceptions")
    xml.startElement("findings", {})
    for finding in data.findings():
        write_finding(xml, finding)
    xml.endElement("findings")
    xml.endElement("report")
    xml.endDocument()


def summary(xml, figures) -> None:
    xml.startElement("summary", {})
    counts(xml, figures["severity_counts"])
    for name in ("max_severity", "pci_status", "host_count", "finding_count"):
        element(xml, name, figures.get(name))
    delta = figures.get("delta") or {}
    if delta:
        xml.startElement("delta", {k: str(delta.get(k, 0)) for k in ("new", "fixed", "persisting")})
        xml.endElement("delta")
    xml.endElement("summary")


def counts(xml, severity_counts) -> None:
    xml.startElement("severity_counts", {level: str(severity_counts.get(level, 0)) for level in LEVELS})
    xml.endElement("severity_counts")


def write_finding(xml, finding) -> None:
    xml.startElement("finding", {"nvt": finding["nvt"], "host": finding["host"], "port": finding["port"],
                                 "severity_level": finding["severity_level"]})
    for name in ("name", "hostname", "family", "severity", "original_severity", "cvss_vector", "qod", "pci_fail",
                 "summary", "insight", "affected", "impact", "detection", "solution", "solution_type", "scan"):
        element(xml, name, finding[name])
    for cve in finding["cves"]:
        element(xml, "cve", cve)
    for reference in finding["references"]:
        element(xml, "reference", reference)
    xml.endElement("finding")


def element(xml, name, value) -> None:
    xml.startElement(name, {})
    if value is not None and value != "":
        xml.characters(str(value).lower() if isinstance(value, bool) else clean(str(value)))
    xml.endElement(name)


def clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters: drop them (evidence may contain any byte)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)
