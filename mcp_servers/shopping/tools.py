"""Shopping tools: browse the catalog, look up shoppers, manage the cart and its coupon, check out, track, cancel and
return orders, keep wishlists, add addresses, redeem gift cards and review purchased products."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, Name, ServerDef, ToolError, require
from mcp_servers.shopping.world import (
    POINT_VALUE,
    RETURN_WINDOW_DAYS,
    SALES_TAX,
    Address,
    AddressId,
    Cart,
    CartItem,
    Category,
    Coupon,
    CouponCode,
    GiftCardCode,
    Order,
    OrderId,
    OrderItem,
    OrderStatus,
    PaymentCard,
    PaymentCardId,
    Product,
    ProductId,
    Quote,
    ReturnReason,
    Review,
    Shopper,
    ShopperId,
    ShoppingWorld,
    ShopReturn,
    ShippingMethod,
    Variant,
    VariantId,
    coupon_shares,
    eligible_spend,
    estimated_delivery,
    price_order,
)

server = ServerDef(
    "shopping",
    ShoppingWorld,
    group="commerce",
    description=(
        "Online store: product catalog with size/color variants and stock, shopper accounts (addresses, payment "
        "cards, loyalty points, gift card balance), carts, coupons, checkout, order tracking, cancellations, "
        "returns, wishlists and product reviews."
    ),
)

Quantity = Annotated[int, Field(ge=1, le=99)]
Points = Annotated[int, Field(ge=0, le=10_000_000)]
Price = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
StateCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
ZipCode = Annotated[str, Field(pattern=r"^[0-9]{5}$")]
ReviewBody = Annotated[str, Field(max_length=2000)]
CouponStatus = Literal["active", "expired", "used_up"]

MAX_ADDRESSES = 5
MAX_WISHLIST = 50


# ----- result models -----


class ProductView(Product):
    price_from: float = Field(description="Lowest variant price.")
    in_stock: bool = Field(description="Whether any variant has stock.")
    variants: list[Variant]


class ProductSearchResult(BaseModel):
    products: list[ProductView]
    total_matched: int


class ProductDetails(ProductView):
    recent_reviews: list[Review]


class ReviewList(BaseModel):
    product_id: ProductId
    reviews: list[Review]
    total_matched: int


class ShopperSummary(BaseModel):
    shopper_id: ShopperId
    full_name: str
    email: str
    member_since: date


class ShopperList(BaseModel):
    shoppers: list[ShopperSummary]
    total_matched: int


class PaymentCardView(PaymentCard):
    expired: bool


class ShopperProfile(BaseModel):
    shopper_id: ShopperId
    full_name: str
    email: str
    member_since: date
    loyalty_points: int
    loyalty_points_value: float = Field(description="What the points are worth in USD at checkout.")
    gift_card_balance: float
    default_address_id: AddressId | None
    addresses: list[Address]
    payment_cards: list[PaymentCardView]
    wishlist: list[ProductId]
    cart_item_count: int
    order_ids: list[OrderId]


class CartLine(BaseModel):
    variant_id: VariantId
    product_id: ProductId
    product_name: str
    category: Category
    size: str | None
    color: str | None
    unit_price: float
    quantity: int
    line_total: float
    stock: int
    max_per_order: int


class CartView(BaseModel):
    shopper_id: ShopperId
    lines: list[CartLine]
    item_count: int
    subtotal: float
    coupon_code: CouponCode | None
    discount: float
    subtotal_after_discount: float
    notes: list[str] = Field(description="Problems that would stop checkout, such as a coupon that no longer applies.")


class CheckoutPreview(Quote):
    shopper_id: ShopperId
    address_id: AddressId
    ship_to: str
    estimated_delivery: date


class CouponView(BaseModel):
    code: CouponCode
    description: str
    kind: str
    value: float
    min_spend: float
    category: Category | None
    max_discount: float | None
    expires_at: datetime
    status: CouponStatus
    used_by_shopper: bool | None = Field(description="Whether the given shopper already used it (null if none given).")


class CouponList(BaseModel):
    coupons: list[CouponView]


class OrderSummary(BaseModel):
    order_id: OrderId
    status: OrderStatus
    placed_at: datetime
    item_count: int
    total: float
    estimated_delivery: date
    delivered_at: datetime | None


class OrderList(BaseModel):
    shopper_id: ShopperId
    orders: list[OrderSummary]
    total_matched: int


class OrderItemView(OrderItem):
    product_name: str
    size: str | None
    color: str | None
    final_sale: bool


class OrderView(Order):
    items: list[OrderItemView]
    ship_to: str
    estimated_delivery: date
    return_deadline: date | None = Field(description="Last day to return items (delivered orders only).")
    returns: list[ShopReturn]


class TrackingEvent(BaseModel):
    at: datetime
    event: str


class Tracking(BaseModel):
    order_id: OrderId
    status: OrderStatus
    shipping_method: ShippingMethod
    carrier: str | None
    tracking_number: str | None
    estimated_delivery: date
    ship_to: str
    events: list[TrackingEvent]


class Wishlist(BaseModel):
    shopper_id: ShopperId
    products: list[ProductView]


class CheckoutReceipt(BaseModel):
    order: OrderView
    loyalty_points_balance: int
    gift_card_balance: float


class CancellationReceipt(BaseModel):
    order: OrderView
    refunded_to_card: float
    gift_card_balance_restored: float
    points_restored: int
    points_removed: int = Field(description="Points earned on the order, taken back.")


class ReturnReceipt(BaseModel):
    shop_return: ShopReturn
    order_status: OrderStatus
    gift_card_balance: float


class AddressAdded(BaseModel):
    shopper_id: ShopperId
    address: Address
    default_address_id: AddressId | None


class ReviewPosted(BaseModel):
    review: Review
    product_rating: float
    product_rating_count: int


class GiftCardRedemption(BaseModel):
    shopper_id: ShopperId
    amount_added: float
    gift_card_balance: float


# ----- lookups and shared rules -----


def _usd(amount: float) -> str:
    return f"{amount:,.2f} USD"


def _shopper(world: ShoppingWorld, shopper_id: str) -> Shopper:
    return require(world.shoppers, shopper_id, "shopper", "Use find_shop_shoppers to look up the shopper id.")


def _product(world: ShoppingWorld, product_id: str) -> Product:
    return require(world.products, product_id, "product", "Use search_shop_products to find product ids.")


def _variant(world: ShoppingWorld, variant_id: str) -> Variant:
    return require(
        world.variants, variant_id, "variant", "Use search_shop_products or get_shop_product to see variant ids."
    )


def _order(world: ShoppingWorld, order_id: str) -> Order:
    return require(world.orders, order_id, "order", "Use list_shop_orders to see a shopper's orders.")


def _coupon(world: ShoppingWorld, code: str) -> Coupon:
    return require(world.coupons, code.strip().upper(), "coupon", "Use list_shop_coupons to see the coupons.")


def _variant_label(variant: Variant) -> str:
    options = ", ".join(option for option in (variant.size, variant.color) if option)
    return f"{variant.variant_id} ({options})" if options else variant.variant_id


def _variants_by_product(world: ShoppingWorld) -> dict[str, list[Variant]]:
    grouped: dict[str, list[Variant]] = {}
    for variant in world.variants.values():
        grouped.setdefault(variant.product_id, []).append(variant)
    return grouped


def _product_view(product: Product, variants: list[Variant]) -> ProductView:
    return ProductView(
        **product.model_dump(),
        price_from=min((variant.price for variant in variants), default=0.0),
        in_stock=any(variant.stock > 0 for variant in variants),
        variants=variants,
    )


def _cart_lines(world: ShoppingWorld, cart: Cart) -> list[CartLine]:
    lines = []
    for item in cart.items:
        variant = world.variants[item.variant_id]
        product = world.products[variant.product_id]
        lines.append(CartLine(
            variant_id=variant.variant_id,
            product_id=product.product_id,
            product_name=product.name,
            category=product.category,
            size=variant.size,
            color=variant.color,
            unit_price=variant.price,
            quantity=item.quantity,
            line_total=round(variant.price * item.quantity, 2),
            stock=variant.stock,
            max_per_order=product.max_per_order,
        ))
    return lines


def _priced(lines: list[CartLine]) -> list[tuple[Category, float]]:
    return [(line.category, line.line_total) for line in lines]


def _coupon_status(world: ShoppingWorld, coupon: Coupon) -> CouponStatus:
    if world.now > coupon.expires_at:
        return "expired"
    if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
        return "used_up"
    return "active"


def _coupon_problem(world: ShoppingWorld, coupon: Coupon, shopper_id: str, lines: list[CartLine]) -> str | None:
    """Why `coupon` cannot discount these cart lines for this shopper now, or None when it can."""
    status = _coupon_status(world, coupon)
    if status == "expired":
        return f"Coupon {coupon.code} expired on {coupon.expires_at:%Y-%m-%d}."
    if status == "used_up":
        return f"Coupon {coupon.code} has reached its usage limit of {coupon.max_uses} uses."
    if shopper_id in coupon.used_by:
        return f"Shopper {shopper_id} already used coupon {coupon.code}; each shopper may use it once."
    priced = _priced(lines)
    if coupon.category is not None and not any(category == coupon.category for category, _ in priced):
        return f"Coupon {coupon.code} applies to {coupon.category} items only, and the cart has none."
    spend = eligible_spend(coupon, priced)
    if spend < coupon.min_spend:
        scope = f"{coupon.category} items" if coupon.category else "items"
        return (
            f"Coupon {coupon.code} needs a minimum spend of {_usd(coupon.min_spend)} on {scope}; the cart has "
            f"{_usd(spend)}."
        )
    return None


def _cart_view(world: ShoppingWorld, cart: Cart) -> CartView:
    lines = _cart_lines(world, cart)
    subtotal = round(sum(line.line_total for line in lines), 2)
    notes = []
    discount = 0.0
    if cart.coupon_code is not None:
        coupon = world.coupons[cart.coupon_code]
        problem = _coupon_problem(world, coupon, cart.shopper_id, lines) if lines else None
        if problem is None:
            discount = round(sum(coupon_shares(coupon, _priced(lines))), 2)
        else:
            notes.append(f"{problem} Remove it with remove_shop_coupon before checkout.")
    for line in lines:
        product = world.products[line.product_id]
        if product.status == "discontinued":
            notes.append(f"{line.product_name} is discontinued; remove {line.variant_id} before checkout.")
        elif line.quantity > line.stock:
            notes.append(f"Only {line.stock} of {line.variant_id} left in stock; the cart holds {line.quantity}.")
    return CartView(
        shopper_id=cart.shopper_id,
        lines=lines,
        item_count=sum(line.quantity for line in lines),
        subtotal=subtotal,
        coupon_code=cart.coupon_code,
        discount=discount,
        subtotal_after_discount=round(subtotal - discount, 2),
        notes=notes,
    )


def _check_can_hold(world: ShoppingWorld, cart: Cart, variant: Variant, quantity: int) -> None:
    """The cart may hold `quantity` units of `variant`: sold, in stock, and within the product's per-order limit."""
    product = world.products[variant.product_id]
    if product.status == "discontinued":
        raise ToolError(
            f"{product.name} ({product.product_id}) is discontinued and can no longer be bought; remove it from "
            "the cart if it is there."
        )
    if variant.stock == 0:
        raise ToolError(
            f"{product.name} {_variant_label(variant)} is out of stock. See get_shop_product for other variants."
        )
    if quantity > variant.stock:
        raise ToolError(
            f"Only {variant.stock} of {product.name} {_variant_label(variant)} left in stock; "
            f"{quantity} requested in the cart."
        )
    others = sum(
        item.quantity
        for item in cart.items
        if item.variant_id != variant.variant_id and world.variants[item.variant_id].product_id == product.product_id
    )
    if others + quantity > product.max_per_order:
        raise ToolError(
            f"{product.name} is limited to {product.max_per_order} per order; the cart would hold "
            f"{others + quantity}."
        )


