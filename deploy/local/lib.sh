# shellcheck shell=bash
# Shared by run.sh, stop.sh and deploy/bench (sourced, not run): paths, messages, and stopping a process by its
# pid file (LocalRun writes them).

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
WORK_DIR="$LOCAL_DIR/.work"
PID_DIR="$WORK_DIR/pids"
LOG_DIR="$WORK_DIR/logs"

# The processes run.sh starts, in the order they are stopped, and a word of each one's command line
# (checked before a pid is signalled, so that a pid reused by another process is never killed).
COMPONENTS=(service simulator kafka)
declare -A COMPONENT_MARKER=(
    [service]="quarkus-run.jar"
    [simulator]="com.gempix2.orchestrator.simulator.SimulatorMain"
    [kafka]="com.gempix2.orchestrator.testing.KafkaBroker"
)
STOP_TIMEOUT_SECONDS=30

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# True while the process lives (a zombie, exited but not yet reaped, counts as gone).
alive() {
    local state
    state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z* ]]
}

# The pid in <component>'s pid file if that process is alive and is that component, else nothing.
component_pid() {
    local name="$1" pidfile="$PID_DIR/$1.pid" pid
    [[ -f "$pidfile" ]] || return 0
    pid="$(<"$pidfile")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    alive "$pid" || return 0
    ps -o args= -p "$pid" 2>/dev/null | grep -qF -- "${COMPONENT_MARKER[$name]}" || return 0
    printf '%s\n' "$pid"
}

# SIGTERM (a clean shutdown), then SIGKILL after STOP_TIMEOUT_SECONDS; removes the pid file.
stop_component() {
    local name="$1" pid i
    pid="$(component_pid "$name")"
    if [[ -n "$pid" ]]; then
        info "Stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < STOP_TIMEOUT_SECONDS * 5; i++)); do
            alive "$pid" || break
            sleep 0.2
        done
        if alive "$pid"; then
            warn "$name (pid $pid) did not stop within ${STOP_TIMEOUT_SECONDS}s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$PID_DIR/$name.pid"
}

stop_all() {
    local name
    for name in "${COMPONENTS[@]}"; do
        stop_component "$name"
    done
}
