"""The file system world: every file and directory keyed by its absolute path, plus users, groups and the shell.

Nodes are a flat dict keyed by absolute normalized path (`/home/maya/notes/todo.md`), so the canonical JSON is
stable and a node's identity is the path the model types. A directory's entries are the keys one level below it.
Sizes are UTF-8 byte counts for files and 4096 for directories; `capacity_bytes` bounds the sum of file sizes,
so the disk can fill up.
"""

import random
from datetime import datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World
from mcp_servers.filesystem import seed
from mcp_servers.filesystem.paths import MAX_PATH_LENGTH, parent_of

__all__ = [
    "FsPath",
    "UnixUserName",
    "UnixGroupName",
    "UnixPassword",
    "NodeKind",
    "Node",
    "UnixUser",
    "UnixGroup",
    "FilesystemWorld",
    "DIRECTORY_SIZE",
]

FsPath = Annotated[str, Entity("path"), Field(max_length=2 * MAX_PATH_LENGTH)]
"""A path as the model writes it (relative, `~`, `..`) or as a tool reports it (absolute). Over-long paths get a
clear error from the path parser rather than a schema error, hence the generous bound."""
UnixUserName = Annotated[str, Entity("unix_user"), Field(min_length=1, max_length=32)]
UnixGroupName = Annotated[str, Entity("unix_group"), Field(min_length=1, max_length=32)]
UnixPassword = Annotated[str, Entity("unix_password", sensitive=True), Field(min_length=1, max_length=128)]

NodeKind = Literal["file", "directory"]
DIRECTORY_SIZE = 4096


class Node(BaseModel):
    """One file or directory. Its path is its key in `FilesystemWorld.nodes`."""

    kind: NodeKind
    owner: str
    group: str
    mode: int = Field(ge=0, le=0o7777, description="Permission bits with setuid/setgid/sticky, e.g. 0o644.")
    size: int = Field(ge=0)
    modified: datetime
    content: str = ""


class UnixUser(BaseModel):
    """An account of the machine. `groups[0]` is the primary group; a `None` password means the login is locked."""

    name: str
    uid: int
    groups: list[str]
    home: str
    shell: str
    password: UnixPassword | None


class UnixGroup(BaseModel):
    name: str
    gid: int


class FilesystemWorld(World):
    server: ClassVar[str] = "filesystem"

    nodes: dict[str, Node] = Field(default_factory=dict)
    users: dict[str, UnixUser] = Field(default_factory=dict)
    groups: dict[str, UnixGroup] = Field(default_factory=dict)
    user: str = "root"
    cwd: str = "/"
    previous_cwd: str = "/"
    umask: int = Field(default=0o022, ge=0, le=0o777)
    capacity_bytes: int = 0

    def generate(self, rng: random.Random) -> None:
        _Builder(self, rng).build()

    @property
    def account(self) -> UnixUser:
        """The user the shell runs as."""
        return self.users[self.user]

    def home_dirs(self) -> dict[str, str]:
        """User name to home directory, for `~name` expansion."""
        return {name: user.home for name, user in self.users.items()}


