"""Marketplace tools: search listings and members, read bid histories, offers and orders; bid, buy, make and answer
best offers, list and withdraw items, pay for orders and leave feedback for sellers.

Every action names the member taking it (bidder, buyer, seller); the tools check that member may take it."""

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, ServerDef, ShortText, ToolError, require
from mcp_servers.marketplace.world import (
    MIN_OFFER_RATIO,
    VERIFIED_PRICE_THRESHOLD,
    Bid,
    Category,
    Condition,
    Feedback,
    Listing,
    ListingCore,
    ListingFormat,
    ListingId,
    ListingStatus,
    MarketplaceWorld,
    Offer,
    OfferId,
    Order,
    OrderId,
    Rating,
    ShippingOption,
    ShippingService,
    User,
    UserId,
    bid_increment,
)

server = ServerDef(
    "marketplace",
    MarketplaceWorld,
    group="commerce",
    description=(
        "Peer-to-peer marketplace: members, fixed-price and auction listings, bids, best offers, orders, payment "
        "and seller feedback. Every action names the member (buyer, bidder or seller) taking it."
    ),
)

Price = Annotated[float, Field(ge=0.01, le=1_000_000, allow_inf_nan=False)]
ShippingCost = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Query = Annotated[str, Field(max_length=120)]
Title = Annotated[str, Field(min_length=3, max_length=80)]
Quantity = Annotated[int, Field(ge=1, le=100)]


# ----- result models -----


class ListingSummary(BaseModel):
    listing_id: ListingId
    title: str
    seller_id: UserId
    category: Category
    condition: Condition
    format: ListingFormat
    status: ListingStatus
    price: float = Field(description="Fixed price per unit, or the auction's current price.")
    bid_count: int
    quantity_available: int
    accepts_offers: bool
    ends_at: datetime | None


class ListingSearch(BaseModel):
    listings: list[ListingSummary]
    total_matched: int


class ListingDetails(ListingCore):
    min_next_bid: float | None = Field(description="Auctions only: the least the next bid may be.")
    has_reserve: bool
    reserve_met: bool | None = Field(description="Auctions with a reserve: whether the current price meets it.")
    seller_username: str
    seller_verified: bool
    seller_feedback_score: int
    open_offer_count: int = Field(description="Best offers waiting on the seller or on a buyer's answer.")


class BidHistory(BaseModel):
    listing_id: ListingId
    status: ListingStatus
    current_price: float
    min_next_bid: float | None = Field(description="The least a new bid may be; none once the auction closed.")
    high_bidder_id: UserId | None
    ends_at: datetime | None
    bids: list[Bid] = Field(description="Newest first.")


class UserProfile(User):
    feedback_score: int = Field(description="Positive minus negative feedback received.")
    positive_percent: float | None = Field(description="Share of positive among rated feedback; none when unrated.")


class UserList(BaseModel):
    users: list[UserProfile]
    total_matched: int


class SellerProfile(UserProfile):
    active_listing_ids: list[ListingId]
    items_sold: int
    recent_feedback: list[Feedback] = Field(description="Up to 10 most recent feedback entries received.")


class OrderList(BaseModel):
    orders: list[Order]
    total_matched: int


class OfferList(BaseModel):
    offers: list[Offer]


class WithdrawnListing(BaseModel):
    listing: ListingSummary
    declined_offer_ids: list[OfferId]


class BidReceipt(BaseModel):
    bid: Bid
    current_price: float
    min_next_bid: float
    bid_count: int
    reserve_met: bool | None
    ends_at: datetime | None


class OfferOutcome(BaseModel):
    offer: Offer
    order: Order | None = Field(None, description="The order created when the offer was accepted.")
    declined_offer_ids: list[OfferId] = Field(
        default_factory=list, description="Other open offers declined because the listing sold out."
    )


