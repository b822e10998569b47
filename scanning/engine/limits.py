"""Enough file descriptors for the plan's sockets: raise the soft limit toward the hard one and
cap the plan's concurrency to what the process can really open."""

import dataclasses
import logging

try:
    import resource
except ImportError:  # not on POSIX
    resource = None

log = logging.getLogger(__name__)
RESERVED_DESCRIPTORS = 256  # the worker's own files, database connections, service probes


def raise_open_file_limit(plan):
    if resource is None:
        return plan
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = plan.max_concurrency + RESERVED_DESCRIPTORS * 2
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.info("could not raise the open file limit: %s", exc)
    if soft != resource.RLIM_INFINITY and plan.max_concurrency > soft - RESERVED_DESCRIPTORS:
        return dataclasses.replace(plan, max_concurrency=max(16, soft - RESERVED_DESCRIPTORS))
    return plan
