package io.herald.bench.scenario;

import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatKind;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.Conversation;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Chat clients for the {@code chat} scenario: many protocol version 2 TCP connections in this
 * process (one Netty event loop group), each a user that AUTHs by mid (Logic in {@code trust}
 * mode), may join rooms, and may be told to send: closed loop, {@code inFlight} CHAT_SENDs (op 28)
 * outstanding, the next one sent when a CHAT_SEND_REPLY (op 29) comes. Every message's content
 * starts with the sender's {@link System#nanoTime()} (all clients are in this process, so every
 * receiver reads the same clock): a write fan-out message's latency is measured where its op 26
 * (carrying op 36) arrives, a read fan-out notice's (op 38) against the send time of its seq (from
 * the send's reply), and the content of a read fan-out message where the member's CHAT_HISTORY (op
 * 32) pull brings it. Members of a read fan-out group pull as an SDK would: on a notice past their
 * cursor, one pull at a time, again while the reply says {@code more} or a newer notice came
 * meanwhile; a refused pull is retried after 20–100 ms. Op-26 messages are acked (op 18, per read
 * batch) as the SDKs do, so the Comet does not resend them.
 */
final class ChatFleet implements AutoCloseable {
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);
  private static final int MAX_FRAME = 1 << 20;
  private static final long HEARTBEAT_SECONDS = 10;
  private static final int CONTENT_TYPE = 1;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final int port;
  private final int size;
  private final int historyLimit;
  private final AtomicLong clientMsgIds = new AtomicLong(System.currentTimeMillis() * 1_000);
  private final List<Member> members = new ArrayList<>();
  private volatile Window window = new Window(System.nanoTime());
  private volatile boolean closing;

  /** Send time by seq, of the read fan-out group being measured (from the sends' replies). */
  private final Map<Long, Long> sentBySeq = new ConcurrentHashMap<>();

  /** Notices that arrived before their send's reply: {seq, arrival nanos}. */
  private final Queue<long[]> earlyNotices = new ConcurrentLinkedQueue<>();

  /**
   * @param port the Comet's TCP port
   * @param size content bytes of each message (at least 8: the send time)
   * @param historyLimit messages asked per pull
   * @param threads event loop threads
   */
  ChatFleet(int port, int size, int historyLimit, int threads) {
    if (size < 8) {
      throw new IllegalArgumentException("--size: " + size + " (expected: >= 8)");
    }
    this.port = port;
    this.size = size;
    this.historyLimit = historyLimit;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
  }

  /** What one measured step counted; a message counts when it was sent within the step. */
  static final class Window {
    final long start;
    volatile long end = Long.MAX_VALUE;
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder refused = new LongAdder();
    final Map<String, String> firstRefusal = new ConcurrentHashMap<>();
    final LongAdder delivered = new LongAdder();
    final LongAdder notices = new LongAdder();
    final LongAdder pulled = new LongAdder();
    final LongAdder pulls = new LongAdder();
    final LongAdder pullErrors = new LongAdder();
    final LongAdder pullBytes = new LongAdder();
    final Recorder reply = new Recorder(3);
    final Recorder delivery = new Recorder(3);
    final Recorder notice = new Recorder(3);
    final Recorder content = new Recorder(3);

    Window(long start) {
      this.start = start;
    }

    boolean counts(long sentNanos) {
      return sentNanos >= start && sentNanos <= end;
    }

    private static void record(Recorder recorder, long nanos) {
      recorder.recordValue(Math.max(0, nanos / 1_000));
    }
  }

  /** Starts counting afresh: what is sent from now on. */
  Window begin() {
    Window fresh = new Window(System.nanoTime());
    window = fresh;
    return fresh;
  }

  /** Stops {@code counting} new sends (what is in flight is still received). */
  static void end(Window counting) {
    counting.end = System.nanoTime();
  }

  /** Forgets the seqs of the last read fan-out group. */
  void clearSeqs() {
    sentBySeq.clear();
    earlyNotices.clear();
  }

  /** Records the notices that came before their send's reply; call once the step is drained. */
  void settleEarlyNotices(Window counting) {
    for (long[] early; (early = earlyNotices.poll()) != null; ) {
      Long sent = sentBySeq.get(early[0]);
      if (sent != null && counting.counts(sent)) {
        Window.record(counting.notice, early[1] - sent);
      }
    }
  }

  static Histogram histogram(Recorder recorder) {
    return recorder.getIntervalHistogram();
  }

  /** Opens a connection as user {@code mid} and AUTHs; completes with the member once AUTHed. */
  CompletableFuture<Member> connect(long mid) {
    Member member = new Member(mid);
    synchronized (members) {
      members.add(member);
    }
    ChannelFuture future =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, -4, 0))
                        .addLast(member);
                  }
                })
            .connect(new InetSocketAddress("127.0.0.1", port));
    future.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            member.authed.completeExceptionally(f.cause());
            return;
          }
          member.channel = f.channel();
          member
              .channel
              .closeFuture()
              .addListener(
                  c ->
                      member.authed.completeExceptionally(
                          new IllegalStateException("connection of mid " + mid + " closed")));
          String auth =
              "{\"mid\":"
                  + mid
                  + ",\"key\":\"bench-chat-"
                  + mid
                  + "\",\"room_id\":\"\",\"platform\":\"bench\",\"accepts\":[]}";
          member.write(Op.AUTH, auth.getBytes(StandardCharsets.UTF_8));
          var unused =
              member
                  .channel
                  .eventLoop()
                  .scheduleAtFixedRate(
                      () -> member.write(Op.HEARTBEAT, new byte[0]),
                      ThreadLocalRandom.current().nextLong(HEARTBEAT_SECONDS * 1000),
                      HEARTBEAT_SECONDS * 1000,
                      TimeUnit.MILLISECONDS);
        });
    return member.authed.thenApply(ignored -> member);
  }

  @Override
  public void close() {
    closing = true;
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One connection, one user; its state is touched on its event loop only. */
  final class Member extends SimpleChannelInboundHandler<ByteBuf> {
    final long mid;
    final CompletableFuture<Void> authed = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Void>> joins = new ConcurrentHashMap<>();
    private volatile Channel channel;
    private int nextSeq = 100;
    private final Map<Integer, Long> pendingSends = new HashMap<>();
    private final Map<Integer, Long> pendingPulls = new HashMap<>();
    private Conversation target;
    private int inFlight;
    private boolean sending;
    private int budget = -1;
    private CompletableFuture<Void> sentAll;
    private Conversation readGroup;
    private boolean pull;
    private long cursor;
    private long noticed;
    private boolean pulling;
    private long ackEpoch;
    private long ackSeq;
    private final List<Long> ackIds = new ArrayList<>();
    private volatile long delivered;

    Member(long mid) {
      this.mid = mid;
    }

    /** Joins {@code room} (op 22); completes when the Comet answers op 23. */
    CompletableFuture<Void> join(String room) {
      CompletableFuture<Void> joined = joins.computeIfAbsent(room, r -> new CompletableFuture<>());
      write(Op.JOIN_ROOM, room.getBytes(StandardCharsets.UTF_8));
      return joined;
    }

    /**
     * Reads group {@code group} by read fan-out from {@code cursor}: with {@code pull}, pulls what
     * each notice announces.
     */
    void readFanout(Conversation group, long from, boolean pullOnNotice) {
      channel
          .eventLoop()
          .execute(
              () -> {
                readGroup = group;
                cursor = from;
                noticed = from;
                pull = pullOnNotice;
              });
    }

    /** The highest seq this member holds of its read fan-out group. */
    long cursor() {
      return channel.eventLoop().submit(() -> cursor).syncUninterruptibly().getNow();
    }

    /** Op-26 chat messages received, ever. */
    long delivered() {
      return delivered;
    }

    /** Starts sending to {@code to}, {@code inFlight} outstanding. */
    void startSending(Conversation to, int outstanding) {
      channel
          .eventLoop()
          .execute(
              () -> {
                target = to;
                inFlight = outstanding;
                sending = true;
                while (pendingSends.size() < inFlight) {
                  send();
                }
              });
    }

    /** Sends exactly {@code count} messages to {@code to}, one after the other. */
    CompletableFuture<Void> sendExactly(Conversation to, int count) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      channel
          .eventLoop()
          .execute(
              () -> {
                target = to;
                inFlight = 1;
                budget = count;
                sentAll = done;
                sending = true;
                send();
              });
      return done;
    }

    /** Stops sending; completes when no send is outstanding. */
    CompletableFuture<Void> stopSending() {
      CompletableFuture<Void> done = new CompletableFuture<>();
      channel.eventLoop().execute(() -> sending = false);
      awaitNoSends(done);
      return done;
    }

    private void awaitNoSends(CompletableFuture<Void> done) {
      var unused =
          channel
              .eventLoop()
              .schedule(
                  () -> {
                    if (pendingSends.isEmpty() || !channel.isActive()) {
                      done.complete(null);
                    } else {
                      awaitNoSends(done);
                    }
                  },
                  5,
                  TimeUnit.MILLISECONDS);
    }

    private void send() {
      if (budget == 0) {
        return;
      }
      if (budget > 0) {
        budget--;
      }
      long now = System.nanoTime();
      ByteBuf content = Unpooled.buffer(size, size).writeLong(now).writeZero(size - 8);
      ChatSend body =
          new ChatSend(target, clientMsgIds.incrementAndGet(), CONTENT_TYPE, content.array());
      int seq = nextSeq++;
      pendingSends.put(seq, now);
      window.sent.increment();
      write(Op.CHAT_SEND, seq, body.encode(ByteBufAllocator.DEFAULT));
    }

    private void pull() {
      pulling = true;
      int seq = nextSeq++;
      pendingPulls.put(seq, System.nanoTime());
      window.pulls.increment();
      write(
          Op.CHAT_HISTORY,
          seq,
          new ChatHistory(readGroup, cursor, 0, historyLimit).encode(ByteBufAllocator.DEFAULT));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
      int bytes = in.readableBytes();
      Frame frame = FrameCodec.decode(in, LIMITS);
      try {
        read(frame, bytes);
      } finally {
        frame.release();
      }
    }

    private void read(Frame frame, int frameBytes) {
      ByteBuf body = frame.body();
      switch (frame.op()) {
        case Op.RAW -> {
          while (body.isReadable()) {
            Frame inner = FrameCodec.decode(body, LIMITS);
            try {
              read(inner, inner.body().readableBytes() + inner.version().headerLength());
            } finally {
              inner.release();
            }
          }
        }
        case Op.AUTH_REPLY -> authed.complete(null);
        case Op.JOIN_ROOM_REPLY -> {
          CompletableFuture<Void> joined = joins.get(body.toString(StandardCharsets.UTF_8));
          if (joined != null) {
            joined.complete(null);
          }
        }
        case Op.CHAT_SEND_REPLY -> sendReply(frame.seq(), body);
        case Op.MESSAGE -> message(body);
        case Op.CHAT_NOTICE -> notice(body);
        case Op.CHAT_HISTORY_REPLY -> historyReply(frame.seq(), body, frameBytes);
        default -> {
          // heartbeat replies, receipts, other ops: nothing to measure
        }
      }
    }

    private void sendReply(int seq, ByteBuf body) {
      Long sentAt = pendingSends.remove(seq);
      if (sentAt == null) {
        return;
      }
      Window counting = window;
      ChatError error = ChatError.peek(body);
      long delay = 0;
      if (error == null) {
        ChatSendReply reply = ChatSendReply.decode(body);
        if (counting.counts(sentAt)) {
          counting.ok.increment();
          Window.record(counting.reply, System.nanoTime() - sentAt);
        }
        if (target != null && target.kind() == ChatKind.GROUP) {
          sentBySeq.put(reply.seq(), sentAt);
        }
      } else {
        if (counting.counts(sentAt)) {
          counting.refused.increment();
        }
        counting.firstRefusal.putIfAbsent("first", error.toString());
        delay = 10;
        if (budget >= 0) {
          budget++;
        }
      }
      if (budget == 0 && pendingSends.isEmpty() && sentAll != null) {
        sending = false;
        sentAll.complete(null);
        sentAll = null;
        return;
      }
      if (sending && pendingSends.size() < inFlight) {
        if (delay == 0) {
          send();
        } else {
          var unused =
              channel
                  .eventLoop()
                  .schedule(
                      () -> {
                        if (sending && pendingSends.size() < inFlight) {
                          send();
                        }
                      },
                      delay,
                      TimeUnit.MILLISECONDS);
        }
      }
    }

    private void message(ByteBuf body) {
      MessageEnvelope envelope = MessageEnvelope.decode(body);
      if (envelope.ackRequested() || envelope.stored()) {
        ackIds.add(envelope.messageId());
        if (envelope.seq() > ackSeq || envelope.epoch() != ackEpoch) {
          ackEpoch = envelope.epoch();
          ackSeq = envelope.seq();
        }
      }
      if (envelope.op() != Op.CHAT_MESSAGE) {
        return;
      }
      ChatMessage message = ChatMessage.decode(MessageEnvelope.payload(body));
      delivered++;
      long sentAt = sentAt(message);
      Window counting = window;
      if (counting.counts(sentAt)) {
        counting.delivered.increment();
        Window.record(counting.delivery, System.nanoTime() - sentAt);
      }
    }

    private void notice(ByteBuf body) {
      ChatNotice notice = ChatNotice.decode(body);
      if (notice.event() != ChatNotice.Event.NEW || readGroup == null) {
        return;
      }
      long now = System.nanoTime();
      Window counting = window;
      Long sentAt = sentBySeq.get(notice.seq());
      if (sentAt == null) {
        earlyNotices.add(new long[] {notice.seq(), now});
        counting.notices.increment();
      } else if (counting.counts(sentAt)) {
        counting.notices.increment();
        Window.record(counting.notice, now - sentAt);
      }
      noticed = Math.max(noticed, notice.seq());
      if (pull && !pulling && noticed > cursor) {
        pull();
      }
    }

    private void historyReply(int seq, ByteBuf body, int frameBytes) {
      if (pendingPulls.remove(seq) == null) {
        return;
      }
      Window counting = window;
      counting.pullBytes.add(frameBytes);
      if (ChatError.peek(body) != null) {
        counting.pullErrors.increment();
        var unused =
            channel
                .eventLoop()
                .schedule(
                    this::pull,
                    20 + ThreadLocalRandom.current().nextInt(80),
                    TimeUnit.MILLISECONDS);
        return;
      }
      ChatHistoryReply reply = ChatHistoryReply.decode(body);
      long now = System.nanoTime();
      for (ChatMessage message : reply.messages()) {
        if (message.seq() <= cursor) {
          continue;
        }
        cursor = message.seq();
        long sentAt = sentAt(message);
        if (counting.counts(sentAt)) {
          counting.pulled.increment();
          Window.record(counting.content, now - sentAt);
        }
      }
      noticed = Math.max(noticed, reply.lastSeq());
      if (reply.more() || noticed > cursor) {
        pull();
      } else {
        pulling = false;
      }
    }

    private long sentAt(ChatMessage message) {
      byte[] content = message.content();
      return content.length >= 8 ? Unpooled.wrappedBuffer(content).getLong(0) : -1;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
      if (!ackIds.isEmpty()) {
        for (int from = 0; from < ackIds.size(); from += AckBody.MAX_IDS) {
          List<Long> chunk = ackIds.subList(from, Math.min(ackIds.size(), from + AckBody.MAX_IDS));
          long[] ids = chunk.stream().mapToLong(Long::longValue).toArray();
          write(Op.ACK, 0, new AckBody(ackEpoch, ackSeq, ids).encode(ByteBufAllocator.DEFAULT));
        }
        ackIds.clear();
      }
      ctx.flush();
      super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      System.err.println("chat client of mid " + mid + " failed: " + cause);
      var unused = ctx.close();
    }

    /** A connection the server closed under the run makes its figures wrong: say so, loudly. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!closing) {
        System.err.println(
            "chat client of mid " + mid + ": the server closed its connection during the run");
      }
      super.channelInactive(ctx);
    }

    private void write(int op, byte[] body) {
      write(op, 1, Unpooled.wrappedBuffer(body));
    }

    /** Writes and flushes a frame; {@code body} is released. */
    private void write(int op, int seq, ByteBuf body) {
      Channel ch = channel;
      if (ch == null || !ch.isActive()) {
        body.release();
        return;
      }
      Frame frame = new Frame(ProtocolVersion.V2, op, seq, body);
      try {
        var unused = ch.writeAndFlush(FrameCodec.encode(ByteBufAllocator.DEFAULT, frame));
      } finally {
        frame.release();
      }
    }
  }
}
