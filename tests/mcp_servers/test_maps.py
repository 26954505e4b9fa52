"""Behaviour of the maps server, through the public Episode API.

Test data is discovered in the seed-0 world through the tools (or `Episode.snapshot()` for street names and the
road network) rather than hard-coded.
"""

from datetime import datetime, timedelta
from typing import Any

from mcp_servers import Episode
from mcp_servers.maps.world import MapsWorld
from tests.helpers import fails, ok, open_server, world_of

SERVER = "maps"


def _now(ep: Episode) -> datetime:
    return datetime.fromisoformat(ok(ep, "list_map_cities")["local_time"])


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _next_weekday(ep: Episode, weekday: int, hour: int, minute: int = 0) -> datetime:
    """The next day (after today) falling on `weekday` (0 = Monday), at hour:minute."""
    day = _now(ep) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day.replace(hour=hour, minute=minute)


def _place(ep: Episode, name: str) -> dict[str, Any]:
    found = ok(ep, "search_map_places", {"query": name, "limit": 50})["places"]
    return next(place for place in found if place["name"] == name)


def _grid_node(ep: Episode, city: str, row: int, col: int) -> dict[str, Any]:
    return next(
        node for node in world_of(ep)["nodes"].values()
        if node["city"] == city and node["row"] == row and node["col"] == col
    )


def _town_node(ep: Episode) -> tuple[str, str, str]:
    """A Port Valen street, an avenue and the node where they cross (row 2, column 3)."""
    city = world_of(ep)["cities"]["Port Valen"]
    return city["streets"][2], city["avenues"][3], _grid_node(ep, "Port Valen", 2, 3)["node_id"]


# ----- towns and geocoding -----


def test_list_map_cities_lists_the_towns_with_districts_and_the_local_time():
    ep = open_server(SERVER)
    result = ok(ep, "list_map_cities")
    names = [city["name"] for city in result["cities"]]
    assert names == ["Port Valen", "Ardenmoor", "Kestrel Falls", "Saltmere"]
    saltmere = result["cities"][3]
    assert saltmere["island"] and "Heron Isle" in saltmere["districts"]
    assert all(city["place_count"] > 10 and city["center_node_id"].startswith("N-") for city in result["cities"])
    assert result["weekday"] == _now(ep).strftime("%A")


def test_geocode_address_resolves_house_numbers_abbreviations_and_intersections():
    ep = open_server(SERVER)
    street, avenue, node_id = _town_node(ep)
    by_number = ok(ep, "geocode_address", {"query": f"315 {street}, Port Valen"})["matches"]
    assert [(m["node_id"], m["match_type"]) for m in by_number] == [(node_id, "address")]
    assert by_number[0]["address"] == f"300 {street}, Port Valen"
    abbreviated = street.replace(" Street", " St.")
    assert ok(ep, "geocode_address", {"query": f"315 {abbreviated}", "city": "port valen"})["matches"][0][
        "node_id"] == node_id
    along_avenue = ok(ep, "geocode_address", {"query": f"250 {avenue}", "city": "Port Valen"})["matches"]
    assert along_avenue[0]["node_id"] == node_id
    crossing = ok(ep, "geocode_address", {"query": f"{avenue} & {street}, Port Valen"})["matches"]
    assert crossing[0]["node_id"] == node_id and crossing[0]["match_type"] == "intersection"
    assert crossing[0]["label"] == f"{street} & {avenue}, Port Valen"


def test_geocode_address_finds_places_streets_districts_and_towns():
    ep = open_server(SERVER)
    cathedral = ok(ep, "geocode_address", {"query": "cathedral of st valen"})["matches"]
    assert cathedral[0]["match_type"] == "place" and cathedral[0]["place_id"]
    street, _, _ = _town_node(ep)
    whole_street = ok(ep, "geocode_address", {"query": street, "city": "Port Valen"})["matches"]
    assert whole_street[0]["match_type"] == "street"
    district = ok(ep, "geocode_address", {"query": "Old Harbour"})["matches"][0]
    assert district["match_type"] == "district" and district["district"] == "Old Harbour"
    town = ok(ep, "geocode_address", {"query": "Kestrel Falls"})["matches"][0]
    assert town["match_type"] == "city" and town["city"] == "Kestrel Falls"
    partial = ok(ep, "geocode_address", {"query": "lighthouse", "limit": 1})["matches"]
    assert len(partial) == 1 and partial[0]["match_type"] == "place"


