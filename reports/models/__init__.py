"""Report models: runs and schedules (runs.py), rollup tables read by the reports (rollups.py)."""

from .rollups import *  # noqa: F401,F403
from .runs import *  # noqa: F401,F403
