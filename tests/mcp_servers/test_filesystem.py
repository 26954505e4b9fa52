"""The filesystem server: path parsing, every tool's success and failure paths, permissions, and a scenario."""

import pytest

from mcp_servers import Episode
from mcp_servers.core import ToolError
from mcp_servers.filesystem import paths
from mcp_servers.filesystem.paths import InvalidPath, glob_match
from tests.helpers import fails, ok

# ---------------------------------------------------------------------------------------------------- helpers


def open_fs(seed: int = 0) -> Episode:
    return Episode.open(["filesystem"], seed=seed)






def home_of(ep: Episode) -> str:
    return ok(ep, "whoami")["home"]


def password_of(ep: Episode, user: str) -> str:
    return ep.snapshot()["filesystem"]["users"][user]["password"]


def other_users(ep: Episode) -> tuple[str, str]:
    """(the peer whose home is closed, the mate whose home is open), found by listing /home."""
    me = ok(ep, "whoami")["user"]
    entries = ok(ep, "ls", {"path": "/home"})["entries"]
    people = [e for e in entries if e["name"] not in (me, "shared")]
    closed = next(e["name"] for e in people if e["permissions"] == "drwxr-x---")
    opened = next(e["name"] for e in people if e["permissions"] == "drwxr-xr-x")
    return closed, opened


def fill_disk(ep: Episode, path: str) -> None:
    """Write big files until less than 100 kB is free."""
    index = 0
    while ok(ep, "disk_usage")["free_bytes"] > 100_000:
        ok(ep, "write_file", {"path": f"{path}/filler-{index}.bin", "content": "x" * 99_000})
        index += 1


# ---------------------------------------------------------------------------------------------------- paths module


def test_parse_normalizes_relative_absolute_dots_and_slashes():
    parse = paths.parse
    assert parse("docs/./a.txt", "/home/u", "/home/u").path == "/home/u/docs/a.txt"
    assert parse("//etc///hosts", "/home/u", "/home/u").path == "/etc/hosts"
    assert parse("../v/./x/../y", "/home/u", "/home/u").path == "/home/v/y"
    assert parse("/../../..", "/home/u", "/home/u").path == "/"
    assert parse("..", "/", "/root").path == "/"
    assert parse(".", "/srv", "/root").path == "/srv"
    assert parse("/", "/srv", "/root").searched == ()


def test_parse_records_trailing_slash_and_dot_endings():
    trailing = paths.parse("notes/", "/h", "/h")
    assert trailing.path == "/h/notes" and trailing.must_be_dir and not trailing.ends_in_dot
    dotted = paths.parse("notes/.", "/h", "/h")
    assert dotted.path == "/h/notes" and dotted.must_be_dir and dotted.ends_in_dot
    plain = paths.parse("notes", "/h", "/h")
    assert not plain.must_be_dir and plain.relative
    assert not paths.parse("/h/notes", "/x", "/h").relative


def test_parse_lists_every_directory_searched_including_ones_dotdot_leaves():
    parsed = paths.parse("a/b/../c", "/w", "/h")
    assert parsed.path == "/w/a/c"
    assert parsed.searched == ("/w", "/w/a", "/w/a/b")


def test_parse_expands_tilde_forms_like_a_shell():
    homes = {"ana": "/home/ana"}
    assert paths.parse("~", "/", "/home/me", homes).path == "/home/me"
    assert paths.parse("~/x/y", "/", "/home/me", homes).path == "/home/me/x/y"
    assert paths.parse("~ana/notes", "/", "/home/me", homes).path == "/home/ana/notes"
    assert paths.parse("~nobody/x", "/tmp", "/home/me", homes).path == "/tmp/~nobody/x"
    assert paths.parse("a~/b", "/tmp", "/home/me", homes).path == "/tmp/a~/b"


def test_parse_accepts_odd_but_legal_names():
    for name in ("my file.txt", "résumé.md", "-rf", "...", ".hidden", "名前", " lead"):
        assert paths.parse(name, "/d", "/h").path == f"/d/{name}"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty"),
        ("a\x00b", "NUL"),
        ("x" * 256, "255"),
        ("/" + "/".join(["abcdefgh"] * 500), "4096"),
    ],
)
def test_parse_rejects_invalid_paths_with_clear_errors(raw, fragment):
    with pytest.raises(InvalidPath) as caught:
        paths.parse(raw, "/", "/root")
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ToolError)


def test_parse_rejects_a_resolved_path_over_the_limit():
    deep_cwd = "/" + "/".join(["d" * 200] * 20)
    with pytest.raises(InvalidPath, match="resolved path"):
        paths.parse("e" * 200, deep_cwd, "/root")


def test_path_helpers_split_join_and_compare():
    assert paths.join("/", "a") == "/a" and paths.join("/a", "b") == "/a/b"
    assert paths.parent_of("/a/b") == "/a" and paths.parent_of("/a") == "/" and paths.parent_of("/") == "/"
    assert paths.base_name("/a/b c") == "b c" and paths.base_name("/") == "/"
    assert paths.is_within("/a/b", "/a") and paths.is_within("/a", "/a") and paths.is_within("/x", "/")
    assert not paths.is_within("/ab", "/a")
    assert paths.relative_to("/a/b/c", "/a") == "b/c" and paths.relative_to("/a", "/a") == "."
    assert paths.relative_to("/a/b", "/") == "a/b"


def test_check_name_rejects_names_no_directory_could_hold():
    assert paths.check_name("ok name") == "ok name"
    for bad, fragment in (("", "empty"), ("a/b", "'/'"), ("..", "reserved"), ("x\x00", "NUL"), ("n" * 300, "255")):
        with pytest.raises(InvalidPath, match=fragment):
            paths.check_name(bad)


def test_glob_match_supports_stars_marks_classes_and_escapes():
    assert glob_match("*.md", "notes.md") and not glob_match("*.md", "notes.mdx")
    assert glob_match("IMG_????.jpg", "IMG_1234.jpg") and not glob_match("IMG_????.jpg", "IMG_123.jpg")
    assert glob_match("[a-c]*", "banana") and not glob_match("[!a-c]*", "banana")
    assert glob_match("[]x]", "]") and glob_match("file[", "file[")
    assert glob_match("\\*", "*") and not glob_match("\\*", "a")
    assert glob_match("*", "") and glob_match("a*b*c", "aXXbYYc") and not glob_match("a*b*c", "aXXbYY")
    assert glob_match("*.tar.*", "x.tar.gz")


def test_glob_match_answers_pathological_patterns_without_backtracking_blowup():
    # an exponential matcher would not return here (pytest-timeout ends the run); speed is measured in benchmarks/
    assert not glob_match("*a" * 100, "a" * 255 + "b")


def test_has_magic_detects_wildcards():
    assert paths.has_magic("*.py") and paths.has_magic("a?") and paths.has_magic("[ab]")
    assert not paths.has_magic("plain.txt")


