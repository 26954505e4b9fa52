"""Connected-car tools: the acting driver's garage, live vehicle state, tire pressures, trips, service alerts and
destinations; remote commands for doors, windows, trunk, engine, ignition, gear, climate, navigation, charging,
valet mode and speed-limit mode."""

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import ServerDef, ShortText, ToolError, require
from mcp_servers.vehicle.world import (
    CLIMATE_MAX_C,
    CLIMATE_MIN_C,
    MIN_START_SOC,
    MIN_STARTER_VOLTS,
    REMOTE_START_MINUTES,
    TIRE_HIGH_RATIO,
    TIRE_LOW_RATIO,
    WINDOW_SPEED_KPH,
    WINDOW_VENT_PCT,
    AlertId,
    Charging,
    Corner,
    DriverId,
    Gear,
    Ignition,
    Navigation,
    Place,
    PlaceCategory,
    PlaceName,
    Powertrain,
    Seat,
    ServiceAlert,
    Trip,
    TripId,
    ValetPin,
    Vehicle,
    VehicleState,
    VehicleWorld,
    Vin,
    corner_label,
    drive_minutes,
    road_km,
)

server = ServerDef(
    "vehicle",
    VehicleWorld,
    group="iot",
    description=(
        "Connected-car app for one driver: their own and shared petrol and electric vehicles, live state, trips, "
        "service alerts and destinations; remote lock, windows, trunk, engine start, ignition, gear, climate, "
        "navigation, charging, valet and speed-limit modes, each accepted only in the right vehicle mode."
    ),
)

Limit = Annotated[int, Field(ge=1, le=100)]
Percent = Annotated[int, Field(ge=0, le=100)]
Temperature = Annotated[float, Field(ge=-40, le=60, allow_inf_nan=False)]
FanSpeed = Annotated[int, Field(ge=1, le=7)]
SeatHeat = Annotated[int, Field(ge=0, le=3)]
ChargeLimit = Annotated[int, Field(ge=50, le=100)]
SpeedLimit = Annotated[int, Field(ge=50, le=200)]

_GARAGE_HINT = "Use list_garage_vehicles to see the VINs of your vehicles."


# ----- result models -----


class GarageVehicle(BaseModel):
    vin: Vin
    nickname: str
    make: str
    model: str
    year: int
    color: str
    powertrain: Powertrain
    role: Literal["owner", "shared"] = Field(description="Whether the signed-in driver owns it or it is shared.")
    owner_id: DriverId
    owner_name: str
    driving: bool
    all_doors_locked: bool
    energy_pct: float = Field(description="Fuel level (petrol) or battery state of charge (electric).")
    range_km: float
    charging_state: str | None
    address: str
    place: PlaceName | None
    open_alerts: int


class Garage(BaseModel):
    driver_id: DriverId
    driver_name: str
    vehicles: list[GarageVehicle]


class VehicleStatus(VehicleState):
    role: Literal["owner", "shared"]
    owner_name: str
    range_km: float
    remote_start_minutes_left: int | None
    open_alert_ids: list[AlertId]


class TireReading(BaseModel):
    position: Corner
    pressure_kpa: float
    pressure_psi: float
    status: Literal["ok", "low", "high"]


class TireReport(BaseModel):
    vin: Vin
    recommended_kpa: float
    recommended_psi: float
    tires: list[TireReading]
    all_ok: bool


class TripList(BaseModel):
    trips: list[Trip]
    total_matched: int
    total_distance_km: float


class TripDetails(Trip):
    vehicle_nickname: str
    driver_name: str
    origin_address: str
    destination_address: str


class AlertList(BaseModel):
    alerts: list[ServiceAlert]


class PlaceMatch(Place):
    distance_km: float | None = Field(None, description="Road estimate from the vehicle given as near_vin.")
    drive_minutes: int | None = None


class DestinationList(BaseModel):
    places: list[PlaceMatch]
    total_matched: int


class NavigationPlan(BaseModel):
    vin: Vin
    navigation: Navigation
    drive_minutes: int
    range_km: float
    range_warning: str | None = Field(None, description="Set when the destination lies beyond the current range.")
    suggested_stops: list[PlaceName] = Field(description="Nearest charging or fuel stations when range is short.")


