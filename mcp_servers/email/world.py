"""The mailbox's state: the owner's account, contacts, labels, messages (with their attachments) and drafts.

Threads are not stored on their own: a thread is the set of messages sharing a `thread_id`, named by the subject of
its first message. Storage used by mail is the size of every stored message and draft (headers, text and
attachments); the account's quota is shared with other services, whose usage is a fixed number. All times are UTC;
generated mail reaches back about three months before `now`, and mail sent during an episode is dated `now`.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
EmailMessageId = Annotated[str, Entity("email_message"), _ID]
EmailThreadId = Annotated[str, Entity("email_thread"), _ID]
EmailDraftId = Annotated[str, Entity("email_draft"), _ID]
EmailContactId = Annotated[str, Entity("email_contact"), _ID]
AttachmentId = Annotated[str, Entity("email_attachment"), _ID]
LabelName = Annotated[str, Entity("email_label"), Field(min_length=1, max_length=40)]
EmailAddress = Annotated[str, Entity("email_address"), Field(min_length=3, max_length=254)]

Folder = Literal["inbox", "sent", "archive", "trash", "spam"]
LabelColor = Literal["gray", "red", "orange", "yellow", "green", "blue", "purple"]

MESSAGE_OVERHEAD_BYTES = 800
"""Headers and MIME structure counted in every stored message's size."""
MEGABYTE = 1024 * 1024


class Attachment(BaseModel):
    attachment_id: AttachmentId
    filename: str
    content_type: str
    size_bytes: int


class Contact(BaseModel):
    contact_id: EmailContactId
    name: str
    email: EmailAddress
    company: str
    groups: list[str]


class Label(BaseModel):
    name: LabelName
    color: LabelColor


class MessageHeader(BaseModel):
    """What a message list shows of a message."""

    message_id: EmailMessageId
    thread_id: EmailThreadId
    folder: Folder
    sender: EmailAddress
    sender_name: str
    to: list[EmailAddress]
    subject: str
    sent_at: datetime
    labels: list[LabelName] = Field(default_factory=list)
    is_read: bool = True
    is_starred: bool = False


class Message(MessageHeader):
    cc: list[EmailAddress] = Field(default_factory=list)
    bcc: list[EmailAddress] = Field(default_factory=list, description="Only known on messages the owner sent.")
    body: str
    attachments: list[Attachment] = Field(default_factory=list)
    in_reply_to: EmailMessageId | None = None


class Draft(BaseModel):
    draft_id: EmailDraftId
    to: list[EmailAddress] = Field(default_factory=list)
    cc: list[EmailAddress] = Field(default_factory=list)
    bcc: list[EmailAddress] = Field(default_factory=list)
    subject: str = ""
    body: str = ""
    attachments: list[Attachment] = Field(default_factory=list)
    thread_id: EmailThreadId | None = Field(None, description="Set on a reply draft: the thread it will join.")
    in_reply_to: EmailMessageId | None = None
    updated_at: datetime


class Account(BaseModel):
    address: EmailAddress
    display_name: str
    signature: str
    quota_bytes: int = Field(description="Storage shared by mail and the owner's other services.")
    other_storage_bytes: int = Field(description="Part of the quota used by the other services.")
    max_recipients: int = Field(description="Most distinct to/cc/bcc addresses on one message.")
    max_message_bytes: int = Field(description="Largest message that can be sent, attachments included.")
    blocked_senders: list[EmailAddress] = Field(default_factory=list)


def stored_size(subject: str, body: str, attachments: list[Attachment]) -> int:
    """Bytes a message or draft takes from the quota."""
    text = len(subject.encode()) + len(body.encode())
    return MESSAGE_OVERHEAD_BYTES + text + sum(attachment.size_bytes for attachment in attachments)


def reply_subject(subject: str) -> str:
    """The subject of a reply: `Re: ` once in front."""
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


# ----- generation data -----


class _Topic(NamedTuple):
    """A kind of conversation: its subject (with a `{}` slot), the slot values, body lines and possible files."""

    subject: str
    slots: tuple[str, ...]
    lines: tuple[str, ...]
    files: tuple[tuple[str, str, int, int], ...] = ()
    """(filename, content type, min KB, max KB); one is attached with `file_chance`."""
    file_chance: float = 0.0


