"""Behaviour of the food delivery server, through the public Episode API.

Test data is discovered in the seed-0 world through the tools (or `Episode.snapshot()` for what no tool lists in
bulk, such as the couriers) rather than hard-coded.
"""

import math
from datetime import datetime, timedelta
from typing import Any

from mcp_servers import Episode
from mcp_servers.food_delivery.world import FoodDeliveryWorld
from tests.helpers import fails, ok, open_server, world_of

SERVER = "food_delivery"


def _now(ep: Episode) -> datetime:
    return datetime.fromisoformat(ok(ep, "search_restaurants", {"limit": 1})["now"])


def _profile(ep: Episode) -> dict[str, Any]:
    return ok(ep, "get_food_delivery_profile")


def _home(ep: Episode) -> str:
    return next(a["address_id"] for a in _profile(ep)["addresses"] if a["label"] == "Home")


def _card(ep: Episode, expired: bool = False) -> str:
    return next(p["payment_method_id"] for p in _profile(ep)["payment_methods"] if p["expired"] == expired)


def _open_restaurant(ep: Episode, address_id: str) -> dict[str, Any]:
    """The quickest restaurant taking orders now that delivers to `address_id` (not busy, for exact timings)."""
    found = ok(ep, "search_restaurants", {"address_id": address_id, "open_now": True, "sort_by": "delivery_time"})
    return next(r for r in found["restaurants"] if r["status"] == "open")


def _menu(ep: Episode, restaurant_id: str) -> list[dict[str, Any]]:
    return ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant_id, "available_only": True})["items"]


def _fill_basket(ep: Episode, restaurant_id: str, at_least: float) -> dict[str, Any]:
    """Empty the basket, then add available items of `restaurant_id` until the subtotal reaches `at_least`."""
    ok(ep, "clear_food_basket")
    items = sorted(_menu(ep, restaurant_id), key=lambda item: -item["price"])
    basket = ok(ep, "view_food_basket")
    index = 0
    while basket["subtotal"] < at_least:
        basket = ok(ep, "add_food_to_basket", {"item_id": items[index % len(items)]["item_id"]})
        index += 1
    return basket


def _orders(ep: Episode, status: str = "any") -> list[dict[str, Any]]:
    return ok(ep, "list_food_orders", {"status": status, "limit": 1000})["orders"]


def _order_in(ep: Episode, status: str) -> dict[str, Any]:
    return next(o for o in _orders(ep) if o["status"] == status)


# ----- discovery -----


def test_search_restaurants_filters_by_cuisine_address_opening_and_dish():
    ep = open_server(SERVER)
    home = _home(ep)
    found = ok(ep, "search_restaurants", {"address_id": home, "open_now": True, "limit": 50})
    assert found["restaurants"] and found["total_matched"] == len(found["restaurants"])
    for restaurant in found["restaurants"]:
        assert restaurant["open_now"] and restaurant["delivers_to_address"]
        assert restaurant["estimated_delivery_minutes"] > restaurant["prep_minutes"]
    ratings = [r["rating"] for r in found["restaurants"]]
    assert ratings == sorted(ratings, reverse=True)

    thai = ok(ep, "search_restaurants", {"cuisine": "thai", "limit": 50})["restaurants"]
    assert len(thai) == 4 and {r["cuisine"] for r in thai} == {"thai"}
    by_dish = ok(ep, "search_restaurants", {"query": "pad see ew", "limit": 50})["restaurants"]
    assert by_dish and {r["cuisine"] for r in by_dish} == {"thai"}
    cheap = ok(ep, "search_restaurants", {"max_delivery_fee": 1.0, "min_rating": 4.0, "sort_by": "delivery_fee"})
    assert all(r["delivery_fee"] <= 1.0 and r["rating"] >= 4.0 for r in cheap["restaurants"])
    named = ok(ep, "search_restaurants", {"district": "Airport Park", "sort_by": "name"})["restaurants"]
    assert [r["district"] for r in named] == ["Airport Park"]
    fails(ep, "search_restaurants", {"address_id": "ADR-999"}, "Unknown address", "get_food_delivery_profile")