def test_geocode_address_failures_suggest_close_matches():
    ep = open_server(SERVER)
    street, _, _ = _town_node(ep)
    error = fails(ep, "geocode_address", {"query": f"12 {street[:-2]}, Port Valen"}, "No address or place matches")
    assert street in error
    fails(ep, "geocode_address", {"query": f"1150 {street}", "city": "Port Valen"}, "house numbers 1 to 1099")
    fails(ep, "geocode_address", {"query": "Zzyzx Qwerty Plaza"}, "No address or place matches", "search_map_places")
    fails(ep, "geocode_address", {"query": "?!"}, "no letters or digits")
    fails(ep, "geocode_address", {"query": street, "city": "Atlantis"}, "Unknown city", "Port Valen")


def test_reverse_geocode_returns_the_nearest_address_and_the_places_there():
    ep = open_server(SERVER)
    cafe = _place(ep, "Cafe Campanile")
    result = ok(ep, "reverse_geocode", {"lat": cafe["lat"] + 0.0002, "lon": cafe["lon"]})
    assert result["node_id"] == cafe["node_id"] and result["distance_km"] < 0.05
    assert {"Cafe Campanile", "Cathedral of St. Valen"} <= {p["name"] for p in result["places_here"]}
    assert result["district"] == "Cathedral Quarter" and result["address"].endswith(", Port Valen")
    fails(ep, "reverse_geocode", {"lat": 0.0, "lon": 0.0}, "No road within 2 km", "nearest road point")


# ----- places -----


def test_search_map_places_filters_by_text_category_town_price_and_sorts():
    ep = open_server(SERVER)
    italian = ok(ep, "search_map_places", {"query": "italian"})["places"]
    assert italian and all(place["cuisine"] == "italian" for place in italian)
    ratings = [place["rating"] for place in italian]
    assert ratings == sorted(ratings, reverse=True)
    cheap = ok(ep, "search_map_places", {"category": "restaurant", "city": "Saltmere", "max_price_level": 2,
                                         "sort_by": "name", "limit": 50})
    assert cheap["total_matched"] == len(cheap["places"]) > 0
    assert all(p["city"] == "Saltmere" and p["category"] == "restaurant" and p["price_level"] <= 2
               for p in cheap["places"])
    assert [p["name"] for p in cheap["places"]] == sorted(p["name"] for p in cheap["places"])
    rural = ok(ep, "search_map_places", {"district": "lindholm"})["places"]
    assert [p["name"] for p in rural] == ["Lindholm Garage"] and rural[0]["city"] == ""
    open_now = ok(ep, "search_map_places", {"open_now": True, "min_rating": 4.5, "limit": 50})["places"]
    assert open_now and all(p["open_now"] and p["rating"] >= 4.5 for p in open_now)
    fails(ep, "search_map_places", {"city": "Gotham"}, "Unknown city")


def test_search_places_nearby_returns_places_within_the_radius_nearest_first():
    ep = open_server(SERVER)
    result = ok(ep, "search_places_nearby", {"location": "home", "radius_km": 1.5, "limit": 50})
    distances = [place["distance_km"] for place in result["places"]]
    assert distances and distances == sorted(distances) and distances[-1] <= 1.5
    assert result["center_label"].startswith("Home")
    cathedral = _place(ep, "Cathedral of St. Valen")
    around = ok(ep, "search_places_nearby", {"location": cathedral["place_id"], "category": "cafe", "radius_km": 0.1})
    assert [p["name"] for p in around["places"]] == ["Cafe Campanile"]
    fails(ep, "search_places_nearby", {"location": "N-9999"}, "Unknown location", "geocode_address")


