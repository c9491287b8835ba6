package io.herald.comet.transport;

import io.herald.wire.BadPacketLengthException;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.NotBinaryFrameException;
import io.herald.wire.ProtocolError;
import io.herald.wire.ProtocolException;
import io.herald.wire.codec.WebSocketFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.SocketAddress;
import java.util.List;

/**
 * A WebSocket connection after the upgrade, in one handler: RFC 6455 frames from the client become
 * {@link Frame}s, and what the Comet writes becomes frames to the client. It replaces Netty's frame
 * decoder and encoder, UTF-8 validator, protocol handler, fragment aggregator and the Herald frame
 * codec (eight pipeline slots and the decoder's state), so an idle authenticated WebSocket
 * connection's pipeline is {@code websocket → connection}.
 *
 * <p>Inbound (the client's frames must be masked, RSV bits clear: no extension is negotiated):
 *
 * <ul>
 *   <li>a <b>binary</b> message, in one frame or in fragments (continuation frames), carries
 *       exactly one Herald frame (an op-9 frame carries a batch); bytes after it are a protocol
 *       error;
 *   <li>a message (the sum of its fragments) longer than the largest packet a client may send is
 *       refused as soon as a frame header says so: {@code frame_too_large}, close code 1009;
 *   <li>a <b>text</b> message is refused at its first frame header: {@code not_binary}, 1003
 *       (goim's JavaScript client sends binary only, so text is never decoded and never validated
 *       as UTF-8);
 *   <li><b>ping</b> is answered with a pong carrying its payload; <b>pong</b> is dropped;
 *       <b>close</b> is answered with a close frame echoing its status code, then the connection
 *       closes;
 *   <li>anything else (unmasked, RSV bits, unknown opcode, a fragmented or oversized control frame,
 *       a continuation without a message or a new message inside one, a length not in its shortest
 *       form, a close frame with a one-byte or invalid body): {@code bad_websocket}, 1002.
 * </ul>
 *
 * After the first error (or once the channel is closed, by an error found further down the
 * pipeline) every further byte is discarded; the error goes down the pipeline to the client
 * handler, whose {@link ProtocolErrors} counts and logs it and closes the channel.
 *
 * <p>Outbound: a {@link Frame} becomes one binary message (an op-9 frame whole), header and frame
 * in one buffer; a {@link ByteBuf} is already a whole WebSocket message (a room payload, framed
 * once per broadcast and shared by every member) and passes through. Closing the channel sends a
 * close frame first: 1000, or the status {@link #closeWith} set for the error that closes it.
 *
 * <p>One per channel, on its event loop.
 */
public final class WebSocketCodec extends ByteToMessageDecoder implements ChannelOutboundHandler {
  private static final int OP_CONTINUATION = 0;
  private static final int OP_TEXT = 1;
  private static final int OP_BINARY = 2;
  private static final int OP_CLOSE = 8;
  private static final int OP_PING = 9;
  private static final int OP_PONG = 10;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  private final FrameLimits limits;

  /** The payload so far of a fragmented binary message; {@code null} between messages. */
  private ByteBuf fragments;

  /** After an error or a close frame: input is discarded. */
  private boolean discarding;

  /** Whether a close frame was sent; none is sent twice. */
  private boolean closeSent;

  /** What the close frame says; {@code null}: 1000. */
  private WebSocketCloseStatus closeStatus;

  public WebSocketCodec(FrameLimits limits) {
    this.limits = limits;
  }

  /**
   * Has the close frame of the WebSocket in {@code pipeline}, if it is one, say {@code status}
   * (unless an earlier error chose one already). Call before closing the channel.
   */
  static void closeWith(ChannelPipeline pipeline, WebSocketCloseStatus status) {
    WebSocketCodec codec = pipeline.get(WebSocketCodec.class);
    if (codec != null && codec.closeStatus == null) {
      codec.closeStatus = status;
    }
  }

