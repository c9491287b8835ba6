package io.herald.logic.api;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.herald.logic.ids.SnowflakeMessageIds;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.kafka.KafkaProducerConfig;
import io.herald.logic.online.OnlineView;
import io.herald.logic.overload.Admission;
import io.herald.logic.push.PushConfig;
import io.herald.logic.push.PushService;
import io.herald.logic.queue.KafkaPushQueue;
import io.herald.logic.session.SessionStore;
import io.herald.logic.support.TestSessions;
import io.herald.ops.tracing.Tracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The push API as Logic serves it, for tests: HTTP and gRPC on one Armeria port (0: a free one),
 * publishing to a Kafka topic through a {@link KafkaPushQueue}, sessions in memory.
 */
final class PushServer implements AutoCloseable {
  static final String TOKEN = "test-token-7f3a9c";
  static final String OTHER_TOKEN = "second-token-51b2";

  final SessionStore sessions = TestSessions.memory();
  final Inbox inbox;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final KafkaPushQueue queue;
  private final Server server;

  PushServer(KafkaProducerConfig kafka) {
    this(kafka, TestSessions.inbox());
  }

  /** With {@code inbox} for stored pushes and inbox reads. */
  PushServer(KafkaProducerConfig kafka, Inbox inbox) {
    this(kafka, inbox, new PushConfig.Api(true, List.of(TOKEN, OTHER_TOKEN), 4096, 3));
  }

  /** With the tokens and limits of {@code api}. */
  PushServer(KafkaProducerConfig kafka, Inbox inbox, PushConfig.Api api) {
    this.inbox = inbox;
    queue = new KafkaPushQueue(kafka, meters);
    PushService pushes =
        new PushService(
            sessions,
            inbox,
            TestSessions.rooms("comet-a", "live://1000"),
            queue,
            new SnowflakeMessageIds(1, Clock.systemUTC()),
            api,
            Clock.systemUTC());
    OnlineView online = TestSessions.online();
    // One set of callers for HTTP and gRPC, as LogicServer has; rate limits on a frozen clock.
    BearerTokens tokens = BearerTokens.of(api, () -> 0L);
    PushGrpcService grpc =
        new PushGrpcService(
            pushes, online, inbox, tokens, meters, Tracing.off(), Admission.unbounded());
    ServerBuilder sb =
        Server.builder().http(0).gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO);
    new GoimPushHttpApi(
            pushes, online, inbox, api, tokens, meters, Tracing.off(), Admission.unbounded())
        .bindTo(sb);
    sb.service(
        GrpcService.builder()
            .addService(grpc.grpcService())
            .exceptionHandler(PushGrpcService.exceptionHandler())
            .build());
    server = sb.build();
    queue.start();
    server.start().join();
  }

  int port() {
    return server.activeLocalPort();
  }

  double pushes(String target, String result) {
    var counter =
        meters.find("herald.logic.pushes").tags("target", target, "result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    server.stop().join();
    queue.stop();
  }
}
