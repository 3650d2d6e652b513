"""The explorer's Digits area: train a network live, look inside it, draw for it, its landscape.

Routes under ``/api/digits`` (and the page part at ``/digits``). Training runs are
:class:`steepest.web.runs.Run` threads owned by the server, one per tab, streamed as
server-sent events; the other routes look at a copy of a run's network (or at the model
given to ``steepest explore --model``) and call the library: :func:`image_cost` and
:func:`activations` (:mod:`steepest.nn.explain`), :func:`evaluate`,
:func:`prepare_drawing` (as ``steepest predict`` prepares a picture) and
:func:`landscape`. Every request is bounded by its model's fields; a refused one is a 4xx
with the library's words (``{"error": ...}``), "busy" a 503.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from steepest.errors import DataError, NetworkError, SteepestError
from steepest.nn.presets import PRESETS
from steepest.web.models import ERRORS, Error
from steepest.web.runs import BusyError, Runs, Settings, packed

__all__ = ["router", "runs_of"]

T = TypeVar("T")
STATIC = Path(__file__).parent / "static"
MAX_HIDDEN_LAYERS, MAX_WIDTH, MAX_EPOCHS, MAX_BATCH = 3, 256, 50, 1000
MAX_GRID_IMAGES, MAX_LANDSCAPE_GRID, MAX_LANDSCAPE_IMAGES = 100, 61, 2000
_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")  # as the explorer's page
QUICK = PRESETS["quick"]  #: the defaults of a training run
MAX_DRAWING = 60_000  #: base64 characters of a drawing's RGBA pixels (a 120 × 120 canvas)


router = APIRouter(tags=["digits"], responses={
    **ERRORS, 404: {"model": Error, "description": "no such training run (ended and forgotten)"}})
Source = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
                              description="a training run's id, or 'model'")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrainRequest(Strict):
    """A network, an optimizer and the data to train on.

    The defaults are steepest's quick setup for watching a network learn
    (:data:`steepest.nn.presets.PRESETS` ``["quick"]``: 784-128-10, ReLU, cross-entropy,
    Adam at 0.004 falling along a cosine to 0, mini-batches of 128, label smoothing 0.1,
    8 epochs).
    """

    hidden: list[Annotated[int, Field(ge=1, le=MAX_WIDTH)]] = Field(
        default=list(QUICK.hidden), min_length=1, max_length=MAX_HIDDEN_LAYERS)
    activation: Literal["sigmoid", "tanh", "relu"] = QUICK.activation
    cost: Literal["quadratic", "cross-entropy"] = QUICK.cost
    optimizer: Literal["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"] = (
        QUICK.optimizer)
    learning_rate: float = Field(default=QUICK.learning_rate, gt=0, le=100, allow_inf_nan=False)
    batch_size: int = Field(default=QUICK.batch_size, ge=1, le=MAX_BATCH)
    epochs: int = Field(default=QUICK.epochs, ge=1, le=MAX_EPOCHS)
    schedule: Literal["constant", "cosine"] = Field(
        default=QUICK.schedule, description="the learning rate: constant, or falling along half "
                                            "a cosine to 0 over the run")  # fmt: skip
    label_smoothing: float = Field(
        default=QUICK.label_smoothing, ge=0, le=0.5, allow_inf_nan=False,
        description="ε: targets 1 − ε and ε/9 instead of 1 and 0")  # fmt: skip
    data: Literal["sample", "mnist"] = "sample"
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    pace: float = Field(default=0.0, ge=0, le=100_000, allow_inf_nan=False,
                        description="at most this many steps a second (0: full speed)")


class SettingsChange(Strict):
    """New optimizer settings, used from the run's next step."""

    learning_rate: float | None = Field(default=None, gt=0, le=100, allow_inf_nan=False)
    momentum: float | None = Field(default=None, ge=0, lt=1, allow_inf_nan=False)
    beta1: float | None = Field(default=None, ge=0, lt=1, allow_inf_nan=False)
    beta2: float | None = Field(default=None, ge=0, lt=1, allow_inf_nan=False)
    rho: float | None = Field(default=None, ge=0, lt=1, allow_inf_nan=False)
    pace: float | None = Field(default=None, ge=0, le=100_000, allow_inf_nan=False)


class ImageRequest(Strict):
    source: Source
    index: int = Field(ge=0, le=9_999, description="a test image")


class GridRequest(Strict):
    source: Source
    start: int = Field(default=0, ge=0, le=9_999)
    count: int = Field(default=60, ge=1, le=MAX_GRID_IMAGES)


class SourceRequest(Strict):
    source: Source


class DrawRequest(Strict):
    source: Source
    width: int = Field(ge=1, le=1024)
    height: int = Field(ge=1, le=1024)
    rgba: str = Field(max_length=MAX_DRAWING, description="RGBA bytes row by row, base64")


class LandscapeRequest(Strict):
    source: Source
    directions: Literal["auto", "pca", "random"] = "auto"
    grid: int = Field(default=31, ge=3, le=MAX_LANDSCAPE_GRID)
    images: int = Field(default=500, ge=1, le=MAX_LANDSCAPE_IMAGES)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


