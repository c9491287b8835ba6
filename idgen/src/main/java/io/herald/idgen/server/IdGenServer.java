package io.herald.idgen.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import io.herald.idgen.Mode;
import io.herald.idgen.db.Database;
import io.herald.idgen.lease.JdbcLeaseStore;
import io.herald.idgen.lease.LeaseConfig;
import io.herald.idgen.lease.LeaseStore;
import io.herald.idgen.lease.RedisLeaseStore;
import io.herald.idgen.segment.JdbcSegmentStore;
import io.herald.idgen.segment.SegmentIds;
import io.herald.idgen.segment.SegmentTagConfig;
import io.herald.idgen.service.IdService;
import io.herald.idgen.time.TimeIds;
import io.herald.idgen.time.TimeWaiter;
import io.herald.ops.armeria.ArmeriaTls;
import io.herald.ops.armeria.GrpcStatusHandler;
import io.herald.ops.armeria.OperatorServices;
import io.herald.ops.tls.GrpcTls;
import io.herald.redis.RedisLink;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IdGen service: gRPC {@code IdGen}, HTTP {@code /ids/{tag}} and {@code /ids/{tag}/explain},
 * {@code /health} (ready while every worker lease is held) and {@code /metrics} (Prometheus), on
 * one port (default 3121).
 *
 * <p>The constructor does no I/O. {@link #start()} opens the database (when a segment tag or
 * database leases need it), leases a worker id per time-based layout in use and waits past its
 * high-water mark, loads each segment tag's first segment, starts renewing leases and binds; {@link
 * #stop()} undoes it in reverse, freeing the worker ids. Both are idempotent.
 */
public final class IdGenServer {
  private static final Logger log = LoggerFactory.getLogger(IdGenServer.class);

  private final IdGenConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final TimeWaiter waiter;
  private Database database;
  private RedisLink<String, String> redis;
  private final Map<Mode, TimeIds> time = new EnumMap<>(Mode.class);
  private SegmentIds segments;
  private ScheduledExecutorService renewals;
  private Server server;
  private GrpcTls tls;
  private volatile boolean serving;

  public IdGenServer(IdGenConfig config, Clock clock, PrometheusMeterRegistry meters) {
    this(config, clock, meters, TimeWaiter.SPIN);
  }

  /** With a waiter of its own, for tests that move a manual clock. */
  public IdGenServer(
      IdGenConfig config, Clock clock, PrometheusMeterRegistry meters, TimeWaiter waiter) {
    this.config = config;
    this.clock = clock;
    this.meters = meters;
    this.waiter = waiter;
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      tls = GrpcTls.server("idgen", "grpc", "server.tls", config.server().tls(), meters);
      IdService ids = startGenerators();
      server = build(ids);
      server.start().join();
      serving = true;
      log.info("IdGen listening on {}:{}", config.server().host(), port());
    } catch (RuntimeException e) {
      stopAll();
      throw e;
    }
  }

  private IdService startGenerators() {
    Map<String, Mode> modes = new LinkedHashMap<>();
    Map<String, SegmentTagConfig> segmentTags = new LinkedHashMap<>();
    for (TagConfig tag : config.tags()) {
      modes.put(tag.name(), tag.mode());
      if (tag.mode() == Mode.SEGMENT) {
        segmentTags.put(tag.name(), tag.segment());
      }
    }
    boolean timeTags = modes.values().stream().anyMatch(mode -> mode != Mode.SEGMENT);
    boolean leasesInDatabase = LeaseConfig.DATABASE.equals(config.leases().store());
    if (!segmentTags.isEmpty() || (timeTags && leasesInDatabase)) {
      database = new Database(config.database());
      database.start();
    }
    if (timeTags) {
      LeaseStore store;
      if (leasesInDatabase) {
        store = new JdbcLeaseStore(database, clock);
      } else {
        redis = new RedisLink<>(config.leases().redis(), StringCodec.UTF8);
        redis.start();
        store = new RedisLeaseStore(redis);
      }
      String holder = holder();
      for (Mode mode : EnumSet.copyOf(modes.values())) {
        if (mode == Mode.SEGMENT) {
          continue;
        }
        TimeIds ids =
            new TimeIds(
                mode.layout(),
                config.layout(mode),
                store,
                config.leases(),
                holder,
                clock,
                waiter,
                meters);
        time.put(mode, ids);
        ids.start();
      }
      renewals =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "idgen-lease-renewal");
                t.setDaemon(true);
                return t;
              });
      long every = config.leases().renewEvery().toMillis();
      var unused =
          renewals.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }
    if (!segmentTags.isEmpty()) {
      segments =
          new SegmentIds(
              new JdbcSegmentStore(database), segmentTags, config.segments(), clock, meters);
      segments.start();
    }
    return IdService.of(modes, time, segments);
  }

  private void renewLeases() {
    for (TimeIds ids : time.values()) {
      try {
        ids.renew();
      } catch (RuntimeException e) {
        log.error("renewing the {} lease failed", ids.layout().name(), e);
      }
    }
  }

  /** Renews every worker lease now (tests; the timer does it every {@code renewEvery}). */
  public void renewLeasesNow() {
    renewLeases();
  }

  /** The generators of the time-based layouts in use (tests and benchmarks). */
  public synchronized Map<Mode, TimeIds> timeIds() {
    return Map.copyOf(time);
  }

  private Server build(IdService ids) {
    InetSocketAddress address =
        new InetSocketAddress(config.server().host(), config.server().port());
    ServerBuilder builder = Server.builder();
    if (tls.enabled()) {
      ArmeriaTls.requireClientCertificates(builder.https(address), tls);
    } else {
      builder.http(address);
    }
    return builder
        .service(
            GrpcService.builder()
                .addService(new IdGenGrpcService(ids))
                .exceptionHandler(new GrpcStatusHandler(IdGenGrpcService.STATUSES))
                .build())
        .route()
        .path("/ids/{tag}")
        .methods(HttpMethod.GET, HttpMethod.POST)
        .build(IdsHttpService.next(ids))
        .route()
        .path("/ids/{tag}/explain")
        .methods(HttpMethod.GET)
        .build(IdsHttpService.explain(ids))
        .service("/health", HealthCheckService.of(this::healthy))
        .service("/metrics", OperatorServices.metrics(meters))
        .build();
  }

  /** Serving, and every worker lease valid now. */
  public boolean healthy() {
    if (!serving) {
      return false;
    }
    for (TimeIds ids : time.values()) {
      if (!ids.leaseValid()) {
        return false;
      }
    }
    return true;
  }

  /** The bound port (useful when the configured one is 0 in tests). */
  public int port() {
    return server.activeLocalPort();
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    stopAll();
  }

  private void stopAll() {
    serving = false;
    if (server != null) {
      server.stop().join();
      server = null;
    }
    if (tls != null) {
      tls.close();
      tls = null;
    }
    if (renewals != null) {
      renewals.shutdownNow();
      renewals = null;
    }
    time.values().forEach(TimeIds::stop);
    time.clear();
    if (segments != null) {
      segments.stop();
      segments = null;
    }
    if (redis != null) {
      redis.stop();
      redis = null;
    }
    if (database != null) {
      database.stop();
      database = null;
    }
  }

  private static String holder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    String random = UUID.randomUUID().toString().substring(0, 8);
    String suffix = ":" + ProcessHandle.current().pid() + ":" + random;
    return host.substring(0, Math.min(host.length(), 100)) + suffix;
  }
}
