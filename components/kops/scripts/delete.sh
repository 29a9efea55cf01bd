#!/usr/bin/env bash
# Deletes the cluster's cloud resources and its state (`kops delete cluster --yes`). A cluster that
# is already gone counts as deleted; any other failure stops with kops' error.
# Environment: KOPS_BIN (default kops), CLUSTER_NAME, STATE_STORE.
#
# kOps fact (kubernetes/kops v1.36.2): for a cluster missing from the state store, delete fails
# with `error reading cluster configuration: Cluster.kops.k8s.io "X" not found`, exit 1
# (GetCluster, cmd/kops/root.go; NewNotFound, pkg/client/simple/vfsclientset/cluster.go). It
# removes the state only after the cloud resources, so a re-run after a failure finishes the job.
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

preflight
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
if kops_cmd_keep_stderr "$errfile" delete cluster --yes; then
  echo "deleted cluster $CLUSTER_NAME"
  exit 0
fi
if is_not_found "$(<"$errfile")"; then
  echo "cluster $CLUSTER_NAME is not in $STATE_STORE: already deleted"
  exit 0
fi
die "\`kops delete cluster\` failed for cluster $CLUSTER_NAME in $STATE_STORE (see kops' error above)"
