package io.herald.ops.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.ServerPort;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.herald.ops.armeria.ArmeriaTls;
import io.herald.testkit.tls.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutual TLS on a gRPC link, on real ports, on both server transports Herald uses: grpc-java's
 * Netty (the Comet) and Armeria (Logic, IdGen), with grpc-java's Netty as the client (every Herald
 * client). What is refused is refused by the handshake: the calls fail UNAVAILABLE.
 */
class GrpcTlsTest {
  enum Transport {
    GRPC_NETTY,
    ARMERIA
  }

  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("herald.test.Echo/Echo")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();

  private static final ServerServiceDefinition SERVICE =
      ServerServiceDefinition.builder("herald.test.Echo")
          .addMethod(
              ECHO,
              ServerCalls.asyncUnaryCall(
                  (request, reply) -> {
                    reply.onNext("echo " + request);
                    reply.onCompleted();
                  }))
          .build();

  @TempDir Path dir;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TestPki.Ca ca = TestPki.ca("herald-internal-ca");
  private final TestPki.Ca otherCa = TestPki.ca("someone-elses-ca");
  private GrpcTls serverTls;
  private Server grpcServer;
  private com.linecorp.armeria.server.Server armeria;
  private int port;

  @BeforeEach
  void files() throws IOException {
    ca.write(dir.resolve("ca.crt"));
    otherCa.write(dir.resolve("other-ca.crt"));
    ca.issue("logic", "127.0.0.1").write(dir.resolve("server.crt"), dir.resolve("server.key"));
    ca.issue("comet-client").write(dir.resolve("client.crt"), dir.resolve("client.key"));
    otherCa.issue("intruder").write(dir.resolve("intruder.crt"), dir.resolve("intruder.key"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (grpcServer != null) {
      grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (armeria != null) {
      armeria.stop().join();
    }
    if (serverTls != null) {
      serverTls.close();
    }
  }

  private InternalTls tls(String name, String trusted) {
    return new InternalTls(
        true,
        dir.resolve(name + ".crt").toString(),
        dir.resolve(name + ".key").toString(),
        dir.resolve(trusted).toString(),
        "",
        Duration.ofMillis(50));
  }

  private void serve(Transport transport, InternalTls config) throws IOException {
    serverTls = GrpcTls.server("test", "grpc", "server.grpcTls", config, meters);
    switch (transport) {
      case GRPC_NETTY -> {
        grpcServer =
            NettyServerBuilder.forAddress(
                    new InetSocketAddress("127.0.0.1", 0), serverTls.serverCredentials())
                .addService(SERVICE)
                .build()
                .start();
        port = grpcServer.getPort();
      }
      case ARMERIA -> {
        var builder =
            com.linecorp.armeria.server.Server.builder()
                .port(new ServerPort(new InetSocketAddress("127.0.0.1", 0), SessionProtocol.HTTPS))
                .gracefulShutdownTimeoutMillis(0, 0)
                .service(GrpcService.builder().addService(SERVICE).build());
        ArmeriaTls.requireClientCertificates(builder, serverTls);
        armeria = builder.build();
        armeria.start().join();
        port = armeria.activeLocalPort();
      }
    }
  }

  private String call(ChannelCredentials credentials, String serverNameOrNull) {
    var builder = Grpc.newChannelBuilder("127.0.0.1:" + port, credentials);
    if (serverNameOrNull != null) {
      builder.overrideAuthority(serverNameOrNull);
    }
    ManagedChannel channel = builder.build();
    try {
      return ClientCalls.blockingUnaryCall(
          channel, ECHO, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hi");
    } finally {
      channel.shutdownNow();
    }
  }

  private String call(GrpcTls client) {
    ManagedChannel channel = client.channelBuilder("127.0.0.1:" + port).build();
    try {
      return ClientCalls.blockingUnaryCall(
          channel, ECHO, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hi");
    } finally {
      channel.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClientWithACertificateFromTheCaIsServedAndOneWithoutOrFromAnotherCaOrInPlaintextIsNot(
      Transport transport) throws Exception {
    serve(transport, tls("server", "ca.crt"));

    try (GrpcTls client =
        GrpcTls.client("test", "logic", "logic.tls", tls("client", "ca.crt"), meters)) {
      assertThat(call(client)).isEqualTo("echo hi");
    }
    ChannelCredentials noCertificate =
        TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.crt").toFile()).build();
    assertThatThrownBy(() -> call(noCertificate, null))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("UNAVAILABLE");
    try (GrpcTls intruder =
        GrpcTls.client("test", "logic", "logic.tls", tls("intruder", "ca.crt"), meters)) {
      assertThatThrownBy(() -> call(intruder))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageStartingWith("UNAVAILABLE");
    }
    assertThatThrownBy(() -> call(InsecureChannelCredentials.create(), null))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("UNAVAILABLE");
  }

  /** The client's checks are grpc-java's whatever the server runs on: one transport will do. */
  @Test
  void aClientRefusesAServerFromAnotherCaOrNotNamingTheHostDialled() throws Exception {
    Transport transport = Transport.GRPC_NETTY;
    otherCa
        .issue("impostor", "127.0.0.1")
        .write(dir.resolve("impostor.crt"), dir.resolve("impostor.key"));
    ca.issue("comet", "comet.herald.internal")
        .write(dir.resolve("named.crt"), dir.resolve("named.key"));
    serve(transport, tls("impostor", "ca.crt"));
    try (GrpcTls client =
        GrpcTls.client("test", "logic", "logic.tls", tls("client", "ca.crt"), meters)) {
      assertThatThrownBy(() -> call(client))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageStartingWith("UNAVAILABLE");
    }
    stop();
    grpcServer = null;
    armeria = null;

    serve(transport, tls("named", "ca.crt"));
    try (GrpcTls byAddress =
            GrpcTls.client("test", "logic", "logic.tls", tls("client", "ca.crt"), meters);
        GrpcTls byName =
            GrpcTls.client(
                "test",
                "logic",
                "logic.tls",
                new InternalTls(
                    true,
                    dir.resolve("client.crt").toString(),
                    dir.resolve("client.key").toString(),
                    dir.resolve("ca.crt").toString(),
                    "comet.herald.internal",
                    Duration.ofMinutes(1)),
                meters)) {
      assertThatThrownBy(() -> call(byAddress))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageStartingWith("UNAVAILABLE");
      assertThat(call(byName)).isEqualTo("echo hi");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void filesChangedOnDiskApplyToNewConnectionsWithoutARestart(Transport transport)
      throws Exception {
    Path trusted = dir.resolve("trusted.crt");
    Files.copy(dir.resolve("ca.crt"), trusted);
    serve(transport, tls("server", "trusted.crt"));
    try (GrpcTls newcomer =
        GrpcTls.client("test", "logic", "logic.tls", tls("intruder", "other-ca.crt"), meters)) {
      // The intruder's CA does not sign the server's certificate either: it is refused both ways.
      assertThatThrownBy(() -> call(newcomer)).isInstanceOf(StatusRuntimeException.class);

      // The server now trusts both CAs and presents a certificate from the other one.
      Files.writeString(
          trusted,
          Files.readString(dir.resolve("ca.crt")) + Files.readString(dir.resolve("other-ca.crt")));
      otherCa
          .issue("logic-rotated", "127.0.0.1")
          .write(dir.resolve("server.crt"), dir.resolve("server.key"));

      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> call(newcomer) != null);
      assertThat(
              meters
                  .counter("herald.test.tls.reloads", "link", "grpc", "result", "reloaded")
                  .count())
          .isPositive();
    }
  }

  @Test
  void aServerWillNotStartOnFilesThatDoNotBelongTogether() {
    InternalTls mixed =
        new InternalTls(
            true,
            dir.resolve("server.crt").toString(),
            dir.resolve("client.key").toString(),
            dir.resolve("ca.crt").toString(),
            "",
            Duration.ofMinutes(1));

    assertThatThrownBy(() -> serve(Transport.GRPC_NETTY, mixed))
        .isInstanceOf(io.herald.config.ConfigException.class)
        .hasMessageContaining("server.grpcTls: cannot use certificateChain")
        .hasMessageContaining("not the private key of the certificate");
  }
}