# ---------------------------------------------------------------------- helpers
def runs_of(app: Any) -> Runs:
    """The app's runs (made on first use; ``steepest explore --model`` sets its model)."""
    runs = getattr(app.state, "digits", None)
    if runs is None:
        runs = app.state.digits = Runs()
        _ALL.append(runs)
    return runs


_ALL: list[Runs] = []


def _close_runs() -> None:  # pragma: no cover - run by the server at its end
    for runs in _ALL:
        runs.close()


router.add_event_handler("shutdown", _close_runs)


def _refused(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status,
                        headers={"Retry-After": "2"} if status == 503 else None)


async def _compute(request: Request, work: Callable[[], T]) -> T:
    """``work()`` off the event loop, in the explorer's bounded pool when there is one."""
    pool = getattr(request.app.state, "pool", None)
    if pool is not None:
        return await pool.run(lambda _deadline: work())
    return await run_in_threadpool(work)


def _source(request: Request, source: str) -> tuple[Any, Any, Any]:
    """The network (a copy), its recorded path or None, and its data, for ``source``."""
    runs = runs_of(request.app)
    if source == "model":
        if runs.model is None:
            raise NetworkError("no model was given; hint: steepest explore --model best.npz, "
                                "or train a network here")
        network, path = runs.model
        return network, path, runs.data("sample")
    run = runs.get(source)
    network, path = run.snapshot()
    return network, path, run.data


def _check_test_index(field: str, value: int, count: int) -> None:
    """Refuse a test image number past the last of ``count``, naming ``field``."""
    if value >= count:
        raise DataError(f"{field} must be below {count:,} (the test images); got {value:,}")


async def _answer(request: Request, work: Callable[[], dict[str, Any]]) -> Response:
    try:
        return JSONResponse(await _compute(request, work))
    except SteepestError as error:
        return _refused(404 if "no training run" in str(error) else 400, str(error))


# ------------------------------------------------------------------------ routes
@router.get("/digits", include_in_schema=False)
async def page() -> Response:
    return FileResponse(STATIC / "digits.html", headers={"Content-Security-Policy": _POLICY})


@router.get("/api/digits/info")
async def info(request: Request) -> dict[str, Any]:
    """What this server offers: the data, the model given, the caps."""
    runs = runs_of(request.app)
    full = await _compute(request, runs.full_mnist_available)
    model = None if runs.model is None else {
        "sizes": list(runs.model[0].sizes), "activation": runs.model[0].activation,
        "output": runs.model[0].output, "path": runs.model[1] is not None}
    setups = {name: {"hidden": list(p.hidden), "activation": p.activation, "cost": p.cost,
                     "optimizer": p.optimizer, "learning_rate": p.learning_rate,
                     "batch_size": p.batch_size, "epochs": p.epochs, "schedule": p.schedule,
                     "label_smoothing": p.label_smoothing, "about": p.about}
              for name, p in PRESETS.items() if name in ("quick", "nielsen")}  # fmt: skip
    return {"runs_at_once": runs.limit, "full_mnist": full, "model": model, "setups": setups,
            "caps": {"hidden_layers": MAX_HIDDEN_LAYERS, "width": MAX_WIDTH,
                     "epochs": MAX_EPOCHS, "batch_size": MAX_BATCH}}  # fmt: skip


@router.post("/api/digits/runs")
async def start(request: Request, body: TrainRequest) -> Response:
    """Start training; the answer names the run, whose updates stream from ``/stream``."""
    runs = runs_of(request.app)
    settings = Settings(**{**body.model_dump(), "hidden": tuple(body.hidden)})
    try:
        run = await _compute(request, lambda: runs.start(settings))
    except BusyError:
        return _refused(503, f"busy: {runs.limit} networks are training already (one per "
                             "core); try again when one ends")
    except SteepestError as error:
        return _refused(400, str(error))
    return JSONResponse(run.describe())


@router.get("/api/digits/runs/{run_id}/stream")
async def stream(request: Request, run_id: str) -> Response:
    """The run's updates as server-sent events; closing the stream stops the run."""
    try:
        run = runs_of(request.app).get(run_id)
    except SteepestError as error:
        return _refused(404, str(error))

    async def events() -> AsyncIterator[str]:
        seen, ended = 0, False
        try:
            yield f"data: {json.dumps({'type': 'hello', **run.describe()})}\n\n"
            while not ended:
                for update in run.updates_since(seen):
                    seen = update["seq"]
                    ended = ended or bool(update.get("end"))
                    yield f"data: {json.dumps(update)}\n\n"
                if not ended:
                    await asyncio.sleep(0.05)
        finally:
            if not ended:  # the tab went away: its run ends with it
                run.stop()

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})


