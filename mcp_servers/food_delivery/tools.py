"""Food delivery tools: find restaurants and read menus, fill the basket, apply promotions, order, follow, cancel,
refund and rate orders, manage delivery addresses, and let time pass while food is on its way."""

import math
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, ServerDef, ToolError, require
from mcp_servers.food_delivery.world import (
    ACCEPTED_AFTER,
    ACTIVE_STATUSES,
    DISHES,
    KITCHEN_KEEPS_SHARE,
    MAX_ADDRESSES,
    MAX_LINE_QUANTITY,
    MENU_OPTIONS,
    PREPARING_AFTER,
    RATING_WINDOW,
    REFUND_WINDOW,
    WEEKDAYS,
    AddressId,
    Allergen,
    BasketLine,
    BasketLineId,
    Courier,
    CourierId,
    Cuisine,
    Customer,
    DeliveryAddress,
    Diet,
    District,
    FoodDeliveryWorld,
    FoodOrder,
    FoodOrderId,
    MenuItem,
    MenuItemId,
    MenuOption,
    MenuOptionCode,
    OrderLine,
    OrderRating,
    OrderStatus,
    PaymentMethod,
    PaymentMethodId,
    PromoCode,
    Promotion,
    Restaurant,
    RestaurantId,
    RestaurantStatus,
    district_centre,
    distance_km,
    promo_discount,
    service_fee,
    unit_price,
)

server = ServerDef(
    "food_delivery",
    FoodDeliveryWorld,
    group="lifestyle",
    description=(
        "Food delivery app of one customer: restaurants with opening hours, delivery zones and menus, a one-restaurant "
        "basket, promo codes, orders followed from the kitchen to the courier, cancellations, refunds and ratings."
    ),
)

Tip = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Stars = Annotated[int, Field(ge=1, le=5)]
DietFilter = Literal["any", "vegetarian", "vegan"]
_DIETS: dict[str, tuple[Diet, ...]] = {
    "any": ("regular", "vegetarian", "vegan"),
    "vegetarian": ("vegetarian", "vegan"),
    "vegan": ("vegan",),
}


# ----- result models -----


class RestaurantSummary(BaseModel):
    restaurant_id: RestaurantId
    name: str
    cuisine: Cuisine
    district: District
    rating: float
    rating_count: int
    status: RestaurantStatus
    open_now: bool = Field(description="Taking orders now: within today's hours and not closed by the kitchen.")
    hours_today: str
    min_order: float
    delivery_fee: float
    prep_minutes: int
    delivers_to_address: bool | None = Field(None, description="Only when an address_id was given.")
    estimated_delivery_minutes: int | None = Field(None, description="To the given address, from ordering now.")


class RestaurantList(BaseModel):
    now: datetime
    weekday: str
    restaurants: list[RestaurantSummary]
    total_matched: int


class AddressEstimate(BaseModel):
    address_id: AddressId
    label: str
    district: District
    delivers: bool
    estimated_minutes: int | None


class RestaurantDetails(Restaurant):
    now: datetime
    open_now: bool
    hours_today: str
    next_opening: datetime | None = Field(description="When the hours next begin, if not within them now.")
    sections: list[str]
    delivery_to_my_addresses: list[AddressEstimate]


class MenuItemView(BaseModel):
    item_id: MenuItemId
    name: str
    section: str
    price: float
    allergens: list[Allergen]
    diet: Diet
    available: bool = Field(description="False while the item is sold out.")
    options: list[MenuOption]


class RestaurantMenu(BaseModel):
    restaurant_id: RestaurantId
    restaurant_name: str
    open_now: bool
    sections: list[str]
    items: list[MenuItemView]


class PaymentMethodView(PaymentMethod):
    expired: bool


class FoodDeliveryProfile(BaseModel):
    customer: Customer
    addresses: list[DeliveryAddress]
    payment_methods: list[PaymentMethodView]


class BasketLineView(BaseModel):
    line_id: BasketLineId
    item_id: MenuItemId
    name: str
    quantity: int
    options: list[MenuOptionCode]
    unit_price: float
    line_total: float
    note: str


class BasketView(BaseModel):
    restaurant_id: RestaurantId | None
    restaurant_name: str | None
    lines: list[BasketLineView]
    subtotal: float
    min_order: float | None
    delivery_fee: float
    service_fee: float
    promo_code: PromoCode | None
    discount: float
    estimated_total: float = Field(description="Before any tip.")
    problems: list[str] = Field(
        description="What would stop place_food_order now (the address and payment method are checked there)."
    )


class PromotionView(Promotion):
    state: Literal["active", "expired", "upcoming", "used"]


class PromotionList(BaseModel):
    promotions: list[PromotionView]


class OrderSummary(BaseModel):
    order_id: FoodOrderId
    restaurant_id: RestaurantId
    restaurant_name: str
    status: OrderStatus
    placed_at: datetime
    eta: datetime
    total: float
    refunded: float
    item_count: int
    rated: bool


class OrderList(BaseModel):
    orders: list[OrderSummary]
    total_matched: int


class OrderDetails(FoodOrder):
    restaurant_name: str
    address_label: str
    payment_label: str
    courier_name: str | None


class TrackingStep(BaseModel):
    status: OrderStatus
    at: datetime = Field(description="When the step happened or is expected.")
    reached: bool