def test_get_place_details_shows_weekly_hours_and_whether_open_at_a_time():
    ep = open_server(SERVER)
    museums = ok(ep, "search_map_places", {"category": "museum", "limit": 50})["places"]
    museum = next(m for m in museums if m["status"] == "operational")
    monday = _next_weekday(ep, 0, 12)
    closed = ok(ep, "get_place_details", {"place_id": museum["place_id"], "at": _at(monday)})
    assert closed["opening_hours"][0] == {"day": "Monday", "hours": "closed"}
    assert not closed["open_at_checked_time"]
    assert closed["status_text"] == "Closed, opens Tuesday 10:00"
    assert closed["next_change"].startswith(_at(monday + timedelta(days=1)).split("T")[0] + "T10:00")
    tuesday = ok(ep, "get_place_details", {"place_id": museum["place_id"], "at": _at(monday + timedelta(days=1))})
    assert tuesday["open_at_checked_time"] and tuesday["status_text"] == "Open until Tuesday 18:00"
    favorite = ok(ep, "list_saved_map_places", {"list_id": "LST-0001"})["lists"][0]["places"][0]
    details = ok(ep, "get_place_details", {"place_id": favorite["place_id"]})
    assert "LST-0001" in details["saved_in_list_ids"] and details["phone"].startswith("+47")


def test_get_place_details_reports_temporary_closures_and_bad_times():
    ep = open_server(SERVER)
    shut = next(p for p in world_of(ep)["places"].values() if p["status"] == "temporarily_closed")
    details = ok(ep, "get_place_details", {"place_id": shut["place_id"]})
    assert details["status_text"] == "Temporarily closed" and not details["open_now"]
    fails(ep, "get_place_details", {"place_id": "PL-9999"}, "Unknown place", "search_map_places")
    fails(ep, "get_place_details", {"place_id": shut["place_id"], "at": "2026-02-30T10:00"}, "not a valid date")
    fails(ep, "get_place_details", {"place_id": shut["place_id"], "at": "2090-01-01T10:00"}, "more than a year")


# ----- routing -----


def test_compute_route_drives_the_tolled_motorway_and_avoid_tolls_takes_the_old_road():
    ep = open_server(SERVER)
    arden = ok(ep, "geocode_address", {"query": "Ardenmoor"})["matches"][0]["node_id"]
    fast = ok(ep, "compute_route", {"origin": "home", "destination": arden})
    assert fast["uses_motorway"] and fast["toll_roads"] == ["A1 Motorway"] and fast["ferries"] == []
    assert "A1 Motorway" in fast["legs"][0]["roads"]
    free = ok(ep, "compute_route", {"origin": "home", "destination": arden, "avoid_tolls": True})
    assert free["toll_roads"] == [] and "R2 Old Post Road" in free["legs"][0]["roads"]
    assert free["duration_min"] > fast["duration_min"]
    walking = ok(ep, "compute_route", {"origin": "home", "destination": arden, "mode": "walking"})
    assert not walking["uses_motorway"] and walking["duration_min"] > 5 * free["duration_min"]
    depart = datetime.fromisoformat(walking["depart_at"])
    assert datetime.fromisoformat(walking["arrive_at"]) == depart + timedelta(minutes=round(walking["duration_min"]))


def test_compute_route_visits_waypoints_in_order_with_one_leg_each():
    ep = open_server(SERVER)
    cafe = _place(ep, "Cafe Campanile")
    ferry = _place(ep, "Port Valen Ferry Terminal")
    route = ok(ep, "compute_route", {"origin": "home", "destination": ferry["place_id"], "mode": "walking",
                                     "waypoints": [cafe["place_id"]]})
    assert [leg["end"]["label"] for leg in route["legs"]] == ["Cafe Campanile", "Port Valen Ferry Terminal"]
    assert route["waypoints"][0]["place_id"] == cafe["place_id"]
    assert abs(route["distance_km"] - sum(leg["distance_km"] for leg in route["legs"])) < 0.02
    fails(ep, "compute_route", {"origin": "home", "destination": ferry["place_id"],
                                "waypoints": [cafe["place_id"]] * 6}, "At most 5 waypoints")


