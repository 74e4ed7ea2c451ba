#!/usr/bin/env bash
# A single-node Slurm cluster for tests and laptops: slurmctld, slurmd and munged from the
# distribution's packages (Debian: slurm-wlm, munge), a slurm.conf generated from `slurmd -C`
# (the node's real CPUs and memory), all state, spool and logs in one temporary folder, everything
# on 127.0.0.1.
#
#   tools/slurm/local-cluster.sh start    # install packages if missing, generate config, start
#   tools/slurm/local-cluster.sh status   # daemons, node and queue
#   tools/slurm/local-cluster.sh env      # prints `export SLURM_CONF=...` for sbatch/squeue
#   tools/slurm/local-cluster.sh stop     # cancels jobs, stops every process it started
#
# DIGITKIT_SLURM_DIR (default ${TMPDIR:-/tmp}/digitkit-slurm) holds the cluster; the kit's Slurm
# executor finds its slurm.conf there when SLURM_CONF is unset and /etc/slurm/slurm.conf is absent.
# DIGITKIT_SLURM_PORTS ("6817 6818") sets the slurmctld and slurmd ports; "auto" picks two free
# ones (and others when one is taken before the daemons bind it), so that several clusters, e.g.
# the tests of several checkouts, can run side by side. Clients read the ports from slurm.conf.
# DIGITKIT_SLURM_OWNER=PID (at start): the cluster stops by itself once process PID has ended, so
# that a test killed before its `stop` leaves no daemon behind.
#
# Measured working settings (Debian bookworm, Slurm 22.05, as root, no cgroups in containers):
# proctrack/linuxproc, task/none, select/cons_tres with CR_Core_Memory; no accounting storage, so
# finished states come from jobcomp/filetxt and `scontrol show job` (MinJobAge keeps them a day).
set -euo pipefail
# The daemons (slurmctld, slurmd, munged) live in sbin, which a user's PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

DIR="${DIGITKIT_SLURM_DIR:-${TMPDIR:-/tmp}/digitkit-slurm}"
PORTS="${DIGITKIT_SLURM_PORTS:-6817 6818}"
CTLD_PORT="" SLURMD_PORT=""
CONF="$DIR/slurm.conf"
SOCKET="$DIR/munge/munge.socket"
# Every daemon we start carries this marker in its environment, so `stop` can find exactly our
# processes, and only ours, even without pid files. slurmstepd does not inherit it (slurmd starts
# it with an empty environment): `stop` finds it by its working folder, the cluster's log folder,
# and the jobs as its descendants.
MARKER="DIGITKIT_LOCAL_SLURM=$DIR"
WATCHER_PID="$DIR/watcher.pid"

say() { printf 'local-cluster: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

ensure_packages() {
  local missing=()
  command -v slurmctld >/dev/null || missing+=(slurm-wlm)
  command -v slurmd >/dev/null || missing+=(slurm-wlm)
  command -v munged >/dev/null || missing+=(munge)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]}: install Slurm and MUNGE as root (Debian/Ubuntu: apt-get install slurm-wlm munge), then rerun"
  fi
  say "installing slurm-wlm munge with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >&2
}

# Prints the pids of every live process carrying our marker (zombies have no environment).
our_pids() {
  local env pid
  for env in $(grep -lzxF "$MARKER" /proc/[0-9]*/environ 2>/dev/null); do
    pid="${env#/proc/}"
    pid="${pid%/environ}"
    [ "$pid" = "$$" ] || echo "$pid"
  done
}

# Whether a live process named $1 (slurmd, slurmctld, munged) carries our marker. Unlike the pid
# file, which a daemon writes only after it forked, bound its port and loaded its plugins, this
# holds from the moment the daemon's command returns until it exits.
daemon_up() {
  local pid
  for pid in $(our_pids); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && return 0
  done
  return 1
}

# Prints the pids of this cluster's slurmstepd processes: those working in, or holding a file of,
# the cluster's folder (also when that folder was deleted).
step_pids() {
  local pid link
  for pid in $(pgrep -x slurmstepd || true); do
    for link in "/proc/$pid/cwd" "/proc/$pid"/fd/*; do
      case "$(readlink "$link" 2>/dev/null)" in
      "$DIR" | "$DIR"/*)
        echo "$pid"
        break
        ;;
      esac
    done
  done
}

# Prints the pids given as arguments and all their descendants.
with_descendants() {
  local stat line rest pid ppid
  local -A children=()
  for stat in /proc/[0-9]*/stat; do
    { read -r line <"$stat"; } 2>/dev/null || continue
    pid="${line%% *}"
    rest="${line##*) }" # after "(comm) ": state ppid ...
    read -r _ ppid _ <<<"$rest"
    children[$ppid]+=" $pid"
  done
  local queue=("$@")
  while [ ${#queue[@]} -gt 0 ]; do
    pid="${queue[0]}"
    queue=("${queue[@]:1}")
    echo "$pid"
    # shellcheck disable=SC2206
    queue+=(${children[$pid]:-})
  done
}

# Prints every live process of this cluster: the daemons, slurmstepd and the jobs' processes.
cluster_pids() {
  local roots
  roots="$(our_pids; step_pids)"
  [ -n "$roots" ] || return 0
  # shellcheck disable=SC2086
  with_descendants $roots | while read -r pid; do
    if [ "$pid" != "$$" ] && live "$pid"; then echo "$pid"; fi
  done | sort -un
}

# Whether process $1 is alive (a zombie, killed but not yet reaped, is not).
live() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != Z ]
}

