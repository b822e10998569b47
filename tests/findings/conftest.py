"""The scanning fixtures (plans, subscriptions, built-ins, workers) serve the findings tests too."""

from tests.scanning.conftest import builtins, catalogue, client_of, subscribed  # noqa: F401
