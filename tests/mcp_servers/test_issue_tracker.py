"""Behaviour of the issue tracker server, through the public Episode API.

Test data is discovered in the seed-0 world (through the tools, or `Episode.snapshot()` for what a person would
know by looking at the board) rather than hard-coded.
"""

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from mcp_servers import Episode
from mcp_servers.issue_tracker.world import IssueTrackerWorld
from tests.helpers import fails, ok

SERVER = "issue_tracker"


@pytest.fixture
def ep() -> Episode:
    """A fresh seed-0 episode for each test."""
    return Episode.open([SERVER], seed=0)


def _world(episode: Episode) -> dict[str, Any]:
    """The tracker's state as JSON data, for finding records with a particular property."""
    return episode.snapshot()[SERVER]


def _issues(ep: Episode, **fields: Any) -> list[dict[str, Any]]:
    """Issues of the world whose fields equal `fields`."""
    return [i for i in _world(ep)["issues"].values() if all(i[k] == v for k, v in fields.items())]


def _today(ep: Episode) -> date:
    return datetime.fromisoformat(_world(ep)["now"]).date()


def _issue(ep: Episode, key: str) -> dict[str, Any]:
    return ok(ep, "get_issue", {"issue_key": key})


def _sprint(ep: Episode, project_key: str, state: str) -> dict[str, Any]:
    return ok(ep, "list_tracker_sprints", {"project_key": project_key, "state": state})["sprints"][0]


def _plain_open_issue(ep: Episode, project_key: str, **fields: Any) -> dict[str, Any]:
    """An open backlog story/task/bug of the project with no subtasks and no links."""
    linked = {key for link in _world(ep)["links"].values() for key in (link["source_key"], link["target_key"])}
    parents = {i["parent_key"] for i in _world(ep)["issues"].values() if i["parent_key"]}
    return next(
        i
        for i in _issues(ep, project_key=project_key, status="open", sprint_id=None, **fields)
        if i["type"] in ("story", "task", "bug") and i["issue_key"] not in linked | parents
    )


# ----- discovery -----


def test_list_tracker_projects_shows_projects_active_sprints_and_the_signed_in_user(ep: Episode):
    result = ok(ep, "list_tracker_projects")
    assert result["signed_in_user_id"] == "dwhitfield"
    projects = {p["project_key"]: p for p in result["projects"]}
    assert set(projects) == {"WEB", "MOB", "PAY", "OPS"}
    assert projects["OPS"]["workflow"] == "lightweight" and projects["OPS"]["active_sprint_id"] is None
    web_active = _sprint(ep, "WEB", "active")
    assert projects["WEB"]["active_sprint_id"] == web_active["sprint_id"]
    unresolved = [i for i in _issues(ep, project_key="PAY") if i["status"] != "done"]
    assert projects["PAY"]["unresolved_issue_count"] == len(unresolved)


def test_get_tracker_project_shows_workflow_members_epics_and_sprints(ep: Episode):
    web = ok(ep, "get_tracker_project", {"project_key": "WEB"})
    steps = {s["from_status"]: s["to_statuses"] for s in web["transitions"]}
    assert steps["open"] == ["in_progress", "done"] and steps["in_review"] == ["in_progress", "done"]
    roles = {m["user_id"]: (m["role"], m["active"]) for m in web["members"]}
    assert roles["praman"] == ("admin", True) and roles["lfischer"][0] == "viewer"
    assert roles["tokafor"] == ("developer", False)
    assert "jnovak" not in roles
    assert len(web["epics"]) == 4 and {e["status"] for e in web["epics"]} >= {"done", "in_progress"}
    assert {s["state"] for s in web["sprints"]} == {"closed", "active", "planned"}
    assert sum(web["issue_counts"].values()) == len(_issues(ep, project_key="WEB"))
    ops = ok(ep, "get_tracker_project", {"project_key": "OPS"})
    assert "in_review" not in {s["from_status"] for s in ops["transitions"]}


def test_list_tracker_users_filters_by_query_project_role_and_activity(ep: Episode):
    assert [u["user_id"] for u in ok(ep, "list_tracker_users", {"query": "HADDAD"})["users"]] == ["ohaddad"]
    by_title = ok(ep, "list_tracker_users", {"query": "android engineer"})["users"]
    assert [u["user_id"] for u in by_title] == ["lmoreau"]
    with_inactive = ok(ep, "list_tracker_users", {"query": "android engineer", "include_inactive": True})["users"]
    assert {u["user_id"] for u in with_inactive} == {"lmoreau", "cmartin"}
    viewers = ok(ep, "list_tracker_users", {"project_key": "WEB", "role": "viewer"})["users"]
    assert {u["user_id"] for u in viewers} == {"lfischer", "bcarter", "rstein"}
    ops = ok(ep, "list_tracker_users", {"project_key": "OPS"})["users"]
    assert all(any(r["project_key"] == "OPS" for r in u["roles"]) for u in ops)
    everyone = ok(ep, "list_tracker_users", {"include_inactive": True})["users"]
    assert len(everyone) == len(_world(ep)["users"]) >= 20


