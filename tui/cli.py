"""The `cadence` command. Every command goes through core: the read model, the meeting's
session and the commands by area.

Exit status: 0 on success, 1 on a user error (one line on stderr saying what and where),
2 on an unexpected internal error (with its traceback, so it can be reported).
"""

import argparse
import gc
import os
import sys
from contextlib import suppress
from pathlib import Path

from core import clock, display
from core.errors import CadenceError
from core.paths import store_path
from core.storage import atomic_write, encode, is_store_file
from core.store import Store

# Each command imports what only it needs: the app's launch and `cadence status` are timed
# against bare Python (benchmarks/), and CSV, Markdown and demo code are none of theirs.


def terminal_columns() -> int:
    """What shutil.get_terminal_size() says about the width, without importing shutil:
    COLUMNS if it is a positive number, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, told the width: it makes a formatter for every argument it adds, and
    finding the width itself imports shutil (with bz2, lzma and zlib), ~2 ms of every command
    and of the app's launch."""

    def __init__(self, prog: str):
        super().__init__(prog, width=terminal_columns() - 2)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 1, like every user error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=HelpFormatter, **kwargs)

    def error(self, message: str):
        raise CadenceError(f"{message} (see `{self.prog} --help`)")


def say(text: str, err: bool = False) -> None:
    """One line of command output that names store text or paths: shown, never acting."""
    print(display.line(text), file=sys.stderr if err else sys.stdout)


def write_json(data) -> None:
    sys.stdout.buffer.write(display.json(encode(data)))


def _open(args) -> Store:
    return Store(store_path(getattr(args, "db", None)))


def require_terminal() -> None:
    if os.environ.get("TEXTUAL_DRIVER"):  # e.g. the web driver of `cadence serve`
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CadenceError("the meeting app needs a terminal; `cadence status` prints the "
                           "review as text")


def run_app(store: Store, args, follow: bool = False, review=None) -> int:
    """Open the app: following when told to or when a meeting is live with someone else,
    taking over with --take-over, else facilitating a new meeting. `review`: a roll-up's
    (core/rollup.py), whose own store is `store`."""
    from core import board, presence
    from core.commands.meetings import check_names
    # The read model, loaded before Textual takes the terminal: a bad CADENCE_TODAY, a broken
    # store or a bad --title is one line and exit 1 here, not a crash in the app. The app
    # starts with the read model.
    title = getattr(args, "title", None)
    check_names(title, tuple(getattr(args, "attendee", ())), getattr(args, "facilitator", ""))
    if review is not None:
        today = clock.today()
        loaded = review.board(today, board.load(store, today))
        title = title or f"{display.line(review.rollup.title)} {today}"
    else:
        loaded = board.load(store, clock.today())
    agenda = chosen_agenda(store, getattr(args, "agenda", None))
    if follow:
        mode, live = presence.Mode.FOLLOW, presence.current(store.path, loaded.by_id)
    else:
        mode, live = presence.role(store.path, getattr(args, "take_over", False), loaded.by_id)
    if mode != presence.Mode.FOLLOW:
        from core import lock
        lock.timeout()                    # a bad CADENCE_LOCK_TIMEOUT fails here, not mid-meeting
    require_terminal()
    from tui.app import CadenceApp        # Textual loads only when the app opens
    gc.freeze()     # what is loaded stays: the collector need not walk it again and again
    app = CadenceApp(store, title=title, attendees=tuple(getattr(args, "attendee", ())),
                     facilitator=getattr(args, "facilitator", ""), mode=mode, live=live,
                     board=loaded, agenda=agenda, review=review)
    app.run()
    if app.return_code == 1:       # Textual's after an unhandled exception, its traceback shown
        with suppress(OSError, ValueError):             # the terminal may be gone too
            print("cadence: internal error: the app stopped (a bug; what was saved before it "
                  "stays saved)", file=sys.stderr)
        leave(2)
    with suppress(OSError, ValueError):     # said after the app, where the terminal keeps it
        for line in app.after_exit:
            say(line)
        if app.unsaved:
            say(f"cadence: warning: {app.unsaved}", err=True)
    code = app.return_code or 0
    if code > 128:                 # after signal N (tui/terminal.py): the terminal may be gone,
        leave(code)                # and flushing to it at exit would turn the status into 120
    return code


