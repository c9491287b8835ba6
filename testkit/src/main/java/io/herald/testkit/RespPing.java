package io.herald.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Asks a Redis server {@code PING} over a plain socket. */
final class RespPing {

  private static final int TIMEOUT_MILLIS = 2_000;

  private RespPing() {}

  /**
   * Whether the server at host:port answers {@code +PONG} (or {@code -NOAUTH}: it is there, but
   * wants a password first).
   */
  static boolean answers(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String reply = in.readLine();
      return reply != null && (reply.equals("+PONG") || reply.startsWith("-NOAUTH"));
    }
  }
}
