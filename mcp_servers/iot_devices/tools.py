"""Smart home tools: browse homes, rooms, devices and sensor history; switch and adjust devices; run the thermostat,
door locks (with guest PIN codes) and robot vacuums; manage scenes and automation rules; read energy usage.

Control tools take an optional `member_id`: who is acting. It defaults to the home's owner; a guest may only control
the devices the owner shared with them, and only owners and members manage codes, scenes, rules and firmware.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, TypeVar

from pydantic import BaseModel, Field

from mcp_servers.core import Count, Name, ServerDef, ToolError, require
from mcp_servers.iot_devices.world import (
    FIRMWARE_MIN_BATTERY,
    LOCK_MIN_BATTERY,
    THERMOSTAT_DEADBAND_C,
    THERMOSTAT_MAX_C,
    THERMOSTAT_MIN_C,
    VACUUM_MIN_BATTERY,
    AccessCode,
    AccessCodeId,
    Automation,
    AutomationAction,
    AutomationId,
    Command,
    Condition,
    ConditionState,
    Device,
    DeviceId,
    DeviceType,
    Home,
    HomeId,
    IotDevicesWorld,
    LockPin,
    Member,
    MemberId,
    Metric,
    Reading,
    Room,
    RoomId,
    Scene,
    SceneAction,
    SceneId,
    ThermostatMode,
    ThermostatState,
    Trigger,
    TriggerEvent,
    TriggerKind,
    VacuumStatus,
    capabilities,
)

server = ServerDef(
    "iot_devices",
    IotDevicesWorld,
    group="iot",
    description=(
        "Smart home hub for one household's homes: rooms, lights, plugs, thermostats, door locks with guest PIN "
        "codes, cameras, blinds, speakers, robot vacuums, water heaters and sensors (temperature, humidity, motion, "
        "contact, smoke, leak, energy), with sensor history, scenes, automation rules, energy usage and member roles."
    ),
)

Level = Annotated[int, Field(ge=-1000, le=1000)]
Kelvin = Annotated[int, Field(ge=0, le=20_000)]
Celsius = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)]
Threshold = Annotated[float, Field(ge=-1000, le=100_000, allow_inf_nan=False)]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Label = Annotated[str, Field(min_length=1, max_length=60)]
T = TypeVar("T")

_EVENTS: dict[Metric, tuple[TriggerEvent, ...]] = {
    "motion": ("motion_detected",), "contact": ("opened", "closed"), "smoke": ("smoke_detected",),
    "leak": ("leak_detected",), "temperature": ("above", "below"), "humidity": ("above", "below"),
    "energy": ("above", "below"),
}
_COMMAND_NEEDS: dict[Command, str] = {
    "turn_on": "power", "turn_off": "power", "lock": "lock", "open": "position", "close": "position",
    "start_cleaning": "vacuum", "dock": "vacuum",
}
_LISTED_BY = {
    "home": "list_smart_homes", "member": "list_smart_homes", "room": "list_smart_home_rooms",
    "device": "list_smart_home_devices", "scene": "list_home_scenes", "automation rule": "list_automation_rules",
    "access code": "list_device_access_codes",
}
_INSTEAD: dict[str, str] = {
    "thermostat": "Use set_thermostat_mode and set_thermostat_target.",
    "lock": "Use lock_smart_home_door or unlock_smart_home_door.",
    "blinds": "Use set_device_position.",
    "vacuum": "Use start_device_vacuum_cleaning or dock_device_vacuum.",
}


# ----- result models -----


class HomeView(Home):
    room_ids: list[RoomId]
    device_count: int
    offline_device_ids: list[DeviceId]
    members: list[Member] = Field(description="People with access to this home, with their roles.")


class HomeList(BaseModel):
    homes: list[HomeView]


class RoomView(Room):
    device_ids: list[DeviceId]
    temperature_c: float | None = Field(description="Latest temperature from the room's sensor or thermostat.")


class RoomList(BaseModel):
    home_id: HomeId
    rooms: list[RoomView]


class DeviceSummary(BaseModel):
    device_id: DeviceId
    name: str
    type: DeviceType
    room_id: RoomId
    room_name: str
    online: bool
    battery_pct: int | None
    state: str = Field(description="Short human-readable state.")
    firmware_update_available: bool


class DeviceList(BaseModel):
    home_id: HomeId
    devices: list[DeviceSummary]
    total_matched: int


class DeviceDetails(Device):
    room_name: str
    state_summary: str
    capabilities: list[str]
    limits: list[str] = Field(description="Accepted ranges of the settings this device takes.")
    firmware_update_available: bool


class SensorHistory(BaseModel):
    device_id: DeviceId
    name: str
    metric: Metric
    unit: str
    online: bool
    readings: list[Reading] = Field(description="Newest first.")
    total_matched: int
    minimum: float | None
    maximum: float | None
    average: float | None


class DeviceEnergy(BaseModel):
    device_id: DeviceId
    name: str
    type: DeviceType
    kwh: float
    cost: float


class EnergyUsage(BaseModel):
    home_id: HomeId
    days: int
    since: datetime
    rate_per_kwh: float
    currency: str
    whole_home_kwh: float | None = Field(description="From the home's energy meter; null without one.")
    whole_home_cost: float | None
    devices: list[DeviceEnergy] = Field(description="Metered devices, biggest consumers first.")


class SceneList(BaseModel):
    home_id: HomeId
    scenes: list[Scene]


class SkippedAction(BaseModel):
    device_id: DeviceId
    reason: str


class SceneRun(BaseModel):
    scene_id: SceneId
    name: str
    applied_device_ids: list[DeviceId]
    skipped: list[SkippedAction]


class AutomationList(BaseModel):
    home_id: HomeId
    automations: list[Automation]


class AccessCodeView(BaseModel):
    """A lock access code without its PIN (PINs are never shown)."""

    code_id: AccessCodeId
    device_id: DeviceId
    label: str
    member_id: MemberId | None
    created_at: datetime
    valid_until: datetime | None
    status: str
    expired: bool
    last_used_at: datetime | None


class AccessCodeList(BaseModel):
    device_id: DeviceId
    codes: list[AccessCodeView]


class UnlockResult(BaseModel):
    device: DeviceDetails
    code_id: AccessCodeId
    code_label: str


# ----- lookups, permissions and checks shared by the tools -----


def _get(collection: Mapping[str, T], key: str, kind: str) -> T:
    """`collection[key]`, or an error naming the tool that lists valid ids of this kind."""
    return require(collection, key, kind, f"Use {_LISTED_BY[kind]} to find valid {kind} ids.")


def _label(device: Device) -> str:
    return f"{device.name} ({device.device_id})"


def _actor(world: IotDevicesWorld, home_id: str, member_id: str | None) -> Member:
    """The member acting in `home_id`: the given one, who must belong to the home, or the home's owner."""
    home = _get(world.homes, home_id, "home")
    if member_id is None:
        return world.members[home.owner_id]
    member = _get(world.members, member_id, "member")
    if home_id not in member.home_ids:
        raise ToolError(f"{member.name} ({member.member_id}) has no access to {home.name} ({home_id}).")
    return member


