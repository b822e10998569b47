"""CPU time spent serving requests: this process, plus the PostgreSQL backend serving its
connection when the server runs on this machine (read from /proc). Unlike wall time it leaves out
what other programs on a busy machine took, so ratios stay comparable between runs."""

import os
import time
from pathlib import Path

LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")


class CpuClock:
    def __init__(self):
        self.tick = 1 / os.sysconf("SC_CLK_TCK")

    def read(self):
        """(seconds, backend pid or None); None when the backend's time cannot be read."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return time.process_time(), None
        if connection.connection is None or connection.settings_dict.get("HOST") not in LOCAL_HOSTS:
            return None
        pid = connection.connection.info.backend_pid
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # fields 3.. of proc(5); utime and stime are 14 and 15
        return time.process_time() + (int(fields[11]) + int(fields[12])) * self.tick, pid

    @staticmethod
    def elapsed(start, end):
        if start is None or end is None or start[1] != end[1]:
            return None  # the connection (and so the backend) changed in between
        return end[0] - start[0]
