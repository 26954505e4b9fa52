"""Behaviour of the calendar server, through the public Episode API.

Test data is discovered in the seed-0 world, through the tools or through `Episode.snapshot()`, rather than
hard-coded. Times in results are in the acting user's time zone; they are compared as aware datetimes.
"""

from datetime import date, datetime, timedelta
from typing import Any

from mcp_servers import Episode
from tests.helpers import fails, ok

SERVER = "calendar"


def _episode(seed: int = 0) -> Episode:
    return Episode.open([SERVER], seed=seed)


def _world(ep: Episode) -> dict[str, Any]:
    return ep.snapshot()[SERVER]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _now(ep: Episode) -> datetime:
    return _at(ok(ep, "get_my_calendar_profile")["now"])


def _me(ep: Episode) -> str:
    return _world(ep)["me"]


def _events(ep: Episode) -> list[dict[str, Any]]:
    return list(_world(ep)["events"].values())


def _upcoming(ep: Episode, event: dict[str, Any]) -> bool:
    return event["status"] == "confirmed" and event["recurrence"] is None and _at(event["start"]) > _now(ep)


def _my_meeting(ep: Episode, *, room: bool | None = None) -> dict[str, Any]:
    """An upcoming single event the acting user organizes, with invitees (and with or without a room)."""
    return next(
        e for e in _events(ep)
        if e["organizer"] == _me(ep) and _upcoming(ep, e) and e["attendees"]
        and (room is None or (e["room_id"] is not None) == room)
    )


def _my_past_meeting(ep: Episode) -> dict[str, Any]:
    return next(
        e for e in _events(ep)
        if e["organizer"] == _me(ep) and e["recurrence"] is None and e["status"] == "confirmed"
        and _at(e["end"]) < _now(ep)
    )


def _invitation(ep: Episode, response: str | None = None) -> dict[str, Any]:
    """An upcoming single event someone else organizes that the acting user is invited to."""
    return next(
        e for e in _events(ep)
        if _upcoming(ep, e) and _me(ep) in e["attendees"] and (response is None or e["attendees"][_me(ep)] == response)
    )


def _strangers_meeting(ep: Episode) -> dict[str, Any]:
    """An upcoming, non-private event the acting user is not on."""
    return next(
        e for e in _events(ep)
        if _upcoming(ep, e) and e["visibility"] == "default" and _me(ep) not in [e["organizer"], *e["attendees"]]
    )


def _colleagues(ep: Episode, count: int) -> list[str]:
    """Emails of colleagues in the acting user's office (their working hours overlap)."""
    me = ok(ep, "get_my_calendar_profile")["me"]
    people = ok(ep, "search_calendar_people", {"office": me["office"], "limit": 50})["people"]
    return [p["email"] for p in people if p["email"] != me["email"]][:count]


def _slot(ep: Episode, attendees: list[str], minutes: int = 60, index: int = 0, **extra: Any) -> dict[str, str]:
    args: dict[str, Any] = {"attendees": attendees, "duration_minutes": minutes, "limit": 50, **extra}
    return ok(ep, "find_calendar_free_slots", args)["slots"][index]


def _create(ep: Episode, **overrides: Any) -> dict[str, Any]:
    """A new event at a free slot for the acting user (and its invitees), returned as get_calendar_event shows it."""
    attendees = overrides.pop("attendees", [])
    slot = _slot(ep, attendees, index=overrides.pop("slot_index", 0))
    args = {"title": "Test sync", "start": slot["start"], "end": slot["end"], "attendees": attendees, **overrides}
    return ok(ep, "create_calendar_event", args)["event"]


def _listed_ids(ep: Episode, **args: Any) -> list[str]:
    return [e["event_id"] for e in ok(ep, "list_calendar_events", {"limit": 200, **args})["events"]]


# ----- discovery -----


def test_profile_shows_the_acting_user_the_time_and_calendar_access():
    ep = _episode()
    profile = ok(ep, "get_my_calendar_profile")
    me = profile["me"]
    assert me["email"] == _me(ep)
    assert _at(profile["now"]) == _now(ep)
    offset = _at(profile["now"]).utcoffset()
    assert offset == _at(f"2026-01-01T00:00:00{me['time_zone'][3:]}").utcoffset()
    access = {c["calendar_id"]: c["access"] for c in profile["calendars"]}
    assert access[me["calendar_id"]] == "owner"
    assert "write" in access.values() and "read" in access.values()
    assert set(access) - {me["calendar_id"]} == {"CAL-COMPANY", "CAL-ENGINEERING", "CAL-GTM", "CAL-PRODUCT"}
    pending = ok(ep, "list_pending_calendar_invites", {"limit": 200})
    assert profile["pending_invites"] == pending["total_matched"] > 0


def test_search_calendar_people_matches_name_email_title_department_and_office():
    ep = _episode()
    person = next(p for p in _world(ep)["people"].values() if p["email"] != _me(ep))
    by_name = ok(ep, "search_calendar_people", {"query": person["name"].split()[-1].upper()})["people"]
    assert person["email"] in [p["email"] for p in by_name]
    by_email = ok(ep, "search_calendar_people", {"query": person["email"]})
    assert [p["email"] for p in by_email["people"]] == [person["email"]]
    engineers = ok(ep, "search_calendar_people", {"department": "Engineering", "limit": 50})["people"]
    assert len(engineers) == 8 and all(p["department"] == "Engineering" for p in engineers)
    london = ok(ep, "search_calendar_people", {"office": "London", "limit": 50})["people"]
    assert london and all(p["office"] == "London" and p["time_zone"] == "UTC+00:00" for p in london)
    limited = ok(ep, "search_calendar_people", {"limit": 3})
    assert len(limited["people"]) == 3 and limited["total_matched"] == 30
    assert ok(ep, "search_calendar_people", {"query": "zz-nobody"}) == {"people": [], "total_matched": 0}


