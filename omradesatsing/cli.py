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


def init_db(url: str | None = None, *, empty: bool = False) -> str:
    """Migrate to the newest schema and seed an empty store (``empty``: schema only, no seed, for an
    export to be imported into); compute the suppression pattern where it is missing or was made under
    another threshold or margin. Safe to run again."""
    from dataclasses import replace

    from omradesatsing import suppression
    from omradesatsing.seed import seed

    engine = db.make_engine(url)
    settings = replace(config.load_settings(), database_url=engine.url.render_as_string(hide_password=False))
    try:
        db.upgrade(engine)
        with db.session_scope(engine) as session:
            seeded = False if empty else seed(session)
            session.flush()
            suppression.ensure_current(session, settings)
    finally:
        engine.dispose()
    return "seeded" if seeded else "already seeded"


def _cmd_init_db(args) -> int:
    outcome = init_db(empty=args.empty)
    if args.empty:
        print(f"Databasen er oppdatert ({db.head_revision()}) uten data (--empty); importer en eksport med "
              "«import FIL.zip».")
        return 0
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
                                         dry_run=args.dry_run, add_missing=getattr(args, "add_zones", False),
                                         edition=getattr(args, "edition", None),
                                         new_edition=getattr(args, "new_edition", None),
                                         valid_from=getattr(args, "valid_from", None))
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
    verb_add = "ville blitt lagt til" if summary.dry_run else "er lagt til"
    for z in summary.zones_added:
        print(f"Ny sone ({verb_add} i {summary.edition}): {z.code} {z.name}"
              + (f", i delområdet {z.parent}" if z.parent else "") + ".")
    for u in summary.unmatched:
        print(f"Uten treff: objekt {u.number} (kode {u.code or '–'}, navn {u.name or '–'}): {u.reason}.")
    if summary.zones_without_geometry:
        print(f"Fortsatt uten grenser ({len(summary.zones_without_geometry)}): "
              + ", ".join(summary.zones_without_geometry))
    if summary.dry_run:
        print("Prøvekjøring (--dry-run): ingenting er lagret.")
    return 0


def _cmd_import(args) -> int:
    """``import FILE``: any data file (or an export zip); exit 0 done, 1 refused, 2 wrong use."""
    from pathlib import Path

    from omradesatsing.commands import ValidationError
    from omradesatsing.importers import run, tables
    from omradesatsing.permissions import PermissionDenied

    path = Path(args.file)
    if not path.is_file():
        print(f"Finner ikke fila {path}.", file=sys.stderr)
        return 2
    if args.kind == "zones":
        if not args.level:
            print("--kind zones trenger --level levekaarssone eller grunnkrets.", file=sys.stderr)
            return 2
        return _cmd_import_zones(args)
    if path.stat().st_size > tables.MAX_FILE_BYTES:
        print(f"{path.name}: fila er for stor; største tillatte størrelse er {tables.MAX_FILE_MB} MB.", file=sys.stderr)
        return 1
    engine = db.make_engine()
    try:
        actor = _actor_for(engine, args.user)
        if actor is None:
            print(f"Finner ingen aktiv bruker «{args.user}». Opprett en med create-user.", file=sys.stderr)
            return 2
        source = run.SourceInfo(title=args.source, publisher=args.publisher, licence=args.licence, url=args.url,
                                period=args.period)
        common = dict(source=source, dry_run=args.dry_run, skip_invalid=args.skip_invalid,
                      replace_examples=not args.keep_examples)
        if path.suffix.lower() == ".zip" and args.kind is None:
            from omradesatsing.importers import export

            reports = export.import_bundle(engine, actor, path.read_bytes(), path.name, dry_run=args.dry_run)
        else:
            reports = [run.import_file(engine, actor, path.read_bytes(), path.name, kind=args.kind, sheet=args.sheet,
                                       level=args.level, indicator=args.indicator, profile=args.profile, **common)]
    except PermissionDenied as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValidationError as exc:
        for problem in exc.problems:
            print(problem.message, file=sys.stderr)
        print("Fila er ikke importert; ingenting er endret.", file=sys.stderr)
        return 1
    except OperationalError:
        raise
    except Exception as exc:  # noqa: BLE001 (one transaction: nothing was written)
        print(_unexpected(exc), file=sys.stderr)
        print("Ingenting er endret.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for report in reports:
        for line in report.lines():
            print(line)
        for problem in report.problems:
            print(f"Hoppet over: {problem.message}")
        if report.import_id:
            print(f"Lagret som import nr. {report.import_id} (kan angres med undo-import {report.import_id}).")
    if args.dry_run:
        print("Prøvekjøring (--dry-run): ingenting er lagret.")
    return 0


def _cmd_imports(args) -> int:
    from omradesatsing.importers import run

    engine = db.make_engine()
    try:
        rows = run.imports(engine, limit=args.limit)
    finally:
        engine.dispose()
    if not rows:
        print("Ingen importer ennå.")
    for r in rows:
        undone = f" – angret {r['undone_at']:%d.%m.%Y} av {r['undone_by']}" if r["undone_at"] else ""
        print(f"{r['id']}: {r['at']:%d.%m.%Y %H:%M} {r['username']} {r['kind']} «{r['file_name']}» "
              f"({r['added']} nye, {r['changed']} endret, {r['removed']} fjernet) kilde: "
              f"{r['source_title'] or 'eksempeldata'}{undone}")
    return 0


def _cmd_undo_import(args) -> int:
    from omradesatsing.commands import ValidationError
    from omradesatsing.importers import run
    from omradesatsing.permissions import PermissionDenied

    engine = db.make_engine()
    try:
        actor = _actor_for(engine, args.user)
        if actor is None:
            print(f"Finner ingen aktiv bruker «{args.user}».", file=sys.stderr)
            return 2
        counts = run.undo_import(engine, actor, args.import_id)
    except PermissionDenied as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Import nr. {args.import_id} er angret: {counts['removed']} rader fjernet, {counts['restored']} satt "
          f"tilbake og {counts['reinserted']} lagt inn igjen.")
    return 0


