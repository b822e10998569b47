"""Reports of other scanners (nmap, Greenbone XML and CSV, Nessus) read into the engine's own
records (HostResult with its Findings), so an import takes the same storage, delta, verdict and
event path as a native run (scanning.md "Other scanners", docs/imports.md).

    report = read_report(path, "gvm_xml")   # parses the whole file first: ReportError on bad input
    for batch in report.host_batches(500):  # HostResults with their findings, grouped per host
        ...

Parsing is streamed (defusedxml iterparse, csv) and spooled to a temporary SQLite file grouped by
host, so memory stays bounded whatever the report's size or order."""

from .errors import ReportError
from .reader import FORMATS, read_report

__all__ = ["FORMATS", "ReportError", "read_report"]