class ChargingStatus(BaseModel):
    vin: Vin
    battery_soc_pct: float
    range_km: float
    charging: Charging
    minutes_to_limit: int | None = Field(None, description="While charging: time to reach the charge limit.")


# ----- lookups and checks shared by the tools -----


def _vehicle(world: VehicleWorld, vin: str) -> Vehicle:
    """A vehicle the signed-in driver may use (owned or shared)."""
    vehicle = require(world.vehicles, vin.strip().upper(), "vehicle", _GARAGE_HINT)
    if not world.can_use(vehicle):
        owner = world.drivers[vehicle.owner_id].full_name
        raise ToolError(
            f"Vehicle {vehicle.vin} ({vehicle.nickname}) belongs to {owner} and is not shared with you "
            f"({world.acting_driver_id}); only its owner can access it. {_GARAGE_HINT}"
        )
    return vehicle


def _owned(world: VehicleWorld, vin: str, action: str) -> Vehicle:
    vehicle = _vehicle(world, vin)
    if vehicle.owner_id != world.acting_driver_id:
        owner = world.drivers[vehicle.owner_id].full_name
        raise ToolError(f"Only the owner ({owner}) can {action} of {vehicle.vin}; it is shared with you.")
    return vehicle


def _electric(vehicle: Vehicle) -> tuple[Charging, float]:
    if vehicle.charging is None or vehicle.battery_soc_pct is None:
        raise ToolError(f"{vehicle.vin} ({vehicle.nickname}) is a petrol vehicle; it has no charging port.")
    return vehicle.charging, vehicle.battery_soc_pct


def _require_park(vehicle: Vehicle, action: str) -> None:
    if vehicle.moving or vehicle.gear != "park":
        raise ToolError(
            f"Cannot {action}: {vehicle.vin} is in {vehicle.gear} at {vehicle.speed_kph:.0f} km/h; "
            "it must be stationary in park."
        )


def _require_stationary(vehicle: Vehicle, action: str) -> None:
    if vehicle.moving:
        raise ToolError(f"Cannot {action}: {vehicle.vin} is moving at {vehicle.speed_kph:.0f} km/h.")


def _resolve_place(world: VehicleWorld, text: str) -> Place:
    """A known place by its name or its street address (case and spacing ignored)."""
    wanted = " ".join(text.split()).casefold()
    for place in world.places.values():
        if wanted in (place.name.casefold(), place.address.casefold()):
            return place
    words = [word for word in wanted.split() if len(word) > 3]
    close = [
        place.name
        for place in world.places.values()
        if any(word in place.name.casefold() or word in place.address.casefold() for word in words)
    ][:3]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ToolError(
        f"Unknown destination {text[:64]!r}: it is not a known place name or address.{hint} "
        "Use search_vehicle_destinations to find places."
    )


def _open_alert_ids(world: VehicleWorld, vin: str) -> list[str]:
    return [a.alert_id for a in world.service_alerts.values() if a.vin == vin and not a.acknowledged]


def _status(world: VehicleWorld, vehicle: Vehicle) -> VehicleStatus:
    left = None
    if vehicle.remote_start_until is not None:
        left = max(0, round((vehicle.remote_start_until - world.now).total_seconds() / 60))
    return VehicleStatus(
        **vehicle.model_dump(exclude={"valet_pin"}),
        role="owner" if vehicle.owner_id == world.acting_driver_id else "shared",
        owner_name=world.drivers[vehicle.owner_id].full_name,
        range_km=vehicle.remaining_range_km,
        remote_start_minutes_left=left,
        open_alert_ids=_open_alert_ids(world, vehicle.vin),
    )


def _charging_status(vehicle: Vehicle) -> ChargingStatus:
    charging, soc = _electric(vehicle)
    minutes = None
    if charging.state == "charging" and charging.power_kw > 0:
        needed_kwh = max(0.0, charging.charge_limit_pct - soc) / 100 * (vehicle.battery_kwh or 0)
        minutes = round(needed_kwh / charging.power_kw * 60)
    return ChargingStatus(
        vin=vehicle.vin,
        battery_soc_pct=soc,
        range_km=vehicle.remaining_range_km,
        charging=charging,
        minutes_to_limit=minutes,
    )


