"""Behaviour of the team_chat server, through the public Episode API.

Test data is discovered in the seed-0 world, through the tools or through `Episode.snapshot()` for what the
signed-in member cannot see (private channels they are not in), rather than hard-coded.
"""

from collections.abc import Callable
from typing import Any

from mcp_servers import Episode
from mcp_servers.team_chat.world import TeamChatWorld
from tests.helpers import fails, ok

SERVER = "team_chat"


def _episode(seed: int = 0) -> Episode:
    return Episode.open([SERVER], seed=seed)


def _world(ep: Episode) -> dict[str, Any]:
    return ep.snapshot()[SERVER]


def _me(ep: Episode) -> str:
    return ok(ep, "list_chat_members", {"limit": 1})["signed_in_as"]


def _channel(ep: Episode, test: Callable[[dict[str, Any], str], bool]) -> dict[str, Any]:
    """The first channel of the world passing `test(channel, me)`."""
    world = _world(ep)
    return next(c for c in world["channels"].values() if test(c, world["me"]))


def _joined(channel: dict[str, Any], me: str) -> bool:
    """A joined, unarchived channel (not a direct conversation, which may be read-only)."""
    return me in channel["member_handles"] and not channel["archived"] and channel["kind"] != "direct"


def _open_channel(ep: Episode) -> dict[str, Any]:
    """A public, unarchived channel everyone may post in, that the signed-in member has joined."""
    return _channel(ep, lambda c, me: _joined(c, me) and c["kind"] == "public" and c["posting"] == "everyone")


def _hidden_channel(ep: Episode) -> dict[str, Any]:
    """A private, unarchived channel the signed-in member neither belongs to nor is invited to."""
    return _channel(ep, lambda c, me: c["kind"] == "private" and not c["archived"]
                    and me not in c["member_handles"] and me not in c["invited_handles"])


def _message_in(ep: Episode, channel_id: str, test: Callable[[dict[str, Any]], bool] = lambda m: True) -> dict:
    return next(m for m in _world(ep)["messages"].values() if m["channel_id"] == channel_id and test(m))


def _guest_seed() -> int:
    return next(seed for seed in range(1, 40)
                if (w := TeamChatWorld.new_world(seed)).members[w.me].role == "guest")


# ----- discovery -----


def test_list_chat_channels_shows_public_joined_and_invited_channels_but_not_hidden_private_ones():
    ep = _episode()
    listed = {c["channel_id"]: c for c in ok(ep, "list_chat_channels", {"limit": 200})["channels"]}
    world = _world(ep)
    me = world["me"]
    for channel in world["channels"].values():
        visible = channel["kind"] == "public" or me in channel["member_handles"] or me in channel["invited_handles"]
        assert (channel["channel_id"] in listed) == (visible and not channel["archived"]), channel["name"]
    general = next(c for c in listed.values() if c["name"] == "general")
    assert general["is_member"] and general["member_count"] >= 30 and general["last_message_at"]
    invited = ok(ep, "list_chat_channels", {"membership": "invited"})["channels"]
    assert invited and all(c["invited"] and not c["is_member"] and c["kind"] == "private" for c in invited)


def test_list_chat_channels_filters_by_query_kind_membership_and_archive():
    ep = _episode()
    found = ok(ep, "list_chat_channels", {"query": "BACKEND"})["channels"]
    assert [c["name"] for c in found] == ["eng-backend"]
    archived = ok(ep, "list_chat_channels", {"include_archived": True, "query": "phoenix"})["channels"]
    assert archived and archived[0]["archived"]
    assert not ok(ep, "list_chat_channels", {"query": "phoenix"})["channels"]
    joined = ok(ep, "list_chat_channels", {"membership": "joined", "kind": "public"})["channels"]
    assert joined and all(c["is_member"] and c["kind"] == "public" for c in joined)
    direct = ok(ep, "list_chat_channels", {"kind": "direct"})["channels"]
    assert direct and all(c["direct_with"] and c["name"] == "" for c in direct)
    partner = direct[0]["direct_with"]
    assert ok(ep, "list_chat_channels", {"kind": "direct", "query": partner})["channels"][0]["direct_with"] == partner