def test_list_calendar_rooms_filters_by_office_capacity_equipment_and_availability():
    ep = _episode()
    everything = ok(ep, "list_calendar_rooms", {"include_out_of_service": True})["rooms"]
    assert len(everything) == 8
    closed = [r for r in everything if not r["in_service"]]
    assert len(closed) == 1 and closed[0]["note"]
    usable = ok(ep, "list_calendar_rooms")["rooms"]
    assert closed[0]["room_id"] not in [r["room_id"] for r in usable] and len(usable) == 7
    big = ok(ep, "list_calendar_rooms", {"min_capacity": 10})["rooms"]
    assert big and all(r["capacity"] >= 10 for r in big)
    video = ok(ep, "list_calendar_rooms", {"equipment": "video conferencing", "office": "London"})["rooms"]
    assert [r["room_id"] for r in video] == ["RM-LDN-THAMES"]

    booked = _my_meeting(ep, room=True)
    span = {"free_from": booked["start"], "free_until": booked["end"]}
    free = ok(ep, "list_calendar_rooms", span)
    assert booked["room_id"] not in [r["room_id"] for r in free["rooms"]]
    assert _at(free["free_from"]) == _at(booked["start"])
    fails(ep, "list_calendar_rooms", {"free_from": booked["start"]}, "both free_from and free_until")
    fails(ep, "list_calendar_rooms", {"free_from": booked["end"], "free_until": booked["start"]}, "not after")


def test_list_calendar_events_shows_my_week_with_each_series_occurrence():
    ep = _episode()
    listing = ok(ep, "list_calendar_events", {"limit": 200})
    me = ok(ep, "get_my_calendar_profile")["me"]
    assert listing["calendar_id"] == me["calendar_id"]
    start, end = _at(listing["window_start"]), _at(listing["window_end"])
    assert end - start == timedelta(days=7) and start.hour == 0 and start <= _now(ep)
    events = listing["events"]
    assert listing["total_matched"] == len(events) > 5
    assert [_at(e["start"]) for e in events] == sorted(_at(e["start"]) for e in events)
    assert all(_at(e["end"]) > start and _at(e["start"]) < end for e in events)
    assert all(e["my_response"] not in ("declined", "not_invited") for e in events)
    series = [e for e in events if e["recurring"]]
    assert series and all(e["occurrence_date"] for e in series)
    dates = [e["occurrence_date"] for e in series if e["event_id"] == series[0]["event_id"]]
    assert len(dates) == len(set(dates)) > 1
    limited = ok(ep, "list_calendar_events", {"limit": 2})
    assert len(limited["events"]) == 2 and limited["total_matched"] == len(events)


def test_list_calendar_events_filters_declined_cancelled_and_by_title():
    ep = _episode()
    me = _me(ep)
    declined = next(e for e in _events(ep) if e["attendees"].get(me) == "declined" and _upcoming(ep, e))
    cancelled = next(e for e in _events(ep) if e["status"] == "cancelled" and me in [e["organizer"], *e["attendees"]])
    for event, flag in ((declined, "include_declined"), (cancelled, "include_cancelled")):
        window = {"start": event["start"], "end": event["end"]}
        assert event["event_id"] not in _listed_ids(ep, **window)
        assert event["event_id"] in _listed_ids(ep, **window, **{flag: True})
    title = _my_meeting(ep)["title"]
    found = ok(ep, "list_calendar_events", {"query": title.lower(), "end": (_now(ep) + timedelta(days=40)).isoformat()})
    assert found["events"] and all(title.lower() in e["title"].lower() for e in found["events"])


def test_a_colleagues_calendar_shows_private_events_only_as_busy():
    ep = _episode()
    private = next(
        e for e in _events(ep)
        if e["visibility"] == "private" and _me(ep) not in [e["organizer"], *e["attendees"]] and e["recurrence"] is None
    )
    owner = _world(ep)["people"][private["organizer"]]
    listing = ok(ep, "list_calendar_events", {"calendar_id": owner["calendar_id"], "start": private["start"],
                                              "end": private["end"]})
    shown = next(e for e in listing["events"] if e["event_id"] == private["event_id"])
    assert shown["title"] == "Busy (private)" and shown["attendee_count"] == 0 and shown["location"] == ""
    assert shown["my_response"] == "not_invited"
    fails(ep, "get_calendar_event", {"event_id": private["event_id"]}, "private event", "query_calendar_free_busy")


def test_team_calendars_list_the_events_filed_on_them():
    ep = _episode()
    listing = ok(ep, "list_calendar_events", {"calendar_id": "CAL-ENGINEERING", "limit": 200})
    assert listing["events"] and {e["calendar_id"] for e in listing["events"]} == {"CAL-ENGINEERING"}
    assert any(e["title"] == "Engineering standup" for e in listing["events"])


def test_list_calendar_events_rejects_bad_windows_and_unknown_calendars():
    ep = _episode()
    now = _now(ep)
    fails(ep, "list_calendar_events", {"start": now.isoformat(), "end": (now - timedelta(hours=1)).isoformat()},
          "not after its start")
    fails(ep, "list_calendar_events", {"end": (now + timedelta(days=90)).isoformat()}, "at most 62 days")
    fails(ep, "list_calendar_events", {"start": "next tuesday"}, "not an ISO 8601")
    fails(ep, "list_calendar_events", {"start": "2031-01-01T10:00:00Z"}, "too far from now")
    fails(ep, "list_calendar_events", {"calendar_id": "CAL-999"}, "Unknown calendar", "search_calendar_people")


def test_get_calendar_event_shows_invitees_recurrence_and_my_reminders():
    ep = _episode()
    reminder = next(iter(_world(ep)["reminders"].values()))
    details = ok(ep, "get_calendar_event", {"event_id": reminder["event_id"]})
    assert reminder["reminder_id"] in [r["reminder_id"] for r in details["my_reminders"]]
    assert details["my_response"] != "not_invited"
    series = next(e for e in _events(ep) if e["recurrence"] and e["attendees"] and e["status"] == "confirmed"
                  and _me(ep) in e["attendees"])
    shown = ok(ep, "get_calendar_event", {"event_id": series["event_id"]})
    assert shown["recurrence"]["frequency"] == series["recurrence"]["frequency"]
    assert {a["email"]: a["response"] for a in shown["attendees"]} == series["attendees"]
    upcoming = shown["upcoming_occurrences"]
    assert 1 <= len(upcoming) <= 5 and all(_at(o["end"]) > _now(ep) for o in upcoming)
    fails(ep, "get_calendar_event", {"event_id": "EVT-9999"}, "Unknown event", "list_calendar_events")


