"""Tools of the file system server: a shell's file commands over the virtual tree.

Paths are taken as a shell takes them (relative to the working directory, `~`, `..`) and reported absolute, so
any path a tool returns can be passed straight to another. Listings are sorted and bounded.
"""

import difflib
import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, Entity, LongText, ServerDef, ToolError
from mcp_servers.filesystem import vfs
from mcp_servers.filesystem.paths import (
    base_name,
    check_name,
    expand_home,
    glob_match,
    has_magic,
    is_within,
    join,
    parent_of,
    relative_to,
    show,
)
from mcp_servers.filesystem.vfs import R, SETGID, SETUID, STICKY, W, X
from mcp_servers.filesystem.world import (
    FilesystemWorld,
    FsPath,
    Node,
    NodeKind,
    UnixGroupName,
    UnixUserName,
)

server = ServerDef(
    "filesystem",
    FilesystemWorld,
    group="productivity",
    description=(
        "A Unix-like file system with a home directory, projects, documents, logs and shared system areas: "
        "navigate, list, search, read, edit, copy, move and delete files, and manage permissions and owners."
    ),
)

Glob = Annotated[str, Field(min_length=1, max_length=200)]
Limit = Annotated[int, Field(ge=1, le=1000)]
LineNumber = Annotated[int, Field(ge=1, le=1_000_000)]
OptionalUser = Annotated[str, Entity("unix_user"), Field(max_length=32)]
OptionalGroup = Annotated[str, Entity("unix_group"), Field(max_length=32)]
OptionalPassword = Annotated[str, Entity("unix_password", sensitive=True), Field(max_length=128)]

_MAX_LINE_SHOWN = 300
_MAX_DIFF_LINES = 5000
_MAX_LISTED_CHANGES = 200


# ---------------------------------------------------------------------------------------------------- results


class FsEntry(BaseModel):
    """A file or directory as `ls -l` shows it."""

    path: FsPath
    name: str
    kind: NodeKind
    size: int
    permissions: str
    owner: UnixUserName
    group: UnixGroupName
    modified: datetime


class WorkingDirectory(BaseModel):
    path: FsPath
    exists: bool
    previous: FsPath


class DirectoryListing(BaseModel):
    path: FsPath
    entries: list[FsEntry]
    total: int
    truncated: bool


class TreeEntry(BaseModel):
    path: FsPath
    kind: NodeKind
    depth: int
    size: int


class TreeListing(BaseModel):
    root: FsPath
    entries: list[TreeEntry]
    directories: int
    files: int
    truncated: bool
    unreadable: list[FsPath]


class FileStatus(BaseModel):
    entry: FsEntry
    mode: str = Field(description="Octal permission bits, e.g. 0644.")
    uid: int
    gid: int
    entry_count: int | None = Field(description="Number of entries for a directory.")
    readable: bool
    writable: bool
    executable: bool


class ResolvedPath(BaseModel):
    path: FsPath
    exists: bool
    kind: NodeKind | None
    problem: str | None = Field(description="Why the path cannot be reached, when it cannot.")


class FileType(BaseModel):
    path: FsPath
    description: str
    mime_type: str


class FileContent(BaseModel):
    path: FsPath
    content: str
    start_line: int
    end_line: int
    total_lines: int
    truncated: bool


class FileLines(BaseModel):
    path: FsPath
    first_line_number: int
    lines: list[str]
    total_lines: int


class WordCount(BaseModel):
    path: FsPath
    lines: int
    words: int
    characters: int
    bytes: int


class Checksum(BaseModel):
    path: FsPath
    algorithm: str
    digest: str
    size: int


class FindResult(BaseModel):
    matches: list[FsEntry]
    total_matches: int
    truncated: bool
    unreadable: list[FsPath]


class GlobResult(BaseModel):
    pattern: str
    matches: list[FsPath]
    truncated: bool


class GrepMatch(BaseModel):
    path: FsPath
    line_number: int
    line: str


class GrepResult(BaseModel):
    matches: list[GrepMatch]
    files_with_matches: list[FsPath]
    total_matches: int
    truncated: bool
    unreadable: list[FsPath]


class UsageEntry(BaseModel):
    path: FsPath
    kind: NodeKind
    bytes: int
    files: int


class DirectoryUsage(BaseModel):
    path: FsPath
    total_bytes: int
    total_files: int
    entries: list[UsageEntry]
    truncated: bool
    unreadable: list[FsPath]


class DiskUsage(BaseModel):
    mounted_on: FsPath
    capacity_bytes: int
    used_bytes: int
    free_bytes: int
    used_percent: float


class FileDiff(BaseModel):
    path_a: FsPath
    path_b: FsPath
    identical: bool
    added_lines: int
    removed_lines: int
    diff: list[str]
    truncated: bool


class DirectoryComparison(BaseModel):
    dir_a: FsPath
    dir_b: FsPath
    only_in_a: list[str]
    only_in_b: list[str]
    differing: list[str]
    identical_files: int
    truncated: bool
    unreadable: list[FsPath]


class LinesResult(BaseModel):
    path: FsPath
    lines: list[str]
    total_lines: int
    truncated: bool


class Identity(BaseModel):
    user: UnixUserName
    uid: int
    groups: list[UnixGroupName]
    home: FsPath
    shell: str
    cwd: FsPath


class UnixUserInfo(BaseModel):
    name: UnixUserName
    uid: int
    groups: list[UnixGroupName]
    home: FsPath
    shell: str
    can_log_in: bool


class UnixGroupInfo(BaseModel):
    name: UnixGroupName
    gid: int
    members: list[UnixUserName]


class UnixAccounts(BaseModel):
    users: list[UnixUserInfo]
    groups: list[UnixGroupInfo]


class UmaskResult(BaseModel):
    umask: str
    new_file_mode: str
    new_directory_mode: str


class CreatedDirectories(BaseModel):
    entry: FsEntry
    created: list[FsPath]


class WriteResult(BaseModel):
    entry: FsEntry
    created: bool
    bytes_written: int


class EditResult(BaseModel):
    entry: FsEntry
    total_lines: int
    changed: int = Field(description="Lines inserted or deleted, or replacements made.")


class RemoveResult(BaseModel):
    removed: list[FsPath]
    removed_count: int
    freed_bytes: int
    truncated: bool


class MoveResult(BaseModel):
    source: FsPath
    destination: FsPath
    moved_count: int


class CopyResult(BaseModel):
    source: FsPath
    destination: FsPath
    copied_count: int
    bytes_copied: int


class Rename(BaseModel):
    source: FsPath
    destination: FsPath


class RenameResult(BaseModel):
    renames: list[Rename]
    dry_run: bool


class AttributeChange(BaseModel):
    entry: FsEntry
    changed_count: int


# ---------------------------------------------------------------------------------------------------- helpers


def _entry(path: str, node: Node) -> FsEntry:
    return FsEntry(
        path=path,
        name=base_name(path),
        kind=node.kind,
        size=node.size,
        permissions=vfs.permissions(node),
        owner=node.owner,
        group=node.group,
        modified=node.modified,
    )


def _children(world: FilesystemWorld, directory: str) -> list[str]:
    """Paths directly inside `directory`, sorted by name."""
    return sorted(path for path in world.nodes if path != "/" and parent_of(path) == directory)


def _has_children(world: FilesystemWorld, directory: str) -> bool:
    prefix = "/" if directory == "/" else directory + "/"
    return any(path.startswith(prefix) and path != "/" for path in world.nodes)


def _line_window(lines: list[str], start: int, count: int) -> list[str]:
    window = lines[start : start + count]
    return [line if len(line) <= _MAX_LINE_SHOWN else line[:_MAX_LINE_SHOWN] + "..." for line in window]


def _store(
    world: FilesystemWorld, op: str, raw: str, text: str, how: Literal["replace", "append", "create"]
) -> tuple[str, Node, bool]:
    """Write `text` to the file at `raw` (creating it if missing); return its path, node and whether it is new."""
    target = vfs.lookup(world, raw, op)
    node = target.node
    if node is None:
        if target.parsed.must_be_dir:
            raise vfs.fail(op, target.path, "Is a directory", "A file path cannot end with '/'; drop the slash.")
        vfs.require_entry_change(world, op, target.path)
        vfs.ensure_space(world, op, target.path, len(text.encode()))
        node = vfs.make_node(world, target.path, "file")
        vfs.set_content(world, op, target.path, node, text)
        return target.path, node, True
    if node.kind == "directory":
        raise vfs.fail(
            op, target.path, "Is a directory", f"Name a file inside it, e.g. {show(join(target.path, 'notes.txt'))}."
        )
    if how == "create":
        raise vfs.fail(
            op, target.path, "File exists", "Pass overwrite=true to replace it, or use append_file to add to it."
        )
    vfs.require(world, op, target.path, target.path, node, W)
    vfs.set_content(world, op, target.path, node, node.content + text if how == "append" else text)
    return target.path, node, False


