"""The food delivery app's state: one customer, the city's restaurants and menus, couriers, promotions, the basket
and the customer's orders.

Times are the city's local time, which is the world clock's. Opening hours are one "HH:MM-HH:MM" window per weekday
(or "closed"); a restaurant's `status` is what its kitchen says right now: "open", "busy" (slower preparation) or
"closed" (taking no orders, whatever its hours). Places are latitude/longitude inside named districts; a restaurant
delivers to the districts listed in `delivery_districts`.

An order moves with the clock: accepted 2 minutes after it is placed, preparing from 5 minutes, picked up by its
courier at `ready_at`, delivered at `eta`. `sync_orders()` puts in-progress orders and their couriers where the
clock says they are; it runs after generation and whenever a tool advances the clock.
"""

import math
import random
from datetime import date, datetime, time, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
RestaurantId = Annotated[str, Entity("delivery_restaurant"), _ID]
MenuItemId = Annotated[str, Entity("menu_item"), _ID]
MenuOptionCode = Annotated[str, Entity("menu_option"), _ID]
AddressId = Annotated[str, Entity("food_delivery_address"), _ID]
PaymentMethodId = Annotated[str, Entity("food_payment_method"), _ID]
BasketLineId = Annotated[str, Entity("food_basket_line"), _ID]
PromoCode = Annotated[str, Entity("food_promo_code"), Field(min_length=1, max_length=30)]
FoodOrderId = Annotated[str, Entity("food_order"), _ID]
CourierId = Annotated[str, Entity("delivery_courier"), _ID]

Cuisine = Literal[
    "pizza", "burgers", "sushi", "indian", "thai", "mexican", "chinese", "mediterranean", "vietnamese", "cafe"
]
District = Literal[
    "Old Town", "Midtown", "Harborfront", "Riverside", "University Hill", "Eastgate", "Westbrook", "Northfield",
    "Southport", "Greenhill", "Lakeside", "Airport Park",
]
Allergen = Literal["gluten", "milk", "egg", "peanut", "tree_nut", "soy", "fish", "shellfish", "sesame"]
Diet = Literal["regular", "vegetarian", "vegan"]
RestaurantStatus = Literal["open", "busy", "closed"]
OrderStatus = Literal["placed", "accepted", "preparing", "picked_up", "delivered", "cancelled", "refunded"]
CourierStatus = Literal["available", "delivering", "offline"]
Vehicle = Literal["bicycle", "e-bike", "scooter", "car"]
PromoKind = Literal["percent", "fixed", "free_delivery"]

ACTIVE_STATUSES: tuple[OrderStatus, ...] = ("placed", "accepted", "preparing", "picked_up")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ACCEPTED_AFTER = timedelta(minutes=2)
PREPARING_AFTER = timedelta(minutes=5)
BUSY_EXTRA_MINUTES = 15
REFUND_WINDOW = timedelta(hours=48)
RATING_WINDOW = timedelta(days=14)
KITCHEN_KEEPS_SHARE = 0.5
"""Share of the food subtotal that is not refunded when an order is cancelled while the kitchen prepares it."""
MAX_ADDRESSES = 8
MAX_LINE_QUANTITY = 20

_CITY_ORIGIN = (47.6062, -122.3321)
_KM_PER_DEGREE_LAT = 110.57
_KM_PER_DEGREE_LON = 75.0
_DISTRICT_KM: dict[District, tuple[float, float]] = {
    "Old Town": (0.0, 0.0), "Midtown": (1.5, 1.5), "Harborfront": (-2.0, -0.5), "Riverside": (1.0, -2.0),
    "University Hill": (3.0, 3.5), "Eastgate": (4.5, 0.0), "Westbrook": (-4.0, 2.0), "Northfield": (0.5, 5.0),
    "Southport": (-1.0, -4.5), "Greenhill": (-3.0, 4.5), "Lakeside": (6.0, 4.0), "Airport Park": (8.0, -6.0),
}
"""District centres in km east and north of the Old Town square."""