# ---------------------------------------------------------------------------------------------------- world


def test_new_world_is_deterministic_per_seed():
    assert open_fs(0).state_hash() == open_fs(0).state_hash()
    assert open_fs(0).state_hash() != open_fs(1).state_hash()


def test_default_world_has_hundreds_of_nodes_with_varied_owners_and_modes():
    state = open_fs(0).snapshot()["filesystem"]
    nodes = state["nodes"]
    assert len(nodes) >= 350
    assert len({node["owner"] for node in nodes.values()}) >= 5
    assert {0o700, 0o600, 0o1777, 0o2775, 0o444, 0o555} <= {node["mode"] for node in nodes.values()}
    used = sum(node["size"] for node in nodes.values() if node["kind"] == "file")
    assert used < state["capacity_bytes"]


# ---------------------------------------------------------------------------------------------------- navigation


def test_pwd_starts_at_home_and_cd_moves_around():
    ep = open_fs()
    home = home_of(ep)
    assert ok(ep, "pwd")["path"] == home
    moved = ok(ep, "cd", {"path": "projects"})
    assert moved["path"] == f"{home}/projects" and moved["previous"] == home
    assert ok(ep, "cd", {"path": "../../.."})["path"] == "/"
    assert ok(ep, "cd", {"path": "-"})["path"] == f"{home}/projects"
    assert ok(ep, "cd", {})["path"] == home
    assert ok(ep, "pwd") == {"path": home, "exists": True, "previous": f"{home}/projects"}


def test_cd_fails_on_missing_file_and_forbidden_targets():
    ep = open_fs()
    fails(ep, "cd", {"path": "no-such-dir"}, "No such file or directory")
    fails(ep, "cd", {"path": "~/notes/todo.md"}, "Not a directory")
    fails(ep, "cd", {"path": "/root"}, "Permission denied", "search (x)")
    fails(ep, "cd", {"path": "/root/anything"}, "Permission denied")


def test_ls_lists_sorted_entries_and_hides_dotfiles_by_default():
    ep = open_fs()
    home = home_of(ep)
    listing = ok(ep, "ls")
    names = [e["name"] for e in listing["entries"]]
    assert names == sorted(names) and "Documents" in names and ".bashrc" not in names
    hidden = ok(ep, "ls", {"show_hidden": True})
    assert ".bashrc" in [e["name"] for e in hidden["entries"]]
    by_size = ok(ep, "ls", {"path": "~/Downloads", "sort_by": "size"})["entries"]
    assert [e["size"] for e in by_size] == sorted((e["size"] for e in by_size), reverse=True)
    assert by_size[0]["name"] == "dataset-2025.csv"
    newest = ok(ep, "ls", {"path": "~/notes/journal", "sort_by": "modified", "limit": 1})
    assert newest["truncated"] and newest["total"] == 60
    page = ok(ep, "ls", {"path": "~/notes/journal", "offset": 58, "limit": 5})
    assert len(page["entries"]) == 2 and not page["truncated"]
    single = ok(ep, "ls", {"path": f"{home}/notes/todo.md"})
    assert single["total"] == 1 and single["entries"][0]["path"] == f"{home}/notes/todo.md"


def test_ls_fails_on_missing_and_unreadable_directories():
    ep = open_fs()
    closed, _ = other_users(ep)
    fails(ep, "ls", {"path": "~/nope"}, "No such file or directory", "ls")
    fails(ep, "ls", {"path": f"/home/{closed}"}, "Permission denied", "read (r)")


def test_tree_walks_depth_first_and_reports_unreadable_directories():
    ep = open_fs()
    home = home_of(ep)
    result = ok(ep, "tree", {"path": "~/projects", "max_depth": 2})
    paths_seen = [e["path"] for e in result["entries"]]
    assert all(e["depth"] <= 2 for e in result["entries"])
    assert paths_seen.index(f"{home}/projects/scripts") < paths_seen.index(f"{home}/projects/scripts/backup.sh")
    assert result["files"] + result["directories"] == len(paths_seen)
    top = ok(ep, "tree", {"path": "/home", "max_depth": 1, "directories_only": True})
    closed, _ = other_users(ep)
    assert all(e["kind"] == "directory" for e in top["entries"])
    whole = ok(ep, "tree", {"path": "/home", "max_depth": 3, "limit": 5})
    assert whole["truncated"] and len(whole["entries"]) == 5
    assert f"/home/{closed}" in whole["unreadable"]


def test_tree_fails_on_a_file():
    fails(open_fs(), "tree", {"path": "~/notes/todo.md"}, "Not a directory")


def test_stat_reports_mode_owner_and_access():
    ep = open_fs()
    shadow = ok(ep, "stat", {"path": "/etc/shadow"})
    assert shadow["mode"] == "0600" and shadow["uid"] == 0 and shadow["entry"]["owner"] == "root"
    assert not shadow["readable"] and not shadow["writable"]
    tmp = ok(ep, "stat", {"path": "/tmp"})
    assert tmp["mode"] == "1777" and tmp["entry"]["permissions"] == "drwxrwxrwt" and tmp["entry_count"] >= 3
    script = ok(ep, "stat", {"path": "~/projects/scripts/backup.sh"})
    assert script["executable"] and script["entry"]["permissions"] == "-rwxr-xr-x"


def test_stat_fails_for_missing_paths_and_paths_through_files():
    ep = open_fs()
    fails(ep, "stat", {"path": "~/notes/missing.md"}, "No such file or directory", "notes")
    fails(ep, "stat", {"path": "~/notes/todo.md/inside"}, "Not a directory")
    fails(ep, "stat", {"path": "~/notes/todo.md/"}, "Not a directory")


def test_realpath_normalizes_and_reports_existence_without_failing():
    ep = open_fs()
    home = home_of(ep)
    assert ok(ep, "realpath", {"path": "./projects//../notes/"}) == {
        "path": f"{home}/notes",
        "exists": True,
        "kind": "directory",
        "problem": None,
    }
    missing = ok(ep, "realpath", {"path": "~/ghost.txt"})
    assert missing["path"] == f"{home}/ghost.txt" and not missing["exists"] and missing["problem"] is None
    hidden = ok(ep, "realpath", {"path": "/root/rotation-notes.txt"})
    assert not hidden["exists"] and "Permission denied" in hidden["problem"]


def test_realpath_rejects_invalid_paths():
    ep = open_fs()
    fails(ep, "realpath", {"path": "bad\x00name"}, "NUL")
    fails(ep, "realpath", {"path": ""}, "empty")
    fails(ep, "realpath", {"path": "/" + "a" * 300}, "File name too long")
    fails(ep, "realpath", {"path": "/" + "/".join(["abcd"] * 1000)}, "4096")


