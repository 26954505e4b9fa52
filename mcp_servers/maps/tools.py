"""Maps tools: geocode addresses and coordinates, search places by name, area or along a route, read place details
and opening hours, compute routes, directions and travel-time matrices, see roadworks, and manage the user's saved
places, home and work addresses and multi-stop route plans."""

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from mcp_servers.core import Name, ServerDef, ToolError, require
from mcp_servers.maps.world import (
    ALWAYS_OPEN,
    CYCLING_KMH,
    FERRY_BOARDING_MIN,
    MODE_ROADS,
    WALKING_KMH,
    WEEKDAYS,
    BusinessStatus,
    City,
    CityName,
    MapList,
    MapListId,
    MapsWorld,
    Node,
    NodeId,
    Place,
    PlaceCategory,
    PlaceId,
    PlanStop,
    Road,
    RoadClosure,
    RoadKind,
    RoutePlan,
    RoutePlanId,
    SavedAddress,
    SavedPlace,
    TravelMode,
    distance_km,
)

server = ServerDef(
    "maps",
    MapsWorld,
    group="travel",
    description=(
        "Maps of a small region (Port Valen, Ardenmoor, Kestrel Falls and the island town Saltmere): geocoding, "
        "place search with ratings and opening hours, driving/walking/cycling routes and directions, roadworks, "
        "saved places, home/work addresses and multi-stop route plans."
    ),
)


Location = NodeId
"""A routable location: a node id (N-0123), a place id (PL-0042), or "home" / "work"."""
Moment = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
Query = Annotated[str, Field(max_length=120)]
Note = Annotated[str, Field(max_length=280)]
Limit = Annotated[int, Field(ge=1, le=50)]
Rating = Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)]

MAX_WAYPOINTS = 5
MAX_PLAN_STOPS = 6
MAX_LISTS = 30
MAX_LIST_ENTRIES = 100
MAX_ADDRESS_KM = 2.0
"""reverse_geocode refuses points farther than this from every road node."""
PLANNING_HORIZON = timedelta(days=60)
DEFAULT_LIST = "Favorites"

_LOCATION_HINT = (
    "Give a node id (N-0123) from geocode_address or reverse_geocode, a place id (PL-0042) from search_map_places, "
    'or "home" / "work".'
)


# ----- result models -----


class CityInfo(BaseModel):
    name: CityName
    description: str
    island: bool
    lat: float
    lon: float
    districts: list[str]
    center_node_id: NodeId
    place_count: int


class CityList(BaseModel):
    local_time: datetime = Field(description="The current local time in the region.")
    weekday: str
    cities: list[CityInfo]


MatchType = Literal["address", "intersection", "street", "place", "district", "city"]


class MapPoint(BaseModel):
    """A road node with its human-readable names."""

    node_id: NodeId
    label: str
    address: str
    city: str
    district: str
    lat: float
    lon: float


class GeocodeMatch(MapPoint):
    place_id: PlaceId | None = None
    match_type: MatchType


class GeocodeResult(BaseModel):
    query: str
    matches: list[GeocodeMatch]


class PlaceRef(BaseModel):
    place_id: PlaceId
    name: str
    category: PlaceCategory


class ReverseGeocodeResult(MapPoint):
    distance_km: float = Field(description="How far the given point is from this road node.")
    places_here: list[PlaceRef]


class PlaceSummary(BaseModel):
    place_id: PlaceId
    name: str
    category: PlaceCategory
    cuisine: str | None
    address: str
    city: str
    district: str
    node_id: NodeId = Field(description="The road node at the place's entrance; routes start and end there.")
    lat: float
    lon: float
    rating: float
    reviews: int
    price_level: int | None
    status: BusinessStatus
    open_now: bool


class NearbyPlace(PlaceSummary):
    distance_km: float = Field(description="Straight-line distance from the search location.")


class PlaceSearchResult(BaseModel):
    places: list[PlaceSummary]
    total_matched: int


class NearbySearchResult(BaseModel):
    center_node_id: NodeId
    center_label: str
    places: list[NearbyPlace]
    total_matched: int


class DayHours(BaseModel):
    day: str
    hours: str = Field(
        description='"HH:MM-HH:MM", "closed", or "open 24 hours"; an end before the start is after midnight.'
    )


class PlaceDetails(PlaceSummary):
    phone: str
    opening_hours: list[DayHours]
    checked_at: datetime
    open_at_checked_time: bool
    next_change: datetime | None = Field(
        description="When the place next closes (if open at checked_at) or opens (if closed); null if over a week away."
    )
    status_text: str
    saved_in_list_ids: list[MapListId]


class RoutePoint(BaseModel):
    node_id: NodeId
    place_id: PlaceId | None = None
    label: str
    lat: float
    lon: float


class RouteLeg(BaseModel):
    start: RoutePoint
    end: RoutePoint
    distance_km: float
    duration_min: float
    roads: list[str] = Field(description="The roads of the leg in travel order.")


class RouteResult(BaseModel):
    mode: TravelMode
    origin: RoutePoint
    destination: RoutePoint
    waypoints: list[RoutePoint]
    distance_km: float
    duration_min: float
    depart_at: datetime
    arrive_at: datetime
    rush_hour: bool = Field(description="Driving in weekday rush hour (07:00-09:30, 16:30-19:00) is slower in towns.")
    legs: list[RouteLeg]
    toll_roads: list[str]
    ferries: list[str]
    uses_motorway: bool


class DirectionStep(BaseModel):
    instruction: str
    road: str
    road_kind: RoadKind
    distance_km: float
    duration_min: float
    end_node_id: NodeId


class Directions(BaseModel):
    mode: TravelMode
    origin: RoutePoint
    destination: RoutePoint
    distance_km: float
    duration_min: float
    depart_at: datetime
    arrive_at: datetime
    steps: list[DirectionStep]


class MatrixCell(BaseModel):
    origin_node_id: NodeId
    destination_node_id: NodeId
    origin_label: str
    destination_label: str
    status: Literal["ok", "no_route", "same_location"]
    distance_km: float | None = None
    duration_min: float | None = None


class RouteMatrix(BaseModel):
    mode: TravelMode
    depart_at: datetime
    cells: list[MatrixCell]


class PlaceAlongRoute(PlaceSummary):
    km_from_origin: float = Field(description="Route distance from the origin to the point closest to the place.")
    off_route_km: float = Field(description="Straight-line distance from the route to the place.")


class PlacesAlongRoute(BaseModel):
    mode: TravelMode
    route_distance_km: float
    route_duration_min: float
    places: list[PlaceAlongRoute]


class ClosureView(RoadClosure):
    city: str
    district: str
    from_label: str
    to_label: str


class ClosureList(BaseModel):
    closures: list[ClosureView]


class SavedPlaceView(BaseModel):
    place_id: PlaceId
    name: str
    category: PlaceCategory
    address: str
    city: str
    note: str
    saved_at: datetime


