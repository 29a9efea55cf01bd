#!/usr/bin/env bash
# Writes the desired cluster spec (kOps' own, with our patch applied) to the kOps state store.
#   upsert-spec.sh create   first run: a new cluster; an existing one only when adopting it
#   upsert-spec.sh update   later runs: patch the current spec; replace it only when it changes
# Nothing reaches the cloud here: `kops update cluster` (apply.sh) does that. On an existing cluster
# only SPEC_PATCH shapes the change (version, counts, sizes, the authenticator wiring); the create
# flags (zones, networking, topology, SSH key, KOPS_EXTRA_FLAGS) count only when it is created.
#
# Environment: KOPS_BIN (default kops), CLUSTER_NAME, CLUSTER_OWNER (the owner marker, lib.sh
# check_ownership), STATE_STORE (s3://bucket), ZONES
# (comma-separated), NODE_COUNT, NODE_SIZE, CONTROL_PLANE_COUNT, CONTROL_PLANE_SIZE,
# KUBERNETES_VERSION, NETWORKING, TOPOLOGY (public|private), SSH_PUBLIC_KEY (optional, key text),
# KOPS_EXTRA_FLAGS (JSON array of strings for `kops create cluster`, default []),
# ADOPT_EXISTING (true|false, default false), RECREATE_MISSING_CLUSTER (true|false, default false: an
# update that finds no cluster stops), SPEC_PATCH (JSON options of the spec patch, kopsHelper.ts patch-spec),
# PULUMI_COMMAND_STDOUT (this command's last stdout, set by local.Command).
# Stdout ends with `spec revision: <revision>`: new whenever the spec is written, the last one
# again when it is unchanged; the apply command re-runs when it changes (withSpecRevision).
#
# kOps facts (kubernetes/kops v1.36.2):
# - `create cluster --dry-run -o yaml` prints the Cluster, its InstanceGroups and, with
#   --ssh-public-key, an SSHCredential, writing nothing; it fails with `cluster "X" already
#   exists` when the cluster is there (cmd/kops/create_cluster.go).
# - `replace -f - --force` updates the Cluster and InstanceGroups and creates the missing ones,
#   so it is an idempotent upsert; it rejects any other kind, e.g. the addons `get all` also
#   prints (cmd/kops/replace.go). Hence `get cluster` + `get instancegroups`, not `get all`.
# - kops joins YAML documents with "\n---\n\n" (writeYAMLSep, cmd/kops/get.go).
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

mode=${1:-}
if [[ "$mode" != create && "$mode" != update ]]; then
  die "usage: upsert-spec.sh create|update (got \"$mode\")"
fi
require_env CLUSTER_NAME CLUSTER_OWNER STATE_STORE ZONES NODE_COUNT NODE_SIZE CONTROL_PLANE_COUNT CONTROL_PLANE_SIZE \
  KUBERNETES_VERSION NETWORKING TOPOLOGY SPEC_PATCH
ADOPT_EXISTING=${ADOPT_EXISTING:-false}
RECREATE_MISSING_CLUSTER=${RECREATE_MISSING_CLUSTER:-false}
KOPS_EXTRA_FLAGS=${KOPS_EXTRA_FLAGS:-[]}

is_node_count "$NODE_COUNT" || die "NODE_COUNT is \"$NODE_COUNT\"; expected a whole number from 1 to 100"
is_control_plane_count "$CONTROL_PLANE_COUNT" ||
  die "CONTROL_PLANE_COUNT is \"$CONTROL_PLANE_COUNT\"; expected 1, 3 or 5"
is_topology "$TOPOLOGY" ||
  die "TOPOLOGY is \"$TOPOLOGY\"; expected public or private"
[[ "$ADOPT_EXISTING" == true || "$ADOPT_EXISTING" == false ]] ||
  die "ADOPT_EXISTING is \"$ADOPT_EXISTING\"; expected true or false"
[[ "$RECREATE_MISSING_CLUSTER" == true || "$RECREATE_MISSING_CLUSTER" == false ]] ||
  die "RECREATE_MISSING_CLUSTER is \"$RECREATE_MISSING_CLUSTER\"; expected true or false"

if ! jq -e 'type == "array" and all(.[]; type == "string")' >/dev/null 2>&1 <<<"$KOPS_EXTRA_FLAGS"; then
  die "KOPS_EXTRA_FLAGS is $KOPS_EXTRA_FLAGS; expected a JSON array of strings, e.g. [\"--image\",\"ami-123\"]"
fi
extra_flags=()
mapfile -d '' -t extra_flags < <(jq -j '.[] + "\u0000"' <<<"$KOPS_EXTRA_FLAGS")
# These would break the dry-run pipeline or point kops at another cluster or store.
for flag in "${extra_flags[@]}"; do
  case "$flag" in
    --name | --name=* | --state | --state=* | --dry-run | --dry-run=* | --output | --output=* | -o* | \
      --yes | --yes=* | -y | --target | --target=* | --out | --out=*)
      die "KOPS_EXTRA_FLAGS contains \"$flag\", which the scripts set themselves; remove it" ;;
  esac
