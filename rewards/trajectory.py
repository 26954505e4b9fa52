"""The inputs of every reward, as plain frozen types, and how model calls are matched to reference steps.

A reference is the ground truth of a whole task: its calls in order (all turns), dependency edges "call i must come
before call j", and the state hash the reference reaches. Model calls carry their parsed arguments (or the raw text
that did not parse) and the three validity flags the episode runner filled in.

Matching (used by coverage, argument values, the binary check and EnvFactory's trace): each reference step takes at
most one model call whose name is the step's name and whose arguments include every one of the step's argument
keys (values are not compared); the matching that covers the most steps in dependency order is chosen (see
`match_steps`). A call whose arguments did not parse matches nothing.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

__all__ = ["RefCall", "Reference", "ModelCall", "match_steps", "covered_steps", "same_value", "Normalizer"]


@dataclass(frozen=True)
class RefCall:
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True)
class Reference:
    calls: tuple[RefCall, ...]
    edges: tuple[tuple[int, int], ...] = ()
    final_state_hash: str | None = None

    @property
    def is_abstention(self) -> bool:
        return not self.calls

    @classmethod
    def parse(cls, data: "Reference | Mapping[str, Any]") -> "Reference":
        """From the dataset's JSON form: `{"calls": [{"name", "arguments"}], "edges": [[i, j]], "final_state_hash"}`.

        Raises:
            ValueError: an edge names a call that does not exist, or points backwards.
        """
        if isinstance(data, Reference):
            return data
        calls = tuple(RefCall(call["name"], dict(call.get("arguments") or {})) for call in data.get("calls", ()))
        edges = tuple((int(i), int(j)) for i, j in data.get("edges", ()))
        for i, j in edges:
            if not (0 <= i < j < len(calls)):
                raise ValueError(f"edge {i} -> {j} does not connect an earlier reference call to a later one")
        return cls(calls, edges, data.get("final_state_hash"))


@dataclass(frozen=True)
class ModelCall:
    name: str
    arguments: Mapping[str, Any] | str
    """The parsed arguments, or the raw text when they did not parse as a JSON object."""
    name_ok: bool = True
    params_ok: bool = True
    executed_ok: bool = True

    @property
    def parsed(self) -> bool:
        return not isinstance(self.arguments, str)

    @classmethod
    def parse(cls, data: "ModelCall | Mapping[str, Any]") -> "ModelCall":
        if isinstance(data, ModelCall):
            return data
        arguments = data.get("arguments")
        return cls(
            name=str(data.get("name", "")),
            arguments=arguments if isinstance(arguments, (str, Mapping)) else str(arguments),
            name_ok=bool(data.get("name_ok", False)),
            params_ok=bool(data.get("params_ok", False)),
            executed_ok=bool(data.get("executed_ok", False)),
        )


SEARCH_BUDGET = 20_000
"""How many partial matchings `match_steps` may explore before it keeps the best one found so far."""


def covered_steps(reference: Reference, matches: Sequence[int | None]) -> list[bool]:
    """Per reference step: matched, and every step it depends on matched at an earlier position."""
    covered = [match is not None for match in matches]
    for before, after in reference.edges:
        first, then = matches[before], matches[after]
        if first is None or then is None or first >= then:
            covered[after] = False
    return covered


def match_steps(reference: Reference, calls: Sequence[ModelCall]) -> list[int | None]:
    """For each reference step, the index of the model call matched to it, or None.

    A step may take any one model call (each call serves one step) with its name and all its argument keys. Among
    all such matchings the one that covers the most steps in dependency order wins, so that removing a call can
    never raise coverage. The search tries, step by step, the earliest call placed after the steps it depends on
    first (the greedy matching is the first complete one it meets), prunes branches that cannot beat the best so
    far, and stops at `SEARCH_BUDGET` explored branches, keeping the best found (only reachable with many calls of
    the same name).
    """
    steps = reference.calls
    candidates = [
        [
            position
            for position, call in enumerate(calls)
            if call.parsed and call.name == step.name and all(key in call.arguments for key in step.arguments)
        ]
        for step in steps
    ]
    depends_on: dict[int, list[int]] = {}
    for before, after in reference.edges:
        depends_on.setdefault(after, []).append(before)
    chosen: list[int | None] = []
    taken: set[int] = set()
    best: list[int | None] = [None] * len(steps)
    best_covered = -1
    explored = 0

    def search(matched: int) -> None:
        nonlocal best, best_covered, explored
        explored += 1
        index = len(chosen)
        if matched + len(steps) - index <= best_covered or explored > SEARCH_BUDGET:
            return
        if index == len(steps):
            covered = sum(covered_steps(reference, chosen))
            if covered > best_covered:
                best, best_covered = list(chosen), covered
            return
        earliest = max((chosen[j] for j in depends_on.get(index, ()) if chosen[j] is not None), default=-1)
        ordered = sorted(candidates[index], key=lambda position: (position <= earliest, position))
        for position in [*ordered, None]:
            if position is not None and position in taken:
                continue
            chosen.append(position)
            if position is not None:
                taken.add(position)
            search(matched + (position is not None))
            chosen.pop()
            taken.discard(position)  # type: ignore[arg-type]

    search(0)
    return best


@dataclass(frozen=True)
class Normalizer:
    """Lenient value comparison, opt-in: strings compared with collapsed whitespace and without case (which covers
    enum spellings), numbers within a tolerance, and dates or datetimes compared as instants whatever ISO form
    they were written in."""

    absolute_tolerance: float = 0.005
    relative_tolerance: float = 1e-6

    def text(self, value: str) -> str:
        return " ".join(value.split()).casefold()

    def instant(self, value: str) -> datetime | date | None:
        text = value.strip()
        for parse in (date.fromisoformat, datetime.fromisoformat):
            try:
                return parse(text.replace("Z", "+00:00"))
            except ValueError:
                continue
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_value(expected: Any, given: Any, normalizer: Normalizer | None = None) -> bool:
    """Whether `given` reproduces `expected`: JSON values, numbers by value (5 == 5.0), booleans only as booleans.

    With a normalizer, also equal: strings up to whitespace and case, numbers within tolerance, the same date or
    instant written differently (a date equals midnight of that day).
    """
    if _is_number(expected) and _is_number(given):
        if normalizer is None:
            return expected == given
        return math.isclose(expected, given, rel_tol=normalizer.relative_tolerance, abs_tol=normalizer.absolute_tolerance)
    if isinstance(expected, str) and isinstance(given, str):
        if expected == given or normalizer is None:
            return expected == given
        if normalizer.text(expected) == normalizer.text(given):
            return True
        left, right = normalizer.instant(expected), normalizer.instant(given)
        return left is not None and right is not None and _as_datetime(left) == _as_datetime(right)
    if isinstance(expected, list) and isinstance(given, list):
        return len(expected) == len(given) and all(same_value(e, g, normalizer) for e, g in zip(expected, given))
    if isinstance(expected, Mapping) and isinstance(given, Mapping):
        return expected.keys() == given.keys() and all(same_value(expected[k], given[k], normalizer) for k in expected)
    return type(expected) is type(given) and expected == given


def _as_datetime(value: datetime | date) -> datetime:
    """A naive UTC datetime: aware values converted, naive ones taken as UTC, a date as its midnight."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    return datetime(value.year, value.month, value.day)
