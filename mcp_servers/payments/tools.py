"""Payments tools: look up the merchant's customers, invoices, charges, payouts and webhook events; draft, finalize and
collect invoices; capture and refund charges; pay out the balance; register webhook endpoints. Every write appends
events to the log."""

import ipaddress
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from mcp_servers.core import ServerDef, ShortText, ToolError, require
from mcp_servers.payments.world import (
    ALL_EVENTS,
    AUTHORIZATION_DAYS,
    EVENT_TYPES,
    SETTLEMENT_DAYS,
    Balance,
    Charge,
    ChargeId,
    ChargeStatus,
    Currency,
    Invoice,
    InvoiceId,
    InvoiceStatus,
    LineItem,
    MerchantCustomer,
    MerchantCustomerId,
    PaymentMethod,
    PaymentMethodId,
    PaymentsWorld,
    Payout,
    PayoutStatus,
    Refund,
    RefundReason,
    WebhookEndpoint,
    WebhookEndpointId,
    WebhookEvent,
    money,
    payout_detail,
    processing_fee,
    refund_detail,
    refunded_detail,
)

server = ServerDef(
    "payments",
    PaymentsWorld,
    group="finance",
    description=(
        "Merchant payment platform (Stripe-like) of one software company: its customers and their saved cards and "
        "bank debits, invoices, charges, refunds, balance and payouts, webhook endpoints and the event log."
    ),
)

Amount = Annotated[float, Field(ge=0.01, le=1_000_000, allow_inf_nan=False)]
Query = Annotated[str, Field(max_length=120)]
ItemDescription = Annotated[str, Field(min_length=1, max_length=200)]
Quantity = Annotated[int, Field(ge=1, le=1000)]
DaysUntilDue = Annotated[int, Field(ge=1, le=90)]
Limit = Annotated[int, Field(ge=1, le=100)]
WebhookUrl = Annotated[str, Field(min_length=1, max_length=500)]
EventTypeName = Annotated[str, Field(min_length=1, max_length=60)]
ObjectId = Annotated[str, Field(min_length=1, max_length=40)]

MAX_LINE_ITEMS = 20
MAX_WEBHOOK_ENDPOINTS = 16


# ----- result models -----


class PaymentMethodView(PaymentMethod):
    expired: bool = Field(description="True for a card past its expiry month: it cannot be charged.")


class CustomerView(MerchantCustomer):
    payment_methods: list[PaymentMethodView]
    open_invoice_ids: list[InvoiceId] = Field(description="Finalized invoices still awaiting payment.")
    amount_outstanding: float = Field(description="Total due on open invoices, in the customer's currency.")


class CustomerList(BaseModel):
    customers: list[CustomerView]
    total_matched: int


class InvoiceView(Invoice):
    customer_name: str
    amount_paid: float
    amount_due: float
    overdue: bool = Field(description="Open and past its due date.")


class InvoiceList(BaseModel):
    invoices: list[InvoiceView]
    total_matched: int


class ChargeView(Charge):
    fee: float = Field(description="Processing fee on the captured amount.")
    refundable_amount: float = Field(description="Captured amount not yet refunded.")
    authorization_expires_at: datetime | None = Field(description="Uncaptured charges only: last moment to capture.")
    authorization_expired: bool
    refunds: list[Refund]


class ChargeList(BaseModel):
    charges: list[ChargeView]
    total_matched: int


class InvoicePayment(BaseModel):
    invoice: InvoiceView
    charge: ChargeView


class CaptureReceipt(BaseModel):
    charge: ChargeView
    balance: Balance


class RefundReceipt(BaseModel):
    refund: Refund
    charge: ChargeView
    balance: Balance


class PayoutOverview(BaseModel):
    balances: list[Balance]
    payouts: list[Payout]
    total_matched: int


class PayoutReceipt(BaseModel):
    payout: Payout
    balance: Balance


class WebhookEndpointList(BaseModel):
    endpoints: list[WebhookEndpoint]


class WebhookEventList(BaseModel):
    events: list[WebhookEvent]
    total_matched: int


# ----- lookups and views shared by the tools -----


def _customer(world: PaymentsWorld, customer_id: str) -> MerchantCustomer:
    return require(world.customers, customer_id, "customer", "Use find_merchant_customers to look up the customer id.")


