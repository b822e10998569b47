"""Admin forms for targets, port lists and schedules: saved by the services the API uses
(config/admin_forms.py), so host parsing, plan limits, port validation, counts and next run
times hold whoever saves."""

from config.admin_forms import ServiceModelForm
from scanning.models import PortList, Schedule, Target
from scanning.services.catalogue import save_port_list
from scanning.services.schedules import save_schedule
from scanning.services.targets import create_target, update_target


class TargetForm(ServiceModelForm):
    error_fields = {"number_of_ips": "hosts"}

    class Meta:
        model = Target
        fields = ("name", "organization", "product", "hosts", "exclude_hosts", "port_list", "alive_test", "comment")

    def persist(self, actor, original):
        fields = self.model_fields(original)
        if original is None:
            organization, product = fields.pop("organization"), fields.pop("product")
            return create_target(actor, fields, organization=organization, product=product)
        return update_target(actor, original, fields)


class PortListForm(ServiceModelForm):
    class Meta:
        model = PortList
        fields = ("name", "organization", "port_ranges", "comment")

    def persist(self, actor, original):
        return save_port_list(actor, self.model_fields(original), port_list=original)


class ScheduleForm(ServiceModelForm):
    class Meta:
        model = Schedule
        fields = ("name", "organization", "product", "start_at", "timezone", "frequency", "interval",
                  "by_weekday", "by_monthday", "until", "count", "duration")

    def persist(self, actor, original):
        schedule = original or Schedule(created_by=actor)
        return save_schedule(actor, self.model_fields(original), schedule=schedule)
