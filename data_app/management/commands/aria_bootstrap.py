"""Create Aria's warehouse, or adopt or upgrade one that Aria already runs.

Told apart by what the database holds:

- empty (no table in ``aria_data``/``aria_engine``): run all migrations;
- anything else (Aria's, or ours already): build our schema in a scratch
  database on the same server, with only the extensions the warehouse has,
  at both levels we know (Aria v3.0.0 and Aria main 2026-02-28), and compare
  the live catalog with Aria main's using ``catalog.classify``:

  - drift (a missing table or column, another type, a changed key, ...)
    is printed line by line; nothing is changed; exit non-zero;
  - warnings (what a later Aria may add: a table, a nullable column, ...)
    are printed and accepted;
  - the pieces Aria main added to v3.0.0 that are missing (two archive
    tables, three columns, two HNSW indexes) are added, and only those:
    the columns and tables in one short transaction under a brief
    ``lock_timeout``, retried while Aria holds a lock; the indexes
    ``CONCURRENTLY``, one by one with their progress;
  - then our migrations up to Aria main's level are recorded as applied
    (``migrate --fake``: no row touched), and any later ones run.

What was done is recorded in ``warehouse.WarehouseEvent`` (in ``public``).
"""

import os
import re
import threading
import time
from dataclasses import dataclass, field

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from aria_admin.aria_tables import ARIA_APPS, ARIA_EXTENSIONS, ARIA_SCHEMAS, aria_models, table_name
from aria_admin.catalog import classify, differences, read_catalog
from aria_admin.warehouse import models as levels

INSUFFICIENT_PRIVILEGE = "42501"
LOCK_NOT_AVAILABLE = "55P03"

# Our migrations that build each known level of Aria's warehouse.
V3_MIGRATIONS = {"data_app": "0003_thoughts_trigram", "engine_app": "0001_initial"}
MAIN_MIGRATIONS = {"data_app": "0003_thoughts_trigram", "engine_app": "0003_hnsw_indexes"}


def plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else ('es' if noun.endswith('x') else 's')}"


class WarehouseState:
    """What a database holds, read without changing anything."""

    EMPTY, MANAGED, ARIA_CREATED = "empty", "managed", "created by Aria"

    def __init__(self, connection):
        self.connection = connection
        self.name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = ANY(%s)",
                [list(ARIA_SCHEMAS)],
            )
            self.aria_tables = cursor.fetchone()[0]
            cursor.execute(
                "SELECT extname FROM pg_extension WHERE extname = ANY(%s) ORDER BY 1",
                [list(ARIA_EXTENSIONS)],
            )
            self.extensions = [row[0] for row in cursor.fetchall()]
        recorder = MigrationRecorder(connection)
        self.recorded_migrations = {
            key for key in recorder.applied_migrations() if key[0] in ARIA_APPS
        }
        self.recorded = {app for app, _ in self.recorded_migrations}
        if self.recorded:
            self.kind = self.MANAGED
        elif self.aria_tables:
            self.kind = self.ARIA_CREATED
        else:
            self.kind = self.EMPTY

    @property
    def at_main_level(self):
        """Whether our migrations up to Aria main's level are all recorded."""
        return set(MAIN_MIGRATIONS.items()) <= self.recorded_migrations

    def unapplied_migrations(self):
        executor = MigrationExecutor(self.connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())


