"""The `prove` command line: list servers, serve them over MCP, check their conformance."""

from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from mcp_servers import registry
from mcp_servers.core.conformance import check_server
from mcp_servers.core.mcp_adapter import serve_stdio
from orchestrator.catalog import CATALOG_PATH, render_catalog
from orchestrator.gateway import GatewayConfig, build_app

app = typer.Typer(help="Stateful MCP tool servers and the tooling to train models on them.", no_args_is_help=True)
console = Console()


def _known(names: list[str] | None) -> list[str]:
    """The given server names, checked, or all registered servers."""
    for name in names or ():
        if name not in registry.names():
            raise typer.BadParameter(f"unknown server {name!r}; registered: {', '.join(registry.names())}")
    return list(names or registry.names())


@app.command()
def servers() -> None:
    """List the registered servers with their tool counts."""
    table = Table(title="Registered servers")
    for column in ("server", "group", "tools", "read", "write", "description"):
        table.add_column(column, justify="right" if column in ("tools", "read", "write") else "left")
    total = 0
    for name in registry.names():
        server = registry.get(name)
        reads = sum(spec.kind == "read" for spec in server.tools.values())
        total += len(server.tools)
        table.add_row(name, server.group, str(len(server.tools)), str(reads), str(len(server.tools) - reads), server.description)
    console.print(table)
    console.print(f"{len(registry.names())} servers, {total} tools")


@app.command()
def serve(
    names: Annotated[list[str] | None, typer.Argument(help="servers to serve (default: all)")] = None,
    stdio: Annotated[bool, typer.Option(help="serve one episode over stdin/stdout (for desktop clients)")] = False,
    seed: Annotated[int, typer.Option(help="world seed of the stdio episode")] = 0,
    host: Annotated[str, typer.Option(help="address to bind; anything but loopback needs --token")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port")] = 8765,
    token: Annotated[str | None, typer.Option(help="bearer token every HTTP request must carry")] = None,
    idle_timeout: Annotated[float, typer.Option(help="seconds before an unused episode is closed")] = 1800.0,
    max_episodes: Annotated[int, typer.Option(help="bound on private episodes open at once")] = 10_000,
) -> None:
    """Serve MCP: one episode over stdio, or every server over HTTP at /<server>/mcp."""
    selected = _known(names)
    if stdio:
        serve_stdio(selected, seed)
        return
    config = GatewayConfig(
        host=host, port=port, token=token, idle_timeout=idle_timeout, max_episodes=max_episodes, servers=selected
    )
    try:
        gateway = build_app(config)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"Serving {', '.join(selected)} at http://{host}:{port}/<server>/mcp", style="green")
    uvicorn.run(gateway, host=host, port=port, log_level="warning")


@app.command()
def catalog(
    check: Annotated[bool, typer.Option(help="only check that docs/servers.md is current")] = False,
) -> None:
    """Write docs/servers.md, the catalogue of every server and tool, from the declarations."""
    text = render_catalog()
    if check:
        current = CATALOG_PATH.exists() and CATALOG_PATH.read_text() == text
        console.print("docs/servers.md is current" if current else "[red]docs/servers.md is out of date: run prove catalog[/red]")
        raise typer.Exit(0 if current else 1)
    CATALOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    CATALOG_PATH.write_text(text)
    console.print(f"Wrote {CATALOG_PATH}")


@app.command()
def conformance(
    names: Annotated[list[str] | None, typer.Argument(help="servers to check (default: all)")] = None,
    seed: Annotated[int, typer.Option(help="world seed to check")] = 0,
) -> None:
    """Run the conformance checker on servers and print what it finds."""
    table = Table(title="Conformance")
    for column in ("server", "tools", "calls", "tools that succeeded", "problems"):
        table.add_column(column)
    failed = False
    for name in _known(names):
        report = check_server(name, seed=seed)
        failed |= not report.ok
        table.add_row(name, str(report.tools), str(report.calls), f"{len(report.succeeded)}/{report.tools}", str(len(report.findings)))
        for finding in report.findings:
            console.print(f"[red]{name}[/red] {finding}")
    console.print(table)
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":
    app()
