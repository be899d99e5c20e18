"""The scan server (`iaclint server`, `iaclint.faces.server`) and its client
(`iaclint.faces.launch`): a run through the server writes the same bytes and exits with
the same code as the same run in process; only the user who started it may use it; a
changed install talks to another socket; a run's crash or Ctrl-C never reaches the server;
it ends when idle; without it (or when it fails before writing) the run is made in process.

Every server a test starts lives in a private runtime directory of its own
(`XDG_RUNTIME_DIR`) and is stopped (or killed) when the test ends. No assertion is timed:
waits poll with a generous deadline.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest
from conftest import FIXTURES, ROOT

from iaclint.faces import launch, server, wire

pytestmark = pytest.mark.skipif(not wire.available(), reason="the scan server needs SO_PEERCRED (Linux)")

DEADLINE = 60.0  # seconds a poll may wait for something that takes milliseconds


def _wait_for(predicate, what: str):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"still waiting for {what}")


class Servers:
    """A private runtime directory, the environment that points at it, and the commands."""

    def __init__(self):
        self.runtime = tempfile.mkdtemp(prefix="iz", dir="/tmp")  # short: a socket path has ~100 bytes
        os.chmod(self.runtime, 0o700)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IACLINT_")}
        self.env.update(XDG_RUNTIME_DIR=self.runtime, IACLINT_NO_CACHE="1", PYTHONPATH=os.environ.get("PYTHONPATH", ""))
        if not self.env["PYTHONPATH"]:
            del self.env["PYTHONPATH"]
        self.pids: set = set()

    def iaclint(self, *args, env=None, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "iaclint", *args], env={**self.env, **(env or {})},
                              capture_output=True, check=False, **kwargs)

    def start(self, *extra) -> int:
        done = self.iaclint("server", "start", *extra)
        assert done.returncode == 0, done.stderr
        pid = int(done.stdout.split(b"pid ")[1].split(b",")[0])
        self.pids.add(pid)
        return pid

    def status(self) -> subprocess.CompletedProcess:
        return self.iaclint("server", "status")

    def runs(self) -> int:
        out = self.status().stdout.decode()
        return int(out.split(" run(s)")[0].rsplit(" ", 1)[1])

    def socket_path(self) -> str:
        done = subprocess.run([sys.executable, "-c", "from iaclint.faces import wire; print(wire.socket_path())"],
                              env=self.env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def children(self, pid: int) -> list[int]:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as handle:
                return [int(p) for p in handle.read().split()]
        except OSError:
            return []

    def close(self):
        self.iaclint("server", "stop")
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        subprocess.run(["rm", "-rf", self.runtime], check=False)


@pytest.fixture
def servers():
    made = Servers()
    try:
        yield made
    finally:
        made.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (not yet reaped by init) is gone too
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


RUNS = [
    (["scan", str(FIXTURES / "examples"), "--format", "json"], None),
    (["scan", str(FIXTURES / "examples"), "--format", "sarif"], None),
    (["scan", "examples", "--format", "github"], str(FIXTURES)),  # relative paths: the client's directory
    (["scan", str(FIXTURES / "examples"), "--format", "checkov-json", "--fail-on", "critical"], None),
    (["scan", "--format", "nope"], None),  # a usage error: exit 2, argparse's message
    (["rules", "--format", "json"], None),
    (["explain", "IAC101"], None),
    (["--version"], None),
]


def test_a_run_through_the_server_writes_the_same_bytes_as_in_process(servers):
    servers.start()
    for argv, cwd in RUNS:
        through = servers.iaclint(*argv, cwd=cwd)
        alone = servers.iaclint(*argv, cwd=cwd, env={"IACLINT_SERVER": "0"})
        assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr), argv
    assert servers.runs() == len(RUNS)  # they did go through it


def test_text_report_and_standard_input_and_environment_through_the_server(servers):
    servers.start()
    source = (FIXTURES / "examples").rglob("*.tf").__next__().read_bytes()
    argv = ["scan", "--stdin", "--stdin-filename", "main.tf", "--no-color"]
    env = {"TF_VAR_region": "eu-west-1", "LANG": "C.UTF-8"}
    through = servers.iaclint(*argv, input=source, env=env)
    alone = servers.iaclint(*argv, input=source, env={**env, "IACLINT_SERVER": "0"})

    def timeless(text: bytes) -> bytes:  # the text report says how long the scan took
        import re

        return re.sub(rb" in \d+\.\d+s", b" in Ns", text)

    assert through.returncode == alone.returncode
    assert timeless(through.stdout) == timeless(alone.stdout) and through.stdout
    assert through.stderr == alone.stderr
    assert servers.runs() == 1


def test_the_runs_umask_and_directory_are_the_clients(servers, tmp_path):
    servers.start()
    out = tmp_path / "out"
    out.mkdir()
    for name, mode in (("through.json", None), ("alone.json", "0")):
        done = servers.iaclint("scan", "examples", "--format", "json", "--output", str(out / name), cwd=FIXTURES,
                               env={"IACLINT_SERVER": mode} if mode else None, umask=0o027)
        assert done.returncode == 1, done.stderr
    assert (out / "through.json").read_bytes() == (out / "alone.json").read_bytes()
    assert (out / "through.json").stat().st_mode == (out / "alone.json").stat().st_mode
    assert servers.runs() == 1


def test_without_a_server_or_with_it_turned_off_the_run_is_in_process(servers):
    argv = ["scan", str(FIXTURES / "examples"), "--format", "json"]
    alone = servers.iaclint(*argv, env={"IACLINT_SERVER": "0"})
    assert servers.iaclint(*argv).stdout == alone.stdout  # none runs
    servers.start()
    assert servers.iaclint(*argv, env={"IACLINT_SERVER": "off"}).stdout == alone.stdout
    assert servers.runs() == 0


def test_iaclint_server_start_in_the_environment_starts_one_for_the_next_runs(servers):
    argv = ["scan", str(FIXTURES / "examples"), "--format", "json"]
    alone = servers.iaclint(*argv, env={"IACLINT_SERVER": "0"})
    first = servers.iaclint(*argv, env={"IACLINT_SERVER": "start"})  # in process, while one starts
    assert (first.returncode, first.stdout, first.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    _wait_for(lambda: servers.status().returncode == 0, "the server IACLINT_SERVER=start started")
    pid = int(servers.status().stdout.split(b"pid ")[1].split(b",")[0])
    servers.pids.add(pid)
    again = servers.iaclint(*argv, env={"IACLINT_SERVER": "start"})
    assert again.stdout == alone.stdout
    assert servers.runs() == 1


def test_status_stop_and_a_second_start(servers):
    assert servers.status().returncode == 1
    pid = servers.start()
    assert b"already running" in servers.iaclint("server", "start").stdout
    assert servers.status().returncode == 0
    assert servers.iaclint("server", "stop").returncode == 0
    _wait_for(lambda: not _alive(pid), "the stopped server to end")
    assert not os.path.exists(servers.socket_path())
    assert servers.status().returncode == 1


def test_the_idle_timeout_ends_the_server(servers):
    pid = servers.start("--idle-timeout", "0.2")
    path = servers.socket_path()
    _wait_for(lambda: not _alive(pid), "the idle server to end")
    assert not os.path.exists(path)
    assert servers.status().returncode == 1


def test_a_crashed_run_does_not_end_the_server(servers):
    """A run killed (as a crash: no exit code) while it waits for standard input: the
    server goes on serving. The client either makes the run itself, with the same result
    (the run was killed before it read), or says it is not run again (it had begun to
    read the input, which a second run would not see whole); never another result."""
    pid = servers.start()
    source = (FIXTURES / "examples").rglob("*.tf").__next__().read_bytes()
    argv = [sys.executable, "-m", "iaclint", "scan", "--stdin", "--stdin-filename", "main.tf", "--format", "json"]
    client = subprocess.Popen(argv, env=servers.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        run = _wait_for(lambda: servers.children(pid), "the run's fork")[0]
        os.kill(run, signal.SIGKILL)
        out, err = client.communicate(source, timeout=DEADLINE)
    finally:
        if client.poll() is None:
            client.kill()
    alone = servers.iaclint(*argv[3:], input=source, env={"IACLINT_SERVER": "0"})
    if client.returncode == 2:
        assert out == b"" and b"not run again" in err
    else:
        assert (client.returncode, out, err) == (alone.returncode, alone.stdout, alone.stderr)
    assert _alive(pid)
    assert servers.iaclint("scan", str(FIXTURES / "examples"), "--format", "json").returncode == 1
    assert servers.runs() == 2


def test_the_client_runs_in_process_when_the_server_dies_before_the_run(servers):
    """The server killed while the client connects or waits (before any fork touched its
    streams): the client makes the run itself, the same bytes and exit code; a later
    `server start` replaces the dead server's socket."""
    pid = servers.start()
    source = (FIXTURES / "examples").rglob("*.tf").__next__().read_bytes()
    argv = ["scan", "--stdin", "--stdin-filename", "main.tf", "--format", "json"]
    os.kill(pid, signal.SIGSTOP)  # it takes no run now
    try:
        client = subprocess.Popen([sys.executable, "-m", "iaclint", *argv], env=servers.env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        client.stdin.write(source)
        client.stdin.close()
    finally:
        os.kill(pid, signal.SIGKILL)
    out, err = client.stdout.read(), client.stderr.read()
    client.wait(timeout=DEADLINE)
    alone = servers.iaclint(*argv, input=source, env={"IACLINT_SERVER": "0"})
    assert (client.returncode, out, err) == (alone.returncode, alone.stdout, alone.stderr)
    _wait_for(lambda: not _alive(pid), "the killed server to end")
    assert os.path.exists(servers.socket_path())  # stale: nobody listens
    assert servers.iaclint(*argv, input=source).stdout == alone.stdout  # refused: in process
    servers.start()
    assert servers.iaclint(*argv, input=source).stdout == alone.stdout
    assert servers.runs() == 1


def test_ctrl_c_in_the_client_stops_the_run_not_the_server(servers):
    pid = servers.start()
    argv = [sys.executable, "-m", "iaclint", "scan", "--stdin", "--stdin-filename", "main.tf"]
    client = subprocess.Popen(argv, env=servers.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        run = _wait_for(lambda: servers.children(pid), "the run's fork")[0]
        client.send_signal(signal.SIGINT)  # the run waits for standard input, as a scan at work would not
        client.wait(timeout=DEADLINE)
    finally:
        if client.poll() is None:
            client.kill()
        client.stdin.close()
    assert client.returncode == 130  # what `iaclint` exits with on Ctrl-C in process
    _wait_for(lambda: not _alive(run), "the interrupted run to end")
    assert _alive(pid) and servers.status().returncode == 0


def test_ctrl_c_between_the_request_and_the_wait_exits_130_and_ends_the_run(servers, monkeypatch, capsys):
    """Ctrl-C in the few steps after the request is sent and before the client waits for
    the answer: exit 130 as in process (no traceback), and the run it started ends."""
    pid = servers.start()
    monkeypatch.setattr(os, "environ", {**servers.env})
    monkeypatch.setattr(sys, "argv", ["iaclint", "scan", "--stdin", "--stdin-filename", "main.tf"])

    def interrupted(sock):
        _wait_for(lambda: servers.children(pid), "the run's fork")
        raise KeyboardInterrupt

    monkeypatch.setattr(launch, "wait", interrupted)
    read, write = os.pipe()  # the run's standard input: open, never written, so it waits
    saved = os.dup(0)
    os.dup2(read, 0)
    try:
        assert launch.console() == 130
        run = servers.children(pid)
    finally:
        os.dup2(saved, 0)
        for fd in (saved, read, write):
            os.close(fd)
    assert "Traceback" not in capsys.readouterr().err
    for child in run:
        _wait_for(lambda: not _alive(child), "the interrupted run to end")
    assert _alive(pid) and servers.status().returncode == 0


def test_the_client_waits_for_the_exit_code_and_never_runs_twice(capsys):
    """`launch.wait`: the exit code; None (run in process) when the server went away
    before anything was written; an error, not a second run, when it went away after."""
    for replies, expected in (([b"W", b"X\x00\x00\x00\x01"], 1), ([b"WX\x00\x00", b"\x00\x02"], 2),
                              ([b"X\x00\x00\x00\x00"], 0), ([], None), ([b"W"], 2)):
        ours, theirs = socket.socketpair()
        for reply in replies:
            theirs.sendall(reply)
        theirs.close()
        assert launch.wait(ours) == expected
        ours.close()
    assert "not run again" in capsys.readouterr().err


def test_the_client_uses_only_a_private_directory_of_its_user(tmp_path):
    """A socket in a directory others may enter is never connected to: a planted server
    would get the client's environment and descriptors."""
    directory = tempfile.mkdtemp(prefix="iz", dir="/tmp")
    try:
        path = os.path.join(directory, "s.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        os.chmod(directory, 0o700)
        sock = wire.connect(path)
        assert sock is not None
        sock.close()
        os.chmod(directory, 0o755)
        assert wire.connect(path) is None
        os.chmod(directory, 0o700)
        link = directory + "-link"
        os.symlink(directory, link)
        try:
            assert wire.connect(os.path.join(link, "s.sock")) is None
        finally:
            os.unlink(link)
        listener.close()
    finally:
        subprocess.run(["rm", "-rf", directory], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="connecting as another user needs root")
def test_the_server_refuses_another_user(servers):
    pid = servers.start()
    path = servers.socket_path()
    for directory in (servers.runtime, os.path.dirname(path)):
        os.chmod(directory, 0o711)  # let the other user reach it, as a mistake would
    os.chmod(path, 0o777)
    try:
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:
            try:
                os.close(reader)
                os.setgid(65534)
                os.setuid(65534)
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(path)
                import marshal

                try:
                    wire.send_with_fds(sock, marshal.dumps({"op": "status"}), [])
                    answer = sock.recv(100)
                except OSError:  # closed on us
                    answer = b""
                os.write(writer, b"answer:" + answer)
            except BaseException as exc:  # noqa: BLE001 - said to the parent, which fails the test
                os.write(writer, repr(exc).encode())
            finally:
                os._exit(0)
        os.close(writer)
        os.waitpid(child, 0)
        with os.fdopen(reader, "rb") as handle:
            assert handle.read() == b"answer:"  # closed without a word
    finally:
        for directory in (servers.runtime, os.path.dirname(path)):
            os.chmod(directory, 0o700)
        os.chmod(path, 0o700)
    assert b"1 connection(s) refused" in servers.status().stdout
    assert _alive(pid)


def test_a_changed_install_or_interpreter_is_another_socket(servers):
    servers.start()
    path = servers.socket_path()
    for changed in ("iaclint/faces/cli.py", "policies/s3/__init__.py"):
        target = ROOT / changed
        if not target.exists():
            target = next((ROOT / changed).parent.glob("*.py"))
        info = target.stat()
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        try:
            assert servers.socket_path() != path, changed
        finally:
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert servers.socket_path() == path
    other = subprocess.run([sys.executable, "-X", "dev", "-m", "iaclint", "server", "status"], env=servers.env,
                           capture_output=True, check=False)
    assert other.returncode == 1  # another interpreter setup: not this server
    assert servers.status().returncode == 0


def test_the_client_imports_almost_nothing():
    """The client path (no server running) imports no scan module, no hashlib, no socket
    module: those are what the server saves."""
    code = ("import sys, os; os.environ['XDG_RUNTIME_DIR'] = '/nonexistent-iz'; from iaclint.faces import launch; "
            "launch.through_server(['scan']); print(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={k: v for k, v in os.environ.items() if k != "IACLINT_SERVER"})
    modules = set(done.stdout.split())
    ours = {m for m in modules if m.startswith("iaclint")}
    assert ours <= {"iaclint", "iaclint.faces", "iaclint.faces.launch", "iaclint.faces.wire", "iaclint.gate",
                    "iaclint.gate.code", "iaclint_policies"}, ours
    assert not modules & {"hashlib", "socket", "argparse", "tree_sitter", "pickle"}


def test_off_where_descriptors_cannot_be_passed(monkeypatch):
    monkeypatch.setattr(os, "name", "nt")
    assert not wire.available()
    assert launch.through_server(["scan"]) is None


def test_server_command_without_support_says_so(monkeypatch, capsys):
    monkeypatch.setattr(wire, "available", lambda: False)

    class Args:
        action = "start"
        idle_timeout = None

    from iaclint.faces import cli

    assert server.command(Args(), cli) == 2
    assert "not available" in capsys.readouterr().err


def test_start_says_why_it_cannot_make_its_directory(servers):
    blocked = os.path.join(servers.runtime, "file")
    with open(blocked, "w"):
        pass
    done = servers.iaclint("server", "start", env={"XDG_RUNTIME_DIR": blocked})
    assert done.returncode == 2 and b"cannot make" in done.stderr and b"Traceback" not in done.stderr
    shared = os.path.join(servers.runtime, "shared")
    os.makedirs(os.path.join(shared, "iaclint"), mode=0o755)
    os.chmod(os.path.join(shared, "iaclint"), 0o755)
    done = servers.iaclint("server", "start", env={"XDG_RUNTIME_DIR": shared})
    assert done.returncode == 2 and b"only you may enter" in done.stderr


def test_the_policy_packs_index_and_digests_made_by_the_server_serve_only_the_same_files(tmp_path, monkeypatch):
    """`policy_index.prime` (run by the server before it forks): the next `read_index` gets
    the parsed index without parsing it (once), and a file's digest comes from the prime
    only while the file is the same file: rewritten in place with its size and
    modification time restored, it is read and hashed again."""
    import shutil

    from iaclint.engine import policy_index, registry

    monkeypatch.setattr(policy_index, "_PRIMED", {})
    pack = tmp_path / "pack"
    shutil.copytree(registry.builtin_policy_dir(), pack, ignore=shutil.ignore_patterns("__pycache__"))
    policy_index.prime(pack)
    primed = policy_index._PRIMED["index"][2]
    assert policy_index.read_index(pack) is primed
    again = policy_index.read_index(pack)
    assert again == primed and again is not primed  # once only
    source = next(p for _, p in policy_index.pack_entries(pack) if p.endswith(".yaml"))
    with open(source, "rb") as handle:
        data = handle.read()
    assert policy_index.file_digest(source) == policy_index.digest(data)
    info = os.stat(source)
    changed = data.replace(b"a", b"b", 1)
    assert len(changed) == len(data) and changed != data
    with open(source, "r+b") as handle:
        handle.write(changed)
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert policy_index.file_digest(source) == policy_index.digest(changed)
