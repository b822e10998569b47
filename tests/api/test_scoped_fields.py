"""Scoping fails closed by construction (issue 13, item 14): every related-id input field of every
/v2 serializer looks ids up through the caller's scope. With no caller in the context a field
must find nothing; a field built on `Model.objects.all()` (narrowed, or not, by some view) fails
here. The services check reach themselves too, so the admin and commands are held to it."""

import importlib
import pkgutil

import pytest
from django.apps import apps
from rest_framework import serializers

from config.api.scoping import ScopedPrimaryKeyRelatedField, visible_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "organizations", "scanning", "findings", "reports", "events", "config")


def project_serializers():
    for app in PROJECT_APPS:
        try:
            package = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.walk_packages(package.__path__, f"{app}.api."):
            importlib.import_module(module.name)
    seen, todo = set(), [serializers.BaseSerializer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted((c for c in seen if c.__module__.split(".")[0] in PROJECT_APPS),
                  key=lambda c: f"{c.__module__}.{c.__qualname__}")


def related_fields(serializer):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ManyRelatedField):
            field = field.child_relation
        if isinstance(field, serializers.RelatedField) and not field.read_only:
            yield name, field
        elif isinstance(field, serializers.BaseSerializer) and not isinstance(field, serializers.ListSerializer):
            yield from ((f"{name}.{inner}", f) for inner, f in related_fields(field))


def test_every_related_id_field_is_scoped(world):
    checked, unscoped = [], []
    for cls in project_serializers():
        try:
            serializer = cls(context={})
            fields = list(related_fields(serializer))
        except Exception:  # noqa: BLE001 - serializers that need arguments have no plain fields to check
            continue
        for name, field in fields:
            checked.append(f"{cls.__name__}.{name}")
            queryset = field.get_queryset()
            if not isinstance(field, ScopedPrimaryKeyRelatedField) or queryset is None or queryset.exists():
                unscoped.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert not unscoped, f"related-id fields not scoped by config.api.scoping: {unscoped}"
    assert "UserInputSerializer.organization_id" in checked
    assert "OrganizationInputSerializer.parent_organization" in checked


def test_scanning_id_fields_find_nothing_without_the_views_scoped_querysets(world):
    from scanning.api.inputs import ScopedRelatedField
    from scanning.models import PortList

    built_in = PortList.objects.filter(organization__isnull=True).first()
    assert built_in is not None
    checked = 0
    for cls in project_serializers():
        try:
            fields = cls(context={}).fields.items()
        except Exception:  # noqa: BLE001
            continue
        for _name, field in fields:
            if isinstance(field, ScopedRelatedField):
                checked += 1
                with pytest.raises(serializers.ValidationError):
                    field.to_internal_value(str(built_in.pk))
    assert checked >= 5


def test_the_scoping_function_fails_closed(world):
    organizations = apps.get_model("organizations", "Organization").objects.all()
    assert not visible_to(None, organizations, "pk").exists()
    homeless = UserFactory(organization=None)
    assert not visible_to(homeless, organizations, "pk").exists()
    assert set(visible_to(world.manager, organizations, "pk")) == {world.customer}
    assert set(visible_to(world.partner, organizations, "pk")) == {world.partner_org, world.customer}


def test_services_check_reach_themselves(world):
    """The admin and commands call these services: a Manager or Partner cannot reach outside
    its scope through them, whatever the caller looked up."""
    from accounts.services.users import create_user, update_user
    from config.api.errors import InvalidInput, NotFound
    from organizations.services.organizations import move_user

    with pytest.raises(InvalidInput) as error:
        create_user(world.partner, {"username": "intruder", "email": "i@example.com", "organization": world.other_org})
    assert "organization_id" in error.value.errors
    with pytest.raises(NotFound):
        update_user(world.partner, world.other_user, {"first_name": "X"})
    with pytest.raises(InvalidInput) as error:
        update_user(world.partner, world.user, {"organization": world.other_org})
    assert "organization_id" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        move_user(world.partner, world.other_user, world.customer)
    assert "user_id" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        move_user(world.partner, world.user, world.other_org)
    assert "organization_id" in error.value.errors