def _cart_item(cart: Cart, variant_id: str) -> CartItem:
    for item in cart.items:
        if item.variant_id == variant_id:
            return item
    held = ", ".join(item.variant_id for item in cart.items) or "nothing"
    raise ToolError(f"Variant {variant_id[:64]!r} is not in the cart of {cart.shopper_id}; the cart holds {held}.")


def _address(shopper: Shopper, address_id: str | None) -> Address:
    """The named address of the shopper, or their default one."""
    if not shopper.addresses:
        raise ToolError(
            f"Shopper {shopper.shopper_id} has no saved shipping address. Add one with add_shop_address first."
        )
    wanted = address_id or shopper.default_address_id
    for address in shopper.addresses:
        if address.address_id == wanted:
            return address
    saved = ", ".join(address.address_id for address in shopper.addresses)
    raise ToolError(f"Address {str(wanted)[:64]!r} is not saved for {shopper.shopper_id}; their addresses: {saved}.")


def _payment_card(world: ShoppingWorld, shopper: Shopper, payment_card_id: str) -> PaymentCard:
    for card in shopper.payment_cards:
        if card.payment_card_id == payment_card_id:
            if card.is_expired(world.now):
                raise ToolError(
                    f"Payment card {card.payment_card_id} ({card.brand} ending {card.last4}) expired in "
                    f"{card.expires}. Use another card saved for {shopper.shopper_id} (see get_shop_shopper)."
                )
            return card
    saved = ", ".join(card.payment_card_id for card in shopper.payment_cards) or "none"
    raise ToolError(
        f"Payment card {payment_card_id[:64]!r} is not saved for {shopper.shopper_id}; their cards: {saved}."
    )


