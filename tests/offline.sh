#!/usr/bin/env bash
# Runs a command with no network but loopback, so a test that reaches for any other address
# (the EC2 metadata service, a public AWS endpoint) fails instead of leaving the machine.
# Falls back to running it directly, loudly, where unprivileged network namespaces are not allowed.
set -euo pipefail
if [[ "${KOPS_IAM_AUTH_OFFLINE:-}" == "1" ]]; then
  exec "$@"
fi
# As root, a plain network namespace keeps every uid usable (tests chown files to the
# authenticator's uid); otherwise a user namespace grants the right to make one.
if [[ $(id -u) == 0 ]]; then unshare_flags=(-n); else unshare_flags=(-r -n); fi
if unshare "${unshare_flags[@]}" true 2>/dev/null; then
  export KOPS_IAM_AUTH_OFFLINE=1
  # shellcheck disable=SC2016 # expanded by the inner shell
  exec unshare "${unshare_flags[@]}" bash -c 'ip link set lo up && exec "$@"' bash "$@"
fi
echo "tests/offline.sh: WARNING: cannot create a network namespace here (unshare -rn failed);" \
  "running with the machine's network" >&2
exec "$@"
