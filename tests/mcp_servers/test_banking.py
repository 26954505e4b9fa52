"""Behaviour of the banking server, through the public Episode API.

Test data is discovered in the seed-0 world (through the tools, or through `Episode.snapshot()` for what only the
customer knows, such as PINs) rather than hard-coded.
"""

from datetime import date, datetime, timedelta
from typing import Any

from mcp_servers import Episode
from tests.helpers import assert_replays, fails, ok, open_server, world_of

SERVER = "banking"


def _pin(ep: Episode, customer_id: str) -> str:
    return world_of(ep)["customers"][customer_id]["pin"]


def _wrong_pin(pin: str) -> str:
    return f"{(int(pin) + 1) % 10000:04d}"


def _today(ep: Episode) -> date:
    return datetime.fromisoformat(world_of(ep)["now"]).date()






def _account(ep: Episode, account_id: str) -> dict[str, Any]:
    return ok(ep, "get_bank_account", {"account_id": account_id})


def _accounts(ep: Episode) -> list[dict[str, Any]]:
    return list(world_of(ep)["accounts"].values())


def _pair_same_customer(ep: Episode) -> tuple[dict[str, Any], dict[str, Any]]:
    """An open, well-funded USD checking account with room under its daily limit, and an open USD savings sibling."""
    for source in _accounts(ep):
        if source["type"] != "checking" or source["status"] != "open" or source["currency"] != "USD":
            continue
        details = _account(ep, source["account_id"])
        if details["available_balance"] < 500 or details["remaining_daily_transfer_limit"] < 500:
            continue
        for target in _accounts(ep):
            if (
                target["customer_id"] == source["customer_id"]
                and target["type"] == "savings"
                and target["status"] == "open"
                and target["currency"] == "USD"
            ):
                return details, target
    raise AssertionError("no checking/savings pair in seed 0")


def _payable(ep: Episode) -> tuple[dict[str, Any], dict[str, Any]]:
    """A funded open USD checking account with daily-limit room, and an active USD payee of the same customer."""
    source, _ = _pair_same_customer(ep)
    payees = ok(ep, "list_bank_payees", {"customer_id": source["customer_id"]})["payees"]
    return source, next(payee for payee in payees if payee["currency"] == "USD")


# ----- discovery -----


def test_find_bank_customers_matches_name_email_phone_and_id():
    ep = open_server(SERVER)
    customer = next(iter(world_of(ep)["customers"].values()))
    last_name = customer["full_name"].split()[-1]
    by_name = ok(ep, "find_bank_customers", {"query": last_name.upper()})
    assert customer["customer_id"] in [c["customer_id"] for c in by_name["customers"]]
    assert all("pin" not in c for c in by_name["customers"])
    by_email = ok(ep, "find_bank_customers", {"query": customer["email"]})
    assert by_email["customers"][0]["customer_id"] == customer["customer_id"]
    phone_digits = "".join(ch for ch in customer["phone"] if ch.isdigit())[-7:]
    by_phone = ok(ep, "find_bank_customers", {"query": phone_digits})
    assert customer["customer_id"] in [c["customer_id"] for c in by_phone["customers"]]
    by_id = ok(ep, "find_bank_customers", {"query": customer["customer_id"]})
    assert by_id["total_matched"] == 1
    assert by_id["customers"][0]["account_ids"]
    assert ok(ep, "find_bank_customers", {"query": "zzqx-nobody"}) == {"customers": [], "total_matched": 0}


def test_find_bank_customers_respects_limit():
    ep = open_server(SERVER)
    result = ok(ep, "find_bank_customers", {"query": "er", "limit": 3})
    assert len(result["customers"]) == 3
    assert result["total_matched"] > 3


def test_list_bank_accounts_lists_a_customers_accounts_with_status_filter():
    ep = open_server(SERVER)
    frozen = next(a for a in _accounts(ep) if a["status"] == "frozen")
    customer_id = frozen["customer_id"]
    everything = ok(ep, "list_bank_accounts", {"customer_id": customer_id})["accounts"]
    assert {a["customer_id"] for a in everything} == {customer_id}
    assert frozen["account_id"] in [a["account_id"] for a in everything]
    only_frozen = ok(ep, "list_bank_accounts", {"customer_id": customer_id, "status": "frozen"})["accounts"]
    assert only_frozen and all(a["status"] == "frozen" for a in only_frozen)
    checking = next((a for a in everything if a["type"] == "checking"), None)
    if checking is not None:
        assert checking["available_balance"] == round(checking["balance"] + checking["overdraft_limit"], 2)


def test_get_bank_account_shows_cards_scheduled_payments_and_limit_usage():
    ep = open_server(SERVER)
    payment = next(p for p in world_of(ep)["scheduled_payments"].values() if p["status"] == "active")
    details = _account(ep, payment["from_account_id"])
    assert payment["scheduled_payment_id"] in details["active_scheduled_payment_ids"]
    assert details["card_ids"]
    busy = next(
        d
        for d in (_account(ep, a["account_id"]) for a in _accounts(ep) if a["type"] == "checking")
        if d["sent_today"] > 0
    )
    assert busy["remaining_daily_transfer_limit"] == round(busy["daily_transfer_limit"] - busy["sent_today"], 2)


