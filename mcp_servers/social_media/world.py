"""The social network's state, as seen by one signed-in account (`viewer`).

Users are keyed by handle (lowercase, without the `@`). Each user lists whom they follow (`following`, accepted),
whom they asked to follow (`follow_requests_sent`, pending until a private account accepts) and whom they blocked.
Posts are originals, replies (`reply_to`) or reposts (`repost_of`, no text of their own); hashtags and mentions are
read from the text. A deleted post stays as an empty record so that its replies keep their thread. Likes and
bookmarks are only tracked for the viewer (`liked_post_ids`, `bookmarked_post_ids`, newest first); other users'
likes are a count. Notifications are the viewer's.
"""

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

SocialHandle = Annotated[str, Entity("social_handle"), Field(min_length=1, max_length=40)]
SocialPostId = Annotated[str, Entity("social_post"), Field(min_length=1, max_length=40)]
SocialHashtag = Annotated[str, Entity("social_hashtag"), Field(min_length=1, max_length=60)]
NotificationId = Annotated[str, Entity("social_notification"), Field(min_length=1, max_length=40)]

Visibility = Literal["public", "followers"]
NotificationKind = Literal["follow", "follow_request_accepted", "like", "repost", "reply", "mention"]

MAX_POST_LENGTH = 280
POSTS_PER_HOUR = 6
"""Posts, replies and reposts the viewer may publish in any 60 minutes."""

_HASHTAG_RE = re.compile(r"(?<!\w)#(\w+)")
_MENTION_RE = re.compile(r"(?<!\w)@(\w+)")


def _unique_lower(matches: list[str]) -> list[str]:
    return list(dict.fromkeys(match.lower() for match in matches))


def hashtags_in(text: str) -> list[str]:
    """The hashtags of a text, lowercase, without `#`, in order of first use."""
    return _unique_lower(_HASHTAG_RE.findall(text))


def mentions_in(text: str) -> list[str]:
    """The handles a text mentions, lowercase, without `@`, in order of first use."""
    return _unique_lower(_MENTION_RE.findall(text))


def clean_handle(raw: str) -> str:
    """A handle as the user may type it (`@Maya_Chen `) in its stored form (`maya_chen`)."""
    return raw.strip().removeprefix("@").lower()


class SocialUser(BaseModel):
    handle: SocialHandle
    display_name: str
    bio: str
    location: str
    joined_on: date
    verified: bool
    private: bool = Field(description="Only approved followers see a private account's posts and connections.")
    following: list[SocialHandle] = Field(description="Accounts this user follows (accepted).")
    follow_requests_sent: list[SocialHandle] = Field(description="Pending requests to follow private accounts.")
    blocked: list[SocialHandle] = Field(description="Accounts this user has blocked.")


class Post(BaseModel):
    post_id: SocialPostId
    author: SocialHandle
    text: str
    created_at: datetime
    visibility: Visibility
    reply_to: SocialPostId | None = None
    repost_of: SocialPostId | None = None
    like_count: int = 0
    repost_count: int = 0
    deleted: bool = False


class Notification(BaseModel):
    notification_id: NotificationId
    kind: NotificationKind
    actor: SocialHandle
    post_id: SocialPostId | None = None
    created_at: datetime
    read: bool


# ----- generator data -----

_FIRST_NAMES = (
    "Maya Jonah Priya Leo Zara Owen Nadia Felix Ines Theo Aiko Rafael Hana Marcus Leila Tomas Asha Ezra Clara Diego "
    "Yara Nikolai Freya Kofi Sana Mateus Ingrid Jamal Rosa Elliot Tara Bruno Lina Caleb Mira Idris Selin Hugo Ayla Dev"
).split()
_LAST_NAMES = (
    "Chen Okoye Rahman Silva Lindqvist Moreau Haddad Park Kowalczyk Bianchi Osei Fischer Nakamura Alvarez Byrne "
    "Petrov Mensah Dubois Kaur Reyes Novak Larsen Adeyemi Castillo Sato Weber Quinn Farouk Horvat Mwangi"
).split()
_CITIES = (
    "Portland", "Lisbon", "Toronto", "Melbourne", "Berlin", "Austin", "Nairobi", "Seoul", "Dublin", "Montreal",
    "Cape Town", "Oslo", "Mexico City", "Bristol", "Denver", "Manila",
)
_ROLES = (
    "Designer", "Nurse", "Software engineer", "Teacher", "Data nerd", "Chef", "Student", "Product manager", "Barista",
    "Architect", "Journalist", "Physio", "Librarian", "PhD candidate", "Illustrator", "Electrician",
)


