"""Retail chain tools: find stores and SKUs, read per-store stock and prices, reserve items for in-store pickup,
move stock between stores and order restocks from the warehouse."""

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, Name, ServerDef, ToolError, require
from mcp_servers.retail_chain.world import (
    HOLD_HOURS,
    MAX_UNITS_PER_RESERVATION,
    WEEKDAYS,
    DayHours,
    Department,
    Region,
    Reservation,
    ReservationId,
    RestockOrder,
    RetailChainWorld,
    Sku,
    SkuCode,
    Store,
    StoreId,
    Transfer,
    TransferId,
    distance_km,
)

server = ServerDef(
    "retail_chain",
    RetailChainWorld,
    group="commerce",
    description=(
        "A chain of physical stores: store locations and opening hours, the SKU catalog with regional prices, stock "
        "per store, in-store pickup reservations, transfers between stores and warehouse restock orders."
    ),
)

SearchText = Annotated[str, Field(max_length=120)]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 ().-]{6,20}$")]
Units = Annotated[int, Field(ge=1, le=10_000)]


# ----- result models -----


class StoreView(Store):
    open_now: bool = Field(description="Trading at this moment: not temporarily closed and within today's hours.")
    hours_today: DayHours | None = Field(description="Today's opening hours; null when closed all day.")


class StoreList(BaseModel):
    now: datetime = Field(description="The current store-local date and time.")
    stores: list[StoreView]
    total_matched: int


class SkuList(BaseModel):
    skus: list[Sku]
    total_matched: int


class InventoryLine(BaseModel):
    sku: SkuCode
    name: str
    department: Department
    sku_status: str
    price: float = Field(description="Shelf price in this store (regional price where one applies).")
    on_hand: int
    reserved: int = Field(description="Units on hand held by pickup reservations.")
    available: int = Field(description="On hand minus reserved: what can be sold, reserved or transferred.")
    reorder_point: int
    needs_reorder: bool = Field(description="Available units are at or below the reorder point.")
    incoming: int = Field(description="Units on the way: open restock orders plus inbound transfers in transit.")


class StoreInventory(BaseModel):
    store_id: StoreId
    store_name: str
    lines: list[InventoryLine]
    total_matched: int


class StoreStock(BaseModel):
    store_id: StoreId
    store_name: str
    city: str
    status: str
    open_now: bool
    on_hand: int
    available: int
    price: float
    distance_km: float | None = Field(description="From the reference store, when one was given.")


class SkuAvailability(BaseModel):
    sku: SkuCode
    name: str
    stores: list[StoreStock]
    total_matched: int


class PriceCheck(BaseModel):
    store_id: StoreId
    store_name: str
    region: Region
    sku: SkuCode
    name: str
    sku_status: str
    chain_price: float
    regional_price: float | None = Field(description="The region's override of the chain price, if any.")
    price: float = Field(description="What the item costs on this store's shelf.")
    available: int


class ReservationList(BaseModel):
    reservations: list[Reservation]
    total_matched: int


class PickupReceipt(BaseModel):
    reservation: Reservation
    store_on_hand_after: int


class TransferShipment(BaseModel):
    transfer: Transfer
    source_on_hand_after: int
    source_available_after: int


class TransferReceipt(BaseModel):
    transfer: Transfer
    destination_on_hand_after: int


class ShipmentList(BaseModel):
    transfers: list[Transfer]
    restock_orders: list[RestockOrder]


# ----- lookups and checks shared by the tools -----


def _store(world: RetailChainWorld, store_id: str) -> Store:
    return require(world.stores, store_id, "store", "Use find_retail_stores to look up store ids.")


def _sku(world: RetailChainWorld, code: str) -> Sku:
    return require(world.skus, code, "SKU", "Use search_sku_catalog to look up SKU codes.")


def _reservation(world: RetailChainWorld, reservation_id: str) -> Reservation:
    return require(world.reservations, reservation_id, "reservation", "Use list_store_pickups to find reservations.")


