"""Social network tools, all acting as the signed-in account: find people and read profiles, connections, feeds,
threads, hashtags and notifications; publish, reply, repost, like, bookmark and delete posts; follow, unfollow and
block accounts."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import ServerDef, ToolError
from mcp_servers.social_media.world import (
    MAX_POST_LENGTH,
    POSTS_PER_HOUR,
    Notification,
    NotificationKind,
    Post,
    SocialHandle,
    SocialHashtag,
    SocialMediaWorld,
    SocialPostId,
    SocialUser,
    Visibility,
    clean_handle,
    hashtags_in,
    mentions_in,
)

server = ServerDef(
    "social_media",
    SocialMediaWorld,
    group="social",
    description=(
        "Social network seen by one signed-in account: people, follows and follow requests, blocks, posts with "
        "hashtags and mentions, reply threads, likes, reposts, bookmarks and notifications."
    ),
)

PostText = Annotated[str, Field(min_length=1, max_length=2000)]
Query = Annotated[str, Field(min_length=1, max_length=100)]
Limit = Annotated[int, Field(ge=1, le=100)]
Offset = Annotated[int, Field(ge=0, le=10_000)]

_FIND_POSTS = "Use get_social_feed, list_social_user_posts or search_hashtag_posts to find post ids."
_FIND_USERS = "Use search_social_users to find the handle."


# ----- result models -----


class UserCard(BaseModel):
    handle: SocialHandle
    display_name: str
    bio: str
    verified: bool
    private: bool
    follower_count: int
    you_follow: Literal["yes", "requested", "no"] = Field(description="'requested': your request awaits approval.")
    follows_you: bool


class UserList(BaseModel):
    users: list[UserCard]
    total_matched: int


class Profile(UserCard):
    location: str
    joined_on: date
    following_count: int
    post_count: int
    is_you: bool
    you_blocked: bool
    blocked_you: bool


class Connections(BaseModel):
    handle: SocialHandle
    relation: Literal["followers", "following"]
    users: list[UserCard]
    total: int


class PostView(BaseModel):
    post_id: SocialPostId = Field(description="The post to like, reply to, repost or bookmark.")
    author: SocialHandle
    author_display_name: str
    author_verified: bool
    text: str
    created_at: datetime
    visibility: Visibility
    reply_to_post_id: SocialPostId | None
    hashtags: list[SocialHashtag]
    mentions: list[SocialHandle]
    like_count: int
    repost_count: int
    reply_count: int
    liked_by_you: bool
    reposted_by_you: bool
    bookmarked_by_you: bool
    deleted: bool
    reposted_by: SocialHandle | None = Field(None, description="Set when this feed entry is someone's repost.")
    repost_id: SocialPostId | None = Field(None, description="The repost itself (delete it to undo your repost).")
    reposted_at: datetime | None = None


class PostPage(BaseModel):
    posts: list[PostView]
    total: int
    next_offset: int | None = Field(description="Pass as offset for the next page; null on the last page.")


class UserPosts(PostPage):
    handle: SocialHandle
    hidden_followers_only: int = Field(description="Posts for followers only that you cannot see.")


class HashtagPosts(BaseModel):
    hashtag: SocialHashtag
    posts: list[PostView]
    total_matched: int


class Thread(BaseModel):
    ancestors: list[PostView] = Field(description="The posts this one replies to, oldest first.")
    post: PostView
    replies: list[PostView] = Field(description="Every visible reply below the post, oldest first.")
    hidden_replies: int = Field(description="Replies you cannot see (private or blocked accounts).")


class NotificationList(BaseModel):
    notifications: list[Notification]
    unread_count: int


class PostDeletion(BaseModel):
    post_id: SocialPostId
    kind: Literal["post", "reply", "repost"]
    repost_of_post_id: SocialPostId | None = Field(description="For an undone repost, the original post.")


class FollowChange(BaseModel):
    handle: SocialHandle
    status: Literal["following", "requested", "not_following"]
    follower_count: int


class BlockChange(BaseModel):
    handle: SocialHandle
    blocked: bool
    you_unfollowed: bool = Field(description="Blocking ended your follow or pending request.")
    they_unfollowed: bool = Field(description="Blocking removed them from your followers or requests.")


# ----- how the viewer sees users and posts -----


class _Lens:
    """What one call needs to present users and posts to the viewer, gathered in one pass over the world."""

    def __init__(self, world: SocialMediaWorld) -> None:
        self.world = world
        self.me = world.me()
        self.followers = world.follower_counts()
        self.liked = set(world.liked_post_ids)
        self.bookmarked = set(world.bookmarked_post_ids)
        self.reply_counts: dict[str, int] = {}
        self.my_reposts: dict[str, str] = {}
        for post in world.posts.values():
            if post.deleted:
                continue
            if post.reply_to:
                self.reply_counts[post.reply_to] = self.reply_counts.get(post.reply_to, 0) + 1
            if post.repost_of and post.author == world.viewer:
                self.my_reposts[post.repost_of] = post.post_id

    def card(self, user: SocialUser) -> UserCard:
        return UserCard(
            handle=user.handle,
            display_name=user.display_name,
            bio=user.bio,
            verified=user.verified,
            private=user.private,
            follower_count=self.followers[user.handle],
            you_follow=_you_follow(self.me, user.handle),
            follows_you=self.me.handle in user.following,
        )

    def post(self, post: Post, repost: Post | None = None) -> PostView:
        """`post` as the viewer sees it; with `repost`, as the entry of that repost in a feed."""
        author = self.world.users[post.author]
        return PostView(
            post_id=post.post_id,
            author=author.handle,
            author_display_name=author.display_name,
            author_verified=author.verified,
            text=post.text,
            created_at=post.created_at,
            visibility=post.visibility,
            reply_to_post_id=post.reply_to,
            hashtags=hashtags_in(post.text),
            mentions=mentions_in(post.text),
            like_count=post.like_count,
            repost_count=post.repost_count,
            reply_count=self.reply_counts.get(post.post_id, 0),
            liked_by_you=post.post_id in self.liked,
            reposted_by_you=post.post_id in self.my_reposts,
            bookmarked_by_you=post.post_id in self.bookmarked,
            deleted=post.deleted,
            reposted_by=repost.author if repost else None,
            repost_id=repost.post_id if repost else None,
            reposted_at=repost.created_at if repost else None,
        )

    def entry(self, post: Post) -> PostView | None:
        """A feed entry: the post, or for a repost its original; None when the original is gone or hidden."""
        if post.repost_of is None:
            return self.post(post)
        original = self.world.posts[post.repost_of]
        if original.deleted or self.world.post_problem(original) is not None:
            return None
        return self.post(original, repost=post)


def _you_follow(me: SocialUser, handle: str) -> Literal["yes", "requested", "no"]:
    if handle in me.following:
        return "yes"
    return "requested" if handle in me.follow_requests_sent else "no"


def _newest_first(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda post: (post.created_at, post.post_id), reverse=True)


def _page(views: list[PostView], limit: int, offset: int) -> PostPage:
    end = offset + limit
    return PostPage(posts=views[offset:end], total=len(views), next_offset=end if end < len(views) else None)


def _user(world: SocialMediaWorld, handle: str) -> SocialUser:
    user = world.users.get(clean_handle(handle))
    if user is None:
        raise ToolError(f"No account has the handle @{clean_handle(handle)[:64]}. {_FIND_USERS}")
    return user


def _other_user(world: SocialMediaWorld, handle: str, action: str) -> SocialUser:
    user = _user(world, handle)
    if user.handle == world.viewer:
        raise ToolError(f"@{user.handle} is your own account; you cannot {action} yourself.")
    return user


def _post(world: SocialMediaWorld, post_id: str) -> Post:
    post = world.posts.get(post_id.strip().upper())
    if post is None:
        raise ToolError(f"Unknown post {post_id[:64]!r}. {_FIND_POSTS}")
    return post


def _target(world: SocialMediaWorld, post_id: str, action: str) -> Post:
    """The post an action applies to: a repost stands for its original; it must exist, be visible and not deleted."""
    post = _post(world, post_id)
    if post.repost_of is not None:
        post = world.posts[post.repost_of]
    if post.deleted:
        raise ToolError(f"Post {post.post_id} was deleted by @{post.author}; it cannot be {action}.")
    problem = world.post_problem(post)
    if problem is not None:
        raise ToolError(problem)
    return post


def _check_text(world: SocialMediaWorld, text: str) -> str:
    """The text to publish, stripped; refused when empty, too long, or mentioning unknown handles."""
    text = text.strip()
    if not text:
        raise ToolError("The post text is empty; write something to publish.")
    if len(text) > MAX_POST_LENGTH:
        raise ToolError(
            f"The post is {len(text)} characters long; the limit is {MAX_POST_LENGTH}. "
            f"Shorten it by {len(text) - MAX_POST_LENGTH} characters."
        )
    unknown = [handle for handle in mentions_in(text) if handle not in world.users]
    if unknown:
        names = ", ".join(f"@{handle[:40]}" for handle in unknown[:5])
        raise ToolError(f"No account has the handle {names}. Check mentions with search_social_users.")
    return text


def _check_rate(world: SocialMediaWorld) -> None:
    """Refuse a new post, reply or repost when the viewer already published POSTS_PER_HOUR in the last hour."""
    window_start = world.now - timedelta(hours=1)
    recent = sorted(
        post.created_at
        for post in world.posts.values()
        if post.author == world.viewer and post.created_at > window_start
    )
    if len(recent) >= POSTS_PER_HOUR:
        free_at = recent[-POSTS_PER_HOUR] + timedelta(hours=1)
        raise ToolError(
            f"Rate limit: you published {len(recent)} posts, replies or reposts in the last hour (limit "
            f"{POSTS_PER_HOUR}). You can post again at {free_at:%H:%M} UTC."
        )


def _publish(world: SocialMediaWorld, text: str, visibility: Visibility, reply_to: str | None = None,
             repost_of: str | None = None) -> Post:
    post = Post(
        post_id=world.next_id("PST"),
        author=world.viewer,
        text=text,
        created_at=world.now,
        visibility=visibility,
        reply_to=reply_to,
        repost_of=repost_of,
    )
    world.posts[post.post_id] = post
    return post


# ----- people -----


@server.read
def search_social_users(world: SocialMediaWorld, query: Query, limit: Limit = 20) -> UserList:
    """Find accounts whose handle, display name or bio contains the text (case-insensitive).

    Args:
        query: Text to look for, such as a name, part of a handle, a city or an interest.
        limit: The most accounts to return.
    """
    needle = query.strip().removeprefix("@").casefold()
    lens = _Lens(world)
    matched = [
        user
        for user in world.users.values()
        if needle in user.handle or needle in user.display_name.casefold() or needle in user.bio.casefold()
    ]
    return UserList(users=[lens.card(user) for user in matched[:limit]], total_matched=len(matched))


@server.read
def get_social_profile(world: SocialMediaWorld, handle: SocialHandle) -> Profile:
    """Show an account's profile, its counts, and how it relates to you (follows, requests, blocks).

    Args:
        handle: The account's handle, with or without the leading @.
    """
    user = _user(world, handle)
    lens = _Lens(world)
    posts = [p for p in world.posts.values() if p.author == user.handle and not p.deleted and not p.repost_of]
    return Profile(
        **lens.card(user).model_dump(),
        location=user.location,
        joined_on=user.joined_on,
        following_count=len(user.following),
        post_count=len(posts),
        is_you=user.handle == world.viewer,
        you_blocked=user.handle in lens.me.blocked,
        blocked_you=world.viewer in user.blocked,
    )


@server.read
def list_social_followers(
    world: SocialMediaWorld,
    handle: SocialHandle,
    relation: Literal["followers", "following"] = "followers",
    limit: Limit = 50,
) -> Connections:
    """List the accounts that follow an account, or that it follows.

    A private account's connections are shown only to its approved followers.

    Args:
        handle: The account whose connections to list (your own handle for yours).
        relation: "followers" for who follows the account, "following" for whom it follows.
        limit: The most accounts to return.
    """
    user = _user(world, handle)
    problem = world.account_problem(user)
    if problem is not None:
        raise ToolError(problem)
    if relation == "following":
        handles = sorted(user.following)
    else:
        handles = sorted(other.handle for other in world.users.values() if user.handle in other.following)
    lens = _Lens(world)
    cards = [lens.card(world.users[h]) for h in handles[:limit]]
    return Connections(handle=user.handle, relation=relation, users=cards, total=len(handles))


# ----- reading posts -----


@server.read
def get_social_feed(
    world: SocialMediaWorld,
    feed: Literal["home", "bookmarks", "likes"] = "home",
    include_replies: bool = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> PostPage:
    """Read your home timeline, your bookmarks or the posts you liked, newest first.

    The home timeline holds your posts and those of the accounts you follow, with their reposts. Bookmarks and likes
    are in the order you saved them, most recent first.

    Args:
        feed: "home" for the timeline, "bookmarks" for saved posts, "likes" for posts you liked.
        include_replies: Home timeline only: also show replies.
        limit: The most posts to return.
        offset: How many posts to skip, for paging (use next_offset from the previous page).
    """
    lens = _Lens(world)
    if feed == "home":
        authors = {world.viewer, *lens.me.following}
        candidates = [
            post
            for post in world.posts.values()
            if post.author in authors and not post.deleted and (include_replies or post.reply_to is None)
            and world.post_problem(post) is None
        ]
        entries = (lens.entry(post) for post in _newest_first(candidates))
        views = [view for view in entries if view is not None]
    else:
        saved = world.bookmarked_post_ids if feed == "bookmarks" else world.liked_post_ids
        posts = (world.posts[post_id] for post_id in saved)
        views = [lens.post(p) for p in posts if not p.deleted and world.post_problem(p) is None]
    return _page(views, limit, offset)


@server.read
def list_social_user_posts(
    world: SocialMediaWorld,
    handle: SocialHandle,
    include_replies: bool = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> UserPosts:
    """List an account's posts and reposts, newest first.

    A private account's posts are shown only to its approved followers.

    Args:
        handle: The account whose posts to list.
        include_replies: Also list the account's replies to other posts.
        limit: The most posts to return.
        offset: How many posts to skip, for paging (use next_offset from the previous page).
    """
    user = _user(world, handle)
    problem = world.account_problem(user)
    if problem is not None:
        raise ToolError(problem)
    lens = _Lens(world)
    own = [
        post
        for post in world.posts.values()
        if post.author == user.handle and not post.deleted and (include_replies or post.reply_to is None)
    ]
    visible = [post for post in own if world.post_problem(post) is None]
    entries = (lens.entry(post) for post in _newest_first(visible))
    page = _page([view for view in entries if view is not None], limit, offset)
    return UserPosts(**page.model_dump(), handle=user.handle, hidden_followers_only=len(own) - len(visible))


@server.read
def get_social_post_thread(world: SocialMediaWorld, post_id: SocialPostId) -> Thread:
    """Show a post in its conversation: the posts it replies to, and every reply below it.

    Deleted posts in a thread appear with empty text and deleted=true.

    Args:
        post_id: Any post of the conversation (a repost id shows its original).
    """
    post = _post(world, post_id)
    if post.repost_of is not None:
        post = world.posts[post.repost_of]
    problem = world.post_problem(post)
    if problem is not None:
        raise ToolError(problem)
    lens = _Lens(world)
    ancestors: list[PostView] = []
    parent_id = post.reply_to
    while parent_id is not None:
        parent = world.posts[parent_id]
        if world.post_problem(parent) is None:
            ancestors.insert(0, lens.post(parent))
        parent_id = parent.reply_to
    children: dict[str, list[Post]] = {}
    for candidate in world.posts.values():
        if candidate.reply_to is not None:
            children.setdefault(candidate.reply_to, []).append(candidate)
    replies: list[Post] = []
    hidden = 0
    pending = [post.post_id]
    while pending:
        for reply in children.get(pending.pop(), []):
            if world.post_problem(reply) is None:
                replies.append(reply)
                pending.append(reply.post_id)
            else:
                hidden += 1
    replies.sort(key=lambda reply: (reply.created_at, reply.post_id))
    return Thread(
        ancestors=ancestors, post=lens.post(post), replies=[lens.post(r) for r in replies], hidden_replies=hidden
    )


@server.read
def search_hashtag_posts(world: SocialMediaWorld, hashtag: SocialHashtag, limit: Limit = 20) -> HashtagPosts:
    """Find the posts you can see that use a hashtag, newest first.

    Args:
        hashtag: The hashtag, with or without the leading # (case-insensitive), e.g. "running".
        limit: The most posts to return.
    """
    tag = hashtag.strip().removeprefix("#").lower()
    if not tag:
        raise ToolError("Give a hashtag such as #running.")
    lens = _Lens(world)
    matched = [
        post
        for post in world.posts.values()
        if not post.deleted and tag in hashtags_in(post.text) and world.post_problem(post) is None
    ]
    views = [lens.post(post) for post in _newest_first(matched)[:limit]]
    return HashtagPosts(hashtag=tag, posts=views, total_matched=len(matched))


@server.read
def list_social_notifications(
    world: SocialMediaWorld,
    unread_only: bool = False,
    kind: NotificationKind | Literal["any"] = "any",
    limit: Limit = 30,
) -> NotificationList:
    """List your notifications, newest first: new followers, accepted follow requests, likes, reposts, replies and
    mentions.

    Args:
        unread_only: Only notifications you have not seen yet.
        kind: Only notifications of this kind, or "any".
        limit: The most notifications to return.
    """
    matched = [
        notification
        for notification in world.notifications.values()
        if (not unread_only or not notification.read) and kind in ("any", notification.kind)
    ]
    matched.sort(key=lambda n: (n.created_at, n.notification_id), reverse=True)
    unread = sum(1 for notification in world.notifications.values() if not notification.read)
    return NotificationList(notifications=matched[:limit], unread_count=unread)


# ----- publishing -----


@server.write
def create_social_post(world: SocialMediaWorld, text: PostText, visibility: Visibility = "public") -> PostView:
    """Publish a new post as you; #hashtags and @mentions in the text are picked up automatically.

    Posts are at most 280 characters, every @mention must be an existing handle, and at most 6 posts, replies and
    reposts may be published per hour.

    Args:
        text: The post's text.
        visibility: "public" for everyone, "followers" for your followers only.
    """
    text = _check_text(world, text)
    _check_rate(world)
    return _Lens(world).post(_publish(world, text, visibility))


@server.write
def reply_to_social_post(world: SocialMediaWorld, post_id: SocialPostId, text: PostText) -> PostView:
    """Reply to a post (or to a reply), adding to its thread.

    The same length, mention and hourly limits as create_social_post apply. Deleted posts and posts of accounts
    that blocked you, or that you cannot see, cannot be replied to.

    Args:
        post_id: The post to reply to (replying to a repost replies to its original).
        text: The reply's text.
    """
    parent = _target(world, post_id, "replied to")
    text = _check_text(world, text)
    _check_rate(world)
    return _Lens(world).post(_publish(world, text, "public", reply_to=parent.post_id))


@server.write
def repost_social_post(world: SocialMediaWorld, post_id: SocialPostId) -> PostView:
    """Repost a public post to your followers; it counts against the hourly posting limit.

    Args:
        post_id: The post to repost (reposting a repost reposts its original).
    """
    original = _target(world, post_id, "reposted")
    if original.visibility == "followers":
        raise ToolError(f"Post {original.post_id} is for @{original.author}'s followers only and cannot be reposted.")
    mine = _Lens(world).my_reposts.get(original.post_id)
    if mine is not None:
        raise ToolError(f"You already reposted {original.post_id} (repost {mine}); delete that repost to undo it.")
    _check_rate(world)
    repost = _publish(world, "", "public", repost_of=original.post_id)
    original.repost_count += 1
    return _Lens(world).post(original, repost=repost)


@server.write
def delete_social_post(world: SocialMediaWorld, post_id: SocialPostId) -> PostDeletion:
    """Delete one of your own posts, replies or reposts (deleting a repost undoes it).

    Replies to a deleted post stay in its thread; the post itself shows as deleted.

    Args:
        post_id: Your post, reply or repost to delete.
    """
    post = _post(world, post_id)
    if post.author != world.viewer:
        raise ToolError(f"Post {post.post_id} is by @{post.author}; you can only delete your own posts.")
    if post.deleted:
        raise ToolError(f"Post {post.post_id} is already deleted.")
    post.deleted, post.text = True, ""
    if post.repost_of is not None:
        world.posts[post.repost_of].repost_count -= 1
    kind = "repost" if post.repost_of else "reply" if post.reply_to else "post"
    return PostDeletion(post_id=post.post_id, kind=kind, repost_of_post_id=post.repost_of)


# ----- reacting -----


@server.write
def like_social_post(world: SocialMediaWorld, post_id: SocialPostId) -> PostView:
    """Like a post.

    Args:
        post_id: The post to like (liking a repost likes its original).
    """
    post = _target(world, post_id, "liked")
    if post.post_id in world.liked_post_ids:
        raise ToolError(f"You already liked post {post.post_id}.")
    world.liked_post_ids.insert(0, post.post_id)
    post.like_count += 1
    return _Lens(world).post(post)


@server.write
def bookmark_social_post(world: SocialMediaWorld, post_id: SocialPostId, bookmarked: bool = True) -> PostView:
    """Save a post to your private bookmarks, or remove it from them.

    Args:
        post_id: The post to bookmark (bookmarking a repost saves its original).
        bookmarked: True to save the post, false to remove it from your bookmarks.
    """
    if not bookmarked:
        post = _post(world, post_id)
        post = world.posts[post.repost_of] if post.repost_of else post
        if post.post_id not in world.bookmarked_post_ids:
            raise ToolError(f"Post {post.post_id} is not in your bookmarks; see them with get_social_feed.")
        world.bookmarked_post_ids.remove(post.post_id)
        return _Lens(world).post(post)
    post = _target(world, post_id, "bookmarked")
    if post.post_id in world.bookmarked_post_ids:
        raise ToolError(f"Post {post.post_id} is already in your bookmarks.")
    world.bookmarked_post_ids.insert(0, post.post_id)
    return _Lens(world).post(post)


# ----- follows and blocks -----


@server.write
def follow_social_user(world: SocialMediaWorld, handle: SocialHandle) -> FollowChange:
    """Follow an account; for a private account this sends a follow request that the account must approve.

    Args:
        handle: The account to follow.
    """
    user = _other_user(world, handle, "follow")
    me = world.me()
    if me.handle in user.blocked or user.handle in me.blocked:
        raise ToolError(str(world.account_problem(user)))
    if user.handle in me.following:
        raise ToolError(f"You already follow @{user.handle}.")
    if user.handle in me.follow_requests_sent:
        raise ToolError(f"Your follow request to @{user.handle} is still pending their approval.")
    if user.private:
        me.follow_requests_sent.append(user.handle)
        status: Literal["following", "requested"] = "requested"
    else:
        me.following.append(user.handle)
        status = "following"
    return FollowChange(handle=user.handle, status=status, follower_count=world.follower_counts()[user.handle])


@server.write
def unfollow_social_user(world: SocialMediaWorld, handle: SocialHandle) -> FollowChange:
    """Stop following an account, or withdraw a pending follow request to it.

    Args:
        handle: The account to unfollow.
    """
    user = _other_user(world, handle, "unfollow")
    me = world.me()
    if user.handle in me.following:
        me.following.remove(user.handle)
    elif user.handle in me.follow_requests_sent:
        me.follow_requests_sent.remove(user.handle)
    else:
        raise ToolError(f"You do not follow @{user.handle} and have no pending request to them.")
    return FollowChange(handle=user.handle, status="not_following", follower_count=world.follower_counts()[user.handle])


@server.write
def block_social_user(world: SocialMediaWorld, handle: SocialHandle, blocked: bool = True) -> BlockChange:
    """Block an account (they can no longer see or follow you, and follows both ways end), or unblock it.

    Args:
        handle: The account to block or unblock.
        blocked: True to block, false to unblock.
    """
    user = _other_user(world, handle, "block")
    me = world.me()
    if not blocked:
        if user.handle not in me.blocked:
            raise ToolError(f"@{user.handle} is not blocked.")
        me.blocked.remove(user.handle)
        return BlockChange(handle=user.handle, blocked=False, you_unfollowed=False, they_unfollowed=False)
    if user.handle in me.blocked:
        raise ToolError(f"@{user.handle} is already blocked.")
    you_unfollowed = user.handle in me.following or user.handle in me.follow_requests_sent
    they_unfollowed = me.handle in user.following or me.handle in user.follow_requests_sent
    world.block(me, user)
    return BlockChange(handle=user.handle, blocked=True, you_unfollowed=you_unfollowed, they_unfollowed=they_unfollowed)