def test_list_bank_transactions_filters_and_sorts_newest_first():
    ep = open_server(SERVER)
    source, _ = _pair_same_customer(ep)
    account_id = source["account_id"]
    history = ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 120, "limit": 1000})
    txns = history["transactions"]
    assert txns and history["total_matched"] == len(txns)
    assert [t["posted_at"] for t in txns] == sorted((t["posted_at"] for t in txns), reverse=True)
    assert {t["account_id"] for t in txns} == {account_id}
    debits = ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 120, "direction": "debit"})
    assert debits["transactions"] and all(t["amount"] < 0 for t in debits["transactions"])
    salary = ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 120, "category": "salary"})
    assert salary["transactions"] and all(t["category"] == "salary" for t in salary["transactions"])
    purchase = next(t for t in txns if t["kind"] == "card_purchase")
    by_merchant = ok(
        ep, "list_bank_transactions", {"account_id": account_id, "days": 120, "merchant": purchase["merchant"].lower()}
    )
    assert purchase["transaction_id"] in [t["transaction_id"] for t in by_merchant["transactions"]]
    big = ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 120, "min_amount": 1000})
    assert all(abs(t["amount"]) >= 1000 for t in big["transactions"])
    recent = ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 7})
    assert recent["total_matched"] < history["total_matched"]
    limited = ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 120, "limit": 2})
    assert len(limited["transactions"]) == 2


def test_list_bank_cards_filters_by_status():
    ep = open_server(SERVER)
    cancelled = next(c for c in world_of(ep)["cards"].values() if c["status"] == "cancelled" and c["replaced_by"])
    customer_id = cancelled["customer_id"]
    cards = ok(ep, "list_bank_cards", {"customer_id": customer_id})["cards"]
    assert {c["customer_id"] for c in cards} == {customer_id}
    assert cancelled["card_id"] in [c["card_id"] for c in cards]
    active = ok(ep, "list_bank_cards", {"customer_id": customer_id, "status": "cancelled"})["cards"]
    assert [c["status"] for c in active] == ["cancelled"] * len(active)


def test_list_bank_payees_hides_removed_payees_unless_asked():
    ep = open_server(SERVER)
    removed = next(p for p in world_of(ep)["payees"].values() if p["status"] == "removed")
    customer_id = removed["customer_id"]
    shown = ok(ep, "list_bank_payees", {"customer_id": customer_id})["payees"]
    assert removed["payee_id"] not in [p["payee_id"] for p in shown]
    assert all(p["customer_id"] == customer_id and p["status"] == "active" for p in shown)
    everything = ok(ep, "list_bank_payees", {"customer_id": customer_id, "include_removed": True})["payees"]
    assert removed["payee_id"] in [p["payee_id"] for p in everything]


def test_list_scheduled_bank_payments_filters_by_status():
    ep = open_server(SERVER)
    cancelled = next(p for p in world_of(ep)["scheduled_payments"].values() if p["status"] == "cancelled")
    customer_id = cancelled["customer_id"]
    active = ok(ep, "list_scheduled_bank_payments", {"customer_id": customer_id})["scheduled_payments"]
    assert all(p["status"] == "active" for p in active)
    everything = ok(ep, "list_scheduled_bank_payments", {"customer_id": customer_id, "status": "any"})
    assert cancelled["scheduled_payment_id"] in [p["scheduled_payment_id"] for p in everything["scheduled_payments"]]


def test_lookups_of_unknown_ids_are_tool_errors():
    ep = open_server(SERVER)
    for tool in ("list_bank_accounts", "list_bank_cards", "list_bank_payees", "list_scheduled_bank_payments"):
        fails(ep, tool, {"customer_id": "CUS-9999"}, "Unknown customer", "find_bank_customers")
    fails(ep, "get_bank_account", {"account_id": "CHK-9999"}, "Unknown account", "list_bank_accounts")
    fails(ep, "list_bank_transactions", {"account_id": "CHK-9999"}, "Unknown account")


# ----- transfers and payments -----


def test_transfer_between_bank_accounts_moves_money_and_records_both_legs():
    ep = open_server(SERVER)
    source, target = _pair_same_customer(ep)
    pin = _pin(ep, source["customer_id"])
    args = {
        "from_account_id": source["account_id"],
        "to_account_id": target["account_id"],
        "amount": 123.45,
        "pin": pin,
        "memo": "Rainy day",
    }
    receipt = ok(ep, "transfer_between_bank_accounts", args)
    transfer_id = receipt["transfer"]["transfer_id"]
    assert receipt["transfer"]["kind"] == "internal"
    assert receipt["from_account_balance"] == round(source["balance"] - 123.45, 2)
    assert _account(ep, source["account_id"])["balance"] == round(source["balance"] - 123.45, 2)
    assert _account(ep, target["account_id"])["balance"] == round(target["balance"] + 123.45, 2)
    assert _account(ep, source["account_id"])["sent_today"] == round(source["sent_today"] + 123.45, 2)
    legs = [
        t
        for account_id in (source["account_id"], target["account_id"])
        for t in ok(ep, "list_bank_transactions", {"account_id": account_id, "days": 1})["transactions"]
        if t["transfer_id"] == transfer_id
    ]
    assert sorted(t["amount"] for t in legs) == [-123.45, 123.45]
    assert all("Rainy day" in t["description"] for t in legs)


def test_transfer_into_a_credit_account_pays_down_the_balance():
    ep = open_server(SERVER)
    for credit in _accounts(ep):
        if credit["type"] != "credit" or credit["status"] != "open" or credit["balance"] >= 0:
            continue
        checking = next(
            (
                _account(ep, a["account_id"])
                for a in _accounts(ep)
                if a["customer_id"] == credit["customer_id"] and a["type"] == "checking" and a["status"] == "open"
            ),
            None,
        )
        if checking and checking["available_balance"] > 50 and checking["remaining_daily_transfer_limit"] > 50:
            break
    else:
        raise AssertionError("no credit account with a funded checking sibling")
    args = {
        "from_account_id": checking["account_id"],
        "to_account_id": credit["account_id"],
        "amount": 50,
        "pin": _pin(ep, credit["customer_id"]),
    }
    ok(ep, "transfer_between_bank_accounts", args)
    assert _account(ep, credit["account_id"])["balance"] == round(credit["balance"] + 50, 2)


