"""Behaviour of the payments server, through the public Episode API.

Test data is discovered in the seed-0 world through the read tools (and `Episode.snapshot()` for the clock) rather
than hard-coded.
"""

from datetime import date, datetime, timedelta
from typing import Any

from mcp_servers import Episode
from mcp_servers.payments.world import PaymentsWorld
from tests.helpers import clock_of, fails, ok, open_server, world_of

SERVER = "payments"


def _customers(ep: Episode, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "find_merchant_customers", {"limit": 100, **filters})["customers"]


def _invoices(ep: Episode, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "list_merchant_invoices", {"limit": 100, **filters})["invoices"]


def _invoice(ep: Episode, invoice_id: str) -> dict[str, Any]:
    return _invoices(ep, invoice_id=invoice_id)[0]


def _charges(ep: Episode, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "list_merchant_charges", {"limit": 100, **filters})["charges"]


def _charge(ep: Episode, charge_id: str) -> dict[str, Any]:
    return _charges(ep, charge_id=charge_id)[0]


def _balance(ep: Episode, currency: str) -> dict[str, Any]:
    return ok(ep, "list_payouts", {"currency": currency})["balances"][0]


def _events(ep: Episode, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "list_webhook_events", {"limit": 100, **filters})["events"]


def _default_method(customer: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (m for m in customer["payment_methods"] if m["payment_method_id"] == customer["default_payment_method_id"]),
        None,
    )


def _payable_invoice(ep: Episode) -> tuple[dict[str, Any], dict[str, Any]]:
    """An open invoice whose customer's default payment method can pay it."""
    customers = {c["customer_id"]: c for c in _customers(ep)}
    for invoice in _invoices(ep, status="open"):
        customer = customers[invoice["customer_id"]]
        method = _default_method(customer)
        if method and not method["expired"] and method["currency"] in (None, invoice["currency"]):
            return invoice, customer
    raise AssertionError("no payable open invoice in seed 0")


def _paying_customer(ep: Episode, currency: str = "USD") -> dict[str, Any]:
    """A customer billed in `currency` whose default payment method is an unexpired card."""
    return next(
        c for c in _customers(ep, currency=currency)
        if (method := _default_method(c)) and method["type"] == "card" and not method["expired"]
    )


def _draft_with_items(ep: Episode) -> dict[str, Any]:
    """A new draft invoice with one line item, for a customer who can pay it."""
    customer = _paying_customer(ep)
    draft = ok(ep, "create_invoice", {"customer_id": customer["customer_id"]})
    item = {"invoice_id": draft["invoice_id"], "description": "Setup", "unit_amount": 100.0}
    return ok(ep, "add_invoice_line_item", item)


def _captured_charge(ep: Episode, currency: str = "USD", minimum: float = 50.0) -> dict[str, Any]:
    return next(
        c for c in _charges(ep, status="captured")
        if c["currency"] == currency and c["refundable_amount"] >= minimum
    )


# ----- discovery -----


def test_find_merchant_customers_matches_name_contact_email_and_id():
    ep = open_server(SERVER)
    customer = _customers(ep)[3]
    for query in (customer["name"].split()[0].upper(), customer["contact_name"], customer["email"]):
        found = ok(ep, "find_merchant_customers", {"query": query})["customers"]
        assert customer["customer_id"] in [c["customer_id"] for c in found], query
    by_id = ok(ep, "find_merchant_customers", {"query": customer["customer_id"]})
    assert by_id["total_matched"] == 1 and by_id["customers"][0] == customer
    assert ok(ep, "find_merchant_customers", {"query": "zzqx-nobody"}) == {"customers": [], "total_matched": 0}


def test_find_merchant_customers_lists_payment_methods_open_invoices_and_filters():
    ep = open_server(SERVER)
    everyone = _customers(ep)
    assert len(everyone) == 40
    expired = next(c for c in everyone if any(m["expired"] for m in c["payment_methods"]))
    card = next(m for m in expired["payment_methods"] if m["expired"])
    now = clock_of(ep)
    assert (card["exp_year"], card["exp_month"]) < (now.year, now.month)
    owing = next(c for c in everyone if c["open_invoice_ids"])
    open_invoices = _invoices(ep, customer_id=owing["customer_id"], status="open")
    assert sorted(owing["open_invoice_ids"]) == sorted(i["invoice_id"] for i in open_invoices)
    assert owing["amount_outstanding"] == round(sum(i["total"] for i in open_invoices), 2)
    euro = _customers(ep, currency="EUR")
    assert euro and all(c["currency"] == "EUR" for c in euro)
    limited = ok(ep, "find_merchant_customers", {"limit": 3})
    assert len(limited["customers"]) == 3 and limited["total_matched"] == 40


