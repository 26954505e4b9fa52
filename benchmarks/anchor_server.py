"""The anchor of the gateway benchmark: a plain SDK `MCPServer` offering one of our tools on one fixed world.

It does the same work per call as the gateway (the same tool function on the same world) with none of our routing,
episodes, validation or rollback, so the ratio between the two is what the gateway adds.
Run: `python -m benchmarks.anchor_server SERVER TOOL --port PORT`.
"""

import argparse
import functools
import inspect

import uvicorn
from mcp.server.mcpserver import MCPServer

from mcp_servers import registry


def build_anchor(server_name: str, tool_name: str) -> MCPServer:
    spec = registry.get(server_name).tools[tool_name]
    world = registry.get(server_name).world_type.new_world(0)
    signature = inspect.signature(spec.fn)

    @functools.wraps(spec.fn)
    def bound(**arguments: object) -> object:
        return spec.fn(world, **arguments)

    bound.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    bound.__annotations__ = {k: v for k, v in spec.fn.__annotations__.items() if k != "world"}
    anchor = MCPServer(name=f"anchor-{server_name}")
    anchor.add_tool(bound, name=tool_name, description=spec.description)
    return anchor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("tool")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build_anchor(args.server, args.tool).streamable_http_app(json_response=True)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
