package io.herald.bench.scenario;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the servers Herald is compared with need installed, and how to install it. */
final class Peers {
  /** The one line that installs every peer of {@code bench/run compare}. */
  static final String INSTALL = "apt-get install -y nginx-light libnginx-mod-nchan nats-server";

  private Peers() {}

  /** Fails, naming the install line, when {@code file} is missing. */
  static void require(Path file) {
    if (!Files.isExecutable(file) && !Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing; install the peers: " + INSTALL);
    }
  }

  /** Whether every peer is installed. */
  static boolean installed() {
    return Files.exists(NchanServer.NGINX)
        && Files.exists(NchanServer.MODULE)
        && Files.exists(NatsServer.NATS);
  }
}
