"""TCP connect probes at scale. The scan is awaited from the engine's event loop but runs in one
worker thread: non-blocking sockets watched by a single poll() call per batch, so a verdict costs
four system calls (socket, connect, getsockopt, close) and no task, future or epoll_ctl (asyncio's
sock_connect is 3-5x slower per port, an epoll set about 20 % slower than poll here). A near host
(loopback, often the local segment) has answered before connect() returns: a second connect()
reads that answer, and a refused socket is unconnected again and reused for the next port, so a
closed port costs two system calls and never enters poll (hosts that never answer that fast stop
being asked after EAGER_MISSES tries). Bounded globally and per host, round-robin across hosts,
adaptive time-outs from each host's measured round trips, one retry with a fourfold time-out for
every time-out, so a slow answer is never taken for a closed or filtered port. Callbacks run on
the scan's thread."""

import _socket
import asyncio
import errno
import heapq
import select
import socket
import threading
import time
from collections import deque

from .rtt import RoundTrip

OPEN, CLOSED, FILTERED, UNREACHABLE = "open", "closed", "filtered", "unreachable"
BURST = 8  # connects per host per turn of the round-robin
REFUSED, EINPROGRESS, EALREADY, EISCONN = errno.ECONNREFUSED, errno.EINPROGRESS, errno.EALREADY, errno.EISCONN
CLOSED_ERRORS = {errno.ECONNREFUSED, errno.ECONNRESET}
UNREACHABLE_ERRORS = {errno.EHOSTUNREACH, errno.ENETUNREACH, getattr(errno, "EHOSTDOWN", -1)}
BUSY_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM, errno.EADDRNOTAVAIL, errno.EAGAIN}
NONBLOCK = getattr(socket, "SOCK_NONBLOCK", 0)  # Linux: non-blocking from socket(), no extra call
STREAM = socket.SOCK_STREAM | NONBLOCK
SO_ERROR, SOL_SOCKET = socket.SO_ERROR, socket.SOL_SOCKET
POLLOUT = select.POLLOUT
MAX_WAIT = 0.05  # seconds between checks of the stop flag
RETRY_FLOOR = 0.5
BUCKET = 0.01  # time-outs are checked in 10 ms buckets, not one heap entry per socket
LAUNCH_BATCH = 2048  # ports settled at once before the loop looks at its stop flag again
EAGER_MISSES = 32  # a host whose connects are never settled on return stops being asked at once


class _Host:
    __slots__ = ("ip", "family", "ports", "next", "retries", "inflight", "queued", "dropped", "rtt", "left", "misses")

    def __init__(self, ip, ports, rtt):
        self.ip = ip
        self.family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.ports = ports
        self.next = self.inflight = 0
        self.left = len(ports)  # ports without a verdict yet
        self.retries = deque()
        self.queued = self.dropped = False
        self.rtt = rtt
        self.misses = 0  # connects in a row whose answer had not arrived when connect() returned

    def pending(self) -> bool:
        return not self.dropped and (bool(self.retries) or self.next < len(self.ports))


