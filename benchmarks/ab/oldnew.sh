#!/usr/bin/env bash
# A/B of two commits at one time limit, on the same machine at the same time: for each
# instance, the old commit's solve, then the new one's (so load drifts alike for both).
#
#   benchmarks/ab/oldnew.sh OLD NEW 20 out-prefix [instances...]
#
# OLD and NEW are checked out as worktrees under /tmp; lines go to out-prefix.OLD.txt and
# out-prefix.NEW.txt; `python benchmarks/ab/mean.py` sums them up. Without instances:
# every family instance and the two bundled operations.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=$1 new=$2 limit=$3 out=$4
shift 4
insts=${*:-$(python - <<'PY'
import json
b = json.load(open("benchmarks/best_known/index.json"))
print(" ".join([n for n in b if "-s" in n and "seed" not in n] + ["baghdad-embassy-2020", "gulf-buildup-2019"]))
PY
)}
for c in "$old" "$new"; do
  [ -d "/tmp/ab-$c" ] || git worktree add -f "/tmp/ab-$c" "$c" -q
done
for inst in $insts; do
  for c in "$old" "$new"; do
    (cd "/tmp/ab-$c" && ROOT="/tmp/ab-$c" PYTHONPATH="/tmp/ab-$c" python "$here/gap.py" '{}' '{}' "$limit" "$inst" \
      | grep -v MEAN >> "$out.$c.txt")
  done
done
