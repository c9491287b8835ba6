package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.proto.common.v1.Transport;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both pipelines on real loopback sockets and a real event loop, with a fake Logic. */
class TransportLoopbackTest {
  private final TransportFixture fixture = new TransportFixture();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aGoimTcpClientAuthenticatesAndHeartbeats() throws Exception {
    InetSocketAddress address = bind(new TcpChannelInitializer(fixture.context, null));
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(socket.getInputStream());

      socket
          .getOutputStream()
          .write(bytes(ProtocolVersion.V1, Op.AUTH, 1, TransportFixture.AUTH_JSON));
      assertThat(ByteBufUtil.hexDump(readPacket(in))).isEqualTo("00000010001000010000000800000001");
      socket.getOutputStream().write(bytes(ProtocolVersion.V1, Op.HEARTBEAT, 2, ""));
      assertThat(ByteBufUtil.hexDump(readPacket(in)))
          .isEqualTo("00000014001000010000000300000002" + "00000000");

      assertThat(fixture.logic.connects.get(0).getClientIp()).isEqualTo("127.0.0.1");
      assertThat(fixture.logic.connects.get(0).getTransport()).isEqualTo(Transport.TRANSPORT_TCP);
      assertThat(fixture.buckets.get("key-1")).isNotNull();
    }
  }

  @Test
  void aTcpClientSendingGarbageIsDisconnected() throws Exception {
    InetSocketAddress address = bind(new TcpChannelInitializer(fixture.context, null));
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);

      socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      await()
          .untilAsserted(
              () ->
                  assertThat(
                          fixture.count(
                              "herald.comet.protocol.errors", "reason", "frame_too_large"))
                      .isEqualTo(1));
    }
  }

  @Test
  void aWebSocketClientAuthenticatesWithABinaryMessageAndIsRefusedForText() {
    InetSocketAddress address = bind(new WebSocketChannelInitializer(fixture.context, null));
    try (WireClient client = WireClient.webSocket(address.getPort(), ProtocolVersion.V2)) {
      Received reply = client.auth(TransportFixture.AUTH_JSON);
      assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
      assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
      assertThat(fixture.logic.connects.get(0).getTransport())
          .isEqualTo(Transport.TRANSPORT_WEBSOCKET);

      client.sendText("hello");
      assertThat(client.closed()).succeedsWithin(Duration.ofSeconds(10));
      await()
          .untilAsserted(
              () ->
                  assertThat(fixture.count("herald.comet.protocol.errors", "reason", "not_binary"))
                      .isEqualTo(1));
    }
  }

  @Test
  void anUnmaskedWebSocketFrameClosesThatConnectionWithAProtocolErrorAndNoOther() throws Exception {
    InetSocketAddress address = bind(new WebSocketChannelInitializer(fixture.context, null));
    try (WireClient bystander = WireClient.webSocket(address.getPort(), ProtocolVersion.V1);
        Socket socket = new Socket(address.getAddress(), address.getPort())) {
      assertThat(bystander.auth(TransportFixture.AUTH_JSON).op()).isEqualTo(Op.AUTH_REPLY);
      socket.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      socket
          .getOutputStream()
          .write(
              ("GET /sub HTTP/1.1\r\nHost: c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Sec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      StringBuilder response = new StringBuilder();
      while (response.indexOf("\r\n\r\n") < 0) {
        response.append((char) in.readUnsignedByte());
      }
      assertThat(response.toString()).startsWith("HTTP/1.1 101");

      socket.getOutputStream().write(new byte[] {(byte) 0x82, 0x00}); // binary, not masked

      byte[] close = new byte[4];
      in.readFully(close);
      assertThat(ByteBufUtil.hexDump(close)).as("close frame, 1002").isEqualTo("880203ea");
      assertThat(in.read()).isEqualTo(-1);
      await()
          .untilAsserted(
              () ->
                  assertThat(
                          fixture.count("herald.comet.protocol.errors", "reason", "bad_websocket"))
                      .isEqualTo(1));
      assertThat(bystander.heartbeat()).as("the other connection still answers").isNotNegative();
      assertThat(bystander.isClosed()).isFalse();
    }
  }

  private InetSocketAddress bind(ChannelInitializer<Channel> initializer) {
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(initializer)
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
    return (InetSocketAddress) server.localAddress();
  }

  private static byte[] bytes(ProtocolVersion version, int op, int seq, String body) {
    ByteBuf buf = TransportFixture.encode(version, op, seq, body.getBytes(StandardCharsets.UTF_8));
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  private static byte[] readPacket(DataInputStream in) throws IOException {
    int length = in.readInt();
    byte[] packet = new byte[length];
    ByteBuffer.wrap(packet).putInt(length);
    in.readFully(packet, 4, length - 4);
    return packet;
  }
}
