"""Banking tools: look up customers, accounts, cards, transactions and payees; move money; manage cards, payees,
standing payments, disputes and the customer's PIN."""

import hashlib
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.banking.world import (
    DEBIT_CARD_MAX_LIMIT,
    DISPUTE_WINDOW_DAYS,
    MAX_OPEN_SAVINGS,
    SAVINGS_DAILY_LIMIT,
    SAVINGS_RATES,
    Account,
    AccountId,
    BankingWorld,
    Card,
    CardId,
    Category,
    Currency,
    Customer,
    CustomerId,
    Dispute,
    DisputeReason,
    Frequency,
    Payee,
    PayeeCategory,
    PayeeId,
    Pin,
    ScheduledPayment,
    ScheduledPaymentId,
    Transaction,
    TransactionId,
    Transfer,
    is_weak_pin,
)
from mcp_servers.core import Count, Name, ServerDef, ShortText, ToolError, require

server = ServerDef(
    "banking",
    BankingWorld,
    group="finance",
    description=(
        "Retail bank: customers, checking/savings/credit accounts, cards, transaction history, payees, transfers, "
        "scheduled payments and disputes. Money movements and security changes need the customer's 4-digit PIN."
    ),
)

Amount = Annotated[float, Field(ge=0.01, le=10_000_000, allow_inf_nan=False)]
Memo = Annotated[str, Field(max_length=140)]
IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
PayeeAccountNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{4,40}$")]
CardLimit = Annotated[float, Field(ge=1, le=100_000, allow_inf_nan=False)]


# ----- result models -----


class CustomerProfile(BaseModel):
    customer_id: CustomerId
    full_name: str
    email: str
    phone: str
    date_of_birth: date
    city: str
    state: str
    segment: str
    kyc_status: str
    customer_since: date
    pin_updated_on: date
    account_ids: list[AccountId]


class CustomerList(BaseModel):
    customers: list[CustomerProfile]
    total_matched: int


class AccountView(Account):
    available_balance: float = Field(description="Balance plus overdraft (checking) or unused credit (credit).")


class AccountList(BaseModel):
    customer_id: CustomerId
    accounts: list[AccountView]


class AccountDetails(AccountView):
    sent_today: float = Field(description="Already sent today by transfer or payment, counted against the limit.")
    remaining_daily_transfer_limit: float
    card_ids: list[CardId]
    active_scheduled_payment_ids: list[ScheduledPaymentId]


class TransactionList(BaseModel):
    account_id: AccountId
    transactions: list[Transaction]
    total_matched: int


class CardList(BaseModel):
    cards: list[Card]


class PayeeList(BaseModel):
    payees: list[Payee]


class ScheduledPaymentList(BaseModel):
    scheduled_payments: list[ScheduledPayment]


class TransferReceipt(BaseModel):
    transfer: Transfer
    from_account_balance: float
    from_account_available_balance: float


class CardReplacement(BaseModel):
    cancelled_card: Card
    new_card: Card


class AccountClosure(BaseModel):
    account: Account
    cancelled_card_ids: list[CardId]


class PinChange(BaseModel):
    customer_id: CustomerId
    pin_updated_on: date


# ----- lookups and checks shared by the tools -----


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _customer(world: BankingWorld, customer_id: str) -> Customer:
    return require(world.customers, customer_id, "customer", "Use find_bank_customers to look up the customer id.")


def _account(world: BankingWorld, account_id: str) -> Account:
    return require(world.accounts, account_id, "account", "Use list_bank_accounts to see a customer's accounts.")


def _card(world: BankingWorld, card_id: str) -> Card:
    return require(world.cards, card_id, "card", "Use list_bank_cards to see a customer's cards.")


def _payee(world: BankingWorld, payee_id: str, customer_id: str) -> Payee:
    """An active payee saved by `customer_id`."""
    payee = world.payees.get(payee_id)
    if payee is None or payee.customer_id != customer_id:
        raise ToolError(f"Unknown payee {payee_id!r} for customer {customer_id}. Use list_bank_payees to see them.")
    if payee.status == "removed":
        raise ToolError(f"Payee {payee_id} ({payee.name}) was removed. Add it again with add_bank_payee.")
    return payee


def _check_pin(customer: Customer, pin: str) -> None:
    if pin != customer.pin:
        raise ToolError(f"Incorrect PIN for customer {customer.customer_id}. Ask the customer for their 4-digit PIN.")