def test_list_pending_calendar_invites_lists_unanswered_upcoming_invitations():
    ep = _episode()
    pending = ok(ep, "list_pending_calendar_invites", {"limit": 200})
    invites = pending["invites"]
    assert invites and all(i["my_response"] == "needs_action" and _at(i["end"]) > _now(ep) for i in invites)
    assert [_at(i["start"]) for i in invites] == sorted(_at(i["start"]) for i in invites)
    expected = {
        e["event_id"] for e in _events(ep)
        if e["status"] == "confirmed" and e["attendees"].get(_me(ep)) == "needs_action" and _at(e["end"]) > _now(ep)
    }
    assert expected <= {i["event_id"] for i in invites}
    assert len(ok(ep, "list_pending_calendar_invites", {"limit": 1})["invites"]) == 1


def test_query_calendar_free_busy_merges_busy_time_of_people_and_rooms():
    ep = _episode()
    meeting = _my_meeting(ep, room=True)
    invitee = next(iter(meeting["attendees"]))
    window = {"start": meeting["start"], "end": (_at(meeting["start"]) + timedelta(days=2)).isoformat()}
    result = ok(ep, "query_calendar_free_busy", {"emails": [invitee.upper()], "room_ids": [meeting["room_id"]],
                                                 **window})
    person, room = result["people"][0], result["rooms"][0]
    assert person["email"] == invitee and person["work_days"]
    assert room["room_id"] == meeting["room_id"]
    for periods in (room["busy"], person["busy"] if meeting["attendees"][invitee] != "declined" else room["busy"]):
        assert any(_at(p["start"]) <= _at(meeting["start"]) and _at(p["end"]) >= _at(meeting["end"]) for p in periods)
    for periods in (person["busy"], room["busy"]):
        assert all(_at(a["end"]) < _at(b["start"]) for a, b in zip(periods, periods[1:]))
    mine = ok(ep, "query_calendar_free_busy", window)
    assert [p["email"] for p in mine["people"]] == [_me(ep)] and mine["rooms"] == []
    fails(ep, "query_calendar_free_busy", {"emails": ["ghost@lumenworks.io"]}, "Unknown invitee",
          "search_calendar_people")
    fails(ep, "query_calendar_free_busy", {"room_ids": ["RM-NOWHERE"]}, "Unknown room")
    fails(ep, "query_calendar_free_busy", {"end": (_now(ep) + timedelta(days=20)).isoformat()}, "at most 14 days")


def test_find_calendar_free_slots_returns_times_when_everyone_is_free_at_work():
    ep = _episode()
    attendees = _colleagues(ep, 2)
    result = ok(ep, "find_calendar_free_slots", {"attendees": attendees, "duration_minutes": 60, "limit": 5})
    assert result["participants"] == [_me(ep), *attendees]
    slots = result["slots"]
    assert len(slots) == 5 and result["note"] == ""
    window = {"start": slots[0]["start"], "end": slots[-1]["end"]}
    busy = ok(ep, "query_calendar_free_busy", {"emails": result["participants"], **window})["people"]
    for slot in slots:
        start, end = _at(slot["start"]), _at(slot["end"])
        assert end - start == timedelta(hours=1) and start >= _now(ep) and start.minute in (0, 30)
        for person in busy:
            assert all(_at(p["end"]) <= start or _at(p["start"]) >= end for p in person["busy"])
            local = start.astimezone(_at(f"2026-01-01T00:00:00{person['time_zone'][3:]}").tzinfo)
            assert local.strftime("%H:%M:%S") >= person["work_start"]


def test_find_calendar_free_slots_respects_a_room_and_reports_when_nothing_fits():
    ep = _episode()
    booked = _my_meeting(ep, room=True)
    start = _at(booked["start"])
    window = {"window_start": (start - timedelta(hours=1)).isoformat(),
              "window_end": (start + timedelta(hours=3)).isoformat()}
    with_room = ok(ep, "find_calendar_free_slots", {"room_id": booked["room_id"], "working_hours_only": False,
                                                    "duration_minutes": 30, "limit": 50, **window})
    assert with_room["room_id"] == booked["room_id"]
    assert all(_at(s["end"]) <= start or _at(s["start"]) >= _at(booked["end"]) for s in with_room["slots"])
    far_apart = [p["email"] for p in _world(ep)["people"].values() if p["time_zone"] in ("UTC-08:00", "UTC+05:30")]
    nothing = ok(ep, "find_calendar_free_slots", {"attendees": far_apart[:6], "duration_minutes": 480})
    assert nothing["slots"] == [] and "working_hours_only=false" in nothing["note"]
    fails(ep, "find_calendar_free_slots", {"attendees": ["ghost@lumenworks.io"]}, "Unknown invitee")
    fails(ep, "find_calendar_free_slots", {"attendees": _colleagues(ep, 3), "room_id": "RM-LDN-SOHO"},
          "Room capacity exceeded", "seats 2")
    closed = next(r for r in _world(ep)["rooms"].values() if not r["in_service"])
    fails(ep, "find_calendar_free_slots", {"attendees": [], "room_id": closed["room_id"]}, "out of service")


# ----- creating events -----


def test_create_calendar_event_at_a_free_slot_invites_people_and_books_a_room():
    ep = _episode()
    attendees = _colleagues(ep, 2)
    office = _world(ep)["people"][_me(ep)]["office"]
    room = next(r for r in ok(ep, "list_calendar_rooms", {"office": office, "min_capacity": 3})["rooms"])
    slot = _slot(ep, attendees, room_id=room["room_id"])
    result = ok(ep, "create_calendar_event", {
        "title": "  Quarterly numbers  ", "start": slot["start"], "end": slot["end"],
        "attendees": [attendees[0].upper(), attendees[1], _me(ep)], "room_id": room["room_id"],
        "description": "Bring the Q1 actuals.", "location": "ignored when a room is set",
    })
    event = result["event"]
    assert result["busy_invitees"] == [] and result["double_booked_with"] == []
    assert event["title"] == "Quarterly numbers" and event["organizer"] == _me(ep)
    assert [(a["email"], a["response"]) for a in event["attendees"]] == [(e, "needs_action") for e in attendees]
    assert event["room_id"] == room["room_id"] and _at(event["start"]) == _at(slot["start"])
    assert ok(ep, "get_calendar_event", {"event_id": event["event_id"]}) == event
    assert event["event_id"] in _listed_ids(ep, start=slot["start"], end=slot["end"])
    invitee_calendar = _world(ep)["people"][attendees[0]]["calendar_id"]
    theirs = ok(ep, "list_calendar_events", {"calendar_id": invitee_calendar, "start": slot["start"],
                                             "end": slot["end"]})
    assert event["event_id"] in [e["event_id"] for e in theirs["events"]]
    room_busy = ok(ep, "query_calendar_free_busy", {"room_ids": [room["room_id"]], "start": slot["start"],
                                                    "end": slot["end"]})["rooms"][0]["busy"]
    assert [(_at(p["start"]), _at(p["end"])) for p in room_busy] == [(_at(slot["start"]), _at(slot["end"]))]


