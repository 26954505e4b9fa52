"""A chain of physical stores (Brightway Market) in ten US cities: store locations with opening hours and temporary
closures, a catalog of SKUs with chain and regional prices, stock counted per store, in-store pickup reservations
held for a limited time, transfers of stock between stores, and restock orders placed with the central warehouse."""
