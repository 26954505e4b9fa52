"""A retail bank: customers with checking, savings and credit accounts, debit and credit cards, transaction history,
saved payees, transfers between own accounts and to payees, standing (scheduled) payments and card disputes. Money
movements and security changes are authorized with the customer's 4-digit PIN."""
