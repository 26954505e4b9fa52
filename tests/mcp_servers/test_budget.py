"""Behaviour of the budget server, through the public Episode API.

Test data is discovered in the seed-0 world through the discovery tools (and `Episode.snapshot()` where a test needs
an entity no tool filters for, such as a former member).
"""

from datetime import date, datetime, timedelta
from typing import Any

from mcp_servers import Episode
from mcp_servers.budget.world import BudgetWorld
from tests.helpers import fails, ok, open_server, world_of

SERVER = "budget"


def _today(ep: Episode) -> date:
    return datetime.fromisoformat(world_of(ep)["now"]).date()


def _periods(ep: Episode) -> dict[str, Any]:
    return ok(ep, "list_budget_periods")


def _open_and_closed(ep: Episode) -> tuple[str, str, str]:
    """The current period, the previous (still open) one and the newest closed one."""
    listing = _periods(ep)
    current = listing["current_period_id"]
    open_ids = [p["period_id"] for p in listing["periods"] if p["status"] == "open"]
    closed_ids = [p["period_id"] for p in listing["periods"] if p["status"] == "closed"]
    previous = next(p for p in open_ids if p != current)
    return current, previous, closed_ids[-1]


def _line(ep: Episode, category_id: str, period: str = "") -> dict[str, Any]:
    return ok(ep, "get_budget_summary", {"period": period, "category_id": category_id})["categories"][0]


def _members(ep: Episode, role: str) -> list[str]:
    return [m["member_id"] for m in ok(ep, "list_budget_members", {"role": role})["members"]]


def _leaves(ep: Episode) -> list[dict[str, Any]]:
    return [c for c in ok(ep, "list_budget_categories")["categories"] if not c["is_group"]]


