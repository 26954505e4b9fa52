"""The payment platform account of one merchant (a B2B software company), in the style of Stripe: the merchant's
customers and their saved cards and bank debits, invoices with line items and tax, charges (authorized, captured,
refunded, failed), refunds, the available and pending balance paid out to the merchant's bank accounts, webhook
endpoints, and the append-only log of events the platform emitted for every state change."""
