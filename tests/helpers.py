"""Helpers for tests that replay real calls: grounded scenarios per server, and their results."""

from collections.abc import Iterable
from functools import cache
from typing import Any

from mcp_servers import Episode
from mcp_servers.core.conformance import grounded_calls


@cache
def scenario(server: str, seed: int) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Grounded successful calls for (server, seed), computed once per test session."""
    return tuple(grounded_calls(server, seed))


def replay(episode: Episode, calls: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any] | str]:
    """Each call's structured content, or its error text, run in `episode`."""
    return [result.content if result.ok else result.error for result in (episode.call(t, a) for t, a in calls)]
