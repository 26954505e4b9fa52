"""Video meeting tools: look up the account, meetings and cloud recordings; schedule, change, start, join, end and
cancel meetings; invite participants; share and delete recordings."""

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, Name, ServerDef, ShortText, ToolError, require
from mcp_servers.video_meeting.world import (
    MAX_DAYS_AHEAD,
    MIN_FREE_TO_RECORD_MB,
    PROCESSING_HOURS,
    RECORDING_MB_PER_MINUTE,
    RECURRENCE_DAYS,
    RETENTION_DAYS,
    Attendance,
    EmailAddress,
    Meeting,
    MeetingId,
    MeetingStatus,
    Participant,
    Passcode,
    Plan,
    Recording,
    RecordingId,
    Recurrence,
    Role,
    VideoMeetingWorld,
)

server = ServerDef(
    "video_meeting",
    VideoMeetingWorld,
    group="lifestyle",
    description=(
        "Zoom-like video meetings for one host account: schedule, start, join, end and cancel meetings, invite "
        "participants and co-hosts, and manage cloud recordings (transcripts, sharing links, storage quota) within "
        "the plan's limits on participants, meeting length and storage."
    ),
)

UTC = timezone.utc
TimeText = Annotated[str, Field(min_length=1, max_length=40)]
Minutes = Annotated[int, Field(ge=1, le=2880)]
Query = Annotated[str, Field(max_length=120)]
DayText = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Invitees = Annotated[list[EmailAddress], Field(max_length=100)]
SomeInvitees = Annotated[list[EmailAddress], Field(min_length=1, max_length=100)]
ShareRecipients = Annotated[list[EmailAddress], Field(max_length=50)]
Occurrences = Annotated[int, Field(ge=2, le=50)]
LinkDays = Annotated[int, Field(ge=1, le=365)]

_MEETINGS_HINT = "Use list_video_meetings to find meeting ids."
_RECORDINGS_HINT = "Use list_meeting_recordings to find recording ids."


# ----- result models -----


class AccountOverview(BaseModel):
    email: EmailAddress
    name: str
    company: str
    plan: Plan
    max_participants: int = Field(description="Most people in one meeting you host, you included.")
    max_duration_minutes: int = Field(description="Longest meeting you can schedule.")
    storage_quota_mb: float
    storage_used_mb: float
    storage_free_mb: float
    min_free_mb_to_record: float = Field(description="Free storage needed to start a cloud recording.")
    live_meeting_id: MeetingId | None = Field(description="The meeting you are hosting right now, if any.")
    upcoming_meeting_count: int = Field(description="Scheduled meetings you host or are invited to.")
    recording_count: int


class MeetingSummary(BaseModel):
    meeting_id: MeetingId
    topic: str
    host_name: str
    host_email: EmailAddress
    hosted_by_me: bool
    my_role: Role | None = Field(description="Your role in the meeting; null if you are not on its list.")
    start_time: datetime
    duration_minutes: int
    status: MeetingStatus
    recurrence: Recurrence
    occurrences_remaining: int
    participant_count: int
    recording_ids: list[RecordingId]


class MeetingList(BaseModel):
    meetings: list[MeetingSummary]
    total_matched: int


class MeetingDetails(BaseModel):
    meeting_id: MeetingId
    topic: str
    agenda: str
    host_name: str
    host_email: EmailAddress
    hosted_by_me: bool
    my_role: Role | None
    start_time: datetime
    end_time: datetime = Field(description="Scheduled end: start plus duration.")
    duration_minutes: int
    status: MeetingStatus
    passcode: Passcode | None = Field(description="Shown for meetings you host; for others, see the invitation.")
    waiting_room: bool
    recurrence: Recurrence
    occurrences_remaining: int
    started_at: datetime | None
    ended_at: datetime | None
    cloud_recording: bool
    participants: list[Participant]
    recording_ids: list[RecordingId]


class MeetingInvitation(BaseModel):
    meeting_id: MeetingId
    added: list[EmailAddress]
    role_changed: list[EmailAddress] = Field(description="Already invited; their role was changed to the one given.")
    already_invited: list[EmailAddress] = Field(description="Already invited with that role (or the host): unchanged.")
    participant_count: int
    max_participants: int


