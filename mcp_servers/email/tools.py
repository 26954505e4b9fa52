"""Email tools: search and read messages and threads, look up contacts, send, reply and forward, keep drafts, and
organize the mailbox with folders, labels, flags, permanent deletion and blocked senders."""

import re
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, ServerDef, ToolError, require
from mcp_servers.email.world import (
    MEGABYTE,
    Attachment,
    AttachmentId,
    Contact,
    Draft,
    EmailAddress,
    EmailDraftId,
    EmailMessageId,
    EmailThreadId,
    EmailWorld,
    Folder,
    Label,
    LabelColor,
    LabelName,
    Message,
    MessageHeader,
    reply_subject,
    stored_size,
)

server = ServerDef(
    "email",
    EmailWorld,
    group="productivity",
    description=(
        "One user's mailbox: search and read messages and threads, contacts and contact groups, send, reply, "
        "forward, drafts, folders (inbox, sent, archive, trash, spam), labels, stars, blocked senders and a storage "
        "quota. Messages are never edited, only moved, labelled, flagged or deleted from the trash."
    ),
)

Recipient = Annotated[str, Entity("email_address"), Field(min_length=1, max_length=254)]
"""An email address, or a contact's or contact group's name that stands for addresses."""
Recipients = Annotated[list[Recipient], Field(max_length=50)]
Subject = Annotated[str, Field(max_length=250)]
Body = Annotated[str, Field(max_length=20_000)]
MessageIds = Annotated[list[EmailMessageId], Field(min_length=1, max_length=100)]
AttachmentIds = Annotated[list[AttachmentId], Field(max_length=10)]
Query = Annotated[str, Field(max_length=200)]
NewLabelName = Annotated[str, Field(min_length=1, max_length=40)]
Limit = Annotated[int, Field(ge=1, le=100)]
FolderFilter = Literal["inbox", "sent", "archive", "trash", "spam", "all_mail", "anywhere"]

RESERVED_LABELS = ("inbox", "sent", "drafts", "archive", "trash", "spam", "starred", "unread", "all mail")
_ADDRESS = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}$")
_SNIPPET_CHARS = 90


# ----- result models -----


class StorageQuota(BaseModel):
    quota_bytes: int
    used_by_mail_bytes: int
    used_by_other_services_bytes: int
    free_bytes: int


class FolderCount(BaseModel):
    folder: Literal["inbox", "sent", "archive", "trash", "spam", "drafts"]
    total: int
    unread: int


class LabelCount(BaseModel):
    name: LabelName
    color: LabelColor
    message_count: int


class MailboxOverview(BaseModel):
    address: EmailAddress
    display_name: str
    signature: str = Field(description="Appended to sent mail unless a tool is told not to.")
    current_time: datetime
    storage: StorageQuota
    max_recipients: int = Field(description="Most distinct to/cc/bcc addresses on one message.")
    max_message_bytes: int = Field(description="Largest message that can be sent, attachments included.")
    folders: list[FolderCount]
    labels: list[LabelCount]
    contact_groups: list[str]
    blocked_senders: list[EmailAddress]


class MessageSummary(MessageHeader):
    snippet: str = Field(description="The start of the body.")
    attachment_count: int


class MessageSearchResult(BaseModel):
    messages: list[MessageSummary] = Field(description="Newest first.")
    total_matched: int


class EmailMessageView(Message):
    size_bytes: int = Field(description="Storage the message takes, attachments included.")


class ThreadSummary(BaseModel):
    thread_id: EmailThreadId
    subject: str
    participants: list[EmailAddress]
    message_count: int
    unread_count: int
    last_message_at: datetime
    last_message_id: EmailMessageId
    folders: list[Folder]
    labels: list[LabelName]
    has_attachments: bool


class ThreadList(BaseModel):
    threads: list[ThreadSummary] = Field(description="Most recent activity first.")
    total_matched: int


class ThreadView(BaseModel):
    thread_id: EmailThreadId
    subject: str
    messages: list[EmailMessageView] = Field(description="Oldest first.")


class ContactList(BaseModel):
    contacts: list[Contact]
    total_matched: int


class DraftList(BaseModel):
    drafts: list[Draft] = Field(description="Most recently edited first.")


class SentEmail(BaseModel):
    message: EmailMessageView
    storage_free_bytes: int


class MessageChanges(BaseModel):
    changed_message_ids: list[EmailMessageId]
    unchanged_message_ids: list[EmailMessageId] = Field(description="Already in the requested state.")
    messages: list[MessageSummary]