def test_create_calendar_event_reads_times_without_offset_in_the_events_time_zone():
    ep = _episode()
    day = (_now(ep) + timedelta(days=3)).date()
    event = ok(ep, "create_calendar_event", {
        "title": "Berlin-time call", "start": f"{day}T07:00:00", "end": f"{day}T07:30:00", "time_zone": "UTC+01:00",
        "allow_conflicts": True,
    })["event"]
    assert event["time_zone"] == "UTC+01:00"
    assert _at(event["start"]) == _at(f"{day}T06:00:00+00:00")


def test_create_recurring_events_expand_into_occurrences():
    ep = _episode()
    weekly = _create(ep, repeat="weekly", repeat_count=4, allow_conflicts=True)
    dates = [date.fromisoformat(o["occurrence_date"]) for o in weekly["upcoming_occurrences"]]
    assert len(dates) == 4 and all(b - a == timedelta(days=7) for a, b in zip(dates, dates[1:]))
    assert weekly["recurrence"] == {"frequency": "weekly", "interval": 1, "count": 4, "until": None,
                                    "cancelled_dates": []}
    span = {"start": weekly["start"], "end": (_at(weekly["start"]) + timedelta(days=40)).isoformat()}
    listed = [e for e in ok(ep, "list_calendar_events", {**span, "limit": 200})["events"]
              if e["event_id"] == weekly["event_id"]]
    assert [e["occurrence_date"] for e in listed] == [d.isoformat() for d in dates]

    monday = _now(ep).date() + timedelta(days=7 - _now(ep).weekday())
    until = monday + timedelta(days=13)
    weekdays = ok(ep, "create_calendar_event", {
        "title": "Daily check", "start": f"{monday}T07:00:00", "end": f"{monday}T07:15:00", "repeat": "weekdays",
        "repeat_until": until.isoformat(), "allow_conflicts": True,
    })["event"]
    listed = ok(ep, "list_calendar_events", {"start": f"{monday}T00:00:00", "end": f"{until}T23:59:00",
                                             "query": "daily check"})["events"]
    assert len(listed) == 10 and all(date.fromisoformat(e["occurrence_date"]).weekday() < 5 for e in listed)
    assert {e["event_id"] for e in listed} == {weekdays["event_id"]}


def test_create_calendar_event_on_a_team_calendar_i_can_write_to():
    ep = _episode()
    writable = next(c for c in ok(ep, "get_my_calendar_profile")["calendars"] if c["access"] == "write")
    event = _create(ep, calendar_id=writable["calendar_id"], title="Team lunch", allow_conflicts=True)
    assert event["calendar_id"] == writable["calendar_id"]
    assert event["event_id"] in _listed_ids(ep, calendar_id=writable["calendar_id"], start=event["start"],
                                            end=event["end"])


def test_create_calendar_event_refuses_conflicts_unless_allowed_and_reports_the_overlap():
    ep = _episode()
    mine = _my_meeting(ep)
    args = {"title": "Clash", "start": mine["start"], "end": mine["end"]}
    fails(ep, "create_calendar_event", args, "Calendar conflict", "you are busy", "allow_conflicts")
    result = ok(ep, "create_calendar_event", {**args, "allow_conflicts": True})
    assert mine["event_id"] in result["double_booked_with"]
    busy = next(e for e in _events(ep) if _upcoming(ep, e) and e["attendees"] and _me(ep) not in e["attendees"]
                and e["organizer"] != _me(ep) and e["visibility"] == "default")
    result = ok(ep, "create_calendar_event", {"title": "Overlap", "start": busy["start"], "end": busy["end"],
                                              "attendees": [busy["organizer"]], "allow_conflicts": True})
    assert result["busy_invitees"] == [busy["organizer"]]


def test_create_calendar_event_failures_leave_the_world_unchanged():
    ep = _episode()
    slot = _slot(ep, [])
    now = _now(ep)
    base = {"title": "Planning", "start": slot["start"], "end": slot["end"]}
    tool = "create_calendar_event"
    fails(ep, tool, {**base, "start": slot["end"], "end": slot["start"]}, "not after the start")
    fails(ep, tool, {**base, "end": (_at(slot["start"]) + timedelta(hours=25)).isoformat()}, "at most 24 hours")
    past = now - timedelta(days=1)
    fails(ep, tool, {**base, "start": past.isoformat(), "end": (past + timedelta(hours=1)).isoformat()},
          "in the past", "it is now")
    fails(ep, tool, {**base, "start": "tomorrow at 10"}, "not an ISO 8601")
    fails(ep, tool, {**base, "title": "   "}, "title is empty")
    fails(ep, tool, {**base, "attendees": ["nobody@example.com"]}, "Unknown invitee email", "nobody@example.com")
    readonly = next(c for c in ok(ep, "get_my_calendar_profile")["calendars"] if c["access"] == "read")
    fails(ep, tool, {**base, "calendar_id": readonly["calendar_id"]}, "cannot add events", "you can write to")
    fails(ep, tool, {**base, "room_id": "RM-LDN-SOHO", "attendees": _colleagues(ep, 2)}, "Room capacity exceeded")
    closed = next(r for r in _world(ep)["rooms"].values() if not r["in_service"])
    fails(ep, tool, {**base, "room_id": closed["room_id"]}, "out of service")
    booked = next(e for e in _events(ep) if _upcoming(ep, e) and e["room_id"] and e["organizer"] != _me(ep))
    fails(ep, tool, {**base, "start": booked["start"], "end": booked["end"], "room_id": booked["room_id"],
                     "allow_conflicts": True}, "already booked", booked["event_id"])


