package io.herald.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** The Redis this test JVM uses: the one at {@code REDIS_URL}, or a redis-server it started. */
final class RedisInstance implements AutoCloseable {

  private static final String SCRATCH_PREFIX = "herald-redis-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration EXTERNAL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String host;
  private final int port;
  private final String uri;
  private final ChildProcess process;
  private final ScratchDirectory directory;
  private final AutoCloseable container;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisInstance(
      String host,
      int port,
      String uri,
      ChildProcess process,
      ScratchDirectory directory,
      AutoCloseable container) {
    this.host = host;
    this.port = port;
    this.uri = uri;
    this.process = process;
    this.directory = directory;
    this.container = container;
  }

  static RedisInstance connect(TestEnvironment env) throws StartupFailure {
    var url = env.get(TestEnvironment.REDIS_URL);
    if (url.isPresent()) {
      return external(url.get());
    }
    return ContainerSwitch.containers(env) ? inContainer() : start();
  }

  private static RedisInstance inContainer() throws StartupFailure {
    Containers.Started redis = Containers.redis();
    try {
      RedisInstance reached = external(redis.address());
      return new RedisInstance(
          reached.host, reached.port, reached.uri, null, null, redis.container());
    } catch (StartupFailure e) {
      Containers.stop(redis);
      throw e;
    }
  }

  private static RedisInstance external(String url) throws StartupFailure {
    URI parsed;
    try {
      parsed = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new StartupFailure(TestEnvironment.REDIS_URL + "=" + url + " is not a URI", e);
    }
    if (parsed.getHost() == null) {
      throw new StartupFailure(
          TestEnvironment.REDIS_URL + "=" + url + " has no host (expected: redis://host:port)");
    }
    String host = parsed.getHost();
    int port = parsed.getPort() < 0 ? 6379 : parsed.getPort();
    Poller.await(
        "Redis at " + TestEnvironment.REDIS_URL + "=" + url + " answers PING",
        EXTERNAL_TIMEOUT,
        () -> RespPing.answers(host, port));
    return new RedisInstance(host, port, url, null, null, null);
  }

  private static RedisInstance start() throws StartupFailure {
    return start(0);
  }

  /** A redis-server this JVM starts on 127.0.0.1:{@code port}; 0 picks a free one. */
  static RedisInstance start(int fixedPort) throws StartupFailure {
    OrphanReaper.reap(SCRATCH_PREFIX);
    ScratchDirectory directory = ScratchDirectory.create(SCRATCH_PREFIX);
    try {
      int port = fixedPort == 0 ? PortPicker.system().pick() : fixedPort;
      ChildProcess process = RedisProcess.launch(port, directory, STARTUP_TIMEOUT);
      return new RedisInstance(
          "127.0.0.1", port, "redis://127.0.0.1:" + port, process, directory, null);
    } catch (StartupFailure e) {
      directory.close();
      throw e;
    }
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  String uri() {
    return uri;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (process != null) {
      process.stop(STOP_GRACE);
      directory.close();
    }
    if (container != null) {
      Containers.stop(container);
    }
  }

  @Override
  public String toString() {
    if (container != null) {
      return uri + " (container " + Containers.REDIS_IMAGE + ")";
    }
    return process == null ? uri : uri + " (redis-server pid " + process.pid() + ")";
  }
}