def test_search_tracker_issues_combines_filters(ep: Episode):
    sprint = _sprint(ep, "MOB", "active")
    in_sprint = ok(ep, "search_tracker_issues", {"sprint_id": sprint["sprint_id"], "limit": 100})
    assert in_sprint["total_matched"] == len(_issues(ep, sprint_id=sprint["sprint_id"]))
    review = ok(ep, "search_tracker_issues", {"project_key": "MOB", "status": "in_review", "limit": 100})["issues"]
    assert review and all(i["status"] == "in_review" and i["project_key"] == "MOB" for i in review)
    bugs = ok(ep, "search_tracker_issues", {"issue_type": "bug", "unresolved_only": True, "limit": 100})["issues"]
    assert bugs and all(i["type"] == "bug" and i["status"] != "done" for i in bugs)
    mine = ok(ep, "search_tracker_issues", {"assignee_id": "npetrova", "limit": 100})["issues"]
    assert mine and all(i["assignee_id"] == "npetrova" for i in mine)
    loose = ok(ep, "search_tracker_issues", {"project_key": "OPS", "unassigned_only": True, "limit": 100})["issues"]
    assert loose and all(i["assignee_id"] is None for i in loose)
    backlog = ok(ep, "search_tracker_issues", {"project_key": "PAY", "backlog_only": True, "limit": 100})["issues"]
    assert backlog and all(i["sprint_id"] is None and i["type"] != "epic" for i in backlog)
    labelled = ok(ep, "search_tracker_issues", {"label": "tech-debt", "limit": 100})["issues"]
    assert labelled and all("tech-debt" in i["labels"] for i in labelled)
    epic = _issues(ep, project_key="WEB", type="epic", status="in_progress")[0]
    under = ok(ep, "search_tracker_issues", {"epic_key": epic["issue_key"], "limit": 100})
    assert under["total_matched"] == len(_issues(ep, epic_key=epic["issue_key"]))
    target = _issues(ep, project_key="WEB", type="bug")[0]
    words = target["summary"].upper().split()[:2]
    found = ok(ep, "search_tracker_issues", {"text": " ".join(words), "limit": 100})["issues"]
    assert target["issue_key"] in [i["issue_key"] for i in found]
    by_key = ok(ep, "search_tracker_issues", {"text": target["issue_key"].lower()})["issues"]
    assert target["issue_key"] in [i["issue_key"] for i in by_key]


def test_search_tracker_issues_orders_and_limits(ep: Episode):
    newest = ok(ep, "search_tracker_issues", {"project_key": "WEB", "limit": 100})["issues"]
    assert [i["updated_at"] for i in newest] == sorted((i["updated_at"] for i in newest), reverse=True)
    ranked = ok(ep, "search_tracker_issues", {"project_key": "WEB", "order_by": "priority", "limit": 100})["issues"]
    order = ["highest", "high", "medium", "low", "lowest"]
    assert [order.index(i["priority"]) for i in ranked] == sorted(order.index(i["priority"]) for i in ranked)
    few = ok(ep, "search_tracker_issues", {"project_key": "WEB", "order_by": "created", "limit": 3})
    assert len(few["issues"]) == 3 and few["total_matched"] > 3
    assert ok(ep, "search_tracker_issues", {"text": "zzqx nothing"}) == {"issues": [], "total_matched": 0}


def test_get_issue_shows_subtasks_blockers_links_and_allowed_transitions(ep: Episode):
    parent = next(i for i in _issues(ep, status="in_review") if _issues(ep, parent_key=i["issue_key"]))
    details = _issue(ep, parent["issue_key"])
    assert details["allowed_transitions"] == ["in_progress", "done"]
    subtasks = {i["issue_key"] for i in _issues(ep, parent_key=parent["issue_key"])}
    assert {s["issue_key"] for s in details["subtasks"]} == subtasks
    link = next(l for l in _world(ep)["links"].values() if l["link_type"] == "blocks")
    source, target = _issue(ep, link["source_key"]), _issue(ep, link["target_key"])
    assert {"link_id": link["link_id"], "relation": "blocks", "issue_key": link["target_key"]}.items() <= next(
        v for v in source["links"] if v["link_id"] == link["link_id"]
    ).items()
    assert next(v for v in target["links"] if v["link_id"] == link["link_id"])["relation"] == "is_blocked_by"
    if source["status"] != "done":
        assert link["source_key"] in target["unresolved_blocker_keys"]
    commented = next(iter(_world(ep)["comments"].values()))["issue_key"]
    count = sum(1 for c in _world(ep)["comments"].values() if c["issue_key"] == commented)
    assert _issue(ep, commented)["comment_count"] == count


def test_list_issue_comments_lists_an_issues_comments_oldest_first(ep: Episode):
    counts: dict[str, int] = {}
    for comment in _world(ep)["comments"].values():
        counts[comment["issue_key"]] = counts.get(comment["issue_key"], 0) + 1
    key = next(k for k, n in counts.items() if n == 2)
    comments = ok(ep, "list_issue_comments", {"issue_key": key})["comments"]
    assert len(comments) == 2 and all(c["issue_key"] == key for c in comments)
    assert comments[0]["created_at"] <= comments[1]["created_at"]
    quiet = next(k for k in _world(ep)["issues"] if k not in counts)
    assert ok(ep, "list_issue_comments", {"issue_key": quiet})["comments"] == []


def test_list_tracker_sprints_reports_points_and_filters_by_state(ep: Episode):
    sprints = ok(ep, "list_tracker_sprints", {"project_key": "WEB"})["sprints"]
    assert [s["state"] for s in sprints] == ["closed", "closed", "active", "planned"]
    for sprint in sprints:
        issues = _issues(ep, sprint_id=sprint["sprint_id"])
        assert sprint["committed_points"] == sum(i["story_points"] or 0 for i in issues) <= sprint["capacity_points"]
        assert sprint["issue_count"] == len(issues)
    closed = ok(ep, "list_tracker_sprints", {"project_key": "WEB", "state": "closed"})["sprints"]
    assert len(closed) == 2 and all(s["completed_points"] == s["committed_points"] for s in closed)


def test_get_sprint_report_counts_statuses_and_days_left(ep: Episode):
    active = _sprint(ep, "PAY", "active")
    report = ok(ep, "get_sprint_report", {"sprint_id": active["sprint_id"]})
    assert report["days_remaining"] == (date.fromisoformat(active["end_date"]) - _today(ep)).days
    assert sum(report["status_counts"].values()) == len(report["issues"]) == active["issue_count"]
    assert set(report["status_counts"]) >= {"done", "in_progress", "in_review", "open"}
    assert report["sprint"]["completed_points"] < report["sprint"]["committed_points"]
    closed = _sprint(ep, "PAY", "closed")
    assert ok(ep, "get_sprint_report", {"sprint_id": closed["sprint_id"]})["days_remaining"] is None


