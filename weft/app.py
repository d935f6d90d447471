"""Builds the ASGI app: the Mastodon API, OAuth, the web app, and embedded workers."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from weft import __version__
from weft.api import accounts as accounts_api
from weft.api import admin as admin_api
from weft.api import admin_domain_blocks as domain_blocks_api
from weft.api import cards as cards_api
from weft.api import chats as chats_api
from weft.api import conversations as conversations_api
from weft.api import docs as docs_api
from weft.api import drafts as drafts_api
from weft.api import errors as api_errors
from weft.api import filters as filters_api
from weft.api import graph as graph_api
from weft.api import instance as instance_api
from weft.api import interactions as interactions_api
from weft.api import media as media_api
from weft.api import notification_requests as notification_requests_api
from weft.api import notifications as notifications_api
from weft.api import oauth as oauth_api
from weft.api import polls as polls_api
from weft.api import push as push_api
from weft.api import replies as replies_api
from weft.api import reports as reports_api
from weft.api import search as search_api
from weft.api import statuses as statuses_api
from weft.api import timelines as timelines_api
from weft.api import topics as topics_api
from weft.api.streaming import routes as streaming_api
from weft.api.streaming.hub import SHUTDOWN, Hub
from weft.api.streaming.tokens import watch_tokens
from weft.config import Settings, load_settings
from weft.cors import ClientCors
from weft.errors import RateLimited
from weft.events import bus_for
from weft.federation import inbox_routes, post_routes
from weft.federation import routes as federation_routes
from weft.federation.lookup import FederationLookup
from weft.remote_lookup import install_remote_lookup
from weft.runtime import Runtime, build_runtime
from weft.throttling import RateLimits
from weft.web import errors as web_errors
from weft.web import router as web_router
from weft.web.session import SESSION_COOKIE

log = logging.getLogger("weft")
STATIC = Path(__file__).parent / "web" / "static"


def settle_heap() -> None:
    """Move everything built at startup (modules, mappers, routes, compiled
    templates: most of the process's objects) out of the garbage collector's
    sight. A full collection then walks only what requests made, a few
    milliseconds instead of about a hundred, which would otherwise stall every
    request in flight. For ``weft serve``'s processes only: a process that
    builds many apps (the tests) would keep each one's garbage."""
    gc.collect()
    gc.freeze()


def _too_many(request: Request, error: RateLimited) -> Response:
    """A 429 as its door answers it: Mastodon's JSON, or a page for the web's forms."""
    if api_errors.wants_json(request):
        return api_errors.weft_error_response(error)
    page = web_errors.render_error(request, error.status, error.message)
    api_errors.add_error_headers(page, error)
    return page


class WeftApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # CORS outermost, around Starlette's own error and body-size middleware,
        # so that a browser client can read a 500 or a 413 too.
        stack = super().build_middleware_stack()
        runtime: Runtime = self.state.runtime
        # With rate limits off (WEFT_RATE_LIMITS=false, for benchmarks) nothing
        # is counted, and no request pays for the check.
        if runtime.settings.rate_limits:
            stack = RateLimits(stack, runtime.limiter, _too_many, SESSION_COOKIE)
        return ClientCors(stack)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    runtime = build_runtime(settings)
    # The actions' and queries' look-ups of other servers (weft/remote_lookup.py).
    install_remote_lookup(FederationLookup())
    # The streaming API's sockets, fed by this process's event bus (weft/events).
    hub = runtime.extra[streaming_api.HUB] = Hub(bus_for(settings.redis_url))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workers = await _start_workers(runtime)
        await hub.start()
        watcher = asyncio.create_task(watch_tokens(runtime, hub), name="weft-stream-tokens")
        restore_signals = _end_streams_on_exit_signal(hub)
        if getattr(app.state, "freeze_heap", False):
            settle_heap()
        try:
            yield
        finally:
            restore_signals()
            watcher.cancel()
            await hub.stop()
            await _stop_workers(workers)
            await runtime.close()

    app = WeftApp(
        title="Weft",
        version=__version__,
        summary="Mastodon-compatible client API and Weft's extensions",
        lifespan=lifespan,
        # /docs is Weft's own (weft/api/docs.py): Swagger UI from our files, not a CDN.
        docs_url=None,
        redoc_url=None,
        openapi_url=docs_api.OPENAPI_URL,
    )
    app.state.runtime = runtime
    api_errors.install(app, html_errors=web_errors.render_error)
    # The timelines first: routes are tried in order, and home is the most read.
    # Literal paths (/accounts/relationships) before the /accounts/{id} catch-all.
    routers = (
        timelines_api.router,
        instance_api.router,
        graph_api.router,
        cards_api.router,
        statuses_api.router,
        replies_api.router,
        drafts_api.router,
        chats_api.router,
        conversations_api.router,
        interactions_api.router,
        media_api.router,
        notification_requests_api.router,
        notifications_api.router,
        polls_api.router,
        push_api.router,
        filters_api.router,
        search_api.router,
        accounts_api.router,
        admin_api.router,
        domain_blocks_api.router,
        reports_api.router,
        topics_api.router,
    )
    for router in routers:
        app.include_router(router)
    if settings.bench_ceiling_file:
        app.include_router(_ceiling_router(settings.bench_ceiling_file))
    app.include_router(oauth_api.router)
    app.include_router(streaming_api.router)
    app.include_router(federation_routes.router)
    app.include_router(post_routes.router)
    app.include_router(inbox_routes.router)
    app.include_router(docs_api.router)
    app.include_router(web_router)
    app.mount(docs_api.ASSETS, StaticFiles(directory=docs_api.SWAGGER_UI_FILES), name="docs")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _end_streams_on_exit_signal(hub: Hub) -> Callable[[], None]:
    """Close the open streams as soon as the server is told to stop: uvicorn
    waits for the responses in flight before the app's shutdown, and an event
    stream is a response that never ends by itself. Returns the undoing."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # a server in a thread (the tests) gets no signals
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(sig: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(hub.close_all, SHUTDOWN)
        before = previous[sig]
        if callable(before):
            before(sig, frame)

    for sig in previous:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, before in previous.items():
            signal.signal(sig, before)

    return restore


def _ceiling_router(path: str) -> APIRouter:
    """For `make bench`: a fixed, pre-rendered body through the same stack as the
    API, so the benchmark can tell the framework's cost from ours."""
    router = APIRouter(include_in_schema=False)
    body: list[bytes] = []

    @router.get("/_bench/ceiling")
    async def ceiling() -> Response:
        if not body:
            body.append(await asyncio.to_thread(Path(path).read_bytes))
        return Response(body[0], media_type="application/json")

    return router


async def _start_workers(runtime: Runtime) -> list[tuple[object, asyncio.Task[None]]]:
    from weft.jobs.worker import Worker

    started: list[tuple[object, asyncio.Task[None]]] = []
    if runtime.settings.embedded_workers <= 0:
        return started
    worker = Worker(
        runtime.db, runtime.settings, concurrency=max(1, runtime.settings.embedded_workers) * 4
    )
    task = asyncio.create_task(worker.run(), name="weft-embedded-worker")
    started.append((worker, task))
    log.info("embedded job worker started")
    return started


async def _stop_workers(workers: list[tuple[object, asyncio.Task[None]]]) -> None:
    for worker, task in workers:
        worker.stop()  # type: ignore[attr-defined]
        try:
            # The worker drains for up to 25 s, then hands unfinished jobs back.
            await asyncio.wait_for(task, timeout=40)
        except TimeoutError:
            task.cancel()