class MapListView(BaseModel):
    list_id: MapListId
    name: str
    description: str
    created_at: datetime
    places: list[SavedPlaceView]


class SavedPlaces(BaseModel):
    home: SavedAddress | None
    work: SavedAddress | None
    lists: list[MapListView]


class RemovedPlace(BaseModel):
    place_id: PlaceId
    removed_from_list_ids: list[MapListId]


class HomeWorkChange(BaseModel):
    role: Literal["home", "work"]
    saved: SavedAddress
    previous: SavedAddress | None


class RoutePlanList(BaseModel):
    plans: list[RoutePlan]


# ----- places and time -----


def _place(world: MapsWorld, place_id: str) -> Place:
    return require(world.places, place_id, "place", "Use search_map_places or search_places_nearby to find place ids.")


def _city(world: MapsWorld, name: str) -> City:
    wanted = _normalize(name)
    for city in world.cities.values():
        if _normalize(city.name) == wanted:
            return city
    raise ToolError(f"Unknown city {name[:64]!r}. The cities are: {', '.join(world.cities)}.")


def _summary_fields(world: MapsWorld, place: Place) -> dict[str, Any]:
    node = world.nodes[place.node_id]
    return {
        **place.model_dump(include={"place_id", "name", "category", "cuisine", "node_id", "rating", "reviews",
                                    "price_level", "status"}),
        "address": f"{place.address}, {node.city}" if node.city else place.address,
        "city": node.city,
        "district": node.district,
        "lat": node.lat,
        "lon": node.lon,
        "open_now": place.is_open(world.now),
    }


def _summary(world: MapsWorld, place: Place) -> PlaceSummary:
    return PlaceSummary(**_summary_fields(world, place))


def _moment(world: MapsWorld, text: str | None, what: str, *, future: bool) -> datetime:
    """Parse a local "YYYY-MM-DDTHH:MM" (default: now); `future` requires it within the planning horizon."""
    if text is None:
        return world.now
    try:
        moment = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    except ValueError:
        raise ToolError(f"{what} {text} is not a valid date and time; use YYYY-MM-DDTHH:MM.") from None
    now = world.now
    if abs(moment - now) > timedelta(days=366):
        raise ToolError(f"{what} {text} is more than a year from now ({now:%Y-%m-%dT%H:%M}); pick a closer time.")
    if future and moment < now.replace(second=0, microsecond=0):
        raise ToolError(f"{what} {text} is in the past; it is now {now:%Y-%m-%dT%H:%M} ({WEEKDAYS[now.weekday()]}).")
    if future and moment > now + PLANNING_HORIZON:
        raise ToolError(f"{what} {text} is more than {PLANNING_HORIZON.days} days ahead; plan closer to the date.")
    return moment


def _clock(moment: datetime) -> str:
    return f"{WEEKDAYS[moment.weekday()]} {moment:%H:%M}"


def _status_text(place: Place, at: datetime) -> str:
    if place.status != "operational":
        return "Temporarily closed"
    change = place.next_change(at)
    if place.is_open(at):
        return "Open 24 hours" if change is None else f"Open until {_clock(change)}"
    return "Closed" if change is None else f"Closed, opens {_clock(change)}"


def _day_hours(hours: str) -> str:
    if not hours:
        return "closed"
    return "open 24 hours" if hours == ALWAYS_OPEN else hours


# ----- locations and the road graph -----


@dataclass(frozen=True)
class _Point:
    node: Node
    label: str
    place_id: str | None = None

    def view(self) -> RoutePoint:
        return RoutePoint(
            node_id=self.node.node_id, place_id=self.place_id, label=self.label, lat=self.node.lat, lon=self.node.lon
        )


def _point(world: MapsWorld, ref: str) -> _Point:
    """Resolve a node id, a place id or "home"/"work" to the road node a route uses."""
    key = ref.strip()
    if key.lower() in ("home", "work"):
        saved = world.profile.home if key.lower() == "home" else world.profile.work
        if saved is None:
            raise ToolError(
                f"No {key.lower()} address is saved. Set it with set_map_home_or_work, or give a node id from "
                "geocode_address."
            )
        return _Point(world.nodes[saved.node_id], f"{saved.label} ({saved.address})")
    place = world.places.get(key)
    if place is not None:
        return _Point(world.nodes[place.node_id], place.name, place.place_id)
    node = world.nodes.get(key)
    if node is not None:
        return _Point(node, world.node_label(node))
    raise ToolError(f"Unknown location {key[:64]!r}. {_LOCATION_HINT}")


@dataclass(frozen=True)
class _Options:
    mode: TravelMode
    depart: datetime
    avoid_tolls: bool = False
    avoid_motorways: bool = False
    avoid_ferries: bool = False

    @property
    def rush_hour(self) -> bool:
        minute = self.depart.hour * 60 + self.depart.minute
        return self.mode == "driving" and self.depart.weekday() < 5 and (420 <= minute < 570 or 990 <= minute < 1140)

    def avoids(self, road: Road) -> str | None:
        """Why the options exclude `road` ("toll", "motorway", "ferry"), or None."""
        if self.avoid_tolls and road.toll:
            return "toll"
        if self.avoid_motorways and road.kind == "motorway":
            return "motorway"
        if self.avoid_ferries and road.kind == "ferry":
            return "ferry"
        return None

    def minutes(self, road: Road, rush_hour: bool) -> float:
        """Minutes to travel `road`; ferries add boarding time, rush hour slows driving (town roads the most)."""
        if road.kind == "ferry":
            return road.km / road.kmh * 60 + FERRY_BOARDING_MIN
        if self.mode == "walking":
            return road.km / WALKING_KMH * 60
        if self.mode == "cycling":
            return road.km / CYCLING_KMH * 60
        slowdown = (1.2 if road.kind == "motorway" else 1.4) if rush_hour else 1.0
        return road.km / road.kmh * 60 * slowdown


def _closed_pairs(world: MapsWorld) -> dict[tuple[str, str], RoadClosure]:
    pairs: dict[tuple[str, str], RoadClosure] = {}
    for closure in world.active_closures():
        pairs[(closure.a, closure.b)] = pairs[(closure.b, closure.a)] = closure
    return pairs


def _graph(world: MapsWorld, options: _Options, *, strict: bool = True) -> nx.Graph:
    """The roads `options.mode` may use, weighted by minutes; `strict=False` ignores closures and avoid options."""
    allowed = MODE_ROADS[options.mode]
    closed = _closed_pairs(world) if strict else {}
    rush_hour = options.rush_hour
    graph = nx.Graph()
    for index, road in enumerate(world.roads):
        if road.kind not in allowed:
            continue
        if strict and ((road.a, road.b) in closed or options.avoids(road) is not None):
            continue
        graph.add_edge(road.a, road.b, minutes=options.minutes(road, rush_hour), road=index)
    return graph


