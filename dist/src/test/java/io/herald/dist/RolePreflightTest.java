package io.herald.dist;

import static io.herald.dist.HeraldTest.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which backends each role's fail-fast preflight covers: every backend a role's config names is
 * set, through the environment variable the message tells the user to change, to a loopback port
 * nothing listens on; {@code herald <role>} then exits with 2 at once (a refused connection waits
 * for no timeout), starts nothing, and names each backend, its address and its setting.
 */
class RolePreflightTest {
  /** Longer than any run that fails fast; a role that started and hangs is cut off here. */
  private static final Duration CUT_OFF = Duration.ofSeconds(30);

  /** The environment that switches on each role's optional backends. */
  private static final Map<String, Map<String, String>> EVERY_OPTION =
      Map.of(
          "logic",
              Map.of(
                  "LOGIC_RECEIVE_SINK", "kafka",
                  "LOGIC_PUSH_MESSAGEIDS_SOURCE", "idgen",
                  "LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET", "127.0.0.1:3121"),
          "idgen",
              Map.of(
                  "IDGEN_DATABASE_URL", "jdbc:postgresql://127.0.0.1/herald",
                  "IDGEN_LEASES_STORE", "redis"));

  /** The backends {@code role}'s preflight checks when every optional one is switched on. */
  static List<Preflight.Endpoint> everyBackend(Role<?> role) {
    return endpoints(role, EVERY_OPTION.getOrDefault(role.name(), Map.of()));
  }

  private static <C> List<Preflight.Endpoint> endpoints(Role<C> role, Map<String, String> env) {
    return role.endpoints().apply(role.load(null, env));
  }

  @Test
  void logicNamesItsSessionAndRegistryRedisBothKafkasAndIdGen() throws Exception {
    int sessions = closedPort();
    int idgen = closedPort();
    int registry = closedPort();
    int pushes = closedPort();
    int upstream = closedPort();
    Map<String, String> env = new HashMap<>(EVERY_OPTION.get("logic"));
    env.put("LOGIC_STORE_REDIS_URI", "redis://127.0.0.1:" + sessions);
    env.put("LOGIC_REGISTRY_REDIS_URI", "redis://127.0.0.1:" + registry);
    env.put("LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + pushes);
    env.put("LOGIC_RECEIVE_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + upstream);
    env.put("LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET", "127.0.0.1:" + idgen);

    CommandRun run = failsFast(env, "logic");

    assertThat(run.err())
        .startsWith("herald logic cannot start:")
        .contains(
            unreachable(
                "Redis (sessions)",
                "redis://127.0.0.1:" + sessions,
                "store.redis.uri (LOGIC_STORE_REDIS_URI)"),
            unreachable(
                "Redis (registry)",
                "redis://127.0.0.1:" + registry,
                "registry.redis.uri (LOGIC_REGISTRY_REDIS_URI)"),
            unreachable(
                "Kafka (pushes)",
                "127.0.0.1:" + pushes,
                "push.kafka.bootstrapServers (LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS)"),
            unreachable(
                "Kafka (upstream messages)",
                "127.0.0.1:" + upstream,
                "receive.kafka.bootstrapServers (LOGIC_RECEIVE_KAFKA_BOOTSTRAPSERVERS)"),
            unreachable(
                "IdGen (message ids)",
                "127.0.0.1:" + idgen,
                "push.messageIds.idgen.target (LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET)"));
  }

  @Test
  void logicChecksNoRedisWhenSessionsAndRegistryAreInMemory() throws Exception {
    int pushes = closedPort();

    CommandRun run =
        failsFast(
            Map.of(
                "LOGIC_STORE_BACKEND", "memory",
                "LOGIC_REGISTRY_BACKEND", "memory",
                "LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + pushes),
            "logic");

    assertThat(run.err())
        .contains("Kafka (pushes) at 127.0.0.1:" + pushes + " is unreachable")
        .doesNotContain("Redis", "upstream");
  }

  @Test
  void cometNamesLogicAndTheRegistry() throws Exception {
    int logic = closedPort();
    int registry = closedPort();

    CommandRun run =
        failsFast(
            Map.of(
                "COMET_LOGIC_TARGET", "127.0.0.1:" + logic,
                "COMET_REGISTRY_REDIS_URI", "redis://127.0.0.1:" + registry),
            "comet");

    assertThat(run.err())
        .contains(
            unreachable("Logic (gRPC)", "127.0.0.1:" + logic, "logic.target (COMET_LOGIC_TARGET)"),
            unreachable(
                "Redis (registry)",
                "redis://127.0.0.1:" + registry,
                "registry.redis.uri (COMET_REGISTRY_REDIS_URI)"));
  }

  @Test
  void jobNamesKafkaAndTheRegistry() throws Exception {
    int kafka = closedPort();
    int registry = closedPort();

    CommandRun run =
        failsFast(
            Map.of(
                "JOB_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + kafka,
                "JOB_REGISTRY_REDIS_URI", "redis://127.0.0.1:" + registry),
            "job");

    assertThat(run.err())
        .contains(
            unreachable(
                "Kafka",
                "127.0.0.1:" + kafka,
                "kafka.bootstrapServers (JOB_KAFKA_BOOTSTRAPSERVERS)"),
            unreachable(
                "Redis (registry)",
                "redis://127.0.0.1:" + registry,
                "registry.redis.uri (JOB_REGISTRY_REDIS_URI)"));
  }

  @Test
  void balancerNamesTheRegistry() throws Exception {
    int registry = closedPort();

    CommandRun run =
        failsFast(
            Map.of("BALANCER_REGISTRY_REDIS_URI", "redis://127.0.0.1:" + registry), "balancer");

    assertThat(run.err())
        .contains(
            unreachable(
                "Redis (registry)",
                "redis://127.0.0.1:" + registry,
                "registry.redis.uri (BALANCER_REGISTRY_REDIS_URI)"));
  }

  @Test
  void idgenNamesItsDatabaseAndTheLeaseRedis() throws Exception {
    int database = closedPort();
    int leases = closedPort();

    CommandRun run =
        failsFast(
            Map.of(
                "IDGEN_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + database + "/herald",
                "IDGEN_LEASES_STORE", "redis",
                "IDGEN_LEASES_REDIS_URI", "redis://127.0.0.1:" + leases),
            "idgen");

    assertThat(run.err())
        .contains(
            unreachable(
                "the database",
                "jdbc:postgresql://127.0.0.1:" + database + "/herald",
                "database.url (IDGEN_DATABASE_URL)"),
            unreachable(
                "Redis (worker leases)",
                "redis://127.0.0.1:" + leases,
                "leases.redis.uri (IDGEN_LEASES_REDIS_URI)"));
  }

  /** Runs {@code herald <role>}: it must exit with 2, start nothing, and not wait out a timeout. */
  private static CommandRun failsFast(Map<String, String> env, String role) {
    CommandRun run = assertTimeoutPreemptively(CUT_OFF, () -> CommandRun.of(env, role));
    try {
      assertThat(run.started()).as("started despite its backends being down: %s", run).isEmpty();
      assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
      assertThat(run.took()).as("%s", run).isLessThan(Role.PREFLIGHT_TIMEOUT);
      assertThat(run.err()).doesNotContain("Exception", "\tat ");
      return run;
    } finally {
      run.stop();
    }
  }

  private static String unreachable(String what, String address, String setting) {
    return what
        + " at "
        + address
        + " is unreachable (connection refused); start it, or point "
        + setting
        + " at one that runs";
  }
}
