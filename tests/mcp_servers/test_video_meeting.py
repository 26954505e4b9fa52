"""Behaviour of the video meeting server, through the public Episode API.

Test data is discovered in the seed-0 world through the tools, or through `Episode.snapshot()` for what only the user
knows (the passcodes of meetings other people host, which come with their invitations).
"""

import time
from datetime import datetime, timedelta
from typing import Any

from mcp_servers import Episode
from mcp_servers.video_meeting.world import VideoMeetingWorld
from tests.helpers import assert_replays, clock_of, fails, ok, open_server, world_of

SERVER = "video_meeting"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _z(moment: datetime) -> str:
    """A UTC moment as the tools return it, to the minute."""
    return moment.replace(second=0, microsecond=0).isoformat().replace("+00:00", "Z")


def _account(ep: Episode) -> dict[str, Any]:
    return ok(ep, "get_video_meeting_account")


def _meetings(ep: Episode, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "list_video_meetings", {"limit": 1000, **filters})["meetings"]


def _meeting(ep: Episode, meeting_id: str) -> dict[str, Any]:
    return ok(ep, "get_video_meeting", {"meeting_id": meeting_id})


def _recordings(ep: Episode, **filters: Any) -> list[dict[str, Any]]:
    return ok(ep, "list_meeting_recordings", {"limit": 1000, **filters})["recordings"]


def _own(ep: Episode, status: str) -> dict[str, Any]:
    return _meetings(ep, role="hosting", status=status)[0]


def _others(ep: Episode, status: str) -> list[dict[str, Any]]:
    return _meetings(ep, role="invited", status=status)


def _passcode(ep: Episode, meeting_id: str) -> str:
    return world_of(ep)["meetings"][meeting_id]["passcode"]


def _fresh_emails(count: int) -> list[str]:
    return [f"guest{n}@example.org" for n in range(count)]


# ----- discovery -----


def test_get_video_meeting_account_reports_plan_limits_and_storage():
    ep = open_server(SERVER)
    account = _account(ep)
    world = world_of(ep)
    assert account["email"] == world["account"]["email"]
    assert account["plan"] in ("basic", "pro", "business")
    assert account["storage_used_mb"] == round(sum(r["size_mb"] for r in world["recordings"].values()), 1)
    assert account["storage_free_mb"] == round(account["storage_quota_mb"] - account["storage_used_mb"], 1)
    assert account["storage_free_mb"] < account["min_free_mb_to_record"]
    assert account["live_meeting_id"] == _own(ep, "live")["meeting_id"]
    assert account["recording_count"] == len(world["recordings"])


def test_list_video_meetings_filters_by_status_role_query_and_day():
    ep = open_server(SERVER)
    everything = ok(ep, "list_video_meetings", {"limit": 1000})
    assert everything["total_matched"] == len(everything["meetings"]) == len(world_of(ep)["meetings"])
    starts = [m["start_time"] for m in everything["meetings"]]
    assert starts == sorted(starts)
    assert {m["status"] for m in everything["meetings"]} == {"scheduled", "live", "ended", "cancelled"}
    hosting = _meetings(ep, role="hosting")
    invited = _meetings(ep, role="invited")
    assert hosting and invited and len(hosting) + len(invited) == len(everything["meetings"])
    assert all(m["hosted_by_me"] and m["my_role"] == "host" for m in hosting)
    assert all(not m["hosted_by_me"] for m in invited)
    ended = _meetings(ep, status="ended", newest_first=True)
    assert ended and all(m["status"] == "ended" for m in ended)
    assert [m["start_time"] for m in ended] == sorted((m["start_time"] for m in ended), reverse=True)
    sample = invited[0]
    by_host = _meetings(ep, query=sample["host_name"].split()[-1].upper())
    assert sample["meeting_id"] in [m["meeting_id"] for m in by_host]
    on_day = _meetings(ep, day=sample["start_time"][:10])
    assert sample["meeting_id"] in [m["meeting_id"] for m in on_day]
    assert all(m["start_time"][:10] == sample["start_time"][:10] for m in on_day)
    limited = ok(ep, "list_video_meetings", {"limit": 3})
    assert len(limited["meetings"]) == 3 and limited["total_matched"] == len(everything["meetings"])
    assert ok(ep, "list_video_meetings", {"query": "zzqx-nothing"}) == {"meetings": [], "total_matched": 0}
    assert ok(ep, "list_video_meetings", {"query": "Zoë ../../etc/passwd .*("})["total_matched"] == 0


