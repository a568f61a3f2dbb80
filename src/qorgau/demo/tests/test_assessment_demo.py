"""The demo's pre/post tests of the 2016 series give plausible figures."""

from __future__ import annotations

import pytest

from qorgau.demo.services import demo_load
from qorgau.training.assessment_selectors import event_results, series_results
from qorgau.training.models import Attempt, Event, Question
from qorgau.training.stats import Band

pytestmark = pytest.mark.django_db


def test_the_2016_series_has_pre_and_post_tests_with_a_medium_gain(demo, capsys):
    assert Question.objects.count() >= 20
    events = list(Event.objects.filter(code__startswith="osce-2016-"))
    assert len(events) == 5
    results = series_results([e.pk for e in events])
    g = results.gain
    assert g.n_pairs > 140  # about 180 people, a few missed one of the tests
    assert g.pre_only > 0 and g.post_only > 0
    assert g.class_gain_band is Band.MEDIUM
    assert g.effect_size is not None and g.effect_size > 0.8
    alphas = [f.alpha for f in results.forms if f.alpha is not None]
    assert len(results.forms) == 4 and all(0 < a < 1 for a in alphas)
    with capsys.disabled():
        print(
            f"\n2016 series: pairs={g.n_pairs} pre_only={g.pre_only} post_only={g.post_only} "
            f"pre={g.mean_pre:.1f} post={g.mean_post:.1f} <g>={g.class_gain:.3f} "
            f"({g.class_gain_band}) avg_ind_g={g.average_individual_gain:.3f} "
            f"d={g.effect_size:.2f} alpha="
            + ", ".join(f"{f.phase}-{f.form}:{f.alpha:.2f}" for f in results.forms)
        )
        for event in events:
            e = event_results(event).gain
            print(f"  {event.city}: n={e.n_pairs} <g>={e.class_gain:.2f} d={e.effect_size:.2f}")


def test_loading_the_demo_twice_adds_no_attempts(demo):
    count = Attempt.objects.count()
    demo_load()
    assert Attempt.objects.count() == count
