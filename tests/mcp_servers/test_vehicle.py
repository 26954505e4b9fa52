"""Behaviour of the connected-car server, through the public Episode API.

Vehicles in a given state are discovered in the seed-0 world (through the tools, or through `Episode.snapshot()` for
what the app does not show, such as a valet PIN or another driver's private vehicle) rather than hard-coded.
"""

from collections.abc import Callable
from typing import Any

import pytest

from mcp_servers import Episode
from mcp_servers.vehicle.world import VehicleWorld
from tests.helpers import fails, ok, open_server, world_of

SERVER = "vehicle"
Vehicle = dict[str, Any]


def _garage(ep: Episode) -> list[Vehicle]:
    return ok(ep, "list_garage_vehicles")["vehicles"]


def _status(ep: Episode, vin: str) -> Vehicle:
    return ok(ep, "get_vehicle_status", {"vin": vin})


def _find(ep: Episode, test: Callable[[Vehicle], bool]) -> Vehicle:
    """The full status of the first vehicle in the driver's garage passing `test`."""
    for summary in _garage(ep):
        status = _status(ep, summary["vin"])
        if test(status):
            return status
    raise AssertionError("no such vehicle in the seed-0 garage")


def _idle(v: Vehicle) -> bool:
    """Parked, closed, locked, powered off, with a healthy starter battery and charge."""
    return (
        v["gear"] == "park"
        and v["speed_kph"] == 0
        and v["ignition"] == "off"
        and not v["engine_running"]
        and not v["trunk_open"]
        and not v["valet_mode"]
        and all(d["locked"] and not d["open"] for d in v["doors"])
        and v["aux_battery_volts"] >= 11.8
        and (v["battery_soc_pct"] or 100) >= 20
    )


def _driving(v: Vehicle) -> bool:
    return v["speed_kph"] > 0


def _owned_idle(v: Vehicle) -> bool:
    return _idle(v) and v["role"] == "owner"


def _foreign_vin(ep: Episode) -> str:
    world = world_of(ep)
    me = world["acting_driver_id"]
    return next(v["vin"] for v in world["vehicles"].values() if v["owner_id"] != me and me not in v["shared_with"])


# ----- discovery -----


def test_list_garage_vehicles_shows_owned_and_shared_vehicles_only():
    ep = open_server(SERVER)
    world = world_of(ep)
    garage = ok(ep, "list_garage_vehicles")
    me = world["acting_driver_id"]
    assert garage["driver_id"] == me
    assert garage["driver_name"] == world["drivers"][me]["full_name"]
    vins = {v["vin"] for v in garage["vehicles"]}
    usable = {v["vin"] for v in world["vehicles"].values() if v["owner_id"] == me or me in v["shared_with"]}
    assert vins == usable and 3 <= len(vins) < len(world["vehicles"])
    roles = {v["vin"]: v["role"] for v in garage["vehicles"]}
    assert {roles[vin] for vin in vins} == {"owner", "shared"}
    electric = ok(ep, "list_garage_vehicles", {"powertrain": "electric"})["vehicles"]
    assert electric and all(v["powertrain"] == "electric" and v["charging_state"] for v in electric)


def test_get_vehicle_status_reports_state_range_and_open_alerts_without_the_valet_pin():
    ep = open_server(SERVER)
    valet = _find(ep, lambda v: v["valet_mode"])
    assert "valet_pin" not in valet
    assert valet["role"] == "owner"
    flat = _find(ep, lambda v: (v["battery_soc_pct"] or 100) < 5)
    assert flat["range_km"] == round(flat["battery_soc_pct"] / 100 * flat["full_range_km"], 1)
    assert flat["open_alert_ids"]
    remote = _find(ep, lambda v: v["remote_start_until"] is not None)
    assert remote["engine_running"] and remote["climate"]["on"]
    assert 0 < remote["remote_start_minutes_left"] <= 15