def test_oversized_path_arguments_are_rejected_by_the_schema():
    result = open_fs().call("cat", {"path": "a" * 9000})
    assert result.status == "invalid_arguments"


# ---------------------------------------------------------------------------------------------------- identity


def test_whoami_and_list_unix_users_describe_accounts():
    ep = open_fs()
    me = ok(ep, "whoami")
    assert me["uid"] == 1000 and "developers" in me["groups"] and me["cwd"] == me["home"]
    accounts = ok(ep, "list_unix_users")
    names = [u["name"] for u in accounts["users"]]
    assert names[0] == "root" and me["user"] in names
    assert not next(u for u in accounts["users"] if u["name"] == "www-data")["can_log_in"]
    developers = next(g for g in accounts["groups"] if g["name"] == "developers")
    assert me["user"] in developers["members"]
    assert "password" not in str(accounts)


def test_switch_unix_user_with_the_right_password_grants_root_powers():
    ep = open_fs()
    secret = password_of(ep, "root")
    root = ok(ep, "switch_unix_user", {"username": "root", "password": secret})
    assert root["user"] == "root" and root["uid"] == 0
    assert "root:" in ok(ep, "cat", {"path": "/etc/shadow"})["content"]
    me = ok(ep, "switch_unix_user", {"username": "deploy"})
    assert me["user"] == "deploy"


def test_switch_unix_user_fails_without_valid_credentials():
    ep = open_fs()
    fails(ep, "switch_unix_user", {"username": "nobody-here"}, "does not exist")
    fails(ep, "switch_unix_user", {"username": "www-data", "password": "x"}, "not available", "nologin")
    fails(ep, "switch_unix_user", {"username": "root"}, "password is required")
    fails(ep, "switch_unix_user", {"username": "root", "password": "wrong-1234"}, "Authentication failure")


def test_umask_shows_and_sets_the_mode_of_new_files():
    ep = open_fs()
    assert ok(ep, "umask") == {"umask": "0022", "new_file_mode": "0644", "new_directory_mode": "0755"}
    assert ok(ep, "umask", {"mask": "077"})["new_file_mode"] == "0600"
    created = ok(ep, "write_file", {"path": "private.txt", "content": "s"})
    assert created["entry"]["permissions"] == "-rw-------"
    assert ok(ep, "mkdir", {"path": "vault"})["entry"]["permissions"] == "drwx------"


def test_umask_rejects_non_octal_values():
    ep = open_fs()
    fails(ep, "umask", {"mask": "9"}, "invalid mask")
    fails(ep, "umask", {"mask": "1000"}, "invalid mask")


# ---------------------------------------------------------------------------------------------------- reading


def test_cat_reads_whole_files_and_line_windows():
    ep = open_fs()
    whole = ok(ep, "cat", {"path": "~/notes/todo.md"})
    assert whole["content"].startswith("# TODO\n") and whole["total_lines"] == 5 and not whole["truncated"]
    window = ok(ep, "cat", {"path": "~/notes/todo.md", "start_line": 2, "max_lines": 2, "number_lines": True})
    assert window["content"].startswith("     2\t- [") and window["end_line"] == 3 and window["truncated"]
    spaced = ok(ep, "cat", {"path": "~/Documents/Meeting notes 2026-02-12.txt"})
    assert "ACTION" in spaced["content"]
    assert ok(ep, "cat", {"path": "~/Downloads/-rf"})["total_lines"] == 1


def test_cat_fails_on_directories_forbidden_files_and_bad_ranges():
    ep = open_fs()
    fails(ep, "cat", {"path": "~/notes"}, "Is a directory")
    fails(ep, "cat", {"path": "/etc/shadow"}, "Permission denied", "root:root")
    fails(ep, "cat", {"path": "~/notes/todo.md", "start_line": 99}, "Line out of range", "5 lines")
    fails(ep, "cat", {"path": "~/notes/todo.md/"}, "Not a directory")


def test_head_and_tail_return_the_ends_of_a_file():
    ep = open_fs()
    first = ok(ep, "head", {"path": "~/Documents/budget-2026.csv", "lines": 2})
    assert first["lines"][0] == "month,category,amount" and first["total_lines"] == 49
    last = ok(ep, "tail", {"path": "~/Documents/budget-2026.csv", "lines": 3})
    assert last["first_line_number"] == 47 and len(last["lines"]) == 3


def test_head_and_tail_fail_on_missing_files():
    ep = open_fs()
    fails(ep, "head", {"path": "~/missing.log"}, "No such file or directory")
    fails(ep, "tail", {"path": "/var/log/auth.log"}, "Permission denied")


def test_wc_counts_lines_words_and_bytes():
    ep = open_fs()
    assert ok(ep, "wc", {"path": "~/Documents/résumé-2026.md"})["lines"] == 3
    ok(ep, "write_file", {"path": "greeting.txt", "content": "héllo wörld\nbye\n"})
    assert ok(ep, "wc", {"path": "greeting.txt"}) | {"path": ""} == {
        "path": "",
        "lines": 2,
        "words": 3,
        "characters": 16,
        "bytes": 18,
    }


def test_wc_fails_on_a_directory():
    fails(open_fs(), "wc", {"path": "~"}, "Is a directory")


def test_file_type_recognizes_scripts_data_and_directories():
    ep = open_fs()
    assert ok(ep, "file_type", {"path": "~/projects/scripts/backup.sh"})["description"] == "script, interpreter /bin/sh"
    assert ok(ep, "file_type", {"path": "~/Documents/contacts.csv"})["mime_type"] == "text/csv"
    assert ok(ep, "file_type", {"path": "~/Photos"})["mime_type"] == "inode/directory"
    assert ok(ep, "file_type", {"path": "/etc/hosts"})["description"] == "ASCII text"


def test_file_type_needs_read_permission():
    fails(open_fs(), "file_type", {"path": "/etc/shadow"}, "Permission denied")


def test_checksum_matches_for_identical_copies():
    ep = open_fs()
    original = ok(ep, "checksum", {"path": "~/notes/todo.md"})
    ok(ep, "cp", {"source": "~/notes/todo.md", "destination": "/tmp/todo-copy.md"})
    assert ok(ep, "checksum", {"path": "/tmp/todo-copy.md"})["digest"] == original["digest"]
    assert len(ok(ep, "checksum", {"path": "~/notes/todo.md", "algorithm": "md5"})["digest"]) == 32


def test_checksum_fails_on_missing_files():
    fails(open_fs(), "checksum", {"path": "~/nothing"}, "No such file or directory")


