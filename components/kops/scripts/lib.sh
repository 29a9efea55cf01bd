# shellcheck shell=bash
# Shared by the kOps lifecycle scripts (sourced, never run). Every value comes from the
# environment; kops always gets `--name` and `--state` explicitly.
#
# Facts used here are from kubernetes/kops at v1.36.2 (cited per function):
# - every kops error exits 1 and prints `Error: <message>` on stderr (cmd/kops/main.go; cobra),
#   so "absent" and "broken" can only be told apart by the message text.
#
# Every process counts (a run starts a few node programs, and the tests run the scripts hundreds of
# times): bash's own expansions and builtins stand in for dirname, basename, cat, sed, tail and grep,
# and a script makes at most one temporary file or folder.

# kOps reads these as defaults for --name/--state (cmd/kops/root.go). We always pass both flags;
# a stray KOPS_CLUSTER_NAME next to a positional name makes kops fail with "cannot specify
# cluster via --name and positional argument", and a stray KOPS_STATE_STORE must never win.
unset KOPS_CLUSTER_NAME KOPS_STATE_STORE

KOPS_BIN=${KOPS_BIN:-kops}
# This file's folder (the scripts source it by a path with a slash: <folder>/lib.sh), made absolute.
KOPS_IAM_AUTH_SCRIPTS=${BASH_SOURCE[0]%/*}
[[ "$KOPS_IAM_AUTH_SCRIPTS" == /* ]] || KOPS_IAM_AUTH_SCRIPTS=$PWD/$KOPS_IAM_AUTH_SCRIPTS

log() {
  printf 'kops-iam-auth: %s\n' "$*" >&2
}

die() {
  log "error: $*"
  exit 1
}

# require_env NAME... : each variable must be set and non-empty.
require_env() {
  local name
  for name in "$@"; do
    if [[ -z "${!name:-}" ]]; then
      die "${0##*/}: environment variable $name is required but is not set"
    fi
  done
}

