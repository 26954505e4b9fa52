"""Behaviour of the travel_booking server, through the public Episode API on seed 0.

Test data is discovered with the discovery tools, or from the episode snapshot for states no single tool lists
(a cancelled flight, a sold-out night), so the tests follow the generated world rather than hard-coded ids.
"""

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import pytest

from mcp_servers import Episode
from tests.helpers import fails, ok

SERVER = "travel_booking"


@pytest.fixture
def ep() -> Episode:
    episode = Episode.open([SERVER], seed=0)
    yield episode
    episode.close()


# ---------------------------------------------------------------- helpers






def world(ep: Episode) -> dict[str, Any]:
    return ep.snapshot()[SERVER]


@cache
def _clock() -> str:
    """The virtual time of seed 0 (no tool of this server moves the clock)."""
    return Episode.open([SERVER], seed=0).snapshot()[SERVER]["now"]


def now() -> datetime:
    return datetime.fromisoformat(_clock())


def now_text() -> str:
    return _clock()


def today() -> date:
    return now().date()


def days(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def all_travelers(ep: Episode) -> list[dict[str, Any]]:
    found = ok(ep, "find_travelers", {"query": "@", "limit": 50})["travelers"]
    return [ok(ep, "get_traveler", {"traveler_id": t["traveler_id"]}) for t in found]


def card(traveler: dict[str, Any], at_least: float) -> str | None:
    for pm in traveler["payment_methods"]:
        if (pm["kind"] != "travel_credit" and pm["status"] == "active" and pm["expires_on"] >= today().isoformat()
                and pm["available"] >= at_least):
            return pm["payment_method_id"]
    return None


ANY_TIER = ("none", "silver", "gold", "platinum")


def pick_traveler(ep: Episode, passport: str = "valid", tiers: tuple[str, ...] = ANY_TIER,
                  credit: float = 3000, without_bookings: bool = True) -> tuple[str, str]:
    """A traveler with the given passport state and loyalty tier, a card with `credit` and (by default) no
    bookings yet."""
    horizon = days(120)
    for traveler in all_travelers(ep):
        if traveler["loyalty_tier"] not in tiers:
            continue
        if passport == "valid" and not (traveler["passport"] and traveler["passport"]["expires_on"] > horizon):
            continue
        if passport != "valid" and traveler["passport_status"] != passport:
            continue
        if without_bookings and ok(ep, "list_traveler_bookings", {"traveler_id": traveler["traveler_id"]})["bookings"]:
            continue
        payment = card(traveler, credit)
        if payment is not None:
            return traveler["traveler_id"], payment
    raise AssertionError("no such traveler in seed 0")


def low_card(ep: Episode) -> tuple[str, str, float]:
    """A usable card with 100 to 400 USD of credit, preferably of a traveler without bookings:
    (traveler, card, credit)."""
    found = []
    for traveler in all_travelers(ep):
        booked = bool(ok(ep, "list_traveler_bookings", {"traveler_id": traveler["traveler_id"]})["bookings"])
        for pm in traveler["payment_methods"]:
            usable = pm["kind"] != "travel_credit" and pm["status"] == "active" and pm["expires_on"] >= days(0)
            if usable and 100 <= pm["available"] < 400:
                found.append((booked, traveler["traveler_id"], pm["payment_method_id"], pm["available"]))
    assert found, "no low-credit card in this world"
    _, traveler_id, payment, credit = min(found)
    return traveler_id, payment, credit


def flights(ep: Episode, *, international: bool | None = None, fare: str = "economy", seats: int = 1,
            status: str = "scheduled", min_days: int = 2, max_days: int = 58) -> list[dict[str, Any]]:
    """Flights of the world in departure order, filtered by route kind, fare availability and date."""
    state = world(ep)
    airports = state["airports"]
    first, last = now() + timedelta(days=min_days), now() + timedelta(days=max_days)
    found = []
    for flight in state["flights"].values():
        crosses = airports[flight["origin"]]["country"] != airports[flight["destination"]]["country"]
        left = next(f["seats_left"] for f in flight["fares"] if f["fare_class"] == fare)
        if flight["status"] != status or left < seats or (international is not None and crosses != international):
            continue
        if first <= datetime.fromisoformat(flight["departure"]) <= last:
            found.append(flight)
    found.sort(key=lambda f: (f["departure"], f["flight_id"]))
    return found


def fare_of(flight: dict[str, Any], fare_class: str) -> dict[str, Any]:
    return next(f for f in flight["fares"] if f["fare_class"] == fare_class)


def available(ep: Episode, payment_method_id: str) -> float:
    """The available credit of a payment method, as its owner's profile shows it."""
    owner = world(ep)["payment_methods"][payment_method_id]["traveler_id"]
    methods = ok(ep, "get_traveler", {"traveler_id": owner})["payment_methods"]
    return next(pm["available"] for pm in methods if pm["payment_method_id"] == payment_method_id)


def book(ep: Episode, traveler_id: str, payment: str, flight: dict[str, Any], fare_class: str = "economy",
         **extra: Any) -> dict[str, Any]:
    return ok(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flight["flight_id"],
                                  "fare_class": fare_class, "payment_method_id": payment, **extra})


def hotel_with_policy(ep: Episode, policy: str) -> dict[str, Any]:
    return next(hotel for hotel in world(ep)["hotels"].values() if hotel["cancellation_policy"] == policy)


def free_stay(hotel: dict[str, Any], first_offset: int, nights: int,
              last_offset: int | None = None) -> tuple[str, str] | None:
    """The first stay of `nights` nights, starting between the offsets, with a standard room free every night."""
    room = next(r for r in hotel["rooms"] if r["room_type"] == "standard")
    for offset in range(first_offset, (last_offset if last_offset is not None else first_offset + 40) + 1):
        stay = [days(offset + n) for n in range(nights)]
        if all(room["booked"].get(night, 0) < room["total_rooms"] for night in stay):
            return days(offset), days(offset + nights)
    return None


def hotel_stay(ep: Episode, policy: str, first_offset: int, nights: int,
               last_offset: int | None = None) -> tuple[dict[str, Any], str, str]:
    """A hotel with the cancellation policy and a free standard room for such a stay."""
    for hotel in world(ep)["hotels"].values():
        if hotel["cancellation_policy"] == policy:
            stay = free_stay(hotel, first_offset, nights, last_offset)
            if stay is not None:
                return hotel, *stay
    raise AssertionError(f"no {policy} hotel with a free stay")


def busy_windows(ep: Episode, traveler_id: str) -> list[tuple[str, str]]:
    """(start, end) of the traveler's confirmed flights."""
    booked = ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id, "kind": "flight", "status": "confirmed"})
    return [(b["travel_start"], b["travel_end"]) for b in booked["bookings"]]


def is_clear(flight: dict[str, Any], windows: list[tuple[str, str]]) -> bool:
    return all(not (start < flight["arrival"] and flight["departure"] < end) for start, end in windows)


def clear_flight(ep: Episode, traveler_id: str, *, fare: str = "economy", min_price: float = 0.0,
                 max_price: float = 1e9, international: bool = False) -> dict[str, Any]:
    """A flight in the price range that does not overlap the traveler's booked flights."""
    windows = busy_windows(ep, traveler_id)
    for flight in flights(ep, international=international, fare=fare):
        if min_price < fare_of(flight, fare)["price"] <= max_price and is_clear(flight, windows):
            return flight
    raise AssertionError("no clear flight")


