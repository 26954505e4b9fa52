"""The connected-car account: drivers, their vehicles, known places, trip history and service alerts.

A few drivers share one account. Each owns a garage of vehicles and may share some of them with the others; the
acting driver (fixed per seed) can see and command the vehicles they own or that are shared with them, and only an
owner may change valet mode or speed-limit mode. The app records trips and service alerts only for the vehicles the
acting driver can use, and sharing does not change during an episode. Places are the destinations the navigation
knows (the household's home plus points of interest around Seattle); trips run between them, and a parked vehicle
stands where its last trip ended. Distances are road estimates: the great-circle distance times a detour factor.
"""

import math
import random
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
Vin = Annotated[str, Entity("vehicle"), _ID]
DriverId = Annotated[str, Entity("vehicle_driver"), _ID]
TripId = Annotated[str, Entity("vehicle_trip"), _ID]
AlertId = Annotated[str, Entity("vehicle_service_alert"), _ID]
PlaceName = Annotated[str, Entity("vehicle_place"), Field(min_length=1, max_length=200)]
ValetPin = Annotated[str, Entity("vehicle_valet_pin", sensitive=True), Field(pattern=r"^[0-9]{4}$")]

Powertrain = Literal["petrol", "electric"]
Ignition = Literal["off", "accessory", "on"]
Gear = Literal["park", "reverse", "neutral", "drive"]
Corner = Literal["front_left", "front_right", "rear_left", "rear_right"]
Seat = Literal["driver", "passenger"]
ChargeState = Literal["disconnected", "plugged_in", "charging", "scheduled", "complete"]
Severity = Literal["info", "warning", "critical"]
PlaceCategory = Literal[
    "home", "work", "charging_station", "fuel_station", "grocery", "shopping", "restaurant", "cafe", "school", "gym",
    "park", "hospital", "airport", "entertainment", "service_center", "transit",
]

CORNERS: tuple[Corner, ...] = ("front_left", "front_right", "rear_left", "rear_right")
CLIMATE_MIN_C = 16.0
CLIMATE_MAX_C = 30.0
WINDOW_SPEED_KPH = 90.0
"""Above this speed the windows may only be opened to a vent gap."""
WINDOW_VENT_PCT = 20
REMOTE_START_MINUTES = 15
MIN_STARTER_VOLTS = 11.8
"""A petrol engine does not crank when its 12 V battery is below this voltage."""
MIN_START_SOC = 5.0
TIRE_LOW_RATIO = 0.85
TIRE_HIGH_RATIO = 1.15
ROAD_FACTOR = 1.3
HOME = "Home"


def road_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Estimated road distance between two coordinates: great-circle distance times a detour factor."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return round(2 * 6371.0 * math.asin(math.sqrt(a)) * ROAD_FACTOR, 1)


def drive_minutes(km: float) -> int:
    """Typical driving time: the first 15 km at city speed (32 km/h), the rest at highway speed (80 km/h)."""
    city = min(km, 15.0)
    return max(1, round(city / 32 * 60 + (km - city) / 80 * 60))


class Driver(BaseModel):
    driver_id: DriverId
    full_name: str
    email: str
    phone: str
    work_place: PlaceName


class Place(BaseModel):
    name: PlaceName
    category: PlaceCategory
    address: str
    latitude: float
    longitude: float


class Door(BaseModel):
    position: Corner
    open: bool = False
    locked: bool = True


class Climate(BaseModel):
    on: bool = False
    target_temp_c: float = 21.0
    fan_speed: int = Field(3, description="1 (lowest) to 7.")
    cabin_temp_c: float
    seat_heating: dict[Seat, int] = Field(description="Level 0 (off) to 3 per front seat.")


class Charging(BaseModel):
    plugged_in: bool = False
    state: ChargeState = "disconnected"
    charge_limit_pct: int = 80
    power_kw: float = 0.0
    scheduled_start: str | None = Field(None, description="Daily start time HH:MM (local) when plugged in.")


class Location(BaseModel):
    latitude: float
    longitude: float
    address: str
    place: PlaceName | None = Field(None, description="The known place the vehicle is parked at, if any.")


class Navigation(BaseModel):
    destination: PlaceName
    address: str
    distance_km: float
    eta: datetime
    set_at: datetime


