package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.comet.config.CometConfig;
import io.herald.testkit.FreePorts;
import io.herald.testkit.proxy.ProxyHeader;
import io.herald.testkit.proxy.ProxyProtocolRelay;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A Comet with the PROXY protocol on all four client listeners, behind {@link ProxyProtocolRelay}s
 * (L4 load balancers on loopback that send real v1/v2 headers): every client's socket address is
 * the relay's 127.0.0.1, and the address each header declares is what the per-IP limit counts and
 * Logic is told. One Comet (connectionsPerIp: 1) for the class; each test uses its own addresses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyProtocolServerTest {
  private static final String AUTH =
      "{\"mid\":100,\"key\":\"\",\"room_id\":\"live://1\",\"platform\":\"web\"}";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final StandInLogic logic = new StandInLogic();
  private final List<AutoCloseable> open = new ArrayList<>();
  private Path dir;
  private CometConfig config;
  private CometServer server;
  private SSLContext tls;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("proxy-protocol");
    TestCertificates certificates = TestCertificates.create(dir);
    tls = certificates.clientContext();
    int wssPort = FreePorts.next();
    int tcpTlsPort = FreePorts.next();
    config =
        TestConfigs.comet(
            "comet-proxied",
            yaml ->
                yaml.put("listen", "wssPort", Integer.toString(wssPort))
                    .put("listen", "tcpTlsPort", Integer.toString(tcpTlsPort))
                    .put(
                        "listen",
                        "tls",
                        "{certificateChain: '"
                            + certificates.certificateChain
                            + "', privateKey: '"
                            + certificates.privateKey
                            + "'}")
                    .put(
                        "listen",
                        "proxyProtocol",
                        "{tcp: true, ws: true, wss: true, tcpTls: true, headerTimeout: 2s}")
                    .set("limits", "{connectionsPerIp: 1}"));
    server =
        new CometServer(
            config,
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () -> logic);
    server.start();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private ProxyProtocolRelay balancer(int port) {
    return closing(ProxyProtocolRelay.start(port, ProxyHeader.v2Local()));
  }

  private WireClient authenticated(WireClient client) {
    // auth() takes its seq from the client's counter, as heartbeat() does after it.
    assertThat(client.auth(AUTH).op()).isEqualTo(Op.AUTH_REPLY);
    return client;
  }

  private double headers(String transport, String result) {
    return server
        .meters()
        .counter("herald.comet.proxy.headers", "transport", transport, "result", result)
        .count();
  }

  private double refusedPerIp() {
    return server.meters().counter("herald.comet.rate.limited", "kind", "per_ip").count();
  }

  /** The client still answers: its connection was not touched. */
  private static void stillServed(WireClient client) {
    client.heartbeat();
    assertThat(client.isClosed()).isFalse();
  }

  @Test
  void clientsBehindOneBalancerAreLimitedByTheAddressesTheirHeadersDeclare() {
    int tcp = config.listen().tcpPort();
    double proxied = headers("tcp", "proxied");
    double refused = refusedPerIp();
    ProxyProtocolRelay lb = balancer(tcp);
    lb.declare(ProxyHeader.v1("198.51.100.1", 40001, "10.0.0.1", tcp));
    WireClient first = closing(authenticated(WireClient.tcp(lb.port(), ProtocolVersion.V1)));
    lb.declare(ProxyHeader.v2("2001:db8::1", 40002, "2001:db8::ff", tcp));
    WireClient second = closing(authenticated(WireClient.tcp(lb.port(), ProtocolVersion.V2)));
    assertThat(logic.clientIps).contains("198.51.100.1", "2001:db8:0:0:0:0:0:1");
    // The online report's distinct client IPs (goim's ip_count) count them apart too.
    await()
        .atMost(WAIT)
        .until(() -> logic.reports.get(logic.reports.size() - 1).getClientIps() >= 2);

    // connectionsPerIp is 1: the first one's address again is refused; the others are not touched.
    lb.declare(ProxyHeader.v2("198.51.100.1", 40003, "10.0.0.1", tcp));
    // Refused as its header is read, before any frame: the Comet closes it without an AUTH.
    WireClient third = closing(WireClient.tcp(lb.port(), ProtocolVersion.V1));
    await().atMost(WAIT).until(third::isClosed);

    stillServed(first);
    stillServed(second);
    assertThat(refusedPerIp() - refused).isEqualTo(1);
    assertThat(headers("tcp", "proxied") - proxied).isEqualTo(3);
  }

  @Test
  void aBadOrMissingHeaderClosesOnlyThatConnection() {
    int tcp = config.listen().tcpPort();
    double malformedBefore = headers("tcp", "malformed");
    double missingBefore = headers("tcp", "missing");
    ProxyProtocolRelay lb = balancer(tcp);
    lb.declare(ProxyHeader.v1("198.51.100.20", 40001, "10.0.0.1", tcp));
    WireClient good = closing(authenticated(WireClient.tcp(lb.port(), ProtocolVersion.V1)));

    lb.declare("PROXY TCP4 nonsense\r\n".getBytes(StandardCharsets.US_ASCII));
    WireClient malformed = closing(WireClient.tcp(lb.port(), ProtocolVersion.V1));
    await().atMost(WAIT).until(malformed::isClosed);
    // Straight to the port, past the balancer: no header at all.
    WireClient direct = closing(WireClient.tcp(tcp, ProtocolVersion.V1));
    direct.send(Op.AUTH, 1, AUTH);
    await().atMost(WAIT).until(direct::isClosed);

    stillServed(good);
    assertThat(headers("tcp", "malformed") - malformedBefore).isEqualTo(1);
    assertThat(headers("tcp", "missing") - missingBefore).isEqualTo(1);
  }

  @Test
  void aLocalHeaderKeepsTheBalancersOwnAddress() {
    int tcp = config.listen().tcpPort();
    double local = headers("tcp", "local");
    ProxyProtocolRelay lb = balancer(tcp);
    lb.declare(ProxyHeader.v2Local());
    WireClient healthCheck = closing(authenticated(WireClient.tcp(lb.port(), ProtocolVersion.V1)));

    assertThat(logic.clientIps).contains("127.0.0.1");
    stillServed(healthCheck);
    assertThat(headers("tcp", "local") - local).isEqualTo(1);
  }

  @Test
  void webSocketAndTlsListenersReadTheHeaderBeforeHttpAndTls() throws Exception {
    ProxyProtocolRelay ws = balancer(config.listen().wsPort());
    ws.declare(ProxyHeader.v2("2001:db8::30", 40001, "2001:db8::ff", 3102));
    closing(authenticated(WireClient.webSocket(ws.port(), ProtocolVersion.V1)));

    ProxyProtocolRelay wss = balancer(config.listen().wssPort());
    wss.declare(ProxyHeader.v1("198.51.100.31", 40002, "10.0.0.1", 3103));
    closing(authenticated(WireClient.secureWebSocket(wss.port(), tls, ProtocolVersion.V1)));

    ProxyProtocolRelay tcpTls = balancer(config.listen().tcpTlsPort());
    tcpTls.declare(ProxyHeader.v2("198.51.100.32", 40003, "10.0.0.1", 3104));
    closing(
        authenticated(
            WireClient.over(
                tls.getSocketFactory().createSocket(), tcpTls.port(), ProtocolVersion.V2)));

    assertThat(logic.clientIps).contains("2001:db8:0:0:0:0:0:30", "198.51.100.31", "198.51.100.32");
    assertThat(headers("ws", "proxied")).isEqualTo(1);
    assertThat(headers("wss", "proxied")).isEqualTo(1);
    assertThat(headers("tcp_tls", "proxied")).isEqualTo(1);
  }
}
