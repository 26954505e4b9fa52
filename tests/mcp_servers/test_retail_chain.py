"""Behaviour of the retail_chain server, through the public Episode API.

Test data is discovered in the seed-0 world, through the tools or through `Episode.snapshot()`, rather than
hard-coded.
"""

from datetime import datetime, timedelta
from typing import Any

from mcp_servers import Episode
from mcp_servers.retail_chain.world import RetailChainWorld
from tests.helpers import clock_of, fails, ok, open_server, world_of

SERVER = "retail_chain"


def _stores(ep: Episode) -> list[dict[str, Any]]:
    return ok(ep, "find_retail_stores", {"limit": 100})["stores"]


def _line(ep: Episode, store_id: str, sku: str) -> dict[str, Any]:
    lines = ok(ep, "list_store_inventory", {"store_id": store_id, "query": sku})["lines"]
    return next(line for line in lines if line["sku"] == sku)


def _open_store_line(ep: Episode, min_available: int, max_available: int = 1000) -> tuple[str, dict[str, Any]]:
    """A store open right now and an active SKU it has between `min_available` and `max_available` units of."""
    for store in _stores(ep):
        if store["open_now"]:
            lines = ok(ep, "list_store_inventory", {"store_id": store["store_id"], "stock_filter": "in_stock",
                                                    "limit": 1000})["lines"]
            for line in lines:
                if min_available <= line["available"] <= max_available and line["sku_status"] == "active":
                    return store["store_id"], line
    raise AssertionError("no stocked open store in seed 0")


def _shared_sku(ep: Episode, source: str, target: str, min_available: int = 1) -> dict[str, Any]:
    """A line of `source` with enough available units for a SKU `target` also carries."""
    target_skus = {line["sku"] for line in ok(ep, "list_store_inventory", {"store_id": target, "limit": 1000})["lines"]}
    lines = ok(ep, "list_store_inventory", {"store_id": source, "limit": 1000})["lines"]
    return next(line for line in lines if line["sku"] in target_skus and line["available"] >= min_available)


def _reservation(ep: Episode, status: str, **where: Any) -> dict[str, Any]:
    found = ok(ep, "list_store_pickups", {"status": status, "limit": 1000})["reservations"]
    return next(r for r in found if all(r[key] == value for key, value in where.items()))


def _store_by(ep: Episode, **where: Any) -> dict[str, Any]:
    return next(s for s in _stores(ep) if all(s[key] == value for key, value in where.items()))


# ----- discovery -----


def test_find_retail_stores_filters_by_city_query_region_and_open_now():
    ep = open_server(SERVER)
    result = ok(ep, "find_retail_stores", {"city": "seattle"})
    assert result["total_matched"] == 3 and {s["city"] for s in result["stores"]} == {"Seattle"}
    assert datetime.fromisoformat(result["now"]) == clock_of(ep)
    ballard = ok(ep, "find_retail_stores", {"query": "ballard"})["stores"]
    assert [s["name"] for s in ballard] == ["Brightway Ballard"]
    mountain = ok(ep, "find_retail_stores", {"region": "mountain"})["stores"]
    assert {s["city"] for s in mountain} == {"Denver", "Phoenix"}
    everything = _stores(ep)
    assert len(everything) == 25 and len({s["city"] for s in everything}) == 10
    open_now = ok(ep, "find_retail_stores", {"open_now_only": True, "limit": 100})["stores"]
    assert open_now and all(s["open_now"] and s["status"] == "open" for s in open_now)
    closed = [s for s in everything if not s["open_now"]]
    assert {s["format"] for s in closed if s["status"] == "open"} == {"mall"}
    assert any(s["status"] == "temporarily_closed" and s["reopens_on"] for s in closed)
    weekday = clock_of(ep).strftime("%A").lower()
    assert all(s["hours_today"] == s["hours"][weekday] for s in everything)