class VehicleState(BaseModel):
    """Everything about a vehicle that its drivers may see (the valet PIN is kept out)."""

    vin: Vin
    owner_id: DriverId
    shared_with: list[DriverId] = Field(description="Other drivers allowed to use and command the vehicle.")
    nickname: str
    make: str
    model: str
    year: int
    color: str
    powertrain: Powertrain
    ignition: Ignition = "off"
    engine_running: bool = Field(False, description="Petrol: engine running. Electric: drive system ready.")
    remote_start_until: datetime | None = Field(None, description="Set while running from a remote start.")
    gear: Gear = "park"
    speed_kph: float = 0.0
    doors: list[Door]
    windows_open_pct: dict[Corner, int]
    trunk_open: bool = False
    headlights: Literal["off", "auto", "on"] = "auto"
    climate: Climate
    fuel_level_pct: float | None = None
    fuel_tank_l: float | None = None
    battery_soc_pct: float | None = None
    battery_kwh: float | None = None
    full_range_km: float = Field(description="Range with a full tank or a 100% charged battery.")
    aux_battery_volts: float = Field(description="The 12 V starter battery.")
    charging: Charging | None = Field(None, description="Electric vehicles only.")
    tire_pressure_kpa: dict[Corner, float]
    recommended_tire_kpa: float
    odometer_km: float
    location: Location
    navigation: Navigation | None = None
    valet_mode: bool = False
    speed_limit_enabled: bool = False
    speed_limit_kph: int = 120

    @property
    def moving(self) -> bool:
        return self.speed_kph > 0

    @property
    def energy_pct(self) -> float:
        level = self.battery_soc_pct if self.powertrain == "electric" else self.fuel_level_pct
        return level or 0.0

    @property
    def remaining_range_km(self) -> float:
        return round(self.energy_pct / 100 * self.full_range_km, 1)

    @property
    def powered(self) -> bool:
        """Cabin systems (climate, seat heating) have power: the engine runs or the ignition is on."""
        return self.engine_running or self.ignition == "on"


class Vehicle(VehicleState):
    valet_pin: ValetPin | None = Field(None, description="Set while valet mode is on; needed to turn it off.")


class Trip(BaseModel):
    trip_id: TripId
    vin: Vin
    driver_id: DriverId
    started_at: datetime
    ended_at: datetime
    origin: PlaceName
    destination: PlaceName
    distance_km: float
    duration_min: int
    avg_speed_kph: float
    max_speed_kph: int
    energy_used: float
    energy_unit: Literal["kWh", "L"]
    hard_brakes: int


class ServiceAlert(BaseModel):
    alert_id: AlertId
    vin: Vin
    code: str
    severity: Severity
    message: str
    raised_at: datetime
    acknowledged: bool = False
    acknowledged_at: datetime | None = None


class _Model(NamedTuple):
    make: str
    model: str
    powertrain: Powertrain
    wmi: str
    capacity: float
    """Usable battery (kWh) or fuel tank (litres)."""
    full_range_km: float
    tire_kpa: float