def test_get_restaurant_shows_hours_zone_and_delivery_to_each_address():
    ep = open_server(SERVER)
    basket = ok(ep, "view_food_basket")
    restaurant = ok(ep, "get_restaurant", {"restaurant_id": basket["restaurant_id"]})
    assert len(restaurant["hours"]) == 7 and restaurant["open_now"] is False
    assert datetime.fromisoformat(restaurant["next_opening"]) > _now(ep)
    assert restaurant["sections"] and restaurant["delivery_districts"]
    estimates = {e["label"]: e for e in restaurant["delivery_to_my_addresses"]}
    assert estimates["Home"]["delivers"] and estimates["Home"]["estimated_minutes"] > restaurant["prep_minutes"]
    for estimate in estimates.values():
        assert estimate["delivers"] == (estimate["district"] in restaurant["delivery_districts"])
    fails(ep, "get_restaurant", {"restaurant_id": "RST-9999"}, "Unknown restaurant", "search_restaurants")


def test_get_restaurant_menu_lists_items_with_options_and_filters_them():
    ep = open_server(SERVER)
    restaurant_id = ok(ep, "search_restaurants", {"cuisine": "pizza"})["restaurants"][0]["restaurant_id"]
    menu = ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant_id})
    assert 12 <= len(menu["items"]) <= 16 and "Pizzas" in menu["sections"]
    assert any(item["options"] for item in menu["items"])
    drinks = ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant_id, "section": "drinks"})["items"]
    assert drinks and {item["section"] for item in drinks} == {"Drinks"}
    no_gluten = ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant_id, "exclude_allergens": ["gluten"]})
    assert all("gluten" not in item["allergens"] for item in no_gluten["items"])
    vegan = ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant_id, "diet": "vegan"})["items"]
    assert vegan and {item["diet"] for item in vegan} == {"vegan"}
    vegetarian = ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant_id, "diet": "vegetarian"})["items"]
    assert {item["diet"] for item in vegetarian} <= {"vegetarian", "vegan"} and len(vegetarian) > len(vegan)
    fails(ep, "get_restaurant_menu", {"restaurant_id": "nope"}, "Unknown restaurant")


def test_get_food_delivery_profile_lists_addresses_and_marks_expired_payment_methods():
    profile = _profile(open_server(SERVER))
    assert profile["customer"]["name"] and "@" in profile["customer"]["email"]
    assert {"Home", "Work", "Parents"} <= {a["label"] for a in profile["addresses"]}
    expired = [p for p in profile["payment_methods"] if p["expired"]]
    assert len(expired) == 1 and expired[0]["kind"] == "card"
    assert any(p["is_default"] and not p["expired"] for p in profile["payment_methods"])


def test_view_food_basket_shows_the_left_over_basket_and_why_it_cannot_be_ordered_yet():
    basket = ok(open_server(SERVER), "view_food_basket")
    assert basket["lines"] and basket["restaurant_name"]
    assert basket["subtotal"] == round(sum(line["line_total"] for line in basket["lines"]), 2)
    total = basket["subtotal"] + basket["delivery_fee"] + basket["service_fee"] - basket["discount"]
    assert basket["estimated_total"] == round(total, 2)
    assert any("closed now" in problem for problem in basket["problems"])


def test_list_food_promotions_tells_which_codes_can_be_used_today():
    ep = open_server(SERVER)
    promotions = {p["code"]: p for p in ok(ep, "list_food_promotions")["promotions"]}
    assert promotions["WELCOME10"]["state"] == "used"
    assert promotions["LUNCH15"]["state"] == "expired"
    assert promotions["SPRING20"]["state"] == "upcoming"
    assert promotions["FREEDEL"]["state"] == "active"
    active = ok(ep, "list_food_promotions", {"state": "active"})["promotions"]
    assert {p["state"] for p in active} == {"active"} and len(active) >= 3


def test_list_food_orders_lists_newest_first_with_filters():
    ep = open_server(SERVER)
    orders = _orders(ep)
    assert len(orders) == 60
    placed = [o["placed_at"] for o in orders]
    assert placed == sorted(placed, reverse=True)
    in_progress = _orders(ep, "in_progress")
    assert {o["status"] for o in in_progress} == {"accepted", "preparing", "picked_up"}
    assert {o["status"] for o in _orders(ep, "cancelled")} == {"cancelled"}
    restaurant_id = orders[-1]["restaurant_id"]
    mine = ok(ep, "list_food_orders", {"restaurant_id": restaurant_id, "limit": 2})
    assert all(o["restaurant_id"] == restaurant_id for o in mine["orders"]) and mine["total_matched"] >= 1
    fails(ep, "list_food_orders", {"restaurant_id": "RST-0000"}, "Unknown restaurant")


