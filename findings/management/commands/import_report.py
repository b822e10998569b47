"""manage.py import_report --scan ID --format FORMAT FILE"""

import sys

from django.core.management.base import BaseCommand, CommandError

from config.api.errors import DomainError
from config.api.uuids import parse_uuid
from findings.importers import FORMATS
from findings.services import imports
from scanning.models import Scan


class Command(BaseCommand):
    help = ("Record another scanner's report (nmap XML, Greenbone XML or CSV, Nessus) as a finished run of a scan, "
            "through the same path as POST /v2/scans/{id}/import: hosts, findings, deltas, verdict, report, events.")
    # Django's system checks (URLs, admin, models: ~0.25 s) are `manage.py check`'s and the
    # server's business; an operator importing a report waits for them on every file.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report file")
        parser.add_argument("--scan", required=True, help="id of the scan the run belongs to")
        parser.add_argument("--format", required=True, choices=list(FORMATS))

    def handle(self, *args, **options):
        pk = parse_uuid(options["scan"])
        scan = Scan.objects.select_related("target", "organization").filter(pk=pk).first() if pk else None
        if scan is None:
            raise CommandError(f"No scan with id {options['scan']!r}")
        path, fmt = options["file"], options["format"]
        try:
            open(path, "rb").close()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        self.stderr.write(f"Reading {path} as {fmt} ...")
        bar = ProgressBar(self.stderr)
        try:
            run = imports.import_report(scan, path, fmt, progress_to=bar)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        bar.finish()
        counts = run.severity_counts or {}
        self.stdout.write(f"Run {run.pk}: {run.status}, {run.hosts_alive} hosts, "
                          f"high {counts.get('high', 0)} / medium {counts.get('medium', 0)} / low {counts.get('low', 0)} / "
                          f"log {counts.get('log', 0)}, PCI {run.pci_status or 'n/a'}{'; ' + run.error if run.error else ''}")
        if run.status != "done":
            raise CommandError(f"The import did not finish: {run.error}")


class ProgressBar:
    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width
        self.tty = hasattr(stream, "isatty") and stream.isatty() or sys.stderr.isatty()

    def __call__(self, done, total):
        filled = int(self.width * done / max(1, total))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} hosts"
        self.stream.write(("\r" + line) if self.tty else line, ending="" if self.tty else "\n")
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("")