def _power_down(vehicle: Vehicle) -> None:
    """Engine off, remote start over, cabin systems off."""
    vehicle.engine_running = False
    vehicle.remote_start_until = None
    vehicle.climate.on = False
    vehicle.climate.seat_heating = {"driver": 0, "passenger": 0}


# ----- discovery -----


@server.read
def list_garage_vehicles(world: VehicleWorld, powertrain: Literal["any", "petrol", "electric"] = "any") -> Garage:
    """List the vehicles the signed-in driver owns or that other drivers share with them, with a state summary.

    Start here: it gives the VINs every other vehicle tool takes.

    Args:
        powertrain: Only petrol or only electric vehicles; "any" lists both.
    """
    driver = world.drivers[world.acting_driver_id]
    open_alerts: dict[str, int] = {}
    for alert in world.service_alerts.values():
        if not alert.acknowledged:
            open_alerts[alert.vin] = open_alerts.get(alert.vin, 0) + 1
    vehicles = [
        GarageVehicle(
            vin=v.vin,
            nickname=v.nickname,
            make=v.make,
            model=v.model,
            year=v.year,
            color=v.color,
            powertrain=v.powertrain,
            role="owner" if v.owner_id == driver.driver_id else "shared",
            owner_id=v.owner_id,
            owner_name=world.drivers[v.owner_id].full_name,
            driving=v.moving,
            all_doors_locked=all(door.locked for door in v.doors),
            energy_pct=v.energy_pct,
            range_km=v.remaining_range_km,
            charging_state=v.charging.state if v.charging is not None else None,
            address=v.location.address,
            place=v.location.place,
            open_alerts=open_alerts.get(v.vin, 0),
        )
        for v in world.vehicles.values()
        if world.can_use(v) and powertrain in ("any", v.powertrain)
    ]
    vehicles.sort(key=lambda item: (item.role != "owner", item.nickname))
    return Garage(driver_id=driver.driver_id, driver_name=driver.full_name, vehicles=vehicles)


@server.read
def get_vehicle_status(world: VehicleWorld, vin: Vin) -> VehicleStatus:
    """Get the full live state of a vehicle: ignition, engine, gear and speed, doors, windows, trunk, climate, fuel or
    battery and range, charging, tires, odometer, location, navigation, valet and speed-limit modes.

    Args:
        vin: The vehicle's VIN.
    """
    return _status(world, _vehicle(world, vin))


@server.read
def check_vehicle_tire_pressure(world: VehicleWorld, vin: Vin) -> TireReport:
    """Check a vehicle's four tire pressures against the recommended pressure.

    Args:
        vin: The vehicle's VIN.
    """
    vehicle = _vehicle(world, vin)
    recommended = vehicle.recommended_tire_kpa
    tires = []
    for corner, kpa in vehicle.tire_pressure_kpa.items():
        status: Literal["ok", "low", "high"] = "ok"
        if kpa < recommended * TIRE_LOW_RATIO:
            status = "low"
        elif kpa > recommended * TIRE_HIGH_RATIO:
            status = "high"
        tires.append(TireReading(position=corner, pressure_kpa=kpa, pressure_psi=round(kpa / 6.895, 1), status=status))
    return TireReport(
        vin=vehicle.vin,
        recommended_kpa=recommended,
        recommended_psi=round(recommended / 6.895, 1),
        tires=tires,
        all_ok=all(tire.status == "ok" for tire in tires),
    )


