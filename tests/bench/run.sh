#!/usr/bin/env bash
# Batch benchmark: `handreiking report` against the stock typst CLI on the same
# template and data, on this machine, in one run.
#
#   tests/bench/run.sh [N] [BIG] [ROWS]   defaults: N=400 (the comparison), BIG=5000 (growth),
#                                         ROWS=50000 (reading a workbook)
#
# Needs: a release build (made here), `typst` 0.15 on PATH or in $TYPST
# (`cargo install typst-cli --version 0.15.1 --locked`), GNU time (/usr/bin/time), ps and pgrep.
# Prints: wall time, reports/s, CPU time and peak memory (all processes) of each, the throughput
# ratio, handreiking at N=200 and N=BIG to show how cost grows, the blank handreiking, and
# `check` on a ROWS-row workbook (a Google Sheets download made by examples/make_workbooks.rs).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-400}
BIG=${2:-5000}
ROWS=${3:-50000}
TYPST=${TYPST:-typst}
JOBS=$(nproc)
WORK=${BENCH_DIR:-target/bench}
export SOURCE_DATE_EPOCH=1767225600

command -v "$TYPST" >/dev/null || { echo "no typst CLI: install it with cargo install typst-cli --version 0.15.1 --locked, or set TYPST"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time): apt-get install time"; exit 2; }
command -v pgrep >/dev/null || { echo "needs ps and pgrep: apt-get install procps"; exit 2; }
cargo build --release --quiet --example make_workbooks
# BIN=path/to/handreiking measures another build (an earlier version, say).
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/handreiking; fi
rm -rf "$WORK"; mkdir -p "$WORK"

# N synthetic respondents with random answers (fixed seed, so runs compare).
sheet() {
  awk -v n="$1" -v seed="${2:-42}" 'BEGIN {
    srand(seed);
    printf "naam,organisatie,datum,R1V1,R1V2,R1V3,R2V1,R2V2,R3V1,R3V2,R4V1,R4V2,R4V3,R5V1,R5V2\n";
    for (i = 1; i <= n; i++) {
      printf "Respondent %d,Organisatie %d,2026-03-%02d", i, (i % 37) + 1, (i % 28) + 1;
      for (q = 0; q < 12; q++) { r = rand(); printf ",%s", (r < 0.45 ? "A" : (r < 0.9 ? "B" : "")); }
      printf "\n";
    }
  }'
}

# Runs a command under GNU time; prints "wall_s cpu_s peak_kb", where peak_kb is
# the most memory (RSS) the command and its child processes held at once,
# sampled every 0.2 s (GNU time's %M alone gives only the largest single process).
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" <&0 >/dev/null 2>"$WORK/stderr.txt" &
  local pid=$! peak=0 sum top
  while kill -0 "$pid" 2>/dev/null; do
    # GNU time's child, and that child's children (render processes, typst processes).
    top=$(pgrep -P "$pid" | head -n 1 || true)
    if [ -n "$top" ]; then
      sum=$( (ps -o rss= --ppid "$top" -p "$top" 2>/dev/null || true) | awk '{ s += $1 } END { print s + 0 }')
      if [ "$sum" -gt "$peak" ]; then peak=$sum; fi
    fi
    sleep 0.2
  done
  wait "$pid" || { cat "$WORK/stderr.txt"; exit 1; }
  # A run shorter than one sample still has its largest single process (%M).
  awk -v peak="$peak" '{ printf "%s %.2f %s\n", $1, $2 + $3, (peak > $4 ? peak : $4) }' "$WORK/time.txt"
}

sheet "$N" > "$WORK/sheet.csv"
sheet 200 > "$WORK/sheet-200.csv"
sheet "$BIG" > "$WORK/sheet-big.csv"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); typst: $($TYPST --version)"
echo "N=$N reports, $JOBS parallel jobs each"

# (a) handreiking, default jobs (all cores).
read -r a_wall a_cpu a_mem < <(measure "$BIN" report "$WORK/sheet.csv" -o "$WORK/a" --force)

# (b) the stock typst CLI on the same template and data: one process per report,
# as many in parallel as there are cores. The data comes from --emit-data.
"$BIN" report "$WORK/sheet.csv" -o "$WORK/data-pdfs" --emit-data "$WORK/root/data" --force >/dev/null 2>&1
cp -r templates/. "$WORK/root/"
ls "$WORK/root/data" | sed 's/\.json$//' > "$WORK/names.txt"
mkdir -p "$WORK/b"
cat > "$WORK/one.sh" <<SH
#!/usr/bin/env bash
exec "$TYPST" compile --root "$WORK/root" --font-path fonts --ignore-system-fonts \
  --input "data=/data/\$1.json" "$WORK/root/report.typ" "$WORK/b/\$1.pdf"
SH
chmod +x "$WORK/one.sh"
read -r b_wall b_cpu b_mem < <(measure xargs -d '\n' -P "$JOBS" -n 1 "$WORK/one.sh" < "$WORK/names.txt")