def test_list_epic_issues_reports_progress(ep: Episode):
    done_epic = _issues(ep, project_key="WEB", type="epic", status="done")[0]
    result = ok(ep, "list_epic_issues", {"epic_key": done_epic["issue_key"]})
    assert result["epic"]["issue_key"] == done_epic["issue_key"]
    assert result["done_count"] == len(result["issues"]) > 0
    assert result["done_points"] == result["total_points"]
    busy = _issues(ep, project_key="MOB", type="epic", status="in_progress")[0]
    progress = ok(ep, "list_epic_issues", {"epic_key": busy["issue_key"]})
    assert progress["done_count"] < len(progress["issues"])
    assert {i["epic_key"] for i in progress["issues"]} == {busy["issue_key"]}


def test_lookups_of_unknown_or_wrong_ids_are_tool_errors(ep: Episode):
    cases = [
        ("get_tracker_project", "project_key", "NOPE", "Unknown project", "list_tracker_projects"),
        ("list_tracker_users", "project_key", "NOPE", "Unknown project", "list_tracker_projects"),
        ("list_tracker_sprints", "project_key", "NOPE", "Unknown project", "list_tracker_projects"),
        ("get_issue", "issue_key", "WEB-9999", "Unknown issue", "search_tracker_issues"),
        ("list_issue_comments", "issue_key", "WEB-9999", "Unknown issue", "search_tracker_issues"),
        ("get_sprint_report", "sprint_id", "SPR-9999", "Unknown sprint", "list_tracker_sprints"),
        ("list_epic_issues", "epic_key", "WEB-9999", "Unknown epic", "get_tracker_project"),
        ("list_epic_issues", "epic_key", _issues(ep, type="story")[0]["issue_key"], "not an epic", "epics"),
    ]
    for tool, argument, value, problem, hint in cases:
        fails(ep, tool, {argument: value}, problem, hint)


# ----- issues -----


def test_create_issue_adds_an_open_issue_reported_by_you(ep: Episode):
    epic = _issues(ep, project_key="PAY", type="epic", status="in_progress")[0]["issue_key"]
    created = ok(ep, "create_issue", {
        "project_key": "PAY", "issue_type": "story", "summary": "  Refund to gift card  ", "priority": "high",
        "assignee_id": "dsantos", "story_points": 5, "labels": ["refunds", "refunds", "customer-reported"],
        "epic_key": epic, "description": "Customers asked for it.",
    })
    numbers = [int(k.split("-")[1]) for k in _world(ep)["issues"] if k.startswith("PAY-")]
    assert created["issue_key"] == f"PAY-{max(numbers)}"
    assert created["summary"] == "Refund to gift card" and created["labels"] == ["refunds", "customer-reported"]
    assert created["status"] == "open" and created["reporter_id"] == "dwhitfield"
    assert created["watcher_ids"] == ["dwhitfield"]
    shown = _issue(ep, created["issue_key"])
    assert shown["epic_key"] == epic and shown["assignee_id"] == "dsantos" and shown["story_points"] == 5
    found = ok(ep, "search_tracker_issues", {"text": "gift card refund", "project_key": "PAY"})["issues"]
    assert created["issue_key"] in [i["issue_key"] for i in found]


def test_create_issue_makes_subtasks_that_follow_their_parents_sprint(ep: Episode):
    parent = next(i for i in _issues(ep, project_key="MOB", status="in_progress") if i["sprint_id"])
    sub = ok(ep, "create_issue", {
        "project_key": "MOB", "issue_type": "subtask", "summary": "Write unit tests", "parent_key": parent["issue_key"],
    })
    assert sub["sprint_id"] == parent["sprint_id"] and sub["parent_key"] == parent["issue_key"]
    assert sub["issue_key"] in [s["issue_key"] for s in _issue(ep, parent["issue_key"])["subtasks"]]
    epic = ok(ep, "create_issue", {"project_key": "MOB", "issue_type": "epic", "summary": "Wear OS companion"})
    assert epic["sprint_id"] is None
    epics = ok(ep, "get_tracker_project", {"project_key": "MOB"})["epics"]
    assert epic["issue_key"] in [e["epic_key"] for e in epics]


def test_create_issue_failures_leave_the_world_unchanged(ep: Episode):
    base = {"project_key": "WEB", "issue_type": "task", "summary": "Something"}
    story = _issues(ep, project_key="WEB", type="story")[0]["issue_key"]
    pay_story = _issues(ep, project_key="PAY", type="story")[0]["issue_key"]
    pay_epic = _issues(ep, project_key="PAY", type="epic")[0]["issue_key"]
    web_epic = _issues(ep, project_key="WEB", type="epic")[0]["issue_key"]
    sub = _issues(ep, project_key="WEB", type="subtask")[0]["issue_key"]
    fails(ep, "create_issue", {**base, "project_key": "NOPE"}, "Unknown project")
    fails(ep, "create_issue", {**base, "summary": "   "}, "blank")
    fails(ep, "create_issue", {**base, "issue_type": "subtask"}, "needs parent_key")
    fails(ep, "create_issue", {**base, "issue_type": "subtask", "parent_key": pay_story}, "is in project PAY")
    fails(ep, "create_issue", {**base, "issue_type": "subtask", "parent_key": sub}, "is a subtask")
    fails(ep, "create_issue", {**base, "parent_key": story}, "only for subtasks")
    fails(ep, "create_issue", {**base, "issue_type": "epic", "story_points": 3}, "no story points")
    fails(ep, "create_issue", {**base, "issue_type": "epic", "epic_key": web_epic}, "cannot belong to an epic")
    fails(ep, "create_issue", {**base, "story_points": 4}, "not on the story-point scale", "5")
    fails(ep, "create_issue", {**base, "epic_key": pay_epic}, "is in project PAY")
    fails(ep, "create_issue", {**base, "epic_key": story}, "not an epic")
    fails(ep, "create_issue", {**base, "assignee_id": "jnovak"}, "no role in project WEB")
    fails(ep, "create_issue", {**base, "assignee_id": "lfischer"}, "viewer")
    fails(ep, "create_issue", {**base, "assignee_id": "tokafor"}, "deactivated")


