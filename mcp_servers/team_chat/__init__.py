"""A Slack-like team workspace seen by one signed-in member: colleagues and outside guests with titles, time zones
and statuses; public, private and archived channels with topics and members; direct conversations; and messages
with reply threads, emoji reactions and pins. The workspace is append-only: messages are posted, replied to,
reacted to, pinned and edited (an edit keeps the earlier text in the message's history), never deleted."""
