"""The subscription lifecycle: expiry past the end date, auto-renewal, idempotence, the
management command, the periodic job, and the admin's cancel/extend actions."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from operations.periodic import JOBS
from organizations.models import Subscription
from organizations.services.lifecycle import run_subscription_lifecycle
from organizations.services.limits import live_subscription

from .conftest import give

START = date(2024, 1, 10)


def on(day, tick=False):
    return time_machine.travel(f"{day} 12:00:00+00:00", tick=tick)


def reload(subscription):
    return Subscription.objects.get(pk=subscription.pk)


@pytest.fixture
def monthly(world, catalogue):
    return give(world.customer, catalogue["pci-standard"], interval="monthly", start_date=START)


@pytest.fixture
def renewing(world, catalogue):
    return give(world.customer, catalogue["vrms-standard"], interval="monthly", start_date=START, auto_renewal=True)


def test_a_subscription_is_live_through_its_end_date(monthly):
    assert monthly.end_date == date(2024, 2, 10)
    with on("2024-02-10"):
        assert run_subscription_lifecycle() == {"expired": 0, "renewed": 0}
    assert reload(monthly).status == "active"


def test_past_its_end_date_it_expires_and_frees_the_product(api, world, monthly):
    with on("2024-02-11"):
        assert run_subscription_lifecycle() == {"expired": 1, "renewed": 0}
        response = api.as_user(world.manager).get(f"/v2/organizations/{world.customer.pk}/subscriptions/{monthly.pk}")
    assert response.json()["data"]["attributes"]["status"] == "expired"
    assert live_subscription(world.customer, "pci") is None
    response = api.as_user(world.partner).post(f"/v2/organizations/{world.customer.pk}/subscribe", {"plan": "pci-standard"})
    assert response.status_code == 201, response.content


def test_auto_renewal_extends_by_one_interval(renewing):
    with on("2024-02-11"):
        assert run_subscription_lifecycle() == {"expired": 0, "renewed": 1}
    renewed = reload(renewing)
    assert (renewed.status, renewed.end_date) == ("active", date(2024, 3, 10))


def test_renewal_catches_up_missed_periods(renewing):
    with on("2024-05-20"):
        run_subscription_lifecycle()
    assert reload(renewing).end_date == date(2024, 6, 10)


def test_yearly_renewal(world, catalogue):
    subscription = give(world.customer, catalogue["pci-standard"], interval="yearly", start_date=date(2024, 2, 29), auto_renewal=True)
    with on("2025-03-01"):
        run_subscription_lifecycle()
    assert reload(subscription).end_date == date(2026, 2, 28)


def test_a_renewed_trial_becomes_active(world, catalogue):
    plan = catalogue["vrms-standard"]
    plan.trial_enabled, plan.trial_duration_days = True, 14
    plan.save()
    subscription = give(world.customer, plan, start_date=START, auto_renewal=True)
    assert subscription.status == "trial"
    with on("2024-02-11"):
        run_subscription_lifecycle()
    assert reload(subscription).status == "active"


def test_without_an_interval_auto_renewal_cannot_renew(world, catalogue):
    subscription = give(world.customer, catalogue["pci-standard"], interval="none", start_date=START,
                        end_date=date(2024, 3, 1), auto_renewal=True)
    with on("2024-03-02"):
        assert run_subscription_lifecycle() == {"expired": 1, "renewed": 0}
    assert reload(subscription).status == "expired"


def test_open_ended_and_cancelled_subscriptions_are_left_alone(world, catalogue):
    open_ended = give(world.customer, catalogue["pci-standard"], interval="none", start_date=START)
    cancelled = give(world.customer, catalogue["vrms-standard"], start_date=START)
    Subscription.objects.filter(pk=cancelled.pk).update(status="cancelled")
    with on("2030-01-01"):
        assert run_subscription_lifecycle() == {"expired": 0, "renewed": 0}
    assert (reload(open_ended).status, reload(cancelled).status) == ("active", "cancelled")


def test_running_twice_changes_nothing_the_second_time(monthly, renewing):
    with on("2024-02-11"):
        assert run_subscription_lifecycle() == {"expired": 1, "renewed": 1}
        before = {s.pk: (s.status, s.end_date, s.updated_at) for s in Subscription.objects.all()}
    with on("2024-02-11 18:00:00"):
        assert run_subscription_lifecycle() == {"expired": 0, "renewed": 0}
    after = {s.pk: (s.status, s.end_date, s.updated_at) for s in Subscription.objects.all()}
    assert after == before


def test_changes_move_updated_at(monthly):
    with on("2024-02-11"):
        run_subscription_lifecycle()
    assert reload(monthly).updated_at.date() == date(2024, 2, 11)


# --- the operator's command and the task ---

def test_management_command(monthly, renewing):
    out = StringIO()
    with on("2024-02-11"):
        call_command("subscription_lifecycle", stdout=out)
        assert "expired: 1, renewed: 1" in out.getvalue()
        out = StringIO()
        call_command("subscription_lifecycle", stdout=out)
    assert "expired: 0, renewed: 0" in out.getvalue()


def test_management_command_as_of_a_date(monthly):
    call_command("subscription_lifecycle", "--today", "2024-02-11", stdout=StringIO())
    assert reload(monthly).status == "expired"


def test_management_command_refuses_a_bad_date(monthly):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("subscription_lifecycle", "--today", "tomorrow")


def test_the_scheduler_runs_the_same_job(monthly):
    job = next(job for job in JOBS if job.name == "subscription lifecycle")
    with on("2024-02-11"):
        assert job.run() == {"expired": 1, "renewed": 0}


# --- admin actions (the same services) ---

@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


CHANGELIST = "/admin/organizations/subscription/"


def test_admin_cancels_subscriptions(admin_client, monthly, renewing):
    response = admin_client.post(CHANGELIST, {"action": "cancel", "_selected_action": [str(monthly.pk), str(renewing.pk)]}, follow=True)
    assert response.status_code == 200
    assert "2 subscription(s) updated" in response.content.decode()
    assert {reload(monthly).status, reload(renewing).status} == {"cancelled"}
    assert reload(monthly).cancellation_reason


def test_admin_cancel_reports_what_it_could_not_do(admin_client, monthly):
    Subscription.objects.filter(pk=monthly.pk).update(status="expired")
    response = admin_client.post(CHANGELIST, {"action": "cancel", "_selected_action": [str(monthly.pk)]}, follow=True)
    assert "already expired" in response.content.decode()
    assert reload(monthly).status == "expired"


def test_admin_extends_by_one_month(admin_client, monthly):
    admin_client.post(CHANGELIST, {"action": "extend_one_month", "_selected_action": [str(monthly.pk)]}, follow=True)
    assert reload(monthly).end_date == date(2024, 3, 10)


@pytest.mark.parametrize("params", ["", "?status__exact=active", "?product__id__exact=x", "?q=Customer"])
def test_admin_subscription_pages_render(admin_client, monthly, params):
    if "product" in params:
        params = f"?product__id__exact={monthly.product_id}"
    assert admin_client.get(CHANGELIST + params).status_code == 200
    assert admin_client.get(f"{CHANGELIST}{monthly.pk}/change/").status_code == 200


def test_admin_plan_and_organization_pages_render(admin_client, world, monthly):
    assert admin_client.get(f"/admin/organizations/plan/{monthly.plan_id}/change/").status_code == 200
    page = admin_client.get(f"/admin/organizations/organization/{world.customer.pk}/change/")
    assert page.status_code == 200 and "pci-standard" in page.content.decode()
    assert admin_client.get("/admin/organizations/product/").status_code == 200
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 200


def test_admin_adds_a_subscription_through_the_service(admin_client, world, catalogue):
    response = admin_client.post(f"{CHANGELIST}add/", {
        "organization": str(world.customer.pk), "plan": str(catalogue["vrms-standard"].pk),
        "interval": "yearly", "start_date": "2024-03-01", "end_date": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = Subscription.objects.get(organization=world.customer)
    assert (subscription.end_date, subscription.product.code) == (date(2025, 3, 1), "vrms")
    assert subscription.features["number_of_ips"]["limit"] == 64


def test_admin_add_refuses_a_second_live_subscription(admin_client, world, monthly, catalogue):
    response = admin_client.post(f"{CHANGELIST}add/", {
        "organization": str(world.customer.pk), "plan": str(catalogue["pci-open"].pk), "interval": "", "start_date": "",
    })
    assert response.status_code == 200
    assert "already has an active pci subscription" in response.content.decode()
    assert Subscription.objects.filter(organization=world.customer).count() == 1
