"""Run the official MCP conformance suite (npm `@modelcontextprotocol/conformance`) against the HTTP gateway.

`make conformance` installs Node and the suite into `.node/`, then runs this module: it starts `prove serve` on a
loopback port, runs each named server scenario against one server's URL, and prints a table of the outcomes.
The scenarios that apply are the protocol ones (initialize, ping, tools/list, DNS-rebinding protection); the
others need the suite's own fixture tools, resources or prompts, which a domain server does not have.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the gateway exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise TimeoutError(f"the gateway did not answer at {url} within {timeout:.0f} s")


def run_suite(port: int, node_bin: Path, scenarios: list[str], server: str) -> dict[str, tuple[bool, str]]:
    """Outcome (passed, last lines of output) of each scenario against `/<server>/mcp`."""
    gateway = subprocess.Popen([sys.executable, "-m", "orchestrator.cli", "serve", "--port", str(port)])
    outcomes: dict[str, tuple[bool, str]] = {}
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", gateway)
        env = {**os.environ, "PATH": f"{node_bin.resolve()}{os.pathsep}{os.environ['PATH']}"}
        for scenario in scenarios:
            done = subprocess.run(
                ["conformance", "server", "--url", f"http://127.0.0.1:{port}/{server}/mcp", "--scenario", scenario],
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
            )
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-3:])
            outcomes[scenario] = (done.returncode == 0, tail)
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="+")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--node-bin", type=Path, default=Path(".node/node_modules/.bin"))
    parser.add_argument("--server", default="banking")
    args = parser.parse_args()
    outcomes = run_suite(args.port, args.node_bin, args.scenarios, args.server)
    table = Table(title=f"MCP conformance suite against /{args.server}/mcp")
    table.add_column("scenario")
    table.add_column("result")
    table.add_column("output (last lines)")
    for scenario, (passed, tail) in outcomes.items():
        table.add_row(scenario, "[green]pass[/green]" if passed else "[red]fail[/red]", tail)
    Console(width=160).print(table)
    sys.exit(0 if all(passed for passed, _ in outcomes.values()) else 1)


if __name__ == "__main__":
    main()