class DeletedMessages(BaseModel):
    deleted_message_ids: list[str] = Field(description="Ids that no longer exist.")
    freed_bytes: int
    storage_free_bytes: int


class BlockedSender(BaseModel):
    address: EmailAddress
    moved_to_spam_message_ids: list[EmailMessageId]
    blocked_senders: list[EmailAddress]


# ----- lookups and checks shared by the tools -----


def _mb(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def _listing(items: list[str], shown: int = 10) -> str:
    """Items for an error message, at most `shown` of them, so that messages stay short."""
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _message(world: EmailWorld, message_id: str) -> Message:
    return require(world.messages, message_id, "message", "Use search_email_messages to find message ids.")


def _messages(world: EmailWorld, message_ids: list[str]) -> list[Message]:
    return [_message(world, message_id) for message_id in dict.fromkeys(message_ids)]


def _draft(world: EmailWorld, draft_id: str) -> Draft:
    return require(world.drafts, draft_id, "draft", "Use list_email_drafts to see the drafts.")


def _thread(world: EmailWorld, thread_id: str) -> list[Message]:
    messages = [message for message in world.messages.values() if message.thread_id == thread_id]
    if not messages:
        raise ToolError(f"Unknown thread {thread_id[:64]!r}. Use list_email_threads or search_email_messages.")
    return sorted(messages, key=lambda message: (message.sent_at, message.message_id))


def _label(world: EmailWorld, name: str) -> str:
    """The existing label called `name` (any case)."""
    wanted = name.strip().casefold()
    for label in world.labels:
        if label.casefold() == wanted:
            return label
    known = _listing(list(world.labels), 12) or "none"
    raise ToolError(f"Label {name[:64]!r} does not exist. Existing labels: {known}. Create it with create_email_label.")


def _is_mine(world: EmailWorld, message: Message) -> bool:
    return message.sender == world.account.address


def _summary(message: Message) -> MessageSummary:
    header = message.model_dump(include={name: True for name in MessageHeader.model_fields})
    snippet = " ".join(message.body.split())
    if len(snippet) > _SNIPPET_CHARS:
        snippet = snippet[:_SNIPPET_CHARS] + "..."
    return MessageSummary(**header, snippet=snippet, attachment_count=len(message.attachments))


def _view(message: Message) -> EmailMessageView:
    size = stored_size(message.subject, message.body, message.attachments)
    return EmailMessageView(**message.model_dump(), size_bytes=size)


def _contact_matches(world: EmailWorld, key: str) -> list[Contact]:
    """Contacts whose full name, or else whose first name, is `key` (casefolded)."""
    contacts = list(world.contacts.values())
    by_name = [contact for contact in contacts if contact.name.casefold() == key]
    return by_name or [contact for contact in contacts if contact.name.split()[0].casefold() == key]


def _expand(world: EmailWorld, entry: str) -> list[str]:
    """The addresses one recipient entry stands for: itself, a contact's address, or a group's members."""
    text = " ".join(entry.split())
    if "@" in text:
        address = text.lower()
        if not _ADDRESS.match(address):
            raise ToolError(f"Invalid email address {text[:64]!r}: expected the form name@example.com.")
        return [address]
    key = text.casefold()
    if not key:
        raise ToolError("A recipient is blank: give an email address, a contact's name or a contact group.")
    contacts = _contact_matches(world, key)
    if len(contacts) > 1:
        options = ", ".join(f"{contact.name} <{contact.email}>" for contact in contacts[:5])
        raise ToolError(f"Recipient {text[:64]!r} matches several contacts: {options}. Use the email address.")
    if contacts:
        return [contacts[0].email]
    members = [c.email for c in world.contacts.values() if any(group.casefold() == key for group in c.groups)]
    if members:
        return members
    parts = [part for part in key.split() if len(part) >= 3]
    close = [c for c in world.contacts.values() if any(part in c.name.casefold() for part in parts)][:3]
    hint = (
        f" Did you mean {' or '.join(f'{c.name} <{c.email}>' for c in close)}?"
        if close
        else " Use search_email_contacts to find the address."
    )
    raise ToolError(f"Unknown recipient {text[:64]!r}: not an email address, contact name or contact group.{hint}")


def _recipients(
    world: EmailWorld, to: list[str], cc: list[str], bcc: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """Resolve to/cc/bcc into distinct addresses (an address appears once, in the first field naming it)."""
    seen: dict[str, None] = {}
    resolved: list[list[str]] = []
    for entries in (to, cc, bcc):
        field_addresses = [a for entry in entries for a in _expand(world, entry) if a not in seen]
        field_addresses = list(dict.fromkeys(field_addresses))
        seen.update(dict.fromkeys(field_addresses))
        resolved.append(field_addresses)
    limit = world.account.max_recipients
    if len(seen) > limit:
        counts = ", ".join(f"{name} {len(found)}" for name, found in zip(("to", "cc", "bcc"), resolved))
        raise ToolError(
            f"Too many recipients: {len(seen)} distinct addresses ({counts}); at most {limit} per message. "
            "Split the message or send it to fewer people."
        )
    return resolved[0], resolved[1], resolved[2]


def _attachments(world: EmailWorld, attachment_ids: list[str]) -> list[Attachment]:
    """Files already in the mailbox (on a message or a draft), to attach again."""
    wanted = list(dict.fromkeys(attachment_ids))
    if not wanted:
        return []
    known: dict[str, Attachment] = {}
    for holder in (*world.messages.values(), *world.drafts.values()):
        for attachment in holder.attachments:
            known.setdefault(attachment.attachment_id, attachment)
    hint = "Attachment ids are listed by read_email_message and read_email_thread."
    return [require(known, attachment_id, "attachment", hint).model_copy() for attachment_id in wanted]


def _check_storage(world: EmailWorld, added: int) -> None:
    free = world.free_storage()
    if added <= free:
        return
    removable = sorted(
        (m for m in world.messages.values() if m.folder in ("trash", "spam")),
        key=lambda m: (-stored_size(m.subject, m.body, m.attachments), m.message_id),
    )[:3]
    largest = ", ".join(f"{m.message_id} ({_mb(stored_size(m.subject, m.body, m.attachments))})" for m in removable)
    hint = f" The largest are {largest}." if largest else ""
    raise ToolError(
        f"Storage quota exceeded: {_mb(max(free, 0))} free, this needs {_mb(added)}. Free space by deleting "
        f"messages in trash or spam for good with delete_email_permanently.{hint}"
    )


def _check_size(world: EmailWorld, subject: str, body: str, attachments: list[Attachment], grows_by: int) -> None:
    """Refuse a message over the size limit, then one the quota cannot hold (`grows_by` is the extra storage)."""
    size = stored_size(subject, body, attachments)
    limit = world.account.max_message_bytes
    if size > limit:
        files = ", ".join(f"{a.attachment_id} {a.filename} ({_mb(a.size_bytes)})" for a in attachments)
        raise ToolError(f"Message too large: {_mb(size)} with attachments {files}; the limit is {_mb(limit)}.")
    _check_storage(world, grows_by)


def _signed(world: EmailWorld, body: str, include_signature: bool) -> str:
    if not include_signature or not world.account.signature:
        return body
    return f"{body.rstrip()}\n\n-- \n{world.account.signature}"


def _check_not_discarded(message: Message, action: str) -> None:
    if message.folder in ("trash", "spam"):
        raise ToolError(
            f"Message {message.message_id} is in {message.folder}; move it back with move_email_messages before "
            f"you {action} it."
        )


def _deliver(
    world: EmailWorld,
    *,
    to: list[str],
    cc: list[str],
    bcc: list[str],
    subject: str,
    body: str,
    attachments: list[Attachment],
    thread_id: str | None = None,
    in_reply_to: str | None = None,
    grows_by: int | None = None,
) -> SentEmail:
    """Check the size and quota, then store the message in the sent folder."""
    if not subject.strip() and not body.strip():
        raise ToolError("The message has neither a subject nor a body; write at least one of them.")
    size = stored_size(subject, body, attachments)
    _check_size(world, subject, body, attachments, size if grows_by is None else grows_by)
    message = Message(
        message_id=world.next_id("MSG"),
        thread_id=thread_id or world.next_id("THR"),
        folder="sent",
        sender=world.account.address,
        sender_name=world.account.display_name,
        to=to,
        cc=cc,
        bcc=bcc,
        subject=subject,
        body=body,
        sent_at=world.now,
        attachments=attachments,
        in_reply_to=in_reply_to,
    )
    world.messages[message.message_id] = message
    return SentEmail(message=_view(message), storage_free_bytes=world.free_storage())


def _changes(messages: list[Message], changed: list[str]) -> MessageChanges:
    return MessageChanges(
        changed_message_ids=changed,
        unchanged_message_ids=[m.message_id for m in messages if m.message_id not in changed],
        messages=[_summary(m) for m in messages],
    )


# ----- reading -----


@server.read
def get_mailbox_overview(world: EmailWorld) -> MailboxOverview:
    """Show the owner's address, signature, storage, sending limits, folder/label counts, groups, blocked senders.

    Start here to learn who "me" is, which labels exist and how much storage is left.
    """
    folders = []
    for folder in ("inbox", "sent", "archive", "trash", "spam"):
        inside = [m for m in world.messages.values() if m.folder == folder]
        folders.append(FolderCount(folder=folder, total=len(inside), unread=sum(not m.is_read for m in inside)))
    folders.append(FolderCount(folder="drafts", total=len(world.drafts), unread=0))
    counts = {name: 0 for name in world.labels}
    for message in world.messages.values():
        for name in message.labels:
            counts[name] = counts.get(name, 0) + 1
    groups = sorted(dict.fromkeys(group for contact in world.contacts.values() for group in contact.groups))
    used = world.mail_storage_used()
    account = world.account
    return MailboxOverview(
        address=account.address,
        display_name=account.display_name,
        signature=account.signature,
        current_time=world.now,
        storage=StorageQuota(
            quota_bytes=account.quota_bytes,
            used_by_mail_bytes=used,
            used_by_other_services_bytes=account.other_storage_bytes,
            free_bytes=account.quota_bytes - account.other_storage_bytes - used,
        ),
        max_recipients=account.max_recipients,
        max_message_bytes=account.max_message_bytes,
        folders=folders,
        labels=[LabelCount(name=n, color=label.color, message_count=counts[n]) for n, label in world.labels.items()],
        contact_groups=groups,
        blocked_senders=account.blocked_senders,
    )


@server.read
def search_email_messages(
    world: EmailWorld,
    query: Query = "",
    folder: FolderFilter = "all_mail",
    label: LabelName | None = None,
    sender: Annotated[str, Field(max_length=254)] = "",
    thread_id: EmailThreadId | None = None,
    unread_only: bool = False,
    starred_only: bool = False,
    has_attachment: bool = False,
    newer_than_days: Annotated[int, Field(ge=1, le=3650)] | None = None,
    limit: Limit = 20,
) -> MessageSearchResult:
    """Search messages by words and filters; returns summaries (newest first) with message and thread ids.

    Every word of the query must appear in the subject, body, sender, recipients or attachment names (any case).
    Use read_email_message for the full text and attachments of a result.

    Args:
        query: Words to look for; empty matches every message.
        folder: Where to look: one folder, "all_mail" (everything except trash and spam) or "anywhere".
        label: Only messages carrying this label.
        sender: Only messages whose sender address or name contains this text.
        thread_id: Only messages of this thread.
        unread_only: Only unread messages.
        starred_only: Only starred messages.
        has_attachment: Only messages with at least one attachment.
        newer_than_days: Only messages sent within this many days before now.
        limit: Most results to return.
    """
    words = query.casefold().split()
    wanted_label = _label(world, label) if label is not None else None
    who = sender.strip().casefold()
    since = world.now - timedelta(days=newer_than_days) if newer_than_days is not None else None
    found = []
    for message in world.messages.values():
        if folder == "all_mail" and message.folder in ("trash", "spam"):
            continue
        if folder not in ("all_mail", "anywhere") and message.folder != folder:
            continue
        if (wanted_label is not None and wanted_label not in message.labels) or (
            thread_id is not None and message.thread_id != thread_id
        ):
            continue
        if (unread_only and message.is_read) or (starred_only and not message.is_starred):
            continue
        if (has_attachment and not message.attachments) or (since is not None and message.sent_at < since):
            continue
        if who and who not in message.sender.casefold() and who not in message.sender_name.casefold():
            continue
        if words:
            text = " ".join(
                [message.subject, message.body, message.sender, message.sender_name, *message.to, *message.cc]
                + [attachment.filename for attachment in message.attachments]
            ).casefold()
            if not all(word in text for word in words):
                continue
        found.append(message)
    found.sort(key=lambda message: (message.sent_at, message.message_id), reverse=True)
    return MessageSearchResult(messages=[_summary(m) for m in found[:limit]], total_matched=len(found))


@server.read
def read_email_message(world: EmailWorld, message_id: EmailMessageId) -> EmailMessageView:
    """Read one message in full: headers, body, labels, flags and attachments (with their ids and sizes).

    Reading does not mark the message read; use mark_email_messages for that.

    Args:
        message_id: The message to read.
    """
    return _view(_message(world, message_id))


@server.read
def list_email_threads(
    world: EmailWorld,
    folder: Literal["inbox", "sent", "archive", "trash", "spam", "all_mail"] = "inbox",
    label: LabelName | None = None,
    unread_only: bool = False,
    limit: Limit = 20,
) -> ThreadList:
    """List conversations (threads) with a message in a folder, most recent activity first.

    Args:
        folder: Threads with at least one message in this folder; "all_mail" means outside trash and spam.
        label: Only threads with a message carrying this label.
        unread_only: Only threads with unread messages.
        limit: Most threads to return.
    """
    wanted_label = _label(world, label) if label is not None else None
    threads: dict[str, list[Message]] = {}
    for message in world.messages.values():
        threads.setdefault(message.thread_id, []).append(message)
    found = []
    for thread_id, messages in threads.items():
        if folder == "all_mail":
            if all(m.folder in ("trash", "spam") for m in messages):
                continue
        elif not any(m.folder == folder for m in messages):
            continue
        if wanted_label is not None and not any(wanted_label in m.labels for m in messages):
            continue
        unread = sum(not m.is_read for m in messages)
        if unread_only and not unread:
            continue
        messages.sort(key=lambda m: (m.sent_at, m.message_id))
        last = messages[-1]
        found.append(
            ThreadSummary(
                thread_id=thread_id,
                subject=messages[0].subject,
                participants=list(dict.fromkeys(address for m in messages for address in (m.sender, *m.to, *m.cc))),
                message_count=len(messages),
                unread_count=unread,
                last_message_at=last.sent_at,
                last_message_id=last.message_id,
                folders=list(dict.fromkeys(m.folder for m in messages)),
                labels=list(dict.fromkeys(name for m in messages for name in m.labels)),
                has_attachments=any(m.attachments for m in messages),
            )
        )
    found.sort(key=lambda thread: (thread.last_message_at, thread.last_message_id), reverse=True)
    return ThreadList(threads=found[:limit], total_matched=len(found))


@server.read
def read_email_thread(world: EmailWorld, thread_id: EmailThreadId) -> ThreadView:
    """Read a whole conversation: every message of a thread in full, oldest first.

    Args:
        thread_id: The thread to read.
    """
    messages = _thread(world, thread_id)
    return ThreadView(thread_id=thread_id, subject=messages[0].subject, messages=[_view(m) for m in messages])


@server.read
def search_email_contacts(
    world: EmailWorld, query: Query = "", group: Annotated[str, Field(max_length=60)] | None = None, limit: Limit = 20
) -> ContactList:
    """Find contacts by name, email address or company, optionally within a contact group; sorted by name.

    Args:
        query: Text to look for (any case); empty lists every contact.
        group: Only members of this contact group (see get_mailbox_overview for the groups).
        limit: Most contacts to return.
    """
    contacts = list(world.contacts.values())
    if group is not None:
        key = group.strip().casefold()
        contacts = [c for c in contacts if any(g.casefold() == key for g in c.groups)]
        if not contacts:
            groups = ", ".join(sorted(dict.fromkeys(g for c in world.contacts.values() for g in c.groups)))
            raise ToolError(f"No contact group {group[:64]!r}. Groups: {groups}.")
    text = query.strip().casefold()
    found = sorted(
        (c for c in contacts if text in c.name.casefold() or text in c.email or text in c.company.casefold()),
        key=lambda contact: (contact.name, contact.contact_id),
    )
    return ContactList(contacts=found[:limit], total_matched=len(found))


@server.read
def list_email_drafts(world: EmailWorld) -> DraftList:
    """List the unsent drafts with their recipients, subject, body and attachments."""
    drafts = sorted(world.drafts.values(), key=lambda draft: (draft.updated_at, draft.draft_id), reverse=True)
    return DraftList(drafts=drafts)


# ----- sending -----


@server.write
def send_email(
    world: EmailWorld,
    to: Annotated[Recipients, Field(min_length=1)],
    subject: Subject,
    body: Body,
    cc: Recipients = [],
    bcc: Recipients = [],
    attachment_ids: AttachmentIds = [],
    include_signature: bool = True,
) -> SentEmail:
    """Send a new email, starting a new thread; it is stored in the sent folder.

    Recipients may be email addresses, contact names or contact group names (a group expands to its members).

    Args:
        to: Main recipients.
        subject: The subject line.
        body: The message text.
        cc: Recipients to copy.
        bcc: Hidden recipients.
        attachment_ids: Files already in the mailbox to attach (ids from read_email_message).
        include_signature: Whether to append the owner's signature to the body.
    """
    to_addresses, cc_addresses, bcc_addresses = _recipients(world, to, cc, bcc)
    return _deliver(
        world,
        to=to_addresses,
        cc=cc_addresses,
        bcc=bcc_addresses,
        subject=subject.strip(),
        body=_signed(world, body, include_signature) if body.strip() else body,
        attachments=_attachments(world, attachment_ids),
    )


@server.write
def reply_to_email(
    world: EmailWorld,
    message_id: EmailMessageId,
    body: Annotated[Body, Field(min_length=1)],
    reply_all: bool = False,
    attachment_ids: AttachmentIds = [],
    include_signature: bool = True,
) -> SentEmail:
    """Reply to a message in its thread: to its sender, or with reply_all also to everyone else on it.

    Replying to a message the owner sent goes to that message's recipients. Messages in trash or spam must be
    moved back first.

    Args:
        message_id: The message to reply to.
        body: The reply text.
        reply_all: Whether to include every other recipient of the message in cc.
        attachment_ids: Files already in the mailbox to attach (ids from read_email_message).
        include_signature: Whether to append the owner's signature to the body.
    """
    original = _message(world, message_id)
    _check_not_discarded(original, "reply to")
    me = world.account.address
    if _is_mine(world, original):
        to, others = original.to, original.cc
    else:
        to, others = [original.sender], [a for a in (*original.to, *original.cc) if a != original.sender]
    cc = [address for address in others if address != me] if reply_all else []
    to_addresses, cc_addresses, _ = _recipients(world, to, cc, [])
    return _deliver(
        world,
        to=to_addresses,
        cc=cc_addresses,
        bcc=[],
        subject=reply_subject(original.subject),
        body=_signed(world, body, include_signature),
        attachments=_attachments(world, attachment_ids),
        thread_id=original.thread_id,
        in_reply_to=original.message_id,
    )


@server.write
def forward_email(
    world: EmailWorld,
    message_id: EmailMessageId,
    to: Annotated[Recipients, Field(min_length=1)],
    note: Body = "",
    cc: Recipients = [],
    include_attachments: bool = True,
    include_signature: bool = True,
) -> SentEmail:
    """Forward a message, with its attachments, to new recipients, adding an optional note above it.

    Args:
        message_id: The message to forward.
        to: Who to forward it to (addresses, contact names or contact groups).
        note: Text written above the forwarded message.
        cc: Recipients to copy.
        include_attachments: Whether to forward the message's attachments too.
        include_signature: Whether to append the owner's signature after the note.
    """
    original = _message(world, message_id)
    _check_not_discarded(original, "forward")
    to_addresses, cc_addresses, _ = _recipients(world, to, cc, [])
    subject = original.subject if original.subject.lower().startswith("fwd:") else f"Fwd: {original.subject}"
    header = (
        "---------- Forwarded message ----------\n"
        f"From: {original.sender_name} <{original.sender}>\n"
        f"Date: {original.sent_at:%a, %d %b %Y %H:%M} UTC\n"
        f"Subject: {original.subject}\n"
        f"To: {', '.join(original.to)}"
    )
    intro = _signed(world, note, include_signature) if note.strip() else ""
    body = f"{intro}\n\n{header}\n\n{original.body}" if intro else f"{header}\n\n{original.body}"
    return _deliver(
        world,
        to=to_addresses,
        cc=cc_addresses,
        bcc=[],
        subject=subject,
        body=body,
        attachments=[a.model_copy() for a in original.attachments] if include_attachments else [],
        thread_id=original.thread_id,
    )


# ----- drafts -----


@server.write
def create_email_draft(
    world: EmailWorld,
    to: Recipients = [],
    subject: Subject = "",
    body: Body = "",
    cc: Recipients = [],
    bcc: Recipients = [],
    attachment_ids: AttachmentIds = [],
    reply_to_message_id: EmailMessageId | None = None,
) -> Draft:
    """Save a new draft without sending it; any part may be left empty and filled in later.

    With reply_to_message_id the draft joins that message's thread, and an empty subject or recipient list is filled
    in as for a reply.

    Args:
        to: Main recipients (addresses, contact names or contact groups).
        subject: The subject line.
        body: The message text, as it will be sent (no signature is added).
        cc: Recipients to copy.
        bcc: Hidden recipients.
        attachment_ids: Files already in the mailbox to attach (ids from read_email_message).
        reply_to_message_id: The message this draft answers, if it is a reply.
    """
    original = _message(world, reply_to_message_id) if reply_to_message_id is not None else None
    if original is not None:
        _check_not_discarded(original, "draft a reply to")
        if not to:
            to = original.to if _is_mine(world, original) else [original.sender]
        subject = subject or reply_subject(original.subject)
    if not (to or cc or bcc or subject.strip() or body.strip() or attachment_ids):
        raise ToolError("The draft would be empty: give at least a recipient, a subject, a body or an attachment.")
    to_addresses, cc_addresses, bcc_addresses = _recipients(world, to, cc, bcc)
    attachments = _attachments(world, attachment_ids)
    _check_size(world, subject, body, attachments, stored_size(subject, body, attachments))
    draft = Draft(
        draft_id=world.next_id("DRF"),
        to=to_addresses,
        cc=cc_addresses,
        bcc=bcc_addresses,
        subject=subject,
        body=body,
        attachments=attachments,
        thread_id=original.thread_id if original else None,
        in_reply_to=original.message_id if original else None,
        updated_at=world.now,
    )
    world.drafts[draft.draft_id] = draft
    return draft


@server.write
def update_email_draft(
    world: EmailWorld,
    draft_id: EmailDraftId,
    to: Recipients | None = None,
    subject: Subject | None = None,
    body: Body | None = None,
    cc: Recipients | None = None,
    bcc: Recipients | None = None,
    attachment_ids: AttachmentIds | None = None,
) -> Draft:
    """Change parts of a draft; every part given replaces the old one, parts left out stay as they are.

    Args:
        draft_id: The draft to change.
        to: New main recipients (an empty list clears them).
        subject: New subject line.
        body: New message text.
        cc: New copied recipients.
        bcc: New hidden recipients.
        attachment_ids: New attachment list (ids from read_email_message); an empty list removes them all.
    """
    draft = _draft(world, draft_id)
    if all(value is None for value in (to, subject, body, cc, bcc, attachment_ids)):
        raise ToolError("Nothing to change: give at least one of to, subject, body, cc, bcc or attachment_ids.")
    to_addresses, cc_addresses, bcc_addresses = _recipients(
        world, draft.to if to is None else to, draft.cc if cc is None else cc, draft.bcc if bcc is None else bcc
    )
    new_subject = draft.subject if subject is None else subject
    new_body = draft.body if body is None else body
    attachments = draft.attachments if attachment_ids is None else _attachments(world, attachment_ids)
    old_size = stored_size(draft.subject, draft.body, draft.attachments)
    new_size = stored_size(new_subject, new_body, attachments)
    _check_size(world, new_subject, new_body, attachments, new_size - old_size)
    draft.to, draft.cc, draft.bcc = to_addresses, cc_addresses, bcc_addresses
    draft.subject, draft.body, draft.attachments = new_subject, new_body, attachments
    draft.updated_at = world.now
    return draft


@server.write
def send_email_draft(world: EmailWorld, draft_id: EmailDraftId) -> SentEmail:
    """Send a draft as it is written (no signature is added); the draft is removed and the message stored in sent.

    Args:
        draft_id: The draft to send.
    """
    draft = _draft(world, draft_id)
    if not (draft.to or draft.cc or draft.bcc):
        raise ToolError(f"Draft {draft_id} has no recipients; add them with update_email_draft first.")
    if not draft.subject.strip() and not draft.body.strip():
        raise ToolError(f"Draft {draft_id} has neither a subject nor a body; write them with update_email_draft.")
    sent = _deliver(
        world,
        to=draft.to,
        cc=draft.cc,
        bcc=draft.bcc,
        subject=draft.subject,
        body=draft.body,
        attachments=draft.attachments,
        thread_id=draft.thread_id,
        in_reply_to=draft.in_reply_to if draft.in_reply_to in world.messages else None,
        grows_by=0,
    )
    del world.drafts[draft_id]
    sent.storage_free_bytes = world.free_storage()
    return sent


# ----- organizing -----


@server.write
def move_email_messages(
    world: EmailWorld, message_ids: MessageIds, folder: Literal["inbox", "archive", "trash", "spam", "sent"]
) -> MessageChanges:
    """Move messages to a folder: archive them, trash them, mark them as spam, or restore them.

    Received mail may go to inbox, archive, trash or spam; mail the owner sent may only be in sent or trash.

    Args:
        message_ids: The messages to move (all messages of a thread are listed by read_email_thread).
        folder: The destination folder.
    """
    messages = _messages(world, message_ids)
    for message in messages:
        mine = _is_mine(world, message)
        if mine and folder not in ("sent", "trash"):
            raise ToolError(f"Message {message.message_id} was sent by you; it can only be in sent or trash.")
        if not mine and folder == "sent":
            raise ToolError(f"Message {message.message_id} was received, not sent by you; it cannot go to sent.")
    changed = [m.message_id for m in messages if m.folder != folder]
    if not changed:
        raise ToolError(f"Nothing to move: {_listing([m.message_id for m in messages])} already in {folder}.")
    for message in messages:
        message.folder = folder
    return _changes(messages, changed)


@server.write
def label_email_messages(
    world: EmailWorld, message_ids: MessageIds, label: LabelName, remove: bool = False
) -> MessageChanges:
    """Apply a label to messages, or remove it from them.

    Args:
        message_ids: The messages to label.
        label: An existing label (see get_mailbox_overview; create new ones with create_email_label).
        remove: True to take the label off instead of applying it.
    """
    name = _label(world, label)
    messages = _messages(world, message_ids)
    changed = [m.message_id for m in messages if (name in m.labels) == remove]
    if not changed:
        state = "does not carry" if remove else "already carries"
        ids = _listing([m.message_id for m in messages])
        raise ToolError(f"Nothing to change: every message given ({ids}) {state} the label {name!r}.")
    for message in messages:
        if message.message_id in changed:
            message.labels = [n for n in message.labels if n != name] if remove else [*message.labels, name]
    return _changes(messages, changed)


@server.write
def create_email_label(world: EmailWorld, name: NewLabelName, color: LabelColor = "gray") -> Label:
    """Create a new label to organize messages with.

    Args:
        name: The label's name (unique, any case; not a folder name such as Inbox).
        color: The label's color.
    """
    clean = " ".join(name.split())
    if not clean or not clean.isprintable():
        raise ToolError("A label name must contain visible characters.")
    if clean.casefold() in RESERVED_LABELS:
        raise ToolError(f"{clean!r} is a built-in folder or filter name; choose another label name.")
    for existing in world.labels:
        if existing.casefold() == clean.casefold():
            raise ToolError(f"Label {existing!r} already exists.")
    label = Label(name=clean, color=color)
    world.labels[clean] = label
    return label


@server.write
def mark_email_messages(
    world: EmailWorld, message_ids: MessageIds, read: bool | None = None, starred: bool | None = None
) -> MessageChanges:
    """Mark messages read or unread, and/or starred or unstarred.

    Args:
        message_ids: The messages to mark.
        read: True to mark read, false to mark unread; leave out to keep as is.
        starred: True to star, false to unstar; leave out to keep as is.
    """
    if read is None and starred is None:
        raise ToolError("Nothing to change: give read, starred or both.")
    messages = _messages(world, message_ids)
    changed = [
        m.message_id
        for m in messages
        if (read is not None and m.is_read != read) or (starred is not None and m.is_starred != starred)
    ]
    if not changed:
        raise ToolError(f"Nothing to change: {_listing([m.message_id for m in messages])} already marked that way.")
    for message in messages:
        message.is_read = message.is_read if read is None else read
        message.is_starred = message.is_starred if starred is None else starred
    return _changes(messages, changed)


@server.write
def delete_email_permanently(world: EmailWorld, message_ids: MessageIds) -> DeletedMessages:
    """Delete messages in trash or spam for good, freeing their storage. This cannot be undone.

    Args:
        message_ids: The messages to delete; each must already be in trash or spam.
    """
    messages = _messages(world, message_ids)
    kept = [f"{m.message_id} ({m.folder})" for m in messages if m.folder not in ("trash", "spam")]
    if kept:
        raise ToolError(
            f"Only messages in trash or spam can be deleted for good; not {_listing(kept)}. "
            "Move them to trash first with move_email_messages."
        )
    freed = sum(stored_size(m.subject, m.body, m.attachments) for m in messages)
    for message in messages:
        del world.messages[message.message_id]
    return DeletedMessages(
        deleted_message_ids=[m.message_id for m in messages], freed_bytes=freed, storage_free_bytes=world.free_storage()
    )


@server.write
def block_email_sender(world: EmailWorld, address: EmailAddress) -> BlockedSender:
    """Block a sender: their messages in inbox and archive move to spam, and future mail from them goes there too.

    Args:
        address: The sender's email address.
    """
    clean = address.strip().lower()
    if not _ADDRESS.match(clean):
        raise ToolError(f"Invalid email address {address[:64]!r}: expected the form name@example.com.")
    if clean == world.account.address:
        raise ToolError("You cannot block your own address.")
    if clean in world.account.blocked_senders:
        raise ToolError(f"{clean} is already blocked.")
    moved = []
    for message in world.messages.values():
        if message.sender == clean and message.folder in ("inbox", "archive"):
            message.folder = "spam"
            moved.append(message.message_id)
    world.account.blocked_senders.append(clean)
    return BlockedSender(address=clean, moved_to_spam_message_ids=moved, blocked_senders=world.account.blocked_senders)
