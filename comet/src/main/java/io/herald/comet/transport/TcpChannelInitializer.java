package io.herald.comet.transport;

import io.herald.comet.session.TransportKind;
import io.herald.wire.codec.FrameDecoder;
import io.herald.wire.codec.TcpFrameEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of a client connection over TCP (goim's port 3101), or TCP with TLS:
 *
 * <pre>
 * limiter → [tls] → FrameDecoder → TcpFrameEncoder → (shared tail, see PipelineTail)
 * </pre>
 *
 * so an authenticated plain-TCP connection's pipeline is {@code decoder → encoder → connection}.
 *
 * <p>One per listener; shared by its channels.
 */
public final class TcpChannelInitializer extends ChannelInitializer<Channel> {
  private final SslContext ssl;
  private final PipelineTail tail;

  /**
   * @param sslOrNull the server's TLS context for a TCP+TLS listener; {@code null} for plain TCP
   */
  public TcpChannelInitializer(TransportContext context, SslContext sslOrNull) {
    this.ssl = sslOrNull;
    this.tail =
        new PipelineTail(context, sslOrNull == null ? TransportKind.TCP : TransportKind.TCP_TLS);
  }

  @Override
  protected void initChannel(Channel channel) {
    tail.addHead(channel, ssl);
    channel
        .pipeline()
        .addLast("decoder", new FrameDecoder(tail.limits()))
        .addLast("encoder", TcpFrameEncoder.INSTANCE);
    tail.addTail(channel);
  }
}
