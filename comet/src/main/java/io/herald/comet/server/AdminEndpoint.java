package io.herald.comet.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.herald.ops.Health;
import io.herald.ops.PrometheusMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The Comet's operator port ({@code listen.adminPort}): {@code GET /health} (200 while the process
 * serves, 503 once it stops), {@code GET /ready} (200 while it accepts new clients, 503 while
 * draining or stopping: take it out of load balancers) and {@code GET /metrics} (Prometheus text).
 * On the JDK's HTTP server with one thread: it is scraped, not loaded. The answers are every
 * server's ({@link Health}, {@link PrometheusMetrics}); only the transport is the Comet's own.
 */
final class AdminEndpoint {
  private final HttpServer server;
  private final ExecutorService executor;

  private AdminEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} and starts serving. */
  static AdminEndpoint start(
      String host,
      int port,
      BooleanSupplier alive,
      BooleanSupplier ready,
      PrometheusMeterRegistry meters) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IllegalStateException("listen.adminPort " + port + " on " + host + ": " + e, e);
    }
    server.createContext("/health", exchange -> health(exchange, alive.getAsBoolean()));
    server.createContext("/ready", exchange -> health(exchange, ready.getAsBoolean()));
    server.createContext(
        "/metrics",
        exchange -> respond(exchange, 200, PrometheusMetrics.CONTENT_TYPE, meters.scrape()));
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "herald-comet-admin");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
    return new AdminEndpoint(server, executor);
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void health(HttpExchange exchange, boolean up) throws IOException {
    Health health = Health.of(up);
    respond(exchange, health.httpStatus(), "application/json", health.json());
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
