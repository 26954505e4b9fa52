"""Behaviour of the trading server, through the public Episode API on seed 0.

Seed 0's clock stands inside the regular session (a Thursday afternoon); tests that need a closed market wait for
the close with the server's own clock tool. Test data is discovered with the discovery tools, or from the episode
snapshot for states no single tool lists (a restricted account, a working order on a halted stock).
"""

from typing import Any

import pytest

from mcp_servers import Episode
from tests.helpers import fails, ok

SERVER = "trading"


@pytest.fixture
def ep() -> Episode:
    episode = Episode.open([SERVER], seed=0)
    assert ok(episode, "get_stock_market_status")["market_open"], "seed 0 should start in the regular session"
    yield episode
    episode.close()


# ---------------------------------------------------------------- helpers


def world(ep: Episode) -> dict[str, Any]:
    return ep.snapshot()[SERVER]


def quote(ep: Episode, symbol: str, depth: int = 0) -> dict[str, Any]:
    return ok(ep, "get_stock_quote", {"symbol": symbol, "depth": depth})


def portfolio(ep: Episode, account_id: str) -> dict[str, Any]:
    return ok(ep, "get_portfolio_summary", {"account_id": account_id})


def order(ep: Episode, order_id: str) -> dict[str, Any]:
    return ok(ep, "get_stock_order", {"order_id": order_id})


def accounts(ep: Episode) -> list[dict[str, Any]]:
    return [a for c in ok(ep, "find_brokerage_clients", {"limit": 50})["clients"] for a in c["accounts"]]


def rich_account(ep: Episode, minimum: float = 20_000, other_than: str = "") -> dict[str, Any]:
    """An active account (not `other_than`) with at least `minimum` USD of buying power."""
    for brief in accounts(ep):
        if brief["status"] == "active" and brief["account_id"] != other_than:
            summary = portfolio(ep, brief["account_id"])
            if summary["buying_power"] >= minimum:
                return summary
    raise AssertionError("no funded account in seed 0")


def trading_symbol(ep: Episode, avoid: tuple[str, ...] = (), below: float = 300) -> str:
    """A trading stock under `below` USD with no client orders resting on it."""
    busy = {o["symbol"] for o in world(ep)["orders"].values() if o["status"] in ("open", "partially_filled")}
    stocks = ok(ep, "search_stock_symbols", {"status": "trading", "limit": 50})["stocks"]
    skip = busy | set(avoid)
    return next(s["symbol"] for s in stocks if s["last_price"] < below and s["symbol"] not in skip)


def cheapest_book(ep: Episode, levels: int, budget: float) -> str:
    """The trading stock without client orders whose first `levels` ask levels cost least; it fits `budget`."""
    busy = {o["symbol"] for o in world(ep)["orders"].values() if o["status"] in ("open", "partially_filled")}
    costs = {
        s["symbol"]: sum(a["quantity"] * a["price"] for a in quote(ep, s["symbol"], depth=levels)["asks"])
        for s in ok(ep, "search_stock_symbols", {"status": "trading", "limit": 50})["stocks"]
        if s["symbol"] not in busy
    }
    symbol = min(costs, key=costs.__getitem__)
    assert costs[symbol] < budget, (symbol, costs[symbol], budget)
    return symbol


