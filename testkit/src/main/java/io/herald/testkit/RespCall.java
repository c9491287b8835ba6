package io.herald.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends one command to a Redis server over a plain socket and returns its reply as text (an array's
 * elements one per line): enough for the testkit's administration of the servers it starts ({@code
 * CLUSTER NODES}, {@code INFO}), without a client library in the testkit's main classpath.
 */
final class RespCall {

  private static final int TIMEOUT_MILLIS = 2_000;

  private RespCall() {}

  /**
   * The reply to {@code command} at 127.0.0.1:{@code port}: a status or bulk string, an integer as
   * text, or the elements of an array one per line ({@code null} for a null bulk string or array).
   *
   * @throws IOException if the server cannot be reached or answers with an error
   */
  static String call(int port, String... command) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder().append('*').append(command.length).append("\r\n");
      for (String arg : command) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()), String.join(" ", command));
    }
  }

  private static String read(InputStream in, String what) throws IOException {
    String line = line(in);
    if (line.isEmpty()) {
      throw new IOException("empty reply to " + what);
    }
    String rest = line.substring(1);
    return switch (line.charAt(0)) {
      case '+', ':' -> rest;
      case '-' -> throw new IOException(what + ": " + rest);
      case '$' -> bulk(in, Integer.parseInt(rest));
      case '*' -> array(in, Integer.parseInt(rest), what);
      default -> throw new IOException("unexpected reply to " + what + ": " + line);
    };
  }

  /** The elements of an array reply, one per line ({@code null} for a null array). */
  private static String array(InputStream in, int length, String what) throws IOException {
    if (length < 0) {
      return null;
    }
    StringBuilder elements = new StringBuilder();
    for (int i = 0; i < length; i++) {
      elements.append(i == 0 ? "" : "\n").append(read(in, what));
    }
    return elements.toString();
  }

  private static String bulk(InputStream in, int length) throws IOException {
    if (length < 0) {
      return null;
    }
    byte[] bytes = in.readNBytes(length + 2);
    if (bytes.length < length + 2) {
      throw new IOException("connection closed in a reply");
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int next = in.read();
      if (next < 0) {
        throw new IOException("connection closed in a reply");
      }
      if (previous == '\r' && next == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(next);
      previous = next;
    }
  }
}