def test_list_chat_members_filters_and_names_the_signed_in_member():
    ep = _episode()
    world = _world(ep)
    everyone = ok(ep, "list_chat_members", {"limit": 200})
    assert everyone["signed_in_as"] == world["me"]
    assert everyone["total_matched"] == sum(1 for m in world["members"].values() if not m["deactivated"])
    with_former = ok(ep, "list_chat_members", {"limit": 200, "include_deactivated": True})
    assert with_former["total_matched"] == len(world["members"]) == 40
    guests = ok(ep, "list_chat_members", {"role": "guest"})["members"]
    assert guests and all(m["role"] == "guest" for m in guests)
    engineers = ok(ep, "list_chat_members", {"query": "engineering"})["members"]
    assert engineers and all(m["department"] == "Engineering" for m in engineers)
    channel = _open_channel(ep)
    in_channel = ok(ep, "list_chat_members", {"channel_id": channel["channel_id"], "include_deactivated": True,
                                               "limit": 200})["members"]
    assert sorted(m["handle"] for m in in_channel) == sorted(channel["member_handles"])


def test_list_chat_members_of_a_hidden_channel_fails():
    ep = _episode()
    fails(ep, "list_chat_members", {"channel_id": _hidden_channel(ep)["channel_id"]}, "private", "not a member")
    fails(ep, "list_chat_members", {"channel_id": "CH-9999"}, "Unknown chat channel", "list_chat_channels")


def test_read_chat_channel_lists_recent_top_level_messages_with_reply_counts():
    ep = _episode()
    general = ok(ep, "list_chat_channels", {"query": "general"})["channels"][0]
    history = ok(ep, "read_chat_channel", {"channel_id": general["channel_id"], "limit": 200})
    assert history["channel"]["name"] == "general" and _me(ep) in history["channel"]["member_handles"]
    messages = history["messages"]
    assert len(messages) == history["total_matched"] > 10
    assert all(m["thread_id"] is None and m["channel_id"] == general["channel_id"] for m in messages)
    assert [m["message_id"] for m in messages] == sorted(m["message_id"] for m in messages)
    threaded = next(m for m in messages if m["reply_count"] > 0)
    thread = ok(ep, "get_chat_thread", {"message_id": threaded["message_id"]})
    assert len(thread["replies"]) == threaded["reply_count"]
    latest = ok(ep, "read_chat_channel", {"channel_id": general["channel_id"], "limit": 3})["messages"]
    assert latest == messages[-3:]


def test_read_chat_channel_reads_public_channels_without_joining_but_not_hidden_or_invited_private_ones():
    ep = _episode()
    outside = _channel(ep, lambda c, me: c["kind"] == "public" and me not in c["member_handles"])
    assert ok(ep, "read_chat_channel", {"channel_id": outside["channel_id"]})["messages"]
    fails(ep, "read_chat_channel", {"channel_id": _hidden_channel(ep)["channel_id"]}, "cannot see", "private")
    invited = _channel(ep, lambda c, me: me in c["invited_handles"])
    fails(ep, "read_chat_channel", {"channel_id": invited["channel_id"]}, "invited", "join_chat_channel")
    fails(ep, "read_chat_channel", {"channel_id": "CH-0999"}, "Unknown chat channel")


def test_get_chat_thread_from_any_reply_returns_the_whole_thread():
    ep = _episode()
    channel = _open_channel(ep)
    reply = _message_in(ep, channel["channel_id"], lambda m: m["thread_id"] is not None)
    thread = ok(ep, "get_chat_thread", {"message_id": reply["message_id"]})
    assert thread["parent"]["message_id"] == reply["thread_id"]
    assert reply["message_id"] in [r["message_id"] for r in thread["replies"]]
    assert all(r["thread_id"] == reply["thread_id"] for r in thread["replies"])


