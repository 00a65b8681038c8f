"""Create Aria's warehouse, or adopt one that Aria's API already created.

Three cases, told apart by what the database holds:

- empty (no table in ``aria_data``/``aria_engine``): run all migrations;
- managed (our migrations are recorded): run ``migrate``, a no-op when current;
- created by Aria (its tables, none of our migrations recorded): build our
  schema in a scratch database on the same server, with only the extensions
  the warehouse has, and compare the two catalogs. When they match, record
  our migrations as applied (``migrate --fake``: no table or row touched);
  when they differ, print each difference, change nothing, exit non-zero.
"""

import os

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from aria_admin.catalog import ARIA_SCHEMAS, compare, read_catalog

ARIA_APPS = ("data_app", "engine_app")
EXTENSIONS = ("vector", "pg_trgm")
INSUFFICIENT_PRIVILEGE = "42501"


def plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


class WarehouseState:
    """What a database holds, read without changing anything."""

    EMPTY, MANAGED, ARIA_CREATED = "empty", "managed", "created by Aria"

    def __init__(self, connection):
        self.connection = connection
        self.name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = ANY(%s)",
                [ARIA_SCHEMAS],
            )
            self.aria_tables = cursor.fetchone()[0]
            cursor.execute(
                "SELECT extname FROM pg_extension WHERE extname = ANY(%s) ORDER BY 1",
                [list(EXTENSIONS)],
            )
            self.extensions = [row[0] for row in cursor.fetchall()]
        recorder = MigrationRecorder(connection)
        self.recorded = {
            app for app, _ in recorder.applied_migrations() if app in ARIA_APPS
        }
        if self.recorded:
            self.kind = self.MANAGED
        elif self.aria_tables:
            self.kind = self.ARIA_CREATED
        else:
            self.kind = self.EMPTY

    def unapplied_migrations(self):
        executor = MigrationExecutor(self.connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())


class ScratchSchema:
    """Our migrations applied to a throw-away database on the same server.

    A context manager: creates the database and a temporary connection alias,
    migrates it, and on exit closes the alias and drops the database.
    """

    def __init__(self, connection, extensions):
        self.connection = connection
        self.extensions = list(extensions)
        self.name = f"{connection.settings_dict['NAME'][:40]}_aria_check_{os.getpid()}"
        self.alias = f"aria_check_{os.getpid()}"

    def __enter__(self):
        self._execute(f'CREATE DATABASE "{self.name}" TEMPLATE template0')
        settings_dict = {
            **self.connection.settings_dict,
            "NAME": self.name,
            "ARIA_EXTENSIONS": self.extensions,
        }
        connections.settings[self.alias] = settings_dict
        return self

    def catalog(self):
        call_command("migrate", database=self.alias, verbosity=0, interactive=False)
        with connections[self.alias].cursor() as cursor:
            return read_catalog(cursor)

    def __exit__(self, *exc_info):
        connections[self.alias].close()
        del connections[self.alias]
        del connections.settings[self.alias]
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _execute(self, sql):
        with self.connection.cursor() as cursor:
            cursor.execute(sql)


