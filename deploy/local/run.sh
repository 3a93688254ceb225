#!/usr/bin/env bash
# Runs the whole system on this machine without containers, end to end:
#   PostgreSQL (already running) + a single-node Kafka broker + the Gempix2 simulator + the service,
# then sends the sample requests in deploy/local/requests/, waits for one result per valid request,
# checks the dead-letter topic and downloads the generated images.
#
# Usage: deploy/local/run.sh [--no-build] [--keep-running]
#   --no-build      use target/quarkus-app and target/test-classes as they are (default: rebuild when src/main,
#                   the simulator's sources or pom.xml changed)
#   --keep-running  leave Kafka, the simulator and the service running; deploy/local/stop.sh stops them
#
# Exits 0 only if every sample got a result with its metadata.expectedStatus, the not-JSON sample was
# dead-lettered and every completed image could be downloaded.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# ---------------------------------------------------------------------------------------------------
# Settings. Fixed ports (the test suite chooses free ones, so it can run beside this).
# ---------------------------------------------------------------------------------------------------
readonly KAFKA_PORT=9092
readonly KAFKA_CONTROLLER_PORT=9093
readonly SIMULATOR_PORT=8090
readonly SERVICE_PORT=8080
readonly MANAGEMENT_PORT=9000
readonly OPERATOR_PORT=8081
readonly PORTS=("$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$SIMULATOR_PORT" "$SERVICE_PORT" "$MANAGEMENT_PORT"
    "$OPERATOR_PORT")
readonly KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
readonly KAFKA_CONTROLLER="127.0.0.1:$KAFKA_CONTROLLER_PORT"

readonly DATABASE=gempix2_local
readonly SIMULATOR_KEY=sim-key
# The simulator and the service must agree on the account's hourly limit. The service keeps its
# permits in PostgreSQL across runs while every run starts a fresh simulator, so the default of 100
# would throttle the service after some 25 runs in an hour; 500 is a real Gempix2 tier.
readonly RATE_LIMIT_PER_HOUR=500

readonly TOPIC_REQUESTS=gempix2-requests
readonly TOPIC_RESULTS=gempix2-results
readonly TOPIC_DLQ=gempix2-requests-dlq
readonly TOPIC_CANCELLATIONS=gempix2-cancellations
readonly TOPICS=("$TOPIC_REQUESTS" "$TOPIC_RESULTS" "$TOPIC_DLQ" "$TOPIC_CANCELLATIONS")
readonly TOPIC_PARTITIONS=3

readonly KAFKA_START_TIMEOUT=60
readonly SIMULATOR_START_TIMEOUT=30
readonly SERVICE_START_TIMEOUT=120
readonly RESULTS_TIMEOUT=120

readonly SIMULATOR_URL="http://127.0.0.1:$SIMULATOR_PORT"
readonly HEALTH_URL="http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready"
readonly METRICS_URL="http://127.0.0.1:$MANAGEMENT_PORT/q/metrics"

readonly QUARKUS_APP="$REPO_ROOT/target/quarkus-app"
readonly SERVICE_JAR="$QUARKUS_APP/quarkus-run.jar"
readonly KAFKA_LIB="$WORK_DIR/kafka-lib"
readonly KAFKA_DIR="$WORK_DIR/kafka"
readonly RUN_DIR="$WORK_DIR/run"
readonly IMAGES_DIR="$WORK_DIR/images"
readonly REQUESTS_DIR="$LOCAL_DIR/requests"
readonly TOOLS_LOG="$LOG_DIR/kafka-tools.log"

# A 64x36 PNG of a sunny meadow: the source image of the image_to_image sample.
readonly SOURCE_PNG_BASE64='iVBORw0KGgoAAAANSUhEUgAAAEAAAAAkCAMAAAAO0sygAAAADFBMVEWHzuv/1wBQqjz////Upt2MAAAAb0lEQVR4Xu2T2w5AMAxAW/z/H4tFtuotY1OJl54XUc6xDABJGLSDtR52PRVU49CnTPP7BRKosNEF4d5xPRBbYaGB8XsLcHBAMeyLgHTGfbeJT/D9bg9eMrsC9xqnA/ZDSpJPwOjPEPUzABk4+T9QAAC9DCY80jNkAAAAAElFTkSuQmCC'
readonly PNG_SIGNATURE=89504e470d0a1a0a