def test_invalid_recurrence_rules_are_refused():
    ep = _episode()
    now = _now(ep)
    day31 = next(now.date() + timedelta(days=n) for n in range(1, 70) if (now.date() + timedelta(days=n)).day == 31)
    saturday = next(now.date() + timedelta(days=n) for n in range(1, 8)
                    if (now.date() + timedelta(days=n)).weekday() == 5)
    slot = _slot(ep, [])
    base = {"title": "Series", "start": slot["start"], "end": slot["end"], "allow_conflicts": True}
    cases = [
        ({"repeat": "weekly"}, "needs an end"),
        ({"repeat": "weekly", "repeat_count": 3, "repeat_until": "2026-12-01"}, "not both"),
        ({"repeat_count": 3}, "only apply to a repeating event"),
        ({"repeat": "weekdays", "repeat_interval": 2, "repeat_count": 3}, "repeat_interval must be 1"),
        ({"repeat": "daily", "repeat_count": 200, "repeat_interval": 3}, "at most one year"),
        ({"repeat": "weekly", "repeat_until": (now.date() - timedelta(days=1)).isoformat()}, "before the first"),
        ({"repeat": "weekly", "repeat_until": "2026-02-30"}, "not a calendar date"),
        ({"repeat": "monthly", "repeat_count": 3, "start": f"{day31}T10:00:00", "end": f"{day31}T11:00:00"},
         "day 1-28"),
        ({"repeat": "weekdays", "repeat_count": 3, "start": f"{saturday}T10:00:00", "end": f"{saturday}T11:00:00"},
         "must start Mon-Fri"),
    ]
    for change, fragment in cases:
        fails(ep, "create_calendar_event", {**base, **change}, fragment)


# ----- changing events -----


def test_update_calendar_event_reschedules_and_resets_rsvps():
    ep = _episode()
    event = next(e for e in _events(ep) if e["organizer"] == _me(ep) and _upcoming(ep, e)
                 and "accepted" in e["attendees"].values() and e["room_id"] is None)
    slot = _slot(ep, list(event["attendees"]), minutes=30, index=3, working_hours_only=False)
    changed = ok(ep, "update_calendar_event", {"event_id": event["event_id"], "start": slot["start"],
                                               "title": "Moved sync", "visibility": "private"})["event"]
    assert _at(changed["start"]) == _at(slot["start"])
    assert _at(changed["end"]) - _at(changed["start"]) == _at(event["end"]) - _at(event["start"])
    assert changed["title"] == "Moved sync" and changed["visibility"] == "private"
    assert changed["description"] == event["description"]
    assert {a["response"] for a in changed["attendees"]} == {"needs_action"}
    shown = ok(ep, "get_calendar_event", {"event_id": event["event_id"]})
    assert shown["title"] == "Moved sync" and _at(shown["start"]) == _at(slot["start"])
    relocated = ok(ep, "update_calendar_event", {"event_id": event["event_id"], "location": "Zoom"})["event"]
    assert relocated["location"] == "Zoom" and relocated["start"] == shown["start"]


def test_update_calendar_event_failures_leave_the_world_unchanged():
    ep = _episode()
    tool = "update_calendar_event"
    invited = _invitation(ep)
    fails(ep, tool, {"event_id": invited["event_id"], "title": "Mine now"}, "Only the organizer",
          "respond_to_calendar_invite")
    fails(ep, tool, {"event_id": _strangers_meeting(ep)["event_id"], "title": "x"}, "not on this event")
    mine = _my_meeting(ep, room=False)
    fails(ep, tool, {"event_id": mine["event_id"]}, "Nothing to change")
    fails(ep, tool, {"event_id": mine["event_id"], "end": (_at(mine["start"]) - timedelta(minutes=5)).isoformat()},
          "not after the start")
    past_start = (_now(ep) - timedelta(hours=3)).isoformat()
    fails(ep, tool, {"event_id": mine["event_id"], "start": past_start}, "in the past")
    other = next(e for e in _events(ep) if e["organizer"] == _me(ep) and _upcoming(ep, e)
                 and e["event_id"] != mine["event_id"])
    fails(ep, tool, {"event_id": mine["event_id"], "start": other["start"], "end": other["end"]},
          "Calendar conflict", "find_calendar_free_slots")
    fails(ep, tool, {"event_id": _my_past_meeting(ep)["event_id"], "title": "x"}, "is over")
    cancelled = next(e for e in _events(ep) if e["organizer"] == _me(ep) and e["status"] == "cancelled")
    fails(ep, tool, {"event_id": cancelled["event_id"], "title": "x"}, "is cancelled")
    series = next(e for e in _events(ep) if e["organizer"] == _me(ep) and e["recurrence"])
    slot = _slot(ep, [])
    fails(ep, tool, {"event_id": series["event_id"], "start": slot["start"], "end": slot["end"]},
          "recurring series that began", "cancel_calendar_event_occurrence")
    fails(ep, tool, {"event_id": "EVT-9999", "title": "x"}, "Unknown event")


def test_cancel_calendar_event_cancels_a_single_event():
    ep = _episode()
    mine = _my_meeting(ep)
    result = ok(ep, "cancel_calendar_event", {"event_id": mine["event_id"]})
    assert result["scope"] == "event" and result["event"]["status"] == "cancelled"
    assert result["event"]["upcoming_occurrences"] == []
    assert mine["event_id"] not in _listed_ids(ep, start=mine["start"], end=mine["end"])
    assert mine["event_id"] in _listed_ids(ep, start=mine["start"], end=mine["end"], include_cancelled=True)
    fails(ep, "cancel_calendar_event", {"event_id": mine["event_id"]}, "is cancelled")


