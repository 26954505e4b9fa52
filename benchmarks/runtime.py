"""In-process costs of the runtime, each against an anchor measured in the same run.

- call overhead: a replay of real successful calls (the conformance probe's, reads and writes mixed as in a
  rollout) through `Episode.call` with JSON-ish arguments, against the same calls made on the bare tool functions
  with already-validated arguments;
- episode open: `Episode.open` plus the first call (which copies the cached world), against generating the world
  with `new_world(seed)` (what the cache saves), and the memory one materialized episode holds.
"""

import contextlib
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from mcp_servers import Episode, registry
from mcp_servers.core.conformance import grounded_calls, probe
from mcp_servers.core.errors import ToolError

SEED = 0


def _median_ns(run: Callable[[], Any], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        run()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples)


def _bare_call(world: Any, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """Call the bare tool; a refusal is part of the replayed work, as it is through `Episode.call`."""
    with contextlib.suppress(ToolError):
        fn(world, **kwargs)


def call_overhead(name: str, repeats: int = 100) -> dict[str, float]:
    """Median per-call time of a replayed scenario: through `Episode.call` and on the bare functions."""
    server = registry.get(name)
    calls = grounded_calls(name, SEED)
    bare_calls = [(server.tools[tool].fn, dict(server.tools[tool].args_model.model_validate(arguments))) for tool, arguments in calls]

    def through_episode() -> int:
        episode = Episode.open([name], SEED)
        episode.call(*calls[0])  # materialize the world outside the measured loop
        start = time.perf_counter_ns()
        for tool, arguments in calls:
            episode.call(tool, arguments)
        return time.perf_counter_ns() - start

    def bare() -> int:
        world = server.world_type.new_world(SEED)
        _bare_call(world, *bare_calls[0])  # the episode path's materializing call, outside the loop as there
        start = time.perf_counter_ns()
        for fn, kwargs in bare_calls:
            _bare_call(world, fn, kwargs)
        return time.perf_counter_ns() - start

    episode_us = statistics.median(through_episode() for _ in range(repeats)) / len(calls) / 1000
    bare_us = statistics.median(bare() for _ in range(repeats)) / len(calls) / 1000
    return {"calls": len(calls), "episode_us": episode_us, "bare_us": bare_us, "ratio": episode_us / bare_us}


def failed_write(name: str, repeats: int = 30) -> dict[str, float]:
    """Median cost of a write the world refuses after the whole scenario ran: the rollback rebuilds the world.

    The refused call is the first refusal of the conformance probe that the world still refuses after the scenario.
    """
    report = probe(name, SEED)
    calls = [(tool, arguments) for tool, arguments in report.successes if isinstance(arguments, dict)]
    writes = sum(registry.get(name).tools[tool].kind == "write" for tool, _ in calls)
    for tool, arguments in report.refusals:
        samples = []
        for _ in range(repeats):
            episode = Episode.open([name], SEED)
            for call in calls:
                episode.call(*call)
            start = time.perf_counter_ns()
            refused = not episode.call(tool, arguments).ok
            samples.append(time.perf_counter_ns() - start)
            if not refused:
                break
        else:
            return {"tool": tool, "writes_replayed": writes, "rollback_us": statistics.median(samples) / 1000}
    raise RuntimeError(f"no refused write of the {name} probe is still refused after its scenario")


def episode_open(name: str, repeats: int = 200) -> dict[str, float]:
    """Median cost of opening an episode and materializing its world, and memory per materialized episode."""
    tool, arguments = grounded_calls(name, SEED)[0]
    Episode.open([name], SEED).call(tool, arguments)  # warm the template cache
    world_type = registry.get(name).world_type
    generate_us = _median_ns(lambda: world_type.new_world(SEED), 20) / 1000
    open_us = _median_ns(lambda: Episode.open([name], SEED), repeats) / 1000
    first_call_us = _median_ns(lambda: Episode.open([name], SEED).call(tool, arguments), repeats) / 1000
    episode = Episode.open([name], SEED)
    episode.call(tool, arguments)
    later_call_us = _median_ns(lambda: episode.call(tool, arguments), repeats) / 1000

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = []
    for _ in range(100):
        kept.append(Episode.open([name], SEED))
        kept[-1].call(tool, arguments)
    per_episode_kb = (tracemalloc.get_traced_memory()[0] - before) / len(kept) / 1024
    tracemalloc.stop()
    world_json_kb = len(world_type.new_world(SEED).canonical_json()) / 1024
    return {
        "open_us": open_us,
        "materialize_us": first_call_us - later_call_us,
        "generate_us": generate_us,
        "ratio": (first_call_us - later_call_us) / generate_us,
        "memory_kb": per_episode_kb,
        "world_json_kb": world_json_kb,
    }
