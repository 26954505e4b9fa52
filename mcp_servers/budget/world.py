"""The budget book's state: members, monthly periods, categories with their limit history, expenses, income, moves.

Amounts are floats rounded to cents. Expenses and income keep the currency they were paid in; the book counts in USD
at fixed rates (`RATES_TO_USD`). A category's figures for a period are derived by `budget_lines`, never stored: the
limit in force for that period (its newest limit setting from that period or earlier), plus what was left over in
the previous period when rollover is on, plus fund moves in and minus fund moves out, against what approved and
pending expenses committed. Periods are calendar months; all but the current and the previous month are closed.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
MemberId = Annotated[str, Entity("budget_member"), _ID]
CategoryId = Annotated[str, Entity("budget_category"), _ID]
ExpenseId = Annotated[str, Entity("budget_expense"), _ID]
IncomeId = Annotated[str, Entity("budget_income"), _ID]
FundMoveId = Annotated[str, Entity("budget_fund_move"), _ID]
PeriodId = Annotated[str, Entity("budget_period"), Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]

MemberRole = Literal["owner", "approver", "member"]
ExpenseStatus = Literal["pending", "approved", "rejected", "split"]
PaymentMethod = Literal["company_card", "personal_card", "cash", "bank_transfer"]

BOOK_CURRENCY = "USD"
RATES_TO_USD: dict[str, float] = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CAD": 0.74}
APPROVAL_THRESHOLD = 100.0
"""Expenses of at least this many USD wait as `pending` until another approver or the owner approves them."""
COUNTED_STATUSES = ("approved", "pending")
"""Expenses in these states commit their category's money; rejected ones and split originals do not."""
OVER_BUDGET_TAG = "over-budget"
REVIEWER_ROLES = ("owner", "approver")
HISTORY_MONTHS = 7
"""Closed and open months before the current one."""


