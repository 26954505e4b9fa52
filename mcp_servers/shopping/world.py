"""The store's database: catalog (products and their size/color variants with stock), shoppers with addresses,
payment cards, loyalty points, gift card balance and wishlists, one cart per shopper, coupons, gift cards, orders,
returns and reviews.

Prices are in USD, rounded to cents. Loyalty points are worth one cent each. Past orders span the last ~100 days
before `now`; stock levels are the current ones (past orders already took theirs).
"""

import random
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
ProductId = Annotated[str, Entity("product"), _ID]
VariantId = Annotated[str, Entity("variant"), _ID]
ShopperId = Annotated[str, Entity("shopper"), _ID]
AddressId = Annotated[str, Entity("address"), _ID]
PaymentCardId = Annotated[str, Entity("payment_card"), _ID]
OrderId = Annotated[str, Entity("order"), _ID]
ReturnId = Annotated[str, Entity("return"), _ID]
ReviewId = Annotated[str, Entity("review"), _ID]
CouponCode = Annotated[str, Entity("coupon"), _ID]
GiftCardCode = Annotated[str, Entity("gift_card", sensitive=True), _ID]

Category = Literal["electronics", "apparel", "footwear", "home", "kitchen", "beauty", "sports", "toys"]
ShippingMethod = Literal["standard", "express", "overnight"]
OrderStatus = Literal["placed", "shipped", "delivered", "cancelled", "returned"]
ReturnReason = Literal["damaged", "wrong_item", "not_as_described", "size_or_fit", "no_longer_needed"]

RETURN_WINDOW_DAYS = 30
FREE_SHIPPING_MINIMUM = 50.0
POINT_VALUE = 0.01
SHIPPING: dict[str, tuple[float, int, str]] = {
    "standard": (5.99, 5, "USPS"),
    "express": (14.99, 2, "UPS"),
    "overnight": (29.99, 1, "FedEx"),
}
"""Shipping method: (fee in USD, transit days after the one processing day, carrier). Standard is free from 50 USD."""

SALES_TAX: dict[str, float] = {
    "AL": 0.04, "AK": 0.0, "AZ": 0.056, "AR": 0.065, "CA": 0.0725, "CO": 0.029, "CT": 0.0635, "DE": 0.0, "DC": 0.06,
    "FL": 0.06, "GA": 0.04, "HI": 0.04, "ID": 0.06, "IL": 0.0625, "IN": 0.07, "IA": 0.06, "KS": 0.065, "KY": 0.06,
    "LA": 0.0445, "ME": 0.055, "MD": 0.06, "MA": 0.0625, "MI": 0.06, "MN": 0.06875, "MS": 0.07, "MO": 0.04225,
    "MT": 0.0, "NE": 0.055, "NV": 0.0685, "NH": 0.0, "NJ": 0.06625, "NM": 0.04875, "NY": 0.04, "NC": 0.0475,
    "ND": 0.05, "OH": 0.0575, "OK": 0.045, "OR": 0.0, "PA": 0.06, "RI": 0.07, "SC": 0.06, "SD": 0.042, "TN": 0.07,
    "TX": 0.0625, "UT": 0.061, "VT": 0.06, "VA": 0.053, "WA": 0.065, "WV": 0.06, "WI": 0.05, "WY": 0.04,
}
"""Sales tax rate by US state (the store ships within the US only); charged on merchandise after discounts."""


class Variant(BaseModel):
    variant_id: VariantId
    product_id: ProductId
    size: str | None = None
    color: str | None = None
    price: float
    stock: int


class Product(BaseModel):
    product_id: ProductId
    name: str
    brand: str
    category: Category
    status: Literal["active", "discontinued"] = "active"
    rating: float = Field(description="Average star rating (1-5) over all ratings.")
    rating_count: int
    max_per_order: int = Field(description="Most units of this product one order (and one cart) may hold.")
    final_sale: bool = Field(False, description="Final-sale products cannot be returned.")


class Address(BaseModel):
    address_id: AddressId
    label: str
    recipient: str
    street: str
    city: str
    state: str
    zip_code: str

    def one_line(self) -> str:
        return f"{self.recipient}, {self.street}, {self.city}, {self.state} {self.zip_code}"


class PaymentCard(BaseModel):
    payment_card_id: PaymentCardId
    brand: Literal["Visa", "Mastercard", "Amex", "Discover"]
    last4: str
    cardholder: str
    expires: str = Field(description="Year and month, YYYY-MM; the card works through the end of that month.")

    def is_expired(self, now: datetime) -> bool:
        return self.expires < f"{now.year}-{now.month:02d}"


