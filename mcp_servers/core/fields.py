"""Annotations shared by every server's declarations.

`Entity` marks a string (an argument, or a field of a result model) as the id or key of a kind of thing in the
world: `Annotated[str, Entity("account")]`. Two tools connect when one yields an entity kind the other takes;
the dependency graph is computed from these marks alone. `sensitive=True` marks values (PINs, passwords, tokens)
that a task may only use when the user or an earlier tool output supplied them.

The bounded text types keep hostile inputs (megabyte strings) out of the world: validation rejects them before
a tool runs.
"""

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

__all__ = ["Entity", "Name", "ShortText", "LongText", "Money", "Count"]


@dataclass(frozen=True, slots=True)
class Entity:
    """The kind of world entity a string refers to (an account id, an order id, a file path)."""

    kind: str
    sensitive: bool = False


Name = Annotated[str, Field(min_length=1, max_length=120)]
ShortText = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=100_000)]
Money = Annotated[float, Field(gt=0, le=1_000_000_000, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=1, le=1000)]
