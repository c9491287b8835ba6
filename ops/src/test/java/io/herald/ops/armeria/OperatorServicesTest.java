package io.herald.ops.armeria;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.herald.ops.Health;
import io.herald.ops.PrometheusMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorServicesTest {
  private static AggregatedHttpResponse get(HttpService service) throws Exception {
    HttpRequest request = HttpRequest.of(HttpMethod.GET, "/");
    return service.serve(ServiceRequestContext.of(request), request).aggregate().join();
  }

  @Test
  void metricsAreThePrometheusText() throws Exception {
    PrometheusMeterRegistry meters = PrometheusMetrics.newRegistry();
    meters.counter("herald.test.things").increment();

    AggregatedHttpResponse response = get(OperatorServices.metrics(meters));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.contentType())
        .isEqualTo(MediaType.parse("text/plain; version=0.0.4; charset=utf-8"));
    assertThat(response.contentUtf8()).contains("herald_test_things_total 1.0");
  }

  @Test
  void healthIsAskedAtEachRequest() throws Exception {
    AtomicBoolean up = new AtomicBoolean(true);
    HttpService health = OperatorServices.health(() -> Health.of(up.get()));

    AggregatedHttpResponse ok = get(health);
    up.set(false);
    AggregatedHttpResponse down = get(health);

    assertThat(ok.status().code()).isEqualTo(200);
    assertThat(ok.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(ok.contentUtf8()).isEqualTo("{\"status\":\"up\"}");
    assertThat(down.status().code()).isEqualTo(503);
    assertThat(down.contentUtf8()).isEqualTo("{\"status\":\"down\"}");
  }
}
