"""The calendar service's state: people, calendars, meeting rooms, events and the acting user's reminders.

Times are stored in UTC. People and events carry a time zone; the organization's offices use fixed UTC offsets (no
daylight saving), so a local time is always UTC plus a constant and recurrence is plain date arithmetic. A recurring
event stores its first occurrence and its rule; occurrences are computed by `occurrences`, never stored. A series has
at most one occurrence a day, so an occurrence is named by its local date in the event's time zone.

Who is busy: the organizer and every invitee who has not declined, during each occurrence of a confirmed event.
"""

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
PersonEmail = Annotated[str, Entity("person"), Field(min_length=3, max_length=120)]
CalendarId = Annotated[str, Entity("calendar"), _ID]
RoomId = Annotated[str, Entity("room"), _ID]
EventId = Annotated[str, Entity("event"), _ID]
ReminderId = Annotated[str, Entity("reminder"), _ID]

TimeZone = Literal["UTC-08:00", "UTC-05:00", "UTC+00:00", "UTC+01:00", "UTC+05:30"]
Office = Literal["San Francisco", "New York", "London", "Berlin", "Bangalore"]
Department = Literal[
    "Executive", "Engineering", "Product", "Design", "Sales", "Marketing", "Customer Success", "People", "Finance"
]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
Response = Literal["needs_action", "accepted", "tentative", "declined"]
Frequency = Literal["daily", "weekdays", "weekly", "monthly"]
Visibility = Literal["default", "private"]
ReminderMethod = Literal["popup", "email"]

UTC = timezone.utc
WEEKDAYS: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ZONES: dict[str, timezone] = {
    "UTC-08:00": timezone(timedelta(hours=-8)),
    "UTC-05:00": timezone(timedelta(hours=-5)),
    "UTC+00:00": UTC,
    "UTC+01:00": timezone(timedelta(hours=1)),
    "UTC+05:30": timezone(timedelta(hours=5, minutes=30)),
}
OFFICE_ZONES: dict[str, TimeZone] = {
    "San Francisco": "UTC-08:00",
    "New York": "UTC-05:00",
    "London": "UTC+00:00",
    "Berlin": "UTC+01:00",
    "Bangalore": "UTC+05:30",
}
DOMAIN = "lumenworks.io"


class Person(BaseModel):
    email: PersonEmail
    name: str
    title: str
    department: Department
    office: Office
    time_zone: TimeZone
    work_start: time = Field(description="Start of the working day, local time.")
    work_end: time = Field(description="End of the working day, local time.")
    work_days: list[Weekday]
    calendar_id: CalendarId = Field(description="The person's personal calendar.")


class Calendar(BaseModel):
    calendar_id: CalendarId
    name: str
    kind: Literal["personal", "team"]
    owner: PersonEmail | None = Field(None, description="Personal calendars: whose calendar it is.")
    writers: list[PersonEmail] = Field([], description="Team calendars: who may add events; everyone may read.")
    description: str = ""


class Room(BaseModel):
    room_id: RoomId
    name: str
    office: Office
    floor: int
    capacity: int = Field(description="Seats, the organizer included.")
    equipment: list[str]
    in_service: bool = True
    note: str = ""


class Recurrence(BaseModel):
    frequency: Frequency = Field(description="daily, weekdays (Monday to Friday), weekly or monthly (same date).")
    interval: int = Field(1, description="Every n days, weeks or months; always 1 for weekdays.")
    count: int | None = Field(None, description="How many occurrences the series has, cancelled ones included.")
    until: date | None = Field(None, description="Local date of the last possible occurrence.")
    cancelled_dates: list[date] = Field([], description="Local dates of single occurrences that were cancelled.")