def _controller(world: IotDevicesWorld, device: Device, member_id: str | None) -> Member:
    """The acting member, refused when a guest tries a device the owner did not share with them."""
    actor = _actor(world, device.home_id, member_id)
    if actor.role == "guest" and device.device_id not in actor.allowed_device_ids:
        shared = ", ".join(actor.allowed_device_ids) or "none"
        raise ToolError(
            f"{actor.name} ({actor.member_id}) is a guest and may not control {_label(device)}. "
            f"Devices shared with this guest: {shared}. Only the owner can share more."
        )
    return actor


def _manager(world: IotDevicesWorld, home_id: str, member_id: str | None, task: str) -> Member:
    """The acting member, refused when a guest tries to manage the home."""
    actor = _actor(world, home_id, member_id)
    if actor.role == "guest":
        raise ToolError(f"{actor.name} ({actor.member_id}) is a guest; only the owner or members can {task}.")
    return actor


def _needs(device: Device, capability: str, what: str) -> None:
    if capability not in capabilities(device):
        instead = _INSTEAD.get(device.type, "Use get_device_status to see what it supports.")
        raise ToolError(
            f"{_label(device)} is of type {device.type} and does not support {what}. "
            f"Its capabilities: {', '.join(capabilities(device)) or 'none'}. {instead}"
        )


def _online(device: Device) -> None:
    if not device.online:
        raise ToolError(
            f"{_label(device)} is offline (last seen {device.last_seen:%Y-%m-%d %H:%M} UTC) and cannot take "
            "commands. Check its power and Wi-Fi, then try again."
        )


def _lock_battery(device: Device) -> None:
    if device.battery_pct is not None and device.battery_pct < LOCK_MIN_BATTERY:
        raise ToolError(
            f"Battery too low: {_label(device)} is at {device.battery_pct}% and needs at least {LOCK_MIN_BATTERY}% "
            "to move its bolt. Replace its batteries, then try again."
        )


def _in_range(device: Device, setting: str, value: float, low: float, high: float, unit: str) -> None:
    if not low <= value <= high:
        raise ToolError(f"{setting} {value:g}{unit} is out of range for {_label(device)}: use {low:g}-{high:g}{unit}.")


def _operate(
    world: IotDevicesWorld, device_id: str, member_id: str | None, capability: str, what: str
) -> tuple[Device, Member]:
    """The device to command and who commands it: the member may control it, it can do `what`, it is online."""
    device = _get(world.devices, device_id, "device")
    actor = _controller(world, device, member_id)
    _needs(device, capability, what)
    _online(device)
    return device, actor


def _touch(world: IotDevicesWorld, device: Device, actor_id: str | None) -> None:
    device.last_changed_at = world.now
    device.last_changed_by = actor_id


def _changed(world: IotDevicesWorld, device: Device, actor_id: str | None) -> DeviceDetails:
    """Record who changed the device and when, and show its new state."""
    _touch(world, device, actor_id)
    return _details(world, device)


def _state_text(device: Device) -> str:
    if device.light is not None:
        text = "off" if device.power == "off" else f"on, {device.light.brightness}% brightness"
        if device.power == "on" and device.light.color_temp_k is not None:
            text += f", {device.light.color_temp_k} K"
    elif device.thermostat is not None:
        t = device.thermostat
        target = {
            "heat": f"heating to {t.heat_setpoint_c:g} °C", "cool": f"cooling to {t.cool_setpoint_c:g} °C",
            "auto": f"auto {t.heat_setpoint_c:g}-{t.cool_setpoint_c:g} °C", "off": "off",
        }[t.mode]
        text = f"{target}, room at {t.current_temp_c:g} °C"
    elif device.locked is not None:
        text = "locked" if device.locked else "unlocked"
    elif device.position is not None:
        text = "closed" if device.position == 0 else f"{device.position}% open"
    elif device.vacuum is not None:
        text = device.vacuum.state + (f": {device.vacuum.error}" if device.vacuum.error else "")
    elif device.sensor is not None and device.type != "plug":
        s = device.sensor
        words = {
            "motion": f"last motion {s.updated_at:%Y-%m-%d %H:%M}", "contact": "open" if s.value else "closed",
            "smoke": "SMOKE ALARM" if s.value else "clear", "leak": "WATER DETECTED" if s.value else "dry",
            "energy": f"{s.value:g} kWh on the last full day",
        }
        text = words.get(s.metric, f"{s.value:g} {s.unit}")
    else:
        text = device.power or "unknown"
        if device.water_heater is not None:
            text += f", target {device.water_heater.target_temp_c:g} °C"
    return text if device.online else f"offline since {device.last_seen:%Y-%m-%d %H:%M}; last known: {text}"


