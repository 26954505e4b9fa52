"""Behaviour of the iot_devices server, through the public Episode API on seed 0.

Test data is found with the discovery tools, or from the episode snapshot for what only the user would know (lock
PINs) and for states no single tool lists, so the tests follow the generated world rather than hard-coded ids.
"""

from datetime import datetime, timedelta
from typing import Any

import pytest

from mcp_servers import Episode
from mcp_servers.iot_devices.world import IotDevicesWorld
from tests.helpers import fails, ok

SERVER = "iot_devices"


@pytest.fixture
def ep() -> Episode:
    episode = Episode.open([SERVER], seed=0)
    yield episode
    episode.close()


# ----- helpers -----


def _world(ep: Episode) -> dict[str, Any]:
    return ep.snapshot()[SERVER]


def _homes(ep: Episode) -> list[dict[str, Any]]:
    return ok(ep, "list_smart_homes")["homes"]


def _house(ep: Episode) -> str:
    return _homes(ep)[0]["home_id"]


def _cabin(ep: Episode) -> str:
    return _homes(ep)[1]["home_id"]


def _devices(ep: Episode, home_id: str, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "list_smart_home_devices", {"home_id": home_id, **filters})["devices"]


def _status(ep: Episode, device_id: str) -> dict[str, Any]:
    return ok(ep, "get_device_status", {"device_id": device_id})


def _details(ep: Episode, home_id: str, device_type: str) -> list[dict[str, Any]]:
    return [_status(ep, d["device_id"]) for d in _devices(ep, home_id, device_type=device_type)]


def _member(ep: Episode, relationship: str) -> dict[str, Any]:
    return next(m for h in _homes(ep) for m in h["members"] if m["relationship"] == relationship)


def _online_light(ep: Episode, tunable: bool | None = None) -> dict[str, Any]:
    return next(
        d for d in _details(ep, _house(ep), "light")
        if d["online"] and (tunable is None or ("color_temperature" in d["capabilities"]) == tunable)
    )


def _lock(ep: Episode, predicate: Any) -> dict[str, Any]:
    return next(d for home in _homes(ep) for d in _details(ep, home["home_id"], "lock") if predicate(d))


def _good_lock(d: dict[str, Any]) -> bool:
    return d["online"] and d["battery_pct"] >= 15


def _pins(ep: Episode, device_id: str) -> dict[str, str]:
    """The PINs of a lock's codes by label: what the user would say."""
    return {c["label"]: c["pin"] for c in _world(ep)["access_codes"].values() if c["device_id"] == device_id}


def _thermostat(ep: Episode, **wanted: Any) -> dict[str, Any]:
    return next(
        d for home in _homes(ep) for d in _details(ep, home["home_id"], "thermostat")
        if all(d[key] == value for key, value in wanted.items())
    )


# ----- discovery -----


def test_list_smart_homes_shows_two_homes_with_members_and_roles(ep):
    homes = _homes(ep)
    assert len(homes) == 2
    assert sum(len(h["room_ids"]) for h in homes) == 20
    assert 70 <= sum(h["device_count"] for h in homes) <= 90
    roles = {m["role"] for h in homes for m in h["members"]}
    assert roles == {"owner", "member", "guest"}
    guest = _member(ep, "Dog walker")
    assert guest["allowed_device_ids"] and homes[0]["home_id"] in guest["home_ids"]
    assert all(h["owner_id"] == "MBR-01" for h in homes)
    assert any(h["offline_device_ids"] for h in homes)


def test_list_smart_home_rooms_gives_every_device_of_the_home(ep):
    house = _house(ep)
    rooms = ok(ep, "list_smart_home_rooms", {"home_id": house})["rooms"]
    in_rooms = sorted(d for room in rooms for d in room["device_ids"])
    assert in_rooms == sorted(d["device_id"] for d in _devices(ep, house))
    assert any(room["temperature_c"] is not None for room in rooms)
    fails(ep, "list_smart_home_rooms", {"home_id": "HOME-99"}, "Unknown home", "list_smart_homes")


def test_list_smart_home_devices_filters_by_room_type_status_battery_and_name(ep):
    house, cabin = _house(ep), _cabin(ep)
    room = ok(ep, "list_smart_home_rooms", {"home_id": house})["rooms"][0]
    in_room = _devices(ep, house, room_id=room["room_id"])
    assert {d["device_id"] for d in in_room} == set(room["device_ids"])
    locks = _devices(ep, house, device_type="lock")
    assert locks and all(d["type"] == "lock" for d in locks)
    offline = _devices(ep, house, online=False)
    assert offline and all(not d["online"] and d["state"].startswith("offline") for d in offline)
    weak = _devices(ep, house, battery_below=15)
    assert any(d["type"] == "lock" for d in weak)
    assert all(d["battery_pct"] < 15 for d in weak)
    named = _devices(ep, house, name_contains="robot vacuum")
    assert len(named) == 2
    assert len(ok(ep, "list_smart_home_devices", {"home_id": house, "limit": 3})["devices"]) == 3
    cabin_room = ok(ep, "list_smart_home_rooms", {"home_id": cabin})["rooms"][0]["room_id"]
    fails(ep, "list_smart_home_devices", {"home_id": house, "room_id": cabin_room}, "belongs to home")
    fails(ep, "list_smart_home_devices", {"home_id": house, "room_id": "ROOM-999"}, "Unknown room")


