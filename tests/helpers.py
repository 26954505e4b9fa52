"""Helpers for server tests: calls that must succeed or fail, and grounded scenarios per server with their replay."""

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from mcp_servers import Episode
from mcp_servers.core.conformance import grounded_calls

T = TypeVar("T")


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


def open_server(server: str, seed: int = 0) -> Episode:
    """A fresh episode on one server."""
    return Episode.open([server], seed=seed)


def world_of(episode: Episode) -> dict[str, Any]:
    """The JSON state of a one-server episode's world (for what only the user would know, such as PINs)."""
    (state,) = episode.snapshot().values()
    return state


def clock_of(episode: Episode) -> datetime:
    """The virtual time of a one-server episode's world."""
    return datetime.fromisoformat(world_of(episode)["now"])


def assert_replays(server: str, scenario: Callable[[Episode], T], seed: int = 0) -> tuple[Episode, T]:
    """Run `scenario` on a fresh episode, check it changed the world, and replay it on another fresh episode: it
    must return the same values and reach the same state hash. Returns the first episode and what it returned."""
    first = open_server(server, seed)
    initial = first.state_hash()
    returned = scenario(first)
    assert first.state_hash() != initial
    replay = open_server(server, seed)
    assert scenario(replay) == returned
    assert replay.state_hash() == first.state_hash()
    return first, returned
