"""Fixtures of the browser attack tests: a real `formloom run` (web and a worker) on a temporary
instance (SQLite and embedded Redis), started on first use, and Debian's Chromium."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.live_server import CHROMIUM, CHROMIUM_ARGS, running_formloom

ROOT = Path(__file__).resolve().parents[2]
FORMLOOM = ROOT / ".venv" / "bin" / "formloom"



@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """`formloom run` on a free port with its own SQLite file and embedded Redis."""
    instance = tmp_path_factory.mktemp("security_instance")
    with running_formloom(instance) as base:
        yield base
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 2400, "height": 1600}, "locale": "en-US"}
