"""manage.py import_vuln_feed FILE...: loads NVD CVE JSON 2.0 files, the CISA KEV catalogue and
the Debian security tracker's JSON (plain or .gz) into the vulnerability feed database
(settings.VULN_FEED_PATH) that the known_vulnerable_versions checks read."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scanning.engine.feed.importer import FeedFileError, detect_format, import_file


class Command(BaseCommand):
    help = (
        "Import vulnerability data for the known-vulnerable-versions checks: NVD CVE JSON 2.0 files "
        "(nvdcve-2.0-*.json[.gz]), the CISA Known Exploited Vulnerabilities catalogue "
        "(known_exploited_vulnerabilities.json) and the Debian security tracker JSON "
        "(https://security-tracker.debian.org/tracker/data/json). The format is recognised from the content; "
        "gzip files are read as they are. Re-importing a file changes nothing. docs/scanning.md explains where "
        "to download them."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="NVD, KEV or Debian tracker JSON files (.json or .json.gz)")
        parser.add_argument("--database", default="", help="feed database to write (default: settings.VULN_FEED_PATH)")

    def handle(self, *args, files, database, **options):
        database = database or str(settings.VULN_FEED_PATH)
        try:
            kinds = {path: detect_format(path) for path in files}  # every file checked before any is imported
        except FeedFileError as error:
            raise CommandError(str(error))
        for path in files:
            self.stderr.write(f"{path}: {kinds[path]} file")
            try:
                result = import_file(database, path, report=self.stderr.write)
            except FeedFileError as error:
                raise CommandError(str(error))
            self.stdout.write(f"{path}: imported {result.records:,} {result.kind} records in {result.seconds:.1f} s")
        self.stdout.write(f"feed database: {database}")
