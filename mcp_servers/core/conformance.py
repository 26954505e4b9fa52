"""The conformance checker every server must pass, in the spirit of Gymnasium's `check_env`.

`check_server(name)` returns a `ConformanceReport` listing every broken contract:
- schemas: each tool has a description, documented arguments, valid JSON Schemas, a valid MCP definition;
- determinism: the same seed gives the same state hash in a fresh Python process; another seed gives another;
- probing: every tool is called with arguments grounded in entities that earlier calls revealed, and with hostile
  variants (missing, extra and mistyped fields, megabyte and unicode strings, huge and negative numbers, path
  tricks). No call may raise or hit an internal error; a read call and a failed call must leave the world
  byte-for-byte unchanged; error messages stay short and free of tracebacks;
- isolation: writes in one episode never show in another opened with the same seed, and replaying the same calls on
  a second episode reaches the same hash;
- lifecycle: closing twice is harmless and a closed episode refuses calls.
"""

import random
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import mcp_types
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mcp_servers import registry
from mcp_servers.core.episode import CallResult, Episode
from mcp_servers.core.tool import ToolSpec, model_entities
from mcp_servers.core.world import World

__all__ = ["check_server", "grounded_calls", "probe", "ConformanceReport", "Finding", "HOSTILE_STRINGS", "values_at"]

MAX_ERROR_LENGTH = 1000

HOSTILE_STRINGS: tuple[str, ...] = (
    "",
    " ",
    "../../../../etc/passwd",
    "/etc/shadow",
    "~/../../root",
    "a/./b//c/../d",
    "name\x00with-nul",
    "-rf",
    "'; DROP TABLE accounts; --",
    "{{7*7}} ${jndi:ldap://x} __import__('os')",
    "ünïcödé 文字 🙂 \u202e",
    "x" * 1_000_000,
)
HOSTILE_NUMBERS: tuple[Any, ...] = (-1, 0, -(10**18), 10**18, 2**63, 1e308, -0.5, float("nan"), float("inf"), True)


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    tool: str | None = None

    def __str__(self) -> str:
        where = f" [{self.tool}]" if self.tool else ""
        return f"{self.check}{where}: {self.message}"


@dataclass
class ConformanceReport:
    server: str
    findings: list[Finding] = field(default_factory=list)
    calls: int = 0
    succeeded: set[str] = field(default_factory=set)
    tools: int = 0
    successes: list[tuple[str, Any]] = field(default_factory=list)
    """The successful calls of the probe, in order: a replayable scenario grounded in real entities."""
    refusals: list[tuple[str, Any]] = field(default_factory=list)
    """Grounded write calls the world refused (status `tool_error`), in order."""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def writes(self) -> list[tuple[str, Any]]:
        """The successful write calls of the probe, in order."""
        tools = registry.get(self.server).tools
        return [(tool, arguments) for tool, arguments in self.successes if tools[tool].kind == "write"]

    @property
    def never_succeeded(self) -> list[str]:
        """Tools the probe could not make succeed (informational: their inputs may need the user)."""
        return sorted(set(registry.get(self.server).tools) - self.succeeded)

    def add(self, check: str, message: str, tool: str | None = None) -> None:
        self.findings.append(Finding(check, message, tool))


def values_at(data: Any, path: str) -> list[Any]:
    """Values at an entity path such as `accounts[].account_id` or `by_id{}.name` inside JSON data."""
    current = [data]
    for segment in path.split("."):
        name, iterate = segment.rstrip("[]{}"), segment[len(segment.rstrip("[]{}")) :]
        current = [item.get(name) for item in current if isinstance(item, dict) and name in item]
        for marker in (iterate[i : i + 2] for i in range(0, len(iterate), 2)):
            if marker == "[]":
                current = [value for item in current if isinstance(item, list) for value in item]
            elif marker == "{}":
                current = [value for item in current if isinstance(item, dict) for value in item.values()]
    return [value for value in current if value is not None]


def check_server(name: str, *, seed: int = 0, rounds: int = 3, fresh_process: bool = True) -> ConformanceReport:
    """Check every contract of server `name` (see the module docstring) and report what is broken."""
    server = registry.get(name)
    report = ConformanceReport(server=name, tools=len(server.tools))
    for spec in server.tools.values():
        _check_schemas(spec, report)
    _check_determinism(name, seed, fresh_process, report)
    _run_probe(name, seed, rounds, report, hostile=True)
    _check_isolation(name, seed, report.writes, report)
    _check_lifecycle(name, seed, report)
    return report


