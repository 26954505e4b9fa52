"""Reward presets: each a frozen, typed config whose `score` turns a trajectory into a `Breakdown`.

Override any weight or constant with `dataclasses.replace(PRESETS["prove"], w_arg=0.0)` or `preset("prove", w_arg=0)`.

- `prove`: PROVE's reward exactly: R = 0.5 R_val + 0.5 R_cov + 0.15 R_eff + 0.2 R_name + 0.1 R_arg (alpha = beta =
  0.5), exact values; abstention examples score 1 for no call, else 0. The reference trajectory scores 1.3.
- `prove_state`: ours: `prove` + 0.5 * state, with the value normaliser on. The state term pays 1 when the episode
  ends in the reference's final state hash. Its weight equals the coverage weight, so a model that reaches the
  reference state by another valid path (other reads, another order of independent writes, an equivalent tool)
  earns as much for the outcome as for following the reference steps, while the step terms still separate good
  paths from lucky ones. The reference scores 1.8.
- `binary`: 1 only if the final state hash equals the reference's and every reference call was matched with exact
  values (the stable reward of the Bespoke Labs recipe), else 0.
- `toolrl`: ToolRL's correctness shape: Jaccard of tool names + per matched pair the Jaccard of argument keys and the
  count of exact values, scaled by the maximum to [-3, 3].
- `envfactory`: EnvFactory's shape: tau * trace match + (1 - tau) * final-state match, minus 0.05 per extra call and
  0.05 per malformed call, each penalty capped at 0.5 (reported as positive amounts to subtract). The trace counts
  reference steps matched with exact values after the steps they depend on.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rewards import components
from rewards.trajectory import ModelCall, Normalizer, Reference, match_steps, same_value

__all__ = ["Breakdown", "Prove", "Binary", "ToolRL", "EnvFactory", "PRESETS", "preset", "Preset"]


@dataclass(frozen=True)
class Breakdown:
    """A scored trajectory: the total and every component, by name."""

    preset: str
    total: float
    components: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "total": self.total, **self.components}


def _exact_trace(reference: Reference, calls: Sequence[ModelCall], matches: Sequence[int | None], normalizer: Normalizer | None) -> list[bool]:
    """Per reference step: matched, with every argument value reproduced, after the steps it depends on."""
    exact = [
        match is not None
        and all(same_value(value, calls[match].arguments[key], normalizer) for key, value in step.arguments.items())  # type: ignore[index]
        for step, match in zip(reference.calls, matches)
    ]
    for before, after in reference.edges:
        if not (exact[before] and exact[after] and matches[before] < matches[after]):  # type: ignore[operator]
            exact[after] = False
    return exact


@dataclass(frozen=True)
class Prove:
    name: str = "prove"
    w_val: float = 0.5
    w_cov: float = 0.5
    w_eff: float = 0.15
    w_name: float = 0.2
    w_arg: float = 0.1
    w_state: float = 0.0
    alpha: float = 0.5
    beta: float = 0.5
    normalize: bool = False

    @property
    def maximum(self) -> float:
        return self.w_val + self.w_cov + self.w_name + self.w_arg + self.w_state

    def score(self, reference: Reference, calls: Sequence[ModelCall], final_state_hash: str | None) -> Breakdown:
        normalizer = Normalizer() if self.normalize else None
        parts: dict[str, float]
        if reference.is_abstention:
            abstained = float(not calls)
            parts = {
                "validity": components.validity(calls) if calls else 1.0,
                "coverage": abstained,
                "efficiency": 0.0 if abstained else -self.alpha,
                "tool_name": abstained,
                "arg_value": abstained,
            }
            total = abstained
        else:
            matches = match_steps(reference, calls)
            parts = {
                "validity": components.validity(calls),
                "coverage": components.coverage(reference, matches),
                "efficiency": components.efficiency(len(calls), len(reference.calls), self.alpha, self.beta),
                "tool_name": components.tool_name(reference, calls),
                "arg_value": components.arg_value(reference, calls, matches, normalizer),
            }
            weights = (self.w_val, self.w_cov, self.w_eff, self.w_name, self.w_arg)
            total = sum(weight * value for weight, value in zip(weights, parts.values()))
        if self.w_state:
            parts["state"] = components.state(reference, final_state_hash)
            total += self.w_state * parts["state"]
        return Breakdown(self.name, total, parts)


@dataclass(frozen=True)
class Binary:
    name: str = "binary"
    normalize: bool = False
    maximum: ClassVar[float] = 1.0

    def score(self, reference: Reference, calls: Sequence[ModelCall], final_state_hash: str | None) -> Breakdown:
        if reference.is_abstention:
            calls_ok = float(not calls)
            state_ok = 1.0 if reference.final_state_hash is None else components.state(reference, final_state_hash)
        else:
            normalizer = Normalizer() if self.normalize else None
            calls_ok = float(all(_exact_trace(reference, calls, match_steps(reference, calls), normalizer)))
            state_ok = components.state(reference, final_state_hash)
        return Breakdown(self.name, calls_ok * state_ok, {"state": state_ok, "exact_calls": calls_ok})


def _jaccard(left: set[str], right: set[str]) -> float:
    return 1.0 if not left and not right else len(left & right) / len(left | right)


@dataclass(frozen=True)
class ToolRL:
    name: str = "toolrl"
    scale: float = 3.0

    @property
    def maximum(self) -> float:
        return self.scale

    def score(self, reference: Reference, calls: Sequence[ModelCall], final_state_hash: str | None) -> Breakdown:
        parsed = [call for call in calls if call.parsed]
        names = _jaccard({step.name for step in reference.calls}, {call.name for call in calls})
        keys = values = 0.0
        taken: set[int] = set()
        for step in reference.calls:
            position = next((i for i, call in enumerate(parsed) if i not in taken and call.name == step.name), None)
            if position is None:
                continue
            taken.add(position)
            given = parsed[position].arguments
            keys += _jaccard(set(step.arguments), set(given))  # type: ignore[arg-type]
            values += sum(key in given and same_value(value, given[key]) for key, value in step.arguments.items())  # type: ignore[operator,index]
        possible = 1 + len(reference.calls) + sum(len(step.arguments) for step in reference.calls)
        total = 2 * self.scale * (names + keys + values) / possible - self.scale
        n_args = sum(len(step.arguments) for step in reference.calls)
        parts = {
            "tool_name": names,
            "arg_keys": keys / len(reference.calls) if reference.calls else float(not calls),
            "arg_value": values / n_args if n_args else float(not calls),
        }
        return Breakdown(self.name, total, parts)


@dataclass(frozen=True)
class EnvFactory:
    name: str = "envfactory"
    tau: float = 0.5
    penalty: float = 0.05
    cap: float = 0.5
    maximum: ClassVar[float] = 1.0

    def score(self, reference: Reference, calls: Sequence[ModelCall], final_state_hash: str | None) -> Breakdown:
        if reference.is_abstention:
            trace = float(not calls)
            state_ok = 1.0 if reference.final_state_hash is None else components.state(reference, final_state_hash)
        else:
            exact = _exact_trace(reference, calls, match_steps(reference, calls), None)
            trace = sum(exact) / len(exact)
            state_ok = components.state(reference, final_state_hash)
        extra = min(self.cap, self.penalty * max(0, len(calls) - len(reference.calls)))
        malformed = min(self.cap, self.penalty * sum(not (call.parsed and call.name_ok and call.params_ok) for call in calls))
        total = self.tau * trace + (1 - self.tau) * state_ok - extra - malformed
        return Breakdown(self.name, total, {"trace": trace, "state": state_ok, "extra_penalty": extra, "malformed_penalty": malformed})


Preset = Prove | Binary | ToolRL | EnvFactory

PRESETS: dict[str, Preset] = {
    "prove": Prove(),
    "prove_state": Prove(name="prove_state", w_state=0.5, normalize=True),
    "binary": Binary(),
    "toolrl": ToolRL(),
    "envfactory": EnvFactory(),
}


def preset(name: str, **overrides: Any) -> Preset:
    """A named preset with some of its weights or constants replaced.

    Raises:
        KeyError: no preset has that name.
        TypeError: an override names a field the preset does not have.
    """
    if name not in PRESETS:
        raise KeyError(f"unknown reward preset {name!r}; presets: {', '.join(PRESETS)}")
    return dataclasses.replace(PRESETS[name], **overrides)
