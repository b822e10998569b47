"""Schedules: the rule (rrule + IANA zone) and its next run time."""

from django.db import transaction
from django.utils import timezone

from config.api.errors import InvalidInput
from scanning.models import Schedule
from scanning.schedules import ScheduleError, next_run_at, validate_rule

from .common import emit_after_commit, require_product

RULE_FIELDS = ("start_at", "timezone", "frequency", "interval", "by_weekday", "by_monthday", "until", "count")


def rule_of(values):
    try:
        return validate_rule(**{name: values.get(name) for name in RULE_FIELDS if values.get(name) is not None})
    except ScheduleError as exc:
        raise InvalidInput.field(exc.field, str(exc)) from None


def current_values(schedule):
    return {name: getattr(schedule, name) for name in RULE_FIELDS}


def compute_next_run(schedule, after=None):
    rule = rule_of(current_values(schedule))
    return next_run_at(rule, after or timezone.now())


@transaction.atomic
def save_schedule(actor, fields, schedule=None):
    if schedule is None:
        schedule = Schedule(organization=actor.organization, product=require_product(actor), created_by=actor)
    merged = {**current_values(schedule), **{k: v for k, v in fields.items() if k in RULE_FIELDS}}
    rule = rule_of(merged)
    for name, value in fields.items():
        setattr(schedule, name, value)
    # Naive times were wall-clock times in the schedule's zone: store the instants they name.
    schedule.start_at, schedule.until = rule.start_at, rule.until
    schedule.next_run_at = compute_next_run(schedule, after=timezone.now())
    schedule.save()
    schedule.scans.update(next_run_at=schedule.next_run_at)
    emit_after_commit("schedule_saved", schedule, actor)
    return schedule


def create_schedule(actor, fields):
    return save_schedule(actor, fields)


def update_schedule(actor, schedule, fields):
    return save_schedule(actor, fields, schedule)


@transaction.atomic
def delete_schedules(actor, schedules):
    in_use = [str(s.pk) for s in schedules if s.scans.exists()]
    if in_use:
        raise InvalidInput("Validation failed: schedule is used by scans", {"id": [f"{pk} is used by scans" for pk in in_use]})
    for schedule in schedules:
        schedule.delete()


def icalendar_of(schedule):
    from scanning.schedules import to_icalendar

    try:
        return to_icalendar(rule_of(current_values(schedule)))
    except InvalidInput:
        return None