def book_room(ep: Episode, traveler_id: str, payment: str, hotel: dict[str, Any], check_in: str, check_out: str,
              **extra: Any) -> dict[str, Any]:
    return ok(ep, "book_hotel", {"traveler_id": traveler_id, "hotel_id": hotel["hotel_id"], "room_type": "standard",
                                 "check_in": check_in, "check_out": check_out, "payment_method_id": payment, **extra})


def on_cancelled_flights(ep: Episode) -> list[dict[str, Any]]:
    """Confirmed bookings on flights the airline cancelled, basic fares first."""
    found = [b for b in existing_bookings(ep)
             if b["kind"] == "flight" and b["status"] == "confirmed" and b["flight"]["status"] == "cancelled"]
    return sorted(found, key=lambda b: (b["fare_class"] != "basic", b["booking_id"]))


def existing_bookings(ep: Episode) -> list[dict[str, Any]]:
    """Every seeded booking, read through the tools, with its flight or hotel attached."""
    state = world(ep)
    found = []
    for traveler_id in state["travelers"]:
        for booking in ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id})["bookings"]:
            if booking["kind"] == "flight":
                booking["flight"] = state["flights"][booking["flight_id"]]
            else:
                booking["hotel"] = state["hotels"][booking["hotel_id"]]
            found.append(booking)
    return found


# ---------------------------------------------------------------- discovery tools


def test_list_airports_finds_both_airports_of_a_city_and_lists_all_when_unfiltered(ep: Episode) -> None:
    london = ok(ep, "list_airports", {"query": "london"})["airports"]
    assert {a["code"] for a in london} == {"LHR", "LGW"}
    assert all(a["country"] == "GB" for a in london)
    assert len(ok(ep, "list_airports", {})["airports"]) == 30


def test_search_flights_by_city_returns_bookable_flights_in_the_window_sorted_by_departure(ep: Episode) -> None:
    result = ok(ep, "search_flights", {"origin": "New York", "destination": "LHR", "departure_date": days(10),
                                       "flexible_days": 7})
    found = result["flights"]
    assert found and result["total_matches"] == len(found)
    assert [f["departure"] for f in found] == sorted(f["departure"] for f in found)
    for flight in found:
        assert flight["origin"] in ("JFK", "LGA") and flight["destination"] == "LHR"
        assert flight["status"] == "scheduled" and flight["international"]
        assert any(fare["seats_left"] > 0 for fare in flight["fares"])
        assert days(3) <= flight["departure"][:10] <= days(17)


def test_search_flights_filters_by_fare_class_price_and_airline(ep: Episode) -> None:
    base = {"origin": "JFK", "destination": "LAX", "departure_date": days(20), "flexible_days": 7}
    everything = ok(ep, "search_flights", base)["flights"]
    business = ok(ep, "search_flights", {**base, "fare_class": "business"})["flights"]
    assert business and all(fare_of(f, "business")["seats_left"] > 0 for f in business)
    cheap_limit = sorted(fare_of(f, "economy")["price"] for f in everything)[len(everything) // 2]
    cheap = ok(ep, "search_flights", {**base, "fare_class": "economy", "max_price": cheap_limit})["flights"]
    assert cheap and all(fare_of(f, "economy")["price"] <= cheap_limit for f in cheap)
    airline = everything[0]["airline"]
    by_airline = ok(ep, "search_flights", {**base, "airline": airline.upper()})["flights"]
    assert by_airline and all(f["airline"] == airline for f in by_airline)
    code = everything[0]["flight_number"][:2]
    assert ok(ep, "search_flights", {**base, "airline": code.lower()})["flights"] == by_airline
    assert len(ok(ep, "search_flights", {**base, "limit": 2})["flights"]) == 2


def test_search_flights_hides_cancelled_and_departed_flights_unless_asked(ep: Episode) -> None:
    cancelled = flights(ep, status="cancelled", seats=0, min_days=1)[0]
    departed = flights(ep, min_days=-3, max_days=0, seats=0)[0]
    for flight in (cancelled, departed):
        query = {"origin": flight["origin"], "destination": flight["destination"],
                 "departure_date": flight["departure"][:10]}
        shown = [f["flight_id"] for f in ok(ep, "search_flights", query)["flights"]]
        assert flight["flight_id"] not in shown
        everything = ok(ep, "search_flights", {**query, "include_unavailable": True})["flights"]
        match = next(f for f in everything if f["flight_id"] == flight["flight_id"])
        assert match["status"] == ("cancelled" if flight is cancelled else "departed")


def test_search_flights_says_how_to_widen_an_empty_search(ep: Episode) -> None:
    result = ok(ep, "search_flights", {"origin": "Sydney", "destination": "Los Angeles",
                                       "departure_date": days(300)})
    assert result["flights"] == [] and "flexible_days" in result["note"]


def test_get_flight_shows_schedule_fares_and_cities(ep: Episode) -> None:
    flight = flights(ep, international=True)[0]
    view = ok(ep, "get_flight", {"flight_id": flight["flight_id"]})
    assert view["flight_number"] == flight["flight_number"] and view["international"]
    assert view["status"] == "scheduled" and view["fares"] == flight["fares"]
    assert view["duration_minutes"] > 0 and view["origin_city"]


def test_seat_map_lists_only_free_seats_of_the_requested_position(ep: Episode) -> None:
    flight = flights(ep)[0]
    seat_map = ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"], "position": "window"})
    assert seat_map["cabin"] == "economy" and seat_map["rows"] == "10-39"
    assert seat_map["available_seats"] and all(s[-1] in "AF" for s in seat_map["available_seats"])
    assert not set(seat_map["available_seats"]) & set(flight["taken_seats"])
    business = ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"], "cabin": "business"})
    assert all(int(s[:-1]) <= 4 for s in business["available_seats"])
    assert len(business["available_seats"]) + business["taken_count"] == 16


def test_fare_rules_explain_refunds_changes_and_bags(ep: Episode) -> None:
    basic = ok(ep, "get_flight_fare_rules", {"fare_class": "basic"})
    assert not basic["refundable"] and not basic["changes_allowed"] and not basic["seat_selection"]
    business = ok(ep, "get_flight_fare_rules", {"fare_class": "business"})
    assert business["refundable"] and business["included_checked_bags"] == 2 and business["cabin"] == "business"
    assert "35.00" in business["checked_bag_fees"]


def test_search_hotels_by_city_with_dates_guests_and_amenity(ep: Episode) -> None:
    plain = ok(ep, "search_hotels", {"city": "paris"})["hotels"]
    assert len(plain) == 3 and all(h["city"] == "Paris" for h in plain)
    assert [h["lowest_nightly_rate"] for h in plain] == sorted(h["lowest_nightly_rate"] for h in plain)
    dated = ok(ep, "search_hotels", {"city": "Paris", "check_in": days(30), "check_out": days(33),
                                     "guests": 3})["hotels"]
    for hotel in dated:
        assert "standard" not in hotel["available_room_types"]
        assert hotel["lowest_total_price"] == round(hotel["lowest_nightly_rate"] * 3, 2)
    amenity = plain[0]["amenities"][-1]
    with_amenity = ok(ep, "search_hotels", {"city": "Paris", "amenity": amenity})["hotels"]
    assert with_amenity and all(amenity in h["amenities"] for h in with_amenity)
    assert all(h["stars"] >= 4 for h in ok(ep, "search_hotels", {"city": "Paris", "min_stars": 4})["hotels"])


def test_get_hotel_shows_rooms_and_cancellation_terms(ep: Episode) -> None:
    hotel_id = ok(ep, "search_hotels", {"city": "Tokyo"})["hotels"][0]["hotel_id"]
    hotel = ok(ep, "get_hotel", {"hotel_id": hotel_id})
    assert hotel["city"] == "Tokyo" and {r["room_type"] for r in hotel["rooms"]} == {"standard", "deluxe", "suite"}
    assert hotel["cancellation_terms"] and "booked" not in hotel["rooms"][0]


def test_check_hotel_availability_reports_sold_out_nights_and_prices(ep: Episode) -> None:
    state = world(ep)
    hotel, room, night = next(
        (hotel, room, night) for hotel in state["hotels"].values() for room in hotel["rooms"]
        for night, taken in sorted(room["booked"].items()) if taken >= room["total_rooms"] and night > days(1))
    check_in = (date.fromisoformat(night) - timedelta(days=1)).isoformat()
    check_out = (date.fromisoformat(night) + timedelta(days=1)).isoformat()
    result = ok(ep, "check_hotel_availability", {"hotel_id": hotel["hotel_id"], "check_in": check_in,
                                                 "check_out": check_out})
    assert result["nights"] == 2 and result["hotel_name"] == hotel["name"]
    listed = next(r for r in result["rooms"] if r["room_type"] == room["room_type"])
    assert not listed["available"] and listed["rooms_left"] == 0 and night in listed["sold_out_nights"]
    assert listed["total_price"] == round(room["nightly_rate"] * 2, 2)


def test_find_travelers_matches_name_email_and_loyalty_number(ep: Episode) -> None:
    everyone = ok(ep, "find_travelers", {"query": "@", "limit": 50})["travelers"]
    assert len(everyone) == 40
    first = ok(ep, "get_traveler", {"traveler_id": everyone[0]["traveler_id"]})
    by_name = ok(ep, "find_travelers", {"query": first["last_name"].upper()})["travelers"]
    assert everyone[0]["traveler_id"] in [t["traveler_id"] for t in by_name]
    by_email = ok(ep, "find_travelers", {"query": first["email"]})["travelers"]
    assert [t["traveler_id"] for t in by_email] == [first["traveler_id"]]
    member = next(t for t in all_travelers(ep) if t["loyalty_number"])
    assert ok(ep, "find_travelers", {"query": member["loyalty_number"]})["travelers"][0]["traveler_id"] == \
        member["traveler_id"]
    assert ok(ep, "find_travelers", {"query": "nobody-by-this-name"})["travelers"] == []


def test_get_traveler_reports_passport_status_payment_methods_and_itineraries(ep: Episode) -> None:
    statuses = {t["passport_status"] for t in all_travelers(ep)}
    assert statuses == {"valid", "expired", "missing"}
    traveler = next(t for t in all_travelers(ep) if t["itinerary_ids"])
    assert traveler["payment_methods"] and all(pm["traveler_id"] == traveler["traveler_id"]
                                               for pm in traveler["payment_methods"])


def test_list_traveler_bookings_filters_by_status_kind_and_upcoming(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    dropped = book(ep, traveler_id, payment, flights(ep, international=False)[0])
    ok(ep, "cancel_travel_booking", {"booking_id": dropped["booking_id"]})
    hotel, check_in, check_out = hotel_stay(ep, "flexible", 10, 2)
    stay = book_room(ep, traveler_id, payment, hotel, check_in, check_out)
    listed = ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id})["bookings"]
    assert [b["booking_id"] for b in listed] == [dropped["booking_id"], stay["booking_id"]]
    cancelled = ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id, "status": "cancelled"})["bookings"]
    assert [b["booking_id"] for b in cancelled] == [dropped["booking_id"]]
    hotels = ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id, "kind": "hotel"})["bookings"]
    assert [b["booking_id"] for b in hotels] == [stay["booking_id"]]
    seasoned = next(b["traveler_id"] for b in existing_bookings(ep) if b["travel_start"] < now_text())
    upcoming = ok(ep, "list_traveler_bookings", {"traveler_id": seasoned, "upcoming_only": True})["bookings"]
    everything = ok(ep, "list_traveler_bookings", {"traveler_id": seasoned})["bookings"]
    assert len(upcoming) < len(everything) and all(b["travel_start"] > now_text() for b in upcoming)