def _cmd_export(args) -> int:
    from pathlib import Path

    from omradesatsing.importers import export

    engine = db.make_engine()
    try:
        actor = _actor_for(engine, args.user) if args.user else None
        if args.user and actor is None:
            print(f"Finner ingen aktiv bruker «{args.user}».", file=sys.stderr)
            return 2
        data, summary = export.export_zip(engine, actor, area_slugs=tuple(args.omrade or ()) or None)
    finally:
        engine.dispose()
    Path(args.file).write_bytes(data)
    print(f"Skrev {args.file}: " + ", ".join(f"{name} ({n} rader)" for name, n in summary.items()) + ".")
    return 0


def _cmd_check_suppression(args) -> int:
    from omradesatsing import suppression

    engine = db.make_engine()
    settings = config.load_settings()
    try:
        with db.session_scope(engine) as session:
            protection = suppression.ensure_current(session, settings)
            if protection is not None:
                print(f"Prikkingen var ikke beregnet med gjeldende regel; beregnet nå ({protection.hidden} av "
                      f"{protection.cells} verdier skjult, {protection.seconds:.1f} s).")
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


def _cmd_report(args) -> int:
    import time
    from pathlib import Path

    from omradesatsing import reports
    from omradesatsing.read import Store

    if bool(args.all) == bool(args.omrade):
        print("Oppgi enten --omrade OMRÅDE eller --all (hele programmet).", file=sys.stderr)
        return 2
    engine = db.make_engine()
    try:
        store = Store(engine, config.load_settings())
        slug = None if args.all else args.omrade
        from omradesatsing import read

        if slug is not None and read.places.area(store, slug) is None:
            known = ", ".join(read.places.areas(store)["slug"])
            print(f"Finner ikke området «{slug}». Områdene er: {known}.", file=sys.stderr)
            return 2
        started = time.perf_counter()
        data = (reports.area_pdf if args.format == "pdf" else reports.area_pptx)(store, slug, args.lang)
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    out = Path(args.out or reports.file_name(slug, args.lang, args.format))
    out.write_bytes(data)
    print(f"Skrev {out} ({len(data) // 1024} kB på {seconds:.1f} s).")
    return 0


def _cmd_phone_pages(args) -> int:
    from omradesatsing.read import Store
    from omradesatsing.reports import phone

    engine = db.make_engine()
    try:
        written = phone.write_all(Store(engine, config.load_settings()))
    finally:
        engine.dispose()
    print(f"Skrev {len(written)} telefonsider i {phone.folder()}.")
    return 0


def _keep_phone_pages_current():
    """For the commands that write: the phone pages follow the change, as they do in the app."""
    from omradesatsing.read import Store
    from omradesatsing.reports import phone

    return phone.keep_current(Store(db.make_engine(), config.load_settings()))


