"""Write side of the scanning resources: validation only; the rules live in services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import ModelInput, StrictCharField
from config.api.uuids import parse_uuid
from scanning.choices import AliveTest, Frequency, ScannerType
from scanning.models import Scan, Scanner, Schedule


@extend_schema_field(OpenApiTypes.UUID)
class ScopedRelatedField(serializers.Field):
    """`<name>_id`: an id looked up in a queryset the view puts in the context under
    `querysets[<key>]` (already scoped to the caller); anything else is "was not found"."""

    def __init__(self, key, **kwargs):
        self.key = key
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        pk = parse_uuid(value)
        queryset = (self.context.get("querysets") or {}).get(self.key)  # none given: nothing found
        obj = queryset.filter(pk=pk).first() if pk and queryset is not None else None
        if obj is None:
            raise serializers.ValidationError("was not found")
        return obj

    def to_representation(self, value):
        return str(value.pk)


class CredentialsField(serializers.DictField):
    """{ssh: {username, password|private_key, port}, smb: {...}}"""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        for kind, value in data.items():
            if kind not in ("ssh", "smb", "esxi", "snmp"):
                raise serializers.ValidationError(f"{kind} is not a supported credential type (ssh, smb, esxi, snmp)")
            if not isinstance(value, dict) or not value.get("username"):
                raise serializers.ValidationError(f"{kind}.username is required")
        return data


class TargetInput(serializers.Serializer):
    name = StrictCharField(max_length=255)
    hosts = StrictCharField(max_length=100000)
    exclude_hosts = StrictCharField(required=False, allow_blank=True, max_length=100000)
    port_list_id = ScopedRelatedField("port_lists", required=False, source="port_list")
    alive_test = serializers.ChoiceField(choices=AliveTest.choices, required=False)
    comment = StrictCharField(required=False, allow_blank=True, max_length=10000)
    credentials = CredentialsField(required=False)


class PortListInput(serializers.Serializer):
    name = StrictCharField(max_length=255)
    port_ranges = StrictCharField(max_length=100000)
    comment = StrictCharField(required=False, allow_blank=True, max_length=10000)


class ScannerInput(ModelInput):
    model = Scanner
    name = StrictCharField(max_length=255)
    type = serializers.ChoiceField(choices=ScannerType.choices, required=False)
    host = StrictCharField(required=False, allow_blank=True, max_length=255)
    port = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=65535)
    ca_pub = StrictCharField(required=False, allow_blank=True, max_length=20000)
    credential = StrictCharField(required=False, allow_blank=True, max_length=20000, write_only=True)
    comment = StrictCharField(required=False, allow_blank=True, max_length=10000)
    max_concurrent_scans = serializers.IntegerField(required=False, min_value=1, max_value=100)


class WallClockDateTimeField(serializers.DateTimeField):
    """ISO 8601; a time without an offset stays naive, so the service reads it as a wall-clock
    time in the schedule's `timezone` ("09:00" with Europe/Athens is 09:00 in Athens)."""

    def enforce_timezone(self, value):
        return value


class ScheduleInput(ModelInput):
    model = Schedule
    name = StrictCharField(max_length=255)
    start_at = WallClockDateTimeField()
    timezone = StrictCharField(max_length=64, allow_blank=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)
    interval = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    by_weekday = serializers.ListField(child=StrictCharField(max_length=2), required=False)
    by_monthday = serializers.ListField(child=serializers.IntegerField(min_value=-31, max_value=31), required=False)
    until = WallClockDateTimeField(required=False, allow_null=True)
    count = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    duration = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=7 * 24 * 60)


class ScanInput(ModelInput):
    model = Scan
    name = StrictCharField(max_length=255)
    target_id = ScopedRelatedField("targets", source="target")
    scan_profile_id = ScopedRelatedField("scan_profiles", required=False, source="scan_profile")
    scanner_id = ScopedRelatedField("scanners", required=False, source="scanner")
    schedule_id = ScopedRelatedField("schedules", required=False, allow_null=True, source="schedule")
    comment = StrictCharField(required=False, allow_blank=True, max_length=10000)
    max_checks = serializers.IntegerField(required=False, min_value=1, max_value=64)
    max_hosts = serializers.IntegerField(required=False, min_value=1, max_value=1024)


class WizardScheduleInput(ScheduleInput):
    name = None  # the wizard names the schedule after the scan


class WizardInput(ModelInput):
    model = Scan
    name = StrictCharField(max_length=255)
    hosts = StrictCharField(max_length=100000)
    exclude_hosts = StrictCharField(required=False, allow_blank=True, max_length=100000)
    port_list_id = ScopedRelatedField("port_lists", required=False, source="port_list")
    scan_profile_id = ScopedRelatedField("scan_profiles", required=False, source="scan_profile")
    alive_test = serializers.ChoiceField(choices=AliveTest.choices, required=False)
    schedule = WizardScheduleInput(required=False)
    start_now = serializers.BooleanField(required=False, default=False)