def district_centre(district: District) -> tuple[float, float]:
    east, north = _DISTRICT_KM[district]
    return (
        round(_CITY_ORIGIN[0] + north / _KM_PER_DEGREE_LAT, 5),
        round(_CITY_ORIGIN[1] + east / _KM_PER_DEGREE_LON, 5),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance on the city's flat map."""
    return math.hypot((lat2 - lat1) * _KM_PER_DEGREE_LAT, (lon2 - lon1) * _KM_PER_DEGREE_LON)


def riding_minutes(km: float) -> int:
    """A courier's time for `km`: a few minutes to park and hand over, then about 20 km/h."""
    return 6 + math.ceil(km * 3)


def service_fee(subtotal: float) -> float:
    """5% of the food subtotal, at least 0.99 and at most 3.99."""
    return round(min(max(subtotal * 0.05, 0.99), 3.99), 2)


class MenuOption(BaseModel):
    code: MenuOptionCode
    name: str
    price: float = Field(description="Added to the item's price per unit.")
    group: str | None = Field(None, description="At most one option of a group may be chosen for an item.")


def _option(code: str, name: str, price: float, group: str | None = None) -> MenuOption:
    return MenuOption(code=code, name=name, price=price, group=group)


MENU_OPTIONS: dict[str, MenuOption] = {
    option.code: option
    for option in (
        _option("large_size", "Large size", 4.0),
        _option("extra_cheese", "Extra cheese", 1.5),
        _option("gluten_free_base", "Gluten-free base", 2.5),
        _option("vegan_cheese", "Vegan cheese instead of mozzarella", 1.0),
        _option("add_bacon", "Add bacon", 2.0),
        _option("add_cheese", "Add a cheese slice", 1.0),
        _option("double_patty", "Double patty", 3.5),
        _option("gluten_free_bun", "Gluten-free bun", 1.5),
        _option("no_onion", "No onion", 0.0),
        _option("extra_wasabi", "Extra wasabi", 0.0),
        _option("brown_rice", "Brown rice", 1.0),
        _option("spicy_mayo", "Spicy mayo", 0.5),
        _option("spice_mild", "Mild", 0.0, "spice"),
        _option("spice_medium", "Medium hot", 0.0, "spice"),
        _option("spice_hot", "Hot", 0.0, "spice"),
        _option("spice_extra_hot", "Extra hot", 0.0, "spice"),
        _option("add_naan", "Add garlic naan", 2.5),
        _option("extra_rice", "Extra rice", 2.0),
        _option("with_chicken", "With chicken", 3.0, "protein"),
        _option("with_tofu", "With tofu", 2.0, "protein"),
        _option("with_shrimp", "With shrimp", 4.0, "protein"),
        _option("with_beef", "With beef", 3.5, "protein"),
        _option("add_guacamole", "Add guacamole", 2.25),
        _option("add_sour_cream", "Add sour cream", 0.75),
        _option("extra_jalapenos", "Extra jalapenos", 0.0),
        _option("add_egg", "Add a fried egg", 1.5),
        _option("extra_hummus", "Extra hummus", 1.5),
        _option("add_feta", "Add feta", 1.25),
        _option("add_halloumi", "Add halloumi", 2.5),
        _option("extra_noodles", "Extra noodles", 1.5),
        _option("add_brisket", "Add brisket", 3.0),
        _option("oat_milk", "Oat milk", 0.6, "milk"),
        _option("almond_milk", "Almond milk", 0.6, "milk"),
        _option("extra_shot", "Extra espresso shot", 0.8),
        _option("gluten_free_bread", "Gluten-free bread", 1.5),
        _option("add_avocado", "Add avocado", 2.0),
    )
}

_SPICE = "spice_mild spice_medium spice_hot spice_extra_hot"
_PROTEIN = "with_chicken with_tofu with_shrimp with_beef"
_PIZZA = "large_size extra_cheese gluten_free_base"
_MILKS = "oat_milk almond_milk extra_shot"

# (dish, menu section, base price, allergens, options offered, diet)
_DISHES: dict[str, tuple[tuple[str, str, float, str, str, Diet], ...]] = {
    "pizza": (
        ("Margherita Pizza", "Pizzas", 11.5, "gluten milk", f"{_PIZZA} vegan_cheese", "vegetarian"),
        ("Pepperoni Pizza", "Pizzas", 13.5, "gluten milk", _PIZZA, "regular"),
        ("Quattro Formaggi Pizza", "Pizzas", 14.5, "gluten milk", "large_size gluten_free_base", "vegetarian"),
        ("Diavola Pizza", "Pizzas", 14.0, "gluten milk", f"{_PIZZA} spice_medium spice_hot", "regular"),
        ("Funghi Pizza", "Pizzas", 13.0, "gluten milk", f"{_PIZZA} vegan_cheese", "vegetarian"),
        ("Prosciutto & Rocket Pizza", "Pizzas", 15.5, "gluten milk", _PIZZA, "regular"),
        ("Vegan Garden Pizza", "Pizzas", 13.5, "gluten", "large_size gluten_free_base", "vegan"),
        ("BBQ Chicken Pizza", "Pizzas", 14.5, "gluten milk", _PIZZA, "regular"),
        ("Garlic Bread", "Starters", 5.5, "gluten milk", "extra_cheese", "vegetarian"),
        ("Bruschetta", "Starters", 6.5, "gluten", "", "vegan"),
        ("Caesar Salad", "Salads", 9.5, "gluten milk egg fish", "with_chicken", "regular"),
        ("Spaghetti Carbonara", "Pasta", 13.0, "gluten milk egg", "extra_cheese", "regular"),
        ("Penne Arrabbiata", "Pasta", 11.5, "gluten", "spice_medium spice_hot", "vegan"),
        ("Tiramisu", "Desserts", 6.5, "gluten milk egg", "", "vegetarian"),
        ("San Pellegrino", "Drinks", 2.8, "", "", "vegan"),
        ("Coca-Cola", "Drinks", 2.5, "", "", "vegan"),
    ),
    "burgers": (
        ("Classic Cheeseburger", "Burgers", 11.0, "gluten milk sesame",
         "add_bacon double_patty gluten_free_bun no_onion", "regular"),
        ("Bacon Double Burger", "Burgers", 14.5, "gluten milk sesame", "gluten_free_bun no_onion", "regular"),
        ("Smoky BBQ Burger", "Burgers", 13.0, "gluten sesame", "add_bacon add_cheese double_patty gluten_free_bun",
         "regular"),
        ("Crispy Chicken Burger", "Burgers", 12.0, "gluten egg sesame", "add_bacon add_cheese gluten_free_bun",
         "regular"),
        ("Mushroom Swiss Burger", "Burgers", 12.5, "gluten milk sesame", "add_bacon double_patty gluten_free_bun",
         "regular"),
        ("Beyond Veggie Burger", "Burgers", 12.5, "gluten soy sesame", "add_cheese gluten_free_bun no_onion",
         "vegan"),
        ("Fries", "Sides", 4.0, "", "", "vegan"),
        ("Sweet Potato Fries", "Sides", 5.0, "", "", "vegan"),
        ("Onion Rings", "Sides", 5.0, "gluten milk", "", "vegetarian"),
        ("Loaded Cheese Fries", "Sides", 6.5, "milk", "add_bacon", "vegetarian"),
        ("Chicken Wings (8)", "Sides", 9.5, "", "spice_mild spice_medium spice_hot", "regular"),
        ("Coleslaw", "Sides", 3.5, "egg", "", "vegetarian"),
        ("Chocolate Milkshake", "Shakes", 6.0, "milk", "oat_milk", "vegetarian"),
        ("Vanilla Milkshake", "Shakes", 6.0, "milk", "oat_milk", "vegetarian"),
        ("Lemonade", "Drinks", 3.5, "", "", "vegan"),
        ("Fudge Brownie", "Desserts", 4.5, "gluten milk egg tree_nut", "", "vegetarian"),
    ),
    "sushi": (
        ("Salmon Nigiri (2 pcs)", "Nigiri", 6.0, "fish soy", "extra_wasabi", "regular"),
        ("Tuna Nigiri (2 pcs)", "Nigiri", 7.0, "fish soy", "extra_wasabi", "regular"),
        ("California Roll", "Rolls", 9.5, "shellfish egg soy sesame", "brown_rice spicy_mayo", "regular"),
        ("Spicy Tuna Roll", "Rolls", 10.5, "fish soy sesame egg", "brown_rice", "regular"),
        ("Salmon Avocado Roll", "Rolls", 10.0, "fish soy sesame", "brown_rice spicy_mayo extra_wasabi", "regular"),
        ("Dragon Roll", "Rolls", 14.5, "shellfish fish soy sesame egg gluten", "spicy_mayo", "regular"),
        ("Avocado Cucumber Roll", "Rolls", 7.5, "soy sesame", "brown_rice", "vegan"),
        ("Vegetable Tempura Roll", "Rolls", 9.0, "gluten soy sesame", "brown_rice", "vegetarian"),
        ("Sashimi Platter (12 pcs)", "Sashimi", 22.0, "fish soy", "extra_wasabi", "regular"),
        ("Chicken Teriyaki Bowl", "Bowls", 13.5, "soy gluten sesame", "brown_rice extra_rice", "regular"),
        ("Salmon Poke Bowl", "Bowls", 14.5, "fish soy sesame", "brown_rice spicy_mayo", "regular"),
        ("Miso Soup", "Sides", 3.5, "soy", "", "vegan"),
        ("Edamame", "Sides", 4.5, "soy", "", "vegan"),
        ("Seaweed Salad", "Sides", 5.0, "sesame soy", "", "vegan"),
        ("Mochi Ice Cream (3)", "Desserts", 5.5, "milk", "", "vegetarian"),
        ("Green Tea", "Drinks", 2.5, "", "", "vegan"),
    ),
    "indian": (
        ("Chicken Tikka Masala", "Curries", 14.5, "milk", f"{_SPICE} add_naan extra_rice", "regular"),
        ("Butter Chicken", "Curries", 14.5, "milk tree_nut", f"{_SPICE} add_naan extra_rice", "regular"),
        ("Lamb Rogan Josh", "Curries", 16.0, "milk", f"{_SPICE} add_naan extra_rice", "regular"),
        ("Chana Masala", "Curries", 11.5, "", f"{_SPICE} add_naan extra_rice", "vegan"),
        ("Palak Paneer", "Curries", 12.5, "milk", f"{_SPICE} add_naan extra_rice", "vegetarian"),
        ("Vegetable Korma", "Curries", 12.0, "milk tree_nut", "add_naan extra_rice", "vegetarian"),
        ("Dal Tadka", "Curries", 10.5, "", f"{_SPICE} extra_rice", "vegan"),
        ("Chicken Biryani", "Biryani", 15.0, "milk", _SPICE, "regular"),
        ("Lamb Biryani", "Biryani", 16.5, "milk", _SPICE, "regular"),
        ("Vegetable Samosas (2)", "Starters", 5.5, "gluten", "", "vegan"),
        ("Onion Bhaji", "Starters", 5.0, "", "", "vegan"),
        ("Chicken Tikka", "Starters", 8.0, "milk", "spice_medium spice_hot", "regular"),
        ("Garlic Naan", "Breads", 3.5, "gluten milk", "", "vegetarian"),
        ("Basmati Rice", "Sides", 3.0, "", "", "vegan"),
        ("Mango Lassi", "Drinks", 4.0, "milk", "", "vegetarian"),
        ("Gulab Jamun", "Desserts", 4.5, "gluten milk", "", "vegetarian"),
    ),
    "thai": (
        ("Pad Thai", "Noodles", 13.0, "peanut egg fish soy", f"{_PROTEIN} {_SPICE}", "regular"),
        ("Pad See Ew", "Noodles", 13.0, "gluten soy egg", _PROTEIN, "regular"),
        ("Drunken Noodles", "Noodles", 13.5, "gluten soy fish", f"{_PROTEIN} {_SPICE}", "regular"),
        ("Green Curry", "Curries", 14.0, "fish", f"{_PROTEIN} {_SPICE} extra_rice", "regular"),
        ("Red Curry", "Curries", 14.0, "fish", f"{_PROTEIN} {_SPICE} extra_rice", "regular"),
        ("Massaman Curry", "Curries", 14.5, "peanut fish", f"{_PROTEIN} extra_rice", "regular"),
        ("Panang Curry", "Curries", 14.5, "peanut fish", f"{_PROTEIN} {_SPICE}", "regular"),
        ("Tom Yum Soup", "Soups", 8.5, "shellfish fish", _SPICE, "regular"),
        ("Tom Kha Soup", "Soups", 8.5, "fish", "with_chicken with_tofu with_shrimp", "regular"),
        ("Thai Fried Rice", "Rice", 12.0, "egg soy fish", _PROTEIN, "regular"),
        ("Holy Basil Stir-Fry", "Rice", 13.0, "soy fish", f"{_PROTEIN} {_SPICE} add_egg", "regular"),
        ("Fresh Spring Rolls", "Starters", 6.5, "peanut soy", "", "vegan"),
        ("Chicken Satay", "Starters", 8.0, "peanut soy", "", "regular"),
        ("Papaya Salad", "Starters", 8.0, "peanut fish", _SPICE, "regular"),
        ("Mango Sticky Rice", "Desserts", 6.5, "", "", "vegan"),
        ("Thai Iced Tea", "Drinks", 4.0, "milk", "", "vegetarian"),
    ),
    "mexican": (
        ("Chicken Burrito", "Burritos", 11.5, "gluten milk", "add_guacamole add_sour_cream extra_jalapenos",
         "regular"),
        ("Carne Asada Burrito", "Burritos", 13.0, "gluten milk", "add_guacamole add_sour_cream extra_jalapenos",
         "regular"),
        ("Bean & Cheese Burrito", "Burritos", 9.5, "gluten milk", "add_guacamole extra_jalapenos", "vegetarian"),
        ("Veggie Burrito Bowl", "Bowls", 11.0, "", "add_guacamole add_sour_cream extra_jalapenos", "vegan"),
        ("Chicken Burrito Bowl", "Bowls", 12.0, "milk", "add_guacamole add_sour_cream", "regular"),
        ("Al Pastor Tacos (3)", "Tacos", 10.5, "", "add_guacamole extra_jalapenos", "regular"),
        ("Fish Tacos (3)", "Tacos", 11.5, "fish gluten egg", "add_guacamole", "regular"),
        ("Carnitas Tacos (3)", "Tacos", 10.5, "", "add_guacamole add_sour_cream", "regular"),
        ("Cheese Quesadilla", "Quesadillas", 8.5, "gluten milk", "add_guacamole add_sour_cream", "vegetarian"),
        ("Chicken Quesadilla", "Quesadillas", 10.5, "gluten milk", "add_guacamole add_sour_cream", "regular"),
        ("Nachos Supreme", "Sides", 9.0, "milk", "add_guacamole extra_jalapenos", "vegetarian"),
        ("Chips & Guacamole", "Sides", 6.0, "", "", "vegan"),
        ("Elote Street Corn", "Sides", 4.5, "milk egg", "", "vegetarian"),
        ("Churros", "Desserts", 5.5, "gluten milk egg", "", "vegetarian"),
        ("Horchata", "Drinks", 3.5, "milk", "", "vegetarian"),
        ("Jarritos Mandarin", "Drinks", 3.0, "", "", "vegan"),
    ),
    "chinese": (
        ("Kung Pao Chicken", "Mains", 13.0, "peanut soy gluten", f"{_SPICE} extra_rice", "regular"),
        ("Sweet and Sour Pork", "Mains", 13.5, "gluten soy egg", "extra_rice", "regular"),
        ("Beef with Broccoli", "Mains", 14.0, "soy gluten", "extra_rice", "regular"),
        ("Mapo Tofu", "Mains", 11.5, "soy", f"{_SPICE} extra_rice", "regular"),
        ("General Tso's Chicken", "Mains", 13.5, "soy gluten egg", f"{_SPICE} extra_rice", "regular"),
        ("Orange Chicken", "Mains", 13.0, "soy gluten egg", "extra_rice", "regular"),
        ("Vegetable Chow Mein", "Noodles", 10.5, "gluten soy", "add_egg with_chicken with_tofu", "vegan"),
        ("Dan Dan Noodles", "Noodles", 12.0, "gluten soy peanut sesame", _SPICE, "regular"),
        ("Egg Fried Rice", "Rice", 7.0, "egg soy", "", "vegetarian"),
        ("Pork Dumplings (6)", "Dim Sum", 8.0, "gluten soy sesame", "", "regular"),
        ("Vegetable Spring Rolls (4)", "Dim Sum", 6.0, "gluten soy", "", "vegan"),
        ("Har Gow Shrimp Dumplings (4)", "Dim Sum", 7.5, "shellfish gluten", "", "regular"),
        ("Hot and Sour Soup", "Soups", 6.0, "soy egg gluten", "", "regular"),
        ("Wonton Soup", "Soups", 6.5, "gluten egg soy shellfish", "", "regular"),
        ("Sesame Balls", "Desserts", 5.0, "sesame gluten", "", "vegan"),
        ("Jasmine Tea", "Drinks", 2.5, "", "", "vegan"),
    ),
    "mediterranean": (
        ("Chicken Shawarma Wrap", "Wraps", 10.5, "gluten sesame", "extra_hummus add_feta no_onion", "regular"),
        ("Falafel Wrap", "Wraps", 9.5, "gluten sesame", "extra_hummus add_halloumi", "vegan"),
        ("Halloumi Wrap", "Wraps", 10.5, "gluten milk sesame", "extra_hummus no_onion", "vegetarian"),
        ("Lamb Kofta Plate", "Plates", 16.0, "sesame milk", "extra_hummus add_feta", "regular"),
        ("Chicken Souvlaki Plate", "Plates", 15.0, "milk", "extra_hummus add_feta", "regular"),
        ("Falafel Plate", "Plates", 13.0, "sesame", "extra_hummus add_halloumi", "vegan"),
        ("Mixed Grill Plate", "Plates", 19.5, "sesame milk", "extra_hummus", "regular"),
        ("Greek Salad", "Salads", 10.0, "milk", "with_chicken", "vegetarian"),
        ("Fattoush Salad", "Salads", 9.5, "gluten", "add_halloumi with_chicken", "vegan"),
        ("Hummus & Pita", "Mezze", 6.5, "gluten sesame", "", "vegan"),
        ("Baba Ganoush & Pita", "Mezze", 7.0, "gluten sesame", "", "vegan"),
        ("Stuffed Vine Leaves", "Mezze", 6.5, "", "", "vegan"),
        ("Spanakopita", "Mezze", 7.0, "gluten milk egg", "", "vegetarian"),
        ("Baklava", "Desserts", 5.0, "gluten tree_nut milk", "", "vegetarian"),
        ("Mint Lemonade", "Drinks", 3.5, "", "", "vegan"),
        ("Ayran Yogurt Drink", "Drinks", 2.8, "milk", "", "vegetarian"),
    ),
    "vietnamese": (
        ("Beef Pho", "Pho", 13.5, "fish", "extra_noodles add_brisket", "regular"),
        ("Chicken Pho", "Pho", 12.5, "fish", "extra_noodles", "regular"),
        ("Vegetable Pho", "Pho", 11.5, "soy", "extra_noodles with_tofu", "vegan"),
        ("Bun Bo Hue", "Pho", 14.0, "fish shellfish", f"{_SPICE} extra_noodles", "regular"),
        ("Grilled Pork Banh Mi", "Banh Mi", 9.0, "gluten egg soy", "extra_jalapenos add_egg", "regular"),
        ("Lemongrass Chicken Banh Mi", "Banh Mi", 9.0, "gluten egg soy", "extra_jalapenos add_egg", "regular"),
        ("Tofu Banh Mi", "Banh Mi", 8.5, "gluten soy", "extra_jalapenos", "vegan"),
        ("Grilled Pork Vermicelli", "Vermicelli", 13.0, "fish peanut", "extra_noodles", "regular"),
        ("Lemongrass Tofu Vermicelli", "Vermicelli", 12.0, "soy peanut", "extra_noodles", "vegan"),
        ("Broken Rice with Pork Chop", "Rice", 13.5, "fish egg", "add_egg", "regular"),
        ("Lemongrass Beef Salad", "Salads", 11.0, "fish peanut", "", "regular"),
        ("Fresh Summer Rolls (2)", "Starters", 6.0, "peanut shellfish", "", "regular"),
        ("Crispy Imperial Rolls (4)", "Starters", 7.0, "gluten shellfish", "", "regular"),
        ("Vietnamese Iced Coffee", "Drinks", 4.5, "milk", "", "vegetarian"),
        ("Coconut Water", "Drinks", 3.5, "", "", "vegan"),
        ("Three-Color Dessert", "Desserts", 5.0, "", "", "vegan"),
    ),
    "cafe": (
        ("Avocado Toast", "Breakfast", 9.5, "gluten", "add_egg gluten_free_bread", "vegan"),
        ("Eggs Benedict", "Breakfast", 12.5, "gluten egg milk", "gluten_free_bread add_avocado", "vegetarian"),
        ("Full Breakfast", "Breakfast", 14.0, "gluten egg milk", "gluten_free_bread add_avocado", "regular"),
        ("Buttermilk Pancakes", "Breakfast", 10.5, "gluten milk egg", "", "vegetarian"),
        ("Granola Bowl", "Breakfast", 8.0, "milk tree_nut gluten", "oat_milk almond_milk", "vegetarian"),
        ("Breakfast Burrito", "Breakfast", 10.0, "gluten egg milk", "add_avocado extra_jalapenos", "vegetarian"),
        ("Smoked Salmon Bagel", "Breakfast", 11.0, "gluten fish milk", "add_avocado", "regular"),
        ("Turkey Club Sandwich", "Sandwiches", 11.5, "gluten egg", "gluten_free_bread", "regular"),
        ("Caprese Panini", "Sandwiches", 10.0, "gluten milk", "gluten_free_bread", "vegetarian"),
        ("Butter Croissant", "Bakery", 3.5, "gluten milk egg", "", "vegetarian"),
        ("Almond Croissant", "Bakery", 4.2, "gluten milk egg tree_nut", "", "vegetarian"),
        ("Blueberry Muffin", "Bakery", 3.8, "gluten milk egg", "", "vegetarian"),
        ("Flat White", "Coffee", 4.2, "milk", _MILKS, "vegetarian"),
        ("Cappuccino", "Coffee", 4.0, "milk", _MILKS, "vegetarian"),
        ("Iced Latte", "Coffee", 4.8, "milk", _MILKS, "vegetarian"),
        ("Fresh Orange Juice", "Drinks", 4.5, "", "", "vegan"),
    ),
}

_RESTAURANT_NAMES: dict[Cuisine, tuple[str, ...]] = {
    "pizza": ("Luigi's Wood Oven", "Napoli Express", "Slice of Brooklyn", "Forno Rosso"),
    "burgers": ("The Burger Joint", "Smash Brothers Burgers", "Grill House 88", "Patty & Bun Co."),
    "sushi": ("Sakura Sushi", "Umami Roll Bar", "Tokyo Table", "Koi Sushi House"),
    "indian": ("Spice Route", "Taj Mahal Kitchen", "Bombay Tiffin", "Curry Leaf"),
    "thai": ("Bangkok Street", "Thai Orchid", "Lemongrass Kitchen", "Siam Garden"),
    "mexican": ("El Taco Loco", "Casa Verde", "Burrito Barn", "La Cantina Roja"),
    "chinese": ("Golden Dragon", "Jade Palace", "Dumpling House", "Sichuan Pepper"),
    "mediterranean": ("Olive & Thyme", "Beirut Grill", "The Greek Corner", "Falafel Friends"),
    "vietnamese": ("Pho Saigon", "Banh Mi Brothers", "Little Hanoi", "Lotus Noodle Bar"),
    "cafe": ("Morning Glory Cafe", "The Daily Grind", "Sunny Side Brunch", "Crumb & Co Bakery"),
}
_HOURS_PROFILES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("07:00-15:00", "07:30-16:00", "08:00-15:00"), 0.1),
    (("07:00-22:00", "08:00-22:00", "08:30-23:00", "09:00-21:30"), 0.35),
    (("11:00-22:00", "11:30-23:00", "11:00-21:30", "12:00-23:30"), 0.4),
    (("17:00-23:00", "17:30-23:30", "18:00-24:00"), 0.15),
)
"""Opening windows by kind of restaurant (breakfast, all day, lunch and dinner, dinner only) and how common each is."""
_STREETS = (
    "Maple Avenue", "Harbor Street", "Cedar Lane", "Pine Street", "Market Street", "Elm Road", "Union Square",
    "Bay View Road", "Lincoln Avenue", "Willow Way", "King Street", "Chestnut Street", "Orchard Road", "Mill Lane",
    "Station Road", "Park Terrace", "Ferry Lane", "College Avenue", "Bridge Street", "Lake Drive",
)
_FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Amelia", "James",
    "Harper", "Daniel", "Chloe", "Samuel", "Grace", "Priya", "Arjun", "Mei", "Carlos", "Lucia", "Mateo", "Fatima",
    "Omar", "Aisha", "Yuki", "Dmitri", "Elena", "Kwame", "Amara", "Sean", "Niamh", "Tomas", "Ingrid",
)
_LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lopez", "Wilson", "Anderson", "Taylor",
    "Moore", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright",
    "Nguyen", "Patel", "Kim", "Chen", "Okafor", "Novak", "Sullivan", "Rossi", "Tanaka", "Haddad", "Kowalski",
)
_REVIEWS = (
    "Hot and fast, great as always.", "Tasty but a bit late.", "Portion was smaller than last time.",
    "Perfect, the courier was very friendly.", "Food arrived cold.", "Best in the neighbourhood!",
    "Good value for money.", "Packaging was leaking.", "",
)