def test_list_merchant_invoices_filters_by_customer_status_and_overdue():
    ep = open_server(SERVER)
    invoices = _invoices(ep)
    assert len(invoices) == 80 and ok(ep, "list_merchant_invoices", {})["total_matched"] == 80
    assert [i["created_at"] for i in invoices] == sorted((i["created_at"] for i in invoices), reverse=True)
    assert {i["status"] for i in invoices} == {"draft", "open", "paid", "void", "uncollectible"}
    paid = _invoices(ep, status="paid")
    assert paid and all(i["charge_id"] and i["amount_paid"] == i["total"] and i["amount_due"] == 0 for i in paid)
    today = clock_of(ep).date()
    overdue = _invoices(ep, overdue_only=True)
    assert overdue and all(i["status"] == "open" and date.fromisoformat(i["due_date"]) < today for i in overdue)
    customer_id = overdue[0]["customer_id"]
    theirs = _invoices(ep, customer_id=customer_id)
    assert overdue[0]["invoice_id"] in [i["invoice_id"] for i in theirs]
    assert {i["customer_id"] for i in theirs} == {customer_id}
    one = _invoice(ep, paid[0]["invoice_id"])
    assert one == paid[0]
    assert one["total"] == round(one["subtotal"] + one["tax"], 2)
    assert one["subtotal"] == round(sum(item["amount"] for item in one["line_items"]), 2)


def test_list_merchant_charges_shows_refunds_fees_and_authorization_expiry():
    ep = open_server(SERVER)
    charges = _charges(ep)
    assert ok(ep, "list_merchant_charges", {})["total_matched"] == 120
    assert {c["status"] for c in charges} >= {"authorized", "captured", "partially_refunded", "refunded", "failed"}
    partial = _charges(ep, status="partially_refunded")[0]
    assert partial["refunds"] and partial["amount_refunded"] == round(sum(r["amount"] for r in partial["refunds"]), 2)
    assert partial["refundable_amount"] == round(partial["amount_captured"] - partial["amount_refunded"], 2)
    authorized = _charges(ep, status="authorized")
    assert {c["authorization_expired"] for c in authorized} == {True, False}
    now = clock_of(ep)
    for charge in authorized:
        expires = datetime.fromisoformat(charge["authorization_expires_at"])
        assert charge["authorization_expired"] == (now > expires) and charge["refundable_amount"] == 0
    failed = _charges(ep, status="failed")[0]
    assert failed["failure_reason"] and failed["amount_captured"] == 0 and failed["fee"] == 0
    paid = _invoices(ep, status="paid")[0]
    by_invoice = _charges(ep, invoice_id=paid["invoice_id"])
    assert paid["charge_id"] in [c["charge_id"] for c in by_invoice]
    customer_id = by_invoice[0]["customer_id"]
    assert {c["customer_id"] for c in _charges(ep, customer_id=customer_id)} == {customer_id}


def test_list_payouts_shows_balances_and_filters_payouts():
    ep = open_server(SERVER)
    overview = ok(ep, "list_payouts", {"limit": 100})
    assert {b["currency"] for b in overview["balances"]} == {"USD", "EUR", "GBP"}
    assert {p["status"] for p in overview["payouts"]} == {"paid", "in_transit", "failed"}
    usd = ok(ep, "list_payouts", {"currency": "USD", "status": "paid"})
    assert usd["payouts"] and all(p["currency"] == "USD" and p["status"] == "paid" for p in usd["payouts"])
    assert [b["currency"] for b in usd["balances"]] == ["USD"]