class Purchase(BaseModel):
    order: Order
    listing_status: ListingStatus
    quantity_left: int
    declined_offer_ids: list[OfferId] = Field(description="Open offers declined because the listing sold out.")


class FeedbackReceipt(BaseModel):
    feedback: Feedback
    seller_feedback_score: int
    seller_positive_percent: float | None


# ----- lookups, checks and views used by several tools -----


def _user(world: MarketplaceWorld, user_id: str) -> User:
    return require(world.users, user_id, "user", "Use find_marketplace_users to look up member ids.")


def _listing(world: MarketplaceWorld, listing_id: str) -> Listing:
    return require(world.listings, listing_id, "listing", "Use search_marketplace_listings to find listing ids.")


def _order(world: MarketplaceWorld, order_id: str) -> Order:
    return require(world.orders, order_id, "order", "Use list_marketplace_orders to see a member's orders.")


def _usd(amount: float) -> str:
    return f"{amount:,.2f} USD"


def _stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "an unknown time"


def _feedback_score(user: User) -> int:
    return user.positive_count - user.negative_count


def _positive_percent(user: User) -> float | None:
    rated = user.positive_count + user.negative_count
    return round(100 * user.positive_count / rated, 1) if rated else None


def _profile(user: User) -> UserProfile:
    return UserProfile(
        **user.model_dump(), feedback_score=_feedback_score(user), positive_percent=_positive_percent(user)
    )


def _summary(listing: Listing) -> ListingSummary:
    return ListingSummary.model_validate(listing, from_attributes=True)


def _takes_part(user_id: str, role: str, buyer_id: str, seller_id: str) -> bool:
    """Whether `user_id` is the buyer or the seller of a deal, as `role` ("buyer", "seller" or "any") asks."""
    return (role != "seller" and buyer_id == user_id) or (role != "buyer" and seller_id == user_id)


def _reserve_met(listing: Listing) -> bool | None:
    if listing.reserve_price is None:
        return None
    return listing.bid_count > 0 and listing.price >= listing.reserve_price


def _require_active(listing: Listing) -> None:
    """Refuse listings that can no longer sell, saying why."""
    if listing.status == "sold":
        raise ToolError(f"Listing {listing.listing_id} is sold out (closed {_stamp(listing.closed_at)}).")
    if listing.status == "withdrawn":
        raise ToolError(f"Listing {listing.listing_id} was withdrawn by its seller on {_stamp(listing.closed_at)}.")
    if listing.status == "ended":
        what = "auction ended" if listing.format == "auction" else "listing ended"
        raise ToolError(f"Listing {listing.listing_id}: the {what} on {_stamp(listing.closed_at)} without selling.")


def _require_not_seller(listing: Listing, user_id: str, action: str) -> None:
    if listing.seller_id == user_id:
        raise ToolError(f"{user_id} is the seller of listing {listing.listing_id} and cannot {action} it.")


def _require_fixed_price(listing: Listing, action: str) -> None:
    if listing.format == "auction":
        raise ToolError(
            f"Listing {listing.listing_id} is an auction; it cannot {action}. Bid on it with place_auction_bid."
        )


def _require_units(listing: Listing, quantity: int) -> None:
    if quantity > listing.quantity_available:
        raise ToolError(
            f"Listing {listing.listing_id} has {listing.quantity_available} unit(s) available; "
            f"{quantity} were requested."
        )


def _sell(
    world: MarketplaceWorld, listing: Listing, buyer_id: str, quantity: int, unit_price: float,
    service: ShippingService, source: Literal["buy_it_now", "offer"],
) -> tuple[Order, list[str]]:
    """Create the order; when the listing sells out, decline the offers still open on it."""
    order = world.record_order(listing, buyer_id, quantity, unit_price, service, source, world.now)
    declined = world.close_open_offers(listing.listing_id, world.now) if listing.status == "sold" else []
    return order, declined


# ----- discovery -----