def test_search_sku_catalog_matches_name_code_and_department():
    ep = open_server(SERVER)
    milk = ok(ep, "search_sku_catalog", {"query": "whole milk"})["skus"]
    assert [s["name"] for s in milk] == ["Organic Whole Milk 1 gal"]
    by_code = ok(ep, "search_sku_catalog", {"query": milk[0]["sku"].lower()})["skus"]
    assert [s["sku"] for s in by_code] == [milk[0]["sku"]]
    pets = ok(ep, "search_sku_catalog", {"department": "pet", "limit": 100})
    assert pets["total_matched"] == 15 and {s["department"] for s in pets["skus"]} == {"pet"}
    everything = ok(ep, "search_sku_catalog", {"limit": 1000})
    active = ok(ep, "search_sku_catalog", {"include_discontinued": False, "limit": 1000})
    assert everything["total_matched"] == 150
    assert active["total_matched"] == 150 - sum(s["status"] == "discontinued" for s in everything["skus"]) < 150


def test_list_store_inventory_shows_reserved_available_and_incoming_units():
    ep = open_server(SERVER)
    held = _reservation(ep, "held")
    line = _line(ep, held["store_id"], held["sku"])
    assert line["reserved"] >= held["quantity"]
    assert line["available"] == line["on_hand"] - line["reserved"]
    order = ok(ep, "list_store_shipments", {"kind": "restock_orders"})["restock_orders"][0]
    assert _line(ep, order["store_id"], order["sku"])["incoming"] >= order["quantity"]
    store_id = held["store_id"]
    empty = ok(ep, "list_store_inventory", {"store_id": store_id, "stock_filter": "out_of_stock", "limit": 1000})
    assert all(line["available"] == 0 for line in empty["lines"])
    low = ok(ep, "list_store_inventory", {"store_id": store_id, "stock_filter": "needs_reorder", "limit": 1000})
    assert low["lines"] and all(line["available"] <= line["reorder_point"] for line in low["lines"])
    toys = ok(ep, "list_store_inventory", {"store_id": store_id, "department": "toys", "limit": 1000})["lines"]
    assert toys and {line["department"] for line in toys} == {"toys"}
    fails(ep, "list_store_inventory", {"store_id": "STR-999"}, "Unknown store", "find_retail_stores")


def test_find_sku_in_stores_sorts_by_distance_and_skips_closed_stores():
    ep = open_server(SERVER)
    origin = _store_by(ep, name="Brightway Ballard")
    sku = _shared_sku(ep, _store_by(ep, name="Brightway Northgate")["store_id"], origin["store_id"])["sku"]
    result = ok(ep, "find_sku_in_stores", {"sku": sku, "near_store_id": origin["store_id"], "limit": 100})
    distances = [s["distance_km"] for s in result["stores"]]
    assert distances == sorted(distances) and result["stores"][0]["city"] == "Seattle"
    assert origin["store_id"] not in [s["store_id"] for s in result["stores"]]
    assert all(s["status"] == "open" and s["available"] >= 1 for s in result["stores"])
    plenty = ok(ep, "find_sku_in_stores", {"sku": sku, "min_available": 10, "limit": 100})["stores"]
    assert all(s["available"] >= 10 for s in plenty) and all(s["distance_km"] is None for s in plenty)
    assert [s["available"] for s in plenty] == sorted((s["available"] for s in plenty), reverse=True)
    fails(ep, "find_sku_in_stores", {"sku": "SKU-000000"}, "Unknown SKU", "search_sku_catalog")
    fails(ep, "find_sku_in_stores", {"sku": sku, "near_store_id": "STR-999"}, "Unknown store")


def test_check_store_sku_price_applies_regional_overrides():
    ep = open_server(SERVER)
    world = world_of(ep)
    stores = _stores(ep)
    for sku in world["skus"].values():
        regions = sku["regional_prices"]
        inside = [s for s in stores if s["region"] in regions and sku["sku"] in world["stock"][s["store_id"]]]
        outside = [s for s in stores if s["region"] not in regions and sku["sku"] in world["stock"][s["store_id"]]]
        if regions and inside and outside:
            break
    local = ok(ep, "check_store_sku_price", {"store_id": inside[0]["store_id"], "sku": sku["sku"]})
    assert local["regional_price"] == local["price"] == regions[inside[0]["region"]]
    assert local["chain_price"] == sku["unit_price"]
    chain = ok(ep, "check_store_sku_price", {"store_id": outside[0]["store_id"], "sku": sku["sku"]})
    assert chain["regional_price"] is None and chain["price"] == sku["unit_price"]
    assert chain["available"] == _line(ep, outside[0]["store_id"], sku["sku"])["available"]


