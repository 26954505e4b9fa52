"""Behaviour of the social_media server, through the public Episode API.

Test data is discovered in the seed-0 world: handles come from the world snapshot, and what the signed-in account
sees of them (privacy, blocks, follows) from the tools.
"""

from typing import Any

from mcp_servers import Episode
from mcp_servers.social_media.world import MAX_POST_LENGTH, POSTS_PER_HOUR, SocialMediaWorld
from tests.helpers import fails, ok, open_server, world_of

SERVER = "social_media"


def _me(ep: Episode) -> str:
    return world_of(ep)["viewer"]


def _profiles(ep: Episode) -> list[dict[str, Any]]:
    return [ok(ep, "get_social_profile", {"handle": handle}) for handle in world_of(ep)["users"]]


def _profile(ep: Episode, handle: str) -> dict[str, Any]:
    return ok(ep, "get_social_profile", {"handle": handle})


def _find(ep: Episode, **wanted: Any) -> dict[str, Any]:
    """The first profile (other than the viewer's) whose fields have the wanted values."""
    return next(
        p for p in _profiles(ep) if not p["is_you"] and all(p[key] == value for key, value in wanted.items())
    )


def _feed(ep: Episode, feed: str = "home", **extra: Any) -> list[dict[str, Any]]:
    return ok(ep, "get_social_feed", {"feed": feed, "limit": 100, **extra})["posts"]


def _others_post(ep: Episode) -> dict[str, Any]:
    """A public original post in the home feed by someone else, that the viewer has not liked or reposted."""
    return next(
        p for p in _feed(ep)
        if p["author"] != _me(ep) and p["reposted_by"] is None and p["visibility"] == "public"
        and not p["liked_by_you"] and not p["reposted_by_you"] and not p["bookmarked_by_you"]
    )


def _deleted_post_id(ep: Episode) -> str:
    """A deleted post the viewer discovers as an ancestor in a thread it can see."""
    world = world_of(ep)
    for post in world["posts"].values():
        parent = world["posts"].get(post["reply_to"] or "")
        if parent and parent["deleted"] and ep.call("get_social_post_thread", {"post_id": post["post_id"]}).ok:
            thread = ok(ep, "get_social_post_thread", {"post_id": post["post_id"]})
            if thread["ancestors"] and thread["ancestors"][-1]["deleted"]:
                return thread["ancestors"][-1]["post_id"]
    raise AssertionError("no visible thread under a deleted post in seed 0")


# ----- people -----


def test_search_social_users_matches_handle_name_and_bio_case_insensitively():
    ep = open_server(SERVER)
    user = next(u for u in world_of(ep)["users"].values() if u["handle"] != _me(ep))
    by_handle = ok(ep, "search_social_users", {"query": "@" + user["handle"].upper()})
    assert user["handle"] in [u["handle"] for u in by_handle["users"]]
    by_name = ok(ep, "search_social_users", {"query": user["display_name"].lower()})
    assert by_name["users"][0]["display_name"] == user["display_name"]
    by_city = ok(ep, "search_social_users", {"query": user["location"], "limit": 100})
    assert user["handle"] in [u["handle"] for u in by_city["users"]]
    limited = ok(ep, "search_social_users", {"query": "e", "limit": 3})
    assert len(limited["users"]) == 3 and limited["total_matched"] > 3
    assert ok(ep, "search_social_users", {"query": "zzqx-nobody"}) == {"users": [], "total_matched": 0}


def test_get_social_profile_shows_counts_and_how_the_account_relates_to_you():
    ep = open_server(SERVER)
    mine = _profile(ep, "@" + _me(ep))
    assert mine["is_you"] and mine["post_count"] > 0 and mine["following_count"] > 0
    followed = _find(ep, you_follow="yes", private=True)
    assert followed["follower_count"] > 0
    assert _find(ep, you_follow="requested")["private"]
    assert _find(ep, blocked_you=True)["you_follow"] == "no"
    assert _find(ep, you_blocked=True)["you_follow"] == "no"
    assert any(p["verified"] for p in _profiles(ep))
    fails(ep, "get_social_profile", {"handle": "nobody_here_42"}, "No account", "search_social_users")


