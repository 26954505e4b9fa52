"""A personal mailbox for one user: messages grouped in threads across the inbox, sent, archive, trash and spam
folders, user-defined labels, drafts, an address book of contacts in groups, blocked senders and a storage quota
shared with other services. Messages are never edited: they are moved, labelled, flagged or permanently deleted
from the trash, and sending, replying and forwarding append new ones."""