def test_check_store_sku_price_refuses_a_sku_the_store_does_not_carry():
    ep = open_server(SERVER)
    world = world_of(ep)
    store_id, missing = next(
        (store_id, code) for store_id, carried in world["stock"].items() for code in world["skus"]
        if code not in carried
    )
    fails(ep, "check_store_sku_price", {"store_id": store_id, "sku": missing}, "does not carry", "find_sku_in_stores")
    fails(ep, "check_store_sku_price", {"store_id": store_id, "sku": "SKU-000000"}, "Unknown SKU")
    fails(ep, "check_store_sku_price", {"store_id": "STR-999", "sku": missing}, "Unknown store")


def test_list_store_pickups_filters_by_store_status_and_customer():
    ep = open_server(SERVER)
    held = ok(ep, "list_store_pickups", {"limit": 1000})
    assert held["total_matched"] == 24 and {r["status"] for r in held["reservations"]} == {"held"}
    created = [r["created_at"] for r in held["reservations"]]
    assert created == sorted(created, reverse=True)
    every = ok(ep, "list_store_pickups", {"status": "any", "limit": 1000})["reservations"]
    assert {r["status"] for r in every} == {"held", "picked_up", "cancelled", "expired"}
    someone = every[0]
    last_name = someone["customer_name"].split()[-1].upper()
    mine = ok(ep, "list_store_pickups", {"status": "any", "customer": last_name, "limit": 1000})["reservations"]
    assert someone in mine and all(last_name.lower() in r["customer_name"].lower() for r in mine)
    here = ok(ep, "list_store_pickups", {"store_id": someone["store_id"], "status": "any"})["reservations"]
    assert someone in here and {r["store_id"] for r in here} == {someone["store_id"]}
    fails(ep, "list_store_pickups", {"store_id": "STR-999"}, "Unknown store")


def test_list_store_shipments_lists_open_and_completed_movements():
    ep = open_server(SERVER)
    open_ = ok(ep, "list_store_shipments", {"limit": 100})
    assert len(open_["transfers"]) == 8 and {t["status"] for t in open_["transfers"]} == {"in_transit"}
    assert {o["status"] for o in open_["restock_orders"]} == {"placed", "shipped"}
    done = ok(ep, "list_store_shipments", {"status": "completed", "limit": 100})
    assert {t["status"] for t in done["transfers"]} == {"received"}
    assert {o["status"] for o in done["restock_orders"]} == {"delivered"}
    store_id = open_["transfers"][0]["to_store_id"]
    mine = ok(ep, "list_store_shipments", {"store_id": store_id, "kind": "transfers", "status": "any"})
    assert mine["restock_orders"] == [] and mine["transfers"]
    assert all(store_id in (t["from_store_id"], t["to_store_id"]) for t in mine["transfers"])
    fails(ep, "list_store_shipments", {"store_id": "STR-999"}, "Unknown store")


# ----- pickup reservations -----


def test_reserve_store_pickup_holds_units_for_48_hours():
    ep = open_server(SERVER)
    store_id, line = _open_store_line(ep, 3)
    reservation = ok(ep, "reserve_store_pickup", {"store_id": store_id, "sku": line["sku"], "quantity": 2,
                                                   "customer_name": "Rosa Diaz", "customer_phone": "+1 206 555 0101"})
    assert reservation["status"] == "held" and reservation["total"] == round(line["price"] * 2, 2)
    now = clock_of(ep)
    assert datetime.fromisoformat(reservation["expires_at"]) == now + timedelta(hours=48)
    after = _line(ep, store_id, line["sku"])
    assert after["on_hand"] == line["on_hand"] and after["available"] == line["available"] - 2
    listed = ok(ep, "list_store_pickups", {"customer": "rosa"})["reservations"]
    assert [r["reservation_id"] for r in listed] == [reservation["reservation_id"]]


