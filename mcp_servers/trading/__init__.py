"""A retail stock brokerage: listed instruments with live quotes and a resting order book of market makers' limit
orders, clients with cash brokerage accounts holding stock positions, market, limit and stop orders that fill against
the book or rest on it, execution history and watchlists. The exchange keeps regular hours (14:30-21:00 UTC, Monday
to Friday) on a virtual clock that a waiting tool can move to the next open or close."""
