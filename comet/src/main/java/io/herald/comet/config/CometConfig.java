package io.herald.comet.config;

import io.herald.config.Check;
import io.herald.config.Hosts;
import io.herald.ops.auth.BearerToken;
import io.herald.ops.tls.InternalTls;
import io.herald.registry.RegistryConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Comet's configuration (YAML, overridden by {@code COMET_*} variables, e.g. {@code
 * COMET_LISTEN_TCPPORT}, {@code COMET_LOGIC_TARGET}).
 *
 * @param node who this Comet is and how clients reach it (what it registers)
 * @param listen where it listens
 * @param protocol frame limits and the handshake
 * @param heartbeat how silent connections are found and how often sessions are renewed
 * @param limits rate limits on clients
 * @param outbound the per-connection write queue and what happens to slow consumers
 * @param logic where Logic is
 * @param registry where the Comet registers
 * @param onlineReport how often room counts go to Logic
 * @param drain how long draining lets clients leave before closing the rest
 * @param delivery acked and stored deliveries: resends, inbox notices, cursors, SYNC replies
 * @param admin who may call the gRPC {@code Drain}
 */
public record CometConfig(
    Node node,
    Listen listen,
    Protocol protocol,
    Heartbeat heartbeat,
    Limits limits,
    Outbound outbound,
    Logic logic,
    RegistryConfig registry,
    Duration onlineReport,
    Duration drain,
    Delivery delivery,
    Admin admin) {

  private static final Pattern HOST_PORT = Pattern.compile("\\S+:(\\d{1,5})");

  /** The operator port of a Comet run as a service ({@code herald comet}). */
  public static final int ADMIN_PORT = 3108;

  /**
   * The defaults of a Comet run as a service: {@link #defaults()} with the operator port on {@value
   * #ADMIN_PORT}. (Embedded Comets, in tests or beside other Comets, have none unless configured.)
   */
  public static CometConfig serviceDefaults() {
    CometConfig d = defaults();
    Listen l = d.listen();
    return new CometConfig(
        d.node(),
        new Listen(
            l.host(),
            l.tcpPort(),
            l.wsPort(),
            l.wssPort(),
            l.tcpTlsPort(),
            l.grpcPort(),
            ADMIN_PORT,
            l.wsPath(),
            l.tls(),
            l.proxyProtocol(),
            l.transport(),
            l.grpcTls()),
        d.protocol(),
        d.heartbeat(),
        d.limits(),
        d.outbound(),
        d.logic(),
        d.registry(),
        d.onlineReport(),
        d.drain(),
        d.delivery(),
        d.admin());
  }

  public static CometConfig defaults() {
    return new CometConfig(
        new Node("comet-1", "", 0, 0, 10, 100_000, "", "", "", "", ""),
        new Listen(
            "0.0.0.0",
            3101,
            3102,
            0,
            0,
            3109,
            0,
            "/sub",
            new Tls("", ""),
            ProxyProtocol.OFF,
            Transport.AUTO,
            InternalTls.OFF),
        new Protocol(4096, Duration.ofSeconds(10), 32),
        new Heartbeat(
            Duration.ofMinutes(4),
            2,
            Duration.ofSeconds(30),
            Duration.ofMinutes(11),
            Duration.ofMinutes(5)),
        new Limits(50, 100, 1000, 200, 1000),
        new Outbound(32 * 1024, 64 * 1024, Duration.ofSeconds(10)),
        new Logic("127.0.0.1:3119", Duration.ofSeconds(3), InternalTls.OFF),
        RegistryConfig.redisDefaults(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Delivery.defaults(),
        Admin.NONE);
  }

  public CometConfig {
    Check.notNull("node", node);
    Check.notNull("listen", listen);
    Check.notNull("protocol", protocol);
    Check.notNull("heartbeat", heartbeat);
    Check.notNull("limits", limits);
    Check.notNull("outbound", outbound);
    Check.notNull("logic", logic);
    Check.notNull("registry", registry);
    Check.positive("onlineReport", onlineReport);
    Check.positive("drain", drain);
    Check.notNull("delivery", delivery);
    admin = admin == null ? Admin.NONE : admin;
    if (listen.wssPort() != 0 || listen.tcpTlsPort() != 0) {
      Check.notBlank("listen.tls.certificateChain", listen.tls().certificateChain());
      Check.notBlank("listen.tls.privateKey", listen.tls().privateKey());
    }
  }

  /**
   * Where clients, Job and Logic reach this Comet, as it registers: each {@code node.*Address} that
   * is set, else {@code node.host} (else the listen host, 127.0.0.1 for a wildcard) with the
   * listener's port. A listener that is off has no address unless one is set (something else serves
   * it, e.g. a load balancer terminating TLS in front of the WebSocket port).
   */
  public Advertised advertised() {
    String host =
        !node.host().isEmpty()
            ? node.host()
            : Hosts.isWildcard(listen.host()) ? "127.0.0.1" : listen.host();
    return new Advertised(
        address(node.tcpAddress(), host, listen.tcpPort()),
        address(node.wsAddress(), host, listen.wsPort()),
        address(node.wssAddress(), host, listen.wssPort()),
        address(node.grpcAddress(), host, listen.grpcPort()),
        node.host().isEmpty()
            && Hosts.isWildcard(listen.host())
            && (node.tcpAddress().isEmpty() || node.grpcAddress().isEmpty()));
  }

  private static String address(String configured, String host, int port) {
    if (!configured.isEmpty()) {
      return configured;
    }
    return port == 0 ? "" : Hosts.forAddress(host) + ":" + port;
  }

  /**
   * The addresses a Comet registers; empty for a listener that is off.
   *
   * @param tcp clients' TCP
   * @param ws clients' WebSocket
   * @param wss clients' WebSocket over TLS
   * @param grpc Job's and Logic's gRPC
   * @param loopbackOnly whether 127.0.0.1 stands in for a wildcard listen host: fine on one
   *     machine, unreachable from any other
   */
  public record Advertised(String tcp, String ws, String wss, String grpc, boolean loopbackOnly) {}

  /**
   * Who this Comet is, as it registers.
   *
   * @param serverId unique in the cluster, stable across restarts (e.g. {@code comet-sh-01})
   * @param region the region it runs in (see the Balancer's regions); may be empty
   * @param latitude where it is, decimal degrees
   * @param longitude where it is, decimal degrees
   * @param weight relative size for the Balancer; 0 never offers it
   * @param capacity connections it is sized for; the Balancer stops offering it when full
   * @param host the name or address clients and other services reach it at: each address below that
   *     is empty is {@code host:<that listener's port>}; empty: {@code listen.host}, or 127.0.0.1
   *     when that binds every interface (one machine only)
   * @param tcpAddress {@code host:port} clients reach its TCP port at, when it differs from {@code
   *     host} and {@code listen.tcpPort} (a load balancer's, a NAT's); empty: derived
   * @param wsAddress the same for WebSocket; empty: derived, none when {@code listen.wsPort} is 0
   * @param wssAddress the same for WSS; empty: derived, none when {@code listen.wssPort} is 0
   * @param grpcAddress {@code host:port} Job and Logic reach its gRPC port at (e.g. on an internal
   *     network); empty: derived
   */
  public record Node(
      String serverId,
      String region,
      double latitude,
      double longitude,
      int weight,
      long capacity,
      String host,
      String tcpAddress,
      String wsAddress,
      String wssAddress,
      String grpcAddress) {
    public Node {
      Check.notBlank("serverId", serverId);
      region = region == null ? "" : region.strip();
      Check.inRange("latitude", latitude, -90.0, 90.0);
      Check.inRange("longitude", longitude, -180.0, 180.0);
      Check.inRange("weight", weight, 0, 1_000_000);
      Check.positive("capacity", capacity);
      host = host == null ? "" : host.strip();
      Check.state(
          host.isEmpty() || (!Hosts.isWildcard(host) && host.chars().noneMatch(c -> c <= ' ')),
          "host",
          host,
          "the name or address others reach this Comet at, not a wildcard");
      tcpAddress = address("tcpAddress", tcpAddress);
      wsAddress = address("wsAddress", wsAddress);
      wssAddress = address("wssAddress", wssAddress);
      grpcAddress = address("grpcAddress", grpcAddress);
    }

    private static String address(String name, String value) {
      String address = value == null ? "" : value.strip();
      if (!address.isEmpty()) {
        Matcher port = HOST_PORT.matcher(address);
        Check.state(
            port.matches()
                && Integer.parseInt(port.group(1)) >= 1
                && Integer.parseInt(port.group(1)) <= 65535,
            name,
            address,
            "host:port, or empty to derive it from node.host and the listener's port");
      }
      return address;
    }
  }

  /**
   * Where the Comet listens; a port of 0 turns that listener off (TCP and gRPC are required).
   *
   * @param host the address to bind
   * @param tcpPort plain TCP (goim's 3101)
   * @param wsPort WebSocket (goim's 3102); 0 for none
   * @param wssPort WebSocket over TLS (goim's 3103); 0 for none
   * @param tcpTlsPort TCP over TLS; 0 for none
   * @param grpcPort the Comet gRPC service for Job and Logic (goim's 3109)
   * @param adminPort {@code /health}, {@code /ready} and {@code /metrics} over HTTP (3108 in the
   *     launcher and {@code deploy/comet.yaml}); 0 for none
   * @param wsPath the WebSocket path (goim's {@code /sub})
   * @param tls certificate and key (PEM files) for WSS and TCP+TLS
   * @param proxyProtocol which client listeners expect a PROXY protocol header first
   * @param transport the Netty transport of the client listeners: {@code auto} (epoll where
   *     available, else NIO), or {@code io_uring}, {@code epoll} or {@code nio}, which must be
   *     available
   * @param grpcTls mutual TLS on the gRPC port (Job and Logic must then present a client
   *     certificate); off: plaintext
   */
  public record Listen(
      String host,
      int tcpPort,
      int wsPort,
      int wssPort,
      int tcpTlsPort,
      int grpcPort,
      int adminPort,
      String wsPath,
      Tls tls,
      ProxyProtocol proxyProtocol,
      Transport transport,
      InternalTls grpcTls) {
    public Listen {
      Check.notBlank("host", host);
      Check.port("tcpPort", tcpPort);
      Check.inRange("wsPort", wsPort, 0, 65535);
      Check.inRange("wssPort", wssPort, 0, 65535);
      Check.inRange("tcpTlsPort", tcpTlsPort, 0, 65535);
      Check.port("grpcPort", grpcPort);
      Check.inRange("adminPort", adminPort, 0, 65535);
      Check.state(
          wsPath != null && wsPath.startsWith("/"), "wsPath", wsPath, "a path such as /sub");
      Check.notNull("tls", tls);
      Map<Integer, String> taken = new HashMap<>();
      distinct(taken, "tcpPort", tcpPort);
      distinct(taken, "wsPort", wsPort);
      distinct(taken, "wssPort", wssPort);
      distinct(taken, "tcpTlsPort", tcpTlsPort);
      distinct(taken, "grpcPort", grpcPort);
      distinct(taken, "adminPort", adminPort);
      Check.notNull("proxyProtocol", proxyProtocol);
      onlyIfOn("tcp", proxyProtocol.tcp(), "tcpPort", tcpPort);
      onlyIfOn("ws", proxyProtocol.ws(), "wsPort", wsPort);
      onlyIfOn("wss", proxyProtocol.wss(), "wssPort", wssPort);
      onlyIfOn("tcpTls", proxyProtocol.tcpTls(), "tcpTlsPort", tcpTlsPort);
      Check.notNull("transport", transport);
      grpcTls = grpcTls == null ? InternalTls.OFF : grpcTls;
    }

    /** A PROXY switch on a listener that is off is a mistake (a typo in the key or the port). */
    private static void onlyIfOn(String listener, boolean proxy, String portKey, int port) {
      Check.state(
          !proxy || port != 0,
          "proxyProtocol." + listener,
          true,
          "false while " + portKey + " is 0 (that listener is off)");
    }

    /** Two listeners cannot share a port: the second would fail to bind at start. */
    private static void distinct(Map<Integer, String> taken, String name, int port) {
      if (port == 0) {
        return;
      }
      String other = taken.putIfAbsent(port, name);
      Check.state(other == null, name, port, "a port no other listener uses (" + other + ")");
    }
  }

  /**
   * The PROXY protocol (v1 text or v2 binary, as HAProxy, AWS NLB, GCP and most L4 load balancers
   * send it) per client listener. On a listener where it is on, every connection must begin with a
   * PROXY header (before TLS on the TLS listeners), and the client address it declares is the
   * connection's client address: per-IP limits, logs, what Logic is told. A LOCAL header (a load
   * balancer's health check) keeps the socket's address. A connection whose header is missing,
   * malformed or later than {@code headerTimeout} is closed. Only the load balancer may reach such
   * a listener: whoever can connect to it can claim any address.
   *
   * @param tcp on the TCP listener ({@code tcpPort})
   * @param ws on the WebSocket listener ({@code wsPort})
   * @param wss on the WebSocket-over-TLS listener ({@code wssPort})
   * @param tcpTls on the TCP-over-TLS listener ({@code tcpTlsPort})
   * @param headerTimeout how long a new connection has to send its PROXY header
   */
  public record ProxyProtocol(
      boolean tcp, boolean ws, boolean wss, boolean tcpTls, Duration headerTimeout) {
    /** No listener expects a PROXY header. */
    public static final ProxyProtocol OFF =
        new ProxyProtocol(false, false, false, false, Duration.ofSeconds(5));

    public ProxyProtocol {
      Check.positive("headerTimeout", headerTimeout);
      Check.state(
          headerTimeout.compareTo(Duration.ofMinutes(1)) <= 0,
          "headerTimeout",
          headerTimeout,
          "at most 1m (a load balancer sends the header at once)");
    }
  }

  /**
   * TLS on the client listeners (WSS and TCP+TLS): the certificate, which versions and cipher
   * suites are offered, and how often the files are checked for a new certificate (a change is used
   * for new connections without a restart; a pair that cannot be used is refused, logged and
   * counted, and the one in use stays).
   *
   * @param certificateChain the certificate chain (PEM), leaf first
   * @param privateKey its private key (PEM, PKCS#8)
   * @param protocols TLS versions: {@code TLSv1.3} and/or {@code TLSv1.2} (older ones are broken)
   * @param ciphers cipher suites, from {@link #MODERN_CIPHERS} (forward-secret AEAD only)
   * @param reloadInterval how often the files are read for a change
   */
  public record Tls(
      String certificateChain,
      String privateKey,
      List<String> protocols,
      List<String> ciphers,
      Duration reloadInterval) {
    /** The versions offered by default: TLS 1.3 and 1.2. */
    public static final List<String> MODERN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * The suites allowed and offered by default: TLS 1.3's, and for TLS 1.2 ECDHE key exchange with
     * AES-GCM or ChaCha20-Poly1305 (forward secrecy, authenticated encryption; no CBC, RSA key
     * exchange, SHA-1 MACs or 3DES).
     */
    public static final List<String> MODERN_CIPHERS =
        List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The given files with the default versions, suites and reload interval. */
    public Tls(String certificateChain, String privateKey) {
      this(certificateChain, privateKey, null, null, null);
    }

    public Tls {
      certificateChain = certificateChain == null ? "" : certificateChain.strip();
      privateKey = privateKey == null ? "" : privateKey.strip();
      protocols = protocols == null ? MODERN_PROTOCOLS : List.copyOf(protocols);
      ciphers = ciphers == null ? MODERN_CIPHERS : List.copyOf(ciphers);
      reloadInterval = reloadInterval == null ? Duration.ofMinutes(1) : reloadInterval;
      Check.state(!protocols.isEmpty(), "protocols", protocols, "TLSv1.3 and/or TLSv1.2");
      for (String protocol : protocols) {
        Check.state(
            MODERN_PROTOCOLS.contains(protocol),
            "protocols",
            protocol,
            "TLSv1.3 or TLSv1.2 (SSLv3, TLSv1 and TLSv1.1 are broken)");
      }
      Check.state(!ciphers.isEmpty(), "ciphers", ciphers, "suites from " + MODERN_CIPHERS);
      for (String cipher : ciphers) {
        Check.state(
            MODERN_CIPHERS.contains(cipher),
            "ciphers",
            cipher,
            "a forward-secret AEAD suite, one of " + MODERN_CIPHERS);
      }
      Check.state(
          !protocols.contains("TLSv1.3") || ciphers.stream().anyMatch(Tls::tls13),
          "ciphers",
          ciphers,
          "at least one TLS 1.3 suite (TLS_AES_* or TLS_CHACHA20_*) while protocols has TLSv1.3");
      Check.state(
          !protocols.contains("TLSv1.2") || ciphers.stream().anyMatch(c -> !tls13(c)),
          "ciphers",
          ciphers,
          "at least one TLS 1.2 suite (TLS_ECDHE_*) while protocols has TLSv1.2");
      Check.positive("reloadInterval", reloadInterval);
    }

    private static boolean tls13(String cipher) {
      return !cipher.startsWith("TLS_ECDHE_");
    }
  }

  /**
   * The frame protocol on this Comet.
   *
   * @param maxBodyBytes the largest frame body a client may send (goim's 4 KiB)
   * @param handshakeTimeout how long a new connection has to authenticate
   * @param buckets how many shards hold the connections (goim's 32)
   */
  public record Protocol(int maxBodyBytes, Duration handshakeTimeout, int buckets) {
    public Protocol {
      Check.inRange("maxBodyBytes", maxBodyBytes, 1, 64 << 20);
      Check.positive("handshakeTimeout", handshakeTimeout);
      Check.inRange("buckets", buckets, 1, 65536);
    }
  }

  /**
   * How silent connections are found. A connection is closed when nothing has arrived from it for
   * {@code maxMissed} times its heartbeat interval, clamped to [minTimeout, maxTimeout]. The
   * interval is Logic's (from Connect), else {@code interval}.
   *
   * @param interval the heartbeat interval assumed when Logic gives none (goim's 4 min)
   * @param maxMissed heartbeats that may go missing before the connection is closed
   * @param minTimeout the shortest silence tolerated
   * @param maxTimeout the longest silence tolerated
   * @param sessionRenewal at most how often a connection's session is renewed in Logic (a fraction
   *     of Logic's session TTL, 15 min by default)
   */
  public record Heartbeat(
      Duration interval,
      int maxMissed,
      Duration minTimeout,
      Duration maxTimeout,
      Duration sessionRenewal) {
    public Heartbeat {
      Check.positive("interval", interval);
      Check.inRange("maxMissed", maxMissed, 1, 100);
      Check.positive("minTimeout", minTimeout);
      Check.state(
          maxTimeout != null && maxTimeout.compareTo(minTimeout) >= 0,
          "maxTimeout",
          maxTimeout,
          ">= minTimeout");
      Check.positive("sessionRenewal", sessionRenewal);
    }
  }

  /**
   * Rate limits, counted in metrics when hit.
   *
   * @param upstreamPerSecond frames a connection may send per second (heartbeats included),
   *     averaged; a connection over it is closed
   * @param upstreamBurst how far above the rate a connection may burst
   * @param connectionsPerIp concurrent connections one client IP may hold; more are refused
   * @param newConnectionsPerIpPerSecond new connections one client IP may open per second,
   *     averaged; more are refused
   * @param newConnectionsPerIpBurst how far above that rate one IP may burst (a NAT's clients
   *     coming back after a node died)
   * @param maxConnections open client connections on this Comet, from every IP and listener
   *     (authenticated or not); more are refused (default {@value #DEFAULT_MAX_CONNECTIONS})
   * @param maxHandshakes connections open and not yet authenticated (waiting for their AUTH or for
   *     Logic's answer); more are refused, so a connect storm cannot queue unbounded work behind
   *     Logic (default {@value #DEFAULT_MAX_HANDSHAKES})
   */
  public record Limits(
      int upstreamPerSecond,
      int upstreamBurst,
      int connectionsPerIp,
      int newConnectionsPerIpPerSecond,
      int newConnectionsPerIpBurst,
      int maxConnections,
      int maxHandshakes) {
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000_000;
    public static final int DEFAULT_MAX_HANDSHAKES = 10_000;

    /** The per-IP limits, with the default global ones. */
    public Limits(
        int upstreamPerSecond,
        int upstreamBurst,
        int connectionsPerIp,
        int newConnectionsPerIpPerSecond,
        int newConnectionsPerIpBurst) {
      this(
          upstreamPerSecond,
          upstreamBurst,
          connectionsPerIp,
          newConnectionsPerIpPerSecond,
          newConnectionsPerIpBurst,
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_MAX_HANDSHAKES);
    }

    public Limits {
      Check.positive("maxConnections", maxConnections);
      Check.positive("maxHandshakes", maxHandshakes);
      Check.positive("upstreamPerSecond", upstreamPerSecond);
      Check.state(
          upstreamBurst >= upstreamPerSecond,
          "upstreamBurst",
          upstreamBurst,
          ">= upstreamPerSecond");
      Check.positive("connectionsPerIp", connectionsPerIp);
      Check.positive("newConnectionsPerIpPerSecond", newConnectionsPerIpPerSecond);
      Check.state(
          newConnectionsPerIpBurst >= newConnectionsPerIpPerSecond,
          "newConnectionsPerIpBurst",
          newConnectionsPerIpBurst,
          ">= newConnectionsPerIpPerSecond");
    }
  }

  /**
   * The per-connection outbound queue (Netty's write-buffer watermarks). Above the high mark a
   * connection is unwritable; pushes to it still queue up to 4 times the high mark (a burst must
   * not cost a healthy client messages), and beyond that are dropped and counted; a connection
   * unwritable for longer than {@code maxUnwritable} is closed. So a client that stops reading
   * costs at most 4 times the high mark, for at most {@code maxUnwritable}.
   *
   * @param lowWatermarkBytes writable again below this
   * @param highWatermarkBytes unwritable above this
   * @param maxUnwritable how long a connection may stay unwritable before it is closed
   */
  public record Outbound(int lowWatermarkBytes, int highWatermarkBytes, Duration maxUnwritable) {
    public Outbound {
      Check.positive("lowWatermarkBytes", lowWatermarkBytes);
      Check.state(
          highWatermarkBytes > lowWatermarkBytes,
          "highWatermarkBytes",
          highWatermarkBytes,
          "> lowWatermarkBytes");
      Check.positive("maxUnwritable", maxUnwritable);
    }
  }

  /**
   * Where Logic is.
   *
   * @param target Logic's gRPC address, {@code host:port} (goim's 3119)
   * @param callTimeout the deadline of each call
   * @param tls mutual TLS to Logic's gRPC port; off: plaintext
   */
  public record Logic(String target, Duration callTimeout, InternalTls tls) {
    /** Plaintext to {@code target}. */
    public Logic(String target, Duration callTimeout) {
      this(target, callTimeout, InternalTls.OFF);
    }

    public Logic {
      Check.notBlank("target", target);
      Check.positive("callTimeout", callTimeout);
      tls = tls == null ? InternalTls.OFF : tls;
    }
  }

  /**
   * Acked and stored deliveries to version 2 connections (docs/delivery.md).
   *
   * @param notifyAbove a connection with more stored frames than this not yet covered by its acked
   *     inbox seq gets an inbox notice (op 27) instead of the next stored frame
   * @param noticeDelay at most one inbox notice per connection per this; a burst becomes one notice
   *     carrying the newest seq
   * @param ack resends of acked deliveries
   * @param cursorFlush how often acked inbox positions go to Logic (or at 1000 devices)
   * @param syncReplyMaxBytes the largest op-20 SYNC_REPLY body (at least one message is sent)
   */
  public record Delivery(
      int notifyAbove, Duration noticeDelay, Ack ack, Duration cursorFlush, int syncReplyMaxBytes) {
    public Delivery {
      Check.inRange("notifyAbove", notifyAbove, 0, 1_000_000);
      Check.positive("noticeDelay", noticeDelay);
      Check.notNull("ack", ack);
      Check.positive("cursorFlush", cursorFlush);
      Check.inRange("syncReplyMaxBytes", syncReplyMaxBytes, 1024, 16 << 20);
    }

    public static Delivery defaults() {
      return new Delivery(
          32,
          Duration.ofMillis(50),
          new Ack(Duration.ofSeconds(2), Duration.ofSeconds(30), 5, 64),
          Duration.ofMillis(200),
          64 * 1024);
    }
  }

  /**
   * Resends of an acked delivery (op 26 with the ack flag) until the client acks its id (op 18).
   *
   * @param initialDelay the wait before the first resend; doubled after each
   * @param maxDelay the longest wait between two sends
   * @param maxAttempts sends in all, the first included; then the delivery is given up
   * @param window deliveries a connection may have unacked; one more gives up the oldest
   */
  public record Ack(Duration initialDelay, Duration maxDelay, int maxAttempts, int window) {
    public Ack {
      Check.positive("initialDelay", initialDelay);
      Check.state(
          maxDelay != null && maxDelay.compareTo(initialDelay) >= 0,
          "maxDelay",
          maxDelay,
          ">= initialDelay");
      Check.inRange("maxAttempts", maxAttempts, 1, 100);
      Check.inRange("window", window, 1, 4096);
    }
  }

  /**
   * Who may call the gRPC {@code Drain}, the one operator's call on the Comet's gRPC port (Logic's
   * admin console makes it with its {@code admin.cometToken}). With tokens, a call must carry
   * {@code authorization: Bearer <one of them>}. Without, it is served only where the port itself
   * keeps strangers out: bound to a loopback address, or mutual TLS ({@code listen.grpcTls}); on
   * any other address it is refused (SIGTERM still drains).
   *
   * @param tokens the accepted bearer tokens, any of them (list two while rotating one); each at
   *     least {@value BearerToken#MIN_ADMIN_LENGTH} characters, without whitespace
   */
  public record Admin(List<String> tokens) {
    public static final Admin NONE = new Admin(List.of());

    public Admin {
      tokens = tokens == null ? List.of() : List.copyOf(tokens);
      for (int i = 0; i < tokens.size(); i++) {
        BearerToken.checkConfigured(
            "tokens[" + i + "]", tokens.get(i), BearerToken.MIN_ADMIN_LENGTH);
      }
    }

    @Override
    public String toString() {
      return "Admin[tokens=<" + tokens.size() + " hidden>]";
    }
  }
}
