"""Episodes: the isolated worlds of one rollout or one client, on one or more servers, from one seed.

Startup path: `Episode.open(servers, seed)` checks the server names and builds the tool routing table for that
set of servers (cached per set). No world is built yet: a server's world is materialized on the first call routed
to it, as a copy of a per-(server, seed) template that is generated once per process. A server the episode never
calls costs nothing and reports its template's hash.

Per-call path: `call(name, arguments)` parses the arguments (a dict, or the raw JSON text a model produced),
validates them against the tool's strict argument model, runs the tool, and returns a `CallResult`. The episode
keeps the successful write calls of each world; when a write fails (or any tool crashes), the world is rebuilt from
its template by replaying them, so a failed call leaves the world byte-for-byte unchanged while successful calls pay
nothing for that guarantee. Errors come back as short messages a model can act on, never as tracebacks.
"""

import copy
import difflib
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import ValidationError

from mcp_servers import registry
from mcp_servers.core.errors import ToolError
from mcp_servers.core.tool import ToolSpec
from mcp_servers.core.world import World

__all__ = ["Episode", "CallResult", "Status", "ToolFormat", "unknown_tool"]

logger = logging.getLogger(__name__)

Status = Literal["ok", "unknown_tool", "invalid_arguments", "tool_error", "internal_error", "episode_closed"]
ToolFormat = Literal["openai", "mcp"]

_MAX_SHOWN = 64
"""How many characters of a caller-supplied name or value an error message repeats."""


@dataclass(frozen=True, slots=True)
class CallResult:
    """The outcome of one tool call.

    `status` grades the call for the reward's validity levels: `unknown_tool` (the name is not offered),
    `invalid_arguments` (arguments did not parse or validate), `tool_error` (valid call, the world said no),
    `internal_error` (a defect in the tool; the world was rolled back), `episode_closed`.
    """

    tool: str
    status: Status
    content: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


@lru_cache(maxsize=128)
def _template(server: str, seed: int) -> tuple[type[World], dict[str, Any], str]:
    """The world type, the python dump of `new_world(seed)` (what copies are made from) and its state hash.

    Bounded: a large world's dump holds about a megabyte, and a process may see many seeds.
    """
    world = registry.get(server).world_type.new_world(seed)
    return type(world), world.model_dump(), world.state_hash()


def _fresh_copy(server: str, seed: int) -> World:
    world_type, dump, _ = _template(server, seed)
    return world_type.model_validate(dump)


@lru_cache(maxsize=256)
def _routing(servers: tuple[str, ...]) -> dict[str, ToolSpec]:
    return {name: spec for server in servers for name, spec in registry.get(server).tools.items()}


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."