def test_transfer_between_bank_accounts_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    source, target = _pair_same_customer(ep)
    customer_id = source["customer_id"]
    pin = _pin(ep, customer_id)
    base = {"from_account_id": source["account_id"], "to_account_id": target["account_id"], "amount": 10.0, "pin": pin}
    tool = "transfer_between_bank_accounts"
    fails(ep, tool, {**base, "to_account_id": source["account_id"]}, "same account")
    stranger = next(a for a in _accounts(ep) if a["customer_id"] != customer_id)
    fails(ep, tool, {**base, "to_account_id": stranger["account_id"]}, "another customer", "pay_bank_payee")
    fails(ep, tool, {**base, "pin": _wrong_pin(pin)}, "Incorrect PIN", customer_id)
    fails(ep, tool, {**base, "from_account_id": "CHK-9999"}, "Unknown account")
    fails(ep, tool, {**base, "amount": round(source["available_balance"] + 1, 2)}, "Insufficient funds")

    limited, sibling = next(
        (details, sibling)
        for details in (_account(ep, a["account_id"]) for a in _accounts(ep) if a["type"] == "checking")
        if details["status"] == "open" and details["sent_today"] > 0
        and details["available_balance"] > details["remaining_daily_transfer_limit"] + 1
        for sibling in _accounts(ep)
        if sibling["customer_id"] == details["customer_id"] and sibling["account_id"] != details["account_id"]
        and sibling["status"] == "open" and sibling["currency"] == details["currency"]
    )
    args = {
        "from_account_id": limited["account_id"],
        "to_account_id": sibling["account_id"],
        "amount": round(limited["remaining_daily_transfer_limit"] + 1, 2),
        "pin": _pin(ep, limited["customer_id"]),
    }
    fails(ep, tool, args, "Daily transfer limit exceeded", limited["account_id"])


def _sends(account: dict[str, Any]) -> bool:
    return account["status"] == "open" and account["type"] != "credit"


def test_transfers_refuse_frozen_closed_credit_and_foreign_currency_accounts():
    ep = open_server(SERVER)
    accounts = _accounts(ep)
    cases = [
        (
            lambda s: s["status"] == "frozen" and s["type"] != "credit",
            lambda s, t: t["status"] == "open" and t["currency"] == s["currency"],
            ("source account", "frozen"),
        ),
        (_sends, lambda s, t: t["status"] == "closed", ("destination account", "closed")),
        (_sends, lambda s, t: t["status"] == "open" and t["currency"] != s["currency"], ("Currency mismatch",)),
        (
            lambda s: s["type"] == "credit" and s["status"] == "open",
            lambda s, t: t["status"] == "open" and t["currency"] == s["currency"],
            ("credit account", "transfer into it"),
        ),
    ]
    for source_ok, target_ok, fragments in cases:
        source, target = next(
            (s, t)
            for s in accounts
            if source_ok(s)
            for t in accounts
            if t["customer_id"] == s["customer_id"] and t["account_id"] != s["account_id"] and target_ok(s, t)
        )
        args = {
            "from_account_id": source["account_id"],
            "to_account_id": target["account_id"],
            "amount": 1.0,
            "pin": _pin(ep, source["customer_id"]),
        }
        fails(ep, "transfer_between_bank_accounts", args, *fragments)


def test_pay_bank_payee_debits_the_account_and_names_the_payee():
    ep = open_server(SERVER)
    source, payee = _payable(ep)
    args = {
        "from_account_id": source["account_id"],
        "payee_id": payee["payee_id"],
        "amount": 42.1,
        "pin": _pin(ep, source["customer_id"]),
        "memo": "Invoice 77",
    }
    receipt = ok(ep, "pay_bank_payee", args)
    assert receipt["transfer"]["payee_id"] == payee["payee_id"]
    assert receipt["transfer"]["kind"] == "payee"
    assert _account(ep, source["account_id"])["balance"] == round(source["balance"] - 42.1, 2)
    newest = ok(ep, "list_bank_transactions", {"account_id": source["account_id"], "limit": 1})["transactions"][0]
    assert newest["kind"] == "payee_payment" and newest["merchant"] == payee["name"] and newest["amount"] == -42.1
    assert "Invoice 77" in newest["description"]