def test_list_webhook_endpoints_and_events_filter_by_type_object_and_endpoint():
    ep = open_server(SERVER)
    endpoints = ok(ep, "list_webhook_endpoints", {})["endpoints"]
    assert 3 <= len(endpoints) <= 5
    enabled = ok(ep, "list_webhook_endpoints", {"enabled_only": True})["endpoints"]
    assert enabled and all(e["enabled"] for e in enabled)
    events = _events(ep)
    assert [e["event_id"] for e in events] == sorted((e["event_id"] for e in events), reverse=True)
    assert _events(ep, event_type="*") == events
    paid = _events(ep, event_type="invoice.paid")
    assert paid and all(e["type"] == "invoice.paid" for e in paid)
    about = _events(ep, object_id=paid[0]["object_id"].lower())
    assert paid[0] in about and all(e["object_id"] == paid[0]["object_id"] for e in about)
    catch_all = next(e for e in endpoints if "*" in e["event_types"])
    delivered = _events(ep, endpoint_id=catch_all["endpoint_id"])
    assert delivered and all(catch_all["endpoint_id"] in e["delivered_to"] for e in delivered)
    disabled = [e["endpoint_id"] for e in endpoints if not e["enabled"]]
    assert not any(set(disabled) & set(e["delivered_to"]) for e in events)


def test_lookups_of_unknown_ids_and_event_types_are_tool_errors():
    ep = open_server(SERVER)
    fails(ep, "list_merchant_invoices", {"customer_id": "CUS-9999"}, "Unknown customer", "find_merchant_customers")
    fails(ep, "list_merchant_invoices", {"invoice_id": "INV-9999"}, "Unknown invoice", "list_merchant_invoices")
    fails(ep, "list_merchant_charges", {"customer_id": "CUS-9999"}, "Unknown customer")
    fails(ep, "list_merchant_charges", {"invoice_id": "INV-9999"}, "Unknown invoice")
    fails(ep, "list_merchant_charges", {"charge_id": "CH-9999"}, "Unknown charge", "list_merchant_charges")
    fails(ep, "list_webhook_events", {"endpoint_id": "WE-9999"}, "Unknown webhook endpoint")
    fails(ep, "list_webhook_events", {"event_type": "invoice.exploded"}, "Unknown event type", "invoice.paid")
    fails(ep, "create_invoice", {"customer_id": "CUS-9999"}, "Unknown customer")
    fails(ep, "add_invoice_line_item", {"invoice_id": "INV-9999", "description": "x", "unit_amount": 1.0}, "Unknown")
    fails(ep, "finalize_invoice", {"invoice_id": "INV-9999"}, "Unknown invoice")
    fails(ep, "pay_invoice", {"invoice_id": "INV-9999"}, "Unknown invoice")
    fails(ep, "capture_charge", {"charge_id": "CH-9999"}, "Unknown charge")
    fails(ep, "refund_charge", {"charge_id": "CH-9999"}, "Unknown charge")


# ----- invoices -----


def test_create_invoice_makes_an_empty_draft_in_the_customer_currency():
    ep = open_server(SERVER)
    customer = _customers(ep, currency="EUR")[0]
    invoice = ok(ep, "create_invoice", {"customer_id": customer["customer_id"], "days_until_due": 14, "memo": "Q2"})
    assert invoice["status"] == "draft" and invoice["line_items"] == [] and invoice["total"] == 0
    assert invoice["currency"] == "EUR" and invoice["tax_rate"] == customer["tax_rate"]
    assert invoice["due_date"] is None and invoice["days_until_due"] == 14 and invoice["memo"] == "Q2"
    assert _invoice(ep, invoice["invoice_id"]) == invoice
    assert _events(ep, object_id=invoice["invoice_id"])[0]["type"] == "invoice.created"


def test_create_invoice_refuses_another_currency_than_the_customers():
    ep = open_server(SERVER)
    customer = _customers(ep, currency="GBP")[0]
    fails(ep, "create_invoice", {"customer_id": customer["customer_id"], "currency": "USD"}, "Currency mismatch", "GBP")


def test_add_invoice_line_item_recomputes_subtotal_tax_and_total():
    ep = open_server(SERVER)
    customer = next(c for c in _customers(ep) if c["tax_rate"] > 0)
    draft = ok(ep, "create_invoice", {"customer_id": customer["customer_id"]})
    args = {"invoice_id": draft["invoice_id"], "description": "Additional user seat", "unit_amount": 25.0}
    ok(ep, "add_invoice_line_item", {**args, "quantity": 4})
    invoice = ok(ep, "add_invoice_line_item", {**args, "description": "Onboarding", "unit_amount": 1200.004})
    assert [(i["description"], i["quantity"], i["amount"]) for i in invoice["line_items"]] == [
        ("Additional user seat", 4, 100.0),
        ("Onboarding", 1, 1200.0),
    ]
    tax = round(1300.0 * customer["tax_rate"] / 100, 2)
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == (1300.0, tax, round(1300.0 + tax, 2))
    assert _invoice(ep, draft["invoice_id"])["total"] == invoice["total"]
    updates = _events(ep, object_id=draft["invoice_id"], event_type="invoice.updated")
    assert len(updates) == 2