def test_check_vehicle_tire_pressure_flags_a_soft_tire():
    ep = open_server(SERVER)
    soft = next(a for a in ok(ep, "list_vehicle_service_alerts")["alerts"] if a["code"] == "TIRE_PRESSURE_LOW")
    report = ok(ep, "check_vehicle_tire_pressure", {"vin": soft["vin"]})
    assert not report["all_ok"]
    low = [t for t in report["tires"] if t["status"] == "low"]
    assert len(low) == 1 and low[0]["pressure_kpa"] < report["recommended_kpa"] * 0.85
    assert low[0]["pressure_psi"] == round(low[0]["pressure_kpa"] / 6.895, 1)
    healthy = _find(ep, lambda v: v["vin"] != soft["vin"])
    assert ok(ep, "check_vehicle_tire_pressure", {"vin": healthy["vin"]})["all_ok"]


def test_list_vehicle_trips_filters_by_vehicle_driver_place_and_days_newest_first():
    ep = open_server(SERVER)
    everything = ok(ep, "list_vehicle_trips", {"days": 365, "limit": 100})
    trips = everything["trips"]
    assert 60 <= everything["total_matched"] and len(trips) == min(100, everything["total_matched"])
    assert [t["started_at"] for t in trips] == sorted((t["started_at"] for t in trips), reverse=True)
    vin = trips[0]["vin"]
    mine = ok(ep, "list_vehicle_trips", {"vin": vin, "days": 365, "limit": 100})
    assert mine["trips"] and {t["vin"] for t in mine["trips"]} == {vin}
    assert mine["total_distance_km"] == round(sum(t["distance_km"] for t in mine["trips"]), 1)
    driver = trips[0]["driver_id"]
    by_driver = ok(ep, "list_vehicle_trips", {"driver_id": driver, "days": 365})["trips"]
    assert by_driver and all(t["driver_id"] == driver for t in by_driver)
    place = trips[0]["destination"]
    at_place = ok(ep, "list_vehicle_trips", {"place": place.upper(), "days": 365})["trips"]
    assert at_place and all(place in (t["origin"], t["destination"]) for t in at_place)
    week = ok(ep, "list_vehicle_trips", {"days": 7, "limit": 100})
    assert week["total_matched"] < everything["total_matched"]


def test_get_vehicle_trip_adds_addresses_vehicle_and_driver():
    ep = open_server(SERVER)
    trip = ok(ep, "list_vehicle_trips", {"limit": 1})["trips"][0]
    details = ok(ep, "get_vehicle_trip", {"trip_id": trip["trip_id"]})
    assert details["trip_id"] == trip["trip_id"] and details["distance_km"] == trip["distance_km"]
    world = world_of(ep)
    assert details["destination_address"] == world["places"][trip["destination"]]["address"]
    assert details["driver_name"] == world["drivers"][trip["driver_id"]]["full_name"]
    assert details["vehicle_nickname"] == world["vehicles"][trip["vin"]]["nickname"]
    fails(ep, "get_vehicle_trip", {"trip_id": "TRP-9999"}, "Unknown trip", "list_vehicle_trips")


def test_list_vehicle_service_alerts_hides_acknowledged_unless_asked():
    ep = open_server(SERVER)
    open_alerts = ok(ep, "list_vehicle_service_alerts")["alerts"]
    assert open_alerts and not any(a["acknowledged"] for a in open_alerts)
    every = ok(ep, "list_vehicle_service_alerts", {"include_acknowledged": True})["alerts"]
    assert len(every) >= len(open_alerts)
    vin = open_alerts[0]["vin"]
    one = ok(ep, "list_vehicle_service_alerts", {"vin": vin})["alerts"]
    assert one and {a["vin"] for a in one} == {vin}
    assert [a["raised_at"] for a in every] == sorted((a["raised_at"] for a in every), reverse=True)


def test_search_vehicle_destinations_matches_words_category_and_sorts_by_distance():
    ep = open_server(SERVER)
    by_words = ok(ep, "search_vehicle_destinations", {"query": "fast CHARGE"})["places"]
    assert by_words and all("fast charge" in p["name"].lower() for p in by_words)
    vin = _garage(ep)[0]["vin"]
    near = ok(ep, "search_vehicle_destinations", {"category": "charging_station", "near_vin": vin, "limit": 50})
    distances = [p["distance_km"] for p in near["places"]]
    assert distances == sorted(distances) and all(p["category"] == "charging_station" for p in near["places"])
    assert all(p["drive_minutes"] >= 1 for p in near["places"])
    everything = ok(ep, "search_vehicle_destinations", {"limit": 50})
    assert everything["total_matched"] == len(world_of(ep)["places"])
    assert ok(ep, "search_vehicle_destinations", {"query": "zzqx nowhere"}) == {"places": [], "total_matched": 0}