def test_pay_bank_payee_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    source, payee = _payable(ep)
    customer_id = source["customer_id"]
    pin = _pin(ep, customer_id)
    base = {"from_account_id": source["account_id"], "payee_id": payee["payee_id"], "amount": 5.0, "pin": pin}
    world = world_of(ep)
    fails(ep, "pay_bank_payee", {**base, "payee_id": "PAY-9999"}, "Unknown payee", "list_bank_payees")
    foreign = next(p for p in world["payees"].values() if p["customer_id"] != customer_id)
    fails(ep, "pay_bank_payee", {**base, "payee_id": foreign["payee_id"]}, "Unknown payee")
    fails(ep, "pay_bank_payee", {**base, "pin": _wrong_pin(pin)}, "Incorrect PIN")
    fails(ep, "pay_bank_payee", {**base, "amount": round(source["available_balance"] + 1, 2)}, "Insufficient funds")

    removed = next(p for p in world["payees"].values() if p["status"] == "removed")
    owner_account = next(a for a in _accounts(ep) if a["customer_id"] == removed["customer_id"])
    args = {**base, "from_account_id": owner_account["account_id"], "payee_id": removed["payee_id"],
            "pin": _pin(ep, removed["customer_id"])}
    fails(ep, "pay_bank_payee", args, "was removed", "add_bank_payee")

    mismatch = next(
        (p, a)
        for p in world["payees"].values()
        for a in _accounts(ep)
        if p["status"] == "active" and a["customer_id"] == p["customer_id"] and a["type"] != "credit"
        and a["status"] == "open" and a["currency"] != p["currency"]
    )
    payee_x, account_x = mismatch
    args = {"from_account_id": account_x["account_id"], "payee_id": payee_x["payee_id"], "amount": 5.0,
            "pin": _pin(ep, payee_x["customer_id"])}
    fails(ep, "pay_bank_payee", args, "Currency mismatch", payee_x["currency"])

    limited = next(
        d
        for d in (_account(ep, a["account_id"]) for a in _accounts(ep) if a["type"] == "checking")
        if d["status"] == "open" and d["sent_today"] > 0
        and d["available_balance"] > d["remaining_daily_transfer_limit"] + 1
    )
    limited_payee = next(
        p
        for p in world["payees"].values()
        if p["customer_id"] == limited["customer_id"] and p["status"] == "active"
        and p["currency"] == limited["currency"]
    )
    args = {"from_account_id": limited["account_id"], "payee_id": limited_payee["payee_id"],
            "amount": round(limited["remaining_daily_transfer_limit"] + 1, 2), "pin": _pin(ep, limited["customer_id"])}
    fails(ep, "pay_bank_payee", args, "Daily transfer limit exceeded")

    frozen, frozen_payee = next(
        (a, p)
        for a in _accounts(ep)
        if a["status"] == "frozen" and a["type"] != "credit"
        for p in world["payees"].values()
        if p["customer_id"] == a["customer_id"] and p["status"] == "active" and p["currency"] == a["currency"]
    )
    args = {"from_account_id": frozen["account_id"], "payee_id": frozen_payee["payee_id"], "amount": 1.0,
            "pin": _pin(ep, frozen["customer_id"])}
    fails(ep, "pay_bank_payee", args, "source account", "frozen")


# ----- payees and scheduled payments -----


def test_add_bank_payee_saves_a_payable_payee():
    ep = open_server(SERVER)
    source, _ = _pair_same_customer(ep)
    customer_id = source["customer_id"]
    args = {
        "customer_id": customer_id,
        "name": "Jordan Ellis",
        "bank_name": "Ally Bank",
        "account_number": "071000013-99887766",
        "currency": "USD",
        "pin": _pin(ep, customer_id),
    }
    payee = ok(ep, "add_bank_payee", args)
    assert payee["category"] == "personal" and payee["status"] == "active"
    listed = ok(ep, "list_bank_payees", {"customer_id": customer_id})["payees"]
    assert payee["payee_id"] in [p["payee_id"] for p in listed]
    pay = {"from_account_id": source["account_id"], "payee_id": payee["payee_id"], "amount": 20.0,
           "pin": _pin(ep, customer_id)}
    assert ok(ep, "pay_bank_payee", pay)["transfer"]["payee_id"] == payee["payee_id"]


def test_add_bank_payee_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    existing = next(p for p in world_of(ep)["payees"].values() if p["status"] == "active")
    customer_id = existing["customer_id"]
    pin = _pin(ep, customer_id)
    base = {"customer_id": customer_id, "name": "Someone", "bank_name": "Chase", "account_number": "123456789-1",
            "currency": "USD", "pin": pin}
    fails(ep, "add_bank_payee", {**base, "pin": _wrong_pin(pin)}, "Incorrect PIN")
    fails(ep, "add_bank_payee", {**base, "customer_id": "CUS-9999"}, "Unknown customer")
    duplicate = existing["account_number"].replace(" ", "").lower()
    fails(ep, "add_bank_payee", {**base, "account_number": duplicate}, "already saved", existing["payee_id"])
    fails(ep, "add_bank_payee", {**base, "name": "   "}, "must not be blank")


def test_remove_bank_payee_hides_it_and_it_can_no_longer_be_paid():
    ep = open_server(SERVER)
    world = world_of(ep)
    busy = {p["payee_id"] for p in world["scheduled_payments"].values() if p["status"] == "active"}
    payee = next(p for p in world["payees"].values() if p["status"] == "active" and p["payee_id"] not in busy)
    removed = ok(ep, "remove_bank_payee", {"payee_id": payee["payee_id"]})
    assert removed["status"] == "removed"
    listed = ok(ep, "list_bank_payees", {"customer_id": payee["customer_id"]})["payees"]
    assert payee["payee_id"] not in [p["payee_id"] for p in listed]
    fails(ep, "remove_bank_payee", {"payee_id": payee["payee_id"]}, "already removed")
    account = next(a for a in _accounts(ep) if a["customer_id"] == payee["customer_id"])
    pay = {"from_account_id": account["account_id"], "payee_id": payee["payee_id"], "amount": 1.0,
           "pin": _pin(ep, payee["customer_id"])}
    fails(ep, "pay_bank_payee", pay, "was removed")


def test_remove_bank_payee_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    scheduled = next(p for p in world_of(ep)["scheduled_payments"].values() if p["status"] == "active")
    fails(ep, "remove_bank_payee", {"payee_id": scheduled["payee_id"]}, scheduled["scheduled_payment_id"],
           "cancel_scheduled_bank_payment")
    fails(ep, "remove_bank_payee", {"payee_id": "PAY-9999"}, "Unknown payee")


