"""The upstream's daily limit (issue 25, item 4): ~Rp 30 jt of money in per WIB day per account, after
which payments may stop arriving. The owner is warned at 80 % and 95 %, once each per WIB day."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import pytest

from kasir import settings
from kasir.daily_limit import DEFAULT_LIMIT, DailyLimitWatch

DAY = date(2026, 11, 25)
LIMIT = 30_000_000


@pytest.fixture
def watch() -> DailyLimitWatch:
    return DailyLimitWatch()


def test_money_just_under_80_percent_says_nothing(watch: DailyLimitWatch) -> None:
    assert watch.check(DAY, 23_999_999, LIMIT) is None


def test_money_at_80_percent_warns_what_happens_at_the_limit(watch: DailyLimitWatch) -> None:
    warning = watch.check(DAY, 24_000_000, LIMIT)
    assert warning is not None and warning.percent == 80 and warning.level == "warn"
    assert "80%" in warning.text and "Rp 24.000.000" in warning.text and "Rp 30.000.000" in warning.text
    assert "berhenti masuk atau tidak terdeteksi" in warning.text
    assert "akun lain" in warning.text and "QRIS statis" in warning.text


def test_the_80_percent_warning_is_given_once_a_day(watch: DailyLimitWatch) -> None:
    assert watch.check(DAY, 24_000_000, LIMIT) is not None
    assert watch.check(DAY, 24_000_000, LIMIT) is None
    assert watch.check(DAY, 28_499_999, LIMIT) is None


def test_money_at_95_percent_warns_again_more_urgently(watch: DailyLimitWatch) -> None:
    watch.check(DAY, 24_000_000, LIMIT)
    warning = watch.check(DAY, 28_500_000, LIMIT)
    assert warning is not None and warning.percent == 95 and warning.level == "error"
    assert "95%" in warning.text and "berhenti masuk atau tidak terdeteksi" in warning.text
    assert watch.check(DAY, 29_700_000, LIMIT) is None


def test_money_above_both_thresholds_at_once_warns_once_at_the_higher(watch: DailyLimitWatch) -> None:
    warning = watch.check(DAY, 29_000_000, LIMIT)
    assert warning is not None and warning.percent == 95
    assert watch.check(DAY, 29_000_000, LIMIT) is None


def test_a_new_wib_day_warns_again(watch: DailyLimitWatch) -> None:
    watch.check(DAY, 28_500_000, LIMIT)
    assert watch.check(DAY + timedelta(days=1), 0, LIMIT) is None
    warning = watch.check(DAY + timedelta(days=1), 24_000_000, LIMIT)
    assert warning is not None and warning.percent == 80


def test_a_limit_of_zero_never_warns(watch: DailyLimitWatch) -> None:
    assert watch.check(DAY, 99_000_000, 0) is None


def test_the_thresholds_follow_the_shops_own_limit(watch: DailyLimitWatch) -> None:
    assert watch.check(DAY, 7_999, 10_000) is None
    warning = watch.check(DAY, 8_000, 10_000)
    assert warning is not None and "Rp 10.000" in warning.text


def test_a_warning_is_also_a_log_line(watch: DailyLimitWatch, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kasir.daily_limit"):
        watch.check(DAY, 24_000_000, LIMIT)
    assert any("80%" in r.getMessage() and "24000000" in r.getMessage() for r in caplog.records)


# ---- the setting ---------------------------------------------------------------------------------------


def test_the_daily_limit_is_the_upstreams_30_million_unless_the_shop_says_otherwise() -> None:
    assert settings.Settings().daily_limit == DEFAULT_LIMIT == 30_000_000


def test_the_daily_limit_survives_a_save_and_a_load_and_zero_turns_it_off(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.Settings(daily_limit=0))
    assert settings.load(tmp_path).daily_limit == 0
    settings.save(tmp_path, settings.Settings(daily_limit=25_000_000))
    assert settings.load(tmp_path).daily_limit == 25_000_000


def test_a_negative_daily_limit_is_no_value_and_takes_the_default() -> None:
    assert settings.from_mapping({"daily_limit": -5}).daily_limit == DEFAULT_LIMIT