def test_cancel_calendar_event_ends_a_started_series_but_keeps_its_past():
    ep = _episode()
    series = next(e for e in _events(ep) if e["organizer"] == _me(ep) and e["recurrence"])
    assert _at(series["start"]) < _now(ep)
    result = ok(ep, "cancel_calendar_event", {"event_id": series["event_id"]})
    assert result["scope"] == "remaining_occurrences" and result["event"]["status"] == "confirmed"
    assert result["event"]["upcoming_occurrences"] == []
    until = date.fromisoformat(result["event"]["recurrence"]["until"])
    assert until <= _now(ep).date()
    past = ok(ep, "list_calendar_events", {"start": series["start"], "end": _now(ep).isoformat(), "limit": 200})
    assert series["event_id"] in [e["event_id"] for e in past["events"]]
    future = {"start": _now(ep).isoformat(), "end": (_now(ep) + timedelta(days=30)).isoformat()}
    assert series["event_id"] not in _listed_ids(ep, **future)
    fails(ep, "cancel_calendar_event", {"event_id": series["event_id"]}, "is over")


def test_cancel_calendar_event_cancels_a_series_that_has_not_started_as_a_whole():
    ep = _episode()
    series = _create(ep, repeat="daily", repeat_count=3, allow_conflicts=True)
    result = ok(ep, "cancel_calendar_event", {"event_id": series["event_id"]})
    assert result["scope"] == "series" and result["event"]["status"] == "cancelled"


def test_cancel_calendar_event_failures_leave_the_world_unchanged():
    ep = _episode()
    fails(ep, "cancel_calendar_event", {"event_id": _invitation(ep)["event_id"]}, "Only the organizer")
    fails(ep, "cancel_calendar_event", {"event_id": _my_past_meeting(ep)["event_id"]}, "is over")
    fails(ep, "cancel_calendar_event", {"event_id": "EVT-9999"}, "Unknown event")


def test_cancel_calendar_event_occurrence_drops_one_date_and_keeps_the_series():
    ep = _episode()
    series = _create(ep, repeat="weekly", repeat_count=3, allow_conflicts=True)
    second = series["upcoming_occurrences"][1]["occurrence_date"]
    result = ok(ep, "cancel_calendar_event_occurrence", {"event_id": series["event_id"], "occurrence_date": second})
    assert result["recurrence"]["cancelled_dates"] == [second]
    assert [o["occurrence_date"] for o in result["upcoming_occurrences"]] == [
        series["upcoming_occurrences"][0]["occurrence_date"], series["upcoming_occurrences"][2]["occurrence_date"]
    ]
    span = {"start": series["start"], "end": (_at(series["start"]) + timedelta(days=20)).isoformat()}
    listed = [e["occurrence_date"] for e in ok(ep, "list_calendar_events", {**span, "limit": 200})["events"]
              if e["event_id"] == series["event_id"]]
    assert second not in listed and len(listed) == 2
    assert result["status"] == "confirmed"
    fails(ep, "cancel_calendar_event_occurrence", {"event_id": series["event_id"], "occurrence_date": second},
          "already cancelled")


def test_cancel_calendar_event_occurrence_failures_leave_the_world_unchanged():
    ep = _episode()
    tool = "cancel_calendar_event_occurrence"
    single = _my_meeting(ep)
    day = single["start"][:10]
    fails(ep, tool, {"event_id": single["event_id"], "occurrence_date": day}, "single event, not a series",
          "cancel_calendar_event")
    series = next(e for e in _events(ep) if e["organizer"] == _me(ep) and e["recurrence"])
    details = ok(ep, "get_calendar_event", {"event_id": series["event_id"]})
    next_date = date.fromisoformat(details["upcoming_occurrences"][0]["occurrence_date"])
    saturday = next(next_date + timedelta(days=n) for n in range(7) if (next_date + timedelta(days=n)).weekday() == 5)
    fails(ep, tool, {"event_id": series["event_id"], "occurrence_date": saturday.isoformat()}, "no occurrence on",
          next_date.isoformat())
    first = series["start"][:10]
    fails(ep, tool, {"event_id": series["event_id"], "occurrence_date": first}, "already started")
    fails(ep, tool, {"event_id": series["event_id"], "occurrence_date": "2026-02-31"}, "not a calendar date")
    invited_series = next(e for e in _events(ep) if e["recurrence"] and _me(ep) in e["attendees"])
    fails(ep, tool, {"event_id": invited_series["event_id"], "occurrence_date": next_date.isoformat()},
          "Only the organizer")


# ----- invitees and RSVPs -----


def test_add_and_remove_calendar_event_attendees():
    ep = _episode()
    event = _create(ep, attendees=_colleagues(ep, 1))
    newcomer = _colleagues(ep, 3)[2]
    added = ok(ep, "add_calendar_event_attendees", {"event_id": event["event_id"], "emails": [newcomer]})
    responses = {a["email"]: a["response"] for a in added["event"]["attendees"]}
    assert responses[newcomer] == "needs_action" and len(responses) == 2
    theirs = _world(ep)["people"][newcomer]["calendar_id"]
    assert event["event_id"] in _listed_ids(ep, calendar_id=theirs, start=event["start"], end=event["end"])
    removed = ok(ep, "remove_calendar_event_attendees", {"event_id": event["event_id"], "emails": [newcomer]})
    assert newcomer not in [a["email"] for a in removed["attendees"]]
    assert event["event_id"] not in _listed_ids(ep, calendar_id=theirs, start=event["start"], end=event["end"])


def test_attendee_changes_fail_with_helpful_messages():
    ep = _episode()
    mine = _my_meeting(ep)
    invitee = next(iter(mine["attendees"]))
    add, remove = "add_calendar_event_attendees", "remove_calendar_event_attendees"
    fails(ep, add, {"event_id": mine["event_id"], "emails": ["ghost@lumenworks.io"]}, "Unknown invitee")
    fails(ep, add, {"event_id": mine["event_id"], "emails": [invitee]}, "Already on", invitee)
    fails(ep, add, {"event_id": mine["event_id"], "emails": [_me(ep)]}, "Already on")
    fails(ep, add, {"event_id": _invitation(ep)["event_id"], "emails": [invitee]}, "Only the organizer")
    fails(ep, add, {"event_id": _my_past_meeting(ep)["event_id"], "emails": [invitee]}, "is over")
    small = _create(ep, room_id="RM-LDN-SOHO", attendees=_colleagues(ep, 1))
    fails(ep, add, {"event_id": small["event_id"], "emails": [_colleagues(ep, 2)[1]]}, "Room capacity exceeded")
    stranger = next(email for email in _world(ep)["people"] if email not in mine["attendees"] and email != _me(ep))
    fails(ep, remove, {"event_id": mine["event_id"], "emails": [stranger]}, "Not invited", invitee)
    fails(ep, remove, {"event_id": _invitation(ep)["event_id"], "emails": [_me(ep)]}, "Only the organizer")


