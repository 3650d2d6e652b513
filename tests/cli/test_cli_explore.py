"""``steepest explore``: the address printed, the page served, Ctrl-C stops it cleanly."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

import pytest
from tests.web.live_server import explore_server

from steepest.cli import main


def test_it_serves_the_page_on_loopback_and_stops_on_ctrl_c():
    with explore_server() as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b"steepest" in page.read()
    # (explore_server sent SIGINT and waited: the server stopped)


def test_ctrl_c_ends_with_stopped_and_exit_0():
    process = subprocess.Popen([sys.executable, "-m", "steepest", "explore", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    assert first.startswith("steepest explore: serving on http://127.0.0.1:")
    process.send_signal(subprocess.signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out.strip() == "steepest explore: stopped" and "Traceback" not in err


def test_a_busy_port_is_one_line_and_exit_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["explore", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"steepest: error: cannot listen on 127.0.0.1 port {port}:")
    assert "hint: leave out --port" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--port", "70000"], "--port must be from 0 to 65535 (0: a free one); got 70000"),
    (["--time-limit", "0"], "--time-limit must be more than 0 and at most 600 seconds; got 0"),
])  # fmt: skip
def test_bad_options(capsys, argv, message):
    assert main(["explore", "--no-browser", *argv]) == 2
    assert capsys.readouterr().err.startswith(f"steepest: error: {message}")


def test_another_host_than_loopback_warns():
    process = subprocess.Popen(
        [sys.executable, "-m", "steepest", "explore", "--no-browser", "--host", "0.0.0.0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith("steepest explore: serving on http://0.0.0.0")
    finally:
        process.send_signal(subprocess.signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert "anyone who can reach this address on the network can use the explorer" in err


def test_the_command_is_listed():
    from steepest.cli import COMMANDS

    assert "explore" in COMMANDS