def shift_period(period_id: str, months: int) -> str:
    """The period `months` calendar months after (or before, if negative) `period_id`."""
    index = int(period_id[:4]) * 12 + int(period_id[5:]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_bounds(period_id: str) -> tuple[date, date]:
    """First and last day of a period."""
    start = date(int(period_id[:4]), int(period_id[5:]), 1)
    following = shift_period(period_id, 1)
    return start, date(int(following[:4]), int(following[5:]), 1) - timedelta(days=1)


def to_usd(amount: float, currency: str) -> float:
    return round(amount * RATES_TO_USD[currency], 2)


class BudgetMember(BaseModel):
    member_id: MemberId
    name: str
    email: str
    role: MemberRole = Field(description="owner and approver may approve others' expenses; member only submits.")
    status: Literal["active", "former"]


class BudgetPeriod(BaseModel):
    period_id: PeriodId
    starts_on: date
    ends_on: date
    status: Literal["open", "closed"] = Field(description="Closed periods accept no new or changed entries.")


class LimitSetting(BaseModel):
    from_period: PeriodId = Field(description="The first period this setting applies to (until a newer one).")
    monthly_limit: float
    rollover: bool = Field(description="Whether money left at the end of a period carries into the next one.")


class BudgetCategory(BaseModel):
    category_id: CategoryId
    name: str
    parent_id: CategoryId | None = Field(None, description="The group this category belongs to.")
    is_group: bool = Field(False, description="Groups only gather categories: no limit and no expenses of their own.")
    limits: list[LimitSetting] = Field(default_factory=list, description="Limit history, oldest first.")

    def setting_for(self, period_id: str) -> LimitSetting | None:
        """The limit setting in force in `period_id`, or None before the category had one."""
        found = None
        for setting in self.limits:
            if setting.from_period <= period_id:
                found = setting
        return found


class Expense(BaseModel):
    expense_id: ExpenseId
    spent_on: date
    amount: float = Field(description="In the expense's own currency.")
    currency: str
    merchant: str
    category_id: CategoryId
    payment_method: PaymentMethod
    note: str = ""
    tags: list[str] = Field(default_factory=list)
    status: ExpenseStatus
    member_id: MemberId = Field(description="The member who spent the money and submitted the expense.")
    reviewer_id: MemberId | None = Field(None, description="Who approved or rejected it; none for small expenses.")
    review_note: str = ""
    split_from: ExpenseId | None = Field(None, description="The original expense this part was split from.")

    @property
    def book_amount(self) -> float:
        return to_usd(self.amount, self.currency)


class IncomeEntry(BaseModel):
    income_id: IncomeId
    received_on: date
    amount: float
    currency: str
    source: str
    member_id: MemberId


class FundMove(BaseModel):
    move_id: FundMoveId
    period_id: PeriodId
    from_category_id: CategoryId
    to_category_id: CategoryId
    amount: float = Field(description="USD moved from one category's budget to the other's for the period.")
    note: str
    moved_on: date


class BudgetLine(BaseModel):
    """One category's derived figures for one period, all in USD."""

    category_id: CategoryId
    name: str
    parent_id: CategoryId | None
    monthly_limit: float
    rollover: bool
    carried_in: float = Field(description="Left over from the previous period (rollover categories only).")
    moved_net: float = Field(description="Fund moves into the category minus moves out of it, this period.")
    available: float = Field(description="monthly_limit + carried_in + moved_net.")
    spent: float = Field(description="Approved and pending expenses (pending is part of it).")
    pending: float
    remaining: float = Field(description="available - spent; negative when over budget.")


_TEAM = (
    "Maya Lindqvist", "Daniel Okafor", "Priya Raman", "Tomas Herrera", "Hannah Weiss", "Kenji Mori", "Leah Brooks",
    "Samir Patel", "Clara Novak", "Owen Gallagher", "Ines Duarte", "Marcus Reid", "Yara Haddad", "Felix Brandt",
)
_ROLES: tuple[MemberRole, ...] = ("owner", "approver", "approver", "member", "member", "member", "member", "member")

_Profile = tuple[str, str, float, float, float, tuple[str, ...], bool, float]
_PROFILES: tuple[_Profile, ...] = (
    # group, category, expenses per month, low, high, merchants, rollover, share paid in EUR/GBP/CAD
    ("Workspace", "Office Rent", 1, 2400, 2400, ("Harbor Lofts LLC",), False, 0),
    ("Workspace", "Utilities & Internet", 3, 60, 260, ("Pacific Gas & Electric", "Comcast Business", "City Water"),
     False, 0),
    ("Workspace", "Office Supplies", 3, 12, 220, ("Staples", "Amazon Business", "Office Depot"), False, 0),
    ("Technology", "Software Subscriptions", 6, 12, 380, ("GitHub", "Figma", "Slack", "Notion", "Adobe", "Zoom"),
     False, 0.15),
    ("Technology", "Cloud Hosting", 2, 40, 900, ("Amazon Web Services", "DigitalOcean", "Cloudflare"), False, 0),
    ("Technology", "Hardware", 0.5, 80, 2400, ("Apple Store", "B&H Photo", "Best Buy"), True, 0),
    ("Travel", "Flights", 1.2, 180, 950, ("Delta Air Lines", "United Airlines", "Lufthansa", "British Airways"),
     False, 0.35),
    ("Travel", "Lodging", 1.2, 140, 820, ("Marriott", "Hilton", "Airbnb", "Premier Inn"), False, 0.35),
    ("Travel", "Ground Transport", 7, 9, 120, ("Uber", "Lyft", "Hertz", "Amtrak"), False, 0.1),
    ("Meals", "Team Lunches", 6, 40, 260, ("Sweetgreen", "Chipotle", "DoorDash", "Tartine"), False, 0),
    ("Meals", "Client Dinners", 1.2, 90, 480, ("Nopa", "Zuni Cafe", "State Bird Provisions"), False, 0),
    ("Meals", "Coffee & Snacks", 9, 5, 90, ("Starbucks", "Blue Bottle Coffee", "Costco", "Peet's Coffee"), False, 0),
    ("People", "Training & Courses", 0.6, 20, 600, ("Coursera", "O'Reilly Media", "Udemy"), True, 0),
    ("People", "Conferences", 0.4, 250, 1400, ("Config", "Web Summit", "SmashingConf"), True, 0.3),
    ("People", "Team Events", 0.6, 80, 700, ("Escape Room SF", "Lucky Strike", "Golden Gate Sailing"), True, 0),
    ("Marketing", "Online Ads", 4, 50, 700, ("Google Ads", "LinkedIn Ads", "Meta Ads"), False, 0),
    ("Marketing", "Print & Swag", 0.5, 40, 500, ("Vistaprint", "Moo Print", "Custom Ink"), True, 0),
    ("Admin", "Bank & Payment Fees", 4, 3, 45, ("Stripe", "Chase", "Wise"), False, 0.2),
)
_UNUSED_CATEGORY = ("Marketing", "Podcast Sponsorships", 600.0)
"""A category added this month that has no expenses yet (the only kind that can be deleted)."""
_FOREIGN_CURRENCIES = ("EUR", "EUR", "GBP", "CAD")
_RECURRING = ("Office Rent", "Utilities & Internet", "Software Subscriptions", "Cloud Hosting")
_TRIP_TAGS = ("trip:berlin", "trip:london", "trip:nyc", "trip:toronto")
_CLIENT_TAGS = ("client:acme", "client:globex", "client:initech", "client:umbrella")
_NOTES = (
    "Receipt attached", "Annual plan, billed monthly", "Shared with the design team", "Booked last minute",
    "Replacement for a broken one", "Quarterly planning day", "Price includes tax", "Reimburse in next payroll",
)
_REJECT_REASONS = ("Duplicate of an earlier claim", "Personal purchase", "Missing receipt", "Not pre-approved")
_MOVE_NOTES = ("Cover overspend", "Rebalance after planning", "Trip ran long", "Unused budget", "Extra campaign")
_CLIENT_PAYERS = ("Acme Corp", "Globex", "Initech", "Umbrella Health")


class BudgetWorld(World):
    server: ClassVar[str] = "budget"

    members: dict[str, BudgetMember] = Field(default_factory=dict)
    periods: dict[str, BudgetPeriod] = Field(default_factory=dict)
    categories: dict[str, BudgetCategory] = Field(default_factory=dict)
    expenses: dict[str, Expense] = Field(default_factory=dict)
    income: dict[str, IncomeEntry] = Field(default_factory=dict)
    fund_moves: dict[str, FundMove] = Field(default_factory=dict)

    # ----- derived figures shared by the tools -----

    @property
    def current_period_id(self) -> str:
        return period_of(self.now.date())

    def budget_lines(self, period_id: str) -> dict[str, BudgetLine]:
        """Every non-group category's figures for `period_id`, computed from the entries (one pass over each)."""
        spent: defaultdict[tuple[str, str], float] = defaultdict(float)
        pending: defaultdict[tuple[str, str], float] = defaultdict(float)
        for expense in self.expenses.values():
            period = period_of(expense.spent_on)
            if expense.status in COUNTED_STATUSES and period <= period_id:
                spent[expense.category_id, period] += expense.book_amount
                if expense.status == "pending":
                    pending[expense.category_id, period] += expense.book_amount
        moved: defaultdict[tuple[str, str], float] = defaultdict(float)
        for move in self.fund_moves.values():
            if move.period_id <= period_id:
                moved[move.from_category_id, move.period_id] -= move.amount
                moved[move.to_category_id, move.period_id] += move.amount
        history = sorted(period for period in self.periods if period < period_id)
        lines = {}
        for category in self.categories.values():
            if category.is_group:
                continue
            carried = 0.0
            for period in history:
                setting = category.setting_for(period)
                left = (setting.monthly_limit if setting else 0.0) + carried + moved[category.category_id, period]
                left -= spent[category.category_id, period]
                carried = max(left, 0.0) if setting is not None and setting.rollover else 0.0
            setting = category.setting_for(period_id)
            key = (category.category_id, period_id)
            limit = setting.monthly_limit if setting else 0.0
            available = round(limit + carried + moved[key], 2)
            lines[category.category_id] = BudgetLine(
                category_id=category.category_id,
                name=category.name,
                parent_id=category.parent_id,
                monthly_limit=limit,
                rollover=setting.rollover if setting else False,
                carried_in=round(carried, 2),
                moved_net=round(moved[key], 2),
                available=available,
                spent=round(spent[key], 2),
                pending=round(pending[key], 2),
                remaining=round(available - spent[key], 2),
            )
        return lines

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        current = self.current_period_id
        for months_back in range(HISTORY_MONTHS, -1, -1):
            period_id = shift_period(current, -months_back)
            starts_on, ends_on = period_bounds(period_id)
            status = "closed" if months_back >= 2 else "open"
            self.periods[period_id] = BudgetPeriod(period_id=period_id, starts_on=starts_on, ends_on=ends_on,
                                                   status=status)
        self._generate_members(rng)
        names = self._generate_categories(rng)
        self._generate_expenses(rng, names)
        self._generate_splits(rng)
        self._generate_moves(rng)
        self._generate_income(rng)

    def _generate_members(self, rng: random.Random) -> None:
        for name, role in zip(rng.sample(_TEAM, len(_ROLES)), _ROLES):
            member = BudgetMember(
                member_id=self.next_id("MEM"),
                name=name,
                email=f"{name.lower().replace(' ', '.')}@harborpine.studio",
                role=role,
                status="active",
            )
            self.members[member.member_id] = member
        list(self.members.values())[-1].status = "former"

    def _generate_categories(self, rng: random.Random) -> dict[str, str]:
        """Groups and categories with limits sized to their typical spend; returns category name to id."""
        first = min(self.periods)
        groups: dict[str, str] = {}
        ids: dict[str, str] = {}
        for group, name, per_month, low, high, _, rollover, _ in _PROFILES:
            if group not in groups:
                parent = BudgetCategory(category_id=self.next_id("CAT"), name=group, is_group=True)
                self.categories[parent.category_id] = parent
                groups[group] = parent.category_id
            typical = per_month * (low + high) / 2
            limit = typical if low == high else max(50.0, round(typical * rng.uniform(0.8, 1.3) / 50) * 50)
            category = BudgetCategory(
                category_id=self.next_id("CAT"),
                name=name,
                parent_id=groups[group],
                limits=[LimitSetting(from_period=first, monthly_limit=limit, rollover=rollover)],
            )
            if low != high and rng.random() < 0.25:
                changed = round(limit * rng.choice((0.8, 1.2, 1.5)) / 50) * 50
                category.limits.append(
                    LimitSetting(from_period=shift_period(first, rng.randint(2, 5)), monthly_limit=changed,
                                 rollover=rollover)
                )
            self.categories[category.category_id] = category
            ids[name] = category.category_id
        group, name, limit = _UNUSED_CATEGORY
        unused = BudgetCategory(
            category_id=self.next_id("CAT"),
            name=name,
            parent_id=groups[group],
            limits=[LimitSetting(from_period=self.current_period_id, monthly_limit=limit, rollover=False)],
        )
        self.categories[unused.category_id] = unused
        return ids

    def _generate_expenses(self, rng: random.Random, category_ids: dict[str, str]) -> None:
        today = self.now.date()
        drafts: list[tuple[date, str, _Profile]] = []
        for period_id in self.periods:
            starts_on, ends_on = period_bounds(period_id)
            days = (min(ends_on, today) - starts_on).days + 1
            share = days / ((ends_on - starts_on).days + 1)
            for profile in _PROFILES:
                expected = profile[2] * share
                count = int(expected) + (rng.random() < expected % 1)
                if profile[3] == profile[4]:
                    count = 1
                elif expected >= 3:
                    count += rng.choice((-1, 0, 1))
                for _ in range(count):
                    spent_on = starts_on if profile[3] == profile[4] else starts_on + timedelta(rng.randrange(days))
                    drafts.append((spent_on, profile[1], profile))
        drafts.sort(key=lambda draft: (draft[0], draft[1]))
        for spent_on, name, profile in drafts:
            self._add_expense(rng, spent_on, category_ids[name], profile)

    def _add_expense(self, rng: random.Random, spent_on: date, category_id: str, profile: _Profile) -> None:
        _, name, _, low, high, merchants, _, foreign_share = profile
        currency = rng.choice(_FOREIGN_CURRENCIES) if rng.random() < foreign_share else "USD"
        amount = round(rng.uniform(low, high) / RATES_TO_USD[currency], 2)
        fixed = name in _RECURRING
        method: PaymentMethod = "bank_transfer" if name in _RECURRING[:2] else rng.choice(
            ("company_card", "company_card", "company_card", "personal_card", "personal_card", "cash")
        )
        months_back = len(self.periods) - 1 - sorted(self.periods).index(period_of(spent_on))
        spenders = [m for m in self.members.values() if m.status == "active" or months_back >= 3]
        member = self._with_role("owner")[0] if fixed else rng.choice(spenders)
        tags = ["recurring"] if fixed else []
        if profile[0] == "Travel" and rng.random() < 0.7:
            tags.append(rng.choice(_TRIP_TAGS))
        if name == "Client Dinners":
            tags.append(rng.choice(_CLIENT_TAGS))
        expense = Expense(
            expense_id=self.next_id("EXP"),
            spent_on=spent_on,
            amount=amount,
            currency=currency,
            merchant=rng.choice(merchants),
            category_id=category_id,
            payment_method=method,
            note=rng.choice(_NOTES) if rng.random() < 0.12 else "",
            tags=tags,
            status="approved",
            member_id=member.member_id,
        )
        if expense.book_amount >= APPROVAL_THRESHOLD:
            self._review(rng, expense, months_back)
        self.expenses[expense.expense_id] = expense

    def _review(self, rng: random.Random, expense: Expense, months_back: int) -> None:
        """Settle a large expense as approved, rejected or still pending, more often pending the more recent it is."""
        roll = rng.random()
        pending_share = {0: 0.6, 1: 0.3}.get(months_back, 0.0)
        if roll < pending_share:
            expense.status = "pending"
            return
        reviewers = [
            m.member_id for m in self.members.values()
            if m.role in REVIEWER_ROLES and m.member_id != expense.member_id
        ]
        expense.reviewer_id = rng.choice(reviewers)
        if roll > 0.93:
            expense.status = "rejected"
            expense.review_note = rng.choice(_REJECT_REASONS)

    def _with_role(self, role: MemberRole) -> list[BudgetMember]:
        return [member for member in self.members.values() if member.role == role]

    def _established(self) -> list[str]:
        """Ids of the categories (not groups) that existed before the current period."""
        return [
            c.category_id for c in self.categories.values()
            if not c.is_group and c.limits[0].from_period < self.current_period_id
        ]

    def _generate_splits(self, rng: random.Random) -> None:
        """Split a few approved purchases between their own category and another one."""
        leaves = self._established()
        candidates = [e for e in self.expenses.values() if e.status == "approved" and 40 <= e.amount <= 400]
        for original in rng.sample(candidates, 6):
            first = round(original.amount * rng.choice((0.4, 0.5, 0.6, 0.75)), 2)
            other = rng.choice([c for c in leaves if c != original.category_id])
            for category_id, amount in ((original.category_id, first), (other, round(original.amount - first, 2))):
                part = original.model_copy(
                    update={"expense_id": self.next_id("EXP"), "category_id": category_id, "amount": amount,
                            "split_from": original.expense_id, "tags": list(original.tags)}
                )
                self.expenses[part.expense_id] = part
            original.status = "split"

    def _generate_moves(self, rng: random.Random) -> None:
        leaves = self._established()
        periods = sorted(self.periods)
        for _ in range(12):
            period_id = rng.choice(periods)
            source, target = rng.sample(leaves, 2)
            starts_on, ends_on = period_bounds(period_id)
            last = min(ends_on, self.now.date())
            move = FundMove(
                move_id=self.next_id("MOV"),
                period_id=period_id,
                from_category_id=source,
                to_category_id=target,
                amount=float(rng.choice((50, 75, 100, 150, 200, 250, 300))),
                note=rng.choice(_MOVE_NOTES),
                moved_on=starts_on + timedelta(rng.randrange((last - starts_on).days + 1)),
            )
            self.fund_moves[move.move_id] = move

    def _generate_income(self, rng: random.Random) -> None:
        owner = self._with_role("owner")[0].member_id
        approvers = [member.member_id for member in self._with_role("approver")]
        for period_id in sorted(self.periods):
            starts_on, ends_on = period_bounds(period_id)
            self._add_income(starts_on, 18000.0, "USD", "Monthly operating allocation", owner)
            last = min(ends_on, self.now.date())
            for _ in range(rng.randint(0, 2)):
                received_on = starts_on + timedelta(rng.randrange((last - starts_on).days + 1))
                currency = "EUR" if rng.random() < 0.2 else "USD"
                amount = round(rng.uniform(300, 4000), 2)
                source = f"Reimbursed expenses from {rng.choice(_CLIENT_PAYERS)}"
                self._add_income(received_on, amount, currency, source, rng.choice(approvers))

    def _add_income(self, received_on: date, amount: float, currency: str, source: str, member_id: str) -> None:
        entry = IncomeEntry(
            income_id=self.next_id("INC"),
            received_on=received_on,
            amount=amount,
            currency=currency,
            source=source,
            member_id=member_id,
        )
        self.income[entry.income_id] = entry