class Customer(BaseModel):
    name: str
    email: str
    phone: str
    member_since: date


class DeliveryAddress(BaseModel):
    address_id: AddressId
    label: str
    street: str
    district: District
    lat: float
    lon: float
    instructions: str = ""


class PaymentMethod(BaseModel):
    payment_method_id: PaymentMethodId
    kind: Literal["card", "paypal"]
    label: str
    expires: str | None = Field(None, description="Cards only: the last valid month, YYYY-MM.")
    is_default: bool = False


class Restaurant(BaseModel):
    restaurant_id: RestaurantId
    name: str
    cuisine: Cuisine
    district: District
    street: str
    lat: float
    lon: float
    rating: float = Field(description="Average stars, 1 to 5.")
    rating_count: int
    min_order: float = Field(description="Smallest food subtotal the restaurant delivers.")
    delivery_fee: float
    prep_minutes: int = Field(description="Usual preparation time; 15 minutes more while the kitchen is busy.")
    status: RestaurantStatus
    hours: list[str] = Field(description="Opening hours Monday to Sunday: 'HH:MM-HH:MM' or 'closed'.")
    delivery_districts: list[District]


class Dish(BaseModel):
    """What a dish is, wherever it is sold: its menu section, allergens and diet."""

    section: str
    allergens: list[Allergen]
    diet: Diet