class ConnectScanner:
    """scan({ip: [ports]}) calls on_result(ip, port, state) once per port: OPEN, CLOSED (refused),
    FILTERED (no answer twice, or refused locally) or UNREACHABLE (ICMP host/net unreachable), and
    on_host_done(ip) when a host has no port left."""

    def __init__(
        self, on_result, *, guard, max_concurrency=512, per_host=128, timeout=1.0, round_trips=None,
        on_host_done=None, report_closed=True,
    ):  # fmt: skip
        self.on_result, self.on_host_done, self.report_closed = on_result, on_host_done, report_closed
        self.guard = guard
        self.limit = self.max_concurrency = max(1, max_concurrency)
        self.per_host = max(1, per_host)
        self.ceiling = timeout
        self.round_trips = round_trips if round_trips is not None else {}
        self.hosts: dict[str, _Host] = {}
        self.runnable = deque()
        self.pending: dict[int, tuple] = {}  # fd -> (sock, host, port, retry, started)
        self.spare: dict[int, socket.socket] = {}  # family -> a refused socket, unconnected again
        self.deadlines: dict[int, list] = {}  # time bucket -> [(fd, attempt)] that expire in it
        self.buckets = []  # heap of the bucket numbers in use
        self.inflight = self.settled_now = 0
        self.total = self.completed = self.retried = 0
        self.poller = None
        self.stopping = threading.Event()

    async def scan(self, work: dict) -> None:
        for ip, ports in work.items():
            self.guard.check(ip)
            host = self.hosts[ip] = _Host(ip, list(ports), self.round_trips.setdefault(ip, RoundTrip()))
            self.total += host.left
            self._enqueue(host)
            if not host.left and self.on_host_done:
                self.on_host_done(ip)
        running = asyncio.get_running_loop().run_in_executor(None, self._run)
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            self.stopping.set()  # the thread notices within one poll interval and closes its sockets
            await asyncio.wait({running})
            raise

    def drop_host(self, ip: str) -> None:
        """Forget a host's remaining ports (the alive test needs one answer per host)."""
        host = self.hosts.get(ip)
        if host is None or host.dropped:
            return
        host.dropped = True
        for fd in [fd for fd, attempt in self.pending.items() if attempt[1] is host]:
            self._forget(fd)
            self._release(host)
        self.completed += host.left
        host.left = 0
        host.retries.clear()

    # -- the scan's thread --------------------------------------------------------------------
    def _run(self) -> None:
        self.poller = select.poll()
        try:
            self._launch()
            while (self.inflight or self.runnable) and not self.stopping.is_set():
                if self.runnable and self.inflight < self.limit:
                    wait = 0  # _launch paused for the stop flag, not for lack of room
                else:
                    wait = self.buckets[0] * BUCKET - time.monotonic() if self.buckets else MAX_WAIT
                self._drain(self.poller.poll(max(0, min(MAX_WAIT, wait)) * 1000))
                self._expire(time.monotonic())
                self._launch()
        finally:
            for fd in list(self.pending):
                self._forget(fd)
            for sock in self.spare.values():
                sock.close()
            self.spare.clear()

    def _forget(self, fd) -> None:
        self.poller.unregister(fd)
        self.pending.pop(fd)[0].close()

    def _drain(self, events) -> None:
        if not events:
            return
        pending, unregister = self.pending, self.poller.unregister
        now = time.monotonic()
        on_result, on_host_done, report_closed = self.on_result, self.on_host_done, self.report_closed
        for fd, _event in events:
            attempt = pending.pop(fd, None)
            if attempt is None:
                continue
            unregister(fd)
            sock = attempt[0]
            code = sock.getsockopt(SOL_SOCKET, SO_ERROR)
            if code != REFUSED:
                self._settle(attempt, code, now)
                continue
            # the common case, inlined (_settle + _release + _report): a refused port is closed
            sock.close()
            host = attempt[1]
            if not host.left & 7 or host.rtt.srtt is None:  # every 8th answer keeps the estimate fresh
                host.rtt.sample(now - attempt[4])
            host.inflight -= 1
            self.inflight -= 1
            if not host.queued:
                self._enqueue(host)
            if not host.dropped:
                self.completed += 1
                host.left -= 1
                if report_closed:
                    on_result(host.ip, attempt[2], CLOSED)
                if not host.left and on_host_done:
                    on_host_done(host.ip)

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

    def _refused_now(self, host, port, started) -> None:
        self.settled_now += 1
        if not host.left & 7 or host.rtt.srtt is None:  # every 8th answer keeps the estimate fresh
            host.rtt.sample(time.monotonic() - started)
        self.completed += 1
        host.left -= 1
        if self.report_closed:
            self.on_result(host.ip, port, CLOSED)
        if not host.left and self.on_host_done:
            self.on_host_done(host.ip)

    def _expire(self, now) -> None:
        buckets, pending = self.buckets, self.pending
        while buckets and buckets[0] * BUCKET <= now:
            for fd, attempt in self.deadlines.pop(heapq.heappop(buckets)):
                if pending.get(fd) is not attempt:
                    continue  # settled already
                self._forget(fd)
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
        if state is not CLOSED or self.report_closed:
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
        register, spare = self.poller.register, self.spare
        ceiling, monotonic, new_socket = self.ceiling, time.monotonic, _socket.socket
        self.settled_now = 0
        while self.inflight < self.limit and runnable and self.settled_now < LAUNCH_BATCH:
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
                sock = spare.pop(family, None)
                try:
                    if sock is None:
                        sock = new_socket(family, STREAM)
                        if not NONBLOCK:
                            sock.setblocking(False)
                    started = monotonic()
                    code = sock.connect_ex((address, port))
                    if code == EINPROGRESS and host.misses < EAGER_MISSES:
                        # A near host (loopback, the local segment) has often answered before
                        # connect() returns; a second connect() says so, and a refused socket is
                        # ready for the next port: two system calls a closed port, no poll.
                        code = sock.connect_ex((address, port))
                        if code == REFUSED:
                            host.misses = 0
                            spare[family] = sock
                            self._refused_now(host, port, started)
                            burst -= 1
                            continue
                        host.misses += 1
                        code = EINPROGRESS if code == EALREADY else 0 if code == EISCONN else code
                except OSError:  # out of descriptors
                    code, sock = errno.EMFILE, None
                if code == EINPROGRESS:
                    fd = sock.fileno()
                    attempt = pending[fd] = (sock, host, port, retry, started)
                    register(fd, POLLOUT)
                    if rto is None:
                        timeout = ceiling
                    else:  # a retry waits 4x longer (at least RETRY_FLOOR): a slow answer still counts
                        timeout = min(ceiling, max(RETRY_FLOOR, 4 * rto) if retry else rto)
                    bucket = int((started + timeout) / BUCKET) + 1  # never before the deadline
                    if bucket in deadlines:
                        deadlines[bucket].append((fd, attempt))
                    else:
                        deadlines[bucket] = [(fd, attempt)]
                        heapq.heappush(self.buckets, bucket)
                elif code in BUSY_ERRORS:  # out of descriptors, ports or buffers: slow down
                    if sock is not None:
                        sock.close()
                    retries.appendleft((port, retry))
                    self.limit = max(1, min(self.limit, self.inflight))
                    self._enqueue(host)
                    return
                host.inflight += 1
                self.inflight += 1
                if code != EINPROGRESS:
                    self._settle((sock, host, port, retry, started), code, monotonic())
                burst -= 1
            self._enqueue(host)
        if self.limit < self.max_concurrency and self.inflight < self.limit // 2:
            self.limit = min(self.max_concurrency, self.limit * 2)


def _self_connected(sock) -> bool:
    """On loopback a connect can meet itself (source port == destination port): not a service."""
    try:
        return sock.getsockname() == sock.getpeername()
    except OSError:
        return True
