"""Where a KPI's values come from, besides a person: a SQL query over a named connection
(sql.py), a CSV file or glob (csv_source.py), a program that prints CSV (command.py), and
`cadence pull`, which runs them and records what they give with its provenance (pull.py).

Each source gives rows `(date, value)` — or one value, for the latest finished period — as
the database or program wrote them; pull.py checks and normalises every row. Drivers load on
first use: `cadence status` and the app's launch import none of this.
"""
