"""The world: the whole state of one server for one episode, as a pydantic model.

A server subclasses `World`, declares its collections as fields, and implements `generate(rng)`, which fills a
fresh world from a seeded `random.Random`. `new_world(seed)` is then the same on every machine and in every
process, provided the generator follows three rules: draw randomness only from `rng`; read time only from
`self.now` (a virtual clock fixed per seed, advanced only by tools that model waiting); never iterate a `set`
or call `hash()` on strings (both vary between processes). Collections are dicts keyed by id or lists.

`state_hash()` digests the canonical JSON (sorted keys), so two worlds with the same content hash the same however
their dicts were filled: a different valid order of calls that reaches the same state gets the same hash.
"""

import hashlib
import random
from abc import ABC, abstractmethod
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar, Self

import orjson
from pydantic import BaseModel, ConfigDict

__all__ = ["World", "EPOCH"]

EPOCH = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
"""Monday 2 March 2026, 09:00 UTC: the virtual clock of every world starts here, shifted by whole days per seed."""


class World(BaseModel, ABC):
    """Base of every server's state. Subclasses add their collections and implement `generate`."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, revalidate_instances="never")

    server: ClassVar[str]
    seed: int
    now: datetime
    counters: dict[str, int] = {}

    @classmethod
    def new_world(cls, seed: int) -> Self:
        """Build the world for `seed`: identical in every process for the same seed."""
        rng = random.Random(f"{cls.server}:{seed}")
        world = cls.model_construct(seed=seed, now=EPOCH + timedelta(days=rng.randrange(0, 28)), counters={})
        world.generate(rng)
        return cls.model_validate(world.model_dump())

    @abstractmethod
    def generate(self, rng: random.Random) -> None:
        """Fill the collections of this fresh world (`seed` and `now` are set)."""

    def next_id(self, prefix: str, width: int = 4) -> str:
        """A new id such as `TRF-0007`, unique within this world and deterministic in the order of creation."""
        number = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = number
        return f"{prefix}-{number:0{width}d}"

    def advance(self, delta: timedelta) -> None:
        """Move the virtual clock forward (for tools that model waiting)."""
        self.now = self.now + delta

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain JSON data."""
        return self.model_dump(mode="json")

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> Self:
        """The world a `snapshot()` was taken of."""
        return cls.model_validate(snapshot)

    def canonical_json(self) -> bytes:
        """Sorted-key, whitespace-free UTF-8 JSON of the state: the input of `state_hash`."""
        return orjson.dumps(self.snapshot(), option=orjson.OPT_SORT_KEYS)

    def state_hash(self) -> str:
        """A stable hex digest of the state, equal across processes and machines for equal states."""
        return hashlib.sha256(self.canonical_json()).hexdigest()
