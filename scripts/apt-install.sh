#!/usr/bin/env bash
# apt-install.sh WHAT PACKAGE...: install Debian packages as root, or say what to install and fail.
# WHAT names the caller in its messages ("test deps", "browsers").
set -euo pipefail
what=$1
shift
if [[ $(id -u) -ne 0 ]]; then
  echo "${what}: missing $*. As root: apt-get install $*" >&2
  exit 1
fi
echo "${what}: installing $* from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
