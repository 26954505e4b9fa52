"""Team chat tools: find channels, members and messages; read channels and threads; join and create channels; post,
reply, react, pin and edit messages; send direct messages. Every call acts as the signed-in member."""

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import ServerDef, ToolError, require
from mcp_servers.team_chat.world import (
    MAX_MESSAGE_CHARS,
    Channel,
    ChannelKind,
    ChatChannelId,
    ChatHandle,
    ChatMessageId,
    Emoji,
    Member,
    Message,
    Revision,
    TeamChatWorld,
)

server = ServerDef(
    "team_chat",
    TeamChatWorld,
    group="social",
    description=(
        "Slack-like team workspace seen by one signed-in member: public, private and archived channels, direct "
        "conversations, threads, emoji reactions, pins and message edits (edits keep the earlier text)."
    ),
)

MessageText = Annotated[str, Field(min_length=1, max_length=20_000)]
ChannelName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")]
Query = Annotated[str, Field(max_length=200)]
Limit = Annotated[int, Field(ge=1, le=200)]
MAX_NEW_CHANNEL_MEMBERS = 50


# ----- result models -----


class ChannelSummary(BaseModel):
    channel_id: ChatChannelId
    name: str = Field(description="Channel name; empty for a direct conversation.")
    kind: ChannelKind
    archived: bool
    topic: str
    posting: Literal["everyone", "admins"]
    member_count: int
    is_member: bool
    invited: bool = Field(description="You were invited and may join.")
    direct_with: ChatHandle | None = Field(description="For a direct conversation: the other member.")
    last_message_at: datetime | None


class ChannelList(BaseModel):
    channels: list[ChannelSummary]
    total_matched: int


class ChannelDetails(ChannelSummary):
    created_by: ChatHandle
    created_at: datetime
    member_handles: list[ChatHandle]


class MessageView(Message):
    reply_count: int


class ChannelHistory(BaseModel):
    channel: ChannelDetails
    messages: list[MessageView] = Field(description="Oldest first; the most recent ones when there are more.")
    total_matched: int


class Thread(BaseModel):
    channel_id: ChatChannelId
    parent: Message
    replies: list[Message] = Field(description="Oldest first.")


class SearchHit(Message):
    channel_label: str = Field(description="#name, or @handle for a direct conversation.")


class SearchResult(BaseModel):
    messages: list[SearchHit] = Field(description="Newest first.")
    total_matched: int


class MemberList(BaseModel):
    signed_in_as: ChatHandle
    members: list[Member]
    total_matched: int


class ThreadReply(BaseModel):
    reply: Message
    thread_reply_count: int


class DirectMessageSent(BaseModel):
    channel_id: ChatChannelId
    direct_with: ChatHandle
    new_conversation: bool
    message: Message


# ----- lookups and rules shared by the tools -----


def _channel(world: TeamChatWorld, channel_id: str) -> Channel:
    return require(world.channels, channel_id, "chat channel", "Use list_chat_channels to see channel ids.")


def _message(world: TeamChatWorld, message_id: str) -> Message:
    hint = "Use read_chat_channel or search_chat_messages to find message ids."
    return require(world.messages, message_id, "chat message", hint)


def _member(world: TeamChatWorld, handle: str) -> Member:
    return require(world.members, handle, "chat member", "Use list_chat_members to see member handles.")


def _label(world: TeamChatWorld, channel: Channel) -> str:
    if channel.kind == "direct":
        return "@" + next((h for h in channel.member_handles if h != world.me), world.me)
    return "#" + channel.name


def _can_read(world: TeamChatWorld, channel: Channel) -> bool:
    """Members read their channels; full members also read every public channel, archived or not."""
    if world.me in channel.member_handles:
        return True
    return channel.kind == "public" and world.members[world.me].role != "guest"