def _limits(device: Device) -> list[str]:
    found = []
    if device.light is not None:
        found.append("brightness 0-100 %")
        if device.light.color_temp_min_k is not None:
            found.append(f"color temperature {device.light.color_temp_min_k}-{device.light.color_temp_max_k} K")
    if device.thermostat is not None:
        modes = ", ".join(device.thermostat.supported_modes)
        found.append(f"setpoints {THERMOSTAT_MIN_C:g}-{THERMOSTAT_MAX_C:g} °C, cooling at least "
                     f"{THERMOSTAT_DEADBAND_C:g} °C above heating; modes {modes}")
    if device.position is not None:
        found.append("position 0-100 % open")
    if device.locked is not None:
        found.append(f"needs at least {LOCK_MIN_BATTERY}% battery to lock or unlock")
    if device.vacuum is not None:
        found.append(f"needs at least {VACUUM_MIN_BATTERY}% battery to start cleaning")
    return found


def _details(world: IotDevicesWorld, device: Device) -> DeviceDetails:
    return DeviceDetails(
        **device.model_dump(),
        room_name=world.rooms[device.room_id].name,
        state_summary=_state_text(device),
        capabilities=capabilities(device),
        limits=_limits(device),
        firmware_update_available=device.firmware_version != device.latest_firmware,
    )


def _summary(world: IotDevicesWorld, device: Device) -> DeviceSummary:
    return DeviceSummary(
        device_id=device.device_id, name=device.name, type=device.type, room_id=device.room_id,
        room_name=world.rooms[device.room_id].name, online=device.online, battery_pct=device.battery_pct,
        state=_state_text(device), firmware_update_available=device.firmware_version != device.latest_firmware,
    )


def _code_view(world: IotDevicesWorld, code: AccessCode) -> AccessCodeView:
    return AccessCodeView(
        **code.model_dump(exclude={"pin"}),
        expired=code.valid_until is not None and code.valid_until <= world.now,
    )


def _home_device(world: IotDevicesWorld, device_id: str, home: Home, role: str) -> Device:
    """A device of `home`, for the `role` it plays in a scene or rule ("trigger", "action", ...)."""
    device = world.devices.get(device_id)
    if device is None:
        raise ToolError(
            f"The {role} refers to unknown device {device_id[:64]!r}. Use list_smart_home_devices to see the "
            f"devices of {home.name} ({home.home_id})."
        )
    if device.home_id != home.home_id:
        raise ToolError(f"The {role} device {_label(device)} belongs to home {device.home_id}, not {home.home_id}.")
    return device


# ----- discovery -----


@server.read
def list_smart_homes(world: IotDevicesWorld) -> HomeList:
    """List the household's homes with their rooms, device counts, offline devices and members (with roles).

    Members are the people acting in control tools: owners and members control everything in their homes, guests
    only the devices listed in their allowed_device_ids.
    """
    views = []
    for home in world.homes.values():
        devices = [device for device in world.devices.values() if device.home_id == home.home_id]
        views.append(HomeView(
            **home.model_dump(),
            room_ids=[room.room_id for room in world.rooms.values() if room.home_id == home.home_id],
            device_count=len(devices),
            offline_device_ids=[device.device_id for device in devices if not device.online],
            members=[member for member in world.members.values() if home.home_id in member.home_ids],
        ))
    return HomeList(homes=views)


@server.read
def list_smart_home_rooms(world: IotDevicesWorld, home_id: HomeId) -> RoomList:
    """List the rooms of a home with the ids of the devices in each and the room's latest temperature.

    Args:
        home_id: The home whose rooms to list.
    """
    _get(world.homes, home_id, "home")
    views = []
    for room in world.rooms.values():
        if room.home_id != home_id:
            continue
        devices = [device for device in world.devices.values() if device.room_id == room.room_id]
        temperatures = [d.thermostat.current_temp_c for d in devices if d.thermostat is not None] + [
            d.sensor.value for d in devices if d.sensor is not None and d.sensor.metric == "temperature"
        ]
        views.append(RoomView(
            **room.model_dump(),
            device_ids=[device.device_id for device in devices],
            temperature_c=temperatures[0] if temperatures else None,
        ))
    return RoomList(home_id=home_id, rooms=views)


@server.read
def list_smart_home_devices(
    world: IotDevicesWorld,
    home_id: HomeId,
    room_id: RoomId | None = None,
    device_type: DeviceType | None = None,
    online: bool | None = None,
    battery_below: Annotated[int, Field(ge=1, le=101)] | None = None,
    name_contains: Annotated[str, Field(max_length=60)] | None = None,
    limit: Count = 100,
) -> DeviceList:
    """List a home's devices with their room, online status, battery, a short state and whether firmware is due.

    Use get_device_status for a device's full state, capabilities and accepted ranges.

    Args:
        home_id: The home whose devices to list.
        room_id: Only devices in this room.
        device_type: Only devices of this type.
        online: true for only online devices, false for only offline ones.
        battery_below: Only battery-powered devices whose battery percentage is below this.
        name_contains: Only devices whose name contains this text (case-insensitive).
        limit: Most devices to return.
    """
    _get(world.homes, home_id, "home")
    if room_id is not None and _get(world.rooms, room_id, "room").home_id != home_id:
        raise ToolError(f"Room {room_id} belongs to home {world.rooms[room_id].home_id}, not {home_id}.")
    needle = name_contains.lower() if name_contains else None
    matches = [
        device
        for device in world.devices.values()
        if device.home_id == home_id
        and room_id in (None, device.room_id)
        and device_type in (None, device.type)
        and online in (None, device.online)
        and (battery_below is None or (device.battery_pct is not None and device.battery_pct < battery_below))
        and (needle is None or needle in device.name.lower())
    ]
    return DeviceList(
        home_id=home_id, devices=[_summary(world, device) for device in matches[:limit]], total_matched=len(matches)
    )


@server.read
def get_device_status(world: IotDevicesWorld, device_id: DeviceId) -> DeviceDetails:
    """Show one device in full: state, capabilities, accepted ranges, battery, firmware and who changed it last.

    Args:
        device_id: The device to show.
    """
    return _details(world, _get(world.devices, device_id, "device"))


