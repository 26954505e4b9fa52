"""Same seed, same calls, same world: in this process and in fresh ones with other string-hash seeds."""

import json
import os
import subprocess
import sys

import pytest

from mcp_servers import Episode, registry
from mcp_servers.core.conformance import grounded_calls

REPLAY = """
import json, sys
from mcp_servers import Episode
job = json.load(sys.stdin)
episode = Episode.open([job["server"]], seed=job["seed"])
results = [episode.call(tool, arguments).to_dict() for tool, arguments in job["calls"]]
print(json.dumps({"hash": episode.state_hash(), "results": results}, sort_keys=True))
"""


def _replay_in_fresh_process(job: dict, hash_seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", REPLAY], input=json.dumps(job), capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", registry.names())
def test_a_scenario_of_calls_ends_in_the_same_state_in_every_process(name):
    calls = grounded_calls(name, seed=11)
    assert any(registry.get(name).tools[tool].kind == "write" for tool, _ in calls), "no successful write to replay"
    episode = Episode.open([name], seed=11)
    local = [episode.call(tool, arguments).to_dict() for tool, arguments in calls]
    job = {"server": name, "seed": 11, "calls": calls}
    first, second = _replay_in_fresh_process(job, "1"), _replay_in_fresh_process(job, "2")
    assert first == second
    assert first["hash"] == episode.state_hash() != Episode.open([name], seed=11).state_hash()
    assert json.loads(json.dumps(local, sort_keys=True)) == first["results"]
