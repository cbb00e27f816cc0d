"""The production settings, serving ``bench.plain`` next to the application (benchmarks only)."""

from wsis.settings import *  # noqa: F403

ROOT_URLCONF = "bench.plain"
