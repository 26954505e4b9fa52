"""The smart home hub's state: homes, household members, rooms, devices, sensor readings, scenes, automation rules
and lock access codes.

One household owns two homes (a house and a cabin). Every device sits in one room of one home; its type decides
which parts of its state exist (a light has `light`, a door lock has `locked`, a sensor has `sensor`). Sensor
history is kept per device, oldest first: temperature and humidity every two hours for two days, motion and contact
events, daily smoke and leak self-tests, and daily energy totals (kWh) for energy meters and metering plugs. An
offline device's history stops when it was last seen.
"""

import random
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
HomeId = Annotated[str, Entity("smart_home"), _ID]
RoomId = Annotated[str, Entity("smart_home_room"), _ID]
DeviceId = Annotated[str, Entity("smart_device"), _ID]
MemberId = Annotated[str, Entity("smart_home_member"), _ID]
SceneId = Annotated[str, Entity("home_scene"), _ID]
AutomationId = Annotated[str, Entity("home_automation"), _ID]
AccessCodeId = Annotated[str, Entity("lock_access_code"), _ID]
LockPin = Annotated[str, Entity("lock_pin", sensitive=True), Field(pattern=r"^[0-9]{4,8}$")]

DeviceType = Literal[
    "light", "plug", "thermostat", "lock", "camera", "blinds", "speaker", "vacuum", "water_heater",
    "temperature_sensor", "humidity_sensor", "motion_sensor", "contact_sensor", "smoke_detector", "leak_sensor",
    "energy_meter",
]
Role = Literal["owner", "member", "guest"]
Power = Literal["on", "off"]
ThermostatMode = Literal["heat", "cool", "auto", "off"]
VacuumState = Literal["docked", "cleaning", "paused", "returning", "error"]
Metric = Literal["temperature", "humidity", "motion", "contact", "smoke", "leak", "energy"]
TriggerKind = Literal["time", "sunrise", "sunset", "sensor"]
TriggerEvent = Literal["motion_detected", "opened", "closed", "smoke_detected", "leak_detected", "above", "below"]
Command = Literal["turn_on", "turn_off", "lock", "open", "close", "start_cleaning", "dock"]
ConditionState = Literal["on", "off", "locked", "unlocked", "open", "closed"]

THERMOSTAT_MIN_C = 5.0
THERMOSTAT_MAX_C = 32.0
THERMOSTAT_DEADBAND_C = 2.0
"""The cooling setpoint must stay at least this far above the heating setpoint."""
LOCK_MIN_BATTERY = 15
VACUUM_MIN_BATTERY = 20
FIRMWARE_MIN_BATTERY = 30
OWNER_ID = "MBR-01"
"""The household's owner: the first member the generator creates, owner of both homes."""
METRIC_OF: dict[DeviceType, Metric] = {
    "temperature_sensor": "temperature", "humidity_sensor": "humidity", "motion_sensor": "motion",
    "contact_sensor": "contact", "smoke_detector": "smoke", "leak_sensor": "leak", "energy_meter": "energy",
    "plug": "energy",
}
UNITS: dict[Metric, str] = {
    "temperature": "°C", "humidity": "%", "motion": "1=motion", "contact": "1=open, 0=closed",
    "smoke": "1=alarm, 0=clear", "leak": "1=wet, 0=dry", "energy": "kWh per day",
}


class LightState(BaseModel):
    brightness: int = Field(description="Percent, 0-100.")
    color_temp_k: int | None = Field(description="Color temperature in kelvin; null when the bulb is not tunable.")
    color_temp_min_k: int | None
    color_temp_max_k: int | None


class ThermostatState(BaseModel):
    mode: ThermostatMode
    supported_modes: list[ThermostatMode]
    heat_setpoint_c: float = Field(description="Heat when the room is colder than this (heat and auto modes).")
    cool_setpoint_c: float = Field(description="Cool when the room is warmer than this (cool and auto modes).")
    current_temp_c: float
    current_humidity_pct: int


class VacuumStatus(BaseModel):
    state: VacuumState
    error: str | None = None
    cleaning_room_ids: list[RoomId] = Field(default_factory=list)


class WaterHeaterState(BaseModel):
    target_temp_c: float
    tank_temp_c: float


class SensorState(BaseModel):
    metric: Metric
    unit: str
    value: float = Field(description="The latest reading.")
    updated_at: datetime


class Reading(BaseModel):
    at: datetime
    value: float


class Home(BaseModel):
    home_id: HomeId
    name: str
    address: str
    city: str
    timezone: str
    owner_id: MemberId
    electricity_rate: float = Field(description="USD per kWh.")


class Member(BaseModel):
    member_id: MemberId
    name: str
    email: str
    role: Role
    relationship: str
    home_ids: list[HomeId]
    allowed_device_ids: list[DeviceId] = Field(
        default_factory=list, description="Guests only: the devices the guest may control."
    )


class Room(BaseModel):
    room_id: RoomId
    home_id: HomeId
    name: str
    floor: int = Field(description="-1 basement, 0 ground floor, 1 upstairs; outdoor areas count as 0.")


class Device(BaseModel):
    device_id: DeviceId
    home_id: HomeId
    room_id: RoomId
    name: str
    type: DeviceType
    manufacturer: str
    model: str
    firmware_version: str
    latest_firmware: str
    online: bool
    last_seen: datetime
    battery_pct: int | None = Field(None, description="Null for mains-powered devices.")
    power: Power | None = Field(None, description="On/off state of devices that switch on and off.")
    light: LightState | None = None
    thermostat: ThermostatState | None = None
    locked: bool | None = None
    position: int | None = Field(None, description="Blinds: percent open, 0 closed to 100 fully open.")
    vacuum: VacuumStatus | None = None
    water_heater: WaterHeaterState | None = None
    sensor: SensorState | None = None
    last_changed_at: datetime | None = None
    last_changed_by: MemberId | None = None


