package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.cluster.RoleYaml;
import java.util.function.UnaryOperator;

/**
 * Comet configs for the tests that start a Comet in their JVM: the roles' test config ({@link
 * RoleConfigs#comet}) on free ports, reporting online counts every 100 ms, registering in memory
 * unless told otherwise.
 */
final class TestConfigs {
  private TestConfigs() {}

  /** A Comet {@code serverId} with {@code change} applied to its config. */
  static CometConfig comet(String serverId, UnaryOperator<RoleYaml> change) {
    return comet(Backends.inMemory(), serverId, 1, change);
  }

  /** A Comet {@code serverId} calling the Logic at {@code logicGrpcPort}, on {@code backends}. */
  static CometConfig comet(
      Backends backends, String serverId, int logicGrpcPort, UnaryOperator<RoleYaml> change) {
    RoleYaml yaml =
        RoleConfigs.comet(backends, serverId, CometPorts.free(), logicGrpcPort)
            .set("onlineReport", "100ms");
    return change.apply(yaml).load(CometConfig.class, CometConfig.defaults(), "COMET");
  }
}
