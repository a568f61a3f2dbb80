"""Pure functions that make two spellings of the same participant compare equal.

Used to catch duplicate registrations: the same e-mail, or the same name with the same phone.
Names fold case, punctuation, word order ("Surname Name" and "Name Surname") and the Kazakh
letters that Russian keyboards type without (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→и),
plus ё→е. Phones keep digits only, with a Kazakh/Russian trunk "8" read as the country code 7.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

_KAZAKH_TO_RUSSIAN = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
)
_NOT_A_LETTER = re.compile(r"[^\w]+|_")
# No 0/O, 1/I/L: a personal code is read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е")
    folded = folded.translate(_KAZAKH_TO_RUSSIAN)
    words = [word for word in _NOT_A_LETTER.split(folded) if word]
    return " ".join(sorted(words))


def phone_key(phone: str) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits.startswith("7"):
        digits = "7" + digits  # a Kazakh mobile number written without the country code
    return digits


def email_key(email: str) -> str:
    return email.strip().casefold()


def new_personal_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_key(text: str) -> str:
    """What a person typed as their code, without spaces, dashes or case."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code
