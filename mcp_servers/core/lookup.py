"""Looking an entity up by id, with the error a model can act on when it does not exist."""

from collections.abc import Mapping
from typing import TypeVar

from mcp_servers.core.errors import ToolError

__all__ = ["require"]

T = TypeVar("T")


def require(collection: Mapping[str, T], key: str, kind: str, hint: str) -> T:
    """`collection[key]`.

    Raises:
        ToolError: no such key: "Unknown <kind> '<key>'. <hint>", where the hint names the tool that lists valid ids.
    """
    found = collection.get(key)
    if found is None:
        raise ToolError(f"Unknown {kind} {key[:64]!r}. {hint}")
    return found
