"""Rate limits counted in the database (core/throttle.py): a limit per key and window, places
given back, a new window after the old one, expired windows pruned by the daily job.
(The parallel case is in training/tests/test_throttle_postgres.py.)"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from qorgau.core.models import ThrottleWindow
from qorgau.core.throttle import Throttle, throttle_windows_prune

pytestmark = pytest.mark.django_db

THREE = Throttle(scope="test.three", limit=3, window=timedelta(minutes=15))


def test_a_key_gets_its_limit_and_no_more():
    taken = [THREE.take("a") for _ in range(5)]

    assert taken == [True, True, True, False, False]
    assert THREE.used("a") == 3
    assert ThrottleWindow.objects.get().count == 3  # refusals write nothing


def test_keys_and_scopes_count_apart():
    other_scope = Throttle(scope="test.other", limit=3, window=timedelta(minutes=15))
    for _ in range(3):
        THREE.take("a")

    assert THREE.take("b") is True
    assert other_scope.take("a") is True
    assert (THREE.used("a"), THREE.used("b"), other_scope.used("a")) == (3, 1, 1)


def test_a_place_given_back_can_be_taken_again():
    for _ in range(3):
        THREE.take("a")
    THREE.give_back("a")

    assert THREE.used("a") == 2
    assert THREE.take("a") is True
    assert THREE.take("a") is False


def test_giving_back_never_goes_below_zero():
    THREE.give_back("nobody")
    THREE.take("a")
    THREE.give_back("a")
    THREE.give_back("a")

    assert THREE.used("a") == 0
    assert [THREE.take("a") for _ in range(4)] == [True, True, True, False]


def test_the_window_starts_at_the_first_attempt_and_a_new_one_follows():
    with time_machine.travel("2026-12-01 09:00:00Z", tick=False) as machine:
        THREE.take("a")
        machine.shift(timedelta(minutes=10))
        THREE.take("a")
        THREE.take("a")
        assert THREE.take("a") is False

        machine.shift(timedelta(minutes=4, seconds=59))  # 14:59 after the first
        assert THREE.take("a") is False

        machine.shift(timedelta(seconds=1))  # 15:00: a new window
        assert THREE.used("a") == 0
        assert THREE.take("a") is True
        assert THREE.used("a") == 1
        assert ThrottleWindow.objects.count() == 1


def test_a_long_key_is_cut_to_fit():
    long = "x" * 400

    assert THREE.take(long) is True
    assert THREE.used(long) == 1


def test_the_daily_job_deletes_the_windows_that_are_over():
    with time_machine.travel("2026-12-01 09:00:00Z", tick=False) as machine:
        THREE.take("old")
        machine.shift(timedelta(minutes=10))
        THREE.take("young")
        machine.shift(timedelta(minutes=6))

        out = io.StringIO()
        call_command("prune_throttle_windows", stdout=out)

        assert "1 expired throttle window(s) deleted" in out.getvalue()
        assert list(ThrottleWindow.objects.values_list("key", flat=True)) == ["test.three:young"]
        assert throttle_windows_prune() == 0


def test_pruning_is_part_of_qorgau_daily():
    from qorgau.core.management.commands.daily import DAILY_JOBS

    assert "prune_throttle_windows" in DAILY_JOBS