def test_list_social_followers_lists_followers_and_following():
    ep = open_server(SERVER)
    me = _profile(ep, _me(ep))
    followers = ok(ep, "list_social_followers", {"handle": _me(ep), "limit": 100})
    assert followers["total"] == me["follower_count"] == len(followers["users"])
    assert all(u["follows_you"] for u in followers["users"])
    following = ok(ep, "list_social_followers", {"handle": _me(ep), "relation": "following", "limit": 100})
    assert following["total"] == me["following_count"]
    assert all(u["you_follow"] == "yes" for u in following["users"])
    assert len(ok(ep, "list_social_followers", {"handle": _me(ep), "limit": 2})["users"]) == 2


def test_private_accounts_hide_posts_and_connections_until_followed():
    ep = open_server(SERVER)
    stranger = _find(ep, private=True, you_follow="no", blocked_you=False, you_blocked=False)["handle"]
    for tool in ("list_social_user_posts", "list_social_followers"):
        fails(ep, tool, {"handle": stranger}, "private account", "follow_social_user")
    pending = _find(ep, you_follow="requested")["handle"]
    fails(ep, "list_social_user_posts", {"handle": pending}, "private account", "pending")
    friend = _find(ep, private=True, you_follow="yes")["handle"]
    posts = ok(ep, "list_social_user_posts", {"handle": friend})["posts"]
    assert posts and {p["author"] for p in posts if p["reposted_by"] is None} == {friend}
    assert ok(ep, "list_social_followers", {"handle": friend})["total"] >= 1


def test_blocks_hide_posts_in_both_directions():
    ep = open_server(SERVER)
    blocker = _find(ep, blocked_you=True)["handle"]
    fails(ep, "list_social_user_posts", {"handle": blocker}, f"@{blocker} has blocked you")
    blocked = _find(ep, you_blocked=True)["handle"]
    fails(ep, "list_social_followers", {"handle": blocked}, "You have blocked", "block_social_user")
    seen = {p["author"] for p in _feed(ep, include_replies=True)}
    assert blocker not in seen and blocked not in seen


# ----- reading posts -----


def test_get_social_feed_shows_your_posts_and_followed_accounts_newest_first_with_paging():
    ep = open_server(SERVER)
    following = {u["handle"] for u in
                 ok(ep, "list_social_followers", {"handle": _me(ep), "relation": "following", "limit": 100})["users"]}
    posts = _feed(ep)
    assert posts and all((p["reposted_by"] or p["author"]) in following | {_me(ep)} for p in posts)
    assert all(p["reply_to_post_id"] is None and not p["deleted"] for p in posts)
    moments = [p["reposted_at"] or p["created_at"] for p in posts]
    assert moments == sorted(moments, reverse=True)
    assert any(p["reposted_by"] for p in posts)
    with_replies = ok(ep, "get_social_feed", {"include_replies": True, "limit": 1})
    assert with_replies["total"] > ok(ep, "get_social_feed", {"limit": 1})["total"]
    first = ok(ep, "get_social_feed", {"limit": 5})
    second = ok(ep, "get_social_feed", {"limit": 5, "offset": first["next_offset"]})
    assert first["next_offset"] == 5 and second["posts"][0] == posts[5]
    last = ok(ep, "get_social_feed", {"limit": 5, "offset": first["total"] - 1})
    assert len(last["posts"]) == 1 and last["next_offset"] is None


def test_get_social_feed_lists_bookmarks_and_likes_in_saved_order():
    ep = open_server(SERVER)
    world = world_of(ep)
    bookmarks = _feed(ep, "bookmarks")
    assert [p["post_id"] for p in bookmarks] == world["bookmarked_post_ids"]
    assert all(p["bookmarked_by_you"] for p in bookmarks)
    likes = _feed(ep, "likes")
    assert len(likes) >= 10 and all(p["liked_by_you"] and p["like_count"] >= 1 for p in likes)


