"""Run every benchmark, print the tables, and with `--write` record them in benchmarks/RESULTS.md.

Usage: `python -m benchmarks [--write] [--servers banking,filesystem]` (`make bench` writes).
"""

import argparse
import datetime
import os
import platform
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from benchmarks.gateway import gateway_vs_plain
from benchmarks.reward_speed import scoring_vs_execution
from benchmarks.runtime import call_overhead, episode_open, failed_write
from mcp_servers import registry
from mcp_servers.core.conformance import grounded_calls

RESULTS = Path(__file__).with_name("RESULTS.md")
GATEWAY_SERVER = "banking"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def run(servers: list[str]) -> str:
    overhead = {name: call_overhead(name) for name in servers}
    opening = {name: episode_open(name) for name in servers}
    refusals = {name: failed_write(name) for name in servers}
    read_tool, read_arguments = next(
        (tool, arguments) for tool, arguments in grounded_calls(GATEWAY_SERVER) if registry.get(GATEWAY_SERVER).tools[tool].kind == "read"
    )
    http = gateway_vs_plain(GATEWAY_SERVER, read_tool, read_arguments)
    scoring = scoring_vs_execution(GATEWAY_SERVER)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    sections = [
        "# Benchmark results",
        f"Measured {datetime.date.today().isoformat()} on {machine} with `make bench` "
        "(`.venv/bin/python -m benchmarks --write`). Every ratio is against an anchor measured in the same run; on this "
        "shared 2-core machine, repeated runs move the in-process ratios by up to about 0.3x.",
        "## Tool call: `Episode.call` vs the bare tool function",
        "A replay of the conformance probe's successful calls (reads and writes, grounded in real entities). "
        "`Episode.call` parses and strictly validates the arguments, logs successful writes (a failed write rebuilds "
        "the world by replaying them), and dumps the result to JSON; the anchor calls the function with validated "
        "arguments and ignores its result.",
        _table(
            ["server", "calls replayed", "Episode.call (µs/call)", "bare function (µs/call)", "ratio"],
            [[n, str(r["calls"]), f"{r['episode_us']:.1f}", f"{r['bare_us']:.1f}", f"{r['ratio']:.2f}x"] for n, r in overhead.items()],
        ),
        "## Episode open at the default world size",
        "`Episode.open` is lazy; a server's world is copied from a per-seed template on the first call routed to it. "
        "The anchor is generating the world from its seed (what the template cache saves).",
        _table(
            ["server", "open (µs)", "materialize (µs)", "generate world (µs)", "materialize / generate", "memory per episode (KiB)", "world JSON (KiB)"],
            [
                [n, f"{r['open_us']:.1f}", f"{r['materialize_us']:.0f}", f"{r['generate_us']:.0f}", f"{r['ratio']:.2f}x", f"{r['memory_kb']:.0f}", f"{r['world_json_kb']:.0f}"]
                for n, r in opening.items()
            ],
        ),
        "## A refused write: the rollback",
        "A write the world refuses (one the conformance probe saw refused) after the scenario's successful calls: the episode rebuilds that "
        "world from its template and replays the successful writes. The anchor is materializing the world alone "
        "(the rebuild's floor). Successful calls never pay this.",
        _table(
            ["server", "refused tool", "writes replayed", "rollback (µs)", "materialize (µs)", "ratio"],
            [
                [n, r["tool"], str(r["writes_replayed"]), f"{r['rollback_us']:.0f}", f"{opening[n]['materialize_us']:.0f}", f"{r['rollback_us'] / opening[n]['materialize_us']:.2f}x"]
                for n, r in refusals.items()
            ],
        ),
        "## One tool call over HTTP: the gateway vs a plain `MCPServer`",
        f"`{GATEWAY_SERVER}.{read_tool}`, 300 sequential calls after 20 warm-up calls, SDK `Client`, JSON responses, "
        "both servers in their own process on 127.0.0.1; the plain server runs the same function on one world.",
        _table(
            ["client mode", "gateway (ms)", "plain MCPServer (ms)", "ratio"],
            [[mode, f"{r['gateway_ms']:.2f}", f"{r['plain_ms']:.2f}", f"{r['ratio']:.2f}x"] for mode, r in http.items()],
        ),
        "## Scoring a trajectory: each reward preset vs executing its calls",
        f"A `{GATEWAY_SERVER}` scenario of {next(iter(scoring.values()))['calls']} grounded calls as both reference and "
        "model calls; the anchor is running those calls in a fresh in-process episode.",
        _table(
            ["preset", "episodes scored per second", "scoring / execution"],
            [[name, f"{r['per_second']:,.0f}", f"{r['ratio']:.3f}x"] for name, r in scoring.items()],
        ),
    ]
    return "\n\n".join(sections) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the results in benchmarks/RESULTS.md")
    parser.add_argument("--servers", default=",".join(registry.names()))
    args = parser.parse_args()
    report = run(args.servers.split(","))
    Console().print(Markdown(report))
    if args.write:
        RESULTS.write_text(report)


if __name__ == "__main__":
    main()
