"""The file system's rules over the world: lookup with permission checks, creating, writing and walking nodes.

Every check happens before any change, and every refusal is a `ToolError` worded like the shell's message plus
what would help. Permissions follow POSIX: root may do anything; otherwise the owner, group or other bits apply
(the first class the user falls in), searching a directory needs `x`, listing it `r`, adding or removing entries
`w` and `x`, and in a sticky directory (`/tmp`) only the owner of an entry or of the directory may remove it.
"""

from dataclasses import dataclass, field

from mcp_servers.core import ToolError
from mcp_servers.filesystem import paths
from mcp_servers.filesystem.paths import ParsedPath, base_name, parent_of, show
from mcp_servers.filesystem.world import DIRECTORY_SIZE, FilesystemWorld, Node

__all__ = [
    "R",
    "W",
    "X",
    "SETUID",
    "STICKY",
    "SETGID",
    "Target",
    "Walk",
    "fail",
    "permissions",
    "allowed",
    "require",
    "parse",
    "search_problem",
    "lookup",
    "existing",
    "existing_file",
    "existing_dir",
    "require_entry_change",
    "require_removable",
    "make_node",
    "set_content",
    "used_bytes",
    "ensure_space",
    "subtree",
    "walk",
    "children_index",
    "split_lines",
]

R, W, X = 4, 2, 1
SETUID, SETGID, STICKY = 0o4000, 0o2000, 0o1000
_ACCESS_WORDS = {
    R: "read (r)",
    W: "write (w)",
    X: "search (x)",
    R | X: "read and search (r-x)",
    W | X: "write and search (-wx)",
}


def fail(op: str, path: str, reason: str, hint: str = "") -> ToolError:
    """A shell-style error, `op: 'path': reason.`, followed by what would help."""
    return ToolError(f"{op}: {show(path)}: {reason}." + (f" {hint}" if hint else ""))


def permissions(node: Node) -> str:
    """The `ls -l` permission string, e.g. `drwxr-sr-x` or `-rw-------`."""
    chars = ["d" if node.kind == "directory" else "-"]
    for shift, special, mark in ((6, SETUID, "s"), (3, SETGID, "s"), (0, STICKY, "t")):
        bits = node.mode >> shift
        chars.append("r" if bits & R else "-")
        chars.append("w" if bits & W else "-")
        if node.mode & special:
            chars.append(mark if bits & X else mark.upper())
        else:
            chars.append("x" if bits & X else "-")
    return "".join(chars)


def allowed(world: FilesystemWorld, node: Node, want: int) -> bool:
    """Whether the current user has all the `want` bits (R, W, X) on `node`."""
    account = world.account
    if account.uid == 0:
        return True
    if node.owner == account.name:
        bits = node.mode >> 6
    elif node.group in account.groups:
        bits = node.mode >> 3
    else:
        bits = node.mode
    return bits & want == want


def _describe(path: str, node: Node) -> str:
    kind = "directory" if node.kind == "directory" else "file"
    return f"{kind} {show(path)} (owner {node.owner}:{node.group}, {permissions(node)})"


def require(world: FilesystemWorld, op: str, target: str, path: str, node: Node, want: int) -> None:
    """Raise `Permission denied` on `target` unless the user has `want` on `node` (at `path`)."""
    if not allowed(world, node, want):
        raise fail(
            op,
            target,
            "Permission denied",
            f"You ({world.user}) lack {_ACCESS_WORDS.get(want, 'the needed')} permission on {_describe(path, node)}.",
        )


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved path and the node there, if any."""

    path: str
    node: Node | None
    parsed: ParsedPath


def parse(world: FilesystemWorld, raw: str) -> ParsedPath:
    """`paths.parse` against the world's working directory and homes."""
    return paths.parse(raw, world.cwd, world.account.home, world.home_dirs())


def search_problem(world: FilesystemWorld, parsed: ParsedPath) -> tuple[str, str] | None:
    """Why the directories on the way to `parsed` cannot be walked (reason, hint), or None when they can."""
    if parsed.relative and world.cwd not in world.nodes:
        removed = f"The current directory {show(world.cwd)} was removed; cd to an existing directory such as '~'."
        return "No such file or directory", removed
    for directory in parsed.searched:
        node = world.nodes.get(directory)
        if node is None:
            return "No such file or directory", f"The directory {show(directory)} does not exist."
        if node.kind != "directory":
            return "Not a directory", f"{show(directory)} is a file, so nothing can lie below it."
        if not allowed(world, node, X):
            why = f"You ({world.user}) lack search (x) permission on {_describe(directory, node)}."
            return "Permission denied", why
    return None


def lookup(world: FilesystemWorld, raw: str, op: str) -> Target:
    """Resolve `raw`, checking every directory on the way; the target itself may be missing."""
    parsed = parse(world, raw)
    problem = search_problem(world, parsed)
    if problem is not None:
        raise fail(op, parsed.path, *problem)
    node = world.nodes.get(parsed.path)
    if node is not None and parsed.must_be_dir and node.kind != "directory":
        raise fail(op, parsed.path, "Not a directory", "The path ends with '/' but names a file; drop the slash.")
    return Target(parsed.path, node, parsed)


def _missing(world: FilesystemWorld, op: str, path: str) -> ToolError:
    parent = parent_of(path)
    hint = f"Nothing named {show(base_name(path))} is in {show(parent)}; ls {show(parent)} shows what is there."
    return fail(op, path, "No such file or directory", hint)


