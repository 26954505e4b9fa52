"""Calendar tools: look up people, rooms, calendars and events; check free/busy time and find free slots; create,
reschedule and cancel events (whole series or single occurrences); invite people, book rooms, RSVP and set reminders.

Every tool acts as the world's acting user. Times in results are shown in the acting user's time zone; a time given
without a UTC offset is read in the acting user's time zone (for a new event, in the time zone chosen for it).
"""

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.calendar.world import (
    UTC,
    WEEKDAYS,
    ZONES,
    CalendarId,
    CalendarWorld,
    Department,
    Event,
    EventId,
    Frequency,
    Occurrence,
    Office,
    Person,
    PersonEmail,
    Recurrence,
    Reminder,
    ReminderId,
    ReminderMethod,
    Response,
    Room,
    RoomId,
    TimeZone,
    Visibility,
    Weekday,
    last_occurrence,
    occurrences,
)
from mcp_servers.core import Entity, ServerDef, ToolError, require

server = ServerDef(
    "calendar",
    CalendarWorld,
    group="productivity",
    description=(
        "Shared calendar of one organization: people and their working hours, personal and team calendars, meeting "
        "rooms, events with invitees and RSVPs (some recurring), free/busy lookup, free-slot search and reminders."
    ),
)

_TIME = Field(max_length=40)
StartTime = Annotated[str, Entity("slot_start"), Field(min_length=1, max_length=40)]
EndTime = Annotated[str, Entity("slot_end"), Field(min_length=1, max_length=40)]
OptionalStart = Annotated[str, Entity("slot_start"), _TIME]
OptionalEnd = Annotated[str, Entity("slot_end"), _TIME]
WindowTime = Annotated[str, _TIME]
SlotStart = Annotated[datetime, Entity("slot_start")]
SlotEnd = Annotated[datetime, Entity("slot_end")]
OccurrenceDay = Annotated[date, Entity("occurrence_date")]
OccurrenceDayText = Annotated[str, Entity("occurrence_date"), Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
UntilDate = Annotated[str, Field(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
Invitees = Annotated[list[PersonEmail], Field(max_length=30)]
SomeInvitees = Annotated[list[PersonEmail], Field(min_length=1, max_length=30)]
OptionalRoomId = Annotated[str, Entity("room"), Field(max_length=40)]
OptionalCalendarId = Annotated[str, Entity("calendar"), Field(max_length=40)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
OptionalTitle = Annotated[str, Field(max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
Location = Annotated[str, Field(max_length=200)]
Query = Annotated[str, Field(max_length=120)]
Limit = Annotated[int, Field(ge=1, le=200)]
Minutes = Annotated[int, Field(ge=15, le=480)]
ReminderMinutes = Annotated[int, Field(ge=0, le=40320)]
RepeatInterval = Annotated[int, Field(ge=1, le=12)]
RepeatCount = Annotated[int, Field(ge=0, le=366)]
Repeat = Literal["none"] | Frequency
MyResponse = Literal["organizer", "needs_action", "accepted", "tentative", "declined", "not_invited"]

HORIZON = timedelta(days=400)
"""How far from now a given time may lie: the calendar covers about a year either way."""
MAX_EVENT_LENGTH = timedelta(hours=24)
MAX_SERIES_SPAN = timedelta(days=366)
MAX_REMINDERS = 5
_NO_EVENT = "Use list_calendar_events to find event ids."


# ----- result models -----


class PersonList(BaseModel):
    people: list[Person]
    total_matched: int


class CalendarAccess(BaseModel):
    calendar_id: CalendarId
    name: str
    kind: Literal["personal", "team"]
    owner: PersonEmail | None
    access: Literal["owner", "write", "read"]
    description: str


class CalendarProfile(BaseModel):
    me: Person
    now: datetime = Field(description="The current time, in your time zone.")
    calendars: list[CalendarAccess]
    pending_invites: int = Field(description="Upcoming invitations you have not answered yet.")
    note: str


class RoomList(BaseModel):
    rooms: list[Room]
    free_from: datetime | None = Field(description="When set, only rooms free from free_from to free_until are listed.")
    free_until: datetime | None


class EventSummary(BaseModel):
    """One occurrence of an event in a calendar view; another person's private event shows only as busy time."""

    event_id: EventId
    occurrence_date: OccurrenceDay | None = Field(
        description="Recurring events only: this occurrence's date in the event's time zone."
    )
    title: str
    start: datetime
    end: datetime
    calendar_id: CalendarId
    organizer: PersonEmail
    room_id: RoomId | None
    location: str
    status: Literal["confirmed", "cancelled"]
    visibility: Visibility
    recurring: bool
    my_response: MyResponse
    attendee_count: int


class EventList(BaseModel):
    calendar_id: CalendarId
    window_start: datetime
    window_end: datetime
    events: list[EventSummary]
    total_matched: int


class InviteList(BaseModel):
    invites: list[EventSummary] = Field(description="Each unanswered invitation, shown at its next occurrence.")
    total_matched: int


class Attendee(BaseModel):
    email: PersonEmail
    name: str
    response: Response


class OccurrenceView(BaseModel):
    occurrence_date: OccurrenceDay
    start: datetime
    end: datetime


class EventDetails(BaseModel):
    event_id: EventId
    calendar_id: CalendarId
    title: str
    description: str
    start: datetime = Field(description="Start of the event; for a series, of its first occurrence.")
    end: datetime
    time_zone: TimeZone
    organizer: PersonEmail
    attendees: list[Attendee]
    room_id: RoomId | None
    location: str
    visibility: Visibility
    status: Literal["confirmed", "cancelled"]
    recurrence: Recurrence | None
    upcoming_occurrences: list[OccurrenceView] = Field(description="Up to five occurrences that have not ended yet.")
    my_response: MyResponse
    my_reminders: list[Reminder]


class ScheduledEvent(BaseModel):
    event: EventDetails
    busy_invitees: list[PersonEmail] = Field(description="Invitees busy at some occurrence (invited anyway).")
    double_booked_with: list[EventId] = Field(description="Your events it overlaps, when allow_conflicts was set.")


class Cancellation(BaseModel):
    event: EventDetails
    scope: Literal["event", "series", "remaining_occurrences"] = Field(
        description="remaining_occurrences: the series had started; past occurrences are kept, later ones removed."
    )


class BusyPeriod(BaseModel):
    start: datetime
    end: datetime


class PersonFreeBusy(BaseModel):
    email: PersonEmail
    name: str
    time_zone: TimeZone
    work_start: time
    work_end: time
    work_days: list[Weekday]
    busy: list[BusyPeriod]


class RoomFreeBusy(BaseModel):
    room_id: RoomId
    name: str
    capacity: int
    in_service: bool
    busy: list[BusyPeriod]


class FreeBusy(BaseModel):
    window_start: datetime
    window_end: datetime
    people: list[PersonFreeBusy]
    rooms: list[RoomFreeBusy]


class FreeSlot(BaseModel):
    start: SlotStart
    end: SlotEnd


class FreeSlotList(BaseModel):
    participants: list[PersonEmail] = Field(description="You and the attendees the slots suit.")
    room_id: RoomId | None
    duration_minutes: int
    window_start: datetime
    window_end: datetime
    slots: list[FreeSlot]
    note: str = Field(description="Why no slot was found, when none was.")


class EventReminders(BaseModel):
    event_id: EventId
    reminders: list[Reminder]


# ----- time -----


def _me(world: CalendarWorld) -> Person:
    return world.people[world.me]


def _zone(world: CalendarWorld) -> timezone:
    return ZONES[_me(world).time_zone]


def _local(world: CalendarWorld, moment: datetime) -> datetime:
    return moment.astimezone(_zone(world))


def _iso(world: CalendarWorld, moment: datetime) -> str:
    return _local(world, moment).isoformat()


def _when(world: CalendarWorld, start: datetime, end: datetime) -> str:
    """A span in the acting user's time zone, e.g. 'Tue 2026-03-10 14:00-15:00 (UTC-05:00)'."""
    first, last = _local(world, start), _local(world, end)
    begins = f"{WEEKDAYS[first.weekday()]} {first:%Y-%m-%d %H:%M}"
    ends = f"{last:%H:%M}" if last.date() == first.date() else f"{WEEKDAYS[last.weekday()]} {last:%Y-%m-%d %H:%M}"
    return f"{begins}-{ends} ({_me(world).time_zone})"


def _parse_time(world: CalendarWorld, text: str, label: str, zone: timezone) -> datetime:
    """An ISO 8601 date-time as UTC; without an offset it is read in `zone`."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ToolError(
            f"{label} {text[:40]!r} is not an ISO 8601 date-time such as 2026-03-10T14:00:00-05:00."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if abs(moment - world.now) > HORIZON:
        raise ToolError(f"{label} {text[:40]!r} is too far from now ({_iso(world, world.now)}).")
    return moment.astimezone(UTC)


def _parse_date(world: CalendarWorld, text: str, label: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"{label} {text!r} is not a calendar date (YYYY-MM-DD).") from None
    if abs(day - world.now.date()) > HORIZON:
        raise ToolError(f"{label} {day} is too far from today ({world.now.date()}).")
    return day


def _window(
    world: CalendarWorld, start: str, end: str, default_start: datetime, default_span: timedelta, max_days: int
) -> tuple[datetime, datetime]:
    begins = _parse_time(world, start, "Window start", _zone(world)) if start else default_start
    ends = _parse_time(world, end, "Window end", _zone(world)) if end else begins + default_span
    if ends <= begins:
        raise ToolError(f"The window end ({_iso(world, ends)}) is not after its start ({_iso(world, begins)}).")
    if ends - begins > timedelta(days=max_days):
        raise ToolError(f"The window spans more than {max_days} days; ask for at most {max_days} days at a time.")
    return begins, ends


def _event_span(world: CalendarWorld, start: datetime, end: datetime) -> None:
    """Refuse a span that ends before it starts, lasts over a day, or lies in the past."""
    if end <= start:
        raise ToolError(f"The end ({_iso(world, end)}) is not after the start ({_iso(world, start)}).")
    if end - start > MAX_EVENT_LENGTH:
        raise ToolError("An event lasts at most 24 hours; for longer stretches create a repeating event.")
    if start < world.now:
        raise ToolError(
            f"The start ({_iso(world, start)}) is in the past; it is now {_iso(world, world.now)}. "
            "Events can only be scheduled from now on."
        )


def _recurrence(world: CalendarWorld, repeat: str, interval: int, count: int, until: str) -> Recurrence | None:
    """The rule a new event asks for, or None for a single event; `_check_series` checks it against the start."""
    if repeat == "none":
        if count or until or interval != 1:
            raise ToolError(
                "repeat_count, repeat_until and repeat_interval only apply to a repeating event; set repeat to "
                "daily, weekdays, weekly or monthly."
            )
        return None
    if count and until:
        raise ToolError("Give either repeat_count or repeat_until to end the series, not both.")
    if not count and not until:
        raise ToolError(
            "A repeating event needs an end: give repeat_count (number of occurrences) or repeat_until (date of "
            "the last one, YYYY-MM-DD)."
        )
    if repeat == "weekdays" and interval != 1:
        raise ToolError("A weekdays series repeats every working day; repeat_interval must be 1.")
    last_day = _parse_date(world, until, "repeat_until") if until else None
    return Recurrence(frequency=repeat, interval=interval, count=count or None, until=last_day)


def _check_series(event: Event) -> None:
    """Refuse a recurrence rule that cannot start when the event starts, or that would run for over a year."""
    rule = event.recurrence
    if rule is None:
        return
    first = event.start.astimezone(ZONES[event.time_zone])
    if rule.frequency == "weekdays" and first.weekday() >= 5:
        raise ToolError(f"{first.date()} is a {WEEKDAYS[first.weekday()]}; a weekdays series must start Mon-Fri.")
    if rule.frequency == "monthly" and first.day > 28:
        raise ToolError(
            f"A monthly series repeats on the same date, and day {first.day} is missing from some months; start it "
            "on day 1-28."
        )
    if rule.until is not None and rule.until < first.date():
        raise ToolError(f"repeat_until {rule.until} is before the first occurrence on {first.date()}.")
    last = last_occurrence(event)
    if last is not None and last.start - event.start > MAX_SERIES_SPAN:
        raise ToolError(f"The series would run until {last.day}; a series may span at most one year.")


# ----- access -----


def _event(world: CalendarWorld, event_id: str) -> Event:
    return require(world.events, event_id, "event", _NO_EVENT)


def _hidden(world: CalendarWorld, event: Event) -> bool:
    """Another person's private event: others see only that the time is busy."""
    return event.visibility == "private" and world.me not in event.participants()


def _viewable(world: CalendarWorld, event_id: str) -> Event:
    event = _event(world, event_id)
    if _hidden(world, event):
        raise ToolError(
            f"{event_id} is a private event of {event.organizer}; only its busy time is visible "
            "(query_calendar_free_busy)."
        )
    return event


def _ended(world: CalendarWorld, event: Event) -> bool:
    last = last_occurrence(event)
    return last is None or last.end <= world.now


def _organized(world: CalendarWorld, event_id: str) -> Event:
    """An event the acting user organizes and may still change: confirmed and not over."""
    event = _event(world, event_id)
    if event.organizer != world.me:
        hint = (
            "you are an invitee and can RSVP with respond_to_calendar_invite."
            if world.me in event.attendees
            else "you are not on this event."
        )
        raise ToolError(f"Only the organizer ({event.organizer}) can change {event_id}; {hint}")
    if event.status == "cancelled":
        raise ToolError(f"{event_id} ('{event.title}') is cancelled.")
    if _ended(world, event):
        raise ToolError(f"{event_id} ('{event.title}') is over; past events cannot be changed.")
    return event


def _writable_calendar(world: CalendarWorld, calendar_id: str) -> str:
    calendar = require(world.calendars, calendar_id, "calendar", "get_my_calendar_profile lists your calendars.")
    if calendar.owner == world.me or world.me in calendar.writers:
        return calendar_id
    writable = [c.calendar_id for c in world.calendars.values() if c.owner == world.me or world.me in c.writers]
    raise ToolError(
        f"You cannot add events to {calendar_id} ({calendar.name}); you can write to: {', '.join(writable)}."
    )


def _people(world: CalendarWorld, emails: Iterable[str]) -> list[str]:
    """Known people's emails, normalized and without repeats."""
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails))
    unknown = [email for email in wanted if email not in world.people]
    if unknown:
        raise ToolError(
            f"Unknown invitee email(s): {', '.join(unknown[:5])}. Use search_calendar_people to find the address."
        )
    return wanted


def _usable_room(world: CalendarWorld, room_id: str, headcount: int) -> Room:
    room = require(world.rooms, room_id, "room", "Use list_calendar_rooms to see the rooms.")
    if not room.in_service:
        raise ToolError(f"Room {room_id} ({room.name}) is out of service: {room.note} Pick another room.")
    if room.capacity < headcount:
        raise ToolError(
            f"Room capacity exceeded: {room_id} ({room.name}) seats {room.capacity}, and the event has {headcount} "
            f"people (organizer and invitees). Pick a larger room (list_calendar_rooms with "
            f"min_capacity={headcount}) or invite fewer people."
        )
    return room


def _my_response(world: CalendarWorld, event: Event) -> MyResponse:
    if event.organizer == world.me:
        return "organizer"
    return event.attendees.get(world.me, "not_invited")


# ----- busy time -----


def _occupied(
    world: CalendarWorld,
    keys: list[str],
    after: datetime,
    before: datetime,
    holders: Callable[[Event], Iterable[str]],
    skip: str | None = None,
) -> dict[str, list[Occurrence]]:
    """For each key (an email or a room id), the occurrences in [after, before) of the events it is held by."""
    found: dict[str, list[Occurrence]] = {key: [] for key in keys}
    for event in world.events.values():
        if event.status != "confirmed" or event.event_id == skip:
            continue
        hits = [key for key in holders(event) if key in found]
        if hits:
            for occurrence in occurrences(event, after, before):
                for key in hits:
                    found[key].append(occurrence)
    for taken in found.values():
        taken.sort(key=lambda occurrence: (occurrence.start, occurrence.event.event_id))
    return found


def _people_busy(
    world: CalendarWorld, emails: list[str], after: datetime, before: datetime, skip: str | None = None
) -> dict[str, list[Occurrence]]:
    return _occupied(world, emails, after, before, lambda e: [p for p in e.participants() if e.blocks(p)], skip)


def _room_busy(
    world: CalendarWorld, room_ids: list[str], after: datetime, before: datetime, skip: str | None = None
) -> dict[str, list[Occurrence]]:
    return _occupied(world, room_ids, after, before, lambda e: [e.room_id] if e.room_id else [], skip)


def _clashes(spans: list[tuple[datetime, datetime]], busy: list[Occurrence]) -> list[Occurrence]:
    """The busy occurrences (sorted by start) that overlap any of the spans."""
    if not busy:
        return []
    starts = [occurrence.start for occurrence in busy]
    longest = max(occurrence.end - occurrence.start for occurrence in busy)
    found: dict[tuple[str, datetime], Occurrence] = {}
    for start, end in spans:
        for occurrence in busy[bisect_left(starts, start - longest) : bisect_left(starts, end)]:
            if occurrence.end > start:
                found.setdefault((occurrence.event.event_id, occurrence.start), occurrence)
    return sorted(found.values(), key=lambda occurrence: (occurrence.start, occurrence.event.event_id))


def _merged(busy: list[Occurrence]) -> list[BusyPeriod]:
    periods: list[BusyPeriod] = []
    for occurrence in busy:
        if periods and occurrence.start <= periods[-1].end:
            periods[-1].end = max(periods[-1].end, occurrence.end)
        else:
            periods.append(BusyPeriod(start=occurrence.start, end=occurrence.end))
    return periods


def _upcoming_spans(world: CalendarWorld, event: Event) -> list[tuple[datetime, datetime]]:
    """The spans of the event's occurrences that have not ended yet."""
    last = last_occurrence(event)
    if last is None:
        return []
    return [(occurrence.start, occurrence.end) for occurrence in occurrences(event, world.now, last.end)]


def _require_room_free(
    world: CalendarWorld, room: Room, spans: list[tuple[datetime, datetime]], skip: str | None
) -> None:
    if not spans:
        return
    busy = _room_busy(world, [room.room_id], spans[0][0], spans[-1][1], skip)[room.room_id]
    clashes = _clashes(spans, busy)
    if clashes:
        taken = clashes[0]
        raise ToolError(
            f"Room {room.room_id} ({room.name}) is already booked {_when(world, taken.start, taken.end)} by "
            f"{taken.event.event_id} (organizer {taken.event.organizer}). Choose another time, or a free room with "
            "list_calendar_rooms and free_from/free_until."
        )


def _my_conflicts(
    world: CalendarWorld, spans: list[tuple[datetime, datetime]], skip: str | None, allow_conflicts: bool
) -> list[str]:
    """Ids of the acting user's events overlapping the spans; refused unless conflicts are allowed."""
    if not spans:
        return []
    clashes = _clashes(spans, _people_busy(world, [world.me], spans[0][0], spans[-1][1], skip)[world.me])
    if clashes and not allow_conflicts:
        first = clashes[0]
        more = f" (and {len(clashes) - 1} more overlaps)" if len(clashes) > 1 else ""
        raise ToolError(
            f"Calendar conflict: you are busy {_when(world, first.start, first.end)} with {first.event.event_id} "
            f"'{first.event.title}'{more}. Pick a free time with find_calendar_free_slots, or pass "
            "allow_conflicts=true to double-book yourself."
        )
    return list(dict.fromkeys(occurrence.event.event_id for occurrence in clashes))


def _busy_invitees(
    world: CalendarWorld, emails: list[str], spans: list[tuple[datetime, datetime]], skip: str | None
) -> list[str]:
    if not spans or not emails:
        return []
    busy = _people_busy(world, emails, spans[0][0], spans[-1][1], skip)
    return [email for email in emails if _clashes(spans, busy[email])]


def _within_hours(person: Person, start: datetime, end: datetime) -> bool:
    zone = ZONES[person.time_zone]
    local = start.astimezone(zone)
    opens = datetime.combine(local.date(), person.work_start, zone)
    closes = datetime.combine(local.date(), person.work_end, zone)
    return WEEKDAYS[local.weekday()] in person.work_days and opens <= start and end <= closes


# ----- views -----


def _summary(world: CalendarWorld, occurrence: Occurrence) -> EventSummary:
    event = occurrence.event
    hidden = _hidden(world, event)
    return EventSummary(
        event_id=event.event_id,
        occurrence_date=occurrence.day if event.recurrence is not None else None,
        title="Busy (private)" if hidden else event.title,
        start=_local(world, occurrence.start),
        end=_local(world, occurrence.end),
        calendar_id=event.calendar_id,
        organizer=event.organizer,
        room_id=None if hidden else event.room_id,
        location="" if hidden else event.location,
        status=event.status,
        visibility=event.visibility,
        recurring=event.recurrence is not None,
        my_response=_my_response(world, event),
        attendee_count=0 if hidden else len(event.attendees),
    )


def _details(world: CalendarWorld, event: Event) -> EventDetails:
    upcoming: list[Occurrence] = []
    if event.status == "confirmed":
        upcoming = list(islice(occurrences(event, world.now, world.now + HORIZON), 5))
    return EventDetails(
        event_id=event.event_id,
        calendar_id=event.calendar_id,
        title=event.title,
        description=event.description,
        start=_local(world, event.start),
        end=_local(world, event.end),
        time_zone=event.time_zone,
        organizer=event.organizer,
        attendees=[
            Attendee(email=email, name=world.people[email].name, response=response)
            for email, response in event.attendees.items()
        ],
        room_id=event.room_id,
        location=event.location,
        visibility=event.visibility,
        status=event.status,
        recurrence=event.recurrence,
        upcoming_occurrences=[
            OccurrenceView(occurrence_date=o.day, start=_local(world, o.start), end=_local(world, o.end))
            for o in upcoming
        ],
        my_response=_my_response(world, event),
        my_reminders=_reminders_of(world, event.event_id),
    )


def _reminders_of(world: CalendarWorld, event_id: str) -> list[Reminder]:
    return [reminder for reminder in world.reminders.values() if reminder.event_id == event_id]


def _pending(world: CalendarWorld) -> list[Event]:
    """Confirmed events, not over yet, whose invitation the acting user has not answered."""
    return [
        event for event in world.events.values()
        if event.status == "confirmed" and event.attendees.get(world.me) == "needs_action" and not _ended(world, event)
    ]


# ----- discovery -----


@server.read
def get_my_calendar_profile(world: CalendarWorld) -> CalendarProfile:
    """Show who you are (the acting user), the current time, and the calendars you can read or write.

    Start here: it gives your email, time zone, working hours and personal calendar id.
    """
    me = _me(world)
    calendars = [
        CalendarAccess(
            calendar_id=calendar.calendar_id,
            name=calendar.name,
            kind=calendar.kind,
            owner=calendar.owner,
            access="owner" if calendar.owner == world.me else "write" if world.me in calendar.writers else "read",
            description=calendar.description,
        )
        for calendar in world.calendars.values()
        if calendar.kind == "team" or calendar.owner == world.me
    ]
    return CalendarProfile(
        me=me,
        now=_local(world, world.now),
        calendars=calendars,
        pending_invites=len(_pending(world)),
        note=(
            f"Times are shown in your time zone ({me.time_zone}); offices use fixed UTC offsets without daylight "
            "saving. Give times as ISO 8601 date-times (2026-03-10T14:00:00-05:00); a time without an offset is "
            "read in your time zone. Colleagues' personal calendars are readable by their calendar_id, except "
            "private events, which show only as busy."
        ),
    )


@server.read
def search_calendar_people(
    world: CalendarWorld,
    query: Query = "",
    department: Literal[""] | Department = "",
    office: Literal[""] | Office = "",
    limit: Limit = 20,
) -> PersonList:
    """Find people of the organization by name, email or job title; gives the emails to invite them with.

    Args:
        query: Part of a name, email or job title (case-insensitive); empty lists everyone.
        department: Only people of this department.
        office: Only people based in this office.
        limit: The most people to return.
    """
    needle = query.strip().casefold()
    matched = [
        person for person in world.people.values()
        if needle in f"{person.name}\n{person.email}\n{person.title}".casefold()
        and department in ("", person.department)
        and office in ("", person.office)
    ]
    return PersonList(people=matched[:limit], total_matched=len(matched))


@server.read
def list_calendar_rooms(
    world: CalendarWorld,
    office: Literal[""] | Office = "",
    min_capacity: Annotated[int, Field(ge=1, le=100)] = 1,
    equipment: Literal["", "display", "video conferencing", "whiteboard"] = "",
    free_from: OptionalStart = "",
    free_until: OptionalEnd = "",
    include_out_of_service: bool = False,
) -> RoomList:
    """List meeting rooms, optionally only those free for a given time span.

    Args:
        office: Only rooms in this office.
        min_capacity: Only rooms seating at least this many people (the organizer included).
        equipment: Only rooms with this equipment.
        free_from: With free_until: only rooms with no booking in this span (ISO date-time).
        free_until: End of the span the rooms must be free for (ISO date-time).
        include_out_of_service: Also list rooms that cannot be booked at the moment.
    """
    if bool(free_from) != bool(free_until):
        raise ToolError("Give both free_from and free_until to filter by availability, or neither.")
    rooms = [
        room for room in world.rooms.values()
        if office in ("", room.office)
        and room.capacity >= min_capacity
        and (not equipment or equipment in room.equipment)
        and (room.in_service or include_out_of_service)
    ]
    if not free_from:
        return RoomList(rooms=rooms, free_from=None, free_until=None)
    begins, ends = _window(world, free_from, free_until, world.now, timedelta(hours=1), 14)
    busy = _room_busy(world, [room.room_id for room in rooms], begins, ends)
    return RoomList(
        rooms=[room for room in rooms if not busy[room.room_id]],
        free_from=_local(world, begins),
        free_until=_local(world, ends),
    )


@server.read
def list_calendar_events(
    world: CalendarWorld,
    start: WindowTime = "",
    end: WindowTime = "",
    calendar_id: OptionalCalendarId = "",
    query: Query = "",
    include_declined: bool = False,
    include_cancelled: bool = False,
    limit: Limit = 50,
) -> EventList:
    """List the events of a calendar in a time window, one entry per occurrence, in time order.

    A personal calendar shows the events its owner organizes or is invited to; a team calendar shows the events
    filed on it. Recurring events carry the occurrence_date that cancel_calendar_event_occurrence takes.

    Args:
        start: Window start (ISO date-time); defaults to the start of today in your time zone.
        end: Window end (ISO date-time); defaults to 7 days after the start. At most 62 days.
        calendar_id: The calendar to show; defaults to your own. A colleague's id comes from search_calendar_people.
        query: Only events whose title contains this text (case-insensitive).
        include_declined: Also show events the calendar's owner declined.
        include_cancelled: Also show cancelled events.
        limit: The most occurrences to return.
    """
    me = _me(world)
    calendar = require(
        world.calendars, calendar_id or me.calendar_id, "calendar",
        "get_my_calendar_profile lists your calendars; search_calendar_people gives colleagues' calendar ids.",
    )
    today = datetime.combine(_local(world, world.now).date(), time(), _zone(world))
    begins, ends = _window(world, start, end, today, timedelta(days=7), 62)
    owner = calendar.owner

    def shown(event: Event) -> bool:
        if event.status == "cancelled" and not include_cancelled:
            return False
        if owner is None:
            return event.calendar_id == calendar.calendar_id
        return owner == event.organizer or (
            owner in event.attendees and (include_declined or event.attendees[owner] != "declined")
        )

    needle = query.strip().casefold()
    found = [
        _summary(world, occurrence)
        for event in world.events.values()
        if shown(event)
        for occurrence in occurrences(event, begins, ends)
    ]
    found = [summary for summary in found if needle in summary.title.casefold()]
    found.sort(key=lambda summary: (summary.start, summary.event_id))
    return EventList(
        calendar_id=calendar.calendar_id,
        window_start=_local(world, begins),
        window_end=_local(world, ends),
        events=found[:limit],
        total_matched=len(found),
    )


@server.read
def get_calendar_event(world: CalendarWorld, event_id: EventId) -> EventDetails:
    """Show an event in full: invitees and their RSVPs, room, recurrence rule, next occurrences, your reminders.

    Args:
        event_id: The event (from list_calendar_events or list_pending_calendar_invites).
    """
    return _details(world, _viewable(world, event_id))


@server.read
def list_pending_calendar_invites(world: CalendarWorld, limit: Limit = 20) -> InviteList:
    """List upcoming invitations you have not answered yet, soonest first.

    Args:
        limit: The most invitations to return.
    """
    invites = []
    for event in _pending(world):
        upcoming = next(occurrences(event, world.now, world.now + HORIZON), None)
        if upcoming is not None:
            invites.append(_summary(world, upcoming))
    invites.sort(key=lambda summary: (summary.start, summary.event_id))
    return InviteList(invites=invites[:limit], total_matched=len(invites))


@server.read
def query_calendar_free_busy(
    world: CalendarWorld,
    emails: Invitees = [],
    room_ids: Annotated[list[RoomId], Field(max_length=10)] = [],
    start: WindowTime = "",
    end: WindowTime = "",
) -> FreeBusy:
    """Show when people and rooms are busy in a time window (no event details), with people's working hours.

    Args:
        emails: People to look up (from search_calendar_people); with no emails and no rooms, you.
        room_ids: Rooms to look up (from list_calendar_rooms).
        start: Window start (ISO date-time); defaults to now.
        end: Window end (ISO date-time); defaults to 24 hours after the start. At most 14 days.
    """
    people = _people(world, emails) if emails or room_ids else [world.me]
    rooms = [require(world.rooms, room_id, "room", "Use list_calendar_rooms.") for room_id in dict.fromkeys(room_ids)]
    begins, ends = _window(world, start, end, world.now, timedelta(days=1), 14)
    people_busy = _people_busy(world, people, begins, ends)
    room_busy = _room_busy(world, [room.room_id for room in rooms], begins, ends)

    def local(periods: list[BusyPeriod]) -> list[BusyPeriod]:
        return [BusyPeriod(start=_local(world, p.start), end=_local(world, p.end)) for p in periods]

    return FreeBusy(
        window_start=_local(world, begins),
        window_end=_local(world, ends),
        people=[
            PersonFreeBusy(
                email=email,
                name=world.people[email].name,
                time_zone=world.people[email].time_zone,
                work_start=world.people[email].work_start,
                work_end=world.people[email].work_end,
                work_days=world.people[email].work_days,
                busy=local(_merged(people_busy[email])),
            )
            for email in people
        ],
        rooms=[
            RoomFreeBusy(
                room_id=room.room_id, name=room.name, capacity=room.capacity, in_service=room.in_service,
                busy=local(_merged(room_busy[room.room_id])),
            )
            for room in rooms
        ],
    )


@server.read
def find_calendar_free_slots(
    world: CalendarWorld,
    attendees: Invitees = [],
    duration_minutes: Minutes = 30,
    window_start: WindowTime = "",
    window_end: WindowTime = "",
    room_id: OptionalRoomId = "",
    working_hours_only: bool = True,
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
) -> FreeSlotList:
    """Find start times, on the half hour, when you and the attendees (and optionally a room) are all free.

    The slots' start and end can be passed straight to create_calendar_event or update_calendar_event.

    Args:
        attendees: Emails of the people to meet (you are always included; none finds your own free time).
        duration_minutes: Length of the meeting.
        window_start: Earliest start (ISO date-time); defaults to now.
        window_end: Latest end (ISO date-time); defaults to 5 days after the window start. At most 14 days.
        room_id: A room that must also be free and seat everyone.
        working_hours_only: Only slots inside every participant's working hours and days, in their time zone.
        limit: The most slots to return.
    """
    participants = [world.me, *(email for email in _people(world, attendees) if email != world.me)]
    room = _usable_room(world, room_id, len(participants)) if room_id else None
    begins, ends = _window(world, window_start, window_end, world.now, timedelta(days=5), 14)
    busy = [o for taken in _people_busy(world, participants, begins, ends).values() for o in taken]
    if room is not None:
        busy += _room_busy(world, [room.room_id], begins, ends)[room.room_id]
    periods = _merged(sorted(busy, key=lambda occurrence: occurrence.start))
    length = timedelta(minutes=duration_minutes)
    candidate = max(begins, world.now)
    aligned = candidate.replace(minute=candidate.minute // 30 * 30, second=0, microsecond=0)
    candidate = aligned if aligned == candidate else aligned + timedelta(minutes=30)
    slots: list[FreeSlot] = []
    index = 0
    while candidate + length <= ends and len(slots) < limit:
        finish = candidate + length
        while index < len(periods) and periods[index].end <= candidate:
            index += 1
        free = index == len(periods) or periods[index].start >= finish
        if free and (
            not working_hours_only
            or all(_within_hours(world.people[email], candidate, finish) for email in participants)
        ):
            slots.append(FreeSlot(start=_local(world, candidate), end=_local(world, finish)))
        candidate += timedelta(minutes=30)
    return FreeSlotList(
        participants=participants,
        room_id=room.room_id if room else None,
        duration_minutes=duration_minutes,
        window_start=_local(world, begins),
        window_end=_local(world, ends),
        slots=slots,
        note="" if slots else (
            "No common free time in this window; try a longer window, a shorter meeting, fewer attendees"
            + (", or working_hours_only=false (working hours may not overlap across time zones)."
               if working_hours_only else ".")
        ),
    )


# ----- organizing events -----


@server.write
def create_calendar_event(
    world: CalendarWorld,
    title: Title,
    start: StartTime,
    end: EndTime,
    attendees: Invitees = [],
    room_id: OptionalRoomId = "",
    calendar_id: OptionalCalendarId = "",
    description: Description = "",
    location: Location = "",
    visibility: Visibility = "default",
    time_zone: Literal[""] | TimeZone = "",
    repeat: Repeat = "none",
    repeat_interval: RepeatInterval = 1,
    repeat_count: RepeatCount = 0,
    repeat_until: UntilDate = "",
    allow_conflicts: bool = False,
) -> ScheduledEvent:
    """Create an event that you organize, invite people to it and optionally book a room.

    Invitees start with RSVP needs_action. You must be free at every occurrence (unless allow_conflicts) and the
    room must be free and large enough. Busy invitees are invited anyway and reported back.

    Args:
        title: The event title.
        start: Start, ISO date-time (2026-03-10T14:00:00-05:00); without an offset it is read in the event's time zone.
        end: End, ISO date-time; after the start and at most 24 hours later.
        attendees: Emails of the people to invite (from search_calendar_people); you are the organizer.
        room_id: A meeting room to book (from list_calendar_rooms).
        calendar_id: The calendar to file it on: your own (default) or a team calendar you can write to.
        description: Agenda or notes shown to invitees.
        location: Where it happens when not in a room, e.g. "Zoom".
        visibility: "private" hides the details from people who are not invited.
        time_zone: The event's time zone; defaults to yours. Recurrence follows its local dates.
        repeat: "none", or daily, weekdays (Mon-Fri), weekly or monthly (same date, day 1-28).
        repeat_interval: Repeat every n days, weeks or months (1 for weekdays).
        repeat_count: How many occurrences the series has (give this or repeat_until).
        repeat_until: Date of the last possible occurrence, YYYY-MM-DD (give this or repeat_count).
        allow_conflicts: Create it even if it overlaps your own busy time.
    """
    me = _me(world)
    if not title.strip():
        raise ToolError("The title is empty.")
    zone_name = time_zone or me.time_zone
    zone = ZONES[zone_name]
    begins = _parse_time(world, start, "start", zone)
    ends = _parse_time(world, end, "end", zone)
    _event_span(world, begins, ends)
    calendar = _writable_calendar(world, calendar_id or me.calendar_id)
    invitees = [email for email in _people(world, attendees) if email != world.me]
    rule = _recurrence(world, repeat, repeat_interval, repeat_count, repeat_until)
    room = _usable_room(world, room_id, 1 + len(invitees)) if room_id else None
    event = Event(
        event_id="pending",
        calendar_id=calendar,
        title=title.strip(),
        start=begins,
        end=ends,
        time_zone=zone_name,
        organizer=world.me,
        attendees=dict.fromkeys(invitees, "needs_action"),
        room_id=room.room_id if room else None,
        location=location.strip(),
        description=description.strip(),
        visibility=visibility,
        recurrence=rule,
    )
    _check_series(event)
    spans = _upcoming_spans(world, event)
    if room is not None:
        _require_room_free(world, room, spans, None)
    overlapping = _my_conflicts(world, spans, None, allow_conflicts)
    busy = _busy_invitees(world, invitees, spans, None)
    event.event_id = world.next_id("EVT")
    world.events[event.event_id] = event
    return ScheduledEvent(event=_details(world, event), busy_invitees=busy, double_booked_with=overlapping)


@server.write
def update_calendar_event(
    world: CalendarWorld,
    event_id: EventId,
    title: OptionalTitle = "",
    start: OptionalStart = "",
    end: OptionalEnd = "",
    description: Description = "",
    location: Location = "",
    visibility: Literal[""] | Visibility = "",
    allow_conflicts: bool = False,
) -> ScheduledEvent:
    """Edit or reschedule an event you organize; empty arguments keep their current value.

    Moving an event resets every invitee's RSVP to needs_action. A recurring series can be moved only before its
    first occurrence; afterwards cancel single occurrences or the rest of the series instead.

    Args:
        event_id: The event to change (you must be its organizer).
        title: New title.
        start: New start, ISO date-time; given alone, the event keeps its length. For a series, the first occurrence.
        end: New end, ISO date-time.
        description: New description.
        location: New location.
        visibility: New visibility.
        allow_conflicts: Reschedule even if the new time overlaps your own busy time.
    """
    event = _organized(world, event_id)
    if not any((title.strip(), start, end, description.strip(), location.strip(), visibility)):
        raise ToolError("Nothing to change: give a new title, start, end, description, location or visibility.")
    busy: list[str] = []
    overlapping: list[str] = []
    moved_to: tuple[datetime, datetime] | None = None
    if start or end:
        zone = ZONES[event.time_zone]
        if event.recurrence is not None and event.start < world.now:
            raise ToolError(
                f"{event_id} is a recurring series that began on {event.start.astimezone(zone).date()}; its time "
                "can no longer change. Cancel single occurrences with cancel_calendar_event_occurrence, or end the "
                "series with cancel_calendar_event and create a new one."
            )
        begins = _parse_time(world, start, "start", zone) if start else event.start
        ends = _parse_time(world, end, "end", zone) if end else begins + (event.end - event.start)
        _event_span(world, begins, ends)
        moved = event.model_copy(update={"start": begins, "end": ends})
        _check_series(moved)
        spans = _upcoming_spans(world, moved)
        if event.room_id is not None:
            _require_room_free(world, world.rooms[event.room_id], spans, event_id)
        overlapping = _my_conflicts(world, spans, event_id, allow_conflicts)
        busy = _busy_invitees(world, list(event.attendees), spans, event_id)
        moved_to = (begins, ends)
    if moved_to is not None and moved_to != (event.start, event.end):
        event.start, event.end = moved_to
        event.attendees = dict.fromkeys(event.attendees, "needs_action")
    if title.strip():
        event.title = title.strip()
    if description.strip():
        event.description = description.strip()
    if location.strip():
        event.location = location.strip()
    if visibility:
        event.visibility = visibility
    return ScheduledEvent(event=_details(world, event), busy_invitees=busy, double_booked_with=overlapping)


@server.write
def cancel_calendar_event(world: CalendarWorld, event_id: EventId) -> Cancellation:
    """Cancel an event you organize, or a whole recurring series.

    A series that has already begun keeps its past occurrences; all later ones are cancelled. To drop a single
    occurrence of a series use cancel_calendar_event_occurrence instead.

    Args:
        event_id: The event or series to cancel (you must be its organizer).
    """
    event = _organized(world, event_id)
    rule = event.recurrence
    if event.start > world.now:
        event.status = "cancelled"
        return Cancellation(event=_details(world, event), scope="series" if rule else "event")
    if rule is None:
        raise ToolError(f"{event_id} ('{event.title}') is already under way; it cannot be cancelled now.")
    begun = [occurrence.day for occurrence in occurrences(event, event.start, world.now)]
    last = last_occurrence(event)
    if last is not None and begun and begun[-1] == last.day:
        raise ToolError(f"The last occurrence of {event_id} is under way; nothing is left to cancel.")
    if not begun:
        event.status = "cancelled"
        return Cancellation(event=_details(world, event), scope="series")
    rule.until, rule.count = begun[-1], None
    return Cancellation(event=_details(world, event), scope="remaining_occurrences")


@server.write
def cancel_calendar_event_occurrence(
    world: CalendarWorld, event_id: EventId, occurrence_date: OccurrenceDayText
) -> EventDetails:
    """Cancel one occurrence of a recurring series you organize; the rest of the series stays.

    Args:
        event_id: The recurring event (you must be its organizer).
        occurrence_date: The occurrence's date, YYYY-MM-DD, as list_calendar_events shows it (occurrence_date).
    """
    event = _organized(world, event_id)
    rule = event.recurrence
    if rule is None:
        raise ToolError(f"{event_id} ('{event.title}') is a single event, not a series; use cancel_calendar_event.")
    day = _parse_date(world, occurrence_date, "occurrence_date")
    if day in rule.cancelled_dates:
        raise ToolError(f"The {day} occurrence of {event_id} is already cancelled.")
    zone = ZONES[event.time_zone]
    midnight = datetime.combine(day, time(), zone)
    match = next((o for o in occurrences(event, midnight, midnight + timedelta(days=1)) if o.day == day), None)
    if match is None:
        upcoming = [o.day.isoformat() for o in islice(occurrences(event, world.now, world.now + HORIZON), 3)]
        raise ToolError(
            f"{event_id} ('{event.title}', {rule.frequency}) has no occurrence on {day}; the next ones are "
            f"{', '.join(upcoming)}."
        )
    if match.start <= world.now:
        raise ToolError(f"The {day} occurrence of {event_id} has already started; only future ones can be cancelled.")
    rule.cancelled_dates = sorted([*rule.cancelled_dates, day])
    return _details(world, event)


@server.write
def add_calendar_event_attendees(world: CalendarWorld, event_id: EventId, emails: SomeInvitees) -> ScheduledEvent:
    """Invite more people to an event you organize; they start with RSVP needs_action.

    Args:
        event_id: The event (you must be its organizer).
        emails: Emails of the people to invite (from search_calendar_people).
    """
    event = _organized(world, event_id)
    wanted = _people(world, emails)
    already = [email for email in wanted if email in event.participants()]
    if already:
        raise ToolError(f"Already on {event_id}: {', '.join(already[:5])}. Invite only new people.")
    if event.room_id is not None:
        _usable_room(world, event.room_id, len(event.participants()) + len(wanted))
    busy = _busy_invitees(world, wanted, _upcoming_spans(world, event), event_id)
    event.attendees.update(dict.fromkeys(wanted, "needs_action"))
    return ScheduledEvent(event=_details(world, event), busy_invitees=busy, double_booked_with=[])


@server.write
def remove_calendar_event_attendees(world: CalendarWorld, event_id: EventId, emails: SomeInvitees) -> EventDetails:
    """Uninvite people from an event you organize.

    Args:
        event_id: The event (you must be its organizer).
        emails: Emails of the invitees to remove.
    """
    event = _organized(world, event_id)
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails))
    missing = [email for email in wanted if email not in event.attendees]
    if missing:
        invitees = list(event.attendees)
        shown = ", ".join(invitees[:8]) + (f" and {len(invitees) - 8} more" if len(invitees) > 8 else "")
        raise ToolError(f"Not invited to {event_id}: {', '.join(missing[:3])}. Its invitees: {shown or 'nobody'}.")
    event.attendees = {email: response for email, response in event.attendees.items() if email not in wanted}
    return _details(world, event)


@server.write
def respond_to_calendar_invite(
    world: CalendarWorld, event_id: EventId, response: Literal["accepted", "tentative", "declined"]
) -> EventDetails:
    """Answer an invitation (RSVP): accept, accept tentatively or decline. For a series it answers every occurrence.

    Args:
        event_id: The event you were invited to (from list_pending_calendar_invites or list_calendar_events).
        response: Your answer.
    """
    event = _event(world, event_id)
    if event.organizer == world.me:
        raise ToolError(f"You organize {event_id}; organizers do not RSVP to their own events.")
    if world.me not in event.attendees:
        raise ToolError(
            f"You are not invited to {event_id}, so you cannot RSVP; ask its organizer ({event.organizer}) to "
            "invite you."
        )
    if event.status == "cancelled":
        raise ToolError(f"{event_id} ('{event.title}') was cancelled by its organizer.")
    if _ended(world, event):
        raise ToolError(f"{event_id} ('{event.title}') is over; there is nothing left to answer.")
    event.attendees[world.me] = response
    return _details(world, event)


# ----- rooms and reminders -----


@server.write
def book_calendar_event_room(world: CalendarWorld, event_id: EventId, room_id: RoomId) -> EventDetails:
    """Book a meeting room for an event you organize (replacing its current room), for all remaining occurrences.

    Args:
        event_id: The event (you must be its organizer).
        room_id: The room to book (from list_calendar_rooms).
    """
    event = _organized(world, event_id)
    if event.room_id == room_id:
        raise ToolError(f"{event_id} is already booked in room {room_id}.")
    room = _usable_room(world, room_id, len(event.participants()))
    _require_room_free(world, room, _upcoming_spans(world, event), event_id)
    event.room_id = room.room_id
    return _details(world, event)


@server.write
def release_calendar_event_room(world: CalendarWorld, event_id: EventId) -> EventDetails:
    """Give back the meeting room of an event you organize.

    Args:
        event_id: The event (you must be its organizer).
    """
    event = _organized(world, event_id)
    if event.room_id is None:
        raise ToolError(f"{event_id} has no room booked.")
    event.room_id = None
    return _details(world, event)


@server.write
def add_calendar_event_reminder(
    world: CalendarWorld, event_id: EventId, minutes_before: ReminderMinutes, method: ReminderMethod = "popup"
) -> EventReminders:
    """Add a reminder for yourself before each occurrence of an event you organize or are invited to.

    Args:
        event_id: The event.
        minutes_before: How long before the start to remind you (0 to 40320, four weeks).
        method: A popup notification or an email.
    """
    event = _viewable(world, event_id)
    if world.me not in event.participants():
        raise ToolError(f"{event_id} is not on your calendar (you neither organize nor were invited to it).")
    if event.status == "cancelled":
        raise ToolError(f"{event_id} ('{event.title}') is cancelled.")
    if _ended(world, event):
        raise ToolError(f"{event_id} ('{event.title}') is over; reminders are only for upcoming events.")
    existing = _reminders_of(world, event_id)
    if any(r.minutes_before == minutes_before and r.method == method for r in existing):
        raise ToolError(f"{event_id} already has a {method} reminder {minutes_before} minutes before.")
    if len(existing) >= MAX_REMINDERS:
        raise ToolError(f"{event_id} already has {MAX_REMINDERS} reminders; remove one first.")
    reminder_id = world.next_id("REM")
    world.reminders[reminder_id] = Reminder(
        reminder_id=reminder_id, event_id=event_id, minutes_before=minutes_before, method=method
    )
    return EventReminders(event_id=event_id, reminders=_reminders_of(world, event_id))


@server.write
def remove_calendar_event_reminder(world: CalendarWorld, reminder_id: ReminderId) -> EventReminders:
    """Delete one of your reminders.

    Args:
        reminder_id: The reminder (get_calendar_event lists an event's reminders).
    """
    reminder = require(world.reminders, reminder_id, "reminder", "get_calendar_event lists an event's reminders.")
    del world.reminders[reminder_id]
    return EventReminders(event_id=reminder.event_id, reminders=_reminders_of(world, reminder.event_id))
