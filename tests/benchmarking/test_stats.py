"""The comparison statistics on small groups whose answers were worked out by hand."""

import pytest

from benchmarking import stats


def test_summary_leaves_out_missing_and_suppressed_values_and_counts_them():
    summary = stats.summarise([1, 2, 2, 4, None, None])
    assert summary.count == 4
    assert summary.missing == 2
    # Inclusive quartiles of 1, 2, 2, 4: positions 0.75, 1.5 and 2.25 of the sorted list.
    assert summary.lower_quartile == pytest.approx(1.75)
    assert summary.median == pytest.approx(2)
    assert summary.upper_quartile == pytest.approx(2.5)
    assert summary.mean == pytest.approx(2.25)
    assert (summary.minimum, summary.maximum) == (1, 4)


def test_summary_of_a_group_with_no_values_has_no_figures():
    summary = stats.summarise([None, None])
    assert (summary.count, summary.missing, summary.median) == (0, 2, None)


def test_ties_share_the_best_of_their_places_whichever_way_is_better():
    group = [1, 2, 2, 4]
    assert stats.rank(2, group, polarity="higher") == (2, 4)
    assert stats.rank(4, group, polarity="higher") == (1, 4)
    assert stats.rank(1, group, polarity="higher") == (4, 4)
    assert stats.rank(2, group, polarity="lower") == (2, 4)
    assert stats.rank(4, group, polarity="lower") == (4, 4)
    assert stats.rank(None, group, polarity="lower") is None
    # A suppressed member is not counted among those ranked.
    assert stats.rank(2, [*group, None], polarity="higher") == (2, 4)


def test_quartile_band_is_counted_from_the_best_and_a_value_on_a_cut_goes_below():
    eight = [1, 2, 3, 4, 5, 6, 7, 8]  # cuts 2.75, 4.5, 6.25
    assert stats.band(3, eight, polarity="lower") == 2
    assert stats.band(3, eight, polarity="higher") == 3
    assert stats.band(8, eight, polarity="higher") == 1
    assert stats.band(3, [1, 2, 3, 4, 5], polarity="none") == 2  # 3 is the median cut
    assert stats.band(7, eight, n=10, polarity="none") == 9
    assert stats.band(None, eight) is None


def test_direction_of_travel_reads_the_polarity_and_skips_missing_periods():
    assert stats.direction_of_travel([10, None, 12], polarity="higher") == "improving"
    assert stats.direction_of_travel([10, None, 12], polarity="lower") == "getting worse"
    assert stats.direction_of_travel([12, 10], polarity="lower") == "improving"
    assert stats.direction_of_travel([10, 12], polarity="none") == "increasing"
    assert stats.direction_of_travel([10, 10], polarity="higher") == "no change"
    assert stats.direction_of_travel([None, 5], polarity="higher") is None


def test_change_since_last_period_and_a_year_before_needs_both_values():
    series = [4, 5, None, 9]
    assert stats.change(series) is None
    assert stats.change(series, back=2) == 4
    assert stats.change(series, back=3) == 5


def test_deviations_from_the_group():
    group = [2, 4, 4, 4, 5, 5, 7, 9]  # mean 5, population sd 2, median 4.5, MAD 0.5
    assert stats.standard_deviations(9, group) == pytest.approx(2)
    assert stats.median_absolute_deviations(5.5, group) == pytest.approx(2)
    assert stats.standard_deviations(3, [3, 3]) == 0


def test_wilson_interval_for_half_of_a_hundred():
    lower, upper = stats.wilson_interval(50, 100)
    assert lower == pytest.approx(0.4038, abs=1e-4)
    assert upper == pytest.approx(0.5962, abs=1e-4)


def test_byar_interval_for_a_count_of_ten():
    lower, upper = stats.byar_interval(10)
    # By hand: 10(1 - 1/90 - 1.96/(3 sqrt 10))^3 and 11(1 - 1/99 + 1.96/(3 sqrt 11))^3.
    assert lower == pytest.approx(4.788, abs=2e-3)  # the exact Poisson limit is 4.795
    assert upper == pytest.approx(18.39, abs=1e-2)
    assert stats.byar_interval(0)[0] == 0


def test_significance_against_the_group_follows_fingertips():
    assert stats.significance(0.40, 0.60, 0.30, polarity="higher") == "significantly better"
    assert stats.significance(0.40, 0.60, 0.30, polarity="lower") == "significantly worse"
    assert stats.significance(0.40, 0.60, 0.70, polarity="higher") == "significantly worse"
    assert stats.significance(0.40, 0.60, 0.50, polarity="higher") == "similar"
    assert stats.significance(0.40, 0.60, 0.60, polarity="lower") == "similar"
    assert stats.significance(0.40, 0.60, 0.30, polarity="none") == "significantly higher"
    assert stats.significance(None, 0.60, 0.30, polarity="higher") is None
