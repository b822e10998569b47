import sys

from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from organizations.services import write_csv
from organizations.services.export import record_export


class Command(BaseCommand):
    help = "Export every organization to CSV (the same columns as GET /v2/organizations/export)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        queryset = Organization.objects.all()
        record_export(None, "command", queryset.count())
        if not options["output"]:
            try:
                write_csv(queryset, sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:  # e.g. piped into `head`
                sys.stderr.close()
            return
        try:
            with open(options["output"], "w", newline="", encoding="utf-8") as stream:
                write_csv(queryset, stream)
        except OSError as exc:
            raise CommandError(f"Cannot write {options['output']}: {exc.strerror}") from None
        self.stderr.write(f"Wrote {queryset.count()} organizations to {options['output']}")
