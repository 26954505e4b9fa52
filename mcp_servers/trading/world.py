"""The brokerage's state: instruments, per-symbol order books, clients, accounts with positions, orders, executions
and watchlists, plus the exchange calendar.

Prices and amounts are USD rounded to cents (average costs and average fill prices keep four decimals). Accounts
are cash accounts (no margin, no short selling): open buy orders reserve cash and open sell orders reserve shares,
and both reservations are derived from the working orders rather than stored. The order books hold other
participants' displayed limit orders; clients' own resting limit orders live in `orders` and join the book when
orders are matched. Order and execution history is illustrative: positions and cash are set directly, not replayed
from it.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
ClientId = Annotated[str, Entity("brokerage_client"), _ID]
AccountId = Annotated[str, Entity("brokerage_account"), _ID]
Symbol = Annotated[str, Entity("stock_symbol"), Field(min_length=1, max_length=12)]
OrderId = Annotated[str, Entity("stock_order"), _ID]
TradeId = Annotated[str, Entity("stock_trade"), _ID]
WatchlistId = Annotated[str, Entity("watchlist"), _ID]

Side = Literal["buy", "sell"]
OrderType = Literal["market", "limit", "stop"]
TimeInForce = Literal["day", "gtc"]
OrderStatus = Literal["open", "partially_filled", "filled", "cancelled", "rejected", "expired"]
Sector = Literal[
    "Technology", "Communication Services", "Consumer Discretionary", "Consumer Staples", "Energy", "Financials",
    "Health Care", "Industrials", "Materials", "Real Estate", "Utilities",
]
AccountType = Literal["individual", "joint", "roth_ira", "traditional_ira"]

WORKING: tuple[OrderStatus, ...] = ("open", "partially_filled")
"""Statuses of orders that can still fill (and can be modified or cancelled)."""

MARKET_OPEN = time(14, 30)
MARKET_CLOSE = time(21, 0)
PRICE_BAND = 0.10
"""Limit and stop prices must lie within this fraction of the last price when an order is placed or modified."""
MAX_WATCHLISTS = 5
MAX_WATCHLIST_SYMBOLS = 30


def is_market_open(moment: datetime) -> bool:
    """Whether the regular session is running: Monday to Friday, 14:30 (inclusive) to 21:00 UTC."""
    return moment.weekday() < 5 and MARKET_OPEN <= moment.time() < MARKET_CLOSE


def _at(day: date, clock: time, like: datetime) -> datetime:
    return datetime.combine(day, clock, tzinfo=like.tzinfo)


def next_market_open(moment: datetime) -> datetime:
    """The first session open strictly after `moment`."""
    day = moment.date()
    if moment.weekday() < 5 and moment < _at(day, MARKET_OPEN, moment):
        return _at(day, MARKET_OPEN, moment)
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _at(day, MARKET_OPEN, moment)


def session_close(moment: datetime) -> datetime:
    """The close of the session that is running at `moment`."""
    return _at(moment.date(), MARKET_CLOSE, moment)


def last_market_close(moment: datetime) -> datetime:
    """The most recent session close at or before `moment`."""
    day = moment.date()
    if moment.weekday() < 5 and moment >= _at(day, MARKET_CLOSE, moment):
        return _at(day, MARKET_CLOSE, moment)
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return _at(day, MARKET_CLOSE, moment)


class Instrument(BaseModel):
    symbol: Symbol
    company_name: str
    sector: Sector
    exchange: Literal["NYSE", "NASDAQ"]
    last_price: float
    previous_close: float
    day_high: float
    day_low: float
    volume: int = Field(description="Shares traded in the current (or last) session.")
    status: Literal["trading", "halted"] = "trading"
    halt_reason: str = ""


class BookLevel(BaseModel):
    """One displayed limit order of another market participant."""

    price: float
    quantity: int
    participant: str = Field(description="Market participant id (MPID) of the firm showing the order.")


class OrderBook(BaseModel):
    symbol: Symbol
    bids: list[BookLevel] = Field(description="Buy orders, best (highest) price first.")
    asks: list[BookLevel] = Field(description="Sell orders, best (lowest) price first.")


class Client(BaseModel):
    client_id: ClientId
    full_name: str
    email: str
    phone: str
    city: str
    state: str
    experience: Literal["beginner", "intermediate", "advanced"]
    client_since: date


class Position(BaseModel):
    symbol: Symbol
    quantity: int
    average_cost: float = Field(description="Average price paid per share, USD.")
    opened_on: date


class BrokerageAccount(BaseModel):
    account_id: AccountId
    client_id: ClientId
    account_type: AccountType
    nickname: str
    status: Literal["active", "restricted"]
    restriction_reason: str = ""
    cash_balance: float
    opened_on: date
    positions: dict[str, Position] = Field(description="Holdings by symbol.")


class Order(BaseModel):
    order_id: OrderId
    account_id: AccountId
    symbol: Symbol
    side: Side
    order_type: OrderType
    quantity: int
    limit_price: float | None = None
    stop_price: float | None = None
    time_in_force: TimeInForce
    status: OrderStatus
    filled_quantity: int = 0
    average_fill_price: float | None = None
    created_at: datetime
    modified_at: datetime | None = Field(None, description="Last change of quantity or price; resets queue priority.")
    triggered_at: datetime | None = Field(None, description="Stop orders: when the stop price was reached.")
    closed_at: datetime | None = Field(None, description="When the order was filled, cancelled, expired or rejected.")
    status_reason: str = ""

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled_quantity

    @property
    def working(self) -> bool:
        return self.status in WORKING

    @property
    def priority(self) -> tuple[datetime, str]:
        """Time priority among resting orders at the same price."""
        return (self.modified_at or self.created_at, self.order_id)


class Execution(BaseModel):
    trade_id: TradeId
    order_id: OrderId
    account_id: AccountId
    symbol: Symbol
    side: Side
    quantity: int
    price: float
    amount: float = Field(description="quantity x price, USD.")
    executed_at: datetime


class Watchlist(BaseModel):
    watchlist_id: WatchlistId
    client_id: ClientId
    name: str
    symbols: list[Symbol]
    created_at: datetime


_LISTINGS: tuple[tuple[str, str, Sector, Literal["NYSE", "NASDAQ"], float], ...] = (
    ("AAPL", "Apple Inc.", "Technology", "NASDAQ", 190.0),
    ("MSFT", "Microsoft Corporation", "Technology", "NASDAQ", 410.0),
    ("NVDA", "NVIDIA Corporation", "Technology", "NASDAQ", 880.0),
    ("AMD", "Advanced Micro Devices, Inc.", "Technology", "NASDAQ", 160.0),
    ("INTC", "Intel Corporation", "Technology", "NASDAQ", 35.0),
    ("CRM", "Salesforce, Inc.", "Technology", "NYSE", 290.0),
    ("ORCL", "Oracle Corporation", "Technology", "NYSE", 125.0),
    ("ADBE", "Adobe Inc.", "Technology", "NASDAQ", 510.0),
    ("GOOGL", "Alphabet Inc. Class A", "Communication Services", "NASDAQ", 150.0),
    ("META", "Meta Platforms, Inc.", "Communication Services", "NASDAQ", 490.0),
    ("NFLX", "Netflix, Inc.", "Communication Services", "NASDAQ", 610.0),
    ("DIS", "The Walt Disney Company", "Communication Services", "NYSE", 112.0),
    ("T", "AT&T Inc.", "Communication Services", "NYSE", 17.0),
    ("VZ", "Verizon Communications Inc.", "Communication Services", "NYSE", 40.0),
    ("AMZN", "Amazon.com, Inc.", "Consumer Discretionary", "NASDAQ", 178.0),
    ("TSLA", "Tesla, Inc.", "Consumer Discretionary", "NASDAQ", 175.0),
    ("HD", "The Home Depot, Inc.", "Consumer Discretionary", "NYSE", 360.0),
    ("NKE", "NIKE, Inc.", "Consumer Discretionary", "NYSE", 95.0),
    ("SBUX", "Starbucks Corporation", "Consumer Discretionary", "NASDAQ", 90.0),
    ("F", "Ford Motor Company", "Consumer Discretionary", "NYSE", 12.0),
    ("KO", "The Coca-Cola Company", "Consumer Staples", "NYSE", 60.0),
    ("PEP", "PepsiCo, Inc.", "Consumer Staples", "NASDAQ", 170.0),
    ("PG", "The Procter & Gamble Company", "Consumer Staples", "NYSE", 160.0),
    ("WMT", "Walmart Inc.", "Consumer Staples", "NYSE", 60.0),
    ("COST", "Costco Wholesale Corporation", "Consumer Staples", "NASDAQ", 720.0),
    ("XOM", "Exxon Mobil Corporation", "Energy", "NYSE", 115.0),
    ("CVX", "Chevron Corporation", "Energy", "NYSE", 155.0),
    ("JPM", "JPMorgan Chase & Co.", "Financials", "NYSE", 195.0),
    ("BAC", "Bank of America Corporation", "Financials", "NYSE", 37.0),
    ("GS", "The Goldman Sachs Group, Inc.", "Financials", "NYSE", 420.0),
    ("V", "Visa Inc.", "Financials", "NYSE", 275.0),
    ("MA", "Mastercard Incorporated", "Financials", "NYSE", 460.0),
    ("JNJ", "Johnson & Johnson", "Health Care", "NYSE", 155.0),
    ("PFE", "Pfizer Inc.", "Health Care", "NYSE", 28.0),
    ("UNH", "UnitedHealth Group Incorporated", "Health Care", "NYSE", 490.0),
    ("LLY", "Eli Lilly and Company", "Health Care", "NYSE", 760.0),
    ("BA", "The Boeing Company", "Industrials", "NYSE", 185.0),
    ("CAT", "Caterpillar Inc.", "Industrials", "NYSE", 340.0),
    ("LIN", "Linde plc", "Materials", "NASDAQ", 450.0),
    ("PLD", "Prologis, Inc.", "Real Estate", "NYSE", 110.0),
    ("NEE", "NextEra Energy, Inc.", "Utilities", "NYSE", 65.0),
)
_HALT_REASONS = (
    "News pending: the company is expected to release material news.",
    "Volatility trading pause (limit up-limit down).",
    "Regulatory halt: additional information requested by the exchange.",
)
_PARTICIPANTS = ("NITE", "VIRT", "HRBL", "CDRG", "GSCO", "MSCO", "JNST", "UBSS")
_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Logan",
    "Amelia", "James", "Harper", "Benjamin", "Evelyn", "Elijah", "Abigail", "Daniel", "Priya", "Arjun", "Mei", "Wei",
    "Carlos", "Lucia", "Mateo", "Fatima", "Omar", "Aisha", "Hiroshi", "Yuki", "Dmitri", "Elena", "Kwame", "Amara",
)
_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lopez",
    "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Walker", "Young", "King", "Wright", "Nguyen", "Patel", "Kim", "Chen", "Okafor", "Novak", "Rossi",
)
_CITIES = (
    ("New York", "NY", "212"), ("Austin", "TX", "512"), ("Chicago", "IL", "312"), ("Seattle", "WA", "206"),
    ("Denver", "CO", "303"), ("Boston", "MA", "617"), ("Atlanta", "GA", "404"), ("San Diego", "CA", "619"),
    ("Miami", "FL", "305"), ("Charlotte", "NC", "704"), ("Minneapolis", "MN", "612"), ("Phoenix", "AZ", "602"),
)
_RESTRICTIONS = (
    "Closing transactions only: a deposit was returned unpaid.",
    "Closing transactions only: good-faith violation under review.",
)
_WATCHLIST_NAMES = (
    "Tech Giants", "Dividend Picks", "Energy Watch", "Earnings This Week", "Long-term Ideas", "Retirement Core",
    "Value Screen", "Momentum", "Healthcare Names", "Banks to Watch",
)
_NICKNAMES: dict[AccountType, str] = {
    "individual": "Individual Brokerage",
    "joint": "Joint Brokerage",
    "roth_ira": "Roth IRA",
    "traditional_ira": "Traditional IRA",
}


Fill = tuple[datetime, int, float]
"""A generated fill: when, how many shares, at what price."""
Draft = tuple[Order, list[Fill]]
"""A generated order (with a placeholder id until `_store` numbers it in time order) and its fills."""


class TradingWorld(World):
    server: ClassVar[str] = "trading"

    instruments: dict[str, Instrument] = Field(default_factory=dict)
    books: dict[str, OrderBook] = Field(default_factory=dict)
    clients: dict[str, Client] = Field(default_factory=dict)
    accounts: dict[str, BrokerageAccount] = Field(default_factory=dict)
    orders: dict[str, Order] = Field(default_factory=dict)
    executions: dict[str, Execution] = Field(default_factory=dict)
    watchlists: dict[str, Watchlist] = Field(default_factory=dict)

    # ----- bookkeeping shared by the tools -----

    def account_orders(self, account_id: str) -> list[Order]:
        return [order for order in self.orders.values() if order.account_id == account_id]

    def reserved_cash(self, account_id: str, ignore: str = "") -> float:
        """Cash held back for the unfilled part of the account's working buy orders (limit or stop price)."""
        return round(
            sum(
                order.remaining * (order.limit_price or order.stop_price or 0.0)
                for order in self.account_orders(account_id)
                if order.working and order.side == "buy" and order.order_id != ignore
            ),
            2,
        )

    def buying_power(self, account: BrokerageAccount, ignore: str = "") -> float:
        """Cash free for new buys: the balance less what working buy orders (except `ignore`) reserve."""
        return round(account.cash_balance - self.reserved_cash(account.account_id, ignore), 2)

    def reserved_shares(self, account_id: str, symbol: str, ignore: str = "") -> int:
        """Shares of `symbol` promised to the account's working sell orders (except `ignore`)."""
        return sum(
            order.remaining
            for order in self.account_orders(account_id)
            if order.working and order.side == "sell" and order.symbol == symbol and order.order_id != ignore
        )

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._set_clock(rng)
        self._generate_instruments(rng)
        self._generate_clients(rng)
        self._generate_accounts(rng)
        self._generate_orders(rng)
        self._generate_watchlists(rng)

    def _set_clock(self, rng: random.Random) -> None:
        """Place the day's virtual time in the session, before the open or after the close (weekends stay closed)."""
        roll = rng.random()
        if roll < 0.6:
            minutes = rng.randint(14 * 60 + 35, 20 * 60 + 50)
        elif roll < 0.8:
            minutes = rng.randint(11 * 60, 14 * 60 + 25)
        else:
            minutes = rng.randint(21 * 60 + 5, 23 * 60 + 55)
        self.now = self.now.replace(hour=minutes // 60, minute=minutes % 60)

    def _generate_instruments(self, rng: random.Random) -> None:
        for symbol, name, sector, exchange, base in _LISTINGS:
            last = round(base * rng.uniform(0.85, 1.15), 2)
            previous = round(last / (1 + rng.gauss(0, 0.015)), 2)
            low = round(min(last, previous) * rng.uniform(0.985, 0.999), 2)
            high = round(max(last, previous) * rng.uniform(1.001, 1.015), 2)
            volume = int(rng.uniform(2e7, 4e8) / last) // 100 * 100
            self.instruments[symbol] = Instrument(
                symbol=symbol, company_name=name, sector=sector, exchange=exchange, last_price=last,
                previous_close=previous, day_high=high, day_low=low, volume=volume,
            )
            self.books[symbol] = self._book(rng, symbol, last)
        for symbol, reason in zip(rng.sample(sorted(self.instruments), len(_HALT_REASONS)), _HALT_REASONS):
            self.instruments[symbol].status = "halted"
            self.instruments[symbol].halt_reason = reason

    def _book(self, rng: random.Random, symbol: str, last: float) -> OrderBook:
        """Five displayed levels a side around the last price, each worth roughly 5,000-60,000 USD."""
        half_spread = max(0.01, round(last * rng.uniform(0.0001, 0.0004), 2))
        step = max(0.01, round(last * 0.0006, 2))
        best_bid, best_ask = round(last - half_spread, 2), round(last + half_spread, 2)

        def level(price: float) -> BookLevel:
            shares = max(10, int(rng.uniform(5_000, 60_000) / price) // 10 * 10)
            return BookLevel(price=price, quantity=shares, participant=rng.choice(_PARTICIPANTS))

        return OrderBook(
            symbol=symbol,
            bids=[level(round(best_bid - i * step, 2)) for i in range(5)],
            asks=[level(round(best_ask + i * step, 2)) for i in range(5)],
        )

    def _generate_clients(self, rng: random.Random) -> None:
        names = [(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES]
        for first, last in rng.sample(names, 25):
            city, state, area = rng.choice(_CITIES)
            client = Client(
                client_id=self.next_id("CLI"),
                full_name=f"{first} {last}",
                email=f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(('gmail.com', 'outlook.com', 'icloud.com'))}"
                .lower(),
                phone=f"+1-{area}-555-{rng.randrange(10000):04d}",
                city=city,
                state=state,
                experience=rng.choice(("beginner", "intermediate", "intermediate", "advanced")),
                client_since=self.now.date() - timedelta(days=rng.randint(120, 4000)),
            )
            self.clients[client.client_id] = client

    def _generate_accounts(self, rng: random.Random) -> None:
        symbols = sorted(self.instruments)
        for client in self.clients.values():
            kinds: list[AccountType] = [rng.choice(("individual", "individual", "individual", "joint"))]
            if rng.random() < 0.4:
                kinds.append(rng.choice(("roth_ira", "traditional_ira")))
            for kind in kinds:
                opened = client.client_since + timedelta(days=rng.randint(0, 90))
                roll = rng.random()
                cash = round(rng.uniform(40, 400) if roll < 0.15 else rng.uniform(2_000, 80_000), 2)
                account = BrokerageAccount(
                    account_id=self.next_id("BRK"), client_id=client.client_id, account_type=kind,
                    nickname=_NICKNAMES[kind], status="active", cash_balance=cash, opened_on=opened, positions={},
                )
                for symbol in sorted(rng.sample(symbols, rng.randint(2, 7))):
                    price = self.instruments[symbol].last_price
                    quantity = max(1, int(rng.uniform(1_000, 30_000) / price))
                    account.positions[symbol] = Position(
                        symbol=symbol, quantity=quantity, average_cost=round(price * rng.uniform(0.7, 1.25), 2),
                        opened_on=opened + timedelta(days=rng.randint(0, max(0, (self.now.date() - opened).days))),
                    )
                self.accounts[account.account_id] = account
        funded = sorted(account_id for account_id, account in self.accounts.items() if account.cash_balance > 5_000)
        for account_id, reason in zip(rng.sample(funded, len(_RESTRICTIONS)), _RESTRICTIONS):
            self.accounts[account_id].status = "restricted"
            self.accounts[account_id].restriction_reason = reason

    def _session_moment(self, rng: random.Random, days_back: int) -> datetime:
        """A time during the regular session `days_back` trading days before the last close."""
        close = last_market_close(self.now)
        day = close.date()
        for _ in range(days_back):
            day -= timedelta(days=1)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
        return _at(day, MARKET_OPEN, self.now) + timedelta(minutes=rng.randint(1, 360))

    def _recent_moment(self, rng: random.Random) -> datetime:
        """When a day order working now was entered: earlier today in session, or since the last close."""
        if is_market_open(self.now):
            start = _at(self.now.date(), MARKET_OPEN, self.now) - timedelta(minutes=60)
        else:
            start = last_market_close(self.now)
        span = max(1, int((self.now - start).total_seconds() // 60) - 1)
        return start + timedelta(minutes=rng.randint(1, span))

    def _generate_orders(self, rng: random.Random) -> None:
        drafts: list[Draft] = []
        symbols = sorted(self.instruments)
        for account in self.accounts.values():
            for _ in range(rng.randint(1, 3)):
                drafts.append(self._past_order(rng, account, rng.choice(symbols)))
        active = [account for account in self.accounts.values() if account.status == "active"]
        for account in rng.sample(active, 18):
            drafts.extend(self._working_orders(rng, account))
        halted = sorted(symbol for symbol, item in self.instruments.items() if item.status == "halted")
        funded = [account for account in active if account.cash_balance > 10_000]
        for symbol, account in zip(halted[:2], rng.sample(funded, 2)):
            drafts.append(self._early_buy(rng, account, symbol))
        restricted = [account for account in self.accounts.values() if account.status == "restricted"]
        drafts.append(self._early_buy(rng, restricted[0], rng.choice(symbols)))
        self._store(drafts)

    def _early_buy(self, rng: random.Random, account: BrokerageAccount, symbol: str) -> Draft:
        """A GTC limit buy below the market, entered days ago (before a halt or an account restriction)."""
        price = round(self.instruments[symbol].last_price * rng.uniform(0.93, 0.98), 2)
        quantity = max(1, int(rng.uniform(1_000, 2_500) / price))
        created = self._session_moment(rng, rng.randint(2, 10))
        return _resting(account, symbol, "buy", "limit", quantity, price, "gtc", created), []

    def _past_order(self, rng: random.Random, account: BrokerageAccount, symbol: str) -> Draft:
        """A finished order from the last 40 trading days: mostly filled, some cancelled, expired or rejected."""
        last = self.instruments[symbol].last_price
        price = round(last * rng.uniform(0.9, 1.1), 2)
        created = self._session_moment(rng, rng.randint(1, 40))
        side: Side = "sell" if symbol in account.positions and rng.random() < 0.35 else "buy"
        quantity = max(1, int(rng.uniform(500, 12_000) / last))
        order = Order(
            order_id="draft", account_id=account.account_id, symbol=symbol, side=side,
            order_type=rng.choice(("market", "limit", "limit")), quantity=quantity, time_in_force="day",
            status="filled", created_at=created,
        )
        if order.order_type == "limit":
            order.limit_price = price
            order.time_in_force = rng.choice(("day", "gtc"))
        fills: list[Fill] = []
        roll = rng.random()
        if roll < 0.65 or order.order_type == "market":
            split = rng.randint(1, quantity - 1) if quantity > 1 and rng.random() < 0.3 else quantity
            first = created + timedelta(seconds=rng.randint(0, 900))
            fills.append((first, split, price))
            if split < quantity:
                fills.append((first + timedelta(seconds=rng.randint(1, 300)), quantity - split, price))
            order.closed_at = fills[-1][0]
        elif roll < 0.8:
            order.status, order.status_reason = "cancelled", "Cancelled by the client."
            order.closed_at = created + timedelta(minutes=rng.randint(1, 180))
        elif roll < 0.92:
            order.status, order.time_in_force = "expired", "day"
            order.closed_at, order.status_reason = session_close(created), "Day order expired at the close."
        else:
            order.status, order.closed_at = "rejected", created
            order.status_reason = "Insufficient buying power for the order."
        return order, fills

    def _working_orders(self, rng: random.Random, account: BrokerageAccount) -> list[Draft]:
        """One or two resting orders away from the market, affordable and covered by the account's holdings."""
        orders: list[Order] = []
        budget = account.cash_balance * 0.4
        held = sorted(account.positions)
        for kind in rng.sample(("limit_buy", "limit_sell", "stop_sell"), rng.randint(1, 2)):
            day_order = rng.random() < 0.3
            created = self._recent_moment(rng) if day_order else self._session_moment(rng, rng.randint(1, 15))
            tif: TimeInForce = "day" if day_order else "gtc"
            if kind == "limit_buy":
                symbol = rng.choice(sorted(self.instruments))
                price = round(self.instruments[symbol].last_price * rng.uniform(0.92, 0.985), 2)
                quantity = int(min(budget, rng.uniform(500, 8_000)) / price)
                if quantity >= 1:
                    budget -= quantity * price
                    orders.append(_resting(account, symbol, "buy", "limit", quantity, price, tif, created))
                continue
            symbol = rng.choice(held)
            held.remove(symbol)
            quantity = max(1, account.positions[symbol].quantity // rng.choice((1, 2, 3)))
            last = self.instruments[symbol].last_price
            if kind == "limit_sell":
                price = round(last * rng.uniform(1.015, 1.08), 2)
                orders.append(_resting(account, symbol, "sell", "limit", quantity, price, tif, created))
            else:
                price = round(last * rng.uniform(0.92, 0.97), 2)
                orders.append(_resting(account, symbol, "sell", "stop", quantity, price, "gtc", created))
            if not held:
                break
        drafts: list[Draft] = [(order, []) for order in orders]
        if orders and orders[0].order_type == "limit" and orders[0].time_in_force == "gtc" \
                and orders[0].quantity > 3 and rng.random() < 0.4:
            first = orders[0]
            first.status = "partially_filled"
            moment = first.created_at + timedelta(minutes=rng.randint(1, 30))
            drafts[0][1].append((moment, first.quantity // 3, first.limit_price or 0.0))
        return drafts

    def _store(self, drafts: list[Draft]) -> None:
        """Number orders and executions in time order, and apply the fills to the orders."""
        drafts.sort(key=lambda draft: draft[0].created_at)
        fills: list[tuple[datetime, str, Order, int, float]] = []
        for order, order_fills in drafts:
            order.order_id = self.next_id("ORD", 5)
            self.orders[order.order_id] = order
            fills.extend((moment, order.order_id, order, quantity, price) for moment, quantity, price in order_fills)
        fills.sort(key=lambda fill: (fill[0], fill[1]))
        for moment, _, order, quantity, price in fills:
            execution = Execution(
                trade_id=self.next_id("EXE", 5), order_id=order.order_id, account_id=order.account_id,
                symbol=order.symbol, side=order.side, quantity=quantity, price=price,
                amount=round(quantity * price, 2), executed_at=moment,
            )
            self.executions[execution.trade_id] = execution
            order.average_fill_price = price
            order.filled_quantity += quantity

    def _generate_watchlists(self, rng: random.Random) -> None:
        symbols = sorted(self.instruments)
        for client in self.clients.values():
            if rng.random() < 0.35:
                continue
            for name in rng.sample(_WATCHLIST_NAMES, rng.choice((1, 1, 2))):
                watchlist = Watchlist(
                    watchlist_id=self.next_id("WL"), client_id=client.client_id, name=name,
                    symbols=rng.sample(symbols, rng.randint(3, 8)),
                    created_at=self.now - timedelta(days=rng.randint(3, 300), minutes=rng.randint(0, 1000)),
                )
                self.watchlists[watchlist.watchlist_id] = watchlist


def _resting(
    account: BrokerageAccount, symbol: str, side: Side, order_type: OrderType, quantity: int, price: float,
    time_in_force: TimeInForce, created: datetime,
) -> Order:
    """A generated working limit (price = limit) or stop (price = stop) order with a placeholder id."""
    return Order(
        order_id="draft", account_id=account.account_id, symbol=symbol, side=side, order_type=order_type,
        quantity=quantity, limit_price=price if order_type == "limit" else None,
        stop_price=price if order_type == "stop" else None, time_in_force=time_in_force, status="open",
        created_at=created,
    )