def test_get_video_meeting_shows_passcode_only_for_meetings_you_host():
    ep = open_server(SERVER)
    mine = _meeting(ep, _own(ep, "scheduled")["meeting_id"])
    assert mine["passcode"] == _passcode(ep, mine["meeting_id"])
    assert mine["participants"][0]["role"] == "host" and mine["my_role"] == "host"
    theirs = _meeting(ep, _others(ep, "scheduled")[0]["meeting_id"])
    assert theirs["passcode"] is None and not theirs["hosted_by_me"]
    assert _account(ep)["email"] in [p["email"] for p in theirs["participants"]]
    recorded = next(m for m in _meetings(ep, status="ended") if m["recording_ids"])
    details = _meeting(ep, recorded["meeting_id"])
    assert details["recording_ids"] == recorded["recording_ids"]
    assert any(p["status"] == "left" and p["minutes_attended"] > 0 for p in details["participants"])


def test_list_meeting_recordings_filters_and_reports_storage():
    ep = open_server(SERVER)
    listing = ok(ep, "list_meeting_recordings", {"limit": 1000})
    recordings = listing["recordings"]
    assert listing["total_matched"] == len(recordings) >= 20
    assert [r["recorded_at"] for r in recordings] == sorted((r["recorded_at"] for r in recordings), reverse=True)
    assert listing["storage_used_mb"] == _account(ep)["storage_used_mb"]
    processing = _recordings(ep, status="processing")
    assert processing and all(r["status"] == "processing" and r["transcript"] == "" for r in processing)
    transcribed = next(r for r in recordings if r["transcript"])
    word = transcribed["transcript"].split()[-1].strip(".")
    assert transcribed["recording_id"] in [r["recording_id"] for r in _recordings(ep, query=word)]
    of_meeting = _recordings(ep, meeting_id=transcribed["meeting_id"])
    assert of_meeting and {r["meeting_id"] for r in of_meeting} == {transcribed["meeting_id"]}


def test_lookups_of_unknown_ids_are_tool_errors():
    ep = open_server(SERVER)
    fails(ep, "get_video_meeting", {"meeting_id": "MTG-9999"}, "Unknown meeting", "list_video_meetings")
    fails(ep, "list_meeting_recordings", {"meeting_id": "MTG-9999"}, "Unknown meeting")
    for tool in ("start_video_meeting", "end_video_meeting", "cancel_video_meeting"):
        fails(ep, tool, {"meeting_id": "MTG-9999"}, "Unknown meeting")
    fails(ep, "join_video_meeting", {"meeting_id": "MTG-9999", "passcode": "123456"}, "Unknown meeting")
    fails(ep, "invite_meeting_participants", {"meeting_id": "MTG-9999", "emails": ["a@b.com"]}, "Unknown meeting")
    fails(ep, "update_video_meeting_settings", {"meeting_id": "MTG-9999", "topic": "x"}, "Unknown meeting")
    for tool in ("share_meeting_recording", "delete_meeting_recording"):
        fails(ep, tool, {"recording_id": "REC-9999"}, "Unknown recording", "list_meeting_recordings")


# ----- scheduling -----


