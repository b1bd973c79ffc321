#!/usr/bin/env bash
# A/B of two solve settings of this checkout at one time limit, on the same machine at
# the same time: for each instance, a solve with the first setting, then one with the
# second (so load drifts alike for both).
#
#   benchmarks/ab/options.sh 20 out-prefix '{}' '{"options": {"lns_only_slots": 0}}' [instances...]
#
# The settings are gap.py's solve arguments (JSON); lines go to out-prefix.A.txt and
# out-prefix.B.txt; `python benchmarks/ab/mean.py` sums them up. Without instances: every
# family instance and the two bundled operations.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
limit=$1 out=$2 a=$3 b=$4
shift 4
insts=${*:-$(cd "$root" && python - <<'PY'
import json
b = json.load(open("benchmarks/best_known/index.json"))
print(" ".join([n for n in b if "-s" in n and "seed" not in n] + ["baghdad-embassy-2020", "gulf-buildup-2019"]))
PY
)}
for inst in $insts; do
  (cd "$root" && ROOT="$root" PYTHONPATH="$root" python "$here/gap.py" '{}' "$a" "$limit" "$inst" | grep -v MEAN >> "$out.A.txt")
  (cd "$root" && ROOT="$root" PYTHONPATH="$root" python "$here/gap.py" '{}' "$b" "$limit" "$inst" | grep -v MEAN >> "$out.B.txt")
done
