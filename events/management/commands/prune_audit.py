from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.services.audit import prune


class Command(BaseCommand):
    help = ("Delete audit events older than --days (default: AUDIT_RETENTION_DAYS) in batches of "
            "--batch-size rows, so the table is never locked for long.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"keep this many days (default {settings.AUDIT_RETENTION_DAYS}, AUDIT_RETENTION_DAYS)")
        parser.add_argument("--batch-size", type=int, default=None,
                            help=f"rows per DELETE (default {settings.AUDIT_PRUNE_BATCH_SIZE})")

    def handle(self, *args, days=None, batch_size=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        deleted = prune(days, batch_size)
        kept = settings.AUDIT_RETENTION_DAYS if days is None else days
        self.stdout.write(f"Deleted {deleted} audit event(s) older than {kept} day(s).")