@server.read
def search_marketplace_listings(
    world: MarketplaceWorld,
    query: Query = "",
    category: Category | None = None,
    format: Literal["any", "auction", "fixed_price"] = "any",
    condition: Condition | None = None,
    status: Literal["active", "ended", "sold", "withdrawn", "any"] = "active",
    min_price: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)] | None = None,
    max_price: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)] | None = None,
    seller_id: UserId | None = None,
    ending_within_hours: Annotated[int, Field(ge=1, le=720)] | None = None,
    sort: Literal["newest", "ending_soonest", "price_low", "price_high"] = "newest",
    limit: Count = 20,
) -> ListingSearch:
    """Search marketplace listings by keywords and filters; returns listing ids with price, format and status.

    Every word of the query must appear in the title (case-insensitive). Auction prices are current bids.

    Args:
        query: Words to find in the listing title, e.g. "lego falcon"; empty matches every listing.
        category: Only listings in this category.
        format: "auction", "fixed_price", or "any".
        condition: Only items in this condition.
        status: Only listings in this status (default active, i.e. still for sale); "any" for all.
        min_price: Only listings priced at least this (USD).
        max_price: Only listings priced at most this (USD).
        seller_id: Only listings of this seller.
        ending_within_hours: Only auctions closing within this many hours from now.
        sort: Order of results: newest first, auctions ending soonest, or by price.
        limit: Most listings to return.
    """
    words = query.lower().split()
    horizon = world.now.timestamp() + ending_within_hours * 3600 if ending_within_hours else None
    matches = [
        listing
        for listing in world.listings.values()
        if all(word in listing.title.lower() for word in words)
        and (category is None or listing.category == category)
        and format in ("any", listing.format)
        and (condition is None or listing.condition == condition)
        and status in ("any", listing.status)
        and (min_price is None or listing.price >= min_price)
        and (max_price is None or listing.price <= max_price)
        and (seller_id is None or listing.seller_id == seller_id)
        and (horizon is None or (listing.ends_at is not None and listing.ends_at.timestamp() <= horizon))
    ]
    if sort == "newest":
        matches.sort(key=lambda listing: (listing.listed_at, listing.listing_id), reverse=True)
    elif sort == "ending_soonest":
        matches.sort(key=lambda listing: (listing.ends_at is None, listing.ends_at or listing.listed_at))
    else:
        matches.sort(key=lambda listing: listing.price, reverse=sort == "price_high")
    return ListingSearch(listings=[_summary(listing) for listing in matches[:limit]], total_matched=len(matches))


@server.read
def get_marketplace_listing(world: MarketplaceWorld, listing_id: ListingId) -> ListingDetails:
    """Show one listing in full: description, shipping options, auction state (next minimum bid, reserve) and seller.

    Args:
        listing_id: The listing to show.
    """
    listing = _listing(world, listing_id)
    seller = world.users[listing.seller_id]
    is_auction = listing.format == "auction"
    return ListingDetails(
        **listing.model_dump(exclude={"reserve_price"}),
        min_next_bid=world.min_next_bid(listing) if is_auction and listing.status == "active" else None,
        has_reserve=listing.reserve_price is not None,
        reserve_met=_reserve_met(listing),
        seller_username=seller.username,
        seller_verified=seller.verified,
        seller_feedback_score=_feedback_score(seller),
        open_offer_count=sum(
            1
            for offer in world.offers.values()
            if offer.listing_id == listing_id and offer.status in ("pending", "countered")
        ),
    )


