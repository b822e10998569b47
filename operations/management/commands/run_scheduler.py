import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from operations.periodic import EVERY_TICK, due_jobs


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (operations/periodic.py): every tick, start due scheduled scans, interrupt "
        "runs whose worker vanished and expire exceptions past their end time; once a day, expire/renew "
        "subscriptions, send overdue-PCI reminders and prune old audit events. Safe to run on several machines at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one tick and exit")
        parser.add_argument("--interval", type=int, default=settings.SCHEDULER_TICK_SECONDS, help="seconds between ticks")

    def handle(self, *args, **options):
        if options["interval"] < 1:
            raise CommandError("--interval must be at least 1 second")
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        last_runs = {}
        while self.running:
            close_old_connections()
            self.tick(last_runs, verbose=options["verbosity"] > 1)
            if options["once"]:
                break
            for _ in range(options["interval"]):
                if not self.running:
                    break
                time.sleep(1)

    def tick(self, last_runs, verbose=False):
        now = timezone.now()
        every_tick, happened = [], False
        for job in due_jobs(now, last_runs):
            result = job.run()
            last_runs[job.name] = now
            if job.every == EVERY_TICK:
                every_tick.append(job.summary(result))
                happened = happened or job.happened(result)
            else:
                self.stdout.write(f"{now:%H:%M:%S} {job.summary(result)}")
        if every_tick and (happened or verbose):
            self.stdout.write(f"{now:%H:%M:%S} " + ", ".join(every_tick))

    def _stop(self, *args):
        self.running = False

