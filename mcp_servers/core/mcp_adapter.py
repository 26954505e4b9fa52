"""MCP exposure of registered servers, built from the same declarations as every other schema.

We use the SDK's low-level `mcp.server.Server` rather than `MCPServer`: `MCPServer` derives tool schemas from
Python signatures and runs each tool as a free function, whereas here the `ToolSpec` is the one source of schemas,
and every call must be routed to the episode of the client that made it. How a request maps to an episode is the
transport's business (one episode per stdio process; per session, per shared world or per explicit handle over
HTTP), so the caller passes a `resolve(ctx)` function.
"""

import json
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.server.context import ServerRequestContext
from mcp.server.stdio import stdio_server

from mcp_servers import registry
from mcp_servers.core.episode import CallResult, Episode, unknown_tool
from mcp_servers.core.errors import CapacityError, EpisodeUnavailable
from mcp_servers.core.tool import ToolSpec

__all__ = ["EpisodeResolver", "build_mcp_server", "to_call_tool_result", "serve_stdio", "VERSION"]

VERSION = "0.1.0"

EpisodeResolver = Callable[[ServerRequestContext[Any, Any]], Episode]
"""Finds (or opens) the episode a request belongs to; raises `EpisodeUnavailable` or `CapacityError`."""


def to_call_tool_result(result: CallResult) -> types.CallToolResult:
    """A `CallResult` as MCP content: JSON text plus structured content, or an error result."""
    if result.ok:
        text = json.dumps(result.content, ensure_ascii=False)
        return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=result.content)
    return types.CallToolResult(content=[types.TextContent(text=result.error or result.status)], is_error=True)


def _error_result(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def build_mcp_server(name: str, specs: Sequence[ToolSpec], resolve: EpisodeResolver, *, instructions: str) -> Server:
    """An MCP server offering `specs`, each call run in the episode `resolve` picks for its request."""
    tools = [types.Tool.model_validate(spec.mcp_definition()) for spec in specs]
    schemas = {spec.name: spec.input_schema for spec in specs}
    listing = types.ListToolsResult(tools=tools)

    async def list_tools(ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return listing

    async def call_tool(ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in schemas:
            return to_call_tool_result(unknown_tool(params.name, schemas))
        try:
            episode = resolve(ctx)
        except (EpisodeUnavailable, CapacityError) as exc:
            return _error_result(str(exc))
        return to_call_tool_result(episode.call(params.name, params.arguments))

    return Server(
        name,
        version=VERSION,
        instructions=instructions,
        get_tool_input_schema=schemas.get,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def describe(servers: Sequence[str]) -> str:
    """The instructions an MCP client shows for these servers: each server's own description."""
    return "\n".join(f"{name}: {registry.get(name).description}" for name in servers)


def serve_stdio(servers: Sequence[str], seed: int) -> None:
    """Serve one episode on `servers` over stdin/stdout until the client disconnects."""
    episode = Episode.open(servers, seed)
    server = build_mcp_server("+".join(episode.servers), episode.tool_specs(), lambda ctx: episode, instructions=describe(servers))

    async def run() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    try:
        anyio.run(run)
    finally:
        episode.close()