def _invoice(world: PaymentsWorld, invoice_id: str) -> Invoice:
    return require(world.invoices, invoice_id, "invoice", "Use list_merchant_invoices to find the invoice id.")


def _charge(world: PaymentsWorld, charge_id: str) -> Charge:
    return require(world.charges, charge_id, "charge", "Use list_merchant_charges to find the charge id.")


Dated = TypeVar("Dated", InvoiceView, Charge, Payout)


def _newest_first(records: Iterable[Dated]) -> list[Dated]:
    return sorted(records, key=lambda record: record.created_at, reverse=True)


def _method_label(method: PaymentMethod) -> str:
    kind = "card" if method.type == "card" else method.type.replace("_", " ")
    return f"{method.payment_method_id} ({method.brand} {kind} ending {method.last4})"


def _invoice_view(world: PaymentsWorld, invoice: Invoice) -> InvoiceView:
    overdue = invoice.status == "open" and invoice.due_date is not None and invoice.due_date < world.now.date()
    return InvoiceView(
        **invoice.model_dump(),
        customer_name=world.customers[invoice.customer_id].name,
        amount_paid=invoice.total if invoice.status == "paid" else 0.0,
        amount_due=0.0 if invoice.status in ("paid", "void") else invoice.total,
        overdue=overdue,
    )


def _refundable(charge: Charge) -> float:
    if charge.status not in ("captured", "partially_refunded"):
        return 0.0
    return round(charge.amount_captured - charge.amount_refunded, 2)


def _charge_view(world: PaymentsWorld, charge: Charge, refunds: list[Refund] | None = None) -> ChargeView:
    if refunds is None:
        refunds = [refund for refund in world.refunds.values() if refund.charge_id == charge.charge_id]
    expires = charge.created_at + timedelta(days=AUTHORIZATION_DAYS) if charge.status == "authorized" else None
    return ChargeView(
        **charge.model_dump(),
        fee=processing_fee(charge.amount_captured) if charge.amount_captured else 0.0,
        refundable_amount=_refundable(charge),
        authorization_expires_at=expires,
        authorization_expired=expires is not None and world.now > expires,
        refunds=refunds,
    )


def _check_event_types(names: Iterable[str]) -> list[str]:
    """The names, deduplicated in order; any unknown name is refused with the list of valid ones."""
    chosen = list(dict.fromkeys(name.strip() for name in names))
    unknown = [name for name in chosen if name not in EVENT_TYPES and name != ALL_EVENTS]
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:3])
        raise ToolError(f"Unknown event type {shown}. Valid types: {', '.join(EVENT_TYPES)}; or '*' for all of them.")
    return chosen


