import uuid


def parse_uuid(value):
    """A UUID from a string, or None when it is malformed."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def split_uuids(values):
    """(valid UUID strings, malformed originals), order kept, duplicates dropped."""
    valid, malformed, seen = [], [], set()
    for value in values:
        parsed = parse_uuid(value)
        if parsed is None:
            malformed.append(str(value))
        elif parsed not in seen:
            seen.add(parsed)
            valid.append(str(parsed))
    return valid, malformed
