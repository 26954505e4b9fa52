"""The servers through the MCP SDK's real client: in memory, over stdio, and over HTTP on 127.0.0.1.

Every transport must give exactly what the Python API gives for the same calls on the same seed.
"""

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import Client, StdioServerParameters

from mcp_servers import Episode, registry
from mcp_servers.core.mcp_adapter import build_mcp_server
from orchestrator.gateway import GatewayConfig, build_app
from tests.helpers import replay, scenario

SERVER = "banking"


def _as_replayed(result: Any) -> dict[str, Any] | str:
    return result.structured_content if not result.is_error else result.content[0].text


async def _replay_over_mcp(client: Client, calls: Any) -> list[dict[str, Any] | str]:
    return [_as_replayed(await client.call_tool(tool, arguments)) for tool, arguments in calls]


@contextmanager
def serving(config: GatewayConfig) -> Iterator[str]:
    """The gateway on a free loopback port in a background thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(build_app(config), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    with serving(GatewayConfig(servers=[SERVER, "filesystem"])) as base:
        yield base


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_in_memory_client_lists_the_declared_tools_and_calls_them_like_the_python_api(mode):
    episode = Episode.open([SERVER], seed=3)
    server = build_mcp_server(SERVER, episode.tool_specs(), lambda ctx: episode, instructions="test")
    calls = scenario(SERVER, 3)
    async with Client(server, mode=mode) as client:
        listed = await client.list_tools()
        assert {tool.name for tool in listed.tools} == set(registry.get(SERVER).tools)
        first = listed.tools[0]
        assert first.input_schema == registry.get(SERVER).tools[first.name].input_schema
        over_mcp = await _replay_over_mcp(client, calls)
    assert over_mcp == replay(Episode.open([SERVER], seed=3), calls)
    assert episode.state_hash() != Episode.open([SERVER], seed=3).state_hash()


@pytest.mark.anyio
async def test_the_stdio_server_is_one_episode_of_the_given_seed():
    calls = scenario(SERVER, 7)[:12]
    parameters = StdioServerParameters(
        command=sys.executable, args=["-m", "orchestrator.cli", "serve", SERVER, "--stdio", "--seed", "7"]
    )
    async with Client(parameters) as client:
        assert len((await client.list_tools()).tools) == len(registry.get(SERVER).tools)
        over_stdio = await _replay_over_mcp(client, calls)
        unknown = await client.call_tool("no_such_tool", {})
    assert over_stdio == replay(Episode.open([SERVER], seed=7), calls)
    assert unknown.is_error and "Unknown tool" in unknown.content[0].text


@pytest.mark.anyio
async def test_legacy_http_sessions_each_get_a_private_episode_even_when_interleaved(gateway):
    calls = scenario(SERVER, 5)
    url = f"{gateway}/{SERVER}/mcp?seed=5"
    async with Client(url, mode="legacy") as first, Client(url, mode="legacy") as second:
        seen_first, seen_second = [], []
        for tool, arguments in calls:
            seen_first.append(_as_replayed(await first.call_tool(tool, arguments)))
            seen_second.append(_as_replayed(await second.call_tool(tool, arguments)))
        assert httpx.get(f"{gateway}/health").json()["sessions"] == 2
    expected = replay(Episode.open([SERVER], seed=5), calls)
    assert seen_first == expected and seen_second == expected
    assert httpx.get(f"{gateway}/health").json()["sessions"] == 0


@pytest.mark.anyio
async def test_a_default_mode_client_works_in_an_explicit_episode_whose_state_is_readable(gateway):
    calls = scenario(SERVER, 9)
    opened = httpx.post(f"{gateway}/episodes", json={"servers": [SERVER, "filesystem"], "seed": 9})
    assert opened.status_code == 201
    body = opened.json()
    async with Client(body["servers"][SERVER]) as client:
        over_http = await _replay_over_mcp(client, calls)
    reference = Episode.open([SERVER, "filesystem"], seed=9)
    assert over_http == replay(reference, calls)
    state = httpx.get(f"{gateway}/episodes/{body['episode_id']}").json()
    assert state["state_hash"] == reference.state_hash()
    assert state["snapshot"] == reference.snapshot()
    assert httpx.delete(f"{gateway}/episodes/{body['episode_id']}").status_code == 204
    assert httpx.get(f"{gateway}/episodes/{body['episode_id']}").status_code == 404
    gone = httpx.post(body["servers"][SERVER], json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert gone.status_code == 404


@pytest.mark.anyio
async def test_sessionless_clients_share_one_persistent_world_per_seed(gateway):
    writes = [(tool, arguments) for tool, arguments in scenario(SERVER, 13) if registry.get(SERVER).tools[tool].kind == "write"]
    url = f"{gateway}/{SERVER}/mcp?seed=13"
    async with Client(url) as first:
        first_seen = await _replay_over_mcp(first, writes)
    async with Client(url) as second:
        second_seen = await _replay_over_mcp(second, writes)
    fresh = replay(Episode.open([SERVER], seed=13), writes)
    assert first_seen == fresh
    assert second_seen != fresh  # the second client found the first one's changes


def test_episode_requests_are_validated_and_routed_only_to_their_own_servers(gateway):
    assert httpx.post(f"{gateway}/episodes", json={"servers": ["nope"]}).status_code == 404
    assert httpx.post(f"{gateway}/episodes", json={"servers": []}).status_code == 422
    assert httpx.post(f"{gateway}/episodes", content=b"{not json").status_code == 422
    episode_id = httpx.post(f"{gateway}/episodes", json={"servers": [SERVER]}).json()["episode_id"]
    wrong = httpx.post(f"{gateway}/episodes/{episode_id}/filesystem/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert wrong.status_code == 404 and "has no server" in wrong.json()["error"]
    assert httpx.post(f"{gateway}/nope/mcp", json={}).status_code == 404


def test_the_bound_on_open_episodes_answers_503_with_the_reason():
    with serving(GatewayConfig(servers=[SERVER], max_episodes=1)) as base:
        assert httpx.post(f"{base}/episodes", json={"servers": [SERVER]}).status_code == 201
        refused = httpx.post(f"{base}/episodes", json={"servers": [SERVER]})
        assert refused.status_code == 503 and "Too many open episodes" in refused.json()["error"]


def test_idle_episodes_expire():
    with serving(GatewayConfig(servers=[SERVER], idle_timeout=0.2)) as base:
        episode_id = httpx.post(f"{base}/episodes", json={"servers": [SERVER]}).json()["episode_id"]
        time.sleep(0.6)
        assert httpx.get(f"{base}/health").json()["open_episodes"] == 0
        assert httpx.get(f"{base}/episodes/{episode_id}").status_code == 404


def test_a_non_loopback_bind_needs_a_token_and_then_every_request_must_carry_it():
    with pytest.raises(ValueError, match="token"):
        build_app(GatewayConfig(host="0.0.0.0", servers=[SERVER]))
    with serving(GatewayConfig(servers=[SERVER], token="s3cret")) as base:
        assert httpx.get(f"{base}/health").status_code == 401
        assert httpx.get(f"{base}/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(f"{base}/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200