# Runs kops on the configured cluster: `kops_cmd update cluster --yes` runs
# `$KOPS_BIN update cluster --name <cluster> --state <store> --yes`. Nothing secret is ever an
# argument, so the command line is logged as it is.
kops_cmd() {
  local words=()
  while [[ $# -gt 0 && "$1" != -* ]]; do
    words+=("$1")
    shift
  done
  local args=("${words[@]}" --name "$CLUSTER_NAME" --state "$STATE_STORE" "$@")
  log "running: $KOPS_BIN ${args[*]}"
  "$KOPS_BIN" "${args[@]}"
}

# kops_cmd, with stderr both streamed to ours and saved to $1 (to match kops' error text).
kops_cmd_keep_stderr() {
  local errfile=$1
  shift
  local status=0
  { kops_cmd "$@" 2>&1 1>&3 3>&- | tee "$errfile" >&2; } 3>&1 || status=$?
  return "$status"
}

# Checks that KOPS_BIN runs and is kOps 1.34.x, 1.35.x or 1.36.x other than 1.36.0.
# `kops version` prints `Client version: 1.36.2 (git-v1.36.2)` (cmd/kops/version.go; the git part
# comes from the Makefile's `git describe`); kOps before 1.19 printed `Version 1.18.2 (git-...)`.
# 1.36.0 loses aws-iam-authenticator identity mappings (kubernetes/kops#18619, fixed in 1.36.1).
preflight() {
  require_env CLUSTER_NAME STATE_STORE
  if [[ "$STATE_STORE" != s3://?* ]]; then
    die "STATE_STORE is \"$STATE_STORE\"; expected an S3 state store URL, s3://<bucket>"
  fi
  if ! command -v -- "$KOPS_BIN" >/dev/null 2>&1; then
    die "kops not found: KOPS_BIN=\"$KOPS_BIN\" is not an executable file or a command on PATH; install kOps 1.34, 1.35 or 1.36 (not 1.36.0) and set the kops binary path in the stack config if it is not on PATH"
  fi
  local output
  if ! output=$("$KOPS_BIN" version 2>&1); then
    die "\`$KOPS_BIN version\` failed (KOPS_BIN=\"$KOPS_BIN\"): $output"
  fi
  local pattern='[Vv]ersion:? v?(([0-9]+)\.([0-9]+)\.([0-9]+)[-+.0-9A-Za-z]*)'
  if [[ ! "$output" =~ $pattern ]]; then
    die "cannot read a version from \`$KOPS_BIN version\` (KOPS_BIN=\"$KOPS_BIN\"), which printed: $output"
  fi
  local version=${BASH_REMATCH[1]} major=${BASH_REMATCH[2]} minor=${BASH_REMATCH[3]} patch=${BASH_REMATCH[4]}
  local supported="supported are kOps 1.34.x, 1.35.x and 1.36.x except 1.36.0"
  if [[ "$major" != 1 ]] || ((10#$minor < 34 || 10#$minor > 36)); then
    die "kOps $version found (KOPS_BIN=\"$KOPS_BIN\") is not supported: $supported"
  fi
  if ((10#$minor == 36 && 10#$patch == 0)); then
    die "kOps $version found (KOPS_BIN=\"$KOPS_BIN\") is not supported: 1.36.0 drops aws-iam-authenticator identity mappings (kubernetes/kops#18619); $supported"
  fi
  log "using kOps $version ($KOPS_BIN)"
  KOPS_VERSION=$version KOPS_MINOR=$((10#$minor))
}

# Refuses KUBERNETES_VERSION when it is newer than the kops binary (read by preflight) supports:
# kOps 1.N runs Kubernetes up to 1.N.x. `kops update cluster` refuses 1.(N+1).0 and later ("kops
# upgrade is required", validateKubernetesVersion in upup/pkg/fi/cloudup/apply_cluster.go@v1.36.2),
# but `kops create cluster` and `kops replace` do not, so without this check the spec holding it
# would already be in the state store.
require_kubernetes_supported_by_kops() {
  local pattern='^v?1\.([0-9]+)\.[0-9]+(-[0-9A-Za-z.-]+)?$'
  [[ "$KUBERNETES_VERSION" =~ $pattern ]] || return 0
  local minor=$((10#${BASH_REMATCH[1]}))
  if ((minor > KOPS_MINOR)); then
    die "kubernetesVersion $KUBERNETES_VERSION is newer than kOps $KOPS_VERSION supports (Kubernetes up to 1.$KOPS_MINOR);" \
      "use kOps 1.$minor or later (KOPS_BIN=\"$KOPS_BIN\"), or a 1.$KOPS_MINOR or older Kubernetes version; nothing was changed"
  fi
}

# Prints `present` or `absent`. With a file argument, saves the Cluster YAML there when present.
# `kops get cluster --name X` prints the Cluster or fails: the real kops 1.36.2 binary says
# `cluster not found "X"` on an empty state store (seen in tests/integration/kopsMoto.test.ts),
# RunGetClusters says `no clusters found` (cmd/kops/get_cluster.go); kOps' not-found error for the
# Cluster object reads `Cluster.kops.k8s.io "X" not found` (pkg/client/simple/vfsclientset/cluster.go).
# Anything else (access denied, a missing bucket) is a real failure and stops the script.
cluster_state() {
  local keep=${1:-/dev/null} stderr
  log "looking for cluster $CLUSTER_NAME in $STATE_STORE"
  # kops' stdout goes to $keep, its stderr (with kops_cmd's own line) into $stderr.
  if stderr=$(kops_cmd get cluster -o yaml 2>&1 >"$keep"); then
    echo present
    return 0
  fi
  if is_not_found "$stderr"; then
    echo absent
    return 0
  fi
  die "cannot tell whether cluster \"$CLUSTER_NAME\" exists in $STATE_STORE: \`kops get cluster\` failed: $stderr"
}

# True when kops' error text says the cluster does not exist (see cluster_state).
is_not_found() {
  [[ "$1" == *"no clusters found"* || "$1" == *"cluster not found \"$CLUSTER_NAME\""* ||
    "$1" == *"Cluster.kops.k8s.io \"$CLUSTER_NAME\" not found"* ]]
}

# The package's compiled helper program (components/kops/kopsHelper.ts, built to dist/ by
# `npm run build`), run with plain node: small YAML jobs on kOps documents and the spec patch.
KOPS_IAM_AUTH_HELPER="$KOPS_IAM_AUTH_SCRIPTS/../../../dist/kops/kopsHelper.js"

# spec_tool JOB ARG... : owner FILE | spec-revision FILE [--unless-same-as CURRENT] | kubeconfig-exec COMMAND [NAME=VALUE...]
# (see kopsHelper.ts).
spec_tool() {
  node "$KOPS_IAM_AUTH_HELPER" "$@"
}

# patch_spec [--mark OWNER]: applies the project's spec patch (patchClusterSpec) to kOps YAML on
# stdin; with --mark, also sets the Cluster's owner marker to OWNER. The patch's options come in
# the environment (SPEC_PATCH), never on the command line.
patch_spec() {
  node "$KOPS_IAM_AUTH_HELPER" patch-spec "$@"
}

# print_file FILE: prints FILE as it is, like cat (trailing newlines kept) but without a process.
print_file() {
  local text=()
  mapfile -d '' text <"$1"
  printf '%s' "${text[@]}"
}

# is_go_duration TEXT: true for a Go duration (time.ParseDuration's grammar without the sign), the
# pattern of isGoDuration in components/core/durations.ts (tests/scripts/kopsScripts.test.ts keeps
# the two equal), so the scripts accept every duration the stack config accepts.
is_go_duration() {
  local pattern='^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$|^0$'
  [[ "$1" =~ $pattern ]]
}

# is_node_count TEXT: true for a whole number from 1 to 100, the bounds of isNodeCount in
# components/core/rules.ts (tests/scripts/kopsScripts.test.ts keeps the two equal).
is_node_count() {
  [[ "$1" =~ ^[1-9][0-9]{0,2}$ ]] && ((10#$1 <= 100))
}

# is_control_plane_count TEXT: true for 1, 3 or 5, isControlPlaneCount in components/core/rules.ts
# (tests/unit/badInput.test.ts keeps the two equal).
is_control_plane_count() {
  [[ "$1" == 1 || "$1" == 3 || "$1" == 5 ]]
}

# is_topology TEXT: true for public or private, the topology setting's values (tests/unit/badInput.test.ts).
is_topology() {
  [[ "$1" == public || "$1" == private ]]
}

# The owner marker kops-iam-auth wrote before it named the owner: a cluster carrying it is taken as
# this stack's (stacks made by that version upgrade), and the marker is rewritten at its next converge.
LEGACY_OWNER_MARKER=kops-iam-auth

# check_ownership MODE FILE: stops unless this stack (CLUSTER_OWNER, `<org>/<project>/<stack>/<component>`,
# clusterOwnerMarker in commandEnvironment.ts) may manage the cluster whose Cluster YAML is FILE.
# Accepted: its own marker; the legacy marker; no marker when adopting (ADOPT_EXISTING=true); on an
# update (MODE update), the marker of another component of the same stack (a component renamed with
# an alias: the engine kept the resource). Prints the cluster's marker (empty for none).
check_ownership() {
  local mode=$1 file=$2 marker
  require_env CLUSTER_OWNER
  marker=$(spec_tool owner "$file") || die "cannot read the owner marker of cluster $CLUSTER_NAME (error above)"
  local this_org this_project this_stack this_component owner_org owner_project owner_stack owner_component
  IFS=/ read -r this_org this_project this_stack this_component <<<"$CLUSTER_OWNER"
  IFS=/ read -r owner_org owner_project owner_stack owner_component <<<"$marker"
  if [[ -z "$marker" ]]; then
    [[ "${ADOPT_EXISTING:-false}" == true ]] ||
      die "cluster \"$CLUSTER_NAME\" already exists in the state store $STATE_STORE and was not created by kops-iam-auth." \
        "Set kops-iam-auth:adoptExistingCluster to true to patch, update and roll it (pulumi destroy then leaves it running)," \
        "or choose another cluster name or state store."
  elif [[ "$marker" == "$CLUSTER_OWNER" || "$marker" == "$LEGACY_OWNER_MARKER" ]]; then
    :
  elif [[ "$owner_org/$owner_project/$owner_stack" == "$this_org/$this_project/$this_stack" && -n "$owner_component" ]]; then
    [[ "$mode" == update ]] ||
      die "cluster \"$CLUSTER_NAME\" in $STATE_STORE belongs to component $owner_component of this stack" \
        "($owner_org/$owner_project/$owner_stack), not to component $this_component. Renamed the component? Pulumi would create" \
        "the new one and then delete the old one, whose delete is kops delete cluster. Nothing was changed." \
        "Keep the old name, or give the renamed component its old name as an alias (aliases: [{ name: \"<old name>\" }])" \
        "and run pulumi up again."
  else
    die "cluster \"$CLUSTER_NAME\" in $STATE_STORE belongs to stack $owner_org/$owner_project/$owner_stack" \
      "(component ${owner_component:-?}), not to this stack ($this_org/$this_project/$this_stack, component $this_component):" \
      "two stacks cannot manage one cluster (each would overwrite the other's authenticator key, re-patch and roll it," \
      "and either's destroy would delete it). Nothing was changed. Choose another clusterName or another state store" \
      "for this stack, or manage the cluster from its own stack."
  fi
  printf '%s\n' "$marker"
}
