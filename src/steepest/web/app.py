"""The explorer's FastAPI app: the areas' routers, the page, Plotly.js, limits and errors.

Every error is answered as ``{"error": message}`` (plus ``position`` and ``hint`` for an
equation), with the words the command line prints: 400 for input the library refuses,
404 and 405 for an address or method the API does not have, 413 for a body over 64 KB
(with or without a declared length), 422 for a field past its cap or of the wrong form,
503 when busy or past the time limit. Any other exception is a bug and answers 500.
"""

from __future__ import annotations

import importlib
import importlib.util
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steepest.errors import EquationError, ExploreError, SteepestError
from steepest.web._children import ChildError
from steepest.web._work import BusyError, OutOfTimeError, Pool, RefusedError
from steepest.web.models import MAX_BODY

__all__ = ["AREAS", "STATIC", "create_app", "plotly_js"]

#: The areas of the page, each a module with an APIRouter ``router`` (the Digits part of
#: the page is one more).
AREAS: tuple[str, ...] = ("steepest.web.equation", "steepest.web.descent", "steepest.web.digits")

STATIC = Path(__file__).parent / "static"

# a page that runs only its own scripts and talks only to its own server
_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' "
           "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
           "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
           "frame-ancestors 'none'")  # fmt: skip


def plotly_js() -> Path:
    """The Plotly.js bundled with the installed ``plotly`` package (not imported)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ExploreError("the plotly package is not installed; hint: pip install plotly")
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ExploreError(f"the plotly package has no {path.name} at {path}")
    return path


def create_app(
    *, time_limit: float = 10.0, workers: int | None = None, waiting: int | None = None,
    processes: bool = False,
) -> FastAPI:
    """The explorer: the API under ``/api``, the page at ``/``.

    Parameters
    ----------
    time_limit
        Seconds a request's computation may take before it is answered with a 503.
    workers, waiting
        Worker threads, and computations that may wait for one (see
        :class:`steepest.web._work.Pool`).
    processes
        Compute in ``workers`` child processes (``steepest explore`` does), rather than in
        threads of this one.
    """
    from steepest import __version__

    app = FastAPI(
        title="steepest explore", version=__version__, docs_url="/api/docs",
        redoc_url=None, openapi_url="/api/openapi.json",
        description="Gradients and gradient descent on a typed equation, computed by the "
                    "steepest library for the explorer's page.",
    )  # fmt: skip
    app.state.pool = Pool(workers, waiting, time_limit, processes=processes)
    for area in AREAS:
        app.include_router(importlib.import_module(area).router)
    _add_handlers(app)
    plotly = plotly_js()

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": _POLICY})

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    async def plotly_file() -> Response:
        return FileResponse(plotly, media_type="text/javascript",
                            headers={"Cache-Control": "max-age=86400"})  # fmt: skip

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    if app.state.pool.children is not None:  # ready before the page's first request
        app.router.add_event_handler("startup", app.state.pool.children.start)
    app.router.add_event_handler("shutdown", app.state.pool.close)
    return app


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(SteepestError)
    async def refused(_: Request, error: SteepestError) -> JSONResponse:
        body: dict[str, Any] = {"error": str(error)}
        if isinstance(error, EquationError):
            body.update(position=error.position, hint=error.hint)
        return JSONResponse(body, status_code=400)

    @app.exception_handler(RefusedError)
    async def refused_there(_: Request, error: RefusedError) -> JSONResponse:
        return JSONResponse(error.body, status_code=400)

    @app.exception_handler(ChildError)
    async def child_failed(_: Request, error: ChildError) -> JSONResponse:
        return JSONResponse({"error": f"{error} (a bug in steepest; please report it)"},
                            status_code=500)  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        status = error.status_code
        words = str(error.detail)
        if words == HTTPStatus(status).phrase:  # Starlette's own: "Not Found" ...
            words = _HTTP_WORDS.get(status, words)
        return JSONResponse({"error": words}, status_code=status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": validation_message(error.errors())}, status_code=422)

    @app.exception_handler(BusyError)
    async def busy(_: Request, __: BusyError) -> JSONResponse:
        return JSONResponse({"error": "the explorer is busy with other requests; try again in "
                                      "a moment"}, status_code=503,
                            headers={"Retry-After": "1"})  # fmt: skip

    @app.exception_handler(OutOfTimeError)
    async def too_long(request: Request, _: OutOfTimeError) -> JSONResponse:
        limit = request.app.state.pool.time_limit
        return JSONResponse({"error": f"this computation took longer than the time limit of "
                                      f"{limit:g} s and was stopped; hint: a smaller grid, "
                                      f"fewer steps or fewer starts"}, status_code=503)  # fmt: skip


_HTTP_WORDS = {404: "there is nothing at this address; the API's addresses are listed at "
                   "/api/docs", 405: "this address does not take that method; see /api/docs"}


def validation_message(errors: Any) -> str:
    """Pydantic's errors as the command line words them: the field, the rule, the value.

    Examples
    --------
    >>> validation_message([{"loc": ("body", "grid"), "type": "less_than_equal",
    ...                      "ctx": {"le": 400}, "input": 1000, "msg": "..."}])
    'grid must be at most 400; got 1000'
    """
    lines = []
    for e in list(errors)[:3]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "the request body"
        ctx, given = e.get("ctx") or {}, e.get("input")
        shown = repr(given) if isinstance(given, str) else _short(given)
        kind = e.get("type", "")
        rule = {
            "less_than_equal": f"must be at most {_limit(ctx.get('le'))}",
            "less_than": f"must be less than {_limit(ctx.get('lt'))}",
            "greater_than_equal": f"must be at least {_limit(ctx.get('ge'))}",
            "greater_than": f"must be more than {_limit(ctx.get('gt'))}",
            "too_long": f"must have at most {_limit(ctx.get('max_length'))} items",
            "too_short": f"must have at least {_limit(ctx.get('min_length'))} item(s)",
            "string_too_long": f"must have at most {_limit(ctx.get('max_length'))} characters",
            "string_too_short": "must not be empty",
            "missing": "is required",
            "finite_number": "must be a finite number",
            "extra_forbidden": "is not a known field",
        }.get(kind)
        if kind in ("too_long", "string_too_long", "too_short"):
            shown = f"{len(given)}" if hasattr(given, "__len__") else shown
        if rule is None:
            message = str(e.get("msg", "is not valid")).removeprefix("Value error, ")
            lines.append(f"{where}: {message}")
        elif kind in ("missing", "extra_forbidden", "string_too_short"):
            lines.append(f"{where} {rule}")
        else:
            lines.append(f"{where} {rule}; got {shown}")
    more = len(list(errors)) - len(lines)
    return "; ".join(lines) + (f" (and {more} more)" if more > 0 else "")


def _limit(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with a 413, before reading all of it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            size = declared.decode("latin-1")
            await self._refuse(send, f"{int(size):,}" if size.isdigit() else repr(size))
            return
        if declared is None and scope.get("method") not in ("GET", "HEAD"):
            # no length given (a chunked body): read it here, at most the limit, and hand
            # the application the whole of it
            chunks: list[bytes] = []
            seen = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                seen += len(chunks[-1])
                if seen > self.limit:
                    await self._refuse(send, f"more than {self.limit:,}")
                    return
                if not message.get("more_body", False):
                    break
            whole: Message | None = {"type": "http.request", "body": b"".join(chunks),
                                     "more_body": False}  # fmt: skip

            async def replayed() -> Message:
                nonlocal whole
                if whole is not None:
                    message, whole = whole, None
                    return message
                return await receive()

            await self.app(scope, replayed, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLargeError:
            if not started:
                await self._refuse(send, f"more than {self.limit:,}")

    async def _refuse(self, send: Send, size: str) -> None:
        response = JSONResponse(
            {"error": f"the request body is {size} bytes; at most {self.limit:,} "
                      f"({self.limit // 1024} KB) are allowed"}, status_code=413)  # fmt: skip
        await response({"type": "http"}, _nothing, send)


class _TooLargeError(Exception):
    pass


async def _nothing() -> Message:  # pragma: no cover - a response does not receive
    return {"type": "http.disconnect"}
