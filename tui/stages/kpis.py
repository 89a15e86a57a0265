"""What the stages that list KPIs share (KPI health, Flagged): the keys that act on the selected
KPI — intervene, start an objective, explain its flags, record a value, edit it, fill the
scorecard."""

from core.health import Health
from tui.stages.base import StageView


class KpiStage(StageView):
    def decision_link(self) -> str | None:
        return self.selected

    def issue_source(self) -> tuple[str | None, str]:
        """An issue on the selected KPI when it is flagged (its title: what is wrong)."""
        from core.issues import kpi_title
        health = self.board.get(self.selected, Health)
        return (health.kpi.id, kpi_title(health)) if health and health.flags else (None, "")

    def flagged_kpi(self) -> Health | None:
        """The selected KPI, if it is flagged: interventions and new objectives are for KPIs
        that need a lift."""
        health = self.chosen(Health, "a KPI")
        if health is not None and not health.flags:
            self.notify(f"{health.kpi.name} is not flagged: interventions and new objectives "
                        "are for KPIs that need a lift.", severity="warning")
            return None
        return health

    def action_intervention(self) -> None:
        from tui.forms.meeting_forms import intervention_form
        if health := self.flagged_kpi():
            self.open_form(intervention_form(self.controller.session, health),
                           f"Intervention recorded on {health.kpi.name}.")

    def action_objective(self) -> None:
        from tui.forms.meeting_forms import objective_form
        if health := self.flagged_kpi():
            self.open_form(objective_form(self.controller.session, health),
                           f"Objective started to lift {health.kpi.name}; see OKR check-ins "
                           f"({self.controller.number_of('okrs')}).")

    def action_explain(self) -> None:
        """The owner's explanation of the selected KPI's flags (a KPI without a flag has
        nothing to explain: said at once, rather than in a form that can only refuse)."""
        from tui.forms.meeting_forms import explanation_form
        health = self.chosen(Health, "a KPI")
        if health is not None and not health.flags:
            self.notify(f"{health.kpi.name} has no flag: nothing to explain.",
                        severity="warning")
        elif health is not None:
            self.open_form(explanation_form(self.controller.session, health),
                           f"Explanation recorded on {health.kpi.name}.")

    def action_measure(self) -> None:
        from tui.forms.meeting_forms import measurement_form
        if health := self.chosen(Health, "a KPI"):
            self.open_form(measurement_form(self.controller.session, health),
                           f"Value recorded for {health.kpi.name}.")

    def action_edit_kpi(self) -> None:
        from tui.forms.manage_forms import kpi_form
        if health := self.chosen(Health, "a KPI"):
            self.open_form(kpi_form(self.controller.session, health), f"{health.kpi.name} saved.")

    def action_process_change(self) -> None:
        """B: mark (or unmark) the period the selected KPI's process changed at."""
        from tui.forms.meeting_forms import process_change_form
        if health := self.chosen(Health, "a KPI"):
            self.app.push_screen(process_change_form(self.controller.session, health),
                                 self._process_changed)

    def _process_changed(self, result: object) -> None:
        if result is not None:
            self.post_message(self.Changed(str(result)))

    def action_scorecard(self) -> None:
        """One form after another for every KPI missing its latest value (the controller's
        walk); escape stops it. The keys typed behind `M` wait for its first form."""
        from tui.flows import fill_scorecard
        from tui.forms import typeahead
        typeahead.hold(self.app)
        self.app.run_worker(fill_scorecard(self.controller), exclusive=True)
