package io.herald.dist;

import io.herald.balancer.server.BalancerConfig;
import io.herald.comet.config.CometConfig;
import io.herald.idgen.server.IdGenConfig;
import io.herald.logic.admin.AdminConfig;
import io.herald.logic.auth.AuthConfig;
import io.herald.logic.push.PushConfig;
import io.herald.logic.receive.ReceiveConfig;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.store.StoreConfig;
import io.herald.ops.tls.InternalTls;
import io.herald.registry.RegistryConfig;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * What {@code herald standalone} changes in each role's defaults: every listener on loopback, the
 * in-process registry, and for Logic in-memory sessions, {@code trust} authentication, no push API
 * token, upstream messages to the log, chat (IM) on, kept in the embedded H2 file {@code
 * ./data/im/im}, and the admin console on behind a token made at each start ({@link
 * #newAdminToken()}), which the banner prints and which also guards the Comet's {@code Drain}. The
 * user's environment ({@code LOGIC_*}, {@code COMET_*}, ...) overrides these as it overrides a
 * config file.
 */
final class StandaloneConfigs {
  /** Where every standalone listener binds: nothing is reachable from other machines. */
  static final String LOOPBACK = "127.0.0.1";

  /** The Comet's server id in the registry. */
  static final String COMET_SERVER_ID = "standalone";

  private StandaloneConfigs() {}

  static IdGenConfig idgen() {
    IdGenConfig defaults = IdGenConfig.defaults();
    return defaults.withServer(LOOPBACK, defaults.server().port());
  }

  /**
   * A fresh admin console token: 24 random bytes, URL-safe Base64 (32 characters). Made at each
   * start and printed once, so the console is on for the developer at the terminal and still behind
   * a token for anyone else on the machine.
   */
  static String newAdminToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Logic, its admin console behind {@code adminToken}. */
  static LogicConfig logic(String adminToken) {
    LogicConfig d = LogicConfig.defaults();
    LogicConfig.Server server = d.server();
    AuthConfig auth = d.auth();
    PushConfig.Api api = d.push().api();
    ReceiveConfig receive = d.receive();
    return new LogicConfig(
        new LogicConfig.Server(
            LOOPBACK, server.httpPort(), server.grpcPort(), server.trustedProxies()),
        new AuthConfig(
            AuthConfig.TRUST, true, auth.allowTrustBeyondLoopback(), auth.jwt(), auth.webhook()),
        d.store().withBackend(StoreConfig.MEMORY),
        d.inbox(),
        new PushConfig(
            d.push().kafka(),
            new PushConfig.Api(
                false, api.tokens(), api.maxBodyBytes(), api.maxTargets(), api.scopedTokens()),
            d.push().messageIds()),
        new ReceiveConfig(ReceiveConfig.LOG, receive.kafka(), receive.webhook()),
        d.registry().withBackend(RegistryConfig.MEMORY),
        d.selection(),
        d.nodes(),
        d.singleLoginPlatforms(),
        d.cometCallTimeout(),
        d.im().withEnabled(true),
        new AdminConfig(List.of(adminToken), adminToken),
        d.overload(),
        d.cometTls());
  }

  /**
   * The Comet, calling the standalone Logic's gRPC port {@code logicGrpcPort}, its {@code Drain}
   * behind {@code adminToken} (the console's, which Logic sends), so the console drains it even
   * when the user's environment binds it beyond loopback.
   */
  static CometConfig comet(int logicGrpcPort, String adminToken) {
    CometConfig d = CometConfig.serviceDefaults();
    CometConfig.Node node = d.node();
    CometConfig.Listen listen = d.listen();
    return new CometConfig(
        new CometConfig.Node(
            COMET_SERVER_ID,
            node.region(),
            node.latitude(),
            node.longitude(),
            node.weight(),
            node.capacity(),
            node.host(),
            node.tcpAddress(),
            node.wsAddress(),
            node.wssAddress(),
            node.grpcAddress()),
        new CometConfig.Listen(
            LOOPBACK,
            listen.tcpPort(),
            listen.wsPort(),
            listen.wssPort(),
            listen.tcpTlsPort(),
            listen.grpcPort(),
            listen.adminPort(),
            listen.wsPath(),
            listen.tls(),
            listen.proxyProtocol(),
            listen.transport(),
            InternalTls.OFF),
        d.protocol(),
        d.heartbeat(),
        d.limits(),
        d.outbound(),
        new CometConfig.Logic(LOOPBACK + ":" + logicGrpcPort, d.logic().callTimeout()),
        d.registry().withBackend(RegistryConfig.MEMORY),
        d.onlineReport(),
        d.drain(),
        d.delivery(),
        new CometConfig.Admin(List.of(adminToken)));
  }

  static BalancerConfig balancer() {
    BalancerConfig d = BalancerConfig.defaults();
    return new BalancerConfig(
        new BalancerConfig.Server(
            LOOPBACK, d.server().port(), d.server().trustedProxies(), d.server().proxyProtocol()),
        d.selection(),
        d.registry().withBackend(RegistryConfig.MEMORY));
  }
}
