package io.herald.logic.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.QueryParams;
import io.herald.logic.inbox.DeviceCursor;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxEntry;
import io.herald.logic.inbox.InboxPosition;
import io.herald.logic.inbox.InboxRead;
import io.herald.logic.push.InvalidPushException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fuzzes the HTTP API's parameter reading in Logic: goim's push and online query parameters ({@code
 * /goim/push/keys|mids|room|all}: {@code operation}, {@code keys}, {@code mids}, {@code ack},
 * {@code store}, {@code notify}, {@code type}, {@code room}, {@code speed}), the inbox read ({@code
 * /herald/inbox?mid=&after=&limit=}) and the IM API's JSON bodies and query ({@code
 * /herald/im/send}, {@code /groups}, {@code ?mids=}). The query string is decoded by Armeria's
 * {@link QueryParams} as the server does, then read by the same functions the routes call.
 *
 * <p>What must hold: a parameter is read, or refused with an {@link IllegalArgumentException} (an
 * {@link InvalidPushException} for goim's) whose message starts with the parameter's name (the API
 * answers it as -400 naming it); nothing else is thrown; what is read is what the text says (list
 * items non-empty and stripped, numbers that print back as their text). Replayed from {@code
 * HttpParamsFuzzTestInputs/params}; fuzzed with {@code bench/fuzz http}.
 */
class HttpParamsFuzzTest {
  private static final InboxQueries INBOX = new InboxQueries(new EmptyInbox());

  @FuzzTest
  void params(FuzzedDataProvider data) {
    int route = data.consumeInt(0, 4);
    if (route < 4) {
      QueryParams params = QueryParams.fromQueryString(data.consumeRemainingAsString());
      switch (route) {
        case 0 -> push(params);
        case 1 -> room(params);
        case 2 -> inbox(params);
        default -> refused("mids", () -> GoimParams.longs(params, "mids"));
      }
    } else {
      im(data.consumeRemainingAsBytes());
    }
  }

  private static void push(QueryParams params) {
    refused("operation", () -> GoimParams.requiredInt(params, "operation"));
    refused("keys", () -> checkList(GoimParams.list(params, "keys")));
    refused("mids", () -> GoimParams.longs(params, "mids"));
    for (String flag : List.of("ack", "store", "notify")) {
      refused(flag, () -> GoimParams.optionalBoolean(params, flag));
    }
  }

  private static void room(QueryParams params) {
    refused("type", () -> GoimParams.text(params, "type"));
    refused("room", () -> GoimParams.text(params, "room"));
    refused("speed", () -> GoimParams.optionalInt(params, "speed", 0));
  }

  private static void inbox(QueryParams params) {
    long mid;
    long after;
    int limit;
    try {
      mid = GoimParams.requiredLong(params, "mid");
      after = GoimParams.optionalLong(params, "after", 0);
      limit = GoimParams.optionalInt(params, "limit", 0);
    } catch (InvalidPushException e) {
      checkNamed(e, "mid", "after", "limit");
      return;
    }
    refused("mid", () -> INBOX.read(mid, after, limit).join(), "after", "limit");
  }

  private static void im(byte[] body) {
    JsonNode json;
    try {
      json = ImJson.parse(body);
    } catch (IllegalArgumentException e) {
      checkNamed(e, "body");
      return;
    }
    refused("from", () -> ImJson.longField(json, "from", 0));
    refused("kind", () -> ImJson.text(json, "kind"));
    refused("to", () -> ImJson.requiredLong(json, "to"));
    refused("client_msg_id", () -> ImJson.longField(json, "client_msg_id", 0));
    refused("content_type", () -> ImJson.intField(json, "content_type", 1));
    refused("text", () -> ImJson.content(json), "content_base64");
    refused("owner", () -> ImJson.longField(json, "owner", 0));
    refused("name", () -> ImJson.text(json, "name"));
    refused("members", () -> ImJson.longs(json, "members"));
  }

  private static void checkList(List<String> items) {
    for (String item : items) {
      if (item.isEmpty() || !item.equals(item.strip()) || item.indexOf(',') >= 0) {
        throw new AssertionError("list item '" + item + "'");
      }
    }
  }

  /** Runs {@code read}; a refusal must be an IllegalArgumentException naming one of the names. */
  private static void refused(String name, Runnable read, String... others) {
    try {
      read.run();
    } catch (IllegalArgumentException e) {
      String[] names = new String[others.length + 1];
      names[0] = name;
      System.arraycopy(others, 0, names, 1, others.length);
      checkNamed(e, names);
    }
  }

  private static void checkNamed(IllegalArgumentException e, String... names) {
    String message = e.getMessage();
    for (String name : names) {
      if (message != null && (message.startsWith(name + ": ") || message.startsWith(name + "["))) {
        return;
      }
    }
    throw new AssertionError("a refusal naming none of " + List.of(names) + ": " + message, e);
  }

  /** An inbox with nothing in it: the read's parameters are what is under test. */
  private static final class EmptyInbox implements Inbox {
    @Override
    public CompletableFuture<InboxPosition> append(long mid, InboxEntry entry) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<InboxRead> read(long mid, long epoch, long afterSeq, int limit) {
      if (mid <= 0 || afterSeq < 0 || limit < 1 || limit > InboxQueries.MAX_LIMIT) {
        throw new AssertionError("read(" + mid + ", " + afterSeq + ", " + limit + ") got through");
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<InboxRead> readFromCursor(long mid, String key, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Integer> moveCursors(List<DeviceCursor> cursors) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Map<String, Long>> cursors(long mid) {
      return CompletableFuture.completedFuture(Map.of());
    }
  }
}