DISHES: dict[str, Dish] = {
    name: Dish(section=section, allergens=allergens.split(), diet=diet)  # type: ignore[arg-type]
    for dishes in _DISHES.values()
    for name, section, _, allergens, _, diet in dishes
}
"""The city-wide dish catalogue by dish name; a menu item is a restaurant's own price and options for a dish."""


class MenuItem(BaseModel):
    item_id: MenuItemId
    restaurant_id: RestaurantId
    name: str = Field(description="The dish, a key of DISHES.")
    price: float
    options: list[MenuOptionCode] = Field(description="Codes of the options this item may be ordered with.")
    available: bool


class Courier(BaseModel):
    courier_id: CourierId
    name: str
    vehicle: Vehicle
    rating: float
    rating_count: int
    status: CourierStatus
    lat: float
    lon: float


class Promotion(BaseModel):
    code: PromoCode
    description: str
    kind: PromoKind
    value: float = Field(description="Percent off the food subtotal, or an amount off; unused for free delivery.")
    min_subtotal: float
    restaurant_id: RestaurantId | None = Field(None, description="Only valid at this restaurant when set.")
    valid_from: date
    valid_until: date
    single_use: bool
    used: bool = False


class BasketLine(BaseModel):
    line_id: BasketLineId
    item_id: MenuItemId
    quantity: int
    options: list[MenuOptionCode]
    note: str = ""


