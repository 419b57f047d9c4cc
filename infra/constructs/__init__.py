"""One construct per capability (tables, auth, events, functions, api, schedules, monitoring).

The package shares its name with the `constructs` library: import it only as `infra.constructs`
and never put `infra/` itself on `sys.path` (`infra/app.py` removes it when run as a script)."""