class Shopper(BaseModel):
    shopper_id: ShopperId
    full_name: str
    email: str
    member_since: date
    loyalty_points: int
    gift_card_balance: float
    default_address_id: AddressId | None = None
    addresses: list[Address] = []
    payment_cards: list[PaymentCard] = []
    wishlist: list[ProductId] = []


class CartItem(BaseModel):
    variant_id: VariantId
    quantity: int


class Cart(BaseModel):
    shopper_id: ShopperId
    items: list[CartItem] = []
    coupon_code: CouponCode | None = None


class Coupon(BaseModel):
    code: CouponCode
    description: str
    kind: Literal["percent", "fixed"]
    value: float = Field(description="Percent off, or USD off for fixed coupons.")
    min_spend: float = Field(0.0, description="Least the eligible items must cost before the discount.")
    category: Category | None = Field(None, description="Only items of this category count and are discounted.")
    max_discount: float | None = None
    expires_at: datetime
    max_uses: int | None = Field(None, description="Total redemptions allowed across all shoppers.")
    times_used: int = 0
    used_by: list[ShopperId] = Field([], description="Shoppers who already used it (once per shopper).")


class GiftCard(BaseModel):
    code: GiftCardCode
    amount: float
    redeemed_by: ShopperId | None = None
    redeemed_at: datetime | None = None


class OrderItem(BaseModel):
    variant_id: VariantId
    product_id: ProductId
    unit_price: float
    quantity: int
    discount: float = Field(0.0, description="The coupon discount taken off this line as a whole.")
    returned_quantity: int = 0


class Order(BaseModel):
    order_id: OrderId
    shopper_id: ShopperId
    status: OrderStatus
    items: list[OrderItem]
    placed_at: datetime
    shipping_method: ShippingMethod
    address_id: AddressId
    payment_card_id: PaymentCardId
    coupon_code: CouponCode | None = None
    subtotal: float
    discount: float
    shipping_fee: float
    tax_rate: float
    tax: float
    total: float
    points_redeemed: int = Field(0, description="Loyalty points spent on the order (0.01 USD each).")
    gift_card_applied: float = Field(0.0, description="Paid from the shopper's gift card balance.")
    charged_to_card: float
    refunded: float = Field(0.0, description="Money given back so far by cancellation or returns.")
    points_earned: int = Field(description="Loyalty points credited at checkout (one per USD of merchandise).")
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None


class ShopReturn(BaseModel):
    return_id: ReturnId
    order_id: OrderId
    shopper_id: ShopperId
    variant_id: VariantId
    quantity: int
    reason: ReturnReason
    refund_amount: float
    refunded_to_card: float
    refunded_to_gift_balance: float
    created_at: datetime


class Review(BaseModel):
    review_id: ReviewId
    product_id: ProductId
    shopper_id: ShopperId
    rating: int
    title: str
    body: str = ""
    created_at: datetime


class Quote(BaseModel):
    """What an order of given lines costs, and how it is paid."""

    subtotal: float
    coupon_code: CouponCode | None
    discount: float
    shipping_method: ShippingMethod
    shipping_fee: float
    tax_rate: float
    tax: float
    total: float
    points_redeemed: int
    points_value: float
    gift_card_applied: float
    amount_due: float = Field(description="What is left to charge to the payment card.")


def coupon_shares(coupon: Coupon, lines: list[tuple[Category, float]]) -> list[float]:
    """The coupon's discount on each (category, line total) line; eligible lines share it in proportion to value."""
    eligible = [total if coupon.category in (None, category) else 0.0 for category, total in lines]
    base = round(sum(eligible), 2)
    if base <= 0:
        return [0.0] * len(lines)
    amount = base * coupon.value / 100 if coupon.kind == "percent" else coupon.value
    amount = round(min(amount, coupon.max_discount or amount, base), 2)
    shares = [round(amount * part / base, 2) for part in eligible]
    last = max(index for index, part in enumerate(eligible) if part > 0)
    shares[last] = round(shares[last] + amount - sum(shares), 2)
    return shares


def eligible_spend(coupon: Coupon, lines: list[tuple[Category, float]]) -> float:
    """What the items a coupon covers cost: the amount its minimum spend is measured against."""
    return round(sum(total for category, total in lines if coupon.category in (None, category)), 2)


