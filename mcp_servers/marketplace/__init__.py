"""A peer-to-peer marketplace: members buy and sell used and new goods through fixed-price listings (with optional
best offers and several units) and timed auctions (bid history, minimum increments, hidden reserve prices). Sales
become orders that the buyer pays for and rates with feedback that builds the seller's reputation; sellers must be
verified to list high-value items."""