def test_get_food_order_shows_the_receipt():
    ep = open_server(SERVER)
    summary = _order_in(ep, "delivered")
    order = ok(ep, "get_food_order", {"order_id": summary["order_id"]})
    assert order["lines"] and order["restaurant_name"] == summary["restaurant_name"]
    subtotal = round(sum(line["unit_price"] * line["quantity"] for line in order["lines"]), 2)
    assert order["subtotal"] == subtotal
    total = order["subtotal"] + order["delivery_fee"] + order["service_fee"] - order["discount"] + order["tip"]
    assert order["total"] == round(total, 2)
    assert order["address_label"] and order["payment_label"] and order["courier_name"]
    fails(ep, "get_food_order", {"order_id": "ORD-9999"}, "Unknown order", "list_food_orders")


def test_track_food_order_shows_steps_courier_position_and_minutes_left():
    ep = open_server(SERVER)
    on_the_way = ok(ep, "track_food_order", {"order_id": _order_in(ep, "picked_up")["order_id"]})
    assert [s["status"] for s in on_the_way["steps"]] == ["placed", "accepted", "preparing", "picked_up", "delivered"]
    assert [s["reached"] for s in on_the_way["steps"]] == [True, True, True, True, False]
    assert on_the_way["minutes_to_delivery"] > 0 and on_the_way["courier"]["km_to_you"] is not None
    assert "on the way" in on_the_way["summary"]
    cancelled = ok(ep, "track_food_order", {"order_id": _order_in(ep, "cancelled")["order_id"]})
    assert cancelled["steps"][-1]["status"] == "cancelled" and cancelled["eta"] is None
    assert cancelled["minutes_to_delivery"] is None
    fails(ep, "track_food_order", {"order_id": "ORD-9999"}, "Unknown order")


# ----- basket -----


def test_add_food_to_basket_adds_lines_with_options_and_merges_repeats():
    ep = open_server(SERVER)
    ok(ep, "clear_food_basket")
    restaurant = _open_restaurant(ep, _home(ep))
    item = next(i for i in _menu(ep, restaurant["restaurant_id"]) if i["options"])
    option = item["options"][0]
    args = {"item_id": item["item_id"], "quantity": 2, "options": [option["code"]], "note": "extra napkins"}
    basket = ok(ep, "add_food_to_basket", args)
    line = basket["lines"][0]
    assert basket["restaurant_id"] == restaurant["restaurant_id"]
    assert line["unit_price"] == round(item["price"] + option["price"], 2) and line["quantity"] == 2
    basket = ok(ep, "add_food_to_basket", {**args, "quantity": 1})
    assert len(basket["lines"]) == 1 and basket["lines"][0]["quantity"] == 3
    basket = ok(ep, "add_food_to_basket", {"item_id": item["item_id"]})
    assert len(basket["lines"]) == 2
    assert ok(ep, "view_food_basket")["lines"] == basket["lines"]


def test_add_food_to_basket_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    basket = ok(ep, "view_food_basket")
    other = next(i for i in world["menu_items"].values() if i["restaurant_id"] != basket["restaurant_id"])
    fails(ep, "add_food_to_basket", {"item_id": other["item_id"]}, "one restaurant", basket["restaurant_id"],
          "clear_food_basket")
    ok(ep, "clear_food_basket")
    sold_out = next(i for i in world["menu_items"].values() if not i["available"])
    fails(ep, "add_food_to_basket", {"item_id": sold_out["item_id"]}, "sold out")
    fails(ep, "add_food_to_basket", {"item_id": "ITM-9999"}, "Unknown menu item", "get_restaurant_menu")
    plain = next(i for i in world["menu_items"].values() if i["available"] and "add_bacon" not in i["options"])
    fails(ep, "add_food_to_basket", {"item_id": plain["item_id"], "options": ["add_bacon"]}, "not offered")
    fails(ep, "add_food_to_basket", {"item_id": plain["item_id"], "options": ["truffle"]}, "Unknown option code")
    spicy = next(
        i for i in world["menu_items"].values()
        if i["available"] and {"spice_mild", "spice_hot"} <= set(i["options"])
    )
    fails(ep, "add_food_to_basket", {"item_id": spicy["item_id"], "options": ["spice_mild", "spice_hot"]},
          "at most one", "spice")
    fails(ep, "add_food_to_basket", {"item_id": spicy["item_id"], "options": ["spice_hot", "spice_hot"]},
          "listed twice")
    ok(ep, "add_food_to_basket", {"item_id": plain["item_id"], "quantity": 15})
    fails(ep, "add_food_to_basket", {"item_id": plain["item_id"], "quantity": 6}, "at most 20")
    for number in range(29):
        ok(ep, "add_food_to_basket", {"item_id": plain["item_id"], "note": f"bag {number}"})
    fails(ep, "add_food_to_basket", {"item_id": plain["item_id"], "note": "one more"}, "30 lines")