@server.read
def read_sensor_history(
    world: IotDevicesWorld,
    device_id: DeviceId,
    hours: Annotated[int, Field(ge=1, le=336)] = 24,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
) -> SensorHistory:
    """Read a sensor's recorded readings, newest first, with the minimum, maximum and average of the period.

    Works for sensors (temperature, humidity, motion, contact, smoke, leak), energy meters and metering plugs;
    energy readings are daily kWh totals, binary sensors record 1/0 events (see unit).

    Args:
        device_id: The sensor, energy meter or metering plug.
        hours: How far back to read, in hours (up to 14 days).
        limit: Most readings to return.
    """
    device = _get(world.devices, device_id, "device")
    if device.sensor is None:
        raise ToolError(
            f"{_label(device)} is of type {device.type} and records no sensor history. Sensors, "
            "energy meters and plugs do; find them with list_smart_home_devices."
        )
    since = world.now - timedelta(hours=hours)
    matches = [reading for reading in world.readings.get(device_id, []) if reading.at >= since]
    values = [reading.value for reading in matches]
    return SensorHistory(
        device_id=device_id, name=device.name, metric=device.sensor.metric, unit=device.sensor.unit,
        online=device.online, readings=matches[::-1][:limit], total_matched=len(matches),
        minimum=min(values) if values else None, maximum=max(values) if values else None,
        average=round(sum(values) / len(values), 2) if values else None,
    )


@server.read
def get_smart_home_energy_usage(
    world: IotDevicesWorld, home_id: HomeId, days: Annotated[int, Field(ge=1, le=14)] = 7
) -> EnergyUsage:
    """Report a home's electricity use over the last full days: the whole-home meter and each metering device.

    Costs use the home's electricity rate.

    Args:
        home_id: The home to report on.
        days: How many full days before today to cover (1-14).
    """
    home = _get(world.homes, home_id, "home")
    since = world.now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days)
    whole: float | None = None
    devices = []
    for device in world.devices.values():
        if device.home_id != home_id or device.sensor is None or device.sensor.metric != "energy":
            continue
        kwh = round(sum(r.value for r in world.readings.get(device.device_id, []) if r.at >= since), 2)
        if device.type == "energy_meter":
            whole = round((whole or 0.0) + kwh, 2)
        else:
            cost = round(kwh * home.electricity_rate, 2)
            devices.append(DeviceEnergy(device_id=device.device_id, name=device.name, type=device.type, kwh=kwh,
                                        cost=cost))
    devices.sort(key=lambda entry: (-entry.kwh, entry.device_id))
    return EnergyUsage(
        home_id=home_id, days=days, since=since, rate_per_kwh=home.electricity_rate, currency="USD",
        whole_home_kwh=whole, whole_home_cost=round(whole * home.electricity_rate, 2) if whole is not None else None,
        devices=devices,
    )


@server.read
def list_home_scenes(world: IotDevicesWorld, home_id: HomeId) -> SceneList:
    """List a home's scenes: each is a saved set of device states (power, brightness, blinds, locks, thermostat).

    Args:
        home_id: The home whose scenes to list.
    """
    _get(world.homes, home_id, "home")
    return SceneList(home_id=home_id, scenes=[s for s in world.scenes.values() if s.home_id == home_id])


@server.read
def list_automation_rules(
    world: IotDevicesWorld, home_id: HomeId, enabled: bool | None = None, device_id: DeviceId | None = None
) -> AutomationList:
    """List a home's automation rules: trigger, conditions, actions (device commands or a scene) and enabled flag.

    Args:
        home_id: The home whose rules to list.
        enabled: true for only enabled rules, false for only disabled ones.
        device_id: Only rules whose trigger, conditions or actions involve this device.
    """
    _get(world.homes, home_id, "home")
    rules = [
        rule
        for rule in world.automations.values()
        if rule.home_id == home_id and enabled in (None, rule.enabled)
        and (device_id is None or device_id in _referenced_devices(rule))
    ]
    return AutomationList(home_id=home_id, automations=rules)


@server.read
def list_device_access_codes(
    world: IotDevicesWorld, device_id: DeviceId, include_revoked: bool = False
) -> AccessCodeList:
    """List the PIN access codes of a door lock (labels, holders, validity, last use); PINs are never shown.

    Args:
        device_id: The door lock.
        include_revoked: Also list revoked codes.
    """
    device = _get(world.devices, device_id, "device")
    _needs(device, "access_codes", "access codes")
    codes = [
        _code_view(world, code)
        for code in world.access_codes.values()
        if code.device_id == device_id and (include_revoked or code.status == "active")
    ]
    return AccessCodeList(device_id=device_id, codes=codes)


# ----- switching and adjusting devices -----


def _switch(world: IotDevicesWorld, device_id: str, member_id: str | None, power: str) -> DeviceDetails:
    device, actor = _operate(world, device_id, member_id, "power", f"turning {power}")
    device.power = "on" if power == "on" else "off"
    if device.light is not None and power == "on" and device.light.brightness == 0:
        device.light.brightness = 100
    return _changed(world, device, actor.member_id)


@server.write
def turn_device_on(world: IotDevicesWorld, device_id: DeviceId, member_id: MemberId | None = None) -> DeviceDetails:
    """Switch a device on: a light, plug, camera, speaker or water heater.

    Thermostats, locks, blinds and vacuums have their own tools.

    Args:
        device_id: The device to switch on.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    return _switch(world, device_id, member_id, "on")


@server.write
def turn_device_off(world: IotDevicesWorld, device_id: DeviceId, member_id: MemberId | None = None) -> DeviceDetails:
    """Switch a device off: a light, plug, camera, speaker or water heater.

    Args:
        device_id: The device to switch off.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    return _switch(world, device_id, member_id, "off")


