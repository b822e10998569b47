"""Per-host round-trip estimates, from which the port scan's adaptive time-outs come."""

MIN_TIMEOUT = 0.1  # as nmap -T4 (--min-rtt-timeout 100ms): a busy scanner host is not a slow network


class RoundTrip:
    """Smoothed round-trip time and variance of one host (RFC 6298); rto is None until measured."""

    __slots__ = ("srtt", "rttvar", "rto")

    def __init__(self):
        self.srtt = self.rto = None
        self.rttvar = 0.0

    def sample(self, seconds: float) -> None:
        if self.srtt is None:
            self.srtt, self.rttvar = seconds, seconds / 2
        else:
            self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - seconds)
            self.srtt = 0.875 * self.srtt + 0.125 * seconds
        self.rto = max(MIN_TIMEOUT, 4 * self.srtt, self.srtt + 4 * self.rttvar)

    def timeout(self, ceiling: float) -> float:
        return ceiling if self.rto is None else min(ceiling, self.rto)
