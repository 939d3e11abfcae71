"""What every scheduled job receives: the database engine, the settings and the time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from tracker.config import Settings


@dataclass(frozen=True)
class JobContext:
    """The inputs of one job run; jobs open their own short sessions on ``engine``."""

    engine: Engine
    settings: Settings
    now: datetime