def test_travel_modes_may_only_use_their_road_types():
    ep = open_server(SERVER)
    cathedral = _place(ep, "Cathedral of St. Valen")
    fails(ep, "compute_route", {"origin": "home", "destination": cathedral["place_id"]},
          "Driving cannot reach", "pedestrian", "closest point reachable by driving")
    assert ok(ep, "compute_route", {"origin": "home", "destination": cathedral["place_id"], "mode": "walking"})
    services = _place(ep, "Brenn Services Cafe")
    fails(ep, "compute_route", {"origin": "home", "destination": services["place_id"], "mode": "walking"},
          "Walking cannot reach", "motorway")
    assert ok(ep, "compute_route", {"origin": "home", "destination": services["place_id"]})["uses_motorway"]
    fails(ep, "compute_route", {"origin": "home", "destination": services["place_id"], "avoid_motorways": True},
          "closed or excluded by the avoid options")
    park = _place(ep, "Mill Park")
    fails(ep, "compute_route", {"origin": "home", "destination": park["place_id"]}, "path")
    assert ok(ep, "compute_route", {"origin": "home", "destination": park["place_id"], "mode": "cycling"})


def test_no_route_failures_name_the_closure_or_the_missing_link():
    ep = open_server(SERVER)
    viewpoint = _place(ep, "Kestrel Falls Viewpoint")
    closure = next(c for c in ok(ep, "list_map_road_closures", {"city": "Kestrel Falls"})["closures"]
                   if c["road"] == "Falls Road")
    fails(ep, "compute_route", {"origin": "home", "destination": viewpoint["place_id"]},
          "No driving route", "Falls Road", closure["closure_id"], closure["until"])
    assert "Falls Trail" in ok(ep, "compute_route", {"origin": "home", "destination": viewpoint["place_id"],
                                                     "mode": "walking"})["legs"][0]["roads"]
    lighthouse = _place(ep, "Heron Isle Lighthouse")
    fails(ep, "compute_route", {"origin": "home", "destination": lighthouse["place_id"], "mode": "cycling"},
          "No cycling route", "not connected", "closest point reachable by cycling")
    quay = _place(ep, "Saltmere Ferry Quay")
    fails(ep, "compute_route", {"origin": "home", "destination": quay["place_id"], "avoid_ferries": True},
          "Saltmere Ferry", "avoid_ferries=true")
    assert ok(ep, "compute_route", {"origin": "home", "destination": quay["place_id"]})["ferries"] == ["Saltmere Ferry"]


def test_route_failures_for_bad_locations_times_and_a_missing_work_address():
    ep = open_server(SERVER)
    fails(ep, "compute_route", {"origin": "home", "destination": "Narnia"}, "Unknown location", "place id")
    fails(ep, "compute_route", {"origin": "work", "destination": "home"}, "No work address", "set_map_home_or_work")
    home = ok(ep, "list_saved_map_places")["home"]["node_id"]
    fails(ep, "compute_route", {"origin": "home", "destination": home}, "same location")
    past = _at(_now(ep) - timedelta(hours=2))
    fails(ep, "compute_route", {"origin": "home", "destination": "N-0001", "depart_at": past}, "in the past")
    late = _at(_now(ep) + timedelta(days=90))
    fails(ep, "get_directions", {"origin": "home", "destination": "N-0001", "depart_at": late}, "days ahead")


def test_weekday_rush_hour_slows_driving_but_not_walking():
    ep = open_server(SERVER)
    target = _grid_node(ep, "Port Valen", 0, 0)["node_id"]
    tuesday_rush, tuesday_noon = _next_weekday(ep, 1, 8), _next_weekday(ep, 1, 12)
    rush = ok(ep, "compute_route", {"origin": "home", "destination": target, "depart_at": _at(tuesday_rush)})
    calm = ok(ep, "compute_route", {"origin": "home", "destination": target, "depart_at": _at(tuesday_noon)})
    assert rush["rush_hour"] and not calm["rush_hour"]
    assert rush["duration_min"] > calm["duration_min"]
    walks = [ok(ep, "compute_route", {"origin": "home", "destination": target, "mode": "walking",
                                      "depart_at": _at(moment)})["duration_min"]
             for moment in (tuesday_rush, tuesday_noon)]
    assert walks[0] == walks[1]


