#!/usr/bin/env bash
# Installs the real tools the tests run against. Idempotent: what is already there is kept.
#
# aws-iam-authenticator and kops are built from their pinned Go modules (through the Go module
# proxy) into .cache/bin, where tests/helpers/tools.ts looks first. A binary that is already there
# and reports the pinned version is kept. Go's own caches stay at their defaults (GOMODCACHE,
# GOCACHE), so a rebuild on a machine that built them before takes seconds, not minutes.
set -euo pipefail

# Pins. Avoid kops 1.36.0 (lost authentication.aws identity mappings, kubernetes/kops#18619).
readonly AUTHENTICATOR_MODULE=sigs.k8s.io/aws-iam-authenticator
readonly AUTHENTICATOR_VERSION=v0.7.18
readonly KOPS_MODULE=k8s.io/kops
readonly KOPS_VERSION=v1.36.2

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly bin_dir="$repo_root/.cache/bin"
install_start=$SECONDS
build_root=$(mktemp -d)
trap 'rm -rf "$build_root"' EXIT

# Runs a step and prints how long it took.
timed() {
  local label=$1
  shift
  local start=$SECONDS
  "$@"
  echo "install-tools: $label took $((SECONDS - start)) s"
}

install_shellcheck() {
  if ! command -v shellcheck >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null
  fi
}

check_machine_tools() {
  local tool
  for tool in kubectl aws moto_server openssl jq go; do
    command -v "$tool" >/dev/null 2>&1 || { echo "install-tools: $tool is missing from this machine" >&2; exit 1; }
  done
}

# True when $1 exists and its version command ($2...) prints the text in $expected_version_text.
reports_version() {
  local binary=$1 expected=$2
  shift 2
  [[ -x "$binary" ]] || return 1
  local reported
  reported=$("$binary" "$@" 2>/dev/null) || return 1
  [[ "$reported" == *"$expected"* ]]
}

# Builds package $3 of module $1 at version $2 into $bin_dir/$4 with ldflags $5, where {{commit}}
# in $5 is replaced by the commit the module proxy records for that version.
#
# `go install module/cmd/x@version` refuses modules whose go.mod has replace directives, because
# replace only applies in the main module. So: a throwaway main module that requires the pinned
# version and carries the upstream module's own replace directives, which gives the same build
# list as upstream's own build.
build_pinned() {
  local module=$1 version=$2 package=$3 binary=$4 ldflags=$5
  local work info commit upstream_gomod
  work="$build_root/$binary"
  rm -rf "$work" && mkdir -p "$work"
  info=$(go mod download -json "$module@$version")
  upstream_gomod=$(jq -r .GoMod <<<"$info")
  commit=$(jq -r '.Origin.Hash // "unknown"' <<<"$info")
  (
    cd "$work"
    go mod init "kops-iam-auth.local/build-$binary" >/dev/null 2>&1
    go mod edit -require="$module@$version"
    local replacements replacement
    replacements=$(go mod edit -json "$upstream_gomod" | jq -r '
      (.Replace // [])[]
      | (.Old.Path + (if .Old.Version then "@" + .Old.Version else "" end)) + "="
        + (.New.Path + (if .New.Version then "@" + .New.Version else "" end))')
    while IFS= read -r replacement; do
      [[ -n "$replacement" ]] || continue
      # A replacement by a directory of the upstream tree cannot be reproduced from the module.
      [[ "$replacement" == *=*@* ]] ||
        { echo "install-tools: $module@$version replaces ${replacement%%=*} with a local directory; cannot build it this way" >&2; exit 1; }
      go mod edit -replace="$replacement"
    done <<<"$replacements"
    # Resolves and records (go.sum) every module the package needs, at upstream's versions.
    go get "$package@$version"
    CGO_ENABLED=0 go build -trimpath -o "$bin_dir/$binary.new" -ldflags "${ldflags//\{\{commit\}\}/$commit}" "$package"
  )
  mv -f "$bin_dir/$binary.new" "$bin_dir/$binary"
}

install_authenticator() {
  local binary="$bin_dir/aws-iam-authenticator"
  if reports_version "$binary" "\"Version\":\"${AUTHENTICATOR_VERSION#v}\"" version; then
    echo "install-tools: aws-iam-authenticator ${AUTHENTICATOR_VERSION} already in .cache/bin"
    return
  fi
  # Same ldflags as upstream's release build (.goreleaser.yaml).
  build_pinned "$AUTHENTICATOR_MODULE" "$AUTHENTICATOR_VERSION" \
    "$AUTHENTICATOR_MODULE/cmd/aws-iam-authenticator" aws-iam-authenticator \
    "-s -w -X $AUTHENTICATOR_MODULE/pkg.Version=${AUTHENTICATOR_VERSION#v} -X $AUTHENTICATOR_MODULE/pkg.CommitID={{commit}}"
  reports_version "$binary" "\"Version\":\"${AUTHENTICATOR_VERSION#v}\"" version ||
    { echo "install-tools: built aws-iam-authenticator does not report ${AUTHENTICATOR_VERSION}" >&2; exit 1; }
}

install_kops() {
  local binary="$bin_dir/kops"
  if reports_version "$binary" "Client version: ${KOPS_VERSION#v} " version; then
    echo "install-tools: kops ${KOPS_VERSION} already in .cache/bin"
    return
  fi
  # Same ldflags as upstream's Makefile (k8s.io/kops.Version, k8s.io/kops.GitVersion).
  build_pinned "$KOPS_MODULE" "$KOPS_VERSION" "$KOPS_MODULE/cmd/kops" kops \
    "-s -w -X $KOPS_MODULE.Version=${KOPS_VERSION#v} -X $KOPS_MODULE.GitVersion={{commit}}"
  reports_version "$binary" "Client version: ${KOPS_VERSION#v} " version ||
    { echo "install-tools: built kops does not report ${KOPS_VERSION}" >&2; exit 1; }
}

mkdir -p "$bin_dir"
timed "shellcheck" install_shellcheck
timed "machine tools check" check_machine_tools
timed "aws-iam-authenticator ${AUTHENTICATOR_VERSION}" install_authenticator
timed "kops ${KOPS_VERSION}" install_kops
echo "install-tools: done in $((SECONDS - install_start)) s"
