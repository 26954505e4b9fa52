"""A B2B sales CRM: companies (accounts) owned by sales reps with territories, quotas and discount limits, their
contacts (some marked do-not-contact), inbound leads that are qualified and converted into deals, deals that move
through an ordered pipeline of stages with line items from a price book, and the calls, emails, meetings and notes
logged against them."""
