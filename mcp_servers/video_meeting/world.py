"""The video meeting service's state: the host account, the people it meets with, meetings and cloud recordings.

Times are UTC. A recurring meeting is one record whose `start_time` is its next session: when a session ends, the
record moves on to the following session, so recordings of earlier sessions point to a meeting that is scheduled
again. Every meeting lists its host among its participants. Cloud storage in use is the sum of the recordings'
sizes; the plan's quota bounds it.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
MeetingId = Annotated[str, Entity("video_meeting"), _ID]
RecordingId = Annotated[str, Entity("meeting_recording"), _ID]
EmailAddress = Annotated[
    str, Entity("email_address"), Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
]
Passcode = Annotated[str, Entity("meeting_passcode", sensitive=True), Field(pattern=r"^[A-Za-z0-9]{4,10}$")]

Plan = Literal["basic", "pro", "business"]
MeetingStatus = Literal["scheduled", "live", "ended", "cancelled"]
Recurrence = Literal["none", "daily", "weekly", "biweekly"]
Role = Literal["host", "co_host", "attendee"]
Attendance = Literal["invited", "waiting_room", "joined", "left"]
RecordingStatus = Literal["processing", "ready"]
RecordingFile = Literal["video", "audio", "transcript", "chat"]


class PlanLimits(BaseModel):
    plan: Plan
    max_participants: int = Field(description="Most people in one meeting, the host included.")
    max_duration_minutes: int = Field(description="Longest meeting that can be scheduled.")
    storage_quota_mb: float = Field(description="Cloud recording storage.")


PLANS: dict[str, PlanLimits] = {
    "basic": PlanLimits(plan="basic", max_participants=50, max_duration_minutes=40, storage_quota_mb=1024.0),
    "pro": PlanLimits(plan="pro", max_participants=100, max_duration_minutes=1800, storage_quota_mb=5120.0),
    "business": PlanLimits(plan="business", max_participants=300, max_duration_minutes=1800, storage_quota_mb=10240.0),
}
RECURRENCE_DAYS: dict[str, int] = {"daily": 1, "weekly": 7, "biweekly": 14}
MIN_FREE_TO_RECORD_MB = 250.0
"""Free cloud storage needed to start a cloud recording."""
RECORDING_MB_PER_MINUTE = 4.0
"""Size of a new cloud recording per recorded minute."""
PROCESSING_HOURS = 2
"""A recording stays `processing` until this long after its meeting ended."""
RETENTION_DAYS = 90
"""Cloud recordings are deleted automatically this many days after they were made."""
MAX_DAYS_AHEAD = 365


class HostAccount(BaseModel):
    email: EmailAddress
    name: str
    company: str
    plan: Plan


class Contact(BaseModel):
    """Someone the host has met with: colleagues and people at other companies."""

    email: EmailAddress
    name: str
    company: str


class Participant(BaseModel):
    email: EmailAddress
    name: str
    role: Role
    status: Attendance = Field(description="invited (has not joined), waiting_room, joined (in the meeting now), left.")
    joined_at: datetime | None = None
    left_at: datetime | None = None
    minutes_attended: int = 0


class Meeting(BaseModel):
    meeting_id: MeetingId
    topic: str
    agenda: str = ""
    host_email: EmailAddress
    host_name: str
    start_time: datetime = Field(description="Scheduled start (UTC); for a recurring meeting, its next session.")
    duration_minutes: int
    status: MeetingStatus
    passcode: Passcode
    waiting_room: bool
    recurrence: Recurrence = "none"
    occurrences_remaining: int = Field(1, description="Sessions left, the next one included; 1 for a one-off.")
    started_at: datetime | None = None
    ended_at: datetime | None = None
    cloud_recording: bool = Field(False, description="Whether a cloud recording is running (live meetings).")
    participants: list[Participant]


class Recording(BaseModel):
    recording_id: RecordingId
    meeting_id: MeetingId
    topic: str
    recorded_at: datetime
    duration_minutes: int
    size_mb: float
    status: RecordingStatus
    files: list[RecordingFile]
    transcript: str = ""
    share_url: str | None = None
    shared_with: list[EmailAddress] = []
    share_expires_at: datetime | None = None
    allow_download: bool = False
    auto_delete_on: date


_GIVEN_NAMES = (
    "Avery", "Rowan", "Nadia", "Theo", "Ingrid", "Marcus", "Leila", "Oscar", "Priyanka", "Jonah", "Sienna", "Tobias",
    "Keiko", "Rafael", "Ayesha", "Felix", "Greta", "Malik", "Camille", "Desmond", "Anika", "Bruno", "Esther", "Kenji",
    "Lorena", "Idris", "Maren", "Wesley", "Zara", "Callum", "Noemi", "Farid", "Hanna", "Diego", "Olga", "Tariq",
)
_FAMILY_NAMES = (
    "Lindqvist", "Okonkwo", "Marchetti", "Abernathy", "Castellanos", "Fujimoto", "Brennan", "Vasquez", "Holloway",
    "Mbeki", "Sorensen", "Delacroix", "Iyer", "Kowalczyk", "Whitfield", "Nakagawa", "Osei", "Pereira", "Rasmussen",
    "Yilmaz", "Gallagher", "Moreau", "Banerjee", "Oyelaran", "Petrov", "Quintero", "Thornbury", "Zhou",
)
_HOME_COMPANIES = (("Brightwave", "brightwave.io"), ("Harbor Lane", "harborlane.com"), ("Quillstack", "quillstack.dev"))
_OTHER_COMPANIES = (
    ("Northfield Bank", "northfieldbank.com"), ("Cobalt Health", "cobalthealth.org"),
    ("Meridian Retail", "meridian.shop"), ("Atlas Freight", "atlasfreight.co"),
    ("Juniper Studios", "juniperstudios.tv"), ("Verdant Energy", "verdant.energy"),
    ("Kestrel Legal", "kestrel-legal.com"),
)
_OWN_TOPICS = (
    "Roadmap review", "Design critique: onboarding flow", "Pricing page workshop", "Incident postmortem",
    "Hiring debrief: backend engineer", "Quarterly budget check-in", "Partner integration sync", "Analytics deep dive",
    "Customer feedback readout", "Security training", "Launch readiness review", "Data migration planning",
    "Interview: product designer", "Marketing campaign kickoff", "Support escalations review", "OKR planning",
    "Vendor evaluation", "Brand refresh brainstorm", "API deprecation plan", "Mobile app retro",
    "Accessibility audit findings", "Churn analysis", "Docs site relaunch", "Infrastructure cost review",
    "Interview: data analyst", "Onboarding buddy intro", "Localization planning", "Beta program check-in",
    "Content calendar review", "Performance review calibration",
)
_COLLEAGUE_TOPICS = (
    "Finance sync", "All-hands prep", "Recruiting pipeline review", "Legal review: data processing terms",
    "Engineering guild", "Office move planning", "Sales forecast call", "Design system office hours",
    "Benefits enrollment Q&A", "Quarterly planning offsite prep",
)
_CUSTOMER_TOPICS = ("Renewal discussion", "Product demo", "Implementation kickoff", "Quarterly business review")
_GUEST_TOPICS = (
    "Vendor pitch", "Contract review", "Joint webinar rehearsal", "Industry panel prep", "Procurement Q&A",
    "Integration troubleshooting", "Board advisory session", "Co-marketing planning", "Audit walkthrough",
    "Security questionnaire review",
)
_SERIES: tuple[tuple[str, Recurrence, int, bool], ...] = (
    ("Daily standup", "daily", 15, False),
    ("Weekly team sync", "weekly", 30, True),
    ("Sprint planning", "biweekly", 40, True),
    ("1:1 check-in", "weekly", 25, True),
)
_REMARKS = (
    "Let's start with the open action items from last time.",
    "The numbers look better than we expected this month.",
    "I'll share my screen so everyone can see the draft.",
    "Can we agree on an owner and a date for this?",
    "We still need sign-off from legal before we proceed.",
    "Customers keep asking for this, so it should go first.",
    "I'll send a summary and the recording afterwards.",
)

_MINUTE = timedelta(minutes=1)


@dataclass
class _Plan:
    """A meeting to generate, decided before ids are given so that ids follow the start times."""

    topic: str
    host: str
    guests: list[str]
    start: datetime
    status: MeetingStatus
    record: bool = False
    duration: int = 0
    recurrence: Recurrence = "none"
    occurrences: int = 1
    waiting_room: bool | None = None
    agenda: str = ""


class VideoMeetingWorld(World):
    server: ClassVar[str] = "video_meeting"

    account: HostAccount
    contacts: dict[str, Contact] = Field(default_factory=dict)
    meetings: dict[str, Meeting] = Field(default_factory=dict)
    recordings: dict[str, Recording] = Field(default_factory=dict)

    # ----- bookkeeping shared by the generator and the tools -----

    @property
    def limits(self) -> PlanLimits:
        return PLANS[self.account.plan]

    def storage_used_mb(self) -> float:
        return round(sum(recording.size_mb for recording in self.recordings.values()), 1)

    def storage_free_mb(self) -> float:
        return round(max(self.limits.storage_quota_mb - self.storage_used_mb(), 0.0), 1)

    def hosted_by_me(self, meeting: Meeting) -> bool:
        return meeting.host_email == self.account.email

    def my_live_meeting(self) -> Meeting | None:
        return next((m for m in self.meetings.values() if m.status == "live" and self.hosted_by_me(m)), None)

    def name_of(self, email: str) -> str:
        """The contact's name, or one made from the address ("dana.ruiz@x.com" -> "Dana Ruiz")."""
        contact = self.contacts.get(email)
        if contact is not None:
            return contact.name
        return " ".join(part.capitalize() for part in email.split("@")[0].replace("_", ".").split(".") if part)

    def close_session(self, meeting: Meeting) -> list[Participant]:
        """End the live session of `meeting` now: everyone still in leaves; returns the attendance."""
        for person in meeting.participants:
            if person.status == "joined":
                if person.joined_at is not None:
                    person.minutes_attended += int((self.now - person.joined_at) / _MINUTE)
                person.status, person.left_at = "left", self.now
            elif person.status == "waiting_room":
                person.status = "invited"
        meeting.ended_at = self.now
        meeting.status = "ended"
        return [person.model_copy() for person in meeting.participants]

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        company, domain = rng.choice(_HOME_COMPANIES)
        names = rng.sample([(g, f) for g in _GIVEN_NAMES for f in _FAMILY_NAMES], 49)
        given, family = names[0]
        self.account = HostAccount(
            email=f"{given}.{family}@{domain}".lower(),
            name=f"{given} {family}",
            company=company,
            plan=rng.choices(("basic", "pro", "business"), weights=(4, 4, 2))[0],
        )
        others = rng.sample(_OTHER_COMPANIES, 6)
        for index, (given, family) in enumerate(names[1:]):
            who, where = (company, domain) if index < 30 else others[index % 6]
            email = f"{given}.{family}@{where}".lower()
            self.contacts[email] = Contact(email=email, name=f"{given} {family}", company=who)
        for plan in sorted(self._plan_meetings(rng), key=lambda plan: plan.start):
            self._add_meeting(rng, plan)
        self._fill_storage(rng)

    def _colleagues(self) -> list[str]:
        return [c.email for c in self.contacts.values() if c.company == self.account.company]

    def _externals(self) -> list[str]:
        return [c.email for c in self.contacts.values() if c.company != self.account.company]

    def _slot(self, rng: random.Random, days: int) -> datetime:
        """A start on the hour or half hour, `days` days from now, during transatlantic office hours."""
        day = (self.now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        return day.replace(hour=rng.randint(13, 21), minute=rng.choice((0, 30)))

    def _own_duration(self, rng: random.Random) -> int:
        return min(rng.choice((15, 25, 30, 45, 60, 90)), self.limits.max_duration_minutes)

    def _recently(self, rng: random.Random, low: int, high: int) -> datetime:
        """A start between `low` and `high` minutes ago, to the minute."""
        return (self.now - timedelta(minutes=rng.randint(low, high))).replace(second=0, microsecond=0)

    def _plan_meetings(self, rng: random.Random) -> list[_Plan]:
        """What each meeting will be (topic, host, guests, start, state), before ids are given in time order."""
        me, cap = self.account.email, self.limits.max_duration_minutes
        colleagues, externals = self._colleagues(), self._externals()
        plans: list[_Plan] = []
        for index, topic in enumerate(rng.sample(_OWN_TOPICS, 27)):
            guests = rng.sample(colleagues, rng.randint(2, 6))
            if index < 14:
                start = self._slot(rng, -rng.randint(1, 75))
                plans.append(_Plan(topic, me, guests, start, "ended", record=rng.random() < 0.9))
            elif index < 16:
                duration = min(rng.choice((25, 30, 40)), cap)
                start = self._recently(rng, duration + 20, duration + 100)
                plans.append(_Plan(topic, me, guests, start, "ended", record=True, duration=duration))
            elif index < 24:
                plans.append(_Plan(topic, me, guests, self._slot(rng, rng.randint(1, 30)), "scheduled"))
            else:
                plans.append(_Plan(topic, me, guests, self._slot(rng, rng.randint(-20, 10)), "cancelled"))
        for company in sorted({self.contacts[email].company for email in externals}):
            people = [email for email in externals if self.contacts[email].company == company]
            topic = f"{rng.choice(_CUSTOMER_TOPICS)} - {company}"
            guests = people[:2] + rng.sample(colleagues, 1)
            if rng.random() < 0.5:
                plans.append(_Plan(topic, me, guests, self._slot(rng, -rng.randint(2, 60)), "ended", record=True))
            else:
                plans.append(_Plan(topic, me, guests, self._slot(rng, rng.randint(1, 21)), "scheduled"))
        for topic, recurrence, duration, record in _SERIES:
            guests = rng.sample(colleagues, 1 if topic.startswith("1:1") else rng.randint(4, 7))
            start = self._slot(rng, rng.randint(1, RECURRENCE_DAYS[recurrence]))
            plans.append(_Plan(topic, me, guests, start, "scheduled", record=record, duration=min(duration, cap),
                               recurrence=recurrence, occurrences=rng.randint(6, 20)))
        launch = colleagues + externals
        if self.limits.max_participants <= len(launch):
            launch = launch[: self.limits.max_participants - 1 - rng.randint(1, 3)]
        plans.append(_Plan("Spring product launch briefing", me, launch, self._slot(rng, rng.randint(5, 25)),
                           "scheduled", agenda="Launch timeline, live demo, pricing, Q&A"))
        live_topic = rng.choice(("Escalation war room", "Release go/no-go"))
        plans.append(_Plan(live_topic, me, rng.sample(colleagues, 4), self._recently(rng, 8, 30), "live",
                           record=rng.random() < 0.6, duration=min(45, cap)))
        plans.extend(self._guest_plans(rng, colleagues, externals))
        return plans

    def _guest_plans(self, rng: random.Random, colleagues: list[str], externals: list[str]) -> list[_Plan]:
        """Meetings other people host and the account is invited to."""
        plans: list[_Plan] = []
        hosts = rng.sample(colleagues, 10) + rng.sample(externals, 10)
        topics = rng.sample(_COLLEAGUE_TOPICS, 10) + rng.sample(_GUEST_TOPICS, 10)
        for index, (host, topic) in enumerate(zip(hosts, topics)):
            internal = index < 10
            circle = [email for email in (colleagues if internal else externals) if email != host]
            guests = [self.account.email] + rng.sample(circle, rng.randint(1, 4))
            slot = index % 10
            if slot == 0:
                plans.append(_Plan(topic, host, guests, self._recently(rng, 3, 20), "live", duration=60,
                                   waiting_room=not internal))
            elif slot < 5:
                plans.append(_Plan(topic, host, guests, self._slot(rng, -rng.randint(1, 50)), "ended"))
            elif slot == 5:
                plans.append(_Plan(topic, host, guests, self._slot(rng, rng.randint(1, 14)), "cancelled"))
            elif slot == 6:
                plans.append(_Plan(topic, host, guests, self._slot(rng, rng.randint(1, 7)), "scheduled",
                                   recurrence="weekly", occurrences=8))
            else:
                plans.append(_Plan(topic, host, guests, self._slot(rng, rng.randint(1, 20)), "scheduled"))
        return plans

    def _add_meeting(self, rng: random.Random, plan: _Plan) -> None:
        mine = plan.host == self.account.email
        host_name = self.account.name if mine else self.name_of(plan.host)
        alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        passcode = (
            f"{rng.randrange(10**6):06d}" if rng.random() < 0.6 else "".join(rng.choice(alphabet) for _ in range(8))
        )
        meeting = Meeting(
            meeting_id=self.next_id("MTG"),
            topic=plan.topic,
            agenda=plan.agenda,
            host_email=plan.host,
            host_name=host_name,
            start_time=plan.start,
            duration_minutes=plan.duration or (self._own_duration(rng) if mine else rng.choice((30, 45, 60, 90))),
            status=plan.status,
            passcode=passcode,
            waiting_room=rng.random() < 0.5 if plan.waiting_room is None else plan.waiting_room,
            recurrence=plan.recurrence,
            occurrences_remaining=plan.occurrences,
            participants=[Participant(email=plan.host, name=host_name, role="host", status="invited")],
        )
        for email in plan.guests:
            if email == self.account.email:
                meeting.participants.append(Participant(email=email, name=self.account.name, role="attendee",
                                                        status="invited"))
                continue
            role: Role = "co_host" if rng.random() < 0.1 else "attendee"
            meeting.participants.append(Participant(email=email, name=self.name_of(email), role=role, status="invited"))
        self.meetings[meeting.meeting_id] = meeting
        if meeting.status == "live":
            self._make_live(rng, meeting, plan.record)
        elif meeting.status == "ended":
            self._make_ended(rng, meeting, plan.record)
        if meeting.recurrence != "none" and plan.record:
            self._past_sessions(rng, meeting)

    def _make_live(self, rng: random.Random, meeting: Meeting, record: bool) -> None:
        meeting.started_at = meeting.start_time
        meeting.cloud_recording = record
        for person in meeting.participants:
            if person.role == "host":
                person.status, person.joined_at = "joined", meeting.started_at
            elif person.email != self.account.email and rng.random() < 0.7:
                if meeting.waiting_room and person.role == "attendee" and rng.random() < 0.3:
                    person.status = "waiting_room"
                else:
                    person.status = "joined"
                    person.joined_at = meeting.started_at + timedelta(minutes=rng.randint(0, 3))

    def _make_ended(self, rng: random.Random, meeting: Meeting, record: bool) -> None:
        started = meeting.start_time + timedelta(minutes=rng.randint(-2, 4))
        ended = started + timedelta(minutes=max(meeting.duration_minutes + rng.randint(-8, 6), 5))
        if self.hosted_by_me(meeting):
            ended = min(ended, started + timedelta(minutes=self.limits.max_duration_minutes))
        ended = min(ended, self.now - timedelta(minutes=5))
        meeting.started_at, meeting.ended_at = started, ended
        for person in meeting.participants:
            if person.role == "host" or rng.random() < 0.85:
                joined = started + timedelta(minutes=0 if person.role == "host" else rng.randint(0, 4))
                early = 0 if person.role == "host" or rng.random() < 0.7 else rng.randint(1, 5)
                left = ended - timedelta(minutes=early)
                left = max(left, joined)
                person.status, person.joined_at, person.left_at = "left", joined, left
                person.minutes_attended = int((left - joined) / _MINUTE)
        if record:
            self._add_recording(rng, meeting, started, ended)

    def _past_sessions(self, rng: random.Random, meeting: Meeting) -> None:
        """Recordings of the earlier sessions of a recorded series, from the last few weeks."""
        step = timedelta(days=RECURRENCE_DAYS[meeting.recurrence])
        for back in range(rng.randint(2, 3), 0, -1):
            started = meeting.start_time - step * back
            ended = started + timedelta(minutes=max(meeting.duration_minutes - rng.randint(0, 6), 5))
            if ended < self.now - timedelta(hours=PROCESSING_HOURS):
                self._add_recording(rng, meeting, started, ended)

    def _add_recording(self, rng: random.Random, meeting: Meeting, started: datetime, ended: datetime) -> None:
        minutes = max(int((ended - started) / _MINUTE), 1)
        files: list[RecordingFile] = ["video", "audio"]
        transcript = ""
        ready = ended + timedelta(hours=PROCESSING_HOURS) <= self.now
        if rng.random() < 0.7:
            files.append("transcript")
            speakers = [p.name.split()[0] for p in meeting.participants[:3]]
            remarks = rng.sample(_REMARKS, 2)
            transcript = (
                f"[00:00] {speakers[0]}: Thanks for joining {meeting.topic}. {remarks[0]} "
                f"[00:0{rng.randint(2, 9)}] {speakers[-1]}: {remarks[1]}"
                if ready
                else ""
            )
        if rng.random() < 0.4:
            files.append("chat")
        recording = Recording(
            recording_id=self.next_id("REC"),
            meeting_id=meeting.meeting_id,
            topic=meeting.topic,
            recorded_at=started,
            duration_minutes=minutes,
            size_mb=round(minutes * rng.uniform(3.0, 9.0), 1),
            status="ready" if ready else "processing",
            files=files,
            transcript=transcript,
            auto_delete_on=started.date() + timedelta(days=RETENTION_DAYS),
        )
        if ready and rng.random() < 0.3:
            guests = [p.email for p in meeting.participants if p.role != "host"]
            recording.shared_with = rng.sample(guests, min(len(guests), rng.randint(1, 3)))
            recording.share_url = f"https://meet.example.com/rec/share/{rng.getrandbits(64):016x}"
            recording.share_expires_at = ended + timedelta(days=rng.choice((7, 14, 30)))
            recording.allow_download = rng.random() < 0.5
        self.recordings[recording.recording_id] = recording

    def _fill_storage(self, rng: random.Random) -> None:
        """Scale the recordings so that the storage is nearly full: too little is free to start a new recording."""
        total = sum(recording.size_mb for recording in self.recordings.values())
        target = self.limits.storage_quota_mb - rng.uniform(40.0, MIN_FREE_TO_RECORD_MB * 0.8)
        for recording in self.recordings.values():
            recording.size_mb = max(round(recording.size_mb * target / total, 1), 0.1)