def test_update_food_basket_line_changes_quantities_and_removes_lines():
    ep = open_server(SERVER)
    basket = ok(ep, "view_food_basket")
    first = basket["lines"][0]
    changed = ok(ep, "update_food_basket_line", {"line_id": first["line_id"], "quantity": 4})
    assert changed["lines"][0]["quantity"] == 4 and changed["subtotal"] > basket["subtotal"]
    for line in basket["lines"]:
        emptied = ok(ep, "update_food_basket_line", {"line_id": line["line_id"], "quantity": 0})
    assert emptied["lines"] == [] and emptied["restaurant_id"] is None
    fails(ep, "update_food_basket_line", {"line_id": first["line_id"], "quantity": 1}, "Unknown basket line")


def test_clear_food_basket_empties_it_so_another_restaurant_can_be_ordered_from():
    ep = open_server(SERVER)
    cleared = ok(ep, "clear_food_basket")
    assert cleared["lines"] == [] and cleared["restaurant_id"] is None and cleared["estimated_total"] == 0
    assert ok(ep, "view_food_basket") == cleared
    item = _menu(ep, _open_restaurant(ep, _home(ep))["restaurant_id"])[0]
    assert ok(ep, "add_food_to_basket", {"item_id": item["item_id"]})["lines"][0]["item_id"] == item["item_id"]


def test_apply_food_promo_discounts_the_basket():
    ep = open_server(SERVER)
    restaurant = _open_restaurant(ep, _home(ep))
    basket = _fill_basket(ep, restaurant["restaurant_id"], 30)
    free = ok(ep, "apply_food_promo", {"code": "freedel"})
    assert free["promo_code"] == "FREEDEL" and free["discount"] == free["delivery_fee"]
    fixed = ok(ep, "apply_food_promo", {"code": "SAVE5"})
    assert fixed["promo_code"] == "SAVE5" and fixed["discount"] == 5.0
    assert fixed["estimated_total"] == round(basket["estimated_total"] - 5.0, 2)


def test_apply_food_promo_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    promotions = {p["code"]: p for p in ok(ep, "list_food_promotions")["promotions"]}
    ok(ep, "clear_food_basket")
    fails(ep, "apply_food_promo", {"code": "FREEDEL"}, "basket is empty")
    restaurant = _open_restaurant(ep, _home(ep))
    _fill_basket(ep, restaurant["restaurant_id"], 15)
    fails(ep, "apply_food_promo", {"code": "NOPE"}, "Unknown promo code", "list_food_promotions")
    fails(ep, "apply_food_promo", {"code": "LUNCH15"}, "expired")
    fails(ep, "apply_food_promo", {"code": "SPRING20"}, "not valid before")
    fails(ep, "apply_food_promo", {"code": "WELCOME10"}, "already used")
    fails(ep, "apply_food_promo", {"code": "SAVE5"}, "at least 30.00")
    elsewhere = next(p for p in promotions.values() if p["restaurant_id"] not in (None, restaurant["restaurant_id"]))
    fails(ep, "apply_food_promo", {"code": elsewhere["code"]}, "only valid at", elsewhere["restaurant_id"])


# ----- ordering -----


def test_place_food_order_creates_an_order_to_track_and_empties_the_basket():
    ep = open_server(SERVER)
    home, card = _home(ep), _card(ep)
    restaurant = _open_restaurant(ep, home)
    basket = _fill_basket(ep, restaurant["restaurant_id"], restaurant["min_order"])
    order = ok(ep, "place_food_order", {"address_id": home, "payment_method_id": card, "tip": 3.0})
    assert order["status"] == "placed" and order["restaurant_id"] == restaurant["restaurant_id"]
    assert order["subtotal"] == basket["subtotal"] and order["tip"] == 3.0
    assert order["total"] == round(basket["estimated_total"] + 3.0, 2)
    eta_minutes = (datetime.fromisoformat(order["eta"]) - _now(ep)).total_seconds() / 60
    assert eta_minutes == restaurant["estimated_delivery_minutes"]
    assert ok(ep, "view_food_basket")["lines"] == []
    assert _orders(ep)[0]["order_id"] == order["order_id"]
    tracked = ok(ep, "track_food_order", {"order_id": order["order_id"]})
    assert tracked["status"] == "placed" and tracked["courier"]["courier_id"] == order["courier_id"]
    assert world_of(ep)["couriers"][order["courier_id"]]["status"] == "delivering"


