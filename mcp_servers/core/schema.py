"""JSON schemas as a model should see them: no pydantic titles, no `$ref` indirection.

Pydantic's schemas carry a `title` on every property and move nested models and enums into `$defs`. Models read
tool schemas as text, and some chat templates and parsers do not resolve `$ref`, so schemas are inlined (our
declarations have no recursive types) and titles dropped.
"""

from typing import Any

__all__ = ["clean_schema"]


def clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Inline every `$ref` into `$defs` and drop `title` keys; the input is not modified."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = node["$ref"].rsplit("/", 1)[-1]
                merged = {**definitions[target], **{k: v for k, v in node.items() if k != "$ref"}}
                return resolve(merged)
            cleaned = {key: resolve(value) for key, value in node.items() if key not in ("$defs", "title", "properties")}
            if "properties" in node:
                cleaned["properties"] = {name: resolve(value) for name, value in node["properties"].items()}
            return cleaned
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    cleaned = resolve(schema)
    head = {"type": cleaned.pop("type", "object"), "properties": cleaned.pop("properties", {})}
    if "required" in cleaned:
        head["required"] = cleaned.pop("required")
    return head | cleaned
