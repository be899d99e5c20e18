"""`iaclint server start|stop|status`: the opt-in scan server, a zygote for the command line.

A one-file scan in a fresh process is mostly start-up: the interpreter and the modules
a scan needs are ~170 M of its instructions (docs/performance.md). The server imports
the whole scan path once (the command line, the front ends, the formatters, the policy
pack and every policy module), makes what every run would make first (`warm`), and
waits on a Unix socket in a 0700 directory of the user's (`wire.directory`). For each run it forks:
the fork takes the client's standard streams (file descriptors passed with
`SCM_RIGHTS`), working directory (a descriptor too), environment, umask and locale,
runs exactly what `iaclint <argv>` runs (`cli.main`), and sends its exit code back. The
server itself never reads a scanned tree; every run starts from the same state, a
fresh copy of the server's, and nothing a run does reaches the server or the next run.

Who may connect: the user who started it (the peer's uid by `SO_PEERCRED`, besides the
directory's mode); the client checks the server's uid the same way. The socket's name
holds a fingerprint of iaclint's code, the policy pack and the interpreter
(`wire.fingerprint`), so a changed install never talks to an old server. The server
ends after `--idle-timeout` seconds without a run (default 300), on `stop`, or on
SIGTERM. docs/security.md and docs/architecture.md ("The scan server") say more.
"""
from __future__ import annotations

import os
import sys

from iaclint.faces import wire

DEFAULT_IDLE = 300.0
# A connection must send its request within this many seconds, or it is dropped.
REQUEST_SECONDS = 10.0


def idle_timeout(value: float | None = None) -> float:
    """`--idle-timeout`, else `IACLINT_SERVER_IDLE_TIMEOUT`, else 300 seconds."""
    if value is None:
        try:
            value = float(os.environ.get("IACLINT_SERVER_IDLE_TIMEOUT", "") or DEFAULT_IDLE)
        except ValueError:
            value = DEFAULT_IDLE
    return max(0.1, value)


def command(args, face) -> int:
    """`iaclint server start|stop|status`. Exit 0, or 1 for `status` when none runs, or 2.
    `face`: the command line module (`faces.cli`, which calls this), whose `main` the runs
    run (passed, not imported: the command line imports this module)."""
    if not wire.available():
        return _error("the scan server needs Unix sockets that pass file descriptors and tell the peer's "
                      "user (SO_PEERCRED: Linux); it is not available on this system")
    path = wire.socket_path()
    if args.action == "start":
        try:
            private = wire.private_directory(os.path.dirname(path), create=True)
        except OSError as exc:
            return _error(f"cannot make {os.path.dirname(path)}: {exc.strerror or exc}")
        if not private:
            return _error(f"{os.path.dirname(path)} must be a directory of yours that only you may enter (mode 0700)")
        if len(os.fsencode(path)) >= 104:
            return _error(f"the socket's path is too long for a Unix socket: {path} (set XDG_RUNTIME_DIR)")
        running = _ask(path, "status")
        if running is not None:
            print(f"iaclint server already running: pid {running['pid']}, socket {path}")
            return 0
        pid = daemon(path, idle_timeout(args.idle_timeout), True, face)
        if pid is None:
            return _error(f"the scan server did not start (its log: {_log_path(path)})")
        print(f"iaclint server started: pid {pid}, socket {path}, idle timeout "
              f"{idle_timeout(args.idle_timeout):g} s")
        return 0
    if args.action == "stop":
        if _ask(path, "stop") is None:
            print(f"no iaclint server running for this install (socket {path})")
        else:
            print("iaclint server stopped")
        return 0
    status = _ask(path, "status")
    if status is None:
        print(f"no iaclint server running for this install (socket {path})")
        return 1
    print(f"iaclint server running: pid {status['pid']}, socket {path}, {status['runs']} run(s), "
          f"idle timeout {status['idle']:g} s, {status['refused']} connection(s) refused")
    return 0


def _error(message: str) -> int:
    print(f"iaclint: error: {message}", file=sys.stderr)
    return 2


def _log_path(path: str) -> str:
    return path[:-len(".sock")] + ".log"