def test_schedule_and_cancel_a_bank_payment():
    ep = open_server(SERVER)
    source, payee = _payable(ep)
    first = (_today(ep) + timedelta(days=10)).isoformat()
    args = {
        "from_account_id": source["account_id"],
        "payee_id": payee["payee_id"],
        "amount": 75.0,
        "first_date": first,
        "frequency": "monthly",
        "pin": _pin(ep, source["customer_id"]),
        "reference": "Gym",
    }
    payment = ok(ep, "schedule_bank_payment", args)
    assert payment["status"] == "active" and payment["next_date"] == first
    payment_id = payment["scheduled_payment_id"]
    listed = ok(ep, "list_scheduled_bank_payments", {"customer_id": source["customer_id"]})["scheduled_payments"]
    assert payment_id in [p["scheduled_payment_id"] for p in listed]
    assert payment_id in _account(ep, source["account_id"])["active_scheduled_payment_ids"]
    assert ok(ep, "cancel_scheduled_bank_payment", {"scheduled_payment_id": payment_id})["status"] == "cancelled"
    listed = ok(ep, "list_scheduled_bank_payments", {"customer_id": source["customer_id"]})["scheduled_payments"]
    assert payment_id not in [p["scheduled_payment_id"] for p in listed]
    fails(ep, "cancel_scheduled_bank_payment", {"scheduled_payment_id": payment_id}, "already cancelled")


def test_schedule_bank_payment_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    source, payee = _payable(ep)
    today = _today(ep)
    pin = _pin(ep, source["customer_id"])
    base = {"from_account_id": source["account_id"], "payee_id": payee["payee_id"], "amount": 10.0,
            "first_date": (today + timedelta(days=3)).isoformat(), "frequency": "weekly", "pin": pin}
    tool = "schedule_bank_payment"
    fails(ep, tool, {**base, "first_date": "2026-02-30"}, "not a calendar date")
    fails(ep, tool, {**base, "first_date": today.isoformat()}, "after today")
    fails(ep, tool, {**base, "first_date": (today + timedelta(days=400)).isoformat()}, "within a year")
    fails(ep, tool, {**base, "pin": _wrong_pin(pin)}, "Incorrect PIN")
    fails(ep, tool, {**base, "payee_id": "PAY-9999"}, "Unknown payee")
    fails(ep, tool, {**base, "amount": source["daily_transfer_limit"] + 1}, "daily transfer limit")
    world = world_of(ep)
    credit, credit_payee = next(
        (a, p)
        for a in _accounts(ep)
        if a["type"] == "credit" and a["status"] == "open"
        for p in world["payees"].values()
        if p["customer_id"] == a["customer_id"] and p["status"] == "active" and p["currency"] == a["currency"]
    )
    args = {**base, "from_account_id": credit["account_id"], "payee_id": credit_payee["payee_id"],
            "pin": _pin(ep, credit["customer_id"])}
    fails(ep, tool, args, "credit account")
    frozen, frozen_payee = next(
        (a, p)
        for a in _accounts(ep)
        if a["status"] == "frozen" and a["type"] != "credit"
        for p in world["payees"].values()
        if p["customer_id"] == a["customer_id"] and p["status"] == "active" and p["currency"] == a["currency"]
    )
    args = {**base, "from_account_id": frozen["account_id"], "payee_id": frozen_payee["payee_id"],
            "pin": _pin(ep, frozen["customer_id"])}
    fails(ep, tool, args, "frozen")
    payee_x, account_x = next(
        (p, a)
        for p in world["payees"].values()
        for a in _accounts(ep)
        if p["status"] == "active" and a["customer_id"] == p["customer_id"] and a["type"] != "credit"
        and a["status"] == "open" and a["currency"] != p["currency"]
    )
    args = {**base, "from_account_id": account_x["account_id"], "payee_id": payee_x["payee_id"],
            "pin": _pin(ep, payee_x["customer_id"])}
    fails(ep, tool, args, "Currency mismatch")


def test_cancel_scheduled_bank_payment_refuses_finished_or_unknown_payments():
    ep = open_server(SERVER)
    completed = next(p for p in world_of(ep)["scheduled_payments"].values() if p["status"] == "completed")
    fails(ep, "cancel_scheduled_bank_payment", {"scheduled_payment_id": completed["scheduled_payment_id"]},
           "already completed")
    fails(ep, "cancel_scheduled_bank_payment", {"scheduled_payment_id": "SCH-9999"}, "Unknown scheduled payment")


# ----- cards -----


def test_set_bank_card_frozen_freezes_and_unfreezes_a_card():
    ep = open_server(SERVER)
    card = next(
        c for c in world_of(ep)["cards"].values()
        if c["status"] == "active" and world_of(ep)["accounts"][c["account_id"]]["status"] == "open"
    )
    assert ok(ep, "set_bank_card_frozen", {"card_id": card["card_id"], "frozen": True})["status"] == "frozen"
    frozen = ok(ep, "list_bank_cards", {"customer_id": card["customer_id"], "status": "frozen"})["cards"]
    assert card["card_id"] in [c["card_id"] for c in frozen]
    fails(ep, "set_bank_card_frozen", {"card_id": card["card_id"], "frozen": True}, "already frozen")
    assert ok(ep, "set_bank_card_frozen", {"card_id": card["card_id"], "frozen": False})["status"] == "active"
    fails(ep, "set_bank_card_frozen", {"card_id": card["card_id"], "frozen": False}, "already active")


