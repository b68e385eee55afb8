#!/usr/bin/env bash
# Run a command inside a private D-Bus session with gnome-keyring's Secret Service, so keychain
# tests use the real OS keychain without touching the user's own.
#   scripts/with-keyring.sh npx vitest run test/integration
# A fresh HOME keeps the keyring files (and any ~/.aws) private to this run.
#
# Every gnome-keyring daemon of the session unlocks the "login" keyring with the run's password,
# including one that D-Bus activation starts after the first has gone away. Why: CI once lost 24
# tests when the suite's daemon died mid-run and D-Bus started a new one with no password: it could
# not open the keyring without an unlock prompt, which fails headless ("couldn't create system
# prompt", then "unlock prompt was dismissed" / IsLocked for every later test). So this session's own
# D-Bus service file for org.freedesktop.secrets (in $XDG_DATA_HOME, which D-Bus searches before
# /usr/share) starts the daemon through a wrapper that feeds it the password: a daemon killed
# mid-suite costs only the calls in flight (test/integration/keyring-restart.test.ts).
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
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME/dbus-1/services" && chmod 700 "$XDG_RUNTIME_DIR"
daemon="$KEYRING_HOME/secrets-daemon.sh"
printf '#!/bin/sh\n# Started by D-Bus activation (this session only): unlock with the run password.\nprintf %%s authdesk-test | exec gnome-keyring-daemon --foreground --unlock --components=secrets\n' > "$daemon"
chmod 700 "$daemon"
for name in org.freedesktop.secrets org.gnome.keyring; do
  printf '[D-BUS Service]\nName=%s\nExec=%s\n' "$name" "$daemon" > "$XDG_DATA_HOME/dbus-1/services/$name.service"
done
export AUTHDESK_IN_KEYRING_SESSION=1
# The first daemon starts now (not on the first test's call), creating the login keyring with the
# run's password, so a broken install fails here, once, with gnome-keyring's own words.
dbus-run-session -- bash -c '
  if ! printf %s authdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
    echo "with-keyring: gnome-keyring-daemon did not start (see its message above)." >&2; exit 1
  fi
  exec "$@"' keyring-session "$@"