def _readable(world: TeamChatWorld, channel: Channel) -> Channel:
    if _can_read(world, channel):
        return channel
    if world.me in channel.invited_handles:
        raise ToolError(f"You are invited to {_label(world, channel)} ({channel.channel_id}) but have not joined; "
                        "join it with join_chat_channel first.")
    if channel.kind == "public":
        raise ToolError(f"Guests only see the channels they belong to; you are not a member of "
                        f"{_label(world, channel)} ({channel.channel_id}).")
    raise ToolError(f"You cannot see {channel.channel_id}: it is private and you are not a member. "
                    "Ask one of its members to invite you.")


def _writable(world: TeamChatWorld, channel: Channel, action: str) -> Channel:
    """A channel `me` may `action` in: readable, not archived, and joined."""
    _readable(world, channel)
    if channel.archived:
        raise ToolError(f"{_label(world, channel)} ({channel.channel_id}) is archived and read-only; you cannot "
                        f"{action} there.")
    if world.me not in channel.member_handles:
        raise ToolError(f"You are not a member of {_label(world, channel)} ({channel.channel_id}); join it with "
                        f"join_chat_channel before you {action} there.")
    if channel.kind == "direct" and world.members[_label(world, channel)[1:]].deactivated:
        raise ToolError(f"{_label(world, channel)} is deactivated, so the conversation {channel.channel_id} is "
                        f"read-only; you cannot {action} there.")
    return channel


def _message_to_change(world: TeamChatWorld, message_id: str, action: str) -> tuple[Message, Channel]:
    """A message in a channel where `me` may `action`, with that channel."""
    message = _message(world, message_id)
    return message, _writable(world, world.channels[message.channel_id], action)


def _text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ToolError("The message text is empty.")
    if len(cleaned) > MAX_MESSAGE_CHARS:
        raise ToolError(f"The message has {len(cleaned):,} characters; the limit is {MAX_MESSAGE_CHARS:,}. "
                        "Shorten it or split it into several messages.")
    return cleaned


def _last_message_times(world: TeamChatWorld) -> dict[str, datetime]:
    latest: dict[str, datetime] = {}
    for message in world.messages.values():
        latest[message.channel_id] = max(latest.get(message.channel_id, message.posted_at), message.posted_at)
    return latest


def _summary(world: TeamChatWorld, channel: Channel, last_message_at: datetime | None) -> ChannelSummary:
    return ChannelSummary(
        **channel.model_dump(include={"channel_id", "name", "kind", "archived", "topic", "posting"}),
        member_count=len(channel.member_handles),
        is_member=world.me in channel.member_handles,
        invited=world.me in channel.invited_handles,
        direct_with=_label(world, channel)[1:] if channel.kind == "direct" else None,
        last_message_at=last_message_at,
    )


def _details(world: TeamChatWorld, channel: Channel) -> ChannelDetails:
    last = _last_message_times(world).get(channel.channel_id)
    return ChannelDetails(
        **_summary(world, channel, last).model_dump(),
        created_by=channel.created_by,
        created_at=channel.created_at,
        member_handles=channel.member_handles,
    )


def _words_match(terms: list[str], text: str) -> bool:
    lowered = text.lower()
    return all(term in lowered for term in terms)


# ----- discovery -----


@server.read
def list_chat_channels(
    world: TeamChatWorld,
    query: Query = "",
    kind: Literal["any", "public", "private", "direct"] = "any",
    membership: Literal["any", "joined", "not_joined", "invited"] = "any",
    include_archived: bool = False,
    limit: Limit = 50,
) -> ChannelList:
    """List the channels and direct conversations you can see, with topic, membership and last activity.

    You see every public channel (guests: only their own), the private channels you belong to or are invited to,
    and your direct conversations.

    Args:
        query: Text to find (case-insensitive) in a channel's name or topic, or a direct contact's handle or name.
        kind: Only this kind of channel.
        membership: "joined" for channels you are in, "not_joined" for the others, "invited" for pending invitations.
        include_archived: Also list archived (read-only) channels.
        limit: Most channels to return.
    """
    needle = query.strip().lower()
    matches = []
    for channel in world.channels.values():
        invited = world.me in channel.invited_handles
        joined = world.me in channel.member_handles
        if not (_can_read(world, channel) or invited) or (channel.archived and not include_archived):
            continue
        if kind not in ("any", channel.kind):
            continue
        wanted = {"any": True, "joined": joined, "not_joined": not joined, "invited": invited}
        if not wanted[membership]:
            continue
        if channel.kind == "direct":
            other = world.members[_label(world, channel)[1:]]
            searchable = f"{other.handle} {other.name}"
        else:
            searchable = f"{channel.name} {channel.topic}"
        if needle in searchable.lower():
            matches.append(channel)
    latest = _last_message_times(world)
    summaries = [_summary(world, channel, latest.get(channel.channel_id)) for channel in matches[:limit]]
    return ChannelList(channels=summaries, total_matched=len(matches))


