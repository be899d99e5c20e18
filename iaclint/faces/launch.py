"""The `iaclint` command's entry point (the console script and `python -m iaclint`): hand
the run to a running scan server (`iaclint server start`, `faces.server`) when there is
one for this very install, else run the command line in this process.

A fresh process spends most of a one-file scan importing Python, tree-sitter, re2 and
iaclint's ~200 modules (docs/performance.md, "Start-up"). The server has imported them
once; this module asks it to run `iaclint <argv>` in a fresh fork of itself, with this
process's standard input, output and error (passed as file descriptors), working
directory, environment and umask, and exits with the fork's exit code. So this module
imports nothing but `os`, `sys`, `_socket` and `marshal`, and iaclint's code only when
there is no server.

`IACLINT_SERVER`: unset or `1`, use a server when one runs; `0` (or `off`, `no`), never;
`start`, start one in the background when none runs (this run is made in process).
Never on Windows (no descriptor passing) nor where the peer's credentials cannot be
checked (`SO_PEERCRED`: Linux). docs/security.md says who may connect and what a run
inherits; docs/architecture.md, "The scan server", the design.
"""
from __future__ import annotations

import os
import sys

from iaclint.faces.wire import (
    EXIT,
    INTERRUPT,
    MAX_REQUEST,
    TOUCHED,
    any_socket,
    available,
    connect,
    directory,
    private_directory,
    send_with_fds,
    socket_path,
)

# Commands that never go through the server: its own, and the Language Server (a long
# conversation over standard input and output, in a process of its own).
_LOCAL = ("server", "lsp")
_OFF = ("0", "off", "no", "false")


def console() -> int:
    """`iaclint ...`: through the server when one runs for this install, else in process.
    Ctrl-C before the run's exit code came back (even between sending the request and
    waiting for its answer) exits 130 as the command does in process, without a traceback;
    a run already started ends when this process's socket closes (`server._watch`)."""
    try:
        code = through_server(sys.argv[1:])
    except KeyboardInterrupt:
        return 130
    if code is None:
        from iaclint.faces.cli import console as in_process

        return in_process()
    os._exit(code)  # nothing of this process's to flush or free


def through_server(argv: list[str]) -> int | None:
    """The exit code of `iaclint <argv>` run by the server, or None: run it in process
    (no server, not wanted, or it could not take the run before touching the standard
    streams)."""
    mode = os.environ.get("IACLINT_SERVER", "").strip().lower()
    if mode in _OFF or (argv and argv[0] in _LOCAL) or not available():
        return None
    try:
        if mode != "start" and not any_socket(directory()):
            return None  # the common case: no server of any install (one listdir, no fingerprint)
        path = socket_path()
    except (OSError, ValueError):
        return None
    sock = connect(path)
    if sock is None:
        if mode == "start":
            try:
                spawn(path)
            except OSError:
                pass
        return None
    try:
        return _run(sock, argv)
    finally:
        sock.close()


def request(argv: list[str]) -> dict:
    """What the fork needs to be this process: arguments, environment, umask, and how
    this process's standard streams were set up (encoding, errors, buffering)."""
    import _locale

    mask = os.umask(0o077)
    os.umask(mask)
    streams = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        streams.append(None if stream is None else (
            stream.encoding, stream.errors, stream.line_buffering, getattr(stream, "write_through", False)))
    try:
        ctype = _locale.setlocale(_locale.LC_CTYPE)  # a query: no second argument
    except Exception:  # noqa: BLE001 - a locale of its own is best effort
        ctype = None
    return {"op": "run", "argv0": sys.argv[0] if sys.argv else "iaclint", "argv": list(argv),
            "env": dict(os.environb), "umask": mask, "streams": streams, "ctype": ctype}


def _run(sock, argv: list[str]) -> int | None:
    import marshal

    try:
        for fd in (0, 1, 2):
            os.fstat(fd)  # a closed standard stream: run in process, as Python would
        cwd = os.open(".", getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        data = marshal.dumps(request(argv))
        if len(data) > MAX_REQUEST:
            return None
        send_with_fds(sock, data, [0, 1, 2, cwd])
    except (OSError, ValueError):
        return None
    finally:
        os.close(cwd)
    return wait(sock)


def wait(sock) -> int | None:
    """Wait for the fork's exit code; Ctrl-C is passed on to it (it stops as the command
    would in process: exit 130). None when the server went away before the fork touched
    the standard streams (the caller runs the command itself, with the same input); an
    error (exit 2) when it went away after reading standard input or writing part of the
    output: a second run would read less input or write the output twice."""
    touched = False
    buffer = b""
    while True:
        try:
            chunk = sock.recv(64)
        except KeyboardInterrupt:
            try:
                sock.send(INTERRUPT)
            except OSError:
                pass
            continue
        except OSError:
            chunk = b""
        if not chunk:
            if not touched:
                return None
            print("iaclint: error: the scan server's run ended without an exit code after it read standard "
                  "input or wrote output; not run again (IACLINT_SERVER=0 runs without the server)", file=sys.stderr)
            return 2
        buffer += chunk
        while buffer[:1] == TOUCHED:
            touched, buffer = True, buffer[1:]
        if buffer[:1] == EXIT and len(buffer) >= 5:
            return int.from_bytes(buffer[1:5], "big", signed=True)


def spawn(path: str) -> None:
    """Start a server for this install in the background (`IACLINT_SERVER=start`) and
    return at once: this run goes on in process while the server imports."""
    if not private_directory(os.path.dirname(path), create=True) or len(os.fsencode(path)) >= 104:
        return
    from iaclint.faces import cli, server

    server.daemon(path, server.idle_timeout(), False, cli)