def price_order(
    lines: list[tuple[Category, float]],
    coupon: Coupon | None,
    method: ShippingMethod,
    state: str,
    points: int = 0,
    gift_balance: float = 0.0,
) -> tuple[Quote, list[float]]:
    """Price an order (no checks): the quote and each line's share of the discount.

    Points are spent before gift card balance; the card pays the rest.
    """
    subtotal = round(sum(total for _, total in lines), 2)
    shares = coupon_shares(coupon, lines) if coupon is not None else [0.0] * len(lines)
    discount = round(sum(shares), 2)
    merchandise = round(subtotal - discount, 2)
    fee, _, _ = SHIPPING[method]
    if method == "standard" and merchandise >= FREE_SHIPPING_MINIMUM:
        fee = 0.0
    rate = SALES_TAX.get(state, 0.0)
    tax = round(merchandise * rate, 2)
    total = round(merchandise + fee + tax, 2)
    points_value = round(points * POINT_VALUE, 2)
    gift = round(min(gift_balance, max(total - points_value, 0.0)), 2)
    quote = Quote(
        subtotal=subtotal,
        coupon_code=coupon.code if coupon is not None else None,
        discount=discount,
        shipping_method=method,
        shipping_fee=fee,
        tax_rate=rate,
        tax=tax,
        total=total,
        points_redeemed=points,
        points_value=points_value,
        gift_card_applied=gift,
        amount_due=round(max(total - points_value - gift, 0.0), 2),
    )
    return quote, shares


def estimated_delivery(placed_at: datetime, method: ShippingMethod) -> date:
    """One processing day, then the method's transit days."""
    return (placed_at + timedelta(days=1 + SHIPPING[method][1])).date()


# ----- catalog data: category -> brands, and items (noun, low price, high price, sizes, colors, size upcharge) -----