@server.write
def set_device_brightness(
    world: IotDevicesWorld, device_id: DeviceId, brightness: Level, member_id: MemberId | None = None
) -> DeviceDetails:
    """Set a light's brightness in percent (0-100); above 0 switches it on, 0 switches it off.

    Args:
        device_id: The light.
        brightness: Brightness in percent, 0-100.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, actor = _operate(world, device_id, member_id, "brightness", "brightness")
    _in_range(device, "Brightness", brightness, 0, 100, "%")
    if device.light is not None:
        device.light.brightness = brightness
    device.power = "on" if brightness > 0 else "off"
    return _changed(world, device, actor.member_id)


@server.write
def set_device_color_temperature(
    world: IotDevicesWorld, device_id: DeviceId, kelvin: Kelvin, member_id: MemberId | None = None
) -> DeviceDetails:
    """Set a tunable white light's color temperature in kelvin (warm about 2700 K, daylight about 5000 K).

    Each bulb model has its own range (see limits in get_device_status); plain bulbs are not tunable.

    Args:
        device_id: The light.
        kelvin: Color temperature in kelvin, within the bulb's range.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, actor = _operate(world, device_id, member_id, "color_temperature", "color temperature")
    light = device.light
    if light is None or light.color_temp_min_k is None or light.color_temp_max_k is None:
        raise ToolError(f"{_label(device)} has no color temperature range.")
    _in_range(device, "Color temperature", kelvin, light.color_temp_min_k, light.color_temp_max_k, " K")
    light.color_temp_k = kelvin
    return _changed(world, device, actor.member_id)


def _thermostat(
    world: IotDevicesWorld, device_id: str, member_id: str | None, what: str
) -> tuple[Device, ThermostatState, Member]:
    device, actor = _operate(world, device_id, member_id, "thermostat", what)
    if device.thermostat is None:
        raise ToolError(f"{_label(device)} has no thermostat.")
    return device, device.thermostat, actor


@server.write
def set_thermostat_mode(
    world: IotDevicesWorld, device_id: DeviceId, mode: ThermostatMode, member_id: MemberId | None = None
) -> DeviceDetails:
    """Set a thermostat's mode: heat, cool, auto (keeps the room between both setpoints) or off.

    Args:
        device_id: The thermostat.
        mode: The new mode; some thermostats (baseboard heaters) support only heat and off.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, thermostat, actor = _thermostat(world, device_id, member_id, "thermostat modes")
    if mode not in thermostat.supported_modes:
        raise ToolError(
            f"{_label(device)}, a {device.manufacturer} {device.model}, does not support mode {mode!r}; "
            f"its modes are: {', '.join(thermostat.supported_modes)}."
        )
    thermostat.mode = mode
    return _changed(world, device, actor.member_id)


@server.write
def set_thermostat_target(
    world: IotDevicesWorld,
    device_id: DeviceId,
    heat_setpoint_c: Celsius | None = None,
    cool_setpoint_c: Celsius | None = None,
    member_id: MemberId | None = None,
) -> DeviceDetails:
    """Set a thermostat's target temperatures in °C (5-32): heating setpoint, cooling setpoint, or both.

    Heat mode uses the heating setpoint, cool mode the cooling one, auto keeps the room between them; the cooling
    setpoint must stay at least 2 °C above the heating one. The mode is not changed (see set_thermostat_mode).

    Args:
        device_id: The thermostat.
        heat_setpoint_c: New heating setpoint in °C, 5-32.
        cool_setpoint_c: New cooling setpoint in °C, 5-32.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, thermostat, actor = _thermostat(world, device_id, member_id, "target temperatures")
    if heat_setpoint_c is None and cool_setpoint_c is None:
        raise ToolError("Give heat_setpoint_c, cool_setpoint_c or both.")
    heat = thermostat.heat_setpoint_c if heat_setpoint_c is None else round(heat_setpoint_c, 1)
    cool = thermostat.cool_setpoint_c if cool_setpoint_c is None else round(cool_setpoint_c, 1)
    for setting, value in (("Heating setpoint", heat), ("Cooling setpoint", cool)):
        _in_range(device, setting, value, THERMOSTAT_MIN_C, THERMOSTAT_MAX_C, " °C")
    if cool - heat < THERMOSTAT_DEADBAND_C:
        raise ToolError(
            f"The cooling setpoint ({cool:g} °C) must be at least {THERMOSTAT_DEADBAND_C:g} °C above the heating "
            f"setpoint ({heat:g} °C) on {_label(device)}. Set both together to move the range."
        )
    thermostat.heat_setpoint_c, thermostat.cool_setpoint_c = heat, cool
    return _changed(world, device, actor.member_id)


@server.write
def set_device_position(
    world: IotDevicesWorld, device_id: DeviceId, position: Level, member_id: MemberId | None = None
) -> DeviceDetails:
    """Open, close or partly open motorized blinds or shades: position in percent open (0 closed, 100 open).

    Args:
        device_id: The blinds or shades.
        position: Percent open, 0-100.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, actor = _operate(world, device_id, member_id, "position", "a position")
    _in_range(device, "Position", position, 0, 100, "%")
    device.position = position
    return _changed(world, device, actor.member_id)


# ----- door locks and access codes -----


@server.write
def lock_smart_home_door(
    world: IotDevicesWorld, device_id: DeviceId, member_id: MemberId | None = None
) -> DeviceDetails:
    """Lock a smart door lock.

    Args:
        device_id: The door lock.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, actor = _operate(world, device_id, member_id, "lock", "locking")
    _lock_battery(device)
    device.locked = True
    return _changed(world, device, actor.member_id)


@server.write
def unlock_smart_home_door(world: IotDevicesWorld, device_id: DeviceId, pin: LockPin) -> UnlockResult:
    """Unlock a smart door lock with one of its PIN access codes, as given by the person at the door.

    Args:
        device_id: The door lock.
        pin: The 4-8 digit PIN of an active access code of this lock.
    """
    device = _get(world.devices, device_id, "device")
    _needs(device, "lock", "unlocking")
    _online(device)
    _lock_battery(device)
    code = next(
        (c for c in world.access_codes.values() if c.device_id == device_id and c.pin == pin and c.status == "active"),
        None,
    )
    if code is None:
        raise ToolError(
            f"Incorrect PIN for {_label(device)}: it matches no active access code. Ask the person for their code."
        )
    if code.valid_until is not None and code.valid_until <= world.now:
        raise ToolError(
            f"The access code {code.code_id} ({code.label}) expired on {code.valid_until:%Y-%m-%d %H:%M} UTC. The "
            "owner can issue a new one with create_device_access_code."
        )
    device.locked = False
    code.last_used_at = world.now
    _touch(world, device, code.member_id)
    return UnlockResult(device=_details(world, device), code_id=code.code_id, code_label=code.label)