class Basket(BaseModel):
    restaurant_id: RestaurantId | None = None
    lines: list[BasketLine] = []
    promo_code: PromoCode | None = None


class OrderLine(BaseModel):
    item_id: MenuItemId
    name: str
    quantity: int
    options: list[MenuOptionCode]
    unit_price: float = Field(description="Item price plus its options, per unit.")


class OrderRating(BaseModel):
    restaurant_stars: int
    courier_stars: int | None
    comment: str


class FoodOrder(BaseModel):
    order_id: FoodOrderId
    restaurant_id: RestaurantId
    address_id: AddressId
    payment_method_id: PaymentMethodId
    courier_id: CourierId | None
    status: OrderStatus
    placed_at: datetime
    ready_at: datetime = Field(description="When the courier picks the food up.")
    eta: datetime = Field(description="Expected (or, once delivered, actual) delivery time.")
    cancelled_at: datetime | None = None
    lines: list[OrderLine]
    subtotal: float
    delivery_fee: float
    service_fee: float
    discount: float
    tip: float
    total: float
    promo_code: PromoCode | None = None
    refunded: float = 0.0
    rating: OrderRating | None = None


def unit_price(item: MenuItem, options: list[str]) -> float:
    return round(item.price + sum(MENU_OPTIONS[code].price for code in options), 2)


