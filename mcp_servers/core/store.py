"""Open episodes by id, with a bound on how many may be open and an idle expiry.

The HTTP gateway and the stdio server keep their episodes here. Expiry uses the host's monotonic clock: it is
bookkeeping about clients, not world state, so it does not touch determinism.
"""

import time
from collections.abc import Callable, Sequence

from mcp_servers.core.episode import Episode
from mcp_servers.core.errors import CapacityError, EpisodeUnavailable

__all__ = ["EpisodeStore"]


class EpisodeStore:
    """Episodes by id. `max_open` bounds the number open at once; `idle_timeout` (seconds) closes unused ones.

    Episodes opened with `pinned=True` (the shared worlds of sessionless clients) neither expire nor count
    against `max_open`.
    """

    def __init__(
        self,
        *,
        max_open: int = 10_000,
        idle_timeout: float | None = 1800.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_open < 1:
            raise ValueError("max_open must be at least 1")
        if idle_timeout is not None and idle_timeout <= 0:
            raise ValueError("idle_timeout must be positive, or None for no expiry")
        self.max_open = max_open
        self.idle_timeout = idle_timeout
        self._clock = clock
        self._episodes: dict[str, Episode] = {}
        self._last_used: dict[str, float] = {}
        self._pinned: set[str] = set()

    def __len__(self) -> int:
        """Open episodes that count against the bound."""
        return len(self._episodes) - len(self._pinned)

    def __contains__(self, episode_id: object) -> bool:
        return episode_id in self._episodes

    def open(self, servers: Sequence[str], seed: int = 0, *, episode_id: str | None = None, pinned: bool = False) -> Episode:
        """Open and keep a new episode.

        Raises:
            CapacityError: `max_open` episodes are already open.
            UnknownServer: a server name is not registered.
            ValueError: `episode_id` is already in use, or no servers were given.
        """
        self.expire_idle()
        if not pinned and len(self) >= self.max_open:
            raise CapacityError(
                f"Too many open episodes ({self.max_open}); close finished episodes or wait for idle ones to expire"
            )
        if episode_id is not None and episode_id in self._episodes:
            raise ValueError(f"episode id {episode_id!r} is already open")
        episode = Episode.open(servers, seed, episode_id=episode_id)
        self._episodes[episode.id] = episode
        self._last_used[episode.id] = self._clock()
        if pinned:
            self._pinned.add(episode.id)
        return episode

    def get(self, episode_id: str) -> Episode:
        """The open episode with this id, marked as used now.

        Raises:
            EpisodeUnavailable: no open episode has this id (never opened, closed, or expired).
        """
        episode = self._episodes.get(episode_id)
        if episode is None or self._expired(episode_id, self._clock()):
            self.close(episode_id)
            raise EpisodeUnavailable(f"Episode {episode_id[:64]!r} is not open (it was closed, expired, or never existed)")
        self._last_used[episode_id] = self._clock()
        return episode

    def close(self, episode_id: str) -> bool:
        """Close the episode if it is open; returns whether it was."""
        episode = self._episodes.pop(episode_id, None)
        self._last_used.pop(episode_id, None)
        self._pinned.discard(episode_id)
        if episode is None:
            return False
        episode.close()
        return True

    def expire_idle(self) -> int:
        """Close every unpinned episode idle for longer than `idle_timeout`; returns how many were closed."""
        now = self._clock()
        expired = [episode_id for episode_id in self._last_used if self._expired(episode_id, now)]
        for episode_id in expired:
            self.close(episode_id)
        return len(expired)

    def close_all(self) -> None:
        for episode_id in list(self._episodes):
            self.close(episode_id)

    def _expired(self, episode_id: str, now: float) -> bool:
        if self.idle_timeout is None or episode_id in self._pinned:
            return False
        return now - self._last_used.get(episode_id, now) > self.idle_timeout
