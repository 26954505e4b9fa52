"""The chain's state: stores, the SKU catalog, stock per store, pickup reservations, transfers and restock orders.

Opening hours and every timestamp are store-local wall-clock time: `now` reads the same on every store's clock.
Stock is counted per store as units on hand. Units held by a pickup reservation stay on hand until they are picked
up, so what a store can still reserve or ship is on hand minus reserved (`RetailChainWorld.reserved_units`).
A store carries a SKU when the SKU appears in its stock map, even with zero units.
"""

import math
import random
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
StoreId = Annotated[str, Entity("retail_store"), _ID]
SkuCode = Annotated[str, Entity("retail_sku"), _ID]
ReservationId = Annotated[str, Entity("pickup_reservation"), _ID]
TransferId = Annotated[str, Entity("store_transfer"), _ID]
RestockOrderId = Annotated[str, Entity("restock_order"), _ID]

Region = Literal["pacific", "mountain", "central", "southeast", "northeast"]
Department = Literal[
    "grocery", "household", "personal_care", "health", "electronics", "home", "toys", "garden", "pet", "office",
]
StoreFormat = Literal["supercenter", "neighborhood", "express", "mall"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ReservationStatus = Literal["held", "picked_up", "cancelled", "expired"]
TransferStatus = Literal["in_transit", "received"]
RestockStatus = Literal["placed", "shipped", "delivered"]

WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HOLD_HOURS = 48
"""How long a pickup reservation holds its units."""
MAX_UNITS_PER_RESERVATION = 10


class DayHours(BaseModel):
    opens: str = Field(description="Opening time, HH:MM store-local.")
    closes: str = Field(description="Closing time, HH:MM store-local.")


class Store(BaseModel):
    store_id: StoreId
    name: str
    format: StoreFormat
    city: str
    state: str
    region: Region
    address: str
    phone: str
    latitude: float
    longitude: float
    hours: dict[Weekday, DayHours | None] = Field(description="Opening hours per weekday; null when closed all day.")
    status: Literal["open", "temporarily_closed"]
    closure_reason: str | None = None
    reopens_on: date | None = None


class Sku(BaseModel):
    sku: SkuCode
    name: str
    department: Department
    unit_price: float = Field(description="Chain-wide shelf price in USD.")
    regional_prices: dict[Region, float] = Field(
        default_factory=dict, description="Shelf prices that replace the chain price in the stores of a region."
    )
    min_order_qty: int = Field(description="Fewest units one warehouse restock order may ask for (a full case).")
    reorder_point: int = Field(description="A store should reorder once its available units fall to this or below.")
    lead_time_days: int = Field(description="Days from placing a restock order to delivery at the store.")
    status: Literal["active", "discontinued"]


class Reservation(BaseModel):
    reservation_id: ReservationId
    store_id: StoreId
    sku: SkuCode
    quantity: int
    unit_price: float
    total: float
    customer_name: str
    customer_phone: str | None = None
    status: ReservationStatus
    created_at: datetime
    expires_at: datetime = Field(description="The hold lapses at this moment unless the items were picked up.")
    closed_at: datetime | None = Field(None, description="When it was picked up, cancelled or expired.")


class Transfer(BaseModel):
    transfer_id: TransferId
    from_store_id: StoreId
    to_store_id: StoreId
    sku: SkuCode
    quantity: int
    status: TransferStatus
    shipped_at: datetime
    expected_arrival: datetime
    received_at: datetime | None = None


class RestockOrder(BaseModel):
    restock_order_id: RestockOrderId
    store_id: StoreId
    sku: SkuCode
    quantity: int
    status: RestockStatus
    ordered_at: datetime
    expected_on: date
    delivered_on: date | None = None


def distance_km(a: Store, b: Store) -> float:
    """Great-circle distance between two stores, to 0.1 km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * 6371.0 * math.asin(math.sqrt(h)), 1)


# (city, state, region, latitude, longitude, area code, [(neighborhood, street), ...])
_CITIES: tuple[tuple[str, str, Region, float, float, str, tuple[tuple[str, str], ...]], ...] = (
    ("Seattle", "WA", "pacific", 47.6062, -122.3321, "206",
     (("Ballard", "NW Market St"), ("Capitol Hill", "Broadway E"), ("Northgate", "NE Northgate Way"))),
    ("Portland", "OR", "pacific", 45.5152, -122.6784, "503",
     (("Pearl District", "NW Lovejoy St"), ("Hawthorne", "SE Hawthorne Blvd"))),
    ("San Francisco", "CA", "pacific", 37.7749, -122.4194, "415",
     (("Mission", "Valencia St"), ("Sunset", "Irving St"), ("SoMa", "Folsom St"))),
    ("Denver", "CO", "mountain", 39.7392, -104.9903, "303",
     (("LoDo", "Wazee St"), ("Cherry Creek", "E 1st Ave"), ("Highlands", "W 32nd Ave"))),
    ("Phoenix", "AZ", "mountain", 33.4484, -112.0740, "602",
     (("Arcadia", "E Indian School Rd"), ("Camelback", "E Camelback Rd"))),
    ("Austin", "TX", "central", 30.2672, -97.7431, "512",
     (("South Congress", "S Congress Ave"), ("Mueller", "Aldrich St"), ("The Domain", "Burnet Rd"))),
    ("Chicago", "IL", "central", 41.8781, -87.6298, "312",
     (("Wicker Park", "N Milwaukee Ave"), ("Lincoln Park", "N Clark St"), ("The Loop", "W Madison St"))),
    ("Atlanta", "GA", "southeast", 33.7490, -84.3880, "404",
     (("Midtown", "Peachtree St NE"), ("Buckhead", "Roswell Rd NE"))),
    ("Miami", "FL", "southeast", 25.7617, -80.1918, "305",
     (("Brickell", "S Miami Ave"), ("Coral Gables", "Miracle Mile"))),
    ("Boston", "MA", "northeast", 42.3601, -71.0589, "617",
     (("Back Bay", "Boylston St"), ("Fenway", "Brookline Ave"))),
)
_FORMATS: tuple[StoreFormat, ...] = ("supercenter",) * 6 + ("neighborhood",) * 9 + ("express",) * 5 + ("mall",) * 5
_Hours = tuple[tuple[str, str] | None, ...]
_FORMAT_HOURS: dict[StoreFormat, _Hours] = {
    "supercenter": (("07:00", "22:00"),) * 7,
    "neighborhood": (("08:00", "21:00"),) * 6 + (("09:00", "19:00"),),
    "express": (("07:00", "20:00"),) * 5 + (("09:00", "17:00"), None),
    "mall": (("10:00", "21:00"),) * 6 + (("11:00", "18:00"),),
}
_CARRY_SHARE: dict[StoreFormat, float] = {"supercenter": 0.95, "neighborhood": 0.85, "mall": 0.75, "express": 0.55}
_CLOSURES = (
    "Renovation of the sales floor",
    "Water damage repairs after a burst pipe",
    "Refrigeration system replacement",
    "Roof repairs after storm damage",
)
_CATALOG: dict[Department, tuple[tuple[str, float], ...]] = {
    "grocery": (
        ("Organic Whole Milk 1 gal", 5.49), ("Large Brown Eggs 12 ct", 4.29), ("Sourdough Bread Loaf", 4.99),
        ("Medium Roast Ground Coffee 12 oz", 9.99), ("Extra Virgin Olive Oil 500 ml", 11.49),
        ("Jasmine Rice 5 lb", 7.99), ("Spaghetti 1 lb", 1.79), ("Marinara Sauce 24 oz", 3.99),
        ("Creamy Peanut Butter 16 oz", 3.49), ("Plain Greek Yogurt 32 oz", 5.99), ("Cheddar Cheese Block 8 oz", 4.49),
        ("Old-Fashioned Rolled Oats 42 oz", 5.29), ("Sparkling Water 12-pack", 5.99),
        ("Honey Nut Cereal 15 oz", 4.79), ("Dark Chocolate Bar 3.5 oz", 2.99),
    ),
    "household": (
        ("Laundry Detergent 100 oz", 14.99), ("Paper Towels 6 Double Rolls", 12.99),
        ("Toilet Paper 12 Mega Rolls", 16.49), ("Dish Soap 28 oz", 3.99), ("Dishwasher Pods 62 ct", 17.99),
        ("All-Purpose Cleaner Spray 32 oz", 4.49), ("Trash Bags 13 gal 80 ct", 13.99),
        ("Disinfecting Wipes 75 ct", 5.49), ("Scrub Sponges 6-pack", 4.99), ("Aluminum Foil 75 sq ft", 5.29),
        ("Zip Storage Bags Gallon 38 ct", 4.79), ("Glass Cleaner 26 oz", 3.79),
        ("Fabric Softener Sheets 120 ct", 7.49), ("AA Alkaline Batteries 8-pack", 9.99),
        ("LED Light Bulbs 60W 4-pack", 8.99),
    ),
    "personal_care": (
        ("Fluoride Toothpaste 4.8 oz", 3.49), ("Soft Toothbrush 4-pack", 6.99), ("Moisturizing Body Wash 22 oz", 7.99),
        ("Daily Shampoo 25 oz", 6.49), ("Daily Conditioner 25 oz", 6.49), ("Unscented Deodorant 2.6 oz", 5.29),
        ("SPF 50 Sunscreen Lotion 8 oz", 10.99), ("Cotton Swabs 500 ct", 3.99),
        ("Facial Moisturizer SPF 30 1.7 oz", 14.99), ("5-Blade Razor Refills 4 ct", 19.99),
        ("Hand Soap Refill 56 oz", 8.49), ("Lip Balm 3-pack", 3.79), ("Mint Dental Floss 2-pack", 4.29),
        ("Makeup Remover Wipes 25 ct", 5.99), ("Rechargeable Electric Toothbrush", 49.99),
    ),
    "health": (
        ("Ibuprofen 200 mg 100 ct", 8.99), ("Acetaminophen 500 mg 100 ct", 8.49),
        ("24-Hour Allergy Relief 30 ct", 14.99), ("Daily Multivitamin 120 ct", 12.99),
        ("Vitamin D3 2000 IU 90 ct", 9.49), ("Adhesive Bandages 100 ct", 6.99), ("Digital Thermometer", 12.99),
        ("Honey Cough Syrup 8 oz", 10.49), ("Antacid Chews 96 ct", 7.99), ("Saline Nasal Spray 1.5 oz", 5.49),
        ("First Aid Kit 120 pc", 24.99), ("Upper Arm Blood Pressure Monitor", 49.99),
        ("Hand Sanitizer 12 oz", 3.99), ("Reading Glasses +1.50", 19.99), ("Melatonin 5 mg 60 ct", 7.49),
    ),
    "electronics": (
        ("USB-C Charging Cable 6 ft", 12.99), ("20W USB-C Wall Charger", 19.99), ("True Wireless Earbuds", 59.99),
        ("Bluetooth Portable Speaker", 39.99), ("Noise Cancelling Over-Ear Headphones", 129.99),
        ("10,000 mAh Power Bank", 29.99), ("HDMI Cable 6 ft", 9.99), ("Wireless Mouse", 19.99),
        ("Smart Plug 2-pack", 24.99), ("32 GB USB Flash Drive", 8.99), ("Fitness Tracker Band", 49.99),
        ("Phone Car Mount", 14.99), ("1080p Webcam", 39.99), ("43-inch 4K Smart TV", 279.99),
        ("HD Streaming Media Stick", 39.99),
    ),
    "home": (
        ("Cotton Bath Towel", 9.99), ("Queen Microfiber Sheet Set", 29.99), ("Memory Foam Pillow", 24.99),
        ("10-inch Nonstick Frying Pan", 19.99), ("Stainless Steel Saucepan 2 qt", 24.99),
        ("12-Cup Programmable Coffee Maker", 39.99), ("2-Slice Toaster", 24.99),
        ("Food Storage Containers 20 pc", 16.99), ("8-inch Chef's Knife", 29.99), ("Cutting Board Set 3 pc", 14.99),
        ("Fleece Throw Blanket 50x60", 19.99), ("Blackout Curtain Panel 84 in", 18.99), ("LED Desk Lamp", 27.99),
        ("Electric Kettle 1.7 L", 29.99), ("Air Fryer 5 qt", 79.99),
    ),
    "toys": (
        ("Classic Building Bricks 500 pc", 34.99), ("Jigsaw Puzzle 1000 pc", 14.99), ("Plush Teddy Bear 12 in", 12.99),
        ("Remote Control Stunt Car", 29.99), ("Washable Markers 10 ct", 5.99), ("Modeling Dough 10-pack", 7.99),
        ("Family Strategy Board Game", 19.99), ("Playing Cards 2-pack", 4.99), ("Foam Dart Blaster", 19.99),
        ("Fashion Doll", 12.99), ("Wooden Train Set", 39.99), ("Bubble Solution 32 oz", 3.99),
        ("Kids Science Experiment Kit", 24.99), ("Folding Kick Scooter", 49.99), ("Sidewalk Chalk 20 ct", 3.49),
    ),
    "garden": (
        ("Potting Mix 16 qt", 7.99), ("All-Purpose Plant Food 1.5 lb", 9.99), ("Expandable Garden Hose 50 ft", 29.99),
        ("Bypass Pruning Shears", 14.99), ("Heirloom Tomato Seeds", 2.49), ("Terracotta Pot 8 in", 6.99),
        ("Wild Bird Seed 10 lb", 12.99), ("Solar Path Lights 6-pack", 24.99), ("Garden Gloves 3 pair", 9.99),
        ("Watering Can 2 gal", 11.99), ("Cedar Mulch 2 cu ft", 4.99), ("Weed Killer Spray 1 gal", 14.99),
        ("Lawn Fertilizer 15 lb", 24.99), ("Outdoor Extension Cord 50 ft", 22.99), ("Folding Patio Chair", 34.99),
    ),
    "pet": (
        ("Dry Dog Food Chicken & Rice 30 lb", 44.99), ("Grain-Free Cat Food 12 lb", 27.99),
        ("Clumping Cat Litter 25 lb", 15.99), ("Dog Treats Variety 24 oz", 11.99), ("Wet Cat Food 24-pack", 18.99),
        ("Dog Waste Bags 240 ct", 9.99), ("Rope Chew Toy", 6.99), ("Cat Scratching Post", 24.99),
        ("Orthopedic Pet Bed Medium", 29.99), ("Retractable Dog Leash 16 ft", 12.99),
        ("Flea & Tick Collar", 19.99), ("Stainless Steel Pet Bowl", 6.49), ("Tropical Fish Flakes 2.2 oz", 5.99),
        ("Small Animal Bedding 30 L", 14.99), ("Catnip Toys 3-pack", 5.49),
    ),
    "office": (
        ("Copy Paper 500 Sheets", 8.99), ("Ballpoint Pens 12 ct", 4.99), ("Spiral Notebook 3-pack", 6.49),
        ("Sticky Notes 12 Pads", 7.99), ("Desktop Stapler", 9.99), ("Manila File Folders 100 ct", 12.99),
        ("Highlighters 6 ct", 4.49), ("Black Printer Ink Cartridge", 29.99), ("Mesh Desk Organizer", 14.99),
        ("Scientific Calculator", 15.99), ("Packing Tape 3 Rolls", 9.49), ("3-Ring Binder 1.5 in", 5.99),
        ("Dry-Erase Whiteboard 24x36", 29.99), ("Ergonomic Office Chair", 149.99),
        ("Laminating Pouches 50 ct", 11.99),
    ),
}
_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Logan",
    "Amelia", "James", "Harper", "Priya", "Arjun", "Mei", "Wei", "Carlos", "Lucia", "Mateo", "Fatima", "Omar",
    "Aisha", "Hiroshi", "Yuki", "Dmitri", "Elena", "Kwame", "Amara", "Sean", "Niamh", "Grace", "Daniel", "Chloe",
)
_LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lopez", "Wilson", "Anderson",
    "Taylor", "Moore", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "Nguyen", "Patel",
    "Kim", "Chen", "Okafor", "Novak", "Sullivan", "Rossi", "Tanaka", "Haddad", "Kowalski", "Reyes",
)


class RetailChainWorld(World):
    server: ClassVar[str] = "retail_chain"

    stores: dict[str, Store] = Field(default_factory=dict)
    skus: dict[str, Sku] = Field(default_factory=dict)
    stock: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Units on hand by store id, then by SKU code, for the SKUs a store carries."
    )
    reservations: dict[str, Reservation] = Field(default_factory=dict)
    transfers: dict[str, Transfer] = Field(default_factory=dict)
    restock_orders: dict[str, RestockOrder] = Field(default_factory=dict)

    # ----- bookkeeping shared by the generator and the tools -----

    def price_at(self, sku: Sku, store: Store) -> float:
        """The shelf price of `sku` in `store`: the regional price where one is set, else the chain price."""
        return sku.regional_prices.get(store.region, sku.unit_price)

    def reserved_units(self) -> dict[tuple[str, str], int]:
        """Units held by pickup reservations, by (store id, SKU code)."""
        held: dict[tuple[str, str], int] = {}
        for reservation in self.reservations.values():
            if reservation.status == "held":
                key = (reservation.store_id, reservation.sku)
                held[key] = held.get(key, 0) + reservation.quantity
        return held

    def hours_today(self, store: Store) -> DayHours | None:
        return store.hours[WEEKDAYS[self.now.weekday()]]

    def is_open_now(self, store: Store) -> bool:
        """Whether the store is trading at this moment: not temporarily closed and within today's hours."""
        hours = self.hours_today(store)
        clock = self.now.strftime("%H:%M")
        return store.status == "open" and hours is not None and hours.opens <= clock < hours.closes

    def transit_time(self, source: Store, target: Store) -> timedelta:
        """How long a truck takes between two stores: same day in a city, a day in a region, else three days."""
        if source.city == target.city:
            return timedelta(hours=6)
        return timedelta(days=1 if source.region == target.region else 3)

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_stores(rng)
        self._generate_catalog(rng)
        self._generate_stock(rng)
        self._generate_reservations(rng)
        self._generate_transfers(rng)
        self._generate_restock_orders(rng)

    def _generate_stores(self, rng: random.Random) -> None:
        formats = list(_FORMATS)
        rng.shuffle(formats)
        sites = [(city, neighborhood) for city in _CITIES for neighborhood in city[6]]
        for (city, (neighborhood, street)), store_format in zip(sites, formats, strict=True):
            name, state, region, latitude, longitude, area, _ = city
            hours = {day: None if span is None else DayHours(opens=span[0], closes=span[1])
                     for day, span in zip(WEEKDAYS, _FORMAT_HOURS[store_format], strict=True)}
            store = Store(
                store_id=self.next_id("STR", 3),
                name=f"Brightway {neighborhood}",
                format=store_format,
                city=name,
                state=state,
                region=region,
                address=f"{rng.randint(100, 4999)} {street}, {name}, {state}",
                phone=f"+1-{area}-555-{rng.randrange(10000):04d}",
                latitude=round(latitude + rng.uniform(-0.06, 0.06), 4),
                longitude=round(longitude + rng.uniform(-0.06, 0.06), 4),
                hours=hours,
                status="open",
            )
            self.stores[store.store_id] = store
        for store in rng.sample([s for s in self.stores.values() if s.format != "mall"], 2):
            store.status = "temporarily_closed"
            store.closure_reason = rng.choice(_CLOSURES)
            store.reopens_on = self.now.date() + timedelta(days=rng.randint(3, 20))

    def _generate_catalog(self, rng: random.Random) -> None:
        codes = rng.sample(range(100000, 1000000), sum(len(items) for items in _CATALOG.values()))
        regions: tuple[Region, ...] = ("pacific", "mountain", "central", "southeast", "northeast")
        entries = [(department, item) for department, items in _CATALOG.items() for item in items]
        for code, (department, (name, price)) in zip(codes, entries, strict=True):
            regional = {}
            if rng.random() < 0.2:
                for region in sorted(rng.sample(regions, rng.randint(1, 2))):
                    regional[region] = round(math.floor(price * rng.choice((0.9, 1.05, 1.1, 1.15))) + 0.99, 2)
            sku = Sku(
                sku=f"SKU-{code}",
                name=name,
                department=department,
                unit_price=price,
                regional_prices=regional,
                min_order_qty=24 if price < 5 else 12 if price < 15 else 6 if price < 50 else 4 if price < 150 else 2,
                reorder_point=12 if price < 5 else 8 if price < 15 else 5 if price < 50 else 3,
                lead_time_days=rng.randint(2, 7),
                status="active",
            )
            self.skus[sku.sku] = sku
        for sku in rng.sample(list(self.skus.values()), 6):
            sku.status = "discontinued"

    def _generate_stock(self, rng: random.Random) -> None:
        for store in self.stores.values():
            carried: dict[str, int] = {}
            for sku in self.skus.values():
                if rng.random() >= _CARRY_SHARE[store.format]:
                    continue
                roll, point = rng.random(), sku.reorder_point
                if sku.status == "discontinued":
                    carried[sku.sku] = 0 if roll < 0.4 else rng.randint(1, point)
                elif roll < 0.1:
                    carried[sku.sku] = 0
                elif roll < 0.25:
                    carried[sku.sku] = rng.randint(1, point)
                else:
                    carried[sku.sku] = rng.randint(point + 1, 4 * point + 4)
            self.stock[store.store_id] = carried

    def _moment_before(self, rng: random.Random, low_hours: int, high_hours: int) -> datetime:
        return (self.now - timedelta(minutes=rng.randint(low_hours * 60, high_hours * 60))).replace(second=0)

    def _generate_reservations(self, rng: random.Random) -> None:
        """Held, expired, picked-up and cancelled reservations; held ones never exceed the units on hand."""
        plans: list[tuple[datetime, int, ReservationStatus, Store, str, int]] = []
        held: dict[tuple[str, str], int] = {}
        stores = list(self.stores.values())
        for status, count in (("held", 24), ("expired", 8), ("picked_up", 10), ("cancelled", 5)):
            while count:
                store = rng.choice(stores)
                sku = rng.choice(list(self.stock[store.store_id]))
                free = self.stock[store.store_id][sku] - held.get((store.store_id, sku), 0)
                if free < 1 or self.skus[sku].status == "discontinued":
                    continue
                quantity = rng.randint(1, min(3, free))
                if status == "held":
                    held[(store.store_id, sku)] = held.get((store.store_id, sku), 0) + quantity
                    created = self._moment_before(rng, 1, HOLD_HOURS - 4)
                else:
                    created = self._moment_before(rng, HOLD_HOURS + 12, 20 * 24)
                plans.append((created, len(plans), status, store, sku, quantity))
                count -= 1
        for created, _, status, store, sku, quantity in sorted(plans, key=lambda plan: (plan[0], plan[1])):
            expires = created + timedelta(hours=HOLD_HOURS)
            closed = {
                "held": None,
                "expired": expires,
                "picked_up": created + timedelta(minutes=rng.randint(60, (HOLD_HOURS - 2) * 60)),
                "cancelled": created + timedelta(minutes=rng.randint(30, 24 * 60)),
            }[status]
            price = self.price_at(self.skus[sku], store)
            reservation = Reservation(
                reservation_id=self.next_id("PKP"),
                store_id=store.store_id,
                sku=sku,
                quantity=quantity,
                unit_price=price,
                total=round(price * quantity, 2),
                customer_name=f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
                customer_phone=f"+1-{store.phone[3:6]}-555-{rng.randrange(10000):04d}" if rng.random() < 0.8 else None,
                status=status,
                created_at=created,
                expires_at=expires,
                closed_at=closed,
            )
            self.reservations[reservation.reservation_id] = reservation

    def _pick_shared(self, rng: random.Random, stores: list[Store]) -> tuple[Store, Store, str]:
        """Two different open stores and an active SKU both carry."""
        while True:
            source, target = rng.choice(stores), rng.choice(stores)
            if source.store_id == target.store_id or "temporarily_closed" in (source.status, target.status):
                continue
            shared = [s for s in self.stock[source.store_id] if s in self.stock[target.store_id]]
            sku = rng.choice(shared)
            if self.skus[sku].status == "active":
                return source, target, sku

    def _generate_transfers(self, rng: random.Random) -> None:
        plans: list[tuple[datetime, int, TransferStatus, Store, Store, str, int]] = []
        stores = list(self.stores.values())
        for status, count in (("in_transit", 8), ("received", 14)):
            for _ in range(count):
                source, target, sku = self._pick_shared(rng, stores)
                if status == "in_transit":
                    shipped = self._moment_before(rng, 2, 80)
                else:
                    shipped = self._moment_before(rng, 4 * 24, 30 * 24)
                plans.append((shipped, len(plans), status, source, target, sku, rng.randint(2, 12)))
        for shipped, _, status, source, target, sku, quantity in sorted(plans, key=lambda plan: (plan[0], plan[1])):
            arrival = shipped + self.transit_time(source, target)
            transfer = Transfer(
                transfer_id=self.next_id("XFR"),
                from_store_id=source.store_id,
                to_store_id=target.store_id,
                sku=sku,
                quantity=quantity,
                status=status,
                shipped_at=shipped,
                expected_arrival=arrival,
                received_at=arrival + timedelta(minutes=rng.randint(0, 180)) if status == "received" else None,
            )
            self.transfers[transfer.transfer_id] = transfer

    def _generate_restock_orders(self, rng: random.Random) -> None:
        """Open orders (placed or shipped) for some low SKUs, and delivered orders from the past weeks."""
        low = [
            (store_id, code)
            for store_id, carried in self.stock.items()
            for code, units in carried.items()
            if units <= self.skus[code].reorder_point and self.skus[code].status == "active"
        ]
        plans: list[tuple[datetime, int, RestockStatus, str, str]] = []
        for index, (store_id, code) in enumerate(rng.sample(low, 30)):
            status: RestockStatus = "delivered" if index < 14 else "shipped" if index < 22 else "placed"
            lead = self.skus[code].lead_time_days
            if status == "delivered":
                ordered = self._moment_before(rng, (lead + 2) * 24, 40 * 24)
            elif status == "shipped":
                ordered = self._moment_before(rng, 24, (lead - 1) * 24)
            else:
                ordered = self._moment_before(rng, 1, 20)
            plans.append((ordered, index, status, store_id, code))
        for ordered, _, status, store_id, code in sorted(plans, key=lambda plan: (plan[0], plan[1])):
            sku = self.skus[code]
            expected = ordered.date() + timedelta(days=sku.lead_time_days)
            order = RestockOrder(
                restock_order_id=self.next_id("RST"),
                store_id=store_id,
                sku=code,
                quantity=sku.min_order_qty * rng.randint(1, 4),
                status=status,
                ordered_at=ordered,
                expected_on=expected,
                delivered_on=expected if status == "delivered" else None,
            )
            self.restock_orders[order.restock_order_id] = order
