"""The travel agency's database: airports, scheduled flights with fare buckets and seat maps, hotels with room
inventory per night, traveler profiles with passports and payment methods, itineraries, bookings and promo codes.

All times are UTC. Flights run from a few days before `now` (already departed) to about 60 days after it.
"""

import math
import random
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core.fields import Entity
from mcp_servers.core.world import World

__all__ = [
    "AirportCode", "City", "SeatCode", "FlightId", "HotelId", "TravelerId", "PaymentMethodId", "ItineraryId",
    "BookingId", "PromoCodeValue", "PassportNumber", "FareClass", "Cabin", "RoomTypeName", "CancellationPolicy",
    "LoyaltyTier", "Airport", "Fare", "Flight", "RoomType", "Hotel", "Passport", "Traveler", "PaymentMethod",
    "Itinerary", "Booking", "PromoCode", "FareRules", "FARE_RULES", "CABIN_LAYOUT", "CABIN_SEATS", "HOTEL_CHECK_IN",
    "HOTEL_CHECK_OUT", "TravelBookingWorld",
]

AirportCode = Annotated[str, Entity("airport"), Field(min_length=2, max_length=60)]
City = Annotated[str, Entity("city"), Field(min_length=1, max_length=120)]
SeatCode = Annotated[str, Entity("seat"), Field(max_length=8)]
FlightId = Annotated[str, Entity("flight"), Field(min_length=1, max_length=24)]
HotelId = Annotated[str, Entity("hotel"), Field(min_length=1, max_length=24)]
TravelerId = Annotated[str, Entity("traveler"), Field(min_length=1, max_length=24)]
PaymentMethodId = Annotated[str, Entity("payment_method"), Field(max_length=24)]
ItineraryId = Annotated[str, Entity("itinerary"), Field(max_length=24)]
BookingId = Annotated[str, Entity("booking"), Field(min_length=1, max_length=24)]
PromoCodeValue = Annotated[str, Entity("promo_code"), Field(min_length=1, max_length=40)]
PassportNumber = Annotated[str, Entity("passport_number", sensitive=True), Field(min_length=1, max_length=20)]

FareClass = Literal["basic", "economy", "business"]
Cabin = Literal["economy", "business"]
RoomTypeName = Literal["standard", "deluxe", "suite"]
CancellationPolicy = Literal["flexible", "moderate", "non_refundable"]
LoyaltyTier = Literal["none", "silver", "gold", "platinum"]

HOTEL_CHECK_IN = time(15, 0, tzinfo=timezone.utc)
"""Hotel check-in time; cancellation windows are measured back from it."""
HOTEL_CHECK_OUT = time(11, 0, tzinfo=timezone.utc)

CABIN_LAYOUT: dict[Cabin, tuple[range, str]] = {
    "business": (range(1, 5), "ACDF"),
    "economy": (range(10, 40), "ABCDEF"),
}
"""Seat rows and seat letters of each cabin (the same aircraft layout on every flight)."""

CABIN_SEATS: dict[Cabin, tuple[str, ...]] = {
    cabin: tuple(f"{row}{letter}" for row in rows for letter in letters)
    for cabin, (rows, letters) in CABIN_LAYOUT.items()
}


class FareRules(BaseModel):
    """What a fare class allows; the same on every flight."""

    fare_class: FareClass
    cabin: Cabin
    refundable: bool
    cancellation_fee: float = Field(description="Deducted from the refund when a refundable fare is cancelled.")
    changes_allowed: bool
    change_fee: float = Field(description="Charged on a change, on top of any fare difference.")
    lower_fare_refunded: bool = Field(description="Whether a cheaper new fare refunds the difference on a change.")
    seat_selection: bool
    included_checked_bags: int
    notes: str


FARE_RULES: dict[FareClass, FareRules] = {
    "basic": FareRules(
        fare_class="basic", cabin="economy", refundable=False, cancellation_fee=0.0, changes_allowed=False,
        change_fee=0.0, lower_fare_refunded=False, seat_selection=False, included_checked_bags=0,
        notes="Non-refundable and non-changeable; a seat is assigned at check-in. If the airline cancels the "
        "flight the fare is refunded in full or can be moved to another flight on the same route for free.",
    ),
    "economy": FareRules(
        fare_class="economy", cabin="economy", refundable=True, cancellation_fee=100.0, changes_allowed=True,
        change_fee=75.0, lower_fare_refunded=False, seat_selection=True, included_checked_bags=0,
        notes="Refundable minus a 100.00 USD fee; changes cost 75.00 USD plus any higher fare. Free cancellation "
        "and free changes when the airline cancels the flight.",
    ),
    "business": FareRules(
        fare_class="business", cabin="business", refundable=True, cancellation_fee=0.0, changes_allowed=True,
        change_fee=0.0, lower_fare_refunded=True, seat_selection=True, included_checked_bags=2,
        notes="Fully refundable; free changes, fare differences are charged or refunded.",
    ),
}


