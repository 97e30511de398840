# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Identity document checks (plain Python, messages translated by the caller).

``check_resident_id`` / ``check_uscc`` return the compact number or raise
``IdentityError(code, params)``; codes: length, format, birth_date, future_birth_date,
checksum, region.
"""

import datetime

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc


class IdentityError(ValueError):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def compact(number):
    return "".join((number or "").split()).replace("-", "").upper()


def check_resident_id(number, today=None):
    number = compact(number)
    if len(number) != 18:
        raise IdentityError("length", expected=18, found=len(number))
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise IdentityError("format")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_exc.ValidationError:
        raise IdentityError("birth_date", date=number[6:14]) from None
    if birth > (today or datetime.date.today()):
        raise IdentityError("future_birth_date", date=birth.isoformat())
    if number[-1] != ric.calc_check_digit(number):
        raise IdentityError("checksum")
    try:
        ric.validate(number)
    except stdnum_exc.ValidationError:
        raise IdentityError("region", region=number[:6]) from None
    return number


def resident_birth_date(number):
    """Birth date of a PRC resident ID number (``None`` when it has none)."""
    number = compact(number)
    if len(number) != 18:
        return None
    try:
        return ric.get_birth_date(number)
    except stdnum_exc.ValidationError:
        return None


def check_uscc(number):
    number = compact(number)
    if len(number) != 18:
        raise IdentityError("length", expected=18, found=len(number))
    try:
        uscc.validate(number)
    except stdnum_exc.InvalidChecksum:
        raise IdentityError("checksum") from None
    except stdnum_exc.ValidationError:
        raise IdentityError("format") from None
    return number
