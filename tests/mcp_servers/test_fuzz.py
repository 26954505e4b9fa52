"""Property-based fuzzing of every tool of every server with hostile arguments.

Each call must come back as a result (success or a graded error, never an exception or an internal error), and a
failed call or a read call must leave the world exactly as it was.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from mcp_servers import Episode, registry
from mcp_servers.core.conformance import HOSTILE_NUMBERS, HOSTILE_STRINGS
from mcp_servers.core.tool import ToolSpec

TOOLS = sorted(registry.all_tools().values(), key=lambda spec: (spec.server, spec.name))


def _strings_in(data: object, found: list[str]) -> list[str]:
    """String values of a world snapshot (ids, names, paths): arguments that can actually hit something."""
    if isinstance(data, str) and len(data) < 80 and data not in found:
        found.append(data)
    elif isinstance(data, dict):
        for key, value in data.items():
            _strings_in(key, found)
            _strings_in(value, found)
    elif isinstance(data, list):
        for value in data:
            _strings_in(value, found)
    return found


def _arguments(spec: ToolSpec, world_strings: list[str]) -> st.SearchStrategy[object]:
    scalar = st.one_of(
        st.sampled_from(world_strings),
        st.sampled_from(HOSTILE_STRINGS),
        st.sampled_from(HOSTILE_NUMBERS),
        st.text(max_size=40),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
    )
    value = st.one_of(scalar, st.lists(scalar, max_size=4), st.dictionaries(st.text(max_size=8), scalar, max_size=3))
    keys = st.sampled_from([*spec.input_schema["properties"], "unexpected"])
    return st.one_of(
        from_schema(spec.input_schema),
        st.dictionaries(keys, value, max_size=6),
        st.fixed_dictionaries({arg: st.sampled_from(world_strings) for arg in spec.required}),
        st.text(max_size=60),
        st.none(),
        st.lists(scalar, max_size=3),
    )


@pytest.mark.parametrize("spec", TOOLS, ids=[f"{spec.server}.{spec.name}" for spec in TOOLS])
def test_hostile_arguments_give_a_result_and_failed_calls_leave_the_world_unchanged(spec: ToolSpec):
    episode = Episode.open([spec.server], seed=0)
    world_strings = _strings_in(episode.snapshot(), [])[:400]

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(arguments=_arguments(spec, world_strings))
    def call_once(arguments: object) -> None:
        before = episode.snapshot()
        result = episode.call(spec.name, arguments)  # type: ignore[arg-type]
        assert result.status != "internal_error", result.error
        assert result.ok == (result.error is None)
        if not result.ok or spec.kind == "read":
            assert episode.snapshot() == before, f"{result.status}: {result.error}"

    call_once()
