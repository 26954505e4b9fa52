"""Travel booking: an online travel agency where travelers search and book flights and hotels, group the bookings
into itineraries, pick seats, add checked bags, apply promotion codes, and change or cancel bookings under the
fare rules and hotel cancellation policies, paying with the payment methods saved on their profile."""