def test_schedule_video_meeting_creates_a_meeting_with_invitees():
    ep = open_server(SERVER)
    start = clock_of(ep) + timedelta(days=2)
    colleague = _meeting(ep, _own(ep, "ended")["meeting_id"])["participants"][1]
    meeting = ok(ep, "schedule_video_meeting", {
        "topic": "Hiring plan", "start_time": _iso(start), "duration_minutes": 30,
        "invitee_emails": [colleague["email"].upper(), "new.person@example.org", colleague["email"]],
        "waiting_room": False, "recurrence": "weekly", "occurrences": 6,
    })
    assert meeting["status"] == "scheduled" and meeting["hosted_by_me"]
    assert meeting["start_time"] == _z(start)
    assert [p["email"] for p in meeting["participants"][1:]] == [colleague["email"], "new.person@example.org"]
    assert meeting["participants"][1]["name"] == colleague["name"]
    assert meeting["participants"][2]["name"] == "New Person"
    assert len(meeting["passcode"]) == 6 and meeting["occurrences_remaining"] == 6
    listed = _meetings(ep, query="Hiring plan")
    assert [m["meeting_id"] for m in listed] == [meeting["meeting_id"]]
    one_off = ok(ep, "schedule_video_meeting", {"topic": "Quick chat", "start_time": _iso(start) + "+02:00",
                                                 "duration_minutes": 15, "passcode": "tea4two"})
    assert one_off["passcode"] == "tea4two" and one_off["occurrences_remaining"] == 1
    assert one_off["start_time"] == _z(start - timedelta(hours=2))


def test_schedule_video_meeting_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    account = _account(ep)
    tomorrow = _iso(clock_of(ep) + timedelta(days=1))
    base = {"topic": "Planning", "start_time": tomorrow, "duration_minutes": 30}
    fails(ep, "schedule_video_meeting", {**base, "start_time": _iso(clock_of(ep) - timedelta(hours=1))}, "in the past")
    fails(ep, "schedule_video_meeting", {**base, "start_time": _iso(clock_of(ep) + timedelta(days=400))}, "365 days")
    fails(ep, "schedule_video_meeting", {**base, "start_time": "next tuesday"}, "not an ISO 8601")
    fails(ep, "schedule_video_meeting", {**base, "start_time": "0001-01-01T00:00+05:00"}, "not an ISO 8601")
    too_long = account["max_duration_minutes"] + 1
    fails(ep, "schedule_video_meeting", {**base, "duration_minutes": too_long}, "Duration above the plan limit",
          str(account["max_duration_minutes"]))
    crowd = _fresh_emails(account["max_participants"])
    fails(ep, "schedule_video_meeting", {**base, "invitee_emails": crowd}, "Participant limit exceeded",
          f"At most {account['max_participants'] - 1}")


# ----- changing meetings -----


def test_update_video_meeting_settings_changes_only_the_given_settings():
    ep = open_server(SERVER)
    target = _own(ep, "scheduled")
    before = _meeting(ep, target["meeting_id"])
    new_start = clock_of(ep) + timedelta(days=3, hours=1)
    updated = ok(ep, "update_video_meeting_settings", {
        "meeting_id": target["meeting_id"], "start_time": _iso(new_start), "duration_minutes": 20,
        "passcode": "Zebra42", "waiting_room": not before["waiting_room"],
    })
    assert updated["duration_minutes"] == 20 and updated["passcode"] == "Zebra42"
    assert updated["waiting_room"] is not before["waiting_room"] and updated["topic"] == before["topic"]
    again = _meeting(ep, target["meeting_id"])
    assert again["start_time"] == updated["start_time"] == _z(new_start)
    live = _own(ep, "live")
    renamed = ok(ep, "update_video_meeting_settings", {"meeting_id": live["meeting_id"], "topic": "Go/no-go (v2)"})
    assert renamed["topic"] == "Go/no-go (v2)" and renamed["status"] == "live"