def test_reserve_store_pickup_out_of_stock_suggests_stores_that_have_it():
    ep = open_server(SERVER)
    for store in _stores(ep):
        if store["status"] != "open":
            continue
        empty = ok(ep, "list_store_inventory", {"store_id": store["store_id"], "stock_filter": "out_of_stock",
                                                "limit": 1000})["lines"]
        line = next((line for line in empty if line["sku_status"] == "active"), None)
        if line is not None:
            break
    others = ok(ep, "find_sku_in_stores", {"sku": line["sku"], "near_store_id": store["store_id"]})["stores"]
    error = fails(ep, "reserve_store_pickup", {"store_id": store["store_id"], "sku": line["sku"], "quantity": 1,
                                                "customer_name": "Rosa Diaz"}, "Out of stock", "0 of")
    assert others[0]["store_id"] in error


def test_reserve_store_pickup_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    store_id, line = _open_store_line(ep, 1, 9)
    base = {"store_id": store_id, "sku": line["sku"], "quantity": 1, "customer_name": "Rosa Diaz"}
    closed = _store_by(ep, status="temporarily_closed")
    fails(ep, "reserve_store_pickup", {**base, "store_id": closed["store_id"]}, "temporarily closed",
          str(closed["reopens_on"]))
    missing = next(code for code in world["skus"] if code not in world["stock"][store_id])
    fails(ep, "reserve_store_pickup", {**base, "sku": missing}, "does not carry")
    fails(ep, "reserve_store_pickup", {**base, "quantity": 11}, "At most 10 units")
    fails(ep, "reserve_store_pickup", {**base, "quantity": line["available"] + 1}, "Not enough stock",
          f"has {line['available']} of")
    fails(ep, "reserve_store_pickup", {**base, "customer_name": "   "}, "must not be blank")
    fails(ep, "reserve_store_pickup", {**base, "sku": "SKU-000000"}, "Unknown SKU")
    fails(ep, "reserve_store_pickup", {**base, "store_id": "STR-999"}, "Unknown store")
    assert ep.call("reserve_store_pickup", {**base, "customer_phone": "call me"}).status == "invalid_arguments"
    assert ep.call("reserve_store_pickup", {**base, "quantity": "1"}).status == "invalid_arguments"


def test_complete_store_pickup_takes_the_units_out_of_stock():
    ep = open_server(SERVER)
    open_ids = {s["store_id"] for s in _stores(ep) if s["open_now"]}
    held = next(r for r in ok(ep, "list_store_pickups", {"limit": 1000})["reservations"] if r["store_id"] in open_ids)
    before = _line(ep, held["store_id"], held["sku"])
    receipt = ok(ep, "complete_store_pickup", {"reservation_id": held["reservation_id"]})
    assert receipt["reservation"]["status"] == "picked_up"
    assert datetime.fromisoformat(receipt["reservation"]["closed_at"]) == clock_of(ep)
    after = _line(ep, held["store_id"], held["sku"])
    assert after["on_hand"] == receipt["store_on_hand_after"] == before["on_hand"] - held["quantity"]
    assert after["available"] == before["available"]
    assert _reservation(ep, "picked_up", reservation_id=held["reservation_id"])


def test_complete_store_pickup_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    stores = {s["store_id"]: s for s in _stores(ep)}
    held = ok(ep, "list_store_pickups", {"limit": 1000})["reservations"]
    after_hours = next(r for r in held if stores[r["store_id"]]["status"] == "open"
                       and not stores[r["store_id"]]["open_now"])
    store = stores[after_hours["store_id"]]
    fails(ep, "complete_store_pickup", {"reservation_id": after_hours["reservation_id"]}, "closed right now",
          store["hours_today"]["opens"])
    shut = next(r for r in held if stores[r["store_id"]]["status"] == "temporarily_closed")
    fails(ep, "complete_store_pickup", {"reservation_id": shut["reservation_id"]}, "temporarily closed")
    for status, fragment in (("picked_up", "already picked up"), ("cancelled", "was cancelled"),
                             ("expired", "expired")):
        reservation = _reservation(ep, status)
        fails(ep, "complete_store_pickup", {"reservation_id": reservation["reservation_id"]}, fragment)
    fails(ep, "complete_store_pickup", {"reservation_id": "PKP-9999"}, "Unknown reservation", "list_store_pickups")