def test_get_chat_thread_in_a_hidden_channel_fails():
    ep = _episode()
    hidden = _message_in(ep, _hidden_channel(ep)["channel_id"])
    fails(ep, "get_chat_thread", {"message_id": hidden["message_id"]}, "cannot see")
    fails(ep, "get_chat_thread", {"message_id": "MSG-9999"}, "Unknown chat message", "search_chat_messages")


def test_search_chat_messages_matches_all_words_and_never_shows_hidden_channels():
    ep = _episode()
    world = _world(ep)
    hits = ok(ep, "search_chat_messages", {"query": "deploy BLOCKED", "limit": 100})
    assert hits["messages"] and hits["total_matched"] == len(hits["messages"])
    assert all("deploy" in m["text"].lower() and "blocked" in m["text"].lower() for m in hits["messages"])
    everything = ok(ep, "search_chat_messages", {"limit": 100})
    hidden = {c["channel_id"] for c in world["channels"].values()
              if c["kind"] == "private" and world["me"] not in c["member_handles"]}
    assert everything["total_matched"] < len(world["messages"])
    assert not {m["channel_id"] for m in everything["messages"]} & hidden
    times = [m["posted_at"] for m in everything["messages"]]
    assert times == sorted(times, reverse=True)


def test_search_chat_messages_filters_by_author_channel_and_days():
    ep = _episode()
    me = _me(ep)
    mine = ok(ep, "search_chat_messages", {"author": me, "limit": 100})["messages"]
    assert mine and all(m["author"] == me for m in mine)
    direct = ok(ep, "list_chat_channels", {"kind": "direct"})["channels"][0]
    in_dm = ok(ep, "search_chat_messages", {"channel_id": direct["channel_id"]})["messages"]
    assert in_dm and all(m["channel_label"] == "@" + direct["direct_with"] for m in in_dm)
    recent = ok(ep, "search_chat_messages", {"days": 2, "limit": 100})["messages"]
    assert len(recent) < len(ok(ep, "search_chat_messages", {"days": 30, "limit": 100})["messages"])


def test_search_chat_messages_failures():
    ep = _episode()
    fails(ep, "search_chat_messages", {"query": "x", "author": "nobody.here"}, "Unknown chat member")
    fails(ep, "search_chat_messages", {"channel_id": _hidden_channel(ep)["channel_id"]}, "cannot see")


# ----- channels -----


def test_join_chat_channel_joins_a_public_channel():
    ep = _episode()
    target = ok(ep, "list_chat_channels", {"membership": "not_joined", "kind": "public"})["channels"][0]
    joined = ok(ep, "join_chat_channel", {"channel_id": target["channel_id"]})
    assert joined["is_member"] and joined["member_count"] == target["member_count"] + 1
    mine = ok(ep, "list_chat_channels", {"membership": "joined", "limit": 200})["channels"]
    assert target["channel_id"] in [c["channel_id"] for c in mine]


def test_join_chat_channel_accepts_a_private_invitation():
    ep = _episode()
    invited = ok(ep, "list_chat_channels", {"membership": "invited"})["channels"][0]
    joined = ok(ep, "join_chat_channel", {"channel_id": invited["channel_id"]})
    assert joined["is_member"] and not joined["invited"] and _me(ep) in joined["member_handles"]
    assert ok(ep, "read_chat_channel", {"channel_id": invited["channel_id"]})["channel"]["is_member"]
    assert not ok(ep, "list_chat_channels", {"membership": "invited"})["channels"]


def test_join_chat_channel_failures_leave_the_world_unchanged():
    ep = _episode()
    fails(ep, "join_chat_channel", {"channel_id": _hidden_channel(ep)["channel_id"]}, "private", "not been invited")
    fails(ep, "join_chat_channel", {"channel_id": _open_channel(ep)["channel_id"]}, "already a member")
    archived = _channel(ep, lambda c, me: c["archived"] and c["kind"] == "public" and me not in c["member_handles"])
    fails(ep, "join_chat_channel", {"channel_id": archived["channel_id"]}, "archived")
    direct = _channel(ep, lambda c, me: c["kind"] == "direct")
    fails(ep, "join_chat_channel", {"channel_id": direct["channel_id"]}, "direct conversation")
    fails(ep, "join_chat_channel", {"channel_id": "CH-4242"}, "Unknown chat channel")