def _check_usable(account: Account, role: str) -> None:
    """Refuse frozen and closed accounts as the `role` ('source' or 'destination') of a money movement."""
    if account.status != "open":
        raise ToolError(f"The {role} account {account.account_id} is {account.status}; it cannot move money.")


def _check_can_send(world: BankingWorld, account: Account, amount: float) -> None:
    """The account may send `amount` now: open, not a credit line, funded, and within today's transfer limit."""
    _check_usable(account, "source")
    if account.type == "credit":
        raise ToolError(
            f"{account.account_id} is a credit account; money cannot be sent from it. "
            "To pay it off, transfer into it from a checking or savings account."
        )
    available = world.available_balance(account)
    if amount > available:
        raise ToolError(
            f"Insufficient funds: {account.account_id} has {_money(available, account.currency)} available, "
            f"the payment needs {_money(amount, account.currency)}."
        )
    sent = world.sent_today(account.account_id)
    remaining = round(max(account.daily_transfer_limit - sent, 0.0), 2)
    if amount > remaining:
        raise ToolError(
            f"Daily transfer limit exceeded: {account.account_id} has sent {_money(sent, account.currency)} of its "
            f"{_money(account.daily_transfer_limit, account.currency)} daily limit today; at most "
            f"{_money(remaining, account.currency)} more can be sent today."
        )


def _check_currency(account: Account, currency: str, what: str) -> None:
    if account.currency != currency:
        raise ToolError(
            f"Currency mismatch: {account.account_id} holds {account.currency} but {what} is in {currency}. "
            "Use an account in the same currency; this service does not convert currencies."
        )


def _digits(seed: str, count: int) -> str:
    """Stable pseudo-random digits for new card and account numbers (sha256, identical in every process)."""
    value = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return f"{value % 10**count:0{count}d}"


def _normalized(account_number: str) -> str:
    return account_number.replace(" ", "").replace("-", "").upper()


def _receipt(world: BankingWorld, transfer: Transfer) -> TransferReceipt:
    source = world.accounts[transfer.from_account_id]
    return TransferReceipt(
        transfer=transfer,
        from_account_balance=source.balance,
        from_account_available_balance=world.available_balance(source),
    )


# ----- discovery -----


@server.read
def find_bank_customers(
    world: BankingWorld, query: Annotated[str, Field(min_length=2, max_length=120)], limit: Count = 10
) -> CustomerList:
    """Find bank customers by name, email, phone number or customer id.

    Matching is case-insensitive and by substring; phone numbers match on their digits.

    Args:
        query: Part of the customer's full name, email, phone number or customer id.
        limit: Most customers to return.
    """
    needle = query.strip().lower()
    digits = "".join(ch for ch in query if ch.isdigit())
    matches = [
        customer
        for customer in world.customers.values()
        if needle in customer.full_name.lower()
        or needle in customer.email
        or needle in customer.customer_id.lower()
        or (len(digits) >= 4 and digits in "".join(ch for ch in customer.phone if ch.isdigit()))
    ]
    account_ids: dict[str, list[str]] = {}
    for account in world.accounts.values():
        account_ids.setdefault(account.customer_id, []).append(account.account_id)
    profiles = [
        CustomerProfile(
            **customer.model_dump(exclude={"pin"}), account_ids=account_ids.get(customer.customer_id, [])
        )
        for customer in matches[:limit]
    ]
    return CustomerList(customers=profiles, total_matched=len(matches))


@server.read
def list_bank_accounts(
    world: BankingWorld,
    customer_id: CustomerId,
    status: Literal["any", "open", "frozen", "closed"] = "any",
) -> AccountList:
    """List a customer's bank accounts with balances, limits and status.

    Args:
        customer_id: The customer whose accounts to list.
        status: Only accounts in this status; "any" lists all.
    """
    _customer(world, customer_id)
    accounts = [
        AccountView(**account.model_dump(), available_balance=world.available_balance(account))
        for account in world.accounts.values()
        if account.customer_id == customer_id and status in ("any", account.status)
    ]
    return AccountList(customer_id=customer_id, accounts=accounts)


