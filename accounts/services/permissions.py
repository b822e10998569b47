"""The permission flags of GET /v2/user/permissions, derived from the role."""

from config.api.permissions import has_role

PERMISSION_NAMES = (
    "ADMIN_ACCESS", "SCANNER_ACCESS", "SCANNER_CREATE", "SAQ_ACCESS", "PORT_LIST_ACCESS",
    "PORT_LIST_CREATE", "TARGET_ACCESS_CREDENTIALS", "TARGET_CREATE_CREDENTIALS",
    "AI_CHAT_GENERAL_HELP", "AI_CHAT_VULNERABILITY_SOLUTION", "AI_CHAT_ENABLED",
)

ROLE_MINIMUM = {
    "ADMIN_ACCESS": "Admin",
    "SCANNER_ACCESS": "Viewer",
    "SCANNER_CREATE": "Manager",
    "SAQ_ACCESS": "Viewer",
    "PORT_LIST_ACCESS": "Viewer",
    "PORT_LIST_CREATE": "User",
    "TARGET_ACCESS_CREDENTIALS": "User",
    "TARGET_CREATE_CREDENTIALS": "Manager",
}


def permissions_for(user, names=None):
    flags = {name: name in ROLE_MINIMUM and has_role(user, ROLE_MINIMUM[name]) for name in PERMISSION_NAMES}
    if names:
        flags = {name: flags.get(name, False) for name in names}
    return flags