@server.read
def list_chat_members(
    world: TeamChatWorld,
    query: Query = "",
    role: Literal["any", "admin", "member", "guest"] = "any",
    channel_id: ChatChannelId | None = None,
    include_deactivated: bool = False,
    limit: Limit = 50,
) -> MemberList:
    """List workspace members with handle, title, department, time zone and status; says who you are signed in as.

    Args:
        query: Only members whose handle, name, title or department contains this text (case-insensitive).
        role: Only members with this role ("guest" for outside collaborators).
        channel_id: Only members of this channel (one you can see).
        include_deactivated: Also list deactivated accounts.
        limit: Most members to return.
    """
    allowed: set[str] | None = None
    if channel_id is not None:
        allowed = set(_readable(world, _channel(world, channel_id)).member_handles)
    needle = query.strip().lower()
    matches = [
        member
        for member in world.members.values()
        if (allowed is None or member.handle in allowed)
        and role in ("any", member.role)
        and (include_deactivated or not member.deactivated)
        and needle in f"{member.handle} {member.name} {member.title} {member.department}".lower()
    ]
    return MemberList(signed_in_as=world.me, members=matches[:limit], total_matched=len(matches))


@server.read
def read_chat_channel(
    world: TeamChatWorld, channel_id: ChatChannelId, limit: Limit = 30, pinned_only: bool = False
) -> ChannelHistory:
    """Read a channel or direct conversation: its details, members and latest top-level messages with reply counts.

    Thread replies are not listed here; open a thread with get_chat_thread.

    Args:
        channel_id: The channel or direct conversation to read.
        limit: Most messages to return (the most recent ones).
        pinned_only: Only pinned messages (including pinned thread replies).
    """
    channel = _readable(world, _channel(world, channel_id))
    in_channel = [message for message in world.messages.values() if message.channel_id == channel_id]
    replies: dict[str, int] = {}
    for message in in_channel:
        if message.thread_id is not None:
            replies[message.thread_id] = replies.get(message.thread_id, 0) + 1
    if pinned_only:
        shown = [message for message in in_channel if message.pinned_by is not None]
    else:
        shown = [message for message in in_channel if message.thread_id is None]
    views = [
        MessageView(**message.model_dump(), reply_count=replies.get(message.message_id, 0))
        for message in shown[-limit:]
    ]
    return ChannelHistory(channel=_details(world, channel), messages=views, total_matched=len(shown))


@server.read
def get_chat_thread(world: TeamChatWorld, message_id: ChatMessageId) -> Thread:
    """Show a message's thread: the top-level message and every reply, oldest first.

    Args:
        message_id: The top-level message of the thread, or any reply in it.
    """
    message = _message(world, message_id)
    _readable(world, world.channels[message.channel_id])
    root = world.messages[message.thread_id] if message.thread_id is not None else message
    replies = [reply for reply in world.messages.values() if reply.thread_id == root.message_id]
    return Thread(channel_id=root.channel_id, parent=root, replies=replies)


