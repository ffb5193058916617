"""`make run`'s supervisor (scripts/run.py): how long it waits before starting a process that died again."""
import importlib.util
import signal
from pathlib import Path
from types import SimpleNamespace

SPEC = importlib.util.spec_from_file_location("run_script", Path(__file__).resolve().parents[2] / "scripts" / "run.py")
run = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(run)


def died(child, now, up, code=-signal.SIGKILL):
    """`child` exits at `now` after `up` seconds of running; the delay before it is started again."""
    child.process = SimpleNamespace(pid=-1, returncode=code)
    child.started_at = now - up
    child.schedule_restart(now)
    return child.restart_at - now


def test_a_process_dying_again_and_again_waits_twice_as_long_each_time_up_to_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(run.os, "killpg", lambda pgid, signum: None)  # what the dead process left: nothing here
    child = run.Child("loan", ["true"], tmp_path / "loan.log")
    delays = [died(child, now=1000.0 + n, up=2) for n in range(8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]


def test_once_it_stayed_up_a_while_the_next_death_waits_one_second_again(tmp_path, monkeypatch):
    monkeypatch.setattr(run.os, "killpg", lambda pgid, signum: None)
    child = run.Child("finance", ["true"], tmp_path / "finance.log")
    for n in range(4):
        died(child, now=1000.0 + n, up=2, code=1)
    assert died(child, now=2000.0, up=run.RESTART_RESET_SECONDS) == 1
    assert died(child, now=2001.0, up=2) == 2