def test_update_video_meeting_settings_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    tool = "update_video_meeting_settings"
    scheduled = _own(ep, "scheduled")["meeting_id"]
    fails(ep, tool, {"meeting_id": _others(ep, "scheduled")[0]["meeting_id"], "topic": "Mine"}, "not yours",
          "only its host")
    fails(ep, tool, {"meeting_id": _own(ep, "ended")["meeting_id"], "topic": "Again"}, "already ended")
    fails(ep, tool, {"meeting_id": _own(ep, "cancelled")["meeting_id"], "topic": "Again"}, "was cancelled")
    fails(ep, tool, {"meeting_id": _own(ep, "live")["meeting_id"], "start_time": _iso(clock_of(ep) + timedelta(days=1))},
          "live", "cannot be rescheduled")
    fails(ep, tool, {"meeting_id": scheduled}, "Nothing to update")
    fails(ep, tool, {"meeting_id": scheduled, "start_time": _iso(clock_of(ep) - timedelta(days=1))}, "in the past")
    limit = _account(ep)["max_duration_minutes"]
    fails(ep, tool, {"meeting_id": scheduled, "duration_minutes": limit + 1}, "plan limit")


def test_invite_meeting_participants_adds_people_and_promotes_co_hosts():
    ep = open_server(SERVER)
    meeting = _meeting(ep, _own(ep, "scheduled")["meeting_id"])
    attendee = next(p for p in meeting["participants"] if p["role"] == "attendee")
    emails = ["Riley.Stone@Example.org", attendee["email"]]
    result = ok(ep, "invite_meeting_participants", {"meeting_id": meeting["meeting_id"], "emails": emails,
                                                     "role": "co_host"})
    assert result["added"] == ["riley.stone@example.org"] and result["role_changed"] == [attendee["email"]]
    assert result["participant_count"] == len(meeting["participants"]) + 1
    people = {p["email"]: p for p in _meeting(ep, meeting["meeting_id"])["participants"]}
    riley = people["riley.stone@example.org"]
    assert riley["role"] == "co_host" and riley["name"] == "Riley Stone"
    assert people[attendee["email"]]["role"] == "co_host"
    plain = ok(ep, "invite_meeting_participants", {"meeting_id": meeting["meeting_id"],
                                                    "emails": ["sam@example.org", meeting["host_email"]]})
    assert plain["added"] == ["sam@example.org"] and plain["already_invited"] == [meeting["host_email"]]


def test_invite_meeting_participants_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    tool = "invite_meeting_participants"
    meeting = _meeting(ep, _own(ep, "scheduled")["meeting_id"])
    present = meeting["participants"][1]
    fails(ep, tool, {"meeting_id": meeting["meeting_id"], "emails": [present["email"]], "role": present["role"]},
          "Nothing to do", present["email"])
    fails(ep, tool, {"meeting_id": _others(ep, "scheduled")[0]["meeting_id"], "emails": ["a@example.org"]},
          "not yours")
    fails(ep, tool, {"meeting_id": _own(ep, "ended")["meeting_id"], "emails": ["a@example.org"]}, "already ended")
    cap = _account(ep)["max_participants"]
    room = cap - len(meeting["participants"])
    crowd = _fresh_emails(room + 1)
    while len(crowd) > 100:
        ok(ep, tool, {"meeting_id": meeting["meeting_id"], "emails": crowd[:100]})
        crowd = crowd[100:]
    fails(ep, tool, {"meeting_id": meeting["meeting_id"], "emails": crowd}, "Participant limit exceeded",
          f"allows {cap} participants", f"At most {len(crowd) - 1}")


def test_cancel_video_meeting_cancels_a_scheduled_meeting():
    ep = open_server(SERVER)
    target = _own(ep, "scheduled")["meeting_id"]
    assert ok(ep, "cancel_video_meeting", {"meeting_id": target})["status"] == "cancelled"
    assert target in [m["meeting_id"] for m in _meetings(ep, status="cancelled")]
    fails(ep, "cancel_video_meeting", {"meeting_id": target}, "was cancelled")