def _prepare_checkout(
    world: ShoppingWorld,
    shopper: Shopper,
    address_id: str | None,
    shipping_method: ShippingMethod,
    redeem_points: int,
    use_gift_card_balance: bool,
) -> tuple[Address, list[CartLine], Quote, list[float]]:
    """Check that the shopper's cart can be ordered as asked, and price it."""
    cart = world.carts[shopper.shopper_id]
    if not cart.items:
        raise ToolError(f"The cart of {shopper.shopper_id} is empty. Add items with add_to_shop_cart.")
    address = _address(shopper, address_id)
    for item in cart.items:
        _check_can_hold(world, cart, world.variants[item.variant_id], item.quantity)
    lines = _cart_lines(world, cart)
    coupon = world.coupons[cart.coupon_code] if cart.coupon_code is not None else None
    if coupon is not None and (problem := _coupon_problem(world, coupon, shopper.shopper_id, lines)):
        raise ToolError(f"{problem} Remove it with remove_shop_coupon to check out without it.")
    if redeem_points > shopper.loyalty_points:
        raise ToolError(
            f"Shopper {shopper.shopper_id} has {shopper.loyalty_points} loyalty points; cannot redeem {redeem_points}."
        )
    gift = shopper.gift_card_balance if use_gift_card_balance else 0.0
    quote, shares = price_order(_priced(lines), coupon, shipping_method, address.state, redeem_points, gift)
    if quote.points_value > quote.total:
        usable = int(round(quote.total / POINT_VALUE))
        raise ToolError(
            f"Redeeming {redeem_points} points ({_usd(quote.points_value)}) exceeds the order total of "
            f"{_usd(quote.total)}; redeem at most {usable} points."
        )
    return address, lines, quote, shares


def _ship_to(world: ShoppingWorld, order: Order) -> str:
    shopper = world.shoppers[order.shopper_id]
    for address in shopper.addresses:
        if address.address_id == order.address_id:
            return address.one_line()
    return order.address_id


def _order_view(world: ShoppingWorld, order: Order) -> OrderView:
    items = []
    for item in order.items:
        variant = world.variants[item.variant_id]
        product = world.products[item.product_id]
        items.append(OrderItemView(
            **item.model_dump(),
            product_name=product.name,
            size=variant.size,
            color=variant.color,
            final_sale=product.final_sale,
        ))
    deadline = None
    if order.delivered_at is not None:
        deadline = (order.delivered_at + timedelta(days=RETURN_WINDOW_DAYS)).date()
    return OrderView(
        **order.model_dump(exclude={"items"}),
        items=items,
        ship_to=_ship_to(world, order),
        estimated_delivery=estimated_delivery(order.placed_at, order.shipping_method),
        return_deadline=deadline,
        returns=[record for record in world.returns.values() if record.order_id == order.order_id],
    )


def _review_aggregate(product: Product, rating: int) -> None:
    count = product.rating_count + 1
    product.rating = round((product.rating * product.rating_count + rating) / count, 2)
    product.rating_count = count


# ----- catalog -----