class Airport(BaseModel):
    code: AirportCode = Field(description="IATA airport code.")
    name: str
    city: City
    country: str = Field(description="ISO 3166 two-letter country code.")
    country_name: str


class Fare(BaseModel):
    fare_class: FareClass
    price: float = Field(description="One-way price per passenger in USD.")
    seats_left: int


class Flight(BaseModel):
    flight_id: FlightId
    flight_number: str
    airline: str
    origin: AirportCode
    destination: AirportCode
    departure: datetime
    arrival: datetime
    status: Literal["scheduled", "cancelled"] = "scheduled"
    fares: list[Fare]
    taken_seats: list[SeatCode] = []

    def fare(self, fare_class: FareClass) -> Fare:
        return next(fare for fare in self.fares if fare.fare_class == fare_class)


class RoomType(BaseModel):
    room_type: RoomTypeName
    nightly_rate: float
    max_guests: int
    total_rooms: int
    booked: dict[str, int] = Field(default={}, description="Rooms taken per night, keyed by ISO date of the night.")

    def rooms_left(self, night: date) -> int:
        return self.total_rooms - self.booked.get(night.isoformat(), 0)


class Hotel(BaseModel):
    hotel_id: HotelId
    name: str
    city: City
    country: str
    address: str
    stars: int
    amenities: list[str]
    cancellation_policy: CancellationPolicy
    rooms: list[RoomType]

    def room(self, room_type: RoomTypeName) -> RoomType:
        return next(room for room in self.rooms if room.room_type == room_type)


class Passport(BaseModel):
    number: str
    issuing_country: str
    expires_on: date


class Traveler(BaseModel):
    traveler_id: TravelerId
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: date
    nationality: str
    passport: Passport | None = None
    loyalty_number: str | None = None
    loyalty_tier: LoyaltyTier = "none"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PaymentMethod(BaseModel):
    payment_method_id: PaymentMethodId
    traveler_id: TravelerId
    kind: Literal["credit_card", "debit_card", "travel_credit"]
    label: str
    expires_on: date
    available: float = Field(description="Available credit (cards) or balance (travel credit) in USD.")
    status: Literal["active", "frozen"] = "active"


class Itinerary(BaseModel):
    itinerary_id: ItineraryId
    traveler_id: TravelerId
    title: str
    created_at: datetime
    booking_ids: list[BookingId] = []


class Booking(BaseModel):
    """A flight seat or a hotel stay for one traveler; the flight_* or hotel_* fields are set by `kind`."""

    booking_id: BookingId
    kind: Literal["flight", "hotel"]
    traveler_id: TravelerId
    itinerary_id: ItineraryId | None = None
    status: Literal["confirmed", "cancelled"] = "confirmed"
    booked_at: datetime
    payment_method_id: PaymentMethodId
    base_price: float = Field(description="Current fare or room total before fees and discounts, in USD.")
    fees_paid: float = Field(default=0.0, description="Checked-bag and change fees paid so far.")
    discount: float = 0.0
    promo_code: PromoCodeValue | None = None
    total_paid: float = Field(description="Net amount charged to the payment method so far, in USD.")
    refund_amount: float = 0.0
    cancelled_at: datetime | None = None
    flight_id: FlightId | None = None
    fare_class: FareClass | None = None
    seat: SeatCode | None = None
    checked_bags: int = 0
    hotel_id: HotelId | None = None
    room_type: RoomTypeName | None = None
    check_in: date | None = None
    check_out: date | None = None
    guests: int = 0


class PromoCode(BaseModel):
    code: PromoCodeValue
    description: str
    applies_to: Literal["flight", "hotel", "any"]
    percent_off: float = 0.0
    amount_off: float = 0.0
    max_discount: float
    min_spend: float = Field(description="Minimum base price of the booking, in USD.")
    valid_until: date


