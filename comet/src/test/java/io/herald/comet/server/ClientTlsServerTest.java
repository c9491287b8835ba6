package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigException;
import io.herald.ops.tls.GrpcTls;
import io.herald.ops.tls.InternalTls;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.proto.comet.v1.RoomsResponse;
import io.herald.testkit.FreePorts;
import io.herald.testkit.tls.TestPki;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Comet's client TLS on real ports, against the JDK's TLS client and hand-made ClientHellos:
 * which versions and suites it accepts, and certificates rotated on disk without a restart.
 */
class ClientTlsServerTest {
  private static final String AUTH =
      "{\"mid\":100,\"key\":\"\",\"room_id\":\"live://1\",\"platform\":\"web\"}";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final TestPki.Ca ca = TestPki.ca("herald-test-ca");
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Path chain;
  private Path key;
  private TestPki.Issued first;
  private CometServer server;
  private int tcpTlsPort;
  private int grpcPort;

  @BeforeEach
  void start() throws Exception {
    chain = dir.resolve("comet.crt");
    key = dir.resolve("comet.key");
    first = ca.issue("comet-first", "127.0.0.1").write(chain, key);
    ca.write(dir.resolve("ca.crt"));
    ca.issue("job", "127.0.0.1").write(dir.resolve("job.crt"), dir.resolve("job.key"));
    tcpTlsPort = FreePorts.next();
    CometConfig config =
        TestConfigs.comet(
            "comet-tls",
            yaml ->
                yaml.put("listen", "tcpTlsPort", Integer.toString(tcpTlsPort))
                    .put("listen", "grpcTls", internalTls("comet"))
                    .put(
                        "listen",
                        "tls",
                        "{certificateChain: '"
                            + chain
                            + "', privateKey: '"
                            + key
                            + "', reloadInterval: 50ms}"));
    grpcPort = config.listen().grpcPort();
    server = new CometServer(config, Clock.systemUTC(), meters, StandInLogic::new);
    server.start();
  }

