"""A Zoom-like video meeting service seen from one host account: the host schedules, starts and ends meetings,
invites participants and co-hosts, joins other people's meetings with their passcode, and manages the cloud
recordings of past meetings (transcripts, sharing links, storage quota), all within the limits of the account's
plan (participants per meeting, meeting length, cloud storage)."""