def test_respond_to_calendar_invite_records_my_answer():
    ep = _episode()
    invite = ok(ep, "list_pending_calendar_invites")["invites"][0]
    answered = ok(ep, "respond_to_calendar_invite", {"event_id": invite["event_id"], "response": "accepted"})
    assert answered["my_response"] == "accepted"
    assert invite["event_id"] not in [i["event_id"] for i in ok(ep, "list_pending_calendar_invites")["invites"]]
    declined = ok(ep, "respond_to_calendar_invite", {"event_id": invite["event_id"], "response": "declined"})
    assert {a["email"]: a["response"] for a in declined["attendees"]}[_me(ep)] == "declined"
    window = {"start": invite["start"], "end": invite["end"]}
    assert invite["event_id"] not in _listed_ids(ep, **window)
    shown = ok(ep, "list_calendar_events", {**window, "include_declined": True})["events"]
    assert {e["event_id"]: e["my_response"] for e in shown}[invite["event_id"]] == "declined"


def test_respond_to_calendar_invite_failures_leave_the_world_unchanged():
    ep = _episode()
    tool = "respond_to_calendar_invite"
    fails(ep, tool, {"event_id": _strangers_meeting(ep)["event_id"], "response": "accepted"}, "not invited",
          "ask its organizer")
    fails(ep, tool, {"event_id": _my_meeting(ep)["event_id"], "response": "accepted"}, "You organize")
    cancelled = next(e for e in _events(ep) if e["status"] == "cancelled" and _me(ep) in e["attendees"])
    fails(ep, tool, {"event_id": cancelled["event_id"], "response": "accepted"}, "was cancelled")
    over = next(e for e in _events(ep) if e["status"] == "confirmed" and _me(ep) in e["attendees"]
                and e["recurrence"] is None and _at(e["end"]) < _now(ep))
    fails(ep, tool, {"event_id": over["event_id"], "response": "declined"}, "is over")
    fails(ep, tool, {"event_id": "EVT-9999", "response": "declined"}, "Unknown event")


# ----- rooms and reminders -----


def test_book_and_release_a_room_for_my_event():
    ep = _episode()
    event = _create(ep, attendees=_colleagues(ep, 2))
    office = _world(ep)["people"][_me(ep)]["office"]
    free = ok(ep, "list_calendar_rooms", {"office": office, "min_capacity": 3, "free_from": event["start"],
                                          "free_until": event["end"]})["rooms"]
    booked = ok(ep, "book_calendar_event_room", {"event_id": event["event_id"], "room_id": free[0]["room_id"]})
    assert booked["room_id"] == free[0]["room_id"]
    after = ok(ep, "list_calendar_rooms", {"office": office, "free_from": event["start"], "free_until": event["end"]})
    assert free[0]["room_id"] not in [r["room_id"] for r in after["rooms"]]
    released = ok(ep, "release_calendar_event_room", {"event_id": event["event_id"]})
    assert released["room_id"] is None
    assert ok(ep, "get_calendar_event", {"event_id": event["event_id"]})["room_id"] is None
    again = ok(ep, "list_calendar_rooms", {"office": office, "free_from": event["start"], "free_until": event["end"]})
    assert free[0]["room_id"] in [r["room_id"] for r in again["rooms"]]
    fails(ep, "release_calendar_event_room", {"event_id": event["event_id"]}, "no room booked")


def test_room_booking_failures_leave_the_world_unchanged():
    ep = _episode()
    tool = "book_calendar_event_room"
    mine = _my_meeting(ep, room=True)
    fails(ep, tool, {"event_id": mine["event_id"], "room_id": mine["room_id"]}, "already booked in room")
    big = _create(ep, attendees=_colleagues(ep, 2))
    fails(ep, tool, {"event_id": big["event_id"], "room_id": "RM-LDN-SOHO"}, "Room capacity exceeded", "seats 2")
    closed = next(r for r in _world(ep)["rooms"].values() if not r["in_service"])
    fails(ep, tool, {"event_id": big["event_id"], "room_id": closed["room_id"]}, "out of service")
    taken = ok(ep, "create_calendar_event", {"title": "Hold", "start": big["start"], "end": big["end"],
                                             "room_id": "RM-BER-SPREE", "allow_conflicts": True})["event"]
    fails(ep, tool, {"event_id": big["event_id"], "room_id": "RM-BER-SPREE"}, "already booked", taken["event_id"])
    fails(ep, tool, {"event_id": big["event_id"], "room_id": "RM-NOWHERE"}, "Unknown room", "list_calendar_rooms")
    fails(ep, tool, {"event_id": _invitation(ep)["event_id"], "room_id": "RM-BER-SPREE"}, "Only the organizer")
    fails(ep, "release_calendar_event_room", {"event_id": _invitation(ep)["event_id"]}, "Only the organizer")


def test_add_and_remove_calendar_event_reminders():
    ep = _episode()
    invite = _invitation(ep)
    added = ok(ep, "add_calendar_event_reminder", {"event_id": invite["event_id"], "minutes_before": 45,
                                                   "method": "email"})
    reminder = next(r for r in added["reminders"] if r["minutes_before"] == 45)
    assert reminder["method"] == "email" and added["event_id"] == invite["event_id"]
    details = ok(ep, "get_calendar_event", {"event_id": invite["event_id"]})
    assert reminder in details["my_reminders"]
    left = ok(ep, "remove_calendar_event_reminder", {"reminder_id": reminder["reminder_id"]})
    assert reminder not in left["reminders"]
    assert reminder not in ok(ep, "get_calendar_event", {"event_id": invite["event_id"]})["my_reminders"]
    fails(ep, "remove_calendar_event_reminder", {"reminder_id": reminder["reminder_id"]}, "Unknown reminder")