_Item = tuple[str, float, float, tuple[str, ...], tuple[str, ...], float]
_CATALOG: dict[Category, tuple[tuple[str, ...], tuple[_Item, ...]]] = {
    "electronics": (("Voltix", "Auralis", "Northwave", "Pixelon"), (
        ("Wireless Earbuds", 39, 179, (), ("Black", "White", "Navy"), 0),
        ("Noise-Cancelling Headphones", 99, 349, (), ("Black", "Silver", "Sand"), 0),
        ("Smartwatch", 129, 399, ("41 mm", "45 mm"), ("Black", "Rose Gold"), 30),
        ("Bluetooth Speaker", 29, 149, (), ("Black", "Blue", "Red"), 0),
        ("Tablet", 199, 649, ("64 GB", "128 GB", "256 GB"), ("Space Gray", "Silver"), 100),
        ("E-Reader", 99, 229, ("16 GB", "32 GB"), ("Black",), 20),
        ("Portable Charger", 19, 69, ("10000 mAh", "20000 mAh"), ("Black", "White"), 15),
        ("Game Console", 299, 499, ("512 GB", "1 TB"), ("White", "Black"), 100),
    )),
    "apparel": (("Loomwell", "Harbor & Pine", "Kestrel", "Urbanfold"), (
        ("Crewneck T-Shirt", 14, 35, ("S", "M", "L", "XL"), ("White", "Black", "Heather Gray"), 0),
        ("Slim Fit Jeans", 39, 89, ("30", "32", "34", "36"), ("Indigo", "Black"), 0),
        ("Rain Jacket", 59, 179, ("S", "M", "L", "XL"), ("Olive", "Navy", "Yellow"), 0),
        ("Fleece Hoodie", 35, 79, ("S", "M", "L", "XL"), ("Charcoal", "Forest Green", "Burgundy"), 0),
        ("Linen Shirt", 29, 69, ("S", "M", "L"), ("White", "Sky Blue"), 0),
        ("Wool Sweater", 49, 129, ("S", "M", "L", "XL"), ("Cream", "Navy"), 0),
        ("Chino Shorts", 24, 55, ("30", "32", "34"), ("Khaki", "Navy"), 0),
    )),
    "footwear": (("Strideline", "Trailmark", "Solace", "Cobbleton"), (
        ("Running Shoe", 59, 159, ("8", "9", "10", "11", "12"), ("Black", "Blue", "Coral"), 0),
        ("Leather Sneaker", 69, 149, ("8", "9", "10", "11"), ("White", "Black"), 0),
        ("Hiking Boot", 89, 219, ("8", "9", "10", "11", "12"), ("Brown", "Gray"), 0),
        ("Slip-On Loafer", 49, 119, ("8", "9", "10", "11"), ("Tan", "Navy"), 0),
        ("Sport Sandal", 29, 79, ("7", "8", "9", "10", "11"), ("Black", "Olive"), 0),
        ("Wool Slipper", 25, 65, ("S", "M", "L"), ("Gray", "Cream"), 0),
    )),
    "home": (("Nestory", "Driftwood Home", "Lumen & Co", "Calder"), (
        ("Cotton Sheet Set", 39, 129, ("Twin", "Queen", "King"), ("White", "Slate", "Sage"), 20),
        ("Down Alternative Comforter", 59, 169, ("Twin", "Queen", "King"), ("White",), 25),
        ("LED Desk Lamp", 24, 89, (), ("Black", "White", "Brass"), 0),
        ("Memory Foam Pillow", 29, 79, ("Standard", "King"), (), 10),
        ("Blackout Curtains", 25, 75, ("63 in", "84 in", "96 in"), ("Charcoal", "Navy", "Ivory"), 8),
        ("Bath Towel Set", 29, 89, (), ("White", "Gray", "Blue"), 0),
        ("Area Rug", 79, 349, ("5x7 ft", "8x10 ft"), ("Beige", "Gray"), 120),
    )),
    "kitchen": (("Copperleaf", "Brightforge", "Saltmarsh", "Oakhaven"), (
        ("Nonstick Frying Pan", 24, 79, ("8 in", "10 in", "12 in"), (), 10),
        ("Chef's Knife", 29, 149, ("6 in", "8 in"), (), 15),
        ("Drip Coffee Maker", 39, 149, (), ("Black", "Stainless"), 0),
        ("Stand Mixer", 199, 449, (), ("Red", "Silver", "Black"), 0),
        ("Glass Food Storage Set", 19, 59, ("10 piece", "18 piece"), (), 12),
        ("Cast Iron Dutch Oven", 49, 179, ("4.5 qt", "6 qt"), ("Red", "Blue", "Black"), 30),
        ("Electric Kettle", 25, 89, (), ("White", "Black"), 0),
    )),
    "beauty": (("Glowra", "Petal & Stone", "Verdant Skin", "Lumiere"), (
        ("Hydrating Face Serum", 18, 69, ("30 ml", "50 ml"), (), 12),
        ("Mineral Sunscreen SPF 50", 12, 34, ("50 ml", "100 ml"), (), 8),
        ("Argan Oil Shampoo", 9, 29, ("250 ml", "500 ml"), (), 7),
        ("Matte Lipstick", 12, 32, (), ("Ruby", "Mauve", "Nude"), 0),
        ("Eau de Parfum", 45, 139, ("50 ml", "100 ml"), (), 35),
        ("Night Repair Cream", 22, 79, ("50 ml",), (), 0),
    )),
    "sports": (("Peakform", "Tidewater", "Ironroot", "Swiftwind"), (
        ("Yoga Mat", 19, 79, (), ("Purple", "Teal", "Black"), 0),
        ("Adjustable Dumbbell", 99, 329, ("25 lb", "52 lb"), (), 120),
        ("Insulated Water Bottle", 15, 45, ("20 oz", "32 oz"), ("Black", "Seafoam", "White"), 5),
        ("Camping Tent", 89, 329, ("2 person", "4 person"), ("Green", "Orange"), 80),
        ("Resistance Band Set", 14, 39, (), (), 0),
        ("Road Bike Helmet", 49, 149, ("S", "M", "L"), ("Matte Black", "White"), 0),
        ("Daypack", 39, 119, ("20 L", "28 L"), ("Black", "Blue", "Rust"), 10),
    )),
    "toys": (("Brickly", "Wondersprout", "Pipsqueak", "Orbit Toys"), (
        ("Building Block Set", 19, 129, ("500 pieces", "1200 pieces"), (), 50),
        ("Plush Bear", 12, 39, ("Small", "Large"), ("Brown", "White"), 10),
        ("Remote Control Car", 29, 99, (), ("Red", "Blue"), 0),
        ("Wooden Train Set", 29, 89, (), (), 0),
        ("Strategy Board Game", 19, 59, (), (), 0),
        ("Jigsaw Puzzle", 12, 29, ("500 pieces", "1000 pieces"), (), 5),
    )),
}
_PRODUCTS_PER_CATEGORY = 15

