package io.herald.idgen.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.herald.idgen.ClockSteppedBackException;
import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.UnknownTagException;
import io.herald.idgen.layout.IdFields;
import io.herald.idgen.segment.Range;
import io.herald.idgen.service.IdBatch;
import io.herald.idgen.service.IdService;
import io.herald.idgen.service.IdSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP API, for curl users: {@code GET|POST /ids/{tag}[?count=n]} and {@code GET
 * /ids/{tag}/explain?id=n}, answering JSON. Errors are JSON {@code {"error": "..."}} with 400 (bad
 * tag, count or id), 404 (unknown tag) or 503 (lease lost, database down, clock behind).
 */
final class IdsHttpService implements HttpService {
  private final IdService ids;
  private final boolean explain;

  private IdsHttpService(IdService ids, boolean explain) {
    this.ids = ids;
    this.explain = explain;
  }

  static IdsHttpService next(IdService ids) {
    return new IdsHttpService(ids, false);
  }

  static IdsHttpService explain(IdService ids) {
    return new IdsHttpService(ids, true);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    // Ids may have to wait (a time unit, a segment load): off the event loop.
    return HttpResponse.of(
        CompletableFuture.supplyAsync(() -> answer(ctx), ctx.blockingTaskExecutor()));
  }

  private HttpResponse answer(ServiceRequestContext ctx) {
    try {
      String tag = ctx.pathParam("tag");
      IdSource source = ids.source(tag);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("tag", source.tag());
      body.put("mode", source.mode().label());
      if (explain) {
        long id = number(ctx.queryParam("id"), "id");
        IdFields fields = source.explain(id);
        body.put("id", id);
        if (fields != null) {
          body.put("unix_ms", fields.unixMillis());
          body.put("time", Instant.ofEpochMilli(fields.unixMillis()).toString());
          body.put("worker_id", fields.worker());
          body.put("sequence", fields.sequence());
        }
        return HttpResponse.ofJson(body);
      }
      String count = ctx.queryParam("count");
      if (count == null) {
        body.put("id", source.next(true));
        return HttpResponse.ofJson(body);
      }
      long n = number(count, "count");
      IdBatch batch = IdService.batch(source, n);
      source.fill(batch, true);
      if (batch.list() != null) {
        body.put("ids", batch.list());
      } else {
        List<Map<String, Long>> ranges = new ArrayList<>();
        for (Range range : batch.ranges()) {
          ranges.add(Map.of("start", range.start(), "end", range.end()));
        }
        body.put("ranges", ranges);
      }
      return HttpResponse.ofJson(body);
    } catch (IllegalArgumentException e) {
      return error(HttpStatus.BAD_REQUEST, e);
    } catch (UnknownTagException e) {
      return error(HttpStatus.NOT_FOUND, e);
    } catch (IdsUnavailableException | ClockSteppedBackException e) {
      return error(HttpStatus.SERVICE_UNAVAILABLE, e);
    }
  }

  private static long number(String text, String name) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(name + ": missing (expected: a whole number)");
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' (expected: a whole number)", e);
    }
  }

  private static HttpResponse error(HttpStatus status, RuntimeException e) {
    return HttpResponse.ofJson(status, Map.of("error", e.getMessage()));
  }
}
