"""A food delivery app used by one customer: search restaurants of a city by cuisine, district and opening hours, read
their menus (prices, options, allergens, sold-out items), fill a basket from one restaurant, apply promo codes, and
order to a saved address with a saved payment method; then follow the order from the kitchen to the courier's
bike, cancel it while that is still possible, ask for refunds of missing or wrong items, and rate the food and the
courier."""
