#!/usr/bin/env bash
# Times `cdk synth` of every lab stack, in one run, side by side:
#   - with this project's runner (cdk.json's "app": a bundle of the sources, see bin/cdk-app.cjs), cold
#     (bundle removed first, as after an edit or in a clean clone) and warm (bundle reused);
#   - with `node --import tsx`, the project's previous runner, and with ts-node, the runner `cdk init`
#     long generated, both cold (no transpile cache);
#   - with aws-cdk-lib's template validation on (CDK_VALIDATION=true), to show its share of a synth.
# Not a test: it prints numbers (the median of ROUNDS runs of each; wall seconds, and CPU seconds of the
# CLI and the app together, which a busy machine disturbs less).
# Usage: npm run bench [-- ROUNDS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench-synth: ROUNDS must be a whole number of at least 1, got '$rounds'" >&2; exit 2; }
target=4
project_app=$(node -p 'require("./cdk.json").app')
tsx_app='node --import tsx bin/course-labs.ts'
tsnode_app='npx ts-node --prefer-ts-exts bin/course-labs.ts'
bundle_cache=node_modules/.cache/course-labs
cdk=node_modules/.bin/cdk
[[ -x $cdk ]] || { echo "bench-synth: run 'npm ci' first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One synth into a new output folder; appends "wall cpu" to $work/<label>. Template validation is off
# unless the caller sets CDK_VALIDATION=true.
synth() {
  local label=$1 app=$2 timing
  rm -rf "$work/out"
  timing=$( { TIMEFORMAT='%R %U %S'; time TSX_DISABLE_CACHE=1 "$cdk" synth --quiet --no-notices --output "$work/out" --app "$app" \
    >/dev/null 2>"$work/err"; } 2>&1 ) || { echo "bench-synth: synth failed with --app '$app':" >&2; cat "$work/err" >&2; exit 1; }
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$timing" >>"$work/$label"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wall() { cut -d' ' -f1 "$work/$1" | median; }
cpu() { cut -d' ' -f2 "$work/$1" | median; }

for ((i = 1; i <= rounds; i++)); do # interleaved, so background load hits every runner alike
  rm -rf "$bundle_cache"
  synth cold "$project_app"
  synth warm "$project_app"
  CDK_VALIDATION=true synth validated "$project_app"
  synth tsx "$tsx_app"
  synth tsnode "$tsnode_app"
  echo "round $i/$rounds: project cold $(tail -1 "$work/cold" | cut -d' ' -f1) s, warm $(tail -1 "$work/warm" | cut -d' ' -f1) s," \
    "validated $(tail -1 "$work/validated" | cut -d' ' -f1) s; tsx $(tail -1 "$work/tsx" | cut -d' ' -f1) s; ts-node $(tail -1 "$work/tsnode" | cut -d' ' -f1) s" >&2
done

row() { printf '  %-60s %6.2f s %6.2f s\n' "$1" "$(wall "$2")" "$(cpu "$2")"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
speedup=$(ratio "$(wall tsnode)" "$(wall cold)")
share() { awk -v on="$1" -v off="$2" 'BEGIN { printf "%.0f%%", 100 * (on - off) / on }'; }

printf '\ncdk synth of every lab stack, median of %d runs on %d cores (node %s)   %8s %8s\n' "$rounds" "$(nproc)" "$(node --version)" wall cpu
row "project runner, cold (bundle rebuilt): $project_app" cold
row "project runner, warm (bundle reused)" warm
row "project runner, warm, CDK_VALIDATION=true" validated
row "node --import tsx (previous runner), cold" tsx
row "cdk init default: ts-node --prefer-ts-exts, cold" tsnode
printf '  %-60s %6s   %6s\n' "template validation's share of a synth (opt-in)" "$(share "$(wall validated)" "$(wall warm)")" \
  "$(share "$(cpu validated)" "$(cpu warm)")"
printf '  %-60s %6.2fx  %6.2fx  (target: at least %sx, wall)\n' "speed-up, project runner cold vs ts-node" "$speedup" \
  "$(ratio "$(cpu tsnode)" "$(cpu cold)")" "$target"
awk -v s="$speedup" -v t="$target" 'BEGIN { exit !(s < t) }' && echo "  below target" >&2
exit 0