def test_get_device_status_shows_capabilities_and_limits(ep):
    light = _online_light(ep, tunable=True)
    assert {"power", "brightness", "color_temperature"} <= set(light["capabilities"])
    assert any("color temperature" in limit for limit in light["limits"])
    thermostat = _thermostat(ep, online=True)
    assert "thermostat" in thermostat["capabilities"]
    assert any("5-32 °C" in limit for limit in thermostat["limits"])
    fails(ep, "get_device_status", {"device_id": "DEV-9999"}, "Unknown device", "list_smart_home_devices")


def test_read_sensor_history_lists_readings_newest_first_with_statistics(ep):
    sensor = _devices(ep, _house(ep), device_type="temperature_sensor", online=True)[0]
    history = ok(ep, "read_sensor_history", {"device_id": sensor["device_id"], "hours": 48})
    readings = history["readings"]
    assert history["metric"] == "temperature" and history["unit"] == "°C"
    assert 20 <= len(readings) <= 24
    assert [r["at"] for r in readings] == sorted((r["at"] for r in readings), reverse=True)
    assert history["minimum"] <= history["average"] <= history["maximum"]
    short = ok(ep, "read_sensor_history", {"device_id": sensor["device_id"], "hours": 6, "limit": 2})
    assert len(short["readings"]) == 2 and short["total_matched"] >= 2
    meter = _devices(ep, _house(ep), device_type="energy_meter")[0]
    energy = ok(ep, "read_sensor_history", {"device_id": meter["device_id"], "hours": 336})
    assert energy["metric"] == "energy" and 1 <= energy["total_matched"] <= 14
    light = _online_light(ep)
    fails(ep, "read_sensor_history", {"device_id": light["device_id"]}, "records no sensor history")


def test_a_leak_shows_in_the_leak_sensors_history(ep):
    wet = [d for home in _homes(ep) for d in _devices(ep, home["home_id"], device_type="leak_sensor")
           if d["state"] == "WATER DETECTED"]
    assert len(wet) == 1
    history = ok(ep, "read_sensor_history", {"device_id": wet[0]["device_id"]})
    assert history["readings"][0]["value"] == 1.0


def test_get_smart_home_energy_usage_sums_the_meter_and_metering_plugs(ep):
    house = _house(ep)
    usage = ok(ep, "get_smart_home_energy_usage", {"home_id": house, "days": 7})
    meter = _devices(ep, house, device_type="energy_meter")[0]["device_id"]
    readings = _world(ep)["readings"][meter]
    since = datetime.fromisoformat(usage["since"])
    expected = round(sum(r["value"] for r in readings if datetime.fromisoformat(r["at"]) >= since), 2)
    assert usage["whole_home_kwh"] == expected
    assert usage["whole_home_cost"] == round(expected * usage["rate_per_kwh"], 2)
    kwh = [d["kwh"] for d in usage["devices"]]
    assert kwh == sorted(kwh, reverse=True) and all(d["type"] == "plug" for d in usage["devices"])
    one_day = ok(ep, "get_smart_home_energy_usage", {"home_id": house, "days": 1})
    assert one_day["whole_home_kwh"] < usage["whole_home_kwh"]
    fails(ep, "get_smart_home_energy_usage", {"home_id": "HOME-77"}, "Unknown home")


def test_list_home_scenes_and_automation_rules_reference_devices(ep):
    house = _house(ep)
    scenes = ok(ep, "list_home_scenes", {"home_id": house})["scenes"]
    assert {"Good Morning", "Good Night", "Away", "Movie Night"} <= {s["name"] for s in scenes}
    known = {d["device_id"] for d in _devices(ep, house)}
    assert all(a["device_id"] in known for s in scenes for a in s["actions"])
    rules = ok(ep, "list_automation_rules", {"home_id": house})["automations"]
    assert {r["trigger"]["kind"] for r in rules} == {"time", "sunset", "sensor"}
    disabled = ok(ep, "list_automation_rules", {"home_id": house, "enabled": False})["automations"]
    assert disabled and not any(r["enabled"] for r in disabled)
    lock = _devices(ep, house, device_type="lock")[0]["device_id"]
    involving = ok(ep, "list_automation_rules", {"home_id": house, "device_id": lock})["automations"]
    assert involving and all(
        lock in [a["device_id"] for a in r["actions"]] + [c["device_id"] for c in r["conditions"]]
        for r in involving
    )
    fails(ep, "list_home_scenes", {"home_id": "HOME-00"}, "Unknown home")
    fails(ep, "list_automation_rules", {"home_id": "HOME-00"}, "Unknown home")


def test_list_device_access_codes_hides_pins_and_flags_expired_codes(ep):
    lock = _lock(ep, _good_lock)
    codes = ok(ep, "list_device_access_codes", {"device_id": lock["device_id"]})["codes"]
    assert codes and all("pin" not in c and c["status"] == "active" for c in codes)
    assert any(c["expired"] for c in codes)
    everything = ok(ep, "list_device_access_codes", {"device_id": lock["device_id"], "include_revoked": True})
    assert any(c["status"] == "revoked" for c in everything["codes"])
    light = _online_light(ep)
    fails(ep, "list_device_access_codes", {"device_id": light["device_id"]}, "does not support access codes")


# ----- switching and adjusting -----


def test_turn_device_on_and_off_switch_a_light(ep):
    light = next(d for d in _details(ep, _house(ep), "light") if d["online"] and d["power"] == "off")
    on = ok(ep, "turn_device_on", {"device_id": light["device_id"]})
    assert on["power"] == "on" and on["last_changed_by"] == "MBR-01"
    assert _status(ep, light["device_id"])["state_summary"].startswith("on")
    off = ok(ep, "turn_device_off", {"device_id": light["device_id"], "member_id": "MBR-02"})
    assert off["power"] == "off" and off["last_changed_by"] == "MBR-02"
    assert _status(ep, light["device_id"])["power"] == "off"


