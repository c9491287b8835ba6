package io.herald.dist;

import io.herald.config.Durations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a role starts, that the ports it listens on are free and that the servers its
 * config names accept connections, so that a role fails with a message naming the setting to fix —
 * not later, in a retry loop, with a client library's stack trace.
 *
 * <p>A server that does not answer yet is waited for, up to a bound ({@code --wait}, {@code
 * HERALD_WAIT}; 30 s by default), with a log line saying what is waited for and how long: roles
 * started together (Logic takes a few seconds to listen, and a Comet needs it) come up in any
 * order. A port in use or an address that is not {@code host:port} fails at once: waiting cannot
 * mend them.
 */
final class Preflight {
  private static final Logger log = LoggerFactory.getLogger(Preflight.class);

  /** How long one connection attempt may take. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  /** The pause between two rounds of attempts while waiting. */
  private static final Duration RETRY = Duration.ofMillis(250);

  /** The settings that bound the wait, for messages. */
  static final String WAIT_SETTING = "--wait or HERALD_WAIT";

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

  /**
   * A port a role listens on.
   *
   * @param setting the config key and environment variable of the port
   * @param host the address it binds
   * @param port the port
   */
  record Listener(String setting, String host, int port) {}

  /**
   * Fails at once when a listener's port is taken or its host is not an address of this machine.
   */
  static void checkListeners(String role, List<Listener> listeners) {
    List<String> problems = new ArrayList<>();
    for (Listener listener : listeners) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(listener.host(), listener.port()));
      } catch (IOException e) {
        problems.add(
            listener.setting()
                + ": cannot listen on "
                + listener.host()
                + ":"
                + listener.port()
                + " ("
                + reason(e)
                + "); stop what holds the port, or choose another");
      }
    }
    fail(role, problems);
  }

  /**
   * Returns once every endpoint accepts a TCP connection, waiting up to {@code wait}; fails naming
   * each one that does not.
   */
  static void await(String role, List<Endpoint> endpoints, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> invalid = new ArrayList<>();
    List<Endpoint> waiting = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      try {
        addresses(endpoint.address());
        waiting.add(endpoint);
      } catch (IllegalArgumentException e) {
        invalid.add(
            endpoint.what()
                + " at "
                + endpoint.address()
                + ": "
                + e.getMessage()
                + "; set "
                + endpoint.setting()
                + " to host:port");
      }
    }
    fail(role, invalid);
    List<Unreachable> unreachable = probe(waiting);
    if (unreachable.isEmpty()) {
      return;
    }
    if (wait.isZero()) {
      fail(role, messages(unreachable, ""));
    }
    long started = System.nanoTime();
    log.info(
        "herald {}: waiting up to {} for {} ({} sets how long)",
        role,
        Durations.format(wait),
        unreachable.stream().map(u -> describe(u.endpoint())).collect(Collectors.joining(", ")),
        WAIT_SETTING);
    while (!unreachable.isEmpty() && System.nanoTime() - deadline < 0) {
      pause(Math.min(RETRY.toNanos(), deadline - System.nanoTime()));
      unreachable = probe(unreachable.stream().map(Unreachable::endpoint).toList());
    }
    if (!unreachable.isEmpty()) {
      fail(
          role,
          messages(
              unreachable, " after waiting " + Durations.format(wait) + " (" + WAIT_SETTING + ")"));
    }
    log.info(
        "herald {}: {} answered after {}",
        role,
        waiting.size() == 1 ? describe(waiting.get(0)) : "every server it needs",
        String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - started) / 1e9));
  }

  private record Unreachable(Endpoint endpoint, String reason) {}

  private static List<Unreachable> probe(List<Endpoint> endpoints) {
    List<Unreachable> unreachable = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      String problem = probe(endpoint.address());
      if (problem != null) {
        unreachable.add(new Unreachable(endpoint, problem));
      }
    }
    return unreachable;
  }

  private static List<String> messages(List<Unreachable> unreachable, String waited) {
    return unreachable.stream()
        .map(
            u ->
                u.endpoint().what()
                    + " at "
                    + u.endpoint().address()
                    + " is unreachable ("
                    + u.reason()
                    + ")"
                    + waited
                    + "; start it, or point "
                    + u.endpoint().setting()
                    + " at one that runs")
        .toList();
  }

  private static String describe(Endpoint endpoint) {
    String key = endpoint.setting();
    int space = key.indexOf(' ');
    return endpoint.what()
        + " at "
        + endpoint.address()
        + " ("
        + (space < 0 ? key : key.substring(0, space))
        + ")";
  }

  private static void fail(String role, List<String> problems) {
    if (!problems.isEmpty()) {
      throw new LaunchException(
          "herald " + role + " cannot start:\n  - " + String.join("\n  - ", problems));
    }
  }

  private static void pause(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException("herald: interrupted while waiting for the servers it needs");
    }
  }

  /** Null when one of the addresses accepts a TCP connection; otherwise why not. */
  private static String probe(String address) {
    String last = "no address";
    for (InetSocketAddress target : addresses(address)) {
      try (Socket socket = new Socket()) {
        socket.connect(resolved(target), (int) PROBE_TIMEOUT.toMillis());
        return null;
      } catch (IOException e) {
        last = reason(e);
      }
    }
    return last;
  }

  /** Resolved now, not when the address was read: a name may appear while a role waits. */
  private static InetSocketAddress resolved(InetSocketAddress address) {
    return new InetSocketAddress(address.getHostString(), address.getPort());
  }

  private static String reason(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.net.UnknownHostException) {
      message = "unknown host " + message;
    }
    return message.toLowerCase(Locale.ROOT);
  }

  private static List<InetSocketAddress> addresses(String address) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String one : address.split(",", -1)) {
      addresses.add(socketAddress(one.strip()));
    }
    return addresses;
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
      return InetSocketAddress.createUnresolved(uri.getHost(), port);
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not host:port: " + address);
    }
    try {
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return InetSocketAddress.createUnresolved(host, Integer.parseInt(text.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
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
