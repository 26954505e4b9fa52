"""Helpers for server tests: calls that must succeed or fail, and grounded scenarios per server with their replay."""

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


def ok(episode: Episode, tool: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call `tool`, assert it succeeded, and return its content."""
    result = episode.call(tool, arguments or {})
    assert result.ok, (tool, arguments, result.status, result.error)
    return result.content


def fails(episode: Episode, tool: str, arguments: dict[str, Any], *fragments: str) -> str:
    """Call `tool`, assert a tool_error mentioning every fragment (any case) that left the world unchanged."""
    before = episode.state_hash()
    result = episode.call(tool, arguments)
    assert result.status == "tool_error", (tool, arguments, result.status, result.error, result.content)
    for fragment in fragments:
        assert fragment.lower() in result.error.lower(), (fragment, result.error)
    assert episode.state_hash() == before
    return result.error