# ----- access -----

VIN_TOOLS: list[tuple[str, dict[str, Any], str]] = [
    ("get_vehicle_status", {}, "vin"),
    ("check_vehicle_tire_pressure", {}, "vin"),
    ("list_vehicle_trips", {}, "vin"),
    ("list_vehicle_service_alerts", {}, "vin"),
    ("search_vehicle_destinations", {}, "near_vin"),
    ("lock_vehicle_doors", {}, "vin"),
    ("unlock_vehicle_doors", {}, "vin"),
    ("set_vehicle_windows", {"open_percent": 10}, "vin"),
    ("set_vehicle_trunk", {"open": True}, "vin"),
    ("start_car_engine", {}, "vin"),
    ("stop_car_engine", {}, "vin"),
    ("set_vehicle_ignition", {"mode": "on"}, "vin"),
    ("shift_vehicle_gear", {"gear": "drive"}, "vin"),
    ("set_vehicle_climate", {"on": True}, "vin"),
    ("set_car_navigation_destination", {"destination": "Pike Place Market"}, "vin"),
    ("set_vehicle_charging", {"action": "start"}, "vin"),
    ("schedule_vehicle_charging", {"start_hour": 23}, "vin"),
    ("set_vehicle_valet_mode", {"enabled": True, "valet_pin": "4821"}, "vin"),
    ("set_vehicle_speed_limit", {"enabled": True}, "vin"),
]


@pytest.mark.parametrize(("tool", "arguments", "vin_arg"), VIN_TOOLS, ids=[t[0] for t in VIN_TOOLS])
def test_vehicle_tools_refuse_unknown_vehicles_and_vehicles_not_shared_with_the_driver(tool, arguments, vin_arg):
    ep = open_server(SERVER)
    foreign = _foreign_vin(ep)
    fails(ep, tool, {**arguments, vin_arg: foreign}, foreign, "not shared with you", "list_garage_vehicles")
    fails(ep, tool, {**arguments, vin_arg: "1HGZZZ00000000000"}, "Unknown vehicle", "list_garage_vehicles")


def test_vins_are_matched_regardless_of_case_and_spacing():
    ep = open_server(SERVER)
    vin = _garage(ep)[0]["vin"]
    assert _status(ep, f"  {vin.lower()} ")["vin"] == vin


# ----- doors, windows, trunk -----


def test_unlock_then_lock_vehicle_doors():
    ep = open_server(SERVER)
    vin = _find(ep, _idle)["vin"]
    unlocked = ok(ep, "unlock_vehicle_doors", {"vin": vin})
    assert not any(d["locked"] for d in unlocked["doors"])
    assert not any(d["locked"] for d in _status(ep, vin)["doors"])
    locked = ok(ep, "lock_vehicle_doors", {"vin": vin})
    assert all(d["locked"] for d in locked["doors"])
    assert next(v for v in _garage(ep) if v["vin"] == vin)["all_doors_locked"]


def test_lock_vehicle_doors_fails_while_a_door_or_the_trunk_is_open():
    ep = open_server(SERVER)
    ajar = _find(ep, lambda v: any(d["open"] for d in v["doors"]))
    position = next(d["position"] for d in ajar["doors"] if d["open"]).replace("_", " ")
    fails(ep, "lock_vehicle_doors", {"vin": ajar["vin"]}, "cannot lock", position, "door is open")
    trunk = _find(ep, lambda v: v["trunk_open"])
    fails(ep, "lock_vehicle_doors", {"vin": trunk["vin"]}, "trunk is open", "set_vehicle_trunk")


def test_unlock_vehicle_doors_fails_while_moving():
    ep = open_server(SERVER)
    moving = _find(ep, _driving)
    fails(ep, "unlock_vehicle_doors", {"vin": moving["vin"]}, "moving", "km/h")


