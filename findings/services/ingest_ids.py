"""Ids of new rows derived from their natural key, so that two writers racing on the same key
(two runs storing the same fingerprint) agree on the row's id."""

import uuid

ID_NAMESPACE = uuid.UUID("6f1f3d8e-2b1c-4f57-9a51-0c6a3b9d7e42")


def natural_id(*parts) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, "\x1f".join(str(part) for part in parts))
