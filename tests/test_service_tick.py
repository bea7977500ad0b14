"""The service's poll tick: a due source waits at most a second for its poll, so that an
item reaches its channel within the source's interval and about a second (bench/latency.py
measures it end to end)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from monitor.app import open_app
from monitor.config import Config, Settings, Source, Topic
from monitor.service import Service
from monitor.store.db import make_engine, upgrade


async def test_the_poll_tick_is_a_second_whatever_the_intervals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = Config(
        settings=Settings(database_url=url, default_interval=timedelta(minutes=15)),
        sources=[Source(name="wire", url="http://127.0.0.1:9/feed.xml")],
        topics=[Topic(name="clearview", terms=["Clearview AI"])],
    )
    async with open_app(config) as app:
        assert Service(app).poll_every == timedelta(seconds=1)