done

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# write_spec FILE MESSAGE REVISION: replaces the spec with FILE and reports REVISION, a new
# revision of FILE (spec_tool spec-revision) made before the write, so that a written spec always
# gets one.
write_spec() {
  kops_cmd replace -f - --force <"$1"
  echo "$2"
  echo "spec revision: $3"
}

# The revision this command reported last (PULUMI_COMMAND_STDOUT); a new one when it reported none.
report_unchanged_revision() {
  local line previous=
  while IFS= read -r line; do
    if [[ "$line" == "spec revision: "* ]]; then
      previous=${line#"spec revision: "}
    fi
  done <<<"${PULUMI_COMMAND_STDOUT:-}"
  echo "spec revision: ${previous:-$(spec_tool spec-revision "$1")}"
}

# Every step writes a file and the next reads it whole, so a failed step never feeds a truncated
# spec to `kops replace`, and nothing is written to the state store before the last step.
create_spec() {
  local flags=(--cloud aws --dns none --zones "$ZONES" --node-count "$NODE_COUNT" --node-size "$NODE_SIZE"
    --control-plane-count "$CONTROL_PLANE_COUNT" --control-plane-size "$CONTROL_PLANE_SIZE"
    --kubernetes-version "$KUBERNETES_VERSION" --networking "$NETWORKING" --topology "$TOPOLOGY")
  if [[ -n "${SSH_PUBLIC_KEY:-}" ]]; then
    printf '%s\n' "$SSH_PUBLIC_KEY" >"$work/ssh_public_key"
    flags+=(--ssh-public-key "$work/ssh_public_key")
  fi
  kops_cmd create cluster "${flags[@]}" "${extra_flags[@]}" --dry-run -o yaml >"$work/generated.yaml"
  patch_spec --mark "$CLUSTER_OWNER" <"$work/generated.yaml" >"$work/desired.yaml" ||
    die "the spec patch refused the new spec of cluster $CLUSTER_NAME (error above)"
  local revision
  revision=$(spec_tool spec-revision "$work/desired.yaml")
  write_spec "$work/desired.yaml" "created the spec of cluster $CLUSTER_NAME in $STATE_STORE" "$revision"
}

# The current Cluster (saved by cluster_state) and InstanceGroups, patched, a marked cluster's
# marker set to CLUSTER_OWNER ($1: its current marker); replaced if that changes anything.
converge_spec() {
  local marker=$1 mark=() revision
  kops_cmd get instancegroups -o yaml >"$work/instancegroups.yaml"
  { print_file "$work/cluster.yaml"; printf '\n---\n\n'; print_file "$work/instancegroups.yaml"; } >"$work/current.yaml"
  if [[ -n "$marker" && "$marker" != "$CLUSTER_OWNER" ]]; then
    mark=(--mark "$CLUSTER_OWNER")
  fi
  patch_spec "${mark[@]}" <"$work/current.yaml" >"$work/desired.yaml" ||
    die "the spec patch refused the current spec of cluster $CLUSTER_NAME (error above); nothing was changed"
  if [[ ${#mark[@]} -gt 0 ]]; then
    log "cluster $CLUSTER_NAME is marked as created by \"$marker\"; marking it as this stack's: $CLUSTER_OWNER"
  fi
  # Empty when the desired spec holds the same objects as the current one.
  revision=$(spec_tool spec-revision "$work/desired.yaml" --unless-same-as "$work/current.yaml")
  if [[ -z "$revision" ]]; then
    echo "spec unchanged: cluster $CLUSTER_NAME already has the desired spec"
    report_unchanged_revision "$work/current.yaml"
    return 0
  fi
  write_spec "$work/desired.yaml" "replaced the spec of cluster $CLUSTER_NAME in $STATE_STORE" "$revision"
}

preflight
require_kubernetes_supported_by_kops
state=$(cluster_state "$work/cluster.yaml")
if [[ "$state" == absent ]]; then
  # On an update the stack made this cluster earlier: either it was deleted outside Pulumi, or the
  # state store is another one now, and the cluster still runs from the old one. Creating it then
  # would build a second cluster of the same name.
  if [[ "$mode" == update && "$RECREATE_MISSING_CLUSTER" != true ]]; then
    die "cluster \"$CLUSTER_NAME\" is not in the state store $STATE_STORE, but this stack created it:" \
      "it was deleted outside Pulumi, or the state store moved (stateBucketName changed). Nothing was changed." \
      "If the state store moved, set stateBucketName back, or copy the cluster's state (s3://<old bucket>/$CLUSTER_NAME/) into $STATE_STORE." \
      "If the cluster is gone and should be built again, set kops-iam-auth:recreateMissingCluster to true and run pulumi up."
  fi
  if [[ "$mode" == update ]]; then
    log "cluster $CLUSTER_NAME is not in $STATE_STORE; recreateMissingCluster is on: creating it again"
  fi
  create_spec
else
  marker=$(check_ownership "$mode" "$work/cluster.yaml")
  if [[ "$mode" == create && -n "$marker" ]]; then
    log "cluster $CLUSTER_NAME carries this stack's kops-iam-auth/created-by annotation: an earlier run created it and stopped halfway; converging"
  fi
  converge_spec "$marker"
fi
