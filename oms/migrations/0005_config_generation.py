"""The generation stamps behind oms.config_cache: a table of (name, generation), the sequence
the numbers come from, and the trigger function apps attach to their configuration tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("oms", "0004_notification_preferences"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE SEQUENCE oms_config_generation_seq",
                "CREATE TABLE oms_config_generation (name varchar(60) PRIMARY KEY, generation bigint NOT NULL)",
                """
                CREATE FUNCTION oms_bump_config_generation() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO oms_config_generation (name, generation)
                    VALUES (TG_ARGV[0], nextval('oms_config_generation_seq'))
                    ON CONFLICT (name) DO UPDATE SET generation = EXCLUDED.generation;
                    RETURN NULL;
                END $$
                """,
            ],
            reverse_sql=[
                "DROP FUNCTION oms_bump_config_generation()",
                "DROP TABLE oms_config_generation",
                "DROP SEQUENCE oms_config_generation_seq",
            ],
        ),
    ]