def test_turn_device_on_failures_leave_the_world_unchanged(ep):
    house = _house(ep)
    offline = next(d for home in _homes(ep) for d in _devices(ep, home["home_id"], online=False, device_type="light"))
    fails(ep, "turn_device_on", {"device_id": offline["device_id"]}, "offline", "last seen")
    blinds = _devices(ep, house, device_type="blinds")[0]
    fails(ep, "turn_device_on", {"device_id": blinds["device_id"]}, "does not support", "set_device_position")
    sensor = _devices(ep, house, device_type="motion_sensor")[0]
    fails(ep, "turn_device_off", {"device_id": sensor["device_id"]}, "does not support")
    walker = _member(ep, "Dog walker")
    other = next(d for d in _devices(ep, house, device_type="light", online=True)
                 if d["device_id"] not in walker["allowed_device_ids"])
    fails(ep, "turn_device_on", {"device_id": other["device_id"], "member_id": walker["member_id"]},
          "is a guest", "may not control")
    grandparent = _member(ep, "Grandparent")
    fails(ep, "turn_device_on", {"device_id": other["device_id"], "member_id": grandparent["member_id"]},
          "no access")
    fails(ep, "turn_device_on", {"device_id": other["device_id"], "member_id": "MBR-99"}, "Unknown member")
    fails(ep, "turn_device_on", {"device_id": "DEV-0000"}, "Unknown device")


def test_a_guest_controls_the_devices_shared_with_them(ep):
    guests = [m for m in _homes(ep)[0]["members"] if m["role"] == "guest"]
    guest, shared = next(
        (g, d) for g in guests for d in (_status(ep, i) for i in g["allowed_device_ids"])
        if d["online"] and "power" in d["capabilities"]
    )
    result = ok(ep, "turn_device_on", {"device_id": shared["device_id"], "member_id": guest["member_id"]})
    assert result["power"] == "on" and result["last_changed_by"] == guest["member_id"]


def test_set_device_brightness_dims_and_switches_a_light(ep):
    light = _online_light(ep)
    result = ok(ep, "set_device_brightness", {"device_id": light["device_id"], "brightness": 35})
    assert result["light"]["brightness"] == 35 and result["power"] == "on"
    assert _status(ep, light["device_id"])["light"]["brightness"] == 35
    dark = ok(ep, "set_device_brightness", {"device_id": light["device_id"], "brightness": 0})
    assert dark["power"] == "off"
    fails(ep, "set_device_brightness", {"device_id": light["device_id"], "brightness": 150}, "out of range", "0-100")
    fails(ep, "set_device_brightness", {"device_id": light["device_id"], "brightness": -5}, "out of range")
    plug = _devices(ep, _house(ep), device_type="plug", online=True)[0]
    fails(ep, "set_device_brightness", {"device_id": plug["device_id"], "brightness": 50}, "does not support")


def test_set_device_color_temperature_respects_each_bulbs_range(ep):
    light = _online_light(ep, tunable=True)
    low, high = light["light"]["color_temp_min_k"], light["light"]["color_temp_max_k"]
    result = ok(ep, "set_device_color_temperature", {"device_id": light["device_id"], "kelvin": low + 100})
    assert result["light"]["color_temp_k"] == low + 100
    assert _status(ep, light["device_id"])["light"]["color_temp_k"] == low + 100
    fails(ep, "set_device_color_temperature", {"device_id": light["device_id"], "kelvin": high + 500},
          "out of range", f"{low}-{high}")
    plain = _online_light(ep, tunable=False)
    fails(ep, "set_device_color_temperature", {"device_id": plain["device_id"], "kelvin": 3000},
          "does not support color temperature")


def test_set_thermostat_mode_changes_the_mode(ep):
    thermostat = next(d for d in _details(ep, _house(ep), "thermostat") if d["online"]
                      and d["thermostat"]["mode"] != "cool")
    result = ok(ep, "set_thermostat_mode", {"device_id": thermostat["device_id"], "mode": "cool"})
    assert result["thermostat"]["mode"] == "cool"
    assert _status(ep, thermostat["device_id"])["state_summary"].startswith("cooling")


def test_set_thermostat_mode_failures_leave_the_world_unchanged(ep):
    baseboard = next(d for d in _details(ep, _cabin(ep), "thermostat")
                     if d["online"] and d["thermostat"]["supported_modes"] == ["heat", "off"])
    fails(ep, "set_thermostat_mode", {"device_id": baseboard["device_id"], "mode": "cool"},
          "does not support mode", "heat, off")
    offline = _thermostat(ep, online=False)
    fails(ep, "set_thermostat_mode", {"device_id": offline["device_id"], "mode": "heat"}, "offline")
    light = _online_light(ep)
    fails(ep, "set_thermostat_mode", {"device_id": light["device_id"], "mode": "heat"}, "does not support")