class CourierPosition(BaseModel):
    courier_id: CourierId
    name: str
    vehicle: str
    rating: float
    lat: float
    lon: float
    km_to_you: float | None = Field(description="Straight-line distance to the delivery address while on the way.")


class OrderTracking(BaseModel):
    order_id: FoodOrderId
    restaurant_id: RestaurantId
    restaurant_name: str
    status: OrderStatus
    now: datetime
    summary: str
    steps: list[TrackingStep]
    eta: datetime | None
    minutes_to_delivery: int | None
    courier: CourierPosition | None


class CancellationReceipt(BaseModel):
    order_id: FoodOrderId
    status: OrderStatus
    cancelled_at: datetime
    refund_amount: float
    kept_by_restaurant: float
    note: str


class RefundReceipt(BaseModel):
    order_id: FoodOrderId
    status: OrderStatus
    refunded_item_ids: list[MenuItemId]
    refund_amount: float
    reason: str


class RatingReceipt(BaseModel):
    order_id: FoodOrderId
    rating: OrderRating
    restaurant_id: RestaurantId
    restaurant_rating: float
    restaurant_rating_count: int
    courier_id: CourierId | None
    courier_rating: float | None


class OrderProgress(BaseModel):
    order_id: FoodOrderId
    restaurant_name: str
    status_before: OrderStatus
    status: OrderStatus
    eta: datetime


class WaitResult(BaseModel):
    waited_minutes: int
    now: datetime
    weekday: str
    order_updates: list[OrderProgress] = Field(description="Every order that was in progress before the wait.")


# ----- lookups and rules shared by the tools -----


def _money(amount: float) -> str:
    return f"{amount:.2f}"


def _restaurant(world: FoodDeliveryWorld, restaurant_id: str) -> Restaurant:
    return require(world.restaurants, restaurant_id, "restaurant", "Use search_restaurants to find restaurant ids.")


def _menu_item(world: FoodDeliveryWorld, item_id: str) -> MenuItem:
    return require(world.menu_items, item_id, "menu item", "Use get_restaurant_menu to see a restaurant's item ids.")


def _address(world: FoodDeliveryWorld, address_id: str) -> DeliveryAddress:
    return require(world.addresses, address_id, "address", "Use get_food_delivery_profile to see saved addresses.")


def _order(world: FoodDeliveryWorld, order_id: str) -> FoodOrder:
    return require(world.orders, order_id, "order", "Use list_food_orders to see your orders.")


def _hours_today(world: FoodDeliveryWorld, restaurant: Restaurant) -> str:
    return restaurant.hours[world.now.weekday()]


def _closed_reason(world: FoodDeliveryWorld, restaurant: Restaurant) -> str | None:
    """Why the restaurant takes no orders now, or None when it does."""
    label = f"{restaurant.name} ({restaurant.restaurant_id})"
    if restaurant.status == "closed":
        return f"{label} is temporarily not taking orders, whatever its hours; choose another restaurant."
    if world.within_hours(restaurant):
        return None
    opening = world.next_opening(restaurant)
    if opening is None:
        when = "it has no opening hours this week"
    elif opening.date() == world.now.date():
        when = f"it opens today at {opening:%H:%M}"
    else:
        when = f"it opens next on {opening:%A at %H:%M}"
    return (
        f"{label} is closed now ({world.now:%A %H:%M}; today's hours: {_hours_today(world, restaurant)}); {when}. "
        "Order elsewhere (search_restaurants with open_now) or wait until it opens."
    )


def _estimate(world: FoodDeliveryWorld, restaurant: Restaurant, address: DeliveryAddress) -> AddressEstimate:
    delivers = address.district in restaurant.delivery_districts
    return AddressEstimate(
        address_id=address.address_id,
        label=address.label,
        district=address.district,
        delivers=delivers,
        estimated_minutes=world.delivery_minutes(restaurant, address) if delivers else None,
    )


def _summary(world: FoodDeliveryWorld, restaurant: Restaurant, address: DeliveryAddress | None) -> RestaurantSummary:
    estimate = _estimate(world, restaurant, address) if address is not None else None
    return RestaurantSummary(
        **restaurant.model_dump(include=set(RestaurantSummary.model_fields)),
        open_now=world.is_open(restaurant),
        hours_today=_hours_today(world, restaurant),
        delivers_to_address=estimate.delivers if estimate else None,
        estimated_delivery_minutes=estimate.estimated_minutes if estimate else None,
    )


def _menu_of(world: FoodDeliveryWorld, restaurant_id: str) -> list[MenuItem]:
    return [item for item in world.menu_items.values() if item.restaurant_id == restaurant_id]


def _sections(items: list[MenuItem]) -> list[str]:
    return list(dict.fromkeys(DISHES[item.name].section for item in items))


def _item_view(item: MenuItem) -> MenuItemView:
    dish = DISHES[item.name]
    return MenuItemView(
        item_id=item.item_id,
        name=item.name,
        section=dish.section,
        price=item.price,
        allergens=dish.allergens,
        diet=dish.diet,
        available=item.available,
        options=[MENU_OPTIONS[code] for code in item.options],
    )