@server.read
def search_shop_products(
    world: ShoppingWorld,
    query: Annotated[str, Field(max_length=200)] = "",
    category: Category | None = None,
    brand: Annotated[str, Field(max_length=120)] = "",
    max_price: Price | None = None,
    min_rating: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] = 0,
    in_stock_only: bool = False,
    include_discontinued: bool = False,
    sort: Literal["rating", "price_low", "price_high", "name"] = "rating",
    limit: Count = 20,
) -> ProductSearchResult:
    """Search the catalog; each product comes with its variants (variant_id, size, color, price, stock).

    Every word of the query must appear in the product name, brand or category (case-insensitive). Add variants to
    a cart by their variant_id.

    Args:
        query: Words to look for, e.g. "running shoe"; empty lists everything that passes the filters.
        category: Only products of this category.
        brand: Only brands containing this text.
        max_price: Only products with a variant at or below this price (USD).
        min_rating: Only products rated at least this many stars.
        in_stock_only: Only products with at least one variant in stock.
        include_discontinued: Also list discontinued products (they cannot be bought).
        sort: Order of results: best rated, cheapest, most expensive, or by name.
        limit: Most products to return.
    """
    words = query.lower().split()
    brand_text = brand.strip().lower()
    grouped = _variants_by_product(world)
    found = []
    for product in world.products.values():
        variants = grouped.get(product.product_id, [])
        haystack = f"{product.name} {product.brand} {product.category}".lower()
        if (
            all(word in haystack for word in words)
            and category in (None, product.category)
            and brand_text in product.brand.lower()
            and (include_discontinued or product.status == "active")
            and product.rating >= min_rating
            and (max_price is None or any(variant.price <= max_price for variant in variants))
            and (not in_stock_only or any(variant.stock > 0 for variant in variants))
        ):
            found.append(_product_view(product, variants))
    if sort == "rating":
        found.sort(key=lambda view: (-view.rating, view.product_id))
    elif sort == "name":
        found.sort(key=lambda view: (view.name, view.product_id))
    else:
        found.sort(key=lambda view: (view.price_from, view.product_id), reverse=sort == "price_high")
    return ProductSearchResult(products=found[:limit], total_matched=len(found))


@server.read
def get_shop_product(world: ShoppingWorld, product_id: ProductId) -> ProductDetails:
    """Show one product: its variants with price and stock, the per-order limit, and its three newest reviews.

    Args:
        product_id: The product to show.
    """
    product = _product(world, product_id)
    variants = [variant for variant in world.variants.values() if variant.product_id == product_id]
    reviews = sorted(
        (review for review in world.reviews.values() if review.product_id == product_id),
        key=lambda review: (review.created_at, review.review_id),
        reverse=True,
    )
    return ProductDetails(**_product_view(product, variants).model_dump(), recent_reviews=reviews[:3])


@server.read
def list_shop_product_reviews(
    world: ShoppingWorld,
    product_id: ProductId,
    min_rating: Annotated[int, Field(ge=1, le=5)] = 1,
    max_rating: Annotated[int, Field(ge=1, le=5)] = 5,
    limit: Count = 20,
) -> ReviewList:
    """List the reviews shoppers wrote for a product, newest first.

    Args:
        product_id: The product whose reviews to list.
        min_rating: Only reviews with at least this many stars.
        max_rating: Only reviews with at most this many stars.
        limit: Most reviews to return.
    """
    _product(world, product_id)
    reviews = sorted(
        (
            review
            for review in world.reviews.values()
            if review.product_id == product_id and min_rating <= review.rating <= max_rating
        ),
        key=lambda review: (review.created_at, review.review_id),
        reverse=True,
    )
    return ReviewList(product_id=product_id, reviews=reviews[:limit], total_matched=len(reviews))


# ----- shoppers -----


@server.read
def find_shop_shoppers(
    world: ShoppingWorld, query: Annotated[str, Field(min_length=2, max_length=120)], limit: Count = 10
) -> ShopperList:
    """Find store shoppers by part of their name, email or shopper id (case-insensitive).

    Args:
        query: Text to look for in the name, email or shopper id.
        limit: Most shoppers to return.
    """
    needle = query.strip().lower()
    summary_fields = set(ShopperSummary.model_fields)
    found = [
        ShopperSummary(**shopper.model_dump(include=summary_fields))
        for shopper in world.shoppers.values()
        if needle in shopper.full_name.lower() or needle in shopper.email or needle in shopper.shopper_id.lower()
    ]
    return ShopperList(shoppers=found[:limit], total_matched=len(found))


@server.read
def get_shop_shopper(world: ShoppingWorld, shopper_id: ShopperId) -> ShopperProfile:
    """Show a shopper's account: addresses, payment cards (and whether expired), points, gift card balance, orders.

    Args:
        shopper_id: The shopper to show.
    """
    shopper = _shopper(world, shopper_id)
    return ShopperProfile(
        **shopper.model_dump(exclude={"payment_cards"}),
        loyalty_points_value=round(shopper.loyalty_points * POINT_VALUE, 2),
        payment_cards=[
            PaymentCardView(**card.model_dump(), expired=card.is_expired(world.now)) for card in shopper.payment_cards
        ],
        cart_item_count=sum(item.quantity for item in world.carts[shopper_id].items),
        order_ids=[order.order_id for order in world.orders.values() if order.shopper_id == shopper_id],
    )


