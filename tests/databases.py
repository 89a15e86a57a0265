"""A real PostgreSQL server for the sources' tests: initdb and pg_ctl on a temp folder and a
free port, a password-protected user, stopped at the end of the session. Skipped only where
the postgres binaries are absent (.ci/run installs Debian's postgresql where it is missing)."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

USER, PASSWORD = "cadence", "s3cret-pw"


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's versioned folder."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """initdb refuses to run as root: as root, the server runs as the `postgres` user (or
    `nobody`), owning its folder."""

    def __init__(self, folder: Path):
        self.bin = postgres_bin()
        assert self.bin is not None
        self.folder, self.data, self.port = folder, folder / "data", free_port()
        self.run_as = None
        if os.geteuid() == 0:
            name = "postgres" if _user_exists("postgres") else "nobody"
            entry = pwd.getpwnam(name)
            self.run_as = (entry.pw_uid, entry.pw_gid)
            os.chown(folder, *self.run_as)
        pwfile = folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.run_as:
            os.chown(pwfile, *self.run_as)
        self._run("initdb", "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")

    def url(self, password: str = "${CADENCE_TEST_PG_PASSWORD}") -> str:
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def _run(self, program: str, *args: str) -> None:
        assert self.bin is not None
        kwargs = {"user": self.run_as[0], "group": self.run_as[1]} if self.run_as else {}
        subprocess.run([str(self.bin / program), *args], check=True, capture_output=True,
                       timeout=120, cwd=self.folder, **kwargs)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