@server.read
def list_auction_bids(world: MarketplaceWorld, listing_id: ListingId, limit: Count = 50) -> BidHistory:
    """List the bid history of an auction, newest first, with the current price and the next minimum bid.

    Args:
        listing_id: The auction listing.
        limit: Most bids to return.
    """
    listing = _listing(world, listing_id)
    if listing.format != "auction":
        raise ToolError(f"Listing {listing_id} is a fixed-price listing; it has no bids. See list_listing_offers.")
    bids = [bid for bid in world.bids.values() if bid.listing_id == listing_id]
    bids.sort(key=lambda bid: (bid.placed_at, bid.bid_id), reverse=True)
    return BidHistory(
        listing_id=listing_id,
        status=listing.status,
        current_price=listing.price,
        min_next_bid=world.min_next_bid(listing) if listing.status == "active" else None,
        high_bidder_id=listing.high_bidder_id,
        ends_at=listing.ends_at,
        bids=bids[:limit],
    )


@server.read
def find_marketplace_users(
    world: MarketplaceWorld,
    query: Query = "",
    sellers_only: bool = False,
    verified_only: bool = False,
    limit: Count = 20,
) -> UserList:
    """Find marketplace members by username, name, city, state or user id; returns user ids and reputations.

    Args:
        query: Text to find (case-insensitive substring); empty matches every member.
        sellers_only: Only members with a seller account.
        verified_only: Only identity-verified members.
        limit: Most members to return.
    """
    needle = query.strip().lower()
    matches = [
        user
        for user in world.users.values()
        if (not sellers_only or user.is_seller)
        and (not verified_only or user.verified)
        and any(needle in text.lower() for text in (user.username, user.full_name, user.city, user.state, user.user_id))
    ]
    return UserList(users=[_profile(user) for user in matches[:limit]], total_matched=len(matches))


@server.read
def get_seller_profile(world: MarketplaceWorld, user_id: UserId) -> SellerProfile:
    """Show a member's seller profile: reputation, active listings, items sold and recent feedback received.

    Args:
        user_id: The member to show.
    """
    user = _user(world, user_id)
    received = [entry for entry in world.feedback.values() if entry.seller_id == user_id]
    received.sort(key=lambda entry: (entry.left_at, entry.feedback_id), reverse=True)
    return SellerProfile(
        **_profile(user).model_dump(),
        active_listing_ids=[
            listing.listing_id
            for listing in world.listings.values()
            if listing.seller_id == user_id and listing.status == "active"
        ],
        items_sold=sum(order.quantity for order in world.orders.values() if order.seller_id == user_id),
        recent_feedback=received[:10],
    )


@server.read
def list_marketplace_orders(
    world: MarketplaceWorld,
    user_id: UserId,
    role: Literal["buyer", "seller", "any"] = "any",
    payment_status: Literal["any", "unpaid", "paid"] = "any",
    limit: Count = 50,
) -> OrderList:
    """List a member's orders (purchases as buyer, sales as seller), newest first, with payment and shipping status.

    Args:
        user_id: The member whose orders to list.
        role: "buyer" for purchases, "seller" for sales, "any" for both.
        payment_status: Only orders with this payment status.
        limit: Most orders to return.
    """
    _user(world, user_id)
    matches = [
        order
        for order in world.orders.values()
        if _takes_part(user_id, role, order.buyer_id, order.seller_id)
        and payment_status in ("any", order.payment_status)
    ]
    matches.sort(key=lambda order: (order.placed_at, order.order_id), reverse=True)
    return OrderList(orders=matches[:limit], total_matched=len(matches))


@server.read
def list_listing_offers(
    world: MarketplaceWorld,
    user_id: UserId,
    role: Literal["buyer", "seller", "any"] = "any",
    listing_id: ListingId | None = None,
    status: Literal["any", "open", "pending", "accepted", "declined", "countered"] = "any",
) -> OfferList:
    """List best offers a member made (as buyer) or received (as seller), newest first.

    "open" offers are those still waiting: pending (on the seller) or countered (on the buyer).

    Args:
        user_id: The member whose offers to list.
        role: "buyer" for offers the member made, "seller" for offers on their listings, "any" for both.
        listing_id: Only offers on this listing.
        status: Only offers in this status; "open" means pending or countered.
    """
    _user(world, user_id)
    wanted = ("pending", "countered") if status == "open" else (status,)
    offers = [
        offer
        for offer in world.offers.values()
        if _takes_part(user_id, role, offer.buyer_id, offer.seller_id)
        and (listing_id is None or offer.listing_id == listing_id)
        and (status == "any" or offer.status in wanted)
    ]
    offers.sort(key=lambda offer: (offer.made_at, offer.offer_id), reverse=True)
    return OfferList(offers=offers)


