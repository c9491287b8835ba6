package io.herald.bench.scenario;

import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.cluster.RoleYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the benchmark runs each role, on top of the test kit's configs: as production does (the
 * tests' short timers off), Logic's sessions in Redis or in memory, the registry in Redis only with
 * the whole data path, and Comets made for many connections from one address.
 *
 * @param dir where the Comets' GC logs go
 * @param cometCpus the {@code taskset} command prefix that pins the Comets, or empty
 * @param redisUri the Redis of Logic's sessions (and of the registry with Kafka), or empty
 * @param kafka the bootstrap servers of the whole data path (Logic, Kafka, Job), or empty
 * @param topic the push topic with Kafka
 * @param im Logic's {@code im:} section (the IM layer, in YAML flow style), or empty for none
 */
record BenchRoles(
    Path dir, List<String> cometCpus, String redisUri, String kafka, String topic, String im) {

  BenchRoles(Path dir, List<String> cometCpus, String redisUri, String kafka, String topic) {
    this(dir, cometCpus, redisUri, kafka, topic, "");
  }

  /**
   * The registry every process shares: Redis in the whole-path mode, else in-process. Job's group
   * is the topic's own: a Job of an earlier run on the same broker, ended without leaving its
   * group, would hold the partitions until its session timed out.
   */
  Backends backends() {
    return new Backends(
        redisUri,
        "herald",
        kafka,
        topic,
        "bench-job-" + topic,
        new Backends.Registry("30s", "10s", "500ms"));
  }

  RoleOptions logic() {
    return RoleOptions.DEFAULTS.withJvm(List.of("-Xmx512m")).withYaml(this::logicYaml);
  }

  /** The Comet {@code name} with {@code heap}, and {@code jvmOptions} added to the bench's. */
  RoleOptions comet(String name, String heap, List<String> jvmOptions) {
    return RoleOptions.DEFAULTS
        .withCommandPrefix(cometCpus)
        .withJvm(cometJvm(name, heap, jvmOptions))
        .withYaml(this::cometYaml);
  }

  /** Job, consuming the push topic as the topic's own group (only with Kafka). */
  RoleOptions job() {
    return RoleOptions.DEFAULTS
        .withJvm(List.of("-Xmx512m"))
        .withYaml(
            yaml ->
                yaml.set(
                        "kafka",
                        "{bootstrapServers: '"
                            + kafka
                            + "', topic: "
                            + topic
                            + ", groupId: "
                            + backends().groupId()
                            + "}")
                    .remove("delivery"));
  }

  /**
   * Logic as production runs it (the tests' short timers off): sessions in Redis or in memory, the
   * registry in Redis only with the whole data path, the IM layer when given.
   */
  private RoleYaml logicYaml(RoleYaml yaml) {
    if (!im.isEmpty()) {
      yaml.set("im", im);
    }
    if (!redisUri.isEmpty()) {
      yaml.set("store", "{backend: redis, redis: {uri: '" + redisUri + "'}}");
    }
    if (kafka.isEmpty()) {
      return yaml.set("registry", "{backend: memory}");
    }
    return yaml.put("push", "api", "{requireToken: false, maxTargets: 1000}");
  }

  /**
   * A Comet for many connections from one address, patient with a Logic slow under a burst,
   * reporting online counts at the default interval.
   */
  private RoleYaml cometYaml(RoleYaml yaml) {
    if (kafka.isEmpty()) {
      yaml.set("registry", "{backend: memory}");
    }
    return yaml.remove("onlineReport")
        .set("node", yaml.get("node").replace("capacity: 10000", "capacity: 200000"))
        .set(
            "limits",
            "{connectionsPerIp: 100000, newConnectionsPerIpPerSecond: 100000,"
                + " newConnectionsPerIpBurst: 100000,"
                // a load client sends faster than a person: chat senders with their acks
                + " upstreamPerSecond: 100000, upstreamBurst: 100000}")
        // A cold Logic on a loaded machine may take seconds to authenticate a burst of clients:
        // the scenarios measure rates, so a slow AUTH waits rather than failing the run.
        .set("protocol", "{handshakeTimeout: 30s}")
        .set("logic", yaml.get("logic").replace("}", ", callTimeout: 30s}"));
  }

  /**
   * The launcher's JVM defaults (bin/jvm.options, found from the working directory up), as {@code
   * bin/herald} applies them.
   */
  static List<String> launcherDefaults() {
    Path from = Path.of("").toAbsolutePath();
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      Path file = dir.resolve("bin/jvm.options");
      if (Files.isRegularFile(file)) {
        try {
          return Files.readAllLines(file).stream()
              .map(line -> line.replaceAll("#.*", "").strip())
              .filter(line -> !line.isEmpty())
              .flatMap(line -> Arrays.stream(line.split("\\s+")))
              .toList();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("no bin/jvm.options in " + from + " or above");
  }

  private List<String> cometJvm(String name, String heap, List<String> jvmOptions) {
    List<String> options = new ArrayList<>();
    // As bin/herald: the launcher's collector and flags unless the options name a collector.
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      options.addAll(launcherDefaults());
    }
    options.addAll(jvmOptions);
    options.addAll(
        List.of(
            "-Xms" + heap,
            "-Xmx" + heap,
            // The whole heap resident from the start: RSS growth is then memory outside it.
            "-XX:+AlwaysPreTouch",
            "-XX:NativeMemoryTracking=summary",
            "-Xlog:gc:file=" + dir.resolve(name + "-gc.log") + ":uptime",
            // Every stop of the Java threads, GC or not, with its time to reach the safepoint:
            // what a client waits for, whichever collector runs.
            "-Xlog:safepoint:file=" + dir.resolve(name + "-safepoint.log") + ":uptime"));
    return options;
  }
}
