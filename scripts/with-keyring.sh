#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service,
# so keychain tests use the real OS keychain without touching the user's own.
#   scripts/with-keyring.sh npx vitest run test/integration
# A fresh HOME keeps the keyring files (and any ~/.aws) private to this run.
set -euo pipefail
if [[ "${AUTHDESK_IN_KEYRING_SESSION:-}" == 1 ]]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: '$tool' is missing. Install the Debian packages: apt-get install -y dbus gnome-keyring libsecret-tools" >&2
    exit 1
  fi
done
KEYRING_HOME="$(mktemp -d -t authdesk-keyring-XXXXXX)"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export AUTHDESK_REAL_HOME="$HOME"
export HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/.local/share" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export AUTHDESK_IN_KEYRING_SESSION=1
dbus-run-session -- bash -c 'echo -n authdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' keyring-session "$@"
