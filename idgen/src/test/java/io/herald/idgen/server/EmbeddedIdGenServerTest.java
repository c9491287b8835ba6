package io.herald.idgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.NextIdRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default config (an H2 file, leases in it) needs no other server, and survives a restart. */
class EmbeddedIdGenServerTest {
  @TempDir Path directory;

  @Test
  void theDefaultsServeEveryTagAndContinueAfterARestart() throws Exception {
    IdGenConfig defaults = IdGenConfig.defaults();
    IdGenConfig config =
        new IdGenConfig(
            new IdGenConfig.Server("127.0.0.1", 0),
            new DatabaseConfig(
                "jdbc:h2:file:" + directory.resolve("idgen") + ";MODE=PostgreSQL",
                "",
                "",
                2,
                Duration.ofSeconds(5)),
            defaults.leases(),
            defaults.snowflake(),
            defaults.sonyflake(),
            defaults.segments(),
            defaults.tags());

    long[] first = nextIds(config);
    long[] second = nextIds(config);

    for (int i = 0; i < first.length; i++) {
      assertThat(second[i]).as("tag %d after a restart", i).isGreaterThan(first[i]);
    }
  }

  /** Starts a server, takes one id of each default tag, stops it. */
  private static long[] nextIds(IdGenConfig config) throws InterruptedException {
    IdGenServer server =
        new IdGenServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
    try {
      IdGenGrpc.IdGenBlockingStub grpc = IdGenGrpc.newBlockingStub(channel);
      long[] ids = new long[3];
      String[] tags = {"message", "order", "device"};
      for (int i = 0; i < tags.length; i++) {
        ids[i] = grpc.nextId(NextIdRequest.newBuilder().setTag(tags[i]).build()).getId();
      }
      assertThat(server.healthy()).isTrue();
      return ids;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
      assertThat(server.healthy()).isFalse();
    }
  }
}