def test_place_food_order_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    home, card = _home(ep), _card(ep)
    place = {"address_id": home, "payment_method_id": card}
    fails(ep, "place_food_order", place, "closed now", "opens today")

    paused = next(r for r in world["restaurants"].values() if r["status"] == "closed")
    _fill_basket(ep, paused["restaurant_id"], 1)
    fails(ep, "place_food_order", place, "temporarily not taking orders")

    ok(ep, "clear_food_basket")
    fails(ep, "place_food_order", place, "basket is empty")

    restaurant = _open_restaurant(ep, home)
    cheapest = min(_menu(ep, restaurant["restaurant_id"]), key=lambda item: item["price"])
    ok(ep, "add_food_to_basket", {"item_id": cheapest["item_id"]})
    fails(ep, "place_food_order", place, "below", "minimum order")

    _fill_basket(ep, restaurant["restaurant_id"], restaurant["min_order"])
    outside = next(
        e for e in ok(ep, "get_restaurant", {"restaurant_id": restaurant["restaurant_id"]})["delivery_to_my_addresses"]
        if not e["delivers"]
    )
    fails(ep, "place_food_order", {**place, "address_id": outside["address_id"]}, "does not deliver",
          outside["district"])
    fails(ep, "place_food_order", {**place, "address_id": "ADR-999"}, "Unknown address")
    fails(ep, "place_food_order", {**place, "payment_method_id": "PM-999"}, "Unknown payment method")
    fails(ep, "place_food_order", {**place, "payment_method_id": _card(ep, expired=True)}, "expired")


def test_place_food_order_refuses_a_promo_the_basket_no_longer_qualifies_for():
    ep = open_server(SERVER)
    home = _home(ep)
    restaurant = _open_restaurant(ep, home)
    item = next(
        i for i in _menu(ep, restaurant["restaurant_id"])
        if i["price"] * math.ceil(restaurant["min_order"] / i["price"]) < 30
    )
    ok(ep, "clear_food_basket")
    basket = ok(ep, "add_food_to_basket", {"item_id": item["item_id"], "quantity": math.ceil(30 / item["price"])})
    ok(ep, "apply_food_promo", {"code": "SAVE5"})
    smaller = math.ceil(restaurant["min_order"] / item["price"])
    basket = ok(ep, "update_food_basket_line", {"line_id": basket["lines"][0]["line_id"], "quantity": smaller})
    assert basket["discount"] == 0 and any("SAVE5" in problem for problem in basket["problems"])
    fails(ep, "place_food_order", {"address_id": home, "payment_method_id": _card(ep)}, "SAVE5", "30.00")


def test_place_food_order_needs_a_free_courier():
    ep = open_server(SERVER)
    home, card = _home(ep), _card(ep)
    restaurant = _open_restaurant(ep, home)
    free = sum(c["status"] == "available" for c in world_of(ep)["couriers"].values())
    for _ in range(free):
        _fill_basket(ep, restaurant["restaurant_id"], restaurant["min_order"])
        ok(ep, "place_food_order", {"address_id": home, "payment_method_id": card})
    _fill_basket(ep, restaurant["restaurant_id"], restaurant["min_order"])
    fails(ep, "place_food_order", {"address_id": home, "payment_method_id": card}, "No courier is free")


def test_cancel_food_order_refunds_in_full_before_preparation_and_partly_during_it():
    ep = open_server(SERVER)
    accepted = ok(ep, "get_food_order", {"order_id": _order_in(ep, "accepted")["order_id"]})
    receipt = ok(ep, "cancel_food_order", {"order_id": accepted["order_id"]})
    assert receipt["status"] == "cancelled" and receipt["refund_amount"] == accepted["total"]
    assert receipt["kept_by_restaurant"] == 0
    assert world_of(ep)["couriers"][accepted["courier_id"]]["status"] == "available"

    preparing = ok(ep, "get_food_order", {"order_id": _order_in(ep, "preparing")["order_id"]})
    receipt = ok(ep, "cancel_food_order", {"order_id": preparing["order_id"]})
    kept = min(preparing["total"], round(preparing["subtotal"] / 2, 2))
    assert receipt["kept_by_restaurant"] == kept
    assert receipt["refund_amount"] == round(preparing["total"] - kept, 2)
    after = ok(ep, "get_food_order", {"order_id": preparing["order_id"]})
    assert after["status"] == "cancelled" and after["refunded"] == receipt["refund_amount"]
    assert after["cancelled_at"] == world_of(ep)["now"]