def _validation_message(tool: str, error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{_shorten(where)}: {item['msg']}")
    more = error.error_count() - len(problems)
    suffix = f" (and {more} more)" if more > 0 else ""
    return f"Invalid arguments for {tool}: " + "; ".join(problems) + suffix


def unknown_tool(name: object, offered: Iterable[str]) -> CallResult:
    """The result of calling a tool that is not offered, with the closest offered name as a hint."""
    shown = _shorten(str(name))
    close = difflib.get_close_matches(shown, list(offered), n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    return CallResult(str(name)[:_MAX_SHOWN], "unknown_tool", error=f"Unknown tool {shown!r}: it is not offered here.{hint}")


class Episode:
    """Isolated worlds for a set of servers, addressed by tool name."""

    def __init__(self, servers: Sequence[str], seed: int = 0, episode_id: str | None = None) -> None:
        self.servers: tuple[str, ...] = tuple(dict.fromkeys(servers))
        if not self.servers:
            raise ValueError("an episode needs at least one server")
        self.seed = seed
        self.id = episode_id or uuid.uuid4().hex
        self._routes = _routing(self.servers)
        self._worlds: dict[str, World] = {}
        self._writes: dict[str, list[tuple[ToolSpec, dict[str, Any]]]] = {}
        self._closed = False

    @classmethod
    def open(cls, servers: Sequence[str], seed: int = 0, *, episode_id: str | None = None) -> "Episode":
        """Open an episode on `servers`, each world as `new_world(seed)` built it.

        Raises:
            UnknownServer: a name is not registered.
            ValueError: no servers were given.
        """
        return cls(servers, seed, episode_id)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Release the worlds. Closing twice is harmless; calls after close answer `episode_closed`."""
        self._closed = True
        self._worlds.clear()
        self._writes.clear()

    def _world(self, server: str) -> World:
        world = self._worlds.get(server)
        if world is None:
            world = self._worlds[server] = _fresh_copy(server, self.seed)
        return world

    def call(self, name: str, arguments: Mapping[str, Any] | str | None = None) -> CallResult:
        """Run tool `name` with `arguments` (a mapping, or JSON text as a model wrote it) in this episode."""
        if self._closed:
            return CallResult(str(name)[:_MAX_SHOWN], "episode_closed", error="This episode is closed.")
        spec = self._routes.get(name) if isinstance(name, str) else None
        if spec is None:
            return unknown_tool(name, self._routes)
        if isinstance(arguments, (str, bytes)):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError as exc:
                return CallResult(name, "invalid_arguments", error=f"Arguments for {name} are not valid JSON: {exc}")
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, Mapping):
            kind = type(arguments).__name__
            return CallResult(name, "invalid_arguments", error=f"Arguments for {name} must be a JSON object, not {kind}")
        try:
            validated = spec.args_model.model_validate(arguments)
        except ValidationError as exc:
            return CallResult(name, "invalid_arguments", error=_validation_message(name, exc))
        return self._run(spec, dict(validated))

    def _run(self, spec: ToolSpec, kwargs: dict[str, Any]) -> CallResult:
        world = self._world(spec.server)
        pristine = copy.deepcopy(kwargs) if spec.kind == "write" else None  # a tool may keep or change its inputs
        try:
            result = spec.fn(world, **kwargs)
        except ToolError as exc:
            if spec.kind == "write":
                self._roll_back(spec.server)
            return CallResult(spec.name, "tool_error", error=str(exc) or f"{spec.name} failed")
        except Exception as exc:  # a defect in the tool: restore the world, tell the caller, log for the developer
            logger.exception("tool %s raised unexpectedly", spec.name)
            self._roll_back(spec.server)
            return CallResult(spec.name, "internal_error", error=f"{spec.name} failed unexpectedly ({type(exc).__name__})")
        if pristine is not None:
            self._writes.setdefault(spec.server, []).append((spec, pristine))
        return CallResult(spec.name, "ok", content=result.model_dump(mode="json"))

    def _roll_back(self, server: str) -> None:
        """Put back the world as it was before the failed call: a fresh copy with the successful writes replayed.

        Rebuilding on failure instead of backing up before every write keeps successful calls free of copying; it is
        exact because tools are deterministic (the conformance checker replays calls in fresh processes to prove
        it). Read tools never change the world (also checked), so only writes and defects pay for a rebuild.
        """
        world = _fresh_copy(server, self.seed)
        for spec, kwargs in self._writes.get(server, []):
            spec.fn(world, **copy.deepcopy(kwargs))
        self._worlds[server] = world

    def tool_specs(self) -> list[ToolSpec]:
        """The declarations of every tool this episode offers, server by server."""
        return list(self._routes.values())

    def tools(self, format: ToolFormat = "openai") -> list[dict[str, Any]]:
        """Schemas of every tool offered: OpenAI function tools, or MCP tool definitions."""
        if format == "openai":
            return [spec.openai_schema() for spec in self._routes.values()]
        return [spec.mcp_definition() for spec in self._routes.values()]

    def state_hashes(self) -> dict[str, str]:
        """The state hash of each server's world."""
        return {
            server: self._worlds[server].state_hash() if server in self._worlds else _template(server, self.seed)[2]
            for server in self.servers
        }

    def state_hash(self) -> str:
        """One digest of all the episode's worlds, independent of the order the servers were given in."""
        lines = "".join(f"{server}={digest}\n" for server, digest in sorted(self.state_hashes().items()))
        return hashlib.sha256(lines.encode()).hexdigest()

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every world's state as JSON data, by server."""
        return {server: (self._worlds.get(server) or _fresh_copy(server, self.seed)).snapshot() for server in self.servers}
