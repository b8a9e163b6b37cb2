# A one-machine Slurm cluster for the tests and benchmarks, everything in
# one scratch folder: munge's key, socket and logs, slurm.conf, the daemons'
# state and logs.  Source this file, then
#   slurm_start DIR    start munged, slurmctld and slurmd (as root) in DIR;
#                      exports SLURM_CONF so that sbatch, squeue, scontrol
#                      and scancel talk to them
#   slurm_wait JOBID SECONDS
#                      wait until the job (every task of an array) has left
#                      the queue; 1 if it has not within SECONDS
#   slurm_stop         cancel whatever still runs, stop the daemons by their
#                      process ids (slurmd, slurmctld, munged), wait for them
# slurm_start returns 1 naming what failed (slurm_why says it in a word for a
# "skipped" line).  Every daemon it started is stopped by slurm_stop, also
# after a failure half-way: call it from a trap on EXIT.
# Debian's packages: slurmctld slurmd slurm-client munge (mk/deps.sh ensure slurm).

SLURM_PIDS=""
SLURM_DIR=""
slurm_why=""

# slurm_missing: the missing programs, if any (empty: the cluster can start)
slurm_missing() {
	m=""
	for p in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
		command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || m="$m $p"
	done
	echo "${m# }"
}

# _slurm_ports_used: every local TCP port in use (any state), in decimal
_slurm_ports_used() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '
		NR > 1 && $2 ~ /:/ {
			h = toupper(substr($2, index($2, ":") + 1)); v = 0
			for (i = 1; i <= length(h); i++)
				v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
			print v
		}'
}

# _slurm_free_ports N: N distinct ports from 20000-59999 that nothing uses
_slurm_free_ports() {
	used=$(_slurm_ports_used | sort -u | tr '\n' ' ')
	awk -v n="$1" -v used=" $used" -v seed="$$" 'BEGIN {
		srand(seed + systime())
		while (k < n) {
			p = 20000 + int(rand() * 40000)
			if (index(used, " " p " ") || (p in got)) continue
			got[p] = 1; k++; print p
		}
	}'
}

# _slurm_port_free PORT: nothing uses it
_slurm_port_free() {
	! _slurm_ports_used | grep -qx "$1"
}

# _slurm_fail WHAT: note why the cluster did not start, with the end of the
# logs in its folder
_slurm_fail() {
	slurm_why="$1"
	echo "slurm: $1" >&2
	for f in "$SLURM_DIR"/log/*; do
		[ -s "$f" ] && { echo "  $f:"; tail -n 3 "$f" | sed 's/^/    /'; } >&2
	done
	return 1
}

# _slurm_alive PID: the daemon still runs
_slurm_alive() {
	kill -0 "$1" 2>/dev/null
}

# Every client command under a time limit: one that cannot reach the
# controller retries for a long while.
_slurm_cmd() {
	timeout 5 "$@"
}

slurm_start() {
	SLURM_DIR=$1
	PATH="$PATH:/usr/sbin:/sbin"
	export PATH
	if [ "$(id -u)" -ne 0 ]; then
		slurm_why="needs root (slurmd starts each job as its user)"
		echo "slurm: $slurm_why" >&2
		return 1
	fi
	m=$(slurm_missing)
	if [ -n "$m" ]; then
		slurm_why="missing:$m (sh mk/deps.sh ensure slurm)"
		echo "slurm: $slurm_why" >&2
		return 1
	fi
	d=$SLURM_DIR
	mkdir -p "$d/munge" "$d/ctld" "$d/spool" "$d/log" || return 1
	# munged: the socket's folder must be open to every user (0755), the key
	# readable by its owner only
	chmod 0755 "$d" "$d/munge"
	dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 2>/dev/null
	chmod 0400 "$d/munge/munge.key"
	# each daemon in the foreground of a background job: $! is its pid
	munged -F --key-file="$d/munge/munge.key" --socket="$d/munge/munge.socket" \
		--pid-file="$d/munge/munged.pid" --log-file="$d/log/munged.log" \
		--seed-file="$d/munge/munged.seed" --force >"$d/log/munged.out" 2>&1 &
	SLURM_PIDS="$!"
	i=0
	while [ ! -S "$d/munge/munge.socket" ] && _slurm_alive "$!" && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$d/munge/munge.socket" ] || { _slurm_fail "munged did not start"; return 1; }

	host=$(hostname -s)
	set -- $(_slurm_free_ports 2)
	ctld_port=$1
	d_port=$2
	cpus=$(nproc)
	cat >"$d/slurm.conf" <<CONF
# a one-machine cluster for disco's tests (tests/slurm/cluster.sh); the
# controller is this host by name, reached at 127.0.0.1: no name lookups
ClusterName=disco
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket
StateSaveLocation=$d/ctld
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_interval=1
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=disco Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
	SLURM_CONF=$d/slurm.conf
	export SLURM_CONF
	# a port taken by then would kill slurmctld
	for p in $ctld_port $d_port; do
		_slurm_port_free "$p" || { _slurm_fail "port $p was taken meanwhile"; return 1; }
	done
	slurmctld -D -i -f "$d/slurm.conf" >"$d/log/slurmctld.out" 2>&1 &
	ctld=$!
	SLURM_PIDS="$ctld $SLURM_PIDS"
	i=0
	until _slurm_cmd scontrol ping 2>/dev/null | grep -q 'is UP'; do
		_slurm_alive "$ctld" || { _slurm_fail "slurmctld stopped"; return 1; }
		[ $i -lt 100 ] || { _slurm_fail "slurmctld does not answer"; return 1; }
		sleep 0.05
		i=$((i + 1))
	done
	slurmd -D -f "$d/slurm.conf" >"$d/log/slurmd.out" 2>&1 &
	sd=$!
	SLURM_PIDS="$sd $SLURM_PIDS"
	# the node is up when the controller says so
	i=0
	while :; do
		st=$(_slurm_cmd sinfo -h -N -o '%T' 2>/dev/null | head -n 1)
		case "$st" in idle*|mix*|alloc*) return 0 ;; esac
		_slurm_alive "$sd" || { _slurm_fail "slurmd stopped"; return 1; }
		_slurm_alive "$ctld" || { _slurm_fail "slurmctld stopped"; return 1; }
		[ $i -lt 100 ] || { _slurm_fail "the node did not come up (state '${st:-none}')"; return 1; }
		sleep 0.05
		i=$((i + 1))
	done
}

# slurm_wait JOBID SECONDS
slurm_wait() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		# nothing listed, or a job id the controller has forgotten
		q=$(_slurm_cmd squeue -h -j "$1" -o '%i' 2>&1)
		case "$?:$q" in
		0:) return 0 ;;
		*"Invalid job id"*) return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

slurm_stop() {
	[ -n "$SLURM_DIR" ] || return 0
	if [ -n "${SLURM_CONF:-}" ] && [ -n "$SLURM_PIDS" ]; then
		# jobs outlive slurmd: cancel them first, while it still runs
		_slurm_cmd scancel --user="$(id -un)" 2>/dev/null
		i=0
		while [ $i -lt 50 ] && [ -n "$(_slurm_cmd squeue -h -o '%i' 2>/dev/null)" ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	# slurmd, slurmctld, then munged: the order they were pushed in reverse
	for pid in $SLURM_PIDS; do
		kill -TERM "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	done
	SLURM_PIDS=""
}
