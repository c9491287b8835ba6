package io.herald.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Whether something accepts TCP connections at an address. */
final class TcpProbe {

  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

  private TcpProbe() {}

  static boolean accepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether any of {@code host:port,host:port} (Kafka's bootstrap.servers) accepts. */
  static boolean anyAccepts(String hostPorts) {
    for (String hostPort : split(hostPorts)) {
      int colon = hostPort.lastIndexOf(':');
      if (colon > 0) {
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
          if (accepts(host, Integer.parseInt(hostPort.substring(colon + 1)))) {
            return true;
          }
        } catch (NumberFormatException e) {
          // not an address; Kafka's admin client will say so
        }
      }
    }
    return false;
  }

  private static List<String> split(String hostPorts) {
    List<String> parts = new ArrayList<>();
    for (String part : hostPorts.split(",", -1)) {
      if (!part.isBlank()) {
        parts.add(part.strip());
      }
    }
    return parts;
  }
}