def test_sort_file_sorts_csv_by_a_numeric_column_keeping_the_header():
    ep = open_fs()
    result = ok(
        ep,
        "sort_file",
        {
            "path": "~/Documents/budget-2026.csv",
            "key_field": 3,
            "delimiter": ",",
            "numeric": True,
            "reverse": True,
            "keep_header": True,
        },
    )
    assert result["lines"][0] == "month,category,amount"
    amounts = [float(line.split(",")[2]) for line in result["lines"][1:]]
    assert amounts == sorted(amounts, reverse=True)
    categories = ok(ep, "cut", {"path": "~/Documents/budget-2026.csv", "fields": "2", "delimiter": ","})["lines"]
    ok(ep, "write_file", {"path": "cats.txt", "content": "\n".join(categories[1:]) + "\n"})
    unique = ok(ep, "sort_file", {"path": "cats.txt", "unique": True})["lines"]
    assert unique == sorted(set(categories[1:]))


def test_sort_file_fails_on_a_directory():
    fails(open_fs(), "sort_file", {"path": "~/Documents"}, "Is a directory")


def test_cut_extracts_columns_and_ranges():
    ep = open_fs()
    emails = ok(ep, "cut", {"path": "~/Documents/contacts.csv", "fields": "1,2", "delimiter": ","})
    assert emails["lines"][0] == "name,email" and emails["total_lines"] == 9
    tail_columns = ok(ep, "cut", {"path": "~/Documents/contacts.csv", "fields": "3-", "delimiter": ",", "limit": 1})
    assert tail_columns["lines"] == ["phone,city"] and tail_columns["truncated"]


def test_cut_rejects_invalid_field_lists():
    ep = open_fs()
    fails(ep, "cut", {"path": "~/Documents/contacts.csv", "fields": "0", "delimiter": ","}, "invalid field list")
    fails(ep, "cut", {"path": "~/Documents/contacts.csv", "fields": "a-b", "delimiter": ","}, "invalid field list")
    fails(ep, "cut", {"path": "~/Documents/contacts.csv", "fields": "3-1", "delimiter": ","}, "invalid field list")


# ---------------------------------------------------------------------------------------------------- searching


def test_find_filters_by_glob_kind_size_owner_and_age():
    ep = open_fs()
    home = home_of(ep)
    jpegs = ok(ep, "find", {"path": "~/Photos", "name_pattern": "*.jpg", "ignore_case": True, "limit": 1000})
    assert jpegs["total_matches"] == len(jpegs["matches"]) > 10
    assert all(m["name"].lower().endswith(".jpg") for m in jpegs["matches"])
    big = ok(ep, "find", {"path": "~", "kind": "file", "min_size": 10_000})
    assert [m["path"] for m in big["matches"]] == [f"{home}/Downloads/dataset-2025.csv"]
    recent_logs = ok(ep, "find", {"path": "/var/log", "name_pattern": "*.log", "modified_within_days": 2})
    assert recent_logs["total_matches"] >= 3
    by_root = ok(ep, "find", {"path": "/etc", "owner": "root", "kind": "directory", "max_depth": 1})
    assert {m["path"] for m in by_root["matches"]} == {"/etc", "/etc/nginx", "/etc/ssh"}
    empties = ok(ep, "find", {"path": "~", "empty": True, "max_depth": 1})
    assert {m["name"] for m in empties["matches"]} == {"Music", "Videos", "Desktop"}
    everything = ok(ep, "find", {"path": "/", "limit": 3})
    assert everything["truncated"] and everything["unreadable"]


def test_find_fails_on_missing_or_unreadable_roots():
    ep = open_fs()
    fails(ep, "find", {"path": "~/nowhere"}, "No such file or directory")
    fails(ep, "find", {"path": "/root"}, "Permission denied")


def test_glob_paths_expands_wildcards_and_double_star():
    ep = open_fs()
    home = home_of(ep)
    readmes = ok(ep, "glob_paths", {"pattern": "~/projects/*/README.md"})["matches"]
    assert f"{home}/projects/scripts/README.md" in readmes and readmes == sorted(readmes)
    invoices = ok(ep, "glob_paths", {"pattern": "Documents/invoices/invoice-2025-00[1-3].txt"})["matches"]
    assert len(invoices) == 3
    deep = ok(ep, "glob_paths", {"pattern": "~/Photos/**/IMG_*"})["matches"]
    assert len(deep) > 20
    top = ok(ep, "glob_paths", {"pattern": "~/*"})["matches"]
    assert top == sorted(top) and f"{home}/Documents" in top
    assert all("/." not in m for m in top)
    assert f"{home}/.bashrc" in ok(ep, "glob_paths", {"pattern": "~/.b*"})["matches"]
    assert ok(ep, "glob_paths", {"pattern": "/nonexistent/*"})["matches"] == []


def test_glob_paths_rejects_invalid_patterns():
    fails(open_fs(), "glob_paths", {"pattern": "~/\x00*"}, "NUL")


def test_grep_finds_substrings_recursively_and_skips_unreadable_files():
    ep = open_fs()
    query = {"text": "todo", "path": "~/projects", "recursive": True, "ignore_case": True, "include": "*.py"}
    todos = ok(ep, "grep", query)
    assert todos["total_matches"] >= 2 and all(m["path"].endswith(".py") for m in todos["matches"])
    overdue = ok(ep, "grep", {"text": "OVERDUE", "path": "~/Documents/invoices", "recursive": True})
    assert overdue["files_with_matches"] == sorted(overdue["files_with_matches"])
    assert all(m["line"] == "Status: OVERDUE" for m in overdue["matches"])
    regexish = ok(ep, "grep", {"text": "[x]", "path": "~/notes/todo.md"})
    assert regexish["total_matches"] == 1
    inverted = ok(ep, "grep", {"text": "- [", "path": "~/notes/todo.md", "invert": True})
    assert [m["line"] for m in inverted["matches"]] == ["# TODO"]
    logs = ok(ep, "grep", {"text": "ERROR", "path": "/var/log", "recursive": True, "limit": 1})
    assert "/var/log/auth.log" in logs["unreadable"] and len(logs["matches"]) <= 1


def test_grep_needs_recursive_for_a_directory():
    fails(open_fs(), "grep", {"text": "x", "path": "~/notes"}, "Is a directory", "recursive=true")


def test_du_ranks_entries_by_size():
    ep = open_fs()
    home = home_of(ep)
    usage = ok(ep, "du", {"path": "~"})
    assert usage["entries"][0]["path"] == f"{home}/Downloads"
    sizes = [e["bytes"] for e in usage["entries"]]
    assert sizes == sorted(sizes, reverse=True)
    downloads = ok(ep, "du", {"path": "~/Downloads"})
    assert downloads["total_bytes"] == sum(e["bytes"] for e in downloads["entries"])


def test_du_fails_on_unreadable_directories():
    fails(open_fs(), "du", {"path": "/srv/backups"}, "Permission denied")


