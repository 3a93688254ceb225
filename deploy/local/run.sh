#!/usr/bin/env bash
# Runs the whole system on this machine without containers, end to end:
#   PostgreSQL (already running) + a single-node Kafka broker + the Gempix2 simulator + the service,
# then sends the sample requests in deploy/local/requests/, waits for one result per valid request,
# checks the dead-letter topic and downloads the generated images.
#
# Usage: deploy/local/run.sh [--no-build] [--keep-running]
#   --no-build      use target/ as it is (default: rebuild when src/ or pom.xml changed)
#   --keep-running  leave Kafka, the simulator and the service running; deploy/local/stop.sh stops them
#
# Exits 0 only if every sample got a result with its metadata.expectedStatus, the not-JSON sample was
# dead-lettered and every completed image could be downloaded.
#
# The run itself is Java (src/test/java/.../local/LocalRun.java), on the test classpath: the same broker
# (testing/KafkaBroker), simulator and service process as the tests. This script builds, makes sure
# PostgreSQL is up, stops what a previous --keep-running run left, and hands over.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CLASSPATH_FILE="$REPO_ROOT/target/local-run.classpath"
BUILD=true
RUN_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=false ;;
        --keep-running) RUN_ARGS+=(--keep-running) ;;
        -h | --help)
            sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *) die "unknown option: $arg (see --help)" ;;
    esac
done

step "Checking prerequisites"
for tool in "$JAVA" pg_isready setsid; do
    command -v "$tool" >/dev/null || die "$tool is required but not on the PATH"
done
# "17.0.15" gives 17; the old "1.8.0" scheme gives 1, which is rightly too old.
major="$("$JAVA" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')"
[[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)) || die "Java 17 or newer is required, found: $("$JAVA" -version 2>&1 | head -n 1)"
info "Java $major ($(command -v "$JAVA"))"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    # The server of this machine kind is installed but may be down: start the Debian cluster.
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$version" ]] || die "PostgreSQL is not reachable at 127.0.0.1:5432 and no cluster is installed in /etc/postgresql"
    info "PostgreSQL is down: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "could not start PostgreSQL $version/main"
    for _ in $(seq 1 60); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        sleep 0.5
    done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not accept connections within 30s"
fi
info "PostgreSQL accepts connections at 127.0.0.1:5432"

for name in "${COMPONENTS[@]}"; do
    if [[ -n "$(component_pid "$name")" ]]; then
        step "Stopping what a previous run left running"
        stop_all
        break
    fi
done

step "Building the service"
# The simulator and the run live with the tests: package compiles them into target/test-classes
# (-DskipTests only skips running them), and the test classpath is written beside them. The classpath
# file is touched after each build (Maven leaves an unchanged one alone): it marks the build's time.
JAR="$REPO_ROOT/target/quarkus-app/quarkus-run.jar"
if [[ "$BUILD" == false ]]; then
    [[ -f "$JAR" && -f "$CLASSPATH_FILE" ]] || die "--no-build, but target/ holds no build of the service and the local run"
    info "Skipped (--no-build)"
elif [[ -f "$JAR" && -f "$CLASSPATH_FILE" &&
    -z "$(find "$REPO_ROOT/src" "$REPO_ROOT/pom.xml" -newer "$CLASSPATH_FILE" -print -quit)" ]]; then
    info "Up to date: target/ is newer than src/ and pom.xml"
else
    mkdir -p "$REPO_ROOT/target"
    started=$SECONDS
    (cd "$REPO_ROOT" && ./mvnw -B -q package dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
        -Dmdep.outputFile="$CLASSPATH_FILE") >"$REPO_ROOT/target/local-build.log" 2>&1 || {
        tail -n 40 "$REPO_ROOT/target/local-build.log" >&2
        die "the build failed (log: target/local-build.log)"
    }
    touch "$CLASSPATH_FILE"
    info "Built in $((SECONDS - started))s"
fi

cd "$REPO_ROOT"
exec "$JAVA" -Xmx512m -cp "$REPO_ROOT/target/test-classes:$REPO_ROOT/target/classes:$(<"$CLASSPATH_FILE")" \
    com.gempix2.orchestrator.local.LocalRun "${RUN_ARGS[@]}"