def test_update_issue_edits_fields_and_keeps_the_rest(ep: Episode):
    issue = _plain_open_issue(ep, "OPS")
    updated = ok(ep, "update_issue", {
        "issue_key": issue["issue_key"], "priority": "highest", "labels": ["security"], "story_points": 8,
    })
    assert updated["priority"] == "highest" and updated["labels"] == ["security"] and updated["story_points"] == 8
    assert updated["summary"] == issue["summary"] and updated["updated_at"] == _world(ep)["now"]
    renamed = ok(ep, "update_issue", {"issue_key": issue["issue_key"], "summary": "New title", "labels": []})
    assert renamed["labels"] == [] and _issue(ep, issue["issue_key"])["summary"] == "New title"


def test_update_issue_failures_leave_the_world_unchanged(ep: Episode):
    sprint = _sprint(ep, "WEB", "active")
    slack = sprint["capacity_points"] - sprint["committed_points"]
    small = next(
        i for i in _issues(ep, sprint_id=sprint["sprint_id"]) if i["type"] != "subtask" and i["story_points"] <= 3
    )
    too_big = next(v for v in (5, 8, 13, 21) if v > small["story_points"] + slack)
    raise_points = {"issue_key": small["issue_key"], "story_points": too_big}
    fails(ep, "update_issue", raise_points, "over capacity", sprint["sprint_id"])
    fails(ep, "update_issue", {"issue_key": small["issue_key"]}, "Nothing to change")
    fails(ep, "update_issue", {"issue_key": small["issue_key"], "story_points": 7}, "story-point scale")
    fails(ep, "update_issue", {"issue_key": small["issue_key"], "summary": "  "}, "blank")
    sub = _issues(ep, type="subtask")[0]["issue_key"]
    fails(ep, "update_issue", {"issue_key": sub, "story_points": 1}, "no story points")
    fails(ep, "update_issue", {"issue_key": "WEB-9999", "priority": "low"}, "Unknown issue")


def test_transition_issue_walks_the_workflow_and_reopens(ep: Episode):
    issue = _plain_open_issue(ep, "WEB")
    key = issue["issue_key"]
    if issue["assignee_id"] is None:
        ok(ep, "assign_issue", {"issue_key": key, "assignee_id": "salvarez"})
    assert ok(ep, "transition_issue", {"issue_key": key, "status": "in_progress"})["status"] == "in_progress"
    assert _issue(ep, key)["allowed_transitions"] == ["open", "in_review"]
    ok(ep, "transition_issue", {"issue_key": key, "status": "in_review"})
    done = ok(ep, "transition_issue", {"issue_key": key, "status": "done"})
    assert done["status"] == "done" and done["resolution"] == ("fixed" if issue["type"] == "bug" else "done")
    reopened = ok(ep, "transition_issue", {"issue_key": key, "status": "open"})
    assert reopened["resolution"] is None and _issue(ep, key)["status"] == "open"


def test_transition_issue_closes_open_issues_only_as_duplicate_or_wont_do(ep: Episode):
    blocked = next(
        i for i in _issues(ep, status="open")
        if _issue(ep, i["issue_key"])["unresolved_blocker_keys"] and not _issues(ep, parent_key=i["issue_key"])
    )
    fails(ep, "transition_issue", {"issue_key": blocked["issue_key"], "status": "done"}, "duplicate or wont_do")
    closed = ok(ep, "transition_issue", {"issue_key": blocked["issue_key"], "status": "done", "resolution": "wont_do"})
    assert closed["resolution"] == "wont_do"


def test_lightweight_workflow_has_no_review_step(ep: Episode):
    issue = next(
        i for i in _issues(ep, project_key="OPS", status="in_progress")
        if i["type"] != "epic" and not _issue(ep, i["issue_key"])["unresolved_blocker_keys"]
        and all(s["status"] == "done" for s in _issues(ep, parent_key=i["issue_key"]))
    )
    fails(ep, "transition_issue", {"issue_key": issue["issue_key"], "status": "in_review"}, "cannot move", "open, done")
    assert ok(ep, "transition_issue", {"issue_key": issue["issue_key"], "status": "done"})["resolution"] == "done"


def test_transition_issue_failures_leave_the_world_unchanged(ep: Episode):
    with_subtask = next(
        i for i in _issues(ep, status="in_review")
        if any(s["status"] != "done" for s in _issues(ep, parent_key=i["issue_key"]))
    )
    open_sub = next(s for s in _issues(ep, parent_key=with_subtask["issue_key"]) if s["status"] != "done")
    fails(ep, "transition_issue", {"issue_key": with_subtask["issue_key"], "status": "done"},
          "subtasks that are not done", open_sub["issue_key"])
    blocked = next(
        i for i in _issues(ep, status="in_review")
        if _issue(ep, i["issue_key"])["unresolved_blocker_keys"] and not _issues(ep, parent_key=i["issue_key"])
    )
    blocker = _issue(ep, blocked["issue_key"])["unresolved_blocker_keys"][0]
    fails(ep, "transition_issue", {"issue_key": blocked["issue_key"], "status": "done"}, "blocked by", blocker)
    open_issue = _plain_open_issue(ep, "WEB")
    fails(ep, "transition_issue", {"issue_key": open_issue["issue_key"], "status": "in_review"},
          "cannot move from open to in_review", "in_progress, done")
    fails(ep, "transition_issue", {"issue_key": open_issue["issue_key"], "status": "open"}, "already open")
    start_fixed = {"issue_key": open_issue["issue_key"], "status": "in_progress", "resolution": "fixed"}
    fails(ep, "transition_issue", start_fixed, "only given when moving an issue to done")
    unassigned = _plain_open_issue(ep, "WEB", assignee_id=None)
    fails(ep, "transition_issue", {"issue_key": unassigned["issue_key"], "status": "in_progress"}, "no assignee")
    done = _issues(ep, project_key="WEB", status="done", type="story")[0]
    fails(ep, "transition_issue", {"issue_key": done["issue_key"], "status": "in_progress"}, "cannot move from done")