def _relocate(world: FilesystemWorld, source: str, destination: str) -> int:
    """Move the node at `source` and everything below it to `destination`; keep the shell's directories valid."""
    moved = [source, *vfs.subtree(world, source)]
    for old in moved:
        world.nodes[destination + old[len(source) :]] = world.nodes.pop(old)
    for directory in (parent_of(source), parent_of(destination)):
        world.nodes[directory].modified = world.now
    if is_within(world.cwd, source):
        world.cwd = destination + world.cwd[len(source) :]
    if is_within(world.previous_cwd, source):
        world.previous_cwd = destination + world.previous_cwd[len(source) :]
    return len(moved)


def _destination(world: FilesystemWorld, op: str, source: str, node: Node, raw: str) -> tuple[str, Node | None]:
    """Where mv/cp put `source`: inside `raw` when it is an existing directory, else at `raw` itself."""
    target = vfs.lookup(world, raw, op)
    if target.node is not None and target.node.kind == "directory" and target.path != source:
        vfs.require(world, op, target.path, target.path, target.node, X)
        final = join(target.path, base_name(source))
        return final, world.nodes.get(final)
    if target.node is None and target.parsed.must_be_dir and node.kind != "directory":
        raise vfs.fail(
            op,
            target.path,
            "Not a directory",
            "The destination ends with '/' but no such directory exists; mkdir it first.",
        )
    return target.path, target.node


def _check_replace(world: FilesystemWorld, op: str, node: Node, path: str, existing: Node, overwrite: bool) -> None:
    if not overwrite:
        raise vfs.fail(op, path, "File exists", "Pass overwrite=true to replace it, or choose another destination.")
    if existing.kind == "directory" and node.kind != "directory":
        raise vfs.fail(op, path, "Is a directory", "A file cannot replace a directory; name a path inside it instead.")
    if existing.kind != "directory" and node.kind == "directory":
        raise vfs.fail(
            op, path, "Not a directory", "A directory cannot replace a file; remove the file or pick another name."
        )


def _require_owner(world: FilesystemWorld, op: str, path: str, node: Node) -> None:
    if world.account.uid != 0 and node.owner != world.user:
        who = "root" if node.owner == "root" else f"its owner ({node.owner}) or root"
        raise vfs.fail(op, path, "Operation not permitted", f"Only {who} may change it; you are {world.user}.")


def _tree_targets(world: FilesystemWorld, op: str, raw: str, recursive: bool) -> list[tuple[str, Node]]:
    """`raw` and, when recursive, everything below it; every directory on the way must be readable."""
    path, node = vfs.existing(world, raw, op)
    targets = [(path, node)]
    if recursive and node.kind == "directory":
        for below in [path, *vfs.subtree(world, path)]:
            child = world.nodes[below]
            if child.kind == "directory":
                vfs.require(world, op, below, below, child, R | X)
            if below != path:
                targets.append((below, child))
    return targets


def _descend(world: FilesystemWorld, index: dict[str, list[str]], starts: list[str]) -> list[str]:
    """`starts` and every non-hidden directory below them that can be reached, each once (what `**` matches)."""
    seen: dict[str, None] = {}
    stack = list(reversed(starts))
    while stack:
        directory = stack.pop()
        if directory in seen:
            continue
        seen[directory] = None
        node = world.nodes[directory]
        if not vfs.allowed(world, node, R | X):
            continue
        for name in reversed(index.get(directory, [])):
            child = join(directory, name)
            if not name.startswith(".") and world.nodes[child].kind == "directory":
                stack.append(child)
    return list(seen)


def _octal_mode(text: str) -> int | None:
    if 1 <= len(text) <= 4 and all(char in "01234567" for char in text):
        return int(text, 8)
    return None


_CLASS_SHIFT = {"u": 6, "g": 3, "o": 0}
_CLASS_SPECIAL = {"u": SETUID, "g": SETGID, "o": STICKY}


def _symbolic_bits(who: str, perms: str, mode: int, is_dir: bool) -> int:
    bits = 0
    for cls in who:
        shift = _CLASS_SHIFT[cls]
        for perm in perms:
            if perm == "r":
                bits |= R << shift
            elif perm == "w":
                bits |= W << shift
            elif perm == "x" or (perm == "X" and (is_dir or mode & 0o111)):
                bits |= X << shift
            elif perm == "s" and cls in "ug":
                bits |= _CLASS_SPECIAL[cls]
            elif perm == "t" and cls == "o":
                bits |= STICKY
    return bits


def _apply_mode(spec: str, mode: int, is_dir: bool, umask: int) -> int:
    """The new mode for `spec`: octal (`755`, `0640`, `1777`) or symbolic (`u+x`, `go-w`, `a=r,u+w`, `+x`).

    Raises:
        ToolError: the spec is neither.
    """
    octal = _octal_mode(spec)
    if octal is not None:
        return octal
    invalid = ToolError(
        f"chmod: invalid mode {show(spec)}: use octal like 644 or 0755, or symbolic like u+x, go-w, a=r, u=rw,g=r."
    )
    for clause in spec.split(","):
        index = 0
        while index < len(clause) and clause[index] in "ugoa":
            index += 1
        who_text, rest = clause[:index], clause[index:]
        if not rest:
            raise invalid
        who = "ugo" if who_text == "" or "a" in who_text else "".join(dict.fromkeys(who_text))
        while rest:
            operator, rest = rest[0], rest[1:]
            if operator not in "+-=":
                raise invalid
            length = 0
            while length < len(rest) and rest[length] in "rwxXst":
                length += 1
            bits = _symbolic_bits(who, rest[:length], mode, is_dir)
            rest = rest[length:]
            if who_text == "":
                bits &= ~umask | 0o7000
            if operator == "+":
                mode |= bits
            elif operator == "-":
                mode &= ~bits
            else:
                cleared = 0
                for cls in who:
                    cleared |= (7 << _CLASS_SHIFT[cls]) | (_CLASS_SPECIAL[cls] if cls != "o" else 0)
                mode = (mode & ~cleared) | bits
    return mode


def _leading_number(text: str) -> float:
    """The number a text starts with, as `sort -n` reads it (0 when there is none)."""
    text = text.strip()
    end = 1 if text[:1] in ("-", "+") else 0
    seen_dot = False
    while end < len(text) and (text[end].isdigit() or (text[end] == "." and not seen_dot)):
        seen_dot = seen_dot or text[end] == "."
        end += 1
    try:
        return float(text[:end])
    except ValueError:
        return 0.0


def _parse_fields(spec: str) -> list[tuple[int, int]]:
    """`cut -f` ranges: `2`, `1,3`, `2-4`, `3-` (to the end), `-2` (from the start); 1-based, inclusive."""
    ranges = []
    for part in spec.split(","):
        start_text, dash, end_text = part.strip().partition("-")
        try:
            start = int(start_text) if start_text else 1
            end = int(end_text) if end_text else (10_000 if dash else start)
        except ValueError:
            start, end = 0, 0
        if start < 1 or end < start or start > 10_000:
            raise ToolError(
                f"cut: invalid field list {show(spec)}: use 1-based numbers and ranges such as 1,3 or 2-4 or 3-."
            )
        ranges.append((start, end))
    return ranges


_TYPES = {
    ".py": ("Python script, text", "text/x-python"),
    ".js": ("JavaScript source, text", "text/javascript"),
    ".json": ("JSON data", "application/json"),
    ".csv": ("CSV text", "text/csv"),
    ".md": ("Markdown document, text", "text/markdown"),
    ".html": ("HTML document, text", "text/html"),
    ".php": ("PHP script, text", "application/x-php"),
    ".css": ("CSS stylesheet, text", "text/css"),
    ".sh": ("shell script, text", "text/x-shellscript"),
    ".toml": ("TOML configuration, text", "application/toml"),
    ".sql": ("SQL script, text", "application/sql"),
    ".svg": ("SVG image, XML text", "image/svg+xml"),
    ".log": ("log file, text", "text/plain"),
    ".jpg": ("JPEG image (placeholder data)", "image/jpeg"),
    ".jpeg": ("JPEG image (placeholder data)", "image/jpeg"),
    ".png": ("PNG image (placeholder data)", "image/png"),
    ".pdf": ("PDF document (placeholder data)", "application/pdf"),
    ".docx": ("Microsoft Word document (placeholder data)", "application/msword"),
    ".deb": ("Debian package (placeholder data)", "application/vnd.debian.binary-package"),
    ".tgz": ("gzip compressed archive (placeholder data)", "application/gzip"),
    ".whl": ("Python wheel archive (placeholder data)", "application/zip"),
}