@server.read
def get_bank_account(world: BankingWorld, account_id: AccountId) -> AccountDetails:
    """Show one account in detail: balances, today's transfer-limit usage, its cards and active scheduled payments.

    Args:
        account_id: The account to show.
    """
    account = _account(world, account_id)
    sent = world.sent_today(account_id)
    return AccountDetails(
        **account.model_dump(),
        available_balance=world.available_balance(account),
        sent_today=sent,
        remaining_daily_transfer_limit=round(max(account.daily_transfer_limit - sent, 0.0), 2),
        card_ids=[card.card_id for card in world.cards.values() if card.account_id == account_id],
        active_scheduled_payment_ids=[
            payment.scheduled_payment_id
            for payment in world.scheduled_payments.values()
            if payment.from_account_id == account_id and payment.status == "active"
        ],
    )


@server.read
def list_bank_transactions(
    world: BankingWorld,
    account_id: AccountId,
    days: Annotated[int, Field(ge=1, le=365)] = 30,
    category: Category | None = None,
    merchant: Annotated[str, Field(max_length=120)] | None = None,
    direction: Literal["any", "debit", "credit"] = "any",
    min_amount: Annotated[float, Field(ge=0, le=10_000_000, allow_inf_nan=False)] | None = None,
    limit: Count = 50,
) -> TransactionList:
    """List an account's transactions, newest first, with optional filters.

    Use it to find a transaction id (for a dispute) or to review spending by category or merchant.

    Args:
        account_id: The account whose history to list.
        days: Only transactions from the last this many days.
        category: Only transactions in this category.
        merchant: Only transactions whose merchant or description contains this text (case-insensitive).
        direction: "debit" for money out, "credit" for money in, "any" for both.
        min_amount: Only transactions whose absolute amount is at least this.
        limit: Most transactions to return.
    """
    _account(world, account_id)
    since = world.now - timedelta(days=days)
    needle = merchant.lower() if merchant else None
    matches = [
        txn
        for txn in world.transactions.values()
        if txn.account_id == account_id
        and txn.posted_at >= since
        and (category is None or txn.category == category)
        and (needle is None or needle in txn.description.lower() or needle in (txn.merchant or "").lower())
        and (direction == "any" or (txn.amount < 0) == (direction == "debit"))
        and (min_amount is None or abs(txn.amount) >= min_amount)
    ]
    matches.sort(key=lambda txn: (txn.posted_at, txn.transaction_id), reverse=True)
    return TransactionList(account_id=account_id, transactions=matches[:limit], total_matched=len(matches))


@server.read
def list_bank_cards(
    world: BankingWorld,
    customer_id: CustomerId,
    status: Literal["any", "active", "frozen", "cancelled"] = "any",
) -> CardList:
    """List a customer's debit and credit cards (last 4 digits, linked account, status, daily spending limit).

    Args:
        customer_id: The customer whose cards to list.
        status: Only cards in this status; "any" lists all.
    """
    _customer(world, customer_id)
    cards = [
        card
        for card in world.cards.values()
        if card.customer_id == customer_id and status in ("any", card.status)
    ]
    return CardList(cards=cards)


@server.read
def list_bank_payees(world: BankingWorld, customer_id: CustomerId, include_removed: bool = False) -> PayeeList:
    """List the payees (saved beneficiaries) a customer can pay.

    Args:
        customer_id: The customer whose payees to list.
        include_removed: Also list payees that were removed.
    """
    _customer(world, customer_id)
    payees = [
        payee
        for payee in world.payees.values()
        if payee.customer_id == customer_id and (include_removed or payee.status == "active")
    ]
    return PayeeList(payees=payees)


@server.read
def list_scheduled_bank_payments(
    world: BankingWorld,
    customer_id: CustomerId,
    status: Literal["any", "active", "cancelled", "completed"] = "active",
) -> ScheduledPaymentList:
    """List a customer's scheduled (standing) payments to payees.

    Args:
        customer_id: The customer whose scheduled payments to list.
        status: Only payments in this status; "any" lists all.
    """
    _customer(world, customer_id)
    payments = [
        payment
        for payment in world.scheduled_payments.values()
        if payment.customer_id == customer_id and status in ("any", payment.status)
    ]
    return ScheduledPaymentList(scheduled_payments=payments)


# ----- money movement -----


