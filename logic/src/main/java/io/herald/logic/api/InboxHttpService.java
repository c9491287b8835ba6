package io.herald.logic.api;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.herald.logic.inbox.InboxRead;
import io.herald.proto.common.v1.InboxMessage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /herald/inbox?mid=&after=&limit=}: a user's inbox after a seq, for backends, in goim's
 * reply envelope: {@code data} is {@code {"epoch","oldest_seq","latest_seq","more","messages":
 * [{"message_id":"...","seq","op","body","body_base64","accept_unix_ms"}],"cursors":{key: seq}}}.
 * {@code body} is the body as text when it is valid UTF-8, else null; {@code body_base64} always.
 */
final class InboxHttpService implements HttpService {
  static final String PATH = "/herald/inbox";

  private final InboxQueries queries;
  private final PushApiMetrics metrics;

  InboxHttpService(InboxQueries queries, PushApiMetrics metrics) {
    this.queries = queries;
    this.metrics = metrics;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    CompletableFuture<InboxQueries.Answer> read;
    try {
      QueryParams params = ctx.queryParams();
      read =
          queries.read(
              GoimParams.requiredLong(params, "mid"),
              GoimParams.optionalLong(params, "after", 0),
              GoimParams.optionalInt(params, "limit", 0));
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    return HttpResponse.of(
        read.handle(
            (answer, e) -> {
              metrics.inboxRead(e);
              return e == null ? GoimReplies.ok(data(answer)) : GoimReplies.failure(e);
            }));
  }

  private static Map<String, Object> data(InboxQueries.Answer answer) {
    InboxRead read = answer.read();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("epoch", read.epoch());
    data.put("oldest_seq", read.oldestSeq());
    data.put("latest_seq", read.latestSeq());
    data.put("more", read.more());
    List<Object> messages = new ArrayList<>(read.messages().size());
    for (InboxMessage message : read.messages()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("message_id", Long.toString(message.getMessageId()));
      entry.put("seq", message.getSeq());
      entry.put("op", message.getOp());
      ByteString body = message.getBody();
      entry.put("body", body.isValidUtf8() ? body.toStringUtf8() : null);
      entry.put("body_base64", Base64.getEncoder().encodeToString(body.toByteArray()));
      entry.put("accept_unix_ms", message.getAcceptUnixMs());
      messages.add(entry);
    }
    data.put("messages", messages);
    data.put("cursors", answer.cursors());
    return data;
  }
}
