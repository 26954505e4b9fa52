"""The HTTP MCP gateway: every registered server at `/<server>/mcp`, with episode isolation done here.

Startup path: `build_app(config)` builds one MCP server per registered server (from its declarations), one SDK
streamable-HTTP session manager for each, the episode store, and the routes below. The app's lifespan runs the
session managers and a loop that expires idle episodes.

Per-request path: a request to an MCP URL reaches that server's session manager, whose tool-call handler asks
`_Resolver` which episode the request belongs to:
- `/episodes/<id>/<server>/mcp`: the explicit episode `<id>` (opened by `POST /episodes`), whatever the protocol;
- `/<server>/mcp` with an `Mcp-Session-Id` (a legacy-protocol session): a private episode per session, opened on
  its first tool call with the seed of the `seed` query parameter (default 0), closed when the session ends;
- `/<server>/mcp` without a session (the sessionless 2026-07-28 protocol): the one persistent world of that server
  and seed, shared by every such client, as with any real service.

Episode endpoints: `POST /episodes` `{"servers": [...], "seed": 0}` returns the per-server MCP URLs;
`GET /episodes/<id>` returns the state hashes and a snapshot; `DELETE /episodes/<id>` closes it.
A non-loopback bind requires a bearer token, which every request must then carry.
"""

import contextlib
import hmac
import ipaddress
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from mcp.server.context import ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mcp_servers import Episode, registry
from mcp_servers.core.errors import CapacityError, EpisodeUnavailable, UnknownServer
from mcp_servers.core.mcp_adapter import EpisodeResolver, build_mcp_server, describe
from mcp_servers.core.store import EpisodeStore

__all__ = ["GatewayConfig", "build_app", "is_loopback"]

logger = logging.getLogger(__name__)

SESSION_HEADER = "mcp-session-id"
MAX_SEED = 2**31 - 1


class GatewayConfig(BaseModel):
    """Settings of one gateway process."""

    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    token: str | None = None
    idle_timeout: float = Field(1800.0, gt=0, description="seconds before an unused episode or session is closed")
    max_episodes: int = Field(10_000, ge=1, description="bound on private episodes open at once")
    max_shared_worlds: int = Field(64, ge=1, description="bound on distinct (server, seed) shared worlds")
    servers: list[str] | None = None


class OpenEpisodeRequest(BaseModel):
    servers: list[str] = Field(min_length=1, max_length=20)
    seed: int = Field(0, ge=0, le=MAX_SEED)


class OpenEpisodeResponse(BaseModel):
    episode_id: str
    seed: int
    servers: dict[str, str] = Field(description="server name to its MCP URL within this episode")