def promo_discount(promo: Promotion, subtotal: float, delivery_fee: float) -> float:
    """What the promotion takes off the order total (a free delivery takes off the delivery fee)."""
    if promo.kind == "percent":
        return round(subtotal * promo.value / 100, 2)
    if promo.kind == "fixed":
        return round(min(promo.value, subtotal), 2)
    return delivery_fee


class FoodDeliveryWorld(World):
    server: ClassVar[str] = "food_delivery"

    customer: Customer
    addresses: dict[str, DeliveryAddress] = Field(default_factory=dict)
    payment_methods: dict[str, PaymentMethod] = Field(default_factory=dict)
    restaurants: dict[str, Restaurant] = Field(default_factory=dict)
    menu_items: dict[str, MenuItem] = Field(default_factory=dict)
    couriers: dict[str, Courier] = Field(default_factory=dict)
    promotions: dict[str, Promotion] = Field(default_factory=dict, description="Keyed by code.")
    orders: dict[str, FoodOrder] = Field(default_factory=dict)
    basket: Basket = Field(default_factory=Basket)

    # ----- clock, hours and geography -----

    def opening_window(self, restaurant: Restaurant, day: date) -> tuple[datetime, datetime] | None:
        """The restaurant's opening and closing moments on `day`, or None when it is closed that weekday."""
        hours = restaurant.hours[day.weekday()]
        if hours == "closed":
            return None
        start = datetime.combine(day, time(0), tzinfo=self.now.tzinfo)
        opens, closes = (int(part[:2]) * 60 + int(part[3:]) for part in hours.split("-"))
        return start + timedelta(minutes=opens), start + timedelta(minutes=closes)

    def within_hours(self, restaurant: Restaurant) -> bool:
        window = self.opening_window(restaurant, self.now.date())
        return window is not None and window[0] <= self.now < window[1]

    def is_open(self, restaurant: Restaurant) -> bool:
        """Taking orders now: within today's hours and not closed by the kitchen."""
        return restaurant.status != "closed" and self.within_hours(restaurant)

    def next_opening(self, restaurant: Restaurant) -> datetime | None:
        """The next time the restaurant's hours begin after now (within a week)."""
        for offset in range(8):
            window = self.opening_window(restaurant, self.now.date() + timedelta(days=offset))
            if window is not None and window[0] > self.now:
                return window[0]
        return None

    def delivery_minutes(self, restaurant: Restaurant, address: DeliveryAddress) -> int:
        """Preparation (longer while busy) plus the courier's ride to the address."""
        busy = BUSY_EXTRA_MINUTES if restaurant.status == "busy" else 0
        ride = riding_minutes(distance_km(restaurant.lat, restaurant.lon, address.lat, address.lon))
        return restaurant.prep_minutes + busy + ride

    # ----- orders -----

    def stage_of(self, order: FoodOrder) -> OrderStatus:
        """Where an in-progress order is at the current time."""
        if self.now >= order.eta:
            return "delivered"
        if self.now >= order.ready_at:
            return "picked_up"
        if self.now >= order.placed_at + PREPARING_AFTER:
            return "preparing"
        if self.now >= order.placed_at + ACCEPTED_AFTER:
            return "accepted"
        return "placed"

    def sync_orders(self) -> None:
        """Advance every in-progress order to its stage at the current time and move its courier accordingly."""
        for order in self.orders.values():
            if order.status in ACTIVE_STATUSES:
                order.status = self.stage_of(order)
                self._move_courier(order)

    def _move_courier(self, order: FoodOrder) -> None:
        courier = self.couriers.get(order.courier_id or "")
        if courier is None:
            return
        restaurant = self.restaurants[order.restaurant_id]
        address = self.addresses[order.address_id]
        if order.status == "delivered":
            courier.status = "available"
            courier.lat, courier.lon = address.lat, address.lon
        elif order.status == "picked_up":
            share = (self.now - order.ready_at) / (order.eta - order.ready_at)
            courier.lat = round(restaurant.lat + share * (address.lat - restaurant.lat), 5)
            courier.lon = round(restaurant.lon + share * (address.lon - restaurant.lon), 5)
        elif order.status == "preparing":
            courier.lat, courier.lon = restaurant.lat, restaurant.lon

    def nearest_courier(self, restaurant: Restaurant) -> Courier | None:
        free = [courier for courier in self.couriers.values() if courier.status == "available"]
        return min(
            free,
            key=lambda c: (distance_km(c.lat, c.lon, restaurant.lat, restaurant.lon), c.courier_id),
            default=None,
        )

    def create_order(
        self,
        restaurant: Restaurant,
        address: DeliveryAddress,
        payment: PaymentMethod,
        lines: list[OrderLine],
        placed_at: datetime,
        *,
        tip: float,
        promo: Promotion | None,
        courier: Courier | None,
    ) -> FoodOrder:
        """Price and schedule an order (no checks) and store it with status "placed"."""
        subtotal = round(sum(line.unit_price * line.quantity for line in lines), 2)
        fee = service_fee(subtotal)
        discount = promo_discount(promo, subtotal, restaurant.delivery_fee) if promo else 0.0
        busy = BUSY_EXTRA_MINUTES if restaurant.status == "busy" else 0
        ready_at = placed_at + timedelta(minutes=restaurant.prep_minutes + busy)
        ride = riding_minutes(distance_km(restaurant.lat, restaurant.lon, address.lat, address.lon))
        order = FoodOrder(
            order_id=self.next_id("ORD"),
            restaurant_id=restaurant.restaurant_id,
            address_id=address.address_id,
            payment_method_id=payment.payment_method_id,
            courier_id=courier.courier_id if courier else None,
            status="placed",
            placed_at=placed_at,
            ready_at=ready_at,
            eta=ready_at + timedelta(minutes=ride),
            lines=lines,
            subtotal=subtotal,
            delivery_fee=restaurant.delivery_fee,
            service_fee=fee,
            discount=discount,
            tip=round(tip, 2),
            total=round(subtotal + restaurant.delivery_fee + fee - discount + tip, 2),
            promo_code=promo.code if promo else None,
        )
        self.orders[order.order_id] = order
        if courier is not None:
            courier.status = "delivering"
        if promo is not None and promo.single_use:
            promo.used = True
        return order

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        self.customer = Customer(
            name=f"{first} {last}",
            email=f"{first}.{last}@mailbox.example".lower(),
            phone=f"+1-206-555-{rng.randrange(10000):04d}",
            member_since=self.now.date() - timedelta(days=rng.randint(400, 1500)),
        )
        self._generate_addresses(rng)
        self._generate_payment_methods(rng)
        self._generate_restaurants(rng)
        self._generate_menus(rng)
        self._generate_couriers(rng)
        self._generate_promotions(rng)
        menus: dict[str, list[MenuItem]] = {}
        for item in self.menu_items.values():
            menus.setdefault(item.restaurant_id, []).append(item)
        self._generate_past_orders(rng, menus)
        self._generate_orders_in_progress(rng, menus)
        self._generate_basket(rng, menus)
        self.sync_orders()

    def _spot_in(self, rng: random.Random, district: District) -> tuple[float, float]:
        lat, lon = district_centre(district)
        return round(lat + rng.uniform(-0.006, 0.006), 5), round(lon + rng.uniform(-0.008, 0.008), 5)

    def _street(self, rng: random.Random) -> str:
        return f"{rng.randint(2, 480)} {rng.choice(_STREETS)}"

    def _generate_addresses(self, rng: random.Random) -> None:
        far: tuple[District, ...] = ("Airport Park", "Lakeside")
        central = [d for d in _DISTRICT_KM if d not in far]
        home, work = rng.sample(central, 2)
        plan: list[tuple[str, District, str]] = [
            ("Home", home, rng.choice(("Ring the bell twice.", "Leave at the door.", "Apartment 3B, buzzer 12."))),
            ("Work", work, "Reception desk on the ground floor."),
            ("Parents", rng.choice(far), ""),
        ]
        if rng.random() < 0.5:
            plan.append(("Gym", rng.choice(central), "Call on arrival."))
        for label, district, instructions in plan:
            lat, lon = self._spot_in(rng, district)
            address = DeliveryAddress(
                address_id=self.next_id("ADR", 3),
                label=label,
                street=self._street(rng),
                district=district,
                lat=lat,
                lon=lon,
                instructions=instructions,
            )
            self.addresses[address.address_id] = address

    def _generate_payment_methods(self, rng: random.Random) -> None:
        today = self.now.date()
        expired = today.replace(day=1) - timedelta(days=rng.randint(40, 70))
        valid = f"{today.year + rng.randint(1, 4)}-{rng.randint(1, 12):02d}"
        plan: list[tuple[Literal["card", "paypal"], str, str | None]] = [
            ("card", f"Visa ending {rng.randrange(10000):04d}", valid),
            ("card", f"Mastercard ending {rng.randrange(10000):04d}", f"{expired.year}-{expired.month:02d}"),
            ("paypal", f"PayPal {self.customer.email}", None),
        ]
        if rng.random() < 0.5:
            expires = f"{today.year + 2}-{rng.randint(1, 12):02d}"
            plan.append(("card", f"Amex ending {rng.randrange(10000):04d}", expires))
        for index, (kind, label, expires) in enumerate(plan):
            method = PaymentMethod(
                payment_method_id=self.next_id("PM", 3), kind=kind, label=label, expires=expires, is_default=index == 0
            )
            self.payment_methods[method.payment_method_id] = method

    def _generate_restaurants(self, rng: random.Random) -> None:
        entries = [(cuisine, name) for cuisine, names in _RESTAURANT_NAMES.items() for name in names]
        rng.shuffle(entries)
        districts = [d for d in _DISTRICT_KM if d != "Airport Park"]
        profiles = [windows for windows, _ in _HOURS_PROFILES]
        weights = [weight for _, weight in _HOURS_PROFILES]
        for index, (cuisine, name) in enumerate(entries):
            district: District = "Airport Park" if index == 0 else rng.choice(districts)
            windows = profiles[0] if cuisine == "cafe" and rng.random() < 0.5 else rng.choices(profiles, weights)[0]
            window = rng.choice(windows)
            hours = [window] * 7
            if rng.random() < 0.3:
                hours[rng.choice((0, 1, 6))] = "closed"
            lat, lon = self._spot_in(rng, district)
            radius = rng.uniform(2.5, 5.5)
            restaurant = Restaurant(
                restaurant_id=self.next_id("RST"),
                name=name,
                cuisine=cuisine,
                district=district,
                street=self._street(rng),
                lat=lat,
                lon=lon,
                rating=round(rng.uniform(3.4, 4.9), 1),
                rating_count=rng.randint(25, 2400),
                min_order=float(rng.choice((10, 12, 15, 15, 20, 25))),
                delivery_fee=rng.choice((0.99, 1.49, 1.99, 1.99, 2.49, 2.99, 3.99)),
                prep_minutes=rng.randint(12, 35),
                status="closed" if index in (1, 2) else ("busy" if rng.random() < 0.15 else "open"),
                hours=hours,
                delivery_districts=[
                    d for d in _DISTRICT_KM if distance_km(lat, lon, *district_centre(d)) <= radius or d == district
                ],
            )
            self.restaurants[restaurant.restaurant_id] = restaurant

    def _generate_menus(self, rng: random.Random) -> None:
        for restaurant in self.restaurants.values():
            dishes = _DISHES[restaurant.cuisine]
            chosen = sorted(rng.sample(range(len(dishes)), rng.randint(12, len(dishes))))
            factor = rng.uniform(0.9, 1.25)
            for index in chosen:
                name, _, price, _, options, _ = dishes[index]
                item = MenuItem(
                    item_id=self.next_id("ITM"),
                    restaurant_id=restaurant.restaurant_id,
                    name=name,
                    price=round(round(price * factor * 20) / 20, 2),
                    options=[code for code in options.split() if rng.random() < 0.85],
                    available=rng.random() >= 0.07,
                )
                self.menu_items[item.item_id] = item

    def _generate_couriers(self, rng: random.Random) -> None:
        names = rng.sample([f"{first} {last[0]}." for first in _FIRST_NAMES for last in _LAST_NAMES], 14)
        districts = [d for d in _DISTRICT_KM if d != "Airport Park"]
        for index, name in enumerate(names):
            lat, lon = self._spot_in(rng, rng.choice(districts))
            courier = Courier(
                courier_id=self.next_id("CUR", 3),
                name=name,
                vehicle=rng.choice(("bicycle", "e-bike", "e-bike", "scooter", "car")),
                rating=round(rng.uniform(4.2, 5.0), 2),
                rating_count=rng.randint(30, 1800),
                status="offline" if index % 5 == 4 else "available",
                lat=lat,
                lon=lon,
            )
            self.couriers[courier.courier_id] = courier

    def _generate_promotions(self, rng: random.Random) -> None:
        today = self.now.date()
        open_now = [r for r in self.restaurants.values() if self.is_open(r)]
        featured = rng.choice(open_now or list(self.restaurants.values()))
        plan: list[tuple[str, str, PromoKind, float, float, str | None, int, int, bool]] = [
            ("WELCOME10", "10% off your first order", "percent", 10, 15, None, -900, 900, True),
            ("FREEDEL", "Free delivery on orders over 20.00", "free_delivery", 0, 20, None, -10, 20, False),
            ("SAVE5", "5.00 off orders over 30.00", "fixed", 5, 30, None, -5, 12, False),
            ("LUNCH15", "15% off lunch orders", "percent", 15, 18, None, -40, -3, False),
            ("WINTER20", "20% off everything, winter special", "percent", 20, 25, None, -90, -30, False),
            ("SPRING20", "20% off everything, spring special", "percent", 20, 25, None, 7, 37, False),
            ("TREAT8", "8.00 off one order over 35.00", "fixed", 8, 35, None, -20, 40, True),
            (
                f"{featured.cuisine.upper()}4", f"4.00 off at {featured.name}", "fixed", 4, 16,
                featured.restaurant_id, -7, 21, False,
            ),
        ]
        for code, description, kind, value, minimum, restaurant_id, start, end, single_use in plan:
            self.promotions[code] = Promotion(
                code=code,
                description=description,
                kind=kind,
                value=float(value),
                min_subtotal=float(minimum),
                restaurant_id=restaurant_id,
                valid_from=today + timedelta(days=start),
                valid_until=today + timedelta(days=end),
                single_use=single_use,
            )

    def _delivering_to(self, address: DeliveryAddress) -> list[Restaurant]:
        return [r for r in self.restaurants.values() if address.district in r.delivery_districts]

    @staticmethod
    def _random_lines(rng: random.Random, restaurant: Restaurant, menu: list[MenuItem]) -> list[OrderLine]:
        """One to three dishes of `menu` (one option at most each), topped up to the restaurant's minimum order."""
        lines = []
        for item in rng.sample(menu, rng.randint(1, 3)):
            options = [rng.choice(item.options)] if item.options and rng.random() < 0.35 else []
            quantity = 2 if rng.random() < 0.2 else 1
            lines.append(OrderLine(
                item_id=item.item_id, name=item.name, quantity=quantity, options=options,
                unit_price=unit_price(item, options),
            ))
        while sum(line.unit_price * line.quantity for line in lines) < restaurant.min_order:
            lines[0].quantity += 1
        return lines

    def _generate_past_orders(self, rng: random.Random, menus: dict[str, list[MenuItem]]) -> None:
        addresses = list(self.addresses.values())
        options = {a.address_id: self._delivering_to(a) for a in addresses}
        usable = [a for a in addresses if options[a.address_id]]
        home_choices = options[addresses[0].address_id]
        favourites = {r.restaurant_id for r in rng.sample(home_choices, min(6, len(home_choices)))}
        hours_ago = sorted((rng.uniform(30, 90 * 24) for _ in range(55)), reverse=True)
        hours_ago += [rng.uniform(20, 28), rng.uniform(6, 12)]
        cards = list(self.payment_methods.values())
        couriers = list(self.couriers.values())
        for count, ago in enumerate(hours_ago):
            moment = self.now - timedelta(hours=ago)
            meal = rng.choice(((12, 30), (13, 15), (19, 0), (19, 45), (20, 30)))
            placed_at = moment.replace(hour=meal[0], minute=meal[1] + rng.randrange(14), second=0, microsecond=0)
            if placed_at > self.now - timedelta(hours=3):
                placed_at -= timedelta(days=1)
            address = addresses[0] if rng.random() < 0.6 else rng.choice(usable)
            choices = options[address.address_id]
            favourite = [r for r in choices if r.restaurant_id in favourites]
            restaurant = rng.choice(favourite if favourite and rng.random() < 0.6 else choices)
            payment = cards[0] if rng.random() < 0.6 else rng.choice(cards)
            if payment.expires is not None and payment.expires < f"{placed_at:%Y-%m}":
                payment = cards[0]
            promo = self.promotions["WELCOME10"] if count == 0 else None
            lines = self._random_lines(rng, restaurant, menus[restaurant.restaurant_id])
            order = self.create_order(
                restaurant, address, payment, lines, placed_at,
                tip=float(rng.choice((0, 0, 1, 2, 2, 3, 5))), promo=promo, courier=None,
            )
            order.courier_id = rng.choice(couriers).courier_id
            self._settle_past_order(rng, order)

    def _settle_past_order(self, rng: random.Random, order: FoodOrder) -> None:
        """Finish a generated past order: delivered (often rated), cancelled early, or partly refunded."""
        roll = rng.random()
        if roll < 0.08:
            order.status = "cancelled"
            order.cancelled_at = order.placed_at + timedelta(minutes=3)
            order.refunded = order.total
            return
        order.status = "delivered"
        if roll < 0.13:
            order.status = "refunded"
            order.refunded = round(order.lines[-1].unit_price * order.lines[-1].quantity, 2)
        if self.now - order.eta > timedelta(days=2) and rng.random() < 0.55:
            order.rating = OrderRating(
                restaurant_stars=rng.choice((3, 4, 4, 5, 5, 5)),
                courier_stars=rng.choice((4, 5, 5, 5)),
                comment=rng.choice(_REVIEWS),
            )

    def _generate_orders_in_progress(self, rng: random.Random, menus: dict[str, list[MenuItem]]) -> None:
        """Up to three orders on their way home (from restaurants open now): just accepted, preparing, picked up."""
        home = next(iter(self.addresses.values()))
        payment = next(iter(self.payment_methods.values()))
        open_now = [r for r in self._delivering_to(home) if self.is_open(r)]
        for restaurant, minutes_ago in zip(rng.sample(open_now, min(3, len(open_now))), (3, 11, None)):
            prep = restaurant.prep_minutes + (BUSY_EXTRA_MINUTES if restaurant.status == "busy" else 0)
            ago = minutes_ago if minutes_ago is not None else prep + 3
            menu = [item for item in menus[restaurant.restaurant_id] if item.available]
            self.create_order(
                restaurant, home, payment, self._random_lines(rng, restaurant, menu), self.now - timedelta(minutes=ago),
                tip=2.0, promo=None, courier=self.nearest_courier(restaurant),
            )

    def _generate_basket(self, rng: random.Random, menus: dict[str, list[MenuItem]]) -> None:
        """A basket left from yesterday, at a restaurant delivering home that has not opened yet today."""
        home = next(iter(self.addresses.values()))
        later = [
            r for r in self._delivering_to(home)
            if r.status != "closed" and not self.within_hours(r) and self.next_opening(r) is not None
        ] or self._delivering_to(home)
        restaurant = rng.choice(later)
        self.basket.restaurant_id = restaurant.restaurant_id
        menu = [item for item in menus[restaurant.restaurant_id] if item.available]
        for line in self._random_lines(rng, restaurant, menu):
            self.basket.lines.append(
                BasketLine(line_id=self.next_id("BL"), item_id=line.item_id, quantity=line.quantity,
                           options=line.options)
            )