def test_an_epic_closes_only_when_all_its_issues_are_done(ep: Episode):
    epic = _issues(ep, project_key="WEB", type="epic", status="in_progress")[0]["issue_key"]
    ok(ep, "transition_issue", {"issue_key": epic, "status": "in_review"})
    unfinished = [i["issue_key"] for i in _issues(ep, epic_key=epic) if i["status"] != "done"]
    fails(ep, "transition_issue", {"issue_key": epic, "status": "done"}, "unfinished issues", unfinished[0])


def test_assign_issue_reassigns_and_unassigns(ep: Episode):
    stale = next(i for i in _issues(ep, assignee_id="tokafor") if i["status"] == "open")
    assigned = ok(ep, "assign_issue", {"issue_key": stale["issue_key"], "assignee_id": "hkim"})
    assert assigned["assignee_id"] == "hkim"
    mine = ok(ep, "search_tracker_issues", {"assignee_id": "hkim", "project_key": "WEB", "limit": 100})["issues"]
    assert stale["issue_key"] in [i["issue_key"] for i in mine]
    assert ok(ep, "assign_issue", {"issue_key": stale["issue_key"], "assignee_id": None})["assignee_id"] is None


def test_assign_issue_failures_leave_the_world_unchanged(ep: Episode):
    issue = next(i for i in _issues(ep, project_key="WEB", status="in_progress") if i["type"] != "epic")
    key = issue["issue_key"]
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": "jnovak"}, "no role in project WEB",
          "get_tracker_project")
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": "kwatanabe"}, "no role in project WEB")
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": "bcarter"}, "is a viewer in project WEB")
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": "tokafor"}, "deactivated")
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": "nobody"}, "Unknown user", "list_tracker_users")
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": issue["assignee_id"]}, "already assigned")
    fails(ep, "assign_issue", {"issue_key": key, "assignee_id": None}, "needs an assignee")


def test_add_issue_comment_appends_your_comment(ep: Episode):
    key = _issues(ep, project_key="MOB", type="bug")[0]["issue_key"]
    before = len(ok(ep, "list_issue_comments", {"issue_key": key})["comments"])
    comment = ok(ep, "add_issue_comment", {"issue_key": key, "body": " Fixed in build 4.2.1 "})
    assert comment["author_id"] == "dwhitfield" and comment["body"] == "Fixed in build 4.2.1"
    comments = ok(ep, "list_issue_comments", {"issue_key": key})["comments"]
    assert len(comments) == before + 1 and comments[-1]["comment_id"] == comment["comment_id"]
    assert _issue(ep, key)["comment_count"] == before + 1
    fails(ep, "add_issue_comment", {"issue_key": key, "body": "   "}, "blank")
    fails(ep, "add_issue_comment", {"issue_key": "MOB-9999", "body": "hi"}, "Unknown issue")


def test_link_issues_records_both_directions(ep: Episode):
    first = _plain_open_issue(ep, "WEB")["issue_key"]
    second = _plain_open_issue(ep, "PAY")["issue_key"]
    link = ok(ep, "link_issues", {"issue_key": first, "relation": "is_blocked_by", "other_issue_key": second})
    assert (link["source_key"], link["link_type"], link["target_key"]) == (second, "blocks", first)
    assert _issue(ep, first)["unresolved_blocker_keys"] == [second]
    assert [v["relation"] for v in _issue(ep, second)["links"]] == ["blocks"]
    third = _plain_open_issue(ep, "MOB")["issue_key"]
    related = ok(ep, "link_issues", {"issue_key": third, "relation": "relates_to", "other_issue_key": first})
    assert related["link_type"] == "relates_to"
    assert {v["issue_key"] for v in _issue(ep, first)["links"]} == {second, third}


def test_link_issues_failures_leave_the_world_unchanged(ep: Episode):
    link = next(iter(_world(ep)["links"].values()))
    fails(ep, "link_issues", {"issue_key": link["source_key"], "relation": "relates_to",
                              "other_issue_key": link["source_key"]}, "cannot be linked to itself")
    fails(ep, "link_issues", {"issue_key": link["target_key"], "relation": "relates_to",
                              "other_issue_key": link["source_key"]}, "already linked", link["link_id"])
    done = _issues(ep, project_key="WEB", status="done", type="story")[0]["issue_key"]
    fresh = _plain_open_issue(ep, "WEB")["issue_key"]
    fails(ep, "link_issues", {"issue_key": fresh, "relation": "blocks", "other_issue_key": done}, "already done")
    fails(ep, "link_issues", {"issue_key": fresh, "relation": "blocks", "other_issue_key": "WEB-9999"}, "Unknown issue")


def test_set_issue_epic_moves_an_issue_between_epics(ep: Episode):
    issue = next(i for i in _issues(ep, project_key="PAY", epic_key=None) if i["type"] == "task")
    epic = _issues(ep, project_key="PAY", type="epic", status="in_progress")[0]["issue_key"]
    assert ok(ep, "set_issue_epic", {"issue_key": issue["issue_key"], "epic_key": epic})["epic_key"] == epic
    children = ok(ep, "list_epic_issues", {"epic_key": epic})["issues"]
    assert issue["issue_key"] in [i["issue_key"] for i in children]
    assert ok(ep, "set_issue_epic", {"issue_key": issue["issue_key"], "epic_key": None})["epic_key"] is None


def test_set_issue_epic_failures_leave_the_world_unchanged(ep: Episode):
    issue = next(i for i in _issues(ep, project_key="PAY", epic_key=None) if i["type"] == "task")["issue_key"]
    done_epic = _issues(ep, project_key="PAY", type="epic", status="done")[0]["issue_key"]
    web_epic = _issues(ep, project_key="WEB", type="epic", status="in_progress")[0]["issue_key"]
    sub = _issues(ep, project_key="PAY", type="subtask")[0]["issue_key"]
    fails(ep, "set_issue_epic", {"issue_key": issue, "epic_key": done_epic}, "is done", "transition_issue")
    fails(ep, "set_issue_epic", {"issue_key": issue, "epic_key": web_epic}, "is in project WEB")
    fails(ep, "set_issue_epic", {"issue_key": sub, "epic_key": web_epic}, "only stories, tasks and bugs")
    fails(ep, "set_issue_epic", {"issue_key": issue, "epic_key": None}, "already in no epic")