class SceneAction(BaseModel):
    """The state one device takes when the scene runs; null fields are left as they are."""

    device_id: DeviceId
    power: Power | None = None
    brightness: int | None = None
    color_temp_k: int | None = None
    position: int | None = None
    locked: bool | None = None
    thermostat_mode: ThermostatMode | None = None
    heat_setpoint_c: float | None = None
    cool_setpoint_c: float | None = None


class Scene(BaseModel):
    scene_id: SceneId
    home_id: HomeId
    name: str
    actions: list[SceneAction]
    created_by: MemberId
    last_run_at: datetime | None = None


class Trigger(BaseModel):
    kind: TriggerKind
    time: str | None = Field(None, description="HH:MM local time, for time triggers.")
    device_id: DeviceId | None = Field(None, description="The sensor, for sensor triggers.")
    event: TriggerEvent | None = None
    threshold: float | None = Field(None, description="For above/below events, in the sensor's unit.")


class Condition(BaseModel):
    kind: Literal["time_window", "device_state"]
    start: str | None = Field(None, description="HH:MM, for time windows (may wrap past midnight).")
    end: str | None = None
    device_id: DeviceId | None = None
    state: ConditionState | None = None


class AutomationAction(BaseModel):
    device_id: DeviceId
    command: Command


class Automation(BaseModel):
    automation_id: AutomationId
    home_id: HomeId
    name: str
    enabled: bool
    trigger: Trigger
    conditions: list[Condition] = Field(default_factory=list)
    actions: list[AutomationAction] = Field(default_factory=list)
    scene_id: SceneId | None = Field(None, description="A scene the rule runs, besides its device actions.")
    created_by: MemberId
    last_triggered_at: datetime | None = None


class AccessCode(BaseModel):
    code_id: AccessCodeId
    device_id: DeviceId
    label: str
    pin: LockPin
    member_id: MemberId | None = None
    created_at: datetime
    valid_until: datetime | None = None
    status: Literal["active", "revoked"] = "active"
    last_used_at: datetime | None = None


def capabilities(device: Device) -> list[str]:
    """What a device can do, named as the tools that use it expect."""
    found = []
    if device.power is not None:
        found.append("power")
    if device.light is not None:
        found.append("brightness")
        if device.light.color_temp_min_k is not None:
            found.append("color_temperature")
    if device.thermostat is not None:
        found.append("thermostat")
    if device.locked is not None:
        found += ["lock", "access_codes"]
    if device.position is not None:
        found.append("position")
    if device.vacuum is not None:
        found.append("vacuum")
    if device.sensor is not None:
        found.append("energy_monitoring" if device.sensor.metric == "energy" else "sensor_history")
    if device.battery_pct is not None:
        found.append("battery")
    return found


# ----- catalogue and templates of the generator -----


class _Model(NamedTuple):
    manufacturer: str
    model: str
    firmware: str
    previous_firmware: str
    battery: bool = False
    color_range: tuple[int, int] | None = None
    modes: tuple[ThermostatMode, ...] = ("heat", "cool", "auto", "off")
    placed_only: bool = False
    """Only installed where a room template names it (a baseboard thermostat), never picked at random."""


_CATALOG: dict[DeviceType, tuple[_Model, ...]] = {
    "light": (
        _Model("Philips Hue", "White Ambiance A19", "1.104.2", "1.101.5", color_range=(2200, 6500)),
        _Model("IKEA", "Tradfri LED Bulb E26", "2.3.093", "2.3.087", color_range=(2200, 4000)),
        _Model("LIFX", "Mini White", "3.90", "3.70", color_range=(2700, 6500)),
        _Model("Sengled", "Smart LED Soft White", "1.0.26", "1.0.21"),
    ),
    "plug": (
        _Model("TP-Link Kasa", "KP125M Smart Plug", "1.2.5", "1.1.3"),
        _Model("Eve", "Energy Smart Plug", "3.5.0", "3.4.1"),
        _Model("Meross", "MSS110 Smart Plug", "6.3.22", "6.1.9"),
    ),
    "thermostat": (
        _Model("ecobee", "Smart Thermostat Premium", "4.8.7.142", "4.8.6.98"),
        _Model("Google Nest", "Learning Thermostat", "6.2-7", "6.1-3"),
        _Model("Honeywell Home", "T9 Smart Thermostat", "3.6.12", "3.5.4"),
        _Model("Mysa", "Baseboard Thermostat V2", "2.83.1", "2.79.0", modes=("heat", "off"), placed_only=True),
    ),
    "lock": (
        _Model("August", "Wi-Fi Smart Lock", "2.1.19", "2.0.11", battery=True),
        _Model("Yale", "Assure Lock 2", "1.9.4", "1.8.0", battery=True),
        _Model("Schlage", "Encode Plus", "3.0.2", "2.9.7", battery=True),
    ),
    "camera": (
        _Model("Ring", "Video Doorbell 4", "1.4.26", "1.4.20", battery=True),
        _Model("Arlo", "Pro 5S", "1.125.1", "1.122.0", battery=True),
        _Model("Wyze", "Cam v3", "4.36.11", "4.36.9"),
    ),
    "blinds": (
        _Model("Lutron", "Serena Roller Shade", "2.7.1", "2.6.0"),
        _Model("IKEA", "Fyrtur Roller Blind", "24.4.6", "24.4.2", battery=True),
    ),
    "speaker": (
        _Model("Sonos", "One", "15.9", "15.4"),
        _Model("Amazon", "Echo Dot (5th Gen)", "8.5.3", "8.2.0"),
        _Model("Google", "Nest Audio", "1.56.3", "1.52.1"),
    ),
    "vacuum": (
        _Model("Roborock", "S8 Pro Ultra", "02.15.44", "02.12.10", battery=True),
        _Model("iRobot", "Roomba j7+", "22.29.6", "22.24.3", battery=True),
        _Model("Eufy", "RoboVac X8", "2.2.4", "2.1.9", battery=True),
    ),
    "water_heater": (
        _Model("Rheem", "ProTerra Hybrid", "4.3.0", "4.1.2"),
        _Model("A. O. Smith", "Signature 900", "1.8.2", "1.7.5"),
    ),
    "temperature_sensor": (
        _Model("Aqara", "Temperature Sensor T1", "1.0.25", "1.0.19", battery=True),
        _Model("Eve", "Weather", "2.1.1", "2.0.4", battery=True),
    ),
    "humidity_sensor": (
        _Model("SwitchBot", "Meter Plus", "2.4", "2.2", battery=True),
        _Model("Aqara", "Humidity Sensor", "1.0.25", "1.0.19", battery=True),
    ),
    "motion_sensor": (
        _Model("Philips Hue", "Motion Sensor", "2.53.6", "2.49.0", battery=True),
        _Model("Aqara", "Motion Sensor P1", "1.0.8", "1.0.5", battery=True),
    ),
    "contact_sensor": (
        _Model("Aqara", "Door and Window Sensor", "1.0.2", "1.0.1", battery=True),
        _Model("Eve", "Door & Window", "3.1.0", "3.0.2", battery=True),
        _Model("Ring", "Contact Sensor", "1.2.0", "1.1.7", battery=True),
    ),
    "smoke_detector": (
        _Model("First Alert", "Onelink Safe & Sound", "2.4.1", "2.3.8", battery=True),
        _Model("Google Nest", "Protect", "3.5.12", "3.4.2", battery=True),
    ),
    "leak_sensor": (
        _Model("Govee", "Water Leak Detector", "1.0.4", "1.0.2", battery=True),
        _Model("Moen", "Flo Smart Water Detector", "1.2.1", "1.1.0", battery=True),
    ),
    "energy_meter": (
        _Model("Sense", "Energy Monitor", "1.45.3", "1.44.0"),
        _Model("Emporia", "Vue 3", "2.0.6", "1.9.8"),
    ),
}


