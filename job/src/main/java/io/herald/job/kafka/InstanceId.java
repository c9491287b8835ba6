package io.herald.job.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The {@code group.instance.id} a Job derives when none is configured: {@code <host name>-<port>}
 * with the HTTP port Job serves on. It is the same when the process restarts on its host (on
 * Kubernetes the host name is the pod's name, kept across container restarts) and differs between
 * two Jobs on one host, which cannot share a port.
 */
public final class InstanceId {
  /** Kafka allows 249 characters; the port and its dash take at most 6. */
  private static final int MAX_HOST = 243;

  private InstanceId() {}

  /**
   * {@code <host name>-<port>} for this host, or empty if the host name cannot be found (the caller
   * then joins without one, as a dynamic member).
   */
  public static Optional<String> ofThisHost(int port) {
    try {
      return Optional.of(of(InetAddress.getLocalHost().getHostName(), port));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code <host>-<port>}, with every character Kafka does not allow in an instance id (anything
   * but {@code A-Z a-z 0-9 . _ -}) replaced by {@code -}.
   */
  static String of(String host, int port) {
    String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
    if (clean.length() > MAX_HOST) {
      clean = clean.substring(0, MAX_HOST);
    }
    return clean + "-" + port;
  }
}
