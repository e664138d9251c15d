"""The triage fixtures (customers on each package, agents, teams, a fixed clock)."""

from tests.triage.conftest import agents, customers, teams, triager

__all__ = ["agents", "customers", "teams", "triager"]