count_a=$(ls "$WORK/a"/*.pdf | wc -l)
count_b=$(ls "$WORK/b"/*.pdf | wc -l)
[ "$count_a" = "$N" ] && [ "$count_b" = "$N" ] || { echo "expected $N reports, got $count_a and $count_b"; exit 1; }

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
echo
printf "%-34s %8s %10s %9s %12s\n" "" "wall s" "reports/s" "CPU s" "peak MB (all processes)"
printf "%-34s %8s %10s %9s %12s\n" "(a) handreiking report" "$a_wall" "$(rate "$N" "$a_wall")" "$a_cpu" "$((a_mem / 1024))"
printf "%-34s %8s %10s %9s %12s\n" "(b) typst compile x$N, -P $JOBS" "$b_wall" "$(rate "$N" "$b_wall")" "$b_cpu" "$((b_mem / 1024))"
echo "throughput ratio (a)/(b): $(awk -v a="$a_wall" -v b="$b_wall" 'BEGIN { printf "%.2f", b / a }')x"
echo "CPU per report: (a) $(awk -v c="$a_cpu" -v n="$N" 'BEGIN { printf "%.1f", 1000 * c / n }') ms, (b) $(awk -v c="$b_cpu" -v n="$N" 'BEGIN { printf "%.1f", 1000 * c / n }') ms"

# (c) the same batch compared with an earlier measurement (same respondents, other answers).
if "$BIN" report --help | grep -q -- --earlier; then
  sheet "$N" 7 > "$WORK/earlier.csv"
  read -r c_wall c_cpu c_mem < <(measure "$BIN" report "$WORK/sheet.csv" --earlier "$WORK/earlier.csv" -o "$WORK/c" --force)
  [ "$(ls "$WORK/c"/*.pdf | wc -l)" = "$N" ] || { echo "expected $N follow-up reports"; exit 1; }
  printf "%-34s %8s %10s %9s %12s\n" "(c) report --earlier" "$c_wall" "$(rate "$N" "$c_wall")" "$c_cpu" "$((c_mem / 1024))"
  echo "--earlier vs without: wall $(awk -v a="$a_wall" -v c="$c_wall" 'BEGIN { printf "%+.0f%%", 100 * (c / a - 1) }'), CPU $(awk -v a="$a_cpu" -v c="$c_cpu" 'BEGIN { printf "%+.0f%%", 100 * (c / a - 1) }')"
  rm -rf "$WORK/c"
  # The earlier sheet above is drawn independently: about 60% of the answers change,
  # the most work a comparison can make. In a real follow-up most answers stay: here a
  # quarter of them are drawn again, so about 85% are as before.
  awk -F, -v OFS=, 'BEGIN { srand(7) } NR == 1 { print; next } {
    for (q = 4; q <= NF; q++) if (rand() < 0.25) { r = rand(); $q = (r < 0.45 ? "A" : (r < 0.9 ? "B" : "")) }
    print }' "$WORK/sheet.csv" > "$WORK/earlier-typical.csv"
  read -r d_wall d_cpu d_mem < <(measure "$BIN" report "$WORK/sheet.csv" --earlier "$WORK/earlier-typical.csv" -o "$WORK/c" --force)
  printf "%-34s %8s %10s %9s %12s\n" "(c2) --earlier, 85% unchanged" "$d_wall" "$(rate "$N" "$d_wall")" "$d_cpu" "$((d_mem / 1024))"
  echo "--earlier (85% unchanged) vs without: wall $(awk -v a="$a_wall" -v c="$d_wall" 'BEGIN { printf "%+.0f%%", 100 * (c / a - 1) }'), CPU $(awk -v a="$a_cpu" -v c="$d_cpu" 'BEGIN { printf "%+.0f%%", 100 * (c / a - 1) }')"
  rm -rf "$WORK/c"
fi

# Growth: N=200 against N=BIG.
read -r s_wall s_cpu s_mem < <(measure "$BIN" report "$WORK/sheet-200.csv" -o "$WORK/small" --force)
rm -rf "$WORK/a" "$WORK/b" "$WORK/data-pdfs"
read -r l_wall l_cpu l_mem < <(measure "$BIN" report "$WORK/sheet-big.csv" -o "$WORK/big" --force)
echo
printf "%-34s %8s %14s %12s\n" "" "wall s" "ms per report" "peak MB (all processes)"
printf "%-34s %8s %14s %12s\n" "(a) N=200" "$s_wall" "$(awk -v s="$s_wall" 'BEGIN { printf "%.1f", 1000 * s / 200 }')" "$((s_mem / 1024))"
printf "%-34s %8s %14s %12s\n" "(a) N=$BIG" "$l_wall" "$(awk -v s="$l_wall" -v n="$BIG" 'BEGIN { printf "%.1f", 1000 * s / n }')" "$((l_mem / 1024))"
echo "time per report N=$BIG vs N=200: $(awk -v s="$s_wall" -v l="$l_wall" -v n="$BIG" 'BEGIN { printf "%+.0f%%", 100 * ((l / n) / (s / 200) - 1) }'), peak memory: $(awk -v s="$s_mem" -v l="$l_mem" 'BEGIN { printf "%+.0f%%", 100 * (l / s - 1) }')"
rm -rf "$WORK/big"

# The blank handreiking: CPU time of one run.
read -r h_wall h_cpu h_mem < <(measure "$BIN" blank -o "$WORK/blank.pdf")
echo
echo "blank handreiking: $h_wall s wall, $h_cpu s CPU, $((h_mem / 1024)) MB peak"

# Reading a long workbook: check streams an .xlsx sheet cell by cell.
target/release/examples/make_workbooks --big "$ROWS" "$WORK/big.xlsx"
read -r w_wall w_cpu w_mem < <(measure "$BIN" check "$WORK/big.xlsx")
echo "check on a $ROWS-row workbook ($(( $(stat -c %s "$WORK/big.xlsx") / 1024 )) kB .xlsx): $w_wall s wall, $w_cpu s CPU, $((w_mem / 1024)) MB peak"