@server.write
def create_device_access_code(
    world: IotDevicesWorld,
    device_id: DeviceId,
    label: Label,
    pin: LockPin,
    valid_days: Annotated[int, Field(ge=1, le=365)] | None = None,
    holder_member_id: MemberId | None = None,
    member_id: MemberId | None = None,
) -> AccessCodeView:
    """Add a PIN access code to a door lock, for a guest or a service, optionally expiring after some days.

    Args:
        device_id: The door lock.
        label: A name for the code, such as "Dog walker".
        pin: The new 4-8 digit PIN, as chosen by the user.
        valid_days: Days until the code expires; omit for a permanent code.
        holder_member_id: The household member or guest the code is for, if any.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device = _get(world.devices, device_id, "device")
    _needs(device, "access_codes", "access codes")
    _manager(world, device.home_id, member_id, "add access codes")
    if holder_member_id is not None:
        _actor(world, device.home_id, holder_member_id)
    _online(device)
    if not label.strip():
        raise ToolError("The code label must not be blank.")
    active = [c for c in world.access_codes.values() if c.device_id == device_id and c.status == "active"]
    clash = next((c for c in active if c.pin == pin), None)
    if clash is not None:
        raise ToolError(f"That PIN is already used by code {clash.code_id} ({clash.label}) on this lock; pick another.")
    if len(active) >= 10:
        raise ToolError(f"{_label(device)} already holds 10 active codes; revoke one with revoke_device_access_code.")
    code = AccessCode(
        code_id=world.next_id("CODE", 3), device_id=device_id, label=label.strip(), pin=pin,
        member_id=holder_member_id, created_at=world.now,
        valid_until=world.now + timedelta(days=valid_days) if valid_days is not None else None,
    )
    world.access_codes[code.code_id] = code
    return _code_view(world, code)


@server.write
def revoke_device_access_code(
    world: IotDevicesWorld, code_id: AccessCodeId, member_id: MemberId | None = None
) -> AccessCodeView:
    """Revoke a lock access code so its PIN no longer opens the door.

    Args:
        code_id: The access code (see list_device_access_codes).
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    code = _get(world.access_codes, code_id, "access code")
    device = _get(world.devices, code.device_id, "device")
    _manager(world, device.home_id, member_id, "revoke access codes")
    if code.status == "revoked":
        raise ToolError(f"The access code {code_id} ({code.label}) is already revoked.")
    _online(device)
    code.status = "revoked"
    return _code_view(world, code)


# ----- robot vacuums -----


def _vacuum(
    world: IotDevicesWorld, device_id: str, member_id: str | None, what: str
) -> tuple[Device, VacuumStatus, Member]:
    """A robot vacuum that can take a command now (not stuck in an error), its status and who commands it."""
    device, actor = _operate(world, device_id, member_id, "vacuum", what)
    status = device.vacuum
    if status is None:
        raise ToolError(f"{_label(device)} is not a robot vacuum.")
    if status.state == "error":
        raise ToolError(f"{_label(device)} needs attention: {status.error} It cannot move until then.")
    return device, status, actor


@server.write
def start_device_vacuum_cleaning(
    world: IotDevicesWorld,
    device_id: DeviceId,
    room_ids: Annotated[list[RoomId], Field(max_length=20)] = [],
    member_id: MemberId | None = None,
) -> DeviceDetails:
    """Start a robot vacuum cleaning the whole home, or only the given rooms.

    Args:
        device_id: The robot vacuum.
        room_ids: Rooms to clean (of the vacuum's home); empty cleans the whole home.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, status, actor = _vacuum(world, device_id, member_id, "cleaning")
    if status.state == "cleaning":
        raise ToolError(f"{_label(device)} is already cleaning; dock it first to start a new run.")
    if device.battery_pct is not None and device.battery_pct < VACUUM_MIN_BATTERY:
        raise ToolError(
            f"Battery too low: {_label(device)} is at {device.battery_pct}% and needs {VACUUM_MIN_BATTERY}% to start. "
            "Send it to charge with dock_device_vacuum."
        )
    rooms = list(dict.fromkeys(room_ids))
    for room_id in rooms:
        if _get(world.rooms, room_id, "room").home_id != device.home_id:
            raise ToolError(f"Room {room_id} is not in the vacuum's home ({device.home_id}).")
    status.state, status.cleaning_room_ids = "cleaning", rooms
    return _changed(world, device, actor.member_id)


@server.write
def dock_device_vacuum(world: IotDevicesWorld, device_id: DeviceId, member_id: MemberId | None = None) -> DeviceDetails:
    """Send a robot vacuum back to its dock to charge, ending any cleaning run.

    Args:
        device_id: The robot vacuum.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device, status, actor = _vacuum(world, device_id, member_id, "docking")
    if status.state == "docked":
        raise ToolError(f"{_label(device)} is already docked ({device.battery_pct}% battery).")
    status.state, status.cleaning_room_ids = "docked", []
    return _changed(world, device, actor.member_id)


# ----- scenes -----


def _apply(world: IotDevicesWorld, device: Device, action: SceneAction, actor_id: str) -> str | None:
    """Put `device` in the scene's state; the reason it was skipped, or None when applied."""
    if not device.online:
        return "offline"
    if action.locked is not None and device.battery_pct is not None and device.battery_pct < LOCK_MIN_BATTERY:
        return f"lock battery too low ({device.battery_pct}%)"
    thermostat = device.thermostat
    if thermostat is not None:
        heat = thermostat.heat_setpoint_c if action.heat_setpoint_c is None else action.heat_setpoint_c
        cool = thermostat.cool_setpoint_c if action.cool_setpoint_c is None else action.cool_setpoint_c
        if cool - heat < THERMOSTAT_DEADBAND_C:
            return f"setpoints {heat:g}/{cool:g} °C are closer than {THERMOSTAT_DEADBAND_C:g} °C"
        thermostat.heat_setpoint_c, thermostat.cool_setpoint_c = heat, cool
        if action.thermostat_mode in thermostat.supported_modes:
            thermostat.mode = action.thermostat_mode
    if action.power is not None and device.power is not None:
        device.power = action.power
    if device.light is not None:
        if action.brightness is not None:
            device.light.brightness = action.brightness
        low, high = device.light.color_temp_min_k, device.light.color_temp_max_k
        if action.color_temp_k is not None and low is not None and high is not None:
            device.light.color_temp_k = min(max(action.color_temp_k, low), high)
    if action.position is not None and device.position is not None:
        device.position = action.position
    if action.locked is not None and device.locked is not None:
        device.locked = action.locked
    _touch(world, device, actor_id)
    return None