# ----- selling -----


@server.write
def create_seller_listing(
    world: MarketplaceWorld,
    seller_id: UserId,
    title: Title,
    category: Category,
    condition: Condition,
    format: ListingFormat,
    price: Price,
    quantity: Quantity = 1,
    duration_days: Literal[1, 3, 5, 7, 10] = 7,
    reserve_price: Price | None = None,
    accepts_offers: bool = False,
    shipping_cost: ShippingCost = 0.0,
    expedited_shipping_cost: ShippingCost | None = None,
    local_pickup: bool = False,
    description: ShortText = "",
) -> ListingDetails:
    """List an item for sale, at a fixed price or by auction; the member becomes a seller if they were not one.

    Items priced (or reserved) at 500.00 USD or more need an identity-verified seller. Auctions sell one unit, run
    for `duration_days` from now, and may set a hidden reserve price above the starting price.

    Args:
        seller_id: The member listing the item.
        title: Listing title buyers search on.
        category: Marketplace category.
        condition: Condition of the item.
        format: "fixed_price" to sell at `price`, or "auction" starting at `price`.
        price: Fixed price per unit, or the auction's starting price (USD).
        quantity: Units for sale; fixed-price only (auctions sell exactly one).
        duration_days: Auctions only: how many days the auction runs.
        reserve_price: Auctions only: the hidden least the item sells for; above the starting price.
        accepts_offers: Fixed-price only: let buyers send best offers.
        shipping_cost: Cost of standard shipping (0 for free shipping).
        expedited_shipping_cost: Also offer 2-day expedited shipping at this cost.
        local_pickup: Also offer free local pickup.
        description: Notes on the item for buyers.
    """
    seller = _user(world, seller_id)
    if not title.strip():
        raise ToolError("The title is blank; give the item a descriptive title.")
    if format == "auction":
        if quantity != 1:
            raise ToolError("An auction sells exactly one unit; list several units at a fixed price instead.")
        if accepts_offers:
            raise ToolError("Best offers are only available on fixed-price listings; auctions take bids.")
        if reserve_price is not None and reserve_price <= price:
            raise ToolError(
                f"The reserve price ({_usd(reserve_price)}) must be above the starting price ({_usd(price)})."
            )
    elif reserve_price is not None:
        raise ToolError("A reserve price only applies to auctions; a fixed-price listing sells at its price.")
    top = max(price, reserve_price or 0.0)
    if top >= VERIFIED_PRICE_THRESHOLD and not seller.verified:
        raise ToolError(
            f"{seller_id} is not identity-verified; unverified sellers may only list items under "
            f"{_usd(VERIFIED_PRICE_THRESHOLD)} (this listing is at {_usd(top)})."
        )
    shipping = [ShippingOption(service="standard", cost=round(shipping_cost, 2), days=5)]
    if expedited_shipping_cost is not None:
        shipping.append(ShippingOption(service="expedited", cost=round(expedited_shipping_cost, 2), days=2))
    if local_pickup:
        shipping.append(ShippingOption(service="local_pickup", cost=0.0, days=0))
    price = round(price, 2)
    listing = Listing(
        listing_id=world.next_id("LST"), seller_id=seller_id, title=title.strip(), category=category,
        condition=condition, format=format, status="active", description=description.strip(), price=price,
        quantity_available=quantity, accepts_offers=accepts_offers, shipping=shipping, listed_at=world.now,
    )
    if format == "auction":
        listing.starting_price = price
        listing.bid_increment = bid_increment(price)
        listing.reserve_price = round(reserve_price, 2) if reserve_price is not None else None
        listing.ends_at = world.now + timedelta(days=duration_days)
    world.listings[listing.listing_id] = listing
    seller.is_seller = True
    return get_marketplace_listing(world, listing.listing_id)


