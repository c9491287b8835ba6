package io.herald.job.server;

import com.linecorp.armeria.server.Server;
import io.herald.job.config.JobConfig;
import io.herald.job.config.KafkaConfig;
import io.herald.job.dispatch.Dispatcher;
import io.herald.job.kafka.ConsumerState;
import io.herald.job.kafka.InstanceId;
import io.herald.job.kafka.KafkaPushConsumer;
import io.herald.ops.Health;
import io.herald.ops.armeria.OperatorServices;
import io.herald.ops.tracing.Tracing;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job: the registry view, the {@link Dispatcher} that calls the Comets, the Kafka consumer that
 * feeds it, and {@code /health}, {@code /live} and {@code /metrics} on one HTTP port (default
 * {@value JobConfig#DEFAULT_PORT}).
 *
 * <p>{@link #start()} derives the consumer's instance id when none is configured ({@link
 * InstanceId}), starts the registry, the dispatcher and the HTTP server, and starts consuming once
 * the registry has loaded for the first time (before that, every unicast record would look
 * addressed to a Comet that is gone). {@link #stop()} stops consuming (waiting up to {@code
 * kafka.revokeTimeout} for the deliveries under way, then committing and leaving the group), then
 * the dispatcher, the registry and the HTTP server. Both are idempotent; the constructor does no
 * I/O.
 *
 * <p><b>Readiness</b>, {@code GET /health}: 200 while the consumer is a member of its group with
 * its assignment and reads it ({@link ConsumerState#CONSUMING}), including a Job that was assigned
 * no partition (a standby in a group with more Jobs than partitions); 503 while the registry loads,
 * while the consumer joins (or waits for a dead member's partitions), after it was fenced or
 * failed, and once it stops. <b>Liveness</b>, {@code GET /live}: 200 unless restarting the process
 * is what it needs ({@link KafkaPushConsumer#live()}). Both answer {@code {"status", "state",
 * "partitions", "instanceId"}} in JSON.
 */
public final class JobServer {
  private static final Logger log = LoggerFactory.getLogger(JobServer.class);

  private final JobConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final Tracing tracing;
  private Registry registry;
  private Dispatcher dispatcher;
  private KafkaPushConsumer consumer;
  private Server server;
  private volatile KafkaConfig kafka;
  private volatile boolean consumerStarted;
  private volatile boolean stopped;

  public JobServer(JobConfig config, Clock clock, PrometheusMeterRegistry meters) {
    this(config, clock, meters, Tracing.off());
  }

  /**
   * @param tracing continues each record's trace from its headers to the Comet calls ({@code
   *     docs/tracing.md})
   */
  public JobServer(JobConfig config, Clock clock, PrometheusMeterRegistry meters, Tracing tracing) {
    this.config = config;
    this.clock = clock;
    this.meters = meters;
    this.tracing = tracing;
    this.kafka = config.kafka();
  }

  public synchronized void start() {
    if (registry != null || stopped) {
      return;
    }
    try {
      kafka = withInstanceId(config.kafka());
      registry = Registries.create(config.registry(), clock, meters);
      registry.start();
      dispatcher =
          new Dispatcher(config.delivery(), config.batch(), registry, clock, meters, tracing);
      dispatcher.start();
      consumer = new KafkaPushConsumer(kafka, dispatcher::dispatch, clock, meters, tracing);
      server =
          Server.builder()
              .http(new InetSocketAddress(config.server().host(), config.server().port()))
              .service("/health", OperatorServices.health(() -> health(consuming())))
              .service("/live", OperatorServices.health(() -> health(live())))
              .service("/metrics", OperatorServices.metrics(meters))
              .build();
      server.start().join();
      var unused = registry.ready().thenRun(this::startConsuming);
      log.info(
          "Job listening on {}:{}; consuming {} once the registry has loaded",
          config.server().host(),
          port(),
          config.kafka().topic());
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /**
   * {@code kafka} with {@code <host name>-<server.port>} as its instance id if it names none; as it
   * is if the host name cannot be found (a dynamic member, which costs a restart more: logged).
   */
  private KafkaConfig withInstanceId(KafkaConfig kafka) {
    if (!kafka.instanceId().isEmpty()) {
      return kafka;
    }
    return InstanceId.ofThisHost(config.server().port())
        .map(kafka::withInstanceId)
        .orElseGet(
            () -> {
              log.warn(
                  "This host's name cannot be found: Job joins group {} as a dynamic member, and"
                      + " a Job started again after a crash waits kafka.sessionTimeout ({}) for"
                      + " its partitions. Set kafka.instanceId (JOB_KAFKA_INSTANCEID)",
                  kafka.groupId(),
                  kafka.sessionTimeout());
              return kafka;
            });
  }

  private synchronized void startConsuming() {
    if (stopped || consumer == null) {
      return;
    }
    consumer.start();
    consumerStarted = true;
  }

  /** {@code ok}, with the consumer's state, partitions and instance id. */
  private Health health(boolean ok) {
    KafkaPushConsumer current = consumer;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state());
    details.put("partitions", current == null ? 0 : current.partitions());
    details.put("instanceId", kafka.instanceId());
    return new Health(ok, details);
  }

  /**
   * {@code starting} (the registry has not loaded yet), {@code stopped}, or the consumer's {@link
   * ConsumerState}: {@code joining}, {@code consuming}, {@code fenced}, {@code failed}.
   */
  public String state() {
    if (stopped) {
      return ConsumerState.STOPPED.label();
    }
    return consumerStarted ? consumer.state().label() : "starting";
  }

  /** The bound HTTP port. */
  public int port() {
    return server == null ? config.server().port() : server.activeLocalPort();
  }

  /**
   * Ready ({@code /health}): a member of the group with its assignment, reading it (possibly no
   * partition).
   */
  public boolean consuming() {
    return !stopped && consumerStarted && consumer.state() == ConsumerState.CONSUMING;
  }

  /** Live ({@code /live}): false when restarting the process is what it needs. */
  public boolean live() {
    KafkaPushConsumer current = consumer;
    return current == null || current.live();
  }

  /** The consumer's {@code group.instance.id} (derived at start if none was configured). */
  public String instanceId() {
    return kafka.instanceId();
  }

  /** The delivery core, for tests and the standalone launcher. */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** Stops, waiting up to {@code kafka.revokeTimeout} for deliveries under way. */
  public void stop() {
    stop(config.kafka().revokeTimeout());
  }

  public synchronized void stop(Duration grace) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (consumer != null) {
      consumer.stop(grace);
    }
    if (dispatcher != null) {
      dispatcher.stop(Duration.ofSeconds(1));
    }
    if (registry != null) {
      registry.stop();
    }
    if (server != null) {
      server.stop().join();
    }
    log.info("Job stopped");
  }
}
