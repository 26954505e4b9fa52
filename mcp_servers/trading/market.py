"""Order execution: matching an incoming order against the resting book, stop triggers, and the session open and
close.

Resting liquidity on a side is the other participants' displayed levels plus clients' working limit orders, in
price-time priority (participants' levels rested first, so they go first at an equal price). An incoming order never
trades with a resting order of its own account. Every fill moves cash and shares at once (no settlement delay) and
sets the instrument's last price, which may trigger stop orders on that symbol.
"""

from dataclasses import dataclass

from mcp_servers.trading.world import (
    BookLevel,
    Execution,
    Order,
    Position,
    Side,
    TradingWorld,
    is_market_open,
    next_market_open,
    session_close,
)

__all__ = ["Maker", "resting", "preview", "submit", "open_session", "close_session"]


@dataclass
class Maker:
    """Resting liquidity an incoming order can trade with: a participant's level or a client's limit order."""

    price: float
    quantity: int
    level: BookLevel | None = None
    order: Order | None = None


def resting(world: TradingWorld, symbol: str, taker_side: Side, exclude_account: str = "") -> list[Maker]:
    """What an incoming `taker_side` order on `symbol` would meet, best price first, then by time priority."""
    buying = taker_side == "buy"
    sign = 1 if buying else -1
    book = world.books[symbol]
    ranked = [
        ((sign * level.price, 0, "", f"{index:03d}"), Maker(level.price, level.quantity, level=level))
        for index, level in enumerate(book.asks if buying else book.bids)
    ]
    maker_side = "sell" if buying else "buy"
    for order in world.orders.values():
        if (
            order.working and order.order_type == "limit" and order.limit_price is not None
            and order.symbol == symbol and order.side == maker_side and order.account_id != exclude_account
        ):
            moment, order_id = order.priority
            key = (sign * order.limit_price, 1, moment.isoformat(), order_id)
            ranked.append((key, Maker(order.limit_price, order.remaining, order=order)))
    ranked.sort(key=lambda pair: pair[0])
    return [maker for _, maker in ranked]


def _acceptable(side: Side, price: float, limit: float | None) -> bool:
    return limit is None or (price <= limit if side == "buy" else price >= limit)


def preview(world: TradingWorld, account_id: str, symbol: str, side: Side, quantity: int) -> tuple[int, float]:
    """How many shares a market order could fill against the book right now, and what they would cost or raise."""
    filled, amount = 0, 0.0
    for maker in resting(world, symbol, side, account_id):
        take = min(quantity - filled, maker.quantity)
        filled += take
        amount += take * maker.price
        if filled == quantity:
            break
    return filled, round(amount, 2)


def _fill(world: TradingWorld, order: Order, quantity: int, price: float) -> Execution:
    """Record one fill of `order` and move the account's cash and shares."""
    execution = Execution(
        trade_id=world.next_id("EXE", 5), order_id=order.order_id, account_id=order.account_id, symbol=order.symbol,
        side=order.side, quantity=quantity, price=price, amount=round(quantity * price, 2), executed_at=world.now,
    )
    world.executions[execution.trade_id] = execution
    total = order.filled_quantity + quantity
    paid_before = (order.average_fill_price or 0.0) * order.filled_quantity
    order.average_fill_price = round((paid_before + quantity * price) / total, 4)
    order.filled_quantity = total
    order.status = "filled" if total == order.quantity else "partially_filled"
    if order.status == "filled":
        order.closed_at = world.now
    account = world.accounts[order.account_id]
    position = account.positions.get(order.symbol)
    if order.side == "buy":
        account.cash_balance = round(account.cash_balance - execution.amount, 2)
        if position is None:
            account.positions[order.symbol] = Position(
                symbol=order.symbol, quantity=quantity, average_cost=price, opened_on=world.now.date()
            )
        else:
            cost = position.average_cost * position.quantity + execution.amount
            position.quantity += quantity
            position.average_cost = round(cost / position.quantity, 4)
    else:
        account.cash_balance = round(account.cash_balance + execution.amount, 2)
        if position is not None:
            position.quantity -= quantity
            if position.quantity <= 0:
                del account.positions[order.symbol]
    return execution