class _Notice(NamedTuple):
    """A one-message notification from a service that is not a contact."""

    sender_name: str
    sender: str
    subject: str
    slots: tuple[str, ...]
    body: str
    label: str | None
    files: tuple[tuple[str, str, int, int], ...] = ()


_PDF = "application/pdf"
_ZIP = "application/zip"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_FIRST = (
    "Ava Ben Chloe Diego Elif Farah Gabriel Hana Isaac Jonas Kira Leo Maya Nikhil Olga Pedro Quinn Rosa Samir Tessa "
    "Umar Vera Wes Ximena Yusuf Zoe Aiden Bianca Caleb Daria Emeka Freya Goran Ingrid Jamal Keiko Lars Mira Noor "
    "Oscar Priya Rafael Sana Tobias"
).split()
_LAST = (
    "Abbott Bauer Castillo Dube Eriksen Fischer Gupta Horvath Ito Jensen Khan Larsen Moreau Nakamura Okoye Petrov "
    "Quispe Reyes Schmidt Takahashi Ueda Varga Weber Yilmaz Zhang Brennan Costa Duarte Engel Falk"
).split()
_COMPANIES = (("Brightwave", "brightwave.io"), ("Northwind Labs", "northwindlabs.com"),
              ("Helio Systems", "heliosystems.com"), ("Cobalt Pine", "cobaltpine.co"))
_TITLES = ("Product Manager", "Engineering Lead", "Operations Director", "Marketing Manager")
_CLIENTS = (("Acme Retail", "acmeretail.com"), ("Globex Foods", "globexfoods.com"),
            ("Lumen Health", "lumenhealth.org"), ("Stark Freight", "starkfreight.com"),
            ("Vela Studio", "velastudio.design"))
_PERSONAL_DOMAINS = ("gmail.com", "outlook.com", "icloud.com", "proton.me", "yahoo.com")

WORK_GROUP, FAMILY_GROUP, FRIENDS_GROUP = "Work", "Family", "Friends"
_PROJECT_GROUP, _BOOK_GROUP, _CLIENT_GROUP = "Project Atlas", "Book Club", "Clients"
_GROUP_SIZES = {WORK_GROUP: 23, _CLIENT_GROUP: 5, FAMILY_GROUP: 5, FRIENDS_GROUP: 7}
"""Contacts per primary group: 40 in all, and the Work group alone is larger than the recipient limit."""

_LABELS: tuple[tuple[str, LabelColor], ...] = (
    ("Work", "blue"), ("Urgent", "red"), ("Follow up", "orange"), ("Family", "green"), ("Receipts", "yellow"),
    ("Travel", "purple"), ("Newsletters", "gray"), ("Taxes 2025", "gray"),
)

