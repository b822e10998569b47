from .deletion import deletion_summary
from .export import EXPORT_COLUMNS, csv_lines, export_rows, write_csv
from .limits import check_limit, live_subscription, register_usage, usage_of
from .organizations import (
    can_see_organization,
    create_organization,
    delete_organization,
    deletion_refusal,
    move_user,
    remove_organization,
    staff_organization,
    update_organization,
    visible_organization_ids,
)

__all__ = [
    "can_see_organization", "check_limit", "live_subscription", "register_usage", "usage_of",
    "EXPORT_COLUMNS", "csv_lines", "create_organization", "delete_organization", "deletion_refusal",
    "deletion_summary", "export_rows", "move_user", "remove_organization", "staff_organization",
    "update_organization", "visible_organization_ids", "write_csv",
]