def grounded_calls(name: str, seed: int = 0, rounds: int = 2) -> list[tuple[str, dict[str, Any]]]:
    """The probe's successful calls with object arguments, in order: a scenario that replays on a fresh episode."""
    report = probe(name, seed, rounds)
    return [(tool, arguments) for tool, arguments in report.successes if isinstance(arguments, dict)]


def _check_schemas(spec: ToolSpec, report: ConformanceReport) -> None:
    if not spec.description.strip():
        report.add("schema", "empty description", spec.name)
    for label, schema in (("input", spec.input_schema), ("output", spec.output_schema)):
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            report.add("schema", f"invalid {label} schema: {exc.message}", spec.name)
        if schema.get("type") != "object":
            report.add("schema", f"{label} schema root is not an object", spec.name)
    for arg, prop in spec.input_schema.get("properties", {}).items():
        if not prop.get("description"):
            report.add("schema", f"argument {arg!r} has no description", spec.name)
    try:
        mcp_types.Tool.model_validate(spec.mcp_definition())
    except ValueError as exc:
        report.add("schema", f"invalid MCP tool definition: {exc}", spec.name)
    function = spec.openai_schema()["function"]
    if function["name"] != spec.name or function["parameters"] != spec.input_schema:
        report.add("schema", "OpenAI schema does not match the declaration", spec.name)


def _hash_in_fresh_process(name: str, seed: int) -> str:
    code = f"from mcp_servers import Episode; print(Episode.open([{name!r}], seed={seed}).state_hash())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def _check_determinism(name: str, seed: int, fresh_process: bool, report: ConformanceReport) -> None:
    here = Episode.open([name], seed).state_hash()
    if Episode.open([name], seed).state_hash() != here:
        report.add("determinism", f"two episodes with seed {seed} start in different states")
    if fresh_process:
        there = _hash_in_fresh_process(name, seed)
        if there != here:
            report.add("determinism", f"seed {seed} hashes to {here[:12]} here and {there[:12]} in a fresh process")
    if Episode.open([name], seed + 1).state_hash() == here:
        report.add("determinism", f"seeds {seed} and {seed + 1} give the same world")


class _EntityPool:
    """Values to ground arguments in: entities by kind and other short strings, from the world and from results.

    The checker is white-box: it seeds the pool from the world's own entity-marked fields, so that tools whose
    inputs no read tool reveals (a PIN, a search term) are still exercised on real values.
    """

    def __init__(self, world_type: type[World], snapshot: dict[str, Any]) -> None:
        self.by_kind: dict[str, list[Any]] = {}
        self.texts: list[str] = []
        for path, entity in model_entities(world_type):
            self._add(entity.kind, values_at(snapshot, path))
        _short_strings(snapshot, self.texts)

    def _add(self, kind: str, values: list[Any]) -> None:
        known = self.by_kind.setdefault(kind, [])
        for value in values:
            if value not in known and len(known) < 200:
                known.append(value)

    def learn(self, spec: ToolSpec, content: dict[str, Any]) -> None:
        for path, entity in spec.result_entities.items():
            self._add(entity.kind, values_at(content, path))

    def pick(self, kind: str, rng: random.Random) -> Any | None:
        values = self.by_kind.get(kind)
        return rng.choice(values) if values else None


def _short_strings(data: Any, found: list[str], limit: int = 500) -> None:
    """Collect distinct short strings of JSON data (names, codes, paths) into `found`."""
    if isinstance(data, str):
        if 2 <= len(data) <= 60 and len(found) < limit and data not in found:
            found.append(data)
    elif isinstance(data, dict):
        for value in data.values():
            _short_strings(value, found, limit)
    elif isinstance(data, list):
        for value in data:
            _short_strings(value, found, limit)


def _plausible_value(schema: dict[str, Any], entity_kind: str | None, pool: _EntityPool, rng: random.Random) -> Any:
    if schema.get("type") == "array":
        return [_plausible_value(schema.get("items", {}), entity_kind, pool, rng)]
    if entity_kind is not None and (known := pool.pick(entity_kind, rng)) is not None:
        return known
    if "enum" in schema:
        return rng.choice(schema["enum"])
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 10.0
    if kind == "boolean":
        return rng.choice([True, False])
    if pool.texts and rng.random() < 0.7:
        return rng.choice(pool.texts)
    return "sample"


