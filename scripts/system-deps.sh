#!/usr/bin/env bash
# Debian packages the tests need: chromium (web chat and staff console in a real browser),
# a CJK font (rich-menu image, screenshots), PostgreSQL (case storage tests).
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -qi "noto" || need+=(fonts-noto-cjk)
fc-list :lang=th 2>/dev/null | grep -qi "noto" || need+=(fonts-noto-core)  # the Thai and Vietnamese rich menus
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need[*]} (run as root: apt-get install ${need[*]})" >&2; exit 1
  fi
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
