from .export import EXPORT_COLUMNS, csv_lines, export_rows, write_csv
from .limits import check_limit, live_subscription, register_usage, usage_of
from .organizations import (
    create_organization,
    delete_organization,
    descendant_ids,
    move_user,
    staff_organization,
    update_organization,
    visible_organization_ids,
)

__all__ = [
    "check_limit", "live_subscription", "register_usage", "usage_of",
    "EXPORT_COLUMNS", "csv_lines", "create_organization", "delete_organization", "descendant_ids", "export_rows",
    "move_user", "staff_organization", "update_organization", "visible_organization_ids", "write_csv",
]