@server.read
def list_vehicle_trips(
    world: VehicleWorld,
    vin: Vin | None = None,
    driver_id: DriverId | None = None,
    place: PlaceName | None = None,
    days: Annotated[int, Field(ge=1, le=365)] = 30,
    limit: Limit = 20,
) -> TripList:
    """List recorded trips of the driver's vehicles, newest first.

    Args:
        vin: Only trips of this vehicle; omit for all vehicles the driver can use.
        driver_id: Only trips driven by this driver (see owner_id and trip driver_id fields).
        place: Only trips that started or ended at this place name.
        days: How many days back to look.
        limit: Most trips to return.
    """
    wanted_vin = _vehicle(world, vin).vin if vin is not None else None
    since = world.now - timedelta(days=days)
    wanted_place = place.casefold() if place is not None else None
    matched = [
        trip
        for trip in world.trips.values()
        if trip.started_at >= since
        and (wanted_vin is None or trip.vin == wanted_vin)
        and (driver_id is None or trip.driver_id == driver_id)
        and (wanted_place is None or wanted_place in (trip.origin.casefold(), trip.destination.casefold()))
    ]
    matched.sort(key=lambda trip: trip.started_at, reverse=True)
    return TripList(
        trips=matched[:limit],
        total_matched=len(matched),
        total_distance_km=round(sum(trip.distance_km for trip in matched), 1),
    )


@server.read
def get_vehicle_trip(world: VehicleWorld, trip_id: TripId) -> TripDetails:
    """Get one trip with its vehicle, driver and the addresses it started and ended at.

    Args:
        trip_id: The trip, as listed by list_vehicle_trips.
    """
    trip = require(world.trips, trip_id, "trip", "Use list_vehicle_trips to find trips.")
    vehicle = world.vehicles[trip.vin]
    return TripDetails(
        **trip.model_dump(),
        vehicle_nickname=vehicle.nickname,
        driver_name=world.drivers[trip.driver_id].full_name,
        origin_address=world.places[trip.origin].address,
        destination_address=world.places[trip.destination].address,
    )


@server.read
def list_vehicle_service_alerts(
    world: VehicleWorld, vin: Vin | None = None, include_acknowledged: bool = False
) -> AlertList:
    """List service and warning alerts of the driver's vehicles, newest first.

    Args:
        vin: Only alerts of this vehicle; omit for all vehicles the driver can use.
        include_acknowledged: Also list alerts that were already acknowledged.
    """
    wanted_vin = _vehicle(world, vin).vin if vin is not None else None
    alerts = [
        alert
        for alert in world.service_alerts.values()
        if (wanted_vin is None or alert.vin == wanted_vin)
        and (include_acknowledged or not alert.acknowledged)
    ]
    alerts.sort(key=lambda alert: alert.raised_at, reverse=True)
    return AlertList(alerts=alerts)


@server.read
def search_vehicle_destinations(
    world: VehicleWorld,
    query: ShortText = "",
    category: PlaceCategory | None = None,
    near_vin: Vin | None = None,
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
) -> DestinationList:
    """Search the places navigation knows (home, work places, charging and fuel stations, shops, parks...).

    With near_vin the results carry the road distance from that vehicle and are sorted nearest first.

    Args:
        query: Words to find in the place name or address; empty matches every place.
        category: Only places of this kind.
        near_vin: A vehicle to measure distances from.
        limit: Most places to return.
    """
    origin = _vehicle(world, near_vin).location if near_vin is not None else None
    words = query.casefold().split()
    matches = []
    for place in world.places.values():
        text = f"{place.name} {place.address}".casefold()
        if (category is not None and place.category != category) or not all(word in text for word in words):
            continue
        match = PlaceMatch(**place.model_dump())
        if origin is not None:
            match.distance_km = road_km(origin.latitude, origin.longitude, place.latitude, place.longitude)
            match.drive_minutes = drive_minutes(match.distance_km)
        matches.append(match)
    if origin is not None:
        matches.sort(key=lambda match: (match.distance_km, match.name))
    return DestinationList(places=matches[:limit], total_matched=len(matches))


# ----- doors, windows, trunk -----


@server.write
def lock_vehicle_doors(world: VehicleWorld, vin: Vin) -> VehicleStatus:
    """Lock all doors of a vehicle. Every door and the trunk must be closed.

    Args:
        vin: The vehicle's VIN.
    """
    vehicle = _vehicle(world, vin)
    open_doors = [corner_label(door.position) for door in vehicle.doors if door.open]
    if open_doors:
        raise ToolError(
            f"Cannot lock {vehicle.vin}: the {', '.join(open_doors)} door is open and must be closed by hand first."
        )
    if vehicle.trunk_open:
        raise ToolError(f"Cannot lock {vehicle.vin}: the trunk is open; close it with set_vehicle_trunk first.")
    for door in vehicle.doors:
        door.locked = True
    return _status(world, vehicle)