@server.read
def search_chat_messages(
    world: TeamChatWorld,
    query: Query = "",
    channel_id: ChatChannelId | None = None,
    author: ChatHandle | None = None,
    days: Annotated[int, Field(ge=1, le=3650)] | None = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 20,
) -> SearchResult:
    """Search the messages you can see (channels, threads and direct conversations), newest first.

    Args:
        query: Words that must all appear in the message text (case-insensitive); empty matches every message.
        channel_id: Only messages in this channel or direct conversation.
        author: Only messages posted by this member handle.
        days: Only messages from the last this many days.
        limit: Most messages to return.
    """
    if channel_id is not None:
        _readable(world, _channel(world, channel_id))
    if author is not None:
        _member(world, author)
    terms = query.lower().split()
    since = world.now - timedelta(days=days) if days is not None else None
    readable = {cid: _can_read(world, channel) for cid, channel in world.channels.items()}
    matches = [
        message
        for message in reversed(world.messages.values())
        if readable[message.channel_id]
        and channel_id in (None, message.channel_id)
        and author in (None, message.author)
        and (since is None or message.posted_at >= since)
        and _words_match(terms, message.text)
    ]
    hits = [
        SearchHit(**message.model_dump(), channel_label=_label(world, world.channels[message.channel_id]))
        for message in matches[:limit]
    ]
    return SearchResult(messages=hits, total_matched=len(matches))


# ----- channels -----


@server.write
def join_chat_channel(world: TeamChatWorld, channel_id: ChatChannelId) -> ChannelDetails:
    """Join a channel: any public channel (full members), or a private one you were invited to.

    Args:
        channel_id: The channel to join.
    """
    channel = _channel(world, channel_id)
    label = _label(world, channel)
    invited = world.me in channel.invited_handles
    if channel.kind == "direct":
        raise ToolError(f"{channel_id} is a direct conversation; it cannot be joined.")
    if world.me in channel.member_handles:
        raise ToolError(f"You are already a member of {label} ({channel_id}).")
    if channel.kind == "private" and not invited:
        raise ToolError(f"{channel_id} is private and you have not been invited; ask one of its members to invite you.")
    if world.members[world.me].role == "guest" and not invited:
        raise ToolError(f"Guests can only join channels they are invited to; ask a member of {label} to invite you.")
    if channel.archived:
        raise ToolError(f"{label} ({channel_id}) is archived; archived channels cannot be joined, only read.")
    channel.member_handles.append(world.me)
    if invited:
        channel.invited_handles.remove(world.me)
    return _details(world, channel)


@server.write
def create_chat_channel(
    world: TeamChatWorld,
    name: ChannelName,
    visibility: Literal["public", "private"] = "public",
    topic: Annotated[str, Field(max_length=250)] = "",
    member_handles: Annotated[list[ChatHandle], Field(max_length=MAX_NEW_CHANNEL_MEMBERS)] = [],
) -> ChannelDetails:
    """Create a channel with you as its first member, optionally adding other members right away.

    Guests cannot create channels. Names are unique across the workspace, archived channels included.

    Args:
        name: Lowercase letters, digits, hyphens and underscores, e.g. "proj-launch".
        visibility: "public" (anyone can find and join it) or "private" (members only).
        topic: What the channel is for.
        member_handles: Other members to add to the channel.
    """
    if world.members[world.me].role == "guest":
        raise ToolError("Guests cannot create channels; ask a full member of the workspace to create it.")
    taken = next((c for c in world.channels.values() if c.kind != "direct" and c.name == name), None)
    if taken is not None:
        state = "archived" if taken.archived else taken.kind
        raise ToolError(f"A channel named #{name} already exists ({taken.channel_id}, {state}); choose another name.")
    others: list[str] = []
    for handle in member_handles:
        member = _member(world, handle)
        if member.deactivated:
            raise ToolError(f"@{handle} ({member.name}) is deactivated and cannot be added to a channel.")
        if handle != world.me and handle not in others:
            others.append(handle)
    channel = Channel(
        channel_id=world.next_id("CH"),
        name=name,
        kind=visibility,
        topic=topic.strip(),
        created_by=world.me,
        created_at=world.now,
        member_handles=[world.me, *others],
    )
    world.channels[channel.channel_id] = channel
    return _details(world, channel)


# ----- messages -----


