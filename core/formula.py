"""KPI formulas: a KPI whose values are computed from other KPIs of its cadence, period by
period (`Pipeline / Quota * 100`).

A formula is text a person typed, stored in a file anyone on the team can edit, so it is never
given to Python's `eval`: it is parsed once into a syntax tree, every node of which must be one
of a few harmless kinds (numbers, KPI names, + - * / % **, unary minus, parentheses, and the
functions min, max, abs and round), and the tree is then evaluated by simpleeval with only
those operators and functions. Numbers are floats throughout, so `2 ** 2 ** 2 ** 99` overflows
at once instead of building an integer that never ends.

Speed: a store can hold hundreds of formula KPIs over years of weeks, and `cadence pull`
computes them all. Evaluating each formula once per period would run the evaluator 78,000
times for 500 KPIs over three years; instead each formula is evaluated ONCE, over whole
columns: every name stands for a `_Column` of its values over the aligned periods, and the
operators work element-wise over those lists, carrying the reason of each period that has no
value (an input missing there, a division by zero, an overflow).

Names are matched as people write them (`core.names.name_key`). A name with spaces or
punctuation is written in backticks or brackets: `Net revenue retention` or
[Net revenue retention]; a bare identifier (`Pipeline`, `nrr_2`) is a name too.
"""

import ast
import keyword
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import msgspec
import simpleeval

from core.errors import ValidationError
from core.names import name_key
from core.periods import period_label

MAX_LENGTH = 2000   # characters: far past any real formula, well inside what the parser can nest
MAX_DEPTH = 100     # nesting levels: the evaluator recurses a few frames per level
FUNCTIONS = ("min", "max", "abs", "round")
ARROW = " \u2192 "  # the loop in a cycle's message: "Conversion → Pipeline → Conversion"


class Missing(msgspec.Struct, frozen=True):
    """A period with no value, and why."""

    reason: str


class Formula(msgspec.Struct, frozen=True):
    """A parsed formula: its text, and the KPI names it uses as written (one per name that
    reads the same, in order of first use)."""

    text: str
    names: tuple[str, ...]


Value = float | Missing


# --- parsing ------------------------------------------------------------------------------

_NUMBER = r"(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)" \
          r"(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
_TOKEN = re.compile(rf"""
    (?P<team>[a-z][a-z0-9_]*):        # a roll-up's team KPI: growth:Revenue, growth:`Net rr`
      (?:`(?P<team_tick>[^`]*)`|\[(?P<team_bracket>[^\]]*)\]|(?P<team_word>[^\W\d]\w*))
  | `(?P<tick>[^`]*)`                 # `Net revenue retention`
  | \[(?P<bracket>[^\]]*)\]           # [Net revenue retention]
  | (?P<number>{_NUMBER})
  | (?P<word>[^\W\d]\w*)              # Pipeline, or a function: min(
  | (?P<open>[`\[])                   # a quote left open
  | (?P<other>[-+*/%().,\s])          # operators, parentheses, arguments' commas
  | (?P<bad>.)
""", re.VERBOSE | re.DOTALL)
_CALL = re.compile(r"\s*\(")


class _Parsed(msgspec.Struct, frozen=True):
    """What evaluating needs: the checked tree (over placeholder names `_k0`, `_k1`, … that
    stand for `formula.names` in order) and the formula."""

    tree: ast.expr
    formula: Formula


def _placeholder(index: int) -> str:
    return f"_k{index}"


def _refuse(message: str) -> ValidationError:
    return ValidationError("formula", message)


def parse(text: str) -> Formula:
    """The formula `text` holds, or ValidationError("formula", …) saying what is wrong."""
    return _parse(text).formula