def _match(world: TradingWorld, order: Order, limit: float | None, budget: float | None = None) -> list[Execution]:
    """Trade `order` against resting liquidity up to `limit` (None: any price) and a cash `budget`; its fills."""
    fills: list[Execution] = []
    book = world.books[order.symbol]
    for maker in resting(world, order.symbol, order.side, order.account_id):
        if order.remaining == 0 or not _acceptable(order.side, maker.price, limit):
            break
        take = min(order.remaining, maker.quantity)
        if budget is not None:
            take = min(take, int(budget // maker.price))
            if take == 0:
                break
            budget -= take * maker.price
        fills.append(_fill(world, order, take, maker.price))
        if maker.order is not None:
            _fill(world, maker.order, take, maker.price)
        elif maker.level is not None:
            maker.level.quantity -= take
    book.asks = [level for level in book.asks if level.quantity > 0]
    book.bids = [level for level in book.bids if level.quantity > 0]
    if fills:
        instrument = world.instruments[order.symbol]
        instrument.last_price = fills[-1].price
        instrument.day_high = max(instrument.day_high, *(fill.price for fill in fills))
        instrument.day_low = min(instrument.day_low, *(fill.price for fill in fills))
        instrument.volume += sum(fill.quantity for fill in fills)
    return fills


def _stop_reached(order: Order, last: float) -> bool:
    stop = order.stop_price or 0.0
    return last <= stop if order.side == "sell" else last >= stop


def _run_stops(world: TradingWorld, symbol: str) -> None:
    """Trigger working stop orders on `symbol` whose stop price the last trade reached, until none is left.

    A triggered stop trades as a market order; whatever the book (or, for a buy, the account's free cash) cannot
    fill is cancelled. Each stop triggers once, so the loop ends.
    """
    instrument = world.instruments[symbol]
    while instrument.status == "trading" and is_market_open(world.now):
        due = sorted(
            (
                order for order in world.orders.values()
                if order.working and order.order_type == "stop" and order.symbol == symbol
                and _stop_reached(order, instrument.last_price)
            ),
            key=lambda order: order.priority,
        )
        if not due:
            return
        order = due[0]
        order.triggered_at = world.now
        trigger_price = instrument.last_price
        budget = None
        if order.side == "buy":
            budget = world.buying_power(world.accounts[order.account_id], ignore=order.order_id)
        _match(world, order, None, budget)
        if order.remaining > 0:
            unfilled = order.remaining
            order.status = "cancelled"
            order.closed_at = world.now
            why = "not enough buying power" if order.side == "buy" and budget is not None else "no more liquidity"
            order.status_reason = (
                f"Stop triggered at {trigger_price:.2f}; {unfilled} shares could not be filled ({why}) and were "
                "cancelled."
            )


def submit(world: TradingWorld, order: Order) -> list[Execution]:
    """Work a newly placed (or repriced) order: trade what crosses now, leave the rest resting; its fills."""
    if not is_market_open(world.now) or world.instruments[order.symbol].status != "trading":
        return []
    fills: list[Execution] = []
    if order.order_type == "market":
        fills = _match(world, order, None)
    elif order.order_type == "limit":
        fills = _match(world, order, order.limit_price)
    _run_stops(world, order.symbol)
    return fills


def close_session(world: TradingWorld) -> list[str]:
    """Move the clock to today's close and expire working day orders; their ids."""
    world.advance(session_close(world.now) - world.now)
    expired = []
    for order in world.orders.values():
        if order.working and order.time_in_force == "day":
            order.status = "expired"
            order.closed_at = world.now
            order.status_reason = "Day order expired at the close."
            expired.append(order.order_id)
    return expired


def open_session(world: TradingWorld) -> list[str]:
    """Move the clock to the next open, start a new trading day and match queued orders; ids of orders that filled.

    Queued limit orders are matched in time priority; then stops are checked on every symbol that traded.
    """
    world.advance(next_market_open(world.now) - world.now)
    for instrument in world.instruments.values():
        instrument.previous_close = instrument.last_price
        instrument.day_high = instrument.day_low = instrument.last_price
        instrument.volume = 0
    before = {order.order_id: order.filled_quantity for order in world.orders.values() if order.working}
    queued = sorted(
        (
            order for order in world.orders.values()
            if order.working and order.order_type == "limit" and world.instruments[order.symbol].status == "trading"
        ),
        key=lambda order: order.priority,
    )
    traded: list[str] = []
    for order in queued:
        if order.working and _match(world, order, order.limit_price) and order.symbol not in traded:
            traded.append(order.symbol)
    for symbol in sorted(traded):
        _run_stops(world, symbol)
    return [order_id for order_id, filled in before.items() if world.orders[order_id].filled_quantity != filled]
