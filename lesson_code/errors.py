"""One error for a bad argument: a ValueError that names its field.

Every validator in lesson_code raises `ArgumentError(message, field)`, where
`field` is the argument at fault ("lr", "beta", "start", "num_steps",
"landscape", "optimizers", ...). The web worker's reply carries that field
and the page puts the message beside that field's control, so a message can
be reworded freely: nothing parses its words.

    try:
        sgd(-1)
    except ArgumentError as err:
        err.field   # "lr"
"""

import math
import numbers
import reprlib

__all__ = ["ArgumentError", "shown", "finite_number"]


class ArgumentError(ValueError):
    """A ValueError naming the argument at fault in `field`; `loc` is where
    in a nested request it sits (("optimizers", 1, "lr")), by default
    (field,)."""

    def __init__(self, message, field, loc=None):
        super().__init__(message)
        self.field = field
        self.loc = tuple(loc) if loc is not None else (field,)


_short = reprlib.Repr()
_short.maxlevel, _short.maxlist, _short.maxdict = 3, 6, 4
_short.maxstring, _short.maxlong, _short.maxother = 60, 40, 60


def shown(value):
    """repr(value), cut short: what a message may quote of any input."""
    try:
        return _short.repr(value)
    except Exception:  # a repr that fails (an int too long to print)
        return f"a {type(value).__name__}"


def finite_number(value, field):
    """value as a finite float; ArgumentError naming field if it is not a
    real number (a bool is not), is NaN or ±∞, or is too large for a float
    (an integer of hundreds of digits)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(f"{field} must be a number, got {shown(value)}",
                            field)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ArgumentError(f"{field} must be finite (and below about "
                            f"1.8e308), got {shown(value)}", field)
    return number