@lru_cache(maxsize=4096)
def _parse(text: str) -> _Parsed:
    if not text.strip():
        raise _refuse("is empty; write an expression over other KPIs, e.g. Pipeline / Quota")
    if len(text) > MAX_LENGTH:
        raise _refuse(f"is {len(text):,} characters long; at most {MAX_LENGTH:,}")
    source, origin, names = _rewrite(text)
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise _refuse(f"is not a formula ({_syntax_error(error, origin)})") from None
    except (RecursionError, MemoryError):
        raise _refuse(f"nests more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:                     # a NUL character
        raise _refuse(f"is not a formula ({error})") from None
    _check_tree(tree, names)
    return _Parsed(_floats(tree), Formula(text, tuple(names)))


def _syntax_error(error: SyntaxError, origin: list[int]) -> str:
    if "forgot a comma" in error.msg:     # Python's guess; in a formula it is an operator
        return "two values with no operator between them"
    at = origin[min(max((error.offset or 1) - 1, 0), len(origin) - 1)] + 1
    return f"{error.msg}, at character {at}"


def _rewrite(text: str) -> tuple[str, list[int], list[str]]:
    """The formula as Python expression text with each KPI name replaced by a placeholder
    (`_k0`…), where in `text` each character of it came from, and the names as written.

    Every name becomes a placeholder — bare ones too — so no name of the user's ever reaches
    the parser as a Python name; only the functions a formula may call, and Python's keywords
    (which the tree check then refuses with a clear message), pass through as they are."""
    parts: list[str] = []
    origin: list[int] = []
    names: list[str] = []
    keys: dict[str, int] = {}
    for found in _TOKEN.finditer(text):
        kind, start = found.lastgroup, found.start()
        piece = found.group()
        if kind in ("tick", "bracket"):
            piece = _name(found.group(kind).strip(), names, keys)
        elif kind in ("team_tick", "team_bracket", "team_word"):
            # A name in a roll-up (core/rollup.py): its team, then the team's KPI.
            piece = _name(f"{found.group('team')}:{found.group(kind).strip()}", names, keys)
        elif kind == "word":
            piece = _word(piece, text, found.end(), names, keys)
        elif kind == "open":
            closing = "`" if piece == "`" else "]"
            raise _refuse(f"opens a name with {piece} at character {start + 1} and never "
                          f"closes it with {closing}")
        elif kind == "bad":
            raise _refuse(_bad_character(piece, start))
        parts.append(piece)
        origin += [start] * len(piece)
    # In parentheses: a formula may run over several lines, and starts with a space.
    return f"({''.join(parts)})", [0, *origin, len(text) - 1], names


def _bad_character(char: str, at: int) -> str:
    if char in "'\"":
        return (f"has a quote ({char}) at character {at + 1}; a formula has no text: write a "
                "KPI name with spaces in backticks or brackets")
    shown = char if char.isprintable() else f"U+{ord(char):04X}"
    return f"has {shown} at character {at + 1}; a formula has {_SYNTAX}"


def _name(name: str, names: list[str], keys: dict[str, int]) -> str:
    """A placeholder for a KPI name, with spaces around so it never joins a number."""
    if not name:
        raise _refuse("names an empty KPI name (`` or [])")
    key = name_key(name)
    if key not in keys:
        keys[key] = len(names)
        names.append(name)
    return f" {_placeholder(keys[key])} "


def _word(word: str, text: str, end: int, names: list[str], keys: dict[str, int]) -> str:
    if keyword.iskeyword(word):
        return f" {word} "
    if _CALL.match(text, end):
        if word in FUNCTIONS:
            return word
        raise _refuse(f"calls {word}(); a formula can call only {_listed(FUNCTIONS)}")
    return _name(word, names, keys)


def _listed(words: Iterable[str]) -> str:
    *rest, last = words
    return f"{', '.join(rest)} and {last}" if rest else last


_OPERATORS: dict[type[ast.AST], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%", ast.Pow: "**"}
_UNARY: dict[type[ast.AST], str] = {ast.USub: "-", ast.UAdd: "+"}
_WHAT = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "assignment (:=)", ast.Compare: "comparison", ast.BoolOp: "and/or",
    ast.IfExp: "if/else", ast.Tuple: "a list of values", ast.List: "a list",
    ast.Set: "a set", ast.Dict: "a dict", ast.JoinedStr: "text", ast.Starred: "*",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a slice",
}
_SYNTAX = "numbers, KPI names, + - * / % **, parentheses and min, max, abs, round"


def _check_tree(tree: ast.expr, names: list[str]) -> None:
    """Refuse every node that is not a number, a KPI name, an allowed operator or a call of an
    allowed function. Walked with a stack, not recursion: the depth is what is being checked."""
    placeholders = {_placeholder(i) for i in range(len(names))}
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _refuse(f"nests more than {MAX_DEPTH} levels deep")
        children = _allowed_children(node, placeholders)
        stack += ((child, depth + 1) for child in children)


def _allowed_children(node: ast.AST, placeholders: set[str]) -> list[ast.AST]:
    """The node's operands, or ValidationError if the node is not allowed."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise _refuse(f"uses the operator {_op_text(node.op)}; a formula has {_SYNTAX}")
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise _refuse(f"uses {_op_text(node.op)}; a formula has {_SYNTAX}")
        return [node.operand]
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise _refuse(f"holds {node.value!r}, which is not a number")
        return []
    if isinstance(node, ast.Name):
        if node.id not in placeholders:     # a function named without calling it
            raise _refuse(f"uses {node.id} without calling it")
        return []
    if isinstance(node, ast.Call):
        return _call_arguments(node)
    what = _WHAT.get(type(node), type(node).__name__)
    raise _refuse(f"uses {what}, which a formula cannot; a formula has {_SYNTAX}")


def _op_text(op: ast.AST) -> str:
    return {ast.FloorDiv: "//", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
            ast.BitAnd: "&", ast.BitXor: "^", ast.MatMult: "@", ast.Invert: "~",
            ast.Not: "not"}.get(type(op), type(op).__name__)


def _call_arguments(node: ast.Call) -> list[ast.AST]:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise _refuse(f"calls something other than {_listed(FUNCTIONS)}")
    name, args = node.func.id, node.args
    if node.keywords or any(isinstance(a, ast.Starred) for a in args):
        raise _refuse(f"passes {name}() named or starred arguments; give it values only")
    if name in ("min", "max") and len(args) < 2:
        raise _refuse(f"{name}() takes two values or more")
    if name == "abs" and len(args) != 1:
        raise _refuse("abs() takes one value")
    if name == "round":
        if len(args) not in (1, 2):
            raise _refuse("round() takes a value and, optionally, a number of decimals")
        if len(args) == 2 and not (isinstance(args[1], ast.Constant)
                                    and type(args[1].value) is int and args[1].value <= 15):
            raise _refuse("round()'s decimals are a whole number from 0 to 15")
    return list(args)


def _floats(tree: ast.expr) -> ast.expr:
    """The tree with every number a float: a huge literal is refused here, not in a period."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            try:
                node.value = float(node.value)
            except OverflowError:
                node.value = math.inf
            if not math.isfinite(node.value):
                raise _refuse("holds a number too large to compute with") from None
    return tree


# --- checking a formula as a KPI is saved -----------------------------------------------

def check(name: str, cadence: str, text: str,
          catalogue: Mapping[str, tuple[str, str | None]]) -> Formula:
    """The formula of KPI `name` (of `cadence`), refused unless every name in it is another
    KPI of the same cadence and no chain of formulas leads back to `name`.

    `catalogue`: every KPI in the store by name -> (cadence, its formula text or None); the KPI
    being saved may be in it or not (its formula there is replaced by `text`)."""
    formula = parse(text)
    own = name_key(name)
    known = {name_key(other): other for other in catalogue}
    if not formula.names:
        raise _refuse("names no KPI; a formula computes a KPI from others")
    for used in formula.names:
        if name_key(used) == own:
            raise _refuse(f"uses {name} itself; a formula computes a KPI from others")
    unknown = [used for used in formula.names if name_key(used) not in known]
    if unknown:
        raise _refuse("; ".join(_unknown(used, known) for used in unknown))
    for used in formula.names:
        other = known[name_key(used)]
        if catalogue[other][0] != cadence:
            raise _refuse(f"{other} is {catalogue[other][0]}; {name} is {cadence}: a formula "
                          "uses KPIs of its own cadence")
    loop = _loop(name, formula, catalogue, known)
    if loop:
        raise _refuse(f"makes a cycle: {ARROW.join(loop)}")
    return formula


def _unknown(used: str, known: Mapping[str, str]) -> str:
    import difflib       # only for a refusal: not on the way of every formula checked
    close = difflib.get_close_matches(name_key(used), known, n=1, cutoff=0.6)
    hint = f" (did you mean {known[close[0]]}?)" if close else ""
    return f"no KPI is named {used}{hint}"


def _loop(name: str, formula: Formula, catalogue: Mapping[str, tuple[str, str | None]],
          known: Mapping[str, str]) -> list[str]:
    """The shortest chain of formulas from `name` back to itself, as KPI names, or []."""
    own = name_key(name)
    parents: dict[str, str] = {}
    frontier = [name_key(used) for used in formula.names]
    for key in frontier:
        parents.setdefault(key, own)
    while frontier:                        # breadth first: the loop shown is the shortest
        step = []
        for key in frontier:
            for used in _inputs(catalogue[known[key]][1]):
                nxt = name_key(used)
                if nxt == own:
                    return _path(key, parents, known, name)
                if nxt in known and nxt not in parents:
                    parents[nxt] = key
                    step.append(nxt)
        frontier = step
    return []


def _inputs(text: str | None) -> tuple[str, ...]:
    """The names a stored formula uses; none if it has none or does not parse (a hand-edited
    store: its own check reports it; here it cannot close a loop)."""
    if text is None:
        return ()
    try:
        return parse(text).names
    except ValidationError:
        return ()


def _path(last: str, parents: Mapping[str, str], known: Mapping[str, str],
          name: str) -> list[str]:
    chain = []
    key = last
    while key in known and key != name_key(name):
        chain.append(known[key])
        key = parents[key]
    return [name, *reversed(chain), name]


# --- evaluating, column by column -------------------------------------------------------

class _Column:
    """An operand over every period of one formula: its value in each, and for the periods
    without one, why (index -> reason; the value there is a 0.0 placeholder).

    `text` is the operand as written, parenthesised when compound, for the reasons."""

    __slots__ = ("text", "values", "reasons")

    def __init__(self, text: str, values: list[float], reasons: dict[int, str]):
        self.text, self.values, self.reasons = text, values, reasons


Operand = _Column | float


def _shown(text: str) -> str:
    """An operand's text without the parentheses around the whole of it."""
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _text(operand: Operand) -> str:
    return operand.text if isinstance(operand, _Column) else f"{operand:g}"


class _Columns:
    """The operators and functions of a formula, over columns of `size` periods."""

    def __init__(self, size: int):
        self.size = size

    def values(self, operand: Operand) -> list[float]:
        if isinstance(operand, _Column):
            return operand.values
        return [operand] * self.size

    def binary(self, op: Callable[[float, float], float], symbol: str) -> Callable[..., Operand]:
        def apply(left: Operand, right: Operand) -> Operand:
            text = f"({_text(left)} {symbol} {_text(right)})"
            reasons = {**_reasons(right), **_reasons(left)}    # the left one's reason first
            values = self._fast(op, left, right)
            if values is None:
                values = self._slow(op, left, right, text, reasons)
            return _Column(text, values, reasons)
        return apply

    def _fast(self, op: Callable[[float, float], float], left: Operand,
              right: Operand) -> list[float] | None:
        """The values when no period fails: the common case, with no per-period checks. The
        placeholders of periods with a reason are computed too (cheaper than skipping them);
        if one fails, the slow way skips them."""
        try:
            values = list(map(op, self.values(left), self.values(right)))
        except (ArithmeticError, ValueError):
            return None
        return values if all(map(math.isfinite, values)) else None

    def _slow(self, op: Callable[[float, float], float], left: Operand, right: Operand,
              text: str, reasons: dict[int, str]) -> list[float]:
        values = []
        for index, (a, b) in enumerate(zip(self.values(left), self.values(right))):
            value = 0.0
            if index not in reasons:
                try:
                    value = op(a, b)
                except ZeroDivisionError:
                    reasons[index] = _by_zero(right)
                except OverflowError:
                    reasons[index] = f"{_shown(text)} overflows"
                except ValueError:
                    reasons[index] = f"{_shown(text)} is not a real number"
                else:
                    if not math.isfinite(value):
                        reasons[index], value = f"{_shown(text)} overflows", 0.0
            values.append(value)
        return values

    def negative(self, operand: Operand) -> Operand:
        if not isinstance(operand, _Column):
            return -operand
        return _Column(f"(-{operand.text})", [-v for v in operand.values], operand.reasons)

    def positive(self, operand: Operand) -> Operand:
        return operand

    def function(self, name: str, each: Callable[..., float]) -> Callable[..., Operand]:
        def apply(*operands: Operand) -> Operand:
            text = f"{name}({', '.join(_shown(_text(o)) for o in operands)})"
            reasons: dict[int, str] = {}
            for operand in reversed(operands):              # the first one's reason first
                reasons.update(_reasons(operand))
            columns = [self.values(o) for o in operands]
            return _Column(text, list(map(each, *columns)), reasons)
        return apply


def _reasons(operand: Operand) -> dict[int, str]:
    return operand.reasons if isinstance(operand, _Column) else {}


def _by_zero(divisor: Operand) -> str:
    if isinstance(divisor, _Column):
        return f"division by zero ({_shown(divisor.text)} is 0)"
    return "division by zero"


def _round(value: float, decimals: float = 0.0) -> float:
    return float(round(value, int(decimals)))


def _power(base: float, exponent: float) -> float:
    """math.pow: raises on overflow and on a negative base to a fraction, where ** would give
    an infinity or a complex number."""
    return math.pow(base, exponent)


def _evaluator(columns: _Columns) -> Any:
    """simpleeval with only the formula operators and functions, over columns. Numbers are
    already floats (`_floats`); names are bound per formula."""
    binary = columns.binary
    evaluator = simpleeval.SimpleEval(
        operators={ast.Add: binary(operator.add, "+"), ast.Sub: binary(operator.sub, "-"),
                   ast.Mult: binary(operator.mul, "*"), ast.Div: binary(operator.truediv, "/"),
                   ast.Mod: binary(operator.mod, "%"), ast.Pow: binary(_power, "**"),
                   ast.USub: columns.negative, ast.UAdd: columns.positive},
        functions={"min": columns.function("min", min), "max": columns.function("max", max),
                   "abs": columns.function("abs", abs),
                   "round": columns.function("round", _round)},
        names={})
    return evaluator


class _Result(msgspec.Struct):
    """One formula KPI's values so far: a value per period (0.0 where it has none) and the
    reasons of the periods without one."""

    values: dict[str, float]
    missing: dict[str, str]


def evaluate_all(formulas: Mapping[str, str], series: Mapping[str, Mapping[str, float]],
                 cadences: Mapping[str, str] | None = None) -> dict[str, dict[str, Value]]:
    """Every formula KPI's value in every period where at least one of its inputs has an entry
    (for an input that is itself a formula, a period it has a Missing for counts: the reason
    goes on), or Missing with the reason.

    formulas: KPI name -> formula text; series: KPI name -> {period start "YYYY-MM-DD": value}
    for every input KPI that is not a formula. cadences (optional): KPI name -> cadence, so a
    reason names a period as the app does ("2026-W46") rather than by its first day.
    Formulas over formulas are evaluated in dependency order. Formulas in a cycle (a
    hand-edited store: `check` refuses one) have each period Missing, naming the loop.
    A formula that does not parse raises ValidationError naming its KPI: call `parse` on each
    first to report such a one alone."""
    parsed = {}
    for kpi, text in formulas.items():
        try:
            parsed[name_key(kpi)] = (kpi, _parse(text))
        except ValidationError as error:
            raise ValidationError("formula", error.message, kpi) from None
    inputs: dict[str, tuple[str, _Result]] = {}
    for kpi, values in series.items():
        inputs.setdefault(name_key(kpi), (kpi, _Result(dict(values), {})))
    order, cycles = _order(parsed)
    columns = _Columns(0)
    evaluator = _evaluator(columns)
    cadence_of = {name_key(k): c for k, c in (cadences or {}).items()}
    for key in order:
        kpi, compiled = parsed[key]
        label = _labeller(cadence_of.get(key))
        if key in cycles:
            result = _in_cycle(cycles[key], compiled, inputs)
        else:
            result = _evaluate(compiled, inputs, columns, evaluator, label)
        inputs[key] = (kpi, result)
    return {kpi: _values(inputs[key][1]) for key, (kpi, _) in parsed.items()}


def _labeller(cadence: str | None) -> Callable[[str], str]:
    if cadence is None:
        return str
    return lambda period: period_label(date.fromisoformat(period), cadence)


def _order(parsed: Mapping[str, tuple[str, _Parsed]]) -> tuple[list[str], dict[str, str]]:
    """The formula KPIs, each after the formulas it uses; and those in a cycle, with the loop
    to name. Depth first with a stack of its own: a chain of formulas may be long."""
    deps = {key: [name_key(n) for n in p.formula.names if name_key(n) in parsed]
            for key, (_, p) in parsed.items()}
    order: list[str] = []
    state: dict[str, int] = {}                 # 1: on the path, 2: done
    cycles: dict[str, str] = {}
    for root in parsed:
        if root in state:
            continue
        path, stack = [root], [iter(deps[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                done = path.pop()
                stack.pop()
                state[done] = 2
                order.append(done)
            elif state.get(nxt) == 1:
                loop = path[path.index(nxt):] + [nxt]
                shown = ARROW.join(parsed[k][0] for k in loop)
                for member in loop:
                    cycles.setdefault(member, shown)
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(deps[nxt]))
    return order, cycles


def _in_cycle(loop: str, compiled: _Parsed,
              inputs: Mapping[str, tuple[str, _Result]]) -> _Result:
    periods: set[str] = set()
    for used in compiled.formula.names:
        if name_key(used) in inputs:
            periods |= inputs[name_key(used)][1].values.keys()
    reason = f"the formulas make a cycle: {loop}"
    return _Result(dict.fromkeys(sorted(periods), 0.0), dict.fromkeys(sorted(periods), reason))


def _evaluate(compiled: _Parsed, inputs: Mapping[str, tuple[str, _Result]],
              columns: _Columns, evaluator: Any, label: Callable[[str], str]) -> _Result:
    used = [(written, inputs.get(name_key(written))) for written in compiled.formula.names]
    periods = _periods(result for _, found in used if found for result in [found[1]])
    columns.size = len(periods)
    evaluator.names = {
        _placeholder(index): _column(written, found, periods, label)
        for index, (written, found) in enumerate(used)}
    outcome = evaluator.eval("", previously_parsed=compiled.tree) if periods else 0.0
    if not isinstance(outcome, _Column):         # a formula of numbers alone, or no periods
        outcome = _Column("", [outcome] * len(periods), {})
    missing = {periods[i]: reason for i, reason in outcome.reasons.items()}
    return _Result(dict(zip(periods, outcome.values)), missing)


def _periods(results: Iterable[_Result]) -> list[str]:
    keys: set[str] = set()
    for result in results:
        keys |= result.values.keys()
    return sorted(keys)


def _column(written: str, found: tuple[str, _Result] | None, periods: list[str],
            label: Callable[[str], str]) -> _Column:
    """An input over the formula's periods: its values, and for each period it has none, the
    reason naming it (and, for an input that is a formula, why that one has none)."""
    kpi, result = found if found else (written, _Result({}, {}))
    values, missing = result.values, result.missing
    try:
        column = [values[period] for period in periods]
    except KeyError:
        column = [values.get(period, 0.0) for period in periods]
    reasons = {}
    if len(values) < len(periods) or missing:
        for index, period in enumerate(periods):
            if period not in values:
                reasons[index] = f"no value of {kpi} for {label(period)}"
            elif period in missing:
                reasons[index] = f"no value of {kpi} for {label(period)}: {missing[period]}"
    return _Column(_written(kpi), column, reasons)


def _written(name: str) -> str:
    """A KPI name as a formula would write it: bare if it can be, else quoted."""
    if name.isidentifier() and not keyword.iskeyword(name):
        return name
    return f"`{name}`" if "`" not in name else f"[{name}]"


def _values(result: _Result) -> dict[str, Value]:
    out: dict[str, Value] = dict(result.values)
    for period, reason in result.missing.items():
        out[period] = Missing(reason)
    return out