@server.write
def unlock_vehicle_doors(world: VehicleWorld, vin: Vin) -> VehicleStatus:
    """Unlock all doors of a parked or stopped vehicle.

    Args:
        vin: The vehicle's VIN.
    """
    vehicle = _vehicle(world, vin)
    _require_stationary(vehicle, "unlock the doors remotely")
    for door in vehicle.doors:
        door.locked = False
    return _status(world, vehicle)


@server.write
def set_vehicle_windows(
    world: VehicleWorld,
    vin: Vin,
    open_percent: Percent,
    window: Literal["all", "front_left", "front_right", "rear_left", "rear_right"] = "all",
) -> VehicleStatus:
    """Open, vent or close a vehicle's windows.

    Above 90 km/h windows may only be opened to a 20% vent gap.

    Args:
        vin: The vehicle's VIN.
        open_percent: 0 closes the window, 100 opens it fully.
        window: Which window, or "all".
    """
    vehicle = _vehicle(world, vin)
    if vehicle.speed_kph > WINDOW_SPEED_KPH and open_percent > WINDOW_VENT_PCT:
        raise ToolError(
            f"{vehicle.vin} is driving at {vehicle.speed_kph:.0f} km/h; above {WINDOW_SPEED_KPH:.0f} km/h windows "
            f"open at most {WINDOW_VENT_PCT}%."
        )
    for corner in vehicle.windows_open_pct:
        if window in ("all", corner):
            vehicle.windows_open_pct[corner] = open_percent
    return _status(world, vehicle)


@server.write
def set_vehicle_trunk(world: VehicleWorld, vin: Vin, open: bool) -> VehicleStatus:
    """Open or close a vehicle's power trunk. Opening needs the vehicle in park and valet mode off.

    Args:
        vin: The vehicle's VIN.
        open: True to open the trunk, false to close it.
    """
    vehicle = _vehicle(world, vin)
    if open:
        if vehicle.valet_mode:
            raise ToolError(f"Valet mode is on for {vehicle.vin}: the trunk stays locked until valet mode is off.")
        _require_park(vehicle, "open the trunk")
    vehicle.trunk_open = open
    return _status(world, vehicle)


# ----- engine, ignition, gear, climate -----


@server.write
def start_car_engine(world: VehicleWorld, vin: Vin) -> VehicleStatus:
    """Start the engine (petrol) or the drive system (electric).

    With the ignition off this is a remote start: it runs for 15 minutes with the climate on, and needs the vehicle
    in park with every door closed and locked and the trunk closed.

    Args:
        vin: The vehicle's VIN.
    """
    vehicle = _vehicle(world, vin)
    if vehicle.engine_running:
        raise ToolError(f"The engine of {vehicle.vin} is already running.")
    remote = vehicle.ignition == "off"
    if remote:
        if any(door.open for door in vehicle.doors) or vehicle.trunk_open:
            raise ToolError(f"Remote start refused: a door or the trunk of {vehicle.vin} is open.")
        if not all(door.locked for door in vehicle.doors):
            raise ToolError(
                f"Remote start refused: the doors of {vehicle.vin} are unlocked. Lock them with lock_vehicle_doors."
            )
    if vehicle.powertrain == "electric" and vehicle.energy_pct < MIN_START_SOC:
        raise ToolError(
            f"Battery too low to start {vehicle.vin}: {vehicle.energy_pct:.0f}% (needs {MIN_START_SOC:.0f}%). "
            "Plug it in and charge first."
        )
    if vehicle.powertrain == "petrol" and vehicle.aux_battery_volts < MIN_STARTER_VOLTS:
        raise ToolError(
            f"The 12 V battery of {vehicle.vin} is too weak to crank the engine ({vehicle.aux_battery_volts:.2f} V, "
            f"needs {MIN_STARTER_VOLTS} V); it needs a jump start or roadside assistance."
        )
    vehicle.engine_running = True
    if remote:
        vehicle.remote_start_until = world.now + timedelta(minutes=REMOTE_START_MINUTES)
        vehicle.climate.on = True
    return _status(world, vehicle)


