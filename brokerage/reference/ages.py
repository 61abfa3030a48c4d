"""Ages in whole years, as the law counts them: a person is a year older on their birthday.

Someone born on 29 February has their birthday on 1 March in other years (they are not yet a
year older on 28 February). ``years_before`` turns an age limit into a date of birth, so a
database filter on dates agrees with ``age_on``:

- ``age_on(dob, day) >= n``  exactly when  ``dob <= years_before(day, n)``;
- ``age_on(dob, day) <= n``  exactly when  ``dob > years_before(day, n + 1)``.
"""

import datetime


def age_on(date_of_birth: datetime.date | None, day: datetime.date) -> int | None:
    """Age in whole years on ``day``; None when the date of birth is not known."""
    if date_of_birth is None:
        return None
    birthday_to_come = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - birthday_to_come


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (28 February for 29 February in a year that has none)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