def test_get_travel_booking_and_itinerary_show_a_seeded_trip(ep: Episode) -> None:
    booking = next(b for b in existing_bookings(ep) if b["itinerary_id"] and b["kind"] == "hotel")
    view = ok(ep, "get_travel_booking", {"booking_id": booking["booking_id"]})
    assert view["hotel_id"] == booking["hotel_id"] and booking["hotel"]["name"] in view["summary"]
    itinerary = ok(ep, "get_travel_itinerary", {"itinerary_id": booking["itinerary_id"]})
    assert booking["booking_id"] in [b["booking_id"] for b in itinerary["bookings"]]
    assert itinerary["title"].startswith("Trip to ") and {b["kind"] for b in itinerary["bookings"]} >= {"flight"}
    net = sum(b["total_paid"] - b["refund_amount"] for b in itinerary["bookings"])
    assert itinerary["total_paid"] == round(net, 2)


def test_list_travel_promotions_hides_expired_codes_by_default(ep: Episode) -> None:
    current = {p["code"] for p in ok(ep, "list_travel_promotions", {})["promotions"]}
    every = ok(ep, "list_travel_promotions", {"include_expired": True})["promotions"]
    expired = {p["code"] for p in every if p["expired"]}
    assert expired and not current & expired and current | expired == {p["code"] for p in every}


# ---------------------------------------------------------------- writes that succeed