def test_create_chat_channel_creates_it_with_the_chosen_members():
    ep = _episode()
    me = _me(ep)
    people = [m["handle"] for m in ok(ep, "list_chat_members", {"query": "design"})["members"] if m["handle"] != me]
    created = ok(ep, "create_chat_channel", {"name": "launch-war-room", "visibility": "private",
                                              "topic": "Launch day coordination", "member_handles": people[:2] + [me]})
    assert created["kind"] == "private" and created["created_by"] == me
    assert created["member_handles"] == [me, *people[:2]]
    listed = ok(ep, "list_chat_channels", {"query": "war-room"})["channels"]
    assert [c["channel_id"] for c in listed] == [created["channel_id"]]
    posted = ok(ep, "post_chat_message", {"channel_id": created["channel_id"], "text": "Kickoff at 10"})
    assert ok(ep, "read_chat_channel", {"channel_id": created["channel_id"]})["messages"][0]["message_id"] == \
        posted["message_id"]


def test_create_chat_channel_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    fails(ep, "create_chat_channel", {"name": "general"}, "already exists")
    archived = next(c for c in world["channels"].values() if c["archived"])
    fails(ep, "create_chat_channel", {"name": archived["name"]}, "already exists", "archived")
    former = next(m["handle"] for m in world["members"].values() if m["deactivated"])
    fails(ep, "create_chat_channel", {"name": "fresh-one", "member_handles": [former]}, "deactivated")
    fails(ep, "create_chat_channel", {"name": "fresh-one", "member_handles": ["ghost.user"]}, "Unknown chat member")


# ----- messages -----


def test_post_chat_message_appears_at_the_end_of_the_channel():
    ep = _episode()
    channel = _open_channel(ep)
    posted = ok(ep, "post_chat_message", {"channel_id": channel["channel_id"], "text": "  Standup moved to 10:15  "})
    assert posted["text"] == "Standup moved to 10:15" and posted["author"] == _me(ep)
    assert posted["posted_at"] == _world(ep)["now"].replace("+00:00", "Z")
    latest = ok(ep, "read_chat_channel", {"channel_id": channel["channel_id"], "limit": 1})["messages"]
    assert latest[0]["message_id"] == posted["message_id"] and latest[0]["reply_count"] == 0


def test_post_chat_message_failures_leave_the_world_unchanged():
    ep = _episode()
    post = "post_chat_message"
    outside = _channel(ep, lambda c, me: c["kind"] == "public" and not c["archived"] and me not in c["member_handles"])
    fails(ep, post, {"channel_id": outside["channel_id"], "text": "hi"}, "not a member", "join_chat_channel")
    archived = _channel(ep, lambda c, me: c["archived"] and me in c["member_handles"])
    fails(ep, post, {"channel_id": archived["channel_id"], "text": "hi"}, "archived", "read-only")
    announcements = _channel(ep, lambda c, me: c["posting"] == "admins")
    fails(ep, post, {"channel_id": announcements["channel_id"], "text": "hi"}, "Only admins", "reply_in_chat_thread")
    fails(ep, post, {"channel_id": _hidden_channel(ep)["channel_id"], "text": "hi"}, "cannot see")
    channel_id = _open_channel(ep)["channel_id"]
    fails(ep, post, {"channel_id": channel_id, "text": "x" * 4001}, "4,001 characters", "limit is 4,000")
    fails(ep, post, {"channel_id": channel_id, "text": "   "}, "empty")
    world = _world(ep)
    former = {m["handle"] for m in world["members"].values() if m["deactivated"]}
    old_dm = _channel(ep, lambda c, me: c["kind"] == "direct" and set(c["member_handles"]) & former)
    fails(ep, post, {"channel_id": old_dm["channel_id"], "text": "hi"}, "deactivated", "read-only")


