"""The registered servers: every folder of `mcp_servers` with a `tools.py` that defines `server`.

`names()` lists them without importing any; `get(name)` imports one on first use. Tool names are unique across
all servers (a test enforces it), so any subset of servers can be offered to a model together and a call can be
routed by tool name alone.
"""

import importlib
import importlib.util
import pkgutil
from functools import cache

import mcp_servers
from mcp_servers.core.errors import UnknownServer
from mcp_servers.core.tool import ServerDef, ToolSpec

__all__ = ["names", "get", "all_tools"]


@cache
def names() -> tuple[str, ...]:
    """The names of all registered servers, sorted."""
    found = (
        module.name
        for module in pkgutil.iter_modules(mcp_servers.__path__)
        if module.ispkg and importlib.util.find_spec(f"mcp_servers.{module.name}.tools") is not None
    )
    return tuple(sorted(found))


@cache
def get(name: str) -> ServerDef:
    """The server called `name`.

    Raises:
        UnknownServer: no registered server has that name.
    """
    if name not in names():
        raise UnknownServer(f"Unknown server {name[:64]!r}; registered servers: {', '.join(names())}")
    server = importlib.import_module(f"mcp_servers.{name}.tools").server
    if not isinstance(server, ServerDef) or server.name != name:
        raise TypeError(f"mcp_servers.{name}.tools.server must be the ServerDef named {name!r}")
    return server


def all_tools() -> dict[str, ToolSpec]:
    """Every tool of every server by name.

    Raises:
        ValueError: two servers declare a tool with the same name.
    """
    tools: dict[str, ToolSpec] = {}
    for server_name in names():
        for tool_name, spec in get(server_name).tools.items():
            if tool_name in tools:
                raise ValueError(f"tool {tool_name!r} is declared by both {tools[tool_name].server!r} and {server_name!r}")
            tools[tool_name] = spec
    return tools