def test_cancel_food_order_gives_back_a_single_use_promo():
    ep = open_server(SERVER)
    home = _home(ep)
    _fill_basket(ep, _open_restaurant(ep, home)["restaurant_id"], 35)
    assert ok(ep, "apply_food_promo", {"code": "TREAT8"})["discount"] == 8.0
    order = ok(ep, "place_food_order", {"address_id": home, "payment_method_id": _card(ep)})
    assert order["promo_code"] == "TREAT8" and order["discount"] == 8.0
    assert ok(ep, "list_food_promotions", {"state": "used"})["promotions"][-1]["code"] == "TREAT8"
    ok(ep, "cancel_food_order", {"order_id": order["order_id"]})
    active = ok(ep, "list_food_promotions", {"state": "active"})["promotions"]
    assert "TREAT8" in [p["code"] for p in active]


def test_cancel_food_order_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    fails(ep, "cancel_food_order", {"order_id": _order_in(ep, "picked_up")["order_id"]}, "picked up",
          "can no longer be cancelled")
    fails(ep, "cancel_food_order", {"order_id": _order_in(ep, "delivered")["order_id"]}, "already delivered",
          "request_food_refund")
    fails(ep, "cancel_food_order", {"order_id": _order_in(ep, "refunded")["order_id"]}, "already delivered")
    fails(ep, "cancel_food_order", {"order_id": _order_in(ep, "cancelled")["order_id"]}, "already cancelled")
    fails(ep, "cancel_food_order", {"order_id": "ORD-9999"}, "Unknown order")


def _recent_delivered(ep: Episode) -> dict[str, Any]:
    now = _now(ep)
    return next(
        ok(ep, "get_food_order", {"order_id": o["order_id"]})
        for o in _orders(ep, "delivered")
        if now - datetime.fromisoformat(o["eta"]) < timedelta(hours=48)
    )


def test_request_food_refund_refunds_the_missing_items_of_a_recent_delivery():
    ep = open_server(SERVER)
    order = _recent_delivered(ep)
    line = order["lines"][0]
    receipt = ok(ep, "request_food_refund", {"order_id": order["order_id"], "item_ids": [line["item_id"]] * 2,
                                             "reason": "missing"})
    expected = round(sum(l["unit_price"] * l["quantity"] for l in order["lines"] if l["item_id"] == line["item_id"]), 2)
    assert receipt["refund_amount"] == expected and receipt["refunded_item_ids"] == [line["item_id"]]
    after = ok(ep, "get_food_order", {"order_id": order["order_id"]})
    assert after["status"] == "refunded" and after["refunded"] == expected


def test_request_food_refund_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    now = _now(ep)

    def refund(order_id: str, *fragments: str, item_ids: list[str] | None = None) -> None:
        items = item_ids or [ok(ep, "get_food_order", {"order_id": order_id})["lines"][0]["item_id"]]
        fails(ep, "request_food_refund", {"order_id": order_id, "item_ids": items, "reason": "damaged"}, *fragments)

    refund(_order_in(ep, "refunded")["order_id"], "already received a refund")
    refund(_order_in(ep, "cancelled")["order_id"], "was cancelled")
    refund(_order_in(ep, "picked_up")["order_id"], "not delivered yet", "track_food_order")
    old = next(o for o in _orders(ep, "delivered") if now - datetime.fromisoformat(o["eta"]) > timedelta(days=3))
    refund(old["order_id"], "within 48 hours")
    recent = _recent_delivered(ep)
    refund(recent["order_id"], "Not in order", "ITM-9999", item_ids=["ITM-9999"])
    fails(ep, "request_food_refund", {"order_id": "ORD-9999", "item_ids": ["ITM-0001"], "reason": "missing"},
          "Unknown order")


