package io.herald.comet.it;

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
 * A WebSocket client the way goim's JavaScript example is one: binary messages, one frame (or one
 * op-9 batch) per message. On the JDK's {@link java.net.http.WebSocket}.
 */
final class WebSocketClient extends TestClient {
  private final WebSocket socket;

  WebSocketClient(String host, int port, String path) {
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create("ws://" + host + ":" + port + path), new Listener())
            .join();
  }

  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] part = new byte[data.remaining()];
      data.get(part);
      message.writeBytes(part);
      if (last) {
        ByteBuf frame = Unpooled.wrappedBuffer(message.toByteArray());
        message.reset();
        try {
          accept(frame);
        } finally {
          frame.release();
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(null);
    }
  }

  @Override
  void sendBytes(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  void sendText(String text) {
    socket.sendText(text, true).join();
  }

  @Override
  public void close() {
    socket.abort();
  }
}