def test_reply_in_chat_thread_adds_to_the_root_thread_even_when_replying_to_a_reply():
    ep = _episode()
    channel = _open_channel(ep)
    reply = _message_in(ep, channel["channel_id"], lambda m: m["thread_id"] is not None)
    before = len(ok(ep, "get_chat_thread", {"message_id": reply["thread_id"]})["replies"])
    result = ok(ep, "reply_in_chat_thread", {"message_id": reply["message_id"], "text": "Agreed, shipping it"})
    assert result["reply"]["thread_id"] == reply["thread_id"] and result["thread_reply_count"] == before + 1
    thread = ok(ep, "get_chat_thread", {"message_id": reply["thread_id"]})
    assert thread["replies"][-1]["message_id"] == result["reply"]["message_id"]
    top = ok(ep, "read_chat_channel", {"channel_id": channel["channel_id"], "limit": 200})["messages"]
    assert next(m for m in top if m["message_id"] == reply["thread_id"])["reply_count"] == before + 1


def test_reply_in_chat_thread_in_admin_only_channels_is_allowed():
    ep = _episode()
    announcements = _channel(ep, lambda c, me: c["posting"] == "admins")
    top = _message_in(ep, announcements["channel_id"], lambda m: m["thread_id"] is None)
    result = ok(ep, "reply_in_chat_thread", {"message_id": top["message_id"], "text": "Thanks for the heads-up"})
    assert result["reply"]["thread_id"] == top["message_id"]


def test_reply_in_chat_thread_failures_leave_the_world_unchanged():
    ep = _episode()
    tool = "reply_in_chat_thread"
    hidden = _message_in(ep, _hidden_channel(ep)["channel_id"])
    fails(ep, tool, {"message_id": hidden["message_id"], "text": "hi"}, "cannot see")
    archived = _channel(ep, lambda c, me: c["archived"] and me in c["member_handles"])
    old = _message_in(ep, archived["channel_id"])
    fails(ep, tool, {"message_id": old["message_id"], "text": "hi"}, "archived")
    outside = _channel(ep, lambda c, me: c["kind"] == "public" and not c["archived"] and me not in c["member_handles"])
    fails(ep, tool, {"message_id": _message_in(ep, outside["channel_id"])["message_id"], "text": "hi"}, "not a member")
    mine = _message_in(ep, _open_channel(ep)["channel_id"])
    fails(ep, tool, {"message_id": mine["message_id"], "text": "y" * 5000}, "limit is 4,000")
    fails(ep, tool, {"message_id": "MSG-0000", "text": "hi"}, "Unknown chat message")


def test_react_to_chat_message_adds_one_reaction_per_emoji():
    ep = _episode()
    me = _me(ep)
    message = _message_in(ep, _open_channel(ep)["channel_id"], lambda m: me not in m["reactions"].get("rocket", []))
    reacted = ok(ep, "react_to_chat_message", {"message_id": message["message_id"], "emoji": "rocket"})
    assert reacted["reactions"]["rocket"][-1] == me
    found = ok(ep, "search_chat_messages", {"channel_id": message["channel_id"], "limit": 100})["messages"]
    assert me in next(m for m in found if m["message_id"] == message["message_id"])["reactions"]["rocket"]
    fails(ep, "react_to_chat_message", {"message_id": message["message_id"], "emoji": "rocket"}, "already reacted")