def test_rate_food_order_records_the_rating_and_updates_the_averages():
    ep = open_server(SERVER)
    order = _recent_delivered(ep)
    restaurant = ok(ep, "get_restaurant", {"restaurant_id": order["restaurant_id"]})
    receipt = ok(ep, "rate_food_order", {"order_id": order["order_id"], "restaurant_stars": 1, "courier_stars": 5,
                                         "comment": "Cold fries"})
    assert receipt["rating"] == {"restaurant_stars": 1, "courier_stars": 5, "comment": "Cold fries"}
    assert receipt["restaurant_rating_count"] == restaurant["rating_count"] + 1
    expected = round((restaurant["rating"] * restaurant["rating_count"] + 1) / (restaurant["rating_count"] + 1), 2)
    assert receipt["restaurant_rating"] == expected
    assert ok(ep, "get_restaurant", {"restaurant_id": order["restaurant_id"]})["rating"] == expected
    assert ok(ep, "get_food_order", {"order_id": order["order_id"]})["rating"]["restaurant_stars"] == 1
    assert next(o for o in _orders(ep) if o["order_id"] == order["order_id"])["rated"]


def test_rate_food_order_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    now = _now(ep)
    fails(ep, "rate_food_order", {"order_id": _order_in(ep, "preparing")["order_id"], "restaurant_stars": 5},
          "not delivered")
    fails(ep, "rate_food_order", {"order_id": _order_in(ep, "cancelled")["order_id"], "restaurant_stars": 5},
          "cancelled, not delivered")
    rated = next(o for o in _orders(ep) if o["rated"])
    fails(ep, "rate_food_order", {"order_id": rated["order_id"], "restaurant_stars": 5}, "already rated")
    old = next(
        o for o in _orders(ep, "delivered")
        if not o["rated"] and now - datetime.fromisoformat(o["eta"]) > timedelta(days=15)
    )
    fails(ep, "rate_food_order", {"order_id": old["order_id"], "restaurant_stars": 5}, "within 14 days")
    fails(ep, "rate_food_order", {"order_id": "ORD-9999", "restaurant_stars": 5}, "Unknown order")


# ----- account and clock -----


def test_add_food_delivery_address_saves_an_address_restaurants_can_deliver_to():
    ep = open_server(SERVER)
    address = ok(ep, "add_food_delivery_address", {"label": " Office ", "street": "12 Market Street",
                                                   "district": "Old Town", "instructions": "3rd floor"})
    assert address["label"] == "Office" and address["district"] == "Old Town"
    assert address in _profile(ep)["addresses"]
    found = ok(ep, "search_restaurants", {"address_id": address["address_id"], "limit": 50})["restaurants"]
    assert found and all(r["delivers_to_address"] for r in found)


def test_add_food_delivery_address_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    base = {"street": "5 Pine Street", "district": "Midtown"}
    fails(ep, "add_food_delivery_address", {**base, "label": "HOME"}, "already have an address labelled")
    fails(ep, "add_food_delivery_address", {**base, "label": "   "}, "non-blank label")
    for number in range(8 - len(_profile(ep)["addresses"])):
        ok(ep, "add_food_delivery_address", {**base, "label": f"Friend {number}"})
    fails(ep, "add_food_delivery_address", {**base, "label": "One more"}, "8 saved addresses")


