package io.herald.testkit;

/**
 * A real Redis as one test sees it: where it is, and the prefix the test's keys should start with
 * so tests sharing the server do not see each other's data.
 */
public final class RedisServer {

  private final String host;
  private final int port;
  private final String uri;
  private final String keyPrefix;

  RedisServer(String host, int port, String uri, String keyPrefix) {
    this.host = host;
    this.port = port;
    this.uri = uri;
    this.keyPrefix = keyPrefix;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** For example {@code redis://127.0.0.1:23456}, as Lettuce's {@code RedisClient.create} takes. */
  public String uri() {
    return uri;
  }

  /** Unique to this test (or class), for example {@code "test:k3x9a-7-setandget:"}. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** {@code name} under this test's {@link #keyPrefix()}. */
  public String key(String name) {
    return keyPrefix + name;
  }

  @Override
  public String toString() {
    return "RedisServer{" + uri + ", keyPrefix=" + keyPrefix + "}";
  }
}