@server.write
def add_shop_address(
    world: ShoppingWorld,
    shopper_id: ShopperId,
    recipient: Name,
    street: Name,
    city: Name,
    state: StateCode,
    zip_code: ZipCode,
    label: Literal["Home", "Work", "Other"] = "Home",
    make_default: bool = False,
) -> AddressAdded:
    """Save a US shipping address for a shopper; their first address becomes the default one.

    Args:
        shopper_id: The shopper saving the address.
        recipient: Name of the person receiving parcels.
        street: House number and street, with any apartment or unit.
        city: City.
        state: Two-letter US state code, e.g. "TX".
        zip_code: Five-digit ZIP code.
        label: A label to tell addresses apart.
        make_default: Use this address by default at checkout.
    """
    shopper = _shopper(world, shopper_id)
    if state not in SALES_TAX:
        raise ToolError(f"{state!r} is not a US state code; the store ships within the US only.")
    if not (recipient.strip() and street.strip() and city.strip()):
        raise ToolError("The recipient, street and city must not be blank.")
    if len(shopper.addresses) >= MAX_ADDRESSES:
        raise ToolError(f"Shopper {shopper_id} already has the maximum of {MAX_ADDRESSES} saved addresses.")
    address = Address(
        address_id=world.next_id("ADR"),
        label=label,
        recipient=recipient.strip(),
        street=street.strip(),
        city=city.strip(),
        state=state,
        zip_code=zip_code,
    )
    shopper.addresses.append(address)
    if make_default or shopper.default_address_id is None:
        shopper.default_address_id = address.address_id
    return AddressAdded(shopper_id=shopper_id, address=address, default_address_id=shopper.default_address_id)


@server.write
def redeem_shop_gift_card(world: ShoppingWorld, shopper_id: ShopperId, code: GiftCardCode) -> GiftCardRedemption:
    """Add a gift card's full amount to a shopper's gift card balance, which checkout can then spend.

    Args:
        shopper_id: The shopper redeeming the card.
        code: The gift card code as the shopper reads it (GIFT-XXXX-XXXX), case-insensitive.
    """
    shopper = _shopper(world, shopper_id)
    card = world.gift_cards.get(code.strip().upper())
    if card is None:
        raise ToolError("That gift card code is not valid. Ask the shopper to check the code on the card.")
    if card.redeemed_at is not None:
        raise ToolError(f"This gift card was already redeemed on {card.redeemed_at:%Y-%m-%d}.")
    card.redeemed_by = shopper_id
    card.redeemed_at = world.now
    shopper.gift_card_balance = round(shopper.gift_card_balance + card.amount, 2)
    return GiftCardRedemption(
        shopper_id=shopper_id, amount_added=card.amount, gift_card_balance=shopper.gift_card_balance
    )


# ----- cart and coupons -----


@server.read
def view_shop_cart(world: ShoppingWorld, shopper_id: ShopperId) -> CartView:
    """Show a shopper's active cart: lines, subtotal, the applied coupon and its discount, and any checkout problems.

    Args:
        shopper_id: The shopper whose cart to show.
    """
    _shopper(world, shopper_id)
    return _cart_view(world, world.carts[shopper_id])


@server.write
def add_to_shop_cart(
    world: ShoppingWorld, shopper_id: ShopperId, variant_id: VariantId, quantity: Quantity = 1
) -> CartView:
    """Put units of a product variant into a shopper's cart (added to any units of it already there).

    Args:
        shopper_id: The shopper whose cart to fill.
        variant_id: The variant (size/color) to add, from search_shop_products or get_shop_product.
        quantity: How many units to add.
    """
    _shopper(world, shopper_id)
    variant = _variant(world, variant_id)
    cart = world.carts[shopper_id]
    existing = next((item for item in cart.items if item.variant_id == variant_id), None)
    held = existing.quantity if existing is not None else 0
    _check_can_hold(world, cart, variant, held + quantity)
    if existing is not None:
        existing.quantity = held + quantity
    else:
        cart.items.append(CartItem(variant_id=variant_id, quantity=quantity))
    return _cart_view(world, cart)


@server.write
def update_shop_cart_item(
    world: ShoppingWorld, shopper_id: ShopperId, variant_id: VariantId, quantity: Quantity
) -> CartView:
    """Set how many units of a variant already in the cart the shopper wants.

    Args:
        shopper_id: The shopper whose cart to change.
        variant_id: A variant in the cart.
        quantity: The new number of units (use remove_from_shop_cart to drop the line).
    """
    _shopper(world, shopper_id)
    cart = world.carts[shopper_id]
    item = _cart_item(cart, variant_id)
    _check_can_hold(world, cart, world.variants[variant_id], quantity)
    item.quantity = quantity
    return _cart_view(world, cart)


@server.write
def remove_from_shop_cart(world: ShoppingWorld, shopper_id: ShopperId, variant_id: VariantId) -> CartView:
    """Remove a variant's line from a shopper's cart.

    Args:
        shopper_id: The shopper whose cart to change.
        variant_id: The variant to take out.
    """
    _shopper(world, shopper_id)
    cart = world.carts[shopper_id]
    cart.items.remove(_cart_item(cart, variant_id))
    return _cart_view(world, cart)


@server.read
def list_shop_coupons(
    world: ShoppingWorld, shopper_id: ShopperId | None = None, include_inactive: bool = False
) -> CouponList:
    """List the store's coupons with their terms (percent or fixed, minimum spend, category, expiry).

    Args:
        shopper_id: Also tell whether this shopper already used each coupon.
        include_inactive: Also list expired and used-up coupons.
    """
    if shopper_id is not None:
        _shopper(world, shopper_id)
    views = []
    for coupon in world.coupons.values():
        status = _coupon_status(world, coupon)
        if status != "active" and not include_inactive:
            continue
        views.append(CouponView(
            **coupon.model_dump(include={"code", "description", "kind", "value", "min_spend", "category",
                                         "max_discount", "expires_at"}),
            status=status,
            used_by_shopper=None if shopper_id is None else shopper_id in coupon.used_by,
        ))
    return CouponList(coupons=views)


