"""TCP connect probes at scale. Non-blocking sockets share one epoll set that the asyncio loop
watches as a single reader, so a verdict costs a handful of system calls and no task or future
(asyncio's sock_connect is 3-5x slower per port). Bounded globally and per host, round-robin
across hosts, adaptive time-outs from each host's measured round trips, one retry with the full
time-out for every time-out, so a slow answer is never taken for a closed or filtered port."""

import _socket
import asyncio
import errno
import heapq
import select
import socket
import time
from collections import deque

from .rtt import RoundTrip

OPEN, CLOSED, FILTERED, UNREACHABLE = "open", "closed", "filtered", "unreachable"
TICK = 0.01
BURST = 8  # connects per host per turn of the round-robin
REFUSED = errno.ECONNREFUSED
CLOSED_ERRORS = {errno.ECONNREFUSED, errno.ECONNRESET}
UNREACHABLE_ERRORS = {errno.EHOSTUNREACH, errno.ENETUNREACH, getattr(errno, "EHOSTDOWN", -1)}
BUSY_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM, errno.EADDRNOTAVAIL, errno.EAGAIN}
HAS_EPOLL = hasattr(select, "epoll")
NONBLOCK = getattr(socket, "SOCK_NONBLOCK", 0)  # Linux: non-blocking from socket(), no extra call
STREAM = socket.SOCK_STREAM | NONBLOCK
SO_ERROR, SOL_SOCKET = socket.SO_ERROR, socket.SOL_SOCKET
EPOLLOUT = getattr(select, "EPOLLOUT", 4)


class _Host:
    __slots__ = ("ip", "family", "ports", "next", "retries", "inflight", "queued", "dropped", "rtt", "left")

    def __init__(self, ip, ports, rtt):
        self.ip = ip
        self.family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.ports = ports
        self.next = self.inflight = 0
        self.left = len(ports)  # ports without a verdict yet
        self.retries = deque()
        self.queued = self.dropped = False
        self.rtt = rtt

    def pending(self) -> bool:
        return not self.dropped and (bool(self.retries) or self.next < len(self.ports))


