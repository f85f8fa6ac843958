import django.utils.timezone
from django.db import migrations, models

import core.fields


class Migration(migrations.Migration):

    dependencies = [
        ("episodes", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="show",
            name="podcast_type",
            field=models.CharField(
                choices=[
                    ("episodic", "Episodic (newest first)"),
                    ("serial", "Serial (in order, oldest first)"),
                ],
                default="episodic",
                help_text="How podcast apps present the episodes.",
                max_length=10,
                verbose_name="podcast type",
            ),
        ),
        migrations.AddField(
            model_name="show",
            name="locked",
            field=models.BooleanField(
                default=True,
                help_text="Asks other podcast platforms not to import the feed (podcast:locked); "
                "turn off only while moving the show to another host.",
            ),
        ),
        migrations.AddField(
            model_name="show",
            name="funding_url",
            field=core.fields.WebURLField(
                blank=True,
                help_text="Where listeners can support the show, if anywhere.",
                verbose_name="funding URL",
            ),
        ),
        migrations.AddField(
            model_name="show",
            name="funding_text",
            field=models.CharField(
                blank=True,
                help_text='The funding link\'s text, like "Support the show".',
                max_length=128,
            ),
        ),
        migrations.AddField(
            model_name="show",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
