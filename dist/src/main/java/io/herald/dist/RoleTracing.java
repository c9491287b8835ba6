package io.herald.dist;

import io.herald.config.ConfigException;
import io.herald.ops.tracing.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role's tracing, from the standard {@code OTEL_*} environment variables ({@code
 * docs/tracing.md}). Off unless {@code OTEL_TRACES_EXPORTER} names an exporter: then no SDK is
 * built, nothing is recorded or sent anywhere, and W3C trace context still passes through the role
 * ({@link Tracing#off()}). With {@code OTEL_TRACES_EXPORTER=otlp} (OTLP over HTTP, the JDK's
 * client) or {@code logging} (one log line per span), the OpenTelemetry SDK's autoconfiguration
 * reads every other {@code OTEL_*} variable; Herald only changes its defaults: service name {@code
 * herald-<role>}, no metrics or logs exporter (Herald's metrics are on {@code /metrics}), OTLP
 * protocol {@code http/protobuf}.
 *
 * @param tracing what the role traces with
 * @param sdk the SDK to flush and close when the role has stopped; null when off
 */
record RoleTracing(Tracing tracing, OpenTelemetrySdk sdk) {
  private static final Logger log = LoggerFactory.getLogger(RoleTracing.class);

  /** The variable that turns tracing on by naming an exporter. */
  static final String EXPORTER = "OTEL_TRACES_EXPORTER";

  /** Tracing off. */
  static final RoleTracing OFF = new RoleTracing(Tracing.off(), null);

  /**
   * {@code role}'s tracing from {@code env}.
   *
   * @throws ConfigException if the {@code OTEL_*} variables do not make a valid SDK
   */
  static RoleTracing open(String role, Map<String, String> env) {
    String exporter = env.getOrDefault(EXPORTER, "").trim();
    if (exporter.isEmpty() || exporter.equals("none")) {
      return OFF;
    }
    Map<String, String> defaults =
        Map.of(
            "otel.service.name", "herald-" + role,
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            "otel.exporter.otlp.protocol", "http/protobuf");
    Map<String, String> given = properties(env);
    OpenTelemetrySdk sdk;
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> defaults)
              .addPropertiesCustomizer(config -> given)
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      throw new ConfigException(
          "tracing: the OTEL_* variables ("
              + EXPORTER
              + "="
              + exporter
              + ") do not configure OpenTelemetry: "
              + e.getMessage()
              + " (expected: see docs/tracing.md; exporters otlp over http/protobuf, logging)",
          e);
    }
    log.info(
        "Tracing: spans of herald {} exported by {} ({})",
        role,
        exporter,
        given.getOrDefault("otel.exporter.otlp.endpoint", "default endpoint"));
    return new RoleTracing(Tracing.of(sdk), sdk);
  }

  /** {@code OTEL_FOO_BAR} → {@code otel.foo.bar}, as the SDK's own reading of the environment. */
  private static Map<String, String> properties(Map<String, String> env) {
    Map<String, String> properties = new HashMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    return properties;
  }

  /** Exports what is left and closes the SDK (after the role stopped); nothing when off. */
  void close() {
    if (sdk != null) {
      var unused = sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