def test_react_to_chat_message_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    me = world["me"]
    already = next(m for m in world["messages"].values() if any(me in who for who in m["reactions"].values())
                   and _joined(world["channels"][m["channel_id"]], me))
    emoji = next(e for e, who in already["reactions"].items() if me in who)
    fails(ep, "react_to_chat_message", {"message_id": already["message_id"], "emoji": emoji}, "already reacted", emoji)
    archived = _channel(ep, lambda c, me: c["archived"] and me in c["member_handles"])
    old = _message_in(ep, archived["channel_id"])
    fails(ep, "react_to_chat_message", {"message_id": old["message_id"], "emoji": "tada"}, "archived")
    hidden = _message_in(ep, _hidden_channel(ep)["channel_id"])
    fails(ep, "react_to_chat_message", {"message_id": hidden["message_id"], "emoji": "tada"}, "cannot see")
    assert ep.call("react_to_chat_message", {"message_id": old["message_id"], "emoji": "smile_cat"}).status == \
        "invalid_arguments"


def test_pin_chat_message_shows_in_the_pinned_list():
    ep = _episode()
    channel = _open_channel(ep)
    message = _message_in(ep, channel["channel_id"], lambda m: m["pinned_by"] is None)
    pinned = ok(ep, "pin_chat_message", {"message_id": message["message_id"]})
    assert pinned["pinned_by"] == _me(ep)
    shown = ok(ep, "read_chat_channel", {"channel_id": channel["channel_id"], "pinned_only": True, "limit": 200})
    assert message["message_id"] in [m["message_id"] for m in shown["messages"]]
    assert all(m["pinned_by"] for m in shown["messages"])
    fails(ep, "pin_chat_message", {"message_id": message["message_id"]}, "already pinned", _me(ep))


def test_pin_chat_message_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    pinned = next(m for m in world["messages"].values()
                  if m["pinned_by"] and _joined(world["channels"][m["channel_id"]], world["me"]))
    fails(ep, "pin_chat_message", {"message_id": pinned["message_id"]}, "already pinned", pinned["pinned_by"])
    outside = _channel(ep, lambda c, me: c["kind"] == "public" and not c["archived"] and me not in c["member_handles"])
    fails(ep, "pin_chat_message", {"message_id": _message_in(ep, outside["channel_id"])["message_id"]}, "not a member")


def test_edit_chat_message_keeps_the_earlier_text_in_the_history():
    ep = _episode()
    me = _me(ep)
    channel = _open_channel(ep)
    posted = ok(ep, "post_chat_message", {"channel_id": channel["channel_id"], "text": "Demo at 3pm"})
    edited = ok(ep, "edit_chat_message", {"message_id": posted["message_id"], "text": "Demo at 4pm"})
    assert edited["text"] == "Demo at 4pm"
    assert [r["text"] for r in edited["edits"]] == ["Demo at 3pm"]
    again = ok(ep, "edit_chat_message", {"message_id": posted["message_id"], "text": "Demo at 4:30pm"})
    assert [r["text"] for r in again["edits"]] == ["Demo at 3pm", "Demo at 4pm"]
    found = ok(ep, "search_chat_messages", {"query": "demo 4:30pm", "author": me})["messages"]
    assert found[0]["message_id"] == posted["message_id"] and len(found[0]["edits"]) == 2


def test_edit_chat_message_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    me = world["me"]
    channel = _open_channel(ep)
    theirs = _message_in(ep, channel["channel_id"], lambda m: m["author"] != me)
    fails(ep, "edit_chat_message", {"message_id": theirs["message_id"], "text": "mine now"}, "your own",
          theirs["author"])
    mine = next(m for m in world["messages"].values()
                if m["author"] == me and _joined(world["channels"][m["channel_id"]], me))
    fails(ep, "edit_chat_message", {"message_id": mine["message_id"], "text": mine["text"]}, "already has this text")
    fails(ep, "edit_chat_message", {"message_id": mine["message_id"], "text": "z" * 4500}, "limit is 4,000")
    archived = next(m for m in world["messages"].values() if m["author"] == me
                    and world["channels"][m["channel_id"]]["archived"])
    fails(ep, "edit_chat_message", {"message_id": archived["message_id"], "text": "late fix"}, "archived")


