"""A connected-car app: one driver signs in and controls the petrol and electric vehicles they own or that other
drivers on the account share with them. The app shows each vehicle's live state (ignition, engine, gear and speed,
doors, windows, trunk, climate and seat heating, fuel or battery and range, charging, tire pressures, odometer,
location and navigation, valet and speed-limit modes), its service alerts and its trip history, and sends remote
commands that the car accepts or refuses depending on its current mode."""
