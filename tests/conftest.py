from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.live import running_server


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


@pytest.fixture
def lecture_example() -> dict[str, object]:
    return {"expression": "(x+y)*max(y,z)", "values": {"x": 1, "y": 2, "z": 0}}


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1, as a learner's browser would reach it."""
    with running_server() as url:
        yield url
