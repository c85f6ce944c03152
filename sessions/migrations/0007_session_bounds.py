import datetime

from django.db import migrations, models

EARLIEST = datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)


class Migration(migrations.Migration):
    # Apart from 0006's updates: PostgreSQL refuses ALTER TABLE beside pending trigger events.
    dependencies = [
        ("tracker_sessions", "0006_sessions_out_of_range"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("starts_at__gte", EARLIEST),
                    ("ends_at__lte", LATEST),
                    ("number__lte", 100000),
                ),
                name="session_times_and_number_in_range",
                violation_error_message="Give a time between the years 1900 and 2200.",
            ),
        ),
    ]
