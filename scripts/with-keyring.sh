#!/usr/bin/env bash
# Run a command inside a private D-Bus session with gnome-keyring's Secret Service, so keychain
# tests use the real OS keychain without touching the user's own.
#   scripts/with-keyring.sh npx vitest run test/integration
# A fresh HOME keeps the keyring files (and any ~/.aws) private to this run.
#
# The keyring is a *plaintext* "login" collection written before the daemon starts. Why: CI once
# lost 24 tests when the suite's gnome-keyring daemon went away mid-run and D-Bus activation
# started a new one. A new daemon cannot open a password-protected keyring without showing an
# unlock prompt, which fails headless ("couldn't create system prompt", then "unlock prompt was
# dismissed" for every later test). A plaintext keyring has no password, so any daemon D-Bus starts
# opens it unlocked and keeps every item written so far: a daemon killed mid-suite costs only the
# calls in flight. It is a throwaway keyring of test secrets in a temp HOME, deleted on exit.
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
# Each session has its own runtime dir, so gnome-keyring's control socket ($XDG_RUNTIME_DIR/keyring)
# is never shared with another run on the same machine (or with a test's own private session).
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME/keyrings" && chmod 700 "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME/keyrings"
printf '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n' > "$XDG_DATA_HOME/keyrings/login.keyring"
printf 'login' > "$XDG_DATA_HOME/keyrings/default"
chmod 600 "$XDG_DATA_HOME/keyrings/login.keyring" "$XDG_DATA_HOME/keyrings/default"
export AUTHDESK_IN_KEYRING_SESSION=1 AUTHDESK_TEST_KEYRING_DIR="$XDG_DATA_HOME/keyrings"
# The daemon is started now (not on the first test's call) so a broken install fails here, once,
# with gnome-keyring's own words; D-Bus activation restarts it if it ever goes away.
dbus-run-session -- bash -c '
  if ! gnome-keyring-daemon --start --components=secrets >/dev/null; then
    echo "with-keyring: gnome-keyring-daemon did not start (see its message above)." >&2; exit 1
  fi
  exec "$@"' keyring-session "$@"
