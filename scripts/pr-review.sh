#!/usr/bin/env bash
# The pull-request workflow's review step: runs `labs review --fail-on-destroy` against the base and always
# leaves a report in <out>/review.md, the review itself or, when the review could not be made, the failure
# (the comment workflow posts it in place of the last review, so a stale review never stands). Writes the
# exit status to <out>/status and, on GitHub Actions, to the step's `status` output; exits 0 so that the
# summary and the upload run, and a later step fails the job on a non-zero status.
# Usage: scripts/pr-review.sh <base-ref> <out-dir>
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: scripts/pr-review.sh <base-ref> <out-dir>}
out=${2:?usage: scripts/pr-review.sh <base-ref> <out-dir>}
mkdir -p "$out"
report="$out/review.md"
errors="$out/review.stderr"
rm -f "$report.new"

set +e
node bin/labs.cjs review --base "$base" --output "$report.new" --fail-on-destroy 2> "$errors"
status=$?
set -e
cat "$errors" >&2

if [[ -s "$report.new" ]]; then
  mv "$report.new" "$report"
  if [[ $status -ne 0 ]]; then
    # --fail-on-destroy (6), or a failure after the report was written: said under the report.
    printf '\n> **labs review exited with status %s:** %s\n' "$status" "$(tail -n 1 "$errors")" >> "$report"
  fi
else
  {
    printf '## labs review failed\n\n'
    printf '%s stopped with exit status %s before writing its report:\n\n' "\`labs review --base $base\`" "$status"
    printf '```\n'
    tail -n 20 "$errors"
    printf '```\n'
  } > "$report"
  [[ $status -ne 0 ]] || status=1 # no report is a failure, whatever the status said
fi
rm -f "$errors" "$report.new"
echo "$status" > "$out/status"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "status=$status" >> "$GITHUB_OUTPUT"; fi
echo "labs review: exit status $status, report in $report"
