#!/usr/bin/env bash
# Makes the cloud match the spec in the state store, then waits for a healthy cluster.
#   apply.sh create   a new cluster: `kops update cluster --yes`, then validate. Its spec was
#                     complete before the first boot, so nothing needs rolling.
#   apply.sh update   a changed spec: `update cluster --yes`, `rolling-update cluster --yes`
#                     (replaces the instances whose configuration changed), then validate.
# Environment: KOPS_BIN (default kops), CLUSTER_NAME, STATE_STORE, VALIDATE_TIMEOUT (default 15m).
#
# kOps facts (kubernetes/kops v1.36.2): `--create-kube-config=false` keeps `update` away from
# ~/.kube/config (cmd/kops/update_cluster.go); since 1.32 `rolling-update` and `validate` reach the
# API with credentials they build from the state store, not from a kubeconfig (PR #17155);
# `rolling-update` without `-i` never prompts. kops' progress goes straight to our stdout/stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=${1:-}
if [[ "$mode" != create && "$mode" != update ]]; then
  die "usage: apply.sh create|update (got \"$mode\")"
fi
VALIDATE_TIMEOUT=${VALIDATE_TIMEOUT:-15m}
[[ "$VALIDATE_TIMEOUT" =~ ^([0-9]+(\.[0-9]+)?(h|m|s|ms))+$ ]] ||
  die "VALIDATE_TIMEOUT is \"$VALIDATE_TIMEOUT\"; expected a duration such as 15m or 1h30m"

preflight
kops_cmd update cluster --yes --create-kube-config=false
if [[ "$mode" == update ]]; then
  kops_cmd rolling-update cluster --yes
fi
kops_cmd validate cluster --wait "$VALIDATE_TIMEOUT"
echo "cluster $CLUSTER_NAME is up to date and valid"
