"""The merchant's payment account: customers, payment methods, invoices, charges, refunds, balances, payouts, webhook
endpoints and the event log.

Money is a float rounded to cents in the currency of the record. A captured charge adds its amount net of the
processing fee to the pending balance of its currency; the history generated here is illustrative, so balances are
set after it rather than summed from it. Refunds and payouts are paid from the available balance. Every state
change appends a `WebhookEvent` (the log keeps the last 30 days), delivered to the enabled endpoints subscribed to
its type.
"""

import random
import typing
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
MerchantCustomerId = Annotated[str, Entity("merchant_customer"), _ID]
PaymentMethodId = Annotated[str, Entity("merchant_payment_method"), _ID]
InvoiceId = Annotated[str, Entity("invoice"), _ID]
ChargeId = Annotated[str, Entity("charge"), _ID]
RefundId = Annotated[str, Entity("refund"), _ID]
PayoutId = Annotated[str, Entity("payout"), _ID]
WebhookEndpointId = Annotated[str, Entity("webhook_endpoint"), _ID]
WebhookEventId = Annotated[str, Entity("webhook_event"), _ID]

Currency = Literal["USD", "EUR", "GBP"]
InvoiceStatus = Literal["draft", "open", "paid", "void", "uncollectible"]
ChargeStatus = Literal["authorized", "captured", "partially_refunded", "refunded", "failed"]
PaymentMethodType = Literal["card", "us_bank_account", "sepa_debit"]
RefundReason = Literal["requested_by_customer", "duplicate", "fraudulent"]
PayoutStatus = Literal["in_transit", "paid", "failed"]
EventType = Literal[
    "invoice.created", "invoice.updated", "invoice.finalized", "invoice.paid", "invoice.payment_failed",
    "invoice.voided", "invoice.marked_uncollectible", "charge.authorized", "charge.succeeded", "charge.captured",
    "charge.failed", "charge.refunded", "refund.created", "payout.created", "payout.paid", "payout.failed",
    "webhook_endpoint.created",
]
EVENT_TYPES: tuple[str, ...] = typing.get_args(EventType)
ALL_EVENTS = "*"
"""Subscribing an endpoint to `*` delivers every event type to it."""

AUTHORIZATION_DAYS = 7
"""An uncaptured authorization can be captured for this many days after it was created."""
EVENT_RETENTION_DAYS = 30
SETTLEMENT_DAYS = 2
"""Captured funds stay pending this long before they become available for refunds and payouts."""
FEE_RATE = 0.029
FEE_FIXED = 0.30


def processing_fee(amount: float) -> float:
    """The platform's fee on a captured amount: 2.9% plus 0.30 in the charge's currency."""
    return round(amount * FEE_RATE + FEE_FIXED, 2)


def money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def refund_detail(refund: "Refund") -> str:
    return f"{money(refund.amount, refund.currency)} on {refund.charge_id}"


def refunded_detail(charge: "Charge") -> str:
    refunded, captured = money(charge.amount_refunded, charge.currency), money(charge.amount_captured, charge.currency)
    return f"{refunded} of {captured} refunded"


def payout_detail(payout: "Payout") -> str:
    return f"{money(payout.amount, payout.currency)} to {payout.destination}"


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) moved by `months` calendar months (negative moves back)."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


class Merchant(BaseModel):
    name: str
    country: str
    default_currency: Currency
    statement_descriptor: str
    bank_accounts: dict[str, str] = Field(description="Payout destination (bank and last 4 digits) per currency.")


class MerchantCustomer(BaseModel):
    customer_id: MerchantCustomerId
    name: str = Field(description="The customer's company name.")
    contact_name: str
    email: str
    country: str = Field(description="ISO country code.")
    currency: Currency = Field(description="The currency the customer is invoiced and charged in.")
    tax_rate: float = Field(description="Sales tax or VAT percentage applied to the customer's invoices.")
    default_payment_method_id: PaymentMethodId | None = None
    created_on: date