@server.write
def post_chat_message(world: TeamChatWorld, channel_id: ChatChannelId, text: MessageText) -> Message:
    """Post a new top-level message in a channel or direct conversation you are a member of.

    To answer an existing message use reply_in_chat_thread; to start a direct conversation use
    send_direct_chat_message.

    Args:
        channel_id: Where to post.
        text: The message, at most 4,000 characters; mention people as @handle.
    """
    channel = _writable(world, _channel(world, channel_id), "post")
    if channel.posting == "admins" and world.members[world.me].role != "admin":
        raise ToolError(f"Only admins can start new messages in #{channel.name}; you can still reply in its threads "
                        "with reply_in_chat_thread.")
    return world.add_message(channel_id, world.me, _text(text), world.now, None)


@server.write
def reply_in_chat_thread(world: TeamChatWorld, message_id: ChatMessageId, text: MessageText) -> ThreadReply:
    """Reply in the thread of a message (replying to a reply continues the same thread).

    Args:
        message_id: The message to reply to.
        text: The reply, at most 4,000 characters.
    """
    message, _ = _message_to_change(world, message_id, "reply")
    root = message.thread_id or message.message_id
    reply = world.add_message(message.channel_id, world.me, _text(text), world.now, root)
    count = sum(1 for other in world.messages.values() if other.thread_id == root)
    return ThreadReply(reply=reply, thread_reply_count=count)


@server.write
def react_to_chat_message(world: TeamChatWorld, message_id: ChatMessageId, emoji: Emoji) -> Message:
    """Add your emoji reaction to a message; each member reacts at most once with each emoji.

    Args:
        message_id: The message to react to.
        emoji: The emoji's name.
    """
    message, _ = _message_to_change(world, message_id, "react")
    reacted = message.reactions.get(emoji, [])
    if world.me in reacted:
        raise ToolError(f"You already reacted with :{emoji}: to {message_id}; pick another emoji.")
    message.reactions[emoji] = [*reacted, world.me]
    return message


@server.write
def pin_chat_message(world: TeamChatWorld, message_id: ChatMessageId) -> Message:
    """Pin a message to its channel so members find it in the channel's pinned list.

    Args:
        message_id: The message to pin.
    """
    message, channel = _message_to_change(world, message_id, "pin messages")
    if message.pinned_by is not None:
        raise ToolError(f"{message_id} is already pinned in {_label(world, channel)} (by @{message.pinned_by}).")
    message.pinned_by = world.me
    return message


@server.write
def edit_chat_message(world: TeamChatWorld, message_id: ChatMessageId, text: MessageText) -> Message:
    """Change the text of one of your own messages; the earlier text stays in the message's edit history.

    Args:
        message_id: Your message to edit.
        text: The new text, at most 4,000 characters.
    """
    message, _ = _message_to_change(world, message_id, "edit messages")
    if message.author != world.me:
        raise ToolError(f"You can only edit your own messages; {message_id} was posted by @{message.author}.")
    cleaned = _text(text)
    if cleaned == message.text:
        raise ToolError(f"{message_id} already has this text; nothing to change.")
    message.edits.append(Revision(text=message.text, replaced_at=world.now))
    message.text = cleaned
    return message


@server.write
def send_direct_chat_message(world: TeamChatWorld, member_handle: ChatHandle, text: MessageText) -> DirectMessageSent:
    """Send a direct message to one member, opening a direct conversation with them if there is none yet.

    Args:
        member_handle: The member to write to.
        text: The message, at most 4,000 characters.
    """
    member = _member(world, member_handle)
    if member_handle == world.me:
        raise ToolError("That handle is your own; write to another member.")
    if member.deactivated:
        raise ToolError(f"@{member_handle} ({member.name}) is deactivated and cannot receive messages.")
    cleaned = _text(text)
    channel = next(
        (c for c in world.channels.values()
         if c.kind == "direct" and {world.me, member_handle} == set(c.member_handles)),
        None,
    )
    created = channel is None
    if channel is None:
        channel = world.open_direct(member_handle, world.now)
    message = world.add_message(channel.channel_id, world.me, cleaned, world.now, None)
    return DirectMessageSent(
        channel_id=channel.channel_id, direct_with=member_handle, new_conversation=created, message=message
    )