@server.write
def apply_shop_coupon(world: ShoppingWorld, shopper_id: ShopperId, code: CouponCode) -> CartView:
    """Apply a coupon to a shopper's cart, replacing any coupon already applied (one coupon per order).

    Args:
        shopper_id: The shopper whose cart to discount.
        code: The coupon code (see list_shop_coupons), case-insensitive.
    """
    _shopper(world, shopper_id)
    coupon = _coupon(world, code)
    cart = world.carts[shopper_id]
    if not cart.items:
        raise ToolError(f"The cart of {shopper_id} is empty; add items before applying a coupon.")
    problem = _coupon_problem(world, coupon, shopper_id, _cart_lines(world, cart))
    if problem is not None:
        raise ToolError(problem)
    cart.coupon_code = coupon.code
    return _cart_view(world, cart)


@server.write
def remove_shop_coupon(world: ShoppingWorld, shopper_id: ShopperId) -> CartView:
    """Take the applied coupon off a shopper's cart.

    Args:
        shopper_id: The shopper whose cart to change.
    """
    _shopper(world, shopper_id)
    cart = world.carts[shopper_id]
    if cart.coupon_code is None:
        raise ToolError(f"No coupon is applied to the cart of {shopper_id}.")
    cart.coupon_code = None
    return _cart_view(world, cart)


# ----- checkout and orders -----


@server.read
def preview_shop_checkout(
    world: ShoppingWorld,
    shopper_id: ShopperId,
    address_id: AddressId | None = None,
    shipping_method: ShippingMethod = "standard",
    redeem_points: Points = 0,
    use_gift_card_balance: bool = False,
) -> CheckoutPreview:
    """Price a shopper's cart as checkout would, without ordering: discount, shipping, tax, total, amount due.

    Standard shipping (5 days) is 5.99 USD, free from 50 USD of merchandise; express (2 days) 14.99 USD; overnight
    29.99 USD. Sales tax depends on the shipping state. A loyalty point is worth 0.01 USD.

    Args:
        shopper_id: The shopper whose cart to price.
        address_id: Where to ship; the shopper's default address when omitted.
        shipping_method: How fast to ship.
        redeem_points: Loyalty points to spend on the order.
        use_gift_card_balance: Spend the shopper's gift card balance first.
    """
    shopper = _shopper(world, shopper_id)
    address, _, quote, _ = _prepare_checkout(
        world, shopper, address_id, shipping_method, redeem_points, use_gift_card_balance
    )
    return CheckoutPreview(
        **quote.model_dump(),
        shopper_id=shopper_id,
        address_id=address.address_id,
        ship_to=address.one_line(),
        estimated_delivery=estimated_delivery(world.now, shipping_method),
    )


@server.write
def checkout_shop_cart(
    world: ShoppingWorld,
    shopper_id: ShopperId,
    payment_card_id: PaymentCardId,
    address_id: AddressId | None = None,
    shipping_method: ShippingMethod = "standard",
    redeem_points: Points = 0,
    use_gift_card_balance: bool = False,
) -> CheckoutReceipt:
    """Place an order for everything in a shopper's cart and empty the cart.

    Takes the stock, uses the applied coupon, spends the points and gift card balance asked for, charges the rest
    to the card, and credits one loyalty point per USD of merchandise. See preview_shop_checkout for the prices.

    Args:
        shopper_id: The shopper checking out.
        payment_card_id: The saved, unexpired card to charge (see get_shop_shopper).
        address_id: Where to ship; the shopper's default address when omitted.
        shipping_method: How fast to ship.
        redeem_points: Loyalty points to spend on the order.
        use_gift_card_balance: Spend the shopper's gift card balance first.
    """
    shopper = _shopper(world, shopper_id)
    address, lines, quote, shares = _prepare_checkout(
        world, shopper, address_id, shipping_method, redeem_points, use_gift_card_balance
    )
    card = _payment_card(world, shopper, payment_card_id)
    ordered = [(world.variants[line.variant_id], line.quantity) for line in lines]
    order = world.record_order(shopper, address, card, ordered, quote, shares, world.now)
    for variant, quantity in ordered:
        variant.stock -= quantity
    shopper.gift_card_balance = round(shopper.gift_card_balance - quote.gift_card_applied, 2)
    shopper.loyalty_points += order.points_earned - quote.points_redeemed
    world.carts[shopper_id] = Cart(shopper_id=shopper_id)
    return CheckoutReceipt(
        order=_order_view(world, order),
        loyalty_points_balance=shopper.loyalty_points,
        gift_card_balance=shopper.gift_card_balance,
    )


@server.read
def list_shop_orders(
    world: ShoppingWorld,
    shopper_id: ShopperId,
    status: Literal["any", "placed", "shipped", "delivered", "cancelled", "returned"] = "any",
    limit: Count = 20,
) -> OrderList:
    """List a shopper's orders, newest first.

    Args:
        shopper_id: The shopper whose orders to list.
        status: Only orders in this status; "any" lists all.
        limit: Most orders to return.
    """
    _shopper(world, shopper_id)
    orders = sorted(
        (
            order
            for order in world.orders.values()
            if order.shopper_id == shopper_id and status in ("any", order.status)
        ),
        key=lambda order: (order.placed_at, order.order_id),
        reverse=True,
    )
    summaries = [
        OrderSummary(
            order_id=order.order_id,
            status=order.status,
            placed_at=order.placed_at,
            item_count=sum(item.quantity for item in order.items),
            total=order.total,
            estimated_delivery=estimated_delivery(order.placed_at, order.shipping_method),
            delivered_at=order.delivered_at,
        )
        for order in orders[:limit]
    ]
    return OrderList(shopper_id=shopper_id, orders=summaries, total_matched=len(orders))


