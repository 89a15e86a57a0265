"""`cadence status --format json` gives each KPI's comparisons (`compare`) and its XmR reading
(`process`): additions only, the contract's fields as they were."""

import json

from tests.helpers import run_cli


def test_status_json_carries_compare_and_process_per_kpi(demo_db):
    done = run_cli("status", "--format", "json", db=demo_db)
    assert done.returncode == 0, done.stderr
    kpis = {k["name"]: k for k in json.loads(done.stdout)["kpis"]}
    cart = kpis["Cart abandonment"]
    assert {"id", "name", "band", "latest", "target", "threshold", "flags"} <= cart.keys()
    assert cart["compare"]["previous"] == {
        "period": "2026-11-02", "label": "2026-W45", "value": 26.0, "change": 0.0,
        "unit": "pt", "reason": None}
    assert cart["compare"]["year_ago"]["reason"] == "no value for 2025-W46"
    assert cart["compare"]["mean_4"] == {"mean": 23.125, "count": 4}
    assert cart["process"] == {"changes": [], "phase": None, "locked": False,
                               "signal_rule": "limit"}
    uptime = kpis["Uptime"]
    assert uptime["process"]["phase"] == "2026-06-08" and uptime["process"]["locked"]
    assert uptime["compare"]["year_ago"]["change"] is not None      # a year and a half of data
    nrr = kpis["Net revenue retention"]
    assert nrr["compare"]["previous"] is None and nrr["compare"]["phrase"] == "no value yet"
