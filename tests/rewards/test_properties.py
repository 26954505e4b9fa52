"""Properties every preset must keep, on random references and trajectories (hypothesis)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rewards
from rewards import components
from rewards.trajectory import ModelCall, Reference, match_steps

NAMES = ["find", "list", "transfer", "book", "cancel"]
MAXIMUM = {"prove": 1.3, "prove_state": 1.8, "binary": 1.0, "toolrl": 3.0, "envfactory": 1.0}
ABSTENTION_MAXIMUM = {"prove": 1.0, "prove_state": 1.5}  # the paper's abstention reward is 1, plus our state term
RANGES = {"validity": (0, 1), "coverage": (0, 1), "tool_name": (0, 1), "arg_value": (0, 1), "state": (0, 1)}

values = st.one_of(st.integers(-5, 5), st.text(max_size=3), st.booleans(), st.floats(-10, 10, allow_nan=False))
arguments = st.dictionaries(st.sampled_from(["a", "b", "c"]), values, max_size=3)


@st.composite
def references(draw: st.DrawFn, min_calls: int = 1) -> Reference:
    size = draw(st.integers(min_calls, 6))
    calls = [{"name": draw(st.sampled_from(NAMES)), "arguments": draw(arguments)} for _ in range(size)]
    pairs = [(i, j) for j in range(size) for i in range(j)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
    return Reference.parse({"calls": calls, "edges": edges, "final_state_hash": "H"})


def replayed(reference: Reference) -> list[ModelCall]:
    return [ModelCall(step.name, dict(step.arguments)) for step in reference.calls]


@st.composite
def noisy_trajectories(draw: st.DrawFn, reference: Reference) -> list[ModelCall]:
    calls = replayed(reference) + [
        ModelCall(draw(st.sampled_from(NAMES)), draw(arguments), draw(st.booleans()), draw(st.booleans()), draw(st.booleans()))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return draw(st.permutations(calls))


@settings(max_examples=150, deadline=None)
@given(reference=references(min_calls=0))
def test_the_reference_trajectory_scores_the_maximum_under_every_preset(reference):
    for name, maximum in MAXIMUM.items():
        total = rewards.score(reference, replayed(reference), preset=name, final_state_hash="H").total
        expected = ABSTENTION_MAXIMUM.get(name, maximum) if reference.is_abstention else maximum
        assert total == pytest.approx(expected), name


@settings(max_examples=150, deadline=None)
@given(data=st.data(), reference=references())
def test_dropping_a_reference_call_never_raises_coverage(data, reference):
    calls = data.draw(noisy_trajectories(reference))
    reference_positions = [i for i, call in enumerate(calls) if call in replayed(reference)]
    drop = data.draw(st.sampled_from(reference_positions))
    fewer = calls[:drop] + calls[drop + 1 :]
    assert components.coverage(reference, match_steps(reference, fewer)) <= components.coverage(
        reference, match_steps(reference, calls)
    )


@settings(max_examples=150, deadline=None)
@given(reference=references(), extra=st.integers(1, 6))
def test_calls_beyond_the_budget_strictly_lower_the_total(reference, extra):
    calls = replayed(reference)
    allowed = components.budget(len(calls), 0.5)
    padded = calls + [calls[0]] * (allowed - len(calls) + extra)
    for name in ("prove", "prove_state"):
        assert rewards.score(reference, padded, preset=name, final_state_hash="H").total < rewards.score(
            reference, calls, preset=name, final_state_hash="H"
        ).total
    more = padded + [calls[0]]
    assert rewards.score(reference, more).total < rewards.score(reference, padded).total


@st.composite
def references_with_unique_names(draw: st.DrawFn) -> Reference:
    """References whose steps all have different names and at least one dependency edge."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=len(NAMES), unique=True))
    pairs = [(i, j) for j in range(len(names)) for i in range(j)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=4))
    calls = [{"name": name, "arguments": draw(arguments)} for name in names]
    return Reference.parse({"calls": calls, "edges": edges, "final_state_hash": "H"})


@settings(max_examples=150, deadline=None)
@given(data=st.data(), reference=references_with_unique_names())
def test_swapping_two_dependent_calls_lowers_coverage(data, reference):
    # unique names: no other call of the same name could be matched in a valid order instead
    before, after = data.draw(st.sampled_from(reference.edges))
    calls = replayed(reference)
    calls[before], calls[after] = calls[after], calls[before]
    assert components.coverage(reference, match_steps(reference, calls)) < 1.0


@settings(max_examples=200, deadline=None)
@given(data=st.data(), reference=references(min_calls=0), final=st.sampled_from(["H", "X", None]))
def test_every_component_stays_in_its_documented_range(data, reference, final):
    calls = data.draw(noisy_trajectories(reference))
    for name in MAXIMUM:
        breakdown = rewards.score(reference, calls, preset=name, final_state_hash=final)
        assert math.isfinite(breakdown.total)
        assert breakdown.total <= MAXIMUM[name] + 1e-9
        for component, value in breakdown.components.items():
            low, high = RANGES.get(component, (-math.inf, 1))
            assert low - 1e-9 <= value <= high + 1e-9, (name, component, value)
        if name == "toolrl":
            assert -3 - 1e-9 <= breakdown.total
        if name.startswith("prove"):
            assert breakdown.components["efficiency"] <= 0