_WORK_TOPICS = (
    _Topic("Roadmap review: {}", ("Q2", "Q3", "H2 planning"), (
        "I put the draft roadmap in the shared folder; comments by Thursday please.",
        "Can we move the reporting revamp out to make room for the API work?",
        "Priorities look right to me, but the mobile timeline is tight.",
        "Let's lock this in at Monday's staff meeting.",
    ), (("roadmap-draft.pdf", _PDF, 300, 1800),), 0.5),
    _Topic("Budget for {}", ("Project Atlas", "the Berlin offsite", "support tooling", "Q3 contractors"), (
        "Finance needs the final numbers by the 15th.",
        "The estimate came in about 12% over what we planned.",
        "Could you double-check the contractor hours in the sheet?",
        "Approved on my side; I'll pass it on to finance.",
    ), (("budget.xlsx", _XLSX, 40, 400),), 0.6),
    _Topic("Design review: {}", ("onboarding flow", "billing settings", "mobile navigation", "search results"), (
        "The new mockups are attached; the main change is the step order.",
        "I'd keep the old icon set until the accessibility audit is done.",
        "Can we test this with five customers before we build it?",
        "Looks great overall, small notes inline.",
    ), (("mockups.png", "image/png", 800, 4000), ("flows.pdf", _PDF, 500, 2500)), 0.7),
    _Topic("Hiring: {} candidate", ("senior backend", "product designer", "support lead", "data analyst"), (
        "The candidate's CV is attached; the panel is on Wednesday.",
        "Strong on systems design, a bit light on testing.",
        "I'd move forward to the final round.",
        "Can you send the offer range before Friday?",
    ), (("cv.pdf", _PDF, 80, 400),), 0.6),
    _Topic("Customer escalation: {}", tuple(name for name, _ in _CLIENTS), (
        "They report failed syncs since the last release and want a call today.",
        "Support reproduced it; a fix is in review.",
        "Please keep the account team in the loop on every update.",
        "The patch is live and they confirmed it works.",
    )),
    _Topic("Sprint {} retro notes", ("41", "42", "43", "44"), (
        "Notes from the retro are below; three action items this time.",
        "Flaky tests cost us two days again.",
        "Let's timebox the planning meeting to an hour.",
        "I'll own the deploy checklist action item.",
    )),
    _Topic("Vendor contract renewal: {}", ("Datadog", "Figma", "Zendesk", "AWS support"), (
        "The renewal quote is attached; it is up 8% on last year.",
        "Can we ask for a two-year term at the old price?",
        "Legal signed off on the new terms.",
        "The deadline to cancel is the end of the month.",
    ), (("quote.pdf", _PDF, 120, 900),), 0.7),
    _Topic("Launch checklist for {}", ("v4.2", "the partner portal", "the spring campaign"), (
        "The checklist is in the doc; please tick off your rows.",
        "Release notes still need a final review.",
        "Marketing wants a go/no-go by Tuesday noon.",
        "All green on my side.",
    )),
    _Topic("{} report draft", ("Q1 board", "Monthly ops", "Customer health"), (
        "First draft attached; the numbers are still preliminary.",
        "Churn section needs a chart, I can add it.",
        "Please send edits by end of day tomorrow.",
        "Final version is attached, thanks all.",
    ), (("report.docx", _DOCX, 150, 1200),), 0.7),
    _Topic("Offsite planning: {}", ("venue", "agenda", "travel"), (
        "Two venue options are in the doc, both near the station.",
        "Can everyone confirm their travel dates by Friday?",
        "I'd keep the second afternoon free for team time.",
        "Booked! Details to follow.",
    )),
    _Topic("Data migration status, {}", ("week 1", "week 2", "week 3"), (
        "About 60% of the accounts are migrated.",
        "We hit a schema mismatch on the invoices table.",
        "Rollback plan is documented in the runbook.",
        "Migration finished overnight with no errors.",
    )),
    _Topic("Team lunch {}", ("on Friday", "next Thursday"), (
        "Lunch is on the team budget this time.",
        "Any dietary needs I should pass on?",
        "The Thai place around the corner takes groups of ten.",
        "Count me in!",
    )),
    _Topic("Pricing page copy: {}", ("v1", "v2"), (
        "New copy for the pricing page is attached.",
        "The enterprise tier wording still sounds vague.",
        "Legal asked us to drop the word unlimited.",
        "Ship it.",
    ), (("pricing-copy.docx", _DOCX, 40, 120),), 0.5),
)
_BIG_TOPICS = (
    _Topic("Site walkthrough video: {}", ("warehouse",), (
        "Here is the walkthrough of the new space; the loading dock is at the end.",
        "Great video, can you share it with facilities?",
    ), (("site-walkthrough.mp4", "video/mp4", 14000, 21000),), 1.0),
    _Topic("Brand assets for {}", ("the launch",), (
        "All logos, fonts and photography in one archive.",
        "Thanks, the press kit needs exactly these.",
    ), (("brand-assets.zip", _ZIP, 15000, 22000),), 1.0),
)
_OLD_ARCHIVE = _Topic("Old project archive: {}", ("Helix", "Orion"), (
    "Sending the archive before the shared drive is cleaned up.",
    "Got it, thanks.",
), (("project-archive.zip", _ZIP, 18000, 24000),), 1.0)
"""Large attachments in the trash: deleting them permanently frees storage."""

