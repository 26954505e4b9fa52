"""The bank's state: customers, accounts, cards, transactions, payees, transfers, scheduled payments, disputes.

Money is a float rounded to cents, signed on transactions (negative = money out). A credit account's balance is
negative while the customer owes money on it. Transaction history covers the last 120 days before `now`; balances
are set after the history is generated, so the history is illustrative rather than a ledger that sums to them.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
CustomerId = Annotated[str, Entity("customer"), _ID]
AccountId = Annotated[str, Entity("account"), _ID]
CardId = Annotated[str, Entity("card"), _ID]
TransactionId = Annotated[str, Entity("transaction"), _ID]
PayeeId = Annotated[str, Entity("payee"), _ID]
TransferId = Annotated[str, Entity("transfer"), _ID]
ScheduledPaymentId = Annotated[str, Entity("scheduled_payment"), _ID]
DisputeId = Annotated[str, Entity("dispute"), _ID]
Pin = Annotated[str, Entity("pin", sensitive=True), Field(pattern=r"^[0-9]{4}$")]

Currency = Literal["USD", "EUR", "GBP"]
AccountType = Literal["checking", "savings", "credit"]
AccountStatus = Literal["open", "frozen", "closed"]
CardStatus = Literal["active", "frozen", "cancelled"]
CardNetwork = Literal["Visa", "Mastercard"]
CardCancelReason = Literal["lost", "stolen", "damaged", "account_closed"]
PayeeCategory = Literal["utilities", "insurance", "rent", "education", "personal"]
Category = Literal[
    "groceries", "dining", "fuel", "travel", "shopping", "entertainment", "health", "utilities", "insurance", "rent",
    "education", "personal", "salary", "transfer", "cash", "fees", "interest",
]
TransactionKind = Literal[
    "card_purchase", "atm_withdrawal", "deposit", "transfer_in", "transfer_out", "payee_payment", "interest", "fee",
]
Frequency = Literal["once", "weekly", "monthly"]
DisputeReason = Literal["unauthorized", "duplicate_charge", "goods_not_received", "incorrect_amount", "other"]

DISPUTE_WINDOW_DAYS = 60
DEBIT_CARD_MAX_LIMIT = 5000.0
MAX_OPEN_SAVINGS = 3
SAVINGS_DAILY_LIMIT = 5000.0
SAVINGS_RATES: dict[str, float] = {"USD": 3.75, "EUR": 2.1, "GBP": 3.9}
HISTORY_DAYS = 120


def is_weak_pin(pin: str) -> bool:
    """Four equal digits or a straight run (1234, 9876) are refused as PINs."""
    return len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210"


class Customer(BaseModel):
    customer_id: CustomerId
    full_name: str
    email: str
    phone: str
    date_of_birth: date
    city: str
    state: str
    segment: Literal["standard", "premier"]
    kyc_status: Literal["verified", "pending_review"]
    customer_since: date
    pin: Pin
    pin_updated_on: date


class Account(BaseModel):
    account_id: AccountId
    customer_id: CustomerId
    type: AccountType
    nickname: str
    account_number: str
    currency: Currency
    status: AccountStatus
    balance: float
    overdraft_limit: float = Field(0.0, description="Checking only: how far the balance may go below zero.")
    credit_limit: float = Field(0.0, description="Credit only: the most that may be owed.")
    daily_transfer_limit: float = Field(description="Most that may leave by transfer or payment per calendar day.")
    interest_rate: float = Field(description="Annual percentage: savings yield or credit APR; 0 for checking.")
    opened_on: date
    closed_on: date | None = None


class Card(BaseModel):
    card_id: CardId
    account_id: AccountId
    customer_id: CustomerId
    type: Literal["debit", "credit"]
    network: CardNetwork
    last4: str
    cardholder_name: str
    status: CardStatus
    daily_spending_limit: float
    expires: str = Field(description="Year and month, YYYY-MM.")
    issued_on: date
    cancel_reason: CardCancelReason | None = None
    replaced_by: CardId | None = None


class Transaction(BaseModel):
    transaction_id: TransactionId
    account_id: AccountId
    posted_at: datetime
    amount: float = Field(description="Signed: negative for money leaving the account.")
    currency: Currency
    kind: TransactionKind
    category: Category
    description: str
    merchant: str | None = None
    status: Literal["posted", "pending"] = "posted"
    card_id: CardId | None = None
    transfer_id: TransferId | None = None
    dispute_id: DisputeId | None = None


class Payee(BaseModel):
    payee_id: PayeeId
    customer_id: CustomerId
    name: str
    bank_name: str
    account_number: str
    currency: Currency
    category: PayeeCategory
    status: Literal["active", "removed"] = "active"
    added_on: date


class Transfer(BaseModel):
    transfer_id: TransferId
    kind: Literal["internal", "payee"]
    from_account_id: AccountId
    to_account_id: AccountId | None = None
    payee_id: PayeeId | None = None
    amount: float
    currency: Currency
    memo: str
    created_at: datetime


class ScheduledPayment(BaseModel):
    scheduled_payment_id: ScheduledPaymentId
    customer_id: CustomerId
    from_account_id: AccountId
    payee_id: PayeeId
    amount: float
    currency: Currency
    frequency: Frequency
    next_date: date
    status: Literal["active", "cancelled", "completed"]
    reference: str
    created_on: date


class Dispute(BaseModel):
    dispute_id: DisputeId
    transaction_id: TransactionId
    account_id: AccountId
    customer_id: CustomerId
    amount: float
    currency: Currency
    merchant: str | None
    reason: DisputeReason
    details: str
    status: Literal["open", "under_review", "resolved"]
    opened_at: datetime


_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Logan", "Amelia",
    "James", "Harper", "Benjamin", "Evelyn", "Elijah", "Abigail", "Daniel", "Emily", "Henry", "Sofia", "Jackson",
    "Chloe", "Samuel", "Grace", "Sebastian", "Victoria", "David", "Priya", "Arjun", "Mei", "Wei", "Carlos", "Lucia",
    "Mateo", "Fatima", "Omar", "Aisha", "Hiroshi", "Yuki", "Dmitri", "Elena", "Kwame", "Amara", "Sean", "Niamh",
)
_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Patel", "Kim", "Chen", "Okafor",
    "Novak", "Sullivan", "Rossi", "Tanaka", "Haddad", "Kowalski",
)
_CITIES = (
    ("San Francisco", "CA", "415"), ("Austin", "TX", "512"), ("Chicago", "IL", "312"), ("Seattle", "WA", "206"),
    ("Denver", "CO", "303"), ("Boston", "MA", "617"), ("Atlanta", "GA", "404"), ("Portland", "OR", "503"),
    ("Miami", "FL", "305"), ("Phoenix", "AZ", "602"), ("Minneapolis", "MN", "612"), ("Raleigh", "NC", "919"),
)
_EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me")
_EMPLOYERS = (
    "Acme Robotics", "Northwind Traders", "Globex Corp", "Initech", "Blue Ridge Health", "Summit Logistics",
    "Evergreen Schools", "Pioneer Software", "Lakeside Hospital", "Redwood Analytics",
)
_MERCHANTS: tuple[tuple[str, Category, float, float], ...] = (
    ("Whole Foods Market", "groceries", 25, 220), ("Trader Joe's", "groceries", 15, 140),
    ("Safeway", "groceries", 20, 180), ("Kroger", "groceries", 18, 160), ("Costco", "groceries", 60, 420),
    ("Starbucks", "dining", 4, 18), ("Chipotle", "dining", 9, 35), ("Olive Garden", "dining", 30, 120),
    ("Sweetgreen", "dining", 11, 28), ("DoorDash", "dining", 18, 75),
    ("Shell", "fuel", 25, 90), ("Chevron", "fuel", 30, 95), ("ExxonMobil", "fuel", 25, 85),
    ("Delta Air Lines", "travel", 120, 780), ("United Airlines", "travel", 110, 690), ("Marriott", "travel", 140, 620),
    ("Uber", "travel", 9, 60), ("Lyft", "travel", 8, 55),
    ("Amazon", "shopping", 12, 310), ("Target", "shopping", 15, 190), ("Best Buy", "shopping", 40, 1200),
    ("IKEA", "shopping", 30, 650), ("Walmart", "shopping", 12, 210),
    ("Netflix", "entertainment", 15.49, 22.99), ("Spotify", "entertainment", 11.99, 16.99),
    ("AMC Theatres", "entertainment", 14, 60), ("Steam", "entertainment", 5, 70),
    ("CVS Pharmacy", "health", 8, 95), ("Walgreens", "health", 6, 80), ("Planet Fitness", "health", 10, 25),
)
_US_BANKS = ("Chase", "Bank of America", "Wells Fargo", "Citibank", "US Bank", "PNC Bank", "Capital One", "TD Bank")
_BILLERS: tuple[tuple[str, PayeeCategory], ...] = (
    ("Pacific Gas & Electric", "utilities"), ("Comcast Xfinity", "utilities"), ("City Water Utility", "utilities"),
    ("Verizon Wireless", "utilities"), ("State Farm Insurance", "insurance"), ("Geico Auto Insurance", "insurance"),
    ("Oakridge Property Management", "rent"), ("Greenview Apartments", "rent"), ("Harbor Lofts LLC", "rent"),
    ("State University Bursar", "education"), ("Bright Horizons Daycare", "education"),
)
_FOREIGN_PAYEES: tuple[tuple[str, str, str, Currency, PayeeCategory], ...] = (
    ("Maison Dubois Immobilier", "BNP Paribas", "FR", "EUR", "rent"),
    ("Klaus Becker", "Deutsche Bank", "DE", "EUR", "personal"),
    ("Giulia Romano", "Intesa Sanpaolo", "IT", "EUR", "personal"),
    ("Oliver Hughes", "Barclays", "GB", "GBP", "personal"),
    ("Thames Valley Lettings", "HSBC UK", "GB", "GBP", "rent"),
)


class BankingWorld(World):
    server: ClassVar[str] = "banking"

    customers: dict[str, Customer] = Field(default_factory=dict)
    accounts: dict[str, Account] = Field(default_factory=dict)
    cards: dict[str, Card] = Field(default_factory=dict)
    transactions: dict[str, Transaction] = Field(default_factory=dict)
    payees: dict[str, Payee] = Field(default_factory=dict)
    transfers: dict[str, Transfer] = Field(default_factory=dict)
    scheduled_payments: dict[str, ScheduledPayment] = Field(default_factory=dict)
    disputes: dict[str, Dispute] = Field(default_factory=dict)

    # ----- bookkeeping shared by the generator and the tools -----

    def available_balance(self, account: Account) -> float:
        """What the account can spend now: balance plus overdraft (checking) or unused credit (credit)."""
        if account.status == "closed":
            return 0.0
        if account.type == "checking":
            return round(account.balance + account.overdraft_limit, 2)
        if account.type == "credit":
            return round(account.credit_limit + account.balance, 2)
        return round(account.balance, 2)

    def sent_today(self, account_id: str) -> float:
        """Total sent by transfer or payee payment from the account on the current calendar day."""
        today = self.now.date()
        return round(
            sum(
                -txn.amount
                for txn in self.transactions.values()
                if txn.account_id == account_id
                and txn.kind in ("transfer_out", "payee_payment")
                and txn.posted_at.date() == today
            ),
            2,
        )

    def post_entry(
        self,
        account: Account,
        amount: float,
        kind: TransactionKind,
        category: Category,
        description: str,
        at: datetime,
        *,
        merchant: str | None = None,
        card_id: str | None = None,
        transfer_id: str | None = None,
        status: Literal["posted", "pending"] = "posted",
    ) -> Transaction:
        """Record a transaction on `account` and apply it to the balance."""
        txn = Transaction(
            transaction_id=self.next_id("TXN", 5),
            account_id=account.account_id,
            posted_at=at,
            amount=round(amount, 2),
            currency=account.currency,
            kind=kind,
            category=category,
            description=description,
            merchant=merchant,
            status=status,
            card_id=card_id,
            transfer_id=transfer_id,
        )
        self.transactions[txn.transaction_id] = txn
        account.balance = round(account.balance + txn.amount, 2)
        return txn

    def record_transfer(
        self,
        source: Account,
        amount: float,
        memo: str,
        at: datetime,
        *,
        target: Account | None = None,
        payee: Payee | None = None,
    ) -> Transfer:
        """Move `amount` out of `source` into an own account (`target`) or to a saved `payee`; no checks."""
        amount = round(amount, 2)
        transfer = Transfer(
            transfer_id=self.next_id("TRF"),
            kind="internal" if target is not None else "payee",
            from_account_id=source.account_id,
            to_account_id=target.account_id if target is not None else None,
            payee_id=payee.payee_id if payee is not None else None,
            amount=amount,
            currency=source.currency,
            memo=memo,
            created_at=at,
        )
        self.transfers[transfer.transfer_id] = transfer
        note = f" - {memo}" if memo else ""
        if target is not None:
            self.post_entry(
                source, -amount, "transfer_out", "transfer", f"Transfer to {target.account_id}{note}", at,
                transfer_id=transfer.transfer_id,
            )
            self.post_entry(
                target, amount, "transfer_in", "transfer", f"Transfer from {source.account_id}{note}", at,
                transfer_id=transfer.transfer_id,
            )
        elif payee is not None:
            self.post_entry(
                source, -amount, "payee_payment", payee.category, f"Payment to {payee.name}{note}", at,
                merchant=payee.name, transfer_id=transfer.transfer_id,
            )
        return transfer

    def issue_card(
        self, account: Account, holder: str, limit: float, issued_on: date, last4: str, network: CardNetwork
    ) -> Card:
        """A new active card on `account`, valid for four years."""
        card = Card(
            card_id=self.next_id("CARD"),
            account_id=account.account_id,
            customer_id=account.customer_id,
            type="credit" if account.type == "credit" else "debit",
            network=network,
            last4=last4,
            cardholder_name=holder,
            status="active",
            daily_spending_limit=round(limit, 2),
            expires=f"{issued_on.year + 4}-{issued_on.month:02d}",
            issued_on=issued_on,
        )
        self.cards[card.card_id] = card
        return card

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_customers(rng)
        self._generate_accounts(rng)
        self._generate_cards(rng)
        self._generate_payees(rng)
        balances = {account_id: account.balance for account_id, account in self.accounts.items()}
        self._generate_history(rng)
        for account_id, balance in balances.items():
            self.accounts[account_id].balance = balance
        self._generate_disputes(rng)
        self._generate_scheduled_payments(rng)

    def _days_ago(self, rng: random.Random, low: int, high: int) -> datetime:
        """A moment between `low` and `high` whole days before now, at a plausible hour, never in the future."""
        moment = self.now - timedelta(days=rng.randint(low, high))
        moment = moment.replace(hour=rng.randint(7, 21), minute=rng.randrange(60), second=0)
        return moment - timedelta(days=1) if moment > self.now else moment

    def _generate_customers(self, rng: random.Random) -> None:
        names = [(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES]
        today = self.now.date()
        for first, last in rng.sample(names, 40):
            city, state, area = rng.choice(_CITIES)
            pin = f"{rng.randrange(10000):04d}"
            while is_weak_pin(pin):
                pin = f"{rng.randrange(10000):04d}"
            since = today - timedelta(days=rng.randint(200, 6000))
            customer = Customer(
                customer_id=self.next_id("CUS"),
                full_name=f"{first} {last}",
                email=f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(_EMAIL_DOMAINS)}".lower(),
                phone=f"+1-{area}-555-{rng.randrange(10000):04d}",
                date_of_birth=date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                city=city,
                state=state,
                segment="premier" if rng.random() < 0.2 else "standard",
                kyc_status="pending_review" if rng.random() < 0.1 else "verified",
                customer_since=since,
                pin=pin,
                pin_updated_on=since + timedelta(days=rng.randint(0, (today - since).days)),
            )
            self.customers[customer.customer_id] = customer

    def _new_account(
        self, rng: random.Random, customer: Customer, kind: AccountType, currency: Currency, nickname: str
    ) -> Account:
        prefix = {"checking": "CHK", "savings": "SAV", "credit": "CRC"}[kind]
        account = Account(
            account_id=self.next_id(prefix),
            customer_id=customer.customer_id,
            type=kind,
            nickname=nickname,
            account_number=f"{rng.randrange(10**9, 10**10)}",
            currency=currency,
            status="open",
            balance=0.0,
            overdraft_limit=float(rng.choice((0, 0, 250, 500, 1000))) if kind == "checking" else 0.0,
            credit_limit=float(rng.choice((1500, 3000, 5000, 8000, 12000, 20000))) if kind == "credit" else 0.0,
            daily_transfer_limit=0.0,
            interest_rate=0.0,
            opened_on=customer.customer_since + timedelta(days=rng.randint(0, 120)),
        )
        if kind == "checking":
            account.daily_transfer_limit = float(rng.choice((1000, 2500, 2500, 5000, 10000)))
        elif kind == "savings":
            account.daily_transfer_limit = SAVINGS_DAILY_LIMIT
            account.interest_rate = SAVINGS_RATES[currency]
        else:
            account.interest_rate = round(rng.uniform(18.99, 27.99), 2)
        self.accounts[account.account_id] = account
        return account

    def _target_balance(self, rng: random.Random, account: Account) -> float:
        roll = rng.random()
        if account.type == "checking":
            if roll < 0.1 and account.overdraft_limit > 0:
                return -round(rng.uniform(10, account.overdraft_limit * 0.8), 2)
            if roll < 0.2:
                return round(rng.uniform(5, 60), 2)
            return round(rng.uniform(300, 9000), 2)
        if account.type == "savings":
            return 0.0 if roll < 0.15 else round(rng.uniform(500, 60000), 2)
        return 0.0 if roll < 0.1 else -round(rng.uniform(50, account.credit_limit * 0.9), 2)

    def _generate_accounts(self, rng: random.Random) -> None:
        for customer in self.customers.values():
            plan: list[tuple[AccountType, Currency, str]] = [
                ("checking", "USD", "Premier Checking" if customer.segment == "premier" else "Everyday Checking")
            ]
            if rng.random() < 0.45:
                plan.append(("savings", "USD", rng.choice(("High-Yield Savings", "Emergency Fund", "House Deposit"))))
            if rng.random() < 0.4:
                plan.append(("credit", "USD", rng.choice(("Cashback Visa", "Platinum Rewards Mastercard"))))
            if rng.random() < 0.12:
                plan.append(("savings", "EUR", "Euro Savings"))
            if rng.random() < 0.08:
                plan.append(("checking", "GBP", "Sterling Checking"))
            closed = rng.random() < 0.15
            if closed:
                plan.append(("savings", "USD", "Vacation Fund"))
            for index, (kind, currency, nickname) in enumerate(plan):
                account = self._new_account(rng, customer, kind, currency, nickname)
                if closed and index == len(plan) - 1:
                    account.status = "closed"
                    account.closed_on = self.now.date() - timedelta(days=rng.randint(130, 400))
                else:
                    account.balance = self._target_balance(rng, account)
        open_ids = [account.account_id for account in self.accounts.values() if account.status == "open"]
        for account_id in rng.sample(open_ids, 5):
            self.accounts[account_id].status = "frozen"

    def _generate_cards(self, rng: random.Random) -> None:
        for account in list(self.accounts.values()):
            if account.type == "savings":
                continue
            holder = self.customers[account.customer_id].full_name
            network: CardNetwork = "Mastercard" if "Mastercard" in account.nickname else "Visa"
            limit = (
                float(rng.choice((500, 1000, 1500, 2000, 3000)))
                if account.type == "checking"
                else min(account.credit_limit, float(rng.choice((1000, 2000, 5000))))
            )
            issued = account.opened_on + timedelta(days=rng.randint(3, 10))
            if rng.random() < 0.15 and account.status != "closed":
                old = self.issue_card(account, holder, limit, issued, f"{rng.randrange(10000):04d}", network)
                issued = self.now.date() - timedelta(days=rng.randint(20, 300))
                card = self.issue_card(account, holder, limit, issued, f"{rng.randrange(10000):04d}", network)
                old.status = "cancelled"
                old.cancel_reason = rng.choice(("lost", "stolen", "damaged"))
                old.replaced_by = card.card_id
            else:
                card = self.issue_card(account, holder, limit, issued, f"{rng.randrange(10000):04d}", network)
            if account.status == "closed":
                card.status = "cancelled"
                card.cancel_reason = "account_closed"
            elif account.status == "frozen" or rng.random() < 0.08:
                card.status = "frozen"

    def _generate_payees(self, rng: random.Random) -> None:
        for customer in self.customers.values():
            currencies = [a.currency for a in self.accounts.values() if a.customer_id == customer.customer_id]
            picks: list[tuple[str, str, str, Currency, PayeeCategory]] = []
            for name, category in rng.sample(_BILLERS, rng.randint(1, 3)):
                account_number = f"{rng.randrange(10**8, 10**9)}-{rng.randrange(10**9, 10**10)}"
                picks.append((name, rng.choice(_US_BANKS), account_number, "USD", category))
            for _ in range(rng.randint(0, 2)):
                name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
                if name != customer.full_name:
                    account_number = f"{rng.randrange(10**8, 10**9)}-{rng.randrange(10**9, 10**10)}"
                    picks.append((name, rng.choice(_US_BANKS), account_number, "USD", "personal"))
            foreign = [entry for entry in _FOREIGN_PAYEES if entry[3] in currencies]
            if foreign or rng.random() < 0.15:
                name, bank, country, currency, category = rng.choice(foreign or list(_FOREIGN_PAYEES))
                digits = " ".join(f"{rng.randrange(10000):04d}" for _ in range(5))
                picks.append((name, bank, f"{country}{rng.randint(10, 99)} {digits}", currency, category))
            for name, bank, account_number, currency, category in picks:
                payee = Payee(
                    payee_id=self.next_id("PAY"),
                    customer_id=customer.customer_id,
                    name=name,
                    bank_name=bank,
                    account_number=account_number,
                    currency=currency,
                    category=category,
                    status="removed" if rng.random() < 0.08 else "active",
                    added_on=customer.customer_since + timedelta(days=rng.randint(10, 150)),
                )
                self.payees[payee.payee_id] = payee

    def _generate_history(self, rng: random.Random) -> None:
        """Queue every past event, then post them in time order so ids follow the calendar."""
        events: list[tuple[datetime, int, Callable[[datetime], object]]] = []

        def at(moment: datetime, action: Callable[[datetime], object]) -> None:
            events.append((moment, len(events), action))

        payees_by_customer: dict[str, list[Payee]] = {}
        for payee in self.payees.values():
            payees_by_customer.setdefault(payee.customer_id, []).append(payee)
        cards_by_account: dict[str, list[Card]] = {}
        for card in self.cards.values():
            cards_by_account.setdefault(card.account_id, []).append(card)
        live_by_customer: dict[str, list[Account]] = {}
        for account in self.accounts.values():
            if account.status != "closed":
                live_by_customer.setdefault(account.customer_id, []).append(account)

        for customer_id, live in live_by_customer.items():
            customer = self.customers[customer_id]
            employer = rng.choice(_EMPLOYERS)
            payees = [p for p in payees_by_customer.get(customer_id, []) if p.status == "active"]
            for account in live:
                if account.type == "checking":
                    salary = round(rng.uniform(2200, 7800), 2)
                    for month in range(3):
                        moment = self._days_ago(rng, 3 + 30 * month, 3 + 30 * month).replace(hour=6, minute=0)
                        at(moment, self._entry(account, salary, "deposit", "salary", f"Payroll deposit - {employer}"))
                    for _ in range(rng.randint(1, 2)):
                        amount = float(rng.choice((40, 60, 100, 200, 300)))
                        text = f"ATM withdrawal - {customer.city}"
                        withdrawal = self._entry(account, -amount, "atm_withdrawal", "cash", text)
                        at(self._days_ago(rng, 1, HISTORY_DAYS - 1), withdrawal)
                    if account.overdraft_limit > 0 and rng.random() < 0.2:
                        at(self._days_ago(rng, 5, 90), self._entry(account, -35.0, "fee", "fees", "Overdraft fee"))
                    same_currency = [p for p in payees if p.currency == account.currency]
                    for payee in rng.sample(same_currency, min(len(same_currency), 2)):
                        amount = round(rng.uniform(40, 1800 if payee.category == "rent" else 300), 2)
                        for month in range(rng.randint(1, 2)):
                            moment = self._days_ago(rng, 2 + 30 * month, 25 + 30 * month)
                            at(moment, self._payment(account, payee, amount))
                    for target in live:
                        if target.type != "checking" and target.currency == account.currency:
                            memo = "Card payment" if target.type == "credit" else "Monthly savings"
                            for _ in range(rng.randint(1, 2)):
                                amount = round(rng.uniform(100, 1500), 2)
                                moment = self._days_ago(rng, 2, HISTORY_DAYS - 1)
                                at(moment, self._internal(account, target, amount, memo))
                if account.type == "savings":
                    interest = round(max(account.balance, 800.0) * account.interest_rate / 1200, 2)
                    for month in range(3):
                        moment = self._days_ago(rng, 1 + 30 * month, 1 + 30 * month).replace(hour=0, minute=5)
                        at(moment, self._entry(account, interest, "interest", "interest", "Interest paid"))
                cards = cards_by_account.get(account.account_id, [])
                for _ in range(rng.randint(3, 7) if cards else 0):
                    merchant, category, low, high = rng.choice(_MERCHANTS)
                    amount = round(rng.uniform(low, high), 2)
                    moment = self._days_ago(rng, 0, HISTORY_DAYS - 1)
                    at(moment, self._purchase(account, cards, merchant, category, amount))

        self._queue_sends_today(rng, payees_by_customer, at)
        for moment, _, action in sorted(events, key=lambda event: (event[0], event[1])):
            action(moment)

    def _queue_sends_today(
        self,
        rng: random.Random,
        payees_by_customer: dict[str, list[Payee]],
        at: Callable[[datetime, Callable[[datetime], object]], None],
    ) -> None:
        """Some checking accounts already sent most of today's transfer limit this morning."""
        candidates = [
            (account, payee)
            for account in self.accounts.values()
            if account.type == "checking" and account.status == "open" and account.daily_transfer_limit <= 2500
            for payee in payees_by_customer.get(account.customer_id, [])[:1]
            if payee.currency == account.currency and payee.status == "active"
        ]
        for account, payee in rng.sample(candidates, min(6, len(candidates))):
            amount = round(account.daily_transfer_limit * rng.uniform(0.6, 0.9), 2)
            moment = (self.now - timedelta(minutes=rng.randint(20, 400))).replace(second=0)
            at(moment, self._payment(account, payee, amount))

    def _entry(
        self, account: Account, amount: float, kind: TransactionKind, category: Category, text: str
    ) -> Callable[[datetime], object]:
        return lambda moment: self.post_entry(account, amount, kind, category, text, moment)

    def _payment(self, account: Account, payee: Payee, amount: float) -> Callable[[datetime], object]:
        return lambda moment: self.record_transfer(account, amount, "", moment, payee=payee)

    def _internal(self, source: Account, target: Account, amount: float, memo: str) -> Callable[[datetime], object]:
        return lambda moment: self.record_transfer(source, amount, memo, moment, target=target)

    def _purchase(
        self, account: Account, cards: list[Card], merchant: str, category: Category, amount: float
    ) -> Callable[[datetime], object]:
        """A card purchase, on the card that was in use that day; pending when under two days old."""

        def post(moment: datetime) -> object:
            in_use = [card for card in cards if card.issued_on <= moment.date()] or cards[:1]
            status = "pending" if self.now - moment < timedelta(days=2) else "posted"
            return self.post_entry(
                account, -amount, "card_purchase", category, f"{merchant} purchase", moment,
                merchant=merchant, card_id=in_use[-1].card_id, status=status,
            )

        return post

    def _generate_disputes(self, rng: random.Random) -> None:
        """A few recent card purchases are already under dispute."""
        window_start = self.now - timedelta(days=DISPUTE_WINDOW_DAYS)
        eligible = [
            txn
            for txn in self.transactions.values()
            if txn.kind == "card_purchase" and txn.status == "posted" and txn.posted_at >= window_start
        ]
        for txn in rng.sample(eligible, 4):
            dispute = Dispute(
                dispute_id=self.next_id("DSP"),
                transaction_id=txn.transaction_id,
                account_id=txn.account_id,
                customer_id=self.accounts[txn.account_id].customer_id,
                amount=-txn.amount,
                currency=txn.currency,
                merchant=txn.merchant,
                reason=rng.choice(("unauthorized", "duplicate_charge", "incorrect_amount")),
                details="",
                status=rng.choice(("open", "under_review")),
                opened_at=txn.posted_at + timedelta(days=rng.randint(1, 5)),
            )
            self.disputes[dispute.dispute_id] = dispute
            txn.dispute_id = dispute.dispute_id

    def _generate_scheduled_payments(self, rng: random.Random) -> None:
        """Standing orders from checking accounts to bills and people; some cancelled or already completed."""
        today = self.now.date()
        checking: dict[str, Account] = {}
        for account in self.accounts.values():
            if account.type == "checking" and account.status != "closed" and account.currency == "USD":
                checking.setdefault(account.customer_id, account)
        for payee in self.payees.values():
            account = checking.get(payee.customer_id)
            if account is None or payee.currency != account.currency or rng.random() < 0.6:
                continue
            frequency: Frequency = "monthly" if payee.category != "personal" else rng.choice(("weekly", "once"))
            status = "active" if payee.status == "active" else "cancelled"
            next_date = today + timedelta(days=rng.randint(1, 28))
            if frequency == "once" and rng.random() < 0.5:
                status, next_date = "completed", today - timedelta(days=rng.randint(3, 60))
            elif status == "active" and rng.random() < 0.15:
                status = "cancelled"
            amount = round(rng.uniform(300, 2200) if payee.category == "rent" else rng.uniform(25, 250), 2)
            payment = ScheduledPayment(
                scheduled_payment_id=self.next_id("SCH"),
                customer_id=payee.customer_id,
                from_account_id=account.account_id,
                payee_id=payee.payee_id,
                amount=amount,
                currency=account.currency,
                frequency=frequency,
                next_date=next_date,
                status=status,
                reference=f"{payee.category.capitalize()} - {payee.name}",
                created_on=max(payee.added_on, today - timedelta(days=rng.randint(30, 700))),
            )
            self.scheduled_payments[payment.scheduled_payment_id] = payment