@server.write
def stop_car_engine(world: VehicleWorld, vin: Vin) -> VehicleStatus:
    """Stop the engine (or electric drive system); the vehicle must be stationary in park.

    After a remote start this also turns the climate off.

    Args:
        vin: The vehicle's VIN.
    """
    vehicle = _vehicle(world, vin)
    if not vehicle.engine_running:
        raise ToolError(f"The engine of {vehicle.vin} is not running.")
    _require_park(vehicle, "stop the engine")
    if vehicle.ignition == "on":
        vehicle.engine_running = False
        vehicle.remote_start_until = None
    else:
        _power_down(vehicle)
    return _status(world, vehicle)


@server.write
def set_vehicle_ignition(world: VehicleWorld, vin: Vin, mode: Ignition) -> VehicleStatus:
    """Switch the ignition with the phone key: off, accessory (infotainment only) or on (all systems).

    Turning it off stops the engine and the climate and needs the vehicle in park; it cannot change while moving.

    Args:
        vin: The vehicle's VIN.
        mode: The ignition position.
    """
    vehicle = _vehicle(world, vin)
    _require_stationary(vehicle, "switch the ignition")
    if mode == "off":
        _require_park(vehicle, "switch the ignition off")
        _power_down(vehicle)
    elif mode == "accessory":
        if vehicle.engine_running:
            raise ToolError(f"The engine of {vehicle.vin} is running; stop it with stop_car_engine first.")
        vehicle.climate.on = False
        vehicle.climate.seat_heating = {"driver": 0, "passenger": 0}
    else:
        vehicle.remote_start_until = None  # a driver switching the ignition on takes over a remote start
    vehicle.ignition = mode
    return _status(world, vehicle)


@server.write
def shift_vehicle_gear(world: VehicleWorld, vin: Vin, gear: Gear) -> VehicleStatus:
    """Shift a stationary vehicle's gear (park, reverse, neutral, drive).

    Leaving park needs the ignition on, the engine running (petrol) or ready (electric), every door and the trunk
    closed.

    Args:
        vin: The vehicle's VIN.
        gear: The gear to shift into.
    """
    vehicle = _vehicle(world, vin)
    _require_stationary(vehicle, "change gear")
    if gear != "park" and vehicle.gear == "park":
        if vehicle.ignition != "on" or not vehicle.engine_running:
            raise ToolError(
                f"Cannot shift {vehicle.vin} out of park: it needs the ignition on (set_vehicle_ignition) and the "
                f"engine running (start_car_engine); now ignition is {vehicle.ignition}, engine "
                f"{'running' if vehicle.engine_running else 'off'}."
            )
        if any(door.open for door in vehicle.doors) or vehicle.trunk_open:
            raise ToolError(f"Cannot shift {vehicle.vin} out of park while a door or the trunk is open.")
    vehicle.gear = gear
    return _status(world, vehicle)


@server.write
def set_vehicle_climate(
    world: VehicleWorld,
    vin: Vin,
    on: bool,
    target_temp_c: Temperature | None = None,
    fan_speed: FanSpeed | None = None,
    driver_seat_heat: SeatHeat | None = None,
    passenger_seat_heat: SeatHeat | None = None,
) -> VehicleStatus:
    """Turn the cabin climate on or off and set temperature, fan and front seat heating.

    Climate and seat heating need power: the ignition on or the engine running (a remote start counts).

    Args:
        vin: The vehicle's VIN.
        on: True to run the climate, false to turn it off.
        target_temp_c: Cabin temperature in Celsius, 16 to 30; omit to keep the current setting.
        fan_speed: Fan speed 1 to 7; omit to keep it.
        driver_seat_heat: Driver seat heating level 0 (off) to 3; omit to keep it.
        passenger_seat_heat: Passenger seat heating level 0 (off) to 3; omit to keep it.
    """
    vehicle = _vehicle(world, vin)
    if target_temp_c is not None and not CLIMATE_MIN_C <= target_temp_c <= CLIMATE_MAX_C:
        raise ToolError(
            f"Temperature {target_temp_c:g} C is out of range; choose {CLIMATE_MIN_C:g} to {CLIMATE_MAX_C:g} C."
        )
    heats: dict[Seat, int | None] = {"driver": driver_seat_heat, "passenger": passenger_seat_heat}
    wants_power = on or any(level for level in heats.values())
    if wants_power and not vehicle.powered:
        raise ToolError(
            f"{vehicle.vin} has no cabin power (ignition {vehicle.ignition}, engine off). Start it with "
            "start_car_engine or switch the ignition on first."
        )
    climate = vehicle.climate
    climate.on = on
    if target_temp_c is not None:
        climate.target_temp_c = round(target_temp_c * 2) / 2
    if fan_speed is not None:
        climate.fan_speed = fan_speed
    for seat, level in heats.items():
        if level is not None:
            climate.seat_heating[seat] = level
    return _status(world, vehicle)


