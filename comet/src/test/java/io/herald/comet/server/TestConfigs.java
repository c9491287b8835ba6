package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigLoader;
import io.herald.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Comet configs for tests: free ports on 127.0.0.1, short intervals, written as YAML. */
final class TestConfigs {
  private TestConfigs() {}

  /**
   * A Comet {@code serverId} on free TCP, WebSocket and gRPC ports, with {@code extra} YAML lines
   * (the registry, Logic's target, ...) appended.
   */
  static CometConfig comet(Path dir, String serverId, String... extra) {
    return comet(dir, serverId, List.of(), extra);
  }

  /** The same, with {@code listen} YAML lines (indented by two) added under {@code listen:}. */
  static CometConfig comet(Path dir, String serverId, List<String> listen, String... extra) {
    String yaml =
        String.join(
            "\n",
            "node: {serverId: " + serverId + ", region: cn-east, capacity: 1000}",
            "listen:",
            "  host: 127.0.0.1",
            "  tcpPort: " + FreePorts.next(),
            "  wsPort: " + FreePorts.next(),
            "  grpcPort: " + FreePorts.next(),
            String.join("\n", listen),
            "onlineReport: 100ms",
            String.join("\n", extra),
            "");
    Path file = dir.resolve(serverId + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ConfigLoader<>(CometConfig.class, CometConfig.defaults(), "COMET")
        .load(file, Map.of())
        .config();
  }
}
