"""Command line: ``python -m omradesatsing …``. ``DATABASE_URL`` selects the store for every command."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from omradesatsing import config, db
from omradesatsing.models import IndicatorValue

log = logging.getLogger(__name__)


def _unexpected(exc: BaseException) -> str:
    """One short Norwegian line for an error nothing else caught (the traceback goes to the log,
    at DEBUG, never to the terminal)."""
    log.debug("Unexpected error in the command", exc_info=exc)
    detail = " ".join(str(exc).split())[:200]
    return f"Uventet feil ({type(exc).__name__}{': ' + detail if detail else ''}). Kommandoen ble avbrutt."


def init_db(url: str | None = None) -> str:
    """Migrate to the newest schema and seed an empty store; compute the suppression pattern where it
    is missing or was made under another threshold or margin. Safe to run again."""
    from dataclasses import replace

    from omradesatsing import suppression
    from omradesatsing.seed import seed

    engine = db.make_engine(url)
    settings = replace(config.load_settings(), database_url=engine.url.render_as_string(hide_password=False))
    try:
        db.upgrade(engine)
        with db.session_scope(engine) as session:
            seeded = seed(session)
            session.flush()
            suppression.ensure_current(session, settings)
    finally:
        engine.dispose()
    return "seeded" if seeded else "already seeded"


def _cmd_init_db(args) -> int:
    outcome = init_db()
    print(f"Databasen er oppdatert ({db.head_revision()}); "
          + ("eksempeldata og ekte data er lagt inn." if outcome == "seeded" else "den hadde data fra før."))
    return 0


def _cmd_info(args) -> int:
    from omradesatsing import read

    engine = db.make_engine()
    print(f"Database: {engine.url.render_as_string(hide_password=True)}")
    print(f"Skjemaversjon: {db.current_revision(engine) or '(tom)'} (nyeste: {db.head_revision()})")
    if db.current_revision(engine):
        for key, value in read.about.store_summary(read.Store.of(engine)).items():
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


def _actor_for(engine, username: str):
    """The stored user as an actor (role and areas), or None when there is no such active user."""
    from sqlalchemy import select

    from omradesatsing.models import Area, User, UserArea
    from omradesatsing.permissions import Actor

    with db.session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
        if user is None or not user.active:
            return None
        slugs = session.scalars(select(Area.slug).join(UserArea, UserArea.area_id == Area.id)
                                .where(UserArea.user_id == user.id)).all()
        return Actor(username=user.username, role=user.role, display_name=user.display_name,
                     area_slugs=frozenset(slugs), via="password")


def _cmd_import_zones(args) -> int:
    from pathlib import Path

    from omradesatsing.importers import zones as importers
    from omradesatsing.permissions import PermissionDenied

    path = Path(args.file)
    if not path.is_file():
        print(f"Finner ikke fila {path}.", file=sys.stderr)
        return 2
    if path.stat().st_size > importers.MAX_FILE_BYTES:  # don't read a huge file just to refuse it
        print(f"{path.name}: fila er for stor; største tillatte størrelse er {importers.MAX_FILE_MB} MB.",
              file=sys.stderr)
        return 2
    engine = db.make_engine()
    try:
        actor = _actor_for(engine, args.user)
        if actor is None:
            print(f"Finner ingen aktiv bruker «{args.user}». Opprett en med create-user --role admin.",
                  file=sys.stderr)
            return 2
        summary = importers.import_zones(engine, actor, path.read_bytes(), path.name, level=args.level,
                                         code_field=args.code_field, name_field=args.name_field,
                                         dry_run=args.dry_run)
    except (importers.ZoneFileError, PermissionDenied) as exc:
        print(str(exc), file=sys.stderr)
        print("Ingenting er endret.", file=sys.stderr)
        return 2
    except OperationalError:
        raise  # main() says the store cannot be reached
    except Exception as exc:  # noqa: BLE001 (the import is one transaction: nothing was written)
        print(_unexpected(exc), file=sys.stderr)
        print("Ingenting er endret.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{summary.file_name}: {summary.file_type}, {summary.features} objekter, koordinatsystem {summary.crs}"
          + (" (antatt: GeoJSON uten crs)" if summary.crs_assumed else "") + ".")
    verb = "ville fått" if summary.dry_run else "har fått"
    print(f"{summary.zones_updated} av {summary.zones_at_level} soner ({summary.level}) {verb} grenser"
          + (f"; {summary.zones_replaced} hadde grenser fra før" if summary.zones_replaced else "") + ".")
    if summary.repaired:
        print(f"Reparert geometri i objekt {', '.join(map(str, summary.repaired))}.")
    if summary.merged:
        print(f"{summary.merged} objekter slått sammen med et annet objekt for samme sone.")
    if summary.parents_set:
        print(f"{summary.parents_set} soner uten overordnet område fikk delområdet de ligger i.")
    for u in summary.unmatched:
        print(f"Uten treff: objekt {u.number} (kode {u.code or '–'}, navn {u.name or '–'}): {u.reason}.")
    if summary.zones_without_geometry:
        print(f"Fortsatt uten grenser ({len(summary.zones_without_geometry)}): "
              + ", ".join(summary.zones_without_geometry))
    if summary.dry_run:
        print("Prøvekjøring (--dry-run): ingenting er lagret.")
    return 0


def _cmd_check_suppression(args) -> int:
    from omradesatsing import suppression

    engine = db.make_engine()
    settings = config.load_settings()
    try:
        with db.session_scope(engine) as session:
            run = suppression.ensure_current(session, settings)
            if run is not None:
                print(f"Prikkingen var ikke beregnet med gjeldende regel; beregnet nå ({run.hidden} av {run.cells} "
                      f"verdier skjult, {run.seconds:.1f} s).")
            findings = suppression.audit(session, settings)
            cells = session.scalar(select(func.count()).select_from(IndicatorValue)) or 0
            hidden = session.scalar(select(func.count()).select_from(IndicatorValue)
                                    .where(IndicatorValue.protection != suppression.OPEN)) or 0
    finally:
        engine.dispose()
    rule = (f"grense {settings.suppression_threshold}, skjulte tall må kunne ligge minst {settings.margin} "
            "under og over det sanne tallet")
    if findings:
        for finding in findings:
            print(finding.text())
        print(f"{len(findings)} skjulte tall er ikke godt nok beskyttet ({rule}).", file=sys.stderr)
        return 1
    print(f"Prikkingen holder: {hidden} av {cells} verdier er skjult, og ingen av de skjulte tallene kan regnes ut "
          f"snevrere enn regelen tillater ({rule}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m omradesatsing",
        description="Områdesatsing Bergen: database og data. DATABASE_URL velger databasen "
                    f"(standard: {config.load_settings().database_url}).",
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
    p = sub.add_parser("import-zones", help="importer grenser for levekårssoner eller grunnkretser fra GeoJSON "
                                            "eller zippet Shapefile (bare administratorer)")
    p.add_argument("file", metavar="FIL", help="fila: .geojson, .json eller .zip (Shapefile med .prj)")
    p.add_argument("--level", required=True, choices=["levekaarssone", "grunnkrets"], help="hvilke soner fila har")
    p.add_argument("--code-field", metavar="FELT", help="feltet med sonens kode (f.eks. grunnkretsnummer)")
    p.add_argument("--name-field", metavar="FELT", help="feltet med sonens navn")
    p.add_argument("--dry-run", action="store_true", help="sjekk fila og vis hva som ville skjedd, uten å lagre")
    p.add_argument("--user", required=True, metavar="BRUKERNAVN",
                   help="administratoren som importerer (står i endringsloggen)")
    p.set_defaults(func=_cmd_import_zones)
    p = sub.add_parser("check-suppression",
                       help="kontroller prikkingen: kan noen regne ut et skjult tall fra det som vises? "
                            "(lineær programmering over alle summer; avslutter med 1 hvis noe lekker)")
    p.set_defaults(func=_cmd_check_suppression)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except OperationalError as exc:
        print(f"Får ikke kontakt med databasen: {exc.orig}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 (a short message, never a traceback)
        print(_unexpected(exc), file=sys.stderr)
        return 1
