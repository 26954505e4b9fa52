"""One tool call through the HTTP gateway against the same tool on a plain `MCPServer`, same client, same transport.

Both servers run as their own processes on 127.0.0.1 with JSON responses; the client is the SDK's `Client` in
its default (sessionless 2026-07-28) mode and in legacy-session mode, making sequential calls.
"""

import asyncio
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx
from mcp import Client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], ready_url: str, timeout: float = 60.0) -> subprocess.Popen[bytes]:
    """Start a server process and wait until `ready_url` answers (any status)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command} exited with code {process.returncode}")
        try:
            httpx.get(ready_url, timeout=1.0)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise TimeoutError(f"{command} did not answer at {ready_url}")


async def _latencies(url: str, mode: str, tool: str, arguments: dict[str, Any], calls: int) -> list[float]:
    async with Client(url, mode=mode) as client:
        for _ in range(20):
            await client.call_tool(tool, arguments)
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            result = await client.call_tool(tool, arguments)
            samples.append(time.perf_counter() - start)
            if result.is_error:
                raise RuntimeError(f"benchmark call failed: {result.content}")
    return samples


def gateway_vs_plain(server: str, tool: str, arguments: dict[str, Any], calls: int = 300) -> dict[str, dict[str, float]]:
    """Median latency (ms) of `tool` through the gateway and through a plain MCPServer, per client mode."""
    gateway_port, anchor_port = free_port(), free_port()
    gateway = start([sys.executable, "-m", "orchestrator.cli", "serve", server, "--port", str(gateway_port)], f"http://127.0.0.1:{gateway_port}/health")
    anchor = start([sys.executable, "-m", "benchmarks.anchor_server", server, tool, "--port", str(anchor_port)], f"http://127.0.0.1:{anchor_port}/mcp")
    try:
        results = {}
        for mode in ("auto", "legacy"):
            ours = asyncio.run(_latencies(f"http://127.0.0.1:{gateway_port}/{server}/mcp", mode, tool, arguments, calls))
            plain = asyncio.run(_latencies(f"http://127.0.0.1:{anchor_port}/mcp", mode, tool, arguments, calls))
            gateway_ms, plain_ms = statistics.median(ours) * 1000, statistics.median(plain) * 1000
            results[mode] = {"gateway_ms": gateway_ms, "plain_ms": plain_ms, "ratio": gateway_ms / plain_ms}
        return results
    finally:
        for process in (gateway, anchor):
            process.terminate()
            process.wait(timeout=30)
