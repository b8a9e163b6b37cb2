#!/bin/sh
# Finds the Debian packages disco needs; installs the missing ones when run as
# root, otherwise prints the exact command.  Usage: deps.sh ensure|list [slurm]
# With `slurm`, the packages of a one-machine Slurm cluster instead, which
# only `make check-slurm` (tests/slurm/check.sh) needs: the controller, the
# node daemon, the client commands and munge, the authentication they use.
set -u
PKGS="build-essential pkg-config libgsl-dev libhdf5-dev libzstd-dev libxxhash-dev liblzma-dev check gnuplot-nox valgrind python3-h5py python3-pandas"
case "${2:-}" in
slurm) PKGS="slurmctld slurmd slurm-client munge" ;;
"") ;;
*) echo "deps: unknown package set '$2' (only: slurm)" >&2; exit 2 ;;
esac
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
case "${1:-ensure}" in
list) echo "$PKGS"; exit 0 ;;
esac
[ -z "$missing" ] && exit 0
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; install:$missing (or their equivalents) and retry" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq --no-install-recommends $missing >&2 || {
		echo "deps: apt-get install failed; run: apt-get install$missing" >&2
		exit 1
	}
	exit 0
fi
echo "deps: missing Debian packages; run as root:" >&2
echo "  sudo apt-get install$missing" >&2
exit 1