def _roomy(ep: Episode, period: str = "", least: float = 200.0, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A category with at least `least` USD left in the period."""
    lines = ok(ep, "get_budget_summary", {"period": period})["categories"]
    return next(line for line in lines if line["remaining"] >= least and line["category_id"] not in skip)


def _pending(ep: Episode, period: str, roles: tuple[str, ...] = ("member",)) -> dict[str, Any]:
    """A pending expense of `period` submitted by a member with one of `roles`."""
    submitters = {m for role in roles for m in _members(ep, role)}
    expenses = ok(ep, "list_expenses", {"period": period, "status": "pending", "limit": 1000})["expenses"]
    return next(e for e in expenses if e["member_id"] in submitters)


def _approved(ep: Episode, period: str, least: float = 20.0) -> dict[str, Any]:
    expenses = ok(ep, "list_expenses", {"period": period, "status": "approved", "limit": 1000})["expenses"]
    return next(e for e in expenses if e["amount_usd"] >= least and e["currency"] == "USD")


# ----- discovery -----


def test_list_budget_members_filters_by_role_and_hides_former_members():
    ep = open_server(SERVER)
    active = ok(ep, "list_budget_members")["members"]
    everyone = ok(ep, "list_budget_members", {"include_former": True})["members"]
    former = [m for m in everyone if m["status"] == "former"]
    assert former and all(m["status"] == "active" for m in active)
    assert len(everyone) == len(active) + len(former)
    assert [m["role"] for m in ok(ep, "list_budget_members", {"role": "owner"})["members"]] == ["owner"]
    approvers = ok(ep, "list_budget_members", {"role": "approver"})["members"]
    assert len(approvers) >= 2 and {m["role"] for m in approvers} == {"approver"}


def test_list_budget_periods_keeps_the_two_latest_months_open_with_totals_from_the_entries():
    ep = open_server(SERVER)
    listing = _periods(ep)
    periods = listing["periods"]
    assert listing["current_period_id"] == _today(ep).strftime("%Y-%m")
    assert [p["period_id"] for p in periods] == sorted(p["period_id"] for p in periods)
    assert [p["status"] for p in periods[-2:]] == ["open", "open"]
    assert {p["status"] for p in periods[:-2]} == {"closed"}
    assert all(p["pending_expense_count"] == 0 for p in periods[:-2])
    previous = periods[-2]
    summary = ok(ep, "get_budget_summary", {"period": previous["period_id"]})
    assert previous["spent"] == summary["total_spent"] and previous["income"] == summary["income_total"]
    counted = [
        e for e in ok(ep, "list_expenses", {"period": previous["period_id"], "limit": 1000})["expenses"]
        if e["status"] in ("approved", "pending")
    ]
    assert previous["expense_count"] == len(counted)
    assert previous["spent"] == round(sum(e["amount_usd"] for e in counted), 2)


def test_list_budget_categories_lists_groups_and_filters_by_parent_and_name():
    ep = open_server(SERVER)
    categories = ok(ep, "list_budget_categories")["categories"]
    assert 24 <= len(categories) <= 30
    group = next(c for c in categories if c["is_group"])
    inside = ok(ep, "list_budget_categories", {"parent_id": group["category_id"]})["categories"]
    assert [c["category_id"] for c in inside] == group["subcategory_ids"]
    assert all(c["parent_id"] == group["category_id"] and not c["is_group"] for c in inside)
    assert group["monthly_limit"] == round(sum(c["monthly_limit"] for c in inside), 2)
    found = ok(ep, "list_budget_categories", {"name_contains": "COFFEE"})["categories"]
    assert [c["name"] for c in found] == ["Coffee & Snacks"] and found[0]["expense_count"] > 0
    assert any(c["rollover"] for c in categories) and any(len(c["limits"]) > 1 for c in categories)
    fails(ep, "list_budget_categories", {"parent_id": inside[0]["category_id"]}, "not a group")
    fails(ep, "list_budget_categories", {"parent_id": "CAT-9999"}, "Unknown budget category", "list_budget_categories")


def test_get_budget_summary_derives_every_figure_from_limits_moves_and_expenses():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    summary = ok(ep, "get_budget_summary", {"period": previous})
    assert summary["period_status"] == "open"
    for line in summary["categories"]:
        assert line["available"] == round(line["monthly_limit"] + line["carried_in"] + line["moved_net"], 2)
        assert line["remaining"] == round(line["available"] - line["spent"], 2)
    overspent = {line["category_id"] for line in summary["categories"] if line["remaining"] < 0}
    assert set(summary["over_budget_category_ids"]) == overspent
    assert summary["over_budget_category_ids"]
    busy = max(summary["categories"], key=lambda line: line["spent"])
    listed = ok(ep, "list_expenses", {"period": previous, "category_id": busy["category_id"], "limit": 1000})
    counted = [e for e in listed["expenses"] if e["status"] in ("approved", "pending")]
    assert busy["spent"] == round(sum(e["amount_usd"] for e in counted), 2)
    group = summary["groups"][0]
    members = [l for l in summary["categories"] if l["category_id"] in group["subcategory_ids"]]
    assert group["remaining"] == round(sum(l["remaining"] for l in members), 2)
    only_group = ok(ep, "get_budget_summary", {"period": previous, "category_id": group["category_id"]})
    assert [l["category_id"] for l in only_group["categories"]] == group["subcategory_ids"]
    assert sum(i["amount_usd"] for i in summary["income"]) == summary["income_total"] > 0


def test_rollover_categories_carry_what_was_left_into_the_next_period():
    ep = open_server(SERVER)
    current, previous, _ = _open_and_closed(ep)
    lines = ok(ep, "get_budget_summary", {"period": previous})["categories"]
    rolling = next(l for l in lines if l["rollover"] and l["remaining"] > 0)
    assert _line(ep, rolling["category_id"], current)["carried_in"] == rolling["remaining"]
    fixed = next(l for l in lines if not l["rollover"] and l["remaining"] > 0)
    assert _line(ep, fixed["category_id"], current)["carried_in"] == 0


def test_get_budget_summary_refuses_unknown_periods_and_categories():
    ep = open_server(SERVER)
    fails(ep, "get_budget_summary", {"period": "2019-01"}, "no budget period", "list_budget_periods")
    fails(ep, "get_budget_summary", {"period": "2026-13"}, "no budget period")
    fails(ep, "get_budget_summary", {"category_id": "CAT-9999"}, "Unknown budget category")


def test_list_expenses_filters_and_sorts_newest_first():
    ep = open_server(SERVER)
    everything = ok(ep, "list_expenses", {"limit": 1000})
    expenses = everything["expenses"]
    assert everything["total_matched"] == len(expenses) >= 350
    assert [e["spent_on"] for e in expenses] == sorted((e["spent_on"] for e in expenses), reverse=True)
    assert {e["status"] for e in expenses} == {"approved", "pending", "rejected", "split"}
    assert {"EUR", "GBP"} <= {e["currency"] for e in expenses}
    foreign = next(e for e in expenses if e["currency"] == "EUR")
    assert foreign["amount_usd"] == round(foreign["amount"] * 1.08, 2)
    parts = [e for e in expenses if e["split_from"]]
    originals = {e["expense_id"] for e in expenses if e["status"] == "split"}
    assert parts and all(p["split_from"] in originals for p in parts)
    member_id = expenses[0]["member_id"]
    mine = ok(ep, "list_expenses", {"member_id": member_id, "limit": 1000})["expenses"]
    assert mine and {e["member_id"] for e in mine} == {member_id}
    stripe = ok(ep, "list_expenses", {"merchant": "stripe", "limit": 1000})["expenses"]
    assert stripe and {e["merchant"] for e in stripe} == {"Stripe"}
    trips = ok(ep, "list_expenses", {"tag": "TRIP:BERLIN", "limit": 1000})["expenses"]
    assert trips and all("trip:berlin" in e["tags"] for e in trips)
    big = ok(ep, "list_expenses", {"min_amount_usd": 1000, "limit": 1000})
    assert big["expenses"] and all(e["amount_usd"] >= 1000 for e in big["expenses"])
    assert big["total_matched_usd"] == round(sum(e["amount_usd"] for e in big["expenses"]), 2)
    group = next(c for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    grouped = ok(ep, "list_expenses", {"category_id": group["category_id"], "limit": 1000})["expenses"]
    assert grouped and {e["category_id"] for e in grouped} <= set(group["subcategory_ids"])
    limited = ok(ep, "list_expenses", {"limit": 3})
    assert len(limited["expenses"]) == 3 and limited["total_matched"] == len(expenses)
    fails(ep, "list_expenses", {"member_id": "MEM-9999"}, "Unknown budget member", "list_budget_members")
    fails(ep, "list_expenses", {"category_id": "CAT-9999"}, "Unknown budget category")
    fails(ep, "list_expenses", {"period": "2001-01"}, "no budget period")


# ----- recording expenses -----


def test_record_expense_counts_against_the_category_and_large_ones_wait_for_approval():
    ep = open_server(SERVER)
    member_id = _members(ep, "member")[0]
    line = _roomy(ep, least=300)
    base = {"member_id": member_id, "category_id": line["category_id"], "merchant": "Corner Store"}
    small = ok(ep, "record_expense", {**base, "amount": 24.5, "tags": ["Offsite", "offsite "], "note": "Snacks"})
    assert small["expense"]["status"] == "approved" and small["expense"]["reviewer_id"] is None
    assert small["expense"]["tags"] == ["offsite"] and small["expense"]["spent_on"] == _today(ep).isoformat()
    assert small["budget"]["remaining"] == round(line["remaining"] - 24.5, 2)
    large = ok(ep, "record_expense", {**base, "amount": 100.0, "currency": "eur", "payment_method": "personal_card"})
    assert large["expense"]["status"] == "pending" and large["expense"]["currency"] == "EUR"
    assert large["expense"]["amount_usd"] == 108.0
    after = _line(ep, line["category_id"])
    assert after["spent"] == round(line["spent"] + 24.5 + 108.0, 2)
    assert after["pending"] == round(line["pending"] + 108.0, 2)
    listed = ok(ep, "list_expenses", {"category_id": line["category_id"], "limit": 2})["expenses"]
    assert {e["expense_id"] for e in listed} == {small["expense"]["expense_id"], large["expense"]["expense_id"]}


def test_record_expense_in_the_previous_open_period_uses_that_periods_budget():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    line = _roomy(ep, previous, least=50)
    day = f"{previous}-15"
    receipt = ok(ep, "record_expense", {"member_id": _members(ep, "member")[0], "category_id": line["category_id"],
                                        "amount": 20.0, "merchant": "Late receipt", "spent_on": day})
    assert receipt["expense"]["period_id"] == previous
    assert receipt["budget"]["remaining"] == round(line["remaining"] - 20.0, 2)


def test_record_expense_over_budget_is_refused_unless_allowed_and_then_tagged():
    ep = open_server(SERVER)
    line = _roomy(ep, least=1)
    args = {"member_id": _members(ep, "member")[0], "category_id": line["category_id"], "merchant": "Big Vendor",
            "amount": round(line["remaining"] + 50, 2)}
    fails(ep, "record_expense", args, "Over budget", line["category_id"], "allow_over_budget", "move_budget_funds")
    receipt = ok(ep, "record_expense", {**args, "allow_over_budget": True})
    assert "over-budget" in receipt["expense"]["tags"]
    assert receipt["budget"]["remaining"] == -50.0
    assert line["category_id"] in ok(ep, "get_budget_summary")["over_budget_category_ids"]
    tagged = ok(ep, "list_expenses", {"tag": "over-budget"})["expenses"]
    assert receipt["expense"]["expense_id"] in [e["expense_id"] for e in tagged]


def test_record_expense_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, _, closed = _open_and_closed(ep)
    member_id = _members(ep, "member")[0]
    line = _roomy(ep, least=50)
    base = {"member_id": member_id, "category_id": line["category_id"], "merchant": "Shop", "amount": 10.0}
    fails(ep, "record_expense", {**base, "spent_on": f"{closed}-10"}, "closed", closed, "open periods")
    fails(ep, "record_expense", {**base, "category_id": "CAT-9999"}, "Unknown budget category", "list_budget_")
    group = next(c for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    fails(ep, "record_expense", {**base, "category_id": group["category_id"]}, "a group", group["subcategory_ids"][0])
    fails(ep, "record_expense", {**base, "currency": "JPY"}, "not supported", "USD, EUR, GBP, CAD")
    tomorrow = (_today(ep) + timedelta(days=1)).isoformat()
    fails(ep, "record_expense", {**base, "spent_on": tomorrow}, "in the future")
    fails(ep, "record_expense", {**base, "spent_on": "2026-02-30"}, "not a calendar date")
    fails(ep, "record_expense", {**base, "spent_on": "2020-05-01"}, "no budget period 2020-05")
    fails(ep, "record_expense", {**base, "merchant": "   "}, "merchant", "blank")
    former = next(m for m in world_of(ep)["members"].values() if m["status"] == "former")
    fails(ep, "record_expense", {**base, "member_id": former["member_id"]}, "has left the team")
    fails(ep, "record_expense", {**base, "member_id": "MEM-9999"}, "Unknown budget member")


# ----- review -----


def test_approve_expense_settles_a_pending_expense():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    expense = _pending(ep, previous)
    approver = _members(ep, "approver")[0]
    approved = ok(ep, "approve_expense", {"expense_id": expense["expense_id"], "approver_id": approver})
    assert approved["status"] == "approved" and approved["reviewer_id"] == approver
    listed = ok(ep, "list_expenses", {"period": previous, "status": "approved", "limit": 1000})["expenses"]
    assert expense["expense_id"] in [e["expense_id"] for e in listed]
    line = _line(ep, expense["category_id"], previous)
    before = _line(open_server(SERVER), expense["category_id"], previous)
    assert line["spent"] == before["spent"]
    assert line["pending"] == round(before["pending"] - expense["amount_usd"], 2)


def test_approve_expense_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    expense = _pending(ep, previous)
    tool = "approve_expense"
    fails(ep, tool, {"expense_id": expense["expense_id"], "approver_id": expense["member_id"]}, "own expense")
    other_member = next(m for m in _members(ep, "member") if m != expense["member_id"])
    fails(ep, tool, {"expense_id": expense["expense_id"], "approver_id": other_member}, "cannot approve", "approvers")
    approver = _members(ep, "approver")[0]
    done = _approved(ep, previous, least=100)
    fails(ep, tool, {"expense_id": done["expense_id"], "approver_id": approver}, "already approved")
    fails(ep, tool, {"expense_id": "EXP-9999", "approver_id": approver}, "Unknown expense", "list_expenses")
    fails(ep, tool, {"expense_id": expense["expense_id"], "approver_id": "MEM-9999"}, "Unknown budget member")
    former = next(m for m in world_of(ep)["members"].values() if m["status"] == "former")
    fails(ep, tool, {"expense_id": expense["expense_id"], "approver_id": former["member_id"]}, "has left")


def test_an_approvers_own_expense_needs_another_approver():
    ep = open_server(SERVER)
    owner = _members(ep, "owner")[0]
    line = _roomy(ep, least=300)
    mine = ok(ep, "record_expense", {"member_id": owner, "category_id": line["category_id"], "amount": 150.0,
                                     "merchant": "Team offsite venue"})["expense"]
    fails(ep, "approve_expense", {"expense_id": mine["expense_id"], "approver_id": owner}, "own expense",
          _members(ep, "approver")[0])
    ok(ep, "approve_expense", {"expense_id": mine["expense_id"], "approver_id": _members(ep, "approver")[0]})


def test_reject_expense_frees_the_budget_it_held():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    expense = _pending(ep, previous)
    before = _line(ep, expense["category_id"], previous)
    approver = _members(ep, "approver")[1]
    rejected = ok(ep, "reject_expense", {"expense_id": expense["expense_id"], "approver_id": approver,
                                         "reason": "  Missing   receipt "})
    assert rejected["status"] == "rejected" and rejected["review_note"] == "Missing receipt"
    after = _line(ep, expense["category_id"], previous)
    assert after["spent"] == round(before["spent"] - expense["amount_usd"], 2)
    assert after["remaining"] == round(before["remaining"] + expense["amount_usd"], 2)


def test_reject_expense_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    expense = _pending(ep, previous)
    approver = _members(ep, "approver")[0]
    base = {"expense_id": expense["expense_id"], "approver_id": approver, "reason": "Duplicate"}
    fails(ep, "reject_expense", {**base, "reason": "   "}, "reason", "blank")
    fails(ep, "reject_expense", {**base, "approver_id": expense["member_id"]}, "own expense")
    small = next(e for e in ok(ep, "list_expenses", {"status": "approved", "limit": 1000})["expenses"]
                 if e["reviewer_id"] is None)
    fails(ep, "reject_expense", {**base, "expense_id": small["expense_id"]}, "already approved", "automatically")


# ----- recategorize and split -----


def test_recategorize_expense_moves_its_amount_between_categories():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    expense = _approved(ep, previous)
    target = _roomy(ep, previous, least=expense["amount_usd"] + 1, skip=(expense["category_id"],))
    old_before = _line(ep, expense["category_id"], previous)
    args = {"expense_id": expense["expense_id"], "category_id": target["category_id"]}
    receipt = ok(ep, "recategorize_expense", args)
    assert receipt["expense"]["category_id"] == target["category_id"]
    assert receipt["budget"]["spent"] == round(target["spent"] + expense["amount_usd"], 2)
    assert _line(ep, expense["category_id"], previous)["spent"] == round(old_before["spent"] - expense["amount_usd"], 2)


def test_recategorize_expense_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, previous, closed = _open_and_closed(ep)
    tool = "recategorize_expense"
    expense = _approved(ep, previous)
    other = _roomy(ep, previous, least=1, skip=(expense["category_id"],))
    fails(ep, tool, {"expense_id": expense["expense_id"], "category_id": expense["category_id"]}, "already in")
    old = _approved(ep, closed)
    target = next(c["category_id"] for c in _leaves(ep) if c["category_id"] != old["category_id"])
    fails(ep, tool, {"expense_id": old["expense_id"], "category_id": target}, "closed", closed)
    tight = next(l for l in ok(ep, "get_budget_summary", {"period": previous})["categories"]
                 if l["remaining"] < expense["amount_usd"] and l["category_id"] != expense["category_id"])
    fails(ep, tool, {"expense_id": expense["expense_id"], "category_id": tight["category_id"]}, "Over budget")
    rejected = ok(ep, "list_expenses", {"status": "rejected"})["expenses"][0]
    fails(ep, tool, {"expense_id": rejected["expense_id"], "category_id": other["category_id"]}, "was rejected")
    split = ok(ep, "list_expenses", {"status": "split"})["expenses"][0]
    fails(ep, tool, {"expense_id": split["expense_id"], "category_id": other["category_id"]}, "already split")
    fails(ep, tool, {"expense_id": "EXP-9999", "category_id": other["category_id"]}, "Unknown expense")


def test_recategorize_and_split_may_go_over_budget_when_allowed_and_are_then_tagged():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    overspent = ok(ep, "get_budget_summary", {"period": previous})["over_budget_category_ids"]
    approved = ok(ep, "list_expenses", {"period": previous, "status": "approved", "limit": 1000})["expenses"]
    moved, halved = [e for e in approved if e["category_id"] not in overspent and e["amount"] >= 2][:2]
    receipt = ok(ep, "recategorize_expense", {"expense_id": moved["expense_id"], "category_id": overspent[0],
                                              "allow_over_budget": True})
    assert "over-budget" in receipt["expense"]["tags"] and receipt["budget"]["remaining"] < 0
    half = round(halved["amount"] / 2, 2)
    parts = ok(ep, "split_expense", {"expense_id": halved["expense_id"],
                                     "category_ids": [halved["category_id"], overspent[0]],
                                     "amounts": [half, round(halved["amount"] - half, 2)],
                                     "allow_over_budget": True})["parts"]
    assert ["over-budget" in p["tags"] for p in parts] == [False, True]


def test_split_expense_replaces_it_with_parts_in_each_category():
    ep = open_server(SERVER)
    _, previous, _ = _open_and_closed(ep)
    expense = _approved(ep, previous, least=40)
    other = _roomy(ep, previous, least=expense["amount_usd"], skip=(expense["category_id"],))
    first = round(expense["amount"] * 0.3, 2)
    second = round(expense["amount"] - first, 2)
    own_before = _line(ep, expense["category_id"], previous)
    result = ok(ep, "split_expense", {"expense_id": expense["expense_id"],
                                      "category_ids": [expense["category_id"], other["category_id"]],
                                      "amounts": [first, second]})
    assert result["original"]["status"] == "split"
    assert [p["amount"] for p in result["parts"]] == [first, second]
    assert {p["split_from"] for p in result["parts"]} == {expense["expense_id"]}
    assert all(p["status"] == "approved" and p["merchant"] == expense["merchant"] for p in result["parts"])
    assert _line(ep, expense["category_id"], previous)["spent"] == round(own_before["spent"] - second, 2)
    assert _line(ep, other["category_id"], previous)["spent"] == round(other["spent"] + second, 2)
    parts = ok(ep, "list_expenses", {"period": previous, "merchant": expense["merchant"], "limit": 1000})["expenses"]
    assert {p["expense_id"] for p in result["parts"]} <= {e["expense_id"] for e in parts}


def test_split_expense_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, previous, closed = _open_and_closed(ep)
    expense = _approved(ep, previous, least=40)
    other = _roomy(ep, previous, least=expense["amount_usd"], skip=(expense["category_id"],))
    cats = [expense["category_id"], other["category_id"]]
    half = round(expense["amount"] / 2, 2)
    base = {"expense_id": expense["expense_id"], "category_ids": cats}
    fails(ep, "split_expense", {**base, "amounts": [half, half + 1]}, "add up to", "must match")
    fails(ep, "split_expense", {**base, "amounts": [half, half, 1.0]}, "one amount per category")
    rest = round(expense["amount"] - half, 2)
    fails(ep, "split_expense", {**base, "category_ids": [cats[0], cats[0]], "amounts": [half, rest]}, "only once")
    group = next(c["category_id"] for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    fails(ep, "split_expense", {**base, "category_ids": [cats[0], group], "amounts": [half, rest]}, "is a group")
    tight = next(l for l in ok(ep, "get_budget_summary", {"period": previous})["categories"]
                 if l["remaining"] < rest and l["category_id"] != expense["category_id"])
    fails(ep, "split_expense", {**base, "category_ids": [cats[0], tight["category_id"]], "amounts": [half, rest]},
          "Over budget", tight["category_id"])
    old = _approved(ep, closed, least=40)
    target = next(c["category_id"] for c in _leaves(ep) if c["category_id"] != old["category_id"])
    old_half = round(old["amount"] / 2, 2)
    fails(ep, "split_expense", {"expense_id": old["expense_id"], "category_ids": [old["category_id"], target],
                                "amounts": [old_half, round(old["amount"] - old_half, 2)]}, "closed")
    split = ok(ep, "list_expenses", {"status": "split"})["expenses"][0]
    fails(ep, "split_expense", {"expense_id": split["expense_id"], "category_ids": cats, "amounts": [1.0, 1.0]},
          "already split")


# ----- budget setup -----


def test_move_budget_funds_shifts_remaining_money_between_categories():
    ep = open_server(SERVER)
    source = _roomy(ep, least=300)
    target = _roomy(ep, least=0, skip=(source["category_id"],))
    receipt = ok(ep, "move_budget_funds", {"from_category_id": source["category_id"],
                                           "to_category_id": target["category_id"], "amount": 125.5,
                                           "note": "Cover the offsite"})
    assert receipt["move"]["period_id"] == _periods(ep)["current_period_id"]
    assert receipt["source"]["remaining"] == round(source["remaining"] - 125.5, 2)
    assert receipt["target"]["available"] == round(target["available"] + 125.5, 2)
    assert _line(ep, target["category_id"])["moved_net"] == round(target["moved_net"] + 125.5, 2)


def test_move_budget_funds_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, previous, closed = _open_and_closed(ep)
    source = _roomy(ep, least=300)
    target = _roomy(ep, least=0, skip=(source["category_id"],))
    base = {"from_category_id": source["category_id"], "to_category_id": target["category_id"], "amount": 10.0}
    fails(ep, "move_budget_funds", {**base, "amount": round(source["remaining"] + 0.01, 2)}, "Cannot move",
          f"{source['remaining']:,.2f} USD left")
    overspent = ok(ep, "get_budget_summary", {"period": previous})["over_budget_category_ids"][0]
    fails(ep, "move_budget_funds", {**base, "from_category_id": overspent, "period": previous}, "has nothing")
    fails(ep, "move_budget_funds", {**base, "to_category_id": source["category_id"]}, "same")
    fails(ep, "move_budget_funds", {**base, "period": closed}, "closed", "moving funds")
    fails(ep, "move_budget_funds", {**base, "period": "2030-01"}, "no budget period")
    group = next(c["category_id"] for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    fails(ep, "move_budget_funds", {**base, "to_category_id": group}, "is a group")


def test_set_budget_limit_applies_from_the_current_period_onward():
    ep = open_server(SERVER)
    current, previous, _ = _open_and_closed(ep)
    category = next(c for c in _leaves(ep) if not c["rollover"] and c["monthly_limit"] > 0)
    old_previous = _line(ep, category["category_id"], previous)
    receipt = ok(ep, "set_budget_limit", {"category_id": category["category_id"], "monthly_limit": 1234.5,
                                          "rollover": "on"})
    assert receipt["limits"][-1] == {"from_period": current, "monthly_limit": 1234.5, "rollover": True}
    assert receipt["budget"]["monthly_limit"] == 1234.5 and receipt["budget"]["rollover"] is True
    assert _line(ep, category["category_id"], previous) == old_previous
    listed = ok(ep, "list_budget_categories", {"name_contains": category["name"]})["categories"][0]
    assert listed["monthly_limit"] == 1234.5 and listed["rollover"] is True
    again = ok(ep, "set_budget_limit", {"category_id": category["category_id"], "monthly_limit": 900})
    assert len(again["limits"]) == len(receipt["limits"]) and again["limits"][-1]["rollover"] is True


def test_set_budget_limit_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    category = next(c for c in _leaves(ep) if c["monthly_limit"] > 0)
    fails(ep, "set_budget_limit", {"category_id": category["category_id"], "monthly_limit": category["monthly_limit"]},
          "already has a limit")
    group = next(c["category_id"] for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    fails(ep, "set_budget_limit", {"category_id": group, "monthly_limit": 100}, "is a group")
    fails(ep, "set_budget_limit", {"category_id": "CAT-9999", "monthly_limit": 100}, "Unknown budget category")


def test_create_budget_category_adds_a_spendable_category_to_a_group():
    ep = open_server(SERVER)
    group = next(c for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    created = ok(ep, "create_budget_category", {"name": "  Team   Books ", "monthly_limit": 250,
                                                "parent_id": group["category_id"], "rollover": True})
    assert created["name"] == "Team Books" and created["parent_id"] == group["category_id"]
    assert created["expense_count"] == 0 and created["rollover"] is True
    inside = ok(ep, "list_budget_categories", {"parent_id": group["category_id"]})["categories"]
    assert created["category_id"] in [c["category_id"] for c in inside]
    assert _line(ep, created["category_id"])["available"] == 250
    loose = ok(ep, "create_budget_category", {"name": "Petty Cash", "monthly_limit": 0})
    assert loose["parent_id"] is None


def test_create_budget_category_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    existing = _leaves(ep)[0]
    fails(ep, "create_budget_category", {"name": existing["name"].upper(), "monthly_limit": 10}, "already exists",
          existing["category_id"])
    fails(ep, "create_budget_category", {"name": "New", "monthly_limit": 10, "parent_id": existing["category_id"]},
          "not a group", "groups are")
    fails(ep, "create_budget_category", {"name": " ", "monthly_limit": 10}, "blank")
    fails(ep, "create_budget_category", {"name": "New", "monthly_limit": 10, "parent_id": "CAT-9999"}, "Unknown")


def test_delete_budget_category_removes_an_unused_category():
    ep = open_server(SERVER)
    unused = next(c for c in _leaves(ep) if c["expense_count"] == 0)
    gone = ok(ep, "delete_budget_category", {"category_id": unused["category_id"]})
    assert gone["category_id"] == unused["category_id"]
    assert unused["category_id"] not in [c["category_id"] for c in ok(ep, "list_budget_categories")["categories"]]
    fails(ep, "get_budget_summary", {"category_id": unused["category_id"]}, "Unknown budget category")


def test_delete_budget_category_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    used = next(c for c in _leaves(ep) if c["expense_count"] > 0)
    fails(ep, "delete_budget_category", {"category_id": used["category_id"]}, "still has", "expenses",
          "recategorize_expense")
    group = next(c for c in ok(ep, "list_budget_categories")["categories"] if c["is_group"])
    fails(ep, "delete_budget_category", {"category_id": group["category_id"]}, "still holds categories")
    fresh = ok(ep, "create_budget_category", {"name": "Temporary", "monthly_limit": 0})
    donor = _roomy(ep, least=20)
    move = ok(ep, "move_budget_funds", {"from_category_id": donor["category_id"],
                                        "to_category_id": fresh["category_id"], "amount": 20})
    fails(ep, "delete_budget_category", {"category_id": fresh["category_id"]}, "fund moves", move["move"]["move_id"])
    fails(ep, "delete_budget_category", {"category_id": "CAT-9999"}, "Unknown budget category")


def test_record_budget_income_adds_to_the_periods_income():
    ep = open_server(SERVER)
    before = ok(ep, "get_budget_summary")["income_total"]
    receipt = ok(ep, "record_budget_income", {"member_id": _members(ep, "member")[0], "amount": 500,
                                              "currency": "GBP", "source": "Workshop fee"})
    assert receipt["income"]["amount_usd"] == 635.0
    assert receipt["period_income_total"] == round(before + 635.0, 2)
    summary = ok(ep, "get_budget_summary")
    assert summary["income_total"] == receipt["period_income_total"]
    assert receipt["income"]["income_id"] in [i["income_id"] for i in summary["income"]]


def test_record_budget_income_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    _, _, closed = _open_and_closed(ep)
    base = {"member_id": _members(ep, "member")[0], "amount": 100.0, "source": "Grant"}
    fails(ep, "record_budget_income", {**base, "received_on": f"{closed}-02"}, "closed", "recording income")
    fails(ep, "record_budget_income", {**base, "currency": "CHF"}, "not supported")
    fails(ep, "record_budget_income", {**base, "source": "  "}, "blank")
    former = next(m for m in world_of(ep)["members"].values() if m["status"] == "former")
    fails(ep, "record_budget_income", {**base, "member_id": former["member_id"]}, "has left")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    line = _roomy(ep, least=50)
    base = {"member_id": _members(ep, "member")[0], "category_id": line["category_id"], "amount": 5.0,
            "merchant": "Shop"}
    bad = [
        {**base, "amount": "5"},
        {**base, "amount": -5},
        {**base, "amount": float("inf")},
        {**base, "spent_on": "March 3"},
        {**base, "tags": ["x"] * 9},
        {**base, "merchant": "x" * 500},
        {**base, "payment_method": "crypto"},
        {**base, "extra": 1},
    ]
    for args in bad:
        assert ep.call("record_expense", args).status == "invalid_arguments", args
    assert ep.call("split_expense", {"expense_id": "EXP-0001", "category_ids": ["CAT-0002"], "amounts": [1.0]}).status \
        == "invalid_arguments"
    assert ep.call("get_budget_summary", {"period": "2026-3"}).status == "invalid_arguments"
    assert ep.call("list_expenses", {"merchant": "Zoë ../../etc .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Create a category, fund it, spend in it, get it approved, split another expense into it, log income."""
    found = ok(ep, "list_budget_categories", {"name_contains": "people"})["categories"]
    group = next(c for c in found if c["is_group"])
    category = ok(ep, "create_budget_category", {"name": "Offsite", "monthly_limit": 300,
                                                 "parent_id": group["category_id"]})
    donor = _roomy(ep, least=400, skip=(category["category_id"],))
    ok(ep, "move_budget_funds", {"from_category_id": donor["category_id"], "to_category_id": category["category_id"],
                                 "amount": 200, "note": "Offsite venue"})
    member = _members(ep, "member")[0]
    expense = ok(ep, "record_expense", {"member_id": member, "category_id": category["category_id"], "amount": 420,
                                        "merchant": "Lakeside Lodge", "tags": ["offsite"]})["expense"]
    approver = _members(ep, "approver")[0]
    ok(ep, "approve_expense", {"expense_id": expense["expense_id"], "approver_id": approver})
    small = ok(ep, "record_expense", {"member_id": member, "category_id": donor["category_id"], "amount": 60,
                                      "merchant": "Snack run"})["expense"]
    parts = ok(ep, "split_expense", {"expense_id": small["expense_id"],
                                     "category_ids": [donor["category_id"], category["category_id"]],
                                     "amounts": [25, 35]})["parts"]
    income = ok(ep, "record_budget_income", {"member_id": approver, "amount": 80, "source": "Offsite refund"})
    return {
        "category_id": category["category_id"],
        "donor_id": donor["category_id"],
        "expense_id": expense["expense_id"],
        "small_id": small["expense_id"],
        "part_id": parts[1]["expense_id"],
        "income_id": income["income"]["income_id"],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first = open_server(SERVER)
    initial = first.state_hash()
    donor_before = _roomy(first, least=400)
    ids = _scenario(first)
    final = first.state_hash()
    assert final != initial
    replay = open_server(SERVER)
    assert _scenario(replay) == ids
    assert replay.state_hash() == final

    line = _line(first, ids["category_id"])
    assert (line["available"], line["spent"], line["pending"], line["remaining"]) == (500.0, 455.0, 0.0, 45.0)
    donor = _line(first, ids["donor_id"])
    assert donor["category_id"] == donor_before["category_id"]
    assert donor["remaining"] == round(donor_before["remaining"] - 200 - 25, 2)
    expenses = {e["expense_id"]: e for e in ok(first, "list_expenses", {"category_id": ids["category_id"]})["expenses"]}
    assert set(expenses) == {ids["expense_id"], ids["part_id"]}
    assert expenses[ids["expense_id"]]["status"] == "approved"
    assert expenses[ids["part_id"]]["split_from"] == ids["small_id"]
    summary = ok(first, "get_budget_summary")
    assert ids["income_id"] in [i["income_id"] for i in summary["income"]]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=5), Episode.open([SERVER], seed=5)
    assert ok(a, "list_expenses", {"limit": 100}) == ok(b, "list_expenses", {"limit": 100})


def test_default_world_is_large_varied_and_compact():
    world = BudgetWorld.new_world(0)
    assert len(world.canonical_json()) < 150_000
    assert 24 <= len(world.categories) <= 30
    assert 350 <= len(world.expenses) <= 450
    assert len(world.members) >= 6 and len(world.periods) == 8
    assert {e.status for e in world.expenses.values()} == {"approved", "pending", "rejected", "split"}
