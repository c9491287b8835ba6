package io.herald.dist;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks, before a role starts, that the servers its config names accept connections, so that a
 * role whose Redis, Kafka or database is down fails at once with a message naming the setting to
 * fix — not later, in a retry loop, with a client library's stack trace.
 */
final class Preflight {
  private Preflight() {}

  /**
   * A server a role needs.
   *
   * @param what what it is, e.g. "Redis (sessions)"
   * @param setting the config key and environment variable that set it
   * @param address {@code host:port}, a comma-separated list of them (any one reachable will do),
   *     or a URI ({@code redis://}, {@code jdbc:postgresql://}, ...)
   */
  record Endpoint(String what, String setting, String address) {}

  /** Fails when an endpoint has no reachable address within {@code timeout}. */
  static void check(String role, List<Endpoint> endpoints, Duration timeout) {
    List<String> problems = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      String problem = probe(endpoint.address(), timeout);
      if (problem != null) {
        problems.add(
            endpoint.what()
                + " at "
                + endpoint.address()
                + " is unreachable ("
                + problem
                + "); start it, or point "
                + endpoint.setting()
                + " at one that runs");
      }
    }
    if (!problems.isEmpty()) {
      throw new LaunchException(
          "herald " + role + " cannot start:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** Null when one of the addresses accepts a TCP connection; otherwise why not. */
  private static String probe(String address, Duration timeout) {
    String last = "no address";
    for (String one : address.split(",", -1)) {
      InetSocketAddress target;
      try {
        target = socketAddress(one.strip());
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
      try (Socket socket = new Socket()) {
        socket.connect(target, (int) timeout.toMillis());
        return null;
      } catch (IOException e) {
        last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
    }
    return last.toLowerCase(Locale.ROOT);
  }

  /** {@code host:port}, or the host and port of a URI (a JDBC URL's after {@code jdbc:}). */
  static InetSocketAddress socketAddress(String address) {
    String text = address.startsWith("jdbc:") ? address.substring("jdbc:".length()) : address;
    if (text.contains("://")) {
      URI uri = URI.create(text);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host in " + address);
      }
      int port = uri.getPort() > 0 ? uri.getPort() : defaultPort(uri.getScheme());
      return new InetSocketAddress(uri.getHost(), port);
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not host:port: " + address);
    }
    try {
      return new InetSocketAddress(
          text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not host:port: " + address, e);
    }
  }

  private static int defaultPort(String scheme) {
    return switch (scheme == null ? "" : scheme) {
      case "redis" -> 6379;
      case "rediss" -> 6380;
      case "postgresql" -> 5432;
      case "mysql" -> 3306;
      default -> throw new IllegalArgumentException("no port and no default port for " + scheme);
    };
  }
}