def test_cancel_video_meeting_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    fails(ep, "cancel_video_meeting", {"meeting_id": _own(ep, "live")["meeting_id"]}, "live", "end_video_meeting")
    fails(ep, "cancel_video_meeting", {"meeting_id": _own(ep, "ended")["meeting_id"]}, "already ended")
    fails(ep, "cancel_video_meeting", {"meeting_id": _others(ep, "scheduled")[0]["meeting_id"]}, "not yours")


# ----- running meetings -----


def test_end_video_meeting_ends_the_live_session_and_saves_its_recording():
    ep = open_server(SERVER)
    live = _meeting(ep, _own(ep, "live")["meeting_id"])
    was_recording = live["cloud_recording"]
    ended = ok(ep, "end_video_meeting", {"meeting_id": live["meeting_id"]})
    assert ended["meeting"]["status"] == "ended" and ended["next_start_time"] is None
    assert ended["session_ended_at"] == _z(clock_of(ep))
    joined = [p for p in live["participants"] if p["status"] == "joined"]
    after = {p["email"]: p for p in ended["attendance"]}
    assert joined and all(after[p["email"]]["status"] == "left" and after[p["email"]]["minutes_attended"] > 0
                          for p in joined)
    assert _account(ep)["live_meeting_id"] is None
    if was_recording:
        recording = _recordings(ep, meeting_id=live["meeting_id"])[0]
        assert recording["recording_id"] == ended["recording_id"] and recording["status"] == "processing"
    else:
        assert ended["recording_id"] is None
    fails(ep, "end_video_meeting", {"meeting_id": live["meeting_id"]}, "already ended")


def test_end_video_meeting_moves_a_recurring_meeting_to_its_next_session():
    ep = open_server(SERVER)
    series = next(m for m in _meetings(ep, role="hosting", status="scheduled") if m["recurrence"] == "weekly")
    ok(ep, "end_video_meeting", {"meeting_id": _own(ep, "live")["meeting_id"]})
    ok(ep, "start_video_meeting", {"meeting_id": series["meeting_id"]})
    ended = ok(ep, "end_video_meeting", {"meeting_id": series["meeting_id"]})
    meeting = ended["meeting"]
    assert meeting["status"] == "scheduled" and meeting["occurrences_remaining"] == series["occurrences_remaining"] - 1
    next_start = datetime.fromisoformat(ended["next_start_time"])
    assert next_start == datetime.fromisoformat(series["start_time"]) + timedelta(days=7)
    assert meeting["start_time"] == ended["next_start_time"]
    assert all(p["status"] == "invited" for p in meeting["participants"])
    assert next(p for p in ended["attendance"] if p["role"] == "host")["status"] == "left"


def test_end_video_meeting_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    fails(ep, "end_video_meeting", {"meeting_id": _own(ep, "ended")["meeting_id"]}, "already ended")
    fails(ep, "end_video_meeting", {"meeting_id": _own(ep, "cancelled")["meeting_id"]}, "was cancelled")
    fails(ep, "end_video_meeting", {"meeting_id": _own(ep, "scheduled")["meeting_id"]}, "has not started",
          "cancel_video_meeting")
    fails(ep, "end_video_meeting", {"meeting_id": _others(ep, "live")[0]["meeting_id"]}, "not yours")


def test_start_video_meeting_goes_live_once_the_current_meeting_ended():
    ep = open_server(SERVER)
    target = _own(ep, "scheduled")["meeting_id"]
    fails(ep, "start_video_meeting", {"meeting_id": target}, "already hosting", _own(ep, "live")["meeting_id"])
    ok(ep, "end_video_meeting", {"meeting_id": _own(ep, "live")["meeting_id"]})
    started = ok(ep, "start_video_meeting", {"meeting_id": target})
    assert started["status"] == "live" and started["started_at"] == _z(clock_of(ep))
    assert not started["cloud_recording"]
    host = next(p for p in started["participants"] if p["role"] == "host")
    assert host["status"] == "joined"
    assert _account(ep)["live_meeting_id"] == target
    fails(ep, "start_video_meeting", {"meeting_id": target}, "already live")


