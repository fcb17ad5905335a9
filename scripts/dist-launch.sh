#!/usr/bin/env bash
# dist-launch.sh: run a command as the ranks of one data-parallel job, with
# the environment torchrun would give it (RANK, WORLD_SIZE, LOCAL_RANK,
# MASTER_ADDR, MASTER_PORT), where PyTorch is not installed. One line per
# machine; every machine runs the same command:
#
#   scripts/dist-launch.sh -n 2 -- ./train -task lm -batch 64          # one machine
#   scripts/dist-launch.sh -n 2 -nodes 2 -node 0 -addr host0 -- ./train ...  # on host0
#   scripts/dist-launch.sh -n 2 -nodes 2 -node 1 -addr host0 -- ./train ...  # on host1
#
# Rank r = node * n + local rank. When one rank exits non-zero the others are
# stopped (SIGINT, then SIGKILL after 30 s); Ctrl-C is passed to every rank
# (each finishes its batch, and rank 0 saves). Exits with the first non-zero
# status, or 0.
#
# Options: -n N (ranks on this machine, default 2), -nodes M (machines, 1),
# -node K (this machine's number, 0), -addr HOST (rank 0's machine,
# 127.0.0.1), -port P (29500). Each rank uses one libtorch thread unless the
# command says otherwise (-threads).
set -uo pipefail

n=2 nodes=1 node=0 addr=127.0.0.1 port=29500
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    -nodes) nodes=$2; shift 2 ;;
    -node) node=$2; shift 2 ;;
    -addr) addr=$2; shift 2 ;;
    -port) port=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n N] [-nodes M -node K -addr HOST] [-port P] -- COMMAND [ARGS...]" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "dist-launch: no command given (after --)" >&2; exit 2; }
for v in "$n" "$nodes" "$node" "$port"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "dist-launch: '$v' is not a whole number" >&2; exit 2; }
done
[ "$n" -ge 1 ] && [ "$node" -lt "$nodes" ] || { echo "dist-launch: want -n >= 1 and -node below -nodes" >&2; exit 2; }

world=$((n * nodes))
pids=()
# Each rank in a process group of its own, so that a Ctrl-C at the terminal
# reaches this script alone, which passes it on once (a second SIGINT would
# make train exit at once, without saving).
set -m
for ((local = 0; local < n; local++)); do
  RANK=$((node * n + local)) LOCAL_RANK=$local WORLD_SIZE=$world \
    MASTER_ADDR=$addr MASTER_PORT=$port OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "$@" &
  pids+=($!)
done

stop() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
}
interrupted=0
trap 'interrupted=1; stop' INT TERM

status=0
left=${#pids[@]}
while [ "$left" -gt 0 ]; do
  wait -n -p done_pid "${pids[@]}" 2>/dev/null
  rc=$?
  [ -n "${done_pid:-}" ] || continue
  left=$((left - 1))
  if [ "$rc" != 0 ] && [ "$status" = 0 ]; then
    status=$rc
    [ "$interrupted" = 0 ] || continue # every rank is stopping already
    echo "dist-launch: a rank (pid $done_pid) exited with status $rc: stopping the others" >&2
    stop
    ( sleep 30; for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done ) &
  fi
  done_pid=
done
exit "$status"