def chosen_agenda(store: Store, name: str | None):
    """The template `--agenda` names (an unknown name: one line listing them, before the
    terminal is taken); None when none was given (the app asks when the team has its own)."""
    if name is None:
        return None
    from core import agendas
    return agendas.find(store, name)


def cmd_agendas(args) -> int:
    """`cadence agendas`: the built-in templates and the team's; `add` and `remove` keep the
    team's."""
    from core import agendas
    store = _open(args)
    if args.format == "json":
        write_json([agendas.as_json(t) for t in agendas.every(store)])
    else:
        print(display.block(agendas.as_text(agendas.every(store))))
    return 0


def cmd_agendas_add(args) -> int:
    from core import agendas
    from core.events import EventKind
    store = _open(args)
    ids = agendas.parse_stages(args.stages)
    boxes = agendas.parse_timeboxes(args.timebox, args.name)
    with store.transaction(EventKind.AGENDA_SAVE) as tx:
        saved = agendas.add(tx, args.name, ids, boxes)
    say(f"Agenda {saved.name!r} saved: {len(saved.stages)} stages; `cadence --agenda "
        f"{saved.name}` opens a meeting with it")
    return 0


def cmd_agendas_remove(args) -> int:
    from core import agendas
    from core.events import EventKind
    store = _open(args)
    with store.transaction(EventKind.AGENDA_REMOVE) as tx:
        gone = agendas.remove(tx, args.name)
    say(f"Agenda {gone.name!r} removed (the meetings that ran it keep its name)")
    return 0


def cmd_meet(args) -> int:
    if getattr(args, "rollup", None):                 # the leadership meeting over its teams
        review = _review(args)
        return run_app(review.own, args, review=review)
    return run_app(_open(args), args)


def cmd_follow(args) -> int:
    if getattr(args, "rollup", None):
        review = _review(args)
        return run_app(review.own, args, follow=True, review=review)
    return run_app(_open(args), args, follow=True)


def port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)


# A team of 6 to 12 watching, with room for a second tab, a presenter's screen and viewers who
# reload (the old follower takes a moment to end). Each viewer is a follower process (~50 MB,
# redrawing as the meeting moves): the bound keeps a shared host usable whoever connects.
MAX_VIEWERS = 20


def viewers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of viewers (1 or more)")
    return int(text)


def is_loopback(host: str) -> bool:
    import ipaddress
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args) -> int:
    """The follower view in a browser, for attendees on a video call (tui/serve.py)."""
    store = _open(args)
    try:
        from tui.serve import FollowerServer
    except ImportError:
        raise CadenceError("`cadence serve` needs the serve extra: "
                           "python -m pip install -e '.[serve]'") from None
    if not is_loopback(args.host):
        say(f"cadence: warning: serving on {args.host}: anyone who can reach this address "
            "can watch the meeting (there is no login)", err=True)
    follower = [sys.executable, "-m", "tui", "--db", str(store.path), "follow"]
    say(f"Serving the follower view on {served_url(args)} to at most "
        f"{args.max_viewers} viewers (ctrl+c stops)", err=True)
    try:
        FollowerServer(follower, args.host, args.port, args.max_viewers,
                       args.public_url).serve()
    except OSError as exc:
        raise CadenceError(f"cannot listen on {args.host}:{args.port} ({exc.strerror})") from None
    return 0