class EpisodeStateResponse(BaseModel):
    episode_id: str
    seed: int
    servers: list[str]
    state_hash: str
    state_hashes: dict[str, str]
    snapshot: dict[str, dict[str, Any]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _seed_of(request: Request) -> int:
    raw = request.query_params.get("seed", "0")
    if not raw.isdigit() or int(raw) > MAX_SEED:
        raise EpisodeUnavailable(f"The seed query parameter must be an integer from 0 to {MAX_SEED}")
    return int(raw)


class _Resolver:
    """Maps each MCP request to its episode (see the module docstring)."""

    def __init__(self, store: EpisodeStore, max_shared_worlds: int) -> None:
        self.store = store
        self.max_shared_worlds = max_shared_worlds
        self.sessions: dict[tuple[str, str], str] = {}
        self.shared: dict[tuple[str, int], str] = {}

    def for_server(self, server: str) -> EpisodeResolver:
        def resolve(ctx: ServerRequestContext[Any, Any]) -> Episode:
            request: Request = ctx.request
            explicit = request.path_params.get("episode_id")
            if explicit is not None:
                return self.store.get(explicit)
            session_id = request.headers.get(SESSION_HEADER)
            if session_id is not None:
                return self._session_episode(server, session_id, _seed_of(request))
            return self._shared_world(server, _seed_of(request))

        return resolve

    def _session_episode(self, server: str, session_id: str, seed: int) -> Episode:
        key = (server, session_id)
        episode_id = self.sessions.get(key)
        if episode_id is not None:
            return self.store.get(episode_id)
        episode = self.store.open([server], seed)
        self.sessions[key] = episode.id
        return episode

    def _shared_world(self, server: str, seed: int) -> Episode:
        key = (server, seed)
        episode_id = self.shared.get(key)
        if episode_id is None:
            if len(self.shared) >= self.max_shared_worlds:
                raise CapacityError(f"Too many shared worlds ({self.max_shared_worlds}); use a seed already in use")
            episode_id = self.shared[key] = self.store.open([server], seed, pinned=True).id
        return self.store.get(episode_id)

    def end_session(self, server: str, session_id: str) -> None:
        episode_id = self.sessions.pop((server, session_id), None)
        if episode_id is not None:
            self.store.close(episode_id)

    def forget_closed(self) -> None:
        """Drop session mappings whose episode expired."""
        for key in [key for key, episode_id in self.sessions.items() if episode_id not in self.store]:
            del self.sessions[key]


class _McpEndpoint:
    """ASGI endpoint for both MCP URL shapes: checks the server and episode, then hands over to the SDK."""

    def __init__(self, managers: dict[str, StreamableHTTPSessionManager], resolver: _Resolver) -> None:
        self.managers = managers
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope["path_params"]["server"]
        manager = self.managers.get(server)
        if manager is None:
            await _error(404, f"No server {server[:64]!r} here; servers: {', '.join(self.managers)}")(scope, receive, send)
            return
        episode_id = scope["path_params"].get("episode_id")
        if episode_id is not None:
            try:
                episode = self.resolver.store.get(episode_id)
            except EpisodeUnavailable as exc:
                await _error(404, str(exc))(scope, receive, send)
                return
            if server not in episode.servers:
                await _error(404, f"Episode {episode_id} has no server {server!r}")(scope, receive, send)
                return
        await manager.handle_request(scope, receive, send)
        if scope["method"] == "DELETE" and episode_id is None:
            session_id = Request(scope).headers.get(SESSION_HEADER)
            if session_id is not None:
                self.resolver.end_session(server, session_id)


class _BearerToken:
    """Rejects every request that does not carry `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                await _error(401, "Missing or wrong bearer token")(scope, receive, send)
                return
        await self.app(scope, receive, send)


def build_app(config: GatewayConfig) -> Starlette:
    """The gateway as an ASGI app.

    Raises:
        ValueError: a non-loopback host without a token.
        UnknownServer: `config.servers` names an unregistered server.
    """
    loopback = is_loopback(config.host)
    if not loopback and not config.token:
        raise ValueError(f"Binding {config.host} exposes the servers beyond this machine: pass a --token")
    server_names = config.servers or list(registry.names())
    store = EpisodeStore(max_open=config.max_episodes, idle_timeout=config.idle_timeout)
    resolver = _Resolver(store, config.max_shared_worlds)
    security = (
        TransportSecuritySettings(
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )
        if loopback
        else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    managers = {
        name: StreamableHTTPSessionManager(
            app=build_mcp_server(
                name, list(registry.get(name).tools.values()), resolver.for_server(name), instructions=describe([name])
            ),
            json_response=True,
            security_settings=security,
            session_idle_timeout=config.idle_timeout,
            max_sessions=config.max_episodes,
        )
        for name in server_names
    }
    endpoint = _McpEndpoint(managers, resolver)

    async def open_episode(request: Request) -> Response:
        try:
            body = OpenEpisodeRequest.model_validate_json(await request.body())
            unknown = [name for name in body.servers if name not in managers]
            if unknown:
                raise UnknownServer(f"Unknown server {unknown[0][:64]!r}; servers here: {', '.join(managers)}")
            episode = store.open(body.servers, body.seed)
        except ValidationError as exc:
            return _error(422, f"Invalid episode request: {exc.errors(include_url=False, include_input=False)}")
        except UnknownServer as exc:
            return _error(404, str(exc))
        except CapacityError as exc:
            return _error(503, str(exc))
        base = str(request.base_url).rstrip("/")
        urls = {name: f"{base}/episodes/{episode.id}/{name}/mcp" for name in episode.servers}
        response = OpenEpisodeResponse(episode_id=episode.id, seed=episode.seed, servers=urls)
        return JSONResponse(response.model_dump(), status_code=201)

    async def episode_state(request: Request) -> Response:
        try:
            episode = store.get(request.path_params["episode_id"])
        except EpisodeUnavailable as exc:
            return _error(404, str(exc))
        if request.method == "DELETE":
            store.close(episode.id)
            return Response(status_code=204)
        state = EpisodeStateResponse(
            episode_id=episode.id,
            seed=episode.seed,
            servers=list(episode.servers),
            state_hash=episode.state_hash(),
            state_hashes=episode.state_hashes(),
            snapshot=episode.snapshot(),
        )
        return JSONResponse(state.model_dump())

    async def health(request: Request) -> Response:
        return JSONResponse({"servers": list(managers), "open_episodes": len(store), "sessions": len(resolver.sessions)})

    async def expire_forever() -> None:
        period = min(config.idle_timeout / 4, 30.0)
        while True:
            await anyio.sleep(period)
            store.expire_idle()
            resolver.forget_closed()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for manager in managers.values():
                await stack.enter_async_context(manager.run())
            task_group = await stack.enter_async_context(anyio.create_task_group())
            task_group.start_soon(expire_forever)
            try:
                yield
            finally:
                task_group.cancel_scope.cancel()
                store.close_all()

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/episodes", open_episode, methods=["POST"]),
        Route("/episodes/{episode_id}", episode_state, methods=["GET", "DELETE"]),
        Route("/episodes/{episode_id}/{server}/mcp", endpoint),
        Route("/{server}/mcp", endpoint),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    if config.token:
        app.add_middleware(_BearerToken, token=config.token)
    return app