def _ask(path: str, op: str) -> dict | None:
    """Send `op` (status, stop) to the server at `path`: its answer, None if none runs.
    `stop` returns once the server has closed its socket."""
    import marshal

    sock = wire.connect(path, quiet=True)
    if sock is None:
        return None
    try:
        wire.send_with_fds(sock, marshal.dumps({"op": op}), [])
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    finally:
        sock.close()
    try:
        answer = marshal.loads(data) if data else None
    except (EOFError, ValueError, TypeError):
        return None
    return answer if isinstance(answer, dict) else None


def daemon(path: str, idle: float, wait: bool, face) -> int | None:
    """Start a server at `path` in the background (double fork, new session, standard
    streams to /dev/null and its log). `wait`: return its pid once it listens (None if it
    did not start); else return at once."""
    ready, told = os.pipe() if wait else (-1, -1)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                _daemon_main(path, idle, told, face)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    if not wait:
        return None
    os.close(told)
    answer = b""
    while True:
        chunk = os.read(ready, 64)
        if not chunk:
            break
        answer += chunk
    os.close(ready)
    if answer[:1] == b"R":
        return int(answer[1:])
    if answer[:1] == b"A":  # another start won the race: that one runs
        running = _ask(path, "status")
        return running["pid"] if running else None
    return None