def test_get_directions_gives_turn_by_turn_steps_including_the_ferry():
    ep = open_server(SERVER)
    quay = _place(ep, "Saltmere Ferry Quay")
    directions = ok(ep, "get_directions", {"origin": "home", "destination": quay["place_id"]})
    steps = directions["steps"]
    assert steps[0]["instruction"].startswith("Head ")
    assert any(step["instruction"] == "Board the Saltmere Ferry to Saltmere" for step in steps)
    assert steps[-1]["instruction"] == "Arrive at Saltmere Ferry Quay"
    assert steps[-1]["end_node_id"] == quay["node_id"]
    verbs = ("Head", "Turn", "Continue", "Make", "Board", "Arrive")
    assert all(step["instruction"].split()[0] in verbs for step in steps)
    assert round(sum(step["distance_km"] for step in steps), 1) == round(directions["distance_km"], 1)
    route = ok(ep, "compute_route", {"origin": "home", "destination": quay["place_id"]})
    assert route["duration_min"] == directions["duration_min"]


def test_compute_route_matrix_reports_every_pair_without_failing_on_unreachable_ones():
    ep = open_server(SERVER)
    lighthouse = _place(ep, "Heron Isle Lighthouse")
    arden = ok(ep, "geocode_address", {"query": "Ardenmoor"})["matches"][0]["node_id"]
    home = ok(ep, "list_saved_map_places")["home"]["node_id"]
    matrix = ok(ep, "compute_route_matrix", {"origins": ["home"],
                                             "destinations": [arden, lighthouse["place_id"], home]})
    statuses = [cell["status"] for cell in matrix["cells"]]
    assert statuses == ["ok", "no_route", "same_location"]
    route = ok(ep, "compute_route", {"origin": "home", "destination": arden})
    assert matrix["cells"][0]["duration_min"] == route["duration_min"]
    assert matrix["cells"][0]["distance_km"] == route["distance_km"]
    fails(ep, "compute_route_matrix", {"origins": ["nowhere"], "destinations": [arden]}, "Unknown location")


def test_search_places_along_route_finds_the_motorway_services_in_route_order():
    ep = open_server(SERVER)
    arden = ok(ep, "geocode_address", {"query": "Ardenmoor"})["matches"][0]["node_id"]
    found = ok(ep, "search_places_along_route", {"origin": "home", "destination": arden, "category": "gas_station",
                                                 "max_off_route_km": 1.0})
    names = [place["name"] for place in found["places"]]
    assert "Brenn Services Fuel" in names
    assert all(place["off_route_km"] <= 1.0 for place in found["places"])
    along = [place["km_from_origin"] for place in found["places"]]
    assert along == sorted(along) and along[-1] <= found["route_distance_km"]
    fails(ep, "search_places_along_route", {"origin": "home", "destination": _place(ep, "Mill Park")["place_id"]},
          "cannot reach")


def test_list_map_road_closures_lists_active_closures_by_town():
    ep = open_server(SERVER)
    closures = ok(ep, "list_map_road_closures")["closures"]
    assert len(closures) >= 5
    today = _now(ep).date().isoformat()
    assert all(closure["until"] >= today for closure in closures)
    in_town = ok(ep, "list_map_road_closures", {"city": "Ardenmoor"})["closures"]
    assert all(closure["city"] == "Ardenmoor" for closure in in_town)
    fails(ep, "list_map_road_closures", {"city": "Nowhere"}, "Unknown city")


# ----- saved places, lists, home and work -----


def test_list_saved_map_places_shows_home_work_and_the_lists():
    ep = open_server(SERVER)
    saved = ok(ep, "list_saved_map_places")
    assert saved["home"]["label"] == "Home" and saved["work"] is None
    assert [item["name"] for item in saved["lists"]] == ["Favorites", "Want to go", "Saltmere weekend"]
    assert all(place["city"] == "Saltmere" for place in saved["lists"][2]["places"])
    one = ok(ep, "list_saved_map_places", {"list_id": saved["lists"][1]["list_id"]})["lists"]
    assert len(one) == 1 and one[0]["name"] == "Want to go"
    fails(ep, "list_saved_map_places", {"list_id": "LST-9999"}, "Unknown map list")


