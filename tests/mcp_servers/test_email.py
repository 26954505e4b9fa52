"""Behaviour of the email server, through the public Episode API.

Test data is discovered in the seed-0 world through the tools (and through `Episode.snapshot()` only where a tool
would have to be called many times to find an example) rather than hard-coded.
"""

import time
from datetime import datetime
from typing import Any

from mcp_servers import Episode
from mcp_servers.email.world import EmailWorld
from tests.helpers import fails, ok, open_server, world_of

SERVER = "email"


def _overview(ep: Episode) -> dict[str, Any]:
    return ok(ep, "get_mailbox_overview")


def _search(ep: Episode, **arguments: Any) -> list[dict[str, Any]]:
    return ok(ep, "search_email_messages", {"limit": 100, **arguments})["messages"]


def _read(ep: Episode, message_id: str) -> dict[str, Any]:
    return ok(ep, "read_email_message", {"message_id": message_id})


def _folder_count(ep: Episode, folder: str) -> int:
    return next(f["total"] for f in _overview(ep)["folders"] if f["folder"] == folder)


def _inbox_unread(ep: Episode) -> int:
    return next(f["unread"] for f in _overview(ep)["folders"] if f["folder"] == "inbox")


def _received(ep: Episode, folder: str = "inbox") -> list[dict[str, Any]]:
    me = _overview(ep)["address"]
    return [m for m in _search(ep, folder=folder) if m["sender"] != me]