# (code, name, city, country, country name, latitude, longitude)
_AIRPORTS: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    ("JFK", "John F. Kennedy International", "New York", "US", "United States", 40.64, -73.78),
    ("LGA", "LaGuardia", "New York", "US", "United States", 40.78, -73.87),
    ("BOS", "Logan International", "Boston", "US", "United States", 42.36, -71.01),
    ("ORD", "O'Hare International", "Chicago", "US", "United States", 41.98, -87.90),
    ("ATL", "Hartsfield-Jackson International", "Atlanta", "US", "United States", 33.64, -84.43),
    ("MIA", "Miami International", "Miami", "US", "United States", 25.79, -80.29),
    ("DFW", "Dallas/Fort Worth International", "Dallas", "US", "United States", 32.90, -97.04),
    ("DEN", "Denver International", "Denver", "US", "United States", 39.86, -104.67),
    ("LAX", "Los Angeles International", "Los Angeles", "US", "United States", 33.94, -118.41),
    ("SFO", "San Francisco International", "San Francisco", "US", "United States", 37.62, -122.38),
    ("SEA", "Seattle-Tacoma International", "Seattle", "US", "United States", 47.45, -122.31),
    ("YYZ", "Toronto Pearson International", "Toronto", "CA", "Canada", 43.68, -79.63),
    ("YVR", "Vancouver International", "Vancouver", "CA", "Canada", 49.19, -123.18),
    ("MEX", "Benito Juarez International", "Mexico City", "MX", "Mexico", 19.44, -99.07),
    ("GRU", "Sao Paulo/Guarulhos International", "Sao Paulo", "BR", "Brazil", -23.43, -46.47),
    ("LHR", "Heathrow", "London", "GB", "United Kingdom", 51.47, -0.45),
    ("LGW", "Gatwick", "London", "GB", "United Kingdom", 51.15, -0.19),
    ("CDG", "Charles de Gaulle", "Paris", "FR", "France", 49.01, 2.55),
    ("AMS", "Schiphol", "Amsterdam", "NL", "Netherlands", 52.31, 4.76),
    ("FRA", "Frankfurt am Main", "Frankfurt", "DE", "Germany", 50.04, 8.56),
    ("MAD", "Adolfo Suarez Madrid-Barajas", "Madrid", "ES", "Spain", 40.47, -3.56),
    ("BCN", "Josep Tarradellas Barcelona-El Prat", "Barcelona", "ES", "Spain", 41.30, 2.08),
    ("FCO", "Leonardo da Vinci-Fiumicino", "Rome", "IT", "Italy", 41.80, 12.25),
    ("DUB", "Dublin Airport", "Dublin", "IE", "Ireland", 53.42, -6.27),
    ("ZRH", "Zurich Airport", "Zurich", "CH", "Switzerland", 47.46, 8.55),
    ("DXB", "Dubai International", "Dubai", "AE", "United Arab Emirates", 25.25, 55.36),
    ("NRT", "Narita International", "Tokyo", "JP", "Japan", 35.77, 140.39),
    ("HND", "Haneda", "Tokyo", "JP", "Japan", 35.55, 139.78),
    ("SIN", "Changi", "Singapore", "SG", "Singapore", 1.36, 103.99),
    ("SYD", "Kingsford Smith", "Sydney", "AU", "Australia", -33.95, 151.18),
)

# Route pairs (flown both ways) and how many departures per week each way.
_ROUTES: tuple[tuple[str, str, float], ...] = (
    ("JFK", "LAX", 2), ("JFK", "LHR", 2), ("LHR", "CDG", 1.5), ("LAX", "SFO", 1.5), ("LGA", "ORD", 0.7),
    ("JFK", "MIA", 0.7), ("BOS", "SFO", 0.4), ("ORD", "DEN", 0.4), ("LGA", "ATL", 0.4), ("SFO", "SEA", 0.5),
    ("DFW", "LAX", 0.4), ("BOS", "DUB", 0.4), ("JFK", "CDG", 0.5), ("ORD", "FRA", 0.4), ("MIA", "MAD", 0.4),
    ("YYZ", "LHR", 0.4), ("LGW", "BCN", 0.5), ("MAD", "BCN", 0.5), ("CDG", "FCO", 0.4), ("ZRH", "LHR", 0.4),
    ("AMS", "FRA", 0.4), ("LHR", "DXB", 0.4), ("DXB", "SIN", 0.4), ("SIN", "SYD", 0.4), ("HND", "SFO", 0.4),
    ("NRT", "LAX", 0.4), ("YVR", "SEA", 0.4), ("MEX", "LAX", 0.4), ("GRU", "MIA", 0.4), ("YYZ", "YVR", 0.4),
)