_PERSONAL_TOPICS = (
    _Topic("Dinner on {}?", ("Saturday", "Friday night", "Sunday"), (
        "Are you free for dinner? I found a new ramen place.",
        "Yes! 7:30 works for me.",
        "I'll book a table for four.",
        "See you there.",
    )),
    _Topic("Photos from {}", ("Lisbon", "the lake house", "the wedding", "Kyoto"), (
        "Finally sorted the photos, they are attached.",
        "These are wonderful, thank you!",
        "Can you send the one by the water in full size?",
        "Printing a few for the fridge.",
    ), (("photos.zip", _ZIP, 6000, 19000), ("IMG_2231.jpg", "image/jpeg", 2000, 5000)), 0.8),
    _Topic("{}'s birthday", ("Mom", "Dad", "Grandma"), (
        "Shall we all chip in for one big present?",
        "I can pick up the cake on the way.",
        "She'd love the cooking class idea.",
        "Booked the restaurant for Sunday lunch.",
    )),
    _Topic("Book club: {}", ("The Overstory", "Piranesi", "Klara and the Sun", "Educated"), (
        "Next meeting is at my place; bring snacks.",
        "I'm only halfway through, no spoilers please.",
        "Loved the ending, can't wait to discuss.",
        "Who's picking the next book?",
    )),
    _Topic("Weekend hike to {}", ("Eagle Ridge", "Miller Falls"), (
        "Forecast looks clear; leaving at 8 from the trailhead.",
        "I'll bring the map and snacks.",
        "Can we do the shorter loop? My knee is still sore.",
        "Great day out, thanks for organizing.",
    )),
    _Topic("Flights {}", ("for the holidays", "for Easter"), (
        "Prices are going up; should we book this week?",
        "The Friday evening flight is cheapest.",
        "Booked mine, confirmation attached.",
        "Can someone pick us up from the airport?",
    ), (("booking-confirmation.pdf", _PDF, 60, 200),), 0.5),
    _Topic("The {} recipe", ("lasagna", "dal", "banana bread"), (
        "Here's the recipe you asked for.",
        "Made it last night, huge hit.",
        "Did you use fresh or dried herbs?",
        "Next time I'll double it.",
    )),
)
_FOLLOW_UPS = (
    "Thanks, that works for me.",
    "Sounds good, I'll take care of it today.",
    "Can we talk this through tomorrow at 10?",
    "Quick reminder on this one.",
    "Done, see the updated version.",
    "Agreed.",
)

_NOTICES = (
    _Notice("Amazon", "shipment-tracking@amazon.com", "Your order of {} has shipped", (
        "a standing desk", "noise-cancelling headphones", "a coffee grinder", "running shoes",
    ), "Your package is on its way and should arrive in 2-3 days.", "Receipts"),
    _Notice("Uber Receipts", "noreply@uber.com", "Your {} trip receipt", (
        "Monday morning", "Thursday evening", "airport",
    ), "Thanks for riding with Uber. Your receipt is attached.", "Receipts", (("receipt.pdf", _PDF, 40, 120),)),
    _Notice("United Airlines", "receipts@united.com", "Flight confirmation: {}", (
        "SFO to JFK", "ORD to DEN", "BOS to LHR",
    ), "Your trip is confirmed. Check in opens 24 hours before departure.", "Travel",
        (("itinerary.pdf", _PDF, 90, 250),)),
    _Notice("Marriott Bonvoy", "reservations@marriott.com", "Reservation confirmed: {}", (
        "Marriott Downtown Chicago", "Courtyard Denver Airport",
    ), "We look forward to welcoming you. Check-in is from 3 PM.", "Travel"),
    _Notice("Chase", "no-reply@chase.com", "Your {} statement is ready", (
        "January", "February", "December",
    ), "Your monthly credit card statement is attached.", "Taxes 2025", (("statement.pdf", _PDF, 150, 400),)),
    _Notice("GitHub", "notifications@github.com", "Pull request #{} merged", (
        "412", "418", "425", "431",
    ), "Your pull request was merged into main by a reviewer.", None),
    _Notice("Product Digest", "digest@productweekly.com", "The Weekly Product Digest: {}", (
        "pricing experiments", "roadmaps that work", "hiring lessons", "metrics that matter",
    ), "This week: five essays and one long interview. Read online or in the app.", "Newsletters"),
    _Notice("Zoom", "no-reply@zoom.us", "Cloud recording available: {}", (
        "Design sync", "All-hands",
    ), "Your meeting recording is ready to view for the next 30 days.", None),
    _Notice("City Tax Office", "billing@citytax.gov", "Your {} property tax bill", ("spring",),
            "Your bill is attached; payment is due within 30 days.", "Taxes 2025", (("tax-bill.pdf", _PDF, 80, 200),)),
)
_SPAM_SENDERS = (
    ("Crypto Wins", "promo@crypto-wins.biz", "Double your Bitcoin in 24h"),
    ("Prize Center", "winner@prize-center.top", "You have WON a $500 gift card"),
    ("Account Security", "security@paypa1-alerts.com", "Urgent: verify your account now"),
    ("Pharma Deals", "deals@cheap-meds.xyz", "Cheap meds, no prescription needed"),
)
_BLOCKED_SPAMMERS = 2
"""The first spam senders are already blocked."""


