#!/usr/bin/env bash
# Installs the real tools the tests run against. Idempotent: what is already there is kept.
set -euo pipefail
if ! command -v shellcheck >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null
fi
for tool in kubectl aws moto_server openssl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-tools: $tool is missing from this machine" >&2; exit 1; }
done
