"""The server catalogue, `docs/servers.md`, generated from the tool declarations (`prove catalog` writes it).

A test checks that the committed file equals what the declarations produce, so the docs cannot drift.
"""

from pathlib import Path

from mcp_servers import registry
from mcp_servers.core.tool import ToolSpec

__all__ = ["CATALOG_PATH", "render_catalog"]

CATALOG_PATH = Path(__file__).resolve().parent.parent / "docs" / "servers.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _entities(spec: ToolSpec, side: str) -> str:
    marks = spec.arg_entities if side == "takes" else spec.result_entities
    kinds = dict.fromkeys(f"{mark.kind}*" if mark.sensitive else mark.kind for mark in marks.values())
    return ", ".join(kinds) or "-"


def render_catalog() -> str:
    """The whole catalogue as Markdown."""
    names = registry.names()
    total = sum(len(registry.get(name).tools) for name in names)
    lines = [
        "# Server catalogue",
        "",
        f"Generated from the tool declarations by `prove catalog`; do not edit. {len(names)} servers, {total} tools.",
        "Entities marked `*` are sensitive: a task may only use them when the user or an earlier tool output gave them.",
        "",
        "| server | group | tools | read | write | what it is |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        server = registry.get(name)
        reads = sum(spec.kind == "read" for spec in server.tools.values())
        lines.append(
            f"| [{name}](#{name}) | {server.group} | {len(server.tools)} | {reads} | {len(server.tools) - reads} | {_cell(server.description)} |"
        )
    for name in names:
        server = registry.get(name)
        lines += ["", f"## {name}", "", _cell(server.description), "", "| tool | kind | what it does | takes | yields |", "|---|---|---|---|---|"]
        for spec in server.tools.values():
            summary = spec.description.split("\n", 1)[0]
            lines.append(f"| `{spec.name}` | {spec.kind} | {_cell(summary)} | {_entities(spec, 'takes')} | {_entities(spec, 'yields')} |")
    return "\n".join(lines) + "\n"
