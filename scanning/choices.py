from django.db import models


class AliveTest(models.TextChoices):
    TCP_PING = "tcp_ping"
    ICMP_PING = "icmp_ping"
    ARP_PING = "arp_ping"
    CONSIDER_ALIVE = "consider_alive"


class ScannerType(models.TextChoices):
    BUILTIN = "builtin"
    GVM = "gvm"


class ScannerStatus(models.TextChoices):
    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class RunStatus(models.TextChoices):
    NEW = "new"
    REQUESTED = "requested"
    QUEUED = "queued"
    RUNNING = "running"
    STOP_REQUESTED = "stop_requested"
    STOPPED = "stopped"
    DONE = "done"
    INTERRUPTED = "interrupted"


ACTIVE_RUN_STATUSES = (RunStatus.REQUESTED, RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.STOP_REQUESTED)
FINISHED_RUN_STATUSES = (RunStatus.DONE, RunStatus.STOPPED, RunStatus.INTERRUPTED)


class TriggeredBy(models.TextChoices):
    USER = "user"
    SCHEDULE = "schedule"
    API = "api"


class Frequency(models.TextChoices):
    ONCE = "once"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class PciStatus(models.TextChoices):
    PASS = "pass"
    FAIL = "fail"
