"""Tools of the travel agency: discovery of airports, flights, hotels and travelers; bookings and their changes."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core.errors import ToolError
from mcp_servers.core.lookup import require
from mcp_servers.core.fields import Name, ShortText
from mcp_servers.core.tool import ServerDef
from mcp_servers.travel_booking.world import (
    CABIN_LAYOUT,
    CABIN_SEATS,
    FARE_RULES,
    HOTEL_CHECK_IN,
    HOTEL_CHECK_OUT,
    Airport,
    AirportCode,
    Booking,
    BookingId,
    Cabin,
    CancellationPolicy,
    City,
    Fare,
    FareClass,
    FareRules,
    Flight,
    FlightId,
    Hotel,
    HotelId,
    Itinerary,
    ItineraryId,
    LoyaltyTier,
    Passport,
    PassportNumber,
    PaymentMethod,
    PaymentMethodId,
    PromoCodeValue,
    RoomTypeName,
    SeatCode,
    Traveler,
    TravelerId,
    TravelBookingWorld,
)

server = ServerDef(
    "travel_booking",
    TravelBookingWorld,
    group="travel",
    description="Online travel agency: search and book flights and hotels for travelers, manage itineraries, "
    "seats, checked bags, promo codes, changes and cancellations under fare rules and hotel policies.",
)

IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
OptionalDate = Annotated[str, Field(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]
Limit = Annotated[int, Field(ge=1, le=50)]

MAX_NIGHTS = 30
MAX_CHECKED_BAGS = 5
BAG_FEES = (35.0, 45.0, 100.0, 100.0, 100.0)
"""Fee of the 1st, 2nd, ... checked bag once the free allowance is used up."""
BOOKING_HORIZON_DAYS = 330
_WINDOW, _AISLE = "AF", "CD"


# ---------------------------------------------------------------- result models


class AirportList(BaseModel):
    airports: list[Airport]


class FlightView(BaseModel):
    flight_id: FlightId
    flight_number: str
    airline: str
    origin: AirportCode
    origin_city: City
    destination: AirportCode
    destination_city: City
    departure: datetime
    arrival: datetime
    duration_minutes: int
    international: bool
    status: Literal["scheduled", "cancelled", "departed"]
    fares: list[Fare]


class FlightSearchResult(BaseModel):
    flights: list[FlightView]
    total_matches: int = Field(description="Matches before the limit was applied.")
    note: str = ""


class SeatMap(BaseModel):
    flight_id: FlightId
    cabin: Cabin
    rows: str
    seat_letters: str
    window_letters: str
    aisle_letters: str
    available_seats: list[SeatCode]
    taken_count: int


class FareRulesView(FareRules):
    checked_bag_fees: str


class RoomInfo(BaseModel):
    room_type: RoomTypeName
    nightly_rate: float
    max_guests: int


class HotelView(BaseModel):
    hotel_id: HotelId
    name: str
    city: City
    country: str
    address: str
    stars: int
    amenities: list[str]
    cancellation_policy: CancellationPolicy
    cancellation_terms: str
    rooms: list[RoomInfo]


class HotelSummary(BaseModel):
    hotel_id: HotelId
    name: str
    city: City
    stars: int
    amenities: list[str]
    cancellation_policy: CancellationPolicy
    lowest_nightly_rate: float
    available_room_types: list[RoomTypeName] | None = Field(
        default=None, description="Room types free on every night of the requested stay (when dates were given).")
    lowest_total_price: float | None = None


class HotelSearchResult(BaseModel):
    hotels: list[HotelSummary]
    total_matches: int


class RoomAvailability(BaseModel):
    room_type: RoomTypeName
    max_guests: int
    nightly_rate: float
    total_price: float
    rooms_left: int = Field(description="Fewest rooms of this type free on any night of the stay.")
    available: bool
    sold_out_nights: list[date]


class HotelAvailability(BaseModel):
    hotel_id: HotelId
    hotel_name: str
    check_in: date
    check_out: date
    nights: int
    guests: int
    cancellation_policy: CancellationPolicy
    free_cancellation_until: datetime | None
    rooms: list[RoomAvailability]


class TravelerSummary(BaseModel):
    traveler_id: TravelerId
    name: str
    email: str
    loyalty_tier: LoyaltyTier


class TravelerList(BaseModel):
    travelers: list[TravelerSummary]


class TravelerView(BaseModel):
    traveler_id: TravelerId
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: date
    nationality: str
    passport: Passport | None
    passport_status: Literal["valid", "expired", "missing"]
    loyalty_number: str | None
    loyalty_tier: LoyaltyTier
    payment_methods: list[PaymentMethod]
    itinerary_ids: list[ItineraryId]


class BookingView(Booking):
    summary: str
    travel_start: datetime
    travel_end: datetime


class BookingList(BaseModel):
    bookings: list[BookingView]


class ItineraryView(BaseModel):
    itinerary_id: ItineraryId
    traveler_id: TravelerId
    title: str
    created_at: datetime
    bookings: list[BookingView]
    total_paid: float = Field(description="Net paid for the itinerary's bookings after refunds, in USD.")
    starts: datetime | None
    ends: datetime | None


class PromoView(BaseModel):
    code: PromoCodeValue
    description: str
    applies_to: Literal["flight", "hotel", "any"]
    percent_off: float
    amount_off: float
    max_discount: float
    min_spend: float
    valid_until: date
    expired: bool


class PromoList(BaseModel):
    promotions: list[PromoView]


class CancellationResult(BaseModel):
    booking: BookingView
    refund_amount: float
    fee_charged: float
    refunded_to: PaymentMethodId


class FlightChangeResult(BaseModel):
    booking: BookingView
    previous_flight_id: FlightId
    amount_charged: float
    amount_refunded: float
    note: str


class ChargeResult(BaseModel):
    booking: BookingView
    amount_charged: float
    charged_to: PaymentMethodId | None


class PromoApplied(BaseModel):
    booking: BookingView
    discount: float
    refunded_to: PaymentMethodId


# ---------------------------------------------------------------- lookups and checks


def _traveler(world: TravelBookingWorld, traveler_id: str) -> Traveler:
    return require(world.travelers, traveler_id, "traveler", "Find travelers with find_travelers.")


def _flight(world: TravelBookingWorld, flight_id: str) -> Flight:
    return require(world.flights, flight_id, "flight", "Find flights with search_flights.")


def _hotel(world: TravelBookingWorld, hotel_id: str) -> Hotel:
    return require(world.hotels, hotel_id, "hotel", "Find hotels with search_hotels.")


def _booking(world: TravelBookingWorld, booking_id: str, kind: Literal["flight", "hotel"] | None = None) -> Booking:
    booking = require(
        world.bookings, booking_id, "booking", "List a traveler's bookings with list_traveler_bookings."
    )
    if kind is not None and booking.kind != kind:
        raise ToolError(f"Booking {booking_id} is a {booking.kind} booking; this tool needs a {kind} booking.")
    return booking


def _confirmed(booking: Booking) -> None:
    if booking.status != "confirmed":
        raise ToolError(f"Booking {booking.booking_id} was cancelled on {booking.cancelled_at:%Y-%m-%d}.")


def _payment_method(world: TravelBookingWorld, traveler: Traveler, payment_method_id: str) -> PaymentMethod:
    payment = world.payment_methods.get(payment_method_id)
    if payment is None or payment.traveler_id != traveler.traveler_id:
        owned = ", ".join(pm.payment_method_id for pm in world.payment_methods.values()
                          if pm.traveler_id == traveler.traveler_id)
        raise ToolError(f"Payment method {payment_method_id!r} is not saved for {traveler.traveler_id}; "
                        f"their payment methods are: {owned or 'none'}.")
    return payment


def _itinerary(world: TravelBookingWorld, traveler: Traveler, itinerary_id: str) -> Itinerary | None:
    if not itinerary_id:
        return None
    itinerary = require(world.itineraries, itinerary_id, "itinerary", "Create one with create_travel_itinerary.")
    if itinerary.traveler_id != traveler.traveler_id:
        raise ToolError(f"Itinerary {itinerary_id} belongs to {itinerary.traveler_id}, not {traveler.traveler_id}.")
    return itinerary


def _parse_date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{label} {value!r} is not a calendar date; use YYYY-MM-DD.") from None


def _charge(world: TravelBookingWorld, payment: PaymentMethod, amount: float, purpose: str) -> None:
    """Take `amount` from a payment method, or decline without touching it."""
    if amount <= 0:
        return
    who = f"{payment.label} ({payment.payment_method_id})"
    if payment.status == "frozen":
        raise ToolError(f"Payment declined: {who} is frozen. Use another payment method (see get_traveler).")
    if payment.expires_on < world.today:
        raise ToolError(f"Payment declined: {who} expired on {payment.expires_on}. Use another payment method.")
    if payment.available < amount:
        raise ToolError(f"Payment declined: {who} has {payment.available:.2f} USD available, {purpose} costs "
                        f"{amount:.2f} USD. Use another payment method (see get_traveler).")
    payment.available = round(payment.available - amount, 2)


def _refund(world: TravelBookingWorld, booking: Booking, amount: float) -> None:
    payment = world.payment_methods[booking.payment_method_id]
    payment.available = round(payment.available + amount, 2)


def _departed(world: TravelBookingWorld, flight: Flight) -> bool:
    return flight.departure <= world.now


def _flight_open(world: TravelBookingWorld, flight: Flight) -> None:
    """Fail unless the flight will still operate."""
    if flight.status == "cancelled":
        raise ToolError(f"Flight {flight.flight_id} ({flight.flight_number}) was cancelled by the airline.")
    if _departed(world, flight):
        raise ToolError(f"Flight {flight.flight_id} ({flight.flight_number}) already departed at "
                        f"{flight.departure:%Y-%m-%d %H:%M} UTC.")


def _international(world: TravelBookingWorld, flight: Flight) -> bool:
    return world.airports[flight.origin].country != world.airports[flight.destination].country


def _check_passport(world: TravelBookingWorld, traveler: Traveler, flight: Flight) -> None:
    if not _international(world, flight):
        return
    passport = traveler.passport
    if passport is None:
        raise ToolError(f"{traveler.full_name} ({traveler.traveler_id}) has no passport on file, which the "
                        f"international flight {flight.flight_id} requires; add it with update_traveler_passport.")
    if passport.expires_on <= flight.arrival.date():
        raise ToolError(f"The passport of {traveler.full_name} ({traveler.traveler_id}) expires on "
                        f"{passport.expires_on}, before the international flight {flight.flight_id} on "
                        f"{flight.departure:%Y-%m-%d}; record a renewed passport with update_traveler_passport.")


def _check_flight_overlap(world: TravelBookingWorld, traveler: Traveler, flight: Flight, ignore: str = "") -> None:
    for booking in world.bookings.values():
        if (booking.traveler_id != traveler.traveler_id or booking.kind != "flight"
                or booking.status != "confirmed" or booking.booking_id == ignore):
            continue
        other = world.flights[booking.flight_id or ""]
        if other.status == "scheduled" and other.departure < flight.arrival and flight.departure < other.arrival:
            raise ToolError(f"{traveler.full_name} is already booked on flight {other.flight_id} "
                            f"({other.flight_number}, {other.departure:%Y-%m-%d %H:%M}-{other.arrival:%H:%M} UTC, "
                            f"booking {booking.booking_id}), which overlaps flight {flight.flight_id}.")


def _stay_nights(world: TravelBookingWorld, check_in: str, check_out: str) -> tuple[date, date, list[date]]:
    start, end = _parse_date(check_in, "check_in"), _parse_date(check_out, "check_out")
    if end <= start:
        raise ToolError(f"check_out {end} must be after check_in {start}.")
    nights = (end - start).days
    if nights > MAX_NIGHTS:
        raise ToolError(f"A stay can be at most {MAX_NIGHTS} nights; {start} to {end} is {nights} nights.")
    if start < world.today:
        raise ToolError(f"check_in {start} is in the past; today is {world.today}.")
    if start > world.today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ToolError(f"Hotels can be booked at most {BOOKING_HORIZON_DAYS} days ahead (until "
                        f"{world.today + timedelta(days=BOOKING_HORIZON_DAYS)}).")
    return start, end, [start + timedelta(days=n) for n in range(nights)]


def _parse_seat(seat: str, cabin: Cabin) -> str:
    code = seat.strip().upper()
    rows, letters = CABIN_LAYOUT[cabin]
    if code not in CABIN_SEATS[cabin]:
        raise ToolError(f"Seat {seat!r} is not in the {cabin} cabin, which has rows {rows.start}-{rows.stop - 1} "
                        f"and seats {', '.join(letters)} (for example {rows.start}{letters[0]}).")
    return code


def _check_seat_free(flight: Flight, seat: str, cabin: Cabin) -> None:
    if seat in flight.taken_seats:
        free = [code for code in CABIN_SEATS[cabin] if code not in flight.taken_seats and code[-1] == seat[-1]][:5]
        raise ToolError(f"Seat {seat} on flight {flight.flight_id} is already taken. Free seats with the same "
                        f"letter: {', '.join(free) or 'none'} (see get_flight_seat_map).")


def _bag_fee(traveler: Traveler, booking: Booking, extra_bags: int) -> float:
    free = FARE_RULES[booking.fare_class or "basic"].included_checked_bags
    free += 1 if traveler.loyalty_tier in ("gold", "platinum") else 0
    numbers = range(booking.checked_bags + 1, booking.checked_bags + extra_bags + 1)
    return round(sum(BAG_FEES[n - 1] for n in numbers if n > free), 2)


def _free_cancellation_until(hotel: Hotel, check_in: date) -> datetime | None:
    start = datetime.combine(check_in, HOTEL_CHECK_IN)
    if hotel.cancellation_policy == "flexible":
        return start - timedelta(hours=24)
    if hotel.cancellation_policy == "moderate":
        return start - timedelta(days=5)
    return None


_POLICY_TERMS: dict[CancellationPolicy, str] = {
    "flexible": "Free cancellation until 24 hours before check-in (15:00 UTC); later cancellations are charged "
    "one night. No cancellation once the stay has started.",
    "moderate": "Free cancellation until 5 days before check-in (15:00 UTC); after that the booking cannot be "
    "cancelled.",
    "non_refundable": "Non-refundable: the booking cannot be cancelled.",
}


# ---------------------------------------------------------------- views


def _flight_view(world: TravelBookingWorld, flight: Flight) -> FlightView:
    status: Literal["scheduled", "cancelled", "departed"] = flight.status
    if status == "scheduled" and _departed(world, flight):
        status = "departed"
    return FlightView(
        flight_id=flight.flight_id, flight_number=flight.flight_number, airline=flight.airline,
        origin=flight.origin, origin_city=world.airports[flight.origin].city, destination=flight.destination,
        destination_city=world.airports[flight.destination].city, departure=flight.departure,
        arrival=flight.arrival, duration_minutes=int((flight.arrival - flight.departure).total_seconds() // 60),
        international=_international(world, flight), status=status, fares=flight.fares,
    )


def _booking_view(world: TravelBookingWorld, booking: Booking) -> BookingView:
    if booking.kind == "flight":
        flight = world.flights[booking.flight_id or ""]
        summary = (f"{flight.flight_number} {flight.origin}->{flight.destination} departing "
                   f"{flight.departure:%Y-%m-%d %H:%M} UTC, {booking.fare_class} fare, seat "
                   f"{booking.seat or 'unassigned'}, {booking.checked_bags} checked bag(s)")
        if flight.status == "cancelled":
            summary += "; FLIGHT CANCELLED BY THE AIRLINE (free rebooking or full refund)"
        start, end = flight.departure, flight.arrival
    else:
        hotel = world.hotels[booking.hotel_id or ""]
        check_in, check_out = booking.check_in or world.today, booking.check_out or world.today
        summary = (f"{hotel.name} ({hotel.city}), {booking.room_type} room, {check_in} to {check_out} "
                   f"({(check_out - check_in).days} nights), {booking.guests} guest(s)")
        start = datetime.combine(check_in, HOTEL_CHECK_IN)
        end = datetime.combine(check_out, HOTEL_CHECK_OUT)
    return BookingView(**booking.model_dump(), summary=summary, travel_start=start, travel_end=end)


def _traveler_view(world: TravelBookingWorld, traveler: Traveler) -> TravelerView:
    passport = traveler.passport
    status: Literal["valid", "expired", "missing"] = "missing"
    if passport is not None:
        status = "valid" if passport.expires_on > world.today else "expired"
    return TravelerView(
        traveler_id=traveler.traveler_id, first_name=traveler.first_name, last_name=traveler.last_name,
        email=traveler.email, phone=traveler.phone, date_of_birth=traveler.date_of_birth,
        nationality=traveler.nationality, passport=passport, passport_status=status,
        loyalty_number=traveler.loyalty_number, loyalty_tier=traveler.loyalty_tier,
        payment_methods=[pm for pm in world.payment_methods.values() if pm.traveler_id == traveler.traveler_id],
        itinerary_ids=[it.itinerary_id for it in world.itineraries.values() if it.traveler_id == traveler.traveler_id],
    )


def _itinerary_view(world: TravelBookingWorld, itinerary: Itinerary) -> ItineraryView:
    bookings = sorted((_booking_view(world, world.bookings[bid]) for bid in itinerary.booking_ids),
                      key=lambda view: (view.travel_start, view.booking_id))
    active = [view for view in bookings if view.status == "confirmed"]
    return ItineraryView(
        itinerary_id=itinerary.itinerary_id, traveler_id=itinerary.traveler_id, title=itinerary.title,
        created_at=itinerary.created_at, bookings=bookings,
        total_paid=round(sum(view.total_paid - view.refund_amount for view in bookings), 2),
        starts=min((view.travel_start for view in active), default=None),
        ends=max((view.travel_end for view in active), default=None),
    )


def _add_to_itinerary(itinerary: Itinerary | None, booking: Booking) -> None:
    if itinerary is not None:
        itinerary.booking_ids.append(booking.booking_id)
        booking.itinerary_id = itinerary.itinerary_id


# ---------------------------------------------------------------- discovery


@server.read
def list_airports(world: TravelBookingWorld, query: ShortText = "") -> AirportList:
    """List the airports served, optionally filtered by IATA code, airport name, city or country.

    Use it to find the airport codes and city names that search_flights and search_hotels take (some cities
    have two airports).

    Args:
        query: Case-insensitive text to match against code, name, city or country; empty lists every airport.
    """
    needle = query.strip().casefold()
    airports = [
        airport for airport in world.airports.values()
        if needle in f"{airport.code} {airport.name} {airport.city} {airport.country} {airport.country_name}".casefold()
    ]
    return AirportList(airports=airports)


def _resolve_airports(world: TravelBookingWorld, value: str, label: str) -> list[str]:
    text = value.strip()
    if text.upper() in world.airports:
        return [text.upper()]
    codes = [airport.code for airport in world.airports.values() if airport.city.casefold() == text.casefold()]
    if not codes:
        raise ToolError(f"Unknown {label} {value!r}: give an IATA airport code or a served city (see list_airports).")
    return codes


@server.read
def search_flights(
    world: TravelBookingWorld,
    origin: AirportCode,
    destination: AirportCode,
    departure_date: IsoDate,
    flexible_days: Annotated[int, Field(ge=0, le=7)] = 0,
    fare_class: Literal["any", "basic", "economy", "business"] = "any",
    max_price: Annotated[float, Field(gt=0, le=1_000_000)] = 1_000_000,
    airline: ShortText = "",
    include_unavailable: bool = False,
    limit: Limit = 20,
) -> FlightSearchResult:
    """Search one-way flights between two airports or cities around a departure date, sorted by departure time.

    By default only flights that can still be booked are shown: not cancelled, not departed, with a free seat in
    the requested fare class (any class when fare_class is "any") at or under max_price.

    Args:
        origin: Departure airport IATA code (e.g. JFK) or city name (e.g. New York covers all its airports).
        destination: Arrival airport IATA code or city name.
        departure_date: Departure date (UTC) as YYYY-MM-DD.
        flexible_days: Also include flights up to this many days before or after departure_date.
        fare_class: Only flights with this fare class bookable; "any" for all classes.
        max_price: Highest acceptable one-way price in USD for the requested fare class (cheapest open fare for "any").
        airline: Only flights of this airline (name or two-letter code, case-insensitive); empty for all.
        include_unavailable: Also show cancelled, departed and sold-out flights.
        limit: Maximum number of flights returned.
    """
    origins = _resolve_airports(world, origin, "origin")
    destinations = _resolve_airports(world, destination, "destination")
    if set(origins) & set(destinations):
        raise ToolError("Origin and destination are the same place; choose two different airports or cities.")
    day = _parse_date(departure_date, "departure_date")
    first, last = day - timedelta(days=flexible_days), day + timedelta(days=flexible_days)
    carrier = airline.strip().casefold()
    matches: list[FlightView] = []
    for flight in world.flights.values():
        if flight.origin not in origins or flight.destination not in destinations:
            continue
        if not first <= flight.departure.date() <= last:
            continue
        if carrier and carrier not in flight.airline.casefold() and carrier != flight.flight_number[:2].casefold():
            continue
        open_fares = [fare for fare in flight.fares if fare.seats_left > 0 or include_unavailable]
        if fare_class != "any":
            open_fares = [fare for fare in open_fares if fare.fare_class == fare_class]
        if not any(fare.price <= max_price for fare in open_fares):
            continue
        view = _flight_view(world, flight)
        if view.status != "scheduled" and not include_unavailable:
            continue
        matches.append(view)
    matches.sort(key=lambda view: (view.departure, view.flight_id))
    note = "" if matches else ("No matching flights; widen flexible_days, try the city name instead of one airport, "
                               "or set include_unavailable to see cancelled and sold-out flights.")
    return FlightSearchResult(flights=matches[:limit], total_matches=len(matches), note=note)


@server.read
def get_flight(world: TravelBookingWorld, flight_id: FlightId) -> FlightView:
    """Get one flight: schedule, status, and the price and seats left of each fare class.

    Args:
        flight_id: The flight, as returned by search_flights (e.g. FLT-0042).
    """
    return _flight_view(world, _flight(world, flight_id))


@server.read
def get_flight_seat_map(
    world: TravelBookingWorld,
    flight_id: FlightId,
    cabin: Cabin = "economy",
    position: Literal["any", "window", "aisle", "middle"] = "any",
) -> SeatMap:
    """Show the free seats of one cabin of a flight (basic and economy fares sit in economy).

    Args:
        flight_id: The flight to inspect.
        cabin: Which cabin to show.
        position: Only window, aisle or middle seats; "any" for all.
    """
    flight = _flight(world, flight_id)
    rows, letters = CABIN_LAYOUT[cabin]
    wanted = {"any": letters, "window": _WINDOW, "aisle": _AISLE, "middle": "BE"}[position]
    taken = [seat for seat in flight.taken_seats if seat in CABIN_SEATS[cabin]]
    free = [seat for seat in CABIN_SEATS[cabin] if seat[-1] in wanted and seat not in flight.taken_seats]
    return SeatMap(flight_id=flight.flight_id, cabin=cabin, rows=f"{rows.start}-{rows.stop - 1}",
                   seat_letters=letters, window_letters=_WINDOW, aisle_letters=_AISLE,
                   available_seats=free, taken_count=len(taken))


@server.read
def get_flight_fare_rules(world: TravelBookingWorld, fare_class: FareClass) -> FareRulesView:
    """Get the rules of a fare class: refunds, change fees, seat selection and checked-bag allowance.

    Args:
        fare_class: The fare class to explain.
    """
    fees = ", ".join(f"bag {n}: {fee:.2f} USD" for n, fee in enumerate(BAG_FEES, start=1))
    schedule = (f"Beyond the free allowance: {fees}; at most {MAX_CHECKED_BAGS} checked bags per booking. "
                "Gold and platinum loyalty members get one extra free bag.")
    return FareRulesView(**FARE_RULES[fare_class].model_dump(), checked_bag_fees=schedule)


def _hotel_view(hotel: Hotel) -> HotelView:
    return HotelView(
        hotel_id=hotel.hotel_id, name=hotel.name, city=hotel.city, country=hotel.country, address=hotel.address,
        stars=hotel.stars, amenities=hotel.amenities, cancellation_policy=hotel.cancellation_policy,
        cancellation_terms=_POLICY_TERMS[hotel.cancellation_policy],
        rooms=[RoomInfo(room_type=r.room_type, nightly_rate=r.nightly_rate, max_guests=r.max_guests)
               for r in hotel.rooms],
    )


@server.read
def search_hotels(
    world: TravelBookingWorld,
    city: City,
    check_in: OptionalDate = "",
    check_out: OptionalDate = "",
    guests: Annotated[int, Field(ge=1, le=8)] = 1,
    min_stars: Annotated[int, Field(ge=1, le=5)] = 1,
    max_nightly_rate: Annotated[float, Field(gt=0, le=1_000_000)] = 1_000_000,
    amenity: ShortText = "",
    limit: Limit = 20,
) -> HotelSearchResult:
    """Search hotels in a city, cheapest first; with check-in and check-out dates, only hotels with a free room.

    Args:
        city: City name (e.g. Paris), as listed by list_airports.
        check_in: Optional arrival date YYYY-MM-DD (give check_out too); empty to skip the availability check.
        check_out: Optional departure date YYYY-MM-DD; empty when check_in is empty.
        guests: Number of guests the room must hold.
        min_stars: Minimum star rating.
        max_nightly_rate: Highest acceptable nightly rate in USD.
        amenity: Only hotels with this amenity (e.g. pool, gym, breakfast, spa, parking); empty for any.
        limit: Maximum number of hotels returned.
    """
    in_city = [hotel for hotel in world.hotels.values() if hotel.city.casefold() == city.strip().casefold()]
    if not in_city:
        cities = sorted({hotel.city for hotel in world.hotels.values()})
        raise ToolError(f"No hotels in {city!r}. Cities with hotels: {', '.join(cities)}.")
    if bool(check_in) != bool(check_out):
        raise ToolError("Give both check_in and check_out, or neither.")
    nights = _stay_nights(world, check_in, check_out)[2] if check_in and check_out else None
    wanted = amenity.strip().casefold()
    results: list[HotelSummary] = []
    for hotel in in_city:
        if hotel.stars < min_stars or (wanted and wanted not in hotel.amenities):
            continue
        rooms = [room for room in hotel.rooms if room.max_guests >= guests and room.nightly_rate <= max_nightly_rate]
        if nights is not None:
            rooms = [room for room in rooms if all(room.rooms_left(night) > 0 for night in nights)]
        if not rooms:
            continue
        lowest = min(room.nightly_rate for room in rooms)
        results.append(HotelSummary(
            hotel_id=hotel.hotel_id, name=hotel.name, city=hotel.city, stars=hotel.stars,
            amenities=hotel.amenities, cancellation_policy=hotel.cancellation_policy, lowest_nightly_rate=lowest,
            available_room_types=None if nights is None else [room.room_type for room in rooms],
            lowest_total_price=None if nights is None else round(lowest * len(nights), 2),
        ))
    results.sort(key=lambda summary: (summary.lowest_nightly_rate, summary.hotel_id))
    return HotelSearchResult(hotels=results[:limit], total_matches=len(results))


@server.read
def get_hotel(world: TravelBookingWorld, hotel_id: HotelId) -> HotelView:
    """Get a hotel's details: address, stars, amenities, room types with nightly rates, cancellation terms.

    Args:
        hotel_id: The hotel, as returned by search_hotels (e.g. HTL-0007).
    """
    return _hotel_view(_hotel(world, hotel_id))


@server.read
def check_hotel_availability(
    world: TravelBookingWorld,
    hotel_id: HotelId,
    check_in: IsoDate,
    check_out: IsoDate,
    guests: Annotated[int, Field(ge=1, le=8)] = 1,
) -> HotelAvailability:
    """Check which room types of a hotel are free for every night of a stay, with the total price of each.

    Args:
        hotel_id: The hotel to check.
        check_in: Arrival date YYYY-MM-DD.
        check_out: Departure date YYYY-MM-DD (the last night is the day before).
        guests: Number of guests; room types too small for them are reported unavailable.
    """
    hotel = _hotel(world, hotel_id)
    start, end, nights = _stay_nights(world, check_in, check_out)
    rooms = []
    for room in hotel.rooms:
        left = min(room.rooms_left(night) for night in nights)
        rooms.append(RoomAvailability(
            room_type=room.room_type, max_guests=room.max_guests, nightly_rate=room.nightly_rate,
            total_price=round(room.nightly_rate * len(nights), 2), rooms_left=max(left, 0),
            available=left > 0 and room.max_guests >= guests,
            sold_out_nights=[night for night in nights if room.rooms_left(night) <= 0],
        ))
    return HotelAvailability(
        hotel_id=hotel.hotel_id, hotel_name=hotel.name, check_in=start, check_out=end, nights=len(nights),
        guests=guests, cancellation_policy=hotel.cancellation_policy,
        free_cancellation_until=_free_cancellation_until(hotel, start), rooms=rooms,
    )


@server.read
def find_travelers(world: TravelBookingWorld, query: Name, limit: Limit = 10) -> TravelerList:
    """Find traveler profiles whose name, email or loyalty number contains the query (case-insensitive).

    Args:
        query: Part of a name (e.g. "Maria Lopez"), an email address or a loyalty number.
        limit: Maximum number of travelers returned.
    """
    needle = query.strip().casefold()
    found = [
        TravelerSummary(traveler_id=t.traveler_id, name=t.full_name, email=t.email, loyalty_tier=t.loyalty_tier)
        for t in world.travelers.values()
        if needle in f"{t.full_name}\n{t.email}\n{t.loyalty_number or ''}".casefold()
    ]
    return TravelerList(travelers=found[:limit])


@server.read
def get_traveler(world: TravelBookingWorld, traveler_id: TravelerId) -> TravelerView:
    """Get a traveler's profile: contact details, passport, loyalty tier, saved payment methods and itineraries.

    Args:
        traveler_id: The traveler (e.g. TRV-0012).
    """
    return _traveler_view(world, _traveler(world, traveler_id))


@server.read
def list_traveler_bookings(
    world: TravelBookingWorld,
    traveler_id: TravelerId,
    status: Literal["any", "confirmed", "cancelled"] = "any",
    kind: Literal["any", "flight", "hotel"] = "any",
    upcoming_only: bool = False,
) -> BookingList:
    """List a traveler's flight and hotel bookings in travel order.

    Args:
        traveler_id: The traveler whose bookings to list.
        status: Only confirmed or only cancelled bookings; "any" for both.
        kind: Only flight or only hotel bookings; "any" for both.
        upcoming_only: Only bookings whose travel has not started yet.
    """
    traveler = _traveler(world, traveler_id)
    views = [
        _booking_view(world, booking) for booking in world.bookings.values()
        if booking.traveler_id == traveler.traveler_id and status in ("any", booking.status)
        and kind in ("any", booking.kind)
    ]
    if upcoming_only:
        views = [view for view in views if view.travel_start > world.now]
    views.sort(key=lambda view: (view.travel_start, view.booking_id))
    return BookingList(bookings=views)


@server.read
def get_travel_booking(world: TravelBookingWorld, booking_id: BookingId) -> BookingView:
    """Get one booking: what was booked, its status, seat and bags, and what was paid and refunded.

    Args:
        booking_id: The booking (e.g. BKG-0031).
    """
    return _booking_view(world, _booking(world, booking_id))


@server.read
def get_travel_itinerary(world: TravelBookingWorld, itinerary_id: ItineraryId) -> ItineraryView:
    """Get an itinerary with all its bookings in travel order and the net amount paid.

    Args:
        itinerary_id: The itinerary (e.g. ITN-0004), as listed by get_traveler.
    """
    itinerary = require(world.itineraries, itinerary_id, "itinerary", "get_traveler lists a traveler's itineraries.")
    return _itinerary_view(world, itinerary)


@server.read
def list_travel_promotions(world: TravelBookingWorld, include_expired: bool = False) -> PromoList:
    """List the agency's promotion codes with their discount, minimum spend and expiry date.

    Args:
        include_expired: Also list codes that have expired.
    """
    promotions = [
        PromoView(**promo.model_dump(), expired=promo.valid_until < world.today)
        for promo in world.promo_codes.values()
    ]
    return PromoList(promotions=[promo for promo in promotions if include_expired or not promo.expired])


# ---------------------------------------------------------------- writes


@server.write
def update_traveler_passport(
    world: TravelBookingWorld,
    traveler_id: TravelerId,
    passport_number: PassportNumber,
    expires_on: IsoDate,
    issuing_country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")],
) -> TravelerView:
    """Record a new or renewed passport on a traveler's profile, replacing the previous one.

    Args:
        traveler_id: The traveler whose passport to record.
        passport_number: Passport number as printed (6 to 9 letters and digits), supplied by the traveler.
        expires_on: Expiry date printed in the passport, YYYY-MM-DD.
        issuing_country: Two-letter ISO code of the issuing country (e.g. US, GB).
    """
    traveler = _traveler(world, traveler_id)
    number = passport_number.strip().upper()
    if not (6 <= len(number) <= 9 and number.isascii() and number.isalnum()):
        raise ToolError(f"Passport number {passport_number!r} is not valid: expected 6 to 9 letters and digits.")
    expiry = _parse_date(expires_on, "expires_on")
    if expiry <= world.today:
        raise ToolError(f"That passport expired on {expiry} (today is {world.today}); it cannot be used to travel.")
    if expiry > world.today + timedelta(days=365 * 11):
        raise ToolError(f"Expiry {expiry} is more than 11 years away; passports are valid for at most 10 years.")
    traveler.passport = Passport(number=number, issuing_country=issuing_country.upper(), expires_on=expiry)
    return _traveler_view(world, traveler)


@server.write
def create_travel_itinerary(world: TravelBookingWorld, traveler_id: TravelerId, title: Name) -> ItineraryView:
    """Create an empty itinerary for a traveler to group the flights and hotels of one trip.

    Args:
        traveler_id: The traveler the trip is for.
        title: A short name for the trip (e.g. "Lisbon conference").
    """
    traveler = _traveler(world, traveler_id)
    name = title.strip()
    if not name:
        raise ToolError("The itinerary title cannot be blank.")
    for existing in world.itineraries.values():
        if existing.traveler_id == traveler.traveler_id and existing.title.casefold() == name.casefold():
            raise ToolError(f"{traveler.full_name} already has an itinerary titled {name!r} "
                            f"({existing.itinerary_id}); add bookings to it or choose another title.")
    itinerary_id = world.next_id("ITN")
    itinerary = Itinerary(itinerary_id=itinerary_id, traveler_id=traveler.traveler_id, title=name,
                          created_at=world.now)
    world.itineraries[itinerary_id] = itinerary
    return _itinerary_view(world, itinerary)


@server.write
def book_flight(
    world: TravelBookingWorld,
    traveler_id: TravelerId,
    flight_id: FlightId,
    fare_class: FareClass,
    payment_method_id: PaymentMethodId,
    seat: SeatCode = "",
    itinerary_id: ItineraryId = "",
) -> BookingView:
    """Book a seat on a flight for a traveler and charge the fare to one of their saved payment methods.

    International flights need a passport valid beyond the travel date; a traveler cannot hold two flights whose
    times overlap.

    Args:
        traveler_id: The traveler who will fly.
        flight_id: The flight to book.
        fare_class: Fare class to buy (see get_flight_fare_rules); must have seats left.
        payment_method_id: One of the traveler's saved payment methods (see get_traveler).
        seat: Optional seat to assign (e.g. 14C); not allowed on basic fares.
        itinerary_id: Optional itinerary of the same traveler to add the booking to.
    """
    traveler = _traveler(world, traveler_id)
    flight = _flight(world, flight_id)
    payment = _payment_method(world, traveler, payment_method_id)
    itinerary = _itinerary(world, traveler, itinerary_id)
    _flight_open(world, flight)
    fare = flight.fare(fare_class)
    if fare.seats_left <= 0:
        others = [f"{f.fare_class} ({f.price:.2f} USD)" for f in flight.fares if f.seats_left > 0]
        raise ToolError(f"The {fare_class} fare on flight {flight.flight_id} is sold out. Classes with seats: "
                        f"{', '.join(others) or 'none, the flight is full'}.")
    _check_passport(world, traveler, flight)
    _check_flight_overlap(world, traveler, flight)
    seat_code = None
    if seat.strip():
        rules = FARE_RULES[fare_class]
        if not rules.seat_selection:
            raise ToolError("Basic fares do not include seat selection (a seat is assigned at check-in); "
                            "book without a seat or choose the economy fare.")
        seat_code = _parse_seat(seat, rules.cabin)
        _check_seat_free(flight, seat_code, rules.cabin)
    _charge(world, payment, fare.price, f"the {fare_class} fare")
    fare.seats_left -= 1
    if seat_code is not None:
        flight.taken_seats.append(seat_code)
    booking_id = world.next_id("BKG")
    booking = Booking(
        booking_id=booking_id, kind="flight", traveler_id=traveler.traveler_id, booked_at=world.now,
        payment_method_id=payment.payment_method_id, base_price=fare.price, total_paid=fare.price,
        flight_id=flight.flight_id, fare_class=fare_class, seat=seat_code,
    )
    world.bookings[booking_id] = booking
    _add_to_itinerary(itinerary, booking)
    return _booking_view(world, booking)


@server.write
def book_hotel(
    world: TravelBookingWorld,
    traveler_id: TravelerId,
    hotel_id: HotelId,
    room_type: RoomTypeName,
    check_in: IsoDate,
    check_out: IsoDate,
    payment_method_id: PaymentMethodId,
    guests: Annotated[int, Field(ge=1, le=8)] = 1,
    itinerary_id: ItineraryId = "",
) -> BookingView:
    """Book a hotel room for a traveler's stay and charge the full stay to one of their saved payment methods.

    A traveler cannot hold two hotel stays on the same night; stays are at most 30 nights.

    Args:
        traveler_id: The traveler staying.
        hotel_id: The hotel to book.
        room_type: Room type to book (see check_hotel_availability).
        check_in: Arrival date YYYY-MM-DD.
        check_out: Departure date YYYY-MM-DD.
        payment_method_id: One of the traveler's saved payment methods (see get_traveler).
        guests: Number of guests in the room.
        itinerary_id: Optional itinerary of the same traveler to add the booking to.
    """
    traveler = _traveler(world, traveler_id)
    hotel = _hotel(world, hotel_id)
    payment = _payment_method(world, traveler, payment_method_id)
    itinerary = _itinerary(world, traveler, itinerary_id)
    start, end, nights = _stay_nights(world, check_in, check_out)
    room = hotel.room(room_type)
    if guests > room.max_guests:
        bigger = [r.room_type for r in hotel.rooms if r.max_guests >= guests]
        raise ToolError(f"A {room_type} room at {hotel.name} holds at most {room.max_guests} guests; room types for "
                        f"{guests} guests: {', '.join(bigger) or 'none'}.")
    for other in world.bookings.values():
        if (other.traveler_id == traveler.traveler_id and other.kind == "hotel" and other.status == "confirmed"
                and (other.check_in or end) < end and start < (other.check_out or start)):
            raise ToolError(f"{traveler.full_name} already has a hotel stay from {other.check_in} to "
                            f"{other.check_out} (booking {other.booking_id}) overlapping {start} to {end}.")
    full = [night.isoformat() for night in nights if room.rooms_left(night) <= 0]
    if full:
        raise ToolError(f"No {room_type} room is free at {hotel.name} ({hotel.hotel_id}) on the night(s) of "
                        f"{', '.join(full)}; check other room types with check_hotel_availability.")
    price = round(room.nightly_rate * len(nights), 2)
    _charge(world, payment, price, f"the {len(nights)}-night stay")
    for night in nights:
        room.booked[night.isoformat()] = room.booked.get(night.isoformat(), 0) + 1
    booking_id = world.next_id("BKG")
    booking = Booking(
        booking_id=booking_id, kind="hotel", traveler_id=traveler.traveler_id, booked_at=world.now,
        payment_method_id=payment.payment_method_id, base_price=price, total_paid=price, hotel_id=hotel.hotel_id,
        room_type=room_type, check_in=start, check_out=end, guests=guests,
    )
    world.bookings[booking_id] = booking
    _add_to_itinerary(itinerary, booking)
    return _booking_view(world, booking)


def _flight_cancellation(world: TravelBookingWorld, booking: Booking) -> float:
    """The fee kept when this flight booking is cancelled now, or a ToolError if it cannot be cancelled."""
    flight = world.flights[booking.flight_id or ""]
    if flight.status == "cancelled":
        return 0.0
    if _departed(world, flight):
        raise ToolError(f"Flight {flight.flight_id} of booking {booking.booking_id} already departed on "
                        f"{flight.departure:%Y-%m-%d %H:%M} UTC; it can no longer be cancelled.")
    rules = FARE_RULES[booking.fare_class or "basic"]
    if not rules.refundable:
        raise ToolError(f"Booking {booking.booking_id} is a non-refundable {rules.fare_class} fare and cannot be "
                        "cancelled (only if the airline cancels the flight).")
    return min(rules.cancellation_fee, booking.total_paid)


def _hotel_cancellation(world: TravelBookingWorld, booking: Booking) -> float:
    """The fee kept when this hotel booking is cancelled now, or a ToolError if it cannot be cancelled."""
    hotel = world.hotels[booking.hotel_id or ""]
    check_in = booking.check_in or world.today
    if world.now >= datetime.combine(check_in, HOTEL_CHECK_IN):
        raise ToolError(f"The stay of booking {booking.booking_id} started on {check_in}; it can no longer be "
                        "cancelled.")
    if hotel.cancellation_policy == "non_refundable":
        raise ToolError(f"Booking {booking.booking_id} at {hotel.name} is non-refundable and cannot be cancelled.")
    free_until = _free_cancellation_until(hotel, check_in)
    if free_until is not None and world.now <= free_until:
        return 0.0
    if hotel.cancellation_policy == "moderate":
        raise ToolError(f"The free cancellation window of booking {booking.booking_id} at {hotel.name} ended on "
                        f"{free_until:%Y-%m-%d %H:%M} UTC; under its moderate policy it can no longer be cancelled.")
    return min(hotel.room(booking.room_type or "standard").nightly_rate, booking.total_paid)


@server.write
def cancel_travel_booking(world: TravelBookingWorld, booking_id: BookingId) -> CancellationResult:
    """Cancel a flight or hotel booking and refund it to its payment method under the fare rules or hotel policy.

    Refundable economy fares keep a 100 USD fee; business fares are refunded in full; basic fares cannot be
    cancelled unless the airline cancelled the flight (then everything is refunded). Hotels follow their
    cancellation policy (see get_hotel).

    Args:
        booking_id: The booking to cancel.
    """
    booking = _booking(world, booking_id)
    _confirmed(booking)
    if booking.kind == "flight":
        fee = _flight_cancellation(world, booking)
        flight = world.flights[booking.flight_id or ""]
        flight.fare(booking.fare_class or "basic").seats_left += 1
        if booking.seat is not None and booking.seat in flight.taken_seats:
            flight.taken_seats.remove(booking.seat)
        booking.seat = None
    else:
        fee = _hotel_cancellation(world, booking)
        room = world.hotels[booking.hotel_id or ""].room(booking.room_type or "standard")
        night = booking.check_in or world.today
        while night < (booking.check_out or night):
            room.booked[night.isoformat()] = room.booked.get(night.isoformat(), 0) - 1
            night += timedelta(days=1)
    refund = round(booking.total_paid - fee, 2)
    _refund(world, booking, refund)
    booking.status, booking.refund_amount, booking.cancelled_at = "cancelled", refund, world.now
    return CancellationResult(booking=_booking_view(world, booking), refund_amount=refund, fee_charged=round(fee, 2),
                              refunded_to=booking.payment_method_id)


@server.write
def change_flight_booking(
    world: TravelBookingWorld,
    booking_id: BookingId,
    new_flight_id: FlightId,
    payment_method_id: PaymentMethodId = "",
) -> FlightChangeResult:
    """Move a flight booking to another flight between the same cities, keeping its fare class and bags.

    Economy changes cost a 75 USD fee plus any higher fare; business changes are free and refund a lower fare;
    basic fares cannot be changed. If the airline cancelled the original flight the change is free. The seat
    assignment is released; choose a new one with select_flight_seat. Refunds go to the booking's payment method.

    Args:
        booking_id: The flight booking to change.
        new_flight_id: The flight to move to (same origin and destination cities, e.g. from search_flights).
        payment_method_id: Optional saved payment method to charge instead of the booking's own.
    """
    booking = _booking(world, booking_id, "flight")
    _confirmed(booking)
    traveler = world.travelers[booking.traveler_id]
    payment = world.payment_methods[booking.payment_method_id]
    if payment_method_id:
        payment = _payment_method(world, traveler, payment_method_id)
    old = world.flights[booking.flight_id or ""]
    airline_cancelled = old.status == "cancelled"
    if not airline_cancelled and _departed(world, old):
        raise ToolError(f"Flight {old.flight_id} of booking {booking.booking_id} already departed; it cannot be "
                        "changed.")
    rules = FARE_RULES[booking.fare_class or "basic"]
    if not (airline_cancelled or rules.changes_allowed):
        raise ToolError(f"Booking {booking.booking_id} is a {rules.fare_class} fare, which cannot be changed.")
    new = _flight(world, new_flight_id)
    if new.flight_id == old.flight_id:
        raise ToolError(f"Booking {booking.booking_id} is already on flight {old.flight_id}.")
    same_route = (world.airports[new.origin].city == world.airports[old.origin].city
                  and world.airports[new.destination].city == world.airports[old.destination].city)
    if not same_route:
        raise ToolError(f"Flight {new.flight_id} flies {new.origin}->{new.destination}, but a change must keep the "
                        f"cities of {old.origin}->{old.destination}; cancel and rebook to change the route.")
    _flight_open(world, new)
    new_fare = new.fare(rules.fare_class)
    if new_fare.seats_left <= 0:
        raise ToolError(f"The {rules.fare_class} fare on flight {new.flight_id} is sold out; pick another flight.")
    _check_passport(world, traveler, new)
    _check_flight_overlap(world, traveler, new, ignore=booking.booking_id)
    difference = round(new_fare.price - booking.base_price, 2)
    fee, charge, refund = 0.0, 0.0, 0.0
    if not airline_cancelled:
        fee = rules.change_fee
        charge = round(fee + max(difference, 0.0), 2)
        refund = -difference if difference < 0 and rules.lower_fare_refunded else 0.0
    _charge(world, payment, charge, "the change")
    _refund(world, booking, refund)
    old.fare(rules.fare_class).seats_left += 1
    if booking.seat is not None and booking.seat in old.taken_seats:
        old.taken_seats.remove(booking.seat)
    new_fare.seats_left -= 1
    booking.flight_id, booking.seat, booking.base_price = new.flight_id, None, new_fare.price
    booking.fees_paid = round(booking.fees_paid + fee, 2)
    booking.total_paid = round(booking.total_paid + charge - refund, 2)
    note = ("Free change: the airline cancelled the original flight." if airline_cancelled else
            f"Change fee {fee:.2f} USD, fare difference {difference:+.2f} USD.")
    return FlightChangeResult(booking=_booking_view(world, booking), previous_flight_id=old.flight_id,
                              amount_charged=charge, amount_refunded=round(refund, 2), note=note)


def _active_flight_booking(world: TravelBookingWorld, booking_id: str) -> tuple[Booking, Flight]:
    booking = _booking(world, booking_id, "flight")
    _confirmed(booking)
    flight = world.flights[booking.flight_id or ""]
    _flight_open(world, flight)
    return booking, flight


@server.write
def select_flight_seat(world: TravelBookingWorld, booking_id: BookingId, seat: SeatCode) -> BookingView:
    """Assign or change the seat of a flight booking (free of charge; not available on basic fares).

    Args:
        booking_id: The flight booking.
        seat: Seat code in the booking's cabin, e.g. 14C (see get_flight_seat_map).
    """
    booking, flight = _active_flight_booking(world, booking_id)
    rules = FARE_RULES[booking.fare_class or "basic"]
    if not rules.seat_selection:
        raise ToolError(f"Booking {booking.booking_id} is a basic fare: seats are assigned at check-in and cannot "
                        "be selected.")
    code = _parse_seat(seat, rules.cabin)
    if code == booking.seat:
        return _booking_view(world, booking)
    _check_seat_free(flight, code, rules.cabin)
    if booking.seat is not None and booking.seat in flight.taken_seats:
        flight.taken_seats.remove(booking.seat)
    flight.taken_seats.append(code)
    booking.seat = code
    return _booking_view(world, booking)


@server.write
def add_checked_bags(
    world: TravelBookingWorld,
    booking_id: BookingId,
    bags: Annotated[int, Field(ge=1, le=MAX_CHECKED_BAGS)],
    payment_method_id: PaymentMethodId = "",
) -> ChargeResult:
    """Add checked bags to a flight booking and pay the bag fees beyond the free allowance.

    Business fares include 2 bags, gold and platinum loyalty members one more; see get_flight_fare_rules for fees.

    Args:
        booking_id: The flight booking.
        bags: How many bags to add.
        payment_method_id: Optional saved payment method to charge instead of the booking's own.
    """
    booking, _ = _active_flight_booking(world, booking_id)
    if booking.checked_bags + bags > MAX_CHECKED_BAGS:
        raise ToolError(f"Booking {booking.booking_id} already has {booking.checked_bags} checked bag(s); at most "
                        f"{MAX_CHECKED_BAGS} are allowed, so you can add {MAX_CHECKED_BAGS - booking.checked_bags}.")
    traveler = world.travelers[booking.traveler_id]
    payment = world.payment_methods[booking.payment_method_id]
    if payment_method_id:
        payment = _payment_method(world, traveler, payment_method_id)
    fee = _bag_fee(traveler, booking, bags)
    _charge(world, payment, fee, f"{bags} checked bag(s)")
    booking.checked_bags += bags
    booking.fees_paid = round(booking.fees_paid + fee, 2)
    booking.total_paid = round(booking.total_paid + fee, 2)
    return ChargeResult(booking=_booking_view(world, booking), amount_charged=fee,
                        charged_to=payment.payment_method_id if fee > 0 else None)


@server.write
def apply_travel_promo_code(world: TravelBookingWorld, booking_id: BookingId, code: PromoCodeValue) -> PromoApplied:
    """Apply a promotion code to a confirmed booking; the discount is refunded to the booking's payment method.

    One code per booking; the code must be valid today, match the booking kind and meet its minimum spend.

    Args:
        booking_id: The booking to discount.
        code: The promotion code (see list_travel_promotions), case-insensitive.
    """
    booking = _booking(world, booking_id)
    _confirmed(booking)
    if booking.kind == "flight":
        _flight_open(world, world.flights[booking.flight_id or ""])
    elif world.now >= datetime.combine(booking.check_in or world.today, HOTEL_CHECK_IN):
        raise ToolError(f"The stay of booking {booking.booking_id} has already started; promotions apply only "
                        "before travel.")
    if booking.promo_code is not None:
        raise ToolError(f"Booking {booking.booking_id} already uses promotion {booking.promo_code}; only one code "
                        "per booking.")
    promo = world.promo_codes.get(code.strip().upper())
    if promo is None:
        raise ToolError(f"Unknown promotion code {code!r}; see list_travel_promotions.")
    if promo.valid_until < world.today:
        raise ToolError(f"Promotion {promo.code} expired on {promo.valid_until}.")
    if promo.applies_to not in ("any", booking.kind):
        raise ToolError(f"Promotion {promo.code} applies to {promo.applies_to} bookings only; "
                        f"{booking.booking_id} is a {booking.kind} booking.")
    if booking.base_price < promo.min_spend:
        raise ToolError(f"Promotion {promo.code} needs a booking of at least {promo.min_spend:.2f} USD; "
                        f"{booking.booking_id} is {booking.base_price:.2f} USD.")
    raw = promo.amount_off or booking.base_price * promo.percent_off / 100
    discount = round(min(raw, promo.max_discount, booking.total_paid), 2)
    _refund(world, booking, discount)
    booking.promo_code, booking.discount = promo.code, discount
    booking.total_paid = round(booking.total_paid - discount, 2)
    return PromoApplied(booking=_booking_view(world, booking), discount=discount,
                        refunded_to=booking.payment_method_id)
