#!/usr/bin/env bash
# The scheduled build with its history, as .github/workflows/reports.yml runs it, on any machine:
#
#   scripts/scheduled_run.sh SITE [build options...]      e.g. SITE=site --date 2026-12-08
#
# 1. restore: the published site SITE (in CI a checkout of the gh-pages branch; locally any
#    folder standing in for it) is copied into the reports folder, so the build finds the
#    earlier runs: it reuses their results and says what changed since the last one;
# 2. build:   python -m analysis build --out REPORTS --quiet [build options...];
# 3. publish: the reports folder is copied back into SITE: the front page (index.html) and every
#    dated run, without the build's lock and hash cache;
# then one line per report says whether it was reused or executed, and what changed.
#
# Environment: PYTHON (default: .venv/bin/python, else python3), REPORTS (default: reports).
# The exit status is the build's (0 all built, 1 a notebook failed: the run is still published,
# so its .failed.html can be read; 2 bad options; 3 another build holds the lock).
set -euo pipefail

usage="usage: scripts/scheduled_run.sh SITE [build options...]  (restore SITE, build, publish)"
if [ $# -lt 1 ]; then
  echo "$usage" >&2
  exit 2
fi
case "$1" in
  -h|--help) echo "$usage"; exit 0 ;;
  -*) echo "$usage: SITE comes first, not the option $1" >&2; exit 2 ;;
esac
site=$1
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x "$root/.venv/bin/python" ]; then python="$root/.venv/bin/python"; else python=python3; fi
fi
reports=${REPORTS:-$root/reports}
# Never copied either way: the site's git data, and what only one machine's build uses.
local_only=(--exclude=./.git --exclude=./.build.lock --exclude=./.build-cache)

# copy_into FROM TO: FROM's contents into TO (tar is on every system, rsync is not)
copy_into() { tar -C "$1" "${local_only[@]}" -cf - . | tar -C "$2" -xf -; }

mkdir -p "$site" "$reports"
echo "restore: $site -> $reports"
copy_into "$site" "$reports"

status=0
"$python" -m analysis build --out "$reports" --quiet "$@" || status=$?

if [ "$status" -le 1 ]; then
  echo "publish: $reports -> $site"
  # The site becomes the reports folder: a run deleted there leaves the site too. .nojekyll
  # makes GitHub Pages serve every file as it is.
  find "$site" -mindepth 1 -maxdepth 1 ! -name .git ! -name .nojekyll -exec rm -rf {} +
  copy_into "$reports" "$site"
  touch "$site/.nojekyll"
  "$python" "$root/scripts/run_summary.py" "$reports"
fi
exit "$status"
