from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker_sessions", "0004_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="run",
            name="worker_pid",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
    ]
