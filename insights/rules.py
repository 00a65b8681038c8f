"""When an overview item needs attention: the thresholds, in one place."""

RISING_FACTOR = 1.5  # today's failures above 1.5x the 7-day daily average...
RISING_MINIMUM = 3  # ...and at least this many
ERROR_RATE_FACTOR = 1.5
SPEND_FACTOR = 1.5


def failures_are_rising(today, daily_average):
    return today >= RISING_MINIMUM and today > RISING_FACTOR * daily_average


def error_rate_is_up(last_hour, last_day):
    return last_hour is not None and last_hour > 0 and (not last_day or last_hour > ERROR_RATE_FACTOR * last_day)


def spend_is_high(today, daily_average):
    return today > 0 and today > SPEND_FACTOR * daily_average