class PaymentMethod(BaseModel):
    payment_method_id: PaymentMethodId
    customer_id: MerchantCustomerId
    type: PaymentMethodType
    brand: str = Field(description="Card network, or the bank of a bank debit.")
    last4: str
    exp_month: int | None = Field(None, description="Cards only: valid through the end of this month.")
    exp_year: int | None = None
    currency: Currency | None = Field(None, description="Bank debits only: the one currency they can pay in.")


class LineItem(BaseModel):
    description: str
    quantity: int
    unit_amount: float
    amount: float


class Invoice(BaseModel):
    invoice_id: InvoiceId
    customer_id: MerchantCustomerId
    currency: Currency
    status: InvoiceStatus
    line_items: list[LineItem] = Field(default_factory=list)
    subtotal: float = 0.0
    tax_rate: float
    tax: float = 0.0
    total: float = 0.0
    days_until_due: int
    memo: str = ""
    created_at: datetime
    finalized_at: datetime | None = None
    due_date: date | None = Field(None, description="Set when the invoice is finalized.")
    paid_at: datetime | None = None
    voided_at: datetime | None = None
    marked_uncollectible_at: datetime | None = None
    charge_id: ChargeId | None = Field(None, description="The charge that paid the invoice.")

    def refresh_totals(self) -> None:
        self.subtotal = round(sum(item.amount for item in self.line_items), 2)
        self.tax = round(self.subtotal * self.tax_rate / 100, 2)
        self.total = round(self.subtotal + self.tax, 2)


class Charge(BaseModel):
    charge_id: ChargeId
    customer_id: MerchantCustomerId
    payment_method_id: PaymentMethodId
    invoice_id: InvoiceId | None = None
    description: str
    amount: float = Field(description="The amount authorized or attempted.")
    currency: Currency
    status: ChargeStatus
    amount_captured: float = 0.0
    amount_refunded: float = 0.0
    created_at: datetime
    captured_at: datetime | None = None
    failure_reason: str | None = None


class Refund(BaseModel):
    refund_id: RefundId
    charge_id: ChargeId
    amount: float
    currency: Currency
    reason: RefundReason
    created_at: datetime


class Balance(BaseModel):
    currency: Currency
    available: float = Field(description="Can be refunded or paid out now.")
    pending: float = Field(description="Captured recently; becomes available after settlement.")


class Payout(BaseModel):
    payout_id: PayoutId
    amount: float
    currency: Currency
    status: PayoutStatus
    destination: str
    description: str
    created_at: datetime
    arrival_date: date
    failure_reason: str | None = None


class WebhookEndpoint(BaseModel):
    endpoint_id: WebhookEndpointId
    url: str
    description: str
    event_types: list[str] = Field(description="Subscribed event types; '*' means all of them.")
    enabled: bool
    created_at: datetime


class WebhookEvent(BaseModel):
    event_id: WebhookEventId
    type: EventType
    object_id: str = Field(description="The invoice, charge, refund, payout or endpoint the event is about.")
    detail: str = Field(description="The amount involved and related ids.")
    created_at: datetime
    delivered_to: list[WebhookEndpointId] = Field(description="Endpoints the event was sent to.")