def test_add_issue_watcher_adds_project_members_only(ep: Episode):
    issue = next(i for i in _issues(ep, project_key="WEB", type="bug") if "bcarter" not in i["watcher_ids"])
    key = issue["issue_key"]
    watched = ok(ep, "add_issue_watcher", {"issue_key": key, "user_id": "bcarter"})
    assert watched["watcher_ids"] == [*issue["watcher_ids"], "bcarter"]
    assert "bcarter" in _issue(ep, key)["watcher_ids"]
    fails(ep, "add_issue_watcher", {"issue_key": key, "user_id": "bcarter"}, "already watches")
    fails(ep, "add_issue_watcher", {"issue_key": key, "user_id": "jnovak"}, "no role in project WEB")
    fails(ep, "add_issue_watcher", {"issue_key": key, "user_id": "tokafor"}, "deactivated")
    fails(ep, "add_issue_watcher", {"issue_key": key, "user_id": "ghost"}, "Unknown user")


# ----- sprints -----


def test_create_sprint_plans_an_empty_sprint(ep: Episode):
    start = (_today(ep) + timedelta(days=30)).isoformat()
    sprint = ok(ep, "create_sprint", {
        "project_key": "PAY", "name": "PAY Hardening", "start_date": start, "capacity_points": 30, "length_days": 10,
        "goal": "Close out incidents",
    })
    assert sprint["state"] == "planned" and sprint["committed_points"] == 0 and sprint["issue_count"] == 0
    assert sprint["end_date"] == (date.fromisoformat(start) + timedelta(days=10)).isoformat()
    planned = ok(ep, "list_tracker_sprints", {"project_key": "PAY", "state": "planned"})["sprints"]
    assert [s["sprint_id"] for s in planned] == [sprint["sprint_id"]]


def test_create_sprint_failures_leave_the_world_unchanged(ep: Episode):
    existing = _sprint(ep, "WEB", "planned")
    start = _today(ep).isoformat()
    base = {"project_key": "WEB", "name": "Next", "start_date": start, "capacity_points": 20}
    fails(ep, "create_sprint", {**base, "start_date": (_today(ep) - timedelta(days=1)).isoformat()}, "in the past")
    fails(ep, "create_sprint", {**base, "start_date": "2026-02-30"}, "not a valid calendar date")
    fails(ep, "create_sprint", {**base, "name": existing["name"].lower()}, "already has a sprint named")
    fails(ep, "create_sprint", {**base, "name": "   "}, "blank")
    fails(ep, "create_sprint", {**base, "project_key": "NOPE"}, "Unknown project")


def test_update_sprint_edits_planned_and_active_sprints(ep: Episode):
    active = _sprint(ep, "MOB", "active")
    new_end = (date.fromisoformat(active["end_date"]) + timedelta(days=3)).isoformat()
    updated = ok(ep, "update_sprint", {
        "sprint_id": active["sprint_id"], "capacity_points": active["capacity_points"] + 10, "end_date": new_end,
        "goal": "Ship offline mode",
    })
    assert updated["capacity_points"] == active["capacity_points"] + 10 and updated["end_date"] == new_end
    assert _sprint(ep, "MOB", "active")["goal"] == "Ship offline mode"
    planned = _sprint(ep, "MOB", "planned")
    assert ok(ep, "update_sprint", {"sprint_id": planned["sprint_id"], "name": "MOB Polish"})["name"] == "MOB Polish"


def test_update_sprint_failures_leave_the_world_unchanged(ep: Episode):
    closed = _sprint(ep, "WEB", "closed")
    active = _sprint(ep, "WEB", "active")
    fails(ep, "update_sprint", {"sprint_id": closed["sprint_id"], "goal": "Rewrite"}, "is closed", "cannot be edited")
    fails(ep, "update_sprint", {"sprint_id": active["sprint_id"], "capacity_points": active["committed_points"] - 1},
          "cannot go below", str(active["committed_points"]))
    fails(ep, "update_sprint", {"sprint_id": active["sprint_id"], "end_date": active["start_date"]}, "must be after")
    fails(ep, "update_sprint", {"sprint_id": active["sprint_id"]}, "Nothing to change")
    fails(ep, "update_sprint", {"sprint_id": active["sprint_id"], "name": closed["name"]}, "already has a sprint named")
    fails(ep, "update_sprint", {"sprint_id": "SPR-9999", "goal": "x"}, "Unknown sprint")


def test_start_sprint_starts_a_planned_sprint_today(ep: Episode):
    planned = _sprint(ep, "OPS", "planned")
    started = ok(ep, "start_sprint", {"sprint_id": planned["sprint_id"]})
    assert started["state"] == "active" and started["start_date"] == _today(ep).isoformat()
    length = date.fromisoformat(planned["end_date"]) - date.fromisoformat(planned["start_date"])
    assert date.fromisoformat(started["end_date"]) - _today(ep) == length
    projects = {p["project_key"]: p for p in ok(ep, "list_tracker_projects")["projects"]}
    assert projects["OPS"]["active_sprint_id"] == planned["sprint_id"]


def test_start_sprint_failures_leave_the_world_unchanged(ep: Episode):
    planned = _sprint(ep, "WEB", "planned")
    active = _sprint(ep, "WEB", "active")
    fails(ep, "start_sprint", {"sprint_id": planned["sprint_id"]}, "already has an active sprint", active["sprint_id"])
    fails(ep, "start_sprint", {"sprint_id": active["sprint_id"]}, "already active")
    fails(ep, "start_sprint", {"sprint_id": _sprint(ep, "WEB", "closed")["sprint_id"]}, "is closed")
    start = (_today(ep) + timedelta(days=20)).isoformat()
    empty = ok(ep, "create_sprint", {"project_key": "OPS", "name": "Empty", "start_date": start, "capacity_points": 5})
    fails(ep, "start_sprint", {"sprint_id": empty["sprint_id"]}, "has no issues", "move_issue_to_sprint")


