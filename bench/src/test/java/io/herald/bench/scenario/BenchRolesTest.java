package io.herald.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.cluster.RoleOptions;
import io.herald.testkit.cluster.RoleYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the bench changes in the test kit's role configs, and the Comets' JVM options. */
class BenchRolesTest {
  private static final Path DIR = Path.of("/tmp/bench-run");

  private static final BenchRoles ALONE = new BenchRoles(DIR, List.of(), "", "", "");
  private static final BenchRoles WHOLE_PATH =
      new BenchRoles(
          DIR, List.of("taskset", "-c", "0"), "redis://127.0.0.1:7000", "127.0.0.1:9092", "t1");

  private static RoleYaml logic(BenchRoles roles) {
    return roles.logic().yaml().apply(RoleConfigs.logic(roles.backends(), 1, 2));
  }

  private static RoleYaml comet(BenchRoles roles) {
    RoleOptions options = roles.comet("comet", "1g", List.of());
    return options
        .yaml()
        .apply(RoleConfigs.comet(roles.backends(), "c", new CometPorts(1, 2, 3, 4), 5));
  }

  @Test
  void withoutRedisAndKafkaEveryRoleKeepsSessionsAndTheRegistryInMemory() {
    assertThat(ALONE.backends().hasRedis()).isFalse();
    assertThat(logic(ALONE).get("store")).isEqualTo("{backend: memory}");
    assertThat(logic(ALONE).get("registry")).isEqualTo("{backend: memory}");
    assertThat(comet(ALONE).get("registry")).isEqualTo("{backend: memory}");
  }

  @Test
  void theWholePathKeepsSessionsAndTheRegistryInRedisAndJobConsumesAsTheTopicsGroup() {
    assertThat(logic(WHOLE_PATH).get("store"))
        .isEqualTo("{backend: redis, redis: {uri: 'redis://127.0.0.1:7000'}}");
    assertThat(logic(WHOLE_PATH).get("registry")).contains("backend: redis");
    assertThat(logic(WHOLE_PATH).get("push"))
        .contains("api: {requireToken: false, maxTargets: 1000}");
    assertThat(comet(WHOLE_PATH).get("registry")).contains("backend: redis");

    RoleYaml job = WHOLE_PATH.job().yaml().apply(RoleConfigs.job(WHOLE_PATH.backends(), 6));
    assertThat(job.get("kafka"))
        .isEqualTo("{bootstrapServers: '127.0.0.1:9092', topic: t1, groupId: bench-job-t1}");
    assertThat(job.get("delivery")).as("Job's own backoff").isNull();
  }

  @Test
  void aCometTakesManyConnectionsFromOneAddressAndWaitsForASlowLogic() {
    RoleYaml comet = comet(ALONE);
    assertThat(comet.get("node")).contains("capacity: 200000");
    assertThat(comet.get("limits")).contains("connectionsPerIp: 100000");
    assertThat(comet.get("protocol")).isEqualTo("{handshakeTimeout: 30s}");
    assertThat(comet.get("logic")).isEqualTo("{target: '127.0.0.1:5', callTimeout: 30s}");
    assertThat(comet.get("onlineReport")).as("the default interval").isNull();
  }

  @Test
  void aCometsHeapIsFixedAndPreTouchedWithTheLaunchersCollectorUnlessAnotherIsGiven() {
    List<String> launcher = BenchRoles.launcherDefaults();
    assertThat(launcher).filteredOn(o -> o.matches("-XX:\\+Use\\w*GC")).hasSize(1);
    RoleOptions comet = WHOLE_PATH.comet("comet-1", "2g", List.of("-Dx=y"));
    assertThat(comet.commandPrefix()).containsExactly("taskset", "-c", "0");
    List<String> expected = new ArrayList<>(launcher);
    expected.addAll(
        List.of(
            "-Dx=y",
            "-Xms2g",
            "-Xmx2g",
            "-XX:+AlwaysPreTouch",
            "-XX:NativeMemoryTracking=summary",
            "-Xlog:gc:file=" + DIR.resolve("comet-1-gc.log") + ":uptime",
            "-Xlog:safepoint:file=" + DIR.resolve("comet-1-safepoint.log") + ":uptime"));
    assertThat(comet.jvmOptions()).containsExactlyElementsOf(expected);
    assertThat(WHOLE_PATH.comet("comet", "1g", List.of("-XX:+UseZGC")).jvmOptions())
        .contains("-XX:+UseZGC")
        .doesNotContainAnyElementsOf(launcher);
  }
}
