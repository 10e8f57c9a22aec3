#!/usr/bin/env bash
# Wall time of a cold `cdk synth` of every lab stack with this project's runner (cdk.json's "app":
# node --import tsx) and with the runner `cdk init` long generated (ts-node), in one run, side by side.
# Not a test: it prints numbers. Usage: npm run bench [-- ROUNDS]   (default 3 rounds; the median is shown)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench-synth: ROUNDS must be a whole number of at least 1, got '$rounds'" >&2; exit 2; }
target=2.5
project_app=$(node -p 'require("./cdk.json").app')
tsnode_app='npx ts-node --prefer-ts-exts bin/course-labs.ts'
cdk=node_modules/.bin/cdk
[[ -x $cdk ]] || { echo "bench-synth: run 'npm ci' first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One cold synth: a new output folder, and no transpile cache (tsx keeps one; ts-node has none).
synth_seconds() {
  local app=$1 out="$work/out" start end
  rm -rf "$out"
  start=$(date +%s%N)
  TSX_DISABLE_CACHE=1 "$cdk" synth --quiet --no-notices --output "$out" --app "$app" >/dev/null 2>"$work/err" || {
    echo "bench-synth: synth failed with --app '$app':" >&2; cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", (e - s) / 1e9 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

project_times=() tsnode_times=()
for ((i = 1; i <= rounds; i++)); do # alternate, so background load hits both alike
  project_times+=("$(synth_seconds "$project_app")")
  tsnode_times+=("$(synth_seconds "$tsnode_app")")
  echo "round $i/$rounds: project ${project_times[-1]} s, ts-node ${tsnode_times[-1]} s" >&2
done
project=$(printf '%s\n' "${project_times[@]}" | median)
tsnode=$(printf '%s\n' "${tsnode_times[@]}" | median)
speedup=$(awk -v t="$tsnode" -v p="$project" 'BEGIN { printf "%.2f", t / p }')

printf '\ncold cdk synth of every lab stack, median of %d runs on %d cores (node %s)\n' "$rounds" "$(nproc)" "$(node --version)"
printf '  %-52s %6.2f s\n' "project runner: $project_app" "$project"
printf '  %-52s %6.2f s\n' "cdk init default: ts-node --prefer-ts-exts" "$tsnode"
printf '  %-52s %6.2fx (target: at least %sx)\n' "speed-up" "$speedup" "$target"
awk -v s="$speedup" -v t="$target" 'BEGIN { exit !(s < t) }' && echo "  below target" >&2
exit 0