# ---------------------------------------------------------------------------------------------------- navigation


@server.read
def pwd(world: FilesystemWorld) -> WorkingDirectory:
    """Show the current working directory, against which relative paths are resolved."""
    return WorkingDirectory(path=world.cwd, exists=world.cwd in world.nodes, previous=world.previous_cwd)


@server.write
def cd(world: FilesystemWorld, path: FsPath = "~") -> WorkingDirectory:
    """Change the current working directory.

    Accepts absolute or relative paths, `~` (your home), `..`, and `-` (the previous directory).

    Args:
        path: Directory to enter; `-` returns to the previous one.
    """
    raw = world.previous_cwd if path == "-" else path
    target, _ = vfs.existing_dir(world, raw, "cd", X)
    world.previous_cwd, world.cwd = world.cwd, target
    return WorkingDirectory(path=target, exists=True, previous=world.previous_cwd)


@server.read
def ls(
    world: FilesystemWorld,
    path: FsPath = ".",
    show_hidden: bool = False,
    sort_by: Literal["name", "size", "modified"] = "name",
    reverse: bool = False,
    limit: Limit = 200,
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0,
) -> DirectoryListing:
    """List a directory's entries with size, permissions, owner and modification time (like `ls -l`).

    Names starting with '.' are hidden unless show_hidden. Sorting by size puts the largest first and by modified
    the newest first; reverse flips the order. Page with offset and limit.

    Args:
        path: Directory (or a single file) to list; defaults to the current directory.
        show_hidden: Include entries whose names start with '.'.
        sort_by: Order by name, size (largest first) or modified (newest first).
        reverse: Reverse the order.
        limit: Maximum entries to return.
        offset: Entries to skip before the first returned one.
    """
    target, node = vfs.existing(world, path, "ls")
    if node.kind != "directory":
        return DirectoryListing(path=target, entries=[_entry(target, node)], total=1, truncated=False)
    vfs.require(world, "ls", target, target, node, R)
    entries = [_entry(child, world.nodes[child]) for child in _children(world, target)]
    if not show_hidden:
        entries = [entry for entry in entries if not entry.name.startswith(".")]
    if sort_by == "size":
        entries.sort(key=lambda entry: -entry.size)
    elif sort_by == "modified":
        entries.sort(key=lambda entry: entry.modified, reverse=True)
    if reverse:
        entries.reverse()
    page = entries[offset : offset + limit]
    return DirectoryListing(path=target, entries=page, total=len(entries), truncated=offset + len(page) < len(entries))


@server.read
def tree(
    world: FilesystemWorld,
    path: FsPath = ".",
    max_depth: Annotated[int, Field(ge=1, le=20)] = 3,
    show_hidden: bool = False,
    directories_only: bool = False,
    limit: Annotated[int, Field(ge=1, le=2000)] = 300,
) -> TreeListing:
    """Show the directory hierarchy below a path, depth first with names sorted (like `tree`).

    Args:
        path: Directory to start from.
        max_depth: How many levels below it to show.
        show_hidden: Include names starting with '.'.
        directories_only: Show only directories.
        limit: Maximum entries to return.
    """
    root, _ = vfs.existing_dir(world, path, "tree")
    walked = vfs.walk(world, root, max_depth, hidden=show_hidden)
    rows = [item for item in walked.entries if not directories_only or item[1].kind == "directory"]
    entries = [TreeEntry(path=p, kind=n.kind, depth=d, size=n.size) for p, n, d in rows[:limit]]
    directories = sum(1 for _, node, _ in rows if node.kind == "directory")
    return TreeListing(
        root=root,
        entries=entries,
        directories=directories,
        files=len(rows) - directories,
        truncated=len(rows) > limit,
        unreadable=walked.denied[:_MAX_LISTED_CHANGES],
    )


@server.read
def stat(world: FilesystemWorld, path: FsPath) -> FileStatus:
    """Show everything about one file or directory: size, mode, owner, group, times, and what you may do with it.

    Args:
        path: File or directory to describe.
    """
    target, node = vfs.existing(world, path, "stat")
    owner = world.users.get(node.owner)
    group = world.groups.get(node.group)
    return FileStatus(
        entry=_entry(target, node),
        mode=f"{node.mode:04o}",
        uid=owner.uid if owner else -1,
        gid=group.gid if group else -1,
        entry_count=len(_children(world, target)) if node.kind == "directory" else None,
        readable=vfs.allowed(world, node, R),
        writable=vfs.allowed(world, node, W),
        executable=vfs.allowed(world, node, X),
    )


@server.read
def realpath(world: FilesystemWorld, path: FsPath) -> ResolvedPath:
    """Resolve a path to its absolute normalized form and say whether something exists there.

    Use it to check a path before acting on it; it never fails for a missing file.

    Args:
        path: Path to resolve (relative, `~`, `..` and repeated slashes are all fine).
    """
    parsed = vfs.parse(world, path)
    problem = vfs.search_problem(world, parsed)
    node = None if problem else world.nodes.get(parsed.path)
    return ResolvedPath(
        path=parsed.path,
        exists=node is not None,
        kind=node.kind if node else None,
        problem=f"{problem[0]}: {problem[1]}" if problem else None,
    )


@server.read
def whoami(world: FilesystemWorld) -> Identity:
    """Show the user the shell runs as, with uid, groups, home directory and current directory (like `id`)."""
    account = world.account
    return Identity(
        user=account.name, uid=account.uid, groups=account.groups, home=account.home, shell=account.shell, cwd=world.cwd
    )


@server.read
def list_unix_users(world: FilesystemWorld) -> UnixAccounts:
    """List the machine's user accounts and groups with their members (the owners chown can assign)."""
    users = sorted(world.users.values(), key=lambda user: user.uid)
    groups = sorted(world.groups.values(), key=lambda group: group.gid)
    return UnixAccounts(
        users=[
            UnixUserInfo(
                name=u.name,
                uid=u.uid,
                groups=u.groups,
                home=u.home,
                shell=u.shell,
                can_log_in=not u.shell.endswith("nologin"),
            )
            for u in users
        ],
        groups=[
            UnixGroupInfo(name=g.name, gid=g.gid, members=[u.name for u in users if g.name in u.groups]) for g in groups
        ],
    )


@server.write
def switch_unix_user(world: FilesystemWorld, username: UnixUserName, password: OptionalPassword = "") -> Identity:
    """Act as another user from now on (like `su`); the working directory stays the same.

    Becoming another user needs that user's password, which only the person you help can give you; root may
    become anyone without one.

    Args:
        username: Account to switch to.
        password: That account's password (not needed when you are root or switching to yourself).
    """
    target = world.users.get(username)
    if target is None:
        raise ToolError(f"switch_unix_user: user {show(username)} does not exist; list_unix_users shows the accounts.")
    if target.shell.endswith("nologin"):
        raise ToolError(
            f"switch_unix_user: this account is currently not available: {username} has the shell {target.shell}."
        )
    if world.account.uid != 0 and username != world.user:
        if not password:
            raise ToolError(f"switch_unix_user: a password is required to become {username}; ask the user for it.")
        if password != target.password:
            raise ToolError(f"switch_unix_user: Authentication failure: wrong password for {username}.")
    world.user = username
    return whoami(world)


@server.write
def umask(world: FilesystemWorld, mask: Annotated[str, Field(max_length=4)] = "") -> UmaskResult:
    """Show or set the umask: the permission bits removed from every new file and directory.

    Args:
        mask: New octal mask such as 022 or 077; leave empty to only show the current one.
    """
    if mask:
        value = _octal_mode(mask)
        if value is None or value > 0o777:
            raise ToolError(f"umask: invalid mask {show(mask)}: use three octal digits such as 022 or 077.")
        world.umask = value
    return UmaskResult(
        umask=f"{world.umask:04o}",
        new_file_mode=f"{0o666 & ~world.umask:04o}",
        new_directory_mode=f"{0o777 & ~world.umask:04o}",
    )


# ---------------------------------------------------------------------------------------------------- reading


