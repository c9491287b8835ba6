package io.herald.logic.server;

import io.herald.balancer.SelectionConfig;
import io.herald.config.Check;
import io.herald.config.Hosts;
import io.herald.logic.admin.AdminConfig;
import io.herald.logic.api.GoimNodes;
import io.herald.logic.auth.AuthConfig;
import io.herald.logic.im.ImConfig;
import io.herald.logic.inbox.InboxConfig;
import io.herald.logic.overload.OverloadConfig;
import io.herald.logic.push.PushConfig;
import io.herald.logic.receive.ReceiveConfig;
import io.herald.logic.store.StoreConfig;
import io.herald.ops.tls.InternalTls;
import io.herald.registry.RegistryConfig;
import io.herald.wire.chat.ChatMessage;
import java.time.Duration;
import java.util.List;

/**
 * Logic's configuration (YAML, overridden by {@code LOGIC_*} variables). The defaults are the
 * production backends: JWT auth, sessions in Redis, pushes to Kafka, the Redis registry.
 *
 * @param server where Logic listens: on loopback only while {@code auth.mode} is {@code trust}
 *     (unless {@code auth.allowTrustBeyondLoopback} forces it)
 * @param auth how connections are authenticated
 * @param store where sessions, online counts and the inboxes live
 * @param inbox how much each user's inbox keeps, and a SYNC's default limit
 * @param push the push API and its Kafka queue
 * @param receive where upstream client messages go
 * @param registry where the Comets are registered
 * @param selection how goim's node API ranks Comets (as the Balancer does)
 * @param nodes goim's node API settings (domain, ports)
 * @param singleLoginPlatforms platforms on which a new login kicks the user's older connection
 * @param cometCallTimeout how long a call to a Comet (a kick) may take
 * @param im the IM layer (chat): off by default; its messages go through the push path, so with it
 *     on, {@code im.maxMessageBytes} plus the 53-byte message head must fit {@code
 *     push.api.maxBodyBytes}
 * @param admin the operators' console ({@code docs/console.md}): off until {@code admin.tokens}
 *     names a token, none of which may also be a push API token
 * @param overload the bounds on pushes and Connects in flight, past which they are refused at once
 *     with a retryable answer ({@link OverloadConfig})
 * @param cometTls mutual TLS to the Comets' gRPC ports (off: plaintext); with Comets reached by pod
 *     IP, set {@code serverName} to the name every Comet's certificate carries
 */
public record LogicConfig(
    Server server,
    AuthConfig auth,
    StoreConfig store,
    InboxConfig inbox,
    PushConfig push,
    ReceiveConfig receive,
    RegistryConfig registry,
    SelectionConfig selection,
    GoimNodes.Config nodes,
    List<String> singleLoginPlatforms,
    Duration cometCallTimeout,
    ImConfig im,
    AdminConfig admin,
    OverloadConfig overload,
    InternalTls cometTls) {

  /** goim's Logic ports. */
  public static final int DEFAULT_HTTP_PORT = 3111;

  public static final int DEFAULT_GRPC_PORT = 3119;

  public static LogicConfig defaults() {
    return new LogicConfig(
        new Server("0.0.0.0", DEFAULT_HTTP_PORT, DEFAULT_GRPC_PORT, List.of()),
        AuthConfig.defaults(),
        StoreConfig.defaults().withBackend(StoreConfig.REDIS),
        InboxConfig.defaults(),
        PushConfig.defaults(),
        ReceiveConfig.defaults(),
        RegistryConfig.redisDefaults(),
        SelectionConfig.defaults(),
        GoimNodes.Config.DEFAULT,
        List.of(),
        Duration.ofSeconds(2),
        ImConfig.defaults(),
        AdminConfig.defaults(),
        OverloadConfig.defaults(),
        InternalTls.OFF);
  }

  public LogicConfig {
    Check.notNull("server", server);
    cometTls = cometTls == null ? InternalTls.OFF : cometTls;
    Check.notNull("auth", auth);
    Check.notNull("store", store);
    Check.notNull("inbox", inbox);
    Check.notNull("push", push);
    Check.notNull("receive", receive);
    Check.notNull("registry", registry);
    Check.notNull("selection", selection);
    Check.notNull("nodes", nodes);
    singleLoginPlatforms =
        singleLoginPlatforms == null ? List.of() : List.copyOf(singleLoginPlatforms);
    Check.positive("cometCallTimeout", cometCallTimeout);
    Check.notNull("im", im);
    Check.notNull("admin", admin);
    Check.notNull("overload", overload);
    for (int i = 0; i < admin.tokens().size(); i++) {
      // A backend that may push must not thereby be able to drain Comets.
      Check.state(
          !push.api().tokens().contains(admin.tokens().get(i)),
          "admin.tokens[" + i + "]",
          "<hidden>",
          "a token that is not also in push.api.tokens");
    }
    Check.state(
        !im.enabled()
            || im.maxMessageBytes() + ChatMessage.HEAD_LENGTH <= push.api().maxBodyBytes(),
        "im.maxMessageBytes",
        im.maxMessageBytes(),
        "at most push.api.maxBodyBytes - "
            + ChatMessage.HEAD_LENGTH
            + " = "
            + (push.api().maxBodyBytes() - ChatMessage.HEAD_LENGTH)
            + ": a chat message goes through the push path with its "
            + ChatMessage.HEAD_LENGTH
            + "-byte head");
    // Trust mode lets any client claim any user: only this machine may reach it, unless forced.
    Check.state(
        !auth.trustOnLoopbackOnly() || Hosts.isLoopback(server.host()),
        "server.host",
        server.host(),
        "a loopback address such as 127.0.0.1 while auth.mode is trust, which lets any client"
            + " claim any mid; set auth.allowTrustBeyondLoopback: true to force it");
    // A push API without tokens lets anyone who reaches the port push to every user.
    Check.state(
        push.api().requireToken() || Hosts.isLoopback(server.host()),
        "server.host",
        server.host(),
        "a loopback address such as 127.0.0.1 while push.api.requireToken is false, which lets"
            + " anyone who reaches the port push, read online counts and inboxes");
  }

  /**
   * Where Logic listens. Both ports serve everything (HTTP API, gRPC, health, metrics); goim's
   * users find HTTP on the first and gRPC on the second.
   *
   * @param host the address to bind
   * @param httpPort goim's HTTP port (3111)
   * @param grpcPort goim's gRPC port (3119)
   * @param trustedProxies CIDRs whose {@code X-Forwarded-For} names the client
   * @param grpcTls mutual TLS on the gRPC port: every caller (the Comets, push API callers over
   *     gRPC) must present a certificate from its trusted CAs; off: plaintext
   */
  public record Server(
      String host, int httpPort, int grpcPort, List<String> trustedProxies, InternalTls grpcTls) {
    /** Plaintext gRPC. */
    public Server(String host, int httpPort, int grpcPort, List<String> trustedProxies) {
      this(host, httpPort, grpcPort, trustedProxies, InternalTls.OFF);
    }

    public Server {
      grpcTls = grpcTls == null ? InternalTls.OFF : grpcTls;
      Check.notBlank("host", host);
      Check.port("httpPort", httpPort);
      Check.port("grpcPort", grpcPort);
      Check.state(grpcPort != httpPort, "grpcPort", grpcPort, "!= httpPort " + httpPort);
      trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }
  }
}