def _check_options(item: MenuItem, options: list[str]) -> list[str]:
    """The chosen option codes, sorted, once each check passed: offered for the item and one per group."""
    if len(set(options)) != len(options):
        raise ToolError("An option is listed twice; list each option code once and use quantity for more units.")
    groups: dict[str, str] = {}
    for code in options:
        if code not in MENU_OPTIONS:
            raise ToolError(f"Unknown option code {code[:40]!r}. The item's options are listed by get_restaurant_menu.")
        if code not in item.options:
            offered = ", ".join(item.options) or "none"
            raise ToolError(f"Option '{code}' is not offered for {item.name} ({item.item_id}); offered: {offered}.")
        group = MENU_OPTIONS[code].group
        if group is not None and group in groups:
            raise ToolError(
                f"Options '{groups[group]}' and '{code}' are both {group} choices; pick at most one per item."
            )
        if group is not None:
            groups[group] = code
    return sorted(options)


def _promo_state(world: FoodDeliveryWorld, promo: Promotion) -> Literal["active", "expired", "upcoming", "used"]:
    today = world.now.date()
    if promo.used:
        return "used"
    if today > promo.valid_until:
        return "expired"
    if today < promo.valid_from:
        return "upcoming"
    return "active"


def _promo_problem(world: FoodDeliveryWorld, promo: Promotion, restaurant_id: str, subtotal: float) -> str | None:
    """Why `promo` cannot discount a basket of `subtotal` at `restaurant_id` now, or None when it can."""
    state = _promo_state(world, promo)
    if state == "used":
        return f"Promo {promo.code} was already used; it is valid for one order only."
    if state == "expired":
        return f"Promo {promo.code} expired on {promo.valid_until.isoformat()}."
    if state == "upcoming":
        return f"Promo {promo.code} is not valid before {promo.valid_from.isoformat()}."
    if promo.restaurant_id is not None and promo.restaurant_id != restaurant_id:
        where = world.restaurants[promo.restaurant_id].name
        return f"Promo {promo.code} is only valid at {where} ({promo.restaurant_id})."
    if subtotal < promo.min_subtotal:
        return (
            f"Promo {promo.code} needs a food subtotal of at least {_money(promo.min_subtotal)}; "
            f"the basket has {_money(subtotal)}."
        )
    return None


def _line_view(world: FoodDeliveryWorld, line: BasketLine) -> BasketLineView:
    item = world.menu_items[line.item_id]
    price = unit_price(item, line.options)
    return BasketLineView(
        line_id=line.line_id,
        item_id=item.item_id,
        name=item.name,
        quantity=line.quantity,
        options=line.options,
        unit_price=price,
        line_total=round(price * line.quantity, 2),
        note=line.note,
    )


def _basket_view(world: FoodDeliveryWorld) -> BasketView:
    basket = world.basket
    lines = [_line_view(world, line) for line in basket.lines]
    subtotal = round(sum(line.line_total for line in lines), 2)
    restaurant = world.restaurants.get(basket.restaurant_id or "")
    if restaurant is None:
        return BasketView(
            restaurant_id=None, restaurant_name=None, lines=[], subtotal=0.0, min_order=None, delivery_fee=0.0,
            service_fee=0.0, promo_code=None, discount=0.0, estimated_total=0.0,
            problems=["The basket is empty; add items with add_food_to_basket."],
        )
    problems = [reason] if (reason := _closed_reason(world, restaurant)) else []
    if subtotal < restaurant.min_order:
        problems.append(_below_minimum(restaurant, subtotal))
    discount = 0.0
    if basket.promo_code is not None:
        promo = world.promotions[basket.promo_code]
        problem = _promo_problem(world, promo, restaurant.restaurant_id, subtotal)
        if problem is None:
            discount = promo_discount(promo, subtotal, restaurant.delivery_fee)
        else:
            problems.append(f"{problem} Apply another code or clear the basket to drop it.")
    fee = service_fee(subtotal)
    return BasketView(
        restaurant_id=restaurant.restaurant_id,
        restaurant_name=restaurant.name,
        lines=lines,
        subtotal=subtotal,
        min_order=restaurant.min_order,
        delivery_fee=restaurant.delivery_fee,
        service_fee=fee,
        promo_code=basket.promo_code,
        discount=discount,
        estimated_total=round(subtotal + restaurant.delivery_fee + fee - discount, 2),
        problems=problems,
    )


def _below_minimum(restaurant: Restaurant, subtotal: float) -> str:
    return (
        f"The food subtotal {_money(subtotal)} is below {restaurant.name}'s minimum order of "
        f"{_money(restaurant.min_order)}; add at least {_money(restaurant.min_order - subtotal)} more."
    )


def _order_details(world: FoodDeliveryWorld, order: FoodOrder) -> OrderDetails:
    courier = world.couriers.get(order.courier_id or "")
    return OrderDetails(
        **order.model_dump(),
        restaurant_name=world.restaurants[order.restaurant_id].name,
        address_label=world.addresses[order.address_id].label,
        payment_label=world.payment_methods[order.payment_method_id].label,
        courier_name=courier.name if courier else None,
    )


def _steps(world: FoodDeliveryWorld, order: FoodOrder) -> list[TrackingStep]:
    plan: list[tuple[OrderStatus, datetime]] = [
        ("placed", order.placed_at),
        ("accepted", order.placed_at + ACCEPTED_AFTER),
        ("preparing", order.placed_at + PREPARING_AFTER),
        ("picked_up", order.ready_at),
        ("delivered", order.eta),
    ]
    if order.status == "cancelled" and order.cancelled_at is not None:
        cancelled_at = order.cancelled_at
        steps = [TrackingStep(status=s, at=at, reached=True) for s, at in plan if at <= cancelled_at]
        return [*steps, TrackingStep(status="cancelled", at=cancelled_at, reached=True)]
    return [TrackingStep(status=s, at=at, reached=at <= world.now) for s, at in plan]