@server.read
def get_shop_order(world: ShoppingWorld, order_id: OrderId) -> OrderView:
    """Show an order in full: items, totals, payment split, shipping, return deadline and returns made.

    Args:
        order_id: The order to show.
    """
    return _order_view(world, _order(world, order_id))


@server.read
def track_shop_order(world: ShoppingWorld, order_id: OrderId) -> Tracking:
    """Track an order: carrier, tracking number, estimated delivery and the shipment events so far.

    Args:
        order_id: The order to track.
    """
    order = _order(world, order_id)
    expected = estimated_delivery(order.placed_at, order.shipping_method)
    events = [TrackingEvent(at=order.placed_at, event="Order placed")]
    if order.cancelled_at is not None:
        events.append(TrackingEvent(at=order.cancelled_at, event="Order cancelled before shipping"))
    if order.shipped_at is not None:
        events.append(TrackingEvent(
            at=order.shipped_at, event=f"Shipped with {order.carrier}, tracking number {order.tracking_number}"
        ))
    if order.delivered_at is not None:
        events.append(TrackingEvent(at=order.delivered_at, event="Delivered"))
    elif order.shipped_at is not None:
        events.append(TrackingEvent(at=world.now, event=f"In transit, expected by {expected:%Y-%m-%d}"))
    return Tracking(
        order_id=order.order_id,
        status=order.status,
        shipping_method=order.shipping_method,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        estimated_delivery=expected,
        ship_to=_ship_to(world, order),
        events=events,
    )


@server.write
def cancel_shop_order(world: ShoppingWorld, order_id: OrderId) -> CancellationReceipt:
    """Cancel an order that has not shipped yet, with a full refund.

    The card charge is refunded, the gift card balance and redeemed points are given back, the points earned on the
    order are taken back, and the stock is released. A coupon used on the order stays used.

    Args:
        order_id: The order to cancel.
    """
    order = _order(world, order_id)
    if order.status == "shipped":
        raise ToolError(
            f"Order {order_id} already shipped on {order.shipped_at:%Y-%m-%d} with {order.carrier} "
            f"(tracking {order.tracking_number}); it can no longer be cancelled. Once it is delivered, items can be "
            "returned with return_shop_order_item."
        )
    if order.status == "delivered":
        raise ToolError(
            f"Order {order_id} was already delivered; it cannot be cancelled. Return items with "
            "return_shop_order_item instead."
        )
    if order.status != "placed":
        raise ToolError(f"Order {order_id} is already {order.status}.")
    shopper = world.shoppers[order.shopper_id]
    for item in order.items:
        world.variants[item.variant_id].stock += item.quantity
    removed = min(order.points_earned, shopper.loyalty_points + order.points_redeemed)
    shopper.loyalty_points += order.points_redeemed - removed
    shopper.gift_card_balance = round(shopper.gift_card_balance + order.gift_card_applied, 2)
    order.status = "cancelled"
    order.cancelled_at = world.now
    order.refunded = round(order.charged_to_card + order.gift_card_applied, 2)
    return CancellationReceipt(
        order=_order_view(world, order),
        refunded_to_card=order.charged_to_card,
        gift_card_balance_restored=order.gift_card_applied,
        points_restored=order.points_redeemed,
        points_removed=removed,
    )


@server.write
def return_shop_order_item(
    world: ShoppingWorld,
    order_id: OrderId,
    variant_id: VariantId,
    reason: ReturnReason,
    quantity: Quantity = 1,
) -> ReturnReceipt:
    """Return delivered units of one item of an order, within 30 days of delivery, for a refund.

    The refund is what was paid for those units (after the coupon discount, with their sales tax). It goes back to
    the card first, and to the shopper's gift card balance for the part paid with gift card balance. Returned units
    go back into stock unless damaged. Final-sale products cannot be returned.

    Args:
        order_id: The delivered order.
        variant_id: The variant to return, as listed in the order.
        reason: Why the item is returned.
        quantity: How many units to return.
    """
    order = _order(world, order_id)
    if order.status == "placed":
        raise ToolError(
            f"Order {order_id} is not delivered yet; returns open on delivery. It has not shipped, so it can be "
            "cancelled with cancel_shop_order."
        )
    if order.status == "shipped":
        raise ToolError(
            f"Order {order_id} is not delivered yet (expected by "
            f"{estimated_delivery(order.placed_at, order.shipping_method):%Y-%m-%d}); returns open on delivery."
        )
    if order.status != "delivered" or order.delivered_at is None:
        raise ToolError(f"Order {order_id} is {order.status}; nothing in it can be returned.")
    deadline = order.delivered_at + timedelta(days=RETURN_WINDOW_DAYS)
    if world.now > deadline:
        raise ToolError(
            f"The return window of order {order_id} closed on {deadline:%Y-%m-%d} ({RETURN_WINDOW_DAYS} days after "
            f"delivery on {order.delivered_at:%Y-%m-%d})."
        )
    item = next((item for item in order.items if item.variant_id == variant_id), None)
    if item is None:
        listed = ", ".join(item.variant_id for item in order.items)
        raise ToolError(f"Variant {variant_id[:64]!r} is not in order {order_id}; its items are {listed}.")
    product = world.products[item.product_id]
    if product.final_sale:
        raise ToolError(f"{product.name} ({item.variant_id}) was a final-sale item and cannot be returned.")
    returnable = item.quantity - item.returned_quantity
    if quantity > returnable:
        raise ToolError(
            f"Order {order_id} has {returnable} unit(s) of {variant_id} left to return "
            f"({item.quantity} bought, {item.returned_quantity} already returned); {quantity} requested."
        )
    paid_per_unit = (item.unit_price * item.quantity - item.discount) / item.quantity
    refund = round(paid_per_unit * quantity * (1 + order.tax_rate), 2)
    refund = round(min(refund, order.charged_to_card + order.gift_card_applied - order.refunded), 2)
    to_card = round(min(refund, max(order.charged_to_card - order.refunded, 0.0)), 2)
    record = ShopReturn(
        return_id=world.next_id("RET"),
        order_id=order_id,
        shopper_id=order.shopper_id,
        variant_id=variant_id,
        quantity=quantity,
        reason=reason,
        refund_amount=refund,
        refunded_to_card=to_card,
        refunded_to_gift_balance=round(refund - to_card, 2),
        created_at=world.now,
    )
    world.returns[record.return_id] = record
    shopper = world.shoppers[order.shopper_id]
    shopper.gift_card_balance = round(shopper.gift_card_balance + record.refunded_to_gift_balance, 2)
    item.returned_quantity += quantity
    order.refunded = round(order.refunded + refund, 2)
    if reason != "damaged":
        world.variants[variant_id].stock += quantity
    if all(line.returned_quantity == line.quantity for line in order.items):
        order.status = "returned"
    return ReturnReceipt(shop_return=record, order_status=order.status, gift_card_balance=shopper.gift_card_balance)