@server.read
def cat(
    world: FilesystemWorld,
    path: FsPath,
    start_line: LineNumber = 1,
    max_lines: Annotated[int, Field(ge=1, le=5000)] = 500,
    number_lines: bool = False,
) -> FileContent:
    """Read a text file, whole or a window of lines.

    Args:
        path: File to read.
        start_line: First line to return (1-based).
        max_lines: Maximum number of lines to return.
        number_lines: Prefix each line with its number (like `cat -n`).
    """
    target, node = vfs.existing_file(world, path, "cat")
    lines = vfs.split_lines(node.content)
    if lines and start_line > len(lines):
        raise vfs.fail(
            "cat", target, "Line out of range", f"The file has {len(lines)} lines; start at 1 to {len(lines)}."
        )
    window = lines[start_line - 1 : start_line - 1 + max_lines]
    if number_lines:
        window = [f"{start_line + index:>6}\t{line}" for index, line in enumerate(window)]
    ends_open = start_line - 1 + len(window) == len(lines) and not node.content.endswith("\n")
    content = "\n".join(window) + ("" if ends_open or not window else "\n")
    return FileContent(
        path=target,
        content=content,
        start_line=start_line,
        end_line=start_line + len(window) - 1,
        total_lines=len(lines),
        truncated=start_line - 1 + len(window) < len(lines),
    )


@server.read
def head(world: FilesystemWorld, path: FsPath, lines: Count = 10) -> FileLines:
    """Show the first lines of a file.

    Args:
        path: File to read.
        lines: How many lines.
    """
    target, node = vfs.existing_file(world, path, "head")
    all_lines = vfs.split_lines(node.content)
    return FileLines(
        path=target, first_line_number=1, lines=_line_window(all_lines, 0, lines), total_lines=len(all_lines)
    )


@server.read
def tail(world: FilesystemWorld, path: FsPath, lines: Count = 10) -> FileLines:
    """Show the last lines of a file (recent entries of a log, for instance).

    Args:
        path: File to read.
        lines: How many lines.
    """
    target, node = vfs.existing_file(world, path, "tail")
    all_lines = vfs.split_lines(node.content)
    start = max(len(all_lines) - lines, 0)
    return FileLines(
        path=target,
        first_line_number=start + 1,
        lines=_line_window(all_lines, start, lines),
        total_lines=len(all_lines),
    )


@server.read
def wc(world: FilesystemWorld, path: FsPath) -> WordCount:
    """Count the lines, words, characters and bytes of a file.

    Args:
        path: File to count.
    """
    target, node = vfs.existing_file(world, path, "wc")
    return WordCount(
        path=target,
        lines=node.content.count("\n"),
        words=len(node.content.split()),
        characters=len(node.content),
        bytes=node.size,
    )


@server.read
def file_type(world: FilesystemWorld, path: FsPath) -> FileType:
    """Guess what kind of data a file holds from its name and content (like `file`).

    Args:
        path: File or directory to identify.
    """
    target, node = vfs.existing(world, path, "file_type")
    if node.kind == "directory":
        return FileType(path=target, description="directory", mime_type="inode/directory")
    vfs.require(world, "file_type", target, target, node, R)
    name = base_name(target).lower()
    extension = name[name.rfind(".") :] if "." in name.lstrip(".") else ""
    if node.content == "":
        description, mime = "empty", "inode/x-empty"
    elif node.content.startswith("#!"):
        interpreter = node.content[2:].split("\n", 1)[0].strip() or "unknown"
        description, mime = f"script, interpreter {interpreter}", "text/x-shellscript"
    elif extension in _TYPES:
        description, mime = _TYPES[extension]
    else:
        description = "ASCII text" if node.content.isascii() else "UTF-8 Unicode text"
        mime = "text/plain"
    return FileType(path=target, description=description, mime_type=mime)


@server.read
def checksum(
    world: FilesystemWorld, path: FsPath, algorithm: Literal["sha256", "sha1", "md5"] = "sha256"
) -> Checksum:
    """Compute a file's checksum, to verify a copy or spot identical files.

    Args:
        path: File to hash.
        algorithm: Hash function.
    """
    target, node = vfs.existing_file(world, path, "checksum")
    digest = hashlib.new(algorithm, node.content.encode(), usedforsecurity=False).hexdigest()
    return Checksum(path=target, algorithm=algorithm, digest=digest, size=node.size)


@server.read
def sort_file(
    world: FilesystemWorld,
    path: FsPath,
    key_field: Annotated[int, Field(ge=0, le=100)] = 0,
    delimiter: Annotated[str, Field(max_length=5)] = "",
    numeric: bool = False,
    reverse: bool = False,
    unique: bool = False,
    ignore_case: bool = False,
    keep_header: bool = False,
    limit: Annotated[int, Field(ge=1, le=5000)] = 1000,
) -> LinesResult:
    """Return a file's lines sorted (like `sort`); the file is not changed.

    Sort on a whole line or on one field, e.g. the third column of a CSV with key_field=3 and delimiter=','.
    Write the result back with write_file if the file itself should be sorted.

    Args:
        path: File whose lines to sort.
        key_field: 1-based field to sort on; 0 sorts on the whole line.
        delimiter: Field separator; empty means runs of whitespace.
        numeric: Compare the key as a number (like `sort -n`).
        reverse: Largest / last first.
        unique: Drop repeated lines, keeping the first.
        ignore_case: Compare case-insensitively.
        keep_header: Keep the first line (a CSV header) on top, unsorted.
        limit: Maximum lines to return.
    """
    target, node = vfs.existing_file(world, path, "sort_file")
    lines = vfs.split_lines(node.content)
    header = lines[:1] if keep_header else []
    body = lines[1:] if keep_header else lines

    def key_text(line: str) -> str:
        if key_field == 0:
            text = line
        else:
            parts = line.split(delimiter) if delimiter else line.split()
            text = parts[key_field - 1] if key_field <= len(parts) else ""
        return text.lower() if ignore_case else text

    if numeric:
        body.sort(key=lambda line: (_leading_number(key_text(line)), line), reverse=reverse)
    else:
        body.sort(key=lambda line: (key_text(line), line), reverse=reverse)
    if unique:
        first_of: dict[str, str] = {}
        for line in body:
            first_of.setdefault(line.lower() if ignore_case else line, line)
        body = list(first_of.values())
    result = header + body
    return LinesResult(
        path=target, lines=_line_window(result, 0, limit), total_lines=len(result), truncated=len(result) > limit
    )


@server.read
def cut(
    world: FilesystemWorld,
    path: FsPath,
    fields: Annotated[str, Field(min_length=1, max_length=100)],
    delimiter: Annotated[str, Field(min_length=1, max_length=5)] = "\t",
    limit: Annotated[int, Field(ge=1, le=5000)] = 1000,
) -> LinesResult:
    """Extract columns from each line of a delimited file (like `cut -d, -f1,3`).

    Lines without the delimiter are returned whole, as `cut` does.

    Args:
        path: File to read.
        fields: 1-based fields to keep: `2`, `1,3`, `2-4`, `3-` (to the end).
        delimiter: Field separator, e.g. ',' for CSV; defaults to a tab.
        limit: Maximum lines to return.
    """
    target, node = vfs.existing_file(world, path, "cut")
    ranges = _parse_fields(fields)
    result = []
    for line in vfs.split_lines(node.content):
        parts = line.split(delimiter)
        if len(parts) == 1:
            result.append(line)
            continue
        kept = [part for number, part in enumerate(parts, 1) if any(start <= number <= end for start, end in ranges)]
        result.append(delimiter.join(kept))
    return LinesResult(
        path=target, lines=_line_window(result, 0, limit), total_lines=len(result), truncated=len(result) > limit
    )


# ---------------------------------------------------------------------------------------------------- searching


