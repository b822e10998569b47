"""A second process for tests/findings/test_list_counts.py: stores and finishes one run of a scan
through the real ingestion services, with the Redis cache the test process uses.

    python -m tests.findings.count_cache_writer REDIS_URL KEY_PREFIX SCAN_ID"""

import os
import sys


def main(redis_url, prefix, scan_id):
    import tests.settings as test_settings

    test_settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                        "LOCATION": redis_url, "KEY_PREFIX": prefix}}
    test_settings.FINDINGS_COUNT_CACHE = True
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from scanning.models import Scan
    from tests.findings.ingest_support import HTTP_HEADERS, TELNET, complete_run, host

    complete_run(Scan.objects.get(pk=scan_id), [host("192.0.2.1", HTTP_HEADERS), host("192.0.2.2", HTTP_HEADERS, TELNET)])


if __name__ == "__main__":
    main(*sys.argv[1:4])