def test_send_direct_chat_message_reuses_or_opens_the_conversation():
    ep = _episode()
    me = _me(ep)
    existing = ok(ep, "list_chat_channels", {"kind": "direct"})["channels"]
    partner = existing[0]["direct_with"]
    sent = ok(ep, "send_direct_chat_message", {"member_handle": partner, "text": "Lunch later?"})
    assert sent["channel_id"] == existing[0]["channel_id"] and not sent["new_conversation"]
    talked_to = {c["direct_with"] for c in existing}
    stranger = next(m["handle"] for m in ok(ep, "list_chat_members", {"limit": 200})["members"]
                    if m["handle"] not in talked_to and m["handle"] != me)
    opened = ok(ep, "send_direct_chat_message", {"member_handle": stranger, "text": "Welcome aboard!"})
    assert opened["new_conversation"] and opened["direct_with"] == stranger
    conversation = ok(ep, "read_chat_channel", {"channel_id": opened["channel_id"]})
    assert conversation["channel"]["direct_with"] == stranger
    assert [m["text"] for m in conversation["messages"]] == ["Welcome aboard!"]
    again = ok(ep, "send_direct_chat_message", {"member_handle": stranger, "text": "Ping me anytime."})
    assert again["channel_id"] == opened["channel_id"] and not again["new_conversation"]


def test_send_direct_chat_message_failures_leave_the_world_unchanged():
    ep = _episode()
    world = _world(ep)
    tool = "send_direct_chat_message"
    fails(ep, tool, {"member_handle": world["me"], "text": "note to self"}, "your own")
    former = next(m["handle"] for m in world["members"].values() if m["deactivated"])
    fails(ep, tool, {"member_handle": former, "text": "hello?"}, "deactivated")
    fails(ep, tool, {"member_handle": "no.such.person", "text": "hello"}, "Unknown chat member", "list_chat_members")
    active = next(m["handle"] for m in world["members"].values() if not m["deactivated"] and m["handle"] != world["me"])
    fails(ep, tool, {"member_handle": active, "text": "w" * 4001}, "limit is 4,000")


# ----- guests -----