def test_set_thermostat_target_sets_the_setpoints(ep):
    thermostat = _thermostat(ep, online=True)
    result = ok(ep, "set_thermostat_target", {"device_id": thermostat["device_id"], "heat_setpoint_c": 20.5,
                                              "cool_setpoint_c": 25.0})
    assert result["thermostat"]["heat_setpoint_c"] == 20.5 and result["thermostat"]["cool_setpoint_c"] == 25.0
    only_heat = ok(ep, "set_thermostat_target", {"device_id": thermostat["device_id"], "heat_setpoint_c": 19.0})
    assert only_heat["thermostat"]["heat_setpoint_c"] == 19.0 and only_heat["thermostat"]["cool_setpoint_c"] == 25.0
    assert _status(ep, thermostat["device_id"])["thermostat"]["heat_setpoint_c"] == 19.0


def test_set_thermostat_target_failures_leave_the_world_unchanged(ep):
    thermostat = _thermostat(ep, online=True)
    device_id = thermostat["device_id"]
    fails(ep, "set_thermostat_target", {"device_id": device_id, "heat_setpoint_c": 40.0}, "out of range", "5-32")
    fails(ep, "set_thermostat_target", {"device_id": device_id, "cool_setpoint_c": 3.0}, "out of range")
    fails(ep, "set_thermostat_target", {"device_id": device_id, "heat_setpoint_c": 22.0, "cool_setpoint_c": 23.0},
          "at least 2 °C above")
    fails(ep, "set_thermostat_target", {"device_id": device_id}, "Give heat_setpoint_c")
    guest = _member(ep, "Grandparent")
    fails(ep, "set_thermostat_target", {"device_id": device_id, "heat_setpoint_c": 20.0,
                                        "member_id": guest["member_id"]}, "no access")


def test_set_device_position_moves_blinds(ep):
    blinds = next(d for d in _details(ep, _house(ep), "blinds") if d["online"] and d["position"] != 40)
    result = ok(ep, "set_device_position", {"device_id": blinds["device_id"], "position": 40})
    assert result["position"] == 40 and result["state_summary"] == "40% open"
    assert _status(ep, blinds["device_id"])["position"] == 40
    fails(ep, "set_device_position", {"device_id": blinds["device_id"], "position": 101}, "out of range")
    light = _online_light(ep)
    fails(ep, "set_device_position", {"device_id": light["device_id"], "position": 50}, "does not support")


# ----- locks and access codes -----