class _Slot(NamedTuple):
    type: DeviceType
    label: str
    required: bool = False
    model: str | None = None


_HOUSE_ROOMS: tuple[tuple[str, int, bool, tuple[_Slot, ...]], ...] = (
    ("Living Room", 0, True, (
        _Slot("light", "Ceiling Light", True), _Slot("light", "Floor Lamp"), _Slot("blinds", "Window Blinds", True),
        _Slot("thermostat", "Thermostat", True), _Slot("speaker", "Speaker", True),
        _Slot("motion_sensor", "Motion Sensor"), _Slot("plug", "TV Plug"),
    )),
    ("Kitchen", 0, True, (
        _Slot("light", "Pendant Lights", True), _Slot("light", "Under-Cabinet Lights"),
        _Slot("plug", "Coffee Maker Plug"), _Slot("smoke_detector", "Smoke Detector", True),
        _Slot("leak_sensor", "Sink Leak Sensor"),
    )),
    ("Dining Room", 0, False, (_Slot("light", "Chandelier", True), _Slot("blinds", "Blinds"))),
    ("Primary Bedroom", 1, True, (
        _Slot("light", "Ceiling Light", True), _Slot("light", "Bedside Lamp"),
        _Slot("blinds", "Blackout Blinds", True), _Slot("thermostat", "Thermostat", True),
        _Slot("humidity_sensor", "Humidity Sensor"), _Slot("vacuum", "Upstairs Robot Vacuum", True, "RoboVac X8"),
    )),
    ("Kids' Room", 1, False, (
        _Slot("light", "Night Light", True), _Slot("temperature_sensor", "Temperature Sensor"),
        _Slot("plug", "Humidifier Plug"), _Slot("contact_sensor", "Window Sensor"),
    )),
    ("Guest Room", 1, False, (
        _Slot("light", "Ceiling Light", True), _Slot("contact_sensor", "Window Sensor"),
        _Slot("temperature_sensor", "Temperature Sensor"),
    )),
    ("Home Office", 1, True, (
        _Slot("light", "Desk Lamp", True), _Slot("plug", "Monitor Plug"),
        _Slot("plug", "Space Heater Plug", True), _Slot("temperature_sensor", "Temperature Sensor", True),
        _Slot("blinds", "Blinds"),
    )),
    ("Hallway", 0, True, (
        _Slot("light", "Hallway Lights", True), _Slot("motion_sensor", "Motion Sensor", True),
        _Slot("smoke_detector", "Smoke Detector", True), _Slot("vacuum", "Robot Vacuum", True, "S8 Pro Ultra"),
    )),
    ("Entryway", 0, True, (
        _Slot("lock", "Front Door Lock", True), _Slot("light", "Porch Light", True),
        _Slot("camera", "Doorbell Camera", True, "Video Doorbell 4"),
        _Slot("contact_sensor", "Front Door Sensor", True),
    )),
    ("Garage", 0, True, (
        _Slot("lock", "Garage Side Door Lock", True), _Slot("light", "Garage Lights", True, "Smart LED Soft White"),
        _Slot("camera", "Garage Camera", True, "Cam v3"), _Slot("contact_sensor", "Garage Door Sensor", True),
        _Slot("plug", "EV Charger Plug"),
    )),
    ("Basement", -1, True, (
        _Slot("water_heater", "Water Heater", True), _Slot("leak_sensor", "Floor Leak Sensor", True),
        _Slot("energy_meter", "Energy Meter", True), _Slot("humidity_sensor", "Humidity Sensor"),
    )),
    ("Backyard", 0, True, (
        _Slot("light", "String Lights", True), _Slot("camera", "Backyard Camera", True),
        _Slot("lock", "Back Gate Lock", True), _Slot("motion_sensor", "Motion Sensor"),
    )),
    ("Laundry Room", 0, False, (
        _Slot("light", "Ceiling Light", True), _Slot("leak_sensor", "Washer Leak Sensor", True),
        _Slot("plug", "Dryer Plug"),
    )),
    ("Bathroom", 1, False, (
        _Slot("light", "Vanity Light", True), _Slot("humidity_sensor", "Humidity Sensor"),
        _Slot("leak_sensor", "Leak Sensor"),
    )),
)
_CABIN_ROOMS: tuple[tuple[str, int, bool, tuple[_Slot, ...]], ...] = (
    ("Great Room", 0, True, (
        _Slot("light", "Ceiling Fan Light", True), _Slot("light", "Reading Lamp", True),
        _Slot("thermostat", "Baseboard Thermostat", True, "Baseboard Thermostat V2"),
        _Slot("speaker", "Speaker"), _Slot("blinds", "Window Shades", True),
        _Slot("temperature_sensor", "Temperature Sensor", True), _Slot("motion_sensor", "Motion Sensor"),
    )),
    ("Kitchen", 0, True, (
        _Slot("light", "Kitchen Lights", True), _Slot("plug", "Kettle Plug"),
        _Slot("smoke_detector", "Smoke Detector", True), _Slot("leak_sensor", "Sink Leak Sensor"),
    )),
    ("Bedroom", 0, True, (
        _Slot("light", "Bedside Lamp", True), _Slot("thermostat", "Thermostat", True, "Learning Thermostat"),
        _Slot("blinds", "Blinds"),
    )),
    ("Loft", 1, True, (
        _Slot("light", "Loft Light", True), _Slot("temperature_sensor", "Temperature Sensor"),
        _Slot("plug", "Space Heater Plug", True),
    )),
    ("Bathroom", 0, True, (
        _Slot("light", "Vanity Light", True), _Slot("humidity_sensor", "Humidity Sensor"),
        _Slot("leak_sensor", "Leak Sensor"),
    )),
    ("Mudroom", 0, True, (
        _Slot("lock", "Front Door Lock", True), _Slot("light", "Entry Light", True),
        _Slot("camera", "Doorbell Camera", True), _Slot("contact_sensor", "Front Door Sensor"),
    )),
    ("Deck", 0, True, (
        _Slot("lock", "Deck Door Lock", True), _Slot("light", "Deck String Lights", True),
        _Slot("camera", "Deck Camera"),
    )),
    ("Utility Room", 0, True, (
        _Slot("water_heater", "Water Heater", True), _Slot("energy_meter", "Energy Meter", True),
        _Slot("leak_sensor", "Leak Sensor", True), _Slot("vacuum", "Robot Vacuum", True, "Roomba j7+"),
    )),
)
_HOUSES = (
    ("{last} Family House", "14 Maple Street", "Portland, OR", "America/Los_Angeles", 0.17),
    ("Cedar Lane House", "208 Cedar Lane", "Madison, WI", "America/Chicago", 0.16),
    ("Hillcrest Home", "5 Hillcrest Drive", "Raleigh, NC", "America/New_York", 0.13),
    ("Willow Court House", "31 Willow Court", "Denver, CO", "America/Denver", 0.15),
)
_CABINS = (
    ("Lakeside Cabin", "77 Shoreline Road", "Bend, OR", "America/Los_Angeles", 0.12),
    ("Pine Ridge Cabin", "2 Pine Ridge Trail", "Eagle River, WI", "America/Chicago", 0.14),
    ("Blue Ridge Cabin", "410 Overlook Road", "Boone, NC", "America/New_York", 0.12),
    ("Aspen Hollow Cabin", "9 Aspen Hollow", "Breckenridge, CO", "America/Denver", 0.16),
)
_LAST_NAMES = ("Alvarez", "Bennett", "Chen", "Dubois", "Eriksen", "Fischer", "Gupta", "Hayes", "Ito", "Kowalski",
               "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Quinn", "Romero", "Sullivan", "Tanaka", "Walsh")