def test_a_guest_sees_only_their_channels_and_cannot_create_or_join_uninvited():
    seed = _guest_seed()
    ep = _episode(seed)
    world = _world(ep)
    me = world["me"]
    assert world["members"][me]["role"] == "guest"
    listed = ok(ep, "list_chat_channels", {"limit": 200, "include_archived": True})["channels"]
    assert all(c["is_member"] or c["invited"] for c in listed)
    fails(ep, "create_chat_channel", {"name": "guest-room"}, "Guests cannot create")
    outside = _channel(ep, lambda c, me: c["kind"] == "public" and not c["archived"]
                       and me not in c["member_handles"] and me not in c["invited_handles"])
    fails(ep, "join_chat_channel", {"channel_id": outside["channel_id"]}, "Guests can only join")
    fails(ep, "read_chat_channel", {"channel_id": outside["channel_id"]}, "Guests only see")
    invited = next(c for c in listed if c["invited"])
    assert ok(ep, "join_chat_channel", {"channel_id": invited["channel_id"]})["is_member"]
    assert ok(ep, "read_chat_channel", {"channel_id": invited["channel_id"]})["messages"]


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = _episode()
    before = ep.state_hash()
    channel_id = _open_channel(ep)["channel_id"]
    bad = [
        ("post_chat_message", {"channel_id": channel_id, "text": ""}),
        ("post_chat_message", {"channel_id": channel_id, "text": "x" * 20_001}),
        ("post_chat_message", {"channel_id": channel_id}),
        ("post_chat_message", {"channel_id": channel_id, "text": "hi", "extra": 1}),
        ("create_chat_channel", {"name": "Has Spaces"}),
        ("create_chat_channel", {"name": "../etc"}),
        ("create_chat_channel", {"name": "ok-name", "member_handles": ["a"] * 51}),
        ("read_chat_channel", {"channel_id": channel_id, "limit": 0}),
        ("read_chat_channel", {"channel_id": channel_id, "limit": "5"}),
        ("search_chat_messages", {"days": -1}),
        ("list_chat_channels", {"kind": "secret"}),
    ]
    for tool, args in bad:
        assert ep.call(tool, args).status == "invalid_arguments", (tool, args)
    assert ep.call("search_chat_messages", {"query": "Zoë ../../etc/passwd .*( 🙂"}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Join an invited channel, post there, thread a reply, react, pin, edit, create a channel and DM its member."""
    invited = ok(ep, "list_chat_channels", {"membership": "invited"})["channels"][0]["channel_id"]
    ok(ep, "join_chat_channel", {"channel_id": invited})
    posted = ok(ep, "post_chat_message", {"channel_id": invited, "text": "Draft agenda is in the doc"})
    reply = ok(ep, "reply_in_chat_thread", {"message_id": posted["message_id"], "text": "Added two items"})["reply"]
    ok(ep, "react_to_chat_message", {"message_id": reply["message_id"], "emoji": "white_check_mark"})
    ok(ep, "pin_chat_message", {"message_id": posted["message_id"]})
    ok(ep, "edit_chat_message", {"message_id": posted["message_id"], "text": "Final agenda is in the doc"})
    colleague = next(m["handle"] for m in ok(ep, "list_chat_members", {"channel_id": invited})["members"]
                     if m["handle"] != _me(ep))
    created = ok(ep, "create_chat_channel", {"name": "agenda-followups", "member_handles": [colleague]})
    sent = ok(ep, "send_direct_chat_message", {"member_handle": colleague, "text": "See #agenda-followups"})
    return {"invited": invited, "posted": posted["message_id"], "reply": reply["message_id"],
            "created": created["channel_id"], "colleague": colleague, "dm": sent["channel_id"]}


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = _episode(), _episode()
    start = first.state_hash()
    outcomes = [(_scenario(ep), ep.state_hash()) for ep in (first, replay)]
    assert outcomes[0] == outcomes[1], "a replay on a fresh episode must reach the same ids and state"
    ids, final = outcomes[0]
    assert final != start

    me = _me(first)
    pinned = ok(first, "read_chat_channel", {"channel_id": ids["invited"], "pinned_only": True})["messages"]
    posted = next(m for m in pinned if m["message_id"] == ids["posted"])
    assert posted["text"] == "Final agenda is in the doc" and posted["pinned_by"] == me
    assert [r["text"] for r in posted["edits"]] == ["Draft agenda is in the doc"] and posted["reply_count"] == 1
    thread = ok(first, "get_chat_thread", {"message_id": ids["reply"]})
    assert thread["parent"]["message_id"] == ids["posted"]
    assert thread["replies"][0]["reactions"] == {"white_check_mark": [me]}
    created = ok(first, "read_chat_channel", {"channel_id": ids["created"]})["channel"]
    assert created["member_handles"] == [me, ids["colleague"]]
    dm = ok(first, "read_chat_channel", {"channel_id": ids["dm"]})
    assert dm["channel"]["direct_with"] == ids["colleague"]
    assert dm["messages"][-1]["text"] == "See #agenda-followups"


def test_new_world_is_deterministic_per_seed():
    assert _episode(0).state_hash() == _episode(0).state_hash()
    assert _episode(0).state_hash() != _episode(1).state_hash()
    a, b = _episode(5), _episode(5)
    query = {"query": "the", "limit": 50}
    assert a.call("search_chat_messages", query).content == b.call("search_chat_messages", query).content


def test_default_world_is_large_varied_and_compact():
    world = TeamChatWorld.new_world(0)
    assert len(world.members) == 40
    assert 30 <= len(world.channels) <= 40
    assert len(world.messages) >= 450
    assert sum(1 for m in world.messages.values() if m.thread_id) >= 150
    assert {m.role for m in world.members.values()} == {"admin", "member", "guest"}
    assert {c.kind for c in world.channels.values()} == {"public", "private", "direct"}
    assert any(c.archived for c in world.channels.values())
    assert any(m.edits for m in world.messages.values()) and any(m.pinned_by for m in world.messages.values())
    assert len(world.canonical_json()) < 150_000
