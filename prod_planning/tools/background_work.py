"""What planning runs, their units and background jobs share: their states
and how long they have taken."""

# States of work done by the cron workers (a run adds "draft" before them).
BACKGROUND_STATES = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
ACTIVE_STATES = ("queued", "running")


def elapsed_seconds(state, begin, end, now):
    """Seconds from ``begin`` to ``end``, or to ``now`` while the work is
    queued or running; 0 before it begins."""
    end = now if state in ACTIVE_STATES else end
    return max((end - begin).total_seconds(), 0.0) if begin and end else 0.0
