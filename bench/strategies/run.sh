#!/usr/bin/env bash
# Measures lstm's two ways to run variable-length batches (packed, padded),
# the Go runtime settings of the padded path, and the memory of a 2,000-step
# training run, then writes the "Recurrent strategies and memory (issue 4)"
# section of BENCHMARKS.md (and prints it).
#
#   bench/strategies/run.sh [REPS [BENCHTIME]]      (defaults 3 and 5x)
#
# BENCHTIME is go test's -benchtime: 5x is 5 timed training steps per run
# (of each benchmark's pool of 20 batches), after 2 untimed ones. Each of
# the REPS rounds runs every benchmark once, so that a burst of load from
# elsewhere lands on one run of each rather than on every run of one. The
# packed path's steps take most of the time (seconds each on 2 cores).
# MEM=0 skips the memory check, 2,000 steps (about 6 minutes on 2 idle
# cores, 14 under load); KEEP=DIR keeps the raw outputs. Needs go; libtorch
# comes from ./setup-libtorch.sh; no data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=${1:-3}
benchtime=${2:-5x}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

setup=$(./setup-libtorch.sh 2>&1) || { echo "$setup" >&2; exit 1; }
libtorch=$(echo "$setup" | sed -n 's/^ *version: *//p')
source=$(echo "$setup" | sed -n 's/^ *source: *//p' | sed 's/ (the choice kept in .*)$//')
go test -c -o "$work/lstm.test" ./lstm
go build -o "$work/strategies" ./bench/strategies

gc_settings=("default (GOGC=100)" "GOGC=off GOMEMLIMIT=1GiB" "GOMAXPROCS=1")
gc_env=("" "GOGC=off GOMEMLIMIT=1GiB" "GOMAXPROCS=1")
for i in "${!gc_settings[@]}"; do
	echo "# setting: ${gc_settings[$i]}" >"$work/gc$i.txt"
done
# glibc, not Go: the benchmarks tune malloc as the trainer does
# (libtorch.TuneMalloc); a set GLIBC_TUNABLES, even empty, keeps glibc's
# defaults, under which each step faults fresh pages in for its big blocks.
malloc_env="GLIBC_TUNABLES="
echo "# setting: glibc's defaults (GLIBC_TUNABLES= turns libtorch.TuneMalloc off)" >"$work/malloc.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
cd lstm # the test binary's package folder, as go test runs it
for r in $(seq "$reps"); do
	echo "run.sh: round $r of $reps ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))" >&2
	"$work/lstm.test" -test.run '^$' -test.bench '^BenchmarkStrategies$' \
		-test.benchtime "$benchtime" >>"$work/strategies.txt"
	env $malloc_env "$work/lstm.test" -test.run '^$' -test.bench '^BenchmarkStrategies$/.*/.*/^threads1$' \
		-test.benchtime "$benchtime" >>"$work/malloc.txt"
	for i in "${!gc_env[@]}"; do
		env ${gc_env[$i]} "$work/lstm.test" -test.run '^$' -test.benchtime "$benchtime" \
			-test.bench '^BenchmarkStrategies$/^max400$/^padded$/^threads1$' >>"$work/gc$i.txt"
	done
done
bench_s=$(($(date +%s) - start))
mem_flags=()
if [[ ${MEM:-1} != 0 ]]; then
	echo "run.sh: memory check, 2,000 steps ($(date +%T))" >&2
	TORCHRNN_LONG=1 "$work/lstm.test" -test.run '^TestMemoryLevelsOff$' -test.v \
		-test.timeout 3h >"$work/mem.txt" 2>&1 || echo "run.sh: the memory check failed (see its table)" >&2
	mem_flags=(-mem "$work/mem.txt")
fi
total_s=$(($(date +%s) - start))
cd "$root"

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
cat >"$work/info.md" <<EOF
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on ${cpu:-an unknown CPU}, $(nproc) cores, ${mem_gib} GiB;
libtorch ${libtorch:-?} (${source:-?}), CPU; $(go version | cut -d' ' -f3). Load average (1, 5, 15 min)
${load_before} before, $(cut -d' ' -f1-3 /proc/loadavg) after: the machine is shared, so the
spread matters as much as the medians. ${reps} rounds of \`-benchtime ${benchtime}\` took ${bench_s} s,
everything ${total_s} s. Reproduce with \`bench/strategies/run.sh ${reps} ${benchtime}\`, or one part with
\`go test -run '^\$' -bench Strategies -benchtime ${benchtime} ./lstm\` and
\`TORCHRNN_LONG=1 go test -run MemoryLevelsOff -v -timeout 3h ./lstm\`.
EOF

gc_flags=()
for i in "${!gc_env[@]}"; do
	gc_flags+=(-gc "$work/gc$i.txt")
done
"$work/strategies" -info "$work/info.md" -bench "$work/strategies.txt" -malloc "$work/malloc.txt" "${gc_flags[@]}" \
	"${mem_flags[@]}" -write "$root/BENCHMARKS.md"
if [[ -n ${KEEP:-} ]]; then
	mkdir -p "$KEEP" && cp "$work"/*.txt "$work/info.md" "$KEEP"/
fi
