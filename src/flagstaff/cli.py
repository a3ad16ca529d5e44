"""The ``flagstaff`` command: serve, db, users, apply."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from flagstaff import __version__
from flagstaff.config import ConfigError, Settings, load_settings
from flagstaff.core import logs
from flagstaff.core.errors import FlagstaffError

# The application's modules are imported by the commands that use them, not here: importing
# them all takes a second, which `--help` and a refused configuration should not pay.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flagstaff.startup.bootstrap import FirstAdmin

log = logging.getLogger("flagstaff")

Handler = Callable[[argparse.Namespace, Settings], int]


def prepare(settings: Settings, then: Callable[[Session], None] | None = None) -> FirstAdmin | None:
    """Migrate, sync predefined roles and create the first admin, under the migration lock, so
    that processes starting together do this once. ``then`` runs in the same transaction: if it
    fails, nothing of the transaction is kept. Returns the admin if one was created."""
    from flagstaff.accounts.passwords import Passwords
    from flagstaff.core import migrate
    from flagstaff.core.db import Database
    from flagstaff.credentials.api_tokens.initial import ensure_initial_api_tokens
    from flagstaff.startup import bootstrap

    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.server_secret  # noqa: B018 - create the key file now, before workers race for it
    admin_password = settings.admin_password.get_secret_value() if settings.admin_password else None
    database = Database(settings.sqlalchemy_url)
    try:
        with migrate.migration_lock(database, settings.data_dir):
            migrate.upgrade(database)
            with database.transaction() as session:
                bootstrap.sync_predefined_roles(session)
                created = bootstrap.ensure_first_admin(session, Passwords(), admin_password)
                ensure_initial_api_tokens(session, settings)
                if then is not None:
                    then(session)
    finally:
        database.dispose()
    return created


def announce_admin(created: FirstAdmin | None) -> None:
    if created is None:
        return
    if created.generated_password is None:
        print(
            f"Created the user '{created.username}' with the password "
            "from FLAGSTAFF_ADMIN_PASSWORD.",
            flush=True,
        )
        return
    # Printed once, to the console only: it is in no log and never shown again.
    print(
        "\n"
        f"  Created the first admin user: {created.username}\n"
        f"  Password (shown only this once): {created.generated_password}\n"
        "  Change it after you log in, or start with FLAGSTAFF_ADMIN_PASSWORD set.\n",
        flush=True,
    )


def shown_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.sqlalchemy_url).render_as_string(hide_password=True)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from flagstaff.metrics.exposition import prepare_multiprocess

    # Before anything imports prometheus_client, which reads the setting then (each worker
    # imports it afresh).
    prepare_multiprocess(settings.data_dir, args.workers)
    started = time.monotonic()
    announce_admin(prepare(settings))
    log.info("database %s ready in %.2fs", shown_url(settings), time.monotonic() - started)
    uvicorn.run(
        "flagstaff.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=logs.logging_config(settings.log_level, settings.log_format),
        log_level=settings.log_level,
        proxy_headers=settings.trust_proxy_headers,
        server_header=False,
        # The app writes its own access log, off the request path (flagstaff.core.access_log).
        access_log=False,
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from flagstaff.core import migrate
    from flagstaff.core.db import Database

    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    database = Database(settings.sqlalchemy_url)
    try:
        with migrate.migration_lock(database, settings.data_dir):
            migrate.upgrade(database, args.revision)
    finally:
        database.dispose()
    print(f"Database {shown_url(settings)} upgraded to {args.revision}.")
    return 0


def cmd_db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    from flagstaff.core import migrate
    from flagstaff.core.db import Database

    database = Database(settings.sqlalchemy_url)
    try:
        with migrate.migration_lock(database, settings.data_dir):
            migrate.downgrade(database, args.revision)
    finally:
        database.dispose()
    print(f"Database {shown_url(settings)} downgraded to {args.revision}.")
    return 0


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise FlagstaffError("No terminal to prompt on: pass the password with --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise FlagstaffError("The passwords do not match")
    return first


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    from flagstaff.accounts.passwords import Passwords, check_strength
    from flagstaff.accounts.service import AccountService, NewUser
    from flagstaff.events.service import SYSTEM

    password = read_password(args)
    # Checked before anything is touched, so a weak password leaves no trace at all.
    check_strength(password)
    created_ids: list[int] = []

    def create_user(session: Session) -> None:
        account = AccountService(session, Passwords()).create_user(
            SYSTEM,
            None,
            NewUser(
                username=args.username,
                email=args.email,
                name=args.name,
                password=password,
                root_role=args.role,
            ),
        )
        created_ids.append(account.id)

    announce_admin(prepare(settings, then=create_user))
    print(
        f"Created user {args.username or args.email} (id {created_ids[0]}) "
        f"with the {args.role} role."
    )
    return 0


def cmd_users_clear_login_throttle(args: argparse.Namespace, settings: Settings) -> int:
    """For an admin who cannot wait, or cannot log in at all: forget the failed logins with a
    name (and with the other name of the account that has it), from every address."""
    from sqlalchemy import or_, select

    from flagstaff.accounts.models import Account
    from flagstaff.accounts.throttle import LoginThrottle, ThrottleRule, normal_name
    from flagstaff.core.keys import Keys

    name = args.name.strip()
    cleared: list[int] = []

    def clear(session: Session) -> None:
        account = session.scalars(
            select(Account).where(or_(Account.username == name, Account.email == name.lower()))
        ).first()
        names = [name] if account is None else [name, account.username, account.email]
        throttle = LoginThrottle(
            session, Keys(settings.server_secret), ThrottleRule.from_settings(settings)
        )
        cleared.append(throttle.clear(names))

    announce_admin(prepare(settings, then=clear))
    print(f"Cleared the login throttle of {normal_name(name)} ({cleared[0]} counter(s)).")
    return 0


def cmd_apply(args: argparse.Namespace, settings: Settings) -> int:
    """Apply a provisioning file (docs/provisioning.md) and print the plan. Any problem, in the
    file or refused midway, is printed with its line and nothing of the file is applied."""
    from flagstaff.provisioning.source import read_file

    text = read_file(args.file)  # before anything is touched: a missing file migrates nothing

    from flagstaff.provisioning.command import apply_file
    from flagstaff.provisioning.render import plan_text

    plans = []

    def run(session: Session) -> None:
        plans.append(apply_file(session, settings, text, dry_run=args.dry_run, prune=args.prune))

    announce_admin(prepare(settings, then=run))
    print(plan_text(plans[0]))
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flagstaff",
        description="Flagstaff: a feature-flag server that speaks Unleash's HTTP API. "
        "Configured by environment: DATABASE_URL, FLAGSTAFF_DATA_DIR, FLAGSTAFF_SECRET_KEY, "
        "FLAGSTAFF_ADMIN_PASSWORD, FLAGSTAFF_LOG_LEVEL, FLAGSTAFF_LOG_FORMAT (json or logfmt).",
    )
    parser.add_argument("--version", action="version", version=f"flagstaff {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate the database and start the server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=4242, help="port to listen on (4242)")
    serve.add_argument("--workers", type=_positive, default=1, help="worker processes (1)")
    serve.set_defaults(handler=cmd_serve)

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    up = db_commands.add_parser("upgrade", help="apply migrations (to the newest by default)")
    up.add_argument("revision", nargs="?", default="heads", help="target revision (heads)")
    up.set_defaults(handler=cmd_db_upgrade)
    down = db_commands.add_parser("downgrade", help="revert migrations to a revision")
    down.add_argument("revision", help="target revision, or base to remove every table")
    down.set_defaults(handler=cmd_db_downgrade)

    users = commands.add_parser("users", help="manage users")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    create = user_commands.add_parser(
        "create", help="create a user; the password is prompted for or read from stdin"
    )
    create.add_argument("--username", help="login name")
    create.add_argument("--email", help="e-mail address (also a login name)")
    create.add_argument("--name", help="display name")
    create.add_argument(
        "--role", default="Viewer", help="root role: Admin, Editor, Viewer or a custom root role"
    )
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(handler=cmd_users_create)
    clear = user_commands.add_parser(
        "clear-login-throttle",
        help="forget the failed logins with a name, from every address",
    )
    clear.add_argument("name", help="a username or e-mail address")
    clear.set_defaults(handler=cmd_users_clear_login_throttle)

    apply = commands.add_parser(
        "apply",
        help="apply a provisioning file: service accounts, custom roles and projects",
        description="Compare the objects a YAML file declares with the database and create or "
        "update them (docs/provisioning.md), in one transaction, as 'flagstaff apply'. "
        "Exits 2, with every problem and its line, when anything is wrong; then nothing of the "
        "file is applied.",
    )
    apply.add_argument("file", help="the YAML file, or - for standard input")
    apply.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    apply.add_argument(
        "--prune",
        action="store_true",
        help="also delete what applying this file created and it no longer declares",
    )
    apply.set_defaults(handler=cmd_apply)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        settings = load_settings()
        logs.configure(settings.log_level, settings.log_format)
        return handler(args, settings)
    except (FlagstaffError, ConfigError) as error:
        print(f"flagstaff: {error}", file=sys.stderr)
        for detail in getattr(error, "details", []):
            if detail.get("message") != str(error):
                print(f"  {detail['message']}", file=sys.stderr)
        return 2
