#!/usr/bin/env bash
# IdGen benchmarks (docs/benchmarks.md § IdGen): JMH in process (Snowflake, Sonyflake, segments), then
# a gRPC load run of NextId and NextIds against an IdGen server in its own JVM (`herald idgen`, embedded
# H2 config).
#   bench/idgen.sh            # everything, about 4-5 minutes
#   bench/idgen.sh jmh        # JMH only
#   bench/idgen.sh grpc       # gRPC load only
#   bench/idgen.sh paced      # gRPC NextId paced at 20k/s and 50k/s only (latency)
# Builds the bench module (and what it needs) first unless BENCH_NO_BUILD=1. JMH_ARGS replaces the
# short default JMH settings; LOAD_SECONDS sets each gRPC run's measured time (default 10).
# The gRPC server runs pinned to IDGEN_SERVER_CPUS (default 0) with the launcher's JVM defaults
# (bin/jvm.options) plus IDGEN_SERVER_JAVA_OPTS, the load client to IDGEN_CLIENT_CPUS (default 1)
# with IDGEN_CLIENT_JAVA_OPTS; an empty CPU list leaves a side unpinned. Both sides' GC and
# safepoint logs are summarised after each run (longest stop of each JVM).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
what="${1:-all}"
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl bench -am install -DskipTests -Dspotless.check.skip=true >&2
fi
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/logback.xml" <<'XML'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
XML
java_opts=(-Xms512m -Xmx512m "-Dlogback.configurationFile=$work/logback.xml")
# The launcher's JVM defaults (the collector and its flags), as bin/herald applies them: unless the
# given options ($1) name a collector.
jvm_defaults() {
  if [[ ! " $1 " =~ \ -XX:\+Use[A-Za-z0-9]*GC\  ]]; then
    sed 's/#.*//' bin/jvm.options | tr -s ' \t' '\n\n' | grep -v '^$' || true
  fi
}
mapfile -t server_defaults < <(jvm_defaults "${IDGEN_SERVER_JAVA_OPTS:-}")
mapfile -t client_defaults < <(jvm_defaults "${IDGEN_CLIENT_JAVA_OPTS:-}")
pin() { if [[ -n "$1" ]]; then echo taskset -c "$1"; fi; }
# The longest stops of a JVM since line $2 of its safepoint log $1: count, p99.9 and max in ms.
stops() {
  tail -n +"$(($2 + 1))" "$1" | sed -n 's/.*Safepoint "\([^"]*\)".*Total: \([0-9]*\) ns.*/\2 \1/p' \
    | sort -n | awk '{ v[NR] = $1; n[NR] = $2 } END { if (NR == 0) { print "no stops"; exit }
        i = int(NR * 0.999); if (i < 1) i = 1;
        printf "%d stops, p99.9 %.2f ms, max %.2f ms (%s)\n", NR, v[i] / 1e6, v[NR] / 1e6, n[NR] }'
}

if [[ "$what" == all || "$what" == jmh ]]; then
  echo "== JMH (in process, 1 thread unless noted)"
  # shellcheck disable=SC2086
  java "${java_opts[@]}" -cp "$cp" org.openjdk.jmh.Main 'io\.herald\.bench\.idgen\..*Benchmark' \
    ${JMH_ARGS:--f 1 -wi 2 -w 2s -i 3 -r 3s -t 1 -tu s}
  echo "== JMH segments, 2 threads"
  # shellcheck disable=SC2086
  java "${java_opts[@]}" -cp "$cp" org.openjdk.jmh.Main 'io\.herald\.bench\.idgen\.SegmentBenchmark\.nextId$' \
    ${JMH_ARGS:--f 1 -wi 2 -w 2s -i 3 -r 3s -t 2 -tu s}
fi

if [[ "$what" == all || "$what" == grpc || "$what" == paced ]]; then
  port="${IDGEN_BENCH_PORT:-23121}"
  echo "== gRPC load: IdGen on 127.0.0.1:$port (H2 file in $work), client in another JVM"
  IDGEN_SERVER_HOST=127.0.0.1 IDGEN_SERVER_PORT="$port" \
    IDGEN_DATABASE_URL="jdbc:h2:file:$work/idgen;MODE=PostgreSQL" \
    $(pin "${IDGEN_SERVER_CPUS-0}") java "${server_defaults[@]}" ${IDGEN_SERVER_JAVA_OPTS:-} \
    "${java_opts[@]}" "-Xlog:safepoint:file=$work/server-safepoint.log" \
    "-Xlog:gc:file=$work/server-gc.log" -cp "$cp" io.herald.dist.Herald idgen > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1; then break; fi
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$port/health" > /dev/null || { cat "$work/server.log"; exit 1; }
  secs="${LOAD_SECONDS:-10}"
  run=0
  load() {
    run=$((run + 1))
    local from
    from="$(wc -l < "$work/server-safepoint.log")"
    # shellcheck disable=SC2086
    $(pin "${IDGEN_CLIENT_CPUS-1}") java "${client_defaults[@]}" ${IDGEN_CLIENT_JAVA_OPTS:-} \
      "${java_opts[@]}" "-Xlog:safepoint:file=$work/client-$run-safepoint.log" \
      -cp "$cp" io.herald.bench.idgen.IdGenLoad "127.0.0.1:$port" "$@"
    echo "   server: $(stops "$work/server-safepoint.log" "$from"); client: $(stops "$work/client-$run-safepoint.log" 0)"
  }
  if [[ "$what" != paced ]]; then
    load message 1 64 "$secs"          # NextId, Snowflake, as fast as it goes
    load order 1 64 "$secs"            # NextId, segment, as fast as it goes
  fi
  load message 1 256 "$secs" 20000     # NextId, Snowflake, paced at 20k/s: latency
  load message 1 256 "$secs" 50000     # NextId, Snowflake, paced at 50k/s: latency
  if [[ "$what" != paced ]]; then
    load order 10000 8 "$secs"         # NextIds of 10,000: ranges
    load message 10000 4 "$secs"       # NextIds of 10,000: Snowflake lists
  fi
  echo "== server /metrics (ids issued)"
  curl -fs "http://127.0.0.1:$port/metrics" | grep '^herald_idgen_ids_issued_total' || true
fi