def test_get_social_post_thread_shows_ancestors_replies_and_deleted_posts():
    ep = open_server(SERVER)
    world = world_of(ep)
    nested = next(
        p for p in world["posts"].values()
        if p["reply_to"] and world["posts"][p["reply_to"]]["reply_to"] and not p["deleted"]
        and ep.call("get_social_post_thread", {"post_id": p["post_id"]}).ok
    )
    thread = ok(ep, "get_social_post_thread", {"post_id": nested["post_id"]})
    assert [a["post_id"] for a in thread["ancestors"]][-1] == nested["reply_to"]
    root = thread["ancestors"][0]
    assert root["reply_to_post_id"] is None
    from_root = ok(ep, "get_social_post_thread", {"post_id": root["post_id"]})
    assert nested["post_id"] in [r["post_id"] for r in from_root["replies"]]
    assert from_root["post"]["reply_count"] >= 1
    deleted = _deleted_post_id(ep)
    stub = ok(ep, "get_social_post_thread", {"post_id": deleted})
    assert stub["post"]["deleted"] and stub["post"]["text"] == "" and stub["replies"]
    fails(ep, "get_social_post_thread", {"post_id": "PST-9999"}, "Unknown post", "get_social_feed")


def test_search_hashtag_posts_finds_visible_posts_with_the_tag():
    ep = open_server(SERVER)
    result = ok(ep, "search_hashtag_posts", {"hashtag": "#Running", "limit": 100})
    assert result["hashtag"] == "running" and result["total_matched"] == len(result["posts"]) > 0
    assert all("running" in p["hashtags"] and not p["deleted"] for p in result["posts"])
    blocker = _find(ep, blocked_you=True)["handle"]
    assert blocker not in {p["author"] for p in result["posts"]}
    first_two = ok(ep, "search_hashtag_posts", {"hashtag": "running", "limit": 2})
    assert first_two["posts"] == result["posts"][:2] and first_two["total_matched"] == result["total_matched"]
    assert ok(ep, "search_hashtag_posts", {"hashtag": "nosuchtagatall"})["posts"] == []
    fails(ep, "search_hashtag_posts", {"hashtag": " # "}, "hashtag")


def test_list_social_notifications_filters_unread_and_kind():
    ep = open_server(SERVER)
    everything = ok(ep, "list_social_notifications", {"limit": 100})
    notes = everything["notifications"]
    assert len(notes) >= 15 and {"follow", "like", "follow_request_accepted"} <= {n["kind"] for n in notes}
    assert [n["created_at"] for n in notes] == sorted((n["created_at"] for n in notes), reverse=True)
    unread = ok(ep, "list_social_notifications", {"unread_only": True, "limit": 100})["notifications"]
    assert 0 < len(unread) == everything["unread_count"] < len(notes)
    likes = ok(ep, "list_social_notifications", {"kind": "like", "limit": 100})["notifications"]
    assert likes and all(n["kind"] == "like" and n["post_id"] for n in likes)
    post = ok(ep, "get_social_post_thread", {"post_id": likes[0]["post_id"]})["post"]
    assert post["author"] == _me(ep)


# ----- publishing -----


def test_create_social_post_publishes_to_your_profile_and_feed():
    ep = open_server(SERVER)
    friend = _find(ep, you_follow="yes")["handle"]
    text = f"  Trying the new ramen place with @{friend.upper()} tonight #Foodie #ramen  "
    post = ok(ep, "create_social_post", {"text": text, "visibility": "followers"})
    assert post["text"] == text.strip() and post["author"] == _me(ep) and post["visibility"] == "followers"
    assert post["hashtags"] == ["foodie", "ramen"] and post["mentions"] == [friend]
    assert post["created_at"] == world_of(ep)["now"] and post["like_count"] == 0
    assert _feed(ep)[0]["post_id"] == post["post_id"]
    assert ok(ep, "list_social_user_posts", {"handle": _me(ep)})["posts"][0]["post_id"] == post["post_id"]
    assert post["post_id"] in [p["post_id"] for p in ok(ep, "search_hashtag_posts", {"hashtag": "ramen"})["posts"]]


