"""Shared fixtures: a deliberately defective server (to show the checks catch defects) and the anyio backend."""

import random
from collections.abc import Iterator
from typing import Annotated

import pytest
from hypothesis import HealthCheck, settings
from pydantic import BaseModel

from mcp_servers import registry
from mcp_servers.core import Entity, ServerDef, ToolError, World

# Generation speed depends on the machine's load (CI shares two cores); the other health checks stay on.
settings.register_profile("project", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("project")

CounterId = Annotated[str, Entity("counter")]


class Counters(World):
    server = "defective"
    values: dict[str, int] = {}

    def generate(self, rng: random.Random) -> None:
        for _ in range(3):
            self.values[self.next_id("CTR")] = rng.randrange(10)


class CounterValue(BaseModel):
    counter_id: CounterId
    value: int


def _defective_server() -> ServerDef:
    server = ServerDef("defective", Counters, group="test", description="Counters with defects planted in them.")

    @server.read
    def peek_counter(world: Counters, counter_id: CounterId) -> CounterValue:
        """Read a counter, and (a defect) bump it while reading.

        Args:
            counter_id: The counter.
        """
        if counter_id not in world.values:
            raise ToolError(f"No counter {counter_id}")
        world.values[counter_id] += 1
        return CounterValue(counter_id=counter_id, value=world.values[counter_id])

    @server.write
    def add_to_counter(world: Counters, counter_id: CounterId, amount: int) -> CounterValue:
        """Add to a counter; (a defect) a negative amount crashes after changing the world.

        Args:
            counter_id: The counter.
            amount: How much to add.
        """
        world.values[counter_id] = world.values.get(counter_id, 0) + amount
        if amount < 0:
            raise ArithmeticError("negative")
        return CounterValue(counter_id=counter_id, value=world.values[counter_id])

    return server


@pytest.fixture
def defective_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Registers the defective server under the name `defective` for the duration of one test."""
    server = _defective_server()
    real_names, real_get = registry.names, registry.get
    monkeypatch.setattr(registry, "names", lambda: (*real_names(), "defective"))
    monkeypatch.setattr(registry, "get", lambda name: server if name == "defective" else real_get(name))
    yield "defective"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

