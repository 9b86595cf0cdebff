"""A progress bar for long search commands (a line per step when not a terminal)."""

import time


class ProgressBar:
    """Write ``done / total`` progress to a command's stdout."""

    WIDTH = 30

    def __init__(self, stdout, label: str, *, enabled: bool = True):
        self.stdout = stdout
        self.label = label
        self.enabled = enabled
        self.started = time.monotonic()
        self.interactive = enabled and getattr(stdout, "isatty", lambda: False)()
        self._last_line = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-6)
        share = done / total if total else 1.0
        filled = int(self.WIDTH * share)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = f"{self.label} [{bar}] {done:,}/{total:,} ({rate:,.0f}/s)"
        if self.interactive:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif now - self._last_line >= 5 or done >= total:
            self._last_line = now
            self.stdout.write(line)

    def finish(self) -> None:
        if self.interactive:
            self.stdout.write("")
