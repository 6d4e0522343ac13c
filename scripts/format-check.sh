#!/usr/bin/env bash
# Fails if a tracked or new C file is not formatted with .clang-format.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v clang-format >/dev/null || { echo "format-check: clang-format missing, skipped" >&2; exit 0; }
bad=0
while IFS= read -r f; do
	[ -f "$f" ] || continue
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || { echo "not formatted: $f" >&2; bad=1; }
done < <({ git ls-files '*.c' '*.h'; git ls-files --others --exclude-standard '*.c' '*.h'; } | sort -u)
[ $bad -eq 0 ] || { echo "format-check: run clang-format -i on the files above" >&2; exit 1; }