_COMPANY_HEADS = (
    "Bluebird", "Cedar", "Harbor", "Summit", "Northstar", "Maple", "Ironwood", "Lumen", "Copper", "Silverline",
    "Redwood", "Brightwater", "Oakhill", "Pinecrest", "Riverside", "Stonebridge", "Westfield", "Kestrel", "Juniper",
    "Alder", "Falcon", "Meridian", "Sable", "Tidewater", "Granite", "Willow", "Aurora", "Beacon",
)
_COMPANY_TAILS = (
    "Dental", "Logistics", "Bakery", "Architects", "Fitness", "Legal", "Studios", "Veterinary", "Outfitters",
    "Consulting", "Labs", "Brewing", "Realty", "Clinics", "Media", "Engineering", "Florists", "Accounting",
)
_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Lucas", "Mia", "Amelia", "James", "Harper",
    "Daniel", "Grace", "Priya", "Arjun", "Mei", "Carlos", "Lucia", "Fatima", "Omar", "Yuki", "Elena", "Kwame",
    "Niamh", "Jonas", "Claire", "Matteo", "Ingrid", "Hugo",
)
_LAST_NAMES = (
    "Smith", "Garcia", "Miller", "Davis", "Martinez", "Wilson", "Anderson", "Taylor", "Moore", "Lee", "Clark",
    "Walker", "Young", "King", "Nguyen", "Patel", "Kim", "Chen", "Okafor", "Novak", "Sullivan", "Rossi", "Tanaka",
    "Schmidt", "Dubois", "de Vries", "Murphy", "Fernandez", "Hughes", "Kowalski",
)
_REGIONS: tuple[tuple[str, Currency, tuple[float, ...], str, int], ...] = (
    ("US", "USD", (0.0, 4.0, 6.0, 6.25, 7.25, 8.875), "com", 24),
    ("DE", "EUR", (19.0,), "de", 4),
    ("FR", "EUR", (20.0,), "fr", 3),
    ("NL", "EUR", (21.0,), "nl", 2),
    ("IE", "EUR", (23.0,), "ie", 1),
    ("GB", "GBP", (20.0,), "co.uk", 6),
)
_LEGAL_SUFFIXES = {"US": " Inc.", "GB": " Ltd.", "DE": " GmbH", "FR": " SARL", "NL": " B.V."}
_CARD_BRANDS = ("visa", "visa", "mastercard", "mastercard", "amex")
_US_BANKS = ("Chase", "Bank of America", "Wells Fargo", "Citibank", "US Bank")
_EU_BANKS = ("Deutsche Bank", "ING", "BNP Paribas", "Rabobank", "Bank of Ireland")
_CATALOG: tuple[tuple[str, float, int], ...] = (
    ("Growth plan - monthly subscription", 299.0, 1),
    ("Scale plan - monthly subscription", 899.0, 1),
    ("Additional user seat", 25.0, 12),
    ("Onboarding workshop (half day)", 1200.0, 1),
    ("Data migration service", 750.0, 1),
    ("Priority support add-on", 149.0, 1),
    ("API usage overage (10k calls)", 12.0, 40),
    ("Custom dashboard build", 2400.0, 1),
    ("Annual platform license", 8400.0, 1),
    ("Analyst training session", 450.0, 3),
)
_PRICE_FACTOR: dict[str, float] = {"USD": 1.0, "EUR": 0.95, "GBP": 0.8}
_DIRECT_CHARGES = (
    "Usage top-up", "Workshop registration", "Consulting hours", "Setup fee", "Seat expansion",
    "Report export credits", "Event sponsorship", "Hardware deposit",
)
_FAILURES = ("card_declined", "insufficient_funds", "card_declined", "processing_error")
_ENDPOINTS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("https://api.harborline.io/webhooks/payments", "Main billing service", (ALL_EVENTS,), True),
    (
        "https://erp.harborline.io/hooks/invoices",
        "ERP invoice sync",
        ("invoice.finalized", "invoice.paid", "invoice.voided", "invoice.marked_uncollectible"),
        True,
    ),
    (
        "https://alerts.harborline.io/finance",
        "Finance team alerts",
        ("charge.failed", "invoice.payment_failed", "refund.created", "payout.failed"),
        True,
    ),
    ("https://legacy.harborline.io/stripe-hook", "Old billing system (retired)", ("charge.succeeded",), False),
    (
        "https://analytics.harborline.io/ingest/payments",
        "Revenue analytics",
        ("charge.succeeded", "charge.refunded"),
        True,
    ),
)

History = list[tuple[datetime, EventType, str, str]]
"""State changes of the generated past (moment, event type, object id, detail), emitted in time order at the end."""

