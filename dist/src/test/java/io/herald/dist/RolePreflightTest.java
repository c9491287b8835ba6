package io.herald.dist;

import static io.herald.dist.HeraldTest.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.herald.testkit.FreePorts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
                  "LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET", "127.0.0.1:3121",
                  "LOGIC_IM_ENABLED", "true",
                  "LOGIC_IM_DATABASE_URL", "jdbc:postgresql://127.0.0.1:3122/herald"),
          "idgen",
              Map.of(
                  "IDGEN_DATABASE_URL", "jdbc:postgresql://127.0.0.1/herald",
                  "IDGEN_LEASES_STORE", "redis"));

  /** The backends {@code role}'s preflight checks when every optional one is switched on. */
  static List<Preflight.Endpoint> everyBackend(Role<?> role) {
    return endpoints(role, EVERY_OPTION.getOrDefault(role.name(), Map.of()));
  }

  /** What Logic needs before it waits for servers (a JWT key, push API tokens), free ports. */
  private static Map<String, String> logicEnv() {
    Map<String, String> env = new HashMap<>(freePorts("logic"));
    env.put("LOGIC_AUTH_JWT_SECRET", "a-test-secret-of-at-least-32-bytes!");
    env.put("LOGIC_PUSH_API_TOKENS", "a-test-token");
    return env;
  }

  /**
   * Free ports for every listener of {@code role}: its ports are checked before its servers, and
   * the default ones may be taken on a machine that runs Herald.
   */
  static Map<String, String> freePorts(String role) {
    List<String> keys =
        switch (role) {
          case "logic" -> List.of("LOGIC_SERVER_HTTPPORT", "LOGIC_SERVER_GRPCPORT");
          case "comet" ->
              List.of(
                  "COMET_LISTEN_TCPPORT",
                  "COMET_LISTEN_WSPORT",
                  "COMET_LISTEN_GRPCPORT",
                  "COMET_LISTEN_ADMINPORT");
          default -> List.of(role.toUpperCase(Locale.ROOT) + "_SERVER_PORT");
        };
    Map<String, String> env = new HashMap<>();
    keys.forEach(key -> env.put(key, Integer.toString(FreePorts.next())));
    return env;
  }

  private static <C> List<Preflight.Endpoint> endpoints(Role<C> role, Map<String, String> env) {
    return role.endpoints().apply(role.load(null, env));
  }

  @Test
  void logicNamesItsSessionAndRegistryRedisBothKafkasIdGenAndTheImDatabase() throws Exception {
    int sessions = closedPort();
    int idgen = closedPort();
    int im = closedPort();
    int registry = closedPort();
    int pushes = closedPort();
    int upstream = closedPort();
    Map<String, String> env = logicEnv();
    env.putAll(EVERY_OPTION.get("logic"));
    env.put("LOGIC_STORE_REDIS_URI", "redis://127.0.0.1:" + sessions);
    env.put("LOGIC_REGISTRY_REDIS_URI", "redis://127.0.0.1:" + registry);
    env.put("LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + pushes);
    env.put("LOGIC_RECEIVE_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + upstream);
    env.put("LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET", "127.0.0.1:" + idgen);
    env.put("LOGIC_IM_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + im + "/herald");

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
                "push.messageIds.idgen.target (LOGIC_PUSH_MESSAGEIDS_IDGEN_TARGET)"),
            unreachable(
                "the IM database",
                "jdbc:postgresql://127.0.0.1:" + im + "/herald",
                "im.database.url (LOGIC_IM_DATABASE_URL)"));
  }

  @Test
  void logicChecksNoRedisWhenSessionsAndRegistryAreInMemory() throws Exception {
    int pushes = closedPort();

    Map<String, String> env = logicEnv();
    env.put("LOGIC_STORE_BACKEND", "memory");
    env.put("LOGIC_REGISTRY_BACKEND", "memory");
    env.put("LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + pushes);
    CommandRun run = failsFast(env, "logic");

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

  /**
   * By default a role waits for its servers (they may be starting beside it), and once the bound
   * passes it fails as fast as with {@code --wait 0s}, naming the setting that bounds the wait.
   */
  @Test
  void aRoleWaitsForItsServersUpToTheBoundThenNamesIt() throws Exception {
    int kafka = closedPort();
    Map<String, String> env = new HashMap<>(freePorts("job"));
    env.put("JOB_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + kafka);
    env.put("JOB_REGISTRY_BACKEND", "memory");
    env.put("HERALD_WAIT", "1s");

    CommandRun run = assertTimeoutPreemptively(CUT_OFF, () -> CommandRun.of(env, "job"));

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.started()).isEmpty();
    assertThat(run.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(run.err().strip())
        .isEqualTo(
            "herald job cannot start:\n  - "
                + "Kafka at 127.0.0.1:"
                + kafka
                + " is unreachable (connection refused) after waiting 1s (--wait or HERALD_WAIT);"
                + " start it, or point kafka.bootstrapServers (JOB_KAFKA_BOOTSTRAPSERVERS) at one"
                + " that runs");
    CommandRun option =
        assertTimeoutPreemptively(CUT_OFF, () -> CommandRun.of(env, "job", "--wait", "0s"));
    assertThat(option.err()).contains("is unreachable (connection refused); start it");
    assertThat(option.took()).isLessThan(Duration.ofSeconds(1));
  }

  /**
   * What no waiting can mend fails at once, before the wait: a JWT key or push tokens missing, a
   * key file that is not there, a TLS certificate that cannot be read.
   */
  @Test
  void aConfigThatCannotStartFailsBeforeTheWait() throws Exception {
    Map<String, String> noKey = new HashMap<>(freePorts("logic"));
    noKey.put("LOGIC_PUSH_API_TOKENS", "a-token");
    Map<String, String> noTokens = new HashMap<>(logicEnv());
    noTokens.remove("LOGIC_PUSH_API_TOKENS");
    Map<String, String> noPem = new HashMap<>(noKey);
    noPem.put("LOGIC_AUTH_JWT_PUBLICKEYPEM", "/nonexistent/jwt.pem");
    Map<String, String> noCertificate = new HashMap<>(freePorts("comet"));
    noCertificate.put("COMET_LISTEN_WSSPORT", Integer.toString(FreePorts.next()));
    noCertificate.put("COMET_LISTEN_TLS_CERTIFICATECHAIN", "/nonexistent/comet.crt");
    noCertificate.put("COMET_LISTEN_TLS_PRIVATEKEY", "/nonexistent/comet.key");

    assertThat(failsAtOnce(noKey, "logic"))
        .startsWith("config: auth.jwt: no key (expected: one of auth.jwt.secret,");
    assertThat(failsAtOnce(noTokens, "logic"))
        .isEqualTo(
            "config: push.api.tokens: [] (expected: at least one token (tokens or scopedTokens)"
                + " while requireToken is true)");
    assertThat(failsAtOnce(noPem, "logic"))
        .isEqualTo(
            "config: auth.jwt.publicKeyPem: /nonexistent/jwt.pem: cannot be read (no such file)");
    Map<String, String> noDriver = new HashMap<>(freePorts("idgen"));
    noDriver.put("IDGEN_DATABASE_URL", "jdbc:mysql://127.0.0.1:3306/herald");
    assertThat(failsAtOnce(noDriver, "idgen"))
        .startsWith(
            "config: database.url: jdbc:mysql://127.0.0.1:3306/herald (expected: a JDBC URL of"
                + " a driver the launcher has");
    assertThat(failsAtOnce(noCertificate, "comet"))
        .startsWith(
            "config: listen.tls: cannot load certificateChain /nonexistent/comet.crt and"
                + " privateKey /nonexistent/comet.key");
  }

  /** The one line {@code herald <role>} printed as it failed, without waiting, with status 2. */
  private static String failsAtOnce(Map<String, String> env, String role) {
    Map<String, String> waiting = new HashMap<>(env);
    waiting.put("HERALD_WAIT", "10m");
    CommandRun run = assertTimeoutPreemptively(CUT_OFF, () -> CommandRun.of(waiting, role));
    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.started()).isEmpty();
    assertThat(run.err()).doesNotContain("Exception", "\tat ", "unreachable");
    assertThat(run.err().strip()).doesNotContain("\n");
    return run.err().strip();
  }

  @Test
  void aWaitThatIsNotADurationIsNamed() {
    CommandRun option = CommandRun.of(Map.of(), "job", "--wait", "forever");
    CommandRun variable = CommandRun.of(Map.of("HERALD_WAIT", "-5s"), "job");

    assertThat(option.exitCode()).isEqualTo(2);
    assertThat(option.err().strip())
        .isEqualTo(
            "herald job cannot start: --wait forever (expected: a duration such as 30s or 2m; 0s"
                + " fails at once)");
    assertThat(variable.exitCode()).isEqualTo(2);
    assertThat(variable.err()).contains("HERALD_WAIT -5s (expected: a duration");
  }

  /**
   * Runs {@code herald <role> --wait 0s}: it must exit with 2, start nothing, and not wait out a
   * timeout.
   */
  /**
   * A Sentinel uri names its Sentinels and the master's name, a cluster's its seed nodes: the
   * preflight probes those (any one will do). A uri with two Sentinels used to make the launcher
   * fail on {@code host:port#master} as an address.
   */
  @Test
  void aSentinelOrClusterRedisIsProbedAtItsSentinelsOrSeedNodes() throws Exception {
    int sentinelA = closedPort();
    int sentinelB = closedPort();
    int seedA = closedPort();
    int seedB = closedPort();
    Map<String, String> env = logicEnv();
    env.put(
        "LOGIC_STORE_REDIS_URI",
        "redis-sentinel://127.0.0.1:" + sentinelA + ",127.0.0.1:" + sentinelB + "#main");
    env.put("LOGIC_REGISTRY_REDIS_MODE", "cluster");
    env.put("LOGIC_REGISTRY_REDIS_URI", "redis://127.0.0.1:" + seedA + ",127.0.0.1:" + seedB);
    env.put("LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + closedPort());

    CommandRun run = failsFast(env, "logic");

    assertThat(run.err())
        .contains(
            unreachable(
                "Redis (sessions)",
                "127.0.0.1:" + sentinelA + ",127.0.0.1:" + sentinelB,
                "store.redis.uri (LOGIC_STORE_REDIS_URI)"),
            unreachable(
                "Redis (registry)",
                "127.0.0.1:" + seedA + ",127.0.0.1:" + seedB,
                "registry.redis.uri (LOGIC_REGISTRY_REDIS_URI)"));
  }

  private static CommandRun failsFast(Map<String, String> given, String role) {
    Map<String, String> env = new HashMap<>(freePorts(role));
    env.putAll(given);
    CommandRun run =
        assertTimeoutPreemptively(CUT_OFF, () -> CommandRun.of(env, role, "--wait", "0s"));
    try {
      assertThat(run.started()).as("started despite its backends being down: %s", run).isEmpty();
      assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
      assertThat(run.took()).as("%s", run).isLessThan(Preflight.PROBE_TIMEOUT);
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