def test_complete_sprint_closes_it_and_carries_unfinished_work(ep: Episode):
    active = _sprint(ep, "MOB", "active")
    planned = _sprint(ep, "MOB", "planned")
    issues = _issues(ep, sprint_id=active["sprint_id"])
    unfinished = [i for i in issues if i["status"] != "done" and i["type"] != "subtask"]
    needed = planned["committed_points"] + sum(i["story_points"] or 0 for i in unfinished)
    ok(ep, "update_sprint", {"sprint_id": planned["sprint_id"], "capacity_points": needed})
    result = ok(ep, "complete_sprint", {"sprint_id": active["sprint_id"], "move_unfinished_to": planned["sprint_id"]})
    assert result["sprint"]["state"] == "closed" and result["sprint"]["completed_on"] == _today(ep).isoformat()
    assert set(result["moved_issue_keys"]) == {i["issue_key"] for i in unfinished}
    assert result["sprint"]["committed_points"] == result["sprint"]["completed_points"]
    moved_subtasks = [s for s in _issues(ep, type="subtask") if s["parent_key"] in result["moved_issue_keys"]]
    assert moved_subtasks and all(s["sprint_id"] == planned["sprint_id"] for s in moved_subtasks)
    assert ok(ep, "get_sprint_report", {"sprint_id": planned["sprint_id"]})["sprint"]["committed_points"] == needed
    assert ok(ep, "start_sprint", {"sprint_id": planned["sprint_id"]})["state"] == "active"


def test_complete_sprint_can_send_unfinished_work_to_the_backlog(ep: Episode):
    active = _sprint(ep, "PAY", "active")
    result = ok(ep, "complete_sprint", {"sprint_id": active["sprint_id"]})
    assert result["moved_to_sprint_id"] is None and result["moved_issue_keys"]
    backlog = ok(ep, "search_tracker_issues", {"project_key": "PAY", "backlog_only": True, "limit": 200})["issues"]
    assert set(result["moved_issue_keys"]) <= {i["issue_key"] for i in backlog}


def test_complete_sprint_failures_leave_the_world_unchanged(ep: Episode):
    active = _sprint(ep, "WEB", "active")
    planned = _sprint(ep, "WEB", "planned")
    fails(ep, "complete_sprint", {"sprint_id": planned["sprint_id"]}, "only the active sprint")
    fails(ep, "complete_sprint", {"sprint_id": active["sprint_id"], "move_unfinished_to": planned["sprint_id"]},
          "over capacity", planned["sprint_id"])
    elsewhere = _sprint(ep, "MOB", "planned")["sprint_id"]
    fails(ep, "complete_sprint", {"sprint_id": active["sprint_id"], "move_unfinished_to": elsewhere},
          "belongs to project MOB")
    fails(ep, "complete_sprint", {"sprint_id": active["sprint_id"], "move_unfinished_to": active["sprint_id"]},
          "only go to a planned sprint")


def test_move_issue_to_sprint_moves_an_issue_and_its_subtasks(ep: Episode):
    planned = _sprint(ep, "WEB", "planned")
    slack = planned["capacity_points"] - planned["committed_points"]
    issue = next(i for i in _issues(ep, project_key="WEB", status="open", sprint_id=None)
                 if i["type"] != "epic" and (i["story_points"] or 0) <= slack)
    moved = ok(ep, "move_issue_to_sprint", {"issue_key": issue["issue_key"], "sprint_id": planned["sprint_id"]})
    assert moved["from_sprint_id"] is None and moved["issue"]["sprint_id"] == planned["sprint_id"]
    assert moved["sprint"]["committed_points"] == planned["committed_points"] + (issue["story_points"] or 0)
    parent = next(
        i for i in _issues(ep, project_key="WEB", status="in_review") if _issues(ep, parent_key=i["issue_key"])
    )
    back = ok(ep, "move_issue_to_sprint", {"issue_key": parent["issue_key"], "sprint_id": None})
    assert back["sprint"] is None and back["from_sprint_id"] == parent["sprint_id"]
    assert set(back["moved_subtask_keys"]) == {s["issue_key"] for s in _issues(ep, parent_key=parent["issue_key"])}
    assert all(s["sprint_id"] is None for s in _issues(ep, parent_key=parent["issue_key"]))


def test_move_issue_to_sprint_failures_leave_the_world_unchanged(ep: Episode):
    active = _sprint(ep, "WEB", "active")
    slack = active["capacity_points"] - active["committed_points"]
    big = next(i for i in _issues(ep, project_key="WEB", status="open", sprint_id=None)
               if i["type"] != "epic" and (i["story_points"] or 0) > slack)
    fails(ep, "move_issue_to_sprint", {"issue_key": big["issue_key"], "sprint_id": active["sprint_id"]},
          "over capacity", f"{active['committed_points']} of {active['capacity_points']}")
    mobile = _sprint(ep, "MOB", "active")["sprint_id"]
    fails(ep, "move_issue_to_sprint", {"issue_key": big["issue_key"], "sprint_id": mobile},
          "belongs to project WEB", "list_tracker_sprints")
    closed = _sprint(ep, "WEB", "closed")["sprint_id"]
    fails(ep, "move_issue_to_sprint", {"issue_key": big["issue_key"], "sprint_id": closed},
          "closed", "cannot take new issues")
    fails(ep, "move_issue_to_sprint", {"issue_key": big["issue_key"], "sprint_id": None}, "already in the backlog")
    epic = _issues(ep, project_key="WEB", type="epic")[0]["issue_key"]
    fails(ep, "move_issue_to_sprint", {"issue_key": epic, "sprint_id": active["sprint_id"]}, "is an epic")
    sub = _issues(ep, project_key="WEB", type="subtask")[0]
    fails(ep, "move_issue_to_sprint", {"issue_key": sub["issue_key"], "sprint_id": None}, "subtask", sub["parent_key"])
    done = next(i for i in _issues(ep, project_key="WEB", status="done") if i["type"] == "story")
    fails(ep, "move_issue_to_sprint", {"issue_key": done["issue_key"], "sprint_id": active["sprint_id"]}, "is done")
    fails(ep, "move_issue_to_sprint", {"issue_key": big["issue_key"], "sprint_id": "SPR-9999"}, "Unknown sprint")


