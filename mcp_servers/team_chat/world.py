"""The workspace's state: members, channels (public, private and direct conversations) and their messages.

`me` is the handle of the signed-in member, and every visibility rule is relative to it: a full member reads every
public channel, while private channels, direct conversations and (for a guest) every channel are readable only by
their members. A message belongs to one channel; a reply carries the id of its thread's top-level message. Message
ids grow with posting time, so ordering by id is chronological. Nothing is ever deleted: an edit moves the earlier
text into the message's `edits`.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
ChatChannelId = Annotated[str, Entity("chat_channel"), _ID]
ChatMessageId = Annotated[str, Entity("chat_message"), _ID]
ChatHandle = Annotated[str, Entity("chat_member"), Field(min_length=1, max_length=60)]

Emoji = Literal[
    "thumbsup", "heart", "tada", "eyes", "white_check_mark", "raised_hands", "joy", "pray", "rocket", "fire",
    "100", "thinking_face", "wave", "clap", "bug", "coffee",
]
ChannelKind = Literal["public", "private", "direct"]
Role = Literal["admin", "member", "guest"]
Presence = Literal["active", "away", "do_not_disturb"]

MAX_MESSAGE_CHARS = 4000


class Member(BaseModel):
    handle: ChatHandle
    name: str
    title: str
    department: str
    role: Role = Field(description="Admins manage the workspace; guests are outside collaborators.")
    time_zone: str
    presence: Presence
    status_text: str = ""
    deactivated: bool = False


class Channel(BaseModel):
    channel_id: ChatChannelId
    name: str = Field(description="Unique among channels, lowercase; empty for a direct conversation.")
    kind: ChannelKind
    archived: bool = False
    topic: str = ""
    posting: Literal["everyone", "admins"] = Field(
        "everyone", description="Who may start new messages; every member may reply in threads."
    )
    created_by: ChatHandle
    created_at: datetime
    member_handles: list[ChatHandle]
    invited_handles: list[ChatHandle] = Field(default_factory=list)


class Revision(BaseModel):
    """An earlier text of an edited message."""

    text: str
    replaced_at: datetime


class Message(BaseModel):
    message_id: ChatMessageId
    channel_id: ChatChannelId
    author: ChatHandle
    text: str
    posted_at: datetime
    thread_id: ChatMessageId | None = Field(None, description="For a reply: the thread's top-level message id.")
    reactions: dict[Emoji, list[ChatHandle]] = Field(
        default_factory=dict, description="Emoji name to the members who reacted with it, in reaction order."
    )
    pinned_by: ChatHandle | None = None
    edits: list[Revision] = Field(default_factory=list)


# ----- generator data -----

_WORKSPACES = ("Northwind Labs", "Bluebird Analytics", "Cobalt Robotics", "Harbor Health Tech", "Lumen Software")
_FIRST_NAMES = (
    "Maria", "James", "Priya", "Liam", "Sofia", "Noah", "Aisha", "Lucas", "Mei", "Ethan", "Fatima", "Oliver",
    "Yuki", "Mateo", "Chloe", "Arjun", "Elena", "Samuel", "Amara", "Daniel", "Ingrid", "Tomas", "Grace", "Omar",
    "Hannah", "Kwame", "Lena", "Diego", "Nora", "Ravi", "Zoe", "Felix", "Leila", "Marcus", "Ana", "Jonas",
)
_LAST_NAMES = (
    "Lopez", "Chen", "Patel", "Murphy", "Rossi", "Kim", "Okafor", "Schmidt", "Tanaka", "Garcia", "Novak", "Haddad",
    "Nguyen", "Silva", "Fischer", "Khan", "Walsh", "Moreau", "Larsen", "Costa", "Ibrahim", "Park", "Weber", "Reyes",
)
_DEPARTMENTS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Engineering", 10, ("Software Engineer", "Senior Software Engineer", "Staff Engineer", "Site Reliability Engineer",
                         "QA Engineer", "Engineering Manager")),
    ("Design", 4, ("Product Designer", "UX Researcher", "Design Lead")),
    ("Product", 4, ("Product Manager", "Senior Product Manager", "Head of Product")),
    ("Data", 3, ("Data Scientist", "Analytics Engineer")),
    ("Marketing", 4, ("Content Marketer", "Growth Marketer", "Marketing Director")),
    ("Sales", 4, ("Account Executive", "Sales Engineer", "VP of Sales")),
    ("Support", 3, ("Support Specialist", "Support Team Lead")),
    ("People", 2, ("Head of People", "Recruiter")),
    ("IT", 2, ("IT Administrator", "Security Engineer")),
)
_GUEST_TITLES = (
    "Contract Designer, Acme Design Studio", "Illustrator, Acme Design Studio", "Freelance Copywriter",
    "Consultant, Brightpath Consulting",
)
_TIME_ZONES = (
    "America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Europe/Berlin",
    "Asia/Kolkata", "America/New_York",
)
_STATUSES: tuple[tuple[Presence, str], ...] = (
    ("active", ""), ("active", ""), ("active", ""), ("active", "In meetings until 2pm"), ("away", "Out sick"),
    ("away", "On vacation, back next week"), ("do_not_disturb", "Heads down, slow to reply"), ("away", "Commuting"),
    ("do_not_disturb", "Focus time"), ("away", ""),
)


@dataclass(frozen=True)
class _ChannelPlan:
    name: str
    kind: ChannelKind
    topic: str
    audience: tuple[str, ...]
    """Departments whose members usually join; "all" for everyone on staff, "leads" for leaders, a time zone."""
    theme: str
    top_level: int
    archived: bool = False
    posting: Literal["everyone", "admins"] = "everyone"


_CHANNELS: tuple[_ChannelPlan, ...] = (
    _ChannelPlan("general", "public", "Company-wide questions and news", ("all",), "general", 20),
    _ChannelPlan("random", "public", "Non-work banter, pets and lunch spots", ("all",), "social", 16),
    _ChannelPlan("announcements", "public", "Official announcements, admins post", ("all",), "announce", 8,
                 posting="admins"),
    _ChannelPlan("engineering", "public", "Engineering-wide discussion", ("Engineering", "Data"), "eng", 13),
    _ChannelPlan("eng-backend", "public", "APIs, databases and services", ("Engineering",), "eng", 12),
    _ChannelPlan("eng-frontend", "public", "Web and mobile clients", ("Engineering", "Design"), "eng", 12),
    _ChannelPlan("release-train", "public", "Weekly release coordination", ("Engineering", "Product"), "eng", 9),
    _ChannelPlan("incidents", "public", "Live incidents; follow the runbook", ("Engineering", "Support", "IT"),
                 "incident", 12),
    _ChannelPlan("design", "public", "Design critiques and the design system", ("Design", "Product"), "design", 12),
    _ChannelPlan("product", "public", "Roadmap, specs and feedback", ("Product", "Design", "Engineering"), "product",
                 12),
    _ChannelPlan("data-science", "public", "Dashboards, metrics and experiments", ("Data", "Product"), "product", 9),
    _ChannelPlan("marketing", "public", "Campaigns, content and launches", ("Marketing",), "gtm", 10),
    _ChannelPlan("sales", "public", "Deals, demos and pipeline", ("Sales", "Marketing"), "gtm", 10),
    _ChannelPlan("customer-support", "public", "Escalations and support tickets", ("Support", "Sales"), "gtm", 10),
    _ChannelPlan("it-helpdesk", "public", "Laptops, access and accounts", ("IT",), "incident", 8),
    _ChannelPlan("people-questions", "public", "Benefits, time off and policies", ("People",), "people", 7),
    _ChannelPlan("social-events", "public", "Parties, lunches and meetups", ("People", "Marketing"), "social", 7),
    _ChannelPlan("running-club", "public", "Weekend runs and race sign-ups", (), "social", 5),
    _ChannelPlan("office-berlin", "public", "Everything about the Berlin office", ("Europe/Berlin",), "social", 6),
    _ChannelPlan("leadership", "private", "Leadership team only", ("leads",), "people", 8),
    _ChannelPlan("hiring-committee", "private", "Candidate debriefs, keep confidential", ("People", "leads"),
                 "people", 7),
    _ChannelPlan("proj-atlas", "private", "Atlas: the new billing platform", ("Engineering", "Product", "Design"),
                 "project", 12),
    _ChannelPlan("security-team", "private", "Security reviews and access audits", ("IT",), "incident", 6),
    _ChannelPlan("ext-acme-design", "private", "Shared with Acme Design Studio", ("guests", "Design"), "project", 9),
    _ChannelPlan("proj-phoenix", "public", "Phoenix migration (finished)", ("Engineering",), "project", 10,
                 archived=True),
    _ChannelPlan("q3-offsite-2025", "public", "Lisbon offsite planning", ("all",), "social", 6, archived=True),
    _ChannelPlan("legacy-billing", "private", "Old billing system support", ("Engineering", "Support"), "eng", 6,
                 archived=True),
)

_TEXTS: dict[str, tuple[str, ...]] = {
    "general": (
        "Has anyone booked the big meeting room for {day}?", "Reminder: all-hands is {day} at {time}.",
        "Welcome {who} to the team!", "Where do we keep the latest brand templates?",
        "The coffee machine on floor 3 is fixed again.", "Who owns the {doc}? It links to a dead page.",
        "Parking garage is closed {day}, plan ahead.", "Can someone share the dial-in for the {time} sync?",
    ),
    "social": (
        "Lunch at the ramen place {day}, who is in?", "Photos from the board game night are up!",
        "Anyone want to split a pizza order at {time}?", "My cat just walked across my keyboard mid-demo.",
        "Book club picks for next month, vote in the thread.", "5k run on {day} morning, meet at the park gate.",
        "Karaoke night {day}, sign-ups in the thread.", "Recommendations for a quiet cafe near the office?",
    ),
    "announce": (
        "The office is closed {day} for the public holiday.", "Open enrollment for benefits ends {day}.",
        "Please complete the security training by {day}.", "Quarterly all-hands moves to {day} at {time}.",
        "New expense policy is live, see the {doc}.", "Welcome to our {n} new teammates this month!",
    ),
    "eng": (
        "PR {pr} is ready for review, it touches the {svc}.", "The {svc} deploy is blocked on a flaky test.",
        "Heads up: migrating the {svc} database {day} at {time}.", "Who knows why the {svc} p99 jumped to {n}00ms?",
        "Can we bump the Python version in CI this sprint?", "Release {n}.{n}.0 is cut, please verify your changes.",
        "Reverted {pr}, it broke the {svc} healthcheck.", "Docs for the {svc} API are updated.",
    ),
    "incident": (
        "Seeing 5xx errors from the {svc}, investigating.", "Incident {ticket} resolved, postmortem on {day}.",
        "Paging on-call: {svc} latency alarms firing.", "VPN is down for some users, we are on it.",
        "Rotated the {svc} credentials, update your local config.", "Laptop refresh requests are due {day}.",
        "Phishing email going around, do not click links from payroll.", "Access to the {svc} now needs SSO.",
    ),
    "design": (
        "New mockups for the {feature} are in Figma.", "Design crit {day} at {time}, bring your drafts.",
        "Updated the button styles in the design system.", "Usability test results for {feature} are in the {doc}.",
        "Should the empty state show an illustration or just text?", "Dark mode colors need another contrast pass.",
    ),
    "product": (
        "Spec for {feature} is ready for comments: {doc}.", "Roadmap review moved to {day}.",
        "Customers keep asking for {feature}, logging it.", "Weekly active users up {n}% after the launch.",
        "The {feature} experiment reached significance.", "Dashboard for {feature} adoption is live.",
        "Who can own the {feature} beta feedback?",
    ),
    "gtm": (
        "Closed the {cust} deal, thanks everyone!", "{cust} reported a billing issue, ticket {ticket}.",
        "Webinar on {feature} is {day} at {time}.", "Need a demo environment for {cust} by {day}.",
        "Blog post draft for the {feature} launch: {doc}.", "Escalation from {cust}: exports are timing out.",
        "Pipeline review {day}, update your opportunities.", "Case study with {cust} is approved.",
    ),
    "people": (
        "Reminder to submit time-off requests for the holidays.", "Debrief for the {role} candidate is {day}.",
        "We are opening a {role} role, referrals welcome.", "Performance reviews start {day}, see the {doc}.",
        "Headcount plan for next quarter is in the {doc}.", "Offer accepted for the {role} position!",
    ),
    "project": (
        "Milestone {n} of the project is done.", "Risks for the {svc} cutover are listed in the {doc}.",
        "Sync moved to {day} at {time}.", "Acceptance criteria for {feature} are final.",
        "Sharing the latest {feature} assets, feedback by {day}.", "Status: green, on track for the {day} demo.",
    ),
    "direct": (
        "Hey, got a minute to look at the {doc}?", "Thanks for the help with {feature} earlier!",
        "Can we move our 1:1 to {day}?", "Are you joining the {time} call?", "Sent you the notes from {day}.",
        "Quick question about the {svc} when you have time.",
    ),
}
_REPLIES = (
    "Thanks!", "On it.", "+1", "Same here.", "I'll take a look after standup.", "Can you share the link?",
    "Done, see {pr}.", "Good catch.", "Count me in!", "Agreed, let's discuss {day}.", "Looks great to me.",
    "Not sure, maybe ask {who}?", "Works for me.", "Following.", "Fixed now, thanks for flagging.",
    "Let's take this to a call at {time}.",
)
_FILL: dict[str, tuple[str, ...]] = {
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next Monday", "tomorrow"),
    "time": ("9:30", "10am", "11:00", "1pm", "2pm", "3:30pm", "4pm"),
    "doc": ("onboarding guide", "Q2 plan", "team wiki", "runbook", "launch checklist", "handbook", "FAQ doc"),
    "svc": ("payments service", "auth service", "search API", "notifications worker", "billing API",
            "data pipeline", "mobile gateway"),
    "feature": ("bulk export", "SSO login", "usage alerts", "team dashboards", "invoice history", "dark mode",
                "audit log"),
    "cust": ("Globex", "Initech", "Umbrella Health", "Stark Freight", "Wayne Foods", "Acme Retail", "Hooli"),
    "role": ("Senior Backend", "Product Designer", "Data Analyst", "Support Lead", "Account Executive"),
}
_EMOJI_WEIGHTS: tuple[tuple[Emoji, int], ...] = (
    ("thumbsup", 8), ("heart", 4), ("tada", 4), ("eyes", 4), ("white_check_mark", 4), ("raised_hands", 2),
    ("joy", 3), ("pray", 2), ("rocket", 2), ("fire", 2), ("100", 1), ("thinking_face", 1), ("clap", 2),
)


@dataclass
class _Draft:
    """A message before ids are assigned in posting order."""

    key: int
    channel_id: str
    author: str
    text: str
    at: datetime
    parent: int | None = None


class TeamChatWorld(World):
    server: ClassVar[str] = "team_chat"

    workspace: str = ""
    me: ChatHandle = Field("", description="The signed-in member.")
    members: dict[str, Member] = Field(default_factory=dict)
    channels: dict[str, Channel] = Field(default_factory=dict)
    messages: dict[str, Message] = Field(default_factory=dict)

    def add_message(self, channel_id: str, author: str, text: str, at: datetime, parent: str | None) -> Message:
        """Store a new message (a reply when `parent` is its thread's top-level message id)."""
        message = Message(
            message_id=self.next_id("MSG"),
            channel_id=channel_id,
            author=author,
            text=text,
            posted_at=at,
            thread_id=parent,
        )
        self.messages[message.message_id] = message
        return message

    def open_direct(self, other: str, at: datetime) -> Channel:
        """A new direct conversation between `me` and `other`."""
        channel = Channel(
            channel_id=self.next_id("DM"),
            name="",
            kind="direct",
            created_by=self.me,
            created_at=at,
            member_handles=[self.me, other],
        )
        self.channels[channel.channel_id] = channel
        return channel

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self.workspace = rng.choice(_WORKSPACES)
        self._generate_members(rng)
        self._generate_channels(rng)
        self._place_me(rng)
        drafts = self._draft_channel_messages(rng) + self._draft_direct_messages(rng)
        self._store(rng, drafts)

    def _ago(self, rng: random.Random, low_days: int, high_days: int) -> datetime:
        """A working-hours moment between `low_days` and `high_days` days before now, never in the future."""
        moment = (self.now - timedelta(days=rng.randint(low_days, high_days))).replace(
            hour=rng.randint(8, 18), minute=rng.randrange(60), second=0
        )
        return moment - timedelta(days=1) if moment >= self.now else moment

    def _generate_members(self, rng: random.Random) -> None:
        names = rng.sample([(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES], 40)
        staff = [(department, title) for department, count, titles in _DEPARTMENTS
                 for title in (titles[i % len(titles)] for i in range(count))]
        roles = [(department, title, "member") for department, title in staff]
        roles += [("External", title, "guest") for title in _GUEST_TITLES]
        for (first, last), (department, title, role) in zip(names, roles):
            presence, status_text = rng.choice(_STATUSES)
            handle = next(
                candidate for size in range(1, len(first) + 1)
                if (candidate := f"{first[:size]}{last}".lower()) not in self.members
            )
            member = Member(
                handle=handle,
                name=f"{first} {last}",
                title=title,
                department=department,
                role="admin" if title in ("IT Administrator", "Head of People") else role,
                time_zone=rng.choice(_TIME_ZONES),
                presence=presence,
                status_text=status_text,
            )
            self.members[member.handle] = member
        plain = [m for m in self.members.values() if m.role == "member"]
        for member in rng.sample(plain, 2):
            member.deactivated = True
            member.presence, member.status_text = "away", ""
        self.me = rng.choice([m.handle for m in plain if not m.deactivated])
        if rng.random() < 0.2:
            self.me = rng.choice([m.handle for m in self.members.values() if m.role == "guest"])

    def _audience(self, plan: _ChannelPlan, member: Member) -> bool:
        if member.role == "guest":
            return "guests" in plan.audience
        leads = ("Head", "Director", "VP", "Manager", "Lead")
        return (
            "all" in plan.audience
            or member.department in plan.audience
            or member.time_zone in plan.audience
            or ("leads" in plan.audience and any(word in member.title for word in leads))
        )

    def _generate_channels(self, rng: random.Random) -> None:
        staff = [m for m in self.members.values() if m.role != "guest"]
        admins = [m.handle for m in staff if m.role == "admin"]
        for plan in _CHANNELS:
            inside = 0.95 if plan.kind == "public" else 0.8
            outside = 0.12 if plan.kind == "public" else 0.0
            handles = [
                m.handle
                for m in self.members.values()
                if rng.random() < (inside if self._audience(plan, m) else outside)
                and (m.role != "guest" or "guests" in plan.audience)
            ]
            if plan.name in ("general", "announcements"):
                handles = [m.handle for m in staff]
            if len(handles) < 3:
                handles = sorted({*handles, *(m.handle for m in rng.sample(staff, 4))})
            creator = admins[0] if plan.posting == "admins" else rng.choice(handles)
            channel = Channel(
                channel_id=self.next_id("CH"),
                name=plan.name,
                kind=plan.kind,
                archived=plan.archived,
                topic=plan.topic,
                posting=plan.posting,
                created_by=creator,
                created_at=self._ago(rng, 400, 900) if plan.name in ("general", "random") else self._ago(rng, 200, 500),
                member_handles=handles,
            )
            self.channels[channel.channel_id] = channel

    def _place_me(self, rng: random.Random) -> None:
        """Make every kind of access reachable for `me`: joined, invited, and outside channels of each kind."""
        me = self.members[self.me]
        by_name = {channel.name: channel for channel in self.channels.values()}
        open_private = [c for c in self.channels.values() if c.kind == "private" and not c.archived]
        rng.shuffle(open_private)
        if me.role == "guest":
            joined = {"ext-acme-design", "proj-atlas", "proj-phoenix"}
            invited = rng.choice(["design", "random", "product"])
        else:
            public = [c.name for c in self.channels.values() if c.kind == "public" and not c.archived
                      and c.posting == "everyone" and c.name not in ("general", "random")]
            outside = set(rng.sample(public, 4))
            joined = {c.name for c in self.channels.values() if self.me in c.member_handles} - outside
            joined |= {"general", "random", "announcements", "proj-phoenix", open_private[0].name}
            joined -= {"q3-offsite-2025", *(c.name for c in open_private[1:3])}
            invited = open_private[1].name
        for channel in self.channels.values():
            member = channel.name in joined or (channel.name == "announcements" and me.role != "guest")
            without = [handle for handle in channel.member_handles if handle != self.me]
            channel.member_handles = [*without, self.me] if member else without
        by_name[invited].invited_handles.append(self.me)

    def _fill(self, rng: random.Random, template: str, channel: Channel) -> str:
        values = {key: rng.choice(options) for key, options in _FILL.items()}
        values["who"] = "@" + rng.choice(channel.member_handles)
        values["n"] = str(rng.randint(2, 9))
        values["pr"] = f"#{rng.randint(1000, 4999)}"
        values["ticket"] = f"INC-{rng.randint(100, 999)}"
        return template.format(**values)

    def _draft_channel_messages(self, rng: random.Random) -> list[_Draft]:
        drafts: list[_Draft] = []
        themes = {plan.name: plan for plan in _CHANNELS}
        for channel in self.channels.values():
            plan = themes[channel.name]
            posters = [h for h in channel.member_handles if channel.posting == "everyone" or
                       self.members[h].role == "admin"]
            low, high = (60, 240) if channel.archived else (0, 35)
            for _ in range(plan.top_level):
                top = _Draft(len(drafts), channel.channel_id, rng.choice(posters),
                             self._fill(rng, rng.choice(_TEXTS[plan.theme]), channel), self._ago(rng, low, high))
                drafts.append(top)
                if rng.random() < 0.4:
                    drafts.extend(self._draft_replies(rng, top, channel, len(drafts)))
        return drafts

    def _draft_replies(self, rng: random.Random, top: _Draft, channel: Channel, first_key: int) -> list[_Draft]:
        replies: list[_Draft] = []
        at = top.at
        for index in range(rng.randint(1, 3)):
            at = at + timedelta(minutes=rng.randint(2, 240))
            if at >= self.now:
                break
            reply = _Draft(first_key + index, channel.channel_id, rng.choice(channel.member_handles),
                           self._fill(rng, rng.choice(_REPLIES), channel), at, parent=top.key)
            replies.append(reply)
        return replies

    def _draft_direct_messages(self, rng: random.Random) -> list[_Draft]:
        """Conversations of `me`; a full member also has an old one with a since deactivated colleague."""
        if self.members[self.me].role == "guest":
            shared = sorted({h for c in self.channels.values() if self.me in c.member_handles
                             for h in c.member_handles} - {self.me})
            partners = rng.sample(shared, min(len(shared), 5))
        else:
            active = [m.handle for m in self.members.values() if m.handle != self.me and not m.deactivated]
            former = [m.handle for m in self.members.values() if m.deactivated]
            partners = [*rng.sample(active, 6), rng.choice(former)]
        drafts: list[_Draft] = []
        for other in partners:
            channel = self.open_direct(other, self._ago(rng, 100, 300))
            at = self._ago(rng, 40, 90) if self.members[other].deactivated else self._ago(rng, 1, 30)
            for turn in range(rng.randint(2, 5)):
                author = (other, self.me)[turn % 2]
                drafts.append(_Draft(len(drafts), channel.channel_id, author,
                                     self._fill(rng, rng.choice(_TEXTS["direct"]), channel), at))
                at = at + timedelta(minutes=rng.randint(1, 90))
                if at >= self.now:
                    break
        return drafts

    def _store(self, rng: random.Random, drafts: list[_Draft]) -> None:
        """Give the drafts ids in posting order, then add reactions, pins and a few edits."""
        ids: dict[tuple[str, int], str] = {}
        for draft in sorted(drafts, key=lambda d: (d.at, d.channel_id, d.key)):
            parent = ids[(draft.channel_id, draft.parent)] if draft.parent is not None else None
            ids[(draft.channel_id, draft.key)] = self.add_message(
                draft.channel_id, draft.author, draft.text, draft.at, parent
            ).message_id
        emojis, weights = zip(*_EMOJI_WEIGHTS)
        for message in self.messages.values():
            channel = self.channels[message.channel_id]
            if rng.random() < 0.3:
                for emoji in dict.fromkeys(rng.choices(emojis, weights, k=rng.randint(1, 2))):
                    crowd = rng.sample(channel.member_handles, min(len(channel.member_handles), rng.randint(1, 4)))
                    message.reactions[emoji] = crowd
            if rng.random() < 0.04:
                earlier = message.text.rsplit(" ", 1)[0] + " ..."
                replaced = min(message.posted_at + timedelta(minutes=rng.randint(1, 30)), self.now)
                message.edits.append(Revision(text=earlier, replaced_at=replaced))
            if channel.kind != "direct" and message.thread_id is None and rng.random() < 0.06:
                message.pinned_by = rng.choice(channel.member_handles)