@dataclass
class Plan:
    """What the live catalog needs to reach Aria main's level."""

    level_found: str
    additions: list = field(default_factory=list)  # catalog.Difference, missing pieces
    drift: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @classmethod
    def of(cls, catalogs, actual, may_upgrade):
        """Drift and warnings by ``classify``'s rule against Aria main's
        catalog, except that pieces Aria main added to v3.0.0 are
        ``additions`` when our migrations have not recorded them yet."""
        v3, main = catalogs[levels.V3], catalogs[levels.MAIN]
        delta = {d.missing for d in differences(main, v3) if d.missing}
        plan = cls(levels.MAIN)
        for difference in differences(main, actual):
            if may_upgrade and difference.missing in delta:
                plan.additions.append(difference)
            elif difference.drift:
                plan.drift.append(difference.line)
            else:
                plan.warnings.append(difference.line)
        if plan.additions:
            plan.level_found = levels.V3
        return plan

    def describe(self, catalog):
        """One line per addition, as --check lists them."""
        for kind, table, *name in (d.missing for d in self.additions):
            if kind == "table":
                indexes = sum(1 for key in catalog.indexes if key[0] == table)
                yield f"table {table} with its keys and {plural(indexes, 'index')}"
            elif kind == "column":
                type_, notnull, default = catalog.columns[(table, name[0])]
                spec = type_ + (f" DEFAULT {default}" if default else "")
                yield f"column {table}.{name[0]} {spec}{' NOT NULL' if notnull else ''}"
            else:
                yield f"index {name[0]} on {table} (built CONCURRENTLY)"


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

    def catalogs(self):
        """{level: catalog} for Aria v3.0.0 and Aria main, our migrations
        applied up to each."""
        found = {}
        for level, targets in ((levels.V3, V3_MIGRATIONS), (levels.MAIN, MAIN_MIGRATIONS)):
            for app, migration in targets.items():
                call_command(
                    "migrate", app, migration, database=self.alias, verbosity=0, interactive=False
                )
            with connections[self.alias].cursor() as cursor:
                found[level] = read_catalog(cursor)
        return found

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
        "Create Aria's schemas, extensions and 39 tables in an empty database; "
        "adopt a warehouse at Aria main's level; upgrade a v3.0.0 one additively; "
        "refuse one whose schema has drifted. Checks the live schema every time."
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
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="How long an upgrade waits for a table lock Aria holds (default: %(default)s).",
        )
        parser.add_argument(
            "--lock-attempts",
            type=int,
            default=5,
            metavar="N",
            help="How many times an upgrade tries for its locks (default: %(default)s).",
        )

    def handle(self, *args, check, models, cron, database, verbosity, **options):
        if check and (models or cron):
            raise CommandError("--check changes nothing, so it cannot import --models or --cron.")
        self.verbosity = verbosity
        self.lock_timeout = options["lock_timeout"]
        self.lock_attempts = max(options["lock_attempts"], 1)
        connection = connections[database]
        state = WarehouseState(connection)
        if state.kind == state.EMPTY:
            self.create(state, database, check)
        else:
            self.follow(state, database, check)
        if check:
            return
        from aria_admin.roles import ensure_groups

        ensure_groups()  # creates or repairs "Aria viewers" and "Aria operators"
        if models:
            call_command("import_llm_models", models, stdout=self.stdout, stderr=self.stderr)
        if cron:
            call_command("import_cron_jobs", cron, stdout=self.stdout, stderr=self.stderr)

    # an empty database -----------------------------------------------------

    def create(self, state, database, check):
        count = len(state.unapplied_migrations())
        if check:
            self.stdout.write(
                f"{state.name}: empty; aria_bootstrap would apply {count} migrations "
                f"(schemas, extensions, {self.table_count()} tables, Django's own tables)."
            )
            return
        self.migrate(database)
        levels.record(levels.WarehouseEvent.CREATED, levels.EMPTY)
        state = WarehouseState(connections[database])
        extensions = ", ".join(state.extensions) or "none available"
        self.stdout.write(
            self.style.SUCCESS(
                f"{state.name}: created schemas, extensions ({extensions}) and "
                f"{state.aria_tables} tables; applied {count} migrations."
            )
        )

    # Aria's warehouse, or ours: compared every time ------------------------

    def follow(self, state, database, check):
        catalogs = self.scratch_catalogs(state)
        plan = Plan.of(catalogs, self.live_catalog(state), may_upgrade=not state.at_main_level)
        for line in plan.warnings:
            self.stderr.write(f"warning: {line}")
        if plan.drift:
            for line in plan.drift:
                self.stderr.write(line)
            raise CommandError(
                f"{state.name} differs from the models in {plural(len(plan.drift), 'way')} "
                "(listed above); nothing was changed."
            )
        main = catalogs[levels.MAIN]
        if check:
            self.report(state, plan, main)
            return
        if plan.additions:
            self.upgrade(state, plan, main)
        unrecorded = not state.at_main_level
        if unrecorded:
            for app, migration in MAIN_MIGRATIONS.items():
                self.migrate(database, app, migration, fake=True)
        count = len(state.unapplied_migrations())
        if count:
            self.migrate(database)
        if plan.additions:
            levels.record(levels.WarehouseEvent.UPGRADED, plan.level_found, "\n".join(
                plan.describe(main)
            ))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{state.name}: upgraded Aria {plan.level_found} to Aria {levels.MAIN} "
                    f"(added {plural(len(plan.additions), 'piece')}, no row changed); "
                    f"recorded our migrations as applied; applied {plural(count, 'other migration')}."
                )
            )
        elif state.kind == state.ARIA_CREATED:
            levels.record(levels.WarehouseEvent.ADOPTED, levels.MAIN, "\n".join(plan.warnings))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{state.name}: adopted Aria's warehouse ({state.aria_tables} tables match "
                    f"the models); recorded our migrations as applied without touching a row; "
                    f"applied {count} migrations for Django's own tables."
                )
            )
        elif count or unrecorded:
            self.stdout.write(
                self.style.SUCCESS(f"{state.name}: managed; applied {plural(count, 'new migration')}.")
            )
        else:
            self.stdout.write(f"{state.name}: managed and up to date; nothing to do.")

    def report(self, state, plan, main):
        count = len(state.unapplied_migrations())
        if plan.additions:
            self.stdout.write(
                f"{state.name}: Aria {plan.level_found}; aria_bootstrap would add "
                f"{plural(len(plan.additions), 'piece')} of Aria {levels.MAIN}, touching no row:"
            )
            for line in plan.describe(main):
                self.stdout.write(f"  {line}")
        elif state.kind == state.MANAGED:
            self.stdout.write(
                f"{state.name}: managed by Aria Admin; {plural(count, 'unapplied migration')}."
            )
        else:
            self.stdout.write(
                f"{state.name}: created by Aria and matches the models; "
                "aria_bootstrap would record the migrations as applied, touching no row."
            )

    # the additive upgrade --------------------------------------------------

    def upgrade(self, state, plan, main):
        """Add the missing pieces: columns and tables in one transaction
        (all or nothing) under a short lock_timeout, then each index
        CONCURRENTLY, so Aria's writes are never blocked for long."""
        quick = [d.missing for d in plan.additions if d.missing[0] != "index"]
        if quick:
            self.waiting_for = quick[0][1]
            self.with_lock_retries(state, lambda: self.add_columns_and_tables(state, quick))
        indexes = [d.missing for d in plan.additions if d.missing[0] == "index"]
        for number, (_, table, name) in enumerate(indexes, 1):
            self.build_index(state, table, name, main.indexes[(table, name)], number, len(indexes))
        state.connection.close()  # read_catalog changed this session's search_path
        drift, _ = classify(main, self.live_catalog(state))
        if drift:  # cannot happen unless someone changed the schema meanwhile
            raise CommandError(f"{state.name} still differs after the upgrade: {drift[0]}")

    def add_columns_and_tables(self, state, pieces):
        fields = {
            (table_name(model), f.column): (model, f)
            for model in aria_models()
            for f in model._meta.local_fields
        }
        models_by_table = {table_name(model): model for model in aria_models()}
        with state.connection.schema_editor() as editor:
            editor.execute(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'")
            for kind, table, *name in sorted(pieces, key=lambda p: (p[0] != "column", p)):
                self.waiting_for = table
                if kind == "column":
                    editor.add_field(*fields[(table, name[0])])
                else:
                    editor.create_model(models_by_table[table])
            # Foreign keys last: an archive message needs its session table.
            editor.deferred_sql.sort(key=lambda sql: "FOREIGN KEY" in str(sql))

    def with_lock_retries(self, state, work):
        for attempt in range(1, self.lock_attempts + 1):
            try:
                return work()
            except Exception as exc:
                if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                    raise
            if attempt == self.lock_attempts:
                break
            self.stdout.write(
                f"{self.waiting_for} is locked (Aria is using it); nothing changed yet; "
                f"trying again in {self.lock_timeout:g} s (attempt {attempt + 1} of "
                f"{self.lock_attempts})..."
            )
            self.stdout.flush()
            time.sleep(self.lock_timeout)
        raise CommandError(
            f"could not lock {self.waiting_for} within {self.lock_timeout:g} s in "
            f"{plural(self.lock_attempts, 'attempt')} (Aria holds it); nothing was changed; "
            "run aria_bootstrap again when Aria is quieter."
        )

    def build_index(self, state, table, name, definition, number, total):
        """CREATE INDEX CONCURRENTLY, showing PostgreSQL's progress report."""
        sql = re.sub(
            r"^CREATE (UNIQUE )?INDEX \S+ ", rf"CREATE \1INDEX CONCURRENTLY IF NOT EXISTS {name} ",
            definition,
        )
        self.stdout.write(f"building index {name} on {table} ({number} of {total})...", ending="")
        self.stdout.flush()
        started = time.monotonic()
        progress = IndexProgress(state.connection, table, self.stdout)
        progress.start()
        try:
            with state.connection.cursor() as cursor:
                cursor.execute("SET search_path TO public")
                cursor.execute(sql)
        except Exception:
            with state.connection.cursor() as cursor:  # a failed build leaves an invalid index
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {table.split('.')[0]}.{name}")
            raise
        finally:
            progress.stop()
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")

    # helpers ---------------------------------------------------------------

    def scratch_catalogs(self, state):
        """Our schema at each known level, built in a scratch database."""
        try:
            with ScratchSchema(state.connection, state.extensions) as scratch:
                return scratch.catalogs()
        except Exception as exc:
            if getattr(exc.__cause__, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            user = state.connection.settings_dict.get("USER") or "this role"
            raise CommandError(
                f"cannot compare {state.name} with the models: the role {user!r} may not "
                "create the scratch database the comparison needs (grant it CREATEDB "
                "or use a role that has it); nothing was changed."
            ) from None

    @staticmethod
    def live_catalog(state):
        with state.connection.cursor() as cursor:
            actual = read_catalog(cursor)
        state.connection.close()  # read_catalog changed this session's search_path
        return actual

    def migrate(self, database, *target, fake=False):
        call_command(
            "migrate",
            *target,
            database=database,
            fake=fake,
            interactive=False,
            verbosity=max(self.verbosity - 1, 0),
            stdout=self.stdout,
        )

    @staticmethod
    def table_count():
        return len(aria_models())


class IndexProgress(threading.Thread):
    """Every few seconds, the phase and share of blocks done of an index
    build on ``table`` (pg_stat_progress_create_index), on a connection of
    its own."""

    INTERVAL = 3.0

    def __init__(self, connection, table, stdout):
        super().__init__(daemon=True)
        self.settings_dict = connection.settings_dict
        self.table = table
        self.stdout = stdout
        self.done = threading.Event()

    def run(self):
        alias = f"aria_progress_{os.getpid()}_{threading.get_ident()}"
        connections.settings[alias] = self.settings_dict
        try:
            while not self.done.wait(self.INTERVAL):
                with connections[alias].cursor() as cursor:
                    cursor.execute(
                        "SELECT phase, blocks_done, blocks_total FROM pg_stat_progress_create_index "
                        "WHERE relid = to_regclass(%s)",
                        [self.table],
                    )
                    row = cursor.fetchone()
                if row:
                    phase, done, total = row
                    share = f", {100 * done // total}% of blocks" if total else ""
                    self.stdout.write(f"\n  {phase}{share}...", ending="")
                    self.stdout.flush()
        finally:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]

    def stop(self):
        self.done.set()
        self.join()


