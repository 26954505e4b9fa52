"""The map's state: towns with districts, the road network, roadworks closures, points of interest, and the user's
home and work addresses, saved-place lists and trip plans.

The road network is two plain collections, `nodes` (intersections and road ends, with coordinates) and `roads`
(segments between two nodes, with a length, a speed limit, a kind and a toll flag), so it is part of the state
hash; the tools build a `networkx` graph from them per call. Town grids name their east-west streets "... Street"
(or "... Boulevard" for the main one) and their north-south streets "... Avenue" (or "... Way"); house numbers run
in blocks of 100 from the south-west corner, so "230 Elm Street" is on the third block of Elm Street. Opening hours
and every time are local to the region, which keeps the world clock's UTC.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

import networkx as nx
from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

NodeId = Annotated[str, Entity("map_node"), Field(min_length=1, max_length=40)]
PlaceId = Annotated[str, Entity("place"), Field(min_length=1, max_length=40)]
CityName = Annotated[str, Entity("map_city"), Field(min_length=1, max_length=60)]
MapListId = Annotated[str, Entity("map_list"), Field(min_length=1, max_length=40)]
RoutePlanId = Annotated[str, Entity("route_plan"), Field(min_length=1, max_length=40)]
ClosureId = Annotated[str, Entity("road_closure"), Field(min_length=1, max_length=40)]

TravelMode = Literal["driving", "walking", "cycling"]
RoadKind = Literal["motorway", "primary", "street", "path", "pedestrian", "ferry"]
PlaceCategory = Literal[
    "restaurant", "cafe", "bar", "bakery", "supermarket", "gas_station", "ev_charging", "pharmacy", "hospital",
    "museum", "park", "hotel", "parking", "landmark", "ferry_terminal",
]
BusinessStatus = Literal["operational", "temporarily_closed"]

MODE_ROADS: dict[str, tuple[str, ...]] = {
    "driving": ("motorway", "primary", "street", "ferry"),
    "cycling": ("primary", "street", "path", "ferry"),
    "walking": ("primary", "street", "path", "pedestrian", "ferry"),
}
"""The road kinds each travel mode may use: no walking or cycling on motorways, no motor vehicles on paths."""

WALKING_KMH = 4.8
CYCLING_KMH = 15.0
FERRY_BOARDING_MIN = 15.0
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ALWAYS_OPEN = "00:00-24:00"

_LAT_STEP = 0.0040
_LON_STEP = 0.0058
_JITTER = 0.0006


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_lon = math.sin(math.radians(lon2 - lon1) / 2)
    half = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * half_lon**2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(half)))


class City(BaseModel):
    name: CityName
    lat: float
    lon: float
    island: bool
    districts: list[str]
    description: str
    streets: list[str] = Field(description="East-west street names of the grid, south to north (by node row).")
    avenues: list[str] = Field(description="North-south avenue names of the grid, west to east (by node column).")


class Node(BaseModel):
    """An intersection or road end; a town intersection has its grid row (street) and column (avenue)."""

    node_id: NodeId
    lat: float
    lon: float
    city: str = Field(description="Town name, or empty on a country road or the motorway.")
    district: str = Field(description="Town district, or the locality of a node outside the towns.")
    row: int | None = None
    col: int | None = None

    def distance_to(self, other: "Node") -> float:
        return distance_km(self.lat, self.lon, other.lat, other.lon)


class Road(BaseModel):
    """A two-way road segment between nodes `a` and `b`.

    `kmh` is the speed limit for cars (0 on paths and pedestrian roads, which cars may not use) or a ferry's speed.
    """

    a: NodeId
    b: NodeId
    name: str
    kind: RoadKind
    km: float
    kmh: int
    toll: bool = False


class RoadClosure(BaseModel):
    closure_id: ClosureId
    a: NodeId
    b: NodeId
    road: str
    reason: str
    until: date = Field(description="Last day of the closure; the segment reopens the day after.")


def _span(hours: str) -> tuple[int, int] | None:
    """Minutes after midnight that an "HH:MM-HH:MM" span covers; an end at or before the start is the next day."""
    if not hours:
        return None
    start, end = (int(part[:2]) * 60 + int(part[3:5]) for part in hours.split("-"))
    return start, end if end > start else end + 1440


class Place(BaseModel):
    place_id: PlaceId
    name: str
    category: PlaceCategory
    cuisine: str | None = None
    node_id: NodeId
    address: str
    rating: float
    reviews: int
    price_level: int | None = Field(description="1 (cheap) to 4 (expensive); null where prices do not apply.")
    hours: list[str] = Field(
        description='Opening hours Monday to Sunday as "HH:MM-HH:MM" ("" = closed; an end before the start is '
        'after midnight; "00:00-24:00" = all day).'
    )
    phone: str
    status: BusinessStatus = "operational"

    def open_spans(self, around: datetime) -> list[tuple[datetime, datetime]]:
        """Opening spans from the day before `around` to a week after it, adjacent spans merged."""
        midnight = around.replace(hour=0, minute=0, second=0, microsecond=0)
        spans: list[tuple[datetime, datetime]] = []
        for offset in range(-1, 8):
            day = midnight + timedelta(days=offset)
            span = _span(self.hours[day.weekday()])
            if span is None:
                continue
            start, end = day + timedelta(minutes=span[0]), day + timedelta(minutes=span[1])
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        return spans

    def is_open(self, at: datetime) -> bool:
        if self.status != "operational":
            return False
        return any(start <= at < end for start, end in self.open_spans(at))

    def next_change(self, at: datetime) -> datetime | None:
        """When the place next closes (if open at `at`) or opens (if closed); None if that is over a week away."""
        if self.status != "operational":
            return None
        horizon = at + timedelta(days=6)
        for start, end in self.open_spans(at):
            if start <= at < end:
                return end if end <= horizon else None
            if start > at:
                return start
        return None


class SavedAddress(BaseModel):
    node_id: NodeId
    address: str
    label: str
    set_at: datetime


class SavedPlace(BaseModel):
    place_id: PlaceId
    note: str
    saved_at: datetime


class MapList(BaseModel):
    list_id: MapListId
    name: str
    description: str
    created_at: datetime
    entries: list[SavedPlace] = []


class MapProfile(BaseModel):
    home: SavedAddress | None = None
    work: SavedAddress | None = None


class PlanStop(BaseModel):
    place_id: PlaceId
    name: str
    arrive_at: datetime
    leave_at: datetime
    travel_km: float
    travel_min: float


class RoutePlan(BaseModel):
    plan_id: RoutePlanId
    name: str
    mode: TravelMode
    origin_node_id: NodeId
    origin_label: str
    depart_at: datetime
    stops: list[PlanStop]
    total_km: float
    total_travel_min: float
    end_at: datetime
    warnings: list[str] = []
    created_at: datetime


@dataclass(frozen=True)
class _TownPlan:
    name: str
    lat: float
    lon: float
    rows: int
    cols: int
    districts: tuple[str, str, str, str]
    """South-west, south-east, north-west and north-east quarters."""
    island: bool
    description: str


_TOWNS = (
    _TownPlan(
        "Port Valen", 46.200, 7.300, 11, 11, ("Old Harbour", "Marina", "Cathedral Quarter", "Northgate"), False,
        "Coastal capital of the region; car ferry to Saltmere from the Marina, A1 motorway to Ardenmoor.",
    ),
    _TownPlan(
        "Ardenmoor", 46.420, 7.620, 9, 9, ("Station Side", "Mill End", "Market Square", "Hillcrest"), False,
        "Inland market town; reached from Port Valen by the A1 motorway (tolled) or the R2 Old Post Road.",
    ),
    _TownPlan(
        "Kestrel Falls", 46.560, 7.380, 7, 7, ("Lower Town", "Riverbend", "Upper Town", "Pine Ridge"), False,
        "Mountain town at the end of the R7 Mountain Road from Ardenmoor; the falls viewpoint is north of town.",
    ),
    _TownPlan(
        "Saltmere", 46.085, 7.175, 5, 5, ("Quayside", "Dunes", "Chapel Hill", "Lighthouse Point"), True,
        "Island town reached only by the Saltmere car ferry from Port Valen; Heron Isle, a footbridge away, has "
        "the lighthouse.",
    ),
)

_STREET_NAMES = (
    "Elm", "Birch", "Cedar", "Maple", "Linden", "Rowan", "Alder", "Willow", "Aspen", "Hazel", "Juniper", "Laurel",
    "Poplar", "Chestnut", "Walnut", "Hawthorn", "Holly", "Larch", "Myrtle", "Oak", "Spruce", "Sycamore", "Beech",
    "Magnolia", "Harbour", "Mill", "Church", "Market", "Station", "Bridge", "King", "Queen", "Castle", "Abbey",
    "Garden", "River", "Canal", "Tower", "Forge", "Wharf", "Bell", "Lantern", "Granary", "Tanner", "Weaver", "Mason",
    "Cooper", "Fletcher", "Chandler", "Potter", "Orchard", "Meadow", "Quarry", "Summit", "Falcon", "Heron", "Osprey",
    "Copper", "Silver", "Amber",
)

_RESTAURANTS = (
    ("Trattoria Lumen", "italian"), ("Osteria del Porto", "italian"), ("Pizzeria Vesuvio", "italian"),
    ("La Bottega", "italian"), ("Sakura Sushi", "japanese"), ("Ramen Kaze", "japanese"), ("Izakaya Tora", "japanese"),
    ("Golden Lotus", "chinese"), ("Jade Garden", "chinese"), ("Dragon Noodle Bar", "chinese"),
    ("Spice Route", "indian"), ("Tandoor House", "indian"), ("Masala Lane", "indian"), ("Le Petit Zinc", "french"),
    ("Bistro Marguerite", "french"), ("Brasserie du Quai", "french"), ("The Salted Anchor", "seafood"),
    ("Fisherman's Rest", "seafood"), ("Oyster & Pearl", "seafood"), ("Harbour Catch", "seafood"),
    ("El Patio", "mexican"), ("Taqueria Sol", "mexican"), ("The Copper Grill", "steakhouse"),
    ("Ember & Oak", "steakhouse"), ("Green Fork", "vegetarian"), ("Leaf & Root", "vegetarian"),
    ("Olive Tree Taverna", "greek"), ("Mykonos Grill", "greek"), ("Bangkok Street", "thai"), ("Lemongrass", "thai"),
    ("Seoul Kitchen", "korean"), ("Bulgogi Brothers", "korean"), ("The Hungry Heron", "burgers"),
    ("Smash & Co", "burgers"), ("Alpine Stube", "regional"), ("The Miller's Table", "regional"),
    ("Valen Kitchen", "regional"), ("Mountain Hearth", "regional"), ("Casa Lisboa", "portuguese"),
    ("Istanbul Grill", "turkish"), ("Beirut Nights", "lebanese"), ("Pho Saigon", "vietnamese"),
    ("Noodle Theory", "asian_fusion"), ("The Gilded Spoon", "regional"), ("Paella Azul", "spanish"),
)
_CAFES = (
    "Bean There", "The Daily Grind", "Cafe Aurora", "Kettle & Crumb", "Morning Tide", "Espresso Lab", "Cafe Central",
    "Tidewater Coffee", "Copper Kettle", "Little Fox Cafe", "Brew & Bloom", "The Roastery", "Cafe Mistral",
    "Harbour Light Cafe", "Drift Coffee", "Foam & Fable", "Lantern Cafe", "Velvet Cup", "The Reading Room",
)
_BARS = (
    "The Rusty Nail", "Lighthouse Tavern", "The Tipsy Gull", "Barrel House", "Night Owl", "The Ferryman",
    "Cask & Keel", "The Velvet Lounge", "Hop Yard", "The Crooked Mast", "Blue Door Bar", "The Stag's Head",
)
_BAKERIES = (
    "Golden Crust", "Rise & Shine Bakery", "The Flour Mill", "Petit Four", "Daily Bread", "Crumb & Co",
    "Sourdough Society", "The Butter Knife", "Oven Door",
)
_MUSEUMS = (
    "Maritime Museum", "Museum of Modern Art", "City History Museum", "Railway Museum", "Natural History Museum",
    "Toy Museum", "Photography Gallery", "Alpine Heritage Museum", "Textile Mill Museum", "Science Discovery Centre",
)
_PARKS = (
    "Harbour Gardens", "Northgate Common", "Rose Garden", "Botanical Garden", "Riverside Park", "Pine Woods Park",
    "Dune Park", "Castle Green", "Orchard Park",
)
_HOTELS = (
    "Grand Hotel Valen", "Harbourview Hotel", "Hotel Astoria", "The Wayfarer Inn", "Seabreeze Lodge", "Alpine Lodge",
    "Station Hotel", "Hotel Lumiere", "The Drover's Inn", "Hotel Belvedere", "Nordlys Hotel",
    "The Old Customs House", "Hotel Kestrel", "Mill House Hotel", "Pinecrest Hotel",
)
_BRANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "supermarket": (("FreshMart", "Cornerway", "Valu Foods", "GreenBasket"), ("",)),
    "gas_station": (("Valoil", "Northline", "Petrix", "Alpen Fuel"), (" Station", "")),
    "ev_charging": (("VoltHub", "ChargeWay"), (" Chargers", "")),
    "pharmacy": (("Apotheca", "Care Pharmacy", "Green Cross Pharmacy"), ("",)),
    "parking": (("",), (" Car Park", " Parking Garage", " Park & Ride")),
}
"""Chain names per category: "<brand> <district><suffix>"."""

_CATEGORY_COUNTS: tuple[tuple[PlaceCategory, int], ...] = (
    ("restaurant", 38), ("cafe", 15), ("bar", 10), ("bakery", 7), ("supermarket", 9), ("gas_station", 8),
    ("ev_charging", 4), ("pharmacy", 8), ("museum", 7), ("park", 6), ("hotel", 12), ("parking", 8),
)
_TOWN_WEIGHTS = (5.0, 3.0, 2.0, 1.5)
_PRICES: dict[str, tuple[int, int]] = {
    "restaurant": (1, 4), "cafe": (1, 2), "bar": (1, 3), "bakery": (1, 1), "hotel": (2, 4), "supermarket": (1, 2),
}
_CLOSURE_REASONS = (
    "roadworks", "water main repair", "resurfacing", "street festival", "gas line repair", "bridge inspection",
)


def _week(weekdays: str, saturday: str, sunday: str) -> list[str]:
    return [weekdays] * 5 + [saturday, sunday]


def _opening_hours(category: str, rng: random.Random) -> list[str]:
    """Plausible weekly hours for a category, with some variety."""
    if category in ("hospital", "hotel", "landmark"):
        return [ALWAYS_OPEN] * 7
    if category == "restaurant":
        hours = [f"{rng.choice(('11:30', '12:00', '17:00'))}-{rng.choice(('22:00', '22:30', '23:00'))}"] * 7
        closed_day = rng.choice((None, 0, 0, 1, 6))
        if closed_day is not None:
            hours[closed_day] = ""
        return hours
    if category == "cafe":
        weekday = f"{rng.choice(('06:30', '07:00', '07:30'))}-{rng.choice(('17:00', '18:00', '19:00'))}"
        return _week(weekday, "08:00-17:00", rng.choice(("09:00-15:00", "")))
    if category == "bar":
        late = rng.choice(("02:00", "03:00"))
        return [rng.choice(("", "18:00-00:00")), "17:00-00:00", "17:00-00:00", "17:00-01:00", f"17:00-{late}",
                f"15:00-{late}", "15:00-23:00"]
    if category == "bakery":
        return _week("06:30-18:00", "07:00-16:00", rng.choice(("07:00-12:00", "")))
    if category == "supermarket":
        return _week(rng.choice(("08:00-21:00", "07:00-22:00")), "08:00-20:00", rng.choice(("10:00-18:00", "")))
    if category == "gas_station":
        return rng.choice(([ALWAYS_OPEN] * 7, _week("06:00-22:00", "07:00-22:00", "08:00-21:00")))
    if category == "ev_charging":
        return [ALWAYS_OPEN] * 7
    if category == "pharmacy":
        return _week("08:30-19:00", "09:00-14:00", "")
    if category == "museum":
        return ["", "10:00-18:00", "10:00-18:00", "10:00-21:00", "10:00-18:00", "10:00-18:00", "11:00-17:00"]
    if category == "park":
        return [rng.choice((ALWAYS_OPEN, "06:00-22:00"))] * 7
    if category == "parking":
        return [rng.choice((ALWAYS_OPEN, "06:00-00:00"))] * 7
    return ["05:30-22:30"] * 7


class MapsWorld(World):
    server: ClassVar[str] = "maps"

    cities: dict[str, City] = Field(default_factory=dict)
    nodes: dict[str, Node] = Field(default_factory=dict)
    roads: list[Road] = Field(default_factory=list)
    closures: dict[str, RoadClosure] = Field(default_factory=dict)
    places: dict[str, Place] = Field(default_factory=dict)
    profile: MapProfile = Field(default_factory=MapProfile)
    lists: dict[str, MapList] = Field(default_factory=dict)
    route_plans: dict[str, RoutePlan] = Field(default_factory=dict)

    def active_closures(self) -> list[RoadClosure]:
        today = self.now.date()
        return [closure for closure in self.closures.values() if closure.until >= today]

    def crossing(self, node: Node) -> tuple[str, str] | None:
        """The (street, avenue) crossing at a town intersection; None off the town grids."""
        if node.row is None or node.col is None:
            return None
        city = self.cities[node.city]
        return city.streets[node.row], city.avenues[node.col]

    def road_at(self, node_id: str) -> str:
        """The name of the first road segment at a node."""
        return next((road.name for road in self.roads if node_id in (road.a, road.b)), "")

    def node_address(self, node: Node) -> str:
        """The block address of a node: "300 Elm Street, Port Valen", or "R2 Old Post Road, Lindholm" off-grid."""
        names = self.crossing(node)
        if names is None or node.col is None:
            return ", ".join(part for part in (self.road_at(node.node_id), node.district, node.city) if part)
        return f"{node.col * 100} {names[0]}, {node.city}"

    def node_label(self, node: Node) -> str:
        """A short human name for a node: the crossing of two streets, or the road and locality."""
        names = self.crossing(node)
        if names is None:
            return ", ".join(part for part in (self.road_at(node.node_id), node.district) if part)
        return f"{names[0]} & {names[1]}, {node.city}"

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        grids = [self._build_town(rng, town) for town in _TOWNS]
        special = self._build_links(rng, grids)
        self._close_roads(rng, special)
        self._add_places(rng, grids, special)
        self._add_user_data(rng, grids[0], special)

    def _add_node(
        self, lat: float, lon: float, city: str, district: str, row: int | None = None, col: int | None = None
    ) -> str:
        node = Node(
            node_id=self.next_id("N"), lat=round(lat, 5), lon=round(lon, 5), city=city, district=district, row=row,
            col=col,
        )
        self.nodes[node.node_id] = node
        return node.node_id

    def _add_road(
        self, a: str, b: str, name: str, kind: RoadKind, kmh: int, *, toll: bool = False, winding: float = 1.0
    ) -> None:
        length = self.nodes[a].distance_to(self.nodes[b]) * winding
        self.roads.append(Road(a=a, b=b, name=name, kind=kind, km=round(length, 3), kmh=kmh, toll=toll))

    def _build_town(self, rng: random.Random, town: _TownPlan) -> dict[tuple[int, int], str]:
        """A jittered street grid; the middle street and avenue are main roads."""
        names = rng.sample(_STREET_NAMES, town.rows + town.cols)
        mid_row, mid_col = town.rows // 2, town.cols // 2
        streets = [f"{name} {'Boulevard' if r == mid_row else 'Street'}" for r, name in enumerate(names[: town.rows])]
        avenues = [f"{name} {'Way' if c == mid_col else 'Avenue'}" for c, name in enumerate(names[town.rows :])]
        self.cities[town.name] = City(
            name=town.name, lat=town.lat, lon=town.lon, island=town.island, districts=[*town.districts],
            description=town.description, streets=streets, avenues=avenues,
        )
        grid: dict[tuple[int, int], str] = {}
        for r in range(town.rows):
            for c in range(town.cols):
                quarter = (2 if r >= town.rows / 2 else 0) + (1 if c >= town.cols / 2 else 0)
                grid[(r, c)] = self._add_node(
                    town.lat + (r - (town.rows - 1) / 2) * _LAT_STEP + rng.uniform(-_JITTER, _JITTER),
                    town.lon + (c - (town.cols - 1) / 2) * _LON_STEP + rng.uniform(-_JITTER, _JITTER),
                    town.name, town.districts[quarter], row=r, col=c,
                )
        for (r, c), node_id in grid.items():
            if c + 1 < town.cols:
                main = r == mid_row
                kmh = 50 if main else rng.choice((30, 40))
                self._add_road(node_id, grid[(r, c + 1)], streets[r], "primary" if main else "street", kmh)
            if r + 1 < town.rows:
                main = c == mid_col
                kmh = 50 if main else rng.choice((30, 40))
                self._add_road(node_id, grid[(r + 1, c)], avenues[c], "primary" if main else "street", kmh)
        return grid

    def _restrict(self, node_id: str, kind: RoadKind) -> None:
        """Make every road at a node a footpath or pedestrian road (a park, a pedestrian square)."""
        for road in self.roads:
            if node_id in (road.a, road.b):
                road.kind, road.kmh = kind, 0

    def _chain(
        self,
        rng: random.Random,
        ends: tuple[str, str],
        stops: tuple[str, ...],
        road: str,
        kind: RoadKind,
        kmh: int,
        bow: float,
        tolled: tuple[int, ...] = (),
    ) -> list[str]:
        """A country road or motorway from `ends[0]` to `ends[1]` through one rural node per name in `stops`."""
        start, end = self.nodes[ends[0]], self.nodes[ends[1]]
        chain = [ends[0]]
        for index, locality in enumerate(stops, start=1):
            t = index / (len(stops) + 1)
            bend = bow * math.sin(math.pi * t)
            chain.append(self._add_node(
                start.lat + (end.lat - start.lat) * t + bend + rng.uniform(-0.002, 0.002),
                start.lon + (end.lon - start.lon) * t - bend + rng.uniform(-0.002, 0.002),
                "", locality,
            ))
        chain.append(ends[1])
        for index, (a, b) in enumerate(zip(chain, chain[1:])):
            self._add_road(a, b, road, kind, kmh, toll=index in tolled, winding=1.15)
        return chain

    def _build_links(self, rng: random.Random, grids: list[dict[tuple[int, int], str]]) -> dict[str, str]:
        """Roads between the towns, the ferry, and the special spots: a pedestrian square, a park, a viewpoint
        behind a closable road, a footbridge-only islet and a motorway service area. Returns their node ids."""
        valen, arden, kestrel, salt = grids
        motorway = self._chain(
            rng, (valen[(10, 10)], arden[(0, 0)]),
            ("Valen North Interchange", "Brenn Junction", "Ardenmoor South Interchange"),
            "A1 Motorway", "motorway", 120, 0.01, tolled=(1, 2),
        )
        junction = self.nodes[motorway[2]]
        services = self._add_node(junction.lat + 0.004, junction.lon - 0.006, "", "Brenn Services")
        self._add_road(motorway[2], services, "Brenn Services access", "motorway", 60)
        old_road = self._chain(
            rng, (valen[(10, 3)], arden[(4, 0)]), ("Lindholm", "Brackwater Bridge", "Tarrow Green", "Fenwick Cross"),
            "R2 Old Post Road", "primary", 70, 0.03,
        )
        self._chain(
            rng, (arden[(8, 4)], kestrel[(0, 3)]), ("Gorse Hill", "Stonebridge", "Eagle Pass"),
            "R7 Mountain Road", "primary", 60, 0.015,
        )
        self._add_road(valen[(0, 6)], salt[(4, 2)], "Saltmere Ferry", "ferry", 20, winding=1.05)

        top = self.nodes[kestrel[(6, 4)]]
        bend = self._add_node(top.lat + 0.005, top.lon + 0.001, "Kestrel Falls", "Pine Ridge")
        viewpoint = self._add_node(top.lat + 0.010, top.lon + 0.004, "Kestrel Falls", "Pine Ridge")
        self._add_road(kestrel[(6, 4)], bend, "Falls Road", "street", 30, winding=1.2)
        self._add_road(bend, viewpoint, "Falls Road", "street", 30, winding=1.2)
        self._add_road(kestrel[(6, 2)], bend, "Falls Trail", "path", 0, winding=1.3)

        shore = self.nodes[salt[(0, 2)]]
        self.cities["Saltmere"].districts.append("Heron Isle")
        islet = [
            self._add_node(shore.lat - 0.006 * step, shore.lon + 0.002 * (step - 1), "Saltmere", "Heron Isle")
            for step in (1, 2, 3)
        ]
        self._add_road(salt[(0, 2)], islet[0], "Heron Footbridge", "pedestrian", 0)
        self._add_road(islet[0], islet[1], "Lighthouse Walk", "path", 0)
        self._add_road(islet[1], islet[2], "Lighthouse Walk", "path", 0)

        self._restrict(valen[(8, 2)], "pedestrian")
        self._restrict(arden[(3, 7)], "path")
        return {
            "cathedral": valen[(8, 2)], "park": arden[(3, 7)], "falls_bend": bend, "viewpoint": viewpoint,
            "falls_gate": kestrel[(6, 4)], "kiosk": islet[1], "lighthouse": islet[2], "services": services,
            "valen_ferry": valen[(0, 6)], "salt_ferry": salt[(4, 2)], "lindholm": old_road[1],
            "tarrow": old_road[3],
        }

    def _close_roads(self, rng: random.Random, special: dict[str, str]) -> None:
        """Falls Road to the viewpoint is closed, plus a few town streets whose closure keeps every other place
        reachable by car."""
        today = self.now.date()
        falls = RoadClosure(
            closure_id=self.next_id("CL", 3), a=special["falls_gate"], b=special["falls_bend"], road="Falls Road",
            reason="rockfall clearance", until=today + timedelta(days=rng.randint(10, 30)),
        )
        self.closures[falls.closure_id] = falls
        driving = nx.Graph()
        driving.add_edges_from((road.a, road.b) for road in self.roads if road.kind in MODE_ROADS["driving"])
        avoid = {*special.values()}
        candidates = [
            road for road in self.roads
            if road.kind == "street" and self.nodes[road.a].row is not None and self.nodes[road.b].row is not None
            and road.a not in avoid and road.b not in avoid
        ]
        closed = 0
        for road in rng.sample(candidates, 20):
            driving.remove_edge(road.a, road.b)
            if not nx.has_path(driving, road.a, road.b):
                driving.add_edge(road.a, road.b)
                continue
            closure = RoadClosure(
                closure_id=self.next_id("CL", 3), a=road.a, b=road.b, road=road.name,
                reason=rng.choice(_CLOSURE_REASONS), until=today + timedelta(days=rng.randint(2, 45)),
            )
            self.closures[closure.closure_id] = closure
            closed += 1
            if closed == 6:
                break

    def _new_place(
        self, rng: random.Random, name: str, category: PlaceCategory, node_id: str, cuisine: str | None = None
    ) -> Place:
        node = self.nodes[node_id]
        names = self.crossing(node)
        if names is None or node.row is None or node.col is None:
            address = ", ".join(part for part in (self.road_at(node_id), node.district) if part)
        elif rng.random() < 0.5:
            address = f"{node.col * 100 + rng.randrange(1, 99, 2)} {names[0]}"
        else:
            address = f"{node.row * 100 + rng.randrange(2, 99, 2)} {names[1]}"
        low, high = _PRICES.get(category, (0, 0))
        place = Place(
            place_id=self.next_id("PL"),
            name=name,
            category=category,
            cuisine=cuisine,
            node_id=node_id,
            address=address,
            rating=round(min(4.9, max(2.6, rng.gauss(4.1, 0.45))), 1),
            reviews=rng.randint(6, 2400),
            price_level=rng.randint(low, high) if high else None,
            hours=_opening_hours(category, rng),
            phone=f"+47 {rng.randint(20, 79)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        )
        self.places[place.place_id] = place
        return place

    def _add_places(self, rng: random.Random, grids: list[dict[tuple[int, int], str]], special: dict[str, str]) -> None:
        fixed: tuple[tuple[str, PlaceCategory, str], ...] = (
            ("Cathedral of St. Valen", "landmark", "cathedral"), ("Cafe Campanile", "cafe", "cathedral"),
            ("Mill Park", "park", "park"), ("Kestrel Falls Viewpoint", "landmark", "viewpoint"),
            ("Heron Isle Lighthouse", "landmark", "lighthouse"), ("Lighthouse Kiosk", "cafe", "kiosk"),
            ("Brenn Services Fuel", "gas_station", "services"), ("Brenn Services Cafe", "cafe", "services"),
            ("VoltHub Brenn", "ev_charging", "services"),
            ("Port Valen Ferry Terminal", "ferry_terminal", "valen_ferry"),
            ("Saltmere Ferry Quay", "ferry_terminal", "salt_ferry"), ("Lindholm Garage", "gas_station", "lindholm"),
            ("Tarrow Green Bakery", "bakery", "tarrow"),
        )
        for name, category, spot in fixed:
            self._new_place(rng, name, category, special[spot])
        towns = [town.name for town in _TOWNS]
        town_nodes = [[node_id for node_id in grid.values() if node_id != special["cathedral"]] for grid in grids]
        hospitals = (("Port Valen General Hospital", 0), ("St. Brigid's Hospital", 0),
                     ("Ardenmoor Regional Hospital", 1), ("Kestrel Falls Clinic", 2), ("Saltmere Island Clinic", 3))
        for name, town in hospitals:
            self._new_place(rng, name, "hospital", rng.choice(town_nodes[town]))
        used = {place.name for place in self.places.values()}
        named: dict[str, list[tuple[str, str | None]]] = {
            "restaurant": [(name, cuisine) for name, cuisine in _RESTAURANTS],
            "cafe": [(name, None) for name in _CAFES], "bar": [(name, None) for name in _BARS],
            "bakery": [(name, None) for name in _BAKERIES], "museum": [(name, None) for name in _MUSEUMS],
            "park": [(name, None) for name in _PARKS], "hotel": [(name, None) for name in _HOTELS],
        }
        for category, count in _CATEGORY_COUNTS:
            picks = rng.sample(named[category], count) if category in named else [("", None)] * count
            for name, cuisine in picks:
                town = rng.choices(range(len(towns)), weights=_TOWN_WEIGHTS)[0]
                node_id = rng.choice(town_nodes[town])
                if not name:
                    brands, suffixes = _BRANDS[category]
                    district = self.nodes[node_id].district
                    name = f"{rng.choice(brands)} {district}{rng.choice(suffixes)}".strip()
                    while name in used:
                        name = f"{name} {self.node_label(self.nodes[node_id]).split()[0]}"
                elif category == "museum" and town > 0:
                    name = f"{towns[town]} {name}"
                used.add(name)
                self._new_place(rng, name, category, node_id, cuisine)
        closable = [p for p in self.places.values() if p.category in ("restaurant", "cafe", "bar", "museum")]
        for place in rng.sample(closable, 4):
            place.status = "temporarily_closed"

    def _add_user_data(self, rng: random.Random, valen: dict[tuple[int, int], str], special: dict[str, str]) -> None:
        """A home address in Port Valen (no work address yet) and three saved lists."""
        home = self.nodes[rng.choice([node_id for node_id in valen.values() if node_id not in special.values()])]
        self.profile = MapProfile(
            home=SavedAddress(
                node_id=home.node_id, address=self.node_address(home), label="Home",
                set_at=self.now - timedelta(days=rng.randint(30, 400)),
            )
        )
        open_places = [place for place in self.places.values() if place.status == "operational"]
        by_town: dict[str, list[Place]] = {}
        for place in open_places:
            by_town.setdefault(self.nodes[place.node_id].city, []).append(place)
        eateries = [place for place in open_places if place.category in ("restaurant", "cafe")]
        sights = [place for place in open_places if place.category in ("museum", "landmark", "restaurant")]
        plans = (
            ("Favorites", "Places I keep going back to.", eateries, 4),
            ("Want to go", "To try some day.", sights, 5),
            ("Saltmere weekend", "Ideas for a weekend on the island.", by_town["Saltmere"], 3),
        )
        for name, description, pool, count in plans:
            created = self.now - timedelta(days=rng.randint(60, 500))
            entries = [
                SavedPlace(place_id=place.place_id, note="", saved_at=created + timedelta(days=rng.randint(0, 50)))
                for place in rng.sample(pool, count)
            ]
            map_list = MapList(
                list_id=self.next_id("LST"), name=name, description=description, created_at=created, entries=entries
            )
            self.lists[map_list.list_id] = map_list
