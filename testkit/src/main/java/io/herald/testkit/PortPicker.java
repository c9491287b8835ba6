package io.herald.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * Picks free TCP ports on 127.0.0.1 for servers to listen on, below the ephemeral range (which
 * starts at 32768 here), so a port cannot be taken meanwhile by an outgoing connection.
 */
final class PortPicker {

  static final int LOWEST = 20_000;
  static final int HIGHEST = 32_000;
  private static final int ATTEMPTS = 200;

  private static final PortPicker SYSTEM =
      new PortPicker(bound -> ThreadLocalRandom.current().nextInt(bound), PortPicker::canBind);

  private final IntUnaryOperator random;
  private final IntPredicate free;
  private final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  /**
   * @param random returns a number in [0, bound) for a bound
   * @param free whether a port can be bound now
   */
  PortPicker(IntUnaryOperator random, IntPredicate free) {
    this.random = random;
    this.free = free;
  }

  static PortPicker system() {
    return SYSTEM;
  }

  /** A port in [{@value #LOWEST}, {@value #HIGHEST}] that is free and not handed out before. */
  int pick() throws StartupFailure {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = LOWEST + random.applyAsInt(HIGHEST - LOWEST + 1);
      if (!handedOut.contains(port) && free.test(port) && handedOut.add(port)) {
        return port;
      }
    }
    throw new StartupFailure(
        "no free port on 127.0.0.1 in " + LOWEST + "-" + HIGHEST + " after " + ATTEMPTS + " tries");
  }

  static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