def test_set_bank_card_frozen_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    cancelled = next(c for c in world["cards"].values() if c["status"] == "cancelled" and c["replaced_by"])
    fails(ep, "set_bank_card_frozen", {"card_id": cancelled["card_id"], "frozen": True}, "cancelled",
           cancelled["replaced_by"])
    held = next(
        c for c in world["cards"].values()
        if c["status"] == "frozen" and world["accounts"][c["account_id"]]["status"] == "frozen"
    )
    fails(ep, "set_bank_card_frozen", {"card_id": held["card_id"], "frozen": False}, "frozen by the bank")
    fails(ep, "set_bank_card_frozen", {"card_id": "CARD-9999", "frozen": True}, "Unknown card", "list_bank_cards")


def test_replace_bank_card_cancels_the_old_card_and_issues_a_new_one():
    ep = open_server(SERVER)
    card = next(c for c in world_of(ep)["cards"].values() if c["status"] == "frozen")
    account_status = world_of(ep)["accounts"][card["account_id"]]["status"]
    result = ok(ep, "replace_bank_card", {"card_id": card["card_id"], "reason": "stolen"})
    old, new = result["cancelled_card"], result["new_card"]
    assert old["status"] == "cancelled" and old["cancel_reason"] == "stolen" and old["replaced_by"] == new["card_id"]
    assert new["account_id"] == card["account_id"]
    assert new["daily_spending_limit"] == card["daily_spending_limit"]
    assert new["status"] == ("frozen" if account_status == "frozen" else "active")
    cards = {c["card_id"]: c for c in ok(ep, "list_bank_cards", {"customer_id": card["customer_id"]})["cards"]}
    assert cards[card["card_id"]]["status"] == "cancelled" and new["card_id"] in cards
    fails(ep, "replace_bank_card", {"card_id": card["card_id"], "reason": "lost"}, "already cancelled",
           new["card_id"])
    fails(ep, "replace_bank_card", {"card_id": "CARD-9999", "reason": "lost"}, "Unknown card")


def test_set_bank_card_limit_changes_the_limit_within_bounds():
    ep = open_server(SERVER)
    world = world_of(ep)
    debit = next(c for c in world["cards"].values() if c["type"] == "debit" and c["status"] == "active")
    changed = ok(ep, "set_bank_card_limit", {"card_id": debit["card_id"], "daily_limit": 750})
    assert changed["daily_spending_limit"] == 750
    cards = ok(ep, "list_bank_cards", {"customer_id": debit["customer_id"]})["cards"]
    assert next(c for c in cards if c["card_id"] == debit["card_id"])["daily_spending_limit"] == 750
    fails(ep, "set_bank_card_limit", {"card_id": debit["card_id"], "daily_limit": 6000}, "at most 5,000.00")
    credit = next(c for c in world["cards"].values() if c["type"] == "credit" and c["status"] != "cancelled")
    credit_limit = world["accounts"][credit["account_id"]]["credit_limit"]
    fails(ep, "set_bank_card_limit", {"card_id": credit["card_id"], "daily_limit": credit_limit + 1},
           "exceeds the credit limit")
    cancelled = next(c for c in world["cards"].values() if c["status"] == "cancelled")
    fails(ep, "set_bank_card_limit", {"card_id": cancelled["card_id"], "daily_limit": 100}, "cancelled")


# ----- accounts, disputes, PIN -----


def _verified_customer(ep: Episode) -> str:
    return next(c["customer_id"] for c in world_of(ep)["customers"].values() if c["kyc_status"] == "verified")


def test_open_bank_savings_account_opens_an_empty_account():
    ep = open_server(SERVER)
    customer_id = _verified_customer(ep)
    account = ok(ep, "open_bank_savings_account", {"customer_id": customer_id, "currency": "EUR",
                                                    "nickname": "Holiday Fund"})
    assert account["type"] == "savings" and account["balance"] == 0 and account["currency"] == "EUR"
    assert account["nickname"] == "Holiday Fund" and account["status"] == "open"
    listed = ok(ep, "list_bank_accounts", {"customer_id": customer_id})["accounts"]
    assert account["account_id"] in [a["account_id"] for a in listed]


def test_open_bank_savings_account_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    pending = next(c for c in world_of(ep)["customers"].values() if c["kyc_status"] == "pending_review")
    fails(ep, "open_bank_savings_account", {"customer_id": pending["customer_id"]}, "pending_review")
    fails(ep, "open_bank_savings_account", {"customer_id": "CUS-9999"}, "Unknown customer")
    customer_id = _verified_customer(ep)
    savings = [a for a in _accounts(ep) if a["customer_id"] == customer_id and a["type"] == "savings"
               and a["status"] != "closed"]
    for _ in range(3 - len(savings)):
        ok(ep, "open_bank_savings_account", {"customer_id": customer_id})
    fails(ep, "open_bank_savings_account", {"customer_id": customer_id}, "maximum is 3")


def test_close_bank_account_closes_an_empty_account_and_cancels_its_cards():
    ep = open_server(SERVER)
    world = world_of(ep)
    busy = {p["from_account_id"] for p in world["scheduled_payments"].values() if p["status"] == "active"}
    empty = next(
        a for a in _accounts(ep)
        if a["status"] == "open" and a["balance"] == 0 and a["account_id"] not in busy
        and any(c["account_id"] == a["account_id"] and c["status"] != "cancelled" for c in world["cards"].values())
    )
    result = ok(ep, "close_bank_account", {"account_id": empty["account_id"], "pin": _pin(ep, empty["customer_id"])})
    assert result["account"]["status"] == "closed" and result["account"]["closed_on"] == _today(ep).isoformat()
    assert result["cancelled_card_ids"]
    assert _account(ep, empty["account_id"])["status"] == "closed"
    cards = ok(ep, "list_bank_cards", {"customer_id": empty["customer_id"], "status": "cancelled"})["cards"]
    assert set(result["cancelled_card_ids"]) <= {c["card_id"] for c in cards}