def existing(world: FilesystemWorld, raw: str, op: str) -> tuple[str, Node]:
    """The path and node `raw` names, which must exist."""
    target = lookup(world, raw, op)
    if target.node is None:
        raise _missing(world, op, target.path)
    return target.path, target.node


def existing_file(world: FilesystemWorld, raw: str, op: str, want: int = R) -> tuple[str, Node]:
    """An existing regular file the user has `want` access to."""
    path, node = existing(world, raw, op)
    if node.kind == "directory":
        raise fail(op, path, "Is a directory", "This tool works on files; ls or tree show a directory's contents.")
    require(world, op, path, path, node, want)
    return path, node


def existing_dir(world: FilesystemWorld, raw: str, op: str, want: int = R | X) -> tuple[str, Node]:
    """An existing directory the user has `want` access to."""
    path, node = existing(world, raw, op)
    if node.kind != "directory":
        raise fail(op, path, "Not a directory", "This tool needs a directory; it names a file.")
    require(world, op, path, path, node, want)
    return path, node


def require_entry_change(world: FilesystemWorld, op: str, path: str) -> Node:
    """Check the user may add or remove the entry `path` in its parent (`w` and `x`); return the parent."""
    parent_path = parent_of(path)
    parent = world.nodes[parent_path]
    require(world, op, path, parent_path, parent, W | X)
    return parent


def require_removable(world: FilesystemWorld, op: str, path: str, node: Node) -> None:
    """Check the user may remove or rename `path`: write access to its parent and the sticky-bit rule."""
    parent = require_entry_change(world, op, path)
    account = world.account
    if parent.mode & STICKY and account.uid != 0 and account.name not in (node.owner, parent.owner):
        raise fail(
            op,
            path,
            "Operation not permitted",
            f"{show(parent_of(path))} has the sticky bit: only the entry's owner ({node.owner}), the directory's owner "
            f"({parent.owner}) or root may remove or rename it.",
        )


def make_node(world: FilesystemWorld, path: str, kind: str, mode: int | None = None) -> Node:
    """Create an empty file or directory owned by the user, honouring the umask and a setgid parent."""
    parent = world.nodes[parent_of(path)]
    account = world.account
    if mode is None:
        mode = (0o777 if kind == "directory" else 0o666) & ~world.umask
    group = account.groups[0]
    if parent.mode & SETGID:
        group = parent.group
        if kind == "directory":
            mode |= SETGID
    node = Node(
        kind=kind,
        owner=account.name,
        group=group,
        mode=mode,
        size=DIRECTORY_SIZE if kind == "directory" else 0,
        modified=world.now,
    )
    world.nodes[path] = node
    parent.modified = world.now
    return node


def used_bytes(world: FilesystemWorld) -> int:
    """Bytes held by all files (directories are not counted)."""
    return sum(node.size for node in world.nodes.values() if node.kind == "file")


def ensure_space(world: FilesystemWorld, op: str, path: str, growth: int) -> None:
    """Refuse a change that would grow the files past the disk's capacity."""
    if growth <= 0:
        return
    free = world.capacity_bytes - used_bytes(world)
    if growth > free:
        raise fail(
            op,
            path,
            "No space left on device",
            f"The change needs {growth} more bytes but only {max(free, 0)} of {world.capacity_bytes} are free; "
            "remove large files first (du shows where the space goes).",
        )


def set_content(world: FilesystemWorld, op: str, path: str, node: Node, content: str) -> None:
    """Replace a file's text, checking the disk has room, and stamp it modified now."""
    size = len(content.encode())
    ensure_space(world, op, path, size - node.size)
    node.content = content
    node.size = size
    node.modified = world.now


def _depth_key(path: str) -> list[str]:
    return path.split("/")


def subtree(world: FilesystemWorld, root: str) -> list[str]:
    """Every path strictly below `root`, in depth-first order with names sorted."""
    prefix = "/" if root == "/" else root + "/"
    return sorted((path for path in world.nodes if path.startswith(prefix) and path != "/"), key=_depth_key)


@dataclass
class Walk:
    """The entries below a directory the user could reach, and the directories they could not open."""

    entries: list[tuple[str, Node, int]] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)


def walk(world: FilesystemWorld, root: str, max_depth: int = 64, hidden: bool = True) -> Walk:
    """Depth-first entries below `root` (depth 1 = its children), skipping what the user cannot open.

    A directory without read and search permission is listed but not entered, and reported in `denied`, as
    `find` reports "Permission denied". Hidden entries (names starting with '.') are skipped with their contents
    unless `hidden`.
    """
    result = Walk()
    base_depth = 0 if root == "/" else root.count("/")
    skip = None
    for path in subtree(world, root):
        if skip is not None and path.startswith(skip):
            continue
        skip = None
        node = world.nodes[path]
        depth = path.count("/") - base_depth
        if depth > max_depth or (not hidden and base_name(path).startswith(".")):
            skip = path + "/"
            continue
        result.entries.append((path, node, depth))
        if node.kind != "directory":
            continue
        if depth >= max_depth:
            skip = path + "/"
        elif not allowed(world, node, R | X):
            result.denied.append(path)
            skip = path + "/"
    return result


def children_index(world: FilesystemWorld) -> dict[str, list[str]]:
    """Directory path to its entry names, sorted, built in one pass."""
    index: dict[str, list[str]] = {}
    for path in world.nodes:
        if path != "/":
            index.setdefault(parent_of(path), []).append(base_name(path))
    for names in index.values():
        names.sort()
    return index


def split_lines(content: str) -> list[str]:
    """The lines of a text split on `\\n` only, without a phantom empty line after a final newline."""
    lines = content.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines
