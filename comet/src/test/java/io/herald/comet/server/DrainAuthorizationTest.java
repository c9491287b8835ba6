package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigException;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tls.InternalTls;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.CometGrpc.CometBlockingStub;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.DrainResponse;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.testkit.cluster.RoleYaml;
import io.herald.testkit.tls.TestPki;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may drain a Comet through its gRPC {@code Drain}, on a real Comet and real ports (issue 19:
 * admin endpoints are never served unauthenticated on a non-loopback interface). The Comets that
 * must keep strangers out bind the wildcard address; every call still goes over 127.0.0.1.
 */
class DrainAuthorizationTest {
  private static final String TOKEN = "comet-admin-token-0123456789";
  private static final String NEXT_TOKEN = "comet-admin-token-rotated-42";

  @TempDir Path dir;
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<CometServer> servers = new ArrayList<>();
  private int grpcPort;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(server -> server.stop(Duration.ofSeconds(2)));
  }

  @Test
  void beyondLoopbackWithoutTokensOrMutualTlsNoOneDrainsIt() {
    CometServer comet = start(yaml -> yaml.put("listen", "host", "0.0.0.0"));
    CometBlockingStub stub = stub(plaintext());

    assertThatThrownBy(() -> stub.drain(DrainRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e -> {
              Status status = ((StatusRuntimeException) e).getStatus();
              assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(status.getDescription())
                  .contains("admin.tokens")
                  .contains("listen.grpcTls");
            });
    assertThat(comet.draining()).isFalse();
    assertThat(stub.rooms(RoomsRequest.getDefaultInstance()).getRoomCountsMap())
        .as("the internal calls are served as before")
        .isEmpty();
    assertThat(refusals("PERMISSION_DENIED")).isEqualTo(1);
  }

  @Test
  void withTokensADrainMustCarryOneOfThem() {
    CometServer comet =
        start(yaml -> yaml.set("admin", "{tokens: [" + TOKEN + ", " + NEXT_TOKEN + "]}"));
    ManagedChannel channel = plaintext();

    for (String authorization :
        new String[] {null, "Basic " + TOKEN, "Bearer ", "Bearer " + TOKEN + "x"}) {
      assertThatThrownBy(() -> stub(channel, authorization).drain(grace()))
          .as("authorization %s", authorization)
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(
              e -> {
                Status status = ((StatusRuntimeException) e).getStatus();
                assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(status.getDescription()).doesNotContain(TOKEN);
              });
    }
    assertThat(comet.draining()).isFalse();
    assertThat(refusals("UNAUTHENTICATED")).isEqualTo(4);
    assertThat(stub(channel, null).rooms(RoomsRequest.getDefaultInstance()).getRoomCountsMap())
        .as("the internal calls need no token")
        .isEmpty();

    DrainResponse drained = stub(channel, "bearer " + NEXT_TOKEN).drain(grace());

    assertThat(drained.getAlreadyDraining()).isFalse();
    assertThat(comet.draining()).isTrue();
  }

  @Test
  void onLoopbackWithoutTokensTheNetworkDecidesAsBefore() {
    CometServer comet = start(yaml -> yaml);

    stub(plaintext()).drain(grace());

    assertThat(comet.draining()).isTrue();
  }

  @Test
  void beyondLoopbackBehindMutualTlsEveryCallerWithACertificateMayDrain() throws Exception {
    TestPki.Ca ca = TestPki.ca("herald-test-ca");
    ca.write(dir.resolve("ca.crt"));
    ca.issue("comet", "127.0.0.1").write(dir.resolve("comet.crt"), dir.resolve("comet.key"));
    ca.issue("logic", "127.0.0.1").write(dir.resolve("logic.crt"), dir.resolve("logic.key"));
    CometServer comet =
        start(
            yaml ->
                yaml.put("listen", "host", "0.0.0.0")
                    .put(
                        "listen",
                        "grpcTls",
                        "{enabled: true, certificateChain: '"
                            + dir.resolve("comet.crt")
                            + "', privateKey: '"
                            + dir.resolve("comet.key")
                            + "', trustedCertificates: '"
                            + dir.resolve("ca.crt")
                            + "'}"));
    InternalTls logic =
        new InternalTls(
            true,
            dir.resolve("logic.crt").toString(),
            dir.resolve("logic.key").toString(),
            dir.resolve("ca.crt").toString(),
            "",
            Duration.ofMinutes(1));

    try (GrpcTls tls = GrpcTls.client("logic", "comet", "cometTls", logic, meters)) {
      ManagedChannel channel = tls.channelBuilder(target()).build();
      channels.add(channel);
      stub(channel).drain(grace());
    }

    assertThat(comet.draining()).isTrue();
  }

  @Test
  void aShortOrBlankTokenIsRefusedAtStartWithoutShowingIt() {
    assertThatThrownBy(() -> config(yaml -> yaml.set("admin", "{tokens: [short-secret]}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("admin.tokens[0]")
        .hasMessageContaining("at least 16 characters")
        .hasMessageNotContaining("short-secret");
    assertThat(CometConfig.defaults().admin().tokens()).isEmpty();
    assertThat(new CometConfig.Admin(List.of(TOKEN)).toString()).doesNotContain(TOKEN);
  }

  /** A Comet with {@code change} applied to its config, started; its gRPC port kept. */
  private CometServer start(UnaryOperator<RoleYaml> change) {
    CometConfig config = config(change);
    grpcPort = config.listen().grpcPort();
    CometServer server = new CometServer(config, Clock.systemUTC(), meters, StandInLogic::new);
    servers.add(server);
    server.start();
    return server;
  }

  private static CometConfig config(UnaryOperator<RoleYaml> change) {
    return TestConfigs.comet("comet-drain-auth", change);
  }

  private ManagedChannel plaintext() {
    ManagedChannel channel =
        Grpc.newChannelBuilder(target(), InsecureChannelCredentials.create()).build();
    channels.add(channel);
    return channel;
  }

  private String target() {
    return "127.0.0.1:" + grpcPort;
  }

  private static CometBlockingStub stub(ManagedChannel channel) {
    return stub(channel, null);
  }

  private static CometBlockingStub stub(ManagedChannel channel, String authorization) {
    CometBlockingStub stub =
        CometGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (authorization == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static DrainRequest grace() {
    return DrainRequest.newBuilder().setGraceMs(60_000).build();
  }

  private double refusals(String status) {
    return meters.counter("herald.comet.grpc.calls", "method", "Drain", "status", status).count();
  }
}
