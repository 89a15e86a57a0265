"""KPI formulas (core/formula.py): parsed once against a whitelist, checked when a KPI is
saved, evaluated over whole columns with a reason for every period that has no value."""

import math
import operator
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import display
from core.errors import ValidationError
from core.formula import MAX_DEPTH, MAX_LENGTH, Formula, Missing, check, evaluate_all, parse

W1, W2, W3 = "2026-11-02", "2026-11-09", "2026-11-16"


def one(text: str, **series: dict[str, float]) -> dict[str, float | Missing]:
    """The values of one formula over the given inputs."""
    return evaluate_all({"Result": text}, series)["Result"]


def refused(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(text)
    assert caught.value.field == "formula"
    return caught.value.message


# --- parsing ------------------------------------------------------------------------------

def test_names_with_spaces_in_backticks_or_brackets_and_bare_names():
    formula = parse("`Net revenue retention` / [Gross margin %] * Pipeline")
    assert formula == Formula("`Net revenue retention` / [Gross margin %] * Pipeline",
                              ("Net revenue retention", "Gross margin %", "Pipeline"))


def test_names_are_deduplicated_as_people_write_them_and_kept_in_order():
    assert parse("pipeline + [Pipeline] * `PIPELINE ` - Quota + ｐｉｐｅｌｉｎｅ").names == (
        "pipeline", "Quota")


def test_a_name_may_hold_a_bracket_in_backticks_and_a_backtick_in_brackets():
    assert parse("`Revenue [EUR]` + [it`s]").names == ("Revenue [EUR]", "it`s")


@pytest.mark.parametrize("text, expected", [
    ("a + 2 * 3 ** 2", 19.0),             # ** before *, * before +
    ("(a + 2) * 3", 9.0),
    ("-a ** 2", -1.0),                    # unary minus after **, as in Python
    ("2 - -a", 3.0),
    ("+a", 1.0),
    ("a / 4 % 0.2", 0.25 % 0.2),
    ("1_000 * a + .5 + 1e-3", 1000.501),
    ("2 ** 3 ** 2 * a", 512.0),           # ** groups from the right
    ("min(a, 5, -2) + max(a, 7) + abs(-a) + round(a / 3, 2)", -2 + 7 + 1 + 0.33),
    ("round(a * 2.5)", 2.0),
    ("(a\n + 1)\n* 2", 4.0),              # a formula may run over lines
])
def test_numbers_precedence_and_functions(text, expected):
    assert one(text, a={W1: 1.0}) == {W1: pytest.approx(expected)}


@pytest.mark.parametrize("text, says", [
    ("Pipeline.__class__", "attribute access"),
    ("(1).__class__.__bases__", "attribute access"),
    ("__import__('os')", "calls __import__()"),
    ("open(Pipeline)", "calls open()"),
    ("eval(Pipeline)", "calls eval()"),
    ("exec(Pipeline)", "calls exec()"),
    ("(min)(a, b)", "calls something other than min"),
    ("`Pipeline`(2)", "calls something other than min"),
    ("'text'", "quote"),
    ('"text" * 3', "quote"),
    ("Pipeline[0]", "no operator between"),
    ("(Pipeline)[0]", "no operator between"),
    ("lambda: Pipeline", "has :"),
    ("(x for x in Pipeline)", "comprehension"),
    ("{x for x in Pipeline}", "has {"),
    ("(x := 1) + Pipeline", "has :"),
    ("Pipeline if Quota else 1", "if/else"),
    ("Pipeline and Quota", "and/or"),
    ("not Pipeline", "uses not"),
    ("Pipeline < Quota", "has <"),
    ("Pipeline // Quota", "operator //"),
    ("Pipeline << 2", "has <"),
    ("~Pipeline", "has ~"),
    ("Pipeline @ Quota", "has @"),
    ("Pipeline, Quota", "a list of values"),
    ("True + Pipeline", "True, which is not a number"),
    ("None", "None, which is not a number"),
    ("2j * Pipeline", "no operator between"),
    ("f'{Pipeline}'", "quote"),
    ("min(Pipeline)", "min() takes two values"),
    ("max(Pipeline, key=Quota)", "has ="),
    ("max(*Pipeline, 1)", "named or starred"),
    ("abs(Pipeline, Quota)", "abs() takes one value"),
    ("round(Pipeline, Quota)", "whole number from 0 to 15"),
    ("round(Pipeline, 99)", "whole number from 0 to 15"),
    ("min", None),                        # a KPI named min: allowed (see below)
    ("", "empty"),
    ("   \n ", "empty"),
    ("`Pipeline", "never closes it with `"),
    ("[Pipeline", "never closes it with ]"),
    ("`` + 1", "empty KPI name"),
    ("Pipeline +", "is not a formula"),
    ("Pipe\x00line", "U+0000"),
    ("Pipeline\x1b[31m", "U+001B"),
    ("Pipeline # a comment", "has #"),
    ("9" * 400, "too large"),
    ("1e999 * Pipeline", "too large"),
])
def test_every_other_construct_is_refused_cleanly(text, says):
    if says is None:
        assert parse(text).names == (text,)
        return
    assert says in refused(text)


@pytest.mark.parametrize("text", [
    "(" * 10_000 + "Pipeline" + ")" * 10_000,
    "(" * 300 + "Pipeline" + ")" * 300,           # past the parser's limit
    "-" * (MAX_LENGTH - 1) + "Pipeline"[:1],
    "a" + " + a" * ((MAX_LENGTH - 1) // 4),        # a left-deep chain of sums
    "min(" * 120 + "a" + ", 1)" * 120,
    "Pipeline " * 10_000,
])
def test_deep_or_long_formulas_are_refused_not_crashed_on(text):
    started = time.perf_counter()
    message = refused(text)
    assert any(why in message for why in ("levels deep", "characters long", "too many nested"))
    assert time.perf_counter() - started < 5       # not hung: a generous bound


def test_the_deepest_formula_allowed_evaluates():
    assert one("(" * 150 + "a" + ")" * 150, a={W1: 2.0}) == {W1: 2.0}    # nesting nothing
    deepest = "-" * (MAX_DEPTH - 1) + "a"
    assert one(deepest, a={W1: 2.0}) == {W1: -2.0}
    chain = "a" + " + a" * (MAX_DEPTH - 1)
    assert one(chain, a={W1: 1.0}) == {W1: float(MAX_DEPTH)}
    assert "levels deep" in refused("-" + deepest)


def test_a_tower_of_powers_overflows_at_once_instead_of_hanging():
    started = time.perf_counter()
    result = one("2 ** 2 ** 2 ** 99 * a", a={W1: 1.0})
    assert time.perf_counter() - started < 5
    assert result == {W1: Missing("2 ** (2 ** 99) overflows")}


# --- checking a formula as its KPI is saved -------------------------------------------------

CATALOGUE = {
    "Pipeline": ("weekly", None),
    "Quota": ("monthly", None),
    "Win rate": ("weekly", None),
    "Deals": ("weekly", None),
}


def check_refused(name: str, text: str, catalogue=CATALOGUE, cadence: str = "weekly") -> str:
    with pytest.raises(ValidationError) as caught:
        check(name, cadence, text, catalogue)
    assert caught.value.field == "formula"
    return caught.value.message


def test_a_formula_over_kpis_of_its_cadence_is_accepted_by_any_spelling():
    assert check("Conversion", "weekly", "PIPELINE * [win  rate] / ｄｅａｌｓ", CATALOGUE).names \
        == ("PIPELINE", "win  rate", "ｄｅａｌｓ")


def test_an_unknown_name_is_refused_with_a_close_one_suggested():
    assert check_refused("Conversion", "Pipline / Deals") == \
        "no KPI is named Pipline (did you mean Pipeline?)"
    assert check_refused("Conversion", "Pipline / Zebra") == \
        "no KPI is named Pipline (did you mean Pipeline?); no KPI is named Zebra"


def test_a_list_comprehension_reads_as_a_name_in_brackets_and_is_unknown():
    assert "no KPI is named x for x in Pipeline" in check_refused("C", "[x for x in Pipeline]")


def test_a_kpi_of_another_cadence_is_refused():
    assert check_refused("Conversion", "Pipeline / Quota") == (
        "Quota is monthly; Conversion is weekly: a formula uses KPIs of its own cadence")


def test_a_formula_naming_its_own_kpi_is_refused_however_spelt():
    assert "uses Conversion itself" in check_refused("Conversion", "[CONVERSION ] + Pipeline")
    catalogue = {**CATALOGUE, "Conversion": ("weekly", None)}
    assert "uses Conversion itself" in check_refused("Conversion", "conversion * 2", catalogue)


def test_a_formula_of_numbers_alone_is_refused():
    assert "names no KPI" in check_refused("Conversion", "1 + 2")


def test_a_two_step_cycle_is_refused_showing_the_loop():
    catalogue = {**CATALOGUE, "Conversion": ("weekly", "Pipeline / Deals"),
                 "Ratio": ("weekly", "Conversion * 2")}
    assert check_refused("Conversion", "Ratio / 2", catalogue) == \
        "makes a cycle: Conversion \u2192 Ratio \u2192 Conversion"


def test_a_three_step_cycle_is_refused_showing_the_loop():
    catalogue = {**CATALOGUE, "A": ("weekly", "[B] + 1"), "B": ("weekly", "`C` * 2"),
                 "C": ("weekly", "Pipeline")}
    assert check_refused("C", "a - Deals", catalogue) == \
        "makes a cycle: C \u2192 A \u2192 B \u2192 C"
    # the KPI need not be in the catalogue yet, and a formula beside the loop is fine
    assert check("D", "weekly", "A + B", catalogue).names == ("A", "B")


def test_a_stored_formula_that_does_not_parse_cannot_break_the_check():
    catalogue = {**CATALOGUE, "Broken": ("weekly", "Pipeline +")}
    assert check("Conversion", "weekly", "Broken * 2", catalogue).names == ("Broken",)


# --- evaluating ------------------------------------------------------------------------------

def test_a_period_missing_an_input_has_no_value_and_the_reason_names_it():
    series = {"Pipeline": {W1: 50.0, W2: 60.0, W3: 70.0}, "Quota": {W1: 100.0, W3: 200.0}}
    result = evaluate_all({"Coverage": "Pipeline / Quota * 100"}, series)
    assert result == {"Coverage": {W1: 50.0, W2: Missing(f"no value of Quota for {W2}"),
                                   W3: 35.0}}
    labelled = evaluate_all({"Coverage": "pipeline / quota * 100"}, series,
                            cadences={"coverage": "weekly"})
    assert labelled["Coverage"][W2] == Missing("no value of Quota for 2026-W46")


def test_an_input_with_no_series_at_all_is_named_too():
    assert one("Pipeline + Absent", Pipeline={W1: 1.0}) == {
        W1: Missing(f"no value of Absent for {W1}")}


def test_only_periods_where_an_input_has_a_value_are_given():
    assert one("a * b", a={W2: 2.0}, b={W2: 3.0}, c={W1: 1.0, W3: 1.0}) == {W2: 6.0}
    assert one("a * b", a={}, b={}) == {}


def test_division_by_zero_has_no_value_and_says_what_is_zero():
    series = {"Pipeline": {W1: 50.0, W2: 60.0}, "Quota": {W1: 100.0, W2: 0.0}}
    assert evaluate_all({"Coverage": "Pipeline / Quota"}, series)["Coverage"] == {
        W1: 0.5, W2: Missing("division by zero (Quota is 0)")}
    assert one("a / (b - 1)", a={W1: 1.0}, b={W1: 1.0}) == {
        W1: Missing("division by zero (b - 1 is 0)")}
    assert one("a / 0", a={W1: 1.0, W2: 2.0}) == {W1: Missing("division by zero"),
                                                  W2: Missing("division by zero")}
    assert one("a % b", a={W1: 1.0}, b={W1: 0.0}) == {W1: Missing("division by zero (b is 0)")}


def test_overflow_and_other_non_finite_results_have_no_value():
    assert one("a * 1e308 * 10", a={W1: 1.0, W2: 1e-300}) == {
        W1: Missing("(a * 1e+308) * 10 overflows"), W2: pytest.approx(1e9)}
    assert one("a ** 0.5", a={W1: -4.0, W2: 4.0}) == {
        W1: Missing("a ** 0.5 is not a real number"), W2: 2.0}
    assert one("a ** 4000", a={W1: 10.0}) == {W1: Missing("a ** 4000 overflows")}


def test_a_formula_over_formulas_is_evaluated_after_them_and_says_why_it_has_no_value():
    formulas = {"Doubled": "Coverage * 2", "Coverage": "Pipeline / Quota",
                "Tripled": "[Doubled] / 2 * 3"}
    series = {"Pipeline": {W1: 50.0, W2: 60.0, W3: 1.0}, "Quota": {W1: 100.0, W2: 0.0}}
    result = evaluate_all(formulas, series)
    assert result["Doubled"] == {
        W1: 1.0, W2: Missing(f"no value of Coverage for {W2}: division by zero (Quota is 0)"),
        W3: Missing(f"no value of Coverage for {W3}: no value of Quota for {W3}")}
    assert result["Tripled"][W1] == 1.5
    assert result["Tripled"][W2] == Missing(
        f"no value of Doubled for {W2}: no value of Coverage for {W2}: division by zero "
        "(Quota is 0)")
    assert list(result) == ["Doubled", "Coverage", "Tripled"]      # as given


def test_computed_values_replace_a_stored_series_of_a_formula_kpi():
    result = evaluate_all({"Coverage": "Pipeline / 2", "Doubled": "Coverage * 2"},
                          {"Pipeline": {W1: 10.0}, "Coverage": {W1: 999.0}})
    assert result == {"Coverage": {W1: 5.0}, "Doubled": {W1: 10.0}}


def test_a_cycle_in_a_hand_edited_store_leaves_each_period_without_a_value():
    result = evaluate_all({"A": "B + Pipeline", "B": "A * 2", "Fine": "Pipeline * 2",
                           "After": "A + 1"}, {"Pipeline": {W1: 1.0}})
    assert result["A"] == {W1: Missing("the formulas make a cycle: A \u2192 B \u2192 A")}
    assert result["B"] == {}                # its only input is in the loop: no period known
    assert result["Fine"] == {W1: 2.0}
    assert result["After"] == {W1: Missing(f"no value of A for {W1}: the formulas make a "
                                           "cycle: A \u2192 B \u2192 A")}
    assert evaluate_all({"A": "a + A"}, {"a": {W1: 1.0}})["A"] == {
        W1: Missing("the formulas make a cycle: A \u2192 A")}


def test_a_stored_formula_that_does_not_parse_is_refused_naming_its_kpi():
    with pytest.raises(ValidationError) as caught:
        evaluate_all({"Fine": "a", "Broken": "a +"}, {"a": {W1: 1.0}})
    assert caught.value.entity == "Broken" and caught.value.field == "formula"


def test_a_hostile_name_is_kept_as_data_in_results_and_reasons():
    evil = "\x1b]52;c;aGk=\x07Red\x1b[31m\u202e"
    formulas = {evil + " ratio": f"`{evil}` / `{evil}2`"}
    series = {evil: {W1: 4.0, W2: 6.0}, evil + "2": {W1: 2.0}}
    result = evaluate_all(formulas, series)
    assert result == {evil + " ratio": {W1: 2.0, W2: Missing(f"no value of {evil}2 for {W2}")}}
    shown = display.line(result[evil + " ratio"][W2].reason)
    assert "\x1b" not in shown and "\u202e" not in shown and "Red" in shown
    assert check("Ratio", "weekly", f"`{evil}` * 2", {evil: ("weekly", None)}).names == (evil,)


# --- the columns against a period-by-period reference -------------------------------------

NAMES = ("a", "b", "c")
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "%": operator.mod, "**": math.pow}


def expressions():
    leaves = st.one_of(st.sampled_from(NAMES).map(lambda n: ("name", n)),
                       st.sampled_from([0.0, 1.0, 2.0, 0.5, 3.0]).map(lambda v: ("num", v)))
    return st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(st.just("op"), st.sampled_from(sorted(OPS)), inner, inner),
        st.tuples(st.just("neg"), inner),
        st.tuples(st.just("call"), st.sampled_from(["min", "max"]), inner, inner)),
        max_leaves=8)


