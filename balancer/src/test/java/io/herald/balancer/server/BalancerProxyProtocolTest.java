package io.herald.balancer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.balancer.ClientBackoff;
import io.herald.balancer.ClientHeartbeat;
import io.herald.balancer.SelectionConfig;
import io.herald.proto.balancer.v1.BalancerGrpc;
import io.herald.proto.balancer.v1.NodesRequest;
import io.herald.proto.balancer.v1.NodesResponse;
import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.herald.registry.Registries;
import io.herald.registry.Registry;
import io.herald.registry.RegistryConfig;
import io.herald.testkit.proxy.ProxyHeader;
import io.herald.testkit.proxy.ProxyProtocolRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Balancer with {@code server.proxyProtocol} on, over real sockets: a client behind an L4
 * balancer ({@link ProxyProtocolRelay}, real v1/v2 headers) is located by the address its header
 * declares; LOCAL and header-less connections by their own; a header beats X-Forwarded-For even
 * from a trusted proxy (127.0.0.1 is trusted here), which counts only without a header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BalancerProxyProtocolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Registry registry;
  private BalancerServer balancer;
  private ProxyProtocolRelay lb;

  @BeforeAll
  void start() {
    RegistryConfig memory = RegistryConfig.redisDefaults().withBackend(RegistryConfig.MEMORY);
    registry = Registries.create(memory, Clock.systemUTC(), new SimpleMeterRegistry());
    BalancerConfig config =
        new BalancerConfig(
            new BalancerConfig.Server("127.0.0.1", 0, List.of("127.0.0.1/32"), true),
            new SelectionConfig(
                new SelectionConfig.Limits(5, 20),
                SelectionConfig.defaults().regions(),
                "cn-east",
                Map.of("203.0.113.0/24", "jp", "2001:db8:100::/40", "eu", "198.51.100.0/24", "hk"),
                "",
                ClientHeartbeat.DEFAULT,
                ClientBackoff.DEFAULT),
            memory);
    balancer =
        new BalancerServer(config, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    balancer.start();
    for (String region : List.of("cn-east", "jp", "eu", "hk")) {
      registry.register(node(region + "-1", region)).join();
    }
    lb = ProxyProtocolRelay.start(balancer.port(), ProxyHeader.v2Local());
  }

  @AfterAll
  void stop() {
    lb.close();
    balancer.stop();
  }

  private static CometNode node(String id, String region) {
    return CometNode.newBuilder()
        .setServerId(id)
        .setRegion(region)
        .setWeight(10)
        .setTcpAddress(id + ".example:3101")
        .setWsAddress(id + ".example:3102")
        .setGrpcAddress(id + ".example:3109")
        .setConnections(10)
        .setCapacity(1000)
        .setState(NodeState.NODE_STATE_UP)
        .setEpoch(1)
        .build();
  }

  /**
   * {@code GET /nodes} over a new connection to {@code port}, HTTP/1.1 by hand (the reply read by
   * its content-length, not to the close).
   */
  private static JsonNode nodes(int port, String extraHeader) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /nodes HTTP/1.1\r\nHost: balancer\r\n" + extraHeader + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      assertThat(line(in)).startsWith("HTTP/1.1 200");
      int length = -1;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(header.substring("content-length:".length()).strip());
        }
      }
      assertThat(length).as("content-length").isPositive();
      byte[] body = new byte[length];
      in.readFully(body);
      return JSON.readTree(body);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("closed after: " + line);
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private JsonNode behindTheBalancer(byte[] header, String extraHeader) throws IOException {
    lb.declare(header);
    return nodes(lb.port(), extraHeader);
  }

  @Test
  void aV1HeaderLocatesTheClientByTheAddressItDeclares() throws IOException {
    JsonNode reply = behindTheBalancer(ProxyHeader.v1("203.0.113.9", 40001, "10.0.0.1", 3131), "");
    assertThat(reply.get("client_region").asText()).isEqualTo("jp");
    assertThat(reply.get("located_by").asText()).isEqualTo("cidr");
    assertThat(reply.get("nodes").get(0).get("region").asText()).isEqualTo("jp");
  }

  @Test
  void aV2HeaderDeclaresAnIpv6Client() throws IOException {
    JsonNode reply =
        behindTheBalancer(ProxyHeader.v2("2001:db8:100::9", 40002, "2001:db8::1", 3131), "");
    assertThat(reply.get("client_region").asText()).isEqualTo("eu");
    assertThat(reply.get("nodes").get(0).get("region").asText()).isEqualTo("eu");
  }

  @Test
  void grpcNodesBehindTheBalancerLocatesTheDeclaredAddressToo() throws InterruptedException {
    lb.declare(ProxyHeader.v2("203.0.113.10", 40004, "10.0.0.1", 3131));
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + lb.port(), InsecureChannelCredentials.create())
            .build();
    try {
      NodesResponse reply =
          BalancerGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .nodes(NodesRequest.getDefaultInstance());
      assertThat(reply.getClientRegion()).isEqualTo("jp");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHeaderBeatsXForwardedForEvenFromATrustedPeer() throws IOException {
    JsonNode reply =
        behindTheBalancer(
            ProxyHeader.v1("198.51.100.9", 40003, "10.0.0.1", 3131),
            "X-Forwarded-For: 203.0.113.9\r\n");
    assertThat(reply.get("client_region").asText()).isEqualTo("hk");
  }

  @Test
  void aLocalHeaderOrNoHeaderKeepsTheConnectionsAddressAndTrustedForwardingStillWorks()
      throws IOException {
    JsonNode local = behindTheBalancer(ProxyHeader.v2Local(), "");
    assertThat(local.get("located_by").asText()).isEqualTo("default");

    JsonNode direct = nodes(balancer.port(), "");
    assertThat(direct.get("located_by").asText()).isEqualTo("default");

    JsonNode forwarded = nodes(balancer.port(), "X-Forwarded-For: 203.0.113.9\r\n");
    assertThat(forwarded.get("client_region").asText()).isEqualTo("jp");
  }
}