def _nearest_in(world: MapsWorld, graph: nx.Graph, target: Node, among: Iterable[str] | None = None) -> Node | None:
    """The node of `graph` (or of `among`, a subset of it) closest to `target` in a straight line."""
    pool = world.nodes if among is None else {node_id: world.nodes[node_id] for node_id in among}
    best: Node | None = None
    best_km = math.inf
    for node_id, node in pool.items():
        if node_id in graph and node_id != target.node_id:
            km = node.distance_to(target)
            if km < best_km:
                best, best_km = node, km
    return best


def _closest_hint(world: MapsWorld, mode: str, target: Node, near: Node | None) -> str:
    if near is None:
        return ""
    km = near.distance_to(target)
    return f" The closest point reachable by {mode} is {world.node_label(near)} ({near.node_id}), {km:.2f} km away."


def _endpoint_error(world: MapsWorld, graph: nx.Graph, options: _Options, point: _Point) -> ToolError:
    node_id = point.node.node_id
    roads = [road for road in world.roads if node_id in (road.a, road.b)]
    kinds = sorted({road.kind for road in roads})
    names = ", ".join(dict.fromkeys(road.name for road in roads))
    mode = options.mode
    hint = _closest_hint(world, mode, point.node, _nearest_in(world, graph, point.node))
    if not any(kind in MODE_ROADS[mode] for kind in kinds):
        return ToolError(
            f"{mode.capitalize()} cannot reach {point.label} ({node_id}): its roads ({names}) are "
            f"{' / '.join(kinds)} roads, which {mode} may not use.{hint}"
        )
    return ToolError(
        f"{point.label} ({node_id}) cannot be reached by {mode}: every road there ({names}) is closed or excluded by "
        f"the avoid options. See list_map_road_closures.{hint}"
    )


_AVOID_ARGUMENT = {"toll": "avoid_tolls", "motorway": "avoid_motorways", "ferry": "avoid_ferries"}


def _blockers(world: MapsWorld, options: _Options, path: list[str]) -> list[str]:
    """What makes the loose shortest `path` unusable: closures and avoided roads, once each, in route order."""
    closed = _closed_pairs(world)
    by_pair = {(road.a, road.b): road for road in world.roads} | {(road.b, road.a): road for road in world.roads}
    found: dict[str, None] = {}
    for a, b in zip(path, path[1:]):
        closure = closed.get((a, b))
        if closure is not None:
            found[f"{closure.road} (closed for {closure.reason} until {closure.until}, {closure.closure_id})"] = None
        road = by_pair[(a, b)]
        reason = options.avoids(road)
        if reason is not None:
            found[f"{road.name} ({reason}, excluded by {_AVOID_ARGUMENT[reason]}=true)"] = None
    return list(found)


def _no_route_error(world: MapsWorld, graph: nx.Graph, options: _Options, start: _Point, end: _Point) -> ToolError:
    mode = options.mode
    what = f"No {mode} route from {start.label} ({start.node.node_id}) to {end.label} ({end.node.node_id})"
    loose = _graph(world, options, strict=False)
    if nx.has_path(loose, start.node.node_id, end.node.node_id):
        path = nx.shortest_path(loose, start.node.node_id, end.node.node_id, weight="minutes")
        blockers = "; ".join(_blockers(world, options, path))
        return ToolError(f"{what} with the current closures and options; the fastest way would need {blockers}.")
    reachable = nx.node_connected_component(graph, start.node.node_id)
    hint = _closest_hint(world, mode, end.node, _nearest_in(world, graph, end.node, sorted(reachable)))
    return ToolError(f"{what}: they are not connected by roads {mode} may use; try another travel mode.{hint}")


@dataclass(frozen=True)
class _Hop:
    road: Road
    start: Node
    end: Node
    minutes: float


def _leg(world: MapsWorld, graph: nx.Graph, options: _Options, start: _Point, end: _Point) -> list[_Hop]:
    """The fastest hops from `start` to `end` (none when they are the same node)."""
    for point in (start, end):
        if point.node.node_id not in graph:
            raise _endpoint_error(world, graph, options, point)
    if start.node.node_id == end.node.node_id:
        return []
    try:
        path = nx.shortest_path(graph, start.node.node_id, end.node.node_id, weight="minutes")
    except nx.NetworkXNoPath:
        raise _no_route_error(world, graph, options, start, end) from None
    hops = []
    for a, b in zip(path, path[1:]):
        edge = graph.edges[a, b]
        hops.append(_Hop(world.roads[edge["road"]], world.nodes[a], world.nodes[b], edge["minutes"]))
    return hops


def _km(hops: list[_Hop]) -> float:
    return sum(hop.road.km for hop in hops)


def _minutes(hops: list[_Hop]) -> float:
    return sum(hop.minutes for hop in hops)


def _roads(hops: list[_Hop]) -> list[str]:
    return list(dict.fromkeys(hop.road.name for hop in hops))


def _options(
    world: MapsWorld, mode: TravelMode, depart_at: str | None, avoid_tolls: bool, avoid_motorways: bool,
    avoid_ferries: bool,
) -> _Options:
    depart = _moment(world, depart_at, "depart_at", future=True)
    return _Options(mode, depart, avoid_tolls, avoid_motorways, avoid_ferries)


def _route(world: MapsWorld, options: _Options, refs: list[str]) -> tuple[list[_Point], list[list[_Hop]]]:
    """The points `refs` name and the fastest legs between consecutive ones."""
    points = [_point(world, ref) for ref in refs]
    if points[0].node.node_id == points[-1].node.node_id:
        raise ToolError(f"The origin and the destination are the same location ({points[0].node.node_id}).")
    graph = _graph(world, options)
    return points, [_leg(world, graph, options, a, b) for a, b in zip(points, points[1:])]


# ----- directions -----

_COMPASS = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")