def served_url(args) -> str:
    """The address to give attendees: --public-url, else this machine's name for an address
    that means "every interface" (0.0.0.0, ::), which no browser can open."""
    if args.public_url:
        return args.public_url
    host = args.host
    if host in ("0.0.0.0", "::", ""):
        import socket
        host = socket.getfqdn()
        if host.startswith("localhost"):       # no name beyond this machine: its own
            host = socket.gethostname()
    return f"http://{f'[{host}]' if ':' in host else host}:{args.port}"


def public_url(text: str) -> str:
    """--public-url: an http or https URL with a host, nothing after its path."""
    from urllib.parse import urlsplit
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http or https URL "
                                         "(e.g. https://review.example.com)")
    return text.strip().rstrip("/")


def cmd_demo(args) -> int:
    from core import demo
    store = _open(args)
    if not args.no_open:
        require_terminal()                # before writing: an error changes nothing
    demo.write(store, clock.today(), force=args.force)
    if args.no_open:
        say(f"Demo data written to {store.path}")
        return 0
    return run_app(store, args)


def _review(args):
    """The roll-up `--rollup` names (core/rollup.py), its file checked whole."""
    from core import rollup
    if getattr(args, "db", None):
        raise CadenceError("--rollup and --db: give one (a roll-up keeps its own store beside "
                           "its file)")
    return rollup.Review(args.rollup)


def _rollup_store(args) -> Store:
    """The roll-up's own store, for its org KPIs (README: Roll-ups): KPIs only, whose formulas
    may name the teams' KPIs as the roll-up reads them now."""
    if args.kind != "kpis":
        raise CadenceError(f"--rollup: a roll-up's store takes its org KPIs only (`import "
                           f"kpis`); {args.kind} belong in the team's own store")
    review = _review(args)
    review.board(clock.today())              # the teams' KPIs, which the formulas may name
    return review.own


def cmd_rollup_status(args) -> int:
    """Every team's status at once; a team store that cannot be read is one line (in the
    JSON, under `unreadable`, and said on stderr) and the others are shown."""
    from core import board, rollup, rollup_status
    review = _review(args)
    today = clock.today()
    own = board.load(review.own, today)
    current = review.board(today, own)
    changed = rollup.since_last(current, review.own, own)
    if args.format == "json":
        for problem in current.problems:
            say(f"cadence: warning: {problem}", err=True)
        write_json(rollup_status.as_json(current, changed))
    else:
        print(rollup_status.as_text(current, changed))
    return 0


def cmd_status(args) -> int:
    from core import board, since, status
    if getattr(args, "rollup", None):
        return cmd_rollup_status(args)
    store = _open(args)
    current = board.load(store, clock.today())
    changed = since.since_last(store, current)
    relayed = _relayed(store) if os.environ.get("CADENCE_ROLLUPS", "").strip() else None
    if args.format == "json":
        found = status.as_json(current, changed)
        if relayed is not None:
            from core import rollup_status
            found["rollup_actions"] = rollup_status.relayed_json(relayed, current)
        write_json(found)
    else:
        print(status.as_text(current, changed))
        if relayed:
            from core import rollup_status
            print("\n".join(rollup_status.relayed_lines(relayed, current)))
    return 0


def _relayed(store: Store) -> list:
    """What the roll-ups CADENCE_ROLLUPS lists decided about this team's KPIs and objectives
    (README: Roll-ups); a roll-up that cannot be read is a warning, and the rest is shown."""
    from core import rollup
    found, problems = rollup.relayed_to(store.path)
    for problem in problems:
        say(f"cadence: warning: {problem}", err=True)
    return found


