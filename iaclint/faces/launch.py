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

# Commands that never go through the server: its own, and the Language Server (a long
# conversation over standard input and output, in a process of its own).
_LOCAL = ("server", "lsp")
_OFF = ("0", "off", "no", "false")
# Replies: the fork wrote to standard output or error; the fork's exit code (4 bytes).
WROTE, EXIT = b"W", b"X"
# Requests after the run's: the client was interrupted (Ctrl-C).
INTERRUPT = b"I"
MAX_REQUEST = 1 << 24


def console() -> int:
    """`iaclint ...`: through the server when one runs for this install, else in process."""
    code = through_server(sys.argv[1:])
    if code is None:
        from iaclint.faces.cli import console as in_process

        return in_process()
    os._exit(code)  # nothing of this process's to flush or free


def through_server(argv: list[str]) -> int | None:
    """The exit code of `iaclint <argv>` run by the server, or None: run it in process
    (no server, not wanted, or it could not take the run before writing anything)."""
    mode = os.environ.get("IACLINT_SERVER", "").strip().lower()
    if mode in _OFF or (argv and argv[0] in _LOCAL) or not available():
        return None
    try:
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


def available() -> bool:
    if os.name != "posix" or sys.platform == "cygwin":
        return False
    try:
        import _socket
    except ImportError:  # pragma: no cover
        return False
    return hasattr(_socket, "SO_PEERCRED") and hasattr(_socket.socket, "sendmsg")


def directory() -> str:
    """The user's server directory: `$XDG_RUNTIME_DIR/iaclint`, else `iaclint/server` in
    the user's cache directory (never the cache directory a scan is told to use, and
    never anything of the scanned tree's)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "iaclint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "iaclint", "server")


def fingerprint() -> str:
    """What the server must share with this process: iaclint's code and the policy pack,
    each file by name, size and modification time (`gate.code`, as the cache key), where
    they are, the interpreter (executable, prefix, version, flags), `PYTHONPATH`, and the
    user and groups. Any difference is another socket, so an upgraded or different
    install never talks to a server that imported other code."""
    import iaclint
    from iaclint.gate import code

    root = os.path.dirname(os.path.realpath(iaclint.__file__))
    import iaclint_policies

    pack = os.path.realpath(list(iaclint_policies.__path__)[0])
    digest = code.sha256(repr((
        "iaclint-server-1", iaclint.__version__, root, pack, os.path.realpath(sys.executable), sys.prefix,
        sys.version, tuple(sys.flags), sys.warnoptions, os.environ.get("PYTHONPATH", ""),
        os.getuid(), os.getgid(), sorted(os.getgroups()),
    )).encode())
    code.stamp(digest, root, code.code_files(root))
    code.stamp(digest, pack, code.code_files(pack, (), (".json", ".yaml", ".yml")))
    return digest.hexdigest()[:24]


def socket_path() -> str:
    return os.path.join(directory(), f"iaclint-{fingerprint()}.sock")


def private_directory(path: str, create: bool = False) -> bool:
    """Whether `path` is a directory (not a symlink) of this user's that nobody else may
    enter (mode 0700 or stricter); `create`: make it (and its parents) when absent."""
    import stat

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return False
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def connect(path: str, quiet: bool = False):
    """A connected socket to the server at `path`, checked to be this user's (the
    directory 0700 and ours, the peer's uid ours), or None."""
    import _socket

    if not private_directory(os.path.dirname(path)):
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
        if peer_uid(sock) != os.getuid():
            if not quiet:
                print(f"iaclint: warning: the scan server at {path} runs as another user: not used",
                      file=sys.stderr)
            sock.close()
            return None
    except (OSError, ValueError):
        sock.close()
        return None
    return sock


def peer_uid(sock) -> int:
    """The uid of the process at the other end of a Unix socket (`SO_PEERCRED`: pid, uid,
    gid, three ints)."""
    import _socket

    creds = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    return int.from_bytes(creds[4:8], sys.byteorder)


def send_with_fds(sock, data: bytes, fds) -> None:
    """`data` (length-prefixed), the descriptors `fds` riding with its first bytes."""
    import _socket

    data = len(data).to_bytes(4, "big") + data
    rights = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)
    sent = sock.sendmsg([data], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)] if fds else [])
    while sent < len(data):
        sent += sock.send(data[sent:])


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

    fds = []
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
    would in process: exit 130). None when the server went away before the fork wrote
    anything (the caller runs the command itself); an error (exit 2) when it went away
    after writing part of the output, which must not be written twice."""
    wrote = False
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
            if not wrote:
                return None
            print("iaclint: error: the scan server's run ended without an exit code after writing "
                  "part of the output; not run again (IACLINT_SERVER=0 runs without the server)", file=sys.stderr)
            return 2
        buffer += chunk
        while buffer[:1] == WROTE:
            wrote, buffer = True, buffer[1:]
        if buffer[:1] == EXIT and len(buffer) >= 5:
            return int.from_bytes(buffer[1:5], "big", signed=True)


def spawn(path: str) -> None:
    """Start a server for this install in the background (`IACLINT_SERVER=start`) and
    return at once: this run goes on in process while the server imports."""
    if not private_directory(os.path.dirname(path), create=True) or len(os.fsencode(path)) >= 104:
        return
    from iaclint.faces import server

    server.daemon(path, server.idle_timeout(), wait=False)
