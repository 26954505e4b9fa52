"""The runtime every server uses: declarations, worlds, episodes, schemas, the MCP adapter, the conformance checker.

A server imports what it needs to declare itself from here: `ServerDef`, `World`, `Entity`, `ToolError`, `require`
and the bounded field types.
"""

from mcp_servers.core.errors import CapacityError, EpisodeUnavailable, ToolError, UnknownServer
from mcp_servers.core.fields import Count, Entity, LongText, Money, Name, ShortText
from mcp_servers.core.lookup import require
from mcp_servers.core.tool import Kind, ServerDef, ToolSpec
from mcp_servers.core.world import EPOCH, World

__all__ = [
    "CapacityError",
    "Count",
    "EPOCH",
    "Entity",
    "EpisodeUnavailable",
    "Kind",
    "LongText",
    "Money",
    "Name",
    "ServerDef",
    "ShortText",
    "ToolError",
    "ToolSpec",
    "UnknownServer",
    "World",
    "require",
]