def test_create_social_post_refuses_long_text_unknown_mentions_and_too_many_posts_per_hour():
    ep = open_server(SERVER)
    too_long = "x" * (MAX_POST_LENGTH + 12)
    fails(ep, "create_social_post", {"text": too_long}, f"limit is {MAX_POST_LENGTH}", "Shorten it by 12")
    fails(ep, "create_social_post", {"text": "hi @ghost_account_zz and @another_ghost"}, "@ghost_account_zz",
          "@another_ghost", "search_social_users")
    fails(ep, "create_social_post", {"text": "   "}, "empty")
    assert ok(ep, "create_social_post", {"text": "x" * MAX_POST_LENGTH})
    published = 1
    while ep.call("create_social_post", {"text": f"Update number {published}"}).ok:
        published += 1
    fails(ep, "create_social_post", {"text": "one more"}, "Rate limit", f"limit {POSTS_PER_HOUR}", "post again at")
    recent_before = POSTS_PER_HOUR - published
    assert recent_before == 2


def test_reply_to_social_post_adds_the_reply_to_the_thread():
    ep = open_server(SERVER)
    parent = _others_post(ep)
    reply = ok(ep, "reply_to_social_post", {"post_id": parent["post_id"], "text": f"@{parent['author']} love it!"})
    assert reply["reply_to_post_id"] == parent["post_id"] and reply["mentions"] == [parent["author"]]
    thread = ok(ep, "get_social_post_thread", {"post_id": parent["post_id"]})
    assert reply["post_id"] in [r["post_id"] for r in thread["replies"]]
    assert thread["post"]["reply_count"] == parent["reply_count"] + 1
    nested = ok(ep, "reply_to_social_post", {"post_id": reply["post_id"], "text": "Adding to my own reply."})
    ancestors = ok(ep, "get_social_post_thread", {"post_id": nested["post_id"]})["ancestors"]
    assert [a["post_id"] for a in ancestors] == [parent["post_id"], reply["post_id"]]
    reposted = next(p for p in _feed(ep) if p["reposted_by"])
    via_repost = ok(ep, "reply_to_social_post", {"post_id": reposted["repost_id"], "text": "Nice one"})
    assert via_repost["reply_to_post_id"] == reposted["post_id"]


def test_reply_to_social_post_refuses_deleted_hidden_blocked_and_unknown_posts():
    ep = open_server(SERVER)
    fails(ep, "reply_to_social_post", {"post_id": _deleted_post_id(ep), "text": "hello?"}, "was deleted")
    world = world_of(ep)
    stranger = _find(ep, private=True, you_follow="no", blocked_you=False, you_blocked=False)["handle"]
    hidden = next(p["post_id"] for p in world["posts"].values() if p["author"] == stranger and not p["deleted"])
    fails(ep, "reply_to_social_post", {"post_id": hidden, "text": "hi"}, "private account")
    blocker = _find(ep, blocked_you=True)["handle"]
    theirs = next(p["post_id"] for p in world["posts"].values() if p["author"] == blocker and not p["deleted"])
    fails(ep, "reply_to_social_post", {"post_id": theirs, "text": "hi"}, "has blocked you")
    fails(ep, "reply_to_social_post", {"post_id": "PST-9999", "text": "hi"}, "Unknown post")
    parent = _others_post(ep)["post_id"]
    fails(ep, "reply_to_social_post", {"post_id": parent, "text": "y" * 300}, "300 characters")
    fails(ep, "reply_to_social_post", {"post_id": parent, "text": "cc @not_a_real_handle"}, "@not_a_real_handle")


def test_repost_social_post_shares_it_and_deleting_the_repost_undoes_it():
    ep = open_server(SERVER)
    original = _others_post(ep)
    entry = ok(ep, "repost_social_post", {"post_id": original["post_id"]})
    assert entry["post_id"] == original["post_id"] and entry["reposted_by"] == _me(ep)
    assert entry["reposted_by_you"] and entry["repost_count"] == original["repost_count"] + 1
    top = _feed(ep)[0]
    assert top["repost_id"] == entry["repost_id"] and top["post_id"] == original["post_id"]
    fails(ep, "repost_social_post", {"post_id": original["post_id"]}, "already reposted", entry["repost_id"])
    undone = ok(ep, "delete_social_post", {"post_id": entry["repost_id"]})
    assert undone == {"post_id": entry["repost_id"], "kind": "repost", "repost_of_post_id": original["post_id"]}
    back = ok(ep, "get_social_post_thread", {"post_id": original["post_id"]})["post"]
    assert back["repost_count"] == original["repost_count"] and not back["reposted_by_you"]