def _webhook_url_problem(url: str) -> str | None:
    """Why `url` cannot receive webhooks, or None: it must be a well-formed https URL on a public host name."""
    if not url.isprintable() or any(char.isspace() for char in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "it is not a well-formed URL"
    if port == 0:
        return "its port is not valid"
    if parts.scheme != "https":
        return "webhooks are only sent over https://"
    if parts.username or parts.password:
        return "it must not contain credentials"
    host = parts.hostname or ""
    labels = host.split(".")
    well_formed = all(
        0 < len(label) <= 63
        and label.isascii()
        and label.replace("-", "").isalnum()
        and not label.startswith("-")
        and not label.endswith("-")
        for label in labels
    )
    if not host or not well_formed:
        return "its host name is not valid"
    if _is_ip_address(host) or len(labels) < 2 or labels[-1] in ("localhost", "local", "internal"):
        return "the host must be a public domain name, not localhost or an IP address"
    return None


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# ----- customers and invoices -----


@server.read
def find_merchant_customers(
    world: PaymentsWorld, query: Query = "", currency: Currency | None = None, limit: Limit = 20
) -> CustomerList:
    """Search the merchant's customers by company name, contact name, email or customer id.

    Each customer comes with their saved payment methods (expired cards flagged), the default one, and their open
    invoices. An empty query lists every customer.

    Args:
        query: Text to look for (case-insensitive); empty to list all customers.
        currency: Only customers billed in this currency.
        limit: The most customers to return.
    """
    needle = query.strip().casefold()
    matched = [
        customer
        for customer in world.customers.values()
        if (currency is None or customer.currency == currency)
        and needle in f"{customer.customer_id} {customer.name} {customer.contact_name} {customer.email}".casefold()
    ]
    shown = {customer.customer_id for customer in matched[:limit]}
    methods: dict[str, list[PaymentMethodView]] = {customer_id: [] for customer_id in shown}
    for method in world.payment_methods.values():
        if method.customer_id in shown:
            view = PaymentMethodView(**method.model_dump(), expired=world.card_expired(method))
            methods[method.customer_id].append(view)
    open_invoices: dict[str, list[Invoice]] = {customer_id: [] for customer_id in shown}
    for invoice in world.invoices.values():
        if invoice.customer_id in shown and invoice.status == "open":
            open_invoices[invoice.customer_id].append(invoice)
    views = [
        CustomerView(
            **customer.model_dump(),
            payment_methods=methods[customer.customer_id],
            open_invoice_ids=[invoice.invoice_id for invoice in open_invoices[customer.customer_id]],
            amount_outstanding=round(sum(invoice.total for invoice in open_invoices[customer.customer_id]), 2),
        )
        for customer in matched[:limit]
    ]
    return CustomerList(customers=views, total_matched=len(matched))


@server.read
def list_merchant_invoices(
    world: PaymentsWorld,
    customer_id: MerchantCustomerId | None = None,
    status: InvoiceStatus | None = None,
    overdue_only: bool = False,
    invoice_id: InvoiceId | None = None,
    limit: Limit = 20,
) -> InvoiceList:
    """List invoices with their line items, totals, due dates and paying charge, newest first.

    Args:
        customer_id: Only this customer's invoices.
        status: Only invoices in this status.
        overdue_only: Only open invoices past their due date.
        invoice_id: Only this one invoice.
        limit: The most invoices to return.
    """
    if customer_id is not None:
        _customer(world, customer_id)
    candidates = [_invoice(world, invoice_id)] if invoice_id is not None else world.invoices.values()
    views = (
        _invoice_view(world, invoice)
        for invoice in candidates
        if (customer_id is None or invoice.customer_id == customer_id) and (status is None or invoice.status == status)
    )
    ordered = _newest_first(view for view in views if view.overdue or not overdue_only)
    return InvoiceList(invoices=ordered[:limit], total_matched=len(ordered))


@server.write
def create_invoice(
    world: PaymentsWorld,
    customer_id: MerchantCustomerId,
    days_until_due: DaysUntilDue = 30,
    currency: Currency | None = None,
    memo: ShortText = "",
) -> InvoiceView:
    """Create an empty draft invoice for a customer; add line items with add_invoice_line_item, then finalize it.

    The invoice uses the customer's billing currency and tax rate.

    Args:
        customer_id: The customer to bill.
        days_until_due: Days from finalization until payment is due.
        currency: The invoice currency; it must be the customer's billing currency (omit to use it).
        memo: A note printed on the invoice.
    """
    customer = _customer(world, customer_id)
    if currency is not None and currency != customer.currency:
        raise ToolError(
            f"Currency mismatch: customer {customer_id} ({customer.name}) is billed in {customer.currency}, so "
            f"their invoices cannot be in {currency}."
        )
    invoice = Invoice(
        invoice_id=world.next_id("INV"),
        customer_id=customer_id,
        currency=customer.currency,
        status="draft",
        tax_rate=customer.tax_rate,
        days_until_due=days_until_due,
        memo=memo.strip(),
        created_at=world.now,
    )
    world.invoices[invoice.invoice_id] = invoice
    world.emit("invoice.created", invoice.invoice_id, f"for {customer_id}")
    return _invoice_view(world, invoice)


@server.write
def add_invoice_line_item(
    world: PaymentsWorld,
    invoice_id: InvoiceId,
    description: ItemDescription,
    unit_amount: Amount,
    quantity: Quantity = 1,
) -> InvoiceView:
    """Add a line item to a draft invoice; subtotal, tax and total are recomputed.

    Args:
        invoice_id: The draft invoice.
        description: What is billed, as printed on the invoice.
        unit_amount: Price of one unit, in the invoice currency, before tax.
        quantity: How many units.
    """
    invoice = _invoice(world, invoice_id)
    if invoice.status != "draft":
        raise ToolError(
            f"Invoice {invoice_id} is {invoice.status}; line items can only be added to draft invoices. "
            "Create a new invoice with create_invoice."
        )
    if len(invoice.line_items) >= MAX_LINE_ITEMS:
        raise ToolError(f"Invoice {invoice_id} already has the maximum of {MAX_LINE_ITEMS} line items.")
    if not description.strip():
        raise ToolError("The line item needs a description.")
    unit = round(unit_amount, 2)
    item = LineItem(
        description=description.strip(), quantity=quantity, unit_amount=unit, amount=round(unit * quantity, 2)
    )
    invoice.line_items.append(item)
    invoice.refresh_totals()
    world.emit("invoice.updated", invoice_id, f"+ {item.description}: {money(item.amount, invoice.currency)}")
    return _invoice_view(world, invoice)


@server.write
def finalize_invoice(world: PaymentsWorld, invoice_id: InvoiceId) -> InvoiceView:
    """Finalize a draft invoice: it becomes open, can no longer be edited, and is due after its payment terms.

    Args:
        invoice_id: The draft invoice to finalize.
    """
    invoice = _invoice(world, invoice_id)
    if invoice.status != "draft":
        raise ToolError(f"Invoice {invoice_id} is already {invoice.status}; only draft invoices can be finalized.")
    if not invoice.line_items:
        raise ToolError(
            f"Invoice {invoice_id} has no line items; add at least one with add_invoice_line_item before finalizing."
        )
    invoice.status = "open"
    invoice.finalized_at = world.now
    invoice.due_date = world.now.date() + timedelta(days=invoice.days_until_due)
    world.emit("invoice.finalized", invoice_id, f"{money(invoice.total, invoice.currency)} due {invoice.due_date}")
    return _invoice_view(world, invoice)


@server.write
def pay_invoice(
    world: PaymentsWorld, invoice_id: InvoiceId, payment_method_id: PaymentMethodId | None = None
) -> InvoicePayment:
    """Collect an open (or uncollectible) invoice now by charging one of the customer's saved payment methods.

    The charge is captured at once for the invoice total; the funds are pending for two days, then available.

    Args:
        invoice_id: The invoice to pay.
        payment_method_id: The customer's payment method to charge; omit to use their default one.
    """
    invoice = _invoice(world, invoice_id)
    if invoice.status == "draft":
        raise ToolError(f"Invoice {invoice_id} is still a draft; finalize it with finalize_invoice before paying it.")
    if invoice.status == "paid":
        paid_on = invoice.paid_at.date() if invoice.paid_at else "earlier"
        raise ToolError(f"Invoice {invoice_id} is already paid (charge {invoice.charge_id}, on {paid_on}).")
    if invoice.status == "void":
        raise ToolError(
            f"Invoice {invoice_id} is void and cannot be paid. If the customer still owes the amount, create a new "
            "invoice with create_invoice."
        )
    customer = world.customers[invoice.customer_id]
    method = _payment_method_for(world, customer, payment_method_id)
    if method.currency is not None and method.currency != invoice.currency:
        raise ToolError(
            f"Currency mismatch: {_method_label(method)} can only pay in {method.currency}, and invoice "
            f"{invoice_id} is in {invoice.currency}. {_alternatives(world, customer, invoice.currency, method)}"
        )
    charge = Charge(
        charge_id=world.next_id("CH"),
        customer_id=customer.customer_id,
        payment_method_id=method.payment_method_id,
        invoice_id=invoice_id,
        description=f"Payment for invoice {invoice_id}",
        amount=invoice.total,
        currency=invoice.currency,
        status="authorized",
        created_at=world.now,
    )
    world.capture(charge, invoice.total, world.now)
    world.charges[charge.charge_id] = charge
    _add_pending(world, charge)
    invoice.status = "paid"
    invoice.paid_at = world.now
    invoice.charge_id = charge.charge_id
    world.emit("charge.succeeded", charge.charge_id, money(charge.amount, charge.currency))
    world.emit("invoice.paid", invoice_id, f"{money(invoice.total, invoice.currency)} by {charge.charge_id}")
    return InvoicePayment(invoice=_invoice_view(world, invoice), charge=_charge_view(world, charge, []))


def _payment_method_for(
    world: PaymentsWorld, customer: MerchantCustomer, payment_method_id: str | None
) -> PaymentMethod:
    """The customer's chosen (or default) payment method, refused when it is not theirs or is an expired card."""
    chosen = payment_method_id or customer.default_payment_method_id
    if chosen is None:
        raise ToolError(
            f"Customer {customer.customer_id} ({customer.name}) has no payment method on file; ask the customer to "
            "add one."
        )
    method = world.payment_methods.get(chosen)
    if method is None or method.customer_id != customer.customer_id:
        raise ToolError(
            f"Unknown payment method {chosen[:40]!r} for customer {customer.customer_id}. "
            "Use find_merchant_customers to see their saved payment methods."
        )
    if world.card_expired(method):
        raise ToolError(
            f"Card expired: {_method_label(method)} expired at the end of {method.exp_year}-{method.exp_month:02d}. "
            f"{_alternatives(world, customer, customer.currency, method)}"
        )
    return method


def _alternatives(world: PaymentsWorld, customer: MerchantCustomer, currency: str, refused: PaymentMethod) -> str:
    """A hint naming the customer's other payment methods that could pay in `currency`."""
    usable = [
        _method_label(method)
        for method in world.usable_methods(customer.customer_id, currency)
        if method.payment_method_id != refused.payment_method_id
    ]
    if not usable:
        return f"Customer {customer.customer_id} has no other usable payment method; ask them to add one."
    return f"Other usable payment methods of {customer.customer_id}: {', '.join(usable)}."


def _add_pending(world: PaymentsWorld, charge: Charge) -> Balance:
    balance = world.balances[charge.currency]
    balance.pending = round(balance.pending + charge.amount_captured - processing_fee(charge.amount_captured), 2)
    return balance


# ----- charges and refunds -----


@server.read
def list_merchant_charges(
    world: PaymentsWorld,
    customer_id: MerchantCustomerId | None = None,
    status: ChargeStatus | None = None,
    invoice_id: InvoiceId | None = None,
    charge_id: ChargeId | None = None,
    limit: Limit = 20,
) -> ChargeList:
    """List charges with their status, captured and refunded amounts, refunds and authorization expiry, newest first.

    Args:
        customer_id: Only this customer's charges.
        status: Only charges in this status.
        invoice_id: Only the charges (payment attempts) of this invoice.
        charge_id: Only this one charge.
        limit: The most charges to return.
    """
    if customer_id is not None:
        _customer(world, customer_id)
    if invoice_id is not None:
        _invoice(world, invoice_id)
    candidates = [_charge(world, charge_id)] if charge_id is not None else world.charges.values()
    matched = _newest_first(
        charge
        for charge in candidates
        if (customer_id is None or charge.customer_id == customer_id)
        and (status is None or charge.status == status)
        and (invoice_id is None or charge.invoice_id == invoice_id)
    )
    shown = matched[:limit]
    refunds: dict[str, list[Refund]] = {charge.charge_id: [] for charge in shown}
    for refund in world.refunds.values():
        if refund.charge_id in refunds:
            refunds[refund.charge_id].append(refund)
    views = [_charge_view(world, charge, refunds[charge.charge_id]) for charge in shown]
    return ChargeList(charges=views, total_matched=len(matched))


@server.write
def capture_charge(world: PaymentsWorld, charge_id: ChargeId, amount: Amount | None = None) -> CaptureReceipt:
    """Capture an authorized (uncaptured) charge, in full or in part, within 7 days of the authorization.

    Capturing less than was authorized releases the rest to the customer.

    Args:
        charge_id: The authorized charge.
        amount: How much to capture, at most the authorized amount; omit to capture all of it.
    """
    charge = _charge(world, charge_id)
    if charge.status == "failed":
        raise ToolError(
            f"Charge {charge_id} failed ({charge.failure_reason}); nothing was authorized, so there is nothing to "
            "capture."
        )
    if charge.status != "authorized":
        captured_on = charge.captured_at.date() if charge.captured_at else "earlier"
        raise ToolError(
            f"Charge {charge_id} was already captured ({money(charge.amount_captured, charge.currency)} on "
            f"{captured_on}); its status is {charge.status}."
        )
    expires = charge.created_at + timedelta(days=AUTHORIZATION_DAYS)
    if world.now > expires:
        raise ToolError(
            f"The authorization of charge {charge_id} expired on {expires.date()} ({AUTHORIZATION_DAYS} days after "
            "it was made) and can no longer be captured; the customer has to pay again."
        )
    amount = charge.amount if amount is None else round(amount, 2)
    if amount > charge.amount:
        raise ToolError(
            f"Cannot capture {money(amount, charge.currency)}: charge {charge_id} authorized only "
            f"{money(charge.amount, charge.currency)}."
        )
    world.capture(charge, amount, world.now)
    balance = _add_pending(world, charge)
    authorized = money(charge.amount, charge.currency)
    world.emit("charge.captured", charge_id, f"{money(amount, charge.currency)} of {authorized}")
    return CaptureReceipt(charge=_charge_view(world, charge, []), balance=balance)


@server.write
def refund_charge(
    world: PaymentsWorld,
    charge_id: ChargeId,
    amount: Amount | None = None,
    reason: RefundReason = "requested_by_customer",
) -> RefundReceipt:
    """Refund a captured charge in full or in part; the money comes out of the available balance.

    Several partial refunds may be made until the captured amount is used up.

    Args:
        charge_id: The captured charge to refund.
        amount: How much to refund; omit to refund everything not yet refunded.
        reason: Why the money is returned.
    """
    charge = _charge(world, charge_id)
    if charge.status == "failed":
        raise ToolError(
            f"Charge {charge_id} failed ({charge.failure_reason}); no money was collected, so there is nothing to "
            "refund."
        )
    if charge.status == "authorized":
        raise ToolError(
            f"Charge {charge_id} is authorized but not captured; no money was collected, so there is nothing to "
            f"refund. An uncaptured authorization lapses on its own after {AUTHORIZATION_DAYS} days."
        )
    remaining = _refundable(charge)
    if remaining <= 0:
        raise ToolError(
            f"Charge {charge_id} is already fully refunded ({money(charge.amount_refunded, charge.currency)})."
        )
    amount = remaining if amount is None else round(amount, 2)
    if amount > remaining:
        raise ToolError(
            f"Refund exceeds the refundable amount: charge {charge_id} captured "
            f"{money(charge.amount_captured, charge.currency)} and {money(charge.amount_refunded, charge.currency)} "
            f"is already refunded, so at most {money(remaining, charge.currency)} can still be refunded."
        )
    balance = world.balances[charge.currency]
    if amount > balance.available:
        raise ToolError(
            f"Insufficient available balance: {money(balance.available, balance.currency)} is available "
            f"({money(balance.pending, balance.currency)} still pending) and the refund needs "
            f"{money(amount, charge.currency)}."
        )
    refund = world.record_refund(charge, amount, reason, world.now)
    balance.available = round(balance.available - amount, 2)
    world.emit("refund.created", refund.refund_id, refund_detail(refund))
    world.emit("charge.refunded", charge_id, refunded_detail(charge))
    return RefundReceipt(refund=refund, charge=_charge_view(world, charge), balance=balance)


# ----- balance and payouts -----


@server.read
def list_payouts(
    world: PaymentsWorld, currency: Currency | None = None, status: PayoutStatus | None = None, limit: Limit = 20
) -> PayoutOverview:
    """Show the merchant's balance per currency (available and pending) and the payouts to its bank, newest first.

    Args:
        currency: Only this currency's balance and payouts.
        status: Only payouts in this status.
        limit: The most payouts to return.
    """
    balances = [balance for balance in world.balances.values() if currency is None or balance.currency == currency]
    matched = _newest_first(
        payout
        for payout in world.payouts.values()
        if (currency is None or payout.currency == currency) and (status is None or payout.status == status)
    )
    return PayoutOverview(balances=balances, payouts=matched[:limit], total_matched=len(matched))


@server.write
def create_payout(
    world: PaymentsWorld, amount: Amount, currency: Currency, description: ShortText = ""
) -> PayoutReceipt:
    """Pay out part of the available balance to the merchant's bank account for that currency.

    The payout is in transit and arrives in two days; pending funds cannot be paid out until they settle.

    Args:
        amount: How much to pay out.
        currency: The balance (and bank account) to pay out from.
        description: A note shown on the payout.
    """
    balance = world.balances[currency]
    amount = round(amount, 2)
    if amount > balance.available:
        raise ToolError(
            f"Payout exceeds the available balance: {money(balance.available, currency)} is available "
            f"({money(balance.pending, currency)} more is pending and becomes available within {SETTLEMENT_DAYS} "
            "days)."
        )
    payout = world.record_payout(amount, currency, description.strip() or "Manual payout", world.now)
    balance.available = round(balance.available - amount, 2)
    world.emit("payout.created", payout.payout_id, payout_detail(payout))
    return PayoutReceipt(payout=payout, balance=balance)


# ----- webhooks -----


@server.read
def list_webhook_endpoints(world: PaymentsWorld, enabled_only: bool = False) -> WebhookEndpointList:
    """List the webhook endpoints the platform sends events to, with their subscribed event types.

    Args:
        enabled_only: Only endpoints that currently receive events.
    """
    endpoints = [endpoint for endpoint in world.webhook_endpoints.values() if endpoint.enabled or not enabled_only]
    return WebhookEndpointList(endpoints=endpoints)


@server.write
def create_webhook_endpoint(
    world: PaymentsWorld,
    url: WebhookUrl,
    event_types: Annotated[list[EventTypeName], Field(min_length=1, max_length=20)],
    description: ShortText = "",
) -> WebhookEndpoint:
    """Register a URL to receive webhook events of the given types; it is enabled at once.

    Args:
        url: A public https:// address, such as https://example.com/webhooks.
        event_types: Event types to send, such as "invoice.paid" or "charge.refunded"; ["*"] for all types.
        description: What the endpoint is for.
    """
    problem = _webhook_url_problem(url)
    if problem is not None:
        raise ToolError(f"Invalid webhook URL {url[:64]!r}: {problem}. Use a public https:// address.")
    chosen = _check_event_types(event_types)
    for endpoint in world.webhook_endpoints.values():
        if endpoint.url == url:
            raise ToolError(f"Endpoint {endpoint.endpoint_id} already receives events at {url}.")
    if len(world.webhook_endpoints) >= MAX_WEBHOOK_ENDPOINTS:
        raise ToolError(f"The account already has the maximum of {MAX_WEBHOOK_ENDPOINTS} webhook endpoints.")
    endpoint = WebhookEndpoint(
        endpoint_id=world.next_id("WE"),
        url=url,
        description=description.strip(),
        event_types=chosen,
        enabled=True,
        created_at=world.now,
    )
    world.webhook_endpoints[endpoint.endpoint_id] = endpoint
    world.emit("webhook_endpoint.created", endpoint.endpoint_id, url)
    return endpoint


@server.read
def list_webhook_events(
    world: PaymentsWorld,
    event_type: EventTypeName | None = None,
    object_id: ObjectId | None = None,
    endpoint_id: WebhookEndpointId | None = None,
    limit: Limit = 20,
) -> WebhookEventList:
    """List the events the platform emitted for state changes (the last 30 days), newest first.

    Args:
        event_type: Only events of this type, such as "invoice.paid" ("*" for all).
        object_id: Only events about this invoice, charge, refund, payout or endpoint id.
        endpoint_id: Only events delivered to this webhook endpoint.
        limit: The most events to return.
    """
    wanted_type = None
    if event_type is not None:
        wanted_type = _check_event_types([event_type])[0]
    if endpoint_id is not None:
        require(world.webhook_endpoints, endpoint_id, "webhook endpoint", "Use list_webhook_endpoints to see them.")
    wanted = object_id.strip().upper() if object_id is not None else None
    matched = [
        event
        for event in reversed(world.events)
        if wanted_type in (None, ALL_EVENTS, event.type)
        and (wanted is None or event.object_id == wanted)
        and (endpoint_id is None or endpoint_id in event.delivered_to)
    ]
    return WebhookEventList(events=matched[:limit], total_matched=len(matched))