def test_set_vehicle_windows_opens_one_or_all_windows():
    ep = open_server(SERVER)
    vin = _find(ep, _idle)["vin"]
    one = ok(ep, "set_vehicle_windows", {"vin": vin, "open_percent": 40, "window": "rear_left"})
    assert one["windows_open_pct"] == {"front_left": 0, "front_right": 0, "rear_left": 40, "rear_right": 0}
    ok(ep, "set_vehicle_windows", {"vin": vin, "open_percent": 0})
    assert set(_status(ep, vin)["windows_open_pct"].values()) == {0}


def test_set_vehicle_windows_only_vents_above_highway_speed():
    ep = open_server(SERVER)
    moving = _find(ep, lambda v: v["speed_kph"] > 90)
    fails(ep, "set_vehicle_windows", {"vin": moving["vin"], "open_percent": 50}, "at most 20%")
    vented = ok(ep, "set_vehicle_windows", {"vin": moving["vin"], "open_percent": 20, "window": "front_left"})
    assert vented["windows_open_pct"]["front_left"] == 20


def test_set_vehicle_trunk_opens_and_closes_in_park():
    ep = open_server(SERVER)
    vin = _find(ep, _idle)["vin"]
    assert ok(ep, "set_vehicle_trunk", {"vin": vin, "open": True})["trunk_open"]
    assert _status(ep, vin)["trunk_open"]
    assert not ok(ep, "set_vehicle_trunk", {"vin": vin, "open": False})["trunk_open"]


def test_set_vehicle_trunk_refuses_in_valet_mode_or_out_of_park():
    ep = open_server(SERVER)
    valet = _find(ep, lambda v: v["valet_mode"])
    fails(ep, "set_vehicle_trunk", {"vin": valet["vin"], "open": True}, "valet mode")
    moving = _find(ep, _driving)
    fails(ep, "set_vehicle_trunk", {"vin": moving["vin"], "open": True}, "open the trunk", "park")


# ----- engine, ignition, gear -----


def test_start_car_engine_remotely_runs_for_fifteen_minutes_with_climate_then_stops():
    ep = open_server(SERVER)
    vin = _find(ep, _idle)["vin"]
    started = ok(ep, "start_car_engine", {"vin": vin})
    assert started["engine_running"] and started["climate"]["on"]
    assert started["ignition"] == "off" and started["remote_start_minutes_left"] == 15
    stopped = ok(ep, "stop_car_engine", {"vin": vin})
    assert not stopped["engine_running"] and not stopped["climate"]["on"]
    assert _status(ep, vin)["remote_start_until"] is None


def test_start_car_engine_refuses_open_or_unlocked_doors():
    ep = open_server(SERVER)
    ajar = _find(ep, lambda v: any(d["open"] for d in v["doors"]))
    fails(ep, "start_car_engine", {"vin": ajar["vin"]}, "remote start refused", "open")
    unlocked = _find(ep, lambda v: not any(d["open"] for d in v["doors"]) and not v["doors"][0]["locked"])
    fails(ep, "start_car_engine", {"vin": unlocked["vin"]}, "unlocked", "lock_vehicle_doors")


def test_start_car_engine_refuses_a_flat_battery():
    ep = open_server(SERVER)
    weak = _find(ep, lambda v: v["aux_battery_volts"] < 11.8)
    assert weak["powertrain"] == "petrol"
    fails(ep, "start_car_engine", {"vin": weak["vin"]}, "12 V battery", "too weak")
    flat = _find(ep, lambda v: (v["battery_soc_pct"] or 100) < 5)
    fails(ep, "start_car_engine", {"vin": flat["vin"]}, "battery too low", "charge")


def test_start_and_stop_car_engine_refuse_the_wrong_state():
    ep = open_server(SERVER)
    running = _find(ep, lambda v: v["remote_start_until"] is not None)
    fails(ep, "start_car_engine", {"vin": running["vin"]}, "already running")
    idle = _find(ep, _idle)
    fails(ep, "stop_car_engine", {"vin": idle["vin"]}, "not running")
    moving = _find(ep, _driving)
    fails(ep, "stop_car_engine", {"vin": moving["vin"]}, "stop the engine", "park")


