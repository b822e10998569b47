"""Field validators for user input (resources.md, user: Validation)."""

import re
import zoneinfo
from functools import lru_cache

from django.conf.locale import LANG_INFO
from rest_framework import serializers

PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,24}$")


@lru_cache(maxsize=1)
def known_timezones():
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value):
    if value not in known_timezones():
        raise serializers.ValidationError("is not a known IANA time zone (e.g. Europe/Athens, UTC)")
    return value


def validate_locale(value):
    code = value.strip().lower().replace("_", "-")
    if code not in LANG_INFO and code.split("-")[0] not in LANG_INFO:
        raise serializers.ValidationError("is not a known language code (e.g. en, el, pt-br)")
    return value.strip()


def validate_phone(value):
    if value == "":
        return value
    digits = re.sub(r"\D", "", value)
    if not PHONE.match(value.strip()) or not 6 <= len(digits) <= 15:
        raise serializers.ValidationError("is not a plausible phone number (e.g. +3053032211)")
    return value.strip()
