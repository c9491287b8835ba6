package io.herald.logic.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpRequestWriter;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.SessionProtocol;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * A goim backend calling the HTTP API over a real socket: over HTTP/1.1 as goim's Go tools do, or
 * HTTP/2 (cleartext).
 */
final class GoimHttpClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebClient client;
  private final String authorization;

  GoimHttpClient(int port, String authorization) {
    this(SessionProtocol.HTTP, port, authorization);
  }

  GoimHttpClient(SessionProtocol protocol, int port, String authorization) {
    this.client =
        WebClient.builder(protocol.uriText() + "://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(20))
            .build();
    this.authorization = authorization;
  }

  /** With {@code Authorization: Bearer <token>}. */
  static GoimHttpClient withToken(int port, String token) {
    return new GoimHttpClient(port, "Bearer " + token);
  }

  /**
   * With {@code Authorization: Bearer <token>}, over {@code protocol} ({@code H1C}, {@code H2C}).
   */
  static GoimHttpClient withToken(SessionProtocol protocol, int port, String token) {
    return new GoimHttpClient(protocol, port, "Bearer " + token);
  }

  /** The HTTP answer and its parsed JSON body. */
  record Reply(int status, JsonNode json) {
    int code() {
      return json.get("code").asInt();
    }

    String message() {
      return json.get("message").asText();
    }

    JsonNode data() {
      return json.get("data");
    }
  }

  Reply post(String pathAndQuery, String body) {
    return post(pathAndQuery, body.getBytes(StandardCharsets.UTF_8));
  }

  Reply post(String pathAndQuery, byte[] body) {
    return send(HttpMethod.POST, pathAndQuery, body);
  }

  Reply get(String pathAndQuery) {
    return send(HttpMethod.GET, pathAndQuery, new byte[0]);
  }

  /** Any method, e.g. {@code PUT} or {@code DELETE}. */
  Reply send(HttpMethod method, String pathAndQuery, byte[] body) {
    return parse(execute(method, pathAndQuery, body));
  }

  /**
   * A POST whose body is streamed in 1 KiB chunks with no {@code Content-Length} (chunked transfer
   * encoding over HTTP/1.1), so the server learns its size only while reading it.
   */
  Reply postStreamed(String pathAndQuery, byte[] body) {
    RequestHeadersBuilder headers = headers(HttpMethod.POST, pathAndQuery);
    HttpRequestWriter request = HttpRequest.streaming(headers.build());
    var answered = client.execute(request).aggregate();
    boolean open = true;
    for (int from = 0; from < body.length && open; from += 1024) {
      int to = Math.min(body.length, from + 1024);
      open = request.tryWrite(HttpData.wrap(Arrays.copyOfRange(body, from, to))); // false: refused
    }
    request.close();
    return parse(answered.join());
  }

  /**
   * Sends {@code requestLine} (e.g. {@code POST /goim/push/keys?keys=%zz HTTP/1.1}) as is over a
   * plain socket, as a client that does not check what it sends would, with {@code token} and
   * {@code body}; reads the answer until the server closes the connection.
   */
  static Reply raw(int port, String requestLine, String token, String body) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(20_000);
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      String head =
          requestLine
              + "\r\nHost: 127.0.0.1:"
              + port
              + "\r\nAuthorization: Bearer "
              + token
              + "\r\nContent-Length: "
              + content.length
              + "\r\nConnection: close\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      String payload = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      if (answer.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
        payload = unchunk(payload);
      }
      try {
        return new Reply(status, JSON.readTree(payload));
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (HTTP " + status + "): " + payload, e);
      }
    }
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).strip(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }

  private AggregatedHttpResponse execute(HttpMethod method, String pathAndQuery, byte[] body) {
    return client
        .execute(headers(method, pathAndQuery).build(), HttpData.wrap(body))
        .aggregate()
        .join();
  }

  private RequestHeadersBuilder headers(HttpMethod method, String pathAndQuery) {
    RequestHeadersBuilder headers = RequestHeaders.builder(method, pathAndQuery);
    if (authorization != null) {
      headers.add(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    return headers;
  }

  private static Reply parse(AggregatedHttpResponse response) {
    try {
      return new Reply(response.status().code(), JSON.readTree(response.contentUtf8()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "not JSON (HTTP " + response.status().code() + "): " + response.contentUtf8(), e);
    }
  }
}