def test_ignition_engine_and_gear_let_the_driver_pull_out_and_park_again():
    ep = open_server(SERVER)
    vin = _find(ep, _idle)["vin"]
    assert ok(ep, "set_vehicle_ignition", {"vin": vin, "mode": "on"})["ignition"] == "on"
    started = ok(ep, "start_car_engine", {"vin": vin})
    assert started["engine_running"] and started["remote_start_minutes_left"] is None
    assert ok(ep, "shift_vehicle_gear", {"vin": vin, "gear": "reverse"})["gear"] == "reverse"
    fails(ep, "set_vehicle_ignition", {"vin": vin, "mode": "off"}, "ignition off", "park")
    fails(ep, "set_vehicle_trunk", {"vin": vin, "open": True}, "park")
    assert ok(ep, "shift_vehicle_gear", {"vin": vin, "gear": "park"})["gear"] == "park"
    stopped = ok(ep, "stop_car_engine", {"vin": vin})
    assert not stopped["engine_running"] and stopped["ignition"] == "on"
    off = ok(ep, "set_vehicle_ignition", {"vin": vin, "mode": "off"})
    assert off["ignition"] == "off" and not off["climate"]["on"]


def test_set_vehicle_ignition_on_takes_over_a_remote_start_and_accessory_needs_the_engine_off():
    ep = open_server(SERVER)
    remote = _find(ep, lambda v: v["remote_start_until"] is not None)
    fails(ep, "set_vehicle_ignition", {"vin": remote["vin"], "mode": "accessory"}, "stop_car_engine")
    taken = ok(ep, "set_vehicle_ignition", {"vin": remote["vin"], "mode": "on"})
    assert taken["engine_running"] and taken["remote_start_until"] is None
    idle = _find(ep, _idle)
    accessory = ok(ep, "set_vehicle_ignition", {"vin": idle["vin"], "mode": "accessory"})
    assert accessory["ignition"] == "accessory" and not accessory["engine_running"]
    moving = _find(ep, _driving)
    fails(ep, "set_vehicle_ignition", {"vin": moving["vin"], "mode": "off"}, "moving")


def test_shift_vehicle_gear_needs_ignition_engine_closed_doors_and_a_stationary_vehicle():
    ep = open_server(SERVER)
    idle = _find(ep, _idle)
    fails(ep, "shift_vehicle_gear", {"vin": idle["vin"], "gear": "drive"}, "out of park", "ignition is off")
    remote = _find(ep, lambda v: v["remote_start_until"] is not None)
    fails(ep, "shift_vehicle_gear", {"vin": remote["vin"], "gear": "drive"}, "set_vehicle_ignition")
    moving = _find(ep, _driving)
    fails(ep, "shift_vehicle_gear", {"vin": moving["vin"], "gear": "park"}, "change gear", "moving")
    ajar = _find(ep, lambda v: any(d["open"] for d in v["doors"]))
    ok(ep, "set_vehicle_ignition", {"vin": ajar["vin"], "mode": "on"})
    ok(ep, "start_car_engine", {"vin": ajar["vin"]})
    fails(ep, "shift_vehicle_gear", {"vin": ajar["vin"], "gear": "drive"}, "door or the trunk is open")


# ----- climate -----


def test_set_vehicle_climate_sets_temperature_fan_and_seat_heating_when_powered():
    ep = open_server(SERVER)
    remote = _find(ep, lambda v: v["remote_start_until"] is not None)
    vin = remote["vin"]
    result = ok(
        ep,
        "set_vehicle_climate",
        {"vin": vin, "on": True, "target_temp_c": 23.4, "fan_speed": 5, "driver_seat_heat": 2},
    )
    assert result["climate"]["target_temp_c"] == 23.5 and result["climate"]["fan_speed"] == 5
    assert result["climate"]["seat_heating"] == {"driver": 2, "passenger": 0}
    off = ok(ep, "set_vehicle_climate", {"vin": vin, "on": False, "driver_seat_heat": 0})
    assert not off["climate"]["on"] and _status(ep, vin)["climate"]["seat_heating"]["driver"] == 0


def test_set_vehicle_climate_refuses_out_of_range_temperatures_and_an_unpowered_car():
    ep = open_server(SERVER)
    remote = _find(ep, lambda v: v["remote_start_until"] is not None)
    fails(ep, "set_vehicle_climate", {"vin": remote["vin"], "on": True, "target_temp_c": 31}, "out of range", "16")
    fails(ep, "set_vehicle_climate", {"vin": remote["vin"], "on": True, "target_temp_c": 15.5}, "out of range")
    idle = _find(ep, _idle)
    fails(ep, "set_vehicle_climate", {"vin": idle["vin"], "on": True}, "no cabin power", "start_car_engine")
    fails(ep, "set_vehicle_climate", {"vin": idle["vin"], "on": False, "passenger_seat_heat": 1}, "no cabin power")
    assert not ok(ep, "set_vehicle_climate", {"vin": idle["vin"], "on": False})["climate"]["on"]


