package io.herald.bench.scenario;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A Redis server's {@code INFO}, asked over a plain socket (one inline command, one bulk reply):
 * the memory it uses and its process id, read from outside as the other server figures are.
 */
final class RedisInfo {
  private static final int TIMEOUT_MILLIS = 5_000;

  private RedisInfo() {}

  /** {@code INFO <section>} of the Redis at {@code uri} ({@code redis://host:port}), as fields. */
  static Map<String, String> read(String uri, String section) throws IOException {
    URI parsed = URI.create(uri);
    int port = parsed.getPort() < 0 ? 6379 : parsed.getPort();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(parsed.getHost(), port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String head = line(in);
      if (!head.startsWith("$")) {
        throw new IOException("INFO " + section + " of " + uri + " answered " + head);
      }
      byte[] body = new byte[Integer.parseInt(head.substring(1))];
      in.readFully(body);
      Map<String, String> fields = new HashMap<>();
      for (String field : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
        int colon = field.indexOf(':');
        if (colon > 0 && !field.startsWith("#")) {
          fields.put(field.substring(0, colon), field.substring(colon + 1));
        }
      }
      return fields;
    }
  }

  /** The bytes the server's allocator holds ({@code used_memory}). */
  static long usedMemory(String uri) throws IOException {
    return Long.parseLong(field(read(uri, "memory"), "used_memory", uri));
  }

  /** The server's process id ({@code process_id}). */
  static long pid(String uri) throws IOException {
    return Long.parseLong(field(read(uri, "server"), "process_id", uri));
  }

  private static String field(Map<String, String> fields, String name, String uri)
      throws IOException {
    String value = fields.get(name);
    if (value == null) {
      throw new IOException("no " + name + " in the INFO of " + uri);
    }
    return value;
  }

  private static String line(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed after " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
