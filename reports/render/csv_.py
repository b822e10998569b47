"""CSV: one row per finding (every finding; lists joined with ", "), in the type's order."""

import csv
import io

from reports.services.data import FINDING_COLUMNS


def render(data, out) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(FINDING_COLUMNS)
    for finding in data.findings():
        writer.writerow([cell(finding[column]) for column in FINDING_COLUMNS])
    text.flush()
    text.detach()


def cell(value):
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text  # no spreadsheet formulas


def _number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False