def test_repost_social_post_refuses_followers_only_and_deleted_posts():
    ep = open_server(SERVER)
    followers_only = next(p for p in _feed(ep) if p["visibility"] == "followers" and p["author"] != _me(ep))
    fails(ep, "repost_social_post", {"post_id": followers_only["post_id"]}, "followers only", "cannot be reposted")
    fails(ep, "repost_social_post", {"post_id": _deleted_post_id(ep)}, "was deleted")
    fails(ep, "repost_social_post", {"post_id": "nope"}, "Unknown post")


def test_delete_social_post_removes_your_post_and_keeps_its_replies_in_the_thread():
    ep = open_server(SERVER)
    post = ok(ep, "create_social_post", {"text": "Typo-filled post, deleting soon"})
    ok(ep, "reply_to_social_post", {"post_id": post["post_id"], "text": "Self-reply that stays"})
    assert ok(ep, "delete_social_post", {"post_id": post["post_id"]})["kind"] == "post"
    assert post["post_id"] not in [p["post_id"] for p in _feed(ep)]
    thread = ok(ep, "get_social_post_thread", {"post_id": post["post_id"]})
    assert thread["post"]["deleted"] and len(thread["replies"]) == 1


def test_delete_social_post_refuses_other_peoples_and_deleted_posts():
    ep = open_server(SERVER)
    other = _others_post(ep)
    fails(ep, "delete_social_post", {"post_id": other["post_id"]}, f"by @{other['author']}", "only delete your own")
    mine = ok(ep, "create_social_post", {"text": "short-lived"})["post_id"]
    ok(ep, "delete_social_post", {"post_id": mine})
    fails(ep, "delete_social_post", {"post_id": mine}, "already deleted")
    fails(ep, "delete_social_post", {"post_id": "PST-0000"}, "Unknown post")


# ----- reacting -----


def test_like_social_post_counts_the_like_and_lists_it_first_in_likes():
    ep = open_server(SERVER)
    post = _others_post(ep)
    liked = ok(ep, "like_social_post", {"post_id": post["post_id"]})
    assert liked["liked_by_you"] and liked["like_count"] == post["like_count"] + 1
    assert _feed(ep, "likes")[0]["post_id"] == post["post_id"]


def test_like_social_post_refuses_liking_twice_deleted_and_hidden_posts():
    ep = open_server(SERVER)
    already = _feed(ep, "likes")[0]["post_id"]
    fails(ep, "like_social_post", {"post_id": already}, "already liked", already)
    fails(ep, "like_social_post", {"post_id": _deleted_post_id(ep)}, "was deleted")
    world = world_of(ep)
    blocked = _find(ep, you_blocked=True)["handle"]
    theirs = next(p["post_id"] for p in world["posts"].values() if p["author"] == blocked and not p["deleted"])
    fails(ep, "like_social_post", {"post_id": theirs}, "You have blocked")


def test_bookmark_social_post_saves_and_removes_bookmarks():
    ep = open_server(SERVER)
    post = _others_post(ep)
    saved = ok(ep, "bookmark_social_post", {"post_id": post["post_id"]})
    assert saved["bookmarked_by_you"] and _feed(ep, "bookmarks")[0]["post_id"] == post["post_id"]
    fails(ep, "bookmark_social_post", {"post_id": post["post_id"]}, "already in your bookmarks")
    removed = ok(ep, "bookmark_social_post", {"post_id": post["post_id"], "bookmarked": False})
    assert not removed["bookmarked_by_you"]
    assert post["post_id"] not in [p["post_id"] for p in _feed(ep, "bookmarks")]
    fails(ep, "bookmark_social_post", {"post_id": post["post_id"], "bookmarked": False}, "not in your bookmarks")
    fails(ep, "bookmark_social_post", {"post_id": _deleted_post_id(ep)}, "was deleted")


# ----- follows and blocks -----


