"""Small timing helpers shared by the benchmarks."""

import statistics
import time


def median_seconds(function, repeat: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def figure(value, unit: str, **extra) -> dict:
    return {"value": round(value, 4) if isinstance(value, float) else value, "unit": unit} | extra