def holding(ep: Episode) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active account and one of its positions in a trading stock with every share still available."""
    halted = set(ok(ep, "get_stock_market_status")["halted_symbols"])
    for brief in accounts(ep):
        if brief["status"] != "active":
            continue
        for position in portfolio(ep, brief["account_id"])["positions"]:
            if position["symbol"] not in halted and position["shares_available"] == position["quantity"] >= 10:
                return portfolio(ep, brief["account_id"]), position
    raise AssertionError("no free position in seed 0")


def working(ep: Episode, **match: Any) -> dict[str, Any]:
    """A working order (from the snapshot) whose fields equal `match`, on a trading stock."""
    instruments = world(ep)["instruments"]
    return next(
        o for o in world(ep)["orders"].values()
        if o["status"] in ("open", "partially_filled") and instruments[o["symbol"]]["status"] == "trading"
        and all(o[key] == value for key, value in match.items())
    )


def place(ep: Episode, **arguments: Any) -> dict[str, Any]:
    return ok(ep, "place_stock_order", arguments)


# ---------------------------------------------------------------- market data


def test_get_stock_market_status_reports_session_times_and_halted_symbols(ep):
    status = ok(ep, "get_stock_market_status")
    assert status["now"] == world(ep)["now"]
    assert status["next_close"].endswith("T21:00:00Z") and status["next_close"][:10] == status["now"][:10]
    assert status["next_open"].endswith("T14:30:00Z") and status["next_open"] > status["now"]
    halted = [s for s, i in world(ep)["instruments"].items() if i["status"] == "halted"]
    assert status["halted_symbols"] == halted and len(halted) == 3


def test_search_stock_symbols_matches_ticker_company_sector_and_status(ep):
    by_name = ok(ep, "search_stock_symbols", {"query": "apple"})["stocks"]
    assert [s["symbol"] for s in by_name] == ["AAPL"]
    exact_first = ok(ep, "search_stock_symbols", {"query": "t"})["stocks"]
    assert exact_first[0]["symbol"] == "T"
    energy = ok(ep, "search_stock_symbols", {"sector": "Energy"})
    assert {s["symbol"] for s in energy["stocks"]} == {"XOM", "CVX"} and energy["total_matched"] == 2
    halted = ok(ep, "search_stock_symbols", {"status": "halted"})["stocks"]
    assert len(halted) == 3 and all(s["status"] == "halted" for s in halted)
    everything = ok(ep, "search_stock_symbols", {"limit": 5})
    assert len(everything["stocks"]) == 5 and everything["total_matched"] == 41
    assert ok(ep, "search_stock_symbols", {"query": "zzqx"}) == {"stocks": [], "total_matched": 0}


def test_get_stock_quote_shows_top_of_book_depth_and_price_band(ep):
    top = quote(ep, "aapl")
    assert top["symbol"] == "AAPL" and top["bids"] == [] and top["asks"] == []
    assert top["bid"] < top["last_price"] < top["ask"]
    assert top["change"] == round(top["last_price"] - top["previous_close"], 2)
    assert top["price_band_low"] == round(top["last_price"] * 0.9, 2)
    assert top["price_band_high"] == round(top["last_price"] * 1.1, 2)
    deep = quote(ep, "AAPL", depth=10)
    assert deep["bids"][0] == {"price": top["bid"], "quantity": top["bid_size"], "orders": 1}
    assert [b["price"] for b in deep["bids"]] == sorted((b["price"] for b in deep["bids"]), reverse=True)
    assert [a["price"] for a in deep["asks"]] == sorted(a["price"] for a in deep["asks"])
    assert len(deep["asks"]) >= 5
    # A client's resting limit order is part of the book depth.
    resting = working(ep, order_type="limit", side="buy", filled_quantity=0)
    levels = quote(ep, resting["symbol"], depth=10)["bids"]
    assert resting["limit_price"] in [level["price"] for level in levels]
    halted = quote(ep, ok(ep, "get_stock_market_status")["halted_symbols"][0])
    assert halted["status"] == "halted" and halted["halt_reason"]


# ---------------------------------------------------------------- clients and portfolios


def test_find_brokerage_clients_matches_name_email_phone_and_ids(ep):
    everyone = ok(ep, "find_brokerage_clients", {"limit": 50})
    assert everyone["total_matched"] == 25
    client = everyone["clients"][3]
    last_name = client["full_name"].split()[-1]
    by_name = ok(ep, "find_brokerage_clients", {"query": last_name.upper()})["clients"]
    assert client["client_id"] in [c["client_id"] for c in by_name]
    by_email = ok(ep, "find_brokerage_clients", {"query": client["email"]})["clients"]
    assert by_email[0]["client_id"] == client["client_id"]
    phone = "".join(ch for ch in client["phone"] if ch.isdigit())[-7:]
    by_phone = ok(ep, "find_brokerage_clients", {"query": phone})["clients"]
    assert client["client_id"] in [c["client_id"] for c in by_phone]
    account_id = client["accounts"][0]["account_id"]
    by_account = ok(ep, "find_brokerage_clients", {"query": account_id})
    assert by_account["total_matched"] == 1 and by_account["clients"][0]["client_id"] == client["client_id"]
    assert len(ok(ep, "find_brokerage_clients", {"query": "", "limit": 4})["clients"]) == 4


def test_get_portfolio_summary_values_positions_and_reserves_for_working_orders(ep):
    buy = working(ep, side="buy", order_type="limit")
    summary = portfolio(ep, buy["account_id"])
    reserved = sum(
        (o["quantity"] - o["filled_quantity"]) * o["limit_price"]
        for o in world(ep)["orders"].values()
        if o["account_id"] == buy["account_id"] and o["side"] == "buy" and o["status"] in ("open", "partially_filled")
    )
    assert summary["reserved_cash"] == round(reserved, 2)
    assert summary["buying_power"] == round(summary["cash_balance"] - summary["reserved_cash"], 2)
    assert buy["order_id"] in summary["working_order_ids"]
    for position in summary["positions"]:
        assert position["market_value"] == round(position["quantity"] * position["last_price"], 2)
        assert position["unrealized_pnl"] == round(position["market_value"] - position["cost_basis"], 2)
    assert summary["total_value"] == round(summary["cash_balance"] + summary["positions_value"], 2)
    sell = working(ep, side="sell")
    position = next(p for p in portfolio(ep, sell["account_id"])["positions"] if p["symbol"] == sell["symbol"])
    assert position["shares_available"] <= position["quantity"] - (sell["quantity"] - sell["filled_quantity"])


def test_list_stock_orders_filters_by_status_and_symbol_newest_first(ep):
    partial = working(ep, status="partially_filled")
    account_id = partial["account_id"]
    working_orders = ok(ep, "list_stock_orders", {"account_id": account_id})["orders"]
    assert partial["order_id"] in [o["order_id"] for o in working_orders]
    assert all(o["status"] in ("open", "partially_filled") for o in working_orders)
    everything = ok(ep, "list_stock_orders", {"account_id": account_id, "status": "all"})
    stamps = [o["created_at"] for o in everything["orders"]]
    assert stamps == sorted(stamps, reverse=True) and everything["total_matched"] >= len(working_orders)
    by_symbol = ok(ep, "list_stock_orders", {"account_id": account_id, "status": "all", "symbol": partial["symbol"]})
    assert {o["symbol"] for o in by_symbol["orders"]} == {partial["symbol"]}
    filled = next(o for o in world(ep)["orders"].values() if o["status"] == "filled")
    only_filled = ok(ep, "list_stock_orders", {"account_id": filled["account_id"], "status": "filled", "limit": 1})
    assert len(only_filled["orders"]) == 1 and only_filled["orders"][0]["status"] == "filled"


def test_get_stock_order_shows_fills_and_remaining_quantity(ep):
    partial = working(ep, status="partially_filled")
    details = order(ep, partial["order_id"])
    assert details["remaining_quantity"] == partial["quantity"] - partial["filled_quantity"] > 0
    assert sum(fill["quantity"] for fill in details["fills"]) == partial["filled_quantity"]
    assert all(fill["order_id"] == partial["order_id"] for fill in details["fills"])
    rejected = next(o for o in world(ep)["orders"].values() if o["status"] == "rejected")
    details = order(ep, rejected["order_id"])
    assert details["fills"] == [] and "buying power" in details["status_reason"]


def test_list_trade_history_filters_by_symbol_side_and_days(ep):
    execution = max(world(ep)["executions"].values(), key=lambda e: e["executed_at"])
    account_id = execution["account_id"]
    history = ok(ep, "list_trade_history", {"account_id": account_id, "days": 365, "limit": 200})
    trades = history["executions"]
    assert execution["trade_id"] in [t["trade_id"] for t in trades]
    assert [t["executed_at"] for t in trades] == sorted((t["executed_at"] for t in trades), reverse=True)
    assert history["bought_amount"] == round(sum(t["amount"] for t in trades if t["side"] == "buy"), 2)
    side = ok(ep, "list_trade_history", {"account_id": account_id, "days": 365, "side": execution["side"]})
    assert side["executions"] and {t["side"] for t in side["executions"]} == {execution["side"]}
    symbol = ok(ep, "list_trade_history", {"account_id": account_id, "days": 365, "symbol": execution["symbol"]})
    assert {t["symbol"] for t in symbol["executions"]} == {execution["symbol"]}
    oldest = min(world(ep)["executions"].values(), key=lambda e: e["executed_at"])
    recent = ok(ep, "list_trade_history", {"account_id": oldest["account_id"], "days": 7})
    assert oldest["trade_id"] not in [t["trade_id"] for t in recent["executions"]]


def test_list_stock_watchlists_shows_prices_of_each_symbol(ep):
    client = next(c for c in ok(ep, "find_brokerage_clients", {"limit": 50})["clients"] if c["watchlist_ids"])
    lists = ok(ep, "list_stock_watchlists", {"client_id": client["client_id"]})["watchlists"]
    assert [w["watchlist_id"] for w in lists] == client["watchlist_ids"]
    item = lists[0]["items"][0]
    assert item["last_price"] == quote(ep, item["symbol"])["last_price"]
    bare = next(c for c in ok(ep, "find_brokerage_clients", {"limit": 50})["clients"] if not c["watchlist_ids"])
    assert ok(ep, "list_stock_watchlists", {"client_id": bare["client_id"]})["watchlists"] == []


def test_unknown_ids_and_symbols_are_tool_errors_naming_the_discovery_tool(ep):
    fails(ep, "get_stock_quote", {"symbol": "ZZZZ"}, "Unknown stock symbol", "search_stock_symbols")
    fails(ep, "get_portfolio_summary", {"account_id": "BRK-9999"}, "Unknown brokerage account",
          "find_brokerage_clients")
    fails(ep, "list_stock_orders", {"account_id": "BRK-9999"}, "Unknown brokerage account")
    fails(ep, "list_stock_orders", {"account_id": "BRK-0001", "symbol": "ZZZZ"}, "Unknown stock symbol")
    fails(ep, "list_trade_history", {"account_id": "BRK-9999"}, "Unknown brokerage account")
    fails(ep, "list_trade_history", {"account_id": "BRK-0001", "symbol": "ZZZZ"}, "Unknown stock symbol")
    fails(ep, "get_stock_order", {"order_id": "ORD-99999"}, "Unknown stock order", "list_stock_orders")
    fails(ep, "list_stock_watchlists", {"client_id": "CLI-9999"}, "Unknown brokerage client")


# ---------------------------------------------------------------- placing orders


def test_market_buy_fills_at_the_ask_and_moves_cash_and_position(ep):
    account = rich_account(ep)
    symbol = trading_symbol(ep, tuple(p["symbol"] for p in account["positions"]))
    before = quote(ep, symbol)
    receipt = place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=5)
    assert receipt["order"]["status"] == "filled" and receipt["remaining_quantity"] == 0
    assert [(f["quantity"], f["price"]) for f in receipt["fills"]] == [(5, before["ask"])]
    cost = round(5 * before["ask"], 2)
    after = portfolio(ep, account["account_id"])
    assert after["cash_balance"] == round(account["cash_balance"] - cost, 2)
    position = next(p for p in after["positions"] if p["symbol"] == symbol)
    assert position["quantity"] == 5 and position["average_cost"] == before["ask"]
    now_quote = quote(ep, symbol)
    assert now_quote["last_price"] == before["ask"] and now_quote["volume"] == before["volume"] + 5
    assert now_quote["ask_size"] == before["ask_size"] - 5
    history = ok(ep, "list_trade_history", {"account_id": account["account_id"], "days": 1})["executions"]
    assert history[0]["order_id"] == receipt["order"]["order_id"]


def test_market_buy_sweeps_several_book_levels_at_their_prices(ep):
    account = rich_account(ep, 50_000)
    symbol = cheapest_book(ep, 2, account["buying_power"])
    book = quote(ep, symbol, depth=3)["asks"]
    quantity = book[0]["quantity"] + book[1]["quantity"] + 1
    expected = round(sum(level["quantity"] * level["price"] for level in book[:2]) + book[2]["price"], 2)
    receipt = place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=quantity)
    assert [f["price"] for f in receipt["fills"]] == [level["price"] for level in book]
    assert round(sum(f["amount"] for f in receipt["fills"]), 2) == expected
    assert quote(ep, symbol)["ask"] == book[2]["price"]


def test_limit_buy_below_the_ask_rests_on_the_book_and_reserves_cash(ep):
    account = rich_account(ep)
    symbol = trading_symbol(ep)
    top = quote(ep, symbol)
    price = round(top["bid"] + 0.01, 2)
    receipt = place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=10,
                    order_type="limit", limit_price=price, time_in_force="gtc")
    assert receipt["order"]["status"] == "open" and receipt["fills"] == []
    assert "rest on the book" in receipt["message"]
    assert receipt["buying_power"] == round(account["buying_power"] - 10 * price, 2)
    assert quote(ep, symbol)["bid"] == price and quote(ep, symbol)["bid_size"] == 10
    summary = portfolio(ep, account["account_id"])
    assert summary["reserved_cash"] == round(account["reserved_cash"] + 10 * price, 2)
    assert receipt["order"]["order_id"] in summary["working_order_ids"]


def test_marketable_limit_order_fills_what_it_can_and_rests_the_rest(ep):
    account = rich_account(ep)
    symbol = cheapest_book(ep, 1, account["buying_power"])
    top = quote(ep, symbol)
    receipt = place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=top["ask_size"] + 7,
                    order_type="limit", limit_price=top["ask"])
    assert receipt["order"]["status"] == "partially_filled"
    assert receipt["order"]["filled_quantity"] == top["ask_size"] and receipt["remaining_quantity"] == 7
    assert "Filled" in receipt["message"] and "until the close" in receipt["message"]
    after = quote(ep, symbol)
    assert after["bid"] == top["ask"] and after["bid_size"] == 7 and after["ask"] > top["ask"]


def test_market_sell_trades_with_a_clients_better_resting_bid_first(ep):
    seller, position = holding(ep)
    buyer = rich_account(ep, other_than=seller["account_id"])
    symbol = position["symbol"]
    top = quote(ep, symbol)
    improved = round(top["bid"] + 0.01, 2)
    bid = place(ep, account_id=buyer["account_id"], symbol=symbol, side="buy", quantity=3, order_type="limit",
                limit_price=improved)
    sale = place(ep, account_id=seller["account_id"], symbol=symbol, side="sell", quantity=5)
    assert [(f["quantity"], f["price"]) for f in sale["fills"]] == [(3, improved), (2, top["bid"])]
    assert order(ep, bid["order"]["order_id"])["status"] == "filled"
    buyer_position = next(p for p in portfolio(ep, buyer["account_id"])["positions"] if p["symbol"] == symbol)
    assert buyer_position["quantity"] >= 3
    after = portfolio(ep, seller["account_id"])
    proceeds = round(3 * improved + 2 * top["bid"], 2)
    assert after["cash_balance"] == round(seller["cash_balance"] + proceeds, 2)
    assert next(p for p in after["positions"] if p["symbol"] == symbol)["quantity"] == position["quantity"] - 5


def test_selling_a_whole_position_removes_it(ep):
    seller, position = holding(ep)
    ok(ep, "place_stock_order", {"account_id": seller["account_id"], "symbol": position["symbol"], "side": "sell",
                                  "quantity": position["quantity"], "order_type": "limit",
                                  "limit_price": quote(ep, position["symbol"])["price_band_low"]})
    assert position["symbol"] not in [p["symbol"] for p in portfolio(ep, seller["account_id"])["positions"]]


def test_buy_stop_triggers_when_a_trade_reaches_its_stop_price(ep):
    account = rich_account(ep)
    symbol = trading_symbol(ep)
    top = quote(ep, symbol)
    stop_price = round(top["last_price"] + 0.01, 2)
    assert stop_price <= top["ask"]
    stop = place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=4, order_type="stop",
                 stop_price=stop_price, time_in_force="gtc")
    assert stop["order"]["status"] == "open" and "becomes a market order" in stop["message"]
    place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=1)
    triggered = order(ep, stop["order"]["order_id"])
    assert triggered["status"] == "filled" and triggered["triggered_at"] == world(ep)["now"]
    assert triggered["fills"][0]["price"] == top["ask"]


def test_sell_stop_triggers_when_a_trade_reaches_its_stop_price(ep):
    seller, position = holding(ep)
    symbol = position["symbol"]
    top = quote(ep, symbol)
    stop = place(ep, account_id=seller["account_id"], symbol=symbol, side="sell", quantity=2, order_type="stop",
                 stop_price=round(top["last_price"] - 0.01, 2))
    place(ep, account_id=seller["account_id"], symbol=symbol, side="sell", quantity=1)
    triggered = order(ep, stop["order"]["order_id"])
    assert triggered["status"] == "filled" and triggered["average_fill_price"] <= top["bid"]
    held = next(p for p in portfolio(ep, seller["account_id"])["positions"] if p["symbol"] == symbol)
    assert held["quantity"] == position["quantity"] - 3


def test_place_stock_order_failures_leave_the_world_unchanged(ep):
    account = rich_account(ep)
    account_id = account["account_id"]
    symbol = trading_symbol(ep)
    top = quote(ep, symbol)
    base = {"account_id": account_id, "symbol": symbol, "side": "buy", "quantity": 1}
    tool = "place_stock_order"
    fails(ep, tool, {**base, "symbol": "ZZZZ"}, "Unknown stock symbol", "search_stock_symbols")
    fails(ep, tool, {**base, "account_id": "BRK-9999"}, "Unknown brokerage account")
    halted = ok(ep, "get_stock_market_status")["halted_symbols"][0]
    fails(ep, tool, {**base, "symbol": halted}, "is halted", "cancelled")
    fails(ep, tool, {**base, "limit_price": top["ask"]}, "market order takes no limit_price")
    fails(ep, tool, {**base, "time_in_force": "gtc"}, "day orders only")
    fails(ep, tool, {**base, "order_type": "limit"}, "needs limit_price")
    fails(ep, tool, {**base, "order_type": "stop"}, "needs stop_price")
    fails(ep, tool, {**base, "order_type": "limit", "limit_price": top["bid"], "stop_price": top["ask"]}, "Stop-limit")
    fails(ep, tool, {**base, "order_type": "limit", "stop_price": top["ask"] + 1}, "needs limit_price")
    low, high = top["price_band_low"], top["price_band_high"]
    fails(ep, tool, {**base, "order_type": "limit", "limit_price": round(low - 0.5, 2)}, "too far from the market",
          f"{low:.2f}-{high:.2f}")
    fails(ep, tool, {**base, "order_type": "stop", "stop_price": round(high + 0.5, 2)}, "too far from the market")
    fails(ep, tool, {**base, "order_type": "stop", "stop_price": top["bid"]}, "buy stop must be above")
    fails(ep, tool, {**base, "side": "sell", "order_type": "stop", "stop_price": top["ask"] + 0.05},
          "sell stop must be below")
    depth = sum(level["quantity"] for level in quote(ep, symbol, depth=10)["asks"])
    fails(ep, tool, {**base, "quantity": depth + 1}, "Not enough liquidity", str(depth))
    affordable = int(account["buying_power"] // top["ask"])
    fails(ep, tool, {**base, "quantity": affordable + 1, "order_type": "limit", "limit_price": top["ask"]},
          "Insufficient buying power", account_id, f"{account['buying_power']:,.2f}")


def test_selling_more_than_the_free_shares_is_refused_no_short_selling(ep):
    sell = working(ep, side="sell", order_type="limit", filled_quantity=0)
    account_id, symbol = sell["account_id"], sell["symbol"]
    position = next(p for p in portfolio(ep, account_id)["positions"] if p["symbol"] == symbol)
    base = {"account_id": account_id, "symbol": symbol, "side": "sell"}
    fails(ep, "place_stock_order", {**base, "quantity": position["shares_available"] + 1}, "Insufficient shares",
          f"at most {position['shares_available']}", "reserved by working sell orders", "Short selling")
    held = {p["symbol"] for p in portfolio(ep, account_id)["positions"]}
    other = next(s["symbol"] for s in ok(ep, "search_stock_symbols", {"status": "trading"})["stocks"]
                 if s["symbol"] not in held)
    fails(ep, "place_stock_order", {**base, "symbol": other, "quantity": 1}, "Insufficient shares", "holds 0")


def test_restricted_accounts_may_sell_but_not_buy(ep):
    restricted = next(a for a in world(ep)["accounts"].values() if a["status"] == "restricted")
    symbol = trading_symbol(ep)
    args = {"account_id": restricted["account_id"], "symbol": symbol, "side": "buy", "quantity": 1}
    fails(ep, "place_stock_order", args, "is restricted", restricted["restriction_reason"][:20], "Only sell orders")
    halted = set(ok(ep, "get_stock_market_status")["halted_symbols"])
    held = next(s for s in restricted["positions"] if s not in halted)
    receipt = place(ep, account_id=restricted["account_id"], symbol=held, side="sell", quantity=1)
    assert receipt["order"]["status"] == "filled"
    # A buy entered before the restriction can be cancelled but not changed.
    earlier = working(ep, account_id=restricted["account_id"], side="buy")
    fails(ep, "modify_stock_order", {"order_id": earlier["order_id"], "quantity": earlier["quantity"] + 1},
          "is restricted")
    assert ok(ep, "cancel_stock_order", {"order_id": earlier["order_id"]})["order"]["status"] == "cancelled"


# ---------------------------------------------------------------- the clock


def test_market_orders_are_refused_after_the_close_but_limit_orders_queue_for_the_open(ep):
    account = rich_account(ep)
    day_order = working(ep, time_in_force="day")
    gtc_order = working(ep, time_in_force="gtc")
    closed = ok(ep, "wait_for_stock_market", {"until": "close"})
    assert closed["now"].endswith("T21:00:00Z") and not closed["market_open"]
    assert day_order["order_id"] in closed["expired_order_ids"]
    assert gtc_order["order_id"] not in closed["expired_order_ids"]
    assert order(ep, day_order["order_id"])["status"] == "expired"
    assert order(ep, gtc_order["order_id"])["status"] == gtc_order["status"]

    symbol = trading_symbol(ep)
    top = quote(ep, symbol)
    base = {"account_id": account["account_id"], "symbol": symbol, "side": "buy", "quantity": 3}
    fails(ep, "place_stock_order", base, "market is closed", "Market orders are accepted only", "wait_for_stock_market")
    queued = place(ep, **base, order_type="limit", limit_price=top["ask"])
    assert queued["order"]["status"] == "open" and queued["fills"] == [] and "queued" in queued["message"]
    fails(ep, "wait_for_stock_market", {"until": "close"}, "market is closed", "Wait for the open")

    opened = ok(ep, "wait_for_stock_market", {"until": "open"})
    assert opened["now"] == ok(ep, "get_stock_market_status")["now"] and opened["market_open"]
    assert opened["now"].endswith("T14:30:00Z") and opened["now"] > closed["now"]
    assert queued["order"]["order_id"] in opened["filled_order_ids"]
    filled = order(ep, queued["order"]["order_id"])
    assert filled["status"] == "filled" and filled["fills"][0]["executed_at"] == opened["now"]
    new_day = quote(ep, symbol)
    assert new_day["previous_close"] == top["last_price"] and new_day["volume"] == 3
    fails(ep, "wait_for_stock_market", {"until": "open"}, "already open", "closes at 21:00")


def test_orders_on_a_halted_stock_wait_at_the_open(ep):
    halted = next(o for o in world(ep)["orders"].values()
                  if o["status"] == "open" and world(ep)["instruments"][o["symbol"]]["status"] == "halted")
    ok(ep, "wait_for_stock_market", {"until": "close"})
    opened = ok(ep, "wait_for_stock_market", {"until": "open"})
    assert halted["order_id"] not in opened["filled_order_ids"]
    assert order(ep, halted["order_id"])["status"] == "open"


# ---------------------------------------------------------------- modifying and cancelling


def test_modify_stock_order_reprices_and_resizes_a_resting_order(ep):
    account = rich_account(ep)
    symbol = trading_symbol(ep)
    top = quote(ep, symbol)
    price = round(top["bid"] - 0.5, 2)
    placed = place(ep, account_id=account["account_id"], symbol=symbol, side="buy", quantity=10, order_type="limit",
                   limit_price=price, time_in_force="gtc")
    order_id = placed["order"]["order_id"]
    smaller = ok(ep, "modify_stock_order", {"order_id": order_id, "quantity": 6})
    assert smaller["order"]["quantity"] == 6 and smaller["order"]["modified_at"] is None
    assert smaller["buying_power"] == round(account["buying_power"] - 6 * price, 2)
    moved = ok(ep, "modify_stock_order", {"order_id": order_id, "limit_price": round(top["bid"] - 0.2, 2)})
    assert moved["order"]["limit_price"] == round(top["bid"] - 0.2, 2)
    assert moved["order"]["modified_at"] == world(ep)["now"]
    crossing = ok(ep, "modify_stock_order", {"order_id": order_id, "limit_price": top["ask"]})
    assert crossing["order"]["status"] == "filled" and crossing["fills"][0]["price"] == top["ask"]
    assert order(ep, order_id)["status"] == "filled"


def test_modify_stock_order_changes_a_stop_price(ep):
    stop = working(ep, order_type="stop")
    last = quote(ep, stop["symbol"])["last_price"]
    new_stop = round(last * 0.95, 2)
    receipt = ok(ep, "modify_stock_order", {"order_id": stop["order_id"], "stop_price": new_stop})
    assert receipt["order"]["stop_price"] == new_stop
    assert order(ep, stop["order_id"])["stop_price"] == new_stop


def test_modify_stock_order_failures_leave_the_world_unchanged(ep):
    tool = "modify_stock_order"
    limit = working(ep, order_type="limit", side="buy", filled_quantity=0)
    top = quote(ep, limit["symbol"])
    fails(ep, tool, {"order_id": "ORD-99999", "quantity": 1}, "Unknown stock order")
    filled = next(o for o in world(ep)["orders"].values() if o["status"] == "filled")
    fails(ep, tool, {"order_id": filled["order_id"], "quantity": 5}, "is filled", "only open or partially filled")
    fails(ep, tool, {"order_id": limit["order_id"]}, "Nothing to change")
    fails(ep, tool, {"order_id": limit["order_id"], "stop_price": 10.0}, "limit order", "no stop price")
    stop = working(ep, order_type="stop")
    fails(ep, tool, {"order_id": stop["order_id"], "limit_price": 10.0}, "stop order", "no limit price")
    above = round(quote(ep, stop["symbol"])["last_price"] + 0.01, 2)
    fails(ep, tool, {"order_id": stop["order_id"], "stop_price": above}, "sell stop must be below")
    fails(ep, tool, {"order_id": limit["order_id"], "limit_price": round(top["price_band_high"] + 1, 2)},
          "too far from the market")
    power = portfolio(ep, limit["account_id"])["buying_power"]
    too_many = limit["quantity"] + int(power // limit["limit_price"]) + 1
    fails(ep, tool, {"order_id": limit["order_id"], "quantity": too_many}, "Insufficient buying power")
    partial = working(ep, status="partially_filled")
    fails(ep, tool, {"order_id": partial["order_id"], "quantity": partial["filled_quantity"]},
          f"already filled {partial['filled_quantity']} shares")
    sell = working(ep, side="sell", order_type="limit")
    free = next(p for p in portfolio(ep, sell["account_id"])["positions"] if p["symbol"] == sell["symbol"])
    fails(ep, tool, {"order_id": sell["order_id"], "quantity": sell["quantity"] + free["shares_available"] + 1},
          "Insufficient shares")
    halted = next(o for o in world(ep)["orders"].values()
                  if o["status"] == "open" and world(ep)["instruments"][o["symbol"]]["status"] == "halted")
    fails(ep, tool, {"order_id": halted["order_id"], "quantity": 1}, "is halted")


def test_cancel_stock_order_releases_the_reservation(ep):
    buy = working(ep, side="buy", order_type="limit")
    before = portfolio(ep, buy["account_id"])
    receipt = ok(ep, "cancel_stock_order", {"order_id": buy["order_id"]})
    remaining = buy["quantity"] - buy["filled_quantity"]
    assert receipt["order"]["status"] == "cancelled" and receipt["released_shares"] == 0
    assert receipt["released_cash"] == round(remaining * buy["limit_price"], 2)
    assert receipt["buying_power"] == round(before["buying_power"] + receipt["released_cash"], 2)
    assert buy["order_id"] not in portfolio(ep, buy["account_id"])["working_order_ids"]
    partial_sell = working(ep, side="sell", status="partially_filled")
    receipt = ok(ep, "cancel_stock_order", {"order_id": partial_sell["order_id"]})
    assert receipt["released_shares"] == partial_sell["quantity"] - partial_sell["filled_quantity"]
    assert f"after {partial_sell['filled_quantity']} of" in receipt["order"]["status_reason"]
    assert order(ep, partial_sell["order_id"])["filled_quantity"] == partial_sell["filled_quantity"]


def test_cancel_stock_order_failures_leave_the_world_unchanged(ep):
    filled = next(o for o in world(ep)["orders"].values() if o["status"] == "filled")
    fails(ep, "cancel_stock_order", {"order_id": filled["order_id"]}, "already filled", "cannot be cancelled")
    for status in ("cancelled", "expired", "rejected"):
        done = next(o for o in world(ep)["orders"].values() if o["status"] == status)
        fails(ep, "cancel_stock_order", {"order_id": done["order_id"]}, f"already {status}")
    fails(ep, "cancel_stock_order", {"order_id": "ORD-99999"}, "Unknown stock order")


# ---------------------------------------------------------------- watchlists


def test_create_and_update_stock_watchlist(ep):
    client = next(c for c in ok(ep, "find_brokerage_clients", {"limit": 50})["clients"] if not c["watchlist_ids"])
    created = ok(ep, "create_stock_watchlist", {"client_id": client["client_id"], "name": " Chip Makers ",
                                                 "symbols": ["nvda", "AMD", "NVDA", "intc"]})
    assert created["name"] == "Chip Makers" and [i["symbol"] for i in created["items"]] == ["NVDA", "AMD", "INTC"]
    updated = ok(ep, "update_stock_watchlist", {"watchlist_id": created["watchlist_id"], "add_symbols": ["AAPL"],
                                                 "remove_symbols": ["amd"]})
    assert [i["symbol"] for i in updated["items"]] == ["NVDA", "INTC", "AAPL"]
    lists = ok(ep, "list_stock_watchlists", {"client_id": client["client_id"]})["watchlists"]
    assert lists == [updated]
    profile = ok(ep, "find_brokerage_clients", {"query": client["client_id"]})["clients"][0]
    assert profile["watchlist_ids"] == [created["watchlist_id"]]


def test_watchlist_failures_leave_the_world_unchanged(ep):
    client = next(c for c in ok(ep, "find_brokerage_clients", {"limit": 50})["clients"] if c["watchlist_ids"])
    watchlist = ok(ep, "list_stock_watchlists", {"client_id": client["client_id"]})["watchlists"][0]
    symbols = [item["symbol"] for item in watchlist["items"]]
    create = {"client_id": client["client_id"], "name": watchlist["name"].upper()}
    fails(ep, "create_stock_watchlist", create, "already has a watchlist named", watchlist["watchlist_id"])
    fails(ep, "create_stock_watchlist", {**create, "client_id": "CLI-9999"}, "Unknown brokerage client")
    fails(ep, "create_stock_watchlist", {**create, "name": "   "}, "cannot be blank")
    fails(ep, "create_stock_watchlist", {**create, "name": "Fresh", "symbols": ["AAPL", "ZZZZ"]},
          "Unknown stock symbol")
    for number in range(5 - len(client["watchlist_ids"])):
        ok(ep, "create_stock_watchlist", {"client_id": client["client_id"], "name": f"List {number}"})
    fails(ep, "create_stock_watchlist", {**create, "name": "One too many"}, "maximum is 5")

    update = "update_stock_watchlist"
    target = {"watchlist_id": watchlist["watchlist_id"]}
    fails(ep, update, target, "Nothing to change")
    fails(ep, update, {"watchlist_id": "WL-9999", "add_symbols": ["AAPL"]}, "Unknown watchlist",
          "list_stock_watchlists")
    fails(ep, update, {**target, "add_symbols": [symbols[0].lower()]}, "already on watchlist")
    listed = ok(ep, "search_stock_symbols", {"limit": 50})["stocks"]
    others = [s["symbol"] for s in listed if s["symbol"] not in symbols]
    absent = others[0]
    fails(ep, update, {**target, "remove_symbols": [absent]}, "not on watchlist", symbols[0])
    fails(ep, update, {**target, "add_symbols": [absent], "remove_symbols": [absent]}, "both added and removed")
    fails(ep, update, {**target, "add_symbols": ["ZZZZ"]}, "Unknown stock symbol")
    fails(ep, update, {**target, "add_symbols": others[: 31 - len(symbols)]}, "maximum is 30")


# ---------------------------------------------------------------- arguments, scenario, determinism


def test_malformed_arguments_are_rejected_before_the_tool_runs(ep):
    before = ep.state_hash()
    base = {"account_id": "BRK-0001", "symbol": "AAPL", "side": "buy", "quantity": 1}
    bad = [
        {**base, "quantity": 0},
        {**base, "quantity": 1.5},
        {**base, "quantity": "1"},
        {**base, "quantity": 10**9},
        {**base, "side": "short"},
        {**base, "order_type": "limit", "limit_price": -3.0},
        {**base, "order_type": "limit", "limit_price": float("nan")},
        {**base, "symbol": "A" * 13},
        {**base, "extra": True},
    ]
    for arguments in bad:
        assert ep.call("place_stock_order", arguments).status == "invalid_arguments", arguments
    assert ep.call("get_stock_quote", {"symbol": "AAPL", "depth": 11}).status == "invalid_arguments"
    assert ep.call("create_stock_watchlist", {"client_id": "CLI-0001", "name": "x",
                                              "symbols": ["AAPL"] * 31}).status == "invalid_arguments"
    assert ep.call("wait_for_stock_market", {"until": "tomorrow"}).status == "invalid_arguments"
    assert ep.call("search_stock_symbols", {"query": "Zoë ../../etc/passwd .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, Any]:
    """Find a client, buy a stock at market, rest and reprice a sell, watch it, close, queue a buy, open."""
    clients = ok(ep, "find_brokerage_clients", {"limit": 50})["clients"]
    account_id = next(
        a["account_id"] for c in clients for a in c["accounts"]
        if a["status"] == "active" and portfolio(ep, a["account_id"])["buying_power"] > 20_000
    )
    client_id = ok(ep, "find_brokerage_clients", {"query": account_id})["clients"][0]["client_id"]
    symbol = ok(ep, "search_stock_symbols", {"query": "Coca-Cola"})["stocks"][0]["symbol"]
    ask = ok(ep, "get_stock_quote", {"symbol": symbol})["ask"]
    bought = ok(ep, "place_stock_order", {"account_id": account_id, "symbol": symbol, "side": "buy", "quantity": 40})
    sell = ok(ep, "place_stock_order", {"account_id": account_id, "symbol": symbol, "side": "sell", "quantity": 15,
                                         "order_type": "limit", "limit_price": round(ask * 1.05, 2),
                                         "time_in_force": "gtc"})
    ok(ep, "modify_stock_order", {"order_id": sell["order"]["order_id"], "limit_price": round(ask * 1.04, 2)})
    watchlist = ok(ep, "create_stock_watchlist", {"client_id": client_id, "name": "Beverages", "symbols": [symbol]})
    ok(ep, "wait_for_stock_market", {"until": "close"})
    bid = ok(ep, "get_stock_quote", {"symbol": symbol})["bid"]
    queued = ok(ep, "place_stock_order", {"account_id": account_id, "symbol": symbol, "side": "buy", "quantity": 10,
                                           "order_type": "limit", "limit_price": round(bid - 0.01, 2)})
    ok(ep, "wait_for_stock_market", {"until": "open"})
    return {
        "account_id": account_id, "symbol": symbol, "ask": ask, "bought": bought["order"]["order_id"],
        "sell": sell["order"]["order_id"], "queued": queued["order"]["order_id"],
        "watchlist": watchlist["watchlist_id"],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first = Episode.open([SERVER], seed=0)
    initial = first.state_hash()
    ids = _scenario(first)
    final = first.state_hash()
    assert final != initial
    replay = Episode.open([SERVER], seed=0)
    assert _scenario(replay) == ids
    assert replay.state_hash() == final

    summary = ok(first, "get_portfolio_summary", {"account_id": ids["account_id"]})
    position = next(p for p in summary["positions"] if p["symbol"] == ids["symbol"])
    assert position["shares_available"] == position["quantity"] - 15
    assert ok(first, "get_stock_order", {"order_id": ids["bought"]})["average_fill_price"] == ids["ask"]
    sell = ok(first, "get_stock_order", {"order_id": ids["sell"]})
    assert sell["status"] == "open" and sell["limit_price"] == round(ids["ask"] * 1.04, 2)
    queued = ok(first, "get_stock_order", {"order_id": ids["queued"]})
    assert queued["status"] == "open" and queued["created_at"].endswith("T21:00:00Z")
    working = ok(first, "list_stock_orders", {"account_id": ids["account_id"], "symbol": ids["symbol"]})["orders"]
    assert [o["order_id"] for o in working] == [ids["queued"], ids["sell"]]
    assert ok(first, "get_stock_market_status")["market_open"]
    watchlists = ok(first, "list_stock_watchlists", {"client_id": summary["client_id"]})["watchlists"]
    assert ids["watchlist"] in [w["watchlist_id"] for w in watchlists]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=5), Episode.open([SERVER], seed=5)
    assert ok(a, "find_brokerage_clients", {"limit": 50}) == ok(b, "find_brokerage_clients", {"limit": 50})


def test_some_seeds_start_with_the_market_closed():
    opened = {ok(Episode.open([SERVER], seed=seed), "get_stock_market_status")["market_open"] for seed in range(8)}
    assert opened == {True, False}


def test_default_world_is_large_and_varied(ep):
    data = world(ep)
    assert len(data["instruments"]) == 41 and len(data["clients"]) == 25
    assert 30 <= len(data["accounts"]) <= 45
    assert len(data["orders"]) >= 80 and len(data["executions"]) >= 60
    assert {o["status"] for o in data["orders"].values()} == {
        "open", "partially_filled", "filled", "cancelled", "expired", "rejected"
    }
    assert {o["order_type"] for o in data["orders"].values()} == {"market", "limit", "stop"}
    assert {a["status"] for a in data["accounts"].values()} == {"active", "restricted"}
    assert all(len(book["asks"]) == 5 and len(book["bids"]) == 5 for book in data["books"].values())
    assert len(Episode.open([SERVER], seed=0).snapshot()[SERVER]["watchlists"]) >= 10