def _tracking_summary(world: FoodDeliveryWorld, order: FoodOrder, courier: Courier | None) -> str:
    restaurant = world.restaurants[order.restaurant_id].name
    rider = courier.name if courier else "a courier"
    minutes = math.ceil((order.eta - world.now).total_seconds() / 60)
    texts: dict[OrderStatus, str] = {
        "placed": f"Waiting for {restaurant} to accept the order.",
        "accepted": f"{restaurant} accepted the order; {rider} is assigned.",
        "preparing": f"{restaurant} is preparing the food; {rider} is waiting at the restaurant.",
        "picked_up": f"{rider} picked up the food and is on the way.",
        "delivered": f"Delivered at {order.eta:%Y-%m-%d %H:%M}.",
        "cancelled": f"Cancelled; {_money(order.refunded)} refunded.",
        "refunded": f"Delivered at {order.eta:%Y-%m-%d %H:%M}; {_money(order.refunded)} refunded.",
    }
    text = texts[order.status]
    if order.status in ACTIVE_STATUSES:
        text += f" Expected at {order.eta:%H:%M} (in about {minutes} min)."
    return text


# ----- discovery -----


@server.read
def search_restaurants(
    world: FoodDeliveryWorld,
    query: Annotated[str, Field(max_length=80)] = "",
    cuisine: Cuisine | None = None,
    district: District | None = None,
    address_id: AddressId | None = None,
    open_now: bool = False,
    min_rating: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] = 0.0,
    max_delivery_fee: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None,
    sort_by: Literal["rating", "delivery_fee", "delivery_time", "name"] = "rating",
    limit: Count = 10,
) -> RestaurantList:
    """Search the city's restaurants by name, cuisine or dish, with filters on location, hours, rating and fees.

    Give address_id to see only restaurants delivering there, with the estimated delivery time.

    Args:
        query: Text found in the restaurant's name, its cuisine, or a dish on its menu (case-insensitive).
        cuisine: Only restaurants of this cuisine.
        district: Only restaurants located in this district.
        address_id: One of your saved addresses: only restaurants that deliver there.
        open_now: Only restaurants taking orders right now.
        min_rating: Only restaurants rated at least this many stars.
        max_delivery_fee: Only restaurants whose delivery fee is at most this.
        sort_by: Highest rating first, lowest delivery fee, fastest delivery (to address_id when given), or name.
        limit: Most restaurants to return.
    """
    address = _address(world, address_id) if address_id is not None else None
    needle = query.strip().lower()
    dish_hits = {
        item.restaurant_id for item in world.menu_items.values() if needle and needle in item.name.lower()
    }
    matches = [
        _summary(world, restaurant, address)
        for restaurant in world.restaurants.values()
        if (not needle or needle in restaurant.name.lower() or needle in restaurant.cuisine
            or restaurant.restaurant_id in dish_hits)
        and cuisine in (None, restaurant.cuisine)
        and district in (None, restaurant.district)
        and (address is None or address.district in restaurant.delivery_districts)
        and (not open_now or world.is_open(restaurant))
        and restaurant.rating >= min_rating
        and (max_delivery_fee is None or restaurant.delivery_fee <= max_delivery_fee)
    ]
    keys = {
        "rating": lambda r: (-r.rating, r.restaurant_id),
        "delivery_fee": lambda r: (r.delivery_fee, r.restaurant_id),
        "delivery_time": lambda r: (r.estimated_delivery_minutes or r.prep_minutes, r.restaurant_id),
        "name": lambda r: (r.name.lower(), r.restaurant_id),
    }
    matches.sort(key=keys[sort_by])
    return RestaurantList(
        now=world.now, weekday=WEEKDAYS[world.now.weekday()], restaurants=matches[:limit], total_matched=len(matches)
    )


@server.read
def get_restaurant(world: FoodDeliveryWorld, restaurant_id: RestaurantId) -> RestaurantDetails:
    """Show a restaurant in full: weekly opening hours, whether it is open now, fees, minimum order, delivery zone,
    and whether and how fast it delivers to each of your saved addresses.

    Args:
        restaurant_id: The restaurant to show.
    """
    restaurant = _restaurant(world, restaurant_id)
    return RestaurantDetails(
        **restaurant.model_dump(),
        now=world.now,
        open_now=world.is_open(restaurant),
        hours_today=_hours_today(world, restaurant),
        next_opening=None if world.within_hours(restaurant) else world.next_opening(restaurant),
        sections=_sections(_menu_of(world, restaurant_id)),
        delivery_to_my_addresses=[_estimate(world, restaurant, a) for a in world.addresses.values()],
    )