def _attachments(ep: Episode) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(message, attachment) for every attachment outside trash and spam, largest first."""
    found = [
        (message, attachment)
        for summary in _search(ep, has_attachment=True)
        for message in [_read(ep, summary["message_id"])]
        for attachment in message["attachments"]
    ]
    return sorted(found, key=lambda pair: -pair[1]["size_bytes"])


def _contact(ep: Episode, group: str, index: int = 0) -> dict[str, Any]:
    return ok(ep, "search_email_contacts", {"group": group})["contacts"][index]


# ----- reading -----


def test_get_mailbox_overview_accounts_for_storage_folders_and_labels():
    ep = open_server(SERVER)
    overview = _overview(ep)
    world = world_of(ep)
    assert overview["address"] == world["account"]["address"]
    assert overview["current_time"] == world["now"]
    storage = overview["storage"]
    assert storage["used_by_mail_bytes"] + storage["used_by_other_services_bytes"] + storage["free_bytes"] == (
        storage["quota_bytes"]
    )
    assert 0 < storage["free_bytes"] < overview["max_message_bytes"]
    folders = {f["folder"]: f for f in overview["folders"]}
    assert sum(f["total"] for name, f in folders.items() if name != "drafts") == len(world["messages"])
    assert folders["drafts"]["total"] == len(world["drafts"]) == 4
    assert folders["inbox"]["unread"] == len(_search(ep, folder="inbox", unread_only=True))
    labels = {label["name"]: label["message_count"] for label in overview["labels"]}
    assert labels["Receipts"] == len(_search(ep, folder="anywhere", label="Receipts"))
    assert {"Work", "Family", "Friends", "Book Club"} <= set(overview["contact_groups"])
    assert len(overview["blocked_senders"]) == 2


def test_search_email_messages_matches_words_and_filters_newest_first():
    ep = open_server(SERVER)
    message, attachment = _attachments(ep)[-1]
    by_file = _search(ep, query=attachment["filename"].upper())
    assert message["message_id"] in [m["message_id"] for m in by_file]
    words = message["subject"].split()[-2:]
    by_words = _search(ep, query=" ".join(reversed(words)))
    assert message["message_id"] in [m["message_id"] for m in by_words]

    everything = ok(ep, "search_email_messages", {"folder": "anywhere", "limit": 100})
    assert everything["total_matched"] == len(world_of(ep)["messages"])
    times = [m["sent_at"] for m in everything["messages"]]
    assert times == sorted(times, reverse=True)
    assert len(everything["messages"]) == 100
    all_mail = ok(ep, "search_email_messages", {})
    assert all_mail["total_matched"] == everything["total_matched"] - _folder_count(ep, "trash") - _folder_count(
        ep, "spam"
    )
    assert {m["folder"] for m in _search(ep, folder="trash")} == {"trash"}
    receipts = _search(ep, folder="anywhere", label="receipts")
    assert receipts and all("Receipts" in m["labels"] for m in receipts)
    unread = _search(ep, folder="inbox", unread_only=True)
    assert unread and all(not m["is_read"] and m["folder"] == "inbox" for m in unread)
    assert all(m["is_starred"] for m in _search(ep, folder="anywhere", starred_only=True))
    assert all(m["attachment_count"] > 0 for m in _search(ep, has_attachment=True))
    sender = message["sender_name"].split()[0].lower()
    assert all(sender in (m["sender"] + m["sender_name"]).lower() for m in _search(ep, sender=sender))
    recent = _search(ep, folder="anywhere", newer_than_days=7)
    assert 0 < len(recent) < everything["total_matched"]
    thread = _search(ep, folder="anywhere", thread_id=message["thread_id"])
    assert {m["thread_id"] for m in thread} == {message["thread_id"]}
    assert ok(ep, "search_email_messages", {"query": "zzqx nothing"}) == {"messages": [], "total_matched": 0}
    fails(ep, "search_email_messages", {"label": "Nope"}, "does not exist", "Receipts", "create_email_label")


def test_read_email_message_shows_the_full_message_without_marking_it_read():
    ep = open_server(SERVER)
    unread = _search(ep, folder="inbox", unread_only=True)[0]
    before = ep.state_hash()
    message = _read(ep, unread["message_id"])
    assert message["body"] and message["subject"] == unread["subject"]
    assert message["size_bytes"] >= len(message["body"]) + sum(a["size_bytes"] for a in message["attachments"])
    assert _read(ep, unread["message_id"])["is_read"] is False
    assert ep.state_hash() == before
    fails(ep, "read_email_message", {"message_id": "MSG-9999"}, "Unknown message", "search_email_messages")


def test_list_email_threads_and_read_email_thread_show_whole_conversations():
    ep = open_server(SERVER)
    listing = ok(ep, "list_email_threads", {"limit": 100})
    threads = listing["threads"]
    assert threads and listing["total_matched"] == len(threads)
    assert all("inbox" in t["folders"] for t in threads)
    assert [t["last_message_at"] for t in threads] == sorted((t["last_message_at"] for t in threads), reverse=True)
    longest = max(threads, key=lambda t: t["message_count"])
    assert longest["message_count"] >= 3
    thread = ok(ep, "read_email_thread", {"thread_id": longest["thread_id"]})
    messages = thread["messages"]
    assert len(messages) == longest["message_count"] and thread["subject"] == longest["subject"]
    assert [m["sent_at"] for m in messages] == sorted(m["sent_at"] for m in messages)
    assert messages[-1]["message_id"] == longest["last_message_id"]
    assert all(m["in_reply_to"] == prev["message_id"] for prev, m in zip(messages, messages[1:]))
    assert sum(not m["is_read"] for m in messages) == longest["unread_count"]
    unread = ok(ep, "list_email_threads", {"unread_only": True})["threads"]
    assert unread and all(t["unread_count"] > 0 for t in unread)
    work = ok(ep, "list_email_threads", {"folder": "all_mail", "label": "Work", "limit": 5})
    assert len(work["threads"]) == 5 and all("Work" in t["labels"] for t in work["threads"])
    assert all("trash" in t["folders"] for t in ok(ep, "list_email_threads", {"folder": "trash"})["threads"])
    fails(ep, "read_email_thread", {"thread_id": "THR-9999"}, "Unknown thread")
    fails(ep, "list_email_threads", {"label": "Nope"}, "does not exist")


def test_search_email_contacts_by_text_and_group():
    ep = open_server(SERVER)
    work = ok(ep, "search_email_contacts", {"group": "work", "limit": 100})
    assert work["total_matched"] == 23
    assert all("Work" in c["groups"] for c in work["contacts"])
    names = [c["name"] for c in work["contacts"]]
    assert names == sorted(names)
    everyone = ok(ep, "search_email_contacts", {"limit": 100})
    assert everyone["total_matched"] == 40
    contact = everyone["contacts"][7]
    by_name = ok(ep, "search_email_contacts", {"query": contact["name"].split()[-1].upper()})["contacts"]
    assert contact["contact_id"] in [c["contact_id"] for c in by_name]
    by_email = ok(ep, "search_email_contacts", {"query": contact["email"]})["contacts"]
    assert [c["contact_id"] for c in by_email] == [contact["contact_id"]]
    assert len(ok(ep, "search_email_contacts", {"limit": 3})["contacts"]) == 3
    fails(ep, "search_email_contacts", {"group": "Nobody Group"}, "No contact group", "Book Club")


def test_list_email_drafts_shows_every_draft_newest_first():
    ep = open_server(SERVER)
    drafts = ok(ep, "list_email_drafts")["drafts"]
    assert len(drafts) == 4
    assert [d["updated_at"] for d in drafts] == sorted((d["updated_at"] for d in drafts), reverse=True)
    reply = next(d for d in drafts if d["in_reply_to"])
    original = _read(ep, reply["in_reply_to"])
    assert reply["thread_id"] == original["thread_id"] and reply["to"] == [original["sender"]]
    assert any(not d["to"] for d in drafts)
    assert any(d["to"] and not d["subject"] and not d["body"] for d in drafts)


# ----- sending -----


def test_send_email_resolves_names_and_groups_and_signs_the_message():
    ep = open_server(SERVER)
    family = _contact(ep, "Family")
    colleague = _contact(ep, "Work", 3)
    book_club = ok(ep, "search_email_contacts", {"group": "Book Club"})["contacts"]
    before = _overview(ep)
    args = {
        "to": [family["name"].lower()],
        "cc": [colleague["name"].split()[0], "Outside.Person@Example.org"],
        "bcc": ["book club"],
        "subject": "  Spring plans ",
        "body": "Shall we meet in April?",
    }
    sent = ok(ep, "send_email", args)
    message = sent["message"]
    assert message["to"] == [family["email"]]
    assert message["cc"] == [colleague["email"], "outside.person@example.org"]
    assert sorted(message["bcc"]) == sorted(c["email"] for c in book_club if c["email"] != family["email"])
    assert message["subject"] == "Spring plans" and message["folder"] == "sent"
    assert message["body"].startswith("Shall we meet in April?") and message["body"].endswith(before["signature"])
    assert message["sent_at"] == before["current_time"] and message["in_reply_to"] is None
    alone = _search(ep, folder="anywhere", thread_id=message["thread_id"])
    assert [m["message_id"] for m in alone] == [message["message_id"]]
    assert _read(ep, message["message_id"]) == message
    assert _search(ep, folder="sent")[0]["message_id"] == message["message_id"]
    after = _overview(ep)
    assert after["storage"]["free_bytes"] == before["storage"]["free_bytes"] - message["size_bytes"]
    assert sent["storage_free_bytes"] == after["storage"]["free_bytes"]
    plain = {"to": [family["email"]], "subject": "x", "body": "plain", "include_signature": False}
    unsigned = ok(ep, "send_email", plain)
    assert unsigned["message"]["body"] == "plain"


def test_send_email_with_a_small_attachment_reuses_the_mailbox_file():
    ep = open_server(SERVER)
    message, attachment = _attachments(ep)[-1]
    sent = ok(ep, "send_email", {"to": [message["sender"]], "subject": "File", "body": "See attached.",
                                 "attachment_ids": [attachment["attachment_id"]]})["message"]
    assert sent["attachments"] == [attachment]


def test_send_email_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    contact = _contact(ep, "Friends")
    first = contact["name"].split()[0]
    base = {"to": [contact["email"]], "subject": "Hello", "body": "Hi there"}
    fails(ep, "send_email", {**base, "to": ["Zebulon Quartz"]}, "Unknown recipient", "search_email_contacts")
    fails(ep, "send_email", {**base, "cc": [f"{first} Nobody"]}, "Unknown recipient", f"Did you mean {contact['name']}")
    fails(ep, "send_email", {**base, "to": ["bob@@example"]}, "Invalid email address")
    fails(ep, "send_email", {**base, "bcc": ["Work"]}, "Too many recipients", "at most 20")
    fails(ep, "send_email", {**base, "subject": " ", "body": ""}, "neither a subject nor a body")
    fails(ep, "send_email", {**base, "attachment_ids": ["ATT-9999"]}, "Unknown attachment", "read_email_message")
    big = _attachments(ep)[:2]
    assert sum(a["size_bytes"] for _, a in big) > _overview(ep)["max_message_bytes"]
    fails(ep, "send_email", {**base, "attachment_ids": [a["attachment_id"] for _, a in big]}, "Message too large",
          big[0][1]["attachment_id"], "25.0 MB")
    free = _overview(ep)["storage"]["free_bytes"]
    assert big[1][1]["size_bytes"] > free
    error = fails(ep, "send_email", {**base, "attachment_ids": [big[1][1]["attachment_id"]]},
                  "Storage quota exceeded", "delete_email_permanently")
    trashed = max(_search(ep, folder="trash"), key=lambda m: _read(ep, m["message_id"])["size_bytes"])
    assert trashed["message_id"] in error


def test_reply_to_email_answers_the_sender_in_the_same_thread():
    ep = open_server(SERVER)
    me = _overview(ep)["address"]
    original = next(
        message
        for summary in _received(ep)
        for message in [_read(ep, summary["message_id"])]
        if message["cc"] and not message["subject"].startswith("Re:")
    )
    reply = ok(ep, "reply_to_email", {"message_id": original["message_id"], "body": "On it."})["message"]
    assert reply["to"] == [original["sender"]] and reply["cc"] == []
    assert reply["thread_id"] == original["thread_id"] and reply["in_reply_to"] == original["message_id"]
    assert reply["subject"] == f"Re: {original['subject']}"
    everyone = ok(ep, "reply_to_email", {"message_id": original["message_id"], "body": "All: on it.",
                                         "reply_all": True, "include_signature": False})["message"]
    others = [a for a in original["to"] + original["cc"] if a not in (me, original["sender"])]
    assert everyone["cc"] == others and everyone["body"] == "All: on it."
    thread = ok(ep, "read_email_thread", {"thread_id": original["thread_id"]})["messages"]
    assert [m["message_id"] for m in thread][-2:] == [reply["message_id"], everyone["message_id"]]

    mine = _read(ep, _search(ep, folder="sent")[-1]["message_id"])
    again = ok(ep, "reply_to_email", {"message_id": mine["message_id"], "body": "Following up."})["message"]
    expected = mine["subject"] if mine["subject"].startswith("Re: ") else f"Re: {mine['subject']}"
    assert again["to"] == mine["to"] and again["subject"] == expected


def test_reply_and_forward_refuse_messages_in_trash_or_spam():
    ep = open_server(SERVER)
    contact = _contact(ep, "Work")
    for folder in ("trash", "spam"):
        message_id = _search(ep, folder=folder)[0]["message_id"]
        fails(ep, "reply_to_email", {"message_id": message_id, "body": "Hi"}, f"is in {folder}",
              "move_email_messages")
        fails(ep, "forward_email", {"message_id": message_id, "to": [contact["email"]]}, f"is in {folder}")
        fails(ep, "create_email_draft", {"reply_to_message_id": message_id}, f"is in {folder}")
    fails(ep, "reply_to_email", {"message_id": "MSG-9999", "body": "Hi"}, "Unknown message")
    fails(ep, "forward_email", {"message_id": "MSG-9999", "to": [contact["email"]]}, "Unknown message")
    inbox = _search(ep, folder="inbox")[0]["message_id"]
    fails(ep, "forward_email", {"message_id": inbox, "to": ["Nobody Atall"]}, "Unknown recipient")


def test_forward_email_quotes_the_message_and_carries_its_attachments():
    ep = open_server(SERVER)
    original, attachment = _attachments(ep)[-1]
    contact = _contact(ep, "Clients")
    forwarded = ok(ep, "forward_email", {"message_id": original["message_id"], "to": [contact["name"]],
                                         "note": "FYI, see below."})["message"]
    assert forwarded["subject"] == f"Fwd: {original['subject']}" and forwarded["to"] == [contact["email"]]
    assert forwarded["body"].startswith("FYI, see below.")
    assert "Forwarded message" in forwarded["body"] and forwarded["body"].endswith(original["body"])
    assert forwarded["attachments"] == [attachment] and forwarded["thread_id"] == original["thread_id"]
    bare = ok(ep, "forward_email", {"message_id": original["message_id"], "to": [contact["email"]],
                                    "include_attachments": False})["message"]
    assert bare["attachments"] == [] and bare["body"].startswith("---------- Forwarded message")


def test_deleting_trash_for_good_frees_storage_for_a_large_forward():
    ep = open_server(SERVER)
    original, attachment = next(pair for pair in _attachments(ep) if pair[0]["folder"] != "sent")
    contact = _contact(ep, "Work", 5)
    forward = {"message_id": original["message_id"], "to": [contact["email"]]}
    fails(ep, "forward_email", forward, "Storage quota exceeded")
    trash = sorted(_search(ep, folder="trash"), key=lambda m: -_read(ep, m["message_id"])["size_bytes"])
    free = _overview(ep)["storage"]["free_bytes"]
    deleted = ok(ep, "delete_email_permanently", {"message_ids": [trash[0]["message_id"]]})
    assert deleted["deleted_message_ids"] == [trash[0]["message_id"]]
    assert deleted["storage_free_bytes"] == free + deleted["freed_bytes"] > attachment["size_bytes"]
    fails(ep, "read_email_message", {"message_id": trash[0]["message_id"]}, "Unknown message")
    sent = ok(ep, "forward_email", forward)["message"]
    assert sent["attachments"] == [attachment]


# ----- drafts -----


def test_drafts_are_created_updated_and_sent():
    ep = open_server(SERVER)
    contact = _contact(ep, "Friends", 2)
    _, attachment = _attachments(ep)[-1]
    draft = ok(ep, "create_email_draft", {"subject": "Weekend", "body": "Draft text",
                                          "attachment_ids": [attachment["attachment_id"]]})
    assert draft["to"] == [] and draft["attachments"] == [attachment]
    assert draft["draft_id"] in [d["draft_id"] for d in ok(ep, "list_email_drafts")["drafts"]]
    fails(ep, "send_email_draft", {"draft_id": draft["draft_id"]}, "no recipients", "update_email_draft")
    updated = ok(ep, "update_email_draft", {"draft_id": draft["draft_id"], "to": [contact["name"]],
                                            "body": "Final text"})
    assert updated["to"] == [contact["email"]] and updated["body"] == "Final text"
    assert updated["subject"] == "Weekend" and updated["attachments"] == [attachment]
    sent_count = _folder_count(ep, "sent")
    message = ok(ep, "send_email_draft", {"draft_id": draft["draft_id"]})["message"]
    assert message["body"] == "Final text" and message["to"] == [contact["email"]]
    assert message["attachments"] == [attachment] and message["folder"] == "sent"
    assert _folder_count(ep, "sent") == sent_count + 1
    assert draft["draft_id"] not in [d["draft_id"] for d in ok(ep, "list_email_drafts")["drafts"]]
    fails(ep, "send_email_draft", {"draft_id": draft["draft_id"]}, "Unknown draft", "list_email_drafts")


def test_a_reply_draft_joins_the_thread_and_defaults_its_recipient_and_subject():
    ep = open_server(SERVER)
    original = _read(ep, _received(ep)[0]["message_id"])
    draft = ok(ep, "create_email_draft", {"reply_to_message_id": original["message_id"], "body": "Will do."})
    assert draft["to"] == [original["sender"]] and draft["thread_id"] == original["thread_id"]
    assert draft["subject"].startswith("Re: ") and draft["subject"].count("Re:") == 1
    sent = ok(ep, "send_email_draft", {"draft_id": draft["draft_id"]})["message"]
    assert sent["in_reply_to"] == original["message_id"]
    thread = ok(ep, "read_email_thread", {"thread_id": original["thread_id"]})["messages"]
    assert thread[-1]["message_id"] == sent["message_id"]


def test_draft_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    drafts = ok(ep, "list_email_drafts")["drafts"]
    no_recipients = next(d for d in drafts if not d["to"])
    blank = next(d for d in drafts if d["to"] and not d["subject"] and not d["body"])
    fails(ep, "send_email_draft", {"draft_id": no_recipients["draft_id"]}, "has no recipients")
    fails(ep, "send_email_draft", {"draft_id": blank["draft_id"]}, "neither a subject nor a body")
    fails(ep, "create_email_draft", {}, "would be empty")
    fails(ep, "create_email_draft", {"to": ["Nobody Atall"]}, "Unknown recipient")
    fails(ep, "update_email_draft", {"draft_id": blank["draft_id"]}, "Nothing to change")
    fails(ep, "update_email_draft", {"draft_id": blank["draft_id"], "cc": ["Work"]}, "Too many recipients")
    fails(ep, "update_email_draft", {"draft_id": blank["draft_id"], "attachment_ids": ["ATT-9999"]},
          "Unknown attachment")
    big = _attachments(ep)[0][1]
    fails(ep, "update_email_draft", {"draft_id": blank["draft_id"], "attachment_ids": [big["attachment_id"]]},
          "Storage quota exceeded")
    fails(ep, "update_email_draft", {"draft_id": "DRF-9999", "subject": "x"}, "Unknown draft")


# ----- organizing -----


def test_move_email_messages_archives_trashes_and_restores():
    ep = open_server(SERVER)
    first, second = _received(ep)[:2]
    ids = [first["message_id"], second["message_id"]]
    moved = ok(ep, "move_email_messages", {"message_ids": ids + ids[:1], "folder": "archive"})
    assert moved["changed_message_ids"] == ids and moved["unchanged_message_ids"] == []
    assert all(m["folder"] == "archive" for m in moved["messages"])
    assert not set(ids) & {m["message_id"] for m in _search(ep, folder="inbox")}
    assert set(ids) <= {m["message_id"] for m in _search(ep, folder="archive")}
    trashed = ok(ep, "move_email_messages", {"message_ids": ids[:1], "folder": "trash"})
    assert trashed["messages"][0]["folder"] == "trash"
    assert ids[0] not in [m["message_id"] for m in _search(ep)]
    restored = ok(ep, "move_email_messages", {"message_ids": ids, "folder": "inbox"})
    assert restored["changed_message_ids"] == ids
    mine = _search(ep, folder="sent")[0]["message_id"]
    ok(ep, "move_email_messages", {"message_ids": [mine], "folder": "trash"})
    assert ok(ep, "move_email_messages", {"message_ids": [mine], "folder": "sent"})["messages"][0]["folder"] == "sent"


def test_move_email_messages_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    received = _received(ep)[0]["message_id"]
    mine = _search(ep, folder="sent")[0]["message_id"]
    fails(ep, "move_email_messages", {"message_ids": [mine], "folder": "inbox"}, "sent by you", "sent or trash")
    fails(ep, "move_email_messages", {"message_ids": [received, mine], "folder": "spam"}, mine, "sent by you")
    fails(ep, "move_email_messages", {"message_ids": [received], "folder": "sent"}, "cannot go to sent")
    fails(ep, "move_email_messages", {"message_ids": [received], "folder": "inbox"}, "already in inbox")
    fails(ep, "move_email_messages", {"message_ids": [received, "MSG-9999"], "folder": "archive"}, "Unknown message")


def test_label_email_messages_applies_and_removes_labels():
    ep = open_server(SERVER)
    unlabelled = [m["message_id"] for m in _received(ep) if "Urgent" not in m["labels"]][:2]
    labelled = ok(ep, "label_email_messages", {"message_ids": unlabelled, "label": "urgent"})
    assert labelled["changed_message_ids"] == unlabelled
    assert all("Urgent" in m["labels"] for m in labelled["messages"])
    urgent = {m["message_id"] for m in _search(ep, folder="anywhere", label="Urgent")}
    assert set(unlabelled) <= urgent
    partly = ok(ep, "label_email_messages", {"message_ids": unlabelled[:1], "label": "Urgent", "remove": True})
    assert partly["changed_message_ids"] == unlabelled[:1]
    assert "Urgent" not in _read(ep, unlabelled[0])["labels"] and "Urgent" in _read(ep, unlabelled[1])["labels"]
    again = ok(ep, "label_email_messages", {"message_ids": unlabelled, "label": "Urgent"})
    assert again["changed_message_ids"] == unlabelled[:1] and again["unchanged_message_ids"] == unlabelled[1:]


def test_label_email_messages_failures_leave_the_world_unchanged():
    ep = open_server(SERVER)
    work = _search(ep, label="Work")[0]["message_id"]
    plain = next(m["message_id"] for m in _received(ep) if "Travel" not in m["labels"])
    fails(ep, "label_email_messages", {"message_ids": [work], "label": "Nope"}, "does not exist",
          "create_email_label")
    fails(ep, "label_email_messages", {"message_ids": [work], "label": "Work"}, "already carries", work)
    fails(ep, "label_email_messages", {"message_ids": [plain], "label": "Travel", "remove": True}, "does not carry")
    fails(ep, "label_email_messages", {"message_ids": ["MSG-9999"], "label": "Work"}, "Unknown message")


def test_create_email_label_adds_a_usable_label():
    ep = open_server(SERVER)
    label = ok(ep, "create_email_label", {"name": "  Client   Renewals ", "color": "green"})
    assert label == {"name": "Client Renewals", "color": "green"}
    labels = {entry["name"]: entry for entry in _overview(ep)["labels"]}
    assert labels["Client Renewals"]["message_count"] == 0
    message_id = _received(ep)[0]["message_id"]
    ok(ep, "label_email_messages", {"message_ids": [message_id], "label": "client renewals"})
    assert [m["message_id"] for m in _search(ep, label="Client Renewals")] == [message_id]
    fails(ep, "create_email_label", {"name": "WORK"}, "already exists")
    fails(ep, "create_email_label", {"name": "Inbox"}, "built-in")
    fails(ep, "create_email_label", {"name": "   "}, "visible characters")


def test_mark_email_messages_sets_read_and_starred_flags():
    ep = open_server(SERVER)
    unread = _search(ep, folder="inbox", unread_only=True)[:2]
    ids = [m["message_id"] for m in unread]
    unread_before = _inbox_unread(ep)
    marked = ok(ep, "mark_email_messages", {"message_ids": ids, "read": True, "starred": True})
    assert marked["changed_message_ids"] == ids
    assert all(m["is_read"] and m["is_starred"] for m in marked["messages"])
    assert _inbox_unread(ep) == unread_before - 2
    assert set(ids) <= {m["message_id"] for m in _search(ep, starred_only=True)}
    ok(ep, "mark_email_messages", {"message_ids": ids[:1], "starred": False})
    assert _read(ep, ids[0])["is_starred"] is False and _read(ep, ids[0])["is_read"] is True
    fails(ep, "mark_email_messages", {"message_ids": ids}, "Nothing to change", "read, starred")
    fails(ep, "mark_email_messages", {"message_ids": ids, "read": True}, "already marked")
    fails(ep, "mark_email_messages", {"message_ids": ["MSG-9999"], "read": True}, "Unknown message")


def test_delete_email_permanently_only_empties_trash_and_spam():
    ep = open_server(SERVER)
    mine = _search(ep, folder="sent")[0]["message_id"]
    spam = _search(ep, folder="spam")[0]["message_id"]
    fails(ep, "delete_email_permanently", {"message_ids": [spam, mine]}, f"{mine} (sent)", "Move them to trash first")
    fails(ep, "delete_email_permanently", {"message_ids": ["MSG-9999"]}, "Unknown message")
    ok(ep, "move_email_messages", {"message_ids": [mine], "folder": "trash"})
    deleted = ok(ep, "delete_email_permanently", {"message_ids": [spam, mine]})
    assert deleted["deleted_message_ids"] == [spam, mine] and deleted["freed_bytes"] > 0
    assert not {spam, mine} & set(world_of(ep)["messages"])


def test_block_email_sender_moves_their_mail_to_spam():
    ep = open_server(SERVER)
    me = _overview(ep)["address"]
    sender = next(m["sender"] for m in _search(ep, folder="inbox") if m["sender"] != me)
    theirs = [m["message_id"] for m in _search(ep, sender=sender)]
    blocked = ok(ep, "block_email_sender", {"address": sender.upper()})
    assert blocked["address"] == sender and sorted(blocked["moved_to_spam_message_ids"]) == sorted(theirs)
    assert sender in _overview(ep)["blocked_senders"]
    assert all(_read(ep, message_id)["folder"] == "spam" for message_id in theirs)
    assert not _search(ep, sender=sender)
    already = _overview(ep)["blocked_senders"][0]
    fails(ep, "block_email_sender", {"address": already}, "already blocked")
    fails(ep, "block_email_sender", {"address": me}, "your own address")
    fails(ep, "block_email_sender", {"address": "not an address"}, "Invalid email address")


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    contact = _contact(ep, "Work")
    base = {"to": [contact["email"]], "subject": "Hi", "body": "Hello"}
    bad = [
        {**base, "to": contact["email"]},
        {**base, "to": []},
        {**base, "subject": "x" * 300},
        {**base, "body": 5},
        {**base, "extra": 1},
        {**base, "to": ["a"] * 51},
        {**base, "attachment_ids": ["ATT-0001"] * 11},
    ]
    for args in bad:
        assert ep.call("send_email", args).status == "invalid_arguments", args
    assert ep.call("move_email_messages", {"message_ids": [], "folder": "trash"}).status == "invalid_arguments"
    assert ep.call("move_email_messages", {"message_ids": ["MSG-0001"], "folder": "drafts"}).status == (
        "invalid_arguments"
    )
    assert ep.call("search_email_messages", {"limit": 0}).status == "invalid_arguments"
    assert ep.call("search_email_messages", {"query": "Zoë ../../etc/passwd .*( 🙂"}).ok
    assert ep.state_hash() == before


# ----- scenario, determinism, size -----


def _scenario(ep: Episode) -> dict[str, str]:
    """Answer an unread thread, file it under a new label, archive it, and send a follow-up drafted from a contact."""
    thread = ok(ep, "list_email_threads", {"unread_only": True})["threads"][0]
    messages = ok(ep, "read_email_thread", {"thread_id": thread["thread_id"]})["messages"]
    me = ok(ep, "get_mailbox_overview")["address"]
    last_received = [m for m in messages if m["sender"] != me][-1]
    reply = ok(ep, "reply_to_email", {"message_id": last_received["message_id"], "body": "Thanks, done.",
                                      "reply_all": True})["message"]
    ok(ep, "create_email_label", {"name": "Handled", "color": "green"})
    received = [m["message_id"] for m in messages if m["sender"] != me]
    ok(ep, "label_email_messages", {"message_ids": received, "label": "Handled"})
    ok(ep, "mark_email_messages", {"message_ids": received, "read": True})
    ok(ep, "move_email_messages", {"message_ids": received, "folder": "archive"})
    contact = ok(ep, "search_email_contacts", {"group": "Project Atlas"})["contacts"][0]
    draft = ok(ep, "create_email_draft", {"to": [contact["email"]], "subject": f"Update: {thread['subject']}"})
    ok(ep, "update_email_draft", {"draft_id": draft["draft_id"], "body": "The thread is handled; notes to follow."})
    sent = ok(ep, "send_email_draft", {"draft_id": draft["draft_id"]})["message"]
    return {
        "thread_id": thread["thread_id"],
        "reply_id": reply["message_id"],
        "received_ids": ",".join(received),
        "draft_id": draft["draft_id"],
        "sent_id": sent["message_id"],
        "contact_email": contact["email"],
    }


def test_multi_step_scenario_is_reproducible_and_visible():
    first, replay = open_server(SERVER), open_server(SERVER)
    initial = first.state_hash()
    ids = _scenario(first)
    assert _scenario(replay) == ids
    assert first.state_hash() == replay.state_hash() != initial

    thread = ok(first, "read_email_thread", {"thread_id": ids["thread_id"]})["messages"]
    received = ids["received_ids"].split(",")
    for message in thread:
        if message["message_id"] in received:
            assert message["folder"] == "archive" and message["is_read"] and "Handled" in message["labels"]
    assert thread[-1]["message_id"] == ids["reply_id"] and thread[-1]["folder"] == "sent"
    assert ids["thread_id"] not in [t["thread_id"] for t in ok(first, "list_email_threads", {})["threads"]]
    handled = [m["message_id"] for m in _search(first, label="Handled")]
    assert sorted(handled) == sorted(received)
    sent = _read(first, ids["sent_id"])
    assert sent["to"] == [ids["contact_email"]] and sent["body"] == "The thread is handled; notes to follow."
    assert ids["draft_id"] not in [d["draft_id"] for d in ok(first, "list_email_drafts")["drafts"]]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=5), Episode.open([SERVER], seed=5)
    assert ok(a, "search_email_messages", {"folder": "anywhere", "limit": 100}) == ok(
        b, "search_email_messages", {"folder": "anywhere", "limit": 100}
    )


def test_default_world_is_large_varied_and_compact():
    started = time.perf_counter()
    world = EmailWorld.new_world(0)
    assert time.perf_counter() - started < 0.1
    assert len(world.canonical_json()) < 150_000
    assert len(world.contacts) == 40
    assert 220 <= len(world.messages) <= 300
    assert 80 <= len({m.thread_id for m in world.messages.values()}) <= 100
    assert {m.folder for m in world.messages.values()} == {"inbox", "sent", "archive", "trash", "spam"}
    assert len(world.labels) >= 7 and len(world.drafts) == 4
    assert any(not m.is_read for m in world.messages.values())
    assert any(m.is_starred for m in world.messages.values())
    assert all(m.sent_at <= world.now for m in world.messages.values())
    assert isinstance(world.now, datetime)
