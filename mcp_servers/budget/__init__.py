"""A small team's shared budget book: monthly budget periods (the older ones closed), a two-level tree of spending
categories with monthly limits and optional rollover of unspent money, expenses in several currencies that larger
amounts need a second team member to approve, income entries and fund moves between categories. What is spent and
what is left are always derived from the entries, never stored."""