  /** The close status that tells the client why {@code cause} closed its connection. */
  static WebSocketCloseStatus closeStatusOf(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CorruptedWebSocketFrameException corrupted) {
        return corrupted.closeStatus();
      }
      if (t instanceof ProtocolException protocol) {
        if (protocol.error() == ProtocolError.NOT_BINARY) {
          return WebSocketCloseStatus.INVALID_MESSAGE_TYPE;
        }
        return protocol.error() == ProtocolError.FRAME_TOO_LARGE
            ? WebSocketCloseStatus.MESSAGE_TOO_BIG
            : WebSocketCloseStatus.POLICY_VIOLATION;
      }
    }
    return WebSocketCloseStatus.INTERNAL_SERVER_ERROR;
  }

  // Inbound.

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // Closed by an error found past this handler (a malformed op-9 batch, say): what follows in the
    // same read is not decoded, so one connection raises one error.
    if (discarding || !ctx.channel().isOpen()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      decodeFrame(ctx, in, out);
    } catch (RuntimeException e) {
      discarding = true;
      in.skipBytes(in.readableBytes());
      releaseFragments();
      throw e;
    }
  }

  /** Reads one frame if it is all there; checks its header as soon as the header is. */
  private void decodeFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int readable = in.readableBytes();
    if (readable < 2) {
      return;
    }
    int start = in.readerIndex();
    int b0 = in.getUnsignedByte(start);
    int b1 = in.getUnsignedByte(start + 1);
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    int length7 = b1 & 0x7F;
    checkFirstBytes(b0, b1, fin, opcode, length7);
    int lengthBytes = length7 < 126 ? 0 : length7 == 126 ? 2 : 8;
    int headerLength = 2 + lengthBytes + 4;
    if (readable < headerLength) {
      return;
    }
    long length =
        switch (lengthBytes) {
          case 0 -> length7;
          case 2 -> in.getUnsignedShort(start + 2);
          default -> in.getLong(start + 2);
        };
    if (length < 0 || (lengthBytes == 2 && length < 126) || (lengthBytes == 8 && length < 65536)) {
      throw protocolError("payload length " + length + " not in its shortest form");
    }
    if (opcode == OP_BINARY || opcode == OP_CONTINUATION) {
      long message = length + (fragments == null ? 0 : fragments.readableBytes());
      if (message > limits.maxPacketLength()) {
        throw new CorruptedWebSocketFrameException(
            WebSocketCloseStatus.MESSAGE_TOO_BIG,
            "message of at least "
                + message
                + " bytes, over the limit of "
                + limits.maxPacketLength());
      }
    }
    if (readable - headerLength < length) {
      return;
    }
    int payloadLength = (int) length;
    int mask = in.getInt(start + headerLength - 4);
    in.skipBytes(headerLength);
    switch (opcode) {
      case OP_BINARY, OP_CONTINUATION -> data(ctx, in, payloadLength, mask, fin, out);
      case OP_PING -> {
        ByteBuf pong = ctx.alloc().ioBuffer(2 + payloadLength);
        WebSocketFraming.writeHeader(pong, WebSocketFraming.FIN_PONG, payloadLength);
        unmask(in, payloadLength, mask, pong);
        ChannelFuture unused = ctx.writeAndFlush(pong);
      }
      case OP_PONG -> in.skipBytes(payloadLength);
      default -> closeReceived(ctx, in, payloadLength, mask);
    }
  }

  private void checkFirstBytes(int b0, int b1, boolean fin, int opcode, int length7) {
    if ((b0 & 0x70) != 0) {
      throw protocolError("RSV bits set (no extension was negotiated)");
    }
    if ((b1 & 0x80) == 0) {
      throw protocolError("unmasked frame from the client");
    }
    switch (opcode) {
      case OP_BINARY -> {
        if (fragments != null) {
          throw protocolError("a new message inside a fragmented one");
        }
      }
      case OP_CONTINUATION -> {
        if (fragments == null) {
          throw protocolError("continuation frame outside a fragmented message");
        }
      }
      case OP_TEXT ->
          throw new NotBinaryFrameException(
              "text WebSocket message where a binary one was expected");
      case OP_CLOSE, OP_PING, OP_PONG -> {
        if (!fin || length7 > MAX_CONTROL_PAYLOAD) {
          throw protocolError("fragmented or oversized control frame (opcode " + opcode + ")");
        }
      }
      default -> throw protocolError("unknown opcode " + opcode);
    }
  }

  private void data(
      ChannelHandlerContext ctx, ByteBuf in, int length, int mask, boolean fin, List<Object> out) {
    if (fin && fragments == null) {
      ByteBuf payload = ctx.alloc().buffer(length);
      try {
        unmask(in, length, mask, payload);
        out.add(heraldFrame(payload));
      } finally {
        payload.release();
      }
      return;
    }
    if (fragments == null) {
      fragments = ctx.alloc().buffer(length);
    }
    unmask(in, length, mask, fragments);
    if (fin) {
      ByteBuf payload = fragments;
      fragments = null;
      try {
        out.add(heraldFrame(payload));
      } finally {
        payload.release();
      }
    }
  }

  private Frame heraldFrame(ByteBuf payload) {
    Frame frame = FrameCodec.decode(payload, limits);
    if (payload.isReadable()) {
      int trailing = payload.readableBytes();
      frame.release();
      throw new BadPacketLengthException(
          trailing + " bytes follow the frame in one WebSocket message");
    }
    return frame;
  }

  private void closeReceived(ChannelHandlerContext ctx, ByteBuf in, int length, int mask) {
    WebSocketCloseStatus status = WebSocketCloseStatus.NORMAL_CLOSURE;
    if (length == 1) {
      throw protocolError("close frame with a one-byte body");
    }
    if (length >= 2) {
      int code = (in.getUnsignedShort(in.readerIndex()) ^ (mask >>> 16)) & 0xFFFF;
      if (code > 4999 || !WebSocketCloseStatus.isValidStatusCode(code)) {
        throw protocolError("close frame with status code " + code);
      }
      status = WebSocketCloseStatus.valueOf(code);
    }
    in.skipBytes(length);
    discarding = true;
    closeWithStatus(status);
    // Through the whole pipeline, so this handler's close sends the answering close frame.
    ChannelFuture unused = ctx.channel().close();
  }

  private void closeWithStatus(WebSocketCloseStatus status) {
    if (closeStatus == null) {
      closeStatus = status;
    }
  }

  /** Copies {@code length} bytes of {@code in} to {@code out}, unmasked with {@code mask}. */
  private static void unmask(ByteBuf in, int length, int mask, ByteBuf out) {
    int i = 0;
    long mask8 = (mask & 0xFFFFFFFFL) | ((long) mask << 32);
    for (; i + 8 <= length; i += 8) {
      out.writeLong(in.readLong() ^ mask8);
    }
    for (; i < length; i++) {
      out.writeByte(in.readByte() ^ (mask >>> (24 - 8 * (i & 3))));
    }
  }

  private static CorruptedWebSocketFrameException protocolError(String message) {
    return new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, message);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseFragments();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // The decoder's close handling runs first (the channel is closed: it decodes nothing more);
    // the fragments of an unfinished message are released after it.
    super.channelInactive(ctx);
    releaseFragments();
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  // Outbound.

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof Frame frame)) {
      ctx.write(msg, promise); // a whole WebSocket message already
      return;
    }
    ByteBuf buf = null;
    try {
      int length = FrameCodec.encodedLength(frame);
      buf = ctx.alloc().ioBuffer(WebSocketFraming.headerLength(length) + length);
      WebSocketFraming.writeHeader(buf, WebSocketFraming.FIN_BINARY, length);
      FrameCodec.encode(frame, buf);
    } catch (RuntimeException e) {
      if (buf != null) {
        buf.release();
      }
      promise.setFailure(e);
      return;
    } finally {
      frame.release();
    }
    ChannelFuture unused = ctx.write(buf, promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!closeSent && ctx.channel().isActive()) {
      closeSent = true;
      WebSocketCloseStatus status =
          closeStatus == null ? WebSocketCloseStatus.NORMAL_CLOSURE : closeStatus;
      ByteBuf close = ctx.alloc().ioBuffer(4);
      WebSocketFraming.writeHeader(close, WebSocketFraming.FIN_CLOSE, 2);
      close.writeShort(status.code());
      ChannelFuture unused = ctx.writeAndFlush(close);
    }
    ctx.close(promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void bind(ChannelHandlerContext ctx, SocketAddress local, ChannelPromise promise) {
    ctx.bind(local, promise);
  }

  @Override
  public void connect(
      ChannelHandlerContext ctx,
      SocketAddress remote,
      SocketAddress local,
      ChannelPromise promise) {
    ctx.connect(remote, local, promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    close(ctx, promise);
  }

  @Override
  public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
    ctx.deregister(promise);
  }
}
