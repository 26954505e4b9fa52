"""Scoring speed: one trajectory scored by each reward preset, against executing the same reference calls in process.

The trajectory is a server's grounded scenario (the conformance probe's successful calls) used both as the
reference and as the model's calls, with the final state hash of an episode that ran them.
"""

import statistics
import time
from typing import Any

import rewards
from mcp_servers import Episode
from mcp_servers.core.conformance import grounded_calls


def _median_seconds(run: Any, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def scoring_vs_execution(server: str, repeats: int = 50) -> dict[str, dict[str, float]]:
    """Per preset: episodes scored per second, and scoring time over executing the reference calls."""
    calls = grounded_calls(server)
    episode = Episode.open([server])
    for tool, arguments in calls:
        episode.call(tool, arguments)
    reference = {"calls": [{"name": t, "arguments": a} for t, a in calls], "edges": [], "final_state_hash": episode.state_hash()}
    model_calls = [{"name": t, "arguments": a, "name_ok": True, "params_ok": True, "executed_ok": True} for t, a in calls]

    def execute() -> None:
        replay = Episode.open([server])
        for tool, arguments in calls:
            replay.call(tool, arguments)

    execute()  # warm the template cache
    execution = _median_seconds(execute, repeats)
    results = {}
    for name in rewards.PRESETS:
        seconds = _median_seconds(lambda: rewards.score(reference, model_calls, preset=name, final_state_hash=reference["final_state_hash"]), repeats)
        results[name] = {"calls": len(calls), "per_second": 1 / seconds, "ratio": seconds / execution}
    return results