@dataclass
class _Planned:
    """One message of a thread being generated, before ids are assigned."""

    sender: tuple[str, str] | None
    """(name, address), or None for the owner."""
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    at: datetime
    files: list[tuple[str, str, int]] = field(default_factory=list)


class EmailWorld(World):
    server: ClassVar[str] = "email"

    account: Account
    contacts: dict[str, Contact] = Field(default_factory=dict)
    labels: dict[str, Label] = Field(default_factory=dict)
    messages: dict[str, Message] = Field(default_factory=dict)
    drafts: dict[str, Draft] = Field(default_factory=dict)

    # ----- bookkeeping shared by the generator and the tools -----

    def mail_storage_used(self) -> int:
        """Bytes of every stored message and draft."""
        messages = sum(stored_size(m.subject, m.body, m.attachments) for m in self.messages.values())
        return messages + sum(stored_size(d.subject, d.body, d.attachments) for d in self.drafts.values())

    def free_storage(self) -> int:
        return self.account.quota_bytes - self.account.other_storage_bytes - self.mail_storage_used()

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        names = [(first, rng.choice(_LAST)) for first in rng.sample(_FIRST, 41)]
        first, last = names.pop()
        company, domain = rng.choice(_COMPANIES)
        title = rng.choice(_TITLES)
        self.account = Account(
            address=f"{first}.{last}@{domain}".lower(),
            display_name=f"{first} {last}",
            signature=f"{first} {last}\n{title}, {company}",
            quota_bytes=15 * 1024 * MEGABYTE,
            other_storage_bytes=0,
            max_recipients=20,
            max_message_bytes=25 * MEGABYTE,
            blocked_senders=[address for _, address, _ in _SPAM_SENDERS[:_BLOCKED_SPAMMERS]],
        )
        self.contacts, self.messages, self.drafts = {}, {}, {}
        self.labels = {name: Label(name=name, color=color) for name, color in _LABELS}
        self._generate_contacts(rng, names, company, domain, last)
        self._generate_mail(rng)
        self._generate_drafts(rng)
        free = rng.randint(9 * MEGABYTE, 13 * MEGABYTE)
        self.account.other_storage_bytes = self.account.quota_bytes - self.mail_storage_used() - free

    def _generate_contacts(
        self, rng: random.Random, names: list[tuple[str, str]], company: str, domain: str, owner_last: str
    ) -> None:
        for group, size in _GROUP_SIZES.items():
            for index in range(size):
                first, last = names.pop()
                if group == WORK_GROUP:
                    employer, address = company, f"{first}.{last}@{domain}"
                elif group == _CLIENT_GROUP:
                    employer, client_domain = _CLIENTS[index]
                    address = f"{first[0]}{last}@{client_domain}"
                else:
                    if group == FAMILY_GROUP and index < 3:
                        last = owner_last
                    employer = ""
                    address = f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(_PERSONAL_DOMAINS)}"
                contact = Contact(
                    contact_id=self.next_id("CON"),
                    name=f"{first} {last}",
                    email=address.lower(),
                    company=employer,
                    groups=[group],
                )
                self.contacts[contact.contact_id] = contact
        by_group = {group: [c for c in self.contacts.values() if group in c.groups] for group in _GROUP_SIZES}
        for contact in rng.sample(by_group[WORK_GROUP], 6) + rng.sample(by_group[_CLIENT_GROUP], 2):
            contact.groups.append(_PROJECT_GROUP)
        for contact in rng.sample(by_group[FRIENDS_GROUP], 4) + rng.sample(by_group[FAMILY_GROUP], 2):
            contact.groups.append(_BOOK_GROUP)

    def _group(self, group: str) -> list[Contact]:
        return [contact for contact in self.contacts.values() if group in contact.groups]

    def _generate_mail(self, rng: random.Random) -> None:
        """Plan every thread, then number threads and messages in chronological order."""
        colleagues, clients = self._group(WORK_GROUP), self._group(_CLIENT_GROUP)
        personal = self._group(FAMILY_GROUP) + self._group(FRIENDS_GROUP)
        threads: list[tuple[list[_Planned], Folder, list[str]]] = []
        work = [(topic, slot) for topic in _WORK_TOPICS for slot in topic.slots]
        chosen = rng.sample(work, 34) + [(topic, slot) for topic in _BIG_TOPICS for slot in topic.slots]
        for topic, slot in chosen:
            people = rng.sample(colleagues, rng.choice((1, 1, 2, 2, 3)))
            if topic.subject.startswith("Customer escalation"):
                people.append(next(c for c in clients if c.company == slot))
            count = rng.choice((2, 3, 3, 4, 4, 5, 6, 7, 8))
            plan = self._conversation(rng, topic, slot, people, count)
            labels = [name for name, chance in (("Work", 0.4), ("Urgent", 0.1), ("Follow up", 0.15))
                      if rng.random() < chance]
            threads.append((plan, self._thread_folder(rng, may_trash=topic not in _BIG_TOPICS), labels))
        for slot in _OLD_ARCHIVE.slots:
            threads.append((self._conversation(rng, _OLD_ARCHIVE, slot, rng.sample(colleagues, 1), 2), "trash", []))
        topics = [(topic, slot) for topic in _PERSONAL_TOPICS for slot in topic.slots]
        for topic, slot in rng.sample(topics, 16):
            people = rng.sample(personal, rng.choice((1, 1, 2)))
            plan = self._conversation(rng, topic, slot, people, rng.choice((1, 2, 3, 3, 4, 5)))
            family = any(FAMILY_GROUP in person.groups for person in people)
            threads.append((plan, self._thread_folder(rng), ["Family"] if family and rng.random() < 0.7 else []))
        threads.extend(self._notice(rng, notice, slot) for notice in _NOTICES for slot in notice.slots)
        for index in range(8):
            name, address, subject = _SPAM_SENDERS[index % len(_SPAM_SENDERS)]
            body = f"Dear customer,\n\n{subject}! Click the link below before the offer expires.\n\nThe {name} team"
            plan = [_Planned((name, address), [self.account.address], [], subject, body, self._moment(rng, 1, 60))]
            threads.append((plan, "spam", []))
        self._store_threads(rng, threads)

    def _thread_folder(self, rng: random.Random, may_trash: bool = True) -> Folder:
        """Where a conversation lives; the large-attachment ones stay out of the trash so that they can be sent on."""
        roll = rng.random()
        return "inbox" if roll < 0.58 else "archive" if roll < 0.92 or not may_trash else "trash"

    def _moment(self, rng: random.Random, low_days: int, high_days: int) -> datetime:
        """A time between `low_days` and `high_days` days before now, on the minute; recent days are likelier."""
        days = low_days + int((high_days - low_days + 1) * rng.random() ** 1.5)
        return (self.now - timedelta(days=days, minutes=rng.randrange(1440))).replace(second=0, microsecond=0)

    def _conversation(
        self, rng: random.Random, topic: _Topic, slot: str, people: list[Contact], count: int
    ) -> list[_Planned]:
        """A back-and-forth between the owner and `people`, opened by one of them or by the owner."""
        subject = topic.subject.format(slot)
        gaps = [timedelta(minutes=rng.randint(20, 1800)) for _ in range(count - 1)]
        at = self._moment(rng, 0, 85) - sum(gaps, timedelta()) - timedelta(hours=1)
        everyone = [self.account.address] + [person.email for person in people]
        speaker: Contact | None = None if rng.random() < 0.3 else people[0]
        previous: Contact | None = None
        plan: list[_Planned] = []
        for index in range(count):
            address = speaker.email if speaker else self.account.address
            if index == 0:
                to = [people[0].email] if speaker is None else [self.account.address]
            else:
                to = [previous.email if previous else self.account.address]
            cc = [other for other in everyone if other != address and other not in to]
            line = topic.lines[0] if index == 0 else rng.choice(topic.lines[1:] + _FOLLOW_UPS)
            greeting = _first_name(self._name_of(to[0]))
            author = _first_name(speaker.name if speaker else self.account.display_name)
            files: list[tuple[str, str, int]] = []
            if index == 0 and topic.files and rng.random() < topic.file_chance:
                filename, content_type, low, high = rng.choice(topic.files)
                files.append((filename, content_type, rng.randint(low, high) * 1024))
            body = f"Hi {greeting},\n\n{line}\n\n{author}"
            sender = (speaker.name, speaker.email) if speaker else None
            plan.append(_Planned(sender, to, cc, subject if index == 0 else f"Re: {subject}", body, at, files))
            previous, at = speaker, at + (gaps[index] if index < len(gaps) else timedelta())
            speaker = rng.choice(people) if speaker is None else None
        return plan

    def _name_of(self, address: str) -> str:
        if address == self.account.address:
            return self.account.display_name
        return next(contact.name for contact in self.contacts.values() if contact.email == address)

    def _notice(self, rng: random.Random, notice: _Notice, slot: str) -> tuple[list[_Planned], Folder, list[str]]:
        sender = (notice.sender_name, notice.sender)
        files = [(name, kind, rng.randint(low, high) * 1024) for name, kind, low, high in notice.files]
        subject = notice.subject.format(slot)
        plan = [_Planned(sender, [self.account.address], [], subject, notice.body, self._moment(rng, 0, 90), files)]
        roll = rng.random()
        folder: Folder = "inbox" if roll < 0.5 else "archive" if roll < 0.9 else "trash"
        return plan, folder, [notice.label] if notice.label else []

    def _store_threads(self, rng: random.Random, threads: list[tuple[list[_Planned], Folder, list[str]]]) -> None:
        threads.sort(key=lambda thread: thread[0][0].at)
        placed: list[tuple[_Planned, str, Folder, list[str]]] = []
        for plan, folder, labels in threads:
            thread_id = self.next_id("THR")
            placed.extend((planned, thread_id, folder, labels) for planned in plan)
        placed.sort(key=lambda item: item[0].at)
        last_in_thread: dict[str, str] = {}
        for planned, thread_id, folder, labels in placed:
            mine = planned.sender is None
            recent = (self.now - planned.at).days < 14
            message = Message(
                message_id=self.next_id("MSG"),
                thread_id=thread_id,
                folder="sent" if mine and folder in ("inbox", "archive") else folder,
                sender=planned.sender[1] if planned.sender else self.account.address,
                sender_name=planned.sender[0] if planned.sender else self.account.display_name,
                to=planned.to,
                cc=planned.cc,
                subject=planned.subject,
                body=planned.body,
                sent_at=planned.at,
                labels=list(labels),
                is_read=mine or folder not in ("inbox", "spam") or rng.random() > (0.55 if recent else 0.2),
                is_starred=not mine and folder != "spam" and rng.random() < 0.08,
                attachments=[
                    Attachment(attachment_id=self.next_id("ATT"), filename=name, content_type=kind, size_bytes=size)
                    for name, kind, size in planned.files
                ],
                in_reply_to=last_in_thread.get(thread_id),
            )
            self.messages[message.message_id] = message
            last_in_thread[thread_id] = message.message_id

    def _generate_drafts(self, rng: random.Random) -> None:
        """A reply draft, a finished new message, one with no recipients and one with only a recipient."""
        friend = rng.choice(self._group(FRIENDS_GROUP))
        colleague = rng.choice(self._group(WORK_GROUP))
        known = {contact.email for contact in self.contacts.values()}
        original = [m for m in self.messages.values() if m.folder == "inbox" and m.sender in known][-1]
        specs = [
            ([original.sender], reply_subject(original.subject), "Thanks, I'll get back to you on this by Friday.",
             original),
            ([friend.email], "Trip in the spring?",
             f"Hi {_first_name(friend.name)},\n\nWe're thinking about a long weekend in May. Want to join?", None),
            ([], "Ideas for the offsite", "1. Customer panel\n2. Hack afternoon\n3. Team dinner by the river", None),
            ([colleague.email], "", "", None),
        ]
        for minutes, (to, subject, body, reply_to) in enumerate(specs):
            draft = Draft(
                draft_id=self.next_id("DRF"),
                to=to,
                subject=subject,
                body=body,
                thread_id=reply_to.thread_id if reply_to else None,
                in_reply_to=reply_to.message_id if reply_to else None,
                updated_at=self.now - timedelta(hours=rng.randint(2, 200), minutes=minutes),
            )
            self.drafts[draft.draft_id] = draft


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name
