#!/usr/bin/env bash
# Make sure the Debian packages the program needs are present: espeak-ng (pyttsx3's voice on
# Linux), libportaudio2 (sounddevice) and sox (test audio); with --test also chromium and
# chromium-driver (the HTML report's browser tests). Installs them when it can (as root, or with
# password-less sudo); otherwise stops and prints the exact command to run.
set -eu
packages="espeak-ng libportaudio2 sox"
[ "${1:-}" = "--test" ] && packages="$packages chromium chromium-driver"

if ! command -v dpkg >/dev/null 2>&1; then
  # Not Debian/Ubuntu: check for the programs themselves and say what is missing.
  command -v espeak-ng >/dev/null 2>&1 || { echo "error: espeak-ng is missing; install it with your package manager" >&2; exit 1; }
  exit 0
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "error: missing Debian packages:$missing. Run: sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing Debian packages:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq$missing >/dev/null