def test_add_invoice_line_item_only_edits_drafts():
    ep = open_server(SERVER)
    for status in ("open", "paid", "void"):
        invoice = _invoices(ep, status=status)[0]
        args = {"invoice_id": invoice["invoice_id"], "description": "Extra", "unit_amount": 10.0}
        fails(ep, "add_invoice_line_item", args, status, "only be added to draft")
    draft = ok(ep, "create_invoice", {"customer_id": _customers(ep)[0]["customer_id"]})
    fails(ep, "add_invoice_line_item", {"invoice_id": draft["invoice_id"], "description": "   ", "unit_amount": 5.0},
          "needs a description")
    for index in range(20):
        ok(ep, "add_invoice_line_item", {"invoice_id": draft["invoice_id"], "description": f"Item {index}",
                                         "unit_amount": 1.0})
    fails(ep, "add_invoice_line_item", {"invoice_id": draft["invoice_id"], "description": "One more",
                                        "unit_amount": 1.0}, "maximum of 20")


def test_finalize_invoice_opens_it_with_a_due_date_from_today():
    ep = open_server(SERVER)
    draft = _draft_with_items(ep)
    invoice = ok(ep, "finalize_invoice", {"invoice_id": draft["invoice_id"]})
    today = clock_of(ep).date()
    assert invoice["status"] == "open" and invoice["amount_due"] == invoice["total"] == draft["total"]
    assert invoice["due_date"] == (today + timedelta(days=draft["days_until_due"])).isoformat()
    assert _invoice(ep, draft["invoice_id"])["status"] == "open"
    finalized = _events(ep, event_type="invoice.finalized")[0]
    assert finalized["object_id"] == draft["invoice_id"]


def test_finalize_invoice_refuses_empty_drafts_and_finalized_invoices():
    ep = open_server(SERVER)
    empty = next(i for i in _invoices(ep, status="draft") if not i["line_items"])
    fails(ep, "finalize_invoice", {"invoice_id": empty["invoice_id"]}, "no line items", "add_invoice_line_item")
    for status in ("open", "paid", "void", "uncollectible"):
        invoice = _invoices(ep, status=status)[0]
        fails(ep, "finalize_invoice", {"invoice_id": invoice["invoice_id"]}, f"already {status}")


def test_pay_invoice_charges_the_default_method_and_records_events():
    ep = open_server(SERVER)
    invoice, customer = _payable_invoice(ep)
    currency = invoice["currency"]
    pending = _balance(ep, currency)["pending"]
    result = ok(ep, "pay_invoice", {"invoice_id": invoice["invoice_id"]})
    charge = result["charge"]
    assert result["invoice"]["status"] == "paid" and result["invoice"]["charge_id"] == charge["charge_id"]
    assert result["invoice"]["amount_due"] == 0 and result["invoice"]["amount_paid"] == invoice["total"]
    assert charge["status"] == "captured" and charge["amount_captured"] == invoice["total"]
    assert charge["payment_method_id"] == customer["default_payment_method_id"]
    assert charge["refundable_amount"] == invoice["total"]
    assert _charge(ep, charge["charge_id"]) == charge
    assert _invoice(ep, invoice["invoice_id"])["status"] == "paid"
    assert _balance(ep, currency)["pending"] == round(pending + invoice["total"] - charge["fee"], 2)
    assert [e["type"] for e in _events(ep, limit=2)] == ["invoice.paid", "charge.succeeded"]
    refreshed = _customers(ep, query=customer["customer_id"])[0]
    assert invoice["invoice_id"] not in refreshed["open_invoice_ids"]