_FIRST_NAMES = ("Alex", "Jordan", "Maya", "Daniel", "Priya", "Marcus", "Sofia", "Ethan", "Hannah", "Leo", "Nina",
                "Omar", "Grace", "Lucas", "Zoe", "Samuel", "Ava", "Noah", "Iris", "Felix")
_GUEST_NAMES = ("Rosa Delgado", "Tom Becker", "Aisha Bello", "Kenji Mori", "Lena Novak", "Chris Parker",
                "Fatima Haddad", "Owen Murphy", "Julia Rossi", "Victor Lindqvist")
_PLUG_KWH = {
    "TV": (0.4, 1.3), "Coffee": (0.2, 0.6), "Humidifier": (0.3, 0.9), "Monitor": (0.3, 0.8),
    "Space Heater": (3.5, 9.0), "EV Charger": (7.0, 22.0), "Dryer": (1.5, 4.2), "Kettle": (0.2, 0.5),
}
_DAY_SHAPE = (-1.2, -1.5, -1.6, -1.2, -0.4, 0.4, 1.0, 1.5, 1.6, 1.2, 0.5, -0.4)
"""Offset from the daily mean of an indoor temperature, two-hourly from midnight."""


class IotDevicesWorld(World):
    server: ClassVar[str] = "iot_devices"

    homes: dict[str, Home] = Field(default_factory=dict)
    members: dict[str, Member] = Field(default_factory=dict)
    rooms: dict[str, Room] = Field(default_factory=dict)
    devices: dict[str, Device] = Field(default_factory=dict)
    readings: dict[str, list[Reading]] = Field(default_factory=dict)
    scenes: dict[str, Scene] = Field(default_factory=dict)
    automations: dict[str, Automation] = Field(default_factory=dict)
    access_codes: dict[str, AccessCode] = Field(default_factory=dict)

    def generate(self, rng: random.Random) -> None:
        last = rng.choice(_LAST_NAMES)
        pick = rng.randrange(len(_HOUSES))
        houses = [self._new_home(_HOUSES[pick], last), self._new_home(_CABINS[pick], last)]
        placed: dict[tuple[str, str], Device] = {}
        for home, template, optional_rooms in ((houses[0], _HOUSE_ROOMS, 3), (houses[1], _CABIN_ROOMS, 0)):
            extra = rng.sample([room for room in template if not room[2]], optional_rooms)
            for room in template:
                name, floor, required, slots = room
                if required or room in extra:
                    self._new_room(rng, home, name, floor, slots, placed)
        self._set_edge_states(rng)
        for device in self.devices.values():
            self._new_history(rng, device, large_home=device.home_id == houses[0].home_id)
        self._spring_a_leak(rng)
        self._new_members(rng, houses, last, placed)
        self._new_access_codes(rng, houses)
        self._new_scenes(rng, houses)
        self._new_automations(rng, houses, placed)

    # ----- homes, rooms and devices -----

    def _new_home(self, spec: tuple[str, str, str, str, float], last: str) -> Home:
        name, address, city, timezone, rate = spec
        home = Home(
            home_id=self.next_id("HOME", 2), name=name.format(last=last), address=address, city=city,
            timezone=timezone, owner_id=OWNER_ID, electricity_rate=rate,
        )
        self.homes[home.home_id] = home
        return home

    def _new_room(
        self, rng: random.Random, home: Home, name: str, floor: int, slots: tuple[_Slot, ...],
        placed: dict[tuple[str, str], Device],
    ) -> None:
        room = Room(room_id=self.next_id("ROOM", 3), home_id=home.home_id, name=name, floor=floor)
        self.rooms[room.room_id] = room
        for slot in slots:
            if slot.required or rng.random() < 0.8:
                device = self._new_device(rng, room, slot)
                placed[(home.home_id, f"{name}/{slot.label}")] = device

    def _new_device(self, rng: random.Random, room: Room, slot: _Slot) -> Device:
        models = _CATALOG[slot.type]
        model = next((m for m in models if m.model == slot.model), None) or rng.choice(
            [m for m in models if not m.placed_only]
        )
        online = rng.random() > 0.05
        own_name = slot.type == "lock" or slot.label.startswith(room.name.split()[0])
        firmware = model.previous_firmware if rng.random() < 0.3 else model.firmware
        seen = timedelta(minutes=rng.randint(0, 9)) if online else timedelta(hours=rng.randint(5, 70))
        battery = rng.randint(8, 100) if rng.random() < 0.25 else rng.randint(45, 100)
        device = Device(
            device_id=self.next_id("DEV"),
            home_id=room.home_id,
            room_id=room.room_id,
            name=slot.label if own_name else f"{room.name} {slot.label}",
            type=slot.type,
            manufacturer=model.manufacturer,
            model=model.model,
            firmware_version=firmware,
            latest_firmware=model.firmware,
            online=online,
            last_seen=self.now - seen,
            battery_pct=battery if model.battery else None,
        )
        if slot.type in ("light", "plug", "camera", "speaker", "water_heater"):
            device.power = "on" if rng.random() < {"camera": 0.85, "water_heater": 0.9}.get(slot.type, 0.35) else "off"
        if slot.type == "light":
            low, high = model.color_range or (None, None)
            device.light = LightState(
                brightness=rng.randrange(10, 101, 5),
                color_temp_k=rng.randrange(low, high + 1, 100) if low and high else None,
                color_temp_min_k=low,
                color_temp_max_k=high,
            )
        elif slot.type == "thermostat":
            heat = rng.choice((19.0, 19.5, 20.0, 20.5, 21.0, 21.5, 22.0))
            device.thermostat = ThermostatState(
                mode="heat" if "auto" not in model.modes else rng.choice(("heat", "heat", "auto", "off")),
                supported_modes=list(model.modes),
                heat_setpoint_c=heat,
                cool_setpoint_c=rng.choice((24.0, 24.5, 25.0, 25.5, 26.0)),
                current_temp_c=round(heat + rng.uniform(-1.5, 1.0), 1),
                current_humidity_pct=rng.randint(30, 55),
            )
        elif slot.type == "lock":
            device.locked = rng.random() < 0.8
        elif slot.type == "blinds":
            device.position = rng.choice((0, 25, 50, 75, 100))
        elif slot.type == "vacuum":
            device.vacuum = VacuumStatus(state="docked")
            device.battery_pct = 100
        elif slot.type == "water_heater":
            target = float(rng.choice((49, 50, 52, 55)))
            tank = round(target - rng.uniform(0, 4), 1)
            device.water_heater = WaterHeaterState(target_temp_c=target, tank_temp_c=tank)
        if slot.type in METRIC_OF:
            metric = METRIC_OF[slot.type]
            device.sensor = SensorState(metric=metric, unit=UNITS[metric], value=0.0, updated_at=device.last_seen)
        self.devices[device.device_id] = device
        return device

    def _set_edge_states(self, rng: random.Random) -> None:
        """States every seed has, so that each failure mode can be met: low lock battery, offline devices, a
        vacuum that needs attention, a paused vacuum low on battery.

        Devices come in template order: locks are the house's front door, garage side door and back gate, then the
        cabin's front and deck doors; vacuums are the house's upstairs and hallway ones, then the cabin's.
        """
        by_type: dict[str, list[Device]] = {}
        for device in self.devices.values():
            by_type.setdefault(device.type, []).append(device)
        for device in (*by_type["vacuum"], *by_type["thermostat"], by_type["lock"][0], by_type["lock"][1],
                       by_type["lock"][3]):
            device.online = True
            device.last_seen = self.now - timedelta(minutes=rng.randint(0, 9))
        for device in (by_type["lock"][0], by_type["lock"][3]):
            device.battery_pct = max(device.battery_pct or 0, 45)
        by_type["lock"][1].battery_pct = rng.randint(5, LOCK_MIN_BATTERY - 3)
        for device in (by_type["lock"][1], by_type["lock"][2]):
            model = next(m for m in _CATALOG["lock"] if m.model == device.model)
            device.firmware_version = model.previous_firmware
        for device in (by_type["lock"][2], by_type["thermostat"][-1], rng.choice(by_type["light"])):
            device.online = False
            device.last_seen = self.now - timedelta(hours=rng.randint(6, 50))
        upstairs, downstairs, cabin = by_type["vacuum"]
        upstairs.vacuum = VacuumStatus(state="paused")
        upstairs.battery_pct = rng.randint(8, VACUUM_MIN_BATTERY - 4)
        downstairs.vacuum = VacuumStatus(state="docked")
        cabin.vacuum = VacuumStatus(state="error", error="Main brush is tangled; clear it and press the home button.")
        cabin.battery_pct = rng.randint(40, 80)

    def _spring_a_leak(self, rng: random.Random) -> None:
        """One online leak sensor reported water forty minutes ago."""
        wet = rng.choice([d for d in self.devices.values() if d.type == "leak_sensor" and d.online])
        reading = Reading(at=self.now - timedelta(minutes=40), value=1.0)
        self.readings[wet.device_id].append(reading)
        if wet.sensor is not None:
            wet.sensor.value, wet.sensor.updated_at = reading.value, reading.at

    # ----- sensor history -----

    def _new_history(self, rng: random.Random, device: Device, large_home: bool) -> None:
        if device.sensor is None:
            return
        end = device.last_seen.replace(minute=0, second=0, microsecond=0)
        metric = device.sensor.metric
        history: list[Reading] = []
        if metric in ("temperature", "humidity"):
            mean = rng.uniform(18.5, 22.5) if metric == "temperature" else rng.uniform(35, 55)
            swing = 1.0 if metric == "temperature" else -3.0
            for step in range(23, -1, -1):
                at = end - timedelta(hours=2 * step)
                value = mean + swing * _DAY_SHAPE[at.hour // 2] + rng.uniform(-0.3, 0.3)
                history.append(Reading(at=at, value=round(value, 1)))
        elif metric in ("motion", "contact"):
            for minutes in sorted(rng.sample(range(10, 48 * 60, 10), rng.randint(4, 8)), reverse=True):
                at = end - timedelta(minutes=minutes)
                history.append(Reading(at=at, value=1.0))
                if metric == "contact":
                    history.append(Reading(at=at + timedelta(minutes=rng.randint(1, 9)), value=0.0))
        elif metric in ("smoke", "leak"):
            history = [Reading(at=end - timedelta(hours=12 * step), value=0.0) for step in range(3, -1, -1)]
        else:
            days = 14 if device.type == "energy_meter" else 7
            if device.type == "plug":
                low, high = next((span for word, span in _PLUG_KWH.items() if word in device.name), (0.1, 1.0))
            else:
                low, high = (22.0, 48.0) if large_home else (6.0, 20.0)
            midnight = end.replace(hour=0)
            history = [
                Reading(at=midnight - timedelta(days=day), value=round(rng.uniform(low, high), 2))
                for day in range(days, 0, -1)
            ]
        self.readings[device.device_id] = history
        device.sensor.value = history[-1].value
        device.sensor.updated_at = history[-1].at

    # ----- people, codes, scenes, automations -----

    def _new_members(
        self, rng: random.Random, homes: list[Home], last: str, placed: dict[tuple[str, str], Device]
    ) -> None:
        owner, partner, teen = rng.sample(_FIRST_NAMES, 3)
        house, cabin = homes[0].home_id, homes[1].home_id
        sitter, walker, grandparent = rng.sample(_GUEST_NAMES, 3)

        def allowed(home_id: str, *keys: str) -> list[str]:
            return [placed[(home_id, key)].device_id for key in keys if (home_id, key) in placed]

        people: list[tuple[str, Role, str, list[str], list[str]]] = [
            (f"{owner} {last}", "owner", "Homeowner", [house, cabin], []),
            (f"{partner} {last}", "member", "Partner", [house, cabin], []),
            (f"{teen} {last}", "member", "Teenager", [house], []),
            (sitter, "guest", "House sitter", [house], allowed(
                house, "Entryway/Porch Light", "Hallway/Hallway Lights", "Living Room/Ceiling Light",
                "Living Room/Thermostat", "Entryway/Front Door Lock",
            )),
            (walker, "guest", "Dog walker", [house], allowed(house, "Entryway/Porch Light", "Hallway/Hallway Lights")),
            (grandparent, "guest", "Grandparent", [cabin], allowed(
                cabin, "Great Room/Ceiling Fan Light", "Great Room/Reading Lamp", "Great Room/Baseboard Thermostat",
                "Bedroom/Bedside Lamp",
            )),
        ]
        for name, role, relationship, home_ids, device_ids in people:
            member = Member(
                member_id=self.next_id("MBR", 2), name=name, role=role, relationship=relationship,
                email=f"{name.lower().replace(' ', '.')}{rng.randint(1, 99)}@example.com",
                home_ids=home_ids, allowed_device_ids=device_ids,
            )
            self.members[member.member_id] = member

    def _new_access_codes(self, rng: random.Random, homes: list[Home]) -> None:
        locks = [device for device in self.devices.values() if device.type == "lock"]
        guests = {member.relationship: member.member_id for member in self.members.values() if member.role == "guest"}
        for index, lock in enumerate(locks):
            plan: list[tuple[str, str | None, timedelta | None, bool]] = [("Family", OWNER_ID, None, False)]
            if index == 0:
                plan += [
                    ("House sitter", guests["House sitter"], timedelta(days=rng.randint(5, 20)), False),
                    ("Dog walker", guests["Dog walker"], -timedelta(days=rng.randint(1, 6)), False),
                    ("Cleaning service", None, None, True),
                ]
            elif lock.home_id == homes[1].home_id and "Front" in lock.name:
                plan.append(("Grandparent", guests["Grandparent"], timedelta(days=rng.randint(10, 40)), False))
            elif rng.random() < 0.5:
                plan.append(("Handyman", None, timedelta(days=rng.randint(1, 7)), False))
            pins: list[str] = []
            for label, member_id, validity, revoked in plan:
                pin = ""
                while not pin or pin in pins:
                    pin = "".join(str(rng.randrange(10)) for _ in range(rng.choice((4, 4, 5, 6))))
                pins.append(pin)
                created = self.now - timedelta(days=rng.randint(15, 400))
                valid_until = self.now + validity if validity is not None else None
                used = self.now - timedelta(hours=rng.randint(3, 300))
                if valid_until is not None and used > valid_until:
                    used = valid_until - timedelta(hours=rng.randint(2, 48))
                code = AccessCode(
                    code_id=self.next_id("CODE", 3), device_id=lock.device_id, label=label, pin=pin,
                    member_id=member_id, created_at=created, valid_until=valid_until,
                    status="revoked" if revoked else "active", last_used_at=used,
                )
                self.access_codes[code.code_id] = code

    def _in_home(self, home_id: str, kind: str, room: str | None = None) -> list[Device]:
        return [
            device for device in self.devices.values()
            if device.home_id == home_id and device.type == kind
            and (room is None or self.rooms[device.room_id].name == room)
        ]

    def _new_scenes(self, rng: random.Random, homes: list[Home]) -> None:
        house, cabin = homes[0].home_id, homes[1].home_id
        specs: list[tuple[str, str, list[tuple[list[Device], dict[str, Any]]]]] = [
            (house, "Good Morning", [
                (self._in_home(house, "blinds"), {"position": 100}),
                (self._in_home(house, "light", "Kitchen"), {"power": "on", "brightness": 80, "color_temp_k": 4000}),
                (self._in_home(house, "thermostat"), {"thermostat_mode": "heat", "heat_setpoint_c": 21.0}),
            ]),
            (house, "Movie Night", [
                (self._in_home(house, "light", "Living Room"), {"power": "on", "brightness": 20, "color_temp_k": 2700}),
                (self._in_home(house, "blinds", "Living Room"), {"position": 0}),
                (self._in_home(house, "speaker", "Living Room"), {"power": "on"}),
                (self._in_home(house, "plug", "Living Room"), {"power": "on"}),
            ]),
            (house, "Good Night", [
                (self._in_home(house, "light"), {"power": "off"}),
                (self._in_home(house, "lock"), {"locked": True}),
                (self._in_home(house, "thermostat"), {"heat_setpoint_c": 18.0}),
                (self._in_home(house, "blinds"), {"position": 0}),
            ]),
            (house, "Away", [
                (self._in_home(house, "light"), {"power": "off"}),
                (self._in_home(house, "lock"), {"locked": True}),
                (self._in_home(house, "camera"), {"power": "on"}),
                (self._in_home(house, "thermostat"),
                 {"thermostat_mode": "auto", "heat_setpoint_c": 17.0, "cool_setpoint_c": 27.0}),
            ]),
            (cabin, "Arrive at Cabin", [
                (self._in_home(cabin, "thermostat"), {"thermostat_mode": "heat", "heat_setpoint_c": 21.0}),
                (self._in_home(cabin, "light", "Great Room"), {"power": "on", "brightness": 70}),
                (self._in_home(cabin, "water_heater"), {"power": "on"}),
            ]),
            (cabin, "Leave Cabin", [
                (self._in_home(cabin, "light"), {"power": "off"}),
                (self._in_home(cabin, "water_heater"), {"power": "off"}),
                (self._in_home(cabin, "thermostat"), {"thermostat_mode": "heat", "heat_setpoint_c": 10.0}),
                (self._in_home(cabin, "lock"), {"locked": True}),
                (self._in_home(cabin, "camera"), {"power": "on"}),
            ]),
            (cabin, "Cozy Evening", [
                (self._in_home(cabin, "light", "Great Room"), {"power": "on", "brightness": 35, "color_temp_k": 2700}),
                (self._in_home(cabin, "blinds"), {"position": 0}),
                (self._in_home(cabin, "speaker"), {"power": "on"}),
            ]),
        ]
        for home_id, name, groups in specs:
            actions = [
                SceneAction(device_id=device.device_id, **self._fitted(device, values))
                for devices, values in groups for device in devices
            ]
            scene = Scene(
                scene_id=self.next_id("SCN", 3), home_id=home_id, name=name, actions=actions, created_by=OWNER_ID,
                last_run_at=self.now - timedelta(hours=rng.randint(5, 400)),
            )
            self.scenes[scene.scene_id] = scene

    @staticmethod
    def _fitted(device: Device, values: dict[str, Any]) -> dict[str, Any]:
        """Scene values this device can take: no color temperature for plain bulbs, only supported modes."""
        fitted = dict(values)
        light = device.light
        if light is None or light.color_temp_min_k is None or light.color_temp_max_k is None:
            fitted.pop("color_temp_k", None)
        elif "color_temp_k" in fitted:
            fitted["color_temp_k"] = min(max(fitted["color_temp_k"], light.color_temp_min_k), light.color_temp_max_k)
        if device.thermostat is not None and fitted.get("thermostat_mode") not in device.thermostat.supported_modes:
            fitted.pop("thermostat_mode", None)
            fitted.pop("cool_setpoint_c", None)
        return fitted

    def _new_automations(self, rng: random.Random, homes: list[Home], placed: dict[tuple[str, str], Device]) -> None:
        house, cabin = homes[0].home_id, homes[1].home_id
        scenes = {scene.name: scene.scene_id for scene in self.scenes.values()}
        removed = self._new_device(rng, next(r for r in self.rooms.values() if r.name == "Garage"),
                                   _Slot("temperature_sensor", "Freezer Sensor"))
        del self.devices[removed.device_id]

        def ids(home_id: str, *keys: str) -> list[str]:
            return [placed[(home_id, key)].device_id for key in keys if (home_id, key) in placed]

        def sensor(home_id: str, key: str, event: TriggerEvent, threshold: float | None = None) -> Trigger | None:
            found = ids(home_id, key)
            return Trigger(kind="sensor", device_id=found[0], event=event, threshold=threshold) if found else None

        lock_up = [device.device_id for device in self._in_home(house, "lock")]
        window = Condition(kind="time_window", start="22:00", end="06:30")
        front_locked = [Condition(kind="device_state", device_id=lock_up[0], state="locked")]
        plans: list[tuple[str, str, bool, Trigger | None, list[Condition], list[str], Command, str | None]] = [
            (house, "Porch light at sunset", True, Trigger(kind="sunset"), [], ids(house, "Entryway/Porch Light"),
             "turn_on", None),
            (house, "Lights off at midnight", True, Trigger(kind="time", time="00:00"), [], ids(
                house, "Living Room/Ceiling Light", "Living Room/Floor Lamp", "Kitchen/Pendant Lights",
                "Kitchen/Under-Cabinet Lights", "Backyard/String Lights"), "turn_off", None),
            (house, "Hallway motion at night", True, sensor(house, "Hallway/Motion Sensor", "motion_detected"),
             [window], ids(house, "Hallway/Hallway Lights"), "turn_on", None),
            (house, "Basement leak: water heater off", True, sensor(house, "Basement/Floor Leak Sensor",
             "leak_detected"), [], ids(house, "Basement/Water Heater"), "turn_off", None),
            (house, "Smoke alarm: lights on", True, sensor(house, "Kitchen/Smoke Detector", "smoke_detected"), [],
             ids(house, "Hallway/Hallway Lights", "Living Room/Ceiling Light", "Entryway/Porch Light",
                 "Primary Bedroom/Ceiling Light"), "turn_on", None),
            (house, "Garage door opened at night", True, sensor(house, "Garage/Garage Door Sensor", "opened"),
             [window], ids(house, "Garage/Garage Lights"), "turn_on", None),
            (house, "Office too warm: heater off", True, sensor(house, "Home Office/Temperature Sensor", "above",
             25.5), [], ids(house, "Home Office/Space Heater Plug"), "turn_off", None),
            (house, "Weekday wake-up", False, Trigger(kind="time", time="06:45"), [], [], "turn_on",
             scenes["Good Morning"]),
            (house, "Lock up at 23:00", True, Trigger(kind="time", time="23:00"), [], lock_up, "lock", None),
            (house, "Vacuum while out", True, Trigger(kind="time", time="10:30"), front_locked,
             ids(house, "Hallway/Robot Vacuum"), "start_cleaning", None),
            (house, "Close blinds at sunset", False, Trigger(kind="sunset"), [],
             [device.device_id for device in self._in_home(house, "blinds")], "close", None),
            (house, "Freezer too warm", False, Trigger(kind="sensor", device_id=removed.device_id, event="above",
             threshold=-12.0), [], ids(house, "Garage/Garage Lights"), "turn_on", None),
            (cabin, "Cabin freeze guard", True, sensor(cabin, "Great Room/Temperature Sensor", "below", 6.0), [],
             ids(cabin, "Loft/Space Heater Plug"), "turn_on", None),
            (cabin, "Deck lights at sunset", False, Trigger(kind="sunset"), [], ids(cabin, "Deck/Deck String Lights"),
             "turn_on", None),
            (cabin, "Cabin leak: water heater off", True, sensor(cabin, "Utility Room/Leak Sensor", "leak_detected"),
             [], ids(cabin, "Utility Room/Water Heater"), "turn_off", None),
            (cabin, "Morning shades", True, Trigger(kind="sunrise"), [],
             [device.device_id for device in self._in_home(cabin, "blinds")], "open", None),
        ]
        for home_id, name, enabled, trigger, conditions, device_ids, command, scene_id in plans:
            if trigger is None or not (device_ids or scene_id):
                continue
            rule = Automation(
                automation_id=self.next_id("AUT", 3), home_id=home_id, name=name, enabled=enabled, trigger=trigger,
                conditions=conditions, actions=[AutomationAction(device_id=d, command=command) for d in device_ids],
                scene_id=scene_id, created_by=rng.choice((OWNER_ID, "MBR-02")),
                last_triggered_at=self.now - timedelta(hours=rng.randint(2, 200)) if enabled else None,
            )
            self.automations[rule.automation_id] = rule