# ----- navigation -----


@server.write
def set_car_navigation_destination(world: VehicleWorld, vin: Vin, destination: PlaceName) -> NavigationPlan:
    """Send a destination to a vehicle's navigation (allowed in any mode, also while driving).

    Args:
        vin: The vehicle's VIN.
        destination: A known place name or its exact street address (see search_vehicle_destinations).
    """
    vehicle = _vehicle(world, vin)
    place = _resolve_place(world, destination)
    if vehicle.location.place == place.name and not vehicle.moving:
        raise ToolError(f"{vehicle.vin} is already parked at {place.name}.")
    here = vehicle.location
    km = road_km(here.latitude, here.longitude, place.latitude, place.longitude)
    minutes = drive_minutes(km)
    vehicle.navigation = Navigation(
        destination=place.name,
        address=place.address,
        distance_km=km,
        eta=world.now + timedelta(minutes=minutes),
        set_at=world.now,
    )
    warning, stops = None, []
    if km > vehicle.remaining_range_km:
        kind: PlaceCategory = "charging_station" if vehicle.powertrain == "electric" else "fuel_station"
        stations = sorted(
            (road_km(here.latitude, here.longitude, p.latitude, p.longitude), p.name)
            for p in world.places.values()
            if p.category == kind
        )
        stops = [name for _, name in stations[:3]]
        warning = (
            f"{place.name} is {km:.0f} km away but the range is {vehicle.remaining_range_km:.0f} km; "
            f"{'charge' if kind == 'charging_station' else 'refuel'} on the way."
        )
    return NavigationPlan(
        vin=vehicle.vin,
        navigation=vehicle.navigation,
        drive_minutes=minutes,
        range_km=vehicle.remaining_range_km,
        range_warning=warning,
        suggested_stops=stops,
    )


# ----- charging -----


@server.write
def set_vehicle_charging(
    world: VehicleWorld, vin: Vin, action: Literal["start", "stop", "cancel_schedule"]
) -> ChargingStatus:
    """Start or stop charging an electric vehicle now, or cancel its charging schedule.

    Charging needs the cable plugged in (which only happens at the car) and a charge below the limit.

    Args:
        vin: The electric vehicle's VIN.
        action: "start" charges now (ignoring the schedule), "stop" stops charging, "cancel_schedule" removes the
            scheduled start time.
    """
    vehicle = _vehicle(world, vin)
    charging, soc = _electric(vehicle)
    if action == "start":
        if not charging.plugged_in:
            raise ToolError(f"{vehicle.vin} is not plugged in; plug the charge cable in at the car first.")
        if charging.state == "charging":
            raise ToolError(f"{vehicle.vin} is already charging at {charging.power_kw:g} kW.")
        if soc >= charging.charge_limit_pct:
            raise ToolError(
                f"{vehicle.vin} is at {soc:.0f}%, already at its {charging.charge_limit_pct}% charge limit; raise the "
                "limit with schedule_vehicle_charging to charge further."
            )
        place = world.places.get(vehicle.location.place or "")
        charging.state = "charging"
        charging.power_kw = 150.0 if place is not None and place.category == "charging_station" else 11.0
    elif action == "stop":
        if charging.state != "charging":
            raise ToolError(f"{vehicle.vin} is not charging (state: {charging.state}).")
        charging.state = "plugged_in"
        charging.power_kw = 0.0
    else:
        if charging.scheduled_start is None:
            raise ToolError(f"{vehicle.vin} has no charging schedule.")
        charging.scheduled_start = None
        if charging.state == "scheduled":
            charging.state = "plugged_in"
    return _charging_status(vehicle)