def test_follow_social_user_follows_public_accounts_and_requests_private_ones():
    ep = open_server(SERVER)
    public = _find(ep, private=False, you_follow="no", blocked_you=False, you_blocked=False)
    change = ok(ep, "follow_social_user", {"handle": "@" + public["handle"]})
    assert change == {"handle": public["handle"], "status": "following",
                      "follower_count": public["follower_count"] + 1}
    assert _profile(ep, public["handle"])["you_follow"] == "yes"
    following = ok(ep, "list_social_followers", {"handle": _me(ep), "relation": "following", "limit": 100})
    assert public["handle"] in [u["handle"] for u in following["users"]]
    private = _find(ep, private=True, you_follow="no", blocked_you=False, you_blocked=False)
    assert ok(ep, "follow_social_user", {"handle": private["handle"]})["status"] == "requested"
    assert _profile(ep, private["handle"])["you_follow"] == "requested"
    fails(ep, "list_social_user_posts", {"handle": private["handle"]}, "pending")


def test_follow_social_user_refuses_blockers_duplicates_and_yourself():
    ep = open_server(SERVER)
    fails(ep, "follow_social_user", {"handle": _find(ep, blocked_you=True)["handle"]}, "has blocked you")
    fails(ep, "follow_social_user", {"handle": _find(ep, you_blocked=True)["handle"]}, "You have blocked")
    fails(ep, "follow_social_user", {"handle": _find(ep, you_follow="yes")["handle"]}, "already follow")
    fails(ep, "follow_social_user", {"handle": _find(ep, you_follow="requested")["handle"]}, "still pending")
    fails(ep, "follow_social_user", {"handle": _me(ep)}, "your own account")
    fails(ep, "follow_social_user", {"handle": "ghost_zz"}, "No account has the handle @ghost_zz")


def test_unfollow_social_user_unfollows_or_withdraws_a_request():
    ep = open_server(SERVER)
    followed = _find(ep, you_follow="yes", private=False)
    change = ok(ep, "unfollow_social_user", {"handle": followed["handle"]})
    assert change["status"] == "not_following" and change["follower_count"] == followed["follower_count"] - 1
    assert followed["handle"] not in {p["author"] for p in _feed(ep) if not p["reposted_by"]}
    pending = _find(ep, you_follow="requested")["handle"]
    ok(ep, "unfollow_social_user", {"handle": pending})
    assert _profile(ep, pending)["you_follow"] == "no"
    fails(ep, "unfollow_social_user", {"handle": pending}, "do not follow")
    fails(ep, "unfollow_social_user", {"handle": _me(ep)}, "your own account")


def test_block_social_user_ends_follows_both_ways_and_unblocking_restores_access():
    ep = open_server(SERVER)
    mutual = next(
        u for u in ok(ep, "list_social_followers", {"handle": _me(ep), "limit": 100})["users"]
        if u["you_follow"] == "yes" and not u["private"]
    )
    change = ok(ep, "block_social_user", {"handle": mutual["handle"]})
    assert change == {"handle": mutual["handle"], "blocked": True, "you_unfollowed": True, "they_unfollowed": True}
    profile = _profile(ep, mutual["handle"])
    assert profile["you_blocked"] and profile["you_follow"] == "no" and not profile["follows_you"]
    fails(ep, "list_social_user_posts", {"handle": mutual["handle"]}, "You have blocked")
    fails(ep, "block_social_user", {"handle": mutual["handle"]}, "already blocked")
    unblocked = ok(ep, "block_social_user", {"handle": mutual["handle"], "blocked": False})
    assert not unblocked["blocked"]
    assert ok(ep, "list_social_user_posts", {"handle": mutual["handle"]})["handle"] == mutual["handle"]
    fails(ep, "block_social_user", {"handle": mutual["handle"], "blocked": False}, "is not blocked")
    fails(ep, "block_social_user", {"handle": _me(ep)}, "your own account")


# ----- arguments, scenario, determinism -----


def test_malformed_arguments_are_rejected_before_the_tool_runs():
    ep = open_server(SERVER)
    before = ep.state_hash()
    bad = [
        ("create_social_post", {"text": "x" * 5000}),
        ("create_social_post", {"text": ""}),
        ("create_social_post", {"text": "hi", "visibility": "friends"}),
        ("get_social_feed", {"limit": 0}),
        ("get_social_feed", {"limit": "5"}),
        ("get_social_feed", {"offset": -1}),
        ("like_social_post", {"post_id": "P" * 100}),
        ("follow_social_user", {"handle": "x", "extra": 1}),
        ("search_social_users", {"query": "q" * 200}),
    ]
    for tool, args in bad:
        assert ep.call(tool, args).status == "invalid_arguments", (tool, args)
    assert ep.call("search_social_users", {"query": "Zoë ../../etc/passwd .*("}).ok
    assert ep.call("search_hashtag_posts", {"hashtag": "#(.*)+"}).ok
    assert ep.state_hash() == before