@router.post("/api/digits/runs/{run_id}/settings")
async def change(request: Request, run_id: str, body: SettingsChange) -> Response:
    """Change the optimizer's settings from the run's next step, keeping the network."""
    try:
        run = runs_of(request.app).get(run_id)
        wanted = body.model_dump(exclude_none=True)
        return JSONResponse({"optimizer": run.change(wanted)})
    except SteepestError as error:
        return _refused(404 if "no training run" in str(error) else 400, str(error))


@router.post("/api/digits/runs/{run_id}/{action}")
async def control(request: Request, run_id: str, action: Literal["pause", "resume", "stop"]
                  ) -> Response:  # fmt: skip
    """Pause, resume or stop a run."""
    try:
        run = runs_of(request.app).get(run_id)
    except SteepestError as error:
        return _refused(404, str(error))
    getattr(run, action)()
    if action == "stop":
        await run_in_threadpool(run.join, 1.0)
    return JSONResponse(run.describe())


@router.post("/api/digits/image")
async def image(request: Request, body: ImageRequest) -> Response:
    """One test image worked out: its cost term by term and every layer's activations."""
    from steepest.nn.explain import activations, image_cost

    def work() -> dict[str, Any]:
        network, _, data = _source(request, body.source)
        images, labels = data.test
        _check_test_index("index", body.index, len(labels))
        x, label = images[body.index], int(labels[body.index])
        worked = image_cost(network, x, label)
        return {"index": body.index, "label": label, "guess": worked.guess,
                "outputs": worked.outputs.tolist(), "expected": worked.expected.tolist(),
                "squared": worked.squared.tolist(), "quadratic": worked.quadratic,
                "log_terms": None if worked.log_terms is None else worked.log_terms.tolist(),
                "cross_entropy": worked.cross_entropy, "image": packed(x),
                "activations": [packed(a) for a in activations(network, x)[1:]],
                "sizes": list(network.sizes)}  # fmt: skip

    return await _answer(request, work)


@router.post("/api/digits/tests")
async def tests(request: Request, body: GridRequest) -> Response:
    """A page of test images with the network's guess for each."""

    def work() -> dict[str, Any]:
        network, _, data = _source(request, body.source)
        images, labels = data.test
        _check_test_index("start", body.start, len(labels))
        chunk = slice(body.start, min(body.start + body.count, len(labels)))
        x = images[chunk]
        guesses = network.predict(x) if len(x) else np.empty(0, int)
        return {"start": body.start, "labels": labels[chunk].tolist(),
                "guesses": np.asarray(guesses).tolist(),
                "images": base64.b64encode(np.round(x * 255).astype(np.uint8).tobytes()
                                           ).decode("ascii")}  # fmt: skip

    return await _answer(request, work)


@router.post("/api/digits/confusion")
async def confusion(request: Request, body: SourceRequest) -> Response:
    """The confusion matrix on all the test images."""
    from steepest.nn.evaluation import evaluate

    def work() -> dict[str, Any]:
        network, _, data = _source(request, body.source)
        result = evaluate(network, *data.test)
        return {"matrix": result.confusion.tolist(), "accuracy": result.accuracy,
                "count": result.count}

    return await _answer(request, work)


@router.post("/api/digits/draw")
async def draw(request: Request, body: DrawRequest) -> Response:
    """A drawing prepared as ``steepest predict`` prepares a picture, and the ten outputs."""
    from steepest.data.images import prepare_drawing

    def work() -> dict[str, Any]:
        try:
            pixels = base64.b64decode(body.rgba, validate=True)
        except ValueError:
            raise DataError("rgba must be base64 text") from None
        x = prepare_drawing(pixels, body.width, body.height)
        network, _, _ = _source(request, body.source)
        outputs = network.forward(x)
        return {"input": packed(x), "outputs": outputs.tolist(), "guess": int(outputs.argmax())}

    return await _answer(request, work)


@router.post("/api/digits/landscape")
async def cost_landscape(request: Request, body: LandscapeRequest) -> Response:
    """The cost on a plane through the weights, with the path training took."""
    from steepest.nn.landscape import landscape

    def work() -> dict[str, Any]:
        network, path, data = _source(request, body.source)
        directions = body.directions
        if directions == "auto":
            directions = "pca" if path is not None and len(path) >= 3 else "random"
        x, y = data.train
        n = min(body.images, len(y))
        land = landscape(network, x[:n], y[:n], directions=directions,
                         path=path if path is not None and len(path) >= 2 else None,
                         grid=body.grid, seed=body.seed)  # fmt: skip
        where = "the bundled sample" if data.source == "sample" else "MNIST"
        return {"alphas": land.alphas.tolist(), "betas": land.betas.tolist(),
                "values": packed(land.values), "centre": land.centre, "kind": land.kind,
                "explained": land.explained, "cost": land.cost,
                "subset": f"the first {n:,} training images of {where}",
                "describe": land.describe(),
                "path": None if land.path is None else land.path.tolist(),
                "path_values": None if land.path is None else land.path_values.tolist(),
                "path_steps": None if land.path is None else land.path_steps.tolist()}

    return await _answer(request, work)