def _capture(device: Device) -> SceneAction:
    """The current state of `device` as a scene action."""
    if (device.sensor is not None and device.power is None) or device.vacuum is not None:
        raise ToolError(f"{_label(device)} is of type {device.type}; it has no state a scene can set.")
    light, thermostat = device.light, device.thermostat
    return SceneAction(
        device_id=device.device_id,
        power=device.power,
        brightness=light.brightness if light is not None else None,
        color_temp_k=light.color_temp_k if light is not None else None,
        position=device.position,
        locked=device.locked,
        thermostat_mode=thermostat.mode if thermostat is not None else None,
        heat_setpoint_c=thermostat.heat_setpoint_c if thermostat is not None else None,
        cool_setpoint_c=thermostat.cool_setpoint_c if thermostat is not None else None,
    )


@server.write
def run_home_scene(world: IotDevicesWorld, scene_id: SceneId, member_id: MemberId | None = None) -> SceneRun:
    """Run a scene: put each of its devices in the saved state. Offline devices and weak locks are skipped.

    Args:
        scene_id: The scene to run (see list_home_scenes).
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    scene = _get(world.scenes, scene_id, "scene")
    actor = _manager(world, scene.home_id, member_id, "run scenes")
    applied, skipped = [], []
    for action in scene.actions:
        device = world.devices.get(action.device_id)
        reason = "device no longer exists" if device is None else _apply(world, device, action, actor.member_id)
        if reason is None:
            applied.append(action.device_id)
        else:
            skipped.append(SkippedAction(device_id=action.device_id, reason=reason))
    scene.last_run_at = world.now
    return SceneRun(scene_id=scene_id, name=scene.name, applied_device_ids=applied, skipped=skipped)


@server.write
def create_home_scene(
    world: IotDevicesWorld,
    home_id: HomeId,
    name: Name,
    device_ids: Annotated[list[DeviceId], Field(min_length=1, max_length=30)],
    member_id: MemberId | None = None,
) -> Scene:
    """Save a new scene from the current state of the given devices (set them up first, then save).

    Args:
        home_id: The home the scene belongs to.
        name: The scene's name, unique within the home.
        device_ids: The devices whose current state the scene saves (lights, plugs, blinds, locks, thermostats...).
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    home = _get(world.homes, home_id, "home")
    actor = _manager(world, home_id, member_id, "create scenes")
    title = name.strip()
    if not title:
        raise ToolError("The scene name must not be blank.")
    for scene in world.scenes.values():
        if scene.home_id == home_id and scene.name.lower() == title.lower():
            raise ToolError(f"{home.name} already has a scene named {scene.name!r} ({scene.scene_id}).")
    actions = [_capture(_home_device(world, d, home, "scene")) for d in dict.fromkeys(device_ids)]
    scene = Scene(scene_id=world.next_id("SCN", 3), home_id=home_id, name=title, actions=actions,
                  created_by=actor.member_id)
    world.scenes[scene.scene_id] = scene
    return scene


# ----- automation rules -----


def _referenced_devices(rule: Automation) -> list[str]:
    found = [rule.trigger.device_id] + [c.device_id for c in rule.conditions] + [a.device_id for a in rule.actions]
    return [device_id for device_id in found if device_id is not None]


def _trigger(
    world: IotDevicesWorld, home: Home, kind: TriggerKind, time: str | None, device_id: str | None,
    event: TriggerEvent | None, threshold: float | None,
) -> Trigger:
    if kind != "time" and time is not None:
        raise ToolError("trigger_time is only used with trigger_type 'time'.")
    if kind != "sensor" and (device_id is not None or event is not None or threshold is not None):
        raise ToolError("trigger_device_id, trigger_event and trigger_threshold are only used with trigger_type "
                        "'sensor'.")
    if kind == "time" and time is None:
        raise ToolError("A time trigger needs trigger_time (HH:MM).")
    if kind != "sensor":
        return Trigger(kind=kind, time=time)
    if device_id is None or event is None:
        raise ToolError("A sensor trigger needs trigger_device_id and trigger_event.")
    device = _home_device(world, device_id, home, "trigger")
    if device.sensor is None:
        raise ToolError(f"The trigger device {_label(device)} is of type {device.type}, not a sensor.")
    events = _EVENTS[device.sensor.metric]
    if event not in events:
        raise ToolError(f"{_label(device)} measures {device.sensor.metric}; its events are: {', '.join(events)}.")
    if (threshold is None) != (event not in ("above", "below")):
        raise ToolError("trigger_threshold is needed with the events 'above' and 'below', and only with them.")
    return Trigger(kind=kind, device_id=device_id, event=event, threshold=threshold)


def _conditions(
    world: IotDevicesWorld, home: Home, start: str | None, end: str | None, device_id: str | None,
    state: ConditionState | None,
) -> list[Condition]:
    found = []
    if (start is None) != (end is None):
        raise ToolError("Give both condition_start_time and condition_end_time, or neither.")
    if start is not None:
        found.append(Condition(kind="time_window", start=start, end=end))
    if (device_id is None) != (state is None):
        raise ToolError("Give both condition_device_id and condition_state, or neither.")
    if device_id is not None and state is not None:
        device = _home_device(world, device_id, home, "condition")
        fits = {
            "on": device.power is not None, "off": device.power is not None,
            "locked": device.locked is not None, "unlocked": device.locked is not None,
            "open": device.position is not None or (device.sensor is not None and device.sensor.metric == "contact"),
        }
        fits["closed"] = fits["open"]
        if not fits[state]:
            raise ToolError(f"{_label(device)} has no {state!r} state to check.")
        found.append(Condition(kind="device_state", device_id=device_id, state=state))
    return found