@dataclass(frozen=True)
class _Topic:
    blurb: str
    tags: tuple[str, ...]
    templates: tuple[str, ...]


_TOPICS: dict[str, _Topic] = {
    "running": _Topic("chasing PBs", ("running", "marathon", "trailrun", "fitness"), (
        "Ran {n} km along the river before work. Legs are toast but worth it #running #{tag}",
        "Week {n} of marathon training done. Long run Sunday, wish me luck #marathon",
        "New trail shoes arrived and the first {n} km felt like floating #trailrun",
        "Rest days are training days too. Foam roller and a nap #fitness #{tag}",
        "Hill repeats in the rain: {n} of them. I regret nothing #{tag}",
    )),
    "cooking": _Topic("home cook", ("cooking", "sourdough", "recipes", "foodie"), (
        "Sourdough loaf number {n} finally has an open crumb. The starter is named Doug #sourdough",
        "Made a {n}-ingredient pasta tonight and it beat every restaurant this month #cooking #{tag}",
        "Hot take: cast iron is overrated, carbon steel is where it's at #cooking",
        "Meal prepped {n} lunches for the week. Future me says thanks #recipes",
        "Farmers market haul: ramps, morels and way too many strawberries #foodie #{tag}",
    )),
    "books": _Topic("always reading", ("amreading", "bookclub", "scifi", "poetry"), (
        "Finished book {n} of the year and it wrecked me emotionally #amreading",
        "Book club pick for next month is a {n}-page space opera. Pray for us #bookclub #scifi",
        "Reading slump cured by a tiny used bookshop with a cat at the counter #amreading #{tag}",
        "Unpopular opinion: the ending was perfect and the sequel should not exist #bookclub",
        "Wrote {n} lines of terrible poetry on the bus and I'm proud of all of them #poetry",
    )),
    "photography": _Topic("film & street photos", ("photography", "goldenhour", "filmphotography", "streetphoto"), (
        "Golden hour over the harbor tonight, shot at f/{n} and barely edited #photography #goldenhour",
        "Developed my first roll of film in {n} years. Half blurry, all loved #filmphotography",
        "Street portrait walk downtown: {n} strangers said yes #streetphoto",
        "PSA: your photos are not foggy, your lens is dirty #photography #{tag}",
    )),
    "tech": _Topic("writes code", ("python", "opensource", "webdev", "ai"), (
        "Shipped a release that deletes {n} lines of code. Best kind of PR #opensource",
        "Spent {n} hours chasing a bug that was a missing comma #python #{tag}",
        "Reminder: your side project does not need microservices #webdev",
        "Tried the new model on our test suite: {n}% pass rate, still needs humans #ai",
        "First open source contribution merged today! Small docs fix, huge smile #opensource #{tag}",
    )),
    "gaming": _Topic("gamer", ("gaming", "indiegame", "speedrun", "retrogaming"), (
        "Beat the final boss after {n} attempts. My hands are shaking #gaming",
        "This indie game made me cry twice in {n} hours. Go play it #indiegame",
        "New personal best on any% by {n} seconds #speedrun #{tag}",
        "Dusted off the old console from the attic and it still works #retrogaming",
    )),
    "music": _Topic("vinyl collector", ("nowplaying", "vinyl", "livemusic", "jazz"), (
        "Third time this week spinning this record. Side B is flawless #vinyl #nowplaying",
        "Saw a {n}-piece jazz band in a basement bar last night #livemusic #jazz",
        "Practiced scales for {n} minutes, then played the same three chords for an hour #nowplaying",
        "Festival lineup dropped and I need {n} clones to see everyone #livemusic #{tag}",
    )),
    "gardening": _Topic("balcony gardener", ("gardening", "climate", "urbangarden", "composting"), (
        "Tomato count this season: {n} and rising #gardening #urbangarden",
        "Balcony compost bin is officially alive. The worms are named after philosophers #composting",
        "Planted {n} native wildflowers for the bees #gardening #climate",
        "City council votes on the new bike lanes tonight, show up #climate #{tag}",
    )),
    "football": _Topic("Harbor City FC till I die", ("football", "matchday", "harborcityfc"), (
        "Matchday! {n} minutes until kickoff and I'm already nervous #matchday #harborcityfc",
        "That winner in minute {n}. I screamed. The neighbors know #football #harborcityfc",
        "The referee needs glasses, that was never offside #football #{tag}",
    )),
    "space": _Topic("stargazer", ("astronomy", "space", "nightsky"), (
        "Saturn's rings through a {n}mm telescope from my backyard #astronomy #nightsky",
        "Launch scrubbed again, {n} more days of refreshing the live stream #space",
        "Meteor shower peaks tonight, saw {n} before the clouds rolled in #nightsky #{tag}",
    )),
    "coffee": _Topic("espresso snob", ("coffee", "latteart", "espresso"), (
        "Dialed in the new beans at {n} seconds. Chocolate, cherry, joy #espresso #coffee",
        "Latte art attempt {n}: it's a heart if you squint #latteart",
        "Found a cafe that roasts in the back and only plays vinyl #coffee #{tag}",
    )),
    "travel": _Topic("slow traveler", ("travel", "solotravel", "vanlife", "hiking"), (
        "{n} hours on a night train and I would do it again tomorrow #travel #{tag}",
        "Solo trip tip: say yes to the walking tour on day one #solotravel",
        "Summit at sunrise after a {n} km hike. Clouds below us #hiking #travel",
        "Van update: fixed the heater, broke the door. Net zero #vanlife",
    )),
}

