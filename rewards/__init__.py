"""Programmatic rewards for tool-use trajectories: PROVE's five components, a final-state term, and peer presets.

    import rewards
    breakdown = rewards.score(task_label["reference"], calls, preset="prove", final_state_hash=episode_hash)
    breakdown.total, breakdown.components, breakdown.to_dict()

Pure code: no I/O, no server calls. See `rewards.presets` for the formulas and when to pick which.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from rewards import presets as _presets
from rewards.presets import PRESETS, Binary, Breakdown, EnvFactory, Preset, Prove, ToolRL, preset
from rewards.trajectory import ModelCall, Normalizer, Reference

__all__ = [
    "Binary",
    "Breakdown",
    "EnvFactory",
    "ModelCall",
    "Normalizer",
    "PRESETS",
    "Preset",
    "Prove",
    "Reference",
    "ToolRL",
    "preset",
    "score",
]


def score(
    reference: Reference | Mapping[str, Any],
    calls: Sequence[ModelCall | Mapping[str, Any]],
    *,
    preset: str | Preset = "prove",
    final_state_hash: str | None = None,
) -> Breakdown:
    """Score the model's `calls` against `reference` with a preset (a name from `PRESETS`, or a config).

    Raises:
        KeyError: an unknown preset name.
        ValueError: a malformed reference (an edge to a call that does not exist, or backwards).
    """
    config = _presets.preset(preset) if isinstance(preset, str) else preset
    return config.score(Reference.parse(reference), [ModelCall.parse(call) for call in calls], final_state_hash)