# ----- wishlists and reviews -----


def _wishlist(world: ShoppingWorld, shopper: Shopper) -> Wishlist:
    grouped = _variants_by_product(world)
    products = [
        _product_view(world.products[product_id], grouped.get(product_id, [])) for product_id in shopper.wishlist
    ]
    return Wishlist(shopper_id=shopper.shopper_id, products=products)


@server.read
def list_shop_wishlist(world: ShoppingWorld, shopper_id: ShopperId) -> Wishlist:
    """Show the products on a shopper's wishlist, with their variants, prices and stock.

    Args:
        shopper_id: The shopper whose wishlist to show.
    """
    return _wishlist(world, _shopper(world, shopper_id))


@server.write
def add_to_shop_wishlist(world: ShoppingWorld, shopper_id: ShopperId, product_id: ProductId) -> Wishlist:
    """Save a product to a shopper's wishlist.

    Args:
        shopper_id: The shopper whose wishlist to change.
        product_id: The product to save.
    """
    shopper = _shopper(world, shopper_id)
    product = _product(world, product_id)
    if product_id in shopper.wishlist:
        raise ToolError(f"{product.name} ({product_id}) is already on the wishlist of {shopper_id}.")
    if product.status == "discontinued":
        raise ToolError(f"{product.name} ({product_id}) is discontinued; it cannot be added to a wishlist.")
    if len(shopper.wishlist) >= MAX_WISHLIST:
        raise ToolError(f"The wishlist of {shopper_id} is full ({MAX_WISHLIST} products); remove one first.")
    shopper.wishlist.append(product_id)
    return _wishlist(world, shopper)


@server.write
def remove_from_shop_wishlist(world: ShoppingWorld, shopper_id: ShopperId, product_id: ProductId) -> Wishlist:
    """Remove a product from a shopper's wishlist.

    Args:
        shopper_id: The shopper whose wishlist to change.
        product_id: The product to remove.
    """
    shopper = _shopper(world, shopper_id)
    if product_id not in shopper.wishlist:
        saved = ", ".join(shopper.wishlist) or "nothing"
        raise ToolError(f"Product {product_id[:64]!r} is not on the wishlist of {shopper_id}; it holds {saved}.")
    shopper.wishlist.remove(product_id)
    return _wishlist(world, shopper)


@server.write
def write_shop_product_review(
    world: ShoppingWorld,
    shopper_id: ShopperId,
    product_id: ProductId,
    rating: Annotated[int, Field(ge=1, le=5)],
    title: Name,
    body: ReviewBody = "",
) -> ReviewPosted:
    """Post a shopper's review of a product they received in a delivered order (one review per product).

    Args:
        shopper_id: The reviewing shopper.
        product_id: The product reviewed.
        rating: Stars, 1 (worst) to 5 (best).
        title: A one-line summary.
        body: The review text.
    """
    _shopper(world, shopper_id)
    product = _product(world, product_id)
    received = any(
        order.shopper_id == shopper_id
        and order.status in ("delivered", "returned")
        and any(item.product_id == product_id for item in order.items)
        for order in world.orders.values()
    )
    if not received:
        raise ToolError(
            f"Shopper {shopper_id} has no delivered order containing {product.name} ({product_id}); only products "
            "received can be reviewed."
        )
    for review in world.reviews.values():
        if review.shopper_id == shopper_id and review.product_id == product_id:
            raise ToolError(f"Shopper {shopper_id} already reviewed {product_id} ({review.review_id}).")
    if not title.strip():
        raise ToolError("The review title must not be blank.")
    review = Review(
        review_id=world.next_id("REV"),
        product_id=product_id,
        shopper_id=shopper_id,
        rating=rating,
        title=title.strip(),
        body=body.strip(),
        created_at=world.now,
    )
    world.reviews[review.review_id] = review
    _review_aggregate(product, rating)
    return ReviewPosted(review=review, product_rating=product.rating, product_rating_count=product.rating_count)