@server.write
def transfer_between_bank_accounts(
    world: BankingWorld,
    from_account_id: AccountId,
    to_account_id: AccountId,
    amount: Amount,
    pin: Pin,
    memo: Memo = "",
) -> TransferReceipt:
    """Move money between two accounts of the same customer, immediately.

    Paying into a credit account pays down what is owed on it. To pay someone else, use pay_bank_payee.

    Args:
        from_account_id: The account to take the money from (checking or savings).
        to_account_id: The customer's own account to put the money into.
        amount: How much to move, in the accounts' currency.
        pin: The customer's 4-digit PIN, as given by the customer.
        memo: A note shown on both transactions.
    """
    source = _account(world, from_account_id)
    target = _account(world, to_account_id)
    if source.account_id == target.account_id:
        raise ToolError(f"The source and destination are the same account ({source.account_id}); pick two accounts.")
    if source.customer_id != target.customer_id:
        raise ToolError(
            f"{target.account_id} belongs to another customer; internal transfers only move money between a "
            "customer's own accounts. To pay someone else, save them with add_bank_payee and use pay_bank_payee."
        )
    _check_pin(world.customers[source.customer_id], pin)
    _check_usable(target, "destination")
    _check_currency(source, target.currency, f"the destination account {target.account_id}")
    amount = round(amount, 2)
    _check_can_send(world, source, amount)
    transfer = world.record_transfer(source, amount, memo, world.now, target=target)
    return _receipt(world, transfer)


@server.write
def pay_bank_payee(
    world: BankingWorld,
    from_account_id: AccountId,
    payee_id: PayeeId,
    amount: Amount,
    pin: Pin,
    memo: Memo = "",
) -> TransferReceipt:
    """Send money now from a customer's account to one of their saved payees.

    Args:
        from_account_id: The account to pay from (checking or savings).
        payee_id: The saved payee to pay (see list_bank_payees).
        amount: How much to send, in the account's currency.
        pin: The customer's 4-digit PIN, as given by the customer.
        memo: A payment reference shown on the transaction.
    """
    source = _account(world, from_account_id)
    payee = _payee(world, payee_id, source.customer_id)
    _check_pin(world.customers[source.customer_id], pin)
    _check_currency(source, payee.currency, f"payee {payee.payee_id} ({payee.name})")
    amount = round(amount, 2)
    _check_can_send(world, source, amount)
    transfer = world.record_transfer(source, amount, memo, world.now, payee=payee)
    return _receipt(world, transfer)


# ----- payees and scheduled payments -----


@server.write
def add_bank_payee(
    world: BankingWorld,
    customer_id: CustomerId,
    name: Name,
    bank_name: Name,
    account_number: PayeeAccountNumber,
    currency: Currency,
    pin: Pin,
    category: PayeeCategory = "personal",
) -> Payee:
    """Save a new payee (beneficiary) for a customer so they can pay it.

    Args:
        customer_id: The customer saving the payee.
        name: The payee's name as it appears on their account.
        bank_name: The payee's bank.
        account_number: The payee's account number or IBAN (letters, digits, spaces and dashes).
        currency: The currency the payee's account receives.
        pin: The customer's 4-digit PIN, as given by the customer.
        category: What the payments are for.
    """
    customer = _customer(world, customer_id)
    _check_pin(customer, pin)
    if not name.strip() or not bank_name.strip():
        raise ToolError("The payee name and bank name must not be blank.")
    number = _normalized(account_number)
    for existing in world.payees.values():
        if existing.customer_id == customer_id and existing.status == "active":
            if _normalized(existing.account_number) == number:
                raise ToolError(f"This account is already saved as payee {existing.payee_id} ({existing.name}).")
    payee = Payee(
        payee_id=world.next_id("PAY"),
        customer_id=customer_id,
        name=name.strip(),
        bank_name=bank_name.strip(),
        account_number=account_number.strip().upper(),
        currency=currency,
        category=category,
        added_on=world.now.date(),
    )
    world.payees[payee.payee_id] = payee
    return payee


@server.write
def remove_bank_payee(world: BankingWorld, payee_id: PayeeId) -> Payee:
    """Remove a saved payee so it can no longer be paid.

    A payee with active scheduled payments cannot be removed until they are cancelled.

    Args:
        payee_id: The payee to remove.
    """
    payee = require(world.payees, payee_id, "payee", "Use list_bank_payees to see a customer's payees.")
    if payee.status == "removed":
        raise ToolError(f"Payee {payee_id} ({payee.name}) is already removed.")
    scheduled = [
        payment.scheduled_payment_id
        for payment in world.scheduled_payments.values()
        if payment.payee_id == payee_id and payment.status == "active"
    ]
    if scheduled:
        raise ToolError(
            f"Payee {payee_id} has active scheduled payments ({', '.join(scheduled)}); cancel them first with "
            "cancel_scheduled_bank_payment."
        )
    payee.status = "removed"
    return payee