_INVOICE_COUNT = 80
_CHARGE_COUNT = 120
_INVOICE_STATUSES: tuple[tuple[InvoiceStatus, float, int, int], ...] = (
    # status, weight, youngest and oldest age in days
    ("draft", 0.10, 0, 8),
    ("open", 0.25, 1, 75),
    ("paid", 0.45, 5, 150),
    ("void", 0.12, 10, 150),
    ("uncollectible", 0.08, 100, 160),
)


class PaymentsWorld(World):
    server: ClassVar[str] = "payments"

    merchant: Merchant
    customers: dict[str, MerchantCustomer] = Field(default_factory=dict)
    payment_methods: dict[str, PaymentMethod] = Field(default_factory=dict)
    invoices: dict[str, Invoice] = Field(default_factory=dict)
    charges: dict[str, Charge] = Field(default_factory=dict)
    refunds: dict[str, Refund] = Field(default_factory=dict)
    balances: dict[str, Balance] = Field(default_factory=dict)
    payouts: dict[str, Payout] = Field(default_factory=dict)
    webhook_endpoints: dict[str, WebhookEndpoint] = Field(default_factory=dict)
    events: list[WebhookEvent] = Field(default_factory=list)

    # ----- bookkeeping shared by the generator and the tools -----

    def card_expired(self, method: PaymentMethod) -> bool:
        """A card is usable through the last day of its expiry month."""
        if method.exp_year is None or method.exp_month is None:
            return False
        return (method.exp_year, method.exp_month) < (self.now.year, self.now.month)

    def usable_methods(self, customer_id: str, currency: str) -> list[PaymentMethod]:
        """The customer's unexpired payment methods that can pay in `currency`."""
        return [
            method
            for method in self.payment_methods.values()
            if method.customer_id == customer_id
            and not self.card_expired(method)
            and method.currency in (None, currency)
        ]

    def emit(self, event_type: EventType, object_id: str, detail: str, at: datetime | None = None) -> WebhookEvent:
        """Append an event to the log and deliver it to the enabled endpoints subscribed to its type."""
        moment = at or self.now
        delivered = [
            endpoint.endpoint_id
            for endpoint in self.webhook_endpoints.values()
            if endpoint.enabled
            and endpoint.created_at <= moment
            and (ALL_EVENTS in endpoint.event_types or event_type in endpoint.event_types)
        ]
        event = WebhookEvent(
            event_id=self.next_id("EVT", 5),
            type=event_type,
            object_id=object_id,
            detail=detail,
            created_at=moment,
            delivered_to=delivered,
        )
        self.events.append(event)
        return event

    def capture(self, charge: Charge, amount: float, at: datetime) -> None:
        """Mark `amount` of an authorized charge as captured (no balance change)."""
        charge.status = "captured"
        charge.amount_captured = round(amount, 2)
        charge.captured_at = at

    def record_refund(self, charge: Charge, amount: float, reason: RefundReason, at: datetime) -> Refund:
        """Refund `amount` of a captured charge and update its status (no balance change)."""
        refund = Refund(
            refund_id=self.next_id("RE"),
            charge_id=charge.charge_id,
            amount=round(amount, 2),
            currency=charge.currency,
            reason=reason,
            created_at=at,
        )
        self.refunds[refund.refund_id] = refund
        charge.amount_refunded = round(charge.amount_refunded + refund.amount, 2)
        charge.status = "refunded" if charge.amount_refunded >= charge.amount_captured else "partially_refunded"
        return refund

    def record_payout(self, amount: float, currency: Currency, description: str, at: datetime) -> Payout:
        """A payout in transit to the merchant's bank account for `currency` (no balance change)."""
        payout = Payout(
            payout_id=self.next_id("PO"),
            amount=round(amount, 2),
            currency=currency,
            status="in_transit",
            destination=self.merchant.bank_accounts[currency],
            description=description,
            created_at=at,
            arrival_date=(at + timedelta(days=SETTLEMENT_DAYS)).date(),
        )
        self.payouts[payout.payout_id] = payout
        return payout

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self.merchant = Merchant(
            name="Harborline Analytics Inc.",
            country="US",
            default_currency="USD",
            statement_descriptor="HARBORLINE",
            bank_accounts={
                "USD": f"Chase ****{rng.randrange(10000):04d}",
                "EUR": f"ING ****{rng.randrange(10000):04d}",
                "GBP": f"Barclays ****{rng.randrange(10000):04d}",
            },
        )
        self._generate_endpoints(rng)
        self._generate_customers(rng)
        history: History = []
        self._generate_invoices(rng, history)
        self._generate_charges(rng, history)
        self._generate_payouts(rng, history)
        self._generate_balances(rng)
        window_start = self.now - timedelta(days=EVENT_RETENTION_DAYS)
        for moment, event_type, object_id, detail in sorted(history, key=lambda entry: (entry[0], entry[2])):
            if moment >= window_start:
                self.emit(event_type, object_id, detail, moment)

    def _ago(self, rng: random.Random, youngest_days: int, oldest_days: int) -> datetime:
        """A whole minute between `oldest_days` and `youngest_days` before now (not in the future)."""
        minutes = rng.randint(30, 60 * 24 * (oldest_days - youngest_days) + 30)
        moment = self.now - timedelta(days=youngest_days, minutes=minutes)
        return moment.replace(second=0, microsecond=0)

    def _generate_endpoints(self, rng: random.Random) -> None:
        for url, description, event_types, enabled in _ENDPOINTS[: rng.randint(3, len(_ENDPOINTS))]:
            endpoint = WebhookEndpoint(
                endpoint_id=self.next_id("WE"),
                url=url,
                description=description,
                event_types=list(event_types),
                enabled=enabled,
                created_at=self._ago(rng, 200, 500),
            )
            self.webhook_endpoints[endpoint.endpoint_id] = endpoint

    def _generate_customers(self, rng: random.Random) -> None:
        countries = [region for region in _REGIONS for _ in range(region[4])]
        rng.shuffle(countries)
        names = rng.sample([f"{head} {tail}" for head in _COMPANY_HEADS for tail in _COMPANY_TAILS], len(countries))
        without_methods = set(rng.sample(range(len(countries)), 2))
        for index, ((country, currency, tax_rates, domain, _), company) in enumerate(zip(countries, names)):
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            slug = company.lower().replace(" ", "")
            customer = MerchantCustomer(
                customer_id=self.next_id("CUS"),
                name=company + _LEGAL_SUFFIXES.get(country, ""),
                contact_name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower().replace(' ', '')}@{slug}.{domain}",
                country=country,
                currency=currency,
                tax_rate=0.0 if rng.random() < 0.1 else rng.choice(tax_rates),
                created_on=self.now.date() - timedelta(days=rng.randint(160, 900)),
            )
            self.customers[customer.customer_id] = customer
            if index not in without_methods:
                self._generate_payment_methods(rng, customer)

    def _generate_payment_methods(self, rng: random.Random, customer: MerchantCustomer) -> None:
        """One or two cards (some expired) and sometimes a bank debit; the first card is the default."""
        methods: list[PaymentMethod] = []
        for number in range(rng.choice((1, 1, 2))):
            expired = number == 0 and rng.random() < 0.2
            months = -rng.randint(1, 14) if expired else rng.randint(1, 48)
            year, month = shift_month(self.now.year, self.now.month, months)
            methods.append(self._payment_method(rng, customer, "card", rng.choice(_CARD_BRANDS), month, year, None))
        if customer.country == "US" and rng.random() < 0.3:
            bank = rng.choice(_US_BANKS)
            methods.append(self._payment_method(rng, customer, "us_bank_account", bank, None, None, "USD"))
        elif customer.country != "US" and rng.random() < 0.35:
            bank = rng.choice(_EU_BANKS)
            methods.append(self._payment_method(rng, customer, "sepa_debit", bank, None, None, "EUR"))
        customer.default_payment_method_id = methods[0].payment_method_id

    def _payment_method(
        self,
        rng: random.Random,
        customer: MerchantCustomer,
        kind: PaymentMethodType,
        brand: str,
        exp_month: int | None,
        exp_year: int | None,
        currency: Currency | None,
    ) -> PaymentMethod:
        method = PaymentMethod(
            payment_method_id=self.next_id("PM"),
            customer_id=customer.customer_id,
            type=kind,
            brand=brand,
            last4=f"{rng.randrange(10000):04d}",
            exp_month=exp_month,
            exp_year=exp_year,
            currency=currency,
        )
        self.payment_methods[method.payment_method_id] = method
        return method

    def _generate_invoices(self, rng: random.Random, history: History) -> None:
        customers = list(self.customers.values())
        owners = customers + [rng.choice(customers) for _ in range(_INVOICE_COUNT - len(customers))]
        weights = [weight for _, weight, _, _ in _INVOICE_STATUSES]
        plans: list[tuple[datetime, InvoiceStatus, MerchantCustomer]] = []
        for owner in owners:
            status, _, youngest, oldest = rng.choices(_INVOICE_STATUSES, weights)[0]
            if status == "paid" and not self.usable_methods(owner.customer_id, owner.currency):
                status = "open"
            plans.append((self._ago(rng, youngest, oldest), status, owner))
        plans.sort(key=lambda plan: (plan[0], plan[2].customer_id))
        for created, status, owner in plans:
            invoice = Invoice(
                invoice_id=self.next_id("INV"),
                customer_id=owner.customer_id,
                currency=owner.currency,
                status=status,
                tax_rate=owner.tax_rate,
                days_until_due=rng.choice((14, 30, 30, 45)),
                created_at=created,
            )
            self.invoices[invoice.invoice_id] = invoice
            history.append((created, "invoice.created", invoice.invoice_id, f"for {owner.customer_id}"))
            if status != "draft" or rng.random() < 0.6:
                for description, price, max_quantity in rng.sample(_CATALOG, rng.choice((1, 1, 2, 3))):
                    quantity = rng.randint(1, max_quantity)
                    unit = round(price * _PRICE_FACTOR[owner.currency], 2)
                    amount = round(unit * quantity, 2)
                    invoice.line_items.append(
                        LineItem(description=description, quantity=quantity, unit_amount=unit, amount=amount)
                    )
                invoice.refresh_totals()
            if status != "draft":
                self._close_generated_invoice(rng, invoice, history)

    def _close_generated_invoice(
        self, rng: random.Random, invoice: Invoice, history: History
    ) -> None:
        """Finalize an invoice and move it to its final status at plausible moments before now."""
        invoice.finalized_at = min(invoice.created_at + timedelta(hours=rng.randint(1, 30)), self.now)
        invoice.due_date = invoice.finalized_at.date() + timedelta(days=invoice.days_until_due)
        amount = money(invoice.total, invoice.currency)
        finalized = f"{amount} due {invoice.due_date}"
        history.append((invoice.finalized_at, "invoice.finalized", invoice.invoice_id, finalized))
        if invoice.status == "paid":
            late = timedelta(days=rng.randint(0, invoice.days_until_due), hours=rng.randint(1, 20))
            invoice.paid_at = min(invoice.finalized_at + late, self.now - timedelta(hours=1))
            history.append((invoice.paid_at, "invoice.paid", invoice.invoice_id, amount))
        elif invoice.status == "void":
            invoice.voided_at = min(invoice.finalized_at + timedelta(days=rng.randint(1, 9)), self.now)
            history.append((invoice.voided_at, "invoice.voided", invoice.invoice_id, amount))
        elif invoice.status == "uncollectible":
            invoice.marked_uncollectible_at = min(
                datetime.combine(invoice.due_date, invoice.finalized_at.timetz()) + timedelta(days=rng.randint(30, 50)),
                self.now,
            )
            moment, unpaid = invoice.marked_uncollectible_at, f"{amount} unpaid"
            history.append((moment, "invoice.marked_uncollectible", invoice.invoice_id, unpaid))

    def _generate_charges(self, rng: random.Random, history: History) -> None:
        """Invoice payments, failed invoice attempts and direct charges, numbered in time order; then refunds."""
        planned: list[Charge] = []
        for invoice in self.invoices.values():
            methods = self.usable_methods(invoice.customer_id, invoice.currency)
            if invoice.status == "paid":
                paid_at = invoice.paid_at or invoice.created_at
                charge = self._planned_charge(rng, invoice.customer_id, methods, invoice.total, "captured", paid_at)
                charge.invoice_id = invoice.invoice_id
                charge.description = f"Payment for invoice {invoice.invoice_id}"
                planned.append(charge)
            elif invoice.status in ("open", "uncollectible") and invoice.finalized_at and rng.random() < 0.3:
                methods = [m for m in self.payment_methods.values() if m.customer_id == invoice.customer_id]
                if methods:
                    moment = min(invoice.finalized_at + timedelta(days=rng.randint(0, 3)), self.now)
                    charge = self._planned_charge(rng, invoice.customer_id, methods, invoice.total, "failed", moment)
                    charge.invoice_id = invoice.invoice_id
                    charge.description = f"Payment for invoice {invoice.invoice_id}"
                    planned.append(charge)
        payers = [c for c in self.customers.values() if self.usable_methods(c.customer_id, c.currency)]
        statuses: tuple[ChargeStatus | Literal["expired"], ...] = (
            "captured", "captured", "captured", "captured", "captured", "captured", "partially_refunded", "refunded",
            "refunded", "authorized", "expired", "failed", "failed",
        )
        while len(planned) < _CHARGE_COUNT:
            customer = rng.choice(payers)
            methods = self.usable_methods(customer.customer_id, customer.currency)
            status = rng.choice(statuses)
            age = {"authorized": (0, 5), "expired": (AUTHORIZATION_DAYS + 1, 25)}.get(status, (1, 60))
            amount = round(rng.uniform(20, 2500), 2)
            moment = self._ago(rng, *age)
            charge = self._planned_charge(rng, customer.customer_id, methods, amount, status, moment)
            charge.description = rng.choice(_DIRECT_CHARGES)
            planned.append(charge)
        planned.sort(key=lambda charge: (charge.created_at, charge.customer_id))
        for charge in planned:
            charge.charge_id = self.next_id("CH")
            self.charges[charge.charge_id] = charge
            if charge.invoice_id is not None and charge.status != "failed":
                self.invoices[charge.invoice_id].charge_id = charge.charge_id
            self._charge_history(charge, history)
        self._generate_refunds(rng, history)

    def _planned_charge(
        self,
        rng: random.Random,
        customer_id: str,
        methods: list[PaymentMethod],
        amount: float,
        status: ChargeStatus | Literal["expired"],
        at: datetime,
    ) -> Charge:
        """A charge without its id; refunded statuses are captured here and refunded by `_generate_refunds`."""
        method = rng.choice(methods)
        charge = Charge(
            charge_id="?",
            customer_id=customer_id,
            payment_method_id=method.payment_method_id,
            description="",
            amount=amount,
            currency=self.customers[customer_id].currency,
            status="authorized",
            created_at=at,
        )
        if status == "failed":
            charge.status = "failed"
            charge.failure_reason = "expired_card" if self.card_expired(method) else rng.choice(_FAILURES)
        elif status not in ("authorized", "expired"):
            self.capture(charge, amount, at)
            charge.status = status
        return charge

    def _charge_history(self, charge: Charge, history: History) -> None:
        amount = money(charge.amount, charge.currency)
        if charge.status == "failed":
            history.append((charge.created_at, "charge.failed", charge.charge_id, f"{amount}: {charge.failure_reason}"))
            if charge.invoice_id is not None:
                detail = f"charge {charge.charge_id} failed"
                history.append((charge.created_at, "invoice.payment_failed", charge.invoice_id, detail))
        elif charge.captured_at is None:
            history.append((charge.created_at, "charge.authorized", charge.charge_id, amount))
        else:
            history.append((charge.created_at, "charge.succeeded", charge.charge_id, amount))

    def _generate_refunds(self, rng: random.Random, history: History) -> None:
        planned: list[tuple[datetime, Charge, float]] = []
        for charge in self.charges.values():
            if charge.status not in ("refunded", "partially_refunded"):
                continue
            moment = charge.created_at + (self.now - charge.created_at) * rng.uniform(0.2, 0.7)
            moment = moment.replace(second=0, microsecond=0)
            captured = charge.amount_captured
            if charge.status == "partially_refunded":
                planned.append((moment, charge, round(captured * rng.choice((0.1, 0.25, 0.3, 0.5)), 2)))
            elif rng.random() < 0.3:
                first = round(captured * 0.4, 2)
                planned.append((moment, charge, first))
                later = moment + (self.now - moment) * rng.uniform(0.2, 0.8)
                planned.append((later.replace(second=0, microsecond=0), charge, round(captured - first, 2)))
            else:
                planned.append((moment, charge, captured))
            charge.status = "captured"
        planned.sort(key=lambda plan: (plan[0], plan[1].charge_id))
        for moment, charge, amount in planned:
            reason: RefundReason = rng.choice(("requested_by_customer", "requested_by_customer", "duplicate"))
            refund = self.record_refund(charge, amount, reason, moment)
            history.append((moment, "refund.created", refund.refund_id, refund_detail(refund)))
            history.append((moment, "charge.refunded", charge.charge_id, refunded_detail(charge)))

    def _generate_payouts(self, rng: random.Random, history: History) -> None:
        """Weekly USD payouts, fortnightly EUR and monthly GBP ones over the last two months; one failed."""
        planned: list[tuple[datetime, Currency, float]] = []
        schedule: tuple[tuple[Currency, int, int, int], ...] = (
            ("USD", 7, 3000, 12000), ("EUR", 14, 1500, 6000), ("GBP", 28, 800, 3000),
        )
        for currency, every_days, low, high in schedule:
            for days_ago in range(1, 60, every_days):
                moment = (self.now - timedelta(days=days_ago)).replace(hour=4, minute=0, second=0, microsecond=0)
                planned.append((moment, currency, round(rng.uniform(low, high), 2)))
        planned.sort(key=lambda plan: (plan[0], plan[1]))
        failed_at = rng.randrange(len(planned) - 3)
        for index, (moment, currency, amount) in enumerate(planned):
            payout = self.record_payout(amount, currency, "Automatic payout", moment)
            text = payout_detail(payout)
            history.append((moment, "payout.created", payout.payout_id, text))
            arrival = datetime.combine(payout.arrival_date, moment.timetz())
            if index == failed_at:
                payout.status = "failed"
                payout.failure_reason = "The bank rejected the transfer (account details changed); funds returned."
                history.append((arrival, "payout.failed", payout.payout_id, text))
            elif arrival <= self.now:
                payout.status = "paid"
                history.append((arrival, "payout.paid", payout.payout_id, text))

    def _generate_balances(self, rng: random.Random) -> None:
        """Pending is what was captured in the settlement window; available is a plausible amount per currency."""
        settled_after = self.now - timedelta(days=SETTLEMENT_DAYS)
        for currency, low, high in (("USD", 9000, 22000), ("EUR", 2500, 8000), ("GBP", 700, 2500)):
            pending = sum(
                charge.amount_captured - processing_fee(charge.amount_captured)
                for charge in self.charges.values()
                if charge.currency == currency and charge.captured_at and charge.captured_at > settled_after
            )
            self.balances[currency] = Balance(
                currency=currency, available=round(rng.uniform(low, high), 2), pending=round(pending, 2)
            )
