"""Every change to the store, by area: plain functions whose first argument is the
transaction they change (core/store.py), each saying what it did in `tx.summary`.

Who opens the transaction decides what the change belongs to: a meeting's change runs in
`core.session.Session.change` (linked to the meeting, undoable there), an import or the demo
runs many commands in one transaction of its own (one event, one write). The rules a change
must keep stay in the rule modules (core/okr.py, core/health.py, …); the commands apply them.
"""
