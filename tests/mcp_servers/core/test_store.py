"""The episode store: ids, the bound on open episodes, idle expiry, pinned shared worlds."""

import pytest

from mcp_servers.core.errors import CapacityError, EpisodeUnavailable
from mcp_servers.core.store import EpisodeStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_episodes_are_found_by_id_until_closed():
    store = EpisodeStore()
    episode = store.open(["banking"], seed=2)
    assert store.get(episode.id) is episode and episode.id in store
    assert store.close(episode.id) and not store.close(episode.id)
    assert episode.closed
    with pytest.raises(EpisodeUnavailable, match="not open"):
        store.get(episode.id)


def test_the_bound_on_open_episodes_refuses_one_more_with_a_clear_message():
    store = EpisodeStore(max_open=2)
    first = store.open(["banking"])
    store.open(["banking"])
    with pytest.raises(CapacityError, match="Too many open episodes"):
        store.open(["banking"])
    store.close(first.id)
    assert store.open(["banking"]).id in store


def test_idle_episodes_expire_and_used_ones_do_not():
    clock = FakeClock()
    store = EpisodeStore(idle_timeout=10, clock=clock)
    idle, busy = store.open(["banking"]), store.open(["banking"])
    clock.now = 8
    store.get(busy.id)
    clock.now = 15
    assert store.expire_idle() == 1
    assert idle.closed and busy.id in store
    with pytest.raises(EpisodeUnavailable):
        store.get(idle.id)


def test_pinned_episodes_neither_expire_nor_count_against_the_bound():
    clock = FakeClock()
    store = EpisodeStore(max_open=1, idle_timeout=1, clock=clock)
    shared = store.open(["banking"], pinned=True)
    private = store.open(["banking"])
    assert len(store) == 1
    clock.now = 100
    store.expire_idle()
    assert shared.id in store and private.id not in store


def test_an_episode_id_cannot_be_reused_while_open():
    store = EpisodeStore()
    store.open(["banking"], episode_id="mine")
    with pytest.raises(ValueError, match="already open"):
        store.open(["banking"], episode_id="mine")