_MODELS: tuple[_Model, ...] = (
    _Model("Tesla", "Model 3", "electric", "5YJ", 57.5, 491, 290),
    _Model("Tesla", "Model Y", "electric", "7SA", 75.0, 533, 290),
    _Model("Hyundai", "Ioniq 5", "electric", "KM8", 77.4, 488, 250),
    _Model("Kia", "EV6", "electric", "KND", 77.4, 499, 250),
    _Model("Ford", "Mustang Mach-E", "electric", "3FM", 91.0, 502, 262),
    _Model("Chevrolet", "Bolt EV", "electric", "1G1", 65.0, 417, 262),
    _Model("Nissan", "Leaf", "electric", "1N4", 59.0, 342, 250),
    _Model("Polestar", "2", "electric", "LPS", 78.0, 518, 260),
    _Model("Volkswagen", "ID.4", "electric", "1V2", 77.0, 443, 255),
    _Model("BMW", "i4", "electric", "WBY", 81.5, 484, 260),
    _Model("Toyota", "Camry", "petrol", "4T1", 60.0, 882, 240),
    _Model("Honda", "Civic", "petrol", "2HG", 47.0, 734, 220),
    _Model("Ford", "F-150", "petrol", "1FT", 98.0, 830, 240),
    _Model("Mazda", "CX-5", "petrol", "JM3", 56.0, 718, 250),
    _Model("Subaru", "Outback", "petrol", "4S4", 70.0, 864, 240),
    _Model("Volkswagen", "Golf GTI", "petrol", "WVW", 50.0, 735, 250),
    _Model("BMW", "330i", "petrol", "WBA", 59.0, 830, 240),
    _Model("Jeep", "Wrangler", "petrol", "1C4", 81.0, 723, 255),
    _Model("Toyota", "RAV4", "petrol", "2T3", 55.0, 743, 240),
    _Model("Chevrolet", "Tahoe", "petrol", "1GN", 91.0, 660, 260),
)
_COLORS = (
    "Pearl White", "Midnight Silver", "Deep Blue", "Solid Black", "Ruby Red", "Cement Grey", "Forest Green",
    "Magnetic Grey", "Glacier Blue", "Sunset Orange",
)
_NICKNAMES = (
    "Daily Commuter", "Weekend Cruiser", "The Beast", "Blue Streak", "Road Trip Rig", "Grocery Getter",
    "Silver Arrow", "Work Truck", "Family Hauler", "Little Spark", "Night Owl", "Trail Runner", "Old Faithful",
    "Sparky", "Moose", "Ghost", "Pebble", "Rocket", "Maple", "Otter", "Bumblebee", "Zephyr", "Comet", "Juniper",
)
_FIRST_NAMES = (
    "Maya", "Daniel", "Priya", "Lucas", "Sofia", "Ethan", "Aisha", "Noah", "Elena", "Kenji", "Grace", "Omar",
    "Hannah", "Mateo", "Chloe", "Wei", "Olivia", "Samuel", "Fatima", "Liam",
)
_LAST_NAMES = (
    "Chen", "Okafor", "Nguyen", "Rossi", "Patel", "Johansson", "Garcia", "Kim", "Murphy", "Haddad", "Novak",
    "Tanaka", "Walker", "Silva", "Fischer", "Brooks",
)
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_YEAR_CODES = {2018: "J", 2019: "K", 2020: "L", 2021: "M", 2022: "N", 2023: "P", 2024: "R", 2025: "S"}
_HOMES: tuple[tuple[str, float, float], ...] = (
    ("2217 NW 64th St, Seattle, WA 98107", 47.6755, -122.3870),
    ("4410 Wallingford Ave N, Seattle, WA 98103", 47.6612, -122.3352),
    ("5823 37th Ave NE, Seattle, WA 98105", 47.6718, -122.2863),
    ("3016 Beacon Ave S, Seattle, WA 98144", 47.5768, -122.3109),
    ("1834 10th Ave W, Seattle, WA 98119", 47.6362, -122.3700),
)
_PLACES: tuple[tuple[str, PlaceCategory, str, float, float], ...] = (
    ("Cascade Tower Offices", "work", "1600 7th Ave, Seattle, WA 98101", 47.6130, -122.3344),
    ("Lakeview Tech Campus", "work", "1100 Eastlake Ave E, Seattle, WA 98109", 47.6294, -122.3263),
    ("Overlake Business Park", "work", "15010 NE 36th St, Redmond, WA 98052", 47.6420, -122.1400),
    ("Summit Ridge Medical Center", "hospital", "747 Broadway, Seattle, WA 98122", 47.6089, -122.3208),
    ("Ballard Fast Charge Hub", "charging_station", "1416 NW 46th St, Seattle, WA 98107", 47.6624, -122.3747),
    ("SoDo EV Charging Plaza", "charging_station", "3800 1st Ave S, Seattle, WA 98134", 47.5705, -122.3340),
    ("Bellevue Fast Charge", "charging_station", "11100 NE 8th St, Bellevue, WA 98004", 47.6175, -122.1930),
    ("Northgate Charging Station", "charging_station", "401 NE Northgate Way, Seattle, WA 98125", 47.7080, -122.3250),
    ("Issaquah Fuel & Charge", "charging_station", "1801 12th Ave NW, Issaquah, WA 98027", 47.5430, -122.0580),
    ("Aurora Fuel Stop", "fuel_station", "8500 Aurora Ave N, Seattle, WA 98103", 47.6910, -122.3445),
    ("Rainier Ave Gas & Go", "fuel_station", "4200 Rainier Ave S, Seattle, WA 98118", 47.5660, -122.2880),
    ("Eastside Fuel Center", "fuel_station", "14000 NE 20th St, Bellevue, WA 98007", 47.6265, -122.1560),
    ("Pike Place Market", "shopping", "85 Pike St, Seattle, WA 98101", 47.6097, -122.3422),
    ("University Village", "shopping", "2623 NE University Village St, Seattle, WA 98105", 47.6625, -122.2990),
    ("Eastgate Galleria", "shopping", "575 Bellevue Square, Bellevue, WA 98004", 47.6160, -122.2040),
    ("Redmond Town Center", "shopping", "7525 166th Ave NE, Redmond, WA 98052", 47.6710, -122.1180),
    ("Green Lake Park", "park", "7201 E Green Lake Dr N, Seattle, WA 98115", 47.6800, -122.3280),
    ("Discovery Park", "park", "3801 Discovery Park Blvd, Seattle, WA 98199", 47.6573, -122.4057),
    ("Kirkland Waterfront Park", "park", "25 Lakeshore Plaza, Kirkland, WA 98033", 47.6760, -122.2080),
    ("Fremont Coffee Roasters", "cafe", "3501 Fremont Ave N, Seattle, WA 98103", 47.6497, -122.3497),
    ("Capitol Hill Bistro", "restaurant", "1520 E Olive Way, Seattle, WA 98102", 47.6188, -122.3249),
    ("Alki Beach Grill", "restaurant", "2700 Alki Ave SW, Seattle, WA 98116", 47.5800, -122.4090),
    ("Ballard Fresh Market", "grocery", "1545 NW Market St, Seattle, WA 98107", 47.6687, -122.3770),
    ("Wallingford Grocery Co-op", "grocery", "4500 Stone Way N, Seattle, WA 98103", 47.6615, -122.3420),
    ("Lincoln Elementary School", "school", "4400 Interlake Ave N, Seattle, WA 98103", 47.6610, -122.3380),
    ("Roosevelt High School", "school", "1410 NE 66th St, Seattle, WA 98115", 47.6770, -122.3140),
    ("Puget Sound Fitness Club", "gym", "2201 Westlake Ave, Seattle, WA 98121", 47.6180, -122.3385),
    ("Lumen Field", "entertainment", "800 Occidental Ave S, Seattle, WA 98134", 47.5952, -122.3316),
    ("Seattle Center", "entertainment", "305 Harrison St, Seattle, WA 98109", 47.6215, -122.3510),
    ("Northwest Auto Service Center", "service_center", "2900 Airport Way S, Seattle, WA 98134", 47.5780, -122.3230),
    ("Emerald City EV Service", "service_center", "1000 Mercer St, Seattle, WA 98109", 47.6247, -122.3430),
    ("Seattle-Tacoma International Airport", "airport", "17801 International Blvd, SeaTac, WA 98158", 47.4502,
     -122.3088),
    ("Everett Station", "transit", "3201 Smith Ave, Everett, WA 98201", 47.9750, -122.1970),
    ("Tacoma Dome", "entertainment", "2727 E D St, Tacoma, WA 98421", 47.2366, -122.4270),
    ("Snoqualmie Falls", "park", "6501 Railroad Ave SE, Snoqualmie, WA 98065", 47.5420, -121.8370),
    ("Paradise Visitor Center", "park", "98368 Paradise Rd, Ashford, WA 98304", 46.7860, -121.7350),
    ("Leavenworth Village", "shopping", "900 Front St, Leavenworth, WA 98826", 47.5962, -120.6615),
    ("Portland Union Station", "transit", "800 NW 6th Ave, Portland, OR 97209", 45.5290, -122.6765),
)
_ERRANDS: tuple[PlaceCategory, ...] = (
    "grocery", "shopping", "restaurant", "cafe", "school", "gym", "park", "hospital", "entertainment",
)
_GENERIC_ALERTS: tuple[tuple[str, Severity, str, Powertrain | None], ...] = (
    ("OIL_CHANGE_DUE", "info", "Engine oil change due within 800 km.", "petrol"),
    ("BRAKE_PAD_WEAR", "warning", "Front brake pads are at 3 mm; book a brake service.", None),
    ("WASHER_FLUID_LOW", "info", "Windshield washer fluid is low.", None),
    ("SOFTWARE_UPDATE", "info", "Software update 2026.8.3 is downloaded and ready to install.", None),
    ("ANNUAL_SERVICE_DUE", "info", "Annual service is due within 30 days.", None),
    ("CABIN_FILTER", "info", "Cabin air filter replacement recommended.", None),
    ("COOLANT_LEVEL_LOW", "warning", "Battery coolant level is low; visit a service center.", "electric"),
)
_LOCAL_KM = 60.0
"""Places farther than this from home are day trips, visited rarely."""


