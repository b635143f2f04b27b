"""Run the parsing of an uploaded file in a child process with CPU, memory and time limits.

Parsers of uploads (openpyxl, pandas' CSV reader, GDAL) can be made to spend
minutes of CPU or gigabytes of memory by a file of a few megabytes (issue 21
item 7). Inside the server that would hold the interpreter for every viewer,
so each parse runs in a fresh ``python -m dashboard.sandbox TASK`` process:

* the child sets ``RLIMIT_CPU`` and ``RLIMIT_AS`` on itself before it reads
  anything, and the parent kills it after a wall-clock limit;
* its environment keeps only what a parse needs (no ``NO_PROXY``, so GDAL's
  dead proxy, :mod:`dashboard.geo.gdal_guard`, catches every request), with
  one thread per numeric library;
* the input goes in on stdin and the result comes back on stdout as one JSON
  header line and a body of plain bytes (JSON or Parquet): nothing that can
  run code when it is read (never pickle);
* a :class:`~dashboard.errors.UserFacingError` raised in the child comes back
  as the same error; a limit that stops the child becomes one that names the
  limit and says what to do.

Only the tasks in :data:`TASKS` can be run.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from dashboard import errors
from dashboard.i18n import _, fmt_int, get_language, use_language

log = logging.getLogger(__name__)

#: Task name -> "module:function". The function takes (args: dict, payload: bytes) and returns bytes.
TASKS = {
    "table": "dashboard.data.table_child:parse",
    "boundary": "dashboard.geo.boundary_child:read",
    "limits": "dashboard.sandbox:report_limits",
}
_ERRORS = {"DataFileError": errors.DataFileError, "BoundaryFileError": errors.BoundaryFileError}
_ROOT = Path(__file__).resolve().parent.parent
#: rusage of every finished child, for tests and the server log (ru_maxrss in KiB, CPU in seconds).
_usage_lock = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """What one child may use."""

    cpu_seconds: int
    memory_bytes: int
    wall_seconds: int


@dataclass(frozen=True)
class Usage:
    """What the finished child used (from the kernel's accounting of waited-for children)."""

    cpu_seconds: float
    max_rss_bytes: int


last_usage: dict[str, Usage] = {}


#: The parent's environment variables the child keeps: nothing else (no NO_PROXY, no http_proxy, no secrets).
_KEPT_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "TMPDIR", "TZ", "VIRTUAL_ENV")
_KEPT_ENV_PREFIXES = ("GDAL_", "CPL_", "PROJ_", "OGR_", "LC_", "DASHBOARD_")


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _KEPT_ENV or k.startswith(_KEPT_ENV_PREFIXES)}
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_MAX_THREADS"):
        env[name] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run(task: str, args: dict, payload: bytes, limits: Limits, error: type[errors.UserFacingError],
        shown_name: str) -> bytes:
    """The body the child's ``task`` returns, or raise ``error`` (or the child's own error) with a clear message."""
    if task not in TASKS:
        raise ValueError(f"unknown sandbox task {task!r}")
    header = json.dumps({"args": args, "language": get_language(), "cpu": limits.cpu_seconds,
                         "memory": limits.memory_bytes}).encode()
    with _usage_lock:  # one parse at a time per process
        returncode, stdout, usage, timed_out = _run_child([sys.executable, "-m", "dashboard.sandbox", task],
                                                         header + b"\n" + payload, limits.wall_seconds)
        last_usage[task] = usage
    if timed_out:
        raise _limit_error(error, shown_name, "wall", limits)
    head, _sep, body = stdout.partition(b"\n")
    try:
        result = json.loads(head) if head else {}
    except ValueError:
        result = {}
    if returncode == 0 and result.get("ok"):
        return body
    if "error" in result:
        err = result["error"]
        raise _ERRORS.get(err.get("type"), error)(err.get("problem", ""), err.get("hint", ""), err.get("where", ""))
    which = result.get("limit") or ("cpu" if returncode in (-signal.SIGXCPU, -signal.SIGKILL) else "memory")
    log.warning("sandbox task %s stopped: returncode=%s limit=%s", task, returncode, which)
    raise _limit_error(error, shown_name, which, limits)


def _feed(pipe, data: bytes) -> None:
    """Write the child's input and close it; a child that stopped early just stops reading."""
    try:
        pipe.write(data)
    except (BrokenPipeError, OSError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def _run_child(command: list[str], data: bytes, wall_seconds: float) -> tuple[int, bytes, Usage, bool]:
    """Run the child to its end (or kill it after ``wall_seconds``): exit code, output, its OWN rusage, timed out.

    ``os.wait4`` reports this child's usage alone; ``RUSAGE_CHILDREN`` would report the largest child ever.
    """
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=_child_env(), cwd=_ROOT)
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(wall_seconds, stop)
    writer = threading.Thread(target=_feed, args=(proc.stdin, data), daemon=True)
    timer.start()
    writer.start()
    try:
        stdout = proc.stdout.read()
        proc.stdout.close()
        writer.join()
        _pid, status, rusage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, stdout, Usage(rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss * 1024),
            timed_out.is_set())


def _limit_error(error: type[errors.UserFacingError], name: str, which: str, limits: Limits) -> errors.UserFacingError:
    hint = _("Split the file into smaller files, remove unused columns and sheets, or save it as CSV UTF-8, "
             "then upload again.")
    if which == "cpu":
        problem = _("Reading '{name}' was stopped: it needed more than {n} seconds of processor time, the "
                    "limit for one file.").format(name=name, n=fmt_int(limits.cpu_seconds))
    elif which == "wall":
        problem = _("Reading '{name}' was stopped: it took longer than {n} seconds, the limit for one file.").format(
            name=name, n=fmt_int(limits.wall_seconds))
    else:
        problem = _("Reading '{name}' was stopped: it needed more than {n} MB of memory, the limit for one "
                    "file.").format(name=name, n=fmt_int(limits.memory_bytes // (1024 * 1024)))
    return error(problem, hint)


# ---------------------------------------------------------------- the child side


def _child_main(task: str) -> int:
    raw = sys.stdin.buffer.read()
    head, _sep, payload = raw.partition(b"\n")
    request = json.loads(head)
    memory = int(request["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(request["cpu"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    del raw
    out = sys.stdout.buffer
    module, function = TASKS[task].split(":")
    try:
        with use_language(request.get("language") or "en"):
            body = getattr(importlib.import_module(module), function)(request["args"], payload)
    except errors.UserFacingError as exc:
        out.write(json.dumps({"ok": False, "error": {"type": type(exc).__name__, "problem": exc.problem,
                                                      "hint": exc.hint, "where": exc.where}}).encode() + b"\n")
        return 1
    except MemoryError:
        out.write(b'{"ok": false, "limit": "memory"}\n')
        return 1
    out.write(b'{"ok": true}\n')
    out.write(body)
    return 0


def report_limits(_args: dict, _payload: bytes) -> bytes:
    """The ``limits`` task: the CPU and memory limits the child runs under (a self-check for operators and tests)."""
    return json.dumps({"cpu": list(resource.getrlimit(resource.RLIMIT_CPU)),
                       "memory": list(resource.getrlimit(resource.RLIMIT_AS))}).encode()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TASKS:
        sys.exit(2)
    sys.exit(_child_main(sys.argv[1]))
