"""Token-bucket rate limits keyed by session, user or client IP (in memory, one serving process)."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """``rate`` tokens a second up to ``burst`` per key; ``take`` says how long to wait (0: allowed).

    Idle keys are forgotten once more than ``max_keys`` are held (a full bucket carries no state)."""

    def __init__(self, rate: float, burst: int, max_keys: int = 100_000) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self.max_keys = float(rate), float(burst), int(max_keys)
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()
        self.refused = 0

    def take(self, key: str, cost: float = 1.0, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                self.refused += 1
                return (cost - tokens) / self.rate
            self._buckets[key] = (tokens - cost, now)
            if len(self._buckets) > self.max_keys:
                self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        full = [k for k, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]
        excess = len(self._buckets) - self.max_keys // 2 if len(self._buckets) > self.max_keys else 0
        for k in list(self._buckets)[:excess]:
            del self._buckets[k]  # still too many: the oldest go (they refill to full anyway)

    def __len__(self) -> int:
        return len(self._buckets)
