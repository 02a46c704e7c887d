"""gunicorn settings, passed explicitly by `formloom web` / `formloom run` (from any working
directory) and by the benchmarks (elsewhere pass `-c gunicorn.conf.py`); the command line
overrides them.

Threaded workers: a record write waits on several PostgreSQL round trips and its COMMIT, and a
sync worker sits idle meanwhile (and closes the HTTP connection after every response). With 4
threads a process works on another request during those waits. Measured with bench/records.py
part (a) (2 workers, 8 keep-alive clients, 2 shared cores; docs/performance.md): record creates
+6% to +60% over sync workers, the more the busier the machine; the bare baseline endpoint, which
waits on one INSERT only, the same either way (0.97x)."""

worker_class = "gthread"
threads = 4