  private String internalTls(String name) {
    return "{enabled: true, certificateChain: '"
        + dir.resolve(name.equals("comet") ? "comet.crt" : name + ".crt")
        + "', privateKey: '"
        + dir.resolve(name.equals("comet") ? "comet.key" : name + ".key")
        + "', trustedCertificates: '"
        + dir.resolve("ca.crt")
        + "'}";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void tls13AndTls12WithModernSuitesShakeHands() throws Exception {
    SSLContext client = TestPki.trustingOnly(ca.certificate());

    try (SSLSocket socket = handshake(client, List.of("TLSv1.3"), null)) {
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    try (SSLSocket socket = handshake(client, List.of("TLSv1.2"), null)) {
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(CometConfig.Tls.MODERN_CIPHERS).contains(socket.getSession().getCipherSuite());
    }
  }

  @Test
  void tls10AndTls11HellosAreAnsweredWithAnAlert() throws Exception {
    // The JDK's client will not offer TLS 1.0/1.1 (disabled in java.security), so the hellos are
    // made by hand; the same hello at TLS 1.2 is answered with a ServerHello, which shows the hello
    // itself is sound.
    int ecdheEcdsaAes128CbcSha = 0xC009;
    int ecdheEcdsaAes128GcmSha256 = 0xC02B;

    assertThat(firstRecordType(clientHello(0x0301, ecdheEcdsaAes128CbcSha))).isEqualTo(ALERT);
    assertThat(firstRecordType(clientHello(0x0302, ecdheEcdsaAes128CbcSha))).isEqualTo(ALERT);
    assertThat(firstRecordType(clientHello(0x0303, ecdheEcdsaAes128GcmSha256)))
        .isEqualTo(HANDSHAKE);
  }

  @Test
  void aClientOfferingOnlyWeakSuitesIsRefused() throws Exception {
    SSLContext client = TestPki.trustingOnly(ca.certificate());

    for (String weak :
        List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA")) {
      assertThatThrownBy(() -> handshake(client, List.of("TLSv1.2"), weak).close())
          .as(weak)
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void aNewCertificateOnDiskIsServedToNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
    SSLContext client = TestPki.trustingOnly(ca.certificate());
    try (WireClient open =
        WireClient.over(client.getSocketFactory().createSocket(), tcpTlsPort, ProtocolVersion.V2)) {
      open.send(Op.AUTH, 1, AUTH);
      assertThat(open.await(Op.AUTH_REPLY, WAIT).seq()).isOne();
      assertThat(servedCertificate(client)).isEqualTo(first.certificate());

      TestPki.Issued second = ca.issue("comet-second", "127.0.0.1");
      replace(second);

      await().atMost(WAIT).until(() -> second.certificate().equals(servedCertificate(client)));
      assertThat(reloads("reloaded")).isOne();
      open.send(Op.HEARTBEAT, 2, new byte[0]);
      assertThat(open.await(Op.HEARTBEAT_REPLY, WAIT).op()).isEqualTo(Op.HEARTBEAT_REPLY);
    }
  }

  @Test
  void aPairThatCannotBeUsedIsRefusedAndTheCertificateInUseStays() throws Exception {
    SSLContext client = TestPki.trustingOnly(ca.certificate());
    TestPki.Issued other = ca.issue("comet-other", "127.0.0.1");
    TestPki.Issued third = ca.issue("comet-third", "127.0.0.1");
    Path otherKey = dir.resolve("other.key");
    other.write(dir.resolve("other.crt"), otherKey);
    Path thirdChain = dir.resolve("third.crt");
    third.write(thirdChain, dir.resolve("third.key"));

    // The certificate of one pair and the key of another, written in place at once.
    Files.write(dir.resolve("mixed.crt"), Files.readAllBytes(thirdChain));
    Files.move(dir.resolve("mixed.crt"), chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.write(key, Files.readAllBytes(otherKey));

    await().atMost(WAIT).until(() -> reloads("rejected") >= 1);
    assertThat(servedCertificate(client)).isEqualTo(first.certificate());
    assertThat(reloads("reloaded")).isZero();

    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    await().atMost(WAIT).until(() -> reloads("rejected") >= 2);
    assertThat(servedCertificate(client)).isEqualTo(first.certificate());
  }

  @Test
  void startRefusesAnExpiredCertificateOrAKeyOfAnotherCertificate() throws Exception {
    Path expiredChain = dir.resolve("expired.crt");
    Path expiredKey = dir.resolve("expired.key");
    ca.issueExpired("comet-expired", "127.0.0.1").write(expiredChain, expiredKey);

    assertThatThrownBy(
            () -> ClientTls.build(new CometConfig.Tls(expiredChain.toString(), key.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listen.tls: cannot load certificateChain " + expiredChain)
        .hasMessageContaining("not the private key of the certificate");
    assertThatThrownBy(
            () ->
                ClientTls.build(
                    new CometConfig.Tls(expiredChain.toString(), expiredKey.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expired at");
  }

  @Test
  void theGrpcPortServesOnlyCallersWithACertificateFromItsCa() throws Exception {
    InternalTls job =
        new InternalTls(
            true,
            dir.resolve("job.crt").toString(),
            dir.resolve("job.key").toString(),
            dir.resolve("ca.crt").toString(),
            "",
            Duration.ofMinutes(1));
    String target = "127.0.0.1:" + grpcPort;
    try (GrpcTls tls = GrpcTls.client("job", "comet", "delivery.cometTls", job, meters)) {
      ManagedChannel channel = tls.channelBuilder(target).build();
      try {
        assertThat(rooms(channel).getRoomCountsMap()).isEmpty();
      } finally {
        channel.shutdownNow();
      }
    }
    ManagedChannel plaintext =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      assertThatThrownBy(() -> rooms(plaintext))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageStartingWith("UNAVAILABLE");
    } finally {
      plaintext.shutdownNow();
    }
  }

  private static RoomsResponse rooms(ManagedChannel channel) {
    return CometGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .rooms(RoomsRequest.getDefaultInstance());
  }

  private void replace(TestPki.Issued next) throws IOException {
    Path newChain = dir.resolve("next.crt");
    Path newKey = dir.resolve("next.key");
    next.write(newChain, newKey);
    Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(newChain, chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private double reloads(String result) {
    var counter =
        meters.find("herald.comet.tls.reloads").tags("link", "clients", "result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  private SSLSocket handshake(SSLContext client, List<String> protocols, String cipherOrNull)
      throws IOException {
    SSLSocket socket =
        (SSLSocket)
            client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), tcpTlsPort);
    try {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.setEnabledProtocols(protocols.toArray(String[]::new));
      if (cipherOrNull != null) {
        socket.setEnabledCipherSuites(new String[] {cipherOrNull});
      }
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private Certificate servedCertificate(SSLContext client) throws IOException {
    try (SSLSocket socket = handshake(client, List.of("TLSv1.3"), null)) {
      return socket.getSession().getPeerCertificates()[0];
    }
  }

  private static final int HANDSHAKE = 22;
  private static final int ALERT = 21;

  /** The content type of the first record the server answers {@code hello} with; -1 for none. */
  private int firstRecordType(byte[] hello) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpTlsPort)) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.getOutputStream().write(hello);
      socket.getOutputStream().flush();
      return new DataInputStream(socket.getInputStream()).read();
    }
  }

  /**
   * A TLS ClientHello record at {@code version} (0x0301 TLS 1.0 … 0x0303 TLS 1.2) offering one
   * {@code cipher}, P-256 and ECDSA-SHA256: enough for the Comet's EC certificate.
   */
  private static byte[] clientHello(int version, int cipher) {
    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    writeExtension(extensions, 0x000a, new byte[] {0, 2, 0, 0x17}); // supported_groups: secp256r1
    writeExtension(extensions, 0x000b, new byte[] {1, 0}); // ec_point_formats: uncompressed
    writeExtension(extensions, 0x000d, new byte[] {0, 2, 4, 3}); // signature_algorithms
    byte[] ext = extensions.toByteArray();

    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeShort(body, version);
    body.writeBytes(new byte[32]); // random
    body.write(0); // no session id
    writeShort(body, 2);
    writeShort(body, cipher);
    body.write(1); // one compression method:
    body.write(0); // null
    writeShort(body, ext.length);
    body.writeBytes(ext);
    byte[] hello = body.toByteArray();

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(HANDSHAKE);
    writeShort(record, 0x0301);
    writeShort(record, hello.length + 4);
    record.write(1); // client_hello
    record.write(0);
    writeShort(record, hello.length);
    record.writeBytes(hello);
    return record.toByteArray();
  }

  private static void writeExtension(ByteArrayOutputStream out, int type, byte[] data) {
    writeShort(out, type);
    writeShort(out, data.length);
    out.writeBytes(data);
  }

  private static void writeShort(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value & 0xff);
  }
}
