package io.herald.comet.server;

import io.herald.comet.config.CometConfig;
import io.herald.config.ConfigException;
import io.herald.ops.tls.FileWatch;
import io.herald.ops.tls.PemFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The TLS context of the WSS and TCP+TLS listeners ({@code listen.tls}): TLS 1.2 and 1.3 only, the
 * configured forward-secret AEAD suites, the certificate and key from PEM files. The files are
 * watched ({@link FileWatch}): a new certificate is used for new connections without a restart,
 * connections already open keep the one they shook hands with, and a pair that cannot be used is
 * refused (logged, counted as {@code herald.comet.tls.reloads{link=clients,result=rejected}}) while
 * the one in use stays.
 *
 * <p>The JDK's TLS is used even when netty-tcnative happens to be on the class path: the Comet
 * ships without it, and what is tested must be what runs.
 */
final class ClientTls implements Supplier<SslContext>, AutoCloseable {
  private final CometConfig.Tls config;
  private final FileWatch watch;
  private volatile SslContext current;

  private ClientTls(CometConfig.Tls config, MeterRegistry meters) {
    this.config = config;
    this.watch =
        new FileWatch(
            "comet",
            "clients",
            List.of(Path.of(config.certificateChain()), Path.of(config.privateKey())),
            config.reloadInterval(),
            this::reload,
            meters);
  }

  /**
   * Loads the certificate and key and starts watching them.
   *
   * @throws ConfigException naming the files and why they cannot be used
   */
  static ClientTls start(CometConfig.Tls config, MeterRegistry meters) {
    ClientTls tls = new ClientTls(config, meters);
    try {
      tls.watch.start();
    } catch (ConfigException e) {
      tls.close();
      throw e;
    } catch (Exception e) {
      tls.close();
      throw invalid(config, e);
    }
    return tls;
  }

  private void reload() {
    SslContext next = build(config);
    SslContext previous = current;
    current = next;
    ReferenceCountUtil.release(previous); // engines made from it keep what they need
  }

  /** The context for a new connection. */
  @Override
  public SslContext get() {
    return current;
  }

  /** Stops watching the files. Idempotent. */
  @Override
  public void close() {
    watch.close();
  }

  /**
   * A server context from {@code config}, checked: the key is the certificate's, every suite is
   * available in this JVM, and an engine can be made.
   *
   * @throws ConfigException naming the key, the files and what is wrong
   */
  static SslContext build(CometConfig.Tls config) {
    SslContext context;
    try {
      PemFiles.Identity identity =
          PemFiles.identity(Path.of(config.certificateChain()), Path.of(config.privateKey()));
      context =
          SslContextBuilder.forServer(identity.key(), identity.chain())
              .sslProvider(SslProvider.JDK)
              .protocols(config.protocols())
              .ciphers(config.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
              .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw invalid(config, e);
    }
    List<String> missing = new ArrayList<>(config.ciphers());
    missing.removeAll(context.cipherSuites());
    if (!missing.isEmpty()) {
      throw new ConfigException(
          "listen.tls.ciphers: " + missing + " (expected: suites this JVM supports)");
    }
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
    ReferenceCountUtil.release(engine);
    return context;
  }

  private static ConfigException invalid(CometConfig.Tls config, Exception e) {
    return new ConfigException(
        "listen.tls: cannot load certificateChain "
            + config.certificateChain()
            + " and privateKey "
            + config.privateKey()
            + ": "
            + e.getMessage(),
        e);
  }
}