def _carried(world: RetailChainWorld, store: Store, sku: Sku) -> int:
    """Units of `sku` on hand in `store`, refusing a SKU the store does not carry."""
    units = world.stock[store.store_id].get(sku.sku)
    if units is None:
        raise ToolError(
            f"{store.name} ({store.store_id}) does not carry {sku.sku} ({sku.name}). "
            "Use find_sku_in_stores to see which stores stock it."
        )
    return units


def _not_closed(store: Store, action: str) -> None:
    if store.status == "temporarily_closed":
        raise ToolError(
            f"{store.name} ({store.store_id}) is temporarily closed ({store.closure_reason}) until "
            f"{store.reopens_on}; it cannot {action}."
        )


def _store_view(world: RetailChainWorld, store: Store) -> StoreView:
    return StoreView(**store.model_dump(), open_now=world.is_open_now(store), hours_today=world.hours_today(store))


def _availability(
    world: RetailChainWorld, sku: Sku, min_available: int, near: Store | None, open_stores_only: bool
) -> list[StoreStock]:
    """Stores carrying `sku` with at least `min_available` units free, nearest first (or most units first)."""
    reserved = world.reserved_units()
    found = []
    for store in world.stores.values():
        on_hand = world.stock[store.store_id].get(sku.sku)
        if on_hand is None or (open_stores_only and store.status != "open"):
            continue
        available = on_hand - reserved.get((store.store_id, sku.sku), 0)
        if available >= min_available and (near is None or near.store_id != store.store_id):
            found.append(
                StoreStock(
                    store_id=store.store_id,
                    store_name=store.name,
                    city=store.city,
                    status=store.status,
                    open_now=world.is_open_now(store),
                    on_hand=on_hand,
                    available=available,
                    price=world.price_at(sku, store),
                    distance_km=distance_km(near, store) if near is not None else None,
                )
            )
    if near is not None:
        found.sort(key=lambda line: (line.distance_km, line.store_id))
    else:
        found.sort(key=lambda line: (-line.available, line.store_id))
    return found


def _alternatives(world: RetailChainWorld, sku: Sku, quantity: int, near: Store) -> str:
    """A sentence naming the three nearest open stores that could serve `quantity` units instead."""
    options = _availability(world, sku, quantity, near, open_stores_only=True)[:3]
    if not options:
        return f"No other store has {quantity} available."
    listed = "; ".join(
        f"{o.store_id} {o.store_name}, {o.city} ({o.available} available, {o.distance_km} km)" for o in options
    )
    return f"Stores that have it: {listed}."


def _incoming(world: RetailChainWorld, store_id: str) -> dict[str, int]:
    """Units on the way to a store by SKU: open restock orders and inbound transfers in transit."""
    incoming: dict[str, int] = {}
    for order in world.restock_orders.values():
        if order.store_id == store_id and order.status != "delivered":
            incoming[order.sku] = incoming.get(order.sku, 0) + order.quantity
    for transfer in world.transfers.values():
        if transfer.to_store_id == store_id and transfer.status == "in_transit":
            incoming[transfer.sku] = incoming.get(transfer.sku, 0) + transfer.quantity
    return incoming


