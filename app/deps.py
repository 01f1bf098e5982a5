"""Dependencies shared by the routes: the app's settings, set once by `create_app`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def app_settings(request: Request) -> Settings:
    """An async dependency: a sync one (and an override of one) runs in the thread pool, and
    FastAPI reads an override's signature again, on every request."""
    return settings_of(request)


SettingsDep = Annotated[Settings, Depends(app_settings)]
