#!/usr/bin/env bash
# The lowest allowed versions: every direct dependency (the base list and the app, sweep
# and dev extras) at the minimum pyproject.toml declares, in a fresh .venv-lowest; the
# tests there; then the app's pages at the lowest Streamlit the app extra allows (the
# tests themselves need a later one for their AppTest calls).
#
#   .ci/lowest.sh            # all tests but the browser and slow markers, then one browser test
#   .ci/lowest.sh tests      # arguments go to pytest instead: here, the whole suite
#
# Without arguments it leaves out the tests marked browser (11 end-to-end tests in
# Chromium, 6.5 min here) and slow (54 long solves, 10.9 min alone on 2 cores; CP-SAT
# and the solver are the same at every version allowed, ortools being pinned to 9.15),
# and runs one browser test (the page edited, solved, cancelled and downloaded), which
# checks playwright's minimum against Debian's Chromium. .ci/run runs them all at the
# latest versions first; the whole suite here took 25 min 41 s on 2 shared cores.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
"$PY" -m venv --clear .venv-lowest
echo '*' > .venv-lowest/.gitignore  # not part of the repository
# shellcheck disable=SC1091
. .venv-lowest/bin/activate
python -m pip install --upgrade pip >/dev/null

# ==min for each (ortools~=9.15.0: the first 9.15 release on the index)
python .ci/lowest_constraints.py > .venv-lowest/constraints.txt
echo "lowest allowed versions:" && sed 's/^/  /' .venv-lowest/constraints.txt
python -m pip install -c .venv-lowest/constraints.txt -e ".[app,sweep,dev]"
python .ci/lowest_constraints.py --check

if [ $# -gt 0 ]; then
  python -m pytest -p no:cacheprovider -q "$@"
else
  python -m pytest -p no:cacheprovider -q -m "not browser and not slow"
  python -m pytest -p no:cacheprovider -q tests/e2e/test_browser.py  # skipped, saying why, without Chromium
fi

# the app alone at its own minimum: every page drawn once
app_streamlit=$(python .ci/lowest_constraints.py --lowest streamlit --extras app)
grep -v '^streamlit==' .venv-lowest/constraints.txt > .venv-lowest/constraints-app.txt
python -m pip install -c .venv-lowest/constraints-app.txt "streamlit==$app_streamlit"
python .ci/app_smoke.py
