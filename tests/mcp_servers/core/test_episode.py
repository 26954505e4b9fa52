"""Episodes: routing by tool name, argument handling, atomic calls, isolation, lifecycle."""

import pytest

from mcp_servers import Episode, registry
from mcp_servers.core.conformance import check_server
from mcp_servers.core.errors import UnknownServer


def test_an_episode_offers_the_tools_of_all_its_servers_in_both_schema_formats():
    episode = Episode.open(["banking", "travel_booking"], seed=1)
    expected = set(registry.get("banking").tools) | set(registry.get("travel_booking").tools)
    assert {tool["function"]["name"] for tool in episode.tools("openai")} == expected
    assert {tool["name"] for tool in episode.tools("mcp")} == expected
    assert all(tool["function"]["parameters"]["type"] == "object" for tool in episode.tools())


def test_opening_an_unknown_server_names_the_registered_ones():
    with pytest.raises(UnknownServer, match="registered servers: .*banking"):
        Episode.open(["bankingg"])


def test_the_state_hash_does_not_depend_on_the_order_of_servers():
    assert Episode.open(["banking", "filesystem"], 3).state_hash() == Episode.open(["filesystem", "banking"], 3).state_hash()
    assert Episode.open(["banking"], 3).state_hash() != Episode.open(["banking"], 4).state_hash()


def test_unknown_tools_and_malformed_arguments_are_graded_errors_with_hints(defective_server):
    episode = Episode.open([defective_server])
    unknown = episode.call("add_to_countr", {})
    assert unknown.status == "unknown_tool" and "Did you mean add_to_counter?" in unknown.error
    assert episode.call("add_to_counter", '{"counter_id": "CTR-0001", ').status == "invalid_arguments"
    assert "JSON object" in episode.call("add_to_counter", "[1, 2]").error
    assert "amount" in episode.call("add_to_counter", {"counter_id": "CTR-0001", "amount": "2"}).error
    assert episode.call(12345, {}).status == "unknown_tool"  # type: ignore[arg-type]
    huge = episode.call("x" * 1_000_000, {})
    assert huge.status == "unknown_tool" and len(huge.error) < 200


def test_raw_json_text_arguments_are_parsed_like_a_dict(defective_server):
    episode = Episode.open([defective_server])
    result = episode.call("add_to_counter", '{"counter_id": "CTR-0001", "amount": 2}')
    assert result.ok and result.content["counter_id"] == "CTR-0001"
    assert result.to_dict()["ok"] is True


def test_a_tool_that_crashes_after_changing_the_world_is_rolled_back(defective_server):
    episode = Episode.open([defective_server])
    before = episode.snapshot()
    result = episode.call("add_to_counter", {"counter_id": "CTR-0002", "amount": -5})
    assert result.status == "internal_error" and "ArithmeticError" in result.error
    assert "Traceback" not in result.error
    assert episode.snapshot() == before


def test_writes_in_one_episode_never_reach_another(defective_server):
    first, second = Episode.open([defective_server], 0), Episode.open([defective_server], 0)
    initial = second.state_hash()
    assert first.call("add_to_counter", {"counter_id": "CTR-0001", "amount": 7}).ok
    assert first.state_hash() != initial
    assert second.state_hash() == initial
    assert Episode.open([defective_server], 0).state_hash() == initial


def test_a_closed_episode_refuses_calls_and_closing_again_is_harmless(defective_server):
    episode = Episode.open([defective_server])
    episode.close()
    episode.close()
    assert episode.closed
    assert episode.call("add_to_counter", {"counter_id": "CTR-0001", "amount": 1}).status == "episode_closed"


def test_the_conformance_checker_catches_a_mutating_read_and_a_non_atomic_write(defective_server):
    report = check_server(defective_server, fresh_process=False)
    found = {(finding.check, finding.tool) for finding in report.findings}
    assert ("atomicity", "peek_counter") in found
    assert ("probe", "add_to_counter") in found  # the crash is reported as an internal error
    assert not report.ok
