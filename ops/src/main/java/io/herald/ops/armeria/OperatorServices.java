package io.herald.ops.armeria;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import io.herald.ops.Health;
import io.herald.ops.PrometheusMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/** The operator endpoints every Herald server on Armeria binds: metrics and health answers. */
public final class OperatorServices {
  private static final MediaType PROMETHEUS_TEXT = MediaType.parse(PrometheusMetrics.CONTENT_TYPE);

  private OperatorServices() {}

  /** {@code GET /metrics}: {@code meters} as Prometheus text. */
  public static HttpService metrics(PrometheusMeterRegistry meters) {
    return (ctx, req) -> HttpResponse.of(PROMETHEUS_TEXT, meters.scrape());
  }

  /** A health endpoint: {@code health}'s answer at each request, as {@link Health} describes. */
  public static HttpService health(Supplier<Health> health) {
    return (ctx, req) -> {
      Health now = health.get();
      return HttpResponse.of(
          HttpStatus.valueOf(now.httpStatus()), MediaType.JSON_UTF_8, now.json());
    };
  }
}
