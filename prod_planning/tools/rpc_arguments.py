"""Checks of the arguments the documented RPC methods receive.

Called at the entry of each method, before anything is read or written: a
wrong type or value raises a ValidationError (a UserError) that names the method, the argument
and the fix, instead of a TypeError, a psycopg2 error or a misleading message
further down. Pure helpers: they read (existence of ids) but never write.

Each helper takes ``env`` (for the user's language and the existence checks),
``method`` and ``argument`` (the names the message gives) and the value, and
returns the value in the form the method works with.
"""

import datetime
import math
import re

from odoo.exceptions import ValidationError

# Prices, quantities and other amounts beyond this are typing or feed errors
# (and would overflow PostgreSQL's float8 arithmetic once multiplied).
MAX_ABS_VALUE = 1e12
# Rows one import or log call may carry (README, XML-RPC reference).
MAX_BATCH_ROWS = 10_000
# Row errors one call returns in full; the others are counted.
MAX_ERRORS = 100
# Characters of one row's error message.
MAX_ERROR_LENGTH = 500
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2200, 12, 31)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?")


def _fail(env, method, argument, problem, fix):
    # A ValidationError is a UserError: callers and RPC clients may expect either.
    raise ValidationError(
        env._(
            "%(method)s: the argument %(argument)s %(problem)s; %(fix)s",
            method=method,
            argument=argument,
            problem=problem,
            fix=fix,
        )
    )


def _shown(value):
    """The value as the message quotes it, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_number(value):
    """An int or float that is not a boolean."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_problem(env, value, maximum=MAX_ABS_VALUE):
    """Why ``value`` is not a sane finite number (translated), or None."""
    if not is_number(value):
        return env._("is %(value)s, not a number", value=_shown(value))
    if not math.isfinite(value):
        return env._("is %(value)s, not a finite number", value=_shown(value))
    # (a rounded 1e12 reads back as 1000000000000.0009)
    if abs(value) > maximum * (1 + 1e-12):
        return env._("is %(value)s, beyond %(max)s", value=_shown(value), max=f"{maximum:g}")
    return None


def require_number(env, method, argument, value, minimum=None, maximum=MAX_ABS_VALUE, integer=False, required=True):
    """A finite int or float (an int when ``integer``) within
    ``[minimum, maximum]`` (and never beyond ±MAX_ABS_VALUE). None or False
    returns None unless ``required``."""
    if value is None or value is False:
        if not required:
            return None
        _fail(env, method, argument, env._("is missing"), env._("give a number."))
    low = -MAX_ABS_VALUE if minimum is None else minimum
    high = min(maximum, MAX_ABS_VALUE)
    problem = number_problem(env, value, MAX_ABS_VALUE)
    if not problem and integer and not isinstance(value, int):
        problem = env._("is %(value)s, not a whole number", value=_shown(value))
    if not problem and not low <= value <= high:
        problem = env._("is %(value)s, out of range", value=_shown(value))
    if problem:
        kind = env._("a whole number") if integer else env._("a number")
        _fail(
            env,
            method,
            argument,
            problem,
            env._("give %(kind)s from %(min)s to %(max)s.", kind=kind, min=f"{low:g}", max=f"{high:g}"),
        )
    return value


def require_limit(env, method, argument, value):
    """A positive whole number of rows; None, False or 0: no limit (None)."""
    if value is None or value is False or value == 0 and isinstance(value, int) and not isinstance(value, bool):
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s", value=_shown(value)),
            env._("give a positive whole number of rows, or False for no limit."),
        )
    return value


def require_bool(env, method, argument, value):
    """True or False (None and 0/1 are read as such)."""
    if value is None:
        return False
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    _fail(env, method, argument, env._("is %(value)s", value=_shown(value)), env._("give true or false."))
    return None  # not reached


def _valid_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def require_id(env, method, argument, value, model=None, required=True):
    """A positive integer id, of an existing record of ``model`` when given
    (a model name). None or False returns False unless ``required``."""
    if value is None or value is False:
        if not required:
            return False
        _fail(env, method, argument, env._("is missing"), env._("give the id of a record."))
    if not _valid_id(value):
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s, not an id", value=_shown(value)),
            env._("give one record id (a positive integer)."),
        )
    if model and not env[model].browse(value).exists():
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s, which does not exist", value=value),
            env._("give the id of an existing %(model)s record.", model=model),
        )
    return value