def test_close_bank_account_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)

    def close(account: dict[str, Any], *fragments: str) -> None:
        pin = _pin(ep, account["customer_id"])
        fails(ep, "close_bank_account", {"account_id": account["account_id"], "pin": pin}, *fragments)

    busy = {p["from_account_id"] for p in world["scheduled_payments"].values() if p["status"] == "active"}
    close(next(a for a in _accounts(ep) if a["status"] == "open" and a["balance"] > 0), "still holds")
    owing = next(a for a in _accounts(ep) if a["status"] == "open" and a["type"] == "credit" and a["balance"] < 0)
    close(owing, "owes")
    close(next(a for a in _accounts(ep) if a["status"] == "closed"), "already closed")
    close(next(a for a in _accounts(ep) if a["status"] == "frozen"), "frozen")
    account = next(a for a in _accounts(ep) if a["status"] == "open")
    pin = _pin(ep, account["customer_id"])
    fails(ep, "close_bank_account", {"account_id": account["account_id"], "pin": _wrong_pin(pin)}, "Incorrect PIN")

    # An account emptied to zero still refuses while a scheduled payment draws on it.
    scheduled = next(
        _account(ep, a["account_id"]) for a in _accounts(ep)
        if a["account_id"] in busy and a["status"] == "open" and a["balance"] > 0
        and any(s["customer_id"] == a["customer_id"] and s["type"] == "savings" and s["status"] == "open"
                and s["currency"] == a["currency"] for s in _accounts(ep))
        and a["balance"] <= _account(ep, a["account_id"])["remaining_daily_transfer_limit"]
    )
    savings = next(s for s in _accounts(ep) if s["customer_id"] == scheduled["customer_id"] and s["type"] == "savings"
                   and s["status"] == "open" and s["currency"] == scheduled["currency"])
    pin = _pin(ep, scheduled["customer_id"])
    ok(ep, "transfer_between_bank_accounts", {"from_account_id": scheduled["account_id"],
                                               "to_account_id": savings["account_id"],
                                               "amount": scheduled["balance"], "pin": pin})
    assert _account(ep, scheduled["account_id"])["balance"] == 0
    close(scheduled, "active scheduled payments", scheduled["active_scheduled_payment_ids"][0])


def test_dispute_bank_transaction_opens_a_dispute_on_a_recent_card_purchase():
    ep = open_server(SERVER)
    now = datetime.fromisoformat(world_of(ep)["now"])
    txn = next(
        t for t in world_of(ep)["transactions"].values()
        if t["kind"] == "card_purchase" and t["status"] == "posted" and t["dispute_id"] is None
        and now - datetime.fromisoformat(t["posted_at"]) < timedelta(days=30)
    )
    dispute = ok(ep, "dispute_bank_transaction", {"transaction_id": txn["transaction_id"], "reason": "unauthorized",
                                                   "details": "I never shopped there"})
    assert dispute["status"] == "open" and dispute["amount"] == -txn["amount"]
    assert dispute["merchant"] == txn["merchant"]
    history = ok(ep, "list_bank_transactions", {"account_id": txn["account_id"], "days": 30, "limit": 1000})
    marked = next(t for t in history["transactions"] if t["transaction_id"] == txn["transaction_id"])
    assert marked["dispute_id"] == dispute["dispute_id"]


def test_dispute_bank_transaction_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    now = datetime.fromisoformat(world["now"])
    txns = list(world["transactions"].values())
    tool = "dispute_bank_transaction"

    def dispute(txn: dict[str, Any], *fragments: str) -> None:
        fails(ep, tool, {"transaction_id": txn["transaction_id"], "reason": "other"}, *fragments)

    dispute(next(t for t in txns if t["dispute_id"] is not None), "already disputed")
    dispute(next(t for t in txns if t["kind"] == "deposit"), "Only card purchases")
    dispute(next(t for t in txns if t["status"] == "pending"), "still pending")
    old = next(
        t for t in txns
        if t["kind"] == "card_purchase" and now - datetime.fromisoformat(t["posted_at"]) > timedelta(days=61)
    )
    dispute(old, "within 60 days")
    fails(ep, tool, {"transaction_id": "TXN-99999", "reason": "other"}, "Unknown transaction")


def test_change_bank_pin_replaces_the_pin_used_to_authorize_payments():
    ep = open_server(SERVER)
    source, target = _pair_same_customer(ep)
    customer_id = source["customer_id"]
    old_pin = _pin(ep, customer_id)
    new_pin = "2580" if old_pin != "2580" else "1357"
    result = ok(ep, "change_bank_pin", {"customer_id": customer_id, "current_pin": old_pin, "new_pin": new_pin})
    assert result["pin_updated_on"] == _today(ep).isoformat()
    profile = ok(ep, "find_bank_customers", {"query": customer_id})["customers"][0]
    assert profile["pin_updated_on"] == _today(ep).isoformat()
    transfer = {"from_account_id": source["account_id"], "to_account_id": target["account_id"], "amount": 1.0}
    fails(ep, "transfer_between_bank_accounts", {**transfer, "pin": old_pin}, "Incorrect PIN")
    ok(ep, "transfer_between_bank_accounts", {**transfer, "pin": new_pin})