def test_disk_usage_tracks_writes_and_deletes():
    ep = open_fs()
    before = ok(ep, "disk_usage")
    ok(ep, "write_file", {"path": "big.txt", "content": "y" * 5000})
    assert ok(ep, "disk_usage")["used_bytes"] == before["used_bytes"] + 5000
    freed = ok(ep, "rm", {"path": "~/Downloads/dataset-2025.csv"})["freed_bytes"]
    assert ok(ep, "disk_usage")["free_bytes"] == before["free_bytes"] - 5000 + freed


def test_diff_shows_a_unified_diff():
    ep = open_fs()
    result = ok(ep, "diff", {"path_a": "~/backups/todo.md.bak", "path_b": "~/notes/todo.md"})
    assert not result["identical"] and result["added_lines"] == 1 and result["removed_lines"] == 1
    assert "+- [x] file taxes" in result["diff"]
    same = ok(ep, "diff", {"path_a": "~/notes/todo.md", "path_b": "~/notes/../notes/todo.md"})
    assert same["identical"] and same["diff"] == []


def test_diff_refuses_very_long_files():
    ep = open_fs()
    ok(ep, "write_file", {"path": "long.txt", "content": "x\n" * 5001})
    fails(ep, "diff", {"path_a": "long.txt", "path_b": "~/notes/todo.md"}, "too large")


def test_diff_dirs_compares_trees():
    ep = open_fs()
    ok(ep, "cp", {"source": "~/notes", "destination": "~/notes-copy", "recursive": True})
    ok(ep, "append_file", {"path": "~/notes-copy/ideas.md", "content": "- new idea\n"})
    ok(ep, "rm", {"path": "~/notes-copy/recipes", "recursive": True})
    ok(ep, "touch", {"path": "~/notes-copy/extra.md"})
    result = ok(ep, "diff_dirs", {"dir_a": "~/notes", "dir_b": "~/notes-copy"})
    assert result["only_in_a"] == ["recipes", "recipes/dal.md", "recipes/pancakes.md"]
    assert result["only_in_b"] == ["extra.md"] and result["differing"] == ["ideas.md"]
    assert result["identical_files"] >= 60


def test_diff_dirs_needs_directories():
    fails(open_fs(), "diff_dirs", {"dir_a": "~/notes/todo.md", "dir_b": "~/notes"}, "Not a directory")


# ---------------------------------------------------------------------------------------------------- editing


def test_mkdir_creates_directories_and_parents():
    ep = open_fs()
    home = home_of(ep)
    made = ok(ep, "mkdir", {"path": "work"})
    assert made["created"] == [f"{home}/work"] and made["entry"]["permissions"] == "drwxr-xr-x"
    deep = ok(ep, "mkdir", {"path": "work/a/b/../c", "parents": True})
    assert deep["created"] == [f"{home}/work/a", f"{home}/work/a/b", f"{home}/work/a/c"]
    assert ok(ep, "mkdir", {"path": "work", "parents": True})["created"] == []
    shared = ok(ep, "mkdir", {"path": "/srv/projects/new-service"})
    assert shared["entry"]["group"] == "developers" and shared["entry"]["permissions"] == "drwxr-sr-x"


def test_mkdir_fails_for_existing_missing_parent_forbidden_and_blocked_paths():
    ep = open_fs()
    fails(ep, "mkdir", {"path": "~/notes"}, "File exists")
    fails(ep, "mkdir", {"path": "~/x/y"}, "No such file or directory")
    fails(ep, "mkdir", {"path": "/srv/www/site/new"}, "Permission denied", "write and search")
    fails(ep, "mkdir", {"path": "~/notes/todo.md/sub", "parents": True}, "Not a directory")
    fails(ep, "mkdir", {"path": "~/notes/todo.md", "parents": True}, "File exists")
    fails(ep, "mkdir", {"path": "~/archive/2023/new"}, "Permission denied")


def test_touch_creates_files_and_updates_times():
    ep = open_fs()
    created = ok(ep, "touch", {"path": "--weird name--.txt"})
    assert created["created"] and created["entry"]["size"] == 0
    now = created["entry"]["modified"]
    updated = ok(ep, "touch", {"path": "~/notes/todo.md"})
    assert not updated["created"] and updated["entry"]["modified"] == now


def test_touch_fails_where_the_user_may_not_write():
    ep = open_fs()
    fails(ep, "touch", {"path": "/etc/hosts"}, "Permission denied")
    fails(ep, "touch", {"path": "/etc/new.conf"}, "Permission denied")
    fails(ep, "touch", {"path": "~/newdir/"}, "No such file or directory", "mkdir")


def test_write_file_creates_and_overwrites():
    ep = open_fs()
    home = home_of(ep)
    created = ok(ep, "write_file", {"path": "~/notes/plan.md", "content": "# Plan\n"})
    assert created["created"] and created["bytes_written"] == 7 and created["entry"]["path"] == f"{home}/notes/plan.md"
    assert created["entry"]["permissions"] == "-rw-r--r--"
    replaced = ok(ep, "write_file", {"path": "notes/plan.md", "content": "v2\n"})
    assert not replaced["created"] and ok(ep, "cat", {"path": "notes/plan.md"})["content"] == "v2\n"
    ok(ep, "write_file", {"path": "名前 ünï.txt", "content": "ok"})
    assert ok(ep, "realpath", {"path": "名前 ünï.txt"})["exists"]


def test_write_file_fails_for_directories_existing_files_forbidden_and_invalid_paths():
    ep = open_fs()
    fails(ep, "write_file", {"path": "~/notes", "content": "x"}, "Is a directory")
    fails(ep, "write_file", {"path": "~/notes/todo.md", "content": "x", "overwrite": False}, "File exists")
    fails(ep, "write_file", {"path": "/etc/hosts", "content": "x"}, "Permission denied", "write (w)")
    fails(ep, "write_file", {"path": "~/archive/2023/old-budget.csv", "content": "x"}, "Permission denied")
    fails(ep, "write_file", {"path": "~/new-folder/", "content": "x"}, "Is a directory")
    fails(ep, "write_file", {"path": "", "content": "x"}, "empty")
    fails(ep, "write_file", {"path": "a\x00b", "content": "x"}, "NUL")
    fails(ep, "write_file", {"path": "n" * 256, "content": "x"}, "File name too long")


def test_writes_fail_when_the_disk_is_full():
    ep = open_fs()
    fill_disk(ep, "~/Downloads")
    fails(ep, "write_file", {"path": "one-more.bin", "content": "z" * 99_999}, "No space left on device", "du")
    fails(ep, "cp", {"source": "~/Downloads/filler-0.bin", "destination": "~/copy.bin"}, "No space left on device")
    fails(
        ep, "replace_in_file", {"path": "~/Downloads/filler-0.bin", "old": "x", "new": "xx"}, "No space left on device"
    )
    ok(ep, "rm", {"path": "~/Downloads/filler-0.bin"})
    ok(ep, "write_file", {"path": "one-more.bin", "content": "z" * 99_999})