@server.write
def schedule_bank_payment(
    world: BankingWorld,
    from_account_id: AccountId,
    payee_id: PayeeId,
    amount: Amount,
    first_date: IsoDate,
    frequency: Frequency,
    pin: Pin,
    reference: Memo = "",
) -> ScheduledPayment:
    """Set up a future or recurring payment from an account to a saved payee.

    Args:
        from_account_id: The account to pay from (checking or savings).
        payee_id: The saved payee to pay.
        amount: How much each payment sends, in the account's currency.
        first_date: The date of the first payment, YYYY-MM-DD, after today and within a year.
        frequency: "once" for a single future payment, or "weekly" / "monthly" to repeat.
        pin: The customer's 4-digit PIN, as given by the customer.
        reference: A reference shown on each payment.
    """
    source = _account(world, from_account_id)
    payee = _payee(world, payee_id, source.customer_id)
    _check_pin(world.customers[source.customer_id], pin)
    try:
        start = date.fromisoformat(first_date)
    except ValueError:
        raise ToolError(f"{first_date} is not a calendar date; use YYYY-MM-DD.") from None
    today = world.now.date()
    if not today < start <= today + timedelta(days=365):
        raise ToolError(f"The first payment date must be after today ({today}) and within a year; got {start}.")
    _check_usable(source, "source")
    if source.type == "credit":
        raise ToolError(
            f"{source.account_id} is a credit account; scheduled payments must come from checking or savings."
        )
    _check_currency(source, payee.currency, f"payee {payee.payee_id} ({payee.name})")
    amount = round(amount, 2)
    if amount > source.daily_transfer_limit:
        raise ToolError(
            f"Each payment of {_money(amount, source.currency)} would exceed the daily transfer limit of "
            f"{source.account_id} ({_money(source.daily_transfer_limit, source.currency)})."
        )
    payment = ScheduledPayment(
        scheduled_payment_id=world.next_id("SCH"),
        customer_id=source.customer_id,
        from_account_id=source.account_id,
        payee_id=payee.payee_id,
        amount=amount,
        currency=source.currency,
        frequency=frequency,
        next_date=start,
        status="active",
        reference=reference,
        created_on=today,
    )
    world.scheduled_payments[payment.scheduled_payment_id] = payment
    return payment


@server.write
def cancel_scheduled_bank_payment(world: BankingWorld, scheduled_payment_id: ScheduledPaymentId) -> ScheduledPayment:
    """Cancel an active scheduled payment so no further payments are made.

    Args:
        scheduled_payment_id: The scheduled payment to cancel.
    """
    payment = require(
        world.scheduled_payments, scheduled_payment_id, "scheduled payment", "Use list_scheduled_bank_payments to see them."
    )
    if payment.status != "active":
        raise ToolError(f"Scheduled payment {scheduled_payment_id} is already {payment.status}.")
    payment.status = "cancelled"
    return payment


# ----- cards -----


@server.write
def set_bank_card_frozen(world: BankingWorld, card_id: CardId, frozen: bool) -> Card:
    """Temporarily freeze a card (blocks new purchases) or unfreeze it.

    For a card that is lost or stolen, use replace_bank_card instead.

    Args:
        card_id: The card to change.
        frozen: True to freeze the card, false to unfreeze it.
    """
    card = _card(world, card_id)
    if card.status == "cancelled":
        successor = f"; its replacement is {card.replaced_by}" if card.replaced_by else ""
        raise ToolError(f"Card {card_id} is cancelled ({card.cancel_reason}){successor}.")
    if frozen and card.status == "frozen":
        raise ToolError(f"Card {card_id} is already frozen.")
    if not frozen and card.status == "active":
        raise ToolError(f"Card {card_id} is already active.")
    account = world.accounts[card.account_id]
    if not frozen and account.status == "frozen":
        raise ToolError(
            f"Card {card_id} cannot be unfrozen while its account {account.account_id} is frozen by the bank."
        )
    card.status = "frozen" if frozen else "active"
    return card


