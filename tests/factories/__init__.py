"""factory_boy factories. Each app adds its own module here (tests/factories/<app>.py)."""

import factory

factory.Faker._DEFAULT_LOCALE = "en_GB"
