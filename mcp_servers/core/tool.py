"""Tool declarations: one typed function per tool, declared once, feeding every schema.

A server's `tools.py` creates a `ServerDef` and decorates plain functions with it:

    server = ServerDef("banking", BankingWorld, group="finance", description="Retail banking ...")

    @server.write
    def transfer(world: BankingWorld, from_account: AccountId, to_account: AccountId, amount: Money) -> Transfer:
        '''Move money between two accounts of the same customer.

        Args:
            from_account: Account to debit.
            ...
        '''

From the signature and the docstring the decorator builds a `ToolSpec`: a strict pydantic model of the arguments
(extra keys rejected, no string-to-number coercion), the result model (the return annotation, a pydantic model),
the description (the docstring without its sections), per-argument descriptions (its `Args:` section), the kind
(read or write), and the `Entity` marks of arguments and result fields. The MCP tool definition, the OpenAI
function schema, the dependency graph and the docs are all derived from the `ToolSpec`.
"""

import inspect
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

import docstring_parser
from pydantic import BaseModel, ConfigDict, Field, create_model

from mcp_servers.core.fields import Entity
from mcp_servers.core.schema import clean_schema
from mcp_servers.core.world import World

__all__ = ["ToolSpec", "ServerDef", "Kind"]

Kind = Literal["read", "write"]


def _entities_in(annotation: Any, path: str) -> Iterator[tuple[str, Entity]]:
    """Yield (path, Entity) for every entity mark inside a type: Annotated, containers, nested models."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *extras = typing.get_args(annotation)
        yield from ((path, extra) for extra in extras if isinstance(extra, Entity))
        yield from _entities_in(base, path)
    elif origin in (list, tuple, set, frozenset):
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                yield from _entities_in(arg, f"{path}[]")
    elif origin is dict:
        yield from _entities_in(typing.get_args(annotation)[1], f"{path}{{}}")
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _entities_in(arg, path)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from model_entities(annotation, path)


def model_entities(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Entity]]:
    """Entity marks of a model's fields, with dotted paths (`accounts[].account_id`)."""
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        yield from ((path, mark) for mark in info.metadata if isinstance(mark, Entity))
        yield from _entities_in(info.annotation, path)


@dataclass(frozen=True)
class ToolSpec:
    """Everything known about one tool, derived from its function once at import time."""

    name: str
    server: str
    kind: Kind
    description: str
    fn: Callable[..., BaseModel] = field(repr=False)
    args_model: type[BaseModel] = field(repr=False)
    result_model: type[BaseModel] = field(repr=False)

    @cached_property
    def arg_entities(self) -> dict[str, Entity]:
        """Argument name (with `[]` for list items) to the entity it refers to."""
        return dict(model_entities(self.args_model))

    @cached_property
    def result_entities(self) -> dict[str, Entity]:
        """Result field path to the entity it yields."""
        return dict(model_entities(self.result_model))

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, info in self.args_model.model_fields.items() if info.is_required())

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        return clean_schema(self.args_model.model_json_schema())

    @cached_property
    def output_schema(self) -> dict[str, Any]:
        return clean_schema(self.result_model.model_json_schema(mode="serialization"))

    def openai_schema(self) -> dict[str, Any]:
        """The OpenAI chat-completions function tool for this tool."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.input_schema},
        }

    def mcp_definition(self) -> dict[str, Any]:
        """The MCP `Tool` definition (wire field names) for this tool."""
        return {
            "name": self.name,
            "description": self.description,
            "inputSchema": self.input_schema,
            "outputSchema": self.output_schema,
            "annotations": {"readOnlyHint": self.kind == "read", "idempotentHint": self.kind == "read"},
        }


class ServerDef:
    """One server: its name, world type, and the tools declared with `@server.read` / `@server.write`."""

    def __init__(self, name: str, world_type: type[World], *, group: str, description: str) -> None:
        if world_type.server != name:
            raise ValueError(f"{world_type.__name__}.server is {world_type.server!r}, expected {name!r}")
        self.name = name
        self.world_type = world_type
        self.group = group
        self.description = description
        self.tools: dict[str, ToolSpec] = {}

    def read(self, fn: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        """Declare a tool that only reads the world."""
        return self._declare(fn, "read")

    def write(self, fn: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        """Declare a tool that may change the world."""
        return self._declare(fn, "write")

    def _declare(self, fn: Callable[..., BaseModel], kind: Kind) -> Callable[..., BaseModel]:
        name = fn.__name__
        if name in self.tools:
            raise ValueError(f"tool {name!r} is declared twice on server {self.name!r}")
        self.tools[name] = _build_spec(fn, self.name, self.world_type, kind)
        return fn


def _build_spec(fn: Callable[..., BaseModel], server: str, world_type: type[World], kind: Kind) -> ToolSpec:
    name = fn.__name__
    hints = typing.get_type_hints(fn, include_extras=True)
    params = list(inspect.signature(fn).parameters.values())
    if not params or params[0].name != "world" or hints.get("world") is not world_type:
        raise TypeError(f"{server}.{name}: the first parameter must be `world: {world_type.__name__}`")
    result_model = hints.get("return")
    if not (isinstance(result_model, type) and issubclass(result_model, BaseModel)):
        raise TypeError(f"{server}.{name}: the return annotation must be a pydantic model")
    doc = docstring_parser.parse(inspect.getdoc(fn) or "")
    description = "\n\n".join(part for part in (doc.short_description, doc.long_description) if part)
    if not description:
        raise TypeError(f"{server}.{name}: a tool needs a docstring (it is the model-visible description)")
    arg_docs = {param.arg_name: param.description for param in doc.params}
    fields: dict[str, Any] = {}
    for param in params[1:]:
        if param.kind not in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY):
            raise TypeError(f"{server}.{name}: parameter {param.name!r} must be a plain named parameter")
        if param.name not in hints:
            raise TypeError(f"{server}.{name}: parameter {param.name!r} needs a type annotation")
        if not arg_docs.get(param.name):
            raise TypeError(f"{server}.{name}: parameter {param.name!r} needs a line in the docstring's Args:")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=arg_docs[param.name]))
    args_model = create_model(  # type: ignore[call-overload]
        f"{name}_arguments",
        __config__=ConfigDict(extra="forbid", strict=True),
        **fields,
    )
    return ToolSpec(
        name=name,
        server=server,
        kind=kind,
        description=description,
        fn=fn,
        args_model=args_model,
        result_model=result_model,
    )