@server.write
def replace_bank_card(
    world: BankingWorld, card_id: CardId, reason: Literal["lost", "stolen", "damaged"]
) -> CardReplacement:
    """Cancel a lost, stolen or damaged card for good and issue a replacement with a new number on the same account.

    Args:
        card_id: The card to cancel and replace.
        reason: Why the card is being replaced.
    """
    card = _card(world, card_id)
    if card.status == "cancelled":
        successor = f"; its replacement is {card.replaced_by}" if card.replaced_by else ""
        raise ToolError(f"Card {card_id} is already cancelled ({card.cancel_reason}){successor}.")
    account = world.accounts[card.account_id]
    new_card = world.issue_card(
        account,
        card.cardholder_name,
        card.daily_spending_limit,
        world.now.date(),
        _digits(f"{world.seed}:{card_id}:replacement", 4),
        card.network,
    )
    if account.status == "frozen":
        new_card.status = "frozen"
    card.status = "cancelled"
    card.cancel_reason = reason
    card.replaced_by = new_card.card_id
    return CardReplacement(cancelled_card=card, new_card=new_card)


@server.write
def set_bank_card_limit(world: BankingWorld, card_id: CardId, daily_limit: CardLimit) -> Card:
    """Set a card's daily spending limit.

    Debit cards allow at most 5,000 a day; a credit card's limit cannot exceed its account's credit limit.

    Args:
        card_id: The card to change.
        daily_limit: The new daily spending limit, in the account's currency.
    """
    card = _card(world, card_id)
    if card.status == "cancelled":
        raise ToolError(f"Card {card_id} is cancelled; its limit cannot be changed.")
    account = world.accounts[card.account_id]
    daily_limit = round(daily_limit, 2)
    if card.type == "debit" and daily_limit > DEBIT_CARD_MAX_LIMIT:
        raise ToolError(
            f"Debit cards allow at most {_money(DEBIT_CARD_MAX_LIMIT, account.currency)} a day; "
            f"{_money(daily_limit, account.currency)} is too high."
        )
    if card.type == "credit" and daily_limit > account.credit_limit:
        raise ToolError(
            f"{_money(daily_limit, account.currency)} exceeds the credit limit of {account.account_id} "
            f"({_money(account.credit_limit, account.currency)})."
        )
    card.daily_spending_limit = daily_limit
    return card


# ----- accounts, disputes, security -----


@server.write
def open_bank_savings_account(
    world: BankingWorld, customer_id: CustomerId, currency: Currency = "USD", nickname: Name = "Savings"
) -> Account:
    """Open a new, empty savings account for a customer (fund it with transfer_between_bank_accounts).

    Args:
        customer_id: The customer to open the account for.
        currency: The account's currency.
        nickname: A name for the account, such as "Holiday Fund".
    """
    customer = _customer(world, customer_id)
    if customer.kyc_status != "verified":
        raise ToolError(
            f"Customer {customer_id}'s identity verification is {customer.kyc_status}; new accounts can be opened "
            "once it is verified."
        )
    savings = [
        account.account_id
        for account in world.accounts.values()
        if account.customer_id == customer_id and account.type == "savings" and account.status != "closed"
    ]
    if len(savings) >= MAX_OPEN_SAVINGS:
        raise ToolError(
            f"Customer {customer_id} already has {len(savings)} savings accounts ({', '.join(savings)}); the maximum "
            f"is {MAX_OPEN_SAVINGS}. Close one first."
        )
    account_id = world.next_id("SAV")
    account = Account(
        account_id=account_id,
        customer_id=customer_id,
        type="savings",
        nickname=nickname.strip() or "Savings",
        account_number=_digits(f"{world.seed}:{account_id}", 10),
        currency=currency,
        status="open",
        balance=0.0,
        daily_transfer_limit=SAVINGS_DAILY_LIMIT,
        interest_rate=SAVINGS_RATES[currency],
        opened_on=world.now.date(),
    )
    world.accounts[account_id] = account
    return account


