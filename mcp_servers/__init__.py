"""Stateful tool servers for training and evaluating LLM agents, each one world per episode.

    from mcp_servers import Episode
    episode = Episode.open(servers=["banking"], seed=7)
    result = episode.call("list_accounts", {"customer_id": "CUS-0001"})
    episode.state_hash(); episode.close()

`registry.names()` lists the servers; `check_server(name)` runs the conformance checks on one of them.
"""

from mcp_servers import registry
from mcp_servers.core.episode import CallResult, Episode

__all__ = ["CallResult", "Episode", "registry"]