def test_lock_smart_home_door_locks_an_unlocked_door(ep):
    lock = _lock(ep, _good_lock)
    if lock["locked"]:
        pin = _pins(ep, lock["device_id"])["Family"]
        ok(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": pin})
    assert _status(ep, lock["device_id"])["locked"] is False
    result = ok(ep, "lock_smart_home_door", {"device_id": lock["device_id"]})
    assert result["locked"] is True
    assert _status(ep, lock["device_id"])["state_summary"] == "locked"


def test_lock_smart_home_door_failures_leave_the_world_unchanged(ep):
    weak = _lock(ep, lambda d: d["online"] and d["battery_pct"] < 15)
    fails(ep, "lock_smart_home_door", {"device_id": weak["device_id"]}, "Battery too low", f"{weak['battery_pct']}%")
    offline = _lock(ep, lambda d: not d["online"])
    fails(ep, "lock_smart_home_door", {"device_id": offline["device_id"]}, "offline")
    walker = _member(ep, "Dog walker")
    front = _lock(ep, lambda d: _good_lock(d) and d["home_id"] in walker["home_ids"])
    fails(ep, "lock_smart_home_door", {"device_id": front["device_id"], "member_id": walker["member_id"]},
          "is a guest")
    light = _online_light(ep)
    fails(ep, "lock_smart_home_door", {"device_id": light["device_id"]}, "does not support locking")


def test_unlock_smart_home_door_opens_with_an_active_pin(ep):
    lock = _lock(ep, _good_lock)
    pin = _pins(ep, lock["device_id"])["Family"]
    result = ok(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": pin})
    assert result["device"]["locked"] is False and result["code_label"] == "Family"
    codes = ok(ep, "list_device_access_codes", {"device_id": lock["device_id"]})["codes"]
    used = next(c for c in codes if c["code_id"] == result["code_id"])
    assert datetime.fromisoformat(used["last_used_at"]) == datetime.fromisoformat(_world(ep)["now"])


def test_unlock_smart_home_door_failures_leave_the_world_unchanged(ep):
    lock = _lock(ep, lambda d: _good_lock(d) and any(c["expired"] for c in ok(
        ep, "list_device_access_codes", {"device_id": d["device_id"]})["codes"]))
    pins = _pins(ep, lock["device_id"])
    wrong = "0000" if "0000" not in pins.values() else "99999999"
    fails(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": wrong}, "Incorrect PIN")
    fails(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": pins["Dog walker"]}, "expired")
    fails(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": pins["Cleaning service"]},
          "Incorrect PIN")
    weak = _lock(ep, lambda d: d["online"] and d["battery_pct"] < 15)
    fails(ep, "unlock_smart_home_door", {"device_id": weak["device_id"], "pin": _pins(ep, weak["device_id"])["Family"]},
          "Battery too low")
    offline = _lock(ep, lambda d: not d["online"])
    fails(ep, "unlock_smart_home_door",
          {"device_id": offline["device_id"], "pin": _pins(ep, offline["device_id"])["Family"]}, "offline")


def test_create_device_access_code_adds_a_pin_that_opens_the_door(ep):
    lock = _lock(ep, _good_lock)
    sitter = _member(ep, "House sitter")
    code = ok(ep, "create_device_access_code", {"device_id": lock["device_id"], "label": "Plumber", "pin": "86420",
                                                "valid_days": 3, "holder_member_id": sitter["member_id"]})
    assert code["status"] == "active" and not code["expired"] and "pin" not in code
    assert code["member_id"] == sitter["member_id"]
    assert datetime.fromisoformat(code["valid_until"]) - datetime.fromisoformat(code["created_at"]) == timedelta(days=3)
    listed = ok(ep, "list_device_access_codes", {"device_id": lock["device_id"]})["codes"]
    assert code["code_id"] in [c["code_id"] for c in listed]
    opened = ok(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": "86420"})
    assert opened["code_id"] == code["code_id"]


def test_create_device_access_code_failures_leave_the_world_unchanged(ep):
    lock = _lock(ep, _good_lock)
    family = _pins(ep, lock["device_id"])["Family"]
    base = {"device_id": lock["device_id"], "label": "Nanny"}
    fails(ep, "create_device_access_code", {**base, "pin": family}, "already used")
    guest = next(m for m in _homes(ep)[0]["members"] if m["role"] == "guest")
    fails(ep, "create_device_access_code", {**base, "pin": "13579", "member_id": guest["member_id"]},
          "is a guest", "only the owner or members")
    fails(ep, "create_device_access_code", {**base, "pin": "13579", "label": "   "}, "blank")
    offline = _lock(ep, lambda d: not d["online"])
    fails(ep, "create_device_access_code", {**base, "device_id": offline["device_id"], "pin": "13579"}, "offline")
    light = _online_light(ep)
    fails(ep, "create_device_access_code", {**base, "device_id": light["device_id"], "pin": "13579"},
          "does not support access codes")


def test_create_device_access_code_refuses_an_eleventh_active_code(ep):
    lock = _lock(ep, _good_lock)
    active = len(ok(ep, "list_device_access_codes", {"device_id": lock["device_id"]})["codes"])
    for number in range(10 - active):
        ok(ep, "create_device_access_code", {"device_id": lock["device_id"], "label": f"Code {number}",
                                             "pin": f"5{number:04d}"})
    fails(ep, "create_device_access_code", {"device_id": lock["device_id"], "label": "One more", "pin": "777777"},
          "10 active codes")


def test_revoke_device_access_code_stops_the_pin_from_working(ep):
    lock = _lock(ep, _good_lock)
    codes = ok(ep, "list_device_access_codes", {"device_id": lock["device_id"]})["codes"]
    family = next(c for c in codes if c["label"] == "Family")
    pin = _pins(ep, lock["device_id"])["Family"]
    revoked = ok(ep, "revoke_device_access_code", {"code_id": family["code_id"]})
    assert revoked["status"] == "revoked"
    remaining = ok(ep, "list_device_access_codes", {"device_id": lock["device_id"]})["codes"]
    assert family["code_id"] not in [c["code_id"] for c in remaining]
    fails(ep, "unlock_smart_home_door", {"device_id": lock["device_id"], "pin": pin}, "Incorrect PIN")
    fails(ep, "revoke_device_access_code", {"code_id": family["code_id"]}, "already revoked")
    fails(ep, "revoke_device_access_code", {"code_id": "CODE-999"}, "Unknown access code")


# ----- vacuums -----


def _vacuum(ep: Episode, state: str) -> dict[str, Any]:
    return next(d for home in _homes(ep) for d in _details(ep, home["home_id"], "vacuum")
                if d["vacuum"]["state"] == state)


def test_start_device_vacuum_cleaning_cleans_the_given_rooms(ep):
    vacuum = _vacuum(ep, "docked")
    rooms = ok(ep, "list_smart_home_rooms", {"home_id": vacuum["home_id"]})["rooms"][:2]
    room_ids = [room["room_id"] for room in rooms]
    result = ok(ep, "start_device_vacuum_cleaning", {"device_id": vacuum["device_id"], "room_ids": room_ids})
    assert result["vacuum"]["state"] == "cleaning" and result["vacuum"]["cleaning_room_ids"] == room_ids
    assert _status(ep, vacuum["device_id"])["state_summary"] == "cleaning"
    fails(ep, "start_device_vacuum_cleaning", {"device_id": vacuum["device_id"]}, "already cleaning")


def test_start_device_vacuum_cleaning_failures_leave_the_world_unchanged(ep):
    low = _vacuum(ep, "paused")
    fails(ep, "start_device_vacuum_cleaning", {"device_id": low["device_id"]}, "Battery too low", "dock_device_vacuum")
    stuck = _vacuum(ep, "error")
    fails(ep, "start_device_vacuum_cleaning", {"device_id": stuck["device_id"]}, "needs attention", "brush")
    docked = _vacuum(ep, "docked")
    elsewhere = _cabin(ep) if docked["home_id"] == _house(ep) else _house(ep)
    other_room = ok(ep, "list_smart_home_rooms", {"home_id": elsewhere})["rooms"][0]["room_id"]
    fails(ep, "start_device_vacuum_cleaning", {"device_id": docked["device_id"], "room_ids": [other_room]},
          "not in the vacuum's home")
    light = _online_light(ep)
    fails(ep, "start_device_vacuum_cleaning", {"device_id": light["device_id"]}, "does not support cleaning")


def test_dock_device_vacuum_sends_a_vacuum_home_once(ep):
    paused = _vacuum(ep, "paused")
    result = ok(ep, "dock_device_vacuum", {"device_id": paused["device_id"]})
    assert result["vacuum"]["state"] == "docked"
    assert _status(ep, paused["device_id"])["vacuum"]["state"] == "docked"
    fails(ep, "dock_device_vacuum", {"device_id": paused["device_id"]}, "already docked")
    fails(ep, "dock_device_vacuum", {"device_id": _vacuum(ep, "error")["device_id"]}, "needs attention")


# ----- scenes -----


def _scene(ep: Episode, home_id: str, name: str) -> dict[str, Any]:
    return next(s for s in ok(ep, "list_home_scenes", {"home_id": home_id})["scenes"] if s["name"] == name)


def test_run_home_scene_applies_states_and_skips_unreachable_devices(ep):
    house = _house(ep)
    scene = _scene(ep, house, "Good Night")
    result = ok(ep, "run_home_scene", {"scene_id": scene["scene_id"]})
    skipped = {s["device_id"]: s["reason"] for s in result["skipped"]}
    weak = _lock(ep, lambda d: d["online"] and d["battery_pct"] < 15)
    assert "battery too low" in skipped[weak["device_id"]]
    assert any(reason == "offline" for reason in skipped.values())
    for device_id in result["applied_device_ids"]:
        device = _status(ep, device_id)
        if device["type"] == "light":
            assert device["power"] == "off"
        if device["type"] == "lock":
            assert device["locked"] is True
    last_run = _scene(ep, house, "Good Night")["last_run_at"]
    assert datetime.fromisoformat(last_run) == datetime.fromisoformat(_world(ep)["now"])


def test_run_home_scene_refuses_guests(ep):
    scene = _scene(ep, _house(ep), "Movie Night")
    guest = _member(ep, "House sitter")
    fails(ep, "run_home_scene", {"scene_id": scene["scene_id"], "member_id": guest["member_id"]}, "is a guest")
    fails(ep, "run_home_scene", {"scene_id": "SCN-999"}, "Unknown scene")


def test_create_home_scene_saves_current_states_and_restores_them(ep):
    house = _house(ep)
    light = _online_light(ep, tunable=True)
    blinds = next(d for d in _details(ep, house, "blinds") if d["online"])
    ok(ep, "set_device_brightness", {"device_id": light["device_id"], "brightness": 45})
    ok(ep, "set_device_position", {"device_id": blinds["device_id"], "position": 30})
    scene = ok(ep, "create_home_scene", {"home_id": house, "name": "Reading",
                                         "device_ids": [light["device_id"], blinds["device_id"]]})
    assert [a["device_id"] for a in scene["actions"]] == [light["device_id"], blinds["device_id"]]
    assert scene["actions"][0]["brightness"] == 45 and scene["actions"][1]["position"] == 30
    ok(ep, "turn_device_off", {"device_id": light["device_id"]})
    ok(ep, "set_device_position", {"device_id": blinds["device_id"], "position": 100})
    run = ok(ep, "run_home_scene", {"scene_id": scene["scene_id"]})
    assert run["skipped"] == []
    assert _status(ep, light["device_id"])["power"] == "on"
    assert _status(ep, blinds["device_id"])["position"] == 30
    assert scene["scene_id"] in [s["scene_id"] for s in ok(ep, "list_home_scenes", {"home_id": house})["scenes"]]


def test_create_home_scene_failures_leave_the_world_unchanged(ep):
    house, cabin = _house(ep), _cabin(ep)
    light = _online_light(ep)
    fails(ep, "create_home_scene", {"home_id": house, "name": "good night", "device_ids": [light["device_id"]]},
          "already has a scene")
    sensor = _devices(ep, house, device_type="temperature_sensor")[0]
    fails(ep, "create_home_scene", {"home_id": house, "name": "Sensors", "device_ids": [sensor["device_id"]]},
          "no state a scene can set")
    cabin_light = _devices(ep, cabin, device_type="light")[0]
    fails(ep, "create_home_scene", {"home_id": house, "name": "Mixed", "device_ids": [cabin_light["device_id"]]},
          "belongs to home")
    fails(ep, "create_home_scene", {"home_id": house, "name": "Ghost", "device_ids": ["DEV-4040"]},
          "unknown device")
    guest = _member(ep, "House sitter")
    fails(ep, "create_home_scene", {"home_id": house, "name": "Mine", "device_ids": [light["device_id"]],
                                    "member_id": guest["member_id"]}, "is a guest")


# ----- automation rules -----


def test_create_automation_rule_links_a_sensor_to_devices(ep):
    house = _house(ep)
    motion = _devices(ep, house, device_type="motion_sensor")[0]
    light = _online_light(ep)
    lock = _lock(ep, _good_lock)
    rule = ok(ep, "create_automation_rule", {
        "home_id": house, "name": "Motion lights", "trigger_type": "sensor", "trigger_device_id": motion["device_id"],
        "trigger_event": "motion_detected", "action": "turn_on", "action_device_ids": [light["device_id"]],
        "condition_start_time": "21:00", "condition_end_time": "05:30", "condition_device_id": lock["device_id"],
        "condition_state": "locked", "member_id": "MBR-02",
    })
    assert rule["enabled"] and rule["created_by"] == "MBR-02"
    assert rule["trigger"] == {"kind": "sensor", "time": None, "device_id": motion["device_id"],
                               "event": "motion_detected", "threshold": None}
    assert [c["kind"] for c in rule["conditions"]] == ["time_window", "device_state"]
    listed = ok(ep, "list_automation_rules", {"home_id": house, "device_id": light["device_id"]})["automations"]
    assert rule["automation_id"] in [r["automation_id"] for r in listed]
    scene = _scene(ep, house, "Away")
    timed = ok(ep, "create_automation_rule", {"home_id": house, "name": "Away at nine", "trigger_type": "time",
                                              "trigger_time": "09:00", "scene_id": scene["scene_id"]})
    assert timed["scene_id"] == scene["scene_id"] and timed["actions"] == []


def test_create_automation_rule_failures_leave_the_world_unchanged(ep):
    house, cabin = _house(ep), _cabin(ep)
    light = _online_light(ep)
    temperature = _devices(ep, house, device_type="temperature_sensor")[0]["device_id"]
    base = {"home_id": house, "name": "New rule", "trigger_type": "sunset", "action_device_ids": [light["device_id"]]}
    tool = "create_automation_rule"
    fails(ep, tool, {**base, "action_device_ids": ["DEV-9090"]}, "unknown device", "DEV-9090")
    fails(ep, tool, {**base, "trigger_type": "sensor", "trigger_device_id": "DEV-9191", "trigger_event": "opened"},
          "unknown device", "DEV-9191")
    fails(ep, tool, {**base, "condition_device_id": "DEV-9292", "condition_state": "on"}, "unknown device")
    fails(ep, tool, {**base, "action": "lock"}, "does not support the 'lock' action")
    fails(ep, tool, {**base, "trigger_type": "time"}, "needs trigger_time")
    fails(ep, tool, {**base, "trigger_type": "sensor", "trigger_device_id": temperature,
                     "trigger_event": "motion_detected"}, "its events are", "above")
    fails(ep, tool, {**base, "trigger_type": "sensor", "trigger_device_id": temperature, "trigger_event": "above"},
          "trigger_threshold is needed")
    fails(ep, tool, {**base, "trigger_type": "sensor", "trigger_device_id": light["device_id"],
                     "trigger_event": "opened"}, "not a sensor")
    fails(ep, tool, {**base, "trigger_time": "07:00"}, "only used with trigger_type 'time'")
    fails(ep, tool, {**base, "condition_start_time": "07:00"}, "both condition_start_time")
    fails(ep, tool, {**base, "condition_device_id": light["device_id"], "condition_state": "locked"},
          "no 'locked' state")
    fails(ep, tool, {**base, "action_device_ids": []}, "needs action_device_ids")
    cabin_scene = ok(ep, "list_home_scenes", {"home_id": cabin})["scenes"][0]["scene_id"]
    fails(ep, tool, {**base, "scene_id": cabin_scene}, "another home")
    fails(ep, tool, {**base, "name": "lock up at 23:00"}, "already has a rule")
    guest = _member(ep, "House sitter")
    fails(ep, tool, {**base, "member_id": guest["member_id"]}, "is a guest")


def test_set_automation_enabled_toggles_a_rule(ep):
    house = _house(ep)
    rule = ok(ep, "list_automation_rules", {"home_id": house, "enabled": True})["automations"][0]
    result = ok(ep, "set_automation_enabled", {"automation_id": rule["automation_id"], "enabled": False})
    assert result["enabled"] is False
    disabled = ok(ep, "list_automation_rules", {"home_id": house, "enabled": False})["automations"]
    assert rule["automation_id"] in [r["automation_id"] for r in disabled]
    assert ok(ep, "set_automation_enabled", {"automation_id": rule["automation_id"], "enabled": True})["enabled"]


def test_set_automation_enabled_refuses_rules_with_removed_devices(ep):
    house = _house(ep)
    known = {d["device_id"] for d in _devices(ep, house)}
    rules = ok(ep, "list_automation_rules", {"home_id": house, "enabled": False})["automations"]
    broken = next(r for r in rules if r["trigger"]["device_id"] and r["trigger"]["device_id"] not in known)
    fails(ep, "set_automation_enabled", {"automation_id": broken["automation_id"], "enabled": True},
          "unknown device", broken["trigger"]["device_id"])
    guest = _member(ep, "Dog walker")
    fails(ep, "set_automation_enabled", {"automation_id": rules[0]["automation_id"], "enabled": True,
                                         "member_id": guest["member_id"]}, "is a guest")
    fails(ep, "set_automation_enabled", {"automation_id": "AUT-999", "enabled": True}, "Unknown automation rule")


# ----- firmware -----


def test_update_device_firmware_installs_the_latest_version(ep):
    device = next(d for home in _homes(ep) for d in _devices(ep, home["home_id"], online=True)
                  if d["firmware_update_available"] and (d["battery_pct"] is None or d["battery_pct"] >= 30))
    result = ok(ep, "update_device_firmware", {"device_id": device["device_id"]})
    assert result["firmware_version"] == result["latest_firmware"] and not result["firmware_update_available"]
    assert not _status(ep, device["device_id"])["firmware_update_available"]
    fails(ep, "update_device_firmware", {"device_id": device["device_id"]}, "already runs the latest firmware")


def test_update_device_firmware_failures_leave_the_world_unchanged(ep):
    weak = _lock(ep, lambda d: d["online"] and d["battery_pct"] < 15)
    assert weak["firmware_update_available"]
    fails(ep, "update_device_firmware", {"device_id": weak["device_id"]}, "Battery too low", "30%")
    offline = _lock(ep, lambda d: not d["online"])
    fails(ep, "update_device_firmware", {"device_id": offline["device_id"]}, "offline")
    guest = _member(ep, "House sitter")
    fails(ep, "update_device_firmware", {"device_id": offline["device_id"], "member_id": guest["member_id"]},
          "is a guest")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs(ep):
    before = ep.state_hash()
    lock = _lock(ep, _good_lock)
    light = _online_light(ep)
    bad = [
        ("unlock_smart_home_door", {"device_id": lock["device_id"], "pin": "12a4"}),
        ("unlock_smart_home_door", {"device_id": lock["device_id"], "pin": "123"}),
        ("unlock_smart_home_door", {"device_id": lock["device_id"], "pin": 1234}),
        ("set_device_brightness", {"device_id": light["device_id"], "brightness": "50"}),
        ("set_device_brightness", {"device_id": light["device_id"], "brightness": 50.5}),
        ("set_device_brightness", {"device_id": light["device_id"], "brightness": 10**9}),
        ("set_thermostat_target", {"device_id": light["device_id"], "heat_setpoint_c": float("nan")}),
        ("set_thermostat_mode", {"device_id": light["device_id"], "mode": "turbo"}),
        ("turn_device_on", {"device_id": light["device_id"], "extra": 1}),
        ("turn_device_on", {"device_id": "D" * 100_000}),
        ("create_automation_rule", {"home_id": lock["home_id"], "name": "x", "trigger_type": "time",
                                    "trigger_time": "25:00"}),
        ("list_smart_home_devices", {"home_id": lock["home_id"], "name_contains": "x" * 1000}),
    ]
    for tool, args in bad:
        assert ep.call(tool, args).status == "invalid_arguments", (tool, args)
    assert ep.call("list_smart_home_devices", {"home_id": lock["home_id"], "name_contains": "Zoë ../ .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, Any]:
    """A house sitter arrives: a code for them, the door opened with it, comfort set, a scene and a rule saved."""
    home = _homes(ep)[0]
    sitter = next(m for m in home["members"] if m["relationship"] == "House sitter")
    rooms = ok(ep, "list_smart_home_rooms", {"home_id": home["home_id"]})["rooms"]
    living = next(room for room in rooms if room["name"] == "Living Room")
    front = next(d for d in _devices(ep, home["home_id"], device_type="lock") if d["name"] == "Front Door Lock")
    code = ok(ep, "create_device_access_code", {"device_id": front["device_id"], "label": "Sitter (March)",
                                                "pin": "246810", "valid_days": 14,
                                                "holder_member_id": sitter["member_id"]})
    ok(ep, "unlock_smart_home_door", {"device_id": front["device_id"], "pin": "246810"})
    devices = [_status(ep, device_id) for device_id in living["device_ids"]]
    thermostat = next(d for d in devices if d["type"] == "thermostat")
    ok(ep, "set_thermostat_target", {"device_id": thermostat["device_id"], "heat_setpoint_c": 21.0,
                                     "member_id": sitter["member_id"]})
    lights = [d["device_id"] for d in devices if d["type"] == "light" and d["online"]]
    for device_id in lights:
        ok(ep, "set_device_brightness", {"device_id": device_id, "brightness": 60})
    scene = ok(ep, "create_home_scene", {"home_id": home["home_id"], "name": "Sitter Evening",
                                         "device_ids": [thermostat["device_id"], *lights]})
    rule = ok(ep, "create_automation_rule", {"home_id": home["home_id"], "name": "Sitter evening at sunset",
                                             "trigger_type": "sunset", "scene_id": scene["scene_id"]})
    ok(ep, "lock_smart_home_door", {"device_id": front["device_id"], "member_id": sitter["member_id"]})
    return {"home_id": home["home_id"], "sitter": sitter["member_id"], "front": front["device_id"],
            "code_id": code["code_id"], "thermostat": thermostat["device_id"], "lights": lights,
            "scene_id": scene["scene_id"], "rule_id": rule["automation_id"]}


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = Episode.open([SERVER], seed=0), Episode.open([SERVER], seed=0)
    initial = first.state_hash()
    ids, replayed_ids = _scenario(first), _scenario(replay)
    assert ids == replayed_ids
    assert first.state_hash() == replay.state_hash() != initial

    front = _status(first, ids["front"])
    assert front["locked"] is True and front["last_changed_by"] == ids["sitter"]
    codes = ok(first, "list_device_access_codes", {"device_id": ids["front"]})["codes"]
    code = next(c for c in codes if c["code_id"] == ids["code_id"])
    assert code["member_id"] == ids["sitter"] and code["last_used_at"] is not None
    thermostat = _status(first, ids["thermostat"])
    assert thermostat["thermostat"]["heat_setpoint_c"] == 21.0 and thermostat["last_changed_by"] == ids["sitter"]
    assert all(_status(first, d)["light"]["brightness"] == 60 for d in ids["lights"])
    scene = _scene(first, ids["home_id"], "Sitter Evening")
    assert scene["scene_id"] == ids["scene_id"] and scene["actions"][0]["heat_setpoint_c"] == 21.0
    rules = ok(first, "list_automation_rules", {"home_id": ids["home_id"], "enabled": True})["automations"]
    rule = next(r for r in rules if r["automation_id"] == ids["rule_id"])
    assert rule["scene_id"] == ids["scene_id"] and rule["trigger"]["kind"] == "sunset"


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=4), Episode.open([SERVER], seed=4)
    assert a.call("list_smart_homes", {}).content == b.call("list_smart_homes", {}).content


def test_default_world_is_varied_and_compact():
    world = IotDevicesWorld.new_world(0)
    assert len(world.canonical_json()) < 150_000
    assert len(world.homes) == 2 and len(world.rooms) == 20
    assert 70 <= len(world.devices) <= 90
    assert len({device.type for device in world.devices.values()}) == 16
    assert all(len(history) <= 30 for history in world.readings.values())
    assert {rule.enabled for rule in world.automations.values()} == {True, False}
    assert len(world.scenes) >= 6 and len(world.automations) >= 12