def test_create_map_list_then_save_and_remove_places():
    ep = open_server(SERVER)
    created = ok(ep, "create_map_list", {"name": "  Date night ", "description": "Candles"})
    assert created["name"] == "Date night" and created["places"] == []
    place = _place(ep, "Cafe Campanile")
    saved = ok(ep, "save_map_place", {"place_id": place["place_id"], "list_id": created["list_id"], "note": "Terrace"})
    assert [(p["place_id"], p["note"]) for p in saved["places"]] == [(place["place_id"], "Terrace")]
    favorite = ok(ep, "save_map_place", {"place_id": place["place_id"]})
    assert favorite["name"] == "Favorites" and place["place_id"] in [p["place_id"] for p in favorite["places"]]
    details = ok(ep, "get_place_details", {"place_id": place["place_id"]})
    assert details["saved_in_list_ids"] == [favorite["list_id"], created["list_id"]]
    removed = ok(ep, "remove_saved_map_place", {"place_id": place["place_id"], "list_id": created["list_id"]})
    assert removed["removed_from_list_ids"] == [created["list_id"]]
    everywhere = ok(ep, "remove_saved_map_place", {"place_id": place["place_id"]})
    assert everywhere["removed_from_list_ids"] == [favorite["list_id"]]
    assert ok(ep, "get_place_details", {"place_id": place["place_id"]})["saved_in_list_ids"] == []


def test_map_list_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    favorites = ok(ep, "list_saved_map_places")["lists"][0]
    saved_id = favorites["places"][0]["place_id"]
    fails(ep, "create_map_list", {"name": "FAVORITES"}, "already exists", favorites["list_id"])
    fails(ep, "create_map_list", {"name": "   "}, "blank")
    fails(ep, "save_map_place", {"place_id": saved_id}, "already saved", "Favorites")
    fails(ep, "save_map_place", {"place_id": saved_id, "list_id": "LST-0404"}, "Unknown map list")
    fails(ep, "save_map_place", {"place_id": "PL-0000"}, "Unknown place")
    lonely = _place(ep, "Lindholm Garage")
    fails(ep, "remove_saved_map_place", {"place_id": lonely["place_id"]}, "not saved in any list")
    fails(ep, "remove_saved_map_place", {"place_id": lonely["place_id"], "list_id": favorites["list_id"]},
          "not saved in list 'Favorites'")


def test_lists_have_limits_on_their_number_and_size():
    ep = open_server(SERVER)
    for number in range(27):
        ok(ep, "create_map_list", {"name": f"Ideas {number}"})
    fails(ep, "create_map_list", {"name": "One too many"}, "30 lists")
    favorites = ok(ep, "list_saved_map_places")["lists"][0]
    saved = {place["place_id"] for place in favorites["places"]}
    unsaved = [place_id for place_id in world_of(ep)["places"] if place_id not in saved]
    room = 100 - len(saved)
    for place_id in unsaved[:room]:
        ok(ep, "save_map_place", {"place_id": place_id})
    fails(ep, "save_map_place", {"place_id": unsaved[room]}, "is full")


def test_set_map_home_or_work_sets_addresses_that_routes_can_use():
    ep = open_server(SERVER)
    street, _, node_id = _town_node(ep)
    change = ok(ep, "set_map_home_or_work", {"role": "work", "location": node_id, "label": "Office"})
    assert change["previous"] is None
    assert change["saved"] == {**change["saved"], "node_id": node_id, "address": f"300 {street}, Port Valen",
                               "label": "Office"}
    assert ok(ep, "list_saved_map_places")["work"]["node_id"] == node_id
    commute = ok(ep, "compute_route", {"origin": "home", "destination": "work", "mode": "cycling"})
    assert commute["destination"]["node_id"] == node_id
    hotel = ok(ep, "search_map_places", {"category": "hotel", "city": "Ardenmoor"})["places"][0]
    moved = ok(ep, "set_map_home_or_work", {"role": "home", "location": hotel["place_id"]})
    assert moved["previous"]["label"] == "Home" and moved["saved"]["address"] == hotel["address"]