def cmd_minutes(args) -> int:
    from core import minutes
    from core.minutes_md import render
    scope, stores = None, []
    if getattr(args, "rollup", None):              # the leadership meeting's, over its teams
        from core import rollup
        from core.model import Meeting
        review = _review(args)
        store, scope = review.own, rollup.MinutesScope(review)
        stores = [team.store for team in review.rollup.teams]
        if not store.records(Meeting) and args.meeting is None:
            raise CadenceError(f"{review.rollup.path}: no leadership meeting yet; "
                               f"`cadence --rollup {review.rollup.path}` opens one")
    else:
        store = _open(args)
    output = None if args.output in (None, "-") else Path(args.output)
    if output is not None:              # before any work: a typo costs nothing
        check_output(output, store.path, args.force, stores)
    mail_to = addresses(args.mail_to)
    found = minutes.build(store, args.meeting, scope)
    if args.format == "json":
        payload = display.json(encode(found))
    elif args.format == "html":
        from core import minutes_html            # Jinja2 loads only for HTML
        payload = minutes_html.render(found, minutes_html.pictures(store, found,
                                                                   scope)).encode()
    else:
        payload = render(found).encode()
    write_output(payload, output)
    if output is not None:
        say(f"Minutes of {found['meeting']['id']} written to {output}", err=True)
    if mail_to or args.post_to:
        return deliver(store, found, mail_to, args.post_to, scope)
    return 0


def addresses(given: list[str]) -> list[str]:
    """`--mail-to`'s addresses, each checked before anything is written."""
    if not given:
        return []
    from core.delivery.mail import check_address
    return [check_address(address) for address in given]


def deliver(store: Store, found: dict, mail_to: list[str], post_to: list[str],
            scope=None) -> int:
    """Mail and post the minutes (already written): one line for each delivery done or
    failed; 1 if any failed."""
    from core.delivery import deliver
    outcome = deliver(store, found, mail_to, post_to, scope)
    for warning in outcome.warnings:
        say(f"cadence: warning: {warning}", err=True)
    for done in outcome.done:
        say(f"Minutes of {found['meeting']['id']} {done}", err=True)
    for failed in outcome.failed:
        say(f"cadence: error: {failed}", err=True)
    return 1 if outcome.failed else 0


def cmd_actions(args) -> int:
    """Decisions and actions by owner and status; as a calendar, the open ones (unless
    --status says otherwise) that have a due day."""
    from core import action_list, board
    store = _open(args)
    output = None if args.output in (None, "-") else Path(args.output)
    if output is not None:
        check_output(output, store.path, args.force)
    status = args.status or ("open" if args.format == "ics" else None)
    current = board.load(store, clock.today())
    found = action_list.select(current, args.owner, status)
    if args.format == "json":
        payload = display.json(encode(action_list.as_json(current, found)))
    elif args.format == "ics":
        from core import calendar
        tag = calendar.store_tag(store.meta().get("store_id"), str(store.path.resolve()))
        payload = calendar.calendar(current, found, tag, clock.now()).encode()
    else:
        payload = (action_list.as_text(current, found) + "\n").encode()
    write_output(payload, output)
    if output is not None:
        say(f"{len(found)} decisions and actions written to {output}", err=True)
    return 0


def write_output(payload: bytes, output: Path | None) -> None:
    """A command's output to stdout, or to FILE (checked by check_output first)."""
    if output is None:
        sys.stdout.buffer.write(payload)
        return
    try:
        if output.exists() and not output.is_file():  # /dev/null, a pipe: written, not replaced
            output.write_bytes(payload)
        else:
            atomic_write(output, payload)
    except OSError as exc:
        raise CadenceError(f"{output}: cannot be written ({exc.strerror})") from None


def check_output(output: Path, store: Path, force: bool, others: list[Path] = ()) -> None:
    """An output file never names the store or one of its files (the store would become
    Markdown, event log and all) — nor, for a roll-up, a team's store (`others`) — and
    replaces an existing file only with --force."""
    for found in (store, *others):
        if is_store_file(output, found):
            raise CadenceError(f"{output}: is the store {found} or one of its files; choose "
                               "another output file")
    if output.is_dir():
        raise CadenceError(f"{output}: is a folder; name a file")
    if output.is_file() and not force:
        raise CadenceError(f"{output}: exists; --force replaces it")


