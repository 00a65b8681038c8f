"""django_admin_log (user_id, action_time DESC): a user's latest entries
without sorting all of them (Recent actions, Recent changes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("admin", "0003_logentry_add_action_flag_choices")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS django_admin_log_user_recent "
            "ON public.django_admin_log (user_id, action_time DESC)",
            "DROP INDEX IF EXISTS public.django_admin_log_user_recent",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS django_admin_log_recent "
            "ON public.django_admin_log (action_time DESC)",
            "DROP INDEX IF EXISTS public.django_admin_log_recent",
        ),
    ]