def _plausible_arguments(spec: ToolSpec, pool: _EntityPool, rng: random.Random) -> dict[str, Any]:
    arguments = {}
    for arg, schema in spec.input_schema["properties"].items():
        if arg not in spec.required and rng.random() < 0.5:
            continue
        entity = spec.arg_entities.get(arg) or spec.arg_entities.get(f"{arg}[]")
        arguments[arg] = _plausible_value(schema, entity.kind if entity else None, pool, rng)
    return arguments


def _hostile_variants(spec: ToolSpec, base: dict[str, Any], rng: random.Random) -> list[Any]:
    """Malformed versions of `base`: not an object, a field missing or extra, each hostile value in each field."""
    variants: list[Any] = [None, [], "not json {", {**base, "unexpected_field": 1}]
    if spec.required:
        variants.append({k: v for k, v in base.items() if k != rng.choice(spec.required)})
    for arg, schema in spec.input_schema["properties"].items():
        hostile = HOSTILE_NUMBERS if schema.get("type") in ("integer", "number") else HOSTILE_STRINGS
        variants.extend({**base, arg: value} for value in hostile)
        variants.append({**base, arg: {"nested": ["object"]}})
    return variants


def _observe(episode: Episode, spec: ToolSpec, arguments: Any, report: ConformanceReport) -> CallResult:
    before = episode.snapshot()
    try:
        result = episode.call(spec.name, arguments)
    except Exception as exc:  # the runtime promises never to raise: report, do not crash the checker
        report.add("probe", f"call raised {type(exc).__name__}: {exc}", spec.name)
        return CallResult(spec.name, "internal_error", error=str(exc))
    report.calls += 1
    if result.status == "internal_error":
        report.add("probe", f"internal error on arguments {str(arguments)[:200]}", spec.name)
    if not result.ok or spec.kind == "read":
        if episode.snapshot() != before:
            what = "read call" if result.ok else f"failed call ({result.status})"
            report.add("atomicity", f"{what} changed the world; arguments {str(arguments)[:200]}", spec.name)
    if result.error is not None and (len(result.error) > MAX_ERROR_LENGTH or "Traceback" in result.error):
        report.add("errors", f"error message is too long or carries a traceback: {result.error[:120]!r}", spec.name)
    if result.ok:
        report.succeeded.add(spec.name)
        report.successes.append((spec.name, arguments))
    elif result.status == "tool_error" and spec.kind == "write":
        report.refusals.append((spec.name, arguments))
    return result


def probe(name: str, seed: int = 0, rounds: int = 2) -> ConformanceReport:
    """Only the grounded probe (no hostile variants, no other checks): its successes and refusals."""
    report = ConformanceReport(server=name, tools=len(registry.get(name).tools))
    _run_probe(name, seed, rounds, report, hostile=False)
    return report


def _run_probe(name: str, seed: int, rounds: int, report: ConformanceReport, *, hostile: bool) -> None:
    """Call every tool, grounded (and hostile), recording the successful calls in `report.successes`."""
    rng = random.Random(f"conformance:{name}:{seed}")
    server = registry.get(name)
    specs = sorted(server.tools.values(), key=lambda spec: (spec.kind != "read", spec.name))
    episode = Episode.open([name], seed)
    pool = _EntityPool(server.world_type, episode.snapshot()[name])
    for round_number in range(rounds):
        for spec in specs:
            arguments = _plausible_arguments(spec, pool, rng)
            result = _observe(episode, spec, arguments, report)
            if result.ok and result.content is not None:
                pool.learn(spec, result.content)
            if hostile and round_number == 0:
                for variant in _hostile_variants(spec, arguments, rng):
                    _observe(episode, spec, variant, report)
    episode.close()


def _check_isolation(name: str, seed: int, writes: list[tuple[str, Any]], report: ConformanceReport) -> None:
    first, second = Episode.open([name], seed), Episode.open([name], seed)
    initial = second.state_hash()
    for tool, arguments in writes:
        first.call(tool, arguments)
        if second.state_hash() != initial:
            report.add("isolation", "a write in one episode changed another episode's world", tool)
            return
    for tool, arguments in writes:
        second.call(tool, arguments)
    if first.state_hash() != second.state_hash():
        report.add("determinism", "replaying the same calls on a second episode reached a different state")


def _check_lifecycle(name: str, seed: int, report: ConformanceReport) -> None:
    episode = Episode.open([name], seed)
    tool = next(iter(registry.get(name).tools))
    try:
        episode.close()
        episode.close()
    except Exception as exc:
        report.add("lifecycle", f"closing twice raised {type(exc).__name__}")
    if episode.call(tool, {}).status != "episode_closed":
        report.add("lifecycle", "a closed episode still runs calls", tool)