def test_pay_invoice_with_another_saved_method_and_of_an_uncollectible_invoice():
    ep = open_server(SERVER)
    customers = {c["customer_id"]: c for c in _customers(ep)}
    invoice, method = next(
        (i, m)
        for i in _invoices(ep, status="uncollectible")
        for m in customers[i["customer_id"]]["payment_methods"]
        if m["payment_method_id"] != customers[i["customer_id"]]["default_payment_method_id"]
        and not m["expired"] and m["currency"] in (None, i["currency"])
    )
    args = {"invoice_id": invoice["invoice_id"], "payment_method_id": method["payment_method_id"]}
    result = ok(ep, "pay_invoice", args)
    assert result["charge"]["payment_method_id"] == method["payment_method_id"]
    assert _invoice(ep, invoice["invoice_id"])["status"] == "paid"


def test_pay_invoice_refuses_drafts_paid_and_void_invoices():
    ep = open_server(SERVER)
    draft = _invoices(ep, status="draft")[0]
    fails(ep, "pay_invoice", {"invoice_id": draft["invoice_id"]}, "still a draft", "finalize_invoice")
    paid = _invoices(ep, status="paid")[0]
    fails(ep, "pay_invoice", {"invoice_id": paid["invoice_id"]}, "already paid", paid["charge_id"])
    void = _invoices(ep, status="void")[0]
    fails(ep, "pay_invoice", {"invoice_id": void["invoice_id"]}, "is void", "create_invoice")


def test_pay_invoice_refuses_expired_cards_foreign_bank_debits_and_missing_methods():
    ep = open_server(SERVER)
    customers = _customers(ep)
    expired = next(
        c for c in customers
        if c["open_invoice_ids"] and (method := _default_method(c)) and method["expired"]
    )
    error = fails(ep, "pay_invoice", {"invoice_id": expired["open_invoice_ids"][0]}, "Card expired",
                  expired["default_payment_method_id"])
    others = [m["payment_method_id"] for m in expired["payment_methods"] if not m["expired"]]
    assert all(other in error for other in others) and (others or "no other usable payment method" in error)

    mismatch, debit = next(
        (c, m) for c in customers if c["open_invoice_ids"]
        for m in c["payment_methods"] if m["currency"] not in (None, c["currency"])
    )
    args = {"invoice_id": mismatch["open_invoice_ids"][0], "payment_method_id": debit["payment_method_id"]}
    fails(ep, "pay_invoice", args, "Currency mismatch", debit["currency"], mismatch["currency"])

    without = next(c for c in customers if not c["payment_methods"] and c["open_invoice_ids"])
    fails(ep, "pay_invoice", {"invoice_id": without["open_invoice_ids"][0]}, "no payment method on file")

    payable, owner = _payable_invoice(ep)
    stranger = next(c for c in customers if c["customer_id"] != owner["customer_id"] and c["payment_methods"])
    foreign_method = stranger["payment_methods"][0]["payment_method_id"]
    args = {"invoice_id": payable["invoice_id"], "payment_method_id": foreign_method}
    fails(ep, "pay_invoice", args, "Unknown payment method", "find_merchant_customers")


# ----- charges and refunds -----


def test_capture_charge_captures_a_live_authorization_in_part():
    ep = open_server(SERVER)
    charge = next(c for c in _charges(ep, status="authorized") if not c["authorization_expired"])
    pending = _balance(ep, charge["currency"])["pending"]
    amount = round(charge["amount"] / 2, 2)
    receipt = ok(ep, "capture_charge", {"charge_id": charge["charge_id"], "amount": amount})
    captured = receipt["charge"]
    assert captured["status"] == "captured" and captured["amount_captured"] == amount
    assert datetime.fromisoformat(captured["captured_at"]) == clock_of(ep)
    assert captured["refundable_amount"] == amount and captured["authorization_expires_at"] is None
    assert receipt["balance"]["pending"] == round(pending + amount - captured["fee"], 2)
    assert _charge(ep, charge["charge_id"])["status"] == "captured"
    assert _events(ep, limit=1)[0]["type"] == "charge.captured"


def test_capture_charge_captures_the_full_authorization_by_default():
    ep = open_server(SERVER)
    charge = next(c for c in _charges(ep, status="authorized") if not c["authorization_expired"])
    captured = ok(ep, "capture_charge", {"charge_id": charge["charge_id"]})["charge"]
    assert captured["amount_captured"] == charge["amount"]