def test_start_video_meeting_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    other = _others(ep, "scheduled")[0]
    fails(ep, "start_video_meeting", {"meeting_id": other["meeting_id"]}, "not yours", other["host_email"],
          "join_video_meeting")
    fails(ep, "start_video_meeting", {"meeting_id": _own(ep, "ended")["meeting_id"]}, "already ended")
    fails(ep, "start_video_meeting", {"meeting_id": _own(ep, "cancelled")["meeting_id"]}, "was cancelled")
    ok(ep, "end_video_meeting", {"meeting_id": _own(ep, "live")["meeting_id"]})
    target = _own(ep, "scheduled")["meeting_id"]
    fails(ep, "start_video_meeting", {"meeting_id": target, "record_to_cloud": True}, "storage is nearly full",
          "delete_meeting_recording")


def test_deleting_recordings_frees_storage_for_a_cloud_recording():
    ep = open_server(SERVER)
    ok(ep, "end_video_meeting", {"meeting_id": _own(ep, "live")["meeting_id"]})
    target = _own(ep, "scheduled")["meeting_id"]
    ready = sorted(_recordings(ep, status="ready"), key=lambda r: -r["size_mb"])
    deleted = []
    while _account(ep)["storage_free_mb"] < _account(ep)["min_free_mb_to_record"]:
        recording = ready[len(deleted)]
        deletion = ok(ep, "delete_meeting_recording", {"recording_id": recording["recording_id"]})
        assert deletion["freed_mb"] == recording["size_mb"] and deletion["meeting_id"] == recording["meeting_id"]
        deleted.append(recording["recording_id"])
    assert deleted and not set(deleted) & {r["recording_id"] for r in _recordings(ep)}
    started = ok(ep, "start_video_meeting", {"meeting_id": target, "record_to_cloud": True})
    assert started["cloud_recording"]
    ended = ok(ep, "end_video_meeting", {"meeting_id": target})
    assert ended["recording_id"] in _meeting(ep, target)["recording_ids"]


def test_join_video_meeting_with_the_passcode_joins_or_waits_to_be_admitted():
    ep = open_server(SERVER)
    live = {m["meeting_id"]: _meeting(ep, m["meeting_id"]) for m in _others(ep, "live")}
    with_room = next(m for m in live.values() if m["waiting_room"] and m["my_role"] == "attendee")
    without = next(m for m in live.values() if not m["waiting_room"])
    waiting = ok(ep, "join_video_meeting", {"meeting_id": with_room["meeting_id"],
                                             "passcode": _passcode(ep, with_room["meeting_id"])})
    assert waiting["my_status"] == "waiting_room" and waiting["joined_at"] is None
    joined = ok(ep, "join_video_meeting", {"meeting_id": without["meeting_id"],
                                            "passcode": _passcode(ep, without["meeting_id"])})
    assert joined["my_status"] == "joined" and joined["joined_at"] == _z(clock_of(ep))
    me = _account(ep)["email"]
    people = {p["email"]: p for p in _meeting(ep, without["meeting_id"])["participants"]}
    assert people[me]["status"] == "joined"
    fails(ep, "join_video_meeting", {"meeting_id": without["meeting_id"],
                                     "passcode": _passcode(ep, without["meeting_id"])}, "already in")


