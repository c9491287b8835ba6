package io.herald.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The Kafka this test JVM uses, with an admin client for it: the cluster at {@code
 * KAFKA_BOOTSTRAP_SERVERS}, or a broker it started.
 */
final class KafkaInstance implements AutoCloseable {

  private static final String SCRATCH_PREFIX = "herald-kafka-";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration EXTERNAL_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Admin admin;
  private final KafkaBrokerProcess broker;
  private final ScratchDirectory directory;
  private final AutoCloseable container;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KafkaInstance(
      String bootstrapServers,
      Admin admin,
      KafkaBrokerProcess broker,
      ScratchDirectory directory,
      AutoCloseable container) {
    this.bootstrapServers = bootstrapServers;
    this.admin = admin;
    this.broker = broker;
    this.directory = directory;
    this.container = container;
  }

  static KafkaInstance connect(TestEnvironment env) throws StartupFailure {
    var servers = env.get(TestEnvironment.KAFKA_BOOTSTRAP_SERVERS);
    if (servers.isPresent()) {
      return external(servers.get());
    }
    return ContainerSwitch.containers(env) ? inContainer() : start();
  }

  private static KafkaInstance inContainer() throws StartupFailure {
    Containers.Started kafka = Containers.kafka();
    try {
      KafkaInstance reached = external(kafka.address());
      return new KafkaInstance(
          reached.bootstrapServers, reached.admin, null, null, kafka.container());
    } catch (StartupFailure e) {
      Containers.stop(kafka);
      throw e;
    }
  }

  private static KafkaInstance external(String servers) throws StartupFailure {
    String where = TestEnvironment.KAFKA_BOOTSTRAP_SERVERS + "=" + servers;
    // Not before: an admin client retries at once, logging a warning each time.
    Poller.await(
        "a server in " + where + " accepts connections",
        EXTERNAL_TIMEOUT,
        () -> TcpProbe.anyAccepts(servers));
    Admin admin = admin(servers);
    try {
      Poller.await(
          "the Kafka cluster at " + where + " describes itself",
          EXTERNAL_TIMEOUT,
          () -> hasNodes(admin));
    } catch (StartupFailure e) {
      admin.close(Duration.ZERO);
      throw e;
    }
    return new KafkaInstance(servers, admin, null, null, null);
  }

  private static KafkaInstance start() throws StartupFailure {
    return start(0);
  }

  /** A broker this JVM starts with clients on {@code port}; 0 picks a free one. */
  static KafkaInstance start(int port) throws StartupFailure {
    OrphanReaper.reap(SCRATCH_PREFIX);
    ScratchDirectory directory = ScratchDirectory.create(SCRATCH_PREFIX);
    KafkaBrokerProcess broker = null;
    Admin admin = null;
    try {
      broker =
          port == 0
              ? KafkaBrokerProcess.start(directory)
              : KafkaBrokerProcess.start(directory, port);
      directory.recordServer(broker.pid());
      // Not before: an admin client retries at once, logging a warning each time.
      broker.awaitListening(STARTUP_TIMEOUT);
      Admin client = admin(broker.bootstrapServers());
      admin = client;
      broker.awaitReady(
          "the Kafka broker on " + broker.bootstrapServers() + " describes its cluster",
          STARTUP_TIMEOUT,
          () -> hasNodes(client));
      return new KafkaInstance(broker.bootstrapServers(), admin, broker, directory, null);
    } catch (StartupFailure e) {
      if (admin != null) {
        admin.close(Duration.ZERO);
      }
      if (broker != null) {
        broker.stop();
      }
      directory.close();
      throw e;
    }
  }

  static Admin admin(String bootstrapServers) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "herald-testkit",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }

  static boolean hasNodes(Admin admin) throws Exception {
    return !admin
        .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
        .nodes()
        .get(6, TimeUnit.SECONDS)
        .isEmpty();
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  Admin admin() {
    return admin;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      admin.close(Duration.ofSeconds(5));
      if (broker != null) {
        broker.stop();
        directory.close();
      }
      if (container != null) {
        Containers.stop(container);
      }
    }
  }

  @Override
  public String toString() {
    if (container != null) {
      return bootstrapServers + " (container " + Containers.KAFKA_IMAGE + ")";
    }
    return broker == null
        ? bootstrapServers
        : bootstrapServers + " (Kafka broker JVM pid " + broker.pid() + ")";
  }
}