def corner_label(corner: str) -> str:
    return corner.replace("_", " ")


class VehicleWorld(World):
    server: ClassVar[str] = "vehicle"

    acting_driver_id: DriverId = Field("", description="The driver signed in to the app.")
    drivers: dict[str, Driver] = Field(default_factory=dict)
    vehicles: dict[str, Vehicle] = Field(default_factory=dict)
    places: dict[str, Place] = Field(default_factory=dict)
    trips: dict[str, Trip] = Field(default_factory=dict)
    service_alerts: dict[str, ServiceAlert] = Field(default_factory=dict)

    def can_use(self, vehicle: VehicleState) -> bool:
        """The acting driver owns the vehicle or it is shared with them."""
        return vehicle.owner_id == self.acting_driver_id or self.acting_driver_id in vehicle.shared_with

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_places(rng)
        self._generate_drivers(rng)
        self._generate_vehicles(rng)
        self._generate_trips(rng)
        self._apply_situations(rng)
        self._generate_alerts(rng)

    def _generate_places(self, rng: random.Random) -> None:
        address, lat, lon = rng.choice(_HOMES)
        self.places[HOME] = Place(name=HOME, category="home", address=address, latitude=lat, longitude=lon)
        for name, category, address, lat, lon in _PLACES:
            self.places[name] = Place(name=name, category=category, address=address, latitude=lat, longitude=lon)

    def _generate_drivers(self, rng: random.Random) -> None:
        last = rng.choice(_LAST_NAMES)
        work = [place.name for place in self.places.values() if place.category == "work"]
        for index, first in enumerate(rng.sample(_FIRST_NAMES, 4)):
            surname = last if index < 2 else rng.choice(_LAST_NAMES)
            driver = Driver(
                driver_id=self.next_id("DRV"),
                full_name=f"{first} {surname}",
                email=f"{first}.{surname}@{rng.choice(('gmail.com', 'outlook.com', 'icloud.com'))}".lower(),
                phone=f"+1-206-555-{rng.randrange(10000):04d}",
                work_place=rng.choice(work),
            )
            self.drivers[driver.driver_id] = driver
        self.acting_driver_id = rng.choice(list(self.drivers))

    def _vin(self, rng: random.Random, model: _Model, year: int) -> str:
        descriptor = "".join(rng.choice(_VIN_CHARS) for _ in range(5))
        plant = rng.choice("ABCFGHKMNPRSUZ")
        return f"{model.wmi}{descriptor}{rng.randrange(10)}{_YEAR_CODES[year]}{plant}{rng.randrange(10**6):06d}"

    def _new_vehicle(self, rng: random.Random, owner_id: str, model: _Model, nickname: str) -> Vehicle:
        year = rng.randint(2019 if model.powertrain == "electric" else 2018, 2025)
        electric = model.powertrain == "electric"
        outside = round(rng.uniform(4, 13), 1)
        soc = round(rng.uniform(35, 90)) if electric else None
        vehicle = Vehicle(
            vin=self._vin(rng, model, year),
            owner_id=owner_id,
            shared_with=[],
            nickname=nickname,
            make=model.make,
            model=model.model,
            year=year,
            color=rng.choice(_COLORS),
            powertrain=model.powertrain,
            doors=[Door(position=corner) for corner in CORNERS],
            windows_open_pct={corner: 0 for corner in CORNERS},
            climate=Climate(
                target_temp_c=float(rng.choice((20, 21, 21, 22, 22.5, 23))),
                cabin_temp_c=outside,
                seat_heating={"driver": 0, "passenger": 0},
            ),
            fuel_level_pct=None if electric else float(round(rng.uniform(22, 95))),
            fuel_tank_l=None if electric else model.capacity,
            battery_soc_pct=float(soc) if soc is not None else None,
            battery_kwh=model.capacity if electric else None,
            full_range_km=model.full_range_km,
            aux_battery_volts=round(rng.uniform(12.3, 12.8), 2),
            charging=Charging(charge_limit_pct=rng.choice((80, 80, 90, 100))) if electric else None,
            tire_pressure_kpa={corner: round(model.tire_kpa + rng.uniform(-9, 6), 1) for corner in CORNERS},
            recommended_tire_kpa=model.tire_kpa,
            odometer_km=round((2026 - year) * rng.uniform(9000, 16000) + rng.uniform(300, 3000), 1),
            location=Location(latitude=0.0, longitude=0.0, address=""),
        )
        self.vehicles[vehicle.vin] = vehicle
        return vehicle

    def _generate_vehicles(self, rng: random.Random) -> None:
        nicknames = rng.sample(_NICKNAMES, len(_NICKNAMES))
        electric = [model for model in _MODELS if model.powertrain == "electric"]
        petrol = [model for model in _MODELS if model.powertrain == "petrol"]
        others = [driver_id for driver_id in self.drivers if driver_id != self.acting_driver_id]
        for driver_id in self.drivers:
            acting = driver_id == self.acting_driver_id
            if acting:
                models = rng.sample(electric, 2) + rng.sample(petrol, 2) + rng.sample(_MODELS, rng.randint(0, 1))
            else:
                models = rng.sample(_MODELS, rng.randint(3, 5))
            garage = [self._new_vehicle(rng, driver_id, model, nicknames.pop()) for model in models]
            rng.shuffle(garage)
            for index, vehicle in enumerate(garage):
                if acting:
                    vehicle.shared_with = [other for other in others if rng.random() < 0.35]
                    continue
                # every other driver keeps one or two vehicles private from the acting driver
                partners = [other for other in others if other != driver_id and rng.random() < 0.3]
                if index >= (1 if len(garage) == 3 else 2):
                    partners.append(self.acting_driver_id)
                vehicle.shared_with = sorted(partners)

    def _generate_trips(self, rng: random.Random) -> None:
        home = self.places[HOME]
        local = [
            place.name
            for place in self.places.values()
            if road_km(home.latitude, home.longitude, place.latitude, place.longitude) <= _LOCAL_KM
            and place.name != HOME
        ]
        day_trips = [place.name for place in self.places.values() if place.name not in local and place.name != HOME]
        pending: list[dict[str, Any]] = []
        for vehicle in self.vehicles.values():
            if not self.can_use(vehicle):
                place = self.places[rng.choice(local)]
                self._park(vehicle, place)
                continue
            refuel = "charging_station" if vehicle.powertrain == "electric" else "fuel_station"
            regulars = [self.drivers[vehicle.owner_id].work_place] + rng.sample(
                [name for name in local if self.places[name].category in (*_ERRANDS, refuel)], 5
            )
            slots = sorted(rng.sample([(day, half) for day in range(1, 46) for half in (0, 1)], rng.randint(6, 11)))
            moments = sorted(
                (
                    self.now.replace(hour=7 if half == 0 else 16, minute=0, second=0, microsecond=0)
                    - timedelta(days=day)
                    + timedelta(minutes=rng.randrange(180 if half == 0 else 240))
                    for day, half in slots
                ),
            )
            current = HOME
            for start in moments:
                if current != HOME and rng.random() < 0.55:
                    target = HOME
                elif rng.random() < 0.06:
                    target = rng.choice(day_trips)
                else:
                    target = rng.choice([name for name in regulars if name != current])
                driver_id = vehicle.owner_id
                if vehicle.shared_with and rng.random() < 0.3:
                    driver_id = rng.choice(vehicle.shared_with)
                pending.append(self._trip(rng, vehicle, driver_id, current, target, start))
                current = target
            self._park(vehicle, self.places[current])
        pending.sort(key=lambda fields: (fields["started_at"], fields["vin"]))
        for fields in pending:
            trip = Trip(trip_id=self.next_id("TRP"), **fields)
            self.trips[trip.trip_id] = trip

    def _trip(
        self, rng: random.Random, vehicle: Vehicle, driver_id: str, origin: str, destination: str, start: datetime
    ) -> dict[str, Any]:
        """The fields of a trip (all but its id, given once every trip is known and sorted by time)."""
        a, b = self.places[origin], self.places[destination]
        km = max(1.2, road_km(a.latitude, a.longitude, b.latitude, b.longitude))
        speed = rng.uniform(24, 38) if km < 20 else rng.uniform(58, 82)
        minutes = max(4, round(km / speed * 60))
        if vehicle.powertrain == "electric":
            used, unit = km * (vehicle.battery_kwh or 0) / vehicle.full_range_km, "kWh"
        else:
            used, unit = km * (vehicle.fuel_tank_l or 0) / vehicle.full_range_km, "L"
        vehicle.odometer_km = round(vehicle.odometer_km + km, 1)
        return {
            "vin": vehicle.vin,
            "driver_id": driver_id,
            "started_at": start,
            "ended_at": start + timedelta(minutes=minutes),
            "origin": origin,
            "destination": destination,
            "distance_km": km,
            "duration_min": minutes,
            "avg_speed_kph": round(km / minutes * 60, 1),
            "max_speed_kph": min(130, round(speed * rng.uniform(1.3, 1.7))),
            "energy_used": round(used * rng.uniform(0.92, 1.2), 2),
            "energy_unit": unit,
            "hard_brakes": rng.choice((0, 0, 0, 1, 1, 2, 3)),
        }

    @staticmethod
    def _park(vehicle: Vehicle, place: Place) -> None:
        vehicle.location = Location(
            latitude=place.latitude, longitude=place.longitude, address=place.address, place=place.name
        )

    def _apply_situations(self, rng: random.Random) -> None:
        """Put the acting driver's vehicles into the varied states the tools must handle."""
        pool = [vehicle for vehicle in self.vehicles.values() if self.can_use(vehicle)]
        rng.shuffle(pool)

        def take(owned: bool = False, powertrain: Powertrain | None = None) -> Vehicle:
            for vehicle in pool:
                if owned and vehicle.owner_id != self.acting_driver_id:
                    continue
                if powertrain is not None and vehicle.powertrain != powertrain:
                    continue
                pool.remove(vehicle)
                return vehicle
            raise RuntimeError("the acting driver has too few vehicles for every situation")

        valet = take(owned=True)
        valet.valet_mode = True
        valet.valet_pin = f"{rng.randrange(10000):04d}"
        weak_starter = take(powertrain="petrol")
        weak_starter.aux_battery_volts = round(rng.uniform(11.2, 11.6), 2)
        weak_starter.headlights = "on"
        flat = take(powertrain="electric")
        flat.battery_soc_pct = float(rng.randint(2, 4))
        door_ajar = take()
        door_ajar.doors[rng.randrange(4)].open = True
        for door in door_ajar.doors:
            door.locked = False
        unlocked = take()
        for door in unlocked.doors:
            door.locked = False
        self._drive(rng, take())
        remote = take()
        remote.engine_running = True
        remote.remote_start_until = self.now + timedelta(minutes=rng.randint(4, 12))
        remote.climate.on = True
        remote.climate.cabin_temp_c = round(remote.climate.target_temp_c - rng.uniform(1, 4), 1)
        take().trunk_open = True
        owned = [vehicle for vehicle in self.vehicles.values() if vehicle.owner_id == self.acting_driver_id]
        limited = rng.choice([vehicle for vehicle in owned if not vehicle.valet_mode])
        limited.speed_limit_enabled = True
        limited.speed_limit_kph = rng.choice((100, 110, 120))
        soft = rng.choice([vehicle for vehicle in self.vehicles.values() if self.can_use(vehicle)])
        soft.tire_pressure_kpa[rng.choice(CORNERS)] = round(soft.recommended_tire_kpa - rng.uniform(55, 80), 1)
        for vehicle in self.vehicles.values():
            self._settle_charging(rng, vehicle)

    def _drive(self, rng: random.Random, vehicle: Vehicle) -> None:
        """The vehicle is on the road with someone at the wheel, navigating to a place well away from it."""
        here = vehicle.location
        away = sorted(
            (km, place.name)
            for place in self.places.values()
            if (km := road_km(here.latitude, here.longitude, place.latitude, place.longitude)) > 15
        )
        target = self.places[rng.choice(away[:10])[1]]
        share = rng.uniform(0.3, 0.6)
        lat = round(here.latitude + (target.latitude - here.latitude) * share, 4)
        lon = round(here.longitude + (target.longitude - here.longitude) * share, 4)
        remaining = road_km(lat, lon, target.latitude, target.longitude)
        vehicle.location = Location(latitude=lat, longitude=lon, address=f"On the road to {target.name}")
        vehicle.navigation = Navigation(
            destination=target.name,
            address=target.address,
            distance_km=remaining,
            eta=self.now + timedelta(minutes=drive_minutes(remaining)),
            set_at=self.now - timedelta(minutes=rng.randint(10, 40)),
        )
        vehicle.ignition, vehicle.engine_running, vehicle.gear = "on", True, "drive"
        vehicle.speed_kph = float(rng.randint(96, 112))
        vehicle.climate.on = True
        vehicle.climate.cabin_temp_c = vehicle.climate.target_temp_c
        if vehicle.battery_soc_pct is not None:
            vehicle.battery_soc_pct = max(vehicle.battery_soc_pct, 45.0)
        if vehicle.fuel_level_pct is not None:
            vehicle.fuel_level_pct = max(vehicle.fuel_level_pct, 40.0)

    def _settle_charging(self, rng: random.Random, vehicle: Vehicle) -> None:
        """Electric vehicles parked at home or at a charging station are usually plugged in."""
        charging, soc = vehicle.charging, vehicle.battery_soc_pct
        if charging is None or soc is None:
            return
        if rng.random() < 0.3:
            charging.scheduled_start = rng.choice(("22:00", "23:00", "00:30", "01:00"))
        place = self.places.get(vehicle.location.place or "")
        chargeable = place is not None and place.category in ("home", "charging_station")
        if not chargeable or vehicle.moving or soc < MIN_START_SOC or rng.random() < 0.2:
            return
        charging.plugged_in = True
        if soc >= charging.charge_limit_pct:
            charging.state = "complete"
        elif charging.scheduled_start is not None:
            charging.state = "scheduled"
        elif rng.random() < 0.5:
            charging.state = "charging"
            charging.power_kw = 11.0 if place.category == "home" else float(rng.choice((50, 120, 150, 250)))
        else:
            charging.state = "plugged_in"

    def _generate_alerts(self, rng: random.Random) -> None:
        pending: list[dict[str, Any]] = []

        def raise_alert(vehicle: Vehicle, code: str, severity: Severity, message: str, hours_ago: int) -> None:
            raised_at = self.now - timedelta(hours=hours_ago)
            pending.append(
                {"vin": vehicle.vin, "code": code, "severity": severity, "message": message, "raised_at": raised_at}
            )

        for vehicle in self.vehicles.values():
            if not self.can_use(vehicle):
                continue
            for corner, kpa in vehicle.tire_pressure_kpa.items():
                if kpa < vehicle.recommended_tire_kpa * TIRE_LOW_RATIO:
                    message = (
                        f"The {corner_label(corner)} tire is at {kpa:.0f} kPa; recommended "
                        f"{vehicle.recommended_tire_kpa:.0f} kPa."
                    )
                    raise_alert(vehicle, "TIRE_PRESSURE_LOW", "warning", message, rng.randint(2, 30))
            if vehicle.aux_battery_volts < MIN_STARTER_VOLTS:
                message = f"12 V battery is weak ({vehicle.aux_battery_volts:.2f} V); the headlights were left on."
                raise_alert(vehicle, "LOW_12V_BATTERY", "critical", message, rng.randint(1, 12))
            if vehicle.battery_soc_pct is not None and vehicle.battery_soc_pct < 10:
                message = f"Battery at {vehicle.battery_soc_pct:.0f}%; charge soon."
                raise_alert(vehicle, "BATTERY_LOW", "warning", message, rng.randint(1, 20))
            for door in vehicle.doors:
                if door.open:
                    message = f"The {corner_label(door.position)} door is open."
                    raise_alert(vehicle, "DOOR_AJAR", "warning", message, rng.randint(1, 5))
            if rng.random() < 0.7:
                fitting = [a for a in _GENERIC_ALERTS if a[3] in (None, vehicle.powertrain)]
                code, severity, message, _ = rng.choice(fitting)
                raise_alert(vehicle, code, severity, message, rng.randint(24, 24 * 20))
                if rng.random() < 0.35:
                    pending[-1]["acknowledged"] = True
                    pending[-1]["acknowledged_at"] = pending[-1]["raised_at"] + timedelta(hours=rng.randint(1, 20))
        pending.sort(key=lambda fields: (fields["raised_at"], fields["vin"]))
        for fields in pending:
            alert = ServiceAlert(alert_id=self.next_id("ALR"), **fields)
            self.service_alerts[alert.alert_id] = alert
