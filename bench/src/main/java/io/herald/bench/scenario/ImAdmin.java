package io.herald.bench.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Groups through Logic's backend HTTP API ({@code POST /herald/im/groups}, {@code POST
 * /herald/im/groups/{id}/members}), as a business backend makes them: at most 1,000 mids a call.
 */
final class ImAdmin {
  private static final int MAX_MIDS = 1000;
  private static final Pattern GROUP_ID = Pattern.compile("\"group_id\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern MODE = Pattern.compile("\"mode\"\\s*:\\s*\"(\\w+)\"");
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*(-?\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  ImAdmin(int logicHttpPort) {
    this.base = "http://127.0.0.1:" + logicHttpPort + "/herald/im";
  }

  /** A created group: its id and fan-out mode ("write" or "read") as Logic answered. */
  record Created(long id, String mode) {}

  /** Creates a group of {@code members} (owner 0, the system), adding past the first 1,000. */
  Created create(String name, List<Long> members) throws IOException, InterruptedException {
    List<Long> first = members.subList(0, Math.min(MAX_MIDS, members.size()));
    String answer =
        post("/groups", "{\"owner\":0,\"name\":\"" + name + "\",\"members\":" + json(first) + "}");
    Matcher id = GROUP_ID.matcher(answer);
    if (!id.find()) {
      throw new IOException("POST /herald/im/groups answered " + answer);
    }
    long groupId = Long.parseLong(id.group(1));
    String last = answer;
    for (int from = MAX_MIDS; from < members.size(); from += MAX_MIDS) {
      List<Long> chunk = members.subList(from, Math.min(members.size(), from + MAX_MIDS));
      last = post("/groups/" + groupId + "/members", "{\"mids\":" + json(chunk) + "}");
    }
    Matcher mode = MODE.matcher(last);
    return new Created(groupId, mode.find() ? mode.group(1) : "?");
  }

  private String post(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher code = CODE.matcher(response.body());
    if (response.statusCode() != 200 || !code.find() || !code.group(1).equals("0")) {
      throw new IOException(
          "POST " + path + " answered " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private static String json(List<Long> mids) {
    return mids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
  }
}