# ----- navigation -----


def test_set_car_navigation_destination_by_name_or_address_sets_route_and_eta():
    ep = open_server(SERVER)
    vehicle = _find(ep, lambda v: _idle(v) and v["location"]["place"] != "Lumen Field")
    plan = ok(ep, "set_car_navigation_destination", {"vin": vehicle["vin"], "destination": "lumen field"})
    assert plan["navigation"]["destination"] == "Lumen Field"
    assert plan["drive_minutes"] >= 1 and plan["range_warning"] is None and plan["suggested_stops"] == []
    assert _status(ep, vehicle["vin"])["navigation"] == plan["navigation"]
    address = ok(ep, "search_vehicle_destinations", {"query": "Tacoma Dome"})["places"][0]["address"]
    by_address = ok(ep, "set_car_navigation_destination", {"vin": vehicle["vin"], "destination": address})
    assert by_address["navigation"]["destination"] == "Tacoma Dome"


def test_set_car_navigation_destination_works_while_driving_and_warns_when_out_of_range():
    ep = open_server(SERVER)
    moving = _find(ep, _driving)
    assert ok(ep, "set_car_navigation_destination", {"vin": moving["vin"], "destination": "Home"})["navigation"]
    flat = _find(ep, lambda v: (v["battery_soc_pct"] or 100) < 5)
    plan = ok(ep, "set_car_navigation_destination", {"vin": flat["vin"], "destination": "Portland Union Station"})
    assert "charge" in plan["range_warning"] and len(plan["suggested_stops"]) == 3
    stations = ok(ep, "search_vehicle_destinations", {"category": "charging_station", "near_vin": flat["vin"]})
    assert plan["suggested_stops"] == [p["name"] for p in stations["places"][:3]]


def test_set_car_navigation_destination_refuses_unknown_places_and_the_current_spot():
    ep = open_server(SERVER)
    vin = _find(ep, _idle)["vin"]
    error = fails(ep, "set_car_navigation_destination", {"vin": vin, "destination": "Ballard Pizza"}, "unknown")
    assert "Ballard Fast Charge Hub" in error and "search_vehicle_destinations" in error
    parked = _find(ep, lambda v: v["location"]["place"] is not None and not _driving(v))
    fails(
        ep, "set_car_navigation_destination", {"vin": parked["vin"], "destination": parked["location"]["place"]},
        "already parked",
    )


# ----- charging -----


def _plugged_ev(v: Vehicle) -> bool:
    return v["charging"] is not None and v["charging"]["plugged_in"] and v["charging"]["state"] != "charging"


def test_set_vehicle_charging_starts_and_stops_a_plugged_in_vehicle():
    ep = open_server(SERVER)
    vin = _find(ep, _plugged_ev)["vin"]
    started = ok(ep, "set_vehicle_charging", {"vin": vin, "action": "start"})
    assert started["charging"]["state"] == "charging" and started["charging"]["power_kw"] > 0
    assert started["minutes_to_limit"] > 0
    fails(ep, "set_vehicle_charging", {"vin": vin, "action": "start"}, "already charging")
    stopped = ok(ep, "set_vehicle_charging", {"vin": vin, "action": "stop"})
    assert stopped["charging"]["state"] == "plugged_in" and stopped["minutes_to_limit"] is None
    fails(ep, "set_vehicle_charging", {"vin": vin, "action": "stop"}, "not charging")
    assert _status(ep, vin)["charging"]["state"] == "plugged_in"


