"""manage.py generate_report REPORT_ID --format pdf --type detailed [--output FILE]"""

import shutil

from django.core.management.base import BaseCommand, CommandError

from config.api.errors import DomainError
from config.api.uuids import parse_uuid
from reports.choices import ReportFormat, ReportType
from reports.models import AdvancedReport, Report
from reports.services.generate import request_file


class Command(BaseCommand):
    help = ("Generate a report file now (no worker needed) for a report (a finished run) or an advanced report, "
            "store it like the API does and optionally copy it to --output.")

    def add_arguments(self, parser):
        parser.add_argument("id", help="id of a report (GET /v2/reports) or of an advanced report")
        parser.add_argument("--format", default="pdf", choices=ReportFormat.values)
        parser.add_argument("--type", default="detailed", choices=ReportType.values)
        parser.add_argument("--output", help="also write the file here ('-' for standard output)")

    def handle(self, *args, **options):
        pk = parse_uuid(options["id"])
        owner = (Report.objects.filter(pk=pk).first() or AdvancedReport.objects.filter(pk=pk).first()) if pk else None
        if owner is None:
            raise CommandError(f"No report or advanced report with id {options['id']!r}")
        try:
            file = request_file(owner, options["format"], options["type"], run_now=True)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if file.status != "ready":
            raise CommandError(f"Generation failed: {file.error}")
        self.stderr.write(f"{file.type}.{file.format}: {file.size} bytes, sha256 {file.sha256}, stored as {file.file.name}")
        if options["output"]:
            with file.file.open("rb") as source:
                if options["output"] == "-":
                    shutil.copyfileobj(source, self.stdout.buffer if hasattr(self.stdout, "buffer") else self.stdout._out.buffer)
                else:
                    with open(options["output"], "wb") as target:
                        shutil.copyfileobj(source, target)
