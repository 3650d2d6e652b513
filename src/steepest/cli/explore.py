"""``steepest explore``: the explorer, a local web app, served until Ctrl-C.

It binds 127.0.0.1 on a free port (or ``--port``), prints the address, opens it in the
default browser (unless ``--no-browser``) and serves until interrupted, then stops cleanly
and returns 0. ``--host`` other than a loopback address prints a warning: anyone who can
reach that address can use the explorer.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

HELP = "a local web app: type an equation, turn its surface, watch the optimizers race"

EPILOG = """examples:
  steepest explore
  steepest explore --port 8765 --no-browser
  steepest explore --model best.npz   (the Digits page reads drawings with it)
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``explore`` command."""
    parser = subparsers.add_parser(
        "explore",
        help=HELP,
        description="Start the explorer on this computer and open it in the browser. "
                    "Ctrl-C stops it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=0,
                        help="the port (default: a free one)")  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to bind (default 127.0.0.1, this computer only)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                        help="the longest one computation may take (default 10)")  # fmt: skip
    parser.add_argument("--model", metavar="FILE",
                        help="a network written by 'steepest train' for the Digits page")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="the full MNIST for the Digits page (else $STEEPEST_DATA, else the "
                             "user cache; never downloaded here); the bundled sample is always "
                             "there")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest explore``."""
    import ipaddress
    import math
    import socket

    from steepest.cli import UsageError

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535 (0: a free one); got {args.port}")
    if not (math.isfinite(args.time_limit) and 0 < args.time_limit <= 600):
        raise UsageError(f"--time-limit must be more than 0 and at most 600 seconds; "
                         f"got {args.time_limit:g}")  # fmt: skip
    digits = _digits(args)
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
    except OSError as error:
        sock.close()
        raise UsageError(f"cannot listen on {args.host} port {args.port}: {error.strerror}"
                         "\nhint: leave out --port to take a free one") from None  # fmt: skip
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{port}/"
    if not loopback:
        print(f"steepest: warning: listening on {args.host}: anyone who can reach this "
              "address on the network can use the explorer", file=sys.stderr)  # fmt: skip
    return _serve(sock, url, not args.no_browser, args.time_limit, digits)


def _digits(args: argparse.Namespace) -> Any:
    """The Digits page's runs, with the model given by --model (read and checked now)."""
    from steepest.web.runs import Runs

    model = None
    if args.model is not None:
        from steepest.cli._options import digit_network
        from steepest.nn.path import TrainingPath

        network = digit_network(args.model)
        model = (network, TrainingPath.read(args.model, network))
    return Runs(model=model, data_dir=args.data_dir)


def _serve(sock: Any, url: str, browser: bool, time_limit: float, digits: Any = None) -> int:
    import threading
    import webbrowser

    import uvicorn

    from steepest.web import create_app

    app = create_app(time_limit=time_limit, processes=True)
    if digits is not None:
        app.state.digits = digits
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2,
                            timeout_keep_alive=30)  # fmt: skip
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            print(f"steepest explore: serving on {url}  (Ctrl-C to stop)", flush=True)
            if browser:
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("steepest explore: stopped", flush=True)
    return 0
