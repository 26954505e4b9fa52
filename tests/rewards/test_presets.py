"""Hand-computed scores for every component and preset."""

import dataclasses
import json

import pytest

import rewards
from rewards import components
from rewards.trajectory import ModelCall, Normalizer, Reference, match_steps, same_value

OK = {"name_ok": True, "params_ok": True, "executed_ok": True}

# A three-step, multi-turn reference: find the customer, list their accounts, then transfer (0 -> 1 -> 2).
REFERENCE = {
    "calls": [
        {"name": "find_customer", "arguments": {"query": "ana"}},
        {"name": "list_accounts", "arguments": {"customer_id": "C1"}},
        {"name": "transfer", "arguments": {"from": "A1", "to": "A2", "amount": 50}},
    ],
    "edges": [[0, 1], [1, 2]],
    "final_state_hash": "H",
}

# The model: right first step with the wrong case, the transfer too early, a malformed call, an unknown tool.
CALLS = [
    {"name": "find_customer", "arguments": {"query": "Ana"}, **OK},
    {"name": "transfer", "arguments": {"from": "A1", "to": "A2", "amount": 50.0}, **OK},
    {"name": "list_accounts", "arguments": {"customer_id": "C1"}, **OK},
    {"name": "list_accounts", "arguments": "{bad json", "name_ok": True, "params_ok": False, "executed_ok": False},
    {"name": "unknown_tool", "arguments": {}, "name_ok": False, "params_ok": False, "executed_ok": False},
]


def test_prove_components_match_the_hand_computed_values():
    breakdown = rewards.score(REFERENCE, CALLS, final_state_hash="H")
    # validity (1 + 1 + 1 + 1/3 + 0) / 5; coverage: the transfer precedes list_accounts, so 2 of 3 steps count;
    # budget 3 + ceil(1.5) = 5 calls, no excess; names: 4 of 5 calls; values: "Ana" != "ana", so (0 + 1 + 1) / 3.
    assert breakdown.components == pytest.approx(
        {"validity": 2 / 3, "coverage": 2 / 3, "efficiency": 0.0, "tool_name": 0.8, "arg_value": 2 / 3}
    )
    assert breakdown.total == pytest.approx(0.5 * 2 / 3 + 0.5 * 2 / 3 + 0.2 * 0.8 + 0.1 * 2 / 3)
    assert "state" not in breakdown.components


def test_prove_state_adds_the_state_term_and_normalises_values():
    breakdown = rewards.score(REFERENCE, CALLS, preset="prove_state", final_state_hash="H")
    assert breakdown.components["arg_value"] == pytest.approx(1.0)
    assert breakdown.components["state"] == 1.0
    assert breakdown.total == pytest.approx(1 / 3 + 1 / 3 + 0.16 + 0.1 + 0.5)
    other_state = rewards.score(REFERENCE, CALLS, preset="prove_state", final_state_hash="other")
    assert breakdown.total - other_state.total == pytest.approx(0.5)


def test_binary_needs_every_call_exact_and_the_state_to_match():
    assert rewards.score(REFERENCE, CALLS, preset="binary", final_state_hash="H").total == 0.0
    reference_calls = [{**call, **OK} for call in REFERENCE["calls"]]
    assert rewards.score(REFERENCE, reference_calls, preset="binary", final_state_hash="H").total == 1.0
    assert rewards.score(REFERENCE, reference_calls, preset="binary", final_state_hash="X").total == 0.0
    assert rewards.score(REFERENCE, reference_calls[:2], preset="binary", final_state_hash="H").total == 0.0


def test_toolrl_scales_name_key_and_value_agreement_to_plus_minus_three():
    breakdown = rewards.score(REFERENCE, CALLS, preset="toolrl")
    # names: 3 shared of 4 distinct = 0.75; keys: 3 pairs, Jaccard 1 each; values: 0 + 1 + 3 = 4; maximum 1 + 3 + 5.
    assert breakdown.total == pytest.approx(6 * (0.75 + 3 + 4) / 9 - 3)
    assert breakdown.components == pytest.approx({"tool_name": 0.75, "arg_keys": 1.0, "arg_value": 0.8})


def test_envfactory_mixes_trace_and_state_and_charges_extra_and_malformed_calls():
    breakdown = rewards.score(REFERENCE, CALLS, preset="envfactory", final_state_hash="H")
    # trace 0 (the first value differs, so its dependants fail too); state 1; 2 extra calls and 2 malformed: 0.1 each.
    assert breakdown.components == pytest.approx({"trace": 0.0, "state": 1.0, "extra_penalty": 0.1, "malformed_penalty": 0.1})
    assert breakdown.total == pytest.approx(0.3)
    spam = CALLS + [{"name": "unknown_tool", "arguments": {}}] * 20
    assert rewards.score(REFERENCE, spam, preset="envfactory", final_state_hash="H").components["malformed_penalty"] == 0.5


def test_the_reference_trajectory_scores_each_presets_maximum():
    reference_calls = [{**call, **OK} for call in REFERENCE["calls"]]
    expected = {"prove": 1.3, "prove_state": 1.8, "binary": 1.0, "toolrl": 3.0, "envfactory": 1.0}
    for name, maximum in expected.items():
        assert rewards.score(REFERENCE, reference_calls, preset=name, final_state_hash="H").total == pytest.approx(maximum), name