def test_wait_for_food_order_moves_orders_along_and_opens_restaurants():
    ep = open_server(SERVER)
    before = _now(ep)
    basket = ok(ep, "view_food_basket")
    restaurant = ok(ep, "get_restaurant", {"restaurant_id": basket["restaurant_id"]})
    waited = ok(ep, "wait_for_food_order", {"minutes": 5})
    assert datetime.fromisoformat(waited["now"]) == before + timedelta(minutes=5)
    assert {u["status_before"] for u in waited["order_updates"]} == {"accepted", "preparing", "picked_up"}
    minutes = math.ceil((datetime.fromisoformat(restaurant["next_opening"]) - before).total_seconds() / 60)
    waited = ok(ep, "wait_for_food_order", {"minutes": minutes})
    assert {u["status"] for u in waited["order_updates"]} == {"delivered"}
    assert _orders(ep, "in_progress") == []
    assert ok(ep, "get_restaurant", {"restaurant_id": basket["restaurant_id"]})["open_now"]
    couriers = world_of(ep)["couriers"].values()
    assert not any(c["status"] == "delivering" for c in couriers)


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    item_id = ok(ep, "view_food_basket")["lines"][0]["item_id"]
    bad = [
        {"item_id": item_id, "quantity": 0},
        {"item_id": item_id, "quantity": 21},
        {"item_id": item_id, "quantity": "2"},
        {"item_id": item_id, "options": "spice_hot"},
        {"item_id": item_id, "options": ["a"] * 7},
        {"item_id": item_id, "note": "x" * 201},
        {"item_id": item_id, "extra": True},
        {"item_id": "I" * 1000},
    ]
    for args in bad:
        assert ep.call("add_food_to_basket", args).status == "invalid_arguments", args
    assert ep.call("place_food_order", {"address_id": "ADR-001", "payment_method_id": "PM-001",
                                        "tip": -1}).status == "invalid_arguments"
    assert ep.call("rate_food_order", {"order_id": "ORD-0001", "restaurant_stars": 6}).status == "invalid_arguments"
    assert ep.call("wait_for_food_order", {"minutes": 100_000}).status == "invalid_arguments"
    assert ep.call("search_restaurants", {"cuisine": "martian"}).status == "invalid_arguments"
    assert ep.call("search_restaurants", {"query": "Zoë ../../etc/passwd .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, Any]:
    """Wait for the left-over basket's restaurant to open, add to it, order home, let it arrive, rate and refund."""
    profile = ok(ep, "get_food_delivery_profile")
    home = next(a["address_id"] for a in profile["addresses"] if a["label"] == "Home")
    card = next(p["payment_method_id"] for p in profile["payment_methods"] if p["is_default"])
    basket = ok(ep, "view_food_basket")
    restaurant = ok(ep, "get_restaurant", {"restaurant_id": basket["restaurant_id"]})
    minutes = math.ceil((datetime.fromisoformat(restaurant["next_opening"]) - datetime.fromisoformat(restaurant["now"]))
                        .total_seconds() / 60)
    ok(ep, "wait_for_food_order", {"minutes": minutes})
    menu = ok(ep, "get_restaurant_menu", {"restaurant_id": restaurant["restaurant_id"], "available_only": True})
    extra = next(item for item in menu["items"] if item["options"])
    basket = ok(ep, "add_food_to_basket", {"item_id": extra["item_id"], "quantity": 2,
                                           "options": [extra["options"][0]["code"]]})
    if basket["subtotal"] >= 20:
        ok(ep, "apply_food_promo", {"code": "FREEDEL"})
    order = ok(ep, "place_food_order", {"address_id": home, "payment_method_id": card, "tip": 2.0})
    ok(ep, "wait_for_food_order", {"minutes": 90})
    ok(ep, "rate_food_order", {"order_id": order["order_id"], "restaurant_stars": 4, "courier_stars": 5})
    refund = ok(ep, "request_food_refund", {"order_id": order["order_id"], "item_ids": [extra["item_id"]],
                                            "reason": "wrong_item"})
    return {
        "order_id": order["order_id"],
        "restaurant_id": restaurant["restaurant_id"],
        "rating_count": restaurant["rating_count"],
        "item_id": extra["item_id"],
        "refund": refund["refund_amount"],
        "lines": len(basket["lines"]),
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    runs = []
    for _ in range(2):
        episode = open_server(SERVER)
        start = episode.state_hash()
        runs.append((episode, start, _scenario(episode), episode.state_hash()))
    (first, start, ids, end), (_, replay_start, replay_ids, replay_end) = runs
    assert end != start and replay_start == start
    assert replay_ids == ids and replay_end == end

    order = ok(first, "get_food_order", {"order_id": ids["order_id"]})
    assert order["status"] == "refunded" and order["refunded"] == ids["refund"] > 0
    assert order["rating"] == {"restaurant_stars": 4, "courier_stars": 5, "comment": ""}
    assert len(order["lines"]) == ids["lines"] >= 2
    assert ids["item_id"] in [line["item_id"] for line in order["lines"]]
    assert _orders(first)[0]["order_id"] == ids["order_id"]
    assert ok(first, "view_food_basket")["lines"] == []
    restaurant = ok(first, "get_restaurant", {"restaurant_id": ids["restaurant_id"]})
    assert restaurant["rating_count"] == ids["rating_count"] + 1


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=5), Episode.open([SERVER], seed=5)
    assert a.call("search_restaurants", {"limit": 40}).content == b.call("search_restaurants", {"limit": 40}).content


def test_default_world_is_large_varied_and_compact():
    world = FoodDeliveryWorld.new_world(0)
    assert len(world.restaurants) == 40
    assert 500 <= len(world.menu_items) <= 640
    assert len(world.orders) == 60
    assert {r.status for r in world.restaurants.values()} == {"open", "busy", "closed"}
    assert any(not item.available for item in world.menu_items.values())
    assert {o.status for o in world.orders.values()} >= {"delivered", "cancelled", "refunded", "picked_up"}
    assert len(world.canonical_json()) < 150_000
