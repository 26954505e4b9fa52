"""The marketplace's state: members, listings, bids, best offers, orders and feedback.

Every member may buy; members with `is_seller` also sell. Fixed-price listings may hold several units and may
accept best offers; an auction holds one unit, runs until `ends_at` and sells to the high bidder when the reserve
price (hidden from buyers) is met. Auctions that ended before `now` are already settled (status `sold` or `ended`),
so every `active` auction still runs. Feedback counts on a member cover their whole history; the feedback records
in the world are the recent ones, already included in the counts.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
UserId = Annotated[str, Entity("user"), _ID]
ListingId = Annotated[str, Entity("listing"), _ID]
BidId = Annotated[str, Entity("bid"), _ID]
OfferId = Annotated[str, Entity("offer"), _ID]
OrderId = Annotated[str, Entity("order"), _ID]
FeedbackId = Annotated[str, Entity("feedback"), _ID]

Category = Literal[
    "electronics", "collectibles", "fashion", "home_garden", "sporting_goods", "toys_hobbies", "books_media",
    "musical_instruments", "jewelry_watches",
]
Condition = Literal["new", "open_box", "used_like_new", "used_good", "used_fair", "for_parts"]
ListingFormat = Literal["auction", "fixed_price"]
ListingStatus = Literal["active", "ended", "sold", "withdrawn"]
OfferStatus = Literal["pending", "accepted", "declined", "countered"]
ShippingService = Literal["standard", "expedited", "local_pickup"]
SaleSource = Literal["buy_it_now", "auction", "offer"]
Rating = Literal["positive", "neutral", "negative"]

VERIFIED_PRICE_THRESHOLD = 500.0
"""Listings priced (or reserved) at this or more need a verified seller."""
MIN_OFFER_RATIO = 0.5
"""Best offers below this share of the asking price are refused."""
AUCTION_DURATIONS = (1, 3, 5, 7, 10)


def bid_increment(price: float) -> float:
    """The minimum raise over the current price, by price tier; fixed per auction from its starting price."""
    for ceiling, step in ((5, 0.25), (25, 0.5), (100, 1.0), (250, 2.5), (500, 5.0), (1000, 10.0)):
        if price < ceiling:
            return step
    return 25.0


class User(BaseModel):
    user_id: UserId
    username: str
    full_name: str
    city: str
    state: str
    member_since: datetime
    verified: bool = Field(description="Identity-verified; required to list items priced at 500.00 USD or more.")
    is_seller: bool
    positive_count: int = Field(description="Lifetime positive feedback received as a seller.")
    neutral_count: int
    negative_count: int


class ShippingOption(BaseModel):
    service: ShippingService
    cost: float
    days: int = Field(description="Estimated business days to deliver (0 for local pickup).")


class ListingCore(BaseModel):
    """What buyers see of a listing."""

    listing_id: ListingId
    seller_id: UserId
    title: str
    category: Category
    condition: Condition
    format: ListingFormat
    status: ListingStatus
    description: str
    price: float = Field(description="Fixed price per unit, or an auction's current price (its start before bids).")
    starting_price: float | None = None
    bid_increment: float | None = None
    bid_count: int = 0
    high_bidder_id: UserId | None = None
    quantity_available: int
    quantity_sold: int = 0
    accepts_offers: bool = False
    shipping: list[ShippingOption]
    listed_at: datetime
    ends_at: datetime | None = Field(None, description="When an auction closes; fixed-price listings do not expire.")
    closed_at: datetime | None = None


class Listing(ListingCore):
    reserve_price: float | None = Field(None, description="Hidden from buyers: the least the seller will sell for.")


class Bid(BaseModel):
    bid_id: BidId
    listing_id: ListingId
    bidder_id: UserId
    amount: float
    placed_at: datetime


class Offer(BaseModel):
    offer_id: OfferId
    listing_id: ListingId
    buyer_id: UserId
    seller_id: UserId
    amount: float = Field(description="Offered price per unit.")
    quantity: int
    status: OfferStatus
    counter_amount: float | None = Field(None, description="The seller's counter price per unit, when countered.")
    message: str = ""
    made_at: datetime
    responded_at: datetime | None = None
    order_id: OrderId | None = None


class Order(BaseModel):
    order_id: OrderId
    listing_id: ListingId
    title: str
    buyer_id: UserId
    seller_id: UserId
    source: SaleSource
    quantity: int
    unit_price: float
    shipping_service: ShippingService
    shipping_cost: float
    total: float
    payment_status: Literal["unpaid", "paid"]
    shipping_status: Literal["not_shipped", "shipped", "delivered"]
    tracking_number: str | None = None
    placed_at: datetime
    paid_at: datetime | None = None
    feedback_id: FeedbackId | None = None


class Feedback(BaseModel):
    feedback_id: FeedbackId
    order_id: OrderId
    buyer_id: UserId
    seller_id: UserId
    rating: Rating
    comment: str
    left_at: datetime


_FIRST_NAMES = (
    "Ava", "Ben", "Chloe", "Diego", "Elena", "Felix", "Grace", "Hassan", "Ines", "Jonah", "Keiko", "Liam", "Maya",
    "Nikolai", "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wes", "Ximena", "Yusuf", "Zoe",
    "Marcus", "Hannah", "Theo", "Priya", "Caleb", "Lena", "Oscar", "Nadia", "Ruth", "Isaac",
)
_LAST_NAMES = (
    "Abbott", "Bianchi", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallagher", "Hoffman", "Iverson", "Jensen",
    "Kaur", "Lindqvist", "Moreau", "Nakamura", "O'Brien", "Petrov", "Quintero", "Reyes", "Schmidt", "Tran",
    "Underwood", "Vance", "Whitaker", "Yamada", "Zielinski", "Mensah", "Delgado", "Holt", "Park", "Silva",
)
_HANDLE_WORDS = (
    "vintage", "retro", "deals", "finds", "vault", "attic", "garage", "collector", "outlet", "trader", "closet",
    "corner", "shop", "resale", "gear", "depot",
)
_PLACES = (
    ("Portland", "OR"), ("Austin", "TX"), ("Columbus", "OH"), ("Tampa", "FL"), ("Denver", "CO"), ("Nashville", "TN"),
    ("Sacramento", "CA"), ("Buffalo", "NY"), ("Madison", "WI"), ("Tucson", "AZ"), ("Charlotte", "NC"),
    ("Boise", "ID"), ("Richmond", "VA"), ("Omaha", "NE"),
)
_CATALOG: tuple[tuple[str, Category, float, float], ...] = (
    ("Apple iPhone 13 128GB Unlocked", "electronics", 300, 520),
    ("Sony WH-1000XM4 Wireless Headphones", "electronics", 120, 250),
    ("Nintendo Switch OLED Console", "electronics", 220, 330),
    ("Canon EOS R6 Mirrorless Camera Body", "electronics", 1100, 1700),
    ("Samsung Galaxy Tab S8 11in 128GB", "electronics", 350, 560),
    ("Bose SoundLink Flex Bluetooth Speaker", "electronics", 70, 130),
    ("DJI Mini 3 Pro Drone with Remote", "electronics", 550, 800),
    ("Raspberry Pi 4 Model B 8GB", "electronics", 60, 110),
    ("Apple MacBook Air M1 256GB", "electronics", 550, 850),
    ("Sony PlayStation 5 Disc Edition", "electronics", 380, 520),
    ("Kindle Paperwhite 11th Gen", "electronics", 80, 140),
    ("1986 Fleer Basketball Card Lot (25 cards)", "collectibles", 40, 180),
    ("Vintage Coca-Cola Tin Sign", "collectibles", 60, 220),
    ("Pokemon Base Set Charizard Holo 4/102", "collectibles", 250, 2200),
    ("1921 Morgan Silver Dollar", "collectibles", 35, 70),
    ("Star Wars 1978 Kenner Luke Skywalker Figure", "collectibles", 40, 300),
    ("Hummel Figurine Apple Tree Girl", "collectibles", 30, 120),
    ("Levi's 501 Original Jeans 32x32", "fashion", 25, 60),
    ("Patagonia Nano Puff Jacket Men's M", "fashion", 90, 160),
    ("Nike Air Jordan 1 Retro High OG Size 10", "fashion", 150, 450),
    ("Coach Tabby Leather Shoulder Bag", "fashion", 180, 380),
    ("Ray-Ban Wayfarer Classic Sunglasses", "fashion", 70, 140),
    ("Dr. Martens 1460 Boots UK 8", "fashion", 70, 130),
    ("Burberry Kensington Trench Coat Size 8", "fashion", 600, 1100),
    ("KitchenAid Artisan Stand Mixer 5qt", "home_garden", 180, 330),
    ("Le Creuset Dutch Oven 5.5qt", "home_garden", 180, 300),
    ("Dyson V11 Cordless Vacuum", "home_garden", 250, 420),
    ("Vitamix 5200 Blender", "home_garden", 200, 330),
    ("Mid-Century Teak Side Table", "home_garden", 120, 400),
    ("Weber Spirit II Gas Grill", "home_garden", 250, 420),
    ("Instant Pot Duo 6qt Pressure Cooker", "home_garden", 45, 80),
    ("Trek Marlin 5 Mountain Bike Size M", "sporting_goods", 350, 600),
    ("TaylorMade Stealth Driver 10.5", "sporting_goods", 220, 380),
    ("Yeti Tundra 45 Cooler", "sporting_goods", 180, 280),
    ("Bowflex SelectTech 552 Dumbbells", "sporting_goods", 250, 420),
    ("Burton Custom Snowboard 158cm", "sporting_goods", 280, 520),
    ("Garmin Edge 530 Bike Computer", "sporting_goods", 150, 260),
    ("LEGO Star Wars Millennium Falcon 75192", "toys_hobbies", 600, 900),
    ("LEGO Technic Porsche 911 GT3 RS 42056", "toys_hobbies", 300, 480),
    ("Hot Wheels Redline Lot (10 cars)", "toys_hobbies", 80, 350),
    ("Warhammer 40k Space Marine Army", "toys_hobbies", 120, 400),
    ("Lionel O Gauge Polar Express Train Set", "toys_hobbies", 150, 450),
    ("Magic The Gathering Collector Booster Box", "toys_hobbies", 180, 320),
    ("Harry Potter UK Hardcover Set (7 books)", "books_media", 120, 450),
    ("Pink Floyd Dark Side of the Moon 1973 LP", "books_media", 40, 250),
    ("The Beatles Abbey Road Original LP", "books_media", 60, 300),
    ("Criterion Collection Blu-ray Lot (12)", "books_media", 80, 200),
    ("Signed Stephen King It Hardcover", "books_media", 150, 700),
    ("Fender Player Stratocaster Electric Guitar", "musical_instruments", 550, 800),
    ("Yamaha P-125 Digital Piano", "musical_instruments", 450, 650),
    ("Gibson Les Paul Standard 50s", "musical_instruments", 1800, 2600),
    ("Shure SM58 Dynamic Microphone", "musical_instruments", 60, 100),
    ("Roland TD-07KV Electronic Drum Kit", "musical_instruments", 500, 800),
    ("Boss DS-1 Distortion Pedal", "musical_instruments", 30, 55),
    ("Seiko 5 Sports Automatic Watch SRPD", "jewelry_watches", 180, 300),
    ("Omega Seamaster Diver 300M", "jewelry_watches", 2800, 4200),
    ("Tiffany Sterling Silver Heart Tag Necklace", "jewelry_watches", 120, 280),
    ("14k Gold Diamond Stud Earrings 0.5ctw", "jewelry_watches", 400, 900),
    ("Casio G-Shock GA2100 Watch", "jewelry_watches", 70, 110),
    ("Rolex Oyster Perpetual 36mm", "jewelry_watches", 5500, 7500),
)
_CONDITION_NOTES: dict[Condition, tuple[str, ...]] = {
    "new": ("Brand new, factory sealed.", "New in box, never opened."),
    "open_box": ("Opened to inspect only; all accessories included.", "Open box, unused."),
    "used_like_new": ("Used a handful of times, no marks.", "Excellent condition, barely used."),
    "used_good": ("Light wear consistent with normal use.", "Works perfectly; minor cosmetic scuffs."),
    "used_fair": ("Visible wear and scratches, fully working.", "Well used; see notes on marks."),
    "for_parts": ("Not working; sold as-is for parts or repair.", "Powers on intermittently; for parts."),
}
_CONDITION_VALUE: dict[Condition, float] = {
    "new": 1.0, "open_box": 0.92, "used_like_new": 0.85, "used_good": 0.72, "used_fair": 0.58, "for_parts": 0.3,
}
_COMMENTS: dict[Rating, tuple[str, ...]] = {
    "positive": (
        "Fast shipping, item exactly as described. A+", "Great seller, well packed, would buy again.",
        "Smooth transaction and quick replies.", "Item better than pictured. Thanks!",
    ),
    "neutral": ("Item fine but took over a week to ship.", "OK overall; packaging could be better."),
    "negative": ("Item arrived damaged and seller stopped responding.", "Not as described; wear was not disclosed."),
}
_Sales = list[tuple[datetime, int, Callable[[datetime], None]]]
"""Sales queued during generation as (moment, tie-breaker, apply) and applied in time order."""
_OFFER_NOTES = ("Would you take this?", "Can pay right away.", "Is this still available?", "", "")


class MarketplaceWorld(World):
    server: ClassVar[str] = "marketplace"

    users: dict[str, User] = Field(default_factory=dict)
    listings: dict[str, Listing] = Field(default_factory=dict)
    bids: dict[str, Bid] = Field(default_factory=dict)
    offers: dict[str, Offer] = Field(default_factory=dict)
    orders: dict[str, Order] = Field(default_factory=dict)
    feedback: dict[str, Feedback] = Field(default_factory=dict)

    # ----- state changes used by both the generator and the tools -----

    def min_next_bid(self, listing: Listing) -> float:
        """The least a new bid on an auction may be: the start before any bid, then the price plus the increment."""
        if listing.bid_count == 0:
            return listing.price
        return round(listing.price + (listing.bid_increment or 0.0), 2)

    def record_bid(self, listing: Listing, bidder_id: str, amount: float, at: datetime) -> Bid:
        bid = Bid(bid_id=self.next_id("BID", 5), listing_id=listing.listing_id, bidder_id=bidder_id,
                  amount=round(amount, 2), placed_at=at)
        self.bids[bid.bid_id] = bid
        listing.price = bid.amount
        listing.bid_count += 1
        listing.high_bidder_id = bidder_id
        return bid

    def record_order(
        self, listing: Listing, buyer_id: str, quantity: int, unit_price: float, service: ShippingService,
        source: SaleSource, at: datetime,
    ) -> Order:
        """Sell `quantity` units of `listing` to `buyer_id` (unpaid); the listing is sold when no unit is left."""
        option = next(option for option in listing.shipping if option.service == service)
        subtotal = round(unit_price * quantity, 2)
        order = Order(
            order_id=self.next_id("ORD"), listing_id=listing.listing_id, title=listing.title, buyer_id=buyer_id,
            seller_id=listing.seller_id, source=source, quantity=quantity, unit_price=round(unit_price, 2),
            shipping_service=service, shipping_cost=option.cost, total=round(subtotal + option.cost, 2),
            payment_status="unpaid", shipping_status="not_shipped", placed_at=at,
        )
        self.orders[order.order_id] = order
        listing.quantity_available -= quantity
        listing.quantity_sold += quantity
        if listing.quantity_available == 0:
            listing.status = "sold"
            listing.closed_at = at
        return order

    def close_open_offers(self, listing_id: str, at: datetime) -> list[str]:
        """Decline the pending and countered offers on a listing that can no longer sell; their ids."""
        closed = []
        for offer in self.offers.values():
            if offer.listing_id == listing_id and offer.status in ("pending", "countered"):
                offer.status = "declined"
                offer.responded_at = at
                closed.append(offer.offer_id)
        return closed

    def record_feedback(self, order: Order, rating: Rating, comment: str, at: datetime) -> Feedback:
        entry = Feedback(feedback_id=self.next_id("FB"), order_id=order.order_id, buyer_id=order.buyer_id,
                         seller_id=order.seller_id, rating=rating, comment=comment, left_at=at)
        self.feedback[entry.feedback_id] = entry
        order.feedback_id = entry.feedback_id
        seller = self.users[order.seller_id]
        if rating == "positive":
            seller.positive_count += 1
        elif rating == "neutral":
            seller.neutral_count += 1
        else:
            seller.negative_count += 1
        return entry

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        self._generate_users(rng)
        sales: _Sales = []
        sellers = [user for user in self.users.values() if user.is_seller]
        fixed_outcomes: list[ListingStatus] = ["sold"] * 20 + ["ended"] * 6 + ["withdrawn"] * 5 + ["active"] * 41
        auction_running = [False] * 20 + [True] * 28
        rng.shuffle(fixed_outcomes)
        rng.shuffle(auction_running)
        for index in range(120):
            seller = sellers[index % len(sellers)] if index < 2 * len(sellers) else rng.choice(sellers)
            if index % 5 in (1, 3):
                self._generate_auction(rng, seller, auction_running.pop(), sales)
            else:
                self._generate_fixed_price(rng, seller, fixed_outcomes.pop(), sales)
        for moment, _, sell in sorted(sales, key=lambda sale: (sale[0], sale[1])):
            sell(moment)
        self._generate_open_offers(rng)
        self._settle_orders(rng)

    def _moment(self, rng: random.Random, newest: datetime, days_back: float) -> datetime:
        """A minute-aligned moment up to `days_back` days before `newest`."""
        moment = newest - timedelta(minutes=rng.randint(5, max(6, int(days_back * 1440))))
        return moment.replace(second=0, microsecond=0)

    def _generate_users(self, rng: random.Random) -> None:
        names = rng.sample([(first, last) for first in _FIRST_NAMES for last in _LAST_NAMES], 40)
        for index, (first, last) in enumerate(names):
            is_seller = index % 9 not in (2, 5, 7)
            city, state = rng.choice(_PLACES)
            handle = f"{first.lower()}_{rng.choice(_HANDLE_WORDS)}{rng.randint(1, 99)}" if is_seller else \
                f"{first.lower()}{last[0].lower()}{rng.randint(10, 999)}"
            volume = rng.randint(20, 1800) if is_seller else rng.randint(0, 12)
            negatives = int(volume * rng.choice((0.0, 0.005, 0.01, 0.02, 0.08)))
            user = User(
                user_id=self.next_id("USR"), username=handle, full_name=f"{first} {last}", city=city, state=state,
                member_since=self._moment(rng, self.now - timedelta(days=60), 4000),
                verified=rng.random() < (0.72 if is_seller else 0.4), is_seller=is_seller,
                positive_count=volume - negatives - volume // 40, neutral_count=volume // 40,
                negative_count=negatives,
            )
            self.users[user.user_id] = user

    def _pick_item(self, rng: random.Random, seller: User) -> tuple[str, Category, Condition, float]:
        """A catalog item, its condition and its fair value; unverified sellers only get items under the threshold."""
        while True:
            title, category, low, high = rng.choice(_CATALOG)
            condition: Condition = rng.choices(list(_CONDITION_VALUE), weights=(4, 2, 4, 5, 2, 1))[0]
            value = round(rng.uniform(low, high) * _CONDITION_VALUE[condition], 2)
            if seller.verified or value < VERIFIED_PRICE_THRESHOLD * 0.8:
                return title, category, condition, value

    def _shipping(self, rng: random.Random, value: float) -> list[ShippingOption]:
        standard = 0.0 if rng.random() < 0.4 else round(min(4.5 + value * rng.uniform(0.01, 0.04), 45.0), 2)
        options = [ShippingOption(service="standard", cost=standard, days=rng.randint(3, 7))]
        if rng.random() < 0.5:
            options.append(ShippingOption(service="expedited", cost=round(standard + rng.uniform(9, 25), 2), days=2))
        if rng.random() < 0.15:
            options.append(ShippingOption(service="local_pickup", cost=0.0, days=0))
        return options

    def _new_listing(self, rng: random.Random, seller: User, fmt: ListingFormat, listed_at: datetime) -> Listing:
        title, category, condition, value = self._pick_item(rng, seller)
        listing = Listing(
            listing_id=self.next_id("LST"), seller_id=seller.user_id, title=title, category=category,
            condition=condition, format=fmt, status="active", description=rng.choice(_CONDITION_NOTES[condition]),
            price=value, quantity_available=1, shipping=self._shipping(rng, value), listed_at=listed_at,
        )
        self.listings[listing.listing_id] = listing
        return listing

    def _buyer_for(self, rng: random.Random, listing: Listing) -> str:
        while True:
            user_id = rng.choice(list(self.users))
            if user_id != listing.seller_id:
                return user_id

    def _generate_fixed_price(self, rng: random.Random, seller: User, outcome: ListingStatus, sales: _Sales) -> None:
        listing = self._new_listing(rng, seller, "fixed_price", self._moment(rng, self.now, 45))
        if listing.price > 20:
            listing.price = round(round(listing.price * rng.uniform(1.0, 1.15)) - 0.01, 2)
        listing.accepts_offers = listing.price >= 20 and rng.random() < 0.55
        if listing.price < 200 and listing.condition in ("new", "open_box", "used_like_new") and rng.random() < 0.6:
            listing.quantity_available = rng.randint(2, 6)
        age = (self.now - listing.listed_at).total_seconds() / 86400
        unsold_units = rng.randint(0, min(2, listing.quantity_available - 1))
        units = listing.quantity_available if outcome == "sold" else unsold_units
        last_sale = self.now
        if outcome in ("ended", "withdrawn"):
            listing.status = outcome
            listing.closed_at = last_sale = self._moment(rng, self.now, age / 4)
            for _ in range(rng.randint(0, 2) if listing.accepts_offers else 0):
                made_at = self._moment(rng, last_sale, age / 2)
                self._record_offer(rng, listing, self._buyer_for(rng, listing), "declined", made_at)
        window = (last_sale - listing.listed_at).total_seconds() / 86400
        for _ in range(units):
            sales.append((self._moment(rng, last_sale, window), len(sales), self._sale(rng, listing)))

    def _sale(self, rng: random.Random, listing: Listing) -> Callable[[datetime], None]:
        """A buy-it-now purchase, or a best offer accepted by the seller, at the moment it is applied."""

        def sell(moment: datetime) -> None:
            service = rng.choice([option.service for option in listing.shipping])
            if listing.accepts_offers and rng.random() < 0.35:
                made_at = moment - timedelta(hours=rng.randint(2, 30))
                offer = self._record_offer(rng, listing, self._buyer_for(rng, listing), "accepted", made_at)
                offer.responded_at = moment
                order = self.record_order(listing, offer.buyer_id, 1, offer.amount, service, "offer", moment)
                offer.order_id = order.order_id
            else:
                buyer_id = self._buyer_for(rng, listing)
                self.record_order(listing, buyer_id, 1, listing.price, service, "buy_it_now", moment).paid_at = moment

        return sell

    def _record_offer(
        self, rng: random.Random, listing: Listing, buyer_id: str, status: OfferStatus, at: datetime
    ) -> Offer:
        offer = Offer(
            offer_id=self.next_id("OFR"), listing_id=listing.listing_id, buyer_id=buyer_id,
            seller_id=listing.seller_id, amount=round(listing.price * rng.uniform(0.6, 0.92)), quantity=1,
            status=status, message=rng.choice(_OFFER_NOTES), made_at=at,
        )
        if status != "pending":
            offer.responded_at = min(at + timedelta(hours=rng.randint(1, 20)), self.now)
        self.offers[offer.offer_id] = offer
        return offer

    def _generate_auction(self, rng: random.Random, seller: User, running: bool, sales: _Sales) -> None:
        duration = rng.choice(AUCTION_DURATIONS[1:])
        if running:
            listed_at = self._moment(rng, self.now, duration * 0.97)
        else:
            listed_at = self._moment(rng, self.now, 30 + duration)
            listed_at = min(listed_at, self.now - timedelta(days=duration, hours=2))
        listing = self._new_listing(rng, seller, "auction", listed_at)
        listing.ends_at = ends_at = listed_at + timedelta(days=duration)
        value = listing.price
        start = max(0.99, round(round(value * rng.choice((0.01, 0.3, 0.5, 0.7))) - 0.01, 2))
        listing.price = listing.starting_price = start
        listing.bid_increment = bid_increment(start)
        if rng.random() < 0.3 and value > 40:
            reserve = round(value * rng.uniform(0.6, 1.05))
            if seller.verified or reserve < VERIFIED_PRICE_THRESHOLD:
                listing.reserve_price = float(reserve)
        last = min(ends_at, self.now)
        bidders = rng.randint(1, 6) if rng.random() < (0.75 if running else 0.9) else 0
        moments = sorted(self._moment(rng, last, (last - listed_at).total_seconds() / 86400) for _ in range(bidders))
        previous = None
        for moment in moments:
            bidder_id = self._buyer_for(rng, listing)
            if bidder_id == previous:
                continue
            amount = self.min_next_bid(listing) + listing.bid_increment * rng.randint(0, 6)
            if listing.bid_count and amount > value * 1.2:
                break
            self.record_bid(listing, bidder_id, amount, moment)
            previous = bidder_id
        if not running:
            self._close_auction(listing, ends_at, sales)

    def _close_auction(self, listing: Listing, ends_at: datetime, sales: _Sales) -> None:
        """Settle an auction that ended before now: sold to the high bidder if the reserve was met, else ended."""
        if listing.high_bidder_id is not None and listing.price >= (listing.reserve_price or 0.0):
            winner = listing.high_bidder_id

            def sell(moment: datetime) -> None:
                self.record_order(listing, winner, 1, listing.price, "standard", "auction", moment)

            sales.append((ends_at, len(sales), sell))
        else:
            listing.status = "ended"
            listing.closed_at = ends_at

    def _generate_open_offers(self, rng: random.Random) -> None:
        """Best offers still waiting on active listings: pending for the seller, or countered for the buyer."""
        for listing in self.listings.values():
            if listing.status != "active" or not listing.accepts_offers or rng.random() < 0.35:
                continue
            candidates = [user_id for user_id in self.users if user_id != listing.seller_id]
            picked = rng.sample(candidates, 2)
            first: OfferStatus = rng.choices(("pending", "countered"), weights=(2, 1))[0]
            second: OfferStatus | None = rng.choice(("pending", "declined", None, None))
            for buyer_id, status in zip(picked, (first, second)):
                if status is None:
                    continue
                offer = self._record_offer(rng, listing, buyer_id, status, self._moment(rng, self.now, 4))
                if status == "countered":
                    offer.counter_amount = round((offer.amount + listing.price) / 2)

    def _settle_orders(self, rng: random.Random) -> None:
        """Payment, shipping and feedback by the age of each order."""
        for order in self.orders.values():
            age = self.now - order.placed_at
            if order.paid_at is None and (age > timedelta(days=3) or rng.random() < 0.4):
                order.paid_at = min(order.placed_at + timedelta(hours=rng.randint(1, 48)), self.now)
            if order.paid_at is None:
                continue
            order.payment_status = "paid"
            shipped_days = (self.now - order.paid_at).days
            if shipped_days >= 1:
                order.shipping_status = "delivered" if shipped_days >= 6 else "shipped"
                order.tracking_number = f"1Z{rng.randrange(10**9, 10**10)}"
            if order.shipping_status == "delivered" and rng.random() < 0.7:
                rating: Rating = rng.choices(("positive", "neutral", "negative"), weights=(17, 2, 1))[0]
                left_at = min(order.paid_at + timedelta(days=rng.randint(6, 12)), self.now)
                self.record_feedback(order, rating, rng.choice(_COMMENTS[rating]), left_at)