def require_ids(env, method, argument, value, model=None, maximum=MAX_BATCH_ROWS):
    """A list of positive integer ids (of existing records of ``model`` when
    given), at most ``maximum``. None or False returns []."""
    if value is None or value is False:
        return []
    if not isinstance(value, list | tuple) or not all(_valid_id(item) for item in value):
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s", value=_shown(value)),
            env._("give a list of record ids (positive integers)."),
        )
    ids = list(dict.fromkeys(value))
    if len(ids) > maximum:
        _fail(
            env,
            method,
            argument,
            env._("has %(count)s ids", count=len(ids)),
            env._("give at most %(max)s.", max=maximum),
        )
    if model:
        missing = sorted(set(ids) - set(env[model].browse(ids).exists().ids))
        if missing:
            _fail(
                env,
                method,
                argument,
                env._("holds ids that do not exist: %(ids)s", ids=_shown(missing)),
                env._("give ids of existing %(model)s records.", model=model),
            )
    return ids


def require_records(env, method, records, single=False):
    """The records a method is called on (``ids`` over RPC): at least one
    (exactly one when ``single``), integer ids of existing records. Returns
    the records."""
    if single and len(records._ids) > 1:
        _fail(
            env,
            method,
            "ids",
            env._("holds %(count)s ids", count=len(records._ids)),
            env._("call it on one %(model)s record at a time.", model=records._name),
        )
    if not records._ids or not all(_valid_id(item) for item in records._ids):
        _fail(
            env,
            method,
            "ids",
            env._("is %(value)s", value=_shown(list(records._ids))),
            env._("give a non-empty list of %(model)s ids.", model=records._name),
        )
    missing = sorted(set(records._ids) - set(records.exists()._ids))
    if missing:
        _fail(
            env,
            method,
            "ids",
            env._("holds ids that do not exist: %(ids)s", ids=_shown(missing)),
            env._("give ids of existing %(model)s records.", model=records._name),
        )
    return records


def require_strings(env, method, argument, value, maximum=MAX_BATCH_ROWS):
    """A list of non-empty strings; None or False returns []."""
    if value is None or value is False:
        return []
    if (
        not isinstance(value, list | tuple)
        or not all(isinstance(item, str) and item.strip() for item in value)
        or len(value) > maximum
    ):
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s", value=_shown(value)),
            env._("give a list of at most %(max)s non-empty strings.", max=maximum),
        )
    return list(value)


def _parse_date(value, pattern, kind):
    if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
        return None
    text = value.strip()
    try:
        if kind == "date":
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text if len(text) > 10 else text + " 00:00:00")
    except ValueError:
        return None


def require_date(env, method, argument, value, required=False):
    """A ``YYYY-MM-DD`` string between 1900 and 2200 (a date object is
    accepted too); returns a date, or None when missing and not required."""
    return _require_when(env, method, argument, value, required, "date")


def require_datetime(env, method, argument, value, required=False):
    """A ``YYYY-MM-DD HH:MM:SS`` string (UTC; the time may be left out)
    between 1900 and 2200; returns a datetime or None."""
    return _require_when(env, method, argument, value, required, "datetime")


def _require_when(env, method, argument, value, required, kind):
    """require_date (``kind`` "date") and require_datetime ("datetime")."""
    if kind == "date":
        given = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
        pattern = _DATE_RE
        missing_fix = bad_fix = env._("give a date as YYYY-MM-DD.")
    else:
        given = isinstance(value, datetime.datetime)
        pattern = _DATETIME_RE
        missing_fix = env._("give a date and time as YYYY-MM-DD HH:MM:SS.")
        bad_fix = env._("give a date and time as YYYY-MM-DD HH:MM:SS (UTC).")
    if value is None or value is False or value == "":
        if not required:
            return None
        _fail(env, method, argument, env._("is missing"), missing_fix)
    parsed = value if given else _parse_date(value, pattern, kind)
    if parsed is None:
        if kind == "date":
            problem = env._("is %(value)s, not a date", value=_shown(value))
        else:
            problem = env._("is %(value)s, not a date and time", value=_shown(value))
        _fail(env, method, argument, problem, bad_fix)
    day = parsed if kind == "date" else parsed.date()
    if not MIN_DATE <= day <= MAX_DATE:
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s, out of range", value=_shown(value)),
            env._("give a date from %(min)s to %(max)s.", min=MIN_DATE, max=MAX_DATE),
        )
    return parsed


