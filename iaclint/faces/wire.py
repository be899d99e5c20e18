"""The scan server's address and wire, shared by its client (`launch`, which every
`iaclint` command enters through, so this imports only `os`, `sys` and, where used,
`_socket` and `gate.code`) and the server (`server`): where the socket is and what it is
named after, who may be at either end, and how a message carries descriptors.
"""
from __future__ import annotations

import os
import sys

# Replies: the fork read standard input or wrote to standard output or error; the fork's
# exit code (4 bytes).
TOUCHED, EXIT = b"W", b"X"
# Requests after the run's: the client was interrupted (Ctrl-C).
INTERRUPT = b"I"
MAX_REQUEST = 1 << 24


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


def any_socket(where: str) -> bool:
    try:
        return any(name.endswith(".sock") for name in os.listdir(where))
    except OSError:
        return False


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

    pack = os.path.realpath(next(iter(iaclint_policies.__path__)))
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