@server.write
def withdraw_seller_listing(world: MarketplaceWorld, listing_id: ListingId, seller_id: UserId) -> WithdrawnListing:
    """Take an active listing off the marketplace; open best offers on it are declined.

    An auction that already has bids cannot be withdrawn.

    Args:
        listing_id: The listing to withdraw.
        seller_id: The seller of the listing (the member asking).
    """
    listing = _listing(world, listing_id)
    _user(world, seller_id)
    if listing.seller_id != seller_id:
        raise ToolError(f"Listing {listing_id} belongs to {listing.seller_id}; only its seller can withdraw it.")
    _require_active(listing)
    if listing.format == "auction" and listing.bid_count > 0:
        raise ToolError(
            f"Auction {listing_id} already has {listing.bid_count} bid(s) (high bid {_usd(listing.price)}); "
            f"it cannot be withdrawn and closes on {_stamp(listing.ends_at)}."
        )
    listing.status = "withdrawn"
    listing.closed_at = world.now
    declined = world.close_open_offers(listing_id, world.now)
    return WithdrawnListing(listing=_summary(listing), declined_offer_ids=declined)


# ----- buying -----


@server.write
def place_auction_bid(world: MarketplaceWorld, listing_id: ListingId, bidder_id: UserId, amount: Price) -> BidReceipt:
    """Bid on an active auction; the bid must be at least the next minimum bid (see get_marketplace_listing).

    The first bid may equal the starting price; later bids must beat the current price by the bid increment.

    Args:
        listing_id: The auction to bid on.
        bidder_id: The member bidding.
        amount: The bid in USD.
    """
    listing = _listing(world, listing_id)
    _user(world, bidder_id)
    if listing.format != "auction":
        raise ToolError(
            f"Listing {listing_id} is fixed-price at {_usd(listing.price)}; buy it with buy_marketplace_listing "
            "or send a best offer with make_listing_offer."
        )
    _require_active(listing)
    if listing.ends_at is not None and listing.ends_at <= world.now:
        raise ToolError(f"Auction {listing_id} ended on {_stamp(listing.ends_at)}; it takes no more bids.")
    _require_not_seller(listing, bidder_id, "bid on")
    if listing.high_bidder_id == bidder_id:
        raise ToolError(f"{bidder_id} is already the high bidder on {listing_id} at {_usd(listing.price)}.")
    amount = round(amount, 2)
    least = world.min_next_bid(listing)
    if amount < least:
        raise ToolError(
            f"Bid too low: the current price of {listing_id} is {_usd(listing.price)} and the minimum bid is "
            f"{_usd(least)}."
        )
    bid = world.record_bid(listing, bidder_id, amount, world.now)
    return BidReceipt(
        bid=bid,
        current_price=listing.price,
        min_next_bid=world.min_next_bid(listing),
        bid_count=listing.bid_count,
        reserve_met=_reserve_met(listing),
        ends_at=listing.ends_at,
    )


@server.write
def buy_marketplace_listing(
    world: MarketplaceWorld,
    listing_id: ListingId,
    buyer_id: UserId,
    quantity: Quantity = 1,
    shipping_service: ShippingService = "standard",
) -> Purchase:
    """Buy units of a fixed-price listing now at its price; the order is paid at once.

    Args:
        listing_id: The fixed-price listing to buy.
        buyer_id: The member buying.
        quantity: How many units to buy.
        shipping_service: One of the listing's shipping options.
    """
    listing = _listing(world, listing_id)
    _user(world, buyer_id)
    _require_fixed_price(listing, "be bought outright")
    _require_active(listing)
    _require_not_seller(listing, buyer_id, "buy")
    _require_units(listing, quantity)
    offered = [option.service for option in listing.shipping]
    if shipping_service not in offered:
        raise ToolError(f"Listing {listing_id} does not offer {shipping_service} shipping; it offers: "
                        f"{', '.join(offered)}.")
    order, declined = _sell(world, listing, buyer_id, quantity, listing.price, shipping_service, "buy_it_now")
    order.payment_status = "paid"
    order.paid_at = world.now
    return Purchase(
        order=order, listing_status=listing.status, quantity_left=listing.quantity_available,
        declined_offer_ids=declined,
    )