class Event(BaseModel):
    event_id: EventId
    calendar_id: CalendarId
    title: str
    start: datetime = Field(description="Start of the (first) occurrence, UTC.")
    end: datetime
    time_zone: TimeZone
    organizer: PersonEmail
    attendees: dict[str, Response] = Field(
        {}, description="Invitee email to RSVP, in invitation order; the organizer is not an invitee."
    )
    room_id: RoomId | None = None
    location: str = ""
    description: str = ""
    visibility: Visibility = "default"
    status: Literal["confirmed", "cancelled"] = "confirmed"
    recurrence: Recurrence | None = None

    def blocks(self, email: str) -> bool:
        """Whether the event makes `email` busy: confirmed, and they organize it or have not declined it."""
        if self.status != "confirmed":
            return False
        return email == self.organizer or self.attendees.get(email, "declined") != "declined"

    def participants(self) -> list[str]:
        return [self.organizer, *self.attendees]


class Reminder(BaseModel):
    """A notification for the acting user before each occurrence of an event."""

    reminder_id: ReminderId
    event_id: EventId
    minutes_before: int
    method: ReminderMethod


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of an event: its local date in the event's time zone and its UTC span."""

    event: Event
    day: date
    start: datetime
    end: datetime


def _nth(first: datetime, rule: Recurrence, index: int) -> datetime:
    """The local start of occurrence `index` (0-based) of a series whose first occurrence starts at `first`."""
    if rule.frequency == "daily":
        return first + timedelta(days=index * rule.interval)
    if rule.frequency == "weekly":
        return first + timedelta(weeks=index * rule.interval)
    if rule.frequency == "weekdays":
        shifted = first.weekday() + index
        return first + timedelta(days=shifted // 5 * 7 + shifted % 5 - first.weekday())
    months = first.month - 1 + index * rule.interval
    return first.replace(year=first.year + months // 12, month=months % 12 + 1)


def _index_before(first: datetime, rule: Recurrence, moment: datetime) -> int:
    """An occurrence index whose start is not after `moment` (or 0), so iteration from it misses nothing later."""
    days = (moment - first).days
    if days <= 0:
        return 0
    if rule.frequency == "daily":
        return days // rule.interval
    if rule.frequency == "weekly":
        return days // (7 * rule.interval)
    if rule.frequency == "weekdays":
        return days // 7 * 5
    months = (moment.year - first.year) * 12 + moment.month - first.month - 1
    return max(0, months // rule.interval)


def occurrences(event: Event, after: datetime, before: datetime) -> Iterator[Occurrence]:
    """The occurrences of `event` overlapping [after, before), in time order, without cancelled ones."""
    zone = ZONES[event.time_zone]
    duration = event.end - event.start
    rule = event.recurrence
    if rule is None:
        if event.start < before and event.end > after:
            yield Occurrence(event, event.start.astimezone(zone).date(), event.start, event.end)
        return
    first = event.start.astimezone(zone)
    index = _index_before(first, rule, (after - duration).astimezone(zone))
    while rule.count is None or index < rule.count:
        local = _nth(first, rule, index)
        if local >= before or (rule.until is not None and local.date() > rule.until):
            return
        if local + duration > after and local.date() not in rule.cancelled_dates:
            start = local.astimezone(UTC)
            yield Occurrence(event, local.date(), start, start + duration)
        index += 1


def last_occurrence(event: Event) -> Occurrence | None:
    """The final occurrence of `event`, or None when every occurrence of the series was cancelled."""
    rule = event.recurrence
    if rule is None:
        return Occurrence(event, event.start.astimezone(ZONES[event.time_zone]).date(), event.start, event.end)
    zone = ZONES[event.time_zone]
    first = event.start.astimezone(zone)
    duration = event.end - event.start
    last = rule.count - 1 if rule.count is not None else 0
    if rule.until is not None:
        bound = _index_before(first, rule, datetime.combine(rule.until, time(), zone))
        while _nth(first, rule, bound + 1).date() <= rule.until:
            bound += 1
        last = bound if rule.count is None else min(last, bound)
    for index in range(last, -1, -1):
        local = _nth(first, rule, index)
        if (rule.until is None or local.date() <= rule.until) and local.date() not in rule.cancelled_dates:
            start = local.astimezone(UTC)
            return Occurrence(event, local.date(), start, start + duration)
    return None


_FIRST_NAMES = (
    "Maya", "Jonas", "Priya", "Tomás", "Hannah", "Kwame", "Sofia", "Daniel", "Aiko", "Lukas", "Amara", "Ethan",
    "Lena", "Rahul", "Chloe", "Mateo", "Nora", "Samuel", "Yara", "Oliver", "Ines", "Marcus", "Leila", "Felix",
    "Grace", "Arjun", "Clara", "Diego", "Freya", "Omar", "Isabel", "Victor", "Zoe", "Ravi", "Elise", "Noah",
)
_LAST_NAMES = (
    "Chen", "Weber", "Patel", "Alvarez", "Okafor", "Schmidt", "Rossi", "Nakamura", "Kim", "Fischer", "Haddad",
    "Brennan", "Iyer", "Dubois", "Novak", "Silva", "Larsen", "Mensah", "Walsh", "Kowalski", "Reyes", "Lindqvist",
    "Sato", "Murphy", "Gupta", "Moreau", "Bauer", "Owusu", "Costa", "Ahmed",
)
_ROSTER: tuple[tuple[Department, str, tuple[Office, ...]], ...] = (
    ("Executive", "Chief Executive Officer", ("New York",)),
    ("Engineering", "VP of Engineering", ("San Francisco",)),
    ("Engineering", "Engineering Manager", ("Berlin",)),
    ("Engineering", "Staff Engineer", ("San Francisco", "Berlin")),
    ("Engineering", "Senior Software Engineer", ("Bangalore", "Berlin", "San Francisco")),
    ("Engineering", "Software Engineer", ("Bangalore", "San Francisco", "Berlin")),
    ("Engineering", "Software Engineer", ("Bangalore", "London")),
    ("Engineering", "Site Reliability Engineer", ("London", "Bangalore")),
    ("Engineering", "QA Engineer", ("Bangalore",)),
    ("Product", "Head of Product", ("San Francisco",)),
    ("Product", "Product Manager", ("New York", "London")),
    ("Product", "Product Manager", ("San Francisco", "Berlin")),
    ("Design", "Design Lead", ("San Francisco",)),
    ("Design", "Product Designer", ("Berlin", "San Francisco")),
    ("Design", "UX Researcher", ("London",)),
    ("Sales", "VP of Sales", ("New York",)),
    ("Sales", "Account Executive", ("New York",)),
    ("Sales", "Account Executive", ("London",)),
    ("Sales", "Sales Engineer", ("New York", "San Francisco")),
    ("Sales", "Sales Development Rep", ("London", "New York")),
    ("Marketing", "Marketing Director", ("New York",)),
    ("Marketing", "Content Strategist", ("London", "New York")),
    ("Marketing", "Growth Marketer", ("San Francisco",)),
    ("Customer Success", "Head of Customer Success", ("London",)),
    ("Customer Success", "Customer Success Manager", ("London", "New York")),
    ("Customer Success", "Customer Success Manager", ("Bangalore", "London")),
    ("People", "Head of People", ("New York",)),
    ("People", "Recruiter", ("San Francisco", "London")),
    ("Finance", "Chief Financial Officer", ("New York",)),
    ("Finance", "Financial Analyst", ("New York", "London")),
)
_TEAM_CALENDARS: tuple[tuple[str, str, tuple[Department, ...], str], ...] = (
    ("CAL-COMPANY", "Company Events", ("Executive", "People", "Finance"), "All-hands and company-wide sessions."),
    ("CAL-ENGINEERING", "Engineering", ("Engineering",), "Standups, planning and reviews of the engineering team."),
    ("CAL-GTM", "Go-to-Market", ("Sales", "Marketing", "Customer Success"), "Sales, marketing and customer rituals."),
    ("CAL-PRODUCT", "Product & Design", ("Product", "Design"), "Roadmap, research and design reviews."),
)
_ROOMS: tuple[tuple[str, str, Office, int, int, tuple[str, ...]], ...] = (
    ("RM-SF-GOLDENGATE", "Golden Gate", "San Francisco", 3, 12, ("display", "video conferencing", "whiteboard")),
    ("RM-SF-PRESIDIO", "Presidio", "San Francisco", 3, 4, ("display",)),
    ("RM-NY-HUDSON", "Hudson", "New York", 21, 16, ("display", "video conferencing", "whiteboard")),
    ("RM-NY-LIBERTY", "Liberty", "New York", 21, 6, ("display", "whiteboard")),
    ("RM-LDN-THAMES", "Thames", "London", 2, 8, ("display", "video conferencing")),
    ("RM-LDN-SOHO", "Soho", "London", 2, 2, ()),
    ("RM-BER-SPREE", "Spree", "Berlin", 1, 6, ("display", "whiteboard")),
    ("RM-BLR-CUBBON", "Cubbon", "Bangalore", 4, 10, ("display", "video conferencing")),
)
_SERVICES = ("billing-api", "search", "auth", "notifications", "data-pipeline")
_FEATURES = ("Smart Scheduling", "Team Workspaces", "Audit Log", "Mobile Onboarding", "Usage Insights")
_CLIENTS = ("Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Foods", "Hooli")
_ROLES = ("Backend Engineer", "Product Designer", "Account Executive", "Data Analyst")
_TOPICS = ("Rust for services", "Negotiation basics", "Accessibility 101", "Writing good PRDs")
_TITLES: dict[str, tuple[str, ...]] = {
    "Executive": ("Leadership sync", "Board deck review", "Quarterly planning", "Investor update prep"),
    "Engineering": (
        "Sprint planning", "Architecture review: {service}", "Incident postmortem: {service}", "API design review",
        "Release readiness check", "Pairing session", "On-call handover", "Tech debt triage",
    ),
    "Product": (
        "Roadmap review", "PRD walkthrough: {feature}", "Customer feedback synthesis", "Pricing experiment readout",
        "Backlog grooming",
    ),
    "Design": (
        "Design critique: {feature}", "Usability study debrief", "Design system sync", "Prototype review: {feature}",
    ),
    "Sales": (
        "Discovery call: {client}", "Product demo for {client}", "Pipeline review", "Contract negotiation: {client}",
        "Deal desk: {client}",
    ),
    "Marketing": (
        "Campaign kickoff: {feature}", "Webinar dry run", "Content calendar planning", "Launch messaging review",
    ),
    "Customer Success": (
        "QBR prep: {client}", "Escalation review: {client}", "Onboarding session: {client}",
        "Renewal strategy: {client}",
    ),
    "People": (
        "Interview: {role} candidate", "Performance review calibration", "Benefits Q&A", "Hiring sync: {role}",
        "Onboarding plan review", "Engagement survey results",
    ),
    "Finance": (
        "Budget review", "Q2 forecast sync", "Vendor contract review", "Expense policy Q&A", "Audit prep",
        "Headcount plan review", "Month-end close review", "Procurement check-in: {client}",
    ),
    "Cross-team": ("Coffee chat", "Lunch & learn: {topic}", "Cross-team sync: {feature}", "Planning sync: {feature}"),
}
_AGENDAS = (
    "Agenda: status, risks, next steps.",
    "Please review the doc beforehand and add comments.",
    "Bring your top three priorities for the quarter.",
    "Dial-in details in the invite; recording will be shared.",
)
_PRIVATE_TITLES = (
    "Dentist appointment", "Doctor's appointment", "School pickup", "Physiotherapy", "Parent-teacher meeting",
    "Car service", "Personal errand",
)
_REMOTE_LOCATIONS = ("Zoom", "Google Meet", "Zoom", "Phone", "")
_PAST_RSVP: tuple[tuple[Response, ...], tuple[int, ...]] = (
    ("accepted", "declined", "tentative", "needs_action"), (80, 10, 5, 5)
)
_SERIES_RSVP: tuple[tuple[Response, ...], tuple[int, ...]] = (
    ("accepted", "tentative", "declined", "needs_action"), (85, 5, 5, 5)
)
_FUTURE_RSVP: tuple[tuple[Response, ...], tuple[int, ...]] = (
    ("accepted", "needs_action", "tentative", "declined"), (45, 30, 10, 15)
)


class CalendarWorld(World):
    server: ClassVar[str] = "calendar"

    me: PersonEmail = Field(description="The acting user: the person every tool acts as.")
    people: dict[str, Person] = Field(default_factory=dict)
    calendars: dict[str, Calendar] = Field(default_factory=dict)
    rooms: dict[str, Room] = Field(default_factory=dict)
    events: dict[str, Event] = Field(default_factory=dict)
    reminders: dict[str, Reminder] = Field(default_factory=dict)

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_people(rng)
        self._generate_calendars()
        self._generate_rooms(rng)
        self._generate_series(rng)
        self._generate_meetings(rng)
        self._generate_private(rng)
        self._generate_reminders(rng)

    def _generate_people(self, rng: random.Random) -> None:
        names = rng.sample([(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES], len(_ROSTER))
        for (first, last), (department, title, offices) in zip(names, _ROSTER, strict=True):
            office = rng.choice(offices)
            start = rng.choice((8, 9, 9, 9, 10))
            ascii_first = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
            email = f"{ascii_first.lower()}.{last.lower()}@{DOMAIN}"
            self.people[email] = Person(
                email=email,
                name=f"{first} {last}",
                title=title,
                department=department,
                office=office,
                time_zone=OFFICE_ZONES[office],
                work_start=time(start),
                work_end=time(start + rng.choice((8, 8, 9))),
                work_days=list(WEEKDAYS[:4] if rng.random() < 0.1 else WEEKDAYS[:5]),
                calendar_id=self.next_id("CAL", 3),
            )
        self.me = rng.choice([email for email, person in self.people.items() if person.department != "Executive"])

    def _generate_calendars(self) -> None:
        for person in self.people.values():
            self.calendars[person.calendar_id] = Calendar(
                calendar_id=person.calendar_id, name=person.name, kind="personal", owner=person.email
            )
        for calendar_id, name, departments, description in _TEAM_CALENDARS:
            writers = [person.email for person in self.people.values() if person.department in departments]
            self.calendars[calendar_id] = Calendar(
                calendar_id=calendar_id, name=name, kind="team", writers=writers, description=description
            )

    def _generate_rooms(self, rng: random.Random) -> None:
        closed = rng.choice(("RM-SF-PRESIDIO", "RM-NY-LIBERTY"))
        for room_id, name, office, floor, capacity, equipment in _ROOMS:
            self.rooms[room_id] = Room(
                room_id=room_id, name=name, office=office, floor=floor, capacity=capacity, equipment=list(equipment)
            )
        self.rooms[closed].in_service = False
        self.rooms[closed].note = "Closed for renovation until further notice."

    def _team_calendar(self, department: str) -> str:
        return next(calendar_id for calendar_id, _, departments, _ in _TEAM_CALENDARS if department in departments)

    def _local_day(self, person: Person, offset: int) -> date:
        """The working day `offset` days from the person's local today, moved off their days off."""
        day = self.now.astimezone(ZONES[person.time_zone]).date() + timedelta(days=offset)
        while WEEKDAYS[day.weekday()] not in person.work_days:
            day += timedelta(days=1 if offset >= 0 else -1)
        return day

    def _slot(self, rng: random.Random, person: Person, day: date, minutes: int) -> datetime:
        """A half-hour-aligned start within the person's working hours on `day` that fits `minutes`, in UTC."""
        first = person.work_start.hour * 2
        last = person.work_end.hour * 2 - (minutes + 29) // 30
        midnight = datetime.combine(day, time(), ZONES[person.time_zone])
        return (midnight + timedelta(minutes=30 * rng.randint(first, last))).astimezone(UTC)

    def _responses(self, rng: random.Random, emails: list[str], end: datetime) -> dict[str, Response]:
        choices, weights = _PAST_RSVP if end <= self.now else _FUTURE_RSVP
        return {email: rng.choices(choices, weights)[0] for email in emails}

    def _series(
        self,
        rng: random.Random,
        organizer: Person,
        title: str,
        attendees: list[str],
        calendar_id: str,
        first_day: date,
        minutes: int,
        rule: Recurrence,
        visibility: Visibility = "default",
    ) -> Event:
        start = self._slot(rng, organizer, first_day, minutes)
        return self._add(Event(
            event_id=self.next_id("EVT"),
            calendar_id=calendar_id,
            title=title,
            start=start,
            end=start + timedelta(minutes=minutes),
            time_zone=organizer.time_zone,
            organizer=organizer.email,
            attendees={email: rng.choices(_SERIES_RSVP[0], _SERIES_RSVP[1])[0] for email in attendees},
            location=rng.choice(_REMOTE_LOCATIONS) if attendees else "",
            visibility=visibility,
            recurrence=rule,
        ))

    def _add(self, event: Event) -> Event:
        self.events[event.event_id] = event
        return event

    def _generate_series(self, rng: random.Random) -> None:
        """Team rituals: the monthly all-hands, daily standups, weekly team syncs, 1:1s and private focus blocks."""
        people = list(self.people.values())
        ceo = people[0]
        leads: dict[str, Person] = {}
        for person in people:
            leads.setdefault(person.department, person)
        until = self.now.date() + timedelta(days=rng.randint(50, 80))

        first = self._local_day(ceo, -rng.randint(40, 55))
        first = first.replace(day=min(first.day, 28))
        everyone = [person.email for person in people[1:]]
        all_hands = self._series(rng, ceo, "Company All-Hands", everyone, "CAL-COMPANY", first, 60,
                                 Recurrence(frequency="monthly", count=12))
        all_hands.location = "Zoom webinar"

        for department, lead in leads.items():
            members = [p.email for p in people if p.department == department and p.email != lead.email]
            calendar_id = self._team_calendar(department)
            if department in ("Engineering", "Sales"):
                skipped = (self._local_day(lead, rng.randint(-10, 20)) for _ in range(2))
                rule = Recurrence(frequency="weekdays", until=until, cancelled_dates=sorted(dict.fromkeys(skipped)))
                self._series(rng, lead, f"{department} standup", members, calendar_id,
                             self._local_day(lead, -rng.randint(30, 45)), 15, rule)
            if len(members) >= 2:
                rule = Recurrence(frequency="weekly", count=rng.randint(16, 26))
                self._series(rng, lead, f"{department} weekly sync", members, calendar_id,
                             self._local_day(lead, -rng.randint(20, 40)), rng.choice((45, 60)), rule)
            for member in members:
                rule = Recurrence(frequency="weekly", interval=rng.choice((1, 1, 2)), until=until)
                title = f"1:1 {lead.name.split()[0]} / {self.people[member].name.split()[0]}"
                self._series(rng, lead, title, [member], lead.calendar_id,
                             self._local_day(lead, -rng.randint(7, 28)), 30, rule)
            if department != "Executive":
                rule = Recurrence(frequency="weekly", interval=2, until=until)
                title = f"1:1 {ceo.name.split()[0]} / {lead.name.split()[0]}"
                self._series(rng, ceo, title, [lead.email], ceo.calendar_id,
                             self._local_day(ceo, -rng.randint(3, 14)), 30, rule)

        recruiter = next(p for p in people if p.title == "Recruiter")
        newcomer = rng.choice(people[1:])
        self._series(rng, recruiter, "New-hire onboarding check-in", [newcomer.email], recruiter.calendar_id,
                     self._local_day(recruiter, -rng.randint(42, 50)), 30, Recurrence(frequency="weekly", count=4))
        focused = rng.sample(people[1:], 3)
        if all(person.email != self.me for person in focused):
            focused[0] = self.people[self.me]
        for person in focused:
            self._series(rng, person, "Focus time", [], person.calendar_id,
                         self._local_day(person, -rng.randint(5, 15)), 120,
                         Recurrence(frequency="weekdays", until=until), visibility="private")

    def _generate_meetings(self, rng: random.Random) -> None:
        """One-off meetings over the surrounding weeks: some organized by the acting user, some inviting them."""
        me = self.people[self.me]
        others = [person for person in self.people.values() if person.email != self.me]
        booked: dict[str, list[tuple[datetime, datetime]]] = {room_id: [] for room_id in self.rooms}
        for number in range(165):
            if number < 30:
                organizer, offset = me, rng.randint(-10, -1) if rng.random() < 0.3 else rng.randint(0, 21)
            else:
                organizer, offset = rng.choice(others), rng.randint(-14, 21)
            pool = [p.email for p in others if p.email != organizer.email]
            colleagues = [p for p in pool if self.people[p].department == organizer.department]
            picked = rng.sample(colleagues, min(len(colleagues), rng.randint(0, 3)))
            picked += [email for email in rng.sample(pool, rng.randint(1, 3)) if email not in picked]
            if 30 <= number < 70 and self.me not in picked:
                picked.insert(rng.randrange(len(picked) + 1), self.me)
            minutes = rng.choice((30, 30, 45, 60, 60, 90))
            start = self._slot(rng, organizer, self._local_day(organizer, offset), minutes)
            end = start + timedelta(minutes=minutes)
            department = organizer.department if rng.random() < 0.75 else "Cross-team"
            title = rng.choice(_TITLES[department]).format(
                service=rng.choice(_SERVICES), feature=rng.choice(_FEATURES), client=rng.choice(_CLIENTS),
                role=rng.choice(_ROLES), topic=rng.choice(_TOPICS),
            )
            event = self._add(Event(
                event_id=self.next_id("EVT"),
                calendar_id=organizer.calendar_id,
                title=title,
                start=start,
                end=end,
                time_zone=organizer.time_zone,
                organizer=organizer.email,
                attendees=self._responses(rng, picked, end),
                description=rng.choice(_AGENDAS) if rng.random() < 0.3 else "",
                visibility="private" if number >= 70 and rng.random() < 0.06 else "default",
                status="cancelled" if rng.random() < 0.05 else "confirmed",
            ))
            rooms = [
                room for room in self.rooms.values()
                if room.office == organizer.office and room.in_service and room.capacity >= len(picked) + 1
                and all(end <= taken_start or start >= taken_end for taken_start, taken_end in booked[room.room_id])
            ]
            if rooms and rng.random() < 0.55:
                room = rng.choice(rooms)
                event.room_id = room.room_id
                booked[room.room_id].append((start, end))
            else:
                event.location = rng.choice(_REMOTE_LOCATIONS)

    def _generate_private(self, rng: random.Random) -> None:
        """Personal appointments, visible to others only as busy time."""
        people = list(self.people.values())
        for number in range(14):
            person = self.people[self.me] if number < 2 else rng.choice(people)
            minutes = rng.choice((60, 90))
            start = self._slot(rng, person, self._local_day(person, rng.randint(-10, 20)), minutes)
            self._add(Event(
                event_id=self.next_id("EVT"),
                calendar_id=person.calendar_id,
                title=rng.choice(_PRIVATE_TITLES),
                start=start,
                end=start + timedelta(minutes=minutes),
                time_zone=person.time_zone,
                organizer=person.email,
                visibility="private",
            ))

    def _generate_reminders(self, rng: random.Random) -> None:
        mine = [
            event for event in self.events.values()
            if event.blocks(self.me) and (last := last_occurrence(event)) is not None and last.end > self.now
        ]
        for event in rng.sample(mine, min(10, len(mine))):
            methods: list[tuple[int, ReminderMethod]] = [(rng.choice((10, 15, 30)), "popup")]
            if rng.random() < 0.3:
                methods.append((1440, "email"))
            for minutes, method in methods:
                reminder_id = self.next_id("REM")
                self.reminders[reminder_id] = Reminder(
                    reminder_id=reminder_id, event_id=event.event_id, minutes_before=minutes, method=method
                )
