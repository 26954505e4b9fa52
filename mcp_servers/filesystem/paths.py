"""Pure path handling for the virtual file tree: parsing as a shell and the kernel would, and glob matching.

Nothing here looks at a tree or at the host: `parse` turns what the model typed into an absolute normalized path
plus the directories a kernel would search on the way (`a/b/../c` searches `a` and `a/b`, so a missing `b` is an
error even though the result does not contain it). The caller checks those directories against the world.

Glob matching is a small two-pointer matcher (no regular expressions), linear in practice and bounded by the
caller's pattern length.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from mcp_servers.core.errors import ToolError

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_PATH_LENGTH",
    "InvalidPath",
    "ParsedPath",
    "parse",
    "expand_home",
    "join",
    "parent_of",
    "base_name",
    "is_within",
    "relative_to",
    "check_name",
    "show",
    "has_magic",
    "glob_match",
]

MAX_PATH_LENGTH = 4096
MAX_NAME_LENGTH = 255
_SHOWN = 80


class InvalidPath(ToolError):
    """A path no file system would accept: empty, with a NUL byte, or too long."""


@dataclass(frozen=True, slots=True)
class ParsedPath:
    """A path as typed, resolved against the working directory."""

    path: str
    """The absolute normalized path: no `.`, `..`, repeated or trailing slashes."""
    searched: tuple[str, ...]
    """The directories looked up in, in walk order; each must exist, be a directory and be searchable."""
    must_be_dir: bool
    """The path ended in `/`, `/.` or `/..`, so whatever it names has to be a directory."""
    relative: bool
    """The walk started at the working directory."""
    ends_in_dot: bool
    """The last component was `.` or `..` (rm and rmdir refuse those)."""


def show(path: str) -> str:
    """A path quoted for a message, shortened when very long."""
    shown = path if len(path) <= _SHOWN else path[: _SHOWN - 3] + "..."
    return f"'{shown}'"


def expand_home(raw: str, home: str, homes: Mapping[str, str]) -> str:
    """Expand a leading `~` (the current user's home) or `~name` (that user's home) as a shell does.

    `~name` for a user that does not exist stays literal, so it names a file called `~name`.
    """
    if not raw.startswith("~"):
        return raw
    head, slash, rest = raw.partition("/")
    target = home if head == "~" else homes.get(head[1:])
    if target is None:
        return raw
    return target + slash + rest


def _check_raw(raw: str) -> None:
    if raw == "":
        raise InvalidPath("Invalid path: the path is empty (''); name a file or directory, e.g. '.' or '~'.")
    if "\x00" in raw:
        raise InvalidPath("Invalid path: it contains a NUL byte, which no file name may contain.")
    if len(raw) > MAX_PATH_LENGTH:
        raise InvalidPath(
            f"File name too long: the path has {len(raw)} characters, the limit is {MAX_PATH_LENGTH}."
        )
    for part in raw.split("/"):
        if len(part) > MAX_NAME_LENGTH:
            raise InvalidPath(
                f"File name too long: the component {show(part)} has {len(part)} characters, "
                f"the limit is {MAX_NAME_LENGTH}."
            )


def parse(raw: str, cwd: str, home: str, homes: Mapping[str, str] | None = None) -> ParsedPath:
    """Resolve `raw` against `cwd` with `~` expansion, `.` and `..` (which stays at `/` at the root).

    Raises:
        InvalidPath: empty, contains NUL, a component over 255 characters or a path over 4096.
    """
    _check_raw(raw)
    expanded = expand_home(raw, home, homes or {})
    _check_raw(expanded)
    relative = not expanded.startswith("/")
    current = cwd if relative else "/"
    searched: list[str] = []
    parts = [part for part in expanded.split("/") if part]
    for part in parts:
        searched.append(current)
        if part == "..":
            current = parent_of(current)
        elif part != ".":
            current = join(current, part)
    if len(current) > MAX_PATH_LENGTH:
        raise InvalidPath(
            f"File name too long: the resolved path has {len(current)} characters, the limit is {MAX_PATH_LENGTH}."
        )
    last = parts[-1] if parts else ""
    return ParsedPath(
        path=current,
        searched=tuple(dict.fromkeys(searched)),
        must_be_dir=expanded.endswith("/") or last in (".", ".."),
        relative=relative,
        ends_in_dot=last in (".", ".."),
    )


def join(parent: str, name: str) -> str:
    """`parent/name` for an absolute normalized parent."""
    return f"/{name}" if parent == "/" else f"{parent}/{name}"


def parent_of(path: str) -> str:
    """The directory containing `path`; the parent of `/` is `/`."""
    head = path.rsplit("/", 1)[0]
    return head or "/"


def base_name(path: str) -> str:
    """The last component of `path` (`/` for the root)."""
    return path.rsplit("/", 1)[1] or "/"


def is_within(path: str, ancestor: str) -> bool:
    """True when `path` is `ancestor` or lies below it."""
    return path == ancestor or ancestor == "/" or path.startswith(ancestor + "/")


def relative_to(path: str, ancestor: str) -> str:
    """`path` written relative to `ancestor` (which contains it); `.` for the ancestor itself."""
    if path == ancestor:
        return "."
    return path[1:] if ancestor == "/" else path[len(ancestor) + 1 :]


def check_name(name: str, what: str = "name") -> str:
    """Validate one file name (no slash) and return it.

    Raises:
        InvalidPath: empty, `.`/`..`, contains `/` or NUL, or longer than 255 characters.
    """
    if name == "":
        raise InvalidPath(f"Invalid {what}: it is empty; a file name needs at least one character.")
    if "\x00" in name:
        raise InvalidPath(f"Invalid {what}: it contains a NUL byte, which no file name may contain.")
    if "/" in name:
        raise InvalidPath(f"Invalid {what} {show(name)}: a file name cannot contain '/'.")
    if name in (".", ".."):
        raise InvalidPath(f"Invalid {what} {show(name)}: '.' and '..' are reserved.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidPath(
            f"File name too long: {show(name)} has {len(name)} characters, the limit is {MAX_NAME_LENGTH}."
        )
    return name


def has_magic(text: str) -> bool:
    """True when `text` contains a glob wildcard (`*`, `?` or `[`)."""
    return any(char in text for char in "*?[")


def _match_one(pattern: str, index: int, char: str) -> tuple[bool, int]:
    """Whether the pattern token at `index` (not `*`) matches `char`, and the token's width."""
    token = pattern[index]
    if token == "?":
        return True, 1
    if token == "\\" and index + 1 < len(pattern):
        return pattern[index + 1] == char, 2
    if token == "[":
        start = index + 2 if pattern[index + 1 : index + 2] in ("!", "^") else index + 1
        end = pattern.find("]", start + 1)  # a `]` first in the class is a literal member
        if end != -1:
            return _match_class(pattern[index + 1 : end], char), end - index + 1
    return token == char, 1


def _match_class(body: str, char: str) -> bool:
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    found = False
    position = 0
    while position < len(body):
        if position + 2 < len(body) and body[position + 1] == "-":
            found = found or body[position] <= char <= body[position + 2]
            position += 3
        else:
            found = found or body[position] == char
            position += 1
    return found != negate


def glob_match(pattern: str, name: str) -> bool:
    """Shell-style match of a whole `name`: `*` any run, `?` one character, `[a-z]`/`[!a-z]` classes, `\\` escapes."""
    p = n = 0
    star_p, star_n = -1, 0
    while n < len(name):
        if p < len(pattern) and pattern[p] == "*":
            star_p, star_n = p, n
            p += 1
            continue
        if p < len(pattern):
            matched, width = _match_one(pattern, p, name[n])
            if matched:
                p += width
                n += 1
                continue
        if star_p < 0:
            return False
        star_n += 1
        p, n = star_p + 1, star_n
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)
