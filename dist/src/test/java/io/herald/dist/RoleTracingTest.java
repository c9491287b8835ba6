package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.ops.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's tracing: off unless OTEL_TRACES_EXPORTER names an exporter. */
class RoleTracingTest {
  @Test
  void offWithoutAnExporter() {
    assertThat(RoleTracing.open("logic", Map.of()).tracing()).isSameAs(Tracing.off());
    assertThat(RoleTracing.open("logic", Map.of("OTEL_TRACES_EXPORTER", "none")).sdk()).isNull();
  }

  @Test
  void anOtlpExporterBuildsTheSdkNamedAfterTheRole() {
    RoleTracing tracing =
        RoleTracing.open(
            "job",
            Map.of(
                "OTEL_TRACES_EXPORTER", "otlp",
                // Nothing listens there; the span below is dropped when the SDK closes.
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "200"));
    try {
      assertThat(tracing.sdk()).isNotNull();
      assertThat(tracing.sdk().toString()).contains("service.name=\"herald-job\"");
      assertThat(tracing.tracing().start("s", SpanKind.INTERNAL, Context.root()).isRecording())
          .isTrue();
    } finally {
      tracing.close();
    }
  }

  @Test
  void anExporterNotShippedIsAConfigErrorNamingTheVariable() {
    assertThatThrownBy(() -> RoleTracing.open("comet", Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("OTEL_TRACES_EXPORTER=zipkin");
  }
}