@server.read
def find(
    world: FilesystemWorld,
    path: FsPath = ".",
    name_pattern: Annotated[str, Field(max_length=200)] = "",
    kind: Literal["any", "file", "directory"] = "any",
    ignore_case: bool = False,
    min_size: Annotated[int, Field(ge=0, le=10**12)] = 0,
    max_size: Annotated[int, Field(ge=0, le=10**12)] = 10**12,
    modified_within_days: Annotated[int, Field(ge=0, le=36500)] = 0,
    owner: OptionalUser = "",
    empty: bool = False,
    max_depth: Annotated[int, Field(ge=0, le=64)] = 64,
    limit: Limit = 200,
) -> FindResult:
    """Search a directory tree for files and directories by name pattern, type, size, age or owner (like `find`).

    The name pattern is a shell glob matched against the last path component: `*` any run of characters, `?` one
    character, `[abc]` a set (e.g. `*.md`, `IMG_????.jpg`, `report*`). Results are in depth-first order.

    Args:
        path: Directory to search from (it is itself a candidate).
        name_pattern: Glob for the name; empty matches every name.
        kind: Only files, only directories, or both.
        ignore_case: Match the name pattern case-insensitively.
        min_size: Minimum size in bytes.
        max_size: Maximum size in bytes.
        modified_within_days: Only entries modified in the last N days; 0 means any time.
        owner: Only entries owned by this user; empty means any owner.
        empty: Only empty files and empty directories.
        max_depth: How many levels below path to descend.
        limit: Maximum matches to return.
    """
    root, root_node = vfs.existing(world, path, "find")
    candidates = [(root, root_node)]
    denied: list[str] = []
    if root_node.kind == "directory":
        vfs.require(world, "find", root, root, root_node, R | X)
        walked = vfs.walk(world, root, max_depth)
        candidates += [(p, n) for p, n, _ in walked.entries]
        denied = walked.denied
    pattern = name_pattern.lower() if ignore_case else name_pattern
    since = world.now - timedelta(days=modified_within_days)
    matches = []
    for candidate, node in candidates:
        name = base_name(candidate)
        if pattern and not glob_match(pattern, name.lower() if ignore_case else name):
            continue
        if kind != "any" and node.kind != kind:
            continue
        if node.kind == "file" and not min_size <= node.size <= max_size:
            continue
        if modified_within_days and node.modified < since:
            continue
        if owner and node.owner != owner:
            continue
        if empty and (node.size if node.kind == "file" else _has_children(world, candidate)):
            continue
        matches.append((candidate, node))
    return FindResult(
        matches=[_entry(p, n) for p, n in matches[:limit]],
        total_matches=len(matches),
        truncated=len(matches) > limit,
        unreadable=denied[:_MAX_LISTED_CHANGES],
    )


@server.read
def glob_paths(world: FilesystemWorld, pattern: Glob, limit: Limit = 200) -> GlobResult:
    """Expand a shell glob over whole paths, e.g. `~/projects/*/README.md` or `~/Photos/**/*.JPG`.

    `*`, `?` and `[...]` match within one component and do not match a leading '.'; `**` matches any number of
    directories. Returns the matching paths sorted (empty when nothing matches).

    Args:
        pattern: Glob pattern, absolute or relative to the current directory.
        limit: Maximum paths to return.
    """
    parsed = vfs.parse(world, pattern)
    if parsed.relative and world.cwd not in world.nodes:
        raise ToolError(
            f"glob_paths: the current directory {show(world.cwd)} was removed; cd to an existing directory."
        )
    index = vfs.children_index(world)
    current = [world.cwd if parsed.relative else "/"]
    components = expand_home(pattern, world.account.home, world.home_dirs()).split("/")
    for position, component in enumerate(components):
        if component in ("", ".") or (component == "**" and components[position - 1 : position] == ["**"]):
            continue
        found: list[str] = []
        searchable = [d for d in current if d in world.nodes and world.nodes[d].kind == "directory"]
        searchable = [d for d in searchable if vfs.allowed(world, world.nodes[d], X)]
        if component == "**":
            found = _descend(world, index, searchable)
        for directory in searchable if component != "**" else []:
            if component == "..":
                found.append(parent_of(directory))
            elif has_magic(component):
                if vfs.allowed(world, world.nodes[directory], R):
                    found += [
                        join(directory, name)
                        for name in index.get(directory, [])
                        if (not name.startswith(".") or component.startswith(".")) and glob_match(component, name)
                    ]
            elif join(directory, component) in world.nodes:
                found.append(join(directory, component))
        current = list(dict.fromkeys(found))
    existing = [p for p in current if p in world.nodes]
    matches = sorted(p for p in existing if not parsed.must_be_dir or world.nodes[p].kind == "directory")
    return GlobResult(pattern=pattern, matches=matches[:limit], truncated=len(matches) > limit)


@server.read
def grep(
    world: FilesystemWorld,
    text: Annotated[str, Field(min_length=1, max_length=500)],
    path: FsPath = ".",
    recursive: bool = False,
    ignore_case: bool = False,
    invert: bool = False,
    include: Annotated[str, Field(max_length=200)] = "",
    limit: Limit = 100,
) -> GrepResult:
    """Find the lines of files that contain a piece of text (plain substring match, not a regular expression).

    Searches one file, or every file below a directory with recursive=true. Results are ordered by path, then
    line number.

    Args:
        text: The exact text to look for.
        path: File, or directory with recursive=true.
        recursive: Search all files below a directory (like `grep -r`).
        ignore_case: Match regardless of letter case.
        invert: Return the lines that do NOT contain the text.
        include: Only search files whose name matches this glob, e.g. `*.py`; empty searches all.
        limit: Maximum matching lines to return.
    """
    root, root_node = vfs.existing(world, path, "grep")
    denied: list[str] = []
    if root_node.kind == "directory":
        if not recursive:
            raise vfs.fail(
                "grep", root, "Is a directory", "Pass recursive=true to search the files inside it, or name a file."
            )
        vfs.require(world, "grep", root, root, root_node, R | X)
        walked = vfs.walk(world, root)
        files = [(p, n) for p, n, _ in walked.entries if n.kind == "file"]
        denied = list(walked.denied)
    else:
        vfs.require(world, "grep", root, root, root_node, R)
        files = [(root, root_node)]
    needle = text.lower() if ignore_case else text
    matches: list[GrepMatch] = []
    matched_files: list[str] = []
    total = 0
    for file_path, node in files:
        if include and not glob_match(include, base_name(file_path)):
            continue
        if not vfs.allowed(world, node, R):
            denied.append(file_path)
            continue
        hits = 0
        for number, line in enumerate(vfs.split_lines(node.content), 1):
            if (needle in (line.lower() if ignore_case else line)) != invert:
                hits += 1
                if len(matches) < limit:
                    shown = line if len(line) <= _MAX_LINE_SHOWN else line[:_MAX_LINE_SHOWN] + "..."
                    matches.append(GrepMatch(path=file_path, line_number=number, line=shown))
        if hits:
            matched_files.append(file_path)
            total += hits
    return GrepResult(
        matches=matches,
        files_with_matches=matched_files[:_MAX_LISTED_CHANGES],
        total_matches=total,
        truncated=total > len(matches),
        unreadable=denied[:_MAX_LISTED_CHANGES],
    )


@server.read
def du(
    world: FilesystemWorld, path: FsPath = ".", max_depth: Annotated[int, Field(ge=1, le=10)] = 1, limit: Limit = 100
) -> DirectoryUsage:
    """Show how much space a directory and the entries below it use, largest first (like `du -a -d N`).

    Args:
        path: Directory (or file) to measure.
        max_depth: Depth of the entries to report (1 = the directory's own entries).
        limit: Maximum entries to return.
    """
    root, root_node = vfs.existing(world, path, "du")
    if root_node.kind == "file":
        return DirectoryUsage(
            path=root, total_bytes=root_node.size, total_files=1, entries=[], truncated=False, unreadable=[]
        )
    vfs.require(world, "du", root, root, root_node, R | X)
    walked = vfs.walk(world, root)
    totals: dict[str, list[int]] = {root: [0, 0]}
    reported: list[tuple[str, Node]] = []
    for entry_path, node, depth in walked.entries:
        if node.kind == "directory":
            totals[entry_path] = [0, 0]
        else:
            ancestor = entry_path
            while ancestor != root:
                ancestor = parent_of(ancestor)
                totals[ancestor][0] += node.size
                totals[ancestor][1] += 1
        if depth <= max_depth:
            reported.append((entry_path, node))
    rows = [
        UsageEntry(
            path=p,
            kind=n.kind,
            bytes=totals[p][0] if n.kind == "directory" else n.size,
            files=totals[p][1] if n.kind == "directory" else 1,
        )
        for p, n in reported
    ]
    rows.sort(key=lambda row: -row.bytes)
    return DirectoryUsage(
        path=root,
        total_bytes=totals[root][0],
        total_files=totals[root][1],
        entries=rows[:limit],
        truncated=len(rows) > limit,
        unreadable=walked.denied[:_MAX_LISTED_CHANGES],
    )


@server.read
def disk_usage(world: FilesystemWorld) -> DiskUsage:
    """Show the disk's capacity, used and free bytes (like `df`); writes fail once it is full."""
    used = vfs.used_bytes(world)
    return DiskUsage(
        mounted_on="/",
        capacity_bytes=world.capacity_bytes,
        used_bytes=used,
        free_bytes=max(world.capacity_bytes - used, 0),
        used_percent=round(100 * used / world.capacity_bytes, 1) if world.capacity_bytes else 100.0,
    )


