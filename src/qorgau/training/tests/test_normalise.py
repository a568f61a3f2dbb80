"""Spellings of the same person compare equal; different people do not."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from qorgau.training.normalise import code_key, format_code, name_key, new_personal_code, phone_key

words = st.lists(
    st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюяәғқңөұүһі" + string.ascii_lowercase,
            min_size=1, max_size=10),
    min_size=1,
    max_size=4,
)  # fmt: skip


@given(words, st.randoms())
def test_word_order_case_and_spacing_do_not_matter(parts, rnd):
    shuffled = parts[:]
    rnd.shuffle(shuffled)

    assert name_key(" ".join(parts)) == name_key("  ".join(w.upper() for w in shuffled))


def test_kazakh_letters_fold_to_their_russian_keyboard_forms():
    assert name_key("Нұрланова Айгерім") == name_key("Нурланова Айгерим")
    assert name_key("Өтепов Ғани") == name_key("Отепов Гани")
    assert name_key("Алёна") == name_key("Алена")
    assert name_key("Ivanova-Petrova, Anna") == name_key("anna ivanova petrova")


def test_different_names_stay_different():
    assert name_key("Нурланова Айгерим") != name_key("Нурланов Айгерим")


def test_kazakh_phone_numbers_in_any_common_form_compare_equal():
    forms = ["+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "701 123 45 67", "77011234567"]

    assert {phone_key(f) for f in forms} == {"77011234567"}


@given(st.integers(min_value=0, max_value=10**9))
def test_phone_key_keeps_digits_only(number):
    assert phone_key(f"tel: {number}!").isdigit()


def test_personal_codes_are_easy_to_read_and_type():
    code = new_personal_code()

    assert len(code) == 8 and not set(code) & set("01OIL")
    assert code_key(format_code(code).lower()) == code