def _at(moment: datetime | None) -> str:
    """A timestamp as the stores' clocks show it."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "an unknown time"


def _held(reservation: Reservation) -> None:
    """Refuse a reservation that no longer holds units."""
    if reservation.status == "held":
        return
    when = _at(reservation.closed_at)
    reasons = {
        "picked_up": f"was already picked up on {when}",
        "cancelled": f"was cancelled on {when}",
        "expired": f"expired on {when} (holds last {HOLD_HOURS} hours); make a new one with reserve_store_pickup",
    }
    raise ToolError(f"Reservation {reservation.reservation_id} {reasons[reservation.status]}.")


# ----- discovery -----


@server.read
def find_retail_stores(
    world: RetailChainWorld,
    query: SearchText = "",
    city: SearchText = "",
    region: Region | None = None,
    open_now_only: bool = False,
    limit: Count = 25,
) -> StoreList:
    """Find the chain's stores by name, neighborhood, city, address or store id, with today's hours.

    Each store shows whether it is open right now, its weekly hours and any temporary closure.

    Args:
        query: Part of the store name, address or store id (case-insensitive); empty matches every store.
        city: Only stores in this city (case-insensitive, e.g. "Seattle").
        region: Only stores in this region.
        open_now_only: Only stores trading at this moment.
        limit: Most stores to return.
    """
    needle, town = query.strip().lower(), city.strip().lower()
    matches = [
        store
        for store in world.stores.values()
        if (needle in store.name.lower() or needle in store.address.lower() or needle in store.store_id.lower())
        and (not town or store.city.lower() == town)
        and region in (None, store.region)
        and (not open_now_only or world.is_open_now(store))
    ]
    return StoreList(
        now=world.now,
        stores=[_store_view(world, store) for store in matches[:limit]],
        total_matched=len(matches),
    )


@server.read
def search_sku_catalog(
    world: RetailChainWorld,
    query: SearchText = "",
    department: Department | None = None,
    include_discontinued: bool = True,
    limit: Count = 25,
) -> SkuList:
    """Search the chain's SKU catalog by product name or SKU code, with chain and regional prices.

    Args:
        query: Part of the product name or SKU code (case-insensitive); empty matches every SKU.
        department: Only SKUs in this department.
        include_discontinued: Also list discontinued SKUs (they cannot be restocked).
        limit: Most SKUs to return.
    """
    needle = query.strip().lower()
    matches = [
        sku
        for sku in world.skus.values()
        if (needle in sku.name.lower() or needle in sku.sku.lower())
        and department in (None, sku.department)
        and (include_discontinued or sku.status == "active")
    ]
    return SkuList(skus=matches[:limit], total_matched=len(matches))


@server.read
def list_store_inventory(
    world: RetailChainWorld,
    store_id: StoreId,
    query: SearchText = "",
    department: Department | None = None,
    stock_filter: Literal["all", "in_stock", "out_of_stock", "needs_reorder"] = "all",
    limit: Count = 50,
) -> StoreInventory:
    """List the SKUs one store carries with units on hand, reserved, available, price and incoming stock.

    Args:
        store_id: The store whose stock to list.
        query: Part of the product name or SKU code (case-insensitive).
        department: Only SKUs in this department.
        stock_filter: "in_stock" (some available), "out_of_stock" (none available), "needs_reorder" (available at
            or below the reorder point), or "all".
        limit: Most lines to return.
    """
    store = _store(world, store_id)
    needle = query.strip().lower()
    reserved = world.reserved_units()
    incoming = _incoming(world, store_id)
    lines = []
    for code, on_hand in world.stock[store_id].items():
        sku = world.skus[code]
        held = reserved.get((store_id, code), 0)
        line = InventoryLine(
            sku=code,
            name=sku.name,
            department=sku.department,
            sku_status=sku.status,
            price=world.price_at(sku, store),
            on_hand=on_hand,
            reserved=held,
            available=on_hand - held,
            reorder_point=sku.reorder_point,
            needs_reorder=on_hand - held <= sku.reorder_point,
            incoming=incoming.get(code, 0),
        )
        wanted = {
            "all": True,
            "in_stock": line.available > 0,
            "out_of_stock": line.available == 0,
            "needs_reorder": line.needs_reorder,
        }[stock_filter]
        if wanted and department in (None, sku.department) and (needle in sku.name.lower() or needle in code.lower()):
            lines.append(line)
    return StoreInventory(store_id=store_id, store_name=store.name, lines=lines[:limit], total_matched=len(lines))


@server.read
def find_sku_in_stores(
    world: RetailChainWorld,
    sku: SkuCode,
    near_store_id: StoreId | None = None,
    min_available: Count = 1,
    limit: Count = 10,
) -> SkuAvailability:
    """Find the stores that have a SKU available, nearest to a given store first.

    Use it when a store is out of a SKU or does not carry it. Temporarily closed stores are left out.

    Args:
        sku: The SKU code to look for.
        near_store_id: Sort by distance from this store (it is itself left out); otherwise most units first.
        min_available: Only stores with at least this many units available.
        limit: Most stores to return.
    """
    item = _sku(world, sku)
    near = _store(world, near_store_id) if near_store_id is not None else None
    found = _availability(world, item, min_available, near, open_stores_only=True)
    return SkuAvailability(sku=item.sku, name=item.name, stores=found[:limit], total_matched=len(found))


@server.read
def check_store_sku_price(world: RetailChainWorld, store_id: StoreId, sku: SkuCode) -> PriceCheck:
    """Price-check a SKU at one store: chain price, regional override, shelf price and units available.

    Args:
        store_id: The store to check.
        sku: The SKU code to price.
    """
    store = _store(world, store_id)
    item = _sku(world, sku)
    on_hand = _carried(world, store, item)
    return PriceCheck(
        store_id=store.store_id,
        store_name=store.name,
        region=store.region,
        sku=item.sku,
        name=item.name,
        sku_status=item.status,
        chain_price=item.unit_price,
        regional_price=item.regional_prices.get(store.region),
        price=world.price_at(item, store),
        available=on_hand - world.reserved_units().get((store.store_id, item.sku), 0),
    )


@server.read
def list_store_pickups(
    world: RetailChainWorld,
    store_id: StoreId | None = None,
    status: Literal["any", "held", "picked_up", "cancelled", "expired"] = "held",
    customer: SearchText = "",
    limit: Count = 50,
) -> ReservationList:
    """List in-store pickup reservations, newest first, by store, status or customer.

    Args:
        store_id: Only reservations at this store.
        status: Only reservations in this status; "any" lists all.
        customer: Part of the customer's name or phone number (case-insensitive).
        limit: Most reservations to return.
    """
    if store_id is not None:
        _store(world, store_id)
    needle = customer.strip().lower()
    matches = [
        reservation
        for reservation in world.reservations.values()
        if store_id in (None, reservation.store_id)
        and status in ("any", reservation.status)
        and (needle in reservation.customer_name.lower() or needle in (reservation.customer_phone or ""))
    ]
    matches.sort(key=lambda reservation: (reservation.created_at, reservation.reservation_id), reverse=True)
    return ReservationList(reservations=matches[:limit], total_matched=len(matches))


@server.read
def list_store_shipments(
    world: RetailChainWorld,
    store_id: StoreId | None = None,
    kind: Literal["all", "transfers", "restock_orders"] = "all",
    status: Literal["open", "completed", "any"] = "open",
    limit: Count = 50,
) -> ShipmentList:
    """List stock movements: transfers between stores and warehouse restock orders, newest first.

    Open means a transfer still in transit or a restock order placed or shipped; completed means received or
    delivered.

    Args:
        store_id: Only movements into or out of this store.
        kind: Which movements to list.
        status: "open", "completed" or "any".
        limit: Most transfers and most restock orders to return.
    """
    if store_id is not None:
        _store(world, store_id)
    transfers: list[Transfer] = []
    orders: list[RestockOrder] = []
    if kind in ("all", "transfers"):
        transfers = [
            transfer
            for transfer in world.transfers.values()
            if store_id in (None, transfer.from_store_id, transfer.to_store_id)
            and status in ("any", "open" if transfer.status == "in_transit" else "completed")
        ]
    if kind in ("all", "restock_orders"):
        orders = [
            order
            for order in world.restock_orders.values()
            if store_id in (None, order.store_id)
            and status in ("any", "completed" if order.status == "delivered" else "open")
        ]
    return ShipmentList(transfers=transfers[::-1][:limit], restock_orders=orders[::-1][:limit])


# ----- pickup reservations -----


@server.write
def reserve_store_pickup(
    world: RetailChainWorld,
    store_id: StoreId,
    sku: SkuCode,
    quantity: Count,
    customer_name: Name,
    customer_phone: Phone | None = None,
) -> Reservation:
    """Reserve units of a SKU at a store for in-store pickup; the hold lasts 48 hours.

    The units stay on the shelf count but are no longer available to others until picked up, cancelled or expired.

    Args:
        store_id: The store where the customer will pick up.
        sku: The SKU code to reserve.
        quantity: How many units (at most 10 per reservation).
        customer_name: The name the reservation is held under.
        customer_phone: The customer's phone number for pickup notices.
    """
    store = _store(world, store_id)
    item = _sku(world, sku)
    _not_closed(store, "take pickup reservations")
    on_hand = _carried(world, store, item)
    if quantity > MAX_UNITS_PER_RESERVATION:
        raise ToolError(f"At most {MAX_UNITS_PER_RESERVATION} units can be reserved at once; {quantity} were asked.")
    if not customer_name.strip():
        raise ToolError("The customer name must not be blank.")
    available = on_hand - world.reserved_units().get((store_id, item.sku), 0)
    if available < quantity:
        shortage = "Out of stock" if available <= 0 else "Not enough stock"
        raise ToolError(
            f"{shortage}: {store.name} ({store_id}) has {available} of {item.sku} ({item.name}) available, "
            f"{quantity} requested. {_alternatives(world, item, quantity, store)}"
        )
    price = world.price_at(item, store)
    reservation = Reservation(
        reservation_id=world.next_id("PKP"),
        store_id=store_id,
        sku=item.sku,
        quantity=quantity,
        unit_price=price,
        total=round(price * quantity, 2),
        customer_name=customer_name.strip(),
        customer_phone=customer_phone,
        status="held",
        created_at=world.now,
        expires_at=world.now + timedelta(hours=HOLD_HOURS),
    )
    world.reservations[reservation.reservation_id] = reservation
    return reservation


@server.write
def complete_store_pickup(world: RetailChainWorld, reservation_id: ReservationId) -> PickupReceipt:
    """Hand a held reservation to the customer at the store: the units leave the store's stock.

    The store must be open at this moment.

    Args:
        reservation_id: The held reservation being picked up.
    """
    reservation = _reservation(world, reservation_id)
    _held(reservation)
    store = world.stores[reservation.store_id]
    _not_closed(store, "hand out pickups")
    if not world.is_open_now(store):
        hours = world.hours_today(store)
        today = f"{hours.opens}-{hours.closes}" if hours else "closed all day"
        raise ToolError(
            f"{store.name} ({store.store_id}) is closed right now ({WEEKDAYS[world.now.weekday()].capitalize()} "
            f"{world.now:%H:%M}; today's hours: {today}). "
            f"The reservation stays held until {_at(reservation.expires_at)}."
        )
    world.stock[store.store_id][reservation.sku] -= reservation.quantity
    reservation.status = "picked_up"
    reservation.closed_at = world.now
    return PickupReceipt(reservation=reservation, store_on_hand_after=world.stock[store.store_id][reservation.sku])


@server.write
def cancel_store_pickup(world: RetailChainWorld, reservation_id: ReservationId) -> Reservation:
    """Cancel a held pickup reservation and release its units for sale.

    Args:
        reservation_id: The held reservation to cancel.
    """
    reservation = _reservation(world, reservation_id)
    _held(reservation)
    reservation.status = "cancelled"
    reservation.closed_at = world.now
    return reservation


# ----- stock movements -----


@server.write
def transfer_store_inventory(
    world: RetailChainWorld, from_store_id: StoreId, to_store_id: StoreId, sku: SkuCode, quantity: Units
) -> TransferShipment:
    """Ship units of a SKU from one store to another; they leave the source now and arrive after transit.

    Only available units (on hand minus reserved) can be shipped, and both stores must carry the SKU. Transit takes
    6 hours within a city, 1 day within a region and 3 days otherwise; receive it with receive_store_transfer.

    Args:
        from_store_id: The store sending the units.
        to_store_id: The store receiving them.
        sku: The SKU code to move.
        quantity: How many units to send.
    """
    if from_store_id == to_store_id:
        raise ToolError(f"The source and destination are the same store ({from_store_id}); pick two stores.")
    source = _store(world, from_store_id)
    target = _store(world, to_store_id)
    item = _sku(world, sku)
    _not_closed(source, "ship transfers")
    _not_closed(target, "receive transfers")
    on_hand = _carried(world, source, item)
    _carried(world, target, item)
    reserved = world.reserved_units().get((source.store_id, item.sku), 0)
    if quantity > on_hand - reserved:
        raise ToolError(
            f"Not enough available: {source.name} ({source.store_id}) has {on_hand} of {item.sku} on hand with "
            f"{reserved} reserved for pickups, so at most {on_hand - reserved} can be transferred."
        )
    world.stock[source.store_id][item.sku] = on_hand - quantity
    transfer = Transfer(
        transfer_id=world.next_id("XFR"),
        from_store_id=source.store_id,
        to_store_id=target.store_id,
        sku=item.sku,
        quantity=quantity,
        status="in_transit",
        shipped_at=world.now,
        expected_arrival=world.now + world.transit_time(source, target),
    )
    world.transfers[transfer.transfer_id] = transfer
    return TransferShipment(
        transfer=transfer,
        source_on_hand_after=on_hand - quantity,
        source_available_after=on_hand - quantity - reserved,
    )


@server.write
def receive_store_transfer(world: RetailChainWorld, transfer_id: TransferId) -> TransferReceipt:
    """Check an inbound transfer in at its destination store: its units are added to that store's stock.

    Args:
        transfer_id: The transfer in transit to receive.
    """
    transfer = require(world.transfers, transfer_id, "transfer", "Use list_store_shipments to find transfers.")
    if transfer.status == "received":
        raise ToolError(f"Transfer {transfer.transfer_id} was already received on {_at(transfer.received_at)}.")
    stock = world.stock[transfer.to_store_id]
    stock[transfer.sku] = stock.get(transfer.sku, 0) + transfer.quantity
    transfer.status = "received"
    transfer.received_at = world.now
    return TransferReceipt(transfer=transfer, destination_on_hand_after=stock[transfer.sku])


@server.write
def create_store_restock_order(
    world: RetailChainWorld, store_id: StoreId, sku: SkuCode, quantity: Units
) -> RestockOrder:
    """Order more units of a SKU from the central warehouse for one store.

    The order must be at least the SKU's minimum order quantity, and a store has one open order per SKU at a time.
    It arrives after the SKU's lead time.

    Args:
        store_id: The store to restock.
        sku: The SKU code to order.
        quantity: How many units to order.
    """
    store = _store(world, store_id)
    item = _sku(world, sku)
    _carried(world, store, item)
    if item.status == "discontinued":
        raise ToolError(f"{item.sku} ({item.name}) is discontinued; the warehouse no longer supplies it.")
    if quantity < item.min_order_qty:
        raise ToolError(
            f"Below the minimum order quantity: {item.sku} ({item.name}) is ordered in at least "
            f"{item.min_order_qty} units; {quantity} were asked."
        )
    for order in world.restock_orders.values():
        if order.store_id == store_id and order.sku == item.sku and order.status != "delivered":
            raise ToolError(
                f"Restock order {order.restock_order_id} for {order.quantity} units of {item.sku} is already "
                f"{order.status} for {store_id}, expected {order.expected_on}; wait for it to be delivered."
            )
    order = RestockOrder(
        restock_order_id=world.next_id("RST"),
        store_id=store_id,
        sku=item.sku,
        quantity=quantity,
        status="placed",
        ordered_at=world.now,
        expected_on=world.now.date() + timedelta(days=item.lead_time_days),
    )
    world.restock_orders[order.restock_order_id] = order
    return order
