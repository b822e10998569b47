from datetime import date

from django.core.management.base import BaseCommand, CommandError

from organizations.services.lifecycle import run_subscription_lifecycle


class Command(BaseCommand):
    help = "Expire subscriptions past their end date and renew auto-renewing ones (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="act as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date as YYYY-MM-DD") from None
        result = run_subscription_lifecycle(today)
        self.stdout.write(f"expired: {result['expired']}, renewed: {result['renewed']}")