def test_append_file_adds_to_the_end_and_creates_missing_files():
    ep = open_fs()
    ok(ep, "append_file", {"path": "~/notes/todo.md", "content": "- [ ] call mom\n"})
    assert ok(ep, "tail", {"path": "~/notes/todo.md", "lines": 1})["lines"] == ["- [ ] call mom"]
    assert ok(ep, "append_file", {"path": "log.txt", "content": "one\n"})["created"]


def test_append_file_fails_on_read_only_files():
    fails(open_fs(), "append_file", {"path": "~/archive/2023/tax-return-2023.txt", "content": "x"}, "Permission denied")


def test_concat_files_joins_sources_in_order():
    ep = open_fs()
    sources = ["~/notes/recipes/dal.md", "~/notes/recipes/pancakes.md"]
    joined = ok(ep, "concat_files", {"sources": sources, "destination": "recipes.md"})
    assert joined["created"]
    content = ok(ep, "cat", {"path": "recipes.md"})["content"]
    assert content.index("# Dal") < content.index("# Pancakes")
    ok(ep, "concat_files", {"sources": ["~/notes/ideas.md"], "destination": "recipes.md", "append": True})
    ideas = ok(ep, "cat", {"path": "~/notes/ideas.md"})["content"]
    assert ok(ep, "cat", {"path": "recipes.md"})["content"].endswith(ideas)


def test_concat_files_fails_when_output_is_an_input_or_a_source_is_missing():
    ep = open_fs()
    fails(
        ep,
        "concat_files",
        {"sources": ["~/notes/ideas.md"], "destination": "~/notes/ideas.md"},
        "Input file is output file",
    )
    fails(ep, "concat_files", {"sources": ["~/notes/ideas.md", "~/nope.md"], "destination": "out.md"}, "No such file")


def test_replace_in_file_replaces_exact_text():
    ep = open_fs()
    edit = {"path": "~/notes/todo.md", "old": "- [ ]", "new": "- [x]", "max_replacements": 2}
    result = ok(ep, "replace_in_file", edit)
    assert result["changed"] == 2
    assert ok(ep, "grep", {"text": "- [ ]", "path": "~/notes/todo.md"})["total_matches"] == 1


def test_replace_in_file_fails_when_the_text_is_absent_or_the_file_read_only():
    ep = open_fs()
    fails(ep, "replace_in_file", {"path": "~/notes/todo.md", "old": "not in there", "new": "x"}, "Text not found")
    fails(ep, "replace_in_file", {"path": "/etc/hosts", "old": "localhost", "new": "x"}, "Permission denied")


def test_insert_and_delete_lines_edit_by_line_number():
    ep = open_fs()
    edit = {"path": "~/notes/todo.md", "line_number": 2, "text": "- [ ] first\n- [ ] second"}
    inserted = ok(ep, "insert_lines", edit)
    assert inserted["changed"] == 2 and inserted["total_lines"] == 7
    assert ok(ep, "head", {"path": "~/notes/todo.md", "lines": 3})["lines"] == ["# TODO", "- [ ] first", "- [ ] second"]
    ok(ep, "insert_lines", {"path": "~/notes/todo.md", "line_number": 8, "text": "last"})
    assert ok(ep, "tail", {"path": "~/notes/todo.md", "lines": 1})["lines"] == ["last"]
    deleted = ok(ep, "delete_lines", {"path": "~/notes/todo.md", "start_line": 2, "end_line": 3})
    assert deleted["total_lines"] == 6 and deleted["changed"] == 2
    assert ok(ep, "cat", {"path": "~/notes/todo.md"})["content"].endswith("last\n")


def test_insert_and_delete_lines_reject_out_of_range_lines():
    ep = open_fs()
    fails(ep, "insert_lines", {"path": "~/notes/todo.md", "line_number": 7, "text": "x"}, "Line out of range", "1 to 6")
    fails(ep, "delete_lines", {"path": "~/notes/todo.md", "start_line": 4, "end_line": 9}, "Line out of range")
    fails(ep, "delete_lines", {"path": "~/notes/todo.md", "start_line": 3, "end_line": 2}, "Line out of range")


def test_mktemp_creates_unique_private_entries():
    ep = open_fs()
    first = ok(ep, "mktemp", {})
    second = ok(ep, "mktemp", {"prefix": "build", "make_directory": True})
    assert first["path"] == "/tmp/tmp.000001" and first["permissions"] == "-rw-------"
    assert second["path"] == "/tmp/build.000002" and second["kind"] == "directory"


def test_mktemp_fails_in_unwritable_directories_and_with_bad_prefixes():
    ep = open_fs()
    fails(ep, "mktemp", {"directory": "/etc"}, "Permission denied")
    fails(ep, "mktemp", {"prefix": "a/b"}, "cannot contain '/'")


# ---------------------------------------------------------------------------------------------------- moving


def test_rm_deletes_files_and_whole_trees():
    ep = open_fs()
    home = home_of(ep)
    single = ok(ep, "rm", {"path": "~/Downloads/-rf"})
    assert single["removed"] == [f"{home}/Downloads/-rf"]
    tree_removed = ok(ep, "rm", {"path": "~/projects/homepage", "recursive": True})
    assert tree_removed["removed_count"] > 5 and tree_removed["removed"][0] == f"{home}/projects/homepage"
    assert not ok(ep, "realpath", {"path": "~/projects/homepage"})["exists"]
    assert ok(ep, "rm", {"path": "~/ghost", "force": True})["removed_count"] == 0
    assert ok(ep, "rm", {"path": "~/ghost/deeper", "force": True})["removed_count"] == 0
    ok(ep, "rm", {"path": f"/tmp/{ok(ep, 'whoami')['user']}-scratch.txt"})


def test_rm_refuses_directories_missing_files_dots_root_and_protected_entries():
    ep = open_fs()
    closed, _ = other_users(ep)
    fails(ep, "rm", {"path": "~/notes"}, "Is a directory", "recursive=true")
    fails(ep, "rm", {"path": "~/ghost"}, "No such file or directory")
    fails(ep, "rm", {"path": "~/notes/.", "recursive": True}, "Invalid argument")
    fails(ep, "rm", {"path": "/", "recursive": True}, "refuses to remove the root")
    fails(ep, "rm", {"path": f"/tmp/{closed}-build.log"}, "Operation not permitted", "sticky")
    fails(ep, "rm", {"path": "~/archive", "recursive": True}, "Permission denied")
    fails(ep, "rm", {"path": "/etc/hosts"}, "Permission denied")


def test_rmdir_removes_only_empty_directories():
    ep = open_fs()
    home = home_of(ep)
    assert ok(ep, "rmdir", {"path": "~/Music/"})["removed"] == [f"{home}/Music"]