_SHOUTOUTS = (
    "Great catching up with @{friend} over coffee today, more soon #{tag}",
    "Huge thanks to @{friend} for the recommendation, it was spot on #{tag}",
    "@{friend} you need to see this #{tag}",
    "Congrats to @{friend} on the new job! So well deserved",
)

_REPLIES = (
    "This is so true.", "Totally agree, thanks for sharing!", "Where was this?", "Saving this for later.",
    "Haha same here.", "Congrats, well deserved!", "Do you have a source for that?", "Okay now I want to try this.",
    "Respectfully disagree, but interesting take.", "Following this thread.", "Can confirm, happened to me too.",
    "Wow, {n} is impressive!", "Need more details please!", "Sending good vibes.",
)

_ORGS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("skyline_weather", "Skyline Weather Service", "Forecasts, warnings and the occasional rainbow.", (
        "Storm warning for the coast tonight: gusts up to {n} km/h. Secure your balcony plants #weather",
        "Sunny and {n} degrees tomorrow, perfect running weather #weather #running",
        "Pollen count is high today, keep the windows shut before {n} pm #weather",
    )),
    ("pinecrest_news", "Pinecrest Daily News", "Local news you can use. Tips: newsroom@pinecrest.example", (
        "City council approves {n} km of new protected bike lanes #localnews #climate",
        "The library extends weekend hours starting next month, open until {n} pm #localnews",
        "Harbor bridge closed for repairs for {n} days, detours are posted #localnews",
    )),
    ("harbor_city_fc", "Harbor City FC", "Official account of Harbor City Football Club.", (
        "Full time: Harbor City {n}, Rovers 1. What a night #harborcityfc #matchday",
        "Derby tickets go on sale Friday, {n} seats left in the family stand #harborcityfc",
    )),
    ("lumen_labs", "Lumen Labs", "We build developer tools. Open source at heart.", (
        "We just open sourced our data validation library, {n} contributors and counting #opensource #python",
        "Hiring: {n} backend engineers, remote friendly #hiring #webdev",
    )),
    ("night_owl_books", "Night Owl Books", "Independent bookshop, open late, cat on duty.", (
        "Staff pick of the week: a {n}-page debut nobody can put down #amreading",
        "Author signing this Saturday, the first {n} guests get a tote bag #bookclub",
    )),
    ("greenleaf_market", "Greenleaf Market", "Farmers market every weekend, rain or shine.", (
        "Strawberries are back! {n} local farms this week #foodie #eatlocal",
        "Compost drop-off is now open daily, {n} kg diverted last month #composting",
    )),
    ("cosmos_observatory", "Cosmos Observatory", "Public observatory and planetarium.", (
        "Public stargazing night on Friday, {n} telescopes on the lawn #astronomy #nightsky",
        "Our new {n}-inch mirror arrived safe and sound #astronomy #space",
    )),
    ("indie_dev_weekly", "Indie Dev Weekly", "A newsletter about small games made by small teams.", (
        "This week: {n} indie games you missed, plus a chat with a solo developer #indiegame #gaming",
        "Game jam starts Friday, the theme drops at {n} pm #gamejam #indiegame",
    )),
    ("metro_transit_hq", "Metro Transit", "Service updates for buses and trains.", (
        "Line {n} is running with delays of about 10 minutes due to a signal fault #transit",
        "Night buses run every {n} minutes this weekend for the festival #transit #livemusic",
    )),
    ("trailhead_coffee", "Trailhead Coffee Roasters", "Small-batch roastery by the park.", (
        "New single origin from Huila: panela and red apple, only {n} bags #coffee",
        "Free refills until {n} am for anyone who ran here #coffee #running",
    )),
)
_ORG_TOPICS = {
    "skyline_weather": "gardening", "pinecrest_news": "gardening", "harbor_city_fc": "football", "lumen_labs": "tech",
    "night_owl_books": "books", "greenleaf_market": "cooking", "cosmos_observatory": "space",
    "indie_dev_weekly": "gaming", "metro_transit_hq": "travel", "trailhead_coffee": "coffee",
}

