"""The `prove` command line."""

from typer.testing import CliRunner

from mcp_servers import registry
from orchestrator.cli import app

runner = CliRunner()


def test_servers_lists_every_registered_server_with_its_tool_count():
    result = runner.invoke(app, ["servers"], terminal_width=200)
    assert result.exit_code == 0
    rows = {cells[1].strip(): [cell.strip() for cell in cells] for cells in (line.split("│") for line in result.output.splitlines()) if len(cells) > 3}
    for name in registry.names():
        assert rows[name][3] == str(len(registry.get(name).tools)), rows[name]
    total = sum(len(registry.get(name).tools) for name in registry.names())
    assert f"{len(registry.names())} servers, {total} tools" in result.output


def test_serve_refuses_an_unknown_server_and_a_public_bind_without_token():
    unknown = runner.invoke(app, ["serve", "no_such_server"])
    assert unknown.exit_code != 0 and "unknown server" in unknown.output
    public = runner.invoke(app, ["serve", "banking", "--host", "0.0.0.0"])
    assert public.exit_code != 0 and "token" in public.output


def test_conformance_reports_a_clean_server_and_exits_zero():
    result = runner.invoke(app, ["conformance", "banking"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "banking" in result.output