@server.read
def diff(
    world: FilesystemWorld,
    path_a: FsPath,
    path_b: FsPath,
    context_lines: Annotated[int, Field(ge=0, le=20)] = 3,
    limit: Annotated[int, Field(ge=1, le=2000)] = 400,
) -> FileDiff:
    """Compare two text files line by line and return a unified diff (like `diff -u`).

    Args:
        path_a: The original file (lines prefixed '-').
        path_b: The changed file (lines prefixed '+').
        context_lines: Unchanged lines shown around each change.
        limit: Maximum diff lines to return.
    """
    first, node_a = vfs.existing_file(world, path_a, "diff")
    second, node_b = vfs.existing_file(world, path_b, "diff")
    lines_a, lines_b = vfs.split_lines(node_a.content), vfs.split_lines(node_b.content)
    for target, lines in ((first, lines_a), (second, lines_b)):
        if len(lines) > _MAX_DIFF_LINES:
            raise vfs.fail(
                "diff",
                target,
                "File too large to diff",
                f"It has {len(lines)} lines (limit {_MAX_DIFF_LINES}); compare checksums or head/tail instead.",
            )
    output = list(difflib.unified_diff(lines_a, lines_b, first, second, n=context_lines, lineterm=""))
    changes = [line for line in output[2:] if not line.startswith("@@")]
    return FileDiff(
        path_a=first,
        path_b=second,
        identical=not output,
        added_lines=sum(1 for line in changes if line.startswith("+")),
        removed_lines=sum(1 for line in changes if line.startswith("-")),
        diff=_line_window(output, 0, limit),
        truncated=len(output) > limit,
    )


@server.read
def diff_dirs(world: FilesystemWorld, dir_a: FsPath, dir_b: FsPath, limit: Limit = 200) -> DirectoryComparison:
    """Compare two directory trees: what exists only on one side and which files differ (like `diff -rq`).

    Paths in the result are relative to each directory. Useful to check a backup or a copy.

    Args:
        dir_a: First directory.
        dir_b: Second directory.
        limit: Maximum paths returned in each list.
    """
    root_a, _ = vfs.existing_dir(world, dir_a, "diff_dirs")
    root_b, _ = vfs.existing_dir(world, dir_b, "diff_dirs")
    walk_a, walk_b = vfs.walk(world, root_a), vfs.walk(world, root_b)
    side_a = {relative_to(p, root_a): n for p, n, _ in walk_a.entries}
    side_b = {relative_to(p, root_b): n for p, n, _ in walk_b.entries}
    only_a = sorted(rel for rel in side_a if rel not in side_b)
    only_b = sorted(rel for rel in side_b if rel not in side_a)
    differing, same = [], 0
    for rel in sorted(rel for rel in side_a if rel in side_b):
        a, b = side_a[rel], side_b[rel]
        if a.kind != b.kind or (a.kind == "file" and a.content != b.content):
            differing.append(rel)
        elif a.kind == "file":
            same += 1
    return DirectoryComparison(
        dir_a=root_a,
        dir_b=root_b,
        only_in_a=only_a[:limit],
        only_in_b=only_b[:limit],
        differing=differing[:limit],
        identical_files=same,
        truncated=max(len(only_a), len(only_b), len(differing)) > limit,
        unreadable=(walk_a.denied + walk_b.denied)[:_MAX_LISTED_CHANGES],
    )


# ---------------------------------------------------------------------------------------------------- editing


@server.write
def mkdir(world: FilesystemWorld, path: FsPath, parents: bool = False) -> CreatedDirectories:
    """Create a directory.

    With parents=true, missing parent directories are created too and an existing directory is not an error
    (like `mkdir -p`).

    Args:
        path: Directory to create.
        parents: Create missing parents and accept an existing directory.
    """
    parsed = vfs.parse(world, path)
    if not parents:
        problem = vfs.search_problem(world, parsed)
        if problem and problem[0] == "No such file or directory":
            raise vfs.fail(
                "mkdir", parsed.path, problem[0], f"{problem[1]} Pass parents=true to create missing directories."
            )
        target = vfs.lookup(world, path, "mkdir")
        if target.node is not None:
            raise vfs.fail(
                "mkdir",
                target.path,
                "File exists",
                "Use it as it is, or pass parents=true to accept an existing directory.",
            )
        vfs.require_entry_change(world, "mkdir", target.path)
        node = vfs.make_node(world, target.path, "directory")
        return CreatedDirectories(entry=_entry(target.path, node), created=[target.path])
    if parsed.relative and world.cwd not in world.nodes:
        raise vfs.fail(
            "mkdir",
            parsed.path,
            "No such file or directory",
            f"The current directory {show(world.cwd)} was removed; cd first.",
        )
    created: list[str] = []
    for step in [*parsed.searched, parsed.path]:
        node = world.nodes.get(step)
        if node is None:
            vfs.require_entry_change(world, "mkdir", step)
            vfs.make_node(world, step, "directory")
            created.append(step)
        elif node.kind != "directory":
            raise vfs.fail(
                "mkdir",
                step,
                "Not a directory" if step != parsed.path else "File exists",
                "A file is in the way; remove or rename it first.",
            )
        elif step != parsed.path and step not in created:
            vfs.require(world, "mkdir", parsed.path, step, node, X)
    return CreatedDirectories(entry=_entry(parsed.path, world.nodes[parsed.path]), created=created)


@server.write
def touch(world: FilesystemWorld, path: FsPath) -> WriteResult:
    """Create an empty file, or mark an existing file or directory as modified now.

    Args:
        path: File to create or update.
    """
    target = vfs.lookup(world, path, "touch")
    if target.node is None:
        if target.parsed.must_be_dir:
            raise vfs.fail(
                "touch", target.path, "No such file or directory", "touch creates files; use mkdir for a directory."
            )
        vfs.require_entry_change(world, "touch", target.path)
        node = vfs.make_node(world, target.path, "file")
        return WriteResult(entry=_entry(target.path, node), created=True, bytes_written=0)
    if world.account.uid != 0 and target.node.owner != world.user:
        vfs.require(world, "touch", target.path, target.path, target.node, W)
    target.node.modified = world.now
    return WriteResult(entry=_entry(target.path, target.node), created=False, bytes_written=0)


@server.write
def write_file(world: FilesystemWorld, path: FsPath, content: LongText, overwrite: bool = True) -> WriteResult:
    """Write text to a file, creating it or replacing its contents (like `>` in a shell).

    Args:
        path: File to write; its directory must exist.
        content: The complete new content.
        overwrite: Replace an existing file; false makes an existing file an error.
    """
    target, node, created = _store(world, "write_file", path, content, "replace" if overwrite else "create")
    return WriteResult(entry=_entry(target, node), created=created, bytes_written=len(content.encode()))


@server.write
def append_file(
    world: FilesystemWorld, path: FsPath, content: Annotated[str, Field(min_length=1, max_length=100_000)]
) -> WriteResult:
    """Add text to the end of a file, creating it if missing (like `>>` in a shell).

    Include a trailing newline in content to end the added line.

    Args:
        path: File to append to.
        content: Text to add.
    """
    target, node, created = _store(world, "append_file", path, content, "append")
    return WriteResult(entry=_entry(target, node), created=created, bytes_written=len(content.encode()))


@server.write
def concat_files(
    world: FilesystemWorld,
    sources: Annotated[list[FsPath], Field(min_length=1, max_length=50)],
    destination: FsPath,
    append: bool = False,
) -> WriteResult:
    """Join several files, in order, into a destination file (like `cat a b > c`).

    Args:
        sources: Files to join, in order.
        destination: File to write; created if missing.
        append: Add to the end of the destination instead of replacing it.
    """
    texts, inputs = [], []
    for source in sources:
        source_path, node = vfs.existing_file(world, source, "concat_files")
        inputs.append(source_path)
        texts.append(node.content)
    target = vfs.lookup(world, destination, "concat_files")
    if target.path in inputs:
        raise vfs.fail(
            "concat_files",
            target.path,
            "Input file is output file",
            "Write to a new file, then move it over the original.",
        )
    text = "".join(texts)
    path, node, created = _store(world, "concat_files", destination, text, "append" if append else "replace")
    return WriteResult(entry=_entry(path, node), created=created, bytes_written=len(text.encode()))