@server.write
def close_bank_account(world: BankingWorld, account_id: AccountId, pin: Pin) -> AccountClosure:
    """Close an account for good; its cards are cancelled.

    The balance must be exactly zero and no scheduled payments may remain active on it.

    Args:
        account_id: The account to close.
        pin: The account owner's 4-digit PIN, as given by the customer.
    """
    account = _account(world, account_id)
    _check_pin(world.customers[account.customer_id], pin)
    if account.status == "closed":
        raise ToolError(f"Account {account_id} is already closed (since {account.closed_on}).")
    if account.status == "frozen":
        raise ToolError(f"Account {account_id} is frozen by the bank and cannot be closed until the freeze is lifted.")
    if account.balance > 0:
        raise ToolError(
            f"Account {account_id} still holds {_money(account.balance, account.currency)}; move it to another "
            "account with transfer_between_bank_accounts before closing."
        )
    if account.balance < 0:
        raise ToolError(
            f"Account {account_id} owes {_money(-account.balance, account.currency)}; pay it off before closing."
        )
    scheduled = [
        payment.scheduled_payment_id
        for payment in world.scheduled_payments.values()
        if payment.from_account_id == account_id and payment.status == "active"
    ]
    if scheduled:
        raise ToolError(
            f"Account {account_id} has active scheduled payments ({', '.join(scheduled)}); cancel them first with "
            "cancel_scheduled_bank_payment."
        )
    account.status = "closed"
    account.closed_on = world.now.date()
    cancelled = []
    for card in world.cards.values():
        if card.account_id == account_id and card.status != "cancelled":
            card.status = "cancelled"
            card.cancel_reason = "account_closed"
            cancelled.append(card.card_id)
    return AccountClosure(account=account, cancelled_card_ids=cancelled)


@server.write
def dispute_bank_transaction(
    world: BankingWorld, transaction_id: TransactionId, reason: DisputeReason, details: ShortText = ""
) -> Dispute:
    """Open a dispute on a posted card purchase (within 60 days of posting); the transaction is marked disputed.

    Args:
        transaction_id: The card purchase to dispute (see list_bank_transactions).
        reason: Why the customer disputes the charge.
        details: The customer's explanation, in their words.
    """
    txn = require(world.transactions, transaction_id, "transaction", "Use list_bank_transactions to find it.")
    if txn.dispute_id is not None:
        dispute = world.disputes[txn.dispute_id]
        raise ToolError(f"Transaction {transaction_id} is already disputed in {dispute.dispute_id} ({dispute.status}).")
    if txn.kind != "card_purchase":
        raise ToolError(f"Only card purchases can be disputed; {transaction_id} is a {txn.kind.replace('_', ' ')}.")
    if txn.status == "pending":
        raise ToolError(f"Transaction {transaction_id} is still pending; it can be disputed once it posts.")
    age = (world.now - txn.posted_at).days
    if age > DISPUTE_WINDOW_DAYS:
        raise ToolError(
            f"Transaction {transaction_id} posted on {txn.posted_at.date()}, {age} days ago; disputes must be "
            f"opened within {DISPUTE_WINDOW_DAYS} days of posting."
        )
    account = world.accounts[txn.account_id]
    dispute = Dispute(
        dispute_id=world.next_id("DSP"),
        transaction_id=transaction_id,
        account_id=account.account_id,
        customer_id=account.customer_id,
        amount=-txn.amount,
        currency=txn.currency,
        merchant=txn.merchant,
        reason=reason,
        details=details,
        status="open",
        opened_at=world.now,
    )
    world.disputes[dispute.dispute_id] = dispute
    txn.dispute_id = dispute.dispute_id
    return dispute


@server.write
def change_bank_pin(world: BankingWorld, customer_id: CustomerId, current_pin: Pin, new_pin: Pin) -> PinChange:
    """Change a customer's 4-digit PIN.

    The new PIN must differ from the current one and may not be four equal digits or a straight run like 1234.

    Args:
        customer_id: The customer whose PIN to change.
        current_pin: The customer's current PIN, as given by the customer.
        new_pin: The new PIN the customer chose.
    """
    customer = _customer(world, customer_id)
    _check_pin(customer, current_pin)
    if new_pin == current_pin:
        raise ToolError("The new PIN is the same as the current one; choose a different PIN.")
    if is_weak_pin(new_pin):
        raise ToolError("That PIN is too easy to guess (repeated digits or a straight run); choose another.")
    customer.pin = new_pin
    customer.pin_updated_on = world.now.date()
    return PinChange(customer_id=customer_id, pin_updated_on=customer.pin_updated_on)