def test_cancel_store_pickup_releases_the_units():
    ep = open_server(SERVER)
    held = _reservation(ep, "held")
    before = _line(ep, held["store_id"], held["sku"])
    cancelled = ok(ep, "cancel_store_pickup", {"reservation_id": held["reservation_id"]})
    assert cancelled["status"] == "cancelled"
    after = _line(ep, held["store_id"], held["sku"])
    assert after["on_hand"] == before["on_hand"]
    assert after["available"] == before["available"] + held["quantity"]
    fails(ep, "cancel_store_pickup", {"reservation_id": held["reservation_id"]}, "was cancelled")


def test_cancel_store_pickup_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    fails(ep, "cancel_store_pickup", {"reservation_id": _reservation(ep, "picked_up")["reservation_id"]},
          "already picked up")
    fails(ep, "cancel_store_pickup", {"reservation_id": _reservation(ep, "expired")["reservation_id"]},
          "expired", "reserve_store_pickup")
    fails(ep, "cancel_store_pickup", {"reservation_id": "PKP-9999"}, "Unknown reservation")


# ----- stock movements -----


def test_transfer_store_inventory_ships_units_to_another_store():
    ep = open_server(SERVER)
    source = _store_by(ep, name="Brightway Cherry Creek")["store_id"]
    target = _store_by(ep, name="Brightway Highlands")["store_id"]
    line = _shared_sku(ep, source, target, min_available=4)
    shipment = ok(ep, "transfer_store_inventory", {"from_store_id": source, "to_store_id": target,
                                                    "sku": line["sku"], "quantity": 3})
    transfer = shipment["transfer"]
    assert transfer["status"] == "in_transit" and transfer["quantity"] == 3
    assert datetime.fromisoformat(transfer["expected_arrival"]) == clock_of(ep) + timedelta(hours=6)
    assert shipment["source_on_hand_after"] == _line(ep, source, line["sku"])["on_hand"] == line["on_hand"] - 3
    inbound = _line(ep, target, line["sku"])
    assert inbound["incoming"] >= 3
    listed = ok(ep, "list_store_shipments", {"store_id": target, "kind": "transfers"})["transfers"]
    assert listed[0]["transfer_id"] == transfer["transfer_id"]


def test_transfer_store_inventory_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    stores = {s["store_id"]: s for s in _stores(ep)}
    held = next(r for r in ok(ep, "list_store_pickups", {"limit": 1000})["reservations"]
                if stores[r["store_id"]]["status"] == "open")
    source = held["store_id"]
    target = next(s for s in stores.values() if s["status"] == "open" and s["store_id"] != source
                  and held["sku"] in world["stock"][s["store_id"]])["store_id"]
    line = _line(ep, source, held["sku"])
    base = {"from_store_id": source, "to_store_id": target, "sku": held["sku"], "quantity": 1}
    fails(ep, "transfer_store_inventory", {**base, "quantity": line["available"] + 1}, "Not enough available",
          f"{line['reserved']} reserved", f"at most {line['available']}")
    fails(ep, "transfer_store_inventory", {**base, "to_store_id": source}, "same store")
    closed = _store_by(ep, status="temporarily_closed")["store_id"]
    fails(ep, "transfer_store_inventory", {**base, "to_store_id": closed}, "temporarily closed", "receive transfers")
    fails(ep, "transfer_store_inventory", {**base, "from_store_id": closed}, "temporarily closed", "ship transfers")
    missing = next(code for code in world["skus"]
                   if code not in world["stock"][target] and code in world["stock"][source])
    fails(ep, "transfer_store_inventory", {**base, "sku": missing}, "does not carry", target)
    absent = next(code for code in world["skus"] if code not in world["stock"][source])
    fails(ep, "transfer_store_inventory", {**base, "sku": absent}, "does not carry", source)
    fails(ep, "transfer_store_inventory", {**base, "sku": "SKU-000000"}, "Unknown SKU")
    fails(ep, "transfer_store_inventory", {**base, "to_store_id": "STR-999"}, "Unknown store")


def test_receive_store_transfer_adds_the_units_at_the_destination():
    ep = open_server(SERVER)
    transfer = ok(ep, "list_store_shipments", {"kind": "transfers"})["transfers"][0]
    before = _line(ep, transfer["to_store_id"], transfer["sku"])
    receipt = ok(ep, "receive_store_transfer", {"transfer_id": transfer["transfer_id"]})
    assert receipt["transfer"]["status"] == "received"
    assert receipt["destination_on_hand_after"] == before["on_hand"] + transfer["quantity"]
    after = _line(ep, transfer["to_store_id"], transfer["sku"])
    assert after["on_hand"] == before["on_hand"] + transfer["quantity"]
    assert after["incoming"] == before["incoming"] - transfer["quantity"]
    fails(ep, "receive_store_transfer", {"transfer_id": transfer["transfer_id"]}, "already received")


