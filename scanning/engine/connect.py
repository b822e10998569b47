"""TCP connect probes at scale. Non-blocking sockets share one epoll set that the asyncio loop
watches as a single reader, so a verdict costs a handful of system calls and no task or future
(asyncio's sock_connect is 3-5x slower per port). Bounded globally and per host, round-robin
across hosts, adaptive time-outs from each host's measured round trips, one retry with the full
time-out for every time-out, so a slow answer is never taken for a closed or filtered port."""

import asyncio
import errno
import heapq
import select
import socket
import time
from collections import deque

OPEN, CLOSED, FILTERED, UNREACHABLE = "open", "closed", "filtered", "unreachable"
MIN_TIMEOUT = 0.05
TICK = 0.01
CLOSED_ERRORS = {errno.ECONNREFUSED, errno.ECONNRESET}
UNREACHABLE_ERRORS = {errno.EHOSTUNREACH, errno.ENETUNREACH, getattr(errno, "EHOSTDOWN", -1)}
BUSY_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM, errno.EADDRNOTAVAIL, errno.EAGAIN}
HAS_EPOLL = hasattr(select, "epoll")


class RoundTrip:
    """Smoothed round-trip time and variance (RFC 6298) of one host."""

    __slots__ = ("srtt", "rttvar")

    def __init__(self):
        self.srtt = None
        self.rttvar = 0.0

    def sample(self, seconds: float) -> None:
        if self.srtt is None:
            self.srtt, self.rttvar = seconds, seconds / 2
        else:
            self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - seconds)
            self.srtt = 0.875 * self.srtt + 0.125 * seconds

    def timeout(self, ceiling: float) -> float:
        if self.srtt is None:
            return ceiling
        return min(ceiling, max(MIN_TIMEOUT, 4 * self.srtt, self.srtt + 4 * self.rttvar))


class _Host:
    __slots__ = ("ip", "family", "ports", "next", "retries", "inflight", "queued", "dropped", "rtt", "attempts")

    def __init__(self, ip, ports, rtt):
        self.ip = ip
        self.family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.ports = ports
        self.next = 0
        self.retries = deque()
        self.inflight = 0
        self.queued = False
        self.dropped = False
        self.rtt = rtt
        self.attempts = set()

    def pending(self) -> bool:
        return not self.dropped and (bool(self.retries) or self.next < len(self.ports))

    def take(self):
        if self.retries:
            return self.retries.popleft()
        port = self.ports[self.next]
        self.next += 1
        return port, 0


class _Attempt:
    __slots__ = ("sock", "host", "port", "retry", "started", "done")

    def __init__(self, sock, host, port, retry, started):
        self.sock, self.host, self.port, self.retry, self.started = sock, host, port, retry, started
        self.done = False


