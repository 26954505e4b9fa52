"""A shared calendar service of one organization: people with time zones and working hours, personal and team
calendars, bookable meeting rooms, events with invitees and their RSVPs (some recurring daily, on weekdays, weekly or
monthly), and the acting user's reminders. The acting user is fixed per world: they manage their own calendar, read
the team calendars, write to the team calendars they belong to, and see everyone's free/busy times."""