@server.read
def get_restaurant_menu(
    world: FoodDeliveryWorld,
    restaurant_id: RestaurantId,
    section: Annotated[str, Field(max_length=60)] | None = None,
    exclude_allergens: Annotated[list[Allergen], Field(max_length=9)] = [],
    diet: DietFilter = "any",
    available_only: bool = False,
) -> RestaurantMenu:
    """List a restaurant's menu items with prices, allergens, diet, availability and the options each can take.

    Args:
        restaurant_id: The restaurant whose menu to show.
        section: Only items of this menu section (e.g. "Pizzas", "Drinks"; case-insensitive).
        exclude_allergens: Leave out items containing any of these allergens.
        diet: "vegetarian" also includes vegan items; "vegan" only vegan ones.
        available_only: Leave out sold-out items.
    """
    restaurant = _restaurant(world, restaurant_id)
    menu = _menu_of(world, restaurant_id)
    wanted_diets = _DIETS[diet]
    items = [
        _item_view(item)
        for item in menu
        if (section is None or DISHES[item.name].section.lower() == section.strip().lower())
        and not set(DISHES[item.name].allergens) & set(exclude_allergens)
        and DISHES[item.name].diet in wanted_diets
        and (item.available or not available_only)
    ]
    return RestaurantMenu(
        restaurant_id=restaurant_id,
        restaurant_name=restaurant.name,
        open_now=world.is_open(restaurant),
        sections=_sections(menu),
        items=items,
    )


@server.read
def get_food_delivery_profile(world: FoodDeliveryWorld) -> FoodDeliveryProfile:
    """Show your account: name and contact, saved delivery addresses, and payment methods (with expired ones marked)."""
    month = f"{world.now:%Y-%m}"
    return FoodDeliveryProfile(
        customer=world.customer,
        addresses=list(world.addresses.values()),
        payment_methods=[
            PaymentMethodView(**method.model_dump(), expired=method.expires is not None and method.expires < month)
            for method in world.payment_methods.values()
        ],
    )


@server.read
def view_food_basket(world: FoodDeliveryWorld) -> BasketView:
    """Show the basket: its restaurant, lines, prices, fees, promo discount, and anything that blocks ordering."""
    return _basket_view(world)


@server.read
def list_food_promotions(
    world: FoodDeliveryWorld, state: Literal["any", "active", "expired", "upcoming", "used"] = "any"
) -> PromotionList:
    """List the promo codes in your account with their conditions and whether each can be used today.

    Args:
        state: Only promotions in this state; "any" lists all.
    """
    views = [
        PromotionView(**promo.model_dump(), state=_promo_state(world, promo)) for promo in world.promotions.values()
    ]
    return PromotionList(promotions=[view for view in views if state in ("any", view.state)])


@server.read
def list_food_orders(
    world: FoodDeliveryWorld,
    status: Literal["any", "in_progress", "delivered", "cancelled", "refunded"] = "any",
    restaurant_id: RestaurantId | None = None,
    limit: Count = 20,
) -> OrderList:
    """List your orders, newest first.

    Args:
        status: "in_progress" for orders not yet delivered; otherwise only orders in this status; "any" lists all.
        restaurant_id: Only orders from this restaurant.
        limit: Most orders to return.
    """
    if restaurant_id is not None:
        _restaurant(world, restaurant_id)
    matches = [
        order
        for order in world.orders.values()
        if (status == "any" or order.status == status or (status == "in_progress" and order.status in ACTIVE_STATUSES))
        and restaurant_id in (None, order.restaurant_id)
    ]
    matches.sort(key=lambda order: (order.placed_at, order.order_id), reverse=True)
    summaries = [
        OrderSummary(
            order_id=order.order_id,
            restaurant_id=order.restaurant_id,
            restaurant_name=world.restaurants[order.restaurant_id].name,
            status=order.status,
            placed_at=order.placed_at,
            eta=order.eta,
            total=order.total,
            refunded=order.refunded,
            item_count=sum(line.quantity for line in order.lines),
            rated=order.rating is not None,
        )
        for order in matches[:limit]
    ]
    return OrderList(orders=summaries, total_matched=len(matches))


@server.read
def get_food_order(world: FoodDeliveryWorld, order_id: FoodOrderId) -> OrderDetails:
    """Show an order's receipt: items and options, prices, fees, discount, tip, refunds, rating, address and payment.

    Args:
        order_id: The order to show.
    """
    return _order_details(world, _order(world, order_id))


@server.read
def track_food_order(world: FoodDeliveryWorld, order_id: FoodOrderId) -> OrderTracking:
    """Follow an order live: its steps with times, the courier's position and distance, and the minutes to delivery.

    Args:
        order_id: The order to track.
    """
    order = _order(world, order_id)
    courier = world.couriers.get(order.courier_id or "")
    active = order.status in ACTIVE_STATUSES
    position = None
    if courier is not None:
        address = world.addresses[order.address_id]
        km = distance_km(courier.lat, courier.lon, address.lat, address.lon)
        position = CourierPosition(
            **courier.model_dump(include={"courier_id", "name", "vehicle", "rating", "lat", "lon"}),
            km_to_you=round(km, 2) if active else None,
        )
    return OrderTracking(
        order_id=order.order_id,
        restaurant_id=order.restaurant_id,
        restaurant_name=world.restaurants[order.restaurant_id].name,
        status=order.status,
        now=world.now,
        summary=_tracking_summary(world, order, courier),
        steps=_steps(world, order),
        eta=order.eta if order.status != "cancelled" else None,
        minutes_to_delivery=math.ceil((order.eta - world.now).total_seconds() / 60) if active else None,
        courier=position,
    )


# ----- basket -----


