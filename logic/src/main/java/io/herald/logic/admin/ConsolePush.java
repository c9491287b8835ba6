package io.herald.logic.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.herald.logic.push.PushResult;
import io.herald.logic.push.PushService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /herald/admin/api/push}: one push from the console's form, through Logic's own push
 * path ({@link PushService}), so it meets the push API's limits and errors — the same parameter
 * names ({@code operation}, {@code keys}, {@code mids}, {@code type}, {@code room}, {@code speed},
 * {@code body}) and messages. The request is JSON:
 *
 * <pre>{@code
 * {"target":"keys","operation":1000,"keys":["phone-42"],"body":"text"}
 * {"target":"mids","operation":1000,"mids":["42"],"body":"text"}      (mids as strings or numbers)
 * {"target":"room","operation":1000,"type":"live","room":"1000","body":"text"}
 * {"target":"all","operation":1000,"speed":0,"body":"text"}
 * }</pre>
 *
 * and the answer {@code {"target":"keys","message_id":"...","offline":["..."]}} (no {@code offline}
 * for rooms and broadcasts), the message id a decimal string (JavaScript's numbers lose its last
 * digits). The body is the message as UTF-8 text; best-effort delivery, nothing stored.
 */
final class ConsolePush {
  static final List<String> TARGETS = List.of("keys", "mids", "room", "all");

  private final PushService pushes;

  ConsolePush(PushService pushes) {
    this.pushes = pushes;
  }

  /** The parsed request's target ({@code keys|mids|room|all}); throws for any other. */
  static String target(JsonNode request) {
    JsonNode target = request.get("target");
    if (target == null || !target.isTextual() || !TARGETS.contains(target.asText())) {
      throw AdminException.badRequest(
          "target", shown(target), "one of " + String.join(", ", TARGETS));
    }
    return target.asText();
  }

  CompletableFuture<Map<String, Object>> push(JsonNode request) {
    String target = target(request);
    int op = operation(request);
    ByteString body = body(request);
    CompletableFuture<PushResult> pushed =
        switch (target) {
          case "keys" -> pushes.pushKeys(op, strings(request, "keys"), body);
          case "mids" -> pushes.pushMids(op, mids(request), body);
          case "room" -> pushes.pushRoom(op, text(request, "type"), text(request, "room"), body);
          default -> pushes.pushAll(op, speed(request), body);
        };
    return pushed.thenApply(
        result -> {
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("target", target);
          answer.put("message_id", Long.toString(result.messageId()));
          if (target.equals("keys")) {
            answer.put("offline", result.offlineKeys());
          } else if (target.equals("mids")) {
            answer.put("offline", result.offlineMids().stream().map(String::valueOf).toList());
          }
          return answer;
        });
  }

  private static int operation(JsonNode request) {
    JsonNode op = request.get("operation");
    if (op == null || op.isNull()) {
      throw AdminException.badRequest("operation", "missing", "an integer");
    }
    if (!op.canConvertToInt() || !op.isIntegralNumber()) {
      throw AdminException.badRequest("operation", shown(op), "an integer");
    }
    return op.intValue();
  }

  private static int speed(JsonNode request) {
    JsonNode speed = request.get("speed");
    if (speed == null || speed.isNull()) {
      return 0;
    }
    if (!speed.isIntegralNumber() || !speed.canConvertToInt()) {
      throw AdminException.badRequest("speed", shown(speed), "an integer >= 0");
    }
    return speed.intValue();
  }

  private static ByteString body(JsonNode request) {
    JsonNode body = request.get("body");
    if (body == null || !body.isTextual()) {
      throw AdminException.badRequest(
          "body", body == null ? "missing" : shown(body), "the message, a string");
    }
    return ByteString.copyFromUtf8(body.asText());
  }

  private static String text(JsonNode request, String name) {
    JsonNode value = request.get(name);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw AdminException.badRequest(name, shown(value), "a string");
    }
    return value.asText().strip();
  }

  /** A JSON array of strings, each stripped. */
  private static List<String> strings(JsonNode request, String name) {
    JsonNode list = array(request, name, "device keys");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode value = list.get(i);
      if (!value.isTextual()) {
        throw AdminException.badRequest(name + "[" + i + "]", shown(value), "a string");
      }
      values.add(value.asText().strip());
    }
    return values;
  }

  /** A JSON array of 64-bit integers, as numbers or decimal strings. */
  private static List<Long> mids(JsonNode request) {
    JsonNode list = array(request, "mids", "user ids");
    List<Long> mids = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode value = list.get(i);
      try {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          mids.add(value.longValue());
        } else if (value.isTextual()) {
          mids.add(Long.parseLong(value.asText().strip()));
        } else {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw AdminException.badRequest("mids[" + i + "]", shown(value), "a 64-bit integer");
      }
    }
    return mids;
  }

  private static JsonNode array(JsonNode request, String name, String what) {
    JsonNode list = request.get(name);
    if (list == null || !list.isArray()) {
      throw AdminException.badRequest(
          name, list == null ? "missing" : shown(list), "a JSON array of " + what);
    }
    return list;
  }

  /** A JSON value as the request had it, cut to 40 characters. */
  static String shown(JsonNode value) {
    if (value == null) {
      return "missing";
    }
    String text = value.toString();
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