def test_capture_charge_refuses_expired_captured_failed_and_excessive_captures():
    ep = open_server(SERVER)
    authorized = _charges(ep, status="authorized")
    stale = next(c for c in authorized if c["authorization_expired"])
    fails(ep, "capture_charge", {"charge_id": stale["charge_id"]}, "authorization", "expired",
          stale["authorization_expires_at"][:10])
    live = next(c for c in authorized if not c["authorization_expired"])
    fails(ep, "capture_charge", {"charge_id": live["charge_id"], "amount": live["amount"] + 1}, "authorized only")
    captured = _charges(ep, status="captured")[0]
    fails(ep, "capture_charge", {"charge_id": captured["charge_id"]}, "already captured")
    failed = _charges(ep, status="failed")[0]
    fails(ep, "capture_charge", {"charge_id": failed["charge_id"]}, "failed", "nothing to capture")


def test_refund_charge_partially_then_fully_from_the_available_balance():
    ep = open_server(SERVER)
    charge = _captured_charge(ep)
    available = _balance(ep, "USD")["available"]
    first = ok(ep, "refund_charge", {"charge_id": charge["charge_id"], "amount": 20.0, "reason": "duplicate"})
    assert first["refund"]["amount"] == 20.0 and first["refund"]["reason"] == "duplicate"
    assert first["charge"]["status"] == "partially_refunded"
    assert first["charge"]["refundable_amount"] == round(charge["amount_captured"] - 20.0, 2)
    assert first["balance"]["available"] == round(available - 20.0, 2)
    rest = ok(ep, "refund_charge", {"charge_id": charge["charge_id"]})
    assert rest["refund"]["amount"] == round(charge["amount_captured"] - 20.0, 2)
    after = _charge(ep, charge["charge_id"])
    assert after["status"] == "refunded" and after["amount_refunded"] == charge["amount_captured"]
    assert [r["refund_id"] for r in after["refunds"]] == [first["refund"]["refund_id"], rest["refund"]["refund_id"]]
    assert _balance(ep, "USD")["available"] == round(available - charge["amount_captured"], 2)
    assert [e["type"] for e in _events(ep, limit=2)] == ["charge.refunded", "refund.created"]
    assert _events(ep, object_id=rest["refund"]["refund_id"])[0]["type"] == "refund.created"


def test_refund_charge_refuses_more_than_the_refundable_amount():
    ep = open_server(SERVER)
    partial = _charges(ep, status="partially_refunded")[0]
    args = {"charge_id": partial["charge_id"], "amount": round(partial["refundable_amount"] + 0.01, 2)}
    fails(ep, "refund_charge", args, "exceeds the refundable amount", f"{partial['refundable_amount']:,.2f}")
    refunded = _charges(ep, status="refunded")[0]
    fails(ep, "refund_charge", {"charge_id": refunded["charge_id"]}, "already fully refunded")


def test_refund_charge_refuses_uncaptured_and_failed_charges():
    ep = open_server(SERVER)
    authorized = _charges(ep, status="authorized")[0]
    fails(ep, "refund_charge", {"charge_id": authorized["charge_id"]}, "not captured", "nothing to refund")
    failed = _charges(ep, status="failed")[0]
    fails(ep, "refund_charge", {"charge_id": failed["charge_id"]}, "failed", "nothing to refund")


def test_refund_charge_needs_enough_available_balance():
    ep = open_server(SERVER)
    charge = _captured_charge(ep, "GBP", minimum=5.0)
    available = _balance(ep, "GBP")["available"]
    ok(ep, "create_payout", {"amount": round(available - 1.0, 2), "currency": "GBP"})
    fails(ep, "refund_charge", {"charge_id": charge["charge_id"]}, "Insufficient available balance", "1.00 GBP")


# ----- payouts -----


def test_create_payout_moves_available_balance_to_the_bank():
    ep = open_server(SERVER)
    before = _balance(ep, "EUR")
    receipt = ok(ep, "create_payout", {"amount": 1000.0, "currency": "EUR", "description": "Month end"})
    payout = receipt["payout"]
    assert payout["status"] == "in_transit" and payout["amount"] == 1000.0 and payout["description"] == "Month end"
    assert payout["arrival_date"] == (clock_of(ep).date() + timedelta(days=2)).isoformat()
    assert receipt["balance"] == {**before, "available": round(before["available"] - 1000.0, 2)}
    listed = ok(ep, "list_payouts", {"currency": "EUR", "status": "in_transit"})
    assert listed["payouts"][0] == payout and listed["balances"][0] == receipt["balance"]
    assert _events(ep, limit=1)[0]["object_id"] == payout["payout_id"]