def test_update_traveler_passport_replaces_an_expired_passport_and_unblocks_international_travel(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep, passport="expired", without_bookings=False)
    flight = clear_flight(ep, traveler_id, international=True)
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flight["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment}, "passport", "expires")
    updated = ok(ep, "update_traveler_passport", {"traveler_id": traveler_id, "passport_number": "x7654321",
                                                  "expires_on": days(3000), "issuing_country": "us"})
    assert updated["passport"] == {"number": "X7654321", "issuing_country": "US", "expires_on": days(3000)}
    assert updated["passport_status"] == "valid"
    assert book(ep, traveler_id, payment, flight)["status"] == "confirmed"


def test_create_travel_itinerary_collects_the_bookings_made_into_it(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    itinerary = ok(ep, "create_travel_itinerary", {"traveler_id": traveler_id, "title": "Spring in Paris"})
    assert itinerary["bookings"] == [] and itinerary["starts"] is None
    assert itinerary["itinerary_id"] in ok(ep, "get_traveler", {"traveler_id": traveler_id})["itinerary_ids"]
    flight = book(ep, traveler_id, payment, flights(ep, international=True)[0],
                  itinerary_id=itinerary["itinerary_id"])
    read = ok(ep, "get_travel_itinerary", {"itinerary_id": itinerary["itinerary_id"]})
    assert [b["booking_id"] for b in read["bookings"]] == [flight["booking_id"]]
    assert read["total_paid"] == flight["total_paid"] and read["starts"] == flight["travel_start"]


def test_book_flight_charges_the_fare_takes_the_seat_and_decrements_the_fare_bucket(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = flights(ep, international=False)[0]
    seat = ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"], "position": "aisle"})["available_seats"][0]
    before = available(ep, payment)
    booking = book(ep, traveler_id, payment, flight, seat=seat.lower())
    price = fare_of(flight, "economy")["price"]
    assert booking["seat"] == seat and booking["total_paid"] == booking["base_price"] == price
    assert booking["status"] == "confirmed" and flight["flight_number"] in booking["summary"]
    assert available(ep, payment) == round(before - price, 2)
    after = ok(ep, "get_flight", {"flight_id": flight["flight_id"]})
    assert fare_of(after, "economy")["seats_left"] == fare_of(flight, "economy")["seats_left"] - 1
    assert seat not in ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"]})["available_seats"]
    listed = ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id})["bookings"]
    assert [b["booking_id"] for b in listed] == [booking["booking_id"]]


def test_book_hotel_charges_the_stay_and_takes_a_room_for_each_night(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    hotel, check_in, check_out = hotel_stay(ep, "flexible", 10, 3)
    query = {"hotel_id": hotel["hotel_id"], "check_in": check_in, "check_out": check_out}
    room_before = next(r for r in ok(ep, "check_hotel_availability", query)["rooms"] if r["room_type"] == "standard")
    before = available(ep, payment)
    booking = book_room(ep, traveler_id, payment, hotel, check_in, check_out, guests=2)
    assert booking["total_paid"] == room_before["total_price"] and booking["guests"] == 2
    assert booking["check_in"] == check_in and "3 nights" in booking["summary"]
    assert available(ep, payment) == round(before - room_before["total_price"], 2)
    room_after = next(r for r in ok(ep, "check_hotel_availability", query)["rooms"] if r["room_type"] == "standard")
    assert room_after["rooms_left"] == room_before["rooms_left"] - 1


def test_cancelling_an_economy_flight_refunds_all_but_the_fee_and_frees_the_seat(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = flights(ep)[0]
    seat = ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"]})["available_seats"][0]
    booking = book(ep, traveler_id, payment, flight, seat=seat)
    before = available(ep, payment)
    result = ok(ep, "cancel_travel_booking", {"booking_id": booking["booking_id"]})
    assert result["fee_charged"] == 100.0 and result["refund_amount"] == round(booking["total_paid"] - 100, 2)
    assert result["booking"]["status"] == "cancelled" and result["refunded_to"] == payment
    assert available(ep, payment) == round(before + result["refund_amount"], 2)
    assert seat in ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"]})["available_seats"]
    after = ok(ep, "get_flight", {"flight_id": flight["flight_id"]})
    assert fare_of(after, "economy")["seats_left"] == fare_of(flight, "economy")["seats_left"]


def test_cancelling_a_business_flight_refunds_it_in_full(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    booking = book(ep, traveler_id, payment, flights(ep, fare="business", international=False)[0], "business")
    result = ok(ep, "cancel_travel_booking", {"booking_id": booking["booking_id"]})
    assert result["fee_charged"] == 0 and result["refund_amount"] == booking["total_paid"]


def test_a_booking_on_a_flight_the_airline_cancelled_is_refunded_in_full_whatever_the_fare(ep: Episode) -> None:
    booking = on_cancelled_flights(ep)[0]
    assert "CANCELLED BY THE AIRLINE" in booking["summary"]
    before = available(ep, booking["payment_method_id"])
    result = ok(ep, "cancel_travel_booking", {"booking_id": booking["booking_id"]})
    assert result["refund_amount"] == booking["total_paid"] and result["fee_charged"] == 0
    assert available(ep, booking["payment_method_id"]) == round(before + booking["total_paid"], 2)


def test_cancelling_a_flexible_hotel_within_24_hours_of_check_in_charges_one_night(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    hotel, check_in, check_out = hotel_stay(ep, "flexible", 0, 2, last_offset=0)
    room = next(r for r in hotel["rooms"] if r["room_type"] == "standard")
    booking = book_room(ep, traveler_id, payment, hotel, check_in, check_out)
    result = ok(ep, "cancel_travel_booking", {"booking_id": booking["booking_id"]})
    assert result["fee_charged"] == room["nightly_rate"]
    assert result["refund_amount"] == round(booking["total_paid"] - room["nightly_rate"], 2)


def test_cancelling_a_hotel_inside_its_free_window_refunds_everything_and_frees_the_rooms(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    hotel, check_in, check_out = hotel_stay(ep, "moderate", 20, 4)
    query = {"hotel_id": hotel["hotel_id"], "check_in": check_in, "check_out": check_out}
    before_rooms = ok(ep, "check_hotel_availability", query)["rooms"]
    booking = book_room(ep, traveler_id, payment, hotel, check_in, check_out)
    result = ok(ep, "cancel_travel_booking", {"booking_id": booking["booking_id"]})
    assert result["refund_amount"] == booking["total_paid"] and result["fee_charged"] == 0
    assert ok(ep, "check_hotel_availability", query)["rooms"] == before_rooms


def _same_route_pair(ep: Episode, fare: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two domestic flights on the same route and fare class, more than a day apart."""
    candidates = flights(ep, international=False, fare=fare)
    for first in candidates:
        next_day = (date.fromisoformat(first["departure"][:10]) + timedelta(days=1)).isoformat()
        for second in candidates:
            same_route = (second["origin"], second["destination"]) == (first["origin"], first["destination"])
            if same_route and second["departure"][:10] > next_day:
                return first, second
    raise AssertionError("no pair")


def test_changing_an_economy_flight_charges_the_fee_and_a_higher_fare(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    first, second = _same_route_pair(ep, "economy")
    seat = ok(ep, "get_flight_seat_map", {"flight_id": first["flight_id"]})["available_seats"][0]
    booking = book(ep, traveler_id, payment, first, seat=seat)
    before = available(ep, payment)
    result = ok(ep, "change_flight_booking", {"booking_id": booking["booking_id"],
                                              "new_flight_id": second["flight_id"]})
    difference = round(fare_of(second, "economy")["price"] - fare_of(first, "economy")["price"], 2)
    assert result["amount_charged"] == round(75 + max(difference, 0), 2) and result["amount_refunded"] == 0
    changed = result["booking"]
    assert changed["flight_id"] == second["flight_id"] and changed["seat"] is None and changed["fees_paid"] == 75
    assert changed["total_paid"] == round(booking["total_paid"] + result["amount_charged"], 2)
    assert available(ep, payment) == round(before - result["amount_charged"], 2)
    assert seat in ok(ep, "get_flight_seat_map", {"flight_id": first["flight_id"]})["available_seats"]
    assert fare_of(ok(ep, "get_flight", {"flight_id": second["flight_id"]}), "economy")["seats_left"] == \
        fare_of(second, "economy")["seats_left"] - 1


def test_changing_a_business_flight_refunds_a_lower_fare(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    first, second = _same_route_pair(ep, "business")
    if fare_of(first, "business")["price"] < fare_of(second, "business")["price"]:
        first, second = second, first
    booking = book(ep, traveler_id, payment, first, "business")
    result = ok(ep, "change_flight_booking", {"booking_id": booking["booking_id"],
                                              "new_flight_id": second["flight_id"]})
    gap = round(fare_of(first, "business")["price"] - fare_of(second, "business")["price"], 2)
    assert result["amount_charged"] == 0 and result["amount_refunded"] == gap
    assert result["booking"]["total_paid"] == round(booking["total_paid"] - gap, 2)


def test_moving_off_a_flight_the_airline_cancelled_is_free(ep: Episode) -> None:
    airports = world(ep)["airports"]
    for booking in on_cancelled_flights(ep):
        old = booking["flight"]
        options = ok(ep, "search_flights", {
            "origin": airports[old["origin"]]["city"], "destination": airports[old["destination"]]["city"],
            "departure_date": old["departure"][:10], "flexible_days": 7, "fare_class": booking["fare_class"],
        })["flights"]
        before = available(ep, booking["payment_method_id"])
        for option in options:
            result = ep.call("change_flight_booking", {"booking_id": booking["booking_id"],
                                                       "new_flight_id": option["flight_id"]})
            if result.ok:
                assert result.content["amount_charged"] == 0 and "Free change" in result.content["note"]
                assert result.content["booking"]["flight_id"] == option["flight_id"]
                assert available(ep, booking["payment_method_id"]) == before
                return
    pytest.fail("no booking on a cancelled flight could be moved")


def test_select_flight_seat_moves_the_booking_to_a_free_seat(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = flights(ep)[0]
    free = ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"], "position": "window"})["available_seats"]
    booking = book(ep, traveler_id, payment, flight, seat=free[0])
    moved = ok(ep, "select_flight_seat", {"booking_id": booking["booking_id"], "seat": free[1]})
    assert moved["seat"] == free[1]
    now_free = ok(ep, "get_flight_seat_map", {"flight_id": flight["flight_id"], "position": "window"})
    assert free[0] in now_free["available_seats"] and free[1] not in now_free["available_seats"]
    again = ok(ep, "select_flight_seat", {"booking_id": booking["booking_id"], "seat": free[1]})
    assert again["seat"] == free[1]


def test_add_checked_bags_charges_fees_beyond_the_free_allowance(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep, tiers=("none", "silver"))
    booking = book(ep, traveler_id, payment, flights(ep)[0])
    before = available(ep, payment)
    result = ok(ep, "add_checked_bags", {"booking_id": booking["booking_id"], "bags": 2})
    assert result["amount_charged"] == 80.0 and result["charged_to"] == payment
    assert result["booking"]["checked_bags"] == 2 and result["booking"]["fees_paid"] == 80.0
    assert available(ep, payment) == round(before - 80, 2)
    third = ok(ep, "add_checked_bags", {"booking_id": booking["booking_id"], "bags": 1})
    assert third["amount_charged"] == 100.0 and third["booking"]["total_paid"] == round(booking["total_paid"] + 180, 2)


def test_business_fares_and_gold_members_check_bags_for_free(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep, tiers=("gold", "platinum"), without_bookings=False)
    booking = book(ep, traveler_id, payment, clear_flight(ep, traveler_id, fare="business", max_price=3000),
                   "business")
    result = ok(ep, "add_checked_bags", {"booking_id": booking["booking_id"], "bags": 3})
    assert result["amount_charged"] == 0 and result["charged_to"] is None
    assert ok(ep, "get_travel_booking", {"booking_id": booking["booking_id"]})["checked_bags"] == 3


def test_apply_travel_promo_code_refunds_the_discount(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = next(f for f in flights(ep, international=True) if 150 <= fare_of(f, "economy")["price"] <= 900)
    booking = book(ep, traveler_id, payment, flight)
    before = available(ep, payment)
    result = ok(ep, "apply_travel_promo_code", {"booking_id": booking["booking_id"], "code": "spring15"})
    discount = round(booking["base_price"] * 0.15, 2)
    assert result["discount"] == discount and result["refunded_to"] == payment
    read = ok(ep, "get_travel_booking", {"booking_id": booking["booking_id"]})
    assert read["promo_code"] == "SPRING15" and read["total_paid"] == round(booking["total_paid"] - discount, 2)
    assert available(ep, payment) == round(before + discount, 2)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(("tool", "args", "hint"), [
    ("get_flight", {"flight_id": "FLT-9999"}, "search_flights"),
    ("get_flight_seat_map", {"flight_id": "nope"}, "search_flights"),
    ("get_hotel", {"hotel_id": "HTL-9999"}, "search_hotels"),
    ("check_hotel_availability", {"hotel_id": "HTL-9999", "check_in": "2026-04-01", "check_out": "2026-04-03"},
     "search_hotels"),
    ("get_traveler", {"traveler_id": "TRV-9999"}, "find_travelers"),
    ("list_traveler_bookings", {"traveler_id": "TRV-9999"}, "find_travelers"),
    ("update_traveler_passport", {"traveler_id": "TRV-9999", "passport_number": "X1234567",
                                  "expires_on": "2030-01-01", "issuing_country": "US"}, "find_travelers"),
    ("create_travel_itinerary", {"traveler_id": "TRV-9999", "title": "Trip"}, "find_travelers"),
    ("get_travel_booking", {"booking_id": "BKG-9999"}, "list_traveler_bookings"),
    ("cancel_travel_booking", {"booking_id": "BKG-9999"}, "list_traveler_bookings"),
    ("change_flight_booking", {"booking_id": "BKG-9999", "new_flight_id": "FLT-0001"}, "list_traveler_bookings"),
    ("select_flight_seat", {"booking_id": "BKG-9999", "seat": "12A"}, "list_traveler_bookings"),
    ("add_checked_bags", {"booking_id": "BKG-9999", "bags": 1}, "list_traveler_bookings"),
    ("apply_travel_promo_code", {"booking_id": "BKG-9999", "code": "SPRING15"}, "list_traveler_bookings"),
    ("get_travel_itinerary", {"itinerary_id": "ITN-9999"}, "get_traveler"),
    ("book_flight", {"traveler_id": "TRV-0001", "flight_id": "FLT-9999", "fare_class": "economy",
                     "payment_method_id": "PM-0001"}, "search_flights"),
    ("book_hotel", {"traveler_id": "TRV-0001", "hotel_id": "HTL-9999", "room_type": "standard",
                    "check_in": "2026-04-01", "check_out": "2026-04-03", "payment_method_id": "PM-0001"},
     "search_hotels"),
])
def test_unknown_ids_are_refused_with_a_pointer_to_the_discovery_tool(ep: Episode, tool: str,
                                                                      args: dict[str, Any], hint: str) -> None:
    fails(ep, tool, args, "unknown", hint)


def test_search_flights_refuses_unknown_places_identical_endpoints_and_impossible_dates(ep: Episode) -> None:
    fails(ep, "search_flights", {"origin": "Atlantis", "destination": "LHR", "departure_date": days(5)},
            "unknown origin", "list_airports")
    fails(ep, "search_flights", {"origin": "JFK", "destination": "New York", "departure_date": days(5)},
            "same place")
    fails(ep, "search_flights", {"origin": "JFK", "destination": "LHR", "departure_date": "2026-02-30"},
            "not a calendar date")


def test_search_hotels_refuses_unknown_cities_and_half_given_dates(ep: Episode) -> None:
    fails(ep, "search_hotels", {"city": "Atlantis"}, "no hotels", "Paris")
    fails(ep, "search_hotels", {"city": "Paris", "check_in": days(5)}, "both check_in and check_out")


@pytest.mark.parametrize(("start", "end", "message"), [
    (5, 5, "must be after"),
    (8, 5, "must be after"),
    (5, 40, "at most 30 nights"),
    (-2, 1, "in the past"),
    (400, 402, "at most 330 days ahead"),
])
def test_stay_dates_are_validated_before_anything_is_booked(ep: Episode, start: int, end: int, message: str) -> None:
    hotel = hotel_with_policy(ep, "flexible")
    dates = {"check_in": days(start), "check_out": days(end)}
    fails(ep, "check_hotel_availability", {"hotel_id": hotel["hotel_id"], **dates}, message)
    traveler_id, payment = pick_traveler(ep)
    fails(ep, "book_hotel", {"traveler_id": traveler_id, "hotel_id": hotel["hotel_id"], "room_type": "standard",
                               "payment_method_id": payment, **dates}, message)


def test_update_traveler_passport_refuses_expired_malformed_and_implausible_passports(ep: Episode) -> None:
    traveler_id = pick_traveler(ep)[0]
    base = {"traveler_id": traveler_id, "passport_number": "X1234567", "issuing_country": "US"}
    fails(ep, "update_traveler_passport", {**base, "expires_on": days(-1)}, "expired")
    fails(ep, "update_traveler_passport", {**base, "expires_on": days(365 * 12)}, "at most 10 years")
    fails(ep, "update_traveler_passport", {**base, "passport_number": "12-34", "expires_on": days(900)},
            "not valid")
    fails(ep, "update_traveler_passport", {**base, "passport_number": "ÄÖÜ12345", "expires_on": days(900)},
            "not valid")


def test_create_travel_itinerary_refuses_duplicate_and_blank_titles(ep: Episode) -> None:
    traveler_id = pick_traveler(ep)[0]
    first = ok(ep, "create_travel_itinerary", {"traveler_id": traveler_id, "title": "Ski week"})
    fails(ep, "create_travel_itinerary", {"traveler_id": traveler_id, "title": "SKI WEEK"},
            "already has", first["itinerary_id"])
    fails(ep, "create_travel_itinerary", {"traveler_id": traveler_id, "title": "   "}, "blank")


def test_book_flight_refuses_a_sold_out_fare_and_names_classes_with_seats(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = next(f for f in flights(ep, international=False, fare="economy", seats=0)
                  if fare_of(f, "economy")["seats_left"] == 0 and fare_of(f, "business")["seats_left"] > 0)
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flight["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment}, "sold out", "business")


def test_book_flight_refuses_cancelled_and_departed_flights(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    cancelled = flights(ep, status="cancelled", seats=0, min_days=1)[0]
    departed = flights(ep, seats=0, min_days=-3, max_days=0)[0]
    args = {"traveler_id": traveler_id, "fare_class": "economy", "payment_method_id": payment}
    fails(ep, "book_flight", {**args, "flight_id": cancelled["flight_id"]}, "cancelled by the airline")
    fails(ep, "book_flight", {**args, "flight_id": departed["flight_id"]}, "already departed")


def test_book_flight_refuses_international_travel_without_a_valid_passport(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep, passport="missing", credit=1500, without_bookings=False)
    flight = clear_flight(ep, traveler_id, international=True)
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flight["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment},
            "no passport", "update_traveler_passport")
    domestic = clear_flight(ep, traveler_id, max_price=1500)
    assert book(ep, traveler_id, payment, domestic)["status"] == "confirmed"
    expiring = next(t for t in all_travelers(ep) if t["passport_status"] == "valid" and card(t, 3000)
                    and t["passport"]["expires_on"] < days(50))
    late = next(f for f in flights(ep, international=True) if f["departure"][:10] > expiring["passport"]["expires_on"])
    fails(ep, "book_flight", {"traveler_id": expiring["traveler_id"], "flight_id": late["flight_id"],
                                "fare_class": "economy", "payment_method_id": card(expiring, 3000)},
            "expires on", expiring["passport"]["expires_on"])


def test_book_flight_refuses_a_flight_overlapping_one_already_booked(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    candidates = flights(ep, seats=2)
    first, second = next((a, b) for a in candidates for b in candidates if a["flight_id"] < b["flight_id"]
                         and a["departure"] < b["arrival"] and b["departure"] < a["arrival"])
    booked = book(ep, traveler_id, payment, first)
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": second["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment},
            "already booked", first["flight_id"], booked["booking_id"])
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": first["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment}, "overlaps")


def test_book_flight_enforces_seat_rules(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = next(f for f in flights(ep) if fare_of(f, "basic")["seats_left"] > 0 and f["taken_seats"])
    args = {"traveler_id": traveler_id, "flight_id": flight["flight_id"], "payment_method_id": payment}
    fails(ep, "book_flight", {**args, "fare_class": "basic", "seat": "12A"}, "basic fares", "seat")
    fails(ep, "book_flight", {**args, "fare_class": "economy", "seat": "2A"}, "not in the economy cabin", "10-39")
    fails(ep, "book_flight", {**args, "fare_class": "economy", "seat": "99Z"}, "not in the economy cabin")
    taken = next(s for s in flight["taken_seats"] if int(s[:-1]) >= 10)
    fails(ep, "book_flight", {**args, "fare_class": "economy", "seat": taken}, "already taken", "free seats")


def test_payments_are_declined_for_insufficient_frozen_expired_or_foreign_payment_methods(ep: Episode) -> None:
    methods = list(world(ep)["payment_methods"].values())
    frozen = next(pm for pm in methods if pm["status"] == "frozen")
    expired = next(pm for pm in methods if pm["status"] == "active" and pm["expires_on"] < days(0))
    low = next(pm for pm in methods if pm["status"] == "active" and pm["expires_on"] >= days(0)
               and pm["kind"] != "travel_credit" and pm["available"] < 400)
    for pm, fragments in ((frozen, ("frozen",)), (expired, ("expired on", expired["expires_on"])),
                          (low, (f"{low['available']:.2f} USD available", "use another payment method"))):
        flight = clear_flight(ep, pm["traveler_id"], min_price=pm["available"] if pm is low else 0.0)
        fails(ep, "book_flight", {"traveler_id": pm["traveler_id"], "flight_id": flight["flight_id"],
                                    "fare_class": "economy", "payment_method_id": pm["payment_method_id"]},
                "payment declined", *fragments)
    traveler_id, _ = pick_traveler(ep)
    foreign = next(pm["payment_method_id"] for pm in methods if pm["traveler_id"] != traveler_id)
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flights(ep)[0]["flight_id"],
                                "fare_class": "economy", "payment_method_id": foreign}, "not saved for", traveler_id)


def test_bookings_cannot_join_another_travelers_itinerary(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    foreign = next(b["itinerary_id"] for b in existing_bookings(ep) if b["itinerary_id"])
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flights(ep)[0]["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment, "itinerary_id": foreign},
            "belongs to")
    fails(ep, "book_flight", {"traveler_id": traveler_id, "flight_id": flights(ep)[0]["flight_id"],
                                "fare_class": "economy", "payment_method_id": payment, "itinerary_id": "ITN-9999"},
            "create_travel_itinerary")


def test_book_hotel_refuses_too_many_guests_full_nights_and_double_stays(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    hotel, check_in, check_out = hotel_stay(ep, "flexible", 10, 3)
    args = {"traveler_id": traveler_id, "hotel_id": hotel["hotel_id"], "payment_method_id": payment,
            "check_in": check_in, "check_out": check_out}
    fails(ep, "book_hotel", {**args, "room_type": "standard", "guests": 4}, "at most 2 guests", "suite")
    full_hotel, room, night = next(
        (h, r, n) for h in world(ep)["hotels"].values() for r in h["rooms"]
        for n, taken in sorted(r["booked"].items()) if taken >= r["total_rooms"] and n > days(1))
    morning_after = (date.fromisoformat(night) + timedelta(days=1)).isoformat()
    fails(ep, "book_hotel", {**args, "hotel_id": full_hotel["hotel_id"], "room_type": room["room_type"],
                               "check_in": night, "check_out": morning_after},
            "no " + room["room_type"], night, "check_hotel_availability")
    first = book_room(ep, traveler_id, payment, hotel, check_in, check_out)
    other = next(h for h in world(ep)["hotels"].values() if h["hotel_id"] != hotel["hotel_id"])
    later = date.fromisoformat(check_in) + timedelta(days=2)
    fails(ep, "book_hotel", {**args, "hotel_id": other["hotel_id"], "room_type": "suite",
                               "check_in": later.isoformat(), "check_out": (later + timedelta(days=3)).isoformat()},
            "already has a hotel stay", first["booking_id"])


def test_book_hotel_declines_a_card_without_enough_credit(ep: Episode) -> None:
    traveler_id, payment, _ = low_card(ep)
    stays = ok(ep, "list_traveler_bookings", {"traveler_id": traveler_id, "kind": "hotel"})["bookings"]
    after_stays = max([10] + [(date.fromisoformat(b["check_out"]) - today()).days for b in stays])
    hotel, check_in, check_out = hotel_stay(ep, "flexible", after_stays, 5)
    fails(ep, "book_hotel", {"traveler_id": traveler_id, "hotel_id": hotel["hotel_id"], "room_type": "standard",
                               "check_in": check_in, "check_out": check_out, "payment_method_id": payment},
            "declined", "5-night stay")


def test_cancellation_is_refused_when_the_rules_forbid_it(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    basic = book(ep, traveler_id, payment, clear_flight(ep, traveler_id, fare="basic"), "basic")
    fails(ep, "cancel_travel_booking", {"booking_id": basic["booking_id"]}, "non-refundable", "basic")
    economy = book(ep, traveler_id, payment, clear_flight(ep, traveler_id))
    ok(ep, "cancel_travel_booking", {"booking_id": economy["booking_id"]})
    fails(ep, "cancel_travel_booking", {"booking_id": economy["booking_id"]}, "was cancelled on")
    locked_hotel, check_in, check_out = hotel_stay(ep, "non_refundable", 20, 2)
    locked = book_room(ep, traveler_id, payment, locked_hotel, check_in, check_out)
    fails(ep, "cancel_travel_booking", {"booking_id": locked["booking_id"]}, "non-refundable")
    moderate, check_in, check_out = hotel_stay(ep, "moderate", 1, 2, last_offset=4)
    late = book_room(ep, traveler_id, payment, moderate, check_in, check_out)
    fails(ep, "cancel_travel_booking", {"booking_id": late["booking_id"]}, "free cancellation window", "ended")
    seeded = existing_bookings(ep)
    flown = next(b for b in seeded if b["kind"] == "flight" and b["status"] == "confirmed"
                 and b["flight"]["status"] == "scheduled" and b["travel_start"] < now_text())
    fails(ep, "cancel_travel_booking", {"booking_id": flown["booking_id"]}, "already departed")
    started = next(b for b in seeded if b["kind"] == "hotel" and b["status"] == "confirmed"
                   and b["check_in"] < days(0))
    fails(ep, "cancel_travel_booking", {"booking_id": started["booking_id"]}, "started")


def test_flight_changes_are_refused_when_not_allowed(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    first, second = _same_route_pair(ep, "economy")
    basic_flight = next(f for f in flights(ep, international=False, fare="basic")
                        if f["departure"] > second["arrival"] or f["arrival"] < first["departure"])
    economy = book(ep, traveler_id, payment, first)
    basic = book(ep, traveler_id, payment, basic_flight, "basic")
    change = {"booking_id": economy["booking_id"]}
    fails(ep, "change_flight_booking", {"booking_id": basic["booking_id"], "new_flight_id": second["flight_id"]},
            "basic fare", "cannot be changed")
    fails(ep, "change_flight_booking", {**change, "new_flight_id": first["flight_id"]}, "already on flight")
    elsewhere = next(f for f in flights(ep) if f["origin"] != first["origin"])
    fails(ep, "change_flight_booking", {**change, "new_flight_id": elsewhere["flight_id"]}, "must keep the cities")
    sold_out = next((f for f in flights(ep, fare="economy", seats=0) if fare_of(f, "economy")["seats_left"] == 0
                     and f["flight_id"] != first["flight_id"]
                     and (f["origin"], f["destination"]) == (first["origin"], first["destination"])), None)
    if sold_out is not None:
        fails(ep, "change_flight_booking", {**change, "new_flight_id": sold_out["flight_id"]}, "sold out")
    hotel = next(b for b in existing_bookings(ep) if b["kind"] == "hotel")
    fails(ep, "change_flight_booking", {"booking_id": hotel["booking_id"], "new_flight_id": second["flight_id"]},
            "hotel booking")
    flown = next(b for b in existing_bookings(ep) if b["kind"] == "flight" and b["status"] == "confirmed"
                 and b["flight"]["status"] == "scheduled" and b["travel_start"] < now_text())
    fails(ep, "change_flight_booking", {"booking_id": flown["booking_id"], "new_flight_id": second["flight_id"]},
            "already departed")


def test_a_flight_change_is_declined_when_the_card_cannot_pay_the_fee(ep: Episode) -> None:
    traveler_id, payment, credit = low_card(ep)
    windows = busy_windows(ep, traveler_id)
    domestic = [f for f in flights(ep, international=False) if is_clear(f, windows)]
    first, later = next(
        (first, later) for first in domestic if credit - 75 < fare_of(first, "economy")["price"] <= credit
        for later in [[f for f in domestic if f["departure"] > first["arrival"]
                       and (f["origin"], f["destination"]) == (first["origin"], first["destination"])]]
        if later)
    booking = book(ep, traveler_id, payment, first)
    fails(ep, "change_flight_booking", {"booking_id": booking["booking_id"], "new_flight_id": later[0]["flight_id"]},
            "payment declined", "the change")


def test_seat_selection_is_refused_on_basic_fares_and_taken_seats(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    basic = book(ep, traveler_id, payment, clear_flight(ep, traveler_id, fare="basic"), "basic")
    fails(ep, "select_flight_seat", {"booking_id": basic["booking_id"], "seat": "20C"}, "basic fare")
    other = clear_flight(ep, traveler_id)
    booking = book(ep, traveler_id, payment, other)
    taken = next(s for s in other["taken_seats"] if int(s[:-1]) >= 10)
    fails(ep, "select_flight_seat", {"booking_id": booking["booking_id"], "seat": taken}, "already taken")
    fails(ep, "select_flight_seat", {"booking_id": booking["booking_id"], "seat": "1A"}, "not in the economy cabin")
    cancelled = ok(ep, "cancel_travel_booking", {"booking_id": booking["booking_id"]})["booking"]
    fails(ep, "select_flight_seat", {"booking_id": cancelled["booking_id"], "seat": "20C"}, "was cancelled")


def test_add_checked_bags_refuses_more_than_five_bags_and_unpaid_fees(ep: Episode) -> None:
    poor, poor_card, credit = low_card(ep)
    traveler_id, payment = pick_traveler(ep)
    booking = book(ep, traveler_id, payment, flights(ep)[0])
    ok(ep, "add_checked_bags", {"booking_id": booking["booking_id"], "bags": 4})
    fails(ep, "add_checked_bags", {"booking_id": booking["booking_id"], "bags": 2}, "at most 5", "add 1")
    windows = busy_windows(ep, poor)
    cheap = max((f for f in flights(ep, international=False, fare="basic")
                 if fare_of(f, "basic")["price"] <= credit and is_clear(f, windows)),
                key=lambda f: fare_of(f, "basic")["price"])
    assert credit - fare_of(cheap, "basic")["price"] < 345, "five bags would still be affordable"
    cheap_booking = book(ep, poor, poor_card, cheap, "basic")
    fails(ep, "add_checked_bags", {"booking_id": cheap_booking["booking_id"], "bags": 5}, "payment declined",
            "5 checked bag(s)")


def test_promo_codes_are_refused_when_unknown_expired_inapplicable_or_already_used(ep: Episode) -> None:
    traveler_id, payment = pick_traveler(ep)
    flight = next(f for f in flights(ep, international=False) if 150 <= fare_of(f, "economy")["price"] <= 240)
    booking = book(ep, traveler_id, payment, flight)
    promo = {"booking_id": booking["booking_id"]}
    fails(ep, "apply_travel_promo_code", {**promo, "code": "FREEFLIGHTS"}, "unknown promotion code")
    fails(ep, "apply_travel_promo_code", {**promo, "code": "WINTER25"}, "expired on")
    fails(ep, "apply_travel_promo_code", {**promo, "code": "STAY20"}, "hotel bookings only")
    fails(ep, "apply_travel_promo_code", {**promo, "code": "WELCOME50"}, "at least 250.00")
    ok(ep, "apply_travel_promo_code", {**promo, "code": "SPRING15"})
    fails(ep, "apply_travel_promo_code", {**promo, "code": "WEEKEND10"}, "already uses", "SPRING15")
    cancelled = book(ep, traveler_id, payment, clear_flight(ep, traveler_id))
    ok(ep, "cancel_travel_booking", {"booking_id": cancelled["booking_id"]})
    fails(ep, "apply_travel_promo_code", {"booking_id": cancelled["booking_id"], "code": "WEEKEND10"},
            "was cancelled")


def test_hostile_arguments_are_rejected_without_crashing(ep: Episode) -> None:
    before = ep.state_hash()
    assert ep.call("find_travelers", {"query": "x" * 10_000}).status == "invalid_arguments"
    assert ep.call("search_flights", {"origin": "JFK", "destination": "LAX", "departure_date": "tomorrow"}).status \
        == "invalid_arguments"
    assert ep.call("add_checked_bags", {"booking_id": "BKG-0001", "bags": -3}).status == "invalid_arguments"
    assert ep.call("search_flights", {"origin": "JFK", "destination": "LAX", "departure_date": days(3),
                                      "flexible_days": "2"}).status == "invalid_arguments"
    assert ep.call("list_airports", {"query": ".*(a+)+$"}).content == {"airports": []}
    assert ep.call("find_travelers", {"query": "🙂 ü ../../etc/passwd"}).content == {"travelers": []}
    assert ep.call("get_traveler", {"traveler_id": "TRV-0001", "extra": 1}).status == "invalid_arguments"
    assert ep.call("book_hotel", {"traveler_id": "TRV-0001"}).status == "invalid_arguments"
    assert ep.state_hash() == before


# ---------------------------------------------------------------- scenario and determinism


def run_trip(ep: Episode) -> dict[str, str]:
    """Plan a New York to London trip for a traveler found by name, chaining ids from each output."""
    traveler_id, _ = pick_traveler(ep, tiers=("none", "silver"))
    found = ok(ep, "get_traveler", {"traveler_id": traveler_id})
    name = f"{found['first_name']} {found['last_name']}"
    traveler = ok(ep, "find_travelers", {"query": name})["travelers"][0]
    profile = ok(ep, "get_traveler", {"traveler_id": traveler["traveler_id"]})
    payment = card(profile, 3000)
    itinerary = ok(ep, "create_travel_itinerary", {"traveler_id": traveler["traveler_id"], "title": "London week"})
    options = ok(ep, "search_flights", {"origin": "New York", "destination": "London", "departure_date": days(14),
                                        "flexible_days": 7, "fare_class": "economy"})["flights"]
    for outbound in options:  # the first flight after which a London hotel has a room for four nights
        check_in = outbound["arrival"][:10]
        check_out = (date.fromisoformat(check_in) + timedelta(days=4)).isoformat()
        hotels = ok(ep, "search_hotels", {"city": outbound["destination_city"], "check_in": check_in,
                                          "check_out": check_out})["hotels"]
        if hotels:
            break
    hotel = hotels[0]
    seat_map = ok(ep, "get_flight_seat_map", {"flight_id": outbound["flight_id"], "position": "window"})
    seat = seat_map["available_seats"][0]
    flight = ok(ep, "book_flight", {"traveler_id": traveler["traveler_id"], "flight_id": outbound["flight_id"],
                                    "fare_class": "economy", "payment_method_id": payment, "seat": seat,
                                    "itinerary_id": itinerary["itinerary_id"]})
    room_type = hotel["available_room_types"][0]
    stay = ok(ep, "book_hotel", {"traveler_id": traveler["traveler_id"], "hotel_id": hotel["hotel_id"],
                                 "room_type": room_type, "check_in": check_in, "check_out": check_out,
                                 "payment_method_id": payment, "itinerary_id": itinerary["itinerary_id"]})
    ok(ep, "add_checked_bags", {"booking_id": flight["booking_id"], "bags": 1})
    ok(ep, "apply_travel_promo_code", {"booking_id": stay["booking_id"], "code": "WELCOME50"})
    return {"itinerary": itinerary["itinerary_id"], "flight": flight["booking_id"], "hotel": stay["booking_id"],
            "seat": seat, "flight_id": outbound["flight_id"], "payment": payment}


def test_a_trip_planned_step_by_step_reads_back_and_replays_to_the_same_state() -> None:
    first = Episode.open([SERVER], seed=0)
    initial = first.state_hash()
    ids = run_trip(first)
    final = first.state_hash()
    assert final != initial
    itinerary = ok(first, "get_travel_itinerary", {"itinerary_id": ids["itinerary"]})
    by_id = {b["booking_id"]: b for b in itinerary["bookings"]}
    assert set(by_id) == {ids["flight"], ids["hotel"]}
    flight, stay = by_id[ids["flight"]], by_id[ids["hotel"]]
    assert flight["seat"] == ids["seat"] and flight["checked_bags"] == 1 and flight["fees_paid"] == 35.0
    assert stay["promo_code"] == "WELCOME50" and stay["discount"] == 50.0
    assert itinerary["total_paid"] == round(flight["base_price"] + 35 + stay["base_price"] - 50, 2)
    assert ids["seat"] not in ok(first, "get_flight_seat_map", {"flight_id": ids["flight_id"]})["available_seats"]

    replay = Episode.open([SERVER], seed=0)
    assert replay.state_hash() == initial
    assert run_trip(replay) == ids
    assert replay.state_hash() == final
    first.close()
    replay.close()


def test_new_world_is_deterministic_per_seed() -> None:
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    snapshot = Episode.open([SERVER], seed=3).snapshot()[SERVER]
    assert len(snapshot["airports"]) == 30 and len(snapshot["hotels"]) == 60 and len(snapshot["travelers"]) == 40
    assert 300 <= len(snapshot["flights"]) <= 500 and len(snapshot["bookings"]) >= 40