@server.write
def add_food_to_basket(
    world: FoodDeliveryWorld,
    item_id: MenuItemId,
    quantity: Annotated[int, Field(ge=1, le=MAX_LINE_QUANTITY)] = 1,
    options: Annotated[list[MenuOptionCode], Field(max_length=6)] = [],
    note: Annotated[str, Field(max_length=200)] = "",
) -> BasketView:
    """Add a menu item, with chosen options, to the basket.

    A basket holds items of one restaurant only. Adding the same item with the same options and note again raises
    that line's quantity.

    Args:
        item_id: The menu item (see get_restaurant_menu).
        quantity: How many units to add.
        options: Option codes offered for this item (see the item's options); at most one per option group.
        note: A note for the kitchen, e.g. "no coriander".
    """
    item = _menu_item(world, item_id)
    restaurant = world.restaurants[item.restaurant_id]
    if not item.available:
        raise ToolError(
            f"{item.name} ({item.item_id}) is sold out at {restaurant.name} right now; pick another item from "
            "get_restaurant_menu (available_only=true)."
        )
    chosen = _check_options(item, options)
    basket = world.basket
    if basket.lines and basket.restaurant_id != item.restaurant_id:
        current = world.restaurants[basket.restaurant_id or ""]
        raise ToolError(
            f"Your basket holds items from {current.name} ({current.restaurant_id}), and a basket can only hold one "
            f"restaurant's items; {item.name} is from {restaurant.name} ({restaurant.restaurant_id}). Order or clear "
            "the basket first (clear_food_basket)."
        )
    note = note.strip()
    same = next(
        (
            line
            for line in basket.lines
            if line.item_id == item.item_id and line.options == chosen and line.note == note
        ),
        None,
    )
    if same is not None and same.quantity + quantity > MAX_LINE_QUANTITY:
        raise ToolError(
            f"Line {same.line_id} already has {same.quantity} x {item.name}; a line holds at most "
            f"{MAX_LINE_QUANTITY} units."
        )
    if same is None and len(basket.lines) >= 30:
        raise ToolError("The basket already has 30 lines; raise a line's quantity instead of adding new lines.")
    basket.restaurant_id = item.restaurant_id
    if same is not None:
        same.quantity += quantity
    else:
        basket.lines.append(
            BasketLine(line_id=world.next_id("BL"), item_id=item.item_id, quantity=quantity, options=chosen, note=note)
        )
    return _basket_view(world)


def _empty_basket(world: FoodDeliveryWorld) -> None:
    world.basket.lines = []
    world.basket.restaurant_id = None
    world.basket.promo_code = None


@server.write
def update_food_basket_line(
    world: FoodDeliveryWorld,
    line_id: BasketLineId,
    quantity: Annotated[int, Field(ge=0, le=MAX_LINE_QUANTITY)],
) -> BasketView:
    """Change the quantity of a basket line; quantity 0 removes the line.

    Args:
        line_id: The basket line (see view_food_basket).
        quantity: The new number of units, or 0 to remove the line.
    """
    basket = world.basket
    line = next((line for line in basket.lines if line.line_id == line_id), None)
    if line is None:
        raise ToolError(f"Unknown basket line {line_id[:40]!r}. Use view_food_basket to see the line ids.")
    if quantity == 0:
        basket.lines.remove(line)
        if not basket.lines:
            _empty_basket(world)
    else:
        line.quantity = quantity
    return _basket_view(world)


@server.write
def clear_food_basket(world: FoodDeliveryWorld) -> BasketView:
    """Empty the basket, removing its lines and promo code, e.g. to order from another restaurant."""
    _empty_basket(world)
    return _basket_view(world)


@server.write
def apply_food_promo(world: FoodDeliveryWorld, code: PromoCode) -> BasketView:
    """Apply a promo code to the basket (replacing any code applied before); the discount shows in the basket.

    Args:
        code: The promo code (see list_food_promotions); case-insensitive.
    """
    promo = require(
        world.promotions, code.strip().upper(), "promo code", "Use list_food_promotions to see your promo codes."
    )
    view = _basket_view(world)
    if view.restaurant_id is None:
        raise ToolError("The basket is empty; add items first, then apply the promo code.")
    problem = _promo_problem(world, promo, view.restaurant_id, view.subtotal)
    if problem is not None:
        raise ToolError(problem)
    world.basket.promo_code = promo.code
    return _basket_view(world)


# ----- ordering -----


