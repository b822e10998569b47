"""The check text an organization's findings show (CheckInfo, one row per organization and nvt).

Built-in checks keep their catalogue text (a newer release updates it); an imported report's text
is that tool's and stays in the importing organization. An import never overwrites the text of a
built-in check, and no organization's import reaches another's rows."""

from findings.models import CheckInfo

from .bulk import Read, Upsert, json_value
from .ingest_ids import natural_id

TEXT_FIELDS = ("name", "family", "cvss_vector", "severity", "qod", "summary", "insight", "affected", "impact",
               "solution", "solution_type", "cves", "references", "pci_fail", "source")
BUILTIN = "builtin"
COLUMNS = tuple(field.attname for field in CheckInfo._meta.concrete_fields)


def existing_checks(organization_id, nvts):
    """The Read (bulk.py) of the organization's stored catalogue rows for these checks;
    `checks_by_nvt` makes its rows {nvt: CheckInfo}."""
    return Read(CheckInfo.objects.filter(organization_id=organization_id, nvt__in=nvts).order_by()
                .values_list(*COLUMNS))


def checks_by_nvt(rows):
    checks = {}
    for row in rows:
        check = CheckInfo(**dict(zip(COLUMNS, row, strict=True)))
        check.cves, check.references = json_value(check.cves), json_value(check.references)
        check._state.adding = False
        checks[check.nvt] = check
    return checks


def check_info_rows(organization_id, findings, existing, now):
    """({nvt: CheckInfo id}, {nvt: CheckInfo to write}) for the given engine findings, against the
    `existing` rows: a row is written only when new or when its text changes."""
    wanted = {}
    for finding in findings:
        wanted.setdefault(finding.nvt, finding)
    ids, writes = {}, {}
    for nvt, finding in wanted.items():
        old = existing.get(nvt)
        if old is not None and old.source == BUILTIN and finding.source != BUILTIN:
            ids[nvt] = old.pk  # an import names a built-in check: the built-in text stays
            continue
        row = check_info_of(organization_id, finding, old)
        ids[nvt] = row.pk
        if old is None or any(getattr(old, name) != getattr(row, name) for name in TEXT_FIELDS):
            row.created_at, row.updated_at = (old.created_at if old else None) or now, now
            writes[nvt] = row
    return ids, writes


def check_info_upsert(rows):
    """The Upsert (bulk.py) of CheckInfo objects from check_info_rows."""
    return Upsert(CheckInfo, COLUMNS, [tuple(getattr(row, name) for name in COLUMNS) for row in rows],
                  unique=("organization", "nvt"), update=(*TEXT_FIELDS, "updated_at"))


def check_info_of(organization_id, finding, old):
    """The row for `finding`'s check. A text the finding leaves empty keeps the stored one: a
    Greenbone CSV export has no vector or family, and importing it after the XML export of the same
    scan must not blank what the XML said."""

    def kept(value, name):
        return value if value or old is None else getattr(old, name)

    return CheckInfo(
        id=old.pk if old else natural_id("check", organization_id, finding.nvt), organization_id=organization_id,
        nvt=finding.nvt, source=finding.source or BUILTIN, name=(finding.name or finding.nvt)[:512],
        family=kept((finding.family or "")[:64], "family"), cvss_vector=kept(finding.cvss_vector or "", "cvss_vector"),
        severity=float(finding.severity), qod=finding.qod, summary=kept(finding.summary or "", "summary"),
        insight=kept(finding.insight or "", "insight"), affected=kept(finding.affected or "", "affected"),
        impact=kept(finding.impact or "", "impact"), solution=kept(finding.solution or "", "solution"),
        solution_type=kept(finding.solution_type or "", "solution_type"), cves=kept(list(finding.cves or ()), "cves"),
        references=kept(list(finding.references or ()), "references"), pci_fail=bool(finding.pci_fail),
    )