WRITING_COMMANDS = ("import", "undo-import", "import-zones")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m omradesatsing",
        description="Områdesatsing Bergen: database og data. DATABASE_URL velger databasen "
                    f"(standard: {config.load_settings().database_url}).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    p = sub.add_parser("init-db", help="oppdater skjemaet (Alembic) og legg inn data i en tom database")
    p.add_argument("--empty", action="store_true", help="bare skjemaet, uten eksempeldata og ekte data")
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
    p.add_argument("--add-zones", action="store_true",
                   help="fila er fasiten for sonelista: soner den har og databasen mangler, legges til")
    p.add_argument("--edition", metavar="UTGAVE", help="grenseutgaven sonene hører til (nøkkel, f.eks. "
                                                       "levekaarssoner-2023; standard: den nyeste)")
    p.add_argument("--new-edition", metavar="NAVN", help="fila er en ny utgave av sonene (f.eks. «Levekårssoner 2016»): "
                                                        "den lages, og alle sonene i fila legges til i den")
    p.add_argument("--valid-from", type=int, metavar="ÅR", help="det første året den nye utgaven gjelder fra")
    p.add_argument("--dry-run", action="store_true", help="sjekk fila og vis hva som ville skjedd, uten å lagre")
    p.add_argument("--user", required=True, metavar="BRUKERNAVN",
                   help="administratoren som importerer (står i endringsloggen)")
    p.set_defaults(func=_cmd_import_zones)
    p = sub.add_parser("check-suppression",
                       help="kontroller prikkingen: kan noen regne ut et skjult tall fra det som vises? "
                            "(lineær programmering over alle summer; avslutter med 1 hvis noe lekker)")
    p.set_defaults(func=_cmd_check_suppression)
    p = sub.add_parser("import", help="importer en datafil: indikatorverdier, investeringer, tilskudd, tiltak, "
                                      "medvirkning, mål (CSV, Excel .xlsx, JSON-stat) eller en eksport (.zip)")
    p.add_argument("file", metavar="FIL")
    p.add_argument("--kind", choices=["indicators", "investments", "grants", "measures", "participation", "targets",
                                      "zones"], help="hva fila har (standard: gjenkjennes fra kolonnene)")
    p.add_argument("--sheet", metavar="ARK", help="Excel: arket som skal leses")
    p.add_argument("--profile", metavar="NAVN", help="importprofil for en bred tabell")
    p.add_argument("--indicator", metavar="NØKKEL", help="indikatoren tallene i en JSON-stat-fil er")
    p.add_argument("--level", metavar="NIVÅ", help="nivået stedene er på (kommune, bydel, delområde, "
                                                   "levekårssone, grunnkrets, område, land)")
    p.add_argument("--source", metavar="PUBLIKASJON", help="kildens tittel")
    p.add_argument("--publisher", metavar="UTGIVER")
    p.add_argument("--licence", metavar="LISENS")
    p.add_argument("--url", metavar="ADRESSE", help="nettadressen, eller «intern» for kommunens egne tall")
    p.add_argument("--period", metavar="PERIODE", help="perioden kilden dekker (standard: fra radene)")
    p.add_argument("--skip-invalid", action="store_true", help="importer de gode radene og vis resten")
    p.add_argument("--keep-examples", action="store_true",
                   help="behold eksempeldata for det fila dekker (standard: ekte tall erstatter dem)")
    p.add_argument("--code-field", metavar="FELT", help="sonegrenser: feltet med sonens kode")
    p.add_argument("--name-field", metavar="FELT", help="sonegrenser: feltet med sonens navn")
    p.add_argument("--add-zones", action="store_true", help="sonegrenser: legg til soner fila har og databasen mangler")
    p.add_argument("--edition", metavar="UTGAVE", help="sonegrenser: grenseutgaven (nøkkel) sonene hører til")
    p.add_argument("--dry-run", action="store_true", help="sjekk fila og vis hva som ville skjedd, uten å lagre")
    p.add_argument("--user", required=True, metavar="BRUKERNAVN", help="brukeren som importerer")
    p.set_defaults(func=_cmd_import)
    p = sub.add_parser("imports", help="vis importloggen")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=_cmd_imports)
    p = sub.add_parser("undo-import", help="angre den siste importen av en type (bare administratorer)")
    p.add_argument("import_id", type=int, metavar="NR")
    p.add_argument("--user", required=True, metavar="BRUKERNAVN")
    p.set_defaults(func=_cmd_undo_import)
    p = sub.add_parser("export", help="skriv alt til en zip: én CSV per type, GeoJSON per sonenivå, "
                                      "importprofilene og en README med kilder og lisenser")
    p.add_argument("file", metavar="FIL.zip")
    p.add_argument("--omrade", action="append", metavar="OMRÅDE", help="bare disse områdene (kan gjentas)")
    p.add_argument("--user", metavar="BRUKERNAVN", help="en administrator får med prikkede tall (merket)")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("report", help="lag en møtepakke: A4-PDF eller PowerPoint for ett område eller hele programmet")
    p.add_argument("--omrade", metavar="OMRÅDE", help="området (f.eks. olsvik)")
    p.add_argument("--all", action="store_true", help="hele programmet (bare PDF)")
    p.add_argument("--format", choices=("pdf", "pptx"), default="pdf")
    p.add_argument("--lang", choices=("nb", "nn", "en"), default="nb", help="språk (standard: nb)")
    p.add_argument("--out", metavar="FIL", help="filen som skrives (standard: motepakke-OMRÅDE-SPRÅK.pdf)")
    p.set_defaults(func=_cmd_report)
    p = sub.add_parser("phone-pages", help="skriv telefonsidene på nytt (mappen OMRADESATSING_PHONE_DIR)")
    p.set_defaults(func=_cmd_phone_pages)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    refresher = None
    try:
        if args.command in WRITING_COMMANDS:
            refresher = _keep_phone_pages_current()
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
    finally:
        if refresher is not None:
            refresher.wait()