_FIRST = (
    "Aaliyah", "Marcus", "Hannah", "Diego", "Naomi", "Tobias", "Leila", "Victor", "Rosa", "Felix", "Imani", "Jonah",
    "Keiko", "Ravi", "Sienna", "Malik", "Ingrid", "Pablo", "Zara", "Theo", "Nadia", "Owen", "Beatriz", "Caleb",
    "Anika", "Rowan", "Esther", "Kofi", "Lena", "Mateus", "Quinn", "Yara",
)
_LAST = (
    "Abernathy", "Bianchi", "Castillo", "Dubois", "Eriksen", "Fitzgerald", "Guerrero", "Hoffman", "Iwasaki",
    "Jovanovic", "Kaplan", "Lindqvist", "Mendoza", "Nakamura", "Oyelaran", "Petrov", "Quintero", "Rasmussen",
    "Salazar", "Takahashi", "Underwood", "Vasquez", "Whitaker", "Xiong", "Yilmaz", "Zielinski",
)
_PLACES = (
    ("Austin", "TX", "787"), ("Portland", "OR", "972"), ("Seattle", "WA", "981"), ("Denver", "CO", "802"),
    ("Boston", "MA", "021"), ("Chicago", "IL", "606"), ("Miami", "FL", "331"), ("Phoenix", "AZ", "850"),
    ("Atlanta", "GA", "303"), ("San Diego", "CA", "921"), ("Brooklyn", "NY", "112"), ("Nashville", "TN", "372"),
    ("Minneapolis", "MN", "554"), ("Raleigh", "NC", "276"), ("Wilmington", "DE", "198"),
)
_STREETS = (
    "Maple Avenue", "Cedar Lane", "Harbor Street", "Willow Court", "Sunset Boulevard", "Pine Ridge Road",
    "Elm Street", "Lakeview Drive", "Chestnut Way", "Magnolia Terrace", "Juniper Place", "Brookside Road",
)
_MAIL = ("gmail.com", "outlook.com", "fastmail.com", "icloud.com", "yahoo.com")
_REVIEW_TEXT: dict[int, tuple[str, ...]] = {
    5: ("Exactly what I wanted", "Love it", "Excellent quality", "Would buy again"),
    4: ("Very good", "Solid purchase", "Happy with it", "Great value"),
    3: ("It's okay", "Decent but not great", "Does the job"),
    2: ("Disappointing", "Not as pictured", "Cheaply made"),
    1: ("Broke after a week", "Would not recommend"),
}