def test_receive_store_transfer_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    done = ok(ep, "list_store_shipments", {"kind": "transfers", "status": "completed"})["transfers"][0]
    fails(ep, "receive_store_transfer", {"transfer_id": done["transfer_id"]}, "already received")
    fails(ep, "receive_store_transfer", {"transfer_id": "XFR-9999"}, "Unknown transfer", "list_store_shipments")


def test_create_store_restock_order_places_an_order_due_after_the_lead_time():
    ep = open_server(SERVER)
    world = world_of(ep)
    open_orders = ok(ep, "list_store_shipments", {"kind": "restock_orders", "limit": 100})["restock_orders"]
    busy = {(o["store_id"], o["sku"]) for o in open_orders}
    store_id = _store_by(ep, name="Brightway Back Bay")["store_id"]
    low = ok(ep, "list_store_inventory", {"store_id": store_id, "stock_filter": "needs_reorder", "limit": 1000})
    line = next(line for line in low["lines"]
                if line["sku_status"] == "active" and (store_id, line["sku"]) not in busy)
    sku = world["skus"][line["sku"]]
    order = ok(ep, "create_store_restock_order", {"store_id": store_id, "sku": sku["sku"],
                                                   "quantity": sku["min_order_qty"]})
    assert order["status"] == "placed" and order["quantity"] == sku["min_order_qty"]
    assert order["expected_on"] == (clock_of(ep).date() + timedelta(days=sku["lead_time_days"])).isoformat()
    assert _line(ep, store_id, sku["sku"])["incoming"] == line["incoming"] + sku["min_order_qty"]
    listed = ok(ep, "list_store_shipments", {"store_id": store_id, "kind": "restock_orders"})["restock_orders"]
    assert listed[0]["restock_order_id"] == order["restock_order_id"]
    fails(ep, "create_store_restock_order", {"store_id": store_id, "sku": sku["sku"], "quantity": 100},
          "already placed", order["restock_order_id"])


def test_create_store_restock_order_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    world = world_of(ep)
    pending = ok(ep, "list_store_shipments", {"kind": "restock_orders"})["restock_orders"][0]
    sku = world["skus"][pending["sku"]]
    base = {"store_id": pending["store_id"], "sku": sku["sku"], "quantity": sku["min_order_qty"]}
    fails(ep, "create_store_restock_order", base, "already", pending["restock_order_id"])
    other = next(store_id for store_id, carried in world["stock"].items()
                 if sku["sku"] in carried and store_id != pending["store_id"])
    fails(ep, "create_store_restock_order", {**base, "store_id": other, "quantity": sku["min_order_qty"] - 1},
          "minimum order quantity", str(sku["min_order_qty"]))
    gone = next(
        (store_id, code) for store_id, carried in world["stock"].items() for code in carried
        if world["skus"][code]["status"] == "discontinued"
    )
    fails(ep, "create_store_restock_order", {"store_id": gone[0], "sku": gone[1], "quantity": 100}, "discontinued")
    missing = next(code for code in world["skus"] if code not in world["stock"][other])
    fails(ep, "create_store_restock_order", {**base, "store_id": other, "sku": missing}, "does not carry")
    fails(ep, "create_store_restock_order", {**base, "sku": "SKU-000000"}, "Unknown SKU")
    fails(ep, "create_store_restock_order", {**base, "store_id": "STR-999"}, "Unknown store")


# ----- arguments, scenario, determinism -----


