package io.herald.bench.scenario;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * One server of a side-by-side comparison, started pinned to its CPUs: where its subscribers
 * connect, how a message is published to all of them, and its process tree's figures.
 */
interface ComparedServer extends AutoCloseable {
  /** A name for the report: {@code herald-tcp}, {@code herald-ws}, {@code nchan}, {@code nats}. */
  String name();

  /** What a subscriber does before it counts as ready, for the report. */
  String auth();

  /** The {@code clients --transport} of its subscribers. */
  String clientTransport();

  /** The port(s) subscribers connect to. */
  List<Integer> clientPorts();

  /**
   * Publishes one message with {@code body} to every subscriber; returns when the server took it.
   */
  void publish(byte[] body) throws IOException, InterruptedException;

  /** The server's processes. */
  ServerProcess process();

  /** Heap in use after a full GC, for a JVM; empty for the others. */
  default OptionalLong heapAfterGc() throws IOException, InterruptedException {
    return OptionalLong.empty();
  }

  @Override
  void close();
}
