#!/usr/bin/env bash
# Serve the archive: gunicorn and the background worker side by side (`make run`).
# Ctrl-C stops both; the worker finishes its running task first (a second
# Ctrl-C ends that task too). When either one exits, the other is stopped.
set -uo pipefail
python=${PYTHON:-.venv/bin/python}

# Own process groups: the terminal's Ctrl-C reaches this script only, which
# passes it on once to each, instead of each receiving it twice.
setsid "$python" manage.py archive_worker &
setsid .venv/bin/gunicorn --config config/gunicorn.conf.py &
children=$(jobs -p)

signals=0
stop() {
    signals=$((signals + 1))
    if [ "$signals" -eq 1 ]; then
        echo "Stopping the web server and the worker (it finishes its running task)..."
        kill -TERM $children 2>/dev/null
    else
        kill -INT $children 2>/dev/null
    fi
}
trap stop INT TERM

wait -n
[ "$signals" -eq 0 ] && stop
while [ -n "$(jobs -pr)" ]; do wait; done
