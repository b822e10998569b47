"""Between the engine's thread (its own event loop) and the caller's thread. The Reporter is only
ever called from the caller's thread, so it may use the Django ORM (no async context, its own
connection): progress is coalesced to the latest value, finished hosts are queued and delivered
in batches, and should_stop is polled a few times a second."""

import threading
import time
from collections import deque

STOP_POLL_SECONDS = 0.3
WAKE_SECONDS = 0.1
MAX_BATCH = 500
MIN_STEP = 0.5  # percent


class Bridge:
    def __init__(self, reporter):
        self.reporter = reporter
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.latest = None
        self.sent = (None, -1.0)
        self.hosts = deque()
        self.last_poll = 0.0

    # -- engine thread ------------------------------------------------------------------------
    def progress(self, stage: str, percent: float) -> None:
        with self.lock:
            if self.latest is None or percent >= self.latest[1]:
                self.latest = (stage, percent)

    def store(self, hosts) -> None:
        with self.lock:
            self.hosts.extend(hosts)
        self.wake.set()

    # -- caller thread ------------------------------------------------------------------------
    def deliver(self, final: bool = False) -> None:
        more = True
        while more:
            with self.lock:
                batch = [self.hosts.popleft() for _ in range(min(MAX_BATCH, len(self.hosts)))]
                latest = self.latest
                more = bool(self.hosts)
            if batch:
                self.reporter.store_hosts(batch)
            if latest is not None and self._worth_sending(latest, final):
                self.sent = latest
                self.reporter.progress(*latest)

    def _worth_sending(self, latest, final: bool) -> bool:
        stage, percent = latest
        if percent < self.sent[1]:
            return False
        return stage != self.sent[0] or percent - self.sent[1] >= MIN_STEP or (final and percent != self.sent[1])

    def wait(self) -> None:
        self.wake.wait(WAKE_SECONDS)
        self.wake.clear()

    def stop_requested(self) -> bool:
        now = time.monotonic()
        if now - self.last_poll < STOP_POLL_SECONDS:
            return False
        self.last_poll = now
        return bool(self.reporter.should_stop())
