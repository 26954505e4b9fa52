"""A maps service for a small fictional region: four towns (one on an island reached by car ferry) joined by a
motorway and country roads, a road network of intersections and road segments with speed limits, tolls, footpaths,
pedestrian zones and roadworks closures, and points of interest with ratings, prices and weekly opening hours. The
user geocodes addresses, searches places, computes routes and turn-by-turn directions for driving, walking and
cycling, saves places into lists, sets home and work addresses and plans multi-stop trips."""