def cmd_people(args) -> int:
    """The roster: each person with what they own and their follow-through."""
    from core import board, people
    store = _open(args)
    current = board.load(store, clock.today())
    found = people.roster(current, store)
    if args.format == "json":
        write_json(people.as_json(found))
    else:
        for line in people.as_text(found):
            say(line)
    return 0


def cmd_people_merge(args) -> int:
    """One name merged into another, every reference rewritten in one event."""
    from core.commands import people
    from core.events import EventKind
    store = _open(args)
    with store.transaction(EventKind.PEOPLE_MERGE) as tx:
        changed = people.merge(tx, args.source, args.into)
    say(f"Merged {args.source.strip()!r} into {args.into.strip()!r}: {changed} records "
        "rewritten in one event")
    return 0


def cmd_meetings(args) -> int:
    from core import minutes
    store = _review(args).own if getattr(args, "rollup", None) else _open(args)
    listed = minutes.meeting_list(store)
    if args.format == "json":
        write_json(listed)
    elif not listed:
        print("No meeting yet; `cadence` opens one.")
    else:
        for m in listed:
            say(f"{m['id']:>5}  {m['date']}  {m['duration_min']:>5g} min  "
                f"{m['decisions']:>3} decided  {m['title']}")
    return 0


NOUNS = {"kpis": "KPIs", "measurements": "measurements", "okrs": "key results"}


def cmd_import(args) -> int:
    from core import imports
    store = _rollup_store(args) if getattr(args, "rollup", None) else _open(args)
    if args.kind == "kpis":
        report = imports.import_kpis(store, args.file)
    else:
        importer = {"measurements": imports.import_measurements, "okrs": imports.import_okrs}
        report = importer[args.kind](store, args.file, clock.today())
    for warning in report.warnings:
        say(f"cadence: warning: {warning}", err=True)
    say(f"{args.file}: {report.summary(NOUNS[args.kind])}")
    return 0


def seconds(text: str) -> float:
    try:
        found = float(text)
    except ValueError:
        found = 0.0
    if not 0 < found <= 86_400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (up to 86400)")
    return found


