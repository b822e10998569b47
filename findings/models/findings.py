"""Results (what one run found) and findings (the organization's current state per fingerprint)."""

from django.db import models

from config.api.models import TimestampedModel
from findings.choices import Delta, FindingStatus, SeverityLevel


class FindingFields(TimestampedModel):
    """What a result and a finding share: where, which check, how severe, the evidence.

    These are the two big tables (millions of rows, written in bulk by every run): each index
    costs every insert (~1-1.5 us of backend CPU a row), so single-column indexes that a composite
    one covers, or that only a rare deletion would use, are left out; the fingerprint's unique
    index leads with the ip to serve the lookups by address as well (migration 0009); rows with an
    exception are found through a partial index.

    Their foreign keys have no constraint in the database (`db_constraint=False`): a checked key
    costs a lookup and a row lock per inserted row at commit, about as much as the insert itself
    (benchmarks/README.md, "Findings ingestion"). Only the ingestion service writes these ids, from
    rows it has just read or written in the same transaction, and Django's `on_delete` (emulated by
    the ORM, not the database) still cascades and nulls them."""

    created_at = models.DateTimeField(auto_now_add=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False, db_constraint=False)
    product = models.CharField(max_length=32)
    check_info = models.ForeignKey("findings.CheckInfo", on_delete=models.PROTECT, related_name="+", db_index=False,
                                   db_constraint=False)
    nvt = models.CharField(max_length=128)  # = check_info.nvt, kept for filters and the fingerprint
    name = models.CharField(max_length=512, blank=True, default="")  # the finding's own (a version match names its CVEs)
    ip = models.GenericIPAddressField()
    hostname = models.CharField(max_length=255, blank=True, default="")
    port = models.PositiveIntegerField(default=0)  # 0 = general
    protocol = models.CharField(max_length=8, default="tcp")
    severity = models.FloatField(default=0.0)  # after exceptions
    original_severity = models.FloatField(default=0.0)
    severity_level = models.CharField(max_length=16, choices=SeverityLevel.choices, default=SeverityLevel.LOG)
    cvss_vector = models.CharField(max_length=255, blank=True, default="")
    qod = models.PositiveSmallIntegerField(default=70)
    detection = models.TextField(blank=True, default="")
    pci_fail = models.BooleanField(default=False)  # an automatic PCI failure (per finding: a version match may differ)
    exception = models.ForeignKey("findings.FindingException", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", db_index=False, db_constraint=False)

    class Meta:
        abstract = True

    @property
    def port_label(self) -> str:
        return f"{self.port}/{self.protocol}" if self.port else f"general/{self.protocol}"


class Result(FindingFields):
    """One check that hit one host and port in one run (GET /v2/scans/{id}/vulnerabilities)."""

    run = models.ForeignKey("scanning.ScanRun", on_delete=models.CASCADE, related_name="results", db_index=False,
                            db_constraint=False)
    # No index and no ORM cascade: a scan's results go with its runs (run CASCADE, and runs with
    # their scan), deleted by run id through the unique index. A CASCADE here made deleting a scan
    # look its results up by scan id, which only this index (one more entry per result) served.
    scan = models.ForeignKey("scanning.Scan", on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                             db_constraint=False)
    finding = models.ForeignKey("findings.Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="results",
                                db_index=False, db_constraint=False)
    delta = models.CharField(max_length=16, choices=Delta.choices, default=Delta.NEW)

    class Meta:
        ordering = ("-severity", "nvt")
        # The fingerprint's ip comes right after the run, so the unique index also serves a run's
        # results on some hosts (GET /v2/scans/{id}/hosts, finalize.count_fixed's ip__in, the
        # deltas' previous results): no separate (run, ip) index. It must stay the only index that
        # starts with the run for the lookups of one result by fingerprint in a run too new for
        # the planner's statistics (count_fixed, the deltas): a plain (run, severity) index looked
        # as cheap for "one row" and was picked, reading the whole run per lookup (7-8 s a run).
        # So the order index of a run's listed results (GET /v2/scans/{id}/vulnerabilities, run
        # events, reports: all of them filter qod >= 70 or more, statistics.DEFAULT_MIN_QOD)
        # is partial: those lookups, without that condition, cannot use it, and results below
        # the default QoD pay no entry. (organization, nvt) is what an exception's re-evaluation
        # (services/reevaluate) reads them by.
        constraints = [
            models.UniqueConstraint(fields=["run", "ip", "nvt", "port", "protocol"], name="result_unique_per_run"),
        ]
        indexes = [
            models.Index(fields=["run", "-severity"], condition=models.Q(qod__gte=70), name="result_counted_order"),
            models.Index(fields=["organization", "nvt"]),
            models.Index(fields=["exception"], condition=models.Q(exception__isnull=False), name="result_excepted"),
        ]


class FindingManager(models.Manager):
    """Findings read as model instances come with their sighting (one join on its key), so that
    `last_seen` and `run_id` are what was stored when the row was read, like columns."""

    def get_queryset(self):
        return super().get_queryset().select_related("sighting")


class Finding(FindingFields):
    """The current state of one fingerprint (organization, product, nvt, ip, port, protocol).

    When and by which run it was last seen lives in its FindingSighting (`last_seen`, `run_id`
    read through it): a run that sees a finding again unchanged writes that narrow row only, and
    this wide, many-indexed one only when its content, status or scan changes."""

    # scan changes when another scan sees the finding: an index of its own would be one more
    # entry written per such change ((organization, product, scan) serves the lists).
    scan = models.ForeignKey("scanning.Scan", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
                             db_constraint=False)
    host = models.ForeignKey("findings.Host", on_delete=models.CASCADE, related_name="findings", db_index=False,
                             db_constraint=False)
    status = models.CharField(max_length=16, choices=FindingStatus.choices, default=FindingStatus.NEW)
    first_seen = models.DateTimeField()
    fixed_at = models.DateTimeField(null=True, blank=True)
    # What ingestion last wrote of the finding's content (ingest.content_hash_of); 0 = unknown. A
    # run that finds the same content and status leaves the row alone (only its sighting moves).
    # Any other writer of the content columns (exceptions' re-evaluation) sets it back to 0.
    content_hash = models.BigIntegerField(default=0, db_default=0)  # db_default: raw INSERTs (benchmark seeds) need none

    objects = FindingManager()

    class Meta:
        ordering = ("-severity", "-first_seen")
        # The fingerprint leads with the ip, so its unique index also serves q[host] and every
        # lookup of findings by address (ingestion's existing findings, finalize's unseen ones):
        # no separate (organization, product, ip) index.
        constraints = [
            models.UniqueConstraint(fields=["organization", "product", "ip", "nvt", "port", "protocol"],
                                    name="finding_unique_fingerprint"),
        ]
        # GET /v2/vulnerabilities reads its first page straight from an index whatever the filter
        # and sort (a million findings: under a millisecond instead of seconds of walking the
        # severity order and filtering): each filter column is followed by the default order
        # (severity, first_seen, id descending), each sort column by the id tie-break; sort_by=
        # last_seen reads the sightings' index. Migration 0007 adds two PostgreSQL expression
        # indexes of the same shape for the case-insensitive q[name] and q[nvt] (UPPER(...)
        # text_pattern_ops: exact and prefix matches); q[cve] goes through the nvt one. q[severity_level]
        # is a severity range (findings.choices.severity_range) on the default order's index: an
        # index per level column cost every insert and rewrite ~2.5 us (migration 0010).
        indexes = [
            models.Index(fields=["organization", "product", "-severity", "-first_seen", "-id"],
                         name="finding_default_order"),
            models.Index(fields=["organization", "product", "name", "id"], name="finding_name_order"),
            models.Index(fields=["organization", "product", "status", "-severity", "-first_seen", "-id"],
                         name="finding_status_order"),
            models.Index(fields=["organization", "product", "scan", "-severity", "-first_seen", "-id"],
                         name="finding_scan_order"),
            models.Index(fields=["organization", "product", "port", "-severity", "-first_seen", "-id"],
                         name="finding_port_order"),
            models.Index(fields=["host", "status"]),
            models.Index(fields=["exception"], condition=models.Q(exception__isnull=False), name="finding_excepted"),
        ]

    # --- the sighting, read (and, for a finding made by hand, written) as if it were columns ----

    @property
    def last_seen(self):
        return self._sighting_value("last_seen")

    @last_seen.setter
    def last_seen(self, value):
        self.__dict__.setdefault("_seen", {})["last_seen"] = value

    @property
    def run_id(self):
        return self._sighting_value("run_id")

    @run_id.setter
    def run_id(self, value):
        self.__dict__.setdefault("_seen", {})["run_id"] = value

    @property
    def run(self):
        """The run that last saw the finding (a query; lists read `run_id`)."""
        from scanning.models import ScanRun

        return ScanRun.objects.filter(pk=self.run_id).first() if self.run_id else None

    @run.setter
    def run(self, value):
        self.run_id = value.pk if value is not None else None

    def _sighting_value(self, name):
        pending = self.__dict__.get("_seen", {})
        if name in pending:
            return pending[name]
        try:
            sighting = self.sighting  # select_related("sighting") reads it with the finding
        except FindingSighting.DoesNotExist:
            return None
        return getattr(sighting, name)

    def save(self, *args, **kwargs):
        """A finding saved by hand (tests, seeds) gets its sighting: `last_seen`/`run` as given,
        else seen when first seen. Ingestion writes both tables in bulk (services/ingest_findings)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        seen = self.__dict__.pop("_seen", {})
        if seen or adding:
            values = {"organization_id": self.organization_id, "product": self.product, **seen}
            if adding:
                values.setdefault("last_seen", self.first_seen)
            FindingSighting.objects.update_or_create(finding=self, defaults=values)
            self._state.fields_cache.pop("sighting", None)


class FindingSighting(models.Model):
    """When a finding was last seen, and by which run: written for every finding of every batch
    (one INSERT ... ON CONFLICT DO UPDATE), so it is a narrow row with a single index besides its
    key, which also serves sort_by=last_seen and the last_seen date range of the lists. The
    finding is its primary key, without a constraint in the database (see FindingFields)."""

    finding = models.OneToOneField(Finding, primary_key=True, on_delete=models.CASCADE, related_name="sighting",
                                   db_constraint=False)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False, db_constraint=False)
    product = models.CharField(max_length=32)
    run = models.ForeignKey("scanning.ScanRun", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
                            db_constraint=False)
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "product", "last_seen", "finding"], name="sighting_last_seen_order"),
        ]

    def __str__(self):
        return f"{self.finding_id} last seen {self.last_seen:%Y-%m-%d %H:%M}"