class ShoppingWorld(World):
    server: ClassVar[str] = "shopping"

    products: dict[str, Product] = Field(default_factory=dict)
    variants: dict[str, Variant] = Field(default_factory=dict)
    shoppers: dict[str, Shopper] = Field(default_factory=dict)
    carts: dict[str, Cart] = Field(default_factory=dict, description="The active cart of each shopper, by shopper id.")
    coupons: dict[str, Coupon] = Field(default_factory=dict)
    gift_cards: dict[str, GiftCard] = Field(default_factory=dict)
    orders: dict[str, Order] = Field(default_factory=dict)
    returns: dict[str, ShopReturn] = Field(default_factory=dict)
    reviews: dict[str, Review] = Field(default_factory=dict)

    def record_order(
        self,
        shopper: Shopper,
        address: Address,
        card: PaymentCard,
        lines: list[tuple[Variant, int]],
        quote: Quote,
        shares: list[float],
        placed_at: datetime,
    ) -> Order:
        """Store a placed order for priced `lines` and count its coupon use; stock and balances are the caller's."""
        items = [
            OrderItem(
                variant_id=variant.variant_id,
                product_id=variant.product_id,
                unit_price=variant.price,
                quantity=quantity,
                discount=share,
            )
            for (variant, quantity), share in zip(lines, shares)
        ]
        order = Order(
            order_id=self.next_id("ORD"),
            shopper_id=shopper.shopper_id,
            status="placed",
            items=items,
            placed_at=placed_at,
            shipping_method=quote.shipping_method,
            address_id=address.address_id,
            payment_card_id=card.payment_card_id,
            coupon_code=quote.coupon_code,
            subtotal=quote.subtotal,
            discount=quote.discount,
            shipping_fee=quote.shipping_fee,
            tax_rate=quote.tax_rate,
            tax=quote.tax,
            total=quote.total,
            points_redeemed=quote.points_redeemed,
            gift_card_applied=quote.gift_card_applied,
            charged_to_card=quote.amount_due,
            points_earned=int(quote.subtotal - quote.discount),
        )
        if quote.coupon_code is not None:
            coupon = self.coupons[quote.coupon_code]
            coupon.times_used += 1
            coupon.used_by.append(shopper.shopper_id)
        self.orders[order.order_id] = order
        return order

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_catalog(rng)
        self._generate_shoppers(rng)
        self._generate_coupons(rng)
        self._generate_gift_cards(rng)
        self._generate_orders(rng)
        self._generate_carts(rng)

    def _generate_catalog(self, rng: random.Random) -> None:
        for category, (brands, items) in _CATALOG.items():
            combos = [(brand, item) for item in items for brand in brands]
            for brand, (noun, low, high, sizes, colors, upcharge) in rng.sample(combos, _PRODUCTS_PER_CATEGORY):
                base = round(rng.uniform(low, high)) - 0.01
                product = Product(
                    product_id=self.next_id("PRD"),
                    name=f"{brand} {noun}",
                    brand=brand,
                    category=category,
                    rating=round(rng.triangular(2.6, 5.0, 4.4), 1),
                    rating_count=rng.randint(3, 2400),
                    max_per_order=2 if base >= 250 else rng.choice((3, 5, 5, 10)),
                    final_sale=category == "beauty" or rng.random() < 0.05,
                )
                self.products[product.product_id] = product
                options = [(size, color) for size in sizes or (None,) for color in colors or (None,)]
                chosen = sorted(rng.sample(range(len(options)), min(len(options), rng.randint(2, 4))))
                for index in chosen:
                    size, color = options[index]
                    step = sizes.index(size) if size is not None else 0
                    roll = rng.random()
                    stock = 0 if roll < 0.12 else rng.randint(1, 3) if roll < 0.25 else rng.randint(4, 60)
                    variant = Variant(
                        variant_id=self.next_id("SKU", 5),
                        product_id=product.product_id,
                        size=size,
                        color=color,
                        price=round(base + step * upcharge, 2),
                        stock=stock,
                    )
                    self.variants[variant.variant_id] = variant
        for product_id in rng.sample(sorted(self.products), 9):
            self.products[product_id].status = "discontinued"

    def _generate_shoppers(self, rng: random.Random) -> None:
        names = [(first, last) for first in _FIRST for last in _LAST]
        today = self.now.date()
        product_ids = sorted(self.products)
        for index, (first, last) in enumerate(rng.sample(names, 30)):
            full_name = f"{first} {last}"
            shopper = Shopper(
                shopper_id=self.next_id("SHP"),
                full_name=full_name,
                email=f"{first[0]}{last}{rng.randint(1, 90)}@{rng.choice(_MAIL)}".lower(),
                member_since=today - timedelta(days=rng.randint(30, 2500)),
                loyalty_points=rng.choice((0, rng.randint(50, 600), rng.randint(600, 6000))),
                gift_card_balance=rng.choice((0.0, 0.0, 0.0, float(rng.choice((15, 25, 40, 75))))),
                wishlist=rng.sample(product_ids, rng.randint(0, 4)),
            )
            # The last three accounts are new: no saved address yet.
            for number in range(0 if index >= 27 else rng.choice((1, 1, 2))):
                city, state, prefix = rng.choice(_PLACES)
                shopper.addresses.append(Address(
                    address_id=self.next_id("ADR"),
                    label=("Home", "Work")[number],
                    recipient=full_name,
                    street=f"{rng.randint(10, 9899)} {rng.choice(_STREETS)}",
                    city=city,
                    state=state,
                    zip_code=f"{prefix}{rng.randrange(100):02d}",
                ))
            if shopper.addresses:
                shopper.default_address_id = shopper.addresses[0].address_id
            for number in range(rng.choice((1, 1, 2))):
                # Every fifth shopper's first card has expired.
                months = -rng.randint(1, 20) if number == 0 and index % 5 == 4 else rng.randint(2, 48)
                month_index = self.now.year * 12 + self.now.month - 1 + months
                shopper.payment_cards.append(PaymentCard(
                    payment_card_id=self.next_id("PMC"),
                    brand=rng.choice(("Visa", "Visa", "Mastercard", "Amex", "Discover")),
                    last4=f"{rng.randrange(10000):04d}",
                    cardholder=full_name,
                    expires=f"{month_index // 12}-{month_index % 12 + 1:02d}",
                ))
            self.shoppers[shopper.shopper_id] = shopper
            self.carts[shopper.shopper_id] = Cart(shopper_id=shopper.shopper_id)

    def _generate_coupons(self, rng: random.Random) -> None:
        days = timedelta(days=1)
        plan: list[tuple[str, str, Literal["percent", "fixed"], float, float, Category | None, float | None, int]] = [
            ("WELCOME10", "10% off your order (up to 40 USD)", "percent", 10, 0, None, 40, 60),
            ("SAVE20", "20 USD off orders of 100 USD or more", "fixed", 20, 100, None, None, 30),
            ("TECH15", "15% off electronics over 150 USD", "percent", 15, 150, "electronics", 90, 21),
            ("STYLE25", "25% off apparel over 75 USD", "percent", 25, 75, "apparel", None, 14),
            ("KICKS10", "10 USD off footwear over 60 USD", "fixed", 10, 60, "footwear", None, 45),
            ("NESTING30", "30 USD off home goods over 150 USD", "fixed", 30, 150, "home", None, 10),
            ("SPORTY15", "15% off sports gear over 40 USD", "percent", 15, 40, "sports", None, 30),
            ("PLAYTIME10", "10% off toys", "percent", 10, 0, "toys", None, 25),
            ("SPRING5", "5 USD off orders over 25 USD", "fixed", 5, 25, None, None, -4),
            ("GLOW20", "20% off beauty", "percent", 20, 0, "beauty", None, -18),
            ("FLASH50", "50% off everything (first 100 shoppers)", "percent", 50, 0, None, 75, 2),
        ]
        for code, description, kind, value, min_spend, category, cap, expires_in in plan:
            coupon = Coupon(
                code=code,
                description=description,
                kind=kind,
                value=value,
                min_spend=min_spend,
                category=category,
                max_discount=cap,
                expires_at=(self.now + expires_in * days).replace(hour=23, minute=59, second=0, microsecond=0),
                times_used=rng.randint(20, 400),
            )
            if code == "FLASH50":
                coupon.max_uses = coupon.times_used = 100
            self.coupons[code] = coupon

    def _generate_gift_cards(self, rng: random.Random) -> None:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        shopper_ids = sorted(self.shoppers)
        for index in range(12):
            code = "GIFT-" + "-".join("".join(rng.choice(letters) for _ in range(4)) for _ in range(2))
            card = GiftCard(code=code, amount=float(rng.choice((25, 50, 50, 100, 150))))
            if index % 3 == 2:
                card.redeemed_by = rng.choice(shopper_ids)
                card.redeemed_at = self.now - timedelta(days=rng.randint(5, 200))
            self.gift_cards[code] = card

    def _generate_orders(self, rng: random.Random) -> None:
        """About 60 past orders in every status, numbered by date, with the reviews and returns that followed."""
        buyers = [s for s in self.shoppers.values() if s.addresses]
        variants = list(self.variants.values())
        returnable = [v for v in variants if not self.products[v.product_id].final_sale]
        statuses: list[OrderStatus] = ["placed"] * 7 + ["shipped"] * 9 + ["delivered"] * 34 + ["cancelled"] * 6
        statuses += ["returned"] * 5
        # Every shopper with an address orders at least once; the remaining orders go to random buyers.
        owners = buyers + [rng.choice(buyers) for _ in range(len(statuses) - len(buyers))]
        plans = [(self._placed_at(rng, status), number, status) for number, status in enumerate(statuses)]
        for placed_at, number, status in sorted(plans):
            shopper = owners[number]
            address = rng.choice(shopper.addresses)
            pool = returnable if status == "returned" else variants
            lines = [
                (variant, 1 if variant.price > 100 else rng.choice((1, 1, 2)))
                for variant in rng.sample(pool, rng.choice((1, 1, 2, 2, 3)))
            ]
            priced = [(self.products[v.product_id].category, round(v.price * q, 2)) for v, q in lines]
            coupon = self._usable_coupon(rng, shopper, priced)
            method: ShippingMethod = rng.choice(("standard", "standard", "standard", "express", "overnight"))
            gift = shopper.gift_card_balance if rng.random() < 0.1 else 0.0
            quote, shares = price_order(priced, coupon, method, address.state, gift_balance=gift)
            card = next(
                (c for c in reversed(shopper.payment_cards) if not c.is_expired(placed_at)), shopper.payment_cards[-1]
            )
            order = self.record_order(shopper, address, card, lines, quote, shares, placed_at)
            self._advance_order(rng, order, status)
        self._generate_reviews(rng)

    def _usable_coupon(
        self, rng: random.Random, shopper: Shopper, priced: list[tuple[Category, float]]
    ) -> Coupon | None:
        if rng.random() > 0.3:
            return None
        usable = [
            coupon for coupon in self.coupons.values()
            if shopper.shopper_id not in coupon.used_by
            and eligible_spend(coupon, priced) >= max(coupon.min_spend, 0.01)
            and coupon.code != "FLASH50"
        ]
        return rng.choice(usable) if usable else None

    def _placed_at(self, rng: random.Random, status: OrderStatus) -> datetime:
        if status == "placed":
            hours = rng.randint(1, 20)
        elif status == "shipped":
            hours = rng.randint(30, 70)
        elif status == "returned":
            hours = 24 * rng.randint(16, 40)
        else:
            hours = 24 * rng.randint(8, 100)
        return (self.now - timedelta(hours=hours)).replace(minute=rng.randrange(60), second=0, microsecond=0)

    def _advance_order(self, rng: random.Random, order: Order, status: OrderStatus) -> None:
        """Move a freshly recorded past order on to `status`, with the dates and records that implies."""
        if status == "cancelled":
            order.status = "cancelled"
            order.cancelled_at = order.placed_at + timedelta(hours=rng.randint(1, 12))
            order.refunded = round(order.charged_to_card + order.gift_card_applied, 2)
            return
        if status == "placed":
            return
        order.status = "shipped"
        order.shipped_at = order.placed_at + timedelta(hours=rng.randint(14, 26))
        _, transit, carrier = SHIPPING[order.shipping_method]
        order.carrier = carrier
        order.tracking_number = f"{carrier[:2].upper()}{rng.randrange(10**11, 10**12)}"
        if status == "shipped":
            return
        order.status = "delivered"
        order.delivered_at = order.shipped_at + timedelta(days=transit, hours=rng.randint(-6, 6))
        if status == "returned":
            for item in order.items:
                self._record_past_return(rng, order, item)
            order.status = "returned"

    def _record_past_return(self, rng: random.Random, order: Order, item: OrderItem) -> None:
        assert order.delivered_at is not None
        refund = round((item.unit_price * item.quantity - item.discount) * (1 + order.tax_rate), 2)
        to_card = round(min(refund, order.charged_to_card - order.refunded), 2)
        record = ShopReturn(
            return_id=self.next_id("RET"),
            order_id=order.order_id,
            shopper_id=order.shopper_id,
            variant_id=item.variant_id,
            quantity=item.quantity,
            reason=rng.choice(("damaged", "size_or_fit", "not_as_described", "no_longer_needed")),
            refund_amount=refund,
            refunded_to_card=to_card,
            refunded_to_gift_balance=round(refund - to_card, 2),
            created_at=order.delivered_at + timedelta(days=rng.randint(1, 8)),
        )
        self.returns[record.return_id] = record
        item.returned_quantity = item.quantity
        order.refunded = round(order.refunded + refund, 2)

    def _generate_reviews(self, rng: random.Random) -> None:
        """About half of the delivered lines got a review from the buyer a few days after delivery."""
        reviewed: list[tuple[str, str]] = []
        for order in self.orders.values():
            if order.status != "delivered" or order.delivered_at is None:
                continue
            for item in order.items:
                key = (order.shopper_id, item.product_id)
                if key in reviewed or rng.random() < 0.5:
                    continue
                reviewed.append(key)
                rating = rng.choice((5, 5, 5, 4, 4, 4, 3, 2, 1))
                review = Review(
                    review_id=self.next_id("REV"),
                    product_id=item.product_id,
                    shopper_id=order.shopper_id,
                    rating=rating,
                    title=rng.choice(_REVIEW_TEXT[rating]),
                    created_at=min(order.delivered_at + timedelta(days=rng.randint(1, 10)), self.now),
                )
                self.reviews[review.review_id] = review

    def _generate_carts(self, rng: random.Random) -> None:
        """Some shoppers left items in their cart (in stock and within limits); a couple applied a coupon."""
        buyable = [
            v for v in self.variants.values() if v.stock >= 2 and self.products[v.product_id].status == "active"
        ]
        for index, shopper_id in enumerate(rng.sample(sorted(self.carts), 14)):
            cart = self.carts[shopper_id]
            for variant in rng.sample(buyable, rng.randint(1, 3)):
                if all(self.variants[item.variant_id].product_id != variant.product_id for item in cart.items):
                    cart.items.append(CartItem(variant_id=variant.variant_id, quantity=1))
            if index < 2 and shopper_id not in self.coupons["WELCOME10"].used_by:
                cart.coupon_code = "WELCOME10"
