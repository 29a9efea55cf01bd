#!/usr/bin/env bash
# Makes the cloud match the spec in the state store, then waits for a healthy cluster. Every step
# asks kops what is left to do, so a re-run after a failure anywhere finishes what the failed run
# owed (an update, a rolling update), and a run with nothing to do changes nothing in the cloud.
#   apply.sh create   a new cluster: `kops update cluster --yes`, `validate --wait`, then the
#                     rolling update kops still finds owed: none on a clean first run (the spec
#                     was complete before the first boot); after an earlier first run that
#                     applied an older spec and failed, the instances it launched are rolled.
#   apply.sh update   a changed (or re-checked) spec: `kops update cluster` as a dry run, `--yes`
#                     only if it lists changes; `rolling-update cluster` as a dry run, `--yes` only
#                     if it finds outdated instances; then `validate --wait`. A re-run with only
#                     tool settings changed (kops binary, AWS profile, validate timeout) runs
#                     the two dry runs and validate: no kops call that changes the cloud.
# Environment: KOPS_BIN (default kops), CLUSTER_NAME, STATE_STORE, VALIDATE_TIMEOUT (default 15m).
#
# kOps facts (kubernetes/kops v1.36.2): `--create-kube-config=false` keeps `update` away from
# ~/.kube/config (cmd/kops/update_cluster.go); since 1.32 `rolling-update` and `validate` reach the
# API with credentials they build from the state store, not from a kubeconfig (PR #17155);
# `rolling-update` without `-i` never prompts. Without --yes, `update cluster` prints "No changes
# need to be applied" or "Must specify --yes to apply changes" (update_cluster.go), and
# `rolling-update cluster` prints "No rolling-update required." or "Must specify --yes to
# rolling-update." (rolling-update_cluster.go), both on stdout, exit 0, changing nothing.
# `rolling-update` lists the nodes through the API first, so on a new cluster it comes after
# validate. kops' progress goes straight to our stdout/stderr.
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

mode=${1:-}
if [[ "$mode" != create && "$mode" != update ]]; then
  die "usage: apply.sh create|update (got \"$mode\")"
fi
VALIDATE_TIMEOUT=${VALIDATE_TIMEOUT:-15m}
is_go_duration "$VALIDATE_TIMEOUT" ||
  die "VALIDATE_TIMEOUT is \"$VALIDATE_TIMEOUT\"; expected a Go duration such as 15m, 1h30m or .5h"

# These functions run in `if` conditions, where bash ignores `set -e`: every failure is explicit.

# dry_run_finds NOTHING_TEXT KOPS_ARGS... : runs kops without --yes (its stdout shown on our
# stderr) and succeeds when kops says there is something to do, i.e. it did not print NOTHING_TEXT.
dry_run_finds() {
  local nothing=$1 out
  shift
  # The x keeps the newlines kops' output ends with, which $(...) would drop.
  out=$(kops_cmd "$@" && echo x) || die "\`kops $*\` (dry run) failed for cluster $CLUSTER_NAME (see kops' error above)"
  out=${out%x}
  printf '%s' "$out" >&2
  [[ "$out" != *"$nothing"* ]]
}

# Rolls the instances kops finds outdated; succeeds (0) when it rolled some, 1 when none were.
roll_outdated() {
  if dry_run_finds "No rolling-update required." rolling-update cluster; then
    kops_cmd rolling-update cluster --yes || die "\`kops rolling-update cluster --yes\` failed for cluster $CLUSTER_NAME (see kops' error above)"
    return 0
  fi
  log "no instance of cluster $CLUSTER_NAME runs an outdated configuration: nothing to roll"
  return 1
}

preflight
if [[ "$mode" == create ]]; then
  kops_cmd update cluster --yes --create-kube-config=false
  kops_cmd validate cluster --wait "$VALIDATE_TIMEOUT"
  if roll_outdated; then
    kops_cmd validate cluster --wait "$VALIDATE_TIMEOUT"
  fi
else
  if dry_run_finds "No changes need to be applied" update cluster --create-kube-config=false; then
    kops_cmd update cluster --yes --create-kube-config=false
  else
    log "the cloud already matches the spec of cluster $CLUSTER_NAME: nothing to update"
  fi
  roll_outdated || true
  kops_cmd validate cluster --wait "$VALIDATE_TIMEOUT"
fi
echo "cluster $CLUSTER_NAME is up to date and valid"