def test_change_bank_pin_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    customer_id = next(iter(world_of(ep)["customers"]))
    pin = _pin(ep, customer_id)
    base = {"customer_id": customer_id, "current_pin": pin}
    fails(ep, "change_bank_pin", {**base, "current_pin": _wrong_pin(pin), "new_pin": "2580"}, "Incorrect PIN")
    fails(ep, "change_bank_pin", {**base, "new_pin": pin}, "same as the current")
    fails(ep, "change_bank_pin", {**base, "new_pin": "1111"}, "too easy")
    fails(ep, "change_bank_pin", {**base, "new_pin": "3456"}, "too easy")
    fails(ep, "change_bank_pin", {**base, "customer_id": "CUS-9999", "new_pin": "2580"}, "Unknown customer")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    source, target = _pair_same_customer(ep)
    base = {"from_account_id": source["account_id"], "to_account_id": target["account_id"], "amount": 1.0,
            "pin": _pin(ep, source["customer_id"])}
    bad = [
        {**base, "pin": "12a4"},
        {**base, "pin": "12345"},
        {**base, "amount": "1.0"},
        {**base, "amount": -5},
        {**base, "amount": 0.001},
        {**base, "amount": float("inf")},
        {**base, "memo": "x" * 10_000},
        {**base, "extra": 1},
        {**base, "from_account_id": "A" * 100_000},
    ]
    for args in bad:
        assert ep.call("transfer_between_bank_accounts", args).status == "invalid_arguments", args
    assert ep.call("find_bank_customers", {"query": "é" * 200}).status == "invalid_arguments"
    assert ep.call("find_bank_customers", {"query": "Zoë ../../etc/passwd .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Open savings, fund it, pay a new payee, schedule a payment, replace a card; every id flows from an output."""
    customer = ok(ep, "find_bank_customers", {"query": "Miller"})["customers"]
    customer_id = next(
        c["customer_id"] for c in customer
        if c["kyc_status"] == "verified"
        and any(
            a["type"] == "checking" and a["status"] == "open" and a["currency"] == "USD"
            and a["available_balance"] > 1000
            for a in ok(ep, "list_bank_accounts", {"customer_id": c["customer_id"]})["accounts"]
        )
    )
    pin = _pin(ep, customer_id)
    accounts = ok(ep, "list_bank_accounts", {"customer_id": customer_id, "status": "open"})["accounts"]
    checking = next(a for a in accounts if a["type"] == "checking" and a["currency"] == "USD")
    savings = ok(ep, "open_bank_savings_account", {"customer_id": customer_id, "nickname": "New Car"})
    ok(ep, "transfer_between_bank_accounts", {"from_account_id": checking["account_id"],
                                               "to_account_id": savings["account_id"], "amount": 250.0, "pin": pin})
    payee = ok(ep, "add_bank_payee", {"customer_id": customer_id, "name": "Riverside Tennis Club",
                                       "bank_name": "Wells Fargo", "account_number": "121000248-5550001",
                                       "currency": "USD", "pin": pin, "category": "personal"})
    ok(ep, "pay_bank_payee", {"from_account_id": savings["account_id"], "payee_id": payee["payee_id"],
                               "amount": 60.0, "pin": pin, "memo": "Membership"})
    first = (_today(ep) + timedelta(days=30)).isoformat()
    scheduled = ok(ep, "schedule_bank_payment", {"from_account_id": savings["account_id"],
                                                  "payee_id": payee["payee_id"], "amount": 60.0,
                                                  "first_date": first, "frequency": "monthly", "pin": pin})
    card_id = next(c["card_id"] for c in ok(ep, "list_bank_cards", {"customer_id": customer_id})["cards"]
                   if c["status"] != "cancelled")
    new_card = ok(ep, "replace_bank_card", {"card_id": card_id, "reason": "lost"})["new_card"]
    return {
        "customer_id": customer_id,
        "savings_id": savings["account_id"],
        "payee_id": payee["payee_id"],
        "scheduled_id": scheduled["scheduled_payment_id"],
        "old_card_id": card_id,
        "new_card_id": new_card["card_id"],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first, ids = assert_replays(SERVER, _scenario)

    savings = _account(first, ids["savings_id"])
    assert savings["balance"] == 190.0 and savings["sent_today"] == 60.0
    assert savings["active_scheduled_payment_ids"] == [ids["scheduled_id"]]
    history = ok(first, "list_bank_transactions", {"account_id": ids["savings_id"], "days": 1})["transactions"]
    assert [t["amount"] for t in history] == [-60.0, 250.0]
    assert history[0]["merchant"] == "Riverside Tennis Club"
    cards = {c["card_id"]: c for c in ok(first, "list_bank_cards", {"customer_id": ids["customer_id"]})["cards"]}
    assert cards[ids["old_card_id"]]["replaced_by"] == ids["new_card_id"]
    assert cards[ids["new_card_id"]]["status"] in ("active", "frozen")


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a = Episode.open([SERVER], seed=3)
    b = Episode.open([SERVER], seed=3)
    assert a.call("find_bank_customers", {"query": "a", "limit": 40}).content == \
        b.call("find_bank_customers", {"query": "a", "limit": 40}).content


def test_default_world_is_large_and_varied():
    world = world_of(open_server(SERVER))
    assert len(world["customers"]) == 40
    assert 75 <= len(world["accounts"]) <= 110
    assert 55 <= len(world["cards"]) <= 90
    assert len(world["transactions"]) >= 400
    assert len(world["payees"]) >= 80
    statuses = {a["status"] for a in world["accounts"].values()}
    assert statuses == {"open", "frozen", "closed"}
    assert {c["status"] for c in world["cards"].values()} == {"active", "frozen", "cancelled"}
    assert {a["currency"] for a in world["accounts"].values()} >= {"USD", "EUR"}