@server.write
def place_food_order(
    world: FoodDeliveryWorld, address_id: AddressId, payment_method_id: PaymentMethodId, tip: Tip = 0.0
) -> OrderDetails:
    """Order the basket for delivery now to a saved address, paid with a saved payment method; empties the basket.

    The restaurant must be taking orders now and deliver to the address's district, the food subtotal must reach its
    minimum order, the payment method must be unexpired, and an applied promo still valid.

    Args:
        address_id: Where to deliver (see get_food_delivery_profile).
        payment_method_id: How to pay (see get_food_delivery_profile).
        tip: Tip for the courier, added to the total.
    """
    basket = world.basket
    restaurant = world.restaurants.get(basket.restaurant_id or "")
    if restaurant is None or not basket.lines:
        raise ToolError("The basket is empty; add items with add_food_to_basket before ordering.")
    closed = _closed_reason(world, restaurant)
    if closed is not None:
        raise ToolError(closed)
    items = [world.menu_items[line.item_id] for line in basket.lines]
    address = _address(world, address_id)
    if address.district not in restaurant.delivery_districts:
        raise ToolError(
            f"{restaurant.name} does not deliver to {address.label} ({address.address_id}) in {address.district}; it "
            f"delivers to: {', '.join(restaurant.delivery_districts)}. Choose another address or restaurant."
        )
    lines = [
        OrderLine(item_id=item.item_id, name=item.name, quantity=line.quantity, options=line.options,
                  unit_price=unit_price(item, line.options))
        for item, line in zip(items, basket.lines)
    ]
    subtotal = round(sum(line.unit_price * line.quantity for line in lines), 2)
    if subtotal < restaurant.min_order:
        raise ToolError(_below_minimum(restaurant, subtotal))
    payment = require(
        world.payment_methods, payment_method_id, "payment method",
        "Use get_food_delivery_profile to see saved payment methods.",
    )
    if payment.expires is not None and payment.expires < f"{world.now:%Y-%m}":
        raise ToolError(f"{payment.label} ({payment.payment_method_id}) expired in {payment.expires}; pay another way.")
    promo = world.promotions[basket.promo_code] if basket.promo_code else None
    if promo is not None and (problem := _promo_problem(world, promo, restaurant.restaurant_id, subtotal)):
        raise ToolError(f"{problem} Clear the basket or apply another code.")
    courier = world.nearest_courier(restaurant)
    if courier is None:
        raise ToolError("No courier is free right now; wait a few minutes (wait_for_food_order) and try again.")
    order = world.create_order(
        restaurant, address, payment, lines, world.now, tip=tip, promo=promo, courier=courier
    )
    _empty_basket(world)
    return _order_details(world, order)


@server.write
def cancel_food_order(world: FoodDeliveryWorld, order_id: FoodOrderId) -> CancellationReceipt:
    """Cancel an order that the courier has not picked up yet.

    Before the kitchen starts preparing, everything is refunded; while it prepares, half the food subtotal is kept
    by the restaurant and the rest refunded.

    Args:
        order_id: The order to cancel.
    """
    order = _order(world, order_id)
    if order.status == "picked_up":
        courier = world.couriers.get(order.courier_id or "")
        rider = courier.name if courier else "the courier"
        raise ToolError(
            f"Order {order.order_id} was picked up by {rider} at {order.ready_at:%H:%M} and can no longer be "
            f"cancelled; it arrives around {order.eta:%H:%M}. After delivery, use request_food_refund for problems."
        )
    if order.status in ("delivered", "refunded"):
        raise ToolError(
            f"Order {order.order_id} was already delivered at {order.eta:%Y-%m-%d %H:%M}; use request_food_refund "
            "for missing or wrong items."
        )
    if order.status == "cancelled":
        raise ToolError(f"Order {order.order_id} is already cancelled ({_money(order.refunded)} refunded).")
    kept = min(order.total, round(order.subtotal * KITCHEN_KEEPS_SHARE, 2)) if order.status == "preparing" else 0.0
    refund = round(order.total - kept, 2)
    order.status = "cancelled"
    order.cancelled_at = world.now
    order.refunded = refund
    courier = world.couriers.get(order.courier_id or "")
    if courier is not None:
        courier.status = "available"
    promo = world.promotions.get(order.promo_code or "")
    if promo is not None and promo.single_use:
        promo.used = False
    note = (
        f"The kitchen had started preparing; {_money(kept)} is kept by the restaurant."
        if kept
        else "Cancelled before preparation; the full amount is refunded."
    )
    return CancellationReceipt(
        order_id=order.order_id, status=order.status, cancelled_at=world.now, refund_amount=refund,
        kept_by_restaurant=kept, note=note,
    )


@server.write
def request_food_refund(
    world: FoodDeliveryWorld,
    order_id: FoodOrderId,
    item_ids: Annotated[list[MenuItemId], Field(min_length=1, max_length=10)],
    reason: Literal["missing", "wrong_item", "damaged", "poor_quality"],
) -> RefundReceipt:
    """Get a refund for items of a delivered order that were missing, wrong, damaged or poor, within 48 hours.

    The refund is what those lines cost (all their units), less their share of any promo discount on food. One refund
    request per order.

    Args:
        order_id: The delivered order.
        item_ids: The menu items of that order to refund (see get_food_order).
        reason: What was wrong with them.
    """
    order = _order(world, order_id)
    if order.status == "refunded":
        raise ToolError(f"Order {order.order_id} already received a refund of {_money(order.refunded)}.")
    if order.status == "cancelled":
        raise ToolError(f"Order {order.order_id} was cancelled and {_money(order.refunded)} refunded already.")
    if order.status != "delivered":
        raise ToolError(
            f"Order {order.order_id} is not delivered yet (status {order.status}, expected at {order.eta:%H:%M}); "
            "follow it with track_food_order, or cancel it with cancel_food_order before pickup."
        )
    if world.now - order.eta > REFUND_WINDOW:
        raise ToolError(
            f"Order {order.order_id} was delivered on {order.eta:%Y-%m-%d %H:%M}; refunds must be requested within "
            "48 hours of delivery."
        )
    wanted = list(dict.fromkeys(item_ids))
    ordered = {line.item_id for line in order.lines}
    missing = [item_id for item_id in wanted if item_id not in ordered]
    if missing:
        listed = ", ".join(f"{line.item_id} ({line.name})" for line in order.lines)
        raise ToolError(f"Not in order {order.order_id}: {', '.join(m[:40] for m in missing)}. Its items: {listed}.")
    promo = world.promotions.get(order.promo_code or "")
    food_discount = order.discount if promo is not None and promo.kind != "free_delivery" else 0.0
    paid_share = (order.subtotal - food_discount) / order.subtotal if order.subtotal else 0.0
    cost = sum(line.unit_price * line.quantity for line in order.lines if line.item_id in wanted)
    order.refunded = round(cost * paid_share, 2)
    order.status = "refunded"
    return RefundReceipt(
        order_id=order.order_id, status=order.status, refunded_item_ids=wanted, refund_amount=order.refunded,
        reason=reason,
    )