def test_set_map_home_or_work_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    home = ok(ep, "list_saved_map_places")["home"]
    fails(ep, "set_map_home_or_work", {"role": "home", "location": home["node_id"]}, "already", home["address"])
    village = ok(ep, "geocode_address", {"query": "Tarrow Green"})["matches"][0]
    assert village["match_type"] == "district"
    fails(ep, "set_map_home_or_work", {"role": "work", "location": village["node_id"]}, "not a street address")
    fails(ep, "set_map_home_or_work", {"role": "work", "location": "N-0000"}, "Unknown location")


# ----- route plans -----


def _museum(ep: Episode) -> dict[str, Any]:
    museums = ok(ep, "search_map_places", {"category": "museum", "city": "Port Valen", "limit": 50})["places"]
    return next(m for m in museums if m["status"] == "operational")


def test_create_route_plan_times_each_stop_and_is_listed():
    ep = open_server(SERVER)
    museum = _museum(ep)
    cafe = _place(ep, "Cafe Campanile")
    depart = _next_weekday(ep, 2, 10)
    plan = ok(ep, "create_route_plan", {"name": "Culture day", "origin": "home", "mode": "walking",
                                        "stop_place_ids": [museum["place_id"], cafe["place_id"]],
                                        "depart_at": _at(depart), "minutes_per_stop": 60})
    first, second = plan["stops"]
    assert datetime.fromisoformat(first["arrive_at"]) == depart + timedelta(minutes=round(first["travel_min"]))
    assert datetime.fromisoformat(first["leave_at"]) == datetime.fromisoformat(first["arrive_at"]) + timedelta(hours=1)
    assert datetime.fromisoformat(second["arrive_at"]) > datetime.fromisoformat(first["leave_at"])
    assert plan["end_at"] == second["leave_at"]
    assert plan["total_km"] == round(first["travel_km"] + second["travel_km"], 2)
    listed = ok(ep, "list_route_plans")["plans"]
    assert listed == [plan]
    assert ok(ep, "list_route_plans", {"plan_id": plan["plan_id"]})["plans"] == [plan]
    fails(ep, "list_route_plans", {"plan_id": "PLAN-0999"}, "Unknown route plan")


def test_create_route_plan_warns_when_a_stop_closes_during_the_visit():
    ep = open_server(SERVER)
    museum = _museum(ep)
    late = _next_weekday(ep, 2, 17, 30)
    plan = ok(ep, "create_route_plan", {"name": "Quick look", "origin": museum["node_id"],
                                        "stop_place_ids": [museum["place_id"]], "depart_at": _at(late)})
    assert plan["warnings"] == [f"{museum['name']} closes at 18:00, before the planned leaving time 18:15."]


