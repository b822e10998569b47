"""The lab scorecard (issue #10): real daemons on 127.0.0.1 high ports, for every check family one
weak instance with planted weaknesses (the check ids expected on each port) and one hardened
instance (nothing at medium or higher expected), scanned through the API and scored on recall,
precision and false alarms. `ports.py` says what each port plants, `services.py` starts the
real daemons and `fakes.py` the protocol-faithful servers, `scorecard.py` scores what a scan
found; `benchmarks/bench_lab.py` and `tests/findings/test_lab_scorecard.py` use both."""