def test_join_video_meeting_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    live = _others(ep, "live")[0]["meeting_id"]
    right = _passcode(ep, live)
    wrong = "000000" if right != "000000" else "111111"
    fails(ep, "join_video_meeting", {"meeting_id": live, "passcode": wrong}, "Wrong passcode", "invitation")
    later = _others(ep, "scheduled")[0]["meeting_id"]
    fails(ep, "join_video_meeting", {"meeting_id": later, "passcode": _passcode(ep, later)}, "has not started")
    over = _others(ep, "ended")[0]["meeting_id"]
    fails(ep, "join_video_meeting", {"meeting_id": over, "passcode": _passcode(ep, over)}, "already ended")
    off = _others(ep, "cancelled")[0]["meeting_id"]
    fails(ep, "join_video_meeting", {"meeting_id": off, "passcode": _passcode(ep, off)}, "was cancelled")
    mine = _own(ep, "live")["meeting_id"]
    fails(ep, "join_video_meeting", {"meeting_id": mine, "passcode": _passcode(ep, mine)}, "start_video_meeting")


# ----- recordings -----


def test_share_meeting_recording_creates_a_link_for_the_recipients():
    ep = open_server(SERVER)
    recording = next(r for r in _recordings(ep, status="ready") if not r["shared_with"])
    shared = ok(ep, "share_meeting_recording", {"recording_id": recording["recording_id"],
                                                 "emails": ["Client@Example.org", "client@example.org"],
                                                 "expires_in_days": 3, "allow_download": True})
    assert shared["share_url"].startswith("https://meet.example.com/rec/share/")
    assert shared["shared_with"] == ["client@example.org"] and shared["allow_download"]
    assert shared["share_expires_at"] == _z(clock_of(ep) + timedelta(days=3))
    listed = next(r for r in _recordings(ep) if r["recording_id"] == recording["recording_id"])
    assert listed["share_url"] == shared["share_url"]
    again = ok(ep, "share_meeting_recording", {"recording_id": recording["recording_id"], "emails": ["b@example.org"]})
    assert again["share_url"] != shared["share_url"]
    assert again["shared_with"] == ["client@example.org", "b@example.org"]


def test_share_meeting_recording_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    processing = _recordings(ep, status="processing")[0]
    fails(ep, "share_meeting_recording", {"recording_id": processing["recording_id"]}, "still processing",
          "ready around")
    oldest = _recordings(ep, status="ready")[-1]
    days_left = (datetime.fromisoformat(oldest["auto_delete_on"]).date() - clock_of(ep).date()).days
    fails(ep, "share_meeting_recording", {"recording_id": oldest["recording_id"], "expires_in_days": days_left + 1},
          "deleted automatically", f"at most {days_left} days")
    ok(ep, "share_meeting_recording", {"recording_id": oldest["recording_id"], "expires_in_days": days_left})