def test_create_payout_refuses_more_than_the_available_balance():
    ep = open_server(SERVER)
    balance = _balance(ep, "USD")
    args = {"amount": round(balance["available"] + 0.01, 2), "currency": "USD"}
    fails(ep, "create_payout", args, "exceeds the available balance", f"{balance['available']:,.2f} USD")


# ----- webhooks -----


def test_create_webhook_endpoint_receives_later_events_of_its_types():
    ep = open_server(SERVER)
    endpoint = ok(ep, "create_webhook_endpoint", {"url": "https://hooks.example.com/billing",
                                                  "event_types": ["invoice.created", "invoice.created"],
                                                  "description": "CRM sync"})
    assert endpoint["enabled"] and endpoint["event_types"] == ["invoice.created"]
    assert endpoint in ok(ep, "list_webhook_endpoints", {"enabled_only": True})["endpoints"]
    assert _events(ep, limit=1)[0]["type"] == "webhook_endpoint.created"
    invoice = ok(ep, "create_invoice", {"customer_id": _customers(ep)[0]["customer_id"]})
    ok(ep, "add_invoice_line_item", {"invoice_id": invoice["invoice_id"], "description": "Seat", "unit_amount": 5.0})
    delivered = _events(ep, endpoint_id=endpoint["endpoint_id"])
    assert [(e["type"], e["object_id"]) for e in delivered] == [("invoice.created", invoice["invoice_id"])]
    everything = ok(ep, "create_webhook_endpoint", {"url": "https://audit.example.org:8443/in?src=pay",
                                                    "event_types": ["*"]})
    assert everything["event_types"] == ["*"]


def test_create_webhook_endpoint_refuses_bad_urls_unknown_types_and_duplicates():
    ep = open_server(SERVER)
    tool = "create_webhook_endpoint"
    for url in ("http://hooks.example.com/x", "https://localhost/x", "https://10.0.0.7/hook", "https://[::1]/hook",
                "https://exa mple.com/x", "hooks.example.com/x", "https://user:pw@example.com/x",
                "https://-bad-.example.com", "https://example.com:99999/x", "https://example.com:0/x",
                "https://intranet/x", "https://printer.local/x", "https://bad\x07bell.example.com/"):
        fails(ep, tool, {"url": url, "event_types": ["invoice.paid"]}, "Invalid webhook URL")
    fails(ep, tool, {"url": "https://hooks.example.com/x", "event_types": ["invoice.paid", "invoice.pwned"]},
          "Unknown event type", "invoice.pwned", "charge.refunded")
    existing = ok(ep, "list_webhook_endpoints", {})["endpoints"]
    fails(ep, tool, {"url": existing[0]["url"], "event_types": ["*"]}, "already receives events",
          existing[0]["endpoint_id"])
    for number in range(16 - len(existing)):
        ok(ep, tool, {"url": f"https://hook{number}.example.com/in", "event_types": ["payout.paid"]})
    fails(ep, tool, {"url": "https://one-too-many.example.com/in", "event_types": ["*"]}, "maximum of 16")


