"""An online store: shoppers browse a catalog of products with size and color variants, fill one active cart each,
apply coupons, check out with a saved address and payment card (optionally spending gift card balance and loyalty
points), track, cancel and return orders, keep wishlists and review the products they bought."""