class ConnectScanner:
    """scan({ip: [ports]}) calls on_result(ip, port, state) once per port: OPEN, CLOSED (refused),
    FILTERED (no answer twice, or refused locally) or UNREACHABLE (ICMP host/net unreachable)."""

    def __init__(self, on_result, *, guard, max_concurrency=512, per_host=128, timeout=1.0, round_trips=None):
        self.on_result = on_result
        self.guard = guard
        self.limit = self.max_concurrency = max(1, max_concurrency)
        self.per_host = max(1, per_host)
        self.ceiling = timeout
        self.round_trips = round_trips if round_trips is not None else {}
        self.hosts: dict[str, _Host] = {}
        self.runnable = deque()
        self.pending_fds: dict[int, _Attempt] = {}
        self.deadlines = []
        self.sequence = 0
        self.inflight = 0
        self.total = self.completed = self.retried = 0
        self.loop = self.poller = self.finished = self.ticker = None

    async def scan(self, work: dict) -> None:
        self.loop = asyncio.get_running_loop()
        self.finished = self.loop.create_future()
        for ip, ports in work.items():
            self.guard.check(ip)
            rtt = self.round_trips.setdefault(ip, RoundTrip())
            host = self.hosts[ip] = _Host(ip, list(ports), rtt)
            self.total += len(host.ports)
            self._enqueue(host)
        self.poller = select.epoll() if HAS_EPOLL else None
        try:
            if self.poller:
                self.loop.add_reader(self.poller.fileno(), self._drain)
            self._tick()
            await self.finished
        finally:
            self._shutdown()

    def drop_host(self, ip: str) -> None:
        """Forget a host's remaining ports (the alive test needs one answer per host)."""
        host = self.hosts.get(ip)
        if host is None or host.dropped:
            return
        host.dropped = True
        self.completed += len(host.ports) - host.next + len(host.retries) + len(host.attempts)
        for attempt in list(host.attempts):
            self._finish(attempt)
        host.retries.clear()

    # -- the event loop side ------------------------------------------------------------------
    def _tick(self) -> None:
        self._drain()
        now = time.monotonic()
        deadlines = self.deadlines
        while deadlines and deadlines[0][0] <= now:
            _deadline, _seq, attempt = heapq.heappop(deadlines)
            if not attempt.done:
                self._timed_out(attempt)
        self._launch()
        if not self._check_done():
            self.ticker = self.loop.call_later(TICK, self._tick)

    def _drain(self) -> None:
        if self.poller is not None:
            events = self.poller.poll(0)
        else:
            events = [(fd, 0) for fd, a in self.pending_fds.items() if _select_ready(a.sock)]
        if not events:
            return
        now = time.monotonic()
        pending = self.pending_fds
        for fd, _event in events:
            attempt = pending.get(fd)
            if attempt is None:
                continue
            code = attempt.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            self._verdict(attempt, code, now)
        self._launch()
        self._check_done()

    def _verdict(self, attempt, code, now) -> None:
        host = attempt.host
        if code == 0:
            host.rtt.sample(now - attempt.started)
            state = CLOSED if _self_connected(attempt.sock) else OPEN
        elif code in CLOSED_ERRORS:
            host.rtt.sample(now - attempt.started)
            state = CLOSED
        elif code in UNREACHABLE_ERRORS:
            state = UNREACHABLE
        elif code in BUSY_ERRORS:
            self._finish(attempt)
            self.limit = max(1, min(self.limit, self.inflight))  # out of local ports or buffers
            self._requeue(host, attempt.port, attempt.retry)
            return
        else:
            state = FILTERED
        self._finish(attempt)
        self._report(host, attempt.port, state)

    def _timed_out(self, attempt) -> None:
        self._finish(attempt)
        if attempt.retry:
            self._report(attempt.host, attempt.port, FILTERED)
        else:
            self.retried += 1
            self._requeue(attempt.host, attempt.port, 1)

    def _report(self, host, port, state) -> None:
        self.completed += 1
        if not host.dropped:
            self.on_result(host.ip, port, state)

    def _requeue(self, host, port, retry) -> None:
        if not host.dropped:
            host.retries.append((port, retry))
            self._enqueue(host)

    def _enqueue(self, host) -> None:
        if not host.queued and host.pending() and host.inflight < self.per_host:
            host.queued = True
            self.runnable.append(host)

    def _finish(self, attempt) -> None:
        if attempt.done:
            return
        attempt.done = True
        sock = attempt.sock
        self.pending_fds.pop(sock.fileno(), None)
        sock.close()
        host = attempt.host
        host.attempts.discard(attempt)
        host.inflight -= 1
        self.inflight -= 1
        self._enqueue(host)

    def _launch(self) -> None:
        runnable, per_host = self.runnable, self.per_host
        while self.inflight < self.limit and runnable:
            host = runnable.popleft()
            host.queued = False
            if not host.pending() or host.inflight >= per_host:
                continue
            port, retry = host.take()
            if not self._connect(host, port, retry):
                host.retries.appendleft((port, retry))
                self.limit = max(1, min(self.limit, self.inflight))  # out of sockets: slow down
                self._enqueue(host)
                return
            self._enqueue(host)
        if self.limit < self.max_concurrency and self.inflight < self.limit // 2:
            self.limit = min(self.max_concurrency, self.limit * 2)

    def _connect(self, host, port, retry) -> bool:
        try:
            sock = socket.socket(host.family, socket.SOCK_STREAM | getattr(socket, "SOCK_NONBLOCK", 0))
        except OSError:
            return False
        sock.setblocking(False)
        started = time.monotonic()
        code = sock.connect_ex((host.ip, port))
        if code in BUSY_ERRORS and code != errno.EAGAIN:
            sock.close()
            return False
        attempt = _Attempt(sock, host, port, retry, started)
        host.attempts.add(attempt)
        host.inflight += 1
        self.inflight += 1
        if code in (errno.EINPROGRESS, errno.EAGAIN, errno.EALREADY):
            self.pending_fds[sock.fileno()] = attempt
            if self.poller is not None:
                self.poller.register(sock.fileno(), select.EPOLLOUT)
            timeout = self.ceiling if retry else host.rtt.timeout(self.ceiling)
            self.sequence += 1
            heapq.heappush(self.deadlines, (started + timeout, self.sequence, attempt))
        else:
            self._verdict(attempt, code, time.monotonic())
        return True

    def _check_done(self) -> bool:
        if self.inflight == 0 and not self.runnable and not self.finished.done():
            if not any(h.pending() for h in self.hosts.values()):
                self.finished.set_result(None)
                return True
        return self.finished.done()

    def _shutdown(self) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
        for attempt in list(self.pending_fds.values()):
            self._finish(attempt)
        for host in self.hosts.values():
            for attempt in list(host.attempts):
                self._finish(attempt)
        if self.poller is not None:
            self.loop.remove_reader(self.poller.fileno())
            self.poller.close()
            self.poller = None


def _self_connected(sock) -> bool:
    """On loopback a connect can meet itself (source port == destination port): not a service."""
    try:
        return sock.getsockname() == sock.getpeername()
    except OSError:
        return True


def _select_ready(sock) -> bool:
    _r, writable, errored = select.select([], [sock], [sock], 0)
    return bool(writable or errored)
