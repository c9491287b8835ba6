package io.herald.bench.scenario;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Ports on 127.0.0.1 for the servers a scenario starts: picking free ones, waiting for them. */
final class LoopbackPorts {
  private LoopbackPorts() {}

  /** Waits up to 60 s until something on 127.0.0.1 accepts connections on {@code port}. */
  static void await(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("nothing listens on " + port + " after 60 s", e);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  /** Where listening ports are taken from: below Linux's ephemeral range (32768-60999). */
  private static final int FIRST_PORT = 20000;

  private static final int LAST_PORT = 32767;

  private static final Set<Integer> TAKEN = ConcurrentHashMap.newKeySet();

  /**
   * A free port below the ephemeral range, not handed out before by this process. A port the kernel
   * picks (bind to 0) is an ephemeral one, and the many client connections of a run, and their
   * TIME_WAIT remains, can take it before the server binds it ("Address already in use").
   */
  static int free() throws IOException {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
      if (!TAKEN.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException e) {
        // in use: try another
      }
    }
    throw new IOException("no free port in " + FIRST_PORT + "-" + LAST_PORT);
  }
}