def test_abstention_rewards_no_call_and_nothing_else():
    abstention = {"calls": [], "edges": [], "final_state_hash": None}
    silent = rewards.score(abstention, [])
    assert silent.total == 1.0 and silent.components["coverage"] == 1.0
    acted = rewards.score(abstention, [{"name": "transfer", "arguments": {}, **OK}])
    assert acted.total == 0.0 and acted.components["efficiency"] == -0.5
    assert rewards.score(abstention, [], preset="toolrl").total == 3.0
    assert rewards.score(abstention, [{"name": "x", "arguments": {}, **OK}], preset="toolrl").total == -3.0
    assert rewards.score(abstention, [], preset="binary").total == 1.0


def test_duplicate_tool_names_are_matched_one_call_per_step():
    reference = Reference.parse(
        {"calls": [{"name": "list_accounts", "arguments": {"customer_id": c}} for c in ("C1", "C2")], "edges": []}
    )
    once = [ModelCall("list_accounts", {"customer_id": "C2"})]
    assert match_steps(reference, once) == [0, None]
    twice = once + [ModelCall("list_accounts", {"customer_id": "C1"})]
    assert match_steps(reference, twice) == [0, 1]
    # values are compared per matched pair: C1 got the C2 call and the other way round
    assert components.arg_value(reference, twice, match_steps(reference, twice)) == 0.0
    assert components.coverage(reference, match_steps(reference, twice)) == 1.0


def test_matching_prefers_a_call_after_the_dependencies_and_refuses_unparsed_arguments():
    reference = Reference.parse({"calls": [{"name": "b", "arguments": {}}, {"name": "a", "arguments": {}}], "edges": [[0, 1]]})
    calls = [ModelCall("a", {}), ModelCall("b", {}), ModelCall("a", {})]
    assert match_steps(reference, calls) == [1, 2]
    assert components.coverage(reference, match_steps(reference, calls)) == 1.0
    assert match_steps(reference, [ModelCall("b", "{oops"), ModelCall("a", {})]) == [None, 1]


def test_missing_argument_keys_prevent_a_match():
    reference = Reference.parse({"calls": [{"name": "transfer", "arguments": {"from": "A", "amount": 5}}]})
    assert match_steps(reference, [ModelCall("transfer", {"from": "A"})]) == [None]
    assert match_steps(reference, [ModelCall("transfer", {"from": "B", "amount": 1, "memo": "x"})]) == [0]


def test_efficiency_costs_only_calls_beyond_the_budget():
    assert components.budget(4, 0.5) == 6
    assert components.efficiency(6, 4, 0.5, 0.5) == 0.0
    assert components.efficiency(9, 4, 0.5, 0.5) == pytest.approx(-0.5 * 3 / 6)
    assert components.efficiency(2, 1, 0.5, 0.0) == pytest.approx(-0.5)


def test_validity_is_graduated_and_gated_by_the_earlier_levels():
    calls = [
        ModelCall("t", {}, name_ok=True, params_ok=True, executed_ok=True),
        ModelCall("t", {}, name_ok=True, params_ok=True, executed_ok=False),
        ModelCall("t", {}, name_ok=True, params_ok=False, executed_ok=False),
        ModelCall("t", {}, name_ok=False, params_ok=True, executed_ok=True),
    ]
    assert components.validity(calls) == pytest.approx((3 + 2 + 1 + 0) / 12)
    assert components.validity([]) == 0.0


def test_values_compare_exactly_unless_normalised():
    normalizer = Normalizer()
    assert same_value(5, 5.0) and not same_value(True, 1) and not same_value("a ", "a")
    assert same_value(" New  York", "new york", normalizer)
    assert same_value(10.0, 10.004, normalizer) and not same_value(10.0, 10.01, normalizer)
    assert same_value("2026-03-05", "2026-03-05T00:00:00Z", normalizer)
    assert same_value("2026-03-05T10:00:00+02:00", "2026-03-05T08:00:00Z", normalizer)
    assert not same_value("2026-03-05", "2026-03-06", normalizer)
    assert same_value(["a", {"k": 1}], ["a", {"k": 1.0}]) and not same_value(["a"], ["a", "b"])


def test_presets_can_be_overridden_and_unknown_ones_are_refused():
    no_arg = rewards.preset("prove", w_arg=0.0)
    assert no_arg.maximum == pytest.approx(1.2)
    assert rewards.score(REFERENCE, CALLS, preset=no_arg).total == pytest.approx(0.8933333 - 0.1 * 2 / 3)
    assert dataclasses.replace(rewards.PRESETS["prove"], beta=0.0).beta == 0.0
    with pytest.raises(KeyError, match="unknown reward preset"):
        rewards.score(REFERENCE, CALLS, preset="nope")
    with pytest.raises(TypeError):
        rewards.preset("prove", w_nothing=1.0)


def test_a_malformed_reference_is_refused():
    with pytest.raises(ValueError, match="edge"):
        rewards.score({"calls": [{"name": "a", "arguments": {}}], "edges": [[0, 3]]}, [])


def test_breakdowns_serialise_to_json():
    data = json.loads(json.dumps(rewards.score(REFERENCE, CALLS, preset="prove_state", final_state_hash="H").to_dict()))
    assert data["preset"] == "prove_state" and set(data) >= {"total", "validity", "coverage", "state"}
