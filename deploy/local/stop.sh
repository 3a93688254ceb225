#!/usr/bin/env bash
# Stops what `deploy/local/run.sh --keep-running` left running (service, simulator, Kafka broker),
# by the pids it wrote to deploy/local/.work/pids. Safe to run when nothing is running.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

running=0
for name in "${COMPONENTS[@]}"; do
    [[ -n "$(component_pid "$name")" ]] && running=1
done
if ((running == 0)); then
    step "Nothing started by deploy/local/run.sh is running"
    rm -f "$PID_DIR"/*.pid 2>/dev/null || true
    exit 0
fi
step "Stopping the local system"
stop_all
step "Stopped (logs stay in ${LOG_DIR#"$REPO_ROOT"/})"