@server.write
def make_listing_offer(
    world: MarketplaceWorld,
    listing_id: ListingId,
    buyer_id: UserId,
    amount: Price,
    quantity: Quantity = 1,
    message: Annotated[str, Field(max_length=300)] = "",
) -> Offer:
    """Send a best offer (a price per unit below the asking price) on a fixed-price listing that accepts offers.

    The seller then accepts, declines or counters it (respond_to_listing_offer). Offers under half the asking
    price are refused, and a buyer may have one open offer per listing.

    Args:
        listing_id: The fixed-price listing.
        buyer_id: The member making the offer.
        amount: Offered price per unit (USD).
        quantity: Units wanted.
        message: A note to the seller.
    """
    listing = _listing(world, listing_id)
    _user(world, buyer_id)
    _require_fixed_price(listing, "take best offers")
    _require_active(listing)
    if not listing.accepts_offers:
        raise ToolError(f"Listing {listing_id} does not accept best offers; it sells at {_usd(listing.price)}.")
    _require_not_seller(listing, buyer_id, "make an offer on")
    _require_units(listing, quantity)
    amount = round(amount, 2)
    if amount >= listing.price:
        raise ToolError(
            f"The offer ({_usd(amount)}) is not below the asking price ({_usd(listing.price)}); "
            "buy it with buy_marketplace_listing instead."
        )
    floor = round(listing.price * MIN_OFFER_RATIO, 2)
    if amount < floor:
        raise ToolError(f"Offers on {listing_id} must be at least {_usd(floor)} (half the asking price).")
    for offer in world.offers.values():
        if offer.listing_id == listing_id and offer.buyer_id == buyer_id and offer.status in ("pending", "countered"):
            raise ToolError(
                f"{buyer_id} already has an open offer {offer.offer_id} ({offer.status}) on {listing_id}; "
                "wait for it to be answered, or answer the counteroffer with respond_to_listing_offer."
            )
    offer = Offer(
        offer_id=world.next_id("OFR"), listing_id=listing_id, buyer_id=buyer_id, seller_id=listing.seller_id,
        amount=amount, quantity=quantity, status="pending", message=message.strip(), made_at=world.now,
    )
    world.offers[offer.offer_id] = offer
    return offer