def _bearing(a: Node, b: Node) -> float:
    east = (b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.degrees(math.atan2(east, b.lat - a.lat)) % 360


def _instruction(previous: _Hop | None, first: _Hop) -> str:
    road = first.road
    if road.kind == "ferry":
        return f"Board the {road.name} to {first.end.city or first.end.district}"
    if previous is None:
        return f"Head {_COMPASS[int((_bearing(first.start, first.end) + 22.5) // 45) % 8]} on {road.name}"
    turn = (_bearing(first.start, first.end) - _bearing(previous.start, previous.end) + 540) % 360 - 180
    if abs(turn) < 30:
        return f"Continue onto {road.name}"
    if abs(turn) > 150:
        return f"Make a U-turn onto {road.name}"
    return f"Turn {'right' if turn > 0 else 'left'} onto {road.name}"


def _steps(hops: list[_Hop]) -> list[DirectionStep]:
    """Consecutive hops on the same road make one step."""
    groups: list[list[_Hop]] = []
    for hop in hops:
        if groups and groups[-1][-1].road.name == hop.road.name:
            groups[-1].append(hop)
        else:
            groups.append([hop])
    steps = []
    previous: _Hop | None = None
    for group in groups:
        steps.append(DirectionStep(
            instruction=_instruction(previous, group[0]),
            road=group[0].road.name,
            road_kind=group[0].road.kind,
            distance_km=round(_km(group), 2),
            duration_min=round(_minutes(group), 1),
            end_node_id=group[-1].end.node_id,
        ))
        previous = group[-1]
    return steps


# ----- geocoding -----

_TOKENS = re.compile(r"[^\W_]+|&")
_HOUSE_NUMBER = re.compile(r"([0-9]{1,6})[a-z]? (.+)")
_ABBREVIATIONS = {"st": "street", "str": "street", "ave": "avenue", "av": "avenue", "rd": "road", "blvd": "boulevard"}


def _normalize(text: str) -> str:
    """Lower-case words with common street abbreviations spelled out ("St." -> "street")."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _TOKENS.findall(text.lower()))


@dataclass
class _Gazetteer:
    """Name indexes of one world, built per call: street blocks, intersections, districts, towns, places."""

    streets: dict[str, list[tuple[str, list[str]]]]
    """Normalized street name -> (town, node ids in block order) for each town that has the street."""
    crossings: dict[tuple[str, str], list[str]]
    districts: dict[str, list[str]]
    display: dict[str, str]
    """Normalized name -> how it is written, for suggestions."""

    @classmethod
    def build(cls, world: MapsWorld) -> "_Gazetteer":
        grid = {(node.city, node.row, node.col): node.node_id for node in world.nodes.values() if node.row is not None}
        streets: dict[str, list[tuple[str, list[str]]]] = {}
        crossings: dict[tuple[str, str], list[str]] = {}
        display: dict[str, str] = {}
        for city in world.cities.values():
            for row, name in enumerate(city.streets):
                blocks = [grid[(city.name, row, col)] for col in range(len(city.avenues))]
                streets.setdefault(_normalize(name), []).append((city.name, blocks))
                display.setdefault(_normalize(name), name)
            for col, name in enumerate(city.avenues):
                blocks = [grid[(city.name, row, col)] for row in range(len(city.streets))]
                streets.setdefault(_normalize(name), []).append((city.name, blocks))
                display.setdefault(_normalize(name), name)
                for row, street in enumerate(city.streets):
                    node_id = grid[(city.name, row, col)]
                    crossings.setdefault((_normalize(street), _normalize(name)), []).append(node_id)
                    crossings.setdefault((_normalize(name), _normalize(street)), []).append(node_id)
        districts: dict[str, list[str]] = {}
        for node in world.nodes.values():
            districts.setdefault(_normalize(node.district), []).append(node.node_id)
            display.setdefault(_normalize(node.district), node.district)
        for name in (*world.cities, *(place.name for place in world.places.values())):
            display.setdefault(_normalize(name), name)
        return cls(streets, crossings, districts, display)

    def suggestions(self, text: str) -> list[str]:
        close = difflib.get_close_matches(text, list(self.display), n=3, cutoff=0.6)
        return [self.display[name] for name in close]


def _map_point(world: MapsWorld, node: Node) -> dict[str, Any]:
    """The fields of a `MapPoint` for a node."""
    return {
        "node_id": node.node_id, "label": world.node_label(node), "address": world.node_address(node),
        "city": node.city, "district": node.district, "lat": node.lat, "lon": node.lon,
    }


def _node_match(world: MapsWorld, node_id: str, match_type: MatchType) -> GeocodeMatch:
    return GeocodeMatch(**_map_point(world, world.nodes[node_id]), match_type=match_type)


def _place_match(world: MapsWorld, place: Place) -> GeocodeMatch:
    summary = _summary(world, place)
    return GeocodeMatch(
        node_id=place.node_id, place_id=place.place_id, match_type="place", label=place.name,
        address=summary.address, city=summary.city, district=summary.district, lat=summary.lat, lon=summary.lon,
    )


def _central(world: MapsWorld, node_ids: list[str], lat: float, lon: float) -> str:
    return min(node_ids, key=lambda node_id: distance_km(world.nodes[node_id].lat, world.nodes[node_id].lon, lat, lon))


def _address_matches(
    world: MapsWorld, index: _Gazetteer, number: int, street: str, towns: set[str] | None
) -> list[GeocodeMatch]:
    found = [(town, blocks) for town, blocks in index.streets.get(street, []) if towns is None or town in towns]
    block = number // 100
    matches = [_node_match(world, blocks[block], "address") for _, blocks in found if block < len(blocks)]
    if found and not matches:
        town, blocks = found[0]
        raise ToolError(
            f"{index.display[street]} in {town} has house numbers 1 to {len(blocks) * 100 - 1}; {number} is past its "
            "end. Check the number, or geocode the street alone."
        )
    return matches


def _named_matches(world: MapsWorld, index: _Gazetteer, main: str, towns: set[str] | None) -> list[GeocodeMatch]:
    """Matches for text without a house number: a place, street, crossing, district or town, in that order."""

    def in_towns(node_id: str) -> bool:
        return towns is None or world.nodes[node_id].city in towns

    places = [place for place in world.places.values() if in_towns(place.node_id)]
    exact = [_place_match(world, place) for place in places if _normalize(place.name) == main]
    if exact:
        return exact
    streets = [(town, blocks) for town, blocks in index.streets.get(main, []) if towns is None or town in towns]
    if streets:
        return [_node_match(world, blocks[len(blocks) // 2], "street") for _, blocks in streets]
    for joiner in (" & ", " and ", " at "):
        if joiner in main:
            first, second = main.split(joiner, 1)
            crossing = [node_id for node_id in index.crossings.get((first, second), []) if in_towns(node_id)]
            if crossing:
                return [_node_match(world, node_id, "intersection") for node_id in crossing]
    district = [node_id for node_id in index.districts.get(main, []) if in_towns(node_id)]
    if district:
        nodes = [world.nodes[node_id] for node_id in district]
        lat, lon = sum(node.lat for node in nodes) / len(nodes), sum(node.lon for node in nodes) / len(nodes)
        return [_node_match(world, _central(world, district, lat, lon), "district")]
    for city in world.cities.values():
        if _normalize(city.name) == main:
            grid = [node_id for node_id, node in world.nodes.items() if node.city == city.name]
            return [_node_match(world, _central(world, grid, city.lat, city.lon), "city")]
    if len(main) >= 3:
        return [_place_match(world, place) for place in places if main in _normalize(place.name)]
    return []


# ----- discovery: towns, geocoding, places -----


@server.read
def list_map_cities(world: MapsWorld) -> CityList:
    """List the towns on the map with their districts, a central node, how many places each has, and the local time.

    Use it to learn which towns and districts exist and what time it is now (for "open now" questions).
    """
    counts: dict[str, int] = {}
    for place in world.places.values():
        city = world.nodes[place.node_id].city
        counts[city] = counts.get(city, 0) + 1
    cities = []
    for city in world.cities.values():
        grid = [node_id for node_id, node in world.nodes.items() if node.city == city.name]
        cities.append(CityInfo(
            **city.model_dump(include={"name", "description", "island", "lat", "lon", "districts"}),
            center_node_id=_central(world, grid, city.lat, city.lon),
            place_count=counts.get(city.name, 0),
        ))
    return CityList(local_time=world.now, weekday=WEEKDAYS[world.now.weekday()], cities=cities)


@server.read
def geocode_address(
    world: MapsWorld,
    query: Annotated[str, Field(min_length=1, max_length=200)],
    city: CityName | None = None,
    limit: Annotated[int, Field(ge=1, le=20)] = 5,
) -> GeocodeResult:
    """Turn an address, an intersection, a street, a place name, a district or a town into map locations.

    Accepts "230 Elm Street, Port Valen", "Elm Street & Birch Avenue", "Cafe Aurora" or "Old Harbour". Each
    match has a node_id to route from or to (and a place_id when a place matched). Abbreviations such as "St" and
    "Ave" are understood.

    Args:
        query: The address or name to look up; a town name after a comma narrows the search.
        city: Only look in this town.
        limit: Most matches to return.
    """
    parts = [part for part in (_normalize(piece) for piece in query.split(",")) if part]
    if not parts:
        raise ToolError("The query has no letters or digits; give an address such as '230 Elm Street, Port Valen'.")
    towns = {_city(world, city).name} if city is not None else None
    by_norm = {_normalize(name): name for name in world.cities}
    mentioned = {by_norm[part] for part in parts[1:] if part in by_norm}
    main = parts[0]
    for norm, name in by_norm.items():
        if main.endswith(f" {norm}") and len(main) > len(norm) + 1:
            main = main[: -len(norm) - 1]
            mentioned.add(name)
    if mentioned:
        towns = mentioned if towns is None else towns & mentioned
    index = _Gazetteer.build(world)
    house = _HOUSE_NUMBER.fullmatch(main)
    if house is not None:
        street = house[2]
        matches = _address_matches(world, index, int(house[1]), street, towns)
    else:
        street = main
        matches = _named_matches(world, index, main, towns)
    if not matches:
        close = index.suggestions(street)
        hint = f" Did you mean: {'; '.join(close)}?" if close else " Use search_map_places to find places by name."
        where = f" in {', '.join(sorted(towns))}" if towns else ""
        raise ToolError(
            f"No address or place matches {query[:64]!r}{where}.{hint} Addresses look like '230 Elm Street, "
            "Port Valen' or 'Elm Street & Birch Avenue'."
        )
    return GeocodeResult(query=query, matches=matches[:limit])


@server.read
def reverse_geocode(
    world: MapsWorld,
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)],
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)],
) -> ReverseGeocodeResult:
    """Find the road node and street address nearest to a latitude/longitude, and the places at that node.

    Args:
        lat: Latitude in decimal degrees.
        lon: Longitude in decimal degrees.
    """
    node = min(world.nodes.values(), key=lambda candidate: distance_km(candidate.lat, candidate.lon, lat, lon))
    km = distance_km(node.lat, node.lon, lat, lon)
    if km > MAX_ADDRESS_KM:
        raise ToolError(
            f"No road within {MAX_ADDRESS_KM:g} km of ({lat}, {lon}); the nearest road point is "
            f"{world.node_label(node)} ({node.node_id}, {node.lat}, {node.lon}), {km:.1f} km away."
        )
    here = [
        PlaceRef(place_id=place.place_id, name=place.name, category=place.category)
        for place in world.places.values()
        if place.node_id == node.node_id
    ]
    return ReverseGeocodeResult(**_map_point(world, node), distance_km=round(km, 3), places_here=here)


def _place_filter(
    world: MapsWorld,
    place: Place,
    category: str | None,
    query: str,
    open_now: bool,
    min_rating: float | None,
) -> bool:
    if category is not None and place.category != category:
        return False
    if min_rating is not None and place.rating < min_rating:
        return False
    if open_now and not place.is_open(world.now):
        return False
    if query:
        haystack = _normalize(f"{place.name} {place.cuisine or ''} {place.category.replace('_', ' ')} {place.address}")
        return query in haystack
    return True


@server.read
def search_map_places(
    world: MapsWorld,
    query: Query = "",
    category: PlaceCategory | None = None,
    city: CityName | None = None,
    district: Annotated[str, Field(max_length=60)] | None = None,
    open_now: bool = False,
    min_rating: Rating | None = None,
    max_price_level: Annotated[int, Field(ge=1, le=4)] | None = None,
    sort_by: Literal["rating", "reviews", "name"] = "rating",
    limit: Limit = 10,
) -> PlaceSearchResult:
    """Search places (restaurants, cafes, gas stations, hospitals, museums, hotels...) by text and filters.

    Args:
        query: Words to find in the name, cuisine, category or street address (case-insensitive); empty matches all.
        category: Only places of this category.
        city: Only places in this town.
        district: Only places in this district or locality (for example "Old Harbour" or "Lindholm").
        open_now: Only places open at the current local time.
        min_rating: Only places rated at least this (0 to 5).
        max_price_level: Only places whose price level is at most this (1 cheap to 4 expensive); places without a
            price level are kept.
        sort_by: Highest rating first, most reviews first, or by name.
        limit: Most places to return.
    """
    town = _city(world, city).name if city is not None else None
    wanted_district = _normalize(district) if district else None
    needle = _normalize(query)
    matches = []
    for place in world.places.values():
        node = world.nodes[place.node_id]
        if town is not None and node.city != town:
            continue
        if wanted_district is not None and _normalize(node.district) != wanted_district:
            continue
        if max_price_level is not None and place.price_level is not None and place.price_level > max_price_level:
            continue
        if _place_filter(world, place, category, needle, open_now, min_rating):
            matches.append(place)
    if sort_by == "name":
        matches.sort(key=lambda place: place.name)
    else:
        matches.sort(key=lambda place: (-(place.rating if sort_by == "rating" else place.reviews), place.name))
    return PlaceSearchResult(places=[_summary(world, place) for place in matches[:limit]], total_matched=len(matches))


@server.read
def search_places_nearby(
    world: MapsWorld,
    location: Location,
    category: PlaceCategory | None = None,
    query: Query = "",
    radius_km: Annotated[float, Field(gt=0, le=30, allow_inf_nan=False)] = 2.0,
    open_now: bool = False,
    min_rating: Rating | None = None,
    limit: Limit = 10,
) -> NearbySearchResult:
    """Find places within a straight-line radius of a location, nearest first.

    Args:
        location: Where to search around: a node id, a place id, or "home" / "work".
        category: Only places of this category.
        query: Words to find in the name, cuisine, category or address; empty matches all.
        radius_km: Search radius in kilometres.
        open_now: Only places open at the current local time.
        min_rating: Only places rated at least this (0 to 5).
        limit: Most places to return.
    """
    center = _point(world, location)
    needle = _normalize(query)
    found = []
    for place in world.places.values():
        if place.place_id == center.place_id:
            continue
        km = world.nodes[place.node_id].distance_to(center.node)
        if km <= radius_km and _place_filter(world, place, category, needle, open_now, min_rating):
            found.append((km, place))
    found.sort(key=lambda item: (item[0], -item[1].rating, item[1].name))
    places = [NearbyPlace(**_summary_fields(world, place), distance_km=round(km, 2)) for km, place in found[:limit]]
    return NearbySearchResult(
        center_node_id=center.node.node_id, center_label=center.label, places=places, total_matched=len(found)
    )


@server.read
def get_place_details(world: MapsWorld, place_id: PlaceId, at: Moment | None = None) -> PlaceDetails:
    """Show a place in full: address, phone, rating, price level, weekly opening hours, and whether it is open.

    Args:
        place_id: The place to show.
        at: Check opening at this local time instead of now, as YYYY-MM-DDTHH:MM.
    """
    place = _place(world, place_id)
    moment = _moment(world, at, "at", future=False)
    return PlaceDetails(
        **_summary_fields(world, place),
        phone=place.phone,
        opening_hours=[DayHours(day=day, hours=_day_hours(hours)) for day, hours in zip(WEEKDAYS, place.hours)],
        checked_at=moment,
        open_at_checked_time=place.is_open(moment),
        next_change=place.next_change(moment),
        status_text=_status_text(place, moment),
        saved_in_list_ids=[
            map_list.list_id
            for map_list in world.lists.values()
            if any(entry.place_id == place_id for entry in map_list.entries)
        ],
    )


# ----- routing -----

DepartAt = Moment | None


@server.read
def compute_route(
    world: MapsWorld,
    origin: Location,
    destination: Location,
    mode: TravelMode = "driving",
    waypoints: Annotated[list[Location], Field(max_length=25)] = [],
    avoid_tolls: bool = False,
    avoid_motorways: bool = False,
    avoid_ferries: bool = False,
    depart_at: DepartAt = None,
) -> RouteResult:
    """Compute the fastest route between two locations, optionally through waypoints in the given order.

    Returns distance, duration, arrival time, the roads per leg, tolls and ferries used. Closed roads (roadworks)
    are avoided; walking never uses motorways and driving never uses footpaths or pedestrian zones. Driving in
    weekday rush hour takes longer in town.

    Args:
        origin: Start: a node id (from geocode_address), a place id, or "home" / "work".
        destination: End: a node id, a place id, or "home" / "work".
        mode: driving, walking or cycling.
        waypoints: Up to 5 intermediate stops, visited in order (node ids, place ids, "home" / "work").
        avoid_tolls: Do not use toll roads.
        avoid_motorways: Do not use motorways.
        avoid_ferries: Do not use ferries.
        depart_at: Local departure time as YYYY-MM-DDTHH:MM (now if omitted); it may not be in the past.
    """
    if len(waypoints) > MAX_WAYPOINTS:
        raise ToolError(
            f"At most {MAX_WAYPOINTS} waypoints are allowed per route; got {len(waypoints)}. Split the trip into "
            "several routes."
        )
    options = _options(world, mode, depart_at, avoid_tolls, avoid_motorways, avoid_ferries)
    points, legs = _route(world, options, [origin, *waypoints, destination])
    hops = [hop for leg in legs for hop in leg]
    minutes = _minutes(hops)
    return RouteResult(
        mode=mode,
        origin=points[0].view(),
        destination=points[-1].view(),
        waypoints=[point.view() for point in points[1:-1]],
        distance_km=round(_km(hops), 2),
        duration_min=round(minutes, 1),
        depart_at=options.depart,
        arrive_at=options.depart + timedelta(minutes=round(minutes)),
        rush_hour=options.rush_hour,
        legs=[
            RouteLeg(
                start=start.view(), end=end.view(), distance_km=round(_km(leg), 2),
                duration_min=round(_minutes(leg), 1), roads=_roads(leg),
            )
            for start, end, leg in zip(points, points[1:], legs)
        ],
        toll_roads=_roads([hop for hop in hops if hop.road.toll]),
        ferries=_roads([hop for hop in hops if hop.road.kind == "ferry"]),
        uses_motorway=any(hop.road.kind == "motorway" for hop in hops),
    )


@server.read
def get_directions(
    world: MapsWorld,
    origin: Location,
    destination: Location,
    mode: TravelMode = "driving",
    avoid_tolls: bool = False,
    avoid_motorways: bool = False,
    avoid_ferries: bool = False,
    depart_at: DepartAt = None,
) -> Directions:
    """Turn-by-turn directions for the fastest route between two locations.

    Args:
        origin: Start: a node id (from geocode_address), a place id, or "home" / "work".
        destination: End: a node id, a place id, or "home" / "work".
        mode: driving, walking or cycling.
        avoid_tolls: Do not use toll roads.
        avoid_motorways: Do not use motorways.
        avoid_ferries: Do not use ferries.
        depart_at: Local departure time as YYYY-MM-DDTHH:MM (now if omitted); it may not be in the past.
    """
    options = _options(world, mode, depart_at, avoid_tolls, avoid_motorways, avoid_ferries)
    points, (hops,) = _route(world, options, [origin, destination])
    minutes = _minutes(hops)
    steps = _steps(hops)
    end = points[-1]
    steps.append(DirectionStep(
        instruction=f"Arrive at {end.label}", road=hops[-1].road.name, road_kind=hops[-1].road.kind,
        distance_km=0.0, duration_min=0.0, end_node_id=end.node.node_id,
    ))
    return Directions(
        mode=mode,
        origin=points[0].view(),
        destination=end.view(),
        distance_km=round(_km(hops), 2),
        duration_min=round(minutes, 1),
        depart_at=options.depart,
        arrive_at=options.depart + timedelta(minutes=round(minutes)),
        steps=steps,
    )


@server.read
def compute_route_matrix(
    world: MapsWorld,
    origins: Annotated[list[Location], Field(min_length=1, max_length=5)],
    destinations: Annotated[list[Location], Field(min_length=1, max_length=5)],
    mode: TravelMode = "driving",
    depart_at: DepartAt = None,
) -> RouteMatrix:
    """Travel distance and time from each origin to each destination, to compare several options at once.

    Pairs without a route are reported with status "no_route" instead of failing the whole call.

    Args:
        origins: Up to 5 start locations (node ids, place ids, "home" / "work").
        destinations: Up to 5 end locations (node ids, place ids, "home" / "work").
        mode: driving, walking or cycling.
        depart_at: Local departure time as YYYY-MM-DDTHH:MM (now if omitted); it may not be in the past.
    """
    options = _options(world, mode, depart_at, False, False, False)
    starts = [_point(world, ref) for ref in origins]
    ends = [_point(world, ref) for ref in destinations]
    graph = _graph(world, options)
    cells = []
    for start in starts:
        source = start.node.node_id
        minutes, paths = nx.single_source_dijkstra(graph, source, weight="minutes") if source in graph else ({}, {})
        for end in ends:
            target = end.node.node_id
            cell = MatrixCell(
                origin_node_id=source, destination_node_id=target, origin_label=start.label,
                destination_label=end.label, status="no_route",
            )
            if source == target:
                cell.status = "same_location"
            elif target in minutes:
                path = paths[target]
                cell.status = "ok"
                km = sum(world.roads[graph.edges[a, b]["road"]].km for a, b in zip(path, path[1:]))
                cell.distance_km = round(km, 2)
                cell.duration_min = round(minutes[target], 1)
            cells.append(cell)
    return RouteMatrix(mode=mode, depart_at=options.depart, cells=cells)


@server.read
def search_places_along_route(
    world: MapsWorld,
    origin: Location,
    destination: Location,
    mode: TravelMode = "driving",
    category: PlaceCategory | None = None,
    query: Query = "",
    max_off_route_km: Annotated[float, Field(gt=0, le=5, allow_inf_nan=False)] = 0.5,
    open_now: bool = False,
    limit: Limit = 10,
) -> PlacesAlongRoute:
    """Find places close to the fastest route between two locations (a gas station on the way, a cafe en route).

    Args:
        origin: Start: a node id, a place id, or "home" / "work".
        destination: End: a node id, a place id, or "home" / "work".
        mode: driving, walking or cycling.
        category: Only places of this category.
        query: Words to find in the name, cuisine, category or address; empty matches all.
        max_off_route_km: Only places at most this far (straight line) from the route.
        open_now: Only places open at the current local time.
        limit: Most places to return, in route order.
    """
    options = _Options(mode, world.now)
    points, (hops,) = _route(world, options, [origin, destination])
    along = [(0.0, points[0].node)]
    for hop in hops:
        along.append((along[-1][0] + hop.road.km, hop.end))
    margin = max_off_route_km / 100 + 0.01
    south, north = min(n.lat for _, n in along) - margin, max(n.lat for _, n in along) + margin
    west, east = min(n.lon for _, n in along) - 2 * margin, max(n.lon for _, n in along) + 2 * margin
    needle = _normalize(query)
    found = []
    for place in world.places.values():
        node = world.nodes[place.node_id]
        if not (south <= node.lat <= north and west <= node.lon <= east):
            continue
        if not _place_filter(world, place, category, needle, open_now, None):
            continue
        off, km = min((node.distance_to(stop), km) for km, stop in along)
        if off <= max_off_route_km:
            found.append((km, off, place))
    found.sort(key=lambda item: (item[0], item[1], item[2].name))
    return PlacesAlongRoute(
        mode=mode,
        route_distance_km=round(_km(hops), 2),
        route_duration_min=round(_minutes(hops), 1),
        places=[
            PlaceAlongRoute(**_summary_fields(world, place), km_from_origin=round(km, 2), off_route_km=round(off, 2))
            for km, off, place in found[:limit]
        ],
    )


@server.read
def list_map_road_closures(world: MapsWorld, city: CityName | None = None) -> ClosureList:
    """List current road closures (roadworks and other works) with their reason and the day they end.

    Routes already avoid these segments; use this to explain detours or a missing route.

    Args:
        city: Only closures in this town.
    """
    town = _city(world, city).name if city is not None else None
    views = []
    for closure in world.active_closures():
        start, end = world.nodes[closure.a], world.nodes[closure.b]
        if town is None or start.city == town:
            views.append(ClosureView(
                **closure.model_dump(), city=start.city, district=start.district,
                from_label=world.node_label(start), to_label=world.node_label(end),
            ))
    return ClosureList(closures=views)


# ----- saved places, lists, home and work -----


def _map_list(world: MapsWorld, list_id: str | None) -> MapList:
    if list_id is None:
        default = next((item for item in world.lists.values() if item.name == DEFAULT_LIST), None)
        if default is None:
            raise ToolError(f"There is no '{DEFAULT_LIST}' list; pass a list_id (see list_saved_map_places).")
        return default
    return require(world.lists, list_id, "map list", "Use list_saved_map_places to see the lists.")


def _list_view(world: MapsWorld, map_list: MapList) -> MapListView:
    places = []
    for entry in map_list.entries:
        place = world.places[entry.place_id]
        summary = _summary(world, place)
        places.append(SavedPlaceView(
            place_id=place.place_id, name=place.name, category=place.category, address=summary.address,
            city=summary.city, note=entry.note, saved_at=entry.saved_at,
        ))
    return MapListView(**map_list.model_dump(exclude={"entries"}), places=places)


@server.read
def list_saved_map_places(world: MapsWorld, list_id: MapListId | None = None) -> SavedPlaces:
    """Show the user's home and work addresses and their saved-place lists with the places in each.

    Args:
        list_id: Only show this list.
    """
    lists = [_map_list(world, list_id)] if list_id is not None else list(world.lists.values())
    return SavedPlaces(
        home=world.profile.home, work=world.profile.work, lists=[_list_view(world, item) for item in lists]
    )


@server.write
def create_map_list(
    world: MapsWorld, name: Name, description: Annotated[str, Field(max_length=500)] = ""
) -> MapListView:
    """Create a new, empty list for saving places (for example "Date night" or "Road trip stops").

    Args:
        name: The list's name; it must differ from the user's other lists.
        description: What the list is for.
    """
    title = name.strip()
    if not title:
        raise ToolError("The list name is blank; give it a name.")
    for existing in world.lists.values():
        if existing.name.lower() == title.lower():
            raise ToolError(f"A list named '{existing.name}' already exists ({existing.list_id}); save places into it.")
    if len(world.lists) >= MAX_LISTS:
        raise ToolError(f"The user already has {MAX_LISTS} lists, the most allowed.")
    map_list = MapList(
        list_id=world.next_id("LST"), name=title, description=description.strip(), created_at=world.now
    )
    world.lists[map_list.list_id] = map_list
    return _list_view(world, map_list)


@server.write
def save_map_place(
    world: MapsWorld, place_id: PlaceId, list_id: MapListId | None = None, note: Note = ""
) -> MapListView:
    """Save a place into one of the user's lists (the "Favorites" list unless another is given).

    Args:
        place_id: The place to save.
        list_id: The list to save it in; omit for "Favorites".
        note: A personal note to keep with the place.
    """
    place = _place(world, place_id)
    map_list = _map_list(world, list_id)
    for entry in map_list.entries:
        if entry.place_id == place_id:
            raise ToolError(
                f"{place.name} ({place_id}) is already saved in '{map_list.name}' ({map_list.list_id}) since "
                f"{entry.saved_at:%Y-%m-%d}."
            )
    if len(map_list.entries) >= MAX_LIST_ENTRIES:
        raise ToolError(f"List '{map_list.name}' is full ({MAX_LIST_ENTRIES} places); remove some or use another list.")
    map_list.entries.append(SavedPlace(place_id=place_id, note=note.strip(), saved_at=world.now))
    return _list_view(world, map_list)


@server.write
def remove_saved_map_place(world: MapsWorld, place_id: PlaceId, list_id: MapListId | None = None) -> RemovedPlace:
    """Remove a saved place from one list, or from every list that holds it.

    Args:
        place_id: The saved place to remove.
        list_id: The list to remove it from; omit to remove it from all lists.
    """
    place = _place(world, place_id)
    lists = [_map_list(world, list_id)] if list_id is not None else list(world.lists.values())
    holding = [item for item in lists if any(entry.place_id == place_id for entry in item.entries)]
    if not holding:
        where = f"list '{lists[0].name}' ({lists[0].list_id})" if list_id is not None else "any list"
        raise ToolError(f"{place.name} ({place_id}) is not saved in {where}.")
    for item in holding:
        item.entries = [entry for entry in item.entries if entry.place_id != place_id]
    return RemovedPlace(place_id=place_id, removed_from_list_ids=[item.list_id for item in holding])


@server.write
def set_map_home_or_work(
    world: MapsWorld, role: Literal["home", "work"], location: Location, label: Name | None = None
) -> HomeWorkChange:
    """Set the user's home or work address, so routes can start or end at "home" or "work".

    Args:
        role: Which address to set.
        location: A town street address as a node id (from geocode_address), or a place id.
        label: A name for it; "Home" or "Work" by default.
    """
    place = world.places.get(location.strip())
    point = _point(world, location)
    node = point.node
    if place is not None:
        address = _summary(world, place).address
    elif node.row is None:
        raise ToolError(
            f"{point.label} ({node.node_id}) is not a street address. Geocode a town address with geocode_address "
            "and use its node id, or give a place id."
        )
    else:
        address = world.node_address(node)
    previous = world.profile.home if role == "home" else world.profile.work
    if previous is not None and previous.node_id == node.node_id:
        raise ToolError(f"The {role} address is already {previous.address} ({node.node_id}).")
    saved = SavedAddress(
        node_id=node.node_id, address=address, label=(label or role.capitalize()).strip() or role.capitalize(),
        set_at=world.now,
    )
    if role == "home":
        world.profile.home = saved
    else:
        world.profile.work = saved
    return HomeWorkChange(role=role, saved=saved, previous=previous)


# ----- route plans -----


@server.write
def create_route_plan(
    world: MapsWorld,
    name: Name,
    origin: Location,
    stop_place_ids: Annotated[list[PlaceId], Field(min_length=1, max_length=20)],
    mode: TravelMode = "driving",
    depart_at: DepartAt = None,
    minutes_per_stop: Annotated[int, Field(ge=5, le=480)] = 45,
    avoid_tolls: bool = False,
) -> RoutePlan:
    """Plan and save a trip that visits places in order, with arrival and leaving times at each stop.

    Every stop must be open when the trip arrives there; the plan warns when a stop closes before the planned
    leaving time.

    Args:
        name: A name for the plan.
        origin: Where the trip starts: a node id, a place id, or "home" / "work".
        stop_place_ids: The places to visit, in order (at most 6).
        mode: driving, walking or cycling.
        depart_at: Local departure time as YYYY-MM-DDTHH:MM (now if omitted); it may not be in the past.
        minutes_per_stop: How long to stay at each stop.
        avoid_tolls: Do not use toll roads.
    """
    if len(stop_place_ids) > MAX_PLAN_STOPS:
        raise ToolError(
            f"A route plan has at most {MAX_PLAN_STOPS} stops; got {len(stop_place_ids)}. Split it into two plans."
        )
    places = [_place(world, place_id) for place_id in stop_place_ids]
    for before, after in zip(places, places[1:]):
        if before.place_id == after.place_id:
            raise ToolError(f"{before.name} ({before.place_id}) is listed twice in a row; list each visit once.")
    options = _options(world, mode, depart_at, avoid_tolls, False, False)
    start = _point(world, origin)
    graphs: dict[bool, nx.Graph] = {}
    clock = options.depart
    here = start
    stops: list[PlanStop] = []
    warnings: list[str] = []
    for place in places:
        leg_options = _Options(mode, clock, avoid_tolls)
        graph = graphs.get(leg_options.rush_hour)
        if graph is None:
            graph = graphs[leg_options.rush_hour] = _graph(world, leg_options)
        target = _point(world, place.place_id)
        hops = _leg(world, graph, leg_options, here, target)
        arrive = clock + timedelta(minutes=round(_minutes(hops)))
        if place.status != "operational":
            raise ToolError(f"{place.name} ({place.place_id}) is temporarily closed; choose another stop.")
        if not place.is_open(arrive):
            opens = place.next_change(arrive)
            when = f"; it next opens {_clock(opens)} ({opens:%Y-%m-%d})" if opens is not None else ""
            raise ToolError(
                f"{place.name} ({place.place_id}) is closed when the trip would arrive, {_clock(arrive)} "
                f"({arrive:%Y-%m-%d}){when}. Depart at another time or drop the stop."
            )
        leave = arrive + timedelta(minutes=minutes_per_stop)
        closes = place.next_change(arrive)
        if closes is not None and closes < leave:
            warnings.append(f"{place.name} closes at {closes:%H:%M}, before the planned leaving time {leave:%H:%M}.")
        stops.append(PlanStop(
            place_id=place.place_id, name=place.name, arrive_at=arrive, leave_at=leave,
            travel_km=round(_km(hops), 2), travel_min=round(_minutes(hops), 1),
        ))
        clock, here = leave, target
    plan = RoutePlan(
        plan_id=world.next_id("PLAN"),
        name=name.strip() or "Trip",
        mode=mode,
        origin_node_id=start.node.node_id,
        origin_label=start.label,
        depart_at=options.depart,
        stops=stops,
        total_km=round(sum(stop.travel_km for stop in stops), 2),
        total_travel_min=round(sum(stop.travel_min for stop in stops), 1),
        end_at=clock,
        warnings=warnings,
        created_at=world.now,
    )
    world.route_plans[plan.plan_id] = plan
    return plan


@server.read
def list_route_plans(world: MapsWorld, plan_id: RoutePlanId | None = None) -> RoutePlanList:
    """List the user's saved route plans (trips with timed stops), or show one plan.

    Args:
        plan_id: Only show this plan.
    """
    if plan_id is not None:
        plan = require(world.route_plans, plan_id, "route plan", "Use list_route_plans without a plan_id to see them.")
        return RoutePlanList(plans=[plan])
    return RoutePlanList(plans=list(world.route_plans.values()))
