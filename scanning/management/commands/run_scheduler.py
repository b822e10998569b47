import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from findings.services.exceptions import expire_exceptions
from organizations.services.lifecycle import run_subscription_lifecycle
from scanning.services.runs import interrupt_stale_runs
from scanning.services.scheduler import start_due_scans


class Command(BaseCommand):
    help = (
        "Run the scheduler: start due scheduled scans, interrupt runs whose worker vanished, expire "
        "exceptions past their end time, and once a day expire/renew subscriptions. Safe to run on several machines at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one tick and exit")
        parser.add_argument("--interval", type=int, default=settings.SCHEDULER_TICK_SECONDS, help="seconds between ticks")

    def handle(self, *args, **options):
        if options["interval"] < 1:
            from django.core.management.base import CommandError

            raise CommandError("--interval must be at least 1 second")
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        last_daily = None
        while self.running:
            close_old_connections()
            started = start_due_scans()
            interrupted = interrupt_stale_runs()
            expired = expire_exceptions()
            today = timezone.localdate()
            if last_daily != today:
                result = run_subscription_lifecycle(today)
                last_daily = today
                self.stdout.write(f"subscriptions: {result}")
            if started or interrupted or expired or options["verbosity"] > 1:
                self.stdout.write(f"{timezone.now():%H:%M:%S} started {len(started)} scan(s), interrupted "
                                  f"{len(interrupted)} run(s), expired {expired} exception(s)")
            if options["once"]:
                break
            for _ in range(options["interval"]):
                if not self.running:
                    break
                time.sleep(1)

    def _stop(self, *args):
        self.running = False