class _Builder:
    """Lays out the default tree: which files exist, who owns them, their modes and when they last changed."""

    def __init__(self, world: FilesystemWorld, rng: random.Random) -> None:
        self.world = world
        self.rng = rng

    def _when(self, max_days: int = 400) -> datetime:
        return self.world.now - timedelta(minutes=self.rng.randrange(30, max_days * 1440))

    def directory(self, path: str, owner: str, group: str, mode: int = 0o755) -> None:
        self._parents(path, owner, group)
        self.world.nodes[path] = Node(
            kind="directory", owner=owner, group=group, mode=mode, size=DIRECTORY_SIZE, modified=self._when()
        )

    def files(
        self, base: str, contents: dict[str, str], owner: str, group: str, mode: int = 0o644, max_days: int = 400
    ) -> None:
        """Create `base/<relative path>` for each entry, with any missing directories (owned alike, mode 755)."""
        for relative, content in contents.items():
            path = f"{base}/{relative}"
            self._parents(path, owner, group)
            self.world.nodes[path] = Node(
                kind="file",
                owner=owner,
                group=group,
                mode=mode,
                size=len(content.encode()),
                modified=self._when(max_days),
                content=content,
            )

    def _parents(self, path: str, owner: str, group: str) -> None:
        missing = []
        parent = parent_of(path)
        while parent not in self.world.nodes and parent != path:
            missing.append(parent)
            if parent == "/":
                break
            parent = parent_of(parent)
        for directory in reversed(missing):
            self.world.nodes[directory] = Node(
                kind="directory", owner=owner, group=group, mode=0o755, size=DIRECTORY_SIZE, modified=self._when()
            )

    def chmod(self, mode: int, *paths: str) -> None:
        for path in paths:
            self.world.nodes[path].mode = mode

    def build(self) -> None:
        rng, world = self.rng, self.world
        (me, my_name), (peer, peer_name), (mate, _) = rng.sample(seed.PEOPLE, 3)
        self._accounts(me, peer, mate)
        home = f"/home/{me}"
        world.user, world.cwd, world.previous_cwd = me, home, home

        self.directory("/", "root", "root")
        for path in ("/etc", "/home", "/srv", "/var", "/var/log", "/opt", "/usr/local/bin"):
            self.directory(path, "root", "root")
        self.directory("/root", "root", "root", 0o700)
        root_files = {".bashrc": "umask 022\n", "rotation-notes.txt": "rotate backup keys in April\n"}
        self.files("/root", root_files, "root", "root", 0o600)
        self.directory("/tmp", "root", "root", 0o1777)
        self.files("/tmp", {f"{peer}-build.log": seed.log_lines("build", world.now, rng, 12)}, peer, peer)
        self.files("/tmp", {"session-cache": "opaque\n"}, "www-data", "www-data", 0o600)
        self.files("/tmp", {f"{me}-scratch.txt": "scratch space\n"}, me, me)

        self._home(me, my_name, home)
        self._others(peer, peer_name, mate)
        self._system(peer)
        used = sum(node.size for node in world.nodes.values() if node.kind == "file")
        world.capacity_bytes = (used + rng.randrange(250_000, 400_000)) // 1000 * 1000

    def _accounts(self, me: str, peer: str, mate: str) -> None:
        rng, world = self.rng, self.world
        gids = {"root": 0, "adm": 4, "www-data": 33, "backup": 34, "staff": 50, "users": 100}
        gids |= {"deploy": 998, me: 1000, peer: 1001, mate: 1002, "developers": 1500}
        world.groups = {name: UnixGroup(name=name, gid=gid) for name, gid in gids.items()}
        accounts = [
            ("root", 0, ["root"], "/root", "/bin/bash", seed.password(rng)),
            ("www-data", 33, ["www-data"], "/var/www", "/usr/sbin/nologin", None),
            ("backup", 34, ["backup"], "/var/backups", "/usr/sbin/nologin", None),
            ("deploy", 998, ["deploy", "developers"], "/srv/projects", "/bin/bash", seed.password(rng)),
            (me, 1000, [me, "users", "developers", "staff"], f"/home/{me}", "/bin/bash", seed.password(rng)),
            (peer, 1001, [peer, "users", "developers"], f"/home/{peer}", "/bin/bash", seed.password(rng)),
            (mate, 1002, [mate, "users", "staff"], f"/home/{mate}", "/bin/zsh", seed.password(rng)),
        ]
        world.users = {
            name: UnixUser(name=name, uid=uid, groups=groups, home=home, shell=shell, password=secret)
            for name, uid, groups, home, shell, secret in accounts
        }

    def _home(self, me: str, my_name: str, home: str) -> None:
        rng, world = self.rng, self.world
        self.directory(home, me, me)
        self.files(home, seed.dotfiles(me, my_name, rng), me, me)
        self.files(f"{home}/.local/bin", {"greet": "#!/bin/sh\necho hello\n"}, me, me, 0o755)
        self.chmod(0o700, f"{home}/.ssh")
        self.chmod(0o600, f"{home}/.ssh/id_ed25519", f"{home}/.ssh/config")
        for empty in ("Music", "Videos", "Desktop"):
            self.directory(f"{home}/{empty}", me, me)

        projects = f"{home}/projects"
        python_name = rng.choice(["weather-cli", "invoice-parser", "habit-tracker"])
        web_name = rng.choice(["budget-dashboard", "recipe-box", "trip-planner"])
        data_name = rng.choice(["sales-analysis", "survey-results"])
        self.files(f"{projects}/{python_name}", seed.python_project(python_name, rng), me, me)
        app_log = {"app.log": seed.log_lines(python_name, world.now, rng, 60)}
        self.files(f"{projects}/{python_name}/logs", app_log, me, me, max_days=1)
        self.files(f"{projects}/{web_name}", seed.web_project(web_name, rng), me, me)
        self.files(f"{projects}/{data_name}", seed.data_project(data_name, rng), me, me)
        self.files(f"{projects}/homepage", seed.site_project(f"{my_name}'s homepage", rng), me, me)
        self.files(f"{projects}/scripts", seed.scripts_project(rng), me, me)
        self.chmod(0o755, f"{projects}/scripts/backup.sh")

        self.files(f"{home}/Documents", seed.documents(my_name, rng), me, me)
        self.files(f"{home}/notes", seed.notes(rng), me, me)
        entries = seed.journal(world.now, rng, 60)
        self.files(f"{home}/notes/journal", entries, me, me)
        for name in entries:
            day = datetime.fromisoformat(name.removesuffix(".md")).replace(hour=21, tzinfo=world.now.tzinfo)
            world.nodes[f"{home}/notes/journal/{name}"].modified = day
        self.files(f"{home}/Photos", seed.photos(rng), me, me)
        self.files(f"{home}/Downloads", seed.downloads(rng), me, me, max_days=60)

        todo = world.nodes[f"{home}/notes/todo.md"].content
        budget = world.nodes[f"{home}/Documents/budget-2026.csv"].content.splitlines()
        budget[3] = budget[3].rsplit(",", 1)[0] + ",0.00"
        backups = {
            "todo.md.bak": todo.replace("- [x] file taxes", "- [ ] file taxes"),
            "budget-2026.csv.bak": "\n".join(budget[:-2]) + "\n",
        }
        self.files(f"{home}/backups", backups, me, me)
        archive = f"{home}/archive/2023"
        old = {
            "tax-return-2023.txt": "Filed 2024-04-02. Refund: $412\n",
            "old-budget.csv": "month,amount\n2023-01,1200\n",
        }
        self.files(archive, old, me, me, 0o444)
        self.chmod(0o555, archive)
        cache = {f"thumbnails/{rng.randrange(16**8):08x}.png": "thumbnail\n" * rng.randrange(5, 40) for _ in range(40)}
        cache |= {f"pip/wheels/{index:02d}.whl": "wheel " * rng.randrange(50, 400) for index in range(8)}
        self.files(f"{home}/.cache", cache, me, me)

    def _others(self, peer: str, peer_name: str, mate: str) -> None:
        rng = self.rng
        self.directory(f"/home/{peer}", peer, peer, 0o750)
        self.files(f"/home/{peer}", seed.dotfiles(peer, peer_name, rng), peer, peer)
        self.files(f"/home/{peer}", {"plans.md": "# Plans\n\nsurprise party for the team\n"}, peer, peer)
        self.directory(f"/home/{mate}", mate, mate)
        self.files(f"/home/{mate}/public", {"shared-notes.md": "Notes anyone may read.\n"}, mate, mate)
        self.files(f"/home/{mate}/private", {"diary.md": "Dear diary\n"}, mate, mate, 0o600)
        self.chmod(0o700, f"/home/{mate}/private")
        self.directory("/home/shared", "root", "staff", 0o2775)
        self.files("/home/shared", seed.shared_docs(rng), mate, "staff", 0o664)

    def _system(self, peer: str) -> None:
        rng, world = self.rng, self.world
        hostname = f"{rng.choice(['atlas', 'orion', 'vega', 'lyra'])}-{rng.randrange(10, 99)}"
        passwd = [
            f"{u.name}:x:{u.uid}:{world.groups[u.groups[0]].gid}::{u.home}:{u.shell}" for u in world.users.values()
        ]
        group = [
            f"{g.name}:x:{g.gid}:" + ",".join(u.name for u in world.users.values() if g.name in u.groups[1:])
            for g in world.groups.values()
        ]
        self.files("/etc", seed.etc_files(hostname, passwd, group), "root", "root")
        shadow = "".join(f"{name}:$6$hidden$:19800:0:99999:7:::\n" for name in world.users)
        self.files("/etc", {"shadow": shadow}, "root", "root", 0o600)
        self.files("/etc", {"sudoers": "root ALL=(ALL:ALL) ALL\n%adm ALL=(ALL) ALL\n"}, "root", "root", 0o440)

        self.directory("/srv/www", "www-data", "www-data")
        self.files("/srv/www/site", seed.web_root(rng), "www-data", "www-data")
        self.files("/srv/www/site", {"config.php": "<?php $db_password = 'not-for-you';\n"}, "root", "www-data", 0o640)
        self.directory("/srv/backups", "root", "backup", 0o750)
        archives = {f"docs-2026-0{m}.tgz": "TGZ placeholder\n" * 20 for m in (1, 2)}
        self.files("/srv/backups", archives, "root", "backup", 0o640)
        self.directory("/srv/projects", "root", "developers", 0o2775)
        config = {
            "README.md": "Deployment settings. Edit via pull request.\n",
            "hosts.ini": "[web]\nweb-1\nweb-2\n",
            "release.txt": "v2.3.1\n",
        }
        self.files("/srv/projects/deploy-config", config, "deploy", "developers", 0o664)

        logs = {
            "syslog": ("root", "adm", 0o640, 40),
            "auth.log": ("root", "adm", 0o600, 20),
            "dpkg.log": ("root", "root", 0o644, 15),
            "nginx/access.log": ("www-data", "adm", 0o640, 30),
            "apps/worker.log": ("deploy", "developers", 0o664, 30),
            f"apps/{peer}-cron.log": (peer, peer, 0o644, 10),
        }
        for relative, (owner, group_name, mode, count) in logs.items():
            service = relative.rsplit("/", 1)[-1].removesuffix(".log")
            log = {relative: seed.log_lines(service, world.now, rng, count)}
            self.files("/var/log", log, owner, group_name, mode, max_days=1)
        self.chmod(0o755, "/var/log/nginx", "/var/log/apps")
        world.nodes["/var/log/nginx"].owner = "www-data"
        world.nodes["/var/log/apps"].group = "developers"
        world.nodes["/var/log/apps"].mode = 0o2775

        tool = {"bin/backup-tool": "#!/bin/sh\necho backing up\n", "README": "Backup tool, managed by ops.\n"}
        self.files("/opt/backup-tool", tool, "root", "root")
        self.chmod(0o755, "/opt/backup-tool/bin/backup-tool")
        self.files("/usr/local/bin", {"deploy.sh": "#!/bin/sh\nset -e\necho deploying\n"}, "root", "root", 0o755)
