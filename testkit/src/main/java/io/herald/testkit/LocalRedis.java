package io.herald.testkit;

/**
 * A Redis for tests of documents that name a fixed address (the quickstart's 127.0.0.1:6379): a
 * {@code redis-server} started on that port, as {@link RealRedis} starts one, and stopped by {@link
 * #close()}.
 */
public final class LocalRedis implements AutoCloseable {
  private final RedisInstance instance;

  private LocalRedis(RedisInstance instance) {
    this.instance = instance;
  }

  /**
   * Starts {@code redis-server} (from the PATH) on 127.0.0.1:{@code port}; waits until it answers
   * PING.
   *
   * @throws IllegalStateException naming what failed (not installed, the port in use, ...)
   */
  public static LocalRedis startOn(int port) {
    try {
      return new LocalRedis(RedisInstance.start(port));
    } catch (StartupFailure e) {
      throw new IllegalStateException("Redis: " + e.getMessage(), e);
    }
  }

  /** For example {@code redis://127.0.0.1:6379}. */
  public String uri() {
    return instance.uri();
  }

  @Override
  public void close() {
    instance.close();
  }
}