class JoinedMeeting(BaseModel):
    meeting_id: MeetingId
    topic: str
    host_name: str
    my_role: Role
    my_status: Attendance = Field(description="joined, or waiting_room until the host admits you.")
    joined_at: datetime | None


class EndedSession(BaseModel):
    meeting: MeetingDetails
    session_started_at: datetime
    session_ended_at: datetime
    attendance: list[Participant] = Field(description="Who took part in the session that just ended.")
    recording_id: RecordingId | None = Field(description="The cloud recording of the session (processing at first).")
    next_start_time: datetime | None = Field(description="Recurring meetings: when the next session starts.")


class RecordingList(BaseModel):
    recordings: list[Recording]
    total_matched: int
    storage_used_mb: float
    storage_quota_mb: float
    storage_free_mb: float


class RecordingDeletion(BaseModel):
    recording_id: RecordingId
    meeting_id: MeetingId
    freed_mb: float
    storage_used_mb: float
    storage_free_mb: float


# ----- helpers shared by the tools -----


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _parse_time(text: str, label: str) -> datetime:
    """An ISO 8601 date-time as UTC, to the minute; a time without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ToolError(f"{label} {text[:40]!r} is not an ISO 8601 date-time such as 2026-03-10T15:00 (UTC).") from None
    return moment.replace(second=0, microsecond=0)


def _check_start(world: VideoMeetingWorld, start: datetime) -> None:
    if start < world.now:
        raise ToolError(f"Cannot schedule in the past: {_at(start)} is before the current time {_at(world.now)}.")
    if start > world.now + timedelta(days=MAX_DAYS_AHEAD):
        raise ToolError(f"Meetings can be scheduled at most {MAX_DAYS_AHEAD} days ahead; {_at(start)} is too far.")


def _check_duration(world: VideoMeetingWorld, minutes: int) -> None:
    limits = world.limits
    if minutes > limits.max_duration_minutes:
        raise ToolError(
            f"Duration above the plan limit: the {limits.plan} plan allows meetings of at most "
            f"{limits.max_duration_minutes} minutes; {minutes} minutes were requested."
        )


def _check_capacity(world: VideoMeetingWorld, meeting: str, current: int, adding: int) -> None:
    """`meeting` (its id, or "the new meeting") has `current` participants and would get `adding` more."""
    cap = world.limits.max_participants
    if current + adding > cap:
        raise ToolError(
            f"Participant limit exceeded: the {world.limits.plan} plan allows {cap} participants per meeting (host "
            f"included); {meeting} would have {current + adding}. At most {max(cap - current, 0)} can be invited."
        )


def _meeting(world: VideoMeetingWorld, meeting_id: str) -> Meeting:
    return require(world.meetings, meeting_id, "meeting", _MEETINGS_HINT)


def _recording(world: VideoMeetingWorld, recording_id: str) -> Recording:
    return require(world.recordings, recording_id, "recording", _RECORDINGS_HINT)


def _own_meeting(world: VideoMeetingWorld, meeting_id: str, action: str, hint: str = "") -> Meeting:
    """A meeting the account hosts; `action` says what only the host may do ("start", "cancel", ...)."""
    meeting = _meeting(world, meeting_id)
    if not world.hosted_by_me(meeting):
        raise ToolError(
            f"Meeting {meeting_id} ({meeting.topic!r}) is not yours: it is hosted by {meeting.host_name} "
            f"<{meeting.host_email}>, and only its host can {action} it.{hint}"
        )
    return meeting


def _check_open(meeting: Meeting, action: str) -> None:
    """Refuse ended and cancelled meetings for `action` ("edited", "started", ...)."""
    if meeting.status == "ended":
        ended = f" at {_at(meeting.ended_at)}" if meeting.ended_at else ""
        raise ToolError(
            f"Meeting {meeting.meeting_id} ({meeting.topic!r}) already ended{ended}; it cannot be {action}."
        )
    if meeting.status == "cancelled":
        raise ToolError(f"Meeting {meeting.meeting_id} ({meeting.topic!r}) was cancelled; it cannot be {action}.")


def _emails(addresses: list[str]) -> list[str]:
    """Addresses lower-cased, without repeats, in the order given."""
    return list(dict.fromkeys(address.lower() for address in addresses))


def _recordings_by_meeting(world: VideoMeetingWorld) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for recording in world.recordings.values():
        index.setdefault(recording.meeting_id, []).append(recording.recording_id)
    return index


def _my_role(world: VideoMeetingWorld, meeting: Meeting) -> Role | None:
    return next((p.role for p in meeting.participants if p.email == world.account.email), None)


def _details(world: VideoMeetingWorld, meeting: Meeting) -> MeetingDetails:
    mine = world.hosted_by_me(meeting)
    return MeetingDetails(
        **meeting.model_dump(exclude={"passcode"}),
        end_time=meeting.start_time + timedelta(minutes=meeting.duration_minutes),
        passcode=meeting.passcode if mine else None,
        hosted_by_me=mine,
        my_role=_my_role(world, meeting),
        recording_ids=_recordings_by_meeting(world).get(meeting.meeting_id, []),
    )


def _new_passcode(world: VideoMeetingWorld, meeting_id: str) -> str:
    """Six digits derived from the seed and the meeting id (sha256: identical in every process)."""
    digest = hashlib.sha256(f"{world.seed}:{meeting_id}:passcode".encode()).hexdigest()
    return f"{int(digest, 16) % 10**6:06d}"


def _ready_at(recording: Recording) -> datetime:
    return recording.recorded_at + timedelta(minutes=recording.duration_minutes, hours=PROCESSING_HOURS)


def _check_ready(recording: Recording, action: str) -> None:
    if recording.status == "processing":
        raise ToolError(
            f"Recording {recording.recording_id} ({recording.topic!r}) is still processing and cannot be {action} "
            f"yet; it should be ready around {_at(_ready_at(recording))}."
        )


# ----- discovery -----


@server.read
def get_video_meeting_account(world: VideoMeetingWorld) -> AccountOverview:
    """Show the host account: its plan and limits, cloud storage use, and the meeting it is hosting right now.

    Check it before scheduling large or long meetings, or before recording, to stay within the plan.
    """
    live = world.my_live_meeting()
    limits = world.limits
    return AccountOverview(
        **world.account.model_dump(),
        max_participants=limits.max_participants,
        max_duration_minutes=limits.max_duration_minutes,
        storage_quota_mb=limits.storage_quota_mb,
        storage_used_mb=world.storage_used_mb(),
        storage_free_mb=world.storage_free_mb(),
        min_free_mb_to_record=MIN_FREE_TO_RECORD_MB,
        live_meeting_id=live.meeting_id if live else None,
        upcoming_meeting_count=sum(1 for m in world.meetings.values() if m.status == "scheduled"),
        recording_count=len(world.recordings),
    )


@server.read
def list_video_meetings(
    world: VideoMeetingWorld,
    status: Literal["any", "scheduled", "live", "ended", "cancelled"] = "any",
    role: Literal["any", "hosting", "invited"] = "any",
    query: Query = "",
    day: DayText | None = None,
    newest_first: bool = False,
    limit: Count = 20,
) -> MeetingList:
    """List meetings you host or are invited to, ordered by start time, with optional filters.

    Args:
        status: Only meetings in this state; "any" lists all.
        role: "hosting" for meetings you host, "invited" for meetings other people host, "any" for both.
        query: Text to find in the topic, the host's name or email, or a participant's name or email.
        day: Only meetings starting on this UTC date (YYYY-MM-DD).
        newest_first: Latest start first instead of earliest first.
        limit: Most meetings to return.
    """
    needle = query.strip().lower()
    matches = []
    for meeting in world.meetings.values():
        mine = world.hosted_by_me(meeting)
        if status not in ("any", meeting.status) or (role == "hosting" and not mine) or (role == "invited" and mine):
            continue
        if day is not None and meeting.start_time.date().isoformat() != day:
            continue
        if needle and not (
            needle in meeting.topic.lower()
            or needle in meeting.host_name.lower()
            or any(needle in p.email or needle in p.name.lower() for p in meeting.participants)
        ):
            continue
        matches.append(meeting)
    matches.sort(key=lambda m: (m.start_time, m.meeting_id), reverse=newest_first)
    recordings = _recordings_by_meeting(world)
    summaries = [
        MeetingSummary(
            meeting_id=m.meeting_id,
            topic=m.topic,
            host_name=m.host_name,
            host_email=m.host_email,
            hosted_by_me=world.hosted_by_me(m),
            my_role=_my_role(world, m),
            start_time=m.start_time,
            duration_minutes=m.duration_minutes,
            status=m.status,
            recurrence=m.recurrence,
            occurrences_remaining=m.occurrences_remaining,
            participant_count=len(m.participants),
            recording_ids=recordings.get(m.meeting_id, []),
        )
        for m in matches[:limit]
    ]
    return MeetingList(meetings=summaries, total_matched=len(matches))


@server.read
def get_video_meeting(world: VideoMeetingWorld, meeting_id: MeetingId) -> MeetingDetails:
    """Show one meeting in full: schedule, settings, participants with attendance, and its recordings.

    Args:
        meeting_id: The meeting to show.
    """
    return _details(world, _meeting(world, meeting_id))


@server.read
def list_meeting_recordings(
    world: VideoMeetingWorld,
    meeting_id: MeetingId | None = None,
    status: Literal["any", "processing", "ready"] = "any",
    query: Query = "",
    limit: Count = 20,
) -> RecordingList:
    """List the account's cloud recordings, newest first, with transcripts, sharing links and storage use.

    Args:
        meeting_id: Only recordings of this meeting.
        status: Only recordings in this state; "any" lists all.
        query: Text to find in the meeting topic or the transcript.
        limit: Most recordings to return.
    """
    if meeting_id is not None:
        _meeting(world, meeting_id)
    needle = query.strip().lower()
    matches = [
        recording
        for recording in world.recordings.values()
        if (meeting_id is None or recording.meeting_id == meeting_id)
        and status in ("any", recording.status)
        and (not needle or needle in recording.topic.lower() or needle in recording.transcript.lower())
    ]
    matches.sort(key=lambda r: (r.recorded_at, r.recording_id), reverse=True)
    return RecordingList(
        recordings=matches[:limit],
        total_matched=len(matches),
        storage_used_mb=world.storage_used_mb(),
        storage_quota_mb=world.limits.storage_quota_mb,
        storage_free_mb=world.storage_free_mb(),
    )


# ----- scheduling -----


@server.write
def schedule_video_meeting(
    world: VideoMeetingWorld,
    topic: Name,
    start_time: TimeText,
    duration_minutes: Minutes,
    invitee_emails: Invitees = [],
    agenda: ShortText = "",
    waiting_room: bool = True,
    passcode: Passcode | None = None,
    recurrence: Recurrence = "none",
    occurrences: Occurrences = 4,
) -> MeetingDetails:
    """Schedule a new meeting hosted by you and invite people to it.

    The plan limits the meeting's length and its number of participants (you included).

    Args:
        topic: The meeting's title.
        start_time: When it starts, ISO 8601 (e.g. 2026-03-10T15:00); without an offset the time is UTC.
        duration_minutes: Planned length in minutes.
        invitee_emails: Email addresses of the people to invite.
        agenda: What the meeting is about.
        waiting_room: Hold attendees in a waiting room until you admit them.
        passcode: The passcode attendees need to join (4-10 letters or digits); one is generated if omitted.
        recurrence: Repeat the meeting daily, weekly or biweekly; "none" for a one-off.
        occurrences: Number of sessions of a recurring meeting (ignored for a one-off).
    """
    start = _parse_time(start_time, "start_time")
    _check_start(world, start)
    _check_duration(world, duration_minutes)
    guests = [email for email in _emails(invitee_emails) if email != world.account.email]
    _check_capacity(world, "the new meeting", 1, len(guests))
    meeting_id = world.next_id("MTG")
    host = Participant(email=world.account.email, name=world.account.name, role="host", status="invited")
    meeting = Meeting(
        meeting_id=meeting_id,
        topic=topic,
        agenda=agenda,
        host_email=world.account.email,
        host_name=world.account.name,
        start_time=start,
        duration_minutes=duration_minutes,
        status="scheduled",
        passcode=passcode or _new_passcode(world, meeting_id),
        waiting_room=waiting_room,
        recurrence=recurrence,
        occurrences_remaining=occurrences if recurrence != "none" else 1,
        participants=[host]
        + [Participant(email=email, name=world.name_of(email), role="attendee", status="invited") for email in guests],
    )
    world.meetings[meeting_id] = meeting
    return _details(world, meeting)


@server.write
def update_video_meeting_settings(
    world: VideoMeetingWorld,
    meeting_id: MeetingId,
    topic: Name | None = None,
    start_time: TimeText | None = None,
    duration_minutes: Minutes | None = None,
    agenda: ShortText | None = None,
    waiting_room: bool | None = None,
    passcode: Passcode | None = None,
) -> MeetingDetails:
    """Change a meeting you host: reschedule it, change its length, topic, agenda, waiting room or passcode.

    Only the settings given change. A live meeting cannot be rescheduled.

    Args:
        meeting_id: The meeting to change.
        topic: New title.
        start_time: New start, ISO 8601 (e.g. 2026-03-10T15:00); without an offset the time is UTC.
        duration_minutes: New planned length in minutes.
        agenda: New agenda.
        waiting_room: Turn the waiting room on or off.
        passcode: New passcode (4-10 letters or digits).
    """
    meeting = _own_meeting(world, meeting_id, "change")
    _check_open(meeting, "changed")
    if all(value is None for value in (topic, start_time, duration_minutes, agenda, waiting_room, passcode)):
        raise ToolError(
            "Nothing to update: give at least one of topic, start_time, duration_minutes, agenda, waiting_room or "
            "passcode."
        )
    start = None
    if start_time is not None:
        if meeting.status == "live":
            raise ToolError(f"Meeting {meeting_id} is live since {_at(meeting.started_at or meeting.start_time)}; "
                            "it cannot be rescheduled now.")
        start = _parse_time(start_time, "start_time")
        _check_start(world, start)
    if duration_minutes is not None:
        _check_duration(world, duration_minutes)
        meeting.duration_minutes = duration_minutes
    if start is not None:
        meeting.start_time = start
    if topic is not None:
        meeting.topic = topic
    if agenda is not None:
        meeting.agenda = agenda
    if waiting_room is not None:
        meeting.waiting_room = waiting_room
    if passcode is not None:
        meeting.passcode = passcode
    return _details(world, meeting)


@server.write
def invite_meeting_participants(
    world: VideoMeetingWorld,
    meeting_id: MeetingId,
    emails: SomeInvitees,
    role: Literal["attendee", "co_host"] = "attendee",
) -> MeetingInvitation:
    """Invite people to a meeting you host, as attendees or co-hosts.

    Inviting someone already on the list with another role changes their role (e.g. makes an attendee a co-host).

    Args:
        meeting_id: The meeting to invite people to.
        emails: Email addresses of the people to invite.
        role: "co_host" lets them manage the meeting and skip the waiting room; "attendee" otherwise.
    """
    meeting = _own_meeting(world, meeting_id, "invite people to")
    _check_open(meeting, "changed")
    listed = {p.email: p for p in meeting.participants}
    wanted = _emails(emails)
    added = [email for email in wanted if email not in listed]
    changed = [email for email in wanted if email in listed and listed[email].role not in ("host", role)]
    unchanged = [email for email in wanted if email in listed and email not in changed]
    if not added and not changed:
        raise ToolError(
            f"Nothing to do: {', '.join(unchanged)[:300]} already on meeting {meeting_id} as host or {role}. "
            "Use get_video_meeting to see its participants."
        )
    _check_capacity(world, meeting_id, len(meeting.participants), len(added))
    for email in changed:
        listed[email].role = role
    meeting.participants.extend(
        Participant(email=email, name=world.name_of(email), role=role, status="invited") for email in added
    )
    return MeetingInvitation(
        meeting_id=meeting_id,
        added=added,
        role_changed=changed,
        already_invited=unchanged,
        participant_count=len(meeting.participants),
        max_participants=world.limits.max_participants,
    )


@server.write
def cancel_video_meeting(world: VideoMeetingWorld, meeting_id: MeetingId) -> MeetingDetails:
    """Cancel a scheduled meeting you host (every remaining session of a recurring meeting).

    Args:
        meeting_id: The meeting to cancel.
    """
    meeting = _own_meeting(world, meeting_id, "cancel")
    _check_open(meeting, "cancelled")
    if meeting.status == "live":
        raise ToolError(f"Meeting {meeting_id} is live right now; end it with end_video_meeting instead.")
    meeting.status = "cancelled"
    return _details(world, meeting)


# ----- running meetings -----


@server.write
def start_video_meeting(
    world: VideoMeetingWorld, meeting_id: MeetingId, record_to_cloud: bool = False
) -> MeetingDetails:
    """Start a meeting you host now, optionally recording it to the cloud.

    You can host one live meeting at a time. Recording needs free cloud storage (see get_video_meeting_account).

    Args:
        meeting_id: The meeting to start.
        record_to_cloud: Record the meeting to cloud storage from the start.
    """
    meeting = _own_meeting(world, meeting_id, "start", " Use join_video_meeting to join it once it is live.")
    _check_open(meeting, "started")
    if meeting.status == "live":
        raise ToolError(f"Meeting {meeting_id} is already live since {_at(meeting.started_at or meeting.start_time)}.")
    live = world.my_live_meeting()
    if live is not None:
        raise ToolError(
            f"You are already hosting meeting {live.meeting_id} ({live.topic!r}) live; end it with "
            "end_video_meeting before starting another."
        )
    free = world.storage_free_mb()
    if record_to_cloud and free < MIN_FREE_TO_RECORD_MB:
        raise ToolError(
            f"Cloud recording storage is nearly full: {free:.1f} MB free of {world.limits.storage_quota_mb:.0f} MB, "
            f"and a recording needs at least {MIN_FREE_TO_RECORD_MB:.0f} MB. Delete old recordings with "
            "delete_meeting_recording, or start without recording."
        )
    meeting.status = "live"
    meeting.started_at = world.now
    meeting.ended_at = None
    meeting.cloud_recording = record_to_cloud
    for person in meeting.participants:
        if person.role == "host":
            person.status, person.joined_at, person.left_at = "joined", world.now, None
    return _details(world, meeting)


@server.write
def join_video_meeting(world: VideoMeetingWorld, meeting_id: MeetingId, passcode: Passcode) -> JoinedMeeting:
    """Join a live meeting someone else hosts, with the passcode from its invitation.

    Attendees of a meeting with a waiting room wait there until the host admits them.

    Args:
        meeting_id: The meeting to join.
        passcode: The meeting's passcode, as given in the invitation.
    """
    meeting = _meeting(world, meeting_id)
    if world.hosted_by_me(meeting):
        raise ToolError(f"You host meeting {meeting_id}; start it with start_video_meeting instead of joining.")
    _check_open(meeting, "joined")
    if meeting.status == "scheduled":
        raise ToolError(
            f"Meeting {meeting_id} ({meeting.topic!r}) has not started yet: {meeting.host_name} is due to start it "
            f"at {_at(meeting.start_time)}. Join once it is live."
        )
    if passcode != meeting.passcode:
        raise ToolError(
            f"Wrong passcode for meeting {meeting_id}. Check the invitation from {meeting.host_name} "
            f"<{meeting.host_email}> for the correct passcode."
        )
    me = next((p for p in meeting.participants if p.email == world.account.email), None)
    if me is None:
        me = Participant(email=world.account.email, name=world.account.name, role="attendee", status="invited")
        meeting.participants.append(me)
    elif me.status in ("joined", "waiting_room"):
        raise ToolError(f"You are already in meeting {meeting_id} (status: {me.status}).")
    if meeting.waiting_room and me.role == "attendee":
        me.status, me.joined_at = "waiting_room", None
    else:
        me.status, me.joined_at, me.left_at = "joined", world.now, None
    return JoinedMeeting(
        meeting_id=meeting_id,
        topic=meeting.topic,
        host_name=meeting.host_name,
        my_role=me.role,
        my_status=me.status,
        joined_at=me.joined_at,
    )


@server.write
def end_video_meeting(world: VideoMeetingWorld, meeting_id: MeetingId) -> EndedSession:
    """End a live meeting you host for everyone, saving its cloud recording if one was running.

    A recurring meeting moves on to its next session; its recording belongs to the same meeting id.

    Args:
        meeting_id: The live meeting to end.
    """
    meeting = _own_meeting(world, meeting_id, "end")
    _check_open(meeting, "ended again")
    if meeting.status != "live":
        raise ToolError(
            f"Meeting {meeting_id} has not started (it is scheduled for {_at(meeting.start_time)}); to call it off "
            "use cancel_video_meeting."
        )
    started = meeting.started_at or meeting.start_time
    attendance = world.close_session(meeting)
    recording_id = None
    if meeting.cloud_recording:
        minutes = max(int((world.now - started) / timedelta(minutes=1)), 1)
        recording = Recording(
            recording_id=world.next_id("REC"),
            meeting_id=meeting_id,
            topic=meeting.topic,
            recorded_at=started,
            duration_minutes=minutes,
            size_mb=round(minutes * RECORDING_MB_PER_MINUTE, 1),
            status="processing",
            files=["video", "audio", "transcript"],
            auto_delete_on=started.date() + timedelta(days=RETENTION_DAYS),
        )
        world.recordings[recording.recording_id] = recording
        recording_id = recording.recording_id
        meeting.cloud_recording = False
    next_start = None
    if meeting.recurrence != "none" and meeting.occurrences_remaining > 1:
        step = timedelta(days=RECURRENCE_DAYS[meeting.recurrence])
        next_start = meeting.start_time + step
        while next_start <= world.now:
            next_start += step
        meeting.start_time, meeting.status = next_start, "scheduled"
        meeting.occurrences_remaining -= 1
        meeting.started_at = meeting.ended_at = None
        for person in meeting.participants:
            person.status, person.joined_at, person.left_at, person.minutes_attended = "invited", None, None, 0
    return EndedSession(
        meeting=_details(world, meeting),
        session_started_at=started,
        session_ended_at=world.now,
        attendance=attendance,
        recording_id=recording_id,
        next_start_time=next_start,
    )


# ----- recordings -----


@server.write
def share_meeting_recording(
    world: VideoMeetingWorld,
    recording_id: RecordingId,
    emails: ShareRecipients = [],
    expires_in_days: LinkDays = 7,
    allow_download: bool = False,
) -> Recording:
    """Create a sharing link for a cloud recording and send it to people.

    A new link replaces the previous one. The link cannot outlive the recording's automatic deletion date.

    Args:
        recording_id: The recording to share.
        emails: Email addresses to send the link to; leave empty to only create the link.
        expires_in_days: How many days the link works.
        allow_download: Let viewers download the recording, not just stream it.
    """
    recording = _recording(world, recording_id)
    _check_ready(recording, "shared")
    expires = world.now + timedelta(days=expires_in_days)
    if expires.date() > recording.auto_delete_on:
        longest = (recording.auto_delete_on - world.now.date()).days
        raise ToolError(
            f"Recording {recording_id} is deleted automatically on {recording.auto_delete_on.isoformat()}, so a link "
            f"can last at most {longest} days; {expires_in_days} were requested."
        )
    token = hashlib.sha256(f"{world.seed}:{recording_id}:{world.next_id('SHARE')}".encode()).hexdigest()[:16]
    recording.share_url = f"https://meet.example.com/rec/share/{token}"
    recording.share_expires_at = expires
    recording.allow_download = allow_download
    recording.shared_with = list(dict.fromkeys([*recording.shared_with, *_emails(emails)]))
    return recording


@server.write
def delete_meeting_recording(world: VideoMeetingWorld, recording_id: RecordingId) -> RecordingDeletion:
    """Delete a cloud recording for good, freeing its storage; its sharing link stops working.

    Args:
        recording_id: The recording to delete.
    """
    recording = _recording(world, recording_id)
    _check_ready(recording, "deleted")
    del world.recordings[recording_id]
    return RecordingDeletion(
        recording_id=recording_id,
        meeting_id=recording.meeting_id,
        freed_mb=recording.size_mb,
        storage_used_mb=world.storage_used_mb(),
        storage_free_mb=world.storage_free_mb(),
    )
