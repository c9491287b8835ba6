package io.herald.comet.transport;

import io.herald.comet.session.TransportKind;
import io.herald.wire.codec.FrameDecoder;
import io.herald.wire.codec.TcpFrameEncoder;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * The pipeline of a client connection over TCP (goim's port 3101), or TCP with TLS:
 *
 * <pre>
 * [proxy] → limiter → [tls] → FrameDecoder → TcpFrameEncoder → auth / connection
 * </pre>
 *
 * so an authenticated plain-TCP connection's pipeline is {@code decoder → encoder → connection}.
 *
 * <p>One per listener; shared by its channels.
 */
public final class TcpChannelInitializer extends ClientChannelInitializer {
  /**
   * @param sslOrNull the server's TLS context for a TCP+TLS listener; {@code null} for plain TCP
   */
  public TcpChannelInitializer(TransportContext context, Supplier<SslContext> sslOrNull) {
    super(context, sslOrNull == null ? TransportKind.TCP : TransportKind.TCP_TLS, sslOrNull);
  }

  @Override
  void addCodec(ChannelPipeline pipeline) {
    pipeline
        .addLast("decoder", new FrameDecoder(limits()))
        .addLast("encoder", TcpFrameEncoder.INSTANCE);
  }
}
