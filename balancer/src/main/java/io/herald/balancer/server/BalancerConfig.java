package io.herald.balancer.server;

import io.herald.balancer.SelectionConfig;
import io.herald.config.Check;
import io.herald.registry.RegistryConfig;
import java.util.List;

/**
 * The Balancer service's configuration (YAML, overridden by {@code BALANCER_*} variables).
 *
 * @param server where it listens (HTTP and gRPC share the port) and which proxies it trusts
 * @param selection how clients are located and nodes ranked, and what clients are told
 * @param registry where the Comets are registered
 */
public record BalancerConfig(Server server, SelectionConfig selection, RegistryConfig registry) {

  /** Herald's Balancer port (goim has no Balancer); HTTP {@code /nodes} and gRPC together. */
  public static final int DEFAULT_PORT = 3131;

  public static BalancerConfig defaults() {
    return new BalancerConfig(
        new Server("0.0.0.0", DEFAULT_PORT, List.of(), false),
        SelectionConfig.defaults(),
        RegistryConfig.redisDefaults());
  }

  public BalancerConfig {
    Check.notNull("server", server);
    Check.notNull("selection", selection);
    Check.notNull("registry", registry);
  }

  /**
   * Where the Balancer listens.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0}
   * @param port HTTP and gRPC port; 0 binds a free one (tests)
   * @param trustedProxies CIDRs of proxies whose {@code X-Forwarded-For} names the client; from
   *     anyone else the header is ignored and the connection's address is the client's
   * @param proxyProtocol whether connections may begin with a PROXY protocol header (v1 or v2, from
   *     an L4 load balancer): the address it declares is then the client's, whoever the peer is,
   *     and an {@code X-Forwarded-For} on that connection is ignored (an L4 balancer passes the
   *     client's own headers on); connections without a header are served as before
   */
  public record Server(String host, int port, List<String> trustedProxies, boolean proxyProtocol) {
    public Server {
      Check.notBlank("host", host);
      Check.inRange("port", port, 0, 65535);
      trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }
  }
}
