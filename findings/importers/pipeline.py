"""A large report is read in a child process (a second core) while the caller stores the hosts
it already sent: the import's wall time approaches the longer of reading and storing instead of
their sum. Hosts travel as plain tuples (cheap to pickle); a small report is read in-process.

    with HostReader(path, "nessus", progress=bar) as reader:
        for host in reader:           # HostResult, or RESTART (forget what came so far)
            ...

A ReportError in the child comes out of the iteration as a ReportError, after the hosts read
before it: the caller decides whether anything is kept (imports store nothing then)."""

import logging
import os
import queue
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from scanning.engine.types import Finding, HostResult, PortResult

from .errors import ReportError
from .reader import FINDING_FIELDS, PORT_FIELDS, RESTART, read_hosts, weight

logger = logging.getLogger("findings.imports")
CHILD_MIN_BYTES = 4_000_000  # below this a child's start-up (~0.3 s) costs more than it saves
SEND_EVERY = 2000  # findings (or hosts, or 2 KB of evidence: reader.weight) per message to the parent
# Messages received ahead of the caller: ~24,000 findings, the 2-3 batches of 200 hosts of 40-50
# findings that ingest.store_batches reads ahead.
AHEAD = 12
ROOT = str(Path(__file__).resolve().parents[2])
# A plain interpreter rather than multiprocessing: no fork of a process holding database
# connections and threads, and no re-import of the caller's __main__ (spawn's requirement).
CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); from findings.importers.pipeline import child_main; "
         "child_main(int(sys.argv[2]), sys.argv[3], sys.argv[4])")


def to_wire(host: HostResult) -> tuple:
    return (host.ip, host.hostname, host.alive, host.os, host.mac, [PORT_FIELDS(p) for p in host.ports],
            [FINDING_FIELDS(f) for f in host.findings])


def from_wire(item: tuple) -> HostResult:
    ip, hostname, alive, os_name, mac, ports, findings = item
    return HostResult(ip=ip, hostname=hostname, alive=alive, os=os_name, mac=mac,
                      ports=[PortResult(*p) for p in ports], findings=[Finding(*f) for f in findings])


def child_main(fd, path, format_name):
    """The child: read the report and send ("hosts", [host | RESTART, ...], fraction read, hosts
    expected or None) messages on the pipe `fd`, then ("end",) or ("error", message)."""
    connection = Connection(fd, readable=False)
    read = [0.0, None]
    pending, held = [], 0

    def progress(fraction, hosts):
        read[:] = fraction, hosts

    def send():
        nonlocal pending, held
        connection.send(("hosts", pending, *read))
        pending, held = [], 0

    try:
        for host in read_hosts(path, format_name, progress):
            if host == RESTART:
                pending.append(RESTART)
                continue
            pending.append(to_wire(host))
            held += weight(host)
            if held >= SEND_EVERY:
                send()
        send()
        connection.send(("end",))
    except ReportError as exc:
        connection.send(("error", str(exc)))
    except Exception as exc:  # reported to the parent, which fails the import with it
        connection.send(("failed", f"{exc.__class__.__name__}: {exc}"))
    finally:
        connection.close()


class HostReader:
    """Iterate the report's hosts (see the module's docstring); `child` forces (True) or
    forbids (False) the child process, by default used from CHILD_MIN_BYTES on."""

    def __init__(self, path, format_name, progress=None, child=None):
        self.path, self.format_name, self.progress = str(path), format_name, progress
        self.child = os.path.getsize(path) >= CHILD_MIN_BYTES if child is None else child
        self.process = self.connection = None

    def __enter__(self):
        if self.child:
            receiver, sender = os.pipe()
            try:
                self.process = subprocess.Popen([sys.executable, "-c", CHILD, ROOT, str(sender), self.path, self.format_name],
                                                pass_fds=(sender,), stdin=subprocess.DEVNULL)
            finally:
                os.close(sender)
            self.connection = Connection(receiver, writable=False)
            self.messages, self.stopping = queue.Queue(maxsize=AHEAD), threading.Event()
            self.drainer = threading.Thread(target=self.drain, name="report-reader-pipe", daemon=True)
            self.drainer.start()
        return self

    def drain(self):
        """Receive the child's messages as they come (the child runs ahead by up to AHEAD of
        them while the caller stores a batch; a pipe alone would hold it back at 64 KB), and
        turn them into HostResults here: this thread works while the caller waits on the
        database, so the next batch is ready when the caller comes back for it."""
        while True:
            try:
                message = self.connection.recv()
                if message[0] == "hosts":
                    kind, items, fraction, hosts = message
                    message = (kind, [RESTART if item == RESTART else from_wire(item) for item in items], fraction, hosts)
            except (EOFError, OSError):
                message = ("lost",)
            except Exception as exc:  # a message it cannot read: the caller fails the import with it
                message = ("failed", f"{exc.__class__.__name__}: {exc}")
            while not self.stopping.is_set():
                try:
                    self.messages.put(message, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if message[0] != "hosts" or self.stopping.is_set():
                return

    def __iter__(self):
        """Hosts; any failure to read (a parser's own bug included) is a ReportError, so the
        caller can tell it from a failure to store."""
        if not self.child:
            try:
                yield from read_hosts(self.path, self.format_name, self.progress)
            except ReportError:
                raise
            except Exception as exc:
                logger.exception("Reading %s as %s failed", self.path, self.format_name)
                raise ReportError(f"The file could not be read ({exc.__class__.__name__}: {exc})") from exc
            return
        while True:
            message = self.messages.get()
            if message[0] == "end":
                return
            if message[0] == "lost":
                raise ReportError("The file could not be read (the reader process stopped)")
            if message[0] == "error":
                raise ReportError(message[1])
            if message[0] == "failed":
                logger.error("Reading %s as %s failed: %s", self.path, self.format_name, message[1])
                raise ReportError(f"The file could not be read ({message[1]})")
            _kind, items, fraction, hosts = message
            if self.progress is not None:
                self.progress(fraction, hosts)
            yield from items

    def __exit__(self, *exc):
        if self.process is not None:
            self.stopping.set()
            if self.process.poll() is None:
                self.process.terminate()
            self.process.wait()
            self.drainer.join()
            self.connection.close()
            self.process = None