def test_rmdir_fails_on_non_empty_files_missing_and_dots():
    ep = open_fs()
    fails(ep, "rmdir", {"path": "~/notes"}, "Directory not empty", "recursive=true")
    fails(ep, "rmdir", {"path": "~/notes/todo.md"}, "Not a directory")
    fails(ep, "rmdir", {"path": "~/ghost"}, "No such file or directory")
    fails(ep, "rmdir", {"path": "~/Music/."}, "Invalid argument")
    fails(ep, "rmdir", {"path": "/"}, "busy")


def test_mv_renames_and_moves_into_directories():
    ep = open_fs()
    home = home_of(ep)
    renamed = ok(ep, "mv", {"source": "~/notes/ideas.md", "destination": "~/notes/ideas-2026.md"})
    assert renamed["destination"] == f"{home}/notes/ideas-2026.md"
    moved = ok(ep, "mv", {"source": "~/notes/recipes", "destination": "~/Documents"})
    assert moved["destination"] == f"{home}/Documents/recipes" and moved["moved_count"] == 3
    assert ok(ep, "cat", {"path": "~/Documents/recipes/dal.md"})["content"].startswith("# Dal")
    ok(ep, "mv", {"source": "~/notes/todo.md", "destination": "~/backups/todo.md.bak"})
    assert ok(ep, "cat", {"path": "~/backups/todo.md.bak"})["content"].startswith("# TODO")
    ok(ep, "mv", {"source": "~/Videos", "destination": "~/Desktop", "overwrite": True})
    assert ok(ep, "realpath", {"path": "~/Desktop/Videos"})["exists"]


def test_mv_keeps_the_working_directory_inside_a_moved_tree():
    ep = open_fs()
    home = home_of(ep)
    ok(ep, "cd", {"path": "~/projects/scripts"})
    ok(ep, "mv", {"source": "~/projects", "destination": "~/code"})
    assert ok(ep, "pwd")["path"] == f"{home}/code/scripts"
    assert ok(ep, "cat", {"path": "README.md"})["total_lines"] == 1


def test_mv_fails_for_self_nesting_conflicts_and_permissions():
    ep = open_fs()
    fails(ep, "mv", {"source": "~/notes", "destination": "~/notes/journal"}, "into itself")
    fails(ep, "mv", {"source": "~/ghost", "destination": "~/x"}, "No such file or directory")
    fails(ep, "mv", {"source": "~/notes/ideas.md", "destination": "~/notes/todo.md", "overwrite": False}, "File exists")
    fails(ep, "mv", {"source": "~/Music", "destination": "~/notes/todo.md"}, "Not a directory")
    fails(ep, "mv", {"source": "~/notes/todo.md", "destination": "~/notes/todo.md"}, "same file")
    ok(ep, "mkdir", {"path": "~/box/notes", "parents": True})
    ok(ep, "touch", {"path": "~/box/notes/x"})
    fails(ep, "mv", {"source": "~/notes", "destination": "~/box"}, "Directory not empty")
    fails(ep, "mv", {"source": "/etc/hosts", "destination": "~/hosts"}, "Permission denied")
    fails(ep, "mv", {"source": "~/notes/todo.md", "destination": "~/no-such-dir/"}, "Not a directory")
    fails(ep, "mv", {"source": ".", "destination": "~/x"}, "Invalid argument")


def test_cp_copies_files_and_trees_owned_by_the_user():
    ep = open_fs()
    home = home_of(ep)
    me = ok(ep, "whoami")["user"]
    copied = ok(ep, "cp", {"source": "/etc/hosts", "destination": "~"})
    assert copied["destination"] == f"{home}/hosts"
    assert ok(ep, "stat", {"path": "~/hosts"})["entry"]["owner"] == me
    tree_copy = ok(ep, "cp", {"source": "~/projects/scripts", "destination": "~/scripts-backup", "recursive": True})
    assert tree_copy["copied_count"] == 5
    assert ok(ep, "stat", {"path": "~/scripts-backup/backup.sh"})["entry"]["permissions"] == "-rwxr-xr-x"
    kept = ok(ep, "cp", {"source": "~/notes/todo.md", "destination": "todo-old.md", "preserve": True})
    original_time = ok(ep, "stat", {"path": "~/notes/todo.md"})["entry"]["modified"]
    assert ok(ep, "stat", {"path": kept["destination"]})["entry"]["modified"] == original_time
    ok(ep, "cp", {"source": "~/notes", "destination": "~/scripts-backup", "recursive": True})
    merged = ok(ep, "cp", {"source": "~/notes", "destination": "~/scripts-backup", "recursive": True})
    assert merged["destination"] == f"{home}/scripts-backup/notes"


def test_cp_fails_without_recursive_into_itself_unreadable_or_clobbering():
    ep = open_fs()
    fails(ep, "cp", {"source": "~/notes", "destination": "~/n2"}, "Is a directory", "recursive=true")
    fails(ep, "cp", {"source": "~/notes", "destination": "~/notes/journal", "recursive": True}, "into itself")
    fails(ep, "cp", {"source": "/etc/shadow", "destination": "~"}, "Permission denied")
    fails(ep, "cp", {"source": "~/notes/todo.md", "destination": "~/notes/ideas.md", "overwrite": False}, "File exists")
    fails(ep, "cp", {"source": "~/notes/todo.md", "destination": "~/notes/todo.md"}, "same file")
    fails(ep, "cp", {"source": "~/notes/todo.md", "destination": "/srv/www/site/"}, "Permission denied")


def test_rename_matching_renames_in_bulk():
    ep = open_fs()
    folder = next(
        m["path"] for m in ok(ep, "find", {"path": "~/Photos", "name_pattern": "*.jpeg", "limit": 1})["matches"]
    ).rsplit("/", 1)[0]
    plan = {"directory": folder, "pattern": "*.jpeg", "find_text": ".jpeg", "replace_with": ".jpg"}
    preview = ok(ep, "rename_matching", plan | {"dry_run": True})
    assert preview["renames"] and ok(ep, "glob_paths", {"pattern": f"{folder}/*.jpeg"})["matches"]
    done = ok(ep, "rename_matching", plan)
    assert done["renames"] == preview["renames"]
    assert ok(ep, "glob_paths", {"pattern": f"{folder}/*.jpeg"})["matches"] == []
    assert all(ok(ep, "realpath", {"path": r["destination"]})["exists"] for r in done["renames"])


def test_rename_matching_fails_without_matches_or_on_collisions():
    ep = open_fs()
    fails(
        ep,
        "rename_matching",
        {"directory": "~/notes", "pattern": "*.xyz", "find_text": "x", "replace_with": "y"},
        "no entry",
    )
    fails(
        ep,
        "rename_matching",
        {"directory": "~/notes", "pattern": "ideas.md", "find_text": "ideas", "replace_with": "todo"},
        "File exists",
    )
    fails(
        ep,
        "rename_matching",
        {"directory": "~/notes", "pattern": "*.md", "find_text": ".md", "replace_with": "/x"},
        "'/'",
    )