class Command(BaseCommand):
    help = (
        "Create Aria's schemas, extensions and 39 tables in an empty database, "
        "or adopt a warehouse Aria's API created (after checking that its schema "
        "matches ours exactly), or apply new migrations to one we manage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report what would be done and any schema difference; change nothing.",
        )
        parser.add_argument(
            "--models", metavar="PATH", help="Then import Aria's models.yaml."
        )
        parser.add_argument(
            "--cron", metavar="PATH", help="Then import Aria's cron_jobs.yaml."
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Database alias (default: %(default)s).",
        )

    def handle(self, *args, check, models, cron, database, verbosity, **options):
        if check and (models or cron):
            raise CommandError("--check changes nothing, so it cannot import --models or --cron.")
        self.verbosity = verbosity
        connection = connections[database]
        state = WarehouseState(connection)
        if check:
            self.report(state)
            return
        if state.kind == state.EMPTY:
            self.create(state, database)
        elif state.kind == state.MANAGED:
            self.update(state, database)
        else:
            self.adopt(state, database)
        from aria_admin.roles import ensure_groups

        ensure_groups()  # creates or repairs "Aria viewers" and "Aria operators"
        if models:
            call_command("import_llm_models", models, stdout=self.stdout, stderr=self.stderr)
        if cron:
            call_command("import_cron_jobs", cron, stdout=self.stdout, stderr=self.stderr)

    # --check ---------------------------------------------------------------

    def report(self, state):
        if state.kind == state.EMPTY:
            count = len(state.unapplied_migrations())
            self.stdout.write(
                f"{state.name}: empty; aria_bootstrap would apply {count} migrations "
                f"(schemas, extensions, {self.table_count()} tables, Django's own tables)."
            )
        elif state.kind == state.MANAGED:
            count = len(state.unapplied_migrations())
            self.stdout.write(
                f"{state.name}: managed by Aria Admin; {plural(count, 'unapplied migration')}."
            )
        else:
            self.compare_with_models(state)
            self.stdout.write(
                f"{state.name}: created by Aria and matches the models; "
                "aria_bootstrap would record the migrations as applied, touching no row."
            )

    # the three cases -------------------------------------------------------

    def create(self, state, database):
        count = len(state.unapplied_migrations())
        self.migrate(database)
        state = WarehouseState(connections[database])
        extensions = ", ".join(state.extensions) or "none available"
        self.stdout.write(
            self.style.SUCCESS(
                f"{state.name}: created schemas, extensions ({extensions}) and "
                f"{state.aria_tables} tables; applied {count} migrations."
            )
        )

    def update(self, state, database):
        count = len(state.unapplied_migrations())
        if count:
            self.migrate(database)
            self.stdout.write(
                self.style.SUCCESS(f"{state.name}: managed; applied {plural(count, 'new migration')}.")
            )
        else:
            self.stdout.write(f"{state.name}: managed and up to date; nothing to do.")

    def adopt(self, state, database):
        self.compare_with_models(state)
        for app in ARIA_APPS:
            self.migrate(database, app, fake=True)
        count = len(state.unapplied_migrations())
        self.migrate(database)
        self.stdout.write(
            self.style.SUCCESS(
                f"{state.name}: adopted Aria's warehouse ({state.aria_tables} tables match "
                f"the models); recorded our migrations as applied without touching a row; "
                f"applied {count} migrations for Django's own tables."
            )
        )

    # helpers ---------------------------------------------------------------

    def compare_with_models(self, state):
        """Raise CommandError, after printing each difference, unless they match."""
        try:
            with ScratchSchema(state.connection, state.extensions) as scratch:
                expected = scratch.catalog()
        except Exception as exc:
            if getattr(exc.__cause__, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            user = state.connection.settings_dict.get("USER") or "this role"
            raise CommandError(
                f"cannot compare {state.name} with the models: the role {user!r} may not "
                "create the scratch database the comparison needs (grant it CREATEDB "
                "or use a role that has it); nothing was changed."
            ) from None
        with state.connection.cursor() as cursor:
            actual = read_catalog(cursor)
        state.connection.close()  # read_catalog changed this session's search_path
        differences = compare(expected, actual)
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError(
                f"{state.name} differs from the models in {len(differences)} "
                "ways (listed above); nothing was changed."
            )

    def migrate(self, database, *app, fake=False):
        call_command(
            "migrate",
            *app,
            database=database,
            fake=fake,
            interactive=False,
            verbosity=max(self.verbosity - 1, 0),
            stdout=self.stdout,
        )

    @staticmethod
    def table_count():
        return sum(len(list(apps.get_app_config(app).get_models())) for app in ARIA_APPS)