# ----- arguments, scenario, world -----


def test_malformed_arguments_are_rejected_before_the_tool_runs(ep: Episode):
    before = ep.state_hash()
    key = _issues(ep, type="story")[0]["issue_key"]
    assert ep.call("update_issue", {"issue_key": key, "story_points": "5"}).status == "invalid_arguments"
    assert ep.call("transition_issue", {"issue_key": key, "status": "closed"}).status == "invalid_arguments"
    bad_label = {"project_key": "WEB", "issue_type": "task", "summary": "x", "labels": ["Has Space"]}
    assert ep.call("create_issue", bad_label).status == "invalid_arguments"
    assert ep.call("get_issue", {"issue_key": key, "extra": 1}).status == "invalid_arguments"
    bad_date = {"project_key": "WEB", "name": "x", "start_date": "soon", "capacity_points": 5}
    assert ep.call("create_sprint", bad_date).status == "invalid_arguments"
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Plan a new OPS sprint, file a task into it, assign, start the sprint and the work, link and comment."""
    project = next(p for p in ok(ep, "list_tracker_projects")["projects"] if p["project_key"] == "OPS")
    members = ok(ep, "get_tracker_project", {"project_key": project["project_key"]})["members"]
    developer = next(m["user_id"] for m in members if m["role"] == "developer" and m["active"])
    old = ok(ep, "list_tracker_sprints", {"project_key": "OPS", "state": "planned"})["sprints"][0]
    start = datetime.fromisoformat(_world(ep)["now"]).date().isoformat()
    plan = {"project_key": "OPS", "name": "OPS Hotfix", "start_date": start, "capacity_points": 8}
    sprint = ok(ep, "create_sprint", plan)
    issue = ok(ep, "create_issue", {
        "project_key": "OPS", "issue_type": "task", "summary": "Rotate leaked deploy key", "story_points": 3,
        "priority": "highest", "labels": ["security"],
    })
    ok(ep, "assign_issue", {"issue_key": issue["issue_key"], "assignee_id": developer})
    ok(ep, "move_issue_to_sprint", {"issue_key": issue["issue_key"], "sprint_id": sprint["sprint_id"]})
    ok(ep, "start_sprint", {"sprint_id": sprint["sprint_id"]})
    ok(ep, "transition_issue", {"issue_key": issue["issue_key"], "status": "in_progress"})
    search = {"project_key": "OPS", "issue_type": "task", "unresolved_only": True, "order_by": "priority"}
    related = next(i for i in ok(ep, "search_tracker_issues", search)["issues"] if i["issue_key"] != issue["issue_key"])
    link = {"issue_key": issue["issue_key"], "relation": "relates_to", "other_issue_key": related["issue_key"]}
    ok(ep, "link_issues", link)
    ok(ep, "add_issue_comment", {"issue_key": issue["issue_key"], "body": "Key revoked, rolling out the new one."})
    return {"sprint_id": sprint["sprint_id"], "issue_key": issue["issue_key"], "developer": developer,
            "related": related["issue_key"], "old_sprint_id": old["sprint_id"]}


def test_multi_step_scenario_replays_to_the_same_changed_state():
    first, second = Episode.open([SERVER], seed=0), Episode.open([SERVER], seed=0)
    untouched = first.state_hash()
    ids = _scenario(first)
    assert _scenario(second) == ids
    assert first.state_hash() == second.state_hash() != untouched

    issue = _issue(first, ids["issue_key"])
    assert issue["status"] == "in_progress" and issue["assignee_id"] == ids["developer"]
    assert issue["sprint_id"] == ids["sprint_id"] and issue["comment_count"] == 1
    assert [(v["relation"], v["issue_key"]) for v in issue["links"]] == [("relates_to", ids["related"])]
    report = ok(first, "get_sprint_report", {"sprint_id": ids["sprint_id"]})
    assert report["sprint"]["state"] == "active" and report["sprint"]["committed_points"] == 3
    assert report["status_counts"] == {"in_progress": 1}
    fails(first, "start_sprint", {"sprint_id": ids["old_sprint_id"]}, "already has an active sprint", ids["sprint_id"])


def test_new_world_is_deterministic_per_seed():
    hashes = {seed: {Episode.open([SERVER], seed=seed).state_hash() for _ in range(2)} for seed in (0, 1)}
    assert len(hashes[0]) == len(hashes[1]) == 1 and hashes[0] != hashes[1]
    query = {"project_key": "WEB", "limit": 100}
    results = [Episode.open([SERVER], seed=4).call("search_tracker_issues", query).content for _ in range(2)]
    assert results[0] == results[1]
    assert len(IssueTrackerWorld.new_world(0).canonical_json()) < 150_000


def test_default_world_is_large_and_varied(ep: Episode):
    world = _world(ep)
    assert len(world["projects"]) == 4
    assert len(world["users"]) >= 20
    assert 220 <= len(world["issues"]) <= 280
    assert len(world["sprints"]) == 10
    assert len(world["comments"]) >= 60 and len(world["links"]) >= 30
    issues = world["issues"].values()
    assert {i["type"] for i in issues} == {"epic", "story", "task", "bug", "subtask"}
    assert {i["status"] for i in issues} == {"open", "in_progress", "in_review", "done"}
    assert {i["resolution"] for i in issues} >= {None, "fixed", "done", "duplicate"}
    assert {s["state"] for s in world["sprints"].values()} == {"planned", "active", "closed"}
    assert any(not u["active"] for u in world["users"].values())
    assert any(not u["roles"] for u in world["users"].values())