def _scenario(ep: Episode) -> dict[str, str]:
    """Find a runner, follow them, like and reply to their post, post and repost, block a troll; ids flow along."""
    runners = ok(ep, "search_hashtag_posts", {"hashtag": "running", "limit": 100})["posts"]
    target = next(
        p for p in runners
        if p["author"] != _me(ep) and p["visibility"] == "public" and not p["liked_by_you"]
        and not p["reposted_by_you"] and _profile(ep, p["author"])["you_follow"] == "no"
    )
    author = ok(ep, "get_social_profile", {"handle": target["author"]})["handle"]
    ok(ep, "follow_social_user", {"handle": author})
    ok(ep, "like_social_post", {"post_id": target["post_id"]})
    reply = ok(ep, "reply_to_social_post", {"post_id": target["post_id"], "text": f"@{author} see you at the track!"})
    post = ok(ep, "create_social_post", {"text": f"Just followed @{author}, great running tips #running"})
    repost = ok(ep, "repost_social_post", {"post_id": target["post_id"]})
    troll = next(u for u in ok(ep, "list_social_followers", {"handle": _me(ep), "limit": 100})["users"]
                 if u["you_follow"] == "no")["handle"]
    ok(ep, "block_social_user", {"handle": troll})
    return {"author": author, "target": target["post_id"], "reply": reply["post_id"], "post": post["post_id"],
            "repost": repost["repost_id"], "troll": troll}


def test_multi_step_scenario_is_reproducible_and_visible():
    runs = [open_server(SERVER) for _ in range(2)]
    untouched = runs[0].state_hash()
    outcomes = [(_scenario(ep), ep.state_hash()) for ep in runs]
    assert outcomes[0] == outcomes[1] and outcomes[0][1] != untouched
    first, ids = runs[0], outcomes[0][0]
    assert _profile(first, ids["author"])["you_follow"] == "yes"
    thread = ok(first, "get_social_post_thread", {"post_id": ids["target"]})
    assert thread["post"]["liked_by_you"] and thread["post"]["reposted_by_you"]
    assert ids["reply"] in [r["post_id"] for r in thread["replies"]]
    top = [(p["post_id"], p["repost_id"]) for p in _feed(first)[:2]]
    assert top == [(ids["target"], ids["repost"]), (ids["post"], None)]
    assert _profile(first, ids["troll"])["you_blocked"]
    followers = ok(first, "list_social_followers", {"handle": _me(first), "limit": 100})["users"]
    assert ids["troll"] not in [u["handle"] for u in followers]


def test_new_world_is_deterministic_per_seed():
    assert Episode.open([SERVER], seed=0).state_hash() == Episode.open([SERVER], seed=0).state_hash()
    assert Episode.open([SERVER], seed=0).state_hash() != Episode.open([SERVER], seed=1).state_hash()
    a, b = Episode.open([SERVER], seed=3), Episode.open([SERVER], seed=3)
    assert a.call("get_social_feed", {"limit": 50}).content == b.call("get_social_feed", {"limit": 50}).content


def test_default_world_is_large_varied_and_compact():
    world = world_of(open_server(SERVER))
    users, posts = world["users"].values(), world["posts"].values()
    assert len(users) == 60 and 370 <= len(posts) <= 440
    assert sum(u["private"] for u in users) >= 8 and sum(u["verified"] for u in users) >= 10
    assert sum(bool(u["blocked"]) for u in users) >= 5
    assert sum(p["reply_to"] is not None for p in posts) >= 40
    assert sum(p["repost_of"] is not None for p in posts) >= 10
    assert sum(p["deleted"] for p in posts) >= 5
    assert {p["visibility"] for p in posts} == {"public", "followers"}
    assert len(SocialMediaWorld.new_world(0).canonical_json()) < 150_000