def require_choice(env, method, argument, value, choices, required=False):
    """One of ``choices``; None or False returns None unless ``required``."""
    if (value is None or value is False) and not required:
        return None
    if not isinstance(value, str) or value not in choices:
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s", value=_shown(value)),
            env._("give one of %(choices)s.", choices=", ".join(choices)),
        )
    return value


def require_choices(env, method, argument, value, choices):
    """A list of values among ``choices``; None or False returns []."""
    if value is None or value is False:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s", value=_shown(value)),
            env._("give a list of %(choices)s.", choices=", ".join(choices)),
        )
    unknown = [item for item in value if item not in choices]
    if unknown:
        _fail(
            env,
            method,
            argument,
            env._("holds unknown values %(values)s", values=", ".join(map(repr, unknown))),
            env._("use %(choices)s.", choices=", ".join(choices)),
        )
    return list(value)


def require_options(env, method, argument, value, allowed):
    """A dict whose keys are among ``allowed``; None or False returns {}."""
    if value is None or value is False:
        return {}
    if not isinstance(value, dict):
        _fail(
            env,
            method,
            argument,
            env._("is %(value)s, not a dict", value=_shown(value)),
            env._("give a dict with the keys %(keys)s.", keys=", ".join(allowed)),
        )
    unknown = sorted(str(key) for key in set(value) - set(allowed))
    if unknown:
        _fail(
            env,
            method,
            argument,
            env._("has unknown options %(keys)s", keys=", ".join(unknown)),
            env._("use %(keys)s.", keys=", ".join(allowed)),
        )
    return dict(value)


def require_rows(env, method, argument, value, maximum=MAX_BATCH_ROWS, dicts=True):
    """A list of at most ``maximum`` rows, dicts unless ``dicts`` is False
    (the method then reports each row that is not a dict)."""
    if not isinstance(value, list | tuple) or (dicts and not all(isinstance(row, dict) for row in value)):
        _fail(env, method, argument, env._("is %(value)s", value=_shown(value)), env._("give a list of rows (dicts)."))
    if len(value) > maximum:
        _fail(
            env,
            method,
            argument,
            env._("has %(count)s rows", count=len(value)),
            env._("send at most %(max)s rows per call (split the batch).", max=maximum),
        )
    return list(value)


def cut_message(message, length=MAX_ERROR_LENGTH):
    """An error message cut to ``length`` characters (a row may quote a
    value of any size)."""
    message = str(message)
    return message if len(message) <= length else message[: length - 3] + "..."


def cap_errors(env, errors, maximum=MAX_ERRORS):
    """The first ``maximum`` error lines (each cut short), then how many more
    there are."""
    shown = [cut_message(error) for error in errors[:maximum]]
    if len(errors) > maximum:
        shown.append(env._("... and %(count)s more errors.", count=len(errors) - maximum))
    return shown


def check_amount_vals(env, model, vals_list, names):
    """Refuse infinity, NaN and amounts beyond ±MAX_ABS_VALUE in the create or
    write values of ``model`` (a recordset) for the fields ``names``, before
    Odoo's rounding fails on them with an OverflowError or a ValueError."""
    for vals in vals_list:
        for name in names:
            value = vals.get(name)
            if value is None or value is False:
                continue
            if number_problem(env, value):
                raise ValidationError(
                    env._(
                        "%(model)s: %(field)s %(value)s is not valid; enter a finite number from %(min)s to %(max)s.",
                        model=model._description,
                        field=model._fields[name]._description_string(env),
                        value=_shown(value),
                        min=f"{-MAX_ABS_VALUE:g}",
                        max=f"{MAX_ABS_VALUE:g}",
                    )
                )