def written(tree) -> str:
    kind = tree[0]
    if kind == "name":
        return f"[{tree[1]}]"
    if kind == "num":
        return repr(tree[1])
    if kind == "neg":
        return f"(-{written(tree[1])})"
    if kind == "call":
        return f"{tree[1]}({written(tree[2])}, {written(tree[3])})"
    return f"({written(tree[2])} {tree[1]} {written(tree[3])})"


def reference(tree, values: dict[str, float | None], period: str) -> float | str:
    """One period, the plain way: a float, or the reason (only "no value" reasons are compared
    word for word). The left operand first, as the columns do."""
    kind = tree[0]
    if kind == "name":
        value = values[tree[1]]
        return f"no value of {tree[1]} for {period}" if value is None else value
    if kind == "num":
        return tree[1]
    operands = []
    for part in (tree[1:] if kind == "neg" else tree[2:]):
        result = reference(part, values, period)
        if isinstance(result, str):
            return result
        operands.append(result)
    if kind == "neg":
        return -operands[0]
    if kind == "call":
        return (min if tree[1] == "min" else max)(*operands)
    try:
        result = OPS[tree[1]](*operands)
    except (ArithmeticError, ValueError):
        return "failed"
    return result if math.isfinite(result) else "failed"


def names_in(tree) -> set[str]:
    if tree[0] == "name":
        return {tree[1]}
    return set().union(*(names_in(p) for p in tree[1:] if isinstance(p, tuple)))


series_of = st.dictionaries(st.sampled_from([W1, W2, W3]),
                            st.sampled_from([0.0, 1.0, -2.0, 3.5, 1e200, -1e-200]), max_size=3)


@settings(max_examples=300, deadline=None)
@given(expressions(), st.fixed_dictionaries({n: series_of for n in NAMES}))
def test_columns_agree_with_evaluating_each_period_alone(tree, series):
    text = written(tree)
    result = evaluate_all({"Result": text}, series)["Result"]
    used = names_in(tree)
    periods = sorted({p for n in used for p in series[n]})
    assert sorted(result) == periods
    for period in periods:
        expected = reference(tree, {n: series[n].get(period) for n in NAMES}, period)
        got = result[period]
        if isinstance(expected, float):
            assert got == expected, (text, period)
        else:
            assert isinstance(got, Missing), (text, period, got)
            if expected.startswith("no value"):
                assert got.reason == expected, (text, period)
