package io.herald.bench.scenario;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raw protocol-v1 TCP clients for the connect storm: each opens a socket, sends AUTH (trust mode:
 * the mid in the body) and reads the answer. Accepted connections stay open until {@link #close()}.
 */
final class StormClients implements AutoCloseable {
  static final int AUTH = 7;
  static final int AUTH_REPLY = 8;
  static final int HEARTBEAT = 2;
  static final int HEARTBEAT_REPLY = 3;

  /** How a storm went. */
  record Outcome(long accepted, long refused, long unanswered, double seconds) {}

  private final int port;
  private final List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());

  StormClients(int port) {
    this.port = port;
  }

  static byte[] frame(int op, int seq, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteBuffer frame = ByteBuffer.allocate(16 + bytes.length);
    frame.putInt(16 + bytes.length).putShort((short) 16).putShort((short) 1);
    frame.putInt(op).putInt(seq).put(bytes);
    return frame.array();
  }

  /** The op of the next frame, after skipping its body; -1 on a close. */
  static int readOp(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    try {
      int packLen = in.readInt();
      int headerLen = in.readShort();
      in.readShort();
      int op = in.readInt();
      in.readInt();
      in.skipNBytes(packLen - headerLen + (headerLen - 16));
      return op;
    } catch (EOFException e) {
      return -1;
    }
  }

  /** Opens one connection as user {@code mid}; true if accepted (it then stays open). */
  private int connect(long mid) {
    Socket socket = new Socket();
    try {
      socket.connect(
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          frame(
              AUTH,
              1,
              "{\"mid\":"
                  + mid
                  + ",\"key\":\"\",\"room_id\":\"\",\"platform\":\"web\",\"accepts\":[1000]}"));
      out.flush();
      int op = readOp(socket);
      if (op == AUTH_REPLY) {
        open.add(socket);
        return 0;
      }
      socket.close();
      return 1;
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      return 2;
    } catch (IOException e) {
      closeQuietly(socket); // reset or refused
      return 1;
    }
  }

  /** Opens {@code count} connections from {@code threads} threads as fast as they go. */
  Outcome storm(int count, int threads, long firstMid) throws Exception {
    AtomicLong next = new AtomicLong();
    long[] results = new long[3];
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  long[] mine = new long[3];
                  for (long i; (i = next.getAndIncrement()) < count; ) {
                    mine[connect(firstMid + i)]++;
                  }
                  return mine;
                }));
      }
      for (Future<long[]> worker : workers) {
        long[] mine = worker.get();
        for (int i = 0; i < 3; i++) {
          results[i] += mine[i];
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Outcome(results[0], results[1], results[2], (System.nanoTime() - started) / 1e9);
  }

  /**
   * How many of {@code sockets} answer a heartbeat: its reply among the frames that arrive within
   * the sockets' read timeout (pushes to a held connection may come before it, and are skipped).
   */
  static long heartbeats(List<Socket> sockets) {
    long answered = 0;
    for (Socket socket : sockets) {
      try {
        socket.getOutputStream().write(frame(HEARTBEAT, 2, ""));
        int op;
        do {
          op = readOp(socket);
        } while (op != HEARTBEAT_REPLY && op != -1);
        if (op == HEARTBEAT_REPLY) {
          answered++;
        }
      } catch (IOException e) {
        // not answered (closed, or no reply within the read timeout)
      }
    }
    return answered;
  }

  List<Socket> open() {
    synchronized (open) {
      return List.copyOf(open);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    for (Socket socket : open()) {
      closeQuietly(socket);
    }
    open.clear();
  }
}