def test_event_log_is_append_only():
    ep = open_server(SERVER)
    before = world_of(ep)["events"]
    draft = _draft_with_items(ep)
    ok(ep, "finalize_invoice", {"invoice_id": draft["invoice_id"]})
    after = world_of(ep)["events"]
    assert after[: len(before)] == before
    assert [e["type"] for e in after[len(before):]] == ["invoice.created", "invoice.updated", "invoice.finalized"]


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    charge_id = _captured_charge(ep)["charge_id"]
    for args in (
        {"charge_id": charge_id, "amount": "10"},
        {"charge_id": charge_id, "amount": -5.0},
        {"charge_id": charge_id, "amount": float("inf")},
        {"charge_id": charge_id, "reason": "because"},
        {"charge_id": charge_id, "extra": 1},
        {"charge_id": "C" * 1000},
    ):
        assert ep.call("refund_charge", args).status == "invalid_arguments", args
    assert ep.call("create_webhook_endpoint", {"url": "https://a.com/" + "x" * 600, "event_types": ["*"]}).status \
        == "invalid_arguments"
    no_types = {"url": "https://a.com/x", "event_types": []}
    assert ep.call("create_webhook_endpoint", no_types).status == "invalid_arguments"
    assert ep.call("create_payout", {"amount": 10.0, "currency": "JPY"}).status == "invalid_arguments"
    assert ep.call("find_merchant_customers", {"limit": 0}).status == "invalid_arguments"
    assert ep.call("find_merchant_customers", {"query": "Zoë ../../etc/passwd .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Bill a customer, collect, refund part, pay out and subscribe to refunds; ids flow from output to input."""
    name = _paying_customer(ep)["name"]
    customer = ok(ep, "find_merchant_customers", {"query": name})["customers"][0]
    draft = ok(ep, "create_invoice", {"customer_id": customer["customer_id"], "days_until_due": 14, "memo": "April"})
    ok(ep, "add_invoice_line_item", {"invoice_id": draft["invoice_id"], "description": "Scale plan",
                                     "unit_amount": 899.0})
    ok(ep, "add_invoice_line_item", {"invoice_id": draft["invoice_id"], "description": "Additional user seat",
                                     "unit_amount": 25.0, "quantity": 4})
    ok(ep, "finalize_invoice", {"invoice_id": draft["invoice_id"]})
    charge_id = ok(ep, "pay_invoice", {"invoice_id": draft["invoice_id"]})["charge"]["charge_id"]
    endpoint = ok(ep, "create_webhook_endpoint", {"url": "https://refunds.example.com/hook",
                                                  "event_types": ["refund.created"]})
    refund = ok(ep, "refund_charge", {"charge_id": charge_id, "amount": 100.0})["refund"]
    payout = ok(ep, "create_payout", {"amount": 500.0, "currency": "USD"})["payout"]
    return {
        "customer_id": customer["customer_id"],
        "invoice_id": draft["invoice_id"],
        "charge_id": charge_id,
        "refund_id": refund["refund_id"],
        "endpoint_id": endpoint["endpoint_id"],
        "payout_id": payout["payout_id"],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = open_server(SERVER), open_server(SERVER)
    initial = first.state_hash()
    usd = _balance(first, "USD")
    runs = [(_scenario(episode), episode.state_hash()) for episode in (first, replay)]
    assert runs[0] == runs[1] and runs[0][1] != initial
    ids = runs[0][0]

    invoice = _invoice(first, ids["invoice_id"])
    assert invoice["status"] == "paid" and invoice["charge_id"] == ids["charge_id"]
    assert invoice["subtotal"] == 999.0 and invoice["memo"] == "April"
    charge = _charge(first, ids["charge_id"])
    assert charge["status"] == "partially_refunded" and charge["amount_captured"] == invoice["total"]
    assert [r["refund_id"] for r in charge["refunds"]] == [ids["refund_id"]]
    assert charge["refundable_amount"] == round(invoice["total"] - 100.0, 2)
    balance = _balance(first, "USD")
    assert balance["available"] == round(usd["available"] - 600.0, 2)
    assert balance["pending"] == round(usd["pending"] + invoice["total"] - charge["fee"], 2)
    delivered = _events(first, endpoint_id=ids["endpoint_id"])
    assert [(e["type"], e["object_id"]) for e in delivered] == [("refund.created", ids["refund_id"])]
    assert [e["type"] for e in _events(first, object_id=ids["invoice_id"])] == [
        "invoice.paid", "invoice.finalized", "invoice.updated", "invoice.updated", "invoice.created",
    ]
    payouts = ok(first, "list_payouts", {"currency": "USD", "status": "in_transit"})["payouts"]
    assert payouts[0]["payout_id"] == ids["payout_id"]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=4), Episode.open([SERVER], seed=4)
    assert ok(a, "list_merchant_charges", {"limit": 50}) == ok(b, "list_merchant_charges", {"limit": 50})


def test_default_world_is_large_varied_and_compact():
    world = world_of(open_server(SERVER))
    assert len(world["customers"]) == 40 and len(world["invoices"]) == 80 and len(world["charges"]) == 120
    assert len(world["refunds"]) >= 10 and 3 <= len(world["webhook_endpoints"]) <= 5
    assert len(world["events"]) >= 100 and len(world["payouts"]) >= 10
    assert {m["type"] for m in world["payment_methods"].values()} == {"card", "us_bank_account", "sepa_debit"}
    assert len(PaymentsWorld.new_world(0).canonical_json()) < 150_000