_AIRLINES: tuple[tuple[str, str], ...] = (
    ("NW", "Northwind Airways"), ("BC", "Bluecrest Air"), ("SJ", "Sunjet"), ("OC", "Oceanic Connect"),
    ("AU", "Aurora Airlines"), ("PX", "Pacific Express"),
)

_FIRST_NAMES = (
    "Maria", "James", "Aisha", "Chen", "Sofia", "Liam", "Priya", "Mateo", "Hannah", "Kenji", "Olivia", "Lucas",
    "Fatima", "Noah", "Elena", "Daniel", "Yuki", "Amara", "Ethan", "Isabel", "Omar", "Grace", "Rafael", "Mei",
    "Jonas", "Chloe", "Arjun", "Zoe", "Samuel", "Leila", "Tomas", "Nina", "Kwame", "Ava", "Hugo", "Ingrid",
    "Diego", "Sara", "Felix", "Anika",
)
_LAST_NAMES = (
    "Lopez", "Walker", "Khan", "Wei", "Rossi", "Murphy", "Patel", "Garcia", "Schmidt", "Tanaka", "Brown", "Silva",
    "Haddad", "Johnson", "Petrova", "Kim", "Sato", "Okafor", "Miller", "Fernandez", "Nasser", "Taylor", "Costa",
    "Lin", "Berg", "Dubois", "Sharma", "Novak", "Clarke", "Rahimi", "Horvat", "Jensen", "Mensah", "Wilson",
    "Laurent", "Larsen", "Ramos", "Cohen", "Weber", "Gupta",
)
_NATIONALITIES = ("US", "US", "US", "GB", "CA", "DE", "FR", "ES", "IT", "JP", "IN", "BR", "MX", "AU", "IE", "NL")

_HOTEL_BRANDS: tuple[tuple[str, int, int], ...] = (  # (name pattern, min stars, max stars)
    ("Grand Meridian {city}", 5, 5), ("Harborview Hotel {city}", 4, 4), ("The Lantern {city}", 4, 5),
    ("Parkside Suites {city}", 3, 4), ("Bluebird Inn {city}", 2, 3), ("Aurora Plaza {city}", 4, 5),
    ("{city} Old Town Lodge", 2, 3), ("Skyline Tower {city}", 3, 4), ("Riverside Residence {city}", 3, 4),
    ("Nomad House {city}", 2, 3), ("Cedar & Stone {city}", 4, 5), ("Maple Court Hotel {city}", 3, 3),
)
_STREETS = ("Market Street", "Station Road", "Harbor Avenue", "Park Lane", "King Street", "Central Boulevard",
            "River Walk", "Museum Square", "Garden Road", "Airport Way")
_AMENITIES = ("breakfast", "pool", "gym", "spa", "parking", "airport_shuttle", "restaurant", "bar", "pet_friendly",
              "business_center")
_CITY_COST = {"New York": 1.5, "London": 1.4, "Zurich": 1.5, "San Francisco": 1.4, "Boston": 1.3, "Paris": 1.3,
              "Tokyo": 1.2, "Singapore": 1.2, "Sydney": 1.1, "Dubai": 1.1, "Mexico City": 0.7, "Sao Paulo": 0.7}
_BIG_CITIES = ("New York", "London", "Paris", "Tokyo", "Los Angeles", "San Francisco")


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