def test_delete_meeting_recording_frees_its_storage():
    ep = open_server(SERVER)
    before = _account(ep)
    recording = _recordings(ep, status="ready")[0]
    deletion = ok(ep, "delete_meeting_recording", {"recording_id": recording["recording_id"]})
    assert deletion["storage_used_mb"] == round(before["storage_used_mb"] - recording["size_mb"], 1)
    assert _account(ep)["recording_count"] == before["recording_count"] - 1
    assert recording["recording_id"] not in _meeting(ep, recording["meeting_id"])["recording_ids"]
    fails(ep, "delete_meeting_recording", {"recording_id": recording["recording_id"]}, "Unknown recording")
    processing = _recordings(ep, status="processing")[0]
    fails(ep, "delete_meeting_recording", {"recording_id": processing["recording_id"]}, "still processing")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    base = {"topic": "Sync", "start_time": _iso(clock_of(ep) + timedelta(days=1)), "duration_minutes": 30}
    bad = [
        {**base, "duration_minutes": "30"},
        {**base, "duration_minutes": 0},
        {**base, "duration_minutes": 10**9},
        {**base, "topic": ""},
        {**base, "topic": "x" * 10_000},
        {**base, "passcode": "no spaces!"},
        {**base, "invitee_emails": ["not-an-email"]},
        {**base, "invitee_emails": ["a@example.org"] * 101},
        {**base, "recurrence": "hourly"},
        {**base, "extra": 1},
    ]
    for args in bad:
        assert ep.call("schedule_video_meeting", args).status == "invalid_arguments", args
    assert ep.call("join_video_meeting", {"meeting_id": "MTG-0001", "passcode": "1"}).status == "invalid_arguments"
    assert ep.call("list_video_meetings", {"day": "March 3"}).status == "invalid_arguments"
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, Any]:
    """End the live meeting, free storage, schedule and staff a meeting, run it recorded, share the recording."""
    live_id = ok(ep, "get_video_meeting_account")["live_meeting_id"]
    ok(ep, "end_video_meeting", {"meeting_id": live_id})
    for recording in ok(ep, "list_meeting_recordings", {"status": "ready", "limit": 3})["recordings"]:
        ok(ep, "delete_meeting_recording", {"recording_id": recording["recording_id"]})
    ended = next(m for m in ok(ep, "list_video_meetings", {"role": "hosting", "status": "ended"})["meetings"])
    guest = ok(ep, "get_video_meeting", {"meeting_id": ended["meeting_id"]})["participants"][1]["email"]
    start = _iso(clock_of(ep) + timedelta(hours=1))
    meeting = ok(ep, "schedule_video_meeting", {"topic": "Follow-up with the team", "start_time": start,
                                                 "duration_minutes": 30, "invitee_emails": [guest]})
    ok(ep, "invite_meeting_participants", {"meeting_id": meeting["meeting_id"], "emails": [guest], "role": "co_host"})
    ok(ep, "start_video_meeting", {"meeting_id": meeting["meeting_id"], "record_to_cloud": True})
    recording_id = ok(ep, "end_video_meeting", {"meeting_id": meeting["meeting_id"]})["recording_id"]
    old = ok(ep, "list_meeting_recordings", {"status": "ready", "limit": 1})["recordings"][0]["recording_id"]
    link = ok(ep, "share_meeting_recording", {"recording_id": old, "emails": [guest]})["share_url"]
    return {"live_id": live_id, "meeting_id": meeting["meeting_id"], "guest": guest, "recording_id": recording_id,
            "shared_id": old, "link": link}


def test_multi_step_scenario_is_reproducible_and_visible():
    first, ids = assert_replays(SERVER, _scenario)

    assert _meeting(first, ids["live_id"])["status"] == "ended"
    meeting = _meeting(first, ids["meeting_id"])
    assert meeting["status"] == "ended" and meeting["recording_ids"] == [ids["recording_id"]]
    guest = next(p for p in meeting["participants"] if p["email"] == ids["guest"])
    assert guest["role"] == "co_host" and guest["status"] == "invited"
    recording = _recordings(first, meeting_id=ids["meeting_id"])[0]
    assert recording["status"] == "processing" and recording["size_mb"] > 0
    shared = next(r for r in _recordings(first) if r["recording_id"] == ids["shared_id"])
    assert shared["share_url"] == ids["link"] and ids["guest"] in shared["shared_with"]
    assert _account(first)["live_meeting_id"] is None


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=3), Episode.open([SERVER], seed=3)
    listing = {"limit": 100}
    assert a.call("list_video_meetings", listing).content == b.call("list_video_meetings", listing).content


def test_default_world_is_large_varied_and_compact():
    world = world_of(open_server(SERVER))
    meetings = list(world["meetings"].values())
    assert 50 <= len(meetings) <= 70
    assert 20 <= len(world["recordings"]) <= 40
    assert {m["status"] for m in meetings} == {"scheduled", "live", "ended", "cancelled"}
    assert {m["recurrence"] for m in meetings} >= {"none", "daily", "weekly", "biweekly"}
    assert {r["status"] for r in world["recordings"].values()} == {"processing", "ready"}
    assert any(r["share_url"] for r in world["recordings"].values())
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        fresh = VideoMeetingWorld.new_world(0)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.03
    assert len(fresh.canonical_json()) < 150_000
