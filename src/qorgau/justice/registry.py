"""The pre-trial register number: the Unified Register of Pre-trial Investigations (ERDR).

Since 1 January 2015 (Criminal Procedure Code of 2014) every reported offence in Kazakhstan is
entered in the ERDR and gets a 15-digit number whose first two digits are the year of
registration; the remaining digits code the registering body and a running number [check].
Only what we are sure of is checked (ADR 0012): 15 digits, a year from 2015 to this year.
Spaces, dashes and a leading "№" are accepted and dropped.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ERDR_DIGITS = 15
FIRST_YEAR = 2015
_SEPARATORS = re.compile(r"[\s\-–№#]+")


def normalise_register_number(value: str) -> str:
    """The number as 15 digits, or a ValidationError saying what is wrong with it."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits:
        raise ValidationError(_("Enter the pre-trial register (ERDR) number."))
    if not digits.isdigit() or len(digits) != ERDR_DIGITS:
        raise ValidationError(
            _("An ERDR number has %(count)d digits, such as 241550031000123.")
            % {"count": ERDR_DIGITS}
        )
    year = 2000 + int(digits[:2])
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            _("An ERDR number starts with the year of registration (15 to %(year)s).")
            % {"year": f"{timezone.localdate().year % 100:02d}"}
        )
    return digits


def register_year(number: str) -> int:
    return 2000 + int(number[:2])