def _daemon_main(path: str, idle: float, told: int, face) -> None:
    """The server process: never returns."""
    code = 1
    try:
        os.chdir("/")
        os.umask(0o077)
        # Nothing of the starter's stays open (a pre-commit hook waits for its pipes' end).
        keep = [told] if told >= 0 else []
        low = 3
        for fd in sorted(keep):
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, 1 << 16)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # first: not a word of the daemon's reaches the starter's streams
            os.dup2(null, fd)
        os.close(null)
        log = os.open(_log_path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.dup2(log, 2)
        os.close(log)
        code = Server(path, idle, face).run(told)
    except BaseException:  # noqa: BLE001 - the daemon's last word goes to its log
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


class Server:
    def __init__(self, path: str, idle: float, face):
        self.path = path
        self.face = face
        self.idle = idle
        self.runs = 0
        self.refused = 0
        self.children: set = set()
        self.stopping = False

    def run(self, told: int) -> int:
        import fcntl
        import signal
        import socket

        self.lock = lock = os.open(self.path[:-len(".sock")] + ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW,
                                   0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another server of this install runs (or starts)
            _tell(told, b"A")
            return 0
        preload(self.face)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, self._stop)
        try:
            os.unlink(self.path)  # a stale socket: its server is gone (we hold the lock)
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        self.inode = os.lstat(self.path).st_ino
        listener.listen(64)
        print(f"iaclint server {os.getpid()} listening on {self.path}, idle timeout {self.idle:g} s",
              file=sys.stderr, flush=True)
        _tell(told, b"R%d" % os.getpid())
        try:
            self.serve(listener)
        finally:
            listener.close()
            self._unlink()
        return 0

    def _stop(self, signum, frame):
        self.stopping = True
        raise SystemExit(0)

    def _unlink(self) -> None:
        """Remove the socket if it is still ours (not one a later server bound)."""
        try:
            if os.lstat(self.path).st_ino == self.inode:
                os.unlink(self.path)
        except OSError:
            pass

    def serve(self, listener) -> None:
        import select
        import time

        last = time.monotonic()
        while not self.stopping:
            if self._reap():
                last = time.monotonic()
            if self.children:
                timeout = 1.0  # look for ended runs now and then
            else:
                timeout = last + self.idle - time.monotonic()
                if timeout <= 0:
                    print("iaclint server: idle timeout, ending", file=sys.stderr, flush=True)
                    return
            readable, _, _ = select.select([listener], [], [], timeout)
            if readable:
                self.accept(listener)
                last = time.monotonic()

    def _reap(self) -> bool:
        ended = False
        for pid in list(self.children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.children.discard(pid)
                ended = True
        return ended

    def accept(self, listener) -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        fds: list = []
        try:
            if wire.peer_uid(conn) != os.getuid():  # before reading a byte of it
                self.refused += 1
                print("iaclint server: refused a connection from another user", file=sys.stderr, flush=True)
                return
            conn.settimeout(REQUEST_SECONDS)
            request, fds = receive(conn)
            op = request.get("op") if isinstance(request, dict) else None
            if op == "run" and len(fds) == 4:
                self.fork(listener, conn, request, fds)
            elif op == "status":
                import marshal

                conn.sendall(marshal.dumps({"pid": os.getpid(), "runs": self.runs, "refused": self.refused,
                                            "idle": self.idle, "socket": self.path}))
            elif op == "stop":  # the socket is gone before the answer: a new start may follow at once
                import marshal

                listener.close()
                self._unlink()
                self.stopping = True
                conn.sendall(marshal.dumps({"pid": os.getpid()}))
        except (OSError, ValueError, EOFError, TypeError):
            pass
        finally:
            for fd in fds:
                os.close(fd)
            conn.close()

    def fork(self, listener, conn, request: dict, fds: list) -> None:
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(self.lock)  # a run outliving the server must not keep a new one from starting
            child(listener, conn, request, fds, self.face)  # never returns
        self.runs += 1
        self.children.add(pid)


def _tell(fd: int, message: bytes) -> None:
    if fd >= 0:
        try:
            os.write(fd, message)
        finally:
            os.close(fd)


def receive(conn) -> tuple:
    """(the request, the descriptors that came with it): a length-prefixed marshal."""
    import marshal
    import socket

    data, fds, flags, _ = socket.recv_fds(conn, 65536, 8, getattr(socket, "MSG_CMSG_CLOEXEC", 0))
    if flags & getattr(socket, "MSG_CTRUNC", 0):
        for fd in fds:
            os.close(fd)
        raise ValueError("descriptors cut off")
    try:
        if len(data) < 4:
            data += _exactly(conn, 4 - len(data))
        size = int.from_bytes(data[:4], "big")
        if size > wire.MAX_REQUEST:
            raise ValueError("request too large")
        body = data[4:]
        if len(body) < size:
            body += _exactly(conn, size - len(body))
        return marshal.loads(body), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _exactly(conn, size: int) -> bytes:
    parts = []
    while size > 0:
        chunk = conn.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("request cut off")
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def preload(face) -> None:
    """Import the scan path: every module of iaclint a command may run (not the Language
    Server, the Checkov bridge or the optional CycloneDX writer) and every built-in policy
    module. Not `gc.freeze()`: a scan moves what it made to the oldest generation by
    freezing and unfreezing when nothing else is frozen (`loading._collector_paused`), and
    counting the frozen objects walks them all (24 ms of a run, measured); without it a
    run's collector sees what a fresh process's would."""
    import gc
    import importlib
    import pkgutil

    import iaclint_policies

    import iaclint

    skip = ("iaclint.faces.lsp", "iaclint.faces.checkov_bridge", "iaclint.formatters.cyclonedx")
    for package in (iaclint, iaclint_policies):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith(skip) or info.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(info.name)
            except Exception as exc:  # noqa: BLE001 - an optional module: imported by its run if needed
                print(f"iaclint server: not preloaded: {info.name}: {exc}", file=sys.stderr)
    warm(face)
    gc.collect()  # what is left is old: a run's young collections never walk it


def warm(face) -> None:
    """Make now what every run would make first, where it is a function of the install
    alone (what the socket's fingerprint covers), never of a run's input, directory or
    environment: the code fingerprint of the cache key (the same files by size and time
    as the socket's name), the tree-sitter parser (made once per process anyway), the
    command line's parser (used once, by the run: `cli.PREBUILT`), the policy pack's parsed
    index and its files' digests (`policy_index.prime`: each under its file's identity),
    and the module-level regular expressions compiled on first use (`model.lazy_re`)."""
    import gc

    from iaclint.frontends.terraform import hcl
    from iaclint.model.lazy_re import LazyPattern
    from iaclint.pipeline import cache

    cache.code_fingerprint()
    hcl._parser()
    face.PREBUILT = face.build_parser()
    from iaclint.engine import policy_index, registry

    policy_index.prime(registry.builtin_policy_dir())
    for thing in gc.get_objects():
        if isinstance(thing, LazyPattern):
            thing.pattern  # noqa: B018 - compiles it


class _Telling:
    """The run's first read of standard input or write to standard output or error tells
    the client (`TOUCHED`): a run that then dies is not made again by the client, which
    would read less input than there was or write the output twice."""

    conn = None

    @classmethod
    def tell(cls) -> None:
        conn = cls.conn
        if conn is not None:
            cls.conn = None
            try:
                conn.sendall(wire.TOUCHED)
            except OSError:
                pass


def _raw(fd: int, name: str, writing: bool):
    import io

    class Raw(io.FileIO):
        def write(self, data):
            _Telling.tell()
            return super().write(data)

        def read(self, size=-1):
            _Telling.tell()
            return super().read(size)

        def readinto(self, buffer):
            _Telling.tell()
            return super().readinto(buffer)

        def readall(self):
            _Telling.tell()
            return super().readall()

    raw = Raw(fd, "wb" if writing else "rb", closefd=False)
    raw.name = name
    return raw


def _streams(specs, conn) -> None:
    """sys.stdin, stdout and stderr over descriptors 0, 1 and 2 as the client's were made
    (encoding, errors, line buffering, write-through), as Python makes them at start."""
    import io

    _Telling.conn = conn
    made = []
    for fd, name, spec in zip((0, 1, 2), ("<stdin>", "<stdout>", "<stderr>"), specs):
        if spec is None:
            made.append(None)
            continue
        encoding, errors, line_buffering, write_through = spec
        raw = _raw(fd, name, fd != 0)
        buffered = io.BufferedWriter(raw) if fd else io.BufferedReader(raw)
        text = io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="\n",
                                line_buffering=line_buffering, write_through=write_through)
        text.mode = "w" if fd else "r"
        made.append(text)
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made


def _watch(conn) -> None:
    """Ctrl-C in the client (`INTERRUPT`) is SIGINT to this run's process group, as a
    terminal sends it; the client gone (end of stream) is SIGTERM. The socket raises
    SIGIO when a byte arrives, so the run needs no thread to listen."""
    import fcntl
    import signal
    import socket

    def arrived(signum, frame):
        try:
            data = conn.recv(64, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data and wire.INTERRUPT not in data:
            return
        os.killpg(os.getpgrp(), signal.SIGINT if data else signal.SIGTERM)

    signal.signal(signal.SIGIO, arrived)
    fcntl.fcntl(conn.fileno(), fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(conn.fileno(), fcntl.F_SETFL, fcntl.fcntl(conn.fileno(), fcntl.F_GETFL) | os.O_ASYNC)
    arrived(None, None)  # one that came before SIGIO was asked for


def child(listener, conn, request: dict, fds: list, face) -> None:
    """A run, in a fresh fork of the server: become the client's process (streams,
    directory, environment, umask, locale, signals as Python sets them at start), run
    `cli.main()` as the `iaclint` command does, send the exit code, end. Never returns."""
    code = 2
    try:
        import signal

        listener.close()
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGIO):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        os.setpgid(0, 0)  # its own group: Ctrl-C reaches it and its workers, not the server
        conn.settimeout(None)
        stdin, stdout, stderr, cwd = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
        os.fchdir(cwd)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.umask(request["umask"])
        os.environb.clear()
        os.environb.update(request["env"])
        if request.get("ctype"):
            import _locale

            try:
                _locale.setlocale(_locale.LC_CTYPE, request["ctype"])
            except Exception:  # noqa: BLE001, S110 - the server's locale then
                pass
        import time

        time.tzset()
        sys.argv = [request["argv0"], *request["argv"]]
        _streams(request["streams"], conn)
        _watch(conn)
        face._ENDS_AT_ONCE = True  # as `console`: what the scan leaves goes with the process
        code = face.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - as the interpreter: the traceback, exit 1
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001, S110 - a stream closed by the run: nothing to flush
                pass
        try:
            conn.sendall(wire.EXIT + int(code).to_bytes(4, "big", signed=True))
        except BaseException:  # noqa: BLE001, S110 - the client is gone
            pass
        os._exit(int(code) & 0xFF)
