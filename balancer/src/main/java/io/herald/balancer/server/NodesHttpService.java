package io.herald.balancer.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.herald.balancer.NodeQuery;
import io.herald.balancer.NodeSelector;
import io.herald.balancer.Selection;
import java.util.Map;

/**
 * {@code GET /nodes?platform=&lat=&lon=&limit=}: the ordered Comets for the calling client, in
 * JSON. The client's address is the connection's, the one its PROXY protocol header declares
 * ({@code server.proxyProtocol}), or the {@code X-Forwarded-For} of a trusted proxy. A bad
 * parameter is answered 400 with {@code {"error": "..."}} naming it.
 */
final class NodesHttpService implements HttpService {
  private final NodeSelector selector;
  private final BalancerMetrics metrics;

  NodesHttpService(NodeSelector selector, BalancerMetrics metrics) {
    this.selector = selector;
    this.metrics = metrics;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    Selection selection;
    try {
      selection = selector.select(query(ctx.queryParams(), ctx.clientAddress().getHostAddress()));
    } catch (IllegalArgumentException e) {
      metrics.badRequest("http");
      return HttpResponse.ofJson(HttpStatus.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    metrics.answered("http", selection);
    return HttpResponse.ofJson(NodesJson.of(selection));
  }

  static NodeQuery query(QueryParams params, String clientIp) {
    return new NodeQuery(
        params.get("platform", ""),
        number(params, "lat"),
        number(params, "lon"),
        clientIp,
        limit(params));
  }

  private static Double number(QueryParams params, String name) {
    String text = params.get(name);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Double.valueOf(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' (expected: a number)", e);
    }
  }

  private static int limit(QueryParams params) {
    String text = params.get("limit");
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      int limit = Integer.parseInt(text.strip());
      if (limit < 1) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
      }
      return limit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit: '" + text + "' (expected: a whole number)", e);
    }
  }
}
