package io.herald.dist;

import static io.herald.dist.HeraldTest.closedPort;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --skip-server-check}: a role whose config names a server nobody runs yet starts anyway —
 * what the load generator does with a Logic that takes no pushes and so needs no Kafka.
 */
class SkipServerCheckTest {
  /** A Logic in memory whose Kafka is a port nothing listens on. */
  private static Map<String, String> logicWithoutKafka() throws Exception {
    Map<String, String> env = new HashMap<>(RolePreflightTest.freePorts("logic"));
    env.put("LOGIC_AUTH_JWT_SECRET", "a-test-secret-of-at-least-32-bytes!");
    env.put("LOGIC_PUSH_API_TOKENS", "a-test-token");
    env.put("LOGIC_STORE_BACKEND", "memory");
    env.put("LOGIC_REGISTRY_BACKEND", "memory");
    env.put("LOGIC_SERVER_HOST", "127.0.0.1");
    env.put("LOGIC_PUSH_KAFKA_BOOTSTRAPSERVERS", "127.0.0.1:" + closedPort());
    return env;
  }

  @Test
  void withoutItAnUnreachableServerStopsTheStart() throws Exception {
    CommandRun run = CommandRun.of(logicWithoutKafka(), "logic", "--wait", "0s");
    try {
      assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
      assertThat(run.err()).contains("Kafka (pushes)");
    } finally {
      run.stop();
    }
  }

  @Test
  void theRoleStartsWithoutCheckingItsServers() throws Exception {
    CommandRun run =
        CommandRun.of(logicWithoutKafka(), "logic", "--wait", "0s", "--skip-server-check");
    try {
      assertThat(run.exitCode()).as("%s", run).isZero();
      assertThat(run.started()).as("%s", run).hasSize(1);
    } finally {
      run.stop();
    }
  }
}