@server.write
def respond_to_listing_offer(
    world: MarketplaceWorld,
    offer_id: OfferId,
    user_id: UserId,
    action: Literal["accept", "decline", "counter"],
    counter_amount: Price | None = None,
) -> OfferOutcome:
    """Answer a best offer: the seller accepts, declines or counters it; the buyer accepts or declines a counter.

    A pending offer waits on the seller; a countered one waits on the buyer. Accepting creates an unpaid order at the agreed price with standard shipping (pay it with pay_marketplace_order).

    Args:
        offer_id: The offer to answer.
        user_id: The member answering: the seller for a pending offer, the buyer for a countered one.
        action: "accept", "decline", or "counter" (seller only, with counter_amount).
        counter_amount: The seller's counter price per unit: above the offer and below the asking price.
    """
    offer = require(world.offers, offer_id, "offer", "Use list_listing_offers to see a member's offers.")
    _user(world, user_id)
    if offer.status in ("accepted", "declined"):
        raise ToolError(f"Offer {offer_id} was already {offer.status} on {_stamp(offer.responded_at)}.")
    answering = offer.seller_id if offer.status == "pending" else offer.buyer_id
    if user_id != answering:
        whom = "seller" if offer.status == "pending" else "buyer"
        raise ToolError(f"Offer {offer_id} is {offer.status} and waits on the {whom} {answering}, not {user_id}.")
    listing = world.listings[offer.listing_id]
    if action == "decline":
        offer.status = "declined"
        offer.responded_at = world.now
        return OfferOutcome(offer=offer)
    if action == "counter":
        if offer.status == "countered":
            raise ToolError(f"Offer {offer_id} is already a counteroffer; the buyer can only accept or decline it.")
        if counter_amount is None:
            raise ToolError("A counteroffer needs counter_amount: a price between the offer and the asking price.")
        counter_amount = round(counter_amount, 2)
        if not offer.amount < counter_amount < listing.price:
            raise ToolError(
                f"The counter price must be above the offer ({_usd(offer.amount)}) and below the asking price "
                f"({_usd(listing.price)}); got {_usd(counter_amount)}."
            )
        offer.status = "countered"
        offer.counter_amount = counter_amount
        offer.responded_at = world.now
        return OfferOutcome(offer=offer)
    _require_active(listing)
    _require_units(listing, offer.quantity)
    price = offer.counter_amount if offer.status == "countered" and offer.counter_amount is not None else offer.amount
    offer.status = "accepted"
    offer.responded_at = world.now
    order, declined = _sell(world, listing, offer.buyer_id, offer.quantity, price, "standard", "offer")
    offer.order_id = order.order_id
    return OfferOutcome(offer=offer, order=order, declined_offer_ids=declined)


@server.write
def pay_marketplace_order(world: MarketplaceWorld, order_id: OrderId, buyer_id: UserId) -> Order:
    """Pay for an unpaid order (an auction won or an accepted best offer); the seller can then ship it.

    Args:
        order_id: The order to pay.
        buyer_id: The buyer of the order (the member paying).
    """
    order = _order(world, order_id)
    _user(world, buyer_id)
    if order.buyer_id != buyer_id:
        raise ToolError(f"Order {order_id} was bought by {order.buyer_id}; {buyer_id} cannot pay for it.")
    if order.payment_status == "paid":
        raise ToolError(f"Order {order_id} was already paid on {_stamp(order.paid_at)} ({_usd(order.total)}).")
    order.payment_status = "paid"
    order.paid_at = world.now
    return order


@server.write
def leave_seller_feedback(
    world: MarketplaceWorld,
    order_id: OrderId,
    buyer_id: UserId,
    rating: Rating,
    comment: Annotated[str, Field(min_length=1, max_length=500)],
) -> FeedbackReceipt:
    """Rate the seller of a paid order (positive, neutral or negative) with a comment; once per order.

    Args:
        order_id: The order being rated (from list_marketplace_orders).
        buyer_id: The buyer of the order (the member leaving feedback).
        rating: "positive", "neutral" or "negative".
        comment: What the buyer says about the transaction.
    """
    order = _order(world, order_id)
    _user(world, buyer_id)
    if order.buyer_id != buyer_id:
        raise ToolError(
            f"{buyer_id} did not buy order {order_id} (its buyer is {order.buyer_id}); only the buyer can leave "
            "feedback on a purchase."
        )
    if order.feedback_id is not None:
        raise ToolError(f"Feedback {order.feedback_id} was already left on order {order_id}; it can be left once.")
    if order.payment_status != "paid":
        raise ToolError(f"Order {order_id} is unpaid; pay for it with pay_marketplace_order before leaving feedback.")
    entry = world.record_feedback(order, rating, comment.strip() or rating, world.now)
    seller = world.users[order.seller_id]
    return FeedbackReceipt(
        feedback=entry, seller_feedback_score=_feedback_score(seller), seller_positive_percent=_positive_percent(seller)
    )
