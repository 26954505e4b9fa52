"""Budget book tools: members, periods, categories and their figures, expenses and their review, splits and
recategorization, fund moves, limits, categories, income."""

from collections import Counter
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.budget.world import (
    APPROVAL_THRESHOLD,
    BOOK_CURRENCY,
    COUNTED_STATUSES,
    OVER_BUDGET_TAG,
    RATES_TO_USD,
    REVIEWER_ROLES,
    BudgetCategory,
    BudgetLine,
    BudgetMember,
    BudgetPeriod,
    BudgetWorld,
    CategoryId,
    Expense,
    ExpenseId,
    FundMove,
    IncomeEntry,
    LimitSetting,
    MemberId,
    PaymentMethod,
    PeriodId,
    period_of,
    to_usd,
)
from mcp_servers.core import Count, Entity, Name, ServerDef, ToolError, require

server = ServerDef(
    "budget",
    BudgetWorld,
    group="crm",
    description=(
        "A team's shared budget book: monthly periods, spending categories with limits and rollover, expenses "
        "(large ones need another member's approval), splits, fund moves between categories, income. Figures in USD."
    ),
)

Amount = Annotated[float, Field(ge=0.01, le=1_000_000, allow_inf_nan=False)]
LimitAmount = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
CurrencyCode = Annotated[str, Field(min_length=1, max_length=8)]
OptionalDate = Annotated[str, Field(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
PeriodChoice = Annotated[str, Entity("budget_period"), Field(pattern=r"^([0-9]{4}-[0-9]{2})?$")]
CategoryChoice = Annotated[str, Entity("budget_category"), Field(max_length=40)]
MemberChoice = Annotated[str, Entity("budget_member"), Field(max_length=40)]
Note = Annotated[str, Field(max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]
Tag = Annotated[str, Field(min_length=1, max_length=30)]
SplitCategories = Annotated[list[CategoryId], Field(min_length=2, max_length=10)]
SplitAmounts = Annotated[list[Amount], Field(min_length=2, max_length=10)]

_SHOWN_IDS = 5
"""How many ids an error message lists before it summarizes."""


# ----- result models -----


class MemberList(BaseModel):
    members: list[BudgetMember]


class PeriodView(BudgetPeriod):
    available: float = Field(description="Sum of the categories' available money, USD.")
    spent: float = Field(description="Approved and pending expenses, USD.")
    pending: float
    income: float = Field(description="Income received in the period, USD.")
    expense_count: int = Field(description="Approved and pending expenses dated in the period.")
    pending_expense_count: int


class PeriodList(BaseModel):
    current_period_id: PeriodId
    periods: list[PeriodView]


class CategoryView(BudgetCategory):
    monthly_limit: float = Field(description="This period's limit; for a group, the sum of its categories'.")
    rollover: bool
    subcategory_ids: list[CategoryId]
    expense_count: int = Field(description="Expenses on record in the category, in every period and state.")


class CategoryList(BaseModel):
    categories: list[CategoryView]


class GroupLine(BaseModel):
    category_id: CategoryId
    name: str
    subcategory_ids: list[CategoryId]
    available: float
    spent: float
    pending: float
    remaining: float


class IncomeView(IncomeEntry):
    amount_usd: float


class BudgetSummary(BaseModel):
    period_id: PeriodId
    period_status: Literal["open", "closed"]
    categories: list[BudgetLine]
    groups: list[GroupLine]
    over_budget_category_ids: list[CategoryId]
    total_available: float
    total_spent: float
    total_pending: float
    total_remaining: float
    income_total: float = Field(description="All income of the period, USD, whatever categories are shown.")
    income: list[IncomeView]


class ExpenseView(Expense):
    amount_usd: float
    period_id: PeriodId
    category_name: str


class ExpenseList(BaseModel):
    expenses: list[ExpenseView]
    total_matched: int
    total_matched_usd: float = Field(description="Sum of every matched expense in USD, not just those shown.")


class ExpenseReceipt(BaseModel):
    expense: ExpenseView
    budget: BudgetLine = Field(description="The expense's category figures for its period, after the change.")


class SplitResult(BaseModel):
    original: ExpenseView
    parts: list[ExpenseView]
    budgets: list[BudgetLine] = Field(description="Figures of every category involved, after the split.")


class FundMoveReceipt(BaseModel):
    move: FundMove
    source: BudgetLine
    target: BudgetLine


class LimitReceipt(BaseModel):
    category_id: CategoryId
    limits: list[LimitSetting]
    budget: BudgetLine = Field(description="The category's figures for the current period with the new limit.")


class DeletedCategory(BaseModel):
    category_id: CategoryId
    name: str
    parent_id: CategoryId | None


class IncomeReceipt(BaseModel):
    income: IncomeView
    period_income_total: float


# ----- lookups and checks -----


def _money(amount: float) -> str:
    return f"{amount:,.2f} {BOOK_CURRENCY}"


def _listed(ids: list[str]) -> str:
    more = f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else ""
    return ", ".join(ids[:_SHOWN_IDS]) + more


def _member(world: BudgetWorld, member_id: str) -> BudgetMember:
    return require(world.members, member_id, "budget member", "Use list_budget_members to see the team.")


def _active_member(world: BudgetWorld, member_id: str) -> BudgetMember:
    member = _member(world, member_id)
    if member.status != "active":
        raise ToolError(f"{member.name} ({member_id}) has left the team and can no longer add entries.")
    return member


def _category(world: BudgetWorld, category_id: str) -> BudgetCategory:
    return require(world.categories, category_id, "budget category", "Use list_budget_categories to see them.")


def _children(world: BudgetWorld, group_id: str) -> list[BudgetCategory]:
    return [c for c in world.categories.values() if c.parent_id == group_id]


def _spendable(world: BudgetWorld, category_id: str) -> BudgetCategory:
    """A category that holds a limit and expenses (not a group)."""
    category = _category(world, category_id)
    if category.is_group:
        options = ", ".join(f"{c.name} ({c.category_id})" for c in _children(world, category_id)) or "none yet"
        raise ToolError(
            f"{category.name} ({category_id}) is a group of categories, not a budget line; use one of its "
            f"categories: {options}."
        )
    return category


def _period(world: BudgetWorld, period_id: str) -> BudgetPeriod:
    """The named period, or the current one for an empty string."""
    chosen = period_id or world.current_period_id
    found = world.periods.get(chosen)
    if found is None:
        first, last = min(world.periods), max(world.periods)
        raise ToolError(f"There is no budget period {chosen}; the book covers {first} to {last} (list_budget_periods).")
    return found


def _open_periods(world: BudgetWorld) -> str:
    return ", ".join(p.period_id for p in world.periods.values() if p.status == "open")


def _require_open(world: BudgetWorld, period_id: str, action: str) -> None:
    period = _period(world, period_id)
    if period.status == "closed":
        raise ToolError(
            f"Budget period {period_id} is closed; {action} is only possible in open periods ({_open_periods(world)})."
        )


def _day(world: BudgetWorld, text: str) -> date:
    """The date of an entry: today when empty; never in the future."""
    today = world.now.date()
    if not text:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"{text} is not a calendar date; use YYYY-MM-DD.") from None
    if day > today:
        raise ToolError(f"{day} is in the future; entries are recorded on or before today ({today}).")
    return day


def _currency(code: str) -> str:
    currency = code.strip().upper()
    if currency not in RATES_TO_USD:
        raise ToolError(
            f"Currency {code[:8]!r} is not supported; the book accepts {', '.join(RATES_TO_USD)} "
            f"(converted to {BOOK_CURRENCY} at fixed rates)."
        )
    return currency


def _text(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ToolError(f"Give the {what}; it cannot be blank.")
    return cleaned


def _expense(world: BudgetWorld, expense_id: str) -> Expense:
    return require(world.expenses, expense_id, "expense", "Use list_expenses to find expense ids.")


def _changeable(world: BudgetWorld, expense: Expense, action: str) -> None:
    """Raise unless the expense still counts and sits in an open period."""
    if expense.status == "rejected":
        raise ToolError(f"Expense {expense.expense_id} was rejected ({expense.review_note}); it cannot be {action}.")
    if expense.status == "split":
        parts = [e.expense_id for e in world.expenses.values() if e.split_from == expense.expense_id]
        raise ToolError(f"Expense {expense.expense_id} was already split into {_listed(parts)}; change those instead.")
    _require_open(world, period_of(expense.spent_on), f"an expense dated {expense.spent_on} being {action}")


def _check_room(line: BudgetLine, needed: float, room: float, period_id: str, allow: bool) -> bool:
    """Whether `needed` USD overruns the `room` left in a category; raises unless overrunning is allowed."""
    over = round(needed - room, 2) > 0
    if over and not allow:
        raise ToolError(
            f"Over budget: {line.name} ({line.category_id}) has {_money(room)} left in {period_id} and this needs "
            f"{_money(needed)}. Move money in with move_budget_funds, raise the limit with set_budget_limit, or pass "
            "allow_over_budget=true to go over."
        )
    return over


def _tagged(tags: list[str], over: bool) -> list[str]:
    """Tags with the over-budget marker added or removed."""
    kept = [tag for tag in tags if tag != OVER_BUDGET_TAG]
    return [*kept, OVER_BUDGET_TAG] if over else kept


def _view(world: BudgetWorld, expense: Expense) -> ExpenseView:
    name = world.categories[expense.category_id].name
    return ExpenseView(
        **expense.model_dump(), amount_usd=expense.book_amount, period_id=period_of(expense.spent_on),
        category_name=name,
    )


def _income_view(entry: IncomeEntry) -> IncomeView:
    return IncomeView(**entry.model_dump(), amount_usd=to_usd(entry.amount, entry.currency))


def _reviewer(world: BudgetWorld, expense: Expense, reviewer_id: str, verb: str) -> BudgetMember:
    """The member deciding on a pending expense: active, an approver or owner, and not the one who spent it."""
    reviewer = _active_member(world, reviewer_id)
    if expense.status != "pending":
        detail = ""
        if expense.status in ("approved", "rejected"):
            automatic = f" automatically (under {_money(APPROVAL_THRESHOLD)})"
            detail = f" by {expense.reviewer_id}" if expense.reviewer_id else automatic
        raise ToolError(
            f"Expense {expense.expense_id} is already {expense.status}{detail}; only pending expenses can be reviewed."
        )
    if reviewer_id == expense.member_id:
        others = [m.member_id for m in world.members.values()
                  if m.role in REVIEWER_ROLES and m.status == "active" and m.member_id != reviewer_id]
        raise ToolError(
            f"{reviewer.name} ({reviewer_id}) submitted {expense.expense_id} and cannot {verb} their own expense; "
            f"ask another approver: {', '.join(others)}."
        )
    if reviewer.role not in REVIEWER_ROLES:
        raise ToolError(f"{reviewer.name} ({reviewer_id}) is a {reviewer.role} and cannot {verb} expenses; "
                        "only approvers and the owner can.")
    return reviewer


# ----- discovery -----


@server.read
def list_budget_members(
    world: BudgetWorld,
    role: Literal["any", "owner", "approver", "member"] = "any",
    include_former: bool = False,
) -> MemberList:
    """List the team members of the budget book with their roles.

    Approvers and the owner may approve or reject other members' expenses; everyone may record expenses and income.

    Args:
        role: Only members with this role, or "any".
        include_former: Also list members who have left the team.
    """
    members = [
        m for m in world.members.values()
        if (role == "any" or m.role == role) and (include_former or m.status == "active")
    ]
    return MemberList(members=members)


@server.read
def list_budget_periods(world: BudgetWorld) -> PeriodList:
    """List the monthly budget periods, oldest first, with their status and totals in USD.

    Only open periods accept new expenses, income, fund moves and changes to expenses.
    """
    counted: Counter[str] = Counter()
    pending_counts: Counter[str] = Counter()
    for expense in world.expenses.values():
        period_id = period_of(expense.spent_on)
        counted[period_id] += expense.status in COUNTED_STATUSES
        pending_counts[period_id] += expense.status == "pending"
    income: Counter[str] = Counter()
    for entry in world.income.values():
        income[period_of(entry.received_on)] += to_usd(entry.amount, entry.currency)
    views = []
    for period_id in sorted(world.periods):
        lines = world.budget_lines(period_id).values()
        views.append(
            PeriodView(
                **world.periods[period_id].model_dump(),
                available=round(sum(line.available for line in lines), 2),
                spent=round(sum(line.spent for line in lines), 2),
                pending=round(sum(line.pending for line in lines), 2),
                income=round(income[period_id], 2),
                expense_count=counted[period_id],
                pending_expense_count=pending_counts[period_id],
            )
        )
    return PeriodList(current_period_id=world.current_period_id, periods=views)


@server.read
def list_budget_categories(
    world: BudgetWorld, parent_id: CategoryChoice = "", name_contains: Annotated[str, Field(max_length=120)] = ""
) -> CategoryList:
    """List budget categories and their groups with this period's limit and rollover setting.

    Groups (is_group) only gather categories; limits, expenses and fund moves belong to the categories inside them.
    Use get_budget_summary for what is spent and left.

    Args:
        parent_id: Only the categories inside this group; empty for every group and category.
        name_contains: Only categories whose name contains this text (any case).
    """
    if parent_id and not _category(world, parent_id).is_group:
        raise ToolError(f"{parent_id} is not a group; call list_budget_categories without parent_id to see the groups.")
    counts = Counter(expense.category_id for expense in world.expenses.values())
    groups: dict[str, list[BudgetCategory]] = {}
    for category in world.categories.values():
        if category.parent_id is not None:
            groups.setdefault(category.parent_id, []).append(category)
    current = world.current_period_id
    needle = name_contains.strip().lower()
    views = []
    for category in world.categories.values():
        if (parent_id and category.parent_id != parent_id) or needle not in category.name.lower():
            continue
        children = groups.get(category.category_id, [])
        settings = [c.setting_for(current) for c in children] if category.is_group else [category.setting_for(current)]
        views.append(
            CategoryView(
                **category.model_dump(),
                monthly_limit=round(sum(s.monthly_limit for s in settings if s is not None), 2),
                rollover=not category.is_group and settings[0] is not None and settings[0].rollover,
                subcategory_ids=[c.category_id for c in children],
                expense_count=counts[category.category_id],
            )
        )
    return CategoryList(categories=views)


@server.read
def get_budget_summary(
    world: BudgetWorld, period: PeriodChoice = "", category_id: CategoryChoice = ""
) -> BudgetSummary:
    """Show what each category may spend, has spent and has left in a period, with group totals and the income.

    Args:
        period: The period, YYYY-MM; empty for the current month.
        category_id: Only this category, or the categories of this group; empty for all.
    """
    chosen = _period(world, period)
    lines = world.budget_lines(chosen.period_id)
    if category_id:
        focus = _category(world, category_id)
        wanted = {c.category_id for c in _children(world, category_id)} if focus.is_group else {category_id}
        lines = {key: line for key, line in lines.items() if key in wanted}
    groups = []
    for group in world.categories.values():
        members = [line for line in lines.values() if line.parent_id == group.category_id]
        if group.is_group and members:
            groups.append(
                GroupLine(
                    category_id=group.category_id,
                    name=group.name,
                    subcategory_ids=[line.category_id for line in members],
                    available=round(sum(line.available for line in members), 2),
                    spent=round(sum(line.spent for line in members), 2),
                    pending=round(sum(line.pending for line in members), 2),
                    remaining=round(sum(line.remaining for line in members), 2),
                )
            )
    income = [_income_view(e) for e in world.income.values() if period_of(e.received_on) == chosen.period_id]
    shown = list(lines.values())
    return BudgetSummary(
        period_id=chosen.period_id,
        period_status=chosen.status,
        categories=shown,
        groups=groups,
        over_budget_category_ids=[line.category_id for line in shown if line.remaining < 0],
        total_available=round(sum(line.available for line in shown), 2),
        total_spent=round(sum(line.spent for line in shown), 2),
        total_pending=round(sum(line.pending for line in shown), 2),
        total_remaining=round(sum(line.remaining for line in shown), 2),
        income_total=round(sum(entry.amount_usd for entry in income), 2),
        income=income,
    )


@server.read
def list_expenses(
    world: BudgetWorld,
    period: PeriodChoice = "",
    category_id: CategoryChoice = "",
    status: Literal["any", "pending", "approved", "rejected", "split"] = "any",
    member_id: MemberChoice = "",
    merchant: Annotated[str, Field(max_length=120)] = "",
    tag: Annotated[str, Field(max_length=30)] = "",
    min_amount_usd: LimitAmount = 0,
    limit: Count = 50,
) -> ExpenseList:
    """Find expenses, newest first, with their USD amount, status and reviewer.

    Args:
        period: Only this period, YYYY-MM; empty for every period.
        category_id: Only this category, or every category of this group; empty for all.
        status: Only expenses in this state: pending (awaiting approval), approved, rejected, or split (replaced by
            parts), or "any".
        member_id: Only expenses submitted by this member.
        merchant: Only merchants whose name contains this text (any case).
        tag: Only expenses carrying this tag (e.g. "recurring", "over-budget", "trip:berlin").
        min_amount_usd: Only expenses of at least this many USD.
        limit: How many expenses to show at most.
    """
    period_id = _period(world, period).period_id if period else ""
    categories: set[str] = set()
    if category_id:
        focus = _category(world, category_id)
        categories = {c.category_id for c in _children(world, category_id)} if focus.is_group else {category_id}
    if member_id:
        _member(world, member_id)
    needle, wanted_tag = merchant.strip().lower(), tag.strip().lower()
    matched = [
        e for e in world.expenses.values()
        if (not period_id or period_of(e.spent_on) == period_id)
        and (not categories or e.category_id in categories)
        and (status == "any" or e.status == status)
        and (not member_id or e.member_id == member_id)
        and needle in e.merchant.lower()
        and (not wanted_tag or wanted_tag in e.tags)
        and e.book_amount >= min_amount_usd
    ]
    matched.sort(key=lambda e: (e.spent_on, e.expense_id), reverse=True)
    return ExpenseList(
        expenses=[_view(world, e) for e in matched[:limit]],
        total_matched=len(matched),
        total_matched_usd=round(sum(e.book_amount for e in matched), 2),
    )


# ----- expenses -----


@server.write
def record_expense(
    world: BudgetWorld,
    member_id: MemberId,
    category_id: CategoryId,
    amount: Amount,
    merchant: Name,
    currency: CurrencyCode = "USD",
    spent_on: OptionalDate = "",
    payment_method: PaymentMethod = "company_card",
    note: Note = "",
    tags: Annotated[list[Tag], Field(max_length=8)] = [],
    allow_over_budget: bool = False,
) -> ExpenseReceipt:
    """Record an expense a member paid, against a category's budget for the month it was spent in.

    Expenses of 100 USD or more start as pending until another approver approves them; smaller ones are approved at
    once. Both count against the budget. An expense that would take the category over its remaining budget is
    refused unless allow_over_budget is true (it is then tagged "over-budget").

    Args:
        member_id: The member who paid.
        category_id: The category to charge (not a group).
        amount: The amount paid, in `currency`.
        merchant: Who was paid.
        currency: ISO code of the currency paid in: USD, EUR, GBP or CAD.
        spent_on: The day of the expense, YYYY-MM-DD, in an open period; empty for today.
        payment_method: How it was paid (personal_card and cash are reimbursed to the member).
        note: A free-text note.
        tags: Labels such as "trip:berlin" or "client:acme" (lower-cased).
        allow_over_budget: Record it even if the category goes over budget.
    """
    member = _active_member(world, member_id)
    category = _spendable(world, category_id)
    payee = _text(merchant, "merchant")
    code = _currency(currency)
    day = _day(world, spent_on)
    period_id = period_of(day)
    _require_open(world, period_id, "recording an expense")
    amount = round(amount, 2)
    line = world.budget_lines(period_id)[category.category_id]
    needed = to_usd(amount, code)
    over = _check_room(line, needed, line.remaining, period_id, allow_over_budget)
    labels = list(dict.fromkeys(tag.strip().lower() for tag in tags if tag.strip()))
    expense = Expense(
        expense_id=world.next_id("EXP"),
        spent_on=day,
        amount=amount,
        currency=code,
        merchant=payee,
        category_id=category.category_id,
        payment_method=payment_method,
        note=note,
        tags=_tagged(labels, over),
        status="pending" if needed >= APPROVAL_THRESHOLD else "approved",
        member_id=member.member_id,
    )
    world.expenses[expense.expense_id] = expense
    return ExpenseReceipt(expense=_view(world, expense), budget=world.budget_lines(period_id)[category.category_id])


@server.write
def approve_expense(world: BudgetWorld, expense_id: ExpenseId, approver_id: MemberId) -> ExpenseView:
    """Approve a pending expense.

    The approver must be an approver or the owner, and cannot approve an expense they submitted themselves.

    Args:
        expense_id: The pending expense.
        approver_id: The member approving it.
    """
    expense = _expense(world, expense_id)
    reviewer = _reviewer(world, expense, approver_id, "approve")
    expense.status = "approved"
    expense.reviewer_id = reviewer.member_id
    return _view(world, expense)


@server.write
def reject_expense(world: BudgetWorld, expense_id: ExpenseId, approver_id: MemberId, reason: Reason) -> ExpenseView:
    """Reject a pending expense; it stops counting against its category's budget.

    Args:
        expense_id: The pending expense.
        approver_id: The approver or owner rejecting it (not the member who submitted it).
        reason: Why it is rejected, shown to the member.
    """
    expense = _expense(world, expense_id)
    note = _text(reason, "reason for the rejection")
    reviewer = _reviewer(world, expense, approver_id, "reject")
    expense.status = "rejected"
    expense.reviewer_id = reviewer.member_id
    expense.review_note = note
    return _view(world, expense)


@server.write
def recategorize_expense(
    world: BudgetWorld, expense_id: ExpenseId, category_id: CategoryId, allow_over_budget: bool = False
) -> ExpenseReceipt:
    """Move an expense to another category (in an open period), freeing budget in its old category.

    Args:
        expense_id: The expense to move.
        category_id: The category to charge instead (not a group).
        allow_over_budget: Move it even if the new category goes over budget.
    """
    expense = _expense(world, expense_id)
    category = _spendable(world, category_id)
    if expense.category_id == category_id:
        raise ToolError(f"Expense {expense_id} is already in {category.name} ({category_id}).")
    _changeable(world, expense, "recategorized")
    period_id = period_of(expense.spent_on)
    line = world.budget_lines(period_id)[category_id]
    over = _check_room(line, expense.book_amount, line.remaining, period_id, allow_over_budget)
    expense.category_id = category_id
    expense.tags = _tagged(expense.tags, over)
    return ExpenseReceipt(expense=_view(world, expense), budget=world.budget_lines(period_id)[category_id])


@server.write
def split_expense(
    world: BudgetWorld,
    expense_id: ExpenseId,
    category_ids: SplitCategories,
    amounts: SplitAmounts,
    allow_over_budget: bool = False,
) -> SplitResult:
    """Split one expense into parts charged to different categories; the parts replace it in the budget.

    The amounts are in the expense's own currency and must add up exactly to its amount. Each part keeps the
    original's date, merchant, member, status and reviewer; the original is kept with status "split".

    Args:
        expense_id: The expense to split (pending or approved, in an open period).
        category_ids: The category of each part, each at most once.
        amounts: The amount of each part, in the same order as category_ids.
        allow_over_budget: Split even if a category goes over budget.
    """
    expense = _expense(world, expense_id)
    _changeable(world, expense, "split")
    if len(category_ids) != len(amounts):
        raise ToolError(f"Give one amount per category: {len(category_ids)} categories but {len(amounts)} amounts.")
    if len(set(category_ids)) != len(category_ids):
        raise ToolError("Each category may appear only once in a split; add the amounts of repeated categories.")
    for category_id in category_ids:
        _spendable(world, category_id)
    parts = [round(amount, 2) for amount in amounts]
    total = round(sum(parts), 2)
    if total != expense.amount:
        raise ToolError(
            f"The split amounts add up to {total:,.2f} {expense.currency} but expense {expense_id} is "
            f"{expense.amount:,.2f} {expense.currency}; they must match exactly."
        )
    period_id = period_of(expense.spent_on)
    lines = world.budget_lines(period_id)
    over = {}
    for category_id, amount in zip(category_ids, parts):
        line = lines[category_id]
        room = line.remaining + (expense.book_amount if category_id == expense.category_id else 0.0)
        over[category_id] = _check_room(line, to_usd(amount, expense.currency), round(room, 2), period_id,
                                        allow_over_budget)
    created = []
    for category_id, amount in zip(category_ids, parts):
        part = expense.model_copy(
            update={
                "expense_id": world.next_id("EXP"),
                "category_id": category_id,
                "amount": amount,
                "split_from": expense_id,
                "tags": _tagged(expense.tags, over[category_id]),
            }
        )
        world.expenses[part.expense_id] = part
        created.append(part)
    expense.status = "split"
    after = world.budget_lines(period_id)
    involved = dict.fromkeys([expense.category_id, *category_ids])
    return SplitResult(
        original=_view(world, expense),
        parts=[_view(world, part) for part in created],
        budgets=[after[category_id] for category_id in involved],
    )


# ----- budget setup -----


@server.write
def move_budget_funds(
    world: BudgetWorld,
    from_category_id: CategoryId,
    to_category_id: CategoryId,
    amount: Amount,
    period: PeriodChoice = "",
    note: Note = "",
) -> FundMoveReceipt:
    """Move part of one category's remaining budget to another category for one period.

    Args:
        from_category_id: The category giving money; it must have at least `amount` left in the period.
        to_category_id: The category receiving it.
        amount: USD to move.
        period: The open period, YYYY-MM; empty for the current month.
        note: Why the money moves.
    """
    source = _spendable(world, from_category_id)
    target = _spendable(world, to_category_id)
    if from_category_id == to_category_id:
        raise ToolError("The source and target categories are the same; choose two different categories.")
    period_id = _period(world, period).period_id
    _require_open(world, period_id, "moving funds")
    amount = round(amount, 2)
    left = world.budget_lines(period_id)[from_category_id].remaining
    if amount > left:
        shown = _money(left) if left > 0 else f"nothing ({_money(left)})"
        raise ToolError(
            f"Cannot move {_money(amount)}: {source.name} ({from_category_id}) has {shown} left in {period_id}."
        )
    move = FundMove(
        move_id=world.next_id("MOV"),
        period_id=period_id,
        from_category_id=source.category_id,
        to_category_id=target.category_id,
        amount=amount,
        note=note,
        moved_on=world.now.date(),
    )
    world.fund_moves[move.move_id] = move
    lines = world.budget_lines(period_id)
    return FundMoveReceipt(move=move, source=lines[from_category_id], target=lines[to_category_id])


@server.write
def set_budget_limit(
    world: BudgetWorld,
    category_id: CategoryId,
    monthly_limit: LimitAmount,
    rollover: Literal["keep", "on", "off"] = "keep",
) -> LimitReceipt:
    """Set a category's monthly limit (and optionally its rollover) from the current period onward.

    Earlier periods keep the limits they had.

    Args:
        category_id: The category (not a group).
        monthly_limit: The new monthly limit in USD.
        rollover: "on" to carry unspent money into the next month, "off" to stop, "keep" to leave it as it is.
    """
    category = _spendable(world, category_id)
    current = world.current_period_id
    setting = category.setting_for(current)
    carry = setting.rollover if setting and rollover == "keep" else rollover == "on"
    limit = round(monthly_limit, 2)
    if setting is not None and setting.monthly_limit == limit and setting.rollover == carry:
        raise ToolError(
            f"{category.name} ({category_id}) already has a limit of {_money(limit)} with rollover "
            f"{'on' if carry else 'off'}."
        )
    fresh = LimitSetting(from_period=current, monthly_limit=limit, rollover=carry)
    if category.limits and category.limits[-1].from_period == current:
        category.limits[-1] = fresh
    else:
        category.limits.append(fresh)
    budget = world.budget_lines(current)[category_id]
    return LimitReceipt(category_id=category_id, limits=category.limits, budget=budget)


@server.write
def create_budget_category(
    world: BudgetWorld,
    name: Name,
    monthly_limit: LimitAmount,
    parent_id: CategoryChoice = "",
    rollover: bool = False,
) -> CategoryView:
    """Create a budget category with a monthly limit from the current period onward.

    Args:
        name: The category's name, unique in the book.
        monthly_limit: Its monthly limit in USD.
        parent_id: The group to put it in; empty for a category outside any group.
        rollover: Whether unspent money carries into the next month.
    """
    label = _text(name, "category name")
    clash = next((c for c in world.categories.values() if c.name.lower() == label.lower()), None)
    if clash is not None:
        raise ToolError(f"A category named {clash.name!r} already exists: {clash.category_id}.")
    if parent_id and not _category(world, parent_id).is_group:
        groups = ", ".join(f"{c.name} ({c.category_id})" for c in world.categories.values() if c.is_group)
        raise ToolError(f"{parent_id} is not a group and cannot hold categories; groups are: {groups}.")
    limit = round(monthly_limit, 2)
    setting = LimitSetting(from_period=world.current_period_id, monthly_limit=limit, rollover=rollover)
    category = BudgetCategory(
        category_id=world.next_id("CAT"), name=label, parent_id=parent_id or None, limits=[setting]
    )
    world.categories[category.category_id] = category
    return CategoryView(
        **category.model_dump(), monthly_limit=setting.monthly_limit, rollover=rollover, subcategory_ids=[],
        expense_count=0,
    )


@server.write
def delete_budget_category(world: BudgetWorld, category_id: CategoryId) -> DeletedCategory:
    """Delete a category that was never used: no expenses and no fund moves (or an empty group).

    Args:
        category_id: The category or group to delete.
    """
    category = _category(world, category_id)
    children = [c.category_id for c in _children(world, category_id)]
    if children:
        raise ToolError(f"Group {category.name} ({category_id}) still holds categories {_listed(children)}.")
    used = [e.expense_id for e in world.expenses.values() if e.category_id == category_id]
    if used:
        raise ToolError(
            f"{category.name} ({category_id}) still has {len(used)} expenses ({_listed(used)}); only a category with "
            "no expenses can be deleted. Move open-period expenses elsewhere with recategorize_expense, or keep it."
        )
    moves = [
        m.move_id for m in world.fund_moves.values() if category_id in (m.from_category_id, m.to_category_id)
    ]
    if moves:
        raise ToolError(f"{category.name} ({category_id}) appears in fund moves {_listed(moves)} and must be kept.")
    del world.categories[category_id]
    return DeletedCategory(category_id=category_id, name=category.name, parent_id=category.parent_id)


# ----- income -----


@server.write
def record_budget_income(
    world: BudgetWorld,
    member_id: MemberId,
    amount: Amount,
    source: Name,
    currency: CurrencyCode = "USD",
    received_on: OptionalDate = "",
) -> IncomeReceipt:
    """Record money the team received (an allocation, a client reimbursement) in an open period.

    Args:
        member_id: The member recording it.
        amount: The amount received, in `currency`.
        source: Where the money came from.
        currency: ISO code: USD, EUR, GBP or CAD.
        received_on: The day it arrived, YYYY-MM-DD, in an open period; empty for today.
    """
    member = _active_member(world, member_id)
    origin = _text(source, "income source")
    code = _currency(currency)
    day = _day(world, received_on)
    period_id = period_of(day)
    _require_open(world, period_id, "recording income")
    entry = IncomeEntry(
        income_id=world.next_id("INC"),
        received_on=day,
        amount=round(amount, 2),
        currency=code,
        source=origin,
        member_id=member.member_id,
    )
    world.income[entry.income_id] = entry
    total = sum(to_usd(e.amount, e.currency) for e in world.income.values() if period_of(e.received_on) == period_id)
    return IncomeReceipt(income=_income_view(entry), period_income_total=round(total, 2))