@server.write
def schedule_vehicle_charging(
    world: VehicleWorld,
    vin: Vin,
    start_hour: Annotated[int, Field(ge=0, le=23)],
    start_minute: Annotated[int, Field(ge=0, le=59)] = 0,
    charge_limit_pct: ChargeLimit | None = None,
) -> ChargingStatus:
    """Set the daily time an electric vehicle starts charging when plugged in, and optionally its charge limit.

    Args:
        vin: The electric vehicle's VIN.
        start_hour: Hour to start charging, 0-23 (local time).
        start_minute: Minute to start charging, 0-59.
        charge_limit_pct: Stop charging at this battery level, 50-100%; omit to keep the current limit.
    """
    vehicle = _vehicle(world, vin)
    charging, soc = _electric(vehicle)
    charging.scheduled_start = f"{start_hour:02d}:{start_minute:02d}"
    if charge_limit_pct is not None:
        charging.charge_limit_pct = charge_limit_pct
    if charging.plugged_in and charging.state != "charging":
        charging.state = "complete" if soc >= charging.charge_limit_pct else "scheduled"
    return _charging_status(vehicle)


# ----- owner modes and alerts -----


@server.write
def set_vehicle_valet_mode(world: VehicleWorld, vin: Vin, enabled: bool, valet_pin: ValetPin) -> VehicleStatus:
    """Turn valet mode on or off (owner only, vehicle in park). Valet mode keeps the trunk locked.

    Args:
        vin: The vehicle's VIN.
        enabled: True to turn valet mode on, false to turn it off.
        valet_pin: A 4-digit PIN chosen by the owner when turning it on; the same PIN is needed to turn it off.
    """
    vehicle = _owned(world, vin, "change valet mode")
    _require_park(vehicle, "change valet mode")
    if enabled:
        if vehicle.valet_mode:
            raise ToolError(f"Valet mode is already on for {vehicle.vin}.")
        vehicle.valet_mode, vehicle.valet_pin = True, valet_pin
    else:
        if not vehicle.valet_mode:
            raise ToolError(f"Valet mode is already off for {vehicle.vin}.")
        if valet_pin != vehicle.valet_pin:
            raise ToolError(f"Incorrect valet PIN for {vehicle.vin}; ask the owner for the PIN set with valet mode.")
        vehicle.valet_mode, vehicle.valet_pin = False, None
    return _status(world, vehicle)


@server.write
def set_vehicle_speed_limit(
    world: VehicleWorld, vin: Vin, enabled: bool, max_kph: SpeedLimit = 120
) -> VehicleStatus:
    """Turn speed-limit mode on (capping top speed) or off; owner only, while parked and not in valet mode.

    Args:
        vin: The vehicle's VIN.
        enabled: True to cap the speed, false to remove the cap.
        max_kph: The top speed in km/h, 50-200 (used when enabling).
    """
    vehicle = _owned(world, vin, "change speed-limit mode")
    if vehicle.valet_mode:
        raise ToolError(f"Valet mode is on for {vehicle.vin}; turn it off before changing speed-limit mode.")
    _require_park(vehicle, "change speed-limit mode")
    vehicle.speed_limit_enabled = enabled
    if enabled:
        vehicle.speed_limit_kph = max_kph
    return _status(world, vehicle)


@server.write
def acknowledge_vehicle_service_alert(world: VehicleWorld, alert_id: AlertId) -> ServiceAlert:
    """Mark a service alert as seen so it no longer counts as open.

    Args:
        alert_id: The alert, as listed by list_vehicle_service_alerts.
    """
    alert = require(world.service_alerts, alert_id, "service alert", "Use list_vehicle_service_alerts to see them.")
    if alert.acknowledged_at is not None:
        raise ToolError(f"Alert {alert_id} was already acknowledged at {alert.acknowledged_at:%Y-%m-%d %H:%M} UTC.")
    alert.acknowledged = True
    alert.acknowledged_at = world.now
    return alert