PEOPLE = 50
HISTORY_DAYS = 30


def _fill(rng: random.Random, template: str, topic: _Topic) -> str:
    """A post text from a template: a number, and a hashtag of the topic that the template does not already use."""
    fresh = [tag for tag in topic.tags if f"#{tag}" not in template]
    return template.format(n=rng.randint(2, 42), tag=rng.choice(fresh or list(topic.tags)))


@dataclass
class _Draft:
    """A post before ids are assigned in time order."""

    author: str
    text: str
    at: datetime
    visibility: Visibility
    parent: "_Draft | None" = None
    original: "_Draft | None" = None
    post_id: str = ""


class SocialMediaWorld(World):
    server: ClassVar[str] = "social_media"

    viewer: SocialHandle = Field("", description="The signed-in account every tool acts as.")
    users: dict[str, SocialUser] = Field(default_factory=dict)
    posts: dict[str, Post] = Field(default_factory=dict)
    liked_post_ids: list[SocialPostId] = Field(default_factory=list)
    bookmarked_post_ids: list[SocialPostId] = Field(default_factory=list)
    notifications: dict[str, Notification] = Field(default_factory=dict)

    # ----- the viewer's standing, shared by the generator and the tools -----

    def me(self) -> SocialUser:
        return self.users[self.viewer]

    def account_problem(self, user: SocialUser) -> str | None:
        """Why the viewer may not see `user`'s posts and connections, or None."""
        me = self.me()
        if user.handle == me.handle:
            return None
        if me.handle in user.blocked:
            return f"@{user.handle} has blocked you; you cannot see their posts or interact with them."
        if user.handle in me.blocked:
            return f"You have blocked @{user.handle}; unblock them with block_social_user (blocked=false) first."
        if user.private and user.handle not in me.following:
            pending = " (your follow request is still pending)" if user.handle in me.follow_requests_sent else ""
            return (
                f"@{user.handle} is a private account: only approved followers see their posts and connections"
                f"{pending}. Send a follow request with follow_social_user."
            )
        return None

    def post_problem(self, post: Post) -> str | None:
        """Why the viewer may not see `post`, or None (a deleted post is visible as an empty record)."""
        author = self.users[post.author]
        problem = self.account_problem(author)
        if problem is None and post.visibility == "followers" and author.handle not in (
            self.viewer, *self.me().following
        ):
            problem = f"Post {post.post_id} is for @{author.handle}'s followers only; follow them to see it."
        return problem

    def follower_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.users, 0)
        for user in self.users.values():
            for handle in user.following:
                counts[handle] += 1
        return counts

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        interests = self._generate_users(rng)
        self._generate_follows(rng, interests)
        drafts = self._draft_posts(rng, interests)
        self._store_posts(rng, drafts)
        self._generate_viewer_activity(rng)
        self._generate_notifications(rng)

    def _ago(self, rng: random.Random, low_minutes: int, high_minutes: int) -> datetime:
        """A minute-aligned moment between the bounds before now, more likely recent."""
        span = high_minutes - low_minutes
        return (self.now - timedelta(minutes=low_minutes + int(span * rng.random() ** 1.5))).replace(second=0)

    def _generate_users(self, rng: random.Random) -> dict[str, list[str]]:
        """People (the first one is the viewer) and organizations; returns each handle's topics."""
        interests: dict[str, list[str]] = {}
        names = [(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES]
        topics = list(_TOPICS)
        today = self.now.date()
        for first, last in rng.sample(names, PEOPLE):
            f, l = first.lower(), last.lower()
            handle = rng.choice((f"{f}_{l}", f"{f}{l[0]}", f"{f[0]}{l}", f"the_{f}", f"{f}{l}{rng.randint(2, 99)}"))
            while handle in self.users:
                handle = f"{f}_{l}{rng.randint(2, 999)}"
            picked = rng.sample(topics, rng.randint(2, 3))
            city = rng.choice(_CITIES)
            blurbs = " · ".join(_TOPICS[topic].blurb for topic in picked)
            self.users[handle] = SocialUser(
                handle=handle,
                display_name=f"{first} {last}",
                bio=f"{rng.choice(_ROLES)} in {city} · {blurbs}",
                location=city,
                joined_on=today - timedelta(days=rng.randint(60, 4000)),
                verified=rng.random() < 0.06,
                private=False,
                following=[],
                follow_requests_sent=[],
                blocked=[],
            )
            interests[handle] = picked
        for handle, display_name, bio, _ in _ORGS:
            self.users[handle] = SocialUser(
                handle=handle,
                display_name=display_name,
                bio=bio,
                location=rng.choice(_CITIES),
                joined_on=today - timedelta(days=rng.randint(900, 4500)),
                verified=True,
                private=False,
                following=[],
                follow_requests_sent=[],
                blocked=[],
            )
            interests[handle] = [_ORG_TOPICS[handle]]
        self.viewer = next(iter(self.users))
        people = list(self.users)[1:PEOPLE]
        for handle in rng.sample(people, 9):
            self.users[handle].private = True
        return interests

    def _generate_follows(self, rng: random.Random, interests: dict[str, list[str]]) -> None:
        people = list(self.users)[:PEOPLE]
        orgs = list(self.users)[PEOPLE:]
        for handle in people[1:]:
            user = self.users[handle]
            shared = [other for other in people if other != handle and set(interests[other]) & set(interests[handle])]
            others = [other for other in people if other != handle and other not in shared]
            picks = rng.sample(shared, min(len(shared), rng.randint(4, 10))) + rng.sample(others, rng.randint(1, 5))
            picks += [org for org in orgs if _ORG_TOPICS[org] in interests[handle] or rng.random() < 0.2]
            for target in picks:
                if self.users[target].private and rng.random() < 0.25:
                    user.follow_requests_sent.append(target)
                else:
                    user.following.append(target)
        for handle in rng.sample(people[1:], 16):
            if self.viewer not in self.users[handle].following:
                self.users[handle].following.append(self.viewer)
        self._generate_viewer_follows(rng, people[1:], orgs)
        self._generate_blocks(rng, people[1:])

    def _generate_viewer_follows(self, rng: random.Random, people: list[str], orgs: list[str]) -> None:
        """The viewer follows 3 private accounts, has 2 requests pending, and ~20 public accounts and orgs."""
        me = self.me()
        private = [handle for handle in people if self.users[handle].private]
        public = [handle for handle in people if not self.users[handle].private]
        me.following = rng.sample(public, 16) + private[:3] + rng.sample(orgs, 6)
        me.follow_requests_sent = private[3:5]

    def _generate_blocks(self, rng: random.Random, people: list[str]) -> None:
        """Three public strangers block the viewer, the viewer blocks two followed people, a few others block."""
        me = self.me()
        strangers = [h for h in people if h not in me.following and h not in me.follow_requests_sent]
        blockers = rng.sample([h for h in strangers if not self.users[h].private], 3)
        for handle in blockers:
            self.block(self.users[handle], me)
        followed_public = [h for h in me.following if h in people and not self.users[h].private]
        for handle in rng.sample(followed_public, 2):
            self.block(me, self.users[handle])
        for _ in range(4):
            blocker, target = rng.sample(people, 2)
            if target not in self.users[blocker].blocked:
                self.block(self.users[blocker], self.users[target])

    def block(self, blocker: SocialUser, target: SocialUser) -> None:
        """`blocker` blocks `target`: follows and follow requests between them end in both directions."""
        blocker.blocked.append(target.handle)
        for one, other in ((blocker, target), (target, blocker)):
            if other.handle in one.following:
                one.following.remove(other.handle)
            if other.handle in one.follow_requests_sent:
                one.follow_requests_sent.remove(other.handle)

    def _draft_posts(self, rng: random.Random, interests: dict[str, list[str]]) -> list[_Draft]:
        """Originals from every account, then replies and reposts between accounts that can see each other."""
        drafts: list[_Draft] = []
        org_templates = {handle: templates for handle, _, _, templates in _ORGS}
        for handle, user in self.users.items():
            is_org = handle in org_templates
            count = rng.randint(4, 7) if is_org else rng.randint(8, 10) if handle == self.viewer else rng.randint(3, 7)
            for _ in range(count):
                topic = _TOPICS[rng.choice(interests[handle])]
                if is_org:
                    template = rng.choice(org_templates[handle])
                elif user.following and rng.random() < 0.12:
                    template = rng.choice(_SHOUTOUTS).replace("{friend}", rng.choice(user.following))
                else:
                    template = rng.choice(topic.templates)
                text = _fill(rng, template, topic)
                private = user.private or (not is_org and rng.random() < 0.08)
                at = self._ago(rng, 130, HISTORY_DAYS * 24 * 60)
                drafts.append(_Draft(handle, text, at, "followers" if private else "public"))
        topic = _TOPICS[interests[self.viewer][0]]
        for template in rng.sample(topic.templates, 2):
            drafts.append(_Draft(self.viewer, _fill(rng, template, topic), self._ago(rng, 8, 50), "public"))
        drafts += self._draft_replies(rng, drafts)
        drafts += self._draft_reposts(rng, drafts)
        return drafts

    def _can_interact(self, handle: str, post: _Draft) -> bool:
        """Whether `handle` may reply to or repost a draft: no block either way, and it is visible to them."""
        author, user = self.users[post.author], self.users[handle]
        if handle == post.author or handle in author.blocked or post.author in user.blocked:
            return False
        return post.visibility == "public" or post.author in user.following

    def _draft_replies(self, rng: random.Random, originals: list[_Draft]) -> list[_Draft]:
        """About 70 replies, a third of them answering an earlier reply, so that threads form."""
        replies: list[_Draft] = []
        handles = list(self.users)[:PEOPLE]
        for round_number in range(2):
            if round_number == 0:
                parents = rng.sample(originals, 44) + [draft for draft in originals if draft.author == self.viewer]
            else:
                parents = rng.sample(replies, min(len(replies), 22))
            for parent in parents:
                replier = rng.choice(handles)
                at = parent.at + timedelta(minutes=rng.randint(4, 900))
                if replier == self.viewer and at > self.now - timedelta(hours=2):
                    continue
                if not self._can_interact(replier, parent) or at > self.now - timedelta(minutes=3):
                    continue
                text = f"@{parent.author} {rng.choice(_REPLIES).format(n=rng.randint(2, 42))}"
                visibility: Visibility = "followers" if self.users[replier].private else "public"
                replies.append(_Draft(replier, text, at, visibility, parent=parent))
        return replies

    def _draft_reposts(self, rng: random.Random, drafts: list[_Draft]) -> list[_Draft]:
        reposts: list[_Draft] = []
        originals = [draft for draft in drafts if draft.parent is None and draft.visibility == "public"]
        for original in rng.sample(originals, 22):
            reposter = rng.choice(list(self.users)[:PEOPLE])
            at = original.at + timedelta(minutes=rng.randint(10, 1500))
            recent = at > self.now - timedelta(hours=2)
            if recent or not self._can_interact(reposter, original) or any(
                repost.original is original and repost.author == reposter for repost in reposts
            ):
                continue
            reposts.append(_Draft(reposter, "", at, "public", original=original))
        return reposts

    def _store_posts(self, rng: random.Random, drafts: list[_Draft]) -> None:
        """Assign ids in time order, then counts; a few posts by others were deleted since, four of them in
        threads the viewer can see."""
        popularity = self.follower_counts()
        for draft in sorted(drafts, key=lambda d: d.at):
            draft.post_id = self.next_id("PST")
            self.posts[draft.post_id] = Post(
                post_id=draft.post_id,
                author=draft.author,
                text=draft.text,
                created_at=draft.at,
                visibility=draft.visibility,
                reply_to=draft.parent.post_id if draft.parent else None,
                repost_of=draft.original.post_id if draft.original else None,
                like_count=0 if draft.original else rng.randint(0, 6) + rng.randint(0, popularity[draft.author]),
            )
            if draft.original is not None:
                self.posts[draft.original.post_id].repost_count += 1
        seen_parents = [post.reply_to for post in self.posts.values() if post.reply_to and not self.post_problem(post)]
        others = [post for post in self.posts.values() if post.author != self.viewer and not post.repost_of]
        with_replies = [post for post in others if post.post_id in seen_parents and not self.post_problem(post)]
        chosen = rng.sample(with_replies, 4)
        for post in chosen + rng.sample([post for post in others if post not in chosen], 4):
            post.deleted, post.text = True, ""

    def _generate_viewer_activity(self, rng: random.Random) -> None:
        """The viewer liked ~18 visible posts by others and bookmarked 6, newest first."""
        visible = [
            post
            for post in self.posts.values()
            if post.author != self.viewer and not post.deleted and not post.repost_of and not self.post_problem(post)
        ]
        newest_first = sorted(rng.sample(visible, 24), key=lambda post: post.created_at, reverse=True)
        for post in newest_first[:18]:
            post.like_count = max(post.like_count, 1)
            self.liked_post_ids.append(post.post_id)
        self.bookmarked_post_ids = [post.post_id for post in newest_first[18:]]

    def _generate_notifications(self, rng: random.Random) -> None:
        """What happened around the viewer: new followers, accepted requests, likes, reposts, replies, mentions."""
        events: list[tuple[datetime, NotificationKind, str, str | None]] = []
        followers = [user.handle for user in self.users.values() if self.viewer in user.following]
        for handle in rng.sample(followers, min(8, len(followers))):
            events.append((self._ago(rng, 30, HISTORY_DAYS * 24 * 60), "follow", handle, None))
        for handle in self.me().following:
            if self.users[handle].private:
                events.append((self._ago(rng, 60, HISTORY_DAYS * 24 * 60), "follow_request_accepted", handle, None))
        mine = [post for post in self.posts.values() if post.author == self.viewer and not post.repost_of]
        for post in self.posts.values():
            if post.author == self.viewer or post.deleted:
                continue
            parent = self.posts[post.reply_to] if post.reply_to else None
            original = self.posts[post.repost_of] if post.repost_of else None
            if parent is not None and parent.author == self.viewer:
                events.append((post.created_at, "reply", post.author, post.post_id))
            elif original is not None and original.author == self.viewer:
                events.append((post.created_at, "repost", post.author, original.post_id))
            elif self.viewer in mentions_in(post.text):
                events.append((post.created_at, "mention", post.author, post.post_id))
        for post in rng.sample(mine, min(8, len(mine))):
            liker = rng.choice(followers)
            if post.like_count == 0:
                post.like_count = 1
            at = min(post.created_at + timedelta(minutes=rng.randint(2, 2000)), self.now - timedelta(minutes=1))
            events.append((at, "like", liker, post.post_id))
        for at, kind, actor, post_id in sorted(events, key=lambda event: (event[0], event[1], event[2])):
            notification = Notification(
                notification_id=self.next_id("NTF"),
                kind=kind,
                actor=actor,
                post_id=post_id,
                created_at=at,
                read=at < self.now - timedelta(days=2),
            )
            self.notifications[notification.notification_id] = notification
