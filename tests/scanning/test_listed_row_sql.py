"""The SQL pieces of the scanning and host list rows (scanning/api/rows.py) agree with their
Python counterparts on both databases, and `Inlined` writes nothing into SQL it cannot quote."""

from datetime import UTC, datetime

import pytest
from django.db.models import Value

from organizations.models import Organization
from scanning.api.rows import EpochMicroseconds, Inlined, epoch_microseconds
from tests.api.test_listed_rows import EDGE_TIMES

pytestmark = pytest.mark.django_db

# the timestamps' edge cases of the formatted columns, and one past 2038 (32-bit epochs)
MOMENTS = [*EDGE_TIMES, datetime(2038, 1, 19, 3, 14, 8, 123456, tzinfo=UTC)]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_database_epoch_microseconds_match_python(world, moment):
    Organization.objects.filter(pk=world.customer.pk).update(created_at=moment)
    value = Organization.objects.filter(pk=world.customer.pk).values_list(EpochMicroseconds("created_at"), flat=True).get()
    assert value == epoch_microseconds(moment)


def test_inlined_writes_constants_and_refuses_other_text(world):
    rows = Organization.objects.filter(pk=world.customer.pk)
    assert rows.values_list(Inlined(Value(42)), Inlined(Value("fixed")), Inlined(Value(2.5))).get() == (42, "fixed", 2.5)
    with pytest.raises(ValueError, match="not written into SQL"):
        rows.values_list(Inlined(Value("x'; DROP TABLE users; --")), flat=True).get()
