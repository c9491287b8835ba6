package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.balancer.server.BalancerConfig;
import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigLoader;
import io.herald.idgen.server.IdGenConfig;
import io.herald.logic.server.LogicConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed standalone configs are the settings {@code herald standalone} made before it built them
 * from environment strings, and the user's environment still overrides them.
 */
class StandaloneConfigsTest {
  /** A role's defaults under {@code settings} given as environment variables, as they once were. */
  private static <C> C fromStrings(Role<C> role, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    settings.forEach((key, value) -> env.put(role.envPrefix() + "_" + key, value));
    return new ConfigLoader<>(role.type(), role.defaults(), role.envPrefix())
        .load(null, env)
        .config();
  }

  @Test
  void logicIsOnLoopbackWithTrustMemoryNoTokenChatAndTheConsole() {
    String token = StandaloneConfigs.newAdminToken();
    LogicConfig expected =
        fromStrings(
            Roles.LOGIC,
            Map.of(
                "SERVER_HOST", "127.0.0.1",
                "AUTH_MODE", "trust",
                "AUTH_ALLOWTRUST", "true",
                "STORE_BACKEND", "memory",
                "PUSH_API_REQUIRETOKEN", "false",
                "RECEIVE_SINK", "log",
                "REGISTRY_BACKEND", "memory",
                "IM_ENABLED", "true",
                "ADMIN_TOKENS", token,
                "ADMIN_COMETTOKEN", token));

    assertThat(StandaloneConfigs.logic(token)).isEqualTo(expected);
  }

  @Test
  void eachStartMakesAnAdminTokenOfItsOwn() {
    String first = StandaloneConfigs.newAdminToken();
    String second = StandaloneConfigs.newAdminToken();

    assertThat(first).matches("[A-Za-z0-9_-]{32}").isNotEqualTo(second);
  }

  @Test
  void cometIsOnLoopbackCallingTheStandaloneLogicItsDrainBehindTheConsolesToken() {
    String token = StandaloneConfigs.newAdminToken();
    CometConfig expected =
        fromStrings(
            Roles.COMET,
            Map.of(
                "NODE_SERVERID", "standalone",
                "LISTEN_HOST", "127.0.0.1",
                "LOGIC_TARGET", "127.0.0.1:4119",
                "REGISTRY_BACKEND", "memory",
                "ADMIN_TOKENS", token));

    assertThat(StandaloneConfigs.comet(4119, token)).isEqualTo(expected);
  }

  @Test
  void balancerAndIdGenAreOnLoopback() {
    BalancerConfig balancer =
        fromStrings(
            Roles.BALANCER, Map.of("SERVER_HOST", "127.0.0.1", "REGISTRY_BACKEND", "memory"));
    IdGenConfig idgen = fromStrings(Roles.IDGEN, Map.of("SERVER_HOST", "127.0.0.1"));

    assertThat(StandaloneConfigs.balancer()).isEqualTo(balancer);
    assertThat(StandaloneConfigs.idgen()).isEqualTo(idgen);
  }

  @Test
  void theUsersEnvironmentOverridesTheStandaloneSettings() {
    CometConfig comet =
        Roles.COMET
            .withDefaults(StandaloneConfigs.comet(3119, StandaloneConfigs.newAdminToken()))
            .load(
                null,
                Map.of(
                    "COMET_NODE_SERVERID", "mine",
                    "COMET_LISTEN_TCPPORT", "4101",
                    "LOGIC_SERVER_HOST", "127.0.0.2"));

    assertThat(comet.node().serverId()).isEqualTo("mine");
    assertThat(comet.listen().tcpPort()).isEqualTo(4101);
    assertThat(comet.listen().host()).isEqualTo("127.0.0.1");
    assertThat(comet.logic().target()).isEqualTo("127.0.0.1:3119");
  }
}
