"""A Jira-like issue tracker for a small engineering organisation: projects with their own workflow, people with
project roles, issues (epics, stories, tasks, bugs and subtasks) keyed like WEB-42 that move through open, in
progress, in review and done, comments, watchers, issue links (blocks, duplicates, relates to) and sprints that are
planned, started against a story-point capacity and completed."""