def test_reminder_failures_leave_the_world_unchanged():
    ep = _episode()
    tool = "add_calendar_event_reminder"
    fails(ep, tool, {"event_id": _strangers_meeting(ep)["event_id"], "minutes_before": 10}, "not on your calendar")
    fails(ep, tool, {"event_id": _my_past_meeting(ep)["event_id"], "minutes_before": 10}, "is over")
    existing = next(iter(_world(ep)["reminders"].values()))
    fails(ep, tool, {"event_id": existing["event_id"], "minutes_before": existing["minutes_before"],
                     "method": existing["method"]}, "already has")
    event = _create(ep)
    for minutes in (5, 10, 15, 20, 25):
        ok(ep, tool, {"event_id": event["event_id"], "minutes_before": minutes})
    fails(ep, tool, {"event_id": event["event_id"], "minutes_before": 30}, "already has 5 reminders")
    cancelled = next(e for e in _events(ep) if e["status"] == "cancelled" and _me(ep) in e["attendees"])
    fails(ep, tool, {"event_id": cancelled["event_id"], "minutes_before": 10}, "is cancelled")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = _episode()
    before = ep.state_hash()
    slot = _slot(ep, [])
    base = {"title": "x", "start": slot["start"], "end": slot["end"]}
    bad = [
        {**base, "title": ""},
        {**base, "title": "x" * 10_000},
        {**base, "start": "2026-03-10T10:00:00" + "0" * 100},
        {**base, "attendees": "someone@lumenworks.io"},
        {**base, "attendees": ["a@b.c"] * 31},
        {**base, "repeat": "yearly"},
        {**base, "repeat_count": -1},
        {**base, "repeat_interval": 13},
        {**base, "repeat_until": "next week"},
        {**base, "time_zone": "Europe/Berlin"},
        {**base, "allow_conflicts": "yes"},
        {**base, "extra": 1},
    ]
    for args in bad:
        assert ep.call("create_calendar_event", args).status == "invalid_arguments", args
    assert ep.call("find_calendar_free_slots", {"duration_minutes": 5}).status == "invalid_arguments"
    assert ep.call("cancel_calendar_event_occurrence", {"event_id": "EVT-0001", "occurrence_date": "3/10"}).status \
        == "invalid_arguments"
    assert ep.call("search_calendar_people", {"query": "Zoë ../../etc .*("}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Find colleagues, a free slot and a room; create a weekly series there; invite, skip a week, RSVP, remind."""
    office = ok(ep, "get_my_calendar_profile")["me"]["office"]
    people = ok(ep, "search_calendar_people", {"office": office, "limit": 50})["people"]
    colleagues = [p["email"] for p in people if p["email"] != _me(ep)][:3]
    room = ok(ep, "list_calendar_rooms", {"office": office, "min_capacity": 4})["rooms"][0]
    slot = ok(ep, "find_calendar_free_slots", {"attendees": colleagues[:2], "duration_minutes": 45,
                                               "room_id": room["room_id"]})["slots"][0]
    series = ok(ep, "create_calendar_event", {
        "title": "Forecast working group", "start": slot["start"], "end": slot["end"], "attendees": colleagues[:2],
        "room_id": room["room_id"], "repeat": "weekly", "repeat_count": 4, "allow_conflicts": True,
    })["event"]
    ok(ep, "add_calendar_event_attendees", {"event_id": series["event_id"], "emails": [colleagues[2]]})
    skipped = series["upcoming_occurrences"][1]["occurrence_date"]
    ok(ep, "cancel_calendar_event_occurrence", {"event_id": series["event_id"], "occurrence_date": skipped})
    invite = ok(ep, "list_pending_calendar_invites")["invites"][0]
    ok(ep, "respond_to_calendar_invite", {"event_id": invite["event_id"], "response": "tentative"})
    reminder = ok(ep, "add_calendar_event_reminder", {"event_id": series["event_id"], "minutes_before": 10})
    return {
        "series_id": series["event_id"],
        "invite_id": invite["event_id"],
        "room_id": room["room_id"],
        "reminder_id": reminder["reminders"][0]["reminder_id"],
        "skipped": skipped,
        "added": colleagues[2],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    runs = []
    for _ in range(2):
        episode = _episode()
        before = episode.state_hash()
        runs.append((episode, before, _scenario(episode), episode.state_hash()))
    (first, initial, ids, final), (_, _, replayed_ids, replayed_final) = runs
    assert final != initial
    assert (replayed_ids, replayed_final) == (ids, final)

    series = ok(first, "get_calendar_event", {"event_id": ids["series_id"]})
    assert series["room_id"] == ids["room_id"] and series["recurrence"]["cancelled_dates"] == [ids["skipped"]]
    assert len(series["upcoming_occurrences"]) == 3 and ids["skipped"] not in [
        o["occurrence_date"] for o in series["upcoming_occurrences"]
    ]
    assert {a["email"]: a["response"] for a in series["attendees"]}[ids["added"]] == "needs_action"
    assert [r["reminder_id"] for r in series["my_reminders"]] == [ids["reminder_id"]]
    assert ok(first, "get_calendar_event", {"event_id": ids["invite_id"]})["my_response"] == "tentative"


def test_new_world_is_deterministic_per_seed():
    assert _episode(0).state_hash() == _episode(0).state_hash()
    assert _episode(0).state_hash() != _episode(1).state_hash()
    a, b = _episode(5), _episode(5)
    week = {"limit": 200}
    assert a.call("list_calendar_events", week).content == b.call("list_calendar_events", week).content


def test_default_world_is_large_and_varied():
    world = _world(_episode())
    events = list(world["events"].values())
    assert len(world["people"]) == 30 and len(world["rooms"]) == 8 and 200 <= len(events) <= 240
    assert {e["recurrence"]["frequency"] for e in events if e["recurrence"]} == {"weekdays", "weekly", "monthly"}
    assert {e["status"] for e in events} == {"confirmed", "cancelled"}
    assert {e["visibility"] for e in events} == {"default", "private"}
    assert {r for e in events for r in e["attendees"].values()} == {"needs_action", "accepted", "tentative", "declined"}
    assert len({p["time_zone"] for p in world["people"].values()}) == 5
    mine = [e for e in events if world["me"] in [e["organizer"], *e["attendees"]]]
    assert len(mine) >= 50 and world["reminders"]


def test_the_package_does_not_shadow_the_standard_calendar_module():
    import calendar

    assert calendar.monthrange(2026, 2) == (6, 28)