@server.write
def replace_in_file(
    world: FilesystemWorld,
    path: FsPath,
    old: Annotated[str, Field(min_length=1, max_length=100_000)],
    new: LongText,
    max_replacements: Annotated[int, Field(ge=0, le=100_000)] = 0,
) -> EditResult:
    """Replace exact occurrences of a text in a file (a plain string, not a pattern).

    Args:
        path: File to edit.
        old: Exact text to find.
        new: Replacement text (may be empty to delete).
        max_replacements: Replace at most this many occurrences from the start; 0 replaces all.
    """
    target, node = vfs.existing_file(world, path, "replace_in_file", R | W)
    found = node.content.count(old)
    if found == 0:
        raise vfs.fail(
            "replace_in_file", target, "Text not found", "Nothing was changed; check the exact text with grep or cat."
        )
    count = found if max_replacements == 0 else min(found, max_replacements)
    vfs.ensure_space(world, "replace_in_file", target, count * (len(new.encode()) - len(old.encode())))
    vfs.set_content(world, "replace_in_file", target, node, node.content.replace(old, new, count))
    return EditResult(entry=_entry(target, node), total_lines=len(vfs.split_lines(node.content)), changed=count)


@server.write
def insert_lines(world: FilesystemWorld, path: FsPath, line_number: LineNumber, text: LongText) -> EditResult:
    """Insert lines into a file before a given line; use one past the last line to add at the end.

    Args:
        path: File to edit.
        line_number: The inserted text starts at this line (1-based); existing lines from here move down.
        text: Lines to insert (a final newline is added if missing).
    """
    target, node = vfs.existing_file(world, path, "insert_lines", R | W)
    lines = [line + "\n" for line in vfs.split_lines(node.content)]
    if line_number > len(lines) + 1:
        raise vfs.fail(
            "insert_lines",
            target,
            "Line out of range",
            f"The file has {len(lines)} lines; insert at 1 to {len(lines) + 1}.",
        )
    added = text if text.endswith("\n") else text + "\n"
    keeps_open = node.content != "" and not node.content.endswith("\n") and line_number <= len(lines)
    content = "".join(lines[: line_number - 1]) + added + "".join(lines[line_number - 1 :])
    if keeps_open:
        content = content[:-1]
    vfs.set_content(world, "insert_lines", target, node, content)
    inserted = len(vfs.split_lines(added))
    return EditResult(entry=_entry(target, node), total_lines=len(vfs.split_lines(content)), changed=inserted)


@server.write
def delete_lines(world: FilesystemWorld, path: FsPath, start_line: LineNumber, end_line: LineNumber) -> EditResult:
    """Delete a range of lines from a file.

    Args:
        path: File to edit.
        start_line: First line to delete (1-based).
        end_line: Last line to delete (inclusive).
    """
    target, node = vfs.existing_file(world, path, "delete_lines", R | W)
    lines = vfs.split_lines(node.content)
    if end_line < start_line or end_line > len(lines):
        raise vfs.fail(
            "delete_lines",
            target,
            "Line out of range",
            f"The file has {len(lines)} lines; give 1 <= start_line <= end_line <= {len(lines)}.",
        )
    kept = lines[: start_line - 1] + lines[end_line:]
    ending = "\n" if kept and (node.content.endswith("\n") or end_line < len(lines)) else ""
    vfs.set_content(world, "delete_lines", target, node, "\n".join(kept) + ending)
    return EditResult(entry=_entry(target, node), total_lines=len(kept), changed=end_line - start_line + 1)


@server.write
def mktemp(
    world: FilesystemWorld,
    directory: FsPath = "/tmp",
    prefix: Annotated[str, Field(min_length=1, max_length=100)] = "tmp",
    make_directory: bool = False,
) -> FsEntry:
    """Create a new, uniquely named private file (mode 600) or directory (700) for scratch work.

    Args:
        directory: Where to create it.
        prefix: Start of the name; a unique number follows.
        make_directory: Create a directory instead of a file.
    """
    parent, _ = vfs.existing_dir(world, directory, "mktemp", W | X)
    check_name(prefix, "prefix")
    while True:
        number = world.next_id("TMP", 6).removeprefix("TMP-")
        target = join(parent, f"{prefix}.{number}")
        if target not in world.nodes:
            break
    node = vfs.make_node(world, target, "directory" if make_directory else "file", 0o700 if make_directory else 0o600)
    return _entry(target, node)


# ---------------------------------------------------------------------------------------------------- moving


@server.write
def rm(world: FilesystemWorld, path: FsPath, recursive: bool = False, force: bool = False) -> RemoveResult:
    """Delete a file, or a directory with everything in it when recursive=true. There is no undo.

    Args:
        path: File or directory to delete.
        recursive: Required to delete a directory and its contents (like `rm -r`).
        force: A missing path is not an error (like `rm -f`).
    """
    parsed = vfs.parse(world, path)
    problem = vfs.search_problem(world, parsed)
    if force and problem and problem[0] == "No such file or directory":
        return RemoveResult(removed=[], removed_count=0, freed_bytes=0, truncated=False)
    if parsed.ends_in_dot:
        raise vfs.fail(
            "rm", parsed.path, "Invalid argument", "rm refuses to remove '.' or '..'; name the directory by its path."
        )
    if parsed.path == "/":
        raise vfs.fail("rm", "/", "Operation not permitted", "rm refuses to remove the root directory.")
    target = vfs.lookup(world, path, "rm")
    node = target.node
    if node is None:
        if force:
            return RemoveResult(removed=[], removed_count=0, freed_bytes=0, truncated=False)
        raise vfs.fail(
            "rm", target.path, "No such file or directory", f"ls {show(parent_of(target.path))} shows what is there."
        )
    if node.kind == "directory" and not recursive:
        raise vfs.fail(
            "rm",
            target.path,
            "Is a directory",
            "Pass recursive=true to delete it with its contents, or use rmdir if it is empty.",
        )
    vfs.require_removable(world, "rm", target.path, node)
    doomed = [target.path]
    if node.kind == "directory":
        for below in vfs.subtree(world, target.path):
            doomed.append(below)
        for doomed_path in doomed:
            doomed_node = world.nodes[doomed_path]
            if doomed_node.kind == "directory":
                vfs.require(world, "rm", doomed_path, doomed_path, doomed_node, R | W | X)
            if doomed_path != target.path:
                vfs.require_removable(world, "rm", doomed_path, doomed_node)
    freed = sum(world.nodes[p].size for p in doomed if world.nodes[p].kind == "file")
    for doomed_path in doomed:
        del world.nodes[doomed_path]
    world.nodes[parent_of(target.path)].modified = world.now
    return RemoveResult(
        removed=doomed[:_MAX_LISTED_CHANGES],
        removed_count=len(doomed),
        freed_bytes=freed,
        truncated=len(doomed) > _MAX_LISTED_CHANGES,
    )


@server.write
def rmdir(world: FilesystemWorld, path: FsPath) -> RemoveResult:
    """Delete an empty directory.

    Args:
        path: Directory to delete; it must be empty.
    """
    target = vfs.lookup(world, path, "rmdir")
    if target.parsed.ends_in_dot:
        raise vfs.fail(
            "rmdir", target.path, "Invalid argument", "rmdir refuses '.' and '..'; name the directory by its path."
        )
    if target.node is None:
        raise vfs.fail(
            "rmdir", target.path, "No such file or directory", f"ls {show(parent_of(target.path))} shows what is there."
        )
    if target.node.kind != "directory":
        raise vfs.fail("rmdir", target.path, "Not a directory", "Use rm to delete a file.")
    if target.path == "/":
        raise vfs.fail("rmdir", "/", "Device or resource busy", "The root directory cannot be removed.")
    count = len(_children(world, target.path))
    if count:
        raise vfs.fail(
            "rmdir",
            target.path,
            "Directory not empty",
            f"It holds {count} entries; rm with recursive=true deletes it with them.",
        )
    vfs.require_removable(world, "rmdir", target.path, target.node)
    del world.nodes[target.path]
    world.nodes[parent_of(target.path)].modified = world.now
    return RemoveResult(removed=[target.path], removed_count=1, freed_bytes=0, truncated=False)