# Separates the fields of a result as this script keeps them (status, completedVia, imageUrl, error):
# \x1f rather than a tab, because read merges the runs of tabs that empty fields leave.
readonly SEP=$'\x1f'

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
BUILD=true
KEEP_RUNNING=false
# Set once everything is up and --keep-running was asked for; an interrupt clears it again.
LEAVE_RUNNING=false
CONSUMER_PIDS=()
# A Kafka command-line tool: a short-lived JVM tuned to start fast, its log (warnings only) on stderr.
# An array rather than a function, so that `"${KAFKA_TOOL[@]}" ... &` leaves the java pid in $!.
KAFKA_TOOL=("$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
    -Dlog4j2.configurationFile="$LOCAL_DIR/kafka/log4j2-tools.properties" -cp "$KAFKA_LIB/*")

RUN_ID=""
WEBHOOK_TOKEN=""
OPERATOR_TOKEN=""
SOURCE_IMAGE_URL=""
EXPECTED_IDS=()               # requestIds of the JSON samples, in file order
declare -A EXPECTED_STATUS=() # requestId -> metadata.expectedStatus
declare -A RESULT_LINE=()     # requestId -> its result's fields (see SEP) as first received
NOT_JSON_KEYS=()              # record keys of the samples that are not JSON and must be dead-lettered
DLQ_SEEN=false

# ---------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------
usage() {
    sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

parse_args() {
    local arg
    for arg in "$@"; do
        case "$arg" in
            --no-build) BUILD=false ;;
            --keep-running) KEEP_RUNNING=true ;;
            -h | --help)
                usage
                exit 0
                ;;
            *)
                usage >&2
                die "unknown option: $arg"
                ;;
        esac
    done
}

rel() { printf '%s\n' "${1#"$REPO_ROOT"/}"; }

# <text> made safe as the replacement of a sed s|...|...| command.
sed_replacement() { printf '%s' "$1" | sed -e 's/[&|\\]/\\&/g'; }

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# Starts <name>'s command in the background from <dir> and writes its pid file. setsid gives it a
# session of its own, away from the terminal: Ctrl-C reaches only this script, whose trap then stops
# the processes in order (a JVM would otherwise die of the SIGINT at once, Kafka before the service),
# and closing the terminal does not end what --keep-running left behind. setsid does not fork here
# (a background job of a script is no process group leader), so with exec $! is the java pid.
launch() {
    local name="$1" dir="$2"
    shift 2
    (cd "$dir" && exec setsid "$@" </dev/null >"$LOG_DIR/$name.log" 2>&1) &
    printf '%s\n' "$!" >"$PID_DIR/$name.pid"
}

# Polls "$@" every half second until it succeeds. Gives up, showing the end of <name>'s log, after
# <timeout> seconds or as soon as <name>'s process has exited.
wait_for() {
    local name="$1" timeout="$2" pid deadline
    shift 2
    pid="$(<"$PID_DIR/$name.pid")"
    deadline=$((SECONDS + timeout))
    until "$@"; do
        alive "$pid" || startup_failed "$name" "$name exited during startup"
        ((SECONDS < deadline)) || startup_failed "$name" "$name was not ready within ${timeout}s"
        sleep 0.5
    done
}

startup_failed() {
    local name="$1" message="$2"
    warn "$message; the end of $(rel "$LOG_DIR/$name.log"):"
    tail -n 40 "$LOG_DIR/$name.log" >&2 || true
    die "$message"
}

# ---------------------------------------------------------------------------------------------------
# 1. Prerequisites
# ---------------------------------------------------------------------------------------------------
check_prerequisites() {
    step "Checking prerequisites"
    local tool major
    for tool in "$JAVA" curl jq psql pg_isready setsid od base64; do
        command -v "$tool" >/dev/null || die "$tool is required but not on the PATH"
    done
    # "17.0.15" gives 17; the old "1.8.0" scheme gives 1, which is rightly too old.
    major="$("$JAVA" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')"
    if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
        die "Java 17 or newer is required, found: $("$JAVA" -version 2>&1 | head -n 1)"
    fi
    info "Java $major ($(command -v "$JAVA"))"
    ensure_postgres
    ensure_database
}

