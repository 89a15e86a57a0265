"""Which process is this, and is another one still running? Presence (is the facilitator's app
still there?) and the store (is the writer that left this temp file dead?) both ask."""

import os


def this_host() -> str:
    """The host name, as socket.gethostname() gives it, without importing socket (~2 ms) on
    every start where the kernel can say."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket
    return socket.gethostname()


def running(pid: int) -> bool:
    """Whether a process with this id runs on this host."""
    if os.name == "nt":                   # there, os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)                   # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:               # it exists, run by someone else
        return True
    except (OverflowError, ValueError):   # no process can have this id
        return False
    return True
