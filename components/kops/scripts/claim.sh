#!/usr/bin/env bash
# Claims the cluster for this stack before the authenticator's files are uploaded: stops, changing
# nothing, when the state store holds a cluster of this name that belongs to another stack or
# component, or that kops-iam-auth did not create and is not being adopted (lib.sh check_ownership).
# A cluster not there yet is this stack's to create. Reads only.
#   claim.sh create   the first run (or the first with this package version): the marker must be this component's
#   claim.sh update   later runs: another component of the same stack is accepted (renamed with an alias)
# Environment: KOPS_BIN (default kops), CLUSTER_NAME, CLUSTER_OWNER, STATE_STORE, ADOPT_EXISTING (true|false, default false).
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

mode=${1:-}
if [[ "$mode" != create && "$mode" != update ]]; then
  die "usage: claim.sh create|update (got \"$mode\")"
fi
require_env CLUSTER_NAME CLUSTER_OWNER STATE_STORE
ADOPT_EXISTING=${ADOPT_EXISTING:-false}
[[ "$ADOPT_EXISTING" == true || "$ADOPT_EXISTING" == false ]] ||
  die "ADOPT_EXISTING is \"$ADOPT_EXISTING\"; expected true or false"

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

preflight
state=$(cluster_state "$work/cluster.yaml")
if [[ "$state" == absent ]]; then
  echo "cluster $CLUSTER_NAME is not in $STATE_STORE: this stack will create it"
  exit 0
fi
check_ownership "$mode" "$work/cluster.yaml" >/dev/null
echo "cluster $CLUSTER_NAME in $STATE_STORE may be managed by $CLUSTER_OWNER"
