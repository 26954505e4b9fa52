"""Behaviour of the marketplace server, through the public Episode API.

Test data is discovered in the seed-0 world (through the tools, or through `Episode.snapshot()` for states the
tools do not filter on, such as hidden reserve prices) rather than hard-coded.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from mcp_servers import Episode
from tests.helpers import fails, ok

SERVER = "marketplace"

Row = dict[str, Any]


def _episode() -> Episode:
    return Episode.open([SERVER], seed=0)


def _world(ep: Episode) -> Row:
    return ep.snapshot()[SERVER]


def _now(ep: Episode) -> datetime:
    return datetime.fromisoformat(_world(ep)["now"])


def _first(rows: dict[str, Row], test: Callable[[Row], bool]) -> Row:
    return next(row for row in rows.values() if test(row))


def _listing(ep: Episode, listing_id: str) -> Row:
    return ok(ep, "get_marketplace_listing", {"listing_id": listing_id})


def _other_user(ep: Episode, *not_these: str) -> str:
    return next(user_id for user_id in _world(ep)["users"] if user_id not in not_these)


def _open_auction(ep: Episode, with_bids: bool) -> Row:
    return _first(
        _world(ep)["listings"],
        lambda l: l["format"] == "auction" and l["status"] == "active" and (l["bid_count"] > 0) == with_bids,
    )


def _offer_listing(ep: Episode) -> Row:
    """An active fixed-price listing that takes best offers and has no open offer yet."""
    world = _world(ep)
    busy = {o["listing_id"] for o in world["offers"].values() if o["status"] in ("pending", "countered")}
    return _first(
        world["listings"],
        lambda l: l["format"] == "fixed_price" and l["status"] == "active" and l["accepts_offers"]
        and l["listing_id"] not in busy and l["price"] >= 50,
    )


# ----- discovery -----


def test_search_marketplace_listings_matches_every_word_and_filters():
    ep = _episode()
    found = ok(ep, "search_marketplace_listings", {"query": "LEGO falcon", "status": "any", "limit": 100})
    assert found["listings"] and found["total_matched"] == len(found["listings"])
    assert all("lego" in l["title"].lower() and "falcon" in l["title"].lower() for l in found["listings"])
    auctions = ok(ep, "search_marketplace_listings", {"format": "auction", "max_price": 100, "limit": 100})
    assert auctions["listings"]
    assert all(l["format"] == "auction" and l["status"] == "active" and l["price"] <= 100
               for l in auctions["listings"])
    seller_id = auctions["listings"][0]["seller_id"]
    mine = ok(ep, "search_marketplace_listings", {"seller_id": seller_id, "status": "any", "limit": 100})["listings"]
    assert mine and {l["seller_id"] for l in mine} == {seller_id}
    sold = ok(ep, "search_marketplace_listings", {"status": "sold", "category": "electronics"})["listings"]
    assert all(l["status"] == "sold" and l["quantity_available"] == 0 for l in sold)
    assert ok(ep, "search_marketplace_listings", {"query": "zzz-no-such-item .*("})["total_matched"] == 0


def test_search_marketplace_listings_sorts_and_limits():
    ep = _episode()
    ending = ok(ep, "search_marketplace_listings", {"ending_within_hours": 72, "sort": "ending_soonest",
                                                    "limit": 100})["listings"]
    horizon = _now(ep) + timedelta(hours=72)
    ends = [datetime.fromisoformat(l["ends_at"]) for l in ending]
    assert ends and ends == sorted(ends) and all(_now(ep) < end <= horizon for end in ends)
    cheap = ok(ep, "search_marketplace_listings", {"sort": "price_low", "limit": 5})
    prices = [l["price"] for l in cheap["listings"]]
    assert len(prices) == 5 and prices == sorted(prices) and cheap["total_matched"] > 5


def test_get_marketplace_listing_shows_the_next_minimum_bid_but_not_the_reserve():
    ep = _episode()
    world = _world(ep)
    auction = _first(world["listings"], lambda l: l["format"] == "auction" and l["status"] == "active"
                     and l["reserve_price"] is not None and l["bid_count"] > 0)
    details = _listing(ep, auction["listing_id"])
    assert "reserve_price" not in details and details["has_reserve"] is True
    assert details["reserve_met"] == (auction["price"] >= auction["reserve_price"])
    assert details["min_next_bid"] == round(auction["price"] + auction["bid_increment"], 2)
    seller = world["users"][auction["seller_id"]]
    assert details["seller_username"] == seller["username"]
    assert details["seller_feedback_score"] == seller["positive_count"] - seller["negative_count"]
    fresh = _listing(ep, _open_auction(ep, with_bids=False)["listing_id"])
    assert fresh["min_next_bid"] == fresh["starting_price"] == fresh["price"]
    fixed = _listing(ep, _offer_listing(ep)["listing_id"])
    assert fixed["min_next_bid"] is None and fixed["reserve_met"] is None
    assert [option["service"] for option in fixed["shipping"]][0] == "standard"
    fails(ep, "get_marketplace_listing", {"listing_id": "LST-9999"}, "Unknown listing", "search_marketplace_listings")


def test_list_auction_bids_lists_the_history_newest_first():
    ep = _episode()
    auction = _open_auction(ep, with_bids=True)
    history = ok(ep, "list_auction_bids", {"listing_id": auction["listing_id"]})
    bids = history["bids"]
    assert len(bids) == auction["bid_count"] and history["current_price"] == auction["price"]
    assert [b["amount"] for b in bids] == sorted((b["amount"] for b in bids), reverse=True)
    assert bids[0]["bidder_id"] == history["high_bidder_id"] == auction["high_bidder_id"]
    assert all(b["bidder_id"] != auction["seller_id"] for b in bids)
    assert len(ok(ep, "list_auction_bids", {"listing_id": auction["listing_id"], "limit": 1})["bids"]) == 1
    closed = _first(_world(ep)["listings"], lambda l: l["format"] == "auction" and l["status"] == "sold")
    assert ok(ep, "list_auction_bids", {"listing_id": closed["listing_id"]})["min_next_bid"] is None


def test_list_auction_bids_refuses_fixed_price_and_unknown_listings():
    ep = _episode()
    fails(ep, "list_auction_bids", {"listing_id": _offer_listing(ep)["listing_id"]}, "fixed-price", "no bids")
    fails(ep, "list_auction_bids", {"listing_id": "LST-0000"}, "Unknown listing")


def test_find_marketplace_users_matches_text_and_filters():
    ep = _episode()
    everyone = ok(ep, "find_marketplace_users", {"limit": 100})
    assert everyone["total_matched"] == 40
    user = everyone["users"][3]
    by_name = ok(ep, "find_marketplace_users", {"query": user["full_name"].upper()})["users"]
    assert user["user_id"] in [u["user_id"] for u in by_name]
    assert ok(ep, "find_marketplace_users", {"query": user["username"]})["users"][0]["user_id"] == user["user_id"]
    sellers = ok(ep, "find_marketplace_users", {"sellers_only": True, "verified_only": True, "limit": 100})["users"]
    assert sellers and all(u["is_seller"] and u["verified"] for u in sellers)
    assert len(sellers) < everyone["total_matched"]
    rated = next(u for u in everyone["users"] if u["positive_count"] + u["negative_count"] > 0)
    assert rated["feedback_score"] == rated["positive_count"] - rated["negative_count"]


def test_get_seller_profile_summarizes_listings_sales_and_feedback():
    ep = _episode()
    world = _world(ep)
    seller_id = max(world["users"], key=lambda u: sum(f["seller_id"] == u for f in world["feedback"].values()))
    profile = ok(ep, "get_seller_profile", {"user_id": seller_id})
    received = [f for f in world["feedback"].values() if f["seller_id"] == seller_id]
    assert len(profile["recent_feedback"]) == min(10, len(received)) > 0
    times = [f["left_at"] for f in profile["recent_feedback"]]
    assert times == sorted(times, reverse=True)
    assert profile["items_sold"] == sum(o["quantity"] for o in world["orders"].values() if o["seller_id"] == seller_id)
    assert set(profile["active_listing_ids"]) == {
        l["listing_id"] for l in world["listings"].values() if l["seller_id"] == seller_id and l["status"] == "active"
    }
    fails(ep, "get_seller_profile", {"user_id": "USR-9999"}, "Unknown user", "find_marketplace_users")


def test_list_marketplace_orders_separates_purchases_and_sales():
    ep = _episode()
    order = next(iter(_world(ep)["orders"].values()))
    bought = ok(ep, "list_marketplace_orders", {"user_id": order["buyer_id"], "role": "buyer"})["orders"]
    assert order["order_id"] in [o["order_id"] for o in bought]
    assert all(o["buyer_id"] == order["buyer_id"] for o in bought)
    sold = ok(ep, "list_marketplace_orders", {"user_id": order["seller_id"], "role": "seller"})
    assert all(o["seller_id"] == order["seller_id"] for o in sold["orders"]) and sold["total_matched"] >= 1
    placed = [o["placed_at"] for o in sold["orders"]]
    assert placed == sorted(placed, reverse=True)
    unpaid = _first(_world(ep)["orders"], lambda o: o["payment_status"] == "unpaid")
    listed = ok(ep, "list_marketplace_orders", {"user_id": unpaid["buyer_id"], "payment_status": "unpaid"})["orders"]
    assert unpaid["order_id"] in [o["order_id"] for o in listed]
    assert all(o["payment_status"] == "unpaid" for o in listed)
    fails(ep, "list_marketplace_orders", {"user_id": "USR-9999"}, "Unknown user")


def test_list_listing_offers_by_role_listing_and_status():
    ep = _episode()
    offer = _first(_world(ep)["offers"], lambda o: o["status"] == "pending")
    received = ok(ep, "list_listing_offers", {"user_id": offer["seller_id"], "role": "seller", "status": "open"})
    assert offer["offer_id"] in [o["offer_id"] for o in received["offers"]]
    assert all(o["seller_id"] == offer["seller_id"] and o["status"] in ("pending", "countered")
               for o in received["offers"])
    made = ok(ep, "list_listing_offers", {"user_id": offer["buyer_id"], "role": "buyer",
                                          "listing_id": offer["listing_id"]})["offers"]
    assert [o["offer_id"] for o in made] == [offer["offer_id"]]
    assert ok(ep, "list_listing_offers", {"user_id": offer["buyer_id"], "role": "seller",
                                          "listing_id": offer["listing_id"]})["offers"] == []
    fails(ep, "list_listing_offers", {"user_id": "nobody"}, "Unknown user")


# ----- selling -----


def _verified_seller(ep: Episode, verified: bool) -> str:
    return _first(_world(ep)["users"], lambda u: u["is_seller"] and u["verified"] == verified)["user_id"]


def test_create_seller_listing_lists_fixed_price_and_auction_items():
    ep = _episode()
    seller_id = _verified_seller(ep, True)
    fixed = ok(ep, "create_seller_listing", {
        "seller_id": seller_id, "title": "Vintage Polaroid SX-70 Camera", "category": "electronics",
        "condition": "used_good", "format": "fixed_price", "price": 189.5, "quantity": 2, "accepts_offers": True,
        "shipping_cost": 8.5, "expedited_shipping_cost": 24.0, "description": "Tested with film.",
    })
    assert fixed["status"] == "active" and fixed["quantity_available"] == 2 and fixed["accepts_offers"]
    assert [(s["service"], s["cost"]) for s in fixed["shipping"]] == [("standard", 8.5), ("expedited", 24.0)]
    auction = ok(ep, "create_seller_listing", {
        "seller_id": seller_id, "title": "Omega Speedmaster Professional", "category": "jewelry_watches",
        "condition": "used_like_new", "format": "auction", "price": 2500, "reserve_price": 4000,
        "duration_days": 3, "local_pickup": True,
    })
    assert auction["ends_at"] == (_now(ep) + timedelta(days=3)).isoformat().replace("+00:00", "Z")
    assert auction["min_next_bid"] == 2500 and auction["bid_increment"] == 25 and auction["has_reserve"]
    assert auction["reserve_met"] is False
    listed = ok(ep, "search_marketplace_listings", {"seller_id": seller_id, "sort": "newest", "limit": 2})["listings"]
    assert {l["listing_id"] for l in listed} == {fixed["listing_id"], auction["listing_id"]}
    buyer_only = _first(_world(ep)["users"], lambda u: not u["is_seller"])["user_id"]
    ok(ep, "create_seller_listing", {"seller_id": buyer_only, "title": "Boss DS-1 pedal", "category":
                                     "musical_instruments", "condition": "used_fair", "format": "fixed_price",
                                     "price": 25})
    assert ok(ep, "get_seller_profile", {"user_id": buyer_only})["is_seller"] is True


def test_create_seller_listing_failures_leave_the_world_unchanged():
    ep = _episode()
    base = {"seller_id": _verified_seller(ep, True), "title": "Gibson J-45 Acoustic", "category":
            "musical_instruments", "condition": "used_good", "format": "auction", "price": 900.0}
    unverified = _verified_seller(ep, False)
    fails(ep, "create_seller_listing", {**base, "seller_id": unverified}, "not identity-verified", "500.00")
    fails(ep, "create_seller_listing", {**base, "seller_id": unverified, "price": 300.0, "reserve_price": 650.0},
          "not identity-verified", "650.00")
    fails(ep, "create_seller_listing", {**base, "quantity": 3}, "exactly one unit")
    fails(ep, "create_seller_listing", {**base, "reserve_price": 800.0}, "must be above the starting price")
    fails(ep, "create_seller_listing", {**base, "accepts_offers": True}, "only available on fixed-price")
    fails(ep, "create_seller_listing", {**base, "format": "fixed_price", "reserve_price": 1200.0}, "only applies")
    fails(ep, "create_seller_listing", {**base, "title": "      "}, "blank")
    fails(ep, "create_seller_listing", {**base, "seller_id": "USR-9999"}, "Unknown user")


def test_withdraw_seller_listing_closes_it_and_declines_open_offers():
    ep = _episode()
    offer = _first(_world(ep)["offers"], lambda o: o["status"] == "pending")
    result = ok(ep, "withdraw_seller_listing", {"listing_id": offer["listing_id"], "seller_id": offer["seller_id"]})
    assert result["listing"]["status"] == "withdrawn" and offer["offer_id"] in result["declined_offer_ids"]
    assert _listing(ep, offer["listing_id"])["closed_at"] is not None
    made = ok(ep, "list_listing_offers", {"user_id": offer["buyer_id"], "listing_id": offer["listing_id"]})
    assert made["offers"][0]["status"] == "declined"
    auction = _open_auction(ep, with_bids=False)
    ok(ep, "withdraw_seller_listing", {"listing_id": auction["listing_id"], "seller_id": auction["seller_id"]})
    fails(ep, "place_auction_bid", {"listing_id": auction["listing_id"], "bidder_id": _other_user(
        ep, auction["seller_id"]), "amount": 1000.0}, "withdrawn")


def test_withdraw_seller_listing_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    bid_on = _open_auction(ep, with_bids=True)
    fails(ep, "withdraw_seller_listing", {"listing_id": bid_on["listing_id"], "seller_id": bid_on["seller_id"]},
          "already has", "bid")
    fails(ep, "withdraw_seller_listing", {"listing_id": bid_on["listing_id"],
                                          "seller_id": _other_user(ep, bid_on["seller_id"])},
          "belongs to", bid_on["seller_id"])
    sold = _first(world["listings"], lambda l: l["status"] == "sold")
    fails(ep, "withdraw_seller_listing", {"listing_id": sold["listing_id"], "seller_id": sold["seller_id"]},
          "sold out")
    gone = _first(world["listings"], lambda l: l["status"] == "withdrawn")
    fails(ep, "withdraw_seller_listing", {"listing_id": gone["listing_id"], "seller_id": gone["seller_id"]},
          "was withdrawn")
    fails(ep, "withdraw_seller_listing", {"listing_id": "LST-9999", "seller_id": bid_on["seller_id"]},
          "Unknown listing")


# ----- bidding -----


def test_place_auction_bid_raises_the_price_and_takes_the_lead():
    ep = _episode()
    auction = _open_auction(ep, with_bids=True)
    bidder_id = _other_user(ep, auction["seller_id"], auction["high_bidder_id"])
    minimum = _listing(ep, auction["listing_id"])["min_next_bid"]
    receipt = ok(ep, "place_auction_bid", {"listing_id": auction["listing_id"], "bidder_id": bidder_id,
                                            "amount": minimum})
    assert receipt["current_price"] == minimum and receipt["bid_count"] == auction["bid_count"] + 1
    assert receipt["min_next_bid"] == round(minimum + auction["bid_increment"], 2)
    history = ok(ep, "list_auction_bids", {"listing_id": auction["listing_id"]})
    assert history["bids"][0]["bid_id"] == receipt["bid"]["bid_id"] and history["high_bidder_id"] == bidder_id
    fresh = _open_auction(ep, with_bids=False)
    first = ok(ep, "place_auction_bid", {"listing_id": fresh["listing_id"],
                                         "bidder_id": _other_user(ep, fresh["seller_id"]), "amount": fresh["price"]})
    assert first["current_price"] == fresh["starting_price"] and first["bid_count"] == 1


def test_place_auction_bid_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    auction = _open_auction(ep, with_bids=True)
    listing_id = auction["listing_id"]
    bidder_id = _other_user(ep, auction["seller_id"], auction["high_bidder_id"])
    minimum = round(auction["price"] + auction["bid_increment"], 2)
    fails(ep, "place_auction_bid", {"listing_id": listing_id, "bidder_id": bidder_id, "amount": minimum - 0.01},
          "too low", f"{minimum:,.2f}")
    fails(ep, "place_auction_bid", {"listing_id": listing_id, "bidder_id": auction["seller_id"], "amount": 5000.0},
          "is the seller")
    fails(ep, "place_auction_bid", {"listing_id": listing_id, "bidder_id": auction["high_bidder_id"],
                                    "amount": 5000.0}, "already the high bidder")
    ended = _first(world["listings"], lambda l: l["format"] == "auction" and l["status"] == "ended")
    fails(ep, "place_auction_bid", {"listing_id": ended["listing_id"], "bidder_id": bidder_id, "amount": 5000.0},
          "auction ended")
    won = _first(world["listings"], lambda l: l["format"] == "auction" and l["status"] == "sold")
    fails(ep, "place_auction_bid", {"listing_id": won["listing_id"], "bidder_id": bidder_id, "amount": 5000.0},
          "sold")
    fixed = _offer_listing(ep)
    fails(ep, "place_auction_bid", {"listing_id": fixed["listing_id"], "bidder_id": bidder_id, "amount": 5000.0},
          "fixed-price", "buy_marketplace_listing")
    fails(ep, "place_auction_bid", {"listing_id": listing_id, "bidder_id": "USR-9999", "amount": 5000.0},
          "Unknown user")


# ----- buying and offers -----


def test_buy_marketplace_listing_creates_a_paid_order_and_sells_out():
    ep = _episode()
    world = _world(ep)
    multi = _first(world["listings"], lambda l: l["format"] == "fixed_price" and l["status"] == "active"
                   and l["quantity_available"] >= 2)
    buyer_id = _other_user(ep, multi["seller_id"])
    bought = ok(ep, "buy_marketplace_listing", {"listing_id": multi["listing_id"], "buyer_id": buyer_id,
                                                "quantity": 2})
    order = bought["order"]
    standard = next(s["cost"] for s in multi["shipping"] if s["service"] == "standard")
    assert order["payment_status"] == "paid" and order["source"] == "buy_it_now" and order["quantity"] == 2
    assert order["total"] == round(2 * multi["price"] + standard, 2)
    assert bought["quantity_left"] == multi["quantity_available"] - 2
    assert _listing(ep, multi["listing_id"])["quantity_sold"] == multi["quantity_sold"] + 2
    purchases = ok(ep, "list_marketplace_orders", {"user_id": buyer_id, "role": "buyer"})["orders"]
    assert purchases[0]["order_id"] == order["order_id"]

    offer = _first(_world(ep)["offers"], lambda o: o["status"] == "pending"
                   and world["listings"][o["listing_id"]]["quantity_available"] == 1)
    buyer_id = _other_user(ep, offer["seller_id"], offer["buyer_id"])
    last = ok(ep, "buy_marketplace_listing", {"listing_id": offer["listing_id"], "buyer_id": buyer_id})
    assert last["listing_status"] == "sold" and last["quantity_left"] == 0
    assert offer["offer_id"] in last["declined_offer_ids"]


def test_buy_marketplace_listing_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    single = _first(world["listings"], lambda l: l["format"] == "fixed_price" and l["status"] == "active"
                    and l["quantity_available"] == 1 and len(l["shipping"]) == 1)
    buyer_id = _other_user(ep, single["seller_id"])
    base = {"listing_id": single["listing_id"], "buyer_id": buyer_id}
    fails(ep, "buy_marketplace_listing", {**base, "quantity": 2}, "1 unit(s) available")
    fails(ep, "buy_marketplace_listing", {**base, "shipping_service": "expedited"}, "does not offer", "standard")
    fails(ep, "buy_marketplace_listing", {**base, "buyer_id": single["seller_id"]}, "is the seller")
    auction = _open_auction(ep, with_bids=False)
    fails(ep, "buy_marketplace_listing", {**base, "listing_id": auction["listing_id"]}, "auction",
          "place_auction_bid")
    sold = _first(world["listings"], lambda l: l["format"] == "fixed_price" and l["status"] == "sold")
    fails(ep, "buy_marketplace_listing", {**base, "listing_id": sold["listing_id"]}, "sold out")
    ended = _first(world["listings"], lambda l: l["format"] == "fixed_price" and l["status"] == "ended")
    fails(ep, "buy_marketplace_listing", {**base, "listing_id": ended["listing_id"]}, "listing ended")


def test_make_listing_offer_records_a_pending_offer_for_the_seller():
    ep = _episode()
    listing = _offer_listing(ep)
    buyer_id = _other_user(ep, listing["seller_id"])
    amount = round(listing["price"] * 0.8, 2)
    offer = ok(ep, "make_listing_offer", {"listing_id": listing["listing_id"], "buyer_id": buyer_id,
                                          "amount": amount, "message": "Cash ready today"})
    assert offer["status"] == "pending" and offer["amount"] == amount and offer["seller_id"] == listing["seller_id"]
    assert offer["message"] == "Cash ready today"
    waiting = ok(ep, "list_listing_offers", {"user_id": listing["seller_id"], "role": "seller", "status": "pending"})
    assert offer["offer_id"] in [o["offer_id"] for o in waiting["offers"]]
    assert _listing(ep, listing["listing_id"])["open_offer_count"] == 1


def test_make_listing_offer_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    listing = _offer_listing(ep)
    buyer_id = _other_user(ep, listing["seller_id"])
    base = {"listing_id": listing["listing_id"], "buyer_id": buyer_id}
    fails(ep, "make_listing_offer", {**base, "amount": listing["price"]}, "not below the asking price")
    fails(ep, "make_listing_offer", {**base, "amount": round(listing["price"] * 0.4, 2)}, "at least",
          "half the asking price")
    fails(ep, "make_listing_offer", {**base, "amount": 20.0, "quantity": listing["quantity_available"] + 1},
          "unit(s) available")
    fails(ep, "make_listing_offer", {**base, "buyer_id": listing["seller_id"], "amount": 20.0}, "is the seller")
    auction = _open_auction(ep, with_bids=True)
    fails(ep, "make_listing_offer", {**base, "listing_id": auction["listing_id"], "amount": 1.0}, "is an auction")
    no_offers = _first(world["listings"], lambda l: l["format"] == "fixed_price" and l["status"] == "active"
                       and not l["accepts_offers"] and l["seller_id"] != buyer_id)
    fails(ep, "make_listing_offer", {**base, "listing_id": no_offers["listing_id"], "amount": 1.0},
          "does not accept best offers")
    open_offer = _first(world["offers"], lambda o: o["status"] == "countered")
    fails(ep, "make_listing_offer", {"listing_id": open_offer["listing_id"], "buyer_id": open_offer["buyer_id"],
                                     "amount": open_offer["amount"] + 1}, "already has an open offer",
          open_offer["offer_id"])
    withdrawn = _first(world["listings"], lambda l: l["status"] == "withdrawn" and l["format"] == "fixed_price")
    fails(ep, "make_listing_offer", {**base, "listing_id": withdrawn["listing_id"], "amount": 1.0}, "withdrawn")


def test_respond_to_listing_offer_accept_creates_an_unpaid_order_at_the_offer_price():
    ep = _episode()
    offer = _first(_world(ep)["offers"], lambda o: o["status"] == "pending")
    outcome = ok(ep, "respond_to_listing_offer", {"offer_id": offer["offer_id"], "user_id": offer["seller_id"],
                                                  "action": "accept"})
    order = outcome["order"]
    assert outcome["offer"]["status"] == "accepted" and outcome["offer"]["order_id"] == order["order_id"]
    assert order["unit_price"] == offer["amount"] and order["payment_status"] == "unpaid"
    assert order["source"] == "offer" and order["buyer_id"] == offer["buyer_id"]
    unpaid = ok(ep, "list_marketplace_orders", {"user_id": offer["buyer_id"], "payment_status": "unpaid"})
    assert order["order_id"] in [o["order_id"] for o in unpaid["orders"]]


def test_respond_to_listing_offer_counter_then_buyer_accepts_or_declines():
    ep = _episode()
    listing = _offer_listing(ep)
    buyers = [u for u in _world(ep)["users"] if u != listing["seller_id"]][:2]
    amount = round(listing["price"] * 0.7, 2)
    counter = round(listing["price"] * 0.85, 2)
    offers = [ok(ep, "make_listing_offer", {"listing_id": listing["listing_id"], "buyer_id": buyer,
                                            "amount": amount})["offer_id"] for buyer in buyers]
    for offer_id in offers:
        countered = ok(ep, "respond_to_listing_offer", {"offer_id": offer_id, "user_id": listing["seller_id"],
                                                        "action": "counter", "counter_amount": counter})
        assert countered["offer"]["status"] == "countered" and countered["offer"]["counter_amount"] == counter
    declined = ok(ep, "respond_to_listing_offer", {"offer_id": offers[1], "user_id": buyers[1],
                                                   "action": "decline"})
    assert declined["offer"]["status"] == "declined" and declined["order"] is None
    accepted = ok(ep, "respond_to_listing_offer", {"offer_id": offers[0], "user_id": buyers[0],
                                                   "action": "accept"})
    assert accepted["order"]["unit_price"] == counter and accepted["offer"]["status"] == "accepted"
    assert _listing(ep, listing["listing_id"])["quantity_sold"] == listing["quantity_sold"] + 1


def test_respond_to_listing_offer_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    pending = _first(world["offers"], lambda o: o["status"] == "pending")
    price = world["listings"][pending["listing_id"]]["price"]
    base = {"offer_id": pending["offer_id"], "user_id": pending["seller_id"]}
    fails(ep, "respond_to_listing_offer", {**base, "user_id": pending["buyer_id"], "action": "accept"},
          "waits on the seller", pending["seller_id"])
    fails(ep, "respond_to_listing_offer", {**base, "action": "counter"}, "needs counter_amount")
    fails(ep, "respond_to_listing_offer", {**base, "action": "counter", "counter_amount": price},
          "below the asking price")
    fails(ep, "respond_to_listing_offer", {**base, "action": "counter", "counter_amount": pending["amount"]},
          "above the offer")
    countered = _first(world["offers"], lambda o: o["status"] == "countered")
    fails(ep, "respond_to_listing_offer", {"offer_id": countered["offer_id"], "user_id": countered["seller_id"],
                                           "action": "accept"}, "waits on the buyer")
    fails(ep, "respond_to_listing_offer", {"offer_id": countered["offer_id"], "user_id": countered["buyer_id"],
                                           "action": "counter", "counter_amount": 10.0}, "only accept or decline")
    answered = _first(world["offers"], lambda o: o["status"] == "declined")
    fails(ep, "respond_to_listing_offer", {"offer_id": answered["offer_id"], "user_id": answered["seller_id"],
                                           "action": "accept"}, "already declined")
    fails(ep, "respond_to_listing_offer", {**base, "offer_id": "OFR-9999", "action": "accept"}, "Unknown offer")


def test_respond_to_listing_offer_refuses_an_offer_for_more_units_than_are_left():
    ep = _episode()
    multi = _first(_world(ep)["listings"], lambda l: l["format"] == "fixed_price" and l["status"] == "active"
                   and l["accepts_offers"] and l["quantity_available"] >= 2)
    buyer, other = [u for u in _world(ep)["users"] if u != multi["seller_id"]][:2]
    offer = ok(ep, "make_listing_offer", {"listing_id": multi["listing_id"], "buyer_id": buyer,
                                          "amount": round(multi["price"] * 0.9, 2),
                                          "quantity": multi["quantity_available"]})
    ok(ep, "buy_marketplace_listing", {"listing_id": multi["listing_id"], "buyer_id": other})
    fails(ep, "respond_to_listing_offer", {"offer_id": offer["offer_id"], "user_id": multi["seller_id"],
                                           "action": "accept"}, "unit(s) available")


# ----- payment and feedback -----


def test_pay_marketplace_order_marks_it_paid():
    ep = _episode()
    order = _first(_world(ep)["orders"], lambda o: o["payment_status"] == "unpaid")
    paid = ok(ep, "pay_marketplace_order", {"order_id": order["order_id"], "buyer_id": order["buyer_id"]})
    assert paid["payment_status"] == "paid" and paid["paid_at"] == _world(ep)["now"]
    assert ok(ep, "list_marketplace_orders", {"user_id": order["buyer_id"], "payment_status": "unpaid"})[
        "total_matched"] == sum(o["buyer_id"] == order["buyer_id"] and o["payment_status"] == "unpaid"
                                for o in _world(ep)["orders"].values())
    fails(ep, "pay_marketplace_order", {"order_id": order["order_id"], "buyer_id": order["buyer_id"]},
          "already paid")


def test_pay_marketplace_order_failures_leave_the_world_unchanged():
    ep = _episode()
    order = _first(_world(ep)["orders"], lambda o: o["payment_status"] == "unpaid")
    fails(ep, "pay_marketplace_order", {"order_id": order["order_id"], "buyer_id": order["seller_id"]},
          "was bought by", order["buyer_id"])
    fails(ep, "pay_marketplace_order", {"order_id": "ORD-9999", "buyer_id": order["buyer_id"]}, "Unknown order")


def test_leave_seller_feedback_records_it_and_updates_the_reputation():
    ep = _episode()
    order = _first(_world(ep)["orders"], lambda o: o["payment_status"] == "paid" and o["feedback_id"] is None)
    before = ok(ep, "get_seller_profile", {"user_id": order["seller_id"]})
    receipt = ok(ep, "leave_seller_feedback", {"order_id": order["order_id"], "buyer_id": order["buyer_id"],
                                               "rating": "negative", "comment": "Never arrived."})
    assert receipt["feedback"]["seller_id"] == order["seller_id"]
    assert receipt["seller_feedback_score"] == before["feedback_score"] - 1
    after = ok(ep, "get_seller_profile", {"user_id": order["seller_id"]})
    assert after["negative_count"] == before["negative_count"] + 1
    assert after["recent_feedback"][0]["feedback_id"] == receipt["feedback"]["feedback_id"]
    assert after["recent_feedback"][0]["comment"] == "Never arrived."


def test_leave_seller_feedback_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    rated = _first(world["orders"], lambda o: o["feedback_id"] is not None)
    args = {"rating": "positive", "comment": "Great"}
    fails(ep, "leave_seller_feedback", {**args, "order_id": rated["order_id"], "buyer_id": rated["buyer_id"]},
          "already left", rated["feedback_id"])
    fails(ep, "leave_seller_feedback", {**args, "order_id": rated["order_id"],
                                        "buyer_id": _other_user(ep, rated["buyer_id"])}, "did not buy")
    unpaid = _first(world["orders"], lambda o: o["payment_status"] == "unpaid")
    fails(ep, "leave_seller_feedback", {**args, "order_id": unpaid["order_id"], "buyer_id": unpaid["buyer_id"]},
          "unpaid", "pay_marketplace_order")
    fails(ep, "leave_seller_feedback", {**args, "order_id": "ORD-0000", "buyer_id": unpaid["buyer_id"]},
          "Unknown order")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = _episode()
    before = ep.state_hash()
    auction = _open_auction(ep, with_bids=False)
    base = {"listing_id": auction["listing_id"], "bidder_id": "USR-0001", "amount": 10.0}
    for args in ({**base, "amount": "10"}, {**base, "amount": -1}, {**base, "amount": float("nan")},
                 {**base, "listing_id": "L" * 500}, {**base, "extra": True}, {"listing_id": auction["listing_id"]}):
        assert ep.call("place_auction_bid", args).status == "invalid_arguments", args
    assert ep.call("search_marketplace_listings", {"query": "x" * 1000}).status == "invalid_arguments"
    assert ep.call("search_marketplace_listings", {"limit": 0}).status == "invalid_arguments"
    assert ep.call("create_seller_listing", {"seller_id": "USR-0001", "title": "Camera", "category": "cars",
                                             "condition": "new", "format": "fixed_price", "price": 5.0}
                   ).status == "invalid_arguments"
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """A buyer finds a listing, haggles, pays and rates the seller; the seller lists an item that gets a bid."""
    found = ok(ep, "search_marketplace_listings", {"format": "fixed_price", "min_price": 60, "limit": 100})
    listing = next(l for l in found["listings"] if l["accepts_offers"])
    details = ok(ep, "get_marketplace_listing", {"listing_id": listing["listing_id"]})
    buyer_id = next(u["user_id"] for u in ok(ep, "find_marketplace_users", {"limit": 100})["users"]
                    if u["user_id"] != details["seller_id"] and not u["is_seller"])
    offer = ok(ep, "make_listing_offer", {"listing_id": listing["listing_id"], "buyer_id": buyer_id,
                                          "amount": round(details["price"] * 0.6, 2)})
    ok(ep, "respond_to_listing_offer", {"offer_id": offer["offer_id"], "user_id": details["seller_id"],
                                        "action": "counter", "counter_amount": round(details["price"] * 0.8, 2)})
    order = ok(ep, "respond_to_listing_offer", {"offer_id": offer["offer_id"], "user_id": buyer_id,
                                                "action": "accept"})["order"]
    ok(ep, "pay_marketplace_order", {"order_id": order["order_id"], "buyer_id": buyer_id})
    feedback = ok(ep, "leave_seller_feedback", {"order_id": order["order_id"], "buyer_id": buyer_id,
                                                "rating": "positive", "comment": "Fair haggle, quick post."})
    new = ok(ep, "create_seller_listing", {"seller_id": details["seller_id"], "title": "Hohner Special 20 Harmonica",
                                           "category": "musical_instruments", "condition": "new",
                                           "format": "auction", "price": 19.0, "duration_days": 5})
    bid = ok(ep, "place_auction_bid", {"listing_id": new["listing_id"], "bidder_id": buyer_id, "amount": 19.0})
    return {
        "listing_id": listing["listing_id"],
        "seller_id": details["seller_id"],
        "buyer_id": buyer_id,
        "offer_id": offer["offer_id"],
        "order_id": order["order_id"],
        "feedback_id": feedback["feedback"]["feedback_id"],
        "auction_id": new["listing_id"],
        "bid_id": bid["bid"]["bid_id"],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = _episode(), _episode()
    start = first.state_hash()
    ids = _scenario(first)
    assert first.state_hash() != start
    assert (_scenario(replay), replay.state_hash()) == (ids, first.state_hash())

    orders = ok(first, "list_marketplace_orders", {"user_id": ids["buyer_id"], "role": "buyer"})["orders"]
    order = next(o for o in orders if o["order_id"] == ids["order_id"])
    listing = ok(first, "get_marketplace_listing", {"listing_id": ids["listing_id"]})
    assert order["payment_status"] == "paid" and order["feedback_id"] == ids["feedback_id"]
    assert order["unit_price"] == round(listing["price"] * 0.8, 2) and order["source"] == "offer"
    offers = ok(first, "list_listing_offers", {"user_id": ids["buyer_id"], "listing_id": ids["listing_id"]})["offers"]
    assert offers[0]["status"] == "accepted" and offers[0]["order_id"] == ids["order_id"]
    profile = ok(first, "get_seller_profile", {"user_id": ids["seller_id"]})
    assert profile["recent_feedback"][0]["feedback_id"] == ids["feedback_id"]
    assert ids["auction_id"] in profile["active_listing_ids"]
    bids = ok(first, "list_auction_bids", {"listing_id": ids["auction_id"]})
    assert [b["bid_id"] for b in bids["bids"]] == [ids["bid_id"]] and bids["high_bidder_id"] == ids["buyer_id"]
    assert bids["min_next_bid"] == 19.5


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=5), Episode.open([SERVER], seed=5)
    query = {"status": "any", "limit": 200}
    assert a.call("search_marketplace_listings", query).content == b.call("search_marketplace_listings", query).content


def test_default_world_is_large_and_varied():
    world = _world(_episode())
    assert len(world["users"]) == 40 and len(world["listings"]) == 120
    assert len(world["bids"]) >= 100 and 40 <= len(world["orders"]) <= 70 and len(world["offers"]) >= 25
    assert {(l["format"], l["status"]) for l in world["listings"].values()} == {
        ("fixed_price", "active"), ("fixed_price", "sold"), ("fixed_price", "ended"), ("fixed_price", "withdrawn"),
        ("auction", "active"), ("auction", "sold"), ("auction", "ended"),
    }
    assert {o["status"] for o in world["offers"].values()} == {"pending", "accepted", "declined", "countered"}
    assert {o["source"] for o in world["orders"].values()} == {"buy_it_now", "auction", "offer"}
    assert {o["payment_status"] for o in world["orders"].values()} == {"paid", "unpaid"}
    assert {(u["is_seller"], u["verified"]) for u in world["users"].values()} == {
        (True, True), (True, False), (False, True), (False, False)
    }
    now = datetime.fromisoformat(world["now"])
    for listing in world["listings"].values():
        if listing["format"] == "auction" and listing["status"] == "active":
            assert datetime.fromisoformat(listing["ends_at"]) > now
        if not world["users"][listing["seller_id"]]["verified"]:
            assert max(listing["price"], listing["reserve_price"] or 0) < 500
