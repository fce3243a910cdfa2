"""Values of records that the tests and the benchmarks both build.

Plain functions on plain data, free of Odoo's test framework (odoo.tests) and of
the addon's test package, so that a benchmark imports this file on its own
(``benchmarks/benchdb.py``, ``tests_module("factories")``).
"""

from odoo import Command


def calendar_vals(name, days, shifts, **values):
    """A UTC working calendar: ``shifts`` [(from hour, to hour)] on each of
    ``days`` (0 is Monday)."""
    return {
        "name": name,
        "tz": "UTC",
        "attendance_ids": [Command.clear()]
        + [
            Command.create(
                {
                    "name": f"{name} {day} {start}",
                    "dayofweek": str(day),
                    "hour_from": start,
                    "hour_to": end,
                    "day_period": "morning" if start < 12 else "afternoon",
                }
            )
            for day in days
            for start, end in shifts
        ],
        **values,
    }