def test_hostile_arguments_are_rejected_or_harmless():
    ep = open_server(SERVER)
    before = ep.state_hash()
    assert ep.call("find_retail_stores", {"query": "x" * 10_000}).status == "invalid_arguments"
    assert ep.call("find_retail_stores", {"query": "Zoë ../../etc .*( 🙂"}).content["stores"] == []
    assert ep.call("list_store_inventory", {"store_id": "S" * 1000}).status == "invalid_arguments"
    assert ep.call("transfer_store_inventory", {"from_store_id": "STR-001", "to_store_id": "STR-005",
                                                 "sku": "SKU-1", "quantity": -3}).status == "invalid_arguments"
    assert ep.call("search_sku_catalog", {"limit": 0}).status == "invalid_arguments"
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, Any]:
    """Out of stock nearby: reserve at the nearest store, pick up, rebalance from a sister store and reorder."""
    seattle = ok(ep, "find_retail_stores", {"city": "Seattle", "open_now_only": True})["stores"]
    home = seattle[0]["store_id"]
    line = next(line for line in ok(ep, "list_store_inventory", {"store_id": home, "stock_filter": "out_of_stock",
                                                                  "limit": 1000})["lines"]
                if line["sku_status"] == "active")
    nearest = ok(ep, "find_sku_in_stores", {"sku": line["sku"], "near_store_id": home, "min_available": 3})
    source = next(s for s in nearest["stores"] if s["open_now"])
    reservation = ok(ep, "reserve_store_pickup", {"store_id": source["store_id"], "sku": line["sku"], "quantity": 1,
                                                   "customer_name": "Dana Whitfield"})
    ok(ep, "complete_store_pickup", {"reservation_id": reservation["reservation_id"]})
    shipment = ok(ep, "transfer_store_inventory", {"from_store_id": source["store_id"], "to_store_id": home,
                                                    "sku": line["sku"], "quantity": 2})
    transfer_id = shipment["transfer"]["transfer_id"]
    ok(ep, "receive_store_transfer", {"transfer_id": transfer_id})
    sku = ok(ep, "search_sku_catalog", {"query": line["sku"]})["skus"][0]
    order = ok(ep, "create_store_restock_order", {"store_id": home, "sku": line["sku"],
                                                   "quantity": sku["min_order_qty"] * 2})
    return {
        "home": home,
        "source": source["store_id"],
        "source_on_hand": source["on_hand"],
        "sku": line["sku"],
        "reservation_id": reservation["reservation_id"],
        "transfer_id": transfer_id,
        "restock_order_id": order["restock_order_id"],
        "ordered": sku["min_order_qty"] * 2,
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = open_server(SERVER), open_server(SERVER)
    untouched = first.state_hash()
    ids = _scenario(first)
    assert first.state_hash() != untouched
    assert _scenario(replay) == ids and replay.state_hash() == first.state_hash()

    assert _line(first, ids["home"], ids["sku"])["on_hand"] == 2
    assert _line(first, ids["home"], ids["sku"])["incoming"] == ids["ordered"]
    assert _line(first, ids["source"], ids["sku"])["on_hand"] == ids["source_on_hand"] - 3
    picked = _reservation(first, "picked_up", reservation_id=ids["reservation_id"])
    assert picked["store_id"] == ids["source"]
    done = ok(first, "list_store_shipments", {"store_id": ids["home"], "status": "completed", "kind": "transfers"})
    assert done["transfers"][0]["transfer_id"] == ids["transfer_id"]
    pending = ok(first, "list_store_shipments", {"store_id": ids["home"], "kind": "restock_orders"})
    assert pending["restock_orders"][0]["restock_order_id"] == ids["restock_order_id"]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=4), Episode.open([SERVER], seed=4)
    assert ok(a, "list_store_pickups", {"status": "any"}) == ok(b, "list_store_pickups", {"status": "any"})


def test_default_world_is_large_and_varied():
    world = world_of(open_server(SERVER))
    assert len(world["stores"]) == 25 and len(world["skus"]) == 150
    carried = [units for stock in world["stock"].values() for units in stock.values()]
    assert len(carried) > 2500 and carried.count(0) > 100
    assert {s["status"] for s in world["stores"].values()} == {"open", "temporarily_closed"}
    assert {s["status"] for s in world["skus"].values()} == {"active", "discontinued"}
    assert sum(bool(s["regional_prices"]) for s in world["skus"].values()) >= 15
    assert len(world["reservations"]) >= 40 and len(world["transfers"]) >= 20 and len(world["restock_orders"]) >= 30
    assert {r["status"] for r in world["restock_orders"].values()} == {"placed", "shipped", "delivered"}
    assert len(RetailChainWorld.new_world(0).canonical_json()) < 150_000