def _average(current: float, count: int, stars: int) -> float:
    return round((current * count + stars) / (count + 1), 2)


@server.write
def rate_food_order(
    world: FoodDeliveryWorld,
    order_id: FoodOrderId,
    restaurant_stars: Stars,
    courier_stars: Stars | None = None,
    comment: Annotated[str, Field(max_length=500)] = "",
) -> RatingReceipt:
    """Rate a delivered order: stars for the restaurant and, optionally, for the courier, with a comment.

    Only delivered orders can be rated, once, within 14 days of delivery. The stars update the public averages.

    Args:
        order_id: The delivered order to rate.
        restaurant_stars: 1 to 5 stars for the food and the restaurant.
        courier_stars: 1 to 5 stars for the courier.
        comment: A short review.
    """
    order = _order(world, order_id)
    if order.status not in ("delivered", "refunded"):
        raise ToolError(
            f"Order {order.order_id} is {order.status.replace('_', ' ')}, not delivered; only delivered orders can be "
            "rated."
        )
    if order.rating is not None:
        raise ToolError(f"Order {order.order_id} was already rated ({order.rating.restaurant_stars} stars).")
    if world.now - order.eta > RATING_WINDOW:
        raise ToolError(
            f"Order {order.order_id} was delivered on {order.eta:%Y-%m-%d}; orders can be rated within 14 days only."
        )
    restaurant = world.restaurants[order.restaurant_id]
    restaurant.rating = _average(restaurant.rating, restaurant.rating_count, restaurant_stars)
    restaurant.rating_count += 1
    courier = world.couriers.get(order.courier_id or "")
    if courier is not None and courier_stars is not None:
        courier.rating = _average(courier.rating, courier.rating_count, courier_stars)
        courier.rating_count += 1
    order.rating = OrderRating(restaurant_stars=restaurant_stars, courier_stars=courier_stars, comment=comment.strip())
    return RatingReceipt(
        order_id=order.order_id,
        rating=order.rating,
        restaurant_id=restaurant.restaurant_id,
        restaurant_rating=restaurant.rating,
        restaurant_rating_count=restaurant.rating_count,
        courier_id=courier.courier_id if courier else None,
        courier_rating=courier.rating if courier else None,
    )


# ----- account and clock -----


@server.write
def add_food_delivery_address(
    world: FoodDeliveryWorld,
    label: Annotated[str, Field(min_length=1, max_length=40)],
    street: Annotated[str, Field(min_length=3, max_length=120)],
    district: District,
    instructions: Annotated[str, Field(max_length=200)] = "",
) -> DeliveryAddress:
    """Save a new delivery address.

    Args:
        label: A short unique name for it, e.g. "Office".
        street: Street and number.
        district: The city district it is in (restaurants deliver by district).
        instructions: Directions for the courier.
    """
    label, street = label.strip(), street.strip()
    if not label or len(street) < 3:
        raise ToolError("Give a non-blank label and a street with its number.")
    taken = next((a for a in world.addresses.values() if a.label.lower() == label.lower()), None)
    if taken is not None:
        raise ToolError(
            f"You already have an address labelled {taken.label!r} ({taken.address_id}); pick another label."
        )
    if len(world.addresses) >= MAX_ADDRESSES:
        raise ToolError(f"You already have {MAX_ADDRESSES} saved addresses, the most allowed.")
    lat, lon = district_centre(district)
    address = DeliveryAddress(
        address_id=world.next_id("ADR", 3), label=label, street=street, district=district, lat=lat, lon=lon,
        instructions=instructions.strip(),
    )
    world.addresses[address.address_id] = address
    return address


@server.write
def wait_for_food_order(world: FoodDeliveryWorld, minutes: Annotated[int, Field(ge=1, le=720)]) -> WaitResult:
    """Let time pass: orders in progress move on (accepted, preparing, picked up, delivered) and restaurants open
    or close with their hours.

    Args:
        minutes: How many minutes to wait.
    """
    before = {order.order_id: order.status for order in world.orders.values() if order.status in ACTIVE_STATUSES}
    world.advance(timedelta(minutes=minutes))
    world.sync_orders()
    updates = [
        OrderProgress(
            order_id=order_id,
            restaurant_name=world.restaurants[world.orders[order_id].restaurant_id].name,
            status_before=status,
            status=world.orders[order_id].status,
            eta=world.orders[order_id].eta,
        )
        for order_id, status in before.items()
    ]
    return WaitResult(
        waited_minutes=minutes, now=world.now, weekday=WEEKDAYS[world.now.weekday()], order_updates=updates
    )