# Whether the pid in file $1 is a live process.
alive() {
  [ -f "$1" ] && live "$(cat "$1")"
}

# Prints the local TCP ports in use, one a line: all sockets, or with $1 = listen the listening ones.
used_ports() {
  local want="${1:-}" sl local remote state
  { tail -n +2 /proc/net/tcp /proc/net/tcp6 2>/dev/null || true; } |
    while read -r sl local remote state _; do
      case "$sl" in [0-9]*:) ;; *) continue ;; esac # not a socket line (e.g. a file header)
      if [ "$want" != listen ] || [ "$state" = 0A ]; then echo $((16#${local##*:})); fi
    done | sort -un
}

# Sets CTLD_PORT and SLURMD_PORT: the configured pair, or with "auto" two ports no socket uses,
# below the kernel's ephemeral range (32768-60999), so that no outgoing connection takes them.
choose_ports() {
  local used port
  if [ "$PORTS" != auto ]; then
    read -r CTLD_PORT SLURMD_PORT <<<"$PORTS"
    used="$(used_ports listen)"
    for port in "$CTLD_PORT" "$SLURMD_PORT"; do
      if grep -qx "$port" <<<"$used"; then
        die "port $port is in use; stop what listens there, or set DIGITKIT_SLURM_PORTS=auto"
      fi
    done
    return 0
  fi
  used="$(used_ports)"
  CTLD_PORT="" SLURMD_PORT=""
  while [ -z "$SLURMD_PORT" ]; do
    port=$((20000 + RANDOM % 12000))
    grep -qx "$port" <<<"$used" && continue
    if [ -z "$CTLD_PORT" ]; then CTLD_PORT="$port"; elif [ "$port" != "$CTLD_PORT" ]; then SLURMD_PORT="$port"; fi
  done
}

write_config() {
  local node_line host
  # `slurmd -C` prints "NodeName=<host> CPUs=... RealMemory=..." and an UpTime line.
  node_line="$(slurmd -C 2>/dev/null | grep '^NodeName=' || true)"
  [ -n "$node_line" ] || die "slurmd -C printed no NodeName line"
  host="$(hostname -s)"
  cat >"$CONF" <<EOF
# Generated by tools/slurm/local-cluster.sh on $(date -u +%FT%TZ); regenerated on every start.
ClusterName=digitkit
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CryptoType=crypto/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
MinJobAge=86400
DefMemPerCPU=1024
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=60
$node_line NodeAddr=127.0.0.1 NodeHostname=$host State=UNKNOWN
PartitionName=local Nodes=${node_line#NodeName=} Default=YES MaxTime=INFINITE State=UP
EOF
  # The partition line above must name only the node: cut the node's attributes off.
  sed -i "s/^PartitionName=local Nodes=\([^ ]*\) .* Default=YES/PartitionName=local Nodes=\1 Default=YES/" "$CONF"
}

# Starts munged, slurmctld and slurmd in a fresh $DIR on CTLD_PORT and SLURMD_PORT and waits
# until the node accepts work. Returns 1 with FAILURE set when a daemon does not come up.
start_daemons() {
  FAILURE=""
  rm -rf "$DIR"
  mkdir -p "$DIR"/{munge,state,spool,log}
  chmod 0755 "$DIR"
  chmod 0700 "$DIR/munge"
  write_config
  # A fresh key per cluster: MUNGE requires it owned by the daemon's user and not readable by others.
  dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$DIR/munge/munge.key"

  if ! env "$MARKER" munged --force --socket="$SOCKET" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/log/munged.log" \
    --seed-file="$DIR/munge/munged.seed"; then
    FAILURE="munged failed: $(tail -n 3 "$DIR/log/munged.log" 2>/dev/null)"
    return 1
  fi
  local name
  for name in slurmctld slurmd; do
    if ! env "$MARKER" "$name" -f "$CONF"; then
      FAILURE="$name failed: $(tail -n 3 "$DIR/log/$name.log" 2>/dev/null)"
      return 1
    fi
  done

  # Ready once the node accepts work (idle or mixed), within 30 s. A daemon that exits on the way
  # (e.g. its port was taken) ends the wait at once.
  local state="" i
  for i in $(seq 1 60); do
    state="$(SLURM_CONF="$CONF" sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)"
    case "$state" in idle | mixed | allocated) return 0 ;; esac
    for name in munged slurmctld slurmd; do
      if ! daemon_up "$name"; then
        FAILURE="$name exited: $(tail -n 3 "$DIR/log/$name.log" 2>/dev/null)"
        return 1
      fi
    done
    sleep 0.5
  done
  FAILURE="node not ready after 30 s (state '${state:-none}'): $(tail -n 3 "$DIR/log/slurmctld.log")"
  return 1
}

start() {
  ensure_packages
  [ "$(id -u)" -eq 0 ] || die "this single-node cluster runs its daemons as root (SlurmUser=root); run start as root"
  if alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid" && alive "$DIR/munge/munged.pid"; then
    say "already running in $DIR"
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  # Whatever a previous start in this folder left (e.g. its test was killed) goes first.
  stop_all quiet || die "a previous cluster in $DIR does not stop"
  # Whatever makes start fail (a die, a failed command), stop what it started.
  trap 'say "start failed; logs in $DIR/log"; stop_all quiet' EXIT
  local attempt
  for attempt in 1 2 3; do
    choose_ports
    start_daemons && break
    # With "auto" ports, another program may have bound one of them since we chose it: retry on
    # others. Any other failure is final.
    if [ "$PORTS" = auto ] && [ "$attempt" -lt 3 ] &&
      grep -qs 'Address already in use' "$DIR"/log/slurm*.log; then
      say "port $CTLD_PORT or $SLURMD_PORT was taken meanwhile; retrying on others"
      stop_all quiet || die "the failed cluster in $DIR does not stop"
      continue
    fi
    die "$FAILURE"
  done
  if [ -n "${DIGITKIT_SLURM_OWNER:-}" ]; then
    local since
    since="$(start_time "$DIGITKIT_SLURM_OWNER")" || die "DIGITKIT_SLURM_OWNER=$DIGITKIT_SLURM_OWNER is no running process"
    # Its own session: a signal to the owner's process group does not reach it.
    setsid bash "$0" watch "$DIGITKIT_SLURM_OWNER" "$since" </dev/null >/dev/null 2>&1 &
    echo $! >"$WATCHER_PID"
  fi
  trap - EXIT
  say "running: $(grep '^NodeName=' "$CONF" | cut -d' ' -f1-2), ports $CTLD_PORT and $SLURMD_PORT, conf $CONF"
  echo "export SLURM_CONF=$CONF"
}

# Prints when process $1 started (clock ticks since boot), which tells it from a later process
# that reuses its pid.
start_time() {
  local line rest
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest="${line##*) }"
  # shellcheck disable=SC2086
  set -- $rest
  echo "${20}"
}

# Waits while the owner ($1, started at $2) lives, then stops the cluster.
watch() {
  while [ "$(start_time "$1" || true)" = "$2" ]; do sleep 1; done
  stop_all quiet
}

# Cancels jobs, then stops every process of this cluster (daemons, slurmstepd, the jobs) and
# waits until all are gone, so that their ports, sockets and files are free when it returns.
# Returns 1 when one survives SIGKILL for 10 s.
stop_all() {
  local quiet="${1:-}" pids i
  if [ -f "$CONF" ] && daemon_up slurmctld; then
    SLURM_CONF="$CONF" scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    for i in $(seq 1 20); do
      [ -z "$(SLURM_CONF="$CONF" squeue -h -t running,completing -o %A 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  # The owner's watcher (if its pid still names it), unless it is the one stopping.
  local watcher command
  watcher="$(cat "$WATCHER_PID" 2>/dev/null || true)"
  if [ -n "$watcher" ] && [ "$watcher" != "$$" ] && live "$watcher"; then
    command="$(tr '\0' ' ' <"/proc/$watcher/cmdline" 2>/dev/null || true)"
    [[ "$command" == *" watch "* ]] && kill "$watcher" 2>/dev/null || true
  fi
  pids="$(cluster_pids)"
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    for i in $(seq 1 20); do
      pids="$(cluster_pids)"
      [ -z "$pids" ] && break
      sleep 0.25
    done
  fi
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    for i in $(seq 1 40); do
      pids="$(cluster_pids)"
      [ -z "$pids" ] && break
      sleep 0.25
    done
  fi
  if [ -n "$pids" ]; then
    say "still running after SIGKILL: $(tr "\n" " " <<<"$pids")"
    return 1
  fi
  [ -n "$quiet" ] || say "stopped"
}

status() {
  local name pidfile up=0
  for name in munged slurmctld slurmd; do
    pidfile="$DIR/$name.pid"
    [ "$name" = munged ] && pidfile="$DIR/munge/munged.pid"
    if alive "$pidfile"; then
      echo "$name: running (pid $(cat "$pidfile"))"
      up=$((up + 1))
    else
      echo "$name: stopped"
    fi
  done
  if [ "$up" -eq 3 ]; then
    SLURM_CONF="$CONF" sinfo -N -o '%N %T %c %m' || true
    SLURM_CONF="$CONF" squeue || true
  fi
  [ "$up" -eq 3 ]
}

case "${1:-}" in
start) start ;;
stop) stop_all ;;
watch) watch "$2" "$3" ;;
status) status ;;
env) echo "export SLURM_CONF=$CONF" ;;
*) die "usage: $0 start|stop|status|env" ;;
esac
