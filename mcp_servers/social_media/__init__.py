"""A social network seen through one signed-in account: people and organizations with handles, bios and public or
private profiles; a follow graph with follow requests to private accounts; blocks; posts with hashtags and mentions
that form reply threads, with likes, reposts and bookmarks; and the account's notifications. Posting is limited in
length and in rate per hour, and privacy and blocks decide which posts the account may see and act on."""