ensure_postgres() {
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        local version
        # The server of this machine kind is installed but may be down: start the Debian cluster.
        version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
        [[ -n "$version" ]] || die "PostgreSQL is not reachable at 127.0.0.1:5432 and no cluster is installed in /etc/postgresql"
        info "PostgreSQL is down: starting cluster $version/main"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "could not start PostgreSQL $version/main"
        local deadline=$((SECONDS + 30))
        until pg_isready -q -h 127.0.0.1 -p 5432; do
            ((SECONDS < deadline)) || die "PostgreSQL did not accept connections within 30s"
            sleep 0.5
        done
    fi
    info "PostgreSQL accepts connections at 127.0.0.1:5432"
}

# A database of its own, so that local runs never meet the test suite's `test` database. It is kept
# between runs: every run uses new requestIds, and the service's quota permits must survive.
ensure_database() {
    local exists
    exists="$(psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = '$DATABASE'")" ||
        die "cannot connect to PostgreSQL as user postgres (trust authentication is expected)"
    if [[ "$exists" == 1 ]]; then
        info "Database $DATABASE exists"
    else
        psql -h 127.0.0.1 -U postgres -d postgres -qc "create database $DATABASE" >/dev/null
        info "Created database $DATABASE"
    fi
}

stop_leftovers() {
    local name running=()
    for name in "${COMPONENTS[@]}"; do
        [[ -n "$(component_pid "$name")" ]] && running+=("$name")
    done
    if ((${#running[@]} > 0)); then
        step "Stopping what a previous run left running (${running[*]})"
        stop_all
    fi
    rm -f "$PID_DIR"/*.pid
    local port
    for port in "${PORTS[@]}"; do
        port_open "$port" && die "port $port on 127.0.0.1 is in use by a process this script did not start"
    done
    return 0
}

# ---------------------------------------------------------------------------------------------------
# 2. Build
# ---------------------------------------------------------------------------------------------------
build_service() {
    step "Building the service"
    # The simulator lives with the tests: package compiles them into target/test-classes (-DskipTests only skips running them).
    local simulator_main="$REPO_ROOT/target/test-classes/com/gempix2/orchestrator/simulator/SimulatorMain.class"
    if [[ "$BUILD" == false ]]; then
        [[ -f "$SERVICE_JAR" ]] || die "--no-build, but $(rel "$SERVICE_JAR") does not exist"
        [[ -f "$simulator_main" ]] || die "--no-build, but $(rel "$simulator_main") does not exist"
        info "Skipped (--no-build): using $(rel "$SERVICE_JAR")"
    elif [[ -f "$SERVICE_JAR" && -f "$simulator_main" && -z "$(find "$REPO_ROOT/src/main" \
        "$REPO_ROOT/src/test/java/com/gempix2/orchestrator/simulator" "$REPO_ROOT/pom.xml" -newer "$SERVICE_JAR" \
        -print -quit)" ]]; then
        info "Up to date: $(rel "$SERVICE_JAR") is newer than src/main, the simulator and pom.xml"
    else
        local started=$SECONDS
        (cd "$REPO_ROOT" && ./mvnw -B -q package -DskipTests) >"$LOG_DIR/build.log" 2>&1 || {
            tail -n 40 "$LOG_DIR/build.log" >&2
            die "the build failed (log: $(rel "$LOG_DIR/build.log"))"
        }
        info "Built $(rel "$SERVICE_JAR") in $((SECONDS - started))s"
    fi
    fetch_kafka_jars
}

# Copied once; the marker file tells a complete copy from one an interrupted run left half done.
fetch_kafka_jars() {
    local marker="$KAFKA_LIB/.complete"
    if [[ -f "$marker" && "$marker" -nt "$LOCAL_DIR/kafka/pom.xml" ]]; then
        info "Kafka jars already in $(rel "$KAFKA_LIB")"
        return
    fi
    rm -rf "$KAFKA_LIB"
    (cd "$REPO_ROOT" && ./mvnw -B -q -f deploy/local/kafka/pom.xml dependency:copy-dependencies \
        -DoutputDirectory="$KAFKA_LIB") >"$LOG_DIR/kafka-jars.log" 2>&1 || {
        tail -n 40 "$LOG_DIR/kafka-jars.log" >&2
        die "could not copy the Kafka jars (log: $(rel "$LOG_DIR/kafka-jars.log"))"
    }
    touch "$marker"
    info "Copied $(find "$KAFKA_LIB" -name '*.jar' | wc -l) Kafka jars into $(rel "$KAFKA_LIB")"
}

# ---------------------------------------------------------------------------------------------------
# 3. Kafka
# ---------------------------------------------------------------------------------------------------
# Every run starts with an empty broker, so that the topics hold only this run's records.
start_kafka() {
    step "Starting Kafka (KRaft, broker+controller on $KAFKA_BOOTSTRAP, controller $KAFKA_CONTROLLER)"
    rm -rf "$KAFKA_DIR"
    mkdir -p "$KAFKA_DIR"
    cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by deploy/local/run.sh: a single-node KRaft cluster for local runs.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_CONTROLLER
listeners=PLAINTEXT://$KAFKA_BOOTSTRAP,CONTROLLER://$KAFKA_CONTROLLER
advertised.listeners=PLAINTEXT://$KAFKA_BOOTSTRAP
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=$TOPIC_PARTITIONS
offsets.topic.replication.factor=1
offsets.topic.num.partitions=$TOPIC_PARTITIONS
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
    # A cluster id is 16 random bytes in URL-safe base64 without padding (what StorageTool random-uuid prints);
    # one starting with "-" would be read as an option, so another is drawn.
    local cluster_id="-"
    while [[ "$cluster_id" == -* ]]; do
        cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    "${KAFKA_TOOL[@]}" kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$KAFKA_DIR/server.properties" \
        >>"$TOOLS_LOG" 2>&1 || die "formatting the Kafka storage failed (log: $(rel "$TOOLS_LOG"))"

    launch kafka "$WORK_DIR" "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$LOCAL_DIR/kafka/log4j2-broker.properties" \
        -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DIR/server.properties"
    local started=$SECONDS
    wait_for kafka "$KAFKA_START_TIMEOUT" port_open "$KAFKA_PORT"
    info "Kafka is up (pid $(component_pid kafka), ready in $((SECONDS - started))s, log $(rel "$LOG_DIR/kafka.log"))"
    create_topics
}

# One TopicCommand per topic, in parallel: each is a JVM start of a second or two. They also prove
# that the broker answers metadata calls, not merely that its port is open.
create_topics() {
    local topic pid pids=()
    for topic in "${TOPICS[@]}"; do
        "${KAFKA_TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists \
            --topic "$topic" --partitions "$TOPIC_PARTITIONS" --replication-factor 1 >>"$TOOLS_LOG" 2>&1 &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || die "creating the topics failed (log: $(rel "$TOOLS_LOG"))"
    done
    info "Created topics ${TOPICS[*]} ($TOPIC_PARTITIONS partitions each)"
}

# ---------------------------------------------------------------------------------------------------
# 4. Simulator
# ---------------------------------------------------------------------------------------------------
simulator_ready() {
    curl -fs -o /dev/null --max-time 2 "$SIMULATOR_URL/sim/counters"
}

# Its own process, configured by GEMPIX2_SIMULATOR_* variables. The simulator lives with the tests (it
# is no part of the service's artifact): its classpath is target/test-classes and the application's
# libraries without lib/boot, whose JBoss LogManager would take over java.util.logging with no handler
# configured and swallow the simulator's warnings (failed webhooks, for one).
start_simulator() {
    step "Starting the Gempix2 simulator on $SIMULATOR_URL"
    WEBHOOK_TOKEN="local-$(random_hex 16)"
    # For tools that drive the running system (deploy/bench/webhook-flood.sh); readable by this user only.
    (umask 077 && printf '%s\n' "$WEBHOOK_TOKEN" >"$WORK_DIR/webhook-token")
    launch simulator "$WORK_DIR" env \
        GEMPIX2_SIMULATOR_HOST=127.0.0.1 \
        GEMPIX2_SIMULATOR_PORT="$SIMULATOR_PORT" \
        GEMPIX2_SIMULATOR_API_KEYS="$SIMULATOR_KEY" \
        GEMPIX2_SIMULATOR_WEBHOOK_URL="http://127.0.0.1:$SERVICE_PORT/webhooks/gempix2?token=$WEBHOOK_TOKEN" \
        GEMPIX2_SIMULATOR_PENDING_MILLIS=1000 \
        GEMPIX2_SIMULATOR_PROCESSING_MILLIS=3000 \
        GEMPIX2_SIMULATOR_RATE_LIMIT="$RATE_LIMIT_PER_HOUR" \
        GEMPIX2_SIMULATOR_WINDOW_SECONDS=3600 \
        "$JAVA" -Xmx256m -cp "$REPO_ROOT/target/test-classes:$QUARKUS_APP/lib/main/*" \
        com.gempix2.orchestrator.simulator.SimulatorMain
    local started=$SECONDS
    wait_for simulator "$SIMULATOR_START_TIMEOUT" simulator_ready
    info "Simulator is up (pid $(component_pid simulator), ready in $((SECONDS - started))s, key $SIMULATOR_KEY, webhooks to :$SERVICE_PORT)"
}

# ---------------------------------------------------------------------------------------------------
# 5. Service
# ---------------------------------------------------------------------------------------------------
service_ready() {
    curl -fsS --max-time 2 "$HEALTH_URL" 2>/dev/null | jq -e '.status == "UP"' >/dev/null
}

start_service() {
    step "Starting the service (public :$SERVICE_PORT, operator :$OPERATOR_PORT, management :$MANAGEMENT_PORT)"
    OPERATOR_TOKEN="local-operator-$(random_hex 16)"
    (umask 077 && printf '%s\n' "$OPERATOR_TOKEN" >"$WORK_DIR/operator-token")
    # Started from .work so that no stray .env or config/ in the working directory changes its settings.
    # The password is empty (trust authentication), which also overrides one exported in this shell.
    launch service "$WORK_DIR" env \
        GEMPIX2_BASE_URL="$SIMULATOR_URL/api" \
        GEMPIX2_API_KEY="$SIMULATOR_KEY" \
        GEMPIX2_WEBHOOK_TOKENS="$WEBHOOK_TOKEN" \
        GEMPIX2_OPERATOR_PORT="$OPERATOR_PORT" \
        GEMPIX2_OPERATOR_TOKENS="local:operator:$OPERATOR_TOKEN" \
        GEMPIX2_ALLOW_HTTP=true \
        GEMPIX2_SOURCE_ALLOW_PRIVATE=true \
        GEMPIX2_RATE_LIMIT_PER_HOUR="$RATE_LIMIT_PER_HOUR" \
        KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP" \
        QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DATABASE" \
        QUARKUS_DATASOURCE_USERNAME=postgres \
        QUARKUS_DATASOURCE_PASSWORD= \
        "$JAVA" -Xmx512m -jar "$SERVICE_JAR"
    local started=$SECONDS
    wait_for service "$SERVICE_START_TIMEOUT" service_ready
    info "Service is UP (pid $(component_pid service), ready in $((SECONDS - started))s, log $(rel "$LOG_DIR/service.log"))"
    # From here on the system is complete: --keep-running may leave it up even if a check below fails.
    LEAVE_RUNNING="$KEEP_RUNNING"
}

# ---------------------------------------------------------------------------------------------------
# 6. Requests
# ---------------------------------------------------------------------------------------------------
upload_source_image() {
    local png="$RUN_DIR/source-meadow.png" answer
    base64 -d <<<"$SOURCE_PNG_BASE64" >"$png"
    answer="$(curl -fsS --max-time 10 -H "Authorization: Bearer $SIMULATOR_KEY" \
        -F "file=@$png;type=image/png" "$SIMULATOR_URL/api/upload-image-image")" ||
        die "uploading the source image to the simulator failed"
    SOURCE_IMAGE_URL="$(jq -r 'select(.code == 0) | .data.imageUrl // empty' <<<"$answer")"
    [[ -n "$SOURCE_IMAGE_URL" ]] || die "the simulator refused the upload: $answer"
    info "Uploaded a source image: $SOURCE_IMAGE_URL"
}

# Consumers start before anything is sent and read from the beginning, so nothing can be missed.
start_consumers() {
    "${KAFKA_TOOL[@]}" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" \
        --topic "$TOPIC_RESULTS" --from-beginning >"$RUN_DIR/results.jsonl" 2>>"$TOOLS_LOG" &
    CONSUMER_PIDS+=("$!")
    # Header fields are separated by \x1f: a dead-letter reason may itself contain commas.
    "${KAFKA_TOOL[@]}" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" \
        --topic "$TOPIC_DLQ" --from-beginning --property print.headers=true --property print.key=true \
        --property headers.separator=$'\x1f' >"$RUN_DIR/dlq.txt" 2>>"$TOOLS_LOG" &
    CONSUMER_PIDS+=("$!")
}

stop_consumers() {
    local pid
    for pid in "${CONSUMER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CONSUMER_PIDS=()
}

# Turns every sample into one "key<TAB>value" line for the console producer: JSON samples compacted
# to one line and keyed by their requestId, anything else sent as it is, keyed by its file name.
prepare_requests() {
    local file base line request_id expected key run url
    run="$(sed_replacement "$RUN_ID")"
    url="$(sed_replacement "$SOURCE_IMAGE_URL")"
    : >"$RUN_DIR/requests.tsv"
    for file in "$REQUESTS_DIR"/*; do
        [[ -f "$file" ]] || continue
        base="$(basename "$file")"
        if [[ "$file" == *.json ]]; then
            line="$(sed -e "s|@RUN@|$run|g" -e "s|@SOURCE_IMAGE_URL@|$url|g" "$file" | jq -c .)" ||
                die "$base is not valid JSON"
            request_id="$(jq -r '.requestId' <<<"$line")"
            expected="$(jq -r '.metadata.expectedStatus // empty' <<<"$line")"
            [[ -n "$expected" ]] || die "$base has no metadata.expectedStatus"
            EXPECTED_IDS+=("$request_id")
            EXPECTED_STATUS[$request_id]="$expected"
            printf '%s\t%s\n' "$request_id" "$line" >>"$RUN_DIR/requests.tsv"
            info "$(printf '%-34s %-45s expect %s' "$base" "$request_id" "$expected")"
        else
            base="${base%.*}"
            key="local-${base#[0-9][0-9]-}-$RUN_ID"
            NOT_JSON_KEYS+=("$key")
            sed -e "s|@RUN@|$run|g" "$file" | while IFS= read -r line || [[ -n "$line" ]]; do
                printf '%s\t%s\n' "$key" "$line"
            done >>"$RUN_DIR/requests.tsv"
            info "$(printf '%-34s %-45s expect %s' "$(basename "$file")" "$key" "$TOPIC_DLQ")"
        fi
    done
    ((${#EXPECTED_IDS[@]} > 0)) || die "no JSON samples in $(rel "$REQUESTS_DIR")"
}

send_requests() {
    step "Sending the samples of $(rel "$REQUESTS_DIR") to $TOPIC_REQUESTS (run $RUN_ID)"
    upload_source_image
    prepare_requests
    start_consumers
    "${KAFKA_TOOL[@]}" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$KAFKA_BOOTSTRAP" --topic "$TOPIC_REQUESTS" \
        --property parse.key=true --property key.separator=$'\t' <"$RUN_DIR/requests.tsv" >>"$TOOLS_LOG" 2>&1 ||
        die "the console producer failed (log: $(rel "$TOOLS_LOG"))"
    info "Sent $(wc -l <"$RUN_DIR/requests.tsv") records"
}

# ---------------------------------------------------------------------------------------------------
# 7. Results and the dead-letter topic
# ---------------------------------------------------------------------------------------------------
# Prints each of this run's results once, as it first arrives (a republished duplicate is ignored).
collect_results() {
    local id rest
    # -R with fromjson? skips a line the consumer is still writing; it is read whole next time.
    while IFS="$SEP" read -r id rest; do
        [[ -n "$id" && -n "${EXPECTED_STATUS[$id]+set}" && -z "${RESULT_LINE[$id]+set}" ]] || continue
        RESULT_LINE[$id]="$rest"
        print_result "$id"
    done < <(jq -rR --arg sep "$SEP" 'fromjson? | objects
        | [.requestId, .status, (.completedVia // "-"), (.imageUrl // ""),
           (if .error then "\(.error.code): \(.error.message)" else "" end)]
        | map(tostring | gsub("[\n\r\u001f]"; " ")) | join($sep)' "$RUN_DIR/results.jsonl")
}

print_result() {
    local id="$1" status via url error verdict detail
    IFS="$SEP" read -r status via url error <<<"${RESULT_LINE[$id]}"
    verdict="ok"
    [[ "$status" == "${EXPECTED_STATUS[$id]}" ]] || verdict="UNEXPECTED (wanted ${EXPECTED_STATUS[$id]})"
    if [[ -n "$url" ]]; then detail="$url"; else detail="error $error"; fi
    info "$(printf '%-42s %-9s via %-7s %-4s %s' "$id" "$status" "$via" "$verdict" "$detail")"
}

# Shows this run's dead-lettered records with their headers, one header per line.
collect_dead_letters() {
    local headers key value header
    while IFS=$'\t' read -r headers key value; do
        [[ " ${NOT_JSON_KEYS[*]} " == *" $key "* ]] || continue
        [[ "$DLQ_SEEN" == false ]] || continue
        info "$TOPIC_DLQ: key $key, value: $value"
        while IFS= read -r header; do
            info "    header $header"
        done < <(tr '\037' '\n' <<<"$headers")
        [[ "$headers" == *dead-letter-reason:* ]] || die "the dead-lettered record has no dead-letter-reason header"
        DLQ_SEEN=true
    done <"$RUN_DIR/dlq.txt"
}

all_arrived() {
    ((${#RESULT_LINE[@]} == ${#EXPECTED_IDS[@]})) && [[ "$DLQ_SEEN" == true ]]
}

await_results() {
    step "Waiting for ${#EXPECTED_IDS[@]} results on $TOPIC_RESULTS and the dead letter on $TOPIC_DLQ (up to ${RESULTS_TIMEOUT}s)"
    local started=$SECONDS pid
    while true; do
        collect_results
        [[ "$DLQ_SEEN" == true ]] || collect_dead_letters
        all_arrived && break
        ((SECONDS - started < RESULTS_TIMEOUT)) || break
        for pid in "${CONSUMER_PIDS[@]}"; do
            alive "$pid" || die "a console consumer exited (log: $(rel "$TOOLS_LOG"))"
        done
        sleep 1
    done
    stop_consumers
    info "Waited $((SECONDS - started))s"
}

# ---------------------------------------------------------------------------------------------------
# 8. Images
# ---------------------------------------------------------------------------------------------------
download_images() {
    step "Downloading the completed images"
    rm -rf "$IMAGES_DIR"
    mkdir -p "$IMAGES_DIR"
    local id status via url error file signature failed=0
    for id in "${EXPECTED_IDS[@]}"; do
        [[ -n "${RESULT_LINE[$id]+set}" ]] || continue
        IFS="$SEP" read -r status via url error <<<"${RESULT_LINE[$id]}"
        [[ "$status" == completed && -n "$url" ]] || continue
        file="$IMAGES_DIR/$id.png"
        if ! curl -fsS --max-time 30 -o "$file" "$url"; then
            warn "could not download $url"
            failed=1
            continue
        fi
        signature="$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')"
        if [[ "$signature" != "$PNG_SIGNATURE" ]]; then
            warn "$url did not return a PNG"
            failed=1
            continue
        fi
        info "$(printf '%-48s %7d bytes' "$(basename "$file")" "$(wc -c <"$file")")"
    done
    info "Images are in $IMAGES_DIR"
    return "$failed"
}

# ---------------------------------------------------------------------------------------------------
# Verdict, and what happens on exit
# ---------------------------------------------------------------------------------------------------
verdict() {
    local id problems=0
    for id in "${EXPECTED_IDS[@]}"; do
        if [[ -z "${RESULT_LINE[$id]+set}" ]]; then
            warn "no result for $id within ${RESULTS_TIMEOUT}s"
            problems=$((problems + 1))
        elif [[ "${RESULT_LINE[$id]%%"$SEP"*}" != "${EXPECTED_STATUS[$id]}" ]]; then
            warn "$id ended ${RESULT_LINE[$id]%%"$SEP"*}, expected ${EXPECTED_STATUS[$id]}"
            problems=$((problems + 1))
        fi
    done
    if [[ "$DLQ_SEEN" == false ]]; then
        warn "the not-JSON sample did not reach $TOPIC_DLQ within ${RESULTS_TIMEOUT}s"
        problems=$((problems + 1))
    fi
    ((problems == 0))
}

# The operator API answers on its own port with the run's operator token, and not on the public port.
check_operator_api() {
    step "Operator API on :$OPERATOR_PORT"
    local answer
    if ! answer="$(curl -fsS --max-time 5 -H "Authorization: Bearer $OPERATOR_TOKEN" \
        "http://127.0.0.1:$OPERATOR_PORT/api/v1/upstream")"; then
        warn "the operator API did not answer with the run's token"
        return 1
    fi
    info "GET /api/v1/upstream: used $(jq -r .used <<<"$answer") of $(jq -r .effectiveLimit <<<"$answer") this window"
    if [[ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $OPERATOR_TOKEN" \
        "http://127.0.0.1:$SERVICE_PORT/api/v1/upstream")" != 404 ]]; then
        warn "the public port answered the operator API"
        return 1
    fi
    info "the public port answers it 404"
}

print_urls() {
    step "Left running (stop with: bash deploy/local/stop.sh)"
    info "Webhook:    http://127.0.0.1:$SERVICE_PORT/webhooks/gempix2?token=$WEBHOOK_TOKEN"
    info "Operator:   curl -H \"Authorization: Bearer \$(cat $(rel "$WORK_DIR")/operator-token)\" http://127.0.0.1:$OPERATOR_PORT/api/v1/upstream"
    info "Health:     $HEALTH_URL"
    info "Metrics:    $METRICS_URL"
    info "Simulator:  $SIMULATOR_URL/sim/counters (API $SIMULATOR_URL/api, key $SIMULATOR_KEY)"
    info "Kafka:      $KAFKA_BOOTSTRAP (topics ${TOPICS[*]})"
    info "Logs:       $(rel "$LOG_DIR")/{kafka,simulator,service}.log"
}

on_exit() {
    local status=$?
    trap - EXIT INT TERM
    stop_consumers
    if [[ "$LEAVE_RUNNING" == true ]]; then
        print_urls
    else
        step "Stopping everything"
        stop_all
        info "Logs are in $(rel "$LOG_DIR")"
    fi
    exit "$status"
}

main() {
    parse_args "$@"
    local started=$SECONDS
    RUN_ID="$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$PID_DIR" "$LOG_DIR"

    check_prerequisites
    stop_leftovers
    trap on_exit EXIT
    trap 'LEAVE_RUNNING=false; exit 130' INT
    trap 'LEAVE_RUNNING=false; exit 143' TERM
    # Logs and run files of the previous run go: what is in .work/logs is this run's.
    rm -rf "$RUN_DIR" "$LOG_DIR"
    mkdir -p "$RUN_DIR" "$LOG_DIR"

    build_service
    start_kafka
    start_simulator
    start_service
    send_requests
    await_results

    local failed=0
    download_images || failed=1
    check_operator_api || failed=1
    if verdict && ((failed == 0)); then
        step "PASSED: ${#EXPECTED_IDS[@]} results as expected and the dead letter seen, in $((SECONDS - started))s"
    else
        step "FAILED after $((SECONDS - started))s (logs: $(rel "$LOG_DIR"))"
        exit 1
    fi
}

main "$@"
