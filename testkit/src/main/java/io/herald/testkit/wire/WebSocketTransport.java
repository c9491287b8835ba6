package io.herald.testkit.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket as goim's JavaScript client opens one, on the JDK's {@link WebSocket}: one frame, or
 * one op-9 batch, per binary message.
 */
final class WebSocketTransport implements WireTransport, WebSocket.Listener {
  private final ByteArrayOutputStream message = new ByteArrayOutputStream();
  private final Sink sink;
  private final WebSocket socket;

  WebSocketTransport(HttpClient http, URI uri, Sink sink) {
    this.sink = sink;
    socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(uri, this)
            .join();
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] part = new byte[data.remaining()];
    data.get(part);
    message.writeBytes(part);
    if (last) {
      ByteBuf frames = Unpooled.wrappedBuffer(message.toByteArray());
      message.reset();
      try {
        sink.received(frames);
      } finally {
        frames.release();
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    sink.closed();
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    sink.closed();
  }

  @Override
  public void send(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  @Override
  public void sendText(String text) {
    socket.sendText(text, true).join();
  }

  @Override
  public void close() {
    socket.abort();
    sink.closed();
  }
}
