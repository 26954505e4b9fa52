"""The generated server catalogue."""

from typer.testing import CliRunner

from mcp_servers import registry
from orchestrator.catalog import CATALOG_PATH, render_catalog
from orchestrator.cli import app


def test_the_committed_catalogue_is_what_the_declarations_produce():
    assert CATALOG_PATH.read_text() == render_catalog(), "docs/servers.md is stale: run `prove catalog`"


def test_the_catalogue_lists_every_tool_with_its_kind_and_entities():
    text = render_catalog()
    for name in registry.names():
        assert f"## {name}" in text
        for spec in registry.get(name).tools.values():
            row = next(line for line in text.splitlines() if line.startswith(f"| `{spec.name}` |"))
            assert f"| {spec.kind} |" in row
            for mark in spec.arg_entities.values():
                assert mark.kind in row


def test_catalog_check_fails_when_the_file_is_stale(tmp_path, monkeypatch):
    stale = tmp_path / "servers.md"
    stale.write_text("old\n")
    monkeypatch.setattr("orchestrator.cli.CATALOG_PATH", stale)
    assert CliRunner().invoke(app, ["catalog", "--check"]).exit_code == 1
    assert CliRunner().invoke(app, ["catalog"]).exit_code == 0
    assert stale.read_text() == render_catalog()
    assert CliRunner().invoke(app, ["catalog", "--check"]).exit_code == 0