class PullProgress:
    """`pulling 12/40` on stderr, only on a terminal and only once a pull has taken a second:
    a pull from cron, a pipe or a quick warehouse prints no bar."""

    def __init__(self) -> None:
        import time
        self.clock = time.monotonic
        self.started = self.clock()
        self.shown = False
        self.on = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.on and self.clock() - self.started > 1:
            width = 20
            bar = "#" * (width * done // total)
            sys.stderr.write(f"\rpulling [{bar:<{width}}] {done}/{total}")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def cmd_pull(args) -> int:
    from core.sources import pull
    store = _open(args)
    progress = PullProgress()
    try:
        report = pull.run(store, args.kpi, clock.today(), args.dry_run, timeout=args.timeout,
                          progress=progress)
    finally:
        progress.close()
    for warning in report.warnings:
        say(f"cadence: warning: {warning}", err=True)
    if args.format == "json":
        import msgspec
        found = msgspec.to_builtins(report)
        write_json({**found, "kpis": found.pop("results")})
    elif not report.results:
        say("No KPI has a source or a formula to pull from (README: Where the numbers come "
            "from)")
    for outcome in report.results:
        if outcome.error is not None:
            say(f"cadence: error: KPI {outcome.kpi!r}: {outcome.error}", err=True)
        elif args.format == "text":
            say(pulled_line(outcome, report.dry_run, store))
    return 1 if report.failed else 0


def pulled_line(outcome, dry_run: bool, store: Store) -> str:
    """One KPI's line: what was recorded (its newest value), what stayed, and why its
    latest period has no value when a formula has none."""
    from datetime import date

    from core import fmt, queries
    from core.periods import period_label
    kpi = queries.kpi(store, outcome.id)
    found = len(outcome.recorded)
    if found:
        newest = max(outcome.recorded)
        verb = "would record" if dry_run else "recorded"
        text = (f"{kpi.name}: {verb} {found} value{'s' * (found != 1)} (newest "
                f"{period_label(date.fromisoformat(newest), kpi.cadence)}: "
                f"{fmt.value(outcome.recorded[newest], kpi.unit)})")
        if outcome.unchanged:
            text += f", {outcome.unchanged} unchanged"
    else:
        text = f"{kpi.name}: nothing new ({outcome.unchanged} unchanged)"
    if outcome.missing:
        period = max(outcome.missing)
        text += (f"; {period_label(date.fromisoformat(period), kpi.cadence)} has no value: "
                 f"{outcome.missing[period]}")
    return text


def cmd_sources_init(args) -> int:
    from core.sources import connections
    say(f"Created {connections.create()}: add a [name] table with the url of each database")
    return 0


def cmd_sources_test(args) -> int:
    """One KPI's source run as `pull` would, and every value it gives shown; nothing is
    written."""
    from datetime import date

    from core import fmt, queries
    from core.periods import period_label
    from core.sources import pull
    store = _open(args)
    report = pull.run(store, [args.kpi], clock.today(), dry_run=True, timeout=args.timeout)
    for warning in report.warnings:
        say(f"cadence: warning: {warning}", err=True)
    outcome = report.results[0]
    if outcome.error is not None:
        raise CadenceError(f"KPI {outcome.kpi!r}: {outcome.error}")
    kpi = queries.kpi(store, outcome.id)
    for period, value in sorted(outcome.given.items()):
        kept = "" if period in outcome.recorded else "  (the store has it)"
        say(f"{period_label(date.fromisoformat(period), kpi.cadence):>10}  "
            f"{fmt.value(value, kpi.unit)}{kept}")
    for period, reason in sorted(outcome.missing.items()):
        say(f"{period_label(date.fromisoformat(period), kpi.cadence):>10}  no value: {reason}")
    say(pulled_line(outcome, True, store))
    return 0


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the store file (default: $CADENCE_DB, else the user data folder)")
    rollup = Parser(add_help=False)
    rollup.add_argument("--rollup", metavar="FILE", default=argparse.SUPPRESS,
                        help="a leadership review over the team stores this TOML file names "
                             "(README: Roll-ups)")
    # Shared options default to SUPPRESS: parents share action objects, and a None default
    # from the subcommand would wipe out a value given before it.
    meeting = Parser(add_help=False)
    meeting.add_argument("--title", default=argparse.SUPPRESS,
                         help='the meeting\'s title (default "Operating review DATE")')
    meeting.add_argument("--attendee", action="append", metavar="NAME",
                         default=argparse.SUPPRESS, help="someone in the meeting (repeat)")
    meeting.add_argument("--facilitator", metavar="NAME", default=argparse.SUPPRESS,
                         help="who runs the meeting")
    meeting.add_argument("--agenda", metavar="NAME", default=argparse.SUPPRESS,
                         help="the agenda template to run (`cadence agendas` lists them; "
                              "default: weekly, or asked when the team has its own)")
    meeting.add_argument("--take-over", action="store_true", default=argparse.SUPPRESS,
                         help="go on with the live meeting of a facilitator who is gone "
                              "(heartbeat older than 30 s, or their app here has ended)")
    parser = Parser(prog="cadence", parents=[common, meeting, rollup],
                    description="Run your operating review from the terminal.")
    parser.set_defaults(run=cmd_meet, read_only=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    meet = commands.add_parser("meet", parents=[common, meeting, rollup],
                               help="open the meeting app (default)")
    meet.set_defaults(run=cmd_meet)
    demo_ = commands.add_parser("demo", parents=[common, meeting],
                                help="fill the store with demo data, then open the app")
    demo_.add_argument("--no-open", action="store_true", help="only write the demo data")
    demo_.add_argument("--force", action="store_true", help="replace a store holding other data")
    demo_.set_defaults(run=cmd_demo)
    follow = commands.add_parser("follow", parents=[common, rollup],
                                 help="watch the live meeting, read-only")
    follow.set_defaults(run=cmd_follow)
    serve = commands.add_parser("serve", parents=[common],
                                help="the follower view in a browser (extra: cadence[serve])")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    serve.add_argument("--port", type=port, default=8000)
    serve.add_argument("--public-url", type=public_url, metavar="URL",
                       help="the address browsers open, when it is not this server's own "
                            "(a reverse proxy: https://review.example.com); default: the "
                            "address each browser used")
    serve.add_argument("--max-viewers", type=viewers, default=MAX_VIEWERS, metavar="N",
                       help="browsers watching at once; each is a process "
                            f"(default {MAX_VIEWERS})")
    serve.set_defaults(run=cmd_serve)
    status_ = commands.add_parser("status", parents=[common, rollup],
                                  help="print KPI health, flags and OKR progress")
    status_.add_argument("--format", choices=("text", "json"), default="text")
    status_.set_defaults(run=cmd_status, read_only=True)
    import_ = commands.add_parser("import", parents=[common, rollup],
                                  help="import KPIs, measurements or OKRs from CSV (all or "
                                  "nothing)")
    import_.add_argument("kind", choices=tuple(NOUNS))
    import_.add_argument("file", metavar="FILE.csv")
    import_.set_defaults(run=cmd_import)
    pull_ = commands.add_parser("pull", parents=[common], help="record the values of KPIs "
                                "that have a source or a formula")
    pull_.add_argument("kpi", nargs="*", metavar="KPI",
                       help="a KPI's name or id (default: every KPI with a source or formula)")
    pull_.add_argument("--dry-run", action="store_true", help="show what would change; "
                       "write nothing")
    pull_.add_argument("--format", choices=("text", "json"), default="text")
    pull_.add_argument("--timeout", type=seconds, default=60.0, metavar="SECONDS",
                       help="how long each source may take (default 60)")
    pull_.set_defaults(run=cmd_pull)
    sources = commands.add_parser("sources", parents=[common], help="try a KPI's source")
    sources_do = sources.add_subparsers(title="commands", metavar="COMMAND", required=True,
                                        parser_class=Parser)
    test = sources_do.add_parser("test", parents=[common], help="run one KPI's source and "
                                 "print what it would record (writes nothing)")
    test.add_argument("kpi", metavar="KPI", help="the KPI's name or id")
    test.add_argument("--timeout", type=seconds, default=60.0, metavar="SECONDS")
    test.set_defaults(run=cmd_sources_test, read_only=True)
    init = sources_do.add_parser("init", parents=[common], help="create the connections "
                                 "file (0600) with a commented example, and print its path")
    init.set_defaults(run=cmd_sources_init, read_only=True)
    minutes_ = commands.add_parser("minutes", parents=[common, rollup],
                                   help="write a meeting's minutes (default: the last meeting)")
    which = minutes_.add_mutually_exclusive_group()
    which.add_argument("--meeting", metavar="ID", help="the meeting's id (see `cadence meetings`)")
    which.add_argument("--last", action="store_true", help="the most recent meeting (default)")
    minutes_.add_argument("--format", choices=("md", "json", "html"), default="md",
                          help="Markdown (default), JSON (schema cadence.minutes/1), or one "
                               "self-contained HTML file with charts, for a browser or a mail")
    minutes_.add_argument("-o", "--output", metavar="FILE",
                          help="write to FILE, not stdout (`-` is stdout)")
    minutes_.add_argument("--force", action="store_true", help="replace FILE if it exists")
    minutes_.add_argument("--mail-to", nargs="+", action="extend", default=[], metavar="ADDR",
                          help="also mail them (text and HTML) through the SMTP server of the "
                               "user config")
    minutes_.add_argument("--post-to", action="append", default=[], metavar="NAME",
                          help="also post a short summary to this webhook of the user config "
                               "(repeat for more)")
    minutes_.set_defaults(run=cmd_minutes, read_only=True)
    actions_ = commands.add_parser("actions", parents=[common],
                                   help="the decisions and actions, by owner and status")
    actions_.add_argument("--owner", metavar="NAME", help="only this person's")
    actions_.add_argument("--status", choices=("open", "done", "dropped"),
                          help="only those of this status (default: all; for ics: open)")
    actions_.add_argument("--format", choices=("text", "json", "ics"), default="text",
                          help="text, JSON, or an iCalendar file of those with a due day "
                               "(an all-day event each, to import into a calendar)")
    actions_.add_argument("-o", "--output", metavar="FILE",
                          help="write to FILE, not stdout (`-` is stdout)")
    actions_.add_argument("--force", action="store_true", help="replace FILE if it exists")
    actions_.set_defaults(run=cmd_actions, read_only=True)
    people_ = commands.add_parser("people", parents=[common],
                                  help="the roster: owners and attendees, with what each owns "
                                       "and their follow-through")
    people_.add_argument("--format", choices=("text", "json"), default="text")
    people_.set_defaults(run=cmd_people, read_only=True)
    people_do = people_.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    merge = people_do.add_parser("merge", parents=[common], help="merge one name into another "
                                 "(every owner, attendee, facilitator and raiser rewritten)")
    merge.add_argument("source", metavar="FROM", help='the name to merge away ("Lena")')
    merge.add_argument("into", metavar="INTO", help='the name it becomes ("Lena Fischer")')
    merge.set_defaults(run=cmd_people_merge, read_only=False)
    agendas_ = commands.add_parser("agendas", parents=[common],
                                   help="list the agenda templates (built-in and the team's); "
                                        "add or remove the team's")
    agendas_.add_argument("--format", choices=("text", "json"), default="text")
    agendas_.set_defaults(run=cmd_agendas, read_only=True)
    agendas_do = agendas_.add_subparsers(title="commands", metavar="COMMAND",
                                         parser_class=Parser)
    add = agendas_do.add_parser("add", parents=[common], help="save the team's own agenda")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--stages", required=True, metavar="IDS",
                     help="stage ids in order, comma-separated (e.g. health,okrs,decisions; "
                          "`cadence agendas` shows every stage's id)")
    add.add_argument("--timebox", action="append", default=[], metavar="STAGE=MIN",
                     help="a stage's minutes, 1-240 (repeat; default: the stage's own)")
    add.set_defaults(run=cmd_agendas_add, read_only=False)
    remove = agendas_do.add_parser("remove", parents=[common], help="remove a team's agenda")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(run=cmd_agendas_remove, read_only=False)
    meetings = commands.add_parser("meetings", parents=[common, rollup],
                                   help="list the meetings, newest first")
    meetings.add_argument("--format", choices=("text", "json"), default="text")
    meetings.set_defaults(run=cmd_meetings, read_only=True)
    return parser


def main(argv: list[str] | None = None, console: bool = False) -> int:
    """Run one command; `console` when this process is the `cadence` command itself."""
    try:
        args = build_parser().parse_args(argv)
        code = args.run(args)
        if console and args.read_only:
            leave(code)
        return code
    except CadenceError as exc:
        say(f"cadence: error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except Exception:
        import traceback
        print(display.block(traceback.format_exc()), end="", file=sys.stderr)
        print("cadence: internal error (a bug; the store was left as it was)", file=sys.stderr)
        return 2


def leave(code: int) -> None:
    """Exit at once, without tearing the interpreter down: freeing the parsed store object by
    object costs `status` a tenth of its time at 500 KPIs. Only once all that was written is
    durable (the store's writes and files are fsync'd): after a read-only command, or the app
    after a signal or a crash (its terminal may be gone: nothing is left to flush there)."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):     # a closed pipe or a terminal gone
            stream.flush()
    os._exit(code)


def run() -> None:
    sys.exit(main(console=True))
