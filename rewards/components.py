"""PROVE's five reward components and the final-state term, as pure functions (REFERENCE.md section 3).

Ranges: validity, coverage, tool_name, arg_value and state lie in [0, 1]; efficiency lies in (-inf, 0] and is 0
until the model exceeds its call budget (the episode runner's turn limits bound it in practice).
"""

import math
from collections.abc import Sequence

from rewards.trajectory import ModelCall, Normalizer, Reference, covered_steps, same_value

__all__ = ["validity", "coverage", "efficiency", "budget", "tool_name", "arg_value", "state"]


def validity(calls: Sequence[ModelCall]) -> float:
    """Mean over the model's calls of a graduated score: 1/3 for a name that is offered, 1/3 more when the required
    parameters are present with compatible types, 1/3 more when it executed without error. 0 with no calls."""
    if not calls:
        return 0.0
    levels = (int(c.name_ok) + int(c.name_ok and c.params_ok) + int(c.name_ok and c.params_ok and c.executed_ok) for c in calls)
    return sum(levels) / (3 * len(calls))


def coverage(reference: Reference, matches: Sequence[int | None]) -> float:
    """(1/|G|) * sum over reference steps g of m(g) * o(g): g was matched, and every step it depends on was matched
    at an earlier position of the model's calls."""
    if not reference.calls:
        return 0.0
    return sum(covered_steps(reference, matches)) / len(reference.calls)


def budget(n_reference: int, beta: float) -> int:
    """B = n_gt + ceil(beta * n_gt): the calls allowed before efficiency starts to cost."""
    return n_reference + math.ceil(beta * n_reference)


def efficiency(n_calls: int, n_reference: int, alpha: float, beta: float) -> float:
    """-alpha * max(0, n_calls - B) / B: only calls beyond the budget cost."""
    allowed = budget(n_reference, beta)
    excess = n_calls - allowed
    return -alpha * excess / allowed if excess > 0 else 0.0


def tool_name(reference: Reference, calls: Sequence[ModelCall]) -> float:
    """Share of the model's calls whose name is among the reference's names (a precision); 0 with no calls."""
    if not calls:
        return 0.0
    names = {step.name for step in reference.calls}
    return sum(call.name in names for call in calls) / len(calls)


def arg_value(
    reference: Reference, calls: Sequence[ModelCall], matches: Sequence[int | None], normalizer: Normalizer | None = None
) -> float:
    """Mean over matched (model call, reference step) pairs of the share of the step's argument values the call
    reproduced; a step without arguments counts as fully reproduced. 0 when nothing matched."""
    shares = []
    for step, match in zip(reference.calls, matches):
        if match is None:
            continue
        given = calls[match].arguments
        assert not isinstance(given, str)  # matching never pairs unparsed arguments
        if not step.arguments:
            shares.append(1.0)
            continue
        same = sum(same_value(value, given[key], normalizer) for key, value in step.arguments.items())
        shares.append(same / len(step.arguments))
    return sum(shares) / len(shares) if shares else 0.0


def state(reference: Reference, final_state_hash: str | None) -> float:
    """1 when the episode ended in the reference's final state, else 0 (also when either hash is unknown)."""
    return float(reference.final_state_hash is not None and final_state_hash == reference.final_state_hash)
