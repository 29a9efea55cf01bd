#!/usr/bin/env bash
# Prints on stdout a kubeconfig for the cluster (for the Pulumi Kubernetes provider); progress
# goes to stderr. Nothing is left on disk.
#   KUBECONFIG_MODE=auth-plugin (KopsCluster's default): `kops export kubecfg --auth-plugin`. The user runs
#     `kops helpers kubectl-auth --cluster=X --state=S` (pkg/kubeconfig/create_kubecfg.go,
#     v1.36.2), which issues a short-lived client certificate from the state store on each use
#     (pkg/commands/helpers/kubectl_auth.go), so the kubeconfig kept in the Pulumi state holds no
#     credential and never expires. kOps writes the command as plain `kops`; we point it at
#     KOPS_BIN and give it the AWS_PROFILE/AWS_REGION kops runs with here, so the provider
#     reaches the same state store with the same identity.
#   KUBECONFIG_MODE=admin: `kops export kubecfg --admin=$ADMIN_TTL` (required; KopsCluster passes
#     its adminTtl): a static admin client certificate that EXPIRES after ADMIN_TTL; later Pulumi
#     runs then fail to reach the cluster until this command runs again.
# Environment: KOPS_BIN (default kops), CLUSTER_NAME, STATE_STORE, KUBECONFIG_MODE, ADMIN_TTL.
#
# kOps fact (v1.36.2): `export kubecfg` prints "kOps has set your kubectl context to X" on stdout
# (pkg/kubeconfig/kubecfg_builder.go), hence its stdout goes to our stderr; with --kubeconfig it
# writes only that file, never ~/.kube/config (cmd/kops/export_kubeconfig.go).
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

require_env KUBECONFIG_MODE
case "$KUBECONFIG_MODE" in
  auth-plugin) flags=(--auth-plugin) ;;
  admin)
    require_env ADMIN_TTL
    is_go_duration "$ADMIN_TTL" ||
      die "ADMIN_TTL is \"$ADMIN_TTL\"; expected a Go duration such as 1h, 90m or 18h"
    flags=(--admin="$ADMIN_TTL")
    ;;
  *) die "KUBECONFIG_MODE is \"$KUBECONFIG_MODE\"; expected auth-plugin or admin" ;;
esac

preflight
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kops_cmd export kubecfg "${flags[@]}" --kubeconfig "$work/kubeconfig" >&2

if [[ "$KUBECONFIG_MODE" == admin ]]; then
  print_file "$work/kubeconfig"
  exit 0
fi
command=$KOPS_BIN
if [[ "$command" == */* ]]; then
  dir=${command%/*}
  command="$(cd "${dir:-/}" && pwd)/${command##*/}"
fi
exec_env=()
for name in AWS_PROFILE AWS_REGION; do
  if [[ -n "${!name:-}" ]]; then
    exec_env+=("$name=${!name}")
  fi
done
spec_tool kubeconfig-exec "$command" "${exec_env[@]}" <"$work/kubeconfig"