def test_set_vehicle_charging_refuses_petrol_cars_unplugged_cars_and_a_full_battery():
    ep = open_server(SERVER)
    petrol = _find(ep, lambda v: v["powertrain"] == "petrol")
    fails(ep, "set_vehicle_charging", {"vin": petrol["vin"], "action": "start"}, "petrol", "no charging port")
    flat = _find(ep, lambda v: (v["battery_soc_pct"] or 100) < 5)
    fails(ep, "set_vehicle_charging", {"vin": flat["vin"], "action": "start"}, "not plugged in")
    plugged = _find(ep, lambda v: _plugged_ev(v) and v["battery_soc_pct"] > 50)
    ok(ep, "schedule_vehicle_charging", {"vin": plugged["vin"], "start_hour": 1, "charge_limit_pct": 50})
    fails(ep, "set_vehicle_charging", {"vin": plugged["vin"], "action": "start"}, "charge limit", "schedule_vehicle")


def test_schedule_vehicle_charging_sets_time_and_limit_and_can_be_cancelled():
    ep = open_server(SERVER)
    vin = _find(ep, lambda v: _plugged_ev(v) and v["battery_soc_pct"] < 90)["vin"]
    scheduled = ok(
        ep, "schedule_vehicle_charging", {"vin": vin, "start_hour": 2, "start_minute": 5, "charge_limit_pct": 90}
    )
    assert scheduled["charging"]["scheduled_start"] == "02:05" and scheduled["charging"]["charge_limit_pct"] == 90
    assert scheduled["charging"]["state"] == "scheduled"
    cancelled = ok(ep, "set_vehicle_charging", {"vin": vin, "action": "cancel_schedule"})
    assert cancelled["charging"]["scheduled_start"] is None and cancelled["charging"]["state"] == "plugged_in"
    fails(ep, "set_vehicle_charging", {"vin": vin, "action": "cancel_schedule"}, "no charging schedule")
    petrol = _find(ep, lambda v: v["powertrain"] == "petrol")
    fails(ep, "schedule_vehicle_charging", {"vin": petrol["vin"], "start_hour": 2}, "petrol")


# ----- owner modes and alerts -----


def test_set_vehicle_valet_mode_on_and_off_with_the_owners_pin():
    ep = open_server(SERVER)
    vin = _find(ep, _owned_idle)["vin"]
    assert ok(ep, "set_vehicle_valet_mode", {"vin": vin, "enabled": True, "valet_pin": "4821"})["valet_mode"]
    fails(ep, "set_vehicle_trunk", {"vin": vin, "open": True}, "valet mode")
    fails(ep, "set_vehicle_valet_mode", {"vin": vin, "enabled": True, "valet_pin": "4821"}, "already on")
    fails(ep, "set_vehicle_valet_mode", {"vin": vin, "enabled": False, "valet_pin": "1111"}, "incorrect valet pin")
    assert not ok(ep, "set_vehicle_valet_mode", {"vin": vin, "enabled": False, "valet_pin": "4821"})["valet_mode"]
    fails(ep, "set_vehicle_valet_mode", {"vin": vin, "enabled": False, "valet_pin": "4821"}, "already off")
    assert world_of(ep)["vehicles"][vin]["valet_pin"] is None


def test_set_vehicle_valet_mode_turns_off_a_preset_valet_mode_with_its_pin():
    ep = open_server(SERVER)
    valet = _find(ep, lambda v: v["valet_mode"])
    pin = world_of(ep)["vehicles"][valet["vin"]]["valet_pin"]
    ok(ep, "set_vehicle_valet_mode", {"vin": valet["vin"], "enabled": False, "valet_pin": pin})
    assert ok(ep, "set_vehicle_trunk", {"vin": valet["vin"], "open": True})["trunk_open"]


def test_owner_modes_refuse_shared_vehicles_and_moving_vehicles():
    ep = open_server(SERVER)
    shared = _find(ep, lambda v: v["role"] == "shared" and not _driving(v))
    fails(ep, "set_vehicle_valet_mode", {"vin": shared["vin"], "enabled": True, "valet_pin": "4821"}, "only the owner")
    fails(ep, "set_vehicle_speed_limit", {"vin": shared["vin"], "enabled": True}, "only the owner")
    moving = _find(ep, lambda v: _driving(v) and v["role"] == "owner")
    fails(ep, "set_vehicle_valet_mode", {"vin": moving["vin"], "enabled": True, "valet_pin": "4821"}, "park")
    fails(ep, "set_vehicle_speed_limit", {"vin": moving["vin"], "enabled": True}, "park")