# ---------------------------------------------------------------------------------------------------- permissions


def test_chmod_accepts_octal_and_symbolic_modes():
    ep = open_fs()
    script = ok(ep, "chmod", {"path": "~/projects/scripts/sync-photos.sh", "mode": "u+x,go+rx"})
    assert script["entry"]["permissions"] == "-rwxr-xr-x"
    assert ok(ep, "chmod", {"path": "~/notes/todo.md", "mode": "600"})["entry"]["permissions"] == "-rw-------"
    assert ok(ep, "chmod", {"path": "~/notes/todo.md", "mode": "a=r,u+w"})["entry"]["permissions"] == "-rw-r--r--"
    assert ok(ep, "chmod", {"path": "~/notes/todo.md", "mode": "+x"})["entry"]["permissions"] == "-rwxr-xr-x"
    recursive = ok(ep, "chmod", {"path": "~/archive", "mode": "u+w", "recursive": True})
    assert recursive["changed_count"] == 4
    ok(ep, "write_file", {"path": "~/archive/2023/old-budget.csv", "content": "fixed\n"})
    assert ok(ep, "chmod", {"path": "~/Music", "mode": "1777"})["entry"]["permissions"] == "drwxrwxrwt"


def test_chmod_fails_for_files_of_others_and_invalid_modes():
    ep = open_fs()
    fails(ep, "chmod", {"path": "/etc/hosts", "mode": "666"}, "Operation not permitted", "root")
    fails(ep, "chmod", {"path": "~/notes/todo.md", "mode": "rwx"}, "invalid mode")
    fails(ep, "chmod", {"path": "~/notes/todo.md", "mode": "u?x"}, "invalid mode")
    fails(ep, "chmod", {"path": "~/notes/todo.md", "mode": "99999"}, "invalid mode")


def test_a_removed_read_permission_is_enforced_for_the_owner():
    ep = open_fs()
    ok(ep, "chmod", {"path": "~/notes/todo.md", "mode": "200"})
    fails(ep, "cat", {"path": "~/notes/todo.md"}, "Permission denied")
    ok(ep, "chmod", {"path": "~/notes", "mode": "u-x"})
    fails(ep, "stat", {"path": "~/notes/ideas.md"}, "Permission denied", "search (x)")


def test_chown_changes_group_for_the_owner_and_owner_for_root():
    ep = open_fs()
    changed = ok(ep, "chown", {"path": "~/notes/todo.md", "group": "developers"})
    assert changed["entry"]["group"] == "developers"
    ok(ep, "switch_unix_user", {"username": "root", "password": password_of(ep, "root")})
    given = ok(ep, "chown", {"path": "/srv/www/site", "owner": "deploy", "group": "developers", "recursive": True})
    assert given["changed_count"] >= 5 and given["entry"]["owner"] == "deploy"


def test_chown_fails_for_non_root_giveaways_unknown_names_and_foreign_groups():
    ep = open_fs()
    _, mate = other_users(ep)
    fails(ep, "chown", {"path": "~/notes/todo.md", "owner": mate}, "Operation not permitted", "switch_unix_user")
    fails(ep, "chown", {"path": "~/notes/todo.md", "owner": "ghost"}, "invalid user")
    fails(ep, "chown", {"path": "~/notes/todo.md", "group": "ghosts"}, "invalid group")
    fails(ep, "chown", {"path": "~/notes/todo.md", "group": "adm"}, "not in group adm")
    fails(ep, "chown", {"path": "/etc/hosts", "group": "staff"}, "Operation not permitted")
    fails(ep, "chown", {"path": "~/notes/todo.md"}, "give an owner")


def test_group_permissions_and_setgid_directories_apply():
    ep = open_fs()
    ok(ep, "append_file", {"path": "/srv/projects/deploy-config/release.txt", "content": "v2.3.2\n"})
    fails(ep, "touch", {"path": "/srv/projects/deploy-config/new.txt"}, "Permission denied")
    created = ok(ep, "write_file", {"path": "/home/shared/minutes.md", "content": "hi\n"})
    assert created["entry"]["group"] == "staff"


def test_a_removed_working_directory_is_reported_clearly():
    ep = open_fs()
    ok(ep, "mkdir", {"path": "scratch"})
    ok(ep, "cd", {"path": "scratch"})
    ok(ep, "rm", {"path": "../scratch", "recursive": True})
    assert not ok(ep, "pwd")["exists"]
    fails(ep, "ls", {}, "was removed")
    fails(ep, "mkdir", {"path": "a", "parents": True}, "was removed")
    ok(ep, "ls", {"path": "~"})
    ok(ep, "cd", {"path": "~"})
    assert ok(ep, "pwd")["exists"]


# ---------------------------------------------------------------------------------------------------- scenario


def _scenario(ep: Episode) -> dict:
    """Archive the project READMEs into a dated folder, then tidy and lock it down."""
    readmes = ok(ep, "glob_paths", {"pattern": "~/projects/*/README.md"})["matches"]
    folder = ok(ep, "mkdir", {"path": "~/Documents/archive/readmes", "parents": True})["entry"]["path"]
    for readme in readmes:
        project = readme.split("/")[-2]
        ok(ep, "cp", {"source": readme, "destination": f"{folder}/{project}.md"})
    index = ok(ep, "concat_files", {"sources": readmes, "destination": f"{folder}/ALL.txt"})["entry"]["path"]
    ok(ep, "rename_matching", {"directory": folder, "pattern": "*.md", "find_text": ".md", "replace_with": ".txt"})
    ok(ep, "mv", {"source": index, "destination": f"{folder}/index.txt"})
    ok(ep, "chmod", {"path": folder, "mode": "go-rx"})
    return {"folder": folder, "readmes": readmes}


def test_scenario_archiving_readmes_replays_to_the_same_state():
    first, second = open_fs(), open_fs()
    initial = first.state_hash()
    found = _scenario(first)
    _scenario(second)
    assert first.state_hash() == second.state_hash() != initial
    folder = found["folder"]
    listing = ok(first, "ls", {"path": folder})
    names = [e["name"] for e in listing["entries"]]
    assert names == sorted([path.split("/")[-2] + ".txt" for path in found["readmes"]] + ["index.txt"])
    assert ok(first, "stat", {"path": folder})["entry"]["permissions"] == "drwx------"
    joined = ok(first, "cat", {"path": f"{folder}/index.txt"})["content"]
    assert joined == "".join(ok(first, "cat", {"path": p})["content"] for p in found["readmes"])


def test_whole_tree_searches_succeed_from_the_root():
    ep = open_fs(7)
    assert ok(ep, "grep", {"text": "e", "path": "/", "recursive": True})["matches"]
    assert ok(ep, "find", {"path": "/"})["matches"]
    assert ok(ep, "glob_paths", {"pattern": "/**/**/**/*"})["matches"]
