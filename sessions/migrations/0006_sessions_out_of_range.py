import datetime

from django.db import migrations
from django.db.models import Q

EARLIEST = datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)


def cancel_sessions_out_of_range(apps, schema_editor):
    """Rows stored before the bounds existed (a calendar import of year 1, say) broke every list
    that showed them. Each is moved to the nearest bound, keeping its length where it fits, and
    marked cancelled, so its title, abstract and reflections are kept and an organizer can fix
    its date; the migration names each one."""
    Session = apps.get_model("tracker_sessions", "Session")
    outside = Session.objects.filter(
        Q(starts_at__lt=EARLIEST) | Q(ends_at__gt=LATEST) | Q(starts_at__gt=LATEST)
    )
    for session in outside:
        length = min(session.ends_at - session.starts_at, datetime.timedelta(days=1))
        start = min(max(session.starts_at, EARLIEST), LATEST - length)
        print(f"\n  Session {session.pk} ({session.title!r}) was outside 1900-2200: cancelled.")
        Session.objects.filter(pk=session.pk).update(
            starts_at=start, ends_at=start + length, status="cancelled"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker_sessions", "0005_run_attempts"),
    ]

    operations = [
        migrations.RunPython(cancel_sessions_out_of_range, migrations.RunPython.noop),
    ]