@server.write
def mv(world: FilesystemWorld, source: FsPath, destination: FsPath, overwrite: bool = True) -> MoveResult:
    """Move or rename a file or directory.

    If the destination is an existing directory, the source moves into it under its own name; otherwise the
    source is renamed to the destination path.

    Args:
        source: File or directory to move.
        destination: New path, or an existing directory to move into.
        overwrite: Replace an existing file at the destination; false makes that an error.
    """
    origin = vfs.lookup(world, source, "mv")
    if origin.parsed.ends_in_dot or origin.path == "/":
        raise vfs.fail(
            "mv", origin.path, "Invalid argument", "mv cannot move '.', '..' or '/'; name the directory by its path."
        )
    node = origin.node
    if node is None:
        raise vfs.fail(
            "mv", origin.path, "No such file or directory", f"ls {show(parent_of(origin.path))} shows what is there."
        )
    final, existing = _destination(world, "mv", origin.path, node, destination)
    if final == origin.path:
        raise vfs.fail("mv", origin.path, "Source and destination are the same file", "Give a different destination.")
    if node.kind == "directory" and is_within(final, origin.path):
        raise vfs.fail("mv", origin.path, "Invalid argument", f"Cannot move a directory into itself ({show(final)}).")
    vfs.require_removable(world, "mv", origin.path, node)
    vfs.require_entry_change(world, "mv", final)
    if node.kind == "directory" and parent_of(final) != parent_of(origin.path):
        vfs.require(world, "mv", origin.path, origin.path, node, W)
    if existing is not None:
        _check_replace(world, "mv", node, final, existing, overwrite)
        if existing.kind == "directory" and _has_children(world, final):
            raise vfs.fail(
                "mv",
                final,
                "Directory not empty",
                "Only an empty directory can be replaced; move into it or remove it first.",
            )
        vfs.require_removable(world, "mv", final, existing)
        del world.nodes[final]
    moved = _relocate(world, origin.path, final)
    return MoveResult(source=origin.path, destination=final, moved_count=moved)


@server.write
def cp(
    world: FilesystemWorld,
    source: FsPath,
    destination: FsPath,
    recursive: bool = False,
    overwrite: bool = True,
    preserve: bool = False,
) -> CopyResult:
    """Copy a file, or a directory tree with recursive=true.

    If the destination is an existing directory, the copy goes inside it under the source's name; copying a
    directory onto an existing one merges them. Copies belong to you.

    Args:
        source: File or directory to copy.
        destination: New path, or an existing directory to copy into.
        recursive: Required to copy a directory (like `cp -r`).
        overwrite: Replace existing files; false makes an existing file an error.
        preserve: Keep the source's permission bits and modification times (like `cp -p`).
    """
    origin, node = vfs.existing(world, source, "cp")
    if node.kind == "directory" and not recursive:
        raise vfs.fail("cp", origin, "Is a directory", "Pass recursive=true to copy a directory and its contents.")
    final, _ = _destination(world, "cp", origin, node, destination)
    if final == origin:
        raise vfs.fail("cp", origin, "Source and destination are the same file", "Give a different destination.")
    if node.kind == "directory" and is_within(final, origin):
        raise vfs.fail("cp", origin, "Invalid argument", f"Cannot copy a directory into itself ({show(final)}).")
    plan = [(origin, final)] + [(below, final + below[len(origin) :]) for below in vfs.subtree(world, origin)]
    growth, copied_bytes = 0, 0
    new_dirs: dict[str, None] = {}
    for source_path, target_path in plan:
        source_node = world.nodes[source_path]
        vfs.require(world, "cp", source_path, source_path, source_node, R | X if source_node.kind == "directory" else R)
        existing = world.nodes.get(target_path)
        if existing is None:
            if parent_of(target_path) not in new_dirs:
                vfs.require_entry_change(world, "cp", target_path)
            if source_node.kind == "directory":
                new_dirs[target_path] = None
            growth += source_node.size if source_node.kind == "file" else 0
        elif existing.kind != source_node.kind or source_node.kind == "file":
            _check_replace(world, "cp", source_node, target_path, existing, overwrite)
            vfs.require(world, "cp", target_path, target_path, existing, W)
            growth += source_node.size - existing.size
        copied_bytes += source_node.size if source_node.kind == "file" else 0
    vfs.ensure_space(world, "cp", final, growth)
    for source_path, target_path in plan:
        source_node = world.nodes[source_path]
        copy = world.nodes.get(target_path)
        if copy is None:
            mode = source_node.mode if preserve else source_node.mode & 0o777 & ~world.umask
            copy = vfs.make_node(world, target_path, source_node.kind, mode)
        if source_node.kind == "file":
            copy.content, copy.size, copy.modified = source_node.content, source_node.size, world.now
    if preserve:
        for source_path, target_path in plan:
            world.nodes[target_path].modified = world.nodes[source_path].modified
    return CopyResult(source=origin, destination=final, copied_count=len(plan), bytes_copied=copied_bytes)


@server.write
def rename_matching(
    world: FilesystemWorld,
    directory: FsPath,
    pattern: Glob,
    find_text: Annotated[str, Field(min_length=1, max_length=255)],
    replace_with: Annotated[str, Field(max_length=255)],
    dry_run: bool = False,
) -> RenameResult:
    """Rename every entry of a directory whose name matches a glob, replacing a piece of text in each name.

    For example pattern `*.jpeg`, find_text `.jpeg`, replace_with `.jpg`. Nothing is renamed if any new name
    would collide; dry_run shows the plan without changing anything.

    Args:
        directory: Directory whose direct entries to rename.
        pattern: Glob the names must match (`*` does not match a leading '.').
        find_text: Text to replace in each matching name.
        replace_with: Replacement text (may be empty).
        dry_run: Only report what would be renamed.
    """
    root, _ = vfs.existing_dir(world, directory, "rename_matching", R | W | X)
    names = [base_name(p) for p in _children(world, root)]
    plan = []
    for name in names:
        hidden_ok = not name.startswith(".") or pattern.startswith(".")
        if hidden_ok and glob_match(pattern, name) and find_text in name:
            plan.append((name, name.replace(find_text, replace_with)))
    if not plan:
        raise ToolError(
            f"rename_matching: no entry of {show(root)} matches {show(pattern)} and contains {show(find_text)}; "
            "ls it to check the names."
        )
    taken = set(names)
    targets: dict[str, str] = {}
    for old, new in plan:
        check_name(new, "new name")
        if new in taken or new in targets:
            clash = join(root, new)
            raise vfs.fail(
                "rename_matching",
                clash,
                "File exists",
                f"Renaming {show(old)} would overwrite it; nothing was renamed.",
            )
        targets[new] = old
        vfs.require_removable(world, "rename_matching", join(root, old), world.nodes[join(root, old)])
    if not dry_run:
        for old, new in plan:
            _relocate(world, join(root, old), join(root, new))
    return RenameResult(
        renames=[Rename(source=join(root, old), destination=join(root, new)) for old, new in plan], dry_run=dry_run
    )


# ---------------------------------------------------------------------------------------------------- permissions


@server.write
def chmod(
    world: FilesystemWorld,
    path: FsPath,
    mode: Annotated[str, Field(min_length=1, max_length=64)],
    recursive: bool = False,
) -> AttributeChange:
    """Change permission bits, in octal (`644`, `0755`) or symbolic form (`u+x`, `go-w`, `a=r,u+w`).

    Only the owner or root may change a file's mode.

    Args:
        path: File or directory to change.
        mode: New mode, octal or symbolic.
        recursive: Also change everything below a directory.
    """
    targets = _tree_targets(world, "chmod", path, recursive)
    changes = []
    for target, node in targets:
        _require_owner(world, "chmod", target, node)
        changes.append((node, _apply_mode(mode, node.mode, node.kind == "directory", world.umask) & 0o7777))
    for node, new_mode in changes:
        node.mode = new_mode
    return AttributeChange(entry=_entry(*targets[0]), changed_count=len(targets))


@server.write
def chown(
    world: FilesystemWorld, path: FsPath, owner: OptionalUser = "", group: OptionalGroup = "", recursive: bool = False
) -> AttributeChange:
    """Change the owner and/or group of a file or directory.

    Only root may give a file to another user; the owner may change the group to one of their own groups.

    Args:
        path: File or directory to change.
        owner: New owning user; empty keeps the owner.
        group: New group; empty keeps the group.
        recursive: Also change everything below a directory.
    """
    if not owner and not group:
        raise ToolError("chown: give an owner, a group, or both.")
    if owner and owner not in world.users:
        raise ToolError(f"chown: invalid user: {show(owner)}; list_unix_users shows the accounts.")
    if group and group not in world.groups:
        raise ToolError(f"chown: invalid group: {show(group)}; list_unix_users shows the groups.")
    targets = _tree_targets(world, "chown", path, recursive)
    account = world.account
    if account.uid != 0:
        for target, node in targets:
            if owner and owner != node.owner:
                raise vfs.fail(
                    "chown",
                    target,
                    "Operation not permitted",
                    "Only root can give a file to another user; switch_unix_user to root first.",
                )
            if group and group != node.group:
                _require_owner(world, "chown", target, node)
                if group not in account.groups:
                    raise vfs.fail(
                        "chown",
                        target,
                        "Operation not permitted",
                        f"You are not in group {group}; your groups are {', '.join(account.groups)}.",
                    )
    for _, node in targets:
        node.owner = owner or node.owner
        node.group = group or node.group
    return AttributeChange(entry=_entry(*targets[0]), changed_count=len(targets))
