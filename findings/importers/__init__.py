"""Reports of other scanners (nmap, Greenbone XML and CSV, Nessus) read into the engine's own
records (HostResult with its ports and Findings), so an import takes the same storage, delta,
verdict and event path as a native run (scanning.md "Other scanners", docs/imports.md).

    with HostReader(path, "gvm_xml") as reader:  # a large file is read in a child process
        for host in reader:                        # complete hosts, or RESTART; ReportError on bad input
            ...

Parsing is streamed (hardened expat, csv); hosts come out as soon as the report has listed all
of their items, or from a spool when the report scatters them (reader.py), so memory stays
bounded whatever the report's size or order."""

from .errors import ReportError
from .pipeline import HostReader
from .reader import FORMATS, RESTART, read_report, weight

__all__ = ["FORMATS", "RESTART", "HostReader", "ReportError", "read_report", "weight"]