class TravelBookingWorld(World):
    server: ClassVar[str] = "travel_booking"

    airports: dict[str, Airport] = {}
    flights: dict[str, Flight] = {}
    hotels: dict[str, Hotel] = {}
    travelers: dict[str, Traveler] = {}
    payment_methods: dict[str, PaymentMethod] = {}
    itineraries: dict[str, Itinerary] = {}
    bookings: dict[str, Booking] = {}
    promo_codes: dict[str, PromoCode] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    def generate(self, rng: random.Random) -> None:
        self.airports, self.flights, self.hotels = {}, {}, {}
        self.travelers, self.payment_methods, self.itineraries, self.bookings = {}, {}, {}, {}
        coords: dict[str, tuple[float, float]] = {}
        for code, name, city, country, country_name, lat, lon in _AIRPORTS:
            self.airports[code] = Airport(code=code, name=name, city=city, country=country, country_name=country_name)
            coords[code] = (lat, lon)
        self._generate_flights(rng, coords)
        self._generate_hotels(rng)
        self._generate_travelers(rng)
        self._generate_promo_codes()
        self._generate_bookings(rng)

    def _generate_flights(self, rng: random.Random, coords: dict[str, tuple[float, float]]) -> None:
        start_day = self.today - timedelta(days=3)
        for pair_index, (a, b, per_week) in enumerate(_ROUTES):
            distance = _distance_km(coords[a], coords[b])
            minutes = int(round((distance / 820 * 60 + 35) / 5) * 5)
            base_fare = 60 + 0.11 * distance
            for direction, (origin, destination) in enumerate(((a, b), (b, a))):
                carriers = rng.sample(_AIRLINES, 2)
                slots = [(rng.randrange(6, 22), rng.choice((0, 15, 30, 45))) for _ in range(3)]
                for day in range(64):
                    departures = 1 if rng.random() < per_week / 7 else 0
                    if departures and per_week >= 1.5 and rng.random() < 0.4:
                        departures = 2
                    for slot_index in range(departures):
                        carrier_code, carrier_name = carriers[slot_index]
                        hour, minute = slots[slot_index if slot_index else rng.randrange(len(slots))]
                        departure = datetime.combine(start_day + timedelta(days=day), time(hour, minute),
                                                     tzinfo=timezone.utc)
                        self._add_flight(rng, carrier_code, carrier_name, 100 + pair_index * 10 + direction * 2
                                         + slot_index, origin, destination, departure, minutes, base_fare)

    def _add_flight(self, rng: random.Random, carrier_code: str, carrier_name: str, number: int, origin: str,
                    destination: str, departure: datetime, minutes: int, base_fare: float) -> None:
        economy = base_fare * rng.uniform(0.8, 1.45)
        sold_out_day = rng.random() < 0.08
        fares = [
            Fare(fare_class="basic", price=round(economy * 0.72, 2),
                 seats_left=0 if sold_out_day or rng.random() < 0.2 else rng.randint(1, 12)),
            Fare(fare_class="economy", price=round(economy, 2),
                 seats_left=0 if sold_out_day or rng.random() < 0.12 else rng.choice((rng.randint(1, 4),
                                                                                     rng.randint(5, 40)))),
            Fare(fare_class="business", price=round(economy * 3.2, 2),
                 seats_left=0 if sold_out_day or rng.random() < 0.15 else rng.randint(1, 8)),
        ]
        taken = sorted(rng.sample(CABIN_SEATS["economy"], rng.randint(2, 8))
                       + rng.sample(CABIN_SEATS["business"], rng.randint(0, 3)))
        flight_id = self.next_id("FLT")
        self.flights[flight_id] = Flight(
            flight_id=flight_id, flight_number=f"{carrier_code} {number}", airline=carrier_name, origin=origin,
            destination=destination, departure=departure, arrival=departure + timedelta(minutes=minutes),
            status="cancelled" if departure.date() > self.today and rng.random() < 0.04 else "scheduled",
            fares=fares, taken_seats=taken,
        )

    def _generate_hotels(self, rng: random.Random) -> None:
        cities: dict[str, str] = {}
        for airport in self.airports.values():
            cities.setdefault(airport.city, airport.country)
        for city, country in cities.items():
            count = 3 if city in _BIG_CITIES else 2
            for pattern, low, high in rng.sample(_HOTEL_BRANDS, count):
                stars = rng.randint(low, high)
                standard = (40 + stars * 35) * _CITY_COST.get(city, 1.0) * rng.uniform(0.85, 1.2)
                rooms = [
                    RoomType(room_type="standard", nightly_rate=round(standard, 2), max_guests=2,
                             total_rooms=rng.randint(3, 10)),
                    RoomType(room_type="deluxe", nightly_rate=round(standard * 1.4, 2), max_guests=3,
                             total_rooms=rng.randint(2, 5)),
                    RoomType(room_type="suite", nightly_rate=round(standard * 2.3, 2), max_guests=4,
                             total_rooms=rng.randint(1, 2)),
                ]
                for _ in range(rng.randint(1, 3)):  # conferences and festivals that fill some room types
                    first = self.today + timedelta(days=rng.randrange(0, 56))
                    nights = [(first + timedelta(days=offset)).isoformat() for offset in range(rng.randint(2, 5))]
                    for room in rooms:
                        taken = room.total_rooms if rng.random() < 0.6 else room.total_rooms - 1
                        room.booked.update(dict.fromkeys(nights, taken))
                hotel_id = self.next_id("HTL")
                self.hotels[hotel_id] = Hotel(
                    hotel_id=hotel_id, name=pattern.format(city=city), city=city, country=country,
                    address=f"{rng.randint(1, 240)} {rng.choice(_STREETS)}, {city}", stars=stars,
                    amenities=["wifi", *sorted(rng.sample(_AMENITIES, rng.randint(2, 6)))],
                    cancellation_policy=rng.choices(("flexible", "moderate", "non_refundable"), (5, 3, 2))[0],
                    rooms=rooms,
                )

    def _generate_travelers(self, rng: random.Random) -> None:
        last_names = rng.sample(_LAST_NAMES, len(_LAST_NAMES))
        for first, last in zip(_FIRST_NAMES, last_names, strict=True):
            traveler_id = self.next_id("TRV")
            nationality = rng.choice(_NATIONALITIES)
            passport = None
            if rng.random() < 0.9:
                roll = rng.random()
                if roll < 0.12:
                    expires = self.today - timedelta(days=rng.randint(10, 400))
                elif roll < 0.25:
                    expires = self.today + timedelta(days=rng.randint(5, 45))
                else:
                    expires = self.today + timedelta(days=rng.randint(200, 3400))
                passport = Passport(number=f"{rng.choice('ABCEKLNPX')}{rng.randint(10_000_000, 99_999_999)}",
                                    issuing_country=nationality, expires_on=expires)
            tier = rng.choices(("none", "silver", "gold", "platinum"), (5, 3, 2, 1))[0]
            self.travelers[traveler_id] = Traveler(
                traveler_id=traveler_id, first_name=first, last_name=last,
                email=f"{first.lower()}.{last.lower()}@{rng.choice(('example.com', 'example.org', 'example.net'))}",
                phone=f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                date_of_birth=date(rng.randint(1952, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                nationality=nationality, passport=passport,
                loyalty_number=None if tier == "none" else f"TL{rng.randint(10_000_000, 99_999_999)}",
                loyalty_tier=tier,
            )
            for _ in range(rng.randint(1, 2)):
                self._add_card(rng, traveler_id)
            if rng.random() < 0.3:
                self._add_payment_method(
                    traveler_id, "travel_credit", "Travel credit voucher",
                    self.today + timedelta(days=rng.randint(30, 300)), round(rng.uniform(50, 400), 2), "active")

    def _add_card(self, rng: random.Random, traveler_id: str) -> None:
        brand = rng.choice(("Visa", "Mastercard", "Amex"))
        kind = "debit_card" if brand != "Amex" and rng.random() < 0.25 else "credit_card"
        month_offset = rng.randint(-8, -1) if rng.random() < 0.08 else rng.randint(2, 48)
        months = self.today.year * 12 + self.today.month - 1 + month_offset
        expires = _last_day_of_month(months // 12, months % 12 + 1)
        available = rng.uniform(120, 450) if rng.random() < 0.15 else rng.uniform(1500, 15000)
        status = "frozen" if rng.random() < 0.06 else "active"
        label = f"{brand} {'debit' if kind == 'debit_card' else 'credit'} ending {rng.randint(1000, 9999)}"
        self._add_payment_method(traveler_id, kind, label, expires, round(available, 2), status)

    def _add_payment_method(self, traveler_id: str, kind: Literal["credit_card", "debit_card", "travel_credit"],
                            label: str, expires: date, available: float,
                            status: Literal["active", "frozen"]) -> None:
        payment_method_id = self.next_id("PM")
        self.payment_methods[payment_method_id] = PaymentMethod(
            payment_method_id=payment_method_id, traveler_id=traveler_id, kind=kind, label=label,
            expires_on=expires, available=available, status=status)

    def _generate_promo_codes(self) -> None:
        day = self.today
        codes = (
            PromoCode(code="SPRING15", description="15% off any flight fare of 150 USD or more.", applies_to="flight",
                      percent_off=15, max_discount=150, min_spend=150, valid_until=day + timedelta(days=30)),
            PromoCode(code="STAY20", description="20% off hotel stays of 400 USD or more.", applies_to="hotel",
                      percent_off=20, max_discount=200, min_spend=400, valid_until=day + timedelta(days=45)),
            PromoCode(code="WELCOME50", description="50 USD off any booking of 250 USD or more.", applies_to="any",
                      amount_off=50, max_discount=50, min_spend=250, valid_until=day + timedelta(days=60)),
            PromoCode(code="WEEKEND10", description="10% off any booking of 100 USD or more.", applies_to="any",
                      percent_off=10, max_discount=80, min_spend=100, valid_until=day + timedelta(days=14)),
            PromoCode(code="WINTER25", description="25% off flights (winter sale).", applies_to="flight",
                      percent_off=25, max_discount=250, min_spend=100, valid_until=day - timedelta(days=10)),
            PromoCode(code="FLASH30", description="30% off hotels (flash sale).", applies_to="hotel",
                      percent_off=30, max_discount=300, min_spend=200, valid_until=day - timedelta(days=2)),
        )
        self.promo_codes = {promo.code: promo for promo in codes}

    def _generate_bookings(self, rng: random.Random) -> None:
        """Trips (outbound flight, hotel stay, return flight in one itinerary), some already travelled, and
        one-way flights; a few bookings are cancelled and a few travelers have no bookings yet."""
        by_route: dict[tuple[str, str], list[Flight]] = {}
        for flight in self.flights.values():
            by_route.setdefault((flight.origin, flight.destination), []).append(flight)
        hotels_by_city: dict[str, list[Hotel]] = {}
        for hotel in self.hotels.values():
            hotels_by_city.setdefault(hotel.city, []).append(hotel)
        flights = list(self.flights.values())
        travelers = rng.sample(list(self.travelers.values()), len(self.travelers))
        flown = [flight for flight in flights if flight.departure < self.now - timedelta(days=2)]
        for index, traveler in enumerate(travelers[:26]):
            for _ in range(3):  # the first trips are under way: their flight has left and the stay has started
                outbound = self._seed_flight(rng, traveler, rng.choice(flown if flown and index < 3 else flights), None)
                if outbound is not None:
                    break
            else:
                continue
            flight = self.flights[outbound.flight_id or ""]
            city = self.airports[flight.destination].city
            itinerary_id = self.next_id("ITN")
            self.itineraries[itinerary_id] = Itinerary(
                itinerary_id=itinerary_id, traveler_id=traveler.traveler_id, title=f"Trip to {city}",
                created_at=outbound.booked_at, booking_ids=[outbound.booking_id])
            outbound.itinerary_id = itinerary_id
            check_in = flight.arrival.date()
            check_out = check_in + timedelta(days=rng.randint(2, 6))
            stay = None
            for hotel in rng.sample(hotels_by_city[city], len(hotels_by_city[city])):
                stay = self._seed_hotel(rng, traveler, hotel, check_in, check_out, itinerary_id)
                if stay is not None:
                    break
            back = [f for f in by_route.get((flight.destination, flight.origin), [])
                    if check_out <= f.departure.date() <= check_out + timedelta(days=3)]
            if back:
                self._seed_flight(rng, traveler, back[0], itinerary_id)
            if stay is not None and rng.random() < 0.15:
                self._cancel_seeded(stay)
        scrapped = [  # cancelled flights with another departure on the route within a week, to rebook onto
            flight for flight in flights if flight.status == "cancelled" and any(
                other.status == "scheduled" and abs(other.departure - flight.departure) <= timedelta(days=7)
                for other in by_route[(flight.origin, flight.destination)])
        ]
        stranded = 0
        for traveler in travelers[26:34]:  # one-way trips; the last travelers have no bookings yet
            pool = scrapped if scrapped and stranded < 2 else flights  # the first two are on flights since cancelled
            for _ in range(4):
                booking = self._seed_flight(rng, traveler, rng.choice(pool), None)
                if booking is not None:
                    break
            else:
                continue
            if pool is scrapped:
                stranded += 1
            elif rng.random() < 0.3:
                self._cancel_seeded(booking)

    def _usable_payment(self, rng: random.Random, traveler: Traveler, amount: float) -> PaymentMethod | None:
        usable = [pm for pm in self.payment_methods.values()
                  if pm.traveler_id == traveler.traveler_id and pm.status == "active"
                  and pm.expires_on >= self.today and pm.available >= amount]
        return rng.choice(usable) if usable else None

    def _overlaps(self, traveler_id: str, start: datetime, end: datetime) -> bool:
        for booking in self.bookings.values():
            if booking.traveler_id == traveler_id and booking.status == "confirmed" and booking.kind == "flight":
                other = self.flights[booking.flight_id or ""]
                if other.departure < end and start < other.arrival:
                    return True
        return False

    def _seed_flight(self, rng: random.Random, traveler: Traveler, flight: Flight,
                     itinerary_id: str | None) -> Booking | None:
        fares = [fare for fare in flight.fares if fare.seats_left > 0]
        international = self.airports[flight.origin].country != self.airports[flight.destination].country
        passport_ok = traveler.passport is not None and traveler.passport.expires_on > flight.arrival.date()
        if not fares or (international and not passport_ok):
            return None
        if self._overlaps(traveler.traveler_id, flight.departure, flight.arrival):
            return None
        fare = rng.choice(fares)
        payment = self._usable_payment(rng, traveler, fare.price)
        if payment is None:
            return None
        fare.seats_left -= 1
        payment.available = round(payment.available - fare.price, 2)
        seat = None
        if fare.fare_class != "basic" and rng.random() < 0.7:
            cabin = FARE_RULES[fare.fare_class].cabin
            seat = rng.choice([seat for seat in CABIN_SEATS[cabin] if seat not in flight.taken_seats])
            flight.taken_seats.append(seat)
        booked_at = min(flight.departure, self.now) - timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 23))
        booking_id = self.next_id("BKG")
        booking = Booking(
            booking_id=booking_id, kind="flight", traveler_id=traveler.traveler_id, itinerary_id=itinerary_id,
            booked_at=booked_at, payment_method_id=payment.payment_method_id, base_price=fare.price,
            total_paid=fare.price, flight_id=flight.flight_id, fare_class=fare.fare_class, seat=seat)
        self.bookings[booking_id] = booking
        if itinerary_id is not None:
            self.itineraries[itinerary_id].booking_ids.append(booking_id)
        return booking

    def _seed_hotel(self, rng: random.Random, traveler: Traveler, hotel: Hotel, check_in: date, check_out: date,
                    itinerary_id: str) -> Booking | None:
        nights = [check_in + timedelta(days=n) for n in range((check_out - check_in).days)]
        rooms = [room for room in hotel.rooms if all(room.rooms_left(night) > 0 for night in nights)]
        if not rooms:
            return None
        room = rooms[0]
        price = round(room.nightly_rate * len(nights), 2)
        payment = self._usable_payment(rng, traveler, price)
        if payment is None:
            return None
        for night in nights:
            room.booked[night.isoformat()] = room.booked.get(night.isoformat(), 0) + 1
        payment.available = round(payment.available - price, 2)
        booking_id = self.next_id("BKG")
        booking = Booking(
            booking_id=booking_id, kind="hotel", traveler_id=traveler.traveler_id, itinerary_id=itinerary_id,
            booked_at=self.itineraries[itinerary_id].created_at, payment_method_id=payment.payment_method_id,
            base_price=price, total_paid=price, hotel_id=hotel.hotel_id, room_type=room.room_type,
            check_in=check_in, check_out=check_out, guests=rng.randint(1, room.max_guests))
        self.bookings[booking_id] = booking
        self.itineraries[itinerary_id].booking_ids.append(booking_id)
        return booking

    def _cancel_seeded(self, booking: Booking) -> None:
        """Cancel a seeded booking that has not started with a full refund, releasing its seat or room nights."""
        if booking.kind == "flight":
            flight = self.flights[booking.flight_id or ""]
            if flight.departure <= self.now:
                return
            flight.fare(booking.fare_class or "economy").seats_left += 1
            if booking.seat is not None:
                flight.taken_seats.remove(booking.seat)
        else:
            if (booking.check_in or self.today) <= self.today:
                return
            room = self.hotels[booking.hotel_id or ""].room(booking.room_type or "standard")
            night = booking.check_in or self.today
            while night < (booking.check_out or night):
                room.booked[night.isoformat()] -= 1
                night += timedelta(days=1)
        payment = self.payment_methods[booking.payment_method_id]
        payment.available = round(payment.available + booking.total_paid, 2)
        booking.status, booking.refund_amount = "cancelled", booking.total_paid
        booking.cancelled_at = self.now - timedelta(days=1)
