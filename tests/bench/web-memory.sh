#!/usr/bin/env bash
# Memory of a big batch through the web app against the command line: N respondents
# (default 5,000) made into reports by `handreiking report`, and uploaded, made and
# downloaded as one zip through `handreiking serve`, through the pages a consultant
# goes through (Controleren, and Rapporten maken with its preview). Prints, for each,
# the main process's peak memory (VmHWM), the peak of main process and render processes
# together (their resident memory summed, sampled twice a second), the zip's size and
# whether it holds every report.
#
#   tests/bench/web-memory.sh [N]        BIN=path/to/handreiking (default: a release build)
#
# Needs curl and python3 (to list the zip). Only 127.0.0.1 is contacted.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
WORK=${BENCH_DIR:-target/bench-web}
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/handreiking; fi
rm -rf "$WORK"; mkdir -p "$WORK/tmp"
export SOURCE_DATE_EPOCH=1767225600

awk -v n="$N" 'BEGIN {
  srand(42);
  printf "naam,organisatie,datum,R1V1,R1V2,R1V3,R2V1,R2V2,R3V1,R3V2,R4V1,R4V2,R4V3,R5V1,R5V2\n";
  for (i = 1; i <= n; i++) {
    printf "Respondent %d,Organisatie %d,2026-03-%02d", i, (i % 37) + 1, (i % 28) + 1;
    for (q = 0; q < 12; q++) { r = rand(); printf ",%s", (r < 0.5 ? "A" : "B"); }
    printf "\n";
  }
}' >"$WORK/sheet.csv"

# Resident memory of a process and everything it started, in kB.
tree_kb() {
  local pid=$1 kb child
  kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  kb=${kb:-0}
  for child in $(pgrep -P "$pid" || true); do kb=$(( kb + $(tree_kb "$child") )); done
  echo "$kb"
}

# Watches `pid` until it ends or `until_file` exists: "main-peak-kB tree-peak-kB",
# the main process's VmHWM (it never goes down) and the highest tree sum seen.
watch_peaks() {
  local pid=$1 until_file=$2 main=0 tree=0 now
  while kill -0 "$pid" 2>/dev/null && [ ! -e "$until_file" ]; do
    now=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$now" ] && main=$now
    now=$(tree_kb "$pid")
    [ "$now" -gt "$tree" ] && tree=$now
    sleep 0.5
  done
  echo "$main $tree"
}

start=$(date +%s)
"$BIN" report "$WORK/sheet.csv" -o "$WORK/cli" >/dev/null 2>"$WORK/cli.log" &
read -r cli_kb cli_tree <<<"$(watch_peaks $! "$WORK/never")"
cli_s=$(( $(date +%s) - start ))
echo "command line: $N reports in ${cli_s} s; peak: main process $((cli_kb / 1024)) MB," \
  "with its render processes $((cli_tree / 1024)) MB"

TMPDIR="$WORK/tmp" XDG_DATA_HOME="$WORK/data" "$BIN" serve --port 0 2>"$WORK/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
watch_peaks $server "$WORK/web.done" >"$WORK/web.peaks" &
watcher=$!
for _ in $(seq 1 100); do grep -q "http://" "$WORK/serve.log" && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -1)
session=$(curl -s -o /dev/null -w '%{redirect_url}' "$base/")
start=$(date +%s)
curl -s -o /dev/null -F "antwoorden=@$WORK/sheet.csv" "${session}bestanden"
curl -s -o /dev/null "${session}controleren"
curl -s -o /dev/null "${session}rapporten"
curl -s -o /dev/null -X POST --data "" "${session}maken"
until curl -s "${session}voortgang" | grep -q "rapporten gemaakt"; do sleep 2; done
curl -s -o "$WORK/rapporten.zip" "${session}rapporten.zip"
web_s=$(( $(date +%s) - start ))
touch "$WORK/web.done"
wait $watcher
read -r web_kb web_tree <"$WORK/web.peaks"
entries=$(python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); z.testzip(); print(sum(n.endswith('.pdf') for n in z.namelist()))" "$WORK/rapporten.zip")
echo "web app: $N reports checked, previewed, made and downloaded in ${web_s} s; peak: server" \
  "$((web_kb / 1024)) MB, with its render processes $((web_tree / 1024)) MB;" \
  "zip $(( $(stat -c %s "$WORK/rapporten.zip") / 1048576 )) MB with $entries reports"