def test_set_vehicle_speed_limit_caps_and_uncaps_top_speed_but_not_in_valet_mode():
    ep = open_server(SERVER)
    vin = _find(ep, _owned_idle)["vin"]
    capped = ok(ep, "set_vehicle_speed_limit", {"vin": vin, "enabled": True, "max_kph": 90})
    assert capped["speed_limit_enabled"] and capped["speed_limit_kph"] == 90
    assert not ok(ep, "set_vehicle_speed_limit", {"vin": vin, "enabled": False})["speed_limit_enabled"]
    assert _status(ep, vin)["speed_limit_kph"] == 90
    valet = _find(ep, lambda v: v["valet_mode"])
    fails(ep, "set_vehicle_speed_limit", {"vin": valet["vin"], "enabled": False}, "valet mode")


def test_acknowledge_vehicle_service_alert_closes_it_once():
    ep = open_server(SERVER)
    alert = ok(ep, "list_vehicle_service_alerts")["alerts"][0]
    before = _status(ep, alert["vin"])["open_alert_ids"]
    done = ok(ep, "acknowledge_vehicle_service_alert", {"alert_id": alert["alert_id"]})
    assert done["acknowledged"] and done["acknowledged_at"] == world_of(ep)["now"].replace("+00:00", "Z")
    assert alert["alert_id"] in before and alert["alert_id"] not in _status(ep, alert["vin"])["open_alert_ids"]
    assert alert["alert_id"] not in [a["alert_id"] for a in ok(ep, "list_vehicle_service_alerts")["alerts"]]
    fails(ep, "acknowledge_vehicle_service_alert", {"alert_id": alert["alert_id"]}, "already acknowledged")
    fails(ep, "acknowledge_vehicle_service_alert", {"alert_id": "ALR-9999"}, "Unknown service alert")


# ----- scenario and determinism -----


def _morning_routine(ep: Episode) -> tuple[str, str]:
    """Find an idle EV, precondition it, navigate to a nearby charging station, schedule charging, ack an alert."""
    electric = ok(ep, "list_garage_vehicles", {"powertrain": "electric"})["vehicles"]
    vin = next(v["vin"] for v in electric if _idle(_status(ep, v["vin"])))
    ok(ep, "start_car_engine", {"vin": vin})
    ok(ep, "set_vehicle_climate", {"vin": vin, "on": True, "target_temp_c": 22, "passenger_seat_heat": 3})
    stations = ok(ep, "search_vehicle_destinations", {"category": "charging_station", "near_vin": vin})["places"]
    station = next(place for place in stations if place["distance_km"] > 1)
    ok(ep, "set_car_navigation_destination", {"vin": vin, "destination": station["name"]})
    ok(ep, "schedule_vehicle_charging", {"vin": vin, "start_hour": 23, "start_minute": 30, "charge_limit_pct": 85})
    alert = ok(ep, "list_vehicle_service_alerts", {"vin": vin})["alerts"][0]
    ok(ep, "acknowledge_vehicle_service_alert", {"alert_id": alert["alert_id"]})
    return vin, station["name"]


def test_a_chained_scenario_replays_to_the_same_state_and_reads_back():
    first, second = open_server(SERVER), open_server(SERVER)
    initial = first.state_hash()
    vin, station = _morning_routine(first)
    assert _morning_routine(second) == (vin, station)
    assert first.state_hash() == second.state_hash() != initial
    status = _status(first, vin)
    assert status["engine_running"] and status["remote_start_minutes_left"] == 15
    assert status["climate"]["target_temp_c"] == 22 and status["climate"]["seat_heating"]["passenger"] == 3
    assert status["navigation"]["destination"] == station
    assert status["charging"]["scheduled_start"] == "23:30" and status["charging"]["charge_limit_pct"] == 85
    assert status["open_alert_ids"] == []


def test_new_world_is_deterministic_per_seed_and_compact():
    assert Episode.open([SERVER], seed=3).state_hash() == Episode.open([SERVER], seed=3).state_hash()
    assert Episode.open([SERVER], seed=3).state_hash() != Episode.open([SERVER], seed=4).state_hash()
    world = VehicleWorld.new_world(0)
    assert len(world.canonical_json()) < 150_000
    assert 12 <= len(world.vehicles) <= 24 and 60 <= len(world.trips) <= 160
