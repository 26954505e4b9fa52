"""Trading tools: the market clock, symbol search and quotes with book depth, clients and portfolios, placing,
modifying and cancelling stock orders, order and trade history, watchlists, and waiting for the open or close."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, Field

from mcp_servers.core import ServerDef, ShortText, ToolError, require
from mcp_servers.trading.market import close_session, open_session, preview, resting, submit
from mcp_servers.trading.world import (
    MAX_WATCHLIST_SYMBOLS,
    MAX_WATCHLISTS,
    PRICE_BAND,
    AccountId,
    AccountType,
    BrokerageAccount,
    Client,
    ClientId,
    Execution,
    Instrument,
    Order,
    OrderId,
    OrderType,
    Sector,
    Side,
    Symbol,
    TimeInForce,
    TradingWorld,
    Watchlist,
    WatchlistId,
    is_market_open,
    next_market_open,
    session_close,
)

server = ServerDef(
    "trading",
    TradingWorld,
    group="finance",
    description=(
        "Retail stock brokerage: quotes and order books for listed stocks, client portfolios (cash, buying power, "
        "positions), market/limit/stop orders that fill against the book or rest on it, order and trade history, "
        "watchlists, and a market clock with regular hours 14:30-21:00 UTC on weekdays."
    ),
)

Shares = Annotated[int, Field(ge=1, le=1_000_000)]
Price = Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]
Limit = Annotated[int, Field(ge=1, le=200)]
SymbolList = Annotated[list[Symbol], Field(max_length=MAX_WATCHLIST_SYMBOLS)]
WatchlistName = Annotated[str, Field(min_length=1, max_length=60)]
HOURS = "14:30-21:00 UTC, Monday to Friday"
T = TypeVar("T")


# ----- result models -----


class MarketStatus(BaseModel):
    now: datetime
    market_open: bool
    regular_hours: str
    next_open: datetime = Field(description="The next session open (the one after today's if the market is open).")
    next_close: datetime = Field(description="The close of the running session, or of the next one.")
    halted_symbols: list[Symbol]


class StockSummary(BaseModel):
    symbol: Symbol
    company_name: str
    sector: Sector
    exchange: str
    last_price: float
    change_percent: float = Field(description="Change of the last price against the previous close, in percent.")
    status: Literal["trading", "halted"]


class StockList(BaseModel):
    stocks: list[StockSummary]
    total_matched: int


class DepthLevel(BaseModel):
    price: float
    quantity: int = Field(description="Shares shown at this price.")
    orders: int = Field(description="How many resting orders make up the level.")


class StockQuote(BaseModel):
    symbol: Symbol
    company_name: str
    exchange: str
    status: Literal["trading", "halted"]
    halt_reason: str
    last_price: float
    previous_close: float
    change: float
    change_percent: float
    bid: float | None = Field(description="Best price a buyer is showing (what a market sell would get first).")
    bid_size: int
    ask: float | None = Field(description="Best price a seller is showing (what a market buy would pay first).")
    ask_size: int
    day_high: float
    day_low: float
    volume: int
    price_band_low: float = Field(description="Lowest limit or stop price accepted right now.")
    price_band_high: float = Field(description="Highest limit or stop price accepted right now.")
    market_open: bool
    as_of: datetime
    bids: list[DepthLevel] = Field(description="Book depth on the buy side, best first (when depth > 0).")
    asks: list[DepthLevel] = Field(description="Book depth on the sell side, best first (when depth > 0).")


class AccountBrief(BaseModel):
    account_id: AccountId
    account_type: AccountType
    nickname: str
    status: Literal["active", "restricted"]


class ClientProfile(Client):
    accounts: list[AccountBrief]
    watchlist_ids: list[WatchlistId]


class ClientList(BaseModel):
    clients: list[ClientProfile]
    total_matched: int


class PositionView(BaseModel):
    symbol: Symbol
    company_name: str
    quantity: int
    shares_available: int = Field(description="Shares not already promised to working sell orders.")
    average_cost: float
    last_price: float
    market_value: float
    cost_basis: float
    unrealized_pnl: float
    unrealized_pnl_percent: float
    opened_on: date


class PortfolioSummary(BaseModel):
    account_id: AccountId
    client_id: ClientId
    client_name: str
    account_type: AccountType
    nickname: str
    status: Literal["active", "restricted"]
    restriction_reason: str
    cash_balance: float
    reserved_cash: float = Field(description="Cash held for the unfilled part of working buy orders.")
    buying_power: float = Field(description="Cash available for new buy orders: cash balance less reserved cash.")
    positions: list[PositionView]
    positions_value: float
    total_value: float = Field(description="Cash balance plus the market value of all positions.")
    unrealized_pnl: float
    working_order_ids: list[OrderId]


class OrderList(BaseModel):
    account_id: AccountId
    orders: list[Order]
    total_matched: int


class OrderDetails(Order):
    remaining_quantity: int
    fills: list[Execution]


class OrderReceipt(BaseModel):
    order: Order
    fills: list[Execution] = Field(description="Fills of this order made by this call.")
    remaining_quantity: int
    buying_power: float = Field(description="The account's buying power after the call.")
    message: str


class CancelReceipt(BaseModel):
    order: Order
    released_cash: float = Field(description="Cash no longer reserved (buy orders).")
    released_shares: int = Field(description="Shares no longer reserved (sell orders).")
    buying_power: float


class TradeHistory(BaseModel):
    account_id: AccountId
    executions: list[Execution]
    total_matched: int
    bought_amount: float = Field(description="Sum of buy amounts among the matches, USD.")
    sold_amount: float = Field(description="Sum of sell amounts among the matches, USD.")


class WatchlistItem(BaseModel):
    symbol: Symbol
    company_name: str
    last_price: float
    change_percent: float
    status: Literal["trading", "halted"]


class WatchlistView(BaseModel):
    watchlist_id: WatchlistId
    client_id: ClientId
    name: str
    created_at: datetime
    items: list[WatchlistItem]


class WatchlistList(BaseModel):
    client_id: ClientId
    watchlists: list[WatchlistView]


class ClockUpdate(BaseModel):
    previous_time: datetime
    now: datetime
    market_open: bool
    expired_order_ids: list[OrderId] = Field(description="Day orders that expired at the close.")
    filled_order_ids: list[OrderId] = Field(description="Orders that received fills at the open.")
    message: str


# ----- lookups and checks shared by the tools -----


def _usd(amount: float) -> str:
    return f"{amount:,.2f} USD"


def _instrument(world: TradingWorld, symbol: str) -> Instrument:
    return require(
        world.instruments, symbol.strip().upper(), "stock symbol", "Use search_stock_symbols to find ticker symbols."
    )


_WHERE_TO_LOOK = {
    "brokerage account": "Use find_brokerage_clients to see a client's accounts.",
    "brokerage client": "Use find_brokerage_clients to look the client up.",
    "stock order": "Use list_stock_orders to see an account's orders.",
    "watchlist": "Use list_stock_watchlists to see a client's watchlists.",
}


def _lookup(collection: Mapping[str, T], key: str, kind: str) -> T:
    """`collection[key]`, or a ToolError that names the tool listing valid ids of `kind`."""
    return require(collection, key, kind, _WHERE_TO_LOOK[kind])


def _change_percent(instrument: Instrument) -> float:
    return round((instrument.last_price / instrument.previous_close - 1) * 100, 2)


def _band(instrument: Instrument) -> tuple[float, float]:
    last = instrument.last_price
    return round(last * (1 - PRICE_BAND), 2), round(last * (1 + PRICE_BAND), 2)


def _summary(instrument: Instrument) -> StockSummary:
    return StockSummary(
        symbol=instrument.symbol, company_name=instrument.company_name, sector=instrument.sector,
        exchange=instrument.exchange, last_price=instrument.last_price, change_percent=_change_percent(instrument),
        status=instrument.status,
    )


def _depth(world: TradingWorld, symbol: str, taker_side: Side) -> list[DepthLevel]:
    """The resting side an incoming `taker_side` order meets, aggregated by price, best first."""
    levels: list[DepthLevel] = []
    for maker in resting(world, symbol, taker_side):
        if levels and levels[-1].price == maker.price:
            levels[-1].quantity += maker.quantity
            levels[-1].orders += 1
        else:
            levels.append(DepthLevel(price=maker.price, quantity=maker.quantity, orders=1))
    return levels


def _check_tradable(instrument: Instrument) -> None:
    if instrument.status == "halted":
        raise ToolError(
            f"{instrument.symbol} is halted ({instrument.halt_reason}) Orders cannot be placed or changed until "
            "trading resumes; working orders can still be cancelled."
        )


def _check_price(instrument: Instrument, price: float, label: str) -> None:
    low, high = _band(instrument)
    if not low <= price <= high:
        raise ToolError(
            f"The {label} {price:.2f} is too far from the market: {instrument.symbol} accepts {low:.2f}-{high:.2f} "
            f"USD ({PRICE_BAND:.0%} around the last price {instrument.last_price:.2f}). See get_stock_quote."
        )


def _check_stop(instrument: Instrument, side: Side, stop: float) -> None:
    """A stop must sit on the far side of the last price, or it would trigger at once."""
    last = instrument.last_price
    if side == "sell" and stop >= last:
        raise ToolError(
            f"A sell stop must be below the last price of {instrument.symbol} ({last:.2f}); {stop:.2f} would "
            "trigger at once. Use a market or limit order to sell now."
        )
    if side == "buy" and stop <= last:
        raise ToolError(
            f"A buy stop must be above the last price of {instrument.symbol} ({last:.2f}); {stop:.2f} would "
            "trigger at once. Use a market or limit order to buy now."
        )


def _check_shares(world: TradingWorld, account: BrokerageAccount, symbol: str, quantity: int, ignore: str = "") -> None:
    position = account.positions.get(symbol)
    held = position.quantity if position else 0
    reserved = world.reserved_shares(account.account_id, symbol, ignore)
    if quantity > held - reserved:
        promised = f", {reserved} of them reserved by working sell orders" if reserved else ""
        raise ToolError(
            f"Insufficient shares: {account.account_id} holds {held} {symbol}{promised}; at most "
            f"{max(held - reserved, 0)} can be sold. Short selling is not allowed."
        )


def _check_cash(world: TradingWorld, account: BrokerageAccount, cost: float, what: str, ignore: str = "") -> None:
    power = world.buying_power(account, ignore)
    if cost > power:
        raise ToolError(
            f"Insufficient buying power: {account.account_id} has {_usd(power)} available (cash "
            f"{_usd(account.cash_balance)}, {_usd(account.cash_balance - power)} reserved by working buy orders); "
            f"{what} needs {_usd(cost)}."
        )


def _check_can_buy(account: BrokerageAccount) -> None:
    if account.status == "restricted":
        raise ToolError(
            f"Account {account.account_id} is restricted ({account.restriction_reason}) Only sell orders are "
            "accepted until the restriction is lifted."
        )


def _check_order_prices(
    order_type: OrderType, limit_price: float | None, stop_price: float | None, time_in_force: TimeInForce
) -> None:
    """The prices given match the order type."""
    if order_type == "market":
        if limit_price is not None or stop_price is not None:
            raise ToolError("A market order takes no limit_price or stop_price; use order_type 'limit' or 'stop'.")
        if time_in_force == "gtc":
            raise ToolError("Market orders are day orders only; use time_in_force 'day'.")
    elif limit_price is not None and stop_price is not None:
        raise ToolError(
            "Stop-limit orders are not offered: give limit_price for a limit order or stop_price for a stop."
        )
    elif order_type == "limit" and limit_price is None:
        raise ToolError("A limit order needs limit_price (get_stock_quote shows the bid, ask and accepted band).")
    elif order_type == "stop" and stop_price is None:
        raise ToolError("A stop order needs stop_price: the price at which it becomes a market order.")


def _closed_message(world: TradingWorld) -> str:
    opens = next_market_open(world.now)
    return f"The market is closed (regular hours {HOURS}; it next opens {opens:%a %Y-%m-%d %H:%M} UTC)."


def _outcome(world: TradingWorld, order: Order) -> str:
    """What happened to the order, in a sentence."""
    if order.status == "filled":
        return f"Filled {order.filled_quantity} shares at an average of {order.average_fill_price:.2f} USD."
    if order.status == "cancelled":
        return order.status_reason
    done = f"Filled {order.filled_quantity} of {order.quantity} shares; " if order.filled_quantity else ""
    instrument = world.instruments[order.symbol]
    if not is_market_open(world.now) or instrument.status != "trading":
        waiting = "the market is closed" if instrument.status == "trading" else f"{order.symbol} is halted"
        return f"{done}Accepted and queued: {waiting}; the order works from the next open."
    if order.order_type == "stop":
        direction = "below" if order.side == "sell" else "above"
        return (
            f"Working: becomes a market order when {order.symbol} trades at or {direction} {order.stop_price:.2f}."
        )
    until = "the close" if order.time_in_force == "day" else "it fills or is cancelled"
    return f"{done}{order.remaining} shares rest on the book at {order.limit_price:.2f} until {until}."


def _receipt(world: TradingWorld, order: Order, fills: list[Execution]) -> OrderReceipt:
    return OrderReceipt(
        order=order, fills=fills, remaining_quantity=order.remaining,
        buying_power=world.buying_power(world.accounts[order.account_id]), message=_outcome(world, order),
    )


def _watchlist_view(world: TradingWorld, watchlist: Watchlist) -> WatchlistView:
    items = []
    for symbol in watchlist.symbols:
        instrument = world.instruments[symbol]
        items.append(WatchlistItem(
            symbol=symbol, company_name=instrument.company_name, last_price=instrument.last_price,
            change_percent=_change_percent(instrument), status=instrument.status,
        ))
    return WatchlistView(
        watchlist_id=watchlist.watchlist_id, client_id=watchlist.client_id, name=watchlist.name,
        created_at=watchlist.created_at, items=items,
    )


def _symbols(world: TradingWorld, symbols: list[str]) -> list[str]:
    """Known symbols, upper-cased, in the order given, without repeats."""
    return list(dict.fromkeys(_instrument(world, symbol).symbol for symbol in symbols))


# ----- market data -----


@server.read
def get_stock_market_status(world: TradingWorld) -> MarketStatus:
    """Tell whether the stock market is open now, when it next opens and closes, and which symbols are halted.

    Market orders are accepted only while the market is open; limit and stop orders placed while it is closed
    wait for the next open.
    """
    opens = next_market_open(world.now)
    market_open = is_market_open(world.now)
    return MarketStatus(
        now=world.now, market_open=market_open, regular_hours=HOURS, next_open=opens,
        next_close=session_close(world.now if market_open else opens),
        halted_symbols=[symbol for symbol, item in world.instruments.items() if item.status == "halted"],
    )


@server.read
def search_stock_symbols(
    world: TradingWorld,
    query: ShortText = "",
    sector: Sector | None = None,
    status: Literal["any", "trading", "halted"] = "any",
    limit: Limit = 20,
) -> StockList:
    """Find listed stocks by ticker symbol or company name, optionally within a sector.

    Args:
        query: Part of a ticker symbol or company name, any case (empty lists every stock).
        sector: Only stocks of this sector.
        status: Only trading or only halted stocks; "any" for both.
        limit: Most stocks to return.
    """
    needle = query.strip().casefold()
    found = [
        instrument for instrument in world.instruments.values()
        if (needle in instrument.symbol.casefold() or needle in instrument.company_name.casefold())
        and (sector is None or instrument.sector == sector)
        and status in ("any", instrument.status)
    ]
    found.sort(key=lambda item: (item.symbol.casefold() != needle, item.symbol))
    return StockList(stocks=[_summary(item) for item in found[:limit]], total_matched=len(found))


@server.read
def get_stock_quote(
    world: TradingWorld, symbol: Symbol, depth: Annotated[int, Field(ge=0, le=10)] = 0
) -> StockQuote:
    """Get a stock's live quote: last price, bid and ask, day range, volume and the band of accepted order prices.

    With depth > 0 it also shows that many price levels of the order book on each side, including clients'
    resting limit orders.

    Args:
        symbol: Ticker symbol, such as AAPL.
        depth: Order book levels to show per side (0 for the top of the book only).
    """
    instrument = _instrument(world, symbol)
    bids = _depth(world, instrument.symbol, "sell")
    asks = _depth(world, instrument.symbol, "buy")
    low, high = _band(instrument)
    return StockQuote(
        symbol=instrument.symbol, company_name=instrument.company_name, exchange=instrument.exchange,
        status=instrument.status, halt_reason=instrument.halt_reason, last_price=instrument.last_price,
        previous_close=instrument.previous_close,
        change=round(instrument.last_price - instrument.previous_close, 2), change_percent=_change_percent(instrument),
        bid=bids[0].price if bids else None, bid_size=bids[0].quantity if bids else 0,
        ask=asks[0].price if asks else None, ask_size=asks[0].quantity if asks else 0,
        day_high=instrument.day_high, day_low=instrument.day_low, volume=instrument.volume,
        price_band_low=low, price_band_high=high, market_open=is_market_open(world.now), as_of=world.now,
        bids=bids[:depth], asks=asks[:depth],
    )


# ----- clients and portfolios -----


@server.read
def find_brokerage_clients(world: TradingWorld, query: ShortText = "", limit: Limit = 10) -> ClientList:
    """Find brokerage clients by name, email, phone, client id or account id; each with accounts and watchlists.

    Args:
        query: Part of the client's name, email or phone number, or a client or account id (empty lists all).
        limit: Most clients to return.
    """
    needle = query.strip().casefold()
    digits = "".join(ch for ch in needle if ch.isdigit())
    accounts: dict[str, list[BrokerageAccount]] = {}
    for account in world.accounts.values():
        accounts.setdefault(account.client_id, []).append(account)
    watchlists: dict[str, list[str]] = {}
    for watchlist in world.watchlists.values():
        watchlists.setdefault(watchlist.client_id, []).append(watchlist.watchlist_id)
    matched = []
    for client in world.clients.values():
        owned = accounts.get(client.client_id, [])
        texts = [client.full_name, client.email, client.client_id, *(account.account_id for account in owned)]
        phone = "".join(ch for ch in client.phone if ch.isdigit())
        if any(needle in text.casefold() for text in texts) or (len(digits) >= 4 and digits in phone):
            briefs = [
                AccountBrief(account_id=a.account_id, account_type=a.account_type, nickname=a.nickname, status=a.status)
                for a in owned
            ]
            matched.append(ClientProfile(
                **client.model_dump(), accounts=briefs, watchlist_ids=watchlists.get(client.client_id, [])
            ))
    return ClientList(clients=matched[:limit], total_matched=len(matched))


@server.read
def get_portfolio_summary(world: TradingWorld, account_id: AccountId) -> PortfolioSummary:
    """Show a brokerage account's portfolio: cash, buying power, positions valued at the last price, working orders.

    Args:
        account_id: The brokerage account, such as BRK-0001.
    """
    account = _lookup(world.accounts, account_id, "brokerage account")
    views = []
    for symbol, position in sorted(account.positions.items()):
        instrument = world.instruments[symbol]
        value = round(position.quantity * instrument.last_price, 2)
        basis = round(position.quantity * position.average_cost, 2)
        views.append(PositionView(
            symbol=symbol, company_name=instrument.company_name, quantity=position.quantity,
            shares_available=position.quantity - world.reserved_shares(account_id, symbol),
            average_cost=position.average_cost, last_price=instrument.last_price, market_value=value,
            cost_basis=basis, unrealized_pnl=round(value - basis, 2),
            unrealized_pnl_percent=round((value / basis - 1) * 100, 2) if basis else 0.0,
            opened_on=position.opened_on,
        ))
    positions_value = round(sum(view.market_value for view in views), 2)
    reserved = world.reserved_cash(account_id)
    return PortfolioSummary(
        account_id=account_id, client_id=account.client_id, client_name=world.clients[account.client_id].full_name,
        account_type=account.account_type, nickname=account.nickname, status=account.status,
        restriction_reason=account.restriction_reason, cash_balance=account.cash_balance, reserved_cash=reserved,
        buying_power=round(account.cash_balance - reserved, 2), positions=views, positions_value=positions_value,
        total_value=round(account.cash_balance + positions_value, 2),
        unrealized_pnl=round(sum(view.unrealized_pnl for view in views), 2),
        working_order_ids=[order.order_id for order in world.account_orders(account_id) if order.working],
    )


# ----- orders and trades -----


@server.read
def list_stock_orders(
    world: TradingWorld,
    account_id: AccountId,
    status: Literal["open", "filled", "cancelled", "expired", "rejected", "all"] = "open",
    symbol: Symbol | None = None,
    limit: Limit = 50,
) -> OrderList:
    """List a brokerage account's stock orders, newest first.

    Args:
        account_id: The brokerage account.
        status: "open" for working orders (open or partially filled), a final status, or "all".
        symbol: Only orders for this ticker symbol.
        limit: Most orders to return.
    """
    _lookup(world.accounts, account_id, "brokerage account")
    wanted = _instrument(world, symbol).symbol if symbol is not None else None
    found = [
        order for order in world.account_orders(account_id)
        if (status == "all" or order.status == status or (status == "open" and order.working))
        and (wanted is None or order.symbol == wanted)
    ]
    found.sort(key=lambda order: (order.created_at, order.order_id), reverse=True)
    return OrderList(account_id=account_id, orders=found[:limit], total_matched=len(found))


@server.read
def get_stock_order(world: TradingWorld, order_id: OrderId) -> OrderDetails:
    """Get one stock order's status, prices, filled and remaining quantity, and each fill.

    Args:
        order_id: The order, such as ORD-00042.
    """
    order = _lookup(world.orders, order_id, "stock order")
    fills = sorted(
        (execution for execution in world.executions.values() if execution.order_id == order_id),
        key=lambda execution: execution.trade_id,
    )
    return OrderDetails(**order.model_dump(), remaining_quantity=order.remaining, fills=fills)


@server.read
def list_trade_history(
    world: TradingWorld,
    account_id: AccountId,
    symbol: Symbol | None = None,
    side: Side | None = None,
    days: Annotated[int, Field(ge=1, le=365)] = 30,
    limit: Limit = 50,
) -> TradeHistory:
    """List a brokerage account's executed trades (fills), newest first.

    Args:
        account_id: The brokerage account.
        symbol: Only trades in this ticker symbol.
        side: Only buys or only sells.
        days: How many days back to look.
        limit: Most trades to return.
    """
    _lookup(world.accounts, account_id, "brokerage account")
    wanted = _instrument(world, symbol).symbol if symbol is not None else None
    since = world.now - timedelta(days=days)
    found = [
        execution for execution in world.executions.values()
        if execution.account_id == account_id and execution.executed_at >= since
        and (wanted is None or execution.symbol == wanted) and (side is None or execution.side == side)
    ]
    found.sort(key=lambda execution: (execution.executed_at, execution.trade_id), reverse=True)
    return TradeHistory(
        account_id=account_id, executions=found[:limit], total_matched=len(found),
        bought_amount=round(sum(e.amount for e in found if e.side == "buy"), 2),
        sold_amount=round(sum(e.amount for e in found if e.side == "sell"), 2),
    )


@server.write
def place_stock_order(
    world: TradingWorld,
    account_id: AccountId,
    symbol: Symbol,
    side: Side,
    quantity: Shares,
    order_type: OrderType = "market",
    limit_price: Price | None = None,
    stop_price: Price | None = None,
    time_in_force: TimeInForce = "day",
) -> OrderReceipt:
    """Place a stock order: it trades at once against the order book where it can, and any rest stays working.

    Market orders fill in full at the best available prices and only while the market is open. A limit order
    trades at its limit price or better; what does not fill rests on the book (queued until the open when the
    market is closed). A stop order becomes a market order once the stock trades at the stop price. Buying needs
    enough buying power; selling needs shares not already promised to other sell orders (no short selling).
    Limit and stop prices must be within 10% of the last price.

    Args:
        account_id: The brokerage account to trade in.
        symbol: Ticker symbol, such as AAPL.
        side: "buy" or "sell".
        quantity: Number of whole shares.
        order_type: "market", "limit" (needs limit_price) or "stop" (needs stop_price).
        limit_price: Limit orders: the highest price to pay (buy) or lowest to accept (sell), USD per share.
        stop_price: Stop orders: the trigger price, above the last price for a buy and below it for a sell.
        time_in_force: "day" expires at the close; "gtc" (limit and stop only) works until filled or cancelled.
    """
    account = _lookup(world.accounts, account_id, "brokerage account")
    instrument = _instrument(world, symbol)
    symbol = instrument.symbol
    _check_order_prices(order_type, limit_price, stop_price, time_in_force)
    _check_tradable(instrument)
    if side == "buy":
        _check_can_buy(account)
    if order_type == "market" and not is_market_open(world.now):
        raise ToolError(
            f"{_closed_message(world)} Market orders are accepted only during regular hours: place a limit order "
            "to queue it for the open, or wait_for_stock_market."
        )
    limit_price = round(limit_price, 2) if limit_price is not None else None
    stop_price = round(stop_price, 2) if stop_price is not None else None
    if limit_price is not None:
        _check_price(instrument, limit_price, "limit price")
    if stop_price is not None:
        _check_price(instrument, stop_price, "stop price")
        _check_stop(instrument, side, stop_price)
    if side == "sell":
        _check_shares(world, account, symbol, quantity)
    if order_type == "market":
        fillable, cost = preview(world, account_id, symbol, side, quantity)
        if fillable < quantity:
            raise ToolError(
                f"Not enough liquidity: only {fillable} shares of {symbol} are on the book right now; reduce the "
                "quantity or use a limit order."
            )
        what = f"buying {quantity} {symbol} at the current asks"
    else:
        cost = round(quantity * (limit_price or stop_price or 0.0), 2)
        what = f"{quantity} {symbol} at {(limit_price or stop_price or 0.0):.2f}"
    if side == "buy":
        _check_cash(world, account, cost, what)
    order = Order(
        order_id=world.next_id("ORD", 5), account_id=account_id, symbol=symbol, side=side, order_type=order_type,
        quantity=quantity, limit_price=limit_price, stop_price=stop_price, time_in_force=time_in_force,
        status="open", created_at=world.now,
    )
    world.orders[order.order_id] = order
    return _receipt(world, order, submit(world, order))


@server.write
def modify_stock_order(
    world: TradingWorld,
    order_id: OrderId,
    quantity: Shares | None = None,
    limit_price: Price | None = None,
    stop_price: Price | None = None,
) -> OrderReceipt:
    """Change the quantity, limit price or stop price of a working stock order.

    A new price or a larger quantity sends the order to the back of the queue at its price; a repriced limit
    order that now crosses the market trades at once.

    Args:
        order_id: The working order to change.
        quantity: The new total quantity, including shares already filled.
        limit_price: Limit orders: the new limit price.
        stop_price: Stop orders: the new stop price.
    """
    order = _lookup(world.orders, order_id, "stock order")
    if not order.working:
        raise ToolError(f"Order {order_id} is {order.status}; only open or partially filled orders can be modified.")
    if quantity is None and limit_price is None and stop_price is None:
        raise ToolError("Nothing to change: give a new quantity, limit_price or stop_price.")
    if limit_price is not None and order.order_type != "limit":
        raise ToolError(f"Order {order_id} is a {order.order_type} order; it has no limit price to change.")
    if stop_price is not None and order.order_type != "stop":
        raise ToolError(f"Order {order_id} is a {order.order_type} order; it has no stop price to change.")
    instrument = world.instruments[order.symbol]
    _check_tradable(instrument)
    account = world.accounts[order.account_id]
    new_quantity = quantity if quantity is not None else order.quantity
    if new_quantity <= order.filled_quantity:
        raise ToolError(
            f"Order {order_id} has already filled {order.filled_quantity} shares; the new quantity must be more "
            "than that (or cancel the order)."
        )
    new_limit = round(limit_price, 2) if limit_price is not None else order.limit_price
    new_stop = round(stop_price, 2) if stop_price is not None else order.stop_price
    if limit_price is not None and new_limit is not None:
        _check_price(instrument, new_limit, "limit price")
    if stop_price is not None and new_stop is not None:
        _check_price(instrument, new_stop, "stop price")
        _check_stop(instrument, order.side, new_stop)
    remaining = new_quantity - order.filled_quantity
    if order.side == "sell":
        _check_shares(world, account, order.symbol, remaining, ignore=order_id)
    else:
        _check_can_buy(account)
        price = new_limit or new_stop or 0.0
        _check_cash(world, account, round(remaining * price, 2), f"{remaining} {order.symbol} at {price:.2f}", order_id)
    if new_limit != order.limit_price or new_stop != order.stop_price or new_quantity > order.quantity:
        order.modified_at = world.now
    order.quantity, order.limit_price, order.stop_price = new_quantity, new_limit, new_stop
    return _receipt(world, order, submit(world, order))


@server.write
def cancel_stock_order(world: TradingWorld, order_id: OrderId) -> CancelReceipt:
    """Cancel a working stock order; shares already filled stay filled, and reserved cash or shares are released.

    Args:
        order_id: The order to cancel.
    """
    order = _lookup(world.orders, order_id, "stock order")
    if order.status == "filled":
        raise ToolError(
            f"Order {order_id} is already filled ({order.filled_quantity} {order.symbol} at an average of "
            f"{order.average_fill_price:.2f} USD on {order.closed_at:%Y-%m-%d %H:%M} UTC) and cannot be cancelled; "
            "place an opposite order to undo the trade."
        )
    if not order.working:
        raise ToolError(f"Order {order_id} is already {order.status}; there is nothing to cancel.")
    price = order.limit_price or order.stop_price or 0.0
    released_cash = round(order.remaining * price, 2) if order.side == "buy" else 0.0
    released_shares = order.remaining if order.side == "sell" else 0
    order.status = "cancelled"
    order.closed_at = world.now
    order.status_reason = "Cancelled by the client" + (
        f" after {order.filled_quantity} of {order.quantity} shares filled." if order.filled_quantity else "."
    )
    account = world.accounts[order.account_id]
    return CancelReceipt(
        order=order, released_cash=released_cash, released_shares=released_shares,
        buying_power=world.buying_power(account),
    )


# ----- watchlists -----


@server.read
def list_stock_watchlists(world: TradingWorld, client_id: ClientId) -> WatchlistList:
    """List a client's watchlists with each stock's last price and daily change.

    Args:
        client_id: The brokerage client, such as CLI-0001.
    """
    _lookup(world.clients, client_id, "brokerage client")
    views = [_watchlist_view(world, item) for item in world.watchlists.values() if item.client_id == client_id]
    return WatchlistList(client_id=client_id, watchlists=views)


@server.write
def create_stock_watchlist(
    world: TradingWorld, client_id: ClientId, name: WatchlistName, symbols: SymbolList = []
) -> WatchlistView:
    """Create a named watchlist of stocks for a client.

    Args:
        client_id: The brokerage client who owns the watchlist.
        name: The watchlist's name, unique among the client's watchlists.
        symbols: Ticker symbols to start the list with.
    """
    _lookup(world.clients, client_id, "brokerage client")
    title = name.strip()
    if not title:
        raise ToolError("The watchlist name cannot be blank.")
    owned = [item for item in world.watchlists.values() if item.client_id == client_id]
    same = next((item for item in owned if item.name.casefold() == title.casefold()), None)
    if same is not None:
        raise ToolError(
            f"Client {client_id} already has a watchlist named {same.name!r} ({same.watchlist_id}); add symbols to "
            "it with update_stock_watchlist or choose another name."
        )
    if len(owned) >= MAX_WATCHLISTS:
        raise ToolError(
            f"Client {client_id} already has {len(owned)} watchlists ({', '.join(w.watchlist_id for w in owned)}); "
            f"the maximum is {MAX_WATCHLISTS}."
        )
    watchlist = Watchlist(
        watchlist_id=world.next_id("WL"), client_id=client_id, name=title, symbols=_symbols(world, symbols),
        created_at=world.now,
    )
    world.watchlists[watchlist.watchlist_id] = watchlist
    return _watchlist_view(world, watchlist)


@server.write
def update_stock_watchlist(
    world: TradingWorld, watchlist_id: WatchlistId, add_symbols: SymbolList = [], remove_symbols: SymbolList = []
) -> WatchlistView:
    """Add stocks to a watchlist or remove stocks from it.

    Args:
        watchlist_id: The watchlist to change.
        add_symbols: Ticker symbols to add (appended in the order given).
        remove_symbols: Ticker symbols to remove.
    """
    watchlist = _lookup(world.watchlists, watchlist_id, "watchlist")
    if not add_symbols and not remove_symbols:
        raise ToolError("Nothing to change: give add_symbols or remove_symbols.")
    adding, removing = _symbols(world, add_symbols), _symbols(world, remove_symbols)
    both = [symbol for symbol in adding if symbol in removing]
    if both:
        raise ToolError(f"{', '.join(both)} cannot be both added and removed in one call.")
    present = [symbol for symbol in adding if symbol in watchlist.symbols]
    if present:
        raise ToolError(f"{', '.join(present)} already on watchlist {watchlist_id} ({watchlist.name}).")
    absent = [symbol for symbol in removing if symbol not in watchlist.symbols]
    if absent:
        raise ToolError(
            f"{', '.join(absent)} not on watchlist {watchlist_id} ({watchlist.name}); it holds "
            f"{', '.join(watchlist.symbols) or 'no symbols'}."
        )
    kept = [symbol for symbol in watchlist.symbols if symbol not in removing]
    if len(kept) + len(adding) > MAX_WATCHLIST_SYMBOLS:
        raise ToolError(
            f"Watchlist {watchlist_id} would hold {len(kept) + len(adding)} symbols; the maximum is "
            f"{MAX_WATCHLIST_SYMBOLS}."
        )
    watchlist.symbols = kept + adding
    return _watchlist_view(world, watchlist)


# ----- the clock -----


@server.write
def wait_for_stock_market(world: TradingWorld, until: Literal["open", "close"]) -> ClockUpdate:
    """Wait until the stock market next opens or until today's close, moving the clock forward.

    At the close, working day orders expire. At the open, a new trading day starts and queued orders are matched
    against the book.

    Args:
        until: "open" to wait for the next open (the market must be closed), or "close" to wait for the end of the
            running session (the market must be open).
    """
    previous = world.now
    expired: list[str] = []
    filled: list[str] = []
    if until == "open":
        if is_market_open(world.now):
            raise ToolError(
                f"The market is already open; it closes at {session_close(world.now):%H:%M} UTC today. "
                "Wait for the close first to reach the next session."
            )
        filled = open_session(world)
        message = f"The market opened at {world.now:%a %Y-%m-%d %H:%M} UTC; {len(filled)} working orders got fills."
    else:
        if not is_market_open(world.now):
            raise ToolError(f"{_closed_message(world)} Wait for the open first.")
        expired = close_session(world)
        message = f"The market closed at {world.now:%a %Y-%m-%d %H:%M} UTC; {len(expired)} day orders expired."
    return ClockUpdate(
        previous_time=previous, now=world.now, market_open=is_market_open(world.now), expired_order_ids=expired,
        filled_order_ids=filled, message=message,
    )