def test_create_route_plan_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    museum = _museum(ep)
    monday = _next_weekday(ep, 0, 11)
    fails(ep, "create_route_plan", {"name": "Shut", "origin": museum["node_id"], "stop_place_ids": [museum["place_id"]],
                                    "depart_at": _at(monday)}, "closed when the trip would arrive", "Tuesday 10:00")
    shut = next(p for p in world_of(ep)["places"].values() if p["status"] == "temporarily_closed")
    fails(ep, "create_route_plan", {"name": "Shut", "origin": shut["node_id"], "stop_place_ids": [shut["place_id"]],
                                    "mode": "walking"}, "temporarily closed")
    fails(ep, "create_route_plan", {"name": "Long", "origin": "home", "stop_place_ids": [museum["place_id"]] * 7},
          "at most 6 stops")
    fails(ep, "create_route_plan", {"name": "Twice", "origin": "home",
                                    "stop_place_ids": [museum["place_id"], museum["place_id"]]}, "twice in a row")
    lighthouse = _place(ep, "Heron Isle Lighthouse")
    fails(ep, "create_route_plan", {"name": "Island", "origin": "home", "stop_place_ids": [lighthouse["place_id"]]},
          "Driving cannot reach")
    fails(ep, "create_route_plan", {"name": "Past", "origin": "home", "stop_place_ids": [museum["place_id"]],
                                    "depart_at": _at(_now(ep) - timedelta(days=1))}, "in the past")
    assert ok(ep, "list_route_plans")["plans"] == []


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    bad = [
        ("compute_route", {"origin": "home", "destination": "N-0001", "mode": "flying"}),
        ("compute_route", {"origin": "home", "destination": "N-0001", "depart_at": "tomorrow"}),
        ("compute_route", {"origin": "home", "destination": "N-0001", "waypoints": ["N-0002"] * 26}),
        ("compute_route", {"origin": "home", "destination": "N-0001", "extra": 1}),
        ("reverse_geocode", {"lat": 91.0, "lon": 0.0}),
        ("reverse_geocode", {"lat": "46.2", "lon": 7.3}),
        ("search_places_nearby", {"location": "home", "radius_km": -1.0}),
        ("geocode_address", {"query": "x" * 201}),
        ("create_map_list", {"name": "x" * 121}),
        ("create_route_plan", {"name": "Trip", "origin": "home", "stop_place_ids": []}),
        ("compute_route_matrix", {"origins": ["home"] * 6, "destinations": ["work"]}),
    ]
    for tool, args in bad:
        assert ep.call(tool, args).status == "invalid_arguments", (tool, args)
    assert ep.call("geocode_address", {"query": "Zoë ../../etc/passwd .*( & 文字"}).status == "tool_error"
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Geocode a work address, save a lunch spot near it into a new list, and plan a walk there; ids flow on."""
    street, _, _ = _town_node(ep)
    work = ok(ep, "geocode_address", {"query": f"310 {street}, Port Valen"})["matches"][0]
    ok(ep, "set_map_home_or_work", {"role": "work", "location": work["node_id"]})
    cafes = ok(ep, "search_places_nearby", {"location": "work", "category": "cafe", "radius_km": 3.0})["places"]
    cafe = next(place for place in cafes if place["status"] == "operational")
    lunch = ok(ep, "create_map_list", {"name": "Work lunches"})
    ok(ep, "save_map_place", {"place_id": cafe["place_id"], "list_id": lunch["list_id"], "note": "Quick coffee"})
    ok(ep, "compute_route", {"origin": "home", "destination": "work", "mode": "cycling"})
    plan = ok(ep, "create_route_plan", {"name": "Coffee break", "origin": "work", "mode": "walking",
                                        "stop_place_ids": [cafe["place_id"]],
                                        "depart_at": _at(_next_weekday(ep, 3, 11)), "minutes_per_stop": 20})
    return {"work": work["node_id"], "cafe": cafe["place_id"], "list": lunch["list_id"], "plan": plan["plan_id"]}


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = open_server(SERVER), open_server(SERVER)
    start = first.state_hash()
    ids = _scenario(first)
    assert first.state_hash() != start
    assert _scenario(replay) == ids and replay.state_hash() == first.state_hash()

    saved = ok(first, "list_saved_map_places", {"list_id": ids["list"]})
    assert saved["work"]["node_id"] == ids["work"]
    assert [(p["place_id"], p["note"]) for p in saved["lists"][0]["places"]] == [(ids["cafe"], "Quick coffee")]
    plan = ok(first, "list_route_plans", {"plan_id": ids["plan"]})["plans"][0]
    assert plan["origin_node_id"] == ids["work"] and [s["place_id"] for s in plan["stops"]] == [ids["cafe"]]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=3), Episode.open([SERVER], seed=3)
    args = {"origin": "home", "destination": "N-0150", "mode": "walking"}
    assert a.call("get_directions", args).content == b.call("get_directions", args).content


def test_default_world_is_large_varied_and_compact():
    world = MapsWorld.new_world(0)
    assert len(world.canonical_json()) < 150_000
    assert len(world.cities) == 4 and 280 <= len(world.nodes) <= 400 and len(world.roads) >= 480
    assert {road.kind for road in world.roads} == {"motorway", "primary", "street", "path", "pedestrian", "ferry"}
    assert any(road.toll for road in world.roads)
    assert len(world.places) >= 140 and len({place.category for place in world.places.values()}) == 15
    assert {place.status for place in world.places.values()} == {"operational", "temporarily_closed"}
    assert len(world.closures) >= 5 and len(world.lists) == 3