@server.write
def create_automation_rule(
    world: IotDevicesWorld,
    home_id: HomeId,
    name: Name,
    trigger_type: TriggerKind,
    action: Command = "turn_on",
    action_device_ids: Annotated[list[DeviceId], Field(max_length=20)] = [],
    scene_id: SceneId | None = None,
    trigger_time: ClockTime | None = None,
    trigger_device_id: DeviceId | None = None,
    trigger_event: TriggerEvent | None = None,
    trigger_threshold: Threshold | None = None,
    condition_start_time: ClockTime | None = None,
    condition_end_time: ClockTime | None = None,
    condition_device_id: DeviceId | None = None,
    condition_state: ConditionState | None = None,
    member_id: MemberId | None = None,
) -> Automation:
    """Create an enabled automation rule: when the trigger fires and the conditions hold, send the action to the
    devices and/or run a scene.

    Triggers: a time of day, sunrise, sunset, or a sensor event (motion_detected; opened/closed for contact sensors;
    smoke_detected; leak_detected; above/below a threshold for temperature, humidity and energy). Conditions: an
    optional time window and an optional device state. Every device must belong to the home and support its part.

    Args:
        home_id: The home the rule belongs to.
        name: The rule's name, unique within the home.
        trigger_type: What fires the rule: time, sunrise, sunset or sensor.
        action: The command sent to each action device.
        action_device_ids: Devices that receive the action (may be empty when a scene is given).
        scene_id: A scene of the same home to run when the rule fires.
        trigger_time: For time triggers: local time of day, HH:MM.
        trigger_device_id: For sensor triggers: the sensor.
        trigger_event: For sensor triggers: the event to react to.
        trigger_threshold: For above/below events: the threshold, in the sensor's unit.
        condition_start_time: Only fire after this time of day (HH:MM); needs condition_end_time.
        condition_end_time: Only fire before this time of day (HH:MM); the window may wrap past midnight.
        condition_device_id: Only fire while this device is in condition_state.
        condition_state: The state condition_device_id must be in.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    home = _get(world.homes, home_id, "home")
    actor = _manager(world, home_id, member_id, "create automation rules")
    title = name.strip()
    if not title:
        raise ToolError("The rule name must not be blank.")
    for rule in world.automations.values():
        if rule.home_id == home_id and rule.name.lower() == title.lower():
            raise ToolError(f"{home.name} already has a rule named {rule.name!r} ({rule.automation_id}).")
    trigger = _trigger(world, home, trigger_type, trigger_time, trigger_device_id, trigger_event, trigger_threshold)
    conditions = _conditions(world, home, condition_start_time, condition_end_time, condition_device_id,
                             condition_state)
    actions = []
    for device_id in dict.fromkeys(action_device_ids):
        device = _home_device(world, device_id, home, "action")
        _needs(device, _COMMAND_NEEDS[action], f"the {action!r} action")
        actions.append(AutomationAction(device_id=device_id, command=action))
    if scene_id is not None and _get(world.scenes, scene_id, "scene").home_id != home_id:
        raise ToolError(f"Scene {scene_id} belongs to another home; use a scene of {home_id}.")
    if not actions and scene_id is None:
        raise ToolError("A rule needs action_device_ids, a scene_id, or both.")
    rule = Automation(
        automation_id=world.next_id("AUT", 3), home_id=home_id, name=title, enabled=True, trigger=trigger,
        conditions=conditions, actions=actions, scene_id=scene_id, created_by=actor.member_id,
    )
    world.automations[rule.automation_id] = rule
    return rule


@server.write
def set_automation_enabled(
    world: IotDevicesWorld, automation_id: AutomationId, enabled: bool, member_id: MemberId | None = None
) -> Automation:
    """Enable or disable an automation rule. A rule that refers to removed devices cannot be enabled.

    Args:
        automation_id: The rule (see list_automation_rules).
        enabled: true to enable, false to disable.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    rule = _get(world.automations, automation_id, "automation rule")
    _manager(world, rule.home_id, member_id, "change automation rules")
    if enabled:
        missing = [device_id for device_id in _referenced_devices(rule) if device_id not in world.devices]
        if missing:
            raise ToolError(
                f"Rule {automation_id} ({rule.name}) refers to unknown device(s) {', '.join(missing)}, removed from "
                "the home, so it cannot be enabled. Create a replacement with create_automation_rule."
            )
        if rule.scene_id is not None and rule.scene_id not in world.scenes:
            raise ToolError(f"Rule {automation_id} ({rule.name}) runs scene {rule.scene_id}, which no longer exists.")
    rule.enabled = enabled
    return rule


# ----- maintenance -----


@server.write
def update_device_firmware(
    world: IotDevicesWorld, device_id: DeviceId, member_id: MemberId | None = None
) -> DeviceDetails:
    """Install the latest firmware on a device (it must be online; battery devices need 30% charge).

    Args:
        device_id: The device to update.
        member_id: Who is acting (see list_smart_homes); omit to act as the home's owner.
    """
    device = _get(world.devices, device_id, "device")
    actor = _manager(world, device.home_id, member_id, "update firmware")
    if device.firmware_version == device.latest_firmware:
        raise ToolError(f"{_label(device)} already runs the latest firmware ({device.latest_firmware}).")
    _online(device)
    if device.battery_pct is not None and device.battery_pct < FIRMWARE_MIN_BATTERY:
        raise ToolError(
            f"Battery too low: {_label(device)} is at {device.battery_pct}%; a firmware update needs "
            f"{FIRMWARE_MIN_BATTERY}%. Charge it or replace its batteries first."
        )
    device.firmware_version = device.latest_firmware
    return _changed(world, device, actor.member_id)
