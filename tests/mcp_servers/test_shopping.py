"""Behaviour of the shopping server, through the public Episode API.

Test data is discovered in the seed-0 world (through the tools, or through `Episode.snapshot()` for what only the
store or the shopper knows, such as stock levels of every variant or gift card codes) rather than hard-coded.
"""

from datetime import datetime, timedelta
from typing import Any

from mcp_servers import Episode
from tests.helpers import fails, ok

SERVER = "shopping"


def _episode(seed: int = 0) -> Episode:
    return Episode.open([SERVER], seed=seed)


def _world(ep: Episode) -> dict[str, Any]:
    """The store's raw state, for what no tool shows in bulk (every variant's stock, gift card codes)."""
    return ep.snapshot()[SERVER]


def _now(ep: Episode) -> datetime:
    """The store's clock: fixed per seed, it never moves during these tests."""
    return datetime.fromisoformat(_world(ep)["now"])


def _buyable(ep: Episode, min_stock: int = 1, min_limit: int = 1, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """An active variant with at least `min_stock` units whose product allows `min_limit` per order.

    `exclude` holds variant and product ids to skip.
    """
    world = _world(ep)
    return next(
        v for v in world["variants"].values()
        if v["stock"] >= min_stock and v["variant_id"] not in exclude and v["product_id"] not in exclude
        and world["products"][v["product_id"]]["status"] == "active"
        and world["products"][v["product_id"]]["max_per_order"] >= min_limit
    )


def _ready_shopper(ep: Episode, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A shopper with a default address, a card that has not expired, an empty cart and WELCOME10 unused."""
    world = _world(ep)
    for shopper_id, shopper in world["shoppers"].items():
        if shopper_id in skip or not shopper["addresses"] or world["carts"][shopper_id]["items"]:
            continue
        if shopper_id in world["coupons"]["WELCOME10"]["used_by"]:
            continue
        profile = ok(ep, "get_shop_shopper", {"shopper_id": shopper_id})
        cards = [c for c in profile["payment_cards"] if not c["expired"]]
        if cards:
            return {**profile, "card_id": cards[0]["payment_card_id"]}
    raise AssertionError("no ready shopper")


def _cart(ep: Episode, shopper_id: str) -> dict[str, Any]:
    return ok(ep, "view_shop_cart", {"shopper_id": shopper_id})


def _orders(ep: Episode, status: str) -> list[dict[str, Any]]:
    return [o for o in _world(ep)["orders"].values() if o["status"] == status]


def _returnable(ep: Episode) -> tuple[dict[str, Any], dict[str, Any]]:
    """A delivered order inside its return window and one of its items that is not final sale."""
    world = _world(ep)
    now = _now(ep)
    for order in _orders(ep, "delivered"):
        if now - datetime.fromisoformat(order["delivered_at"]) > timedelta(days=29):
            continue
        for item in order["items"]:
            if not world["products"][item["product_id"]]["final_sale"]:
                return order, item
    raise AssertionError("no returnable order")


# ----- catalog -----


def test_search_shop_products_matches_every_word_and_filters():
    ep = _episode()
    result = ok(ep, "search_shop_products", {"query": "running SHOE", "limit": 50})
    assert result["products"] and result["total_matched"] == len(result["products"])
    for product in result["products"]:
        assert "running shoe" in product["name"].lower() and product["category"] == "footwear"
        assert product["variants"] and all(v["product_id"] == product["product_id"] for v in product["variants"])
    cheap = ok(ep, "search_shop_products", {"category": "kitchen", "max_price": 40, "in_stock_only": True,
                                            "sort": "price_low", "limit": 50})["products"]
    assert cheap and all(p["category"] == "kitchen" and p["in_stock"] and p["price_from"] <= 40 for p in cheap)
    assert [p["price_from"] for p in cheap] == sorted(p["price_from"] for p in cheap)
    everything = ok(ep, "search_shop_products", {"limit": 1000})
    assert all(p["status"] == "active" for p in everything["products"])
    with_old = ok(ep, "search_shop_products", {"limit": 1000, "include_discontinued": True})
    assert with_old["total_matched"] == 120 > everything["total_matched"]
    ratings = [p["rating"] for p in everything["products"]]
    assert ratings == sorted(ratings, reverse=True)
    brand = everything["products"][0]["brand"]
    assert all(p["brand"] == brand for p in ok(ep, "search_shop_products", {"brand": brand.upper()})["products"])
    assert ok(ep, "search_shop_products", {"query": "ünïcödé ../../etc .*("})["total_matched"] == 0


def test_get_shop_product_shows_variants_and_newest_reviews():
    ep = _episode()
    world = _world(ep)
    reviewed = next(iter(world["reviews"].values()))["product_id"]
    product = ok(ep, "get_shop_product", {"product_id": reviewed})
    assert product["product_id"] == reviewed and product["recent_reviews"]
    assert {v["variant_id"] for v in product["variants"]} == {
        v["variant_id"] for v in world["variants"].values() if v["product_id"] == reviewed
    }
    assert product["price_from"] == min(v["price"] for v in product["variants"])
    fails(ep, "get_shop_product", {"product_id": "PRD-9999"}, "Unknown product", "search_shop_products")


def test_list_shop_product_reviews_filters_by_stars_newest_first():
    ep = _episode()
    world = _world(ep)
    product_id = max(
        world["products"], key=lambda p: sum(r["product_id"] == p for r in world["reviews"].values())
    )
    everything = ok(ep, "list_shop_product_reviews", {"product_id": product_id})
    assert everything["total_matched"] == sum(r["product_id"] == product_id for r in world["reviews"].values())
    dates = [r["created_at"] for r in everything["reviews"]]
    assert dates == sorted(dates, reverse=True)
    low = ok(ep, "list_shop_product_reviews", {"product_id": product_id, "max_rating": 2})["reviews"]
    assert all(r["rating"] <= 2 for r in low)
    fails(ep, "list_shop_product_reviews", {"product_id": "nope"}, "Unknown product")


# ----- shoppers, addresses, gift cards -----


def test_find_shop_shoppers_matches_name_email_and_id():
    ep = _episode()
    shopper = next(iter(_world(ep)["shoppers"].values()))
    last_name = shopper["full_name"].split()[-1]
    by_name = ok(ep, "find_shop_shoppers", {"query": last_name.lower()})["shoppers"]
    assert shopper["shopper_id"] in [s["shopper_id"] for s in by_name]
    by_email = ok(ep, "find_shop_shoppers", {"query": shopper["email"]})["shoppers"]
    assert [s["shopper_id"] for s in by_email] == [shopper["shopper_id"]]
    assert ok(ep, "find_shop_shoppers", {"query": shopper["shopper_id"]})["total_matched"] == 1
    assert ok(ep, "find_shop_shoppers", {"query": "zz-nobody"})["shoppers"] == []


def test_get_shop_shopper_shows_cards_with_expiry_points_and_orders():
    ep = _episode()
    world = _world(ep)
    shopper_id = next(s for s, o in world["shoppers"].items() if len(o["payment_cards"]) == 2
                      and any(c["expires"] < f"{_now(ep):%Y-%m}" for c in o["payment_cards"]))
    profile = ok(ep, "get_shop_shopper", {"shopper_id": shopper_id})
    assert sorted(c["expired"] for c in profile["payment_cards"]) == [False, True]
    assert profile["loyalty_points_value"] == round(profile["loyalty_points"] * 0.01, 2)
    assert set(profile["order_ids"]) == {o["order_id"] for o in world["orders"].values()
                                         if o["shopper_id"] == shopper_id}
    assert profile["cart_item_count"] == sum(i["quantity"] for i in world["carts"][shopper_id]["items"])
    fails(ep, "get_shop_shopper", {"shopper_id": "SHP-9999"}, "Unknown shopper", "find_shop_shoppers")


def test_add_shop_address_saves_it_and_the_first_one_becomes_default():
    ep = _episode()
    homeless = next(s for s in _world(ep)["shoppers"].values() if not s["addresses"])
    args = {"shopper_id": homeless["shopper_id"], "recipient": homeless["full_name"], "street": "12 Rye Lane",
            "city": "Reno", "state": "NV", "zip_code": "89501"}
    added = ok(ep, "add_shop_address", args)
    assert added["default_address_id"] == added["address"]["address_id"]
    second = ok(ep, "add_shop_address", {**args, "street": "9 Quay St", "label": "Work"})
    assert second["default_address_id"] == added["address"]["address_id"]
    third = ok(ep, "add_shop_address", {**args, "street": "1 Pier Rd", "label": "Other", "make_default": True})
    profile = ok(ep, "get_shop_shopper", {"shopper_id": homeless["shopper_id"]})
    assert profile["default_address_id"] == third["address"]["address_id"]
    assert [a["street"] for a in profile["addresses"]] == ["12 Rye Lane", "9 Quay St", "1 Pier Rd"]


def test_add_shop_address_failures_leave_the_world_unchanged():
    ep = _episode()
    shopper = next(s for s in _world(ep)["shoppers"].values() if s["addresses"])
    args = {"shopper_id": shopper["shopper_id"], "recipient": "A B", "street": "1 Main St", "city": "Reno",
            "state": "NV", "zip_code": "89501"}
    fails(ep, "add_shop_address", {**args, "state": "ZZ"}, "not a US state")
    fails(ep, "add_shop_address", {**args, "recipient": "   "}, "must not be blank")
    fails(ep, "add_shop_address", {**args, "shopper_id": "SHP-0000"}, "Unknown shopper")
    for _ in range(5 - len(shopper["addresses"])):
        ok(ep, "add_shop_address", args)
    fails(ep, "add_shop_address", args, "maximum of 5")
    assert ep.call("add_shop_address", {**args, "zip_code": "8950"}).status == "invalid_arguments"


def test_redeem_shop_gift_card_adds_its_amount_to_the_balance_once():
    ep = _episode()
    card = next(g for g in _world(ep)["gift_cards"].values() if g["redeemed_by"] is None)
    shopper_id = next(iter(_world(ep)["shoppers"]))
    before = ok(ep, "get_shop_shopper", {"shopper_id": shopper_id})["gift_card_balance"]
    result = ok(ep, "redeem_shop_gift_card", {"shopper_id": shopper_id, "code": card["code"].lower()})
    assert result["amount_added"] == card["amount"]
    assert result["gift_card_balance"] == round(before + card["amount"], 2)
    assert ok(ep, "get_shop_shopper", {"shopper_id": shopper_id})["gift_card_balance"] == result["gift_card_balance"]
    fails(ep, "redeem_shop_gift_card", {"shopper_id": shopper_id, "code": card["code"]}, "already redeemed")


def test_redeem_shop_gift_card_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    shopper_id = next(iter(world["shoppers"]))
    used = next(g for g in world["gift_cards"].values() if g["redeemed_by"] is not None)
    fails(ep, "redeem_shop_gift_card", {"shopper_id": shopper_id, "code": used["code"]}, "already redeemed")
    fails(ep, "redeem_shop_gift_card", {"shopper_id": shopper_id, "code": "GIFT-0000-0000"}, "not valid")
    fresh = next(g for g in world["gift_cards"].values() if g["redeemed_by"] is None)
    fails(ep, "redeem_shop_gift_card", {"shopper_id": "SHP-9999", "code": fresh["code"]}, "Unknown shopper")


# ----- cart -----


def test_view_shop_cart_prices_the_lines_and_the_applied_coupon():
    ep = _episode()
    world = _world(ep)
    shopper_id = next(s for s, c in world["carts"].items() if c["coupon_code"] == "WELCOME10")
    cart = _cart(ep, shopper_id)
    assert cart["coupon_code"] == "WELCOME10" and cart["notes"] == []
    assert cart["subtotal"] == round(sum(line["line_total"] for line in cart["lines"]), 2)
    assert cart["discount"] == round(min(cart["subtotal"] * 0.10, 40), 2)
    assert cart["subtotal_after_discount"] == round(cart["subtotal"] - cart["discount"], 2)
    empty = next(s for s, c in world["carts"].items() if not c["items"])
    assert _cart(ep, empty)["lines"] == [] and _cart(ep, empty)["subtotal"] == 0
    fails(ep, "view_shop_cart", {"shopper_id": "SHP-9999"}, "Unknown shopper")


def test_add_to_shop_cart_adds_and_merges_units():
    ep = _episode()
    shopper = _ready_shopper(ep)
    variant = _buyable(ep, min_stock=3, min_limit=3)
    args = {"shopper_id": shopper["shopper_id"], "variant_id": variant["variant_id"]}
    first = ok(ep, "add_to_shop_cart", args)
    assert [(line["variant_id"], line["quantity"]) for line in first["lines"]] == [(variant["variant_id"], 1)]
    merged = ok(ep, "add_to_shop_cart", {**args, "quantity": 2})
    assert merged["lines"][0]["quantity"] == 3 and merged["item_count"] == 3
    assert merged["subtotal"] == round(variant["price"] * 3, 2)
    assert _cart(ep, shopper["shopper_id"])["item_count"] == 3


def test_add_to_shop_cart_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    shopper_id = _ready_shopper(ep)["shopper_id"]
    products = world["products"]
    variants = list(world["variants"].values())

    def add(variant: dict[str, Any], quantity: int, *fragments: str) -> None:
        args = {"shopper_id": shopper_id, "variant_id": variant["variant_id"], "quantity": quantity}
        fails(ep, "add_to_shop_cart", args, *fragments)

    sold_out = next(v for v in variants if v["stock"] == 0 and products[v["product_id"]]["status"] == "active")
    add(sold_out, 1, "out of stock")
    add(next(v for v in variants if products[v["product_id"]]["status"] == "discontinued"), 1, "discontinued")
    scarce = next(v for v in variants if 1 <= v["stock"] <= 3 and products[v["product_id"]]["status"] == "active"
                  and products[v["product_id"]]["max_per_order"] > v["stock"])
    add(scarce, scarce["stock"] + 1, f"Only {scarce['stock']}")
    limited = next(v for v in variants if v["stock"] > products[v["product_id"]]["max_per_order"]
                   and products[v["product_id"]]["status"] == "active")
    limit = products[limited["product_id"]]["max_per_order"]
    add(limited, limit + 1, f"limited to {limit} per order")
    fails(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": "SKU-99999"}, "Unknown variant")
    fails(ep, "add_to_shop_cart", {"shopper_id": "SHP-9999", "variant_id": limited["variant_id"]}, "Unknown shopper")


def test_the_per_order_limit_counts_every_variant_of_the_product():
    ep = _episode()
    world = _world(ep)
    shopper_id = _ready_shopper(ep)["shopper_id"]
    by_product: dict[str, list[dict[str, Any]]] = {}
    for variant in world["variants"].values():
        product = world["products"][variant["product_id"]]
        if product["status"] == "active" and variant["stock"] >= product["max_per_order"]:
            by_product.setdefault(product["product_id"], []).append(variant)
    first, second = next(group for group in by_product.values() if len(group) >= 2)[:2]
    limit = world["products"][first["product_id"]]["max_per_order"]
    ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": first["variant_id"], "quantity": limit})
    fails(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": second["variant_id"]},
          f"limited to {limit} per order", f"would hold {limit + 1}")


def test_update_shop_cart_item_sets_the_quantity():
    ep = _episode()
    shopper_id = _ready_shopper(ep)["shopper_id"]
    variant = _buyable(ep, min_stock=4, min_limit=3)
    ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": variant["variant_id"], "quantity": 3})
    cart = ok(ep, "update_shop_cart_item", {"shopper_id": shopper_id, "variant_id": variant["variant_id"],
                                            "quantity": 2})
    assert cart["lines"][0]["quantity"] == 2 and cart["subtotal"] == round(variant["price"] * 2, 2)
    assert _cart(ep, shopper_id)["item_count"] == 2


def test_update_shop_cart_item_failures_leave_the_world_unchanged():
    ep = _episode()
    shopper_id = _ready_shopper(ep)["shopper_id"]
    variant = _buyable(ep, min_stock=1, min_limit=1)
    other = _buyable(ep, exclude=(variant["variant_id"], variant["product_id"]))
    ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": variant["variant_id"]})
    fails(ep, "update_shop_cart_item", {"shopper_id": shopper_id, "variant_id": other["variant_id"], "quantity": 1},
          "not in the cart", variant["variant_id"])
    fails(ep, "update_shop_cart_item", {"shopper_id": shopper_id, "variant_id": variant["variant_id"],
                                        "quantity": variant["stock"] + 1}, "left in stock")
    assert ep.call("update_shop_cart_item", {"shopper_id": shopper_id, "variant_id": variant["variant_id"],
                                             "quantity": 0}).status == "invalid_arguments"


def test_remove_from_shop_cart_drops_the_line():
    ep = _episode()
    shopper_id = next(s for s, c in _world(ep)["carts"].items() if len(c["items"]) >= 2)
    lines = _cart(ep, shopper_id)["lines"]
    cart = ok(ep, "remove_from_shop_cart", {"shopper_id": shopper_id, "variant_id": lines[0]["variant_id"]})
    assert [line["variant_id"] for line in cart["lines"]] == [line["variant_id"] for line in lines[1:]]
    fails(ep, "remove_from_shop_cart", {"shopper_id": shopper_id, "variant_id": lines[0]["variant_id"]},
          "not in the cart")
    fails(ep, "remove_from_shop_cart", {"shopper_id": "SHP-9999", "variant_id": lines[1]["variant_id"]},
          "Unknown shopper")


# ----- coupons -----


def test_list_shop_coupons_shows_active_terms_and_who_used_them():
    ep = _episode()
    world = _world(ep)
    active = ok(ep, "list_shop_coupons", {})["coupons"]
    codes = {c["code"] for c in active}
    assert "WELCOME10" in codes and "SPRING5" not in codes and "FLASH50" not in codes
    assert all(c["status"] == "active" and c["used_by_shopper"] is None for c in active)
    statuses = {c["code"]: c["status"] for c in ok(ep, "list_shop_coupons", {"include_inactive": True})["coupons"]}
    assert statuses["SPRING5"] == "expired" and statuses["GLOW20"] == "expired" and statuses["FLASH50"] == "used_up"
    user = world["coupons"]["WELCOME10"]["used_by"][0]
    mine = {c["code"]: c["used_by_shopper"] for c in ok(ep, "list_shop_coupons", {"shopper_id": user})["coupons"]}
    assert mine["WELCOME10"] is True
    fails(ep, "list_shop_coupons", {"shopper_id": "SHP-9999"}, "Unknown shopper")


def test_apply_shop_coupon_discounts_the_eligible_items():
    ep = _episode()
    world = _world(ep)
    shopper_id = _ready_shopper(ep)["shopper_id"]
    sporty = next(v for v in world["variants"].values()
                  if world["products"][v["product_id"]]["category"] == "sports" and 40 <= v["price"] <= 200
                  and v["stock"] >= 1 and world["products"][v["product_id"]]["status"] == "active")
    other = next(v for v in world["variants"].values()
                 if world["products"][v["product_id"]]["category"] == "toys" and v["stock"] >= 1
                 and world["products"][v["product_id"]]["status"] == "active")
    for variant in (sporty, other):
        ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": variant["variant_id"]})
    cart = ok(ep, "apply_shop_coupon", {"shopper_id": shopper_id, "code": "sporty15"})
    assert cart["coupon_code"] == "SPORTY15"
    assert cart["discount"] == round(sporty["price"] * 0.15, 2)
    assert _cart(ep, shopper_id)["discount"] == cart["discount"]
    replaced = ok(ep, "apply_shop_coupon", {"shopper_id": shopper_id, "code": "WELCOME10"})
    assert replaced["coupon_code"] == "WELCOME10"
    assert replaced["discount"] == round(min((sporty["price"] + other["price"]) * 0.10, 40), 2)


def test_apply_shop_coupon_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    shopper_id = _ready_shopper(ep)["shopper_id"]
    apply = {"shopper_id": shopper_id}
    fails(ep, "apply_shop_coupon", {**apply, "code": "WELCOME10"}, "empty")
    cheap_tech = next(v for v in world["variants"].values()
                      if world["products"][v["product_id"]]["category"] == "electronics" and v["price"] < 150
                      and v["stock"] >= 1 and world["products"][v["product_id"]]["status"] == "active")
    ok(ep, "add_to_shop_cart", {**apply, "variant_id": cheap_tech["variant_id"]})
    fails(ep, "apply_shop_coupon", {**apply, "code": "SPRING5"}, "expired on")
    fails(ep, "apply_shop_coupon", {**apply, "code": "FLASH50"}, "usage limit of 100")
    fails(ep, "apply_shop_coupon", {**apply, "code": "STYLE25"}, "apparel items only")
    fails(ep, "apply_shop_coupon", {**apply, "code": "TECH15"}, "minimum spend of 150.00 USD on electronics")
    fails(ep, "apply_shop_coupon", {**apply, "code": "NOPE"}, "Unknown coupon", "list_shop_coupons")
    user = world["coupons"]["WELCOME10"]["used_by"][0]
    ok(ep, "add_to_shop_cart", {"shopper_id": user, "variant_id": cheap_tech["variant_id"]})
    fails(ep, "apply_shop_coupon", {"shopper_id": user, "code": "WELCOME10"}, "already used")


def test_remove_shop_coupon_takes_the_discount_off():
    ep = _episode()
    shopper_id = next(s for s, c in _world(ep)["carts"].items() if c["coupon_code"])
    cart = ok(ep, "remove_shop_coupon", {"shopper_id": shopper_id})
    assert cart["coupon_code"] is None and cart["discount"] == 0
    assert _cart(ep, shopper_id)["coupon_code"] is None
    fails(ep, "remove_shop_coupon", {"shopper_id": shopper_id}, "No coupon is applied")


def test_a_coupon_that_stops_applying_is_noted_and_blocks_checkout():
    ep = _episode()
    shopper = _ready_shopper(ep)
    shopper_id = shopper["shopper_id"]
    world = _world(ep)
    big = next(v for v in world["variants"].values() if 100 <= v["price"] <= 250 and v["stock"] >= 1
               and world["products"][v["product_id"]]["status"] == "active")
    small = _buyable(ep, exclude=(big["variant_id"], big["product_id"]))
    for variant in (big, small):
        ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": variant["variant_id"]})
    ok(ep, "apply_shop_coupon", {"shopper_id": shopper_id, "code": "SAVE20"})
    ok(ep, "remove_from_shop_cart", {"shopper_id": shopper_id, "variant_id": big["variant_id"]})
    cart = _cart(ep, shopper_id)
    assert cart["discount"] == 0 and "minimum spend" in cart["notes"][0]
    fails(ep, "checkout_shop_cart", {"shopper_id": shopper_id, "payment_card_id": shopper["card_id"]},
          "minimum spend of 100.00 USD", "remove_shop_coupon")
    fails(ep, "preview_shop_checkout", {"shopper_id": shopper_id}, "minimum spend")


# ----- checkout -----


def _fill_cart(ep: Episode, shopper_id: str, count: int = 2) -> list[dict[str, Any]]:
    chosen: list[dict[str, Any]] = []
    for _ in range(count):
        taken = tuple(v["variant_id"] for v in chosen) + tuple(v["product_id"] for v in chosen)
        variant = _buyable(ep, min_stock=2, exclude=taken)
        ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": variant["variant_id"]})
        chosen.append(variant)
    return chosen


def test_preview_shop_checkout_prices_shipping_tax_points_and_gift_balance():
    ep = _episode()
    world = _world(ep)
    shopper = next(s for s in world["shoppers"].values() if s["addresses"] and s["loyalty_points"] >= 200
                   and s["gift_card_balance"] > 0 and not world["carts"][s["shopper_id"]]["items"])
    shopper_id = shopper["shopper_id"]
    chosen = _fill_cart(ep, shopper_id)
    address = shopper["addresses"][-1]
    preview = ok(ep, "preview_shop_checkout", {"shopper_id": shopper_id, "address_id": address["address_id"],
                                               "shipping_method": "express", "redeem_points": 200,
                                               "use_gift_card_balance": True})
    subtotal = round(sum(v["price"] for v in chosen), 2)
    assert preview["subtotal"] == subtotal and preview["discount"] == 0 and preview["shipping_fee"] == 14.99
    assert preview["tax"] == round(subtotal * preview["tax_rate"], 2)
    assert preview["total"] == round(subtotal + 14.99 + preview["tax"], 2)
    assert preview["points_value"] == 2.0 and preview["gift_card_applied"] == shopper["gift_card_balance"]
    assert preview["amount_due"] == round(preview["total"] - 2.0 - shopper["gift_card_balance"], 2)
    assert preview["ship_to"].endswith(address["zip_code"])
    assert preview["estimated_delivery"] == (_now(ep) + timedelta(days=3)).date().isoformat()
    standard = ok(ep, "preview_shop_checkout", {"shopper_id": shopper_id})
    assert standard["shipping_fee"] == (0.0 if subtotal >= 50 else 5.99)
    assert ok(ep, "view_shop_cart", {"shopper_id": shopper_id})["item_count"] == 2


def test_preview_shop_checkout_failures_explain_what_is_missing():
    ep = _episode()
    world = _world(ep)
    ready = _ready_shopper(ep)
    fails(ep, "preview_shop_checkout", {"shopper_id": ready["shopper_id"]}, "empty", "add_to_shop_cart")
    homeless = next(s for s in world["shoppers"].values() if not s["addresses"])
    _fill_cart(ep, homeless["shopper_id"], 1)
    fails(ep, "preview_shop_checkout", {"shopper_id": homeless["shopper_id"]}, "no saved shipping address",
          "add_shop_address")
    _fill_cart(ep, ready["shopper_id"], 1)
    fails(ep, "preview_shop_checkout", {"shopper_id": ready["shopper_id"], "address_id": "ADR-9999"},
          "not saved for", ready["addresses"][0]["address_id"])
    points = ready["loyalty_points"]
    fails(ep, "preview_shop_checkout", {"shopper_id": ready["shopper_id"], "redeem_points": points + 1},
          f"has {points} loyalty points")
    rich = next(s for s in world["shoppers"].values() if s["addresses"] and s["loyalty_points"] >= 3000
                and not world["carts"][s["shopper_id"]]["items"])
    cheap = next(v for v in world["variants"].values() if v["price"] < 20 and v["stock"] >= 1
                 and world["products"][v["product_id"]]["status"] == "active")
    ok(ep, "add_to_shop_cart", {"shopper_id": rich["shopper_id"], "variant_id": cheap["variant_id"]})
    total = ok(ep, "preview_shop_checkout", {"shopper_id": rich["shopper_id"]})["total"]
    fails(ep, "preview_shop_checkout", {"shopper_id": rich["shopper_id"], "redeem_points": 3000},
          "exceeds the order total", f"at most {round(total * 100)} points")


def test_checkout_shop_cart_places_the_order_and_empties_the_cart():
    ep = _episode()
    shopper = _ready_shopper(ep)
    shopper_id = shopper["shopper_id"]
    chosen = _fill_cart(ep, shopper_id)
    ok(ep, "apply_shop_coupon", {"shopper_id": shopper_id, "code": "WELCOME10"})
    preview = ok(ep, "preview_shop_checkout", {"shopper_id": shopper_id, "shipping_method": "overnight"})
    receipt = ok(ep, "checkout_shop_cart", {"shopper_id": shopper_id, "payment_card_id": shopper["card_id"],
                                            "shipping_method": "overnight"})
    order = receipt["order"]
    assert order["status"] == "placed" and order["coupon_code"] == "WELCOME10"
    assert order["total"] == preview["total"] and order["charged_to_card"] == preview["amount_due"]
    assert [i["variant_id"] for i in order["items"]] == [v["variant_id"] for v in chosen]
    assert round(sum(i["discount"] for i in order["items"]), 2) == order["discount"] == preview["discount"]
    earned = int(order["subtotal"] - order["discount"])
    assert order["points_earned"] == earned
    assert receipt["loyalty_points_balance"] == shopper["loyalty_points"] + earned
    assert _cart(ep, shopper_id)["lines"] == [] and _cart(ep, shopper_id)["coupon_code"] is None
    stock = {v["variant_id"]: v["stock"] for v in ok(ep, "get_shop_product", {"product_id": chosen[0]["product_id"]})
             ["variants"]}
    assert stock[chosen[0]["variant_id"]] == chosen[0]["stock"] - 1
    listed = ok(ep, "list_shop_orders", {"shopper_id": shopper_id, "status": "placed"})["orders"]
    assert listed[0]["order_id"] == order["order_id"]
    coupons = {c["code"]: c for c in ok(ep, "list_shop_coupons", {"shopper_id": shopper_id})["coupons"]}
    assert coupons["WELCOME10"]["used_by_shopper"] is True


def test_checkout_shop_cart_spends_points_and_gift_card_balance():
    ep = _episode()
    world = _world(ep)
    shopper = next(s for s in world["shoppers"].values() if s["addresses"] and s["loyalty_points"] >= 100
                   and s["gift_card_balance"] > 0 and not world["carts"][s["shopper_id"]]["items"]
                   and any(c["expires"] >= f"{_now(ep):%Y-%m}" for c in s["payment_cards"]))
    card = next(c for c in shopper["payment_cards"] if c["expires"] >= f"{_now(ep):%Y-%m}")
    _fill_cart(ep, shopper["shopper_id"])
    receipt = ok(ep, "checkout_shop_cart", {"shopper_id": shopper["shopper_id"],
                                            "payment_card_id": card["payment_card_id"], "redeem_points": 100,
                                            "use_gift_card_balance": True})
    order = receipt["order"]
    assert order["points_redeemed"] == 100 and order["gift_card_applied"] == shopper["gift_card_balance"]
    assert receipt["gift_card_balance"] == 0
    assert receipt["loyalty_points_balance"] == shopper["loyalty_points"] - 100 + order["points_earned"]
    assert order["charged_to_card"] == round(order["total"] - 1.0 - order["gift_card_applied"], 2)


def test_checkout_shop_cart_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    now_month = f"{_now(ep):%Y-%m}"
    expired_only = next(s for s in world["shoppers"].values() if s["addresses"]
                        and all(c["expires"] < now_month for c in s["payment_cards"]))
    shopper_id = expired_only["shopper_id"]
    card_id = expired_only["payment_cards"][0]["payment_card_id"]
    if not world["carts"][shopper_id]["items"]:
        _fill_cart(ep, shopper_id, 1)
    fails(ep, "checkout_shop_cart", {"shopper_id": shopper_id, "payment_card_id": card_id}, "expired in")
    ready = _ready_shopper(ep)
    fails(ep, "checkout_shop_cart", {"shopper_id": ready["shopper_id"], "payment_card_id": ready["card_id"]},
          "empty")
    _fill_cart(ep, ready["shopper_id"], 1)
    fails(ep, "checkout_shop_cart", {"shopper_id": ready["shopper_id"], "payment_card_id": card_id},
          "not saved for", ready["card_id"])
    homeless = next(s for s in world["shoppers"].values() if not s["addresses"])
    _fill_cart(ep, homeless["shopper_id"], 1)
    fails(ep, "checkout_shop_cart", {"shopper_id": homeless["shopper_id"],
                                     "payment_card_id": homeless["payment_cards"][-1]["payment_card_id"]},
          "no saved shipping address")


def test_checkout_refuses_a_cart_whose_stock_another_shopper_bought():
    ep = _episode()
    world = _world(ep)
    last_one = next(v for v in world["variants"].values() if v["stock"] == 1
                    and world["products"][v["product_id"]]["status"] == "active")
    first = _ready_shopper(ep)
    second = _ready_shopper(ep, skip=(first["shopper_id"],))
    for shopper in (first, second):
        ok(ep, "add_to_shop_cart", {"shopper_id": shopper["shopper_id"], "variant_id": last_one["variant_id"]})
    ok(ep, "checkout_shop_cart", {"shopper_id": second["shopper_id"], "payment_card_id": second["card_id"]})
    fails(ep, "checkout_shop_cart", {"shopper_id": first["shopper_id"], "payment_card_id": first["card_id"]},
          "out of stock", last_one["variant_id"])
    assert _cart(ep, first["shopper_id"])["notes"]


# ----- orders -----


def test_list_shop_orders_lists_newest_first_and_filters_by_status():
    ep = _episode()
    world = _world(ep)
    shopper_id = max(world["shoppers"], key=lambda s: sum(o["shopper_id"] == s for o in world["orders"].values()))
    orders = ok(ep, "list_shop_orders", {"shopper_id": shopper_id})
    mine = [o for o in world["orders"].values() if o["shopper_id"] == shopper_id]
    assert orders["total_matched"] == len(mine) >= 2
    placed = [o["placed_at"] for o in orders["orders"]]
    assert placed == sorted(placed, reverse=True)
    status = mine[0]["status"]
    filtered = ok(ep, "list_shop_orders", {"shopper_id": shopper_id, "status": status})["orders"]
    assert filtered and all(o["status"] == status for o in filtered)
    fails(ep, "list_shop_orders", {"shopper_id": "SHP-9999"}, "Unknown shopper")


def test_get_shop_order_shows_items_payment_and_return_deadline():
    ep = _episode()
    delivered = _orders(ep, "delivered")[0]
    order = ok(ep, "get_shop_order", {"order_id": delivered["order_id"]})
    assert order["items"][0]["product_name"] and order["total"] == delivered["total"]
    deadline = (datetime.fromisoformat(delivered["delivered_at"]) + timedelta(days=30)).date().isoformat()
    assert order["return_deadline"] == deadline
    returned = ok(ep, "get_shop_order", {"order_id": _orders(ep, "returned")[0]["order_id"]})
    assert returned["returns"] and all(i["returned_quantity"] == i["quantity"] for i in returned["items"])
    assert ok(ep, "get_shop_order", {"order_id": _orders(ep, "placed")[0]["order_id"]})["return_deadline"] is None
    fails(ep, "get_shop_order", {"order_id": "ORD-9999"}, "Unknown order", "list_shop_orders")


def test_track_shop_order_reports_carrier_and_events_by_status():
    ep = _episode()
    shipped = ok(ep, "track_shop_order", {"order_id": _orders(ep, "shipped")[0]["order_id"]})
    assert shipped["carrier"] and shipped["tracking_number"]
    assert [e["event"].split(",")[0].split(" with")[0] for e in shipped["events"]] == \
        ["Order placed", "Shipped", "In transit"]
    delivered = ok(ep, "track_shop_order", {"order_id": _orders(ep, "delivered")[0]["order_id"]})
    assert delivered["events"][-1]["event"] == "Delivered"
    placed = ok(ep, "track_shop_order", {"order_id": _orders(ep, "placed")[0]["order_id"]})
    assert placed["carrier"] is None and len(placed["events"]) == 1
    cancelled = ok(ep, "track_shop_order", {"order_id": _orders(ep, "cancelled")[0]["order_id"]})
    assert "cancelled" in cancelled["events"][-1]["event"]
    fails(ep, "track_shop_order", {"order_id": "ORD-9999"}, "Unknown order")


def test_cancel_shop_order_refunds_and_releases_the_stock():
    ep = _episode()
    world = _world(ep)
    order = max(_orders(ep, "placed"), key=lambda o: o["gift_card_applied"])
    shopper = world["shoppers"][order["shopper_id"]]
    item = order["items"][0]
    result = ok(ep, "cancel_shop_order", {"order_id": order["order_id"]})
    assert result["order"]["status"] == "cancelled" and result["order"]["cancelled_at"] == world["now"]
    assert result["refunded_to_card"] == order["charged_to_card"]
    assert result["gift_card_balance_restored"] == order["gift_card_applied"]
    assert result["order"]["refunded"] == round(order["charged_to_card"] + order["gift_card_applied"], 2)
    profile = ok(ep, "get_shop_shopper", {"shopper_id": shopper["shopper_id"]})
    assert profile["gift_card_balance"] == round(shopper["gift_card_balance"] + order["gift_card_applied"], 2)
    assert profile["loyalty_points"] == shopper["loyalty_points"] - result["points_removed"]
    after = _world(ep)["variants"][item["variant_id"]]["stock"]
    assert after == world["variants"][item["variant_id"]]["stock"] + item["quantity"]
    assert ok(ep, "get_shop_order", {"order_id": order["order_id"]})["status"] == "cancelled"


def test_cancel_shop_order_failures_leave_the_world_unchanged():
    ep = _episode()
    shipped = _orders(ep, "shipped")[0]
    fails(ep, "cancel_shop_order", {"order_id": shipped["order_id"]}, "already shipped", shipped["tracking_number"],
          "return_shop_order_item")
    fails(ep, "cancel_shop_order", {"order_id": _orders(ep, "delivered")[0]["order_id"]}, "already delivered")
    fails(ep, "cancel_shop_order", {"order_id": _orders(ep, "cancelled")[0]["order_id"]}, "already cancelled")
    fails(ep, "cancel_shop_order", {"order_id": _orders(ep, "returned")[0]["order_id"]}, "already returned")
    fails(ep, "cancel_shop_order", {"order_id": "ORD-9999"}, "Unknown order")


def test_return_shop_order_item_refunds_paid_price_with_tax_and_closes_the_order():
    ep = _episode()
    world = _world(ep)
    now = _now(ep)
    order = next(
        o for o in _orders(ep, "delivered")
        if len(o["items"]) >= 2 and now - datetime.fromisoformat(o["delivered_at"]) <= timedelta(days=29)
        and not any(world["products"][i["product_id"]]["final_sale"] for i in o["items"])
    )
    first, *rest = order["items"]
    paid_per_unit = (first["unit_price"] * first["quantity"] - first["discount"]) / first["quantity"]
    result = ok(ep, "return_shop_order_item", {"order_id": order["order_id"], "variant_id": first["variant_id"],
                                               "reason": "no_longer_needed", "quantity": first["quantity"]})
    record = result["shop_return"]
    assert result["order_status"] == "delivered"
    assert record["refund_amount"] == round(paid_per_unit * first["quantity"] * (1 + order["tax_rate"]), 2)
    assert record["refunded_to_card"] == record["refund_amount"] and record["refunded_to_gift_balance"] == 0
    assert _world(ep)["variants"][first["variant_id"]]["stock"] == \
        world["variants"][first["variant_id"]]["stock"] + first["quantity"]
    view = ok(ep, "get_shop_order", {"order_id": order["order_id"]})
    assert [r["return_id"] for r in view["returns"]] == [record["return_id"]]
    assert view["refunded"] == record["refund_amount"] and view["items"][0]["returned_quantity"] == first["quantity"]
    for item in rest:
        last = ok(ep, "return_shop_order_item", {"order_id": order["order_id"], "variant_id": item["variant_id"],
                                                 "reason": "damaged", "quantity": item["quantity"]})
        assert _world(ep)["variants"][item["variant_id"]]["stock"] == world["variants"][item["variant_id"]]["stock"]
    assert last["order_status"] == "returned"
    assert ok(ep, "get_shop_order", {"order_id": order["order_id"]})["status"] == "returned"
    returns = ok(ep, "get_shop_order", {"order_id": order["order_id"]})["returns"]
    assert len(returns) == len(order["items"])


def test_return_shop_order_item_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    now = _now(ep)

    def give_back(order: dict[str, Any], variant_id: str, quantity: int, *fragments: str) -> None:
        args = {"order_id": order["order_id"], "variant_id": variant_id, "reason": "size_or_fit",
                "quantity": quantity}
        fails(ep, "return_shop_order_item", args, *fragments)

    old = next(o for o in _orders(ep, "delivered")
               if now - datetime.fromisoformat(o["delivered_at"]) > timedelta(days=31))
    give_back(old, old["items"][0]["variant_id"], 1, "return window", "closed on")
    order, item = _returnable(ep)
    give_back(order, item["variant_id"], item["quantity"] + 1, f"has {item['quantity']} unit(s)")
    give_back(order, "SKU-99999", 1, "is not in order", item["variant_id"])
    final = next(
        (o, i) for o in _orders(ep, "delivered") for i in o["items"]
        if world["products"][i["product_id"]]["final_sale"]
        and now - datetime.fromisoformat(o["delivered_at"]) <= timedelta(days=29)
    )
    give_back(final[0], final[1]["variant_id"], 1, "final-sale")
    placed = _orders(ep, "placed")[0]
    give_back(placed, placed["items"][0]["variant_id"], 1, "not delivered yet", "cancel_shop_order")
    shipped = _orders(ep, "shipped")[0]
    give_back(shipped, shipped["items"][0]["variant_id"], 1, "not delivered yet")
    cancelled = _orders(ep, "cancelled")[0]
    give_back(cancelled, cancelled["items"][0]["variant_id"], 1, "is cancelled")
    returned = _orders(ep, "returned")[0]
    give_back(returned, returned["items"][0]["variant_id"], 1, "is returned")
    give_back({"order_id": "ORD-9999"}, item["variant_id"], 1, "Unknown order")


# ----- wishlists and reviews -----


def test_wishlist_tools_add_list_and_remove_products():
    ep = _episode()
    world = _world(ep)
    shopper = next(s for s in world["shoppers"].values() if s["wishlist"])
    shopper_id = shopper["shopper_id"]
    listed = ok(ep, "list_shop_wishlist", {"shopper_id": shopper_id})["products"]
    assert [p["product_id"] for p in listed] == shopper["wishlist"] and all(p["variants"] for p in listed)
    new = next(p for p in world["products"].values() if p["status"] == "active"
               and p["product_id"] not in shopper["wishlist"])
    added = ok(ep, "add_to_shop_wishlist", {"shopper_id": shopper_id, "product_id": new["product_id"]})
    assert added["products"][-1]["product_id"] == new["product_id"]
    removed = ok(ep, "remove_from_shop_wishlist", {"shopper_id": shopper_id, "product_id": shopper["wishlist"][0]})
    assert [p["product_id"] for p in removed["products"]] == shopper["wishlist"][1:] + [new["product_id"]]
    assert [p["product_id"] for p in ok(ep, "list_shop_wishlist", {"shopper_id": shopper_id})["products"]] == \
        [p["product_id"] for p in removed["products"]]


def test_wishlist_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    shopper = next(s for s in world["shoppers"].values() if s["wishlist"])
    shopper_id = shopper["shopper_id"]
    fails(ep, "add_to_shop_wishlist", {"shopper_id": shopper_id, "product_id": shopper["wishlist"][0]},
          "already on the wishlist")
    gone = next(p for p in world["products"].values() if p["status"] == "discontinued"
                and p["product_id"] not in shopper["wishlist"])
    fails(ep, "add_to_shop_wishlist", {"shopper_id": shopper_id, "product_id": gone["product_id"]}, "discontinued")
    fails(ep, "add_to_shop_wishlist", {"shopper_id": shopper_id, "product_id": "PRD-9999"}, "Unknown product")
    absent = next(p for p in world["products"] if p not in shopper["wishlist"])
    fails(ep, "remove_from_shop_wishlist", {"shopper_id": shopper_id, "product_id": absent},
          "not on the wishlist", shopper["wishlist"][0])
    fails(ep, "list_shop_wishlist", {"shopper_id": "SHP-9999"}, "Unknown shopper")


def _unreviewed_purchase(ep: Episode) -> tuple[str, str]:
    world = _world(ep)
    reviewed = {(r["shopper_id"], r["product_id"]) for r in world["reviews"].values()}
    return next(
        (o["shopper_id"], i["product_id"]) for o in _orders(ep, "delivered") for i in o["items"]
        if (o["shopper_id"], i["product_id"]) not in reviewed
    )


def test_write_shop_product_review_posts_it_and_updates_the_rating():
    ep = _episode()
    shopper_id, product_id = _unreviewed_purchase(ep)
    before = _world(ep)["products"][product_id]
    posted = ok(ep, "write_shop_product_review", {"shopper_id": shopper_id, "product_id": product_id, "rating": 1,
                                                  "title": "Fell apart", "body": "The seam split in a week."})
    assert posted["product_rating_count"] == before["rating_count"] + 1
    expected = round((before["rating"] * before["rating_count"] + 1) / (before["rating_count"] + 1), 2)
    assert posted["product_rating"] == expected
    reviews = ok(ep, "list_shop_product_reviews", {"product_id": product_id})["reviews"]
    assert reviews[0]["review_id"] == posted["review"]["review_id"] and reviews[0]["body"].startswith("The seam")
    assert ok(ep, "get_shop_product", {"product_id": product_id})["recent_reviews"][0]["title"] == "Fell apart"


def test_write_shop_product_review_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    review = next(iter(world["reviews"].values()))
    fails(ep, "write_shop_product_review", {"shopper_id": review["shopper_id"], "product_id": review["product_id"],
                                            "rating": 5, "title": "Again"}, "already reviewed", review["review_id"])
    bought = {(o["shopper_id"], i["product_id"]) for o in world["orders"].values() for i in o["items"]}
    shopper_id = next(iter(world["shoppers"]))
    never = next(p for p in world["products"] if (shopper_id, p) not in bought)
    fails(ep, "write_shop_product_review", {"shopper_id": shopper_id, "product_id": never, "rating": 4,
                                            "title": "Nice"}, "no delivered order")
    received = {(o["shopper_id"], i["product_id"]) for o in world["orders"].values()
                if o["status"] in ("delivered", "returned") for i in o["items"]}
    shopper_id, product_id = next((o["shopper_id"], i["product_id"]) for o in _orders(ep, "shipped")
                                  for i in o["items"] if (o["shopper_id"], i["product_id"]) not in received)
    fails(ep, "write_shop_product_review", {"shopper_id": shopper_id, "product_id": product_id, "rating": 4,
                                            "title": "Not here yet"}, "no delivered order")
    shopper_id, product_id = _unreviewed_purchase(ep)
    fails(ep, "write_shop_product_review", {"shopper_id": shopper_id, "product_id": product_id, "rating": 4,
                                            "title": "   "}, "must not be blank")
    assert ep.call("write_shop_product_review", {"shopper_id": shopper_id, "product_id": product_id, "rating": 6,
                                                 "title": "Great"}).status == "invalid_arguments"


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = _episode()
    before = ep.state_hash()
    shopper_id = _ready_shopper(ep)["shopper_id"]
    variant_id = _buyable(ep)["variant_id"]
    base = {"shopper_id": shopper_id, "variant_id": variant_id, "quantity": 1}
    for bad in ({**base, "quantity": "1"}, {**base, "quantity": 0}, {**base, "quantity": 10**6},
                {**base, "extra": 1}, {**base, "variant_id": "S" * 100_000}, {"shopper_id": shopper_id}):
        assert ep.call("add_to_shop_cart", bad).status == "invalid_arguments", bad
    assert ep.call("checkout_shop_cart", {"shopper_id": shopper_id, "payment_card_id": "PMC-0001",
                                          "redeem_points": -5}).status == "invalid_arguments"
    assert ep.call("search_shop_products", {"max_price": float("nan")}).status == "invalid_arguments"
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, Any]:
    """Find a shopper and two products, fill the cart, apply a coupon, check out, cancel, then order again."""
    shoppers = ok(ep, "find_shop_shoppers", {"query": "SHP-", "limit": 50})["shoppers"]
    shopper_id, card_id = "", ""
    for candidate in shoppers:
        profile = ok(ep, "get_shop_shopper", {"shopper_id": candidate["shopper_id"]})
        coupons = {c["code"]: c for c in ok(ep, "list_shop_coupons", {"shopper_id": candidate["shopper_id"]})
                   ["coupons"]}
        cards = [c["payment_card_id"] for c in profile["payment_cards"] if not c["expired"]]
        if profile["addresses"] and cards and profile["cart_item_count"] == 0 and \
                not coupons["WELCOME10"]["used_by_shopper"]:
            shopper_id, card_id = candidate["shopper_id"], cards[0]
            break
    assert shopper_id, "no shopper can check out"
    garments = ok(ep, "search_shop_products", {"category": "apparel", "in_stock_only": True})["products"]
    garment = next(v for p in garments if p["max_per_order"] >= 2 for v in p["variants"] if v["stock"] >= 2)
    kitchenware = ok(ep, "search_shop_products", {"category": "kitchen", "in_stock_only": True, "sort": "price_low"})
    kitchen_item = next(v for p in kitchenware["products"] for v in p["variants"] if v["stock"] >= 1)
    ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": garment["variant_id"], "quantity": 2})
    ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": kitchen_item["variant_id"]})
    ok(ep, "update_shop_cart_item", {"shopper_id": shopper_id, "variant_id": garment["variant_id"], "quantity": 1})
    ok(ep, "apply_shop_coupon", {"shopper_id": shopper_id, "code": "WELCOME10"})
    first = ok(ep, "checkout_shop_cart", {"shopper_id": shopper_id, "payment_card_id": card_id,
                                          "shipping_method": "express"})["order"]
    ok(ep, "cancel_shop_order", {"order_id": first["order_id"]})
    ok(ep, "add_to_shop_cart", {"shopper_id": shopper_id, "variant_id": kitchen_item["variant_id"]})
    second = ok(ep, "checkout_shop_cart", {"shopper_id": shopper_id, "payment_card_id": card_id})["order"]
    saved = ok(ep, "list_shop_wishlist", {"shopper_id": shopper_id})["products"]
    wish = next(p["product_id"] for p in garments if p["product_id"] not in {s["product_id"] for s in saved})
    ok(ep, "add_to_shop_wishlist", {"shopper_id": shopper_id, "product_id": wish})
    return {"shopper_id": shopper_id, "first": first["order_id"], "second": second["order_id"],
            "garment": garment, "kitchen_item": kitchen_item, "wish": wish}


def test_multi_step_scenario_is_reproducible_and_visible():
    episodes = [_episode(), _episode()]
    initial = episodes[0].state_hash()
    outcomes = [_scenario(ep) for ep in episodes]
    assert outcomes[0] == outcomes[1]
    assert episodes[0].state_hash() == episodes[1].state_hash() != initial
    first, ids = episodes[0], outcomes[0]

    cancelled = ok(first, "get_shop_order", {"order_id": ids["first"]})
    assert cancelled["status"] == "cancelled" and cancelled["coupon_code"] == "WELCOME10"
    assert cancelled["shipping_method"] == "express" and len(cancelled["items"]) == 2
    placed = ok(first, "get_shop_order", {"order_id": ids["second"]})
    assert placed["status"] == "placed" and placed["coupon_code"] is None
    assert [(i["variant_id"], i["quantity"]) for i in placed["items"]] == [(ids["kitchen_item"]["variant_id"], 1)]
    stock = {v["variant_id"]: v["stock"] for v in _world(first)["variants"].values()}
    assert stock[ids["garment"]["variant_id"]] == ids["garment"]["stock"]
    assert stock[ids["kitchen_item"]["variant_id"]] == ids["kitchen_item"]["stock"] - 1
    orders = ok(first, "list_shop_orders", {"shopper_id": ids["shopper_id"]})["orders"]
    assert {o["order_id"] for o in orders} >= {ids["first"], ids["second"]}
    assert ok(first, "view_shop_cart", {"shopper_id": ids["shopper_id"]})["lines"] == []
    assert ids["wish"] in ok(first, "get_shop_shopper", {"shopper_id": ids["shopper_id"]})["wishlist"]


def test_new_world_is_deterministic_per_seed():
    hashes = [_episode(seed).state_hash() for seed in (0, 0, 1, 2)]
    assert hashes[0] == hashes[1] and len(set(hashes)) == 3
    a, b = _episode(4), _episode(4)
    query = {"limit": 50, "sort": "price_low"}
    assert a.call("search_shop_products", query).content == b.call("search_shop_products", query).content


def test_default_world_is_large_and_varied():
    world = _world(_episode())
    assert len(world["products"]) == 120 and len(world["variants"]) >= 250
    assert len(world["shoppers"]) == 30 and 55 <= len(world["orders"]) <= 65
    assert len(world["coupons"]) >= 10 and world["reviews"] and world["returns"]
    assert {o["status"] for o in world["orders"].values()} == {"placed", "shipped", "delivered", "cancelled",
                                                                "returned"}
    assert {p["status"] for p in world["products"].values()} == {"active", "discontinued"}
    assert any(v["stock"] == 0 for v in world["variants"].values())
    assert any(not s["addresses"] for s in world["shoppers"].values())
    assert any(c["items"] for c in world["carts"].values())