class ConnectScanner:
    """scan({ip: [ports]}) calls on_result(ip, port, state) once per port: OPEN, CLOSED (refused),
    FILTERED (no answer twice, or refused locally) or UNREACHABLE (ICMP host/net unreachable), and
    on_host_done(ip) when a host has no port left."""

    def __init__(self, on_result, *, guard, max_concurrency=512, per_host=128, timeout=1.0, round_trips=None, on_host_done=None):
        self.on_result, self.on_host_done = on_result, on_host_done
        self.guard = guard
        self.limit = self.max_concurrency = max(1, max_concurrency)
        self.per_host = max(1, per_host)
        self.ceiling = timeout
        self.round_trips = round_trips if round_trips is not None else {}
        self.hosts: dict[str, _Host] = {}
        self.runnable = deque()
        self.pending: dict[int, tuple] = {}  # fd -> (sock, host, port, retry, started)
        self.deadlines = []
        self.sequence = self.inflight = 0
        self.total = self.completed = self.retried = 0
        self.loop = self.poller = self.finished = self.ticker = None

    async def scan(self, work: dict) -> None:
        self.loop = asyncio.get_running_loop()
        self.finished = self.loop.create_future()
        for ip, ports in work.items():
            self.guard.check(ip)
            host = self.hosts[ip] = _Host(ip, list(ports), self.round_trips.setdefault(ip, RoundTrip()))
            self.total += host.left
            self._enqueue(host)
            if not host.left and self.on_host_done:
                self.on_host_done(ip)
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
        for fd in [fd for fd, attempt in self.pending.items() if attempt[1] is host]:
            self.pending.pop(fd)[0].close()
            self._release(host)
        self.completed += host.left
        host.left = 0
        host.retries.clear()

    # -- the event loop side ------------------------------------------------------------------
    def _tick(self) -> None:
        self._drain()
        self._expire(time.monotonic())
        self._launch()
        if not self._check_done():
            self.ticker = self.loop.call_later(TICK, self._tick)

    def _drain(self) -> None:
        pending = self.pending
        if self.poller is not None:
            events = self.poller.poll(0, max(64, len(pending)))  # every ready socket in one call
        else:
            events = [(fd, 0) for fd, attempt in pending.items() if _select_ready(attempt[0])]
        if not events:
            return
        now = time.monotonic()
        on_result, on_host_done = self.on_result, self.on_host_done
        for fd, _event in events:
            attempt = pending.pop(fd, None)
            if attempt is None:
                continue
            sock = attempt[0]
            code = sock.getsockopt(SOL_SOCKET, SO_ERROR)
            if code != REFUSED:
                self._settle(attempt, code, now)
                continue
            # the common case, inlined (_settle + _release + _report): a refused port is closed
            sock.close()
            host = attempt[1]
            host.rtt.sample(now - attempt[4])
            host.inflight -= 1
            self.inflight -= 1
            if not host.queued:
                self._enqueue(host)
            if not host.dropped:
                self.completed += 1
                host.left -= 1
                on_result(host.ip, attempt[2], CLOSED)
                if not host.left and on_host_done:
                    on_host_done(host.ip)
        self._launch()
        self._check_done()

    def _settle(self, attempt, code, now) -> None:
        sock, host, port, retry, started = attempt
        if code == 0:
            host.rtt.sample(now - started)
            state = CLOSED if _self_connected(sock) else OPEN
        elif code in CLOSED_ERRORS:
            host.rtt.sample(now - started)
            state = CLOSED
        elif code in UNREACHABLE_ERRORS:
            state = UNREACHABLE
        elif code in BUSY_ERRORS:  # out of local ports or buffers: slow down, try again
            sock.close()
            self._release(host)
            self.limit = max(1, min(self.limit, self.inflight))
            self._requeue(host, port, retry)
            return
        else:
            state = FILTERED
        sock.close()
        self._release(host)
        self._report(host, port, state)

    def _expire(self, now) -> None:
        deadlines, pending = self.deadlines, self.pending
        while deadlines and deadlines[0][0] <= now:
            _deadline, _seq, fd, attempt = heapq.heappop(deadlines)
            if pending.get(fd) is not attempt:
                continue  # settled already
            del pending[fd]
            attempt[0].close()
            host = attempt[1]
            self._release(host)
            if attempt[3]:
                self._report(host, attempt[2], FILTERED)
            else:
                self.retried += 1
                self._requeue(host, attempt[2], 1)

    def _report(self, host, port, state) -> None:
        if host.dropped:
            return
        self.completed += 1
        host.left -= 1
        self.on_result(host.ip, port, state)
        if not host.left and self.on_host_done:
            self.on_host_done(host.ip)

    def _requeue(self, host, port, retry) -> None:
        if not host.dropped:
            host.retries.append((port, retry))
            self._enqueue(host)

    def _enqueue(self, host) -> None:
        if not host.queued and host.inflight < self.per_host and host.pending():
            host.queued = True
            self.runnable.append(host)

    def _release(self, host) -> None:
        host.inflight -= 1
        self.inflight -= 1
        if not host.queued:
            self._enqueue(host)

    def _launch(self) -> None:
        """Start connects, round-robin over hosts in bursts, up to the global and per-host limits.
        (The per-port path is written out in one function: it runs 16,000 times a second.)"""
        runnable, per_host, pending, deadlines = self.runnable, self.per_host, self.pending, self.deadlines
        register = self.poller.register if self.poller is not None else None
        ceiling, monotonic, new_socket, push = self.ceiling, time.monotonic, _socket.socket, heapq.heappush
        while self.inflight < self.limit and runnable:
            host = runnable.popleft()
            host.queued = False
            burst = min(BURST, per_host - host.inflight, self.limit - self.inflight)
            ports, retries, family, address, rto = host.ports, host.retries, host.family, host.ip, host.rtt.rto
            while burst > 0 and not host.dropped and (retries or host.next < len(ports)):
                if retries:
                    port, retry = retries.popleft()
                else:
                    port, retry = ports[host.next], 0
                    host.next += 1
                try:
                    sock = new_socket(family, STREAM)
                    if not NONBLOCK:
                        sock.setblocking(False)
                    started = monotonic()
                    code = sock.connect_ex((address, port))
                except OSError:  # out of descriptors
                    code, sock = errno.EMFILE, None
                if code == errno.EINPROGRESS:
                    fd = sock.fileno()
                    attempt = pending[fd] = (sock, host, port, retry, started)
                    if register is not None:
                        register(fd, EPOLLOUT)
                    timeout = ceiling if retry or rto is None or rto > ceiling else rto
                    self.sequence += 1
                    push(deadlines, (started + timeout, self.sequence, fd, attempt))
                elif code in BUSY_ERRORS:  # out of descriptors, ports or buffers: slow down
                    if sock is not None:
                        sock.close()
                    retries.appendleft((port, retry))
                    self.limit = max(1, min(self.limit, self.inflight))
                    self._enqueue(host)
                    return
                host.inflight += 1
                self.inflight += 1
                if code != errno.EINPROGRESS:
                    self._settle((sock, host, port, retry, started), code, monotonic())
                burst -= 1
            self._enqueue(host)
        if self.limit < self.max_concurrency and self.inflight < self.limit // 2:
            self.limit = min(self.max_concurrency, self.limit * 2)

    def _check_done(self) -> bool:
        if not self.finished.done() and self.inflight == 0 and not self.runnable:
            if not any(h.pending() for h in self.hosts.values()):
                self.finished.set_result(None)
        return self.finished.done()

    def _shutdown(self) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
        for attempt in self.pending.values():
            attempt[0].close()
        self.pending.clear()
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
