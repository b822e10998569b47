"""Every periodic job of the platform, in one list, run by `manage.py run_scheduler`
(operations/management/commands/run_scheduler.py). A job names the service function it calls
(the same one its management command and the admin call), how often it runs, and how its result
reads in the scheduler's log. Every job is safe to run on several machines at once: row locks
(SKIP LOCKED) or per-day de-duplication keep the work done once."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.module_loading import import_string

EVERY_TICK = timedelta(0)
DAILY = timedelta(days=1)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    function: str        # dotted path of the service function (called without arguments)
    every: timedelta     # EVERY_TICK, or the least time between two runs in one scheduler
    describe: str        # how a result reads in the log: format string with `{n}` (a count) or `{result}`

    def run(self):
        return import_string(self.function)()

    def summary(self, result):
        n = len(result) if isinstance(result, (list, tuple, set)) else result
        return self.describe.format(n=n, result=result)

    def happened(self, result):
        return bool(result) and not (isinstance(result, dict) and not any(result.values()))


JOBS = [
    PeriodicJob("scheduled scans", "scanning.services.scheduler.start_due_scans", EVERY_TICK, "started {n} scan(s)"),
    PeriodicJob("run reconciler", "scanning.services.runs.interrupt_stale_runs", EVERY_TICK, "interrupted {n} run(s)"),
    PeriodicJob("exception expiry", "findings.services.exceptions.expire_exceptions", EVERY_TICK,
                "expired {n} exception(s)"),
    PeriodicJob("subscription lifecycle", "organizations.services.lifecycle.run_subscription_lifecycle", DAILY,
                "subscriptions: {result}"),
    PeriodicJob("overdue PCI reminder", "events.services.pci.send_reminders", DAILY, "sent {n} overdue PCI reminder(s)"),
    PeriodicJob("audit pruning", "events.services.audit.prune", DAILY, "pruned {n} audit event(s)"),
]


def due_jobs(now, last_runs, jobs=None):
    """The jobs to run at `now`, given {name: when it last ran} in this scheduler."""
    due = []
    for job in JOBS if jobs is None else jobs:
        last = last_runs.get(job.name)
        if job.every == EVERY_TICK or last is None or now - last >= job.every:
            due.append(job)
    return due
