"""Command line: ``python -m omradesatsing …``. ``DATABASE_URL`` selects the store for every command."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import OperationalError

from omradesatsing import config, db


def init_db(url: str | None = None) -> str:
    """Migrate to the newest schema and seed an empty store. Safe to run again."""
    from omradesatsing.seed import seed

    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        with db.session_scope(engine) as session:
            seeded = seed(session)
    finally:
        engine.dispose()
    return "seeded" if seeded else "already seeded"


def _cmd_init_db(args) -> int:
    outcome = init_db()
    print(f"Databasen er oppdatert ({db.head_revision()}); "
          + ("eksempeldata og ekte data er lagt inn." if outcome == "seeded" else "den hadde data fra før."))
    return 0


def _cmd_info(args) -> int:
    from omradesatsing import queries

    engine = db.make_engine()
    print(f"Database: {engine.url.render_as_string(hide_password=True)}")
    print(f"Skjemaversjon: {db.current_revision(engine) or '(tom)'} (nyeste: {db.head_revision()})")
    if db.current_revision(engine):
        for key, value in queries.store_summary(engine).items():
            print(f"  {key}: {value}")
    return 0


def _cmd_create_user(args) -> int:
    from omradesatsing import auth

    password = args.password
    if password is None:
        password = getpass.getpass("Passord: ")
        if password != getpass.getpass("Gjenta passord: "):
            print("Passordene er ikke like.", file=sys.stderr)
            return 2
    engine = db.make_engine()
    try:
        auth.create_user(engine, args.username, password, role=args.role, display_name=args.name,
                         email=args.email, area_slugs=tuple(args.area or ()), actor="cli")
    except auth.UserError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Brukeren «{args.username}» er opprettet med rollen {args.role}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m omradesatsing",
        description="Områdesatsing Bergen: database og data. DATABASE_URL velger databasen "
                    f"(standard: {config.database_url()}).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    p = sub.add_parser("init-db", help="oppdater skjemaet (Alembic) og legg inn data i en tom database")
    p.set_defaults(func=_cmd_init_db)
    p = sub.add_parser("info", help="vis hvilken database som brukes og hva den inneholder")
    p.set_defaults(func=_cmd_info)
    p = sub.add_parser("create-user", help="opprett en innlogget bruker (passord lagres som argon2-hash)")
    p.add_argument("username")
    p.add_argument("--role", choices=["viewer", "editor", "admin"], default="editor")
    p.add_argument("--name", help="navnet som vises")
    p.add_argument("--email")
    p.add_argument("--password", help="passord (utelat for å bli spurt)")
    p.add_argument("--area", action="append", metavar="OMRÅDE",
                   help="område redaktøren kan endre, f.eks. --area loddefjord (kan gjentas)")
    p.set_defaults(func=_cmd_create_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except OperationalError as exc:
        print(f"Får ikke kontakt med databasen: {exc.orig}", file=sys.stderr)
        return 1
