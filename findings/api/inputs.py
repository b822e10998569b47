"""Write side of exceptions: validation only (the rules live in findings.services.exceptions)."""

import ipaddress
import math

from rest_framework import serializers

from config.api.fields import StrictCharField
from findings.api.params import PORT
from scanning.api.inputs import ScopedRelatedField


class HostsField(serializers.Field):
    """`hosts`: addresses as a list or a comma/space separated string (as Greenbone takes them)."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise serializers.ValidationError("must be a list of IP addresses or a comma-separated string")
        addresses = []
        for item in value:
            try:
                address = str(ipaddress.ip_address(item.strip()))
            except ValueError:
                raise serializers.ValidationError(f"{item!r} is not an IP address") from None
            if address not in addresses:
                addresses.append(address)
        if len(addresses) > 10000:
            raise serializers.ValidationError("may name at most 10000 addresses")
        return addresses

    def to_representation(self, value):
        return value


class PortField(StrictCharField):
    """`port`: `443/tcp`, `443` (tcp), `general/tcp`; blank = every port."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):  # a JSON number is a TCP port
            data = str(data)
        text = super().to_internal_value(data).strip().lower()
        if not text:
            return ""
        match = PORT.match(text)
        if not match or (match.group(1) and not 0 < int(match.group(1)) < 65536):
            raise serializers.ValidationError("must be a port like 443/tcp or general/tcp")
        return f"{match.group(1) or 'general'}/{match.group(2) or 'tcp'}"


class SeverityField(serializers.FloatField):
    """`new_severity`: -1 (false positive) or a CVSS score 0.0-10.0."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value) or not (value == -1 or 0.0 <= value <= 10.0):
            raise serializers.ValidationError("must be -1 (false positive) or from 0.0 to 10.0")
        return round(value, 1)


class ExceptionInput(serializers.Serializer):
    text = StrictCharField(max_length=10000)
    nvt = StrictCharField(max_length=128)
    hosts = HostsField(required=False)
    port = PortField(required=False, allow_blank=True, max_length=32)
    scan = ScopedRelatedField("scans", required=False, allow_null=True)
    task = ScopedRelatedField("scans", required=False, allow_null=True)  # deprecated alias of `scan`
    new_severity = SeverityField(required=False)
    end_time = serializers.DateTimeField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)

    BLANK_IS_NULL = ("scan", "task", "end_time")  # "" means none, as Rails-style clients send it

    def to_internal_value(self, data):
        if isinstance(data, dict) and any(data.get(name) == "" for name in self.BLANK_IS_NULL):
            data = {**data, **{name: None for name in self.BLANK_IS_NULL if data.get(name) == ""}}
        return super().to_internal_value(data)

    def validate_nvt(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank")
        return value.strip()

    def validate(self, data):
        if "task" in data:
            task = data.pop("task")
            data.setdefault("scan", task)
        return data
