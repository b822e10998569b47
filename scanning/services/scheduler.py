"""Starts scheduled scans when their time comes: exactly once, even with several schedulers
(rows are locked with SKIP LOCKED on PostgreSQL; SQLite serialises writers). A missed time
(platform down) starts once on recovery, never a burst."""

import logging

from django.db import transaction
from django.utils import timezone

from config.api.errors import Conflict, DomainError
from scanning.choices import TriggeredBy
from scanning.models import Schedule

from .runs import record_refused_start, start_scan
from .schedules import compute_next_run

logger = logging.getLogger("scanning.scheduler")


def start_due_scans(now=None):
    now = now or timezone.now()
    started = []
    with transaction.atomic():
        due = (
            Schedule.objects.select_for_update(skip_locked=True)
            .filter(next_run_at__isnull=False, next_run_at__lte=now)
            .order_by("next_run_at")[:200]
        )
        for schedule in due:
            for scan in schedule.scans.all():
                try:
                    started.append(start_scan(scan, None, triggered_by=TriggeredBy.SCHEDULE))
                except Conflict:
                    logger.info("Scheduled start of scan %s skipped: it is still running", scan.pk)
                except DomainError as exc:  # e.g. a plan limit: keep a trace the user can see
                    logger.warning("Scheduled start of scan %s refused: %s", scan.pk, exc.message)
                    record_refused_start(scan, exc.message)
            schedule.next_run_at = compute_next_run(schedule, after=now)
            schedule.save(update_fields=["next_run_at", "updated_at"])
            schedule.scans.update(next_run_at=schedule.next_run_at)
    return started
